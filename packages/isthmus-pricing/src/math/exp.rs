//! e^x in fixed point.

use crate::error::PricingResult;
use crate::fast::{exp_core, shift_round};
use crate::fixed::{overflow, Fixed, FRAC_BITS};

/// Below this e^x < 2^-89 (half an ulp), so the rounded result is 0.
const EXP_MIN_RAW: i128 = -(62i128 << FRAC_BITS);
/// At or above this e^x ≥ 2^39 certainly overflows (e^27.1 > 2^39 ≈ e^27.03).
const EXP_MAX_RAW: i128 = 28i128 << FRAC_BITS;

/// e^x, from the 64-bit kernel `fast::exp_core` (x = n·ln2/64 + r, table of 2^(j/64), Taylor
/// of e^r to r^6). Relative error ≈ 1e-18 (docs/pricing.md); e^0 = 1 exactly.
///
/// Errors with `Overflow` when e^x ≥ 2^39; returns 0 when e^x rounds to 0 (x < −62).
pub fn exp(x: Fixed) -> PricingResult<Fixed> {
    let raw = x.to_raw();
    if raw < EXP_MIN_RAW {
        return Ok(Fixed::ZERO);
    }
    if raw >= EXP_MAX_RAW {
        return Err(overflow("exp"));
    }
    let (m, k) = exp_core(raw);
    // e^x = m · 2^(k − 62), as Q88: m · 2^(k + 26)
    let result = shift_round(m as u128, k + 26)
        .and_then(|r| i128::try_from(r).ok())
        .map(Fixed::from_raw)
        .ok_or(overflow("exp"))?;
    // keep e^x ≤ 1 for x ≤ 0 despite rounding (discount factors must not exceed 1)
    if raw <= 0 && result > Fixed::ONE {
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
        assert!(exp(Fixed::from_raw((27i128 << 88) + (1 << 84))).is_err()); // e^27.0625 > 2^39 = e^27.0327
        assert!(exp(Fixed::MAX).is_err());
        assert_eq!(exp(Fixed::MIN).unwrap(), Fixed::ZERO);
        // e^26 ≈ 1.957e11 still fits
        assert!(exp(Fixed::from_int(26).unwrap()).unwrap() > 195_000_000_000);
        assert!(exp(Fixed::from_int(27).unwrap()).unwrap() > 532_000_000_000);
    }
}
