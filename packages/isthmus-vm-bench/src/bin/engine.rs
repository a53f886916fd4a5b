//! Gas of the options engine's `Trade` execute and `Margin` query, running the compiled
//! contract (`artifacts/options_engine.wasm`) in cosmwasm-vm 3.0.10 with chain-like storage.
//!
//! usage: engine <options_engine.wasm>
//!
//! Per measured call:
//! * wasm gas: CosmWasm gas the VM meters itself (`GasReport::used_internally`: operators and
//!   host-call costs), ÷ 140,000 for SDK gas (wasmd `DefaultGasMultiplier`);
//! * storage SDK gas: the Cosmos SDK `KVGasConfig` prices charged by [`ChainStorage`] on every
//!   access, on full store keys (wasmd prefixes each contract key with 0x03 ‖ 32-byte contract
//!   address: 33 bytes);
//! * events SDK gas: wasmd's `EventCosts` (10 per attribute, 1 per byte past a 100-byte free
//!   tier, 20 + type length per custom event);
//! * instance load: 60,000 SDK gas per call (wasmd `DefaultInstanceCost`; 2,000 when pinned).
//!
//! Every call gets a fresh instance from a `Cache` (as in wasmd), with the storage moved in and
//! out, so no wasm memory state carries over between calls.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, Mutex};

use cosmwasm_std::{
    coins, Attribute, Checksum, ContractResult, Empty, Env, Event, MessageInfo, Order, Record, Response, Timestamp,
};
use cosmwasm_vm::testing::{mock_env, mock_info, MockApi, MockQuerier};
use cosmwasm_vm::{
    call_execute, call_instantiate, call_query, capabilities_from_csv, Backend, BackendError, BackendResult, Cache,
    CacheOptions, GasInfo, InstanceOptions, Size, Storage,
};
use serde_json::{json, Value};

const SDK_MULTIPLIER: u64 = 140_000;
const INSTANCE_COST: u64 = 60_000;
const INSTANCE_COST_PINNED: u64 = 2_000;
/// wasmd's contract store key: 0x03 ‖ contract address (32 bytes) ‖ key.
const KEY_PREFIX_LEN: u64 = 33;
// Cosmos SDK KVGasConfig (store/types/gas.go)
// (HasCost 1,000 never applies: cosmwasm-std has no `has` import, a contract's `has` is a `get`.)
const DELETE_COST: u64 = 1_000;
const READ_COST_FLAT: u64 = 1_000;
const READ_COST_PER_BYTE: u64 = 3;
const WRITE_COST_FLAT: u64 = 2_000;
const WRITE_COST_PER_BYTE: u64 = 30;
const ITER_NEXT_COST_FLAT: u64 = 30;
// wasmd event costs (x/wasm/keeper/gas_register.go)
const EVENT_PER_ATTRIBUTE: u64 = 10;
const EVENT_DATA_PER_BYTE: u64 = 1;
const EVENT_FREE_TIER: u64 = 100;
const EVENT_PER_CUSTOM: u64 = 20;

const GAS_LIMIT: u64 = u64::MAX / 2;
/// 2027-01-15T08:00:00Z; every price and vol is published at this time.
const NOW: u64 = 1_800_000_000;
const DAY: u64 = 86_400;
const QUOTE: &str = "uusdc";

// ---------------------------------------------------------------------------------------------
// Storage priced like the Cosmos SDK gas KV store

