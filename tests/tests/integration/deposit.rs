//! Deposits on the source chain become collateral of an account on the target chain, and
//! the engine applies only newer state.

use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::packet::CollateralPacket;
use isthmus_tests::suite::{Suite, ATOM, INITIAL_CW20, INITIAL_NATIVE};
use isthmus_tests::SuiteBuilder;

#[test]
fn native_deposit_is_replicated_to_the_engine() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 5_000).unwrap();
    suite.check_invariants().unwrap();

    // Before relaying, the engine counts nothing: under-counting is safe.
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().usable.u128(), 0);
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.pending.u128(), v.seq), (5_000, 0, 1));
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 5_000);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 5_000);

    assert_eq!(suite.relay_all().unwrap(), 1);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.usable.u128(), e.seq), (5_000, 0, 5_000, 1));
    assert_eq!(e.account.as_deref(), Some(suite.account("alice").as_str()));
    assert_eq!(e.source_staleness_seconds, Some(0));
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn cw20_deposit_is_replicated_to_the_engine() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_cw20("bob", 7_500).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.cw20_balance(&suite.vault).unwrap(), 7_500);
    assert_eq!(suite.cw20_balance(&suite.user("bob")).unwrap(), INITIAL_CW20 - 7_500);
    suite.relay_all().unwrap();
    let stk = suite.stk();
    assert_eq!(suite.engine_position("bob", &stk).unwrap().usable.u128(), 7_500);
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn account_collateral_query_lists_positions_with_staleness() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.deposit_cw20("alice", 200).unwrap();
    suite.relay_all().unwrap();
    suite.chains.advance(Side::Target, 90);
    let r: isthmus_protocol::engine::AccountCollateralResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::AccountCollateral {
                account: suite.account("alice"),
                start_after: None,
                limit: Some(1),
            },
        )
        .unwrap();
    assert_eq!(r.positions.len(), 1, "page size honoured");
    assert_eq!(r.positions[0].source_staleness_seconds, Some(90));
    let first = &r.positions[0];
    let r2: isthmus_protocol::engine::AccountCollateralResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::AccountCollateral {
                account: suite.account("alice"),
                start_after: Some((first.source_id.clone(), first.owner.clone(), first.asset.clone())),
                limit: Some(10),
            },
        )
        .unwrap();
    assert_eq!(r2.positions.len(), 1);
    let mut amounts = [first.usable.u128(), r2.positions[0].usable.u128()];
    amounts.sort();
    assert_eq!(amounts, [100, 200]);
}

#[test]
fn out_of_order_updates_apply_only_the_newest_state() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap(); // seq 1
    suite.deposit_atom("alice", 50).unwrap(); // seq 2
    suite.deposit_atom("alice", 25).unwrap(); // seq 3
    assert_eq!(suite.chains.in_flight().len(), 3);

    // Newest first: the engine jumps to 175 and ignores the two late ones.
    suite.chains.relay(2).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 175);
    suite.chains.relay(0).unwrap();
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (175, 3), "late seq 1 ignored");
    suite.chains.relay(0).unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().seq, 3);
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn a_duplicate_state_is_harmless() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.relay_all().unwrap();
    // Anyone can ask the vault to re-send the current state: same seq, nothing changes.
    let (bob, alice) = (suite.user("bob"), suite.user("alice"));
    suite
        .vault_execute(
            &bob,
            &isthmus_protocol::vault::ExecuteMsg::SyncPosition { owner: alice.to_string(), asset: Suite::atom() },
        )
        .unwrap();
    let packet: CollateralPacket = suite.chains.in_flight()[0].decode().unwrap();
    assert!(matches!(packet, CollateralPacket::CollateralUpdate { seq: 1, .. }));
    suite.relay_all().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (100, 1));
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn a_timed_out_update_is_resent_with_current_state() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap(); // seq 1
    suite.deposit_atom("alice", 40).unwrap(); // seq 2
    suite.chains.relay(1).unwrap();
    // The first update times out; the vault re-sends its *current* state (seq 2, 140).
    suite.chains.time_out(0).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.chains.in_flight().len(), 1);
    let resent: CollateralPacket = suite.chains.in_flight()[0].decode().unwrap();
    assert_eq!(
        resent,
        CollateralPacket::CollateralUpdate {
            owner: suite.user("alice").to_string(),
            account: suite.account("alice"),
            asset: Suite::atom(),
            available: 140u128.into(),
            seq: 2,
        }
    );
    assert_eq!(suite.chains.in_flight()[0].state, PacketState::Sent);
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 140);
}

