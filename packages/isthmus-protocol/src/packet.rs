//! IBC packet payloads (docs/protocol.md §3). JSON, `snake_case`, one enum per direction.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Timestamp, Uint128};

use crate::asset::AssetInfo;

/// Vault -> engine, on the collateral channel.
#[cw_serde]
pub enum CollateralPacket {
    /// Absolute state of one position after a change. Applied only if `seq` is newer
    /// than the last applied for `(owner, asset)`.
    CollateralUpdate {
        /// Depositor on the source chain.
        owner: String,
        /// Account on the target chain that this owner's collateral backs.
        account: String,
        asset: AssetInfo,
        /// Amount the vault holds for the position outside pending withdrawals.
        available: Uint128,
        /// Per-position sequence number, incremented on every change.
        seq: u64,
    },
    /// The owner asks to take `amount` out. The vault has already moved it to pending.
    WithdrawRequest {
        /// Vault-local id of the withdrawal, echoed in the acknowledgement.
        request_id: u64,
        owner: String,
        account: String,
        asset: AssetInfo,
        amount: Uint128,
        /// The position's available amount once `amount` moved to pending.
        available_after: Uint128,
        /// Sequence of the position after the move to pending.
        seq: u64,
    },
    /// What became of withdrawal `request_id`, whose request was sent on a channel that has
    /// since closed (its acknowledgement can no longer be relayed, and a received packet
    /// cannot time out). Sent on the re-opened channel; the engine answers from its record of
    /// approved requests with a [`WithdrawOutcome`].
    WithdrawOutcomeQuery { request_id: u64, owner: String, asset: AssetInfo, amount: Uint128 },
    /// Liveness of the source; anyone may trigger it at the vault, rate-limited there.
    Heartbeat {
        /// Block time of the vault's chain when the heartbeat was sent.
        vault_time: Timestamp,
        /// Number of positions the vault holds (a cheap reconciliation digest).
        positions: u64,
    },
}

/// Controller -> vault, on the seize channel.
#[cw_serde]
pub enum SeizePacket {
    /// Take `amount` from the position's available balance (all or nothing) and deliver it.
    Seize {
        /// Controller-local id, echoed back in events.
        seize_id: u64,
        owner: String,
        asset: AssetInfo,
        amount: Uint128,
        recipient: SeizeRecipient,
    },
}

/// Where seized collateral goes.
#[cw_serde]
pub enum SeizeRecipient {
    /// An address on the source chain.
    Local { address: String },
    /// An ICS-20 transfer (native assets only) from the vault's chain, typically back to
    /// the target chain.
    Ics20 {
        /// Source-chain channel of the ICS-20 transfer.
        channel: String,
        /// Receiver on the far side of that channel.
        receiver: String,
        /// Optional memo (for example a packet-forward or wasm hook).
        #[serde(default)]
        memo: String,
    },
}

/// Result payload of a successful `seize` acknowledgement.
#[cw_serde]
pub struct SeizeAckResult {
    /// The position's sequence after the seize.
    pub seq: u64,
    /// The position's available amount after the seize.
    pub available: Uint128,
}

/// Result payload of an approving `withdraw_request` acknowledgement.
#[cw_serde]
pub struct WithdrawApproved {
    pub request_id: u64,
}

/// Result payload of a `withdraw_outcome_query` acknowledgement: whether the engine approved
/// the request. `false` covers both "refused" and "never received"; either way it can never be
/// approved any more, because its channel is closed.
#[cw_serde]
pub struct WithdrawOutcome {
    pub request_id: u64,
    pub approved: bool,
}

/// Result payload of `collateral_update` and `heartbeat` acknowledgements.
#[cw_serde]
pub struct Received {}

/// Longest owner, account or asset name a collateral packet may carry: the vault refuses to
/// bind a longer account, and the engine answers a packet with a longer name by an error ack.
/// Names become parts of storage keys, whose length prefix is two bytes, so a much longer one
/// would abort a transaction while building a key (real addresses are under 100 bytes).
pub const MAX_NAME_BYTES: usize = 256;
