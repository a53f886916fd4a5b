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

    #[error("unauthorized: {action} needs the owner role")]
    Unauthorized { action: String },

    #[error("source id must be 1-64 characters of [a-z0-9-_]")]
    InvalidSourceId,

    #[error("unknown source {source_id}")]
    UnknownSource { source_id: String },

    #[error("source {source_id} has an open channel {channel_id}; it cannot be re-bound")]
    SourceConnected { source_id: String, channel_id: String },

    #[error("source {source_id} has no open seize channel")]
    NoSeizeChannel { source_id: String },

    #[error("too many seizes in flight for {what} (max {max})")]
    TooManyInFlight { what: String, max: u32 },

    #[error("invalid seize recipient: {reason}")]
    InvalidRecipient { reason: String },

    #[error("account {account} has no debt")]
    NoDebt { account: String },

    #[error("insufficient insurance: {available} < {requested}")]
    InsufficientInsurance { available: Uint128, requested: Uint128 },

    #[error("the controller accepts no packets from vaults")]
    NoInboundPackets,

    #[error("closing an Isthmus channel from this side is not allowed")]
    CloseNotAllowed,

    #[error("seize timeout must be between 1 second and 1 day")]
    InvalidTimeout,

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("cannot migrate from {from_name} {from_version} to {to_version}")]
    InvalidMigration { from_name: String, from_version: String, to_version: String },
}
