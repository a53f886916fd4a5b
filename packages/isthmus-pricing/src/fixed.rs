//! `Fixed`: signed binary fixed point, `value = raw / 2^88`, stored in an `i128`.
//!
//! * Range: |x| < 2^39 ≈ 5.5e11. Resolution: 2^-88 ≈ 3.2e-27.
//! * Why binary and why 88 bits: scaling back after a product is a shift instead of a
//!   256-bit division by 10^n (the expensive part on wasm), and 27 decimal digits after the
//!   point keep tiny Greeks (gamma/vega ≈ 1e-8, formed by dividing tails by small σ√T) at
//!   better than 1e-15 relative. 18 decimals would not.
//! * Every operation is checked and returns `PricingResult`; nothing wraps or panics.
//! * Rounding: `mul`/`div` round to nearest (ties away from zero); the `*_rounded` variants
//!   and the integer conversions take an explicit [`Rounding`] so callers can round in the
//!   protocol's favour.

use core::cmp::Ordering;
use core::fmt;

use crate::error::{PricingError, PricingResult};
use crate::wide::{div_rem_u256, mul_u128};

/// Number of fractional bits.
pub const FRAC_BITS: u32 = 88;
const FRAC_MASK: u128 = (1u128 << FRAC_BITS) - 1;
const HALF_ULP: u128 = 1u128 << (FRAC_BITS - 1);

/// Rounding direction of a conversion or of a `*_rounded` operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Towards −∞.
    Floor,
    /// Towards +∞.
    Ceil,
    /// To nearest, ties away from zero.
    Nearest,
}

/// Signed fixed-point number `raw / 2^88`. See the module docs for range and rounding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed(i128);

impl Fixed {
    pub const ZERO: Fixed = Fixed(0);
    pub const ONE: Fixed = Fixed(1 << FRAC_BITS);
    pub const TWO: Fixed = Fixed(2 << FRAC_BITS);
    pub const HALF: Fixed = Fixed(1 << (FRAC_BITS - 1));
    /// Smallest positive value, 2^-88.
    pub const EPSILON: Fixed = Fixed(1);
    pub const MAX: Fixed = Fixed(i128::MAX);
    pub const MIN: Fixed = Fixed(i128::MIN);

    /// From the raw representation (`value * 2^88`).
    pub const fn from_raw(raw: i128) -> Self {
        Fixed(raw)
    }

    /// The raw representation (`value * 2^88`).
    pub const fn to_raw(self) -> i128 {
        self.0
    }

    /// The integer `n`; errors if |n| ≥ 2^39.
    pub fn from_int(n: i128) -> PricingResult<Self> {
        let raw = n.checked_mul(1 << FRAC_BITS).ok_or(overflow("from_int"))?;
        Ok(Fixed(raw))
    }

    /// `num / den` rounded to nearest.
    pub fn from_ratio(num: i128, den: i128) -> PricingResult<Self> {
        Self::from_ratio_rounded(num, den, Rounding::Nearest)
    }

    /// `num / den` with an explicit rounding direction (e.g. a `Uint128` price ratio).
    pub fn from_ratio_rounded(num: i128, den: i128, mode: Rounding) -> PricingResult<Self> {
        Fixed(num).div_rounded(Fixed(den), mode)
    }

    /// Integer part with the given rounding (floor, ceil or nearest).
    pub fn to_int(self, mode: Rounding) -> i128 {
        let floor = self.0 >> FRAC_BITS; // arithmetic shift floors
        let frac = (self.0 as u128) & FRAC_MASK;
        let up = match mode {
            Rounding::Floor => false,
            Rounding::Ceil => frac != 0,
            Rounding::Nearest => frac > HALF_ULP || (frac == HALF_ULP && floor >= 0),
        };
        floor + up as i128 // cannot overflow: floor < 2^39
    }

