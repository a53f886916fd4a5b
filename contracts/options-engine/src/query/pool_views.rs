//! The pool for a UI: its positions with marks and greeks, and its limits with how much of them
//! it uses (docs/integrating.md, "Views for a UI").

use cosmwasm_std::{Decimal, Deps, Env, Int128, Order, StdError, StdResult, Uint128, Uint256};
use cw_storage_plus::Bound;
use isthmus_pricing::{Fixed, Rounding};
use isthmus_protocol::engine::{PoolDeltaView, PoolLimitsResponse, PoolPositionView, PoolPositionsResponse};

use super::quotes::{contract_greeks, to_signed_decimal, GreeksFixed};
use crate::error::{ContractError, ContractResult};
use crate::market_data::Freshness;
use crate::state::market::{OPEN_INTEREST, QUOTE, SERIES, SYMBOLS};
use crate::state::page_limit;
use crate::state::pool_risk::POOL_RISK;
use crate::valuation::non_negative;
use crate::valuation::{mark, quote_amount};

fn std_err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

pub fn pool_positions(
    deps: Deps,
    env: &Env,
    underlying: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<PoolPositionsResponse> {
    let now = env.block.time.seconds();
    let decimals = QUOTE.load(deps.storage)?.decimals;
    // No stored id is above `u32::MAX` (`key32`): a later start lists nothing, exactly.
    let start = start_after.map(|id| u32::try_from(id).unwrap_or(u32::MAX));
    let page = OPEN_INTEREST
        .prefix(&underlying)
        .range(deps.storage, start.map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| item.map(|(id, open)| (u64::from(id), open)))
        .collect::<StdResult<Vec<_>>>()?;
    let mut total = GreeksFixed::ZERO;
    let mut positions = Vec::with_capacity(page.len());
    for (series_id, open) in page {
        let params = SERIES.load(deps.storage, series_id)?.params;
        let position = open.pool_position().ok_or_else(|| std_err(ContractError::overflow("position")))?;
        // A view without prices still lists the position; its value and greeks are unknown.
        let mark_value = mark(deps.storage, now, &params, Freshness::Lenient)
            .and_then(|m| quote_amount(m, i128::from(position), decimals, Rounding::Floor))
            .ok()
            .map(Int128::new);
        let greeks = if now < params.expiry {
            contract_greeks(deps.storage, now, &params).and_then(|g| g.scaled(position)).ok()
        } else {
            None
        };
        if let Some(g) = greeks {
            total = total.checked_add(g).map_err(std_err)?;
        }
        positions.push(PoolPositionView {
            series_id,
            position,
            open_long: open.long,
            open_short: open.short,
            open_interest_cap: params.open_interest_cap,
            mark_value,
            greeks: greeks.map(GreeksFixed::view).transpose().map_err(std_err)?,
        });
    }
    Ok(PoolPositionsResponse { underlying, positions, page_greeks: total.view().map_err(std_err)? })
}

/// `numerator / denominator` rounded up to 18 places, none when the denominator is zero.
fn ratio_up(numerator: Uint128, denominator: Uint128) -> ContractResult<Option<Decimal>> {
    if denominator.is_zero() {
        return Ok(None);
    }
    let scaled = Uint256::from(numerator).checked_mul(Uint256::from(Decimal::one().atomics()))?;
    let (quotient, rest) = (scaled / Uint256::from(denominator), scaled % Uint256::from(denominator));
    let atomics = if rest.is_zero() { quotient } else { quotient.checked_add(Uint256::one())? };
    Ok(Some(Decimal::raw(Uint128::try_from(atomics)?.u128())))
}

pub fn pool_limits(deps: Deps, start_after: Option<String>, limit: Option<u32>) -> StdResult<PoolLimitsResponse> {
    limits(deps, start_after, limit).map_err(std_err)
}

fn limits(deps: Deps, start_after: Option<String>, limit: Option<u32>) -> ContractResult<PoolLimitsResponse> {
    let free = crate::ledger::free_cash(deps.storage)?;
    let m = crate::pool_value::margin_with_cash(deps.storage, free)?;
    let underlyings = POOL_RISK
        .range(deps.storage, start_after.as_deref().map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| {
            let (underlying, risk) = item?;
            let max = SYMBOLS.load(deps.storage, &underlying)?.max_pool_delta;
            let net_delta = to_signed_decimal(Fixed::from_raw(risk.aggregate.delta))?;
            Ok(PoolDeltaView {
                delta_utilisation: ratio_up(Uint128::new(net_delta.atomics().i128().unsigned_abs()), max.atomics())?,
                net_delta,
                max_pool_delta: max,
                underlying,
            })
        })
        .collect::<ContractResult<_>>()?;
    Ok(PoolLimitsResponse {
        equity: Int128::new(m.equity_initial.get()),
        initial_margin: non_negative(m.initial_margin),
        maintenance_margin: non_negative(m.maintenance_margin),
        // A pool without positive equity has no utilisation to show (none, not infinity).
        margin_utilisation: ratio_up(non_negative(m.initial_margin), non_negative(m.equity_initial))?,
        underlyings,
    })
}
