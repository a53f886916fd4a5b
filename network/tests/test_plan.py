"""The deploy tool's idempotency decisions and messages (pure functions of chain answers)."""

import tomllib
import unittest
from pathlib import Path

from isthmus_net import config as C
from isthmus_net import plan as P

NET = Path(__file__).resolve().parents[1]
ENV = {"WASMD": "w", "RLY": "r", "RLY_HOME": "h", "KEYRING": "k"}
ADMIN, OTHER = "wasm1admin", "wasm1other"


def cfg() -> C.Config:
    with open(NET / "config" / "local.toml", "rb") as f:
        return C.parse(tomllib.load(f), Path("local.toml"), ENV)


def chan(port, cport, state="STATE_OPEN", version="isthmus-1", conn="connection-0", cid="channel-0", ccid="channel-9"):
    return {"port_id": port, "channel_id": cid, "state": state, "version": version, "connection_hops": [conn],
            "counterparty": {"port_id": cport, "channel_id": ccid}}


class CodeTest(unittest.TestCase):
    def test_code_found_by_checksum_lowest_id(self):
        sha = P.checksum(b"wasm")
        infos = [{"code_id": "3", "data_hash": sha.upper()}, {"code_id": "1", "data_hash": "00"}, {"code_id": "2", "data_hash": sha}]
        self.assertEqual(P.find_code(infos, sha), 2)
        self.assertIsNone(P.find_code(infos, P.checksum(b"other")))
        self.assertIsNone(P.find_code([], sha))


class ContractTest(unittest.TestCase):
    infos = [
        {"address": "c1", "label": "isthmus-engine", "admin": OTHER},
        {"address": "c2", "label": "isthmus-engine", "admin": ADMIN},
        {"address": "c3", "label": "isthmus-vault", "admin": ADMIN},
    ]

    def test_matches_label_and_admin(self):
        self.assertEqual(P.pick_contract(self.infos, "isthmus-engine", ADMIN), "c2")
        self.assertIsNone(P.pick_contract(self.infos, "isthmus-controller", ADMIN))
        self.assertIsNone(P.pick_contract(self.infos, "isthmus-vault", OTHER), "someone else's instance is not ours")

    def test_several_candidates_need_the_state_file(self):
        infos = self.infos + [{"address": "c4", "label": "isthmus-engine", "admin": ADMIN}]
        with self.assertRaisesRegex(P.PlanError, "2 contracts"):
            P.pick_contract(infos, "isthmus-engine", ADMIN)
        self.assertEqual(P.pick_contract(infos, "isthmus-engine", ADMIN, recorded="c4"), "c4")
        with self.assertRaises(P.PlanError):
            P.pick_contract(infos, "isthmus-engine", ADMIN, recorded="gone")


    def test_recorded_instance_is_checked(self):
        info = {"address": "c2", "code_id": "4", "label": "isthmus-engine", "admin": ADMIN}
        self.assertTrue(P.is_instance(info, 4, "isthmus-engine", ADMIN))
        self.assertFalse(P.is_instance(info, 5, "isthmus-engine", ADMIN), "new code: a new instance")
        self.assertFalse(P.is_instance(info, 4, "isthmus-engine", OTHER))
        self.assertFalse(P.is_instance(info, 4, "other-label", ADMIN))


class ChannelTest(unittest.TestCase):
    def test_open_channel_with_ports_and_version(self):
        chans = [
            chan("wasm.v", "wasm.e", state="STATE_INIT", cid="channel-0"),
            chan("wasm.v", "wasm.c", cid="channel-1"),
            chan("wasm.v", "wasm.e", cid="channel-2"),
            chan("transfer", "transfer", version="ics20-1", cid="channel-3"),
        ]
        self.assertEqual(P.find_channel(chans, "wasm.v", "wasm.e", "isthmus-1")["channel_id"], "channel-2")
        self.assertEqual(P.find_channel(chans, "wasm.v", "wasm.c", "isthmus-1")["channel_id"], "channel-1")
        self.assertEqual(P.find_channel(chans, "transfer", "transfer", "ics20-1")["channel_id"], "channel-3")
        self.assertIsNone(P.find_channel(chans, "transfer", "transfer", "ics20-2"))
        self.assertIsNone(P.find_channel(chans, "wasm.v", "wasm.e", "isthmus-1", "connection-7"))
        self.assertIsNone(P.find_channel([chans[0]], "wasm.v", "wasm.e", "isthmus-1"), "half-open is not reused")

    def test_connection_ready(self):
        src = {"client-id": "07-tendermint-0", "connection-id": "connection-0"}
        dst = {"client-id": "07-tendermint-1", "connection-id": "connection-1"}
        a = {"state": "STATE_OPEN", "counterparty": {"connection_id": "connection-1"}}
        b = {"state": "STATE_OPEN", "counterparty": {"connection_id": "connection-0"}}
        self.assertTrue(P.connection_ready(src, dst, a, b))
        self.assertFalse(P.connection_ready(src, dst, a, {**b, "state": "STATE_TRYOPEN"}))
        self.assertFalse(P.connection_ready(src, dst, a, {**b, "counterparty": {"connection_id": "connection-5"}}))
        self.assertFalse(P.connection_ready({**src, "connection-id": ""}, dst, None, b))
        self.assertFalse(P.connection_ready(src, dst, None, b), "a chain that was reset has no such connection")


