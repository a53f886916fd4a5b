//! e^x in fixed point.

use super::tables::{EXP2_TABLE, LN2, LOG2E};
use super::INV_FACTORIAL;
use crate::error::PricingResult;
use crate::fixed::{Fixed, FRAC_BITS};

/// Below this e^x < 2^-89 (half an ulp), so the rounded result is 0.
const EXP_MIN_RAW: i128 = -(62i128 << FRAC_BITS);
/// Bits of the fraction of y used to index `EXP2_TABLE` (64 entries).
const TABLE_BITS: u32 = 6;

/// e^x = 2^k · 2^(j/64) · e^t, where y = x·log2(e) = k + j/64 + g (k integer,
/// 0 ≤ g < 1/64) and t = g·ln 2 ∈ [0, 0.0109). e^t comes from its Taylor series to t^11/11!
/// (truncation < 1e-29). Relative error ≈ |x|·2^-88 from rounding log2(e).
///
/// Errors with `Overflow` when e^x ≥ 2^39; returns 0 when e^x rounds to 0 (x < −62).
pub fn exp(x: Fixed) -> PricingResult<Fixed> {
    if x.to_raw() < EXP_MIN_RAW {
        return Ok(Fixed::ZERO);
    }
    let y = x.checked_mul(Fixed::from_raw(LOG2E))?.to_raw();
    let k = y >> FRAC_BITS; // floor, so the fraction below is in [0, 1)
    let frac = y & ((1i128 << FRAC_BITS) - 1);
    let j = (frac >> (FRAC_BITS - TABLE_BITS)) as usize;
    let g = Fixed::from_raw(frac & ((1i128 << (FRAC_BITS - TABLE_BITS)) - 1));
    let t = g.checked_mul(Fixed::from_raw(LN2))?;
    // Horner: Σ t^n / n!, n = 0..=11
    let mut p = Fixed::from_raw(INV_FACTORIAL[11]);
    for n in (0..11).rev() {
        p = p.checked_mul(t)?.checked_add(Fixed::from_raw(INV_FACTORIAL[n]))?;
    }
    let m = p.checked_mul(Fixed::from_raw(EXP2_TABLE[j]))?; // in [1, 2)
    let result = if k >= 0 { m.shl(k as u32)? } else { m.shr_nearest((-k).min(127) as u32) };
    // keep e^x ≤ 1 for x ≤ 0 despite rounding (discount factors must not exceed 1)
    if x.to_raw() <= 0 && result > Fixed::ONE {
        return Ok(Fixed::ONE);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_points_and_limits() {
        assert_eq!(exp(Fixed::ZERO).unwrap(), Fixed::ONE);
        assert_eq!(exp(Fixed::from_int(-70).unwrap()).unwrap(), Fixed::ZERO);
        assert!(exp(Fixed::from_int(28).unwrap()).is_err());
        assert!(exp(Fixed::MAX).is_err());
        assert_eq!(exp(Fixed::MIN).unwrap(), Fixed::ZERO);
        // e^26 ≈ 1.957e11 still fits
        assert!(exp(Fixed::from_int(26).unwrap()).unwrap() > 195_000_000_000);
    }
}
