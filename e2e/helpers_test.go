package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	transfertypes "github.com/cosmos/ibc-go/v11/modules/apps/transfer/types"
)

func jsonB64(t *testing.T, v any) string { return base64.StdEncoding.EncodeToString(mustJSON(t, v)) }

func attrInt(t *testing.T, res *abci.ExecTxResult, contract, key string) int64 {
	v, err := strconv.ParseInt(MustAttr(t, res, contract, key), 10, 64)
	require.NoError(t, err, "attribute %s", key)
	return v
}

// pushPrices publishes ATOM and OSMO spot prices at the target chain's current time.
func (e *Env) pushPrices(t *testing.T, atom, osmo string) {
	now := e.Now()
	e.MustExec(e.T, e.U("feeder"), e.Engine, M{"push_prices": M{"prices": []M{
		{"symbol": "ATOM", "price": atom, "publish_time": now},
		{"symbol": "OSMO", "price": osmo, "publish_time": now},
	}}})
}

// ibcDenom is the voucher denom of `base` arriving over `channel` (the receiving side's
// channel id), as ICS-20 v1 names it: ibc/SHA256("transfer/<channel>/<base>").
func ibcDenom(base, channel string) string {
	return transfertypes.NewDenom(base, transfertypes.NewHop(transfertypes.PortID, channel)).IBCDenom()
}

func transferEscrow(channel string) string {
	return transfertypes.GetEscrowAddress(transfertypes.PortID, channel).String()
}

// denomTrace reads the voucher's denom from the target's transfer keeper by its hash
// and returns its full path.
func (e *Env) denomTrace(t *testing.T, voucher string) string {
	app := e.T.GetWasmApp()
	hash, err := transfertypes.ParseHexHash(voucher[len("ibc/"):])
	require.NoError(t, err)
	d, found := app.TransferKeeper.GetDenom(e.T.GetContext(), hash)
	require.True(t, found, "no denom for %s", voucher)
	require.Equal(t, voucher, d.IBCDenom())
	return d.Path()
}

// writeGasTable writes the gas table where docs/real-chain.md includes it from.
func writeGasTable(t *testing.T, g *GasBook) {
	out := os.Getenv("ISTHMUS_E2E_GAS_OUT")
	if out == "" {
		return
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	require.NoError(t, os.WriteFile(out, []byte(g.Table()), 0o644))
}
