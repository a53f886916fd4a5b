//! Per-source exposure cap, the blast radius of one source chain (docs/protocol.md §6,
//! docs/margin.md "Initial amount", docs/security.md).
//!
//! `raw(s)` is the value of source `s`'s usable collateral (all accounts), each asset's total
//! valued as the margin crate values one fresh item: `⌊U · P(1 − h) · 10^(qd − ad)⌋`. Then
//!
//! ```text
//! total     = Σ_s raw(s)
//! others(s) = total − raw(s)
//! limit(s)  = min(max_value(s), ⌊max_share(s) / (1 − max_share(s)) · others(s)⌋)
//! factor(s) = min(1, ⌊limit(s) / (raw(s) + n(s))⌋)      (1 when uncapped or raw(s) + n(s) = 0)
//! ```
//!
//! The share is measured against the *other* sources: counted from `s` at its limit, `s` is
//! `max_share` of what backs risk (`limit / (limit + others)`). A source that reports more
//! collateral (a captured chain forging updates) therefore does not raise its own limit; with
//! `max_share(s) = 1` only `max_value(s)` bounds it.
//!
//! with `n(s)` the number of its assets with a non-zero value: each such value was floored, so
//! the exact value is below `raw(s) + n(s)`, and dividing by it keeps the sum bound exact. Each
//! item of an account from `s` backs initial margin for `⌊amount · factor(s)⌋` of its amount,
//! so `Σ over accounts of initial value counted from s ≤ limit(s)` (tests below).

use cosmwasm_std::{Decimal, Order, Storage, Uint128};
use isthmus_margin::{collateral_value, CollateralItem, CollateralPrice};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::RiskParams;

use crate::error::ContractResult;
use crate::market_data::{self, to_fixed, Freshness};
use crate::remote_book::{SourceAssetTotals, SOURCE_TOTALS};
use crate::state::market::COLLATERAL_RISK;
use crate::state::{SourceCap, COLLATERAL_ASSETS, MAX_ASSETS_PER_SOURCE, MAX_SOURCES, SOURCES, SOURCE_CAPS};

/// `min(max_value, ⌊max_share / (1 − max_share) · others⌋)`, `others` the value of every other
/// source; the share term is absent at `max_share = 1`, and saturates if it overflows (a limit
/// above any value is no limit).
pub fn limit(cap: &SourceCap, others: Uint128) -> ContractResult<Option<Uint128>> {
    let by_share = if cap.max_share >= Decimal::one() {
        None
    } else {
        let rest = Decimal::one() - cap.max_share;
        Some(others.checked_multiply_ratio(cap.max_share.atomics(), rest.atomics()).unwrap_or(Uint128::MAX))
    };
    Ok(match (by_share, cap.max_value) {
        (Some(share), Some(value)) => Some(share.min(value)),
        (share, value) => share.or(value),
    })
}

/// `min(1, ⌊limit / (raw + valued_assets)⌋)` at `Decimal` precision, rounded down; 1 without a
/// limit or with nothing to value.
pub fn factor(limit: Option<Uint128>, raw: Uint128, valued_assets: u32) -> Decimal {
    let Some(limit) = limit else { return Decimal::one() };
    // An overflowing denominator is above any limit: the factor is then the smallest ratio.
    let denominator = raw.checked_add(Uint128::from(valued_assets)).unwrap_or(Uint128::MAX);
    if denominator.is_zero() || limit >= denominator {
        return Decimal::one();
    }
    // limit < denominator, so the ratio is below 1 and fits; zero if it ever did not.
    Decimal::checked_from_ratio(limit, denominator).unwrap_or(Decimal::zero())
}

/// `⌊amount · factor⌋`: the part of an item that backs initial margin.
pub fn initial_amount(amount: Uint128, factor: Decimal) -> Uint128 {
    if factor >= Decimal::one() {
        return amount;
    }
    // factor < 1: the product is below `amount` and fits.
    amount.checked_multiply_ratio(factor.atomics(), Decimal::one().atomics()).unwrap_or(Uint128::zero())
}

/// One listed asset of a source, with its totals and value (before the cap).
pub struct AssetValue {
    pub asset: AssetInfo,
    pub totals: SourceAssetTotals,
    pub value: Uint128,
}

/// One source's collateral as the cap sees it.
pub struct SourceValue {
    pub source_id: String,
    pub assets: Vec<AssetValue>,
    /// `Σ` of the assets' values.
    pub raw: Uint128,
    /// Assets with a non-zero value (`n(s)`).
    pub valued_assets: u32,
    pub cap: Option<SourceCap>,
}

/// Every source's value, the total, and whether every value could be computed.
pub struct Values {
    pub sources: Vec<SourceValue>,
    pub total: Uint128,
    /// False if some value overflowed (absurd amounts): capped sources then back no initial
    /// margin at all, rather than every evaluation failing (liquidation must not stop).
    pub complete: bool,
}

impl Values {
    /// `limit(s)`, `None` for an uncapped source.
    pub fn limit_of(&self, s: &SourceValue) -> ContractResult<Option<Uint128>> {
        match &s.cap {
            Some(cap) => limit(cap, self.total.saturating_sub(s.raw)),
            None => Ok(None),
        }
    }

    pub fn factor_of(&self, s: &SourceValue) -> ContractResult<Decimal> {
        if s.cap.is_some() && !self.complete {
            return Ok(Decimal::zero());
        }
        Ok(factor(self.limit_of(s)?, s.raw, s.valued_assets))
    }

