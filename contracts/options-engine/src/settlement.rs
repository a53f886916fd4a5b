//! Settlement of expired positions at intrinsic value (docs/protocol.md §8): lazily whenever an
//! account is touched, and by a permissionless crank per series. Long positions are paid by
//! the pool and short positions pay it; the payoff `q x intrinsic x size` rounds down (toward
//! negative infinity), so a long receives at most and a short pays at least its exact value.
//! Cash is only moved between the account and the pool, so it is conserved exactly.

use cosmwasm_std::{Int128, Storage};
use isthmus_pricing::Rounding;

use crate::error::ContractResult;
use crate::oracle::to_fixed;
use crate::pool_book::PoolBook;
use crate::state::market::{Account, OpenInterest, LIVE_SERIES_COUNT, POOL, QUOTE, SERIES, SERIES_HOLDERS};
use crate::valuation::{intrinsic, quote_amount, settlement_price};

/// One position that can be settled now.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub series_id: u64,
    pub quantity: i64,
    /// Paid to the account (negative: paid by it), quote base units.
    pub payoff: i128,
}

/// The settleable positions of `account` and their payoffs (reads only).
pub fn payoffs(storage: &dyn Storage, now: u64, account: &Account) -> ContractResult<Vec<Settled>> {
    let quote = QUOTE.load(storage)?;
    let mut out = vec![];
    for (series_id, quantity) in &account.positions {
        let series = SERIES.load(storage, *series_id)?;
        // A settlement price is the first one published at or after the expiry, and nothing is
        // published in the future: before the expiry there is none to read.
        if now < series.params.expiry {
            continue;
        }
        let Some(price) = settlement_price(storage, &series.params)? else { continue };
        let per_contract = intrinsic(series.params.kind, to_fixed(series.params.strike)?, price)?
            .checked_mul(to_fixed(series.params.contract_size)?)?;
        let payoff = quote_amount(per_contract, i128::from(*quantity), quote.decimals, Rounding::Floor)?;
        out.push(Settled { series_id: *series_id, quantity: *quantity, payoff });
    }
    Ok(out)
}

/// The account as it stands once everything due is settled, without writing: every place
/// that judges an account (margin, withdrawals, revocation, seizes, queries) judges this,
/// so an expired position is valued at its fixed settlement price, never at today's spot.
pub fn settled_view(storage: &dyn Storage, now: u64, account_id: &str) -> ContractResult<Account> {
    let mut account = crate::state::market::ACCOUNTS.may_load(storage, account_id)?.unwrap_or_default();
    let due = payoffs(storage, now, &account)?;
    apply_to_account(&mut account, &due)?;
    Ok(account)
}

/// Apply `settled` to the in-memory account: cash moves, positions go.
pub fn apply_to_account(account: &mut Account, settled: &[Settled]) -> ContractResult<()> {
    for s in settled {
        account.cash = account.cash.checked_add(Int128::new(s.payoff))?;
        account.positions.retain(|(id, _)| *id != s.series_id);
    }
    Ok(())
}

/// Settle every settleable position of `account`: the account in memory (the caller saves
/// it); the pool's side in `pool` (the caller flushes it); the pool's cash, open interest and
/// holder index in storage.
pub fn settle_into(
    storage: &mut dyn Storage,
    now: u64,
    account: &mut Account,
    pool: &mut PoolBook,
) -> ContractResult<Vec<Settled>> {
    let settled = payoffs(storage, now, account)?;
    apply_to_account(account, &settled)?;
    for s in &settled {
        // The position closes: its open interest and the pool's other side go with it.
        pool.trade(storage, now, s.series_id, &SERIES.load(storage, s.series_id)?.params, s.quantity, 0)?;
    }
    write_settled(storage, account.number, &settled, pool)?;
    Ok(settled)
}

/// [`settle_into`] with a pool book of its own, written at once.
pub fn settle_account(storage: &mut dyn Storage, now: u64, account: &mut Account) -> ContractResult<Vec<Settled>> {
    let mut pool = PoolBook::new();
    let settled = settle_into(storage, now, account, &mut pool)?;
    pool.flush(storage)?;
    Ok(settled)
}

/// What settling `settled` writes besides the position book (`pool`, which already holds the
/// closed positions): the pool's cash pays or receives each payoff, the holder index forgets
/// the account, and a series with nothing open retires.
pub fn write_settled(
    storage: &mut dyn Storage,
    holder: u64,
    settled: &[Settled],
    book: &mut PoolBook,
) -> ContractResult<()> {
    for s in settled {
        let mut pool = POOL.load(storage)?;
        pool.cash = pool.cash.checked_sub(Int128::new(s.payoff))?;
        POOL.save(storage, &pool)?;
        SERIES_HOLDERS.remove(storage, (s.series_id, holder));
        let underlying = SERIES.load(storage, s.series_id)?.params.underlying;
        let open = book.open_interest(storage, &underlying, s.series_id)?;
        retire_if_done(storage, s.series_id, &open)?;
    }
    Ok(())
}

/// A settled series with nothing open (`open`, as the position book has it now) stops counting
/// as live. Returns whether it retired now.
pub fn retire_if_done(storage: &mut dyn Storage, series_id: u64, open: &OpenInterest) -> ContractResult<bool> {
    let mut series = SERIES.load(storage, series_id)?;
    if series.retired || !open.is_empty() || settlement_price(storage, &series.params)?.is_none() {
        return Ok(false);
    }
    series.retired = true;
    SERIES.save(storage, series_id, &series)?;
    let live = LIVE_SERIES_COUNT.may_load(storage)?.unwrap_or(0);
    LIVE_SERIES_COUNT.save(storage, &live.saturating_sub(1))?;
    Ok(true)
}
