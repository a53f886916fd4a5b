//! An account's risk for a UI: its margin per underlying and scenario, the spots at which it
//! would become liquidatable, and the most of a collateral position it may withdraw now
//! (docs/integrating.md, "Views for a UI"). Each is computed by the engine's own margin code,
//! so a view never disagrees with what a trade, a liquidation or a withdrawal is judged on.

use cosmwasm_std::{Decimal, Deps, Env, Int128, StdError, StdResult, Uint128};
use isthmus_margin::VolShock;
use isthmus_pricing::Rounding;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{
    LiquidationPriceResponse, MarginBreakdownResponse, MaxWithdrawableResponse, ScenarioLoss, UnderlyingRisk,
};

use super::market::margin_response;
use super::quotes::{to_decimal, to_signed_decimal};
use super::what_if::WhatIf;
use crate::error::{ContractError, ContractResult};
use crate::oracle::{self, Freshness};
use crate::risk::{account_margin, load_series, margin_params, underlyings_of};
use crate::settlement::settled_view;
use crate::state::market::{PricePoint, PRICES, QUOTE, RISK};
use crate::state::{remote_key, CONFIG, REMOTE_POSITIONS};

fn std_err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

fn unsigned(v: i128) -> Uint128 {
    Uint128::new(v.max(0).unsigned_abs())
}

pub fn margin_breakdown(deps: Deps, env: &Env, account_id: String) -> StdResult<MarginBreakdownResponse> {
    breakdown(deps, env, account_id).map_err(std_err)
}

fn breakdown(deps: Deps, env: &Env, account_id: String) -> ContractResult<MarginBreakdownResponse> {
    let account_id = deps.api.addr_validate(&account_id)?.to_string();
    let now = env.block.time.seconds();
    let account = settled_view(deps.storage, now, &account_id)?;
    let m = account_margin(deps.storage, now, &account_id, &account, Freshness::Lenient)?;
    let params = margin_params(&RISK.load(deps.storage)?, QUOTE.load(deps.storage)?.decimals)?;
    let grid = isthmus_margin::scenarios(&params);
    let positions = load_series(deps.storage, &account.positions)?;
    // `account_margin` evaluates the underlyings in this order.
    let names = underlyings_of(&positions);
    let mut underlyings = Vec::with_capacity(names.len());
    for (name, u) in names.into_iter().zip(&m.underlyings) {
        let scenarios = grid
            .iter()
            .zip(&u.scenario_losses)
            .enumerate()
            .map(|(index, (scenario, loss))| {
                Ok(ScenarioLoss {
                    spot_move: to_signed_decimal(scenario.spot_move)?,
                    vol_shock: shock_name(scenario.vol_shock).to_string(),
                    tail: index >= params.scenario_count(),
                    loss: Int128::new(*loss),
                })
            })
            .collect::<ContractResult<_>>()?;
        let held = account
            .positions
            .iter()
            .zip(&positions)
            .filter(|(_, (series, _))| series.underlying == name)
            .map(|(position, _)| *position)
            .collect();
        let maintenance =
            u.worst_loss.max(0).checked_add(u.short_floor).ok_or_else(|| ContractError::overflow("margin"))?;
        underlyings.push(UnderlyingRisk {
            spot: to_decimal(oracle::spot(deps.storage, now, &name, Freshness::Lenient)?, Rounding::Nearest)?,
            underlying: name,
            positions: held,
            worst_scenario: u.worst.to_string(),
            worst_loss: Int128::new(u.worst_loss),
            worst_loss_initial: Int128::new(u.worst_loss_initial),
            short_floor: unsigned(u.short_floor),
            maintenance_margin: unsigned(maintenance),
            scenarios,
        });
    }
    Ok(MarginBreakdownResponse { margin: margin_response(&account_id, &account, &m), underlyings })
}

fn shock_name(shock: VolShock) -> &'static str {
    match shock {
        VolShock::Down => "down",
        VolShock::None => "none",
        VolShock::Up => "up",
    }
}

/// Spots tried below the current one, as fractions of it (coarse first; the crossing is then
/// bisected), and above it. Together with [`BISECTIONS`] they bound the view to 35 margin
/// evaluations (docs/benchmarks.md).
const BELOW: [(u64, u64); 10] =
    [(9, 10), (8, 10), (7, 10), (6, 10), (5, 10), (4, 10), (3, 10), (2, 10), (1, 10), (1, 100)];
const ABOVE: [(u64, u64); 7] = [(11, 10), (5, 4), (3, 2), (2, 1), (3, 1), (5, 1), (10, 1)];
/// Halvings of the bracket around a crossing: at most a tenth of the spot wide, it ends under
/// 0.02% of the spot wide.
const BISECTIONS: u32 = 9;

pub fn liquidation_price(
    deps: Deps,
    env: &Env,
    account_id: String,
    underlying: String,
) -> StdResult<LiquidationPriceResponse> {
    liquidation_prices(deps, env, account_id, underlying).map_err(std_err)
}

