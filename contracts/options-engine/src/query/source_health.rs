//! Per-source health for operators (docs/protocol.md §6): staleness, seizes in flight, totals,
//! and the value, cap and share of each source's collateral, valued as new risk sees it
//! (strict prices, before the cap).

use cosmwasm_std::{Decimal, Deps, Env, StdError, StdResult};
use isthmus_protocol::engine::{SourceAssetHealth, SourceHealthResponse, SourcesHealthResponse};

use crate::error::ContractError;
use crate::market_data::Freshness;
use crate::remote_book::SOURCE_RESERVATIONS;
use crate::source_cap::{self, SourceValue, Values};
use crate::state::market::{QUOTE, RISK};
use crate::state::{page_limit, CONFIG, SOURCES};

fn std_err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

fn all_values(deps: Deps, env: &Env) -> StdResult<Values> {
    let risk = RISK.load(deps.storage)?;
    let ctx = source_cap::Context {
        now: env.block.time.seconds(),
        mode: Freshness::Strict,
        risk: &risk,
        quote_decimals: QUOTE.load(deps.storage)?.decimals,
        max_staleness_seconds: CONFIG.load(deps.storage)?.max_staleness_seconds,
    };
    source_cap::values(deps.storage, &ctx, None).map_err(std_err)
}

pub fn source_health(deps: Deps, env: &Env, source_id: String) -> StdResult<SourceHealthResponse> {
    let values = all_values(deps, env)?;
    let source = values
        .sources
        .iter()
        .find(|s| s.source_id == source_id)
        .ok_or_else(|| StdError::not_found(format!("source {source_id}")))?;
    health(deps, env, &values, source)
}

pub fn sources_health(
    deps: Deps,
    env: &Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<SourcesHealthResponse> {
    // Every source is valued anyway (the total needs them all; at most MAX_SOURCES).
    let values = all_values(deps, env)?;
    let sources = values
        .sources
        .iter()
        .filter(|s| start_after.as_ref().is_none_or(|a| s.source_id > *a))
        .take(page_limit(limit))
        .map(|s| health(deps, env, &values, s))
        .collect::<StdResult<_>>()?;
    Ok(SourcesHealthResponse { total_value: values.total, sources })
}

fn health(deps: Deps, env: &Env, values: &Values, s: &SourceValue) -> StdResult<SourceHealthResponse> {
    let source = SOURCES.load(deps.storage, &s.source_id).map_err(|e| StdError::generic_err(e.to_string()))?;
    let max = CONFIG.load(deps.storage)?.max_staleness_seconds;
    let staleness = source.state.staleness_seconds(env.block.time);
    let limit = values.limit_of(s).map_err(std_err)?;
    let share_of_total = if values.total.is_zero() {
        Decimal::zero()
    } else {
        Decimal::checked_from_ratio(s.raw, values.total).map_err(|e| StdError::generic_err(e.to_string()))?
    };
    Ok(SourceHealthResponse {
        source_id: s.source_id.clone(),
        channel_id: source.channel_id,
        last_heard: source.state.last_heard.map(|t| t.seconds()),
        staleness_seconds: staleness,
        stale: staleness.is_none_or(|st| st > max),
        seizes_in_flight: SOURCE_RESERVATIONS.may_load(deps.storage, &s.source_id)?.unwrap_or(0),
        assets: s
            .assets
            .iter()
            .map(|a| SourceAssetHealth {
                asset: a.asset.clone(),
                reported: a.totals.reported,
                reserved: a.totals.reserved,
                usable: a.totals.usable,
                value: a.value,
            })
            .collect(),
        raw_value: s.raw,
        limit,
        factor: values.factor_of(s).map_err(std_err)?,
        counted_value: limit.map_or(s.raw, |l| l.min(s.raw)),
        share_of_total,
        max_share: s.cap.as_ref().map_or(Decimal::one(), |c| c.max_share),
        max_value: s.cap.as_ref().and_then(|c| c.max_value),
    })
}
