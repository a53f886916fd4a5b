//! `isthmus-margin`: `evaluate` on random books.
//!
//! Books are built with `arbitrary` from small integers scaled into the documented ranges
//! (spot and strikes 0.001..4.3M, vols 0..65, expiries up to 180 years, quantities of any
//! `i32`, any parameters, which `validate()` may refuse), and, when `raw` is set, the first
//! book and leg take unscaled `Fixed` raw values so that every input reaches the code.

use arbitrary::Arbitrary;
use isthmus_margin::{
    evaluate, Account, CollateralItem, CollateralPrice, ExpiryVol, Fixed, HaircutParams, Leg, MarginBreakdown,
    MarginParams, OptionKind, QuoteUnits, UnderlyingBook, VolShock,
};

#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    pub cash: i64,
    /// Use `MarginParams::default()` instead of `params`.
    pub default_params: bool,
    pub params: ParamsIn,
    pub books: Vec<BookIn>,
    pub collateral: Vec<CollateralIn>,
    /// A long leg added to the first book for the monotonicity check.
    pub extra_long: LegIn,
    pub raw: Option<RawIn>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct ParamsIn {
    pub spot_moves: Vec<i16>,
    pub vol_shocks: Vec<u8>,
    pub vol_shock_up: u16,
    pub vol_shock_down: u16,
    pub vol_shock_exponent: u8,
    pub reference_days: u16,
    pub min_days: u16,
    pub min_vol: u16,
    pub short_floor: u8,
    pub im_factor: u16,
    pub quote_decimals: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct BookIn {
    pub spot: u32,
    pub rate: i16,
    /// (days to expiry, vol in thousandths).
    pub vols: Vec<(u16, u16)>,
    pub legs: Vec<LegIn>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct LegIn {
    pub call: bool,
    pub strike: u32,
    pub expiry: u8,
    pub quantity: i32,
    pub size: u16,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct CollateralIn {
    pub amount: u64,
    pub scale: u8,
    pub decimals: u8,
    /// Linked to this underlying, or priced by the oracle at `price`.
    pub linked: Option<u8>,
    pub price: u32,
    pub vol: u16,
    pub staleness: u32,
    pub base: u8,
    pub z: u8,
    pub latency: u16,
    pub max_staleness: u16,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct RawIn {
    pub spot: i128,
    pub rate: i128,
    pub vol: i128,
    pub expiry: i128,
    pub strike: i128,
    pub size: i128,
    pub quantity: i128,
}

fn ratio(n: i128, d: i128) -> Fixed {
    // |n| < 2^33 and d > 0 everywhere below: cannot fail
    Fixed::from_ratio(n, d).expect("ratio in range")
}

fn params(p: &ParamsIn) -> MarginParams {
    MarginParams {
        spot_moves: p.spot_moves.iter().take(12).map(|m| ratio(*m as i128, 1000)).collect(),
        vol_shocks: p
            .vol_shocks
            .iter()
            .take(4)
            .map(|s| match s % 3 {
                0 => VolShock::Down,
                1 => VolShock::None,
                _ => VolShock::Up,
            })
            .collect(),
        vol_shock_up: ratio(p.vol_shock_up as i128, 1000),
        vol_shock_down: ratio(p.vol_shock_down as i128, 1000),
        vol_shock_exponent: ratio(p.vol_shock_exponent as i128, 100),
        vol_shock_reference_days: ratio(p.reference_days as i128, 10),
        min_days_to_expiry: ratio(p.min_days as i128, 100),
        min_vol: ratio(p.min_vol as i128, 1000),
        // Tail scenarios as the engine's defaults (-50%, +50% at a third).
        tail_moves: vec![ratio(-1, 2), ratio(1, 2)],
        tail_weight: ratio(1, 3),
        short_option_floor: ratio(p.short_floor as i128, 200),
        initial_margin_factor: ratio(p.im_factor as i128, 100),
        quote_decimals: p.quote_decimals as u32 % 40,
    }
}

fn leg(l: &LegIn, vols: &[ExpiryVol]) -> Leg {
    // An expiry index past the vols names an expiry with no vol: MissingVol, also a path.
    let expiry_years = vols.get(l.expiry as usize % (vols.len() + 1)).map(|v| v.expiry_years).unwrap_or(Fixed::HALF);
    Leg {
        kind: if l.call { OptionKind::Call } else { OptionKind::Put },
        strike: ratio(l.strike as i128 + 1, 1000),
        expiry_years,
        quantity: l.quantity as i128,
        contract_size: ratio(l.size as i128 + 1, 100),
    }
}

fn book(b: &BookIn) -> UnderlyingBook {
    let vols: Vec<ExpiryVol> = b
        .vols
        .iter()
        .take(4)
        .map(|(days, vol)| ExpiryVol { expiry_years: ratio(*days as i128, 365), vol: ratio(*vol as i128, 1000) })
        .collect();
    let legs = b.legs.iter().take(8).map(|l| leg(l, &vols)).collect();
    UnderlyingBook { spot: ratio(b.spot as i128 + 1, 1000), rate: ratio(b.rate as i128, 10_000), vols, legs }
}

fn collateral(c: &CollateralIn, books: usize) -> CollateralItem {
    let amount = (c.amount as u128) << (c.scale % 64);
    CollateralItem {
        amount,
        // A per-source cap lowers the part that backs initial margin: all, half or none of it
        // (from bits of `scale` the amount's shift does not use).
        initial_amount: match (c.scale >> 6) % 3 {
            0 => amount,
            1 => amount / 2,
            _ => 0,
        },
        decimals: c.decimals as u32 % 40,
        price: match c.linked {
            // index may be past the books: UnknownUnderlying, also a path
            Some(i) => CollateralPrice::Underlying { index: i as usize % (books + 1) },
            None => CollateralPrice::Oracle { price: ratio(c.price as i128, 1000) },
        },
        vol: ratio(c.vol as i128, 1000),
        staleness_seconds: c.staleness as u64,
        haircut: HaircutParams {
            base: ratio(c.base as i128, 200),
            z: ratio(c.z as i128, 10),
            seize_latency_seconds: c.latency as u64,
            max_staleness_seconds: c.max_staleness as u64,
        },
    }
}

pub fn build(input: &Input) -> (Account, MarginParams) {
    let mut underlyings: Vec<UnderlyingBook> = input.books.iter().take(3).map(book).collect();
    if let (Some(r), Some(b)) = (input.raw, underlyings.first_mut()) {
        b.spot = Fixed::from_raw(r.spot);
        b.rate = Fixed::from_raw(r.rate);
        b.vols.push(ExpiryVol { expiry_years: Fixed::from_raw(r.expiry), vol: Fixed::from_raw(r.vol) });
        b.legs.push(Leg {
            kind: OptionKind::Put,
            strike: Fixed::from_raw(r.strike),
            expiry_years: Fixed::from_raw(r.expiry),
            quantity: r.quantity,
            contract_size: Fixed::from_raw(r.size),
        });
    }
    let n = underlyings.len();
    let account = Account {
        cash: input.cash as i128,
        underlyings,
        collateral: input.collateral.iter().take(4).map(|c| collateral(c, n)).collect(),
    };
    let params = if input.default_params { MarginParams::default() } else { params(&input.params) };
    (account, params)
}

/// The promises of `portfolio.rs` and `book.rs` on a successful evaluation.
pub fn check(r: &MarginBreakdown, params: &MarginParams) {
    assert!(r.maintenance_margin >= QuoteUnits::ZERO, "MM < 0: {r:?}");
    assert!(r.initial_margin >= r.maintenance_margin, "IM {} < MM {}", r.initial_margin, r.maintenance_margin);
    if let Ok(scaled) =
        params.initial_margin_factor.mul_int(r.maintenance_margin.get(), isthmus_pricing::Rounding::Floor)
    {
        assert!(r.initial_margin.get() >= scaled, "IM {} < factor x MM {}", r.initial_margin, scaled);
    }
    assert!(r.equity_initial <= r.equity, "equity_initial {} > equity {}", r.equity_initial, r.equity);
    assert!(r.collateral_value_initial <= r.collateral_value);
    assert!(
        r.short_options_mark <= QuoteUnits::ZERO && r.long_options_mark >= QuoteUnits::ZERO,
        "marks of the wrong sign: {r:?}"
    );
    let mut mm = 0i128;
    for u in &r.underlyings {
        assert_eq!(u.scenario_losses[u.worst_scenario], u.worst_loss, "worst scenario is not the worst loss");
        assert!(u.scenario_losses.iter().all(|l| *l <= u.worst_loss), "a loss above the worst: {u:?}");
        assert!(u.worst_loss_initial >= u.worst_loss, "initial-basis loss below the maintenance one: {u:?}");
        assert!(u.short_floor >= QuoteUnits::ZERO);
        mm += u.worst_loss.get().max(0) + u.short_floor.get();
    }
    assert_eq!(mm, r.maintenance_margin.get(), "MM is not the sum over underlyings");
}

/// `margin_evaluate`: no panic on any book; on success the promises above hold, and adding a
/// long option to the first book never increases the maintenance margin.
pub fn run(input: &Input) {
    let (mut account, params) = build(input);
    let Ok(before) = evaluate(&account, &params) else { return };
    check(&before, &params);
    let extra = input.extra_long;
    if extra.quantity > 0 {
        if let Some(b) = account.underlyings.first_mut() {
            let l = leg(&extra, &b.vols);
            b.legs.push(l);
            if let Ok(after) = evaluate(&account, &params) {
                check(&after, &params);
                assert!(
                    after.maintenance_margin <= before.maintenance_margin,
                    "adding long {l:?} raised MM from {} to {}",
                    before.maintenance_margin,
                    after.maintenance_margin
                );
            }
        }
    }
}
