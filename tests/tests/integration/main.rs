//! All integration tests in one binary, one file per capability.

mod bad_input;
mod controller_recovery;
mod cross_chain_margin;
mod deposit;
mod handshake;
mod heartbeat;
mod liquidation;
mod pool;
mod randomized;
mod review_fixes;
mod roles;
mod seize;
mod settlement;
mod sources;
mod trading;
mod withdraw;
