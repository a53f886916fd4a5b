//! Responses of the views a front end needs beyond the engine's own state: quotes and greeks,
//! market discovery, an account's margin per underlying, its liquidation prices and the most it
//! may withdraw, and the pool's positions and limits (docs/integrating.md, "Views for a UI").
//!
//! Units as in [`super::market`]: prices in quote per whole underlying unit, amounts in quote
//! base units, times in unix seconds. Per-contract values are for one contract of the series
//! (its `contract_size` included).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, Int128, SignedDecimal, Uint128};

use super::market::{PriceSource, SymbolParams};
use crate::asset::AssetInfo;

/// Sensitivities of one contract, at the mark's spot and vol.
#[cw_serde]
pub struct Greeks {
    /// Change of the contract's value per 1 quote unit of spot.
    pub delta: SignedDecimal,
    /// Change of delta per 1 quote unit of spot.
    pub gamma: SignedDecimal,
    /// Change of value per vol point (0.01 of annualised vol).
    pub vega: SignedDecimal,
    /// Change of value per day that passes (a calendar day of 365 per year).
    pub theta: SignedDecimal,
}

/// What one contract of a series is worth and costs now.
#[cw_serde]
pub struct SeriesQuote {
    /// Spot of the underlying used (lenient freshness: the last price within the lenient age).
    pub spot: Decimal,
    /// Implied vol used; none once expired.
    pub vol: Option<Decimal>,
    /// Mark per contract, rounded down: Black-Scholes before expiry, intrinsic after.
    pub mark: Decimal,
    /// The engine's spread: a buyer pays `mark × (1 + spread)`, a seller gets `mark × (1 − spread)`.
    pub spread: Decimal,
    /// Per contract, what a seller receives (`mark − fee`) and a buyer pays (`mark + fee`),
    /// the fee rounded up as a trade rounds it.
    pub bid: Decimal,
    pub ask: Decimal,
    /// Exact quote base units a one-contract trade moves: paid to buy one, received for
    /// selling one (fees included, rounded as `Trade` rounds).
    pub buy_one_cost: Int128,
    /// Negative when the fee exceeds the mark (a worthless series costs the fee to sell).
    pub sell_one_proceeds: Int128,
    /// None once expired.
    pub greeks: Option<Greeks>,
    /// Whether the spot and vol are fresh enough for a trade that adds risk (strict ages).
    pub fresh: bool,
}

#[cw_serde]
pub struct SymbolView {
    pub params: SymbolParams,
    /// Where its price comes from: feeders' pushes or an oracle's pulls (docs/oracles.md).
    pub source: PriceSource,
    /// The last price pushed or pulled, and its publish time; none before the first.
    pub price: Option<Decimal>,
    pub publish_time: Option<u64>,
    /// Within `max_price_age_seconds`.
    pub fresh: bool,
    /// Series have been listed on it.
    pub has_series: bool,
}

#[cw_serde]
pub struct SymbolsResponse {
    pub symbols: Vec<SymbolView>,
}

/// One expiry of an underlying with series listed.
#[cw_serde]
pub struct ExpiryView {
    pub expiry: u64,
    pub expired: bool,
    /// Fixed by the first price at or after the expiry (or the fallback).
    pub settlement_price: Option<Decimal>,
    /// The vol of the expiry and its publish time; none before the first push.
    pub vol: Option<Decimal>,
    pub vol_publish_time: Option<u64>,
}

#[cw_serde]
pub struct ExpiriesResponse {
    pub underlying: String,
    pub expiries: Vec<ExpiryView>,
}

#[cw_serde]
pub struct FeederView {
    pub address: String,
    pub price: bool,
    pub vol: bool,
}

#[cw_serde]
pub struct FeedersResponse {
    pub feeders: Vec<FeederView>,
}

/// One scenario of the grid and the account's loss in it on one underlying.
#[cw_serde]
pub struct ScenarioLoss {
    /// Relative spot move (-0.15: spot × 0.85).
    pub spot_move: SignedDecimal,
    /// `down`, `none` or `up`.
    pub vol_shock: String,
    /// A tail scenario: its loss is counted at the tail weight (already applied here).
    pub tail: bool,
    /// Loss in quote base units (negative: a gain), maintenance basis.
    pub loss: Int128,
}

