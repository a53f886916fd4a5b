#!/usr/bin/env python3
"""Independent reference for the portfolio margin of packages/isthmus-margin.

Black-Scholes, the scenario grid, haircuts, netting, floors and the directed rounding are
re-implemented here from the formulas in docs/margin.md, in mpmath at 40 significant digits (no
code shared with the Rust crate). The output, packages/isthmus-margin/testdata/reference.json,
holds each example account (inputs as exact decimal or "a/b" strings) and the expected results
in quote base units; tests/reference.rs rebuilds the accounts, runs `evaluate` and compares.

    python3 scripts/margin_reference.py            # rewrites the JSON
    python3 scripts/margin_reference.py --check    # exits 1 if the JSON is out of date
"""
import json
import sys
from fractions import Fraction
from pathlib import Path

import mpmath as mp

mp.mp.dps = 40
OUT = Path(__file__).resolve().parent.parent / "packages/isthmus-margin/testdata/reference.json"

# Default MarginParams (must match params.rs)
PARAMS = {
    "spot_moves": [-30, -15, -10, -5, 0, 5, 10, 15, 30],  # percent
    "vol_shocks": ["down", "none", "up"],
    "vol_shock_up": "0.10",
    "vol_shock_down": "0.10",
    "vol_shock_exponent": "0.5",
    "vol_shock_reference_days": "30",
    "min_days_to_expiry": "1",
    "min_vol": "0.05",
    "short_option_floor": "0.01",
    "initial_margin_factor": "1.3",
    "quote_decimals": 6,
}
SECONDS_PER_YEAR = 365 * 86400


def num(s):
    """Exact value of a decimal or 'a/b' string, as an mpf."""
    if "/" in s:
        a, b = s.split("/")
        return mp.mpf(int(a)) / int(b)
    f = Fraction(s)
    return mp.mpf(f.numerator) / f.denominator


def bs(kind, S, K, T, vol, r):
    if T == 0 or vol == 0:
        fwd = S - K * mp.e ** (-r * T)
        return max(fwd, 0) if kind == "call" else max(-fwd, 0)
    sq = vol * mp.sqrt(T)
    d1 = (mp.log(S / K) + (r + vol * vol / 2) * T) / sq
    d2 = d1 - sq
    if kind == "call":
        return S * mp.ncdf(d1) - K * mp.e ** (-r * T) * mp.ncdf(d2)
    return K * mp.e ** (-r * T) * mp.ncdf(-d2) - S * mp.ncdf(-d1)


def scale(T):
    p = num(PARAMS["vol_shock_exponent"])
    days = max(T * 365, num(PARAMS["min_days_to_expiry"]))
    return (num(PARAMS["vol_shock_reference_days"]) / days) ** p


def shocked(vol, T, shock):
    s = scale(T)
    if shock == "up":
        return vol + num(PARAMS["vol_shock_up"]) * s
    if shock == "down":
        return max(vol - num(PARAMS["vol_shock_down"]) * s, min(vol, num(PARAMS["min_vol"])))
    return vol


def haircut(c):
    h = c["haircut"]
    horizon = c["staleness_seconds"] + h["seize_latency_seconds"]
    x = num(h["base"]) + num(h["z"]) * num(c["vol"]) * mp.sqrt(mp.mpf(horizon) / SECONDS_PER_YEAR)
    return min(x, 1)


def floor(x):
    return int(mp.floor(x))


def ceil(x):
    return int(mp.ceil(x))


def evaluate(acc):
    qd = PARAMS["quote_decimals"]
    grid = [(mp.mpf(m) / 100, v) for m in PARAMS["spot_moves"] for v in PARAMS["vol_shocks"]]
    spots = [num(u["spot"]) for u in acc["underlyings"]]
    coll = []
    for c in acc["collateral"]:
        P = spots[c["underlying"]] if "underlying" in c else num(c["price"])
        hp = P * (1 - haircut(c))
        units = mp.mpf(c["amount"]) * mp.mpf(10) ** (qd - c["decimals"])
        # the part that may back initial margin (the engine's per-source cap); all by default
        units0 = mp.mpf(c.get("initial_amount", c["amount"])) * mp.mpf(10) ** (qd - c["decimals"])
        stale = c["staleness_seconds"] > c["haircut"]["max_staleness_seconds"]
        coll.append({"value": floor(units * hp), "value0": floor(units0 * hp), "stale": stale,
                     "link": c.get("underlying"), "hp": hp, "units": units, "units0": units0})
    res = {"short_mark": 0, "long_mark": 0, "underlyings": []}
    mm = mm0 = 0
    for ui, u in enumerate(acc["underlyings"]):
        S, r = spots[ui], num(u["rate"])
        vols = {e["expiry_years"]: num(e["vol"]) for e in u["vols"]}
        groups = {}
        for leg in u["legs"]:
            key = (leg["kind"], leg["strike"], leg["expiry_years"], leg["contract_size"])
            groups[key] = groups.get(key, 0) + leg["quantity"]
        groups = {k: q for k, q in groups.items() if q != 0}
        losses = [0] * len(grid)
        short_floor = 0
        for (kind, K, Ts, cs), q in groups.items():
            K, T, c, vol = num(K), num(Ts), num(cs), vols[Ts]
            p0 = bs(kind, S, K, T, vol, r)
            scaled = q * c * mp.mpf(10) ** qd
            mark = floor(scaled * p0)
            if q < 0:
                res["short_mark"] += mark
                short_floor += ceil(-scaled * num(PARAMS["short_option_floor"]) * S)
                ref = p0
            else:
                res["long_mark"] += mark
                ref = 0
            for s, (m, shock) in enumerate(grid):
                ps = bs(kind, S * (1 + m), K, T, shocked(vol, T, shock), r)
                losses[s] += ceil(scaled * (ref - ps))
        losses0 = list(losses)
        for c in coll:
            if c["link"] != ui:
                continue
            for s, (m, _) in enumerate(grid):
                if m > 0:
                    losses[s] += -floor(c["units"] * c["hp"] * m)
                    if not c["stale"]:
                        losses0[s] += -floor(c["units0"] * c["hp"] * m)
        worst = max(losses)
        worst0 = max(losses0)
        idx = losses.index(worst)
        mm += max(worst, 0) + short_floor
        mm0 += max(worst0, 0) + short_floor
        res["underlyings"].append(
            {"worst_scenario": idx, "worst_loss": worst, "worst_loss_initial": worst0, "short_floor": short_floor,
             "groups": len(groups)})
    cv = sum(c["value"] for c in coll)
    cv0 = sum(c["value0"] for c in coll if not c["stale"])
    res["collateral_value"] = cv
    res["collateral_value_initial"] = cv0
    res["equity"] = acc["cash"] + cv + res["short_mark"]
    res["equity_initial"] = acc["cash"] + cv0 + res["short_mark"]
    res["maintenance_margin"] = mm
    res["initial_margin"] = ceil(num(PARAMS["initial_margin_factor"]) * mm0)
    # one unit per directed rounding that a 2^-88 difference could flip, plus one
    res["tolerance"] = (1 + sum(u["groups"] for u in res["underlyings"]) + len(coll)
                        + sum(1 for c in coll if c["units0"] != c["units"]))
    return res


