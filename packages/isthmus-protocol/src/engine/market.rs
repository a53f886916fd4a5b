//! Options-market types of the engine: oracle inputs, series, trades, accounts, pool, margin.
//!
//! Units: prices and strikes are quote per whole underlying unit (`Decimal`); contract sizes
//! are whole underlying units per contract; quote amounts are base units of the quote denom
//! (`Uint128`, or `Int128` where a sign is meaningful: cash below zero is debt); times are
//! unix seconds.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, Int128, SignedDecimal, Uint128};

/// European, cash-settled.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum OptionKind {
    Call,
    Put,
}

impl OptionKind {
    /// The kind as its JSON writes it (`call`, `put`): for event attributes, without the
    /// formatting machinery and Unicode case tables a `Debug` + `to_lowercase` pulls in.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionKind::Call => "call",
            OptionKind::Put => "put",
        }
    }
}

/// How fresh a symbol's oracle data must be.
#[cw_serde]
pub struct SymbolParams {
    pub symbol: String,
    /// Oldest spot price accepted for new risk (trades that add risk, withdrawals).
    pub max_price_age_seconds: u64,
    /// Oldest spot price accepted for closing, liquidation, settlement fallback and margin
    /// views (looser, so that a slow feeder never blocks reducing risk).
    pub lenient_price_age_seconds: u64,
    /// Oldest implied volatility accepted for new risk.
    pub max_vol_age_seconds: u64,
    /// Most net delta (whole units of this underlying, either sign) the pool may carry over
    /// all its series on this underlying; trades that push it further are refused.
    pub max_pool_delta: Decimal,
}

#[cw_serde]
pub struct PriceInput {
    pub symbol: String,
    /// Quote per whole unit.
    pub price: Decimal,
    pub publish_time: u64,
}

#[cw_serde]
pub struct VolInput {
    pub underlying: String,
    pub expiry: u64,
    /// Annualized implied volatility (0.6 = 60%).
    pub vol: Decimal,
    pub publish_time: u64,
}

#[cw_serde]
pub struct SeriesParams {
    pub underlying: String,
    pub strike: Decimal,
    pub expiry: u64,
    pub kind: OptionKind,
    /// Whole underlying units per contract.
    pub contract_size: Decimal,
    /// Most contracts outstanding (longs held by traders, or shorts) at once.
    pub open_interest_cap: Uint128,
}

/// Trading and margin parameters (risk manager). See docs/margin.md for the method.
#[cw_serde]
pub struct RiskParams {
    /// Fraction of the mark added for buyers and taken from sellers (0.01 = 1%).
    pub spread: Decimal,
    /// Continuously compounded rate used in pricing.
    pub rate: Decimal,
    /// Largest |quantity| of one leg, in contracts.
    pub max_leg_quantity: u64,
    /// Initial margin = maintenance basis x this factor (>= 1).
    pub initial_margin_factor: Decimal,
    /// Relative spot moves of the scenario grid (-0.15 = spot x 0.85); each is combined with
    /// a vol shock down, none and up.
    pub spot_moves: Vec<SignedDecimal>,
    /// Vol points added (up) and removed (down) at the reference days to expiry.
    pub vol_shock_up: Decimal,
    pub vol_shock_down: Decimal,
    /// p of the term scaling (reference_days / days_to_expiry)^p.
    pub vol_shock_exponent: Decimal,
    pub vol_shock_reference_days: u64,
    /// Floor on days to expiry in the term scaling.
    pub min_days_to_expiry: u64,
    /// A down shock never takes a vol below min(vol, min_vol).
    pub min_vol: Decimal,
    /// Maintenance floor per net short contract, as a fraction of spot x contract size.
    pub short_floor: Decimal,
    /// Haircut base of remote collateral (fraction).
    pub haircut_base: Decimal,
    /// z of the latency haircut `z * vol * sqrt((staleness + seize_latency) / year)`.
    pub haircut_z: Decimal,
    /// Expected time to complete a seize across the channel, seconds.
    pub seize_latency_seconds: u64,
    /// Seconds after expiry after which the risk manager may set a settlement price.
    pub settlement_fallback_seconds: u64,
    /// Penalty of a position liquidation, as a fraction of the mark of what is closed.
    pub liquidation_penalty: Decimal,
    /// Share of the penalty paid to the caller of `Liquidate`; the rest funds the insurance
    /// fund held by the controller.
    pub liquidator_share: Decimal,
    /// Bonus a keeper receives on seized collateral: it seizes `repay x (1 + bonus)` worth.
    pub liquidation_bonus: Decimal,
    /// Notice an LP gives before a deposit or a redemption takes effect, in seconds; it is
    /// then priced at the worse for the LP of the NAV at the request and at completion, so
    /// nobody can buy in before a known price move and leave after it (docs/solvency.md).
    /// Zero: deposits and redemptions take effect at once. Default: one hour.
    #[serde(default = "default_lp_notice_seconds")]
    pub lp_notice_seconds: u64,
    /// Tail moves beyond `spot_moves` for gap risk (docs/margin.md), evaluated with volatility
    /// up and counted at `tail_weight`; at most 8. Default: -50% and +50%.
    #[serde(default = "default_tail_moves")]
    pub tail_moves: Vec<SignedDecimal>,
    /// Weight of a tail scenario's loss, in [0, 1]. Default: 1/3.
    #[serde(default = "default_tail_weight")]
    pub tail_weight: Decimal,
    /// The pool's risk is kept per underlying at a snapshot of the market (docs/pool-risk.md);
    /// new risk is refused while a snapshot is older than this. Default: 30 minutes. A
    /// non-zero `lp_notice_seconds` must be longer, so that an LP request and its completion
    /// are never priced off the same snapshot.
    #[serde(default = "default_pool_risk_max_age_seconds")]
    pub pool_risk_max_age_seconds: u64,
    /// ...or while the spot has moved by more than this fraction since it. Default: 2%.
    #[serde(default = "default_pool_risk_max_spot_move")]
    pub pool_risk_max_spot_move: Decimal,
    /// ...or while the vol of an expiry it holds has moved by more than this (vol points as a
    /// fraction: 0.05 = 5 points). Default: 0.05.
    #[serde(default = "default_pool_risk_max_vol_move")]
    pub pool_risk_max_vol_move: Decimal,
}

