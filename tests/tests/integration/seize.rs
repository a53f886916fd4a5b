//! Seize packets (docs/protocol.md §4, §7 step 2) on the vault and the engine's reservations, with
//! a stand-in controller, under every relay outcome.

use cosmwasm_std::{to_json_binary, IbcEndpoint, IbcPacket, IbcTimeout, Uint128};
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::packet::{SeizeAckResult, SeizePacket, SeizeRecipient};
use isthmus_tests::seize_injector;
use isthmus_tests::suite::{Suite, ATOM, INITIAL_NATIVE};
use isthmus_tests::SuiteBuilder;

fn funded(amount: u128) -> Suite {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", amount).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite
}

#[test]
fn successful_seize_delivers_and_the_engine_applies_the_vault_state() {
    let mut suite = funded(1_000);
    let recipient = suite.local_recipient("carol");
    let id = suite.seize("alice", Suite::atom(), 300, recipient).unwrap();
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.usable.u128()), (1_000, 300, 700));

    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!() };
    assert_eq!(
        parse_ack::<SeizeAckResult>(&ack),
        AckOutcome::Success(Some(SeizeAckResult { seq: 2, available: Uint128::new(700) }))
    );
    suite.check_invariants().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE + 300);

    suite.chains.settle(0).unwrap();
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (700, 0, 2));
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("success"));
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn seize_beyond_vault_available_gets_an_error_ack_and_releases_the_reservation() {
    let mut suite = funded(1_000);
    // A withdrawal the engine has not seen yet leaves only 200 available at the vault.
    suite.withdraw("alice", Suite::atom(), 800).unwrap();
    let recipient = suite.local_recipient("carol");
    let id = suite.seize("alice", Suite::atom(), 500, recipient).unwrap();
    suite.check_invariants().unwrap();
    let idx = suite.chains.in_flight().iter().position(|p| p.from == Side::Target).unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(idx).unwrap() else { panic!() };
    assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(r) if r.contains("insufficient available")));
    suite.chains.settle(idx).unwrap();
    suite.check_invariants().unwrap();
    assert!(suite.seize_outcome(id).unwrap().unwrap().contains("insufficient available"));
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reserved.u128(), 0);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE);
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn seize_on_a_paused_vault_is_refused_and_rolled_back() {
    let mut suite = funded(1_000);
    let admin = suite.source_admin.clone();
    suite.vault_execute(&admin, &isthmus_protocol::vault::ExecuteMsg::SetPaused { paused: true }).unwrap();
    let recipient = suite.local_recipient("carol");
    let id = suite.seize("alice", Suite::atom(), 100, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("the vault is paused"));
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 1_000);
}

#[test]
fn timed_out_seize_releases_the_reservation_and_moves_nothing() {
    let mut suite = funded(1_000);
    let recipient = suite.local_recipient("carol");
    let id = suite.seize("alice", Suite::atom(), 400, recipient).unwrap();
    suite.chains.time_out(0).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("timeout"));
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128()), (1_000, 0));
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 1_000);
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn two_seizes_in_flight_cannot_reserve_more_than_is_usable() {
    let mut suite = funded(1_000);
    let r = suite.local_recipient("carol");
    suite.seize("alice", Suite::atom(), 600, r.clone()).unwrap();
    suite.seize("alice", Suite::atom(), 400, r.clone()).unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().usable.u128(), 0);
    // A third one finds nothing usable: the engine refuses the reservation, the tx fails.
    let err = suite.seize("alice", Suite::atom(), 1, r).unwrap_err();
    assert!(err.root_cause().to_string().contains("insufficient usable"), "{err}");
    suite.check_invariants().unwrap();
    // Deliver the second first, then the first: both succeed.
    suite.chains.relay(1).unwrap();
    suite.check_invariants().unwrap();
    suite.chains.relay(0).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE + 1_000);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (0, 3));
}

