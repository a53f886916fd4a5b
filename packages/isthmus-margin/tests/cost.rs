//! Cost of one evaluation, counted in Black-Scholes `price` calls (the dominant cost: everything
//! else is a few multiplications per series and scenario). Run with `--nocapture` to see the
//! wall-clock time of a 16-leg evaluation on this machine (`--release` for a realistic figure).

use std::time::Instant;

use isthmus_margin::{evaluate, Account, ExpiryVol, Fixed, Leg, MarginParams, OptionKind, UnderlyingBook};

fn q(n: i128, d: i128) -> Fixed {
    Fixed::from_ratio(n, d).unwrap()
}

/// 16 legs on 2 expiries: strikes 2400..3750 step 90, alternating call/put and long/short.
/// With `pair_up`, legs come in call/put pairs at 8 strikes (8 nodes), else 16 distinct strikes.
fn sixteen_legs(pair_up: bool) -> Account {
    let expiries = [q(7, 365), q(30, 365)];
    let legs = (0..16)
        .map(|i: i128| Leg {
            kind: if i % 2 == 0 { OptionKind::Call } else { OptionKind::Put },
            strike: Fixed::from_int(2400 + 90 * if pair_up { i / 2 } else { i }).unwrap(),
            expiry_years: expiries[(i % 4 / 2) as usize],
            quantity: if i % 3 == 0 { 5 } else { -3 },
            contract_size: Fixed::ONE,
        })
        .collect();
    Account {
        cash: 50_000_000_000,
        underlyings: vec![UnderlyingBook {
            spot: Fixed::from_int(3000).unwrap(),
            rate: q(5, 100),
            vols: expiries.iter().map(|&e| ExpiryVol { expiry_years: e, vol: q(65, 100) }).collect(),
            legs,
        }],
        collateral: vec![],
    }
}

#[test]
fn sixteen_leg_evaluation_price_calls() {
    let params = MarginParams::default(); // 9 spot moves × 3 vol shocks = 27 scenarios
    for (pair_up, nodes) in [(false, 16u32), (true, 8)] {
        let account = sixteen_legs(pair_up);
        let start = Instant::now();
        let r = evaluate(&account, &params).unwrap();
        let elapsed = start.elapsed();
        // one price per (strike, expiry) node and scenario; the base scenario is today's mark
        assert_eq!(r.price_calls, nodes * 27);
        assert!(r.maintenance_margin.get() > 0 && r.initial_margin.get() > r.maintenance_margin.get());
        eprintln!("16 legs, {nodes} nodes: {} price calls, {elapsed:?}", r.price_calls);
    }
}
