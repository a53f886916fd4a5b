//! Sweeps: grids of scenarios run on two threads, a progress bar, and the tables they
//! write (docs/risk.md, "Running it").

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::run::{run, Outcome};
use super::scenario::{Outage, Scenario};

/// One scenario of a sweep, with the values of the swept parameters it is labelled by.
#[derive(Debug, Clone)]
pub struct Case {
    pub sweep: &'static str,
    /// `name=value` pairs, in column order.
    pub labels: Vec<(&'static str, String)>,
    pub scenario: Scenario,
}

/// How large a sweep is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Seconds: what CI runs (a few seeds, a few grid points).
    Quick,
    /// Minutes on 2 cores: the documented full sweep.
    Full,
}

/// The market after the crash in the latency sweeps: volatility doubles and downward jumps
/// keep coming (about two an hour, -4% each), so that time to recover debt is worth money.
fn turbulent(base: Scenario) -> Scenario {
    Scenario { vol_spike: 2.0, jumps_per_hour: 2.0, jump_mean: -0.04, jump_sd: 0.02, horizon: 5_400, ..base }
}

/// The headline scenario (docs/risk.md): the default parameters, an instantaneous 30% crash
/// of both collateral assets (one of them the options' underlying), every relay hop within
/// the seize latency the haircut assumes.
pub fn headline_cases(size: Size) -> Vec<Case> {
    let seeds = match size {
        Size::Quick => 1..=4,
        Size::Full => 1..=16,
    };
    seeds
        .map(|seed| {
            let base = Scenario::default();
            let scenario = Scenario { seed, relay_max: Some(base.seize_latency_seconds as f64), ..base };
            Case { sweep: "headline", labels: vec![("crash", "0.30".into())], scenario }
        })
        .collect()
}

/// Bad debt against relay delay, for several crash sizes, in the headline's calm market and
/// in a turbulent one.
pub fn delay_cases(size: Size) -> Vec<Case> {
    let (delays, crashes, seeds): (&[f64], &[f64], u64) = match size {
        Size::Quick => (&[55.0, 1_200.0], &[0.3, 0.5], 1),
        Size::Full => (&[10.0, 30.0, 55.0, 120.0, 300.0, 600.0, 1_200.0, 2_400.0], &[0.2, 0.3, 0.4, 0.5], 6),
    };
    let mut out = vec![];
    for market in ["calm", "turbulent"] {
        for &crash in crashes {
            for &relay_mean in delays {
                for seed in 1..=seeds {
                    let base = Scenario { seed, crash, relay_mean, ..Scenario::default() };
                    out.push(Case {
                        sweep: "delay",
                        labels: vec![
                            ("market", market.into()),
                            ("crash", format!("{crash:.2}")),
                            ("relay_mean", format!("{relay_mean:.0}")),
                        ],
                        scenario: if market == "calm" { base } else { turbulent(base) },
                    });
                }
            }
        }
    }
    out
}

/// Bad debt against the haircut's parameters at a 30% crash in a turbulent market with slow
/// relayers (mean 300 s).
pub fn haircut_cases(size: Size) -> Vec<Case> {
    let (bases, zs, latencies, seeds): (&[f64], &[f64], &[u64], u64) = match size {
        Size::Quick => (&[0.10, 0.15], &[3.0], &[600], 1),
        Size::Full => (&[0.10, 0.125, 0.15, 0.20], &[1.0, 3.0, 5.0], &[300, 600, 1_200], 3),
    };
    let mut out = vec![];
    for &haircut_base in bases {
        for &haircut_z in zs {
            for &seize_latency_seconds in latencies {
                for seed in 1..=seeds {
                    out.push(Case {
                        sweep: "haircut",
                        labels: vec![
                            ("haircut_base", format!("{haircut_base:.3}")),
                            ("haircut_z", format!("{haircut_z:.1}")),
                            ("seize_latency", seize_latency_seconds.to_string()),
                        ],
                        scenario: turbulent(Scenario {
                            seed,
                            haircut_base,
                            haircut_z,
                            seize_latency_seconds,
                            relay_mean: 300.0,
                            ..Scenario::default()
                        }),
                    });
                }
            }
        }
    }
    out
}

/// One chain goes dark at the crash and never comes back, under several per-source caps; a
/// run with no dark chain is the baseline the loss is measured against. Traders keep 80% of
/// their collateral value on the first chain, so that a share cap binds there.
pub fn cap_cases(size: Size) -> Vec<Case> {
    let (shares, seeds): (&[f64], u64) = match size {
        Size::Quick => (&[1.0, 0.6], 1),
        Size::Full => (&[1.0, 0.8, 0.7, 0.6, 0.5], 4),
    };
    let mut out = vec![];
    for &share in shares {
        for seed in 1..=seeds {
            for dark in [None, Some(0), Some(1)] {
                let base = Scenario { seed, source_cap_share: share, first_chain_share: 0.8, ..Scenario::default() };
                let dark_outage = dark.map(|source| Outage { source, from: base.crash_at, until: u64::MAX });
                out.push(Case {
                    sweep: "cap",
                    labels: vec![
                        ("cap_share", format!("{share:.2}")),
                        ("dark_source", dark.map_or("none".into(), |d| d.to_string())),
                    ],
                    scenario: Scenario { dark: dark_outage, ..base },
                });
            }
        }
    }
    out
}

