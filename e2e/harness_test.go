package e2e

// Harness: three real wasmd apps (two source chains, one target chain) under ibc-go's
// testing coordinator, the Isthmus contracts deployed from ../artifacts, and a relayer
// that the test drives packet by packet (receive, hold the ack, acknowledge, time out).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v11/testing"

	wasmibctesting "github.com/CosmWasm/wasmd/tests/wasmibctesting"
	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// M is a JSON object.
type M = map[string]any

const (
	AppVersion = "isthmus-1"
	USDC       = "uusdc"
	ATOM       = "uatom" // native collateral on source A
	OSMO       = "uosmo" // native collateral on source B
	SourceA    = "source-a"
	SourceB    = "source-b"

	InitialNative = int64(1_000_000_000)     // 1,000 whole units of each source denom per user
	InitialCW20   = int64(1_000_000_000)     // per user, per cw20 token
	InitialUSDC   = int64(1_000_000_000_000) // 1,000,000 USDC per user on the target chain

	PacketTimeoutSeconds = 600
	SeizeTimeoutSeconds  = 600
)

// Users: one key per person, funded on every chain (all wasmd chains use the `wasm` prefix,
// so the same key has the same address everywhere, as a wallet would).
var UserNames = []string{"alice", "bob", "carol", "lp", "keeper", "feeder"}

type User struct {
	Name string
	Priv cryptotypes.PrivKey
	Addr sdk.AccAddress
}

func (u *User) String() string { return u.Addr.String() }

// Num parses a Uint128/Int128/u64 that CosmWasm writes as a JSON string (or a number).
type Num int64

func (n *Num) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*n = Num(v)
	return nil
}

func (n Num) Int() int64 { return int64(n) }

// Source is one source chain with its vault and cw20 token.
type Source struct {
	ID     string
	Chain  *wasmibctesting.WasmTestChain
	Denom  string
	Vault  string
	CW20   string
	Conn   *ibctesting.Path // connection source <-> target (EndpointA on the source)
	Coll   *ibctesting.Path // collateral channel: A = vault port (source), B = engine port (target)
	Seize  *ibctesting.Path // seize channel: A = controller port (target), B = vault port (source)
	Xfer   *ibctesting.Path // ICS-20 channel: A = transfer (source), B = transfer (target)
	Symbol string
}

// Env is the whole deployment.
type Env struct {
	t          *testing.T
	Coord      *ibctesting.Coordinator
	A, B       *Source
	T          *wasmibctesting.WasmTestChain
	Engine     string
	Lens       string // every view of the engine's state (docs/architecture.md, "The lens")
	Controller string
	Users      map[string]*User
	CodeIDs    map[string]map[string]uint64 // chain id -> contract -> code id
	Relayer    *Relayer
	Gas        *GasBook
}

func (e *Env) Sources() []*Source { return []*Source{e.A, e.B} }

func (e *Env) U(name string) *User {
	u, ok := e.Users[name]
	require.True(e.t, ok, "no user %s", name)
	return u
}

