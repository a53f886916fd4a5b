//! The wire of the external oracles a symbol can be priced by (docs/oracles.md): written by
//! hand from their public definitions, so that no oracle SDK (and none of its floating point)
//! enters the contracts.

pub mod pyth;
pub mod slinky;
