//! Options of one underlying: inputs, marks, scenario losses and short floors.

use isthmus_pricing::{price, BsInputs, Fixed, OptionKind, Rounding};

use crate::error::{overflow, MarginError, MarginResult};
use crate::params::MarginParams;
use crate::scenario::{shocked_vol, Scenario};
use crate::series::{net, Expiry, Node};
use crate::units::quote_units;

/// One option position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub kind: OptionKind,
    /// Strike in whole quote per whole unit of underlying (> 0).
    pub strike: Fixed,
    /// Time to expiry in years (≥ 0); must equal one of the underlying's [`ExpiryVol`]s exactly.
    pub expiry_years: Fixed,
    /// Contracts held: positive long, negative short.
    pub quantity: i128,
    /// Whole units of underlying per contract (> 0).
    pub contract_size: Fixed,
}

/// Implied volatility of one expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryVol {
    pub expiry_years: Fixed,
    pub vol: Fixed,
}

/// Market data and positions of one underlying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnderlyingBook {
    /// Oracle spot in whole quote per whole unit (> 0).
    pub spot: Fixed,
    /// Risk-free rate, annualised, continuously compounded.
    pub rate: Fixed,
    pub vols: Vec<ExpiryVol>,
    pub legs: Vec<Leg>,
}

/// What one underlying's options add to a margin, in quote base units. Totals of disjoint sets
/// of positions add exactly (each series is rounded on its own), which is what lets the engine
/// keep the pool's risk as a running sum (docs/pool-risk.md).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BookTotals {
    /// `⌊Σ_short q·size·P₀·10^qd⌋ ≤ 0`: the marked liability of the net short series.
    pub short_mark: i128,
    /// `⌊Σ_long q·size·P₀·10^qd⌋ ≥ 0`: marked value of the net long series (reported, not equity).
    pub long_mark: i128,
    /// Options' loss in each scenario (see [`value_book`]), before tail weighting.
    pub losses: Vec<i128>,
    /// `⌈Σ_short |q|·size·f·S·10^qd⌉` with `f` = `short_option_floor`.
    pub short_floor: i128,
}

impl BookTotals {
    /// Nothing held, over a grid of `scenarios` scenarios.
    pub fn zero(scenarios: usize) -> Self {
        BookTotals { short_mark: 0, long_mark: 0, losses: vec![0; scenarios], short_floor: 0 }
    }

    /// `self + sign · other`, field by field (`sign` is 1 or -1). Both must be on one grid.
    fn combine(&self, other: &BookTotals, add: bool) -> MarginResult<BookTotals> {
        if self.losses.len() != other.losses.len() {
            return Err(MarginError::InvalidInput { field: "totals", reason: "scenario grids differ" });
        }
        let op = |a: i128, b: i128| if add { a.checked_add(b) } else { a.checked_sub(b) }.ok_or(overflow("totals"));
        Ok(BookTotals {
            short_mark: op(self.short_mark, other.short_mark)?,
            long_mark: op(self.long_mark, other.long_mark)?,
            losses: self.losses.iter().zip(&other.losses).map(|(a, b)| op(*a, *b)).collect::<MarginResult<_>>()?,
            short_floor: op(self.short_floor, other.short_floor)?,
        })
    }

    pub fn checked_add(&self, other: &BookTotals) -> MarginResult<BookTotals> {
        self.combine(other, true)
    }

    pub fn checked_sub(&self, other: &BookTotals) -> MarginResult<BookTotals> {
        self.combine(other, false)
    }
}

/// What the margin needs from one underlying's options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BookValuation {
    pub totals: BookTotals,
    /// Black-Scholes `price` calls made.
    pub price_calls: u32,
}

/// Spot of every scenario.
fn scenario_spots(spot: Fixed, scenarios: &[Scenario]) -> MarginResult<Vec<Fixed>> {
    Ok(scenarios.iter().map(|s| spot.checked_mul(Fixed::ONE.checked_add(s.spot_move)?)).collect::<Result<_, _>>()?)
}