fn default_lp_notice_seconds() -> u64 {
    3600
}

fn default_tail_moves() -> Vec<SignedDecimal> {
    vec![SignedDecimal::percent(-50), SignedDecimal::percent(50)]
}

fn default_tail_weight() -> Decimal {
    Decimal::from_ratio(1u128, 3u128)
}

fn default_pool_risk_max_age_seconds() -> u64 {
    1800
}

fn default_pool_risk_max_spot_move() -> Decimal {
    Decimal::percent(2)
}

fn default_pool_risk_max_vol_move() -> Decimal {
    Decimal::percent(5)
}

/// An LP's deposit or redemption waiting for its notice to pass.
#[cw_serde]
pub enum PoolRequestKind {
    /// `amount` quote tokens held by the engine (not yet the pool's), priced at the request
    /// at `nav_entry` over `total_shares`.
    Deposit { amount: Uint128, nav_entry: Int128, total_shares: Uint128 },
    /// `shares` taken from the LP's balance (still outstanding), worth `value` at the request.
    Redemption { shares: Uint128, value: Uint128 },
}

#[cw_serde]
pub struct PoolRequest {
    pub request_id: u64,
    pub lp: String,
    pub kind: PoolRequestKind,
    /// Requested at, and completable from (target-chain seconds).
    pub requested_at: u64,
    pub ready_at: u64,
}

#[cw_serde]
pub struct PoolRequestsResponse {
    pub requests: Vec<PoolRequest>,
}

#[cw_serde]
pub struct TradeLeg {
    pub series_id: u64,
    /// Contracts; positive buys from the pool, negative sells to it.
    pub quantity: i64,
}

#[cw_serde]
pub struct PriceResponse {
    pub symbol: String,
    pub price: Decimal,
    pub publish_time: u64,
    pub age_seconds: u64,
    /// Fresh enough for new risk.
    pub fresh: bool,
    /// Where the symbol's price comes from (docs/oracles.md).
    pub source: PriceSource,
}

#[cw_serde]
pub struct VolResponse {
    pub underlying: String,
    pub expiry: u64,
    pub vol: Decimal,
    pub publish_time: u64,
}

#[cw_serde]
pub struct SettlementPriceResponse {
    pub underlying: String,
    pub expiry: u64,
    pub price: Option<Decimal>,
}

#[cw_serde]
pub struct SeriesResponse {
    pub series_id: u64,
    pub params: SeriesParams,
    /// Contracts the traders hold long (= the pool's short), and short.
    pub open_long: Uint128,
    pub open_short: Uint128,
    pub expired: bool,
    /// Expired, settled and nothing open: no longer counts against the live-series limit (a
    /// settlement crank skips it).
    pub retired: bool,
    /// Mark, bid/ask and greeks of one contract; none while the underlying has no price (or,
    /// before expiry, no vol).
    pub quote: Option<super::views::SeriesQuote>,
}

#[cw_serde]
pub struct SeriesListResponse {
    pub series: Vec<SeriesResponse>,
}

