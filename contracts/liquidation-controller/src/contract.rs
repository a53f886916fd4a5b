//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    Binary, Deps, DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, IbcReceiveResponse, MessageInfo,
    Never, Response, StdResult,
};
use isthmus_protocol::controller::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::state::{Config, Source, CONFIG, SOURCES, SOURCE_BY_COUNTERPARTY};

pub const CONTRACT_NAME: &str = "crates.io:isthmus-liquidation-controller";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, info: MessageInfo, msg: InstantiateMsg) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let engine = deps.api.addr_validate(&msg.engine)?;
    CONFIG.save(deps.storage, &Config { owner: owner.clone(), engine: engine.clone() })?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("owner", owner)
        .add_attribute("engine", engine))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, _env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        let action = match msg {
            ExecuteMsg::RegisterSource { .. } => "register_source",
            ExecuteMsg::UpdateConfig { .. } => "update_config",
        };
        return Err(ContractError::Unauthorized { action: action.to_string() });
    }
    match msg {
        ExecuteMsg::RegisterSource { source_id, connection_id, counterparty_port } => {
            let valid = !source_id.is_empty()
                && source_id.len() <= 64
                && source_id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !valid {
                return Err(ContractError::InvalidSourceId);
            }
            if let Some(prev) = SOURCES.may_load(deps.storage, &source_id)? {
                if let Some(channel_id) = prev.channel_id {
                    return Err(ContractError::SourceConnected { source_id, channel_id });
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
                },
            )?;
            Ok(Response::new()
                .add_attribute("action", "register_source")
                .add_attribute("source_id", source_id)
                .add_attribute("connection_id", connection_id)
                .add_attribute("counterparty_port", counterparty_port))
        }
        ExecuteMsg::UpdateConfig { owner, engine } => {
            if let Some(o) = owner {
                config.owner = deps.api.addr_validate(&o)?;
            }
            if let Some(e) = engine {
                config.engine = deps.api.addr_validate(&e)?;
            }
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new()
                .add_attribute("action", "update_config")
                .add_attribute("owner", config.owner)
                .add_attribute("engine", config.engine))
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    crate::query::query(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME || !isthmus_protocol::version::is_upgrade(&stored.version, CONTRACT_VERSION) {
        return Err(ContractError::InvalidMigration {
            from_name: stored.contract,
            from_version: stored.version,
            to_version: CONTRACT_VERSION.to_string(),
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", CONTRACT_VERSION))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_open(deps: DepsMut, env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    crate::ibc::channel_open(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_connect(deps: DepsMut, env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    crate::ibc::channel_connect(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_close(deps: DepsMut, env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    crate::ibc::channel_close(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_receive(_deps: DepsMut, _env: Env, msg: IbcPacketReceiveMsg) -> Result<IbcReceiveResponse, Never> {
    Ok(crate::ibc::packet_receive(msg))
}

/// No seize is sent yet by this version, so nothing can be acknowledged; never fail.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_ack(_deps: DepsMut, _env: Env, msg: IbcPacketAckMsg) -> Result<IbcBasicResponse, Never> {
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "unexpected_ack")
        .add_attribute("sequence", msg.original_packet.sequence.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_timeout(_deps: DepsMut, _env: Env, msg: IbcPacketTimeoutMsg) -> Result<IbcBasicResponse, Never> {
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "unexpected_timeout")
        .add_attribute("sequence", msg.packet.sequence.to_string()))
}
