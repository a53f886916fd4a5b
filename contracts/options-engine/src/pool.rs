//! The liquidity pool's net asset value.

use cosmwasm_std::{Order, StdResult, Storage, Uint128};
use isthmus_pricing::{price_and_delta, BsInputs, Fixed, Rounding};

use crate::error::ContractResult;
use crate::oracle::{self, to_fixed, Freshness};
use crate::risk::to_pricing_kind;
use crate::state::market::RISK;
use crate::state::market::{POOL, POOL_POSITIONS, QUOTE, SERIES};
use crate::valuation::{mark, quote_amount};

/// Mark value of the pool's positions, `Σ q x mark`, each position rounded as asked.
fn positions_value(storage: &dyn Storage, now: u64, mode: Freshness, rounding: Rounding) -> ContractResult<i128> {
    let quote = QUOTE.load(storage)?;
    let positions: Vec<(u64, i64)> =
        POOL_POSITIONS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    let mut total: i128 = 0;
    for (series_id, quantity) in positions {
        let series = SERIES.load(storage, series_id)?;
        let per_contract = mark(storage, now, &series.params, mode)?;
        let value = quote_amount(per_contract, i128::from(quantity), quote.decimals, rounding)?;
        total = total.checked_add(value).ok_or_else(|| crate::oracle::invalid("nav", "overflow"))?;
    }
    Ok(total)
}

/// The NAV at which shares are issued: book cash (receivables at face value) + positions
/// rounded up, so a depositor never buys below value and pays its part of every debt owed
/// to the pool, including debt that may never be collected.
pub fn nav_entry(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<i128> {
    let book = POOL.may_load(storage)?.unwrap_or_default().cash.i128();
    book.checked_add(positions_value(storage, now, mode, Rounding::Ceil)?)
        .ok_or_else(|| crate::oracle::invalid("nav", "overflow"))
}

/// The NAV at which shares are redeemed: liquid cash (receivables count nothing until they
/// are collected) + positions rounded down, so a redeemer never takes above value and never
/// leaves with a part of a debt that may turn bad (docs/solvency.md).
pub fn nav_exit(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<i128> {
    crate::ledger::liquid_cash(storage)?
        .checked_add(positions_value(storage, now, mode, Rounding::Floor)?)
        .ok_or_else(|| crate::oracle::invalid("nav", "overflow"))
}

/// What redeeming `shares` pays now: `floor(shares x exit NAV / total shares)`, zero when the
/// exit NAV is not positive.
pub fn redemption_value(storage: &dyn Storage, now: u64, mode: Freshness, shares: Uint128) -> ContractResult<Uint128> {
    let total_shares = POOL.may_load(storage)?.unwrap_or_default().total_shares;
    let nav = nav_exit(storage, now, mode)?;
    if nav <= 0 || total_shares.is_zero() {
        return Ok(Uint128::zero());
    }
    Ok(Uint128::new(nav.unsigned_abs()).checked_multiply_ratio(shares, total_shares)?)
}

/// Net deltas on `underlying`, in whole units, of two sets of positions (the pool before
/// and after a trade): `Σ q x size x delta` each. Every series is loaded and priced once, and
/// the spot and each expiry's vol are read once. Expired series carry no delta.
pub fn net_deltas(
    storage: &dyn Storage,
    now: u64,
    underlying: &str,
    before: &[(u64, i64)],
    after: &[(u64, i64)],
) -> ContractResult<(Fixed, Fixed)> {
    let rate = to_fixed(RISK.load(storage)?.rate)?;
    let mut spot = None;
    let mut vols: Vec<(u64, Fixed)> = vec![];
    let mut seen: Vec<u64> = vec![];
    let (mut total_before, mut total_after) = (Fixed::ZERO, Fixed::ZERO);
    for (series_id, _) in before.iter().chain(after.iter()) {
        if seen.contains(series_id) {
            continue;
        }
        seen.push(*series_id);
        let series = SERIES.load(storage, *series_id)?.params;
        if series.underlying != underlying || now >= series.expiry {
            continue;
        }
        let spot = match spot {
            Some(s) => s,
            None => *spot.insert(oracle::spot(storage, now, underlying, Freshness::Strict)?),
        };
        let vol = match vols.iter().find(|(e, _)| *e == series.expiry) {
            Some((_, v)) => *v,
            None => {
                let v = oracle::vol(storage, now, underlying, series.expiry, Freshness::Strict)?;
                vols.push((series.expiry, v));
                v
            }
        };
        let inputs = BsInputs {
            spot,
            strike: to_fixed(series.strike)?,
            time_years: oracle::years_to(now, series.expiry)?,
            vol,
            rate,
        };
        let (_, delta) = price_and_delta(&inputs, to_pricing_kind(series.kind))?;
        let per_contract = delta.checked_mul(to_fixed(series.contract_size)?)?;
        let quantity_in = |set: &[(u64, i64)]| set.iter().find(|(id, _)| id == series_id).map(|(_, q)| *q).unwrap_or(0);
        total_before =
            total_before.checked_add(per_contract.checked_mul(Fixed::from_int(i128::from(quantity_in(before)))?)?)?;
        total_after =
            total_after.checked_add(per_contract.checked_mul(Fixed::from_int(i128::from(quantity_in(after)))?)?)?;
    }
    Ok((total_before, total_after))
}
