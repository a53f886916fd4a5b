//! The cross-chain risk simulator (docs/risk.md): runs the sweeps on the bench, writes
//! `runs.csv`, `cells.csv`, `dark.csv` and `summary.md` into the output folder (plots are
//! drawn from them by `scripts/risk_plots.py`; `scripts/risk.sh` does both).
//!
//! ```text
//! isthmus-risk-sim [--quick] [--out DIR] [--threads N] [--only SWEEP]
//! ```
//! SWEEP: headline, delay, haircut or cap. Exits non-zero if the headline property fails.

use std::path::PathBuf;

use anyhow::{bail, Result};
use isthmus_tests::risk::sweep::{self, Size};

fn main() -> Result<()> {
    let mut size = Size::Full;
    let mut out = PathBuf::from("target/risk");
    let mut threads = 2;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => size = Size::Quick,
            "--out" => out = PathBuf::from(args.next().unwrap_or_default()),
            "--threads" => threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(2),
            "--only" => only = args.next(),
            other => bail!("unknown argument {other} (see the file's doc comment)"),
        }
    }
    let cases: Vec<_> = sweep::all_cases(size)
        .into_iter()
        .filter(|c| only.as_deref().is_none_or(|o| o == c.sweep || c.sweep == "headline"))
        .collect();
    eprintln!("{} runs on {threads} threads into {}", cases.len(), out.display());
    let outcomes = sweep::run_all(&cases, threads)?;
    let cells = sweep::write(&out, &cases, &outcomes)?;
    print!("{}", std::fs::read_to_string(out.join("summary.md"))?);
    let broken = cells.iter().filter(|c| c.sweep == "headline").any(|c| c.runs_with_bad_debt > 0);
    if broken {
        bail!("headline property broken: a 30% crash within the seize latency left bad debt");
    }
    Ok(())
}
