//! A two-chain IBC bench for CosmWasm contracts, on top of the cw-multi-test fork that
//! relays IBC (`abstract-cw-multi-test`).
//!
//! Two [`Chain`]s with their own chain ids, bech32 prefixes and block times are joined by a
//! connection; channels open through the contracts' real IBC entry points. Every packet a
//! contract sends is captured into a queue that the test relays by hand: all at once, one
//! by sequence in any order, delivered now and acknowledged later, or left to time out.

pub mod bank;
pub mod chain;
pub mod ics20;
pub mod relayer;

pub use chain::{Chain, ChainSpec, Side};
pub use relayer::{Handshake, Ics20Refusal, Ics20Sent, InFlight, PacketState, TwoChains};
