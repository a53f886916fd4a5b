//! The engine's one margin function: builds the margin crate's view of an account (or of the
//! pool) from storage and evaluates it (docs/protocol.md §6).

use cosmwasm_std::{Int128, SignedDecimal, StdResult, Storage, Uint128};
use isthmus_margin::{
    evaluate, CollateralItem, CollateralPrice, ExpiryVol, HaircutParams, Leg, MarginBreakdown, MarginParams,
    UnderlyingBook, VolShock,
};
use isthmus_pricing::Fixed;
use isthmus_protocol::engine::{OptionKind, RiskParams, SeriesParams};

use crate::error::{ContractError, ContractResult};
use crate::market_data::{self, to_fixed, Freshness};
use crate::source_cap::{self, Factors};
use crate::state::market::{Account, CollateralRisk, COLLATERAL_RISK, QUOTE, RISK, SERIES};
use crate::state::{RemoteKey, COLLATERAL_ASSETS, CONFIG, REMOTE_POSITIONS, SOURCES};

pub fn margin_err(e: isthmus_margin::MarginError) -> ContractError {
    ContractError::Margin(e.to_string())
}

fn signed_to_fixed(d: SignedDecimal) -> ContractResult<Fixed> {
    Ok(Fixed::from_ratio(d.atomics().i128(), 1_000_000_000_000_000_000)?)
}

fn days(n: u64) -> ContractResult<Fixed> {
    Ok(Fixed::from_int(i128::from(n))?)
}

pub fn margin_params(risk: &RiskParams, quote_decimals: u8) -> ContractResult<MarginParams> {
    let params = MarginParams {
        spot_moves: risk.spot_moves.iter().map(|m| signed_to_fixed(*m)).collect::<ContractResult<_>>()?,
        vol_shocks: vec![VolShock::Down, VolShock::None, VolShock::Up],
        vol_shock_up: to_fixed(risk.vol_shock_up)?,
        vol_shock_down: to_fixed(risk.vol_shock_down)?,
        vol_shock_exponent: to_fixed(risk.vol_shock_exponent)?,
        vol_shock_reference_days: days(risk.vol_shock_reference_days)?,
        min_days_to_expiry: days(risk.min_days_to_expiry)?,
        min_vol: to_fixed(risk.min_vol)?,
        short_option_floor: to_fixed(risk.short_floor)?,
        initial_margin_factor: to_fixed(risk.initial_margin_factor)?,
        quote_decimals: u32::from(quote_decimals),
        tail_moves: risk.tail_moves.iter().map(|m| signed_to_fixed(*m)).collect::<ContractResult<_>>()?,
        tail_weight: to_fixed(risk.tail_weight)?,
    };
    params.validate().map_err(margin_err)?;
    Ok(params)
}

pub fn to_pricing_kind(kind: OptionKind) -> isthmus_pricing::OptionKind {
    match kind {
        OptionKind::Call => isthmus_pricing::OptionKind::Call,
        OptionKind::Put => isthmus_pricing::OptionKind::Put,
    }
}

/// Market data of one underlying and the legs on it.
fn book_for(
    storage: &dyn Storage,
    now: u64,
    underlying: &str,
    positions: &[(SeriesParams, i64)],
    mode: Freshness,
    rate: Fixed,
) -> ContractResult<UnderlyingBook> {
    let spot = market_data::spot(storage, now, underlying, mode)?;
    let mut book = UnderlyingBook { spot, rate, vols: vec![], legs: vec![] };
    for (series, quantity) in positions {
        if series.underlying != underlying {
            continue;
        }
        let expiry_years = market_data::years_to(now, series.expiry)?;
        if !book.vols.iter().any(|v| v.expiry_years == expiry_years) {
            // An expired series is worth its intrinsic value: its vol no longer matters.
            let vol = if expiry_years.is_zero() {
                Fixed::ZERO
            } else {
                market_data::vol(storage, now, underlying, series.expiry, mode)?
            };
            book.vols.push(ExpiryVol { expiry_years, vol });
        }
        book.legs.push(Leg {
            kind: to_pricing_kind(series.kind),
            strike: to_fixed(series.strike)?,
            expiry_years,
            quantity: i128::from(*quantity),
            contract_size: to_fixed(series.contract_size)?,
        });
    }
    Ok(book)
}

