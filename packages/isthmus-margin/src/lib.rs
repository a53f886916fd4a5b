//! Portfolio margin by scenarios for the Isthmus options engine (docs/protocol.md §6).
//!
//! A pure crate: no storage, no floating point, checked arithmetic, nothing panics on inputs.
//! [`evaluate`] revalues an [`Account`]'s options (Black-Scholes from `isthmus-pricing`) and the
//! collateral linked to their underlyings over a grid of spot moves × volatility shocks
//! ([`MarginParams`]), and returns a [`MarginBreakdown`] in integer quote base units.
//! Remote collateral is valued at price × (1 − [`haircut`]). The method, units and rounding are
//! documented in `docs/margin.md`.

mod book;
mod collateral;
mod error;
mod haircut;
mod params;
mod portfolio;
mod scenario;
mod series;
mod units;

pub use book::{series_prices, BookTotals, ExpiryVol, Leg, SeriesPrices, UnderlyingBook};
pub use collateral::{collateral_value, CollateralItem, CollateralPrice};
pub use error::{MarginError, MarginResult};
pub use haircut::{haircut, is_stale, HaircutParams, MAX_HORIZON_SECONDS, SECONDS_PER_YEAR};
pub use params::{MarginParams, MAX_SCENARIOS};
pub use portfolio::{evaluate, evaluate_totals, Account, MarginBreakdown, UnderlyingMargin};
pub use scenario::{scenarios, shock_scale, shocked_vol, Scenario, VolShock, DAYS_PER_YEAR};
pub use units::{QuoteUnits, MAX_DECIMALS};

pub use isthmus_pricing::{Fixed, OptionKind};
