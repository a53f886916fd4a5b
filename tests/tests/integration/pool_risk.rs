//! The pool's risk kept per underlying at a snapshot (docs/pool-risk.md): new risk is refused
//! while a snapshot is stale, closing never is, the paged refresh counts every trade made while
//! it runs, the pool's limits hold at the snapshot, and a market of 1,024 live series trades.
//! Invariant 8 (the aggregate equals a revaluation from scratch) is checked after every step by
//! `check_all`.

use cosmwasm_std::{coin, Decimal, Uint128};
use isthmus_margin::{evaluate_totals, BookTotals};
use isthmus_protocol::engine::{self, OptionKind, PriceInput, SeriesParams, SymbolParams, VolInput};
use isthmus_protocol::lens;
use isthmus_tests::market::{attr, Listed, DAY};
use isthmus_tests::suite::{default_risk, USDC};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::error::ContractError;

const USDC_1: u128 = 1_000_000;

fn risk_of(suite: &Suite, underlying: &str) -> engine::PoolRiskResponse {
    suite.view(&lens::QueryMsg::PoolRisk { underlying: underlying.to_string() }).unwrap()
}

/// A push straight from the feeder a block later, without the keeper's refresh the suite's
/// helpers add.
fn raw_push(suite: &mut Suite, underlying: &str, price: Decimal, vols: &[(u64, Decimal)]) {
    suite.chains.advance_all(6);
    let now = suite.now();
    let prices = vec![PriceInput { symbol: underlying.to_string(), price, publish_time: now }];
    suite.engine_as("feeder", &engine::ExecuteMsg::PushPrices { prices }, &[]).unwrap();
    if !vols.is_empty() {
        let vols = vols
            .iter()
            .map(|(expiry, vol)| VolInput {
                underlying: underlying.into(),
                expiry: *expiry,
                vol: *vol,
                publish_time: now,
            })
            .collect();
        suite.engine_as("feeder", &engine::ExecuteMsg::PushVols { vols }, &[]).unwrap();
    }
}

fn refresh(suite: &mut Suite, underlying: &str, limit: Option<u32>) -> (u64, bool) {
    let msg = engine::ExecuteMsg::RefreshPoolRisk { underlying: underlying.to_string(), limit };
    let r = suite.engine_as("carol", &msg, &[]).unwrap();
    (attr(&r, "revalued").parse().unwrap(), attr(&r, "finished") == "true")
}

fn assert_spot(risk: &engine::PoolRiskResponse, spot: f64) {
    let at: f64 = risk.snapshot_spot.parse().unwrap();
    assert!((at - spot).abs() < 1e-12, "snapshot at {at}, expected {spot}");
}

fn stale(underlying: &str, reason: &str) -> ContractError {
    ContractError::PoolRiskStale { underlying: underlying.to_string(), reason: reason.to_string() }
}

/// Alice bought 10 calls from the pool: it holds a position on ATOM, at a fresh snapshot.
fn market_with_a_position() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(10_000 * USDC_1).unwrap();
    suite.deposit_cash("alice", 1_000 * USDC_1).unwrap();
    suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap();
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.positions, risk.stale.clone()), (1, None), "{risk:?}");
    assert_spot(&risk, 10.0);
    suite.check_all().unwrap();
    (suite, listed)
}

#[test]
fn a_price_move_beyond_the_drift_limit_refuses_new_risk_until_anyone_refreshes() {
    let (mut suite, listed) = market_with_a_position();
    // 1% is within the 2% drift limit: nothing changes.
    raw_push(&mut suite, "ATOM", Decimal::percent(1_010), &[]);
    assert_eq!(risk_of(&suite, "ATOM").stale, None);
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();
    // 3% from the snapshot's 10: stale.
    raw_push(&mut suite, "ATOM", Decimal::percent(1_030), &[]);
    let moved = "the market moved beyond the drift limits";
    assert_eq!(risk_of(&suite, "ATOM").stale.as_deref(), Some(moved));
    let before = suite.engine_account("alice").unwrap();
    let err = suite.trade("alice", &[(listed.put_10, -1)], i128::MAX).unwrap_err();
    assert_error(&err, stale("ATOM", moved));
    assert_eq!(suite.engine_account("alice").unwrap(), before, "a refused trade changes nothing");
    let err = suite.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(USDC_1, USDC)]).unwrap_err();
    assert_error(&err, stale("ATOM", moved));
    // Closing is never refused: it needs no snapshot, and the pool's risk follows it.
    suite.trade("alice", &[(listed.call_10, -5)], i128::MAX).unwrap();
    let positions = suite.engine_account("alice").unwrap().positions;
    assert_eq!(positions.iter().map(|p| (p.series_id, p.quantity)).collect::<Vec<_>>(), vec![(listed.call_10, 6)]);
    suite.check_all().unwrap();
    // Anyone refreshes; new risk is checked against today's prices again.
    let generation = risk_of(&suite, "ATOM").generation;
    assert_eq!(refresh(&mut suite, "ATOM", None), (1, true));
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.generation, risk.stale.clone(), risk.refreshing), (generation + 1, None, false));
    assert_spot(&risk, 10.3);
    suite.trade("alice", &[(listed.put_10, -1)], i128::MAX).unwrap();
    suite.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(USDC_1, USDC)]).unwrap();
    suite.check_all().unwrap();
}

