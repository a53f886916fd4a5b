//! How much a liquidation closes and what its penalty pays (docs/liquidation.md): only as much
//! as the initial margin needs, riskiest first; penalties in integers at any size and any
//! quote decimals; penalties paid out only from liquid cash.

use cosmwasm_std::{coin, Decimal, Uint128};
use cw_multi_test::{BankSudo, SudoMsg};
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine::{self, LiquidationRecord, OptionKind, SeriesParams, SymbolParams};
use isthmus_tests::market::{attr, DAY};
use isthmus_tests::suite::{ATOM, USDC};
use isthmus_tests::{Suite, SuiteBuilder};

fn liquidate(suite: &mut Suite, account: &str) -> anyhow::Result<cw_multi_test::AppResponse> {
    let account = suite.target_user(account).to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[])
}

fn record(suite: &Suite, r: &cw_multi_test::AppResponse) -> LiquidationRecord {
    let id: u64 = attr(r, "liquidation_id").parse().unwrap();
    let page: engine::LiquidationsResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Liquidations {
                account: None,
                start_after: Some(id - 1),
                limit: Some(1),
            },
        )
        .unwrap();
    page.liquidations.into_iter().next().unwrap()
}

fn mint(suite: &mut Suite, side: Side, name: &str, amount: u128, denom: &str) {
    let to = suite.chains.addr(side, name).to_string();
    suite
        .chains
        .chain_mut(side)
        .sudo(SudoMsg::Bank(BankSudo::Mint { to_address: to, amount: vec![coin(amount, denom)] }))
        .unwrap();
}

fn list(suite: &mut Suite, kind: OptionKind, strike: u128, expiry: u64, size: u128, cap: u128) -> u64 {
    let admin = suite.target_admin.clone();
    let r = suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::ListSeries(SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::from_ratio(strike, 1u128),
                expiry,
                kind,
                contract_size: Decimal::from_ratio(size, 1u128),
                open_interest_cap: Uint128::new(cap),
            }),
        )
        .unwrap();
    attr(&r, "series_id").parse().unwrap()
}

fn widen_delta_limit(suite: &mut Suite) {
    let admin = suite.target_admin.clone();
    suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
                symbol: "ATOM".into(),
                max_price_age_seconds: 60,
                lenient_price_age_seconds: 7 * DAY,
                max_vol_age_seconds: 3600,
                max_pool_delta: Decimal::from_ratio(1_000_000_000u128, 1u128),
            }),
        )
        .unwrap();
}

/// A slightly unhealthy account loses a small part of its riskiest position, not all of it.
#[test]
fn a_slightly_unhealthy_account_loses_a_small_part_of_its_riskiest_position() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    // As many puts as the initial margin allows, then a small fall: alice ends just under her
    // maintenance margin.
    let (listed, written) = suite.put_writer_just_liquidatable("alice").unwrap();
    let r = liquidate(&mut suite, "alice").unwrap();
    suite.check_all().unwrap();
    let rec = record(&suite, &r);
    assert_eq!(rec.closed.len(), 1);
    let closed = rec.closed[0].quantity;
    assert!(closed < 0 && closed.unsigned_abs() < written.unsigned_abs() / 2, "closed {closed} of -{written}");
    let alice = suite.engine_account("alice").unwrap();
    assert_eq!(alice.positions.len(), 1);
    assert_eq!((alice.positions[0].series_id, alice.positions[0].quantity), (listed.put_10, -written - closed));
    let m = suite.margin("alice").unwrap();
    assert!(!m.liquidatable, "back above maintenance: {m:?}");
    // The penalty is on what was closed only: 5% of its mark, rounded up.
    assert_eq!(rec.closed[0].penalty, rec.penalties);
    assert!(rec.penalties.u128() > 0);
    assert!(rec.penalties.u128() * 20 <= rec.closed[0].premium.i128() as u128 + 20, "{rec:?}");
}

