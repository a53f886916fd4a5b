#!/usr/bin/env python3
"""Runs the Isthmus story on a deployed network through a running relayer and checks it.

    python3 network/demo.py --config network/config/local.toml --relayer-log target/localnet/rly.log

Exit status 1 (with the first wrong number) if any balance or state differs from the story.
"""

import argparse
import json
import sys
import time
from pathlib import Path

if sys.version_info < (3, 11):
    sys.exit("needs Python 3.11 or newer (tomllib)")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from isthmus_net import config as config_mod  # noqa: E402
from isthmus_net.chain import TxError  # noqa: E402
from isthmus_net.story import Story, StoryError  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--relayer-log", required=True, help="the log of `rly start` (packets relayed are counted from it)")
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for each relayed step")
    args = ap.parse_args()
    cfg = config_mod.load(args.config)
    state = json.loads(cfg.state_file.read_text())
    t0 = time.time()
    try:
        Story(cfg, state, Path(args.relayer_log), args.timeout).run()
    except (StoryError, TxError) as e:
        print(f"\nstory FAILED after {time.time() - t0:.0f} s: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"story: every check passed in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
