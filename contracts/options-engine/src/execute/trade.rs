//! `Trade`: up to 16 legs against the pool, all or nothing (docs/protocol.md §6).

use cosmwasm_std::{DepsMut, Env, Event, Int128, MessageInfo, Response};
use isthmus_protocol::engine::TradeLeg;

use crate::error::{ContractError, ContractResult};
use crate::market_data::Freshness;
use crate::settlement;
use crate::state::market::{ACCOUNTS, POOL, SYMBOLS};
use crate::state::CONFIG;
use crate::trade_plan::{free_cash_after, margins_after, plan, TradePlan};

pub fn trade(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    legs: Vec<TradeLeg>,
    max_cost: Int128,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let now = env.block.time.seconds();
    let account_id = info.sender.to_string();
    let account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    let mut plan = plan(deps.storage, now, &account, &legs)?;
    let cost = plan.total_cost()?;
    check_trade(deps.storage, now, &account_id, &account, &mut plan, max_cost)?;

    // Everything checked: write. Lazy settlement first, then the trade; the pool's side of
    // both is in `plan.pool`, written last.
    settlement::write_settled(deps.storage, account.number, &plan.settled, &mut plan.pool)?;
    let settled = &plan.settled;
    if plan.account_after.number == 0 && !plan.account_after.positions.is_empty() {
        plan.account_after.number = crate::ledger::number_account(deps.storage, &account_id)?;
    }
    let holder = plan.account_after.number;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    pool.cash = pool.cash.checked_add(Int128::new(cost))?;
    POOL.save(deps.storage, &pool)?;
    let mut response = Response::new()
        .add_attribute("action", "trade")
        .add_attribute("account", &account_id)
        .add_attribute("premium", plan.premium.to_string())
        .add_attribute("fees", plan.fees.to_string())
        .add_attribute("total_cost", cost.to_string())
        .add_attribute("settled_positions", settled.len().to_string())
        .add_attribute("claim_paid", settled.claim_paid.to_string());
    for leg in &plan.legs {
        let held = account.positions.iter().any(|(id, _)| *id == leg.series_id);
        let holds = plan.account_after.positions.iter().any(|(id, _)| *id == leg.series_id);
        plan.pool.hold(leg.series_id, holder, held, holds);
        // One event per leg, one attribute per field (indexed by wasmd as `wasm-trade_leg`).
        response = response.add_event(
            Event::new("trade_leg")
                .add_attribute("account", &account_id)
                .add_attribute("series_id", leg.series_id.to_string())
                .add_attribute("quantity", leg.quantity.to_string())
                .add_attribute("premium", leg.premium.to_string())
                .add_attribute("fee", leg.fee.to_string()),
        );
    }
    plan.pool.flush(deps.storage)?;
    crate::ledger::save_account(deps.storage, &account_id, &mut plan.account_after)?;
    Ok(response
        .add_attribute("cash", plan.account_after.cash.to_string())
        .add_attribute("claim", plan.account_after.claim.to_string()))
}

