//! Symbols priced by an oracle (docs/oracles.md): the Pyth contract and the Slinky / Connect
//! `x/oracle` module, each played by a stand-in answering on its real wire
//! (`isthmus_tests::oracles`). A pull stores the oracle's price through the same path as a
//! feeder push: exact scaling of exponents and decimals, Mars-style staleness, Pyth's
//! confidence, no future prices, older prices skipped; refusals change nothing; feeders are
//! refused on an oracle symbol; trades and settlement read the pulled price.

use std::str::FromStr;

use cosmwasm_std::{Addr, Decimal};
use isthmus_protocol::engine::{self, PriceSource, SlinkyApi};
use isthmus_tests::market::{attr, Listed, DAY};
use isthmus_tests::oracles::{PythQuote, SlinkyOracle, SlinkyQuote};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use options_engine::error::{ContractError, Role};

const FEED: &str = "b00b60f88b03a6a625a8d1c048c3f66653edf217439983d037e7222c4e612819";
/// `open_market`'s freshness rule for ATOM.
const MAX_AGE: u64 = 60;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn quote(price: i64, conf: u64, expo: i32, publish_time: u64) -> PythQuote {
    PythQuote { price, conf, expo, publish_time: publish_time as i64 }
}

/// The suite's market with ATOM priced by a Pyth stand-in (confidence up to 100 bps); the
/// feeder's opening price (10 at the start) is the stored point.
fn pyth_market() -> (Suite, Listed, Addr) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    let pyth = suite.deploy_pyth().unwrap();
    // The id in any case: stored as Pyth writes it, lower case.
    let r = suite
        .set_price_source(
            "ATOM",
            PriceSource::Pyth {
                contract: pyth.to_string(),
                price_feed_id: FEED.to_uppercase(),
                max_confidence_bps: 100,
            },
        )
        .unwrap();
    assert_eq!(attr(&r, "price_feed_id"), FEED);
    let shown = suite.stored_price("ATOM").unwrap().source;
    let expected =
        PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED.into(), max_confidence_bps: 100 };
    assert_eq!(shown, expected, "the lens shows the source");
    (suite, listed, pyth)
}

fn stored(suite: &Suite) -> (Decimal, u64) {
    let p = suite.stored_price("ATOM").unwrap();
    (p.price, p.publish_time)
}

#[test]
fn a_pyth_price_is_stored_exactly_and_a_repeated_pull_is_skipped() {
    let (mut suite, _, pyth) = pyth_market();
    suite.chains.advance_all(10);
    let now = suite.now();
    // 1234567890 x 10^-8, ± 0.01 (8.1 bps).
    suite.set_pyth(&pyth, FEED, quote(1_234_567_890, 1_000_000, -8, now)).unwrap();
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, "price:ATOM"), format!("12.3456789@{now}"));
    assert_eq!(stored(&suite), (dec("12.3456789"), now));
    assert!(suite.stored_price("ATOM").unwrap().fresh);

    // The same answer again: nothing newer, skipped without an error.
    suite.chains.advance_all(5);
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, "skipped:ATOM"), format!("published {now} not after the stored {now}"));
    assert_eq!(attr(&r, "price:ATOM"), "");
    assert_eq!(stored(&suite), (dec("12.3456789"), now));

    // A positive exponent and an exponent of zero.
    suite.chains.advance_all(5);
    let later = suite.now();
    suite.set_pyth(&pyth, FEED, quote(123, 1, 2, later)).unwrap();
    suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(stored(&suite), (dec("12300"), later));
}

#[test]
fn an_older_pyth_price_is_skipped_and_changes_nothing() {
    let (mut suite, _, pyth) = pyth_market();
    suite.chains.advance_all(20);
    let now = suite.now();
    suite.set_pyth(&pyth, FEED, quote(1_100_000_000, 0, -8, now)).unwrap();
    suite.pull_prices(&["ATOM"]).unwrap();
    // The oracle now answers a point older than the stored one (still fresh, still newer
    // than the feeder's): skipped, the stored point stays.
    suite.set_pyth(&pyth, FEED, quote(999_000_000, 0, -8, now - 5)).unwrap();
    let r = suite.pull_prices(&["ATOM", "ATOM"]).unwrap();
    assert_eq!(attr(&r, "skipped:ATOM"), format!("published {} not after the stored {now}", now - 5));
    assert_eq!(stored(&suite), (dec("11"), now));
}

