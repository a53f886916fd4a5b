//! Standard normal density φ and distribution Φ.

use crate::error::PricingResult;
use crate::fast::{exp_core, mul_wide, mul_wide_s, shift_round};
use crate::fixed::{Fixed, FRAC_BITS};
use crate::math::tables::{INV_SQRT_2PI_Q64, TAIL_PIECES};

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
/// by mpmath (`tables::TAIL_PIECES`, relative error < 1e-18). The tail is therefore accurate
/// in *relative* terms, which is what tiny Greeks and deep out-of-the-money prices need.
///
/// All in 64-bit words: a as Q58 (truncated, |error| < 3.5e-18), a² exact in 128 bits, the
/// exponential from `fast::exp_core` as m · 2^(k−62), G by Horner in Q(62 + sh), and one
/// 64 × 64 product each for Q and φ, rounded once into Q88.
pub(crate) fn normal_parts(x: Fixed) -> PricingResult<NormalParts> {
    // |MIN| does not fit; it is far in the tail anyway
    let a = x.checked_abs().unwrap_or(Fixed::MAX).to_raw();
    let (q, pdf) = if a >= X_MAX_RAW {
        (Fixed::ZERO, Fixed::ZERO)
    } else {
        let a58 = (a >> (FRAC_BITS - 58)) as u64;
        // −a²/2 as Q88: a² is Q116, halving and rescaling is a shift by 29
        let (m, k) = exp_core(-((mul_wide(a58, a58) >> 29) as i128));
        let (idx, s) = piece(a58);
        let (sh, coeffs) = TAIL_PIECES[idx];
        let mut g = coeffs[0];
        for &c in &coeffs[1..] {
            g = c + (mul_wide_s(g, s) >> 63) as i64;
        }
        // Q = m·2^(k−62) · g·2^−(62+sh); as Q88: (m·g) · 2^(k − 36 − sh)
        let q = shift_round(mul_wide(m, g as u64), k - 36 - sh as i32).unwrap_or(0);
        let pdf = shift_round(mul_wide(m, INV_SQRT_2PI_Q64), k - 38).unwrap_or(0);
        (Fixed::from_raw(q as i128), Fixed::from_raw(pdf as i128))
    };
    let one_minus_q = Fixed::ONE.checked_sub(q)?;
    let (cdf, cdf_neg) = if x.is_negative() { (q, one_minus_q) } else { (one_minus_q, q) };
    Ok(NormalParts { cdf, cdf_neg, pdf })
}

/// Piece of `TAIL_PIECES` holding a (Q58, 0 ≤ a < 40) and s = (a − centre)/half_width as Q63:
/// width 1/4 on [0, 8), width 2 on [8, 40). Both are exact shifts.
#[inline]
fn piece(a58: u64) -> (usize, i64) {
    if a58 < 8 << 58 {
        let i = (a58 >> 56) as usize;
        let centre = ((2 * i as u64) + 1) << 55;
        (i, (a58.wrapping_sub(centre) as i64) << 8)
    } else {
        let i = ((a58 - (8 << 58)) >> 59) as usize;
        let centre = (9 + 2 * i as u64) << 58;
        (32 + i, (a58.wrapping_sub(centre) as i64) << 5)
    }
}

/// Standard normal CDF Φ(x) = ½·erfc(−x/√2). Absolute error ≈ 1e-18 (see tests).
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
        let last = ((X_MAX_RAW - 1) >> (FRAC_BITS - 58)) as u64;
        assert_eq!(piece(last).0, TAIL_PIECES.len() - 1);
        assert_eq!(piece(0), (0, i64::MIN)); // s = −1 at the left end of a piece
        assert_eq!(piece(8 << 58), (32, i64::MIN));
    }
}
