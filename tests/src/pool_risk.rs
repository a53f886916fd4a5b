//! Invariant 8 (the pool's risk is a revaluation at its snapshot): for every underlying, the
//! aggregate the engine keeps by adding and removing one series at a time equals a revaluation
//! from scratch of the pool's positions at the snapshot's spot and vols, and a refresh in
//! progress equals the revaluation of the positions it has passed at its own snapshot
//! (docs/pool-risk.md). Read from the engine's storage and recomputed here with the margin
//! crate, so a change of a pool position that skips the pool book, or a refresh that misses a
//! trade behind its cursor, fails it.

use anyhow::{ensure, Context, Result};
use cosmwasm_std::{Order, StdResult, Storage};
use isthmus_margin::{series_prices, BookTotals, Leg, SECONDS_PER_YEAR};
use isthmus_pricing::{price_and_delta, BsInputs, Fixed};
use options_engine::state::market::{OPEN_INTEREST, QUOTE, RISK, SERIES};
use options_engine::state::pool_risk::{Aggregate, Snapshot, POOL_RISK, POOL_RISK_VOLS};

use crate::suite::Suite;

/// `(totals, delta, earliest expiry after the snapshot)` of `positions` at `snapshot`.
fn revalue(
    storage: &dyn Storage,
    underlying: &str,
    snapshot: &Snapshot,
    positions: &[(u64, i64)],
    params: &isthmus_margin::MarginParams,
    rate: Fixed,
) -> Result<(BookTotals, Fixed, u64)> {
    let mut totals = BookTotals::zero(isthmus_margin::scenarios(params).len());
    let (mut delta, mut next_expiry) = (Fixed::ZERO, u64::MAX);
    let spot = Fixed::from_raw(snapshot.spot);
    for (series_id, quantity) in positions {
        let series = SERIES.load(storage, *series_id)?.params;
        let seconds = series.expiry.saturating_sub(snapshot.time);
        let years = Fixed::from_ratio(i128::from(seconds), i128::from(SECONDS_PER_YEAR))?;
        let vol = if seconds == 0 {
            Fixed::ZERO
        } else {
            let recorded = POOL_RISK_VOLS.may_load(storage, (underlying, series.expiry))?.unwrap_or_default();
            let (_, raw) = recorded.iter().find(|(g, _)| *g == snapshot.generation).with_context(|| {
                format!("no vol of {underlying}@{} in snapshot {}", series.expiry, snapshot.generation)
            })?;
            next_expiry = next_expiry.min(series.expiry);
            Fixed::from_raw(*raw)
        };
        let kind = match series.kind {
            isthmus_protocol::engine::OptionKind::Call => isthmus_pricing::OptionKind::Call,
            isthmus_protocol::engine::OptionKind::Put => isthmus_pricing::OptionKind::Put,
        };
        let strike = Fixed::from_ratio(series.strike.atomics().u128() as i128, 1_000_000_000_000_000_000)?;
        let size = Fixed::from_ratio(series.contract_size.atomics().u128() as i128, 1_000_000_000_000_000_000)?;
        let leg = Leg { kind, strike, expiry_years: years, quantity: 0, contract_size: size };
        totals = totals.checked_add(&series_prices(spot, rate, vol, &leg, params)?.totals(i128::from(*quantity))?)?;
        if seconds > 0 {
            let (_, d) = price_and_delta(&BsInputs { spot, strike, time_years: years, vol, rate }, kind)?;
            delta = delta.checked_add(d.checked_mul(size)?.checked_mul(Fixed::from_int(i128::from(*quantity))?)?)?;
        }
    }
    Ok((totals, delta, next_expiry))
}

fn check_aggregate(what: &str, kept: &Aggregate, recomputed: (BookTotals, Fixed, u64)) -> Result<()> {
    let (totals, delta, next_expiry) = recomputed;
    ensure!(kept.totals() == totals, "invariant 8 on {what}: kept {:?}, revalued {totals:?}", kept.totals());
    ensure!(
        kept.delta == delta.to_raw(),
        "invariant 8 on {what}: kept delta {}, revalued {delta}",
        Fixed::from_raw(kept.delta)
    );
    // The earliest expiry may be earlier than the positions still held (it is not raised when
    // a position closes): that only asks for a refresh sooner.
    ensure!(
        kept.next_expiry <= next_expiry,
        "invariant 8 on {what}: next expiry {} after {next_expiry}",
        kept.next_expiry
    );
    Ok(())
}

