use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use isthmus_protocol::asset::AssetInfo;
use isthmus_source_registry::SourceRegistry;

use crate::error::ContractResult;

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub risk_manager: Addr,
    pub guardian: Addr,
    pub controller: Option<Addr>,
    pub max_staleness_seconds: u64,
    pub paused: bool,
}

pub const CONFIG: Item<Config> = Item::new("config");

/// The engine's state of a registered source (DESIGN §1): when it last heard from it.
#[cw_serde]
#[derive(Default)]
pub struct SourceState {
    /// Target-chain time of the last packet applied from this source.
    pub last_heard: Option<Timestamp>,
}

impl SourceState {
    pub fn staleness_seconds(&self, now: Timestamp) -> Option<u64> {
        self.last_heard.map(|t| now.seconds().saturating_sub(t.seconds()))
    }
}

/// Vaults on source chains, each under a stable id bound to its connection and port, so
/// that a re-opened channel keeps the same identity.
pub const SOURCES: SourceRegistry<SourceState> = SourceRegistry::new();
pub type Source = isthmus_source_registry::Source<SourceState>;

#[cw_serde]
pub struct CollateralAsset {
    pub asset: AssetInfo,
    pub symbol: String,
    pub decimals: u8,
    pub enabled: bool,
}

pub const COLLATERAL_ASSETS: Map<(&str, &str), CollateralAsset> = Map::new("collateral_assets");

/// The engine's replica of one vault position.
#[cw_serde]
pub struct RemotePosition {
    pub source_id: String,
    pub owner: String,
    pub account: String,
    pub asset: AssetInfo,
    /// Last `available` applied from the vault.
    pub reported: Uint128,
    /// Sum of seizes in flight.
    pub reserved: Uint128,
    pub seq: u64,
    pub updated_at: Timestamp,
}

impl RemotePosition {
    /// What the engine counts: `reported - reserved` (DESIGN §4), never below zero.
    pub fn usable(&self) -> Uint128 {
        self.reported.saturating_sub(self.reserved)
    }
}

pub type RemoteKey = (String, String, String);

pub fn remote_key(source_id: &str, owner: &str, asset: &AssetInfo) -> RemoteKey {
    (source_id.to_string(), owner.to_string(), asset.key())
}

pub struct RemoteIndexes<'a> {
    pub account: MultiIndex<'a, String, RemotePosition, RemoteKey>,
}

impl IndexList<RemotePosition> for RemoteIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<RemotePosition>> + '_> {
        let v: Vec<&dyn Index<RemotePosition>> = vec![&self.account];
        Box::new(v.into_iter())
    }
}

pub fn remote_positions<'a>() -> IndexedMap<RemoteKey, RemotePosition, RemoteIndexes<'a>> {
    IndexedMap::new(
        "remote",
        RemoteIndexes {
            account: MultiIndex::new(|_pk, p: &RemotePosition| p.account.clone(), "remote", "remote__account"),
        },
    )
}

/// Collateral set aside for a seize in flight.
#[cw_serde]
pub struct Reservation {
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub created_at: Timestamp,
}

pub const RESERVATIONS: Map<u64, Reservation> = Map::new("reservations");

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 30;

pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

pub fn load_source(storage: &dyn cosmwasm_std::Storage, source_id: &str) -> ContractResult<Source> {
    Ok(SOURCES.load(storage, source_id)?)
}

pub mod market;
