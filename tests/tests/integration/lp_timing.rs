//! LP timing against the pool's NAV (docs/solvency.md): buying shares before a price move
//! known in advance and selling after it earns nothing, and leaving before a bad-debt
//! write-off escapes nothing, because shares are redeemed at an exit NAV that never counts
//! debts owed to the pool and, with a notice, every flow is priced at the worse of its request
//! and its completion.

use cosmwasm_std::{coin, Decimal, Uint128};
use isthmus_ibc_bench::Side;
use isthmus_protocol::controller::ExecuteMsg as ControllerMsg;
use isthmus_protocol::engine;
use isthmus_tests::market::{attr, Listed};
use isthmus_tests::suite::{default_risk, USDC};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError;

const USDC_1: u128 = 1_000_000;
const NOTICE: u64 = 3_600;

fn usdc_of(suite: &Suite, name: &str) -> u128 {
    suite.native_balance(Side::Target, &suite.target_user(name), USDC).unwrap()
}

fn shares_of(suite: &Suite, name: &str) -> Uint128 {
    let r: engine::LpResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Lp { address: suite.target_user(name).to_string() },
        )
        .unwrap();
    r.shares
}

fn set_notice(suite: &mut Suite, seconds: u64) {
    let admin = suite.target_admin.clone();
    let risk = engine::RiskParams { lp_notice_seconds: seconds, ..default_risk() };
    suite.engine_execute(&admin, &engine::ExecuteMsg::SetRiskParams(risk)).unwrap();
    // New parameters invalidate the pool's risk until a keeper refreshes it.
    suite.keep_pool_risk_fresh("ATOM").unwrap();
}

