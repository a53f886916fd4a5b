//! Gap risk beyond the grid (docs/margin.md): a far out-of-the-money short call close to expiry
//! needs little more than its floor under the ±30% grid, so a +50% gap would leave a large debt;
//! tail moves counted at a dampened weight make such a book carry margin for the gap.

use cosmwasm_std::{Decimal, Uint128};
use isthmus_protocol::engine::{self, OptionKind, SeriesParams};
use isthmus_tests::market::{attr, DAY};
use isthmus_tests::suite::default_risk;
use isthmus_tests::SuiteBuilder;

#[test]
fn tail_moves_make_far_out_of_the_money_shorts_carry_margin_for_a_gap() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.open_market(1_000_000_000_000).unwrap();
    let admin = suite.target_admin.clone();
    let expiry = suite.now() + 2 * DAY;
    let r = suite
        .engine_execute(
            &admin,
            &engine::ExecuteMsg::ListSeries(SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::from_ratio(14u128, 1u128),
                expiry,
                kind: OptionKind::Call,
                contract_size: Decimal::one(),
                open_interest_cap: Uint128::new(10_000),
            }),
        )
        .unwrap();
    let far_call: u64 = attr(&r, "series_id").parse().unwrap();
    suite.push_vol("ATOM", expiry, Decimal::percent(60)).unwrap();
    suite.deposit_cash("carol", 1_000_000_000).unwrap();
    suite.trade("carol", &[(far_call, -100)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    let with_tails = suite.margin("carol").unwrap();
    assert_eq!(with_tails.worst_scenario, "spot +50.00% vol up");

    // The same book under the grid alone.
    let grid_only = engine::RiskParams { tail_moves: vec![], ..default_risk() };
    suite.engine_execute(&admin, &engine::ExecuteMsg::SetRiskParams(grid_only)).unwrap();
    let without = suite.margin("carol").unwrap();
    assert_ne!(without.worst_scenario, "spot +50.00% vol up");
    // At +50% (spot 15) the 100 calls owe at least their intrinsic 1 each: 100 USDC, a third of
    // which the tail counts; the grid alone sees almost nothing beyond the floor (10 USDC).
    let (mm_tail, mm_grid) = (with_tails.maintenance_margin.u128(), without.maintenance_margin.u128());
    assert!(mm_tail >= mm_grid + 100_000_000 / 3 - 5_000_000, "tail {mm_tail} vs grid {mm_grid}");
    assert!(mm_grid < 20_000_000, "grid only: {mm_grid}");
    suite.check_all().unwrap();
}
