//! Options engine (target chain): collateral packets received from the vault and `execute`.

use std::sync::OnceLock;

use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    coin, to_json_binary, Addr, Decimal, Env, IbcAcknowledgement, IbcChannel, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcEndpoint, IbcOrder, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, Int128, SignedDecimal, Uint128,
};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::engine::{
    ExecuteMsg, InstantiateMsg, OptionKind, PriceInput, RiskParams, SeriesParams, SymbolParams, TradeLeg, VolInput,
};
use isthmus_protocol::packet::CollateralPacket;
use isthmus_protocol::APP_VERSION;
use options_engine::contract;

use crate::{
    ack_is_error, addr, addr_with_prefix, advance, assert_unchanged, attr, packet, restore, snapshot, start_env, steps,
    tick, verbose, Deps, Snapshot,
};

pub const USDC: &str = "uusdc";
pub const SOURCE_ID: &str = "cosmoshub";
pub const CONNECTION: &str = "connection-0";
pub const ENGINE_PORT: &str = "wasm.engine";
pub const VAULT_PORT: &str = "wasm.vault";
/// The engine's end of the collateral channel.
pub const CHANNEL: &str = "channel-0";
pub const DAY: u64 = 86_400;

/// Names of the senders a step's sender byte picks from (index 0 is the owner).
pub const SENDERS: [&str; 8] = ["admin", "feeder", "alice", "bob", "carol", "lp", "controller", "mallory"];

pub struct Base {
    pub storage: Snapshot,
    pub env: Env,
    /// Series ids listed in the base state.
    pub series: Vec<u64>,
}

/// The test suite's risk parameters (tests/src/suite.rs `default_risk`).
pub fn default_risk() -> RiskParams {
    let pct = |n: i64| SignedDecimal::percent(n);
    RiskParams {
        spread: Decimal::percent(1),
        rate: Decimal::percent(5),
        max_leg_quantity: 1_000,
        initial_margin_factor: Decimal::percent(130),
        spot_moves: [-30, -15, -10, -5, 0, 5, 10, 15, 30].into_iter().map(pct).collect(),
        vol_shock_up: Decimal::percent(10),
        vol_shock_down: Decimal::percent(10),
        vol_shock_exponent: Decimal::percent(50),
        vol_shock_reference_days: 30,
        min_days_to_expiry: 1,
        min_vol: Decimal::percent(5),
        short_floor: Decimal::percent(1),
        haircut_base: Decimal::percent(15),
        haircut_z: Decimal::from_ratio(3u128, 1u128),
        seize_latency_seconds: 600,
        settlement_fallback_seconds: 3600,
        liquidation_penalty: Decimal::percent(5),
        liquidator_share: Decimal::percent(50),
        liquidation_bonus: Decimal::percent(5),
        lp_notice_seconds: 0,
        tail_moves: vec![pct(-50), pct(50)],
        tail_weight: Decimal::from_ratio(1u128, 3u128),
        pool_risk_max_age_seconds: 1800,
        pool_risk_max_spot_move: Decimal::percent(2),
        pool_risk_max_vol_move: Decimal::percent(5),
    }
}

pub fn atom() -> AssetInfo {
    AssetInfo::native("uatom")
}

/// A source-chain owner with the same key as the target-chain account `name`.
pub fn owner(name: &str) -> String {
    addr_with_prefix("cosmos", name).to_string()
}

fn our_endpoint() -> IbcEndpoint {
    IbcEndpoint { port_id: ENGINE_PORT.into(), channel_id: CHANNEL.into() }
}

fn vault_endpoint() -> IbcEndpoint {
    IbcEndpoint { port_id: VAULT_PORT.into(), channel_id: "channel-90".into() }
}

fn exec(
    deps: &mut Deps,
    env: &Env,
    sender: &Addr,
    coins: &[cosmwasm_std::Coin],
    msg: ExecuteMsg,
) -> cosmwasm_std::Response {
    contract::execute(deps.as_mut(), env.clone(), message_info(sender, coins), msg.clone())
        .unwrap_or_else(|e| panic!("engine set-up {msg:?}: {e}"))
}

fn receive_ok(deps: &mut Deps, env: &Env, seq: u64, p: &CollateralPacket) {
    let data = to_json_binary(p).unwrap();
    let pkt = packet(&data, &vault_endpoint(), &our_endpoint(), seq, env);
    let res = contract::ibc_packet_receive(deps.as_mut(), env.clone(), IbcPacketReceiveMsg::new(pkt, addr("relayer")))
        .unwrap();
    assert!(!ack_is_error(res.acknowledgement.as_ref(), "engine set-up"), "engine set-up packet refused: {res:?}");
}

