//! The engine's state. Values are stored in the compact encoding of `isthmus-store`
//! (docs/storage.md): each type's layout is its field order in the `codec_struct!` below it.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_source_registry::SourceRegistry;
use isthmus_store::{codec_struct, Cell, Table};

use crate::error::ContractResult;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub owner: Addr,
    pub risk_manager: Addr,
    pub guardian: Addr,
    pub controller: Option<Addr>,
    pub max_staleness_seconds: u64,
    pub paused: bool,
    /// Sources with an exposure cap in [`SOURCE_CAPS`]. Kept here, in the item every margin
    /// evaluation loads anyway, so that an engine without caps reads nothing more
    /// (docs/protocol.md §6, "Per-source exposure cap").
    pub capped_sources: u32,
}
codec_struct!(Config { owner, risk_manager, guardian, controller, max_staleness_seconds, paused, capped_sources });

pub const CONFIG: Cell<Config> = Cell::new("config");

/// Most sources the engine registers: the per-source cap values every source's collateral
/// in one margin evaluation, so the set must be bounded.
pub const MAX_SOURCES: usize = 16;
/// Most collateral assets listed per source (same reason).
pub const MAX_ASSETS_PER_SOURCE: usize = 8;

/// A source's exposure cap (docs/protocol.md §6): its collateral may back at most
/// `min(max_value, ⌊max_share × total⌋)` of initial margin across all accounts. Stored only for
/// capped sources; an absent entry is `max_share = 1`, `max_value = None` (no cap).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceCap {
    /// Largest share, in (0, 1], of the value of every source's usable collateral.
    pub max_share: cosmwasm_std::Decimal,
    /// Largest value in quote base units; `None`: no absolute cap.
    pub max_value: Option<Uint128>,
}
codec_struct!(SourceCap { max_share, max_value });

pub const SOURCE_CAPS: Table<&str, SourceCap> = Table::new("source_caps");

/// The engine's state of a registered source (docs/protocol.md §1): when it last heard from it.
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

#[derive(Clone, Debug, PartialEq)]
pub struct CollateralAsset {
    pub asset: AssetInfo,
    pub symbol: String,
    pub decimals: u8,
    pub enabled: bool,
}
codec_struct!(CollateralAsset { asset, symbol, decimals, enabled });

pub const COLLATERAL_ASSETS: Table<(&str, &str), CollateralAsset> = Table::new("collateral_assets");

/// The engine's replica of one vault position.
#[derive(Clone, Debug, PartialEq)]
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
    /// Set when an expired reservation lowered `reported` on the assumption that its seize
    /// happened: the next vault state with `seq >= self.seq` is applied (at an equal `seq` the
    /// seize did not happen, since a seize bumps the vault's `seq`).
    pub unconfirmed: bool,
}
codec_struct!(RemotePosition { source_id, owner, account, asset, reported, reserved, seq, updated_at, unconfirmed });

impl RemotePosition {
    /// Whether a vault state at `seq` replaces the replica: only a newer one, or the same one
    /// while the replica is unconfirmed.
    pub fn accepts(&self, seq: u64) -> bool {
        seq > self.seq || (seq == self.seq && self.unconfirmed)
    }

    /// What the engine counts: `reported - reserved` (docs/protocol.md §4), never below zero.
    pub fn usable(&self) -> Uint128 {
        self.reported.saturating_sub(self.reserved)
    }
}

pub type RemoteKey = (String, String, String);

pub fn remote_key(source_id: &str, owner: &str, asset: &AssetInfo) -> RemoteKey {
    (source_id.to_string(), owner.to_string(), asset.key())
}

/// Replicated vault positions by `(source_id, owner, asset key)`; written only by
/// `remote_book::save`, which also keeps [`REMOTE_BY_ACCOUNT`].
pub const REMOTE_POSITIONS: Table<RemoteKey, RemotePosition> = Table::new("remote");
/// `(account, position key)` -> (): the positions bound to each account (for the account's
/// collateral list); written only by `remote_book::save`.
pub const REMOTE_BY_ACCOUNT: Table<(String, RemoteKey), ()> = Table::new("remote__account");

