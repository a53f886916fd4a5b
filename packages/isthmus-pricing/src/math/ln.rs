//! Natural logarithm in fixed point.

use crate::error::{PricingError, PricingResult};
use crate::fast::ln_core;
use crate::fixed::Fixed;

/// ln x, from the 64-bit kernel `fast::ln_core`: x = 2^k·m, ln m = −ln R_j + ln(1 + u) with
/// R_j ≈ 1/(1 + j/128) from a table and |u| = |m·R_j − 1| ≤ 2^-8 (series to u⁸).
/// Absolute error ≈ 1e-19 (docs/pricing.md); ln 1 = 0 exactly.
///
/// Errors with `Domain` for x ≤ 0.
pub fn ln(x: Fixed) -> PricingResult<Fixed> {
    if x.to_raw() <= 0 {
        return Err(PricingError::Domain { op: "ln" });
    }
    Ok(Fixed::from_raw(ln_core(x.to_raw() as u128)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_points_and_domain() {
        assert_eq!(ln(Fixed::ONE).unwrap(), Fixed::ZERO);
        assert_eq!(ln(Fixed::TWO).unwrap().to_raw(), crate::math::tables::LN2_Q88);
        assert!(ln(Fixed::ZERO).is_err());
        assert!(ln(Fixed::from_int(-3).unwrap()).is_err());
        // smallest and largest representable inputs do not fail
        assert!(ln(Fixed::EPSILON).unwrap() < -60);
        assert!(ln(Fixed::MAX).unwrap() > 27);
    }
}
