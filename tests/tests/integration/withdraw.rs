//! Two-phase withdrawal (docs/protocol.md §4) under every relay outcome.

use collateral_vault::ContractError as VaultError;
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::packet::{CollateralPacket, WithdrawApproved, WithdrawOutcome};
use isthmus_protocol::vault::WithdrawalStatus;
use isthmus_tests::errors::assert_contract_error;
use isthmus_tests::suite::{Suite, ATOM, INITIAL_NATIVE};
use isthmus_tests::SuiteBuilder;

fn funded(amount: u128) -> Suite {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", amount).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite
}

#[test]
fn approved_withdrawal_is_paid_on_the_ack() {
    let mut suite = funded(1_000);
    suite.withdraw("alice", Suite::atom(), 400).unwrap();
    suite.check_invariants().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (600, 400, 2));
    assert_eq!(suite.pending_withdrawals().unwrap().len(), 1);
    let requested = suite.withdrawal(1).unwrap();
    assert_eq!((requested.status, requested.decided_at), (WithdrawalStatus::Pending {}, None));
    assert_eq!((requested.owner, requested.amount.u128()), (suite.user("alice").to_string(), 400));

    // The engine approves and records available_after; the ack is held.
    let state = suite.chains.deliver(0).unwrap();
    let PacketState::Acknowledged(ack) = state else { panic!("expected an ack") };
    assert_eq!(parse_ack::<WithdrawApproved>(&ack), AckOutcome::Success(Some(WithdrawApproved { request_id: 1 })));
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (600, 2));
    suite.check_invariants().unwrap();
    // Nothing is paid before the ack.
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 1_000);

    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::Pending {});
    suite.chains.settle(0).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 600);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 600);
    let paid = suite.withdrawal(1).unwrap();
    assert_eq!(paid.status, WithdrawalStatus::Paid {});
    assert_eq!(paid.requested_at, requested.requested_at);
    assert!(paid.decided_at.is_some());
    // An id never issued is an error, not a status.
    assert!(suite.withdrawal(2).is_err());
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128()), (600, 0));
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn withdrawal_beyond_what_the_engine_counts_is_rejected_and_rolled_back() {
    let mut suite = funded(100);
    // A second deposit the engine has not heard of yet.
    suite.deposit_atom("alice", 50).unwrap();
    suite.withdraw("alice", Suite::atom(), 120).unwrap();
    suite.check_invariants().unwrap();
    // Deliver the withdrawal first: the engine counts 100, so 120 is refused.
    let state = suite.chains.deliver(1).unwrap();
    let PacketState::Acknowledged(ack) = state else { panic!() };
    let refusal = match parse_ack::<WithdrawApproved>(&ack) {
        AckOutcome::Error(reason) => reason,
        other => panic!("expected rejection, got {other:?}"),
    };
    assert!(refusal.contains("insufficient usable collateral"), "{refusal}");
    assert_eq!(
        suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(),
        100,
        "rejection changes nothing"
    );
    suite.chains.settle(1).unwrap();
    suite.check_invariants().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (150, 0, 4), "moved back, seq bumped");
    // The wallet learns why: the engine's own error.
    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::RolledBack { reason: refusal });
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 150);
    // A fresh collateral_update follows the rollback.
    let last: CollateralPacket = suite.chains.in_flight().last().unwrap().decode().unwrap();
    assert!(matches!(last, CollateralPacket::CollateralUpdate { seq: 4, .. }));
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 150);
}

#[test]
fn paused_engine_rejects_new_withdrawals() {
    let mut suite = funded(100);
    let admin = suite.target_admin.clone();
    suite.engine_execute(&admin, &isthmus_protocol::engine::ExecuteMsg::SetPaused { paused: true }).unwrap();
    suite.withdraw("alice", Suite::atom(), 10).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 100);
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100);
}

#[test]
fn timed_out_withdrawal_is_rolled_back_exactly_once() {
    let mut suite = funded(1_000);
    suite.withdraw("alice", Suite::atom(), 300).unwrap();
    suite.chains.time_out(0).unwrap();
    suite.check_invariants().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (1_000, 0, 3));
    assert!(suite.pending_withdrawals().unwrap().is_empty());
    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::TimedOut {});
    // The engine never saw the request: its state is still seq 1 until the update lands.
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().seq, 1);
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (1_000, 3));
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 1_000);
}