/// Every sweep of a size.
pub fn all_cases(size: Size) -> Vec<Case> {
    [headline_cases(size), delay_cases(size), haircut_cases(size), cap_cases(size)].concat()
}

/// Run `cases` on `threads` threads (each run builds its own chains), showing a progress bar
/// on stderr. Results come back in the order of `cases`.
pub fn run_all(cases: &[Case], threads: usize) -> Result<Vec<Outcome>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Outcome>>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(index) else { break };
                let outcome = run(&case.scenario).with_context(|| format!("{} {:?}", case.sweep, case.labels));
                if let Ok(mut slots) = results.lock() {
                    slots[index] = Some(outcome);
                }
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(finished, cases.len());
            });
        }
    });
    eprintln!();
    results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a simulation thread panicked"))?
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("a run did not finish"))))
        .collect()
}

fn progress(done: usize, total: usize) {
    let width = 40;
    let filled = done * width / total.max(1);
    eprint!("\r[{}{}] {done}/{total} runs", "#".repeat(filled), ".".repeat(width - filled));
    let _ = std::io::stderr().flush();
}

/// The per-run table: one row per run, labels then outcome.
pub fn runs_csv(cases: &[Case], outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "sweep,labels,seed,bad_debt,unrecovered_debt,liquidation_volume,liquidations,seizes_succeeded,\
         seizes_failed,seizes_timed_out,insurance_pnl,pool_pnl,max_relay_delay\n",
    );
    for (case, o) in cases.iter().zip(outcomes) {
        let labels = case.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";");
        let _ = writeln!(
            out,
            "{},{labels},{},{},{},{},{},{},{},{},{},{},{}",
            case.sweep,
            case.scenario.seed,
            o.bad_debt,
            o.unrecovered_debt,
            o.liquidation_volume,
            o.liquidations,
            o.seizes_succeeded,
            o.seizes_failed,
            o.seizes_timed_out,
            o.insurance_pnl,
            o.pool_pnl,
            o.max_relay_delay
        );
    }
    out
}

/// Aggregates of one cell (one combination of labels) over its seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub sweep: &'static str,
    pub labels: Vec<(&'static str, String)>,
    pub runs: usize,
    pub bad_debt_mean: f64,
    pub bad_debt_max: u128,
    pub runs_with_bad_debt: usize,
    /// Liquidations at risk: the 95th percentile of the liquidation volume over the runs.
    pub lar_95: u128,
    pub unrecovered_mean: f64,
    pub seizes_timed_out: u32,
    pub seizes_failed: u32,
    pub insurance_pnl_mean: f64,
    pub pool_pnl_mean: f64,
}

pub fn cells(cases: &[Case], outcomes: &[Outcome]) -> Vec<Cell> {
    let mut keys: Vec<(&'static str, Vec<(&'static str, String)>)> = vec![];
    for case in cases {
        let key = (case.sweep, case.labels.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|(sweep, labels)| {
            let runs: Vec<&Outcome> = cases
                .iter()
                .zip(outcomes)
                .filter(|(c, _)| c.sweep == sweep && c.labels == labels)
                .map(|(_, o)| o)
                .collect();
            let n = runs.len().max(1) as f64;
            let mut volumes: Vec<u128> = runs.iter().map(|o| o.liquidation_volume).collect();
            volumes.sort_unstable();
            let p95 = volumes.get(((volumes.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)).copied();
            Cell {
                sweep,
                labels,
                runs: runs.len(),
                bad_debt_mean: runs.iter().map(|o| o.bad_debt as f64).sum::<f64>() / n,
                bad_debt_max: runs.iter().map(|o| o.bad_debt).max().unwrap_or(0),
                runs_with_bad_debt: runs.iter().filter(|o| o.bad_debt > 0).count(),
                lar_95: p95.unwrap_or(0),
                unrecovered_mean: runs.iter().map(|o| o.unrecovered_debt as f64).sum::<f64>() / n,
                seizes_timed_out: runs.iter().map(|o| o.seizes_timed_out).sum(),
                seizes_failed: runs.iter().map(|o| o.seizes_failed).sum(),
                insurance_pnl_mean: runs.iter().map(|o| o.insurance_pnl as f64).sum::<f64>() / n,
                pool_pnl_mean: runs.iter().map(|o| o.pool_pnl as f64).sum::<f64>() / n,
            }
        })
        .collect()
}

pub fn cells_csv(cells: &[Cell]) -> String {
    let mut out = String::from(
        "sweep,labels,runs,bad_debt_mean_usdc,bad_debt_max_usdc,runs_with_bad_debt,lar95_usdc,\
         unrecovered_mean_usdc,seizes_timed_out,seizes_failed,insurance_pnl_mean_usdc,pool_pnl_mean_usdc\n",
    );
    for c in cells {
        let labels = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";");
        let _ = writeln!(
            out,
            "{},{labels},{},{:.6},{:.6},{},{:.6},{:.6},{},{},{:.6},{:.6}",
            c.sweep,
            c.runs,
            usdc(c.bad_debt_mean),
            usdc(c.bad_debt_max as f64),
            c.runs_with_bad_debt,
            usdc(c.lar_95 as f64),
            usdc(c.unrecovered_mean),
            c.seizes_timed_out,
            c.seizes_failed,
            usdc(c.insurance_pnl_mean),
            usdc(c.pool_pnl_mean)
        );
    }
    out
}