# ---------------------------------------------------------------- example accounts
T30, T7 = "30/365", "7/365"
ETH = {"spot": "3000", "rate": "0.05", "vols": [{"expiry_years": T30, "vol": "0.6"}, {"expiry_years": T7, "vol": "0.75"}]}


def leg(kind, strike, qty, expiry=T30, size="1"):
    return {"kind": kind, "strike": strike, "expiry_years": expiry, "quantity": qty, "contract_size": size}


def book(*legs):
    return dict(ETH, legs=list(legs))


def haircut_params(max_stale=3600):
    return {"base": "0.02", "z": "2.33", "seize_latency_seconds": 600, "max_staleness_seconds": max_stale}


def eth_coll(amount_eth, staleness, linked=True):
    c = {"amount": amount_eth * 10**18, "decimals": 18, "vol": "0.6", "staleness_seconds": staleness,
         "haircut": haircut_params()}
    if linked:
        c["underlying"] = 0
    else:
        c["price"] = "3000"
    return c


def usdc_coll(amount, staleness):
    return {"amount": amount * 10**6, "decimals": 6, "price": "1", "vol": "0.01", "staleness_seconds": staleness,
            "haircut": haircut_params()}


SHORT_CALL = leg("call", "3300", -10)
CASES = {
    "naked_short_call": {"cash": 20_000_000_000, "underlyings": [book(SHORT_CALL)], "collateral": []},
    "call_spread": {"cash": 20_000_000_000, "underlyings": [book(SHORT_CALL, leg("call", "3600", 10))],
                    "collateral": []},
    "eth_collateral_only": {"cash": 0, "underlyings": [book()], "collateral": [eth_coll(10, 30)]},
    "covered_call": {"cash": 0, "underlyings": [book(SHORT_CALL)], "collateral": [eth_coll(10, 30)]},
    "short_call_eth_unlinked": {"cash": 0, "underlyings": [book(SHORT_CALL)],
                                "collateral": [eth_coll(10, 30, linked=False)]},
    "short_straddle_7d": {"cash": 5_000_000_000,
                          "underlyings": [book(leg("call", "3000", -5, T7), leg("put", "3000", -5, T7))],
                          "collateral": []},
    "calendar": {"cash": 5_000_000_000,
                 "underlyings": [book(leg("call", "3000", -10, T7), leg("call", "3000", 10, T30))],
                 "collateral": []},
    "two_sources": {"cash": 1_000_000_000,
                    "underlyings": [book(SHORT_CALL, leg("put", "2700", -5, T30, "0.5"))],
                    "collateral": [eth_coll(4, 120), eth_coll(5, 5400), usdc_coll(10_000, 5400),
                                   usdc_coll(8_000, 60)]},
    # A per-source cap lets only part of each item back initial margin (docs/margin.md): 4 ETH
    # (and 123,456,789 wei) of 10 fresh linked ETH, 5,000.5 of 8,000 fresh USDC, and 2 of 5 stale
    # ETH (stale: nothing for initial margin either way). Maintenance is that of the whole items.
    "initial_amounts": {"cash": 0, "underlyings": [book(SHORT_CALL)],
                        "collateral": [dict(eth_coll(10, 30), initial_amount=4 * 10**18 + 123_456_789),
                                       dict(usdc_coll(8_000, 60), initial_amount=5_000_500_000),
                                       dict(eth_coll(5, 5400), initial_amount=2 * 10**18)]},
}


def main():
    out = {"generator": "scripts/margin_reference.py", "params": PARAMS, "cases": []}
    for name, acc in CASES.items():
        out["cases"].append({"name": name, "account": acc, "expected": evaluate(acc)})
    text = json.dumps(out, indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv:
        if OUT.read_text() != text:
            print("reference.json is out of date", file=sys.stderr)
            sys.exit(1)
        return
    OUT.write_text(text)
    for c in out["cases"]:
        e = c["expected"]
        print(f"{c['name']:24} equity {e['equity']:>14} eq_init {e['equity_initial']:>14} "
              f"MM {e['maintenance_margin']:>13} IM {e['initial_margin']:>13} "
              f"worst {[u['worst_scenario'] for u in e['underlyings']]}")


if __name__ == "__main__":
    main()
