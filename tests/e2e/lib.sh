#  lib.sh — helpers of the end-to-end tests: a private simulator, a private
#  local S3 and a private config per test, on free loopback ports.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BIN=$BUILD/bin
export EOD_BUILD_DIR=$BUILD   #  the launcher runs the same build
#  The simulator stands in for KIS, the master-file host, Wikipedia and
#  Slack; it is not what the suites test (tests/sim/ does), so it runs from
#  the release build when tests/run_all.sh names one (EOD_SIM_BIN): a
#  sanitized simulator spends about as much CPU as the pipeline it serves.
SIM_BIN=${EOD_SIM_BIN:-$BIN/eod-sim}
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
#  RUN_OUT: the output of the run at hand (launch/eod run), whose last lines
#  a failure shows (a stage that died, one that had not ended, its exit code).
bad() {
    failed=$((failed + 1))
    echo "FAIL $*"
    if [ -n "${RUN_OUT:-}" ] && [ -r "$RUN_OUT" ]; then tail -n 12 "$RUN_OUT" | sed 's/^/  > /'; fi
}
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

#  s3c COMMAND ARGS...: tests/s3/s3c.py on this test's local S3 ($S3) with
#  s3rver's keys: reads back what the uploader stored (ls, get, head, rm,
#  mb, cp-r), signing its own requests, which the SigV4 verifier checks.
s3c() {
    AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 \
        /usr/bin/python3 "$ROOT/tests/s3/s3c.py" --endpoint "$S3" "$@"
}

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