#[test]
fn a_deposit_landing_mid_seize_is_counted_once() {
    let mut suite = funded(1_000);
    let r = suite.local_recipient("carol");
    suite.seize("alice", Suite::atom(), 300, r).unwrap(); // packet 0
    suite.chains.deliver(0).unwrap(); // vault: 700 (seq 2), ack held
    suite.deposit_atom("alice", 50).unwrap(); // vault: 750 (seq 3), packet 1
    suite.chains.relay(1).unwrap(); // engine: reported 750, reserved 300 -> usable 450
    suite.check_invariants().unwrap();
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().usable.u128(), 450);
    suite.chains.settle(0).unwrap(); // seq 2 is stale: only the reservation goes
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (750, 0, 3));
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn an_out_of_order_update_during_a_seize_is_ignored() {
    let mut suite = funded(1_000);
    suite.deposit_atom("alice", 10).unwrap(); // seq 2, held
    let r = suite.local_recipient("carol");
    suite.seize("alice", Suite::atom(), 300, r).unwrap(); // seize index 1
    suite.chains.relay(1).unwrap(); // vault seq 3 = 710, engine applies it from the ack
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap().reported.u128(), 710);
    suite.chains.relay(0).unwrap(); // the late seq 2 (1010) is ignored
    suite.check_invariants().unwrap();
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.seq), (710, 3));
    suite.resolve_all_and_check().unwrap();
}

/// The vault's `MsgTransfer` escrows the seized coins on the source; the bench's transfer
/// module carries the packet and mints the voucher on the target (docs/real-chain.md, story 4a).
#[test]
fn seize_to_an_ics20_forward_escrows_on_the_source_and_mints_the_voucher_on_the_target() {
    let mut suite = funded(1_000);
    let keeper = suite.chains.addr(Side::Target, "keeper");
    let recipient = suite.ics20_recipient(keeper.as_str(), "");
    let id = suite.seize("alice", Suite::atom(), 250, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("success"));
    let (source_channel, target_channel) = suite.transfer_channel().clone();
    let escrow = suite.chains.transfer_escrow(Side::FIRST_SOURCE, &source_channel).unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &escrow, ATOM).unwrap(), 250);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 750);
    // ATOM over the target's `channel-0`: ibc-go's denom, the same as on Osmosis.
    let voucher = isthmus_ibc_bench::ics20::voucher_denom(&target_channel, ATOM);
    assert_eq!(voucher, "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
    assert_eq!(suite.native_balance(Side::Target, &keeper, &voucher).unwrap(), 250);
    let sent = &suite.chains.ics20_sent()[0];
    assert_eq!((sent.sender.as_str(), sent.receiver.as_str()), (suite.vault.as_str(), keeper.as_str()));
}

/// Mirror of docs/real-chain.md step 3f-2: a seize delivered over a transfer channel that does not
/// exist. ibc-go v11 fails the `MsgTransfer` with `clientv2` code 35 ("counterparty not found"),
/// which wasmd redacts in the vault's reply; the vault turns it into an error ack and restores
/// the position. Before the bench knew its transfer channels, the transfer succeeded and the coins
/// vanished into an escrow.
#[test]
fn a_seize_over_a_transfer_channel_that_does_not_exist_becomes_an_error_ack_and_moves_nothing() {
    let mut suite = funded(1_000);
    let keeper = suite.chains.addr(Side::Target, "keeper").to_string();
    let recipient = SeizeRecipient::Ics20 { channel: "channel-999".into(), receiver: keeper, memo: String::new() };
    let id = suite.seize("alice", Suite::atom(), 250, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(
        suite.seize_outcome(id).unwrap().as_deref(),
        Some(format!("seize {id}: delivery failed: codespace: clientv2, code: 35").as_str())
    );
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 1_000);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 1_000);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128()), (1_000, 0));
    for channel in ["channel-999", suite.transfer_channel().0.as_str()] {
        let escrow = suite.chains.transfer_escrow(Side::FIRST_SOURCE, channel).unwrap();
        assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &escrow, ATOM).unwrap(), 0);
    }
    assert!(suite.chains.ics20_sent().is_empty());
}

#[test]
fn seize_of_a_cw20_through_ics20_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_cw20("alice", 500).unwrap();
    suite.resolve_all_and_check().unwrap();
    let stk = suite.stk();
    let recipient = suite.ics20_recipient("x", "");
    let id = suite.seize("alice", stk, 100, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert!(suite.seize_outcome(id).unwrap().unwrap().contains("only native assets"));
    assert_eq!(suite.cw20_balance(&suite.vault).unwrap(), 500);
}

