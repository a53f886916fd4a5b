use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_source_registry::SourceRegistry;

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub engine: Addr,
    pub quote_denom: String,
    pub seize_timeout_seconds: u64,
    pub max_in_flight_per_account: u32,
    pub max_in_flight_per_source: u32,
}

pub const CONFIG: Item<Config> = Item::new("config");

impl Config {
    /// The engine, as a typed handle: its messages and queries are built in one place.
    pub fn engine(&self) -> isthmus_protocol::contracts::EngineContract {
        isthmus_protocol::contracts::EngineContract(self.engine.clone())
    }
}

/// The controller's state of a registered source: seizes in flight to its vault.
#[cw_serde]
#[derive(Default)]
pub struct SourceState {
    pub in_flight: u32,
}

/// Vaults the controller may open a seize channel to, under stable source ids.
pub const SOURCES: SourceRegistry<SourceState> = SourceRegistry::new();

#[cw_serde]
pub struct SeizeRecord {
    pub keeper: Addr,
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub repay: Uint128,
    pub recipient: SeizeRecipient,
    pub status: SeizeStatus,
    pub created_at: Timestamp,
}

pub struct SeizeIndexes<'a> {
    pub account: MultiIndex<'a, String, SeizeRecord, u64>,
}

impl IndexList<SeizeRecord> for SeizeIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<SeizeRecord>> + '_> {
        let v: Vec<&dyn Index<SeizeRecord>> = vec![&self.account];
        Box::new(v.into_iter())
    }
}

pub fn seizes<'a>() -> IndexedMap<u64, SeizeRecord, SeizeIndexes<'a>> {
    IndexedMap::new(
        "seizes",
        SeizeIndexes {
            account: MultiIndex::new(|_pk, s: &SeizeRecord| s.account.clone(), "seizes", "seizes__account"),
        },
    )
}

pub const NEXT_SEIZE_ID: Item<u64> = Item::new("next_seize_id");
pub const ACCOUNT_IN_FLIGHT: Map<&str, u32> = Map::new("account_in_flight");
/// Repayments in escrow per account: a new seize may repay at most the debt minus these, so
/// concurrent seizes never repay (and seize collateral for) more than the debt.
pub const ACCOUNT_REPAY_IN_FLIGHT: Map<&str, Uint128> = Map::new("account_repay_in_flight");

/// Quote tokens the controller holds, by purpose (part of invariant 3).
#[cw_serde]
#[derive(Default)]
pub struct Funds {
    /// Keepers' money: repayments of seizes in flight, plus refunds that could not be sent
    /// and wait to be claimed (`refunds`, a part of `escrow`).
    pub escrow: Uint128,
    pub insurance: Uint128,
    /// Keepers' refunds whose send failed, claimable with `ClaimRefund` (included in
    /// `escrow`). Absent in state written before it existed.
    #[serde(default)]
    pub refunds: Uint128,
}

/// Claimable refunds by keeper (their sum is `Funds::refunds`).
pub const REFUNDS: Map<&Addr, Uint128> = Map::new("refunds");

pub const FUNDS: Item<Funds> = Item::new("funds");
/// An engine call from an ack or timeout handler that failed (recorded, not aborted), kept
/// until `RetryEngineCall` replays it.
#[cw_serde]
pub struct FailedCall {
    /// The engine message, as sent.
    pub msg: Binary,
    /// Quote tokens it carried (held in the insurance fund meanwhile).
    pub funds: Uint128,
    pub error: String,
    pub failed_at: Timestamp,
}

/// Failed engine calls by `(seize_id, call name)`: a seize can leave two (repay and consume).
/// (Replaces `failed_engine_calls`, keyed by seize id only and without the message; entries
/// written there by older code cannot be replayed and stay as a record.)
pub const FAILED_CALLS: Map<(u64, &str), FailedCall> = Map::new("failed_calls");

pub use isthmus_protocol::page_limit;

#[cfg(test)]
mod tests {
    use super::Funds;

    /// Funds written before claimable refunds existed still load (no refunds).
    #[test]
    fn funds_written_before_refunds_existed_still_load() {
        let funds: Funds = cosmwasm_std::from_json(br#"{"escrow":"7","insurance":"3"}"#).unwrap();
        assert_eq!((funds.escrow.u128(), funds.insurance.u128(), funds.refunds.u128()), (7, 3, 0));
    }
}
