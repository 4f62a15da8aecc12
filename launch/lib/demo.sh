# shellcheck shell=bash
#  demo.sh — `launch/eod demo`: the simulators and the local S3 on the demo
#  ports (config/demo.ini), a KR day at the real 20 requests/s and a US day,
#  each checked against the simulators (tests/e2e/check_run.sh). Sourced by
#  launch/eod.

DEMO_SIM_PORT=18080          #  the ports config/demo.ini names
DEMO_S3_PORT=18081
DEMO_S3_BACKING_PORT=18082   #  s3rver behind the SigV4 verifier

#  The simulators and the local S3; their pids go to DIR.
start_services() {
    local dir=$1
    mkdir -p "$dir"
    # shellcheck disable=SC2086   # EOD_SIM_ARGS: options, one a word
    "$BIN/eod-sim" --port "$DEMO_SIM_PORT" ${EOD_SIM_ARGS:-} >"$dir/sim.out" 2>"$dir/sim.log" &
    echo $! >"$dir/sim.pid"
    for _ in $(seq 1 100); do grep -q listening "$dir/sim.out" 2>/dev/null && break; sleep 0.1; done
    grep -q listening "$dir/sim.out" || { cat "$dir/sim.log" >&2; die "the simulator did not start"; }
    local out
    out=$(EOD_S3_LOG_DIR=$dir "$ROOT/tests/s3/start.sh" "$dir/s3data" "$DEMO_S3_BACKING_PORT" "$DEMO_S3_PORT")
    eval "$out"
    echo "$S3RVER_PID" >"$dir/s3rver.pid"
    echo "$VERIFY_PID" >"$dir/verify.pid"
}

stop_services() {
    local dir=$1 f
    for f in sim s3rver verify; do
        [ -f "$dir/$f.pid" ] && kill "$(cat "$dir/$f.pid")" 2>/dev/null || true
        rm -f "$dir/$f.pid"
    done
}

cmd_demo() {
    build
    local dir=$ROOT/state/demo
    stop_services "$dir"
    #  A clean slate for the demo's two runs: run ids are deterministic, so a
    #  finished run's ledger would make the coordinator ask for nothing again.
    rm -rf "$dir" "$ROOT/state/writer" "$ROOT/state/coordinator" "$ROOT/state/uploader" \
        "$ROOT/data/market=kr/dt=2024-09-02" "$ROOT/data/market=us/dt=2024-08-30"
    start_services "$dir"
    trap 'stop_services "'"$dir"'"' EXIT
    local rc=0 sim=http://127.0.0.1:$DEMO_SIM_PORT s3=http://127.0.0.1:$DEMO_S3_PORT
    #  KR at the real 20 requests/s, then US; the pinned sessions are in config/demo.ini.
    cmd_run --market kr --config "$ROOT/config/demo.ini" || rc=$?
    cmd_run --market us --config "$ROOT/config/demo.ini" || rc=$?
    say "checking the demo's results against the simulators"
    "$ROOT/tests/e2e/check_run.sh" --market kr --sim "$sim" --s3 "$s3" --data "$ROOT/data" --date 2024-09-02 || rc=$?
    "$ROOT/tests/e2e/check_run.sh" --market us --sim "$sim" --s3 "$s3" --data "$ROOT/data" --date 2024-08-30 \
        --tokens 1 || rc=$?
    return "$rc"
}
