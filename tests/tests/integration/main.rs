//! All integration tests in one binary, one file per capability.

mod bad_input;
mod controller_recovery;
mod cross_chain_margin;
mod deposit;
mod gap_risk;
mod handshake;
mod heartbeat;
mod judged_after_settlement;
mod liquidation;
mod liquidation_sizing;
mod lp_timing;
mod many_sources;
mod pool;
mod randomized;
mod review_fixes;
mod risk_headline;
mod roles;
mod seize;
mod seize_scope;
mod settlement;
mod simulation;
mod solvency;
mod source_cap;
mod sources;
mod trading;
mod withdraw;
