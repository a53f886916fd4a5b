//! Engine calls and keeper refunds made from ack and timeout handlers run as `reply_on_error`
//! sub-messages, so a failure never fails the handler: a failed engine call is recorded (and,
//! for a repayment, its tokens are kept in the insurance fund so that invariant 3 still
//! holds); a failed refund becomes the keeper's claimable balance (`ClaimRefund`).

use cosmwasm_std::{from_json, DepsMut, Env, Reply, Response, SubMsgResult, Uint128};
use serde::{Deserialize, Serialize};

use crate::error::{ContractError, ContractResult};
use crate::state::{seizes, FailedCall, ACCOUNT_REPAY_IN_FLIGHT, FAILED_CALLS, FUNDS, REFUNDS};

pub const REPLY_ENGINE_CALL: u64 = 1;
/// A keeper's refund after a failed seize could not be sent: it becomes claimable.
pub const REPLY_REFUND: u64 = 2;

/// A refund in flight; travels as the sub-message payload.
#[derive(Serialize, Deserialize)]
pub struct Refund {
    pub seize_id: u64,
    pub keeper: String,
    pub amount: Uint128,
}

#[derive(Serialize, Deserialize)]
pub struct EngineCallPayload {
    pub seize_id: u64,
    pub what: String,
    /// Quote tokens attached to the call (they stay with the controller if it fails).
    pub funds: Uint128,
    /// The engine message, kept for a retry.
    pub msg: cosmwasm_std::Binary,
}

pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    match msg.id {
        REPLY_ENGINE_CALL => engine_call_failed(deps, env, msg),
        REPLY_REFUND => refund_failed(deps, msg),
        id => Err(ContractError::UnknownReply { id }),
    }
}

/// The tokens of a refund that could not be sent stay with the controller, in the keeper's
/// claimable balance (and in `escrow`, so invariant 3 holds).
fn refund_failed(deps: DepsMut, msg: Reply) -> ContractResult<Response> {
    let SubMsgResult::Err(error) = msg.result else { return Ok(Response::new()) };
    let refund: Refund = from_json(&msg.payload)?;
    let keeper = deps.api.addr_validate(&refund.keeper)?;
    let claimable = REFUNDS.may_load(deps.storage, &keeper)?.unwrap_or_default().checked_add(refund.amount)?;
    REFUNDS.save(deps.storage, &keeper, &claimable)?;
    let mut funds = FUNDS.load(deps.storage)?;
    funds.escrow = funds.escrow.checked_add(refund.amount)?;
    funds.refunds = funds.refunds.checked_add(refund.amount)?;
    FUNDS.save(deps.storage, &funds)?;
    Ok(Response::new()
        .add_attribute("action", "refund_failed")
        .add_attribute("seize_id", refund.seize_id.to_string())
        .add_attribute("keeper", keeper)
        .add_attribute("amount", refund.amount)
        .add_attribute("claimable", claimable)
        .add_attribute("error", error))
}

fn engine_call_failed(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    let SubMsgResult::Err(error) = msg.result else { return Ok(Response::new()) };
    let call: EngineCallPayload = from_json(&msg.payload)?;
    FAILED_CALLS.save(
        deps.storage,
        (call.seize_id, &call.what),
        &FailedCall { msg: call.msg.clone(), funds: call.funds, error: error.clone(), failed_at: env.block.time },
    )?;
    if !call.funds.is_zero() {
        let mut funds = FUNDS.load(deps.storage)?;
        funds.insurance = funds.insurance.checked_add(call.funds)?;
        FUNDS.save(deps.storage, &funds)?;
        // The collateral is already seized but the debt is not repaid yet: the repayment
        // counts against the debt as in flight until a retry pays it, so that no new seize
        // takes collateral a second time for the same debt (docs/security.md).
        let account = seizes().load(deps.storage, call.seize_id)?.account;
        let in_flight = ACCOUNT_REPAY_IN_FLIGHT.may_load(deps.storage, &account)?.unwrap_or_default();
        ACCOUNT_REPAY_IN_FLIGHT.save(deps.storage, &account, &in_flight.checked_add(call.funds)?)?;
    }
    Ok(Response::new()
        .add_attribute("action", "engine_call_failed")
        .add_attribute("seize_id", call.seize_id.to_string())
        .add_attribute("call", call.what)
        .add_attribute("error", error))
}
