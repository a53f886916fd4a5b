//! The seed inputs of the contract targets, written into `fuzz/seeds/<target>/` from the real
//! protocol types so that every seed starts from a message that decodes. Regenerate with
//! `ISTHMUS_FUZZ_WRITE_SEEDS=1` set on any run of `vault_ibc` (its init calls [`write_all`]
//! and exits), e.g. `ISTHMUS_FUZZ_WRITE_SEEDS=1 bash scripts/fuzz.sh --seconds 1 vault_ibc`.

use std::fs;
use std::path::Path;

use crate::{addr, addr_with_prefix, engine, start_env};
use cosmwasm_std::{to_json_binary, to_json_vec, Decimal, Int128, StdAck, Timestamp, Uint128};
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::controller as ctl;
use isthmus_protocol::engine as eng;
use isthmus_protocol::packet::{CollateralPacket, SeizeAckResult, SeizePacket, SeizeRecipient, WithdrawApproved};
use isthmus_protocol::vault::{self, AssetSettings, Counterparty};

/// One step: header bytes then payload.
fn step(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut v = header.to_vec();
    v.extend_from_slice(payload);
    v
}

fn join(steps: &[Vec<u8>]) -> Vec<u8> {
    steps.join(&[0xFFu8][..])
}

fn write(target: &str, name: &str, data: Vec<u8>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), data).unwrap();
}

/// Funds byte for `AMOUNTS[index]` of the primary denom.
fn pay(index: u8) -> u8 {
    (index << 3) | 1
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    to_json_vec(v).unwrap()
}

fn success<T: serde::Serialize>(v: &T) -> Vec<u8> {
    StdAck::success(to_json_binary(v).unwrap()).to_binary().to_vec()
}

fn error_ack() -> Vec<u8> {
    StdAck::error("refused").to_binary().to_vec()
}

fn atom() -> AssetInfo {
    AssetInfo::native("uatom")
}

fn vault_seeds() {
    let seize = |id: u64, owner: &str, amount: u128, recipient: SeizeRecipient| {
        json(&SeizePacket::Seize {
            seize_id: id,
            owner: addr(owner).to_string(),
            asset: atom(),
            amount: Uint128::new(amount),
            recipient,
        })
    };
    let local = SeizeRecipient::Local { address: addr("keeper").to_string() };
    let ics20 =
        SeizeRecipient::Ics20 { channel: "channel-5".into(), receiver: "osmo1keeper".into(), memo: String::new() };
    let t = "vault_ibc";
    write(t, "seize_local", join(&[step(&[0, 0], &seize(1, "alice", 1_000, local.clone()))]));
    write(t, "seize_ics20", join(&[step(&[0, 0], &seize(2, "bob", 500_000, ics20))]));
    write(t, "seize_too_much", join(&[step(&[0, 0], &seize(3, "alice", 10_000_000, local.clone()))]));
    write(t, "seize_on_collateral_channel", join(&[step(&[1, 1], &seize(4, "alice", 1, local.clone()))]));
    let update = json(&CollateralPacket::Heartbeat { vault_time: Timestamp::from_seconds(1), positions: 3 });
    write(t, "wrong_packet_type", join(&[step(&[0, 0], &update)]));
    // Sent packets in set-up order: 0,1 deposits, 2 cw20 deposit, 3,4 withdraw requests, 5 heartbeat.
    let approved = |id| success(&WithdrawApproved { request_id: id });
    write(t, "withdraw_approved", join(&[step(&[2, 3], &approved(1)), step(&[2, 4], &approved(2))]));
    write(t, "withdraw_refused", join(&[step(&[2, 3], &error_ack()), step(&[2, 4], &error_ack())]));
    write(t, "withdraw_timeout_then_ack", join(&[step(&[3, 4], &[]), step(&[2, 4], &approved(2))]));
    write(t, "update_acks", join(&[step(&[2, 0], &success(&serde_json::json!({}))), step(&[2, 1], &error_ack())]));
    write(t, "timeouts", join(&[step(&[3, 0], &[]), step(&[3, 2], &[]), step(&[3, 5], &[]), step(&[2, 5], b"x")]));
    write(
        t,
        "seize_after_withdraw",
        join(&[step(&[2, 4], &error_ack()), step(&[0, 0x50], &seize(5, "bob", 4_500_000, local))]),
    );
}

