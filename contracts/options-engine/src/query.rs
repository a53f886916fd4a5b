use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order, StdError, StdResult, Timestamp};
use cw_storage_plus::Bound;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{
    AccountCollateralResponse, CollateralAssetResponse, CollateralAssetsResponse, ConfigResponse, RawRangeResponse,
    RemotePositionResponse, ReservationResponse, ReservationsResponse, SourceResponse, SourcesResponse, RAW_RANGE_MAX,
};
use isthmus_protocol::{engine, lens};

use crate::state::{
    page_limit, remote_key, RemotePosition, Reservation, Source, COLLATERAL_ASSETS, CONFIG, REMOTE_BY_ACCOUNT,
    REMOTE_POSITIONS, RESERVATIONS, SOURCES,
};

pub mod account_risk;
pub mod boundary;
pub mod discovery;
pub mod liquidation;
pub mod market_views;
pub mod pool_views;
pub mod quotes;
pub mod source_health;

/// The engine's own queries (`engine::QueryMsg`): what contracts ask on chain, and raw pages of
/// storage for the lens.
pub fn query(deps: Deps, env: Env, msg: engine::QueryMsg) -> StdResult<Binary> {
    use engine::QueryMsg;
    match msg {
        QueryMsg::Config {} => to_json_binary(&config(deps)?),
        QueryMsg::Account { account } => to_json_binary(&market_views::account(deps, &env, account)?),
        QueryMsg::Margin { account } => to_json_binary(&market_views::margin(deps, &env, account)?),
        QueryMsg::SeizeQuote { account, source_id, owner, asset, repay } => {
            to_json_binary(&liquidation::seize_quote(deps, &env, account, source_id, owner, asset, repay)?)
        }
        QueryMsg::Liquidatable { start_after, limit } => {
            to_json_binary(&liquidation::liquidatable(deps, &env, start_after, limit)?)
        }
        QueryMsg::RawRange { start, end, descending, limit } => {
            to_json_binary(&raw_range(deps.storage, start, end, descending, limit))
        }
    }
}

/// A page of raw storage for the lens: at most `limit` entries (at most [`RAW_RANGE_MAX`]) of
/// `start <= key < end`, and whether the range ends there.
pub fn raw_range(
    storage: &dyn cosmwasm_std::Storage,
    start: Option<Binary>,
    end: Option<Binary>,
    descending: bool,
    limit: Option<u32>,
) -> RawRangeResponse {
    let order = if descending { Order::Descending } else { Order::Ascending };
    let limit = limit.unwrap_or(RAW_RANGE_MAX).min(RAW_RANGE_MAX) as usize;
    // One entry more than the page tells whether the range goes on.
    let mut entries: Vec<(Binary, Binary)> = storage
        .range(start.as_deref(), end.as_deref(), order)
        .take(limit + 1)
        .map(|(k, v)| (Binary::new(k), Binary::new(v)))
        .collect();
    let complete = entries.len() <= limit;
    entries.truncate(limit);
    RawRangeResponse { entries, complete }
}

