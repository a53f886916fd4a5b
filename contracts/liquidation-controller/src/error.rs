use cosmwasm_std::StdError;
use isthmus_protocol::handshake::HandshakeError;
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Handshake(#[from] HandshakeError),

    #[error("unauthorized: {action} needs the owner role")]
    Unauthorized { action: String },

    #[error("source id must be 1-64 characters of [a-z0-9-_]")]
    InvalidSourceId,

    #[error("source {source_id} has an open channel {channel_id}; it cannot be re-bound")]
    SourceConnected { source_id: String, channel_id: String },

    #[error("the controller accepts no packets from vaults")]
    NoInboundPackets,

    #[error("closing an Isthmus channel from this side is not allowed")]
    CloseNotAllowed,

    #[error("cannot migrate from {from_name} {from_version} to {to_version}")]
    InvalidMigration { from_name: String, from_version: String, to_version: String },
}