#[test]
fn seize_to_an_invalid_local_address_is_refused() {
    let mut suite = funded(1_000);
    let recipient = SeizeRecipient::Local { address: "not-bech32".to_string() };
    let id = suite.seize("alice", Suite::atom(), 100, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert!(suite.seize_outcome(id).unwrap().unwrap().contains("invalid seize recipient"));
}

#[test]
fn seize_on_any_channel_but_the_controllers_is_refused() {
    let mut suite = funded(1_000);
    let packet = IbcPacket::new(
        to_json_binary(&SeizePacket::Seize {
            seize_id: 77,
            owner: suite.user("alice").to_string(),
            asset: Suite::atom(),
            amount: Uint128::new(500),
            recipient: suite.local_recipient("bob"),
        })
        .unwrap(),
        IbcEndpoint { port_id: suite.engine_port(), channel_id: suite.collateral_channel().1.clone() },
        IbcEndpoint { port_id: suite.vault_port(), channel_id: suite.collateral_channel().0.clone() },
        9_999,
        IbcTimeout::with_timestamp(suite.chains.time(Side::FIRST_SOURCE).plus_seconds(60)),
    );
    let ack = suite.chains.forge_receive(Side::FIRST_SOURCE, packet).unwrap();
    assert!(
        matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(r) if r.contains("only on the controller's channel"))
    );
    suite.check_invariants().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 1_000);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("bob"), ATOM).unwrap(), INITIAL_NATIVE);
}

#[test]
fn malformed_seize_json_gets_an_error_ack_and_changes_nothing() {
    let mut suite = funded(1_000);
    let (admin, injector) = (suite.target_admin.clone(), suite.injector.clone());
    let msg = seize_injector::ExecuteMsg::SendRaw {
        channel: suite.seize_channel().1.clone(),
        data: br#"{"seize":{"seize_id":"one"}}"#.to_vec().into(),
    };
    suite.chains.execute(Side::Target, &admin, &injector, &msg, &[]).unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!() };
    assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(_)));
    suite.chains.settle(0).unwrap();
    suite.resolve_all_and_check().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.seq), (1_000, 1));
}

#[test]
fn seize_of_an_unknown_position_is_refused() {
    let mut suite = funded(1_000);
    // Reserve against alice, but the packet names carol (who has nothing at the vault).
    let (admin, injector) = (suite.target_admin.clone(), suite.injector.clone());
    let msg = seize_injector::ExecuteMsg::SendRaw {
        channel: suite.seize_channel().1.clone(),
        data: to_json_binary(&SeizePacket::Seize {
            seize_id: 5,
            owner: suite.user("carol").to_string(),
            asset: Suite::atom(),
            amount: Uint128::new(1),
            recipient: suite.local_recipient("bob"),
        })
        .unwrap(),
    };
    suite.chains.execute(Side::Target, &admin, &injector, &msg, &[]).unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!() };
    assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(r) if r.contains("no position")));
}

/// Issue 8, 9(c): the vault remembers every seize id it received from its controller. Before
/// the fix a second packet with an executed id (a faulty controller re-sending it) was
/// executed again; now it gets an error ack and moves nothing.
#[test]
fn a_repeated_seize_id_is_refused_with_an_error_ack_and_moves_nothing() {
    let mut suite = funded(1_000);
    let recipient = suite.local_recipient("carol");
    let id = suite.seize("alice", Suite::atom(), 300, recipient.clone()).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("success"));
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE + 300);

    // The stand-in controller reserves again and sends the same id a second time.
    let (keeper, injector) = (suite.target_admin.clone(), suite.injector.clone());
    let again = seize_injector::ExecuteMsg::Seize {
        channel: suite.seize_channel().1.clone(),
        seize_id: id,
        account: suite.account("alice"),
        source_id: "cosmoshub".to_string(),
        owner: suite.user("alice").to_string(),
        asset: Suite::atom(),
        amount: Uint128::new(300),
        recipient,
        timeout_seconds: 600,
    };
    suite.chains.execute(Side::Target, &keeper, &injector, &again, &[]).unwrap();
    suite.check_invariants().unwrap();
    let PacketState::Acknowledged(ack) = suite.chains.deliver(0).unwrap() else { panic!("expected an ack") };
    assert_eq!(
        parse_ack::<SeizeAckResult>(&ack),
        AckOutcome::Error(collateral_vault::ContractError::DuplicateSeize { seize_id: id }.to_string())
    );
    suite.check_invariants().unwrap();
    suite.chains.settle(0).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.seq), (700, 2));
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("carol"), ATOM).unwrap(), INITIAL_NATIVE + 300);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 700);
    let e = suite.engine_position("alice", &Suite::atom()).unwrap();
    assert_eq!((e.reported.u128(), e.reserved.u128(), e.seq), (700, 0, 2));
}

