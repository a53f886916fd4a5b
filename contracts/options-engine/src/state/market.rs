//! Storage of the options market: oracle, series, accounts, pool.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Int128, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use isthmus_protocol::engine::{LiquidationRecord, RiskParams, SeriesParams, SymbolParams};

/// Quote denom and decimals, fixed at instantiation.
#[cw_serde]
pub struct Quote {
    pub denom: String,
    pub decimals: u8,
}

pub const QUOTE: Item<Quote> = Item::new("quote");
pub const RISK: Item<RiskParams> = Item::new("risk");

#[cw_serde]
#[derive(Default)]
pub struct FeederRoles {
    pub price: bool,
    pub vol: bool,
}

pub const FEEDERS: Map<&Addr, FeederRoles> = Map::new("feeders");
pub const SYMBOLS: Map<&str, SymbolParams> = Map::new("symbols");

#[cw_serde]
pub struct PricePoint {
    pub price: Decimal,
    pub publish_time: u64,
}

pub const PRICES: Map<&str, PricePoint> = Map::new("prices");
/// `(underlying, expiry)` -> implied vol.
pub const VOLS: Map<(&str, u64), PricePoint> = Map::new("vols");

/// An expiry with listed series; its settlement price is fixed once set.
#[cw_serde]
pub struct ExpiryState {
    pub settlement_price: Option<Decimal>,
}

pub const EXPIRIES: Map<(&str, u64), ExpiryState> = Map::new("expiries");

/// How a collateral asset is valued in margin.
#[cw_serde]
pub struct CollateralRisk {
    /// Annualized vol of the asset, for the latency haircut.
    pub vol: Decimal,
    /// Set when the asset is (a claim on) an underlying: it moves with it in scenarios.
    pub underlying: Option<String>,
}

pub const COLLATERAL_RISK: Map<(&str, &str), CollateralRisk> = Map::new("collateral_risk");

#[cw_serde]
pub struct Series {
    pub params: SeriesParams,
    /// Contracts held long by traders (the pool is short as many) and short by traders.
    pub open_long: Uint128,
    pub open_short: Uint128,
    /// Expired, settled and nothing open: no longer counts as live.
    pub retired: bool,
}

pub const SERIES: Map<u64, Series> = Map::new("series");
/// `(underlying, expiry, series_id)` index for listing.
pub const SERIES_BY_UNDERLYING: Map<(&str, u64, u64), ()> = Map::new("series_by_underlying");
pub const NEXT_SERIES_ID: Item<u64> = Item::new("next_series_id");
/// Series listed and not yet fully settled; bounded so that pool valuation is bounded.
pub const LIVE_SERIES_COUNT: Item<u32> = Item::new("live_series_count");
pub const MAX_LIVE_SERIES: u32 = 32;

/// Most series one account may hold at once: bounds every margin computation.
pub const MAX_ACCOUNT_POSITIONS: usize = 16;
pub const MAX_LEGS: usize = 16;

#[cw_serde]
#[derive(Default)]
pub struct Account {
    /// Quote cash in base units; negative is debt.
    pub cash: Int128,
    /// Series with a non-zero position (at most [`MAX_ACCOUNT_POSITIONS`]).
    pub positions: Vec<(u64, i64)>,
}

pub const ACCOUNTS: Map<&str, Account> = Map::new("accounts");
/// `(series, account)` -> () for the settlement crank.
pub const SERIES_HOLDERS: Map<(u64, &str), ()> = Map::new("series_holders");

#[cw_serde]
#[derive(Default)]
pub struct Pool {
    pub cash: Int128,
    pub total_shares: Uint128,
}

pub const POOL: Item<Pool> = Item::new("pool");
/// The pool's net position per series (always the negation of the traders' net).
pub const POOL_POSITIONS: Map<u64, i64> = Map::new("pool_positions");
pub const LP_SHARES: Map<&Addr, Uint128> = Map::new("lp_shares");
/// LP deposits and redemptions waiting for their notice (docs/solvency.md).
pub const POOL_REQUESTS: Map<u64, isthmus_protocol::engine::PoolRequest> = Map::new("pool_requests");
pub const NEXT_POOL_REQUEST: Item<u64> = Item::new("next_pool_request");

/// Expiries whose settlement price is not set yet, so that a price push only looks at these.
pub const UNSETTLED_EXPIRIES: Map<(&str, u64), ()> = Map::new("unsettled_expiries");
/// Most expiries one price push settles (the rest settle on the next push or by fallback).
pub const MAX_SETTLE_PER_PUSH: usize = 8;

/// Reservations (seizes in flight) per account: debt is not written off while one is open.
/// Written only by `remote_book::reservation_opened` / `reservation_closed`.
pub const ACCOUNT_RESERVATIONS: Map<&str, u32> = Map::new("account_reservations");

pub struct LiquidationIndexes<'a> {
    pub account: MultiIndex<'a, String, LiquidationRecord, u64>,
}

impl IndexList<LiquidationRecord> for LiquidationIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<LiquidationRecord>> + '_> {
        let v: Vec<&dyn Index<LiquidationRecord>> = vec![&self.account];
        Box::new(v.into_iter())
    }
}

/// Every position liquidation, by id, indexed by account.
pub fn liquidations<'a>() -> IndexedMap<u64, LiquidationRecord, LiquidationIndexes<'a>> {
    IndexedMap::new(
        "liquidations",
        LiquidationIndexes {
            account: MultiIndex::new(
                |_pk, r: &LiquidationRecord| r.account.clone(),
                "liquidations",
                "liquidations__account",
            ),
        },
    )
}

pub const NEXT_LIQUIDATION_ID: Item<u64> = Item::new("next_liquidation_id");
