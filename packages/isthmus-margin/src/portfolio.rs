//! The account-level margin: equity, maintenance and initial margin, and their breakdown.

use isthmus_pricing::Rounding;

use crate::book::{value_book, BookTotals, UnderlyingBook};
use crate::collateral::{self, CollateralItem};
use crate::error::{overflow, MarginResult};
use crate::params::MarginParams;
use crate::scenario::{scenarios, Scenario};
use crate::units::QuoteUnits;

/// Everything the margin of one account depends on. Money is in quote base units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Quote held by the engine for the account on T; negative is debt.
    pub cash: i128,
    /// Options by underlying. Margin is computed per underlying and summed (no offsets across
    /// underlyings).
    pub underlyings: Vec<UnderlyingBook>,
    pub collateral: Vec<CollateralItem>,
}

/// Margin of one underlying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnderlyingMargin {
    /// Index into the scenario grid ([`crate::scenarios`]) of the worst scenario (the first
    /// one on ties), maintenance basis.
    pub worst_scenario: usize,
    pub worst: Scenario,
    /// `max_s Lₛ` counting all linked collateral (may be negative: the book gains everywhere).
    pub worst_loss: QuoteUnits,
    /// The same counting only fresh linked collateral (the basis of the initial margin).
    pub worst_loss_initial: QuoteUnits,
    /// Short-option floor of this underlying.
    pub short_floor: QuoteUnits,
    /// `Lₛ` for every scenario, maintenance basis.
    pub scenario_losses: Vec<QuoteUnits>,
}

/// Result of [`evaluate`], every amount in quote base units ([`QuoteUnits`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarginBreakdown {
    /// `cash + Σ collateral value + Σ marked short liabilities`: compared with the maintenance
    /// margin.
    pub equity: QuoteUnits,
    /// The same without stale collateral: compared with the initial margin.
    pub equity_initial: QuoteUnits,
    /// `Σ ⌊amount · P · (1 − h)⌋` over all collateral items.
    pub collateral_value: QuoteUnits,
    /// `Σ ⌊initial_amount · P · (1 − h)⌋` over fresh items only.
    pub collateral_value_initial: QuoteUnits,
    /// `Σ ⌊q·c·P₀⌋` over net short series (≤ 0); part of equity.
    pub short_options_mark: QuoteUnits,
    /// `Σ ⌊q·c·P₀⌋` over net long series (≥ 0); reported, NOT part of equity (it offsets
    /// scenario losses instead).
    pub long_options_mark: QuoteUnits,
    /// `MM = Σ_u (max(worst_loss_u, 0) + short_floor_u)`.
    pub maintenance_margin: QuoteUnits,
    /// `IM = ⌈factor · Σ_u (max(worst_loss_initial_u, 0) + short_floor_u)⌉ ≥ MM`.
    pub initial_margin: QuoteUnits,
    pub underlyings: Vec<UnderlyingMargin>,
    /// Black-Scholes `price` calls made by this evaluation.
    pub price_calls: u32,
}

impl MarginBreakdown {
    /// Liquidatable: `equity < MM`.
    pub fn is_liquidatable(&self) -> bool {
        self.equity < self.maintenance_margin
    }

    /// May take new risk (trade, withdraw): `equity_initial ≥ IM`.
    pub fn meets_initial_margin(&self) -> bool {
        self.equity_initial >= self.initial_margin
    }
}

/// Portfolio margin of `account`. For each underlying `u` and scenario `s`:
///
///   `Lᵤ,ₛ = options loss (see book) + Σ_{collateral linked to u} gain credit (≤ 0)`
///
///   `MM = Σᵤ (max(maxₛ Lᵤ,ₛ, 0) + short_floorᵤ)`
///   `IM = ⌈factor · Σᵤ (max(maxₛ L'ᵤ,ₛ, 0) + short_floorᵤ)⌉`, where `L'` counts only fresh
///   collateral, each item for its `initial_amount`; since credits are ≤ 0 and
///   `initial_amount ≤ amount`, `L' ≥ L` and `IM ≥ MM`.
///
///   `equity = cash + Σ collateral value + short options mark`, and `equity_initial` likewise
///   without stale collateral and with each item valued at its `initial_amount`.
///
/// All money rounds in the protocol's favour (values down, losses and requirements up).
pub fn evaluate(account: &Account, params: &MarginParams) -> MarginResult<MarginBreakdown> {
    params.validate()?;
    let qd = params.quote_decimals;
    let grid = scenarios(params);
    let spots: Vec<_> = account.underlyings.iter().map(|b| b.spot).collect();
    let valued = account
        .collateral
        .iter()
        .enumerate()
        .map(|(i, item)| collateral::value(item, i, &spots, qd))
        .collect::<MarginResult<Vec<_>>>()?;
    let add = |a: i128, b: i128| a.checked_add(b).ok_or(overflow("sum"));
    let mut out = empty_breakdown(account.underlyings.len());
    for v in &valued {
        out.collateral_value = out.collateral_value.checked_add(QuoteUnits::new(v.value))?;
        if !v.stale {
            out.collateral_value_initial =
                out.collateral_value_initial.checked_add(QuoteUnits::new(v.value_initial))?;
        }
    }
    let mut mm_initial_basis = 0i128;
    for (u, book) in account.underlyings.iter().enumerate() {
        let b = value_book(book, u, &grid, params)?;
        out.price_calls = out.price_calls.saturating_add(b.price_calls);
        let b = b.totals;
        let mut losses = b.losses.clone();
        let mut losses_initial = losses.clone();
        for v in valued.iter().filter(|v| v.linked == Some(u)) {
            for (s, scenario) in grid.iter().enumerate() {
                let (l, l_initial) = v.scenario_loss(scenario.spot_move, qd)?;
                losses[s] = add(losses[s], l)?;
                if !v.stale {
                    losses_initial[s] = add(losses_initial[s], l_initial)?;
                }
            }
        }
        add_underlying(&mut out, &mut mm_initial_basis, &b, losses, losses_initial, &grid, params)?;
    }
    finish(&mut out, account.cash, mm_initial_basis, params)?;
    Ok(out)
}

