//! Source registry and collateral asset listing (at most `MAX_SOURCES` sources and
//! `MAX_ASSETS_PER_SOURCE` assets per source, which bound the per-source cap's work).

use cosmwasm_std::{DepsMut, MessageInfo, Order, Response};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult, Role};
use crate::state::{
    CollateralAsset, COLLATERAL_ASSETS, CONFIG, MAX_ASSETS_PER_SOURCE, MAX_SOURCES, REMOTE_POSITIONS, SOURCES,
};

/// Register a source, or re-bind it to a new connection/port while it has no open channel
/// and no replicated position. A source id names one vault for good once that vault has
/// reported: its replicated positions (and their `seq`s) are that vault's, so keeping them
/// under another vault would count collateral the new vault does not hold, and the new
/// vault's updates (whose `seq` starts again at 1) would be ignored as stale.
pub fn register_source(
    deps: DepsMut,
    info: MessageInfo,
    source_id: String,
    connection_id: String,
    counterparty_port: String,
) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.owner {
        return Err(ContractError::unauthorized("register_source", Role::Owner));
    }
    match SOURCES.may_load(deps.storage, &source_id)? {
        Some(previous) => {
            let rebinds = previous.connection_id != connection_id || previous.counterparty_port != counterparty_port;
            let has_positions = REMOTE_POSITIONS
                .sub_prefix(source_id.clone())
                .keys(deps.storage, None, None, Order::Ascending)
                .next()
                .is_some();
            if rebinds && has_positions {
                return Err(ContractError::SourceHasReplicatedPositions { source_id });
            }
        }
        // A new source: the per-source cap values every source in each margin evaluation.
        None if SOURCES.page(deps.storage, None, MAX_SOURCES)?.len() >= MAX_SOURCES => {
            return Err(ContractError::TooManySources { max: MAX_SOURCES as u32 });
        }
        None => {}
    }
    Ok(SOURCES.register_response(deps.storage, &source_id, &connection_id, &counterparty_port)?)
}

pub struct AssetListing {
    pub source_id: String,
    pub asset: AssetInfo,
    pub symbol: String,
    pub decimals: u8,
    pub enabled: bool,
}

pub fn set_collateral_asset(deps: DepsMut, info: MessageInfo, listing: AssetListing) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.risk_manager {
        return Err(ContractError::unauthorized("set_collateral_asset", Role::RiskManager));
    }
    crate::state::load_source(deps.storage, &listing.source_id)?;
    let key = listing.asset.key();
    if !COLLATERAL_ASSETS.has(deps.storage, (&listing.source_id, &key)) {
        // `range` rather than `keys`: the same code as the cap's valuation (wasm size).
        let listed = COLLATERAL_ASSETS
            .prefix(&listing.source_id)
            .range(deps.storage, None, None, Order::Ascending)
            .take(MAX_ASSETS_PER_SOURCE)
            .count();
        if listed >= MAX_ASSETS_PER_SOURCE {
            return Err(ContractError::TooManyCollateralAssets {
                source_id: listing.source_id,
                max: MAX_ASSETS_PER_SOURCE as u32,
            });
        }
    }
    COLLATERAL_ASSETS.save(
        deps.storage,
        (&listing.source_id, &key),
        &CollateralAsset {
            asset: listing.asset.clone(),
            symbol: listing.symbol.clone(),
            decimals: listing.decimals,
            enabled: listing.enabled,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "set_collateral_asset")
        .add_attribute("source_id", listing.source_id)
        .add_attribute("asset", listing.asset.to_string())
        .add_attribute("symbol", listing.symbol)
        .add_attribute("decimals", listing.decimals.to_string())
        .add_attribute("enabled", listing.enabled.to_string()))
}
