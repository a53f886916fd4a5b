//! Channel-opening rules shared by every Isthmus contract: UNORDERED, version `isthmus-1` on
//! both ends, a counterparty `(connection, port)` on the admin's allow-list, and a fixed
//! opening side. One implementation so the three contracts cannot drift apart.
//!
//! **The vault always opens.** Every Isthmus channel (collateral: vault -> engine; seize:
//! controller -> vault) is started by the vault on the source chain with `ChanOpenInit`; the
//! engine and the controller accept only `ChanOpenTry`, and the vault refuses it. If both ends
//! could initiate, two handshakes started from opposite chains could each win on a different
//! end (an `Ack` on the engine for one pair, an `Ack` on the vault for the other), after which
//! both `Confirm`s fail because each end already holds "its" channel: the vault would send on
//! a channel the engine never opened (`docs/decisions.md`, "Who opens a channel"). With one
//! opening side every channel reaches `OPEN` first on the vault (at `Ack`), and the other end
//! can only `Confirm` a channel the vault has opened, so both ends always agree.

use cosmwasm_std::{
    Ibc3ChannelOpenResponse, IbcChannel, IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse, IbcOrder,
};
use thiserror::Error;

use crate::APP_VERSION;

#[derive(Error, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    #[error("channel must be UNORDERED (an ordered channel closes on its first timeout)")]
    OrderedChannel,
    #[error("channel version must be `{expected}`, got `{actual}`")]
    InvalidVersion { expected: String, actual: String },
    #[error("counterparty version must be `{expected}`, got `{actual}`")]
    InvalidCounterpartyVersion { expected: String, actual: String },
    #[error("counterparty port `{port}` on connection `{connection}` is not allowed")]
    CounterpartyNotAllowed { connection: String, port: String },
    #[error("a channel for this counterparty is already open: {channel_id}")]
    AlreadyConnected { channel_id: String },
    #[error("only the vault opens an Isthmus channel: ChanOpenInit is refused here, start the handshake on the vault")]
    InitNotAllowed,
    #[error("the vault opens every Isthmus channel itself: ChanOpenTry is refused by the vault")]
    TryNotAllowed,
    #[error("a channel this end did not {expected} cannot connect here")]
    UnexpectedConnectStep { expected: String },
}

/// Which end of the handshake a contract plays. Fixed per contract (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeRole {
    /// Sends `ChanOpenInit`, receives `ChanOpenAck`: the vault.
    Initiator,
    /// Receives `ChanOpenTry` and `ChanOpenConfirm`: the engine and the controller.
    Responder,
}

/// Refuse the open step that `role` never takes.
pub fn check_opening_side(msg: &IbcChannelOpenMsg, role: HandshakeRole) -> Result<(), HandshakeError> {
    match (role, msg) {
        (HandshakeRole::Initiator, IbcChannelOpenMsg::OpenTry { .. }) => Err(HandshakeError::TryNotAllowed),
        (HandshakeRole::Responder, IbcChannelOpenMsg::OpenInit { .. }) => Err(HandshakeError::InitNotAllowed),
        _ => Ok(()),
    }
}

/// Check a channel connect: the step must match `role` (`Ack` for the initiator, `Confirm`
/// for the responder) and the counterparty version, when announced, must be ours.
pub fn check_channel_connect(msg: &IbcChannelConnectMsg, role: HandshakeRole) -> Result<(), HandshakeError> {
    match (role, msg) {
        (HandshakeRole::Initiator, IbcChannelConnectMsg::OpenConfirm { .. }) => {
            return Err(HandshakeError::UnexpectedConnectStep { expected: "initiate".to_string() })
        }
        (HandshakeRole::Responder, IbcChannelConnectMsg::OpenAck { .. }) => {
            return Err(HandshakeError::UnexpectedConnectStep { expected: "accept".to_string() })
        }
        _ => {}
    }
    check_channel_connect_version(msg.counterparty_version())
}

/// Check the protocol-level rules of a channel open (init or try) for a contract playing
/// `role`. `allowed` decides whether the counterparty port on the channel's connection is
/// registered.
pub fn check_channel_open(
    msg: &IbcChannelOpenMsg,
    role: HandshakeRole,
    allowed: impl FnOnce(&IbcChannel) -> bool,
) -> Result<IbcChannelOpenResponse, HandshakeError> {
    check_opening_side(msg, role)?;
    let channel = msg.channel();
    if channel.order != IbcOrder::Unordered {
        return Err(HandshakeError::OrderedChannel);
    }
    if channel.version != APP_VERSION {
        return Err(HandshakeError::InvalidVersion {
            expected: APP_VERSION.to_string(),
            actual: channel.version.clone(),
        });
    }
    if let Some(counterparty_version) = msg.counterparty_version() {
        if counterparty_version != APP_VERSION {
            return Err(HandshakeError::InvalidCounterpartyVersion {
                expected: APP_VERSION.to_string(),
                actual: counterparty_version.to_string(),
            });
        }
    }
    if !allowed(channel) {
        return Err(HandshakeError::CounterpartyNotAllowed {
            connection: channel.connection_id.clone(),
            port: channel.counterparty_endpoint.port_id.clone(),
        });
    }
    Ok(Some(Ibc3ChannelOpenResponse { version: APP_VERSION.to_string() }))
}

