//! LP deposits and redemptions for pool shares (docs/solvency.md).
//!
//! Shares issued = floor(amount x shares / entry NAV); quote paid out = floor(shares x exit NAV
//! / shares outstanding), from free cash only: both round against the LP acting, in favour of
//! those who stay. With a notice (`lp_notice_seconds > 0`) each is a request completed after
//! the notice at the worse for the LP of its prices at the request and at completion, so that a
//! price move known in advance (a feeder's next push, a settlement fix) cannot be bought before
//! and sold after.

use cosmwasm_std::{Addr, BankMsg, Coin, DepsMut, Env, Int128, MessageInfo, Response, Storage, Uint128};
use isthmus_protocol::engine::{PoolRequest, PoolRequestKind};

use crate::error::{ContractError, ContractResult, Role};
use crate::market_data::Freshness;
use crate::pool_value::{nav_entry, redemption_value};
use crate::state::market::{LP_SHARES, NEXT_POOL_REQUEST, POOL, POOL_REQUESTS, QUOTE, RISK};

/// Shares that `amount` buys now, and never more than it bought at the request's price.
fn shares_for(
    storage: &dyn Storage,
    now: u64,
    amount: Uint128,
    at_request: Option<(Int128, Uint128)>,
) -> ContractResult<Uint128> {
    let pool = POOL.may_load(storage)?.unwrap_or_default();
    let nav = nav_entry(storage, now, Freshness::Strict)?;
    let mut shares = if pool.total_shares.is_zero() {
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
    if let Some((nav_then, total_then)) = at_request {
        if !total_then.is_zero() && nav_then.i128() > 0 {
            shares =
                shares.min(amount.checked_multiply_ratio(total_then, Uint128::new(nav_then.i128().unsigned_abs()))?);
        }
    }
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    Ok(shares)
}

fn mint(storage: &mut dyn Storage, lp: &Addr, amount: Uint128, shares: Uint128) -> ContractResult<Uint128> {
    let mut pool = POOL.may_load(storage)?.unwrap_or_default();
    pool.cash = pool.cash.checked_add(Int128::try_from(amount)?)?;
    pool.total_shares = pool.total_shares.checked_add(shares)?;
    POOL.save(storage, &pool)?;
    let held = LP_SHARES.may_load(storage, lp)?.unwrap_or_default().checked_add(shares)?;
    LP_SHARES.save(storage, lp, &held)?;
    Ok(pool.total_shares)
}

/// Burn `shares` (already taken from the LP's balance) and pay their value now, at most `cap`.
fn redeem(
    storage: &mut dyn Storage,
    now: u64,
    lp: &Addr,
    shares: Uint128,
    cap: Option<Uint128>,
) -> ContractResult<(Uint128, BankMsg)> {
    let mut pool = POOL.load(storage)?;
    let value = redemption_value(storage, now, Freshness::Strict, shares)?;
    let amount = cap.map_or(value, |c| c.min(value));
    if amount.is_zero() {
        return Err(ContractError::PoolInsolvent);
    }
    // Paid from free cash only: debts owed to the pool are not tokens it holds, and the tokens
    // it holds for claims are their holders' first.
    let free = crate::ledger::free_cash(storage)?;
    let free_after = Int128::new(free).checked_sub(Int128::try_from(amount)?)?.i128();
    if free_after < 0 {
        return Err(ContractError::PoolIlliquid { requested: amount, free: Int128::new(free) });
    }
    // `redemption_value` above required every snapshot fresh.
    let margin = crate::pool_value::margin_with_cash(storage, free_after)?;
    if !margin.meets_initial_margin() {
        return Err(ContractError::PoolMarginNotMet {
            nav: Int128::new(margin.equity_initial.get()),
            required: Uint128::new(margin.initial_margin.positive_u128()),
        });
    }
    pool.cash = pool.cash.checked_sub(Int128::try_from(amount)?)?;
    pool.total_shares = pool.total_shares.checked_sub(shares)?;
    POOL.save(storage, &pool)?;
    let quote = QUOTE.load(storage)?;
    Ok((amount, BankMsg::Send { to_address: lp.to_string(), amount: vec![Coin::new(amount, quote.denom)] }))
}

fn new_request(storage: &mut dyn Storage, now: u64, lp: &Addr, kind: PoolRequestKind) -> ContractResult<PoolRequest> {
    let notice = RISK.load(storage)?.lp_notice_seconds;
    let request_id = NEXT_POOL_REQUEST.may_load(storage)?.unwrap_or(1);
    NEXT_POOL_REQUEST.save(
        storage,
        &request_id.checked_add(1).ok_or_else(|| crate::error::ContractError::overflow("pool request ids"))?,
    )?;
    let request = PoolRequest {
        request_id,
        lp: lp.to_string(),
        kind,
        requested_at: now,
        ready_at: now.checked_add(notice).ok_or_else(|| crate::error::ContractError::overflow("notice"))?,
    };
    POOL_REQUESTS.save(storage, request_id, &request)?;
    Ok(request)
}

fn take_shares(storage: &mut dyn Storage, lp: &Addr, shares: Uint128) -> ContractResult<()> {
    let held = LP_SHARES.may_load(storage, lp)?.unwrap_or_default();
    if shares > held {
        return Err(ContractError::InsufficientShares { requested: shares, held });
    }
    LP_SHARES.save(storage, lp, &held.checked_sub(shares)?)?;
    Ok(())
}

pub fn pool_deposit(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let now = env.block.time.seconds();
    if RISK.load(deps.storage)?.lp_notice_seconds == 0 {
        let shares = shares_for(deps.storage, now, amount, None)?;
        let total = mint(deps.storage, &info.sender, amount, shares)?;
        return Ok(Response::new()
            .add_attribute("action", "pool_deposit")
            .add_attribute("lp", info.sender)
            .add_attribute("amount", amount)
            .add_attribute("shares", shares)
            .add_attribute("total_shares", total));
    }
    // Priced now too, so that the request is refused at once if it could not complete.
    shares_for(deps.storage, now, amount, None)?;
    let nav = Int128::new(nav_entry(deps.storage, now, Freshness::Strict)?);
    let total_shares = POOL.may_load(deps.storage)?.unwrap_or_default().total_shares;
    let kind = PoolRequestKind::Deposit { amount, nav_entry: nav, total_shares };
    let request = new_request(deps.storage, now, &info.sender, kind)?;
    Ok(Response::new()
        .add_attribute("action", "pool_deposit_requested")
        .add_attribute("request_id", request.request_id.to_string())
        .add_attribute("lp", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("ready_at", request.ready_at.to_string()))
}

pub fn pool_withdraw(deps: DepsMut, env: Env, info: MessageInfo, shares: Uint128) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let now = env.block.time.seconds();
    take_shares(deps.storage, &info.sender, shares)?;
    if RISK.load(deps.storage)?.lp_notice_seconds == 0 {
        let (amount, send) = redeem(deps.storage, now, &info.sender, shares, None)?;
        let total = POOL.load(deps.storage)?.total_shares;
        return Ok(Response::new()
            .add_message(send)
            .add_attribute("action", "pool_withdraw")
            .add_attribute("lp", info.sender)
            .add_attribute("shares", shares)
            .add_attribute("amount", amount)
            .add_attribute("total_shares", total));
    }
    let value = redemption_value(deps.storage, now, Freshness::Strict, shares)?;
    let request = new_request(deps.storage, now, &info.sender, PoolRequestKind::Redemption { shares, value })?;
    Ok(Response::new()
        .add_attribute("action", "pool_withdraw_requested")
        .add_attribute("request_id", request.request_id.to_string())
        .add_attribute("lp", info.sender)
        .add_attribute("shares", shares)
        .add_attribute("value", value)
        .add_attribute("ready_at", request.ready_at.to_string()))
}

fn load_request(storage: &dyn Storage, request_id: u64) -> ContractResult<PoolRequest> {
    POOL_REQUESTS.may_load(storage, request_id)?.ok_or(ContractError::UnknownPoolRequest { request_id })
}

pub fn complete_pool_request(deps: DepsMut, env: Env, info: MessageInfo, request_id: u64) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let now = env.block.time.seconds();
    let request = load_request(deps.storage, request_id)?;
    if now < request.ready_at {
        return Err(ContractError::NoticeNotOver { request_id, ready_at: request.ready_at });
    }
    POOL_REQUESTS.remove(deps.storage, request_id);
    let lp = Addr::unchecked(request.lp.clone());
    let response = Response::new()
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("lp", &request.lp)
        .add_attribute("completed_by", info.sender);
    match request.kind {
        PoolRequestKind::Deposit { amount, nav_entry, total_shares } => {
            let shares = shares_for(deps.storage, now, amount, Some((nav_entry, total_shares)))?;
            let total = mint(deps.storage, &lp, amount, shares)?;
            Ok(response
                .add_attribute("action", "pool_deposit")
                .add_attribute("amount", amount)
                .add_attribute("shares", shares)
                .add_attribute("total_shares", total))
        }
        PoolRequestKind::Redemption { shares, value } => {
            let (amount, send) = redeem(deps.storage, now, &lp, shares, Some(value))?;
            let total = POOL.load(deps.storage)?.total_shares;
            Ok(response
                .add_message(send)
                .add_attribute("action", "pool_withdraw")
                .add_attribute("shares", shares)
                .add_attribute("amount", amount)
                .add_attribute("total_shares", total))
        }
    }
}

pub fn cancel_pool_request(deps: DepsMut, info: MessageInfo, request_id: u64) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let request = load_request(deps.storage, request_id)?;
    if request.lp != info.sender.as_str() {
        return Err(ContractError::unauthorized("cancel_pool_request", Role::RequestingLp));
    }
    POOL_REQUESTS.remove(deps.storage, request_id);
    let response = Response::new()
        .add_attribute("action", "pool_request_cancelled")
        .add_attribute("request_id", request_id.to_string())
        .add_attribute("lp", &request.lp);
    match request.kind {
        PoolRequestKind::Deposit { amount, .. } => {
            let quote = QUOTE.load(deps.storage)?;
            Ok(response
                .add_message(BankMsg::Send { to_address: request.lp, amount: vec![Coin::new(amount, quote.denom)] })
                .add_attribute("refunded", amount))
        }
        PoolRequestKind::Redemption { shares, .. } => {
            let held = LP_SHARES.may_load(deps.storage, &info.sender)?.unwrap_or_default().checked_add(shares)?;
            LP_SHARES.save(deps.storage, &info.sender, &held)?;
            Ok(response.add_attribute("shares_returned", shares))
        }
    }
}
