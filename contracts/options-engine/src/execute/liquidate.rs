//! Position liquidation (DESIGN §7.1) and debt handling (§7.2-3) on the engine.
//!
//! An account below maintenance margin (lenient prices: a slow feeder never blocks it) has its
//! positions closed against the pool at mark, riskiest first (shorts before longs, each by
//! notional `|q| x size x spot`, largest first), one position per step, until it meets its
//! initial margin again or nothing is left. Each close costs a penalty of
//! `liquidation_penalty x mark x |q|` (rounded up); `liquidator_share` of the total goes to the
//! caller's cash, the rest to the insurance fund at the controller. Cash may go negative: debt.

use cosmwasm_std::{
    to_json_binary, Coin, Decimal, Deps, DepsMut, Env, Int128, MessageInfo, Response, Uint128, Uint256, WasmMsg,
};
use isthmus_pricing::{Fixed, Rounding};
use isthmus_protocol::engine::{ClosedPosition, LiquidationRecord};

use crate::error::{ContractError, ContractResult};
use crate::oracle::{self, to_fixed, Freshness};
use crate::risk::account_margin;
use crate::settlement::settle_account;
use crate::state::market::{
    liquidations, Account, ACCOUNTS, ACCOUNT_RESERVATIONS, NEXT_LIQUIDATION_ID, POOL, POOL_POSITIONS, PRICES, QUOTE,
    RISK, SERIES, SERIES_HOLDERS,
};
use crate::state::{RemotePosition, COLLATERAL_ASSETS, CONFIG};
use crate::valuation::{mark, quote_amount};

/// Positions ordered riskiest first.
fn riskiest_first(deps: &DepsMut, now: u64, account: &Account) -> ContractResult<Vec<(u64, i64)>> {
    let mut keyed = vec![];
    for (series_id, quantity) in &account.positions {
        let series = SERIES.load(deps.storage, *series_id)?.params;
        let spot = oracle::spot(deps.storage, now, &series.underlying, Freshness::Lenient)?;
        let notional = to_fixed(series.contract_size)?
            .checked_mul(spot)?
            .mul_int(i128::from(quantity.unsigned_abs()), Rounding::Floor)?;
        keyed.push((*quantity > 0, std::cmp::Reverse(notional), *series_id, *quantity));
    }
    keyed.sort();
    Ok(keyed.into_iter().map(|(_, _, id, q)| (id, q)).collect())
}

