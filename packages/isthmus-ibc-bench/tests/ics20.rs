//! The bench's ICS-20 against ibc-go v11's transfer module (docs/real-chain.md, differences 2-4):
//! a transfer needs an open transfer channel, travels as a packet the relayer carries, mints a
//! voucher on the far chain, and comes back as an ack (escrow kept), a redacted error ack or a
//! timeout (sender refunded, its source callback told).

mod common;

use common::{bench, deploy_probe, record, transfer_msg, ProbeMsg};
use cosmwasm_std::{Addr, Coin, IbcOrder, StdAck};
use cw_multi_test::{Executor, MockApiBech32};
use isthmus_ibc_bench::ics20::{self, voucher_denom};
use isthmus_ibc_bench::{AbciError, Chains, PacketState, Side};

const SOURCE: Side = Side::FIRST_SOURCE;

fn balance(chains: &Chains, side: Side, who: &Addr, denom: &str) -> u128 {
    chains.chain(side).wrap().query_balance(who, denom).unwrap().amount.u128()
}

/// Alice sends `amount` uatom on `channel` to `receiver`; the packet, if any, joins the queue.
fn send(chains: &mut Chains, channel: &str, receiver: &str, amount: u128) -> anyhow::Result<()> {
    let alice = chains.addr(SOURCE, "alice");
    let timeout = chains.time(SOURCE).plus_seconds(600);
    let msg = transfer_msg(&alice, channel, receiver, Coin::new(amount, "uatom"), "", timeout);
    let response = chains.chain_mut(SOURCE).execute(alice, msg)?;
    chains.capture(SOURCE, &response)
}

fn abci(err: anyhow::Error) -> AbciError {
    err.downcast_ref::<AbciError>().cloned().unwrap_or_else(|| panic!("not an ABCI error: {err:?}"))
}

#[test]
fn a_transfer_over_a_channel_that_does_not_exist_fails_with_counterparty_not_found() {
    let mut chains = bench();
    chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    let alice = chains.addr(SOURCE, "alice");
    let keeper = chains.addr(Side::Target, "keeper").to_string();
    // ibc-go v11 finds no channel, tries the id as an IBC v2 client and finds no counterparty.
    for channel in ["channel-999", "not-a-channel", "channel-1"] {
        let err = abci(send(&mut chains, channel, &keeper, 100).unwrap_err());
        assert_eq!((err.codespace, err.code), ("clientv2", 35), "{channel}");
        assert_eq!(err.log, format!("counterparty not found for client: {channel}: counterparty not found"));
    }
    // An id ibc-go's identifier check refuses fails before the lookup.
    let err = abci(send(&mut chains, "chan", &keeper, 100).unwrap_err());
    assert_eq!((err.codespace, err.code), ("host", 2));
    assert_eq!(balance(&chains, SOURCE, &alice, "uatom"), 1_000);
    assert!(chains.in_flight().is_empty() && chains.ics20_sent().is_empty());
}

#[test]
fn a_transfer_over_a_closed_transfer_channel_fails() {
    let mut chains = bench();
    let (src, tgt) = chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    // The transfer module refuses to close a channel from its side ...
    assert!(chains.close_channel(SOURCE, Side::Target, "transfer", &src, "transfer", &tgt).is_err());
    // ... but a counterparty's close reaches it.
    chains.confirm_close(SOURCE, Side::Target, "transfer", &src, "transfer", &tgt).unwrap();
    let keeper = chains.addr(Side::Target, "keeper").to_string();
    let err = abci(send(&mut chains, &src, &keeper, 100).unwrap_err());
    assert_eq!((err.codespace, err.code), ("channel", 5));
}

#[test]
fn a_transfer_channel_is_ics20_1_and_unordered() {
    let mut chains = bench();
    let version = chains.open_channel(SOURCE, Side::Target, "transfer", "transfer", "ics20-2", IbcOrder::Unordered);
    assert!(version.unwrap_err().to_string().contains("invalid ICS20 version"));
    let ordered = chains.open_channel(SOURCE, Side::Target, "transfer", "transfer", "ics20-1", IbcOrder::Ordered);
    assert!(ordered.unwrap_err().to_string().contains("expected UNORDERED channel"));
}

