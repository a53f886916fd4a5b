//! Liquidation (docs/protocol.md §7): positions closed at once on the target chain, then debt
//! recovered from collateral on the source chain by seize packets whose acknowledgement
//! decides the outcome. Invariants 1-4 are checked after every step.

use cosmwasm_std::{coin, Decimal};
use isthmus_ibc_bench::Side;
use isthmus_protocol::controller::{ExecuteMsg as ControllerMsg, SeizeStatus};
use isthmus_protocol::engine;
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_tests::suite::{ATOM, INITIAL_NATIVE, INITIAL_USDC, USDC};
use isthmus_tests::{Suite, SuiteBuilder};

fn crashed() -> Suite {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    suite.check_all().unwrap();
    suite
}

fn liquidate(suite: &mut Suite, caller: &str, account: &str) -> anyhow::Result<cw_multi_test::AppResponse> {
    let account = suite.target_user(account).to_string();
    suite.engine_as(caller, &engine::ExecuteMsg::Liquidate { account }, &[])
}

fn debt(suite: &Suite, name: &str) -> u128 {
    suite.engine_account(name).unwrap().cash.i128().min(0).unsigned_abs()
}

#[test]
fn a_healthy_account_cannot_be_liquidated() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.put_10, -5)], i128::MAX).unwrap();
    let before = suite.engine_account("alice").unwrap();
    let err = liquidate(&mut suite, "keeper", "alice").unwrap_err();
    assert!(err.root_cause().to_string().contains("is not liquidatable"), "{err}");
    assert_eq!(suite.engine_account("alice").unwrap(), before);
    suite.check_all().unwrap();
}

#[test]
fn positions_are_closed_at_once_with_a_penalty_split_between_caller_and_insurance() {
    let mut suite = crashed();
    assert!(suite.margin("alice").unwrap().liquidatable);
    let listed: engine::LiquidatableResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Liquidatable { start_after: None, limit: Some(10) },
        )
        .unwrap();
    assert!(listed.accounts.iter().any(|a| a.account == suite.target_user("alice").as_str()));

    let r = liquidate(&mut suite, "keeper", "alice").unwrap();
    suite.check_all().unwrap();
    let attr = |k: &str| isthmus_tests::market::attr(&r, k).parse::<i128>().unwrap();
    let (penalties, reward, insurance) = (attr("penalties"), attr("reward"), attr("insurance"));
    assert!(penalties > 0);
    assert_eq!(reward, penalties / 2, "liquidator share 50%, rounded down");
    assert_eq!(reward + insurance, penalties);
    assert_eq!(suite.engine_account("keeper").unwrap().cash.i128(), reward);
    assert_eq!(suite.funds().unwrap().insurance.u128() as i128, insurance);
    // Nothing left but debt: the puts were bought back at about intrinsic 5 each.
    let alice = suite.engine_account("alice").unwrap();
    assert!(alice.positions.is_empty());
    assert!(alice.cash.i128() < 0, "cash may go negative: that is debt");
    // Closing is never blocked by a stale oracle: an hour later it still works for others.
}

#[test]
fn a_keeper_seizes_collateral_across_the_channel_and_the_escrow_repays_the_debt() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let debt_before = debt(&suite, "alice");
    let repay = 100_000_000u128; // 100 USDC
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();

    let id = suite.keeper_seize("keeper", "alice", repay, "bob").unwrap();
    suite.check_all().unwrap();
    let record = suite.seize_record(id).unwrap();
    // 100 USDC x 1.05 at 5 USDC per ATOM = 21 ATOM.
    assert_eq!(record.amount.u128(), 21_000_000);
    assert_eq!(record.status, SeizeStatus::InFlight);
    assert_eq!(suite.funds().unwrap().escrow.u128(), repay);
    assert_eq!(suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(), keeper_usdc - repay);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reserved.u128(), e.usable.u128()), (21_000_000, 79_000_000));

    suite.relay_all().unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert!(matches!(suite.seize_record(id).unwrap().status, SeizeStatus::Succeeded { seq: 2, .. }));
    assert_eq!(
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("bob"), ATOM).unwrap(),
        INITIAL_NATIVE + 21_000_000
    );
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 79_000_000);
    assert_eq!(debt(&suite, "alice"), debt_before - repay);
    assert_eq!(suite.funds().unwrap().escrow.u128(), 0);
}

#[test]
fn a_timed_out_seize_refunds_the_keeper_and_a_retry_succeeds() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let debt_before = debt(&suite, "alice");
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();
    let id = suite.keeper_seize("keeper", "alice", 50_000_000, "keeper").unwrap();
    suite.chains.time_out(0).unwrap();
    suite.check_all().unwrap();
    assert_eq!(suite.seize_record(id).unwrap().status, SeizeStatus::Failed { reason: "timeout".into() });
    assert_eq!(suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(), keeper_usdc);
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reserved.u128(), 0);
    assert_eq!(debt(&suite, "alice"), debt_before, "the account stays liquidatable");
    // Prices are refreshed (time passed) and the keeper retries.
    suite.push_price("ATOM", Decimal::from_ratio(5u128, 1u128)).unwrap();
    let retry = suite.keeper_seize("keeper", "alice", 50_000_000, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert!(matches!(suite.seize_record(retry).unwrap().status, SeizeStatus::Succeeded { .. }));
    assert_eq!(debt(&suite, "alice"), debt_before - 50_000_000);
}

