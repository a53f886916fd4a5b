//! No-arbitrage properties of the price and Greeks, by proptest. Case count: PROPTEST_CASES
//! (default 256 per property).

use isthmus_pricing::math::exp;
use isthmus_pricing::{greeks, implied_vol, price, BsInputs, Fixed, OptionKind, PricingError};
use proptest::prelude::*;

use OptionKind::{Call, Put};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn q(n: i128, d: i128) -> Fixed {
    Fixed::from_ratio(n, d).unwrap()
}

/// K in [0.01, 1e6], S/K in [0.2, 5], T in [0, 3y] (seconds), vol in [0, 500 %], r in [0, 20 %].
fn inputs() -> impl Strategy<Value = BsInputs> {
    (10i128..1_000_000_000, 200i128..=5_000, 0i128..=94_608_000, 0i128..=50_000, 0i128..=2_000).prop_map(
        |(k_milli, m, secs, vol_bp, r_bp)| {
            let strike = q(k_milli, 1000);
            BsInputs {
                spot: strike.checked_mul(q(m, 1000)).unwrap(),
                strike,
                time_years: q(secs, 31_536_000),
                vol: q(vol_bp, 10_000),
                rate: q(r_bp, 10_000),
            }
        },
    )
}

/// Rounding slack: 1e-16 of the scale of the prices involved (errors are ~3e-18, docs/pricing.md;
/// the target is 1e-12).
fn slack(i: &BsInputs) -> Fixed {
    i.spot.checked_add(i.strike).unwrap().checked_mul(q(1, 10_000_000_000_000_000)).unwrap()
}

fn kdf(i: &BsInputs) -> Fixed {
    let rt = i.rate.checked_mul(i.time_years).unwrap();
    i.strike.checked_mul(exp(rt.checked_neg().unwrap()).unwrap()).unwrap()
}

fn close(a: Fixed, b: Fixed, tol: Fixed) -> bool {
    a.checked_sub(b).unwrap().checked_abs().unwrap() <= tol
}

