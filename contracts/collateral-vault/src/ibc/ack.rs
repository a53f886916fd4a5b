//! Acknowledgements and timeouts of the packets the vault sends to the engine.
//!
//! These handlers never return an error (a failing handler leaves the packet unresolved and
//! its funds in limbo): any internal failure is recorded as an event instead. Every
//! optimistic change is undone exactly once, because the pending withdrawal record is
//! removed by whichever of ack or timeout resolves it first (IBC delivers only one).

use cosmwasm_std::{from_json, to_json_binary, Binary, DepsMut, Env, IbcBasicResponse, IbcPacket, SubMsg};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::packet::{CollateralPacket, Received, WithdrawApproved, WithdrawOutcome};
use isthmus_protocol::vault::WithdrawalStatus;

use crate::book::{self, Change};
use crate::error::ContractResult;
use crate::ibc::reply::{PayoutUndo, REPLY_WITHDRAW_PAYOUT};
use crate::payout;
use crate::replication;
use crate::state::{close_withdrawal, load_position, position_key, WithdrawalRecord, WITHDRAWALS, WITHDRAWAL_RECORDS};

/// How a packet the vault sent ended.
enum Outcome {
    Acknowledged(Binary),
    TimedOut,
}

pub fn packet_ack(deps: DepsMut, env: Env, packet: &IbcPacket, ack: Binary) -> IbcBasicResponse {
    never_fail(resolve(deps, env, packet, Outcome::Acknowledged(ack)))
}

pub fn packet_timeout(deps: DepsMut, env: Env, packet: &IbcPacket) -> IbcBasicResponse {
    never_fail(resolve(deps, env, packet, Outcome::TimedOut))
}

fn never_fail(result: ContractResult<IbcBasicResponse>) -> IbcBasicResponse {
    result.unwrap_or_else(|err| {
        IbcBasicResponse::new()
            .add_attribute("action", "packet_resolution_error")
            .add_attribute("error", err.to_string())
    })
}

fn resolve(deps: DepsMut, env: Env, packet: &IbcPacket, how: Outcome) -> ContractResult<IbcBasicResponse> {
    // Only our own packets reach here; one that does not decode is recorded and dropped.
    let sent: CollateralPacket = from_json(&packet.data)?;
    match sent {
        CollateralPacket::CollateralUpdate { owner, asset, seq, .. } => {
            let response = IbcBasicResponse::new()
                .add_attribute("owner", &owner)
                .add_attribute("asset", asset.to_string())
                .add_attribute("seq", seq.to_string());
            match how {
                Outcome::Acknowledged(ack) => Ok(match parse_ack::<Received>(&ack) {
                    AckOutcome::Success(_) => response.add_attribute("action", "collateral_update_acked"),
                    // Re-sending a refused update would loop; the event lets operators see it.
                    AckOutcome::Error(reason) => {
                        response.add_attribute("action", "collateral_update_refused").add_attribute("reason", reason)
                    }
                }),
                Outcome::TimedOut => {
                    // Re-send the position's *current* state: the engine applies it only if newer.
                    let owner_addr = deps.api.addr_validate(&owner)?;
                    let mut response = response.add_attribute("action", "collateral_update_timeout");
                    if let Some(position) = load_position(deps.storage, &position_key(&owner_addr, &asset))? {
                        if let Some(msg) = replication::update_msg(deps.storage, &env, &position)? {
                            response = response.add_message(msg).add_attribute("resent_seq", position.seq.to_string());
                        }
                    }
                    Ok(response)
                }
            }
        }
        CollateralPacket::WithdrawRequest { request_id, .. } => resolve_withdrawal(deps, env, request_id, how),
        CollateralPacket::WithdrawOutcomeQuery { request_id, .. } => {
            // Only a readable answer about this very request decides; anything else (an error
            // ack, a timeout) leaves the withdrawal pending, to be asked again.
            let answer = match how {
                Outcome::Acknowledged(ack) => match parse_ack::<WithdrawOutcome>(&ack) {
                    AckOutcome::Success(Some(o)) if o.request_id == request_id => Some(o.approved),
                    _ => None,
                },
                Outcome::TimedOut => None,
            };
            match answer {
                Some(true) => resolve_withdrawal(deps, env, request_id, Decision::Approved),
                Some(false) => resolve_withdrawal(
                    deps,
                    env,
                    request_id,
                    Decision::Refused("not approved before its channel closed".to_string()),
                ),
                None => Ok(IbcBasicResponse::new()
                    .add_attribute("action", "withdraw_outcome_unknown")
                    .add_attribute("request_id", request_id.to_string())),
            }
        }
        CollateralPacket::Heartbeat { .. } => Ok(IbcBasicResponse::new().add_attribute(
            "action",
            match how {
                Outcome::Acknowledged(_) => "heartbeat_acked",
                Outcome::TimedOut => "heartbeat_timeout",
            },
        )),
    }
}

