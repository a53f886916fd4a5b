//! Channel handshake refusals (one test per refusal) and the close policy (DESIGN §1).

use cosmwasm_std::IbcOrder;
use isthmus_ibc_bench::Side;
use isthmus_protocol::vault;
use isthmus_protocol::APP_VERSION;
use isthmus_tests::SuiteBuilder;

fn refusal(result: anyhow::Result<(String, String)>) -> String {
    format!("{:#}", result.expect_err("handshake must be refused"))
}

#[test]
fn wrong_version_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err = refusal(suite.chains.open_channel(Side::Source, &vp, &ep, "ics20-1", IbcOrder::Unordered));
    assert!(err.contains("channel version must be `isthmus-1`"), "{err}");
}

#[test]
fn ordered_channel_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err = refusal(suite.chains.open_channel(Side::Source, &vp, &ep, APP_VERSION, IbcOrder::Ordered));
    assert!(err.contains("UNORDERED"), "{err}");
}

#[test]
fn unknown_counterparty_port_is_refused_by_the_vault() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let vp = suite.vault_port();
    let controller_port = format!("wasm.{}", suite.controller);
    let err = refusal(suite.chains.open_channel(Side::Source, &vp, &controller_port, APP_VERSION, IbcOrder::Unordered));
    assert!(err.contains("is not allowed"), "{err}");
}

#[test]
fn unregistered_vault_is_refused_by_the_engine() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let ep = suite.engine_port();
    // The injector's port is not a registered source of the engine.
    let injector_port = format!("wasm.{}", suite.injector);
    let err = refusal(suite.chains.open_channel(Side::Target, &ep, &injector_port, APP_VERSION, IbcOrder::Unordered));
    assert!(err.contains("is not allowed"), "{err}");
}

#[test]
fn wrong_connection_is_refused() {
    let mut suite = SuiteBuilder::new().without_channels().build().unwrap();
    let other = suite.chains.add_connection().unwrap();
    let (vp, ep) = (suite.vault_port(), suite.engine_port());
    let err = refusal(suite.chains.open_channel_on(Side::Source, other, &vp, &ep, APP_VERSION, IbcOrder::Unordered));
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
    let (vc, ec) = suite.collateral_channel.clone();
    let err = suite.chains.close_channel(Side::Source, &vp, &vc, &ep, &ec).unwrap_err();
    assert!(format!("{err:#}").contains("not allowed"), "{err:#}");
}

#[test]
fn counterparty_close_is_recorded_and_a_new_channel_restores_replication() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.settle_and_check().unwrap();
    // Simulate a counterparty-initiated close reaching the vault (ChanCloseConfirm).
    let vc = suite.collateral_channel.0.clone();
    let vp = suite.vault_port();
    suite
        .chains
        .source
        .sudo(cw_multi_test::SudoMsg::Ibc(cw_multi_test::ibc::IbcPacketRelayingMsg::CloseChannel {
            port_id: vp,
            channel_id: vc,
            init: false,
        }))
        .unwrap();
    let config: vault::ConfigResponse =
        suite.chains.source.wrap().query_wasm_smart(&suite.vault, &vault::QueryMsg::Config {}).unwrap();
    assert_eq!(config.engine_channel, None);
    // With no channel, deposits are refused (the engine could not learn of them).
    let err = suite.deposit_atom("alice", 5).unwrap_err();
    assert!(err.root_cause().to_string().contains("no open collateral channel"), "{err}");
    suite.check_invariants().unwrap();

    // Engine side learns of the close too; then a new channel re-attaches the same source.
    let ec = suite.collateral_channel.1.clone();
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
    suite.collateral_channel = suite.open_collateral_channel().unwrap();
    suite.deposit_atom("alice", 5).unwrap();
    suite.settle_and_check().unwrap();
    let e = suite.engine_position("alice", &isthmus_tests::Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (105, 2));
}
