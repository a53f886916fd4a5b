//! Messages of the options engine (target chain), collateral side.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Int128, Uint128};

use crate::asset::AssetInfo;

pub mod health;
pub mod market;
pub mod views;
pub use health::*;
pub use market::*;
pub use views::*;

/// Age after which the owner may expire a reservation of a rotated-out controller: the longest
/// seize timeout plus an hour for clock differences between the chains.
pub const RESERVATION_EXPIRY_SECONDS: u64 = crate::controller::MAX_SEIZE_TIMEOUT_SECONDS + 3_600;

#[cw_serde]
pub struct InstantiateMsg {
    /// Defaults to the instantiator.
    pub owner: Option<String>,
    /// Sets asset risk parameters. Defaults to the owner.
    pub risk_manager: Option<String>,
    /// May pause new risk. Defaults to the owner.
    pub guardian: Option<String>,
    /// The liquidation controller, the only caller of the reservation messages.
    pub controller: Option<String>,
    /// Past this many seconds without a packet, a source backs no new risk.
    pub max_staleness_seconds: u64,
    /// Denom of the quote token on the target chain (settlement, premiums, fees, cash).
    pub quote_denom: String,
    /// Decimals of the quote denom (6 for USDC).
    pub quote_decimals: u8,
    pub risk: RiskParams,
}