#[test]
fn anyone_may_deposit_for_an_owner_account_pair_but_only_the_owner_binds_it() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let (bob, alice) = (suite.user("bob"), suite.user("alice"));
    let account = suite.account("alice");
    // Bob cannot create alice's binding (he could squat it with dust he controls)...
    let err = suite.deposit_native(&bob, &account, Some(&alice), cosmwasm_std::coin(300, ATOM)).unwrap_err();
    assert!(err.root_cause().to_string().contains("can bind its account"), "{err}");
    suite.check_invariants().unwrap();
    // ...but once alice bound her account, anyone may add to it.
    suite.deposit_atom("alice", 1).unwrap();
    suite.deposit_native(&bob, &account, Some(&alice), cosmwasm_std::coin(300, ATOM)).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 301);
    assert_eq!(suite.vault_position("bob", &Suite::atom()).unwrap().available.u128(), 0);
    let other = suite.account("zed");
    let err = suite.deposit_native(&bob, &other, Some(&alice), cosmwasm_std::coin(1, ATOM)).unwrap_err();
    assert!(err.root_cause().to_string().contains("can bind its account"), "{err}");
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn the_binding_is_fixed_while_collateral_is_held_and_free_after() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    let alice = suite.user("alice");
    let other = suite.account("zed");
    let err = suite.deposit_native(&alice, &other, None, cosmwasm_std::coin(1, ATOM)).unwrap_err();
    assert!(err.root_cause().to_string().contains("is bound to account"), "{err}");
    suite.resolve_all_and_check().unwrap();

    // Withdraw everything; the owner may then bind a new account.
    suite.withdraw("alice", Suite::atom(), 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.deposit_native(&alice, &other, None, cosmwasm_std::coin(10, ATOM)).unwrap();
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!(e.account.as_deref(), Some(other.as_str()));
    assert_eq!(e.reported.u128(), 10);
}

/// The vault's listings by account and by owner follow a withdrawal through its ack, and an
/// owner who holds nothing may bind a new account: its position moves from one account's
/// listing to the other's (invariant 10 is checked after every step as well).
#[test]
fn an_owner_who_holds_nothing_rebinds_and_the_listings_follow() {
    use isthmus_protocol::vault;
    let mut suite = SuiteBuilder::new().build().unwrap();
    let by_account = |suite: &Suite, account: &str| -> Vec<(String, u128, u128)> {
        let msg = vault::QueryMsg::PositionsByAccount { account: account.to_string(), start_after: None, limit: None };
        let r: vault::PositionsResponse = suite.vault_query(0, &msg).unwrap();
        r.positions.into_iter().map(|p| (p.owner, p.available.u128(), p.pending.u128())).collect()
    };
    let pending_of = |suite: &Suite, owner: &str| -> Vec<u128> {
        let msg =
            vault::QueryMsg::PendingWithdrawals { owner: Some(owner.to_string()), start_after: None, limit: None };
        let r: vault::PendingWithdrawalsResponse = suite.vault_query(0, &msg).unwrap();
        r.withdrawals.into_iter().map(|w| w.amount.u128()).collect()
    };
    let (alice, alice_account, bob_account) =
        (suite.user("alice").to_string(), suite.account("alice"), suite.account("bob"));

    suite.deposit_atom("alice", 500).unwrap();
    suite.relay_all().unwrap();
    suite.withdraw("alice", Suite::atom(), 500).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(by_account(&suite, &alice_account), vec![(alice.clone(), 0, 500)]);
    assert_eq!(pending_of(&suite, &alice), vec![500]);

    // Approved and paid on the ack: nothing pending, an empty position still listed.
    suite.relay_all().unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(by_account(&suite, &alice_account), vec![(alice.clone(), 0, 0)]);
    assert_eq!(pending_of(&suite, &alice), Vec::<u128>::new());

    // Holding nothing, alice binds bob's account with her next deposit.
    let atom = cosmwasm_std::coin(300, ATOM);
    suite.deposit_native(&suite.user("alice"), &bob_account, None, atom).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(by_account(&suite, &alice_account), vec![]);
    assert_eq!(by_account(&suite, &bob_account), vec![(alice.clone(), 300, 0)]);
    suite.resolve_all_and_check().unwrap();
}
