//! The one margin function of an account, used by every decision that adds risk.
//!
//! Today accounts hold no options and no debt, so their initial-margin requirement is
//! zero and the binding constraints are the collateral rules of DESIGN §4: a withdrawal
//! may neither dip into collateral reserved for seizes in flight, nor take more than the
//! engine counts as usable. Portfolio margin over options plugs into [`initial_margin`].

use cosmwasm_std::{Storage, Uint128};

use crate::error::{ContractError, ContractResult};
use crate::state::RemotePosition;

/// Initial margin an account must hold, in quote units. No options, no debt: zero.
pub fn initial_margin(_storage: &dyn Storage, _account: &str) -> ContractResult<Uint128> {
    Ok(Uint128::zero())
}

/// May `amount` leave `position`, whose vault reports `available_after` once it left?
///
/// `fresh` is whether the request's `seq` is newer than the replica's: if not, the replica
/// already reflects a state in which the amount had moved to pending, so the collateral
/// checks were passed when that state was applied and only the account check remains.
pub fn check_withdrawal(
    storage: &dyn Storage,
    position: &RemotePosition,
    amount: Uint128,
    available_after: Uint128,
    fresh: bool,
) -> ContractResult<()> {
    if fresh {
        if available_after < position.reserved {
            return Err(ContractError::ReservedCollateral { available_after, reserved: position.reserved });
        }
        // Judged on what the engine knows; a deposit still in flight does not count yet
        // (conservative: the owner can retry once it lands).
        if amount > position.usable() {
            return Err(ContractError::InsufficientUsable { requested: amount, usable: position.usable() });
        }
    }
    let required = initial_margin(storage, &position.account)?;
    // With no liabilities, equity is irrelevant to a zero requirement; once options exist
    // the scenario engine values the account after the change here.
    if !required.is_zero() {
        return Err(ContractError::InitialMarginNotMet {
            account: position.account.clone(),
            equity: Uint128::zero(),
            required,
        });
    }
    Ok(())
}
