//! The lens: it answers from the engine's storage exactly what the engine answers, pages the
//! engine's raw storage correctly, and refuses to point at anything but an engine.

use cosmwasm_std::{Binary, Order, Uint128};
use cw_multi_test::Executor;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::{engine, lens};
use isthmus_tests::{Suite, SuiteBuilder};

fn both<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    suite: &Suite,
    on_engine: engine::QueryMsg,
    on_lens: lens::QueryMsg,
) -> T {
    let q = suite.chains.target.wrap();
    let direct: T = q.query_wasm_smart(&suite.engine, &on_engine).unwrap();
    let viewed: T = q.query_wasm_smart(&suite.lens, &on_lens).unwrap();
    assert_eq!(direct, viewed, "{on_engine:?}");
    direct
}

/// With a trade, collateral on the source, a fall that makes the account liquidatable and a
/// liquidation that leaves it in debt, the four queries both contracts answer give identical
/// answers, and the numbers are the account's (its short puts, a margin that fails, a debt, a
/// seize quote with a positive amount).
#[test]
fn the_lens_answers_what_the_engine_answers() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    let (listed, written) = suite.put_writer_just_liquidatable("alice").unwrap();

    let alice = suite.target_user("alice").to_string();
    let config: engine::ConfigResponse = both(&suite, engine::QueryMsg::Config {}, lens::QueryMsg::Config {});
    assert_eq!(config.quote_denom, isthmus_tests::suite::USDC);
    let account: engine::AccountResponse = both(
        &suite,
        engine::QueryMsg::Account { account: alice.clone() },
        lens::QueryMsg::Account { account: alice.clone() },
    );
    assert_eq!(account.positions.len(), 1);
    assert_eq!(account.positions[0].quantity, -written);
    let margin: engine::MarginResponse = both(
        &suite,
        engine::QueryMsg::Margin { account: alice.clone() },
        lens::QueryMsg::Margin { account: alice.clone() },
    );
    assert!(margin.liquidatable, "{margin:?}");
    assert!(margin.maintenance_margin.u128() > 0);
    // A crash to 4, then liquidations until the puts are closed, at a loss: the account ends
    // in debt, which a seize repays.
    suite.chains.advance_all(30);
    suite.push_price("ATOM", cosmwasm_std::Decimal::from_ratio(4u128, 1u128)).unwrap();
    suite.push_vol("ATOM", listed.expiry, cosmwasm_std::Decimal::percent(60)).unwrap();
    let keeper = suite.target_user("keeper");
    for _ in 0..10 {
        if suite.engine_account("alice").unwrap().positions.is_empty() {
            break;
        }
        suite.engine_execute(&keeper, &engine::ExecuteMsg::Liquidate { account: alice.clone() }).unwrap();
    }
    let account: engine::AccountResponse = both(
        &suite,
        engine::QueryMsg::Account { account: alice.clone() },
        lens::QueryMsg::Account { account: alice.clone() },
    );
    assert!(account.cash.i128() < 0, "in debt: {account:?}");
    let owner = suite.user("alice").to_string();
    let quote: engine::SeizeQuoteResponse = both(
        &suite,
        engine::QueryMsg::SeizeQuote {
            account: alice.clone(),
            source_id: suite.sources[0].source_id().into(),
            owner: owner.clone(),
            asset: AssetInfo::native("uatom"),
            repay: Uint128::new(1_000_000),
        },
        lens::QueryMsg::SeizeQuote {
            account: alice,
            source_id: suite.sources[0].source_id().into(),
            owner,
            asset: AssetInfo::native("uatom"),
            repay: Uint128::new(1_000_000),
        },
    );
    assert!(quote.amount.u128() > 0, "{quote:?}");
    let about: lens::LensResponse =
        suite.chains.target.wrap().query_wasm_smart(&suite.lens, &lens::QueryMsg::Lens {}).unwrap();
    assert_eq!(about.engine, suite.engine);
}

/// `RawRange` pages: bounded by its maximum, in both orders, and page after page it covers the
/// engine's storage exactly once, as the lens walks it.
#[test]
fn raw_range_pages_cover_the_engine_storage_once() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.open_market(1_000_000_000).unwrap();
    let q = suite.chains.target.wrap();
    let page = |start: Option<Vec<u8>>, end: Option<Vec<u8>>, descending: bool, limit: u32| {
        let r: engine::RawRangeResponse = q
            .query_wasm_smart(
                &suite.engine,
                &engine::QueryMsg::RawRange {
                    start: start.map(Binary::new),
                    end: end.map(Binary::new),
                    descending,
                    limit: Some(limit),
                },
            )
            .unwrap();
        r.entries.into_iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect::<Vec<_>>()
    };
    let everything = page(None, None, false, engine::RAW_RANGE_MAX);
    assert!(everything.len() > 10 && everything.len() < engine::RAW_RANGE_MAX as usize, "{}", everything.len());
    assert!(everything.windows(2).all(|w| w[0].0 < w[1].0), "ascending keys");
    // A limit above the maximum is the maximum; pages of 3 walked forwards and backwards.
    assert_eq!(page(None, None, false, 10_000).len(), everything.len());
    let (mut forwards, mut start) = (vec![], None);
    loop {
        let p = page(start.clone(), None, false, 3);
        assert!(p.len() <= 3);
        let Some((last, _)) = p.last().cloned() else { break };
        forwards.extend(p);
        start = Some([last, vec![0]].concat());
    }
    assert_eq!(forwards, everything);
    let (mut backwards, mut end) = (vec![], None);
    loop {
        let p = page(None, end.clone(), true, 3);
        let Some((last, _)) = p.last().cloned() else { break };
        backwards.extend(p);
        end = Some(last);
    }
    backwards.reverse();
    assert_eq!(backwards, everything);
    // The engine's own storage, read directly, agrees.
    let direct: Vec<_> =
        suite.chains.target.contract_storage(&suite.engine).range(None, None, Order::Ascending).collect();
    assert_eq!(direct, everything);
}

/// A lens must point at the engine whose version it reads (its cw2 name and version):
/// instantiating one over the controller is refused.
#[test]
fn a_lens_over_anything_but_an_engine_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let code = suite.chains.target.store_code(isthmus_tests::contracts::options_lens());
    let admin = suite.target_admin.clone();
    let err = suite
        .chains
        .target
        .instantiate_contract(
            code,
            admin,
            &lens::InstantiateMsg { engine: suite.controller.to_string() },
            &[],
            "bad lens",
            None,
        )
        .unwrap_err();
    assert!(
        err.root_cause()
            .to_string()
            .contains("not the engine this lens reads: crates.io:isthmus-liquidation-controller"),
        "{err:#}"
    );
}
