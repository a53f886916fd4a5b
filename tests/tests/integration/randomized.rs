//! Randomized scenarios: deposits, withdrawals and injected seizes over random relay
//! schedules (reorder, delay, timeout), with invariants 1 and 2 checked after every step
//! and invariant 4 at the end. Cases: `ISTHMUS_PROPTEST_CASES` (default 1000).

use isthmus_ibc_bench::PacketState;
use isthmus_tests::suite::{Suite, USERS};
use isthmus_tests::SuiteBuilder;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[derive(Debug, Clone)]
enum Step {
    DepositAtom {
        user: usize,
        amount: u128,
    },
    DepositStk {
        user: usize,
        amount: u128,
    },
    Withdraw {
        user: usize,
        stk: bool,
        amount: u128,
    },
    Seize {
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
    prop_oneof![
        3 => (user.clone(), 1u128..5_000).prop_map(|(user, amount)| Step::DepositAtom { user, amount }),
        2 => (user.clone(), 1u128..5_000).prop_map(|(user, amount)| Step::DepositStk { user, amount }),
        3 => (user.clone(), any::<bool>(), 1u128..4_000).prop_map(|(user, stk, amount)| Step::Withdraw { user, stk, amount }),
        2 => (user.clone(), any::<bool>(), 1u128..3_000, user.clone())
            .prop_map(|(user, stk, amount, to)| Step::Seize { user, stk, amount, to }),
        5 => any::<usize>().prop_map(|pick| Step::Deliver { pick }),
        4 => any::<usize>().prop_map(|pick| Step::Settle { pick }),
        1 => any::<usize>().prop_map(|pick| Step::TimeOut { pick }),
        1 => (1u64..900).prop_map(|seconds| Step::Advance { seconds }),
    ]
}

fn run(suite: &mut Suite, steps: &[Step]) -> Result<(), TestCaseError> {
    for step in steps {
        let asset = |stk: bool, suite: &Suite| if stk { suite.stk() } else { Suite::atom() };
        // User actions may be refused (insufficient funds, nothing usable...): a refusal
        // must change nothing, which the invariant check right after verifies.
        match step.clone() {
            Step::DepositAtom { user, amount } => {
                let _ = suite.deposit_atom(USERS[user], amount);
            }
            Step::DepositStk { user, amount } => {
                let _ = suite.deposit_cw20(USERS[user], amount);
            }
            Step::Withdraw { user, stk, amount } => {
                let a = asset(stk, suite);
                let _ = suite.withdraw(USERS[user], a, amount);
            }
            Step::Seize { user, stk, amount, to } => {
                let a = asset(stk, suite);
                let recipient = suite.local_recipient(USERS[to]);
                let _ = suite.seize(USERS[user], a, amount, recipient);
            }
            Step::Deliver { pick } => {
                let sent: Vec<usize> = (0..suite.chains.in_flight().len())
                    .filter(|&i| suite.chains.in_flight()[i].state == PacketState::Sent)
                    .collect();
                if !sent.is_empty() {
                    suite.chains.deliver(sent[pick % sent.len()]).map_err(fail)?;
                }
            }
            Step::Settle { pick } => {
                let done: Vec<usize> = (0..suite.chains.in_flight().len())
                    .filter(|&i| suite.chains.in_flight()[i].state != PacketState::Sent)
                    .collect();
                if !done.is_empty() {
                    suite.chains.settle(done[pick % done.len()]).map_err(fail)?;
                }
            }
            Step::TimeOut { pick } => {
                let sent: Vec<usize> = (0..suite.chains.in_flight().len())
                    .filter(|&i| suite.chains.in_flight()[i].state == PacketState::Sent)
                    .collect();
                if !sent.is_empty() {
                    suite.chains.time_out(sent[pick % sent.len()]).map_err(fail)?;
                }
            }
            Step::Advance { seconds } => suite.chains.advance_both(seconds),
        }
        suite.check_invariants().map_err(fail)?;
    }
    suite.settle_and_check().map_err(fail)
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
            let mut suite = SuiteBuilder::new().build().map_err(fail)?;
            run(&mut suite, &steps)
        })
        .unwrap();
}