/// (call, put) of one node today and in every scenario.
#[allow(clippy::type_complexity)]
fn node_scenario_prices(
    node: &Node,
    e: &Expiry,
    book: &UnderlyingBook,
    spots: &[Fixed],
    scenarios: &[Scenario],
    params: &MarginParams,
    calls: &mut u32,
) -> MarginResult<((Fixed, Fixed), Vec<(Fixed, Fixed)>)> {
    let base = node_prices(node, e, book.spot, e.vol, book.rate, calls)?;
    let mut in_scenario = Vec::with_capacity(scenarios.len());
    for (s, scenario) in scenarios.iter().enumerate() {
        in_scenario.push(if scenario.is_base() {
            base
        } else {
            let vol = shocked_vol(e.vol, e.scale, scenario.vol_shock, params)?;
            node_prices(node, e, spots[s], vol, book.rate, calls)?
        });
    }
    Ok((base, in_scenario))
}

/// Adds one net series (`quantity` contracts of `size`, priced `p0` today and `in_scenario` in
/// each scenario) to `out`, each amount rounded on its own in the protocol's favour.
fn add_series(
    out: &mut BookTotals,
    p0: Fixed,
    in_scenario: impl Iterator<Item = Fixed>,
    size: Fixed,
    quantity: i128,
    floor_per_unit: Fixed,
    qd: u32,
) -> MarginResult<()> {
    let mark = quote_units(p0.checked_mul(size)?, quantity, qd, Rounding::Floor)?;
    let reference = if quantity < 0 {
        out.short_mark = out.short_mark.checked_add(mark).ok_or(overflow("short mark"))?;
        let short = quantity.checked_neg().ok_or(overflow("quantity"))?;
        let floor = quote_units(floor_per_unit.mul_rounded(size, Rounding::Ceil)?, short, qd, Rounding::Ceil)?;
        out.short_floor = out.short_floor.checked_add(floor).ok_or(overflow("short floor"))?;
        p0
    } else {
        out.long_mark = out.long_mark.checked_add(mark).ok_or(overflow("long mark"))?;
        Fixed::ZERO
    };
    for (loss, price) in out.losses.iter_mut().zip(in_scenario) {
        let per_contract = reference.checked_sub(price)?.checked_mul(size)?;
        let l = quote_units(per_contract, quantity, qd, Rounding::Ceil)?;
        *loss = loss.checked_add(l).ok_or(overflow("scenario loss"))?;
    }
    Ok(())
}

/// Revalues the options of `book` (the `u`-th underlying) in every scenario. Legs of the same
/// series and contract size are netted first, so offsetting legs cancel exactly. For a net
/// series with quantity `q`, size `c`, today's price `P₀` and scenario price `Pₛ`:
///
///   short (`q < 0`): `Lₛ = ⌈q · c · (P₀ − Pₛ) · 10^qd⌉`   (the liability's increase)
///   long  (`q > 0`): `Lₛ = ⌈−q · c · Pₛ · 10^qd⌉`          (the option's whole scenario value,
///                                                           as a credit)
///
/// Long options are not equity (see docs/margin.md): they only offset losses of the same book,
/// so adding one never increases the margin. Each `Lₛ` is rounded up; the book's loss is their
/// sum.
pub(crate) fn value_book(
    book: &UnderlyingBook,
    u: usize,
    scenarios: &[Scenario],
    params: &MarginParams,
) -> MarginResult<BookValuation> {
    let qd = params.quote_decimals;
    let (expiries, nodes, groups) = net(book, u, params)?;
    let mut out = BookValuation { totals: BookTotals::zero(scenarios.len()), price_calls: 0 };
    let spots = scenario_spots(book.spot, scenarios)?;
    let floor_per_unit = params.short_option_floor.mul_rounded(book.spot, Rounding::Ceil)?;
    for (n, node) in nodes.iter().enumerate() {
        if !node.has_call && !node.has_put {
            continue; // every leg at this node netted to zero: nothing to price
        }
        let e = &expiries[node.expiry];
        let (base, in_scenario) = node_scenario_prices(node, e, book, &spots, scenarios, params, &mut out.price_calls)?;
        for g in groups.iter().filter(|g| g.node == n) {
            let pick = |p: &(Fixed, Fixed)| if g.kind == OptionKind::Call { p.0 } else { p.1 };
            let prices = in_scenario.iter().map(pick);
            add_series(&mut out.totals, pick(&base), prices, g.size, g.quantity, floor_per_unit, qd)?;
        }
    }
    Ok(out)
}

