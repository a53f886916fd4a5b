# The frame of a script that runs a story on a local network (scripts/demo_network.sh,
# scripts/bots_network.sh): phases with their times, a watchdog bounding the whole run, and an
# EXIT trap that stops every process the script started, whatever happens. Sourced, after
# `cd` to the repository, with NAME (for messages) and TIMEOUT (seconds) set.
#
#   phase "title"     print a phase header with the time so far
#   run cmd args...   run a phase's command in the background and wait for it, so that a TERM
#                     (the watchdog, Ctrl-C) is handled at once: the running phase is killed,
#                     then the EXIT trap stops the network
#   start_network     refuse to start over a running network in $ISTHMUS_NET_DIR, start one
#                     (scripts/localnet.sh start) and export its environment
started=$(date +%s)
phase() { printf '\n== %s (%d s)\n' "$*" $(($(date +%s) - started)); }

# The watchdog's own `sleep` is killed with it: the TERM trap inside the watchdog.
main=$$
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$TIMEOUT" & sleeper=$!
  wait "$sleeper"
  echo "$NAME: time limit of $TIMEOUT s reached; stopping" >&2
  kill -TERM "$main"
) &
watchdog=$!
net_started=
cleanup() {
  status=$?
  kill "$watchdog" 2>/dev/null || true
  # Only a network this script started is stopped (localnet.sh start refuses to start over a
  # running one, and cleans up after itself if it fails).
  [[ -z $net_started ]] || bash scripts/localnet.sh stop || true
  echo "$NAME: exit $status after $(($(date +%s) - started)) s"
  exit $status
}
trap cleanup EXIT
child=
run() { "$@" & child=$!; wait "$child"; child=; }
trap '[[ -z $child ]] || { pkill -TERM -P "$child" 2>/dev/null; kill "$child" 2>/dev/null; }; exit 143' TERM INT

for f in collateral_vault options_engine liquidation_controller options_lens cw20_base; do
  [[ -f artifacts/$f.wasm ]] || { echo "$NAME: missing artifacts/$f.wasm (scripts/build_wasm.sh, scripts/e2e.sh)" >&2; exit 1; }
done

start_network() {
  for f in "$ISTHMUS_NET_DIR"/rly.pid "$ISTHMUS_NET_DIR"/*/node.pid; do
    if [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "$NAME: a local network is already running in $ISTHMUS_NET_DIR (ISTHMUS_NET_DIR=$ISTHMUS_NET_DIR scripts/localnet.sh stop)" >&2
      exit 1
    fi
  done
  net_started=1 # from here on, whatever localnet.sh starts is stopped on exit
  run bash scripts/localnet.sh start
  set -a; source "$ISTHMUS_NET_DIR/env"; set +a
}
