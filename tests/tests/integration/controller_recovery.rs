//! Recovery paths of the liquidation controller (issue 8): reservations of a rotated-out
//! controller (6(a)), keeper refunds that cannot fail an ack handler (6(d)) and retries of
//! failed engine calls (6(f)). Invariants 1-3 are checked after every step.

use cosmwasm_std::Uint128;
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::engine::{self, RESERVATION_EXPIRY_SECONDS};
use isthmus_protocol::vault;
use isthmus_tests::errors::assert_contract_error;
use isthmus_tests::suite::{ATOM, INITIAL_NATIVE};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError as EngineError;

/// A crashed, liquidated account and one keeper seize of 21 ATOM (100 USDC at 5, bonus 5%)
/// in flight. Returns the suite and the seize id.
fn seize_in_flight() -> (Suite, u64) {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    suite.check_all().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    suite.check_all().unwrap();
    let id = suite.keeper_seize("keeper", "alice", 100_000_000, "bob").unwrap();
    suite.check_all().unwrap();
    assert_eq!(suite.reservations().unwrap().len(), 1);
    (suite, id)
}

/// The engine's owner hands the controller role to another contract.
fn rotate_engine_controller(suite: &mut Suite) {
    let (admin, new_controller) = (suite.target_admin.clone(), suite.injector.to_string());
    suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::UpdateConfig {
                owner: None,
                risk_manager: None,
                guardian: None,
                controller: Some(new_controller),
                max_staleness_seconds: None,
            },
        )
        .unwrap();
}

fn expire(suite: &mut Suite, reservation_id: u64) -> anyhow::Result<cw_multi_test::AppResponse> {
    let admin = suite.target_admin.clone();
    suite.engine_execute(&admin, &engine::ExecuteMsg::ExpireReservation { reservation_id })
}

/// Issue 8, 6(a). Before the fix, the rotated-out controller's `ConsumeReservation` was refused
/// (only the current controller could call it): the reservation stayed forever and the
/// account's 21 ATOM were never counted again. Now the creator settles its own reservation.
#[test]
fn a_rotated_out_controller_still_resolves_the_reservations_it_created() {
    let (mut suite, id) = seize_in_flight();
    rotate_engine_controller(&mut suite);
    suite.check_all().unwrap();
    // The owner cannot pre-empt it, and a stranger cannot settle it.
    assert_contract_error(
        expire(&mut suite, id),
        EngineError::ReservationNotExpired {
            reservation_id: id,
            expires_at: suite.reservations().unwrap()[0].created_at + RESERVATION_EXPIRY_SECONDS,
        },
    );
    let stranger = suite.target_user("carol");
    assert_contract_error(
        suite.engine_execute(&stranger, &engine::ExecuteMsg::ReleaseReservation { reservation_id: id }),
        EngineError::Unauthorized {
            action: "release_reservation".into(),
            role: options_engine::error::Role::Controller,
        },
    );
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert_eq!(
        suite.seize_record(id).unwrap().status,
        SeizeStatus::Succeeded { seq: 2, available: Uint128::new(79_000_000) }
    );
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (79_000_000, 0, 2));
    assert_eq!(
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("bob"), ATOM).unwrap(),
        INITIAL_NATIVE + 21_000_000
    );
}

/// 6(a), the owner's recovery when the rotated-out controller never settles (here its ack is
/// lost after the vault executed the seize): after the expiry age the reservation is written
/// off as seized, which is exact here; the vault's state then confirms it.
#[test]
fn the_owner_expires_a_dead_controllers_reservation_as_seized_and_the_vault_state_confirms_it() {
    let (mut suite, id) = seize_in_flight();
    let PacketState::Acknowledged(_) = suite.chains.deliver(0).unwrap() else { panic!("expected an ack") };
    suite.chains.discard(0).unwrap(); // the old controller never processes the ack
    rotate_engine_controller(&mut suite);
    suite.check_all().unwrap();
    suite.chains.advance_all(RESERVATION_EXPIRY_SECONDS);
    expire(&mut suite, id).unwrap();
    suite.check_all().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (79_000_000, 0, 1));
    assert!(suite.reservations().unwrap().is_empty());
    assert_contract_error(expire(&mut suite, id), EngineError::UnknownReservation { reservation_id: id });
    let (anyone, owner) = (suite.user("carol"), suite.user("alice").to_string());
    suite.vault_execute(&anyone, &vault::ExecuteMsg::SyncPosition { owner, asset: Suite::atom() }).unwrap();
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (79_000_000, 2));
}

