//! Reservations of collateral for seizes in flight (DESIGN §4, §7). Only the controller
//! calls these: it reserves before sending `seize`, consumes on a success ack and releases
//! on an error ack or a timeout.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::state::market::ACCOUNT_RESERVATIONS;
use crate::state::{remote_key, remote_positions, Reservation, CONFIG, RESERVATIONS};

fn only_controller(deps: &DepsMut, info: &MessageInfo, action: &str) -> ContractResult<()> {
    match CONFIG.load(deps.storage)?.controller {
        Some(c) if c == info.sender => Ok(()),
        _ => Err(ContractError::unauthorized(action, "controller")),
    }
}

pub struct ReserveRequest {
    pub reservation_id: u64,
    pub account: String,
    pub source_id: String,
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: Uint128,
}

pub fn reserve(deps: DepsMut, env: Env, info: MessageInfo, req: ReserveRequest) -> ContractResult<Response> {
    only_controller(&deps, &info, "reserve_collateral")?;
    if req.amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    if RESERVATIONS.has(deps.storage, req.reservation_id) {
        return Err(ContractError::DuplicateReservation { reservation_id: req.reservation_id });
    }
    let key = remote_key(&req.source_id, &req.owner, &req.asset);
    let mut position =
        remote_positions().may_load(deps.storage, key.clone())?.ok_or_else(|| ContractError::UnknownPosition {
            source_id: req.source_id.clone(),
            owner: req.owner.clone(),
            asset: req.asset.to_string(),
        })?;
    if position.account != req.account {
        return Err(ContractError::AccountMismatch { expected: req.account, actual: position.account });
    }
    if !crate::state::AUTHORIZED_OWNERS.has(deps.storage, (&req.account, &req.source_id, &req.owner)) {
        return Err(ContractError::OwnerNotCounted {
            account: req.account,
            source_id: req.source_id,
            owner: req.owner,
        });
    }
    if req.amount > position.usable() {
        return Err(ContractError::InsufficientUsable { requested: req.amount, usable: position.usable() });
    }
    position.reserved = position.reserved.checked_add(req.amount)?;
    remote_positions().save(deps.storage, key, &position)?;
    let open = ACCOUNT_RESERVATIONS.may_load(deps.storage, &req.account)?.unwrap_or(0);
    ACCOUNT_RESERVATIONS.save(deps.storage, &req.account, &open.saturating_add(1))?;
    RESERVATIONS.save(
        deps.storage,
        req.reservation_id,
        &Reservation {
            account: req.account.clone(),
            source_id: req.source_id.clone(),
            owner: req.owner.clone(),
            asset: req.asset.clone(),
            amount: req.amount,
            created_at: env.block.time,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "reserve_collateral")
        .add_attribute("reservation_id", req.reservation_id.to_string())
        .add_attribute("account", req.account)
        .add_attribute("source_id", req.source_id)
        .add_attribute("owner", req.owner)
        .add_attribute("asset", req.asset.to_string())
        .add_attribute("amount", req.amount)
        .add_attribute("reserved", position.reserved))
}

/// Consume (`Some((seq, available))`, the vault's state after a successful seize) or release
/// (`None`) a reservation. Either way the reservation is removed, so it settles once.
pub fn settle(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    reservation_id: u64,
    vault_state: Option<(u64, Uint128)>,
) -> ContractResult<Response> {
    let action = if vault_state.is_some() { "consume_reservation" } else { "release_reservation" };
    only_controller(&deps, &info, action)?;
    let reservation = RESERVATIONS
        .may_load(deps.storage, reservation_id)?
        .ok_or(ContractError::UnknownReservation { reservation_id })?;
    let key = remote_key(&reservation.source_id, &reservation.owner, &reservation.asset);
    let mut position = remote_positions().load(deps.storage, key.clone())?;
    position.reserved = position.reserved.checked_sub(reservation.amount)?;
    let mut applied = false;
    if let Some((seq, available)) = vault_state {
        // Same rule as every packet: only a newer state is applied.
        if seq > position.seq {
            position.seq = seq;
            position.reported = available;
            position.updated_at = env.block.time;
            applied = true;
        }
    }
    remote_positions().save(deps.storage, key, &position)?;
    RESERVATIONS.remove(deps.storage, reservation_id);
    let open = ACCOUNT_RESERVATIONS.may_load(deps.storage, &reservation.account)?.unwrap_or(0);
    ACCOUNT_RESERVATIONS.save(deps.storage, &reservation.account, &open.saturating_sub(1))?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("reservation_id", reservation_id.to_string())
        .add_attribute("account", reservation.account)
        .add_attribute("amount", reservation.amount)
        .add_attribute("state_applied", applied.to_string())
        .add_attribute("reported", position.reported)
        .add_attribute("reserved", position.reserved)
        .add_attribute("seq", position.seq.to_string()))
}