#[cw_serde]
// A message is decoded once per call; boxing `RiskParams` would only make callers build a Box.
#[allow(clippy::large_enum_variant)]
pub enum ExecuteMsg {
    /// Register (or re-bind) a source chain's vault under a stable id (owner).
    RegisterSource {
        source_id: String,
        /// Connection on the target chain leading to the source chain.
        connection_id: String,
        /// The vault's port on the source chain.
        counterparty_port: String,
    },
    /// List or change a collateral asset of a source (risk manager). At most 8 assets per
    /// source.
    SetCollateralAsset { source_id: String, asset: AssetInfo, symbol: String, decimals: u8, enabled: bool },
    /// Bound the initial margin that one source's collateral backs across all accounts, its
    /// blast radius (risk manager; docs/protocol.md §6): at most
    /// `min(max_value, ⌊max_share × total⌋)`, `total` being the value of every source's usable
    /// collateral. Beyond it, each account's collateral from the source backs initial margin
    /// only in proportion; maintenance always counts all of it. `max_share = 1` with no
    /// `max_value` removes the cap.
    SetSourceCap {
        source_id: String,
        /// Largest share of the total, in (0, 1].
        max_share: Decimal,
        /// Largest value in quote base units; `None`: no absolute cap.
        max_value: Option<Uint128>,
    },
    /// Reserve collateral for a seize in flight (controller). Fails unless `amount` is
    /// usable (`reported - reserved`) on a fresh source.
    ReserveCollateral {
        reservation_id: u64,
        account: String,
        source_id: String,
        owner: String,
        asset: AssetInfo,
        amount: Uint128,
    },
    /// The seize succeeded: apply the vault's `(seq, available)` and drop the reservation
    /// (controller).
    ConsumeReservation { reservation_id: u64, seq: u64, available: Uint128 },
    /// The seize failed or timed out: drop the reservation (controller). Consume and release
    /// are also accepted from the controller that created the reservation after it was
    /// rotated out, so that its seizes in flight still settle.
    ReleaseReservation { reservation_id: u64 },
    /// Recovery for a reservation whose rotated-out controller will never settle it (owner):
    /// allowed once [`RESERVATION_EXPIRY_SECONDS`] passed since it was created, so its seize has
    /// surely timed out. The seize is assumed to have happened (`reported` is lowered by the
    /// amount: never over-counting); the next state the vault sends for the position, even
    /// one at the same `seq` (`SyncPosition`), is applied, which restores the truth.
    ExpireReservation { reservation_id: u64 },
    /// Change roles and limits (owner). `None` leaves a field unchanged.
    UpdateConfig {
        owner: Option<String>,
        risk_manager: Option<String>,
        guardian: Option<String>,
        controller: Option<String>,
        max_staleness_seconds: Option<u64>,
    },
    /// Pause (guardian or owner) or unpause (owner) new risk.
    SetPaused { paused: bool },
    /// Grant or revoke the price and vol feeder roles (owner).
    SetFeeder { address: String, price: bool, vol: bool },
    /// Freshness rules of a symbol (risk manager). Every underlying and every collateral
    /// symbol needs one before it can be priced.
    ConfigureSymbol(SymbolParams),
    /// Set a collateral asset's price symbol link and haircut vol (risk manager): the asset
    /// is valued at the symbol's spot; `vol` drives the latency haircut; `underlying` marks
    /// it as moving with that underlying in margin scenarios.
    SetCollateralRisk { source_id: String, asset: AssetInfo, vol: Decimal, underlying: Option<String> },
    /// Push spot prices (price feeder). A price older than the stored one is refused, and so
    /// is a push for a symbol priced by an oracle.
    PushPrices { prices: Vec<PriceInput> },
    /// Set where a configured symbol's spot comes from (risk manager): feeders (`Push`, the
    /// default) or an oracle read by `PullPrices` (docs/oracles.md).
    SetPriceSource {
        symbol: String,
        source: PriceSource,
        /// For an oracle source: a pulled point is accepted only if published at most this many
        /// seconds before the block (and at most this far ahead of it, recorded at the block's
        /// time), and it fixes a settlement price only within this many seconds after the
        /// expiry, so a puller cannot choose among older prices (1 to the symbol's
        /// `max_price_age_seconds`; default 10; docs/oracles.md).
        #[serde(default)]
        max_pull_age_seconds: Option<u64>,
    },
    /// Read the oracle of each symbol (1 to 32, each priced by an oracle) and store its price
    /// as a feeder push would (anyone may; the keepers do). A price refused by the checks
    /// fails the call; one not newer than the stored point is skipped (docs/oracles.md).
    PullPrices { symbols: Vec<String> },
    /// Push implied volatilities (vol feeder).
    PushVols { vols: Vec<VolInput> },
    /// Fallback settlement price, allowed only when no price arrived within the fallback
    /// window after expiry (risk manager).
    SetSettlementPrice { underlying: String, expiry: u64, price: Decimal },
    /// List a series (risk manager).
    ListSeries(SeriesParams),
    /// Change trading and margin parameters (risk manager).
    SetRiskParams(RiskParams),
    /// Deposit the attached quote tokens as cash of the sender's account.
    DepositCash {},
    /// Withdraw quote cash; the account must meet its initial margin afterwards.
    WithdrawCash { amount: Uint128 },
    /// Provide liquidity: the attached quote tokens buy pool shares at the entry NAV, at
    /// once when `lp_notice_seconds` is zero, otherwise as a request completed after the
    /// notice (see `CompletePoolRequest`).
    PoolDeposit {},
    /// Redeem pool shares at the exit NAV, paid from the pool's liquid cash; the pool must
    /// keep its own margin. At once or as a request, like `PoolDeposit`.
    PoolWithdraw { shares: Uint128 },
    /// Complete a pool request whose notice has passed (anyone may): a deposit mints at the
    /// higher of the entry NAVs per share at the request and now, a redemption pays the lower
    /// of its values at the request and now.
    CompletePoolRequest { request_id: u64 },
    /// The LP withdraws its own pending request: a deposit's tokens or a redemption's shares
    /// come back unchanged.
    CancelPoolRequest { request_id: u64 },
    /// Trade up to 16 legs against the pool, all or nothing. `max_cost` bounds what the
    /// account pays (premium + fees); a negative value is the minimum credit it accepts.
    Trade { legs: Vec<TradeLeg>, max_cost: Int128 },
    /// Settle an account's expired positions (anyone).
    SettleAccount { account: String },
    /// Settle up to `limit` holders of an expired series (anyone; a crank).
    SettleSeries { series_id: u64, limit: Option<u32> },
    /// Revalue the pool's positions on `underlying` at today's spot and vols, up to `limit`
    /// positions per call (anyone; a crank). The first call takes a new snapshot; the call that
    /// reaches the last position makes it the one new risk is checked against
    /// (docs/pool-risk.md).
    RefreshPoolRisk { underlying: String, limit: Option<u32> },
    /// Count the collateral that `owner` on `source_id` binds to the sender's account. An
    /// owner with the same key as the account is counted without this.
    AuthorizeOwner { source_id: String, owner: String },
    /// Stop counting an owner's collateral; the account must meet its initial margin after.
    RevokeOwner { source_id: String, owner: String },
    /// Close an account below maintenance margin against the pool, riskiest positions first,
    /// until it is back above initial margin or nothing is left (anyone; docs/protocol.md §7.1).
    Liquidate { account: String },
    /// Credit the attached quote tokens to `account`'s cash (anyone; repays debt).
    RepayDebt { account: String },
    /// Write off the debt of an account with no positions, no usable collateral and no seize
    /// in flight: the attached quote (the insurance fund's payment) first, the pool for the
    /// rest (controller; docs/protocol.md §7.3).
    AbsorbDebt { account: String },
}