#[test]
fn a_late_ack_pays_after_other_changes() {
    let mut suite = funded(1_000);
    suite.withdraw("alice", Suite::atom(), 200).unwrap();
    suite.chains.deliver(0).unwrap();
    // While the approval is in flight, alice deposits more and hours pass.
    suite.deposit_atom("alice", 70).unwrap();
    suite.chains.advance_all(3 * 3600);
    suite.check_invariants().unwrap();
    suite.chains.settle(0).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(),
        INITIAL_NATIVE - 1_070 + 200
    );
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 870);
}

#[test]
fn withdrawal_request_arriving_after_newer_state_is_judged_on_current_state() {
    let mut suite = funded(1_000);
    suite.withdraw("alice", Suite::atom(), 200).unwrap(); // seq 2, available 800
    suite.deposit_atom("alice", 10).unwrap(); // seq 3, available 810
    suite.chains.relay(1).unwrap(); // the newer update lands first
    suite.check_invariants().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 810);
    suite.chains.relay(0).unwrap(); // the stale request is approved; state stays at seq 3
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (810, 3));
    assert_eq!(
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(),
        INITIAL_NATIVE - 1_010 + 200
    );
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn withdrawal_cannot_take_collateral_reserved_for_a_seize() {
    let mut suite = funded(1_000);
    let recipient = suite.local_recipient("carol");
    suite.seize("alice", Suite::atom(), 700, recipient).unwrap();
    suite.check_invariants().unwrap();
    // The seize is held; alice races it with a withdrawal of 500.
    suite.withdraw("alice", Suite::atom(), 500).unwrap();
    let idx = suite.chains.in_flight().iter().position(|p| p.from == Side::FIRST_SOURCE).unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(idx).unwrap() else { panic!() };
    match parse_ack::<WithdrawApproved>(&ack) {
        AckOutcome::Error(reason) => assert!(reason.contains("reserved"), "{reason}"),
        other => panic!("expected rejection, got {other:?}"),
    }
    suite.chains.settle(idx).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    // The seize went through; alice keeps the rest.
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE + 700);
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 300);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 1_000);
}

#[test]
fn cw20_withdrawal_pays_tokens() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_cw20("bob", 900).unwrap();
    suite.resolve_all_and_check().unwrap();
    let stk = suite.stk();
    suite.withdraw("bob", stk.clone(), 899).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.cw20_balance(&suite.vault).unwrap(), 1);
    assert_eq!(suite.engine_position("bob", &stk).unwrap().reported.u128(), 1);
}

/// The counterparty closed the collateral channel (ChanCloseConfirm reaches both ends, as
/// after a `ChanCloseInit` on the engine's side).
fn close_collateral_channel(suite: &mut Suite) {
    let (vc, ec) = suite.collateral_channel().clone();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    suite.chains.confirm_close(Side::Target, Side::FIRST_SOURCE, &ep, &ec, &vp, &vc).unwrap();
}

fn resolve(suite: &mut Suite, request_id: u64) -> anyhow::Result<cw_multi_test::AppResponse> {
    let anyone = suite.user("carol");
    suite.vault_execute(&anyone, &isthmus_protocol::vault::ExecuteMsg::ResolveWithdrawal { request_id })
}

