//! Source registry and collateral asset listing.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::state::{CollateralAsset, COLLATERAL_ASSETS, CONFIG, SOURCES};

/// Register a source, or re-bind it to a new connection/port while it has no open channel.
pub fn register_source(
    deps: DepsMut,
    info: MessageInfo,
    source_id: String,
    connection_id: String,
    counterparty_port: String,
) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.owner {
        return Err(ContractError::unauthorized("register_source", "owner"));
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
        return Err(ContractError::unauthorized("set_collateral_asset", "risk manager"));
    }
    crate::state::load_source(deps.storage, &listing.source_id)?;
    COLLATERAL_ASSETS.save(
        deps.storage,
        (&listing.source_id, &listing.asset.key()),
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
