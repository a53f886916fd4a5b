//! IBC: the seize-channel handshake, and the acknowledgements of seize packets.

pub mod ack;
pub mod handshake;
pub mod reply;

use cosmwasm_std::{IbcPacketReceiveMsg, IbcReceiveResponse};
use isthmus_protocol::ack::ack_error;

use crate::error::ContractError;

/// Vaults send nothing to the controller: every packet gets an error acknowledgement.
pub fn packet_receive(msg: IbcPacketReceiveMsg) -> IbcReceiveResponse {
    IbcReceiveResponse::new(ack_error(ContractError::NoInboundPackets.to_string()))
        .add_attribute("action", "packet_refused")
        .add_attribute("channel_id", msg.packet.dest.channel_id)
}
