#!/usr/bin/env python3
"""The bots of clients/bots on the local network, every number checked (scripts/bots_network.sh).

    python3 network/bots_story.py --config network/config/local.toml --net-dir target/localnet-bots

The bots run as `node clients/bots/dist/src/cli.js <bot> --config <file> --once`, as an operator
would run them; this script plays the trader, the LP and the risk manager with the local keyring
(network/isthmus_net), and checks what each bot did from its JSON log lines and from the chain:

  1. heartbeat crank: both vaults' last heartbeat advances, the engine hears both sources; a
     second run skips (interval not elapsed)
  2. feeder (file source): ATOM 10 / OSMO 1 and the vols pushed; a second run pushes nothing
  3. the LP funds the pool; alice deposits 100 ATOM on A and 800 OSMO on B and sells 400 puts;
     a series expiring ~60 s ahead is listed, the feeder pushes only its new vol, bob buys 10
     of its puts
  4. feeder: ATOM crashes to 5 (OSMO unchanged: skipped)
  5. keeper: refreshes the pool's ATOM risk, liquidates alice, seizes her OSMO on B (the
     repayment escrowed); run again while it is in flight: no second seize; after the ack the
     next round seizes her ATOM on A; exact debts, repayments and collateral delivered to the
     keeper; the dust left is not seized; alice repays the rest
  6. settlement crank after the expiry: waits without a settlement price; the feeder pushes
     ATOM 6 (the settlement price); the crank settles bob's series: his put pays 10 x (10 - 6)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

if sys.version_info < (3, 11):
    sys.exit("needs Python 3.11 or newer (tomllib)")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from isthmus_net import config as config_mod  # noqa: E402
from isthmus_net.chain import ChainClient, TxError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "clients" / "bots" / "dist" / "src" / "cli.js"
U = 1_000_000


class StoryError(AssertionError):
    pass


def eq(got: Any, want: Any, what: str) -> None:
    if got != want:
        raise StoryError(f"{what}: expected {want!r}, got {got!r}")


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise StoryError(what)


class BotsStory:
    def __init__(self, cfg: config_mod.Config, state: dict[str, Any], net_dir: Path, timeout: float):
        self.cfg, self.st, self.net, self.timeout = cfg, state, net_dir, timeout
        self.T = ChainClient(cfg, cfg.target)
        self.S = {s.id: ChainClient(cfg, s.chain) for s in cfg.sources}
        self.A, self.B = (s.id for s in cfg.sources[:2])
        c = state["chains"][cfg.target.chain_id]["contracts"]
        self.engine, self.lens, self.controller = c["engine"], c["lens"], c["controller"]
        self.quote = cfg.engine["quote_denom"]
        self.who = {k: self.T.address(k) for k in ("alice", "bob", "keeper", "feeder", "lp", "deployer")}
        self.t0 = time.time()
        self.prices_file = net_dir / "bots-prices.json"

    # -- helpers --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(f"[{time.time() - self.t0:6.1f}s] {text}", flush=True)

    def wait(self, what: str, cond: Callable[[], bool]) -> None:
        t = time.time()
        while not cond():
            if time.time() - t > self.timeout:
                raise StoryError(f"timed out after {self.timeout:.0f} s waiting for: {what}")
            time.sleep(0.3)
        self.say(f"  {what} ({time.time() - t:.1f} s)")

    def write_configs(self) -> None:
        def chain(c: config_mod.Chain) -> dict[str, Any]:
            return {"chain_id": c.chain_id, "rpc": c.rpc, "gas_price": c.gas_prices, "prefix": "wasm", "gas_adjustment": 1.5}

        base = {
            "target": chain(self.cfg.target),
            "contracts": {"engine": self.engine, "lens": self.lens, "controller": self.controller},
            "interval_seconds": 5,
            "sources": [{**chain(s.chain), "id": s.id, "vault": self.st["sources"][s.id]["vault"]} for s in self.cfg.sources],
            "keeper": {"page_limit": 30, "refresh_pool_risk": ["ATOM"]},
            "settlement": {"underlyings": ["ATOM"], "limit": 30},
            "feeder": {"source": {"kind": "file", "path": str(self.prices_file)}, "republish_after_seconds": 600},
        }
        for name, key in (("keeper", "keeper"), ("feeder", "feeder")):
            (self.net / f"bots-{name}.json").write_text(json.dumps({**base, "signer": {"mnemonic_file": str(self.net / f"key-{key}.json")}}, indent=2))

    def bot(self, name: str) -> list[dict[str, Any]]:
        """One round of a bot (`--once`); its JSON log lines. Fails on a non-zero exit."""
        conf = self.net / ("bots-feeder.json" if name == "feeder" else "bots-keeper.json")
        p = subprocess.run(["node", str(CLI), name, "--config", str(conf), "--once"], capture_output=True, text=True, timeout=180)
        lines = []
        for raw in p.stdout.splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                raise StoryError(f"{name}: a log line is not JSON: {raw!r}")
        for e in lines:
            if e.get("action") not in ("start", "round"):
                shown = {k: v for k, v in e.items() if k not in ("time", "bot")}
                print(f"      {name} | {json.dumps(shown, separators=(',', ':'))}", flush=True)
        if p.returncode != 0:
            raise StoryError(f"{name} --once exited {p.returncode}: {p.stderr.strip()}")
        return lines

    @staticmethod
    def acts(lines: list[dict[str, Any]], action: str, outcome: str | None = None) -> list[dict[str, Any]]:
        return [e for e in lines if e.get("action") == action and (outcome is None or e.get("outcome") == outcome)]

    def write_prices(self, atom: str, osmo: str, vols: dict[int, str]) -> None:
        snap = {"prices": [{"symbol": "ATOM", "price": atom}, {"symbol": "OSMO", "price": osmo}],
                "vols": [{"underlying": "ATOM", "expiry": e, "vol": v} for e, v in sorted(vols.items())]}
        self.prices_file.write_text(json.dumps(snap, indent=2))

    def account(self, name: str) -> dict[str, Any]:
        return self.T.smart(self.lens, {"account": {"account": self.who[name]}})

    def cash(self, name: str) -> int:
        return int(self.account(name)["cash"])

    def replica(self, sid: str, owner: str, asset: dict[str, str]) -> int:
        try:
            return int(self.T.smart(self.lens, {"remote_position": {"source_id": sid, "owner": owner, "asset": asset}})["reported"])
        except Exception:
            return 0

    def vault_cfg(self, sid: str) -> dict[str, Any]:
        return self.S[sid].smart(self.st["sources"][sid]["vault"], {"config": {}})

    def vpos(self, sid: str, owner: str, asset: dict[str, str]) -> dict[str, Any]:
        return self.S[sid].smart(self.st["sources"][sid]["vault"], {"position": {"owner": owner, "asset": asset}})

    def check_seize(self, s: dict[str, Any], sid: str, asset: dict[str, str], debt: int, repay: int, amount: int) -> int:
        """The keeper's logged seize and the controller's record agree with the expected numbers."""
        w = self.who
        eq((s["account"], s["source_id"], s["owner"], s["asset"], s["debt"], s["repay"], s["amount"], s["recipient"]),
           (w["alice"], sid, w["alice"], asset, str(debt), str(repay), str(amount), {"local": {"address": w["keeper"]}}), "the logged seize")
        r = self.T.smart(self.controller, {"seize_record": {"seize_id": s["seize_id"]}})
        eq((r["account"], r["source_id"], r["asset"], int(r["repay"]), int(r["amount"]), r["keeper"]),
           (w["alice"], sid, asset, repay, amount, w["keeper"]), f"the controller's seize record {s['seize_id']}")
        return int(s["seize_id"])

    def wait_seize(self, seize_id: int) -> None:
        def status() -> Any:
            st = self.T.smart(self.controller, {"seize_record": {"seize_id": seize_id}})["status"]
            return st if isinstance(st, str) else next(iter(st))
        self.wait(f"seize {seize_id} acknowledged by the vault (relayed)", lambda: status() != "in_flight")
        eq(status(), "succeeded", f"seize {seize_id} status")

    @contextlib.contextmanager
    def relayer_paused(self) -> Iterator[None]:
        pid = int((self.net / "rly.pid").read_text())
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def last_heard(self, sid: str) -> int:
        v = self.T.smart(self.lens, {"source": {"source_id": sid}}).get("last_heard")
        return int(v) if v else 0

    # -- the story ------------------------------------------------------------------------
    def run(self) -> None:
        A, B, T, w = self.A, self.B, self.T, self.who
        atom, osmo = {"native": "uatom"}, {"native": "uosmo"}
        self.write_configs()

        self.say("1. heartbeat crank: one heartbeat per source vault")
        before = {s: self.vault_cfg(s).get("last_heartbeat") for s in (A, B)}
        heard0 = {s: self.last_heard(s) for s in (A, B)}
        t_before = {s: self.S[s].block_time() for s in (A, B)}
        lines = self.bot("heartbeat")
        eq(sorted(e["source_id"] for e in self.acts(lines, "heartbeat", "ok")), sorted([A, B]), "heartbeats sent")
        for s in (A, B):
            after = self.vault_cfg(s).get("last_heartbeat")
            expect(after is not None and (before[s] is None or int(after) > int(before[s])), f"{s}: last_heartbeat {before[s]} -> {after}")
            secs = after if isinstance(after, int) else int(after) // 10**9  # unix seconds, or a Timestamp (ns)
            expect(secs >= t_before[s], f"{s}: last_heartbeat {after} is the time of the crank's transaction (>= {t_before[s]})")
            self.say(f"  {s}: last_heartbeat {before[s]} -> {after}")
        self.wait("the engine heard both heartbeats (relayed)", lambda: all(self.last_heard(s) > heard0[s] for s in (A, B)))
        lines = self.bot("heartbeat")
        eq(len(self.acts(lines, "heartbeat", "skipped")), 2, "a second run within the interval skips both sources")

        self.say("2. feeder (file source): ATOM 10, OSMO 1, vol 60 %")
        series = self.st["series"]
        expiry = int(next(iter(series)).split(":")[3])
        sid_of = {tuple(k.split(":")[1:3]): v for k, v in series.items() if k.startswith("ATOM:")}
        self.write_prices("10", "1", {expiry: "0.6"})
        lines = self.bot("feeder")
        pushed = self.acts(lines, "push_prices", "ok")
        eq(len(pushed), 1, "one push_prices transaction")
        now_push = pushed[0]["prices"][0]["publish_time"]
        eq(pushed[0]["prices"], [{"symbol": "ATOM", "price": "10", "publish_time": now_push}, {"symbol": "OSMO", "price": "1", "publish_time": now_push}], "prices pushed")
        eq(self.acts(lines, "push_vols", "ok")[0]["vols"], [{"underlying": "ATOM", "expiry": expiry, "vol": "0.6", "publish_time": now_push}], "vols pushed")
        p = T.smart(self.lens, {"price": {"symbol": "ATOM"}})
        eq((p["price"], p["publish_time"]), ("10", now_push), "ATOM on chain")
        lines = self.bot("feeder")
        eq([e["outcome"] for e in lines if e["action"].startswith("push_")], ["skipped"] * 3, "a second run pushes nothing")

        self.say("3. the LP funds the pool; alice deposits 100 ATOM on A and 800 OSMO on B, sells 400 puts 10")
        self.T.execute("lp", self.engine, {"pool_deposit": {}}, f"{500_000 * U}{self.quote}")
        SA, SB = self.S[A], self.S[B]
        SA.execute("alice", self.st["sources"][A]["vault"], {"deposit": {"account": w["alice"]}}, f"{100 * U}uatom")
        SB.execute("alice", self.st["sources"][B]["vault"], {"deposit": {"account": w["alice"]}}, f"{800 * U}uosmo")
        self.wait("alice's deposits replicated", lambda: self.replica(A, w["alice"], atom) == 100 * U and self.replica(B, w["alice"], osmo) == 800 * U)
        T.execute("alice", self.engine, {"deposit_cash": {}}, f"{50 * U}{self.quote}")
        legs = [{"series_id": sid_of[("put", "10")], "quantity": -400}, {"series_id": sid_of[("call", "13")], "quantity": 10}]
        T.execute("alice", self.engine, {"trade": {"legs": legs, "max_cost": str(1_000_000 * U)}})
        eq(len(self.account("alice")["positions"]), 2, "alice's positions")

        short = T.block_time() + 60
        res = T.execute("deployer", self.engine, {"list_series": {"underlying": "ATOM", "strike": "10", "kind": "put", "expiry": short,
                                                                 "contract_size": "1", "open_interest_cap": "1000"}})
        short_id = int(res.attr("wasm", "series_id", self.engine))
        self.say(f"  listed series {short_id}: ATOM put 10 expiring at {short} (in 60 s)")
        self.write_prices("10", "1", {expiry: "0.6", short: "0.6"})
        lines = self.bot("feeder")
        eq([e["key"] for e in self.acts(lines, "push_price", "skipped")], ["ATOM", "OSMO"], "unchanged prices skipped")
        eq([v["expiry"] for v in self.acts(lines, "push_vols", "ok")[0]["vols"]], [short], "only the new expiry's vol pushed")
        T.execute("bob", self.engine, {"deposit_cash": {}}, f"{100 * U}{self.quote}")
        res = T.execute("bob", self.engine, {"trade": {"legs": [{"series_id": short_id, "quantity": 10}], "max_cost": str(100 * U)}})
        bob_cash = self.cash("bob")
        eq(bob_cash, 100 * U - int(res.attr("wasm", "total_cost", self.engine)), "bob's cash after buying 10 puts")
        eq([(q["series_id"], q["quantity"]) for q in self.account("bob")["positions"]], [(short_id, 10)], "bob's position")

        self.say("4. feeder: ATOM crashes to 5")
        self.write_prices("5", "1", {expiry: "0.6", short: "0.6"})
        lines = self.bot("feeder")
        eq([(p["symbol"], p["price"]) for p in self.acts(lines, "push_prices", "ok")[0]["prices"]], [("ATOM", "5")], "only ATOM pushed")
        expect(T.smart(self.lens, {"margin": {"account": w["alice"]}})["liquidatable"], "alice liquidatable after the crash")

        self.say("5. keeper: refresh, liquidate alice, seize her collateral for her debt")
        ins0 = int(T.smart(self.controller, {"funds": {}})["insurance"])
        k_usdc0, k_atom0 = T.balance(w["keeper"], self.quote), SA.balance(w["keeper"], "uatom")
        k_cash0 = self.cash("keeper")
        # The relayer is paused (SIGSTOP) while the keeper runs twice, so that its seize is
        # surely in flight during the second run; it resumes (SIGCONT) whatever happens.
        with self.relayer_paused():
            lines = self.bot("keeper")
            eq(len(self.acts(lines, "refresh_pool_risk", "ok")), 1, "the pool's stale ATOM risk refreshed")
            expect(T.smart(self.lens, {"pool_risk": {"underlying": "ATOM"}})["stale"] is None, "pool risk fresh")
            liq = self.acts(lines, "liquidate", "ok")
            eq([e["account"] for e in liq], [w["alice"]], "accounts liquidated")
            eq(self.account("alice")["positions"], [], "alice's positions closed")
            rec = T.smart(self.lens, {"liquidations": {"account": w["alice"]}})["liquidations"]
            eq(len(rec), 1, "liquidation records")
            eq(liq[0]["liquidation_id"], rec[0]["liquidation_id"], "logged liquidation id")
            eq((liq[0]["penalties"], liq[0]["reward"]), (rec[0]["penalties"], rec[0]["reward"]), "logged penalties and reward")
            eq(self.cash("keeper") - k_cash0, int(rec[0]["reward"]), "keeper's reward at the engine")
            eq(int(T.smart(self.controller, {"funds": {}})["insurance"]) - ins0, int(rec[0]["insurance"]), "insurance fund")
            debt = -int(rec[0]["cash_after"])
            expect(debt > 0, f"alice is in debt after the liquidation ({debt})")
            seizes = self.acts(lines, "seize", "sent")
            eq(len(seizes), 1, "seizes sent (one per account per round)")
            # Her debt exceeds all her collateral: her 800 OSMO (1 USDC) cover up to
            # floor(800 x 1 / 1.05) = 761.904761 USDC, her 100 ATOM (5 USDC) 476.190476: OSMO first.
            repay1, amount1 = 761_904_761, 799_999_999
            expect(debt > repay1 + 476_190_476, f"the debt {debt} exceeds what her collateral repays")
            k_osmo0 = SB.balance(w["keeper"], "uosmo")
            s1 = self.check_seize(seizes[0], B, osmo, debt, repay1, amount1)
            eq(T.balance(w["keeper"], self.quote), k_usdc0 - repay1, "the keeper escrowed exactly the repayment")
            lines = self.bot("keeper")
            eq(self.acts(lines, "seize", "sent") + self.acts(lines, "liquidate"), [], "a second keeper run sends no second seize or liquidation")
            eq([(e["account"], e["in_flight"]) for e in self.acts(lines, "seize", "skipped")], [(w["alice"], [s1])], "skipped: a seize in flight")
        self.wait_seize(s1)
        eq(-self.cash("alice"), debt - repay1, "alice's debt after the OSMO seize")
        eq(SB.balance(w["keeper"], "uosmo"), k_osmo0 + amount1, f"keeper received {amount1} uosmo on B")
        eq(int(self.vpos(B, w["alice"], osmo)["available"]), 800 * U - amount1, "alice's OSMO left in vault B")

        self.say("   the next keeper round seizes her ATOM, now the best collateral left")
        lines = self.bot("keeper")
        seizes = self.acts(lines, "seize", "sent")
        eq(len(seizes), 1, "seizes sent")
        repay2, amount2 = 476_190_476, 99_999_999  # floor(100 x 5 / 1.05) USDC; floor(repay2 x 1.05 / 5) uatom
        s2 = self.check_seize(seizes[0], A, atom, debt - repay1, repay2, amount2)
        self.wait_seize(s2)
        eq(-self.cash("alice"), debt - repay1 - repay2, "alice's debt after both seizes")
        eq(SA.balance(w["keeper"], "uatom"), k_atom0 + amount2, f"keeper received {amount2} uatom on A")
        eq(int(self.vpos(A, w["alice"], atom)["available"]), 100 * U - amount2, "alice's ATOM left in vault A")
        eq(T.balance(w["keeper"], self.quote), k_usdc0 - repay1 - repay2, "the keeper paid exactly both repayments")
        lines = self.bot("keeper")
        eq(self.acts(lines, "seize", "sent") + self.acts(lines, "liquidate"), [], "dust left (1 uosmo, 1 uatom): nothing to seize")
        eq([e.get("reason") for e in self.acts(lines, "seize", "skipped")], ["no usable collateral"], "the keeper's reason")
        rest = debt - repay1 - repay2
        T.execute("alice", self.engine, {"repay_debt": {"account": w["alice"]}}, f"{rest}{self.quote}")
        eq(self.cash("alice"), 0, "alice repays the rest herself: her debt is repaid")
        self.say(f"  alice owed {debt} uusdc: the keeper repaid {repay1} for {amount1} uosmo on {B} and {repay2} "
                 f"for {amount2} uatom on {A}; alice repaid the last {rest}")
        lines = self.bot("keeper")
        eq(self.acts(lines, "seize") + self.acts(lines, "liquidate"), [], "nothing left for the keeper")

        self.say(f"6. settlement crank after series {short_id} expires")
        self.wait("the short series expired (chain time)", lambda: T.block_time() >= short + 1)
        lines = self.bot("settlement")
        eq([e["series_id"] for e in self.acts(lines, "settle_series", "skipped")], [short_id], "waiting for a settlement price")
        eq(self.acts(lines, "settle_series", "ok"), [], "nothing settled without a price")
        self.write_prices("6", "1", {expiry: "0.6", short: "0.6"})
        lines = self.bot("feeder")
        eq([(p["symbol"], p["price"]) for p in self.acts(lines, "push_prices", "ok")[0]["prices"]], [("ATOM", "6")], "settlement price pushed")
        eq(T.smart(self.lens, {"settlement_price": {"underlying": "ATOM", "expiry": short}})["price"], "6", "the series' settlement price")
        lines = self.bot("settlement")
        done = self.acts(lines, "settle_series", "ok")
        eq([(e["series_id"], e["accounts"], e["settled_positions"], e["retired"]) for e in done], [(short_id, 1, 1, True)], "settle_series calls")
        eq(self.account("bob")["positions"], [], "bob's settled position")
        eq(self.cash("bob"), bob_cash + 10 * (10 - 6) * U, "bob's cash: 10 puts x (10 - 6) x 1 USDC")
        ser = T.smart(self.lens, {"series": {"series_id": short_id}})
        eq((ser["open_long"], ser["open_short"], ser["expired"]), ("0", "0", True), "the series' open interest")
        lines = self.bot("settlement")
        eq(self.acts(lines, "settle_series"), [], "a second crank finds nothing due")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--net-dir", required=True)
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for each relayed step")
    args = ap.parse_args()
    cfg = config_mod.load(args.config)
    state = json.loads(cfg.state_file.read_text())
    t0 = time.time()
    try:
        BotsStory(cfg, state, Path(args.net_dir), args.timeout).run()
    except (StoryError, TxError) as e:
        print(f"\nbots story FAILED after {time.time() - t0:.0f} s: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"bots story: every check passed in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
