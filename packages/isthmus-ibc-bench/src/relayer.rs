//! Source chains, a target chain and a relayer that the test drives packet by packet.

use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;

use cosmwasm_std::{from_json, Addr, Binary, Coin, IbcEndpoint, IbcOrder, IbcPacket, Timestamp, Uint128};
use cw_multi_test::ibc::events::{SEND_PACKET_EVENT, TIMEOUT_RECEIVE_PACKET_EVENT, WRITE_ACK_EVENT};
use cw_multi_test::ibc::types::MockIbcQuery;
use cw_multi_test::ibc::IbcPacketRelayingMsg;
use cw_multi_test::{AppResponse, Executor, SudoMsg};
use serde::Serialize;

use crate::bank::Denylist;
use crate::chain::{Chain, ChainSpec, Side};
use crate::ics20;

/// Where a captured packet is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum PacketState {
    /// Sent, not yet delivered to the destination.
    Sent,
    /// Received by the destination, which wrote this acknowledgement; the sender has not
    /// seen it yet.
    Acknowledged(Binary),
    /// The destination refused it as timed out; the sender has not been told yet.
    TimedOut,
}

/// A packet the relayer holds.
#[derive(Debug, Clone)]
pub struct InFlight {
    /// The chain that sent it.
    pub from: Side,
    /// The chain it is addressed to (the other end of its channel).
    pub to: Side,
    pub packet: IbcPacket,
    pub state: PacketState,
}

impl InFlight {
    /// Decode the packet's JSON payload.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        Ok(from_json(&self.packet.data)?)
    }

    /// Whether the packet travels between the target and source chain `source`.
    pub fn on_link(&self, source: usize) -> bool {
        self.from == Side::Source(source) || self.to == Side::Source(source)
    }
}

/// An ICS-20 transfer sent on a transfer channel (read from its packet; see `ics20.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Ics20Sent {
    /// The sending chain.
    pub side: Side,
    /// The sender's channel end.
    pub channel: String,
    pub sender: String,
    pub receiver: String,
    /// The denom (its full path on the sending chain).
    pub denom: String,
    pub amount: Uint128,
    pub memo: String,
    /// The packet's sequence on its channel.
    pub sequence: u64,
}

/// A channel handshake in progress, driven step by step.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub initiator: Side,
    /// The chain at the other end.
    pub peer: Side,
    pub port: String,
    pub counterparty_port: String,
    counterparty_connection: String,
    order: IbcOrder,
    /// The initiator's channel id.
    pub channel: String,
    pub version: String,
    /// The other end's channel id, once `ChanOpenTry` ran.
    pub counterparty_channel: String,
    pub counterparty_version: String,
}

/// One source chain of the bench and its connection to the target.
pub struct SourceChain {
    pub chain: Chain,
    pub spec: ChainSpec,
    /// Connection ids on (this source, the target).
    pub connection: (String, String),
    denylist: Denylist,
}

/// The chains of the bench: any number of source chains, each joined to the one target
/// chain by its own connection, each with its own clock; and the packets in flight, which
/// the test relays link by link (a silent relayer is a link nobody relays).
pub struct Chains {
    pub sources: Vec<SourceChain>,
    pub target: Chain,
    pub target_spec: ChainSpec,
    target_denylist: Denylist,
    in_flight: Vec<InFlight>,
    /// Where each open or opening channel end leads: (chain, port, channel id) -> the other
    /// chain. The port is part of the key: cw-multi-test numbers channels per port, so a
    /// chain's `transfer` and `wasm.…` ports both have a `channel-0`.
    routes: BTreeMap<(Side, String, String), Side>,
    /// ICS-20 transfers sent, oldest first.
    ics20_sent: Vec<Ics20Sent>,
}