/// Instantiate; feeder, symbol, four ATOM series (30 days, and one of 2 days), prices and
/// vols; a registered source with an open channel and ATOM listed as collateral; a pool with
/// liquidity; cash for three accounts, remote collateral for bob and carol; a few trades.
fn build() -> Base {
    let mut deps = crate::restore(&vec![]);
    let mut env = start_env();
    let admin = addr("admin");
    let msg = InstantiateMsg {
        owner: None,
        risk_manager: None,
        guardian: None,
        controller: Some(addr("controller").to_string()),
        max_staleness_seconds: 3600,
        quote_denom: USDC.into(),
        quote_decimals: 6,
        risk: default_risk(),
    };
    contract::instantiate(deps.as_mut(), env.clone(), message_info(&admin, &[]), msg).expect("engine instantiate");
    let feeder = addr("feeder");
    exec(&mut deps, &env, &admin, &[], ExecuteMsg::SetFeeder { address: feeder.to_string(), price: true, vol: true });
    exec(
        &mut deps,
        &env,
        &admin,
        &[],
        ExecuteMsg::ConfigureSymbol(SymbolParams {
            symbol: "ATOM".into(),
            max_price_age_seconds: 60,
            lenient_price_age_seconds: 7 * DAY,
            max_vol_age_seconds: 3600,
            max_pool_delta: Decimal::from_ratio(5_000u128, 1u128),
        }),
    );
    let now = env.block.time.seconds();
    let (long, short) = (now + 30 * DAY, now + 2 * DAY);
    let mut series = vec![];
    for (kind, strike, expiry) in [
        (OptionKind::Call, 10u128, long),
        (OptionKind::Put, 10, long),
        (OptionKind::Call, 11, long),
        (OptionKind::Put, 9, short),
    ] {
        let res = exec(
            &mut deps,
            &env,
            &admin,
            &[],
            ExecuteMsg::ListSeries(SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::from_ratio(strike, 1u128),
                expiry,
                kind,
                contract_size: Decimal::one(),
                open_interest_cap: Uint128::new(10_000),
            }),
        );
        series.push(attr(&res.attributes, "series_id").expect("series_id").parse().unwrap());
    }
    exec(
        &mut deps,
        &env,
        &feeder,
        &[],
        ExecuteMsg::PushPrices {
            prices: vec![PriceInput {
                symbol: "ATOM".into(),
                price: Decimal::from_ratio(10u128, 1u128),
                publish_time: now,
            }],
        },
    );
    let vols = [long, short]
        .into_iter()
        .map(|expiry| VolInput { underlying: "ATOM".into(), expiry, vol: Decimal::percent(60), publish_time: now })
        .collect();
    exec(&mut deps, &env, &feeder, &[], ExecuteMsg::PushVols { vols });

    exec(
        &mut deps,
        &env,
        &admin,
        &[],
        ExecuteMsg::RegisterSource {
            source_id: SOURCE_ID.into(),
            connection_id: CONNECTION.into(),
            counterparty_port: VAULT_PORT.into(),
        },
    );
    exec(
        &mut deps,
        &env,
        &admin,
        &[],
        ExecuteMsg::SetCollateralAsset {
            source_id: SOURCE_ID.into(),
            asset: atom(),
            symbol: "ATOM".into(),
            decimals: 6,
            enabled: true,
        },
    );
    exec(
        &mut deps,
        &env,
        &admin,
        &[],
        ExecuteMsg::SetCollateralRisk {
            source_id: SOURCE_ID.into(),
            asset: atom(),
            vol: Decimal::percent(60),
            underlying: Some("ATOM".into()),
        },
    );
    // The vault initiates the collateral channel: the engine sees OpenTry, then OpenConfirm.
    let ch = IbcChannel::new(our_endpoint(), vault_endpoint(), IbcOrder::Unordered, APP_VERSION, CONNECTION);
    contract::ibc_channel_open(deps.as_mut(), env.clone(), IbcChannelOpenMsg::new_try(ch.clone(), APP_VERSION))
        .expect("engine channel open");
    contract::ibc_channel_connect(deps.as_mut(), env.clone(), IbcChannelConnectMsg::new_confirm(ch))
        .expect("engine channel connect");

    exec(&mut deps, &env, &addr("lp"), &[coin(1_000_000_000_000, USDC)], ExecuteMsg::PoolDeposit {});
    for (name, cash) in [("alice", 10_000_000_000u128), ("bob", 1_000_000_000), ("carol", 100_000_000)] {
        exec(&mut deps, &env, &addr(name), &[coin(cash, USDC)], ExecuteMsg::DepositCash {});
    }
    for (seq, name, available) in [(1u64, "bob", 50_000_000_000u128), (2, "carol", 2_000_000_000)] {
        let p = CollateralPacket::CollateralUpdate {
            owner: owner(name),
            account: addr(name).to_string(),
            asset: atom(),
            available: Uint128::new(available),
            seq: 1,
        };
        receive_ok(&mut deps, &env, seq, &p);
    }
    let hb = CollateralPacket::Heartbeat { vault_time: env.block.time, positions: 2 };
    receive_ok(&mut deps, &env, 3, &hb);
    let trade = |legs: &[(u64, i64)]| ExecuteMsg::Trade {
        legs: legs.iter().map(|&(series_id, quantity)| TradeLeg { series_id, quantity }).collect(),
        max_cost: Int128::MAX,
    };
    exec(&mut deps, &env, &addr("alice"), &[], trade(&[(series[0], 20), (series[3], 10)]));
    exec(&mut deps, &env, &addr("bob"), &[], trade(&[(series[1], -50), (series[3], -20)]));
    exec(&mut deps, &env, &addr("carol"), &[], trade(&[(series[2], -30)]));
    tick(&mut env, 6);
    Base { storage: snapshot(&deps.storage), env, series }
}

