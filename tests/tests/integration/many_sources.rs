//! Many source chains back one account (docs/protocol.md §1, §6): collateral on two chains
//! adds up in one margin; a withdrawal on one chain is judged with the other's collateral;
//! a chain whose relayer goes silent stops backing new risk while the other keeps working;
//! and a liquidation recovers debt from both chains, surviving a seize that times out and a
//! channel that closes and reopens on one of them. Invariants 1-5 are checked on every chain
//! after every step.

use cosmwasm_std::{coin, Decimal, Int128, Uint128};
use isthmus_ibc_bench::{PacketState, Side};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::controller::SeizeStatus;
use isthmus_protocol::engine;
use isthmus_protocol::packet::WithdrawApproved;
use isthmus_protocol::vault;
use isthmus_tests::market::Listed;
use isthmus_tests::suite::{INITIAL_NATIVE, USDC};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError as EngineError;

const ATOM_SOURCE: usize = 0;
const OSMO_SOURCE: usize = 1;

fn osmo_price() -> Decimal {
    Decimal::one()
}

/// Two source chains (ATOM on the first, OSMO at 1 USDC on the second), the real
/// controller, a market on ATOM and both natives listed as collateral.
fn two_sources() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().with_sources(2).with_controller().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_native_collateral(ATOM_SOURCE, Decimal::from_ratio(10u128, 1u128)).unwrap();
    suite.list_native_collateral(OSMO_SOURCE, osmo_price()).unwrap();
    suite.check_invariants().unwrap();
    (suite, listed)
}

/// Prices published now (each symbol's price is good for 60 s).
fn refresh_prices(suite: &mut Suite, atom: Decimal, osmo: Decimal, listed: &Listed) {
    suite.push_price("ATOM", atom).unwrap();
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
    suite.push_price("OSMO", osmo).unwrap();
}

fn osmo(suite: &Suite) -> vault::PositionResponse {
    let asset = suite.source(OSMO_SOURCE).native();
    suite.vault_position_on(OSMO_SOURCE, "alice", &asset).unwrap()
}

/// The refusal of a trade the preview says fails its initial margin: the equity for new
/// risk is cash + collateral for new risk + the positions' value.
fn refusal_of(sim: &engine::SimulateTradeResponse, account: String) -> EngineError {
    let after = &sim.margin_after;
    EngineError::InitialMarginNotMet {
        account,
        equity: Int128::new(after.cash.i128() + after.collateral_value.u128() as i128 + after.positions_value.i128()),
        required: Uint128::new(after.initial_margin.u128()),
    }
}

#[test]
fn one_account_is_margined_by_collateral_on_two_chains() {
    let (mut suite, listed) = two_sources();
    // Bob holds only ATOM, carol only OSMO: each item's value on its own.
    suite.deposit_native_on(ATOM_SOURCE, "bob", 100_000_000).unwrap();
    suite.deposit_native_on(OSMO_SOURCE, "carol", 1_000_000_000).unwrap();
    suite.deposit_native_on(ATOM_SOURCE, "alice", 100_000_000).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    let atom_only = suite.margin("bob").unwrap().collateral_value.u128();
    let osmo_only = suite.margin("carol").unwrap().collateral_value.u128();
    // 100 ATOM x 10 and 1,000 OSMO x 1 at the same fresh haircut (15% + latency).
    assert_eq!(atom_only, osmo_only);
    assert!(atom_only > 840_000_000 && atom_only < 850_000_000, "{atom_only}");

    // Alice's ATOM alone cannot back 400 written puts...
    let legs = [(listed.put_10, -400)];
    let alone = suite.simulate("alice", &legs).unwrap();
    assert!(!alone.accepted);
    assert_error(&suite.trade("alice", &legs, i128::MAX).unwrap_err(), refusal_of(&alone, suite.account("alice")));
    suite.check_invariants().unwrap();

    // ...her OSMO on the other chain arrives, and the two chains' collateral adds up.
    suite.deposit_native_on(OSMO_SOURCE, "alice", 1_000_000_000).unwrap();
    suite.check_invariants().unwrap();
    suite.chains.relay_link(OSMO_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    let both = suite.margin("alice").unwrap();
    assert_eq!(both.collateral_value.u128(), atom_only + osmo_only);
    suite.trade("alice", &legs, i128::MAX).unwrap();
    suite.resolve_all_and_check().unwrap();
    let positions = suite.engine_account("alice").unwrap().positions;
    assert_eq!(positions.iter().map(|p| (p.series_id, p.quantity)).collect::<Vec<_>>(), vec![(listed.put_10, -400)]);
}

/// Alice's 400 written puts need collateral on both chains.
fn backed_by_both() -> (Suite, Listed) {
    let (mut suite, listed) = two_sources();
    suite.deposit_native_on(ATOM_SOURCE, "alice", 100_000_000).unwrap();
    suite.deposit_native_on(OSMO_SOURCE, "alice", 1_000_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(listed.put_10, -400)], i128::MAX).unwrap();
    suite.check_invariants().unwrap();
    (suite, listed)
}

