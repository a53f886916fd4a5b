//! Re-binding a source id to another vault (issue 8, 6(b)): refused at the engine once the
//! source has replicated positions, and at the controller while seizes are in flight.

use cw_multi_test::ibc::IbcPacketRelayingMsg;
use cw_multi_test::SudoMsg;
use isthmus_ibc_bench::Side;
use isthmus_protocol::{controller, engine};
use isthmus_tests::errors::assert_contract_error;
use isthmus_tests::suite::SOURCE_ID;
use isthmus_tests::{Suite, SuiteBuilder};

/// The target chain learns that the counterparty closed `channel` (ChanCloseConfirm on `port`).
fn close_on_target(suite: &mut Suite, port: String, channel: String) {
    suite
        .chains
        .target
        .sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::CloseChannel { port_id: port, channel_id: channel, init: false }))
        .unwrap();
}

fn register(suite: &mut Suite, source_id: &str, port: &str) -> anyhow::Result<cw_multi_test::AppResponse> {
    let (admin, connection_id) = (suite.target_admin.clone(), suite.chains.sources[0].connection.1.clone());
    suite.engine_execute(
        &admin,
        &engine::ExecuteMsg::RegisterSource {
            source_id: source_id.to_string(),
            connection_id,
            counterparty_port: port.to_string(),
        },
    )
}

fn source(suite: &Suite, source_id: &str) -> engine::SourceResponse {
    suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.lens, &isthmus_protocol::lens::QueryMsg::Source { source_id: source_id.to_string() })
        .unwrap()
}

/// Before the fix the engine re-bound `cosmoshub` to another vault's port and kept counting
/// alice's 1,000 from the old vault (whose channel was gone), while the new vault's updates,
/// starting again at seq 1, would have been ignored as stale.
#[test]
fn a_source_with_replicated_positions_cannot_be_rebound_to_another_vault() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 1_000).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    let (engine_port, engine_channel) = (suite.engine_port(), suite.collateral_channel().1.clone());
    close_on_target(&mut suite, engine_port, engine_channel);
    suite.check_invariants().unwrap();
    assert_eq!(source(&suite, SOURCE_ID).channel_id, None);

    let other_vault = "wasm.src1othervault";
    assert_contract_error(
        register(&mut suite, SOURCE_ID, other_vault),
        options_engine::ContractError::SourceHasReplicatedPositions { source_id: SOURCE_ID.to_string() },
    );
    suite.check_invariants().unwrap();
    let unchanged = source(&suite, SOURCE_ID);
    assert_eq!(unchanged.counterparty_port, suite.vault_port());
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 1_000);
    // Re-registering the same vault is not a re-bind; a new vault gets a new source id.
    let vault_port = suite.vault_port();
    register(&mut suite, SOURCE_ID, &vault_port).unwrap();
    register(&mut suite, "cosmoshub-2", other_vault).unwrap();
    assert_eq!(source(&suite, "cosmoshub-2").counterparty_port, other_vault);
    // A source that never reported can still be corrected.
    register(&mut suite, "cosmoshub-2", "wasm.src1fixedport").unwrap();
    assert_eq!(source(&suite, "cosmoshub-2").counterparty_port, "wasm.src1fixedport");
    suite.check_invariants().unwrap();
}

/// The controller refuses to point a source at another vault while a seize sent to the old
/// one is in flight; once it settled, the re-bind is allowed.
#[test]
fn a_source_with_seizes_in_flight_cannot_be_rebound_at_the_controller() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    suite.check_all().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    suite.check_all().unwrap();
    suite.keeper_seize("keeper", "alice", 10_000_000, "keeper").unwrap();
    suite.check_all().unwrap();
    let (controller_port, controller_channel) = (format!("wasm.{}", suite.controller), suite.seize_channel().1.clone());
    close_on_target(&mut suite, controller_port, controller_channel);
    suite.check_all().unwrap();
    let rebind = controller::ExecuteMsg::RegisterSource {
        source_id: SOURCE_ID.to_string(),
        connection_id: suite.chains.sources[0].connection.1.clone(),
        counterparty_port: "wasm.src1othervault".to_string(),
    };
    let (admin, controller) = (suite.target_admin.clone(), suite.controller.clone());
    assert_contract_error(
        suite.chains.execute(Side::Target, &admin, &controller, &rebind, &[]),
        liquidation_controller::ContractError::SourceHasSeizesInFlight {
            source_id: SOURCE_ID.to_string(),
            in_flight: 1,
        },
    );
    suite.check_all().unwrap();
    // The seize times out on the closed channel and is rolled back; then the re-bind works.
    suite.chains.time_out(0).unwrap();
    suite.check_all().unwrap();
    suite.chains.execute(Side::Target, &admin, &controller, &rebind, &[]).unwrap();
    let sources: controller::SourcesResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.controller, &controller::QueryMsg::Sources { start_after: None, limit: None })
        .unwrap();
    assert_eq!(sources.sources[0].counterparty_port, "wasm.src1othervault");
    assert_eq!(sources.sources[0].in_flight, 0);
    suite.check_all().unwrap();
}
