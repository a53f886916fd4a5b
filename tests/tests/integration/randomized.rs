//! Randomized scenarios over random relay schedules (reorder, delay, timeout) on two source
//! chains, each with its native asset and its own cw20 token: deposits, withdrawals and
//! injected seizes; then trades, price moves on both chains' assets, liquidations and keeper
//! seizes through the real controller from either chain. Invariants 1, 2, 3 and 5 are
//! checked on every chain after every step and 4 at the end. Cases per test:
//! `ISTHMUS_PROPTEST_CASES` (default 1000).

use cosmwasm_std::Decimal;
use isthmus_ibc_bench::PacketState;
use isthmus_protocol::controller::ExecuteMsg as ControllerMsg;
use isthmus_protocol::engine;
use isthmus_protocol::packet::SeizeRecipient;
use isthmus_tests::market::Listed;
use isthmus_tests::suite::{Suite, USERS};
use isthmus_tests::SuiteBuilder;

/// Source chains every schedule runs over.
const SOURCES: usize = 2;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[derive(Debug, Clone)]
enum Step {
    DepositNative {
        source: usize,
        user: usize,
        amount: u128,
    },
    DepositStk {
        source: usize,
        user: usize,
        amount: u128,
    },
    Withdraw {
        source: usize,
        user: usize,
        stk: bool,
        amount: u128,
    },
    Seize {
        source: usize,
        user: usize,
        stk: bool,
        amount: u128,
        to: usize,
    },
    /// Deliver the packet at `pick % len` (any order); its ack is held.
    Deliver {
        pick: usize,
    },
    /// Bring back the outcome of a delivered packet.
    Settle {
        pick: usize,
    },
    /// Let the packet at `pick % len` time out.
    TimeOut {
        pick: usize,
    },
    Advance {
        seconds: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let user = 0..USERS.len();
    let source = 0..SOURCES;
    prop_oneof![
        3 => (source.clone(), user.clone(), 1u128..5_000)
            .prop_map(|(source, user, amount)| Step::DepositNative { source, user, amount }),
        2 => (source.clone(), user.clone(), 1u128..5_000)
            .prop_map(|(source, user, amount)| Step::DepositStk { source, user, amount }),
        3 => (source.clone(), user.clone(), any::<bool>(), 1u128..4_000)
            .prop_map(|(source, user, stk, amount)| Step::Withdraw { source, user, stk, amount }),
        2 => (source.clone(), user.clone(), any::<bool>(), 1u128..3_000, user.clone())
            .prop_map(|(source, user, stk, amount, to)| Step::Seize { source, user, stk, amount, to }),
        5 => any::<usize>().prop_map(|pick| Step::Deliver { pick }),
        4 => any::<usize>().prop_map(|pick| Step::Settle { pick }),
        1 => any::<usize>().prop_map(|pick| Step::TimeOut { pick }),
        1 => (1u64..900).prop_map(|seconds| Step::Advance { seconds }),
    ]
}

fn run(suite: &mut Suite, steps: &[Step]) -> Result<(), TestCaseError> {
    for step in steps {
        let asset = |source: usize, stk: bool, suite: &Suite| {
            if stk {
                suite.source(source).stk()
            } else {
                suite.source(source).native()
            }
        };
        // User actions may be refused (insufficient funds, nothing usable...): a refusal
        // must change nothing, which the invariant check right after verifies.
        match step.clone() {
            Step::DepositNative { source, user, amount } => {
                let _ = suite.deposit_native_on(source, USERS[user], amount);
            }
            Step::DepositStk { source, user, amount } => {
                let _ = suite.deposit_cw20_on(source, USERS[user], amount);
            }
            Step::Withdraw { source, user, stk, amount } => {
                let a = asset(source, stk, suite);
                let _ = suite.withdraw_on(source, USERS[user], a, amount);
            }
            Step::Seize { source, user, stk, amount, to } => {
                let a = asset(source, stk, suite);
                let recipient = SeizeRecipient::Local { address: suite.user_on(source, USERS[to]).to_string() };
                let _ = suite.seize_on(source, USERS[user], a, amount, recipient);
            }
            Step::Deliver { pick } => relay_step(suite, Relay::Deliver, pick)?,
            Step::Settle { pick } => relay_step(suite, Relay::Settle, pick)?,
            Step::TimeOut { pick } => relay_step(suite, Relay::TimeOut, pick)?,
            Step::Advance { seconds } => suite.chains.advance_all(seconds),
        }
        suite.check_invariants().map_err(fail)?;
    }
    suite.resolve_all_and_check().map_err(fail)
}

/// What the relayer does to one packet, picked among those it applies to.
enum Relay {
    Deliver,
    Settle,
    TimeOut,
}

fn relay_step(suite: &mut Suite, what: Relay, pick: usize) -> Result<(), TestCaseError> {
    let wants_sent = !matches!(what, Relay::Settle);
    let candidates: Vec<usize> = (0..suite.chains.in_flight().len())
        .filter(|&i| (suite.chains.in_flight()[i].state == PacketState::Sent) == wants_sent)
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let index = candidates[pick % candidates.len()];
    match what {
        Relay::Deliver => suite.chains.deliver(index).map(|_| ()),
        Relay::Settle => suite.chains.settle(index).map(|_| ()),
        Relay::TimeOut => suite.chains.time_out(index).map(|_| ()),
    }
    .map_err(fail)
}

fn fail(e: anyhow::Error) -> TestCaseError {
    TestCaseError::fail(format!("{e:#}"))
}

#[test]
fn random_flows_over_random_relay_schedules_keep_the_invariants() {
    let cases = std::env::var("ISTHMUS_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&proptest::collection::vec(step(), 1..40), |steps| {
            let mut suite = SuiteBuilder::new().with_sources(SOURCES).build().map_err(fail)?;
            run(&mut suite, &steps)
        })
        .unwrap();
}