fn bump(x: Fixed, num: i128, den: i128) -> Fixed {
    x.checked_mul(q(num, den)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn put_call_parity(i in inputs()) {
        let (c, p) = (price(&i, Call).unwrap(), price(&i, Put).unwrap());
        let forward = i.spot.checked_sub(kdf(&i)).unwrap();
        prop_assert!(close(c.checked_sub(p).unwrap(), forward, slack(&i)), "C={c} P={p}");
    }

    #[test]
    fn bounds_hold(i in inputs()) {
        let (c, p) = (price(&i, Call).unwrap(), price(&i, Put).unwrap());
        let intrinsic = i.spot.checked_sub(i.strike).unwrap().max(Fixed::ZERO);
        prop_assert!(intrinsic <= c && c <= i.spot);
        prop_assert!(Fixed::ZERO <= p && p <= kdf(&i));
        prop_assert!(kdf(&i).checked_sub(i.spot).unwrap() <= p);
    }

    #[test]
    fn greeks_have_the_right_sign(i in inputs()) {
        let (c, p) = (greeks(&i, Call).unwrap(), greeks(&i, Put).unwrap());
        prop_assert!(Fixed::ZERO <= c.delta && c.delta <= Fixed::ONE);
        prop_assert!(-Fixed::ONE.to_raw() <= p.delta.to_raw() && p.delta <= Fixed::ZERO);
        prop_assert!(close(c.delta.checked_sub(p.delta).unwrap(), Fixed::ONE, q(1, 1 << 60)));
        prop_assert!(!c.gamma.is_negative() && c.gamma == p.gamma);
        prop_assert!(!c.vega.is_negative() && c.vega == p.vega);
        prop_assert!(!c.theta.is_positive(), "call theta is never positive for r >= 0");
    }

    #[test]
    fn monotone_in_spot_strike_vol(i in inputs()) {
        let tol = slack(&i);
        let up_s = BsInputs { spot: bump(i.spot, 101, 100), ..i };
        let up_k = BsInputs { strike: bump(i.strike, 101, 100), ..i };
        let up_v = BsInputs { vol: i.vol.checked_add(q(1, 100)).unwrap(), ..i };
        let ge = |a: Fixed, b: Fixed| a.checked_add(tol).unwrap() >= b;
        let (c, p) = (price(&i, Call).unwrap(), price(&i, Put).unwrap());
        prop_assert!(ge(price(&up_s, Call).unwrap(), c));
        prop_assert!(ge(p, price(&up_s, Put).unwrap()));
        prop_assert!(ge(c, price(&up_k, Call).unwrap()));
        prop_assert!(ge(price(&up_k, Put).unwrap(), p));
        prop_assert!(ge(price(&up_v, Call).unwrap(), c));
        prop_assert!(ge(price(&up_v, Put).unwrap(), p));
    }

    /// Calls gain value with time when r ≥ 0; puts only when r = 0 (deep ITM European puts can
    /// lose value with time when r > 0).
    #[test]
    fn monotone_in_time(i in inputs()) {
        let tol = slack(&i);
        let later = BsInputs { time_years: i.time_years.checked_add(q(1, 365)).unwrap(), ..i };
        prop_assert!(price(&later, Call).unwrap().checked_add(tol).unwrap() >= price(&i, Call).unwrap());
        let (i0, later0) = (BsInputs { rate: Fixed::ZERO, ..i }, BsInputs { rate: Fixed::ZERO, ..later });
        prop_assert!(price(&later0, Put).unwrap().checked_add(tol).unwrap() >= price(&i0, Put).unwrap());
    }

    /// Price is homogeneous of degree 1 in (S, K): the reference grid's K = 1 loses nothing.
    #[test]
    fn homogeneous_in_spot_and_strike(i in inputs(), lambda in 1i128..1000) {
        let scaled = BsInputs { spot: bump(i.spot, lambda, 1), strike: bump(i.strike, lambda, 1), ..i };
        let want = bump(price(&i, Call).unwrap(), lambda, 1);
        let tol = slack(&scaled).checked_mul(Fixed::from_int(10).unwrap()).unwrap();
        prop_assert!(close(price(&scaled, Call).unwrap(), want, tol));
    }

    #[test]
    fn implied_vol_inverts_price(i in inputs(), kind in prop_oneof![Just(Call), Just(Put)]) {
        prop_assume!(i.time_years.is_positive());
        let g = greeks(&i, kind).unwrap();
        match implied_vol(g.price, &BsInputs { vol: Fixed::ZERO, ..i }, kind) {
            Ok(iv) => {
                // the price is reproduced, whatever vol the solver found
                let again = price(&BsInputs { vol: iv, ..i }, kind).unwrap();
                prop_assert!(close(again, g.price, slack(&i).checked_mul(Fixed::from_int(100).unwrap()).unwrap()));
            }
            // only when the price sits on its lower bound to the last ulp is vol unrecoverable
            Err(PricingError::PriceOutOfBounds { .. }) => prop_assert!(g.vega.to_raw() < 1 << 40),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    /// Arbitrary raw inputs (huge, tiny, negative): an Ok or an Err, never a panic.
    #[test]
    fn never_panics(s: i128, k: i128, t: i128, v: i128, r: i128, p: i128) {
        let i = BsInputs {
            spot: Fixed::from_raw(s), strike: Fixed::from_raw(k), time_years: Fixed::from_raw(t),
            vol: Fixed::from_raw(v), rate: Fixed::from_raw(r),
        };
        for kind in [Call, Put] {
            let _ = greeks(&i, kind);
            let _ = implied_vol(Fixed::from_raw(p), &i, kind);
        }
    }

    /// Moderately large/small magnitudes, mixed: never panics, and a price that is returned
    /// respects its bounds.
    #[test]
    fn extreme_magnitudes_are_ok_or_err(es in -80i32..38, ek in -80i32..38, t in 0i128..1_000_000, v in 0i128..1_000_000_000) {
        let pow2 = |e: i32| Fixed::from_raw(1i128 << (88 + e));
        let i = BsInputs { spot: pow2(es), strike: pow2(ek), time_years: q(t, 1000), vol: q(v, 1000), rate: q(1, 10) };
        if let Ok(c) = price(&i, Call) {
            prop_assert!(!c.is_negative() && c <= i.spot);
        }
        if let Ok(p) = price(&i, Put) {
            prop_assert!(!p.is_negative() && p <= i.strike);
        }
    }
}
