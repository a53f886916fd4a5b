//! Engine calls made from ack and timeout handlers run as `reply_on_error` sub-messages: a
//! failure is recorded (and, for a repayment, its tokens are kept in the insurance fund so
//! that invariant 3 still holds) instead of leaving the packet unsettled.

use cosmwasm_std::{from_json, DepsMut, Reply, Response, SubMsgResult, Uint128};
use serde::{Deserialize, Serialize};

use crate::error::{ContractError, ContractResult};
use crate::state::{FAILED_ENGINE_CALLS, FUNDS};

pub const REPLY_ENGINE_CALL: u64 = 1;

#[derive(Serialize, Deserialize)]
pub struct EngineCall {
    pub seize_id: u64,
    pub what: String,
    /// Quote tokens attached to the call (they stay with the controller if it fails).
    pub funds: Uint128,
}

pub fn reply(deps: DepsMut, msg: Reply) -> ContractResult<Response> {
    if msg.id != REPLY_ENGINE_CALL {
        return Err(ContractError::UnknownReply { id: msg.id });
    }
    let SubMsgResult::Err(error) = msg.result else { return Ok(Response::new()) };
    let call: EngineCall = from_json(&msg.payload)?;
    FAILED_ENGINE_CALLS.save(deps.storage, call.seize_id, &format!("{}: {error}", call.what))?;
    if !call.funds.is_zero() {
        let mut funds = FUNDS.load(deps.storage)?;
        funds.insurance = funds.insurance.checked_add(call.funds)?;
        FUNDS.save(deps.storage, &funds)?;
    }
    Ok(Response::new()
        .add_attribute("action", "engine_call_failed")
        .add_attribute("seize_id", call.seize_id.to_string())
        .add_attribute("call", call.what)
        .add_attribute("error", error))
}
