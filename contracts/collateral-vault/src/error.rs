use cosmwasm_std::{CheckedFromRatioError, OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use isthmus_protocol::handshake::HandshakeError;
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Ratio(#[from] CheckedFromRatioError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Handshake(#[from] HandshakeError),

    #[error("unauthorized: {action} needs the {role} role")]
    Unauthorized { action: String, role: Role },

    #[error("the vault is paused")]
    Paused,

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("asset {asset} is not accepted by this vault")]
    UnknownAsset { asset: String },

    #[error("asset {asset} is disabled for deposits")]
    AssetDisabled { asset: String },

    #[error("deposit of {amount} {asset} would exceed the cap: held {held}, cap {cap}")]
    DepositCapExceeded { asset: String, amount: Uint128, held: Uint128, cap: Uint128 },

    #[error("owner {owner} is bound to account {bound} while holding collateral, not {requested}")]
    AccountMismatch { owner: String, bound: String, requested: String },

    #[error("only {owner} can bind its account; others may deposit only to the account it bound")]
    BindingByOwnerOnly { owner: String },

    #[error("account must not be empty")]
    EmptyAccount,

    #[error("account must be at most {max} bytes")]
    AccountTooLong { max: usize },

    #[error("cw20 deposits must come from an accepted token contract, not {sender}")]
    UnacceptedCw20 { sender: String },

    #[error("insufficient available collateral: requested {requested}, available {available}")]
    InsufficientAvailable { requested: Uint128, available: Uint128 },

    #[error("no open collateral channel to the engine")]
    NoEngineChannel,

    #[error("heartbeat too early: next allowed at {next_allowed} (unix seconds)")]
    HeartbeatTooEarly { next_allowed: u64 },

    #[error("no position for owner {owner} and asset {asset}")]
    UnknownPosition { owner: String, asset: String },

    #[error("invalid seize recipient: {reason}")]
    InvalidRecipient { reason: String },

    #[error("seize packets are accepted only on the controller's channel, not {channel_id}")]
    NotControllerChannel { channel_id: String },

    #[error("no pending withdrawal {request_id}")]
    UnknownWithdrawal { request_id: u64 },

    #[error(
        "withdrawal {request_id} was sent on {channel_id}, which is still open: its ack or timeout will resolve it"
    )]
    WithdrawalChannelOpen { request_id: u64, channel_id: String },

    #[error("only the key of {receiver} may claim its refunds")]
    NotTheReceiver { receiver: String },

    #[error("no refunded seize delivery of {asset} for {receiver}")]
    NoSeizeRefund { receiver: String, asset: String },

    #[error("seize {seize_id} was already received from this controller")]
    DuplicateSeize { seize_id: u64 },

    #[error("closing an Isthmus channel from this side is not allowed")]
    CloseNotAllowed,

    #[error("packet timeout must be between 1 second and 1 week")]
    InvalidTimeout,

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error(transparent)]
    Migration(#[from] isthmus_protocol::version::MigrationRefused),
}

impl ContractError {
    pub fn unauthorized(action: &str, role: Role) -> Self {
        ContractError::Unauthorized { action: action.to_string(), role }
    }
}

/// Who may take an action the vault refuses to a sender (docs/security.md, roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    /// The guardian may pause; only the admin may unpause.
    GuardianOrAdmin,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Admin => "admin",
            Role::GuardianOrAdmin => "guardian or admin",
        })
    }
}
