//! Liquidation controller (target chain): packets received (it accepts none), the
//! acknowledgements and timeouts of the seize packets it sent, and `execute`.
//!
//! The engine is a stub answering the two queries the controller makes (`Account`,
//! `SeizeQuote`): every account but alice's is in debt, and a repayment buys twice its
//! amount of collateral.

use std::sync::OnceLock;

use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    coin, from_json, to_json_binary, ContractResult, Decimal, Env, IbcAcknowledgement, IbcChannel,
    IbcChannelConnectMsg, IbcChannelOpenMsg, IbcEndpoint, IbcOrder, IbcPacket, IbcPacketAckMsg, IbcPacketReceiveMsg,
    IbcPacketTimeoutMsg, Int128, SystemError, SystemResult, Uint128, WasmQuery,
};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::controller::{ExecuteMsg, FundsResponse, InstantiateMsg, QueryMsg, SeizeStatus, SeizesResponse};
use isthmus_protocol::engine::{AccountResponse, QueryMsg as EngineQuery, SeizeQuoteResponse};
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_protocol::APP_VERSION;
use liquidation_controller::contract;

use crate::{
    ack_is_error, addr, advance, assert_unchanged, attr, packet, restore, sent_packets, snapshot, start_env, steps,
    tick, verbose, Deps, Snapshot,
};

pub const USDC: &str = "uusdc";
pub const SOURCE_ID: &str = "cosmoshub";
pub const CONNECTION: &str = "connection-0";
pub const CONTROLLER_PORT: &str = "wasm.controller";
pub const VAULT_PORT: &str = "wasm.vault";
pub const CHANNEL: &str = "channel-1";
/// Debt of every stub account but alice's.
pub const DEBT: u128 = 1_000_000_000_000;

/// Names of the senders a step's sender byte picks from (index 0 is the owner).
pub const SENDERS: [&str; 6] = ["admin", "keeper", "keeper2", "alice", "engine", "mallory"];

pub struct Base {
    pub storage: Snapshot,
    pub sent: Vec<IbcPacket>,
    pub env: Env,
}

fn our_endpoint() -> IbcEndpoint {
    IbcEndpoint { port_id: CONTROLLER_PORT.into(), channel_id: CHANNEL.into() }
}

fn vault_endpoint() -> IbcEndpoint {
    IbcEndpoint { port_id: VAULT_PORT.into(), channel_id: "channel-91".into() }
}

/// Install the stub engine on `deps`' querier.
pub fn stub_engine(deps: &mut Deps) {
    let engine = addr("engine").to_string();
    let alice = addr("alice").to_string();
    deps.querier.update_wasm(move |q| match q {
        WasmQuery::Smart { contract_addr, msg } if *contract_addr == engine => {
            let reply = match from_json::<EngineQuery>(msg) {
                Ok(EngineQuery::Account { account }) => {
                    let cash = if account == alice { 5_000_000_000 } else { -(DEBT as i128) };
                    to_json_binary(&AccountResponse {
                        account,
                        cash: Int128::new(cash),
                        claim: Default::default(),
                        positions: vec![],
                    })
                }
                Ok(EngineQuery::SeizeQuote { repay, .. }) => to_json_binary(&SeizeQuoteResponse {
                    debt: Uint128::new(DEBT),
                    amount: repay.saturating_mul(Uint128::new(2)),
                    price: Decimal::percent(50),
                    usable: Uint128::new(u64::MAX as u128),
                }),
                _ => return SystemResult::Ok(ContractResult::Err("stub engine: unsupported query".into())),
            };
            SystemResult::Ok(ContractResult::Ok(reply.unwrap()))
        }
        _ => SystemResult::Err(SystemError::NoSuchContract { addr: "unknown".into() }),
    });
}

fn restore_with_stub(snap: &Snapshot) -> Deps {
    let mut deps = restore(snap);
    stub_engine(&mut deps);
    deps
}

/// Instantiate, register the source, open the seize channel (the controller initiates), put
/// money in the insurance fund and send four seizes (two accounts, two keepers).
fn build() -> Base {
    let mut deps = restore_with_stub(&vec![]);
    let env = start_env();
    let admin = addr("admin");
    let msg = InstantiateMsg {
        owner: None,
        engine: addr("engine").to_string(),
        quote_denom: USDC.into(),
        seize_timeout_seconds: 600,
        max_in_flight_per_account: 2,
        max_in_flight_per_source: 8,
    };
    contract::instantiate(deps.as_mut(), env.clone(), message_info(&admin, &[]), msg).expect("controller instantiate");
    let register = ExecuteMsg::RegisterSource {
        source_id: SOURCE_ID.into(),
        connection_id: CONNECTION.into(),
        counterparty_port: VAULT_PORT.into(),
    };
    contract::execute(deps.as_mut(), env.clone(), message_info(&admin, &[]), register).expect("register source");
    let ch = IbcChannel::new(our_endpoint(), vault_endpoint(), IbcOrder::Unordered, APP_VERSION, CONNECTION);
    // The vault initiates (docs/protocol.md §1): the controller sees OpenTry, then OpenConfirm.
    contract::ibc_channel_open(deps.as_mut(), env.clone(), IbcChannelOpenMsg::new_try(ch.clone(), APP_VERSION))
        .expect("seize channel open");
    contract::ibc_channel_connect(deps.as_mut(), env.clone(), IbcChannelConnectMsg::new_confirm(ch))
        .expect("seize channel connect");
    contract::execute(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("engine"), &[coin(50_000_000, USDC)]),
        ExecuteMsg::DepositInsurance {},
    )
    .expect("deposit insurance");

    let mut seq = 0;
    let mut sent = vec![];
    for (keeper, account, repay) in [
        ("keeper", "bob", 1_000_000u128),
        ("keeper2", "bob", 2_500_000),
        ("keeper", "carol", 7),
        ("keeper2", "dave", 1),
    ] {
        let msg = ExecuteMsg::Seize {
            account: addr(account).to_string(),
            source_id: SOURCE_ID.into(),
            owner: crate::addr_with_prefix("cosmos", account).to_string(),
            asset: AssetInfo::native("uatom"),
            recipient: SeizeRecipient::Local { address: crate::addr_with_prefix("cosmos", keeper).to_string() },
        };
        let res = contract::execute(deps.as_mut(), env.clone(), message_info(&addr(keeper), &[coin(repay, USDC)]), msg)
            .unwrap_or_else(|e| panic!("controller set-up seize: {e}"));
        let msgs: Vec<_> = res.messages.iter().map(|m| m.msg.clone()).collect();
        sent.extend(sent_packets(&msgs, CONTROLLER_PORT, &vault_endpoint(), &mut seq));
    }
    assert_eq!(sent.len(), 4, "controller set-up sent {} packets", sent.len());
    check_funds(&deps, &env);
    Base { storage: snapshot(&deps.storage), sent, env }
}

