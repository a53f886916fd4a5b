//! Trade planning: everything a trade changes, computed from storage without writing, so
//! that `SimulateTrade` and `Trade` share one computation and the simulation is exact.

use cosmwasm_std::{Int128, Storage};
use isthmus_margin::MarginBreakdown;
use isthmus_protocol::engine::TradeLeg;

use crate::account_margin::account_margin;
use crate::error::{ContractError, ContractResult};
use crate::market_data::{to_fixed, Freshness};
use crate::pool_book::PoolBook;
use crate::settlement::{apply_to_account, plan_settlement, Settlement};
use crate::state::market::{Account, OpenInterest, MAX_ACCOUNT_POSITIONS, MAX_LEGS, QUOTE, RISK, SERIES};
use crate::valuation::{leg_amounts, mark};
use isthmus_protocol::engine::SeriesParams;

/// The effect of one leg on its series.
pub struct LegPlan {
    pub series_id: u64,
    pub quantity: i64,
    /// Paid by the account for this leg before fees (negative: received), base units.
    pub premium: i128,
    pub fee: i128,
    pub params: SeriesParams,
    pub open_interest_after: OpenInterest,
}

pub struct TradePlan {
    /// Positions settled before trading (lazy settlement) and the claim paid with them.
    pub settled: Settlement,
    pub account_after: Account,
    pub legs: Vec<LegPlan>,
    pub premium: i128,
    pub fees: i128,
    pub adds_risk: bool,
    /// The account's stored cash before settlement and trade.
    pub cash_before: Int128,
    /// Its cash after the lazy settlement, before the trade.
    pub cash_settled: Int128,
    /// Its stored claim on the pool before settlement.
    pub claim_before: cosmwasm_std::Uint128,
    /// The pool's positions and risk after settlement and trade (written by `flush`).
    pub pool: PoolBook,
}

impl TradePlan {
    pub fn total_cost(&self) -> ContractResult<i128> {
        self.premium.checked_add(self.fees).ok_or_else(|| crate::error::ContractError::overflow("cost"))
    }
}

