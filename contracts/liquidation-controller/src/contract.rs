//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    Binary, Deps, DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, IbcReceiveResponse, MessageInfo,
    Never, Reply, Response, StdResult,
};
use isthmus_protocol::controller::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractResult;
use crate::execute::{admin, insurance, refund, retry, seize};
use crate::ibc::ack::{resolve, Outcome};
use crate::state::{Config, Funds, CONFIG, FUNDS};

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
    CONFIG.save(
        deps.storage,
        &Config {
            owner: owner.clone(),
            engine: engine.clone(),
            quote_denom: msg.quote_denom,
            seize_timeout_seconds: admin::validate_timeout(msg.seize_timeout_seconds)?,
            max_in_flight_per_account: msg.max_in_flight_per_account,
            max_in_flight_per_source: msg.max_in_flight_per_source,
        },
    )?;
    FUNDS.save(deps.storage, &Funds::default())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("owner", owner)
        .add_attribute("engine", engine))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult<Response> {
    match msg {
        ExecuteMsg::RegisterSource { source_id, connection_id, counterparty_port } => {
            admin::register_source(deps, info, source_id, connection_id, counterparty_port)
        }
        ExecuteMsg::UpdateConfig {
            owner,
            seize_timeout_seconds,
            max_in_flight_per_account,
            max_in_flight_per_source,
        } => admin::update_config(
            deps,
            info,
            admin::ConfigUpdate { owner, seize_timeout_seconds, max_in_flight_per_account, max_in_flight_per_source },
        ),
        ExecuteMsg::Seize { account, source_id, owner, asset, recipient } => {
            seize::seize(deps, env, info, seize::SeizeRequest { account, source_id, owner, asset, recipient })
        }
        ExecuteMsg::DepositInsurance {} => insurance::deposit_insurance(deps, info),
        ExecuteMsg::CoverBadDebt { account } => insurance::cover_bad_debt(deps, info, account),
        ExecuteMsg::ClaimRefund { recipient } => refund::claim_refund(deps, info, recipient),
        ExecuteMsg::RetryEngineCall { seize_id, call } => retry::retry_engine_call(deps, info, seize_id, call),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    crate::query::query(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    crate::ibc::reply::reply(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(isthmus_protocol::version::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION, "0.0.0")??)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_open(deps: DepsMut, env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    crate::ibc::handshake::channel_open(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_connect(deps: DepsMut, env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    crate::ibc::handshake::channel_connect(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_close(deps: DepsMut, env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    crate::ibc::handshake::channel_close(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_receive(_deps: DepsMut, _env: Env, msg: IbcPacketReceiveMsg) -> Result<IbcReceiveResponse, Never> {
    Ok(crate::ibc::packet_receive(msg))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_ack(deps: DepsMut, _env: Env, msg: IbcPacketAckMsg) -> Result<IbcBasicResponse, Never> {
    Ok(resolve(deps, &msg.original_packet, Outcome::Ack(msg.acknowledgement.data)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_timeout(deps: DepsMut, _env: Env, msg: IbcPacketTimeoutMsg) -> Result<IbcBasicResponse, Never> {
    Ok(resolve(deps, &msg.packet, Outcome::Timeout))
}
