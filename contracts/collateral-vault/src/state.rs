use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, StdResult, Storage, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::{AssetSettings, ChannelRole, Counterparty};

use crate::error::{ContractError, ContractResult};

#[cw_serde]
pub struct Config {
    pub admin: Addr,
    pub guardian: Addr,
    pub engine: Counterparty,
    pub controller: Counterparty,
    pub packet_timeout_seconds: u64,
    pub heartbeat_interval_seconds: u64,
    pub paused: bool,
}

pub const CONFIG: Item<Config> = Item::new("config");

/// Accepted asset and what the vault holds of it over all positions.
#[cw_serde]
pub struct AssetState {
    pub settings: AssetSettings,
    /// Sum of available + pending over all positions (invariant 1, docs/invariants.md).
    pub total: Uint128,
}

pub const ASSETS: Map<&str, AssetState> = Map::new("assets");

/// The target-chain account an owner's collateral backs.
#[cw_serde]
pub struct Binding {
    pub account: String,
    /// Positions of the owner with available + pending > 0.
    pub open_positions: u32,
}

pub const BINDINGS: Map<&Addr, Binding> = Map::new("bindings");

/// One `(owner, asset)` position. Records are never deleted, so that `seq` keeps growing
/// after a position is emptied and refilled (the engine ignores anything not newer).
#[cw_serde]
pub struct Position {
    pub owner: Addr,
    pub account: String,
    pub asset: AssetInfo,
    pub available: Uint128,
    pub pending: Uint128,
    pub seq: u64,
}

impl Position {
    pub fn held(&self) -> ContractResult<Uint128> {
        Ok(self.available.checked_add(self.pending)?)
    }
}

pub struct PositionIndexes<'a> {
    pub account: MultiIndex<'a, String, Position, (Addr, String)>,
}

impl IndexList<Position> for PositionIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Position>> + '_> {
        let v: Vec<&dyn Index<Position>> = vec![&self.account];
        Box::new(v.into_iter())
    }
}

pub fn positions<'a>() -> IndexedMap<(Addr, String), Position, PositionIndexes<'a>> {
    IndexedMap::new(
        "positions",
        PositionIndexes {
            account: MultiIndex::new(|_pk, p: &Position| p.account.clone(), "positions", "positions__account"),
        },
    )
}

pub const POSITION_COUNT: Item<u64> = Item::new("position_count");

/// A withdrawal waiting for the engine's acknowledgement.
#[cw_serde]
pub struct PendingWithdrawal {
    pub request_id: u64,
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub channel_id: String,
    pub requested_at: Timestamp,
}

pub struct WithdrawalIndexes<'a> {
    pub owner: MultiIndex<'a, Addr, PendingWithdrawal, u64>,
}

impl IndexList<PendingWithdrawal> for WithdrawalIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<PendingWithdrawal>> + '_> {
        let v: Vec<&dyn Index<PendingWithdrawal>> = vec![&self.owner];
        Box::new(v.into_iter())
    }
}

pub fn withdrawals<'a>() -> IndexedMap<u64, PendingWithdrawal, WithdrawalIndexes<'a>> {
    IndexedMap::new(
        "withdrawals",
        WithdrawalIndexes {
            owner: MultiIndex::new(|_pk, w: &PendingWithdrawal| w.owner.clone(), "withdrawals", "withdrawals__owner"),
        },
    )
}

pub const NEXT_REQUEST_ID: Item<u64> = Item::new("next_request_id");

/// A withdrawal once it stopped being pending: what the `Withdrawal` query reports. Written by
/// the ack, the timeout or the resolution that ends the request (and by a failed payout's
/// reply), one row per request ever decided.
#[cw_serde]
pub struct WithdrawalRecord {
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub requested_at: Timestamp,
    pub status: isthmus_protocol::vault::WithdrawalStatus,
    pub decided_at: Timestamp,
}

pub const WITHDRAWAL_RECORDS: Map<u64, WithdrawalRecord> = Map::new("withdrawal_records");

/// Every channel the vault ever connected, with its role.
#[cw_serde]
pub struct ChannelRecord {
    pub role: ChannelRole,
    pub connection_id: String,
    pub counterparty_port: String,
    pub open: bool,
}

pub const CHANNELS: Map<&str, ChannelRecord> = Map::new("channels");
/// The open channel of each role, if any.
pub const ENGINE_CHANNEL: Item<String> = Item::new("engine_channel");
pub const CONTROLLER_CHANNEL: Item<String> = Item::new("controller_channel");

pub const LAST_HEARTBEAT: Item<Timestamp> = Item::new("last_heartbeat");

/// A seize the vault executed (or tried to deliver), kept forever so that an id is used once.
#[cw_serde]
pub struct SeizeReceipt {
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub executed_at: Timestamp,
    /// Set once an ICS-20 delivery of this seize came back refunded (counted once).
    #[serde(default)]
    pub refunded: bool,
}

/// Seized collateral whose ICS-20 delivery the far chain refused and the transfer module
/// refunded to the vault, claimable by the delivery's receiver (signing here with the same key):
/// `(receiver, asset key)` -> amount.
pub const SEIZE_REFUNDS: Map<(&str, &str), Uint128> = Map::new("seize_refunds");
/// Per asset key, the sum of `SEIZE_REFUNDS`: held by the vault above its positions' books, and
/// never part of a sweepable surplus.
pub const SEIZE_REFUNDS_HELD: Map<&str, Uint128> = Map::new("seize_refunds_held");

/// Seizes received, by the sending controller `(connection_id, port_id)` and its seize id: a
/// second packet with an id already seen is refused (defence in depth; IBC itself never
/// delivers one packet twice, but a faulty controller could send the same id again).
pub const SEIZE_RECEIPTS: Map<(&str, &str, u64), SeizeReceipt> = Map::new("seize_receipts");

pub fn position_key(owner: &Addr, asset: &AssetInfo) -> (Addr, String) {
    (owner.clone(), asset.key())
}

pub fn load_asset(storage: &dyn Storage, asset: &AssetInfo) -> ContractResult<AssetState> {
    ASSETS.may_load(storage, &asset.key())?.ok_or_else(|| ContractError::UnknownAsset { asset: asset.to_string() })
}

pub fn engine_channel(storage: &dyn Storage) -> ContractResult<String> {
    ENGINE_CHANNEL.may_load(storage)?.ok_or(ContractError::NoEngineChannel)
}

pub use isthmus_protocol::page_limit;

pub fn next_request_id(storage: &mut dyn Storage) -> StdResult<u64> {
    let id = NEXT_REQUEST_ID.may_load(storage)?.unwrap_or(1);
    let next = id.checked_add(1).ok_or_else(|| cosmwasm_std::StdError::generic_err("request id space exhausted"))?;
    NEXT_REQUEST_ID.save(storage, &next)?;
    Ok(id)
}
