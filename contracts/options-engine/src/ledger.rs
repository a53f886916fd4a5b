//! The cash ledger: the one writer of account cash, which keeps the pool's receivable in step.
//!
//! Sign conventions (docs/solvency.md): an account's `cash` is signed; positive cash is a claim
//! its owner may withdraw (subject to margin), negative cash is a debt. Every debt is owed to
//! the pool, because the pool is the counterparty of everything that can make cash negative
//! (premiums, settlement of shorts, liquidation closes) and it advances liquidation penalties
//! that the account cannot pay. The pool's book `cash` therefore contains its receivables:
//!
//! ```text
//! receivable  D = Σ max(-cash_a, 0)         (pool.receivable, kept by every save of an account)
//! liquid      L = pool.cash - D              (the pool's part of the tokens the engine holds)
//! tokens held by the engine = Σ max(cash_a, 0) + L   (+ anything sent to it unasked)
//! ```
//!
//! Debts back nothing that can be paid out before they are collected. What the pool owes and
//! could not pay when it was due (settlement and liquidation credits beyond its cash) is kept
//! as claims `C = Σ claim_a`, paid out of `L` first when their accounts are next settled:
//!
//! ```text
//! free        F = L - C                      (what anyone but a claim holder may be paid from)
//! ```
//!
//! LP withdrawals, premiums the pool pays and the penalties it advances are paid from `F`, and
//! the pool's margin and NAV count `F`, never `pool.cash` (docs/solvency.md).

use cosmwasm_std::{Int128, Storage, Uint128};

use crate::error::ContractResult;
use crate::state::market::{Account, ACCOUNTS, POOL};

/// The debt part of a signed cash balance.
pub fn debt_of(cash: Int128) -> Uint128 {
    if cash.is_negative() {
        Uint128::new(cash.i128().unsigned_abs())
    } else {
        Uint128::zero()
    }
}

/// `D`: the sum of every account's debt, quote base units. Kept in the pool's row, which every
/// path that needs it reads anyway (docs/storage.md).
pub fn receivable(storage: &dyn Storage) -> ContractResult<Uint128> {
    Ok(POOL.may_load(storage)?.unwrap_or_default().receivable)
}

/// Give `account_id` its number in the holder index (once, with its first position).
pub fn number_account(storage: &mut dyn Storage, account_id: &str) -> ContractResult<u64> {
    use crate::state::market::{ACCOUNT_ADDRESSES, NEXT_ACCOUNT_NUMBER};
    let number = NEXT_ACCOUNT_NUMBER.may_load(storage)?.unwrap_or(1);
    let key = crate::state::market::key32(number)?; // the holder index keys it by four bytes
    let next = number.checked_add(1).ok_or_else(|| crate::error::ContractError::overflow("account numbers"))?;
    NEXT_ACCOUNT_NUMBER.save(storage, &next)?;
    ACCOUNT_ADDRESSES.save(storage, key, &account_id.to_string())?;
    Ok(number)
}

/// Save `account`, moving the pool's receivable by the change of its debt.
///
/// An account never keeps both a debt and a claim: what the pool owes it pays down what it owes
/// the pool first (no token moves: the receivable and the claims fall by as much, so `L` is
/// unchanged and `F` grows). This writes the pool's row (its cash and claims when it nets, its
/// receivable when the debt moves), so callers that hold the pool in memory save it first.
pub fn save_account(storage: &mut dyn Storage, account_id: &str, account: &mut Account) -> ContractResult<()> {
    let before = ACCOUNTS.may_load(storage, account_id)?.map(|a| debt_of(a.cash)).unwrap_or_default();
    let netted = account.claim.min(debt_of(account.cash));
    if !netted.is_zero() {
        account.cash = account.cash.checked_add(Int128::try_from(netted)?)?;
        account.claim = account.claim.checked_sub(netted)?;
    }
    let after = debt_of(account.cash);
    if !netted.is_zero() || before != after {
        let mut pool = POOL.may_load(storage)?.unwrap_or_default();
        pool.cash = pool.cash.checked_sub(Int128::try_from(netted)?)?;
        pool.claims = pool.claims.checked_sub(netted)?;
        pool.receivable = pool.receivable.checked_sub(before)?.checked_add(after)?;
        POOL.save(storage, &pool)?;
    }
    ACCOUNTS.save(storage, account_id, account)?;
    Ok(())
}