#[derive(Default, Debug, Clone)]
struct Meter {
    gas: u64,
    reads: u64,
    writes: u64,
    deletes: u64,
    iter_steps: u64,
    /// (storage namespace, operation) -> (count, SDK gas)
    by_namespace: BTreeMap<(String, &'static str), (u64, u64)>,
}

/// The cw-storage-plus namespace of a key: a `Map` key starts with the length-prefixed
/// namespace (0x00, len, namespace, ...), an `Item` key is the namespace itself.
fn namespace(key: &[u8]) -> String {
    let raw = match key {
        [0, n, rest @ ..] if rest.len() >= *n as usize => &rest[..*n as usize],
        _ => key,
    };
    String::from_utf8_lossy(raw).into_owned()
}

#[derive(Default)]
struct ChainStorage {
    data: BTreeMap<Vec<u8>, Vec<u8>>,
    iterators: HashMap<u32, (Vec<Record>, usize)>,
    meter: Arc<Mutex<Meter>>,
}

impl ChainStorage {
    /// Charge SDK gas; the VM is told it was used externally (only its limit depends on it).
    fn charge(&self, gas: u64, key: &[u8], op: &'static str, f: impl FnOnce(&mut Meter)) -> GasInfo {
        let mut m = self.meter.lock().unwrap();
        m.gas += gas;
        f(&mut m);
        let e = m.by_namespace.entry((namespace(key), op)).or_default();
        e.0 += 1;
        e.1 += gas;
        GasInfo::with_externally_used(gas * SDK_MULTIPLIER)
    }
}

fn full_len(key: &[u8]) -> u64 {
    KEY_PREFIX_LEN + key.len() as u64
}

impl Storage for ChainStorage {
    /// gaskv `Get`: flat + per byte of key and value.
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let value = self.data.get(key).cloned();
        let bytes = full_len(key) + value.as_ref().map_or(0, |v| v.len() as u64);
        let gas = READ_COST_FLAT + READ_COST_PER_BYTE * bytes;
        (Ok(value), self.charge(gas, key, "read", |m| m.reads += 1))
    }

    /// gaskv `Iterator`: creating it charges the seek gas of the first item (30 + 3/byte if
    /// valid, else 30); wasmvm's `db_next` returns the current item and calls `Next`, which
    /// charges that item's seek gas again (30 + 3/byte), and nothing once the iterator is done.
    fn scan(&mut self, start: Option<&[u8]>, end: Option<&[u8]>, order: Order) -> BackendResult<u32> {
        let lo = start.map_or(Bound::Unbounded, |s| Bound::Included(s.to_vec()));
        let hi = end.map_or(Bound::Unbounded, |e| Bound::Excluded(e.to_vec()));
        let empty = matches!((start, end), (Some(s), Some(e)) if s >= e);
        let items: Vec<Record> = if empty {
            vec![]
        } else {
            let range = self.data.range((lo, hi)).map(|(k, v)| (k.clone(), v.clone()));
            match order {
                Order::Ascending => range.collect(),
                Order::Descending => range.rev().collect(),
            }
        };
        let gas =
            ITER_NEXT_COST_FLAT + items.first().map_or(0, |(k, v)| READ_COST_PER_BYTE * (full_len(k) + v.len() as u64));
        let id = self.iterators.len() as u32 + 1;
        self.iterators.insert(id, (items, 0));
        let info = self.charge(gas, start.unwrap_or(b""), "iterate", |m| m.iter_steps += 1);
        (Ok(id), info)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let Some((items, pos)) = self.iterators.get_mut(&iterator_id) else {
            return (Err(BackendError::iterator_does_not_exist(iterator_id)), GasInfo::free());
        };
        let Some(item) = items.get(*pos).cloned() else { return (Ok(None), GasInfo::free()) };
        *pos += 1;
        let gas = ITER_NEXT_COST_FLAT + READ_COST_PER_BYTE * (full_len(&item.0) + item.1.len() as u64);
        let info = self.charge(gas, &item.0, "iterate", |m| m.iter_steps += 1);
        (Ok(Some(item)), info)
    }

    /// gaskv `Set`: flat + per byte of key and value.
    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        self.data.insert(key.to_vec(), value.to_vec());
        let gas = WRITE_COST_FLAT + WRITE_COST_PER_BYTE * (full_len(key) + value.len() as u64);
        (Ok(()), self.charge(gas, key, "write", |m| m.writes += 1))
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        self.data.remove(key);
        (Ok(()), self.charge(DELETE_COST, key, "delete", |m| m.deletes += 1))
    }
}

// ---------------------------------------------------------------------------------------------
// Calls

type Vm = Cache<MockApi, ChainStorage, MockQuerier>;

