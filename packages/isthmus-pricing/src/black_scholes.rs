//! Black-Scholes price and Greeks of European options, in `Fixed`.
//!
//! Units: `spot` and `strike` in quote per unit of underlying (any common unit); `time_years`
//! in years; `vol` and `rate` annualised, as fractions (0.2 = 20 %, continuous compounding).
//! Outputs: price in the unit of spot; delta dimensionless; gamma per unit of spot; vega per
//! 1.00 of vol (divide by 100 for "per vol point"); theta = ∂V/∂t per year of calendar time
//! (negative for a long option in most cases; divide by 365 for per day).

use crate::error::{PricingError, PricingResult};
use crate::fast::{ln_core, Float};
use crate::fixed::{overflow, Fixed};
use crate::math::exp;
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

/// The vol-independent quantities: validated inputs, rT, K·e^(−rT) and ln(S/K).
#[derive(Clone, Copy)]
pub(crate) struct Prepared {
    spot: Fixed,
    time: Fixed,
    rate: Fixed,
    rt: Fixed,
    kdf: Fixed,
    log_moneyness: Fixed,
}

impl Prepared {
    #[inline(always)]
    pub(crate) fn new(inputs: &BsInputs) -> PricingResult<Prepared> {
        validate(inputs)?;
        let BsInputs { spot, strike, time_years: time, rate, .. } = *inputs;
        let rt = rate.checked_mul(time)?;
        let kdf = strike.checked_mul(exp(rt.checked_neg()?)?)?;
        Ok(Prepared { spot, time, rate, rt, kdf, log_moneyness: log_moneyness(spot, strike) })
    }
}

/// The intermediate quantities shared by price and Greeks.
pub(crate) struct State {
    spot: Fixed,
    vol: Fixed,
    rate: Fixed,
    time: Fixed,
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
    ///
    /// σ√T and 1/(σ√T) come from one 1/√ of the float σ²T (no division, no square root of a
    /// rounded Q88 value, so tiny σ√T keep 64 significant bits); d1 = num · 1/(σ√T) as floats.
    pub(crate) fn new(inputs: &BsInputs) -> PricingResult<State> {
        State::with_vol(&Prepared::new(inputs)?, inputs.vol)
    }

    /// The vol-dependent part, from the shared [`Prepared`] part (the implied-vol solver calls
    /// this once per iteration).
    #[inline(always)]
    pub(crate) fn with_vol(pre: &Prepared, vol: Fixed) -> PricingResult<State> {
        if vol.is_negative() {
            return Err(PricingError::InvalidInput { field: "vol", reason: "must be >= 0" });
        }
        let Prepared { spot, time: t, rate, rt, kdf, log_moneyness } = *pre;
        let mut s = State {
            spot,
            vol,
            rate,
            time: t,
            v: Fixed::ZERO,
            kdf,
            n1: Fixed::ZERO,
            n1_neg: Fixed::ZERO,
            n2: Fixed::ZERO,
            n2_neg: Fixed::ZERO,
            pdf1: Fixed::ZERO,
        };
        // σ²T, 1/(σ√T) and σ√T as floats; v = 0 if σ√T rounds to 0 in Fixed
        let vv_inv = if vol.is_zero() || t.is_zero() {
            None
        } else {
            let sigma = Float::from_raw(vol.to_raw() as u128);
            let vv = sigma.mul(sigma).mul(Float::from_raw(t.to_raw() as u128));
            let inv_v = vv.rsqrt();
            s.v = Fixed::from_raw(vv.mul(inv_v).to_raw().ok_or(overflow("sigma sqrt(T)"))?);
            Some((vv, inv_v))
        };
        let (vv, inv_v) = match vv_inv {
            Some(x) if !s.v.is_zero() => x,
            _ => {
                // zero vol or at expiry: the option is worth its discounted forward intrinsic
                let (n, n_neg) = match spot.cmp(&kdf) {
                    core::cmp::Ordering::Greater => (Fixed::ONE, Fixed::ZERO),
                    core::cmp::Ordering::Less => (Fixed::ZERO, Fixed::ONE),
                    core::cmp::Ordering::Equal => (Fixed::HALF, Fixed::HALF),
                };
                (s.n1, s.n1_neg, s.n2, s.n2_neg) = (n, n_neg, n, n_neg);
                s.v = Fixed::ZERO;
                return Ok(s);
            }
        };
        let v2 = Fixed::from_raw(vv.to_raw().ok_or(overflow("sigma^2 T"))?);
        let num = log_moneyness.checked_add(rt)?.checked_add(v2.shr_nearest(1))?;
        let (d1, clamped) = clamped_mul(num, inv_v)?;
        let d2 = if clamped {
            // d1 − σ√T would start from the clamp, not from the true d1
            clamped_mul(num.checked_sub(v2)?, inv_v)?.0
        } else {
            d1.checked_sub(s.v)?
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

    /// √T (64-bit kernel, relative error ≈ 2^-61); only the Greeks need it.
    fn sqrt_t(&self) -> PricingResult<Fixed> {
        if self.time.is_zero() {
            return Ok(Fixed::ZERO);
        }
        let r = Float::from_raw(self.time.to_raw() as u128).sqrt().to_raw().ok_or(overflow("sqrt"))?;
        Ok(Fixed::from_raw(r))
    }

    /// S·φ(d1)·√T.
    pub(crate) fn vega(&self) -> PricingResult<Fixed> {
        if self.pdf1.is_zero() {
            return Ok(Fixed::ZERO);
        }
        self.spot.checked_mul(self.pdf1)?.checked_mul(self.sqrt_t()?)
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
                .checked_div(self.sqrt_t()?.checked_mul(Fixed::TWO)?)?
        };
        let carry = self.rate.checked_mul(self.kdf)?;
        match kind {
            OptionKind::Call => decay.checked_neg()?.checked_sub(carry.checked_mul(self.n2)?),
            OptionKind::Put => decay.checked_neg()?.checked_add(carry.checked_mul(self.n2_neg)?),
        }
    }
}

/// ln(S/K) = ln S − ln K (64-bit kernel; absolute error ≈ 2^-61, so d1 is off by ≈ 4e-19/(σ√T)).
/// Both are > 0 (validated), and the difference of two logs of values < 2^39 cannot overflow.
fn log_moneyness(spot: Fixed, strike: Fixed) -> Fixed {
    Fixed::from_raw(ln_core(spot.to_raw() as u128) - ln_core(strike.to_raw() as u128))
}

/// `num · inv_den` (inv_den > 0), clamped to ±D_MAX; the flag says whether it was clamped.
fn clamped_mul(num: Fixed, inv_den: Float) -> PricingResult<(Fixed, bool)> {
    if num.is_zero() {
        return Ok((Fixed::ZERO, false));
    }
    let d = Float::from_raw(num.to_raw().unsigned_abs()).mul(inv_den);
    let limit = Fixed::from_int(D_MAX)?;
    let raw = if d.at_least_pow2(6) { None } else { d.to_raw() };
    let (mag, clamped) = match raw {
        Some(raw) if raw < limit.to_raw() => (Fixed::from_raw(raw), false),
        _ => (limit, true),
    };
    Ok((if num.is_negative() { mag.checked_neg()? } else { mag }, clamped))
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
