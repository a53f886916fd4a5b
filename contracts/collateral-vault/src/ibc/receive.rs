//! Seize packets from the controller (docs/protocol.md §3–4). Never fails the transaction: every
//! refusal is an error acknowledgement, and a refused packet changes no state (all checks
//! run before the first write). A seize id is executed at most once per controller
//! (`SEIZE_RECEIPTS`); a repeated id is refused.

use cosmwasm_std::{from_json, to_json_binary, DepsMut, Env, IbcPacketReceiveMsg, IbcReceiveResponse, SubMsg, Uint128};
use isthmus_protocol::ack::{ack_error, ack_success};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::packet::{SeizeAckResult, SeizePacket, SeizeRecipient};
use isthmus_protocol::vault::ChannelRole;

use crate::book::{self, Change};
use crate::error::{ContractError, ContractResult};
use crate::ibc::callback::SeizeMarker;
use crate::ibc::reply::{PayoutUndo, REPLY_SEIZE_DELIVERY};
use crate::payout::{self, Ics20Transfer};
use crate::state::{
    load_asset, load_position, position_key, SeizeReceipt, CHANNELS, CONFIG, CONTROLLER_CHANNEL, SEIZE_RECEIPTS,
};

pub fn packet_receive(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> IbcReceiveResponse {
    let channel_id = msg.packet.dest.channel_id.clone();
    match receive_seize(deps, env, msg) {
        Ok(response) => response,
        Err(err) => IbcReceiveResponse::new(ack_error(err.to_string()))
            .add_attribute("action", "packet_refused")
            .add_attribute("channel_id", channel_id)
            .add_attribute("error", err.to_string()),
    }
}

fn receive_seize(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> ContractResult<IbcReceiveResponse> {
    let channel_id = &msg.packet.dest.channel_id;
    let config = CONFIG.load(deps.storage)?;
    // The channel must be the open seize channel *and* still lead to the configured
    // controller: rotating a compromised controller in the config cuts its old channel off.
    let on_controller_channel = CONTROLLER_CHANNEL.may_load(deps.storage)?.as_deref() == Some(channel_id.as_str())
        && CHANNELS.may_load(deps.storage, channel_id)?.is_some_and(|c| {
            c.open
                && c.role == ChannelRole::Seize
                && c.connection_id == config.controller.connection_id
                && c.counterparty_port == config.controller.port_id
        });
    if !on_controller_channel {
        return Err(ContractError::NotControllerChannel { channel_id: channel_id.clone() });
    }
    if config.paused {
        return Err(ContractError::Paused);
    }
    let SeizePacket::Seize { seize_id, owner, asset, amount, recipient } = from_json(&msg.packet.data)?;
    let receipt_key = (config.controller.connection_id.as_str(), config.controller.port_id.as_str(), seize_id);
    if SEIZE_RECEIPTS.has(deps.storage, receipt_key) {
        return Err(ContractError::DuplicateSeize { seize_id });
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let owner = deps.api.addr_validate(&owner)?;
    load_asset(deps.storage, &asset)?;
    let position = load_position(deps.storage, &position_key(&owner, &asset))?
        .ok_or_else(|| ContractError::UnknownPosition { owner: owner.to_string(), asset: asset.to_string() })?;
    if position.available < amount {
        return Err(ContractError::InsufficientAvailable { requested: amount, available: position.available });
    }
    let marker = SeizeMarker {
        connection_id: config.controller.connection_id.clone(),
        controller_port: config.controller.port_id.clone(),
        seize_id,
    };
    let delivery = delivery_msg(&deps, &env, &asset, amount, &recipient, config.packet_timeout_seconds, &marker)?;

    // All checks passed: from here on the seize happens.
    let position = book::apply(deps.storage, &owner, &asset, None, Change::Seized(amount))?;
    // The id is spent even if the delivery below fails (the reply restores the position and
    // turns the ack into an error; the controller never re-sends an id).
    SEIZE_RECEIPTS.save(
        deps.storage,
        receipt_key,
        &SeizeReceipt {
            owner: owner.clone(),
            asset: asset.clone(),
            amount,
            executed_at: env.block.time,
            refunded: false,
        },
    )?;
    let undo = PayoutUndo {
        owner: owner.to_string(),
        asset: asset.clone(),
        amount,
        reason: format!("seize {seize_id}"),
        withdrawal: None,
    };
    let ack = ack_success(&SeizeAckResult { seq: position.seq, available: position.available });
    Ok(IbcReceiveResponse::new(ack)
        .add_submessage(SubMsg::reply_on_error(delivery, REPLY_SEIZE_DELIVERY).with_payload(to_json_binary(&undo)?))
        .add_attribute("action", "seize")
        .add_attribute("seize_id", seize_id.to_string())
        .add_attribute("controller_port", &config.controller.port_id)
        .add_attribute("owner", owner)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("available", position.available)
        .add_attribute("seq", position.seq.to_string()))
}

fn delivery_msg(
    deps: &DepsMut,
    env: &Env,
    asset: &AssetInfo,
    amount: Uint128,
    recipient: &SeizeRecipient,
    timeout_seconds: u64,
    marker: &SeizeMarker,
) -> ContractResult<cosmwasm_std::CosmosMsg> {
    match recipient {
        SeizeRecipient::Local { address } => {
            let address = deps
                .api
                .addr_validate(address)
                .map_err(|e| ContractError::InvalidRecipient { reason: e.to_string() })?;
            payout::transfer(asset, address.as_str(), amount)
        }
        SeizeRecipient::Ics20 { channel, receiver, memo } => {
            if channel.is_empty() || receiver.is_empty() {
                return Err(ContractError::InvalidRecipient {
                    reason: "ICS-20 channel and receiver must not be empty".to_string(),
                });
            }
            // The vault asks for a source callback, so that it learns of a refund.
            let memo = crate::ibc::callback::delivery_memo(memo, &env.contract.address, marker)?;
            payout::ics20_transfer(
                env,
                asset,
                amount,
                &Ics20Transfer { channel, receiver, memo: &memo, timeout_seconds },
            )
        }
    }
}
