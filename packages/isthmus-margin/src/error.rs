//! Errors of the margin crate. Every arithmetic step is checked; nothing panics.

use isthmus_pricing::PricingError;
use thiserror::Error;

/// Result alias used across the crate.
pub type MarginResult<T> = Result<T, MarginError>;

#[derive(Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginError {
    /// An error of the fixed-point pricing library (overflow, invalid Black-Scholes input, ...).
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// An integer step overflowed (quote base units are `i128`).
    #[error("integer overflow in {op}")]
    Overflow { op: &'static str },
    /// A risk parameter is outside its allowed range.
    #[error("invalid parameter {field}: {reason}")]
    InvalidParams { field: &'static str, reason: &'static str },
    /// A position or collateral item is invalid.
    #[error("invalid input {field}: {reason}")]
    InvalidInput { field: &'static str, reason: &'static str },
    /// A leg's expiry has no implied volatility in its underlying's `vols` (index of the underlying
    /// in the account, index of the leg in that underlying's `legs`).
    #[error("no volatility for the expiry of leg {leg} of underlying {underlying}")]
    MissingVol { underlying: usize, leg: usize },
    /// A collateral item names an underlying the account does not have.
    #[error("collateral item {item} links to underlying {index}, which the account does not have")]
    UnknownUnderlying { item: usize, index: usize },
}

pub(crate) const fn overflow(op: &'static str) -> MarginError {
    MarginError::Overflow { op }
}
