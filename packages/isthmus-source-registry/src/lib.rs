//! Source registry shared by the options engine and the liquidation controller (docs/protocol.md §1).
//!
//! A source (a vault on a source chain) is registered under a stable `source_id` bound to a
//! connection and a counterparty port, so that a re-opened channel keeps the same identity.
//! Each contract keeps its own per-source state `T` next to the binding (the engine: when it
//! last heard from the source; the controller: seizes in flight).
//!
//! Handshake: the engine and the controller only respond (`ChanOpenTry`, `ChanOpenConfirm`;
//! the vault always initiates, see `isthmus_protocol::handshake`). A channel opens only from
//! a registered `(connection, port)`, UNORDERED, with version `isthmus-1`, and only while the
//! source has no open channel. Close policy: our side
//! never closes (`ChanCloseInit` is refused); a counterparty close detaches the channel and
//! keeps the source, its id and its state; a new channel re-attaches to it.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    IbcBasicResponse, IbcChannel, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg, IbcChannelOpenResponse,
    Order, StdError, StdResult, Storage,
};
use cw_storage_plus::{Bound, Map};
use isthmus_protocol::handshake::{check_channel_connect, check_channel_open, HandshakeError, HandshakeRole};
use serde::{de::DeserializeOwned, Serialize};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum RegistryError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Handshake(#[from] HandshakeError),

    #[error("source id must be 1-64 characters of [a-z0-9-_]")]
    InvalidSourceId,

    #[error("unknown source {source_id}")]
    UnknownSource { source_id: String },

    #[error("source {source_id} has an open channel {channel_id}; it cannot be re-bound")]
    SourceConnected { source_id: String, channel_id: String },

    #[error("counterparty {port} on {connection} is already registered as source {source_id}")]
    CounterpartyTaken { connection: String, port: String, source_id: String },

    #[error("closing an Isthmus channel from this side is not allowed")]
    CloseNotAllowed,
}

/// A registered source and the contract's own state about it.
#[cw_serde]
pub struct Source<T> {
    pub connection_id: String,
    pub counterparty_port: String,
    /// The open channel, if any.
    pub channel_id: Option<String>,
    pub state: T,
}

/// The three maps of the registry. Use one `const` per contract.
pub struct SourceRegistry<'a, T> {
    sources: Map<&'a str, Source<T>>,
    by_counterparty: Map<(&'a str, &'a str), String>,
    by_channel: Map<&'a str, String>,
}

pub fn validate_source_id(source_id: &str) -> Result<(), RegistryError> {
    let ok = !source_id.is_empty()
        && source_id.len() <= 64
        && source_id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RegistryError::InvalidSourceId)
    }
}

