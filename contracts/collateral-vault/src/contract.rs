//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    Binary, Deps, DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, IbcReceiveResponse,
    IbcSourceCallbackMsg, MessageInfo, Never, Reply, Response, StdResult,
};
use isthmus_protocol::vault::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractResult;
use crate::execute::{admin, deposit, heartbeat, refund, resolve, sync, withdraw};
use crate::ibc;
use crate::state::{AssetState, Config, ASSETS, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:isthmus-collateral-vault";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest stored version `migrate` accepts: 0.2.0 stores compact values
/// (docs/storage.md), which a vault of 0.1.x, storing JSON, cannot be read as.
pub const OLDEST_READABLE_VERSION: &str = "0.2.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, info: MessageInfo, msg: InstantiateMsg) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let admin = match msg.admin {
        Some(a) => deps.api.addr_validate(&a)?,
        None => info.sender,
    };
    let guardian = match msg.guardian {
        Some(g) => deps.api.addr_validate(&g)?,
        None => admin.clone(),
    };
    CONFIG.save(
        deps.storage,
        &Config {
            admin: admin.clone(),
            guardian,
            engine: msg.engine,
            controller: msg.controller,
            packet_timeout_seconds: admin::validate_timeout(msg.packet_timeout_seconds)?,
            heartbeat_interval_seconds: msg.heartbeat_interval_seconds,
            paused: false,
        },
    )?;
    for settings in msg.assets {
        if let isthmus_protocol::asset::AssetInfo::Cw20(addr) = &settings.asset {
            deps.api.addr_validate(addr)?;
        }
        ASSETS.save(deps.storage, &settings.asset.key(), &AssetState { settings, total: Default::default() })?;
    }
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("admin", admin))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult<Response> {
    match msg {
        ExecuteMsg::Deposit { account, owner } => deposit::deposit_native(deps, env, info, account, owner),
        ExecuteMsg::Receive(msg) => deposit::receive_cw20(deps, env, info, msg),
        ExecuteMsg::Withdraw { asset, amount } => withdraw::withdraw(deps, env, info, asset, amount),
        ExecuteMsg::SyncPosition { owner, asset } => sync::sync_position(deps, env, owner, asset),
        ExecuteMsg::ResolveWithdrawal { request_id } => resolve::resolve_withdrawal(deps, env, request_id),
        ExecuteMsg::Heartbeat {} => heartbeat::heartbeat(deps, env),
        ExecuteMsg::SetAsset(settings) => admin::set_asset(deps, info, settings),
        ExecuteMsg::UpdateConfig {
            admin,
            guardian,
            engine,
            controller,
            packet_timeout_seconds,
            heartbeat_interval_seconds,
        } => admin::update_config(
            deps,
            info,
            admin::ConfigUpdate {
                admin,
                guardian,
                engine,
                controller,
                packet_timeout_seconds,
                heartbeat_interval_seconds,
            },
        ),
        ExecuteMsg::ClaimSeizeRefund { receiver, asset, recipient } => {
            refund::claim_seize_refund(deps, info, receiver, asset, recipient)
        }
        ExecuteMsg::SweepSurplus { asset, recipient } => admin::sweep_surplus(deps, env, info, asset, recipient),
        ExecuteMsg::SetPaused { paused } => admin::set_paused(deps, info, paused),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    crate::query::query(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    ibc::reply::reply(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(isthmus_protocol::version::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION, OLDEST_READABLE_VERSION)??)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_open(deps: DepsMut, env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    ibc::handshake::channel_open(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_connect(deps: DepsMut, env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    ibc::handshake::channel_connect(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_close(deps: DepsMut, env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    ibc::handshake::channel_close(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_receive(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> Result<IbcReceiveResponse, Never> {
    Ok(ibc::receive::packet_receive(deps, env, msg))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_ack(deps: DepsMut, env: Env, msg: IbcPacketAckMsg) -> Result<IbcBasicResponse, Never> {
    Ok(ibc::ack::packet_ack(deps, env, &msg.original_packet, msg.acknowledgement.data))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_timeout(deps: DepsMut, env: Env, msg: IbcPacketTimeoutMsg) -> Result<IbcBasicResponse, Never> {
    Ok(ibc::ack::packet_timeout(deps, env, &msg.packet))
}

/// Outcome of an ICS-20 seize delivery the vault sent (IBC callbacks): a refund is credited to
/// the delivery's receiver. Never fails.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_source_callback(deps: DepsMut, env: Env, msg: IbcSourceCallbackMsg) -> Result<IbcBasicResponse, Never> {
    Ok(ibc::callback::source_callback(deps, env, msg))
}
