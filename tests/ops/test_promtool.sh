#!/usr/bin/env bash
#  test_promtool.sh — the Prometheus textfile eod writes passes `promtool
#  check metrics` (Prometheus's own linter: names, HELP and TYPE lines,
#  counters, units): after a KR day, a closed day and a US day of a few codes
#  against the simulators, each writing the file anew. promtool comes with
#  Debian's prometheus package (launch/lib/setup.sh installs it): without it
#  the test fails.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-promtool.XXXXXX)
trap 'env_down; rm -rf "$TMP"' EXIT
PROMTOOL=$(command -v promtool || true)
if [ -z "$PROMTOOL" ]; then
    bad "promtool is not installed (apt-get install prometheus; launch/eod test installs it)"
    echo "$passed passed, $failed failed"
    exit 1
fi
sim_up "$TMP/env" --rate 200
set_key pipeline fetchers 2 kis rate 200 kis jitter_ms 10
sim_codes 3 "$TMP/kr.txt" >/dev/null
#  Three symbols of the simulator's US universe, whatever its JSON nests them in.
curl -s "$SIM/_sim/universe/us" | /usr/bin/python3 -c '
import json, re, sys
text = json.dumps(json.load(sys.stdin))
print("\n".join(sorted(set(re.findall(r"\"([A-Z]{2,5})\"", text)))[:3]))' >"$TMP/us.txt"
PROM=$ENV_DIR/state/metrics/eod.prom
run() {   # run WHAT ARGS...: a launch/eod run; checks the textfile after it
    local what=$1 rc=0; shift
    RUN_OUT=$ENV_DIR/$what.out
    EOD_LOG_DIR=$ENV_DIR/logs-$what EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" run "$@" --config "$CFG" \
        >"$RUN_OUT" 2>&1 || rc=$?
    check "$what: the run ends (exit $rc)" [ "$rc" = 0 ]
    local lint
    lint=$("$PROMTOOL" check metrics <"$PROM" 2>&1)
    check "$what: promtool check metrics passes $(grep -c '^eod_' "$PROM" 2>/dev/null) samples${lint:+: $lint}" \
        "$PROMTOOL" check metrics <"$PROM"
}
run "kr-day" --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
run "kr-closed" --market kr --date 2024-09-16
run "us-day" --market us --date 2024-08-30 --codes "$TMP/us.txt"
check "the file holds both markets" grep -q 'market="us"' "$PROM"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