impl<'a, T> SourceRegistry<'a, T>
where
    T: Serialize + DeserializeOwned + Default + Clone,
{
    pub const fn new() -> Self {
        SourceRegistry {
            sources: Map::new("sources"),
            by_counterparty: Map::new("source_by_cp"),
            by_channel: Map::new("channel_sources"),
        }
    }

    /// Register `source_id`, or re-bind it to a new counterparty while it has no open channel.
    /// The per-source state is kept across a re-bind.
    pub fn register(
        &self,
        storage: &mut dyn Storage,
        source_id: &str,
        connection_id: &str,
        counterparty_port: &str,
    ) -> Result<(), RegistryError> {
        validate_source_id(source_id)?;
        if let Some(other) = self.by_counterparty.may_load(storage, (connection_id, counterparty_port))? {
            if other != source_id {
                return Err(RegistryError::CounterpartyTaken {
                    connection: connection_id.to_string(),
                    port: counterparty_port.to_string(),
                    source_id: other,
                });
            }
        }
        let previous = self.sources.may_load(storage, source_id)?;
        let state = match &previous {
            Some(prev) => {
                if let Some(channel_id) = &prev.channel_id {
                    return Err(RegistryError::SourceConnected {
                        source_id: source_id.to_string(),
                        channel_id: channel_id.clone(),
                    });
                }
                self.by_counterparty.remove(storage, (&prev.connection_id, &prev.counterparty_port));
                prev.state.clone()
            }
            None => T::default(),
        };
        self.by_counterparty.save(storage, (connection_id, counterparty_port), &source_id.to_string())?;
        self.sources.save(
            storage,
            source_id,
            &Source {
                connection_id: connection_id.to_string(),
                counterparty_port: counterparty_port.to_string(),
                channel_id: None,
                state,
            },
        )?;
        Ok(())
    }

    pub fn may_load(&self, storage: &dyn Storage, source_id: &str) -> StdResult<Option<Source<T>>> {
        self.sources.may_load(storage, source_id)
    }

    pub fn load(&self, storage: &dyn Storage, source_id: &str) -> Result<Source<T>, RegistryError> {
        self.sources
            .may_load(storage, source_id)?
            .ok_or_else(|| RegistryError::UnknownSource { source_id: source_id.to_string() })
    }

    /// Replace the contract's state of a registered source.
    pub fn update_state(
        &self,
        storage: &mut dyn Storage,
        source_id: &str,
        f: impl FnOnce(&mut T),
    ) -> Result<T, RegistryError> {
        let mut source = self.load(storage, source_id)?;
        f(&mut source.state);
        self.sources.save(storage, source_id, &source)?;
        Ok(source.state)
    }

    /// The source attached to an open channel.
    pub fn source_of_channel(&self, storage: &dyn Storage, channel_id: &str) -> StdResult<Option<String>> {
        self.by_channel.may_load(storage, channel_id)
    }

    /// A page of sources by id.
    pub fn page(
        &self,
        storage: &dyn Storage,
        start_after: Option<&str>,
        limit: usize,
    ) -> StdResult<Vec<(String, Source<T>)>> {
        self.sources.range(storage, start_after.map(Bound::exclusive), None, Order::Ascending).take(limit).collect()
    }

    fn registered(&self, storage: &dyn Storage, channel: &IbcChannel) -> StdResult<Option<String>> {
        self.by_counterparty.may_load(storage, (&channel.connection_id, &channel.counterparty_endpoint.port_id))
    }

    fn ensure_not_connected(&self, storage: &dyn Storage, source_id: &str) -> Result<(), RegistryError> {
        if let Some(channel_id) = self.load(storage, source_id)?.channel_id {
            return Err(HandshakeError::AlreadyConnected { channel_id }.into());
        }
        Ok(())
    }

    pub fn channel_open(
        &self,
        storage: &dyn Storage,
        msg: &IbcChannelOpenMsg,
    ) -> Result<IbcChannelOpenResponse, RegistryError> {
        let source = self.registered(storage, msg.channel())?;
        let response = check_channel_open(msg, HandshakeRole::Responder, |_| source.is_some())?;
        if let Some(source_id) = source {
            self.ensure_not_connected(storage, &source_id)?;
        }
        Ok(response)
    }

    /// `channel_connect` as the response an entry point returns, with its events.
    pub fn connect_response(
        &self,
        storage: &mut dyn Storage,
        msg: &IbcChannelConnectMsg,
    ) -> Result<IbcBasicResponse, RegistryError> {
        let (source_id, channel_id) = self.channel_connect(storage, msg)?;
        Ok(IbcBasicResponse::new()
            .add_attribute("action", "channel_connect")
            .add_attribute("channel_id", channel_id)
            .add_attribute("source_id", source_id))
    }

    /// `channel_close` as the response an entry point returns, with its events.
    pub fn close_response(
        &self,
        storage: &mut dyn Storage,
        msg: &IbcChannelCloseMsg,
    ) -> Result<IbcBasicResponse, RegistryError> {
        let (channel_id, source_id) = self.channel_close(storage, msg)?;
        Ok(IbcBasicResponse::new()
            .add_attribute("action", "channel_close")
            .add_attribute("channel_id", channel_id)
            .add_attribute("source_id", source_id.unwrap_or_default()))
    }

    /// `register` as the response an owner's execute returns, with its events.
    pub fn register_response(
        &self,
        storage: &mut dyn Storage,
        source_id: &str,
        connection_id: &str,
        counterparty_port: &str,
    ) -> Result<cosmwasm_std::Response, RegistryError> {
        self.register(storage, source_id, connection_id, counterparty_port)?;
        Ok(cosmwasm_std::Response::new()
            .add_attribute("action", "register_source")
            .add_attribute("source_id", source_id)
            .add_attribute("connection_id", connection_id)
            .add_attribute("counterparty_port", counterparty_port))
    }

    /// Attach the channel to its source. Returns `(source_id, channel_id)`.
    pub fn channel_connect(
        &self,
        storage: &mut dyn Storage,
        msg: &IbcChannelConnectMsg,
    ) -> Result<(String, String), RegistryError> {
        check_channel_connect(msg, HandshakeRole::Responder)?;
        let channel = msg.channel();
        let source_id = self.registered(storage, channel)?.ok_or_else(|| HandshakeError::CounterpartyNotAllowed {
            connection: channel.connection_id.clone(),
            port: channel.counterparty_endpoint.port_id.clone(),
        })?;
        self.ensure_not_connected(storage, &source_id)?;
        let channel_id = channel.endpoint.channel_id.clone();
        let mut source = self.load(storage, &source_id)?;
        source.channel_id = Some(channel_id.clone());
        self.sources.save(storage, &source_id, &source)?;
        self.by_channel.save(storage, &channel_id, &source_id)?;
        Ok((source_id, channel_id))
    }

    /// Detach a channel the counterparty closed. Returns `(channel_id, source_id if known)`.
    pub fn channel_close(
        &self,
        storage: &mut dyn Storage,
        msg: &IbcChannelCloseMsg,
    ) -> Result<(String, Option<String>), RegistryError> {
        if let IbcChannelCloseMsg::CloseInit { .. } = msg {
            return Err(RegistryError::CloseNotAllowed);
        }
        let channel_id = msg.channel().endpoint.channel_id.clone();
        let source_id = self.by_channel.may_load(storage, &channel_id)?;
        if let Some(source_id) = &source_id {
            self.by_channel.remove(storage, &channel_id);
            let mut source = self.load(storage, source_id)?;
            if source.channel_id.as_deref() == Some(channel_id.as_str()) {
                source.channel_id = None;
                self.sources.save(storage, source_id, &source)?;
            }
        }
        Ok((channel_id, source_id))
    }
}

