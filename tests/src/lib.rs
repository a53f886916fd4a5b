//! Isthmus scenarios: a suite builder that deploys the contracts on the two-chain bench, the
//! DESIGN §4 invariants as checks, and a stand-in controller that injects seizes.

pub mod contracts;
pub mod errors;
pub mod invariants;
pub mod market;
pub mod seize_injector;
pub mod suite;

pub use suite::{Suite, SuiteBuilder};

/// Assert that a call failed with exactly `expected` (a contract error value): the bench keeps
/// only the error's text, so the whole text is compared, never a substring.
pub fn assert_error(err: &anyhow::Error, expected: impl std::fmt::Display) {
    assert_eq!(err.root_cause().to_string(), expected.to_string(), "full error: {err:#}");
}
