//! The scenario grid: spot moves × volatility shocks, and the term scaling of the shocks.

use core::fmt;

use isthmus_pricing::math::{exp, ln};
use isthmus_pricing::Fixed;

use crate::error::MarginResult;
use crate::params::MarginParams;

/// Days per year used to turn `expiry_years` into days to expiry (and seconds into years in the
/// haircut): 365.
pub const DAYS_PER_YEAR: i128 = 365;

/// Direction of the volatility shock of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VolShock {
    Down,
    None,
    Up,
}

/// One scenario: the underlying moves by `spot_move` (a fraction of spot) and every expiry's
/// volatility is shocked in direction `vol_shock`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub spot_move: Fixed,
    pub vol_shock: VolShock,
}

impl Scenario {
    /// The unshocked scenario (today's marks).
    pub fn is_base(&self) -> bool {
        self.spot_move.is_zero() && self.vol_shock == VolShock::None
    }
}

impl fmt::Display for Scenario {
    /// e.g. `spot -15.00% vol up`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // basis points, rounded to nearest; the move is within (−1, 10] so this cannot overflow
        let bp = self.spot_move.mul_int(10_000, isthmus_pricing::Rounding::Nearest).unwrap_or(0);
        let sign = if bp < 0 { "-" } else { "+" };
        let bp = bp.unsigned_abs();
        let shock = match self.vol_shock {
            VolShock::Down => "down",
            VolShock::None => "none",
            VolShock::Up => "up",
        };
        write!(f, "spot {sign}{}.{:02}% vol {shock}", bp / 100, bp % 100)
    }
}

/// The grid in evaluation order: scenario `i × vol_shocks.len() + j` is
/// `(spot_moves[i], vol_shocks[j])`; then the tail scenarios `(tail_moves[k], up)`, whose
/// losses count weighted (see [`is_tail`]).
pub fn scenarios(params: &MarginParams) -> Vec<Scenario> {
    let mut out = Vec::with_capacity(params.scenario_count() + params.tail_moves.len());
    for &spot_move in &params.spot_moves {
        for &vol_shock in &params.vol_shocks {
            out.push(Scenario { spot_move, vol_shock });
        }
    }
    for &spot_move in &params.tail_moves {
        out.push(Scenario { spot_move, vol_shock: VolShock::Up });
    }
    out
}

/// Whether scenario `index` of [`scenarios`] is a tail scenario.
pub fn is_tail(index: usize, params: &MarginParams) -> bool {
    index >= params.scenario_count()
}

/// Term scaling of the volatility shocks for an expiry `T` years away:
///
///   `scale(T) = (D_ref / max(365·T, D_min))^p = exp(p · ln(D_ref / max(365·T, D_min)))`
///
/// (`D_ref` = `vol_shock_reference_days`, `D_min` = `min_days_to_expiry`, `p` =
/// `vol_shock_exponent`). Short expiries get larger shocks, capped by the floor on days;
/// rounding is to nearest (the shock is a model input, not money).
pub fn shock_scale(expiry_years: Fixed, params: &MarginParams) -> MarginResult<Fixed> {
    if params.vol_shock_exponent.is_zero() {
        return Ok(Fixed::ONE);
    }
    let days = expiry_years.checked_mul(Fixed::from_int(DAYS_PER_YEAR)?)?.max(params.min_days_to_expiry);
    let ratio = params.vol_shock_reference_days.checked_div(days)?;
    Ok(exp(params.vol_shock_exponent.checked_mul(ln(ratio)?)?)?)
}

/// Volatility of an expiry in a scenario, with `s = scale(T)` from [`shock_scale`]:
///
/// * up:   `σ + shock_up · s`
/// * none: `σ`
/// * down: `max(σ − shock_down · s, min(σ, min_vol))`
pub fn shocked_vol(vol: Fixed, scale: Fixed, shock: VolShock, params: &MarginParams) -> MarginResult<Fixed> {
    Ok(match shock {
        VolShock::None => vol,
        VolShock::Up => vol.checked_add(params.vol_shock_up.checked_mul(scale)?)?,
        VolShock::Down => {
            let down = vol.checked_sub(params.vol_shock_down.checked_mul(scale)?)?;
            down.max(vol.min(params.min_vol))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    fn close(a: Fixed, b: Fixed) -> bool {
        // 2^-40 ≈ 1e-12: far below what margin needs, robust to the pricing kernels' precision
        a.checked_sub(b).unwrap().checked_abs().unwrap().to_raw() < 1 << 48
    }

    #[test]
    fn shocks_scale_with_sqrt_of_30_over_dte_and_respect_floors() {
        let p = MarginParams::default(); // p = 0.5, D_ref = 30, D_min = 1
        assert!(close(shock_scale(q(30, 365), &p).unwrap(), Fixed::ONE));
        assert!(close(shock_scale(q(120, 365), &p).unwrap(), Fixed::HALF));
        // 7.5 days: sqrt(4) = 2
        assert!(close(shock_scale(q(15, 730), &p).unwrap(), Fixed::TWO));
        // at and past expiry the floor of 1 day applies: sqrt(30)
        let floor = shock_scale(Fixed::ZERO, &p).unwrap();
        assert_eq!(floor, shock_scale(q(1, 730), &p).unwrap());
        assert!(close(floor.checked_mul(floor).unwrap(), Fixed::from_int(30).unwrap()));
        let vol = q(60, 100);
        assert!(close(shocked_vol(vol, Fixed::TWO, VolShock::Up, &p).unwrap(), q(80, 100)));
        assert_eq!(shocked_vol(vol, Fixed::TWO, VolShock::None, &p).unwrap(), vol);
        assert!(close(shocked_vol(vol, Fixed::TWO, VolShock::Down, &p).unwrap(), q(40, 100)));
        // down shock floored at min_vol = 5 %, and never raises a vol already below it
        assert_eq!(shocked_vol(q(10, 100), Fixed::ONE, VolShock::Down, &p).unwrap(), q(5, 100));
        assert_eq!(shocked_vol(q(3, 100), Fixed::ONE, VolShock::Down, &p).unwrap(), q(3, 100));
    }

    #[test]
    fn grid_order_and_labels() {
        let p = MarginParams::default();
        let grid = scenarios(&p);
        assert_eq!(grid.len(), 27);
        assert_eq!(grid[0].to_string(), "spot -30.00% vol down");
        assert_eq!(grid[13].to_string(), "spot +0.00% vol none");
        assert!(grid[13].is_base());
        assert_eq!(grid[26].to_string(), "spot +30.00% vol up");
    }
}
