"""The Go relayer (`rly` v2.6.0) as the deploy tool uses it: light clients and connections
per path, and channel handshakes between given ports. Packet relaying is `rly start`, run by
scripts/localnet.sh (or by the operator on a testnet)."""

from __future__ import annotations

import json
import subprocess
from typing import Any


class RelayerError(RuntimeError):
    pass


class Relayer:
    def __init__(self, binary: str, home: str, verbose: bool = False, timeout: int = 300):
        self.binary = binary
        self.home = home
        self.verbose = verbose
        self.timeout = timeout

    def _run(self, *args: str) -> str:
        cmd = [self.binary, *args, "--home", self.home]
        if self.verbose:
            print("   $", " ".join(cmd))
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as e:
            raise RelayerError(f"rly {' '.join(args[:2])}: no result within {self.timeout} s") from e
        if p.returncode != 0:
            tail = "\n".join((p.stderr or p.stdout).strip().splitlines()[-5:])
            raise RelayerError(f"rly {' '.join(args[:3])} failed:\n{tail}")
        return p.stdout

    def path(self, name: str) -> dict[str, Any]:
        out = self._run("paths", "show", name, "--json")
        return json.loads(out)

    def path_ends(self, name: str) -> tuple[dict[str, str], dict[str, str]]:
        """(src, dst) of a path: chain-id, client-id, connection-id (empty strings if unset)."""
        p = self.path(name)
        p = p.get("chains", p)
        return p["src"], p["dst"]

    def link_connection(self, name: str) -> None:
        """Light clients (if missing) and a connection on the path (`rly tx connection`)."""
        self._run("tx", "connection", name, "--max-retries", "5")

    def open_channel(self, name: str, src_port: str, dst_port: str, version: str) -> None:
        """A channel handshake started on the path's src chain (ChanOpenInit there)."""
        self._run(
            "tx", "channel", name, "--src-port", src_port, "--dst-port", dst_port,
            "--order", "unordered", "--version", version, "--max-retries", "5",
            "--override",
        )  # fmt: skip
