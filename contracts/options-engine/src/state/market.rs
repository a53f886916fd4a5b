//! Storage of the options market: oracle, series, accounts, pool (compact values,
//! docs/storage.md).

use cosmwasm_std::{Addr, Decimal, Int128, Uint128};
use isthmus_protocol::engine::{LiquidationRecord, PriceSource, RiskParams, SeriesParams, SymbolParams};
use isthmus_store::{codec_struct, Cell, Table};

/// Quote denom and decimals, fixed at instantiation.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub denom: String,
    pub decimals: u8,
}
codec_struct!(Quote { denom, decimals });

pub const QUOTE: Cell<Quote> = Cell::new("quote");
pub const RISK: Cell<RiskParams> = Cell::new("risk");

#[derive(Clone, Debug, PartialEq, Default)]
pub struct FeederRoles {
    pub price: bool,
    pub vol: bool,
}
codec_struct!(FeederRoles { price, vol });

pub const FEEDERS: Table<&Addr, FeederRoles> = Table::new("feeders");
pub const SYMBOLS: Table<&str, SymbolParams> = Table::new("symbols");
/// A symbol's oracle and how fresh a pulled point must be (docs/oracles.md).
#[derive(Clone, Debug, PartialEq)]
pub struct OracleFeed {
    pub source: PriceSource,
    /// A pulled point is at most this old (or this far ahead) when pulled, and fixes a
    /// settlement price only this soon after the expiry.
    pub max_pull_age_seconds: u64,
}
codec_struct!(OracleFeed { source, max_pull_age_seconds });

/// A symbol's oracle, when it has one (`Pyth` or `Slinky`; a `Push` symbol has no row). A
/// table of its own so that `SymbolParams` rows keep their layout (docs/oracles.md).
pub const PRICE_SOURCES: Table<&str, OracleFeed> = Table::new("price_sources");

#[derive(Clone, Debug, PartialEq)]
pub struct PricePoint {
    pub price: Decimal,
    pub publish_time: u64,
}
codec_struct!(PricePoint { price, publish_time });

pub const PRICES: Table<&str, PricePoint> = Table::new("prices");
/// `(underlying, expiry)` -> implied vol.
pub const VOLS: Table<(&str, u64), PricePoint> = Table::new("vols");

/// An expiry with listed series; its settlement price is fixed once set.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpiryState {
    pub settlement_price: Option<Decimal>,
}
codec_struct!(ExpiryState { settlement_price });

pub const EXPIRIES: Table<(&str, u64), ExpiryState> = Table::new("expiries");

/// How a collateral asset is valued in margin.
#[derive(Clone, Debug, PartialEq)]
pub struct CollateralRisk {
    /// Annualized vol of the asset, for the latency haircut.
    pub vol: Decimal,
    /// Set when the asset is (a claim on) an underlying: it moves with it in scenarios.
    pub underlying: Option<String>,
}
codec_struct!(CollateralRisk { vol, underlying });

pub const COLLATERAL_RISK: Table<(&str, &str), CollateralRisk> = Table::new("collateral_risk");

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub params: SeriesParams,
    /// Expired, settled and nothing open: no longer counts as live.
    pub retired: bool,
}
codec_struct!(Series { params, retired });

/// Contracts of one series held long and short by traders. The pool is every trader's
/// counterparty, so its position is `short - long`: this one row is both the open interest and
/// the pool's position, and a leg writes it once (`pool_book::PoolBook::trade`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct OpenInterest {
    pub long: Uint128,
    pub short: Uint128,
}
codec_struct!(OpenInterest { long, short });

impl OpenInterest {
    pub fn is_empty(&self) -> bool {
        self.long.is_zero() && self.short.is_zero()
    }

    /// The pool's position: the negation of the traders' net.
    pub fn pool_position(&self) -> Option<i64> {
        let (long, short) = (i128::try_from(self.long.u128()).ok()?, i128::try_from(self.short.u128()).ok()?);
        i64::try_from(short.checked_sub(long)?).ok()
    }
}

pub const SERIES: Table<u64, Series> = Table::new("series");
/// `(underlying, expiry, series_id)` index for listing.
pub const SERIES_BY_UNDERLYING: Table<(&str, u64, u64), ()> = Table::new("series_by_underlying");
pub const NEXT_SERIES_ID: Cell<u64> = Cell::new("next_series_id");
/// Series listed and not yet fully settled. No trade iterates them (the pool's risk is kept
/// per underlying: docs/pool-risk.md); the bound keeps a refresh of the pool's risk a few
/// pages of the crank and the holder crank per series finite.
pub const LIVE_SERIES_COUNT: Cell<u32> = Cell::new("live_series_count");
pub const MAX_LIVE_SERIES: u32 = 1_024;

