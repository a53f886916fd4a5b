//! The vault's state, in the compact encoding of `isthmus-store` (docs/storage.md): each
//! struct's fields in the order of its `codec_struct!` line. Changing an order or a field is a
//! storage migration.

use cosmwasm_std::{Addr, StdResult, Storage, Timestamp, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::{AssetSettings, ChannelRole, Counterparty};
use isthmus_store::{codec_struct, Cell, Table};

use crate::error::{ContractError, ContractResult};

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub admin: Addr,
    pub guardian: Addr,
    pub engine: Counterparty,
    pub controller: Counterparty,
    pub packet_timeout_seconds: u64,
    pub heartbeat_interval_seconds: u64,
    pub paused: bool,
}

codec_struct!(Config {
    admin,
    guardian,
    engine,
    controller,
    packet_timeout_seconds,
    heartbeat_interval_seconds,
    paused
});

pub const CONFIG: Cell<Config> = Cell::new("config");

/// Accepted asset and what the vault holds of it over all positions.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetState {
    pub settings: AssetSettings,
    /// Sum of available + pending over all positions (invariant 1, docs/invariants.md).
    pub total: Uint128,
}

codec_struct!(AssetState { settings, total });

pub const ASSETS: Table<&str, AssetState> = Table::new("assets");

/// The target-chain account an owner's collateral backs.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub account: String,
    /// Positions of the owner with available + pending > 0.
    pub open_positions: u32,
}

codec_struct!(Binding { account, open_positions });

pub const BINDINGS: Table<&Addr, Binding> = Table::new("bindings");

/// One `(owner, asset)` position. Records are never deleted, so that `seq` keeps growing
/// after a position is emptied and refilled (the engine ignores anything not newer).
#[derive(Clone, Debug, PartialEq)]
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

codec_struct!(Position { owner, account, asset, available, pending, seq });

/// `(owner, asset key)` -> position. Written only by `book.rs::apply`, with the account index.
pub const POSITIONS: Table<(&Addr, &str), Position> = Table::new("positions");
/// `(account, (owner, asset key))` -> (): the positions backing each target-chain account, for
/// the `PositionsByAccount` query. Written by `book.rs::apply` when a position's account changes.
pub const POSITIONS_BY_ACCOUNT: Table<(&str, (&Addr, &str)), ()> = Table::new("positions__account");

pub const POSITION_COUNT: Cell<u64> = Cell::new("position_count");

/// A withdrawal waiting for the engine's acknowledgement.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingWithdrawal {
    pub request_id: u64,
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub channel_id: String,
    pub requested_at: Timestamp,
}

codec_struct!(PendingWithdrawal { request_id, owner, asset, amount, channel_id, requested_at });

/// Request id -> pending withdrawal. Written only by [`open_withdrawal`] and
/// [`close_withdrawal`], with the owner index.
pub const WITHDRAWALS: Table<u64, PendingWithdrawal> = Table::new("withdrawals");
/// `(owner, request id)` -> (): each owner's pending withdrawals.
pub const WITHDRAWALS_BY_OWNER: Table<(&Addr, u64), ()> = Table::new("withdrawals__owner");

pub const NEXT_REQUEST_ID: Cell<u64> = Cell::new("next_request_id");

/// A withdrawal once it stopped being pending: what the `Withdrawal` query reports. Written by
/// the ack, the timeout or the resolution that ends the request (and by a failed payout's
/// reply), one row per request ever decided.
#[derive(Clone, Debug, PartialEq)]
pub struct WithdrawalRecord {
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub requested_at: Timestamp,
    pub status: isthmus_protocol::vault::WithdrawalStatus,
    pub decided_at: Timestamp,
}

codec_struct!(WithdrawalRecord { owner, asset, amount, requested_at, status, decided_at });

pub const WITHDRAWAL_RECORDS: Table<u64, WithdrawalRecord> = Table::new("withdrawal_records");

/// Every channel the vault ever connected, with its role.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelRecord {
    pub role: ChannelRole,
    pub connection_id: String,
    pub counterparty_port: String,
    pub open: bool,
}

codec_struct!(ChannelRecord { role, connection_id, counterparty_port, open });

pub const CHANNELS: Table<&str, ChannelRecord> = Table::new("channels");
/// The open channel of each role, if any.
pub const ENGINE_CHANNEL: Cell<String> = Cell::new("engine_channel");
pub const CONTROLLER_CHANNEL: Cell<String> = Cell::new("controller_channel");

pub const LAST_HEARTBEAT: Cell<Timestamp> = Cell::new("last_heartbeat");

/// A seize the vault executed (or tried to deliver), kept forever so that an id is used once.
#[derive(Clone, Debug, PartialEq)]
pub struct SeizeReceipt {
    pub owner: Addr,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub executed_at: Timestamp,
    /// Set once an ICS-20 delivery of this seize came back refunded (counted once).
    pub refunded: bool,
}
codec_struct!(SeizeReceipt { owner, asset, amount, executed_at, refunded });

/// Seized collateral whose ICS-20 delivery the far chain refused and the transfer module
/// refunded to the vault, claimable by the delivery's receiver (signing here with the same key):
/// `(receiver, asset key)` -> amount.
pub const SEIZE_REFUNDS: Table<(&str, &str), Uint128> = Table::new("seize_refunds");
/// Per asset key, the sum of `SEIZE_REFUNDS`: held by the vault above its positions' books, and
/// never part of a sweepable surplus.
pub const SEIZE_REFUNDS_HELD: Table<&str, Uint128> = Table::new("seize_refunds_held");

/// Seizes received, by the sending controller `(connection_id, port_id)` and its seize id: a
/// second packet with an id already seen is refused (defence in depth; IBC itself never
/// delivers one packet twice, but a faulty controller could send the same id again).
pub const SEIZE_RECEIPTS: Table<(&str, &str, u64), SeizeReceipt> = Table::new("seize_receipts");

pub fn position_key(owner: &Addr, asset: &AssetInfo) -> (Addr, String) {
    (owner.clone(), asset.key())
}

/// The stored position of `(owner, asset key)`, if any.
pub fn load_position(storage: &dyn Storage, key: &(Addr, String)) -> StdResult<Option<Position>> {
    POSITIONS.may_load(storage, (&key.0, key.1.as_str()))
}

pub fn load_asset(storage: &dyn Storage, asset: &AssetInfo) -> ContractResult<AssetState> {
    ASSETS.may_load(storage, &asset.key())?.ok_or_else(|| ContractError::UnknownAsset { asset: asset.to_string() })
}

/// A withdrawal request becomes pending.
pub fn open_withdrawal(storage: &mut dyn Storage, withdrawal: &PendingWithdrawal) -> StdResult<()> {
    WITHDRAWALS.save(storage, withdrawal.request_id, withdrawal)?;
    WITHDRAWALS_BY_OWNER.save(storage, (&withdrawal.owner, withdrawal.request_id), &())
}

/// A pending withdrawal is decided (its record is written by the caller).
pub fn close_withdrawal(storage: &mut dyn Storage, withdrawal: &PendingWithdrawal) {
    WITHDRAWALS.remove(storage, withdrawal.request_id);
    WITHDRAWALS_BY_OWNER.remove(storage, (&withdrawal.owner, withdrawal.request_id));
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