/// Every view of the engine's state (`lens::QueryMsg`), answered by the lens contract from the
/// engine's storage (docs/architecture.md, "The lens"). `deps.storage` is the engine's
/// storage: its own in the engine's tests, read over queries in the lens.
pub fn views(deps: Deps, env: Env, msg: lens::QueryMsg) -> StdResult<Binary> {
    use lens::QueryMsg;
    let now = env.block.time;
    match msg {
        QueryMsg::Lens {} => Err(StdError::generic_err("the lens answers `lens` itself")),
        QueryMsg::Price { symbol } => to_json_binary(&market_views::price(deps, &env, symbol)?),
        QueryMsg::Vol { underlying, expiry } => to_json_binary(&market_views::vol(deps, underlying, expiry)?),
        QueryMsg::SettlementPrice { underlying, expiry } => {
            to_json_binary(&market_views::settlement_price(deps, underlying, expiry)?)
        }
        QueryMsg::Series { series_id } => to_json_binary(&market_views::series(deps, &env, series_id)?),
        QueryMsg::SeriesList { underlying, expiry, start_after, limit } => {
            to_json_binary(&market_views::series_list(deps, &env, underlying, expiry, start_after, limit)?)
        }
        QueryMsg::Account { account } => to_json_binary(&market_views::account(deps, &env, account)?),
        QueryMsg::Margin { account } => to_json_binary(&market_views::margin(deps, &env, account)?),
        QueryMsg::SimulateTrade { account, legs, max_cost } => {
            to_json_binary(&market_views::simulate_trade(deps, &env, account, legs, max_cost)?)
        }
        QueryMsg::Pool {} => to_json_binary(&market_views::pool(deps, &env)?),
        QueryMsg::PoolRisk { underlying } => to_json_binary(&market_views::pool_risk(deps, &env, underlying)?),
        QueryMsg::PoolRequests { lp, start_after, limit } => {
            to_json_binary(&market_views::pool_requests(deps, lp, start_after, limit)?)
        }
        QueryMsg::Lp { address } => to_json_binary(&market_views::lp(deps, &env, address)?),
        QueryMsg::SeizeQuote { account, source_id, owner, asset, repay } => {
            to_json_binary(&liquidation::seize_quote(deps, &env, account, source_id, owner, asset, repay)?)
        }
        QueryMsg::AuthorizedOwners { account } => {
            let owners = crate::state::AUTHORIZED_OWNERS
                .sub_prefix(&account)
                .keys(deps.storage, None, None, Order::Ascending)
                .take(crate::state::MAX_AUTHORIZED_OWNERS as usize)
                .collect::<StdResult<_>>()?;
            to_json_binary(&isthmus_protocol::engine::AuthorizedOwnersResponse { account, owners })
        }
        QueryMsg::Liquidations { account, start_after, limit } => {
            to_json_binary(&liquidation::liquidations_page(deps, account, start_after, limit)?)
        }
        QueryMsg::Liquidatable { start_after, limit } => {
            to_json_binary(&liquidation::liquidatable(deps, &env, start_after, limit)?)
        }
        QueryMsg::Quote { series_id } => {
            let params = crate::state::market::SERIES.load(deps.storage, series_id)?.params;
            let quote = quotes::series_quote(deps.storage, now.seconds(), &params)
                .map_err(|e| StdError::generic_err(e.to_string()))?;
            to_json_binary(&quote)
        }
        QueryMsg::Symbols { start_after, limit } => {
            to_json_binary(&discovery::symbols(deps, &env, start_after, limit)?)
        }
        QueryMsg::Expiries { underlying, start_after, limit } => {
            to_json_binary(&discovery::expiries(deps, &env, underlying, start_after, limit)?)
        }
        QueryMsg::Feeders { start_after, limit } => to_json_binary(&discovery::feeders(deps, start_after, limit)?),
        QueryMsg::MarginBreakdown { account } => to_json_binary(&account_risk::margin_breakdown(deps, &env, account)?),
        QueryMsg::LiquidationPrice { account, underlying } => {
            to_json_binary(&account_risk::liquidation_price(deps, &env, account, underlying)?)
        }
        QueryMsg::MaxWithdrawable { source_id, owner, asset } => {
            to_json_binary(&account_risk::max_withdrawable(deps, &env, source_id, owner, asset)?)
        }
        QueryMsg::PoolPositions { underlying, start_after, limit } => {
            to_json_binary(&pool_views::pool_positions(deps, &env, underlying, start_after, limit)?)
        }
        QueryMsg::PoolLimits { start_after, limit } => {
            to_json_binary(&pool_views::pool_limits(deps, start_after, limit)?)
        }
        QueryMsg::RiskParams {} => to_json_binary(&crate::state::market::RISK.load(deps.storage)?),
        QueryMsg::Config {} => to_json_binary(&config(deps)?),
        QueryMsg::Source { source_id } => {
            let source = SOURCES.may_load(deps.storage, &source_id)?.ok_or_else(|| StdError::not_found("source"))?;
            to_json_binary(&source_response(deps, now, source_id, source)?)
        }
        QueryMsg::Sources { start_after, limit } => {
            let sources = SOURCES
                .page(deps.storage, start_after.as_deref(), page_limit(limit))?
                .into_iter()
                .map(|(id, s)| source_response(deps, now, id, s))
                .collect::<StdResult<_>>()?;
            to_json_binary(&SourcesResponse { sources })
        }
        QueryMsg::SourceHealth { source_id } => to_json_binary(&source_health::source_health(deps, &env, source_id)?),
        QueryMsg::SourcesHealth { start_after, limit } => {
            to_json_binary(&source_health::sources_health(deps, &env, start_after, limit)?)
        }
        QueryMsg::CollateralAssets { source_id, start_after, limit } => {
            let start = start_after.map(|a| a.key());
            let assets = COLLATERAL_ASSETS
                .prefix(&source_id)
                .range(deps.storage, start.as_deref().map(Bound::exclusive), None, Order::Ascending)
                .take(page_limit(limit))
                .map(|item| {
                    item.map(|(_, a)| CollateralAssetResponse {
                        source_id: source_id.clone(),
                        asset: a.asset,
                        symbol: a.symbol,
                        decimals: a.decimals,
                        enabled: a.enabled,
                    })
                })
                .collect::<StdResult<_>>()?;
            to_json_binary(&CollateralAssetsResponse { assets })
        }
        QueryMsg::RemotePosition { source_id, owner, asset } => {
            to_json_binary(&remote_position(deps, now, source_id, owner, asset)?)
        }
        QueryMsg::AccountCollateral { account, start_after, limit } => {
            let start = start_after.map(|(s, o, a)| Bound::exclusive((s, o, a.key())));
            let positions = REMOTE_BY_ACCOUNT
                .prefix(account.clone())
                .keys(deps.storage, start, None, Order::Ascending)
                .take(page_limit(limit))
                .map(|key| position_response(deps, now, REMOTE_POSITIONS.load(deps.storage, key?)?))
                .collect::<StdResult<_>>()?;
            to_json_binary(&AccountCollateralResponse { account, positions })
        }
        QueryMsg::Reservation { reservation_id } => {
            let r = RESERVATIONS.load(deps.storage, reservation_id)?;
            to_json_binary(&reservation_response(reservation_id, r))
        }
        QueryMsg::Reservations { start_after, limit } => {
            let reservations = RESERVATIONS
                .range(deps.storage, start_after.map(Bound::exclusive), None, Order::Ascending)
                .take(page_limit(limit))
                .map(|item| item.map(|(id, r)| reservation_response(id, r)))
                .collect::<StdResult<_>>()?;
            to_json_binary(&ReservationsResponse { reservations })
        }
    }
}

fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    let quote = crate::state::market::QUOTE.load(deps.storage)?;
    Ok(ConfigResponse {
        owner: c.owner,
        risk_manager: c.risk_manager,
        guardian: c.guardian,
        controller: c.controller,
        max_staleness_seconds: c.max_staleness_seconds,
        paused: c.paused,
        quote_denom: quote.denom,
        quote_decimals: quote.decimals,
    })
}

fn source_response(deps: Deps, now: Timestamp, source_id: String, s: Source) -> StdResult<SourceResponse> {
    let max = CONFIG.load(deps.storage)?.max_staleness_seconds;
    let staleness = s.state.staleness_seconds(now);
    Ok(SourceResponse {
        source_id,
        connection_id: s.connection_id,
        counterparty_port: s.counterparty_port,
        channel_id: s.channel_id,
        last_heard: s.state.last_heard.map(|t| t.seconds()),
        staleness_seconds: staleness,
        backs_new_risk: staleness.is_some_and(|st| st <= max),
    })
}

fn position_response(deps: Deps, now: Timestamp, p: RemotePosition) -> StdResult<RemotePositionResponse> {
    let staleness = SOURCES.may_load(deps.storage, &p.source_id)?.and_then(|s| s.state.staleness_seconds(now));
    Ok(RemotePositionResponse {
        usable: p.usable(),
        source_id: p.source_id,
        owner: p.owner,
        account: Some(p.account),
        asset: p.asset,
        reported: p.reported,
        reserved: p.reserved,
        seq: p.seq,
        updated_at: Some(p.updated_at.seconds()),
        source_staleness_seconds: staleness,
    })
}

fn remote_position(
    deps: Deps,
    now: Timestamp,
    source_id: String,
    owner: String,
    asset: AssetInfo,
) -> StdResult<RemotePositionResponse> {
    match REMOTE_POSITIONS.may_load(deps.storage, remote_key(&source_id, &owner, &asset))? {
        Some(p) => position_response(deps, now, p),
        None => Ok(RemotePositionResponse {
            source_id,
            owner,
            account: None,
            asset,
            reported: Default::default(),
            reserved: Default::default(),
            usable: Default::default(),
            seq: 0,
            updated_at: None,
            source_staleness_seconds: None,
        }),
    }
}

fn reservation_response(reservation_id: u64, r: Reservation) -> ReservationResponse {
    ReservationResponse {
        reservation_id,
        account: r.account,
        source_id: r.source_id,
        owner: r.owner,
        asset: r.asset,
        amount: r.amount,
        created_at: r.created_at.seconds(),
    }
}