#[derive(Debug, Clone)]
enum MarketStep {
    DepositNative {
        source: usize,
        user: usize,
        amount: u128,
    },
    Withdraw {
        source: usize,
        user: usize,
        amount: u128,
    },
    Trade {
        user: usize,
        series: usize,
        quantity: i64,
    },
    /// ATOM moves by `cents`; OSMO (on the second chain) by `osmo_cents`, so the chains'
    /// collateral moves together or apart.
    Price {
        cents: u128,
        osmo_cents: u128,
    },
    Liquidate {
        user: usize,
        caller: usize,
    },
    Seize {
        source: usize,
        user: usize,
        repay: u128,
        keeper: usize,
    },
    CoverBadDebt {
        user: usize,
    },
    Deliver {
        pick: usize,
    },
    Settle {
        pick: usize,
    },
    TimeOut {
        pick: usize,
    },
    Advance {
        seconds: u64,
    },
}

fn market_step() -> impl Strategy<Value = MarketStep> {
    let user = 0..USERS.len();
    prop_oneof![
        2 => (0..SOURCES, user.clone(), 1u128..200_000_000)
            .prop_map(|(source, user, amount)| MarketStep::DepositNative { source, user, amount }),
        2 => (0..SOURCES, user.clone(), 1u128..100_000_000)
            .prop_map(|(source, user, amount)| MarketStep::Withdraw { source, user, amount }),
        4 => (user.clone(), 0usize..3, -60i64..60).prop_map(|(user, series, quantity)| MarketStep::Trade { user, series, quantity }),
        4 => (250u128..1_200, 25u128..120).prop_map(|(cents, osmo_cents)| MarketStep::Price { cents, osmo_cents }),
        4 => (user.clone(), user.clone()).prop_map(|(user, caller)| MarketStep::Liquidate { user, caller }),
        4 => (0..SOURCES, user.clone(), 1u128..500_000_000, user.clone())
            .prop_map(|(source, user, repay, keeper)| MarketStep::Seize { source, user, repay, keeper }),
        1 => user.clone().prop_map(|user| MarketStep::CoverBadDebt { user }),
        5 => any::<usize>().prop_map(|pick| MarketStep::Deliver { pick }),
        4 => any::<usize>().prop_map(|pick| MarketStep::Settle { pick }),
        1 => any::<usize>().prop_map(|pick| MarketStep::TimeOut { pick }),
        1 => (1u64..900).prop_map(|seconds| MarketStep::Advance { seconds }),
    ]
}

