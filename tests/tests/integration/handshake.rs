//! Channel handshake refusals (one test per refusal), the fixed opening side (the vault
//! always initiates; crossing handshakes cannot split a channel) and the close policy.

use collateral_vault::ContractError as VaultError;
use cosmwasm_std::IbcOrder;
use cw_multi_test::Executor;
use isthmus_ibc_bench::Side;
use isthmus_protocol::handshake::HandshakeError;
use isthmus_protocol::vault;
use isthmus_protocol::APP_VERSION;
use isthmus_source_registry::RegistryError;
use isthmus_tests::errors::assert_contract_error;
use isthmus_tests::suite::{ATOM, INITIAL_NATIVE};
use isthmus_tests::{Suite, SuiteBuilder};
use liquidation_controller::ContractError as ControllerError;
use options_engine::ContractError as EngineError;

fn refusal(result: anyhow::Result<(String, String)>) -> String {
    format!("{:#}", result.expect_err("handshake must be refused"))
}

#[test]
fn wrong_version_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err =
        refusal(suite.chains.open_channel(Side::FIRST_SOURCE, Side::Target, &vp, &ep, "ics20-1", IbcOrder::Unordered));
    assert!(err.contains("channel version must be `isthmus-1`"), "{err}");
}

#[test]
fn ordered_channel_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err =
        refusal(suite.chains.open_channel(Side::FIRST_SOURCE, Side::Target, &vp, &ep, APP_VERSION, IbcOrder::Ordered));
    assert!(err.contains("UNORDERED"), "{err}");
}

#[test]
fn unknown_counterparty_port_is_refused_by_the_vault() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let vp = suite.vault_port();
    let controller_port = format!("wasm.{}", suite.controller);
    let err = refusal(suite.chains.open_channel(
        Side::FIRST_SOURCE,
        Side::Target,
        &vp,
        &controller_port,
        APP_VERSION,
        IbcOrder::Unordered,
    ));
    assert!(err.contains("is not allowed"), "{err}");
}

#[test]
fn unregistered_vault_is_refused_by_the_engine() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    // A second vault, deployed like the first but never registered at the engine.
    let code = suite.chains.sources[0].chain.store_code(isthmus_tests::contracts::collateral_vault());
    let config: vault::ConfigResponse =
        suite.chains.sources[0].chain.wrap().query_wasm_smart(&suite.vault, &vault::QueryMsg::Config {}).unwrap();
    let admin = suite.source_admin.clone();
    let rogue = suite.chains.sources[0]
        .chain
        .instantiate_contract(
            code,
            admin,
            &vault::InstantiateMsg {
                admin: None,
                guardian: None,
                engine: config.engine,
                controller: config.controller,
                packet_timeout_seconds: 600,
                heartbeat_interval_seconds: 60,
                assets: vec![],
            },
            &[],
            "rogue vault",
            None,
        )
        .unwrap();
    let (rogue_port, ep) = (format!("wasm.{rogue}"), suite.engine_port());
    let target_connection = suite.chains.sources[0].connection.1.clone();
    assert_contract_error(
        suite.chains.open_channel(Side::FIRST_SOURCE, Side::Target, &rogue_port, &ep, APP_VERSION, IbcOrder::Unordered),
        EngineError::Registry(RegistryError::Handshake(HandshakeError::CounterpartyNotAllowed {
            connection: target_connection,
            port: rogue_port.clone(),
        })),
    );
}

#[test]
fn wrong_connection_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let other = suite.chains.add_connection(0).unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err = refusal(suite.chains.open_channel_on(
        Side::FIRST_SOURCE,
        Side::Target,
        other,
        &vp,
        &ep,
        APP_VERSION,
        IbcOrder::Unordered,
    ));
    assert!(err.contains("is not allowed"), "{err}");
}

#[test]
fn a_second_collateral_channel_is_refused_while_one_is_open() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let err = refusal(suite.open_collateral_channel());
    assert!(err.contains("already open"), "{err}");
}

#[test]
fn closing_from_our_side_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let (vc, ec) = suite.collateral_channel().clone();
    let err = suite.chains.close_channel(Side::FIRST_SOURCE, Side::Target, &vp, &vc, &ep, &ec).unwrap_err();
    assert!(format!("{err:#}").contains("not allowed"), "{err:#}");
}

