//! IBC: handshake with registered vaults and the collateral packets they send.

pub mod handshake;
pub mod receive;
