//! Reading a symbol's price from its oracle (docs/oracles.md): the Pyth CosmWasm contract or
//! the chain's Slinky / Connect `x/oracle` module. Each answer is decoded from the oracle's
//! own wire (`isthmus_protocol::oracle`), checked for what only that oracle can tell (a
//! positive price, Pyth's confidence interval, a timestamp), and scaled exactly into a
//! `Decimal`. Freshness against the clock and the stored point is the caller's
//! (`execute::feeds::pull_prices`), the same for every source.

use cosmwasm_std::{Binary, Decimal, Deps};
use isthmus_protocol::engine::{PriceSource, SlinkyApi};
use isthmus_protocol::oracle::pyth::{PythPriceFeedResponse, PythQueryMsg};
use isthmus_protocol::oracle::slinky::{
    CurrencyPairV1, GetPriceRequestV1, GetPriceRequestV2, GetPriceResponse, CONNECT_V2_GET_PRICE, SLINKY_V1_GET_PRICE,
};
use prost::Message;

use crate::error::{ContractError, ContractResult};

/// What an oracle reported, before the freshness checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Quote per whole unit.
    pub price: Decimal,
    /// Unix seconds.
    pub publish_time: u64,
}

/// Largest confidence limit a Pyth source may be configured with (20%, Mars's bound).
pub const MAX_CONFIDENCE_BPS: u32 = 2_000;

/// `value × 10^expo` as a `Decimal` (18 decimal places), with integers only.
///
/// Exact whenever `expo >= -18`; below that the digits past the 18th decimal are cut
/// (toward zero: a price is never rounded up). An exponent making the value too large for a
/// `Decimal` is an error, and so is a result of zero (a positive price too small to
/// represent). Never panics, whatever `expo`.
pub fn scale_to_decimal(value: u128, expo: i64) -> Result<Decimal, String> {
    let shift = expo.checked_add(18).ok_or("exponent out of range")?;
    let atomics = if shift >= 0 {
        let factor = u32::try_from(shift)
            .ok()
            .and_then(|s| 10u128.checked_pow(s))
            .ok_or_else(|| format!("10^{expo} is too large for a Decimal"))?;
        value.checked_mul(factor).ok_or_else(|| format!("{value} x 10^{expo} is too large for a Decimal"))?
    } else {
        // 10^39 exceeds every u128, so any larger divisor leaves zero.
        match u32::try_from(shift.unsigned_abs()).ok().and_then(|s| 10u128.checked_pow(s)) {
            Some(divisor) => value / divisor,
            None => 0,
        }
    };
    if atomics == 0 {
        return Err(format!("{value} x 10^{expo} is zero at 18 decimals"));
    }
    Ok(Decimal::raw(atomics))
}

/// Query `source` for `symbol`'s price. `Push` has nothing to query.
pub fn observe(deps: Deps, symbol: &str, source: &PriceSource) -> ContractResult<Observation> {
    match source {
        PriceSource::Push => Err(ContractError::NotOracleSourced { symbol: symbol.to_string() }),
        PriceSource::Pyth { contract, price_feed_id, max_confidence_bps } => {
            observe_pyth(deps, symbol, contract, price_feed_id, *max_confidence_bps)
        }
        PriceSource::Slinky { currency_pair, api } => observe_slinky(deps, symbol, currency_pair, *api),
    }
}

fn refused(symbol: &str, reason: impl Into<String>) -> ContractError {
    ContractError::OraclePriceRefused { symbol: symbol.to_string(), reason: reason.into() }
}

fn unavailable(symbol: &str, reason: impl std::fmt::Display) -> ContractError {
    ContractError::OracleUnavailable { symbol: symbol.to_string(), reason: reason.to_string() }
}

fn observe_pyth(
    deps: Deps,
    symbol: &str,
    contract: &str,
    price_feed_id: &str,
    max_confidence_bps: u32,
) -> ContractResult<Observation> {
    let response: PythPriceFeedResponse = deps
        .querier
        .query_wasm_smart(contract, &PythQueryMsg::PriceFeed { id: price_feed_id.to_string() })
        .map_err(|e| unavailable(symbol, e))?;
    let feed = response.price_feed;
    if !feed.id.eq_ignore_ascii_case(price_feed_id) {
        return Err(refused(symbol, format!("answered for feed {}", feed.id)));
    }
    pyth_observation(
        symbol,
        feed.price.price.i64(),
        feed.price.conf.u64(),
        feed.price.expo,
        feed.price.publish_time,
        max_confidence_bps,
    )
}