impl Suite {
    /// Invariant 9 (the position book agrees with the accounts): every series' open interest is
    /// the sum of the long and of the short positions accounts hold in it, and the holder index
    /// is exactly the set of (series, account number) with a position, each number naming its
    /// account. Read from the engine's storage over every account.
    pub fn check_position_book(&self) -> Result<()> {
        use options_engine::state::market::{ACCOUNTS, ACCOUNT_ADDRESSES, SERIES_HOLDERS};
        let storage = self.chains.target.contract_storage(&self.engine);
        let storage: &dyn Storage = &*storage;
        let accounts: Vec<(String, options_engine::state::market::Account)> =
            ACCOUNTS.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
        let mut summed: std::collections::BTreeMap<u64, (u128, u128)> = Default::default();
        let mut held: std::collections::BTreeSet<(u64, u64)> = Default::default();
        for (address, account) in &accounts {
            if !account.positions.is_empty() {
                ensure!(account.number != 0, "invariant 9: {address} holds positions without a number");
                let named = ACCOUNT_ADDRESSES.load(storage, u32::try_from(account.number)?)?;
                ensure!(&named == address, "invariant 9: number {} names {named}, not {address}", account.number);
            }
            for (series_id, q) in &account.positions {
                let e = summed.entry(*series_id).or_default();
                if *q > 0 {
                    e.0 += q.unsigned_abs() as u128;
                } else {
                    e.1 += q.unsigned_abs() as u128;
                }
                held.insert((*series_id, account.number));
            }
        }
        let open: Vec<((String, u32), options_engine::state::market::OpenInterest)> =
            OPEN_INTEREST.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
        ensure!(
            open.len() == summed.len(),
            "invariant 9: {} open-interest rows, {} series held",
            open.len(),
            summed.len()
        );
        for ((_, series_id), o) in &open {
            let (long, short) = summed.get(&u64::from(*series_id)).copied().unwrap_or_default();
            ensure!(
                (o.long.u128(), o.short.u128()) == (long, short),
                "invariant 9: series {series_id} open interest {o:?}, accounts hold {long} long / {short} short"
            );
        }
        let index: std::collections::BTreeSet<(u64, u64)> = SERIES_HOLDERS
            .keys(storage, None, None, Order::Ascending)
            .map(|key| key.map(|(series_id, number)| (u64::from(series_id), u64::from(number))))
            .collect::<StdResult<_>>()?;
        ensure!(index == held, "invariant 9: holder index {index:?}, accounts hold {held:?}");
        Ok(())
    }

    /// Invariant 8: see the module documentation.
    pub fn check_pool_risk(&self) -> Result<()> {
        let storage = self.chains.target.contract_storage(&self.engine);
        let storage: &dyn Storage = &*storage;
        let risk = RISK.load(storage)?;
        let params = options_engine::account_margin::margin_params(&risk, QUOTE.load(storage)?.decimals)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let rate = Fixed::from_ratio(risk.rate.atomics().u128() as i128, 1_000_000_000_000_000_000)?;
        let all: Vec<(String, options_engine::state::pool_risk::PoolRisk)> =
            POOL_RISK.range(storage, None, None, Order::Ascending).collect::<StdResult<_>>()?;
        for (underlying, kept) in all {
            // The pool's positions are the other side of the open interest (`short - long`).
            let open: Vec<(u64, options_engine::state::market::OpenInterest)> = OPEN_INTEREST
                .prefix(&underlying)
                .range(storage, None, None, Order::Ascending)
                .map(|item| item.map(|(id, open)| (u64::from(id), open)))
                .collect::<StdResult<_>>()?;
            ensure!(open.iter().all(|(_, o)| !o.is_empty()), "invariant 8: empty open interest stored on {underlying}");
            let positions: Vec<(u64, i64)> = open
                .iter()
                .map(|(id, o)| o.pool_position().map(|q| (*id, q)).context("pool position beyond i64"))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .filter(|(_, q)| *q != 0)
                .collect();
            ensure!(
                kept.positions as usize == positions.len(),
                "invariant 8 on {underlying}: {} positions counted, {} held",
                kept.positions,
                positions.len()
            );
            if positions.is_empty() {
                // Nothing held: nothing may count, whatever the parameters did to the sums.
                let zero = Aggregate::empty(isthmus_margin::scenarios(&params).len());
                ensure!(
                    kept.aggregate.totals() == zero.totals() && kept.aggregate.delta == 0 && kept.refresh.is_none(),
                    "invariant 8 on {underlying}: nothing held but {:?} kept",
                    kept.aggregate
                );
            }
            if kept.valid && !positions.is_empty() {
                let recomputed = revalue(storage, &underlying, &kept.snapshot, &positions, &params, rate)?;
                check_aggregate(&underlying, &kept.aggregate, recomputed)?;
            }
            if let Some(refresh) = &kept.refresh {
                let passed: Vec<(u64, i64)> =
                    positions.iter().copied().filter(|(id, _)| Some(*id) <= refresh.cursor).collect();
                let recomputed = revalue(storage, &underlying, &refresh.snapshot, &passed, &params, rate)?;
                check_aggregate(&format!("{underlying} (refresh)"), &refresh.aggregate, recomputed)?;
            }
        }
        Ok(())
    }
}
