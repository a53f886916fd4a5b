//! Feeder roles, symbol freshness rules, price and vol pushes, settlement prices.

use cosmwasm_std::{Decimal, DepsMut, Env, MessageInfo, Order, Response, StdResult};
use isthmus_protocol::engine::{PriceInput, SymbolParams, VolInput};

use crate::error::{ContractError, ContractResult, Role};
use crate::oracle::invalid;
use crate::state::market::{
    ExpiryState, FeederRoles, PricePoint, EXPIRIES, FEEDERS, MAX_SETTLE_PER_PUSH, PRICES, RISK, SYMBOLS,
    UNSETTLED_EXPIRIES, VOLS,
};
use crate::state::CONFIG;

/// Highest vol accepted from a feeder (1000%): beyond it a push is a mistake.
const MAX_VOL: Decimal = Decimal::raw(10_000_000_000_000_000_000);

pub fn set_feeder(
    deps: DepsMut,
    info: MessageInfo,
    address: String,
    price: bool,
    vol: bool,
) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.owner {
        return Err(ContractError::unauthorized("set_feeder", Role::Owner));
    }
    let addr = deps.api.addr_validate(&address)?;
    if price || vol {
        FEEDERS.save(deps.storage, &addr, &FeederRoles { price, vol })?;
    } else {
        FEEDERS.remove(deps.storage, &addr);
    }
    Ok(Response::new()
        .add_attribute("action", "set_feeder")
        .add_attribute("feeder", addr)
        .add_attribute("price", price.to_string())
        .add_attribute("vol", vol.to_string()))
}

pub fn configure_symbol(deps: DepsMut, info: MessageInfo, params: SymbolParams) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.risk_manager {
        return Err(ContractError::unauthorized("configure_symbol", Role::RiskManager));
    }
    if params.symbol.is_empty() || params.symbol.len() > 32 {
        return Err(invalid("symbol", "1 to 32 characters"));
    }
    if params.lenient_price_age_seconds < params.max_price_age_seconds {
        return Err(invalid("lenient_price_age_seconds", "must be at least max_price_age_seconds"));
    }
    SYMBOLS.save(deps.storage, &params.symbol, &params)?;
    Ok(Response::new()
        .add_attribute("action", "configure_symbol")
        .add_attribute("symbol", &params.symbol)
        .add_attribute("max_price_age_seconds", params.max_price_age_seconds.to_string())
        .add_attribute("lenient_price_age_seconds", params.lenient_price_age_seconds.to_string())
        .add_attribute("max_vol_age_seconds", params.max_vol_age_seconds.to_string()))
}

fn check_publish(publish_time: u64, now: u64, stored: Option<&PricePoint>) -> ContractResult<()> {
    if publish_time > now {
        return Err(ContractError::FuturePublish { publish_time, now });
    }
    if let Some(stored) = stored {
        if publish_time <= stored.publish_time {
            return Err(ContractError::OutdatedPublish { publish_time, stored: stored.publish_time });
        }
    }
    Ok(())
}

