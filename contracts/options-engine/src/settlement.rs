//! Settlement of expired positions at intrinsic value (docs/protocol.md §8): lazily whenever an
//! account is touched, and by a permissionless crank per series. Long positions are paid by
//! the pool and short positions pay it; the payoff `q x intrinsic x size` rounds down (toward
//! negative infinity), so a long receives at most and a short pays at least its exact value.
//! Cash is only moved between the account and the pool, so it is conserved exactly.

use cosmwasm_std::{Int128, Storage, Uint128};
use isthmus_pricing::Rounding;

use crate::error::ContractResult;
use crate::market_data::to_fixed;
use crate::pool_book::PoolBook;
use crate::state::market::{Account, OpenInterest, LIVE_SERIES_COUNT, POOL, QUOTE, SERIES};
use crate::valuation::{intrinsic, quote_amount, settlement_price};

/// One position that can be settled now.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub series_id: u64,
    pub quantity: i64,
    /// Due to the account (negative: due from it), quote base units.
    pub payoff: i128,
    /// The part of a positive payoff the pool owes instead of paying now: its free cash could
    /// not cover it (docs/solvency.md, rule 8).
    pub claimed: u128,
}

/// Everything settling an account does now: the positions it settles and what it pays on the
/// account's earlier claim.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settlement {
    pub positions: Vec<Settled>,
    /// Paid now on the claim the account already held.
    pub claim_paid: u128,
}

impl Settlement {
    /// What the account's cash gains (negative: pays); the pool's book cash moves the other way.
    pub fn cash_in(&self) -> ContractResult<i128> {
        let overflow = || crate::error::ContractError::overflow("settlement");
        let mut sum = i128::try_from(self.claim_paid).map_err(|_| overflow())?;
        for s in &self.positions {
            let claimed = i128::try_from(s.claimed).map_err(|_| overflow())?;
            sum = s.payoff.checked_sub(claimed).and_then(|p| sum.checked_add(p)).ok_or_else(overflow)?;
        }
        Ok(sum)
    }

    /// The claims the settlement adds and the claim it pays: `(added, paid)`.
    fn claim_moves(&self) -> ContractResult<(u128, u128)> {
        let added = self
            .positions
            .iter()
            .try_fold(0u128, |sum, s| sum.checked_add(s.claimed))
            .ok_or_else(|| crate::error::ContractError::overflow("claim"))?;
        Ok((added, self.claim_paid))
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty() && self.claim_paid == 0
    }
}

/// How a credit of `amount` to an account holding `cash` is paid out of `available` tokens:
/// the part that repays the account's debt costs the pool no tokens (its receivable falls by as
/// much); the rest is paid only as far as `available` reaches. Returns `(paid, owed, tokens)`.
pub fn split_credit(cash: Int128, amount: u128, available: i128) -> (u128, u128, u128) {
    let debt_part = amount.min(crate::ledger::debt_of(cash).u128());
    let rest = amount - debt_part;
    let tokens = rest.min(available.max(0).unsigned_abs());
    (debt_part + tokens, rest - tokens, tokens)
}

/// What settling `account` now does, computed from storage without writing.
///
/// Shorts settle first (what they pay the pool can pay the longs), then the account's earlier
/// claim is paid out of the pool's liquid cash `L`, then each long is paid out of the pool's
/// free cash `F = L - C`, so a new claim never takes the cash that earlier claims are owed;
/// what `F` cannot pay becomes the account's claim (docs/solvency.md, rule 8).
pub fn plan_settlement(storage: &dyn Storage, now: u64, account: &Account) -> ContractResult<Settlement> {
    let mut quote_decimals = None;
    let mut due = vec![];
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
        let decimals = match quote_decimals {
            Some(decimals) => decimals,
            None => *quote_decimals.insert(QUOTE.load(storage)?.decimals),
        };
        let payoff = quote_amount(per_contract, i128::from(*quantity), decimals, Rounding::Floor)?;
        due.push(Settled { series_id: *series_id, quantity: *quantity, payoff, claimed: 0 });
    }
    // Nothing due and nothing owed: the pool's cash is not read (the margin check of every trade
    // and withdrawal comes through here, and those two reads are a tenth of its gas).
    if due.is_empty() && account.claim.is_zero() {
        return Ok(Settlement::default());
    }
    due.sort_by_key(|s| s.payoff > 0);
    let overflow = || crate::error::ContractError::overflow("settlement");
    let mut cash = account.cash;
    let mut liquid = crate::ledger::liquid_cash(storage)?;
    let mut claims = crate::ledger::claims(storage)?.u128();
    let mut settlement = Settlement::default();
    let mut claim_pending = Some(account.claim.u128()).filter(|c| *c > 0);
    for mut s in due {
        if s.payoff > 0 {
            if let Some(claim) = claim_pending.take() {
                settlement.claim_paid = pay_claim(&mut cash, &mut liquid, &mut claims, claim)?;
            }
            let free = liquid.checked_sub(i128::try_from(claims).map_err(|_| overflow())?).ok_or_else(overflow)?;
            let (paid, owed, tokens) = split_credit(cash, s.payoff.unsigned_abs(), free);
            cash = cash.checked_add(Int128::try_from(Uint128::new(paid))?)?;
            liquid = liquid.checked_sub(i128::try_from(tokens).map_err(|_| overflow())?).ok_or_else(overflow)?;
            claims = claims.checked_add(owed).ok_or_else(overflow)?;
            s.claimed = owed;
        } else {
            // A short pays: from positive cash the pool's liquid cash grows; into debt, only its
            // receivable does.
            let before = cash;
            cash = cash.checked_add(Int128::new(s.payoff))?;
            let from_cash = before.i128().max(0).checked_sub(cash.i128().max(0)).ok_or_else(overflow)?;
            liquid = liquid.checked_add(from_cash).ok_or_else(overflow)?;
        }
        settlement.positions.push(s);
    }
    if let Some(claim) = claim_pending {
        settlement.claim_paid = pay_claim(&mut cash, &mut liquid, &mut claims, claim)?;
    }
    Ok(settlement)
}

