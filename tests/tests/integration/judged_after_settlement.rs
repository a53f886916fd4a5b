//! Every judgement of an account settles what is due first (docs/solvency.md): an expired
//! short is worth its fixed settlement price, not today's spot.

use cosmwasm_std::{Decimal, Int128};
use isthmus_protocol::{engine, vault};
use isthmus_tests::market::{Listed, DAY};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError;

/// Alice writes 50 calls at 10 against 100 ATOM; they expire with the settlement price fixed
/// at 20 (she owes 500 USDC), and the spot falls back to 12 afterwards.
fn expired_in_the_money() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_atom("alice", 100_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.trade("alice", &[(listed.call_10, -50)], i128::MAX).unwrap();
    suite.chains.advance_all(30 * DAY + 5);
    suite.push_price("ATOM", Decimal::from_ratio(20u128, 1u128)).unwrap();
    suite.chains.advance_all(60);
    suite.push_price("ATOM", Decimal::from_ratio(12u128, 1u128)).unwrap();
    // A heartbeat keeps the source fresh after the month that passed.
    let carol = suite.user("carol");
    suite.vault_execute(&carol, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    suite.relay_all().unwrap();
    suite.check_all().unwrap();
    (suite, listed)
}

#[test]
fn a_withdrawal_after_an_expired_short_is_judged_at_the_settlement_price() {
    let (mut suite, _) = expired_in_the_money();
    let premium = suite.engine_account("alice").unwrap().cash.i128();
    // Judged as settled: cash is the premium less 500 USDC owed; the expired calls are gone.
    let m = suite.margin("alice").unwrap();
    assert_eq!(m.cash, Int128::new(premium - 500_000_000));
    assert_eq!(m.positions_value, Int128::zero());
    // Taking 65 of the 100 ATOM out would leave 35 ATOM (about 375 USDC after the haircut)
    // against the 500 owed: refused, and the ATOM returns to available.
    suite.withdraw("alice", Suite::atom(), 65_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100_000_000);
    // A withdrawal the settled account can afford is approved and paid.
    suite.withdraw("alice", Suite::atom(), 5_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 95_000_000);
    suite.check_all().unwrap();
}

#[test]
fn revoking_an_owner_after_an_expired_short_is_judged_at_the_settlement_price() {
    let (mut suite, _) = expired_in_the_money();
    let owner = suite.user("alice").to_string();
    let before = suite.margin("alice").unwrap();
    let err = suite
        .engine_as("alice", &engine::ExecuteMsg::RevokeOwner { source_id: "cosmoshub".into(), owner }, &[])
        .unwrap_err();
    let required = before.initial_margin;
    assert_error(
        &err,
        ContractError::InitialMarginNotMet {
            account: suite.target_user("alice").to_string(),
            equity: before.cash,
            required,
        },
    );
    suite.check_all().unwrap();
}
