//! Harnesses of the Isthmus fuzz targets (see `docs/fuzzing.md`).
//!
//! Each contract is driven as a library on `cosmwasm_std::testing` mocks. A target's base
//! state (instantiate, channels, deposits, sent packets) is built once per process and copied
//! into fresh mock storage for every input, so inputs are independent and replayable.
//!
//! Input format shared by the contract targets: the input is cut at every `0xFF` byte into
//! at most [`MAX_STEPS`] steps, run in order on the same state. A step starts with a few
//! header bytes (what to call, sender, funds, clock) and the rest is the payload: JSON of an
//! `ExecuteMsg`, packet data, or acknowledgement bytes. JSON never contains `0xFF`.

pub mod controller;
pub mod engine;
pub mod margin;
pub mod seeds;
pub mod vault;

use cosmwasm_std::testing::{mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage};
use cosmwasm_std::{
    from_json, Addr, Binary, Coin, CosmosMsg, Empty, Env, IbcEndpoint, IbcMsg, IbcPacket, IbcTimeout, Order, OwnedDeps,
    StdAck, Storage, Timestamp, Uint128,
};

pub type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier, Empty>;
pub type Snapshot = Vec<(Vec<u8>, Vec<u8>)>;

/// Most steps taken from one input.
pub const MAX_STEPS: usize = 12;

/// Every key and value in storage, in key order.
pub fn snapshot(storage: &dyn Storage) -> Snapshot {
    storage.range(None, None, Order::Ascending).collect()
}

/// Fresh mock dependencies holding exactly `snap`.
pub fn restore(snap: &Snapshot) -> Deps {
    let mut deps = mock_dependencies();
    for (k, v) in snap {
        deps.storage.set(k, v);
    }
    deps
}

/// Panics (a finding) if storage differs from `before`, naming the first differing key.
pub fn assert_unchanged(storage: &dyn Storage, before: &Snapshot, what: &str) {
    let after = snapshot(storage);
    if after != *before {
        let first = after
            .iter()
            .zip(before.iter())
            .find(|(a, b)| a != b)
            .map(|(a, _)| String::from_utf8_lossy(&a.0).into_owned())
            .unwrap_or_else(|| format!("entry count {} -> {}", before.len(), after.len()));
        panic!("{what} changed storage (first differing key: {first:?})");
    }
}

/// A target-chain (`cosmwasm` prefix) address of the mock API.
pub fn addr(name: &str) -> Addr {
    MockApi::default().addr_make(name)
}

/// The same key under another bech32 prefix (a source-chain address of the same user).
pub fn addr_with_prefix(prefix: &'static str, name: &str) -> Addr {
    MockApi::default().with_prefix(prefix).addr_make(name)
}

/// Steps of an input: split at `0xFF`, at most [`MAX_STEPS`].
pub fn steps(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|b| *b == 0xFF).take(MAX_STEPS)
}

/// Amounts a step's funds byte selects from (edges of `Uint128` and of `Fixed` included).
pub const AMOUNTS: [u128; 32] = [
    0,
    1,
    2,
    7,
    100,
    999,
    1_000,
    10_000,
    100_000,
    1_000_000,
    5_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    549_755_813_887, // 2^39 - 1: the largest integer `Fixed` holds
    549_755_813_888,
    1_000_000_000_000,
    10_000_000_000_000,
    1_000_000_000_000_000,
    1_000_000_000_000_000_000,
    1_000_000_000_000_000_000_000,
    u64::MAX as u128,
    (u64::MAX as u128) + 1,
    1 << 100,
    (1 << 126) - 1,
    (1 << 127) - 1,
    1 << 127,
    u128::MAX / 2,
    u128::MAX - 1,
    u128::MAX,
];

/// Funds from one header byte: low 2 bits pick denoms (none, `primary`, `other`, both), the
/// high 5 bits pick the amount.
pub fn funds(byte: u8, primary: &str, other: &str) -> Vec<Coin> {
    let amount = Uint128::new(AMOUNTS[(byte >> 3) as usize]);
    let coin = |d: &str| Coin { denom: d.to_string(), amount };
    match byte & 0b11 {
        0 => vec![],
        1 => vec![coin(primary)],
        2 => vec![coin(other)],
        _ => vec![coin(primary), coin(other)],
    }
}

/// Clock advance from one header byte, seconds.
pub fn advance(byte: u8) -> u64 {
    const STEPS: [u64; 8] = [0, 1, 6, 61, 601, 3_601, 86_401, 31 * 86_400];
    STEPS[(byte & 0b111) as usize]
}

/// The block environment at the start of every input.
pub fn start_env() -> Env {
    let mut env = mock_env();
    env.block.time = Timestamp::from_seconds(1_700_000_000);
    env.block.height = 1_000;
    env
}

pub fn tick(env: &mut Env, seconds: u64) {
    env.block.time = env.block.time.plus_seconds(seconds);
    env.block.height += 1 + seconds / 6;
}

