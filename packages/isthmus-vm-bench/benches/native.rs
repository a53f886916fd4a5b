//! Native timings of isthmus-pricing (criterion). Wasm instruction counts and VM gas, which
//! are what a chain charges, come from the runner in src/main.rs; these wall-clock figures
//! are for off-chain users of the library. Run: `scripts/bench_pricing.sh --native`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use isthmus_pricing::{greeks, implied_vol, price, price_and_delta, BsInputs, Fixed, OptionKind};

fn inputs() -> BsInputs {
    let f = |n: i128, d: i128| Fixed::from_ratio(n, d).unwrap();
    // S = 100, K = 105, T = 30/365, sigma = 60%, r = 5%: the inputs of the wasm bench.
    BsInputs { spot: f(100, 1), strike: f(105, 1), time_years: f(30, 365), vol: f(60, 100), rate: f(5, 100) }
}

fn bench(c: &mut Criterion) {
    let x = inputs();
    c.bench_function("price (call)", |b| b.iter(|| price(black_box(&x), OptionKind::Call).unwrap()));
    c.bench_function("price + delta (call)", |b| b.iter(|| price_and_delta(black_box(&x), OptionKind::Call).unwrap()));
    c.bench_function("price + 5 greeks (call)", |b| b.iter(|| greeks(black_box(&x), OptionKind::Call).unwrap()));
    let target = price(&x, OptionKind::Call).unwrap();
    let cold = BsInputs { vol: Fixed::ZERO, ..x };
    c.bench_function("implied vol (cold start)", |b| {
        b.iter(|| implied_vol(black_box(target), black_box(&cold), OptionKind::Call).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