/// Every check a trade must pass, in the order a refusal is reported; shared by `Trade` and
/// `SimulateTrade`, so a preview refuses exactly what the signed trade would refuse.
/// Returns the margins after the trade (account, pool) when they were evaluated (new risk).
pub fn check_trade(
    storage: &dyn cosmwasm_std::Storage,
    now: u64,
    account_id: &str,
    account: &crate::state::market::Account,
    plan: &mut TradePlan,
    max_cost: Int128,
) -> ContractResult<Option<(isthmus_margin::MarginBreakdown, isthmus_margin::MarginBreakdown)>> {
    let cost = plan.total_cost()?;
    if cost > max_cost.i128() {
        return Err(ContractError::LimitExceeded { cost: Int128::new(cost), limit: max_cost });
    }
    // The pool pays a trader only out of its free cash, closing or not: what it owes its claim
    // holders and what it is owed as debt are not tokens it can pay (docs/solvency.md, rule 8).
    let (free_settled, free_after) = free_cash_after(storage, plan)?;
    if free_after < 0 && free_after < free_settled {
        let requested = free_settled.checked_sub(free_after).ok_or_else(|| ContractError::overflow("pool cash"))?;
        return Err(ContractError::PoolIlliquid {
            requested: cosmwasm_std::Uint128::new(requested.unsigned_abs()),
            free: Int128::new(free_settled),
        });
    }
    if !plan.adds_risk {
        check_reduces_risk(storage, now, account_id, account, plan)?;
        return Ok(None);
    }
    // New risk: not while paused, paid from cash, fresh prices only, both sides keep
    // initial margin.
    if CONFIG.load(storage)?.paused {
        return Err(ContractError::Paused);
    }
    // Premiums are paid from cash: remote collateral backs margin, never a payment, so new
    // risk may not leave the account in debt (docs/solvency.md).
    if plan.account_after.cash.is_negative() {
        return Err(ContractError::InsufficientCash {
            requested: cosmwasm_std::Uint128::new(cost.max(0).unsigned_abs()),
            cash: plan.account_after.cash.checked_add(Int128::new(cost))?,
        });
    }
    // The pool's limits are checked against its risk at the snapshots (docs/pool-risk.md).
    plan.pool.check_fresh(storage, now)?;
    let (mine, pool) = margins_after(storage, now, account_id, plan, Freshness::Strict)?;
    if !mine.meets_initial_margin() {
        return Err(ContractError::InitialMarginNotMet {
            account: account_id.to_string(),
            equity: Int128::new(mine.equity_initial.get()),
            required: cosmwasm_std::Uint128::new(mine.initial_margin.positive_u128()),
        });
    }
    check_pool_exposure(storage, plan)?;
    if !pool.meets_initial_margin() {
        return Err(ContractError::PoolMarginNotMet {
            nav: Int128::new(pool.equity_initial.get()),
            required: cosmwasm_std::Uint128::new(pool.initial_margin.positive_u128()),
        });
    }
    Ok(Some((mine, pool)))
}

/// Per-underlying exposure limit of the pool: the net delta after the trade (at the snapshot)
/// must stay within `max_pool_delta`, unless the trade reduces it.
fn check_pool_exposure(storage: &dyn cosmwasm_std::Storage, plan: &TradePlan) -> ContractResult<()> {
    let mut underlyings: Vec<&str> = vec![];
    for leg in &plan.legs {
        let u = leg.params.underlying.as_str();
        if !underlyings.contains(&u) {
            underlyings.push(u);
        }
    }
    for underlying in underlyings {
        let limit = crate::market_data::to_fixed(SYMBOLS.load(storage, underlying)?.max_pool_delta)?;
        let Some((delta_before, delta_after)) = plan.pool.delta(underlying) else { continue };
        let (delta_before, delta_after) = (delta_before.checked_abs()?, delta_after.checked_abs()?);
        if delta_after > limit && delta_after > delta_before {
            return Err(ContractError::PoolExposureLimit {
                underlying: underlying.to_string(),
                delta: delta_after.to_string(),
                limit: limit.to_string(),
            });
        }
    }
    Ok(())
}

/// A trade made only of closing legs skips the initial-margin check (closing must always be
/// possible, as far as the pool can pay it), but it must not leave the account worse off: either it meets its initial margin
/// afterwards, or its distance to liquidation (`equity - MM`, lenient prices) shrinks by no
/// more than the trade's fees. Closing one leg of a spread and keeping the naked leg fails this.
fn check_reduces_risk(
    storage: &dyn cosmwasm_std::Storage,
    now: u64,
    account_id: &str,
    account: &crate::state::market::Account,
    plan: &TradePlan,
) -> ContractResult<()> {
    let mut settled = account.clone();
    crate::settlement::apply_to_account(&mut settled, &plan.settled)?;
    let before = crate::account_margin::account_margin(storage, now, account_id, &settled, Freshness::Lenient)?;
    let after =
        crate::account_margin::account_margin(storage, now, account_id, &plan.account_after, Freshness::Lenient)?;
    if after.meets_initial_margin() {
        return Ok(());
    }
    let cushion = |m: &isthmus_margin::MarginBreakdown| m.equity.checked_sub(m.maintenance_margin).map(i128::from);
    let (Ok(before_cushion), Ok(after_cushion)) = (cushion(&before), cushion(&after)) else {
        return Err(crate::error::ContractError::overflow("margin"));
    };
    if after_cushion < before_cushion.saturating_sub(plan.fees) {
        return Err(ContractError::ClosingIncreasesRisk {
            before: Int128::new(before_cushion),
            after: Int128::new(after_cushion),
        });
    }
    Ok(())
}
