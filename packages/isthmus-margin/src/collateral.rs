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
    /// Usable amount in the asset's base units. All of it counts toward maintenance.
    pub amount: u128,
    /// The part of `amount` that may back initial margin (`≤ amount`, else `InvalidInput`):
    /// `amount` unless the engine's per-source cap lowers it (docs/margin.md, "Initial amount").
    /// It is valued, and credited in linked scenarios, like `amount` but for the initial margin
    /// only; a stale item backs no initial margin whatever its `initial_amount`.
    pub initial_amount: u128,
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
    /// The same for `initial_amount` (what may count toward initial margin if fresh).
    pub value_initial: i128,
    /// Past its source's maximum staleness: counts for maintenance, not for initial margin.
    pub stale: bool,
    /// The underlying it is linked to, if any.
    pub linked: Option<usize>,
    /// `price · (1 − h)` rounded down, whole quote per whole unit.
    haircut_price: Fixed,
    amount: u128,
    initial_amount: u128,
    decimals: u32,
}

/// Values `item` (the `item`-th of the account) against the spots of the account's underlyings:
///
///   `value = ⌊amount · P · (1 − h) · 10^(quote_decimals − decimals)⌋`
///
/// with `P` the oracle price or the linked underlying's spot and `h` from [`haircut`].
/// `P · (1 − h)` is rounded down. `value_initial` is the same formula for `initial_amount`.
pub(crate) fn value(item: &CollateralItem, index: usize, spots: &[Fixed], quote_decimals: u32) -> MarginResult<Valued> {
    if item.decimals > MAX_DECIMALS {
        return Err(MarginError::InvalidInput { field: "collateral.decimals", reason: "must be <= 36" });
    }
    if item.initial_amount > item.amount {
        return Err(MarginError::InvalidInput { field: "collateral.initial_amount", reason: "must be <= amount" });
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
    let value = asset_value(haircut_price, item.amount, item.decimals, quote_decimals, Rounding::Floor)?;
    let value_initial = if item.initial_amount == item.amount {
        value
    } else {
        asset_value(haircut_price, item.initial_amount, item.decimals, quote_decimals, Rounding::Floor)?
    };
    Ok(Valued {
        value,
        value_initial,
        stale: is_stale(&item.haircut, item.staleness_seconds),
        linked,
        haircut_price,
        amount: item.amount,
        initial_amount: item.initial_amount,
        decimals: item.decimals,
    })
}

/// Value in quote base units of one collateral item, `⌊amount · P · (1 − h) · 10^(qd − ad)⌋`,
/// exactly as [`crate::evaluate`] counts it (`spots` are the account's underlyings, used only
/// by linked items). The engine values a source's total collateral with it (docs/margin.md).
pub fn collateral_value(item: &CollateralItem, spots: &[Fixed], quote_decimals: u32) -> MarginResult<i128> {
    Ok(value(item, 0, spots, quote_decimals)?.value)
}

impl Valued {
    /// Contribution of linked collateral to the loss of a scenario moving spot by `m`: its gain,
    /// counted only when it is one (the collateral's own downside is covered by its haircut, as
    /// for any other collateral; see docs/margin.md):
    ///
    ///   `L = −⌊amount · P(1 − h) · m · 10^(qd − ad)⌋` for `m > 0`, else `0`
    ///
    /// (the credit is rounded down, so the loss is rounded up). Returns the loss on both bases:
    /// `(amount, initial_amount)`.
    pub(crate) fn scenario_loss(&self, spot_move: Fixed, quote_decimals: u32) -> MarginResult<(i128, i128)> {
        if !spot_move.is_positive() {
            return Ok((0, 0));
        }
        let per_unit = self.haircut_price.mul_rounded(spot_move.checked_neg()?, Rounding::Ceil)?;
        let loss = asset_value(per_unit, self.amount, self.decimals, quote_decimals, Rounding::Ceil)?;
        let loss_initial = if self.initial_amount == self.amount {
            loss
        } else {
            asset_value(per_unit, self.initial_amount, self.decimals, quote_decimals, Rounding::Ceil)?
        };
        Ok((loss, loss_initial))
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
            initial_amount: 2_000_000_000_000_000_000,
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
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), (-525_000_000, -525_000_000));
        let spots = [q(100, 1), q(3000, 1)];
        let v = value(&item(CollateralPrice::Underlying { index: 1 }, 61), 0, &spots, 6).unwrap();
        assert_eq!((v.value, v.stale, v.linked), (5_250_000_000, true, Some(1)));
        // gains count, losses do not
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), (-525_000_000, -525_000_000));
        assert_eq!(v.scenario_loss(q(-3, 10), 6).unwrap(), (0, 0));
        let err = value(&item(CollateralPrice::Underlying { index: 2 }, 0), 4, &spots, 6).unwrap_err();
        assert_eq!(err, MarginError::UnknownUnderlying { item: 4, index: 2 });
    }

    /// The initial amount is valued and credited on its own (floor, like the whole amount),
    /// and may not exceed the amount.
    #[test]
    fn initial_amount_is_valued_on_its_own() {
        // 0.8 of 2 units: 1.6 × 3000 × 0.875 = 4200 quote; one base unit more than 1.6 units
        // adds 2625e-18 quote, floored away
        let mut it = item(CollateralPrice::Oracle { price: q(3000, 1) }, 0);
        it.initial_amount = 1_600_000_000_000_000_001;
        let v = value(&it, 0, &[], 6).unwrap();
        assert_eq!((v.value, v.value_initial), (5_250_000_000, 4_200_000_000));
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), (-525_000_000, -420_000_000));
        assert_eq!(collateral_value(&it, &[], 6).unwrap(), 5_250_000_000);
        it.initial_amount = 0;
        let v = value(&it, 0, &[], 6).unwrap();
        assert_eq!((v.value, v.value_initial), (5_250_000_000, 0));
        assert_eq!(v.scenario_loss(q(1, 10), 6).unwrap(), (-525_000_000, 0));
        it.initial_amount = it.amount + 1;
        assert_eq!(
            value(&it, 0, &[], 6).unwrap_err(),
            MarginError::InvalidInput { field: "collateral.initial_amount", reason: "must be <= amount" }
        );
    }
}
