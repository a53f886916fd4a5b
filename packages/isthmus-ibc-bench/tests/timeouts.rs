//! Timeouts as ibc-go decides them (docs/real-chain.md, difference 5): only the destination's
//! clock counts; a packet delivered past its deadline never reaches the receiver.

mod common;

use common::{bench, deploy_probe, record, ProbeMsg};
use cosmwasm_std::{Addr, Binary, IbcOrder};
use isthmus_ibc_bench::{Chains, PacketState, Side};

const SOURCE: Side = Side::FIRST_SOURCE;

/// A probe on each chain joined by a channel; returns (source probe, target probe, source channel).
fn probes() -> (Chains, Addr, Addr, String) {
    let mut chains = bench();
    let (a, b) = (deploy_probe(&mut chains, SOURCE, true), deploy_probe(&mut chains, Side::Target, true));
    let (channel, _) = chains
        .open_channel(SOURCE, Side::Target, &format!("wasm.{a}"), &format!("wasm.{b}"), "probe-1", IbcOrder::Unordered)
        .unwrap();
    (chains, a, b, channel)
}

fn send(chains: &mut Chains, from: &Addr, channel: &str, data: &[u8], timeout_seconds: u64) {
    let owner = chains.addr(SOURCE, "owner");
    let msg = ProbeMsg::Packet { channel: channel.to_string(), data: Binary::from(data), timeout_seconds };
    chains.execute(SOURCE, &owner, from, &msg, &[]).unwrap();
}

#[test]
fn a_packet_delivered_after_its_timeout_does_not_run_the_receiver() {
    let (mut chains, a, b, channel) = probes();
    send(&mut chains, &a, &channel, b"late", 60);
    chains.advance(Side::Target, 60); // the destination reaches the deadline exactly
    assert_eq!(chains.deliver(0).unwrap(), PacketState::TimedOut);
    assert!(record(&chains, Side::Target, &b).received.is_empty(), "the receiver must not run");
    chains.settle(0).unwrap();
    let sender = record(&chains, SOURCE, &a);
    assert_eq!((sender.timeouts, sender.acks.len()), (1, 0));
}

#[test]
fn only_the_destination_clock_decides_a_timeout() {
    let (mut chains, a, b, channel) = probes();
    // The sender's clock far past the deadline: the destination's is not, so it receives.
    send(&mut chains, &a, &channel, b"one", 60);
    chains.advance(SOURCE, 3_600);
    assert!(matches!(chains.deliver(0).unwrap(), PacketState::Acknowledged(_)));
    chains.settle(0).unwrap();
    assert_eq!(record(&chains, Side::Target, &b).received, vec![Binary::from(b"one")]);

    // The destination one second short of the deadline receives; at the deadline it refuses.
    send(&mut chains, &a, &channel, b"two", 60);
    send(&mut chains, &a, &channel, b"three", 60);
    let gap = chains.time(SOURCE).seconds() + 60 - chains.time(Side::Target).seconds();
    chains.advance(Side::Target, gap - 1);
    assert!(matches!(chains.deliver(0).unwrap(), PacketState::Acknowledged(_)));
    chains.advance(Side::Target, 1);
    assert_eq!(chains.deliver(1).unwrap(), PacketState::TimedOut);
    chains.relay_all().unwrap();
    assert_eq!(record(&chains, Side::Target, &b).received.len(), 2);
    assert_eq!(record(&chains, SOURCE, &a).timeouts, 1);
}

/// `time_out` moves every chain's clock together (block times follow wall time on a real
/// network), by what the destination needs to pass the deadline.
#[test]
fn time_out_moves_every_clock_by_what_the_destination_needs() {
    let (mut chains, a, _, channel) = probes();
    chains.advance(Side::Target, 20); // the destination is 20 s ahead of the sender
    send(&mut chains, &a, &channel, b"x", 60);
    let (source_before, target_before) = (chains.time(SOURCE), chains.time(Side::Target));
    chains.time_out(0).unwrap();
    assert_eq!(chains.time(Side::Target).seconds() - target_before.seconds(), 40);
    assert_eq!(chains.time(SOURCE).seconds() - source_before.seconds(), 40);
    assert_eq!(record(&chains, SOURCE, &a).timeouts, 1);
}
