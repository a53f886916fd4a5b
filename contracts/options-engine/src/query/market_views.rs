//! Market queries: oracle, series, accounts, margin, trade simulation, pool.

use cosmwasm_std::{Deps, Env, Int128, Order, StdError, StdResult, Uint128};
use cw_storage_plus::Bound;
use isthmus_margin::MarginBreakdown;
use isthmus_pricing::Rounding;
use isthmus_protocol::engine::{
    AccountResponse, LpResponse, MarginResponse, PoolResponse, PositionView, PriceResponse, PriceSource,
    SeriesListResponse, SeriesResponse, SettlementPriceResponse, SimulateTradeResponse, TradeLeg, VolResponse,
};

use crate::account_margin::account_margin;
use crate::error::ContractError;
use crate::market_data::Freshness;
use crate::state::market::{
    Account, Series, ACCOUNTS, EXPIRIES, LP_SHARES, POOL, PRICES, PRICE_SOURCES, QUOTE, SERIES, SERIES_BY_UNDERLYING,
    SYMBOLS, VOLS,
};
use crate::state::page_limit;
use crate::trade_plan::{margins_after, plan};
use crate::valuation::non_negative;
use crate::valuation::{mark, quote_amount};

fn std_err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

pub fn price(deps: Deps, env: &Env, symbol: String) -> StdResult<PriceResponse> {
    let point = PRICES.load(deps.storage, &symbol)?;
    let max = SYMBOLS.load(deps.storage, &symbol)?.max_price_age_seconds;
    let age = env.block.time.seconds().saturating_sub(point.publish_time);
    let source = PRICE_SOURCES.may_load(deps.storage, &symbol)?.map_or(PriceSource::Push, |feed| feed.source);
    Ok(PriceResponse {
        symbol,
        price: point.price,
        publish_time: point.publish_time,
        age_seconds: age,
        fresh: age <= max,
        source,
    })
}

pub fn vol(deps: Deps, underlying: String, expiry: u64) -> StdResult<VolResponse> {
    let point = VOLS.load(deps.storage, (&underlying, expiry))?;
    Ok(VolResponse { underlying, expiry, vol: point.price, publish_time: point.publish_time })
}

pub fn settlement_price(deps: Deps, underlying: String, expiry: u64) -> StdResult<SettlementPriceResponse> {
    let price = EXPIRIES.may_load(deps.storage, (&underlying, expiry))?.and_then(|e| e.settlement_price);
    Ok(SettlementPriceResponse { underlying, expiry, price })
}

fn series_response(deps: Deps, env: &Env, series_id: u64, s: Series) -> StdResult<SeriesResponse> {
    let open = crate::state::market::OPEN_INTEREST
        .may_load(deps.storage, (&s.params.underlying, crate::state::market::key32(series_id).map_err(std_err)?))?
        .unwrap_or_default();
    Ok(SeriesResponse {
        series_id,
        expired: env.block.time.seconds() >= s.params.expiry,
        retired: s.retired,
        // A series without a price (or vol) yet is listed without a quote.
        quote: super::quotes::series_quote(deps.storage, env.block.time.seconds(), &s.params).ok(),
        params: s.params,
        open_long: open.long,
        open_short: open.short,
    })
}

pub fn series(deps: Deps, env: &Env, series_id: u64) -> StdResult<SeriesResponse> {
    series_response(deps, env, series_id, SERIES.load(deps.storage, series_id)?)
}

pub fn series_list(
    deps: Deps,
    env: &Env,
    underlying: String,
    expiry: Option<u64>,
    start_after: Option<(u64, u64)>,
    limit: Option<u32>,
) -> StdResult<SeriesListResponse> {
    let limit = page_limit(limit);
    let ids: Vec<u64> = match expiry {
        Some(expiry) => {
            let start = start_after.map(|(_, id)| Bound::exclusive(id));
            SERIES_BY_UNDERLYING
                .prefix((&underlying, expiry))
                .keys(deps.storage, start, None, Order::Ascending)
                .take(limit)
                .collect::<StdResult<_>>()?
        }
        None => {
            let start = start_after.map(Bound::exclusive);
            SERIES_BY_UNDERLYING
                .sub_prefix(&underlying)
                .keys(deps.storage, start, None, Order::Ascending)
                .take(limit)
                .map(|k| k.map(|(_, id)| id))
                .collect::<StdResult<_>>()?
        }
    };
    let series = ids
        .into_iter()
        .map(|id| SERIES.load(deps.storage, id).and_then(|s| series_response(deps, env, id, s)))
        .collect::<StdResult<_>>()?;
    Ok(SeriesListResponse { series })
}

