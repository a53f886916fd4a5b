//! The one writer of the pool's positions and of its risk (docs/pool-risk.md).
//!
//! The pool's risk on each underlying is the sum, at one snapshot of the market, of what each of
//! its positions adds to a margin ([`isthmus_margin::SeriesPrices::totals`]) and to its delta.
//! A change of a position from `before` to `after` revalues that one series at the snapshot and
//! adds `totals(after) - totals(before)`, so the sum always equals a revaluation of the whole
//! book at the snapshot, whatever the order of the changes, and a trade costs the same with 1 or
//! 1,024 series live. The snapshot is renewed by the refresh crank; new risk is refused while it
//! is stale ([`stale_reason`]).
//!
//! It is also the one writer of the holder index (which accounts hold a series, walked by the
//! settlement crank): trade, liquidation and settlement move a position through
//! [`PoolBook::trade`] and record who starts or stops holding it with [`PoolBook::hold`]. The
//! accounts themselves are written by the cash ledger (`ledger.rs`), which keeps the pool's
//! receivable in step with their cash.
//!
//! A `PoolBook` holds what one call reads and changes, in memory; [`PoolBook::flush`] writes it.

use cosmwasm_std::{Order, StdResult, Storage};
use isthmus_margin::{evaluate_totals, series_prices, BookTotals, Leg, MarginBreakdown, MarginParams};
use isthmus_pricing::{price_and_delta, BsInputs, Fixed};
use isthmus_protocol::engine::{RiskParams, SeriesParams};

use crate::account_margin::{margin_err, margin_params, to_pricing_kind};
use crate::error::{ContractError, ContractResult};
use crate::market_data::{self, invalid, to_fixed, Freshness};
use crate::state::market::{key32, OpenInterest, OPEN_INTEREST, PRICES, QUOTE, RISK, SERIES, SERIES_HOLDERS};
use crate::state::pool_risk::{Aggregate, PoolRisk, Refresh, Snapshot, POOL_RISK, POOL_RISK_VOLS};

/// Which snapshot of an underlying a change is summed at.
#[derive(Clone, Copy, PartialEq)]
enum At {
    Current,
    Refresh,
}

struct Entry<T> {
    value: T,
    dirty: bool,
}

struct RiskEntry {
    underlying: String,
    risk: PoolRisk,
    /// The aggregate's delta as stored, before this call's changes.
    delta_before: i128,
    dirty: bool,
}

/// `(underlying, expiry, [(generation, vol)])`: one row of `POOL_RISK_VOLS`.
type SnapshotVols = (String, u64, Vec<(u32, i128)>);

pub struct PoolBook {
    risks: Vec<RiskEntry>,
    all_loaded: bool,
    open_interest: Vec<Entry<(String, u64, OpenInterest)>>,
    vols: Vec<Entry<SnapshotVols>>,
    params: Option<(RiskParams, MarginParams, Fixed)>,
    /// `((series_id, holder), holds)`: holder-index rows this call sets (true) or removes.
    holders: Vec<((u64, u64), bool)>,
}

impl Default for PoolBook {
    fn default() -> Self {
        Self::new()
    }
}

/// Why new risk may not be checked against `risk` now, if it may not. A book without positions
/// is never stale: its next change takes a new snapshot for free.
pub fn stale_reason(risk: &PoolRisk, now: u64, params: &RiskParams) -> Option<&'static str> {
    if risk.positions == 0 {
        None
    } else if !risk.valid {
        Some("the risk parameters changed")
    } else if risk.moved {
        Some("the market moved beyond the drift limits")
    } else if now.saturating_sub(risk.snapshot.time) > params.pool_risk_max_age_seconds {
        Some("the snapshot is too old")
    } else if now >= risk.aggregate.next_expiry {
        Some("an expiry passed")
    } else {
        None
    }
}

/// A pool risk with nothing held, on the grid of `params`.
pub fn empty_risk(params: &MarginParams) -> PoolRisk {
    PoolRisk {
        snapshot: Snapshot::default(),
        aggregate: Aggregate::empty(isthmus_margin::scenarios(params).len()),
        positions: 0,
        moved: false,
        valid: true,
        refresh: None,
        issued: 0,
    }
}