fn run_market(suite: &mut Suite, listed: &Listed, steps: &[MarketStep]) -> Result<(), TestCaseError> {
    let series = [listed.call_10, listed.put_10, listed.call_11];
    for step in steps {
        match step.clone() {
            MarketStep::DepositNative { source, user, amount } => {
                let _ = suite.deposit_native_on(source, USERS[user], amount);
            }
            MarketStep::Withdraw { source, user, amount } => {
                let asset = suite.source(source).native();
                let _ = suite.withdraw_on(source, USERS[user], asset, amount);
            }
            MarketStep::Trade { user, series: s, quantity } => {
                let _ = suite.trade(USERS[user], &[(series[s], quantity)], i128::MAX);
            }
            MarketStep::Price { cents, osmo_cents } => {
                suite.chains.advance_all(1);
                let price = Decimal::from_ratio(cents, 100u128);
                suite.push_price("ATOM", price).map_err(fail)?;
                suite.push_vol("ATOM", listed.expiry, Decimal::percent(60)).map_err(fail)?;
                suite.push_price("OSMO", Decimal::from_ratio(osmo_cents, 100u128)).map_err(fail)?;
            }
            MarketStep::Liquidate { user, caller } => {
                let account = suite.target_user(USERS[user]).to_string();
                let _ = suite.engine_as(USERS[caller], &engine::ExecuteMsg::Liquidate { account }, &[]);
            }
            MarketStep::Seize { source, user, repay, keeper } => {
                let debt = suite.engine_account(USERS[user]).map_err(fail)?.cash.i128().min(0).unsigned_abs();
                if debt > 0 {
                    let _ = suite.keeper_seize_on(source, USERS[keeper], USERS[user], repay.min(debt), USERS[keeper]);
                }
            }
            MarketStep::CoverBadDebt { user } => {
                let account = suite.target_user(USERS[user]).to_string();
                let _ = suite.controller_as("lp", &ControllerMsg::CoverBadDebt { account }, &[]);
            }
            MarketStep::Deliver { pick } => relay_step(suite, Relay::Deliver, pick)?,
            MarketStep::Settle { pick } => relay_step(suite, Relay::Settle, pick)?,
            MarketStep::TimeOut { pick } => relay_step(suite, Relay::TimeOut, pick)?,
            MarketStep::Advance { seconds } => suite.chains.advance_all(seconds),
        }
        suite.check_all().map_err(fail)?;
    }
    suite.resolve_all_and_check().map_err(fail)?;
    suite.check_cash_conservation().map_err(fail)?;
    suite.check_token_solvency().map_err(fail)
}

#[test]
fn random_trading_crashes_and_liquidations_over_random_relay_schedules_keep_the_invariants() {
    let cases = std::env::var("ISTHMUS_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&proptest::collection::vec(market_step(), 1..40), |steps| {
            let mut suite = SuiteBuilder::new().with_sources(SOURCES).with_controller().build().map_err(fail)?;
            let listed = suite.open_market(1_000_000_000).map_err(fail)?;
            suite.list_native_collateral(0, Decimal::from_ratio(10u128, 1u128)).map_err(fail)?;
            suite.list_native_collateral(1, Decimal::one()).map_err(fail)?;
            for user in USERS {
                suite.deposit_cash(user, 50_000_000).map_err(fail)?;
            }
            // Start from risky books so that crashes, liquidations and seizes are common:
            // alice writes puts and bob writes calls, both against ATOM on the first chain
            // and OSMO on the second.
            for source in 0..SOURCES {
                suite.deposit_native_on(source, "alice", 50_000_000 * 10u128.pow(source as u32)).map_err(fail)?;
                suite.deposit_native_on(source, "bob", 50_000_000 * 10u128.pow(source as u32)).map_err(fail)?;
            }
            suite.relay_all().map_err(fail)?;
            suite.trade("alice", &[(listed.put_10, -150)], i128::MAX).map_err(fail)?;
            suite.trade("bob", &[(listed.call_11, -60)], i128::MAX).map_err(fail)?;
            run_market(&mut suite, &listed, &steps)
        })
        .unwrap();
}