pub fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(build)
}

/// `engine_ibc`: each step is `[op, arg, payload...]`.
/// - op % 4 in 0..=2: receive `payload` as packet data on the collateral channel (op % 4 == 2
///   with `arg` odd: on a channel the engine does not know);
/// - op % 4 == 3: an acknowledgement (`arg` even, `payload` as ack bytes) or timeout of a
///   packet the engine never sent (it sends none): must not panic.
///
/// Asserts: no panic; every receive answers a well-formed ack; an error ack leaves storage
/// unchanged.
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
        seq += 1;
        let before = snapshot(&deps.storage);
        if op % 4 == 3 {
            let pkt = packet(payload, &our_endpoint(), &vault_endpoint(), seq, &env);
            let _ = if arg % 2 == 0 {
                let ack = IbcAcknowledgement::new(payload.to_vec());
                contract::ibc_packet_ack(deps.as_mut(), env.clone(), IbcPacketAckMsg::new(ack, pkt, relayer.clone()))
            } else {
                contract::ibc_packet_timeout(deps.as_mut(), env.clone(), IbcPacketTimeoutMsg::new(pkt, relayer.clone()))
            };
            assert_unchanged(&deps.storage, &before, "an engine ack/timeout of a packet it never sent");
            continue;
        }
        let dest = if op % 4 == 2 && arg % 2 == 1 {
            IbcEndpoint { port_id: ENGINE_PORT.into(), channel_id: "channel-77".into() }
        } else {
            our_endpoint()
        };
        let pkt = packet(payload, &vault_endpoint(), &dest, seq, &env);
        let res =
            contract::ibc_packet_receive(deps.as_mut(), env.clone(), IbcPacketReceiveMsg::new(pkt, relayer.clone()))
                .unwrap();
        let is_error = ack_is_error(res.acknowledgement.as_ref(), "engine receive");
        if verbose() {
            eprintln!("receive: error ack = {is_error}, {:?}", res.attributes);
        }
        if is_error {
            if attr(&res.attributes, "action") == Some("withdraw_request") {
                // Finding 3 (docs/fuzzing.md): a refused withdrawal still records the source
                // as heard from. Allow exactly that write, nothing else.
                assert_unchanged_but_last_heard(&deps, &before);
            } else {
                assert_unchanged(&deps.storage, &before, "an engine receive answered with an error ack");
            }
        }
    }
}

/// Storage equals `before` except for the `last_heard` time of the source's registry entry.
fn assert_unchanged_but_last_heard(deps: &Deps, before: &Snapshot) {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("last_heard");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let normal = |snap: Snapshot| -> Vec<(Vec<u8>, serde_json::Value)> {
        snap.into_iter()
            .map(|(k, v)| {
                let mut j = serde_json::from_slice(&v).unwrap_or(serde_json::Value::Null);
                if k.ends_with(b"sources") || k.windows(7).any(|w| w == b"sources") {
                    strip(&mut j);
                }
                (k, j)
            })
            .collect()
    };
    assert!(
        normal(snapshot(&deps.storage)) == normal(before.clone()),
        "a refused engine withdrawal changed storage beyond the source's last_heard"
    );
}

/// `engine_execute`: each step is `[sender, funds, clock, json...]`, `json` decoded as the
/// engine's `ExecuteMsg` (a step that does not decode is skipped). Asserts: no panic, and a
/// failing call changes no storage.
pub fn run_execute(data: &[u8]) {
    let base = base();
    let mut deps = restore(&base.storage);
    let mut env = base.env.clone();
    let target = crate::ExecuteTarget {
        contract: "engine",
        senders: &SENDERS,
        denoms: (USDC, "uosmo"),
        strict_by_default: false,
    };
    crate::run_execute_steps(data, &mut deps, &mut env, &target, contract::execute, |_, _| {});
}
