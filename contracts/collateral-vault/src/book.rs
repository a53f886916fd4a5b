//! The position book: every change of a position goes through [`apply`], which keeps the
//! asset totals (invariant 1), the owner's binding and the position's `seq` in step.

use cosmwasm_std::{Addr, Storage, Uint128};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::state::{
    load_position, position_key, Binding, Position, ASSETS, BINDINGS, POSITIONS, POSITIONS_BY_ACCOUNT, POSITION_COUNT,
};

/// A change of one position. Amounts are base units of the position's asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// New collateral arrives (deposit). Available grows, the vault holds more.
    Deposit(Uint128),
    /// A withdrawal starts: available -> pending.
    ToPending(Uint128),
    /// The engine approved a withdrawal and it is paid out: pending leaves the vault.
    PendingPaid(Uint128),
    /// A withdrawal was refused, timed out or could not be paid: pending -> available.
    PendingReturned(Uint128),
    /// A seize takes from available (never from pending): it leaves the vault.
    Seized(Uint128),
    /// A payout (seize delivery or approved withdrawal) failed: the amount is put back
    /// into available.
    PayoutFailed(Uint128),
}

impl Change {
    /// Whether the engine sees this change (its `available` moves), so `seq` increments.
    fn changes_available(self) -> bool {
        !matches!(self, Change::PendingPaid(_))
    }
}

/// Apply `change` to `(owner, asset)`. A deposit creates the position (and the owner's
/// binding to `account`); every other change needs an existing position.
pub fn apply(
    storage: &mut dyn Storage,
    owner: &Addr,
    asset: &AssetInfo,
    account: Option<&str>,
    change: Change,
) -> ContractResult<Position> {
    let key = position_key(owner, asset);
    let existing = load_position(storage, &key)?;
    let account_before = existing.as_ref().map(|p| p.account.clone());
    let mut binding = BINDINGS.may_load(storage, owner)?;

    let mut position = match (existing, change) {
        (Some(p), _) => p,
        (None, Change::Deposit(_)) => Position {
            owner: owner.clone(),
            account: String::new(),
            asset: asset.clone(),
            available: Uint128::zero(),
            pending: Uint128::zero(),
            seq: 0,
        },
        (None, _) => return Err(ContractError::UnknownPosition { owner: owner.to_string(), asset: asset.to_string() }),
    };

    if let (Change::Deposit(_), Some(requested)) = (change, account) {
        binding = Some(bind(owner, binding, requested)?);
    }
    let was_open = !position.held()?.is_zero();

    let (available, pending) = (position.available, position.pending);
    let insufficient =
        |requested: Uint128, available: Uint128| ContractError::InsufficientAvailable { requested, available };
    match change {
        Change::Deposit(a) | Change::PayoutFailed(a) => position.available = available.checked_add(a)?,
        Change::ToPending(a) => {
            position.available = available.checked_sub(a).map_err(|_| insufficient(a, available))?;
            position.pending = pending.checked_add(a)?;
        }
        Change::PendingPaid(a) => position.pending = pending.checked_sub(a)?,
        Change::PendingReturned(a) => {
            position.pending = pending.checked_sub(a)?;
            position.available = available.checked_add(a)?;
        }
        Change::Seized(a) => position.available = available.checked_sub(a).map_err(|_| insufficient(a, available))?,
    }
    if change.changes_available() {
        position.seq =
            position.seq.checked_add(1).ok_or_else(|| cosmwasm_std::StdError::generic_err("position seq exhausted"))?;
    }

    // Every check before the first write: a position without a binding is refused here, and
    // a new position is counted only once it is sure to be stored.
    let mut binding = binding.ok_or_else(|| cosmwasm_std::StdError::not_found("binding"))?;
    let position_count = match account_before {
        None => Some(
            POSITION_COUNT.may_load(storage)?.unwrap_or(0).checked_add(1).ok_or_else(|| overflow("position count"))?,
        ),
        Some(_) => None,
    };

    // Money entering or leaving the vault moves the asset total (invariant 1).
    let mut asset_state = crate::state::load_asset(storage, asset)?;
    asset_state.total = match change {
        Change::Deposit(a) | Change::PayoutFailed(a) => asset_state.total.checked_add(a)?,
        Change::PendingPaid(a) | Change::Seized(a) => asset_state.total.checked_sub(a)?,
        Change::ToPending(_) | Change::PendingReturned(_) => asset_state.total,
    };
    ASSETS.save(storage, &asset.key(), &asset_state)?;

    let is_open = !position.held()?.is_zero();
    binding.open_positions = match (was_open, is_open) {
        (false, true) => binding.open_positions.checked_add(1).ok_or_else(|| overflow("open positions"))?,
        (true, false) => binding.open_positions.saturating_sub(1),
        _ => binding.open_positions,
    };
    position.account = binding.account.clone();
    BINDINGS.save(storage, owner, &binding)?;
    let pk = (owner, key.1.as_str());
    if let Some(count) = position_count {
        POSITION_COUNT.save(storage, &count)?;
    }
    POSITIONS.save(storage, pk, &position)?;
    // The account index follows the position's account (set at the first deposit, changed
    // only by a rebinding once the owner holds nothing).
    if account_before.as_deref() != Some(position.account.as_str()) {
        if let Some(before) = &account_before {
            POSITIONS_BY_ACCOUNT.remove(storage, (before.as_str(), pk));
        }
        POSITIONS_BY_ACCOUNT.save(storage, (position.account.as_str(), pk), &())?;
    }
    Ok(position)
}

/// An owner binds one account at the first deposit; it can change only once the owner
/// holds nothing (docs/protocol.md §2).
fn bind(owner: &Addr, binding: Option<Binding>, requested: &str) -> ContractResult<Binding> {
    if requested.is_empty() {
        return Err(ContractError::EmptyAccount);
    }
    // The engine refuses longer names (they are parts of its storage keys): collateral bound
    // to one could never be counted or withdrawn.
    if requested.len() > isthmus_protocol::packet::MAX_NAME_BYTES {
        return Err(ContractError::AccountTooLong { max: isthmus_protocol::packet::MAX_NAME_BYTES });
    }
    match binding {
        Some(b) if b.account == requested => Ok(b),
        Some(b) if b.open_positions > 0 => Err(ContractError::AccountMismatch {
            owner: owner.to_string(),
            bound: b.account,
            requested: requested.to_string(),
        }),
        Some(b) => Ok(Binding { account: requested.to_string(), open_positions: b.open_positions }),
        None => Ok(Binding { account: requested.to_string(), open_positions: 0 }),
    }
}

fn overflow(what: &str) -> ContractError {
    cosmwasm_std::StdError::generic_err(format!("{what} overflow")).into()
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;
