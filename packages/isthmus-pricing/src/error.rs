//! Errors of the pricing crate. Every arithmetic step is checked; nothing panics.

use thiserror::Error;

/// Result alias used across the crate.
pub type PricingResult<T> = Result<T, PricingError>;

#[derive(Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricingError {
    /// The exact result does not fit in a `Fixed` (|x| >= 2^39).
    #[error("fixed-point overflow in {op}")]
    Overflow { op: &'static str },
    /// Division by zero.
    #[error("division by zero in {op}")]
    DivisionByZero { op: &'static str },
    /// Argument outside the function's domain (e.g. ln of a non-positive number).
    #[error("argument outside the domain of {op}")]
    Domain { op: &'static str },
    /// A Black-Scholes input is invalid (negative time, non-positive spot, ...).
    #[error("invalid input {field}: {reason}")]
    InvalidInput { field: &'static str, reason: &'static str },
    /// Implied vol: the price is outside the no-arbitrage interval `[lower, upper]`
    /// (raw `Fixed` values), so no volatility reproduces it.
    #[error("price outside no-arbitrage bounds [{lower}, {upper}] (raw Fixed 2^-88 units)")]
    PriceOutOfBounds { lower: i128, upper: i128 },
    /// Implied vol: the price needs a volatility above the solver's ceiling.
    #[error("implied volatility above the supported maximum")]
    VolTooHigh,
}
