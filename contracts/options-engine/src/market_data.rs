//! Reading oracle data with the freshness rule of the action at hand.
//!
//! Strict mode (new risk: trades that add risk, withdrawals, LP flows) needs a spot no older
//! than `max_price_age_seconds` and a vol no older than `max_vol_age_seconds`. Lenient mode
//! (closing, liquidation, margin views, settlement fallback) accepts a spot up to
//! `lenient_price_age_seconds` old and the last vol whatever its age: a slow feeder must never
//! stop anyone from reducing risk.

use cosmwasm_std::{Decimal, Storage};
use isthmus_pricing::Fixed;

use crate::error::{ContractError, ContractResult};
use crate::state::market::{PRICES, SYMBOLS, VOLS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Strict,
    Lenient,
}

pub const SECONDS_PER_YEAR: i128 = 365 * 24 * 3600;

/// A `Decimal` (18 decimals) as pricing fixed point.
pub fn to_fixed(d: Decimal) -> ContractResult<Fixed> {
    let atomics = i128::try_from(d.atomics().u128()).map_err(|_| invalid("decimal", "too large"))?;
    Ok(Fixed::from_ratio(atomics, 1_000_000_000_000_000_000)?)
}

pub fn invalid(field: &str, reason: &str) -> ContractError {
    ContractError::InvalidInput { field: field.to_string(), reason: reason.to_string() }
}

/// Spot of `symbol` (quote per whole unit) under `mode`.
pub fn spot(storage: &dyn Storage, now: u64, symbol: &str, mode: Freshness) -> ContractResult<Fixed> {
    let params = SYMBOLS
        .may_load(storage, symbol)?
        .ok_or_else(|| ContractError::UnknownSymbol { symbol: symbol.to_string() })?;
    let point =
        PRICES.may_load(storage, symbol)?.ok_or_else(|| ContractError::NoPrice { symbol: symbol.to_string() })?;
    let age = now.saturating_sub(point.publish_time);
    let max = match mode {
        Freshness::Strict => params.max_price_age_seconds,
        Freshness::Lenient => params.lenient_price_age_seconds,
    };
    if age > max {
        return Err(ContractError::StalePrice { symbol: symbol.to_string(), age, max });
    }
    to_fixed(point.price)
}

/// Implied vol of `(underlying, expiry)` under `mode`.
pub fn vol(storage: &dyn Storage, now: u64, underlying: &str, expiry: u64, mode: Freshness) -> ContractResult<Fixed> {
    let point = VOLS
        .may_load(storage, (underlying, expiry))?
        .ok_or_else(|| ContractError::NoVol { underlying: underlying.to_string(), expiry })?;
    if mode == Freshness::Strict {
        let max = SYMBOLS
            .may_load(storage, underlying)?
            .ok_or_else(|| ContractError::UnknownSymbol { symbol: underlying.to_string() })?
            .max_vol_age_seconds;
        let age = now.saturating_sub(point.publish_time);
        if age > max {
            return Err(ContractError::StaleVol { underlying: underlying.to_string(), expiry, age, max });
        }
    }
    to_fixed(point.price)
}

/// Years from `now` to `expiry` (zero once expired).
pub fn years_to(now: u64, expiry: u64) -> ContractResult<Fixed> {
    let seconds = i128::from(expiry.saturating_sub(now));
    Ok(Fixed::from_ratio(seconds, SECONDS_PER_YEAR)?)
}
