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
        suite.native_balance(Side::FIRST_SOURCE, &suite.vault, ATOM)?,
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
        CollateralPacket::WithdrawOutcomeQuery { request_id, .. } => {
            format!("withdraw_outcome_query {{ id: {request_id} }}")
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
    let mut suite = SuiteBuilder::new().with_controller().build()?;
    println!(
        "  source chain {} (vault {}), target chain {} (engine {})",
        suite.chains.sources[0].spec.chain_id, suite.vault, suite.chains.target_spec.chain_id, suite.engine
    );
    println!(
        "  collateral channel {} <-> {}, seize channel {} <-> {}",
        suite.collateral_channel().0,
        suite.collateral_channel().1,
        suite.seize_channel().0,
        suite.seize_channel().1
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
    println!("    alice's wallet: {} uatom", suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM)?);
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
    suite.resolve_all_and_check()?;
    println!("    after relaying everything, every book balances (invariant 4):");
    show(&suite, "alice")?;
    println!(
        "    alice's wallet: {} uatom (1,000,000,000 minus the 6,500 still deposited)",
        suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM)?
    );
    market(&mut suite)?;
    crash(&mut suite)?;
    println!("\nDone.");
    Ok(())
}

fn usdc(units: i128) -> String {
    format!("{:.2} USDC", units as f64 / 1e6)
}

fn show_margin(suite: &Suite, who: &str) -> Result<()> {
    let m = suite.margin(who)?;
    println!(
        "    {who}'s margin: equity {}, collateral (haircut) {}, IM {}, MM {}, worst scenario: {}{}",
        usdc(m.equity.i128()),
        usdc(m.collateral_value.u128() as i128),
        usdc(m.initial_margin.u128() as i128),
        usdc(m.maintenance_margin.u128() as i128),
        m.worst_scenario,
        if m.liquidatable { "  << LIQUIDATABLE" } else { "" }
    );
    suite.check_cash_conservation()?;
    suite.check_token_solvency()?;
    Ok(())
}

/// The options market on the target chain, margined by collateral that stays on the source.
fn market(suite: &mut Suite) -> Result<()> {
    use cosmwasm_std::Decimal;
    use isthmus_protocol::engine::ExecuteMsg;

    say("5. The target chain lists ATOM options: spot 10 USDC, 60% vol, 30-day calls at 10 and 11 and a put at 10;");
    println!("   an LP puts 1,000,000 USDC in the pool, the counterparty of every trade.");
    let listed = suite.open_market(1_000_000_000_000)?;
    suite.list_atom_collateral()?;

    say("6. Bob deposits 200 ATOM into the vault on the source chain; relayed, it backs his account on the target chain.");
    suite.deposit_atom("bob", 200_000_000)?;
    suite.relay_all()?;
    show_margin(suite, "bob")?;

    say("7. Bob writes 10 calls at 11 (covered by his ATOM) and buys 2 puts at 10, in one two-leg trade.");
    let legs = [(listed.call_11, -10), (listed.put_10, 2)];
    let sim = suite.simulate("bob", &legs)?;
    println!(
        "    the wallet's preview: premium {}, fees {}, total cost {}, IM after {}",
        usdc(sim.premium.i128()),
        usdc(sim.fees.u128() as i128),
        usdc(sim.total_cost.i128()),
        usdc(sim.margin_after.initial_margin.u128() as i128)
    );
    suite.trade("bob", &legs, sim.total_cost.i128())?;
    println!("    done; bob's cash on the target chain: {}", usdc(suite.engine_account("bob")?.cash.i128()));
    show_margin(suite, "bob")?;

    say("8. A day later ATOM rallies to 11.5: the short calls lose, the margin view follows.");
    suite.chains.advance_all(86_400);
    suite.push_price("ATOM", Decimal::from_ratio(23u128, 2u128))?;
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60))?;
    let carol = suite.user("carol");
    suite.vault_execute(&carol, &isthmus_protocol::vault::ExecuteMsg::Heartbeat {})?;
    suite.relay_all()?;
    show_margin(suite, "bob")?;

    say("9. Expiry. The first price at or after it, 10.8, fixes the settlement price; a keeper cranks settlement.");
    suite.chains.advance_all(29 * 86_400 + 1);
    suite.push_price("ATOM", Decimal::from_ratio(54u128, 5u128))?;
    for series_id in [listed.call_11, listed.put_10] {
        suite.engine_as("keeper", &ExecuteMsg::SettleSeries { series_id, limit: None }, &[])?;
    }
    println!(
        "    calls at 11 expire worthless, puts at 10 too; bob keeps the premium: cash {}",
        usdc(suite.engine_account("bob")?.cash.i128())
    );
    let pool = suite.pool()?;
    println!("    pool: cash {}, NAV {}", usdc(pool.cash.i128()), usdc(pool.nav.i128()));
    suite.check_cash_conservation()?;
    suite.check_token_solvency()?;
    println!("    invariant 3 (cash on the target chain = accounts + pool): holds");
    suite.resolve_all_and_check()?;
    show(suite, "bob")?;
    Ok(())
}

