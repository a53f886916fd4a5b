//! A stand-in for the liquidation controller's seize path, used until the controller's
//! liquidation flow exists: it reserves collateral at the engine, sends `seize` on its
//! channel to the vault, and consumes or releases the reservation on the ack or timeout,
//! exactly as docs/protocol.md §7 step 2 prescribes. It can also send raw bytes, to test how the
//! vault treats malformed packets. Test-only: it accepts any channel.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg,
    IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse, IbcMsg, IbcPacketAckMsg, IbcPacketReceiveMsg,
    IbcPacketTimeoutMsg, IbcReceiveResponse, IbcTimeout, MessageInfo, Response, StdError, StdResult, Uint128, WasmMsg,
};
use cw_storage_plus::{Item, Map};
use isthmus_protocol::ack::{ack_error, parse_ack, AckOutcome};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::ExecuteMsg as EngineMsg;
use isthmus_protocol::packet::{SeizeAckResult, SeizePacket, SeizeRecipient};

#[cw_serde]
pub struct InstantiateMsg {
    pub engine: String,
}

#[cw_serde]
pub enum ExecuteMsg {
    Seize {
        channel: String,
        seize_id: u64,
        account: String,
        source_id: String,
        owner: String,
        asset: AssetInfo,
        amount: Uint128,
        recipient: SeizeRecipient,
        timeout_seconds: u64,
    },
    SendRaw {
        channel: String,
        data: Binary,
    },
}

#[cw_serde]
pub enum QueryMsg {
    /// `"success"`, `"error: ..."` or `"timeout"`; absent while in flight.
    Outcome { seize_id: u64 },
}

const ENGINE: Item<Addr> = Item::new("engine");
const OUTCOMES: Map<u64, String> = Map::new("outcomes");

pub fn instantiate(deps: DepsMut, _env: Env, _info: MessageInfo, msg: InstantiateMsg) -> StdResult<Response> {
    ENGINE.save(deps.storage, &deps.api.addr_validate(&msg.engine)?)?;
    Ok(Response::new())
}

pub fn execute(deps: DepsMut, env: Env, _info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    match msg {
        ExecuteMsg::Seize {
            channel,
            seize_id,
            account,
            source_id,
            owner,
            asset,
            amount,
            recipient,
            timeout_seconds,
        } => {
            let reserve = WasmMsg::Execute {
                contract_addr: ENGINE.load(deps.storage)?.to_string(),
                msg: to_json_binary(&EngineMsg::ReserveCollateral {
                    reservation_id: seize_id,
                    account,
                    source_id,
                    owner: owner.clone(),
                    asset: asset.clone(),
                    amount,
                })?,
                funds: vec![],
            };
            let packet = IbcMsg::SendPacket {
                channel_id: channel,
                data: to_json_binary(&SeizePacket::Seize { seize_id, owner, asset, amount, recipient })?,
                timeout: IbcTimeout::with_timestamp(env.block.time.plus_seconds(timeout_seconds)),
            };
            Ok(Response::new().add_message(reserve).add_message(packet))
        }
        ExecuteMsg::SendRaw { channel, data } => Ok(Response::new().add_message(IbcMsg::SendPacket {
            channel_id: channel,
            data,
            timeout: IbcTimeout::with_timestamp(env.block.time.plus_seconds(600)),
        })),
    }
}

pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Outcome { seize_id } => to_json_binary(&OUTCOMES.may_load(deps.storage, seize_id)?),
    }
}

pub fn ibc_channel_open(_: DepsMut, _: Env, msg: IbcChannelOpenMsg) -> StdResult<IbcChannelOpenResponse> {
    Ok(Some(cosmwasm_std::Ibc3ChannelOpenResponse { version: msg.channel().version.clone() }))
}

pub fn ibc_channel_connect(_: DepsMut, _: Env, _: IbcChannelConnectMsg) -> StdResult<IbcBasicResponse> {
    Ok(IbcBasicResponse::new())
}

pub fn ibc_channel_close(_: DepsMut, _: Env, _: IbcChannelCloseMsg) -> StdResult<IbcBasicResponse> {
    Ok(IbcBasicResponse::new())
}

pub fn ibc_packet_receive(_: DepsMut, _: Env, _: IbcPacketReceiveMsg) -> StdResult<IbcReceiveResponse> {
    Ok(IbcReceiveResponse::new(ack_error("injector accepts no packets")))
}

fn resolve(deps: DepsMut, packet_data: &Binary, outcome: AckOutcome<SeizeAckResult>) -> StdResult<IbcBasicResponse> {
    let Ok(SeizePacket::Seize { seize_id, .. }) = from_json::<SeizePacket>(packet_data) else {
        return Ok(IbcBasicResponse::new().add_attribute("action", "raw_packet_resolved"));
    };
    let engine = ENGINE.load(deps.storage)?.to_string();
    let (msg, record) = match outcome {
        AckOutcome::Success(Some(result)) => (
            EngineMsg::ConsumeReservation { reservation_id: seize_id, seq: result.seq, available: result.available },
            "success".to_string(),
        ),
        AckOutcome::Success(None) => return Err(StdError::generic_err("seize ack without result")),
        AckOutcome::Error(reason) => (EngineMsg::ReleaseReservation { reservation_id: seize_id }, reason),
    };
    OUTCOMES.save(deps.storage, seize_id, &record)?;
    Ok(IbcBasicResponse::new().add_message(WasmMsg::Execute {
        contract_addr: engine,
        msg: to_json_binary(&msg)?,
        funds: vec![],
    }))
}

pub fn ibc_packet_ack(deps: DepsMut, _: Env, msg: IbcPacketAckMsg) -> StdResult<IbcBasicResponse> {
    let outcome = parse_ack(&msg.acknowledgement.data);
    resolve(deps, &msg.original_packet.data, outcome)
}

pub fn ibc_packet_timeout(deps: DepsMut, _: Env, msg: IbcPacketTimeoutMsg) -> StdResult<IbcBasicResponse> {
    resolve(deps, &msg.packet.data, AckOutcome::Error("timeout".to_string()))
}
