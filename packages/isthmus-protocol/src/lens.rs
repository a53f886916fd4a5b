//! Messages of the lens (target chain): every view of the options engine's state, answered
//! from the engine's storage by the same code the engine runs (docs/architecture.md, "The
//! lens"). Front ends, keepers and tools query the lens; contracts query the engine.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Int128, Uint128};

use crate::asset::AssetInfo;
use crate::engine::*;

#[cw_serde]
pub struct InstantiateMsg {
    /// The options engine whose state the lens reads.
    pub engine: String,
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct LensResponse {
    pub engine: Addr,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The engine this lens reads.
    #[returns(LensResponse)]
    Lens {},
    #[returns(ConfigResponse)]
    Config {},
    #[returns(SourceResponse)]
    Source { source_id: String },
    #[returns(SourcesResponse)]
    Sources { start_after: Option<String>, limit: Option<u32> },
    /// One source's health for operators: staleness, seizes in flight, per-asset totals, and
    /// its collateral's value, cap and share of the total (docs/protocol.md §6).
    #[returns(SourceHealthResponse)]
    SourceHealth { source_id: String },
    /// The health of every source, by id.
    #[returns(SourcesHealthResponse)]
    SourcesHealth { start_after: Option<String>, limit: Option<u32> },
    #[returns(CollateralAssetsResponse)]
    CollateralAssets { source_id: String, start_after: Option<AssetInfo>, limit: Option<u32> },
    /// One replicated position; an unknown position reads as zero with `seq` 0.
    #[returns(RemotePositionResponse)]
    RemotePosition { source_id: String, owner: String, asset: AssetInfo },
    /// An account's collateral per source and asset, with seq and staleness.
    /// `start_after` is `(source_id, owner, asset)`.
    #[returns(AccountCollateralResponse)]
    AccountCollateral { account: String, start_after: Option<(String, String, AssetInfo)>, limit: Option<u32> },
    #[returns(ReservationResponse)]
    Reservation { reservation_id: u64 },
    #[returns(ReservationsResponse)]
    Reservations { start_after: Option<u64>, limit: Option<u32> },
    #[returns(PriceResponse)]
    Price { symbol: String },
    #[returns(VolResponse)]
    Vol { underlying: String, expiry: u64 },
    #[returns(SettlementPriceResponse)]
    SettlementPrice { underlying: String, expiry: u64 },
    #[returns(SeriesResponse)]
    Series { series_id: u64 },
    /// Series of one underlying, by expiry then id; `start_after` is `(expiry, series_id)`.
    #[returns(SeriesListResponse)]
    SeriesList { underlying: String, expiry: Option<u64>, start_after: Option<(u64, u64)>, limit: Option<u32> },
    #[returns(AccountResponse)]
    Account { account: String },
    #[returns(MarginResponse)]
    Margin { account: String },
    /// Exact cost, fees and margin before and after a trade, without executing it, and the
    /// refusal the signed trade would meet (same checks, same order), if any.
    #[returns(SimulateTradeResponse)]
    SimulateTrade {
        account: String,
        legs: Vec<TradeLeg>,
        /// The `max_cost` the trade would be signed with; none: no limit.
        #[serde(default)]
        max_cost: Option<Int128>,
    },
    #[returns(PoolResponse)]
    Pool {},
    /// The pool's risk on one underlying as kept at its snapshot, and whether new risk may be
    /// checked against it now (keepers run `RefreshPoolRisk` when it may not).
    #[returns(PoolRiskResponse)]
    PoolRisk { underlying: String },
    #[returns(LpResponse)]
    Lp { address: String },
    /// Pending pool requests by id, optionally of one LP.
    #[returns(PoolRequestsResponse)]
    PoolRequests { lp: Option<String>, start_after: Option<u64>, limit: Option<u32> },
    #[returns(RiskParams)]
    RiskParams {},
    /// What a keeper's repayment of `repay` buys in one collateral position.
    #[returns(SeizeQuoteResponse)]
    SeizeQuote { account: String, source_id: String, owner: String, asset: AssetInfo, repay: Uint128 },
    /// Owners whose collateral the account counts, `(source_id, owner)` (at most 8).
    #[returns(AuthorizedOwnersResponse)]
    AuthorizedOwners { account: String },
    /// Position liquidations, oldest first, optionally of one account.
    #[returns(LiquidationsResponse)]
    Liquidations { account: Option<String>, start_after: Option<u64>, limit: Option<u32> },
    /// Accounts below maintenance margin or in debt, examining at most `limit` accounts.
    #[returns(LiquidatableResponse)]
    Liquidatable { start_after: Option<String>, limit: Option<u32> },
    /// Mark, bid/ask and greeks of one contract of a series (also in `Series`/`SeriesList`).
    #[returns(SeriesQuote)]
    Quote { series_id: u64 },
    /// Market discovery: every configured symbol with its freshness rules, oracle source and
    /// last price, by symbol.
    #[returns(SymbolsResponse)]
    Symbols { start_after: Option<String>, limit: Option<u32> },
    /// The expiries of an underlying with series, with vols and settlement prices.
    #[returns(ExpiriesResponse)]
    Expiries { underlying: String, start_after: Option<u64>, limit: Option<u32> },
    /// Addresses allowed to push prices or vols, by address.
    #[returns(FeedersResponse)]
    Feeders { start_after: Option<String>, limit: Option<u32> },
    /// An account's margin per underlying: every scenario's loss, the worst one, the floors.
    #[returns(MarginBreakdownResponse)]
    MarginBreakdown { account: String },
    /// Estimated spots of `underlying` at which the account becomes liquidatable.
    #[returns(LiquidationPriceResponse)]
    LiquidationPrice { account: String, underlying: String },
    /// The most of one collateral position that a withdrawal could take now and be approved.
    #[returns(MaxWithdrawableResponse)]
    MaxWithdrawable { source_id: String, owner: String, asset: AssetInfo },
    /// The pool's positions on one underlying with marks and greeks; `start_after` is a series id.
    #[returns(PoolPositionsResponse)]
    PoolPositions { underlying: String, start_after: Option<u64>, limit: Option<u32> },
    /// The pool's margin and delta limits and how much of them it uses, by underlying.
    #[returns(PoolLimitsResponse)]
    PoolLimits { start_after: Option<String>, limit: Option<u32> },
}