    /// `self * n` rounded to an integer: the amount of base units owed for `n` units at price
    /// `self`. Use `Rounding::Ceil` for what users pay, `Floor` for what they receive.
    pub fn mul_int(self, n: i128, mode: Rounding) -> PricingResult<i128> {
        mul_shift(self.0, n, mode).ok_or(overflow("mul_int"))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, rhs: Fixed) -> PricingResult<Fixed> {
        self.0.checked_add(rhs.0).map(Fixed).ok_or(overflow("add"))
    }

    pub fn checked_sub(self, rhs: Fixed) -> PricingResult<Fixed> {
        self.0.checked_sub(rhs.0).map(Fixed).ok_or(overflow("sub"))
    }

    pub fn checked_neg(self) -> PricingResult<Fixed> {
        self.0.checked_neg().map(Fixed).ok_or(overflow("neg"))
    }

    pub fn checked_abs(self) -> PricingResult<Fixed> {
        self.0.checked_abs().map(Fixed).ok_or(overflow("abs"))
    }

    /// `self * rhs`, rounded to nearest.
    pub fn checked_mul(self, rhs: Fixed) -> PricingResult<Fixed> {
        self.mul_rounded(rhs, Rounding::Nearest)
    }

    /// `self * rhs` with explicit rounding: the 256-bit product shifted right by 88.
    pub fn mul_rounded(self, rhs: Fixed, mode: Rounding) -> PricingResult<Fixed> {
        let shifted = mul_shift(self.0, rhs.0, mode).ok_or(overflow("mul"))?;
        Ok(Fixed(shifted))
    }

    /// `self / rhs`, rounded to nearest.
    pub fn checked_div(self, rhs: Fixed) -> PricingResult<Fixed> {
        self.div_rounded(rhs, Rounding::Nearest)
    }

    /// `self / rhs` with explicit rounding: `(self.raw << 88) / rhs.raw` in 256 bits.
    pub fn div_rounded(self, rhs: Fixed, mode: Rounding) -> PricingResult<Fixed> {
        if rhs.0 == 0 {
            return Err(PricingError::DivisionByZero { op: "div" });
        }
        let negative = (self.0 < 0) != (rhs.0 < 0);
        let (a, d) = (self.0.unsigned_abs(), rhs.0.unsigned_abs());
        let (hi, lo) = (a >> (128 - FRAC_BITS), a << FRAC_BITS);
        let (q, r) = div_rem_u256(hi, lo, d).ok_or(overflow("div"))?;
        let inexact = r != 0;
        let half_or_more = r >= d - r;
        apply_sign(round_magnitude(q, inexact, half_or_more, negative, mode), negative)
            .map(Fixed)
            .ok_or(overflow("div"))
    }

    /// `self / 2^k` for `k ≥ 0`, rounded to nearest.
    pub(crate) fn shr_nearest(self, k: u32) -> Fixed {
        if k == 0 {
            return self;
        }
        if k >= 127 {
            return Fixed::ZERO;
        }
        let mag = self.0.unsigned_abs();
        let q = (mag >> k) + ((mag >> (k - 1)) & 1); // no overflow: mag ≤ 2^127
        Fixed(if self.0 < 0 { -(q as i128) } else { q as i128 })
    }
}

/// `(a * b) >> 88` with rounding, or `None` on overflow.
fn mul_shift(a: i128, b: i128, mode: Rounding) -> Option<i128> {
    let negative = (a < 0) != (b < 0);
    let (hi, lo) = mul_u128(a.unsigned_abs(), b.unsigned_abs());
    if hi >> FRAC_BITS != 0 {
        return None;
    }
    let q = (hi << (128 - FRAC_BITS)) | (lo >> FRAC_BITS);
    let rem = lo & FRAC_MASK;
    apply_sign(round_magnitude(q, rem != 0, rem >= HALF_ULP, negative, mode), negative)
}

