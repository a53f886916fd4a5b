//! The lens: every view of the options engine's state (prices, series, the pool, sources and
//! their health, liquidations, trade previews, …), answered by the engine's own query code
//! over the engine's storage, read through queries (docs/architecture.md, "The lens").
//!
//! The engine keeps only what contracts ask on chain; views live here so that they neither
//! count against the engine's code size nor need a migration of the contract that holds the
//! money to change.

pub mod contract;
pub mod engine_storage;
pub mod state;
