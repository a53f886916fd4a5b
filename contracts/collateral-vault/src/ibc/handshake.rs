//! Channel handshake and close policy.
//!
//! Opening side: the vault starts every Isthmus channel (`ChanOpenInit`, then `ChanOpenAck`)
//! and refuses `ChanOpenTry`; the engine and the controller only respond. A fixed opening side
//! is what keeps two crossing handshakes from leaving the vault on a channel the other end
//! never opened (see `isthmus_protocol::handshake`).
//!
//! Close policy: the vault never initiates a close and refuses `ChanCloseInit` (nothing
//! would be gained: unordered channels survive timeouts, and a closed collateral channel
//! would strand the owners' withdrawals). A counterparty close (`ChanCloseConfirm`) cannot be
//! refused by IBC; the vault records it and stops sending on that channel. Packets still in
//! flight are timed out by relayers (`TimeoutOnClose`) and rolled back by the timeout
//! handler, so nothing is lost. Deposits and withdrawals wait for a new channel, which
//! the admin allow-list admits again; `sync_position` then re-sends any position.

use cosmwasm_std::{
    DepsMut, Env, IbcBasicResponse, IbcChannel, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, Storage,
};
use isthmus_protocol::handshake::{check_channel_connect, check_channel_open, HandshakeError, HandshakeRole};
use isthmus_protocol::vault::{ChannelRole, Counterparty};

use crate::error::{ContractError, ContractResult};
use crate::state::{ChannelRecord, Config, CHANNELS, CONFIG, CONTROLLER_CHANNEL, ENGINE_CHANNEL};

fn matches(counterparty: &Counterparty, channel: &IbcChannel) -> bool {
    counterparty.connection_id == channel.connection_id && counterparty.port_id == channel.counterparty_endpoint.port_id
}

fn role_of(config: &Config, channel: &IbcChannel) -> Option<ChannelRole> {
    if matches(&config.engine, channel) {
        Some(ChannelRole::Collateral)
    } else if matches(&config.controller, channel) {
        Some(ChannelRole::Seize)
    } else {
        None
    }
}

fn open_channel_of(storage: &dyn Storage, role: ChannelRole) -> ContractResult<Option<String>> {
    Ok(match role {
        ChannelRole::Collateral => ENGINE_CHANNEL.may_load(storage)?,
        ChannelRole::Seize => CONTROLLER_CHANNEL.may_load(storage)?,
    })
}

pub fn channel_open(deps: DepsMut, _env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    let config = CONFIG.load(deps.storage)?;
    let role = role_of(&config, msg.channel());
    let response = check_channel_open(&msg, HandshakeRole::Initiator, |_| role.is_some())?;
    if let Some(role) = role {
        // One live channel per role, so packets can never be split across two.
        if let Some(channel_id) = open_channel_of(deps.storage, role)? {
            return Err(HandshakeError::AlreadyConnected { channel_id }.into());
        }
    }
    Ok(response)
}

pub fn channel_connect(deps: DepsMut, _env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    check_channel_connect(&msg, HandshakeRole::Initiator)?;
    let channel = msg.channel();
    let config = CONFIG.load(deps.storage)?;
    let role = role_of(&config, channel).ok_or_else(|| HandshakeError::CounterpartyNotAllowed {
        connection: channel.connection_id.clone(),
        port: channel.counterparty_endpoint.port_id.clone(),
    })?;
    if let Some(channel_id) = open_channel_of(deps.storage, role)? {
        return Err(HandshakeError::AlreadyConnected { channel_id }.into());
    }
    let channel_id = channel.endpoint.channel_id.clone();
    CHANNELS.save(
        deps.storage,
        &channel_id,
        &ChannelRecord {
            role,
            connection_id: channel.connection_id.clone(),
            counterparty_port: channel.counterparty_endpoint.port_id.clone(),
            open: true,
        },
    )?;
    match role {
        ChannelRole::Collateral => ENGINE_CHANNEL.save(deps.storage, &channel_id)?,
        ChannelRole::Seize => CONTROLLER_CHANNEL.save(deps.storage, &channel_id)?,
    }
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_connect")
        .add_attribute("channel_id", channel_id)
        .add_attribute("role", role.as_str()))
}

pub fn channel_close(deps: DepsMut, _env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    if let IbcChannelCloseMsg::CloseInit { .. } = msg {
        return Err(ContractError::CloseNotAllowed);
    }
    let channel_id = msg.channel().endpoint.channel_id.clone();
    if let Some(mut record) = CHANNELS.may_load(deps.storage, &channel_id)? {
        record.open = false;
        CHANNELS.save(deps.storage, &channel_id, &record)?;
        let current = open_channel_of(deps.storage, record.role)?;
        if current.as_deref() == Some(channel_id.as_str()) {
            match record.role {
                ChannelRole::Collateral => ENGINE_CHANNEL.remove(deps.storage),
                ChannelRole::Seize => CONTROLLER_CHANNEL.remove(deps.storage),
            }
        }
    }
    Ok(IbcBasicResponse::new().add_attribute("action", "channel_close").add_attribute("channel_id", channel_id))
}