pub fn account(deps: Deps, env: &Env, account: String) -> StdResult<AccountResponse> {
    let account = deps.api.addr_validate(&account)?.to_string();
    let state = ACCOUNTS.may_load(deps.storage, &account)?.unwrap_or_default();
    let quote = QUOTE.load(deps.storage)?;
    let now = env.block.time.seconds();
    let positions = state
        .positions
        .iter()
        .map(|(series_id, quantity)| {
            let s = SERIES.load(deps.storage, *series_id)?;
            let value = mark(deps.storage, now, &s.params, Freshness::Lenient)
                .and_then(|m| quote_amount(m, i128::from(*quantity), quote.decimals, Rounding::Floor))
                .map_err(std_err)?;
            Ok(PositionView { series_id: *series_id, quantity: *quantity, mark_value: Int128::new(value) })
        })
        .collect::<StdResult<_>>()?;
    Ok(AccountResponse { account, cash: state.cash, claim: state.claim, positions })
}

pub fn margin_response(account_id: &str, account: &Account, m: &MarginBreakdown) -> MarginResponse {
    let worst = m
        .underlyings
        .iter()
        .max_by_key(|u| u.worst_loss)
        .map(|u| u.worst.to_string())
        .unwrap_or_else(|| "none".to_string());
    MarginResponse {
        account: account_id.to_string(),
        cash: account.cash,
        claim: account.claim,
        collateral_value: non_negative(m.collateral_value_initial),
        collateral_value_maintenance: non_negative(m.collateral_value),
        positions_value: Int128::new(m.short_options_mark.get()),
        equity: Int128::new(m.equity.get()),
        equity_initial: Int128::new(m.equity_initial.get()),
        initial_margin: non_negative(m.initial_margin),
        maintenance_margin: non_negative(m.maintenance_margin),
        worst_scenario: worst,
        liquidatable: m.is_liquidatable(),
    }
}

pub fn margin(deps: Deps, env: &Env, account_id: String) -> StdResult<MarginResponse> {
    let account_id = deps.api.addr_validate(&account_id)?.to_string();
    let account =
        crate::settlement::settled_view(deps.storage, env.block.time.seconds(), &account_id).map_err(std_err)?;
    let m = account_margin(deps.storage, env.block.time.seconds(), &account_id, &account, Freshness::Lenient)
        .map_err(std_err)?;
    Ok(margin_response(&account_id, &account, &m))
}

pub fn simulate_trade(
    deps: Deps,
    env: &Env,
    account_id: String,
    legs: Vec<TradeLeg>,
    max_cost: Option<Int128>,
) -> StdResult<SimulateTradeResponse> {
    let now = env.block.time.seconds();
    let account_id = deps.api.addr_validate(&account_id)?.to_string();
    let account = ACCOUNTS.may_load(deps.storage, &account_id)?.unwrap_or_default();
    let settled =
        crate::settlement::settled_view(deps.storage, env.block.time.seconds(), &account_id).map_err(std_err)?;
    let before = account_margin(deps.storage, now, &account_id, &settled, Freshness::Lenient).map_err(std_err)?;
    let margin_before = margin_response(&account_id, &settled, &before);
    let mut plan = match plan(deps.storage, now, &account, &legs) {
        Ok(plan) => plan,
        Err(refusal) => {
            return Ok(SimulateTradeResponse {
                premium: Int128::zero(),
                fees: Uint128::zero(),
                total_cost: Int128::zero(),
                margin_after: margin_before.clone(),
                meets_initial_margin: before.meets_initial_margin(),
                margin_before,
                accepted: false,
                refusal: Some(refusal.to_string()),
            })
        }
    };
    // The same checks as `Trade`, in the same order (the margin is reported even when a
    // check refuses the trade).
    let refusal = crate::execute::trade::check_trade(
        deps.storage,
        now,
        &account_id,
        &account,
        &mut plan,
        max_cost.unwrap_or(Int128::MAX),
    )
    .err();
    let mode = if plan.adds_risk { Freshness::Strict } else { Freshness::Lenient };
    let after = match margins_after(deps.storage, now, &account_id, &mut plan, mode) {
        Ok((after, _)) => after,
        // Strict prices are stale: report the margin at lenient prices; the refusal says why.
        Err(_) => margins_after(deps.storage, now, &account_id, &mut plan, Freshness::Lenient).map_err(std_err)?.0,
    };
    Ok(SimulateTradeResponse {
        premium: Int128::new(plan.premium),
        fees: non_negative(plan.fees),
        total_cost: Int128::new(plan.total_cost().map_err(std_err)?),
        margin_before,
        margin_after: margin_response(&account_id, &plan.account_after, &after),
        meets_initial_margin: after.meets_initial_margin(),
        accepted: refusal.is_none(),
        refusal: refusal.map(|e| e.to_string()),
    })
}

