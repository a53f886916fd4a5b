//! Storage of the pool's risk, kept per underlying at a snapshot of the market
//! (docs/pool-risk.md). Written only by `pool_book::PoolBook::flush` and the refresh crank.

use isthmus_margin::BookTotals;
use isthmus_store::{codec_struct, Table};

/// The market data every series of one underlying is valued at: the spot (and, in
/// [`POOL_RISK_VOLS`], each expiry's vol) at `time`. Prices are `Fixed` raw values.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Snapshot {
    /// Counts the snapshots of this underlying; keys its vols.
    pub generation: u32,
    pub time: u64,
    pub spot: i128,
}
codec_struct!(Snapshot { generation, time, spot });

/// The pool's positions on one underlying, summed at one snapshot: each series' marks, scenario
/// losses and short floor ([`isthmus_margin::SeriesPrices::totals`]) and its delta.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Aggregate {
    pub short_mark: i128,
    pub long_mark: i128,
    /// One per scenario of the grid, before tail weighting.
    pub losses: Vec<i128>,
    pub short_floor: i128,
    /// `Σ q × size × delta` in whole units of the underlying (`Fixed` raw).
    pub delta: i128,
    /// Earliest expiry after the snapshot of a series counted here (`u64::MAX`: none): once it
    /// passes, the snapshot no longer describes the book.
    pub next_expiry: u64,
}
codec_struct!(Aggregate { short_mark, long_mark, losses, short_floor, delta, next_expiry });

impl Aggregate {
    pub fn empty(scenarios: usize) -> Self {
        Aggregate { losses: vec![0; scenarios], next_expiry: u64::MAX, ..Aggregate::default() }
    }

    pub fn totals(&self) -> BookTotals {
        BookTotals {
            short_mark: self.short_mark,
            long_mark: self.long_mark,
            losses: self.losses.clone(),
            short_floor: self.short_floor,
        }
    }

    pub fn set_totals(&mut self, totals: BookTotals) {
        self.short_mark = totals.short_mark;
        self.long_mark = totals.long_mark;
        self.losses = totals.losses;
        self.short_floor = totals.short_floor;
    }
}

/// A revaluation in progress: positions up to `cursor` (series ids, ascending) are summed
/// into `aggregate` at `snapshot`.
#[derive(Clone, Debug, PartialEq)]
pub struct Refresh {
    pub snapshot: Snapshot,
    pub cursor: Option<u64>,
    pub aggregate: Aggregate,
    /// A push moved the market beyond the drift limits since `snapshot`.
    pub moved: bool,
}
codec_struct!(Refresh { snapshot, cursor, aggregate, moved });

#[derive(Clone, Debug, PartialEq)]
pub struct PoolRisk {
    pub snapshot: Snapshot,
    pub aggregate: Aggregate,
    /// Non-zero pool positions on the underlying (kept even while `valid` is false).
    pub positions: u32,
    /// A push moved the spot or a counted expiry's vol beyond the drift limits since the
    /// snapshot.
    pub moved: bool,
    /// False after the risk parameters changed: the aggregate is on the old grid and is not
    /// updated until a refresh rebuilds it.
    pub valid: bool,
    pub refresh: Option<Refresh>,
    /// The highest generation ever issued on this underlying: a new snapshot never reuses the
    /// number (and so the recorded vols) of one that was dropped.
    pub issued: u32,
}
codec_struct!(PoolRisk { snapshot, aggregate, positions, moved, valid, refresh, issued });

/// Underlying -> its pool risk. Created when the first series of the underlying is listed.
/// Written by every trade that adds risk: its namespace is short (docs/storage.md, "Keys").
pub const POOL_RISK: Table<&str, PoolRisk> = Table::new("pr");
/// `(underlying, expiry)` -> the vol of that expiry in at most two snapshots (the current one
/// and a refresh's), as `(generation, Fixed raw)`.
pub const POOL_RISK_VOLS: Table<(&str, u64), Vec<(u32, i128)>> = Table::new("prv");
/// Most underlyings with listed series: the pool's margin sums every one of them.
pub const MAX_POOL_UNDERLYINGS: usize = 8;
