//! Token solvency on the target chain (invariant 5, docs/solvency.md): every token the engine
//! pays out is a token it holds. Debts are receivables of the pool; they back nothing that can
//! be paid out before they are collected.

use cosmwasm_std::{coin, Decimal, Int128, Uint128};
use cw_multi_test::{BankSudo, SudoMsg};
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine;
use isthmus_tests::market::DAY;
use isthmus_tests::suite::USDC;
use isthmus_tests::{assert_error, SuiteBuilder};
use options_engine::ContractError;

const USDC_1: u128 = 1_000_000;

fn lp_shares(suite: &isthmus_tests::Suite) -> Uint128 {
    let r: engine::LpResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::Lp { address: suite.target_user("lp").to_string() },
        )
        .unwrap();
    r.shares
}

fn usdc_of(suite: &isthmus_tests::Suite, name: &str) -> u128 {
    suite.native_balance(Side::Target, &suite.target_user(name), USDC).unwrap()
}

/// The sequence: an LP puts 10,000 in the pool, Alice 5,000 in cash; Bob has only
/// remote collateral and tries to buy calls. Premiums are paid from cash, so Bob's trade is
/// refused; the LP and Alice can then both take out everything they put in.
#[test]
fn premiums_need_cash_so_a_debt_never_becomes_the_pools_withdrawable_cash() {
    let mut suite = SuiteBuilder::new().with_atom_cap(u128::MAX).build().unwrap();
    let listed = suite.open_market(10_000 * USDC_1).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_cash("alice", 5_000 * USDC_1).unwrap();
    suite.deposit_atom("bob", 1_000_000_000).unwrap(); // 1,000 ATOM, no cash
    suite.resolve_all_and_check().unwrap();
    suite.check_all().unwrap();

    let preview = suite.simulate("bob", &[(listed.call_11, 1_000)]).unwrap();
    assert!(!preview.accepted);
    let err = suite.trade("bob", &[(listed.call_11, 1_000)], i128::MAX).unwrap_err();
    let cost = preview.total_cost;
    let expected =
        ContractError::InsufficientCash { requested: Uint128::new(cost.i128() as u128), cash: Int128::zero() };
    assert_eq!(preview.refusal, Some(expected.to_string()));
    assert_error(&err, expected);
    assert_eq!(suite.engine_account("bob").unwrap().cash, Int128::zero());
    suite.check_all().unwrap();

    // Everything that was put in comes out, to the base unit.
    let (lp_before, alice_before) = (usdc_of(&suite, "lp"), usdc_of(&suite, "alice"));
    let shares = lp_shares(&suite);
    suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares }, &[]).unwrap();
    suite.engine_as("alice", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(5_000 * USDC_1) }, &[]).unwrap();
    assert_eq!(usdc_of(&suite, "lp") - lp_before, 10_000 * USDC_1);
    assert_eq!(usdc_of(&suite, "alice") - alice_before, 5_000 * USDC_1);
    assert_eq!(suite.native_balance(Side::Target, &suite.engine, USDC).unwrap(), 0);
    suite.check_all().unwrap();
}

