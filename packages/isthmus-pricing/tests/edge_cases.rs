//! Expiry, zero vol, extreme moneyness and the error paths.

use isthmus_pricing::{
    greeks, implied_vol, price, price_and_delta, BsInputs, Fixed, OptionKind, PricingError, Rounding,
};
use OptionKind::{Call, Put};

fn q(n: i128, d: i128) -> Fixed {
    Fixed::from_ratio(n, d).unwrap()
}

fn base() -> BsInputs {
    BsInputs { spot: q(110, 1), strike: q(100, 1), time_years: q(1, 2), vol: q(1, 2), rate: q(1, 20) }
}

#[test]
fn at_expiry_value_is_intrinsic() {
    let i = BsInputs { time_years: Fixed::ZERO, ..base() };
    assert_eq!(price(&i, Call).unwrap(), q(10, 1));
    assert_eq!(price(&i, Put).unwrap(), Fixed::ZERO);
    let g = greeks(&i, Call).unwrap();
    assert_eq!((g.delta, g.gamma, g.vega), (Fixed::ONE, Fixed::ZERO, Fixed::ZERO));
    let atm = BsInputs { spot: q(100, 1), ..i };
    assert_eq!(price_and_delta(&atm, Call).unwrap(), (Fixed::ZERO, Fixed::HALF));
}

#[test]
fn zero_vol_is_discounted_forward_intrinsic() {
    let i = BsInputs { vol: Fixed::ZERO, ..base() };
    let kdf = q(100, 1).checked_mul(isthmus_pricing::math::exp(q(-1, 40)).unwrap()).unwrap();
    assert_eq!(price(&i, Call).unwrap(), q(110, 1).checked_sub(kdf).unwrap());
    assert_eq!(price(&i, Put).unwrap(), Fixed::ZERO);
    let g = greeks(&i, Call).unwrap();
    // theta of S − K e^(−rT) is −r K e^(−rT)
    assert_eq!(g.theta, q(-1, 20).checked_mul(kdf).unwrap());
}

#[test]
fn deep_itm_and_otm_are_exact_limits() {
    let tiny_vol = BsInputs { vol: q(1, 10_000), time_years: q(1, 8760), ..base() };
    let (c, d) = price_and_delta(&tiny_vol, Call).unwrap();
    assert_eq!(d, Fixed::ONE);
    assert!(c > q(9, 1));
    let otm = BsInputs { spot: q(1, 1), ..tiny_vol };
    assert_eq!(price_and_delta(&otm, Call).unwrap(), (Fixed::ZERO, Fixed::ZERO));
    // huge vol: call → S, put → K e^(−rT)
    let wild = BsInputs { vol: q(400, 1), time_years: q(3, 1), ..base() };
    assert_eq!(price(&wild, Call).unwrap(), q(110, 1));
}

#[test]
fn invalid_inputs_are_errors() {
    let neg = |f: fn(&mut BsInputs)| {
        let mut i = base();
        f(&mut i);
        price(&i, Call).unwrap_err()
    };
    assert!(matches!(neg(|i| i.spot = Fixed::ZERO), PricingError::InvalidInput { field: "spot", .. }));
    assert!(matches!(neg(|i| i.strike = q(-1, 1)), PricingError::InvalidInput { field: "strike", .. }));
    assert!(matches!(neg(|i| i.time_years = q(-1, 1)), PricingError::InvalidInput { field: "time_years", .. }));
    assert!(matches!(neg(|i| i.vol = q(-1, 1)), PricingError::InvalidInput { field: "vol", .. }));
}

#[test]
fn unrepresentable_results_are_errors() {
    // e^(−rT) with rT = −30 exceeds the range
    let i = BsInputs { rate: q(-10, 1), time_years: q(3, 1), ..base() };
    assert!(matches!(price(&i, Put), Err(PricingError::Overflow { .. })));
    // σ²T overflows
    let i = BsInputs { vol: Fixed::from_int(1 << 30).unwrap(), ..base() };
    assert!(matches!(price(&i, Call), Err(PricingError::Overflow { .. })));
}

#[test]
fn implied_vol_errors_outside_no_arbitrage_bounds() {
    let i = base();
    let kdf = q(100, 1).checked_mul(isthmus_pricing::math::exp(q(-1, 40)).unwrap()).unwrap();
    let lower = q(110, 1).checked_sub(kdf).unwrap();
    let below = lower.checked_sub(Fixed::EPSILON).unwrap();
    assert!(matches!(implied_vol(below, &i, Call), Err(PricingError::PriceOutOfBounds { .. })));
    assert!(matches!(implied_vol(q(110, 1), &i, Call), Err(PricingError::PriceOutOfBounds { .. })));
    assert_eq!(implied_vol(lower, &i, Call).unwrap(), Fixed::ZERO);
    // just under S needs a vol far above VOL_MAX
    let near_s = q(110, 1).checked_sub(q(1, 1_000_000_000_000_000)).unwrap();
    assert_eq!(implied_vol(near_s, &i, Call), Err(PricingError::VolTooHigh));
    let expired = BsInputs { time_years: Fixed::ZERO, ..i };
    assert!(matches!(implied_vol(q(10, 1), &expired, Call), Err(PricingError::InvalidInput { .. })));
}

#[test]
fn implied_vol_warm_and_cold_start_agree() {
    let i = base();
    let p = price(&i, Put).unwrap();
    let cold = implied_vol(p, &BsInputs { vol: Fixed::ZERO, ..i }, Put).unwrap();
    let warm = implied_vol(p, &BsInputs { vol: q(3, 1), ..i }, Put).unwrap();
    let d = cold.checked_sub(warm).unwrap().checked_abs().unwrap();
    // the solver stops below 2^-50; prices carry ≈ 1e-18 noise (target: 1e-9)
    assert!(d < q(1, 1_000_000_000_000_000), "{cold} vs {warm}");
    assert!(cold.checked_sub(q(1, 2)).unwrap().checked_abs().unwrap() < q(1, 1_000_000_000_000_000));
}

#[test]
fn engine_style_rounding_in_protocol_favour() {
    // premium for 3 units, paid by the user: round up; payout: round down
    let (p, _) = price_and_delta(&base(), Call).unwrap();
    let pay = p.mul_int(3_000_000, Rounding::Ceil).unwrap();
    let get = p.mul_int(3_000_000, Rounding::Floor).unwrap();
    assert_eq!(pay - get, 1);
}
