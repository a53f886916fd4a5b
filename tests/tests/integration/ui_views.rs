//! The views a front end needs (docs/integrating.md, "Views for a UI"): each is checked against
//! what the protocol actually does — a quote against the cash a trade moves, a liquidation
//! price against the margin at that price, the most withdrawable against the engine's decision
//! on withdrawals of it and of one unit more, the pool's positions against the traders'.

use cosmwasm_std::{Decimal, SignedDecimal};
use isthmus_protocol::engine::{
    ExpiriesResponse, FeedersResponse, LiquidationPriceResponse, MarginBreakdownResponse, MaxWithdrawableResponse,
    PoolLimitsResponse, PoolPositionsResponse, PoolRiskResponse, SeriesListResponse, SeriesQuote, SymbolsResponse,
};
use isthmus_protocol::lens::QueryMsg;
use isthmus_protocol::vault::WithdrawalStatus;
use isthmus_tests::market::Listed;
use isthmus_tests::{Suite, SuiteBuilder};

fn quote(suite: &Suite, series_id: u64) -> SeriesQuote {
    suite.view(&QueryMsg::Quote { series_id }).unwrap()
}

fn cash(suite: &Suite, name: &str) -> i128 {
    suite.engine_account(name).unwrap().cash.i128()
}

fn abs(a: SignedDecimal) -> SignedDecimal {
    if a < SignedDecimal::zero() {
        -a
    } else {
        a
    }
}

fn close(a: SignedDecimal, b: SignedDecimal, tolerance: SignedDecimal) -> bool {
    abs(a - b) <= tolerance
}

/// ATOM at 10, 60% vol, a funded pool; bob holds 1,000 USDC of cash.
fn market() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("bob", 1_000_000_000).unwrap();
    (suite, listed)
}

#[test]
fn a_quote_is_what_a_one_contract_trade_moves() {
    let (mut suite, listed) = market();
    let call = quote(&suite, listed.call_10);
    assert!(call.fresh && call.vol == Some(Decimal::percent(60)) && call.spot == Decimal::from_ratio(10u128, 1u128));
    // bid < mark < ask by the spread.
    assert!(call.bid < call.mark && call.mark < call.ask, "{call:?}");

    let before = cash(&suite, "bob");
    suite.trade("bob", &[(listed.call_10, 1)], i128::MAX).unwrap();
    assert_eq!(before - cash(&suite, "bob"), call.buy_one_cost.i128());
    // Selling one back (a close, the same prices): what the quote said a seller receives.
    let before = cash(&suite, "bob");
    suite.trade("bob", &[(listed.call_10, -1)], i128::MAX).unwrap();
    assert_eq!(cash(&suite, "bob") - before, call.sell_one_proceeds.i128());
    assert!(call.sell_one_proceeds.i128() < call.buy_one_cost.i128());

    // Delta against a finite difference of marks 0.01 either side; a put's delta is the call's
    // less one (parity, one unit per contract).
    let greeks = call.greeks.clone().unwrap();
    let put = quote(&suite, listed.put_10).greeks.unwrap();
    assert!(close(greeks.delta - put.delta, SignedDecimal::one(), SignedDecimal::raw(1_000)), "{greeks:?} {put:?}");
    assert!(greeks.gamma == put.gamma && greeks.vega == put.vega && greeks.vega > SignedDecimal::zero());
    assert!(greeks.theta < SignedDecimal::zero());
    let mut mark_at = |price: Decimal| {
        suite.chains.advance_all(1);
        suite.push_price("ATOM", price).unwrap();
        SignedDecimal::try_from(quote(&suite, listed.call_10).mark).unwrap()
    };
    let up = mark_at(Decimal::from_ratio(1_001u128, 100u128));
    let down = mark_at(Decimal::from_ratio(999u128, 100u128));
    let slope = (up - down) / SignedDecimal::from_ratio(2, 100);
    assert!(close(slope, greeks.delta, SignedDecimal::permille(2)), "{slope} vs {}", greeks.delta);

    // The series list carries the same quotes.
    let list: SeriesListResponse = suite
        .view(&QueryMsg::SeriesList { underlying: "ATOM".into(), expiry: None, start_after: None, limit: None })
        .unwrap();
    assert_eq!(list.series.len(), 3);
    for s in &list.series {
        assert_eq!(s.quote.as_ref(), Some(&quote(&suite, s.series_id)));
    }
}

