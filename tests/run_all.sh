#!/usr/bin/env bash
#  run_all.sh [--full] BUILD_DIR [SAN_BUILD_DIR] — every test of the project.
#
#  First the unit tests through CTest on BUILD_DIR, then on SAN_BUILD_DIR (the
#  same sources with AddressSanitizer and UBSan, which launch/eod test makes);
#  then every other suite on the sanitized build (the release one without
#  it; a few, named by add_release below, on the release build), several at once: each keeps its own temp dir, state dir, free ports
#  and sockets, so none waits on another's idle time. Sanitizer reports of
#  every program of every suite go to files; any report fails the run.
#
#  --full adds the long variants (EOD_TEST_FULL=1 in each suite's
#  environment: the chaos and resume suites' whole universe, the fuzzers'
#  longer runs) and, after every suite, alone on the machine, the benchmarks
#  (bench/, on the release build) with their pass/fail verdicts.
#
#  One line per suite, "NAME N passed N failed (Ns)", in the order the suites
#  end, then "all: N passed, N failed"; exits 1 when any failed. Logs stay
#  in /tmp/eod-tests.XXXXXX (each failure names its log).
#  Environment: EOD_TEST_JOBS (busy suites at once, default 4; see LIGHT), EOD_FUZZ_SECONDS
#  (seconds per fuzz target; default 5, 60 with --full), EOD_TEST_TIMEOUT
#  (seconds a suite may take before it is stopped and fails; default 1800,
#  3600 with --full).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FULL=0
if [ "${1:-}" = --full ]; then FULL=1; shift; fi
BUILD=$(realpath "${1:-$ROOT/build}")
SAN=${2:-}
[ -n "$SAN" ] && SAN=$(realpath "$SAN")
LOG=$(mktemp -d /tmp/eod-tests.XXXXXX)
JOBS=${EOD_TEST_JOBS:-4}
FUZZ_SECONDS=${EOD_FUZZ_SECONDS:-$([ "$FULL" = 1 ] && echo 60 || echo 5)}
SUITE_TIMEOUT=${EOD_TEST_TIMEOUT:-$([ "$FULL" = 1 ] && echo 3600 || echo 1800)}
export EOD_TEST_FULL=$FULL
total_passed=0 total_failed=0

