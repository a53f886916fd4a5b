//! The liquidity pool's net asset value.

use cosmwasm_std::{Order, StdResult, Storage};
use isthmus_pricing::Rounding;

use crate::error::ContractResult;
use crate::oracle::Freshness;
use crate::state::market::{POOL, POOL_POSITIONS, QUOTE, SERIES};
use crate::valuation::{mark, quote_amount};

/// `NAV = cash + Σ q x mark`, each position's value rounded down (toward negative infinity),
/// so the NAV is never overstated: LPs neither buy shares cheap nor redeem them dear.
pub fn nav(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<i128> {
    let quote = QUOTE.load(storage)?;
    let mut nav = POOL.may_load(storage)?.unwrap_or_default().cash.i128();
    let positions: Vec<(u64, i64)> =
        POOL_POSITIONS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    for (series_id, quantity) in positions {
        let series = SERIES.load(storage, series_id)?;
        let per_contract = mark(storage, now, &series.params, mode)?;
        let value = quote_amount(per_contract, i128::from(quantity), quote.decimals, Rounding::Floor)?;
        nav = nav.checked_add(value).ok_or_else(|| crate::oracle::invalid("nav", "overflow"))?;
    }
    Ok(nav)
}
