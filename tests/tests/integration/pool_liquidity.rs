//! The pool pays only out of its free cash (docs/solvency.md, rule 8). When a crash leaves the
//! pool owing its traders more than its liquid cash, a trader's close that the pool cannot pay
//! is refused, and a settlement it cannot pay in full becomes a claim on the pool, paid when
//! cash comes back. In neither case is anyone paid out of another account's cash.

use cosmwasm_std::{Decimal, Int128, Uint128};
use isthmus_ibc_bench::Side;
use isthmus_protocol::engine;
use isthmus_tests::market::{Listed, DAY};
use isthmus_tests::suite::USDC;
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::ContractError;

const USDC_1: u128 = 1_000_000;

fn price(suite: &mut Suite, cents: u128) {
    suite.chains.advance_all(1);
    suite.push_price("ATOM", Decimal::from_ratio(cents, 100u128)).unwrap();
    suite.check_all().unwrap();
}

/// The book the random preview test found in CI: a pool of 2,000 USDC; Carol, with only ATOM
/// as collateral, writes calls at a high spot (the pool pays her their premium), buys 271
/// 10-strike puts, and ATOM falls to 6. The pool's short puts are then worth more than its
/// cash: it is below water. Bob, with 100 USDC of cash, bought 20 of the puts; Alice, with
/// 1,000 USDC of cash, wrote 50 of them, both before the fall.
fn below_water() -> (Suite, Listed) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(2_000 * USDC_1).unwrap();
    suite.list_atom_collateral().unwrap();
    suite.deposit_cash("bob", 100 * USDC_1).unwrap();
    suite.deposit_atom("carol", 300_000_000).unwrap();
    suite.relay_all().unwrap();
    suite.trade("carol", &[(listed.call_10, -90)], i128::MAX).unwrap();
    price(&mut suite, 1_361);
    suite.trade("carol", &[(listed.call_10, -108)], i128::MAX).unwrap();
    suite.trade("carol", &[(listed.call_11, -248)], i128::MAX).unwrap();
    suite.trade("carol", &[(listed.put_10, 271)], i128::MAX).unwrap();
    suite.deposit_cash("alice", 1_000 * USDC_1).unwrap();
    suite.trade("alice", &[(listed.put_10, -50)], i128::MAX).unwrap();
    suite.trade("bob", &[(listed.put_10, 20)], i128::MAX).unwrap();
    suite.check_all().unwrap();
    price(&mut suite, 600);
    let pool = suite.pool().unwrap();
    assert!(pool.nav.i128() < 0, "the pool is below water: {pool:?}");
    (suite, listed)
}

#[test]
fn a_close_the_pools_free_cash_cannot_pay_is_refused_and_a_smaller_one_is_not() {
    let (mut suite, listed) = below_water();
    let pool = suite.pool().unwrap();
    assert_eq!(pool.free_cash, pool.liquid_cash, "no claims yet");

    // Selling 223 puts back would take more than the pool's cash: the rest is Bob's.
    let preview = suite.simulate("carol", &[(listed.put_10, -223)]).unwrap();
    let expected = ContractError::PoolIlliquid {
        requested: Uint128::new(preview.total_cost.i128().unsigned_abs()),
        free: pool.free_cash,
    };
    assert!(preview.total_cost.i128().unsigned_abs() > pool.free_cash.i128() as u128);
    assert_eq!(preview.refusal, Some(expected.to_string()));
    let carol_before = suite.engine_account("carol").unwrap();
    let err = suite.trade("carol", &[(listed.put_10, -223)], i128::MAX).unwrap_err();
    assert_error(&err, expected);
    assert_eq!(suite.engine_account("carol").unwrap(), carol_before);
    assert_eq!(suite.pool().unwrap(), pool);
    suite.check_all().unwrap();

    // A close the free cash covers goes through, and pays exactly its cost out of it.
    let preview = suite.simulate("carol", &[(listed.put_10, -100)]).unwrap();
    assert!(preview.accepted, "{:?}", preview.refusal);
    suite.trade("carol", &[(listed.put_10, -100)], i128::MAX).unwrap();
    let after = suite.pool().unwrap();
    assert_eq!(after.free_cash.i128(), pool.free_cash.i128() + preview.total_cost.i128());
    assert_eq!(
        suite.engine_account("carol").unwrap().cash.i128(),
        carol_before.cash.i128() - preview.total_cost.i128()
    );
    suite.check_all().unwrap();

    // Bob's cash was never the pool's: he takes all of it out (his long puts need no margin).
    let bob = suite.engine_account("bob").unwrap().cash.i128() as u128;
    let before = suite.native_balance(Side::Target, &suite.target_user("bob"), USDC).unwrap();
    suite.engine_as("bob", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(bob) }, &[]).unwrap();
    let paid = suite.native_balance(Side::Target, &suite.target_user("bob"), USDC).unwrap() - before;
    assert_eq!(paid, bob);
    suite.check_all().unwrap();
}