#[test]
fn pyth_prices_failing_a_check_are_refused_and_change_nothing() {
    let (mut suite, _, pyth) = pyth_market();
    let before = stored(&suite);
    suite.chains.advance_all(100);
    let now = suite.now();
    let symbol = || "ATOM".to_string();
    let cases: Vec<(PythQuote, ContractError)> = vec![
        // Older than max_price_age_seconds, as Mars refuses a stale Pyth price.
        (
            quote(1_000_000_000, 0, -8, now - MAX_AGE - 1),
            ContractError::StalePrice { symbol: symbol(), age: MAX_AGE + 1, max: MAX_AGE },
        ),
        // ± 2% against at most 1%.
        (
            quote(1_000_000_000, 20_000_000, -8, now),
            ContractError::ConfidenceTooWide { symbol: symbol(), conf_bps: 200, max_bps: 100 },
        ),
        // One unit past 100 bps: refused, rounded up in the error.
        (
            quote(1_000_000_000, 10_000_001, -8, now),
            ContractError::ConfidenceTooWide { symbol: symbol(), conf_bps: 101, max_bps: 100 },
        ),
        (
            // Beyond the pull window ahead of the block (within it, a point is recorded at the
            // block's time: `pulls_are_held_to_their_window`).
            quote(1_000_000_000, 0, -8, now + MAX_AGE + 1),
            ContractError::FuturePublish { publish_time: now + MAX_AGE + 1, now },
        ),
        (
            quote(0, 0, -8, now),
            ContractError::OraclePriceRefused { symbol: symbol(), reason: "price 0 is not above zero".into() },
        ),
        (
            quote(-5, 0, -8, now),
            ContractError::OraclePriceRefused { symbol: symbol(), reason: "price -5 is not above zero".into() },
        ),
        // Too large for a Decimal, and too small to be anything but zero: errors, not panics.
        (
            quote(i64::MAX, 0, i32::MAX, now),
            ContractError::OraclePriceRefused {
                symbol: symbol(),
                reason: format!("10^{} is too large for a Decimal", i32::MAX),
            },
        ),
        (
            quote(5, 0, -19, now),
            ContractError::OraclePriceRefused { symbol: symbol(), reason: "5 x 10^-19 is zero at 18 decimals".into() },
        ),
    ];
    for (bad, expected) in cases {
        suite.set_pyth(&pyth, FEED, bad).unwrap();
        let err = suite.pull_prices(&["ATOM"]).unwrap_err();
        assert_error(&err, expected);
        assert_eq!(stored(&suite), before, "{bad:?} changed the price book");
    }
    // Exactly 100 bps and exactly max_price_age_seconds old: accepted.
    suite.set_pyth(&pyth, FEED, quote(1_000_000_000, 10_000_000, -8, now - MAX_AGE)).unwrap();
    suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(stored(&suite), (dec("10"), now - MAX_AGE));
}

#[test]
fn an_unknown_pyth_feed_is_an_unavailable_oracle() {
    let (mut suite, _, _) = pyth_market();
    // No feed set on the stand-in: the contract's PriceFeedNotFound.
    let err = suite.pull_prices(&["ATOM"]).unwrap_err();
    match isthmus_tests::errors::contract_error::<ContractError>(&err) {
        Some(ContractError::OracleUnavailable { symbol, reason }) => {
            assert_eq!(symbol, "ATOM");
            assert!(reason.contains("PriceFeedNotFound"), "{reason}");
        }
        other => panic!("expected OracleUnavailable, got {other:?}: {err:#}"),
    }
}