#[test]
fn market_discovery_lists_symbols_expiries_and_feeders_by_page() {
    let mut suite = SuiteBuilder::new().with_sources(2).build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_native_collateral(1, Decimal::from_ratio(2u128, 1u128)).unwrap();
    let other = suite.sources[1].profile.symbol;

    let all: SymbolsResponse = suite.view(&QueryMsg::Symbols { start_after: None, limit: None }).unwrap();
    let names: Vec<&str> = all.symbols.iter().map(|s| s.params.symbol.as_str()).collect();
    let mut sorted = vec!["ATOM", other];
    sorted.sort();
    assert_eq!(names, sorted);
    let atom = all.symbols.iter().find(|s| s.params.symbol == "ATOM").unwrap();
    assert!(atom.has_series && atom.fresh);
    assert_eq!(atom.source, isthmus_protocol::engine::PriceSource::Push);
    assert_eq!((atom.price, atom.publish_time), (Some(Decimal::from_ratio(10u128, 1u128)), Some(suite.now())));
    let collateral_only = all.symbols.iter().find(|s| s.params.symbol == other).unwrap();
    assert!(!collateral_only.has_series);
    assert_eq!(collateral_only.price, Some(Decimal::from_ratio(2u128, 1u128)));
    // Pages of one.
    let first: SymbolsResponse = suite.view(&QueryMsg::Symbols { start_after: None, limit: Some(1) }).unwrap();
    let second: SymbolsResponse =
        suite.view(&QueryMsg::Symbols { start_after: Some(names[0].into()), limit: Some(1) }).unwrap();
    assert_eq!(
        (first.symbols[0].params.symbol.as_str(), second.symbols[0].params.symbol.as_str()),
        (names[0], names[1])
    );

    let expiries: ExpiriesResponse =
        suite.view(&QueryMsg::Expiries { underlying: "ATOM".into(), start_after: None, limit: None }).unwrap();
    assert_eq!(expiries.expiries.len(), 1);
    let e = &expiries.expiries[0];
    assert_eq!(
        (e.expiry, e.expired, e.settlement_price, e.vol),
        (listed.expiry, false, None, Some(Decimal::percent(60)))
    );
    // After the expiry, the first price fixes the settlement price.
    suite.chains.advance_all(listed.expiry - suite.now() + 1);
    suite.push_price("ATOM", Decimal::from_ratio(12u128, 1u128)).unwrap();
    let expiries: ExpiriesResponse =
        suite.view(&QueryMsg::Expiries { underlying: "ATOM".into(), start_after: None, limit: None }).unwrap();
    let e = &expiries.expiries[0];
    assert_eq!((e.expired, e.settlement_price), (true, Some(Decimal::from_ratio(12u128, 1u128))));
    let after: ExpiriesResponse = suite
        .view(&QueryMsg::Expiries { underlying: "ATOM".into(), start_after: Some(listed.expiry), limit: None })
        .unwrap();
    assert!(after.expiries.is_empty());
    // An expired series is quoted at intrinsic, without greeks: a call struck at 10 is worth 2.
    let call = quote(&suite, listed.call_10);
    assert_eq!((call.mark, call.greeks, call.fresh), (Decimal::from_ratio(2u128, 1u128), None, false));

    let feeders: FeedersResponse = suite.view(&QueryMsg::Feeders { start_after: None, limit: None }).unwrap();
    assert_eq!(feeders.feeders.len(), 1);
    let f = &feeders.feeders[0];
    assert_eq!((f.address.as_str(), f.price, f.vol), (suite.target_user("feeder").as_str(), true, true));
}

