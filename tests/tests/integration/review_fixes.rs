//! Attacks found in review, each shown to fail: crowding an account's collateral with dust
//! positions, seizing from a healthy account in debt, over-repaying with concurrent seizes,
//! turning a spread into a naked short by "closing", and seizing through a rotated-out
//! controller's channel.

use cosmwasm_std::{coin, Decimal};
use cw_multi_test::{BankSudo, SudoMsg};
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine;
use isthmus_protocol::vault;
use isthmus_tests::suite::ATOM;
use isthmus_tests::{Suite, SuiteBuilder};

#[test]
fn dust_positions_bound_to_an_account_by_strangers_do_not_count_or_crowd_out_its_collateral() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    let before = suite.margin("alice").unwrap();
    assert!(before.collateral_value.u128() > 0);
    // Twenty attacker-controlled owners bind dust to alice's account.
    let victim = suite.account("alice");
    for i in 0..20 {
        let name = format!("sybil-{i}");
        suite.extra_owners.push(name.clone());
        let owner = suite.user(&name);
        suite.chains.sources[0]
            .chain
            .sudo(SudoMsg::Bank(BankSudo::Mint { to_address: owner.to_string(), amount: vec![coin(10, ATOM)] }))
            .unwrap();
        suite.deposit_native(&owner, &victim, None, coin(1, ATOM)).unwrap();
    }
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.margin("alice").unwrap(), before, "strangers' positions neither count nor crowd out");
    suite.trade("alice", &[(listed.call_10, -10)], i128::MAX).unwrap();
    // An owner with another key counts only once the account authorizes it.
    let bob_owner = suite.user("bob").to_string();
    let carol_account = suite.account("carol");
    let bob = suite.user("bob");
    suite.deposit_native(&bob, &carol_account, None, coin(50_000_000, ATOM)).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.margin("carol").unwrap().collateral_value.u128(), 0);
    suite
        .engine_as(
            "carol",
            &engine::ExecuteMsg::AuthorizeOwner { source_id: "cosmoshub".into(), owner: bob_owner.clone() },
            &[],
        )
        .unwrap();
    assert!(suite.margin("carol").unwrap().collateral_value.u128() > 0);
    suite
        .engine_as("carol", &engine::ExecuteMsg::RevokeOwner { source_id: "cosmoshub".into(), owner: bob_owner }, &[])
        .unwrap();
    assert_eq!(suite.margin("carol").unwrap().collateral_value.u128(), 0);
}

#[test]
fn a_healthy_account_in_debt_cannot_be_seized_from() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    // Alice writes puts against her ATOM, takes the premium out, then buys half of them back
    // with no cash: closing is always allowed, and its cost is a debt (a loan against the
    // ATOM); she stays healthy.
    suite.trade("alice", &[(listed.put_10, -10)], i128::MAX).unwrap();
    let premium = suite.engine_account("alice").unwrap().cash.i128() as u128;
    suite.engine_as("alice", &engine::ExecuteMsg::WithdrawCash { amount: premium.into() }, &[]).unwrap();
    suite.trade("alice", &[(listed.put_10, 5)], i128::MAX).unwrap();
    assert!(suite.engine_account("alice").unwrap().cash.i128() < 0);
    assert!(!suite.margin("alice").unwrap().liquidatable);
    let err = suite.keeper_seize("keeper", "alice", 1_000_000, "keeper").unwrap_err();
    assert!(format!("{err:#}").contains("is not liquidatable"), "{err:#}");
    suite.check_all().unwrap();
}

#[test]
fn concurrent_seizes_never_repay_more_than_the_debt() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    let debt = suite.engine_account("alice").unwrap().cash.i128().unsigned_abs();
    let first = 100_000_000;
    suite.keeper_seize("keeper", "alice", first, "keeper").unwrap();
    let err = suite.keeper_seize("carol", "alice", debt - first + 1, "carol").unwrap_err();
    assert!(format!("{err:#}").contains("already in flight exceeds the debt"), "{err:#}");
    suite.keeper_seize("carol", "alice", 50_000_000, "carol").unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.check_cash_conservation().unwrap();
    assert!(suite.engine_account("alice").unwrap().cash.i128() <= 0, "never repaid beyond the debt");
}

#[test]
fn closing_the_long_leg_of_a_spread_cannot_leave_a_naked_short_below_margin() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    // Just enough cash for the spread, far from enough for the naked short.
    let spread = [(listed.call_10, -10), (listed.call_11, 10)];
    let sim = suite.simulate("bob", &spread).unwrap();
    let after = &sim.margin_after;
    let needed = (after.initial_margin.u128() as i128 + sim.total_cost.i128() - after.positions_value.i128()
        + 1_000_000) as u128;
    suite.deposit_cash("bob", needed).unwrap();
    suite.trade("bob", &spread, i128::MAX).unwrap();
    let err = suite.trade("bob", &[(listed.call_11, -10)], i128::MAX).unwrap_err();
    assert!(err.root_cause().to_string().contains("further from safety"), "{err}");
    // Closing the whole spread is fine.
    suite.trade("bob", &[(listed.call_10, 10), (listed.call_11, -10)], i128::MAX).unwrap();
    assert!(suite.engine_account("bob").unwrap().positions.is_empty());
    suite.check_cash_conservation().unwrap();
}

#[test]
fn a_rotated_out_controllers_channel_can_no_longer_seize() {
    let mut suite = crashed_with_debt();
    let (admin, source_conn) = (suite.source_admin.clone(), suite.chains.sources[0].connection.0.clone());
    suite
        .vault_execute(
            &admin,
            &vault::ExecuteMsg::UpdateConfig {
                admin: None,
                guardian: None,
                engine: None,
                controller: Some(vault::Counterparty {
                    connection_id: source_conn,
                    port_id: "wasm.new-controller".into(),
                }),
                packet_timeout_seconds: None,
                heartbeat_interval_seconds: None,
            },
        )
        .unwrap();
    let keeper_usdc = suite.native_balance(Side::Target, &suite.target_user("keeper"), "uusdc").unwrap();
    let id = suite.keeper_seize("keeper", "alice", 1_000_000, "keeper").unwrap();
    suite.resolve_all_and_check().unwrap();
    let record = suite.seize_record(id).unwrap();
    assert!(
        matches!(record.status, isthmus_protocol::controller::SeizeStatus::Failed { ref reason } if reason.contains("only on the controller's channel"))
    );
    assert_eq!(suite.native_balance(Side::Target, &suite.target_user("keeper"), "uusdc").unwrap(), keeper_usdc);
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000);
}

fn crashed_with_debt() -> Suite {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    suite.crash().unwrap();
    let account = suite.target_user("alice").to_string();
    suite.engine_as("keeper", &engine::ExecuteMsg::Liquidate { account }, &[]).unwrap();
    suite.push_price("ATOM", Decimal::from_ratio(5u128, 1u128)).unwrap_or_default();
    suite
}
