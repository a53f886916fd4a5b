//! Options engine on the target chain: the collateral side (the source registry, the replica
//! of remote positions, withdrawal approval and seize reservations, docs/protocol.md §1–4) and
//! the market (prices, series, trades against the pool, portfolio margin, settlement at
//! expiry, liquidation; docs/market.md). What each file is: docs/architecture.md, "Options
//! engine, market side".

pub mod account_margin;
pub mod contract;
pub mod error;
pub mod execute;
pub mod ibc;
pub mod ledger;
pub mod market_data;
pub mod oracle_adapters;
pub mod pool_book;
pub mod pool_value;
pub mod query;
pub mod remote_book;
pub mod settlement;
pub mod source_cap;
pub mod state;
pub mod trade_plan;
pub mod valuation;
pub mod withdrawal_check;

pub use crate::error::{ContractError, ContractResult};