/// alice: 100 ATOM of collateral on the source, 20 puts struck at 10 written.
fn put_writer() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(listed.put_10, -20)], i128::MAX).unwrap();
    (suite, listed)
}

#[test]
fn the_margin_breakdown_adds_up_to_the_margin() {
    let (suite, listed) = put_writer();
    let alice = suite.account("alice");
    let b: MarginBreakdownResponse = suite.view(&QueryMsg::MarginBreakdown { account: alice }).unwrap();
    assert_eq!(b.margin, suite.margin("alice").unwrap());
    assert_eq!(b.underlyings.len(), 1);
    let atom = &b.underlyings[0];
    assert_eq!((atom.underlying.as_str(), atom.positions.clone()), ("ATOM", vec![(listed.put_10, -20)]));
    let risk = isthmus_tests::suite::default_risk();
    assert_eq!(atom.scenarios.len(), risk.spot_moves.len() * 3 + risk.tail_moves.len());
    assert_eq!(atom.scenarios.iter().filter(|s| s.tail).count(), risk.tail_moves.len());
    let worst = atom.scenarios.iter().map(|s| s.loss).max().unwrap();
    assert_eq!(worst, atom.worst_loss);
    // Short puts lose most when the spot falls.
    let worst_move = atom.scenarios.iter().find(|s| s.loss == worst).unwrap().spot_move;
    assert!(worst_move < SignedDecimal::zero(), "{atom:?}");
    assert!(atom.short_floor.u128() > 0);
    assert_eq!(atom.maintenance_margin.u128(), worst.i128().max(0) as u128 + atom.short_floor.u128(),);
    assert_eq!(atom.maintenance_margin, b.margin.maintenance_margin);
}

#[test]
fn the_liquidation_price_is_where_the_margin_fails() {
    let (mut suite, _listed) = put_writer();
    let alice = suite.account("alice");
    let estimate: LiquidationPriceResponse =
        suite.view(&QueryMsg::LiquidationPrice { account: alice.clone(), underlying: "ATOM".into() }).unwrap();
    assert!(!estimate.liquidatable_now);
    // Short puts on collateral that falls with the spot: liquidatable below, never above.
    let below = estimate.below.expect("a liquidation price below");
    assert_eq!(estimate.above, None);
    assert!(below < estimate.spot && below > Decimal::from_ratio(1u128, 1u128), "{estimate:?}");
    // 0.1% above the estimate the account is safe; at it, liquidatable.
    suite.chains.advance_all(1);
    suite.push_price("ATOM", below * Decimal::permille(1_001)).unwrap();
    assert!(!suite.margin("alice").unwrap().liquidatable);
    suite.chains.advance_all(1);
    suite.push_price("ATOM", below).unwrap();
    assert!(suite.margin("alice").unwrap().liquidatable);
    let now: LiquidationPriceResponse =
        suite.view(&QueryMsg::LiquidationPrice { account: alice, underlying: "ATOM".into() }).unwrap();
    assert!(now.liquidatable_now && now.below.is_none());
}

#[test]
fn the_most_withdrawable_is_approved_and_one_unit_more_is_refused() {
    let (mut suite, _listed) = put_writer();
    let ask = |suite: &Suite| -> MaxWithdrawableResponse {
        suite
            .view(&QueryMsg::MaxWithdrawable {
                source_id: suite.sources[0].source_id().into(),
                owner: suite.user("alice").to_string(),
                asset: Suite::atom(),
            })
            .unwrap()
    };
    let max = ask(&suite);
    assert_eq!((max.account.clone(), max.usable.u128()), (Some(suite.account("alice")), 100_000_000));
    let amount = max.max_amount.u128();
    assert!(amount > 0 && amount < 100_000_000, "{max:?}");

    suite.withdraw("alice", Suite::atom(), amount + 1).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert!(matches!(suite.withdrawal(1).unwrap().status, WithdrawalStatus::RolledBack { .. }));
    suite.withdraw("alice", Suite::atom(), amount).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.withdrawal(2).unwrap().status, WithdrawalStatus::Paid {});
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000 - amount);
    // Nothing more now.
    let after = ask(&suite);
    assert_eq!((after.usable.u128(), after.max_amount.u128()), (100_000_000 - amount, 0));
    assert!(after.reason.is_some());
}

