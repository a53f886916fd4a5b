//! Owner actions: the source allow-list and limits.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::error::{ContractError, ContractResult};
use crate::state::{Source, CONFIG, SOURCES, SOURCE_BY_COUNTERPARTY};

fn only_owner(deps: &DepsMut, info: &MessageInfo, action: &str) -> ContractResult<()> {
    if info.sender != CONFIG.load(deps.storage)?.owner {
        return Err(ContractError::Unauthorized { action: action.to_string() });
    }
    Ok(())
}

pub fn validate_timeout(seconds: u64) -> ContractResult<u64> {
    if seconds == 0 || seconds > 86_400 {
        return Err(ContractError::InvalidTimeout);
    }
    Ok(seconds)
}

pub fn register_source(
    deps: DepsMut,
    info: MessageInfo,
    source_id: String,
    connection_id: String,
    counterparty_port: String,
) -> ContractResult<Response> {
    only_owner(&deps, &info, "register_source")?;
    let valid = !source_id.is_empty()
        && source_id.len() <= 64
        && source_id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        return Err(ContractError::InvalidSourceId);
    }
    let mut in_flight = 0;
    if let Some(prev) = SOURCES.may_load(deps.storage, &source_id)? {
        if let Some(channel_id) = prev.channel_id {
            return Err(ContractError::SourceConnected { source_id, channel_id });
        }
        in_flight = prev.in_flight;
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
            in_flight,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "register_source")
        .add_attribute("source_id", source_id)
        .add_attribute("connection_id", connection_id)
        .add_attribute("counterparty_port", counterparty_port))
}

pub struct ConfigUpdate {
    pub owner: Option<String>,
    pub seize_timeout_seconds: Option<u64>,
    pub max_in_flight_per_account: Option<u32>,
    pub max_in_flight_per_source: Option<u32>,
}

pub fn update_config(deps: DepsMut, info: MessageInfo, update: ConfigUpdate) -> ContractResult<Response> {
    only_owner(&deps, &info, "update_config")?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(o) = update.owner {
        config.owner = deps.api.addr_validate(&o)?;
    }
    if let Some(t) = update.seize_timeout_seconds {
        config.seize_timeout_seconds = validate_timeout(t)?;
    }
    if let Some(m) = update.max_in_flight_per_account {
        config.max_in_flight_per_account = m;
    }
    if let Some(m) = update.max_in_flight_per_source {
        config.max_in_flight_per_source = m;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("owner", config.owner)
        .add_attribute("seize_timeout_seconds", config.seize_timeout_seconds.to_string()))
}
