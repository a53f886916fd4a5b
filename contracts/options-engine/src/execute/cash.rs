//! Quote cash of an account on the target chain.

use cosmwasm_std::{BankMsg, Coin, DepsMut, Env, Int128, MessageInfo, Response, Uint128};

use crate::account_margin::account_margin;
use crate::error::{ContractError, ContractResult};
use crate::market_data::Freshness;
use crate::settlement;
use crate::state::market::{ACCOUNTS, QUOTE};
use crate::state::CONFIG;

pub fn deposit_cash(deps: DepsMut, info: MessageInfo) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let account_id = info.sender.to_string();
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    account.cash = account.cash.checked_add(Int128::try_from(amount)?)?;
    crate::ledger::save_account(deps.storage, &account_id, &mut account)?;
    Ok(Response::new()
        .add_attribute("action", "deposit_cash")
        .add_attribute("account", account_id)
        .add_attribute("amount", amount)
        .add_attribute("cash", account.cash.to_string()))
}

pub fn withdraw_cash(deps: DepsMut, env: Env, info: MessageInfo, amount: Uint128) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    if CONFIG.load(deps.storage)?.paused {
        return Err(ContractError::Paused);
    }
    let now = env.block.time.seconds();
    let account_id = info.sender.to_string();
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    let settled = settlement::settle_account(deps.storage, now, &mut account)?;
    let requested = Int128::try_from(amount)?;
    if account.cash < requested {
        return Err(ContractError::InsufficientCash { requested: amount, cash: account.cash });
    }
    account.cash = account.cash.checked_sub(requested)?;
    let margin = account_margin(deps.storage, now, &account_id, &account, Freshness::Strict)?;
    if !margin.meets_initial_margin() {
        return Err(ContractError::InitialMarginNotMet {
            account: account_id,
            equity: Int128::new(margin.equity_initial.get()),
            required: Uint128::new(margin.initial_margin.positive_u128()),
        });
    }
    crate::ledger::save_account(deps.storage, &account_id, &mut account)?;
    let quote = QUOTE.load(deps.storage)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, quote.denom)],
        })
        .add_attribute("action", "withdraw_cash")
        .add_attribute("account", account_id)
        .add_attribute("amount", amount)
        .add_attribute("settled_positions", settled.len().to_string())
        .add_attribute("cash", account.cash.to_string()))
}
