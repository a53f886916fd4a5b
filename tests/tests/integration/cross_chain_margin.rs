//! Remote collateral backs options on the target chain at a haircut that grows with the
//! source's staleness and the seize latency (docs/protocol.md §6); past the maximum staleness it backs
//! no new risk, and relaying restores it.

use cosmwasm_std::Decimal;
use isthmus_protocol::vault;
use isthmus_tests::{Suite, SuiteBuilder};

/// 15% + 3 x 60% x sqrt((staleness + 600 s) / year), as in the suite's risk parameters.
fn haircut(staleness: u64) -> f64 {
    (0.15 + 3.0 * 0.6 * ((staleness as f64 + 600.0) / (365.0 * 86_400.0)).sqrt()).min(1.0)
}

#[test]
fn remote_collateral_is_haircut_by_latency_and_stops_backing_new_risk_when_stale() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    // Alice deposits 100 ATOM on the source chain; it backs her account on the target chain.
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();

    let m = suite.margin("alice").unwrap();
    let expected = 100.0 * 10.0 * (1.0 - haircut(0)) * 1e6;
    assert!((m.collateral_value.u128() as f64 - expected).abs() <= 2.0, "{} vs {expected}", m.collateral_value);

    // She writes 10 calls with no cash at all: the remote ATOM is her margin.
    suite.trade("alice", &[(listed.call_10, -10)], i128::MAX).unwrap();
    suite.check_invariants().unwrap();
    suite.check_cash_conservation().unwrap();

    // Thirty minutes without a packet: the haircut grows, the collateral is worth less.
    suite.chains.advance_all(1_800);
    suite.push_price("ATOM", Decimal::from_ratio(10u128, 1u128)).unwrap();
    let later = suite.margin("alice").unwrap();
    let expected = 100.0 * 10.0 * (1.0 - haircut(1_800)) * 1e6;
    assert!((later.collateral_value.u128() as f64 - expected).abs() <= 2.0, "{} vs {expected}", later.collateral_value);
    assert!(later.collateral_value < m.collateral_value);

    // Past the maximum staleness (3600 s) it no longer backs new risk: more writing stops,
    // but it still counts for maintenance (a slow relayer does not liquidate anyone).
    suite.chains.advance_all(1_801);
    suite.push_price("ATOM", Decimal::from_ratio(10u128, 1u128)).unwrap();
    suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).unwrap();
    let stale = suite.margin("alice").unwrap();
    assert_eq!(stale.collateral_value.u128(), 0);
    assert!(stale.collateral_value_maintenance.u128() > 0);
    assert!(!stale.liquidatable);
    let err = suite.trade("alice", &[(listed.call_10, -1)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("initial margin"), "{err}");

    // A heartbeat from the vault, relayed: fresh again, and writing resumes.
    let carol = suite.user("carol");
    suite.vault_execute(&carol, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    suite.relay_all().unwrap();
    let fresh = suite.margin("alice").unwrap();
    assert!(fresh.collateral_value.u128() > 0);
    suite.trade("alice", &[(listed.call_10, -1)], i128::MAX).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
}

#[test]
fn withdrawal_that_would_break_initial_margin_is_rejected_by_the_engine() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(listed.call_10, -10)], i128::MAX).unwrap();
    // Taking almost everything out would leave the short calls unmargined: rejected.
    suite.withdraw("alice", Suite::atom(), 99_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000);
    // A small withdrawal keeps the margin: approved and paid.
    suite.chains.advance_all(5);
    suite.push_price("ATOM", Decimal::from_ratio(10u128, 1u128)).unwrap();
    suite.withdraw("alice", Suite::atom(), 1_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 99_000_000);
}