#[cw_serde]
pub struct UnderlyingRisk {
    pub underlying: String,
    pub spot: Decimal,
    /// Series of the account on this underlying, with quantities.
    pub positions: Vec<(u64, i64)>,
    /// The worst scenario (maintenance basis) and its loss.
    pub worst_scenario: String,
    pub worst_loss: Int128,
    /// The worst loss counting only fresh collateral (the initial margin's basis).
    pub worst_loss_initial: Int128,
    /// The short-option floor of this underlying.
    pub short_floor: Uint128,
    /// This underlying's part of the maintenance margin: `max(worst_loss, 0) + short_floor`.
    pub maintenance_margin: Uint128,
    pub scenarios: Vec<ScenarioLoss>,
}

#[cw_serde]
pub struct MarginBreakdownResponse {
    pub margin: super::market::MarginResponse,
    pub underlyings: Vec<UnderlyingRisk>,
}

/// Estimated spots of one underlying at which the account becomes liquidatable, everything
/// else (other prices, vols, time, collateral) held where it is now.
#[cw_serde]
pub struct LiquidationPriceResponse {
    pub account: String,
    pub underlying: String,
    pub spot: Decimal,
    /// Already below its maintenance margin at the current spot.
    pub liquidatable_now: bool,
    /// The highest spot below the current one at which it is liquidatable (within 0.1% of
    /// the crossing), or none down to 1% of the spot.
    pub below: Option<Decimal>,
    /// The lowest spot above the current one at which it is liquidatable, or none up to 10×.
    pub above: Option<Decimal>,
}

/// The most of one collateral position a withdrawal request could take now and be approved.
#[cw_serde]
pub struct MaxWithdrawableResponse {
    /// The account the position backs; none for a position never reported.
    pub account: Option<String>,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    /// Reported by the vault less the reserved amount.
    pub usable: Uint128,
    /// The largest amount the engine would approve now (in the asset's base units).
    pub max_amount: Uint128,
    /// Why nothing can be withdrawn, when `max_amount` is zero and `usable` is not.
    pub reason: Option<String>,
}

/// One series the pool holds a position in.
#[cw_serde]
pub struct PoolPositionView {
    pub series_id: u64,
    /// Contracts: `open_short − open_long` (positive: the pool is long).
    pub position: i64,
    pub open_long: Uint128,
    pub open_short: Uint128,
    pub open_interest_cap: Uint128,
    /// Mark value of the position, quote base units (rounded down); none without prices.
    pub mark_value: Option<Int128>,
    /// The position's greeks (per-contract greeks × position); none without prices or expired.
    pub greeks: Option<Greeks>,
}

#[cw_serde]
pub struct PoolPositionsResponse {
    pub underlying: String,
    pub positions: Vec<PoolPositionView>,
    /// Sums over this page's positions with greeks (a client adds up the pages).
    pub page_greeks: Greeks,
}

/// The pool's limits and how much of them it uses.
#[cw_serde]
pub struct PoolLimitsResponse {
    /// The pool's equity for new risk (free cash and the marks of its positions).
    pub equity: Int128,
    pub initial_margin: Uint128,
    pub maintenance_margin: Uint128,
    /// `initial_margin / equity`, rounded up (at 1 or more the pool takes no trade that adds
    /// risk); none while the equity is not positive.
    pub margin_utilisation: Option<Decimal>,
    /// Per underlying with series, this page: the pool's net delta at its snapshot, the limit
    /// and their ratio.
    pub underlyings: Vec<PoolDeltaView>,
}

#[cw_serde]
pub struct PoolDeltaView {
    pub underlying: String,
    pub net_delta: SignedDecimal,
    pub max_pool_delta: Decimal,
    /// `|net_delta| / max_pool_delta`, rounded up; none when the limit is zero.
    pub delta_utilisation: Option<Decimal>,
}