pub fn liquidate(deps: DepsMut, env: Env, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let now = env.block.time.seconds();
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    settle_account(deps.storage, &account_id, &mut account)?;
    let before = account_margin(deps.storage, now, &account_id, &account, Freshness::Lenient)?;
    if !before.is_liquidatable() {
        return Err(ContractError::NotLiquidatable {
            account: account_id,
            equity: Int128::new(before.equity),
            maintenance: Uint128::new(before.maintenance_margin.max(0).unsigned_abs()),
        });
    }
    if account.positions.is_empty() {
        return Err(ContractError::NothingToLiquidate { account: account_id });
    }
    let risk = RISK.load(deps.storage)?;
    let quote = QUOTE.load(deps.storage)?;
    let penalty_rate = to_fixed(risk.liquidation_penalty)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    let mut penalties: i128 = 0;
    let mut closed = vec![];
    let mut response = Response::new().add_attribute("action", "liquidate").add_attribute("account", &account_id);
    for (series_id, quantity) in riskiest_first(&deps, now, &account)? {
        let mut series = SERIES.load(deps.storage, series_id)?;
        let per_contract = mark(deps.storage, now, &series.params, Freshness::Lenient)?;
        // Closing trades the opposite quantity: the account pays (rounded up) to buy back a
        // short and receives (rounded toward zero) for a long.
        let premium = quote_amount(per_contract, -i128::from(quantity), quote.decimals, Rounding::Ceil)?;
        let penalty = quote_amount(
            per_contract.mul_rounded(penalty_rate, Rounding::Ceil)?,
            i128::from(quantity.unsigned_abs()),
            quote.decimals,
            Rounding::Ceil,
        )?;
        let charge = premium.checked_add(penalty).ok_or_else(|| oracle::invalid("charge", "overflow"))?;
        account.cash = account.cash.checked_sub(Int128::new(charge))?;
        pool.cash = pool.cash.checked_add(Int128::new(premium))?;
        penalties = penalties.checked_add(penalty).ok_or_else(|| oracle::invalid("penalty", "overflow"))?;
        let size = Uint128::from(quantity.unsigned_abs());
        if quantity > 0 {
            series.open_long = series.open_long.checked_sub(size)?;
        } else {
            series.open_short = series.open_short.checked_sub(size)?;
        }
        SERIES.save(deps.storage, series_id, &series)?;
        let pool_qty = POOL_POSITIONS.may_load(deps.storage, series_id)?.unwrap_or(0);
        let pool_qty = pool_qty.checked_add(quantity).ok_or_else(|| oracle::invalid("quantity", "overflow"))?;
        if pool_qty == 0 {
            POOL_POSITIONS.remove(deps.storage, series_id);
        } else {
            POOL_POSITIONS.save(deps.storage, series_id, &pool_qty)?;
        }
        SERIES_HOLDERS.remove(deps.storage, (series_id, &account_id));
        account.positions.retain(|(id, _)| *id != series_id);
        response = response.add_attribute(
            format!("closed:{series_id}"),
            format!("qty={quantity} premium={premium} penalty={penalty}"),
        );
        closed.push(ClosedPosition {
            series_id,
            quantity,
            premium: Int128::new(premium),
            penalty: Uint128::new(penalty.unsigned_abs()),
        });
        let after = account_margin(deps.storage, now, &account_id, &account, Freshness::Lenient)?;
        if after.meets_initial_margin() {
            break;
        }
    }
    // The penalty is split between the caller and the insurance fund.
    let reward =
        Fixed::from_ratio(penalties, 1)?.checked_mul(to_fixed(risk.liquidator_share)?)?.to_int(Rounding::Floor);
    let insurance = penalties.checked_sub(reward).ok_or_else(|| oracle::invalid("insurance", "overflow"))?;
    let caller = info.sender.to_string();
    let mut caller_account = if caller == account_id {
        account.clone()
    } else {
        ACCOUNTS.may_load(deps.storage, &caller)?.unwrap_or_default()
    };
    caller_account.cash = caller_account.cash.checked_add(Int128::new(reward))?;
    if caller == account_id {
        account = caller_account;
    } else {
        ACCOUNTS.save(deps.storage, &caller, &caller_account)?;
    }
    match (CONFIG.load(deps.storage)?.controller, insurance > 0) {
        (Some(controller), true) => {
            response = response.add_message(WasmMsg::Execute {
                contract_addr: controller.to_string(),
                msg: to_json_binary(&isthmus_protocol::controller::ExecuteMsg::DepositInsurance {})?,
                funds: vec![Coin::new(Uint128::new(insurance.unsigned_abs()), quote.denom)],
            });
        }
        // No controller yet: the pool keeps the insurance share.
        (None, true) => pool.cash = pool.cash.checked_add(Int128::new(insurance))?,
        _ => {}
    }
    POOL.save(deps.storage, &pool)?;
    ACCOUNTS.save(deps.storage, &account_id, &account)?;
    let liquidation_id = NEXT_LIQUIDATION_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_LIQUIDATION_ID.save(
        deps.storage,
        &liquidation_id.checked_add(1).ok_or_else(|| oracle::invalid("liquidation_id", "exhausted"))?,
    )?;
    liquidations().save(
        deps.storage,
        liquidation_id,
        &LiquidationRecord {
            liquidation_id,
            account: account_id.clone(),
            liquidator: caller.clone(),
            closed,
            penalties: Uint128::new(penalties.unsigned_abs()),
            reward: Uint128::new(reward.unsigned_abs()),
            insurance: Uint128::new(insurance.unsigned_abs()),
            cash_after: account.cash,
            time: now,
        },
    )?;
    Ok(response
        .add_attribute("liquidation_id", liquidation_id.to_string())
        .add_attribute("penalties", penalties.to_string())
        .add_attribute("liquidator", caller)
        .add_attribute("reward", reward.to_string())
        .add_attribute("insurance", insurance.to_string())
        .add_attribute("cash", account.cash.to_string())
        .add_attribute("positions_left", account.positions.len().to_string()))
}

