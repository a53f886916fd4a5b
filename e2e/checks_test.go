package e2e

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
)

// TestChecksCatchBrokenBooks shows that the invariant checks fail on real-chain states that
// break them: a stray bank transfer into a vault (invariant 1), into the engine (invariant
// 3), and a forged collateral_update that credits more than the vault holds (invariant 2).
func TestChecksCatchBrokenBooks(t *testing.T) {
	e := NewEnv(t)
	alice, bob := e.U("alice"), e.U("bob")
	e.MustExec(e.A.Chain, alice, e.A.Vault, M{"deposit": M{"account": alice.String()}}, coin(1_000, ATOM))
	e.Relayer.RelayAll()
	e.CheckAll("deposit", nil)
	e.CheckResolved("deposit")

	send := func(chain *Source, to string, c sdk.Coin) {
		_, err := chain.Chain.SendNonDefaultSenderMsgs(bob.Priv, &banktypes.MsgSend{FromAddress: bob.String(), ToAddress: to, Amount: sdk.NewCoins(c)})
		require.NoError(t, err)
	}

	// Invariant 1: 7 uatom sent straight to the vault are above its books.
	send(e.A, e.A.Vault, coin(7, ATOM))
	err := e.CheckVaultConservation(nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "invariant 1 (source-a native:uatom): balance 1007, total 1000")
	require.NoError(t, e.CheckVaultConservation(map[surplusKey]int64{{SourceA, "native:" + ATOM}: 7}))

	// Invariant 3: 5 uusdc sent straight to the engine are on no book.
	_, err = e.T.SendNonDefaultSenderMsgs(bob.Priv, &banktypes.MsgSend{FromAddress: bob.String(), ToAddress: e.Engine, Amount: sdk.NewCoins(coin(5, USDC))})
	require.NoError(t, err)
	err = e.CheckCashConservation()
	require.Error(t, err)
	require.Contains(t, err.Error(), "invariant 3")
	require.NoError(t, e.CheckTokenSolvency(), "more tokens than claims is solvent")

	// Invariant 2: a packet forged on the vault's port (ibc-go's channel keeper called
	// directly, as only a compromised chain could) tells the engine alice holds 5,000.
	forged := mustJSON(t, M{"collateral_update": M{
		"owner": alice.String(), "account": alice.String(), "asset": native(ATOM), "available": "5000", "seq": 99,
	}})
	from := e.A.Coll.EndpointA
	timeout := uint64(e.Coord.CurrentTime.Add(3600e9).UnixNano())
	seq, err := from.SendPacket(clienttypes.ZeroHeight(), timeout, forged)
	require.NoError(t, err)
	pkt := channeltypes.NewPacket(forged, seq, from.ChannelConfig.PortID, from.ChannelID,
		from.Counterparty.ChannelConfig.PortID, from.Counterparty.ChannelID, clienttypes.ZeroHeight(), timeout)
	e.Relayer.Queue = append(e.Relayer.Queue, &InFlight{Path: SourceA + "/collateral", From: from, To: from.Counterparty, Packet: pkt})
	ack := e.Relayer.Receive(0)
	require.False(t, ack.IsErr, "%s", ack.Raw)
	require.Equal(t, int64(5_000), e.Replica(e.A, alice.String(), native(ATOM)).Usable.Int())
	err = e.CheckNoOverCredit()
	require.Error(t, err)
	require.Contains(t, err.Error(), "invariant 2 (source-a alice")
	require.Contains(t, err.Error(), "engine usable 5000 > vault available 1000")
}
