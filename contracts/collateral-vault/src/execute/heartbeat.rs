//! Liveness for the engine's staleness clock: anyone may send, at most once per interval.

use cosmwasm_std::{DepsMut, Env, Response};
use isthmus_protocol::packet::CollateralPacket;

use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::{engine_channel, CONFIG, LAST_HEARTBEAT, POSITION_COUNT};

pub fn heartbeat(deps: DepsMut, env: Env) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if let Some(last) = LAST_HEARTBEAT.may_load(deps.storage)? {
        let next_allowed = last.seconds().saturating_add(config.heartbeat_interval_seconds);
        if env.block.time.seconds() < next_allowed {
            return Err(ContractError::HeartbeatTooEarly { next_allowed });
        }
    }
    let channel = engine_channel(deps.storage)?;
    LAST_HEARTBEAT.save(deps.storage, &env.block.time)?;
    let packet = CollateralPacket::Heartbeat {
        vault_time: env.block.time,
        positions: POSITION_COUNT.may_load(deps.storage)?.unwrap_or(0),
    };
    let msg = replication::send(deps.storage, &env, &channel, &packet)?;
    Ok(Response::new()
        .add_message(msg)
        .add_attribute("action", "heartbeat")
        .add_attribute("vault_time", env.block.time.seconds().to_string()))
}
