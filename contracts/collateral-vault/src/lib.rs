//! Collateral vault: holds deposits on a source chain and replicates each position's
//! state to the options engine over IBC (docs/protocol.md §1–4).

pub mod book;
pub mod contract;
pub mod error;
pub mod execute;
pub mod ibc;
pub mod index_check;
pub mod payout;
pub mod query;
pub mod replication;
pub mod state;

pub use crate::error::{ContractError, ContractResult};
