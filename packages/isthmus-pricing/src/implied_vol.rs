//! Implied volatility: the σ at which Black-Scholes reproduces a given price.

use crate::black_scholes::{BsInputs, OptionKind, Prepared, State};
use crate::error::{PricingError, PricingResult};
use crate::fast::{ln_core, Float};
use crate::fixed::Fixed;

/// Upper end of the search bracket: 2000 % annualised.
pub const VOL_MAX: Fixed = Fixed::from_raw(20 << crate::fixed::FRAC_BITS);
/// Hard bound on solver iterations (Newton + bisection); typical solves take 4–8.
pub const MAX_ITERATIONS: u32 = 100;
/// After this many iterations only bisection is used, which halves the bracket each step.
const NEWTON_ITERATIONS: u32 = 40;
/// Stop once a step changes σ by less than 2^-50 ≈ 8.9e-16. Prices carry ≈ 1e-18 relative
/// noise (64-bit kernels), so steps much below this would never come; Newton's last step leaves
/// an error of about the square of the previous one.
const VOL_TOLERANCE: Fixed = Fixed::from_raw(1 << 38);

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
    // rT, K e^(−rT) and ln(S/K) do not depend on σ: computed once
    let prepared = Prepared::new(&BsInputs { vol: Fixed::ZERO, ..*inputs })?;
    let at = |vol: Fixed| State::with_vol(&prepared, vol);
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

/// σ − diff / vega, or `None` when vega is 0 or the step is not representable. 1/vega is
/// (1/√vega)² in the 64-bit float (relative error ≈ 2^-60; Newton corrects it), not a division.
fn newton_step(vol: Fixed, diff: Fixed, vega: Fixed) -> Option<Fixed> {
    if !vega.is_positive() {
        return None;
    }
    let r = Float::from_raw(vega.to_raw() as u128).rsqrt();
    let step = Fixed::from_raw(Float::from_raw(diff.to_raw().unsigned_abs()).mul(r.mul(r)).to_raw()?);
    if diff.is_negative() {
        vol.checked_add(step).ok()
    } else {
        vol.checked_sub(step).ok()
    }
}

/// The caller's vol if usable, else σ* = √(2|ln(S/K) + rT|/T), else 0.5.
fn initial_guess(i: &BsInputs) -> PricingResult<Fixed> {
    if i.vol.is_positive() && i.vol < VOL_MAX {
        return Ok(i.vol);
    }
    let log_moneyness = Fixed::from_raw(ln_core(i.spot.to_raw() as u128) - ln_core(i.strike.to_raw() as u128));
    let forward_log = log_moneyness.checked_add(i.rate.checked_mul(i.time_years)?)?.checked_abs()?;
    // √(2|f|/T) = √(2|f|) · 1/√T in the 64-bit float (T > 0 here): no division
    let guess = match forward_log.checked_mul(Fixed::TWO) {
        Ok(x) if x.is_positive() => {
            let t = Float::from_raw(i.time_years.to_raw() as u128);
            Float::from_raw(x.to_raw() as u128).sqrt().mul(t.rsqrt()).to_raw().map(Fixed::from_raw).unwrap_or(VOL_MAX)
        }
        Ok(_) => Fixed::ZERO,
        Err(_) => VOL_MAX,
    };
    // too small a start makes the first Newton step overshoot far to the right
    let floor = Fixed::from_ratio(1, 20)?;
    Ok(guess.clamp(floor, VOL_MAX.checked_mul(Fixed::HALF)?))
}
