//! Replaying recorded failed engine calls (issue 8, 6(f)). The ack handlers run their engine
//! calls as `reply_on_error` sub-messages so that a seize is always resolved; a failure is recorded
//! with its message (`FAILED_CALLS`). Anyone may replay one: it is exactly the call that the
//! acknowledgement decided, and the engine applies each at most once (a consumed or released
//! reservation is gone; a repayment's tokens exist once, moved back out of the insurance fund
//! where the failure parked them). The replay is a plain message: if it fails again, the whole
//! transaction fails and the record stays for a later retry.

use cosmwasm_std::{Coin, DepsMut, MessageInfo, Response};
use isthmus_protocol::controller::EngineCall;

use crate::error::{ContractError, ContractResult};
use crate::state::{seizes, ACCOUNT_REPAY_IN_FLIGHT, CONFIG, FAILED_CALLS, FUNDS};

pub fn retry_engine_call(
    deps: DepsMut,
    info: MessageInfo,
    seize_id: u64,
    call: EngineCall,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let key = (seize_id, call.as_str());
    let failed = FAILED_CALLS.may_load(deps.storage, key)?.ok_or(ContractError::NoFailedCall { seize_id, call })?;
    FAILED_CALLS.remove(deps.storage, key);
    let config = CONFIG.load(deps.storage)?;
    let mut attached = vec![];
    if !failed.funds.is_zero() {
        let mut funds = FUNDS.load(deps.storage)?;
        if funds.insurance < failed.funds {
            return Err(ContractError::InsufficientInsurance { available: funds.insurance, requested: failed.funds });
        }
        funds.insurance = funds.insurance.checked_sub(failed.funds)?;
        FUNDS.save(deps.storage, &funds)?;
        attached.push(Coin::new(failed.funds, &config.quote_denom));
        // The repayment reaches the engine with this message (or the whole transaction fails):
        // it stops counting as in flight against the account's debt.
        let account = seizes().load(deps.storage, seize_id)?.account;
        let in_flight = ACCOUNT_REPAY_IN_FLIGHT.may_load(deps.storage, &account)?.unwrap_or_default();
        ACCOUNT_REPAY_IN_FLIGHT.save(deps.storage, &account, &in_flight.saturating_sub(failed.funds))?;
    }
    Ok(Response::new()
        .add_message(config.engine().call_encoded(failed.msg, attached))
        .add_attribute("action", "retry_engine_call")
        .add_attribute("seize_id", seize_id.to_string())
        .add_attribute("call", call.as_str())
        .add_attribute("funds", failed.funds)
        .add_attribute("by", info.sender))
}