/// Invariant 1 with the refunded seize deliveries the vault holds for their receivers: balance
/// = positions' total + claimable refunds (`tests/src/invariants.rs` checks balance = total,
/// which a held refund breaks by exactly the refund until it is claimed).
fn check_conservation_with_refunds(suite: &Suite, claimable: u128) {
    let assets: isthmus_protocol::vault::AssetsResponse = suite.chains.sources[0]
        .chain
        .wrap()
        .query_wasm_smart(&suite.vault, &isthmus_protocol::vault::QueryMsg::Assets { start_after: None, limit: None })
        .unwrap();
    let atom = assets.assets.iter().find(|a| a.settings.asset == Suite::atom()).unwrap();
    let sum: u128 = ["alice", "bob", "carol"]
        .iter()
        .map(|u| {
            let p = suite.vault_position(u, &Suite::atom()).unwrap();
            p.available.u128() + p.pending.u128()
        })
        .sum();
    assert_eq!(atom.total.u128(), sum);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), atom.total.u128() + claimable);
    suite.check_no_over_credit().unwrap();
}

/// The index of the one ICS-20 packet in flight.
fn ics20_packet(suite: &Suite) -> usize {
    let transfers: Vec<usize> = (0..suite.chains.in_flight().len())
        .filter(|&i| suite.chains.in_flight()[i].packet.src.port_id == isthmus_ibc_bench::ics20::PORT)
        .collect();
    assert_eq!(transfers.len(), 1, "one ICS-20 packet in flight");
    transfers[0]
}

fn seize_refund_of(suite: &Suite, receiver: &str) -> u128 {
    let r: isthmus_protocol::vault::SeizeRefundResponse = suite.chains.sources[0]
        .chain
        .wrap()
        .query_wasm_smart(
            &suite.vault,
            &isthmus_protocol::vault::QueryMsg::SeizeRefund { receiver: receiver.to_string(), asset: Suite::atom() },
        )
        .unwrap();
    r.amount.u128()
}

/// Issue 8, 6(e). A seize delivered by ICS-20 is refused by the far chain and refunded to the
/// vault by the transfer module. Before the fix the vault never learned of it (the coins sat
/// above its books until an admin swept them by hand). Now the delivery asks for an IBC source
/// callback; the refund is credited to the delivery's receiver, who claims it here with the
/// same key, and the admin cannot sweep it. As in docs/real-chain.md step 4b, the receiver is the
/// keeper's key under another chain's prefix, which the target's transfer module cannot decode.
#[test]
fn a_refunded_ics20_seize_delivery_is_credited_to_its_receiver_who_claims_it_with_the_same_key() {
    use collateral_vault::ContractError as VaultError;
    use isthmus_protocol::vault::ExecuteMsg as VaultMsg;
    use isthmus_tests::errors::assert_contract_error;

    let mut suite = funded(1_000);
    let receiver = cw_multi_test::MockApiBech32::new("osmo").addr_make("keeper").to_string();
    let recipient = suite.ics20_recipient(&receiver, r#"{"note":"for the keeper"}"#);
    let id = suite.seize("alice", Suite::atom(), 250, recipient).unwrap();
    suite.check_invariants().unwrap();
    suite.chains.relay(0).unwrap(); // the seize: the vault sends the transfer and acks success
    suite.check_invariants().unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("success"));
    let sent = suite.chains.ics20_sent()[0].clone();
    assert_eq!(
        sent.memo,
        format!(
            r#"{{"src_callback":{{"address":"{}"}},"isthmus_seize":{{"connection_id":"{}","controller_port":"wasm.{}","seize_id":{id}}},"note":"for the keeper"}}"#,
            suite.vault, suite.chains.sources[0].connection.0, suite.injector
        )
    );
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 750);

    // The target refuses the receiver (ibc-go's redacted error ack); the ack refunds the vault
    // from the escrow and runs its source callback.
    let transfer = ics20_packet(&suite);
    let PacketState::Acknowledged(ack) = suite.chains.deliver(transfer).unwrap() else { panic!("no ack") };
    assert_eq!(ack.as_slice(), br#"{"error":"ABCI code: 5: error handling packet: see events for details"}"#);
    let response = suite.chains.settle(transfer).unwrap();
    assert!(response.events.iter().any(|e| e.attributes.iter().any(|a| a.value == "seize_delivery_refunded")));
    check_conservation_with_refunds(&suite, 250);
    assert_eq!(seize_refund_of(&suite, &receiver), 250);
    let v = suite.vault_position("alice", &Suite::atom()).unwrap();
    assert_eq!((v.available.u128(), v.seq), (750, 2), "alice's position stays seized");

    // The refund is not a surplus, and only the receiver's key claims it.
    let (admin, source_admin) = (suite.source_admin.clone(), suite.source_admin.to_string());
    assert_contract_error(
        suite.vault_execute(&admin, &VaultMsg::SweepSurplus { asset: Suite::atom(), recipient: source_admin }),
        VaultError::ZeroAmount,
    );
    let claim = |recipient: Option<String>| VaultMsg::ClaimSeizeRefund {
        receiver: receiver.clone(),
        asset: Suite::atom(),
        recipient,
    };
    let carol = suite.user("carol");
    assert_contract_error(
        suite.vault_execute(&carol, &claim(None)),
        VaultError::NotTheReceiver { receiver: receiver.clone() },
    );
    check_conservation_with_refunds(&suite, 250);
    let keeper_here = suite.user("keeper");
    suite.vault_execute(&keeper_here, &claim(None)).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &keeper_here, ATOM).unwrap(), 250);
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 750);
    assert_eq!(seize_refund_of(&suite, &receiver), 0);
    assert_contract_error(
        suite.vault_execute(&keeper_here, &claim(None)),
        VaultError::NoSeizeRefund { receiver: receiver.clone(), asset: Suite::atom().to_string() },
    );
    suite.resolve_all_and_check().unwrap();
}

