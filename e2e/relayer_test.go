package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	wasmvmtypes "github.com/CosmWasm/wasmvm/v3/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v11/testing"

	wasmibctesting "github.com/CosmWasm/wasmd/tests/wasmibctesting"
	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// InFlight is a packet the relayer holds: sent, maybe received (ack written on the far
// side, not yet relayed back).
type InFlight struct {
	Path     string
	Packet   channeltypes.Packet
	From     *ibctesting.Endpoint // sending end
	To       *ibctesting.Endpoint // receiving end
	Ack      []byte               // set once received
	Received bool
}

// Kind is the packet's top-level JSON key ("collateral_update", "seize", ...), or
// "ics20" for a transfer packet.
func (p *InFlight) Kind() string {
	if p.Packet.SourcePort == "transfer" {
		return "ics20"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(p.Packet.Data, &m) != nil {
		return "?"
	}
	for k := range m {
		return k
	}
	return "?"
}

// Body decodes the packet's inner object.
func (p *InFlight) Body(t *testing.T) map[string]any {
	if p.Kind() == "ics20" { // FungibleTokenPacketData, a flat object
		var d map[string]any
		require.NoError(t, json.Unmarshal(p.Packet.Data, &d))
		return d
	}
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal(p.Packet.Data, &m))
	return m[p.Kind()]
}

type endpointKey struct{ chain, port, channel string }

// Relayer collects every send_packet of every transaction on the three chains (including
// packets sent from receive, ack and timeout handlers) and relays them on demand.
type Relayer struct {
	t         *testing.T
	coord     *ibctesting.Coordinator
	chains    []*wasmibctesting.WasmTestChain
	endpoints map[endpointKey]*ibctesting.Endpoint
	names     map[endpointKey]string
	Queue     []*InFlight
	// Results of the last receive / ack / timeout, for gas and events.
	LastRecv, LastAck *abci.ExecTxResult
	// The error of the MsgRecvPacket tried after the deadline in TimeOut.
	LastRecvAfterTimeoutErr string
	// Contract-only gas of the last receive / ack / timeout handler (0 for a non-wasm port):
	// the same handler dry-run through x/wasm's keeper on the state just before.
	LastRecvContractGas, LastAckContractGas, LastTimeoutContractGas uint64
}

func NewRelayer(t *testing.T, coord *ibctesting.Coordinator, chains ...*wasmibctesting.WasmTestChain) *Relayer {
	return &Relayer{t: t, coord: coord, chains: chains, endpoints: map[endpointKey]*ibctesting.Endpoint{}, names: map[endpointKey]string{}}
}

func (r *Relayer) AddPath(name string, p *ibctesting.Path) {
	for _, ep := range []*ibctesting.Endpoint{p.EndpointA, p.EndpointB} {
		k := endpointKey{ep.Chain.ChainID, ep.ChannelConfig.PortID, ep.ChannelID}
		r.endpoints[k] = ep
		r.names[k] = name
	}
}

// Collect moves packets captured by the chains into the relayer's queue.
func (r *Relayer) Collect() {
	for _, c := range r.chains {
		for _, pkt := range *c.PendingSendPackets {
			k := endpointKey{c.ChainID, pkt.SourcePort, pkt.SourceChannel}
			from, ok := r.endpoints[k]
			require.True(r.t, ok, "packet on unknown channel %v", k)
			r.Queue = append(r.Queue, &InFlight{Path: r.names[k], Packet: pkt, From: from, To: from.Counterparty})
		}
		*c.PendingSendPackets = nil
	}
}

// Find returns the index of the first queued packet matching path and kind ("" = any).
func (r *Relayer) Find(path, kind string) int {
	for i, p := range r.Queue {
		if (path == "" || p.Path == path) && (kind == "" || p.Kind() == kind) {
			return i
		}
	}
	require.Failf(r.t, "no packet", "no %s packet on %s in %s", kind, path, r.Describe())
	return -1
}

func (r *Relayer) Describe() string {
	s := "["
	for i, p := range r.Queue {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s:%s#%d(received=%v)", p.Path, p.Kind(), p.Packet.Sequence, p.Received)
	}
	return s + "]"
}

// Receive delivers queued packet i to its destination (MsgRecvPacket with a real proof)
// and holds the acknowledgement written there.
func (r *Relayer) Receive(i int) Ack {
	p := r.Queue[i]
	require.False(r.t, p.Received, "packet already received")
	require.NoError(r.t, p.To.UpdateClient())
	r.LastRecvContractGas = dryRun(r.t, p.To, func(ctx sdk.Context, k wasmkeeper.Keeper, addr sdk.AccAddress, relayer string) error {
		_, err := k.OnRecvPacket(ctx, addr, wasmvmtypes.IBCPacketReceiveMsg{Packet: vmPacket(p.Packet), Relayer: relayer})
		return err
	})
	res, err := p.To.RecvPacketWithResult(p.Packet)
	require.NoError(r.t, err, "recv %s", p.Kind())
	r.LastRecv = res
	ack, err := wasmibctesting.ParseAckFromEvents(res.Events)
	require.NoError(r.t, err, "no write_acknowledgement for %s", p.Kind())
	p.Ack, p.Received = ack, true
	r.Collect()
	return ParseAck(r.t, ack)
}