struct Chain {
    cache: Arc<Vm>,
    checksum: Checksum,
    backend: Option<Backend<MockApi, ChainStorage, MockQuerier>>,
    meter: Arc<Mutex<Meter>>,
    env: Env,
    api: MockApi,
    /// The engine checks the pool's net delta on trades (price and delta of every pool series
    /// before and after the trade).
    pool_delta_check: bool,
}

#[derive(Debug, Clone, Default)]
struct Cost {
    wasm: u64,
    storage: Meter,
    events: u64,
}

impl Cost {
    fn sdk_without_load(&self) -> f64 {
        self.wasm as f64 / SDK_MULTIPLIER as f64 + self.storage.gas as f64 + self.events as f64
    }
    fn sdk_total(&self) -> f64 {
        self.sdk_without_load() + INSTANCE_COST as f64
    }
}

enum Call<'a> {
    Instantiate(&'a MessageInfo),
    Execute(&'a MessageInfo),
    Query,
}

impl Chain {
    fn new(cache: Arc<Vm>, checksum: Checksum) -> Self {
        let meter = Arc::new(Mutex::new(Meter::default()));
        let storage = ChainStorage { meter: meter.clone(), ..Default::default() };
        let backend = Backend { api: MockApi::default(), storage, querier: MockQuerier::new(&[]) };
        let mut env = mock_env();
        env.block.time = Timestamp::from_seconds(NOW);
        Chain { cache, checksum, backend: Some(backend), meter, env, api: MockApi::default(), pool_delta_check: false }
    }

    fn addr(&self, name: &str) -> String {
        self.api.addr_make(name)
    }

    fn run(&mut self, call: Call, msg: &Value) -> Result<(Vec<u8>, Cost), String> {
        let backend = self.backend.take().expect("backend");
        let mut instance = self
            .cache
            .get_instance(&self.checksum, backend, InstanceOptions { gas_limit: GAS_LIMIT })
            .expect("instance");
        *self.meter.lock().unwrap() = Meter::default();
        let msg = serde_json::to_vec(msg).unwrap();
        let outcome: Result<(Vec<u8>, u64), String> = match call {
            Call::Instantiate(info) | Call::Execute(info) => {
                let res: ContractResult<Response<Empty>> = if matches!(call, Call::Instantiate(_)) {
                    call_instantiate(&mut instance, &self.env, info, &msg).expect("VM error")
                } else {
                    call_execute(&mut instance, &self.env, info, &msg).expect("VM error")
                };
                match res {
                    ContractResult::Ok(r) => {
                        let attrs = serde_json::to_vec(&r.attributes).unwrap();
                        Ok((attrs, event_costs(&r.attributes, &r.events)))
                    }
                    ContractResult::Err(e) => Err(e),
                }
            }
            Call::Query => match call_query(&mut instance, &self.env, &msg).expect("VM error") {
                ContractResult::Ok(bin) => Ok((bin.to_vec(), 0)),
                ContractResult::Err(e) => Err(e),
            },
        };
        let report = instance.create_gas_report();
        self.backend = Some(instance.recycle().expect("recycle"));
        let storage = self.meter.lock().unwrap().clone();
        let (out, events) = outcome?;
        Ok((out, Cost { wasm: report.used_internally, storage, events }))
    }

    fn try_instantiate(&mut self, sender: &str, msg: &Value) -> Result<(), String> {
        let info = mock_info(&self.addr(sender), &[]);
        self.run(Call::Instantiate(&info), msg).map(|_| ())
    }

    fn exec(&mut self, sender: &str, msg: Value, funds: u128) -> Result<(Vec<Attribute>, Cost), String> {
        let info = mock_info(&self.addr(sender), &if funds > 0 { coins(funds, QUOTE) } else { vec![] });
        let (attrs, cost) = self.run(Call::Execute(&info), &msg)?;
        Ok((serde_json::from_slice(&attrs).unwrap(), cost))
    }

    fn must(&mut self, sender: &str, msg: Value, funds: u128) -> Vec<Attribute> {
        match self.exec(sender, msg.clone(), funds) {
            Ok((attrs, _)) => attrs,
            Err(e) => panic!("{msg}: {e}"),
        }
    }

    fn query(&mut self, msg: Value) -> (Value, Cost) {
        let (bytes, cost) = self.run(Call::Query, &msg).unwrap_or_else(|e| panic!("{msg}: {e}"));
        (serde_json::from_slice(&bytes).unwrap(), cost)
    }
}

/// wasmd `EventCosts`: the response's attributes and custom events.
fn event_costs(attrs: &[Attribute], events: &[Event]) -> u64 {
    let mut free = EVENT_FREE_TIER;
    let mut cost_of = |attrs: &[Attribute]| {
        let bytes: u64 = attrs.iter().map(|a| (a.key.len() + a.value.len()) as u64).sum();
        let charged = bytes.saturating_sub(free);
        free = free.saturating_sub(bytes);
        charged * EVENT_DATA_PER_BYTE + attrs.len() as u64 * EVENT_PER_ATTRIBUTE
    };
    let mut gas = cost_of(attrs);
    for e in events {
        gas += EVENT_PER_CUSTOM + e.ty.len() as u64 * EVENT_DATA_PER_BYTE + cost_of(&e.attributes);
    }
    gas
}

// ---------------------------------------------------------------------------------------------
// The market

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Call,
    Put,
}

