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

use super::boundary::narrow;
use super::market_views::margin_response;
use super::quotes::{to_decimal, to_signed_decimal};
use crate::account_margin::{account_margin, load_series, margin_params, underlyings_of};
use crate::error::{ContractError, ContractResult};
use crate::market_data::{self, Freshness};
use crate::settlement::settled_view;
use crate::state::market::{PricePoint, PRICES, QUOTE, RISK};
use crate::state::{remote_key, CONFIG, REMOTE_POSITIONS};
use crate::valuation::non_negative;

fn std_err(e: ContractError) -> StdError {
    StdError::generic_err(e.to_string())
}

fn margin_overflow(_: isthmus_margin::MarginError) -> ContractError {
    ContractError::overflow("margin")
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
                    loss: Int128::new(loss.get()),
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
        let maintenance = u.worst_loss.positive_part().checked_add(u.short_floor).map_err(margin_overflow)?;
        underlyings.push(UnderlyingRisk {
            spot: to_decimal(market_data::spot(deps.storage, now, &name, Freshness::Lenient)?, Rounding::Nearest)?,
            underlying: name,
            positions: held,
            worst_scenario: u.worst.to_string(),
            worst_loss: Int128::new(u.worst_loss.get()),
            worst_loss_initial: Int128::new(u.worst_loss_initial.get()),
            short_floor: non_negative(u.short_floor),
            maintenance_margin: non_negative(maintenance),
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

/// Spots tried below the current one, as fractions of it (coarse: the crossing is then
/// narrowed by [`narrow`]), and above it.
const BELOW: [(u64, u64); 4] = [(8, 10), (5, 10), (2, 10), (1, 100)];
const ABOVE: [(u64, u64); 4] = [(5, 4), (2, 1), (5, 1), (10, 1)];
/// A crossing is narrowed to 0.01% of the spot, in at most this many margin evaluations.
const NARROWING_EVALS: u32 = 14;
const SPOT_TOLERANCE_BPS: u128 = 1;
/// The most withdrawable is narrowed to one base unit, in at most this many evaluations (if
/// they run out, the answer is still approved, possibly below the most).
const WITHDRAW_EVALS: u32 = 40;

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
    let mut what_if = isthmus_store::CachedStorage::what_if(deps.storage);
    // The cushion `equity − MM` at `price` (atomics): liquidatable where it is negative.
    let mut cushion_at = |price: u128| -> ContractResult<i128> {
        let point = PricePoint { price: Decimal::raw(price), publish_time: point.publish_time };
        PRICES.save(&mut what_if, &underlying, &point)?;
        let m = account_margin(&what_if, now, &account_id, &account, Freshness::Lenient)?;
        m.equity.checked_sub(m.maintenance_margin).map(i128::from).map_err(margin_overflow)
    };
    let spot_atomics = spot.atomics().u128();
    let cushion_now = cushion_at(spot_atomics)?;
    let liquidatable_now = cushion_now < 0;
    let (mut below, mut above) = (None, None);
    if !liquidatable_now {
        below = crossing((spot_atomics, cushion_now), &BELOW, &mut cushion_at)?;
        above = crossing((spot_atomics, cushion_now), &ABOVE, &mut cushion_at)?;
    }
    Ok(LiquidationPriceResponse { account: account_id, underlying, spot, liquidatable_now, below, above })
}

/// The first spot of `steps` (fractions of the spot, moving away from it) at which the cushion
/// is negative, narrowed against the last one at which it is not: the liquidatable end of the
/// final bracket.
fn crossing(
    (spot, cushion): (u128, i128),
    steps: &[(u64, u64)],
    cushion_at: &mut impl FnMut(u128) -> ContractResult<i128>,
) -> ContractResult<Option<Decimal>> {
    let mut safe = (spot, cushion);
    for (num, den) in steps {
        let Ok(trial) = cosmwasm_std::Uint128::new(spot).checked_multiply_ratio(*num, *den) else { return Ok(None) };
        let trial = trial.u128();
        if trial == 0 {
            return Ok(None);
        }
        // A spot the pricing cannot evaluate (far out of range) ends the search on this side.
        let Ok(at_trial) = cushion_at(trial) else { return Ok(None) };
        if at_trial < 0 {
            let tolerance = spot / 10_000 * SPOT_TOLERANCE_BPS;
            let (_, hit) = narrow(safe, (trial, at_trial), tolerance, NARROWING_EVALS, &mut *cushion_at)?;
            return Ok(Some(Decimal::raw(hit)));
        }
        safe = (trial, at_trial);
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
    let what_if = isthmus_store::CachedStorage::what_if(deps.storage);
    // The engine's check of a withdrawal request of `amount`, fresh from the vault, as the
    // excess `equity − IM` of its margin: approved where it is not negative.
    let excess = |amount: u128| -> ContractResult<i128> {
        if CONFIG.load(&what_if)?.paused {
            return Err(ContractError::Paused);
        }
        let amount = Uint128::new(amount);
        let available_after = position.reported.checked_sub(amount)?;
        let m = crate::withdrawal_check::withdrawal_margin(&what_if, now, &position, amount, available_after, true)?;
        m.equity_initial.checked_sub(m.initial_margin).map(i128::from).map_err(margin_overflow)
    };
    let (max_amount, reason) = match (excess(usable.u128()), usable.is_zero()) {
        (_, true) => (usable, None),
        (Ok(all), false) if all >= 0 => (usable, None),
        (Err(refusal), false) => (Uint128::zero(), Some(refusal.to_string())),
        (Ok(all), false) => match excess(0) {
            Err(refusal) => (Uint128::zero(), Some(refusal.to_string())),
            Ok(none) if none < 0 => (Uint128::zero(), Some("the initial margin is not met now".to_string())),
            // Less collateral never helps the margin: the excess falls as the amount grows.
            Ok(none) => {
                let (most, _) = narrow((0, none), (usable.u128(), all), 1, WITHDRAW_EVALS, excess).map_err(std_err)?;
                let reason = (most == 0).then(|| "the initial margin needs all of it".to_string());
                (Uint128::new(most), reason)
            }
        },
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

    /// The crossing search returns the liquidatable end of a bracket within the tolerance.
    #[test]
    fn crossing_brackets_the_threshold_from_the_liquidatable_side() {
        let spot = 10 * 10u128.pow(18);
        // Negative below 7.3 (plus a millionth): linear in the spot, as a cushion nearly is.
        let f = |p: u128| p as i128 / 1_000_000 - 7_300_000_000_000 - 1;
        let mut calls = 0;
        let mut cushion = |p: u128| {
            calls += 1;
            Ok(f(p))
        };
        let hit = crossing((spot, f(spot)), &BELOW, &mut cushion).unwrap().unwrap().atomics().u128();
        assert!(f(hit) < 0 && f(hit + spot / 10_000) >= 0, "{hit}");
        assert!(calls <= BELOW.len() as u32 + NARROWING_EVALS, "{calls}");
        let mut never = |_: u128| Ok(1);
        assert_eq!(crossing((spot, 1), &ABOVE, &mut never).unwrap(), None);
    }
}
