"""The deploy tool's decisions, as pure functions of what the chains report (and of the state
file): what exists and can be reused, what must be created. Unit-tested in tests/."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .config import Config, Cw20Token, Source


class PlanError(RuntimeError):
    pass


def checksum(wasm: bytes) -> str:
    return hashlib.sha256(wasm).hexdigest()


def find_code(code_infos: list[dict[str, Any]], sha256_hex: str) -> int | None:
    """The lowest code id whose checksum is the artifact's (wasmd stores identical bytes again
    under a new id, so several may match; any of them runs the same code)."""
    ids = [int(c["code_id"]) for c in code_infos if c.get("data_hash", c.get("checksum", "")).lower() == sha256_hex.lower()]
    return min(ids) if ids else None


def pick_contract(infos: list[dict[str, Any]], label: str, admin: str, recorded: str | None = None) -> str | None:
    """The instance of a code with this label and admin. If the state file recorded one of
    several candidates, that one; several without a record is an error (which one would the
    protocol's other contracts trust?)."""
    found = [i["address"] for i in infos if i.get("label") == label and i.get("admin") == admin]
    if recorded in found:
        return recorded
    if len(found) > 1:
        raise PlanError(f"{len(found)} contracts labelled `{label}` with admin {admin}: {', '.join(found)}; "
                        "name the right one in the state file or use another label")
    return found[0] if found else None


def is_instance(info: dict[str, Any], code_id: int, label: str, admin: str) -> bool:
    """Whether a contract's info shows the instance the deploy would create."""
    return str(info.get("code_id")) == str(code_id) and info.get("label") == label and info.get("admin") == admin


def find_channel(
    channels: list[dict[str, Any]], port: str, counterparty_port: str, version: str, connection_id: str | None = None
) -> dict[str, Any] | None:
    """An OPEN channel end `port` -> `counterparty_port` with `version` (on `connection_id`
    if given). Channels left half-open by an interrupted handshake are not reused."""
    for ch in channels:
        if ch.get("port_id") != port or ch.get("counterparty", {}).get("port_id") != counterparty_port:
            continue
        if ch.get("state") not in ("STATE_OPEN", "OPEN", 3):
            continue
        if ch.get("version") != version:
            continue
        if connection_id and ch.get("connection_hops", [None])[0] != connection_id:
            continue
        return ch
    return None


def connection_ready(src: dict[str, str], dst: dict[str, str], src_end: dict[str, Any] | None,
                     dst_end: dict[str, Any] | None) -> bool:
    """Whether the relayer path's recorded connection is OPEN on both chains and its two ends
    name each other."""
    if not src.get("connection-id") or not dst.get("connection-id") or not src_end or not dst_end:
        return False
    open_ = all(e.get("state") in ("STATE_OPEN", "OPEN", 3) for e in (src_end, dst_end))
    return (
        open_
        and src_end.get("counterparty", {}).get("connection_id") == dst["connection-id"]
        and dst_end.get("counterparty", {}).get("connection_id") == src["connection-id"]
    )


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def needs_apply(applied: dict[str, str], key: str, payload: Any) -> bool:
    """For setters the contracts cannot be asked about (feeders, symbol settings, collateral
    risk): apply unless the state file records this exact payload for this key."""
    return applied.get(key) != payload_hash(payload)


def expiry_from_days(days: int, now: int) -> int:
    """`days` after `now`, at the next 08:00 UTC (the usual options expiry hour), so that one
    deploy's series share one expiry."""
    t = now + days * 86400
    day = t - t % 86400
    exp = day + 8 * 3600
    return exp if exp >= t else exp + 86400


def missing_series(existing: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The wanted series params not yet listed (matched on underlying, expiry, kind, strike and
    contract size; decimals compared as numbers: "7" = "7.0")."""

    def key(p: dict[str, Any]) -> tuple[Any, ...]:
        return (p["underlying"], int(p["expiry"]), p["kind"], _dec(p["strike"]), _dec(p["contract_size"]))

    have = {key(s.get("params", s)) for s in existing}
    return [w for w in wanted if key(w) not in have]


def _dec(s: str) -> str:
    s = str(s)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


# --- messages -------------------------------------------------------------------------------


def engine_instantiate(cfg: Config) -> dict[str, Any]:
    return dict(cfg.engine)


def controller_instantiate(cfg: Config, engine: str) -> dict[str, Any]:
    return {"engine": engine, **cfg.controller}


def cw20_instantiate(tok: Cw20Token, resolve: Any) -> dict[str, Any]:
    return {
        "name": tok.name,
        "symbol": tok.symbol,
        "decimals": tok.decimals,
        "initial_balances": [{"address": resolve(k), "amount": v} for k, v in tok.initial_balances.items()],
    }


def resolve_asset(asset: dict[str, str], tokens: dict[str, str]) -> dict[str, str]:
    """{"cw20": "<token key>"} -> {"cw20": "<address>"}; natives unchanged."""
    if "cw20" in asset:
        return {"cw20": tokens.get(asset["cw20"], asset["cw20"])}
    return dict(asset)


def vault_instantiate(src: Source, connection_id: str, engine: str, controller: str, tokens: dict[str, str]) -> dict[str, Any]:
    return {
        "engine": {"connection_id": connection_id, "port_id": f"wasm.{engine}"},
        "controller": {"connection_id": connection_id, "port_id": f"wasm.{controller}"},
        "packet_timeout_seconds": src.packet_timeout_seconds,
        "heartbeat_interval_seconds": src.heartbeat_interval_seconds,
        "assets": [
            {"asset": resolve_asset(a.asset, tokens), "deposit_cap": a.deposit_cap, "enabled": a.enabled} for a in src.assets
        ],
    }


def vault_matches(vault_config: dict[str, Any], connection_id: str, engine: str, controller: str) -> bool:
    return vault_config.get("engine") == {"connection_id": connection_id, "port_id": f"wasm.{engine}"} and vault_config.get(
        "controller"
    ) == {"connection_id": connection_id, "port_id": f"wasm.{controller}"}


def registration(src_id: str, target_connection: str, vault: str) -> dict[str, Any]:
    return {"register_source": {"source_id": src_id, "connection_id": target_connection, "counterparty_port": f"wasm.{vault}"}}


def source_registered(resp: dict[str, Any] | None, target_connection: str, vault: str) -> bool | None:
    """True: registered as wanted; False: not registered; None: registered differently."""
    if not resp:
        return False
    if resp.get("connection_id") == target_connection and resp.get("counterparty_port") == f"wasm.{vault}":
        return True
    return None


def collateral_listed(assets: list[dict[str, Any]], asset: dict[str, str], symbol: str, decimals: int, enabled: bool) -> bool:
    for a in assets:
        if a.get("asset") == asset:
            return a.get("symbol") == symbol and int(a.get("decimals", -1)) == decimals and bool(a.get("enabled")) == enabled
    return False


def series_params(cfg: Config, expiries: dict[str, int]) -> list[dict[str, Any]]:
    """Every series of the config's market, with expiries resolved (`expiries` maps a spec's
    index to its unix expiry)."""
    out = []
    if not cfg.market:
        return out
    for i, sp in enumerate(cfg.market.series):
        exp = sp.expiry if sp.expiry is not None else expiries[str(i)]
        for strike in sp.strikes:
            for kind in sp.kinds:
                out.append(
                    {
                        "underlying": sp.underlying,
                        "strike": strike,
                        "expiry": exp,
                        "kind": kind,
                        "contract_size": sp.contract_size,
                        "open_interest_cap": sp.open_interest_cap,
                    }
                )
    return out
