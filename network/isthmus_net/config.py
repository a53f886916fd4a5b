"""The deploy configuration: one TOML file describing the chains, keys, contracts, channels,
collateral listings and the first market. Parsed into plain dataclasses and validated here
(pure: no chain access), so that a mistake in the file is reported before any transaction.

String values may name environment variables: `${VAR}` (required) or `${VAR:-default}`.
Relative paths are resolved against the repository root.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
_BECH32 = re.compile(r"^[a-z]{1,20}1[02-9ac-hj-np-z]{38,90}$")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    pass


def expand(value: Any, env: dict[str, str]) -> Any:
    """Expands ${VAR} / ${VAR:-default} in every string of a parsed TOML value."""
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in env and env[name] != "":
                return env[name]
            if default is not None:
                return default
            raise ConfigError(f"environment variable {name} is not set (used in the config)")

        return _VAR.sub(sub, value)
    if isinstance(value, list):
        return [expand(v, env) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, env) for k, v in value.items()}
    return value


@dataclass
class Chain:
    name: str  # "target" or the source id
    chain_id: str
    rpc: str
    gas_prices: str
    gas_adjustment: float = 1.4
    grpc: str | None = None
    broadcast_timeout_seconds: int = 60


@dataclass
class Cw20Token:
    key: str  # how assets refer to it: {cw20 = "<key>"}
    label: str
    name: str = ""
    symbol: str = ""
    decimals: int = 6
    address: str | None = None  # an existing token: nothing is instantiated
    initial_balances: dict[str, str] = field(default_factory=dict)  # key name or address -> amount


@dataclass
class VaultAsset:
    asset: dict[str, str]  # {"native": denom} or {"cw20": token key or address}
    deposit_cap: str
    enabled: bool = True


@dataclass
class Collateral:
    asset: dict[str, str]
    symbol: str
    decimals: int
    vol: str
    underlying: str | None = None
    enabled: bool = True


@dataclass
class Source:
    id: str
    chain: Chain
    relayer_path: str
    vault_label: str
    packet_timeout_seconds: int
    heartbeat_interval_seconds: int
    assets: list[VaultAsset]
    collateral: list[Collateral]
    cw20: list[Cw20Token] = field(default_factory=list)
    transfer_channel: bool = True


@dataclass
class SeriesSpec:
    underlying: str
    strikes: list[str]
    kinds: list[str]
    expiry_days: int | None
    expiry: int | None
    contract_size: str
    open_interest_cap: str


@dataclass
class Market:
    feeder: str
    feeder_price: bool
    feeder_vol: bool
    symbols: list[dict[str, Any]]
    series: list[SeriesSpec]


@dataclass
class Config:
    path: Path
    wasmd: str
    rly: str
    rly_home: str
    keyring_backend: str
    keyring_dir: str | None
    deployer: str
    artifacts: Path
    state_file: Path
    target: Chain
    engine_label: str
    engine: dict[str, Any]
    controller_label: str
    controller: dict[str, Any]
    lens_label: str
    sources: list[Source]
    market: Market | None
    app_version: str = "isthmus-1"

    def chains(self) -> list[Chain]:
        return [self.target] + [s.chain for s in self.sources]


def _req(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise ConfigError(f"{where}: missing `{key}`")
    return d[key]


def _chain(name: str, d: dict[str, Any], where: str) -> Chain:
    gas_prices = _req(d, "gas_prices", where)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?[a-zA-Z][a-zA-Z0-9/:._-]*", gas_prices):
        raise ConfigError(f"{where}: gas_prices `{gas_prices}` is not <amount><denom>")
    rpc = _req(d, "rpc", where)
    if not re.match(r"^https?://", rpc):
        raise ConfigError(f"{where}: rpc `{rpc}` must be an http(s) URL")
    return Chain(
        name=name,
        chain_id=_req(d, "chain_id", where),
        rpc=rpc.rstrip("/"),
        gas_prices=gas_prices,
        gas_adjustment=float(d.get("gas_adjustment", 1.4)),
        grpc=d.get("grpc"),
        broadcast_timeout_seconds=int(d.get("broadcast_timeout_seconds", 60)),
    )


def _asset(d: dict[str, Any], where: str) -> dict[str, str]:
    keys = [k for k in ("native", "cw20") if k in d]
    if len(keys) != 1:
        raise ConfigError(f"{where}: an asset is exactly one of `native = \"denom\"` or `cw20 = \"token\"`")
    return {keys[0]: d[keys[0]]}


def _path(p: str) -> Path:
    q = Path(p)
    return q if q.is_absolute() else REPO_ROOT / q


def parse(data: dict[str, Any], path: Path, env: dict[str, str] | None = None) -> Config:
    data = expand(data, dict(os.environ) if env is None else env)
    tools = data.get("tools", {})
    keys = _req(data, "keys", "config")
    deploy = data.get("deploy", {})
    tgt = _req(data, "target", "config")
    target = _chain("target", tgt, "[target]")
    engine = dict(_req(tgt, "engine", "[target]"))
    controller = dict(_req(tgt, "controller", "[target]"))
    engine_label = engine.pop("label", "isthmus-engine")
    controller_label = controller.pop("label", "isthmus-controller")
    lens_label = dict(tgt.get("lens", {})).get("label", "isthmus-lens")
    for k in ("max_staleness_seconds", "quote_denom", "quote_decimals", "risk"):
        _req(engine, k, "[target.engine]")
    for k in ("quote_denom", "seize_timeout_seconds", "max_in_flight_per_account", "max_in_flight_per_source"):
        _req(controller, k, "[target.controller]")
    if controller["quote_denom"] != engine["quote_denom"]:
        raise ConfigError("[target]: the engine and the controller must use the same quote_denom")

    sources = []
    seen_ids: set[str] = set()
    seen_chains = {target.chain_id}
    for i, s in enumerate(_req(data, "sources", "config")):
        where = f"[[sources]] #{i + 1}"
        sid = _req(s, "id", where)
        where = f"source `{sid}`"
        if sid in seen_ids:
            raise ConfigError(f"{where}: duplicate source id")
        seen_ids.add(sid)
        chain = _chain(sid, s, where)
        if chain.chain_id in seen_chains:
            raise ConfigError(f"{where}: chain id {chain.chain_id} is used twice")
        seen_chains.add(chain.chain_id)
        tokens = []
        for t in s.get("cw20", []):
            tok = Cw20Token(
                key=_req(t, "key", f"{where} cw20"),
                label=t.get("label", f"{t['key']}-token"),
                name=t.get("name", ""),
                symbol=t.get("symbol", ""),
                decimals=int(t.get("decimals", 6)),
                address=t.get("address"),
                initial_balances={k: str(v) for k, v in t.get("initial_balances", {}).items()},
            )
            if tok.address is None and not (tok.name and tok.symbol):
                raise ConfigError(f"{where} cw20 `{tok.key}`: give `address` (existing) or `name` and `symbol`")
            tokens.append(tok)
        token_keys = {t.key for t in tokens}
        assets = []
        for a in _req(s, "assets", where):
            asset = _asset(a, f"{where} asset")
            if "cw20" in asset and asset["cw20"] not in token_keys and not _BECH32.match(asset["cw20"]):
                raise ConfigError(f"{where}: asset cw20 `{asset['cw20']}` is neither a [[sources.cw20]] key nor an address")
            assets.append(VaultAsset(asset, str(_req(a, "deposit_cap", f"{where} asset")), bool(a.get("enabled", True))))
        if not assets:
            raise ConfigError(f"{where}: a vault needs at least one asset")
        coll = []
        for c in s.get("collateral", []):
            coll.append(
                Collateral(
                    asset=_asset(c, f"{where} collateral"),
                    symbol=_req(c, "symbol", f"{where} collateral"),
                    decimals=int(_req(c, "decimals", f"{where} collateral")),
                    vol=str(_req(c, "vol", f"{where} collateral")),
                    underlying=c.get("underlying"),
                    enabled=bool(c.get("enabled", True)),
                )
            )
        sources.append(
            Source(
                id=sid,
                chain=chain,
                relayer_path=_req(s, "relayer_path", where),
                vault_label=s.get("vault_label", "isthmus-vault"),
                packet_timeout_seconds=int(_req(s, "packet_timeout_seconds", where)),
                heartbeat_interval_seconds=int(_req(s, "heartbeat_interval_seconds", where)),
                assets=assets,
                collateral=coll,
                cw20=tokens,
                transfer_channel=bool(s.get("transfer_channel", True)),
            )
        )
    if not sources:
        raise ConfigError("config: at least one [[sources]] is needed")

    market = None
    if "market" in data:
        m = data["market"]
        series = []
        for sp in m.get("series", []):
            w = "[[market.series]]"
            kinds = sp.get("kinds", ["call", "put"])
            if any(k not in ("call", "put") for k in kinds):
                raise ConfigError(f"{w}: kinds are `call` and `put`")
            if ("expiry_days" in sp) == ("expiry" in sp):
                raise ConfigError(f"{w}: give exactly one of `expiry_days` or `expiry` (unix seconds)")
            series.append(
                SeriesSpec(
                    underlying=_req(sp, "underlying", w),
                    strikes=[str(x) for x in _req(sp, "strikes", w)],
                    kinds=kinds,
                    expiry_days=sp.get("expiry_days"),
                    expiry=sp.get("expiry"),
                    contract_size=str(sp.get("contract_size", "1")),
                    open_interest_cap=str(_req(sp, "open_interest_cap", w)),
                )
            )
        market = Market(
            feeder=_req(m, "feeder", "[market]"),
            feeder_price=bool(m.get("feeder_price", True)),
            feeder_vol=bool(m.get("feeder_vol", True)),
            symbols=list(m.get("symbols", [])),
            series=series,
        )
        for sym in market.symbols:
            _req(sym, "symbol", "[[market.symbols]]")

    return Config(
        path=path,
        wasmd=tools.get("wasmd", "wasmd"),
        rly=tools.get("rly", "rly"),
        rly_home=os.path.expanduser(tools.get("rly_home", "~/.relayer")),
        keyring_backend=keys.get("backend", "os"),
        keyring_dir=os.path.expanduser(keys["dir"]) if keys.get("dir") else None,
        deployer=_req(keys, "deployer", "[keys]"),
        artifacts=_path(deploy.get("artifacts", "artifacts")),
        state_file=_path(deploy.get("state_file", f"target/deploy-{target.chain_id}.json")),
        target=target,
        engine_label=engine_label,
        engine=engine,
        controller_label=controller_label,
        controller=controller,
        lens_label=lens_label,
        sources=sources,
        market=market,
        app_version=deploy.get("app_version", "isthmus-1"),
    )


def load(path: str | Path, env: dict[str, str] | None = None) -> Config:
    p = Path(path)
    with open(p, "rb") as f:
        data = tomllib.load(f)
    return parse(data, p, env)
