//! Collateral packets from the vaults (docs/protocol.md §3–4).
//!
//! Never fails the transaction: a bad or unacceptable packet is answered with an error
//! acknowledgement and changes no state (every check runs before the first write).

use cosmwasm_std::{from_json, DepsMut, Env, IbcPacketReceiveMsg, IbcReceiveResponse, StdAck, Timestamp, Uint128};
use isthmus_protocol::ack::{ack_error, ack_success};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::packet::{CollateralPacket, Received, WithdrawApproved, WithdrawOutcome, MAX_NAME_BYTES};

use crate::error::{ContractError, ContractResult};
use crate::state::{
    authorize_owner, remote_key, same_key, ApprovedWithdrawal, RemotePosition, APPROVED_WITHDRAWALS, AUTHORIZED_OWNERS,
    CONFIG, REMOTE_POSITIONS, SOURCES,
};
use crate::withdrawal_check;

/// Names longer than `MAX_NAME_BYTES` get an error ack: building a storage key from a much
/// longer one would abort the transaction, and `ibc_packet_receive` must answer every packet.
fn check_names(packet: &CollateralPacket) -> ContractResult<()> {
    let names: Vec<(&str, &str)> = match packet {
        CollateralPacket::CollateralUpdate { owner, account, asset, .. }
        | CollateralPacket::WithdrawRequest { owner, account, asset, .. } => {
            vec![("owner", owner), ("account", account), ("asset", asset_name(asset))]
        }
        CollateralPacket::WithdrawOutcomeQuery { owner, asset, .. } => {
            vec![("owner", owner), ("asset", asset_name(asset))]
        }
        CollateralPacket::Heartbeat { .. } => vec![],
    };
    match names.into_iter().find(|(_, name)| name.len() > MAX_NAME_BYTES) {
        Some((field, _)) => Err(crate::market_data::invalid(field, "longer than 256 bytes")),
        None => Ok(()),
    }
}

fn asset_name(asset: &AssetInfo) -> &str {
    match asset {
        AssetInfo::Native(name) | AssetInfo::Cw20(name) => name,
    }
}

