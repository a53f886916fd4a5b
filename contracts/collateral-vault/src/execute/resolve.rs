//! Resolving a withdrawal stranded by a channel close (issue 8, 9(a)).
//!
//! A withdrawal request the engine received just before the collateral channel closed can
//! never be acknowledged (an ack is relayed only on an OPEN channel) nor time out (the engine
//! holds its receipt). Once a new collateral channel is open, anyone may ask the engine, over
//! it, what became of the request: the engine answers from its record of approved requests
//! (`ibc/ack.rs` pays or rolls back on the answer). Asking is safe because the old channel is
//! closed on both ends (the vault learns of a close only by `ChanCloseConfirm`, which proves the
//! engine's end closed first), so a request not approved by now can never be approved.

use cosmwasm_std::{DepsMut, Env, Response};
use isthmus_protocol::packet::CollateralPacket;

use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::{engine_channel, CHANNELS, WITHDRAWALS};

pub fn resolve_withdrawal(deps: DepsMut, env: Env, request_id: u64) -> ContractResult<Response> {
    let withdrawal =
        WITHDRAWALS.may_load(deps.storage, request_id)?.ok_or(ContractError::UnknownWithdrawal { request_id })?;
    let still_open = CHANNELS.may_load(deps.storage, &withdrawal.channel_id)?.is_none_or(|c| c.open);
    if still_open {
        // Its ack or timeout will still come on that channel.
        return Err(ContractError::WithdrawalChannelOpen { request_id, channel_id: withdrawal.channel_id });
    }
    let channel = engine_channel(deps.storage)?;
    let packet = CollateralPacket::WithdrawOutcomeQuery {
        request_id,
        owner: withdrawal.owner.to_string(),
        asset: withdrawal.asset.clone(),
        amount: withdrawal.amount,
    };
    let msg = replication::send(deps.storage, &env, &channel, &packet)?;
    Ok(Response::new()
        .add_message(msg)
        .add_attribute("action", "resolve_withdrawal")
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("owner", withdrawal.owner)
        .add_attribute("asset", withdrawal.asset.to_string())
        .add_attribute("amount", withdrawal.amount)
        .add_attribute("closed_channel", withdrawal.channel_id)
        .add_attribute("channel_id", channel))
}
