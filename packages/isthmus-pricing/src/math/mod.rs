//! Fixed-point elementary functions. Each returns a `PricingResult` and is accurate to a few
//! units of 2^-88 (absolute) near 1; see `tests/reference.rs` for measured errors.

mod exp;
mod ln;
mod sqrt;
pub(crate) mod tables;

pub use exp::exp;
pub use ln::ln;
pub use sqrt::sqrt;

/// `1 / n!` as raw `Fixed`, rounded to nearest, for n = 0..=12.
pub(crate) const INV_FACTORIAL: [i128; 13] = {
    let mut out = [0i128; 13];
    let mut fact: i128 = 1;
    let mut n = 0;
    while n < 13 {
        if n > 0 {
            fact *= n as i128;
        }
        out[n] = ((1i128 << 88) + fact / 2) / fact;
        n += 1;
    }
    out
};
