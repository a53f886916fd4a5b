"""The Isthmus story on a live network, through a real relayer (`rly start` running in the
background): deposits of native and cw20 collateral on both sources, a trade margined by
both, a withdrawal approved and one refused, a price crash, a liquidation, a keeper seize paid
out locally and one whose collateral is delivered over ICS-20 to the target, and the debt
repaid. Every step checks its numbers from real balances and contract queries and raises
StoryError on the first mismatch; nothing is relayed by this code: it waits for the relayer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from .chain import ChainClient, TxError
from .config import Config

U = 1_000_000  # 6 decimals everywhere


class StoryError(AssertionError):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise StoryError(what)


def eq(got: Any, want: Any, what: str) -> None:
    if got != want:
        raise StoryError(f"{what}: expected {want}, got {got}")


def units(n: int) -> str:
    s = f"{n / U:,.6f}".rstrip("0").rstrip(".")
    return s


def voucher(base: str, channel: str) -> str:
    """ICS-20 v1 voucher denom of `base` arriving over `channel` (the receiving end)."""
    return "ibc/" + hashlib.sha256(f"transfer/{channel}/{base}".encode()).hexdigest().upper()


def relayed_counts(log: Path) -> Counter[tuple[str, str]]:
    """(chain id, message type) -> count, from the relayer's `Successful transaction` lines."""
    c: Counter[tuple[str, str]] = Counter()
    if not log.exists():
        return c
    for line in log.read_text(errors="replace").splitlines():
        if "Successful transaction" not in line:
            continue
        m = re.search(r"\{.*\}", line)
        if not m:
            continue
        try:
            d = json.loads(m.group(0))
        except json.JSONDecodeError:
            continue
        for t in d.get("msg_types", []):
            c[(d.get("chain_id", "?"), t.rsplit(".", 1)[-1])] += 1
    return c