#[test]
fn a_settlement_the_pool_cannot_pay_in_full_becomes_a_claim_paid_when_cash_comes_back() {
    let (mut suite, _) = below_water();

    // Expiry; the settlement price is 6: each put pays 4 USDC.
    suite.chains.advance_all(30 * DAY);
    price(&mut suite, 600);
    let settle = |suite: &mut Suite, name: &str| {
        let account = suite.target_user(name).to_string();
        suite.engine_as("keeper", &engine::ExecuteMsg::SettleAccount { account }, &[]).unwrap()
    };

    // Carol is settled first. Her 271 puts are due 1,084 USDC; the pool's free cash pays what it can, the rest is
    // her claim. Her calls expire worthless.
    let pool = suite.pool().unwrap();
    let carol = suite.engine_account("carol").unwrap();
    let due = 271 * 4 * USDC_1;
    let free = pool.free_cash.i128() as u128;
    assert!(free < due, "the pool cannot pay it all: {pool:?}");
    let r = settle(&mut suite, "carol");
    let claim = due - free;
    assert_eq!(isthmus_tests::market::attr(&r, "claim_paid"), "0");
    assert_eq!(isthmus_tests::market::attr(&r, "claim"), claim.to_string());
    let after = suite.engine_account("carol").unwrap();
    assert_eq!((after.cash.i128() - carol.cash.i128()) as u128, free);
    assert_eq!(after.claim, Uint128::new(claim));
    assert!(after.positions.is_empty());
    let pool = suite.pool().unwrap();
    assert_eq!(pool.liquid_cash, Int128::zero());
    assert_eq!(pool.claims, Uint128::new(claim));
    assert_eq!(pool.free_cash, Int128::new(-(claim as i128)));
    // The claim counts like cash in her margin.
    let margin = suite.margin("carol").unwrap();
    assert_eq!(margin.claim, Uint128::new(claim));
    assert_eq!(
        margin.equity.i128(),
        after.cash.i128() + claim as i128 + margin.collateral_value_maintenance.u128() as i128
    );
    suite.check_all().unwrap();

    // Alice settles: her 50 puts pay the pool 200 USDC out of her cash. Those tokens are
    // Carol's, whose claim came first.
    settle(&mut suite, "alice");
    assert_eq!(suite.pool().unwrap().liquid_cash, Int128::new(200 * USDC_1 as i128));
    suite.check_all().unwrap();

    // So Bob's 20 puts (80 USDC) are owed to him in full although the pool holds 200 ...
    let bob = suite.engine_account("bob").unwrap();
    settle(&mut suite, "bob");
    let bob_after = suite.engine_account("bob").unwrap();
    assert_eq!((bob_after.cash, bob_after.claim), (bob.cash, Uint128::new(80 * USDC_1)));
    let pool = suite.pool().unwrap();
    assert_eq!(pool.liquid_cash, Int128::new(200 * USDC_1 as i128));
    assert_eq!(pool.claims, Uint128::new(claim + 80 * USDC_1));
    suite.check_all().unwrap();

    // ... and no premium is paid out of them either: Alice may not sell the pool a put of a
    // new expiry, though its premium is far less than the 200 the pool holds.
    let expiry = suite.now() + 30 * DAY;
    let listed_later = suite
        .admin_engine(&engine::ExecuteMsg::ListSeries(engine::SeriesParams {
            underlying: "ATOM".into(),
            strike: Decimal::from_ratio(6u128, 1u128),
            expiry,
            kind: engine::OptionKind::Put,
            contract_size: Decimal::one(),
            open_interest_cap: Uint128::new(10_000),
        }))
        .unwrap();
    let put_6: u64 = isthmus_tests::market::attr(&listed_later, "series_id").parse().unwrap();
    suite.push_vol("ATOM", expiry, Decimal::percent(60)).unwrap();
    let preview = suite.simulate("alice", &[(put_6, -1)]).unwrap();
    assert!(preview.total_cost.i128() < 0 && preview.total_cost.i128().unsigned_abs() < 200 * USDC_1);
    let expected = ContractError::PoolIlliquid {
        requested: Uint128::new(preview.total_cost.i128().unsigned_abs()),
        free: pool.free_cash,
    };
    assert_eq!(preview.refusal, Some(expected.to_string()));
    assert_error(&suite.trade("alice", &[(put_6, -1)], i128::MAX).unwrap_err(), expected);
    suite.check_all().unwrap();

    // Carol, settled again, is paid the 200.
    let r = settle(&mut suite, "carol");
    assert_eq!(isthmus_tests::market::attr(&r, "claim_paid"), (200 * USDC_1).to_string());
    let later = suite.engine_account("carol").unwrap();
    assert_eq!(later.cash.i128() - after.cash.i128(), 200 * USDC_1 as i128);
    assert_eq!(later.claim, Uint128::new(claim - 200 * USDC_1));
    let pool = suite.pool().unwrap();
    assert_eq!(pool.liquid_cash, Int128::zero());
    assert_eq!(pool.claims, later.claim + Uint128::new(80 * USDC_1));
    suite.check_all().unwrap();

    // Nothing but the claim may be paid while it is owed: the LPs' shares are worth nothing.
    let lp = suite.target_user("lp");
    let shares: engine::LpResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.lens, &isthmus_protocol::lens::QueryMsg::Lp { address: lp.to_string() })
        .unwrap();
    let err = suite.engine_as("lp", &engine::ExecuteMsg::PoolWithdraw { shares: shares.shares }, &[]).unwrap_err();
    assert_error(&err, ContractError::PoolInsolvent);
    suite.check_all().unwrap();

    // Carol's cash is hers: she withdraws all of it, and so does Alice.
    let cash = later.cash.i128() as u128;
    suite.engine_as("carol", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(cash) }, &[]).unwrap();
    let alice = suite.engine_account("alice").unwrap().cash.i128() as u128;
    suite.engine_as("alice", &engine::ExecuteMsg::WithdrawCash { amount: Uint128::new(alice) }, &[]).unwrap();
    suite.check_all().unwrap();
}