#  The simulator of env_up and sim_up: eod-sim for the test of ENV_DIR, on a
#  port it picks itself (no other suite running at the same time can take it
#  meanwhile), its output in ENV_DIR/sim.out and ENV_DIR/sim.log; sets
#  SIM_PID, SIM_PORT and SIM once it listens (SIM_PORT empty, and a failed
#  check, if it did not start within 60 s). The simulator stands in for
#  servers that do not share this machine's CPUs: it runs ahead of the
#  pipeline (a higher priority, where that is allowed), so that the suites
#  running beside this one do not make it count requests late, in bursts,
#  against its 1-s windows.
SIM_NICE=-10
s_sim_start() {
    ENV_DIR=$1; shift
    ENV_DIRS="${ENV_DIRS:-} $ENV_DIR"
    RUN_OUT=""
    mkdir -p "$ENV_DIR"
    nice -n "$SIM_NICE" "$SIM_BIN" --port 0 "$@" >"$ENV_DIR/sim.out" 2>"$ENV_DIR/sim.log" &
    SIM_PID=$!
    SIM_PORT=""
    #  The simulator makes its data in a second or two; suites
    #  running beside this one can make that many times longer.
    for _ in $(seq 1 600); do
        SIM_PORT=$(sed -n 's/^eod-sim listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$ENV_DIR/sim.out" 2>/dev/null)
        [ -n "$SIM_PORT" ] && break
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$SIM_PORT" ] || bad "eod-sim did not start in $ENV_DIR (see $ENV_DIR/sim.log)"
    SIM=http://127.0.0.1:$SIM_PORT
}

#  The config of env_up and sim_up: config/demo.ini on the simulator and the
#  S3 at port $1, with the test's own data and state; sets CFG (mode 0600).
s_cfg_write() {
    CFG=$ENV_DIR/eod.ini
    sed -e "s#127.0.0.1:18080#127.0.0.1:$SIM_PORT#g" -e "s#127.0.0.1:18081#127.0.0.1:$1#g" \
        -e "s#^\[pipeline\]#[pipeline]\ndata_dir = $ENV_DIR/data\nstate_dir = $ENV_DIR/state#" \
        "$ROOT/config/demo.ini" >"$CFG"
    chmod 600 "$CFG"
}

#  env_up DIR [sim options...]: starts eod-sim and the local S3 for one test;
#  sets SIM_PORT SIM S3_PORT S3 CFG (a 0600 config) and registers clean-up.
env_up() {
    s_sim_start "$@"
    local out
    out=$(EOD_S3_LOG_DIR=$ENV_DIR "$ROOT/tests/s3/start.sh" "$ENV_DIR/s3data" 0 0)
    eval "$out"
    S3_PORT=$VERIFY_PORT
    S3=http://127.0.0.1:$S3_PORT
    s_cfg_write "$S3_PORT"
    ENV_PIDS="$SIM_PID $S3RVER_PID $VERIFY_PID"
}

#  sim_up DIR [sim options...]: env_up without S3, for a test whose runs
#  need none ([s3] enabled = false): quicker, as no local S3 starts.
sim_up() {
    s_sim_start "$@"
    s_cfg_write 18081
    set_key s3 enabled false
    ENV_PIDS=$SIM_PID
}

env_down() {
    for p in $ENV_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $ENV_PIDS; do wait "$p" 2>/dev/null || true; done
    ENV_PIDS=""
}

#  sim_at INSTANT [OPTIONS...]: the simulator again on its port, its clock at INSTANT
#  (EOD_NOW), 1000 requests a second, after env_up.
sim_at() {
    local instant=$1; shift
    kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null
    EOD_NOW=$instant "$SIM_BIN" --port "$SIM_PORT" --rate 1000 "$@" >"$ENV_DIR/sim.out" 2>>"$ENV_DIR/sim.log" &
    SIM_PID=$!
    ENV_PIDS="$SIM_PID $S3RVER_PID $VERIFY_PID"
    for _ in $(seq 1 100); do grep -q listening "$ENV_DIR/sim.out" 2>/dev/null && break; sleep 0.1; done
}

#  set_key SECTION KEY VALUE [SECTION KEY VALUE...]: sets keys of $CFG (each
#  added under its section when absent), in one go.
set_key() {
    /usr/bin/python3 - "$CFG" "$@" <<'PY'
import re, sys
path, args = sys.argv[1], sys.argv[2:]
lines = open(path).read().split("\n")
for section, key, value in zip(args[0::3], args[1::3], args[2::3]):
    out, cur, done = [], None, False
    for line in lines:
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            if cur and cur.lower() == section.lower() and not done:
                out.append(f"{key} = {value}"); done = True
            cur = m.group(1)
        elif cur and cur.lower() == section.lower() and re.match(rf"\s*{re.escape(key)}\s*=", line):
            line = f"{key} = {value}"; done = True
        out.append(line)
    if not done:
        if cur and cur.lower() == section.lower():
            out.append(f"{key} = {value}")
        else:
            out += [f"[{section}]", f"{key} = {value}"]
    lines = out
open(path, "w").write("\n".join(lines) + "\n")
PY
}

#  sim_codes N FILE: the first N codes of the simulator's KR universe (all of
#  them when N is 0) to FILE, one a line, for --codes; prints how many.
sim_codes() {
    curl -s "$SIM/_sim/universe/kr" | /usr/bin/python3 -c '
import json, sys
u = json.load(sys.stdin)
n = int(sys.argv[1])
codes = u["kospi"] + u["kosdaq"]
codes = codes[:n] if n else codes
open(sys.argv[2], "w").write("".join(c + "\n" for c in codes))
print(len(codes))' "$1" "$2"
}

#  sim_requests: the daily-price requests the simulator has served.
sim_requests() {
    curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c '
import json, sys
print(sum(json.load(sys.stdin)["requests"].get("itemchartprice", {}).values()))' 2>/dev/null || echo 0
}

#  in_background NAME FUNCTION: runs FUNCTION, a part of the suite in an
#  environment of its own (env_up ... env_down), beside the rest of the
#  suite; what it prints waits in a file for join_background.
BG_PARTS=()
in_background() {
    local name=$1 out; shift
    out=$(mktemp "/tmp/eod-part-$name.XXXXXX")
    ( trap env_down EXIT; passed=0 failed=0; "$@"; echo "part-counts $passed $failed" ) >"$out" 2>&1 &
    BG_PARTS+=("$!:$out")
}

#  join_background: waits for the parts in_background started, prints what
#  each printed and adds its checks to the suite's.
join_background() {
    local part pid out p f
    for part in "${BG_PARTS[@]+"${BG_PARTS[@]}"}"; do
        pid=${part%%:*} out=${part#*:} p="" f=""
        wait "$pid"
        grep -v '^part-counts ' "$out"
        read -r _ p f < <(grep '^part-counts ' "$out" | tail -n1)
        if [ -n "$p" ]; then passed=$((passed + p)) failed=$((failed + f))
        else bad "a part run in the background ended before its last check ($out)"; fi
        rm -f "$out"
    done
    BG_PARTS=()
}

#  The long variants of the suites that have one (launch/eod test --full).
TEST_FULL=${EOD_TEST_FULL:-0}

#  Ends a suite: no stage of any of its environments sent or took a message
#  the message table does not list for it (a suite that sends such messages
#  on purpose sets UNLISTED_EXPECTED=1), then "N passed, N failed".
summary() {
    if [ -z "${UNLISTED_EXPECTED:-}" ] && [ -n "${ENV_DIRS:-}" ]; then
        local where
        where=$(grep -rls "the message table does not list it" $ENV_DIRS 2>/dev/null | head -n 3)
        check "every message of every stage was one the table lists for it${where:+ (not in: $where)}" [ -z "$where" ]
    fi
    echo "$(basename "$0"): $passed passed, $failed failed"
    [ "$failed" = 0 ]
}