#[test]
fn a_vol_move_an_old_snapshot_or_a_passed_expiry_refuses_new_risk() {
    let (mut suite, listed) = market_with_a_position();
    let ten = Decimal::from_ratio(10u128, 1u128);
    // Six vol points on the expiry the pool holds: beyond the 5-point limit.
    raw_push(&mut suite, "ATOM", ten, &[(listed.expiry, Decimal::percent(66))]);
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert_error(&err, stale("ATOM", "the market moved beyond the drift limits"));
    refresh(&mut suite, "ATOM", None);
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();

    // Half an hour and a second later, at unchanged prices, the snapshot is too old.
    suite.chains.advance_all(1_801);
    raw_push(&mut suite, "ATOM", ten, &[(listed.expiry, Decimal::percent(66))]);
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert_error(&err, stale("ATOM", "the snapshot is too old"));
    refresh(&mut suite, "ATOM", None);
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();

    // A series expiring in 15 minutes: once its expiry passes, the snapshot valued it alive.
    let soon = suite.now() + 900;
    let r = suite
        .admin_engine(&engine::ExecuteMsg::ListSeries(SeriesParams {
            underlying: "ATOM".into(),
            strike: ten,
            expiry: soon,
            kind: OptionKind::Put,
            contract_size: Decimal::one(),
            open_interest_cap: Uint128::new(1_000),
        }))
        .unwrap();
    let short_dated: u64 = attr(&r, "series_id").parse().unwrap();
    raw_push(&mut suite, "ATOM", ten, &[(soon, Decimal::percent(66))]);
    suite.trade("alice", &[(short_dated, 1)], i128::MAX).unwrap();
    assert_eq!(risk_of(&suite, "ATOM").next_expiry, Some(soon));
    suite.chains.advance_all(900);
    raw_push(&mut suite, "ATOM", ten, &[(listed.expiry, Decimal::percent(66))]);
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert_error(&err, stale("ATOM", "an expiry passed"));
    refresh(&mut suite, "ATOM", None);
    // The expired series is valued at its intrinsic value and no longer sets the next expiry.
    assert_eq!(risk_of(&suite, "ATOM").next_expiry, Some(listed.expiry));
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();
    suite.check_all().unwrap();
}

#[test]
fn new_risk_parameters_invalidate_the_pool_risk_until_a_refresh_rebuilds_it() {
    let (mut suite, listed) = market_with_a_position();
    let admin = suite.target_admin.clone();
    // A coarser grid: the aggregate of the old grid cannot be reused.
    let pct = |n: i64| cosmwasm_std::SignedDecimal::percent(n);
    let coarse = engine::RiskParams { spot_moves: vec![pct(-20), pct(0), pct(20)], ..default_risk() };
    suite.engine_execute(&admin, &engine::ExecuteMsg::SetRiskParams(coarse)).unwrap();
    let changed = "the risk parameters changed";
    assert_eq!(risk_of(&suite, "ATOM").stale.as_deref(), Some(changed));
    let err = suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap_err();
    assert_error(&err, stale("ATOM", changed));
    // Closing and settling still work while it is invalid; the position count follows, and a
    // book left with nothing keeps no marks from the old grid (the NAV is the cash alone).
    suite.trade("alice", &[(listed.call_10, -10)], i128::MAX).unwrap();
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.positions, risk.short_mark.i128(), risk.long_mark.i128()), (0, 0, 0));
    let pool = suite.pool().unwrap();
    assert_eq!(pool.nav, pool.liquid_cash);
    // With nothing held, the next trade takes a fresh snapshot on the new grid by itself.
    suite.trade("alice", &[(listed.call_10, 2)], i128::MAX).unwrap();
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.stale, risk.scenario_losses.len()), (None, 3 * 3 + 2));
    suite.check_all().unwrap();
}