fn vault_execute_seeds() {
    let t = "vault_execute";
    let alice = addr("alice").to_string();
    let msgs: Vec<(&str, [u8; 3], vault::ExecuteMsg)> = vec![
        ("deposit", [1, pay(9), 0], vault::ExecuteMsg::Deposit { account: alice.clone(), owner: None }),
        (
            "deposit_for_other",
            [2, pay(9), 0],
            vault::ExecuteMsg::Deposit { account: alice.clone(), owner: Some(alice.clone()) },
        ),
        (
            "cw20_receive",
            [4, 0, 0],
            vault::ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
                sender: addr("carol").to_string(),
                amount: Uint128::new(5),
                msg: to_json_binary(&vault::Cw20HookMsg::Deposit { account: addr("carol").to_string(), owner: None })
                    .unwrap(),
            }),
        ),
        ("withdraw", [1, 0, 0], vault::ExecuteMsg::Withdraw { asset: atom(), amount: Uint128::new(1_000) }),
        ("withdraw_all", [2, 0, 0], vault::ExecuteMsg::Withdraw { asset: atom(), amount: Uint128::new(1_000_000) }),
        ("sync", [5, 0, 0], vault::ExecuteMsg::SyncPosition { owner: alice.clone(), asset: atom() }),
        ("heartbeat", [5, 0, 3], vault::ExecuteMsg::Heartbeat {}),
        (
            "set_asset",
            [0, 0, 0],
            vault::ExecuteMsg::SetAsset(AssetSettings {
                asset: AssetInfo::native("uother"),
                deposit_cap: Uint128::new(1_000_000),
                enabled: true,
            }),
        ),
        (
            "update_config",
            [0, 0, 0],
            vault::ExecuteMsg::UpdateConfig {
                admin: None,
                guardian: Some(addr("mallory").to_string()),
                engine: Some(Counterparty { connection_id: "connection-1".into(), port_id: "wasm.other".into() }),
                controller: None,
                packet_timeout_seconds: Some(60),
                heartbeat_interval_seconds: Some(0),
            },
        ),
        ("sweep", [0, 0, 0], vault::ExecuteMsg::SweepSurplus { asset: atom(), recipient: alice.clone() }),
        ("pause", [0, 0, 0], vault::ExecuteMsg::SetPaused { paused: true }),
    ];
    for (name, header, msg) in &msgs {
        write(t, name, step(header, &json(msg)));
    }
    let all: Vec<Vec<u8>> = msgs.iter().map(|(_, h, m)| step(h, &json(m))).collect();
    write(t, "sequence", join(&all));
}

fn engine_ibc_seeds() {
    let t = "engine_ibc";
    let update = |name: &str, available: u128, seq: u64| {
        json(&CollateralPacket::CollateralUpdate {
            owner: engine::owner(name),
            account: addr(name).to_string(),
            asset: atom(),
            available: Uint128::new(available),
            seq,
        })
    };
    let withdraw = |name: &str, amount: u128, after: u128, seq: u64| {
        json(&CollateralPacket::WithdrawRequest {
            request_id: seq,
            owner: engine::owner(name),
            account: addr(name).to_string(),
            asset: atom(),
            amount: Uint128::new(amount),
            available_after: Uint128::new(after),
            seq,
        })
    };
    write(t, "update_new", step(&[0, 0], &update("alice", 1_000_000, 1)));
    write(t, "update_bob", step(&[0, 0], &update("bob", 10, 2)));
    write(t, "update_stale_seq", step(&[0, 0], &update("bob", 10, 1)));
    write(t, "withdraw_small", step(&[0, 0], &withdraw("bob", 1_000, 49_999_999_000, 2)));
    write(t, "withdraw_all", step(&[0, 0], &withdraw("bob", 50_000_000_000, 0, 2)));
    write(t, "withdraw_carol", step(&[0, 0], &withdraw("carol", 1_000_000_000, 1_000_000_000, 2)));
    write(
        t,
        "heartbeat",
        step(&[0, 0x30], &json(&CollateralPacket::Heartbeat { vault_time: start_env().block.time, positions: 2 })),
    );
    write(t, "unknown_channel", step(&[2, 1], &update("alice", 1, 1)));
    write(t, "ack_and_timeout", join(&[step(&[3, 0], &error_ack()), step(&[3, 1], b"")]));
    let other = addr_with_prefix("cosmos", "mallory").to_string();
    let foreign = json(&CollateralPacket::CollateralUpdate {
        owner: other,
        account: addr("alice").to_string(),
        asset: AssetInfo::cw20("cosmos1token"),
        available: Uint128::MAX,
        seq: u64::MAX,
    });
    write(t, "update_foreign_owner", step(&[0, 0x60], &foreign));
}

