#!/usr/bin/env python3
"""Deploy Isthmus from one config file; idempotent (re-running skips what exists).

    python3 network/deploy.py --config network/config/local.toml [--verbose]

See docs/deploy.md.
"""

import argparse
import sys

if sys.version_info < (3, 11):
    sys.exit("needs Python 3.11 or newer (tomllib)")
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from isthmus_net import config as config_mod  # noqa: E402
from isthmus_net.deploy import deploy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, help="the deploy config (TOML)")
    ap.add_argument("--verbose", action="store_true", help="print every CLI command")
    args = ap.parse_args()
    try:
        cfg = config_mod.load(args.config)
    except (config_mod.ConfigError, OSError) as e:
        sys.exit(f"deploy: bad config {args.config}: {e}")
    deploy(cfg, args.verbose)


if __name__ == "__main__":
    main()