#[test]
fn the_pools_positions_mirror_the_traders_and_its_limits_are_used_in_proportion() {
    let (mut suite, listed) = put_writer();
    suite.deposit_cash("bob", 1_000_000_000).unwrap();
    suite.trade("bob", &[(listed.call_10, 5)], i128::MAX).unwrap();

    let page: PoolPositionsResponse =
        suite.view(&QueryMsg::PoolPositions { underlying: "ATOM".into(), start_after: None, limit: None }).unwrap();
    let positions: Vec<(u64, i64)> = page.positions.iter().map(|p| (p.series_id, p.position)).collect();
    assert_eq!(positions, vec![(listed.call_10, -5), (listed.put_10, 20)]);
    // Each is the traders' position negated: its mark rounds down, theirs too.
    let bob_call = suite.engine_account("bob").unwrap().positions[0].mark_value.i128();
    let pool_call = page.positions[0].mark_value.unwrap().i128();
    assert!(pool_call == -bob_call || pool_call == -bob_call - 1, "{pool_call} {bob_call}");
    let call = quote(&suite, listed.call_10).greeks.unwrap();
    let pool_greeks = page.positions[0].greeks.clone().unwrap();
    assert!(close(pool_greeks.delta, call.delta * SignedDecimal::from_ratio(-5, 1), SignedDecimal::raw(100)));
    assert_eq!(page.positions[0].open_long.u128(), 5);
    let sum = page.positions[0].greeks.clone().unwrap().delta + page.positions[1].greeks.clone().unwrap().delta;
    assert!(close(page.page_greeks.delta, sum, SignedDecimal::raw(10)));
    let second: PoolPositionsResponse = suite
        .view(&QueryMsg::PoolPositions { underlying: "ATOM".into(), start_after: Some(listed.call_10), limit: Some(1) })
        .unwrap();
    assert_eq!(second.positions[0].series_id, listed.put_10);

    let limits: PoolLimitsResponse = suite.view(&QueryMsg::PoolLimits { start_after: None, limit: None }).unwrap();
    assert_eq!(limits.maintenance_margin, suite.pool().unwrap().maintenance_margin);
    let utilisation = limits.margin_utilisation.unwrap();
    let expected = Decimal::from_ratio(limits.initial_margin, limits.equity.i128() as u128);
    assert!(utilisation >= expected && utilisation - expected <= Decimal::raw(1), "{limits:?}");
    let atom = &limits.underlyings[0];
    let risk: PoolRiskResponse = suite.view(&QueryMsg::PoolRisk { underlying: "ATOM".into() }).unwrap();
    // The snapshot's delta is printed with every binary digit; 18 places are enough here.
    let (whole, fraction) = risk.net_delta.split_once('.').unwrap_or((&risk.net_delta, "0"));
    let snapshot_delta: SignedDecimal = format!("{whole}.{:.18}", fraction).parse().unwrap();
    assert!(close(atom.net_delta, snapshot_delta, SignedDecimal::permille(1)), "{atom:?} {}", risk.net_delta);
    let used = abs(atom.net_delta).to_string().parse::<Decimal>().unwrap() / Decimal::from_ratio(5_000u128, 1u128);
    assert!(atom.delta_utilisation.unwrap() >= used && atom.delta_utilisation.unwrap() - used <= Decimal::raw(2));
    assert_eq!(atom.max_pool_delta, Decimal::from_ratio(5_000u128, 1u128));
}
