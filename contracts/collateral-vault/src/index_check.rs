//! Invariant 10 (docs/invariants.md): the vault's two indexes agree with the books they index.
//! `book.rs::apply` writes `POSITIONS_BY_ACCOUNT` with each position, and
//! `state::open_withdrawal`/`close_withdrawal` write `WITHDRAWALS_BY_OWNER` with each pending
//! withdrawal; a missed or stale entry would make a wallet's listing wrong while every total
//! stays right. The integration tests and the fuzz targets run this over the whole storage
//! after every step; no entry point calls it (it reads every row).

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{Addr, Order, StdResult, Storage, Uint128};

use crate::state::{POSITIONS, POSITIONS_BY_ACCOUNT, WITHDRAWALS, WITHDRAWALS_BY_OWNER};

/// `Ok(())` when both indexes hold exactly one entry per row of their book and each position's
/// `pending` is the sum of its pending withdrawals; otherwise what disagrees.
pub fn check(storage: &dyn Storage) -> StdResult<Result<(), String>> {
    let positions: Vec<((Addr, String), crate::state::Position)> =
        POSITIONS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    let expected: BTreeSet<(String, (Addr, String))> =
        positions.iter().map(|((owner, asset), p)| (p.account.clone(), (owner.clone(), asset.clone()))).collect();
    let indexed: BTreeSet<(String, (Addr, String))> =
        POSITIONS_BY_ACCOUNT.keys(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    if indexed != expected {
        let stale: Vec<_> = indexed.difference(&expected).collect();
        let missing: Vec<_> = expected.difference(&indexed).collect();
        return Ok(Err(format!("positions by account: stale entries {stale:?}, missing {missing:?}")));
    }

    let withdrawals: Vec<(u64, crate::state::PendingWithdrawal)> =
        WITHDRAWALS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    let expected: BTreeSet<(Addr, u64)> = withdrawals.iter().map(|(id, w)| (w.owner.clone(), *id)).collect();
    let indexed: BTreeSet<(Addr, u64)> =
        WITHDRAWALS_BY_OWNER.keys(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    if indexed != expected {
        let stale: Vec<_> = indexed.difference(&expected).collect();
        let missing: Vec<_> = expected.difference(&indexed).collect();
        return Ok(Err(format!("pending withdrawals by owner: stale entries {stale:?}, missing {missing:?}")));
    }

    let mut waiting: BTreeMap<(Addr, String), Uint128> = BTreeMap::new();
    for (id, w) in &withdrawals {
        if *id != w.request_id {
            return Ok(Err(format!("withdrawal {id} records the id {}", w.request_id)));
        }
        let sum = waiting.entry((w.owner.clone(), w.asset.key())).or_default();
        *sum = sum.checked_add(w.amount)?;
    }
    for (key, p) in &positions {
        let sum = waiting.remove(key).unwrap_or_default();
        if p.pending != sum {
            return Ok(Err(format!("position {key:?}: pending {} but its withdrawals sum to {sum}", p.pending)));
        }
    }
    if let Some((key, sum)) = waiting.into_iter().next() {
        return Ok(Err(format!("withdrawals of {sum} pending for {key:?}, which has no position")));
    }
    Ok(Ok(()))
}