#[test]
fn feeders_are_refused_on_an_oracle_symbol_and_sources_are_the_risk_managers() {
    let (mut suite, _, pyth) = pyth_market();
    suite.chains.advance_all(10);
    let before = stored(&suite);
    let err = suite.push_price("ATOM", dec("11")).unwrap_err();
    assert_error(&err, ContractError::OracleSourced { symbol: "ATOM".into() });
    assert_eq!(stored(&suite), before);

    // Only the risk manager sets a source.
    let source = PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED.into(), max_confidence_bps: 50 };
    let err = suite
        .engine_as(
            "alice",
            &engine::ExecuteMsg::SetPriceSource {
                symbol: "ATOM".into(),
                source: source.clone(),
                max_pull_age_seconds: None,
            },
            &[],
        )
        .unwrap_err();
    assert_error(&err, ContractError::unauthorized("set_price_source", Role::RiskManager));
    // Malformed sources are refused.
    let invalid =
        |field: &str, reason: &str| ContractError::InvalidInput { field: field.into(), reason: reason.into() };
    let bad = [
        (
            PriceSource::Pyth {
                contract: pyth.to_string(),
                price_feed_id: format!("0x{}", &FEED[2..]),
                max_confidence_bps: 50,
            },
            invalid("price_feed_id", "64 hex characters (32 bytes, no 0x)"),
        ),
        (
            PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED[..62].into(), max_confidence_bps: 50 },
            invalid("price_feed_id", "64 hex characters (32 bytes, no 0x)"),
        ),
        (
            PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED.into(), max_confidence_bps: 0 },
            invalid("max_confidence_bps", "1 to 2000 (at most 20% of the price)"),
        ),
        (
            PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED.into(), max_confidence_bps: 2_001 },
            invalid("max_confidence_bps", "1 to 2000 (at most 20% of the price)"),
        ),
        (
            PriceSource::Slinky { currency_pair: "ATOMUSD".into(), api: SlinkyApi::ConnectV2 },
            invalid("currency_pair", "BASE/QUOTE, at most 64 characters"),
        ),
        (
            PriceSource::Slinky { currency_pair: "ATOM/".into(), api: SlinkyApi::SlinkyV1 },
            invalid("currency_pair", "BASE/QUOTE, at most 64 characters"),
        ),
    ];
    for (source, expected) in bad {
        assert_error(&suite.set_price_source("ATOM", source).unwrap_err(), expected);
    }
    assert_error(
        &suite.set_price_source("BTC", PriceSource::Push).unwrap_err(),
        ContractError::UnknownSymbol { symbol: "BTC".into() },
    );

    // Back to feeders: pushes work again, pulls are refused.
    let r = suite.set_price_source("ATOM", PriceSource::Push).unwrap();
    assert_eq!(attr(&r, "source"), "push");
    assert_eq!(suite.stored_price("ATOM").unwrap().source, PriceSource::Push);
    suite.push_price("ATOM", dec("11")).unwrap();
    assert_eq!(stored(&suite), (dec("11"), suite.now()));
    let err = suite.pull_prices(&["ATOM"]).unwrap_err();
    assert_error(&err, ContractError::NotOracleSourced { symbol: "ATOM".into() });
    let err = suite.pull_prices(&[]).unwrap_err();
    assert_error(&err, ContractError::InvalidInput { field: "symbols".into(), reason: "1 to 32 per pull".into() });
}

/// What a buyer of 10 calls at 10 pays, on a market whose ATOM spot is 12.3456789 at
/// `open_market` + 10 s: pushed by the feeder, or pulled from Pyth.
fn cost_of_ten_calls(pulled: bool) -> i128 {
    let (mut suite, listed) = if pulled {
        let (mut suite, listed, pyth) = pyth_market();
        suite.chains.advance_all(10);
        let now = suite.now();
        suite.set_pyth(&pyth, FEED, quote(1_234_567_890, 100_000, -8, now)).unwrap();
        suite.pull_prices(&["ATOM"]).unwrap();
        (suite, listed)
    } else {
        let mut suite = SuiteBuilder::new().build().unwrap();
        let listed = suite.open_market(1_000_000_000_000).unwrap();
        suite.chains.advance_all(10);
        suite.push_price("ATOM", dec("12.3456789")).unwrap();
        (suite, listed)
    };
    assert_eq!(suite.stored_price("ATOM").unwrap().price, dec("12.3456789"));
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    let simulated = suite.simulate("alice", &[(listed.call_10, 10)]).unwrap();
    let before = suite.engine_account("alice").unwrap().cash.i128();
    suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap();
    let cost = before - suite.engine_account("alice").unwrap().cash.i128();
    assert_eq!(simulated.total_cost.i128(), cost, "the simulation reads the same price book");
    suite.check_cash_conservation().unwrap();
    cost
}

#[test]
fn a_trade_is_priced_off_the_pulled_price() {
    let pulled = cost_of_ten_calls(true);
    let pushed = cost_of_ten_calls(false);
    assert_eq!(pulled, pushed);
    // In the money by 2.35 a call: far above what the opening spot of 10 would cost.
    assert!(pulled > 10 * 2_345_678, "{pulled}");
}