/// The series of `positions`, each loaded once per evaluation (storage reads dominate gas).
pub(crate) fn load_series(storage: &dyn Storage, positions: &[(u64, i64)]) -> StdResult<Vec<(SeriesParams, i64)>> {
    positions.iter().map(|(id, q)| SERIES.load(storage, *id).map(|s| (s.params, *q))).collect()
}

/// Underlyings of `positions`, in first-seen order.
pub(crate) fn underlyings_of(positions: &[(SeriesParams, i64)]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for (series, _) in positions {
        if !out.contains(&series.underlying) {
            out.push(series.underlying.clone());
        }
    }
    out
}

/// The haircut parameters of every remote collateral item (docs/protocol.md §6).
pub fn haircut_params(risk: &RiskParams, max_staleness_seconds: u64) -> ContractResult<HaircutParams> {
    Ok(HaircutParams {
        base: to_fixed(risk.haircut_base)?,
        z: to_fixed(risk.haircut_z)?,
        seize_latency_seconds: risk.seize_latency_seconds,
        max_staleness_seconds,
    })
}

/// What valuing an account's collateral needs besides storage.
struct CollateralContext<'a> {
    now: u64,
    mode: Freshness,
    risk: &'a RiskParams,
    max_staleness_seconds: u64,
    usable_override: Option<&'a UsableOverride>,
    /// The per-source cap's factors, when some source is capped.
    factors: Option<&'a Factors>,
}

/// Remote collateral of `account` as margin items. Items without a listed, risk-configured
/// asset or without a usable price are not counted (valued at zero: conservative). Under a
/// per-source cap, an item backs initial margin for `⌊usable × factor(source)⌋` only
/// (docs/margin.md, "Initial amount").
fn collateral_of(
    storage: &dyn Storage,
    ctx: &CollateralContext,
    account: &str,
    underlyings: &[String],
) -> ContractResult<Vec<CollateralItem>> {
    let positions = crate::state::counted_positions(storage, account)?;
    let mut items = vec![];
    for (key, p) in positions {
        let usable = match ctx.usable_override {
            Some(o) if o.key == key => o.usable,
            _ => p.usable(),
        };
        if usable.is_zero() {
            continue;
        }
        let key = (p.source_id.as_str(), p.asset.key());
        let Some(listing) = COLLATERAL_ASSETS.may_load(storage, (key.0, &key.1))? else { continue };
        let Some(CollateralRisk { vol, underlying }) = COLLATERAL_RISK.may_load(storage, (key.0, &key.1))? else {
            continue;
        };
        if !listing.enabled {
            continue;
        }
        let linked = underlying.as_ref().and_then(|u| underlyings.iter().position(|x| x == u));
        let price = match linked {
            Some(index) => CollateralPrice::Underlying { index },
            None => match market_data::spot(storage, ctx.now, &listing.symbol, ctx.mode) {
                Ok(price) => CollateralPrice::Oracle { price },
                Err(_) => continue,
            },
        };
        let staleness_seconds = SOURCES
            .may_load(storage, &p.source_id)?
            .and_then(|s| s.state.staleness_seconds(cosmwasm_std::Timestamp::from_seconds(ctx.now)))
            .unwrap_or(u64::MAX);
        let initial_amount = match ctx.factors {
            Some(f) => source_cap::initial_amount(usable, f.of(&p.source_id)),
            None => usable,
        };
        items.push(CollateralItem {
            amount: usable.u128(),
            initial_amount: initial_amount.u128(),
            decimals: u32::from(listing.decimals),
            price,
            vol: to_fixed(vol)?,
            staleness_seconds,
            haircut: haircut_params(ctx.risk, ctx.max_staleness_seconds)?,
        });
    }
    Ok(items)
}

