//! Deterministic fixed-point Black-Scholes for Isthmus (docs/protocol.md §5).
//!
//! * [`Fixed`]: signed binary fixed point (`raw / 2^88` in an `i128`), checked arithmetic.
//! * [`math`]: `ln`, `exp`, `sqrt`; [`normal_cdf`], [`normal_pdf`].
//! * [`price`], [`price_and_delta`], [`greeks`], [`implied_vol`] on [`BsInputs`].
//!
//! No floating point outside tests. Every function returns `PricingResult`; nothing panics.
//! Accuracy and cost are documented in `docs/pricing.md`.

mod black_scholes;
mod error;
mod fast;
mod fixed;
mod implied_vol;
pub mod math;
mod normal;
mod wide;

pub use black_scholes::{greeks, price, price_and_delta, BsInputs, Greeks, OptionKind};
pub use error::{PricingError, PricingResult};
pub use fixed::{Fixed, Rounding, FRAC_BITS};
pub use implied_vol::{implied_vol, MAX_ITERATIONS, VOL_MAX};
pub use normal::{normal_cdf, normal_pdf};