#[test]
fn a_pull_after_expiry_fixes_the_settlement_price() {
    let (mut suite, listed, pyth) = pyth_market();
    let settlement = |suite: &Suite| -> Option<Decimal> {
        let r: engine::SettlementPriceResponse = suite
            .view(&isthmus_protocol::lens::QueryMsg::SettlementPrice {
                underlying: "ATOM".into(),
                expiry: listed.expiry,
            })
            .unwrap();
        r.price
    };
    // Just before expiry: a price, no settlement.
    suite.chains.advance_all(30 * DAY - 30);
    let now = suite.now();
    suite.set_pyth(&pyth, FEED, quote(1_200_000_000, 0, -8, now)).unwrap();
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, format!("settlement_price:ATOM:{}", listed.expiry).as_str()), "");
    assert_eq!(settlement(&suite), None);
    // The first pull of a price published at or after expiry fixes it.
    suite.chains.advance_all(40);
    let now = suite.now();
    assert!(now >= listed.expiry);
    suite.set_pyth(&pyth, FEED, quote(1_250_000_000, 0, -8, now)).unwrap();
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, format!("settlement_price:ATOM:{}", listed.expiry).as_str()), "12.5");
    assert_eq!(settlement(&suite), Some(dec("12.5")));
    // A later pull does not move it.
    suite.chains.advance_all(10);
    let now = suite.now();
    suite.set_pyth(&pyth, FEED, quote(900_000_000, 0, -8, now)).unwrap();
    suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(settlement(&suite), Some(dec("12.5")));
    assert_eq!(stored(&suite), (dec("9"), now));
}

fn slinky_quote(price: &str, decimals: u64, block_seconds: u64) -> SlinkyQuote {
    SlinkyQuote {
        price: price.into(),
        decimals,
        block_seconds: block_seconds as i64,
        block_nanos: 750_000_000,
        block_height: 1_234,
    }
}

/// The suite's market with ATOM priced by the chain's `x/oracle` (stand-in) through `api`.
fn slinky_market(api: SlinkyApi) -> (Suite, Listed, SlinkyOracle) {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let listed = suite.open_market(1_000_000_000_000).unwrap();
    let oracle = SlinkyOracle::default();
    oracle.install(&suite);
    suite.set_price_source("ATOM", PriceSource::Slinky { currency_pair: "ATOM/USD".into(), api }).unwrap();
    (suite, listed, oracle)
}

#[test]
fn slinky_and_connect_prices_are_stored_with_their_decimals() {
    for (api, path) in [
        (SlinkyApi::SlinkyV1, "/slinky.oracle.v1.Query/GetPrice"),
        (SlinkyApi::ConnectV2, "/connect.oracle.v2.Query/GetPrice"),
    ] {
        let (mut suite, _, oracle) = slinky_market(api);
        suite.chains.advance_all(10);
        let now = suite.now();
        // 8 decimals, the module's default for USD pairs.
        oracle.set("ATOM/USD", slinky_quote("1234567890", 8, now));
        let r = suite.pull_prices(&["ATOM"]).unwrap();
        assert_eq!(attr(&r, "price:ATOM"), format!("12.3456789@{now}"));
        assert_eq!(stored(&suite), (dec("12.3456789"), now));
        // 18 decimals (an ETHEREUM-quoted pair's), and the nanoseconds do not round up.
        suite.chains.advance_all(10);
        let later = suite.now();
        oracle.set("ATOM/USD", slinky_quote("12500000000000000001", 18, later));
        suite.pull_prices(&["ATOM"]).unwrap();
        assert_eq!(stored(&suite), (dec("12.500000000000000001"), later));
        // A repeated pull is skipped.
        suite.chains.advance_all(10);
        let r = suite.pull_prices(&["ATOM"]).unwrap();
        assert_eq!(attr(&r, "skipped:ATOM"), format!("published {later} not after the stored {later}"));
        assert_eq!(stored(&suite), (dec("12.500000000000000001"), later));
        assert!(oracle.queried.read().unwrap().iter().all(|p| p == path), "{api:?} asked {path} only");
    }
}