/// 6(e) with a timeout: the transfer module refunds the vault on the timeout and the vault's
/// source callback credits the receiver. (cw-multi-test runs source callbacks for acks only; the
/// bench's transfer module runs it for timeouts, as ibc-go's callbacks middleware does.)
#[test]
fn an_ics20_seize_delivery_that_times_out_is_credited_to_its_receiver() {
    let mut suite = funded(1_000);
    let receiver = suite.chains.addr(Side::Target, "keeper").to_string();
    let recipient = suite.ics20_recipient(&receiver, "");
    let id = suite.seize("alice", Suite::atom(), 250, recipient).unwrap();
    suite.chains.relay(0).unwrap();
    assert_eq!(suite.seize_outcome(id).unwrap().as_deref(), Some("success"));
    let response = suite.chains.time_out(ics20_packet(&suite)).unwrap();
    assert!(response.events.iter().any(|e| e.attributes.iter().any(|a| a.value == "seize_delivery_refunded")));
    check_conservation_with_refunds(&suite, 250);
    assert_eq!(seize_refund_of(&suite, &receiver), 250);
    let escrow = suite.chains.transfer_escrow(Side::FIRST_SOURCE, &suite.transfer_channel().0).unwrap();
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &escrow, ATOM).unwrap(), 0);
    let voucher = isthmus_ibc_bench::ics20::voucher_denom(&suite.transfer_channel().1, ATOM);
    assert_eq!(suite.native_balance(Side::Target, &suite.chains.addr(Side::Target, "keeper"), &voucher).unwrap(), 0);
}

/// 6(e): a keeper's memo that would take over the callback is refused with an error ack, and
/// the seize rolls back.
#[test]
fn a_seize_memo_that_sets_its_own_source_callback_is_refused() {
    let mut suite = funded(1_000);
    let keeper = suite.chains.addr(Side::Target, "keeper").to_string();
    let recipient = suite.ics20_recipient(&keeper, r#"{"src_callback":{"address":"somebody-else"}}"#);
    let id = suite.seize("alice", Suite::atom(), 250, recipient).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(
        suite.seize_outcome(id).unwrap(),
        Some(
            collateral_vault::ContractError::InvalidRecipient {
                reason: "the memo must not set src_callback or isthmus_seize".into()
            }
            .to_string()
        )
    );
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM).unwrap(), 1_000);
    assert!(suite.chains.ics20_sent().is_empty());
}
