//! Bench contract: a query that runs isthmus-pricing `n` times, so that the difference of the
//! VM gas of `n = N` and `n = 0` is the cost of N operations (JSON and entry-point overhead
//! cancel out). Not a production contract.

use core::hint::black_box;

use cosmwasm_std::{
    entry_point, to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError, StdResult,
};
use isthmus_pricing::math::{exp, ln, sqrt};
use isthmus_pricing::{greeks, implied_vol, normal_cdf, price, price_and_delta, BsInputs, Fixed, OptionKind};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryMsg {
    PriceAndDelta {
        n: u32,
    },
    Greeks {
        n: u32,
    },
    /// cold start: the solver picks its own initial guess
    ImpliedVol {
        n: u32,
    },
}

#[entry_point]
pub fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn err(e: isthmus_pricing::PricingError) -> StdError {
    StdError::generic_err(e.to_string())
}

// Inputs: a 30-day, 60 % vol call, 5 % out of the money; S moves by i ulps in iteration i so
// nothing can be hoisted out of the loop.

/// Runs operation `op` (0 = price + delta, 1 = price + 5 Greeks, 2 = implied vol, cold start;
/// 3..=8 = exp, ln, sqrt, normal_cdf, `Fixed` multiply, `Fixed` divide) `n` times. Shared by the query (metered by cosmwasm-vm) and by the plain export
/// `bench_ops` (counted instruction by instruction by the runner), so both measure the same code.
fn run(op: u32, n: u32) -> Result<i128, isthmus_pricing::PricingError> {
    let q = |n, d| Fixed::from_ratio(n, d);
    let base =
        BsInputs { spot: q(100, 1)?, strike: q(105, 1)?, time_years: q(30, 365)?, vol: q(3, 5)?, rate: q(1, 20)? };
    let target = price(&base, OptionKind::Call)?;
    let mut acc: i128 = 0;
    let bumped = |i: u32| BsInputs { spot: Fixed::from_raw(base.spot.to_raw() + i as i128), ..base };
    match op {
        0 => {
            for i in 0..n {
                let (p, d) = price_and_delta(black_box(&bumped(i)), OptionKind::Call)?;
                acc ^= p.to_raw() ^ d.to_raw();
            }
        }
        1 => {
            for i in 0..n {
                let g = greeks(black_box(&bumped(i)), OptionKind::Call)?;
                acc ^= g.price.to_raw() ^ g.delta.to_raw() ^ g.gamma.to_raw() ^ g.vega.to_raw() ^ g.theta.to_raw();
            }
        }
        2 => {
            let cold = BsInputs { vol: Fixed::ZERO, ..base };
            for i in 0..n {
                let p = Fixed::from_raw(target.to_raw() + i as i128);
                acc ^= implied_vol(black_box(p), &cold, OptionKind::Call)?.to_raw();
            }
        }
        // single kernels, for the breakdown (instruction counter only)
        _ => {
            let x = base.vol; // 0.6
            for i in 0..n {
                let x = black_box(Fixed::from_raw(x.to_raw() + i as i128));
                acc ^= match op {
                    3 => exp(x.checked_neg()?)?,
                    4 => ln(x)?,
                    5 => sqrt(x)?,
                    6 => normal_cdf(x)?,
                    7 => x.checked_mul(base.spot)?,
                    _ => x.checked_div(base.time_years)?,
                }
                .to_raw();
            }
        }
    }
    Ok(acc)
}

#[entry_point]
pub fn query(_: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    let acc = match msg {
        QueryMsg::PriceAndDelta { n } => run(0, n),
        QueryMsg::Greeks { n } => run(1, n),
        QueryMsg::ImpliedVol { n } => run(2, n),
    }
    .map_err(err)?;
    to_json_binary(&acc.to_string())
}

/// Plain export for the runner's instruction counter: no JSON, no host calls. Returns the low
/// 64 bits of the accumulator, or `u64::MAX` on a pricing error.
#[no_mangle]
pub extern "C" fn bench_ops(op: u32, n: u32) -> u64 {
    run(op, n).map_or(u64::MAX, |acc| acc as u64)
}
