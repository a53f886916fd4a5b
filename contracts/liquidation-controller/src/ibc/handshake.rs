//! Seize-channel handshake and close policy: the shared source registry's rules (see
//! `isthmus-source-registry`). Seizes in flight on a closed channel time out and roll back;
//! a new channel from the same registered vault re-attaches to its source id.

use cosmwasm_std::{
    DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse,
};

use crate::error::ContractResult;
use crate::state::SOURCES;

pub fn channel_open(deps: DepsMut, _env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    Ok(SOURCES.channel_open(deps.storage, &msg)?)
}

pub fn channel_connect(deps: DepsMut, _env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    let (source_id, channel_id) = SOURCES.channel_connect(deps.storage, &msg)?;
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_connect")
        .add_attribute("channel_id", channel_id)
        .add_attribute("source_id", source_id))
}

pub fn channel_close(deps: DepsMut, _env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    let (channel_id, source_id) = SOURCES.channel_close(deps.storage, &msg)?;
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_close")
        .add_attribute("channel_id", channel_id)
        .add_attribute("source_id", source_id.unwrap_or_default()))
}
