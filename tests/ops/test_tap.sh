#!/usr/bin/env bash
#  test_tap.sh — the operator tools eod-tap and eod-status against trace PUB
#  sockets on ipc:// in a temp state dir: the test publisher eod-pub (a STATS
#  message and a frame that does not decode), a real coordinator and notifier in
#  service mode, and nothing at all. Ends with "N passed, N failed".
set -uo pipefail
#  check, ok, bad, sim_up and BUILD (default ROOT/build) of the e2e helpers.
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
PUB=$BUILD/tests/tools/eod-pub

for p in "$BIN/eod-tap" "$BIN/eod-status" "$BIN/eod-coordinator" "$BIN/eod-notifier" "$PUB"; do
    if [ ! -x "$p" ]; then echo "FAIL $p is not built"; echo "test_tap.sh: 0 passed, 1 failed"; exit 1; fi
done

DIR=$(mktemp -d /tmp/eod-tap.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$DIR"
}
trap cleanup EXIT
STATE=$DIR/state
SOCK=$STATE/sock
mkdir -p "$SOCK"
chmod 700 "$STATE"
#  A private simulator for KIS: the coordinator gets its token and idles.
sim_up "$DIR"
PIDS="${PIDS:-} $SIM_PID"
KIS_PORT=$SIM_PORT
CFG=$DIR/eod.ini
sed -e "s#^\[pipeline\]#[pipeline]\ndata_dir = $DIR/data\nstate_dir = $STATE#" \
    -e "s#http://127.0.0.1:18080#http://127.0.0.1:$KIS_PORT#g" "$ROOT/config/demo.ini" >"$CFG"
chmod 600 "$CFG"

#  json_get FILE EXPR: evaluates a Python expression over the JSON in FILE
#  (j: the object; for a file of lines, lines: the list of objects).
json_get() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
lines = [json.loads(l) for l in text.splitlines() if l.strip()]
j = lines[0] if lines else None
print(eval(sys.argv[2]))
PY
}

#  ---------------------------------------------------------------- usage
"$BIN/eod-tap" --help >"$DIR/help" 2>&1; rc=$?
check "eod-tap --help exits 0 and documents the line format" \
    test "$rc" = 0 -a -n "$(grep -e '"endpoint"' "$DIR/help")"
"$BIN/eod-status" --help >"$DIR/help" 2>&1; rc=$?
check "eod-status --help exits 0 and documents exit code 3" test "$rc" = 0 -a -n "$(grep -e '^3 ' "$DIR/help")"
v=$("$BIN/eod-tap" --version); rc=$?
check "eod-tap --version exits 0 ($v)" test "$rc" = 0 -a -n "$(echo "$v" | grep -E '^eod-tap [0-9]')"
v=$("$BIN/eod-status" --version); rc=$?
check "eod-status --version exits 0 ($v)" test "$rc" = 0 -a -n "$(echo "$v" | grep -E '^eod-status [0-9]')"
usage() {
    local prog=$1; shift
    "$BIN/$prog" "$@" >"$DIR/out" 2>"$DIR/err"
    local rc=$?
    check "$prog $* exits 2 with one line on stderr ($(head -c 80 "$DIR/err"))" \
        test "$rc" = 2 -a "$(wc -l <"$DIR/err")" = 1 -a ! -s "$DIR/out"
}
usage eod-tap --count
usage eod-tap --count 0
usage eod-tap --count 12x
usage eod-tap --timeout-ms -5
usage eod-tap --stage nosuch
usage eod-tap --bogus
usage eod-tap not-an-endpoint
usage eod-tap bogus://x
usage eod-tap --config "$DIR/missing.ini"
usage eod-status --timeout-ms abc
usage eod-status --timeout-ms
usage eod-status --bogus
usage eod-status --config "$DIR/missing.ini"

#  ---------------------------------------------------------------- nothing up
start=$SECONDS
"$BIN/eod-status" --config "$CFG" --json >"$DIR/status.json" 2>"$DIR/status.err"; rc=$?
check "eod-status with nothing running exits 3 at once" test "$rc" = 3 -a $((SECONDS - start)) -le 1
check "eod-status --json: every stage down, no socket file" \
    test "$(json_get "$DIR/status.json" '[s["up"] for s in j["stages"]].count(False), j["stages"][2]["why"]')" \
    = "(7, 'no socket file')"
check "eod-status --json: coordinator down, stats null" \
    test "$(json_get "$DIR/status.json" 'j["coordinator"], j["stats"]')" = "({'up': False, 'answered': False}, None)"
"$BIN/eod-status" --config "$CFG" >"$DIR/status.txt" 2>&1; rc=$?
check "eod-status table says the coordinator is down (exit 3)" \
    test "$rc" = 3 -a -n "$(grep -E '^coordinator +down' "$DIR/status.txt")"