#[cw_serde]
pub struct PositionView {
    pub series_id: u64,
    pub quantity: i64,
    /// Mark value of the position, quote base units (negative for shorts).
    pub mark_value: Int128,
}

#[cw_serde]
pub struct AccountResponse {
    pub account: String,
    /// Quote cash; negative is debt.
    pub cash: Int128,
    /// Owed to the account by the pool and not paid yet: the part of a settlement or liquidation
    /// credit the pool's free cash could not cover. It counts like cash for margin; it is paid
    /// (becomes cash) when the account is next settled and the pool has the tokens, and it pays
    /// down a debt of the account at once.
    pub claim: Uint128,
    pub positions: Vec<PositionView>,
}

/// An account's margin view, quote base units.
#[cw_serde]
pub struct MarginResponse {
    pub account: String,
    pub cash: Int128,
    /// Owed to the account by the pool (see `AccountResponse::claim`); counted like cash.
    pub claim: Uint128,
    /// Haircut value of collateral (remote and replicated), for new risk.
    pub collateral_value: Uint128,
    /// Collateral value counted for maintenance (stale sources still count here).
    pub collateral_value_maintenance: Uint128,
    /// The marks of the account's net short series (≤ 0). Long options are not counted here:
    /// they offset the scenario losses in the margin instead.
    pub positions_value: Int128,
    /// cash + claim + collateral_value_maintenance + positions_value: judged against the
    /// maintenance margin (liquidation).
    pub equity: Int128,
    /// cash + claim + collateral_value + positions_value: judged against the initial margin (new
    /// risk and withdrawals).
    pub equity_initial: Int128,
    pub initial_margin: Uint128,
    pub maintenance_margin: Uint128,
    /// Description of the worst scenario (e.g. "spot -15%, vol +").
    pub worst_scenario: String,
    pub liquidatable: bool,
}

#[cw_serde]
pub struct SimulateTradeResponse {
    /// Premium paid (positive) or received (negative), before fees.
    pub premium: Int128,
    pub fees: Uint128,
    /// premium + fees: what the account's cash changes by, negated.
    pub total_cost: Int128,
    pub margin_before: MarginResponse,
    /// The margin after the trade (equal to `margin_before` when the legs cannot be planned).
    pub margin_after: MarginResponse,
    /// Whether the account meets its initial margin after the trade.
    pub meets_initial_margin: bool,
    /// Whether the signed trade would execute now.
    pub accepted: bool,
    /// The error the signed trade would return (its exact message), if it would be refused.
    pub refusal: Option<String>,
}

#[cw_serde]
pub struct PoolResponse {
    /// Book cash: liquid cash plus the receivable (quote base units).
    pub cash: Int128,
    /// `cash - receivable`: the pool's part of the tokens the engine holds. Claims are paid
    /// from it.
    pub liquid_cash: Int128,
    /// Sum of every account's debt, all owed to the pool.
    pub receivable: Uint128,
    /// Sum of every account's claim: owed by the pool, paid before anything else.
    pub claims: Uint128,
    /// `liquid_cash - claims`: what LP withdrawals and the premiums the pool pays come from,
    /// and what its margin and NAV count.
    pub free_cash: Int128,
    pub total_shares: Uint128,
    /// Exit NAV: free cash + mark value of the pool's positions (rounded down); shares are
    /// redeemed at it.
    pub nav: Int128,
    /// Entry NAV: book cash (receivables at face value) - claims + positions (rounded up);
    /// shares are issued at it.
    pub nav_entry: Int128,
    pub maintenance_margin: Uint128,
}

/// The pool's risk on one underlying (docs/pool-risk.md). Money in quote base units.
#[cw_serde]
pub struct PoolRiskResponse {
    pub underlying: String,
    /// Counts the underlying's snapshots.
    pub generation: u32,
    /// When the snapshot was taken and the spot it values every position at.
    pub snapshot_time: u64,
    pub snapshot_spot: String,
    /// The pool's non-zero positions on the underlying.
    pub positions: u32,
    /// Why new risk is refused until a refresh, if it is.
    pub stale: Option<String>,
    /// A refresh is in progress; positions up to this series id are revalued.
    pub refreshing: bool,
    pub refresh_cursor: Option<u64>,
    pub short_mark: Int128,
    pub long_mark: Int128,
    pub short_floor: Int128,
    /// The pool's loss in each scenario of the grid, before tail weighting.
    pub scenario_losses: Vec<Int128>,
    /// Net delta in whole units of the underlying.
    pub net_delta: String,
    /// Earliest expiry after the snapshot among the positions counted; a refresh is needed
    /// once it passes.
    pub next_expiry: Option<u64>,
}

