#!/usr/bin/env python3
"""Plots of the risk simulator's tables (docs/risk.md).

Usage: risk_plots.py DIR   (DIR holds cells.csv and dark.csv written by isthmus-risk-sim)

Writes into DIR:
  bad_debt_vs_delay.png  mean bad debt against mean relay delay, one line per crash size
  frontier.png           the largest crash with no bad debt, against relay delay
  haircut.png            mean bad debt against the haircut base, per z and seize latency
  cap_effect.png         largest extra loss from one chain going dark, per per-source cap
"""
import csv
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SEIZE_LATENCY = 600


def labels(cell):
    return dict(pair.split("=", 1) for pair in cell["labels"].split(";") if pair)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def bad_debt_vs_delay(cells, out):
    lines = defaultdict(list)
    for c in cells:
        if c["sweep"] == "delay":
            l = labels(c)
            key = (l.get("market", "turbulent"), l["crash"])
            lines[key].append((float(l["relay_mean"]), float(c["bad_debt_mean_usdc"])))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (market, crash), points in sorted(lines.items()):
        points.sort()
        style = "-" if market == "turbulent" else ":"
        ax.plot([p[0] for p in points], [p[1] for p in points], style, marker="o",
                label=f"{market}, crash {float(crash):.0%}")
    ax.axvline(SEIZE_LATENCY, color="grey", linestyle="--", label="seize latency (600 s)")
    ax.set_xscale("log")
    ax.set_xlabel("mean relay delay per hop (s)")
    ax.set_ylabel("mean bad debt (USDC)")
    ax.set_title("Bad debt vs relay delay, by crash size")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "bad_debt_vs_delay.png", dpi=120)
    plt.close(fig)


def frontier(cells, out):
    grids = defaultdict(lambda: defaultdict(dict))
    for c in cells:
        if c["sweep"] == "delay":
            l = labels(c)
            market = l.get("market", "turbulent")
            grids[market][float(l["relay_mean"])][float(l["crash"])] = float(c["bad_debt_mean_usdc"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for market, grid in sorted(grids.items()):
        delays = sorted(grid)
        safe = []
        for d in delays:
            ok = [crash for crash, bad in grid[d].items() if bad == 0.0]
            safe.append(max(ok) if ok else 0.0)
        ax.step(delays, safe, where="mid", marker="o", label=f"{market} market")
        ax.fill_between(delays, safe, step="mid", alpha=0.15)
    ax.axvline(SEIZE_LATENCY, color="grey", linestyle="--", label="seize latency (600 s)")
    ax.set_xscale("log")
    ax.set_ylim(0, 0.6)
    ax.set_xlabel("mean relay delay per hop (s)")
    ax.set_ylabel("largest crash with zero bad debt (of 20/30/40/50%)")
    ax.set_title("Frontier where bad debt starts (shaded: no bad debt)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "frontier.png", dpi=120)
    plt.close(fig)


def haircut(cells, out):
    lines = defaultdict(list)
    for c in cells:
        if c["sweep"] == "haircut":
            l = labels(c)
            key = f"z={l['haircut_z']}, latency={l['seize_latency']} s"
            lines[key].append((float(l["haircut_base"]), float(c["bad_debt_mean_usdc"])))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, points in sorted(lines.items()):
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=key)
    ax.set_xlabel("haircut base")
    ax.set_ylabel("mean bad debt (USDC)")
    ax.set_title("Bad debt vs haircut (30% crash, turbulent, 300 s relays)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "haircut.png", dpi=120)
    plt.close(fig)


def cap_effect(dark, out):
    points = sorted((float(r["cap_share"]), float(r["max_dark_loss_usdc"])) for r in dark)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.bar([f"{s:.0%}" for s, _ in points], [loss for _, loss in points])
    ax.set_xlabel("per-source cap (share of all remote collateral)")
    ax.set_ylabel("largest extra unrecovered debt (USDC)")
    ax.set_title("One chain goes dark at the crash: loss vs per-source cap")
    fig.tight_layout()
    fig.savefig(out / "cap_effect.png", dpi=120)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    cells = read(out / "cells.csv")
    bad_debt_vs_delay(cells, out)
    frontier(cells, out)
    haircut(cells, out)
    dark = read(out / "dark.csv")
    if dark:
        cap_effect(dark, out)
    print(f"plots written to {out}")


if __name__ == "__main__":
    main()
