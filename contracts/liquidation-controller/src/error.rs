use cosmwasm_std::{OverflowError, StdError, Uint128};
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
    Payment(#[from] cw_utils::PaymentError),

    #[error(transparent)]
    Handshake(#[from] HandshakeError),

    #[error(transparent)]
    Registry(#[from] isthmus_source_registry::RegistryError),

    #[error("unauthorized: {action} needs the {role} role")]
    Unauthorized { action: String, role: Role },

    #[error("source {source_id} has no open seize channel")]
    NoSeizeChannel { source_id: String },

    #[error("too many seizes in flight for {what} (max {max})")]
    TooManyInFlight { what: String, max: u32 },

    #[error("invalid seize recipient: {reason}")]
    InvalidRecipient { reason: String },

    #[error("repayment {repay} plus {in_flight} already in flight exceeds the debt {debt}")]
    RepayExceedsDebt { repay: Uint128, debt: Uint128, in_flight: Uint128 },

    #[error("account {account} has no debt")]
    NoDebt { account: String },

    #[error("insufficient insurance: {available} < {requested}")]
    InsufficientInsurance { available: Uint128, requested: Uint128 },

    #[error("the controller accepts no packets from vaults")]
    NoInboundPackets,

    #[error("seize timeout must be between 1 second and 1 day")]
    InvalidTimeout,

    #[error("source {source_id} has {in_flight} seizes in flight; it cannot be re-bound until they are resolved")]
    SourceHasSeizesInFlight { source_id: String, in_flight: u32 },

    #[error("no failed {call:?} call recorded for seize {seize_id}")]
    NoFailedCall { seize_id: u64, call: isthmus_protocol::controller::EngineCall },

    #[error("{keeper} has no refund to claim")]
    NoRefund { keeper: String },

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error(transparent)]
    Migration(#[from] isthmus_protocol::version::MigrationRefused),
}

/// Who may take an action the controller refuses to a sender. Keeping, seizing and replaying
/// are open to anyone; only the owner configures (docs/security.md, roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Owner => "owner",
        })
    }
}