/// One series priced today and in every scenario at one set of market data: what a position
/// of any quantity in it adds to a book ([`SeriesPrices::totals`]), without pricing it again.
/// Priced on its own (no put-call parity with a call at the same node), so that the totals of a
/// series do not depend on what else is held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesPrices {
    size: Fixed,
    base: Fixed,
    in_scenario: Vec<Fixed>,
    floor_per_unit: Fixed,
    quote_decimals: u32,
    /// Black-Scholes `price` calls made.
    pub price_calls: u32,
}

/// Prices `leg`'s series (its quantity is ignored) at `spot`, `rate` and `vol` in every
/// scenario of `params`' grid.
pub fn series_prices(
    spot: Fixed,
    rate: Fixed,
    vol: Fixed,
    leg: &Leg,
    params: &MarginParams,
) -> MarginResult<SeriesPrices> {
    let scenarios = crate::scenario::scenarios(params);
    let book = UnderlyingBook {
        spot,
        rate,
        vols: vec![ExpiryVol { expiry_years: leg.expiry_years, vol }],
        legs: vec![Leg { quantity: 1, ..*leg }],
    };
    let (expiries, nodes, _) = net(&book, 0, params)?;
    let (node, e) = (&nodes[0], &expiries[0]); // one leg of quantity 1: one node, one expiry
    let spots = scenario_spots(spot, &scenarios)?;
    let mut price_calls = 0;
    let (base, in_scenario) = node_scenario_prices(node, e, &book, &spots, &scenarios, params, &mut price_calls)?;
    let pick = |p: &(Fixed, Fixed)| if leg.kind == OptionKind::Call { p.0 } else { p.1 };
    Ok(SeriesPrices {
        size: leg.contract_size,
        base: pick(&base),
        in_scenario: in_scenario.iter().map(pick).collect(),
        floor_per_unit: params.short_option_floor.mul_rounded(spot, Rounding::Ceil)?,
        quote_decimals: params.quote_decimals,
        price_calls,
    })
}

impl SeriesPrices {
    /// What `quantity` contracts of the series add to a book (zero totals for zero).
    pub fn totals(&self, quantity: i128) -> MarginResult<BookTotals> {
        let mut out = BookTotals::zero(self.in_scenario.len());
        if quantity != 0 {
            let prices = self.in_scenario.iter().copied();
            add_series(&mut out, self.base, prices, self.size, quantity, self.floor_per_unit, self.quote_decimals)?;
        }
        Ok(out)
    }
}

/// (call, put) at one node. Only the kinds the node holds are meaningful; when it holds both,
/// one `price` call is made and the put follows by parity:
///
///   `P = C − S + K e^(−rT)`, clamped to `[max(0, K e^(−rT) − S), K e^(−rT)]`.
fn node_prices(
    node: &Node,
    e: &Expiry,
    spot: Fixed,
    vol: Fixed,
    rate: Fixed,
    calls: &mut u32,
) -> MarginResult<(Fixed, Fixed)> {
    let inputs = BsInputs { spot, strike: node.strike, time_years: e.years, vol, rate };
    *calls = calls.saturating_add(1);
    if !node.has_call {
        return Ok((Fixed::ZERO, price(&inputs, OptionKind::Put)?));
    }
    let call = price(&inputs, OptionKind::Call)?;
    if !node.has_put {
        return Ok((call, Fixed::ZERO));
    }
    let lower = node.kdf.checked_sub(spot)?.max(Fixed::ZERO);
    let put = call.checked_sub(spot)?.checked_add(node.kdf)?.clamp(lower, node.kdf);
    Ok((call, put))
}
