"""Config parsing and validation (no chain needed): python3 -m unittest discover -s network/tests -t network"""

import copy
import tomllib
import unittest
from pathlib import Path

from isthmus_net import config as C

NET = Path(__file__).resolve().parents[1]
ENV = {"WASMD": "/bin/wasmd", "RLY": "/bin/rly", "RLY_HOME": "/tmp/rly", "KEYRING": "/tmp/keys"}


def local() -> dict:
    with open(NET / "config" / "local.toml", "rb") as f:
        return tomllib.load(f)


class ExpandTest(unittest.TestCase):
    def test_variables_defaults_and_nesting(self):
        env = {"A": "x", "EMPTY": ""}
        self.assertEqual(C.expand("${A}/${B:-y}", env), "x/y")
        self.assertEqual(C.expand("${EMPTY:-d}", env), "d")
        self.assertEqual(C.expand({"k": ["${A}", 3]}, env), {"k": ["x", 3]})

    def test_missing_variable_is_an_error(self):
        with self.assertRaisesRegex(C.ConfigError, "NOPE"):
            C.expand("${NOPE}", {})


class LocalConfigTest(unittest.TestCase):
    def test_local_config_parses(self):
        cfg = C.parse(local(), Path("local.toml"), ENV)
        self.assertEqual(cfg.wasmd, "/bin/wasmd")
        self.assertEqual(cfg.keyring_backend, "test")
        self.assertEqual(cfg.target.chain_id, "isthmus-t")
        self.assertEqual(cfg.target.rpc, "http://127.0.0.1:36257")
        self.assertEqual([s.id for s in cfg.sources], ["source-a", "source-b"])
        a = cfg.sources[0]
        self.assertEqual(a.relayer_path, "a-t")
        self.assertEqual([x.asset for x in a.assets], [{"native": "uatom"}, {"cw20": "stk"}])
        self.assertEqual(a.cw20[0].initial_balances["alice"], "1000000000")
        self.assertEqual(cfg.engine["risk"]["tail_moves"], ["-0.5", "0.5"])
        self.assertNotIn("label", cfg.engine)
        self.assertEqual(cfg.engine_label, "isthmus-engine")
        self.assertEqual(len(cfg.market.series[0].strikes) * len(cfg.market.series[0].kinds), 16)
        self.assertTrue(str(cfg.state_file).endswith("target/localnet/deploy-state.json"))

    def test_environment_overrides_endpoints(self):
        cfg = C.parse(local(), Path("local.toml"), {**ENV, "ISTHMUS_A_RPC": "http://127.0.0.1:1/"})
        self.assertEqual(cfg.sources[0].chain.rpc, "http://127.0.0.1:1")

    def test_testnet_example_parses(self):
        with open(NET / "config" / "testnet.example.toml", "rb") as f:
            data = tomllib.load(f)
        cfg = C.parse(data, Path("testnet.example.toml"), {})
        self.assertEqual(cfg.keyring_backend, "os")
        self.assertTrue(all(s.chain.rpc.startswith("https://") for s in cfg.sources))


class ValidationTest(unittest.TestCase):
    def bad(self, mutate, pattern):
        d = copy.deepcopy(local())
        mutate(d)
        with self.assertRaisesRegex(C.ConfigError, pattern):
            C.parse(d, Path("x.toml"), ENV)

    def test_missing_fields(self):
        self.bad(lambda d: d["target"].pop("chain_id"), "chain_id")
        self.bad(lambda d: d["target"]["engine"].pop("risk"), "risk")
        self.bad(lambda d: d["keys"].pop("deployer"), "deployer")
        self.bad(lambda d: d.pop("sources"), "sources")

    def test_bad_values(self):
        self.bad(lambda d: d["target"].update(gas_prices="stake"), "gas_prices")
        self.bad(lambda d: d["target"].update(rpc="127.0.0.1:26657"), "http")
        self.bad(lambda d: d["target"]["controller"].update(quote_denom="uatom"), "quote_denom")
        self.bad(lambda d: d["sources"][1].update(id="source-a"), "duplicate")
        self.bad(lambda d: d["sources"][1].update(chain_id="isthmus-a"), "used twice")
        self.bad(lambda d: d["sources"][0]["assets"].append({"cw20": "nope", "deposit_cap": "1"}), "neither")
        self.bad(lambda d: d["sources"][0]["assets"].append({"native": "x", "cw20": "stk", "deposit_cap": "1"}), "exactly one")
        self.bad(lambda d: d["sources"][0].update(assets=[]), "at least one asset")
        self.bad(lambda d: d["market"]["series"][0].update(expiry=1), "exactly one of")
        self.bad(lambda d: d["market"]["series"][0].update(kinds=["straddle"]), "kinds")
        self.bad(lambda d: d["sources"][0]["cw20"][0].pop("symbol"), "address")

    def test_cw20_asset_may_be_an_existing_address(self):
        d = copy.deepcopy(local())
        addr = "wasm1wug8sewp6cedgkmrmvhl3lf3tulagm9hnvy8p0rppz9yjw0g4wtqhs9hr8"
        d["sources"][0]["assets"].append({"cw20": addr, "deposit_cap": "1"})
        cfg = C.parse(d, Path("x.toml"), ENV)
        self.assertEqual(cfg.sources[0].assets[-1].asset, {"cw20": addr})


if __name__ == "__main__":
    unittest.main()
