//! `RefreshPoolRisk`: the permissionless crank that renews the snapshot the pool's risk on one
//! underlying is kept at (docs/pool-risk.md), a page of positions per call.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};

use crate::error::{ContractError, ContractResult};
use crate::pool_book::PoolBook;
use crate::state::pool_risk::POOL_RISK;

/// Positions revalued per call when no limit is given, and at most.
pub const DEFAULT_REFRESH_PAGE: u32 = 64;
pub const MAX_REFRESH_PAGE: u32 = 128;

pub fn refresh_pool_risk(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    underlying: String,
    limit: Option<u32>,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if !POOL_RISK.has(deps.storage, &underlying) {
        return Err(ContractError::UnknownSymbol { symbol: underlying });
    }
    let limit = limit.unwrap_or(DEFAULT_REFRESH_PAGE).clamp(1, MAX_REFRESH_PAGE);
    let now = env.block.time.seconds();
    let mut book = PoolBook::new();
    let (revalued, finished) = book.refresh_page(deps.storage, now, &underlying, limit as usize)?;
    book.flush(deps.storage)?;
    let risk = POOL_RISK.load(deps.storage, &underlying)?;
    let generation = match &risk.refresh {
        Some(r) => r.snapshot.generation,
        None => risk.snapshot.generation,
    };
    Ok(Response::new()
        .add_attribute("action", "refresh_pool_risk")
        .add_attribute("underlying", underlying)
        .add_attribute("generation", generation.to_string())
        .add_attribute("revalued", revalued.to_string())
        .add_attribute("finished", finished.to_string()))
}
