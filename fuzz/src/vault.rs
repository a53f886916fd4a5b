//! Collateral vault (source chain): seize packets received from the controller, the
//! acknowledgements and timeouts of the packets it sent to the engine, and `execute`.

use std::sync::OnceLock;

use collateral_vault::contract;
use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    coin, from_json, to_json_binary, Addr, Env, IbcAcknowledgement, IbcChannel, IbcChannelConnectMsg,
    IbcChannelOpenMsg, IbcEndpoint, IbcOrder, IbcPacket, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg,
    Uint128,
};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::{
    AssetSettings, AssetsResponse, Counterparty, Cw20HookMsg, ExecuteMsg, InstantiateMsg, PendingWithdrawalsResponse,
    PositionsResponse, QueryMsg,
};
use isthmus_protocol::APP_VERSION;

use crate::{
    ack_is_error, addr, advance, assert_unchanged, attr, packet, restore, sent_packets, snapshot, start_env, steps,
    tick, verbose, Deps, Snapshot,
};

pub const CONNECTION: &str = "connection-0";
pub const ENGINE_PORT: &str = "wasm.engine";
pub const CONTROLLER_PORT: &str = "wasm.controller";
pub const VAULT_PORT: &str = "wasm.vault";
/// The vault's end of the collateral channel (to the engine).
pub const COLLATERAL_CHANNEL: &str = "channel-0";
/// The vault's end of the seize channel (from the controller).
pub const SEIZE_CHANNEL: &str = "channel-1";
pub const ATOM: &str = "uatom";

/// Names of the senders a step's sender byte picks from (index 0 is the admin).
pub const SENDERS: [&str; 6] = ["admin", "alice", "bob", "carol", "stk", "mallory"];
/// Owners holding positions in the base state.
pub const OWNERS: [&str; 3] = ["alice", "bob", "carol"];

pub struct Base {
    pub storage: Snapshot,
    /// Packets the vault sent during set-up, still unacknowledged.
    pub sent: Vec<IbcPacket>,
    pub env: Env,
}

fn counterparty_endpoint(channel: &str) -> IbcEndpoint {
    let port = if channel == COLLATERAL_CHANNEL { ENGINE_PORT } else { CONTROLLER_PORT };
    IbcEndpoint { port_id: port.to_string(), channel_id: format!("channel-9{}", &channel[8..]) }
}

fn our_endpoint(channel: &str) -> IbcEndpoint {
    IbcEndpoint { port_id: VAULT_PORT.to_string(), channel_id: channel.to_string() }
}

fn channel(ours: &str) -> IbcChannel {
    IbcChannel::new(our_endpoint(ours), counterparty_endpoint(ours), IbcOrder::Unordered, APP_VERSION, CONNECTION)
}

pub fn stk() -> Addr {
    addr("stk")
}

fn instantiate_msg() -> InstantiateMsg {
    InstantiateMsg {
        admin: None,
        guardian: Some(addr("guardian").to_string()),
        engine: Counterparty { connection_id: CONNECTION.into(), port_id: ENGINE_PORT.into() },
        controller: Counterparty { connection_id: CONNECTION.into(), port_id: CONTROLLER_PORT.into() },
        packet_timeout_seconds: 600,
        heartbeat_interval_seconds: 60,
        assets: vec![
            AssetSettings { asset: AssetInfo::native(ATOM), deposit_cap: Uint128::new(10u128.pow(13)), enabled: true },
            AssetSettings {
                asset: AssetInfo::cw20(stk().as_str()),
                deposit_cap: Uint128::new(10u128.pow(13)),
                enabled: true,
            },
        ],
    }
}