/// A crash: liquidation on the target chain, then collateral seized across the channel.
fn crash(suite: &mut Suite) -> Result<()> {
    use cosmwasm_std::Decimal;
    use isthmus_protocol::controller::SeizeStatus;
    use isthmus_protocol::engine::ExecuteMsg;

    say("10. A new month is listed. Carol deposits 100 ATOM on the source chain and writes 150 puts at 10.");
    suite.chains.advance_all(3_600);
    let listed = suite.open_market(0)?;
    suite.deposit_atom("carol", 100_000_000)?;
    suite.relay_all()?;
    suite.trade("carol", &[(listed.put_10, -150)], i128::MAX)?;
    show_margin(suite, "carol")?;

    say("11. ATOM crashes to 5 USDC. Carol's account is under maintenance margin.");
    suite.chains.advance_all(60);
    suite.push_price("ATOM", Decimal::from_ratio(5u128, 1u128))?;
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60))?;
    show_margin(suite, "carol")?;

    say("12. A keeper liquidates: the puts are bought back from the pool at once, with a 5% penalty.");
    let carol = suite.target_user("carol").to_string();
    let r = suite.engine_as("keeper", &ExecuteMsg::Liquidate { account: carol }, &[])?;
    let a = |k: &str| isthmus_tests::market::attr(&r, k).parse::<i128>().unwrap_or_default();
    println!(
        "    penalty {}: {} to the keeper, {} to the insurance fund; carol's cash is now {} (debt)",
        usdc(a("penalties")),
        usdc(a("reward")),
        usdc(a("insurance")),
        usdc(a("cash"))
    );
    suite.check_all()?;

    say("13. The keeper repays 100 USDC of carol's debt and seizes her ATOM on the source chain. No relayer shows up: the seize times out.");
    let first = suite.keeper_seize("keeper", "carol", 100_000_000, "keeper")?;
    println!(
        "    seize {first}: {} uatom reserved at the engine, 100 USDC in escrow",
        suite.seize_record(first)?.amount
    );
    suite.chains.time_out(0)?;
    if let SeizeStatus::Failed { reason } = suite.seize_record(first)?.status {
        println!("    seize {first} failed ({reason}): reservation released, the keeper got the 100 USDC back");
    }
    suite.check_all()?;

    say("14. The keeper retries; this time the packet is relayed and acknowledged.");
    suite.push_price("ATOM", Decimal::from_ratio(5u128, 1u128))?;
    let retry = suite.keeper_seize("keeper", "carol", 100_000_000, "keeper")?;
    suite.relay_all()?;
    if let SeizeStatus::Succeeded { seq, available } = suite.seize_record(retry)?.status {
        println!(
            "    seize {retry} succeeded: vault position at seq {seq} has {available} uatom left; the keeper received {} uatom on the source chain",
            suite.seize_record(retry)?.amount
        );
    }
    println!("    carol's debt now: {}", usdc(-suite.engine_account("carol")?.cash.i128()));
    suite.resolve_all_and_check()?;
    suite.check_cash_conservation()?;
    suite.check_token_solvency()?;
    println!("    books balance on both chains: invariants 1-4 hold");
    show(suite, "carol")?;
    Ok(())
}