// artifact is ../artifacts/<name>.wasm, or $ISTHMUS_E2E_ARTIFACTS/<name>.wasm (to run the
// suite against contracts built elsewhere, e.g. another commit).
func artifact(t *testing.T, name string) string {
	dir := os.Getenv("ISTHMUS_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	p := filepath.Join(dir, name+".wasm")
	_, err := os.Stat(p)
	require.NoError(t, err, "missing %s: run scripts/e2e.sh (it builds the artifacts)", p)
	return p
}

// mint credits coins to addr through the mint module (the in-process equivalent of genesis
// balances); committed with the next block.
func mint(t *testing.T, chain *wasmibctesting.WasmTestChain, addr sdk.AccAddress, coins sdk.Coins) {
	app := chain.GetWasmApp()
	ctx := chain.GetContext()
	require.NoError(t, app.BankKeeper.MintCoins(ctx, minttypes.ModuleName, coins))
	require.NoError(t, app.BankKeeper.SendCoinsFromModuleToAccount(ctx, minttypes.ModuleName, addr, coins))
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// Exec runs a contract call as `from` (nil: the chain's default sender, the deployer and
// admin of every contract) and returns the real tx result. Packets it sent are captured by
// the relayer.
func (e *Env) Exec(chain *wasmibctesting.WasmTestChain, from *User, contract string, msg any, funds ...sdk.Coin) (*abci.ExecTxResult, error) {
	sender := chain.SenderAccount.GetAddress().String()
	if from != nil {
		sender = from.Addr.String()
	}
	m := &wasmtypes.MsgExecuteContract{Sender: sender, Contract: contract, Msg: mustJSON(e.t, msg), Funds: sdk.NewCoins(funds...)}
	var res *abci.ExecTxResult
	var err error
	if from == nil {
		res, err = chain.SendMsgs(m)
	} else {
		res, err = chain.SendNonDefaultSenderMsgs(from.Priv, m)
	}
	e.Relayer.Collect()
	return res, err
}

// ContractGas runs the call through x/wasm's keeper on a throw-away cache of the chain's
// current state with a fresh gas meter and returns the gas it consumed: instance load, wasm
// compute, storage, events, the attached funds' bank transfer and every sub-message; without
// the transaction's ante costs (signature, tx bytes). Nothing it writes is kept.
func (e *Env) ContractGas(chain *wasmibctesting.WasmTestChain, from *User, contract string, msg any, funds ...sdk.Coin) uint64 {
	sender := chain.SenderAccount.GetAddress()
	if from != nil {
		sender = from.Addr
	}
	app := chain.GetWasmApp()
	ctx, _ := chain.GetContext().CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
	// As wasmd's TxContractsDecorator does for every tx: a code that runs again in the same
	// tx (a query or a sub-message back to a contract already loaded) pays the discounted
	// instance cost (2,000 instead of 60,000).
	ctx = wasmtypes.WithTxContracts(ctx, wasmtypes.NewTxContracts())
	addr, err := sdk.AccAddressFromBech32(contract)
	require.NoError(e.t, err)
	_, err = wasmkeeper.NewDefaultPermissionKeeper(app.WasmKeeper).Execute(ctx, addr, sender, mustJSON(e.t, msg), sdk.NewCoins(funds...))
	require.NoError(e.t, err, "dry run of %s", mustJSON(e.t, msg))
	return ctx.GasMeter().GasConsumed()
}

// Measured executes like MustExec and records, under `kind`, the real tx's GasUsed and the
// contract-only gas of the same call (a dry run on the same state just before).
func (e *Env) Measured(kind string, chain *wasmibctesting.WasmTestChain, from *User, contract string, msg any, funds ...sdk.Coin) *abci.ExecTxResult {
	contractGas := e.ContractGas(chain, from, contract, msg, funds...)
	res := e.MustExec(chain, from, contract, msg, funds...)
	e.Gas.AddBoth(kind, res, contractGas)
	return res
}

// MustExec is Exec that fails the test on error.
func (e *Env) MustExec(chain *wasmibctesting.WasmTestChain, from *User, contract string, msg any, funds ...sdk.Coin) *abci.ExecTxResult {
	res, err := e.Exec(chain, from, contract, msg, funds...)
	require.NoError(e.t, err, "exec %s on %s", mustJSON(e.t, msg), chain.ChainID)
	return res
}

func (e *Env) instantiate(chain *wasmibctesting.WasmTestChain, codeID uint64, label string, msg any) string {
	m := &wasmtypes.MsgInstantiateContract{
		Sender: chain.SenderAccount.GetAddress().String(),
		Admin:  chain.SenderAccount.GetAddress().String(),
		CodeID: codeID,
		Label:  label,
		Msg:    mustJSON(e.t, msg),
	}
	res, err := chain.SendMsgs(m)
	require.NoError(e.t, err, "instantiate %s", label)
	var resp wasmtypes.MsgInstantiateContractResponse
	chain.UnwrapExecTXResult(res, &resp)
	return resp.Address
}

func (e *Env) store(chain *wasmibctesting.WasmTestChain, name string) uint64 {
	resp := chain.StoreCodeFile(artifact(e.t, name))
	if e.CodeIDs[chain.ChainID] == nil {
		e.CodeIDs[chain.ChainID] = map[string]uint64{}
	}
	e.CodeIDs[chain.ChainID][name] = resp.CodeID
	return resp.CodeID
}

// Query runs a smart query and decodes the answer.
func Query[T any](t *testing.T, chain *wasmibctesting.WasmTestChain, contract string, q any) T {
	var out T
	require.NoError(t, chain.SmartQuery(contract, q, &out), "query %s", mustJSON(t, q))
	return out
}

func (e *Env) Balance(chain *wasmibctesting.WasmTestChain, addr string, denom string) int64 {
	a, err := sdk.AccAddressFromBech32(addr)
	require.NoError(e.t, err)
	return chain.Balance(a, denom).Amount.Int64()
}

func (e *Env) CW20Balance(s *Source, addr string) int64 {
	r := Query[struct {
		Balance Num `json:"balance"`
	}](e.t, s.Chain, s.CW20, M{"balance": M{"address": addr}})
	return r.Balance.Int()
}

func coin(amount int64, denom string) sdk.Coin { return sdk.NewCoin(denom, sdkmath.NewInt(amount)) }

// Attr finds the first attribute `key` of a `wasm` event emitted by `contract`.
func Attr(res *abci.ExecTxResult, contract, key string) (string, bool) {
	for _, ev := range res.Events {
		if ev.Type != "wasm" {
			continue
		}
		from := ""
		for _, a := range ev.Attributes {
			if a.Key == "_contract_address" {
				from = a.Value
			}
		}
		if contract != "" && from != contract {
			continue
		}
		for _, a := range ev.Attributes {
			if a.Key == key {
				return a.Value, true
			}
		}
	}
	return "", false
}

func MustAttr(t *testing.T, res *abci.ExecTxResult, contract, key string) string {
	v, ok := Attr(res, contract, key)
	require.True(t, ok, "no wasm attribute %q from %s", key, contract)
	return v
}

// ---------------------------------------------------------------------------------------
// Set-up

// NewEnv starts the three chains, deploys and wires everything and opens every channel
// through the real handshake.
func NewEnv(t *testing.T) *Env {
	coord := wasmibctesting.NewCoordinator(t, 3)
	chain := func(i int) *wasmibctesting.WasmTestChain {
		return wasmibctesting.NewWasmTestChain(coord.GetChain(ibctesting.GetChainID(i)))
	}
	e := &Env{
		t:       t,
		Coord:   coord,
		T:       chain(3),
		Users:   map[string]*User{},
		CodeIDs: map[string]map[string]uint64{},
		Gas:     NewGasBook(),
	}
	e.A = &Source{ID: SourceA, Chain: chain(1), Denom: ATOM, Symbol: "ATOM"}
	e.B = &Source{ID: SourceB, Chain: chain(2), Denom: OSMO, Symbol: "OSMO"}
	e.Relayer = NewRelayer(t, coord, e.A.Chain, e.B.Chain, e.T)

	// Users and their funds: source denoms on A and B, USDC on the target.
	for _, name := range UserNames {
		priv := secp256k1.GenPrivKey()
		u := &User{Name: name, Priv: priv, Addr: sdk.AccAddress(priv.PubKey().Address())}
		e.Users[name] = u
		mint(t, e.A.Chain, u.Addr, sdk.NewCoins(coin(InitialNative, ATOM), coin(1_000_000, sdk.DefaultBondDenom)))
		mint(t, e.B.Chain, u.Addr, sdk.NewCoins(coin(InitialNative, OSMO), coin(1_000_000, sdk.DefaultBondDenom)))
		mint(t, e.T, u.Addr, sdk.NewCoins(coin(InitialUSDC, USDC), coin(1_000_000, sdk.DefaultBondDenom)))
	}
	coord.CommitBlock(e.A.Chain.TestChain, e.B.Chain.TestChain, e.T.TestChain)

	// Light clients and connections source <-> target (real ICS-02/03 handshakes).
	for _, s := range e.Sources() {
		s.Conn = ibctesting.NewPath(s.Chain.TestChain, e.T.TestChain)
		s.Conn.SetupConnections()
	}

	// Target chain: engine and controller.
	engineCode := e.store(e.T, "options_engine")
	controllerCode := e.store(e.T, "liquidation_controller")
	e.Engine = e.instantiate(e.T, engineCode, "isthmus-engine", M{
		"max_staleness_seconds": 3600,
		"quote_denom":           USDC,
		"quote_decimals":        6,
		"risk":                  DefaultRisk(),
	})
	e.Controller = e.instantiate(e.T, controllerCode, "isthmus-controller", M{
		"engine":                    e.Engine,
		"quote_denom":               USDC,
		"seize_timeout_seconds":     SeizeTimeoutSeconds,
		"max_in_flight_per_account": 2,
		"max_in_flight_per_source":  8,
	})
	e.MustExec(e.T, nil, e.Engine, M{"update_config": M{"controller": e.Controller}})
	lensCode := e.store(e.T, "options_lens")
	e.Lens = e.instantiate(e.T, lensCode, "isthmus-lens", M{"engine": e.Engine})

	// Source chains: a cw20 token and a vault each.
	for _, s := range e.Sources() {
		cw20Code := e.store(s.Chain, "cw20_base")
		vaultCode := e.store(s.Chain, "collateral_vault")
		var balances []M
		for _, name := range UserNames {
			balances = append(balances, M{"address": e.U(name).String(), "amount": fmt.Sprint(InitialCW20)})
		}
		s.CW20 = e.instantiate(s.Chain, cw20Code, "stake-token", M{
			"name": "Staked Token", "symbol": "STK", "decimals": 6, "initial_balances": balances,
		})
		s.Vault = e.instantiate(s.Chain, vaultCode, "isthmus-vault", M{
			"engine":                     M{"connection_id": s.Conn.EndpointA.ConnectionID, "port_id": "wasm." + e.Engine},
			"controller":                 M{"connection_id": s.Conn.EndpointA.ConnectionID, "port_id": "wasm." + e.Controller},
			"packet_timeout_seconds":     PacketTimeoutSeconds,
			"heartbeat_interval_seconds": 60,
			"assets": []M{
				{"asset": M{"native": s.Denom}, "deposit_cap": "10000000000", "enabled": true},
				{"asset": M{"cw20": s.CW20}, "deposit_cap": "10000000000", "enabled": true},
			},
		})
		// Register the source at the engine and the controller under its stable id.
		reg := M{"register_source": M{
			"source_id": s.ID, "connection_id": s.Conn.EndpointB.ConnectionID, "counterparty_port": "wasm." + s.Vault,
		}}
		e.MustExec(e.T, nil, e.Engine, reg)
		e.MustExec(e.T, nil, e.Controller, reg)
	}

	// Channels, through the real four-step handshake with the contracts' entry points.
	for _, s := range e.Sources() {
		// Collateral channel: the vault initiates.
		s.Coll = channelOn(s.Conn, s.Chain.TestChain, e.T.TestChain, "wasm."+s.Vault, "wasm."+e.Engine, AppVersion, false)
		s.Coll.CreateChannels()
		// Seize channel: the vault initiates too (the controller only answers, docs/protocol.md §1).
		s.Seize = channelOn(s.Conn, s.Chain.TestChain, e.T.TestChain, "wasm."+s.Vault, "wasm."+e.Controller, AppVersion, false)
		s.Seize.CreateChannels()
		// ICS-20 between the source and the target (seized collateral goes home over it).
		s.Xfer = channelOn(s.Conn, s.Chain.TestChain, e.T.TestChain, "transfer", "transfer", "ics20-1", false)
		s.Xfer.CreateChannels()
		e.Relayer.AddPath(s.ID+"/collateral", s.Coll)
		e.Relayer.AddPath(s.ID+"/seize", s.Seize)
		e.Relayer.AddPath(s.ID+"/ics20", s.Xfer)
	}
	return e
}

// channelOn makes a channel path over the existing connection `conn` (EndpointA on the
// source chain). `reversed` puts the target chain on EndpointA (it initiates).
func channelOn(conn *ibctesting.Path, a, b *ibctesting.TestChain, portA, portB, version string, reversed bool) *ibctesting.Path {
	p := ibctesting.NewPath(a, b)
	connA, connB := conn.EndpointA, conn.EndpointB
	if reversed {
		connA, connB = conn.EndpointB, conn.EndpointA
	}
	p.EndpointA.ClientID, p.EndpointA.ConnectionID = connA.ClientID, connA.ConnectionID
	p.EndpointB.ClientID, p.EndpointB.ConnectionID = connB.ClientID, connB.ConnectionID
	p.EndpointA.ClientConfig, p.EndpointB.ClientConfig = connA.ClientConfig, connB.ClientConfig
	p.EndpointA.ConnectionConfig, p.EndpointB.ConnectionConfig = connA.ConnectionConfig, connB.ConnectionConfig
	p.EndpointA.ChannelConfig = &ibctesting.ChannelConfig{PortID: portA, Version: version, Order: channeltypes.UNORDERED}
	p.EndpointB.ChannelConfig = &ibctesting.ChannelConfig{PortID: portB, Version: version, Order: channeltypes.UNORDERED}
	return p
}

// DefaultRisk mirrors tests/src/suite.rs::default_risk.
func DefaultRisk() M {
	return M{
		"spread":                      "0.01",
		"rate":                        "0.05",
		"max_leg_quantity":            1000,
		"initial_margin_factor":       "1.3",
		"spot_moves":                  []string{"-0.3", "-0.15", "-0.1", "-0.05", "0", "0.05", "0.1", "0.15", "0.3"},
		"vol_shock_up":                "0.1",
		"vol_shock_down":              "0.1",
		"vol_shock_exponent":          "0.5",
		"vol_shock_reference_days":    30,
		"min_days_to_expiry":          1,
		"min_vol":                     "0.05",
		"short_floor":                 "0.01",
		"haircut_base":                "0.15",
		"haircut_z":                   "3",
		"seize_latency_seconds":       600,
		"settlement_fallback_seconds": 3600,
		"liquidation_penalty":         "0.05",
		"liquidator_share":            "0.5",
		"liquidation_bonus":           "0.05",
		"lp_notice_seconds":           0,
		"tail_moves":                  []string{"-0.5", "0.5"},
		"tail_weight":                 "0.333333333333333333",
	}
}

// Now is the target chain's block time in unix seconds.
func (e *Env) Now() int64 { return e.T.ProposedHeader.Time.Unix() }

// Advance moves every chain's clock forward (blocks are committed with the new time on
// the next transaction).
func (e *Env) Advance(d time.Duration) { e.Coord.IncrementTimeBy(d) }

// ---------------------------------------------------------------------------------------
// Gas

// GasBook records the real gas of each transaction by message type.
type GasBook struct {
	rows     map[string][]int64
	contract map[string][]int64
	queries  map[string][]int64
}

func NewGasBook() *GasBook {
	return &GasBook{rows: map[string][]int64{}, contract: map[string][]int64{}, queries: map[string][]int64{}}
}

func (g *GasBook) Add(kind string, res *abci.ExecTxResult) {
	if res == nil {
		return
	}
	g.rows[kind] = append(g.rows[kind], res.GasUsed)
}

func (g *GasBook) AddBoth(kind string, res *abci.ExecTxResult, contractGas uint64) {
	g.Add(kind, res)
	g.contract[kind] = append(g.contract[kind], int64(contractGas))
}

func span(v []int64) string {
	if len(v) == 0 {
		return "-"
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d – %d", lo, hi)
}

func (g *GasBook) Table() string {
	var keys []string
	for k := range g.rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("| message | txs | tx GasUsed | contract-only gas (x/wasm, no ante) |\n|---|---:|---:|---:|\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", k, len(g.rows[k]), span(g.rows[k]), span(g.contract[k]))
	}
	keys = keys[:0]
	for k := range g.queries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("\n| query | runs | gas (limit 3,000,000) |\n|---|---:|---:|\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %d | %s |\n", k, len(g.queries[k]), span(g.queries[k]))
	}
	return b.String()
}

// MeasuredQuery answers a smart query as Query does and records the gas it used, measured as
// a query node charges it (no transaction: every contract called pays its full instance cost),
// and fails if that is above wasmd's default smart-query gas limit.
func MeasuredQuery[T any](e *Env, kind string, chain *wasmibctesting.WasmTestChain, contract string, q any) T {
	ctx, _ := chain.GetContext().CacheContext()
	ctx = ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
	addr, err := sdk.AccAddressFromBech32(contract)
	require.NoError(e.t, err)
	_, err = chain.GetWasmApp().WasmKeeper.QuerySmart(ctx, addr, mustJSON(e.t, q))
	require.NoError(e.t, err, "measured query %s", mustJSON(e.t, q))
	used := ctx.GasMeter().GasConsumed()
	require.LessOrEqual(e.t, used, uint64(3_000_000), "query gas of %s", kind)
	e.Gas.queries[kind] = append(e.Gas.queries[kind], int64(used))
	return Query[T](e.t, chain, contract, q)
}

// ---------------------------------------------------------------------------------------
// Acks

// Ack is a decoded ICS-004 acknowledgement as the contracts write it.
type Ack struct {
	Raw    []byte
	Result []byte // decoded base64 payload of {"result": ...}
	Error  string
	IsErr  bool
}

func ParseAck(t *testing.T, raw []byte) Ack {
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), "ack is not JSON: %q", raw)
	a := Ack{Raw: raw}
	if r, ok := m["result"]; ok {
		var s string
		require.NoError(t, json.Unmarshal(r, &s))
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		a.Result = b
		return a
	}
	e, ok := m["error"]
	require.True(t, ok, "ack has neither result nor error: %q", raw)
	require.NoError(t, json.Unmarshal(e, &a.Error))
	a.IsErr = true
	return a
}
