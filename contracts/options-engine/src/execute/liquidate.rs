//! Position liquidation (docs/protocol.md §7.1) and debt handling (§7.2-3) on the engine.
//!
//! An account below maintenance margin (lenient prices: a slow feeder never blocks it) has its
//! positions closed against the pool at mark, riskiest first (shorts before longs, each by
//! notional `|q| x size x spot`, largest first), one position per step, until it meets its
//! initial margin again or nothing is left. Each close costs a penalty of
//! `liquidation_penalty x mark x |q|` (rounded up); `liquidator_share` of the total goes to the
//! caller's cash, the rest to the insurance fund at the controller. Cash may go negative: debt.

use cosmwasm_std::{Coin, Decimal, Deps, DepsMut, Env, Event, Int128, MessageInfo, Response, Uint128, Uint256};
use isthmus_pricing::{Fixed, Rounding};
use isthmus_protocol::engine::{ClosedPosition, LiquidationRecord};

use crate::account_margin::account_margin_for_liquidation;
use crate::error::{ContractError, ContractResult, Role};
use crate::market_data::{self, to_fixed, Freshness};
use crate::pool_book::PoolBook;
use crate::settlement::{settle_account, settle_into, split_credit};
use crate::state::market::{
    Account, ACCOUNTS, ACCOUNT_RESERVATIONS, LIQUIDATIONS, LIQUIDATIONS_BY_ACCOUNT, NEXT_LIQUIDATION_ID, POOL, PRICES,
    QUOTE, RISK, SERIES,
};
use crate::state::{RemotePosition, COLLATERAL_ASSETS, CONFIG};
use crate::valuation::{mark, quote_amount};

/// Positions ordered riskiest first.
fn riskiest_first(deps: &DepsMut, now: u64, account: &Account) -> ContractResult<Vec<(u64, i64)>> {
    let mut keyed = vec![];
    for (series_id, quantity) in &account.positions {
        let series = SERIES.load(deps.storage, *series_id)?.params;
        let spot = market_data::spot(deps.storage, now, &series.underlying, Freshness::Lenient)?;
        let notional = to_fixed(series.contract_size)?
            .checked_mul(spot)?
            .mul_int(i128::from(quantity.unsigned_abs()), Rounding::Floor)?;
        keyed.push((*quantity > 0, std::cmp::Reverse(notional), *series_id, *quantity));
    }
    keyed.sort();
    Ok(keyed.into_iter().map(|(_, _, id, q)| (id, q)).collect())
}

/// One close of `closed` contracts (signed as the account holds them) of one series, in memory.
struct Close {
    series_id: u64,
    closed: i64,
    premium: i128,
    penalty: i128,
    account_after: Account,
}

/// The account after closing `closed` of `series_id` at `per_contract` (whole quote per
/// contract) with its penalty: the account pays (rounded up) to buy back a short and
/// receives (rounded toward zero) for a long; the penalty rounds up.
fn close_in_memory(
    account: &Account,
    series_id: u64,
    closed: i64,
    per_contract: Fixed,
    penalty_rate: Fixed,
    quote_decimals: u8,
) -> ContractResult<Close> {
    let premium = quote_amount(per_contract, -i128::from(closed), quote_decimals, Rounding::Ceil)?;
    let penalty = quote_amount(
        per_contract.mul_rounded(penalty_rate, Rounding::Ceil)?,
        i128::from(closed.unsigned_abs()),
        quote_decimals,
        Rounding::Ceil,
    )?;
    let charge = premium.checked_add(penalty).ok_or_else(|| crate::error::ContractError::overflow("charge"))?;
    let mut after = account.clone();
    after.cash = after.cash.checked_sub(Int128::new(charge))?;
    let held = after.positions.iter().find(|(id, _)| *id == series_id).map(|(_, q)| *q).unwrap_or(0);
    let left = held.checked_sub(closed).ok_or_else(|| crate::error::ContractError::overflow("quantity"))?;
    after.positions.retain(|(id, _)| *id != series_id);
    if left != 0 {
        after.positions.push((series_id, left));
    }
    Ok(Close { series_id, closed, premium, penalty, account_after: after })
}