#[test]
fn a_paged_refresh_counts_the_trades_made_on_both_sides_of_its_cursor() {
    let (mut suite, listed) = market_with_a_position();
    suite.trade("alice", &[(listed.put_10, -4), (listed.call_11, 7)], i128::MAX).unwrap();
    assert_eq!(risk_of(&suite, "ATOM").positions, 3);
    raw_push(&mut suite, "ATOM", Decimal::percent(1_050), &[]);
    // One position per call: the refresh passes call 10 first (ids ascend).
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.refreshing, risk.refresh_cursor), (true, Some(listed.call_10)));
    assert!(risk.stale.is_some(), "the current snapshot stays stale until the refresh finishes");
    // Closing trades on a series behind the cursor (call 10) and ahead of it (call 11):
    // invariant 8 checks both snapshots after each.
    suite.trade("alice", &[(listed.call_10, -3)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    suite.trade("alice", &[(listed.call_11, -2)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    assert_eq!(risk_of(&suite, "ATOM").refresh_cursor, Some(listed.put_10));
    // A settlement-free close of the whole put position behind the cursor.
    suite.trade("alice", &[(listed.put_10, 4)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (0, true));
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.positions, risk.stale.clone(), risk.refreshing), (2, None, false));
    assert_spot(&risk, 10.5);
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();
    suite.check_all().unwrap();
}

#[test]
fn a_refresh_after_new_risk_parameters_follows_the_closes_behind_its_cursor() {
    let (mut suite, listed) = market_with_a_position();
    suite.trade("alice", &[(listed.put_10, -4), (listed.call_11, 7)], i128::MAX).unwrap();
    let admin = suite.target_admin.clone();
    let wider = engine::RiskParams { short_floor: Decimal::percent(2), ..default_risk() };
    suite.engine_execute(&admin, &engine::ExecuteMsg::SetRiskParams(wider)).unwrap();
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    // The current aggregate is invalid, the refresh is not: a close behind its cursor must
    // reach it (invariant 8 checks the refresh against a revaluation after each step).
    suite.trade("alice", &[(listed.call_10, -6)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    suite.trade("alice", &[(listed.put_10, 4)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    while !refresh(&mut suite, "ATOM", Some(1)).1 {}
    let risk = risk_of(&suite, "ATOM");
    assert_eq!((risk.positions, risk.stale, risk.refreshing), (2, None, false));
    suite.trade("alice", &[(listed.call_10, 1)], i128::MAX).unwrap();
    suite.check_all().unwrap();
}

#[test]
fn a_refresh_left_unfinished_until_it_is_stale_starts_over() {
    let (mut suite, listed) = market_with_a_position();
    suite.trade("alice", &[(listed.call_11, 7)], i128::MAX).unwrap();
    raw_push(&mut suite, "ATOM", Decimal::percent(1_050), &[(listed.expiry, Decimal::percent(60))]);
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    let started = risk_of(&suite, "ATOM").refresh_cursor;
    assert_eq!(started, Some(listed.call_10));
    // A move beyond the drift from the refresh's own snapshot: finishing it would be stale.
    raw_push(&mut suite, "ATOM", Decimal::percent(1_100), &[(listed.expiry, Decimal::percent(60))]);
    assert_eq!(refresh(&mut suite, "ATOM", Some(1)), (1, false));
    assert_eq!(risk_of(&suite, "ATOM").refresh_cursor, Some(listed.call_10), "restarted from the first position");
    while !refresh(&mut suite, "ATOM", Some(1)).1 {}
    let risk = risk_of(&suite, "ATOM");
    assert_eq!(risk.stale, None);
    assert_spot(&risk, 11.0);
    suite.check_all().unwrap();
}

/// The pool's limits at its snapshot, from the kept totals (equal to a revaluation from
/// scratch by invariant 8): `(IM met, |net delta| in units)`.
fn pool_limits(suite: &Suite) -> (bool, f64) {
    let risk = risk_of(suite, "ATOM");
    let totals = BookTotals {
        short_mark: risk.short_mark.i128(),
        long_mark: risk.long_mark.i128(),
        losses: risk.scenario_losses.iter().map(|l| l.i128()).collect(),
        short_floor: risk.short_floor.i128(),
    };
    let params = options_engine::account_margin::margin_params(&default_risk(), 6).unwrap();
    let liquid = suite.pool().unwrap().liquid_cash.i128();
    let books = if risk.positions > 0 { vec![totals] } else { vec![] };
    let margin = evaluate_totals(liquid, &books, &params).unwrap();
    (margin.meets_initial_margin(), risk.net_delta.parse::<f64>().unwrap().abs())
}

/// Random trades against a small pool: every accepted trade that adds risk leaves the pool
/// meeting its initial margin and its delta limit at the snapshot the trade was checked
/// against; the limits do refuse trades along the way.
#[test]
fn random_trades_never_take_the_pool_beyond_its_limits() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(300 * USDC_1).unwrap();
    let limit = 200.0;
    suite
        .admin_engine(&engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
            symbol: "ATOM".into(),
            max_price_age_seconds: 60,
            lenient_price_age_seconds: 7 * DAY,
            max_vol_age_seconds: 3600,
            max_pool_delta: Decimal::from_ratio(200u128, 1u128),
        }))
        .unwrap();
    for name in ["alice", "bob"] {
        suite.deposit_cash(name, 100_000 * USDC_1).unwrap();
    }
    let series = [listed.call_10, listed.put_10, listed.call_11];
    let mut seed: u64 = 0x5eed_1234;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let (mut accepted, mut margin_refusals, mut delta_refusals) = (0, 0, 0);
    for step in 0..120 {
        let name = if next(2) == 0 { "alice" } else { "bob" };
        let legs: Vec<(u64, i64)> = (0..=next(2))
            .map(|i| (series[(next(3) as usize + i as usize) % 3], next(120) as i64 - 60))
            .filter(|(_, q)| *q != 0)
            .fold(vec![], |mut v, leg| {
                if !v.iter().any(|(id, _)| *id == leg.0) {
                    v.push(leg);
                }
                v
            });
        if legs.is_empty() {
            continue;
        }
        let (_, delta_before) = pool_limits(&suite);
        // A trade of closing legs only skips the pool's checks (closing is always possible).
        let held = suite.engine_account(name).unwrap().positions;
        let closing_only = legs.iter().all(|(id, q)| {
            let current: i64 = held.iter().find(|p| p.series_id == *id).map_or(0, |p| p.quantity);
            current != 0 && (current > 0) != (*q > 0) && q.unsigned_abs() <= current.unsigned_abs()
        });
        match suite.trade(name, &legs, i128::MAX) {
            Ok(_) => {
                accepted += 1;
                let (meets, delta) = pool_limits(&suite);
                if !closing_only {
                    assert!(meets, "step {step}: the pool misses its initial margin after {legs:?}");
                    assert!(delta <= limit || delta <= delta_before, "step {step}: net delta {delta} beyond {limit}");
                }
            }
            Err(e) => match isthmus_tests::errors::contract_error::<ContractError>(&e) {
                Some(ContractError::PoolMarginNotMet { .. }) => margin_refusals += 1,
                Some(ContractError::PoolExposureLimit { .. }) => delta_refusals += 1,
                Some(
                    ContractError::InitialMarginNotMet { .. }
                    | ContractError::ClosingIncreasesRisk { .. }
                    | ContractError::OpenInterestCap { .. },
                ) => {}
                other => panic!("step {step}: unexpected refusal {other:?}: {e}"),
            },
        }
        if step % 10 == 0 {
            suite.chains.advance_all(20);
            let price = Decimal::from_ratio(95 + next(11) as u128, 10u128);
            suite.push_price("ATOM", price).unwrap();
            suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
        }
        suite.check_invariants().unwrap();
    }
    assert!(accepted > 20, "only {accepted} trades accepted");
    assert!(margin_refusals + delta_refusals > 0, "the limits never refused a trade");
    suite.check_all().unwrap();
}

/// 4 underlyings x 8 expiries x 16 strikes x 2 kinds: 1,024 live series, the most; the pool
/// takes positions across them, and the refresh pages through one underlying's.
#[test]
fn a_market_of_1024_live_series_trades_and_refreshes_in_pages() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(500_000 * USDC_1).unwrap();
    let underlyings = ["ATOM", "OSMO", "NTRN", "TIA"];
    for u in &underlyings[1..] {
        suite
            .admin_engine(&engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
                symbol: u.to_string(),
                max_price_age_seconds: 600,
                lenient_price_age_seconds: 7 * DAY,
                max_vol_age_seconds: 3600,
                max_pool_delta: Decimal::from_ratio(1_000_000u128, 1u128),
            }))
            .unwrap();
    }
    let expiries: Vec<u64> = (1..=8).map(|w| suite.now() + w * 7 * DAY).collect();
    let mut ids: Vec<(String, u64)> = vec![];
    for u in underlyings {
        for (e, expiry) in expiries.iter().enumerate() {
            for k in 0..16u128 {
                for kind in [OptionKind::Call, OptionKind::Put] {
                    // ATOM already has three 30-day series; its first expiry carries 13 more strikes.
                    if u == "ATOM" && e == 0 && k < 3 {
                        continue;
                    }
                    let r = suite
                        .admin_engine(&engine::ExecuteMsg::ListSeries(SeriesParams {
                            underlying: u.into(),
                            strike: Decimal::from_ratio(80 + 3 * k, 10u128),
                            expiry: *expiry,
                            kind,
                            contract_size: Decimal::one(),
                            open_interest_cap: Uint128::new(1_000_000),
                        }))
                        .unwrap();
                    ids.push((u.to_string(), attr(&r, "series_id").parse().unwrap()));
                }
            }
        }
    }
    let live = ids.len() + 3;
    assert_eq!(live, 1_021);
    let extra = SeriesParams {
        underlying: "ATOM".into(),
        strike: Decimal::from_ratio(20u128, 1u128),
        expiry: expiries[0],
        kind: OptionKind::Call,
        contract_size: Decimal::one(),
        open_interest_cap: Uint128::new(1),
    };
    let mut to_fill = 1_024 - live;
    while to_fill > 0 {
        suite.admin_engine(&engine::ExecuteMsg::ListSeries(extra.clone())).unwrap();
        to_fill -= 1;
    }
    let err = suite.admin_engine(&engine::ExecuteMsg::ListSeries(extra)).unwrap_err();
    assert_error(&err, ContractError::TooManySeries { max: 1_024 });
    for u in underlyings {
        let vols: Vec<(u64, Decimal)> = expiries.iter().map(|e| (*e, Decimal::percent(60))).collect();
        raw_push(&mut suite, u, Decimal::from_ratio(10u128, 1u128), &vols);
    }
    raw_push(&mut suite, "ATOM", Decimal::from_ratio(10u128, 1u128), &[(listed.expiry, Decimal::percent(60))]);
    // The pool takes 80 positions: five traders (16 series each at most) across the book.
    let traders = ["alice", "bob", "carol", "lp", "keeper"];
    for (trader, chunk) in traders.iter().zip(ids.chunks(16).step_by(12)) {
        suite.deposit_cash(trader, 100_000 * USDC_1).unwrap();
        let legs: Vec<(u64, i64)> =
            chunk.iter().enumerate().map(|(i, (_, id))| (*id, if i % 2 == 0 { 2 } else { -1 })).collect();
        suite.trade(trader, &legs, i128::MAX).unwrap();
    }
    let held: Vec<u32> = underlyings.iter().map(|u| risk_of(&suite, u).positions).collect();
    assert_eq!(held.iter().sum::<u32>(), 80);
    assert!(held.iter().all(|n| *n > 0), "every underlying holds positions: {held:?}");
    suite.check_invariants().unwrap();
    // A move on OSMO: its refresh takes pages of 8; ATOM's snapshot is untouched.
    raw_push(&mut suite, "OSMO", Decimal::from_ratio(11u128, 1u128), &[]);
    let osmo = risk_of(&suite, "OSMO").positions as u64;
    let atom = risk_of(&suite, "ATOM").generation;
    let mut revalued = 0;
    loop {
        let (n, finished) = refresh(&mut suite, "OSMO", Some(8));
        revalued += n;
        if finished {
            break;
        }
        suite.check_invariants().unwrap();
    }
    assert_eq!(revalued, osmo);
    assert!(osmo > 8, "more than one page: {osmo}");
    assert_eq!(risk_of(&suite, "OSMO").stale, None);
    assert_eq!(risk_of(&suite, "ATOM").generation, atom);
    suite.trade("alice", &[(ids[0].1, 1)], i128::MAX).unwrap();
    suite.check_all().unwrap();
}

#[test]
fn a_ninth_underlying_cannot_list_series() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.open_market(0).unwrap();
    let expiry = suite.now() + DAY;
    for i in 0..8 {
        let symbol = format!("SYM{i}");
        suite
            .admin_engine(&engine::ExecuteMsg::ConfigureSymbol(SymbolParams {
                symbol: symbol.clone(),
                max_price_age_seconds: 60,
                lenient_price_age_seconds: DAY,
                max_vol_age_seconds: 3600,
                max_pool_delta: Decimal::one(),
            }))
            .unwrap();
        let series = SeriesParams {
            underlying: symbol,
            strike: Decimal::one(),
            expiry,
            kind: OptionKind::Call,
            contract_size: Decimal::one(),
            open_interest_cap: Uint128::new(1),
        };
        let listed = suite.admin_engine(&engine::ExecuteMsg::ListSeries(series));
        if i < 7 {
            listed.unwrap();
        } else {
            assert_error(&listed.unwrap_err(), ContractError::TooManyUnderlyings { max: 8 });
        }
    }
}