/// 6(a), the other case: the dead controller's seize never reached the vault. The write-off
/// under-counts (never over-counts), and the vault's state at the *same* seq, which a plain
/// seq rule would ignore, restores the 100 ATOM.
#[test]
fn an_expired_reservation_whose_seize_never_happened_is_restored_by_the_vaults_state_at_the_same_seq() {
    let (mut suite, id) = seize_in_flight();
    suite.chains.discard(0).unwrap(); // the seize packet is never delivered
    rotate_engine_controller(&mut suite);
    suite.chains.advance_all(RESERVATION_EXPIRY_SECONDS);
    suite.check_all().unwrap();
    expire(&mut suite, id).unwrap();
    suite.check_all().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (79_000_000, 1));
    let (anyone, owner) = (suite.user("carol"), suite.user("alice").to_string());
    suite.vault_execute(&anyone, &vault::ExecuteMsg::SyncPosition { owner, asset: Suite::atom() }).unwrap();
    suite.check_all().unwrap();
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (100_000_000, 0, 1));
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000);
    // A second sync at the same seq is stale again.
    let (anyone, owner) = (suite.user("carol"), suite.user("alice").to_string());
    suite.vault_execute(&anyone, &vault::ExecuteMsg::SyncPosition { owner, asset: Suite::atom() }).unwrap();
    suite.resolve_all_and_check().unwrap();
}

fn refund_of(suite: &Suite, keeper: &str) -> u128 {
    let r: isthmus_protocol::controller::RefundResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.controller,
            &isthmus_protocol::controller::QueryMsg::Refund { keeper: suite.target_user(keeper).to_string() },
        )
        .unwrap();
    r.amount.u128()
}

/// Issue 8, 6(d). The keeper's address is on the quote token's denylist when its seize fails.
/// Before the fix the refund was a plain `BankMsg` in the ack handler: the send failed, so the
/// handler failed and the ack could never be processed (escrow and reservation stranded). Now
/// the refund is a `reply_on_error` sub-message: the seize settles and the refund waits.
#[test]
fn a_refund_that_cannot_be_sent_becomes_claimable_and_the_seize_is_still_resolved() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    let admin = suite.source_admin.clone();
    suite.vault_execute(&admin, &vault::ExecuteMsg::SetPaused { paused: true }).unwrap();
    suite.check_all().unwrap();
    let keeper = suite.target_user("keeper");
    let usdc = isthmus_tests::suite::USDC;
    let before = suite.native_balance(Side::Target, &keeper, usdc).unwrap();
    let repay = 10_000_000;
    let id = suite.keeper_seize("keeper", "alice", repay, "keeper").unwrap();
    suite.check_all().unwrap();
    suite.chains.set_denied(Side::Target, &keeper, true);

    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert_eq!(suite.seize_record(id).unwrap().status, SeizeStatus::Failed { reason: "the vault is paused".into() });
    assert_eq!(suite.native_balance(Side::Target, &keeper, usdc).unwrap(), before - repay);
    let funds = suite.funds().unwrap();
    assert_eq!((funds.escrow.u128(), funds.refunds.u128()), (repay, repay));
    assert_eq!(refund_of(&suite, "keeper"), repay);
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reserved.u128(), 0);

    // Claiming while still denied fails as a whole and changes nothing ...
    let claim = |recipient: Option<String>| isthmus_protocol::controller::ExecuteMsg::ClaimRefund { recipient };
    suite.controller_as("keeper", &claim(None), &[]).unwrap_err();
    assert_eq!(refund_of(&suite, "keeper"), repay);
    suite.check_all().unwrap();
    // ... but the keeper may name another recipient, or claim once delisted.
    let treasury = suite.target_user("carol");
    let treasury_before = suite.native_balance(Side::Target, &treasury, usdc).unwrap();
    suite.chains.set_denied(Side::Target, &keeper, false);
    suite.controller_as("keeper", &claim(Some(treasury.to_string())), &[]).unwrap();
    suite.check_all().unwrap();
    assert_eq!(suite.native_balance(Side::Target, &treasury, usdc).unwrap(), treasury_before + repay);
    let funds = suite.funds().unwrap();
    assert_eq!((funds.escrow.u128(), funds.refunds.u128()), (0, 0));
    assert_contract_error(
        suite.controller_as("keeper", &claim(None), &[]),
        liquidation_controller::ContractError::NoRefund { keeper: keeper.to_string() },
    );
    suite.check_all().unwrap();
}

fn failed_calls(suite: &Suite) -> Vec<isthmus_protocol::controller::FailedEngineCallResponse> {
    let r: isthmus_protocol::controller::FailedEngineCallsResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.controller,
            &isthmus_protocol::controller::QueryMsg::FailedEngineCalls { start_after: None, limit: None },
        )
        .unwrap();
    r.calls
}

