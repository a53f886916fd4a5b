//! Permissionless re-send of a position's current state (after a channel re-open, or to
//! repair an engine that missed a packet).

use cosmwasm_std::{DepsMut, Env, Response};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::{engine_channel, load_position, position_key};

pub fn sync_position(deps: DepsMut, env: Env, owner: String, asset: AssetInfo) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&owner)?;
    let channel = engine_channel(deps.storage)?;
    let position = load_position(deps.storage, &position_key(&owner, &asset))?
        .ok_or_else(|| ContractError::UnknownPosition { owner: owner.to_string(), asset: asset.to_string() })?;
    let msg = replication::send(deps.storage, &env, &channel, &replication::update_packet(&position))?;
    Ok(Response::new()
        .add_message(msg)
        .add_attribute("action", "sync_position")
        .add_attribute("owner", owner)
        .add_attribute("asset", asset.to_string())
        .add_attribute("available", position.available)
        .add_attribute("seq", position.seq.to_string()))
}
