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
    Ok(SOURCES.connect_response(deps.storage, &msg)?)
}

pub fn channel_close(deps: DepsMut, _env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    Ok(SOURCES.close_response(deps.storage, &msg)?)
}