#[cw_serde]
pub struct MigrateMsg {}

/// What the engine answers itself: what other contracts ask on chain (the controller reads
/// `Account` and `SeizeQuote` during a seize), the margin of an account, the keepers' list of
/// liquidatable accounts (through the lens each account would cost a query per storage range,
/// docs/architecture.md), and raw pages of its storage for the lens. Every other view is a query of the lens contract
/// (`crate::lens::QueryMsg`, docs/architecture.md "The lens"), which also answers these four.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(AccountResponse)]
    Account { account: String },
    #[returns(MarginResponse)]
    Margin { account: String },
    /// What a keeper's repayment of `repay` buys in one collateral position.
    #[returns(SeizeQuoteResponse)]
    SeizeQuote { account: String, source_id: String, owner: String, asset: AssetInfo, repay: Uint128 },
    /// Accounts below maintenance margin or in debt, examining at most `limit` accounts.
    #[returns(LiquidatableResponse)]
    Liquidatable { start_after: Option<String>, limit: Option<u32> },
    /// Raw entries of the engine's storage with `start <= key < end` (unbounded where absent),
    /// in key order or its reverse, at most `limit` (default and maximum [`RAW_RANGE_MAX`]).
    /// The lens reads the engine's state through this and `WasmQuery::Raw`; the storage is
    /// public on chain anyway.
    #[returns(RawRangeResponse)]
    RawRange { start: Option<Binary>, end: Option<Binary>, descending: bool, limit: Option<u32> },
}

/// Largest page of [`QueryMsg::RawRange`].
pub const RAW_RANGE_MAX: u32 = 100;

#[cw_serde]
pub struct RawRangeResponse {
    /// `(key, value)` pairs, in the order asked.
    pub entries: Vec<(Binary, Binary)>,
    /// No entry in the range beyond these: the reader stops here without asking again.
    pub complete: bool,
}

#[cw_serde]
pub struct AuthorizedOwnersResponse {
    pub account: String,
    pub owners: Vec<(String, String)>,
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub risk_manager: Addr,
    pub guardian: Addr,
    pub controller: Option<Addr>,
    pub max_staleness_seconds: u64,
    pub paused: bool,
    pub quote_denom: String,
    pub quote_decimals: u8,
}

#[cw_serde]
pub struct SourceResponse {
    pub source_id: String,
    pub connection_id: String,
    pub counterparty_port: String,
    /// Open collateral channel, if any.
    pub channel_id: Option<String>,
    /// Block time on the target chain of the last packet applied from this source (unix seconds).
    pub last_heard: Option<u64>,
    /// Seconds since `last_heard` (`None` if never heard).
    pub staleness_seconds: Option<u64>,
    /// Whether the source is fresh enough to back new risk.
    pub backs_new_risk: bool,
}

#[cw_serde]
pub struct SourcesResponse {
    pub sources: Vec<SourceResponse>,
}

#[cw_serde]
pub struct CollateralAssetResponse {
    pub source_id: String,
    pub asset: AssetInfo,
    pub symbol: String,
    pub decimals: u8,
    pub enabled: bool,
}

#[cw_serde]
pub struct CollateralAssetsResponse {
    pub assets: Vec<CollateralAssetResponse>,
}

#[cw_serde]
pub struct RemotePositionResponse {
    pub source_id: String,
    pub owner: String,
    /// `None` for a position never reported.
    pub account: Option<String>,
    pub asset: AssetInfo,
    /// Last `available` applied from the vault.
    pub reported: Uint128,
    /// Sum of seizes in flight against this position.
    pub reserved: Uint128,
    /// `reported - reserved`: what the engine counts.
    pub usable: Uint128,
    pub seq: u64,
    /// Block time on the target chain when `seq` was applied (unix seconds).
    pub updated_at: Option<u64>,
    /// Seconds since the source was last heard from.
    pub source_staleness_seconds: Option<u64>,
}

#[cw_serde]
pub struct AccountCollateralResponse {
    pub account: String,
    pub positions: Vec<RemotePositionResponse>,
}

#[cw_serde]
pub struct ReservationResponse {
    pub reservation_id: u64,
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    /// Unix seconds (block time).
    pub created_at: u64,
}

#[cw_serde]
pub struct ReservationsResponse {
    pub reservations: Vec<ReservationResponse>,
}
