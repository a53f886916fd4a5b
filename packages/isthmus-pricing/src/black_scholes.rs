//! Black-Scholes price and Greeks of European options, in `Fixed`.
//!
//! Units: `spot` and `strike` in quote per unit of underlying (any common unit); `time_years`
//! in years; `vol` and `rate` annualised, as fractions (0.2 = 20 %, continuous compounding).
//! Outputs: price in the unit of spot; delta dimensionless; gamma per unit of spot; vega per
//! 1.00 of vol (divide by 100 for "per vol point"); theta = ∂V/∂t per year of calendar time
//! (negative for a long option in most cases; divide by 365 for per day).

use crate::error::{PricingError, PricingResult};
use crate::fixed::{Fixed, FRAC_BITS};
use crate::math::{exp, ln, sqrt};
use crate::normal::normal_parts;

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionKind {
    Call,
    Put,
}

/// Inputs of one valuation. See the module docs for units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BsInputs {
    /// Spot S > 0.
    pub spot: Fixed,
    /// Strike K > 0.
    pub strike: Fixed,
    /// Time to expiry T ≥ 0, in years. T = 0 values the option at intrinsic.
    pub time_years: Fixed,
    /// Volatility σ ≥ 0, annualised. σ = 0 values the option at discounted forward intrinsic.
    pub vol: Fixed,
    /// Risk-free rate r, annualised, continuously compounded (may be negative).
    pub rate: Fixed,
}

/// Price and the five Greeks of one option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Greeks {
    pub price: Fixed,
    /// ∂V/∂S
    pub delta: Fixed,
    /// ∂²V/∂S²
    pub gamma: Fixed,
    /// ∂V/∂σ per 1.00 of vol
    pub vega: Fixed,
    /// ∂V/∂t per year (= −∂V/∂T)
    pub theta: Fixed,
}

/// Beyond |d| = 40 both Φ(−|d|) and φ(d) are below 1e-348: d is clamped there instead of
/// risking an overflow when σ√T is tiny.
const D_MAX: i128 = 40;

/// The intermediate quantities shared by price and Greeks.
pub(crate) struct State {
    spot: Fixed,
    vol: Fixed,
    rate: Fixed,
    sqrt_t: Fixed,
    /// σ√T
    v: Fixed,
    /// K·e^(−rT)
    kdf: Fixed,
    /// Φ(d1), Φ(−d1), Φ(d2), Φ(−d2), φ(d1). For σ√T = 0 the Φ's are steps (½ at the money)
    /// and φ = 0.
    n1: Fixed,
    n1_neg: Fixed,
    n2: Fixed,
    n2_neg: Fixed,
    pdf1: Fixed,
}

impl State {
    /// d1 = (ln(S/K) + rT + σ²T/2) / (σ√T),  d2 = d1 − σ√T.
    pub(crate) fn new(inputs: &BsInputs) -> PricingResult<State> {
        validate(inputs)?;
        let BsInputs { spot, strike, time_years: t, vol, rate } = *inputs;
        let rt = rate.checked_mul(t)?;
        let kdf = strike.checked_mul(exp(rt.checked_neg()?)?)?;
        let sqrt_t = sqrt(t)?;
        let v = vol.checked_mul(sqrt_t)?;
        let mut s = State {
            spot,
            vol,
            rate,
            sqrt_t,
            v,
            kdf,
            n1: Fixed::ZERO,
            n1_neg: Fixed::ZERO,
            n2: Fixed::ZERO,
            n2_neg: Fixed::ZERO,
            pdf1: Fixed::ZERO,
        };
        if v.is_zero() {
            // zero vol or at expiry: the option is worth its discounted forward intrinsic
            let (n, n_neg) = match spot.cmp(&kdf) {
                core::cmp::Ordering::Greater => (Fixed::ONE, Fixed::ZERO),
                core::cmp::Ordering::Less => (Fixed::ZERO, Fixed::ONE),
                core::cmp::Ordering::Equal => (Fixed::HALF, Fixed::HALF),
            };
            (s.n1, s.n1_neg, s.n2, s.n2_neg) = (n, n_neg, n, n_neg);
            return Ok(s);
        }
        let v2 = v.checked_mul(v)?;
        let num = log_moneyness(spot, strike)?.checked_add(rt)?.checked_add(v2.checked_mul(Fixed::HALF)?)?;
        let (d1, clamped) = clamped_div(num, v)?;
        let d2 = if clamped {
            // d1 − σ√T would start from the clamp, not from the true d1
            clamped_div(num.checked_sub(v2)?, v)?.0
        } else {
            d1.checked_sub(v)?
        };
        let (p1, p2) = (normal_parts(d1)?, normal_parts(d2)?);
        (s.n1, s.n1_neg, s.pdf1) = (p1.cdf, p1.cdf_neg, p1.pdf);
        (s.n2, s.n2_neg) = (p2.cdf, p2.cdf_neg);
        Ok(s)
    }

