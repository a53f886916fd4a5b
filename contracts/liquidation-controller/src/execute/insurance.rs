//! The insurance fund and bad debt (docs/protocol.md §7.3): debt that no collateral covers is paid by
//! the insurance fund first, then by the pool; the engine refuses unless the account has no
//! positions, no usable collateral and no seize in flight.

use cosmwasm_std::{Coin, DepsMut, MessageInfo, Response, Uint128};
use isthmus_protocol::engine::ExecuteMsg as EngineMsg;

use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, FUNDS};

pub fn deposit_insurance(deps: DepsMut, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &config.quote_denom)?;
    let mut funds = FUNDS.may_load(deps.storage)?.unwrap_or_default();
    funds.insurance = funds.insurance.checked_add(amount)?;
    FUNDS.save(deps.storage, &funds)?;
    Ok(Response::new()
        .add_attribute("action", "deposit_insurance")
        .add_attribute("from", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("insurance", funds.insurance))
}

pub fn cover_bad_debt(deps: DepsMut, info: MessageInfo, account: String) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let state = config.engine().account(&deps.querier, &account)?;
    if !state.cash.is_negative() {
        return Err(ContractError::NoDebt { account });
    }
    let debt = Uint128::new(state.cash.i128().unsigned_abs());
    let mut funds = FUNDS.may_load(deps.storage)?.unwrap_or_default();
    let from_insurance = funds.insurance.min(debt);
    funds.insurance = funds.insurance.checked_sub(from_insurance)?;
    FUNDS.save(deps.storage, &funds)?;
    let attached = if from_insurance.is_zero() { vec![] } else { vec![Coin::new(from_insurance, &config.quote_denom)] };
    Ok(Response::new()
        .add_message(config.engine().call(&EngineMsg::AbsorbDebt { account: account.clone() }, attached)?)
        .add_attribute("action", "cover_bad_debt")
        .add_attribute("account", account)
        .add_attribute("debt", debt)
        .add_attribute("paid_by_insurance", from_insurance)
        .add_attribute("paid_by_pool", debt.checked_sub(from_insurance)?)
        .add_attribute("insurance_left", funds.insurance))
}
