//! Square root in fixed point.

use crate::error::{PricingError, PricingResult};
use crate::fixed::{Fixed, FRAC_BITS};
use crate::wide::{div_rem_u256, mul_u128};

/// √x = isqrt(raw · 2^88) in raw units, rounded to nearest.
///
/// The 216-bit radicand's top ≤ 62 bits give a 31-bit start via native u64 Newton; two or
/// three 256/128-bit Newton steps y ← (y + N/y)/2 from above then reach floor(√N).
/// Errors with `Domain` for x < 0.
pub fn sqrt(x: Fixed) -> PricingResult<Fixed> {
    let raw = x.to_raw();
    if raw < 0 {
        return Err(PricingError::Domain { op: "sqrt" });
    }
    if raw == 0 {
        return Ok(Fixed::ZERO);
    }
    let raw = raw as u128;
    let (hi, lo) = (raw >> (128 - FRAC_BITS), raw << FRAC_BITS);
    let bits = if hi != 0 { 256 - hi.leading_zeros() } else { 128 - lo.leading_zeros() };
    let sh = bits.saturating_sub(62).next_multiple_of(2);
    let top = shr256(hi, lo, sh) as u64;
    // upper bound: √N < √((top + 1)·2^sh) ≤ (isqrt(top) + 1)·2^(sh/2)
    let mut y = ((isqrt_u64(top) as u128) + 1) << (sh / 2);
    for _ in 0..8 {
        let (q, _) = div_rem_u256(hi, lo, y).ok_or(PricingError::Overflow { op: "sqrt" })?;
        let next = (y + q) >> 1;
        if next >= y {
            break;
        }
        y = next;
    }
    // round to nearest: (y + 1/2)² ≤ N  ⇔  y² + y < N
    let (sh_, sl) = mul_u128(y, y);
    let (sl, carry) = sl.overflowing_add(y);
    let sh_ = sh_ + carry as u128;
    if (sh_, sl) < (hi, lo) {
        y += 1;
    }
    Ok(Fixed::from_raw(y as i128)) // y < 2^108
}

fn shr256(hi: u128, lo: u128, s: u32) -> u128 {
    match s {
        0 => lo,
        1..=127 => (hi << (128 - s)) | (lo >> s),
        _ => hi >> (s - 128),
    }
}

/// floor(√v) by Newton's method from above, in native 64-bit arithmetic.
fn isqrt_u64(v: u64) -> u64 {
    if v < 2 {
        return v;
    }
    let mut x = 1u64 << (64 - v.leading_zeros()).div_ceil(2);
    loop {
        let y = (x + v / x) >> 1;
        if y >= x {
            return x;
        }
        x = y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_squares_and_limits() {
        for n in [1i128, 4, 9, 144, 1 << 38] {
            let s = sqrt(Fixed::from_int(n).unwrap()).unwrap();
            assert_eq!(s.checked_mul(s).unwrap(), Fixed::from_int(n).unwrap());
        }
        assert_eq!(sqrt(Fixed::from_ratio(1, 4).unwrap()).unwrap(), Fixed::HALF);
        assert!(sqrt(Fixed::from_int(-1).unwrap()).is_err());
        assert!(sqrt(Fixed::MAX).is_ok());
        assert!(sqrt(Fixed::EPSILON).unwrap().to_raw() > 0);
        for v in [2u64, 3, 15, 16, 17, u64::MAX] {
            let r = isqrt_u64(v) as u128;
            assert!(r * r <= v as u128 && (r + 1) * (r + 1) > v as u128);
        }
    }
}
