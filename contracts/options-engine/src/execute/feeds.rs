//! Feeder roles, symbol freshness rules, price sources, price pushes and pulls, vol pushes,
//! settlement prices.

use cosmwasm_std::{Attribute, Decimal, DepsMut, Env, HexBinary, MessageInfo, Order, Response, StdResult, Storage};
use isthmus_protocol::engine::{PriceInput, PriceSource, SymbolParams, VolInput};

use crate::error::{ContractError, ContractResult, Role};
use crate::market_data::invalid;
use crate::oracle_adapters::{self, MAX_CONFIDENCE_BPS};
use crate::state::market::{
    ExpiryState, FeederRoles, OracleFeed, PricePoint, EXPIRIES, FEEDERS, MAX_SETTLE_PER_PUSH, PRICES, PRICE_SOURCES,
    RISK, SYMBOLS, UNSETTLED_EXPIRIES, VOLS,
};
use crate::state::CONFIG;

/// Most symbols one push or pull carries.
const MAX_PRICES_PER_CALL: usize = 32;

/// A pulled point's window when the risk manager sets none (docs/oracles.md).
pub const DEFAULT_PULL_AGE_SECONDS: u64 = 10;

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

/// Where `symbol`'s spot comes from (risk manager). An oracle source is checked here once,
/// so that a pull only reads what was validated (docs/oracles.md).
pub fn set_price_source(
    deps: DepsMut,
    info: MessageInfo,
    symbol: String,
    source: PriceSource,
    max_pull_age_seconds: Option<u64>,
) -> ContractResult<Response> {
    if info.sender != CONFIG.load(deps.storage)?.risk_manager {
        return Err(ContractError::unauthorized("set_price_source", Role::RiskManager));
    }
    let Some(params) = SYMBOLS.may_load(deps.storage, &symbol)? else {
        return Err(ContractError::UnknownSymbol { symbol });
    };
    let response = Response::new().add_attribute("action", "set_price_source").add_attribute("symbol", &symbol);
    let source = match source {
        PriceSource::Push => {
            PRICE_SOURCES.remove(deps.storage, &symbol);
            return Ok(response.add_attribute("source", "push"));
        }
        PriceSource::Pyth { contract, price_feed_id, max_confidence_bps } => {
            let contract = deps.api.addr_validate(&contract)?.into_string();
            let id = HexBinary::from_hex(&price_feed_id).ok().filter(|id| id.len() == 32);
            let Some(id) = id else {
                return Err(invalid("price_feed_id", "64 hex characters (32 bytes, no 0x)"));
            };
            if max_confidence_bps == 0 || max_confidence_bps > MAX_CONFIDENCE_BPS {
                return Err(invalid("max_confidence_bps", "1 to 2000 (at most 20% of the price)"));
            }
            PriceSource::Pyth { contract, price_feed_id: id.to_hex(), max_confidence_bps }
        }
        PriceSource::Slinky { currency_pair, api } => {
            let valid = currency_pair.len() <= 64
                && matches!(currency_pair.split_once('/'), Some((base, quote))
                    if !base.is_empty() && !quote.is_empty() && !quote.contains('/'));
            if !valid {
                return Err(invalid("currency_pair", "BASE/QUOTE, at most 64 characters"));
            }
            PriceSource::Slinky { currency_pair, api }
        }
    };
    let max_pull_age_seconds = max_pull_age_seconds.unwrap_or(DEFAULT_PULL_AGE_SECONDS);
    if max_pull_age_seconds == 0 || max_pull_age_seconds > params.max_price_age_seconds {
        return Err(invalid("max_pull_age_seconds", "1 to the symbol's max_price_age_seconds"));
    }
    PRICE_SOURCES.save(deps.storage, &symbol, &OracleFeed { source: source.clone(), max_pull_age_seconds })?;
    let response = response.add_attribute("max_pull_age_seconds", max_pull_age_seconds.to_string());
    let response = match &source {
        PriceSource::Pyth { contract, price_feed_id, max_confidence_bps } => response
            .add_attribute("source", "pyth")
            .add_attribute("contract", contract)
            .add_attribute("price_feed_id", price_feed_id)
            .add_attribute("max_confidence_bps", max_confidence_bps.to_string()),
        PriceSource::Slinky { currency_pair, api } => response
            .add_attribute("source", "slinky")
            .add_attribute("currency_pair", currency_pair)
            .add_attribute("api", api.as_str()),
        PriceSource::Push => response,
    };
    Ok(response)
}

