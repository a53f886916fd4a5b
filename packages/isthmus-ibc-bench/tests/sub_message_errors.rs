//! A failed `reply_on_error` sub-message as wasmd v0.70 reports it to the contract's `reply`
//! (docs/real-chain.md, difference 1): a module's error redacted to its codespace and code, a
//! called contract's own error kept with wasmd's `execute wasm contract failed`.

mod common;

use common::{bench, deploy_probe, record, ProbeMsg};
use cosmwasm_std::{Addr, Coin};
use cw_multi_test::Executor;
use isthmus_ibc_bench::{Chains, Side};

const SOURCE: Side = Side::FIRST_SOURCE;

fn reply_error(chains: &mut Chains, probe: &Addr, msg: ProbeMsg) -> String {
    let owner = chains.addr(SOURCE, "owner");
    chains.execute(SOURCE, &owner, probe, &msg, &[]).unwrap();
    record(chains, SOURCE, probe).reply_errors.pop().expect("the reply saw an error")
}

#[test]
fn a_failed_bank_send_reaches_reply_redacted() {
    let mut chains = bench();
    let probe = deploy_probe(&mut chains, SOURCE, true);
    let bob = chains.addr(SOURCE, "bob");
    let send = |to: &Addr| ProbeMsg::Send { to: to.to_string(), amount: Coin::new(5u128, "uatom"), catch: true };
    // The probe holds nothing: insufficient funds.
    assert_eq!(reply_error(&mut chains, &probe, send(&bob)), "codespace: sdk, code: 5");
    let alice = chains.addr(SOURCE, "alice");
    chains.chain_mut(SOURCE).send_tokens(alice, probe.clone(), &[Coin::new(10u128, "uatom")]).unwrap();
    chains.set_denied(SOURCE, &bob, true);
    assert_eq!(reply_error(&mut chains, &probe, send(&bob)), "codespace: sdk, code: 4");
}

#[test]
fn a_transfer_over_a_missing_channel_reaches_reply_redacted() {
    let mut chains = bench();
    let probe = deploy_probe(&mut chains, SOURCE, true);
    let msg = ProbeMsg::Transfer {
        channel: "channel-999".into(),
        receiver: "someone".into(),
        amount: Coin::new(1u128, "uatom"),
        memo: String::new(),
        timeout_seconds: 600,
        catch: true,
    };
    // What the real chain gave the vault in docs/real-chain.md, step 3f-2.
    assert_eq!(reply_error(&mut chains, &probe, msg), "codespace: clientv2, code: 35");
}

#[test]
fn a_called_contracts_own_error_reaches_reply_with_wasmds_suffix() {
    let mut chains = bench();
    let (probe, callee) = (deploy_probe(&mut chains, SOURCE, true), deploy_probe(&mut chains, SOURCE, false));
    let msg = ProbeMsg::Call { contract: callee.to_string(), reason: "boom".into(), catch: true };
    assert_eq!(reply_error(&mut chains, &probe, msg), "Generic error: boom: execute wasm contract failed");
}

/// Without the wrapper the reply sees cw-multi-test's whole error chain: the difference the
/// wrapper removes.
#[test]
fn cw_multi_test_alone_passes_the_full_error_chain() {
    let mut chains = bench();
    let probe = deploy_probe(&mut chains, SOURCE, false);
    let bob = chains.addr(SOURCE, "bob");
    let msg = ProbeMsg::Send { to: bob.to_string(), amount: Coin::new(5u128, "uatom"), catch: true };
    let text = reply_error(&mut chains, &probe, msg);
    assert!(text.contains("insufficient funds") && text.contains("Overflow"), "{text}");
}
