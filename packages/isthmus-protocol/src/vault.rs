//! Messages of the collateral vault (source chain).

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::asset::AssetInfo;

/// A counterparty allowed to open a channel with the vault.
#[cw_serde]
pub struct Counterparty {
    /// Connection on the vault's chain that leads to the target chain.
    pub connection_id: String,
    /// Port of the counterparty contract (`wasm.<address>` on the target chain).
    pub port_id: String,
}

/// Risk settings of one asset the vault accepts.
#[cw_serde]
pub struct AssetSettings {
    pub asset: AssetInfo,
    /// Most the vault holds of this asset over all positions, in base units.
    pub deposit_cap: Uint128,
    /// Disabled assets take no new deposits; existing positions can still withdraw.
    pub enabled: bool,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Defaults to the instantiator.
    pub admin: Option<String>,
    /// May pause the vault. Defaults to the admin.
    pub guardian: Option<String>,
    /// The options engine on the target chain (collateral channel).
    pub engine: Counterparty,
    /// The liquidation controller on the target chain (seize channel).
    pub controller: Counterparty,
    /// Relative timeout of every packet the vault sends, in seconds.
    pub packet_timeout_seconds: u64,
    /// Minimum time between two heartbeats, in seconds.
    pub heartbeat_interval_seconds: u64,
    pub assets: Vec<AssetSettings>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Deposit the attached native coin (exactly one) for `owner` (default: the sender),
    /// binding `account` on the target chain at the owner's first deposit.
    Deposit { account: String, owner: Option<String> },
    /// cw20 deposit hook; the embedded message is a [`Cw20HookMsg`].
    Receive(Cw20ReceiveMsg),
    /// Start a two-phase withdrawal of `amount`; only the owner may call it.
    Withdraw { asset: AssetInfo, amount: Uint128 },
    /// Re-send the current state of a position to the engine (anyone; useful after a
    /// channel was re-opened).
    SyncPosition { owner: String, asset: AssetInfo },
    /// Resolve a pending withdrawal whose request went out on a channel that has since closed
    /// (anyone): ask the engine over the open collateral channel whether it approved the
    /// request. Approved: it is paid; not approved: it returns to available. No answer (error
    /// or timeout): it stays pending and can be resolved again.
    ResolveWithdrawal { request_id: u64 },
    /// Send a liveness heartbeat to the engine (anyone, rate-limited).
    Heartbeat {},
    /// Add or change an asset (admin).
    SetAsset(AssetSettings),
    /// Change configuration (admin). `None` leaves a field unchanged.
    UpdateConfig {
        admin: Option<String>,
        guardian: Option<String>,
        engine: Option<Counterparty>,
        controller: Option<Counterparty>,
        packet_timeout_seconds: Option<u64>,
        heartbeat_interval_seconds: Option<u64>,
    },
    /// Send what the vault holds of `asset` beyond its books (balance minus the total of all
    /// positions and minus the refunded seize deliveries held for their receivers) to
    /// `recipient` (admin). Such a surplus arises from stray transfers, or from a refunded
    /// ICS-20 transfer the vault could not match to a seize.
    SweepSurplus { asset: AssetInfo, recipient: String },
    /// Claim seized collateral whose ICS-20 delivery to `receiver` was refused by the far chain
    /// and refunded to the vault (the vault learns of it by an IBC source callback). Only the
    /// same key as `receiver` (same bech32 payload) may claim; paid to `recipient` (default: the
    /// sender) on this chain.
    ClaimSeizeRefund { receiver: String, asset: AssetInfo, recipient: Option<String> },
    /// Pause (guardian or admin) or unpause (admin). A paused vault refuses deposits, new
    /// withdrawal requests and seizes; it still pays out withdrawals the engine approved.
    SetPaused { paused: bool },
}