fn usdc(micro: f64) -> f64 {
    micro / 1e6
}

/// The largest extra unrecovered debt one chain going dark caused, per cap share: each dark
/// run against the run of the same seed with no dark chain.
pub fn dark_losses(cases: &[Case], outcomes: &[Outcome]) -> Vec<(String, f64)> {
    let mut by_share: Vec<(String, f64)> = vec![];
    for (case, o) in cases.iter().zip(outcomes).filter(|(c, _)| c.sweep == "cap" && c.scenario.dark.is_some()) {
        let share = case.labels[0].1.clone();
        let baseline = cases
            .iter()
            .zip(outcomes)
            .find(|(c, _)| {
                c.sweep == "cap"
                    && c.scenario.dark.is_none()
                    && c.labels[0].1 == share
                    && c.scenario.seed == case.scenario.seed
            })
            .map_or(0, |(_, b)| b.unrecovered_debt);
        let loss = usdc(o.unrecovered_debt.saturating_sub(baseline) as f64);
        match by_share.iter_mut().find(|(s, _)| *s == share) {
            Some(entry) => entry.1 = entry.1.max(loss),
            None => by_share.push((share, loss)),
        }
    }
    by_share
}

/// A readable summary of every cell and the headline verdict.
pub fn summary(cells: &[Cell], dark: &[(String, f64)]) -> String {
    let mut out = String::from(
        "# Isthmus risk simulator: summary\n\nMoney in USDC. LaR95: 95th percentile of liquidation volume.\n",
    );
    let mut sweep = "";
    for c in cells {
        if c.sweep != sweep {
            sweep = c.sweep;
            let _ = writeln!(out, "\n## {sweep}\n\n| cell | runs | bad debt mean | max | runs with bad debt | LaR95 | timed out | pool P&L |");
            out.push_str("|---|---|---|---|---|---|---|---|\n");
        }
        let labels = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
        let _ = writeln!(
            out,
            "| {labels} | {} | {:.2} | {:.2} | {} | {:.0} | {} | {:.0} |",
            c.runs,
            usdc(c.bad_debt_mean),
            usdc(c.bad_debt_max as f64),
            c.runs_with_bad_debt,
            usdc(c.lar_95 as f64),
            c.seizes_timed_out,
            usdc(c.pool_pnl_mean)
        );
    }
    if !dark.is_empty() {
        out.push_str(
            "\n## Largest loss from one chain going dark\n\n| cap share | extra unrecovered debt |\n|---|---|\n",
        );
        for (share, loss) in dark {
            let _ = writeln!(out, "| {share} | {loss:.2} |");
        }
    }
    let headline: Vec<&Cell> = cells.iter().filter(|c| c.sweep == "headline").collect();
    if !headline.is_empty() {
        let bad: usize = headline.iter().map(|c| c.runs_with_bad_debt).sum();
        let runs: usize = headline.iter().map(|c| c.runs).sum();
        let _ = writeln!(
            out,
            "\nHeadline (30% instantaneous crash, relay hops within the seize latency): {} ({bad} of {runs} runs with bad debt)",
            if bad == 0 { "HOLDS" } else { "BROKEN" }
        );
    }
    out
}

/// Write the tables and the summary into `dir`.
pub fn write(dir: &Path, cases: &[Case], outcomes: &[Outcome]) -> Result<Vec<Cell>> {
    std::fs::create_dir_all(dir)?;
    let cells = cells(cases, outcomes);
    let dark = dark_losses(cases, outcomes);
    std::fs::write(dir.join("runs.csv"), runs_csv(cases, outcomes))?;
    std::fs::write(dir.join("cells.csv"), cells_csv(&cells))?;
    let mut dark_csv = String::from("cap_share,max_dark_loss_usdc\n");
    for (share, loss) in &dark {
        let _ = writeln!(dark_csv, "{share},{loss:.6}");
    }
    std::fs::write(dir.join("dark.csv"), dark_csv)?;
    std::fs::write(dir.join("summary.md"), summary(&cells, &dark))?;
    Ok(cells)
}