/// Pay what the pool's liquid cash allows of a claim; returns the amount paid.
fn pay_claim(cash: &mut Int128, liquid: &mut i128, claims: &mut u128, claim: u128) -> ContractResult<u128> {
    let overflow = || crate::error::ContractError::overflow("claim");
    let (paid, _, tokens) = split_credit(*cash, claim, *liquid);
    *cash = cash.checked_add(Int128::try_from(Uint128::new(paid))?)?;
    *liquid = liquid.checked_sub(i128::try_from(tokens).map_err(|_| overflow())?).ok_or_else(overflow)?;
    *claims = claims.checked_sub(paid).ok_or_else(overflow)?;
    Ok(paid)
}

/// The account as it stands once everything due is settled, without writing: every place
/// that judges an account (margin, withdrawals, revocation, seizes, queries) judges this,
/// so an expired position is valued at its fixed settlement price, never at today's spot.
pub fn settled_view(storage: &dyn Storage, now: u64, account_id: &str) -> ContractResult<Account> {
    let mut account = crate::state::market::ACCOUNTS.may_load(storage, account_id)?.unwrap_or_default();
    let due = plan_settlement(storage, now, &account)?;
    apply_to_account(&mut account, &due)?;
    Ok(account)
}

/// Apply `settlement` to the in-memory account: cash and claim move, positions go.
pub fn apply_to_account(account: &mut Account, settlement: &Settlement) -> ContractResult<()> {
    account.cash = account.cash.checked_add(Int128::new(settlement.cash_in()?))?;
    let (added, paid) = settlement.claim_moves()?;
    account.claim = account.claim.checked_add(Uint128::new(added))?.checked_sub(Uint128::new(paid))?;
    for s in &settlement.positions {
        account.positions.retain(|(id, _)| *id != s.series_id);
    }
    Ok(())
}

/// Settle every settleable position of `account`: the account in memory (the caller saves
/// it); the pool's side, open interest and holder index in `pool` (the caller flushes it);
/// the pool's cash in storage.
pub fn settle_into(
    storage: &mut dyn Storage,
    now: u64,
    account: &mut Account,
    pool: &mut PoolBook,
) -> ContractResult<Settlement> {
    let settled = plan_settlement(storage, now, account)?;
    apply_to_account(account, &settled)?;
    for s in &settled.positions {
        // The position closes: its open interest and the pool's other side go with it.
        pool.trade(storage, now, s.series_id, &SERIES.load(storage, s.series_id)?.params, s.quantity, 0)?;
    }
    write_settled(storage, account.number, &settled, pool)?;
    Ok(settled)
}

/// [`settle_into`] with a pool book of its own, written at once.
pub fn settle_account(storage: &mut dyn Storage, now: u64, account: &mut Account) -> ContractResult<Settlement> {
    let mut pool = PoolBook::new();
    let settled = settle_into(storage, now, account, &mut pool)?;
    pool.flush(storage)?;
    Ok(settled)
}

/// What settling writes besides the position book (`book`, which already holds the closed
/// positions): the pool's cash pays or receives what the account's cash gains, its claims
/// move with the account's, the holder index forgets the account, and a series with nothing
/// open retires.
pub fn write_settled(
    storage: &mut dyn Storage,
    holder: u64,
    settlement: &Settlement,
    book: &mut PoolBook,
) -> ContractResult<()> {
    if settlement.is_empty() {
        return Ok(());
    }
    let mut pool = POOL.may_load(storage)?.unwrap_or_default();
    pool.cash = pool.cash.checked_sub(Int128::new(settlement.cash_in()?))?;
    let (added, paid) = settlement.claim_moves()?;
    pool.claims = pool.claims.checked_add(Uint128::new(added))?.checked_sub(Uint128::new(paid))?;
    POOL.save(storage, &pool)?;
    for s in &settlement.positions {
        book.hold(s.series_id, holder, true, false);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `(paid, owed, tokens)` of a credit of `amount` to an account holding `cash`, out of
    /// `available` free cash.
    fn split(cash: i128, amount: u128, available: i128) -> (u128, u128, u128) {
        split_credit(Int128::new(cash), amount, available)
    }

    #[test]
    fn a_credit_repays_debt_then_is_paid_from_free_cash_and_the_rest_is_owed() {
        // Free cash covers it: all paid in tokens.
        assert_eq!(split(10, 100, 100), (100, 0, 100));
        assert_eq!(split(10, 100, 105), (100, 0, 100));
        // 70 of free cash for a credit of 100: 30 is owed.
        assert_eq!(split(10, 100, 70), (70, 30, 70));
        // The pool already owed more than it held: the whole credit is owed.
        assert_eq!(split(10, 100, -400), (0, 100, 0));
        // A credit that only pays down a debt costs no tokens, whatever the free cash.
        assert_eq!(split(-200, 150, -350), (150, 0, 0));
        // From debt to positive cash: only the positive part needs tokens, and can be owed.
        assert_eq!(split(-200, 240, -260), (200, 40, 0));
        assert_eq!(split(-200, 240, 25), (225, 15, 25));
    }
}
