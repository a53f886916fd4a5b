//! Handshake and close policy of the collateral channel: the shared source registry's rules
//! (see `isthmus-source-registry`). A closed channel's source keeps its id and its replicated
//! positions (they are still true; the source grows stale and, past the maximum staleness,
//! backs no new risk); a new channel from the same registered counterparty re-attaches.

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
