"""Deploys Isthmus as the config describes, skipping whatever already exists on chain.

Every step looks at the chains first (code by checksum, contract by code + label + admin,
channel by port and counterparty port on the recorded connection, registrations and listings
by query) and at the state file only for what the contracts cannot be asked about; it prints
`done` or `skip` for each, and writes the state file (addresses, code ids, connections and
channels: what the demo and an operator need) at the end and after every step.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import plan
from .chain import ChainClient, QueryError, TxError
from .config import Config
from .relayer import Relayer


class Deployer:
    def __init__(self, cfg: Config, verbose: bool = False):
        self.cfg = cfg
        self.verbose = verbose
        self.target = ChainClient(cfg, cfg.target, verbose)
        self.src = {s.id: ChainClient(cfg, s.chain, verbose) for s in cfg.sources}
        self.rly = Relayer(cfg.rly, cfg.rly_home, verbose)
        self.state: dict[str, Any] = self._load_state()
        self.counts = {"done": 0, "skip": 0}

    # -- bookkeeping ----------------------------------------------------------------------
    def _load_state(self) -> dict[str, Any]:
        p = self.cfg.state_file
        if p.exists():
            return json.loads(p.read_text())
        return {}

    def _save(self) -> None:
        p: Path = self.cfg.state_file
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=2, sort_keys=True) + "\n")
        tmp.replace(p)

    def _say(self, kind: str, what: str) -> None:
        self.counts[kind] += 1
        print(f"  {kind:<4}  {what}", flush=True)

    def _chain_state(self, chain_id: str) -> dict[str, Any]:
        return self.state.setdefault("chains", {}).setdefault(chain_id, {})

    # -- steps ----------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        t0 = time.time()
        cfg = self.cfg
        print(f"deploy: config {cfg.path}, state {cfg.state_file}")
        self.preflight()
        deployer = self.target.address(cfg.deployer)
        self.state["deployer"] = deployer
        self.state["app_version"] = cfg.app_version

        print("connections")
        for s in cfg.sources:
            self.connection(s)
        print("code")
        engine_code = self.code(self.target, "options_engine")
        controller_code = self.code(self.target, "liquidation_controller")
        lens_code = self.code(self.target, "options_lens")
        for s in cfg.sources:
            self.code(self.src[s.id], "collateral_vault")
            if any(t.address is None for t in s.cw20):
                self.code(self.src[s.id], "cw20_base")
        print("contracts")
        engine = self.contract(self.target, engine_code, cfg.engine_label, "engine", lambda: plan.engine_instantiate(cfg))
        controller = self.contract(
            self.target, controller_code, cfg.controller_label, "controller", lambda: plan.controller_instantiate(cfg, engine)
        )
        # Every view of the engine's state is a query of the lens (docs/architecture.md).
        self.lens = self.contract(self.target, lens_code, cfg.lens_label, "lens", lambda: {"engine": engine})
        # Keys of what the state file alone remembers (setters without a query) name the engine
        # instance by address and creation height: a reset chain re-creates the same address.
        created = (self.target.contract_info(engine) or {}).get("created") or {}
        self.engine_tag = f"{engine}@{created.get('block_height', '?')}"
        self.wire_engine(engine, controller)
        for s in cfg.sources:
            self.source_contracts(s, engine, controller)
        print("sources")
        for s in cfg.sources:
            self.register(s, engine, controller)
        print("channels")
        for s in cfg.sources:
            self.channels(s, engine, controller)
        if cfg.market:
            print("oracle")
            self.oracle(engine)
        print("collateral")
        for s in cfg.sources:
            self.collateral(s, engine)
        if cfg.market:
            print("market")
            self.market(engine)
        self._save()
        print(
            f"deploy: {self.counts['done']} done, {self.counts['skip']} skipped in {time.time() - t0:.0f} s; "
            f"state written to {cfg.state_file}"
        )
        return self.state

    def preflight(self) -> None:
        for c in [self.target, *self.src.values()]:
            try:
                status = c._rpc("status", {})
            except QueryError as e:
                raise SystemExit(f"deploy: cannot reach {c.chain.chain_id} at {c.chain.rpc}: {e}")
            network = status["node_info"]["network"]
            if network != c.chain.chain_id:
                raise SystemExit(f"deploy: {c.chain.rpc} serves chain `{network}`, the config says `{c.chain.chain_id}`")

    def connection(self, s: Any) -> None:
        src_end, dst_end = self.rly.path_ends(s.relayer_path)
        for end, want in ((src_end, s.chain.chain_id), (dst_end, self.cfg.target.chain_id)):
            if end.get("chain-id") != want:
                raise SystemExit(f"deploy: relayer path {s.relayer_path} must go from {s.chain.chain_id} (src) "
                                 f"to {self.cfg.target.chain_id} (dst); it has {end.get('chain-id')}")

        def ends() -> tuple[Any, Any]:
            a = self.src[s.id].connection(src_end["connection-id"]) if src_end.get("connection-id") else None
            b = self.target.connection(dst_end["connection-id"]) if dst_end.get("connection-id") else None
            return a, b

        a, b = ends()
        if plan.connection_ready(src_end, dst_end, a, b):
            self._say("skip", f"{s.id}: connection {src_end['connection-id']} <-> {dst_end['connection-id']} is open")
        else:
            self.rly.link_connection(s.relayer_path)
            src_end, dst_end = self.rly.path_ends(s.relayer_path)
            a, b = ends()
            if not plan.connection_ready(src_end, dst_end, a, b):
                raise SystemExit(f"deploy: {s.id}: the relayer did not open a connection on path {s.relayer_path}")
            self._say("done", f"{s.id}: clients {src_end['client-id']} / {dst_end['client-id']}, connection "
                              f"{src_end['connection-id']} <-> {dst_end['connection-id']} opened")
        self.state.setdefault("sources", {}).setdefault(s.id, {}).update(
            {
                "chain_id": s.chain.chain_id,
                "connection_id": src_end["connection-id"],
                "target_connection_id": dst_end["connection-id"],
                "client_id": src_end["client-id"],
                "target_client_id": dst_end["client-id"],
            }
        )
        self._save()

    def code(self, c: ChainClient, name: str) -> int:
        path = self.cfg.artifacts / f"{name}.wasm"
        if not path.exists():
            raise SystemExit(f"deploy: missing artifact {path} (scripts/build_wasm.sh; cw20_base: scripts/e2e.sh)")
        sha = plan.checksum(path.read_bytes())
        code_id = plan.find_code(c.codes(), sha)
        if code_id is not None:
            self._say("skip", f"{c.chain.chain_id}: {name} is code {code_id} (checksum {sha[:12]}…)")
        else:
            res = c.store(self.cfg.deployer, str(path))
            code_id = int(res.attr("store_code", "code_id"))
            self._say("done", f"{c.chain.chain_id}: stored {name} as code {code_id} ({path.stat().st_size} bytes, gas {res.gas_used})")
        self._chain_state(c.chain.chain_id).setdefault("codes", {})[name] = {"code_id": code_id, "checksum": sha}
        self._save()
        return code_id

    def contract(self, c: ChainClient, code_id: int, label: str, role: str, msg: Any) -> str:
        admin = c.address(self.cfg.deployer)
        contracts = self._chain_state(c.chain.chain_id).setdefault("contracts", {})
        # The recorded instance, if the chain still has it as such, saves listing every
        # instance of the code (a shared code such as cw20-base has many on a testnet).
        recorded = contracts.get(role)
        info = c.contract_info(recorded) if recorded else None
        if info and plan.is_instance(info, code_id, label, admin):
            addr = recorded
        else:
            infos = [i for i in (c.contract_info(a) for a in c.contracts_by_code(code_id)) if i]
            addr = plan.pick_contract(infos, label, admin, recorded)
        if addr:
            self._say("skip", f"{c.chain.chain_id}: {role} `{label}` is {addr}")
        else:
            res = c.instantiate(self.cfg.deployer, code_id, msg(), label, admin)
            addr = res.attr("instantiate", "_contract_address")
            self._say("done", f"{c.chain.chain_id}: instantiated {role} `{label}` (code {code_id}) at {addr}")
        contracts[role] = addr
        self._save()
        return addr

    def wire_engine(self, engine: str, controller: str) -> None:
        conf = self.target.smart(engine, {"config": {}})
        if conf.get("controller") == controller:
            self._say("skip", f"engine's controller is {controller}")
        elif conf.get("controller"):
            raise SystemExit(f"deploy: the engine already names another controller ({conf['controller']})")
        else:
            self.target.execute(self.cfg.deployer, engine, {"update_config": {"controller": controller}})
            self._say("done", f"engine: update_config controller = {controller}")

    def source_contracts(self, s: Any, engine: str, controller: str) -> None:
        c = self.src[s.id]
        st = self.state["sources"][s.id]
        tokens: dict[str, str] = {}
        for tok in s.cw20:
            if tok.address:
                tokens[tok.key] = tok.address
                self._say("skip", f"{s.id}: cw20 `{tok.key}` is the existing {tok.address}")
                continue
            code = self._chain_state(c.chain.chain_id)["codes"]["cw20_base"]["code_id"]
            tokens[tok.key] = self.contract(c, code, tok.label, f"cw20:{tok.key}", lambda tok=tok: plan.cw20_instantiate(tok, c.address))
        st["cw20"] = tokens
        code = self._chain_state(c.chain.chain_id)["codes"]["collateral_vault"]["code_id"]
        conn = st["connection_id"]
        vault = self.contract(c, code, s.vault_label, "vault", lambda: plan.vault_instantiate(s, conn, engine, controller, tokens))
        vc = c.smart(vault, {"config": {}})
        if not plan.vault_matches(vc, conn, engine, controller):
            raise SystemExit(f"deploy: vault {vault} on {s.id} points at {vc.get('engine')} / {vc.get('controller')}, "
                             f"not this engine/controller on {conn}; give it another vault_label")
        st["vault"] = vault
        self._save()

    def register(self, s: Any, engine: str, controller: str) -> None:
        st = self.state["sources"][s.id]
        tconn, vault = st["target_connection_id"], st["vault"]
        try:
            resp = self.target.smart(self.lens, {"source": {"source_id": s.id}})
        except QueryError:
            resp = None
        ok = plan.source_registered(resp, tconn, vault)
        if ok is None:
            raise SystemExit(f"deploy: the engine has source `{s.id}` registered for {resp}, not {tconn}/wasm.{vault}")
        if ok:
            self._say("skip", f"engine: source `{s.id}` registered")
        else:
            self.target.execute(self.cfg.deployer, engine, plan.registration(s.id, tconn, vault))
            self._say("done", f"engine: registered source `{s.id}` ({tconn}, wasm.{vault})")
        sources = self.target.smart(controller, {"sources": {}}).get("sources", [])
        mine = next((x for x in sources if x.get("source_id") == s.id), None)
        ok = plan.source_registered(mine, tconn, vault)
        if ok is None:
            raise SystemExit(f"deploy: the controller has source `{s.id}` registered for {mine}, not {tconn}/wasm.{vault}")
        if ok:
            self._say("skip", f"controller: source `{s.id}` registered")
        else:
            self.target.execute(self.cfg.deployer, controller, plan.registration(s.id, tconn, vault))
            self._say("done", f"controller: registered source `{s.id}`")

    def channels(self, s: Any, engine: str, controller: str) -> None:
        c = self.src[s.id]
        st = self.state["sources"][s.id]
        conn, vault = st["connection_id"], st["vault"]
        v = self.cfg.app_version
        wanted = [
            ("collateral", f"wasm.{vault}", f"wasm.{engine}", v),
            ("seize", f"wasm.{vault}", f"wasm.{controller}", v),
        ]
        if s.transfer_channel:
            wanted.append(("ics20", "transfer", "transfer", "ics20-1"))
        chans = st.setdefault("channels", {})
        for kind, port, cport, version in wanted:
            ch = plan.find_channel(c.channels(conn), port, cport, version, conn)
            if ch:
                self._say("skip", f"{s.id}: {kind} channel {port}/{ch['channel_id']} <-> {ch['counterparty']['channel_id']} is open")
            else:
                self.rly.open_channel(s.relayer_path, port, cport, version)
                ch = plan.find_channel(c.channels(conn), port, cport, version, conn)
                if not ch:
                    raise SystemExit(f"deploy: {s.id}: the {kind} handshake did not leave an open channel")
                self._say("done", f"{s.id}: opened {kind} channel {ch['channel_id']} <-> {ch['counterparty']['channel_id']} ({version})")
            chans[kind] = {"channel_id": ch["channel_id"], "target_channel_id": ch["counterparty"]["channel_id"],
                           "port": port, "target_port": cport}
            self._save()
        vc = c.smart(vault, {"config": {}})
        if vc.get("engine_channel") != chans["collateral"]["channel_id"] or vc.get("controller_channel") != chans["seize"]["channel_id"]:
            raise SystemExit(f"deploy: vault {vault} records channels {vc.get('engine_channel')}/{vc.get('controller_channel')}")

    def collateral(self, s: Any, engine: str) -> None:
        tokens = self.state["sources"][s.id].get("cw20", {})
        listed = self.target.smart(self.lens, {"collateral_assets": {"source_id": s.id, "limit": 100}}).get("assets", [])
        for col in s.collateral:
            asset = plan.resolve_asset(col.asset, tokens)
            name = f"{s.id} {json.dumps(asset)}"
            if plan.collateral_listed(listed, asset, col.symbol, col.decimals, col.enabled):
                self._say("skip", f"engine: collateral {name} listed")
            else:
                self.target.execute(self.cfg.deployer, engine, {"set_collateral_asset": {
                    "source_id": s.id, "asset": asset, "symbol": col.symbol, "decimals": col.decimals, "enabled": col.enabled}})
                self._say("done", f"engine: listed collateral {name} as {col.symbol}")
            risk = {"set_collateral_risk": {"source_id": s.id, "asset": asset, "vol": col.vol, "underlying": col.underlying}}
            key = f"{self.engine_tag}:collateral_risk:{s.id}:{json.dumps(asset, sort_keys=True)}"
            self._apply_once(engine, key, risk, f"collateral risk of {name}: vol {col.vol}, underlying {col.underlying}")

    def oracle(self, engine: str) -> None:
        """The feeder and the symbols' oracle settings (before collateral risk, which names an
        underlying symbol)."""
        m = self.cfg.market
        assert m is not None
        feeder = self.target.address(m.feeder)
        msgs = [(f"{self.engine_tag}:feeder:{feeder}", {"set_feeder": {"address": feeder, "price": m.feeder_price, "vol": m.feeder_vol}},
                 f"feeder {feeder}")]
        for sym in m.symbols:
            msgs.append((f"{self.engine_tag}:symbol:{sym['symbol']}", {"configure_symbol": dict(sym)}, f"symbol {sym['symbol']}"))
        for key, msg, what in msgs:
            self._apply_once(engine, key, msg, f"{what} set")

    def _apply_once(self, engine: str, key: str, msg: dict[str, Any], what: str) -> None:
        """Send a setter the contracts have no query for, unless the state file records the same
        message under `key` for this engine."""
        applied = self.state.setdefault("applied", {})
        if plan.needs_apply(applied, key, msg):
            self.target.execute(self.cfg.deployer, engine, msg)
            applied[key] = plan.payload_hash(msg)
            self._save()
            self._say("done", f"engine: {what}")
        else:
            self._say("skip", f"engine: {what} (applied before)")

    def market(self, engine: str) -> None:
        m = self.cfg.market
        assert m is not None
        # Expiries given in days are fixed at the first deploy (kept in the state file, per engine).
        exps = self.state.setdefault("expiries", {}).setdefault(self.engine_tag, {})
        now = self.target.block_time()
        for i, sp in enumerate(m.series):
            if sp.expiry is None and str(i) not in exps:
                exps[str(i)] = plan.expiry_from_days(sp.expiry_days, now)
        wanted = plan.series_params(self.cfg, exps)
        by_underlying: dict[str, list[Any]] = {}
        for w in wanted:
            if w["underlying"] not in by_underlying:
                by_underlying[w["underlying"]] = self._all_series(engine, w["underlying"])
        todo = plan.missing_series([x for v in by_underlying.values() for x in v], wanted)
        for p in todo:
            res = self.target.execute(self.cfg.deployer, engine, {"list_series": p})
            sid = res.attr("wasm", "series_id", engine)
            self._say("done", f"engine: listed series {sid}: {p['underlying']} {p['kind']} {p['strike']} expiring {p['expiry']}")
        if not todo:
            self._say("skip", f"engine: all {len(wanted)} series listed")
        series = {}
        for s in [x for u in by_underlying for x in self._all_series(engine, u)]:
            p = s["params"]
            series[f"{p['underlying']}:{p['kind']}:{plan._dec(p['strike'])}:{p['expiry']}"] = s["series_id"]
        self.state["series"] = series
        self._save()

    def _all_series(self, engine: str, underlying: str) -> list[Any]:
        out, start = [], None
        while True:
            q: dict[str, Any] = {"underlying": underlying, "limit": 30}
            if start:
                q["start_after"] = start
            page = self.target.smart(self.lens, {"series_list": q}).get("series", [])
            out += page
            if len(page) < 30:
                return out
            last = page[-1]
            start = [last["params"]["expiry"], last["series_id"]]


def deploy(cfg: Config, verbose: bool = False) -> dict[str, Any]:
    try:
        return Deployer(cfg, verbose).run()
    except TxError as e:
        raise SystemExit(f"deploy: transaction failed: {e}")
