//! Risk parameters of the scenario margin, with defaults and validation.

use isthmus_pricing::Fixed;

use crate::error::{MarginError, MarginResult};
use crate::scenario::VolShock;
use crate::units::MAX_DECIMALS;

/// Largest scenario grid accepted (`spot_moves.len() × vol_shocks.len()`), to bound the cost of
/// one evaluation: at most `nodes × MAX_SCENARIOS` Black-Scholes prices.
pub const MAX_SCENARIOS: usize = 64;

/// Parameters of the portfolio margin. All fractions are `Fixed` (0.15 = 15 %).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarginParams {
    /// Relative spot moves of the grid (−0.15 = spot × 0.85). Each in (−1, 10].
    /// Default: −30, −15, −10, −5, 0, +5, +10, +15, +30 % (±30 % are the tail moves).
    pub spot_moves: Vec<Fixed>,
    /// Volatility shocks combined with every spot move. Default: down, none, up.
    pub vol_shocks: Vec<VolShock>,
    /// Absolute volatility added by an up shock at the reference expiry (0.10 = +10 vol points).
    pub vol_shock_up: Fixed,
    /// Absolute volatility removed by a down shock at the reference expiry.
    pub vol_shock_down: Fixed,
    /// Exponent p of the term scaling `(reference_days / days)^p`, in [0, 2].
    pub vol_shock_exponent: Fixed,
    /// Reference days to expiry at which the shocks apply unscaled (30).
    pub vol_shock_reference_days: Fixed,
    /// Floor on days to expiry in the term scaling, so short expiries do not blow up (> 0).
    pub min_days_to_expiry: Fixed,
    /// A down shock never takes a volatility below `min(vol, min_vol)`.
    pub min_vol: Fixed,
    /// Floor per unit of underlying sold: this fraction of spot, added to the maintenance margin
    /// for every net short option (in [0, 1]).
    pub short_option_floor: Fixed,
    /// Initial margin = this factor × the maintenance margin (≥ 1).
    pub initial_margin_factor: Fixed,
    /// Decimals of the quote denom: results are in `whole quote × 10^quote_decimals`.
    pub quote_decimals: u32,
    /// Tail moves beyond the grid (gap risk, in the style of Deribit's extended table), each
    /// in (−1, 10], evaluated with volatility up; at most [`MAX_TAIL_MOVES`]. Default: none.
    pub tail_moves: Vec<Fixed>,
    /// Weight of a tail scenario's loss in [0, 1] (the loss counts `⌈weight · loss⌉`): a
    /// large move is less likely than the grid's, so it counts dampened. Default: 0.
    pub tail_weight: Fixed,
}

/// Most tail moves accepted.
pub const MAX_TAIL_MOVES: usize = 8;

fn pct(n: i128) -> Fixed {
    // |n| ≤ 1000 in this file: from_ratio cannot fail
    Fixed::from_ratio(n, 100).unwrap_or(Fixed::ZERO)
}

impl Default for MarginParams {
    fn default() -> Self {
        MarginParams {
            spot_moves: [-30, -15, -10, -5, 0, 5, 10, 15, 30].into_iter().map(pct).collect(),
            vol_shocks: vec![VolShock::Down, VolShock::None, VolShock::Up],
            vol_shock_up: pct(10),
            vol_shock_down: pct(10),
            vol_shock_exponent: pct(50),
            vol_shock_reference_days: pct(3000),
            min_days_to_expiry: pct(100),
            min_vol: pct(5),
            short_option_floor: pct(1),
            initial_margin_factor: pct(130),
            quote_decimals: 6,
            tail_moves: vec![],
            tail_weight: Fixed::ZERO,
        }
    }
}

impl MarginParams {
    /// Number of scenarios: `spot_moves.len() × vol_shocks.len()`.
    pub fn scenario_count(&self) -> usize {
        self.spot_moves.len().saturating_mul(self.vol_shocks.len())
    }

    /// Checks every range documented on the fields.
    pub fn validate(&self) -> MarginResult<()> {
        let bad = |field, reason| Err(MarginError::InvalidParams { field, reason });
        let (zero, one) = (Fixed::ZERO, Fixed::ONE);
        if self.spot_moves.is_empty() || self.vol_shocks.is_empty() {
            return bad("spot_moves/vol_shocks", "must not be empty");
        }
        if self.scenario_count() > MAX_SCENARIOS {
            return bad("spot_moves/vol_shocks", "more than MAX_SCENARIOS scenarios");
        }
        if self.spot_moves.iter().any(|m| *m <= -1 || *m > 10) {
            return bad("spot_moves", "each move must be in (-1, 10]");
        }
        if self.vol_shock_up < zero || self.vol_shock_down < zero || self.vol_shock_up > 10 {
            return bad("vol_shock_up/down", "must be in [0, 10]");
        }
        if self.vol_shock_exponent < zero || self.vol_shock_exponent > 2 {
            return bad("vol_shock_exponent", "must be in [0, 2]");
        }
        if self.vol_shock_reference_days <= zero || self.vol_shock_reference_days > 3650 {
            return bad("vol_shock_reference_days", "must be in (0, 3650]");
        }
        if self.min_days_to_expiry <= zero || self.min_days_to_expiry > self.vol_shock_reference_days {
            return bad("min_days_to_expiry", "must be in (0, reference days]");
        }
        if self.min_vol < zero {
            return bad("min_vol", "must be >= 0");
        }
        if self.short_option_floor < zero || self.short_option_floor > one {
            return bad("short_option_floor", "must be in [0, 1]");
        }
        if self.initial_margin_factor < one || self.initial_margin_factor > 100 {
            return bad("initial_margin_factor", "must be in [1, 100]");
        }
        if self.tail_moves.len() > MAX_TAIL_MOVES || self.tail_moves.iter().any(|m| *m <= -1 || *m > 10) {
            return bad("tail_moves", "at most 8 moves, each in (-1, 10]");
        }
        if self.tail_weight < zero || self.tail_weight > one {
            return bad("tail_weight", "must be in [0, 1]");
        }
        if self.quote_decimals > MAX_DECIMALS {
            return bad("quote_decimals", "must be <= 36");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_refusals_name_the_field() {
        let p = MarginParams::default();
        p.validate().unwrap();
        assert_eq!(p.scenario_count(), 27);
        assert_eq!(p.spot_moves[0], Fixed::from_ratio(-3, 10).unwrap());
        let refuse = |f: fn(&mut MarginParams), field: &str| {
            let mut p = MarginParams::default();
            f(&mut p);
            match p.validate() {
                Err(MarginError::InvalidParams { field: got, .. }) => assert_eq!(got, field),
                other => panic!("expected refusal of {field}, got {other:?}"),
            }
        };
        refuse(|p| p.spot_moves.push(Fixed::from_int(-1).unwrap()), "spot_moves");
        refuse(|p| p.initial_margin_factor = Fixed::HALF, "initial_margin_factor");
        refuse(|p| p.min_days_to_expiry = Fixed::ZERO, "min_days_to_expiry");
        refuse(|p| p.short_option_floor = Fixed::TWO, "short_option_floor");
        refuse(|p| p.quote_decimals = 37, "quote_decimals");
        refuse(|p| p.tail_moves = vec![Fixed::HALF; 9], "tail_moves");
        refuse(|p| p.tail_weight = Fixed::TWO, "tail_weight");
        refuse(|p| p.vol_shocks.clear(), "spot_moves/vol_shocks");
        refuse(|p| p.spot_moves = vec![Fixed::ZERO; 22], "spot_moves/vol_shocks");
    }
}
