//! The Pyth CosmWasm contract's price query, as its JSON travels.
//!
//! From pyth-crosschain `target_chains/cosmwasm/pyth-sdk-cw/src/lib.rs` (`QueryMsg::PriceFeed
//! { id: PriceIdentifier }` answered by `PriceFeedResponse { price_feed: PriceFeed }`, both
//! `cw_serde`) and pyth-sdk-rs `pyth-sdk/src/lib.rs` / `price.rs`: `PriceIdentifier` is 32
//! bytes serialized as 64 hex characters without `0x`; `PriceFeed { id, price, ema_price }`;
//! `Price { price: i64, conf: u64, expo: i32, publish_time: i64 }` where `price` and `conf`
//! are JSON strings (`utils::as_string`) and `expo` and `publish_time` JSON numbers. The value
//! is `price × 10^expo`, the confidence `conf × 10^expo`, `publish_time` unix seconds.
//!
//! The response types accept fields they do not know (no `deny_unknown_fields`), so that a
//! later Pyth contract adding one still answers.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Int64, Uint64};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the engine sends: `{"price_feed":{"id":"<64 hex>"}}`.
#[cw_serde]
pub enum PythQueryMsg {
    PriceFeed { id: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct PythPriceFeedResponse {
    pub price_feed: PythPriceFeed,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct PythPriceFeed {
    /// 64 hex characters.
    pub id: String,
    pub price: PythPrice,
    /// Exponentially-weighted moving average (not used by the engine).
    pub ema_price: PythPrice,
}

/// `price ± conf` scaled by `10^expo`, published at `publish_time` (unix seconds).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub struct PythPrice {
    /// A JSON string (`Int64` is one).
    pub price: Int64,
    /// A JSON string (`Uint64` is one).
    pub conf: Uint64,
    pub expo: i32,
    pub publish_time: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of the Pyth contract's answer, as pyth-sdk's serde writes them, read back.
    #[test]
    fn reads_the_pyth_json() {
        let id = "b00b60f88b03a6a625a8d1c048c3f66653edf217439983d037e7222c4e612819";
        let json = format!(
            r#"{{"price_feed":{{"id":"{id}","price":{{"price":"1234567890","conf":"1500000","expo":-8,"publish_time":1767225600}},"ema_price":{{"price":"-5","conf":"18446744073709551615","expo":2,"publish_time":-1}}}}}}"#
        );
        let response: PythPriceFeedResponse = cosmwasm_std::from_json(json.as_bytes()).unwrap();
        assert_eq!(response.price_feed.id, id);
        let price = response.price_feed.price;
        assert_eq!(
            (price.price, price.conf, price.expo, price.publish_time),
            (Int64::new(1_234_567_890), Uint64::new(1_500_000), -8, 1_767_225_600)
        );
        let ema = response.price_feed.ema_price;
        assert_eq!((ema.price, ema.conf, ema.expo, ema.publish_time), (Int64::new(-5), Uint64::MAX, 2, -1));
        // A field a later Pyth contract may add is ignored.
        let extended = json.replacen(r#""price_feed":{"#, r#""price_feed":{"metadata":{"slot":7},"#, 1);
        assert_eq!(cosmwasm_std::from_json::<PythPriceFeedResponse>(extended.as_bytes()).unwrap(), response);
        // A number where Pyth writes a string is not its wire.
        let wrong = json.replace(r#""1234567890""#, "1234567890");
        assert!(cosmwasm_std::from_json::<PythPriceFeedResponse>(wrong.as_bytes()).is_err());
        let query = cosmwasm_std::to_json_string(&PythQueryMsg::PriceFeed { id: id.into() }).unwrap();
        assert_eq!(query, format!(r#"{{"price_feed":{{"id":"{id}"}}}}"#));
    }
}
