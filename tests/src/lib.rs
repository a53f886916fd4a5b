//! Isthmus scenarios: a suite builder that deploys the contracts on the two-chain bench, the
//! DESIGN §4 invariants as checks, and a stand-in controller that injects seizes.

pub mod contracts;
pub mod errors;
pub mod invariants;
pub mod market;
pub mod seize_injector;
pub mod suite;

pub use suite::{Suite, SuiteBuilder};
