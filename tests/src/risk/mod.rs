//! The cross-chain risk simulator (docs/risk.md): the real contracts on the bench, driven
//! through simulated markets, relayers and keepers; one run, sweeps over parameters, and the
//! table they produce.

pub mod cap;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sweep;

pub use run::{run, Outcome};
pub use scenario::{Outage, Scenario};
