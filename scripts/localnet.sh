#!/usr/bin/env bash
# A local network of real nodes for Isthmus: three single-validator wasmd v0.70.3 nodes (two
# source chains, one target chain), funded keys on every chain, and the Go relayer configured
# between them. Everything listens on 127.0.0.1 only.
#
#   scripts/localnet.sh start     build the binaries if missing, create the chains (fresh state
#                                 each time), start the nodes, configure the relayer
#   scripts/localnet.sh relay     start the relayer process (`rly start`) in the background
#   scripts/localnet.sh stop      stop every process this script started (pid files)
#   scripts/localnet.sh status    the nodes' heights and the relayer's state
#   scripts/localnet.sh env       print shell variables (binaries, homes, endpoints)
#
# Env: ISTHMUS_NET_DIR (state, default target/localnet), ISTHMUS_PORT_BASE (default 36000:
# chain i uses base + 100 i + {56 p2p, 57 rpc, 58 abci, 90 grpc}), ISTHMUS_BLOCK_MS (default
# 300: timeout_commit), ISTHMUS_CACHE (binaries, default ~/.cache/isthmus).
#
# Chains:   isthmus-a (source A, collateral denom uatom), isthmus-b (source B, uosmo),
#           isthmus-t (target, quote denom uusdc); fees and staking in `stake` on all three.
# Keys:     deployer alice bob carol keeper feeder lp relayer, in one test keyring
#           ($ISTHMUS_NET_DIR/keyring, backend `test`); the same key has the same `wasm1...`
#           address on every chain.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NET=${ISTHMUS_NET_DIR:-$ROOT/target/localnet}
PORT_BASE=${ISTHMUS_PORT_BASE:-36000}
BLOCK_MS=${ISTHMUS_BLOCK_MS:-300}
CHAINS=(isthmus-a isthmus-b isthmus-t)
DENOMS=(uatom uosmo uusdc)
KEYS=(deployer alice bob carol keeper feeder lp relayer)
KEYRING="$NET/keyring"
FUNDS=1000000000000 # 1,000,000 units of every denom (6 decimals) per key

port() { echo $((PORT_BASE + 100 * $1 + $2)); }
rpc() { echo "http://127.0.0.1:$(port "$1" 57)"; }
home() { echo "$NET/${CHAINS[$1]}"; }

bins() {
  local out
  out=$(bash "$ROOT/network/bins.sh") || exit 1
  WASMD=$(sed -n 1p <<<"$out")
  RLY=$(sed -n 2p <<<"$out")
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

height() {
  curl -s --max-time 2 "$(rpc "$1")/status" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["latest_block_height"])' 2>/dev/null
}