pub fn packet_receive(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> IbcReceiveResponse {
    let channel_id = msg.packet.dest.channel_id.clone();
    match receive(deps, env, msg) {
        Ok(response) => response,
        Err(err) => IbcReceiveResponse::new(ack_error(err.to_string()))
            .add_attribute("action", "packet_refused")
            .add_attribute("channel_id", channel_id)
            .add_attribute("error", err.to_string()),
    }
}

fn receive(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> ContractResult<IbcReceiveResponse> {
    let channel_id = msg.packet.dest.channel_id;
    let source_id =
        SOURCES.source_of_channel(deps.storage, &channel_id)?.ok_or(ContractError::UnknownChannel { channel_id })?;
    let packet: CollateralPacket = from_json(&msg.packet.data)?;
    check_names(&packet)?;
    let now = env.block.time;
    let response = match packet {
        CollateralPacket::CollateralUpdate { owner, account, asset, available, seq } => {
            let applied = apply_state(deps.storage, &source_id, now, &owner, &account, &asset, available, seq)?;
            IbcReceiveResponse::new(ack_success(&Received {}))
                .add_attribute("action", "collateral_update")
                .add_attribute("source_id", &source_id)
                .add_attribute("owner", owner)
                .add_attribute("account", account)
                .add_attribute("asset", asset.to_string())
                .add_attribute("available", available)
                .add_attribute("seq", seq.to_string())
                .add_attribute("applied", applied.to_string())
        }
        CollateralPacket::WithdrawRequest { request_id, owner, account, asset, amount, available_after, seq } => {
            let request = Withdrawal {
                source_id: &source_id,
                owner: &owner,
                account: &account,
                asset: &asset,
                amount,
                available_after,
                seq,
            };
            let (ack, decision) = match decide_withdrawal(deps.storage, now, &request) {
                Ok(()) => {
                    apply_state(deps.storage, &source_id, now, &owner, &account, &asset, available_after, seq)?;
                    // Kept to answer the vault if this ack is lost to a channel close.
                    APPROVED_WITHDRAWALS.save(
                        deps.storage,
                        (&source_id, request_id),
                        &ApprovedWithdrawal { owner: owner.clone(), asset: asset.clone(), amount, approved_at: now },
                    )?;
                    (ack_success(&WithdrawApproved { request_id }), "approved".to_string())
                }
                // A rejection is an answer, not a failed packet: the vault rolls back.
                Err(reason) => (ack_error(reason.to_string()), format!("rejected: {reason}")),
            };
            withdrawal_response(ack, &source_id, request_id, &request, decision)
        }
        CollateralPacket::WithdrawOutcomeQuery { request_id, owner, asset, amount } => {
            // Approved only if this very request (same owner, asset and amount) was approved.
            let approved = APPROVED_WITHDRAWALS
                .may_load(deps.storage, (&source_id, request_id))?
                .is_some_and(|a| a.owner == owner && a.asset == asset && a.amount == amount);
            IbcReceiveResponse::new(ack_success(&WithdrawOutcome { request_id, approved }))
                .add_attribute("action", "withdraw_outcome_query")
                .add_attribute("source_id", &source_id)
                .add_attribute("request_id", request_id.to_string())
                .add_attribute("owner", owner)
                .add_attribute("asset", asset.to_string())
                .add_attribute("amount", amount)
                .add_attribute("approved", approved.to_string())
        }
        CollateralPacket::Heartbeat { vault_time, positions } => IbcReceiveResponse::new(ack_success(&Received {}))
            .add_attribute("action", "heartbeat")
            .add_attribute("source_id", &source_id)
            .add_attribute("vault_time", vault_time.seconds().to_string())
            .add_attribute("positions", positions.to_string()),
    };
    // Any packet processed proves the source is alive.
    SOURCES.update_state(deps.storage, &source_id, |state| state.last_heard = Some(now))?;
    Ok(response)
}

struct Withdrawal<'a> {
    source_id: &'a str,
    owner: &'a str,
    account: &'a str,
    asset: &'a AssetInfo,
    amount: Uint128,
    available_after: Uint128,
    seq: u64,
}

fn decide_withdrawal(storage: &dyn cosmwasm_std::Storage, now: Timestamp, req: &Withdrawal) -> ContractResult<()> {
    if CONFIG.load(storage)?.paused {
        return Err(ContractError::Paused);
    }
    let position = REMOTE_POSITIONS
        .may_load(storage, remote_key(req.source_id, req.owner, req.asset))?
        .unwrap_or_else(|| empty_position(req.source_id, req.owner, req.account, req.asset, now));
    withdrawal_check::check_withdrawal(
        storage,
        now.seconds(),
        &position,
        req.amount,
        req.available_after,
        position.accepts(req.seq),
    )
}

fn withdrawal_response(
    ack: StdAck,
    source_id: &str,
    request_id: u64,
    req: &Withdrawal,
    decision: String,
) -> IbcReceiveResponse {
    IbcReceiveResponse::new(ack)
        .add_attribute("action", "withdraw_request")
        .add_attribute("source_id", source_id)
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("owner", req.owner)
        .add_attribute("account", req.account)
        .add_attribute("asset", req.asset.to_string())
        .add_attribute("amount", req.amount)
        .add_attribute("decision", decision)
}

fn empty_position(source_id: &str, owner: &str, account: &str, asset: &AssetInfo, now: Timestamp) -> RemotePosition {
    RemotePosition {
        source_id: source_id.to_string(),
        owner: owner.to_string(),
        account: account.to_string(),
        asset: asset.clone(),
        reported: Uint128::zero(),
        reserved: Uint128::zero(),
        seq: 0,
        updated_at: now,
        unconfirmed: false,
    }
}

/// Apply `(seq, available)` to the replica if `seq` is newer (or equal while the replica is
/// unconfirmed, see `RemotePosition::accepts`): duplicate, late and out-of-order packets are
/// harmless. Returns whether it was applied.
#[allow(clippy::too_many_arguments)]
fn apply_state(
    storage: &mut dyn cosmwasm_std::Storage,
    source_id: &str,
    now: Timestamp,
    owner: &str,
    account: &str,
    asset: &AssetInfo,
    available: Uint128,
    seq: u64,
) -> ContractResult<bool> {
    let key = remote_key(source_id, owner, asset);
    let before = REMOTE_POSITIONS.may_load(storage, key.clone())?;
    let mut position = before.clone().unwrap_or_else(|| empty_position(source_id, owner, account, asset, now));
    if !position.accepts(seq) {
        return Ok(false);
    }
    position.unconfirmed = false;
    position.seq = seq;
    position.reported = available;
    position.account = account.to_string();
    position.updated_at = now;
    crate::remote_book::save(storage, key, before.as_ref(), &position)?;
    // The owner's own account counts its collateral without a separate consent. (If the
    // account already counts the maximum of owners, it stays uncounted: safe, under-counting.)
    if same_key(owner, account) && !AUTHORIZED_OWNERS.has(storage, (account, source_id, owner)) {
        let _ = authorize_owner(storage, account, source_id, owner);
    }
    Ok(true)
}
