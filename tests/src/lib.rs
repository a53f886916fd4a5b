//! Isthmus scenarios: a suite builder that deploys the contracts on the N-chain bench, the
//! invariants of docs/invariants.md as checks, and a stand-in controller that injects seizes.

pub mod contracts;
pub mod errors;
pub mod invariants;
pub mod market;
pub mod oracles;
pub mod pool_risk;
pub mod risk;
pub mod seize_injector;
pub mod suite;

pub use suite::{Suite, SuiteBuilder};

/// Assert that the failed call `err` failed with exactly the contract error `expected`
/// (variant and data), found through the bench's layers by [`errors::contract_error`].
pub fn assert_error<E>(err: &anyhow::Error, expected: E)
where
    E: std::error::Error + PartialEq + Send + Sync + 'static,
{
    match errors::contract_error::<E>(err) {
        Some(actual) => assert_eq!(actual, &expected, "{err:#}"),
        None => panic!("expected the {} error {expected:?}, got: {err:#}", std::any::type_name::<E>()),
    }
}
