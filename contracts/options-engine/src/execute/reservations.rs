//! Reservations of collateral for seizes in flight (docs/protocol.md §4, §7). The controller reserves
//! before sending `seize`, consumes on a success ack and releases on an error ack or a
//! timeout. A reservation remembers the controller that created it, which may still consume
//! or release it after a rotation (its seizes in flight settle through its acks); if that
//! controller never will, the owner expires the reservation once its seize has surely timed
//! out (issue 8, 6(a)).

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::RESERVATION_EXPIRY_SECONDS;

use crate::error::{ContractError, ContractResult, Role};
use crate::remote_book;
use crate::state::{remote_key, Reservation, CONFIG, REMOTE_POSITIONS, RESERVATIONS};

fn only_controller(deps: &DepsMut, info: &MessageInfo, action: &str) -> ContractResult<()> {
    match CONFIG.load(deps.storage)?.controller {
        Some(c) if c == info.sender => Ok(()),
        _ => Err(ContractError::unauthorized(action, Role::Controller)),
    }
}

/// The current controller, or the controller that created `reservation`.
fn current_or_creating_controller(
    deps: &DepsMut,
    info: &MessageInfo,
    reservation: &Reservation,
    action: &str,
) -> ContractResult<()> {
    if reservation.controller.as_ref() == Some(&info.sender) {
        return Ok(());
    }
    only_controller(deps, info, action)
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
        REMOTE_POSITIONS.may_load(deps.storage, key.clone())?.ok_or_else(|| ContractError::UnknownPosition {
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
    let before = position.clone();
    position.reserved = position.reserved.checked_add(req.amount)?;
    remote_book::save(deps.storage, key, Some(&before), &position)?;
    let reservation = Reservation {
        account: req.account.clone(),
        source_id: req.source_id.clone(),
        owner: req.owner.clone(),
        asset: req.asset.clone(),
        amount: req.amount,
        created_at: env.block.time,
        controller: Some(info.sender.clone()),
    };
    remote_book::reservation_opened(deps.storage, &reservation)?;
    RESERVATIONS.save(deps.storage, req.reservation_id, &reservation)?;
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
    let reservation = RESERVATIONS.may_load(deps.storage, reservation_id)?;
    let Some(reservation) = reservation else {
        only_controller(&deps, &info, action)?;
        return Err(ContractError::UnknownReservation { reservation_id });
    };
    current_or_creating_controller(&deps, &info, &reservation, action)?;
    let key = remote_key(&reservation.source_id, &reservation.owner, &reservation.asset);
    let before = REMOTE_POSITIONS.load(deps.storage, key.clone())?;
    let mut position = before.clone();
    position.reserved = position.reserved.checked_sub(reservation.amount)?;
    let mut applied = false;
    if let Some((seq, available)) = vault_state {
        // Same rule as every packet: only a newer state is applied.
        if position.accepts(seq) {
            position.unconfirmed = false;
            position.seq = seq;
            position.reported = available;
            position.updated_at = env.block.time;
            applied = true;
        }
    }
    remote_book::save(deps.storage, key, Some(&before), &position)?;
    RESERVATIONS.remove(deps.storage, reservation_id);
    remote_book::reservation_closed(deps.storage, &reservation)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("reservation_id", reservation_id.to_string())
        .add_attribute("by", info.sender)
        .add_attribute("account", reservation.account)
        .add_attribute("amount", reservation.amount)
        .add_attribute("state_applied", applied.to_string())
        .add_attribute("reported", position.reported)
        .add_attribute("reserved", position.reserved)
        .add_attribute("seq", position.seq.to_string()))
}

/// The owner writes off a reservation whose creating controller was rotated out and will not
/// settle it, once its seize has surely timed out: the seize is assumed to have happened
/// (`reported` drops by the amount, so the engine never counts collateral that may have been
/// seized) and the position is marked unconfirmed, so the vault's next state, even at the same
/// `seq` (`SyncPosition`), restores the truth.
pub fn expire(deps: DepsMut, env: Env, info: MessageInfo, reservation_id: u64) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::unauthorized("expire_reservation", Role::Owner));
    }
    let reservation = RESERVATIONS
        .may_load(deps.storage, reservation_id)?
        .ok_or(ContractError::UnknownReservation { reservation_id })?;
    if reservation.controller.is_some() && reservation.controller == config.controller {
        return Err(ContractError::ReservationOfCurrentController { reservation_id });
    }
    let expires_at = reservation.created_at.plus_seconds(RESERVATION_EXPIRY_SECONDS);
    if env.block.time < expires_at {
        return Err(ContractError::ReservationNotExpired { reservation_id, expires_at: expires_at.seconds() });
    }
    let key = remote_key(&reservation.source_id, &reservation.owner, &reservation.asset);
    let before = REMOTE_POSITIONS.load(deps.storage, key.clone())?;
    let mut position = before.clone();
    position.reserved = position.reserved.checked_sub(reservation.amount)?;
    position.reported = position.reported.saturating_sub(reservation.amount);
    position.unconfirmed = true;
    remote_book::save(deps.storage, key, Some(&before), &position)?;
    RESERVATIONS.remove(deps.storage, reservation_id);
    remote_book::reservation_closed(deps.storage, &reservation)?;
    Ok(Response::new()
        .add_attribute("action", "expire_reservation")
        .add_attribute("reservation_id", reservation_id.to_string())
        .add_attribute("controller", reservation.controller.map(|c| c.to_string()).unwrap_or_default())
        .add_attribute("account", reservation.account)
        .add_attribute("source_id", reservation.source_id)
        .add_attribute("owner", reservation.owner)
        .add_attribute("amount", reservation.amount)
        .add_attribute("reported", position.reported)
        .add_attribute("reserved", position.reserved)
        .add_attribute("seq", position.seq.to_string())
        .add_attribute("unconfirmed", "true"))
}