pub fn repay_debt(deps: DepsMut, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    let quote = QUOTE.load(deps.storage)?;
    let amount = cw_utils::must_pay(&info, &quote.denom)?;
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    account.cash = account.cash.checked_add(Int128::try_from(amount)?)?;
    ACCOUNTS.save(deps.storage, &account_id, &account)?;
    Ok(Response::new()
        .add_attribute("action", "repay_debt")
        .add_attribute("account", account_id)
        .add_attribute("payer", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("cash", account.cash.to_string()))
}

/// Write off the debt of an account with nothing left. The controller attaches what the
/// insurance fund pays (possibly nothing); the pool pays the rest.
/// Whether a position still holds collateral worth seizing: usable value of at least one
/// whole quote unit at the (lenient) oracle price. Dust below that is left with its owner
/// rather than blocking the write-off forever; an unpriceable position counts as worth it.
fn worth_seizing(deps: Deps, now: u64, p: &RemotePosition) -> ContractResult<bool> {
    let usable = p.usable();
    if usable.is_zero() {
        return Ok(false);
    }
    let Some(listing) = COLLATERAL_ASSETS.may_load(deps.storage, (&p.source_id, &p.asset.key()))? else {
        return Ok(false); // never counted by the engine
    };
    if oracle::spot(deps.storage, now, &listing.symbol, Freshness::Lenient).is_err() {
        return Ok(true);
    }
    let price = PRICES.load(deps.storage, &listing.symbol)?.price;
    let quote = QUOTE.load(deps.storage)?;
    let ten = Uint256::from(10u8);
    let value = Uint256::from(usable)
        .checked_mul(Uint256::from(price.atomics()))?
        .checked_mul(ten.checked_pow(u32::from(quote.decimals))?)?
        .checked_div(
            Uint256::from(Decimal::one().atomics()).checked_mul(ten.checked_pow(u32::from(listing.decimals))?)?,
        )
        .map_err(|e| oracle::invalid("value", &e.to_string()))?;
    Ok(value >= ten.checked_pow(u32::from(quote.decimals))?)
}

pub fn absorb_debt(deps: DepsMut, env: Env, info: MessageInfo, account_id: String) -> ContractResult<Response> {
    let now = env.block.time.seconds();
    if CONFIG.load(deps.storage)?.controller.as_ref() != Some(&info.sender) {
        return Err(ContractError::unauthorized("absorb_debt", "controller"));
    }
    let quote = QUOTE.load(deps.storage)?;
    let insurance = cw_utils::may_pay(&info, &quote.denom)?;
    let mut account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    if !account.cash.is_negative() {
        return Err(ContractError::NoDebt { account: account_id });
    }
    if !account.positions.is_empty() || ACCOUNT_RESERVATIONS.may_load(deps.storage, &account_id)?.unwrap_or(0) > 0 {
        return Err(ContractError::DebtStillCovered { account: account_id });
    }
    // Only the collateral the account counts can back its debt.
    let positions = crate::state::counted_positions(deps.storage, &account_id)?;
    for (_, p) in &positions {
        if worth_seizing(deps.as_ref(), now, p)? {
            return Err(ContractError::DebtStillCovered { account: account_id });
        }
    }
    let debt = Int128::zero().checked_sub(account.cash)?;
    let insurance = Int128::try_from(insurance)?;
    if insurance > debt {
        return Err(ContractError::RepayExceedsDebt {
            repay: Uint128::try_from(insurance)?,
            debt: Uint128::try_from(debt)?,
        });
    }
    let from_pool = debt.checked_sub(insurance)?;
    let mut pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    pool.cash = pool.cash.checked_sub(from_pool)?;
    account.cash = Int128::zero();
    POOL.save(deps.storage, &pool)?;
    ACCOUNTS.save(deps.storage, &account_id, &account)?;
    Ok(Response::new()
        .add_attribute("action", "absorb_debt")
        .add_attribute("account", account_id)
        .add_attribute("debt", debt.to_string())
        .add_attribute("paid_by_insurance", insurance.to_string())
        .add_attribute("paid_by_pool", from_pool.to_string())
        .add_attribute("pool_cash", pool.cash.to_string()))
}