#[derive(Clone, Copy)]
struct SeriesDef {
    strike: u32,
    expiry_days: u64,
    kind: Kind,
}

/// A listed market: ATOM at 10 USDC, the suite's risk parameters.
struct Market {
    name: &'static str,
    series: Vec<SeriesDef>,
}

const SPOT_MOVES: [&str; 9] = ["-0.3", "-0.15", "-0.1", "-0.05", "0", "0.05", "0.1", "0.15", "0.3"];
const VOL_SHOCKS: usize = 3;

/// tests/src/suite.rs `default_risk()`.
fn default_risk() -> Value {
    json!({
        "spread": "0.01",
        "rate": "0.05",
        "max_leg_quantity": 1000,
        "initial_margin_factor": "1.3",
        "spot_moves": SPOT_MOVES,
        "vol_shock_up": "0.1",
        "vol_shock_down": "0.1",
        "vol_shock_exponent": "0.5",
        "vol_shock_reference_days": 30,
        "min_days_to_expiry": 1,
        "min_vol": "0.05",
        "short_floor": "0.01",
        "haircut_base": "0.15",
        "haircut_z": "3",
        "seize_latency_seconds": 600,
        "settlement_fallback_seconds": 3600,
        "liquidation_penalty": "0.05",
        "liquidator_share": "0.5",
        "liquidation_bonus": "0.05",
        "lp_notice_seconds": 0,
    })
}

fn vol_for(days: u64) -> &'static str {
    match days {
        0..=7 => "0.75",
        8..=14 => "0.7",
        15..=30 => "0.6",
        _ => "0.55",
    }
}

