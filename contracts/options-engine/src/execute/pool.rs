//! LP deposits and withdrawals for pool shares at NAV (DESIGN §6).
//!
//! Shares issued = floor(amount x shares / NAV); quote paid out = floor(shares x NAV / shares
//! outstanding): both round against the LP acting, in favour of those who stay.

use cosmwasm_std::{BankMsg, Coin, DepsMut, Env, Int128, MessageInfo, Order, Response, StdResult, Uint128};

use isthmus_pricing::Rounding;

use crate::error::{ContractError, ContractResult};
use crate::oracle::Freshness;
use crate::pool::nav;
use crate::risk::pool_margin;
use crate::state::market::{LP_SHARES, POOL, POOL_POSITIONS, QUOTE};

pub fn pool_deposit(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    let nav = nav(deps.storage, env.block.time.seconds(), Freshness::Strict, Rounding::Ceil)?;
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
        amount.multiply_ratio(pool.total_shares, Uint128::new(nav.unsigned_abs()))
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
    let nav = nav(deps.storage, now, Freshness::Strict, Rounding::Floor)?;
    if nav <= 0 {
        return Err(ContractError::PoolInsolvent);
    }
    let amount = Uint128::new(nav.unsigned_abs()).multiply_ratio(shares, pool.total_shares);
    let cash_after = pool.cash.checked_sub(Int128::try_from(amount)?)?;
    let positions: Vec<(u64, i64)> =
        POOL_POSITIONS.range(deps.storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    let margin = pool_margin(deps.storage, now, cash_after.i128(), &positions, Freshness::Strict)?;
    if cash_after.is_negative() || !margin.meets_initial_margin() {
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
