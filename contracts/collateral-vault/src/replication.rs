//! Building the packets that replicate vault state to the engine (docs/protocol.md §4).

use cosmwasm_std::{to_json_binary, Env, IbcMsg, IbcTimeout, Storage};
use isthmus_protocol::packet::CollateralPacket;

use crate::error::ContractResult;
use crate::state::{Position, CONFIG};

/// A packet on `channel_id` with the vault's configured relative timeout.
pub fn send(storage: &dyn Storage, env: &Env, channel_id: &str, packet: &CollateralPacket) -> ContractResult<IbcMsg> {
    let config = CONFIG.load(storage)?;
    Ok(IbcMsg::SendPacket {
        channel_id: channel_id.to_string(),
        data: to_json_binary(packet)?,
        timeout: IbcTimeout::with_timestamp(env.block.time.plus_seconds(config.packet_timeout_seconds)),
    })
}

/// The absolute state of `position`, as the engine applies it.
pub fn update_packet(position: &Position) -> CollateralPacket {
    CollateralPacket::CollateralUpdate {
        owner: position.owner.to_string(),
        account: position.account.clone(),
        asset: position.asset.clone(),
        available: position.available,
        seq: position.seq,
    }
}

/// `collateral_update` for `position` on the open engine channel, if there is one. With no
/// open channel the engine cannot be told; it still counts no more than before (changes
/// that add collateral wait for `sync_position`, changes that remove it cannot happen
/// without the engine's approval or a seize).
pub fn update_msg(storage: &dyn Storage, env: &Env, position: &Position) -> ContractResult<Option<IbcMsg>> {
    match crate::state::ENGINE_CHANNEL.may_load(storage)? {
        Some(channel) => Ok(Some(send(storage, env, &channel, &update_packet(position))?)),
        None => Ok(None),
    }
}
