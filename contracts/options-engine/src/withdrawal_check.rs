//! Withdrawal approval (docs/protocol.md §4, §6): collateral rules first, then the account's full
//! portfolio margin with the position at its new amount.

use cosmwasm_std::{Int128, Storage, Uint128};

use crate::account_margin::{account_margin_with, UsableOverride};
use crate::error::{ContractError, ContractResult};
use crate::market_data::Freshness;
use crate::state::{remote_key, RemotePosition};

/// May `amount` leave `position`, whose vault reports `available_after` once it left?
///
/// `fresh` is whether the request's `seq` is newer than the replica's: if not, the replica
/// already reflects a state in which the amount had moved to pending, so the collateral
/// checks were passed when that state was applied and only the account check remains.
pub fn check_withdrawal(
    storage: &dyn Storage,
    now: u64,
    position: &RemotePosition,
    amount: Uint128,
    available_after: Uint128,
    fresh: bool,
) -> ContractResult<()> {
    let margin = withdrawal_margin(storage, now, position, amount, available_after, fresh)?;
    if !margin.meets_initial_margin() {
        return Err(ContractError::InitialMarginNotMet {
            account: position.account.clone(),
            equity: Int128::new(margin.equity_initial.get()),
            required: Uint128::new(margin.initial_margin.positive_u128()),
        });
    }
    Ok(())
}

/// The collateral rules of a withdrawal, then the account's margin with the position at its
/// new amount: what `check_withdrawal` judges (and the `MaxWithdrawable` view searches).
pub fn withdrawal_margin(
    storage: &dyn Storage,
    now: u64,
    position: &RemotePosition,
    amount: Uint128,
    available_after: Uint128,
    fresh: bool,
) -> ContractResult<isthmus_margin::MarginBreakdown> {
    let usable_after = if fresh {
        if available_after < position.reserved {
            return Err(ContractError::ReservedCollateral { available_after, reserved: position.reserved });
        }
        // Judged on what the engine knows; a deposit still in flight does not count yet
        // (conservative: the owner can retry once it lands).
        if amount > position.usable() {
            return Err(ContractError::InsufficientUsable { requested: amount, usable: position.usable() });
        }
        available_after.checked_sub(position.reserved)?
    } else {
        position.usable()
    };
    let account = crate::settlement::settled_view(storage, now, &position.account)?;
    let key = remote_key(&position.source_id, &position.owner, &position.asset);
    account_margin_with(
        storage,
        now,
        &position.account,
        &account,
        Freshness::Strict,
        Some(&UsableOverride { key, usable: usable_after }),
    )
}
