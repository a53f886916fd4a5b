//! Owner and guardian actions.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::error::{ContractError, ContractResult, Role};
use crate::state::CONFIG;

pub struct ConfigUpdate {
    pub owner: Option<String>,
    pub risk_manager: Option<String>,
    pub guardian: Option<String>,
    pub controller: Option<String>,
    pub max_staleness_seconds: Option<u64>,
}

pub fn update_config(deps: DepsMut, info: MessageInfo, update: ConfigUpdate) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::unauthorized("update_config", Role::Owner));
    }
    if let Some(owner) = update.owner {
        config.owner = deps.api.addr_validate(&owner)?;
    }
    if let Some(rm) = update.risk_manager {
        config.risk_manager = deps.api.addr_validate(&rm)?;
    }
    if let Some(g) = update.guardian {
        config.guardian = deps.api.addr_validate(&g)?;
    }
    if let Some(c) = update.controller {
        config.controller = Some(deps.api.addr_validate(&c)?);
    }
    if let Some(s) = update.max_staleness_seconds {
        config.max_staleness_seconds = s;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("owner", config.owner)
        .add_attribute("max_staleness_seconds", config.max_staleness_seconds.to_string()))
}

pub fn set_paused(deps: DepsMut, info: MessageInfo, paused: bool) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    let allowed = info.sender == config.owner || (paused && info.sender == config.guardian);
    if !allowed {
        let role = if paused { Role::GuardianOrOwner } else { Role::Owner };
        return Err(ContractError::unauthorized("set_paused", role));
    }
    config.paused = paused;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "set_paused").add_attribute("paused", paused.to_string()))
}