/// Set-up as in tests/src/market.rs `open_market`, with `market`'s series; returns the ids.
fn open_market(chain: &mut Chain, market: &Market) -> Vec<u64> {
    let admin = "admin";
    let mut msg = json!({
        "owner": null, "risk_manager": null, "guardian": null, "controller": null,
        "max_staleness_seconds": 3600, "quote_denom": QUOTE, "quote_decimals": 6,
        "risk": default_risk(),
    });
    if let Err(e) = chain.try_instantiate(admin, &msg) {
        // Engines before c99fc4d (liquidation) refuse the liquidation parameters.
        assert!(e.contains("liquidation_penalty"), "instantiate: {e}");
        for field in ["liquidation_penalty", "liquidator_share", "liquidation_bonus"] {
            msg["risk"].as_object_mut().unwrap().remove(field);
        }
        chain.try_instantiate(admin, &msg).unwrap_or_else(|e| panic!("instantiate: {e}"));
    }
    let feeder = chain.addr("feeder");
    chain.must(admin, json!({"set_feeder": {"address": feeder, "price": true, "vol": true}}), 0);
    let mut symbol = json!({
        "symbol": "ATOM", "max_price_age_seconds": 60,
        "lenient_price_age_seconds": 7 * DAY, "max_vol_age_seconds": 3600,
        "max_pool_delta": "1000000",
    });
    // Since 56f62fa the engine limits the pool's net delta per underlying (`max_pool_delta`,
    // set far out of the way here); an older engine refuses the field.
    chain.pool_delta_check = true;
    if let Err(e) = chain.exec(admin, json!({ "configure_symbol": symbol }), 0) {
        assert!(e.contains("max_pool_delta"), "configure_symbol: {e}");
        symbol.as_object_mut().unwrap().remove("max_pool_delta");
        chain.must(admin, json!({ "configure_symbol": symbol }), 0);
        chain.pool_delta_check = false;
    }
    let mut ids = vec![];
    let mut expiries = vec![];
    for s in &market.series {
        let expiry = NOW + s.expiry_days * DAY;
        if !expiries.contains(&(expiry, s.expiry_days)) {
            expiries.push((expiry, s.expiry_days));
        }
        let kind = if s.kind == Kind::Call { "call" } else { "put" };
        let attrs = chain.must(
            admin,
            json!({"list_series": {
                "underlying": "ATOM", "strike": s.strike.to_string(), "expiry": expiry, "kind": kind,
                "contract_size": "1", "open_interest_cap": "10000",
            }}),
            0,
        );
        ids.push(attrs.iter().find(|a| a.key == "series_id").unwrap().value.parse().unwrap());
    }
    chain.must(
        "feeder",
        json!({"push_prices": {"prices": [{"symbol": "ATOM", "price": "10", "publish_time": NOW}]}}),
        0,
    );
    let vols: Vec<Value> = expiries
        .iter()
        .map(|(e, d)| json!({"underlying": "ATOM", "expiry": e, "vol": vol_for(*d), "publish_time": NOW}))
        .collect();
    chain.must("feeder", json!({"push_vols": {"vols": vols}}), 0);
    chain.must("lp", json!({"pool_deposit": {}}), 1_000_000_000_000); // 1M USDC
    ids
}

/// A realistic mix: alternately bought and sold, 50 to 200 contracts.
fn quantity(i: usize) -> i64 {
    let size = [100, 50, 200, 150][i % 4];
    if matches!(i % 4, 0 | 3) {
        size
    } else {
        -size
    }
}

/// Distinct (strike, expiry) pairs among the series: the margin crate prices each pair once
/// per scenario (a call and a put at the same pair share one Black-Scholes evaluation).
fn nodes(market: &Market, picked: &[usize]) -> usize {
    let mut seen: Vec<(u32, u64)> = vec![];
    for &i in picked {
        let s = market.series[i];
        if !seen.contains(&(s.strike, s.expiry_days)) {
            seen.push((s.strike, s.expiry_days));
        }
    }
    seen.len()
}

struct Row {
    market: &'static str,
    op: String,
    legs: usize,
    pool_series: usize,
    bs_evals: usize,
    cost: Cost,
}

fn scenarios() -> usize {
    SPOT_MOVES.len() * VOL_SHOCKS
}

/// Black-Scholes evaluations of one margin evaluation over `n` nodes: base prices plus every
/// scenario except the base one (spot 0, no vol shock), which reuses them.
fn bs_per_margin(n: usize) -> usize {
    n * (1 + scenarios() - 1)
}

