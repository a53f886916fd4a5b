pub mod admin;
pub mod deposit;
pub mod heartbeat;
pub mod refund;
pub mod resolve;
pub mod sync;
pub mod withdraw;