/// `ceil(|q| x deficit / (deficit + surplus))`, at least 1 and at most `|q|`: the part of a
/// position whose close brings the account from `deficit` below its initial margin to the
/// margin, if margin moved linearly with the quantity closed (it is checked after).
fn partial_quantity(quantity: i64, deficit: i128, surplus: i128) -> i64 {
    let size = u128::from(quantity.unsigned_abs());
    let (deficit, surplus) = (deficit.max(0).unsigned_abs(), surplus.max(0).unsigned_abs());
    let span = deficit.saturating_add(surplus).max(1);
    let part = Uint256::from(size)
        .checked_mul(Uint256::from(deficit))
        .ok()
        .and_then(|n| n.checked_add(Uint256::from(span - 1)).ok())
        .map(|n| n / Uint256::from(span))
        .and_then(|n| Uint128::try_from(n).ok())
        .map(|n| n.u128())
        .unwrap_or(size)
        .clamp(1, size);
    let part = i64::try_from(part).unwrap_or(quantity.abs());
    if quantity < 0 {
        -part
    } else {
        part
    }
}

/// What the pool owes, as a claim, of the closes' net credit to an account whose cash went from
/// `before` to `after` with them, out of the free cash `free_before` it had before them
/// (`split_credit`; nothing when the closes cost the account).
fn closes_owed(before: Int128, after: Int128, free_before: Int128) -> ContractResult<Uint128> {
    let credit = after.checked_sub(before)?;
    if credit.is_negative() {
        return Ok(Uint128::zero());
    }
    let (_, owed, _) = split_credit(before, credit.unsigned_abs().u128(), free_before.i128());
    Ok(Uint128::new(owed))
}

/// Record one close in `pool`: open interest, the pool's side and the holder index.
fn record_close(
    storage: &dyn cosmwasm_std::Storage,
    now: u64,
    pool: &mut PoolBook,
    close: &Close,
) -> ContractResult<()> {
    let params = SERIES.load(storage, close.series_id)?.params;
    let left = close.account_after.positions.iter().find(|(id, _)| *id == close.series_id).map_or(0, |(_, q)| *q);
    let held = left.checked_add(close.closed).ok_or_else(|| crate::error::ContractError::overflow("quantity"))?;
    pool.trade(storage, now, close.series_id, &params, held, left)?;
    let holds = close.account_after.positions.iter().any(|(id, _)| *id == close.series_id);
    pool.hold(close.series_id, close.account_after.number, true, holds);
    Ok(())
}

