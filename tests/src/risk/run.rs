//! One simulated run on the bench: the real contracts (two vaults, the engine, the
//! controller) driven through a crash by a feeder, relayers and keepers (docs/risk.md).

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::Result;
use cosmwasm_std::Decimal;
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::engine::{self, PriceInput, VolInput};
use isthmus_protocol::vault;

use super::rng::Rng;
use super::scenario::{Outage, PricePaths, Scenario};
use crate::market::Listed;
use crate::suite::{default_risk, Suite, SuiteBuilder, USERS};

/// What a run produced. Money in quote base units (micro-USDC).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Debt no collateral left behind covers: `Σ max(0, debt − value of usable collateral)`
    /// at the final prices, after the keepers had every chance to seize.
    pub bad_debt: u128,
    /// Debt still owed at the end, covered or not (collateral on a dark chain cannot repay).
    pub unrecovered_debt: u128,
    /// Quote value of collateral seized (repay × (1 + bonus)) by successful seizes.
    pub liquidation_volume: u128,
    pub liquidations: u32,
    pub seizes_succeeded: u32,
    pub seizes_failed: u32,
    pub seizes_timed_out: u32,
    /// Change of the insurance fund and of the pool's exit NAV over the run.
    pub insurance_pnl: i128,
    pub pool_pnl: i128,
    /// Longest single relay hop drawn.
    pub max_relay_delay: u64,
}

pub const TRADERS: [&str; 3] = USERS;
const BONUS: f64 = 1.05;
/// A keeper that could not seize from a trader (nothing usable, a refusal) waits this long
/// before looking at that trader again, as a real bot polls.
const KEEPER_BACKOFF_SECONDS: u64 = 60;
/// A few extra steps with everything relaying and keepers free, to let recoveries finish.
const DRAIN_STEPS: u32 = 400;

struct Keeper {
    capital: u128,
    locked: u128,
}

/// A seize a keeper sent and awaits.
struct PendingSeize {
    keeper: usize,
    repay: u128,
    trader: &'static str,
    source: usize,
}

struct Run<'a> {
    scenario: &'a Scenario,
    suite: Suite,
    listed: Listed,
    paths: PricePaths,
    relay_rng: Rng,
    /// Random outages of this run (plus the imposed one).
    outages: Vec<Outage>,
    /// When each packet's next hop happens: (sender, channel, sequence, delivered) -> time.
    due: BTreeMap<(Side, String, u64, bool), u64>,
    start: u64,
    /// When the feeder last published, and the time of the prices it published then (the
    /// set-up published the opening prices at 0).
    last_feed: u64,
    last_seen: u64,
    keepers: Vec<Keeper>,
    /// Seizes in flight by id.
    seizes: BTreeMap<u64, PendingSeize>,
    /// When each account was first seen liquidatable or in debt.
    flagged: BTreeMap<String, u64>,
    /// A keeper that found nothing to seize from a trader looks again only after this time.
    next_look: BTreeMap<&'static str, u64>,
    outcome: Outcome,
}

/// Run `scenario` once on a fresh deployment.
pub fn run(scenario: &Scenario) -> Result<Outcome> {
    let mut risk = default_risk();
    risk.haircut_base = Decimal::from_str(&format!("{:.4}", scenario.haircut_base))?;
    risk.haircut_z = Decimal::from_str(&format!("{:.4}", scenario.haircut_z))?;
    risk.seize_latency_seconds = scenario.seize_latency_seconds;
    let mut suite = SuiteBuilder::new().with_sources(2).with_controller().with_risk(risk).build()?;
    let listed = suite.open_market(500_000_000_000)?;
    suite.list_native_collateral(0, Decimal::from_ratio(10u128, 1u128))?;
    suite.list_native_collateral(1, Decimal::one())?;
    super::cap::apply(&mut suite, scenario.source_cap_share)?;
    let mut setup_rng = Rng::fork(scenario.seed, 0);
    let mut relay_rng = Rng::fork(scenario.seed, 2);
    let outages = draw_outages(scenario, &mut relay_rng);
    let start = suite.now();
    let mut run = Run {
        scenario,
        suite,
        listed,
        paths: PricePaths::new(scenario.seed),
        relay_rng,
        outages,
        due: BTreeMap::new(),
        start,
        last_feed: 0,
        last_seen: 0,
        keepers: (0..scenario.keepers).map(|_| Keeper { capital: scenario.keeper_capital, locked: 0 }).collect(),
        seizes: BTreeMap::new(),
        flagged: BTreeMap::new(),
        next_look: BTreeMap::new(),
        outcome: Outcome::default(),
    };
    run.open_books(&mut setup_rng)?;
    let (insurance_before, nav_before) = run.funds()?;
    let mut t = 0;
    while t < scenario.horizon {
        t += scenario.step;
        run.step(t, false)?;
    }
    // Drain: random outages end (a dark chain stays dark), every hop takes a second, and
    // keepers act at once, until nothing is left that can still move.
    for _ in 0..DRAIN_STEPS {
        t += scenario.step;
        let acted = run.step(t, true)?;
        let moving = run.suite.chains.in_flight().iter().any(|p| !run.is_dark(p.from, p.to, t, true));
        if !acted && !moving {
            break;
        }
    }
    run.suite.check_invariants()?;
    let (insurance_after, nav_after) = run.funds()?;
    run.outcome.insurance_pnl = insurance_after - insurance_before;
    run.outcome.pool_pnl = nav_after - nav_before;
    run.measure_debt()?;
    Ok(run.outcome)
}

