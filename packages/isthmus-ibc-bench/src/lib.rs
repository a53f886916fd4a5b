//! An N-chain IBC bench for CosmWasm contracts, on top of the cw-multi-test fork that
//! relays IBC (`abstract-cw-multi-test`).
//!
//! Any number of source [`Chain`]s and one target chain, each with its own chain id, bech32
//! prefix and block time (its own clock), each source joined to the target by a connection;
//! channels open through the contracts' real IBC entry points. Every packet a
//! contract sends (ICS-20 transfers included) is captured into a queue that the test relays
//! by hand: all at once, one by sequence in any order, delivered now and acknowledged later,
//! or left to time out.
//!
//! Where cw-multi-test differs from wasmd and ibc-go, the bench follows the real chain where it
//! can (docs/decisions.md, "Emulator fidelity"): a transfer module with a far side (`ics20`),
//! module errors with their ABCI codes (`abci`), sub-message errors redacted in `reply` as
//! wasmd does (`wasmd`).

pub mod abci;
pub mod bank;
pub mod chain;
pub mod grpc;
pub mod ics20;
pub mod relayer;
pub mod wasmd;

pub use abci::AbciError;
pub use chain::{Chain, ChainSpec, Side};
pub use grpc::{GrpcHandler, GrpcRoutes};
pub use relayer::{Chains, Handshake, Ics20Sent, InFlight, PacketState, SourceChain};
pub use wasmd::{wasmd_replies, WasmdReplies};
