//! Permissionless settlement: one account, or a page of a series' holders (the crank).

use cosmwasm_std::{DepsMut, Env, Order, Response, StdResult, Uint128};

use crate::error::{ContractError, ContractResult};
use crate::settlement::{retire_if_done, settle_account};
use crate::state::market::{key32, Account, ACCOUNTS, ACCOUNT_ADDRESSES, SERIES, SERIES_HOLDERS};
use crate::valuation::settlement_price;

pub const MAX_CRANK: u32 = 30;

/// Settle one account: its expired positions, and what the pool can pay now of its claim.
/// Returns `(positions settled, claim paid, claim left)`.
fn settle_one(deps: &mut DepsMut, now: u64, account_id: &str) -> ContractResult<(usize, u128, Uint128)> {
    let Some(account) = ACCOUNTS.may_load(deps.storage, account_id)? else { return Ok((0, 0, Uint128::zero())) };
    settle_loaded(deps, now, account_id, account)
}

fn settle_loaded(
    deps: &mut DepsMut,
    now: u64,
    account_id: &str,
    mut account: Account,
) -> ContractResult<(usize, u128, Uint128)> {
    let settled = settle_account(deps.storage, now, &mut account)?;
    crate::ledger::save_account(deps.storage, account_id, &mut account)?;
    Ok((settled.len(), settled.claim_paid, account.claim))
}

pub fn settle_account_msg(mut deps: DepsMut, env: Env, account: String) -> ContractResult<Response> {
    let (n, claim_paid, claim) = settle_one(&mut deps, env.block.time.seconds(), &account)?;
    Ok(Response::new()
        .add_attribute("action", "settle_account")
        .add_attribute("account", account)
        .add_attribute("settled_positions", n.to_string())
        .add_attribute("claim_paid", claim_paid.to_string())
        .add_attribute("claim", claim.to_string()))
}

pub fn settle_series(mut deps: DepsMut, env: Env, series_id: u64, limit: Option<u32>) -> ContractResult<Response> {
    let series = SERIES.may_load(deps.storage, series_id)?.ok_or(ContractError::UnknownSeries { series_id })?;
    if settlement_price(deps.storage, &series.params)?.is_none() {
        return Err(crate::market_data::invalid("series", "no settlement price yet"));
    }
    let limit = limit.unwrap_or(MAX_CRANK).min(MAX_CRANK) as usize;
    let numbers: Vec<u32> = SERIES_HOLDERS
        .prefix(key32(series_id)?)
        .keys(deps.storage, None, None, Order::Ascending)
        .take(limit)
        .collect::<StdResult<_>>()?;
    let mut holders = vec![];
    for number in numbers {
        let address = ACCOUNT_ADDRESSES.load(deps.storage, number)?;
        let account = ACCOUNTS.load(deps.storage, &address)?;
        holders.push((address, account));
    }
    // Those who pay at this expiry first: what the shorts pay the pool can then pay the longs
    // in the same call instead of becoming their claims (docs/solvency.md, rule 8).
    let receives = |a: &Account| a.positions.iter().any(|(id, q)| *id == series_id && *q > 0);
    holders.sort_by_key(|(_, account)| receives(account));
    let (mut positions, mut claims_paid) = (0, 0u128);
    for (holder, account) in holders.iter().cloned() {
        let (n, paid, _) = settle_loaded(&mut deps, env.block.time.seconds(), &holder, account)?;
        positions += n;
        claims_paid = claims_paid.checked_add(paid).ok_or_else(|| ContractError::overflow("claims"))?;
    }
    // Each holder's book was written: storage holds the open interest now.
    let open = crate::state::market::OPEN_INTEREST
        .may_load(deps.storage, (&series.params.underlying, key32(series_id)?))?
        .unwrap_or_default();
    retire_if_done(deps.storage, series_id, &open)?;
    // Retired now, by the last holder's settlement or by the check above.
    let retired = !series.retired && SERIES.load(deps.storage, series_id)?.retired;
    Ok(Response::new()
        .add_attribute("action", "settle_series")
        .add_attribute("series_id", series_id.to_string())
        .add_attribute("accounts", holders.len().to_string())
        .add_attribute("settled_positions", positions.to_string())
        .add_attribute("claims_paid", claims_paid.to_string())
        .add_attribute("retired", retired.to_string()))
}
