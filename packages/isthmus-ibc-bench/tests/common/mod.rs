//! A probe contract for the bench's own tests: it sends what a test asks (an ICS-20
//! `MsgTransfer`, a bank send, a call to another probe, an IBC packet), optionally as a
//! `reply_on_error` sub-message, and records what comes back (the reply's error text, packets
//! received, acks, timeouts, source callbacks) for the test to query.

#![allow(dead_code)]

use cosmwasm_std::{
    from_json, to_json_binary, to_json_vec, AnyMsg, BankMsg, Binary, Coin, CosmosMsg, Deps, DepsMut, Empty, Env,
    IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse, IbcMsg,
    IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, IbcReceiveResponse, IbcSourceCallbackMsg, IbcTimeout,
    MessageInfo, Reply, Response, StdAck, StdError, StdResult, SubMsg, SubMsgResult, WasmMsg,
};
use cw_multi_test::{Contract, ContractWrapper};
use ibc_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use isthmus_ibc_bench::ics20::MSG_TRANSFER_TYPE_URL;
use prost::Message;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "snake_case")]
pub enum ProbeMsg {
    /// An ICS-20 `MsgTransfer` of `amount` from the probe.
    Transfer { channel: String, receiver: String, amount: Coin, memo: String, timeout_seconds: u64, catch: bool },
    /// A bank send from the probe.
    Send { to: String, amount: Coin, catch: bool },
    /// Execute `Fail` on another probe.
    Call { contract: String, reason: String, catch: bool },
    /// Fail with `reason`.
    Fail { reason: String },
    /// Send `data` on IBC channel `channel`.
    Packet { channel: String, data: Binary, timeout_seconds: u64 },
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// `SubMsgResult::Err` texts the probe's `reply` saw.
    pub reply_errors: Vec<String>,
    /// Packet data received, acks and timeouts of packets it sent, source callbacks.
    pub received: Vec<Binary>,
    pub acks: Vec<Binary>,
    pub timeouts: u32,
    pub callbacks: Vec<String>,
}

const RECORD: &[u8] = b"record";

fn load(deps: &Deps) -> Record {
    deps.storage.get(RECORD).map(|v| from_json(v).unwrap()).unwrap_or_default()
}

fn update(deps: DepsMut, f: impl FnOnce(&mut Record)) -> StdResult<()> {
    let mut record = load(&deps.as_ref());
    f(&mut record);
    deps.storage.set(RECORD, &to_json_vec(&record)?);
    Ok(())
}

fn maybe_catch(msg: CosmosMsg, catch: bool) -> SubMsg {
    if catch {
        SubMsg::reply_on_error(msg, 1)
    } else {
        SubMsg::new(msg)
    }
}

fn execute(_deps: DepsMut, env: Env, _info: MessageInfo, msg: ProbeMsg) -> StdResult<Response> {
    let sub = match msg {
        ProbeMsg::Transfer { channel, receiver, amount, memo, timeout_seconds, catch } => {
            let transfer = MsgTransfer {
                source_port: "transfer".to_string(),
                source_channel: channel,
                token: Some(ProtoCoin { denom: amount.denom, amount: amount.amount.to_string() }),
                sender: env.contract.address.to_string(),
                receiver,
                timeout_height: None,
                timeout_timestamp: env.block.time.plus_seconds(timeout_seconds).nanos(),
                memo,
            };
            let any = AnyMsg { type_url: MSG_TRANSFER_TYPE_URL.to_string(), value: transfer.encode_to_vec().into() };
            maybe_catch(CosmosMsg::Any(any), catch)
        }
        ProbeMsg::Send { to, amount, catch } => {
            maybe_catch(BankMsg::Send { to_address: to, amount: vec![amount] }.into(), catch)
        }
        ProbeMsg::Call { contract, reason, catch } => maybe_catch(
            WasmMsg::Execute {
                contract_addr: contract,
                msg: to_json_binary(&ProbeMsg::Fail { reason })?,
                funds: vec![],
            }
            .into(),
            catch,
        ),
        ProbeMsg::Fail { reason } => return Err(StdError::generic_err(reason)),
        ProbeMsg::Packet { channel, data, timeout_seconds } => SubMsg::new(IbcMsg::SendPacket {
            channel_id: channel,
            data,
            timeout: IbcTimeout::with_timestamp(env.block.time.plus_seconds(timeout_seconds)),
        }),
    };
    Ok(Response::new().add_submessage(sub))
}

fn reply(deps: DepsMut, _env: Env, msg: Reply) -> StdResult<Response> {
    if let SubMsgResult::Err(text) = msg.result {
        update(deps, |r| r.reply_errors.push(text))?;
    }
    Ok(Response::new())
}

fn query(deps: Deps, _env: Env, _msg: Empty) -> StdResult<Binary> {
    to_json_binary(&load(&deps))
}

fn channel_open(_deps: DepsMut, _env: Env, _msg: IbcChannelOpenMsg) -> StdResult<IbcChannelOpenResponse> {
    Ok(None)
}

