//! Natural logarithm in fixed point.

use super::tables::{LN2, LN_TABLE};
use crate::error::{PricingError, PricingResult};
use crate::fixed::{Fixed, FRAC_BITS};

/// 2/11, 2/9, 2/7, 2/5, 2/3 as raw `Fixed` (Horner order), rounded to nearest.
const ATANH_COEF: [i128; 5] = {
    let d = [11i128, 9, 7, 5, 3];
    let mut out = [0i128; 5];
    let mut i = 0;
    while i < 5 {
        out[i] = ((2i128 << FRAC_BITS) + d[i] / 2) / d[i];
        i += 1;
    }
    out
};

/// ln x = k·ln 2 + ln c_j + 2·atanh(z), with x = 2^k·m (m ∈ [1, 2)),
/// c_j = 1 + (2j+1)/128 the centre of the 1/64-wide cell holding m, and z = (m − c)/(m + c),
/// |z| ≤ 1/256. atanh z = z + z³/3 + … + z¹¹/11 (truncation < 1e-29).
///
/// Errors with `Domain` for x ≤ 0. Absolute error ≈ |k|·2^-89 + a few ulps.
pub fn ln(x: Fixed) -> PricingResult<Fixed> {
    if x.to_raw() <= 0 {
        return Err(PricingError::Domain { op: "ln" });
    }
    let raw = x.to_raw() as u128;
    let msb = 127 - raw.leading_zeros() as i32;
    let k = msb - FRAC_BITS as i32;
    // m keeps 88 significant bits whichever way it is shifted
    let m_raw = if k >= 0 { raw >> k } else { raw << (-k) } as i128;
    let j = ((m_raw >> (FRAC_BITS - 6)) & 63) as usize;
    let c = Fixed::from_raw((1i128 << FRAC_BITS) + ((2 * j as i128 + 1) << (FRAC_BITS - 7)));
    let m = Fixed::from_raw(m_raw);
    let z = m.checked_sub(c)?.checked_div(m.checked_add(c)?)?;
    let z2 = z.checked_mul(z)?;
    // Horner on 2·(1 + z²/3 + z⁴/5 + …), then times z
    let mut s = Fixed::ZERO;
    for coef in ATANH_COEF {
        s = s.checked_add(Fixed::from_raw(coef))?.checked_mul(z2)?;
    }
    let atanh2 = s.checked_add(Fixed::TWO)?.checked_mul(z)?;
    let k_ln2 = Fixed::from_raw(LN2 * k as i128); // |k| ≤ 127: exact integer product
    k_ln2.checked_add(Fixed::from_raw(LN_TABLE[j]))?.checked_add(atanh2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_points_and_domain() {
        assert!(ln(Fixed::ONE).unwrap().to_raw().abs() <= 2);
        assert!(ln(Fixed::ZERO).is_err());
        assert!(ln(Fixed::from_int(-3).unwrap()).is_err());
        // smallest and largest representable inputs do not fail
        assert!(ln(Fixed::EPSILON).unwrap() < -60);
        assert!(ln(Fixed::MAX).unwrap() > 27);
    }
}