"$BIN/eod-tap" --config "$CFG" --timeout-ms 300 >"$DIR/tap.out" 2>"$DIR/tap.err"; rc=$?
check "eod-tap --timeout-ms with nothing running exits 1, prints nothing" test "$rc" = 1 -a ! -s "$DIR/tap.out"

#  ---------------------------------------------------------------- a stats publisher
"$PUB" --endpoint "ipc://$SOCK/trace-coordinator" --garbage >"$DIR/pub.out" 2>&1 &
PUB_PID=$!
PIDS="$PIDS $PUB_PID"
for _ in $(seq 1 50); do grep -q bound "$DIR/pub.out" 2>/dev/null && break; sleep 0.1; done
timeout 10 "$BIN/eod-tap" --config "$CFG" --stage coordinator --count 6 --timeout-ms 3000 >"$DIR/tap.out" \
    2>"$DIR/tap.err"; rc=$?
check "eod-tap --count 6 exits 0 with 6 lines" test "$rc" = 0 -a "$(wc -l <"$DIR/tap.out")" = 6
json_get "$DIR/tap.out" "len(lines)" >/dev/null 2>&1
check "eod-tap: every line is one JSON object" test $? = 0
check "eod-tap prints the STATS with its endpoint" \
    test "$(json_get "$DIR/tap.out" \
        '[(l["endpoint"], l["t"], l["stage"], l["fields"]["done"]) for l in lines if "t" in l][0]')" \
        = "('ipc://$SOCK/trace-coordinator', 'STATS', 'coordinator', '40')"
check "eod-tap reports the garbage frame as an error line with its size" \
    test "$(json_get "$DIR/tap.out" '[(l["bytes"], "version" in l["error"]) for l in lines if "error" in l][0]')" \
        = "(10, True)"
grep -q '"t":"STATS"' "$DIR/tap.out"
check "eod-tap output holds \"t\":\"STATS\" verbatim" test $? = 0
timeout 10 "$BIN/eod-tap" --count 2 --timeout-ms 3000 "ipc://$SOCK/trace-coordinator" >"$DIR/tap2.out" 2>&1; rc=$?
check "eod-tap ENDPOINT (no config) reads the same publisher" \
    test "$rc" = 0 -a "$(grep -c '"endpoint":"ipc://' "$DIR/tap2.out")" = 2
timeout 10 "$BIN/eod-tap" --config "$CFG" --count 2 --timeout-ms 3000 >"$DIR/tap3.out" 2>&1; rc=$?
check "eod-tap with no stage reads all seven trace endpoints" test "$rc" = 0 -a "$(wc -l <"$DIR/tap3.out")" = 2

"$BIN/eod-status" --config "$CFG" --json >"$DIR/status.json" 2>"$DIR/status.err"; rc=$?
check "eod-status exits 0 when the coordinator answers" test "$rc" = 0
check "eod-status --json: coordinator up and answered" \
    test "$(json_get "$DIR/status.json" 'j["coordinator"]')" = "{'up': True, 'answered': True}"
check "eod-status --json: done/tasks, budget use from the stats" \
    test "$(json_get "$DIR/status.json" \
        '(j["stats"]["done"], j["stats"]["tasks"], j["stats"]["budget_use_pct"], j["stats"]["run_id"])')" \
        = "(40, 100, 90, '20240902-kr-daily')"
"$BIN/eod-status" --config "$CFG" >"$DIR/status.txt" 2>&1; rc=$?
check "eod-status table: done 40/100, requests/s of budget, ETA" \
    test "$rc" = 0 -a -n "$(grep -E 'done +40/100 \(40%\)' "$DIR/status.txt")" \
    -a -n "$(grep -E 'requests/s +18 of 20 \(budget use 90%\)' "$DIR/status.txt")" \
    -a -n "$(grep -E 'ETA +1h02m05s' "$DIR/status.txt")"
kill "$PUB_PID"; wait "$PUB_PID" 2>/dev/null

#  A message of two frames (a trace message is one frame).
"$PUB" --endpoint "ipc://$SOCK/trace-coordinator" --multipart >"$DIR/pub.out" 2>&1 &
PUB_PID=$!
PIDS="$PIDS $PUB_PID"
for _ in $(seq 1 50); do grep -q bound "$DIR/pub.out" 2>/dev/null && break; sleep 0.1; done
timeout 10 "$BIN/eod-tap" --count 4 --timeout-ms 3000 "ipc://$SOCK/trace-coordinator" >"$DIR/tap.out" 2>&1; rc=$?
check "eod-tap reports a two-frame message as an error line" \
    test "$rc" = 0 -a "$(json_get "$DIR/tap.out" '[l["error"] for l in lines if "error" in l][0]')" \
    = "2 frames (a trace message is one frame)"
