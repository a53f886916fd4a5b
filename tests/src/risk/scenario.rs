//! What one simulated run is made of (docs/risk.md, "The model"): the market's price paths,
//! the relayers' latency and outages, the feeder, the keepers and the risk parameters.

use super::rng::Rng;

/// Seconds per year used to scale annual volatilities (the engine's convention).
pub const YEAR_SECONDS: f64 = 365.0 * 86_400.0;

/// A relayer outage: the link of `source` relays nothing in `[from, until)` (seconds after
/// the start; `until = u64::MAX` means the chain never comes back).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outage {
    pub source: usize,
    pub from: u64,
    pub until: u64,
}

/// One run's parameters. Times are seconds from the start of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub seed: u64,
    /// Instantaneous fall of both collateral assets (ATOM, also the options' underlying, on
    /// the first chain; OSMO on the second) at `crash_at`, as a fraction (0.30 = -30%).
    pub crash: f64,
    pub crash_at: u64,
    /// Seconds simulated; the run then drains (relays everything, keepers finish).
    pub horizon: u64,
    /// Seconds between two steps of the clock.
    pub step: u64,
    /// Annual volatility of both assets before the crash, and its multiple after it.
    pub vol: f64,
    pub vol_spike: f64,
    /// Correlation of the two assets' diffusions.
    pub correlation: f64,
    /// Downward jumps after the crash: expected count per hour, mean and spread of the
    /// log-size (common to both assets: a systemic move).
    pub jumps_per_hour: f64,
    pub jump_mean: f64,
    pub jump_sd: f64,
    /// Relay delay of every hop (delivery, acknowledgement): lognormal with this mean in
    /// seconds and log-space spread; `relay_max` caps every draw (None: uncapped).
    pub relay_mean: f64,
    pub relay_sigma: f64,
    pub relay_max: Option<f64>,
    /// Random outages: each link goes dark once with this probability, at a uniform time of
    /// the horizon, for a lognormal duration with mean `outage_mean` seconds.
    pub outage_probability: f64,
    pub outage_mean: f64,
    /// An outage imposed on top of the random ones (the "one chain goes dark" runs).
    pub dark: Option<Outage>,
    /// The feeder publishes what it saw `feeder_lag` seconds ago, every `feeder_interval`.
    pub feeder_lag: u64,
    pub feeder_interval: u64,
    /// Keepers: how many, the quote capital each can lock in seizes at once, and how long
    /// each waits after an account becomes liquidatable before acting.
    pub keepers: usize,
    pub keeper_capital: u128,
    pub keeper_delay: u64,
    /// Risk parameters swept (the rest are the suite's defaults).
    pub haircut_base: f64,
    pub haircut_z: f64,
    pub seize_latency_seconds: u64,
    /// Per-source exposure cap as a share of all remote collateral (1.0: no cap).
    pub source_cap_share: f64,
    /// How close to their initial margin traders open (1.0: exactly at the limit).
    pub leverage: f64,
    /// The share of the traders' collateral value they keep on the first chain (0.5: even).
    pub first_chain_share: f64,
}

impl Default for Scenario {
    /// The protocol's default risk parameters (the suite's `default_risk`) in a calm market
    /// that crashes 30% five minutes in.
    fn default() -> Self {
        let risk = crate::suite::default_risk();
        let ratio = |d: cosmwasm_std::Decimal| d.to_string().parse::<f64>().unwrap_or(f64::NAN);
        Scenario {
            seed: 1,
            crash: 0.30,
            crash_at: 300,
            horizon: 3_600,
            step: 10,
            vol: 0.60,
            vol_spike: 1.0,
            correlation: 0.8,
            jumps_per_hour: 0.0,
            jump_mean: -0.05,
            jump_sd: 0.03,
            // Essaid et al., Appl. Sci. 2023: IBC relaying took 55 s on average.
            relay_mean: 55.0,
            relay_sigma: 0.6,
            relay_max: None,
            outage_probability: 0.0,
            outage_mean: 900.0,
            dark: None,
            feeder_lag: 5,
            feeder_interval: 10,
            keepers: 2,
            keeper_capital: 20_000_000_000,
            keeper_delay: 20,
            haircut_base: ratio(risk.haircut_base),
            haircut_z: ratio(risk.haircut_z),
            seize_latency_seconds: risk.seize_latency_seconds,
            source_cap_share: 1.0,
            leverage: 1.0,
            first_chain_share: 0.5,
        }
    }
}