/// Issue 8, 9(a). The engine approved a withdrawal and the channel closed before the ack was
/// relayed: the ack can never be delivered and the request can never time out. Before the fix
/// the 400 stayed pending at the vault forever; now anyone asks the engine over the re-opened
/// channel and the approved withdrawal is paid.
#[test]
fn an_approved_withdrawal_stranded_by_a_channel_close_is_paid_over_the_reopened_channel() {
    let mut suite = funded(1_000);
    suite.withdraw("alice", Suite::atom(), 400).unwrap();
    suite.check_invariants().unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!("expected an ack") };
    assert_eq!(parse_ack::<WithdrawApproved>(&ack), AckOutcome::Success(Some(WithdrawApproved { request_id: 1 })));
    suite.check_invariants().unwrap();
    // While its channel is open, the request's own ack or timeout settles it.
    let old_channel = suite.collateral_channel().0.clone();
    assert_contract_error(
        resolve(&mut suite, 1),
        VaultError::WithdrawalChannelOpen { request_id: 1, channel_id: old_channel },
    );
    close_collateral_channel(&mut suite);
    suite.chains.discard(0).unwrap(); // the ack can no longer be relayed
    suite.check_invariants().unwrap();
    assert_contract_error(resolve(&mut suite, 1), VaultError::NoEngineChannel);
    assert_contract_error(resolve(&mut suite, 2), VaultError::UnknownWithdrawal { request_id: 2 });
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128()), (600, 400));

    suite.sources[0].collateral_channel = suite.open_collateral_channel().unwrap();
    suite.check_invariants().unwrap();
    resolve(&mut suite, 1).unwrap();
    suite.check_invariants().unwrap();
    let query: CollateralPacket = suite.chains.in_flight()[0].decode().unwrap();
    assert_eq!(
        query,
        CollateralPacket::WithdrawOutcomeQuery {
            request_id: 1,
            owner: suite.user("alice").to_string(),
            asset: Suite::atom(),
            amount: cosmwasm_std::Uint128::new(400),
        }
    );
    let PacketState::Acknowledged(answer) = suite.chains.deliver(0).unwrap() else { panic!("expected an ack") };
    assert_eq!(
        parse_ack::<WithdrawOutcome>(&answer),
        AckOutcome::Success(Some(WithdrawOutcome { request_id: 1, approved: true }))
    );
    suite.check_invariants().unwrap();
    suite.chains.settle(0).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 600);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 600);
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (600, 0, 2));
    assert!(suite.pending_withdrawals().unwrap().is_empty());
    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::Paid {});
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (600, 2));
}

/// 9(a), the other answer: a request the engine refused before the close returns to
/// available; a query that gets no answer (timeout) leaves it pending to be asked again.
#[test]
fn a_refused_withdrawal_stranded_by_a_channel_close_returns_to_available_and_an_unanswered_query_changes_nothing() {
    let mut suite = funded(1_000);
    let admin = suite.target_admin.clone();
    let pause = |paused| isthmus_protocol::engine::ExecuteMsg::SetPaused { paused };
    suite.engine_execute(&admin, &pause(true)).unwrap();
    suite.withdraw("alice", Suite::atom(), 300).unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!("expected an ack") };
    assert_eq!(
        parse_ack::<WithdrawApproved>(&ack),
        AckOutcome::Error(options_engine::ContractError::Paused.to_string())
    );
    suite.check_invariants().unwrap();
    close_collateral_channel(&mut suite);
    // The refusal stays with the relayer, undeliverable, until the withdrawal is resolved.
    suite.check_invariants().unwrap();
    suite.sources[0].collateral_channel = suite.open_collateral_channel().unwrap();
    suite.engine_execute(&admin, &pause(false)).unwrap();

    // A query that times out decides nothing.
    resolve(&mut suite, 1).unwrap();
    suite.check_invariants().unwrap();
    suite.chains.time_out(1).unwrap();
    suite.check_invariants().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (700, 300, 2));
    assert_eq!(suite.pending_withdrawals().unwrap().len(), 1);
    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::Pending {});

    resolve(&mut suite, 1).unwrap();
    let PacketState::Acknowledged(answer) = suite.chains.deliver(1).unwrap() else { panic!("expected an ack") };
    assert_eq!(
        parse_ack::<WithdrawOutcome>(&answer),
        AckOutcome::Success(Some(WithdrawOutcome { request_id: 1, approved: false }))
    );
    suite.chains.settle(1).unwrap();
    suite.check_invariants().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (1_000, 0, 3));
    assert!(suite.pending_withdrawals().unwrap().is_empty());
    let reason = "not approved before its channel closed".to_string();
    assert_eq!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::RolledBack { reason });
    suite.chains.discard(0).unwrap(); // the refusal of the closed channel, never relayed
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 1_000);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (1_000, 3));
}
