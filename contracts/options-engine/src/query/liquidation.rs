//! Queries the controller and keepers use: what a repayment buys, and who is liquidatable.

use cosmwasm_std::{Decimal, Deps, Env, Int128, Order, StdError, StdResult, Uint128, Uint256};
use cw_storage_plus::Bound;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{LiquidatableAccount, LiquidatableResponse, SeizeQuoteResponse};

use crate::account_margin::account_margin_for_liquidation;
use crate::error::ContractError;
use crate::market_data::Freshness;
use crate::state::market::{ACCOUNTS, LIQUIDATIONS, LIQUIDATIONS_BY_ACCOUNT, PRICES, QUOTE, RISK, SYMBOLS};
use crate::state::{page_limit, remote_key, AUTHORIZED_OWNERS, COLLATERAL_ASSETS, REMOTE_POSITIONS};

fn err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

/// `amount = floor(repay x (1 + bonus) x 10^asset_decimals / (price x 10^quote_decimals))`:
/// the keeper never receives more than the bonus promises.
pub fn seize_quote(
    deps: Deps,
    env: &Env,
    account: String,
    source_id: String,
    owner: String,
    asset: AssetInfo,
    repay: Uint128,
) -> StdResult<SeizeQuoteResponse> {
    // The debt after any settlement already due (settling may pay the account).
    let account = deps.api.addr_validate(&account)?.to_string();
    let state = crate::settlement::settled_view(deps.storage, env.block.time.seconds(), &account).map_err(err)?;
    let debt = Uint128::new(state.cash.i128().min(0).unsigned_abs());
    if repay.is_zero() || repay > debt {
        return Err(err(ContractError::RepayExceedsDebt { repay, debt }));
    }
    // Debt alone is a loan against collateral; a keeper may seize only from an account
    // below maintenance margin (docs/protocol.md §7: liquidation), never from a healthy one.
    let margin =
        account_margin_for_liquidation(deps.storage, env.block.time.seconds(), &account, &state).map_err(err)?;
    if !margin.is_liquidatable() {
        return Err(err(ContractError::NotLiquidatable {
            account,
            equity: Int128::new(margin.equity.get()),
            maintenance: Uint128::new(margin.maintenance_margin.positive_u128()),
        }));
    }
    let position = REMOTE_POSITIONS
        .may_load(deps.storage, remote_key(&source_id, &owner, &asset))?
        .ok_or_else(|| StdError::not_found("replicated position"))?;
    if position.account != account {
        return Err(err(ContractError::AccountMismatch { expected: account, actual: position.account }));
    }
    // Only collateral the account counts backs its debt: an owner it never authorized is
    // not its collateral, even if that owner bound its position to the account.
    if !AUTHORIZED_OWNERS.has(deps.storage, (&account, &source_id, &owner)) {
        return Err(err(ContractError::OwnerNotCounted { account, source_id, owner }));
    }
    let listing = COLLATERAL_ASSETS
        .may_load(deps.storage, (&source_id, &asset.key()))?
        .ok_or_else(|| StdError::not_found("collateral listing"))?;
    // The liquidation (lenient) freshness rule applies to the collateral's price.
    crate::market_data::spot(deps.storage, env.block.time.seconds(), &listing.symbol, Freshness::Lenient)
        .map_err(err)?;
    let price: Decimal = PRICES.load(deps.storage, &listing.symbol)?.price;
    SYMBOLS.load(deps.storage, &listing.symbol)?;
    let bonus = RISK.load(deps.storage)?.liquidation_bonus;
    let quote = QUOTE.load(deps.storage)?;
    let ten = Uint256::from(10u8);
    let numerator = Uint256::from(repay)
        .checked_mul(Uint256::from((Decimal::one() + bonus).atomics()))?
        .checked_mul(ten.checked_pow(u32::from(listing.decimals))?)?;
    let denominator = Uint256::from(price.atomics()).checked_mul(ten.checked_pow(u32::from(quote.decimals))?)?;
    let amount =
        Uint128::try_from(numerator.checked_div(denominator).map_err(|e| StdError::generic_err(e.to_string()))?)?;
    let usable = position.usable();
    if amount.is_zero() {
        return Err(err(ContractError::RepayTooSmall { repay }));
    }
    if amount > usable {
        return Err(err(ContractError::SeizeExceedsUsable { amount, usable }));
    }
    Ok(SeizeQuoteResponse { debt, amount, price, usable })
}

pub fn liquidatable(
    deps: Deps,
    env: &Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<LiquidatableResponse> {
    let limit = page_limit(limit);
    let examined: Vec<(String, crate::state::market::Account)> = ACCOUNTS
        .range(deps.storage, start_after.as_deref().map(Bound::exclusive), None, Order::Ascending)
        .take(limit)
        .collect::<StdResult<_>>()?;
    let next_start_after = if examined.len() == limit { examined.last().map(|(id, _)| id.clone()) } else { None };
    let now = env.block.time.seconds();
    let (mut accounts, mut unevaluated) = (vec![], vec![]);
    for (id, _) in examined {
        // An account whose margin cannot be computed right now (no usable price) is reported
        // apart: a keeper must not take it for healthy.
        let Ok(account) = crate::settlement::settled_view(deps.storage, now, &id) else {
            unevaluated.push(id);
            continue;
        };
        // Maintenance ignores the per-source cap, so the uncapped evaluation decides exactly
        // the same and reads no source totals.
        let Ok(m) = account_margin_for_liquidation(deps.storage, now, &id, &account) else {
            unevaluated.push(id);
            continue;
        };
        if m.is_liquidatable() || account.cash.is_negative() {
            accounts.push(LiquidatableAccount {
                account: id,
                equity: Int128::new(m.equity.get()),
                maintenance_margin: Uint128::new(m.maintenance_margin.positive_u128()),
                cash: account.cash,
            });
        }
    }
    Ok(LiquidatableResponse { accounts, unevaluated, next_start_after })
}

pub fn liquidations_page(
    deps: Deps,
    account: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<isthmus_protocol::engine::LiquidationsResponse> {
    let start = start_after.map(Bound::exclusive);
    let limit = page_limit(limit);
    let records = match account {
        Some(account) => LIQUIDATIONS_BY_ACCOUNT
            .prefix(&account)
            .keys(deps.storage, start, None, Order::Ascending)
            .take(limit)
            .map(|id| LIQUIDATIONS.load(deps.storage, id?))
            .collect::<StdResult<_>>()?,
        None => LIQUIDATIONS
            .range(deps.storage, start, None, Order::Ascending)
            .take(limit)
            .map(|item| item.map(|(_, r)| r))
            .collect::<StdResult<_>>()?,
    };
    Ok(isthmus_protocol::engine::LiquidationsResponse { liquidations: records })
}
