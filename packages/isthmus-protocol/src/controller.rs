//! Messages of the liquidation controller (target chain): keeper escrow, acknowledgement-
//! driven seizes and the insurance fund (docs/protocol.md §7).

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint128};

use crate::asset::AssetInfo;
use crate::packet::SeizeRecipient;

/// The longest seize timeout a controller accepts (`seize_timeout_seconds`), seconds.
pub const MAX_SEIZE_TIMEOUT_SECONDS: u64 = 86_400;

#[cw_serde]
pub struct InstantiateMsg {
    /// Defaults to the instantiator.
    pub owner: Option<String>,
    /// The options engine whose reservations the controller drives.
    pub engine: String,
    /// Quote denom on the target chain (must be the engine's).
    pub quote_denom: String,
    /// Relative timeout of seize packets, seconds.
    pub seize_timeout_seconds: u64,
    /// Most seizes in flight per account, and per source.
    pub max_in_flight_per_account: u32,
    pub max_in_flight_per_source: u32,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Allow (or re-bind) a vault under a stable source id (owner).
    RegisterSource { source_id: String, connection_id: String, counterparty_port: String },
    /// Change owner or limits (owner).
    UpdateConfig {
        owner: Option<String>,
        seize_timeout_seconds: Option<u64>,
        max_in_flight_per_account: Option<u32>,
        max_in_flight_per_source: Option<u32>,
    },
    /// A keeper repays part of `account`'s debt with the attached quote tokens (held in
    /// escrow) and seizes collateral worth the repayment plus the bonus from one position,
    /// delivered to `recipient`. The acknowledgement decides: success repays the debt, an
    /// error or timeout refunds the keeper.
    Seize { account: String, source_id: String, owner: String, asset: AssetInfo, recipient: SeizeRecipient },
    /// Add the attached quote tokens to the insurance fund (anyone; the engine sends the
    /// insurance share of liquidation penalties here).
    DepositInsurance {},
    /// Pay the debt of an account that has nothing left: the insurance fund first, then the
    /// pool (anyone).
    CoverBadDebt { account: String },
    /// Withdraw the sender's claimable refund: the repayments of failed seizes whose automatic
    /// refund could not be sent (for example the keeper was on the quote token's denylist).
    /// Sent to `recipient` (default: the sender).
    ClaimRefund { recipient: Option<String> },
    /// Replay an engine call that failed in an ack or timeout handler and was recorded
    /// (anyone): the call is the one the acknowledgement decided, so replaying it is safe. A
    /// repayment's tokens, kept in the insurance fund when the call failed, are taken back out
    /// for it. If the call fails again the transaction fails and the record stays.
    RetryEngineCall { seize_id: u64, call: EngineCall },
}

/// An engine call the controller makes when a seize is resolved (its ack or timeout).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum EngineCall {
    /// `RepayDebt` with the keeper's escrow, after a successful seize.
    RepayDebt,
    /// `ConsumeReservation` with the vault's state, after a successful seize.
    ConsumeReservation,
    /// `ReleaseReservation`, after a failed or timed-out seize.
    ReleaseReservation,
}

impl EngineCall {
    /// The name used in events and as the record key.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineCall::RepayDebt => "repay_debt",
            EngineCall::ConsumeReservation => "consume_reservation",
            EngineCall::ReleaseReservation => "release_reservation",
        }
    }
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(SourcesResponse)]
    Sources { start_after: Option<String>, limit: Option<u32> },
    /// One seize's record and status (named apart from `ExecuteMsg::Seize`, so that generated
    /// clients get one method for each).
    #[returns(SeizeResponse)]
    SeizeRecord { seize_id: u64 },
    /// Seize records, newest last; optionally only those of one account.
    #[returns(SeizesResponse)]
    Seizes { account: Option<String>, start_after: Option<u64>, limit: Option<u32> },
    /// Quote tokens held in escrow for seizes in flight, and the insurance fund.
    #[returns(FundsResponse)]
    Funds {},
    /// A keeper's claimable refund (zero if none).
    #[returns(RefundResponse)]
    Refund { keeper: String },
    /// Engine calls that failed when a seize was resolved and wait for `RetryEngineCall`, by seize
    /// id; `start_after` is `(seize_id, call)`.
    #[returns(FailedEngineCallsResponse)]
    FailedEngineCalls { start_after: Option<(u64, EngineCall)>, limit: Option<u32> },
}

#[cw_serde]
pub struct FailedEngineCallResponse {
    pub seize_id: u64,
    pub call: EngineCall,
    /// Quote tokens the call carries (a repayment), held in the insurance fund meanwhile.
    pub funds: Uint128,
    /// The engine's error.
    pub error: String,
    /// Unix seconds (block time).
    pub failed_at: u64,
}

#[cw_serde]
pub struct FailedEngineCallsResponse {
    pub calls: Vec<FailedEngineCallResponse>,
}

#[cw_serde]
pub struct RefundResponse {
    pub keeper: String,
    /// Quote base units the keeper can claim with `ClaimRefund`.
    pub amount: Uint128,
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub engine: Addr,
    pub quote_denom: String,
    pub seize_timeout_seconds: u64,
    pub max_in_flight_per_account: u32,
    pub max_in_flight_per_source: u32,
}

#[cw_serde]
pub struct SourceResponse {
    pub source_id: String,
    pub connection_id: String,
    pub counterparty_port: String,
    /// Open seize channel to this source's vault, if any.
    pub channel_id: Option<String>,
    pub in_flight: u32,
}

#[cw_serde]
pub struct SourcesResponse {
    pub sources: Vec<SourceResponse>,
}

/// Where a seize is in its life.
#[cw_serde]
pub enum SeizeStatus {
    InFlight,
    /// The vault delivered; the escrow repaid the debt.
    Succeeded {
        seq: u64,
        available: Uint128,
    },
    /// Error ack or timeout; the escrow went back to the keeper.
    Failed {
        reason: String,
    },
}

#[cw_serde]
pub struct SeizeResponse {
    pub seize_id: u64,
    pub keeper: Addr,
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    /// Collateral seized, base units of the asset.
    pub amount: Uint128,
    /// Quote the keeper repays, base units.
    pub repay: Uint128,
    pub recipient: SeizeRecipient,
    pub status: SeizeStatus,
    /// Unix seconds (block time).
    pub created_at: u64,
}

#[cw_serde]
pub struct SeizesResponse {
    pub seizes: Vec<SeizeResponse>,
}

#[cw_serde]
pub struct FundsResponse {
    /// Keepers' money the controller holds: repayments of seizes in flight plus unclaimed
    /// refunds (`refunds`).
    pub escrow: Uint128,
    pub insurance: Uint128,
    /// The part of `escrow` that is claimable refunds of failed seizes.
    pub refunds: Uint128,
}
