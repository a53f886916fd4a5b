//! The liquidity pool's net asset value.

use cosmwasm_std::{Order, StdResult, Storage};
use isthmus_pricing::{price_and_delta, BsInputs, Fixed, Rounding};

use crate::error::ContractResult;
use crate::oracle::{self, to_fixed, Freshness};
use crate::risk::to_pricing_kind;
use crate::state::market::RISK;
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

/// Net delta of `positions` on `underlying`, in whole units: `Σ q x size x delta`. Expired
/// series carry no delta (their value no longer moves with the spot once settled).
pub fn net_delta(storage: &dyn Storage, now: u64, underlying: &str, positions: &[(u64, i64)]) -> ContractResult<Fixed> {
    let rate = to_fixed(RISK.load(storage)?.rate)?;
    let mut total = Fixed::ZERO;
    for (series_id, quantity) in positions {
        let series = SERIES.load(storage, *series_id)?.params;
        if series.underlying != underlying || now >= series.expiry {
            continue;
        }
        let inputs = BsInputs {
            spot: oracle::spot(storage, now, underlying, Freshness::Strict)?,
            strike: to_fixed(series.strike)?,
            time_years: oracle::years_to(now, series.expiry)?,
            vol: oracle::vol(storage, now, underlying, series.expiry, Freshness::Strict)?,
            rate,
        };
        let (_, delta) = price_and_delta(&inputs, to_pricing_kind(series.kind))?;
        let per_contract = delta.checked_mul(to_fixed(series.contract_size)?)?;
        total = total.checked_add(per_contract.checked_mul(Fixed::from_int(i128::from(*quantity))?)?)?;
    }
    Ok(total)
}