impl Chains {
    /// Source chains `sources` and the target chain, each source joined to the target by a
    /// connection.
    pub fn new(sources: Vec<ChainSpec>, target_spec: ChainSpec) -> Result<Self> {
        if sources.is_empty() {
            bail!("the bench needs at least one source chain");
        }
        let target_denylist = Denylist::default();
        let mut target = target_spec.build_with_denylist(target_denylist.clone());
        let mut built = vec![];
        for spec in sources {
            let denylist = Denylist::default();
            let mut chain = spec.build_with_denylist(denylist.clone());
            let connection = connect(&mut chain, &mut target)?;
            built.push(SourceChain { chain, spec, connection, denylist });
        }
        Ok(Chains {
            sources: built,
            target,
            target_spec,
            target_denylist,
            in_flight: vec![],
            routes: BTreeMap::new(),
            ics20_sent: vec![],
        })
    }

    /// Every chain of the bench: the sources in order, then the target.
    pub fn sides(&self) -> Vec<Side> {
        (0..self.sources.len()).map(Side::Source).chain([Side::Target]).collect()
    }

    fn source(&self, index: usize) -> Result<&SourceChain> {
        self.sources.get(index).ok_or_else(|| anyhow!("no source chain {index}"))
    }

    /// List (or, with `denied: false`, unlist) `addr` on `side`'s bank denylist: bank sends to
    /// or from it fail, as with a stablecoin issuer's blocklist.
    pub fn set_denied(&mut self, side: Side, addr: &Addr, denied: bool) {
        let list = match side {
            Side::Source(i) => &self.sources[i].denylist,
            Side::Target => &self.target_denylist,
        };
        let mut list = list.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if denied {
            list.insert(addr.to_string());
        } else {
            list.remove(addr.as_str());
        }
    }

    /// The chain `side` (panics on a source index the bench was not built with: a test bug).
    pub fn chain(&self, side: Side) -> &Chain {
        match side {
            Side::Source(i) => &self.sources[i].chain,
            Side::Target => &self.target,
        }
    }

    pub fn chain_mut(&mut self, side: Side) -> &mut Chain {
        match side {
            Side::Source(i) => &mut self.sources[i].chain,
            Side::Target => &mut self.target,
        }
    }

    pub fn spec(&self, side: Side) -> &ChainSpec {
        match side {
            Side::Source(i) => &self.sources[i].spec,
            Side::Target => &self.target_spec,
        }
    }

    /// An address of `name` in the chain's bech32 prefix.
    pub fn addr(&self, side: Side, name: &str) -> Addr {
        self.chain(side).api().addr_make(name)
    }

    /// The connection between `a` and `b` (one of them the target), as (a's id, b's id).
    pub fn connection_between(&self, a: Side, b: Side) -> Result<(String, String)> {
        match (a, b) {
            (Side::Source(i), Side::Target) => Ok(self.source(i)?.connection.clone()),
            (Side::Target, Side::Source(i)) => {
                let (src, tgt) = self.source(i)?.connection.clone();
                Ok((tgt, src))
            }
            _ => bail!("no connection between {a:?} and {b:?}: sources connect to the target only"),
        }
    }

    /// Open a channel initiated from `initiator`'s `port` to `peer`'s `counterparty_port`,
    /// all four steps in a row. Returns (initiator channel id, peer channel id).
    pub fn open_channel(
        &mut self,
        initiator: Side,
        peer: Side,
        port: &str,
        counterparty_port: &str,
        version: &str,
        order: IbcOrder,
    ) -> Result<(String, String)> {
        let connections = self.connection_between(initiator, peer)?;
        self.open_channel_on(initiator, peer, connections, port, counterparty_port, version, order)
    }

    /// Step 1 of a handshake: `ChanOpenInit` on `initiator`, on its connection to `peer`.
    /// The other steps are [`Self::chan_open_try`], [`Self::chan_open_ack`] and
    /// [`Self::chan_open_confirm`]; a test interleaves them to play crossing handshakes.
    pub fn chan_open_init(
        &mut self,
        initiator: Side,
        peer: Side,
        port: &str,
        counterparty_port: &str,
        version: &str,
        order: IbcOrder,
    ) -> Result<Handshake> {
        let connections = self.connection_between(initiator, peer)?;
        self.chan_open_init_on(initiator, peer, connections, port, counterparty_port, version, order)
    }