/// Store prices; the first price at or after an expiry becomes its settlement price.
pub fn push_prices(deps: DepsMut, env: Env, info: MessageInfo, prices: Vec<PriceInput>) -> ContractResult<Response> {
    if !FEEDERS.may_load(deps.storage, &info.sender)?.unwrap_or_default().price {
        return Err(ContractError::unauthorized("push_prices", Role::PriceFeeder));
    }
    if prices.is_empty() || prices.len() > 32 {
        return Err(invalid("prices", "1 to 32 per push"));
    }
    let now = env.block.time.seconds();
    let mut response = Response::new().add_attribute("action", "push_prices");
    for input in prices {
        if !SYMBOLS.has(deps.storage, &input.symbol) {
            return Err(ContractError::UnknownSymbol { symbol: input.symbol });
        }
        if input.price.is_zero() {
            return Err(invalid("price", "must be > 0"));
        }
        check_publish(input.publish_time, now, PRICES.may_load(deps.storage, &input.symbol)?.as_ref())?;
        let point = PricePoint { price: input.price, publish_time: input.publish_time };
        PRICES.save(deps.storage, &input.symbol, &point)?;
        crate::pool_book::note_spot(deps.storage, &input.symbol, input.price)?;
        response = response
            .add_attribute(format!("price:{}", input.symbol), format!("{}@{}", input.price, input.publish_time));
        let due: Vec<u64> = UNSETTLED_EXPIRIES
            .prefix(&input.symbol)
            .range(deps.storage, None, None, Order::Ascending)
            .take(MAX_SETTLE_PER_PUSH)
            .map(|item| item.map(|(expiry, ())| expiry))
            .collect::<StdResult<Vec<_>>>()?
            .into_iter()
            .filter(|expiry| *expiry <= input.publish_time)
            .collect();
        for expiry in due {
            fix_settlement(deps.storage, &input.symbol, expiry, input.price)?;
            response =
                response.add_attribute(format!("settlement_price:{}:{expiry}", input.symbol), input.price.to_string());
        }
    }
    Ok(response)
}

fn fix_settlement(
    storage: &mut dyn cosmwasm_std::Storage,
    underlying: &str,
    expiry: u64,
    price: Decimal,
) -> ContractResult<()> {
    EXPIRIES.save(storage, (underlying, expiry), &ExpiryState { settlement_price: Some(price) })?;
    UNSETTLED_EXPIRIES.remove(storage, (underlying, expiry));
    Ok(())
}

pub fn push_vols(deps: DepsMut, env: Env, info: MessageInfo, vols: Vec<VolInput>) -> ContractResult<Response> {
    if !FEEDERS.may_load(deps.storage, &info.sender)?.unwrap_or_default().vol {
        return Err(ContractError::unauthorized("push_vols", Role::VolFeeder));
    }
    if vols.is_empty() || vols.len() > 32 {
        return Err(invalid("vols", "1 to 32 per push"));
    }
    let now = env.block.time.seconds();
    let mut response = Response::new().add_attribute("action", "push_vols");
    for input in vols {
        if !SYMBOLS.has(deps.storage, &input.underlying) {
            return Err(ContractError::UnknownSymbol { symbol: input.underlying });
        }
        if input.vol.is_zero() || input.vol > MAX_VOL {
            return Err(invalid("vol", "must be in (0, 10]"));
        }
        let key = (input.underlying.as_str(), input.expiry);
        check_publish(input.publish_time, now, VOLS.may_load(deps.storage, key)?.as_ref())?;
        VOLS.save(deps.storage, key, &PricePoint { price: input.vol, publish_time: input.publish_time })?;
        crate::pool_book::note_vol(deps.storage, &input.underlying, input.expiry, input.vol)?;
        response = response.add_attribute(format!("vol:{}:{}", input.underlying, input.expiry), input.vol.to_string());
    }
    Ok(response)
}

/// Fallback when no price arrived within the window after expiry: the risk manager sets it.
pub fn set_settlement_price(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    underlying: String,
    expiry: u64,
    price: Decimal,
) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.risk_manager {
        return Err(ContractError::unauthorized("set_settlement_price", Role::RiskManager));
    }
    if price.is_zero() {
        return Err(invalid("price", "must be > 0"));
    }
    if !UNSETTLED_EXPIRIES.has(deps.storage, (&underlying, expiry)) {
        return Err(ContractError::AlreadySettled { underlying, expiry });
    }
    let allowed_from = expiry.saturating_add(RISK.load(deps.storage)?.settlement_fallback_seconds);
    if env.block.time.seconds() < allowed_from {
        return Err(ContractError::FallbackTooEarly { allowed_from });
    }
    fix_settlement(deps.storage, &underlying, expiry, price)?;
    Ok(Response::new()
        .add_attribute("action", "set_settlement_price")
        .add_attribute("underlying", underlying)
        .add_attribute("expiry", expiry.to_string())
        .add_attribute("price", price.to_string()))
}
