//! LP deposits and withdrawals for pool shares at NAV (DESIGN §6).
//!
//! Shares issued = floor(amount x shares / entry NAV); quote paid out = floor(shares x exit NAV
//! / shares outstanding), from liquid cash only: both round against the LP acting, in favour of
//! those who stay (docs/solvency.md).

use cosmwasm_std::{BankMsg, Coin, DepsMut, Env, Int128, MessageInfo, Order, Response, StdResult, Uint128};

use crate::error::{ContractError, ContractResult};
use crate::oracle::Freshness;
use crate::pool::{nav_entry, redemption_value};
use crate::risk::pool_margin;
use crate::state::market::{LP_SHARES, POOL, POOL_POSITIONS, QUOTE};

pub fn pool_deposit(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    let nav = nav_entry(deps.storage, env.block.time.seconds(), Freshness::Strict)?;
    let shares = if pool.total_shares.is_zero() {
        // A pool without shares may still hold value (fees, insurance) or a loss (debt it
        // absorbed): a loss must not be passed to the first new LP, so that is refused;
        // leftover value goes to the first LP, who restarts the pool.
        if nav < 0 {
            return Err(ContractError::PoolInsolvent);
        }
        amount
    } else {
        if nav <= 0 {
            return Err(ContractError::PoolInsolvent);
        }
        amount.checked_multiply_ratio(pool.total_shares, Uint128::new(nav.unsigned_abs()))?
    };
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    pool.cash = pool.cash.checked_add(Int128::try_from(amount)?)?;
    pool.total_shares = pool.total_shares.checked_add(shares)?;
    POOL.save(deps.storage, &pool)?;
    let held = LP_SHARES.may_load(deps.storage, &info.sender)?.unwrap_or_default().checked_add(shares)?;
    LP_SHARES.save(deps.storage, &info.sender, &held)?;
    Ok(Response::new()
        .add_attribute("action", "pool_deposit")
        .add_attribute("lp", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attribute("total_shares", pool.total_shares))
}

pub fn pool_withdraw(deps: DepsMut, env: Env, info: MessageInfo, shares: Uint128) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let held = LP_SHARES.may_load(deps.storage, &info.sender)?.unwrap_or_default();
    if shares > held {
        return Err(ContractError::InsufficientShares { requested: shares, held });
    }
    let now = env.block.time.seconds();
    let mut pool = POOL.load(deps.storage)?;
    let amount = redemption_value(deps.storage, now, Freshness::Strict, shares)?;
    if amount.is_zero() {
        return Err(ContractError::PoolInsolvent);
    }
    // Paid from liquid cash only: debts owed to the pool are not tokens it holds.
    let liquid = crate::ledger::liquid_cash(deps.storage)?;
    let liquid_after = Int128::new(liquid).checked_sub(Int128::try_from(amount)?)?.i128();
    if liquid_after < 0 {
        return Err(ContractError::PoolIlliquid { requested: amount, liquid: Int128::new(liquid) });
    }
    let cash_after = pool.cash.checked_sub(Int128::try_from(amount)?)?;
    let positions: Vec<(u64, i64)> =
        POOL_POSITIONS.range(deps.storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    let margin = pool_margin(deps.storage, now, liquid_after, &positions, Freshness::Strict)?;
    if !margin.meets_initial_margin() {
        return Err(ContractError::PoolMarginNotMet {
            nav: Int128::new(margin.equity_initial),
            required: Uint128::new(margin.initial_margin.max(0).unsigned_abs()),
        });
    }
    pool.cash = cash_after;
    pool.total_shares = pool.total_shares.checked_sub(shares)?;
    POOL.save(deps.storage, &pool)?;
    LP_SHARES.save(deps.storage, &info.sender, &held.checked_sub(shares)?)?;
    let quote = QUOTE.load(deps.storage)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, quote.denom)],
        })
        .add_attribute("action", "pool_withdraw")
        .add_attribute("lp", info.sender)
        .add_attribute("shares", shares)
        .add_attribute("amount", amount)
        .add_attribute("total_shares", pool.total_shares))
}
