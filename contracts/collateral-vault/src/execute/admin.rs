//! Admin and guardian actions.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use isthmus_protocol::vault::{AssetSettings, Counterparty};

use crate::error::{ContractError, ContractResult, Role};
use crate::state::{AssetState, ASSETS, CONFIG};

/// Packet timeouts outside [1 s, 1 week] are either useless or lock funds for too long.
pub const MAX_TIMEOUT_SECONDS: u64 = 7 * 24 * 3600;

pub fn validate_timeout(seconds: u64) -> ContractResult<u64> {
    if seconds == 0 || seconds > MAX_TIMEOUT_SECONDS {
        return Err(ContractError::InvalidTimeout);
    }
    Ok(seconds)
}

pub fn set_asset(deps: DepsMut, info: MessageInfo, settings: AssetSettings) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized("set_asset", Role::Admin));
    }
    if let isthmus_protocol::asset::AssetInfo::Cw20(addr) = &settings.asset {
        deps.api.addr_validate(addr)?;
    }
    let key = settings.asset.key();
    let total = ASSETS.may_load(deps.storage, &key)?.map(|s| s.total).unwrap_or_default();
    ASSETS.save(deps.storage, &key, &AssetState { settings: settings.clone(), total })?;
    Ok(Response::new()
        .add_attribute("action", "set_asset")
        .add_attribute("asset", key)
        .add_attribute("deposit_cap", settings.deposit_cap)
        .add_attribute("enabled", settings.enabled.to_string()))
}

pub struct ConfigUpdate {
    pub admin: Option<String>,
    pub guardian: Option<String>,
    pub engine: Option<Counterparty>,
    pub controller: Option<Counterparty>,
    pub packet_timeout_seconds: Option<u64>,
    pub heartbeat_interval_seconds: Option<u64>,
}

pub fn update_config(deps: DepsMut, info: MessageInfo, update: ConfigUpdate) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized("update_config", Role::Admin));
    }
    if let Some(admin) = update.admin {
        config.admin = deps.api.addr_validate(&admin)?;
    }
    if let Some(guardian) = update.guardian {
        config.guardian = deps.api.addr_validate(&guardian)?;
    }
    if let Some(engine) = update.engine {
        config.engine = engine;
    }
    if let Some(controller) = update.controller {
        config.controller = controller;
    }
    if let Some(t) = update.packet_timeout_seconds {
        config.packet_timeout_seconds = validate_timeout(t)?;
    }
    if let Some(h) = update.heartbeat_interval_seconds {
        config.heartbeat_interval_seconds = h;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("admin", config.admin)
        .add_attribute("guardian", config.guardian))
}

pub fn set_paused(deps: DepsMut, info: MessageInfo, paused: bool) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    // The guardian can stop the vault quickly; only the admin can start it again.
    let allowed = info.sender == config.admin || (paused && info.sender == config.guardian);
    if !allowed {
        let role = if paused { Role::GuardianOrAdmin } else { Role::Admin };
        return Err(ContractError::unauthorized("set_paused", role));
    }
    config.paused = paused;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "set_paused").add_attribute("paused", paused.to_string()))
}

/// Send the surplus of `asset` (balance above the books and the refunds held for seize
/// receivers) to `recipient` (admin). The books (positions and asset totals) are untouched, so
/// invariant 1 holds again afterwards.
pub fn sweep_surplus(
    deps: DepsMut,
    env: cosmwasm_std::Env,
    info: MessageInfo,
    asset: isthmus_protocol::asset::AssetInfo,
    recipient: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized("sweep_surplus", Role::Admin));
    }
    let recipient = deps.api.addr_validate(&recipient)?;
    let total = crate::state::load_asset(deps.storage, &asset)?.total;
    let balance = match &asset {
        isthmus_protocol::asset::AssetInfo::Native(denom) => {
            deps.querier.query_balance(&env.contract.address, denom)?.amount
        }
        isthmus_protocol::asset::AssetInfo::Cw20(token) => {
            cw20::Cw20Contract(cosmwasm_std::Addr::unchecked(token)).balance(&deps.querier, &env.contract.address)?
        }
    };
    // Refunded seize deliveries are held for their receivers: never part of the surplus.
    let held = crate::state::SEIZE_REFUNDS_HELD.may_load(deps.storage, &asset.key())?.unwrap_or_default();
    let surplus = balance.checked_sub(total.checked_add(held)?).unwrap_or_default();
    if surplus.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    Ok(Response::new()
        .add_message(crate::payout::transfer(&asset, recipient.as_str(), surplus)?)
        .add_attribute("action", "sweep_surplus")
        .add_attribute("asset", asset.to_string())
        .add_attribute("recipient", recipient)
        .add_attribute("amount", surplus))
}