/// Pyth's checks (docs/oracles.md, as Mars's `mars-oracle-wasm` does): a price above zero,
/// a confidence interval at most `max_confidence_bps` of the price (both in the same
/// exponent, so the ratio is exact), a publish time that is a unix time.
pub fn pyth_observation(
    symbol: &str,
    price: i64,
    conf: u64,
    expo: i32,
    publish_time: i64,
    max_confidence_bps: u32,
) -> ContractResult<Observation> {
    if price <= 0 {
        return Err(refused(symbol, format!("price {price} is not above zero")));
    }
    let price_units = u128::from(price.unsigned_abs());
    // conf x 10^4 and bps x price fit in u128 (64 + 14 and 32 + 63 bits).
    let conf_scaled = u128::from(conf) * 10_000;
    if conf_scaled > u128::from(max_confidence_bps) * price_units {
        let conf_bps = conf_scaled.div_ceil(price_units);
        return Err(ContractError::ConfidenceTooWide {
            symbol: symbol.to_string(),
            conf_bps,
            max_bps: max_confidence_bps,
        });
    }
    let publish_time = u64::try_from(publish_time)
        .map_err(|_| refused(symbol, format!("publish time {publish_time} is before 1970")))?;
    let price = scale_to_decimal(price_units, i64::from(expo)).map_err(|reason| refused(symbol, reason))?;
    Ok(Observation { price, publish_time })
}

/// The gRPC request of `api` for `currency_pair` ("BASE/QUOTE", checked when configured).
pub fn slinky_request(currency_pair: &str, api: SlinkyApi) -> (&'static str, Vec<u8>) {
    match api {
        SlinkyApi::SlinkyV1 => {
            let (base, quote) = currency_pair.split_once('/').unwrap_or((currency_pair, ""));
            let pair = CurrencyPairV1 { base: base.to_string(), quote: quote.to_string() };
            (SLINKY_V1_GET_PRICE, GetPriceRequestV1 { currency_pair: Some(pair) }.encode_to_vec())
        }
        SlinkyApi::ConnectV2 => {
            (CONNECT_V2_GET_PRICE, GetPriceRequestV2 { currency_pair: currency_pair.to_string() }.encode_to_vec())
        }
    }
}

fn observe_slinky(deps: Deps, symbol: &str, currency_pair: &str, api: SlinkyApi) -> ContractResult<Observation> {
    let (path, data) = slinky_request(currency_pair, api);
    // A gRPC query answers the response's protobuf bytes (a Stargate query would answer the
    // JSON wasmd converts them to): decoded with the module's own field numbers.
    let bytes: Binary =
        deps.querier.query_grpc(path.to_string(), Binary::from(data)).map_err(|e| unavailable(symbol, e))?;
    let response = GetPriceResponse::decode(bytes.as_slice())
        .map_err(|e| unavailable(symbol, format!("undecodable answer: {e}")))?;
    slinky_observation(symbol, &response)
}

