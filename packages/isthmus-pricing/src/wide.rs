//! 256-bit helpers for `Fixed`: widening multiply and 256-by-128-bit division.
//!
//! Written by hand (no big-integer dependency) because the products of two 2^88-scaled
//! numbers need up to 254 bits before they are scaled back.

use crate::fast::mul_wide;

const MASK64: u128 = (1u128 << 64) - 1;

/// Full product `a * b` as `(hi, lo)` 128-bit halves (schoolbook on 64-bit limbs, each limb
/// product by `fast::mul_wide`, i.e. native 64-bit multiplies instead of `__multi3` calls).
pub(crate) fn mul_u128(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = ((a >> 64) as u64, a as u64);
    let (b1, b0) = ((b >> 64) as u64, b as u64);
    let p00 = mul_wide(a0, b0);
    let p01 = mul_wide(a0, b1);
    let p10 = mul_wide(a1, b0);
    let p11 = mul_wide(a1, b1);
    // middle column: carries can reach 2 bits, so sum in pieces
    let mid = (p00 >> 64) + (p01 & MASK64) + (p10 & MASK64);
    let lo = (p00 & MASK64) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// `(hi:lo) / d` and the remainder. `None` if `d == 0` or the quotient needs more than 128
/// bits (`hi >= d`).
pub(crate) fn div_rem_u256(hi: u128, lo: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 || hi >= d {
        return None;
    }
    if hi == 0 {
        return Some((lo / d, lo % d));
    }
    if d >> 64 == 0 {
        // Two 128/64 steps in base 2^64; hi < d < 2^64 keeps every partial dividend in range.
        let n1 = (hi << 64) | (lo >> 64);
        let (q1, r1) = (n1 / d, n1 % d);
        let n0 = (r1 << 64) | (lo & MASK64);
        let (q0, r0) = (n0 / d, n0 % d);
        return Some(((q1 << 64) | q0, r0));
    }
    // Knuth algorithm D with 64-bit digits: normalise so the divisor's top bit is set.
    let s = d.leading_zeros();
    let d = d << s;
    let (hi, lo) = if s == 0 { (hi, lo) } else { ((hi << s) | (lo >> (128 - s)), lo << s) };
    let (q1, r) = div_3by2(hi, (lo >> 64) as u64, d);
    let (q0, r) = div_3by2(r, lo as u64, d);
    Some((((q1 as u128) << 64) | q0 as u128, r >> s))
}

/// Divides the 192-bit `u * 2^64 + u0` by a normalised 128-bit `d` (top bit set), `u < d`.
/// The quotient fits in 64 bits. With a two-digit divisor Knuth's refinement makes the
/// estimate exact, so the remainder can be computed modulo 2^128.
fn div_3by2(u: u128, u0: u64, d: u128) -> (u64, u128) {
    let d1 = d >> 64;
    let d0 = d & MASK64;
    let u2 = u >> 64;
    let (mut qhat, mut rhat) = if u2 >= d1 {
        // u2 == d1: the estimate saturates at b - 1
        (MASK64, u - MASK64 * d1)
    } else {
        (u / d1, u % d1)
    };
    while rhat <= MASK64 && qhat * d0 > ((rhat << 64) | u0 as u128) {
        qhat -= 1;
        rhat += d1;
    }
    let num = (u << 64) | u0 as u128; // modulo 2^128
    let r = num.wrapping_sub(qhat.wrapping_mul(d));
    (qhat as u64, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bit-by-bit long division: slow, obviously correct.
    fn slow_div(hi: u128, lo: u128, d: u128) -> (u128, u128) {
        let mut r: u128 = 0;
        let mut q: u128 = 0;
        for i in (0..256).rev() {
            let bit = if i >= 128 { (hi >> (i - 128)) & 1 } else { (lo >> i) & 1 };
            let carry = r >> 127;
            r = (r << 1) | bit;
            q <<= 1;
            if carry == 1 || r >= d {
                r = r.wrapping_sub(d);
                q |= 1;
            }
        }
        (q, r)
    }

    fn cfg() -> ProptestConfig {
        ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000))
    }

    proptest! {
        #![proptest_config(cfg())]
        #[test]
        fn division_matches_long_division(d in 1u128.., hi_seed: u128, lo: u128, shift in 0u32..128) {
            let d = d >> shift.min(127);
            prop_assume!(d > 0);
            let hi = hi_seed % d;
            let (q, r) = div_rem_u256(hi, lo, d).unwrap();
            prop_assert_eq!((q, r), slow_div(hi, lo, d));
        }

        #[test]
        fn multiply_then_divide_round_trips(a: u128, b in 1u128..) {
            let (hi, lo) = mul_u128(a, b);
            prop_assert_eq!(div_rem_u256(hi, lo, b), Some((a, 0)));
        }
    }
}
