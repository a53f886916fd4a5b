//! Stand-ins of the external oracles a symbol can be priced by (docs/oracles.md), answering
//! on their real wire, and the suite's actions around them.
//!
//! * [`pyth_stand_in`]: a contract answering the Pyth CosmWasm contract's
//!   `{"price_feed":{"id":…}}` query with its JSON (pyth-sdk's serde: `price` and `conf` as
//!   strings, `expo` and `publish_time` as numbers), its feeds set by an `execute`.
//! * [`SlinkyOracle`]: the chain's `x/oracle` module, answering the gRPC `GetPrice` of Slinky
//!   v1 and Connect v2 in protobuf, its prices set by the test.
//!
//! Both write their wire here from the public definitions, apart from the engine's own
//! types (`isthmus_protocol::oracle`), so that a wrong field there fails the tests.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use anyhow::{anyhow, Result};
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError, StdResult,
};
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine;
use prost::Message;
use serde::{Deserialize, Serialize};

use crate::suite::Suite;

/// One price of a Pyth feed, as the test sets it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PythQuote {
    pub price: i64,
    pub conf: u64,
    pub expo: i32,
    pub publish_time: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "snake_case")]
enum PythStandInExecute {
    SetFeed {
        id: String,
        price: PythQuote,
        ema_price: PythQuote,
        /// Answer the query for `id` with this feed id instead (a broken or hostile contract).
        #[serde(default)]
        answer_as: Option<String>,
    },
}

fn pyth_price_json(p: &PythQuote) -> serde_json::Value {
    serde_json::json!({
        "price": p.price.to_string(),
        "conf": p.conf.to_string(),
        "expo": p.expo,
        "publish_time": p.publish_time,
    })
}

fn pyth_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn pyth_execute(deps: DepsMut, _: Env, _: MessageInfo, msg: PythStandInExecute) -> StdResult<Response> {
    let PythStandInExecute::SetFeed { id, price, ema_price, answer_as } = msg;
    let feed = serde_json::json!({
        "id": answer_as.unwrap_or_else(|| id.clone()).to_lowercase(),
        "price": pyth_price_json(&price),
        "ema_price": pyth_price_json(&ema_price),
    });
    deps.storage.set(id.to_lowercase().as_bytes(), feed.to_string().as_bytes());
    Ok(Response::new())
}

/// The Pyth contract's query: `{"price_feed":{"id":"<64 hex>"}}` (the id parsed as hex, any
/// case), answered `{"price_feed":{"id","price","ema_price"}}`; an unknown feed is an error
/// (the contract's `PriceFeedNotFound`).
fn pyth_query(deps: Deps, _: Env, msg: serde_json::Value) -> StdResult<Binary> {
    let id = msg
        .get("price_feed")
        .and_then(|q| q.get("id"))
        .and_then(|id| id.as_str())
        .filter(|id| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| StdError::generic_err(format!("unknown query {msg}")))?;
    let feed =
        deps.storage.get(id.to_lowercase().as_bytes()).ok_or_else(|| StdError::generic_err("PriceFeedNotFound"))?;
    let feed: serde_json::Value = serde_json::from_slice(&feed).map_err(|e| StdError::generic_err(e.to_string()))?;
    to_json_binary(&serde_json::json!({ "price_feed": feed }))
}

pub fn pyth_stand_in() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(pyth_execute, pyth_instantiate, pyth_query))
}

// The x/oracle module's messages, from proto/slinky/oracle/v1/query.proto + genesis.proto,
// proto/slinky/types/v1/currency_pair.proto and proto/connect/oracle/v2/query.proto.
#[derive(Clone, PartialEq, Message)]
struct CurrencyPair {
    #[prost(string, tag = "1")]
    base: String,
    #[prost(string, tag = "2")]
    quote: String,
}
#[derive(Clone, PartialEq, Message)]
struct GetPriceRequestV1 {
    #[prost(message, optional, tag = "1")]
    currency_pair: Option<CurrencyPair>,
}
#[derive(Clone, PartialEq, Message)]
struct GetPriceRequestV2 {
    #[prost(string, tag = "1")]
    currency_pair: String,
}
#[derive(Clone, PartialEq, Message)]
struct Timestamp {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}
#[derive(Clone, PartialEq, Message)]
struct QuotePrice {
    #[prost(string, tag = "1")]
    price: String,
    #[prost(message, optional, tag = "2")]
    block_timestamp: Option<Timestamp>,
    #[prost(uint64, tag = "3")]
    block_height: u64,
}
#[derive(Clone, PartialEq, Message)]
struct GetPriceResponse {
    #[prost(message, optional, tag = "1")]
    price: Option<QuotePrice>,
    #[prost(uint64, tag = "2")]
    nonce: u64,
    #[prost(uint64, tag = "3")]
    decimals: u64,
    #[prost(uint64, tag = "4")]
    id: u64,
}

/// One pair's state in the stand-in `x/oracle`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlinkyQuote {
    /// A `cosmos.Int` in decimal digits.
    pub price: String,
    pub decimals: u64,
    /// Unix seconds and nanoseconds of the block that wrote it.
    pub block_seconds: i64,
    pub block_nanos: i32,
    pub block_height: u64,
}

/// The stand-in `x/oracle`: pairs ("BASE/QUOTE") to their latest price, served on both gRPC
/// paths. A pair it does not track is an error, as the module's is.
#[derive(Clone, Default)]
pub struct SlinkyOracle {
    pairs: Arc<RwLock<BTreeMap<String, (u64, SlinkyQuote)>>>,
    /// Every path queried, in order.
    pub queried: Arc<RwLock<Vec<String>>>,
}