/// Check the counterparty version announced at channel connect (ack side).
pub fn check_channel_connect_version(counterparty_version: Option<&str>) -> Result<(), HandshakeError> {
    match counterparty_version {
        Some(v) if v != APP_VERSION => {
            Err(HandshakeError::InvalidCounterpartyVersion { expected: APP_VERSION.to_string(), actual: v.to_string() })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{IbcEndpoint, IbcOrder};

    fn channel(order: IbcOrder, version: &str) -> IbcChannel {
        IbcChannel::new(
            IbcEndpoint { port_id: "wasm.local".into(), channel_id: "channel-0".into() },
            IbcEndpoint { port_id: "wasm.remote".into(), channel_id: "channel-7".into() },
            order,
            version,
            "connection-0",
        )
    }

    #[test]
    fn accepts_unordered_allowed_channel() {
        let msg = IbcChannelOpenMsg::new_init(channel(IbcOrder::Unordered, APP_VERSION));
        let res =
            check_channel_open(&msg, HandshakeRole::Initiator, |c| c.counterparty_endpoint.port_id == "wasm.remote");
        assert_eq!(res.unwrap().unwrap().version, APP_VERSION);
        let msg = IbcChannelOpenMsg::new_try(channel(IbcOrder::Unordered, APP_VERSION), APP_VERSION);
        let res = check_channel_open(&msg, HandshakeRole::Responder, |_| true);
        assert_eq!(res.unwrap().unwrap().version, APP_VERSION);
    }

    #[test]
    fn refuses_each_bad_parameter() {
        let init = HandshakeRole::Initiator;
        let ordered = IbcChannelOpenMsg::new_init(channel(IbcOrder::Ordered, APP_VERSION));
        assert_eq!(check_channel_open(&ordered, init, |_| true), Err(HandshakeError::OrderedChannel));

        let bad_version = IbcChannelOpenMsg::new_init(channel(IbcOrder::Unordered, "ics20-1"));
        assert!(matches!(check_channel_open(&bad_version, init, |_| true), Err(HandshakeError::InvalidVersion { .. })));

        let bad_cp = IbcChannelOpenMsg::new_try(channel(IbcOrder::Unordered, APP_VERSION), "v2");
        assert!(matches!(
            check_channel_open(&bad_cp, HandshakeRole::Responder, |_| true),
            Err(HandshakeError::InvalidCounterpartyVersion { .. })
        ));

        let msg = IbcChannelOpenMsg::new_init(channel(IbcOrder::Unordered, APP_VERSION));
        assert_eq!(
            check_channel_open(&msg, init, |_| false),
            Err(HandshakeError::CounterpartyNotAllowed {
                connection: "connection-0".into(),
                port: "wasm.remote".into()
            })
        );
    }

    #[test]
    fn each_end_takes_only_its_own_steps() {
        let c = channel(IbcOrder::Unordered, APP_VERSION);
        let init = IbcChannelOpenMsg::new_init(c.clone());
        let try_ = IbcChannelOpenMsg::new_try(c.clone(), APP_VERSION);
        assert_eq!(check_channel_open(&init, HandshakeRole::Responder, |_| true), Err(HandshakeError::InitNotAllowed));
        assert_eq!(check_channel_open(&try_, HandshakeRole::Initiator, |_| true), Err(HandshakeError::TryNotAllowed));
        let ack = IbcChannelConnectMsg::new_ack(c.clone(), APP_VERSION);
        let confirm = IbcChannelConnectMsg::new_confirm(c);
        assert_eq!(check_channel_connect(&ack, HandshakeRole::Initiator), Ok(()));
        assert_eq!(check_channel_connect(&confirm, HandshakeRole::Responder), Ok(()));
        assert_eq!(
            check_channel_connect(&confirm, HandshakeRole::Initiator),
            Err(HandshakeError::UnexpectedConnectStep { expected: "initiate".into() })
        );
        assert_eq!(
            check_channel_connect(&ack, HandshakeRole::Responder),
            Err(HandshakeError::UnexpectedConnectStep { expected: "accept".into() })
        );
    }
}