pub fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(build)
}

/// The keepers' escrow equals the repayments of the seizes in flight.
pub fn check_funds(deps: &Deps, env: &Env) {
    let q = |msg: &QueryMsg| contract::query(deps.as_ref(), env.clone(), msg.clone()).expect("controller query");
    let funds: FundsResponse = from_json(q(&QueryMsg::Funds {})).unwrap();
    let seizes: SeizesResponse =
        from_json(q(&QueryMsg::Seizes { account: None, start_after: None, limit: Some(30) })).unwrap();
    let in_flight: Uint128 = seizes.seizes.iter().filter(|s| s.status == SeizeStatus::InFlight).map(|s| s.repay).sum();
    assert_eq!(funds.escrow, in_flight, "escrow vs the repayments of seizes in flight");
}

/// `controller_ibc`: each step is `[op, arg, payload...]`.
/// - op % 4 == 0: receive `payload` as packet data on the seize channel (every packet must be
///   refused, with storage unchanged);
/// - op % 4 == 1 or 2: acknowledge the sent seize `arg % 4` with `payload` as ack bytes;
/// - op % 4 == 3: time the sent seize `arg % 4` out.
///
/// Asserts: no panic; receive answers a well-formed error ack and writes nothing; an ack or
/// timeout whose handler reports an internal error leaves storage unchanged; the escrow
/// equals the repayments in flight after every step.
pub fn run_ibc(data: &[u8]) {
    let base = base();
    let mut deps = restore_with_stub(&base.storage);
    let mut env = base.env.clone();
    let relayer = addr("relayer");
    let mut seq = 1_000u64;
    for step in steps(data) {
        let (op, arg, payload) = match step {
            [op, arg, rest @ ..] => (*op, *arg, rest),
            _ => continue,
        };
        tick(&mut env, advance(arg >> 4));
        let before = snapshot(&deps.storage);
        match op % 4 {
            0 => {
                seq += 1;
                let pkt = packet(payload, &vault_endpoint(), &our_endpoint(), seq, &env);
                let res = contract::ibc_packet_receive(
                    deps.as_mut(),
                    env.clone(),
                    IbcPacketReceiveMsg::new(pkt, relayer.clone()),
                )
                .unwrap();
                assert!(
                    ack_is_error(res.acknowledgement.as_ref(), "controller receive"),
                    "controller accepted a packet"
                );
                assert_unchanged(&deps.storage, &before, "a controller receive");
            }
            op => {
                let pkt = base.sent[arg as usize % base.sent.len()].clone();
                let res = if op == 3 {
                    contract::ibc_packet_timeout(
                        deps.as_mut(),
                        env.clone(),
                        IbcPacketTimeoutMsg::new(pkt, relayer.clone()),
                    )
                    .unwrap()
                } else {
                    let ack = IbcAcknowledgement::new(payload.to_vec());
                    contract::ibc_packet_ack(
                        deps.as_mut(),
                        env.clone(),
                        IbcPacketAckMsg::new(ack, pkt, relayer.clone()),
                    )
                    .unwrap()
                };
                if verbose() {
                    eprintln!("resolve: {:?}", res.attributes);
                }
                if attr(&res.attributes, "action") == Some("seize_resolution_error") {
                    assert_unchanged(&deps.storage, &before, "a controller ack/timeout handler that reported an error");
                }
            }
        }
        check_funds(&deps, &env);
    }
}

/// `controller_execute`: each step is `[sender, funds, clock, json...]`, `json` decoded as the
/// controller's `ExecuteMsg`. Asserts: no panic, a failing call changes no storage, and the
/// escrow equals the repayments in flight after every step.
pub fn run_execute(data: &[u8]) {
    let base = base();
    let mut deps = restore_with_stub(&base.storage);
    let mut env = base.env.clone();
    let target = crate::ExecuteTarget {
        contract: "controller",
        senders: &SENDERS,
        denoms: (USDC, "uosmo"),
        strict_by_default: true,
    };
    crate::run_execute_steps(data, &mut deps, &mut env, &target, contract::execute, check_funds);
}
