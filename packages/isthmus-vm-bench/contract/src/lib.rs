//! Bench contract: a query that runs isthmus-pricing `n` times, so that the difference of the
//! VM gas of `n = N` and `n = 0` is the cost of N operations (JSON and entry-point overhead
//! cancel out). Not a production contract.

use core::hint::black_box;

use cosmwasm_std::{
    entry_point, to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError, StdResult,
};
use isthmus_pricing::{greeks, implied_vol, price, price_and_delta, BsInputs, Fixed, OptionKind};
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

/// A 30-day, 60 % vol call, 5 % out of the money; S moves by 2^-88·i per iteration so nothing
/// can be hoisted out of the loop.
fn inputs() -> StdResult<BsInputs> {
    let q = |n, d| Fixed::from_ratio(n, d).map_err(err);
    Ok(BsInputs { spot: q(100, 1)?, strike: q(105, 1)?, time_years: q(30, 365)?, vol: q(3, 5)?, rate: q(1, 20)? })
}

#[entry_point]
pub fn query(_: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    let base = inputs()?;
    let target = price(&base, OptionKind::Call).map_err(err)?;
    let mut acc: i128 = 0;
    let bumped = |i: u32| BsInputs { spot: Fixed::from_raw(base.spot.to_raw() + i as i128), ..base };
    match msg {
        QueryMsg::PriceAndDelta { n } => {
            for i in 0..n {
                let (p, d) = price_and_delta(black_box(&bumped(i)), OptionKind::Call).map_err(err)?;
                acc ^= p.to_raw() ^ d.to_raw();
            }
        }
        QueryMsg::Greeks { n } => {
            for i in 0..n {
                let g = greeks(black_box(&bumped(i)), OptionKind::Call).map_err(err)?;
                acc ^= g.price.to_raw() ^ g.delta.to_raw() ^ g.gamma.to_raw() ^ g.vega.to_raw() ^ g.theta.to_raw();
            }
        }
        QueryMsg::ImpliedVol { n } => {
            let cold = BsInputs { vol: Fixed::ZERO, ..base };
            for i in 0..n {
                let p = Fixed::from_raw(target.to_raw() + i as i128);
                acc ^= implied_vol(black_box(p), &cold, OptionKind::Call).map_err(err)?.to_raw();
            }
        }
    }
    to_json_binary(&acc.to_string())
}