    /// The factor of every capped source.
    pub fn factors(&self) -> ContractResult<Factors> {
        let mut out = vec![];
        for s in self.sources.iter().filter(|s| s.cap.is_some()) {
            out.push((s.source_id.clone(), self.factor_of(s)?));
        }
        Ok(Factors(out))
    }
}

/// `factor(s)` of the capped sources; every other source counts in full.
pub struct Factors(pub Vec<(String, Decimal)>);

impl Factors {
    pub fn of(&self, source_id: &str) -> Decimal {
        self.0.iter().find(|(s, _)| s == source_id).map_or(Decimal::one(), |(_, f)| *f)
    }
}

/// A withdrawal under decision: one position of `(source_id, asset_key)` moves from `before` to
/// `after` usable, and the totals are judged as they would be after it.
pub struct Adjustment<'a> {
    pub source_id: &'a str,
    pub asset_key: &'a str,
    pub before: Uint128,
    pub after: Uint128,
}

/// What valuing a source's collateral needs besides storage.
pub struct Context<'a> {
    pub now: u64,
    pub mode: Freshness,
    pub risk: &'a RiskParams,
    pub quote_decimals: u8,
    pub max_staleness_seconds: u64,
}

/// The values of every registered source (at most [`MAX_SOURCES`], each with at most
/// [`MAX_ASSETS_PER_SOURCE`] listed assets): a few reads per asset.
pub fn values(storage: &dyn Storage, ctx: &Context, adjust: Option<&Adjustment>) -> ContractResult<Values> {
    let mut out = Values { sources: vec![], total: Uint128::zero(), complete: true };
    for (source_id, source) in SOURCES.page(storage, None, MAX_SOURCES)? {
        let staleness = source.state.staleness_seconds(cosmwasm_std::Timestamp::from_seconds(ctx.now));
        // A stale (or never heard) source backs no new risk: it contributes nothing.
        let fresh = staleness.filter(|s| *s <= ctx.max_staleness_seconds);
        let mut sv = SourceValue {
            cap: SOURCE_CAPS.may_load(storage, &source_id)?,
            source_id,
            assets: vec![],
            raw: Uint128::zero(),
            valued_assets: 0,
        };
        let listings = COLLATERAL_ASSETS
            .prefix(&sv.source_id)
            .range(storage, None, None, Order::Ascending)
            .take(MAX_ASSETS_PER_SOURCE)
            .collect::<cosmwasm_std::StdResult<Vec<_>>>()?;
        for (asset_key, listing) in listings {
            let totals = SOURCE_TOTALS.may_load(storage, (&sv.source_id, &asset_key))?.unwrap_or_default();
            let mut usable = totals.usable;
            if let Some(a) = adjust.filter(|a| a.source_id == sv.source_id && a.asset_key == asset_key) {
                match usable.checked_sub(a.before).and_then(|u| u.checked_add(a.after)) {
                    Ok(u) => usable = u,
                    Err(_) => out.complete = false,
                }
            }
            let value = match fresh {
                Some(staleness) if listing.enabled && !usable.is_zero() => {
                    let v = asset_value(storage, ctx, &sv.source_id, &asset_key, &listing, usable, staleness)?;
                    v.unwrap_or_else(|| {
                        out.complete = false;
                        Uint128::zero()
                    })
                }
                _ => Uint128::zero(),
            };
            if !value.is_zero() {
                sv.valued_assets += 1;
            }
            sv.raw = sv.raw.checked_add(value).unwrap_or_else(|_| {
                out.complete = false;
                Uint128::MAX
            });
            sv.assets.push(AssetValue { asset: listing.asset, totals, value });
        }
        out.total = out.total.checked_add(sv.raw).unwrap_or_else(|_| {
            out.complete = false;
            Uint128::MAX
        });
        out.sources.push(sv);
    }
    Ok(out)
}

/// Value of `usable` units of one listed asset; `Ok(None)` if it overflows. Priced as
/// `account_margin::collateral_of` prices it: the linked underlying's spot or the symbol's; the higher of
/// the two when they differ, so the bound holds whichever an account uses. No usable price or
/// no risk parameters: zero (it backs nothing anyway).
fn asset_value(
    storage: &dyn Storage,
    ctx: &Context,
    source_id: &str,
    asset_key: &str,
    listing: &crate::state::CollateralAsset,
    usable: Uint128,
    staleness_seconds: u64,
) -> ContractResult<Option<Uint128>> {
    let Some(risk) = COLLATERAL_RISK.may_load(storage, (source_id, asset_key))? else {
        return Ok(Some(Uint128::zero()));
    };
    let mut price = market_data::spot(storage, ctx.now, &listing.symbol, ctx.mode).ok();
    if let Some(u) = risk.underlying.as_ref().filter(|u| **u != listing.symbol) {
        if let Ok(p) = market_data::spot(storage, ctx.now, u, ctx.mode) {
            price = Some(price.map_or(p, |q| q.max(p)));
        }
    }
    let Some(price) = price else { return Ok(Some(Uint128::zero())) };
    let item = CollateralItem {
        amount: usable.u128(),
        initial_amount: usable.u128(),
        decimals: u32::from(listing.decimals),
        price: CollateralPrice::Oracle { price },
        vol: to_fixed(risk.vol)?,
        staleness_seconds,
        haircut: crate::account_margin::haircut_params(ctx.risk, ctx.max_staleness_seconds)?,
    };
    Ok(collateral_value(&item, &[], u32::from(ctx.quote_decimals)).ok().map(|v| Uint128::new(v.max(0).unsigned_abs())))
}

#[cfg(test)]
mod tests;
