//! Claimable refunds (issue 8, 6(d)): a failed seize's repayment is normally sent back to the
//! keeper by the ack handler; when that send fails, the reply records it here and the keeper
//! pulls it. A failed claim reverts the whole transaction, so the refund stays claimable.

use cosmwasm_std::{BankMsg, Coin, DepsMut, MessageInfo, Response};

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, FUNDS, REFUNDS};

pub fn claim_refund(deps: DepsMut, info: MessageInfo, recipient: Option<String>) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let recipient = match recipient {
        Some(r) => deps.api.addr_validate(&r)?,
        None => info.sender.clone(),
    };
    let amount = REFUNDS.may_load(deps.storage, &info.sender)?.unwrap_or_default();
    if amount.is_zero() {
        return Err(ContractError::NoRefund { keeper: info.sender.to_string() });
    }
    REFUNDS.remove(deps.storage, &info.sender);
    let mut funds = FUNDS.load(deps.storage)?;
    funds.escrow = funds.escrow.checked_sub(amount)?;
    funds.refunds = funds.refunds.checked_sub(amount)?;
    FUNDS.save(deps.storage, &funds)?;
    let denom = CONFIG.load(deps.storage)?.quote_denom;
    Ok(Response::new()
        .add_message(BankMsg::Send { to_address: recipient.to_string(), amount: vec![Coin::new(amount, denom)] })
        .add_attribute("action", "claim_refund")
        .add_attribute("keeper", info.sender)
        .add_attribute("recipient", recipient)
        .add_attribute("amount", amount))
}