/// The reproduction at scale: 10M ATOM behind 1,000 short puts of 10,000 ATOM each;
/// after a crash the liquidation goes through and its penalty is exact in integers.
#[test]
fn a_ten_million_dollar_account_is_liquidated_with_an_exact_penalty() {
    let mut suite = SuiteBuilder::new().with_controller().with_atom_cap(u128::MAX).build().unwrap();
    let listed = suite.open_market(0).unwrap();
    widen_delta_limit(&mut suite);
    mint(&mut suite, Side::Target, "lp", 200_000_000 * 1_000_000, USDC);
    suite.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(200_000_000 * 1_000_000, USDC)]).unwrap();
    let big_put = list(&mut suite, OptionKind::Put, 10, listed.expiry, 10_000, 1_000);
    suite.list_atom_collateral().unwrap();
    mint(&mut suite, Side::FIRST_SOURCE, "alice", 10_000_000 * 1_000_000, ATOM);
    suite.deposit_atom("alice", 10_000_000 * 1_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(big_put, -1_000)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    suite.chains.advance_all(60);
    suite.push_price("ATOM", Decimal::from_ratio(4u128, 1u128)).unwrap();
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
    assert!(suite.margin("alice").unwrap().liquidatable);

    let r = liquidate(&mut suite, "alice").unwrap();
    suite.check_all().unwrap();
    let rec = record(&suite, &r);
    let penalties: u128 = rec.closed.iter().map(|c| c.penalty.u128()).sum();
    assert!(penalties > 1_000_000_000_000, "a penalty above 1M USDC: {penalties}");
    assert_eq!(rec.penalties.u128(), penalties, "the pool's liquid cash covers it all");
    assert_eq!(rec.reward.u128(), penalties / 2, "liquidator share 50%, rounded down");
    assert_eq!(rec.reward + rec.insurance, rec.penalties);
    assert_eq!(suite.funds().unwrap().insurance, rec.insurance);
}

/// With an 18-decimal quote, a penalty of ordinary size (far above 2^39 base units) is fine.
#[test]
fn a_liquidation_with_an_eighteen_decimal_quote_goes_through() {
    let unit = 1_000_000_000_000_000_000u128; // one quote token
    let mut suite = SuiteBuilder::new().with_controller().with_quote_decimals(18).build().unwrap();
    let listed = suite.open_market(0).unwrap();
    mint(&mut suite, Side::Target, "lp", 1_000_000 * unit, USDC);
    suite.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(1_000_000 * unit, USDC)]).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(listed.put_10, -150)], i128::MAX).unwrap();
    suite.chains.advance_all(60);
    suite.push_price("ATOM", Decimal::from_ratio(5u128, 1u128)).unwrap();
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
    let r = liquidate(&mut suite, "alice").unwrap();
    suite.check_all().unwrap();
    let rec = record(&suite, &r);
    assert!(rec.penalties.u128() > unit, "more than one quote token: {}", rec.penalties);
    assert_eq!(rec.reward.u128(), rec.penalties.u128() / 2);
    assert_eq!(suite.engine_account("keeper").unwrap().cash.i128() as u128, rec.reward.u128());
}

/// An account whose cash cannot pay its closes and penalty: the part of the penalty it cannot
/// pay is advanced by the pool's liquid cash (and owed to the pool), never paid out of a debt.
#[test]
fn a_penalty_the_account_cannot_pay_is_advanced_by_the_pools_liquid_cash() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let pool_before = suite.pool().unwrap();
    let alice_before = suite.engine_account("alice").unwrap().cash.i128();
    assert!(alice_before > 0, "her premium: {alice_before}");
    let r = liquidate(&mut suite, "alice").unwrap();
    suite.check_all().unwrap();
    let rec = record(&suite, &r);
    let closed_premium: i128 = rec.closed.iter().map(|c| c.premium.i128()).sum();
    let penalties = rec.penalties.u128() as i128;
    assert_eq!(penalties, rec.closed.iter().map(|c| c.penalty.u128() as i128).sum::<i128>(), "paid in full");
    let alice_after = suite.engine_account("alice").unwrap().cash.i128();
    assert_eq!(alice_after, alice_before - closed_premium - penalties);
    assert!(alice_after < 0, "the account ends in debt: {alice_after}");
    let pool_after = suite.pool().unwrap();
    // Book cash gains the closing premium; the receivable is the account's debt; liquid cash
    // gains the account's own cash and pays the whole penalty (reward and insurance).
    assert_eq!(pool_after.cash.i128(), pool_before.cash.i128() + closed_premium);
    assert_eq!(pool_after.receivable.u128(), alice_after.unsigned_abs());
    assert_eq!(pool_after.liquid_cash.i128(), pool_before.liquid_cash.i128() + alice_before - penalties);
    assert_eq!(suite.funds().unwrap().insurance, rec.insurance);
    assert_eq!(suite.engine_account("keeper").unwrap().cash.i128(), rec.reward.u128() as i128);
}
