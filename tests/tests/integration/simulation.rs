//! The wallet's preview is the truth: `SimulateTrade` runs every check `Trade` runs, in the
//! same order, so on random books and random trades (accepted and refused alike) the preview
//! and the signed trade agree on the outcome, the refusal, the cost and the margin after.
//! Cases: `ISTHMUS_SIMULATION_CASES` (default 300; each case runs up to 24 trades).

use cosmwasm_std::Decimal;
use isthmus_protocol::engine;
use isthmus_tests::suite::{Suite, USERS};
use isthmus_tests::SuiteBuilder;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[derive(Debug, Clone)]
enum Action {
    Trade { user: usize, legs: Vec<(usize, i64)>, limit: Option<i128> },
    Price { cents: u128 },
    Pause { paused: bool },
    Advance { seconds: u64 },
}

fn action() -> impl Strategy<Value = Action> {
    let leg = (0usize..3, prop_oneof![-400i64..-1, 1i64..400]);
    prop_oneof![
        8 => (0..USERS.len(), proptest::collection::vec(leg, 1..4), proptest::option::of(-5_000_000i128..50_000_000))
            .prop_map(|(user, legs, limit)| Action::Trade { user, legs, limit }),
        2 => (600u128..1_500).prop_map(|cents| Action::Price { cents }),
        1 => any::<bool>().prop_map(|paused| Action::Pause { paused }),
        1 => prop_oneof![Just(30u64), Just(90), Just(4_000)].prop_map(|seconds| Action::Advance { seconds }),
    ]
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn run(suite: &mut Suite, series: [u64; 3], actions: &[Action]) -> Result<(), TestCaseError> {
    for action in actions {
        match action {
            Action::Trade { user, legs, limit } => {
                let name = USERS[*user];
                let mut legs: Vec<(u64, i64)> = legs.iter().map(|(s, q)| (series[*s], *q)).collect();
                legs.dedup_by_key(|(s, _)| *s);
                let preview = suite.simulate_with_limit(name, &legs, *limit).map_err(fail)?;
                let cash_before = suite.engine_account(name).map_err(fail)?.cash.i128();
                let result = suite.trade(name, &legs, limit.unwrap_or(i128::MAX));
                match result {
                    Ok(_) => {
                        prop_assert!(preview.accepted, "executed but previewed as refused: {:?}", preview.refusal);
                        let cash_after = suite.engine_account(name).map_err(fail)?.cash.i128();
                        // Lazy settlement cannot happen here (no expiry), so cash moves by the cost.
                        prop_assert_eq!(cash_before - cash_after, preview.total_cost.i128());
                        let margin = suite.margin(name).map_err(fail)?;
                        prop_assert_eq!(margin.initial_margin, preview.margin_after.initial_margin);
                        prop_assert_eq!(margin.equity, preview.margin_after.equity);
                    }
                    Err(err) => {
                        prop_assert!(!preview.accepted, "refused ({err:#}) but previewed as accepted");
                        prop_assert_eq!(preview.refusal, Some(err.root_cause().to_string()));
                    }
                }
            }
            Action::Price { cents } => {
                suite.chains.advance_all(1);
                suite.push_price("ATOM", Decimal::from_ratio(*cents, 100u128)).map_err(fail)?;
            }
            Action::Pause { paused } => {
                let admin = suite.target_admin.clone();
                suite.engine_execute(&admin, &engine::ExecuteMsg::SetPaused { paused: *paused }).map_err(fail)?;
            }
            Action::Advance { seconds } => suite.chains.advance_all(*seconds),
        }
        suite.check_all().map_err(fail)?;
    }
    Ok(())
}

#[test]
fn previews_and_signed_trades_agree_on_random_books() {
    let cases = std::env::var("ISTHMUS_SIMULATION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&proptest::collection::vec(action(), 1..25), |actions| {
            let mut suite = SuiteBuilder::new().build().map_err(fail)?;
            let listed = suite.open_market(2_000_000_000).map_err(fail)?;
            suite.list_atom_collateral().map_err(fail)?;
            suite.deposit_cash("alice", 50_000_000).map_err(fail)?;
            suite.deposit_cash("bob", 5_000_000).map_err(fail)?;
            suite.deposit_atom("carol", 300_000_000).map_err(fail)?;
            suite.relay_all().map_err(fail)?;
            run(&mut suite, [listed.call_10, listed.put_10, listed.call_11], &actions)
        })
        .unwrap();
}