/// Margin of books given as running totals ([`BookTotals`], one per underlying) with no
/// collateral but `cash`: how the engine margins its pool without revaluing every series
/// (docs/pool-risk.md). Equal to [`evaluate`] of the same positions when no node holds both a
/// call and a put (`evaluate` prices such a put by parity, which may round differently).
pub fn evaluate_totals(cash: i128, books: &[BookTotals], params: &MarginParams) -> MarginResult<MarginBreakdown> {
    params.validate()?;
    let grid = scenarios(params);
    let mut out = empty_breakdown(books.len());
    let mut mm_initial_basis = 0i128;
    for b in books {
        if b.losses.len() != grid.len() {
            return Err(crate::error::MarginError::InvalidInput { field: "totals", reason: "not on this grid" });
        }
        add_underlying(&mut out, &mut mm_initial_basis, b, b.losses.clone(), b.losses.clone(), &grid, params)?;
    }
    finish(&mut out, cash, mm_initial_basis, params)?;
    Ok(out)
}

fn empty_breakdown(underlyings: usize) -> MarginBreakdown {
    MarginBreakdown {
        equity: QuoteUnits::ZERO,
        equity_initial: QuoteUnits::ZERO,
        collateral_value: QuoteUnits::ZERO,
        collateral_value_initial: QuoteUnits::ZERO,
        short_options_mark: QuoteUnits::ZERO,
        long_options_mark: QuoteUnits::ZERO,
        maintenance_margin: QuoteUnits::ZERO,
        initial_margin: QuoteUnits::ZERO,
        underlyings: Vec::with_capacity(underlyings),
        price_calls: 0,
    }
}

/// Adds one underlying's marks and margin: tail scenarios weighted, the worst scenario found.
fn add_underlying(
    out: &mut MarginBreakdown,
    mm_initial_basis: &mut i128,
    b: &BookTotals,
    mut losses: Vec<i128>,
    mut losses_initial: Vec<i128>,
    grid: &[Scenario],
    params: &MarginParams,
) -> MarginResult<()> {
    let add = |a: i128, b: i128| a.checked_add(b).ok_or(overflow("sum"));
    out.short_options_mark = out.short_options_mark.checked_add(QuoteUnits::new(b.short_mark))?;
    out.long_options_mark = out.long_options_mark.checked_add(QuoteUnits::new(b.long_mark))?;
    // Tail scenarios count dampened: `⌈weight · loss⌉` (a gain stays a gain, scaled).
    for s in (0..grid.len()).filter(|s| crate::scenario::is_tail(*s, params)) {
        losses[s] = params.tail_weight.mul_int(losses[s], Rounding::Ceil)?;
        losses_initial[s] = params.tail_weight.mul_int(losses_initial[s], Rounding::Ceil)?;
    }
    let (worst_scenario, worst_loss) = worst(&losses);
    let (_, worst_loss_initial) = worst(&losses_initial);
    out.maintenance_margin =
        QuoteUnits::new(add(add(out.maintenance_margin.get(), worst_loss.max(0))?, b.short_floor)?);
    *mm_initial_basis = add(add(*mm_initial_basis, worst_loss_initial.max(0))?, b.short_floor)?;
    out.underlyings.push(UnderlyingMargin {
        worst_scenario,
        worst: grid[worst_scenario],
        worst_loss: QuoteUnits::new(worst_loss),
        worst_loss_initial: QuoteUnits::new(worst_loss_initial),
        short_floor: QuoteUnits::new(b.short_floor),
        scenario_losses: losses.into_iter().map(QuoteUnits::new).collect(),
    });
    Ok(())
}

/// Initial margin and equity once every underlying is in.
fn finish(out: &mut MarginBreakdown, cash: i128, mm_initial_basis: i128, params: &MarginParams) -> MarginResult<()> {
    let cash = QuoteUnits::new(cash);
    out.initial_margin = QuoteUnits::new(params.initial_margin_factor.mul_int(mm_initial_basis, Rounding::Ceil)?);
    out.equity = cash.checked_add(out.collateral_value)?.checked_add(out.short_options_mark)?;
    out.equity_initial = cash.checked_add(out.collateral_value_initial)?.checked_add(out.short_options_mark)?;
    Ok(())
}

