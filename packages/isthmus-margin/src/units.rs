//! Conversion of `Fixed` prices to integer quote base units, with an explicit rounding direction.
//!
//! All money leaves this crate as [`QuoteUnits`], signed quote base units:
//! `whole quote × 10^quote_decimals`.
//! A value is formed once, from a per-unit `Fixed` and an integer count, with
//! [`Fixed::mul_int`], so a total never has to fit in `Fixed`'s ±2^39 range.

use isthmus_pricing::{Fixed, Rounding};

use crate::error::{overflow, MarginResult};

/// A signed amount of the quote asset in its base units (`whole quote × 10^quote_decimals`):
/// the type of every amount of money the margin returns, so that it is not mixed with asset
/// units, contract counts or `Fixed` prices. Arithmetic on it is checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuoteUnits(i128);

impl QuoteUnits {
    pub const ZERO: QuoteUnits = QuoteUnits(0);

    pub const fn new(base_units: i128) -> Self {
        QuoteUnits(base_units)
    }

    /// The amount in base units.
    pub const fn get(self) -> i128 {
        self.0
    }

    pub fn checked_add(self, other: QuoteUnits) -> MarginResult<QuoteUnits> {
        self.0.checked_add(other.0).map(QuoteUnits).ok_or(overflow("quote units"))
    }

    pub fn checked_sub(self, other: QuoteUnits) -> MarginResult<QuoteUnits> {
        self.0.checked_sub(other.0).map(QuoteUnits).ok_or(overflow("quote units"))
    }

    /// `max(self, 0)`: the part that is owed or lost, when positive.
    pub fn positive_part(self) -> QuoteUnits {
        QuoteUnits(self.0.max(0))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `max(self, 0)` as an unsigned amount (a requirement, a loss that counts).
    pub fn positive_u128(self) -> u128 {
        self.0.max(0).unsigned_abs()
    }

    /// `self − other`, saturated at the bounds of `i128` (for a shortfall or a surplus that
    /// only sizes something, never for an amount paid).
    pub fn saturating_sub(self, other: QuoteUnits) -> i128 {
        self.0.saturating_sub(other.0)
    }
}

impl From<QuoteUnits> for i128 {
    fn from(q: QuoteUnits) -> i128 {
        q.0
    }
}

impl core::fmt::Display for QuoteUnits {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

/// Largest number of decimals accepted for the quote or a collateral asset (10^36 < 2^127).
pub const MAX_DECIMALS: u32 = 36;

/// 10^n as `i128` (checked).
pub(crate) fn pow10(n: u32) -> MarginResult<i128> {
    10i128.checked_pow(n).ok_or(overflow("pow10"))
}

/// `⌊a / d⌋` or `⌈a / d⌉` for `d > 0` (`Nearest` is treated as `Floor`; callers never ask for it).
pub(crate) fn div_round(a: i128, d: i128, mode: Rounding) -> MarginResult<i128> {
    let q = a.checked_div_euclid(d).ok_or(overflow("div"))?; // floor for d > 0
    let exact = a.checked_rem_euclid(d).ok_or(overflow("rem"))? == 0;
    match mode {
        Rounding::Ceil if !exact => q.checked_add(1).ok_or(overflow("div")),
        _ => Ok(q),
    }
}

/// Value in quote base units of `count` units priced at `per_unit` whole quote each:
///
///   `round(per_unit × count × 10^quote_decimals)`
///
/// with `mode` applied once to the exact product (`Floor` for what the account owns, `Ceil` for
/// what it owes or may lose).
pub(crate) fn quote_units(per_unit: Fixed, count: i128, quote_decimals: u32, mode: Rounding) -> MarginResult<i128> {
    let n = count.checked_mul(pow10(quote_decimals)?).ok_or(overflow("quote_units"))?;
    Ok(per_unit.mul_int(n, mode)?)
}

/// Value in quote base units of `amount` base units of an asset with `asset_decimals`, priced at
/// `price` whole quote per whole asset unit:
///
///   `round(price × amount × 10^(quote_decimals − asset_decimals))`
///
/// When the asset has more decimals than the quote, the product is rounded first and then
/// divided by `10^(asset_decimals − quote_decimals)` in the same direction; for integer-valued
/// steps `⌊⌊x⌋ / d⌋ = ⌊x / d⌋` and `⌈⌈x⌉ / d⌉ = ⌈x / d⌉`, so the result is the exactly rounded
/// value.
pub(crate) fn asset_value(
    price: Fixed,
    amount: u128,
    asset_decimals: u32,
    quote_decimals: u32,
    mode: Rounding,
) -> MarginResult<i128> {
    let amount = i128::try_from(amount).map_err(|_| overflow("asset amount"))?;
    if quote_decimals >= asset_decimals {
        quote_units(price, amount, quote_decimals - asset_decimals, mode)
    } else {
        let scaled = price.mul_int(amount, mode)?;
        div_round(scaled, pow10(asset_decimals - quote_decimals)?, mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    #[test]
    fn directed_division() {
        assert_eq!(div_round(7, 2, Rounding::Floor).unwrap(), 3);
        assert_eq!(div_round(7, 2, Rounding::Ceil).unwrap(), 4);
        assert_eq!(div_round(-7, 2, Rounding::Floor).unwrap(), -4);
        assert_eq!(div_round(-7, 2, Rounding::Ceil).unwrap(), -3);
        assert_eq!(div_round(-8, 2, Rounding::Ceil).unwrap(), -4);
    }

    #[test]
    fn asset_values_round_once_in_the_requested_direction() {
        // 1.5 units (+ 1 base unit) of an 18-decimal asset at 2000.25 quote, quote has 6 decimals:
        // exact value 3000.375 quote + 2000.25e-18 quote = 3_000_375_000.000000002 base units
        let price = q(8001, 4);
        let amount = 1_500_000_000_000_000_001u128;
        assert_eq!(asset_value(price, amount, 18, 6, Rounding::Floor).unwrap(), 3_000_375_000);
        assert_eq!(asset_value(price, amount, 18, 6, Rounding::Ceil).unwrap(), 3_000_375_001);
        assert_eq!(asset_value(price, amount - 1, 18, 6, Rounding::Ceil).unwrap(), 3_000_375_000);
        // 2 units of a 2-decimal asset at 1/3 quote each: 0.666..
        assert_eq!(asset_value(q(1, 3), 200, 2, 6, Rounding::Floor).unwrap(), 666_666);
        assert_eq!(asset_value(q(1, 3), 200, 2, 6, Rounding::Ceil).unwrap(), 666_667);
        assert_eq!(quote_units(q(-1, 3), 2, 6, Rounding::Floor).unwrap(), -666_667);
        assert!(asset_value(q(1, 1), u128::MAX, 0, 6, Rounding::Floor).is_err());
    }
}
