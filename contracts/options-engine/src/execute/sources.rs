//! Source registry and collateral asset listing.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::state::{CollateralAsset, Source, COLLATERAL_ASSETS, CONFIG, SOURCES, SOURCE_BY_COUNTERPARTY};

pub fn validate_source_id(source_id: &str) -> ContractResult<()> {
    let ok = !source_id.is_empty()
        && source_id.len() <= 64
        && source_id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ContractError::InvalidSourceId)
    }
}

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
    validate_source_id(&source_id)?;
    if let Some(other) = SOURCE_BY_COUNTERPARTY.may_load(deps.storage, (&connection_id, &counterparty_port))? {
        if other != source_id {
            return Err(ContractError::CounterpartyTaken {
                connection: connection_id,
                port: counterparty_port,
                source_id: other,
            });
        }
    }
    let previous = SOURCES.may_load(deps.storage, &source_id)?;
    if let Some(prev) = &previous {
        if let Some(channel_id) = &prev.channel_id {
            return Err(ContractError::SourceConnected { source_id, channel_id: channel_id.clone() });
        }
        SOURCE_BY_COUNTERPARTY.remove(deps.storage, (&prev.connection_id, &prev.counterparty_port));
    }
    SOURCE_BY_COUNTERPARTY.save(deps.storage, (&connection_id, &counterparty_port), &source_id)?;
    SOURCES.save(
        deps.storage,
        &source_id,
        &Source {
            connection_id: connection_id.clone(),
            counterparty_port: counterparty_port.clone(),
            channel_id: None,
            last_heard: previous.and_then(|p| p.last_heard),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "register_source")
        .add_attribute("source_id", source_id)
        .add_attribute("connection_id", connection_id)
        .add_attribute("counterparty_port", counterparty_port))
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