#[test]
fn slinky_prices_failing_a_check_are_refused_and_change_nothing() {
    let (mut suite, _, oracle) = slinky_market(SlinkyApi::ConnectV2);
    let before = stored(&suite);
    // A pair the module does not track.
    let err = suite.pull_prices(&["ATOM"]).unwrap_err();
    match isthmus_tests::errors::contract_error::<ContractError>(&err) {
        Some(ContractError::OracleUnavailable { symbol, reason }) => {
            assert_eq!(symbol, "ATOM");
            assert!(reason.contains("not tracking this CurrencyPair"), "{reason}");
        }
        other => panic!("expected OracleUnavailable, got {other:?}: {err:#}"),
    }
    suite.chains.advance_all(100);
    let now = suite.now();
    let symbol = || "ATOM".to_string();
    let refused = |reason: &str| ContractError::OraclePriceRefused { symbol: symbol(), reason: reason.into() };
    let cases = vec![
        (
            slinky_quote("1000000000", 8, now - MAX_AGE - 1),
            ContractError::StalePrice { symbol: symbol(), age: MAX_AGE + 1, max: MAX_AGE },
        ),
        (
            slinky_quote("1000000000", 8, now + MAX_AGE + 1),
            ContractError::FuturePublish { publish_time: now + MAX_AGE + 1, now },
        ),
        (slinky_quote("0", 8, now), refused("price 0 is not above zero")),
        (slinky_quote("-1000000000", 8, now), refused("price -1000000000 is not above zero")),
        (slinky_quote(&"9".repeat(40), 8, now), refused(&format!("price {} is too large", "9".repeat(40)))),
        (slinky_quote("1", 19, now), refused("1 x 10^-19 is zero at 18 decimals")),
    ];
    for (bad, expected) in cases {
        oracle.set("ATOM/USD", bad.clone());
        let err = suite.pull_prices(&["ATOM"]).unwrap_err();
        assert_error(&err, expected);
        assert_eq!(stored(&suite), before, "{bad:?} changed the price book");
    }
    // An older point than the stored one is skipped.
    oracle.set("ATOM/USD", slinky_quote("1100000000", 8, now));
    suite.pull_prices(&["ATOM"]).unwrap();
    oracle.set("ATOM/USD", slinky_quote("1200000000", 8, now - 1));
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, "skipped:ATOM"), format!("published {} not after the stored {now}", now - 1));
    assert_eq!(stored(&suite), (dec("11"), now));
}

#[test]
fn a_pull_moves_the_pools_risk_like_a_push_and_one_refusal_stores_nothing() {
    let (mut suite, listed, pyth) = pyth_market();
    // A second symbol on the chain's oracle, with no price yet.
    suite
        .admin_engine(&engine::ExecuteMsg::ConfigureSymbol(engine::SymbolParams {
            symbol: "OSMO".into(),
            max_price_age_seconds: MAX_AGE,
            lenient_price_age_seconds: DAY,
            max_vol_age_seconds: 3600,
            max_pool_delta: dec("1000"),
        }))
        .unwrap();
    let oracle = SlinkyOracle::default();
    oracle.install(&suite);
    suite
        .set_price_source("OSMO", PriceSource::Slinky { currency_pair: "OSMO/USD".into(), api: SlinkyApi::ConnectV2 })
        .unwrap();
    // The pool holds a position on ATOM, at a snapshot of spot 10.
    suite.deposit_cash("alice", 1_000_000_000).unwrap();
    suite.trade("alice", &[(listed.call_10, 10)], i128::MAX).unwrap();
    let risk = |suite: &Suite| -> engine::PoolRiskResponse {
        suite.view(&isthmus_protocol::lens::QueryMsg::PoolRisk { underlying: "ATOM".into() }).unwrap()
    };
    assert_eq!(risk(&suite).stale, None);

    // ATOM's answer is good, OSMO's stale: the call fails and stores neither.
    suite.chains.advance_all(100);
    let now = suite.now();
    suite.set_pyth(&pyth, FEED, quote(1_030_000_000, 0, -8, now)).unwrap();
    oracle.set("OSMO/USD", slinky_quote("50000000", 8, now - MAX_AGE - 5));
    let pull = engine::ExecuteMsg::PullPrices { symbols: vec!["ATOM".into(), "OSMO".into()] };
    let before = stored(&suite);
    let err = suite.engine_as("carol", &pull, &[]).unwrap_err();
    assert_error(&err, ContractError::StalePrice { symbol: "OSMO".into(), age: MAX_AGE + 5, max: MAX_AGE });
    assert_eq!(stored(&suite), before);
    assert!(suite.stored_price("OSMO").is_err(), "no OSMO price stored");
    assert_eq!(risk(&suite).stale, None);

    // Both good: anyone's pull stores both, and ATOM's 3% move flags the pool's snapshot as
    // a feeder's push of it would.
    oracle.set("OSMO/USD", slinky_quote("50000000", 8, now));
    let r = suite.engine_as("carol", &pull, &[]).unwrap();
    assert_eq!(attr(&r, "price:ATOM"), format!("10.3@{now}"));
    assert_eq!(attr(&r, "price:OSMO"), format!("0.5@{now}"));
    assert_eq!(stored(&suite), (dec("10.3"), now));
    assert_eq!(suite.stored_price("OSMO").unwrap().price, dec("0.5"));
    assert_eq!(risk(&suite).stale.as_deref(), Some("the market moved beyond the drift limits"));
}

