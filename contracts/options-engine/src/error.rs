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
    Handshake(#[from] HandshakeError),

    #[error("unauthorized: {action} needs the {role} role")]
    Unauthorized { action: String, role: String },

    #[error("the engine is paused for new risk")]
    Paused,

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("source id must be 1-64 characters of [a-z0-9-_]")]
    InvalidSourceId,

    #[error("unknown source {source_id}")]
    UnknownSource { source_id: String },

    #[error("source {source_id} already has an open channel {channel_id}")]
    SourceConnected { source_id: String, channel_id: String },

    #[error("counterparty {port} on {connection} is already registered as source {source_id}")]
    CounterpartyTaken { connection: String, port: String, source_id: String },

    #[error("channel {channel_id} is not an open collateral channel")]
    UnknownChannel { channel_id: String },

    #[error("no replicated position for owner {owner}, asset {asset} on source {source_id}")]
    UnknownPosition { source_id: String, owner: String, asset: String },

    #[error("position belongs to account {actual}, not {expected}")]
    AccountMismatch { expected: String, actual: String },

    #[error("insufficient usable collateral: requested {requested}, usable {usable}")]
    InsufficientUsable { requested: Uint128, usable: Uint128 },

    #[error("withdrawal would leave {available_after} available but {reserved} is reserved for seizes")]
    ReservedCollateral { available_after: Uint128, reserved: Uint128 },

    #[error("account {account} would not meet its initial margin: equity {equity}, required {required}")]
    InitialMarginNotMet { account: String, equity: Uint128, required: Uint128 },

    #[error("reservation {reservation_id} already exists")]
    DuplicateReservation { reservation_id: u64 },

    #[error("unknown reservation {reservation_id}")]
    UnknownReservation { reservation_id: u64 },

    #[error("closing an Isthmus channel from this side is not allowed")]
    CloseNotAllowed,

    #[error("cannot migrate from {from_name} {from_version} to {to_version}")]
    InvalidMigration { from_name: String, from_version: String, to_version: String },
}

impl ContractError {
    pub fn unauthorized(action: &str, role: &str) -> Self {
        ContractError::Unauthorized { action: action.to_string(), role: role.to_string() }
    }
}
