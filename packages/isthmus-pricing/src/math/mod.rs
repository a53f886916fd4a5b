//! Fixed-point elementary functions. Each returns a `PricingResult`. `exp` and `ln` run on the
//! 64-bit kernels of `fast` (≈ 1e-18 relative / 1e-19 absolute); `sqrt` is correctly rounded.
//! See `tests/reference.rs` for measured errors.

mod exp;
mod ln;
mod sqrt;
pub(crate) mod tables;

pub use exp::exp;
pub use ln::ln;
pub use sqrt::sqrt;