fn liquidation_prices(
    deps: Deps,
    env: &Env,
    account_id: String,
    underlying: String,
) -> ContractResult<LiquidationPriceResponse> {
    let account_id = deps.api.addr_validate(&account_id)?.to_string();
    let now = env.block.time.seconds();
    let account = settled_view(deps.storage, now, &account_id)?;
    let point =
        PRICES.may_load(deps.storage, &underlying)?.ok_or(ContractError::NoPrice { symbol: underlying.clone() })?;
    let spot = point.price;
    let mut what_if = WhatIf::new(deps.storage);
    let mut liquidatable_at = |price: Decimal| -> ContractResult<bool> {
        PRICES.save(&mut what_if, &underlying, &PricePoint { price, publish_time: point.publish_time })?;
        Ok(account_margin(&what_if, now, &account_id, &account, Freshness::Lenient)?.is_liquidatable())
    };
    let liquidatable_now = liquidatable_at(spot)?;
    let (mut below, mut above) = (None, None);
    if !liquidatable_now {
        below = crossing(spot, &BELOW, &mut liquidatable_at)?;
        above = crossing(spot, &ABOVE, &mut liquidatable_at)?;
    }
    Ok(LiquidationPriceResponse { account: account_id, underlying, spot, liquidatable_now, below, above })
}

/// The first spot of `steps` (fractions of `spot`, moving away from it) at which the account is
/// liquidatable, bisected against the last one at which it is not: the liquidatable end of
/// the final bracket.
fn crossing(
    spot: Decimal,
    steps: &[(u64, u64)],
    liquidatable_at: &mut impl FnMut(Decimal) -> ContractResult<bool>,
) -> ContractResult<Option<Decimal>> {
    let mut safe = spot;
    for (num, den) in steps {
        let trial = spot.checked_mul(Decimal::from_ratio(*num, *den))?;
        if trial.is_zero() {
            return Ok(None);
        }
        if liquidatable_at(trial)? {
            let mut hit = trial;
            for _ in 0..BISECTIONS {
                let mid = Decimal::raw(safe.atomics().u128() / 2 + hit.atomics().u128() / 2);
                if liquidatable_at(mid)? {
                    hit = mid;
                } else {
                    safe = mid;
                }
            }
            return Ok(Some(hit));
        }
        safe = trial;
    }
    Ok(None)
}

pub fn max_withdrawable(
    deps: Deps,
    env: &Env,
    source_id: String,
    owner: String,
    asset: AssetInfo,
) -> StdResult<MaxWithdrawableResponse> {
    let Some(position) = REMOTE_POSITIONS.may_load(deps.storage, remote_key(&source_id, &owner, &asset))? else {
        return Ok(MaxWithdrawableResponse {
            account: None,
            source_id,
            owner,
            asset,
            usable: Uint128::zero(),
            max_amount: Uint128::zero(),
            reason: None,
        });
    };
    let now = env.block.time.seconds();
    let usable = position.usable();
    let what_if = WhatIf::new(deps.storage);
    // The check the engine runs on a withdrawal request of `amount`, fresh from the vault.
    let approves = |amount: Uint128| -> Result<(), ContractError> {
        if CONFIG.load(&what_if)?.paused {
            return Err(ContractError::Paused);
        }
        let available_after = position.reported.checked_sub(amount)?;
        crate::margin::check_withdrawal(&what_if, now, &position, amount, available_after, true)
    };
    let (max_amount, reason) = if usable.is_zero() || approves(usable).is_ok() {
        (usable, None)
    } else if let Err(refusal) = approves(Uint128::zero()) {
        (Uint128::zero(), Some(refusal.to_string()))
    } else {
        // `lo` is approved, `hi` is not; an approved amount stays approved below it (less
        // collateral leaves never helps the margin).
        let (mut lo, mut hi) = (0u128, usable.u128());
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if approves(Uint128::new(mid)).is_ok() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let reason = (lo == 0).then(|| "the initial margin needs all of it".to_string());
        (Uint128::new(lo), reason)
    };
    Ok(MaxWithdrawableResponse {
        account: Some(position.account.clone()),
        source_id,
        owner,
        asset,
        usable,
        max_amount,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crossing search returns the liquidatable end of a bracket around the threshold.
    #[test]
    fn crossing_brackets_the_threshold_from_the_liquidatable_side() {
        let threshold = Decimal::from_ratio(7_3u128, 10u128); // 7.3
        let spot = Decimal::from_ratio(10u128, 1u128);
        let mut calls = 0;
        let mut below = |p: Decimal| {
            calls += 1;
            Ok(p <= threshold)
        };
        let hit = crossing(spot, &BELOW, &mut below).unwrap().unwrap();
        assert!(hit <= threshold && threshold - hit < Decimal::permille(2), "{hit}");
        assert!(calls <= BELOW.len() as u32 + BISECTIONS);
        let mut never = |_: Decimal| Ok(false);
        assert_eq!(crossing(spot, &ABOVE, &mut never).unwrap(), None);
    }
}
