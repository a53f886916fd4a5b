package e2e

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkbech32 "github.com/cosmos/cosmos-sdk/types/bech32"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v11/testing"
)

// TestConformance runs the protocol's story on three real wasmd chains: two source chains
// (A: uatom + a cw20, B: uosmo + a cw20) and one target chain (engine, controller, uusdc).
// Steps share the chains; a failing step stops the test.
func TestConformance(t *testing.T) {
	e := NewEnv(t)
	surplus := map[surplusKey]int64{}
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) {
			e.t = t
			defer func() { e.t = nil }()
			f(t)
			e.CheckAll(name, surplus)
		}) {
			t.FailNow()
		}
		e.t = t
	}
	alice, bob, carol, keeper := e.U("alice"), e.U("bob"), e.U("carol"), e.U("keeper")
	A, B := e.A, e.B
	atom, osmo := native(ATOM), native(OSMO)

	step("1_deploy_and_handshake", func(t *testing.T) {
		// Code ids: on every chain the codes were stored in order, starting at 1.
		require.Equal(t, map[string]uint64{"options_engine": 1, "liquidation_controller": 2, "options_lens": 3}, e.CodeIDs[e.T.ChainID])
		for _, s := range e.Sources() {
			require.Equal(t, map[string]uint64{"cw20_base": 1, "collateral_vault": 2}, e.CodeIDs[s.Chain.ChainID])
		}
		for _, s := range e.Sources() {
			for _, pp := range [][2]*ibctesting.Endpoint{
				{s.Coll.EndpointA, s.Coll.EndpointB},
				{s.Seize.EndpointA, s.Seize.EndpointB},
				{s.Xfer.EndpointA, s.Xfer.EndpointB},
			} {
				for i, ep := range pp {
					ch, ok := ep.Chain.App.GetIBCKeeper().ChannelKeeper.GetChannel(ep.Chain.GetContext(), ep.ChannelConfig.PortID, ep.ChannelID)
					require.True(t, ok)
					require.Equal(t, channeltypes.OPEN, ch.State, "%s %s/%s", ep.Chain.ChainID, ep.ChannelConfig.PortID, ep.ChannelID)
					require.Equal(t, channeltypes.UNORDERED, ch.Ordering)
					other := pp[1-i]
					require.Equal(t, other.ChannelConfig.PortID, ch.Counterparty.PortId)
					require.Equal(t, other.ChannelID, ch.Counterparty.ChannelId)
				}
			}
			require.Equal(t, AppVersion, s.Coll.EndpointA.GetChannel().Version)
			require.Equal(t, AppVersion, s.Seize.EndpointA.GetChannel().Version)

			// The contracts recorded the channels.
			vc := Query[struct {
				EngineChannel     *string `json:"engine_channel"`
				ControllerChannel *string `json:"controller_channel"`
			}](t, s.Chain, s.Vault, M{"config": M{}})
			require.Equal(t, s.Coll.EndpointA.ChannelID, *vc.EngineChannel)
			require.Equal(t, s.Seize.EndpointA.ChannelID, *vc.ControllerChannel)
			src := Query[struct {
				ChannelID *string `json:"channel_id"`
			}](t, e.T, e.Lens, M{"source": M{"source_id": s.ID}})
			require.Equal(t, s.Coll.EndpointB.ChannelID, *src.ChannelID)
			cs := Query[struct {
				Sources []struct {
					SourceID  string  `json:"source_id"`
					ChannelID *string `json:"channel_id"`
				} `json:"sources"`
			}](t, e.T, e.Controller, M{"sources": M{}})
			found := false
			for _, c := range cs.Sources {
				if c.SourceID == s.ID {
					require.Equal(t, s.Seize.EndpointB.ChannelID, *c.ChannelID)
					found = true
				}
			}
			require.True(t, found)
		}
		require.Empty(t, e.Relayer.Queue)

		// The real handshake refuses what the contracts' rules refuse; every refusal is a
		// failed transaction that leaves no channel behind.
		conn := A.Conn
		second := channelOn(conn, A.Chain.TestChain, e.T.TestChain, "wasm."+A.Vault, "wasm."+e.Engine, AppVersion, false)
		err := second.EndpointA.ChanOpenInit()
		require.Error(t, err)
		require.Contains(t, err.Error(), "already open")
		t.Logf("second collateral channel refused: %v", err)
		badVersion := channelOn(conn, A.Chain.TestChain, e.T.TestChain, "wasm."+A.Vault, "wasm."+e.Engine, "ics20-1", false)
		err = badVersion.EndpointA.ChanOpenInit()
		require.Error(t, err)
		require.Contains(t, err.Error(), "channel version must be `isthmus-1`")
		ordered := channelOn(conn, A.Chain.TestChain, e.T.TestChain, "wasm."+A.Vault, "wasm."+e.Controller, AppVersion, false)
		ordered.EndpointA.ChannelConfig.Order = channeltypes.ORDERED
		ordered.EndpointB.ChannelConfig.Order = channeltypes.ORDERED
		err = ordered.EndpointA.ChanOpenInit()
		require.Error(t, err)
		require.Contains(t, err.Error(), "UNORDERED")
		// Only the vault opens: a handshake started from the engine's side is refused there, so
		// two handshakes can never cross.
		fromEngine := channelOn(conn, e.T.TestChain, A.Chain.TestChain, "wasm."+e.Engine, "wasm."+A.Vault, AppVersion, true)
		err = fromEngine.EndpointA.ChanOpenInit()
		require.Error(t, err)
		require.Contains(t, err.Error(), "only the vault opens an Isthmus channel")
		// Nobody closes an Isthmus channel from our side.
		for _, ep := range []*ibctesting.Endpoint{A.Coll.EndpointA, A.Coll.EndpointB, A.Seize.EndpointA, A.Seize.EndpointB} {
			err = ep.ChanCloseInit()
			require.Error(t, err, "close %s/%s", ep.ChannelConfig.PortID, ep.ChannelID)
			ch, _ := ep.Chain.App.GetIBCKeeper().ChannelKeeper.GetChannel(ep.Chain.GetContext(), ep.ChannelConfig.PortID, ep.ChannelID)
			require.Equal(t, channeltypes.OPEN, ch.State)
		}
		t.Logf("channel close refused: %v", err)
	})

	step("2a_native_and_cw20_deposits_replicate", func(t *testing.T) {
		e.Measured("deposit (native, vault)", A.Chain, alice, A.Vault, M{"deposit": M{"account": alice.String()}}, coin(100_000_000, ATOM))
		e.Measured("deposit (cw20 send + hook)", A.Chain, bob, A.CW20, M{"send": M{"contract": A.Vault, "amount": "500000000",
			"msg": jsonB64(t, M{"deposit": M{"account": bob.String()}})}})
		e.MustExec(B.Chain, carol, B.Vault, M{"deposit": M{"account": carol.String()}}, coin(300_000_000, OSMO))
		e.MustExec(B.Chain, carol, B.CW20, M{"send": M{"contract": B.Vault, "amount": "250000000",
			"msg": jsonB64(t, M{"deposit": M{"account": carol.String()}})}})
		require.Len(t, e.Relayer.Queue, 4)
		// Before relaying, the engine knows nothing.
		require.Zero(t, e.Replica(A, alice.String(), atom).Reported.Int())

		for len(e.Relayer.Queue) > 0 {
			require.Equal(t, "collateral_update", e.Relayer.Queue[0].Kind())
			ack, recv, ackRes := e.Relayer.Relay(0)
			require.False(t, ack.IsErr, "%s", ack.Raw)
			require.Equal(t, `{}`, string(ack.Result))
			e.Gas.AddBoth("collateral_update receive (engine)", recv, e.Relayer.LastRecvContractGas)
			e.Gas.AddBoth("collateral_update ack (vault)", ackRes, e.Relayer.LastAckContractGas)
		}
		for _, c := range []struct {
			s     *Source
			owner *User
			asset AssetInfo
			want  int64
		}{{A, alice, atom, 100_000_000}, {A, bob, cw20(A.CW20), 500_000_000}, {B, carol, osmo, 300_000_000}, {B, carol, cw20(B.CW20), 250_000_000}} {
			r := e.Replica(c.s, c.owner.String(), c.asset)
			require.Equal(t, c.want, r.Reported.Int(), "%s %v", c.s.ID, c.asset)
			require.Equal(t, c.want, r.Usable.Int())
			require.Equal(t, uint64(1), r.Seq)
			require.Equal(t, c.owner.String(), *r.Account)
			v := e.VaultPos(c.s, c.owner.String(), c.asset)
			require.Equal(t, c.want, v.Available.Int())
		}
		require.Equal(t, InitialNative-100_000_000, e.Balance(A.Chain, alice.String(), ATOM))
		require.Equal(t, InitialCW20-500_000_000, e.CW20Balance(A, bob.String()))
		require.Equal(t, InitialCW20-250_000_000, e.CW20Balance(B, carol.String()))
		e.CheckResolved("deposits")
	})

	step("2b_withdrawal_approved_and_paid", func(t *testing.T) {
		e.MustExec(A.Chain, bob, A.Vault, M{"deposit": M{"account": bob.String()}}, coin(50_000_000, ATOM))
		e.Relayer.RelayAll()
		res := e.Measured("withdraw request (vault)", A.Chain, bob, A.Vault, M{"withdraw": M{"asset": atom, "amount": "20000000"}})
		v := e.VaultPos(A, bob.String(), atom)
		require.Equal(t, [3]int64{30_000_000, 20_000_000, 2}, [3]int64{v.Available.Int(), v.Pending.Int(), int64(v.Seq)})
		e.CheckAll("withdraw sent", surplus)
		status, decided := e.WithdrawalStatus(A, 1)
		require.JSONEq(t, `{"pending":{}}`, status)
		require.False(t, decided)

		i := e.Relayer.Find(A.ID+"/collateral", "withdraw_request")
		ack := e.Relayer.Receive(i)
		e.Gas.AddBoth("withdraw_request receive (engine)", e.Relayer.LastRecv, e.Relayer.LastRecvContractGas)
		require.False(t, ack.IsErr, "%s", ack.Raw)
		require.JSONEq(t, `{"request_id":1}`, string(ack.Result))
		r := e.Replica(A, bob.String(), atom)
		require.Equal(t, int64(30_000_000), r.Reported.Int())
		require.Equal(t, uint64(2), r.Seq)
		// Nothing is paid before the ack arrives.
		require.Equal(t, InitialNative-50_000_000, e.Balance(A.Chain, bob.String(), ATOM))
		e.CheckAll("withdraw approved, ack held", surplus)

		res = e.Relayer.Acknowledge(i)
		e.Gas.AddBoth("withdraw ack, approved: payout (vault)", res, e.Relayer.LastAckContractGas)
		require.Equal(t, InitialNative-30_000_000, e.Balance(A.Chain, bob.String(), ATOM))
		require.Equal(t, int64(100_000_000+30_000_000), e.Balance(A.Chain, A.Vault, ATOM))
		v = e.VaultPos(A, bob.String(), atom)
		require.Equal(t, [2]int64{30_000_000, 0}, [2]int64{v.Available.Int(), v.Pending.Int()})
		status, decided = e.WithdrawalStatus(A, 1)
		require.JSONEq(t, `{"paid":{}}`, status)
		require.True(t, decided)
		e.CheckResolved("withdrawal paid")
	})

	step("2c_withdrawal_refused_and_rolled_back", func(t *testing.T) {
		// A deposit the engine has not heard of yet (its update is held), then a withdrawal
		// of more than the engine counts.
		e.MustExec(A.Chain, bob, A.Vault, M{"deposit": M{"account": bob.String()}}, coin(10_000_000, ATOM)) // seq 3
		e.MustExec(A.Chain, bob, A.Vault, M{"withdraw": M{"asset": atom, "amount": "35000000"}})            // seq 4
		bobBefore := e.Balance(A.Chain, bob.String(), ATOM)
		i := e.Relayer.Find(A.ID+"/collateral", "withdraw_request")
		ack := e.Relayer.Receive(i)
		require.True(t, ack.IsErr)
		require.Contains(t, ack.Error, "insufficient usable collateral")
		require.Equal(t, int64(30_000_000), e.Replica(A, bob.String(), atom).Reported.Int(), "a refusal changes nothing")
		e.CheckAll("withdraw refused, ack held", surplus)
		res := e.Relayer.Acknowledge(e.Relayer.Find(A.ID+"/collateral", "withdraw_request"))
		e.Gas.AddBoth("withdraw ack, refused: rollback + resend (vault)", res, e.Relayer.LastAckContractGas)
		v := e.VaultPos(A, bob.String(), atom)
		require.Equal(t, [3]int64{40_000_000, 0, 5}, [3]int64{v.Available.Int(), v.Pending.Int(), int64(v.Seq)})
		require.Equal(t, bobBefore, e.Balance(A.Chain, bob.String(), ATOM), "nothing paid")
		reason, _ := json.Marshal(ack.Error)
		status, _ := e.WithdrawalStatus(A, 2)
		require.JSONEq(t, `{"rolled_back":{"reason":`+string(reason)+`}}`, status, "the wallet reads the engine's refusal")
		e.Relayer.RelayAll() // the held seq 3 update and the rollback's seq 5 update
		require.Equal(t, int64(40_000_000), e.Replica(A, bob.String(), atom).Reported.Int())
		require.Equal(t, InitialNative-40_000_000, e.Balance(A.Chain, bob.String(), ATOM))
		e.CheckResolved("withdrawal refused")
	})

	step("2d_withdrawal_timed_out_and_rolled_back", func(t *testing.T) {
		e.MustExec(B.Chain, carol, B.Vault, M{"withdraw": M{"asset": osmo, "amount": "100000000"}}) // seq 2
		v := e.VaultPos(B, carol.String(), osmo)
		require.Equal(t, [2]int64{200_000_000, 100_000_000}, [2]int64{v.Available.Int(), v.Pending.Int()})
		e.CheckAll("withdraw sent", surplus)
		res := e.Relayer.TimeOut(e.Relayer.Find(B.ID+"/collateral", "withdraw_request"))
		e.Gas.AddBoth("withdraw timeout: rollback + resend (vault)", res, e.Relayer.LastTimeoutContractGas)
		v = e.VaultPos(B, carol.String(), osmo)
		require.Equal(t, [3]int64{300_000_000, 0, 3}, [3]int64{v.Available.Int(), v.Pending.Int(), int64(v.Seq)})
		require.Equal(t, InitialNative-300_000_000, e.Balance(B.Chain, carol.String(), OSMO))
		status, _ := e.WithdrawalStatus(B, 1)
		require.JSONEq(t, `{"timed_out":{}}`, status)
		// The engine never saw the request: still seq 1 until the re-sent update lands.
		require.Equal(t, uint64(1), e.Replica(B, carol.String(), osmo).Seq)
		e.CheckAll("timed out", surplus)
		e.Relayer.RelayAll()
		r := e.Replica(B, carol.String(), osmo)
		require.Equal(t, [2]int64{300_000_000, 3}, [2]int64{r.Reported.Int(), int64(r.Seq)})
		e.CheckResolved("withdrawal timed out")
	})

	var series map[string]uint64
	var expiry int64
	step("3a_market_and_collateral_listing", func(t *testing.T) {
		feeder := e.U("feeder")
		e.MustExec(e.T, nil, e.Engine, M{"set_feeder": M{"address": feeder.String(), "price": true, "vol": true}})
		for _, sym := range []string{"ATOM", "OSMO"} {
			e.MustExec(e.T, nil, e.Engine, M{"configure_symbol": M{
				"symbol": sym, "max_price_age_seconds": 3600, "lenient_price_age_seconds": 7 * 86400,
				"max_vol_age_seconds": 7 * 86400, "max_pool_delta": "5000",
			}})
		}
		for _, s := range e.Sources() {
			e.MustExec(e.T, nil, e.Engine, M{"set_collateral_asset": M{"source_id": s.ID, "asset": native(s.Denom), "symbol": s.Symbol, "decimals": 6, "enabled": true}})
			var underlying any
			if s.Symbol == "ATOM" {
				underlying = "ATOM"
			}
			e.MustExec(e.T, nil, e.Engine, M{"set_collateral_risk": M{"source_id": s.ID, "asset": native(s.Denom), "vol": "0.6", "underlying": underlying}})
		}
		expiry = e.Now() + 30*86400
		series = map[string]uint64{}
		for strike := 7; strike <= 14; strike++ {
			for _, kind := range []string{"call", "put"} {
				res := e.MustExec(e.T, nil, e.Engine, M{"list_series": M{
					"underlying": "ATOM", "strike": fmt.Sprint(strike), "expiry": expiry, "kind": kind,
					"contract_size": "1", "open_interest_cap": "10000",
				}})
				id, err := strconv.ParseUint(MustAttr(t, res, e.Engine, "series_id"), 10, 64)
				require.NoError(t, err)
				series[fmt.Sprintf("%s_%d", kind, strike)] = id
			}
		}
		require.Len(t, series, 16)
		e.pushPrices(t, "10", "1")
		e.MustExec(e.T, feeder, e.Engine, M{"push_vols": M{"vols": []M{{"underlying": "ATOM", "expiry": expiry, "vol": "0.6", "publish_time": e.Now()}}}})
		lp := e.U("lp")
		e.MustExec(e.T, lp, e.Engine, M{"pool_deposit": M{}}, coin(500_000_000_000, USDC))
		require.Equal(t, int64(500_000_000_000), e.Pool().Cash.Int())
		require.Equal(t, InitialUSDC-500_000_000_000, e.Balance(e.T, lp.String(), USDC))
	})

	// Alice writes puts margined by her ATOM on A and her OSMO on B.
	aliceLegs := func() []M {
		return []M{{"series_id": series["put_10"], "quantity": -400}, {"series_id": series["call_13"], "quantity": 10}}
	}
	step("3b_multi_leg_trade_margined_by_both_sources", func(t *testing.T) {
		e.MustExec(e.T, alice, e.Engine, M{"deposit_cash": M{}}, coin(50_000_000, USDC))
		require.Equal(t, int64(50_000_000), e.Account("alice").Cash.Int())
		// Her OSMO deposit on B: the update is held, so the engine counts only her ATOM.
		e.MustExec(B.Chain, alice, B.Vault, M{"deposit": M{"account": alice.String()}}, coin(800_000_000, OSMO))
		e.pushPrices(t, "10", "1")
		_, err := e.Exec(e.T, alice, e.Engine, M{"trade": M{"legs": aliceLegs(), "max_cost": "1000000000000"}})
		require.Error(t, err)
		require.Contains(t, err.Error(), "initial margin")
		e.Relayer.RelayAll()
		require.Equal(t, int64(800_000_000), e.Replica(B, alice.String(), osmo).Reported.Int())
		e.pushPrices(t, "10", "1")
		m := e.Margin("alice")
		res := e.Measured("trade, 2 legs (engine)", e.T, alice, e.Engine, M{"trade": M{"legs": aliceLegs(), "max_cost": "1000000000000"}})
		cost := attrInt(t, res, e.Engine, "total_cost")
		require.Equal(t, 50_000_000-cost, e.Account("alice").Cash.Int())
		after := e.Margin("alice")
		t.Logf("alice before: collateral %d; after trade: cost %d, equity %d, initial margin %d, maintenance %d",
			m.CollateralValue.Int(), cost, after.Equity.Int(), after.InitialMargin.Int(), after.MaintenanceMarg.Int())
		require.Len(t, e.Account("alice").Positions, 2)
		require.False(t, after.Liquidatable)
	})

	step("3c_trades_of_1_and_16_legs", func(t *testing.T) {
		e.MustExec(e.T, bob, e.Engine, M{"deposit_cash": M{}}, coin(10_000_000_000, USDC))
		e.pushPrices(t, "10", "1")
		res := e.Measured("trade, 1 leg (engine)", e.T, bob, e.Engine, M{"trade": M{"legs": []M{{"series_id": series["call_10"], "quantity": 1}}, "max_cost": "1000000000"}})
		c1 := attrInt(t, res, e.Engine, "total_cost")
		require.Greater(t, c1, int64(0))
		var legs []M
		for strike := 7; strike <= 14; strike++ {
			for _, kind := range []string{"call", "put"} {
				legs = append(legs, M{"series_id": series[fmt.Sprintf("%s_%d", kind, strike)], "quantity": 1})
			}
		}
		require.Len(t, legs, 16)
		res = e.Measured("trade, 16 legs (engine)", e.T, bob, e.Engine, M{"trade": M{"legs": legs, "max_cost": "100000000000"}})
		c16 := attrInt(t, res, e.Engine, "total_cost")
		require.Equal(t, 10_000_000_000-c1-c16, e.Account("bob").Cash.Int())
		require.Len(t, e.Account("bob").Positions, 16)
	})

	// The views a UI reads, on the real VM: each answers within wasmd's query gas limit for
	// the largest accounts of the story (bob's 16 legs, alice's two sources) and agrees with
	// the engine's own views (docs/integrating.md, "Views for a UI").
	step("3c2_ui_views_on_the_real_vm", func(t *testing.T) {
		e.pushPrices(t, "10", "1")
		type underlyingRisk struct {
			Underlying        string `json:"underlying"`
			Scenarios         []any  `json:"scenarios"`
			MaintenanceMargin Num    `json:"maintenance_margin"`
		}
		bd := MeasuredQuery[struct {
			Margin      Margin           `json:"margin"`
			Underlyings []underlyingRisk `json:"underlyings"`
		}](e, "margin_breakdown, 16 legs (lens)", e.T, e.Lens, M{"margin_breakdown": M{"account": bob.String()}})
		require.Equal(t, e.Margin("bob"), bd.Margin)
		require.Len(t, bd.Underlyings, 1)
		require.Equal(t, "ATOM", bd.Underlyings[0].Underlying)
		require.NotEmpty(t, bd.Underlyings[0].Scenarios)

		lp := MeasuredQuery[struct {
			LiquidatableNow bool    `json:"liquidatable_now"`
			Below           *string `json:"below"`
			Above           *string `json:"above"`
		}](e, "liquidation_price, 2 legs, 2 sources (lens)", e.T, e.Lens, M{"liquidation_price": M{"account": alice.String(), "underlying": "ATOM"}})
		require.False(t, lp.LiquidatableNow)
		t.Logf("alice's liquidation prices of ATOM: below %v, above %v", deref(lp.Below), deref(lp.Above))
		// bob holds 16 long legs and cash: never liquidatable, so every trial spot is evaluated,
		// the costliest search for the largest account.
		never := MeasuredQuery[struct {
			Below *string `json:"below"`
			Above *string `json:"above"`
		}](e, "liquidation_price, 16 legs, no crossing (lens)", e.T, e.Lens, M{"liquidation_price": M{"account": bob.String(), "underlying": "ATOM"}})
		require.Nil(t, never.Below)
		require.Nil(t, never.Above)

		mw := MeasuredQuery[struct {
			Usable Num `json:"usable"`
			Max    Num `json:"max_amount"`
		}](e, "max_withdrawable, 2 legs, 2 sources (lens)", e.T, e.Lens, M{"max_withdrawable": M{"source_id": A.ID, "owner": alice.String(), "asset": atom}})
		require.Greater(t, mw.Usable.Int(), int64(0))
		require.LessOrEqual(t, mw.Max.Int(), mw.Usable.Int())
		t.Logf("alice may withdraw %d of %d uatom", mw.Max.Int(), mw.Usable.Int())

		list := MeasuredQuery[struct {
			Series []struct {
				SeriesID uint64 `json:"series_id"`
				Quote    *struct {
					BuyOneCost Num  `json:"buy_one_cost"`
					Fresh      bool `json:"fresh"`
				} `json:"quote"`
			} `json:"series"`
		}](e, "series_list with quotes, 30 series (lens)", e.T, e.Lens, M{"series_list": M{"underlying": "ATOM", "limit": 30}})
		require.NotEmpty(t, list.Series)
		for _, s := range list.Series {
			require.NotNil(t, s.Quote, "series %d", s.SeriesID)
			require.True(t, s.Quote.Fresh)
			require.Greater(t, s.Quote.BuyOneCost.Int(), int64(0))
		}

		positions := MeasuredQuery[struct {
			Positions []struct {
				SeriesID uint64 `json:"series_id"`
				Position int64  `json:"position"`
			} `json:"positions"`
		}](e, "pool_positions, 30 (lens)", e.T, e.Lens, M{"pool_positions": M{"underlying": "ATOM", "limit": 30}})
		require.NotEmpty(t, positions.Positions)
		limits := MeasuredQuery[struct {
			MaintenanceMargin Num `json:"maintenance_margin"`
		}](e, "pool_limits (lens)", e.T, e.Lens, M{"pool_limits": M{}})
		require.Equal(t, e.Pool().MaintenanceMargin, limits.MaintenanceMargin)
	})

	step("3d_crash_and_liquidation", func(t *testing.T) {
		e.Advance(60 * time.Second)
		e.pushPrices(t, "5", "1")
		e.MustExec(e.T, e.U("feeder"), e.Engine, M{"push_vols": M{"vols": []M{{"underlying": "ATOM", "expiry": expiry, "vol": "0.6", "publish_time": e.Now()}}}})
		m := e.Margin("alice")
		require.True(t, m.Liquidatable, "equity %d, maintenance %d", m.Equity.Int(), m.MaintenanceMarg.Int())
		insuranceBefore := e.Funds().Insurance.Int()
		res := e.Measured("liquidate (engine)", e.T, keeper, e.Engine, M{"liquidate": M{"account": alice.String()}})
		penalties := attrInt(t, res, e.Engine, "penalties")
		reward := attrInt(t, res, e.Engine, "reward")
		insurance := attrInt(t, res, e.Engine, "insurance")
		require.Greater(t, penalties, int64(0))
		require.Equal(t, penalties/2, reward)
		require.Equal(t, penalties, reward+insurance)
		require.Equal(t, reward, e.Account("keeper").Cash.Int())
		require.Equal(t, insuranceBefore+insurance, e.Funds().Insurance.Int())
		acct := e.Account("alice")
		require.Empty(t, acct.Positions)
		require.Less(t, acct.Cash.Int(), int64(0), "the crash leaves alice in debt")
		require.Equal(t, attrInt(t, res, e.Engine, "cash"), acct.Cash.Int())
		t.Logf("alice's debt after liquidation: %d uusdc (penalties %d)", -acct.Cash.Int(), penalties)

		// The crash moved ATOM beyond the pool risk's drift limit: new risk waits for a
		// keeper's refresh of the pool's snapshot (docs/pool-risk.md), which anyone may run.
		type poolRisk struct {
			Stale      *string `json:"stale"`
			Positions  uint32  `json:"positions"`
			Generation uint32  `json:"generation"`
		}
		before := Query[poolRisk](t, e.T, e.Lens, M{"pool_risk": M{"underlying": "ATOM"}})
		require.NotNil(t, before.Stale, "the crash leaves the pool's ATOM snapshot stale")
		require.Greater(t, before.Positions, uint32(0))
		res = e.Measured("refresh pool risk (engine)", e.T, keeper, e.Engine, M{"refresh_pool_risk": M{"underlying": "ATOM"}})
		require.Equal(t, "true", MustAttr(t, res, e.Engine, "finished"))
		after := Query[poolRisk](t, e.T, e.Lens, M{"pool_risk": M{"underlying": "ATOM"}})
		require.Nil(t, after.Stale, "fresh after the refresh")
		require.Equal(t, before.Generation+1, after.Generation)
		if pool := e.Pool(); pool.LiquidCash != nil {
			t.Logf("pool after liquidation: book cash %d, liquid cash %d, receivable %d (strict token solvency checked)", pool.Cash.Int(), pool.LiquidCash.Int(), pool.Receivable.Int())
		} else {
			t.Logf("pool after liquidation: cash %d (engine without liquid_cash: solvency shortfall allowed up to the open debt)", pool.Cash.Int())
		}
	})

	// seize sends a keeper's seize; returns the seize id and the tx.
	seize := func(t *testing.T, s *Source, repay int64, recipient M) uint64 {
		res := e.Measured("seize send (controller + engine reserve)", e.T, keeper, e.Controller, M{"seize": M{
			"account": alice.String(), "source_id": s.ID, "owner": alice.String(), "asset": native(s.Denom), "recipient": recipient,
		}}, coin(repay, USDC))
		id, err := strconv.ParseUint(MustAttr(t, res, e.Controller, "seize_id"), 10, 64)
		require.NoError(t, err)
		return id
	}
	local := func(u *User) M { return M{"local": M{"address": u.String()}} }

	step("3e_keeper_seize_succeeds", func(t *testing.T) {
		debt := e.Debt("alice")
		keeperUSDC := e.Balance(e.T, keeper.String(), USDC)
		q := Query[struct {
			Amount Num `json:"amount"`
			Usable Num `json:"usable"`
		}](t, e.T, e.Engine, M{"seize_quote": M{"account": alice.String(), "source_id": A.ID, "owner": alice.String(), "asset": atom, "repay": "100000000"}})
		require.Equal(t, int64(21_000_000), q.Amount.Int(), "100 USDC x 1.05 at 5 USDC per ATOM")
		id := seize(t, A, 100_000_000, local(keeper))
		rec := e.Seize(id)
		require.Equal(t, "in_flight", StatusName(rec))
		require.Equal(t, int64(21_000_000), rec.Amount.Int())
		require.Equal(t, int64(100_000_000), e.Funds().Escrow.Int())
		require.Equal(t, keeperUSDC-100_000_000, e.Balance(e.T, keeper.String(), USDC))
		r := e.Replica(A, alice.String(), atom)
		require.Equal(t, [2]int64{21_000_000, 79_000_000}, [2]int64{r.Reserved.Int(), r.Usable.Int()})
		e.CheckAll("seize in flight", surplus)

		i := e.Relayer.Find(A.ID+"/seize", "seize")
		ack := e.Relayer.Receive(i)
		e.Gas.AddBoth("seize receive, local payout (vault)", e.Relayer.LastRecv, e.Relayer.LastRecvContractGas)
		require.False(t, ack.IsErr, "%s", ack.Raw)
		require.JSONEq(t, `{"seq":2,"available":"79000000"}`, string(ack.Result))
		require.Equal(t, InitialNative+21_000_000, e.Balance(A.Chain, keeper.String(), ATOM))
		e.CheckAll("seize received, ack held", surplus)
		res := e.Relayer.Acknowledge(e.Relayer.Find(A.ID+"/seize", "seize"))
		e.Gas.AddBoth("seize ack, success (controller + engine)", res, e.Relayer.LastAckContractGas)
		rec = e.Seize(id)
		require.Equal(t, "succeeded", StatusName(rec))
		require.Equal(t, debt-100_000_000, e.Debt("alice"))
		require.Zero(t, e.Funds().Escrow.Int())
		e.Relayer.RelayAll()
		e.CheckResolved("seize succeeded")
	})

	step("3f_keeper_seize_refused_by_error_acks", func(t *testing.T) {
		// (1) The vault is paused: the vault answers with an error ack.
		e.MustExec(A.Chain, nil, A.Vault, M{"set_paused": M{"paused": true}})
		debt := e.Debt("alice")
		keeperUSDC := e.Balance(e.T, keeper.String(), USDC)
		id := seize(t, A, 10_000_000, local(keeper))
		ack := e.Relayer.Receive(e.Relayer.Find(A.ID+"/seize", "seize"))
		require.True(t, ack.IsErr)
		require.Equal(t, "the vault is paused", ack.Error)
		res := e.Relayer.Acknowledge(e.Relayer.Find(A.ID+"/seize", "seize"))
		e.Gas.AddBoth("seize ack, error: refund + release (controller + engine)", res, e.Relayer.LastAckContractGas)
		rec := e.Seize(id)
		require.Equal(t, "failed", StatusName(rec))
		require.Equal(t, map[string]any{"reason": "the vault is paused"}, rec.Status["failed"])
		require.Equal(t, keeperUSDC, e.Balance(e.T, keeper.String(), USDC), "keeper refunded")
		require.Equal(t, debt, e.Debt("alice"))
		require.Zero(t, e.Replica(A, alice.String(), atom).Reserved.Int())
		e.MustExec(A.Chain, nil, A.Vault, M{"set_paused": M{"paused": false}})
		e.CheckResolved("seize refused (paused)")

		// (2) The delivery fails on the source chain (ICS-20 over a channel that does not
		// exist): the vault's reply turns the receive's ack into an error and restores the
		// position.
		before := e.VaultPos(A, alice.String(), atom)
		id = seize(t, A, 10_000_000, M{"ics20": M{"channel": "channel-999", "receiver": keeper.String()}})
		ack = e.Relayer.Receive(e.Relayer.Find(A.ID+"/seize", "seize"))
		require.True(t, ack.IsErr, "%s", ack.Raw)
		require.Contains(t, ack.Error, fmt.Sprintf("seize %d: delivery failed", id))
		t.Logf("delivery-failed error ack: %s", ack.Raw)
		after := e.VaultPos(A, alice.String(), atom)
		require.Equal(t, before.Available.Int(), after.Available.Int())
		e.Relayer.RelayAll()
		require.Equal(t, "failed", StatusName(e.Seize(id)))
		require.Equal(t, keeperUSDC, e.Balance(e.T, keeper.String(), USDC), "keeper refunded")
		require.Equal(t, debt, e.Debt("alice"))
		require.Equal(t, InitialNative+21_000_000, e.Balance(A.Chain, keeper.String(), ATOM))
		e.CheckResolved("seize refused (delivery failed)")
	})

	step("3g_keeper_seize_times_out_and_is_retried", func(t *testing.T) {
		debt := e.Debt("alice")
		keeperUSDC := e.Balance(e.T, keeper.String(), USDC)
		id := seize(t, B, 50_000_000, local(keeper))
		require.Equal(t, int64(52_500_000), e.Seize(id).Amount.Int(), "50 USDC x 1.05 at 1 USDC per OSMO")
		require.Equal(t, int64(52_500_000), e.Replica(B, alice.String(), osmo).Reserved.Int())
		res := e.Relayer.TimeOut(e.Relayer.Find(B.ID+"/seize", "seize"))
		e.Gas.AddBoth("seize timeout: refund + release (controller + engine)", res, e.Relayer.LastTimeoutContractGas)
		t.Logf("MsgRecvPacket after the deadline: %s", e.Relayer.LastRecvAfterTimeoutErr)
		rec := e.Seize(id)
		require.Equal(t, map[string]any{"reason": "timeout"}, rec.Status["failed"])
		require.Equal(t, keeperUSDC, e.Balance(e.T, keeper.String(), USDC))
		require.Zero(t, e.Replica(B, alice.String(), osmo).Reserved.Int())
		require.Equal(t, debt, e.Debt("alice"))
		require.Equal(t, int64(800_000_000), e.VaultPos(B, alice.String(), osmo).Available.Int(), "the vault never saw it")
		e.CheckAll("seize timed out", surplus)

		// Prices are refreshed (time passed) and the keeper retries.
		e.pushPrices(t, "5", "1")
		retry := seize(t, B, 50_000_000, local(keeper))
		ack, recv, ackRes := e.Relayer.Relay(e.Relayer.Find(B.ID+"/seize", "seize"))
		e.Gas.AddBoth("seize receive, local payout (vault)", recv, e.Relayer.LastRecvContractGas)
		e.Gas.AddBoth("seize ack, success (controller + engine)", ackRes, e.Relayer.LastAckContractGas)
		require.False(t, ack.IsErr, "%s", ack.Raw)
		require.Equal(t, "succeeded", StatusName(e.Seize(retry)))
		require.Equal(t, InitialNative+52_500_000, e.Balance(B.Chain, keeper.String(), OSMO))
		require.Equal(t, int64(800_000_000-52_500_000), e.VaultPos(B, alice.String(), osmo).Available.Int())
		require.Equal(t, debt-50_000_000, e.Debt("alice"))
		e.Relayer.RelayAll()
		e.CheckResolved("seize retried")
	})

	step("4a_seized_collateral_delivered_over_ics20", func(t *testing.T) {
		voucher := ibcDenom(ATOM, A.Xfer.EndpointB.ChannelID)
		require.Zero(t, e.Balance(e.T, keeper.String(), voucher))
		debt := e.Debt("alice")
		id := seize(t, A, 20_000_000, M{"ics20": M{"channel": A.Xfer.EndpointA.ChannelID, "receiver": keeper.String(), "memo": `{"note":"isthmus seize"}`}})
		require.Equal(t, int64(4_200_000), e.Seize(id).Amount.Int())
		ack := e.Relayer.Receive(e.Relayer.Find(A.ID+"/seize", "seize"))
		e.Gas.AddBoth("seize receive, ICS-20 payout (vault + transfer)", e.Relayer.LastRecv, e.Relayer.LastRecvContractGas)
		require.False(t, ack.IsErr, "%s", ack.Raw)
		// The vault's MsgTransfer escrowed the coins on A and sent an ICS-20 packet.
		escrowA := transferEscrow(A.Xfer.EndpointA.ChannelID)
		require.Equal(t, int64(4_200_000), e.Balance(A.Chain, escrowA, ATOM))
		i := e.Relayer.Find(A.ID+"/ics20", "ics20")
		body := e.Relayer.Queue[i].Body(t)
		memo, _ := body["memo"].(string)
		delete(body, "memo")
		require.Equal(t, map[string]any{
			"denom": ATOM, "amount": "4200000", "sender": A.Vault, "receiver": keeper.String(),
		}, body)
		// The vault asks for a source callback (so a refund is credited, docs/decisions.md) and
		// keeps the keeper's own memo fields.
		require.Contains(t, memo, `"src_callback":{"address":"`+A.Vault+`"}`)
		require.Contains(t, memo, `"isthmus_seize":{`)
		require.Contains(t, memo, `"note":"isthmus seize"`)
		ack20, recv20, _ := e.Relayer.Relay(i)
		e.Gas.Add("ics20 receive on target (baseline, transfer module only)", recv20)
		require.False(t, ack20.IsErr, "%s", ack20.Raw)
		require.Equal(t, `{"result":"AQ=="}`, string(ack20.Raw))
		require.Equal(t, int64(4_200_000), e.Balance(e.T, keeper.String(), voucher))
		trace := e.denomTrace(t, voucher)
		require.Equal(t, "transfer/"+A.Xfer.EndpointB.ChannelID+"/"+ATOM, trace)
		e.Relayer.RelayAll() // the seize ack
		require.Equal(t, "succeeded", StatusName(e.Seize(id)))
		require.Equal(t, debt-20_000_000, e.Debt("alice"))
		e.CheckResolved("ics20 delivery")
	})

	step("4b_ics20_delivery_refunded_by_the_far_side", func(t *testing.T) {
		debt := e.Debt("alice")
		keeperUSDC := e.Balance(e.T, keeper.String(), USDC)
		pos := e.VaultPos(A, alice.String(), atom)
		vaultBal := e.Balance(A.Chain, A.Vault, ATOM)
		// The keeper's own key under another chain's prefix: a valid bech32 the target's
		// transfer module refuses (wrong prefix), so the delivery is refunded to the vault.
		receiver, err := sdkbech32.ConvertAndEncode("osmo", keeper.Addr.Bytes())
		require.NoError(t, err)
		id := seize(t, A, 10_000_000, M{"ics20": M{"channel": A.Xfer.EndpointA.ChannelID, "receiver": receiver}})
		require.Equal(t, int64(2_100_000), e.Seize(id).Amount.Int())
		ack := e.Relayer.Receive(e.Relayer.Find(A.ID+"/seize", "seize"))
		require.False(t, ack.IsErr, "the vault accepted the seize: %s", ack.Raw)
		i := e.Relayer.Find(A.ID+"/ics20", "ics20")
		ack20 := e.Relayer.Receive(i)
		require.True(t, ack20.IsErr, "%s", ack20.Raw)
		t.Logf("ICS-20 error ack from the target's transfer module: %s", ack20.Raw)
		e.Relayer.Acknowledge(e.Relayer.Find(A.ID+"/ics20", "ics20")) // refund on A + source callback
		e.Relayer.RelayAll()                                          // the seize ack
		// The seize counts as succeeded: the position lost the amount and the debt was repaid.
		require.Equal(t, "succeeded", StatusName(e.Seize(id)))
		require.Equal(t, debt-10_000_000, e.Debt("alice"))
		require.Equal(t, keeperUSDC-10_000_000, e.Balance(e.T, keeper.String(), USDC), "the keeper paid")
		require.Equal(t, pos.Available.Int()-2_100_000, e.VaultPos(A, alice.String(), atom).Available.Int())
		// The refund came back to the vault, and wasmd's source callback told the vault: it is
		// held for the delivery's receiver, not a surplus the admin could sweep.
		require.Equal(t, vaultBal, e.Balance(A.Chain, A.Vault, ATOM))
		refund := Query[struct {
			Amount string `json:"amount"`
		}](t, A.Chain, A.Vault, M{"seize_refund": M{"receiver": receiver, "asset": atom}})
		require.Equal(t, "2100000", refund.Amount)
		surplus[surplusKey{A.ID, "native:" + ATOM}] = 2_100_000
		e.CheckAll("refunded", surplus)
		_, err = e.Exec(A.Chain, nil, A.Vault, M{"sweep_surplus": M{"asset": atom, "recipient": e.U("bob").String()}})
		require.Error(t, err, "a held refund is not a surplus")
		// The keeper claims it on the source chain with the same key.
		keeperATOM := e.Balance(A.Chain, keeper.String(), ATOM)
		e.MustExec(A.Chain, keeper, A.Vault, M{"claim_seize_refund": M{"receiver": receiver, "asset": atom}})
		delete(surplus, surplusKey{A.ID, "native:" + ATOM})
		require.Equal(t, keeperATOM+2_100_000, e.Balance(A.Chain, keeper.String(), ATOM))
		e.CheckResolved("refund claimed")
	})

	step("5_debt_repaid_and_every_packet_resolved", func(t *testing.T) {
		debt := e.Debt("alice")
		require.Greater(t, debt, int64(0))
		e.MustExec(e.T, alice, e.Engine, M{"repay_debt": M{"account": alice.String()}}, coin(debt, USDC))
		require.Zero(t, e.Account("alice").Cash.Int())
		e.CheckResolved("end")
		for _, name := range UserNames {
			require.GreaterOrEqual(t, e.Account(name).Cash.Int(), int64(0))
		}
	})

	t.Logf("real gas (tx GasUsed, %s):\n%s", "wasmd v0.70.3", e.Gas.Table())
	writeGasTable(t, e.Gas)
}

// deref shows an optional JSON string in a log line.
func deref(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}
