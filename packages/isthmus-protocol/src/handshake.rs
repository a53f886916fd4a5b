//! Channel-opening rules shared by every Isthmus contract (DESIGN §1): UNORDERED, version
//! `isthmus-1` on both ends, and a counterparty `(connection, port)` on the admin's
//! allow-list. One implementation so the three contracts cannot drift apart.

use cosmwasm_std::{Ibc3ChannelOpenResponse, IbcChannel, IbcChannelOpenMsg, IbcChannelOpenResponse, IbcOrder};
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
}

/// Check the protocol-level rules of a channel open (init or try). `allowed` decides
/// whether the counterparty port on the channel's connection is registered.
pub fn check_channel_open(
    msg: &IbcChannelOpenMsg,
    allowed: impl FnOnce(&IbcChannel) -> bool,
) -> Result<IbcChannelOpenResponse, HandshakeError> {
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
        let res = check_channel_open(&msg, |c| c.counterparty_endpoint.port_id == "wasm.remote");
        assert_eq!(res.unwrap().unwrap().version, APP_VERSION);
    }

    #[test]
    fn refuses_each_bad_parameter() {
        let ordered = IbcChannelOpenMsg::new_init(channel(IbcOrder::Ordered, APP_VERSION));
        assert_eq!(check_channel_open(&ordered, |_| true), Err(HandshakeError::OrderedChannel));

        let bad_version = IbcChannelOpenMsg::new_init(channel(IbcOrder::Unordered, "ics20-1"));
        assert!(matches!(check_channel_open(&bad_version, |_| true), Err(HandshakeError::InvalidVersion { .. })));

        let bad_cp = IbcChannelOpenMsg::new_try(channel(IbcOrder::Unordered, APP_VERSION), "v2");
        assert!(matches!(
            check_channel_open(&bad_cp, |_| true),
            Err(HandshakeError::InvalidCounterpartyVersion { .. })
        ));

        let msg = IbcChannelOpenMsg::new_init(channel(IbcOrder::Unordered, APP_VERSION));
        assert_eq!(
            check_channel_open(&msg, |_| false),
            Err(HandshakeError::CounterpartyNotAllowed {
                connection: "connection-0".into(),
                port: "wasm.remote".into()
            })
        );
    }
}