pub fn pool(deps: Deps, env: &Env) -> StdResult<PoolResponse> {
    let now = env.block.time.seconds();
    let pool = POOL.may_load(deps.storage)?.unwrap_or_default();
    let nav = crate::pool_value::nav_exit(deps.storage, now, Freshness::Lenient).map_err(std_err)?;
    let nav_entry = crate::pool_value::nav_entry(deps.storage, now, Freshness::Lenient).map_err(std_err)?;
    let liquid = crate::ledger::liquid_cash(deps.storage).map_err(std_err)?;
    let free = crate::ledger::free_cash(deps.storage).map_err(std_err)?;
    let receivable = crate::ledger::receivable(deps.storage).map_err(std_err)?;
    let m = crate::pool_value::margin_with_cash(deps.storage, free).map_err(std_err)?;
    Ok(PoolResponse {
        cash: pool.cash,
        liquid_cash: Int128::new(liquid),
        receivable,
        claims: pool.claims,
        free_cash: Int128::new(free),
        total_shares: pool.total_shares,
        nav: Int128::new(nav),
        nav_entry: Int128::new(nav_entry),
        maintenance_margin: non_negative(m.maintenance_margin),
    })
}

/// Pending pool requests by id, optionally of one LP (that filter reads at most one page).
pub fn pool_requests(
    deps: Deps,
    lp: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<isthmus_protocol::engine::PoolRequestsResponse> {
    let limit = page_limit(limit);
    let lp = lp.map(|a| deps.api.addr_validate(&a)).transpose()?;
    let requests = crate::state::market::POOL_REQUESTS
        .range(deps.storage, start_after.map(cw_storage_plus::Bound::exclusive), None, Order::Ascending)
        .take(limit)
        .filter(|r| match (&lp, r) {
            (Some(lp), Ok((_, req))) => req.lp == lp.as_str(),
            _ => true,
        })
        .map(|r| r.map(|(_, req)| req))
        .collect::<StdResult<_>>()?;
    Ok(isthmus_protocol::engine::PoolRequestsResponse { requests })
}

pub fn lp(deps: Deps, env: &Env, address: String) -> StdResult<LpResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let shares = LP_SHARES.may_load(deps.storage, &addr)?.unwrap_or_default();
    let value = crate::pool_value::redemption_value(deps.storage, env.block.time.seconds(), Freshness::Lenient, shares)
        .map_err(std_err)?;
    Ok(LpResponse { address, shares, value })
}

pub fn pool_risk(deps: Deps, env: &Env, underlying: String) -> StdResult<isthmus_protocol::engine::PoolRiskResponse> {
    use crate::state::pool_risk::POOL_RISK;
    let risk = POOL_RISK
        .may_load(deps.storage, &underlying)?
        .ok_or_else(|| cosmwasm_std::StdError::generic_err(format!("no series listed on {underlying}")))?;
    let params = crate::state::market::RISK.load(deps.storage)?;
    let stale = crate::pool_book::stale_reason(&risk, env.block.time.seconds(), &params).map(str::to_string);
    let a = &risk.aggregate;
    Ok(isthmus_protocol::engine::PoolRiskResponse {
        underlying,
        generation: risk.snapshot.generation,
        snapshot_time: risk.snapshot.time,
        snapshot_spot: isthmus_pricing::Fixed::from_raw(risk.snapshot.spot).to_string(),
        positions: risk.positions,
        stale,
        refreshing: risk.refresh.is_some(),
        refresh_cursor: risk.refresh.as_ref().and_then(|r| r.cursor),
        short_mark: Int128::new(a.short_mark),
        long_mark: Int128::new(a.long_mark),
        short_floor: Int128::new(a.short_floor),
        scenario_losses: a.losses.iter().map(|l| Int128::new(*l)).collect(),
        net_delta: isthmus_pricing::Fixed::from_raw(a.delta).to_string(),
        next_expiry: (a.next_expiry != u64::MAX).then_some(a.next_expiry),
    })
}