/// Index and value of the largest loss (first on ties); `(0, 0)` for an empty grid, which
/// validation forbids.
fn worst(losses: &[i128]) -> (usize, i128) {
    let mut best = (0, losses.first().copied().unwrap_or(0));
    for (i, l) in losses.iter().enumerate().skip(1) {
        if *l > best.1 {
            best = (i, *l);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use isthmus_pricing::{Fixed, OptionKind};

    use super::*;
    use crate::book::{ExpiryVol, Leg};
    use crate::error::MarginError;

    fn q(n: i128, d: i128) -> Fixed {
        Fixed::from_ratio(n, d).unwrap()
    }

    fn short_put(expiry_years: Fixed, strike: i128) -> Leg {
        Leg {
            kind: OptionKind::Put,
            strike: Fixed::from_int(strike).unwrap(),
            expiry_years,
            quantity: -2,
            contract_size: Fixed::ONE,
        }
    }

    fn account(cash: i128, legs: Vec<Leg>) -> Account {
        let book = UnderlyingBook {
            spot: Fixed::from_int(100).unwrap(),
            rate: Fixed::ZERO,
            vols: vec![ExpiryVol { expiry_years: q(1, 12), vol: q(1, 2) }],
            legs,
        };
        Account { cash, underlyings: vec![book], collateral: vec![] }
    }

    #[test]
    fn input_errors_name_the_culprit() {
        let p = MarginParams::default();
        let a = account(0, vec![short_put(q(1, 12), 90), short_put(q(1, 4), 90)]);
        assert_eq!(evaluate(&a, &p).unwrap_err(), MarginError::MissingVol { underlying: 0, leg: 1 });
        let a = account(0, vec![short_put(q(1, 12), 0)]);
        assert!(matches!(evaluate(&a, &p).unwrap_err(), MarginError::InvalidInput { field: "leg", .. }));
        let mut bad = p.clone();
        bad.initial_margin_factor = Fixed::ZERO;
        assert!(matches!(evaluate(&account(0, vec![]), &bad), Err(MarginError::InvalidParams { .. })));
    }

    /// A far out-of-the-money short call close to expiry needs little more than its floor under
    /// the ±30% grid; a +50% tail move at weight 1/3 makes it carry margin for the gap.
    #[test]
    fn tail_moves_margin_the_gap_beyond_the_grid() {
        let call = Leg {
            kind: OptionKind::Call,
            strike: Fixed::from_int(140).unwrap(),
            expiry_years: q(1, 365),
            quantity: -10,
            contract_size: Fixed::ONE,
        };
        let mut a = account(0, vec![call]);
        a.underlyings[0].vols = vec![ExpiryVol { expiry_years: q(1, 365), vol: q(1, 2) }];
        let grid_only = evaluate(&a, &MarginParams::default()).unwrap();
        let u = &grid_only.underlyings[0];
        assert!(u.worst_loss.get() < 5_000_000, "the ±30% grid sees a loss of a few quote units at most: {u:?}");
        let with_tails =
            MarginParams { tail_moves: vec![q(-1, 2), q(1, 2)], tail_weight: q(1, 3), ..MarginParams::default() };
        let tails = evaluate(&a, &with_tails).unwrap();
        let t = &tails.underlyings[0];
        assert_eq!(t.worst.to_string(), "spot +50.00% vol up");
        // At +50% (spot 150) the calls are worth at least their intrinsic 10 each: 100 quote
        // units, a third of which counts.
        assert!(t.worst_loss.get() >= 100_000_000 / 3, "{t:?}");
        assert!(tails.maintenance_margin.get() - grid_only.maintenance_margin.get() >= 100_000_000 / 3 - 5_000_000);
        assert_eq!(t.scenario_losses.len(), 27 + 2);
    }

    #[test]
    fn liquidation_and_new_risk_thresholds() {
        let p = MarginParams::default();
        let r = evaluate(&account(0, vec![short_put(q(1, 12), 100)]), &p).unwrap();
        // short 2 ATM puts: equity is minus their mark; MM > 0; an account with no cash fails both
        assert!(r.equity.is_negative() && r.maintenance_margin > QuoteUnits::ZERO);
        assert!(r.is_liquidatable() && !r.meets_initial_margin());
        // exactly enough cash for IM: passes both; one base unit less fails IM only
        let cash = r.initial_margin.get() - r.equity.get();
        let ok = evaluate(&account(cash, vec![short_put(q(1, 12), 100)]), &p).unwrap();
        assert!(ok.meets_initial_margin() && !ok.is_liquidatable());
        let short = evaluate(&account(cash - 1, vec![short_put(q(1, 12), 100)]), &p).unwrap();
        assert!(!short.meets_initial_margin() && !short.is_liquidatable());
        assert_eq!(r.underlyings[0].worst.to_string(), "spot -30.00% vol up");
    }
}
