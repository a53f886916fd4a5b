//! Standard normal density φ and distribution Φ.

use crate::error::PricingResult;
use crate::fixed::{Fixed, FRAC_BITS};
use crate::math::exp;
use crate::math::tables::{INV_SQRT_2PI, TAIL_PIECES};

/// Beyond |x| = 40, Q(x) < 1e-349 and φ(x) < 1e-348: both round to 0.
const X_MAX_RAW: i128 = 40 << FRAC_BITS;

/// Everything Black-Scholes needs about one standard normal argument x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NormalParts {
    /// Φ(x)
    pub cdf: Fixed,
    /// Φ(−x) = 1 − Φ(x), computed directly (no cancellation in the tail)
    pub cdf_neg: Fixed,
    /// φ(x)
    pub pdf: Fixed,
}

/// Upper tail and density at once. With a = |x|:
///   Q(a) = 1 − Φ(a) = e^(−a²/2) · G(a),  φ(a) = e^(−a²/2) / √(2π),
/// where G (a scaled Mills ratio, smooth and slowly varying) is a piecewise polynomial fitted
/// by mpmath (`tables::TAIL_PIECES`, relative error < 1e-23). The tail is therefore accurate
/// in *relative* terms, which is what tiny Greeks and deep out-of-the-money prices need.
pub(crate) fn normal_parts(x: Fixed) -> PricingResult<NormalParts> {
    // |MIN| does not fit; it is far in the tail anyway
    let a = x.checked_abs().unwrap_or(Fixed::MAX);
    let (q, pdf) = if a.to_raw() >= X_MAX_RAW {
        (Fixed::ZERO, Fixed::ZERO)
    } else {
        let e = exp(a.checked_mul(a)?.checked_mul(Fixed::HALF)?.checked_neg()?)?;
        let (centre, coeffs) = TAIL_PIECES[piece_index(a)];
        let t = a.checked_sub(Fixed::from_raw(centre))?;
        let mut g = Fixed::ZERO;
        for &c in coeffs {
            g = g.checked_mul(t)?.checked_add(Fixed::from_raw(c))?;
        }
        (e.checked_mul(g)?, e.checked_mul(Fixed::from_raw(INV_SQRT_2PI))?)
    };
    let one_minus_q = Fixed::ONE.checked_sub(q)?;
    let (cdf, cdf_neg) = if x.is_negative() { (q, one_minus_q) } else { (one_minus_q, q) };
    Ok(NormalParts { cdf, cdf_neg, pdf })
}

/// Index into `TAIL_PIECES` for 0 ≤ a < 40: width 1/4 on [0, 8), width 2 on [8, 40).
fn piece_index(a: Fixed) -> usize {
    let raw = a.to_raw();
    if raw < (8 << FRAC_BITS) {
        (raw >> (FRAC_BITS - 2)) as usize
    } else {
        32 + ((raw - (8 << FRAC_BITS)) >> (FRAC_BITS + 1)) as usize
    }
}

/// Standard normal CDF Φ(x) = ½·erfc(−x/√2). Absolute error < 1e-25 (see tests).
pub fn normal_cdf(x: Fixed) -> PricingResult<Fixed> {
    Ok(normal_parts(x)?.cdf)
}

/// Standard normal density φ(x) = e^(−x²/2) / √(2π).
pub fn normal_pdf(x: Fixed) -> PricingResult<Fixed> {
    Ok(normal_parts(x)?.pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetry_and_limits() {
        let x = Fixed::from_ratio(7, 5).unwrap();
        let p = normal_parts(x).unwrap();
        let n = normal_parts(x.checked_neg().unwrap()).unwrap();
        assert_eq!(p.cdf, n.cdf_neg);
        assert_eq!(p.pdf, n.pdf);
        assert_eq!(normal_cdf(Fixed::from_int(50).unwrap()).unwrap(), Fixed::ONE);
        assert_eq!(normal_cdf(Fixed::MIN).unwrap(), Fixed::ZERO);
        assert_eq!(normal_cdf(Fixed::from_int(-1000).unwrap()).unwrap(), Fixed::ZERO);
        assert_eq!(piece_index(Fixed::from_raw(X_MAX_RAW - 1)), TAIL_PIECES.len() - 1);
    }
}