/// Collateral set aside for a seize in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct Reservation {
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub created_at: Timestamp,
    /// The controller that created it.
    pub controller: Option<Addr>,
}
codec_struct!(Reservation { account, source_id, owner, asset, amount, created_at, controller });

pub const RESERVATIONS: Table<u64, Reservation> = Table::new("reservations");

/// A withdrawal the engine approved, kept so that it can answer a vault whose channel closed
/// before the approval's acknowledgement came back (`withdraw_outcome_query`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApprovedWithdrawal {
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub approved_at: Timestamp,
}
codec_struct!(ApprovedWithdrawal { owner, asset, amount, approved_at });

/// Approved withdrawals by `(source_id, request_id)` (request ids are unique per vault, and a
/// source id names one vault for good once it has positions).
pub const APPROVED_WITHDRAWALS: Table<(&str, u64), ApprovedWithdrawal> = Table::new("approved_withdrawals");

pub use isthmus_protocol::page_limit;

pub fn load_source(storage: &dyn cosmwasm_std::Storage, source_id: &str) -> ContractResult<Source> {
    Ok(SOURCES.load(storage, source_id)?)
}

pub mod market;
pub mod pool_risk;

#[cfg(test)]
mod layout_tests;

/// Source-chain owners whose collateral an account counts: `(account, source_id, owner)`.
/// Anyone can bind their own vault position to any account, so the account must consent
/// before it counts (otherwise dust positions could crowd out its real collateral). An owner
/// with the same key as the account (same bech32 payload) is authorized automatically.
pub const AUTHORIZED_OWNERS: Table<(&str, &str, &str), ()> = Table::new("authorized_owners");
pub const AUTHORIZED_COUNT: Table<&str, u32> = Table::new("authorized_count");
/// Most owners one account counts: bounds every margin evaluation.
pub const MAX_AUTHORIZED_OWNERS: u32 = 8;

/// Whether `owner` (on a source chain) and `account` (here) are the same key.
pub fn same_key(owner: &str, account: &str) -> bool {
    match (bech32::decode(owner), bech32::decode(account)) {
        (Ok((_, a)), Ok((_, b))) => a == b,
        _ => false,
    }
}

/// Authorize `(source_id, owner)` for `account`; a no-op if already authorized.
pub fn authorize_owner(
    storage: &mut dyn cosmwasm_std::Storage,
    account: &str,
    source_id: &str,
    owner: &str,
) -> ContractResult<()> {
    if AUTHORIZED_OWNERS.has(storage, (account, source_id, owner)) {
        return Ok(());
    }
    let count = AUTHORIZED_COUNT.may_load(storage, account)?.unwrap_or(0);
    if count >= MAX_AUTHORIZED_OWNERS {
        return Err(crate::ContractError::TooManyOwners { max: MAX_AUTHORIZED_OWNERS });
    }
    AUTHORIZED_OWNERS.save(storage, (account, source_id, owner), &())?;
    AUTHORIZED_COUNT.save(storage, account, &(count + 1))?;
    Ok(())
}

/// The replicated positions an account counts: those of its authorized owners, bound to it.
pub fn counted_positions(
    storage: &dyn cosmwasm_std::Storage,
    account: &str,
) -> cosmwasm_std::StdResult<Vec<(RemoteKey, RemotePosition)>> {
    let owners: Vec<(String, String)> = AUTHORIZED_OWNERS
        .sub_prefix(account)
        .keys(storage, None, None, cosmwasm_std::Order::Ascending)
        .take(MAX_AUTHORIZED_OWNERS as usize)
        .collect::<cosmwasm_std::StdResult<_>>()?;
    let mut out = vec![];
    for (source_id, owner) in owners {
        // Assets per owner are bounded by the vault's asset list (admin-controlled).
        for item in REMOTE_POSITIONS
            .prefix((source_id.clone(), owner.clone()))
            .range(storage, None, None, cosmwasm_std::Order::Ascending)
            .take(MAX_ASSETS_PER_OWNER)
        {
            let (asset_key, p) = item?;
            if p.account == account {
                out.push(((source_id.clone(), owner.clone(), asset_key), p));
            }
        }
    }
    Ok(out)
}

pub const MAX_ASSETS_PER_OWNER: usize = 8;