/// Fresh market; "trader" trades the first `legs` series of `order` (after `prior` traders
/// filled the pool with the other series) and its margin is queried.
fn measure(vm: &(Arc<Vm>, Checksum), market: &Market, order: &[usize], legs: usize, prior: &[&[usize]]) -> Vec<Row> {
    let mut chain = Chain::new(vm.0.clone(), vm.1);
    let ids = open_market(&mut chain, market);
    let mut pool: Vec<usize> = vec![];
    for (n, picked) in prior.iter().enumerate() {
        let who = format!("holder{n}");
        chain.must(&who, json!({"deposit_cash": {}}), 100_000_000_000);
        let legs: Vec<Value> = picked
            .iter()
            .enumerate()
            // odd sizes: never cancel the trader's (even) quantities in the pool
            .map(|(i, &s)| json!({"series_id": ids[s], "quantity": quantity(i) + 1}))
            .collect();
        chain.must(&who, json!({"trade": {"legs": legs, "max_cost": "1000000000000"}}), 0);
        pool.extend_from_slice(picked);
    }
    chain.must("trader", json!({"deposit_cash": {}}), 100_000_000_000); // 100k USDC
    let picked = &order[..legs];
    let trade_legs: Vec<Value> =
        picked.iter().enumerate().map(|(i, &s)| json!({"series_id": ids[s], "quantity": quantity(i)})).collect();
    let (_, trade) = chain
        .exec("trader", json!({"trade": {"legs": trade_legs, "max_cost": "1000000000000"}}), 0)
        .unwrap_or_else(|e| panic!("trade {legs} legs on {}: {e}", market.name));
    for s in picked {
        if !pool.contains(s) {
            pool.push(*s);
        }
    }
    let trader = chain.addr("trader");
    let (margin, query) = chain.query(json!({"margin": {"account": trader}}));
    assert!(margin["maintenance_margin"].as_str().unwrap() != "0" || legs == 1, "margin {margin}");
    if legs == 16 {
        println!(
            "{} market, 16 legs: maintenance {} initial {} equity {} worst scenario {:?}",
            market.name,
            margin["maintenance_margin"],
            margin["initial_margin"],
            margin["equity"],
            margin["worst_scenario"]
        );
    }
    let account_nodes = nodes(market, picked);
    vec![
        Row {
            market: market.name,
            op: "trade".into(),
            legs,
            pool_series: pool.len(),
            // one mark per leg, the account's margin, and per leg its grid and delta at the
            // pool risk's snapshot (docs/pool-risk.md): the pool's book is not revalued
            bs_evals: legs + bs_per_margin(account_nodes) + legs * (scenarios() + 1),
            cost: trade,
        },
        Row {
            market: market.name,
            op: "margin".into(),
            legs,
            pool_series: pool.len(),
            bs_evals: bs_per_margin(account_nodes),
            cost: query,
        },
    ]
}

