#!/usr/bin/env bash
#  run_all.sh BUILD_DIR — every test of the project, in layers: unit tests,
#  the simulator's own tests, the local S3 and its SigV4 verifier, config
#  checks, then the end-to-end runs. Ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
export BUILD
total_passed=0 total_failed=0
LOG=$(mktemp -d /tmp/eod-tests.XXXXXX)

#  Runs one suite; its closing "N passed, N failed" line is added to the totals.
suite() {
    local name=$1; shift
    local out=$LOG/$name.log
    local start=$SECONDS
    "$@" >"$out" 2>&1
    local rc=$?
    local line
    line=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n1)
    local p=0 f=1
    if [ -n "$line" ]; then
        p=${line%% passed*}
        f=${line#*passed, }
        f=${f%% failed*}
    fi
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    printf '%-28s %5s passed %3s failed  (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
    if [ "$f" != 0 ]; then
        grep -E "FAIL|error|^  > " "$out" | head -n 40 | sed 's/^/    /'
        echo "    full log: $out"
    fi
}

#  SAN: the same sources built with AddressSanitizer and UBSan (launch/eod
#  test makes it). The unit tests run on both builds; every other suite runs
#  on the sanitized one, whose reports go to files checked at the end.
SAN=${2:-}
for t in "$BUILD"/tests/test_*; do
    suite "$(basename "$t")" "$t"
done
RUN=$BUILD
if [ -n "$SAN" ]; then
    mkdir -p "$LOG/sanitizer"
    export ASAN_OPTIONS="log_path=$LOG/sanitizer/asan:detect_leaks=1:abort_on_error=0"
    export UBSAN_OPTIONS="log_path=$LOG/sanitizer/ubsan:print_stacktrace=1:halt_on_error=1"
    export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
    for t in "$SAN"/tests/test_*; do
        suite "san-$(basename "$t")" "$t"
    done
    RUN=$SAN
fi
export BUILD=$RUN
suite layout "$ROOT/tests/build/test_layout.sh" "$BUILD"
suite config "$ROOT/tests/stage/test_config.sh"
suite sim "$ROOT/tests/sim/test_sim.sh" "$RUN"
suite s3 "$ROOT/tests/s3/run_tests.sh" "$RUN"
suite e2e "$ROOT/tests/e2e/test_pipeline.sh"
suite sessions "$ROOT/tests/e2e/test_sessions.sh"
suite resume "$ROOT/tests/e2e/test_resume.sh"
suite faults "$ROOT/tests/chaos/test_faults.sh"
suite hostile "$ROOT/tests/chaos/test_hostile.sh"
suite hosts "$ROOT/tests/chaos/test_hosts.sh"
suite tls "$ROOT/tests/chaos/test_tls.sh"
suite kis-answers "$ROOT/tests/chaos/test_kis_answers.sh"
suite units "$ROOT/tests/ops/test_units.sh"
suite tap "$ROOT/tests/ops/test_tap.sh"
suite service "$ROOT/tests/ops/test_service.sh"
#  libFuzzer targets, built with clang apart from the builds above.
suite fuzz "$ROOT/tests/fuzz/run_fuzz.sh" "${EOD_FUZZ_SECONDS:-20}"
if [ -n "$SAN" ]; then
    #  Any report of either sanitizer, from any program of any suite, fails.
    sanitizer_check() {
        local reports
        reports=$(ls "$LOG/sanitizer" 2>/dev/null | wc -l)
        if [ "$reports" = 0 ]; then
            echo "ok   no AddressSanitizer, LeakSanitizer or UBSan report in any suite"
            echo "sanitizers: 1 passed, 0 failed"
        else
            for f in "$LOG/sanitizer"/*; do echo "FAIL $f:"; head -n 30 "$f"; done
            echo "sanitizers: 0 passed, $reports failed"
        fi
    }
    suite sanitizers sanitizer_check
fi
echo "all: $total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
