//! IBC: the handshake with the engine and the controller, seize packets received from the
//! controller, and acknowledgements of the packets the vault sends to the engine.

pub mod ack;
pub mod callback;
pub mod handshake;
pub mod receive;
pub mod reply;