    /// Call: S·Φ(d1) − K e^(−rT)·Φ(d2); put: K e^(−rT)·Φ(−d2) − S·Φ(−d1). The result is
    /// clamped into the no-arbitrage interval so rounding can never leave it.
    pub(crate) fn price(&self, kind: OptionKind) -> PricingResult<Fixed> {
        let (lower, upper) = self.bounds(kind)?;
        let raw = match kind {
            OptionKind::Call => self.spot.checked_mul(self.n1)?.checked_sub(self.kdf.checked_mul(self.n2)?)?,
            OptionKind::Put => self.kdf.checked_mul(self.n2_neg)?.checked_sub(self.spot.checked_mul(self.n1_neg)?)?,
        };
        Ok(raw.clamp(lower, upper))
    }

    /// `[max(0, S − K e^(−rT)), S]` for a call, `[max(0, K e^(−rT) − S), K e^(−rT)]` for a put.
    pub(crate) fn bounds(&self, kind: OptionKind) -> PricingResult<(Fixed, Fixed)> {
        let forward_intrinsic = self.spot.checked_sub(self.kdf)?;
        Ok(match kind {
            OptionKind::Call => (forward_intrinsic.max(Fixed::ZERO), self.spot),
            OptionKind::Put => (forward_intrinsic.checked_neg()?.max(Fixed::ZERO), self.kdf),
        })
    }

    /// Call Φ(d1); put −Φ(−d1).
    pub(crate) fn delta(&self, kind: OptionKind) -> PricingResult<Fixed> {
        match kind {
            OptionKind::Call => Ok(self.n1),
            OptionKind::Put => self.n1_neg.checked_neg(),
        }
    }

    /// S·φ(d1)·√T.
    pub(crate) fn vega(&self) -> PricingResult<Fixed> {
        self.spot.checked_mul(self.pdf1)?.checked_mul(self.sqrt_t)
    }

    /// φ(d1) / (S σ√T); 0 when σ√T = 0.
    fn gamma(&self) -> PricingResult<Fixed> {
        if self.pdf1.is_zero() {
            return Ok(Fixed::ZERO);
        }
        self.pdf1.checked_div(self.spot)?.checked_div(self.v)
    }

    /// −S φ(d1) σ / (2√T) − r K e^(−rT) Φ(d2) for a call, … + r K e^(−rT) Φ(−d2) for a put.
    fn theta(&self, kind: OptionKind) -> PricingResult<Fixed> {
        let decay = if self.pdf1.is_zero() {
            Fixed::ZERO
        } else {
            self.spot
                .checked_mul(self.pdf1)?
                .checked_mul(self.vol)?
                .checked_div(self.sqrt_t.checked_mul(Fixed::TWO)?)?
        };
        let carry = self.rate.checked_mul(self.kdf)?;
        match kind {
            OptionKind::Call => decay.checked_neg()?.checked_sub(carry.checked_mul(self.n2)?),
            OptionKind::Put => decay.checked_neg()?.checked_add(carry.checked_mul(self.n2_neg)?),
        }
    }
}

/// ln(S/K). Uses one ln of the ratio when S/K is comfortably representable (its rounding error
/// is then < 2^-68 relative), and ln S − ln K otherwise.
fn log_moneyness(spot: Fixed, strike: Fixed) -> PricingResult<Fixed> {
    match spot.checked_div(strike) {
        Ok(ratio) if ratio.to_raw() >= 1 << (FRAC_BITS - 20) => ln(ratio),
        _ => ln(spot)?.checked_sub(ln(strike)?),
    }
}

/// `num / den` for den > 0, clamped to ±D_MAX; the flag says whether it was clamped.
fn clamped_div(num: Fixed, den: Fixed) -> PricingResult<(Fixed, bool)> {
    let limit = den.to_raw().saturating_mul(D_MAX);
    if num.to_raw().unsigned_abs() >= limit.unsigned_abs() {
        let d = Fixed::from_int(D_MAX)?;
        return Ok((if num.is_negative() { d.checked_neg()? } else { d }, true));
    }
    Ok((num.checked_div(den)?, false))
}

fn validate(i: &BsInputs) -> PricingResult<()> {
    let bad = |field, reason| Err(PricingError::InvalidInput { field, reason });
    if !i.spot.is_positive() {
        return bad("spot", "must be > 0");
    }
    if !i.strike.is_positive() {
        return bad("strike", "must be > 0");
    }
    if i.time_years.is_negative() {
        return bad("time_years", "must be >= 0");
    }
    if i.vol.is_negative() {
        return bad("vol", "must be >= 0");
    }
    Ok(())
}

/// Black-Scholes price of a European option (see [`State::price`] for the formula).
pub fn price(inputs: &BsInputs, kind: OptionKind) -> PricingResult<Fixed> {
    State::new(inputs)?.price(kind)
}

/// Price and delta from one evaluation of d1, d2 and the normal CDF.
pub fn price_and_delta(inputs: &BsInputs, kind: OptionKind) -> PricingResult<(Fixed, Fixed)> {
    let s = State::new(inputs)?;
    Ok((s.price(kind)?, s.delta(kind)?))
}

/// Price and all five Greeks (delta, gamma, vega, theta). At expiry or zero vol, gamma and vega
/// are 0, delta is the step 1/0 (½ exactly at the forward) and theta is the carry term.
pub fn greeks(inputs: &BsInputs, kind: OptionKind) -> PricingResult<Greeks> {
    let s = State::new(inputs)?;
    Ok(Greeks {
        price: s.price(kind)?,
        delta: s.delta(kind)?,
        gamma: s.gamma()?,
        vega: s.vega()?,
        theta: s.theta(kind)?,
    })
}
