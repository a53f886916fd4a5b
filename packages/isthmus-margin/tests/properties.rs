//! Properties of the margin, by proptest. Case count per property: PROPTEST_CASES (default 64;
//! each case runs two to three full evaluations).

use isthmus_margin::{
    evaluate, evaluate_totals, haircut, series_prices, Account, BookTotals, CollateralItem, CollateralPrice, ExpiryVol,
    Fixed, HaircutParams, Leg, MarginBreakdown, MarginParams, OptionKind, UnderlyingBook,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), ..ProptestConfig::default() }
}

fn q(n: i128, d: i128) -> Fixed {
    Fixed::from_ratio(n, d).unwrap()
}

/// Leg as (call?, strike in % of spot, expiry index, quantity, size is 1/10?).
type RawLeg = (bool, i128, usize, i128, bool);

fn raw_leg() -> impl Strategy<Value = RawLeg> {
    (any::<bool>(), 70i128..=130, 0usize..2, -20i128..=20, any::<bool>())
}

/// Spot 500..5000, two expiries (1 day .. 1 year) with vols 20 %..150 %, rate 0..10 %.
fn market() -> impl Strategy<Value = (i128, [i128; 2], [i128; 2], i128)> {
    (500i128..=5000, [1i128..=365, 1i128..=365], [20i128..=150, 20i128..=150], 0i128..=10)
}

fn book(m: &(i128, [i128; 2], [i128; 2], i128), legs: &[RawLeg]) -> UnderlyingBook {
    let (spot, days, vols, rate) = m;
    let expiry = |i: usize| q(days[i], 365);
    UnderlyingBook {
        spot: Fixed::from_int(*spot).unwrap(),
        rate: q(*rate, 100),
        vols: (0..2).map(|i| ExpiryVol { expiry_years: expiry(i), vol: q(vols[i], 100) }).collect(),
        legs: legs
            .iter()
            .map(|&(call, pct, e, quantity, tenth)| Leg {
                kind: if call { OptionKind::Call } else { OptionKind::Put },
                strike: q(spot * pct, 100),
                expiry_years: expiry(e),
                quantity,
                contract_size: if tenth { q(1, 10) } else { Fixed::ONE },
            })
            .collect(),
    }
}

fn account(book: UnderlyingBook, collateral: Vec<CollateralItem>) -> Account {
    Account { cash: 1_000_000_000, underlyings: vec![book], collateral }
}

fn eval(a: &Account) -> MarginBreakdown {
    evaluate(a, &MarginParams::default()).expect("inputs in range evaluate")
}

/// Underlying-linked collateral: `units` whole units of an 8-decimal asset, `staleness` seconds.
fn linked(units: u128, staleness: u64) -> CollateralItem {
    CollateralItem {
        amount: units * 100_000_000,
        initial_amount: units * 100_000_000,
        decimals: 8,
        price: CollateralPrice::Underlying { index: 0 },
        vol: q(8, 10),
        staleness_seconds: staleness,
        haircut: HaircutParams {
            base: q(2, 100),
            z: q(233, 100),
            seize_latency_seconds: 600,
            max_staleness_seconds: 3600,
        },
    }
}