#[test]
fn counterparty_close_is_recorded_and_a_new_channel_restores_replication() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    // Simulate a counterparty-initiated close reaching the vault (ChanCloseConfirm).
    let vc = suite.collateral_channel().0.clone();
    let vp = suite.vault_port();
    suite.chains.sources[0]
        .chain
        .sudo(cw_multi_test::SudoMsg::Ibc(cw_multi_test::ibc::IbcPacketRelayingMsg::CloseChannel {
            port_id: vp,
            channel_id: vc,
            init: false,
        }))
        .unwrap();
    let config: vault::ConfigResponse =
        suite.chains.sources[0].chain.wrap().query_wasm_smart(&suite.vault, &vault::QueryMsg::Config {}).unwrap();
    assert_eq!(config.engine_channel, None);
    // With no channel, deposits are refused (the engine could not learn of them).
    let err = suite.deposit_atom("alice", 5).unwrap_err();
    assert!(err.root_cause().to_string().contains("no open collateral channel"), "{err}");
    suite.check_invariants().unwrap();

    // Engine side learns of the close too; then a new channel re-attaches the same source.
    let ec = suite.collateral_channel().1.clone();
    let ep = suite.engine_port();
    suite
        .chains
        .target
        .sudo(cw_multi_test::SudoMsg::Ibc(cw_multi_test::ibc::IbcPacketRelayingMsg::CloseChannel {
            port_id: ep,
            channel_id: ec,
            init: false,
        }))
        .unwrap();
    suite.sources[0].collateral_channel = suite.open_collateral_channel().unwrap();
    suite.deposit_atom("alice", 5).unwrap();
    suite.resolve_all_and_check().unwrap();
    let e = suite.engine_position("alice", &isthmus_tests::Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (105, 2));
}

/// Issue 8, defect 3. Before the fix both ends accepted `ChanOpenInit` and `ChanOpenTry`: pair
/// P1 started on the vault and pair P2 on the engine could both reach `Try`, then an `Ack` on
/// the engine (P2) and an `Ack` on the vault (P1) opened a different channel on each end, and
/// both `Confirm`s failed. Now the engine refuses to start a handshake, and two handshakes both
/// started on the vault resolve on the vault's `Ack`: the loser can never be confirmed.
#[test]
fn crossing_collateral_handshakes_cannot_leave_the_vault_on_a_channel_the_engine_never_opened() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let order = IbcOrder::Unordered;
    // P1 from the vault: Init there, Try on the engine.
    let mut p1 =
        suite.chains.chan_open_init(Side::FIRST_SOURCE, Side::Target, &vp, &ep, APP_VERSION, order.clone()).unwrap();
    suite.chains.chan_open_try(&mut p1).unwrap();
    // P2 from the engine is refused at its first step.
    assert_contract_error(
        suite.chains.chan_open_init(Side::Target, Side::FIRST_SOURCE, &ep, &vp, APP_VERSION, order.clone()),
        EngineError::Registry(RegistryError::Handshake(HandshakeError::InitNotAllowed)),
    );
    // P3, started on the vault too, crosses P1: both reach Try on the engine.
    let mut p3 = suite.chains.chan_open_init(Side::FIRST_SOURCE, Side::Target, &vp, &ep, APP_VERSION, order).unwrap();
    suite.chains.chan_open_try(&mut p3).unwrap();
    suite.check_invariants().unwrap();
    // P3's Ack lands first: the vault's end of P3 is open and P1's Ack is refused, so P1
    // stays in INIT on the vault and no relayer can prove it open to confirm it.
    suite.chains.chan_open_ack(&p3).unwrap();
    assert_contract_error(
        suite.chains.chan_open_ack(&p1),
        VaultError::Handshake(HandshakeError::AlreadyConnected { channel_id: p3.channel.clone() }),
    );
    suite.chains.chan_open_confirm(&p3).unwrap();
    // Were P1's confirm ever forged past the proof check, the engine refuses it too.
    assert_contract_error(
        suite.chains.chan_open_confirm(&p1),
        EngineError::Registry(RegistryError::Handshake(HandshakeError::AlreadyConnected {
            channel_id: p3.counterparty_channel.clone(),
        })),
    );
    suite.sources[0].collateral_channel = (p3.channel.clone(), p3.counterparty_channel.clone());
    suite.check_invariants().unwrap();

    // Both ends agree on the channel, and collateral flows both ways on it.
    let config: vault::ConfigResponse =
        suite.chains.sources[0].chain.wrap().query_wasm_smart(&suite.vault, &vault::QueryMsg::Config {}).unwrap();
    assert_eq!(config.engine_channel.as_deref(), Some(p3.channel.as_str()));
    let source: isthmus_protocol::engine::SourceResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.lens, &isthmus_protocol::lens::QueryMsg::Source { source_id: "cosmoshub".into() })
        .unwrap();
    assert_eq!(source.channel_id.as_deref(), Some(p3.counterparty_channel.as_str()));
    suite.deposit_atom("alice", 1_000).unwrap();
    suite.check_invariants().unwrap();
    suite.relay_all().unwrap();
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.usable.u128(), e.seq), (1_000, 1_000, 1));
    suite.withdraw("alice", Suite::atom(), 400).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE - 600);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (600, 2));
}