/// The per-source cap's factors for one evaluation, or `None` when no source is capped (then
/// nothing more is read). With a withdrawal under decision the totals are taken as they would be
/// after it, like the account's own position.
fn cap_factors(
    storage: &dyn Storage,
    ctx: &source_cap::Context,
    capped_sources: u32,
    usable_override: Option<&UsableOverride>,
) -> ContractResult<Option<Factors>> {
    if capped_sources == 0 {
        return Ok(None);
    }
    let before = match usable_override {
        Some(o) => REMOTE_POSITIONS.may_load(storage, o.key.clone())?.map(|p| p.usable()).unwrap_or_default(),
        None => Uint128::zero(),
    };
    let adjust = usable_override.map(|o| source_cap::Adjustment {
        source_id: &o.key.0,
        asset_key: &o.key.2,
        before,
        after: o.usable,
    });
    Ok(Some(source_cap::values(storage, ctx, adjust.as_ref())?.factors()?))
}

/// One replicated position valued at another usable amount (a withdrawal under decision).
pub struct UsableOverride {
    pub key: RemoteKey,
    pub usable: cosmwasm_std::Uint128,
}

/// Margin of a trader account (with the given positions and cash).
pub fn account_margin(
    storage: &dyn Storage,
    now: u64,
    account_id: &str,
    account: &Account,
    mode: Freshness,
) -> ContractResult<MarginBreakdown> {
    account_margin_with(storage, now, account_id, account, mode, None)
}

pub fn account_margin_with(
    storage: &dyn Storage,
    now: u64,
    account_id: &str,
    account: &Account,
    mode: Freshness,
    usable_override: Option<&UsableOverride>,
) -> ContractResult<MarginBreakdown> {
    margin_of(storage, now, account_id, account, mode, usable_override, true)
}

/// The margin a liquidation is sized on: lenient prices and **no per-source cap**. The cap
/// bounds new risk only; sizing a liquidation on the capped initial margin would let anyone
/// who dilutes a capped source (a large deposit there lowers its factor) make honest accounts
/// lose more of their book than their risk warrants (docs/security.md, "Blast radius").
pub fn account_margin_for_liquidation(
    storage: &dyn Storage,
    now: u64,
    account_id: &str,
    account: &Account,
) -> ContractResult<MarginBreakdown> {
    margin_of(storage, now, account_id, account, Freshness::Lenient, None, false)
}

fn margin_of(
    storage: &dyn Storage,
    now: u64,
    account_id: &str,
    account: &Account,
    mode: Freshness,
    usable_override: Option<&UsableOverride>,
    capped: bool,
) -> ContractResult<MarginBreakdown> {
    let risk = RISK.load(storage)?;
    let quote = QUOTE.load(storage)?;
    let rate = to_fixed(risk.rate)?;
    let positions = load_series(storage, &account.positions)?;
    let underlyings = underlyings_of(&positions);
    let books = underlyings
        .iter()
        .map(|u| book_for(storage, now, u, &positions, mode, rate))
        .collect::<ContractResult<Vec<_>>>()?;
    let config = CONFIG.load(storage)?;
    let max_staleness_seconds = config.max_staleness_seconds;
    let cap_ctx = source_cap::Context { now, mode, risk: &risk, quote_decimals: quote.decimals, max_staleness_seconds };
    let capped_sources = if capped { config.capped_sources } else { 0 };
    let factors = cap_factors(storage, &cap_ctx, capped_sources, usable_override)?;
    let ctx =
        CollateralContext { now, mode, risk: &risk, max_staleness_seconds, usable_override, factors: factors.as_ref() };
    let collateral = collateral_of(storage, &ctx, account_id, &underlyings)?;
    // A claim on the pool is money the account is owed at a fixed amount, senior to the LPs:
    // it counts like cash for margin, though it cannot be withdrawn until it is paid.
    let cash = account
        .cash
        .checked_add(Int128::try_from(account.claim)?)
        .map_err(|_| crate::error::ContractError::overflow("cash"))?;
    let view = isthmus_margin::Account { cash: cash.i128(), underlyings: books, collateral };
    evaluate(&view, &margin_params(&risk, quote.decimals)?).map_err(margin_err)
}