/// Packets a response asks the chain to send, as the IBC packets the chain would deliver.
pub fn sent_packets(
    messages: &[CosmosMsg],
    src_port: &str,
    counterparty: &IbcEndpoint,
    next_sequence: &mut u64,
) -> Vec<IbcPacket> {
    let mut out = vec![];
    for msg in messages {
        if let CosmosMsg::Ibc(IbcMsg::SendPacket { channel_id, data, timeout }) = msg {
            *next_sequence += 1;
            out.push(IbcPacket::new(
                data.clone(),
                IbcEndpoint { port_id: src_port.to_string(), channel_id: channel_id.clone() },
                counterparty.clone(),
                *next_sequence,
                timeout.clone(),
            ));
        }
    }
    out
}

/// A packet with the given data on `dest` from `src`.
pub fn packet(data: &[u8], src: &IbcEndpoint, dest: &IbcEndpoint, sequence: u64, env: &Env) -> IbcPacket {
    IbcPacket::new(
        Binary::from(data.to_vec()),
        src.clone(),
        dest.clone(),
        sequence,
        IbcTimeout::with_timestamp(env.block.time.plus_seconds(600)),
    )
}

/// A receive handler's acknowledgement must be present and be a well-formed `StdAck`.
/// Returns whether it is an error acknowledgement.
pub fn ack_is_error(ack: Option<&Binary>, what: &str) -> bool {
    let ack = ack.unwrap_or_else(|| panic!("{what}: receive returned no acknowledgement"));
    match from_json::<StdAck>(ack) {
        Ok(StdAck::Success(_)) => false,
        Ok(StdAck::Error(_)) => true,
        Err(e) => panic!("{what}: acknowledgement is not a StdAck: {e}"),
    }
}

/// The value of an event attribute of a response, if present.
pub fn attr<'a>(attrs: &'a [cosmwasm_std::Attribute], key: &str) -> Option<&'a str> {
    attrs.iter().find(|a| a.key == key).map(|a| a.value.as_str())
}

/// What a failing `execute` step is held to. `strict` (the brief's property): a failing call
/// leaves storage unchanged. `chain`: the harness rolls the failed call's writes back, as
/// wasmd does for a failed transaction, and goes on. Set by `ISTHMUS_FUZZ_EXECUTE_MODE`; the
/// default is `strict` except where a target passes another default (see docs/fuzzing.md).
pub fn strict_execute(default_strict: bool) -> bool {
    match std::env::var("ISTHMUS_FUZZ_EXECUTE_MODE").as_deref() {
        Ok("strict") => true,
        Ok("chain") => false,
        _ => default_strict,
    }
}

/// Handle a failed `execute` step in the chosen mode; returns the storage to go on with.
pub fn failed_execute(deps: &mut Deps, before: &Snapshot, strict: bool, what: &str) {
    if strict {
        assert_unchanged(&deps.storage, before, what);
    } else {
        let querier = std::mem::take(&mut deps.querier);
        *deps = restore(before);
        deps.querier = querier;
    }
}

/// What differs between the three `*_execute` targets.
pub struct ExecuteTarget<'a> {
    /// Named in failure messages ("a failing vault execute (...)").
    pub contract: &'a str,
    pub senders: &'a [&'a str],
    /// The primary and the other denom that [`funds`] attaches.
    pub denoms: (&'a str, &'a str),
    /// Whether a failed call must leave storage unchanged unless `ISTHMUS_FUZZ_EXECUTE_MODE`
    /// says otherwise (see [`strict_execute`]).
    pub strict_by_default: bool,
}

/// The loop of the `*_execute` targets: each step is `[sender, funds, clock, json...]`, `json`
/// decoded as `M` (a step that does not decode is skipped, as the chain would refuse it before
/// the contract runs); a failed call goes through [`failed_execute`]; `after` runs after every
/// step (the target's own checks).
pub fn run_execute_steps<M, R, E>(
    data: &[u8],
    deps: &mut Deps,
    env: &mut Env,
    target: &ExecuteTarget,
    execute: impl Fn(cosmwasm_std::DepsMut, Env, cosmwasm_std::MessageInfo, M) -> Result<R, E>,
    mut after: impl FnMut(&Deps, &Env),
) where
    M: serde::de::DeserializeOwned,
    R: std::fmt::Debug,
    E: std::fmt::Display + std::fmt::Debug,
{
    let strict = strict_execute(target.strict_by_default);
    for step in steps(data) {
        let (s, f, c, json) = match step {
            [s, f, c, rest @ ..] => (*s, *f, *c, rest),
            _ => continue,
        };
        tick(env, advance(c));
        let Ok(msg) = from_json::<M>(json) else { continue };
        let sender = addr(target.senders[s as usize % target.senders.len()]);
        let info = cosmwasm_std::testing::message_info(&sender, &funds(f, target.denoms.0, target.denoms.1));
        let before = snapshot(&deps.storage);
        let res = execute(deps.as_mut(), env.clone(), info, msg);
        if verbose() {
            eprintln!("execute: {res:?}");
        }
        if let Err(e) = res {
            failed_execute(deps, &before, strict, &format!("a failing {} execute ({e})", target.contract));
        }
        after(deps, env);
    }
}

/// Print what each step did when `ISTHMUS_FUZZ_VERBOSE` is set (for replaying one input).
pub fn verbose() -> bool {
    static V: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *V.get_or_init(|| std::env::var_os("ISTHMUS_FUZZ_VERBOSE").is_some())
}
