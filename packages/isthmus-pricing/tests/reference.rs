//! Accuracy against the committed mpmath (50-digit) reference tables in `testdata/`.
//! Each test prints the worst error per quantity (run with `-- --nocapture`) and fails above
//! the target of docs/pricing.md (the targets for price, delta, Greeks, CDF and implied
//! vol; for the kernels, which have no target of their own, about 30–100× the measured error). f64 is used here only to *report* error ratios.

use isthmus_pricing::math::{exp, ln, sqrt};
use isthmus_pricing::{greeks, implied_vol, normal_cdf, normal_pdf, BsInputs, Fixed, OptionKind};

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/testdata/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("spot"))
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn fx(s: &str) -> Fixed {
    Fixed::from_raw(s.parse().unwrap())
}

fn f(x: Fixed) -> f64 {
    x.to_raw() as f64 / 2f64.powi(88)
}

/// Worst error of one quantity, with the row where it happened.
struct Worst {
    name: &'static str,
    target: f64,
    err: f64,
    at: String,
}

impl Worst {
    fn new(name: &'static str, target: f64) -> Self {
        Worst { name, target, err: 0.0, at: String::new() }
    }
    fn see(&mut self, err: f64, at: impl FnOnce() -> String) {
        if err > self.err || err.is_nan() {
            self.err = err;
            self.at = at();
        }
    }
    fn report(&self) -> bool {
        let ok = self.err <= self.target;
        println!(
            "{:<22} worst {:>10.3e}  target {:>7.0e}  {}  at {}",
            self.name,
            self.err,
            self.target,
            if ok { "ok  " } else { "FAIL" },
            self.at
        );
        ok
    }
}

fn abs_err(got: Fixed, want: Fixed) -> f64 {
    (got.to_raw() - want.to_raw()).unsigned_abs() as f64 / 2f64.powi(88)
}

/// Relative where |want| > floor, absolute below.
fn mixed_err(got: Fixed, want: Fixed, floor: f64) -> f64 {
    abs_err(got, want) / f(want).abs().max(floor)
}

#[test]
fn kernels_match_mpmath() {
    let mut w =
        [Worst::new("ln (abs)", 1e-17), Worst::new("sqrt (rel, abs<1)", 1e-24), Worst::new("exp (rel, abs<1)", 1e-17)];
    for r in rows("kernels.csv") {
        let (x, want) = (fx(&r[1]), fx(&r[2]));
        let at = || format!("x = {:e}", f(x));
        match r[0].as_str() {
            "ln" => w[0].see(abs_err(ln(x).unwrap(), want), at),
            "sqrt" => w[1].see(mixed_err(sqrt(x).unwrap(), want, 1.0), at),
            "exp" => w[2].see(mixed_err(exp(x).unwrap(), want, 1.0), at),
            op => panic!("unknown op {op}"),
        }
    }
    assert!(w.iter().map(Worst::report).fold(true, |a, b| a & b));
}

#[test]
fn normal_matches_mpmath() {
    let mut cdf = Worst::new("normal cdf (abs)", 1e-15);
    let mut tail = Worst::new("normal cdf x<-1 (rel)", 1e-16);
    let mut pdf = Worst::new("normal pdf (abs)", 1e-17);
    for r in rows("normal.csv") {
        let (x, want_cdf, want_pdf) = (fx(&r[0]), fx(&r[1]), fx(&r[2]));
        let got = normal_cdf(x).unwrap();
        let at = || format!("x = {}", f(x));
        cdf.see(abs_err(got, want_cdf), at);
        // relative accuracy of the tail while it is still many ulps above 0
        if f(x) < -1.0 && f(want_cdf) > 1e-8 {
            tail.see(mixed_err(got, want_cdf, 0.0), at);
        }
        pdf.see(abs_err(normal_pdf(x).unwrap(), want_pdf), at);
    }
    assert!(cdf.report() & tail.report() & pdf.report());
}

struct Row {
    inputs: BsInputs,
    /// call, call_delta, put, put_delta, gamma, vega, call_theta, put_theta
    want: [Fixed; 8],
}

fn grid() -> Vec<Row> {
    rows("black_scholes.csv")
        .iter()
        .map(|r| Row {
            inputs: BsInputs {
                spot: fx(&r[0]),
                strike: fx(&r[1]),
                time_years: fx(&r[2]),
                vol: fx(&r[3]),
                rate: fx(&r[4]),
            },
            want: core::array::from_fn(|i| fx(&r[5 + i])),
        })
        .collect()
}

fn describe(i: &BsInputs, kind: OptionKind) -> String {
    format!(
        "{kind:?} S={:.4} K={:.1} T={:.6} vol={:.2} r={:.2}",
        f(i.spot),
        f(i.strike),
        f(i.time_years),
        f(i.vol),
        f(i.rate)
    )
}

#[test]
fn black_scholes_matches_mpmath() {
    let mut price = Worst::new("price (abs / S)", 1e-12);
    let mut delta = Worst::new("delta (abs)", 1e-12);
    let mut gamma = Worst::new("gamma (rel, abs<1e-8)", 1e-10);
    let mut vega = Worst::new("vega (rel, abs<1e-8)", 1e-10);
    let mut theta = Worst::new("theta (rel, abs<1e-8)", 1e-10);
    let mut price_rel = Worst::new("price (rel, p>1e-8·S)", 1e-12);
    let rows = grid();
    assert!(rows.len() > 2000, "reference grid unexpectedly small");
    for row in &rows {
        for (kind, k) in [(OptionKind::Call, 0), (OptionKind::Put, 2)] {
            let g = greeks(&row.inputs, kind).unwrap();
            let at = || describe(&row.inputs, kind);
            let s = f(row.inputs.spot);
            price.see(abs_err(g.price, row.want[k]) / s, at);
            if f(row.want[k]) > 1e-8 * s {
                price_rel.see(mixed_err(g.price, row.want[k], 0.0), at);
            }
            delta.see(abs_err(g.delta, row.want[k + 1]), at);
            gamma.see(mixed_err(g.gamma, row.want[4], 1e-8), at);
            vega.see(mixed_err(g.vega, row.want[5], 1e-8), at);
            theta.see(mixed_err(g.theta, row.want[6 + k / 2], 1e-8), at);
        }
    }
    let all = [price, price_rel, delta, gamma, vega, theta];
    assert!(all.iter().map(Worst::report).fold(true, |a, b| a & b));
}

#[test]
fn implied_vol_round_trips_on_the_grid() {
    let mut worst = Worst::new("implied vol round trip", 1e-9);
    let mut solved = 0;
    for row in &grid() {
        // only where the price still carries information about vol
        if f(row.want[5]) < 1e-6 * f(row.inputs.spot) {
            continue;
        }
        for kind in [OptionKind::Call, OptionKind::Put] {
            let p = isthmus_pricing::price(&row.inputs, kind).unwrap();
            // cold start: vol = 0 makes the solver pick its own initial guess
            let cold = BsInputs { vol: Fixed::ZERO, ..row.inputs };
            let iv = implied_vol(p, &cold, kind).unwrap_or_else(|e| panic!("{e} for {}", describe(&row.inputs, kind)));
            worst.see(abs_err(iv, row.inputs.vol), || describe(&row.inputs, kind));
            solved += 1;
        }
    }
    println!("implied vol: {solved} solves");
    assert!(solved > 1000);
    assert!(worst.report());
}
