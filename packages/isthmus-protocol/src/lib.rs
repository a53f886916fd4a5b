//! The one definition of everything that crosses a contract boundary in Isthmus.
//!
//! Contracts, the integration tests and off-chain clients all import these types, so a
//! packet or a message is never written twice (docs/protocol.md §3).

pub mod ack;
pub mod asset;
pub mod contracts;
pub mod controller;
pub mod engine;
pub mod handshake;
pub mod lens;
pub mod oracle;
pub mod packet;
mod stored;
pub mod vault;
pub mod version;

/// Application version negotiated on every Isthmus channel (docs/protocol.md §1).
pub const APP_VERSION: &str = "isthmus-1";

/// Default and largest page of every list query.
pub const DEFAULT_PAGE: u32 = 10;
pub const MAX_PAGE: u32 = 30;

/// The page size of a list query: `limit`, or the default, never above the maximum.
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE) as usize
}