/// Defect 3 for the seize channel: the controller refuses to start a handshake, the vault
/// refuses to answer one, and two handshakes both started on the vault leave both ends on the
/// same channel, over which a keeper's seize goes through.
#[test]
fn crossing_seize_handshakes_cannot_split_the_seize_channel() {
    let mut suite = SuiteBuilder::new().with_controller().without_channels().build().unwrap();
    suite.sources[0].collateral_channel = suite.open_collateral_channel().unwrap();
    let (vp, cp) = (suite.vault_port(), format!("wasm.{}", suite.controller));
    let order = IbcOrder::Unordered;
    assert_contract_error(
        suite.chains.chan_open_init(Side::Target, Side::FIRST_SOURCE, &cp, &vp, APP_VERSION, order.clone()),
        ControllerError::Registry(RegistryError::Handshake(HandshakeError::InitNotAllowed)),
    );
    // The vault never answers a handshake (the injector starts one, as any contract could).
    let injector_port = format!("wasm.{}", suite.injector);
    let mut from_target = suite
        .chains
        .chan_open_init(Side::Target, Side::FIRST_SOURCE, &injector_port, &vp, APP_VERSION, order.clone())
        .unwrap();
    assert_contract_error(
        suite.chains.chan_open_try(&mut from_target),
        VaultError::Handshake(HandshakeError::TryNotAllowed),
    );
    let mut p1 =
        suite.chains.chan_open_init(Side::FIRST_SOURCE, Side::Target, &vp, &cp, APP_VERSION, order.clone()).unwrap();
    let mut p2 = suite.chains.chan_open_init(Side::FIRST_SOURCE, Side::Target, &vp, &cp, APP_VERSION, order).unwrap();
    suite.chains.chan_open_try(&mut p2).unwrap();
    suite.chains.chan_open_try(&mut p1).unwrap();
    suite.chains.chan_open_ack(&p2).unwrap();
    assert_contract_error(
        suite.chains.chan_open_ack(&p1),
        VaultError::Handshake(HandshakeError::AlreadyConnected { channel_id: p2.channel.clone() }),
    );
    suite.chains.chan_open_confirm(&p2).unwrap();
    suite.sources[0].seize_channel = (p2.channel.clone(), p2.counterparty_channel.clone());
    let sources: isthmus_protocol::controller::SourcesResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.controller,
            &isthmus_protocol::controller::QueryMsg::Sources { start_after: None, limit: None },
        )
        .unwrap();
    assert_eq!(sources.sources[0].channel_id.as_deref(), Some(p2.counterparty_channel.as_str()));
    suite.check_all().unwrap();

    // A seize over the agreed channel is executed by the vault.
    suite.crash().unwrap();
    suite.check_all().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &isthmus_protocol::engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    suite.check_all().unwrap();
    let id = suite.keeper_seize("keeper", "alice", 100_000_000, "bob").unwrap();
    suite.check_all().unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert_eq!(
        suite.seize_record(id).unwrap().status,
        isthmus_protocol::controller::SeizeStatus::Succeeded {
            seq: 2,
            available: cosmwasm_std::Uint128::new(79_000_000)
        }
    );
    assert_eq!(
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("bob"), ATOM).unwrap(),
        INITIAL_NATIVE + 21_000_000
    );
}