stop() {
  local stopped=0
  for pidfile in "$NET"/rly.pid "$NET"/*/node.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      stopped=$((stopped + 1))
    fi
    rm -f "$pidfile"
  done
  echo "localnet: stopped $stopped process(es)"
}

init_chain() {
  local i=$1 cid=${CHAINS[$1]} denom=${DENOMS[$1]} h
  h=$(home "$i")
  "$WASMD" init "val-$cid" --chain-id "$cid" --home "$h" --default-denom stake >/dev/null 2>&1
  "$WASMD" keys add val --keyring-backend test --home "$h" >/dev/null 2>&1
  "$WASMD" genesis add-genesis-account val "${FUNDS}stake" --keyring-backend test --home "$h"
  for k in "${KEYS[@]}"; do
    "$WASMD" genesis add-genesis-account "${ADDR[$k]}" "${FUNDS}stake,${FUNDS}${denom}" --home "$h"
  done
  "$WASMD" genesis gentx val 100000000000stake --chain-id "$cid" --keyring-backend test \
    --home "$h" >/dev/null 2>&1
  "$WASMD" genesis collect-gentxs --home "$h" >/dev/null 2>&1
  # Fast blocks, loopback only, distinct ports, no API/pprof/grpc-web listeners.
  python3 "$ROOT/network/nodecfg.py" "$h/config/config.toml" \
    ".proxy_app=\"tcp://127.0.0.1:$(port "$i" 58)\"" \
    "rpc.laddr=\"tcp://127.0.0.1:$(port "$i" 57)\"" \
    "rpc.pprof_laddr=\"\"" \
    "p2p.laddr=\"tcp://127.0.0.1:$(port "$i" 56)\"" \
    "p2p.pex=false" \
    "consensus.timeout_propose=\"1s\"" \
    "consensus.timeout_commit=\"${BLOCK_MS}ms\"" \
    "instrumentation.prometheus=false"
  python3 "$ROOT/network/nodecfg.py" "$h/config/app.toml" \
    "api.enable=false" \
    "api.address=\"tcp://127.0.0.1:$(port "$i" 17)\"" \
    "grpc.enable=true" \
    "grpc.address=\"127.0.0.1:$(port "$i" 90)\"" \
    "grpc-web.enable=false"
}

start() {
  bins
  if ls "$NET"/*/node.pid >/dev/null 2>&1 || [[ -f $NET/rly.pid ]]; then
    for f in "$NET"/rly.pid "$NET"/*/node.pid; do
      if alive "$f"; then echo "localnet: already running ($f); run stop first" >&2; exit 1; fi
    done
  fi
  local t0
  t0=$(date +%s)
  # Any failure from here on stops what was started.
  trap 'echo "localnet: start failed; stopping" >&2; stop' ERR
  rm -rf "$NET" && mkdir -p "$NET" "$KEYRING"
  declare -gA ADDR
  for k in "${KEYS[@]}"; do
    "$WASMD" keys add "$k" --keyring-backend test --keyring-dir "$KEYRING" --output json \
      >"$NET/key-$k.json" 2>&1
    ADDR[$k]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' "$NET/key-$k.json")
  done
  for i in 0 1 2; do init_chain "$i"; done
  for i in 0 1 2; do
    local h
    h=$(home "$i")
    "$WASMD" start --home "$h" --log_level warn >"$h/node.log" 2>&1 &
    echo $! >"$h/node.pid"
  done
  for i in 0 1 2; do
    local ok=
    for _ in $(seq 120); do
      local ht
      ht=$(height "$i" || true)
      if [[ -n $ht && $ht -ge 2 ]]; then ok=1; break; fi
      alive "$(home "$i")/node.pid" || break
      sleep 0.5
    done
    if [[ -z $ok ]]; then
      echo "localnet: ${CHAINS[$i]} did not produce blocks; last log lines:" >&2
      tail -20 "$(home "$i")/node.log" >&2
      stop
      exit 1
    fi
  done
  configure_relayer
  write_env
  trap - ERR
  echo "localnet: 3 chains up in $(($(date +%s) - t0)) s (state in $NET)"
  status
}

configure_relayer() {
  local rh="$NET/rly" mnemonic
  "$RLY" config init --home "$rh" >/dev/null
  mnemonic=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mnemonic"])' "$NET/key-relayer.json")
  for i in 0 1 2; do
    local cid=${CHAINS[$i]}
    cat >"$NET/rly-$cid.json" <<EOF
{"type": "cosmos", "value": {
  "key": "relayer", "chain-id": "$cid", "rpc-addr": "$(rpc "$i")",
  "account-prefix": "wasm", "keyring-backend": "test", "gas-adjustment": 1.5,
  "gas-prices": "0stake", "min-gas-amount": 0, "max-gas-amount": 0, "debug": false,
  "timeout": "20s", "block-timeout": "", "output-format": "json", "sign-mode": "direct",
  "extra-codecs": [], "coin-type": 118, "signing-algorithm": "", "broadcast-mode": "batch",
  "min-loop-duration": 100000000, "extension-options": [], "feegrants": null}}
EOF
    "$RLY" chains add --file "$NET/rly-$cid.json" "$cid" --home "$rh" >/dev/null
    "$RLY" keys restore "$cid" relayer "$mnemonic" --home "$rh" >/dev/null
  done
  "$RLY" paths new isthmus-a isthmus-t a-t --home "$rh" >/dev/null
  "$RLY" paths new isthmus-b isthmus-t b-t --home "$rh" >/dev/null
}

relay() {
  bins
  if alive "$NET/rly.pid"; then echo "localnet: relayer already running"; return; fi
  "$RLY" start a-t b-t --home "$NET/rly" --debug-addr "" >"$NET/rly.log" 2>&1 &
  echo $! >"$NET/rly.pid"
  echo "localnet: relayer started (pid $(cat "$NET/rly.pid"), log $NET/rly.log)"
}

write_env() {
  {
    echo "WASMD=$WASMD"
    echo "RLY=$RLY"
    echo "RLY_HOME=$NET/rly"
    echo "KEYRING=$KEYRING"
    for i in 0 1 2; do
      local v=${CHAINS[$i]//-/_}
      echo "${v^^}_HOME=$(home "$i")"
      echo "${v^^}_RPC=$(rpc "$i")"
      echo "${v^^}_GRPC=127.0.0.1:$(port "$i" 90)"
    done
  } >"$NET/env"
}

status() {
  for i in 0 1 2; do
    local ht state
    if alive "$(home "$i")/node.pid"; then
      ht=$(height "$i" || true); state="running (pid $(cat "$(home "$i")/node.pid"), height ${ht:-?})"
    else
      state="stopped"
    fi
    printf '  %-10s %-6s rpc %s  %s\n' "${CHAINS[$i]}" "${DENOMS[$i]}" "$(rpc "$i")" "$state"
  done
  if alive "$NET/rly.pid"; then echo "  relayer    running (pid $(cat "$NET/rly.pid"))"; else echo "  relayer    not running"; fi
}

case "${1:-}" in
  start) start ;;
  relay) relay ;;
  stop) stop ;;
  status) status ;;
  env) cat "$NET/env" ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
