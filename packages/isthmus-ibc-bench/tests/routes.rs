//! The relayer finds a packet's destination by its channel end, port included: cw-multi-test
//! numbers channels per port, so with transfer channels beside the contracts' channels one chain
//! has several `channel-0`s, which may lead to different chains.

mod common;

use common::{deploy_probe, record, transfer_msg, ProbeMsg};
use cosmwasm_std::{Binary, Coin, IbcOrder};
use cw_multi_test::{BankSudo, Executor, SudoMsg};
use isthmus_ibc_bench::ics20::voucher_denom;
use isthmus_ibc_bench::{ChainSpec, Chains, Side};

#[test]
fn a_packet_follows_its_port_and_channel_to_the_chain_at_the_other_end() {
    let specs = vec![ChainSpec::new("src-1", "src", 6), ChainSpec::new("src-2", "two", 5)];
    let mut chains = Chains::new(specs, ChainSpec::new("tgt-1", "tgt", 2)).unwrap();
    // The target's transfer channel-0 leads to source 2 ...
    let (_, target_transfer) = chains.open_transfer_channel(Side::Source(1), Side::Target).unwrap();
    // ... and the target probe's channel-0 to source 1.
    let (near, far) = (deploy_probe(&mut chains, Side::Source(0), true), deploy_probe(&mut chains, Side::Target, true));
    let (_, target_probe) = chains
        .open_channel(
            Side::Source(0),
            Side::Target,
            &format!("wasm.{near}"),
            &format!("wasm.{far}"),
            "probe-1",
            IbcOrder::Unordered,
        )
        .unwrap();
    assert_eq!((target_transfer.as_str(), target_probe.as_str()), ("channel-0", "channel-0"));

    let owner = chains.addr(Side::Target, "owner");
    let msg = ProbeMsg::Packet { channel: target_probe, data: Binary::from(b"hello"), timeout_seconds: 60 };
    chains.execute(Side::Target, &owner, &far, &msg, &[]).unwrap();
    assert_eq!(chains.in_flight()[0].to, Side::Source(0));
    chains.relay_all().unwrap();
    assert_eq!(record(&chains, Side::Source(0), &near).received, vec![Binary::from(b"hello")]);

    // A transfer on the target's transfer channel-0 goes to source 2, not to source 1.
    let alice = chains.addr(Side::Target, "alice");
    let mint = BankSudo::Mint { to_address: alice.to_string(), amount: vec![Coin::new(10u128, "uusdc")] };
    chains.chain_mut(Side::Target).sudo(SudoMsg::Bank(mint)).unwrap();
    let bob = chains.addr(Side::Source(1), "bob");
    let timeout = chains.time(Side::Target).plus_seconds(60);
    let msg = transfer_msg(&alice, &target_transfer, bob.as_str(), Coin::new(10u128, "uusdc"), "", timeout);
    let response = chains.chain_mut(Side::Target).execute(alice, msg).unwrap();
    chains.capture(Side::Target, &response).unwrap();
    assert_eq!(chains.in_flight()[0].to, Side::Source(1));
    chains.relay_all().unwrap();
    let voucher = voucher_denom("channel-0", "uusdc");
    assert_eq!(chains.chain(Side::Source(1)).wrap().query_balance(&bob, voucher).unwrap().amount.u128(), 10);
}
