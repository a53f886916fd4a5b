//! Seize outcomes (docs/protocol.md §4, §7.2). Success: the engine applies the vault's `(seq,
//! available)`, the reservation is consumed and the escrow repays the debt. Error ack or
//! timeout: the reservation is released and the escrow goes back to the keeper (if that send
//! fails, the refund becomes claimable: `ibc/reply.rs`). A seize
//! is resolved once: only a record still in flight is acted on. Never returns an error.

use cosmwasm_std::{
    from_json, to_json_binary, BankMsg, Binary, Coin, CosmosMsg, DepsMut, IbcBasicResponse, IbcPacket, SubMsg,
};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::contracts::EngineContract;
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::engine::ExecuteMsg as EngineMsg;
use isthmus_protocol::packet::{SeizeAckResult, SeizePacket};

use crate::error::ContractResult;
use crate::ibc::reply::{EngineCallPayload, Refund, REPLY_ENGINE_CALL, REPLY_REFUND};
use crate::state::{seizes, Config, ACCOUNT_IN_FLIGHT, ACCOUNT_REPAY_IN_FLIGHT, CONFIG, FUNDS, SOURCES};
use isthmus_protocol::controller::EngineCall;

pub enum Outcome {
    Ack(Binary),
    Timeout,
}

pub fn resolve(deps: DepsMut, packet: &IbcPacket, outcome: Outcome) -> IbcBasicResponse {
    resolve_inner(deps, packet, outcome).unwrap_or_else(|err| {
        IbcBasicResponse::new()
            .add_attribute("action", "seize_resolution_error")
            .add_attribute("error", err.to_string())
    })
}

fn engine_call(
    config: &Config,
    seize_id: u64,
    msg: &EngineMsg,
    what: EngineCall,
    funds: Vec<Coin>,
) -> ContractResult<SubMsg> {
    let what = what.as_str();
    let attached = funds.first().map(|c| c.amount).unwrap_or_default();
    // The bytes sent are the bytes kept for a replay (`RetryEngineCall`).
    let encoded = EngineContract::encode(msg)?;
    let call = config.engine().call_encoded(encoded.clone(), funds);
    let payload =
        to_json_binary(&EngineCallPayload { seize_id, what: what.to_string(), funds: attached, msg: encoded })?;
    Ok(SubMsg::reply_on_error(CosmosMsg::Wasm(call), REPLY_ENGINE_CALL).with_payload(payload))
}

fn resolve_inner(deps: DepsMut, packet: &IbcPacket, outcome: Outcome) -> ContractResult<IbcBasicResponse> {
    let SeizePacket::Seize { seize_id, .. } = from_json(&packet.data)?;
    let mut record = seizes().load(deps.storage, seize_id)?;
    if record.status != SeizeStatus::InFlight {
        return Ok(IbcBasicResponse::new()
            .add_attribute("action", "seize_already_resolved")
            .add_attribute("seize_id", seize_id.to_string()));
    }
    let config = CONFIG.load(deps.storage)?;
    let result = match outcome {
        Outcome::Ack(ack) => parse_ack::<SeizeAckResult>(&ack),
        Outcome::Timeout => AckOutcome::Error("timeout".to_string()),
    };
    // The seize is no longer in flight, whatever the outcome. Everything that can fail is
    // read and computed first, so a failure here writes nothing (this handler never errors).
    let mut funds = FUNDS.load(deps.storage)?;
    funds.escrow = funds.escrow.checked_sub(record.repay)?;
    let open = ACCOUNT_IN_FLIGHT.may_load(deps.storage, &record.account)?.unwrap_or(0);
    let repay_in_flight = ACCOUNT_REPAY_IN_FLIGHT.may_load(deps.storage, &record.account)?.unwrap_or_default();
    let mut source = SOURCES.load(deps.storage, &record.source_id)?;
    source.state.in_flight = source.state.in_flight.saturating_sub(1);
    FUNDS.save(deps.storage, &funds)?;
    ACCOUNT_IN_FLIGHT.save(deps.storage, &record.account, &open.saturating_sub(1))?;
    ACCOUNT_REPAY_IN_FLIGHT.save(deps.storage, &record.account, &repay_in_flight.saturating_sub(record.repay))?;
    SOURCES.update_state(deps.storage, &record.source_id, |s| *s = source.state.clone())?;

    let base = IbcBasicResponse::new()
        .add_attribute("seize_id", seize_id.to_string())
        .add_attribute("account", &record.account)
        .add_attribute("keeper", record.keeper.as_str())
        .add_attribute("amount", record.amount)
        .add_attribute("repay", record.repay);
    let response = match result {
        AckOutcome::Success(state) => {
            let repay = vec![Coin::new(record.repay, config.quote_denom.clone())];
            let repay_msg = engine_call(
                &config,
                seize_id,
                &EngineMsg::RepayDebt { account: record.account.clone() },
                EngineCall::RepayDebt,
                repay,
            )?;
            let mut response = base.add_attribute("action", "seize_succeeded").add_submessage(repay_msg);
            match state {
                Some(s) => {
                    record.status = SeizeStatus::Succeeded { seq: s.seq, available: s.available };
                    let consume =
                        EngineMsg::ConsumeReservation { reservation_id: seize_id, seq: s.seq, available: s.available };
                    response = response.add_submessage(engine_call(
                        &config,
                        seize_id,
                        &consume,
                        EngineCall::ConsumeReservation,
                        vec![],
                    )?);
                }
                // A success without the vault's state: the collateral left the vault, so the
                // reservation stays (the engine keeps under-counting, never over-counting)
                // until a newer state arrives from the vault.
                None => {
                    record.status = SeizeStatus::Succeeded { seq: 0, available: Default::default() };
                    response = response.add_attribute("warning", "success ack without vault state; reservation kept");
                }
            }
            response
        }
        AckOutcome::Error(reason) => {
            record.status = SeizeStatus::Failed { reason: reason.clone() };
            let release = EngineMsg::ReleaseReservation { reservation_id: seize_id };
            // The refund may fail (a bank denylist, a blocked address): as a `reply_on_error`
            // sub-message its failure cannot fail this handler; the reply keeps the tokens
            // as a refund the keeper claims (`ClaimRefund`).
            let refund = SubMsg::reply_on_error(
                BankMsg::Send {
                    to_address: record.keeper.to_string(),
                    amount: vec![Coin::new(record.repay, config.quote_denom.clone())],
                },
                REPLY_REFUND,
            )
            .with_payload(to_json_binary(&Refund {
                seize_id,
                keeper: record.keeper.to_string(),
                amount: record.repay,
            })?);
            base.add_attribute("action", "seize_failed")
                .add_attribute("reason", reason)
                .add_submessage(refund)
                .add_submessage(engine_call(&config, seize_id, &release, EngineCall::ReleaseReservation, vec![])?)
        }
    };
    seizes().save(deps.storage, seize_id, &record)?;
    Ok(response)
}