fn draw_outages(scenario: &Scenario, rng: &mut Rng) -> Vec<Outage> {
    let mut out: Vec<Outage> = (0..2)
        .filter_map(|source| {
            let hit = rng.chance(scenario.outage_probability);
            let from = rng.between(0.0, scenario.horizon as f64) as u64;
            let length = rng.lognormal_with_mean(scenario.outage_mean, 0.5) as u64;
            hit.then_some(Outage { source, from, until: from + length })
        })
        .collect();
    out.extend(scenario.dark);
    out
}

impl Run<'_> {
    /// Traders deposit on their chains and write puts (some also calls) up to
    /// `leverage` × the most their initial margin allows.
    fn open_books(&mut self, rng: &mut Rng) -> Result<()> {
        // alice holds ATOM, bob OSMO, carol both; `first_chain_share` tilts the value
        // between the chains (at the opening prices, 10 and 1).
        let tilt = 2.0 * self.scenario.first_chain_share;
        for (i, name) in TRADERS.iter().enumerate() {
            if i != 1 {
                let atom = (rng.between(30.0, 90.0) * tilt) as u128 * 1_000_000;
                self.suite.deposit_native_on(0, name, atom)?;
            }
            if i != 0 {
                let osmo = (rng.between(300.0, 900.0) * (2.0 - tilt)) as u128 * 1_000_000;
                self.suite.deposit_native_on(1, name, osmo)?;
            }
        }
        self.suite.relay_all()?;
        for name in TRADERS {
            let with_calls = rng.chance(0.5);
            if self.suite.engine_account(name)?.cash.i128() == 0 && self.suite.margin(name)?.collateral_value.is_zero()
            {
                continue;
            }
            let max = self.largest_accepted(name, with_calls)?;
            let quantity = (max as f64 * self.scenario.leverage).floor() as i64;
            if quantity > 0 {
                self.suite.trade(name, &self.legs(quantity, with_calls), i128::MAX)?;
            }
        }
        self.suite.check_invariants()
    }

    fn legs(&self, quantity: i64, with_calls: bool) -> Vec<(u64, i64)> {
        let mut legs = vec![(self.listed.put_10, -quantity)];
        if with_calls {
            legs.push((self.listed.call_11, -(quantity / 2).max(1)));
        }
        legs
    }

    /// The largest quantity the engine would accept now (bisection on `SimulateTrade`).
    fn largest_accepted(&self, name: &str, with_calls: bool) -> Result<i64> {
        let (mut low, mut high) = (0i64, 1_000i64);
        while low < high {
            let mid = (low + high + 1) / 2;
            if self.suite.simulate(name, &self.legs(mid, with_calls))?.accepted {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        Ok(low)
    }

    fn funds(&self) -> Result<(i128, i128)> {
        Ok((self.suite.funds()?.insurance.u128() as i128, self.suite.pool()?.nav.i128()))
    }

    /// One tick of `step` seconds at time `t`; `draining`: past the horizon. Returns whether
    /// a keeper acted.
    fn step(&mut self, t: u64, draining: bool) -> Result<bool> {
        self.suite.chains.advance_all(self.scenario.step);
        self.paths.advance(self.scenario, t);
        self.feed(t)?;
        if t % 60 < self.scenario.step {
            for source in 0..2 {
                let anyone = self.suite.user_on(source, "carol");
                // Refused while the interval has not passed: nothing to do then.
                let _ = self.suite.vault_execute_on(source, &anyone, &vault::ExecuteMsg::Heartbeat {});
            }
        }
        self.relay(t, draining)?;
        self.track_seizes()?;
        self.keepers_act(t, draining)
    }

    /// The feeder publishes prices (and the implied vol) it saw `feeder_lag` seconds ago.
    fn feed(&mut self, t: u64) -> Result<()> {
        if t < self.last_feed + self.scenario.feeder_interval {
            return Ok(());
        }
        let (seen, atom, osmo) = self.paths.at(t.saturating_sub(self.scenario.feeder_lag));
        if seen <= self.last_seen {
            return Ok(());
        }
        (self.last_feed, self.last_seen) = (t, seen);
        let publish_time = self.start + seen;
        let price = |p: f64| Decimal::from_str(&format!("{:.6}", p.max(0.000_001)));
        let prices = vec![
            PriceInput { symbol: "ATOM".into(), price: price(atom)?, publish_time },
            PriceInput { symbol: "OSMO".into(), price: price(osmo)?, publish_time },
        ];
        self.suite.engine_as("feeder", &engine::ExecuteMsg::PushPrices { prices }, &[])?;
        let vol = Decimal::from_str(&format!("{:.4}", PricePaths::vol_at(self.scenario, seen)))?;
        let vols = vec![VolInput { underlying: "ATOM".into(), expiry: self.listed.expiry, vol, publish_time }];
        self.suite.engine_as("feeder", &engine::ExecuteMsg::PushVols { vols }, &[])?;
        Ok(())
    }

    /// Whether the link between `from` and `to` relays nothing at `t`.
    fn is_dark(&self, from: Side, to: Side, t: u64, draining: bool) -> bool {
        let source = from.source_index().or(to.source_index()).unwrap_or(0);
        self.outages
            .iter()
            .any(|o| o.source == source && o.from <= t && t < o.until && (!draining || o.until == u64::MAX))
    }

    fn relay_delay(&mut self) -> u64 {
        let mut delay = self.relay_rng.lognormal_with_mean(self.scenario.relay_mean, self.scenario.relay_sigma);
        if let Some(max) = self.scenario.relay_max {
            delay = delay.min(max);
        }
        let delay = delay.round().max(1.0) as u64;
        self.outcome.max_relay_delay = self.outcome.max_relay_delay.max(delay);
        delay
    }

    /// Every packet's next hop happens a relay delay after the previous one, unless its link
    /// is dark then (it goes as soon as the link is back).
    fn relay(&mut self, t: u64, draining: bool) -> Result<()> {
        loop {
            let flights: Vec<_> = self.suite.chains.in_flight().to_vec();
            let mut next = None;
            for (index, p) in flights.iter().enumerate() {
                let key = (p.from, p.packet.src.channel_id.clone(), p.packet.sequence, p.state != PacketState::Sent);
                if !self.due.contains_key(&key) {
                    let delay = if draining { 1 } else { self.relay_delay() };
                    self.due.insert(key.clone(), t + delay);
                }
                let ready = self.due[&key] <= t && !self.is_dark(p.from, p.to, t, draining);
                if ready && next.is_none() {
                    next = Some((index, key));
                }
            }
            let Some((index, key)) = next else { return Ok(()) };
            self.due.remove(&key);
            if key.3 {
                self.suite.chains.settle(index)?;
            } else {
                self.suite.chains.deliver(index)?;
            }
        }
    }

    /// Seizes whose outcome came back free their keeper's capital.
    fn track_seizes(&mut self) -> Result<()> {
        let ids: Vec<u64> = self.seizes.keys().copied().collect();
        for id in ids {
            let record = self.suite.seize_record(id)?;
            let repay = self.seizes[&id].repay;
            match record.status {
                SeizeStatus::InFlight => continue,
                SeizeStatus::Succeeded { .. } => {
                    self.outcome.seizes_succeeded += 1;
                    self.outcome.liquidation_volume += (repay as f64 * BONUS) as u128;
                }
                SeizeStatus::Failed { reason } => {
                    if reason == "timeout" {
                        self.outcome.seizes_timed_out += 1;
                    } else {
                        self.outcome.seizes_failed += 1;
                    }
                }
            }
            if let Some(done) = self.seizes.remove(&id) {
                self.keepers[done.keeper].locked -= done.repay;
            }
        }
        Ok(())
    }

    /// Keepers liquidate and seize from accounts flagged for longer than their reaction
    /// delay. Returns whether any keeper did anything.
    fn keepers_act(&mut self, t: u64, draining: bool) -> Result<bool> {
        let listed: engine::LiquidatableResponse =
            self.suite.view(&isthmus_protocol::lens::QueryMsg::Liquidatable { start_after: None, limit: Some(30) })?;
        let mut acted = false;
        for entry in listed.accounts {
            let since = *self.flagged.entry(entry.account.clone()).or_insert(t);
            if !draining && t < since + self.scenario.keeper_delay {
                continue;
            }
            let Some(&name) = TRADERS.iter().find(|n| self.suite.account(n) == entry.account) else { continue };
            let account = self.suite.engine_account(name)?;
            if !account.positions.is_empty() && self.suite.margin(name)?.liquidatable {
                let msg = engine::ExecuteMsg::Liquidate { account: entry.account.clone() };
                if std::env::var("RISK_TRACE").is_ok() {
                    let m = self.suite.margin(name)?;
                    let a = self.suite.engine_account(name)?;
                    eprintln!(
                        "t={t} liquidate {name}: equity {} mm {} cash {} coll {} pos {:?}",
                        m.equity,
                        m.maintenance_margin,
                        a.cash,
                        m.collateral_value_maintenance,
                        a.positions.iter().map(|p| (p.quantity, p.mark_value)).collect::<Vec<_>>()
                    );
                }
                if self.suite.engine_as("keeper", &msg, &[]).is_ok() {
                    self.outcome.liquidations += 1;
                    acted = true;
                }
            }
            if !draining && self.next_look.get(name).is_some_and(|&next| t < next) {
                continue;
            }
            if self.seize_from(name)? {
                acted = true;
            } else {
                self.next_look.insert(name, t + KEEPER_BACKOFF_SECONDS);
            }
        }
        Ok(acted)
    }

    /// A free keeper repays part of `name`'s debt against its most valuable fresh collateral.
    fn seize_from(&mut self, name: &'static str) -> Result<bool> {
        let debt = self.suite.engine_account(name)?.cash.i128().min(0).unsigned_abs();
        let in_flight: u128 = self.seizes.values().filter(|s| s.trader == name).map(|s| s.repay).sum();
        let debt = debt.saturating_sub(in_flight);
        if debt == 0 {
            return Ok(false);
        }
        let Some(keeper) = (0..self.keepers.len()).max_by_key(|&k| self.keepers[k].capital - self.keepers[k].locked)
        else {
            return Ok(false);
        };
        let free = self.keepers[keeper].capital - self.keepers[keeper].locked;
        for (source, value) in self.collateral_by_priority(name)? {
            let repay = debt.min(free).min((value as f64 / BONUS * 0.999) as u128);
            if repay == 0 {
                continue;
            }
            if let Ok(id) = self.suite.keeper_seize_on(source, "keeper", name, repay, "keeper") {
                self.keepers[keeper].locked += repay;
                self.seizes.insert(id, PendingSeize { keeper, repay, trader: name, source });
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `name`'s collateral in the order a keeper seizes it ([`Suite::seize_order`]), less a
    /// source where a seize of `name`'s is already stuck past the seize latency.
    fn collateral_by_priority(&self, name: &str) -> Result<Vec<(usize, u128)>> {
        let latency = self.scenario.seize_latency_seconds;
        Ok(self
            .suite
            .seize_order(name, latency)?
            .into_iter()
            .filter(|c| !(c.slow && self.seizes.values().any(|s| s.source == c.source && s.trader == name)))
            .map(|c| (c.source, c.value))
            .collect())
    }

    fn measure_debt(&mut self) -> Result<()> {
        let (_, atom, osmo) = self.paths.at(u64::MAX);
        for name in TRADERS {
            let debt = self.suite.engine_account(name)?.cash.i128().min(0).unsigned_abs();
            let mut covered = 0f64;
            for (source, price) in [(0, atom), (1, osmo)] {
                let asset = self.suite.source(source).native();
                covered += self.suite.engine_position_on(source, name, &asset)?.usable.u128() as f64 * price;
            }
            if std::env::var("RISK_TRACE").is_ok() {
                let a = self.suite.engine_account(name)?;
                eprintln!("{name}: cash {} positions {:?} covered {covered}", a.cash, a.positions);
            }
            self.outcome.unrecovered_debt += debt;
            self.outcome.bad_debt += (debt as f64 - covered).max(0.0) as u128;
        }
        Ok(())
    }
}