/// Instantiate, open both channels (the vault initiates both, docs/protocol.md §1), deposit for three owners (native and cw20), start one withdrawal and send
/// a heartbeat. Every step must succeed.
fn build() -> Base {
    let mut deps = crate::restore(&vec![]);
    let mut env = start_env();
    let admin = addr("admin");
    contract::instantiate(deps.as_mut(), env.clone(), message_info(&admin, &[]), instantiate_msg())
        .expect("vault instantiate");

    // Collateral channel: the vault initiates (OpenInit, then OpenAck).
    let ch = channel(COLLATERAL_CHANNEL);
    contract::ibc_channel_open(deps.as_mut(), env.clone(), IbcChannelOpenMsg::new_init(ch.clone()))
        .expect("collateral channel open");
    contract::ibc_channel_connect(deps.as_mut(), env.clone(), IbcChannelConnectMsg::new_ack(ch, APP_VERSION))
        .expect("collateral channel connect");
    // Seize channel: the vault initiates it too (OpenInit, then OpenAck).
    let ch = channel(SEIZE_CHANNEL);
    contract::ibc_channel_open(deps.as_mut(), env.clone(), IbcChannelOpenMsg::new_init(ch.clone()))
        .expect("seize channel open");
    contract::ibc_channel_connect(deps.as_mut(), env.clone(), IbcChannelConnectMsg::new_ack(ch, APP_VERSION))
        .expect("seize channel connect");

    let counterparty = counterparty_endpoint(COLLATERAL_CHANNEL);
    let mut seq = 0u64;
    let mut sent = vec![];
    let mut run = |deps: &mut Deps, env: &Env, sender: &Addr, coins: &[cosmwasm_std::Coin], msg: ExecuteMsg| {
        let res = contract::execute(deps.as_mut(), env.clone(), message_info(sender, coins), msg.clone())
            .unwrap_or_else(|e| panic!("vault set-up {msg:?}: {e}"));
        let msgs: Vec<_> = res.messages.iter().map(|m| m.msg.clone()).collect();
        sent.extend(sent_packets(&msgs, VAULT_PORT, &counterparty, &mut seq));
    };
    for (name, amount) in [("alice", 1_000_000u128), ("bob", 5_000_000)] {
        let who = addr(name);
        let msg = ExecuteMsg::Deposit { account: addr(name).to_string(), owner: None };
        run(&mut deps, &env, &who, &[coin(amount, ATOM)], msg);
    }
    let hook = Cw20HookMsg::Deposit { account: addr("carol").to_string(), owner: None };
    let receive = cw20::Cw20ReceiveMsg {
        sender: addr("carol").to_string(),
        amount: Uint128::new(2_000_000),
        msg: to_json_binary(&hook).unwrap(),
    };
    run(&mut deps, &env, &stk(), &[], ExecuteMsg::Receive(receive));
    tick(&mut env, 61);
    let alice = addr("alice");
    run(
        &mut deps,
        &env,
        &alice,
        &[],
        ExecuteMsg::Withdraw { asset: AssetInfo::native(ATOM), amount: 100_000u128.into() },
    );
    let bob = addr("bob");
    run(
        &mut deps,
        &env,
        &bob,
        &[],
        ExecuteMsg::Withdraw { asset: AssetInfo::native(ATOM), amount: 4_000_000u128.into() },
    );
    run(&mut deps, &env, &bob, &[], ExecuteMsg::Heartbeat {});
    assert!(sent.len() >= 5, "vault set-up sent {} packets", sent.len());
    check_books(&deps, &env);
    Base { storage: snapshot(&deps.storage), sent, env }
}

pub fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(build)
}

/// The vault's books agree with themselves: for each asset the total equals the sum of every
/// position (available + pending), and each position's pending equals its pending
/// withdrawals. Holds for the IBC target, where no step can create a new owner.
pub fn check_books(deps: &Deps, env: &Env) {
    let q = |msg: &QueryMsg| contract::query(deps.as_ref(), env.clone(), msg.clone()).expect("vault query");
    let assets: AssetsResponse = from_json(q(&QueryMsg::Assets { start_after: None, limit: None })).unwrap();
    let pending: PendingWithdrawalsResponse =
        from_json(q(&QueryMsg::PendingWithdrawals { owner: None, start_after: None, limit: Some(30) })).unwrap();
    for a in &assets.assets {
        let mut sum = Uint128::zero();
        for owner in OWNERS {
            let positions: PositionsResponse = from_json(q(&QueryMsg::PositionsByOwner {
                owner: addr(owner).to_string(),
                start_after: None,
                limit: None,
            }))
            .unwrap();
            for p in positions.positions.iter().filter(|p| p.asset == a.settings.asset) {
                sum += p.available + p.pending;
                let waiting: Uint128 = pending
                    .withdrawals
                    .iter()
                    .filter(|w| w.owner == p.owner && w.asset == p.asset)
                    .map(|w| w.amount)
                    .sum();
                assert_eq!(p.pending, waiting, "position {}/{} pending vs its pending withdrawals", p.owner, p.asset);
            }
        }
        assert_eq!(a.total, sum, "asset {} total vs the sum of its positions", a.settings.asset);
    }
    check_indexes(deps, &q, &pending, &OWNERS);
}