fn channel_connect(_deps: DepsMut, _env: Env, _msg: IbcChannelConnectMsg) -> StdResult<IbcBasicResponse> {
    Ok(IbcBasicResponse::new())
}

fn channel_close(_deps: DepsMut, _env: Env, _msg: IbcChannelCloseMsg) -> StdResult<IbcBasicResponse> {
    Ok(IbcBasicResponse::new())
}

fn packet_receive(deps: DepsMut, _env: Env, msg: IbcPacketReceiveMsg) -> StdResult<IbcReceiveResponse> {
    update(deps, |r| r.received.push(msg.packet.data))?;
    Ok(IbcReceiveResponse::new(StdAck::success(b"ok")))
}

fn packet_ack(deps: DepsMut, _env: Env, msg: IbcPacketAckMsg) -> StdResult<IbcBasicResponse> {
    update(deps, |r| r.acks.push(msg.acknowledgement.data))?;
    Ok(IbcBasicResponse::new())
}

fn packet_timeout(deps: DepsMut, _env: Env, _msg: IbcPacketTimeoutMsg) -> StdResult<IbcBasicResponse> {
    update(deps, |r| r.timeouts += 1)?;
    Ok(IbcBasicResponse::new())
}

fn source_callback(deps: DepsMut, _env: Env, msg: IbcSourceCallbackMsg) -> StdResult<IbcBasicResponse> {
    let seen = match msg {
        IbcSourceCallbackMsg::Acknowledgement(ack) => {
            format!("ack {}", String::from_utf8_lossy(ack.acknowledgement.data.as_slice()))
        }
        IbcSourceCallbackMsg::Timeout(_) => "timeout".to_string(),
    };
    update(deps, |r| r.callbacks.push(seen))?;
    Ok(IbcBasicResponse::new())
}

/// The probe as cw-multi-test runs it (its `reply` sees cw-multi-test's error text).
pub fn probe() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(execute, execute_instantiate, query)
            .with_reply(reply)
            .with_ibc(channel_open, channel_connect, channel_close, packet_receive, packet_ack, packet_timeout)
            .with_ibc_source_callback(source_callback),
    )
}

fn execute_instantiate(_deps: DepsMut, _env: Env, _info: MessageInfo, _msg: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

/// A bench of one source chain (prefix `src`) and the target (prefix `tgt`), alice funded with
/// 1,000 uatom on the source.
pub fn bench() -> isthmus_ibc_bench::Chains {
    use cw_multi_test::{BankSudo, SudoMsg};
    use isthmus_ibc_bench::{ChainSpec, Chains, Side};
    let mut chains =
        Chains::new(vec![ChainSpec::new("src-1", "src", 6)], ChainSpec::new("tgt-1", "tgt", 2)).expect("bench");
    let alice = chains.addr(Side::FIRST_SOURCE, "alice");
    chains
        .chain_mut(Side::FIRST_SOURCE)
        .sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: alice.to_string(),
            amount: vec![Coin::new(1_000u128, "uatom")],
        }))
        .expect("mint");
    chains
}

/// A `MsgTransfer` from `sender` as `CosmosMsg::Any`, timing out `timeout_seconds` from `now`.
pub fn transfer_msg(
    sender: &cosmwasm_std::Addr,
    channel: &str,
    receiver: &str,
    amount: Coin,
    memo: &str,
    timeout: cosmwasm_std::Timestamp,
) -> CosmosMsg {
    let transfer = MsgTransfer {
        source_port: "transfer".to_string(),
        source_channel: channel.to_string(),
        token: Some(ProtoCoin { denom: amount.denom, amount: amount.amount.to_string() }),
        sender: sender.to_string(),
        receiver: receiver.to_string(),
        timeout_height: None,
        timeout_timestamp: timeout.nanos(),
        memo: memo.to_string(),
    };
    CosmosMsg::Any(AnyMsg { type_url: MSG_TRANSFER_TYPE_URL.to_string(), value: transfer.encode_to_vec().into() })
}

/// The probe's record on `side`.
pub fn record(chains: &isthmus_ibc_bench::Chains, side: isthmus_ibc_bench::Side, probe: &cosmwasm_std::Addr) -> Record {
    chains.chain(side).wrap().query_wasm_smart(probe, &Empty {}).expect("probe record")
}

/// Instantiate a probe on `side` (its `reply` behind wasmd's redaction when `wasmd` is set).
pub fn deploy_probe(
    chains: &mut isthmus_ibc_bench::Chains,
    side: isthmus_ibc_bench::Side,
    wasmd: bool,
) -> cosmwasm_std::Addr {
    use cw_multi_test::Executor;
    let code = if wasmd { isthmus_ibc_bench::wasmd_replies(probe()) } else { probe() };
    let owner = chains.addr(side, "owner");
    let chain = chains.chain_mut(side);
    let code_id = chain.store_code(code);
    chain.instantiate_contract(code_id, owner, &Empty {}, &[], "probe", None).expect("probe")
}