/// Store prices; the first price at or after an expiry becomes its settlement price.
pub fn push_prices(deps: DepsMut, env: Env, info: MessageInfo, prices: Vec<PriceInput>) -> ContractResult<Response> {
    if !FEEDERS.may_load(deps.storage, &info.sender)?.unwrap_or_default().price {
        return Err(ContractError::unauthorized("push_prices", Role::PriceFeeder));
    }
    if prices.is_empty() || prices.len() > MAX_PRICES_PER_CALL {
        return Err(invalid("prices", "1 to 32 per push"));
    }
    let now = env.block.time.seconds();
    let mut response = Response::new().add_attribute("action", "push_prices");
    for input in prices {
        if !SYMBOLS.has(deps.storage, &input.symbol) {
            return Err(ContractError::UnknownSymbol { symbol: input.symbol });
        }
        if PRICE_SOURCES.has(deps.storage, &input.symbol) {
            return Err(ContractError::OracleSourced { symbol: input.symbol });
        }
        if input.price.is_zero() {
            return Err(invalid("price", "must be > 0"));
        }
        check_publish(input.publish_time, now, PRICES.may_load(deps.storage, &input.symbol)?.as_ref())?;
        let point = PricePoint { price: input.price, publish_time: input.publish_time };
        response = response.add_attributes(record_price(deps.storage, &input.symbol, &point, None)?);
    }
    Ok(response)
}

/// Read each symbol's oracle and record its price (anyone may). The checks, in order: the
/// oracle's own (`oracle_adapters`: a positive price within the pricing range, Pyth's
/// confidence); a publish time at most `max_pull_age_seconds` ahead of the block (recorded at
/// the block's time) and at most that old; then a point not newer than the stored one is
/// skipped (keepers pull idempotently). The pull window is what stops a puller from choosing
/// among the oracle's recent prices, on a trade or on a settlement (docs/oracles.md). One
/// refusal fails the whole call: nothing is stored.
pub fn pull_prices(deps: DepsMut, env: Env, info: MessageInfo, symbols: Vec<String>) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if symbols.is_empty() || symbols.len() > MAX_PRICES_PER_CALL {
        return Err(invalid("symbols", "1 to 32 per pull"));
    }
    let now = env.block.time.seconds();
    let mut response = Response::new().add_attribute("action", "pull_prices");
    for symbol in symbols {
        if !SYMBOLS.has(deps.storage, &symbol) {
            return Err(ContractError::UnknownSymbol { symbol });
        }
        let feed = PRICE_SOURCES
            .may_load(deps.storage, &symbol)?
            .ok_or_else(|| ContractError::NotOracleSourced { symbol: symbol.clone() })?;
        let window = feed.max_pull_age_seconds;
        let observed = oracle_adapters::observe(deps.as_ref(), &symbol, &feed.source)?;
        // A point the pricing cannot read is refused here, not stored to fail every read.
        crate::market_data::to_fixed(observed.price).map_err(|_| ContractError::OraclePriceRefused {
            symbol: symbol.clone(),
            reason: "beyond the range the pricing reads".to_string(),
        })?;
        // A chain's clock lags the oracle's: a point slightly ahead is recorded at the block's
        // time, so nobody can block pulls by posting the newest update first.
        if observed.publish_time > now.saturating_add(window) {
            return Err(ContractError::FuturePublish { publish_time: observed.publish_time, now });
        }
        let publish_time = observed.publish_time.min(now);
        if let Some(stored) = PRICES.may_load(deps.storage, &symbol)? {
            if publish_time <= stored.publish_time {
                response = response.add_attribute(
                    format!("skipped:{symbol}"),
                    format!("published {publish_time} not after the stored {}", stored.publish_time),
                );
                continue;
            }
        }
        let age = now - publish_time;
        if age > window {
            return Err(ContractError::StalePrice { symbol, age, max: window });
        }
        let point = PricePoint { price: observed.price, publish_time };
        response = response.add_attributes(record_price(deps.storage, &symbol, &point, Some(window))?);
    }
    Ok(response)
}

/// The one writer of the price book, for pushes and pulls alike: store the point, note the
/// spot for the pool's risk, and fix the settlement price of the symbol's due expiries (the
/// first price published at or after an expiry; for a pulled point, only within `window`
/// seconds after it, so that whoever pulls first after an expiry cannot pick a later price:
/// past the window the risk manager's fallback sets it). Returns the events' attributes.
fn record_price(
    storage: &mut dyn Storage,
    symbol: &str,
    point: &PricePoint,
    window: Option<u64>,
) -> ContractResult<Vec<Attribute>> {
    PRICES.save(storage, symbol, point)?;
    crate::pool_book::note_spot(storage, symbol, point.price)?;
    let mut attributes =
        vec![Attribute::new(format!("price:{symbol}"), format!("{}@{}", point.price, point.publish_time))];
    let due: Vec<u64> = UNSETTLED_EXPIRIES
        .prefix(symbol)
        .range(storage, None, None, Order::Ascending)
        .take(MAX_SETTLE_PER_PUSH)
        .map(|item| item.map(|(expiry, ())| expiry))
        .collect::<StdResult<Vec<_>>>()?
        .into_iter()
        .filter(|expiry| *expiry <= point.publish_time && window.is_none_or(|w| point.publish_time - *expiry <= w))
        .collect();
    for expiry in due {
        fix_settlement(storage, symbol, expiry, point.price)?;
        attributes.push(Attribute::new(format!("settlement_price:{symbol}:{expiry}"), point.price.to_string()));
    }
    Ok(attributes)
}

fn fix_settlement(storage: &mut dyn Storage, underlying: &str, expiry: u64, price: Decimal) -> ContractResult<()> {
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
