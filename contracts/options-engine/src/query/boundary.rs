//! Where a margin test flips, found in few evaluations: the views that search for a liquidation
//! price or for the most withdrawable evaluate a whole margin per trial (on a real chain a
//! 16-leg margin costs about 80,000 gas), and bisection over a 40-bit range would take 40 of
//! them, above wasmd's query gas limit (docs/integrating.md, "Views for a UI").
//!
//! The search is the Illinois variant of regula falsi on the margin's excess `f` (equity less
//! the requirement), which is nearly linear in a price or an amount: interpolation lands next
//! to the crossing, and halving the excess kept at a stale end moves the other end too. When
//! three steps have not halved the bracket, the next step is a bisection, so the search never
//! takes more than about three times the steps of bisection.

use crate::error::{ContractError, ContractResult};

/// The bracket `(good, bad)` with `f(good) >= 0 > f(bad)`, at most `tolerance` apart (or as
/// close as `max_evals` evaluations of `f` brought them). `good` and `bad` may be in either
/// order; `f_good` and `f_bad` are `f` at them.
pub fn narrow(
    (mut good, mut f_good): (u128, i128),
    (mut bad, mut f_bad): (u128, i128),
    tolerance: u128,
    max_evals: u32,
    mut f: impl FnMut(u128) -> ContractResult<i128>,
) -> ContractResult<(u128, u128)> {
    let overflow = || ContractError::overflow("search");
    let mut kept: i8 = 0; // which end the last two steps kept: 1 good, -1 bad
                          // The bracket's width one, two and three steps ago.
    let mut widths = [u128::MAX; 3];
    for _ in 0..max_evals {
        let width = good.abs_diff(bad);
        if width <= tolerance.max(1) {
            break;
        }
        let bisect = widths[2] != u128::MAX && width > widths[2] / 2;
        // Distance from `good` towards `bad`: interpolated, or half the width.
        // At an excess of exactly zero (a flat stretch) interpolation says nothing: bisect.
        let step = if bisect || f_good == 0 {
            width / 2
        } else {
            let span = f_good.checked_sub(f_bad).ok_or_else(overflow)?.unsigned_abs();
            mul_div(width, f_good.unsigned_abs(), span)?
        }
        .clamp(1, width - 1);
        let x = if bad > good { good + step } else { good - step };
        let fx = f(x)?;
        widths = [width, widths[0], widths[1]];
        if fx >= 0 {
            (good, f_good) = (x, fx);
            if kept == 1 {
                f_bad /= 2;
            }
            kept = 1;
        } else {
            (bad, f_bad) = (x, fx);
            if kept == -1 {
                f_good /= 2;
            }
            kept = -1;
        }
    }
    Ok((good, bad))
}

/// `⌊a × b / c⌋` without overflow for `b <= c`.
fn mul_div(a: u128, b: u128, c: u128) -> ContractResult<u128> {
    let wide = cosmwasm_std::Uint256::from(a)
        .checked_mul(b.into())?
        .checked_div(c.into())
        .map_err(|_| ContractError::overflow("search"))?;
    Ok(cosmwasm_std::Uint128::try_from(wide)?.u128())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(
        threshold: u128,
        lo: u128,
        hi: u128,
        slope: i128,
        kink: Option<(u128, i128)>,
        tolerance: u128,
    ) -> ((u128, u128), u32) {
        // f decreasing in x, zero just after `threshold`: f(x) >= 0 iff x <= threshold.
        let f = |x: u128| -> i128 {
            let mut v = (threshold as i128 - x as i128) * slope + slope / 2;
            if let Some((at, extra)) = kink {
                if x > at {
                    v -= (x - at) as i128 * extra;
                }
            }
            v
        };
        let mut calls = 0;
        let bracket = narrow((lo, f(lo)), (hi, f(hi)), tolerance, 64, |x| {
            calls += 1;
            Ok(f(x))
        })
        .unwrap();
        (bracket, calls)
    }

    #[test]
    fn a_linear_excess_is_found_exactly_in_a_few_steps() {
        let ((good, bad), calls) = search(357_622_790, 0, 1_000_000_000_000, 3, None, 1);
        assert_eq!((good, bad), (357_622_790, 357_622_791));
        assert!(calls <= 6, "{calls}");
    }

    #[test]
    fn a_kinked_excess_is_found_exactly_within_three_times_the_bisection_steps() {
        // Falls by 7 per unit to 10^10, then by 1,007: the crossing is just past the kink.
        let ((good, bad), calls) = search(12_345_678_901, 0, 1 << 40, 7, Some((10_000_000_000, 1_000)), 1);
        let f = |x: u128| (12_345_678_901i128 - x as i128) * 7 + 3 - (x as i128 - 10_000_000_000) * 1_000;
        assert!(f(good) >= 0 && f(good + 1) < 0 && bad == good + 1, "{good} {bad}");
        assert!(calls <= 3 * 41, "{calls}");
    }

    #[test]
    fn the_ends_may_come_in_either_order_and_a_tolerance_stops_early() {
        // Good above, bad below (a spot falling towards liquidation).
        let f = |x: u128| x as i128 - 7_300;
        let (good, bad) = narrow((10_000, f(10_000)), (1_000, f(1_000)), 5, 64, |x| Ok(f(x))).unwrap();
        assert!(f(good) >= 0 && f(bad) < 0 && good - bad <= 5, "{good} {bad}");
        // Out of evaluations: still a valid bracket.
        let (good, bad) = narrow((10_000, f(10_000)), (1_000, f(1_000)), 1, 1, |x| Ok(f(x))).unwrap();
        assert!(f(good) >= 0 && f(bad) < 0, "{good} {bad}");
    }
}
