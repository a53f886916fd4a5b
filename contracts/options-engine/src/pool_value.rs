//! The liquidity pool's net asset value, from its risk kept per underlying (docs/pool-risk.md).

use cosmwasm_std::{Storage, Uint128};

use crate::error::ContractResult;
use crate::market_data::Freshness;
use crate::pool_book::PoolBook;
use crate::state::market::POOL;

/// The pool's positions at their snapshots: `(Σ marks rounded down, positions)`. Under the
/// strict rule every snapshot must be fresh: shares are issued and redeemed at this value.
fn positions_value(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<(i128, i128)> {
    let mut book = PoolBook::new();
    book.load_all(storage)?;
    if mode == Freshness::Strict {
        book.check_fresh(storage, now)?;
    }
    book.marks()
}

/// The NAV at which shares are issued: book cash (receivables at face value) less the claims
/// the pool owes + positions rounded up (each position's mark rounds down in the aggregate, so
/// one base unit per position is added), so a depositor never buys below value and pays its
/// part of every debt owed to the pool, including debt that may never be collected.
pub fn nav_entry(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<i128> {
    let pool = POOL.may_load(storage)?.unwrap_or_default();
    let book = pool.cash.checked_sub(cosmwasm_std::Int128::try_from(pool.claims)?)?.i128();
    let (marks, positions) = positions_value(storage, now, mode)?;
    book.checked_add(marks)
        .and_then(|v| v.checked_add(positions))
        .ok_or_else(|| crate::error::ContractError::overflow("nav"))
}

/// The NAV at which shares are redeemed: free cash (receivables count nothing until they are
/// collected, claims are owed in full) + positions rounded down, so a redeemer never takes
/// above value and never leaves with a part of a debt that may turn bad (docs/solvency.md).
pub fn nav_exit(storage: &dyn Storage, now: u64, mode: Freshness) -> ContractResult<i128> {
    crate::ledger::free_cash(storage)?
        .checked_add(positions_value(storage, now, mode)?.0)
        .ok_or_else(|| crate::error::ContractError::overflow("nav"))
}

/// What redeeming `shares` pays now: `floor(shares x exit NAV / total shares)`, zero when the
/// exit NAV is not positive.
pub fn redemption_value(storage: &dyn Storage, now: u64, mode: Freshness, shares: Uint128) -> ContractResult<Uint128> {
    let total_shares = POOL.may_load(storage)?.unwrap_or_default().total_shares;
    let nav = nav_exit(storage, now, mode)?;
    if nav <= 0 || total_shares.is_zero() {
        return Ok(Uint128::zero());
    }
    Ok(Uint128::new(nav.unsigned_abs()).checked_multiply_ratio(shares, total_shares)?)
}

/// The pool's margin with `cash`, from its risk at the snapshots.
pub fn margin_with_cash(storage: &dyn Storage, cash: i128) -> ContractResult<isthmus_margin::MarginBreakdown> {
    let mut book = PoolBook::new();
    book.load_all(storage)?;
    book.margin(storage, cash)
}