#[test]
fn a_paused_vault_answers_with_an_error_and_the_keeper_is_refunded() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let admin = suite.source_admin.clone();
    suite.vault_execute(&admin, &isthmus_protocol::vault::ExecuteMsg::SetPaused { paused: true }).unwrap();
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();
    let id = suite.keeper_seize("keeper", "alice", 10_000_000, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert_eq!(suite.seize_record(id).unwrap().status, SeizeStatus::Failed { reason: "the vault is paused".into() });
    assert_eq!(suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(), keeper_usdc);
}

#[test]
fn a_withdrawal_racing_a_seize_cannot_take_seized_collateral() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    // Alice asks her vault for 90 ATOM before the engine hears of it; a keeper seizes 21.
    suite.withdraw("alice", Suite::atom(), 90_000_000).unwrap();
    let id = suite.keeper_seize("keeper", "alice", 100_000_000, "keeper").unwrap();
    suite.check_all().unwrap();
    // The seize reaches the vault first: only 10 ATOM available -> error ack, refund.
    let seize_idx = suite.chains.in_flight().iter().position(|p| p.from == Side::Target).unwrap();
    suite.chains.relay(seize_idx).unwrap();
    suite.check_all().unwrap();
    assert!(
        matches!(suite.seize_record(id).unwrap().status, SeizeStatus::Failed { ref reason } if reason.contains("insufficient available"))
    );
    // The engine refuses the withdrawal of an account in debt; the vault rolls it back.
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000);
    let retry = suite.keeper_seize("keeper", "alice", 100_000_000, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert!(matches!(suite.seize_record(retry).unwrap().status, SeizeStatus::Succeeded { .. }));
}

#[test]
fn two_seizes_in_flight_a_late_ack_and_a_deposit_landing_mid_liquidation() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let first = suite.keeper_seize("keeper", "alice", 50_000_000, "keeper").unwrap();
    let second = suite.keeper_seize("carol", "alice", 50_000_000, "carol").unwrap();
    // The per-account limit is 2 in flight.
    let err = suite.keeper_seize("keeper", "alice", 1_000_000, "keeper").unwrap_err();
    assert!(err.root_cause().to_string().contains("too many seizes in flight"), "{err}");
    suite.check_all().unwrap();
    // Both reach the vault; their acks are held while alice deposits 5 ATOM more.
    suite.chains.deliver(1).unwrap();
    suite.chains.deliver(0).unwrap();
    suite.check_all().unwrap();
    suite.deposit_atom("alice", 5_000_000).unwrap();
    suite.chains.advance_all(300);
    suite.check_all().unwrap();
    // The deposit's update lands before the acks (out of order); then the acks, late.
    let update = suite.chains.in_flight().iter().position(|p| p.from == Side::FIRST_SOURCE).unwrap();
    suite.chains.relay(update).unwrap();
    suite.check_all().unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    for id in [first, second] {
        assert!(matches!(suite.seize_record(id).unwrap().status, SeizeStatus::Succeeded { .. }));
    }
    // 2 x 10.5 ATOM seized, 5 deposited.
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 84_000_000);
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 84_000_000);
}

#[test]
fn debt_no_collateral_covers_is_paid_by_insurance_then_the_pool() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    // Seize everything the collateral covers: usable 100 ATOM at 5 = 500 USDC / 1.05.
    let repay = 100_000_000u128 * 5 * 100 / 105; // 476.19 USDC
    let id = suite.keeper_seize("keeper", "alice", repay, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    assert!(matches!(suite.seize_record(id).unwrap().status, SeizeStatus::Succeeded { .. }));
    let remaining = debt(&suite, "alice");
    assert!(remaining > 0, "the crash left bad debt");
    // Whatever dust the rounding left (worth less than 1 USDC) does not block the write-off.
    let usable = suite.engine_position("alice", &Suite::atom()).unwrap().usable.u128();
    assert!(usable * 5 < 1_000_000, "only dust left: {usable}");
    let remaining = debt(&suite, "alice");
    let insurance = suite.funds().unwrap().insurance.u128();
    let pool_before = suite.pool().unwrap().cash.i128();
    suite
        .controller_as("lp", &ControllerMsg::CoverBadDebt { account: suite.target_user("alice").to_string() }, &[])
        .unwrap();
    suite.check_all().unwrap();
    assert_eq!(debt(&suite, "alice"), 0);
    let from_insurance = insurance.min(remaining);
    assert!(from_insurance > 0, "the insurance fund pays first");
    assert_eq!(suite.funds().unwrap().insurance.u128(), insurance - from_insurance);
    assert_eq!(suite.pool().unwrap().cash.i128(), pool_before - (remaining - from_insurance) as i128);
    // Nothing left to write off.
    let err = suite.controller_as(
        "lp",
        &ControllerMsg::CoverBadDebt { account: suite.target_user("alice").to_string() },
        &[],
    );
    assert!(err.unwrap_err().root_cause().to_string().contains("has no debt"));
}