class Story:
    def __init__(self, cfg: Config, state: dict[str, Any], relayer_log: Path, timeout: float = 90):
        self.cfg = cfg
        self.st = state
        self.log = relayer_log
        self.timeout = timeout
        self.T = ChainClient(cfg, cfg.target)
        self.S = {s.id: ChainClient(cfg, s.chain) for s in cfg.sources}
        self.A, self.B = (s.id for s in cfg.sources[:2])
        self.engine = state["chains"][cfg.target.chain_id]["contracts"]["engine"]
        self.controller = state["chains"][cfg.target.chain_id]["contracts"]["controller"]
        self.lens = state["chains"][cfg.target.chain_id]["contracts"]["lens"]
        self.denom = {self.A: "uatom", self.B: "uosmo"}
        self.quote = cfg.engine["quote_denom"]
        self.who = {k: self.T.address(k) for k in ("alice", "bob", "carol", "keeper", "feeder", "lp")}
        self.t0 = time.time()
        self.packets_sent = 0

    # -- helpers --------------------------------------------------------------------------
    def vault(self, sid: str) -> str:
        return self.st["sources"][sid]["vault"]

    def cw20(self, sid: str) -> str:
        return self.st["sources"][sid]["cw20"]["stk"]

    def say(self, text: str) -> None:
        print(f"[{time.time() - self.t0:6.1f}s] {text}", flush=True)

    def exec(self, c: ChainClient, key: str, contract: str, msg: dict[str, Any], funds: str | None = None):
        res = c.execute(key, contract, msg, funds)
        self.packets_sent += res.packets_sent()
        return res

    def wait(self, what: str, cond: Callable[[], bool]) -> None:
        t = time.time()
        while not cond():
            if time.time() - t > self.timeout:
                raise StoryError(f"timed out after {self.timeout:.0f} s waiting for: {what}")
            time.sleep(0.3)
        self.say(f"  relayed: {what} ({time.time() - t:.1f} s)")

    def replica(self, sid: str, owner: str, asset: dict[str, str]) -> dict[str, Any]:
        try:
            return self.T.smart(self.lens, {"remote_position": {"source_id": sid, "owner": owner, "asset": asset}})
        except Exception:
            return {"reported": "0", "usable": "0", "reserved": "0", "seq": 0}

    def vpos(self, sid: str, owner: str, asset: dict[str, str]) -> dict[str, Any]:
        return self.S[sid].smart(self.vault(sid), {"position": {"owner": owner, "asset": asset}})

    def account(self, name: str) -> dict[str, Any]:
        return self.T.smart(self.engine, {"account": {"account": self.who[name]}})

    def cash(self, name: str) -> int:
        return int(self.account(name)["cash"])

    def seize_status(self, seize_id: int) -> str:
        st = self.T.smart(self.controller, {"seize_record": {"seize_id": seize_id}})["status"]
        return st if isinstance(st, str) else next(iter(st))

    def ack_of(self, c: ChainClient, sent: Any) -> dict[str, Any]:
        """The acknowledgement chain `c` wrote for the packet `sent` (a TxResult that sent one
        packet), found in c's tx index by destination channel and sequence."""
        seq, chan = sent.attr("send_packet", "packet_sequence"), sent.attr("send_packet", "packet_dst_channel")
        q = f"write_acknowledgement.packet_dst_channel='{chan}' AND write_acknowledgement.packet_sequence='{seq}'"
        r = c._rpc("tx_search", {"query": f'"{q}"', "per_page": "1"})
        expect(bool(r.get("txs")), f"no acknowledgement written on {c.chain.chain_id} for {chan} sequence {seq}")
        for ev in r["txs"][0]["tx_result"]["events"]:
            if ev["type"] == "write_acknowledgement":
                attrs = {a["key"]: a.get("value", "") for a in ev["attributes"]}
                if "packet_ack_hex" in attrs:  # ibc-go v11 writes the ack hex-encoded only
                    return json.loads(bytes.fromhex(attrs["packet_ack_hex"]))
                if "packet_ack" in attrs:
                    return json.loads(attrs["packet_ack"])
        raise StoryError("write_acknowledgement without packet_ack(_hex)")

    def cw20_balance(self, sid: str, addr: str) -> int:
        return int(self.S[sid].smart(self.cw20(sid), {"balance": {"address": addr}})["balance"])

    def push_prices(self, atom: str, osmo: str, expiry: int) -> None:
        now = self.T.block_time()
        self.exec(self.T, "feeder", self.engine, {"push_prices": {"prices": [
            {"symbol": "ATOM", "price": atom, "publish_time": now}, {"symbol": "OSMO", "price": osmo, "publish_time": now}]}})
        self.exec(self.T, "feeder", self.engine, {"push_vols": {"vols": [
            {"underlying": "ATOM", "expiry": expiry, "vol": "0.6", "publish_time": now}]}})

    def balances(self, title: str) -> None:
        print(f"\n  balances: {title}")
        rows = []
        for sid in (self.A, self.B):
            c, d = self.S[sid], self.denom[sid]
            for name in ("alice", "bob", "carol", "keeper"):
                rows.append((c.chain.chain_id, name, f"{units(c.balance(self.who[name], d))} {d[1:].upper()}",
                             f"{units(self.cw20_balance(sid, self.who[name]))} STK"))
            rows.append((c.chain.chain_id, "vault", f"{units(c.balance(self.vault(sid), d))} {d[1:].upper()}",
                         f"{units(self.cw20_balance(sid, self.vault(sid)))} STK"))
        xfer = self.st["sources"][self.A]["channels"].get("ics20")
        v = voucher("uatom", xfer["target_channel_id"]) if xfer else None
        for name in ("alice", "bob", "keeper", "lp"):
            extra = f"{units(self.T.balance(self.who[name], v))} ATOM (ICS-20 voucher)" if v else ""
            rows.append((self.cfg.target.chain_id, name, f"{units(self.T.balance(self.who[name], self.quote))} USDC", extra))
        rows.append((self.cfg.target.chain_id, "engine", f"{units(self.T.balance(self.engine, self.quote))} USDC", ""))
        rows.append((self.cfg.target.chain_id, "controller", f"{units(self.T.balance(self.controller, self.quote))} USDC", ""))
        for r in rows:
            print(f"    {r[0]:<10} {r[1]:<11} {r[2]:>22}   {r[3]}")
        print()

    # -- the story ------------------------------------------------------------------------
    def run(self) -> None:
        A, B, T = self.A, self.B, self.T
        SA, SB = self.S[A], self.S[B]
        w = self.who
        atom, osmo = {"native": "uatom"}, {"native": "uosmo"}
        stk_a, stk_b = {"cw20": self.cw20(A)}, {"cw20": self.cw20(B)}
        self.balances("after deploy")

        self.say("1. deposits on both sources: alice 100 ATOM (native) and bob 500 STK (cw20) on A; "
                 "carol 300 OSMO and 250 STK on B")
        alice_atom0, vault_a0 = SA.balance(w["alice"], "uatom"), SA.balance(self.vault(A), "uatom")
        bob_stk0 = self.cw20_balance(A, w["bob"])
        self.exec(SA, "alice", self.vault(A), {"deposit": {"account": w["alice"]}}, f"{100 * U}uatom")
        self.exec(SA, "bob", self.cw20(A), {"send": {"contract": self.vault(A), "amount": str(500 * U),
                  "msg": b64({"deposit": {"account": w["bob"]}})}})
        self.exec(SB, "carol", self.vault(B), {"deposit": {"account": w["carol"]}}, f"{300 * U}uosmo")
        self.exec(SB, "carol", self.cw20(B), {"send": {"contract": self.vault(B), "amount": str(250 * U),
                  "msg": b64({"deposit": {"account": w["carol"]}})}})
        want = [(A, "alice", atom, 100), (A, "bob", stk_a, 500), (B, "carol", osmo, 300), (B, "carol", stk_b, 250)]
        self.wait("4 collateral_update packets to the engine",
                  lambda: all(int(self.replica(s, w[o], a)["reported"]) == n * U for s, o, a, n in want))
        for s, o, a, n in want:
            r, v = self.replica(s, w[o], a), self.vpos(s, w[o], a)
            eq(int(r["usable"]), n * U, f"engine usable of {o} {a} on {s}")
            eq(int(v["available"]), n * U, f"vault available of {o} {a} on {s}")
            eq(r["account"], w[o], f"replica account of {o}")
        eq(SA.balance(w["alice"], "uatom"), alice_atom0 - 100 * U, "alice's ATOM on A")
        eq(SA.balance(self.vault(A), "uatom"), vault_a0 + 100 * U, "vault A's ATOM")
        eq(self.cw20_balance(A, w["bob"]), bob_stk0 - 500 * U, "bob's STK on A")
        eq(self.cw20_balance(A, self.vault(A)), 500 * U, "vault A's STK")

        self.say("2. withdrawal approved: bob deposits 50 ATOM on A, then withdraws 20")
        bob0 = SA.balance(w["bob"], "uatom")
        self.exec(SA, "bob", self.vault(A), {"deposit": {"account": w["bob"]}}, f"{50 * U}uatom")
        self.wait("bob's 50 ATOM replicated", lambda: int(self.replica(A, w["bob"], atom)["reported"]) == 50 * U)
        sent = self.exec(SA, "bob", self.vault(A), {"withdraw": {"asset": atom, "amount": str(20 * U)}})
        v = self.vpos(A, w["bob"], atom)
        eq((int(v["available"]), int(v["pending"])), (30 * U, 20 * U), "bob's vault position while the request is in flight")
        eq(SA.balance(w["bob"], "uatom"), bob0 - 50 * U, "nothing paid before the engine approves")
        self.wait("withdraw_request approved by the engine and its ack back at the vault",
                  lambda: int(self.vpos(A, w["bob"], atom)["pending"]) == 0)
        ack = self.ack_of(T, sent)
        expect("result" in ack, f"the engine's ack of bob's withdraw_request is not a success: {ack}")
        self.say(f"  the engine's ack: {base64.b64decode(ack['result']).decode()}")
        eq(SA.balance(w["bob"], "uatom"), bob0 - 30 * U, "bob paid exactly 20 ATOM")
        eq(int(self.replica(A, w["bob"], atom)["reported"]), 30 * U, "engine replica of bob's ATOM")
        eq(SA.balance(self.vault(A), "uatom"), vault_a0 + 130 * U, "vault A holds 130 ATOM")

        self.say("3. market: prices ATOM 10 / OSMO 1, vol 60 %, the LP puts 500,000 USDC in the pool")
        series = self.st["series"]
        expiry = int(next(iter(series)).split(":")[3])
        sid_of = {tuple(k.split(":")[1:3]): v for k, v in series.items() if k.startswith("ATOM:")}
        self.push_prices("10", "1", expiry)
        lp0 = T.balance(w["lp"], self.quote)
        self.exec(T, "lp", self.engine, {"pool_deposit": {}}, f"{500_000 * U}{self.quote}")
        eq(T.balance(w["lp"], self.quote), lp0 - 500_000 * U, "LP's USDC")
        eq(int(T.smart(self.lens, {"pool": {}})["cash"]), 500_000 * U, "pool cash")

        self.say("4. a trade margined by both sources: alice (100 ATOM on A) sells 400 puts 10, buys 10 calls 13")
        legs = [{"series_id": sid_of[("put", "10")], "quantity": -400}, {"series_id": sid_of[("call", "13")], "quantity": 10}]
        trade = {"trade": {"legs": legs, "max_cost": str(1_000_000 * U)}}
        self.exec(T, "alice", self.engine, {"deposit_cash": {}}, f"{50 * U}{self.quote}")
        try:
            self.exec(T, "alice", self.engine, trade)
            raise StoryError("the trade was accepted on alice's ATOM alone")
        except TxError as e:
            expect("initial margin" in str(e), f"refusal reason: {e}")
            self.say(f"  refused with ATOM alone: {e}")
        self.exec(SB, "alice", self.vault(B), {"deposit": {"account": w["alice"]}}, f"{800 * U}uosmo")
        self.wait("alice's 800 OSMO on B replicated", lambda: int(self.replica(B, w["alice"], osmo)["reported"]) == 800 * U)
        self.push_prices("10", "1", expiry)
        m = T.smart(self.engine, {"margin": {"account": w["alice"]}})
        # The lens answers from the engine's storage through the node's queries: the same margin.
        expect(T.smart(self.lens, {"margin": {"account": w["alice"]}}) == m, "the lens's margin differs from the engine's")
        res = self.exec(T, "alice", self.engine, trade)
        cost = int(res.attr("wasm", "total_cost", self.engine))
        after = T.smart(self.engine, {"margin": {"account": w["alice"]}})
        eq(self.cash("alice"), 50 * U - cost, "alice's cash after the trade")
        eq(len(self.account("alice")["positions"]), 2, "alice's positions")
        expect(not after["liquidatable"], "alice is liquidatable right after her trade")
        self.say(f"  accepted: collateral {units(int(m['collateral_value']))} USDC after haircuts (ATOM on A + OSMO on B), "
                 + (f"net premium received {units(-cost)}" if cost < 0 else f"cost {units(cost)}") + f", initial margin {units(int(after['initial_margin']))}, gas {res.gas_used}")

        self.say("5. withdrawal refused: alice asks for 90 of her 100 ATOM on A; her short puts need it")
        alice0 = SA.balance(w["alice"], "uatom")
        sent = self.exec(SA, "alice", self.vault(A), {"withdraw": {"asset": atom, "amount": str(90 * U)}})
        eq(int(self.vpos(A, w["alice"], atom)["pending"]), 90 * U, "alice's pending withdrawal")
        self.wait("withdraw_request refused by the engine (error ack) and rolled back at the vault",
                  lambda: int(self.vpos(A, w["alice"], atom)["pending"]) == 0)
        ack = self.ack_of(T, sent)
        expect("error" in ack, f"the engine's ack of alice's withdraw_request is not an error: {ack}")
        self.say(f"  the engine's error ack: {ack['error']}")
        v = self.vpos(A, w["alice"], atom)
        eq(int(v["available"]), 100 * U, "alice's ATOM back to available after the refusal")
        eq(SA.balance(w["alice"], "uatom"), alice0, "nothing paid to alice")
        self.wait("the rolled-back position replicated", lambda: int(self.replica(A, w["alice"], atom)["seq"]) == int(v["seq"]))
        eq(int(self.replica(A, w["alice"], atom)["reported"]), 100 * U, "engine replica of alice's ATOM")

        self.say("6. crash: ATOM falls from 10 to 5; the keeper liquidates alice")
        self.push_prices("5", "1", expiry)
        expect(T.smart(self.engine, {"margin": {"account": w["alice"]}})["liquidatable"], "alice not liquidatable after the crash")
        risk = T.smart(self.lens, {"pool_risk": {"underlying": "ATOM"}})
        # The pool holds the other side of alice's options: the crash moved its ATOM snapshot
        # beyond the drift limit, and new risk waits for a keeper's refresh (docs/pool-risk.md).
        expect(risk["stale"] is not None, f"the crash leaves the pool's ATOM snapshot stale: {risk}")
        refresh = self.exec(T, "keeper", self.engine, {"refresh_pool_risk": {"underlying": "ATOM"}})
        eq(refresh.attr("wasm", "finished", self.engine), "true", "the refresh finished in one call")
        fresh = T.smart(self.lens, {"pool_risk": {"underlying": "ATOM"}})
        expect(fresh["stale"] is None, f"the pool's ATOM risk is still stale: {fresh['stale']}")
        eq(fresh["generation"], risk["generation"] + 1, "the snapshot's generation")
        self.say(f"  the keeper refreshed the pool's ATOM risk (generation {fresh['generation']}, "
                 f"{fresh['positions']} positions revalued, gas {refresh.gas_used})")
        ins0 = int(T.smart(self.controller, {"funds": {}})["insurance"])
        res = self.exec(T, "keeper", self.engine, {"liquidate": {"account": w["alice"]}})
        pen = int(res.attr("wasm", "penalties", self.engine))
        reward = int(res.attr("wasm", "reward", self.engine))
        insurance = int(res.attr("wasm", "insurance", self.engine))
        expect(pen > 0, "liquidation penalties are positive")
        eq(reward, pen // 2, "keeper's reward = half the penalties")
        eq(reward + insurance, pen, "reward + insurance = penalties")
        eq(self.cash("keeper"), reward, "keeper's cash at the engine")
        eq(int(T.smart(self.controller, {"funds": {}})["insurance"]), ins0 + insurance, "insurance fund")
        acct = self.account("alice")
        eq(acct["positions"], [], "alice's positions after liquidation")
        debt = -int(acct["cash"])
        expect(debt > 0, "alice is in debt after the crash")
        self.say(f"  liquidated: penalties {units(pen)} USDC (keeper {units(reward)}, insurance {units(insurance)}); "
                 f"alice owes {units(debt)} USDC")

        self.say("7. keeper seizes alice's OSMO on B for 50 USDC, paid to the keeper on B")
        k_osmo0, k_usdc0 = SB.balance(w["keeper"], "uosmo"), T.balance(w["keeper"], self.quote)
        res = self.exec(T, "keeper", self.controller, {"seize": {"account": w["alice"], "source_id": B, "owner": w["alice"],
                        "asset": osmo, "recipient": {"local": {"address": w["keeper"]}}}}, f"{50 * U}{self.quote}")
        sid1 = int(res.attr("wasm", "seize_id", self.controller))
        eq(int(T.smart(self.controller, {"seize_record": {"seize_id": sid1}})["amount"]), 52_500_000, "50 USDC x 1.05 at 1 USDC per OSMO")
        self.wait("seize packet received by vault B and its ack back at the controller",
                  lambda: self.seize_status(sid1) != "in_flight")
        eq(self.seize_status(sid1), "succeeded", "seize on B")
        eq(SB.balance(w["keeper"], "uosmo"), k_osmo0 + 52_500_000, "keeper's OSMO on B")
        eq(T.balance(w["keeper"], self.quote), k_usdc0 - 50 * U, "keeper paid 50 USDC")
        eq(-self.cash("alice"), debt - 50 * U, "alice's debt after the seize")
        eq(int(self.vpos(B, w["alice"], osmo)["available"]), 800 * U - 52_500_000, "alice's OSMO in vault B")

        self.say("8. keeper seizes alice's ATOM on A for 20 USDC, delivered over ICS-20 to the keeper on the target")
        xfer = self.st["sources"][A]["channels"]["ics20"]
        vch = voucher("uatom", xfer["target_channel_id"])
        kv0 = T.balance(w["keeper"], vch)
        res = self.exec(T, "keeper", self.controller, {"seize": {"account": w["alice"], "source_id": A, "owner": w["alice"],
                        "asset": atom, "recipient": {"ics20": {"channel": xfer["channel_id"], "receiver": w["keeper"],
                        "memo": json.dumps({"note": "isthmus seize"})}}}}, f"{20 * U}{self.quote}")
        sid2 = int(res.attr("wasm", "seize_id", self.controller))
        eq(int(T.smart(self.controller, {"seize_record": {"seize_id": sid2}})["amount"]), 4_200_000, "20 USDC x 1.05 at 5 USDC per ATOM")
        self.wait("seize received by vault A, its ICS-20 transfer received on the target, both acks back",
                  lambda: self.seize_status(sid2) != "in_flight" and T.balance(w["keeper"], vch) > kv0)
        eq(self.seize_status(sid2), "succeeded", "ICS-20 seize")
        eq(T.balance(w["keeper"], vch), kv0 + 4_200_000, f"keeper's {vch} on the target")
        trace = T.query_cli("ibc-transfer", "denom", vch.split("/", 1)[1])
        path = json.dumps(trace)
        expect(xfer["target_channel_id"] in path and "uatom" in path, f"denom trace of the voucher: {path}")
        eq(int(self.vpos(A, w["alice"], atom)["available"]), 100 * U - 4_200_000, "alice's ATOM in vault A")
        eq(-self.cash("alice"), debt - 70 * U, "alice's debt after both seizes")
        self.say(f"  keeper holds {units(T.balance(w['keeper'], vch))} ATOM on {self.cfg.target.chain_id} as {vch[:16]}…")

        self.say("9. alice repays the rest of her debt; everything settles")
        rest = -self.cash("alice")
        self.exec(T, "alice", self.engine, {"repay_debt": {"account": w["alice"]}}, f"{rest}{self.quote}")
        eq(self.cash("alice"), 0, "alice's cash after repaying")
        self.wait("every packet commitment cleared on all channel ends", self.settled)
        self.check_vaults()
        eq(SA.balance(self.vault(A), "uatom"), 130 * U - 4_200_000, "vault A's ATOM at the end")
        eq(SB.balance(self.vault(B), "uosmo"), 1100 * U - 52_500_000, "vault B's OSMO at the end")
        self.balances("at the end")
        counts = relayed_counts(self.log)
        print("  packets sent by the story's transactions (and their receive/ack handlers) and relayed by rly:")
        for chain in sorted({c for c, _ in counts}):
            row = ", ".join(f"{t} {n}" for (c, t), n in sorted(counts.items()) if c == chain and t != "MsgUpdateClient")
            print(f"    to {chain:<10} {row}")
        recv = sum(n for (c, t), n in counts.items() if t == "MsgRecvPacket")
        acks = sum(n for (c, t), n in counts.items() if t == "MsgAcknowledgement")
        print(f"    total: {recv} packets received, {acks} acknowledgements delivered, "
              f"{sum(n for (c, t), n in counts.items() if t == 'MsgTimeout')} timeouts")
        expect(recv >= 12 and acks >= 12, f"the relayer delivered {recv} packets and {acks} acks; the story needs at least 12 each")

    def check_vaults(self) -> None:
        """Vault conservation on every asset of both vaults: the real bank (or cw20) balance =
        the vault's recorded total = the sum of available + pending over the story's users."""
        for sid in (self.A, self.B):
            c = self.S[sid]
            for a in c.smart(self.vault(sid), {"assets": {"limit": 30}})["assets"]:
                asset = a["settings"]["asset"]
                bal = c.balance(self.vault(sid), asset["native"]) if "native" in asset else self.cw20_balance(sid, self.vault(sid))
                total = int(a["total"])
                positions = sum(int(p["available"]) + int(p["pending"])
                                for p in (self.vpos(sid, addr, asset) for addr in self.who.values()))
                eq((bal, total), (positions, positions), f"vault {sid} {asset}: (balance, recorded total) vs sum of positions")
        self.say("  vault conservation holds on both sources (balance = recorded total = sum of positions)")

    def settled(self) -> bool:
        for sid in (self.A, self.B):
            for kind, ch in self.st["sources"][sid]["channels"].items():
                for c, port, chan in ((self.S[sid], ch["port"], ch["channel_id"]), (self.T, ch["target_port"], ch["target_channel_id"])):
                    if c.packet_commitments(port, chan):
                        return False
        return True


def b64(msg: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(msg, separators=(",", ":")).encode()).decode()
