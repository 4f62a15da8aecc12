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
        grep -E "FAIL|error" "$out" | head -n 20 | sed 's/^/    /'
        echo "    full log: $out"
    fi
}

for t in "$BUILD"/tests/test_*; do
    suite "$(basename "$t")" "$t"
done
suite config "$ROOT/tests/stage/test_config.sh"
suite sim "$ROOT/tests/sim/test_sim.sh" "$BUILD"
suite s3 "$ROOT/tests/s3/run_tests.sh" "$BUILD"
suite e2e "$ROOT/tests/e2e/test_pipeline.sh"
suite resume "$ROOT/tests/e2e/test_resume.sh"
echo "all: $total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
