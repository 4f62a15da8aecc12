#!/usr/bin/env bash
#  test_supervise.sh — the launcher's supervisor (launch/lib/supervise.sh)
#  and its restart policy (launch/lib/policy.sh), driven through `launch/eod
#  run` and `launch/eod service` with stand-in stages: each eod-NAME of a
#  made-up build directory is a script that records how it was started and
#  then does what its plan says (exit with a code, die by a signal, hang until
#  it is stopped). No sockets, no simulators: seconds. Checks the restarts of
#  each mode (which endings, how many, with which arguments and EOD_RESTARTED),
#  the messages other tests and people read, and the launcher's exit codes.
#  Ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; [ -n "${OUT:-}" ] && sed 's/^/  > /' "$OUT" | tail -n 8; fi; }

TMP=$(mktemp -d /tmp/eod-supervise.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export FAKE=$TMP/fake EOD_BUILD_DIR=$TMP/build
mkdir -p "$EOD_BUILD_DIR/bin"
#  The stand-in: line N of FAKE/NAME.plan is what its Nth start does (the
#  last line goes on); each start appends "EOD_RESTARTED|ARGS" (quoted) to
#  FAKE/NAME.starts and leaves the file FAKE/NAME.N. SIGTERM ends it with 0,
#  as a stage whose run settled. A plan may wait for other stages' starts
#  ("after writer.2 coordinator.1": those started, and a moment for the
#  launcher to see what they did), so that the order of events does not
#  depend on how busy the machine is.
cat >"$EOD_BUILD_DIR/bin/stand-in" <<'EOF'
#!/usr/bin/env bash
prog=$(basename "$0"); prog=${prog#eod-}
for a in "$@"; do [ "$a" = --check-config ] && exit 0; done
n=$(( $(cat "$FAKE/$prog.starts" 2>/dev/null | wc -l) + 1 ))
printf '%s|%s\n' "${EOD_RESTARTED:-}" "$(printf '%q ' "$@")" >>"$FAKE/$prog.starts"
: >"$FAKE/$prog.$n"
plan=$(sed -n "${n}p" "$FAKE/$prog.plan" 2>/dev/null)
[ -n "$plan" ] || plan=$(tail -n1 "$FAKE/$prog.plan" 2>/dev/null)
trap 'kill $! 2>/dev/null; exit 0' TERM
hang() { sleep 60 & wait $!; }
crash() { kill -"${1:-9}" $$; }
after() {
    local m
    for m in "$@"; do
        for _ in $(seq 1 300); do [ -e "$FAKE/$m" ] && break; sleep 0.1; done
    done
    sleep 0.5
}
eval "${plan:-exit 0}"
EOF
chmod +x "$EOD_BUILD_DIR/bin/stand-in"
for s in calendar lister coordinator fetcher writer uploader notifier; do
    ln -s stand-in "$EOD_BUILD_DIR/bin/eod-$s"
done
CFG=$TMP/eod.ini
printf '[pipeline]\nfetchers = 1\n' >"$CFG"
chmod 600 "$CFG"

#  plan NAME LINE...: a fresh plan for the stage, its record emptied.
plan() { local s=$1; shift; printf '%s\n' "$@" >"$FAKE/$s.plan"; : >"$FAKE/$s.starts"; }
#  scenario NAME: every stage ends at once (the notifier once the others have
#  started) unless planned otherwise below.
scenario() {
    rm -rf "$FAKE"; mkdir -p "$FAKE"
    local s
    for s in calendar lister coordinator fetcher writer uploader; do plan "$s" "exit 0"; done
    plan notifier "after calendar.1 lister.1 coordinator.1 writer.1 uploader.1 fetcher.1; exit 0"
    LOGS=$TMP/logs-$1 OUT=$TMP/$1.out
}
run() {   # run [launch/eod run options]: sets RC
    RC=0
    EOD_LOG_DIR=$LOGS timeout 60 "$ROOT/launch/eod" run --market kr --config "$CFG" "$@" >"$OUT" 2>&1 || RC=$?
}
starts() { grep -c . "$FAKE/$1.starts"; }
has() { grep -qE -- "$2" "$1"; }

echo "# run: every stage ends on its own"
scenario complete
run
check "exit 0 (got $RC)" [ "$RC" = 0 ]
check "the launcher says the run is complete" has "$OUT" "^eod: run kr: complete$"
check "every stage ran once with --once and the config" \
    bash -c "[ \"\$(cat '$FAKE'/*.starts | grep -c -- '^|--once --config ')\" = 7 ]"
check "the calendar gate got the market" grep -qxF "|--once --config $CFG --market kr " "$FAKE/calendar.starts"
check "nothing restarted" test ! -s "$LOGS/restarts.log"

echo "# run: stages killed by a signal are restarted, the coordinator with --resume"
scenario crash
plan writer "crash 9" "crash 9" "exit 0"
plan coordinator "crash 11" "exit 0"
plan fetcher "crash 9" "exit 0"
plan notifier "after writer.3 coordinator.2 fetcher.2; exit 0"
run
check "exit 0 (got $RC)" [ "$RC" = 0 ]
check "the writer started three times" [ "$(starts writer)" = 3 ]
check "restarts.log: the writer died by signal 9, twice" [ "$(grep -c "^eod: writer died (signal 9): restarted$" "$LOGS/restarts.log")" = 2 ]
check "the launcher said which restart it was" has "$OUT" "^eod: writer died \(signal 9\): restarting it \(2 of 3\)$"
check "the restarted writer was told why (EOD_RESTARTED)" has "$FAKE/writer.starts" "^signal 9\|--once --config"
check "the coordinator was restarted with --resume, and nothing else added" \
    grep -qxF "signal 11|--once --config $CFG --resume " "$FAKE/coordinator.starts"
check "the fetcher was restarted with its arguments alone" grep -qxF "signal 9|--once --config $CFG " "$FAKE/fetcher.starts"
check "fetcher-1 was restarted" has "$LOGS/restarts.log" "^eod: fetcher-1 died \(signal 9\): restarted$"
check "the run lists the restarts" has "$OUT" "^eod: coordinator died \(signal 11\): restarted$"

echo "# run: EOD_RESTARTS bounds the restarts; a crash left alone is an internal error"
scenario limit
plan coordinator "crash 9"
plan notifier "after coordinator.2; exit 0"
EOD_RESTARTS=1 run
check "exit 4 (got $RC)" [ "$RC" = 4 ]
check "the coordinator started twice" [ "$(starts coordinator)" = 2 ]
check "its second death ends the chain" has "$OUT" "^eod: coordinator exited with 137$"
check "the launcher reports an internal error" has "$OUT" "^eod: run kr: internal error"

echo "# run: the calendar gate and the lister are not restarted (they would start the run over)"
scenario lister
plan lister "crash 9"
run
check "exit 4, not the shell's 137 (got $RC)" [ "$RC" = 4 ]
check "the lister started once" [ "$(starts lister)" = 1 ]
check "nothing restarted" test ! -s "$LOGS/restarts.log"

echo "# run: the stages' exit codes become the launcher's"
for c in 1 3; do
    scenario "code$c"
    plan notifier "after calendar.1 lister.1 coordinator.1 writer.1 uploader.1 fetcher.1; exit $c"
    run
    check "the notifier's exit $c is the run's (got $RC)" [ "$RC" = "$c" ]
done
check "exit 3 says retry later" has "$OUT" "^eod: run kr: an outside service was unreachable; retry later"
scenario partial
plan uploader "exit 1"
run
check "an uploader's exit 1 makes the run partial (got $RC)" [ "$RC" = 1 ]
check "partial is named" has "$OUT" "^eod: run kr: partial"
check "and the stage that ended partial" has "$OUT" "^eod: uploader exited with 1$"
scenario config
plan coordinator "exit 2"
plan notifier "hang"
run
check "a coordinator's exit 2 ends the run with 2 (got $RC)" [ "$RC" = 2 ]
check "the launcher names the stage" has "$OUT" "^eod: coordinator exited with 2$"
check "and stops a run that did not end" has "$OUT" "^eod: the run did not end after a stage failed: stopping it$"
check "it names the notifier it stopped" has "$OUT" "^eod: notifier had not ended: stopped it \(exit 0\)$"

echo "# run: stages that outlive the notifier are stopped after the grace and named"
scenario linger
plan writer "hang"
plan fetcher "hang"
run
check "exit 0 (got $RC)" [ "$RC" = 0 ]
check "the writer is named" has "$OUT" "^eod: writer had not ended: stopped it \(exit 0\)$"
check "a one-shot fetcher is not named" bash -c "! grep -q 'fetcher-1 had not ended' '$OUT'"

echo "# run: a run that times out"
scenario timeout
plan notifier "hang"
EOD_RUN_TIMEOUT=1 run
check "exit 4 (got $RC)" [ "$RC" = 4 ]
check "the launcher says so" has "$OUT" "^eod: run timed out$"

#  service: the stages long-lived, restarted after EOD_SERVICE_RESTART_S.
service() {   # service: in the background; sets SVC
    EOD_LOG_DIR=$LOGS EOD_SERVICE_RESTART_S=${DELAY:-1} "$ROOT/launch/eod" service --config "$CFG" >"$OUT" 2>&1 &
    SVC=$!
}
service_rc() {   # sets RC: the service's exit code once it ended (at most 30 s)
    RC=0
    for _ in $(seq 1 300); do kill -0 "$SVC" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SVC" 2>/dev/null && { kill "$SVC"; RC=timeout; return; }
    wait "$SVC" || RC=$?
}
#  True when no stand-in runs (the bracket keeps pgrep from finding itself).
none_left() { ! pgrep -f "$EOD_BUILD_DIR/bin/[e]od-" >/dev/null; }
wait_for() {   # wait_for FILE PATTERN: at most 30 s
    for _ in $(seq 1 300); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

echo "# service: a failed or crashed stage is started again after the delay; a stopped one is not"
scenario service
for s in calendar lister coordinator fetcher writer uploader notifier; do plan "$s" "hang"; done
plan writer "exit 1" "hang"
plan uploader "crash 9" "hang"
plan coordinator "exit 0"
plan notifier "after writer.2 uploader.2 coordinator.1; exit 2"
service
check "the writer's exit 1 gets a restart in 1 s" wait_for "$OUT" "^eod: service: writer exited with 1: starting it again in 1 s$"
check "the uploader's crash gets one" wait_for "$OUT" "^eod: service: uploader died \(signal 9\): starting it again in 1 s$"
check "a coordinator that exits 0 was stopped on purpose: not started again" \
    wait_for "$OUT" "^eod: service: coordinator exited with 0: it was stopped, not starting it again$"
check "the restarted writer was told why" wait_for "$FAKE/writer.starts" "^exit 1\|--config "
check "service mode: no --once" bash -c "! grep -q -- --once '$FAKE'/*.starts"
service_rc
check "the notifier's exit 2 stops the service with 2 (got $RC)" [ "$RC" = 2 ]
check "the launcher says why" has "$OUT" "^eod: service: notifier exited with a usage or config error \(see .*/notifier.log\): stopping$"
check "and that it stopped" has "$OUT" "^eod: service: stopped$"
check "restarts.log holds the two restarts" [ "$(grep -c ': restarted$' "$LOGS/restarts.log")" = 2 ]
check "every stage was stopped" none_left

echo "# service: a stage that keeps failing uses its starts, then the service stops"
scenario burst
for s in calendar lister coordinator fetcher writer uploader notifier; do plan "$s" "hang"; done
plan writer "exit 3"
DELAY=0 service
service_rc
check "the service stops with the stage's code (got $RC)" [ "$RC" = 3 ]
check "the writer started 10 times" [ "$(starts writer)" = 10 ]
check "the launcher names the limit" has "$OUT" "^eod: service: writer exited with 3 after 10 starts in 10 min: stopping$"

echo "# service: SIGTERM stops every stage"
scenario term
for s in calendar lister coordinator fetcher writer uploader notifier; do plan "$s" "hang"; done
service
wait_for "$FAKE/fetcher.starts" "." >/dev/null
sleep 0.5
kill -TERM "$SVC"
service_rc
check "the service exits 0 (got $RC)" [ "$RC" = 0 ]
check "nothing was restarted" test ! -s "$LOGS/restarts.log"
check "every stage was stopped" none_left

echo "test_supervise.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