/// Rounds a magnitude whose exact value is `q + frac` (0 ≤ frac < 1), given the sign.
fn round_magnitude(q: u128, inexact: bool, half_or_more: bool, negative: bool, mode: Rounding) -> Option<u128> {
    let up = match mode {
        // floor of a negative number moves the magnitude up
        Rounding::Floor => inexact && negative,
        Rounding::Ceil => inexact && !negative,
        Rounding::Nearest => inexact && half_or_more,
    };
    q.checked_add(up as u128)
}

fn apply_sign(mag: Option<u128>, negative: bool) -> Option<i128> {
    let mag = mag?;
    if negative {
        0i128.checked_sub_unsigned(mag)
    } else {
        i128::try_from(mag).ok()
    }
}

pub(crate) const fn overflow(op: &'static str) -> PricingError {
    PricingError::Overflow { op }
}

impl fmt::Display for Fixed {
    /// Exact decimal expansion, truncated to 27 fractional digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mag = self.0.unsigned_abs();
        let int = mag >> FRAC_BITS;
        let mut frac = mag & FRAC_MASK;
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{int}.")?;
        for _ in 0..27 {
            frac *= 10; // < 10 * 2^88, fits
            write!(f, "{}", frac >> FRAC_BITS)?;
            frac &= FRAC_MASK;
        }
        Ok(())
    }
}

impl PartialOrd<i128> for Fixed {
    fn partial_cmp(&self, other: &i128) -> Option<Ordering> {
        Some(match other.checked_mul(1 << FRAC_BITS) {
            Some(raw) => self.0.cmp(&raw),
            None if *other > 0 => Ordering::Less,
            None => Ordering::Greater,
        })
    }
}

impl PartialEq<i128> for Fixed {
    fn eq(&self, other: &i128) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    #[test]
    fn rounding_of_integer_conversions() {
        let x = q(5, 2);
        assert_eq!(x.to_int(Rounding::Floor), 2);
        assert_eq!(x.to_int(Rounding::Ceil), 3);
        assert_eq!(x.to_int(Rounding::Nearest), 3);
        let y = q(-5, 2);
        assert_eq!(y.to_int(Rounding::Floor), -3);
        assert_eq!(y.to_int(Rounding::Ceil), -2);
        assert_eq!(y.to_int(Rounding::Nearest), -3);
        assert_eq!(q(7, 3).mul_int(3, Rounding::Ceil).unwrap(), 7);
        assert_eq!(q(1, 3).mul_int(10, Rounding::Floor).unwrap(), 3);
        assert_eq!(q(1, 3).mul_int(10, Rounding::Ceil).unwrap(), 4);
    }

    #[test]
    fn directed_rounding_brackets_the_exact_value() {
        let (a, b) = (q(1, 3), q(-2, 7));
        let lo = a.div_rounded(b, Rounding::Floor).unwrap();
        let hi = a.div_rounded(b, Rounding::Ceil).unwrap();
        assert_eq!(hi.to_raw() - lo.to_raw(), 1);
        let lo = a.mul_rounded(b, Rounding::Floor).unwrap();
        let hi = a.mul_rounded(b, Rounding::Ceil).unwrap();
        assert_eq!(hi.to_raw() - lo.to_raw(), 1);
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Fixed::from_int(1 << 38).unwrap();
        assert!(big.checked_mul(big).is_err());
        assert!(Fixed::MAX.checked_add(Fixed::EPSILON).is_err());
        assert!(Fixed::MIN.checked_neg().is_err());
        assert!(big.checked_div(Fixed::EPSILON).is_err());
        assert!(Fixed::ONE.checked_div(Fixed::ZERO).is_err());
        assert!(Fixed::from_int(1 << 40).is_err());
        assert!(Fixed::MAX.mul_int(i128::MAX, Rounding::Floor).is_err());
    }

    #[test]
    fn display_is_exact_decimal() {
        assert_eq!(q(-5, 4).to_string(), "-1.250000000000000000000000000");
        assert!(Fixed::ONE == 1);
        assert!(Fixed::HALF < 1 && Fixed::TWO > 1);
    }
}