/// Issue 8, 6(f). The seize succeeds but the engine cannot take the repayment at that moment
/// (here the engine's address is briefly on the quote token's denylist): the call is recorded
/// and its 100 USDC parked in the insurance fund. Before the fix nothing could replay it, so the
/// debt stayed unpaid for good; now anyone retries it once the cause is gone.
#[test]
fn a_failed_repayment_is_recorded_and_anyone_can_replay_it() {
    use isthmus_protocol::controller::{EngineCall, ExecuteMsg as ControllerMsg};
    let (mut suite, id) = seize_in_flight();
    let debt = |s: &Suite| s.engine_account("alice").unwrap().cash.i128().min(0).unsigned_abs();
    let (debt_before, insurance_before) = (debt(&suite), suite.funds().unwrap().insurance.u128());
    let engine = suite.engine.clone();
    suite.chains.set_denied(Side::Target, &engine, true);
    suite.relay_all().unwrap();
    suite.check_all().unwrap();
    suite.chains.set_denied(Side::Target, &engine, false);
    assert_eq!(
        suite.seize_record(id).unwrap().status,
        SeizeStatus::Succeeded { seq: 2, available: Uint128::new(79_000_000) }
    );
    assert_eq!(debt(&suite), debt_before, "the repayment did not reach the engine");
    assert_eq!(suite.funds().unwrap().insurance.u128(), insurance_before + 100_000_000);
    let calls = failed_calls(&suite);
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].seize_id, calls[0].call, calls[0].funds.u128()), (id, EngineCall::RepayDebt, 100_000_000));
    // The reservation was consumed (that call did not fail).
    assert!(suite.reservations().unwrap().is_empty());
    // The collateral is gone but the debt is not repaid yet: a second seize for the whole
    // debt would take collateral twice for 100 USDC of it. The unpaid repayment counts as in
    // flight until the replay pays it.
    let before_second = (suite.funds().unwrap(), suite.vault_position("alice", &Suite::atom()).unwrap());
    let err = suite.keeper_seize("keeper", "alice", debt_before, "keeper").unwrap_err();
    assert_error(
        &err,
        liquidation_controller::ContractError::RepayExceedsDebt {
            repay: Uint128::new(debt_before),
            debt: Uint128::new(debt_before),
            in_flight: Uint128::new(100_000_000),
        },
    );
    assert_eq!((suite.funds().unwrap(), suite.vault_position("alice", &Suite::atom()).unwrap()), before_second);

    let retry = |call| ControllerMsg::RetryEngineCall { seize_id: id, call };
    assert_contract_error(
        suite.controller_as("carol", &retry(EngineCall::ConsumeReservation), &[]),
        liquidation_controller::ContractError::NoFailedCall { seize_id: id, call: EngineCall::ConsumeReservation },
    );
    suite.controller_as("carol", &retry(EngineCall::RepayDebt), &[]).unwrap();
    suite.check_all().unwrap();
    assert_eq!(debt(&suite), debt_before - 100_000_000);
    // Repaid: the rest of the debt may be seized for, all of it, and no more.
    let err = suite.keeper_seize("keeper", "alice", debt_before - 100_000_000 + 1, "keeper").unwrap_err();
    assert_error(
        &err,
        liquidation_controller::ContractError::RepayExceedsDebt {
            repay: Uint128::new(debt_before - 100_000_000 + 1),
            debt: Uint128::new(debt_before - 100_000_000),
            in_flight: Uint128::zero(),
        },
    );
    assert_eq!(suite.funds().unwrap().insurance.u128(), insurance_before);
    assert!(failed_calls(&suite).is_empty());
    assert_contract_error(
        suite.controller_as("carol", &retry(EngineCall::RepayDebt), &[]),
        liquidation_controller::ContractError::NoFailedCall { seize_id: id, call: EngineCall::RepayDebt },
    );
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
}

/// 6(f): a replay that fails again fails as a whole and keeps the record.
#[test]
fn a_replay_that_fails_again_keeps_the_record() {
    use isthmus_protocol::controller::{EngineCall, ExecuteMsg as ControllerMsg};
    let (mut suite, id) = seize_in_flight();
    let engine = suite.engine.clone();
    suite.chains.set_denied(Side::Target, &engine, true);
    suite.relay_all().unwrap();
    suite.check_all().unwrap();
    let insurance = suite.funds().unwrap().insurance;
    suite
        .controller_as("carol", &ControllerMsg::RetryEngineCall { seize_id: id, call: EngineCall::RepayDebt }, &[])
        .unwrap_err();
    suite.check_all().unwrap();
    assert_eq!(failed_calls(&suite).len(), 1);
    assert_eq!(suite.funds().unwrap().insurance, insurance);
}
