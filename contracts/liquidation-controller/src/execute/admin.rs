//! Owner actions: the source allow-list and limits.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::error::{ContractError, ContractResult, Role};
use crate::state::{CONFIG, SOURCES};

fn only_owner(deps: &DepsMut, info: &MessageInfo, action: &str) -> ContractResult<()> {
    if info.sender != CONFIG.load(deps.storage)?.owner {
        return Err(ContractError::Unauthorized { action: action.to_string(), role: Role::Owner });
    }
    Ok(())
}

pub fn validate_timeout(seconds: u64) -> ContractResult<u64> {
    if seconds == 0 || seconds > isthmus_protocol::controller::MAX_SEIZE_TIMEOUT_SECONDS {
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
    // Seizes in flight were sent to the old vault; their outcome must land on the source they
    // were counted against before the source may name another vault.
    if let Some(previous) = SOURCES.may_load(deps.storage, &source_id)? {
        let rebinds = previous.connection_id != connection_id || previous.counterparty_port != counterparty_port;
        if rebinds && previous.state.in_flight > 0 {
            return Err(ContractError::SourceHasSeizesInFlight { source_id, in_flight: previous.state.in_flight });
        }
    }
    Ok(SOURCES.register_response(deps.storage, &source_id, &connection_id, &counterparty_port)?)
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