#[test]
fn a_relayed_transfer_mints_the_voucher_on_the_far_chain_and_leaves_the_escrow() {
    let mut chains = bench();
    let (src, tgt) = chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    let (alice, keeper) = (chains.addr(SOURCE, "alice"), chains.addr(Side::Target, "keeper"));
    send(&mut chains, &src, keeper.as_str(), 250).unwrap();

    let escrow = chains.transfer_escrow(SOURCE, &src).unwrap();
    assert_eq!((balance(&chains, SOURCE, &alice, "uatom"), balance(&chains, SOURCE, &escrow, "uatom")), (750, 250));
    let sent = &chains.ics20_sent()[0];
    assert_eq!(
        (sent.channel.as_str(), sent.sender.as_str(), sent.receiver.as_str(), sent.denom.as_str(), sent.sequence),
        (src.as_str(), alice.as_str(), keeper.as_str(), "uatom", 1)
    );
    assert_eq!(sent.amount.u128(), 250);
    let flight = &chains.in_flight()[0];
    assert_eq!((flight.from, flight.to), (SOURCE, Side::Target));
    assert_eq!(
        flight.packet.data.as_slice(),
        format!(r#"{{"denom":"uatom","amount":"250","sender":"{alice}","receiver":"{keeper}"}}"#).as_bytes()
    );

    let state = chains.deliver(0).unwrap();
    // ICS-20 v1's success acknowledgement: result = [1].
    assert_eq!(state, PacketState::Acknowledged(br#"{"result":"AQ=="}"#.to_vec().into()));
    let voucher = voucher_denom(&tgt, "uatom");
    assert_eq!(tgt, "channel-0");
    assert_eq!(voucher, "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
    assert_eq!(balance(&chains, Side::Target, &keeper, &voucher), 250);
    assert_eq!(chains.voucher_path(Side::Target, &voucher).as_deref(), Some("transfer/channel-0/uatom"));
    chains.settle(0).unwrap();
    // The success ack leaves the coins in escrow (they back the voucher).
    assert_eq!(balance(&chains, SOURCE, &escrow, "uatom"), 250);
    assert!(chains.in_flight().is_empty());
}

#[test]
fn a_transfer_the_far_chain_refuses_gets_a_redacted_error_ack_and_the_sender_is_refunded() {
    let mut chains = bench();
    let (src, tgt) = chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    let alice = chains.addr(SOURCE, "alice");
    let voucher = voucher_denom(&tgt, "uatom");
    let module = ics20::module_address(chains.chain(Side::Target).api(), "transfer").unwrap();
    let escrow = chains.transfer_escrow(SOURCE, &src).unwrap();

    // The keeper's key under another chain's prefix: the target cannot decode it (ibc 5); a
    // receiver on the target bank's denylist: the voucher's send fails (sdk 4).
    let wrong_prefix = MockApiBech32::new("osmo").addr_make("keeper").to_string();
    let listed = chains.addr(Side::Target, "listed");
    chains.set_denied(Side::Target, &listed, true);
    for (receiver, code) in [(wrong_prefix.as_str(), 5), (listed.as_str(), 4)] {
        send(&mut chains, &src, receiver, 100).unwrap();
        assert_eq!(balance(&chains, SOURCE, &alice, "uatom"), 900);
        let PacketState::Acknowledged(ack) = chains.deliver(0).unwrap() else { panic!("no ack") };
        assert_eq!(
            ack,
            StdAck::error(format!("ABCI code: {code}: error handling packet: see events for details")).to_binary()
        );
        // Nothing was minted on the refusing chain.
        for who in [&module, &listed] {
            assert_eq!(balance(&chains, Side::Target, who, &voucher), 0);
        }
        chains.settle(0).unwrap();
        assert_eq!((balance(&chains, SOURCE, &alice, "uatom"), balance(&chains, SOURCE, &escrow, "uatom")), (1_000, 0));
    }
}

#[test]
fn a_timed_out_transfer_refunds_the_sender() {
    let mut chains = bench();
    let (src, _) = chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    let (alice, keeper) = (chains.addr(SOURCE, "alice"), chains.addr(Side::Target, "keeper"));
    send(&mut chains, &src, keeper.as_str(), 100).unwrap();
    chains.time_out(0).unwrap();
    assert_eq!(balance(&chains, SOURCE, &alice, "uatom"), 1_000);
    assert_eq!(balance(&chains, SOURCE, &chains.transfer_escrow(SOURCE, &src).unwrap(), "uatom"), 0);
    assert!(chains.in_flight().is_empty());
}

/// wasmd runs the sender's `ibc_source_callback` after the transfer module's own handling of
/// the ack or the timeout, when the memo asks for it.
#[test]
fn the_senders_source_callback_hears_of_the_error_ack_and_of_the_timeout() {
    let mut chains = bench();
    let (src, _) = chains.open_transfer_channel(SOURCE, Side::Target).unwrap();
    let probe = deploy_probe(&mut chains, SOURCE, true);
    let alice = chains.addr(SOURCE, "alice");
    chains.chain_mut(SOURCE).send_tokens(alice.clone(), probe.clone(), &[Coin::new(300u128, "uatom")]).unwrap();
    let memo = format!(r#"{{"src_callback":{{"address":"{probe}"}}}}"#);
    let transfer = |receiver: &str| ProbeMsg::Transfer {
        channel: src.clone(),
        receiver: receiver.to_string(),
        amount: Coin::new(100u128, "uatom"),
        memo: memo.clone(),
        timeout_seconds: 600,
        catch: false,
    };
    let owner = chains.addr(SOURCE, "owner");
    chains.execute(SOURCE, &owner, &probe, &transfer("not-an-address"), &[]).unwrap();
    let keeper = chains.addr(Side::Target, "keeper").to_string();
    chains.execute(SOURCE, &owner, &probe, &transfer(&keeper), &[]).unwrap();
    assert_eq!(balance(&chains, SOURCE, &probe, "uatom"), 100);

    chains.relay(0).unwrap();
    chains.time_out(0).unwrap();
    let record = record(&chains, SOURCE, &probe);
    assert_eq!(
        record.callbacks,
        vec![
            r#"ack {"error":"ABCI code: 5: error handling packet: see events for details"}"#.to_string(),
            "timeout".to_string()
        ]
    );
    // Both refunds landed before the callbacks ran.
    assert_eq!(balance(&chains, SOURCE, &probe, "uatom"), 300);
}
