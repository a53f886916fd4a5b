//! Options engine on the target chain. This part holds the collateral side: the source
//! registry, replicated remote positions, withdrawal approval and seize reservations
//! (docs/protocol.md §1–4); trading and margin over options extend it.

pub mod contract;
pub mod error;
pub mod execute;
pub mod ibc;
pub mod ledger;
pub mod margin;
pub mod oracle;
pub mod oracle_adapters;
pub mod pool;
pub mod pool_book;
pub mod query;
pub mod remote_book;
pub mod risk;
pub mod settlement;
pub mod source_cap;
pub mod state;
pub mod trade;
pub mod valuation;

pub use crate::error::{ContractError, ContractResult};