fn engine_execute_seeds() {
    let t = "engine_execute";
    let base_time = start_env().block.time.seconds() + 6;
    let series = [1u64, 2, 3, 4];
    let trade = |legs: &[(u64, i64)]| eng::ExecuteMsg::Trade {
        legs: legs.iter().map(|&(series_id, quantity)| eng::TradeLeg { series_id, quantity }).collect(),
        max_cost: Int128::MAX,
    };
    let price = |p: u128, t: u64| eng::ExecuteMsg::PushPrices {
        prices: vec![eng::PriceInput { symbol: "ATOM".into(), price: Decimal::from_ratio(p, 1u128), publish_time: t }],
    };
    let bob = addr("bob").to_string();
    // Senders: 0 admin, 1 feeder, 2 alice, 3 bob, 4 carol, 5 lp, 6 controller, 7 mallory.
    let msgs: Vec<(&str, [u8; 3], eng::ExecuteMsg)> = vec![
        ("deposit_cash", [2, pay(9), 0], eng::ExecuteMsg::DepositCash {}),
        ("withdraw_cash", [2, 0, 0], eng::ExecuteMsg::WithdrawCash { amount: Uint128::new(1_000_000) }),
        ("withdraw_cash_bob", [3, 0, 0], eng::ExecuteMsg::WithdrawCash { amount: Uint128::new(999_000_000) }),
        ("pool_deposit", [5, pay(13), 0], eng::ExecuteMsg::PoolDeposit {}),
        ("pool_withdraw", [5, 0, 0], eng::ExecuteMsg::PoolWithdraw { shares: Uint128::new(1_000_000) }),
        ("trade_buy", [2, 0, 0], trade(&[(series[0], 5)])),
        ("trade_sell", [3, 0, 0], trade(&[(series[1], -5), (series[2], 3)])),
        ("trade_close", [2, 0, 0], trade(&[(series[0], -20)])),
        ("price_crash", [1, 0, 0], price(3, base_time)),
        ("price_spike", [1, 0, 1], price(40, base_time + 1)),
        (
            "vols",
            [1, 0, 0],
            eng::ExecuteMsg::PushVols {
                vols: vec![eng::VolInput {
                    underlying: "ATOM".into(),
                    expiry: base_time - 6 + 30 * 86_400,
                    vol: Decimal::percent(300),
                    publish_time: base_time,
                }],
            },
        ),
        ("liquidate_bob", [7, 0, 0], eng::ExecuteMsg::Liquidate { account: bob.clone() }),
        ("settle_account", [7, 0, 7], eng::ExecuteMsg::SettleAccount { account: bob.clone() }),
        ("settle_series", [7, 0, 6], eng::ExecuteMsg::SettleSeries { series_id: series[3], limit: Some(5) }),
        (
            "settlement_price",
            [0, 0, 7],
            eng::ExecuteMsg::SetSettlementPrice {
                underlying: "ATOM".into(),
                expiry: base_time - 6 + 2 * 86_400,
                price: Decimal::from_ratio(7u128, 1u128),
            },
        ),
        ("repay_debt", [2, pay(9), 0], eng::ExecuteMsg::RepayDebt { account: bob.clone() }),
        ("absorb_debt", [6, pay(9), 0], eng::ExecuteMsg::AbsorbDebt { account: bob.clone() }),
        (
            "authorize",
            [2, 0, 0],
            eng::ExecuteMsg::AuthorizeOwner { source_id: engine::SOURCE_ID.into(), owner: engine::owner("bob") },
        ),
        (
            "revoke",
            [3, 0, 0],
            eng::ExecuteMsg::RevokeOwner { source_id: engine::SOURCE_ID.into(), owner: engine::owner("bob") },
        ),
        (
            "reserve",
            [6, 0, 0],
            eng::ExecuteMsg::ReserveCollateral {
                reservation_id: 1,
                account: bob.clone(),
                source_id: engine::SOURCE_ID.into(),
                owner: engine::owner("bob"),
                asset: atom(),
                amount: Uint128::new(1_000_000),
            },
        ),
        (
            "consume",
            [6, 0, 0],
            eng::ExecuteMsg::ConsumeReservation { reservation_id: 1, seq: 5, available: Uint128::new(1) },
        ),
        ("release", [6, 0, 0], eng::ExecuteMsg::ReleaseReservation { reservation_id: 1 }),
        ("pause", [0, 0, 0], eng::ExecuteMsg::SetPaused { paused: true }),
        (
            "list_series",
            [0, 0, 0],
            eng::ExecuteMsg::ListSeries(eng::SeriesParams {
                underlying: "ATOM".into(),
                strike: Decimal::from_ratio(12u128, 1u128),
                expiry: base_time + 86_400,
                kind: eng::OptionKind::Call,
                contract_size: Decimal::percent(10),
                open_interest_cap: Uint128::new(100),
            }),
        ),
        ("risk_params", [0, 0, 0], eng::ExecuteMsg::SetRiskParams(engine::default_risk())),
        (
            "update_config",
            [0, 0, 0],
            eng::ExecuteMsg::UpdateConfig {
                owner: None,
                risk_manager: None,
                guardian: None,
                controller: Some(addr("mallory").to_string()),
                max_staleness_seconds: Some(1),
            },
        ),
        (
            "configure_symbol",
            [0, 0, 0],
            eng::ExecuteMsg::ConfigureSymbol(eng::SymbolParams {
                symbol: "OSMO".into(),
                max_price_age_seconds: 10,
                lenient_price_age_seconds: 100,
                max_vol_age_seconds: 100,
                max_pool_delta: Decimal::one(),
            }),
        ),
        (
            "collateral_risk",
            [0, 0, 0],
            eng::ExecuteMsg::SetCollateralRisk {
                source_id: engine::SOURCE_ID.into(),
                asset: atom(),
                vol: Decimal::percent(500),
                underlying: None,
            },
        ),
        (
            "register_source",
            [0, 0, 0],
            eng::ExecuteMsg::RegisterSource {
                source_id: "osmosis".into(),
                connection_id: "connection-1".into(),
                counterparty_port: "wasm.vault2".into(),
            },
        ),
        (
            "collateral_asset",
            [0, 0, 0],
            eng::ExecuteMsg::SetCollateralAsset {
                source_id: engine::SOURCE_ID.into(),
                asset: AssetInfo::native("ustk"),
                symbol: "ATOM".into(),
                decimals: 18,
                enabled: true,
            },
        ),
        (
            "set_feeder",
            [0, 0, 0],
            eng::ExecuteMsg::SetFeeder { address: addr("mallory").to_string(), price: true, vol: false },
        ),
    ];
    for (name, header, msg) in &msgs {
        write(t, name, step(header, &json(msg)));
    }
    let pick = |names: &[&str]| -> Vec<u8> {
        join(
            &names
                .iter()
                .map(|n| msgs.iter().find(|m| m.0 == *n).map(|(_, h, m)| step(h, &json(m))).unwrap())
                .collect::<Vec<_>>(),
        )
    };
    write(t, "seq_crash_liquidate", pick(&["price_crash", "liquidate_bob", "repay_debt", "withdraw_cash_bob"]));
    write(t, "seq_expiry_settle", pick(&["settle_series", "settlement_price", "settle_account", "withdraw_cash"]));
    write(t, "seq_pool", pick(&["pool_deposit", "trade_buy", "price_spike", "pool_withdraw", "trade_close"]));
    write(t, "seq_reserve", pick(&["reserve", "revoke", "consume", "release", "withdraw_cash_bob"]));
}