#[cw_serde]
pub struct LpResponse {
    pub address: String,
    pub shares: Uint128,
    /// Share of NAV, rounded down.
    pub value: Uint128,
}

/// What a keeper's repayment buys at the collateral's oracle price.
#[cw_serde]
pub struct SeizeQuoteResponse {
    /// The account's debt (positive), quote base units.
    pub debt: Uint128,
    /// Collateral to seize, base units of the asset: `floor(repay x (1 + bonus) / price)`.
    pub amount: Uint128,
    /// The asset's oracle price, quote per whole unit.
    pub price: Decimal,
    /// What the engine counts as usable in that position now.
    pub usable: Uint128,
}

#[cw_serde]
pub struct LiquidatableAccount {
    pub account: String,
    pub equity: Int128,
    pub maintenance_margin: Uint128,
    pub cash: Int128,
}

#[cw_serde]
pub struct LiquidatableResponse {
    pub accounts: Vec<LiquidatableAccount>,
    /// Accounts examined whose margin could not be evaluated now (for example no usable price
    /// of an underlying they hold): a keeper should look at them rather than assume they are
    /// healthy.
    pub unevaluated: Vec<String>,
    /// Where to continue (the last account examined), if more remain.
    pub next_start_after: Option<String>,
}

/// One position closed by a liquidation.
#[cw_serde]
pub struct ClosedPosition {
    pub series_id: u64,
    /// The quantity the account held (closed entirely).
    pub quantity: i64,
    /// Paid by the account to close it (negative: received), quote base units.
    pub premium: Int128,
    pub penalty: Uint128,
}

/// A position liquidation, as recorded by the engine.
#[cw_serde]
pub struct LiquidationRecord {
    pub liquidation_id: u64,
    pub account: String,
    pub liquidator: String,
    /// Riskiest first, in the order closed.
    pub closed: Vec<ClosedPosition>,
    /// Charged: `reward + insurance`, plus what was taken from a claim the liquidation created
    /// when the pool could not pay the close in tokens (the pool keeps that part).
    pub penalties: Uint128,
    /// Paid to the liquidator's cash.
    pub reward: Uint128,
    /// Sent to the insurance fund.
    pub insurance: Uint128,
    /// The account's cash afterwards (negative: debt).
    pub cash_after: Int128,
    /// Unix seconds.
    pub time: u64,
}

#[cw_serde]
pub struct LiquidationsResponse {
    pub liquidations: Vec<LiquidationRecord>,
}

/// Where a symbol's spot price comes from (docs/oracles.md). Every source writes the same
/// price book: feeders through `PushPrices`, oracles through `PullPrices`.
#[cw_serde]
pub enum PriceSource {
    /// Price feeders push it (every symbol's source until the risk manager sets another).
    Push,
    /// The Pyth CosmWasm contract at `contract`, feed `price_feed_id` (64 hex characters,
    /// without `0x`). A price whose confidence interval is wider than `max_confidence_bps`
    /// of the price (1 to 2,000, so at most 20%) is refused.
    Pyth { contract: String, price_feed_id: String, max_confidence_bps: u32 },
    /// The chain's Slinky / Connect `x/oracle` module, pair `currency_pair` ("BASE/QUOTE",
    /// e.g. "ATOM/USD"), through the gRPC query of `api`.
    Slinky { currency_pair: String, api: SlinkyApi },
}

/// Which `x/oracle` query a chain serves (docs/oracles.md).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum SlinkyApi {
    /// `/slinky.oracle.v1.Query/GetPrice`, the pair as `CurrencyPair { base, quote }`.
    SlinkyV1,
    /// `/connect.oracle.v2.Query/GetPrice`, the pair as the string "BASE/QUOTE".
    ConnectV2,
}

impl SlinkyApi {
    /// The API as its JSON writes it (`slinky_v1`, `connect_v2`), for event attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            SlinkyApi::SlinkyV1 => "slinky_v1",
            SlinkyApi::ConnectV2 => "connect_v2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OptionKind, SlinkyApi};
    use crate::vault::ChannelRole;

    /// The names events carry are the names the JSON of the messages carries.
    #[test]
    fn event_names_are_the_json_names() {
        for kind in [OptionKind::Call, OptionKind::Put] {
            assert_eq!(cosmwasm_std::to_json_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        for api in [SlinkyApi::SlinkyV1, SlinkyApi::ConnectV2] {
            assert_eq!(cosmwasm_std::to_json_string(&api).unwrap(), format!("\"{}\"", api.as_str()));
        }
        for role in [ChannelRole::Collateral, ChannelRole::Seize] {
            assert_eq!(cosmwasm_std::to_json_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
    }
}