pub fn liquidate(deps: DepsMut, env: Env, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let account_id = ContractError::validate_address(deps.api, &account_id)?;
    let now = env.block.time.seconds();
    let stored = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    let mut account = stored.clone();
    let mut pool_book = PoolBook::new();
    settle_into(deps.storage, now, &mut account, &mut pool_book)?;
    let settled_cash = account.cash;
    let before = account_margin_for_liquidation(deps.storage, now, &account_id, &account)?;
    if !before.is_liquidatable() {
        return Err(ContractError::NotLiquidatable {
            account: account_id,
            equity: Int128::new(before.equity.get()),
            maintenance: Uint128::new(before.maintenance_margin.positive_u128()),
        });
    }
    if account.positions.is_empty() {
        return Err(ContractError::NothingToLiquidate { account: account_id });
    }
    let risk = RISK.load(deps.storage)?;
    let quote = QUOTE.load(deps.storage)?;
    let penalty_rate = to_fixed(risk.liquidation_penalty)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    // The pool's free cash `F` (docs/solvency.md) for this account at `cash`, the other
    // accounts' debts as stored.
    let others_debt = crate::ledger::receivable(deps.storage)?.checked_sub(crate::ledger::debt_of(stored.cash))?;
    let free_cash = |pool: &crate::state::market::Pool, cash: Int128| -> ContractResult<Int128> {
        Ok(pool
            .cash
            .checked_sub(Int128::try_from(others_debt)?)?
            .checked_sub(Int128::try_from(crate::ledger::debt_of(cash))?)?
            .checked_sub(Int128::try_from(pool.claims)?)?)
    };
    let free_before_closes = free_cash(&pool, settled_cash)?;
    let mut penalties: i128 = 0;
    let mut closed = vec![];
    let mut response = Response::new().add_attribute("action", "liquidate").add_attribute("account", &account_id);
    // Riskiest first, each position only as far as the initial margin needs (docs/liquidation.md).
    let mut margin = before;
    for (series_id, quantity) in riskiest_first(&deps, now, &account)? {
        let series = SERIES.load(deps.storage, series_id)?;
        let per_contract = mark(deps.storage, now, &series.params, Freshness::Lenient)?;
        let close_all = |account: &Account, q: i64| {
            close_in_memory(account, series_id, q, per_contract, penalty_rate, quote.decimals)
        };
        let whole = close_all(&account, quantity)?;
        let after_whole = account_margin_for_liquidation(deps.storage, now, &account_id, &whole.account_after)?;
        let mut chosen = (whole, after_whole);
        if chosen.1.meets_initial_margin() && quantity.unsigned_abs() > 1 {
            let deficit = margin.initial_margin.saturating_sub(margin.equity_initial);
            let surplus = chosen.1.equity_initial.saturating_sub(chosen.1.initial_margin);
            let part = partial_quantity(quantity, deficit, surplus);
            if part != quantity {
                let partial = close_all(&account, part)?;
                let after = account_margin_for_liquidation(deps.storage, now, &account_id, &partial.account_after)?;
                if after.meets_initial_margin() {
                    chosen = (partial, after);
                }
            }
        }
        let (close, after) = chosen;
        record_close(deps.storage, now, &mut pool_book, &close)?;
        pool.cash = pool.cash.checked_add(Int128::new(close.premium))?;
        penalties =
            penalties.checked_add(close.penalty).ok_or_else(|| crate::error::ContractError::overflow("penalty"))?;
        // One event per close, one attribute per field (`wasm-liquidation_close`).
        response = response.add_event(
            Event::new("liquidation_close")
                .add_attribute("account", &account_id)
                .add_attribute("series_id", series_id.to_string())
                .add_attribute("quantity", close.closed.to_string())
                .add_attribute("premium", close.premium.to_string())
                .add_attribute("penalty", close.penalty.to_string()),
        );
        closed.push(ClosedPosition {
            series_id,
            quantity: close.closed,
            premium: Int128::new(close.premium),
            penalty: Uint128::new(close.penalty.unsigned_abs()),
        });
        account = close.account_after;
        margin = after;
        if margin.meets_initial_margin() {
            break;
        }
    }
    // Penalties are charged to the account but paid out only from free cash: the account's own
    // positive cash first, then an advance by the pool out of its free cash (the account then
    // owes it to the pool), then out of a claim this liquidation created (the pool then owes
    // less and keeps that part). What none covers is not charged: a debt is never paid out.
    let mut charged_without_penalty = account.cash.checked_add(Int128::new(penalties))?;
    // Closing a long credits the account at mark. The closes' net credit is paid as settlement
    // pays one (`split_credit`): what repays the account's debt costs no tokens, the rest comes
    // out of the free cash the pool had before them, and what that cannot cover is owed as a
    // claim (docs/solvency.md, rule 8). Closes that cost the account owe it nothing.
    let owed = closes_owed(settled_cash, charged_without_penalty, free_before_closes)?;
    if !owed.is_zero() {
        charged_without_penalty = charged_without_penalty.checked_sub(Int128::try_from(owed)?)?;
        account.claim = account.claim.checked_add(owed)?;
        pool.cash = pool.cash.checked_add(Int128::try_from(owed)?)?;
        pool.claims = pool.claims.checked_add(owed)?;
        response = response.add_attribute("claimed", owed.to_string());
    }
    let liquid = free_cash(&pool, charged_without_penalty)?;
    let payable_cap = charged_without_penalty.max(Int128::zero()).checked_add(liquid.max(Int128::zero()))?;
    let paid = Int128::new(penalties).min(payable_cap);
    account.cash = charged_without_penalty.checked_sub(paid)?;
    let paid = Uint128::try_from(paid)?;
    let from_claim = Uint128::new(penalties.unsigned_abs()).checked_sub(paid)?.min(owed);
    account.claim = account.claim.checked_sub(from_claim)?;
    pool.claims = pool.claims.checked_sub(from_claim)?;
    let charged = paid.checked_add(from_claim)?;
    // Integer money in integers: the caller's share rounds down, the insurance gets the rest.
    let reward = paid.mul_floor(risk.liquidator_share);
    let insurance = paid.checked_sub(reward)?;
    let caller = info.sender.to_string();
    let mut caller_account = None;
    if caller == account_id {
        account.cash = account.cash.checked_add(Int128::try_from(reward)?)?;
    } else {
        let mut other = ACCOUNTS.may_load(deps.storage, &caller)?.unwrap_or_default();
        other.cash = other.cash.checked_add(Int128::try_from(reward)?)?;
        caller_account = Some(other);
    }
    match (CONFIG.load(deps.storage)?.controller, insurance.is_zero()) {
        (Some(controller), false) => {
            let controller = isthmus_protocol::contracts::ControllerContract(controller);
            let deposit = isthmus_protocol::controller::ExecuteMsg::DepositInsurance {};
            response = response.add_message(controller.call(&deposit, vec![Coin::new(insurance, quote.denom)])?);
        }
        // No controller yet: the pool keeps the insurance share.
        (None, false) => pool.cash = pool.cash.checked_add(Int128::try_from(insurance)?)?,
        _ => {}
    }
    // The ledger may net a debt against a claim as it saves an account, writing the pool: the
    // pool is saved first.
    POOL.save(deps.storage, &pool)?;
    pool_book.flush(deps.storage)?;
    if let Some(mut other) = caller_account {
        crate::ledger::save_account(deps.storage, &caller, &mut other)?;
    }
    crate::ledger::save_account(deps.storage, &account_id, &mut account)?;
    let liquidation_id = NEXT_LIQUIDATION_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_LIQUIDATION_ID.save(
        deps.storage,
        &liquidation_id.checked_add(1).ok_or_else(|| ContractError::overflow("liquidation ids"))?,
    )?;
    LIQUIDATIONS_BY_ACCOUNT.save(deps.storage, (&account_id, liquidation_id), &())?;
    LIQUIDATIONS.save(
        deps.storage,
        liquidation_id,
        &LiquidationRecord {
            liquidation_id,
            account: account_id.clone(),
            liquidator: caller.clone(),
            closed,
            penalties: charged,
            reward,
            insurance,
            cash_after: account.cash,
            time: now,
        },
    )?;
    Ok(response
        .add_attribute("liquidation_id", liquidation_id.to_string())
        .add_attribute("penalties", charged.to_string())
        .add_attribute("penalty_from_claim", from_claim.to_string())
        .add_attribute("penalties_waived", Uint128::new(penalties.unsigned_abs()).checked_sub(charged)?.to_string())
        .add_attribute("liquidator", caller)
        .add_attribute("reward", reward.to_string())
        .add_attribute("insurance", insurance.to_string())
        .add_attribute("cash", account.cash.to_string())
        .add_attribute("claim", account.claim.to_string())
        .add_attribute("positions_left", account.positions.len().to_string()))
}