#  counts OUT RC: prints "PASSED FAILED" from the last "N passed, N failed"
#  line of OUT; a suite without one, or that exited non-zero with none
#  failed, counts one failure.
counts() {
    local line p=0 f=1
    line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
    if [ -n "$line" ]; then
        p=${line%% passed*}
        f=${line#*passed, }
        f=${f%% failed*}
    fi
    if [ "$2" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    echo "$p $f"
}

#  report NAME PASSED FAILED SECONDS [LOG]: the suite's line, added to the
#  totals; a failure shows its FAIL lines and names its log.
report() {
    local name=$1 p=$2 f=$3 s=$4 out=${5:-}
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    printf '%-28s %5s passed %3s failed  (%ds)\n' "$name" "$p" "$f" "$s"
    if [ "$f" != 0 ] && [ -n "$out" ]; then
        grep -aE "FAIL|error|^  > " "$out" | head -n 40 | sed 's/^/    /'
        echo "    full log: $out"
    fi
}

#  ctest_suites PREFIX DIR: the unit tests of build DIR through CTest, one
#  report line each (PREFIX + the test's name), from CTest's JUnit file.
ctest_suites() {
    local prefix=$1 dir=$2 xml=$LOG/${1}ctest.xml rc=0
    ctest --test-dir "$dir" -j"$(nproc)" --output-junit "$xml" \
        --test-output-size-passed 1048576 --test-output-size-failed 1048576 --test-output-truncation tail \
        >"$LOG/${prefix}ctest.log" 2>&1 || rc=$?
    local name status secs out
    while IFS=$'\t' read -r name status secs; do
        out=$LOG/$prefix$name.log
        #  JUnit status "run": passed; "fail": failed.
        read -r p f <<<"$(counts "$out" "$([ "$status" = run ] && echo 0 || echo 1)")"
        report "$prefix$name" "$p" "$f" "$secs" "$out"
    done < <(/usr/bin/python3 - "$xml" "$LOG/$prefix" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
except (OSError, ET.ParseError):
    cases = []
for c in cases:
    name = c.get("name")
    out = c.findtext("system-out") or ""
    open(sys.argv[2] + name + ".log", "w").write(out)
    print(f"{name}\t{c.get('status')}\t{round(float(c.get('time') or 0))}")
PY
)
    #  CTest itself failing (no test found, a crash of the harness) fails too.
    if [ "$rc" != 0 ] && ! grep -q "tests failed out of" "$LOG/${prefix}ctest.log"; then
        report "${prefix}ctest" 0 1 0 "$LOG/${prefix}ctest.log"
    fi
}

#  ------------------------------------------------------------ unit tests
ctest_suites "" "$BUILD"
RELEASE=$BUILD RUN=$BUILD
if [ -n "$SAN" ]; then
    mkdir -p "$LOG/sanitizer"
    export ASAN_OPTIONS="log_path=$LOG/sanitizer/asan:detect_leaks=1:abort_on_error=0"
    export UBSAN_OPTIONS="log_path=$LOG/sanitizer/ubsan:print_stacktrace=1:halt_on_error=1"
    export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
    RUN=$SAN
    #  The simulator and the frame injector of the suites from the release
    #  build: they are stand-ins, tested sanitized by their own tests
    #  (tests/sim/ on $RUN, san-test_inject_frames).
    export EOD_SIM_BIN=$BUILD/bin/eod-sim
    export EOD_INJECT_BIN=$BUILD/tests/tools/eod-inject
fi
export BUILD=$RUN

#  ------------------------------------------------------------ the suites
#  NAME COMMAND..., the longest first so that they start first, then san-unit
#  (CTest on the sanitized build).
SUITES=()
add() { SUITES+=("$(printf '%q ' "$@")"); }
#  add_release NAME COMMAND...: a suite on the release build. These are the
#  suites about time and about which value goes where (the real 20/s budget,
#  sessions, S3 keys, an old journal), whose every stage path the sanitized
#  suites below go through too: a sanitized stage takes about three times
#  the CPU (one run of 40 codes: 1.1 s released, 3.2 s sanitized), which
#  would also make the pacing a sanitizer's rather than the pipeline's.
add_release() { local name=$1; shift; add "$name" env BUILD="$RELEASE" "$@"; }
#  The suite that holds the pipeline to the real budget (e2e: no EGW00201 at
#  the simulator's strict 20/s, fetchers stalled mid-request among its cases)
#  runs at the normal priority, every other one at nice 10. Beside three busy
#  suites on two cores, a stage of the real-budget run could otherwise wait
#  for a core longer than the pacer's margin between the moment its fetcher
#  stamps a request's departure and the moment the request leaves: a starved
#  host, not the pacing, would then decide the verdict. Mostly waiting, it
#  takes little from the others.
URGENT=e2e
add resume "$ROOT/tests/e2e/test_resume.sh"
add_release sessions "$ROOT/tests/e2e/test_sessions.sh"
add_release e2e "$ROOT/tests/e2e/test_pipeline.sh"
add_release layouts "$ROOT/tests/e2e/test_layouts.sh"
#  Long, but mostly waiting: started early, beside the busy ones.
add_release upgrade "$ROOT/tests/e2e/test_upgrade.sh"
add hostile "$ROOT/tests/chaos/test_hostile.sh"
add faults "$ROOT/tests/chaos/test_faults.sh"
add validation "$ROOT/tests/e2e/test_validation.sh"
add crosscheck "$ROOT/tests/e2e/test_crosscheck.sh"
add close "$ROOT/tests/e2e/test_close.sh"
[ -n "$SAN" ] && add san-unit ctest_suites san- "$SAN"
add service "$ROOT/tests/ops/test_service.sh"
add hosts "$ROOT/tests/chaos/test_hosts.sh"
add tls "$ROOT/tests/chaos/test_tls.sh"
add s3-errors "$ROOT/tests/chaos/test_s3_errors.sh"
add kis-answers "$ROOT/tests/chaos/test_kis_answers.sh"
add duplicates "$ROOT/tests/build/test_duplicates.sh"
#  libFuzzer targets, built with clang apart from the builds above.
add fuzz env FUZZ_BUILD="$LOG/fuzz" "$ROOT/tests/fuzz/run_fuzz.sh" "$FUZZ_SECONDS"
add supervise "$ROOT/tests/ops/test_supervise.sh"
add tap "$ROOT/tests/ops/test_tap.sh"
add units "$ROOT/tests/ops/test_units.sh"
add launcher "$ROOT/tests/ops/test_launcher.sh"
add promtool "$ROOT/tests/ops/test_promtool.sh"
add s3 "$ROOT/tests/s3/run_tests.sh" "$RUN"
add sim "$ROOT/tests/sim/test_sim.sh" "$RUN"
add sim-multi "$ROOT/tests/sim/test_sim_multi.sh" "$RUN"
add config "$ROOT/tests/stage/test_config.sh"
add instance "$ROOT/tests/stage/test_instance.sh"
add layout "$ROOT/tests/build/test_layout.sh" "$RUN"
add docs "$ROOT/tests/build/test_docs.sh" "$RUN"
add format "$ROOT/tests/build/test_format.sh"

#  Each suite runs in the background; its verdict goes to LOG/NAME.result
#  ("PASSED FAILED SECONDS"), or, for san-unit, its report lines to
#  LOG/NAME.lines.
start_suite() {   # NAME COMMAND...
    local name=$1; shift
    (
        start=$SECONDS
        [ "$name" = "$URGENT" ] || renice -n 10 -p "$BASHPID" >/dev/null
        if [ "$name" = san-unit ]; then
            total_passed=0 total_failed=0
            "$@" >"$LOG/$name.lines" 2>&1
            echo "$total_passed $total_failed" >"$LOG/$name.result.tmp"
        else
            #  A suite that hangs is stopped (its process group: what it started
            #  too) and fails, rather than holding up the whole run.
            rc=0
            timeout --kill-after=30 "$SUITE_TIMEOUT" "$@" >"$LOG/$name.log" 2>&1 </dev/null || rc=$?
            [ "$rc" = 124 ] && echo "FAIL $name did not end within $SUITE_TIMEOUT s: stopped" >>"$LOG/$name.log"
            echo "$(counts "$LOG/$name.log" "$rc") $((SECONDS - start))" >"$LOG/$name.result.tmp"
        fi
        mv "$LOG/$name.result.tmp" "$LOG/$name.result"
        #  The CPU the suite took (its processes', user and system), beside its
        #  wall time: what to look at when the whole gets slower.
        times >"$LOG/$name.times"
        printf '%s\t%s\t%s\n' "$name" "$((SECONDS - start))" "$(tail -n1 "$LOG/$name.times")" >>"$LOG/cpu.tsv"
    ) &
    RUNNING[$!]=$name
}

finish_suite() {   # PID
    local name=${RUNNING[$1]} p f s
    unset "RUNNING[$1]"
    if [ "$name" = san-unit ]; then
        cat "$LOG/$name.lines"
        read -r p f <"$LOG/$name.result" || { p=0 f=1; }
        total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
        return
    fi
    if ! read -r p f s <"$LOG/$name.result" 2>/dev/null; then p=0 f=1 s=0; fi
    report "$name" "$p" "$f" "$s" "$LOG/$name.log"
}

#  A suite that mostly waits (upgrade: an eighth of a core over its 140 s)
#  needs a free slot to start, as any other, but holds none once started
#  and the real-budget suite ($URGENT) is over, so the busy ones keep both
#  cores at work beside it (in a slot, the suites used 1.1 to 1.4 cores for
#  two minutes). While $URGENT runs every suite holds its slot: with a fifth
#  suite beside it, its real-budget run saw an EGW00201 in one run.
LIGHT=" upgrade "
busy_suites() {
    local n=0 name
    [[ " ${RUNNING[*]} " == *" $URGENT "* ]] && { echo "${#RUNNING[@]}"; return; }
    for name in "${RUNNING[@]}"; do [[ $LIGHT == *" $name "* ]] || n=$((n + 1)); done
    echo "$n"
}

declare -A RUNNING=()
next=0
while [ "$next" -lt ${#SUITES[@]} ] || [ ${#RUNNING[@]} -gt 0 ]; do
    if [ "$next" -lt ${#SUITES[@]} ] && [ "$(busy_suites)" -lt "$JOBS" ]; then
        eval "start_suite ${SUITES[$next]}"
        next=$((next + 1))
        continue
    fi
    done_pid=""
    wait -n -p done_pid "${!RUNNING[@]}"
    [ -n "$done_pid" ] && finish_suite "$done_pid"
done

#  ------------------------------------------------------------ sanitizers
if [ -n "$SAN" ]; then
    #  Any report of either sanitizer, from any program of any suite, fails.
    reports=$(find "$LOG/sanitizer" -type f | wc -l)
    if [ "$reports" = 0 ]; then
        echo "ok   no AddressSanitizer, LeakSanitizer or UBSan report in any suite" >"$LOG/sanitizers.log"
        report sanitizers 1 0 0
    else
        for f in "$LOG/sanitizer"/*; do echo "FAIL $f:"; head -n 30 "$f"; done >"$LOG/sanitizers.log"
        report sanitizers 0 "$reports" 0 "$LOG/sanitizers.log"
    fi
fi

#  ------------------------------------------------------------ benchmarks
#  --full: each benchmark alone (they measure time and memory), on the
#  release build; exit 0 is every target met.
bench() {   # NAME COMMAND...
    local name=bench-$1 start=$SECONDS rc=0; shift
    EOD_BUILD_DIR=$RELEASE "$@" >"$LOG/$name.log" 2>&1 </dev/null || rc=$?
    if [ "$rc" = 0 ]; then report "$name" 1 0 $((SECONDS - start))
    else report "$name" 0 1 $((SECONDS - start)) "$LOG/$name.log"; fi
}
if [ "$FULL" = 1 ]; then
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    bench rss "$ROOT/bench/backfill_rss.sh"
    bench throughput "$ROOT/bench/throughput.sh" --quick
    bench multiquote "$ROOT/bench/multiquote.sh" --quick
fi

echo "all: $total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
