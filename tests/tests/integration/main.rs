//! All integration tests in one binary, one file per capability.

mod bad_input;
mod deposit;
mod handshake;
mod heartbeat;
mod randomized;
mod roles;
mod seize;
mod withdraw;