/// Repay debt of `account` with quote tokens. Refused for an invalid address, an account with
/// no debt, and more than the debt: a repayment must never turn into a deposit that a typo
/// strands in somebody else's account. The controller is the exception: it pays the proceeds
/// of collateral already seized, which belong to the account whatever its debt is by then
/// (an excess becomes the account's cash).
pub fn repay_debt(deps: DepsMut, env: Env, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let account_id = ContractError::validate_address(deps.api, &account_id)?;
    // Settle what is due first: the debt is the debt after settlement.
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    settle_account(deps.storage, env.block.time.seconds(), &mut account)?;
    let debt = crate::ledger::debt_of(account.cash);
    let from_controller = CONFIG.load(deps.storage)?.controller.as_ref() == Some(&info.sender);
    if from_controller {
        // Proceeds of a seize: always accepted.
    } else if debt.is_zero() {
        return Err(ContractError::NoDebt { account: account_id });
    }
    if amount > debt {
        return Err(ContractError::RepayExceedsDebt { repay: amount, debt });
    }
    account.cash = account.cash.checked_add(Int128::try_from(amount)?)?;
    crate::ledger::save_account(deps.storage, &account_id, &mut account)?;
    Ok(Response::new()
        .add_attribute("action", "repay_debt")
        .add_attribute("account", account_id)
        .add_attribute("payer", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("cash", account.cash.to_string()))
}

/// Write off the debt of an account with nothing left. The controller attaches what the
/// insurance fund pays (possibly nothing); the pool pays the rest.
/// Whether a position still holds collateral worth seizing: usable value of at least one
/// whole quote unit at the (lenient) oracle price. Dust below that is left with its owner
/// rather than blocking the write-off forever; an unpriceable position counts as worth it.
fn worth_seizing(deps: Deps, now: u64, p: &RemotePosition) -> ContractResult<bool> {
    let usable = p.usable();
    if usable.is_zero() {
        return Ok(false);
    }
    let Some(listing) = COLLATERAL_ASSETS.may_load(deps.storage, (&p.source_id, &p.asset.key()))? else {
        return Ok(false); // never counted by the engine
    };
    if market_data::spot(deps.storage, now, &listing.symbol, Freshness::Lenient).is_err() {
        return Ok(true);
    }
    let price = PRICES.load(deps.storage, &listing.symbol)?.price;
    let quote = QUOTE.load(deps.storage)?;
    let ten = Uint256::from(10u8);
    let value = Uint256::from(usable)
        .checked_mul(Uint256::from(price.atomics()))?
        .checked_mul(ten.checked_pow(u32::from(quote.decimals))?)?
        .checked_div(
            Uint256::from(Decimal::one().atomics()).checked_mul(ten.checked_pow(u32::from(listing.decimals))?)?,
        )
        .map_err(|e| market_data::invalid("value", &e.to_string()))?;
    Ok(value >= ten.checked_pow(u32::from(quote.decimals))?)
}

pub fn absorb_debt(deps: DepsMut, env: Env, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    let now = env.block.time.seconds();
    if CONFIG.load(deps.storage)?.controller.as_ref() != Some(&info.sender) {
        return Err(ContractError::unauthorized("absorb_debt", Role::Controller));
    }
    let quote = QUOTE.load(deps.storage)?;
    let insurance = cw_utils::may_pay(&info, &quote.denom)?;
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    // What is due first: a claim the pool owes the account pays its debt down before any of
    // the debt is written off.
    settle_account(deps.storage, now, &mut account)?;
    if !account.cash.is_negative() {
        return Err(ContractError::NoDebt { account: account_id });
    }
    if !account.positions.is_empty() || ACCOUNT_RESERVATIONS.may_load(deps.storage, &account_id)?.unwrap_or(0) > 0 {
        return Err(ContractError::DebtStillCovered { account: account_id });
    }
    // Only the collateral the account counts can back its debt.
    let positions = crate::state::counted_positions(deps.storage, &account_id)?;
    for (_, p) in &positions {
        if worth_seizing(deps.as_ref(), now, p)? {
            return Err(ContractError::DebtStillCovered { account: account_id });
        }
    }
    let debt = Int128::zero().checked_sub(account.cash)?;
    let insurance = Int128::try_from(insurance)?;
    if insurance > debt {
        return Err(ContractError::RepayExceedsDebt {
            repay: Uint128::try_from(insurance)?,
            debt: Uint128::try_from(debt)?,
        });
    }
    let from_pool = debt.checked_sub(insurance)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    pool.cash = pool.cash.checked_sub(from_pool)?;
    account.cash = Int128::zero();
    POOL.save(deps.storage, &pool)?;
    crate::ledger::save_account(deps.storage, &account_id, &mut account)?;
    Ok(Response::new()
        .add_attribute("action", "absorb_debt")
        .add_attribute("account", account_id)
        .add_attribute("debt", debt.to_string())
        .add_attribute("paid_by_insurance", insurance.to_string())
        .add_attribute("paid_by_pool", from_pool.to_string())
        .add_attribute("pool_cash", pool.cash.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: the pool pays tokens only for the part of the credit that turns into
    /// positive cash, and owes what takes its free cash *after* paying below zero.
    fn reference(before: i128, after: i128, free_after: i128) -> u128 {
        let gain = after.max(0) - before.max(0);
        gain.max(0).min(-free_after.min(0)).unsigned_abs()
    }

    #[test]
    fn the_closes_owe_what_the_free_cash_after_them_cannot_cover() {
        let values = [-500i128, -200, -40, -1, 0, 1, 10, 40, 110, 500];
        for before in values {
            for after in values {
                for free_before in values {
                    // The closes move the pool's book cash by the account's loss, and its free
                    // cash by that less the change of the account's debt (the receivable).
                    let debt = |cash: i128| (-cash).max(0);
                    let free_after = free_before - (after - before) - debt(after) + debt(before);
                    let owed = closes_owed(Int128::new(before), Int128::new(after), Int128::new(free_before)).unwrap();
                    assert_eq!(
                        owed.u128(),
                        reference(before, after, free_after),
                        "{before} -> {after}, F {free_before}"
                    );
                }
            }
        }
        // Two cases by hand: 100 credited with 70 free, 30 is owed; a credit that only pays
        // down a debt costs no tokens.
        assert_eq!(closes_owed(Int128::new(10), Int128::new(110), Int128::new(70)).unwrap(), Uint128::new(30));
        assert_eq!(closes_owed(Int128::new(-200), Int128::new(-50), Int128::new(-500)).unwrap(), Uint128::zero());
    }
}
