//! The LP pool: shares at NAV through deposits, trades and withdrawals; the pool keeps its
//! own margin.

use cosmwasm_std::coin;
use isthmus_protocol::engine;
use isthmus_tests::suite::USDC;
use isthmus_tests::SuiteBuilder;

fn lp(suite: &isthmus_tests::Suite, name: &str) -> engine::LpResponse {
    suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Lp { address: suite.target_user(name).to_string() },
        )
        .unwrap()
}

#[test]
fn shares_follow_nav_and_withdrawals_keep_the_pool_margin() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(100_000_000).unwrap(); // 100 USDC
    assert_eq!(lp(&suite, "lp").shares.u128(), 100_000_000);
    // A trader buys calls: the pool is short and earned the fee.
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap();
    let pool = suite.pool().unwrap();
    assert!(pool.nav.i128() > 100_000_000 - 1, "fees raise NAV: {}", pool.nav);
    // The first LP cannot take everything out while the pool is short calls.
    let err =
        suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares: 100_000_000u128.into() }, &[]).unwrap_err();
    assert!(err.root_cause().to_string().contains("pool would not meet its margin"), "{err}");
    // A second LP buys in at NAV: fewer shares per USDC than the first.
    suite.engine_as("carol", &engine::ExecuteMsg::PoolDeposit {}, &[coin(50_000_000, USDC)]).unwrap();
    let carol = lp(&suite, "carol");
    let pool = suite.pool().unwrap();
    let expected = 50_000_000u128 * 100_000_000 / (pool.nav.i128() - 50_000_000) as u128;
    assert!(carol.shares.u128().abs_diff(expected) <= 1, "{} vs {expected}", carol.shares);
    assert!(carol.value.u128() <= 50_000_000);
    suite.check_cash_conservation().unwrap();

    // A small withdrawal is fine and pays NAV per share, rounded down.
    let before = suite.native_balance(isthmus_ibc_bench::Side::Target, &suite.target_user("lp"), USDC).unwrap();
    let value = lp(&suite, "lp").value.u128() / 10;
    suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares: 10_000_000u128.into() }, &[]).unwrap();
    let paid = suite.native_balance(isthmus_ibc_bench::Side::Target, &suite.target_user("lp"), USDC).unwrap() - before;
    assert!(paid.abs_diff(value) <= 1, "{paid} vs {value}");
    suite.check_cash_conservation().unwrap();
}

#[test]
fn trades_the_pool_cannot_margin_are_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(0).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    let err = suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("pool would not meet its margin"), "{err}");
    suite.check_cash_conservation().unwrap();
}

#[test]
fn the_pools_net_delta_per_underlying_is_limited() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    let admin = suite.target_admin.clone();
    suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::ConfigureSymbol(engine::SymbolParams {
                symbol: "ATOM".into(),
                max_price_age_seconds: 60,
                lenient_price_age_seconds: 7 * 86_400,
                max_vol_age_seconds: 3600,
                max_pool_delta: cosmwasm_std::Decimal::from_ratio(3u128, 1u128),
            }),
        )
        .unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    // At the money a call's delta is about 0.55: 10 calls would leave the pool short 5.5 units.
    let err = suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("net delta on ATOM"), "{err}");
    suite.trade("alice", &[(listed.call_10, 5)], i128::MAX).unwrap();
    // A put bought against it offsets the delta: allowed although gross exposure grows.
    suite.trade("alice", &[(listed.put_10, 5)], i128::MAX).unwrap();
    suite.check_cash_conservation().unwrap();
}