#[test]
fn bad_keeper_input_is_refused_and_changes_nothing() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let alice_account = suite.target_user("alice").to_string();
    let alice_owner = suite.user("alice").to_string();
    let seize = |recipient: SeizeRecipient| ControllerMsg::Seize {
        account: alice_account.clone(),
        source_id: "cosmoshub".into(),
        owner: alice_owner.clone(),
        asset: Suite::atom(),
        recipient,
    };
    let ok_recipient = SeizeRecipient::Local { address: suite.user("keeper").to_string() };
    let cases: Vec<(ControllerMsg, Vec<cosmwasm_std::Coin>, &str)> = vec![
        (seize(ok_recipient.clone()), vec![coin(10, "uosmo")], "Must send reserve token"),
        (seize(ok_recipient.clone()), vec![], "No funds sent"),
        (seize(ok_recipient.clone()), vec![coin(INITIAL_USDC / 2, USDC)], "exceeds the debt"),
        (
            seize(SeizeRecipient::Local { address: "bad address!".into() }),
            vec![coin(1_000_000, USDC)],
            "invalid seize recipient",
        ),
        (
            seize(SeizeRecipient::Ics20 { channel: "chan".into(), receiver: "x".into(), memo: String::new() }),
            vec![coin(1_000_000, USDC)],
            "invalid seize recipient",
        ),
    ];
    for (msg, funds, expected) in cases {
        let err = suite.controller_as("keeper", &msg, &funds).unwrap_err();
        assert!(format!("{err:#}").contains(expected), "{expected}: {err:#}");
    }
    // A healthy account (no debt) cannot be seized from.
    suite.deposit_cash("bob", 1_000_000).unwrap();
    let msg = ControllerMsg::Seize {
        account: suite.target_user("bob").to_string(),
        source_id: "cosmoshub".into(),
        owner: suite.user("bob").to_string(),
        asset: Suite::atom(),
        recipient: ok_recipient,
    };
    assert!(suite.controller_as("keeper", &msg, &[coin(1_000, USDC)]).is_err());
    // Only the controller may write off debt or reserve.
    let err =
        suite.engine_as("keeper", &engine::ExecuteMsg::AbsorbDebt { account: alice_account.clone() }, &[]).unwrap_err();
    assert!(err.root_cause().to_string().contains("controller"));
    assert!(suite.chains.in_flight().is_empty());
    assert_eq!(suite.funds().unwrap().escrow.u128(), 0);
    suite.check_all().unwrap();
}

#[test]
fn liquidations_are_recorded_and_queryable_by_account() {
    let mut suite = crashed();
    let r = liquidate(&mut suite, "keeper", "alice").unwrap();
    let records: engine::LiquidationsResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Liquidations {
                account: Some(suite.target_user("alice").to_string()),
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert_eq!(records.liquidations.len(), 1);
    let record = &records.liquidations[0];
    assert_eq!(record.liquidator, suite.target_user("keeper").as_str());
    assert_eq!(record.closed.len(), 1);
    assert_eq!(record.closed[0].quantity, -150);
    let attr = |k: &str| isthmus_tests::market::attr(&r, k).parse::<u128>().unwrap();
    assert_eq!(record.penalties.u128(), attr("penalties"));
    assert_eq!(record.closed[0].penalty.u128(), attr("penalties"));
    assert_eq!(record.cash_after, suite.engine_account("alice").unwrap().cash);
}

#[test]
fn the_per_source_limit_bounds_seizes_in_flight_and_dust_repayments_are_refused() {
    let mut suite = crashed();
    liquidate(&mut suite, "keeper", "alice").unwrap();
    let admin = suite.target_admin.clone();
    let controller = suite.controller.clone();
    suite
        .chains
        .execute(
            Side::Target,
            &admin,
            &controller,
            &ControllerMsg::UpdateConfig {
                owner: None,
                seize_timeout_seconds: None,
                max_in_flight_per_account: None,
                max_in_flight_per_source: Some(1),
            },
            &[],
        )
        .unwrap();
    suite.keeper_seize("keeper", "alice", 10_000_000, "keeper").unwrap();
    let err = suite.keeper_seize("carol", "alice", 10_000_000, "carol").unwrap_err();
    assert!(err.root_cause().to_string().contains("too many seizes in flight for source cosmoshub"), "{err}");
    // Too little: 4 base units of USDC buy less than one base unit of ATOM at 5 USDC.
    suite.relay_all().unwrap();
    let err = suite.keeper_seize("carol", "alice", 4, "carol").unwrap_err();
    assert!(format!("{err:#}").contains("buys less than one base unit"), "{err:#}");
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
}