/// Slinky's answer as a price: `price / 10^decimals` (a positive `cosmos.Int`), published at
/// the whole second of its block's timestamp.
pub fn slinky_observation(symbol: &str, response: &GetPriceResponse) -> ContractResult<Observation> {
    let quote = response.price.as_ref().ok_or_else(|| refused(symbol, "no price reported for the pair"))?;
    let digits = quote.price.as_str();
    if digits.starts_with('-') {
        return Err(refused(symbol, format!("price {digits} is not above zero")));
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // The oracle's text is echoed only when it is short and printable: an error message
        // lands in the transaction's log, where control characters and long strings do not belong.
        let shown = if digits.len() <= 40 && digits.bytes().all(|b| b.is_ascii_graphic()) {
            format!("\"{digits}\"")
        } else {
            format!("of {} bytes", digits.len())
        };
        return Err(refused(symbol, format!("price {shown} is not an integer")));
    }
    let value: u128 = digits.parse().map_err(|_| refused(symbol, format!("price {digits} is too large")))?;
    if value == 0 {
        return Err(refused(symbol, "price 0 is not above zero"));
    }
    let timestamp = quote.block_timestamp.ok_or_else(|| refused(symbol, "no block timestamp"))?;
    let publish_time = u64::try_from(timestamp.seconds)
        .map_err(|_| refused(symbol, format!("block timestamp {} is before 1970", timestamp.seconds)))?;
    let decimals = i64::try_from(response.decimals)
        .ok()
        .and_then(i64::checked_neg)
        .ok_or_else(|| refused(symbol, format!("{} decimals", response.decimals)))?;
    let price = scale_to_decimal(value, decimals).map_err(|reason| refused(symbol, reason))?;
    Ok(Observation { price, publish_time })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use isthmus_protocol::oracle::slinky::{ProtoTimestamp, QuotePrice};

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn exponents_scale_exactly() {
        assert_eq!(scale_to_decimal(1_234_567_890, -8).unwrap(), dec("12.3456789"));
        assert_eq!(scale_to_decimal(1_365_133_270, -8).unwrap(), dec("13.6513327"));
        assert_eq!(scale_to_decimal(123, 2).unwrap(), dec("12300"));
        assert_eq!(scale_to_decimal(7, 0).unwrap(), dec("7"));
        // Every digit is kept down to 18 decimals.
        assert_eq!(scale_to_decimal(1, -18).unwrap(), Decimal::raw(1));
        assert_eq!(scale_to_decimal(123_456_789_012_345_678_901, -18).unwrap(), dec("123.456789012345678901"));
        // Below 18 decimals the rest is cut toward zero, never rounded up.
        assert_eq!(scale_to_decimal(19, -19).unwrap(), Decimal::raw(1));
        assert_eq!(scale_to_decimal(u128::MAX, -56).unwrap(), Decimal::raw(3));
        // The largest values a Decimal holds are reached, and one step beyond is an error.
        assert_eq!(scale_to_decimal(u128::MAX, -18).unwrap(), Decimal::MAX);
        assert_eq!(scale_to_decimal(340_282_366_920_938_463_463, 0).unwrap(), dec("340282366920938463463"));
        assert!(scale_to_decimal(340_282_366_920_938_463_464, 0).is_err());
        assert_eq!(scale_to_decimal(1, 20).unwrap(), dec("100000000000000000000"));
        assert!(scale_to_decimal(1, 21).is_err(), "10^39 atomics do not fit");
        assert!(scale_to_decimal(4, 20).is_err());
    }

    #[test]
    fn extreme_exponents_are_errors_not_panics() {
        for expo in [i64::from(i32::MIN), i64::from(i32::MAX), i64::MIN, i64::MAX, -39, -57, 21, 38, 39, 1_000] {
            let _ = scale_to_decimal(1, expo);
            let _ = scale_to_decimal(u128::MAX, expo);
        }
        assert!(scale_to_decimal(1, i64::MAX).is_err());
        assert!(scale_to_decimal(1, i64::MIN).is_err(), "zero at 18 decimals");
        assert!(scale_to_decimal(u128::MAX, i64::from(i32::MIN)).is_err());
        assert!(scale_to_decimal(u128::MAX, i64::from(i32::MAX)).is_err());
        assert!(scale_to_decimal(999_999_999_999_999_999, -36).is_err(), "rounds to zero");
        assert!(scale_to_decimal(0, -8).is_err());
    }

    #[test]
    fn pyth_checks() {
        let ok = pyth_observation("X", 1_234_567_890, 1_234_567, -8, 100, 10).unwrap();
        assert_eq!(ok, Observation { price: dec("12.3456789"), publish_time: 100 });
        // 10 bps exactly is allowed; one unit more is not (rounded up in the error).
        assert!(pyth_observation("X", 1_000_000, 1_000, -6, 1, 10).is_ok());
        assert_eq!(
            pyth_observation("X", 1_000_000, 1_001, -6, 1, 10),
            Err(ContractError::ConfidenceTooWide { symbol: "X".into(), conf_bps: 11, max_bps: 10 })
        );
        assert!(matches!(pyth_observation("X", 0, 0, -8, 1, 10), Err(ContractError::OraclePriceRefused { .. })));
        assert!(matches!(pyth_observation("X", -5, 0, -8, 1, 10), Err(ContractError::OraclePriceRefused { .. })));
        assert!(matches!(pyth_observation("X", i64::MIN, 0, -8, 1, 10), Err(ContractError::OraclePriceRefused { .. })));
        assert!(matches!(pyth_observation("X", 5, 0, -8, -1, 10), Err(ContractError::OraclePriceRefused { .. })));
        // The extremes of every field: errors, never panics.
        assert!(pyth_observation("X", i64::MAX, u64::MAX, i32::MIN, i64::MAX, u32::MAX).is_err());
        assert!(pyth_observation("X", i64::MAX, 0, i32::MAX, 0, 1).is_err());
        assert_eq!(
            pyth_observation("X", i64::MAX, 0, 0, 0, 1).unwrap().price,
            Decimal::from_ratio(i64::MAX as u128, 1u128)
        );
    }

    fn slinky(price: &str, decimals: u64, seconds: i64) -> GetPriceResponse {
        GetPriceResponse {
            price: Some(QuotePrice {
                price: price.into(),
                block_timestamp: Some(ProtoTimestamp { seconds, nanos: 999_999_999 }),
                block_height: 9,
            }),
            nonce: 1,
            decimals,
            id: 0,
        }
    }

    #[test]
    fn slinky_decimals_and_checks() {
        let ok = slinky_observation("X", &slinky("1234567890", 8, 100)).unwrap();
        assert_eq!(ok, Observation { price: dec("12.3456789"), publish_time: 100 });
        assert_eq!(slinky_observation("X", &slinky("2500000000000000000000", 18, 1)).unwrap().price, dec("2500"));
        assert_eq!(slinky_observation("X", &slinky("7", 0, 1)).unwrap().price, dec("7"));
        for bad in [slinky("0", 8, 1), slinky("-1", 8, 1), slinky("", 8, 1), slinky("1.5", 8, 1), slinky("+1", 8, 1)] {
            assert!(matches!(slinky_observation("X", &bad), Err(ContractError::OraclePriceRefused { .. })), "{bad:?}");
        }
        // Larger than any u128, or decimals beyond any exponent: errors.
        assert!(slinky_observation("X", &slinky(&"9".repeat(60), 8, 1)).is_err());
        assert!(slinky_observation("X", &slinky("1", u64::MAX, 1)).is_err());
        assert!(slinky_observation("X", &slinky("1", 40, 1)).is_err());
        assert!(slinky_observation("X", &slinky("1", 8, -1)).is_err());
        let no_price = GetPriceResponse { price: None, ..slinky("1", 8, 1) };
        assert!(matches!(slinky_observation("X", &no_price), Err(ContractError::OraclePriceRefused { .. })));
    }

    #[test]
    fn a_refused_slinky_price_is_echoed_only_when_short_and_printable() {
        let reason = |digits: &str| match slinky_observation("X", &slinky(digits, 8, 1)) {
            Err(ContractError::OraclePriceRefused { reason, .. }) => reason,
            other => panic!("{digits:?}: {other:?}"),
        };
        assert_eq!(reason("1.5"), "price \"1.5\" is not an integer");
        assert_eq!(reason("1\n\"}"), "price of 4 bytes is not an integer");
        assert_eq!(reason(&"x".repeat(41)), "price of 41 bytes is not an integer");
    }

    #[test]
    fn slinky_requests_follow_the_api() {
        let (path, v1) = slinky_request("ATOM/USD", SlinkyApi::SlinkyV1);
        assert_eq!(path, "/slinky.oracle.v1.Query/GetPrice");
        assert_eq!(GetPriceRequestV1::decode(v1.as_slice()).unwrap().currency_pair.unwrap().quote, "USD");
        let (path, v2) = slinky_request("ATOM/USD", SlinkyApi::ConnectV2);
        assert_eq!(path, "/connect.oracle.v2.Query/GetPrice");
        assert_eq!(GetPriceRequestV2::decode(v2.as_slice()).unwrap().currency_pair, "ATOM/USD");
    }
}