/// A debt that does arise (a short settled in the money with no cash) is a receivable of the
/// pool: the LP's redemption pays only liquid cash, so Alice's cash stays covered; the debt
/// is paid into the pool when Bob repays it.
#[test]
fn a_debt_from_settlement_is_a_receivable_that_lps_cannot_withdraw() {
    let mut suite = SuiteBuilder::new().with_atom_cap(u128::MAX).build().unwrap();
    let listed = suite.open_market(10_000 * USDC_1).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_cash("alice", 5_000 * USDC_1).unwrap();
    suite.deposit_atom("bob", 1_000_000_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    // Bob writes 100 puts against his ATOM and takes the premium out.
    suite.trade("bob", &[(listed.put_10, -100)], i128::MAX).unwrap();
    let premium = suite.engine_account("bob").unwrap().cash;
    assert!(premium.i128() > 0);
    suite
        .engine_as("bob", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(premium.i128() as u128) }, &[])
        .unwrap();
    suite.check_all().unwrap();

    // Expiry at 8: the puts pay 2 each; Bob owes 200 USDC.
    suite.chains.advance_all(30 * DAY + 5);
    suite.push_price("ATOM", Decimal::from_ratio(8u128, 1u128)).unwrap();
    suite
        .engine_as("keeper", &engine::ExecuteMsg::SettleAccount { account: suite.target_user("bob").to_string() }, &[])
        .unwrap();
    assert_eq!(suite.engine_account("bob").unwrap().cash, Int128::new(-200 * USDC_1 as i128));
    let pool = suite.pool().unwrap();
    assert_eq!(pool.receivable, Uint128::new(200 * USDC_1));
    assert_eq!(pool.liquid_cash.i128(), pool.cash.i128() - 200 * USDC_1 as i128);
    assert_eq!(pool.nav, pool.liquid_cash, "no positions left: the exit NAV is the liquid cash");
    suite.check_all().unwrap();

    // The LP redeems everything: it receives the liquid cash, not Bob's debt.
    let lp_before = usdc_of(&suite, "lp");
    let shares = lp_shares(&suite);
    suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares }, &[]).unwrap();
    assert_eq!(usdc_of(&suite, "lp") - lp_before, pool.liquid_cash.i128() as u128);
    suite.check_all().unwrap();
    // Alice's cash is all there.
    let alice_before = usdc_of(&suite, "alice");
    suite.engine_as("alice", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(5_000 * USDC_1) }, &[]).unwrap();
    assert_eq!(usdc_of(&suite, "alice") - alice_before, 5_000 * USDC_1);
    assert_eq!(suite.native_balance(Side::Target, &suite.engine, USDC).unwrap(), 0);
    suite.check_all().unwrap();

    // Bob repays: the tokens arrive and the receivable becomes liquid cash of the pool.
    suite
        .engine_as(
            "bob",
            &engine::ExecuteMsg::RepayDebt { account: suite.target_user("bob").to_string() },
            &[coin(200 * USDC_1, USDC)],
        )
        .unwrap();
    let pool = suite.pool().unwrap();
    assert_eq!((pool.receivable, pool.liquid_cash), (Uint128::zero(), Int128::new(200 * USDC_1 as i128)));
    assert_eq!(suite.native_balance(Side::Target, &suite.engine, USDC).unwrap(), 200 * USDC_1);
    suite.check_all().unwrap();
}

/// Repaying debt is for debt only: a typo or a second payment cannot strand funds.
#[test]
fn repaying_debt_checks_the_address_and_the_amount() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.open_market(10_000 * USDC_1).unwrap();
    let err = suite
        .engine_as("alice", &engine::ExecuteMsg::RepayDebt { account: "tgt1typo".into() }, &[coin(USDC_1, USDC)])
        .unwrap_err();
    assert_error(&err, ContractError::InvalidAddress { address: "tgt1typo".into() });
    let bob = suite.target_user("bob").to_string();
    let err = suite
        .engine_as("alice", &engine::ExecuteMsg::RepayDebt { account: bob.clone() }, &[coin(USDC_1, USDC)])
        .unwrap_err();
    assert_error(&err, ContractError::NoDebt { account: bob });
    assert_eq!(usdc_of(&suite, "alice"), isthmus_tests::suite::INITIAL_USDC);
    suite.check_all().unwrap();
}

/// A huge `PoolDeposit` is refused with an error, not a panic: with the pool at a loss (a
/// share worth less than one base unit), pricing it overflows.
#[test]
fn a_pool_deposit_too_large_to_price_is_an_error() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(10_000 * USDC_1).unwrap();
    suite.deposit_cash("alice", 1_000 * USDC_1).unwrap();
    suite.trade("alice", &[(listed.call_10, 100)], i128::MAX).unwrap();
    suite.chains.advance_all(10);
    suite.push_price("ATOM", Decimal::from_ratio(20u128, 1u128)).unwrap();
    let pool = suite.pool().unwrap();
    assert!(pool.nav_entry.i128() < pool.total_shares.u128() as i128, "the pool is at a loss: {pool:?}");
    let lp = suite.target_user("lp");
    let huge = u128::MAX / 2;
    suite
        .chains
        .target
        .sudo(SudoMsg::Bank(BankSudo::Mint { to_address: lp.to_string(), amount: vec![coin(huge, USDC)] }))
        .unwrap();
    let err = suite.engine_as("lp", &engine::ExecuteMsg::PoolDeposit {}, &[coin(huge, USDC)]).unwrap_err();
    let overflow = cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Add);
    assert_error(&err, ContractError::Overflow(overflow));
    suite.check_all().unwrap();
}