/// The engine's answer about a withdrawal.
enum Decision {
    Approved,
    Refused(String),
    /// The request itself timed out: the engine never answered.
    TimedOut,
}

impl From<Outcome> for Decision {
    /// The ack or timeout of the withdrawal request itself.
    fn from(how: Outcome) -> Self {
        let outcome = match how {
            Outcome::Acknowledged(ack) => parse_ack::<WithdrawApproved>(&ack),
            Outcome::TimedOut => return Decision::TimedOut,
        };
        match outcome {
            AckOutcome::Success(_) => Decision::Approved,
            AckOutcome::Error(reason) => Decision::Refused(reason),
        }
    }
}

fn resolve_withdrawal(
    deps: DepsMut,
    env: Env,
    request_id: u64,
    decision: impl Into<Decision>,
) -> ContractResult<IbcBasicResponse> {
    let Some(withdrawal) = WITHDRAWALS.may_load(deps.storage, request_id)? else {
        return Ok(IbcBasicResponse::new()
            .add_attribute("action", "withdraw_already_resolved")
            .add_attribute("request_id", request_id.to_string()));
    };
    let payout_msg = payout::transfer(&withdrawal.asset, withdrawal.owner.as_str(), withdrawal.amount)?;
    let base = IbcBasicResponse::new()
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("owner", withdrawal.owner.as_str())
        .add_attribute("asset", withdrawal.asset.to_string())
        .add_attribute("amount", withdrawal.amount);

    let decision = decision.into();
    // Written with the removal of the pending record, never before the position moved (a
    // failure in between is recorded by `never_fail` and keeps its earlier writes).
    let record = |status| WithdrawalRecord {
        owner: withdrawal.owner.clone(),
        asset: withdrawal.asset.clone(),
        amount: withdrawal.amount,
        requested_at: withdrawal.requested_at,
        status,
        decided_at: env.block.time,
    };
    match decision {
        Decision::Approved => {
            let position = book::apply(
                deps.storage,
                &withdrawal.owner,
                &withdrawal.asset,
                None,
                Change::PendingPaid(withdrawal.amount),
            )?;
            // The record goes only once the position moved: a failure leaves it pending.
            close_withdrawal(deps.storage, &withdrawal);
            WITHDRAWAL_RECORDS.save(deps.storage, request_id, &record(WithdrawalStatus::Paid {}))?;
            let undo = PayoutUndo {
                owner: withdrawal.owner.to_string(),
                asset: withdrawal.asset.clone(),
                amount: withdrawal.amount,
                reason: format!("withdrawal {request_id}"),
                withdrawal: Some(request_id),
            };
            Ok(base
                .add_submessage(
                    SubMsg::reply_on_error(payout_msg, REPLY_WITHDRAW_PAYOUT).with_payload(to_json_binary(&undo)?),
                )
                .add_attribute("action", "withdraw_paid")
                .add_attribute("pending", position.pending))
        }
        Decision::Refused(_) | Decision::TimedOut => {
            let (reason, status) = match &decision {
                Decision::Refused(reason) => (reason.as_str(), WithdrawalStatus::RolledBack { reason: reason.clone() }),
                _ => ("timeout", WithdrawalStatus::TimedOut {}),
            };
            let position = book::apply(
                deps.storage,
                &withdrawal.owner,
                &withdrawal.asset,
                None,
                Change::PendingReturned(withdrawal.amount),
            )?;
            // The record goes only once the position moved: a failure leaves it pending.
            close_withdrawal(deps.storage, &withdrawal);
            WITHDRAWAL_RECORDS.save(deps.storage, request_id, &record(status))?;
            let mut response = base
                .add_attribute("action", "withdraw_rolled_back")
                .add_attribute("reason", reason)
                .add_attribute("available", position.available)
                .add_attribute("seq", position.seq.to_string());
            if let Some(msg) = replication::update_msg(deps.storage, &env, &position)? {
                response = response.add_message(msg);
            }
            Ok(response)
        }
    }
}