proptest! {
    #![proptest_config(config())]

    /// MM ≥ 0 and IM ≥ MM, with fresh and stale linked collateral and oracle collateral.
    #[test]
    fn requirements_are_ordered(m in market(), legs in prop::collection::vec(raw_leg(), 0..8),
                                units in 0u128..50, staleness in 0u64..10_000) {
        let coll = vec![linked(units, staleness), CollateralItem {
            price: CollateralPrice::Oracle { price: q(7, 1) }, ..linked(units, staleness / 2) }];
        let r = eval(&account(book(&m, &legs), coll));
        prop_assert!(r.maintenance_margin.get() >= 0);
        prop_assert!(r.initial_margin.get() >= r.maintenance_margin.get());
        // IM = ⌈1.3 × basis⌉ and basis ≥ MM
        prop_assert!(r.initial_margin.get() * 10 >= r.maintenance_margin.get() * 13);
        prop_assert!(r.equity_initial.get() <= r.equity.get());
        let u = &r.underlyings[0];
        prop_assert_eq!(u.scenario_losses[u.worst_scenario], u.worst_loss);
        prop_assert!(u.scenario_losses.iter().all(|l| *l <= u.worst_loss));
        prop_assert!(u.worst_loss_initial.get() >= u.worst_loss.get());
    }

    /// The pool's running totals: the sum of each series' totals, built and unbuilt one leg at a
    /// time in any order, margins exactly as a full evaluation of the net positions (puts are
    /// kept at strikes without a call, where `evaluate` would price them by parity).
    #[test]
    fn running_totals_margin_like_a_full_evaluation(m in market(), legs in prop::collection::vec(raw_leg(), 0..12),
                                                    removed in prop::collection::vec(any::<bool>(), 12)) {
        // Calls at even strikes, puts at odd ones: no node holds both kinds.
        let legs: Vec<RawLeg> = legs.into_iter()
            .map(|(call, pct, e, quantity, tenth)| (call, pct - pct % 2 + i128::from(!call), e, quantity, tenth))
            .collect();
        let p = MarginParams::default();
        let b = book(&m, &legs);
        let grid = isthmus_margin::scenarios(&p).len();
        let mut running = BookTotals::zero(grid);
        let mut held: Vec<Leg> = vec![];
        for (leg, remove) in b.legs.iter().zip(&removed) {
            // One series per (kind, strike, expiry, size): its position before and after the leg.
            let same = |h: &Leg| h.kind == leg.kind && h.strike == leg.strike
                && h.expiry_years == leg.expiry_years && h.contract_size == leg.contract_size;
            let before = held.iter().find(|h| same(h)).map_or(0, |h| h.quantity);
            let after = if *remove { 0 } else { before + leg.quantity };
            let vol = b.vols.iter().find(|v| v.expiry_years == leg.expiry_years).unwrap().vol;
            let prices = series_prices(b.spot, b.rate, vol, leg, &p).unwrap();
            running = running.checked_sub(&prices.totals(before).unwrap()).unwrap()
                .checked_add(&prices.totals(after).unwrap()).unwrap();
            held.retain(|h| !same(h));
            held.push(Leg { quantity: after, ..*leg });
        }
        let full = evaluate(&Account { cash: 1_000, underlyings: vec![UnderlyingBook { legs: held, ..b.clone() }],
                                       collateral: vec![] }, &p).unwrap();
        let from_totals = evaluate_totals(1_000, &[running], &p).unwrap();
        prop_assert_eq!(from_totals.maintenance_margin.get(), full.maintenance_margin.get());
        prop_assert_eq!(from_totals.initial_margin.get(), full.initial_margin.get());
        prop_assert_eq!(from_totals.equity.get(), full.equity.get());
        prop_assert_eq!(from_totals.long_options_mark.get(), full.long_options_mark.get());
        prop_assert_eq!(&from_totals.underlyings[0].scenario_losses, &full.underlyings[0].scenario_losses);
    }

    /// A long option in a series the account is not short never increases MM (its scenario
    /// value only offsets losses). Any long, even one closing part of a short, never lowers
    /// equity − MM (up to rounding).
    #[test]
    fn adding_a_long_option(m in market(), legs in prop::collection::vec(raw_leg(), 0..8), extra in raw_leg()) {
        let extra = (extra.0, extra.1, extra.2, extra.3.abs().max(1), extra.4);
        let before = eval(&account(book(&m, &legs), vec![]));
        let mut with = legs.clone();
        with.push(extra);
        let after = eval(&account(book(&m, &with), vec![]));
        let net_short = legs.iter().filter(|l| (l.0, l.1, l.2, l.4) == (extra.0, extra.1, extra.2, extra.4))
            .map(|l| l.3).sum::<i128>() < 0;
        if !net_short {
            prop_assert!(after.maintenance_margin.get() <= before.maintenance_margin.get(),
                "MM rose from {} to {}", before.maintenance_margin.get(), after.maintenance_margin.get());
        }
        let free = |r: &MarginBreakdown| r.equity.get() - r.maintenance_margin.get();
        prop_assert!(free(&after) >= free(&before) - 4, "free margin fell from {} to {}", free(&before), free(&after));
    }

    /// Linked collateral never increases MM (its gains offset, its losses are its haircut's).
    #[test]
    fn linked_collateral_never_increases_mm(m in market(), legs in prop::collection::vec(raw_leg(), 0..8),
                                            units in 1u128..50) {
        let naked = eval(&account(book(&m, &legs), vec![]));
        let covered = eval(&account(book(&m, &legs), vec![linked(units, 0)]));
        prop_assert!(covered.maintenance_margin.get() <= naked.maintenance_margin.get());
        prop_assert!(covered.equity.get() > naked.equity.get());
    }

    /// Lowering an item's `initial_amount` (a per-source cap) changes nothing for maintenance
    /// (equity, MM, every scenario loss), never raises equity_initial nor lowers IM, and at 0 the
    /// item counts for initial margin exactly as if it were absent.
    #[test]
    fn initial_amount_bounds_only_the_initial_margin(m in market(), legs in prop::collection::vec(raw_leg(), 0..8),
                                                     units in 1u128..50, staleness in 0u64..4_000,
                                                     a in 0u128..=1_000, b in 0u128..=1_000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let with = |share: u128| {
            let mut item = linked(units, staleness);
            item.initial_amount = item.amount * share / 1_000;
            let usdc = CollateralItem { price: CollateralPrice::Oracle { price: q(1, 1) },
                                        initial_amount: 7_000_000_000 * share / 1_000, amount: 7_000_000_000,
                                        ..linked(units, 0) };
            eval(&account(book(&m, &legs), vec![item, usdc]))
        };
        let (low, high, full) = (with(lo), with(hi), with(1_000));
        for r in [&low, &high] {
            prop_assert_eq!((r.equity.get(), r.maintenance_margin.get(), r.collateral_value.get()), (full.equity.get(), full.maintenance_margin.get(), full.collateral_value.get()));
            prop_assert_eq!(&r.underlyings[0].scenario_losses, &full.underlyings[0].scenario_losses);
            prop_assert!(r.collateral_value_initial.get() <= r.collateral_value.get());
            prop_assert!(r.initial_margin.get() >= r.maintenance_margin.get());
        }
        prop_assert!(low.equity_initial.get() <= high.equity_initial.get());
        prop_assert!(low.initial_margin.get() >= high.initial_margin.get());
        prop_assert!(low.underlyings[0].worst_loss_initial.get() >= high.underlyings[0].worst_loss_initial.get());
        if lo == 0 {
            let absent = eval(&account(book(&m, &legs), vec![]));
            prop_assert_eq!(low.initial_margin.get(), absent.initial_margin.get());
            prop_assert_eq!(low.equity_initial.get(), absent.equity_initial.get());
        }
    }

    /// Multiplying every quantity by k multiplies MM by k, within one base unit per rounded
    /// term (groups × scenarios' worst, plus the floors).
    #[test]
    fn scaling_quantities_scales_mm(m in market(), legs in prop::collection::vec(raw_leg(), 1..8), k in 2i128..=7) {
        let base = eval(&account(book(&m, &legs), vec![]));
        let scaled_legs: Vec<RawLeg> = legs.iter().map(|l| (l.0, l.1, l.2, l.3 * k, l.4)).collect();
        let scaled = eval(&account(book(&m, &scaled_legs), vec![]));
        let slack = k * 2 * (legs.len() as i128 + 1);
        let diff = scaled.maintenance_margin.get() - k * base.maintenance_margin.get();
        prop_assert!(diff.abs() <= slack, "MM {} vs {} × {}", scaled.maintenance_margin.get(), k, base.maintenance_margin.get());
        let diff = scaled.short_options_mark.get() - k * base.short_options_mark.get();
        prop_assert!(diff.abs() <= slack);
    }

    /// A portfolio plus its mirror image (every leg also held with the opposite sign) has no
    /// scenario loss, no floor, no margin, and equity = cash; and no `price` call is made.
    #[test]
    fn fully_hedged_portfolio_has_zero_loss(m in market(), legs in prop::collection::vec(raw_leg(), 1..8)) {
        let mut hedged = legs.clone();
        hedged.extend(legs.iter().map(|l| (l.0, l.1, l.2, -l.3, l.4)));
        let r = eval(&account(book(&m, &hedged), vec![]));
        prop_assert!(r.underlyings[0].scenario_losses.iter().all(|l| l.get() == 0));
        prop_assert_eq!(r.maintenance_margin.get(), 0);
        prop_assert_eq!(r.initial_margin.get(), 0);
        prop_assert_eq!(r.equity.get(), 1_000_000_000);
        prop_assert_eq!(r.price_calls, 0);
    }

    /// The haircut is non-decreasing in staleness (and capped at 1).
    #[test]
    fn haircut_is_monotonic_in_staleness(base in 0i128..=100, z in 0i128..=500, vol in 0i128..=300,
                                         latency in 0u64..100_000, a in any::<u64>(), b in any::<u64>()) {
        let p = HaircutParams { base: q(base, 100), z: q(z, 100), seize_latency_seconds: latency,
                                max_staleness_seconds: 3600 };
        let (lo, hi) = (a.min(b), a.max(b));
        let (h_lo, h_hi) = (haircut(&p, q(vol, 100), lo).unwrap(), haircut(&p, q(vol, 100), hi).unwrap());
        prop_assert!(h_lo <= h_hi);
        prop_assert!(h_hi <= Fixed::ONE && h_lo >= q(base, 100).min(Fixed::ONE));
    }

    /// Arbitrary raw inputs give a result or an error, never a panic.
    #[test]
    fn arbitrary_inputs_do_not_panic(spot in any::<i128>(), strike in any::<i128>(), t in any::<i128>(),
                                     vol in any::<i128>(), quantity in any::<i128>(), cash in any::<i128>(),
                                     amount in any::<u128>(), decimals in 0u32..40) {
        let leg = Leg { kind: OptionKind::Put, strike: Fixed::from_raw(strike), expiry_years: Fixed::from_raw(t),
                        quantity, contract_size: Fixed::ONE };
        let book = UnderlyingBook { spot: Fixed::from_raw(spot), rate: Fixed::ZERO,
            vols: vec![ExpiryVol { expiry_years: Fixed::from_raw(t), vol: Fixed::from_raw(vol) }], legs: vec![leg] };
        let coll = CollateralItem { amount, initial_amount: amount / 2, decimals, ..linked(1, 0) };
        let _ = evaluate(&Account { cash, underlyings: vec![book], collateral: vec![coll] }, &MarginParams::default());
    }
}