/// The pull window (docs/oracles.md): with a window of 5 s a puller cannot pick an older Pyth
/// update that the oracle still holds valid (the round trip an attacker would trade on), a
/// point a little ahead of the chain's clock is recorded at the block's time, a point published
/// more than the window after an expiry does not fix its settlement price (the risk manager's
/// fallback does), and a pull carries no funds.
#[test]
fn pulls_are_held_to_their_window() {
    let (mut suite, listed, pyth) = pyth_market();
    let source = PriceSource::Pyth { contract: pyth.to_string(), price_feed_id: FEED.into(), max_confidence_bps: 100 };
    let r = suite.set_price_source_with_window("ATOM", source.clone(), Some(5)).unwrap();
    assert_eq!(attr(&r, "max_pull_age_seconds"), "5");
    // A window beyond the symbol's price age is refused.
    let err = suite.set_price_source_with_window("ATOM", source, Some(MAX_AGE + 1)).unwrap_err();
    assert_error(
        &err,
        ContractError::InvalidInput {
            field: "max_pull_age_seconds".into(),
            reason: "1 to the symbol's max_price_age_seconds".into(),
        },
    );

    suite.chains.advance_all(20);
    let now = suite.now();
    let before = stored(&suite);
    // Six seconds old: still a valid Pyth update, and within the symbol's 60 s price age, but
    // outside the window.
    suite.set_pyth(&pyth, FEED, quote(1_019_000_000, 0, -8, now - 6)).unwrap();
    let err = suite.pull_prices(&["ATOM"]).unwrap_err();
    assert_error(&err, ContractError::StalePrice { symbol: "ATOM".into(), age: 6, max: 5 });
    assert_eq!(stored(&suite), before);
    // Three seconds ahead of the block: recorded at the block's time.
    suite.set_pyth(&pyth, FEED, quote(1_010_000_000, 0, -8, now + 3)).unwrap();
    suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(stored(&suite), (dec("10.1"), now));
    // Funds sent with a pull are refused, not kept.
    let keeper = suite.target_user("keeper");
    let engine = suite.engine.clone();
    let msg = engine::ExecuteMsg::PullPrices { symbols: vec!["ATOM".into()] };
    let funds = [cosmwasm_std::coin(1, isthmus_tests::suite::USDC)];
    let err = suite.chains.execute(isthmus_ibc_bench::Side::Target, &keeper, &engine, &msg, &funds).unwrap_err();
    assert_error(&err, ContractError::Payment(cw_utils::PaymentError::NonPayable {}));

    // After the expiry, a point published 8 s after it (2 s old when pulled) is stored but
    // fixes no settlement price: whoever pulls first after an expiry cannot wait for a price.
    suite.chains.advance_all(listed.expiry + 10 - suite.now());
    let now = suite.now();
    suite.set_pyth(&pyth, FEED, quote(1_300_000_000, 0, -8, now - 2)).unwrap();
    let r = suite.pull_prices(&["ATOM"]).unwrap();
    assert_eq!(attr(&r, format!("settlement_price:ATOM:{}", listed.expiry).as_str()), "");
    assert_eq!(stored(&suite), (dec("13"), now - 2));
    let settled: engine::SettlementPriceResponse = suite
        .view(&isthmus_protocol::lens::QueryMsg::SettlementPrice { underlying: "ATOM".into(), expiry: listed.expiry })
        .unwrap();
    assert_eq!(settled.price, None);
}

/// A Pyth contract that answers for another feed than the one asked (a misconfigured or hostile
/// contract) is refused, and the price book does not move.
#[test]
fn a_pyth_answer_for_another_feed_is_refused() {
    let (mut suite, _, pyth) = pyth_market();
    suite.chains.advance_all(10);
    let now = suite.now();
    let before = stored(&suite);
    let other = "ff".repeat(32);
    suite.set_pyth_answering_as(&pyth, FEED, &other, quote(2_000_000_000, 0, -8, now)).unwrap();
    let err = suite.pull_prices(&["ATOM"]).unwrap_err();
    assert_error(
        &err,
        ContractError::OraclePriceRefused { symbol: "ATOM".into(), reason: format!("answered for feed {other}") },
    );
    assert_eq!(stored(&suite), before);
}
