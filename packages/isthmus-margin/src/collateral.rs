//! Collateral items and their value: oracle price × (1 − haircut), and for collateral whose
//! asset is an underlying of the account, its gain when that underlying rises in a scenario.

use isthmus_pricing::{Fixed, Rounding};

use crate::error::{MarginError, MarginResult};
use crate::haircut::{haircut, is_stale, HaircutParams};
use crate::units::{asset_value, MAX_DECIMALS};

/// How a collateral asset is priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollateralPrice {
    /// The asset is the underlying at `index` in [`crate::Account::underlyings`]: it is priced
    /// at that underlying's spot and moves with it in every scenario (covered positions).
    Underlying { index: usize },
    /// Any other asset: its oracle price in whole quote per whole unit, constant across
    /// scenarios (its own price risk is what the haircut covers).
    Oracle { price: Fixed },
}

/// One collateral position of the account, as the engine knows it: the usable amount
/// (`reported − reserved`) at a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollateralItem {
    /// Usable amount in the asset's base units.
    pub amount: u128,
    /// Decimals of the asset: whole units = `amount / 10^decimals`.
    pub decimals: u32,
    pub price: CollateralPrice,
    /// Annualised volatility of the asset used by the haircut (≥ 0).
    pub vol: Fixed,
    /// Seconds since the engine last heard from the item's source (0 for collateral on T).
    pub staleness_seconds: u64,
    pub haircut: HaircutParams,
}

/// A collateral item after valuation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Valued {
    /// `⌊amount · price · (1 − h) · 10^(qd − ad)⌋` in quote base units.
    pub value: i128,
    /// Past its source's maximum staleness: counts for maintenance, not for initial margin.
    pub stale: bool,
    /// The underlying it is linked to, if any.
    pub linked: Option<usize>,
    /// `price · (1 − h)` rounded down, whole quote per whole unit.
    haircut_price: Fixed,
    amount: u128,
    decimals: u32,
}

/// Values `item` (the `item`-th of the account) against the spots of the account's underlyings:
///
///   `value = ⌊amount · P · (1 − h) · 10^(quote_decimals − decimals)⌋`
///
/// with `P` the oracle price or the linked underlying's spot and `h` from [`haircut`].
/// `P · (1 − h)` is rounded down.
pub(crate) fn value(item: &CollateralItem, index: usize, spots: &[Fixed], quote_decimals: u32) -> MarginResult<Valued> {
    if item.decimals > MAX_DECIMALS {
        return Err(MarginError::InvalidInput { field: "collateral.decimals", reason: "must be <= 36" });
    }
    let (price, linked) = match item.price {
        CollateralPrice::Oracle { price } => (price, None),
        CollateralPrice::Underlying { index: u } => {
            let spot = spots.get(u).ok_or(MarginError::UnknownUnderlying { item: index, index: u })?;
            (*spot, Some(u))
        }
    };
    if price.is_negative() {
        return Err(MarginError::InvalidInput { field: "collateral.price", reason: "must be >= 0" });
    }
    let h = haircut(&item.haircut, item.vol, item.staleness_seconds)?;
    let haircut_price = price.mul_rounded(Fixed::ONE.checked_sub(h)?, Rounding::Floor)?;
    Ok(Valued {
        value: asset_value(haircut_price, item.amount, item.decimals, quote_decimals, Rounding::Floor)?,
        stale: is_stale(&item.haircut, item.staleness_seconds),
        linked,
        haircut_price,
        amount: item.amount,
        decimals: item.decimals,
    })
}

impl Valued {
    /// Contribution of linked collateral to the loss of a scenario moving spot by `m`: its gain,
    /// counted only when it is one (the collateral's own downside is covered by its haircut, as
    /// for any other collateral; see docs/margin.md):
    ///
    ///   `L = −⌊amount · P(1 − h) · m · 10^(qd − ad)⌋` for `m > 0`, else `0`
    ///
    /// (the credit is rounded down, so the loss is rounded up).
    pub(crate) fn scenario_loss(&self, spot_move: Fixed, quote_decimals: u32) -> MarginResult<i128> {
        if !spot_move.is_positive() {
            return Ok(0);
        }
        let per_unit = self.haircut_price.mul_rounded(spot_move.checked_neg()?, Rounding::Ceil)?;
        asset_value(per_unit, self.amount, self.decimals, quote_decimals, Rounding::Ceil)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    fn item(price: CollateralPrice, staleness_seconds: u64) -> CollateralItem {
        CollateralItem {
            amount: 2_000_000_000_000_000_000, // 2 units of an 18-decimal asset
            decimals: 18,
            price,
            vol: Fixed::ZERO,
            staleness_seconds,
            haircut: HaircutParams {
                base: q(1, 8),
                z: Fixed::ONE,
                seize_latency_seconds: 0,
                max_staleness_seconds: 60,
            },
        }
    }

    #[test]
    fn oracle_and_linked_values() {
        // 2 units × 3000 × (1 − 0.125) = 5250 quote
        let v = value(&item(CollateralPrice::Oracle { price: q(3000, 1) }, 0), 0, &[], 6).unwrap();
        assert_eq!((v.value, v.stale, v.linked), (5_250_000_000, false, None));
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), -525_000_000);
        let spots = [q(100, 1), q(3000, 1)];
        let v = value(&item(CollateralPrice::Underlying { index: 1 }, 61), 0, &spots, 6).unwrap();
        assert_eq!((v.value, v.stale, v.linked), (5_250_000_000, true, Some(1)));
        // gains count, losses do not
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), -525_000_000);
        assert_eq!(v.scenario_loss(q(-3, 10), 6).unwrap(), 0);
        let err = value(&item(CollateralPrice::Underlying { index: 2 }, 0), 4, &spots, 6).unwrap_err();
        assert_eq!(err, MarginError::UnknownUnderlying { item: 4, index: 2 });
    }
}