class SetterTest(unittest.TestCase):
    def test_needs_apply_tracks_payloads(self):
        applied = {}
        msg = {"set_feeder": {"address": "f", "price": True, "vol": True}}
        self.assertTrue(P.needs_apply(applied, "e:feeder:f", msg))
        applied["e:feeder:f"] = P.payload_hash(msg)
        self.assertFalse(P.needs_apply(applied, "e:feeder:f", msg))
        self.assertFalse(P.needs_apply(applied, "e:feeder:f", {"set_feeder": {"vol": True, "price": True, "address": "f"}}))
        self.assertTrue(P.needs_apply(applied, "e:feeder:f", {"set_feeder": {"address": "f", "price": True, "vol": False}}))
        self.assertTrue(P.needs_apply(applied, "other-engine:feeder:f", msg))

    def test_registration(self):
        self.assertFalse(P.source_registered(None, "connection-1", "v"))
        self.assertTrue(P.source_registered({"connection_id": "connection-1", "counterparty_port": "wasm.v"}, "connection-1", "v"))
        self.assertIsNone(P.source_registered({"connection_id": "connection-2", "counterparty_port": "wasm.v"}, "connection-1", "v"))

    def test_collateral_listed(self):
        listed = [{"asset": {"native": "uatom"}, "symbol": "ATOM", "decimals": 6, "enabled": True}]
        self.assertTrue(P.collateral_listed(listed, {"native": "uatom"}, "ATOM", 6, True))
        self.assertFalse(P.collateral_listed(listed, {"native": "uatom"}, "ATOM", 6, False))
        self.assertFalse(P.collateral_listed(listed, {"native": "uosmo"}, "OSMO", 6, True))


class MarketTest(unittest.TestCase):
    def test_expiry_is_the_next_0800_utc(self):
        now = 1_764_547_200 + 15 * 3600  # 2025-12-01 15:00 UTC
        exp = P.expiry_from_days(30, now)
        self.assertEqual(exp % 86400, 8 * 3600)
        self.assertTrue(now + 30 * 86400 <= exp < now + 31 * 86400)
        early = 1_764_547_200 + 3600  # 01:00 UTC: the same day's 08:00
        self.assertEqual(P.expiry_from_days(1, early), 1_764_547_200 + 86400 + 8 * 3600)

    def test_missing_series(self):
        c = cfg()
        wanted = P.series_params(c, {"0": 1_800_000_000})
        self.assertEqual(len(wanted), 16)
        have = [{"series_id": 1, "params": {**wanted[0], "strike": "7.0"}}, {"series_id": 2, "params": wanted[5]}]
        todo = P.missing_series(have, wanted)
        self.assertEqual(len(todo), 14)
        self.assertNotIn(wanted[0], todo)
        other_expiry = [{"series_id": 3, "params": {**wanted[1], "expiry": 1}}]
        self.assertIn(wanted[1], P.missing_series(other_expiry, wanted))


class MessageTest(unittest.TestCase):
    def test_vault_message_resolves_tokens_and_ports(self):
        c = cfg()
        m = P.vault_instantiate(c.sources[0], "connection-0", "wasm1eng", "wasm1ctl", {"stk": "wasm1tok"})
        self.assertEqual(m["engine"], {"connection_id": "connection-0", "port_id": "wasm.wasm1eng"})
        self.assertEqual(m["controller"], {"connection_id": "connection-0", "port_id": "wasm.wasm1ctl"})
        self.assertEqual([a["asset"] for a in m["assets"]], [{"native": "uatom"}, {"cw20": "wasm1tok"}])
        self.assertTrue(P.vault_matches(m, "connection-0", "wasm1eng", "wasm1ctl"))
        self.assertFalse(P.vault_matches(m, "connection-1", "wasm1eng", "wasm1ctl"))

    def test_controller_and_cw20_messages(self):
        c = cfg()
        m = P.controller_instantiate(c, "wasm1eng")
        self.assertEqual(m["engine"], "wasm1eng")
        self.assertEqual(m["seize_timeout_seconds"], 600)
        self.assertNotIn("label", m)
        t = P.cw20_instantiate(c.sources[0].cw20[0], lambda k: f"addr-{k}")
        self.assertEqual(t["initial_balances"][0], {"address": "addr-alice", "amount": "1000000000"})
        self.assertEqual(P.engine_instantiate(c)["quote_denom"], "uusdc")


if __name__ == "__main__":
    unittest.main()