/// The two assets' true prices over time: geometric Brownian motion with an instantaneous
/// crash, a volatility spike after it and common downward jumps.
pub struct PricePaths {
    rng: Rng,
    /// (time, ATOM, OSMO) at every step so far, oldest first.
    history: Vec<(u64, f64, f64)>,
}

pub const ATOM_START: f64 = 10.0;
pub const OSMO_START: f64 = 1.0;

impl PricePaths {
    pub fn new(seed: u64) -> Self {
        PricePaths { rng: Rng::fork(seed, 1), history: vec![(0, ATOM_START, OSMO_START)] }
    }

    /// Advance to time `t` (one step after the last), returning the new prices.
    pub fn advance(&mut self, scenario: &Scenario, t: u64) -> (f64, f64) {
        let &(last_t, mut atom, mut osmo) = self.history.last().expect("history starts with the open");
        let dt = (t - last_t) as f64 / YEAR_SECONDS;
        let after_crash = t > scenario.crash_at;
        let vol = if after_crash { scenario.vol * scenario.vol_spike } else { scenario.vol };
        let (z1, z2) = (self.rng.normal(), self.rng.normal());
        let rho = scenario.correlation;
        let w2 = rho * z1 + (1.0 - rho * rho).sqrt() * z2;
        let drift = -vol * vol / 2.0 * dt;
        let mut log_atom = drift + vol * dt.sqrt() * z1;
        let mut log_osmo = drift + vol * dt.sqrt() * w2;
        if after_crash && self.rng.chance(scenario.jumps_per_hour * (t - last_t) as f64 / 3_600.0) {
            let jump = scenario.jump_mean + scenario.jump_sd * self.rng.normal();
            log_atom += jump;
            log_osmo += jump;
        }
        if last_t <= scenario.crash_at && t > scenario.crash_at {
            let crash = (1.0 - scenario.crash).ln();
            log_atom += crash;
            log_osmo += crash;
        }
        atom *= log_atom.exp();
        osmo *= log_osmo.exp();
        self.history.push((t, atom, osmo));
        (atom, osmo)
    }

    /// The prices at the latest step at or before `t` (what a lagging feeder saw).
    pub fn at(&self, t: u64) -> (u64, f64, f64) {
        let index = self.history.partition_point(|(s, _, _)| *s <= t);
        self.history[index.saturating_sub(1)]
    }

    /// The current volatility (what the feeder publishes as implied vol).
    pub fn vol_at(scenario: &Scenario, t: u64) -> f64 {
        if t > scenario.crash_at {
            scenario.vol * scenario.vol_spike
        } else {
            scenario.vol
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crash_is_applied_once_and_paths_are_reproducible() {
        let scenario = Scenario { vol: 0.0, ..Scenario::default() };
        let mut paths = PricePaths::new(3);
        let mut t = 0;
        while t < 600 {
            t += 10;
            paths.advance(&scenario, t);
        }
        let (_, atom, osmo) = paths.at(600);
        assert!((atom - 7.0).abs() < 1e-9 && (osmo - 0.7).abs() < 1e-9, "{atom} {osmo}");
        let (t0, atom0, _) = paths.at(295);
        assert_eq!((t0, atom0), (290, 10.0));
        let mut again = PricePaths::new(3);
        let with_vol = Scenario::default();
        let mut first = PricePaths::new(3);
        for t in [10, 20, 30] {
            assert_eq!(first.advance(&with_vol, t), again.advance(&with_vol, t));
        }
    }
}
