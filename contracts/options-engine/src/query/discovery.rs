//! Market discovery: the symbols, the expiries of an underlying and the feeders, each a page
//! in key order (docs/integrating.md, "Views for a UI"). Listed collateral per source is the
//! `CollateralAssets` view.

use cosmwasm_std::{Addr, Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use isthmus_protocol::engine::{
    ExpiriesResponse, ExpiryView, FeederView, FeedersResponse, PriceSource, SymbolView, SymbolsResponse,
};

use crate::state::market::{EXPIRIES, FEEDERS, PRICES, PRICE_SOURCES, SYMBOLS, VOLS};
use crate::state::page_limit;
use crate::state::pool_risk::POOL_RISK;

pub fn symbols(deps: Deps, env: &Env, start_after: Option<String>, limit: Option<u32>) -> StdResult<SymbolsResponse> {
    let now = env.block.time.seconds();
    let symbols = SYMBOLS
        .range(deps.storage, start_after.as_deref().map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| {
            let (symbol, params) = item?;
            let point = PRICES.may_load(deps.storage, &symbol)?;
            Ok(SymbolView {
                fresh: point
                    .as_ref()
                    .is_some_and(|p| now.saturating_sub(p.publish_time) <= params.max_price_age_seconds),
                price: point.as_ref().map(|p| p.price),
                publish_time: point.map(|p| p.publish_time),
                has_series: POOL_RISK.has(deps.storage, &symbol),
                source: PRICE_SOURCES.may_load(deps.storage, &symbol)?.map_or(PriceSource::Push, |feed| feed.source),
                params,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(SymbolsResponse { symbols })
}

pub fn expiries(
    deps: Deps,
    env: &Env,
    underlying: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ExpiriesResponse> {
    let now = env.block.time.seconds();
    let expiries = EXPIRIES
        .prefix(&underlying)
        .range(deps.storage, start_after.map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| {
            let (expiry, state) = item?;
            let vol = VOLS.may_load(deps.storage, (&underlying, expiry))?;
            Ok(ExpiryView {
                expiry,
                expired: now >= expiry,
                settlement_price: state.settlement_price,
                vol: vol.as_ref().map(|v| v.price),
                vol_publish_time: vol.map(|v| v.publish_time),
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(ExpiriesResponse { underlying, expiries })
}

pub fn feeders(deps: Deps, start_after: Option<String>, limit: Option<u32>) -> StdResult<FeedersResponse> {
    let start = start_after.map(Addr::unchecked);
    let feeders = FEEDERS
        .range(deps.storage, start.as_ref().map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| {
            item.map(|(address, roles)| FeederView { address: address.to_string(), price: roles.price, vol: roles.vol })
        })
        .collect::<StdResult<_>>()?;
    Ok(FeedersResponse { feeders })
}