/// Invariant 10: the vault's indexes hold one entry per row of their books, nothing else
/// (`collateral_vault::index_check`, over the whole storage), and each of `owners` lists, through
/// the query, exactly its entries of the pending book.
fn check_indexes(deps: &Deps, q: &dyn Fn(&QueryMsg) -> cosmwasm_std::Binary, pending: &PendingWithdrawalsResponse, owners: &[&str]) {
    if let Err(e) = collateral_vault::index_check::check(&deps.storage).expect("vault storage") {
        panic!("the vault's indexes disagree with its books: {e}");
    }
    for owner in owners {
        let owner = addr(owner).to_string();
        let mine: PendingWithdrawalsResponse = from_json(q(&QueryMsg::PendingWithdrawals {
            owner: Some(owner.clone()),
            start_after: None,
            limit: Some(30),
        }))
        .unwrap();
        let expected: Vec<_> = pending.withdrawals.iter().filter(|w| w.owner == owner).cloned().collect();
        assert_eq!(mine.withdrawals, expected, "pending withdrawals listed for {owner} vs the pending book");
    }
}

/// `vault_ibc`: each step is `[op, arg, payload...]`.
/// - op % 4 == 0 or 1: receive `payload` as packet data on the seize channel (op 1 with
///   `arg` odd: on the collateral channel, or an unknown one when `arg % 4 == 3`);
/// - op % 4 == 2: acknowledge the sent packet `arg % n` with `payload` as ack bytes;
/// - op % 4 == 3: time the sent packet `arg % n` out.
///
/// Asserts: no panic; every receive answers a well-formed ack and an error ack leaves storage
/// unchanged; an ack or timeout whose handler reports an internal error leaves storage
/// unchanged; the books stay consistent after every step.
pub fn run_ibc(data: &[u8]) {
    let base = base();
    let mut deps = restore(&base.storage);
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
            0 | 1 => {
                let ours = match (op % 4, arg % 4) {
                    (1, 1) => COLLATERAL_CHANNEL.to_string(),
                    (1, 3) => "channel-77".to_string(),
                    _ => SEIZE_CHANNEL.to_string(),
                };
                seq += 1;
                let pkt = packet(payload, &counterparty_endpoint(&ours), &our_endpoint(&ours), seq, &env);
                let res = contract::ibc_packet_receive(
                    deps.as_mut(),
                    env.clone(),
                    IbcPacketReceiveMsg::new(pkt, relayer.clone()),
                )
                .unwrap();
                let is_error = ack_is_error(res.acknowledgement.as_ref(), "vault receive");
                if verbose() {
                    eprintln!("receive on {ours}: error ack = {is_error}, {:?}", res.attributes);
                }
                if is_error {
                    assert_unchanged(&deps.storage, &before, "a vault receive answered with an error ack");
                }
            }
            _ => {
                let pkt = base.sent[arg as usize % base.sent.len()].clone();
                let res = if op % 4 == 2 {
                    let ack = IbcAcknowledgement::new(payload.to_vec());
                    contract::ibc_packet_ack(
                        deps.as_mut(),
                        env.clone(),
                        IbcPacketAckMsg::new(ack, pkt, relayer.clone()),
                    )
                    .unwrap()
                } else {
                    contract::ibc_packet_timeout(
                        deps.as_mut(),
                        env.clone(),
                        IbcPacketTimeoutMsg::new(pkt, relayer.clone()),
                    )
                    .unwrap()
                };
                if verbose() {
                    eprintln!("resolve: {:?}", res.attributes);
                }
                if attr(&res.attributes, "action") == Some("packet_resolution_error") {
                    assert_unchanged(&deps.storage, &before, "a vault ack/timeout handler that reported an error");
                }
            }
        }
        check_books(&deps, &env);
    }
}

/// `vault_execute`: each step is `[sender, funds, clock, json...]`; `json` is decoded as the
/// vault's `ExecuteMsg` (a step that does not decode is skipped, as the chain would refuse
/// it before the contract runs). Asserts: no panic, and a failing call changes no storage.
pub fn run_execute(data: &[u8]) {
    let base = base();
    let mut deps = restore(&base.storage);
    let mut env = base.env.clone();
    let target = crate::ExecuteTarget {
        contract: "vault",
        senders: &SENDERS,
        denoms: (ATOM, "uother"),
        strict_by_default: false,
    };
    // After every step, whoever sent it: the indexes agree with the books.
    crate::run_execute_steps(data, &mut deps, &mut env, &target, contract::execute, |deps, env| {
        let q = |msg: &QueryMsg| contract::query(deps.as_ref(), env.clone(), msg.clone()).expect("vault query");
        let pending: PendingWithdrawalsResponse =
            from_json(q(&QueryMsg::PendingWithdrawals { owner: None, start_after: None, limit: Some(30) })).unwrap();
        check_indexes(deps, &q, &pending, &SENDERS);
    });
}