fn controller_ibc_seeds() {
    let t = "controller_ibc";
    let ok = |seq, available: u128| success(&SeizeAckResult { seq, available: Uint128::new(available) });
    write(t, "ack_success", step(&[1, 0], &ok(5, 100)));
    write(t, "ack_success_no_state", step(&[1, 1], &success(&serde_json::json!([1, 2]))));
    write(t, "ack_error", step(&[1, 2], &error_ack()));
    write(t, "timeout", step(&[3, 3], &[]));
    write(t, "ack_twice", join(&[step(&[1, 0], &ok(5, 100)), step(&[2, 0], &error_ack()), step(&[3, 0], &[])]));
    write(t, "garbage_ack", step(&[2, 1], b"{\"result\":\"!!\"}"));
    write(
        t,
        "receive",
        step(
            &[0, 0],
            &json(&SeizePacket::Seize {
                seize_id: 1,
                owner: "x".into(),
                asset: atom(),
                amount: Uint128::one(),
                recipient: SeizeRecipient::Local { address: "y".into() },
            }),
        ),
    );
}

fn controller_execute_seeds() {
    let t = "controller_execute";
    let seize = |account: &str, recipient: SeizeRecipient| ctl::ExecuteMsg::Seize {
        account: addr(account).to_string(),
        source_id: "cosmoshub".into(),
        owner: addr_with_prefix("cosmos", account).to_string(),
        asset: atom(),
        recipient,
    };
    let local = SeizeRecipient::Local { address: "cosmos1keeper".into() };
    let ics20 =
        SeizeRecipient::Ics20 { channel: "channel-3".into(), receiver: "cosmos1keeper".into(), memo: "{}".into() };
    // Senders: 0 admin, 1 keeper, 2 keeper2, 3 alice, 4 engine, 5 mallory.
    let msgs: Vec<(&str, [u8; 3], ctl::ExecuteMsg)> = vec![
        ("seize_carol", [1, pay(6), 0], seize("carol", local.clone())),
        ("seize_ics20", [2, pay(9), 0], seize("erin", ics20)),
        ("seize_alice", [1, pay(6), 0], seize("alice", local.clone())),
        ("seize_bob_third", [1, pay(6), 0], seize("bob", local)),
        ("insurance", [5, pay(12), 0], ctl::ExecuteMsg::DepositInsurance {}),
        ("cover", [5, 0, 0], ctl::ExecuteMsg::CoverBadDebt { account: addr("bob").to_string() }),
        ("cover_alice", [5, 0, 0], ctl::ExecuteMsg::CoverBadDebt { account: addr("alice").to_string() }),
        (
            "register",
            [0, 0, 0],
            ctl::ExecuteMsg::RegisterSource {
                source_id: "cosmoshub".into(),
                connection_id: "connection-7".into(),
                counterparty_port: "wasm.other".into(),
            },
        ),
        (
            "update_config",
            [0, 0, 0],
            ctl::ExecuteMsg::UpdateConfig {
                owner: None,
                seize_timeout_seconds: Some(1),
                max_in_flight_per_account: Some(0),
                max_in_flight_per_source: Some(100),
            },
        ),
    ];
    for (name, header, msg) in &msgs {
        write(t, name, step(header, &json(msg)));
    }
    let all: Vec<Vec<u8>> = msgs.iter().map(|(_, h, m)| step(h, &json(m))).collect();
    write(t, "sequence", join(&all));
}

/// Write every seed file.
pub fn write_all() {
    vault_seeds();
    vault_execute_seeds();
    engine_ibc_seeds();
    engine_execute_seeds();
    controller_ibc_seeds();
    controller_execute_seeds();
    println!("seeds written");
}