/// The last spot of `symbol` whatever its age, and whether it is fresh under the strict rule.
/// A snapshot taken at a price that is not is flagged `moved`: no new risk is checked against
/// it, while settling and closing, which only move the sums, never wait on a feeder.
fn last_spot(storage: &dyn Storage, now: u64, symbol: &str) -> ContractResult<(Fixed, bool)> {
    match market_data::spot(storage, now, symbol, Freshness::Strict) {
        Ok(spot) => Ok((spot, true)),
        Err(ContractError::StalePrice { .. }) => Ok((to_fixed(PRICES.load(storage, symbol)?.price)?, false)),
        Err(e) => Err(e),
    }
}

/// The same for the vol of `(underlying, expiry)`.
fn last_vol(storage: &dyn Storage, now: u64, underlying: &str, expiry: u64) -> ContractResult<(Fixed, bool)> {
    match market_data::vol(storage, now, underlying, expiry, Freshness::Strict) {
        Ok(vol) => Ok((vol, true)),
        Err(ContractError::StaleVol { .. }) => {
            Ok((market_data::vol(storage, now, underlying, expiry, Freshness::Lenient)?, false))
        }
        Err(e) => Err(e),
    }
}

impl PoolBook {
    pub fn new() -> Self {
        PoolBook {
            risks: vec![],
            all_loaded: false,
            open_interest: vec![],
            vols: vec![],
            params: None,
            holders: vec![],
        }
    }

    fn params(&mut self, storage: &dyn Storage) -> ContractResult<(RiskParams, MarginParams, Fixed)> {
        if self.params.is_none() {
            let risk = RISK.load(storage)?;
            let margin = margin_params(&risk, QUOTE.load(storage)?.decimals)?;
            let rate = to_fixed(risk.rate)?;
            self.params = Some((risk, margin, rate));
        }
        self.params.clone().ok_or_else(|| invalid("risk", "missing"))
    }

    fn risk_index(&mut self, storage: &dyn Storage, underlying: &str) -> ContractResult<usize> {
        if let Some(i) = self.risks.iter().position(|r| r.underlying == underlying) {
            return Ok(i);
        }
        let risk = match POOL_RISK.may_load(storage, underlying)? {
            Some(r) => r,
            None => empty_risk(&self.params(storage)?.1),
        };
        let delta_before = risk.aggregate.delta;
        self.risks.push(RiskEntry { underlying: underlying.to_string(), risk, delta_before, dirty: false });
        Ok(self.risks.len() - 1)
    }

