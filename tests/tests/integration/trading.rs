//! Multi-leg trading against the pool: exact prices, simulation, limits, all-or-nothing,
//! freshness rules, and cash conservation on T (invariant 3) after every step.

use isthmus_tests::market::DAY;
use isthmus_tests::suite::{INITIAL_USDC, USDC};
use isthmus_tests::SuiteBuilder;

/// Black-Scholes in f64, written independently of the contracts (Abramowitz-Stegun erf is
/// too coarse, so the CDF uses erfc via a continued fraction-free series from libm: std has
/// no erf, so we integrate the density with Simpson's rule on a fine grid).
fn norm_cdf(x: f64) -> f64 {
    let n = 20_000;
    let (a, b) = (-12.0f64, x);
    if b <= a {
        return 0.0;
    }
    let h = (b - a) / n as f64;
    let f = |t: f64| (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

fn bs(call: bool, s: f64, k: f64, t: f64, v: f64, r: f64) -> f64 {
    let d1 = ((s / k).ln() + (r + v * v / 2.0) * t) / (v * t.sqrt());
    let d2 = d1 - v * t.sqrt();
    if call {
        s * norm_cdf(d1) - k * (-r * t).exp() * norm_cdf(d2)
    } else {
        k * (-r * t).exp() * norm_cdf(-d2) - s * norm_cdf(-d1)
    }
}

#[test]
fn buying_calls_costs_mark_plus_spread_and_matches_the_simulation() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap(); // 1,000 USDC
    suite.check_cash_conservation().unwrap();

    let sim = suite.simulate("alice", &[(listed.call_10, 10)]).unwrap();
    let t = 30.0 / 365.0;
    let expected_mark = bs(true, 10.0, 10.0, t, 0.6, 0.05) * 1e6; // per contract, base units
    let premium = sim.premium.i128();
    assert!((premium as f64 - 10.0 * expected_mark).abs() <= 2.0, "premium {premium} vs {}", 10.0 * expected_mark);
    let fees = sim.fees.u128() as f64;
    assert!((fees - 0.01 * 10.0 * expected_mark).abs() <= 2.0, "fees {fees}");
    assert_eq!(sim.total_cost.i128(), premium + sim.fees.u128() as i128);

    suite.trade("alice", &[(listed.call_10, 10)], sim.total_cost.i128()).unwrap();
    suite.check_cash_conservation().unwrap();
    let account = suite.engine_account("alice").unwrap();
    assert_eq!(account.cash.i128(), 1_000_000_000 - sim.total_cost.i128());
    assert_eq!(account.positions.len(), 1);
    assert_eq!(account.positions[0].quantity, 10);
    let after = suite.margin("alice").unwrap();
    assert_eq!(after, sim.margin_after, "the simulation is exact");
    // The pool took the premium and the fee.
    assert_eq!(suite.pool().unwrap().cash.i128(), 1_000_000_000_000 + sim.total_cost.i128());
}

#[test]
fn a_limit_below_the_cost_refuses_the_whole_trade() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    let legs = [(listed.call_10, 5), (listed.call_11, -5)];
    let cost = suite.simulate("alice", &legs).unwrap().total_cost.i128();
    let err = suite.trade("alice", &legs, cost - 1).unwrap_err();
    assert!(err.root_cause().to_string().contains("exceeds the limit"), "{err}");
    assert_eq!(suite.engine_account("alice").unwrap().positions.len(), 0);
    assert_eq!(suite.engine_account("alice").unwrap().cash.i128(), 1_000_000_000);
    suite.trade("alice", &legs, cost).unwrap();
    suite.check_cash_conservation().unwrap();
    // Selling for a minimum credit: a negative limit.
    let close = [(listed.call_10, -5), (listed.call_11, 5)];
    let credit = suite.simulate("alice", &close).unwrap().total_cost.i128();
    assert!(credit < 0, "closing a debit spread pays the account");
    suite.trade("alice", &close, credit).unwrap();
    suite.check_cash_conservation().unwrap();
    // Round trip lost exactly the fees and rounding, nothing else.
    let cash = suite.engine_account("alice").unwrap().cash.i128();
    assert_eq!(cash, 1_000_000_000 - cost - credit);
    assert!(cost + credit > 0);
}