/// Most series one account may hold at once: bounds every margin computation.
pub const MAX_ACCOUNT_POSITIONS: usize = 16;
pub const MAX_LEGS: usize = 16;

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Account {
    /// Quote cash in base units; negative is debt.
    pub cash: Int128,
    /// Series with a non-zero position (at most [`MAX_ACCOUNT_POSITIONS`]).
    pub positions: Vec<(u64, i64)>,
    /// The account's number in the holder index (0: none yet; given with its first position).
    pub number: u64,
    /// Owed to the account by the pool: the part of a settlement or liquidation credit the
    /// pool's free cash could not pay when it was due. Not cash: paid when the account is
    /// next settled and the pool has the cash (docs/solvency.md, rule 8).
    pub claim: Uint128,
}
codec_struct!(Account { cash, positions, number, claim });

/// Written by every trade: its namespace is one byte (docs/storage.md, "Keys").
pub const ACCOUNTS: Table<&str, Account> = Table::new("a");
/// `(series, account number)` -> () for the settlement crank. Written whenever a holding starts
/// or stops, so its key is kept short: a one-byte namespace, and a series id and an account
/// number of four bytes each ([`key32`]), not the address (2,000 gas plus 30 per byte of key and
/// value for every write).
pub const SERIES_HOLDERS: Table<(u32, u32), ()> = Table::new("h");
/// Account number ([`key32`]) -> address, for the settlement crank. Written with an account's
/// first position, so its key is short, as is the counter's.
pub const ACCOUNT_ADDRESSES: Table<u32, String> = Table::new("an");
pub const NEXT_ACCOUNT_NUMBER: Cell<u64> = Cell::new("an_next");

/// A series id or an account number as a key of the tables every leg writes ([`OPEN_INTEREST`],
/// [`SERIES_HOLDERS`]): four bytes instead of eight, 120 gas less per write and id. Ids are
/// given in order from 1, and neither listing nor numbering gives one beyond `u32::MAX`.
pub fn key32(id: u64) -> crate::error::ContractResult<u32> {
    u32::try_from(id).map_err(|_| crate::error::ContractError::overflow("ids of four bytes"))
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pool {
    /// Book cash: liquid cash plus the receivable (docs/solvency.md).
    pub cash: Int128,
    pub total_shares: Uint128,
    /// `C = Σ account.claim`: what the pool owes accounts and has not paid yet.
    pub claims: Uint128,
    /// `D = Σ max(-account.cash, 0)`: the accounts' debts, part of `cash` and not tokens
    /// (docs/solvency.md). Written only by `ledger::save_account`.
    pub receivable: Uint128,
}
codec_struct!(Pool { cash, total_shares, claims, receivable });

pub const POOL: Cell<Pool> = Cell::new("pool");
/// `(underlying, series)` -> its open interest, and so the pool's position; absent when
/// nothing is open. Written only by `pool_book::PoolBook::flush`.
pub const OPEN_INTEREST: Table<(&str, u32), OpenInterest> = Table::new("oi");
pub const LP_SHARES: Table<&Addr, Uint128> = Table::new("lp_shares");
/// LP deposits and redemptions waiting for their notice (docs/solvency.md).
pub const POOL_REQUESTS: Table<u64, isthmus_protocol::engine::PoolRequest> = Table::new("pool_requests");
pub const NEXT_POOL_REQUEST: Cell<u64> = Cell::new("next_pool_request");

/// Expiries whose settlement price is not set yet, so that a price push only looks at these.
pub const UNSETTLED_EXPIRIES: Table<(&str, u64), ()> = Table::new("unsettled_expiries");
/// Most expiries one price push settles (the rest settle on the next push or by fallback).
pub const MAX_SETTLE_PER_PUSH: usize = 8;

/// Reservations (seizes in flight) per account: debt is not written off while one is open.
/// Written only by `remote_book::reservation_opened` / `reservation_closed`.
pub const ACCOUNT_RESERVATIONS: Table<&str, u32> = Table::new("account_reservations");

/// Every position liquidation, by id.
pub const LIQUIDATIONS: Table<u64, LiquidationRecord> = Table::new("liquidations");
/// `(account, liquidation_id)` -> (): each account's liquidations, written with the record.
pub const LIQUIDATIONS_BY_ACCOUNT: Table<(&str, u64), ()> = Table::new("liquidations__account");

pub const NEXT_LIQUIDATION_ID: Cell<u64> = Cell::new("next_liquidation_id");