    /// Every underlying's risk (at most `MAX_POOL_UNDERLYINGS`), loaded once.
    pub fn load_all(&mut self, storage: &dyn Storage) -> ContractResult<()> {
        if !self.all_loaded {
            let names: Vec<String> = POOL_RISK.keys(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
            for name in names {
                self.risk_index(storage, &name)?;
            }
            self.all_loaded = true;
        }
        Ok(())
    }

    /// The open interest of `series_id` (on `underlying`), with this call's changes.
    pub fn open_interest(
        &mut self,
        storage: &dyn Storage,
        underlying: &str,
        series_id: u64,
    ) -> ContractResult<OpenInterest> {
        Ok(self.open_interest_entry(storage, underlying, series_id)?.value.2.clone())
    }

    fn open_interest_entry(
        &mut self,
        storage: &dyn Storage,
        underlying: &str,
        series_id: u64,
    ) -> ContractResult<&mut Entry<(String, u64, OpenInterest)>> {
        let index = match self.open_interest.iter().position(|e| e.value.0 == underlying && e.value.1 == series_id) {
            Some(index) => index,
            None => {
                let open = OPEN_INTEREST.may_load(storage, (underlying, key32(series_id)?))?.unwrap_or_default();
                self.open_interest.push(Entry { value: (underlying.to_string(), series_id, open), dirty: false });
                self.open_interest.len() - 1
            }
        };
        Ok(&mut self.open_interest[index])
    }

    /// A trader's position in `series_id` goes from `before` to `after` (a trade, a settlement
    /// or a liquidation): its open interest moves with it, and so do the pool's position (the
    /// other side) and the pool's risk. Returns the open interest before and after. Reads only
    /// the snapshot's stored data (and, the first time an expiry is counted in a snapshot, that
    /// expiry's vol), so settling and closing never wait on a feeder.
    pub fn trade(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        series_id: u64,
        series: &SeriesParams,
        before: i64,
        after: i64,
    ) -> ContractResult<(OpenInterest, OpenInterest)> {
        let entry = self.open_interest_entry(storage, &series.underlying, series_id)?;
        let open_before = entry.value.2.clone();
        let moved = |open: cosmwasm_std::Uint128, after: u128, before: u128| {
            open.u128()
                .checked_add(after)
                .and_then(|v| v.checked_sub(before))
                .map(cosmwasm_std::Uint128::new)
                .ok_or_else(|| crate::error::ContractError::overflow("open interest"))
        };
        let open_after = OpenInterest {
            long: moved(open_before.long, long_part(after), long_part(before))?,
            short: moved(open_before.short, short_part(after), short_part(before))?,
        };
        entry.value.2 = open_after.clone();
        entry.dirty = true;
        let pool = |open: &OpenInterest| {
            open.pool_position().ok_or_else(|| crate::error::ContractError::overflow("pool position"))
        };
        self.move_risk(storage, now, series_id, series, pool(&open_before)?, pool(&open_after)?)?;
        Ok((open_before, open_after))
    }

    /// The account numbered `holder` held `series_id` (`held`) and now holds it or not
    /// (`holds`): the holder index changes only when holding starts or stops, and the last
    /// change of a row in one call is the one written.
    pub fn hold(&mut self, series_id: u64, holder: u64, held: bool, holds: bool) {
        if held == holds {
            return;
        }
        let key = (series_id, holder);
        match self.holders.iter_mut().find(|(k, _)| *k == key) {
            Some(row) => row.1 = holds,
            None => self.holders.push((key, holds)),
        }
    }

    /// The pool's position in `series_id` went from `before` to `after`: its risk follows.
    fn move_risk(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        series_id: u64,
        series: &SeriesParams,
        before: i64,
        after: i64,
    ) -> ContractResult<()> {
        let u = series.underlying.as_str();
        if before == after {
            return Ok(());
        }
        let i = self.risk_index(storage, u)?;
        if self.risks[i].risk.positions == 0 {
            self.rebase(storage, now, i)?;
        }
        let entry = &mut self.risks[i];
        entry.dirty = true;
        let count = &mut entry.risk.positions;
        *count = match (before == 0, after == 0) {
            (true, false) => {
                count.checked_add(1).ok_or_else(|| crate::error::ContractError::overflow("pool positions"))?
            }
            (false, true) => count.saturating_sub(1),
            _ => *count,
        };
        if entry.risk.valid {
            self.sum_change(storage, now, i, At::Current, series, before, after)?;
        }
        // A refresh is on the current grid even while the current aggregate is not (it was
        // started after the parameters changed), so it follows every change it has passed.
        let behind_refresh = self.risks[i].risk.refresh.as_ref().is_some_and(|r| r.cursor >= Some(series_id));
        if behind_refresh {
            self.sum_change(storage, now, i, At::Refresh, series, before, after)?;
        }
        if self.risks[i].risk.positions == 0 {
            // Nothing held: nothing to value. An aggregate left over from old parameters, or
            // a refresh of positions that are gone, must not count (their marks would still
            // move the NAV); the next change takes a new snapshot.
            let (_, margin, _) = self.params(storage)?;
            let risk = &mut self.risks[i].risk;
            risk.aggregate = empty_risk(&margin).aggregate;
            risk.valid = true;
            risk.moved = false;
            risk.refresh = None;
        }
        Ok(())
    }

    /// An underlying the pool holds nothing on takes a snapshot of today's spot: there is
    /// nothing to revalue, so it is fresh at once.
    fn rebase(&mut self, storage: &dyn Storage, now: u64, i: usize) -> ContractResult<()> {
        let (_, margin, _) = self.params(storage)?;
        let (spot, fresh) = last_spot(storage, now, &self.risks[i].underlying)?;
        let risk = &mut self.risks[i].risk;
        let generation = risk.issued.wrapping_add(1);
        *risk = PoolRisk {
            snapshot: Snapshot { generation, time: now, spot: spot.to_raw() },
            moved: !fresh,
            issued: generation,
            ..empty_risk(&margin)
        };
        self.risks[i].delta_before = 0;
        Ok(())
    }

    /// Add `totals(after) - totals(before)` of one series to the aggregate at snapshot `at`.
    #[allow(clippy::too_many_arguments)]
    fn sum_change(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        i: usize,
        at: At,
        series: &SeriesParams,
        before: i64,
        after: i64,
    ) -> ContractResult<()> {
        let snapshot = match at {
            At::Current => self.risks[i].risk.snapshot.clone(),
            At::Refresh => self.risks[i].risk.refresh.as_ref().map(|r| r.snapshot.clone()).unwrap_or_default(),
        };
        let (totals, delta) = self.series_at(storage, now, i, &snapshot, series, Freshness::Lenient)?;
        let aggregate = match at {
            At::Current => &mut self.risks[i].risk.aggregate,
            At::Refresh => match self.risks[i].risk.refresh.as_mut() {
                Some(r) => &mut r.aggregate,
                None => return Ok(()),
            },
        };
        add_series(aggregate, &totals, delta, series.expiry, snapshot.time, before, after)
    }

    /// One series valued at `snapshot`: its prices in every scenario and its delta per contract.
    fn series_at(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        i: usize,
        snapshot: &Snapshot,
        series: &SeriesParams,
        mode: Freshness,
    ) -> ContractResult<(isthmus_margin::SeriesPrices, Fixed)> {
        let (_, margin, rate) = self.params(storage)?;
        let years = market_data::years_to(snapshot.time, series.expiry)?;
        let vol = if years.is_zero() {
            Fixed::ZERO // expired at the snapshot: worth its intrinsic value, vol irrelevant
        } else {
            self.snapshot_vol(storage, now, i, snapshot.generation, series.expiry, mode)?
        };
        let spot = Fixed::from_raw(snapshot.spot);
        let strike = to_fixed(series.strike)?;
        let size = to_fixed(series.contract_size)?;
        let kind = to_pricing_kind(series.kind);
        let leg = Leg { kind, strike, expiry_years: years, quantity: 0, contract_size: size };
        let prices = series_prices(spot, rate, vol, &leg, &margin).map_err(margin_err)?;
        let delta = if years.is_zero() {
            Fixed::ZERO
        } else {
            price_and_delta(&BsInputs { spot, strike, time_years: years, vol, rate }, kind)?.1.checked_mul(size)?
        };
        Ok((prices, delta))
    }

    /// The vol of `expiry` in snapshot `generation`: recorded the first time the snapshot needs
    /// it, then the same for every later change, so that adding and removing a position cancel.
    fn snapshot_vol(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        i: usize,
        generation: u32,
        expiry: u64,
        mode: Freshness,
    ) -> ContractResult<Fixed> {
        let u = self.risks[i].underlying.clone();
        let index = match self.vols.iter().position(|e| e.value.0 == u && e.value.1 == expiry) {
            Some(index) => index,
            None => {
                let stored = POOL_RISK_VOLS.may_load(storage, (&u, expiry))?.unwrap_or_default();
                self.vols.push(Entry { value: (u.clone(), expiry, stored), dirty: false });
                self.vols.len() - 1
            }
        };
        if let Some((_, raw)) = self.vols[index].value.2.iter().find(|(g, _)| *g == generation) {
            return Ok(Fixed::from_raw(*raw));
        }
        let vol = match mode {
            Freshness::Strict => market_data::vol(storage, now, &u, expiry, mode)?,
            Freshness::Lenient => {
                let (vol, fresh) = last_vol(storage, now, &u, expiry)?;
                if !fresh {
                    // Recorded at a vol the strict rule refuses: the snapshot cannot back new risk.
                    let risk = &mut self.risks[i].risk;
                    match risk.refresh.as_mut() {
                        Some(r) if r.snapshot.generation == generation => r.moved = true,
                        _ => risk.moved = true,
                    }
                }
                vol
            }
        };
        let risk = &self.risks[i].risk;
        let in_use = [Some(risk.snapshot.generation), risk.refresh.as_ref().map(|r| r.snapshot.generation)];
        let entry = &mut self.vols[index];
        entry.value.2.retain(|(g, _)| in_use.contains(&Some(*g)) && *g != generation);
        entry.value.2.push((generation, vol.to_raw()));
        entry.dirty = true;
        Ok(vol)
    }

    /// Revalue up to `limit` of the pool's positions on `underlying` into the refresh in
    /// progress (started here if none is), at fresh prices only. When the last position is in,
    /// the refresh becomes the current snapshot. Returns (positions revalued, finished).
    pub fn refresh_page(
        &mut self,
        storage: &dyn Storage,
        now: u64,
        underlying: &str,
        limit: usize,
    ) -> ContractResult<(usize, bool)> {
        let (params, margin, _) = self.params(storage)?;
        let i = self.risk_index(storage, underlying)?;
        // A refresh whose own snapshot went stale before anyone finished it starts over: it
        // would finish stale.
        let expired = self.risks[i]
            .risk
            .refresh
            .as_ref()
            .is_some_and(|r| r.moved || now.saturating_sub(r.snapshot.time) > params.pool_risk_max_age_seconds);
        if expired {
            self.risks[i].risk.refresh = None;
        }
        if self.risks[i].risk.refresh.is_none() {
            let spot = market_data::spot(storage, now, underlying, Freshness::Strict)?;
            let risk = &mut self.risks[i].risk;
            let generation = risk.issued.wrapping_add(1);
            risk.issued = generation;
            risk.refresh = Some(Refresh {
                snapshot: Snapshot { generation, time: now, spot: spot.to_raw() },
                cursor: None,
                aggregate: Aggregate::empty(isthmus_margin::scenarios(&margin).len()),
                moved: false,
            });
        }
        self.risks[i].dirty = true;
        let refresh = self.risks[i].risk.refresh.clone().ok_or_else(|| invalid("refresh", "missing"))?;
        let start = refresh.cursor.map(key32).transpose()?.map(cw_storage_plus::Bound::exclusive);
        let page: Vec<(u64, OpenInterest)> = OPEN_INTEREST
            .prefix(underlying)
            .range(storage, start, None, Order::Ascending)
            .take(limit)
            .map(|item| item.map(|(id, open)| (u64::from(id), open)))
            .collect::<StdResult<_>>()?;
        for (series_id, open) in &page {
            let quantity =
                &open.pool_position().ok_or_else(|| crate::error::ContractError::overflow("pool position"))?;
            if *quantity == 0 {
                // Traders hold both sides: nothing of the pool's to value; the cursor moves on.
                if let Some(r) = self.risks[i].risk.refresh.as_mut() {
                    r.cursor = Some(*series_id);
                }
                continue;
            }
            let series = SERIES.load(storage, *series_id)?.params;
            let (totals, delta) = self.series_at(storage, now, i, &refresh.snapshot, &series, Freshness::Strict)?;
            let Some(r) = self.risks[i].risk.refresh.as_mut() else { break };
            add_series(&mut r.aggregate, &totals, delta, series.expiry, refresh.snapshot.time, 0, *quantity)?;
            r.cursor = Some(*series_id);
        }
        let finished = page.len() < limit;
        if finished {
            let risk = &mut self.risks[i].risk;
            if let Some(r) = risk.refresh.take() {
                risk.snapshot = r.snapshot;
                risk.aggregate = r.aggregate;
                risk.moved = r.moved;
                risk.valid = true;
            }
        }
        Ok((page.len(), finished))
    }

    /// `Err(PoolRiskStale)` unless every underlying's snapshot may be checked against now.
    pub fn check_fresh(&mut self, storage: &dyn Storage, now: u64) -> ContractResult<()> {
        let (params, _, _) = self.params(storage)?;
        for e in &self.risks {
            if let Some(reason) = stale_reason(&e.risk, now, &params) {
                return Err(ContractError::PoolRiskStale {
                    underlying: e.underlying.clone(),
                    reason: reason.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The pool's margin with `cash`, from every underlying's aggregate (call `load_all` first).
    pub fn margin(&mut self, storage: &dyn Storage, cash: i128) -> ContractResult<MarginBreakdown> {
        let (_, margin, _) = self.params(storage)?;
        let grid = isthmus_margin::scenarios(&margin).len();
        let totals: Vec<BookTotals> = self
            .risks
            .iter()
            .filter(|e| e.risk.positions > 0 && e.risk.valid && e.risk.aggregate.losses.len() == grid)
            .map(|e| e.risk.aggregate.totals())
            .collect();
        evaluate_totals(cash, &totals, &margin).map_err(margin_err)
    }

    /// The pool's net delta on `underlying` as stored and with this call's changes.
    pub fn delta(&self, underlying: &str) -> Option<(Fixed, Fixed)> {
        let e = self.risks.iter().find(|e| e.underlying == underlying)?;
        Some((Fixed::from_raw(e.delta_before), Fixed::from_raw(e.risk.aggregate.delta)))
    }

    /// `(Σ marks rounded down, positions)` over every underlying (call `load_all` first): the
    /// pool's positions are worth at least the first and at most the sum of both.
    pub fn marks(&self) -> ContractResult<(i128, i128)> {
        let mut value: i128 = 0;
        let mut count: i128 = 0;
        for e in &self.risks {
            let a = &e.risk.aggregate;
            value = value
                .checked_add(a.short_mark)
                .and_then(|v| v.checked_add(a.long_mark))
                .ok_or_else(|| crate::error::ContractError::overflow("pool marks"))?;
            count = count.saturating_add(i128::from(e.risk.positions));
        }
        Ok((value, count))
    }

    /// Write every changed position, risk and snapshot vol.
    pub fn flush(&self, storage: &mut dyn Storage) -> ContractResult<()> {
        for e in self.open_interest.iter().filter(|e| e.dirty) {
            let (u, id, open) = &e.value;
            if open.is_empty() {
                OPEN_INTEREST.remove(storage, (u, key32(*id)?));
            } else {
                OPEN_INTEREST.save(storage, (u, key32(*id)?), open)?;
            }
        }
        for e in self.risks.iter().filter(|e| e.dirty) {
            POOL_RISK.save(storage, &e.underlying, &e.risk)?;
        }
        for e in self.vols.iter().filter(|e| e.dirty) {
            POOL_RISK_VOLS.save(storage, (&e.value.0, e.value.1), &e.value.2)?;
        }
        for &((series_id, holder), holds) in &self.holders {
            let key = (key32(series_id)?, key32(holder)?);
            if holds {
                SERIES_HOLDERS.save(storage, key, &())?;
            } else {
                SERIES_HOLDERS.remove(storage, key);
            }
        }
        Ok(())
    }
}

fn long_part(q: i64) -> u128 {
    u128::from(q.max(0).unsigned_abs())
}

fn short_part(q: i64) -> u128 {
    u128::from(q.min(0).unsigned_abs())
}

/// Replace `before` contracts of one series by `after` in `aggregate`.
fn add_series(
    aggregate: &mut Aggregate,
    prices: &isthmus_margin::SeriesPrices,
    delta_per_contract: Fixed,
    expiry: u64,
    snapshot_time: u64,
    before: i64,
    after: i64,
) -> ContractResult<()> {
    let change = prices
        .totals(i128::from(after))
        .and_then(|t| t.checked_sub(&prices.totals(i128::from(before))?))
        .and_then(|t| aggregate.totals().checked_add(&t))
        .map_err(margin_err)?;
    aggregate.set_totals(change);
    let moved = i128::from(after)
        .checked_sub(i128::from(before))
        .ok_or_else(|| crate::error::ContractError::overflow("quantity"))?;
    let delta_change = delta_per_contract.checked_mul(Fixed::from_int(moved)?)?;
    aggregate.delta = Fixed::from_raw(aggregate.delta).checked_add(delta_change)?.to_raw();
    if after != 0 && expiry > snapshot_time {
        aggregate.next_expiry = aggregate.next_expiry.min(expiry);
    }
    Ok(())
}

/// Whether `value` is more than `limit × reference` away from `reference` (`Fixed`).
fn drifted(value: Fixed, reference: Fixed, limit: Fixed) -> ContractResult<bool> {
    Ok(value.checked_sub(reference)?.checked_abs()? > reference.checked_abs()?.checked_mul(limit)?)
}

/// A price push: flags the underlying's snapshots whose spot it moved beyond the drift limit.
pub fn note_spot(storage: &mut dyn Storage, underlying: &str, price: cosmwasm_std::Decimal) -> ContractResult<()> {
    let Some(mut risk) = POOL_RISK.may_load(storage, underlying)? else { return Ok(()) };
    if risk.positions == 0 {
        return Ok(());
    }
    let limit = to_fixed(RISK.load(storage)?.pool_risk_max_spot_move)?;
    let price = to_fixed(price)?;
    let before = (risk.moved, risk.refresh.as_ref().map(|r| r.moved));
    risk.moved |= drifted(price, Fixed::from_raw(risk.snapshot.spot), limit)?;
    if let Some(r) = risk.refresh.as_mut() {
        r.moved |= drifted(price, Fixed::from_raw(r.snapshot.spot), limit)?;
    }
    if before != (risk.moved, risk.refresh.as_ref().map(|r| r.moved)) {
        POOL_RISK.save(storage, underlying, &risk)?;
    }
    Ok(())
}

/// A vol push: flags the snapshots that counted `expiry` at a vol it moved beyond the limit.
pub fn note_vol(
    storage: &mut dyn Storage,
    underlying: &str,
    expiry: u64,
    vol: cosmwasm_std::Decimal,
) -> ContractResult<()> {
    let Some(recorded) = POOL_RISK_VOLS.may_load(storage, (underlying, expiry))? else { return Ok(()) };
    let Some(mut risk) = POOL_RISK.may_load(storage, underlying)? else { return Ok(()) };
    let limit = to_fixed(RISK.load(storage)?.pool_risk_max_vol_move)?;
    let vol = to_fixed(vol)?;
    let moved = |generation: u32| -> ContractResult<bool> {
        match recorded.iter().find(|(g, _)| *g == generation) {
            Some((_, v)) => Ok(vol.checked_sub(Fixed::from_raw(*v))?.checked_abs()? > limit),
            None => Ok(false),
        }
    };
    let before = (risk.moved, risk.refresh.as_ref().map(|r| r.moved));
    risk.moved |= risk.positions > 0 && moved(risk.snapshot.generation)?;
    if let Some(r) = risk.refresh.as_mut() {
        r.moved |= moved(r.snapshot.generation)?;
    }
    if before != (risk.moved, risk.refresh.as_ref().map(|r| r.moved)) {
        POOL_RISK.save(storage, underlying, &risk)?;
    }
    Ok(())
}

/// New risk parameters: every aggregate was summed on the old grid and rates, so each is
/// invalid until a refresh rebuilds it (a refresh in progress is dropped).
pub fn invalidate_all(storage: &mut dyn Storage) -> ContractResult<()> {
    let all: Vec<(String, PoolRisk)> =
        POOL_RISK.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
    for (underlying, mut risk) in all {
        risk.valid = risk.positions == 0;
        risk.refresh = None;
        if risk.positions == 0 {
            risk.aggregate = empty_risk(&margin_params(&RISK.load(storage)?, QUOTE.load(storage)?.decimals)?).aggregate;
        }
        POOL_RISK.save(storage, &underlying, &risk)?;
    }
    Ok(())
}

/// The first series of an underlying: the pool's risk gets a row for it, within the bound on
/// underlyings that keeps the pool's margin bounded.
pub fn register_underlying(storage: &mut dyn Storage, underlying: &str) -> ContractResult<()> {
    if POOL_RISK.has(storage, underlying) {
        return Ok(());
    }
    let max = crate::state::pool_risk::MAX_POOL_UNDERLYINGS;
    let existing = POOL_RISK.keys(storage, None, None, Order::Ascending).take(max).count();
    if existing >= max {
        return Err(ContractError::TooManyUnderlyings { max: max as u32 });
    }
    let margin = margin_params(&RISK.load(storage)?, QUOTE.load(storage)?.decimals)?;
    POOL_RISK.save(storage, underlying, &empty_risk(&margin))?;
    Ok(())
}