// Acknowledge relays the held ack of packet i back to its sender (MsgAcknowledgement).
func (r *Relayer) Acknowledge(i int) *abci.ExecTxResult {
	p := r.Queue[i]
	require.True(r.t, p.Received, "packet not received yet")
	require.NoError(r.t, p.From.UpdateClient())
	r.LastAckContractGas = dryRun(r.t, p.From, func(ctx sdk.Context, k wasmkeeper.Keeper, addr sdk.AccAddress, relayer string) error {
		return k.OnAckPacket(ctx, addr, wasmvmtypes.IBCPacketAckMsg{
			Acknowledgement: wasmvmtypes.IBCAcknowledgement{Data: p.Ack}, OriginalPacket: vmPacket(p.Packet), Relayer: relayer,
		})
	})
	res, err := p.From.AcknowledgePacketWithResult(p.Packet, p.Ack)
	require.NoError(r.t, err, "ack %s", p.Kind())
	r.LastAck = res
	r.Queue = append(r.Queue[:i], r.Queue[i+1:]...)
	r.Collect()
	return res
}

// Relay receives packet i and acknowledges it; returns the ack and both tx results.
func (r *Relayer) Relay(i int) (Ack, *abci.ExecTxResult, *abci.ExecTxResult) {
	ack := r.Receive(i)
	recv := r.LastRecv
	ackRes := r.Acknowledge(r.indexOf(r.Queue[i]))
	return ack, recv, ackRes
}

func (r *Relayer) indexOf(p *InFlight) int {
	for i, q := range r.Queue {
		if q == p {
			return i
		}
	}
	require.Fail(r.t, "packet left the queue")
	return -1
}

// RelayAll relays everything, including packets sent while relaying, until the queue is
// empty. Returns the number of packets relayed.
func (r *Relayer) RelayAll() int {
	n := 0
	for len(r.Queue) > 0 {
		p := r.Queue[0]
		if !p.Received {
			r.Receive(0)
		}
		r.Acknowledge(r.indexOf(p))
		n++
		require.Less(r.t, n, 200, "relay loop")
	}
	return n
}

// TimeOut lets packet i expire: time passes on every chain beyond the packet's timeout, the
// destination commits a block at that time, the sender's light client of the destination is
// updated, and MsgTimeout proves the packet was never received.
func (r *Relayer) TimeOut(i int) *abci.ExecTxResult {
	p := r.Queue[i]
	require.False(r.t, p.Received, "a received packet cannot time out")
	now := r.coord.CurrentTime
	deadline := time.Unix(0, int64(p.Packet.TimeoutTimestamp))
	if !now.After(deadline) {
		r.coord.IncrementTimeBy(deadline.Sub(now) + time.Second)
	}
	// Past the deadline the destination refuses the packet: MsgRecvPacket fails as a
	// transaction (no acknowledgement is written).
	require.NoError(r.t, p.To.UpdateClient())
	_, err := p.To.RecvPacketWithResult(p.Packet)
	require.Error(r.t, err, "a packet past its timeout was received")
	r.LastRecvAfterTimeoutErr = err.Error()
	require.NoError(r.t, p.From.UpdateClient())
	r.LastTimeoutContractGas = dryRun(r.t, p.From, func(ctx sdk.Context, k wasmkeeper.Keeper, addr sdk.AccAddress, relayer string) error {
		return k.OnTimeoutPacket(ctx, addr, wasmvmtypes.IBCPacketTimeoutMsg{Packet: vmPacket(p.Packet), Relayer: relayer})
	})
	res, err := p.From.TimeoutPacketWithResult(p.Packet)
	require.NoError(r.t, err, "timeout %s", p.Kind())
	r.Queue = append(r.Queue[:i], r.Queue[i+1:]...)
	r.Collect()
	return res
}

// vmPacket is the packet as wasmd hands it to a contract.
func vmPacket(p channeltypes.Packet) wasmvmtypes.IBCPacket {
	return wasmvmtypes.IBCPacket{
		Data:     p.Data,
		Src:      wasmvmtypes.IBCEndpoint{PortID: p.SourcePort, ChannelID: p.SourceChannel},
		Dest:     wasmvmtypes.IBCEndpoint{PortID: p.DestinationPort, ChannelID: p.DestinationChannel},
		Sequence: p.Sequence,
		Timeout:  wasmvmtypes.IBCTimeout{Timestamp: p.TimeoutTimestamp},
	}
}

// dryRun runs a contract's IBC handler on a throw-away cache of ep's chain with a fresh gas
// meter (and wasmd's per-tx instance discount) and returns the gas consumed: what x/wasm
// charges for the handler and everything it dispatches, without ibc-go core's proof
// verification and the relayer tx's ante. 0 for a non-wasm port.
func dryRun(t *testing.T, ep *ibctesting.Endpoint, f func(sdk.Context, wasmkeeper.Keeper, sdk.AccAddress, string) error) uint64 {
	port := ep.ChannelConfig.PortID
	if !strings.HasPrefix(port, "wasm.") {
		return 0
	}
	addr, err := sdk.AccAddressFromBech32(strings.TrimPrefix(port, "wasm."))
	require.NoError(t, err)
	app := ep.Chain.App.(wasmibctesting.WasmTestApp).WasmApp
	ctx, _ := ep.Chain.GetContext().CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
	ctx = wasmtypes.WithTxContracts(ctx, wasmtypes.NewTxContracts())
	require.NoError(t, f(ctx, app.WasmKeeper, addr, ep.Chain.SenderAccount.GetAddress().String()))
	return ctx.GasMeter().GasConsumed()
}
