//! Implied volatility: the σ at which Black-Scholes reproduces a given price.

use crate::black_scholes::{BsInputs, OptionKind, State};
use crate::error::{PricingError, PricingResult};
use crate::fixed::Fixed;
use crate::math::{ln, sqrt};

/// Upper end of the search bracket: 2000 % annualised.
pub const VOL_MAX: Fixed = Fixed::from_raw(20 << crate::fixed::FRAC_BITS);
/// Hard bound on solver iterations (Newton + bisection); typical solves take 4–8.
pub const MAX_ITERATIONS: u32 = 100;
/// After this many iterations only bisection is used, which halves the bracket each step.
const NEWTON_ITERATIONS: u32 = 40;
/// Stop once a step changes σ by less than 2^-70 ≈ 8.5e-22.
const VOL_TOLERANCE: Fixed = Fixed::from_raw(1 << 18);

/// Solves price(σ) = `target` for σ ∈ [0, VOL_MAX], using `inputs` for S, K, T and r.
/// `inputs.vol`, if in (0, VOL_MAX), is the starting point (e.g. the previous mark);
/// otherwise the start is the inflection point σ* = √(2·|ln(S/K) + rT| / T) from which
/// Newton converges monotonically (Manaster & Koehler, 1982).
///
/// Newton steps σ ← σ − (price(σ) − target)/vega(σ) are kept inside a bracket [lo, hi] that
/// shrinks with every evaluation (price is increasing in σ); a step leaving it, or any step
/// after `NEWTON_ITERATIONS`, is replaced by bisection. Terminates within `MAX_ITERATIONS`.
///
/// Errors: `PriceOutOfBounds` if `target` is outside [forward intrinsic, upper bound)
/// (upper bound S for a call, K e^(−rT) for a put); `VolTooHigh` if it needs σ > VOL_MAX;
/// `InvalidInput` for T = 0 (the price no longer depends on σ). A target exactly at the lower
/// bound returns 0.
pub fn implied_vol(target: Fixed, inputs: &BsInputs, kind: OptionKind) -> PricingResult<Fixed> {
    if !inputs.time_years.is_positive() {
        return Err(PricingError::InvalidInput { field: "time_years", reason: "implied vol needs T > 0" });
    }
    let at = |vol: Fixed| State::new(&BsInputs { vol, ..*inputs });
    let top = at(VOL_MAX)?;
    let (lower, upper) = top.bounds(kind)?;
    if target < lower || target >= upper {
        return Err(PricingError::PriceOutOfBounds { lower: lower.to_raw(), upper: upper.to_raw() });
    }
    if target == lower {
        return Ok(Fixed::ZERO);
    }
    if target > top.price(kind)? {
        return Err(PricingError::VolTooHigh);
    }
    let (mut lo, mut hi) = (Fixed::ZERO, VOL_MAX);
    let mut vol = initial_guess(inputs)?;
    for iteration in 0..MAX_ITERATIONS {
        let state = at(vol)?;
        let diff = state.price(kind)?.checked_sub(target)?;
        if diff.is_zero() {
            return Ok(vol);
        }
        if diff.is_positive() {
            hi = vol
        } else {
            lo = vol
        }
        let mid = lo.checked_add(hi)?.checked_mul(Fixed::HALF)?;
        let next = match newton_step(vol, diff, state.vega()?) {
            Some(n) if iteration < NEWTON_ITERATIONS && n > lo && n < hi => n,
            _ => mid,
        };
        if next.checked_sub(vol)?.checked_abs()? <= VOL_TOLERANCE || hi.checked_sub(lo)? <= VOL_TOLERANCE {
            return Ok(next);
        }
        vol = next;
    }
    Ok(vol)
}

/// σ − diff / vega, or `None` when vega is 0 or the step is not representable.
fn newton_step(vol: Fixed, diff: Fixed, vega: Fixed) -> Option<Fixed> {
    if !vega.is_positive() {
        return None;
    }
    vol.checked_sub(diff.checked_div(vega).ok()?).ok()
}

/// The caller's vol if usable, else σ* = √(2|ln(S/K) + rT|/T), else 0.5.
fn initial_guess(i: &BsInputs) -> PricingResult<Fixed> {
    if i.vol.is_positive() && i.vol < VOL_MAX {
        return Ok(i.vol);
    }
    let forward_log =
        ln(i.spot)?.checked_sub(ln(i.strike)?)?.checked_add(i.rate.checked_mul(i.time_years)?)?.checked_abs()?;
    let guess =
        forward_log.checked_mul(Fixed::TWO).and_then(|x| x.checked_div(i.time_years)).and_then(sqrt).unwrap_or(VOL_MAX);
    // too small a start makes the first Newton step overshoot far to the right
    let floor = Fixed::from_ratio(1, 20)?;
    Ok(guess.clamp(floor, VOL_MAX.checked_mul(Fixed::HALF)?))
}
