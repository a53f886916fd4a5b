//! Liquidation controller on the target chain. This version holds its identity, roles, the
//! source allow-list and the seize-channel handshake; the liquidation flows of DESIGN §7
//! (keeper escrow, seize packets, insurance fund) build on it.

pub mod contract;
pub mod error;
pub mod ibc;
pub mod query;
pub mod state;

pub use crate::error::{ContractError, ContractResult};
