//! The per-source health query (docs/protocol.md §6): what an operator watches to see how much
//! of the system's margin rests on each source chain and whether that chain is keeping up.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, Uint128};

use crate::asset::AssetInfo;

/// One listed collateral asset of a source, summed over every replicated position.
#[cw_serde]
pub struct SourceAssetHealth {
    pub asset: AssetInfo,
    /// `Σ reported`: the vault's last `available` of every position.
    pub reported: Uint128,
    /// `Σ reserved`: collateral set aside for seizes in flight.
    pub reserved: Uint128,
    /// `Σ usable`, each position's `reported − reserved` (never below zero).
    pub usable: Uint128,
    /// Value of `usable` for initial margin at current prices, before any cap, in quote base
    /// units: `⌊usable × price × (1 − haircut)⌋`; 0 when the source is stale, the asset is
    /// disabled or has no fresh price.
    pub value: Uint128,
}

#[cw_serde]
pub struct SourceHealthResponse {
    pub source_id: String,
    /// Open collateral channel, if any.
    pub channel_id: Option<String>,
    /// Block time on the target chain of the last packet applied from this source (unix seconds).
    pub last_heard: Option<u64>,
    /// Seconds since `last_heard` (`None` if never heard).
    pub staleness_seconds: Option<u64>,
    /// Past the maximum staleness, or never heard: its collateral backs no new risk.
    pub stale: bool,
    /// Open reservations against the source's positions (seizes in flight).
    pub seizes_in_flight: u32,
    /// Every listed asset of the source (at most 8).
    pub assets: Vec<SourceAssetHealth>,
    /// `Σ value` of the assets, in quote base units.
    pub raw_value: Uint128,
    /// `min(max_value, ⌊max_share × total⌋)`; `None` when the source is uncapped.
    pub limit: Option<Uint128>,
    /// The part of each account's collateral from this source that backs initial margin:
    /// `min(1, limit / (raw_value + n))`, `n` the number of assets with a non-zero value
    /// (rounding slack, docs/margin.md), rounded down; 1 when uncapped.
    pub factor: Decimal,
    /// `min(raw_value, limit)`: the most initial margin the source backs.
    pub counted_value: Uint128,
    /// `raw_value / total` (rounded down), 0 when the total is 0.
    pub share_of_total: Decimal,
    /// The source's cap: 1 when uncapped.
    pub max_share: Decimal,
    /// The source's absolute cap in quote base units, if any.
    pub max_value: Option<Uint128>,
}

#[cw_serde]
pub struct SourcesHealthResponse {
    /// Value of every source's usable collateral (`Σ raw_value` over all sources, not only
    /// this page).
    pub total_value: Uint128,
    pub sources: Vec<SourceHealthResponse>,
}
