//! 64-bit kernels: the hot path of the crate works on `u64`/`i64` words, not on 128-bit `Fixed`.
//!
//! wasm32 has a native 64 × 64 → 64-bit multiply and nothing wider: every `u128` product is a
//! call to `__multi3`. So the only wide primitive here is [`mul_wide`], a 64 × 64 → 128-bit
//! product built from four 32-bit partial products (four `i64.mul`, no call), and every kernel
//! is arranged so that each step needs one such product: fixed-point words in Q-formats chosen
//! per step (QN = value · 2^N), a small positive float [`Float`] where the magnitude varies, and
//! no division anywhere (reciprocals come from a Newton iteration for 1/√x).
//!
//! Precision: every kernel is accurate to a few units of 2^-62 relative (≈ 1e-18), which
//! leaves a margin of ≥ 1000 on the targets of docs/pricing.md; `Fixed` (Q88) stays the type of
//! every input and output.

use crate::math::tables::{EXP2_Q62, INV_LN2_64_Q56, LN2_64_Q88, LN2_Q88, LN_NEG_LOG_Q62, LN_RCP_Q63, RSQRT_SEED_Q63};

const MASK32: u64 = 0xffff_ffff;

/// Full product `a · b` from 32-bit limbs: four native `i64.mul`, no `__multi3` call.
#[inline(always)]
pub(crate) fn mul_wide(a: u64, b: u64) -> u128 {
    let (a1, a0) = (a >> 32, a & MASK32);
    let (b1, b0) = (b >> 32, b & MASK32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // middle column: three terms < 2^32 each, the sum fits easily
    let mid = (p00 >> 32) + (p01 & MASK32) + (p10 & MASK32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    let lo = (mid << 32) | (p00 & MASK32);
    ((hi as u128) << 64) | lo as u128
}

/// Signed full product (|a|, |b| ≤ 2^63, so |a · b| ≤ 2^126 fits).
#[inline(always)]
pub(crate) fn mul_wide_s(a: i64, b: i64) -> i128 {
    let p = mul_wide(a.unsigned_abs(), b.unsigned_abs()) as i128;
    if (a ^ b) < 0 {
        -p
    } else {
        p
    }
}

/// `(a · b) >> sh`, signed (floor), for Q-format products.
#[inline(always)]
fn mul_shr_s(a: i64, b: i64, sh: u32) -> i64 {
    (mul_wide_s(a, b) >> sh) as i64
}

/// `(a · b) >> sh`, unsigned.
#[inline(always)]
fn mul_shr(a: u64, b: u64, sh: u32) -> u64 {
    (mul_wide(a, b) >> sh) as u64
}

/// `round(v · 2^s)`, ties up; `None` if the result needs 128 bits or more (`i128` range).
#[inline]
pub(crate) fn shift_round(v: u128, s: i32) -> Option<u128> {
    if s >= 0 {
        if v == 0 {
            return Some(0);
        }
        if s >= 127 || v.leading_zeros() <= s as u32 {
            return None;
        }
        Some(v << s)
    } else {
        let r = (-s) as u32;
        if r > 128 {
            return Some(0);
        }
        let half = if r == 128 { v >> 127 } else { (v >> (r - 1)) & 1 };
        let q = if r == 128 { 0 } else { v >> r };
        Some(q + half)
    }
}

/// A positive float `m · 2^(e − 63)` with `m ∈ [2^63, 2^64)`: 64 significant bits, any
/// magnitude. Used for σ, T, σ²T, 1/(σ√T) and d, where the value can be tiny or large.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Float {
    m: u64,
    e: i32,
}

impl Float {
    /// From a positive raw `Fixed` (Q88), truncating to 64 significant bits.
    #[inline]
    pub(crate) fn from_raw(raw: u128) -> Float {
        debug_assert!(raw > 0);
        let lz = raw.leading_zeros();
        Float { m: ((raw << lz) >> 64) as u64, e: 39 - lz as i32 }
    }

    /// Product, truncated to 64 bits.
    #[inline]
    pub(crate) fn mul(self, o: Float) -> Float {
        let p = mul_wide(self.m, o.m);
        if p >> 127 != 0 {
            Float { m: (p >> 64) as u64, e: self.e + o.e + 1 }
        } else {
            Float { m: (p >> 63) as u64, e: self.e + o.e }
        }
    }

    /// 1/√x: x = M · 2^E with E even and M ∈ [1, 4); Newton y ← y(3 − M y²)/2 from an 8-bit
    /// table seed, three steps (8 → 16 → 32 → 64 bits). Relative error ≈ 2^-61.
    pub(crate) fn rsqrt(self) -> Float {
        let (mq62, exp) = if self.e & 1 == 0 { (self.m >> 1, self.e) } else { (self.m, self.e - 1) };
        let mut y = RSQRT_SEED_Q63[((mq62 >> 56) - 64) as usize]; // Q63, in (0.5, 1]
        for _ in 0..3 {
            let y2 = mul_shr(y, y, 63); // Q63
            let my2 = mul_shr(mq62, y2, 63); // Q62, ≈ 1
            let t = (3u64 << 62).wrapping_sub(my2); // Q62, ≈ 2
            y = mul_shr(y, t, 63); // y·t/2 in Q63
        }
        let lz = y.leading_zeros();
        Float { m: y << lz, e: -(exp >> 1) - lz as i32 }
    }

    /// √x = x · (1/√x).
    pub(crate) fn sqrt(self) -> Float {
        self.mul(self.rsqrt())
    }

    /// True if the value is ≥ 2^k.
    #[inline]
    pub(crate) fn at_least_pow2(self, k: i32) -> bool {
        self.e >= k
    }

    /// The nearest raw `Fixed` (Q88), or `None` if ≥ 2^127 raw (|x| ≥ 2^39).
    #[inline]
    pub(crate) fn to_raw(self) -> Option<i128> {
        shift_round(self.m as u128, self.e + 25).and_then(|r| i128::try_from(r).ok())
    }
}

/// 1/n! as Q62, n = 1..=6 (index n − 1).
const EXP_COEF_Q62: [i64; 6] = {
    let mut out = [0i64; 6];
    let mut fact: i64 = 1;
    let mut n = 1;
    while n <= 6 {
        fact *= n as i64;
        out[n - 1] = ((1i64 << 62) + fact / 2) / fact;
        n += 1;
    }
    out
};

/// e^x for a raw `Fixed` x (Q88) with |x| < 2^11, as `(m, k)`: e^x = m · 2^(k − 62),
/// m ∈ [0.99, 2.02) · 2^62.
///
/// Reduction x = n · ln2/64 + r, |r| ≤ ln2/128 (n from a 64-bit estimate, r exact in i128);
/// e^x = 2^(n >> 6) · 2^((n & 63)/64) · e^r with e^r − 1 from its Taylor series to r^6/6!
/// (truncation < 3e-20). Relative error ≈ 3 · 2^-62.
pub(crate) fn exp_core(x: i128) -> (u64, i32) {
    debug_assert!(x.unsigned_abs() < 1 << 99);
    // n = round(x · 64 / ln 2): Q48 · Q56 = Q104
    let xs = (x >> 40) as i64;
    let n = (((mul_wide_s(xs, INV_LN2_64_Q56) >> 103) + 1) >> 1) as i64;
    // r = x − n · ln2/64, exact: ln2/64 = hi · 2^64 + lo with hi < 2^18, |n| < 2^17
    const HI: u64 = (LN2_64_Q88 >> 64) as u64;
    const LO: u64 = LN2_64_Q88 as u64;
    let na = n.unsigned_abs();
    let step = (((na * HI) as u128) << 64) + mul_wide(na, LO);
    let r = if n < 0 { x + step as i128 } else { x - step as i128 };
    let r64 = (r >> 24) as i64; // Q64, |r| < 0.0055
    let r66 = (r >> 22) as i64; // Q66
    let mut p = EXP_COEF_Q62[5];
    for k in (0..5).rev() {
        p = EXP_COEF_Q62[k] + mul_shr_s(p, r64, 64);
    }
    let q = mul_shr_s(p, r66, 64); // e^r − 1, Q64
    let t = EXP2_Q62[(n & 63) as usize];
    let m = t.wrapping_add(mul_shr_s(t as i64, q, 64) as u64);
    (m, (n >> 6) as i32)
}

/// (−1)^(k+1)/k as Q62, k = 1..=8 (index k − 1).
const LN1P_COEF_Q62: [i64; 8] = {
    let mut out = [0i64; 8];
    let mut k = 1;
    while k <= 8 {
        let v = ((1i64 << 62) + k as i64 / 2) / k as i64;
        out[k - 1] = if k % 2 == 1 { v } else { -v };
        k += 1;
    }
    out
};

/// ln(1 + u) for u in Q70 with |u| ≤ 2^-7, as Q70: u − u²/2 + … − u⁸/8
/// (truncation < |u|⁹/9 ≤ 2^-66, and ≤ 2^-75 for the table path where |u| ≤ 2^-8).
#[inline]
fn ln1p_q70(u: i64) -> i64 {
    let mut p = LN1P_COEF_Q62[7];
    for k in (0..7).rev() {
        p = LN1P_COEF_Q62[k] + mul_shr_s(p, u, 70);
    }
    mul_shr_s(p, u, 62)
}

/// ln x for a positive raw `Fixed` x, as a raw `Fixed` (Q88).
///
/// x = 2^k · m, m ∈ [1, 2) (64-bit mantissa); j = round((m − 1) · 128), R_j ≈ 1/(1 + j/128)
/// (table, j = 0 is exactly 1); ln m = −ln R_j + ln(1 + u) with u = m · R_j − 1, |u| ≤ 2^-8.
/// Absolute error ≈ 2^-62 (+ |k| · 2^-89 from ln 2). ln 1 = 0 and ln 2^k = k · ln 2 exactly.
pub(crate) fn ln_core(raw: u128) -> i128 {
    debug_assert!(raw > 0);
    let lz = raw.leading_zeros();
    let m = ((raw << lz) >> 64) as u64; // Q63
    let k = 39 - lz as i32;
    let j = (((m - (1 << 63)) + (1 << 55)) >> 56) as usize; // 0..=128
    let prod = mul_wide(m, LN_RCP_Q63[j]); // Q126, ≈ 1
    let u = ((prod >> 56) as i128 - (1i128 << 70)) as i64; // Q70
    let ln_m = ((LN_NEG_LOG_Q62[j] as i128) << 26) + ((ln1p_q70(u) as i128) << 18);
    // k · ln 2 without a 128-bit multiply: ln 2 = hi · 2^64 + lo (Q88), |k| ≤ 127
    const HI: u64 = (LN2_Q88 >> 64) as u64;
    const LO: u64 = LN2_Q88 as u64;
    let ka = k.unsigned_abs() as u64;
    let k_ln2 = ((((ka * HI) as u128) << 64) + mul_wide(ka, LO)) as i128;
    if k < 0 {
        ln_m - k_ln2
    } else {
        ln_m + k_ln2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounding_shift_and_float_edges() {
        assert_eq!(shift_round(5, -1), Some(3)); // 2.5 → 3 (ties up)
        assert_eq!(shift_round(u128::MAX, -128), Some(1));
        assert_eq!(shift_round(1, -130), Some(0));
        assert_eq!(shift_round(1, 126), Some(1 << 126));
        assert_eq!(shift_round(1, 127), None);
        let one = Float::from_raw(1 << 88);
        assert_eq!(one.to_raw(), Some(1 << 88));
        // truncating Newton steps land a few units of 2^-62 low
        let close = |f: Float, want: i128| (f.to_raw().unwrap() - want).unsigned_abs() <= 1 << 29;
        assert!(close(one.rsqrt(), 1 << 88));
        assert!(close(Float::from_raw(4 << 88).sqrt(), 2 << 88));
        assert!(close(Float::from_raw(1 << 86).rsqrt(), 2 << 88));
        assert_eq!(exp_core(0), (1 << 62, 0));
        assert_eq!(ln_core(1 << 88), 0);
    }

    proptest! {
        #[test]
        fn mul_wide_is_the_u128_product(a: u64, b: u64) {
            prop_assert_eq!(mul_wide(a, b), a as u128 * b as u128);
        }

        #[test]
        fn mul_wide_s_is_the_i128_product(a: i64, b: i64) {
            prop_assert_eq!(mul_wide_s(a, b), a as i128 * b as i128);
        }

        /// 1/√x · √x · … : (1/√x)² · x = 1 within a few units of 2^-61.
        #[test]
        fn rsqrt_is_accurate(raw in 1u128..(1 << 126)) {
            let x = Float::from_raw(raw);
            let y = x.rsqrt();
            let one = y.mul(y).mul(x).to_raw().unwrap();
            prop_assert!((one - (1 << 88)).unsigned_abs() < 1 << 29, "{one}");
        }
    }
}