/// Alice holds 200 calls bought from the pool; ATOM is about to fall from 10 to 9 (the
/// feeder's next push), which raises the pool's NAV.
fn market_before_a_known_fall() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(10_000 * USDC_1).unwrap();
    suite.deposit_cash("alice", 5_000 * USDC_1).unwrap();
    suite.trade("alice", &[(listed.call_10, 200)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    (suite, listed)
}

fn push(suite: &mut Suite, listed: &Listed, price: u128) {
    suite.chains.advance_all(30);
    suite.push_price("ATOM", Decimal::from_ratio(price, 1u128)).unwrap();
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
}

/// Without a notice the sandwich pays: this is the attack the notice exists for.
#[test]
fn without_a_notice_buying_in_before_a_known_move_pays() {
    let (mut suite, listed) = market_before_a_known_fall();
    let before = usdc_of(&suite, "carol");
    suite.engine_as("carol", &engine::ExecuteMsg::PoolDeposit {}, &[coin(1_000 * USDC_1, USDC)]).unwrap();
    push(&mut suite, &listed, 9);
    let shares = shares_of(&suite, "carol");
    suite.engine_as("carol", &engine::ExecuteMsg::PoolWithdraw { shares }, &[]).unwrap();
    assert!(usdc_of(&suite, "carol") > before, "the sandwich earned {}", usdc_of(&suite, "carol") - before);
    suite.check_all().unwrap();
}

#[test]
fn with_a_notice_buying_in_before_a_known_move_and_leaving_after_earns_nothing() {
    let (mut suite, listed) = market_before_a_known_fall();
    set_notice(&mut suite, NOTICE);
    let before = usdc_of(&suite, "carol");
    let r = suite.engine_as("carol", &engine::ExecuteMsg::PoolDeposit {}, &[coin(1_000 * USDC_1, USDC)]).unwrap();
    let deposit: u64 = attr(&r, "request_id").parse().unwrap();
    suite.check_all().unwrap();
    // Too early: the notice has not passed.
    let err =
        suite.engine_as("keeper", &engine::ExecuteMsg::CompletePoolRequest { request_id: deposit }, &[]).unwrap_err();
    let ready_at: u64 = attr(&r, "ready_at").parse().unwrap();
    assert_error(&err, ContractError::NoticeNotOver { request_id: deposit, ready_at });
    // The known move happens during the notice; the deposit is priced after it.
    push(&mut suite, &listed, 9);
    let nav_after_move = suite.pool().unwrap();
    suite.chains.advance_all(NOTICE);
    push(&mut suite, &listed, 9);
    suite.engine_as("keeper", &engine::ExecuteMsg::CompletePoolRequest { request_id: deposit }, &[]).unwrap();
    suite.check_all().unwrap();
    let shares = shares_of(&suite, "carol");
    let pool = suite.pool().unwrap();
    let at_completion =
        1_000 * USDC_1 * (pool.total_shares.u128() - shares.u128()) / (pool.nav_entry.i128() as u128 - 1_000 * USDC_1);
    assert!(shares.u128() <= at_completion, "priced at least at the NAV after the move: {shares} vs {at_completion}");
    assert!(nav_after_move.nav_entry.i128() > 10_000 * USDC_1 as i128);

    // Leaving: requested now, paid after the notice at the lower of the two values.
    let r = suite.engine_as("carol", &engine::ExecuteMsg::PoolWithdraw { shares }, &[]).unwrap();
    let redemption: u64 = attr(&r, "request_id").parse().unwrap();
    let value: u128 = attr(&r, "value").parse().unwrap();
    suite.check_all().unwrap();
    suite.chains.advance_all(NOTICE);
    push(&mut suite, &listed, 9);
    suite.engine_as("keeper", &engine::ExecuteMsg::CompletePoolRequest { request_id: redemption }, &[]).unwrap();
    suite.check_all().unwrap();
    let after = usdc_of(&suite, "carol");
    assert!(after - (before - 1_000 * USDC_1) <= value);
    assert!(after <= before, "the round trip earned {}", after.saturating_sub(before));
    assert!(suite.pool_requests().unwrap().is_empty());
}

#[test]
fn a_pending_request_can_be_cancelled_by_its_lp_only() {
    let (mut suite, _) = market_before_a_known_fall();
    set_notice(&mut suite, NOTICE);
    let before = usdc_of(&suite, "carol");
    let r = suite.engine_as("carol", &engine::ExecuteMsg::PoolDeposit {}, &[coin(1_000 * USDC_1, USDC)]).unwrap();
    let id: u64 = attr(&r, "request_id").parse().unwrap();
    let err = suite.engine_as("bob", &engine::ExecuteMsg::CancelPoolRequest { request_id: id }, &[]).unwrap_err();
    assert_error(&err, ContractError::unauthorized("cancel_pool_request", options_engine::error::Role::RequestingLp));
    suite.engine_as("carol", &engine::ExecuteMsg::CancelPoolRequest { request_id: id }, &[]).unwrap();
    assert_eq!(usdc_of(&suite, "carol"), before);
    let lp_shares = shares_of(&suite, "lp");
    let r = suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares: lp_shares }, &[]).unwrap();
    let id: u64 = attr(&r, "request_id").parse().unwrap();
    assert_eq!(shares_of(&suite, "lp"), Uint128::zero());
    suite.engine_as("lp", &engine::ExecuteMsg::CancelPoolRequest { request_id: id }, &[]).unwrap();
    assert_eq!(shares_of(&suite, "lp"), lp_shares);
    suite.check_all().unwrap();
}

/// Debt that no collateral covers is written off by `CoverBadDebt`; an LP who leaves just
/// before it gets no more per share than one who leaves just after, because the exit NAV
/// never counted the debt.
#[test]
fn leaving_just_before_a_bad_debt_write_off_escapes_nothing() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account: account.clone() }, &[]).unwrap();
    let repay = 100_000_000u128 * 5 * 100 / 105;
    suite.keeper_seize("keeper", "alice", repay, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    let pool = suite.pool().unwrap();
    assert!(pool.receivable.u128() > 0, "bad debt left: {pool:?}");
    let insurance = suite.funds().unwrap().insurance.u128();
    let per_share_before = pool.nav.i128() as f64 / pool.total_shares.u128() as f64;
    suite.controller_as("lp", &ControllerMsg::CoverBadDebt { account }, &[]).unwrap();
    suite.check_all().unwrap();
    let after = suite.pool().unwrap();
    assert_eq!(after.receivable, Uint128::zero());
    // The write-off moves the exit NAV only by what the insurance fund paid in.
    let paid_by_insurance = insurance.min(pool.receivable.u128()) as i128;
    assert_eq!(after.nav.i128(), pool.nav.i128() + paid_by_insurance);
    let per_share_after = after.nav.i128() as f64 / after.total_shares.u128() as f64;
    assert!(per_share_after >= per_share_before);
}