/// `C`: what the pool owes accounts and has not paid yet.
pub fn claims(storage: &dyn Storage) -> ContractResult<Uint128> {
    Ok(POOL.may_load(storage)?.unwrap_or_default().claims)
}

/// `F = L - C`, signed: negative while the pool owes more than its liquid cash.
pub fn free_cash(storage: &dyn Storage) -> ContractResult<i128> {
    liquid_cash(storage)?
        .checked_sub(
            i128::try_from(claims(storage)?.u128()).map_err(|_| crate::error::ContractError::overflow("claims"))?,
        )
        .ok_or_else(|| crate::error::ContractError::overflow("claims"))
}

/// `L = pool.cash - D`, signed (negative only if the pool has paid out more than it holds,
/// which the solvency invariant rules out).
pub fn liquid_cash(storage: &dyn Storage) -> ContractResult<i128> {
    let book = POOL.may_load(storage)?.unwrap_or_default().cash;
    Ok(book.checked_sub(Int128::try_from(receivable(storage)?)?)?.i128())
}

/// How the pool's liquid cash moves when its book cash moves by `book_delta` and one account's
/// cash goes from `before` to `after`: `ΔL = Δpool.cash - ΔD`.
pub fn liquid_delta(book_delta: i128, before: Int128, after: Int128) -> ContractResult<i128> {
    let debt_delta = Int128::try_from(debt_of(after))?.checked_sub(Int128::try_from(debt_of(before))?)?;
    Ok(Int128::new(book_delta).checked_sub(debt_delta)?.i128())
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;

    use super::*;
    use crate::state::market::Pool;

    #[test]
    fn a_claim_pays_down_a_debt_as_the_account_is_saved() {
        let mut storage = MockStorage::new();
        let pool = Pool {
            cash: Int128::new(1_000),
            total_shares: Uint128::new(1),
            claims: Uint128::new(300),
            ..Pool::default()
        };
        POOL.save(&mut storage, &pool).unwrap();
        // Owes 100, is owed 300: the claim pays the debt and 200 stays owed.
        let mut account = Account { cash: Int128::new(-100), claim: Uint128::new(300), ..Account::default() };
        save_account(&mut storage, "a", &mut account).unwrap();
        assert_eq!((account.cash, account.claim), (Int128::zero(), Uint128::new(200)));
        assert_eq!(ACCOUNTS.load(&storage, "a").unwrap(), account);
        let pool = POOL.load(&storage).unwrap();
        assert_eq!((pool.cash, pool.claims), (Int128::new(900), Uint128::new(200)));
        assert_eq!(receivable(&storage).unwrap(), Uint128::zero());
        assert_eq!((liquid_cash(&storage).unwrap(), free_cash(&storage).unwrap()), (900, 700));

        // Owes 500, is owed 200: the claim is used up and 300 stays a debt.
        let mut account = Account { cash: Int128::new(-500), claim: Uint128::new(200), ..Account::default() };
        save_account(&mut storage, "a", &mut account).unwrap();
        assert_eq!((account.cash, account.claim), (Int128::new(-300), Uint128::zero()));
        let pool = POOL.load(&storage).unwrap();
        assert_eq!((pool.cash, pool.claims), (Int128::new(700), Uint128::zero()));
        assert_eq!(receivable(&storage).unwrap(), Uint128::new(300));
        // The netting moved no token: the liquid cash is 900 - 500, as without it.
        assert_eq!(liquid_cash(&storage).unwrap(), 400);
    }
}
