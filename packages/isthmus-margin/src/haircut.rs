//! Haircut of remote collateral (docs/protocol.md §6).

use isthmus_pricing::math::sqrt;
use isthmus_pricing::{Fixed, Rounding};

use crate::error::{MarginError, MarginResult};
use crate::scenario::DAYS_PER_YEAR;

/// Seconds in the 365-day year of the haircut formula.
pub const SECONDS_PER_YEAR: u64 = DAYS_PER_YEAR as u64 * 86_400;

/// Horizons beyond 100 years are treated as 100 years: with any `z·vol > 0` the haircut is
/// capped at 1 long before, and the clamp keeps the computation inside `Fixed`'s range. The
/// clamp preserves monotonicity in staleness.
pub const MAX_HORIZON_SECONDS: u64 = 100 * SECONDS_PER_YEAR;

/// Risk parameters of one collateral asset at one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HaircutParams {
    /// Haircut at zero horizon, in [0, 1].
    pub base: Fixed,
    /// Number of standard deviations of the price move covered, ≥ 0.
    pub z: Fixed,
    /// Expected time to seize across the channel (relay + ack), in seconds.
    pub seize_latency_seconds: u64,
    /// Past this staleness the source backs no new risk (see [`is_stale`]).
    pub max_staleness_seconds: u64,
}

impl HaircutParams {
    /// `base` in [0, 1] and `z ≥ 0`.
    pub fn validate(&self) -> MarginResult<()> {
        if self.base.is_negative() || self.base > 1 {
            return Err(MarginError::InvalidParams { field: "haircut.base", reason: "must be in [0, 1]" });
        }
        if self.z.is_negative() {
            return Err(MarginError::InvalidParams { field: "haircut.z", reason: "must be >= 0" });
        }
        Ok(())
    }
}

/// Haircut of an asset with annualised volatility `vol` whose source was last heard from
/// `staleness_seconds` ago:
///
///   `h = min(1, base + z · vol · sqrt((staleness + seize_latency) / year))`
///
/// Rounding in the protocol's favour: the horizon in years is rounded up, `sqrt` is to
/// nearest (error ≤ 2^-89), and both products are rounded up. `h` is non-decreasing in
/// `staleness_seconds`, `vol`, `z` and `base`.
pub fn haircut(params: &HaircutParams, vol: Fixed, staleness_seconds: u64) -> MarginResult<Fixed> {
    params.validate()?;
    if vol.is_negative() {
        return Err(MarginError::InvalidInput { field: "collateral.vol", reason: "must be >= 0" });
    }
    let horizon = staleness_seconds.saturating_add(params.seize_latency_seconds).min(MAX_HORIZON_SECONDS);
    let years = Fixed::from_ratio_rounded(horizon as i128, SECONDS_PER_YEAR as i128, Rounding::Ceil)?;
    let move_ = params.z.mul_rounded(vol, Rounding::Ceil)?.mul_rounded(sqrt(years)?, Rounding::Ceil)?;
    Ok(params.base.checked_add(move_)?.min(Fixed::ONE))
}

/// A source is stale when `staleness_seconds > max_staleness_seconds`. Stale collateral still
/// counts toward maintenance (a slow relayer must not make accounts liquidatable) but not toward
/// initial margin (no new risk is taken on it).
pub fn is_stale(params: &HaircutParams, staleness_seconds: u64) -> bool {
    staleness_seconds > params.max_staleness_seconds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    fn params() -> HaircutParams {
        HaircutParams { base: q(2, 100), z: q(3, 1), seize_latency_seconds: 600, max_staleness_seconds: 3600 }
    }

    #[test]
    fn formula_values() {
        // horizon = 1 year exactly: h = 0.02 + 3 · 0.5 · 1 = 1.52 → capped at 1
        let p = HaircutParams { seize_latency_seconds: 0, ..params() };
        assert_eq!(haircut(&p, Fixed::HALF, SECONDS_PER_YEAR).unwrap(), Fixed::ONE);
        // horizon = year / 4: h = 0.02 + 3 · 0.1 · 0.5 = 0.17
        let h = haircut(&p, q(1, 10), SECONDS_PER_YEAR / 4).unwrap();
        assert!(h >= q(17, 100) && h.checked_sub(q(17, 100)).unwrap().to_raw() < 1 << 20);
        // zero vol: base only, whatever the staleness
        assert_eq!(haircut(&params(), Fixed::ZERO, u64::MAX).unwrap(), q(2, 100));
        // 1 hour stale + 10 min latency, vol 80 %: 0.02 + 3·0.8·sqrt(4200/31536000) = 0.0476969905...
        let h = haircut(&params(), q(8, 10), 3600).unwrap();
        assert_eq!(h.mul_int(1_000_000_000, Rounding::Floor).unwrap(), 47_696_990);
    }

    #[test]
    fn refusals_and_staleness() {
        let mut p = params();
        p.base = q(-1, 100);
        assert!(haircut(&p, Fixed::ONE, 0).is_err());
        assert!(haircut(&params(), q(-1, 10), 0).is_err());
        assert!(!is_stale(&params(), 3600));
        assert!(is_stale(&params(), 3601));
    }
}