impl SlinkyOracle {
    /// Set `pair`'s price (its nonce counts the updates).
    pub fn set(&self, pair: &str, quote: SlinkyQuote) {
        let mut pairs = self.pairs.write().expect("slinky stand-in");
        let nonce = pairs.get(pair).map_or(0, |(n, _)| n + 1);
        pairs.insert(pair.to_string(), (nonce, quote));
    }

    fn answer(&self, path: &str, pair: String) -> Result<Binary> {
        self.queried.write().expect("slinky stand-in").push(path.to_string());
        let pairs = self.pairs.read().expect("slinky stand-in");
        let ids: Vec<&String> = pairs.keys().collect();
        let Some((nonce, quote)) = pairs.get(&pair) else {
            return Err(anyhow!(
                "no price / nonce reported for CurrencyPair: {pair}, the module is not tracking this CurrencyPair"
            ));
        };
        let id = ids.iter().position(|p| **p == pair).unwrap_or_default() as u64;
        let response = GetPriceResponse {
            price: Some(QuotePrice {
                price: quote.price.clone(),
                block_timestamp: Some(Timestamp { seconds: quote.block_seconds, nanos: quote.block_nanos }),
                block_height: quote.block_height,
            }),
            nonce: *nonce,
            decimals: quote.decimals,
            id,
        };
        Ok(Binary::from(response.encode_to_vec()))
    }

    /// Serve the target chain's `GetPrice` queries (both paths) from this stand-in.
    pub fn install(&self, suite: &Suite) {
        let routes = &suite.chains.target_spec.grpc;
        let v1 = self.clone();
        routes.route(
            "/slinky.oracle.v1.Query/GetPrice",
            Arc::new(move |data: &[u8]| {
                let request = GetPriceRequestV1::decode(data)?;
                let pair = request.currency_pair.unwrap_or_default();
                v1.answer("/slinky.oracle.v1.Query/GetPrice", format!("{}/{}", pair.base, pair.quote))
            }),
        );
        let v2 = self.clone();
        routes.route(
            "/connect.oracle.v2.Query/GetPrice",
            Arc::new(move |data: &[u8]| {
                let request = GetPriceRequestV2::decode(data)?;
                v2.answer("/connect.oracle.v2.Query/GetPrice", request.currency_pair)
            }),
        );
    }
}

impl Suite {
    /// Deploy a Pyth stand-in on the target chain.
    pub fn deploy_pyth(&mut self) -> Result<Addr> {
        let code = self.chains.target.store_code(pyth_stand_in());
        let admin = self.target_admin.clone();
        self.chains.target.instantiate_contract(code, admin, &Empty {}, &[], "pyth", None)
    }

    /// Set feed `id`'s price on the Pyth stand-in (its EMA price the same).
    pub fn set_pyth(&mut self, pyth: &Addr, id: &str, quote: PythQuote) -> Result<AppResponse> {
        let admin = self.target_admin.clone();
        let msg = PythStandInExecute::SetFeed { id: id.to_string(), price: quote, ema_price: quote, answer_as: None };
        self.chains.target.execute_contract(admin, pyth.clone(), &msg, &[])
    }

    /// Make the Pyth stand-in answer the query for feed `id` with another feed's id.
    pub fn set_pyth_answering_as(
        &mut self,
        pyth: &Addr,
        id: &str,
        other: &str,
        quote: PythQuote,
    ) -> Result<AppResponse> {
        let admin = self.target_admin.clone();
        let msg = PythStandInExecute::SetFeed {
            id: id.to_string(),
            price: quote,
            ema_price: quote,
            answer_as: Some(other.to_string()),
        };
        self.chains.target.execute_contract(admin, pyth.clone(), &msg, &[])
    }

    /// Set `symbol`'s price source (risk manager: the suite's admin), with a pull window of 60 s
    /// (the suite's `max_price_age_seconds`).
    pub fn set_price_source(&mut self, symbol: &str, source: engine::PriceSource) -> Result<AppResponse> {
        self.set_price_source_with_window(symbol, source, Some(60))
    }

    pub fn set_price_source_with_window(
        &mut self,
        symbol: &str,
        source: engine::PriceSource,
        max_pull_age_seconds: Option<u64>,
    ) -> Result<AppResponse> {
        self.admin_engine(&engine::ExecuteMsg::SetPriceSource {
            symbol: symbol.to_string(),
            source,
            max_pull_age_seconds,
        })
    }

    /// What the keeper does: pull `symbols`, then refresh the pool's risk where it asks for it.
    pub fn pull_prices(&mut self, symbols: &[&str]) -> Result<AppResponse> {
        let msg = engine::ExecuteMsg::PullPrices { symbols: symbols.iter().map(|s| s.to_string()).collect() };
        let keeper = self.target_user("keeper");
        let pulled = self.chains.execute(Side::Target, &keeper, &self.engine.clone(), &msg, &[])?;
        for symbol in symbols {
            self.keep_pool_risk_fresh(symbol)?;
        }
        Ok(pulled)
    }

    /// The stored price of `symbol` (the lens's view of the price book).
    pub fn stored_price(&self, symbol: &str) -> Result<engine::PriceResponse> {
        self.view(&isthmus_protocol::lens::QueryMsg::Price { symbol: symbol.to_string() })
    }
}
