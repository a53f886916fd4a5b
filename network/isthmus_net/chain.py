"""A client for one chain: transactions through the `wasmd` CLI (it signs with the configured
keyring), queries straight over CometBFT RPC (`abci_query` with hand-encoded protobuf: the
CLI costs ~0.6 s a call, RPC a few ms), and transaction results from RPC `/tx`.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .config import _BECH32, Chain, Config


class TxError(RuntimeError):
    pass


class QueryError(RuntimeError):
    pass


# --- minimal protobuf -------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_bytes(field_num: int, value: bytes | str) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    return _varint(field_num << 3 | 2) + _varint(len(value)) + value


def pb_parse(buf: bytes) -> dict[int, list[Any]]:
    """Decodes one message level: field number -> values (bytes for length-delimited, int for varint)."""
    out: dict[int, list[Any]] = {}
    i = 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _read_varint(buf, i)
        elif wire == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i : i + n], i + n
        elif wire == 1:
            v, i = buf[i : i + 8], i + 8
        elif wire == 5:
            v, i = buf[i : i + 4], i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        out.setdefault(num, []).append(v)
    return out


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = n = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


# --- results -------------------------------------------------------------------------------


@dataclass
class TxResult:
    hash: str
    height: int
    gas_used: int
    gas_wanted: int
    events: list[dict[str, Any]]

    def attrs(self, event_type: str, key: str, contract: str | None = None) -> list[str]:
        """Values of `key` in events of `event_type` (for `wasm` events, optionally only those
        emitted by `contract`)."""
        vals = []
        for ev in self.events:
            if ev["type"] != event_type:
                continue
            attrs = {}
            pairs = [(a["key"], a.get("value", "")) for a in ev.get("attributes", [])]
            for k, v in pairs:
                attrs.setdefault(k, v)
            if contract is not None and attrs.get("_contract_address") != contract:
                continue
            vals += [v for k, v in pairs if k == key]
        return vals

    def attr(self, event_type: str, key: str, contract: str | None = None) -> str:
        vals = self.attrs(event_type, key, contract)
        if not vals:
            raise TxError(f"tx {self.hash}: no `{event_type}` attribute `{key}`")
        return vals[0]

    def packets_sent(self) -> int:
        return sum(1 for ev in self.events if ev["type"] == "send_packet")


class ChainClient:
    def __init__(self, cfg: Config, chain: Chain, verbose: bool = False):
        self.cfg = cfg
        self.chain = chain
        self.verbose = verbose
        self._addr_cache: dict[str, str] = {}

    # -- CLI ------------------------------------------------------------------------------
    def _keyring_flags(self) -> list[str]:
        flags = ["--keyring-backend", self.cfg.keyring_backend]
        if self.cfg.keyring_dir:
            flags += ["--keyring-dir", self.cfg.keyring_dir]
        return flags

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [self.cfg.wasmd, *args]
        if self.verbose:
            print("   $", " ".join(cmd))
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        if check and p.returncode != 0:
            raise TxError(f"{' '.join(args[:3])} on {self.chain.chain_id}: {p.stderr.strip() or p.stdout.strip()}")
        return p

    def address(self, key_or_addr: str) -> str:
        """A key name of the keyring, or an address (returned as is)."""
        if _BECH32.match(key_or_addr):
            return key_or_addr
        if key_or_addr not in self._addr_cache:
            p = self._run(["keys", "show", key_or_addr, "-a", *self._keyring_flags()])
            self._addr_cache[key_or_addr] = p.stdout.strip()
        return self._addr_cache[key_or_addr]

    def tx(self, args: list[str], key: str) -> TxResult:
        """Signs and broadcasts `wasmd tx <args>` from `key`, waits for inclusion, and returns
        the result; raises TxError (with the chain's reason) if simulation, CheckTx or
        DeliverTx fails."""
        flags = [
            "--from", key, *self._keyring_flags(),
            "--chain-id", self.chain.chain_id, "--node", self.chain.rpc,
            "--gas", "auto", "--gas-adjustment", str(self.chain.gas_adjustment),
            "--gas-prices", self.chain.gas_prices,
            "--broadcast-mode", "sync", "-y", "--output", "json",
        ]  # fmt: skip
        p = self._run(["tx", *args, *flags], check=False)
        if p.returncode != 0:
            raise TxError(_clean_error(p.stderr or p.stdout))
        out = p.stdout[p.stdout.find("{") :]
        res = json.loads(out)
        if int(res.get("code", 0)) != 0:
            raise TxError(f"CheckTx code {res['code']}: {res.get('raw_log')}")
        return self.wait_tx(res["txhash"])

    def wait_tx(self, txhash: str) -> TxResult:
        deadline = time.time() + self.chain.broadcast_timeout_seconds
        while time.time() < deadline:
            try:
                r = self._rpc("tx", {"hash": "0x" + txhash})
            except QueryError:
                time.sleep(0.2)
                continue
            txr = r["tx_result"]
            if int(txr.get("code", 0)) != 0:
                raise TxError(_clean_error(txr.get("log", "")))
            return TxResult(
                hash=txhash,
                height=int(r["height"]),
                gas_used=int(txr.get("gas_used", 0)),
                gas_wanted=int(txr.get("gas_wanted", 0)),
                events=txr.get("events", []),
            )
        raise TxError(f"tx {txhash} not included on {self.chain.chain_id} within {self.chain.broadcast_timeout_seconds} s")

    def execute(self, key: str, contract: str, msg: dict[str, Any], funds: str | None = None) -> TxResult:
        args = ["wasm", "execute", contract, json.dumps(msg, separators=(",", ":"))]
        if funds:
            args += ["--amount", funds]
        return self.tx(args, key)

    def store(self, key: str, wasm_file: str) -> TxResult:
        return self.tx(["wasm", "store", wasm_file], key)

    def instantiate(self, key: str, code_id: int, msg: dict[str, Any], label: str, admin: str) -> TxResult:
        return self.tx(
            ["wasm", "instantiate", str(code_id), json.dumps(msg, separators=(",", ":")), "--label", label, "--admin", admin],
            key,
        )

    def query_cli(self, *args: str) -> Any:
        p = self._run(["query", *args, "--node", self.chain.rpc, "--output", "json"])
        return json.loads(p.stdout)

    # -- RPC ------------------------------------------------------------------------------
    def _rpc(self, method: str, params: dict[str, str]) -> Any:
        url = f"{self.chain.rpc}/{method}?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=15) as resp:
                body = json.load(resp)
        except OSError as e:
            raise QueryError(f"{self.chain.chain_id} {method}: {e}") from e
        if "error" in body:
            raise QueryError(f"{self.chain.chain_id} {method}: {body['error']}")
        return body["result"]

    def abci_query(self, path: str, data: bytes) -> bytes:
        r = self._rpc("abci_query", {"path": json.dumps(path), "data": "0x" + data.hex()})["response"]
        if int(r.get("code", 0)) != 0:
            raise QueryError(r.get("log", "query failed"))
        return base64.b64decode(r.get("value") or "")

    def smart(self, contract: str, msg: dict[str, Any]) -> Any:
        req = pb_bytes(1, contract) + pb_bytes(2, json.dumps(msg, separators=(",", ":")))
        resp = pb_parse(self.abci_query("/cosmwasm.wasm.v1.Query/SmartContractState", req))
        return json.loads(resp[1][0]) if 1 in resp else None

    def balance(self, address: str, denom: str) -> int:
        resp = pb_parse(self.abci_query("/cosmos.bank.v1beta1.Query/Balance", pb_bytes(1, address) + pb_bytes(2, denom)))
        if 1 not in resp:
            return 0
        coin = pb_parse(resp[1][0])
        return int(coin[2][0].decode()) if 2 in coin else 0

    def packet_commitments(self, port: str, channel: str) -> int:
        """How many packets sent on this channel end are not yet acknowledged or timed out."""
        resp = pb_parse(self.abci_query("/ibc.core.channel.v1.Query/PacketCommitments", pb_bytes(1, port) + pb_bytes(2, channel)))
        return len(resp.get(1, []))

    def height(self) -> int:
        return int(self._rpc("status", {})["sync_info"]["latest_block_height"])

    def block_time(self) -> int:
        """The latest block's time, unix seconds."""
        t = self._rpc("status", {})["sync_info"]["latest_block_time"]
        from datetime import datetime

        return int(datetime.fromisoformat(t[:19] + "+00:00").timestamp())

    # -- wasm / ibc metadata ----------------------------------------------------------------
    def codes(self) -> list[dict[str, Any]]:
        out, key = [], None
        while True:
            args = ["wasm", "list-code", "--limit", "200"]
            if key:
                args += ["--page-key", key]
            r = self.query_cli(*args)
            out += r.get("code_infos", [])
            key = (r.get("pagination") or {}).get("next_key")
            if not key:
                return out

    def contracts_by_code(self, code_id: int) -> list[str]:
        out, key = [], None
        while True:
            args = ["wasm", "list-contract-by-code", str(code_id), "--limit", "500"]
            if key:
                args += ["--page-key", key]
            r = self.query_cli(*args)
            out += r.get("contracts", [])
            key = (r.get("pagination") or {}).get("next_key")
            if not key:
                return out

    def contract_info(self, address: str) -> dict[str, Any] | None:
        try:
            r = self.query_cli("wasm", "contract", address)
        except TxError:
            return None
        info = r.get("contract_info", r)
        return {"address": r.get("address", address), **info}

    def channels(self, connection_id: str) -> list[dict[str, Any]]:
        return self.query_cli("ibc", "channel", "connections", connection_id, "--limit", "500").get("channels", [])

    def connection(self, connection_id: str) -> dict[str, Any] | None:
        try:
            return self.query_cli("ibc", "connection", "end", connection_id).get("connection")
        except TxError:
            return None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_REASON = re.compile(r"message index: \d+: (.*?)(?:: execute wasm contract failed|: instantiate wasm contract failed|\s*\[!|$)")


def _clean_error(text: str) -> str:
    """The useful line of a CLI/ABCI error (drops colours, usage text and stack traces; for a
    failed contract call, the contract's own error)."""
    text = _ANSI.sub("", text)
    m = _REASON.search(text)
    if m:
        return m.group(1).strip()
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith("Error:"):
            return ln[len("Error:") :].strip()
    return lines[-1] if lines else text