#[test]
fn writing_options_needs_margin_and_spreads_need_less_than_naked_shorts() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    let naked = suite.simulate("bob", &[(listed.call_10, -10)]).unwrap();
    let spread = suite.simulate("bob", &[(listed.call_10, -10), (listed.call_11, 10)]).unwrap();
    assert!(spread.margin_after.initial_margin < naked.margin_after.initial_margin);
    assert!(naked.margin_after.initial_margin.u128() > 0);
    // Without cash, writing is refused...
    let err = suite.trade("bob", &[(listed.call_10, -10)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("initial margin"), "{err}");
    // ...with enough cash it goes through, and the margin view shows IM >= MM > 0.
    suite.deposit_cash("bob", 200_000_000).unwrap();
    suite.trade("bob", &[(listed.call_10, -10)], i128::MAX).unwrap();
    let m = suite.margin("bob").unwrap();
    assert!(m.initial_margin >= m.maintenance_margin && m.maintenance_margin.u128() > 0);
    assert!(!m.liquidatable);
    suite.check_cash_conservation().unwrap();
}

#[test]
fn stale_prices_stop_new_risk_but_not_closing() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.call_10, 4)], i128::MAX).unwrap();
    suite.chains.advance_all(120); // the spot is now 120 s old; max age 60 s
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("old, more than the 60s allowed"), "{err}");
    suite.trade("alice", &[(listed.call_10, -4)], i128::MAX).unwrap();
    assert!(suite.engine_account("alice").unwrap().positions.is_empty());
    suite.check_cash_conservation().unwrap();
}

#[test]
fn a_stale_volatility_stops_new_risk_but_not_closing() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.call_10, 4)], i128::MAX).unwrap();
    // The vol is 3601 s old (max 3600) while the spot is fresh.
    suite.chains.advance_all(3_601);
    suite.push_price("ATOM", cosmwasm_std::Decimal::from_ratio(10u128, 1u128)).unwrap();
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("implied volatility of ATOM"), "{err}");
    suite.trade("alice", &[(listed.call_10, -4)], i128::MAX).unwrap();
    assert!(suite.engine_account("alice").unwrap().positions.is_empty());
    suite.check_cash_conservation().unwrap();
}

#[test]
fn bad_trades_are_refused_and_change_nothing() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    let cases: Vec<(Vec<(u64, i64)>, &str)> = vec![
        (vec![], "1 to 16 legs"),
        ((0..17).map(|i| (listed.call_10 + i, 1)).collect(), "1 to 16 legs"),
        (vec![(listed.call_10, 0)], "non-zero"),
        (vec![(listed.call_10, 1_001)], "non-zero"),
        (vec![(999, 1)], "unknown series"),
        (vec![(listed.call_10, 1), (listed.call_10, 1)], "more than one leg"),
    ];
    for (legs, expected) in cases {
        let err = suite.trade("alice", &legs, i128::MAX).unwrap_err();
        assert!(err.root_cause().to_string().contains(expected), "{expected}: {err}");
    }
    let mallory = suite.target_user("mallory").to_string();
    let err = suite
        .engine_as(
            "mallory",
            &isthmus_protocol::engine::ExecuteMsg::SetFeeder { address: mallory, price: true, vol: true },
            &[],
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("owner"));
    let err = suite
        .engine_as("mallory", &isthmus_protocol::engine::ExecuteMsg::PushPrices { prices: vec![] }, &[])
        .unwrap_err();
    assert!(err.root_cause().to_string().contains("price feeder"));
    assert_eq!(suite.engine_account("alice").unwrap().cash.i128(), 1_000_000_000);
    assert!(suite.engine_account("alice").unwrap().positions.is_empty());
    suite.check_cash_conservation().unwrap();

    // An expired series stops trading.
    suite.chains.advance_all(31 * DAY);
    suite.push_price("ATOM", cosmwasm_std::Decimal::from_ratio(10u128, 1u128)).unwrap();
    let err = suite.trade("alice", &[(listed.put_10, 1)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("expired"), "{err}");
    assert_eq!(
        suite.native_balance(isthmus_ibc_bench::Side::Target, &suite.target_user("alice"), USDC).unwrap(),
        INITIAL_USDC - 1_000_000_000
    );
}
