//! Expiry and settlement end to end: the first price at or after expiry fixes the
//! settlement price; positions pay intrinsic value lazily and through the crank; cash is
//! conserved exactly (invariant 3) and the pool's NAV follows.

use cosmwasm_std::Decimal;
use isthmus_protocol::engine;
use isthmus_tests::market::DAY;
use isthmus_tests::SuiteBuilder;

#[test]
fn expiry_settles_at_intrinsic_value_and_conserves_cash() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.deposit_cash("bob", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap();
    suite.trade("bob", &[(listed.put_10, -5)], i128::MAX).unwrap();
    suite.check_cash_conservation().unwrap();
    let alice_cash = suite.engine_account("alice").unwrap().cash.i128();
    let bob_cash = suite.engine_account("bob").unwrap().cash.i128();

    // Just past expiry the oracle reports 12.5: calls pay 2.5, puts nothing.
    suite.chains.advance_all(30 * DAY + 5);
    suite.push_price("ATOM", Decimal::from_ratio(25u128, 2u128)).unwrap();
    let settlement: engine::SettlementPriceResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(
            &suite.lens,
            &isthmus_protocol::lens::QueryMsg::SettlementPrice { underlying: "ATOM".into(), expiry: listed.expiry },
        )
        .unwrap();
    assert_eq!(settlement.price, Some(Decimal::from_ratio(25u128, 2u128)));
    // A later price does not move it.
    suite.chains.advance_all(60);
    suite.push_price("ATOM", Decimal::from_ratio(9u128, 1u128)).unwrap();

    // The crank settles both holders.
    let keeper = "keeper";
    suite.engine_as(keeper, &engine::ExecuteMsg::SettleSeries { series_id: listed.call_10, limit: None }, &[]).unwrap();
    suite.engine_as(keeper, &engine::ExecuteMsg::SettleSeries { series_id: listed.put_10, limit: None }, &[]).unwrap();
    suite.check_cash_conservation().unwrap();
    assert_eq!(suite.engine_account("alice").unwrap().cash.i128(), alice_cash + 10 * 2_500_000);
    assert_eq!(suite.engine_account("bob").unwrap().cash.i128(), bob_cash);
    assert!(suite.engine_account("alice").unwrap().positions.is_empty());
    assert!(suite.engine_account("bob").unwrap().positions.is_empty());
    let pool = suite.pool().unwrap();
    assert_eq!(pool.nav, pool.cash, "no positions left: NAV is cash");
    let series: engine::SeriesResponse = suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.lens, &isthmus_protocol::lens::QueryMsg::Series { series_id: listed.call_10 })
        .unwrap();
    assert!(series.expired && series.open_long.is_zero());
}

#[test]
fn lazy_settlement_runs_when_the_account_is_touched() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.put_10, 3)], i128::MAX).unwrap();
    let cash = suite.engine_account("alice").unwrap().cash.i128();
    suite.chains.advance_all(30 * DAY);
    suite.push_price("ATOM", Decimal::from_ratio(8u128, 1u128)).unwrap(); // puts pay 2
                                                                          // Withdrawing cash settles first, then pays out.
    suite.engine_as("alice", &engine::ExecuteMsg::WithdrawCash { amount: 1u128.into() }, &[]).unwrap();
    assert_eq!(suite.engine_account("alice").unwrap().cash.i128(), cash + 3 * 2_000_000 - 1);
    suite.check_cash_conservation().unwrap();
}

#[test]
fn fallback_settlement_price_only_after_the_window() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(0).unwrap();
    suite.chains.advance_all(30 * DAY + 10);
    let admin = suite.target_admin.clone();
    let msg = engine::ExecuteMsg::SetSettlementPrice {
        underlying: "ATOM".into(),
        expiry: listed.expiry,
        price: Decimal::one(),
    };
    let err = suite.engine_execute(&admin, &msg).unwrap_err();
    assert!(err.root_cause().to_string().contains("fallback settlement is allowed from"), "{err}");
    suite.chains.advance_all(3600);
    suite.engine_execute(&admin, &msg).unwrap();
    let err = suite.engine_execute(&admin, &msg).unwrap_err();
    assert!(err.root_cause().to_string().contains("already set"), "{err}");
}