impl<T> Default for SourceRegistry<'_, T>
where
    T: Serialize + DeserializeOwned + Default + Clone,
{
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{IbcEndpoint, IbcOrder};
    use isthmus_protocol::APP_VERSION;

    const REGISTRY: SourceRegistry<u32> = SourceRegistry::new();

    fn channel(id: &str, connection: &str, port: &str) -> IbcChannel {
        IbcChannel::new(
            IbcEndpoint { port_id: "wasm.engine".into(), channel_id: id.into() },
            IbcEndpoint { port_id: port.into(), channel_id: "channel-9".into() },
            IbcOrder::Unordered,
            APP_VERSION,
            connection,
        )
    }

    #[test]
    fn registration_binds_one_counterparty_to_one_id_and_keeps_state_across_rebinds() {
        let mut storage = MockStorage::new();
        assert_eq!(
            REGISTRY.register(&mut storage, "Bad Id", "connection-0", "wasm.v"),
            Err(RegistryError::InvalidSourceId)
        );
        REGISTRY.register(&mut storage, "hub", "connection-0", "wasm.v").unwrap();
        REGISTRY.update_state(&mut storage, "hub", |n| *n = 7).unwrap();
        assert!(matches!(
            REGISTRY.register(&mut storage, "other", "connection-0", "wasm.v"),
            Err(RegistryError::CounterpartyTaken { .. })
        ));
        // Re-bind to a new port: the old binding is gone, the state stays.
        REGISTRY.register(&mut storage, "hub", "connection-1", "wasm.v2").unwrap();
        REGISTRY.register(&mut storage, "other", "connection-0", "wasm.v").unwrap();
        assert_eq!(REGISTRY.load(&storage, "hub").unwrap().state, 7);
        assert_eq!(REGISTRY.page(&storage, None, 10).unwrap().len(), 2);
    }

    #[test]
    fn a_channel_attaches_once_and_a_counterparty_close_detaches_it() {
        let mut storage = MockStorage::new();
        REGISTRY.register(&mut storage, "hub", "connection-0", "wasm.v").unwrap();
        let open = IbcChannelOpenMsg::new_try(channel("channel-0", "connection-0", "wasm.v"), APP_VERSION);
        REGISTRY.channel_open(&storage, &open).unwrap();
        let unknown = IbcChannelOpenMsg::new_try(channel("channel-1", "connection-0", "wasm.x"), APP_VERSION);
        assert_eq!(
            REGISTRY.channel_open(&storage, &unknown),
            Err(RegistryError::Handshake(HandshakeError::CounterpartyNotAllowed {
                connection: "connection-0".into(),
                port: "wasm.x".into()
            }))
        );
        let init = IbcChannelOpenMsg::new_init(channel("channel-1", "connection-0", "wasm.v"));
        assert_eq!(
            REGISTRY.channel_open(&storage, &init),
            Err(RegistryError::Handshake(HandshakeError::InitNotAllowed))
        );
        let connect = IbcChannelConnectMsg::new_confirm(channel("channel-0", "connection-0", "wasm.v"));
        assert_eq!(REGISTRY.channel_connect(&mut storage, &connect).unwrap(), ("hub".into(), "channel-0".into()));
        assert!(REGISTRY.channel_open(&storage, &open).is_err(), "one open channel per source");
        assert!(matches!(
            REGISTRY.register(&mut storage, "hub", "connection-2", "wasm.z"),
            Err(RegistryError::SourceConnected { .. })
        ));
        assert_eq!(REGISTRY.source_of_channel(&storage, "channel-0").unwrap().as_deref(), Some("hub"));
        let init = IbcChannelCloseMsg::new_init(channel("channel-0", "connection-0", "wasm.v"));
        assert_eq!(REGISTRY.channel_close(&mut storage, &init), Err(RegistryError::CloseNotAllowed));
        let confirm = IbcChannelCloseMsg::new_confirm(channel("channel-0", "connection-0", "wasm.v"));
        assert_eq!(REGISTRY.channel_close(&mut storage, &confirm).unwrap(), ("channel-0".into(), Some("hub".into())));
        assert_eq!(REGISTRY.load(&storage, "hub").unwrap().channel_id, None);
        REGISTRY.channel_open(&storage, &open).unwrap();
    }
}