#[test]
fn a_withdrawal_on_one_chain_is_judged_with_the_other_chains_collateral() {
    let (mut suite, _listed) = backed_by_both();
    let osmo_asset = suite.source(OSMO_SOURCE).native();
    let alice_osmo = suite.user_on(OSMO_SOURCE, "alice");
    // Taking all her OSMO home would leave the puts backed by ATOM alone: refused.
    suite.withdraw_on(OSMO_SOURCE, "alice", osmo_asset.clone(), 1_000_000_000).unwrap();
    suite.check_invariants().unwrap();
    let index = suite.chains.in_flight_on(OSMO_SOURCE)[0];
    let PacketState::Acknowledged(ack) = suite.chains.deliver(index).unwrap() else { panic!("expected an ack") };
    assert!(matches!(parse_ack::<WithdrawApproved>(&ack), AckOutcome::Error(_)), "{ack:?}");
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!((osmo(&suite).available.u128(), osmo(&suite).pending.u128()), (1_000_000_000, 0));
    assert_eq!(
        suite.native_balance(Side::Source(OSMO_SOURCE), &alice_osmo, "uosmo").unwrap(),
        INITIAL_NATIVE - 1_000_000_000
    );

    // More ATOM on the first chain: the same withdrawal on the second chain is now approved.
    suite.deposit_native_on(ATOM_SOURCE, "alice", 200_000_000).unwrap();
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    suite.withdraw_on(OSMO_SOURCE, "alice", osmo_asset, 1_000_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!((osmo(&suite).available.u128(), osmo(&suite).pending.u128()), (0, 0));
    assert_eq!(suite.native_balance(Side::Source(OSMO_SOURCE), &alice_osmo, "uosmo").unwrap(), INITIAL_NATIVE);
    assert!(!suite.margin("alice").unwrap().liquidatable);
}

#[test]
fn a_chain_whose_relayer_goes_silent_stops_backing_new_risk_while_the_other_keeps_working() {
    let (mut suite, listed) = two_sources();
    suite.deposit_native_on(ATOM_SOURCE, "alice", 100_000_000).unwrap();
    suite.deposit_native_on(OSMO_SOURCE, "bob", 1_000_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("bob", &[(listed.put_10, -20)], i128::MAX).unwrap();

    // An hour passes. Both vaults send heartbeats, but only the first chain's relayer works.
    suite.chains.advance_all(3_602);
    for source in [ATOM_SOURCE, OSMO_SOURCE] {
        let anyone = suite.user_on(source, "carol");
        suite.vault_execute_on(source, &anyone, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    }
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    refresh_prices(&mut suite, Decimal::from_ratio(10u128, 1u128), osmo_price(), &listed);
    suite.check_invariants().unwrap();
    assert_eq!(suite.chains.in_flight_on(OSMO_SOURCE).len(), 1, "the second link's heartbeat waits");

    // The silent chain's collateral backs no new risk, but still counts for maintenance.
    let bob = suite.margin("bob").unwrap();
    assert_eq!(bob.collateral_value.u128(), 0);
    assert!(bob.collateral_value_maintenance.u128() > 0);
    assert!(!bob.liquidatable, "a silent relayer liquidates nobody");
    let legs = [(listed.put_10, -1)];
    let sim = suite.simulate("bob", &legs).unwrap();
    assert_error(&suite.trade("bob", &legs, i128::MAX).unwrap_err(), refusal_of(&sim, suite.account("bob")));
    // The first chain is fresh: its collateral keeps backing new risk.
    assert!(suite.margin("alice").unwrap().collateral_value.u128() > 0);
    suite.trade("alice", &[(listed.put_10, -20)], i128::MAX).unwrap();
    suite.check_invariants().unwrap();

    // The second relayer wakes up: its chain is fresh again and bob can trade.
    suite.chains.relay_link(OSMO_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    assert!(suite.margin("bob").unwrap().collateral_value.u128() > 0);
    suite.trade("bob", &legs, i128::MAX).unwrap();
    suite.resolve_all_and_check().unwrap();
}

fn debt(suite: &Suite) -> u128 {
    suite.engine_account("alice").unwrap().cash.i128().min(0).unsigned_abs()
}

/// Both collateral prices crash 30%... and ATOM to 5: alice's account is liquidated, closing
/// the puts and leaving debt that her collateral on both chains must repay.
fn liquidated() -> (Suite, Listed) {
    let (mut suite, listed) = backed_by_both();
    suite.chains.advance_all(60);
    refresh_prices(&mut suite, Decimal::from_ratio(5u128, 1u128), Decimal::percent(70), &listed);
    assert!(suite.margin("alice").unwrap().liquidatable);
    let account = suite.account("alice");
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    suite.check_invariants().unwrap();
    assert!(suite.engine_account("alice").unwrap().positions.is_empty());
    assert!(debt(&suite) > 0);
    (suite, listed)
}

#[test]
fn a_liquidation_recovers_debt_from_both_chains() {
    let (mut suite, _listed) = liquidated();
    let debt_before = debt(&suite);
    let (bob_atom, bob_osmo) = (suite.user_on(ATOM_SOURCE, "bob"), suite.user_on(OSMO_SOURCE, "bob"));
    // 100 USDC x 1.05 at 0.70 per OSMO = 150 OSMO; at 5 per ATOM = 21 ATOM.
    let from_osmo = suite.keeper_seize_on(OSMO_SOURCE, "keeper", "alice", 100_000_000, "bob").unwrap();
    let from_atom = suite.keeper_seize_on(ATOM_SOURCE, "keeper", "alice", 100_000_000, "bob").unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.seize_record(from_osmo).unwrap().amount.u128(), 150_000_000);
    assert_eq!(suite.seize_record(from_atom).unwrap().amount.u128(), 21_000_000);
    assert_eq!(suite.funds().unwrap().escrow.u128(), 200_000_000);
    suite.resolve_all_and_check().unwrap();
    for id in [from_osmo, from_atom] {
        assert!(matches!(suite.seize_record(id).unwrap().status, SeizeStatus::Succeeded { .. }));
    }
    assert_eq!(
        suite.native_balance(Side::Source(OSMO_SOURCE), &bob_osmo, "uosmo").unwrap(),
        INITIAL_NATIVE + 150_000_000
    );
    assert_eq!(
        suite.native_balance(Side::Source(ATOM_SOURCE), &bob_atom, "uatom").unwrap(),
        INITIAL_NATIVE + 21_000_000
    );
    assert_eq!(osmo(&suite).available.u128(), 850_000_000);
    assert_eq!(suite.vault_position_on(ATOM_SOURCE, "alice", &Suite::atom()).unwrap().available.u128(), 79_000_000);
    assert_eq!(debt(&suite), debt_before - 200_000_000);
    assert_eq!(suite.funds().unwrap().escrow.u128(), 0);
}

#[test]
fn a_seize_that_times_out_on_one_chain_does_not_stop_the_other() {
    let (mut suite, listed) = liquidated();
    let debt_before = debt(&suite);
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();
    let from_osmo = suite.keeper_seize_on(OSMO_SOURCE, "keeper", "alice", 70_000_000, "keeper").unwrap();
    let from_atom = suite.keeper_seize_on(ATOM_SOURCE, "keeper", "alice", 50_000_000, "keeper").unwrap();
    // The first chain's relayer delivers at once; the second chain's seize times out.
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    let index = suite.chains.in_flight_on(OSMO_SOURCE)[0];
    suite.chains.time_out(index).unwrap();
    suite.check_invariants().unwrap();
    assert!(matches!(suite.seize_record(from_atom).unwrap().status, SeizeStatus::Succeeded { .. }));
    assert_eq!(suite.seize_record(from_osmo).unwrap().status, SeizeStatus::Failed { reason: "timeout".into() });
    assert_eq!(debt(&suite), debt_before - 50_000_000, "only the delivered seize repaid");
    assert_eq!(
        suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(),
        keeper_usdc - 50_000_000
    );
    assert_eq!(osmo(&suite).available.u128(), 1_000_000_000, "the timed-out seize took nothing");
    let osmo_asset = suite.source(OSMO_SOURCE).native();
    assert_eq!(suite.engine_position_on(OSMO_SOURCE, "alice", &osmo_asset).unwrap().reserved.u128(), 0);

    // Fresh prices, and the keeper retries on the second chain.
    retry_on_the_osmo_chain(&mut suite, &listed, debt_before);
}

#[test]
fn a_seize_channel_that_closes_and_reopens_mid_liquidation_on_one_chain() {
    let (mut suite, listed) = liquidated();
    let debt_before = debt(&suite);
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap();
    let from_osmo = suite.keeper_seize_on(OSMO_SOURCE, "keeper", "alice", 70_000_000, "keeper").unwrap();
    let from_atom = suite.keeper_seize_on(ATOM_SOURCE, "keeper", "alice", 50_000_000, "keeper").unwrap();
    suite.check_invariants().unwrap();

    // The second chain's seize channel closes with the seize still in flight: the packet
    // can never be received, and its timeout-on-close refunds the keeper.
    let (vault_channel, controller_channel) = suite.source(OSMO_SOURCE).seize_channel.clone();
    let (vault_port, controller_port) = (suite.vault_port_on(OSMO_SOURCE), format!("wasm.{}", suite.controller));
    suite
        .chains
        .confirm_close(
            Side::Source(OSMO_SOURCE),
            Side::Target,
            &vault_port,
            &vault_channel,
            &controller_port,
            &controller_channel,
        )
        .unwrap();
    suite.check_invariants().unwrap();
    let index = suite.chains.in_flight_on(OSMO_SOURCE)[0];
    suite.chains.time_out_on_close(index).unwrap();
    suite.check_invariants().unwrap();
    assert_eq!(suite.seize_record(from_osmo).unwrap().status, SeizeStatus::Failed { reason: "timeout".into() });
    // The first chain never noticed.
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    assert!(matches!(suite.seize_record(from_atom).unwrap().status, SeizeStatus::Succeeded { .. }));
    assert_eq!(
        suite.native_balance(Side::Target, &suite.target_user("keeper"), USDC).unwrap(),
        keeper_usdc - 50_000_000
    );

    // The vault reopens its seize channel; the retried seize goes through on the new one.
    let new_channel = suite
        .chains
        .open_channel(
            Side::Source(OSMO_SOURCE),
            Side::Target,
            &vault_port,
            &controller_port,
            isthmus_protocol::APP_VERSION,
            cosmwasm_std::IbcOrder::Unordered,
        )
        .unwrap();
    assert_ne!(new_channel.0, vault_channel);
    suite.sources[OSMO_SOURCE].seize_channel = new_channel;
    suite.check_invariants().unwrap();
    suite.chains.advance_all(30);
    retry_on_the_osmo_chain(&mut suite, &listed, debt_before);
}

/// After the 50 USDC seize on the ATOM chain landed and the 70 USDC one on the OSMO chain
/// failed, fresh prices and a retry of the latter: 70 USDC x 1.05 at 0.70 = 105 OSMO.
fn retry_on_the_osmo_chain(suite: &mut Suite, listed: &Listed, debt_before: u128) {
    refresh_prices(suite, Decimal::from_ratio(5u128, 1u128), Decimal::percent(70), listed);
    let retry = suite.keeper_seize_on(OSMO_SOURCE, "keeper", "alice", 70_000_000, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    assert!(matches!(suite.seize_record(retry).unwrap().status, SeizeStatus::Succeeded { .. }));
    assert_eq!(debt(suite), debt_before - 120_000_000);
    assert_eq!(osmo(suite).available.u128(), 1_000_000_000 - 105_000_000);
}

#[test]
fn tokens_sent_straight_to_a_contract_are_a_surplus_not_a_violation() {
    let (mut suite, _listed) = backed_by_both();
    let (engine, vault_osmo) = (suite.engine.clone(), suite.source(OSMO_SOURCE).vault.clone());
    let token = suite.source(OSMO_SOURCE).cw20.clone();
    suite.donate(Side::Target, &engine, coin(5_000_000, USDC)).unwrap();
    suite.donate(Side::Source(OSMO_SOURCE), &vault_osmo, coin(7, "uosmo")).unwrap();
    suite.donate_cw20(OSMO_SOURCE, &token, &vault_osmo, 11).unwrap();
    suite.check_invariants().unwrap();
    suite.resolve_all_and_check().unwrap();
    // Nobody can withdraw the surplus: the books did not move.
    assert_eq!(osmo(&suite).available.u128(), 1_000_000_000);
    // A send the suite did not record is still caught, on the chain and asset it hit.
    let carol = suite.user_on(OSMO_SOURCE, "carol");
    use cw_multi_test::Executor;
    suite.chains.chain_mut(Side::Source(OSMO_SOURCE)).send_tokens(carol, vault_osmo, &[coin(1, "uosmo")]).unwrap();
    let err = suite.check_invariants().unwrap_err().to_string();
    assert!(err.contains("invariant 1 broken on osmosis for native:uosmo"), "{err}");
}

/// Which chain first (docs/liquidation.md): the most valuable collateral among the chains
/// heard from within the seize latency; a chain gone quiet goes last, however valuable.
#[test]
fn a_keeper_seizes_first_from_the_most_valuable_chain_that_answers_in_time() {
    let (mut suite, listed) = liquidated();
    let latency = isthmus_tests::suite::default_risk().seize_latency_seconds;
    // 1,000 OSMO at 0.70 (700 USDC) before 100 ATOM at 5 (500 USDC).
    let order = suite.seize_order("alice", latency).unwrap();
    let ranked: Vec<(usize, u128, bool)> = order.iter().map(|c| (c.source, c.value, c.slow)).collect();
    assert_eq!(ranked, vec![(OSMO_SOURCE, 700_000_000, false), (ATOM_SOURCE, 500_000_000, false)]);

    // The OSMO chain goes quiet for longer than the seize latency; the ATOM chain keeps
    // sending heartbeats. ATOM now comes first.
    suite.chains.advance_all(latency + 60);
    let anyone = suite.user_on(ATOM_SOURCE, "carol");
    suite.vault_execute_on(ATOM_SOURCE, &anyone, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    refresh_prices(&mut suite, Decimal::from_ratio(5u128, 1u128), Decimal::percent(70), &listed);
    suite.check_invariants().unwrap();
    let order = suite.seize_order("alice", latency).unwrap();
    let ranked: Vec<(usize, bool)> = order.iter().map(|c| (c.source, c.slow)).collect();
    assert_eq!(ranked, vec![(ATOM_SOURCE, false), (OSMO_SOURCE, true)]);

    // The keeper follows the order: the seize on the answering chain lands at once.
    let debt_before = debt(&suite);
    let first = suite.keeper_seize_on(order[0].source, "keeper", "alice", 100_000_000, "keeper").unwrap();
    suite.chains.relay_link(ATOM_SOURCE).unwrap();
    suite.check_invariants().unwrap();
    assert!(matches!(suite.seize_record(first).unwrap().status, SeizeStatus::Succeeded { .. }));
    assert_eq!(debt(&suite), debt_before - 100_000_000);
    suite.resolve_all_and_check().unwrap();
}