    #[allow(clippy::too_many_arguments)]
    fn chan_open_init_on(
        &mut self,
        initiator: Side,
        peer: Side,
        (connection, counterparty_connection): (String, String),
        port: &str,
        counterparty_port: &str,
        version: &str,
        order: IbcOrder,
    ) -> Result<Handshake> {
        let init = self.chain_mut(initiator).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::OpenChannel {
            local_connection_id: connection,
            local_port: port.to_string(),
            version: version.to_string(),
            order: order.clone(),
            counterparty_version: None,
            counterparty_endpoint: IbcEndpoint { port_id: counterparty_port.to_string(), channel_id: String::new() },
        }))?;
        Ok(Handshake {
            initiator,
            peer,
            port: port.to_string(),
            counterparty_port: counterparty_port.to_string(),
            counterparty_connection,
            order,
            channel: event_attr(&init, "channel_open_init", "channel_id")?,
            version: event_attr(&init, "channel_open_init", "version")?,
            counterparty_channel: String::new(),
            counterparty_version: String::new(),
        })
    }

    /// Step 2: `ChanOpenTry` on the peer; records its channel id and version.
    pub fn chan_open_try(&mut self, handshake: &mut Handshake) -> Result<AppResponse> {
        let try_ = self.chain_mut(handshake.peer).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::OpenChannel {
            local_connection_id: handshake.counterparty_connection.clone(),
            local_port: handshake.counterparty_port.clone(),
            version: handshake.version.clone(),
            order: handshake.order.clone(),
            counterparty_version: Some(handshake.version.clone()),
            counterparty_endpoint: IbcEndpoint {
                port_id: handshake.port.clone(),
                channel_id: handshake.channel.clone(),
            },
        }))?;
        handshake.counterparty_version = event_attr(&try_, "channel_open_try", "version")?;
        handshake.counterparty_channel = event_attr(&try_, "channel_open_try", "channel_id")?;
        self.routes.insert((handshake.initiator, handshake.port.clone(), handshake.channel.clone()), handshake.peer);
        self.routes.insert(
            (handshake.peer, handshake.counterparty_port.clone(), handshake.counterparty_channel.clone()),
            handshake.initiator,
        );
        Ok(try_)
    }

    /// Step 3: `ChanOpenAck` on the initiator (its end becomes OPEN).
    pub fn chan_open_ack(&mut self, handshake: &Handshake) -> Result<AppResponse> {
        self.chain_mut(handshake.initiator).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::ConnectChannel {
            port_id: handshake.port.clone(),
            channel_id: handshake.channel.clone(),
            counterparty_version: Some(handshake.counterparty_version.clone()),
            counterparty_endpoint: IbcEndpoint {
                port_id: handshake.counterparty_port.clone(),
                channel_id: handshake.counterparty_channel.clone(),
            },
        }))
    }

    /// Step 4: `ChanOpenConfirm` on the peer. A real relayer can only submit it once the
    /// initiator's end is OPEN (it carries a proof of that); the bench does not check.
    pub fn chan_open_confirm(&mut self, handshake: &Handshake) -> Result<AppResponse> {
        self.chain_mut(handshake.peer).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::ConnectChannel {
            port_id: handshake.counterparty_port.clone(),
            channel_id: handshake.counterparty_channel.clone(),
            counterparty_version: Some(handshake.counterparty_version.clone()),
            counterparty_endpoint: IbcEndpoint {
                port_id: handshake.port.clone(),
                channel_id: handshake.channel.clone(),
            },
        }))
    }

    /// Close a channel from `side` (ChanCloseInit there, ChanCloseConfirm on `peer`).
    pub fn close_channel(
        &mut self,
        side: Side,
        peer: Side,
        port: &str,
        channel: &str,
        counterparty_port: &str,
        counterparty_channel: &str,
    ) -> Result<()> {
        self.close_ends(true, side, peer, (port, channel), (counterparty_port, counterparty_channel))
    }

    /// A channel closed by the counterparty (or by the chain): `ChanCloseConfirm` reaches
    /// both ends, `side`'s and `peer`'s, whatever their contracts allow for `ChanCloseInit`.
    pub fn confirm_close(
        &mut self,
        side: Side,
        peer: Side,
        port: &str,
        channel: &str,
        counterparty_port: &str,
        counterparty_channel: &str,
    ) -> Result<()> {
        self.close_ends(false, side, peer, (port, channel), (counterparty_port, counterparty_channel))
    }

    /// `side`'s end closes first (`ChanCloseInit` if `init`, else `ChanCloseConfirm`), then
    /// `peer`'s (`ChanCloseConfirm`).
    fn close_ends(
        &mut self,
        init: bool,
        side: Side,
        peer: Side,
        first: (&str, &str),
        second: (&str, &str),
    ) -> Result<()> {
        for (chain, (port, channel), init) in [(side, first, init), (peer, second, false)] {
            self.chain_mut(chain).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::CloseChannel {
                port_id: port.to_string(),
                channel_id: channel.to_string(),
                init,
            }))?;
        }
        Ok(())
    }

    /// `MsgTimeoutOnClose`: packet `index`, not yet received, can never be delivered because
    /// its channel closed; its sender hears of it as a timeout, whatever the clocks say.
    pub fn time_out_on_close(&mut self, index: usize) -> Result<AppResponse> {
        let flight = self.in_flight.get(index).cloned().ok_or_else(|| anyhow!("no packet {index}"))?;
        if flight.state != PacketState::Sent {
            bail!("packet {index} was already delivered: its ack, not a timeout, is what is owed");
        }
        self.in_flight[index].state = PacketState::TimedOut;
        self.settle(index)
    }

    /// Execute a contract on `side`; packets it sends are captured.
    pub fn execute<T: Serialize + std::fmt::Debug>(
        &mut self,
        side: Side,
        sender: &Addr,
        contract: &Addr,
        msg: &T,
        funds: &[Coin],
    ) -> Result<AppResponse> {
        let response = self.chain_mut(side).execute_contract(sender.clone(), contract.clone(), msg, funds)?;
        self.capture(side, &response)?;
        Ok(response)
    }

    /// ICS-20 transfers sent on any chain, oldest first (they are also in
    /// [`Self::in_flight`] until relayed).
    pub fn ics20_sent(&self) -> &[Ics20Sent] {
        &self.ics20_sent
    }

    /// Open an ICS-20 channel (`transfer` to `transfer`, `ics20-1`, UNORDERED) from
    /// `initiator` to `peer` through both transfer modules' handshakes. Returns (initiator
    /// channel id, peer channel id). A `MsgTransfer` needs such a channel.
    pub fn open_transfer_channel(&mut self, initiator: Side, peer: Side) -> Result<(String, String)> {
        self.open_channel(initiator, peer, ics20::PORT, ics20::PORT, ics20::VERSION, IbcOrder::Unordered)
    }

    /// The escrow account of `side`'s transfer channel end `channel`.
    pub fn transfer_escrow(&self, side: Side, channel: &str) -> Result<Addr> {
        ics20::escrow_address(self.chain(side).api(), ics20::PORT, channel)
    }

    /// The full path (`transfer/channel-0/uatom`) of voucher `ibc_denom` as `side`'s transfer
    /// module recorded it when it minted it.
    pub fn voucher_path(&self, side: Side, ibc_denom: &str) -> Option<String> {
        ics20::denom_path(self.chain(side).storage(), ibc_denom)
    }

    /// Record every packet sent in `response` (a transaction on `side`).
    pub fn capture(&mut self, side: Side, response: &AppResponse) -> Result<()> {
        for event in response.events.iter().filter(|e| e.ty == SEND_PACKET_EVENT) {
            let attr = |key: &str| {
                event
                    .attributes
                    .iter()
                    .find(|a| a.key == key)
                    .map(|a| a.value.clone())
                    .ok_or_else(|| anyhow!("send_packet without {key}"))
            };
            let (port, channel) = (attr("packet_src_port")?, attr("packet_src_channel")?);
            let to = *self.routes.get(&(side, port.clone(), channel.clone())).ok_or_else(|| {
                anyhow!("packet sent on {port}/{channel} of {side:?}, a channel the bench did not open")
            })?;
            let packet: IbcPacket = from_json(self.chain(side).ibc_query(MockIbcQuery::SendPacket {
                channel_id: channel,
                port_id: port,
                sequence: attr("packet_sequence")?.parse()?,
            })?)?;
            if packet.src.port_id == ics20::PORT {
                let data: ics20::FungibleTokenPacketData = from_json(&packet.data)?;
                self.ics20_sent.push(Ics20Sent {
                    side,
                    channel: packet.src.channel_id.clone(),
                    sender: data.sender,
                    receiver: data.receiver,
                    denom: data.denom,
                    amount: data.amount.parse()?,
                    memo: data.memo,
                    sequence: packet.sequence,
                });
            }
            self.in_flight.push(InFlight { from: side, to, packet, state: PacketState::Sent });
        }
        Ok(())
    }

    /// Packets the relayer holds, oldest first.
    pub fn in_flight(&self) -> &[InFlight] {
        &self.in_flight
    }

    /// Indices (into [`Self::in_flight`]) of the packets on the link of source `source`.
    pub fn in_flight_on(&self, source: usize) -> Vec<usize> {
        (0..self.in_flight.len()).filter(|&i| self.in_flight[i].on_link(source)).collect()
    }

    fn index_of(&self, from: Side, port: &str, channel: &str, sequence: u64) -> Result<usize> {
        self.in_flight
            .iter()
            .position(|p| {
                p.from == from
                    && p.packet.src.port_id == port
                    && p.packet.src.channel_id == channel
                    && p.packet.sequence == sequence
            })
            .ok_or_else(|| anyhow!("no packet {sequence} from {from:?} on {port}/{channel} in flight"))
    }

    /// Deliver a held packet to its destination (receive only). The destination's ack is
    /// held until [`Self::settle`]. If the destination's clock (its block time or height) is at
    /// or past the packet's timeout, the receiver does not run and the packet is marked timed
    /// out instead (on a real chain that `MsgRecvPacket` fails and writes no receipt).
    pub fn deliver(&mut self, index: usize) -> Result<PacketState> {
        let flight = self.in_flight.get(index).cloned().ok_or_else(|| anyhow!("no packet {index}"))?;
        if flight.state != PacketState::Sent {
            bail!("packet {index} was already delivered");
        }
        let dest = flight.to;
        let response =
            self.chain_mut(dest).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::Receive { packet: flight.packet.clone() }))?;
        self.capture(dest, &response)?;
        let state = if response.events.iter().any(|e| e.ty == TIMEOUT_RECEIVE_PACKET_EVENT) {
            PacketState::TimedOut
        } else {
            let hex_ack = response
                .events
                .iter()
                .filter(|e| e.ty == WRITE_ACK_EVENT)
                .flat_map(|e| e.attributes.iter())
                .find(|a| a.key == "packet_ack_hex")
                .map(|a| a.value.clone())
                .ok_or_else(|| anyhow!("destination wrote no acknowledgement"))?;
            PacketState::Acknowledged(Binary::from(decode_hex(&hex_ack)?))
        };
        self.in_flight[index].state = state.clone();
        Ok(state)
    }

    /// Bring the outcome of a delivered packet back to its sender (ack or timeout) and drop
    /// it from the queue. Returns the sender's response.
    pub fn settle(&mut self, index: usize) -> Result<AppResponse> {
        let flight = self.in_flight.get(index).cloned().ok_or_else(|| anyhow!("no packet {index}"))?;
        let msg = match flight.state {
            PacketState::Sent => bail!("packet {index} has not been delivered"),
            PacketState::Acknowledged(ack) => IbcPacketRelayingMsg::Acknowledge { packet: flight.packet.clone(), ack },
            PacketState::TimedOut => IbcPacketRelayingMsg::Timeout { packet: flight.packet.clone() },
        };
        let response = self.chain_mut(flight.from).sudo(SudoMsg::Ibc(msg))?;
        self.in_flight.remove(index);
        self.capture(flight.from, &response)?;
        Ok(response)
    }

    /// Drop a held packet (or the acknowledgement it is waiting with) without telling the
    /// sender: what happens to an ack when its channel closes before it is relayed (an ack
    /// can only be relayed on an OPEN channel, and a received packet can no longer time out).
    pub fn discard(&mut self, index: usize) -> Result<InFlight> {
        if index >= self.in_flight.len() {
            bail!("no packet {index}");
        }
        Ok(self.in_flight.remove(index))
    }

    /// Deliver and settle one packet.
    pub fn relay(&mut self, index: usize) -> Result<PacketState> {
        let state = self.deliver(index)?;
        self.settle(index)?;
        Ok(state)
    }

    /// Relay packet `sequence` sent by `from` on `port`/`channel`, wherever it is in the queue.
    pub fn relay_sequence(&mut self, from: Side, port: &str, channel: &str, sequence: u64) -> Result<PacketState> {
        let index = self.index_of(from, port, channel, sequence)?;
        self.relay(index)
    }

    /// Relay until nothing is in flight (packets sent by acks and timeouts included).
    /// Returns how many packets were relayed. Bounded so that a ping-pong bug cannot hang.
    pub fn relay_all(&mut self) -> Result<usize> {
        self.relay_while(|_| true)
    }

    /// Relay until nothing is in flight on the link of source `source`, leaving the other
    /// links' packets where they are (each link has its own relayer).
    pub fn relay_link(&mut self, source: usize) -> Result<usize> {
        self.relay_while(|p| p.on_link(source))
    }

    /// Relay the oldest packet `selected` picks, until it picks none.
    fn relay_while(&mut self, selected: impl Fn(&InFlight) -> bool) -> Result<usize> {
        let mut count = 0;
        while let Some(index) = self.in_flight.iter().position(&selected) {
            if count >= 10_000 {
                bail!("relay: more than 10000 packets; a loop between contracts?");
            }
            match self.in_flight[index].state {
                PacketState::Sent => {
                    self.relay(index)?;
                }
                _ => {
                    self.settle(index)?;
                }
            }
            count += 1;
        }
        Ok(count)
    }

    /// Let packet `index` time out: move every clock until the destination is past the
    /// packet's timeout, deliver (which the destination refuses without running the receiver)
    /// and tell the sender.
    ///
    /// Only the destination's clock decides: [`Self::deliver`] compares the packet's deadline
    /// with the destination's block time (ibc-go's `RecvPacket`: `selfTimestamp >= timeout`),
    /// and [`Self::settle`] takes a timeout only after such a refused delivery, the bench's
    /// stand-in for `MsgTimeout`'s proof of non-receipt at a destination header past the
    /// deadline. The sender's clock plays no part in it. All clocks move because on real chains
    /// block times follow wall time: the destination cannot be the whole timeout ahead of the
    /// sender (or of any other chain), and a test that moved only the destination would build
    /// a state no network reaches (e.g. the sender re-sending with a deadline the destination
    /// has already passed). A test that needs chains' clocks apart moves them with
    /// [`Self::advance`].
    pub fn time_out(&mut self, index: usize) -> Result<AppResponse> {
        let flight = self.in_flight.get(index).cloned().ok_or_else(|| anyhow!("no packet {index}"))?;
        let deadline = flight.packet.timeout.timestamp().ok_or_else(|| anyhow!("packet has no timestamp timeout"))?;
        let now = self.chain(flight.to).block_info().time;
        if now < deadline {
            self.advance_all((deadline.nanos() - now.nanos()).div_ceil(1_000_000_000));
        }
        match self.deliver(index)? {
            PacketState::TimedOut => self.settle(index),
            other => bail!("packet did not time out: {other:?}"),
        }
    }

    /// Deliver a packet that no contract sent (a forged or corrupted one) straight to
    /// `dest`, as a misbehaving counterparty or relayer could. Returns the acknowledgement
    /// the destination wrote.
    pub fn forge_receive(&mut self, dest: Side, packet: IbcPacket) -> Result<Binary> {
        let response = self.chain_mut(dest).sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::Receive { packet }))?;
        self.capture(dest, &response)?;
        let hex_ack = event_attr(&response, WRITE_ACK_EVENT, "packet_ack_hex")?;
        Ok(Binary::from(decode_hex(&hex_ack)?))
    }

    /// A second connection between source `source` and the target; returns (source,
    /// target) ids.
    pub fn add_connection(&mut self, source: usize) -> Result<(String, String)> {
        let Chains { sources, target, .. } = self;
        let chain = &mut sources.get_mut(source).ok_or_else(|| anyhow!("no source chain {source}"))?.chain;
        connect(chain, target)
    }

    /// Open a channel on a given pair of connections (initiator's first).
    #[allow(clippy::too_many_arguments)]
    pub fn open_channel_on(
        &mut self,
        initiator: Side,
        peer: Side,
        connections: (String, String),
        port: &str,
        counterparty_port: &str,
        version: &str,
        order: IbcOrder,
    ) -> Result<(String, String)> {
        let mut handshake =
            self.chan_open_init_on(initiator, peer, connections, port, counterparty_port, version, order)?;
        self.chan_open_try(&mut handshake)?;
        self.chan_open_ack(&handshake)?;
        self.chan_open_confirm(&handshake)?;
        Ok((handshake.channel, handshake.counterparty_channel))
    }

    /// Advance `side` by `seconds` (and the matching number of blocks).
    pub fn advance(&mut self, side: Side, seconds: u64) {
        let block_time = self.spec(side).block_time_seconds.max(1);
        let blocks = seconds.div_ceil(block_time).max(1);
        self.chain_mut(side).update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += blocks;
        });
    }

    /// Advance every chain by `seconds`.
    pub fn advance_all(&mut self, seconds: u64) {
        for side in self.sides() {
            self.advance(side, seconds);
        }
    }

    pub fn time(&self, side: Side) -> Timestamp {
        self.chain(side).block_info().time
    }
}

fn decode_hex(s: &str) -> Result<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        bail!("odd-length hex");
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(Into::into)).collect()
}

fn event_attr(response: &AppResponse, ty: &str, key: &str) -> Result<String> {
    response
        .events
        .iter()
        .filter(|e| e.ty == ty)
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .ok_or_else(|| anyhow!("no {ty}.{key} in response"))
}

/// Create a connection between a source and the target (both ends registered).
fn connect(source: &mut Chain, target: &mut Chain) -> Result<(String, String)> {
    let create = |chain: &mut Chain, remote: String, id: Option<String>, cp: Option<String>| {
        chain.sudo(SudoMsg::Ibc(IbcPacketRelayingMsg::CreateConnection {
            remote_chain_id: remote,
            connection_id: id,
            counterparty_connection_id: cp,
        }))
    };
    let target_id = target.block_info().chain_id;
    let source_id = source.block_info().chain_id;
    let src = event_attr(&create(source, target_id.clone(), None, None)?, "connection_open", "connection_id")?;
    let dst = event_attr(&create(target, source_id, None, Some(src.clone()))?, "connection_open", "connection_id")?;
    create(source, target_id, Some(src.clone()), Some(dst.clone()))?;
    Ok((src, dst))
}
