//! Options of one underlying: inputs, marks, scenario losses and short floors.

use isthmus_pricing::{price, BsInputs, Fixed, OptionKind, Rounding};

use crate::error::{overflow, MarginResult};
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

/// What the margin needs from one underlying's options, in quote base units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BookValuation {
    /// `⌊Σ_short q·size·P₀·10^qd⌋ ≤ 0`: the marked liability of the net short series.
    pub short_mark: i128,
    /// `⌊Σ_long q·size·P₀·10^qd⌋ ≥ 0`: marked value of the net long series (reported, not equity).
    pub long_mark: i128,
    /// Options' loss in each scenario (see [`value_book`]).
    pub losses: Vec<i128>,
    /// `⌈Σ_short |q|·size·f·S·10^qd⌉` with `f` = `short_option_floor`.
    pub short_floor: i128,
    /// Black-Scholes `price` calls made.
    pub price_calls: u32,
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
    let mut out =
        BookValuation { short_mark: 0, long_mark: 0, losses: vec![0; scenarios.len()], short_floor: 0, price_calls: 0 };
    let spots = scenarios
        .iter()
        .map(|s| book.spot.checked_mul(Fixed::ONE.checked_add(s.spot_move)?))
        .collect::<Result<Vec<_>, _>>()?;
    let floor_per_unit = params.short_option_floor.mul_rounded(book.spot, Rounding::Ceil)?;
    for (n, node) in nodes.iter().enumerate() {
        if !node.has_call && !node.has_put {
            continue; // every leg at this node netted to zero: nothing to price
        }
        let e = &expiries[node.expiry];
        let base = node_prices(node, e, book.spot, e.vol, book.rate, &mut out.price_calls)?;
        let mut in_scenario = Vec::with_capacity(scenarios.len());
        for (s, scenario) in scenarios.iter().enumerate() {
            in_scenario.push(if scenario.is_base() {
                base
            } else {
                let vol = shocked_vol(e.vol, e.scale, scenario.vol_shock, params)?;
                node_prices(node, e, spots[s], vol, book.rate, &mut out.price_calls)?
            });
        }
        for g in groups.iter().filter(|g| g.node == n) {
            let pick = |p: (Fixed, Fixed)| if g.kind == OptionKind::Call { p.0 } else { p.1 };
            let p0 = pick(base);
            let mark = quote_units(p0.checked_mul(g.size)?, g.quantity, qd, Rounding::Floor)?;
            let reference = if g.quantity < 0 {
                out.short_mark = out.short_mark.checked_add(mark).ok_or(overflow("short mark"))?;
                let short = g.quantity.checked_neg().ok_or(overflow("quantity"))?;
                let floor =
                    quote_units(floor_per_unit.mul_rounded(g.size, Rounding::Ceil)?, short, qd, Rounding::Ceil)?;
                out.short_floor = out.short_floor.checked_add(floor).ok_or(overflow("short floor"))?;
                p0
            } else {
                out.long_mark = out.long_mark.checked_add(mark).ok_or(overflow("long mark"))?;
                Fixed::ZERO
            };
            for (loss, prices) in out.losses.iter_mut().zip(&in_scenario) {
                let per_contract = reference.checked_sub(pick(*prices))?.checked_mul(g.size)?;
                let l = quote_units(per_contract, g.quantity, qd, Rounding::Ceil)?;
                *loss = loss.checked_add(l).ok_or(overflow("scenario loss"))?;
            }
        }
    }
    Ok(out)
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
