//! Liquidation controller on the target chain (docs/protocol.md §7): keeper escrow, seize packets to
//! the vaults whose acknowledgement decides the outcome, and the insurance fund.

pub mod contract;
pub mod error;
pub mod execute;
pub mod ibc;
pub mod query;
pub mod state;

pub use crate::error::{ContractError, ContractResult};
