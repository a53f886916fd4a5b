//! Listing series, and the risk manager's trading, margin and collateral parameters.

use cosmwasm_std::{Decimal, DepsMut, Env, MessageInfo, Response};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{RiskParams, SeriesParams};

use crate::error::{ContractError, ContractResult, Role};
use crate::market_data::invalid;
use crate::state::market::{
    CollateralRisk, ExpiryState, Series, COLLATERAL_RISK, EXPIRIES, LIVE_SERIES_COUNT, MAX_LIVE_SERIES, NEXT_SERIES_ID,
    RISK, SERIES, SERIES_BY_UNDERLYING, SYMBOLS, UNSETTLED_EXPIRIES,
};
use crate::state::{COLLATERAL_ASSETS, CONFIG};

pub(crate) fn only_risk_manager(deps: &DepsMut, info: &MessageInfo, action: &str) -> ContractResult<()> {
    if info.sender != CONFIG.load(deps.storage)?.risk_manager {
        return Err(ContractError::unauthorized(action, Role::RiskManager));
    }
    Ok(())
}

pub fn list_series(deps: DepsMut, env: Env, info: MessageInfo, params: SeriesParams) -> ContractResult<Response> {
    only_risk_manager(&deps, &info, "list_series")?;
    if !SYMBOLS.has(deps.storage, &params.underlying) {
        return Err(ContractError::UnknownSymbol { symbol: params.underlying });
    }
    if params.strike.is_zero() {
        return Err(invalid("strike", "must be > 0"));
    }
    if params.contract_size.is_zero() {
        return Err(invalid("contract_size", "must be > 0"));
    }
    // The pool's position is `short - long` of the open interest, an `i64`: a cap within it
    // keeps every change of the series (closes and settlements included) computable.
    if params.open_interest_cap.is_zero() || params.open_interest_cap.u128() > i64::MAX as u128 {
        return Err(invalid("open_interest_cap", "1 to 2^63 - 1 contracts"));
    }
    if params.expiry <= env.block.time.seconds() {
        return Err(invalid("expiry", "must be in the future"));
    }
    crate::pool_book::register_underlying(deps.storage, &params.underlying)?;
    let live = LIVE_SERIES_COUNT.may_load(deps.storage)?.unwrap_or(0);
    if live >= MAX_LIVE_SERIES {
        return Err(ContractError::TooManySeries { max: MAX_LIVE_SERIES });
    }
    LIVE_SERIES_COUNT.save(deps.storage, &live.saturating_add(1))?; // live < MAX_LIVE_SERIES
    let series_id = NEXT_SERIES_ID.may_load(deps.storage)?.unwrap_or(1);
    crate::state::market::key32(series_id)?; // its open interest and holders are keyed by four bytes
    NEXT_SERIES_ID
        .save(deps.storage, &series_id.checked_add(1).ok_or_else(|| ContractError::overflow("series ids"))?)?;
    let key = (params.underlying.as_str(), params.expiry);
    if !EXPIRIES.has(deps.storage, key) {
        EXPIRIES.save(deps.storage, key, &ExpiryState { settlement_price: None })?;
        UNSETTLED_EXPIRIES.save(deps.storage, key, &())?;
    }
    SERIES_BY_UNDERLYING.save(deps.storage, (&params.underlying, params.expiry, series_id), &())?;
    SERIES.save(deps.storage, series_id, &Series { params: params.clone(), retired: false })?;
    Ok(Response::new()
        .add_attribute("action", "list_series")
        .add_attribute("series_id", series_id.to_string())
        .add_attribute("underlying", params.underlying)
        .add_attribute("strike", params.strike.to_string())
        .add_attribute("expiry", params.expiry.to_string())
        .add_attribute("kind", params.kind.as_str())
        .add_attribute("contract_size", params.contract_size.to_string())
        .add_attribute("open_interest_cap", params.open_interest_cap))
}

pub fn validate_risk(params: &RiskParams) -> ContractResult<()> {
    if params.initial_margin_factor < Decimal::one() {
        return Err(invalid("initial_margin_factor", "must be >= 1"));
    }
    if params.spread >= Decimal::one() {
        return Err(invalid("spread", "must be < 1"));
    }
    if params.spot_moves.is_empty() || params.spot_moves.len() > 16 {
        return Err(invalid("spot_moves", "1 to 16 moves"));
    }
    // The margin crate validates the rest of the grid (moves in (-1, 10], shocks, exponent).
    crate::account_margin::margin_params(params, 6)?;
    if params.haircut_base >= Decimal::one() {
        return Err(invalid("haircut_base", "must be < 1"));
    }
    if params.max_leg_quantity == 0 || params.max_leg_quantity > 1_000_000_000 {
        return Err(invalid("max_leg_quantity", "1 to 1e9 contracts"));
    }
    if params.liquidation_penalty >= Decimal::one() || params.liquidator_share > Decimal::one() {
        return Err(invalid("liquidation", "penalty < 1 and liquidator share <= 1"));
    }
    if params.liquidation_bonus >= Decimal::one() {
        return Err(invalid("liquidation_bonus", "must be < 1"));
    }
    if params.lp_notice_seconds > 30 * 86_400 {
        return Err(invalid("lp_notice_seconds", "at most 30 days"));
    }
    if params.rate > Decimal::percent(100) {
        return Err(invalid("rate", "at most 100%"));
    }
    if params.pool_risk_max_age_seconds == 0 || params.pool_risk_max_age_seconds > 7 * 86_400 {
        return Err(invalid("pool_risk_max_age_seconds", "1 second to 7 days"));
    }
    if params.lp_notice_seconds != 0 && params.lp_notice_seconds <= params.pool_risk_max_age_seconds {
        return Err(invalid("lp_notice_seconds", "0 or longer than pool_risk_max_age_seconds"));
    }
    if params.pool_risk_max_spot_move > Decimal::percent(50) || params.pool_risk_max_vol_move > Decimal::one() {
        return Err(invalid("pool_risk drift", "spot move at most 50%, vol move at most 1"));
    }
    Ok(())
}

pub fn set_risk_params(deps: DepsMut, info: MessageInfo, params: RiskParams) -> ContractResult<Response> {
    only_risk_manager(&deps, &info, "set_risk_params")?;
    validate_risk(&params)?;
    RISK.save(deps.storage, &params)?;
    crate::pool_book::invalidate_all(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "set_risk_params")
        .add_attribute("spread", params.spread.to_string())
        .add_attribute("initial_margin_factor", params.initial_margin_factor.to_string()))
}

pub fn set_collateral_risk(
    deps: DepsMut,
    info: MessageInfo,
    source_id: String,
    asset: AssetInfo,
    vol: Decimal,
    underlying: Option<String>,
) -> ContractResult<Response> {
    only_risk_manager(&deps, &info, "set_collateral_risk")?;
    let key = (source_id.as_str(), asset.key());
    if !COLLATERAL_ASSETS.has(deps.storage, (key.0, &key.1)) {
        return Err(invalid("asset", "not a listed collateral asset of this source"));
    }
    if let Some(u) = &underlying {
        if !SYMBOLS.has(deps.storage, u) {
            return Err(ContractError::UnknownSymbol { symbol: u.clone() });
        }
    }
    COLLATERAL_RISK.save(deps.storage, (key.0, &key.1), &CollateralRisk { vol, underlying: underlying.clone() })?;
    Ok(Response::new()
        .add_attribute("action", "set_collateral_risk")
        .add_attribute("source_id", source_id)
        .add_attribute("asset", asset.to_string())
        .add_attribute("vol", vol.to_string())
        .add_attribute("underlying", underlying.unwrap_or_default()))
}
