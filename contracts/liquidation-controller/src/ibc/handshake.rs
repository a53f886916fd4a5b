//! Seize-channel handshake. Close policy: as for the engine, `ChanCloseInit` is refused and a
//! counterparty close is recorded; seizes in flight on a closed channel time out and roll
//! back, and a new channel from the same registered vault re-attaches to its source id.

use cosmwasm_std::{
    DepsMut, Env, IbcBasicResponse, IbcChannel, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, Storage,
};
use isthmus_protocol::handshake::{check_channel_connect_version, check_channel_open, HandshakeError};

use crate::error::{ContractError, ContractResult};
use crate::state::{CHANNEL_SOURCES, SOURCES, SOURCE_BY_COUNTERPARTY};

fn source_of(storage: &dyn Storage, channel: &IbcChannel) -> ContractResult<Option<String>> {
    Ok(SOURCE_BY_COUNTERPARTY.may_load(storage, (&channel.connection_id, &channel.counterparty_endpoint.port_id))?)
}

fn ensure_not_connected(storage: &dyn Storage, source_id: &str) -> ContractResult<()> {
    if let Some(channel_id) = SOURCES.load(storage, source_id)?.channel_id {
        return Err(HandshakeError::AlreadyConnected { channel_id }.into());
    }
    Ok(())
}

pub fn channel_open(deps: DepsMut, _env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    let source = source_of(deps.storage, msg.channel())?;
    let response = check_channel_open(&msg, |_| source.is_some())?;
    if let Some(source_id) = source {
        ensure_not_connected(deps.storage, &source_id)?;
    }
    Ok(response)
}

pub fn channel_connect(deps: DepsMut, _env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    check_channel_connect_version(msg.counterparty_version())?;
    let channel = msg.channel();
    let source_id = source_of(deps.storage, channel)?.ok_or_else(|| HandshakeError::CounterpartyNotAllowed {
        connection: channel.connection_id.clone(),
        port: channel.counterparty_endpoint.port_id.clone(),
    })?;
    ensure_not_connected(deps.storage, &source_id)?;
    let channel_id = channel.endpoint.channel_id.clone();
    let mut source = SOURCES.load(deps.storage, &source_id)?;
    source.channel_id = Some(channel_id.clone());
    SOURCES.save(deps.storage, &source_id, &source)?;
    CHANNEL_SOURCES.save(deps.storage, &channel_id, &source_id)?;
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_connect")
        .add_attribute("channel_id", channel_id)
        .add_attribute("source_id", source_id))
}

pub fn channel_close(deps: DepsMut, _env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    if let IbcChannelCloseMsg::CloseInit { .. } = msg {
        return Err(ContractError::CloseNotAllowed);
    }
    let channel_id = msg.channel().endpoint.channel_id.clone();
    if let Some(source_id) = CHANNEL_SOURCES.may_load(deps.storage, &channel_id)? {
        CHANNEL_SOURCES.remove(deps.storage, &channel_id);
        let mut source = SOURCES.load(deps.storage, &source_id)?;
        source.channel_id = None;
        SOURCES.save(deps.storage, &source_id, &source)?;
    }
    Ok(IbcBasicResponse::new().add_attribute("action", "channel_close").add_attribute("channel_id", channel_id))
}
