//! A narrated Isthmus session on the two-chain bench: collateral stays on the source chain,
//! its state crosses to the target chain, and it leaves only with the engine's approval.

use anyhow::Result;
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::packet::{CollateralPacket, WithdrawApproved};
use isthmus_tests::suite::{Suite, ATOM};
use isthmus_tests::SuiteBuilder;

fn say(text: &str) {
    println!("\n{text}");
}

fn show(suite: &Suite, who: &str) -> Result<()> {
    let v = suite.vault_position(who, &Suite::atom())?;
    let e = suite.engine_position(who, &Suite::atom())?;
    println!(
        "    source chain vault : {who} available {:>6} uatom, pending {:>5}, seq {}",
        v.available, v.pending, v.seq
    );
    println!(
        "    target chain engine: {who} counts   {:>6} uatom (reported {}, reserved {}), seq {}",
        e.usable, e.reported, e.reserved, e.seq
    );
    println!(
        "    vault holds {} uatom; {} packet(s) in flight",
        suite.native_balance(Side::Source, &suite.vault, ATOM)?,
        suite.chains.in_flight().len()
    );
    suite.check_invariants()?;
    println!("    invariants 1 (vault conservation) and 2 (no over-credit): hold");
    Ok(())
}

fn describe(packet: &CollateralPacket) -> String {
    match packet {
        CollateralPacket::CollateralUpdate { available, seq, .. } => {
            format!("collateral_update {{ available: {available}, seq: {seq} }}")
        }
        CollateralPacket::WithdrawRequest { request_id, amount, available_after, .. } => {
            format!("withdraw_request {{ id: {request_id}, amount: {amount}, available_after: {available_after} }}")
        }
        CollateralPacket::Heartbeat { .. } => "heartbeat".to_string(),
    }
}

fn relay_one(suite: &mut Suite) -> Result<()> {
    let packet: CollateralPacket = suite.chains.in_flight()[0].decode()?;
    println!("    relayer: source -> target  {}", describe(&packet));
    if let PacketState::Acknowledged(ack) = suite.chains.deliver(0)? {
        match parse_ack::<WithdrawApproved>(&ack) {
            AckOutcome::Success(_) => println!("    relayer: target -> source  ack: result"),
            AckOutcome::Error(reason) => println!("    relayer: target -> source  ack: error \"{reason}\""),
        }
    }
    suite.chains.settle(0)?;
    Ok(())
}

fn main() -> Result<()> {
    println!("Isthmus demo: two chains, one relayer under our control");
    let mut suite = SuiteBuilder::new().build()?;
    println!(
        "  source chain {} (vault {}), target chain {} (engine {})",
        suite.chains.source_spec.chain_id, suite.vault, suite.chains.target_spec.chain_id, suite.engine
    );
    println!(
        "  collateral channel {} <-> {}, seize channel {} <-> {}",
        suite.collateral_channel.0, suite.collateral_channel.1, suite.seize_channel.0, suite.seize_channel.1
    );

    say("1. Alice deposits 10,000 uatom into the vault on the source chain, for her account on the target chain.");
    suite.deposit_atom("alice", 10_000)?;
    show(&suite, "alice")?;
    say("   The engine does not count it until the state packet arrives. Relaying:");
    relay_one(&mut suite)?;
    show(&suite, "alice")?;

    say("2. Alice withdraws 4,000. The vault moves it to pending and asks the engine.");
    suite.withdraw("alice", Suite::atom(), 4_000)?;
    show(&suite, "alice")?;
    relay_one(&mut suite)?;
    println!("    alice's wallet: {} uatom", suite.native_balance(Side::Source, &suite.user("alice"), ATOM)?);
    show(&suite, "alice")?;

    say("3. Alice deposits 500 more, but that update is still in flight when she asks for 6,500.");
    suite.deposit_atom("alice", 500)?;
    suite.withdraw("alice", Suite::atom(), 6_500)?;
    println!("    relaying the withdrawal first: the engine counts only 6,000 and refuses.");
    let request = suite.chains.in_flight().len() - 1;
    if let PacketState::Acknowledged(ack) = suite.chains.deliver(request)? {
        if let AckOutcome::Error(reason) = parse_ack::<WithdrawApproved>(&ack) {
            println!("    relayer: target -> source  ack: error \"{reason}\"");
        }
    }
    suite.chains.settle(request)?;
    println!("    the vault moved the 6,500 back to available and re-sent its state.");
    show(&suite, "alice")?;
    suite.relay_all()?;
    show(&suite, "alice")?;

    say("4. Alice withdraws 1,000, but no relayer picks the packet up before it times out.");
    suite.withdraw("alice", Suite::atom(), 1_000)?;
    show(&suite, "alice")?;
    suite.chains.time_out(0)?;
    println!("    timeout delivered to the vault: the 1,000 is back in available, a fresh update is sent.");
    show(&suite, "alice")?;
    suite.settle_and_check()?;
    println!("    after relaying everything, every book balances (invariant 4):");
    show(&suite, "alice")?;
    println!(
        "    alice's wallet: {} uatom (1,000,000,000 minus the 6,500 still deposited)",
        suite.native_balance(Side::Source, &suite.user("alice"), ATOM)?
    );
    println!("\nDone.");
    Ok(())
}