/// Validate and price `legs` for `account`; nothing is written.
pub fn plan(storage: &dyn Storage, now: u64, account: &Account, legs: &[TradeLeg]) -> ContractResult<TradePlan> {
    if legs.is_empty() || legs.len() > MAX_LEGS {
        return Err(ContractError::LegCount { max: MAX_LEGS, got: legs.len() });
    }
    let risk = RISK.load(storage)?;
    let quote = QUOTE.load(storage)?;
    let spread = to_fixed(risk.spread)?;
    let settled = plan_settlement(storage, now, account)?;
    let mut after = account.clone();
    apply_to_account(&mut after, &settled)?;
    let cash_settled = after.cash;

    let mut pool = PoolBook::new();
    for s in &settled.positions {
        pool.trade(storage, now, s.series_id, &SERIES.load(storage, s.series_id)?.params, s.quantity, 0)?;
    }
    let mut plan = TradePlan {
        settled,
        account_after: after,
        legs: vec![],
        premium: 0,
        fees: 0,
        adds_risk: false,
        cash_before: account.cash,
        claim_before: account.claim,
        cash_settled,
        pool,
    };
    for leg in legs {
        if leg.quantity == 0 || leg.quantity.unsigned_abs() > risk.max_leg_quantity {
            return Err(ContractError::LegQuantity { max: risk.max_leg_quantity });
        }
        if plan.legs.iter().any(|l| l.series_id == leg.series_id) {
            return Err(ContractError::DuplicateLeg { series_id: leg.series_id });
        }
        let series = SERIES
            .may_load(storage, leg.series_id)?
            .ok_or(ContractError::UnknownSeries { series_id: leg.series_id })?;
        if now >= series.params.expiry {
            return Err(ContractError::SeriesExpired { series_id: leg.series_id, expiry: series.params.expiry });
        }
        let current =
            plan.account_after.positions.iter().find(|(id, _)| *id == leg.series_id).map(|(_, q)| *q).unwrap_or(0);
        let new = current.checked_add(leg.quantity).ok_or_else(|| crate::error::ContractError::overflow("quantity"))?;
        // A leg reduces risk only if it shrinks an existing position without flipping it.
        let reduces = current != 0
            && (current > 0) != (leg.quantity > 0)
            && leg.quantity.unsigned_abs() <= current.unsigned_abs();
        plan.adds_risk |= !reduces;
        let mode = if reduces { Freshness::Lenient } else { Freshness::Strict };

        let per_contract = mark(storage, now, &series.params, mode)?;
        let (premium, fee) = leg_amounts(per_contract, leg.quantity, spread, quote.decimals)?;

        // Open interest (the long and short parts held by traders) and the pool's side move in
        // the position book; a part that grows may not pass the series' cap.
        let (open_before, open_after) = plan.pool.trade(storage, now, leg.series_id, &series.params, current, new)?;
        let cap = series.params.open_interest_cap;
        for (open, before) in [(open_after.long, open_before.long), (open_after.short, open_before.short)] {
            if open > before && open > cap {
                return Err(ContractError::OpenInterestCap { series_id: leg.series_id, requested: open, cap });
            }
        }
        let positions = &mut plan.account_after.positions;
        positions.retain(|(id, _)| *id != leg.series_id);
        if new != 0 {
            positions.push((leg.series_id, new));
        }
        plan.premium =
            plan.premium.checked_add(premium).ok_or_else(|| crate::error::ContractError::overflow("premium"))?;
        plan.fees = plan.fees.checked_add(fee).ok_or_else(|| crate::error::ContractError::overflow("fee"))?;
        plan.legs.push(LegPlan {
            series_id: leg.series_id,
            quantity: leg.quantity,
            premium,
            fee,
            params: series.params,
            open_interest_after: open_after,
        });
    }
    plan.pool.load_all(storage)?;
    if plan.account_after.positions.len() > MAX_ACCOUNT_POSITIONS {
        return Err(ContractError::TooManyPositions { max: MAX_ACCOUNT_POSITIONS });
    }
    let cost = plan.total_cost()?;
    plan.account_after.cash = plan.account_after.cash.checked_sub(Int128::new(cost))?;
    Ok(plan)
}

/// The pool's free cash `F` (docs/solvency.md) after the plan's lazy settlement and after the
/// whole plan: the settlement moves the pool's book cash by what the account's cash gains and
/// its claims by the account's; the trade moves its book cash by the cost; `L` moves by the
/// book cash less the change of the account's debt.
pub fn free_cash_after(storage: &dyn Storage, plan: &TradePlan) -> ContractResult<(i128, i128)> {
    let overflow = || crate::error::ContractError::overflow("pool cash");
    let settled_in = plan.settled.cash_in()?.checked_neg().ok_or_else(overflow)?;
    let claims_before = Int128::try_from(plan.claim_before)?;
    let claims_change = Int128::try_from(plan.account_after.claim)?.checked_sub(claims_before)?.i128();
    let settled = crate::ledger::free_cash(storage)?
        .checked_add(crate::ledger::liquid_delta(settled_in, plan.cash_before, plan.cash_settled)?)
        .and_then(|f| f.checked_sub(claims_change))
        .ok_or_else(overflow)?;
    let after = settled
        .checked_add(crate::ledger::liquid_delta(plan.total_cost()?, plan.cash_settled, plan.account_after.cash)?)
        .ok_or_else(overflow)?;
    Ok((settled, after))
}

/// Margins after the plan: (account, pool). The pool is margined on its free cash after the
/// plan (docs/solvency.md).
pub fn margins_after(
    storage: &dyn Storage,
    now: u64,
    account_id: &str,
    plan: &mut TradePlan,
    mode: Freshness,
) -> ContractResult<(MarginBreakdown, MarginBreakdown)> {
    let account = account_margin(storage, now, account_id, &plan.account_after, mode)?;
    let (_, free_after) = free_cash_after(storage, plan)?;
    let pool = plan.pool.margin(storage, free_after)?;
    Ok((account, pool))
}