kill "$PUB_PID"; wait "$PUB_PID" 2>/dev/null

#  An older coordinator: fields missing, one not a number.
"$PUB" --endpoint "ipc://$SOCK/trace-coordinator" --drop eta_s --drop budget --drop run_id \
    --field "done=lots" >"$DIR/pub.out" 2>&1 &
PUB_PID=$!
PIDS="$PIDS $PUB_PID"
for _ in $(seq 1 50); do grep -q bound "$DIR/pub.out" 2>/dev/null && break; sleep 0.1; done
"$BIN/eod-status" --config "$CFG" >"$DIR/status.txt" 2>&1; rc=$?
check "eod-status table prints '-' for absent fields" \
    test "$rc" = 0 -a -n "$(grep -E '^  ETA +-$' "$DIR/status.txt")" -a -n "$(grep -E '^  run +-$' "$DIR/status.txt")" \
    -a -n "$(grep -E 'requests/s +18 of - \(budget use -\)' "$DIR/status.txt")"
"$BIN/eod-status" --config "$CFG" --json >"$DIR/status.json" 2>&1; rc=$?
check "eod-status --json: absent fields null, a non-number as its text" \
    test "$(json_get "$DIR/status.json" \
        '(j["stats"]["eta_s"], j["stats"]["run_id"], j["stats"]["budget_use_pct"], j["stats"]["done"])')" \
        = "(None, None, None, 'lots')"
kill "$PUB_PID"; wait "$PUB_PID" 2>/dev/null

#  A socket file nobody listens on any more (a stage that died).
"$BIN/eod-status" --config "$CFG" --json >"$DIR/status.json" 2>&1; rc=$?
check "eod-status: a stale socket file is down, exit 3" \
    test "$rc" = 3 -a "$(json_get "$DIR/status.json" 'j["stages"][2]["up"]')" = False

#  ---------------------------------------------------------------- signals
#  The signal goes once eod-tap has its own handlers (/proc/PID/status
#  SigCgt: SIGINT is bit 1, SIGTERM bit 14); a signal before that would test
#  the shell's defaults (a background job ignores SIGINT). A tap that does
#  not end within 10 s is killed and fails.
catches() {
    local mask
    mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && (( (16#$mask >> 1) & (16#$mask >> 14) & 1 ))
}
for sig in TERM INT; do
    "$BIN/eod-tap" --config "$CFG" >"$DIR/tap.out" 2>&1 &
    TAP_PID=$!
    for _ in $(seq 1 100); do catches "$TAP_PID" && break; sleep 0.1; done
    kill -"$sig" "$TAP_PID"
    for _ in $(seq 1 100); do kill -0 "$TAP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$TAP_PID" 2>/dev/null && kill -KILL "$TAP_PID"
    rc=0
    wait "$TAP_PID" || rc=$?
    check "eod-tap exits 0 on SIG$sig (got $rc)" test "$rc" = 0
done

#  ---------------------------------------------------------------- real stages
"$BIN/eod-coordinator" --config "$CFG" >"$DIR/coordinator.log" 2>&1 &
COORD_PID=$!
"$BIN/eod-notifier" --config "$CFG" >"$DIR/notifier.log" 2>&1 &
NOTIF_PID=$!
PIDS="$PIDS $COORD_PID $NOTIF_PID"
for _ in $(seq 1 50); do [ -S "$SOCK/trace-coordinator" ] && [ -S "$SOCK/trace-notifier" ] && break; sleep 0.1; done
"$BIN/eod-status" --config "$CFG" --json --timeout-ms 2500 >"$DIR/status.json" 2>&1; rc=$?
check "eod-status: a real coordinator and notifier are up, the others down" \
    test "$(json_get "$DIR/status.json" '[s["stage"] for s in j["stages"] if s["up"]]')" = "['coordinator', 'notifier']"
check "eod-status: the real coordinator answers between runs (exit 0)" test "$rc" = 0
check "eod-status --json: fetchers, keys and budget are numbers; no run, so done and tasks are null" \
    test "$(json_get "$DIR/status.json" '[type(j["stats"][k]).__name__ for k in ("fetchers", "keys", "budget", "done", "tasks")]')" \
    = "['int', 'int', 'int', 'NoneType', 'NoneType']"
timeout 10 "$BIN/eod-tap" --config "$CFG" --stage coordinator --count 1 --timeout-ms 3000 >"$DIR/tap.out" 2>&1
check "eod-tap: the real coordinator's STATS" \
    test "$(json_get "$DIR/tap.out" 'j["t"], j["stage"], j["fields"]["keys"]')" = "('STATS', 'coordinator', '1')"

echo "test_tap.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
