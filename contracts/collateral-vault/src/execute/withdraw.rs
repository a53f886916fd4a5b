//! Phase one of a withdrawal (docs/protocol.md §4): move the amount to pending and ask the engine.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::packet::CollateralPacket;

use crate::book::{self, Change};
use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::{engine_channel, load_asset, next_request_id, open_withdrawal, PendingWithdrawal, CONFIG};

pub fn withdraw(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    asset: AssetInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if CONFIG.load(deps.storage)?.paused {
        return Err(ContractError::Paused);
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    load_asset(deps.storage, &asset)?;
    let channel = engine_channel(deps.storage)?;

    // Only the owner can withdraw: the position is keyed by the sender.
    let position = book::apply(deps.storage, &info.sender, &asset, None, Change::ToPending(amount))?;
    let request_id = next_request_id(deps.storage)?;
    open_withdrawal(
        deps.storage,
        &PendingWithdrawal {
            request_id,
            owner: info.sender.clone(),
            asset: asset.clone(),
            amount,
            channel_id: channel.clone(),
            requested_at: env.block.time,
        },
    )?;
    let packet = CollateralPacket::WithdrawRequest {
        request_id,
        owner: info.sender.to_string(),
        account: position.account.clone(),
        asset: asset.clone(),
        amount,
        available_after: position.available,
        seq: position.seq,
    };
    let msg = replication::send(deps.storage, &env, &channel, &packet)?;

    Ok(Response::new()
        .add_message(msg)
        .add_attribute("action", "withdraw_request")
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("owner", info.sender)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("available", position.available)
        .add_attribute("pending", position.pending)
        .add_attribute("seq", position.seq.to_string()))
}