/// Message embedded in a cw20 `Send` to the vault.
#[cw_serde]
pub enum Cw20HookMsg {
    Deposit { account: String, owner: Option<String> },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(AssetsResponse)]
    Assets { start_after: Option<AssetInfo>, limit: Option<u32> },
    /// One position; a never-used position reads as zero with `seq` 0.
    #[returns(PositionResponse)]
    Position { owner: String, asset: AssetInfo },
    #[returns(PositionsResponse)]
    PositionsByOwner { owner: String, start_after: Option<AssetInfo>, limit: Option<u32> },
    /// Positions whose owner is bound to `account`; `start_after` is `(owner, asset)`.
    #[returns(PositionsResponse)]
    PositionsByAccount { account: String, start_after: Option<(String, AssetInfo)>, limit: Option<u32> },
    #[returns(BindingResponse)]
    Binding { owner: String },
    /// Withdrawals waiting for the engine's answer, optionally for one owner.
    #[returns(PendingWithdrawalsResponse)]
    PendingWithdrawals { owner: Option<String>, start_after: Option<u64>, limit: Option<u32> },
    #[returns(ChannelsResponse)]
    Channels { start_after: Option<String>, limit: Option<u32> },
    /// Refunded seize deliveries claimable by `receiver` (zero if none).
    #[returns(SeizeRefundResponse)]
    SeizeRefund { receiver: String, asset: AssetInfo },
    /// What became of the withdrawal `request_id` (the id in the `withdraw_request` event): pending,
    /// paid, rolled back with the reason, timed out, or approved but not deliverable.
    #[returns(WithdrawalResponse)]
    Withdrawal { request_id: u64 },
}

/// The status of one withdrawal request.
#[cw_serde]
pub enum WithdrawalStatus {
    /// Waiting for the engine's answer; the amount is pending in the position.
    Pending {},
    /// Approved by the engine and paid to the owner.
    Paid {},
    /// Approved, but the transfer to the owner failed (`error`); the amount is back in available.
    PayoutFailed { error: String },
    /// Refused by the engine (`reason` is its error), or found not approved once its channel had
    /// closed; the amount is back in available.
    RolledBack { reason: String },
    /// The request timed out before the engine answered; the amount is back in available.
    TimedOut {},
}

#[cw_serde]
pub struct WithdrawalResponse {
    pub request_id: u64,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    /// Unix seconds (block time), as every time in Isthmus messages.
    pub requested_at: u64,
    pub status: WithdrawalStatus,
    /// When it stopped being pending (unix seconds, block time); `None` while pending.
    pub decided_at: Option<u64>,
}

#[cw_serde]
pub struct SeizeRefundResponse {
    pub receiver: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
}

#[cw_serde]
pub struct ConfigResponse {
    pub admin: Addr,
    pub guardian: Addr,
    pub engine: Counterparty,
    pub controller: Counterparty,
    pub packet_timeout_seconds: u64,
    pub heartbeat_interval_seconds: u64,
    pub paused: bool,
    /// Open collateral channel to the engine, if any.
    pub engine_channel: Option<String>,
    /// Open seize channel from the controller, if any.
    pub controller_channel: Option<String>,
    /// Unix seconds (block time).
    pub last_heartbeat: Option<u64>,
}

#[cw_serde]
pub struct AssetResponse {
    pub settings: AssetSettings,
    /// Held over all positions (available + pending), base units.
    pub total: Uint128,
}

#[cw_serde]
pub struct AssetsResponse {
    pub assets: Vec<AssetResponse>,
}

#[cw_serde]
pub struct PositionResponse {
    pub owner: String,
    pub account: Option<String>,
    pub asset: AssetInfo,
    pub available: Uint128,
    pub pending: Uint128,
    pub seq: u64,
}

#[cw_serde]
pub struct PositionsResponse {
    pub positions: Vec<PositionResponse>,
}

#[cw_serde]
pub struct BindingResponse {
    pub owner: String,
    /// `None` if the owner never deposited.
    pub account: Option<String>,
    /// Positions of the owner holding anything; the binding is fixed while this is > 0.
    pub open_positions: u32,
}

#[cw_serde]
pub struct PendingWithdrawalResponse {
    pub request_id: u64,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
    pub channel_id: String,
    /// Unix seconds (block time).
    pub requested_at: u64,
}

#[cw_serde]
pub struct PendingWithdrawalsResponse {
    pub withdrawals: Vec<PendingWithdrawalResponse>,
}

/// The role a channel plays for the vault.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ChannelRole {
    /// To the engine: the vault sends collateral state and withdraw requests.
    Collateral,
    /// From the controller: the vault receives seizes.
    Seize,
}

impl ChannelRole {
    /// The role as its JSON writes it (`collateral`, `seize`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelRole::Collateral => "collateral",
            ChannelRole::Seize => "seize",
        }
    }
}

#[cw_serde]
pub struct ChannelResponse {
    pub channel_id: String,
    pub role: ChannelRole,
    pub connection_id: String,
    pub counterparty_port: String,
    pub open: bool,
}

#[cw_serde]
pub struct ChannelsResponse {
    pub channels: Vec<ChannelResponse>,
}