fn cache_options(dir: &std::path::Path) -> CacheOptions {
    CacheOptions::new(
        dir,
        capabilities_from_csv("iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2"),
        Size::mebi(64),
        Size::mebi(32),
    )
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: engine <options_engine.wasm>");
    let wasm = std::fs::read(&path).expect("read wasm");
    let cache_dir = std::env::temp_dir().join(format!("isthmus-vm-bench-engine-{}", std::process::id()));
    let cache: Vm = unsafe { Cache::new(cache_options(&cache_dir)) }.expect("cache");
    let checksum = cache.store_code(&wasm, true, true).expect("store_code (cosmwasm-check rules)");
    let vm = (Arc::new(cache), checksum);

    // Chain: one 30-day expiry, strikes 6..13, a call and a put at each (8 pricing nodes).
    let chain16 = Market {
        name: "chain",
        series: (6..14)
            .flat_map(|k| [Kind::Call, Kind::Put].map(|kind| SeriesDef { strike: k, expiry_days: 30, kind }))
            .collect(),
    };
    // Spread: 7- and 30-day expiries, strikes 6..13, out-of-the-money kind only (puts below
    // spot, calls at and above): 16 pricing nodes, the most Black-Scholes work 16 legs can ask.
    let spread16 = otm_market("spread", &[7, 30]);
    // Full: 1,024 live series (MAX_LIVE_SERIES): 8 expiries x 64 strikes x call and put.
    let full = Market {
        name: "full (1,024 series)",
        series: [7, 14, 21, 30, 45, 60, 90, 120]
            .iter()
            .flat_map(|&d| {
                (6..70).flat_map(move |k| [Kind::Call, Kind::Put].map(|kind| SeriesDef { strike: k, expiry_days: d, kind }))
            })
            .collect(),
    };
    // Leg order: interleaved across strikes and kinds so that 4 legs already mix calls and
    // puts, longs and shorts, near and far strikes.
    let chain_order: Vec<usize> = vec![8, 7, 4, 11, 10, 5, 2, 13, 12, 3, 0, 15, 14, 1, 6, 9];
    let spread_order: Vec<usize> = vec![4, 3, 12, 11, 5, 2, 13, 10, 6, 1, 14, 9, 7, 0, 15, 8];
    // Sixteen holders of 16 series each leave the pool with 256 positions spread over the book
    // (every third series, from the 17th on: the trader's legs are the first 16).
    let full_holdings: Vec<Vec<usize>> =
        (0..16).map(|h| (0..16).map(|i| 16 + 3 * (16 * h + i)).collect()).collect();
    let full_prior: Vec<&[usize]> = full_holdings.iter().map(Vec::as_slice).collect();

    println!("{path}: {} bytes", wasm.len());
    println!("scenario grid: {} spot moves x {VOL_SHOCKS} vol shocks = {} scenarios", SPOT_MOVES.len(), scenarios());
    let mut rows = vec![];
    for legs in [1, 4, 16] {
        rows.extend(measure(&vm, &chain16, &chain_order, legs, &[]));
    }
    for legs in [1, 4, 16] {
        rows.extend(measure(&vm, &spread16, &spread_order, legs, &[]));
    }
    // At the series limit, with the pool holding 256 positions.
    for legs in [1, 16] {
        rows.extend(measure(&vm, &full, &spread_order, legs, &full_prior));
    }
    let _ = std::fs::remove_dir_all(&cache_dir);

    println!();
    println!(
        "| market | operation | legs | pool series | BS evals | wasm (CosmWasm) gas | wasm SDK gas | storage SDK gas (reads/writes/dels/iter) | events | total SDK gas | total w/o instance load |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let c = &r.cost;
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} | {} ({}/{}/{}/{}) | {} | {:.0} | {:.0} |",
            r.market,
            r.op,
            r.legs,
            r.pool_series,
            r.bs_evals,
            sep(c.wasm),
            c.wasm as f64 / SDK_MULTIPLIER as f64,
            sep(c.storage.gas),
            c.storage.reads,
            c.storage.writes,
            c.storage.deletes,
            c.storage.iter_steps,
            c.events,
            c.sdk_total(),
            c.sdk_without_load(),
        );
    }
    println!();
    println!(
        "total SDK gas = wasm gas / {SDK_MULTIPLIER} + storage + events + {INSTANCE_COST} instance load \
         ({INSTANCE_COST_PINNED} if the code is pinned)."
    );
    println!("BS evals: inferred from the code, not counted: nodes x {} per margin evaluation (nodes = distinct strike/expiry; \
         a call and a put there share one); a trade adds 1 mark per leg and, for the pool's risk at its snapshot, one grid and one delta per leg.", scenarios());
    for r in rows.iter().filter(|r| r.legs == 16 && r.market != "chain") {
        println!();
        println!("storage SDK gas by namespace: {} market, {}, 16 legs (count x avg = total)", r.market, r.op);
        let mut entries: Vec<_> = r.cost.storage.by_namespace.iter().collect();
        entries.sort_by_key(|(_, (_, gas))| std::cmp::Reverse(*gas));
        for ((ns, op), (count, gas)) in entries {
            println!("  {op:<8} {ns:<28} {count:>4} x {:>6} = {:>7}", gas / count, sep(*gas));
        }
    }
    println!();
    let worst = rows
        .iter()
        .filter(|r| r.op.starts_with("margin") && r.legs == 16)
        .map(|r| r.cost.sdk_total())
        .fold(0.0, f64::max);
    println!(
        "target: 16-leg margin <= 150,000 SDK gas: worst measured {:.0} -> {}",
        worst,
        if worst <= 150_000.0 { "met" } else { "NOT met" }
    );
}

fn sep(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Strikes 6..13 at each expiry, out-of-the-money kind only (puts below spot 10, calls at and
/// above): one pricing node per series.
fn otm_market(name: &'static str, expiries_days: &[u64]) -> Market {
    Market {
        name,
        series: expiries_days
            .iter()
            .flat_map(|&d| {
                (6..14).map(move |k| SeriesDef {
                    strike: k,
                    expiry_days: d,
                    kind: if k < 10 { Kind::Put } else { Kind::Call },
                })
            })
            .collect(),
    }
}
