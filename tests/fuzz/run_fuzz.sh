#!/usr/bin/env bash
#  run_fuzz.sh [SECONDS_PER_TARGET] — builds the libFuzzer targets of
#  tests/fuzz/ with clang (address and undefined-behaviour sanitizers) straight
#  from the project's sources and runs each for SECONDS_PER_TARGET seconds
#  (default 20) on a copy of its committed seed corpus.
#
#  Targets (each fuzz_X.c here, seeds in corpus/X/):
#    proto  eod_msg_decode and a re-encode round trip      (proto/*.c)
#    mst    eod_master_parse, KOSPI and KOSDAQ layouts      (common/sources/master_*.c)
#    cod    eod_cod_parse, US .cod masters                  (common/sources/master_*.c)
#    kis    eod_kis_parse_chart/_overseas/_token/_holidays/_multiquote  (common/kis/kis_*.c)
#    wiki   eod_wiki_constituents                           (common/sources/eod_wiki.c)
#    config eod_config_load, _load_strict, _set and reading  (common/core/eod_config*.c)
#  The targets link tests/fuzz/fuzz_log.c instead of common/core/eod_log.c (quiet,
#  stateless; FUZZ_LOG=1 prints the lines when reproducing a crash).
#
#  Environment: FUZZ_BUILD (build and work directory, default
#  /tmp/eod-fuzz-build), FUZZ_TARGETS (a subset, e.g. "kis wiki"), FUZZ_JOBS
#  (targets run at once, default: the number of CPUs, at most 2), FUZZ_CC
#  (a clang to use first).
#
#  Prints one line per target, "ok   fuzz_X: N runs, no crash" or
#  "FAIL fuzz_X: <what>" with the kept crashing input, then
#  "run_fuzz: N passed, N failed"; exits 0 only when none failed. New inputs
#  go into the copy of the corpus under FUZZ_BUILD/work/X, never into
#  corpus/ (make_corpus.py rewrites the seeds from tests/data/). Crashing
#  inputs are kept in FUZZ_BUILD/crashes/X/; one is reproduced, with the
#  sanitizer's stack trace, by: $FUZZ_BUILD/fuzz_X <input>
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SECONDS_PER_TARGET=${1:-20}
BUILD=${FUZZ_BUILD:-/tmp/eod-fuzz-build}
ALL_TARGETS="proto mst cod kis wiki config"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
RSS_LIMIT_MB=512
TIMEOUT_S=10           #  one input taking longer is reported as a hang
CFLAGS=(-g -O1 -fno-omit-frame-pointer '-fsanitize=fuzzer,address,undefined'
        -fno-sanitize-recover=undefined -std=gnu11 -Wall -Wextra
        -I"$ROOT/proto" -I"$ROOT/common/core" -I"$ROOT/common/http"
        -I"$ROOT/common/kis" -I"$ROOT/common/kis/fields" -I"$ROOT/common/sources" -I/usr/include/iniparser)

case $SECONDS_PER_TARGET in
    ''|*[!0-9]*|0) echo "usage: $0 [SECONDS_PER_TARGET > 0]" >&2; exit 2 ;;
esac

#  Sources, libraries (pkg-config names) and longest input of each target.
sources() {
    case $1 in
        proto) (cd "$ROOT" && echo proto/*.c) ;;   #  the whole eodproto library
        mst|cod) echo common/sources/master_reader.c common/sources/master_mst.c \
                      common/sources/master_cod.c common/sources/master_text.c ;;
        kis) echo common/kis/kis_chart.c common/kis/kis_overseas.c common/kis/kis_token.c \
                  common/kis/kis_holiday.c common/kis/kis_multiquote.c common/kis/kis_error.c common/kis/kis_json.c \
                  common/kis/fields/eod_kis_fields.c \
                  common/core/eod_util.c common/core/eod_date.c proto/eod_fields.c ;;
        wiki) echo common/sources/eod_wiki.c common/core/eod_util.c ;;
        config) echo common/core/eod_config.c common/core/eod_config_table.c common/core/eod_config_file.c \
                     common/core/eod_config_check.c common/core/eod_util.c proto/eod_grammar.c \
                     proto/eod_grammar_url.c ;;
    esac
}
packages() {
    case $1 in
        proto) echo msgpack jansson ;;
        mst|cod) ;;   #  iconv is in the C library
        kis) echo jansson libcrypto ;;
        wiki) echo libxml-2.0 libcrypto ;;
        config) echo libcrypto ;;   #  iniparser ships no pkg-config file: see extra_libs
    esac
}
extra_libs() {
    case $1 in
        config) echo -liniparser ;;
    esac
}
max_len() {
    case $1 in
        proto|mst|cod|config) echo 4096 ;;
        kis|wiki) echo 8192 ;;
    esac
}

passed=0 failed=0
report_fail() {
    echo "FAIL $1"
    failed=$((failed + 1))
}

for t in $TARGETS; do
    case " $ALL_TARGETS " in
        *" $t "*) ;;
        *) echo "run_fuzz: unknown target '$t' (known: $ALL_TARGETS)" >&2; exit 2 ;;
    esac
done
mkdir -p "$BUILD" || exit 2

#  A clang that links a libFuzzer program with both sanitizers.
CC=
tried=
probe=$BUILD/probe
printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
    'int LLVMFuzzerTestOneInput (const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput (const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' \
    >"$probe.c"
for cc in ${FUZZ_CC:-} clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    command -v "$cc" >/dev/null 2>&1 || continue
    tried="$tried $cc"
    if "$cc" "${CFLAGS[@]}" "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
        CC=$cc
        break
    fi
done
if [ -z "$CC" ]; then
    if [ -n "$tried" ]; then
        why="tried$tried: $(grep -m1 -E 'error' "$probe.log" 2>/dev/null)"
    else
        why="no clang on PATH"
    fi
    report_fail "clang with libFuzzer not available ($why; Debian: apt-get install clang-14 libclang-rt-14-dev)"
    echo "run_fuzz: $passed passed, $failed failed"
    exit 1
fi

#  Runs at most JOBS background jobs at once.
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 2 ] && JOBS=2
[ "$JOBS" -lt 1 ] && JOBS=1
throttle() {
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n
    done
}

#  Builds target $1 into $BUILD/fuzz_$1; the outcome goes to $BUILD/$1.built.
build() {
    local t=$1 log=$BUILD/fuzz_$1.build.log
    local srcs=() libs= pkgs
    : >"$log"
    #  Every target links the warning caps of the log (common/core/eod_log_cap.c).
    for s in $(sources "$t") common/core/eod_log_cap.c; do srcs+=("$ROOT/$s"); done
    pkgs=$(packages "$t")
    # shellcheck disable=SC2086  # one word per package
    if [ -n "$pkgs" ] && ! libs=$(pkg-config --cflags --libs $pkgs 2>"$log"); then
        echo "cannot find libraries: $(head -n1 "$log")" >"$BUILD/$t.built"
        return
    fi
    # shellcheck disable=SC2086
    if "$CC" "${CFLAGS[@]}" "$HERE/fuzz_$t.c" "$HERE/fuzz_log.c" "${srcs[@]}" $libs $(extra_libs "$t") \
            -o "$BUILD/fuzz_$t" >>"$log" 2>&1; then
        echo ok >"$BUILD/$t.built"
    else
        echo "build failed: $(grep -m1 -E 'error' "$log") (log: $log)" >"$BUILD/$t.built"
    fi
}

#  Runs target $1 on a fresh copy of its corpus; the verdict line goes to
#  $BUILD/$1.result.
run() {
    local t=$1
    local work=$BUILD/work/$t crashes=$BUILD/crashes/$t log=$BUILD/fuzz_$1.log
    rm -rf "$work"
    mkdir -p "$work" "$crashes"
    if [ -d "$HERE/corpus/$t" ]; then
        cp -R "$HERE/corpus/$t/." "$work/"
    fi
    #  The unit tests' fixtures are seeds too, taken where they are.
    local fixtures
    case $t in
        mst) fixtures=("$ROOT"/tests/data/master/*.mst) ;;
        cod) fixtures=("$ROOT"/tests/data/master/*.cod) ;;
        kis) fixtures=("$ROOT"/tests/data/kis/*.json) ;;
        wiki) fixtures=("$ROOT"/tests/data/wiki/*.html) ;;
        config) fixtures=("$ROOT"/config/demo.ini "$ROOT"/config/config.ini.example) ;;
        *) fixtures=() ;;
    esac
    for f in "${fixtures[@]+"${fixtures[@]}"}"; do
        [ -f "$f" ] && cp "$f" "$work/fixture-$(basename "$f")"
    done
    local before
    before=$(find "$crashes" -type f | wc -l)
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$BUILD/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
        -rss_limit_mb=$RSS_LIMIT_MB -timeout=$TIMEOUT_S -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$work" >"$log" 2>&1 </dev/null
    local rc=$?
    local runs
    runs=$(grep -aoE '^Done [0-9]+ runs' "$log" | tail -n1 | grep -oE '[0-9]+')
    if [ $rc = 0 ] && [ -n "$runs" ]; then
        echo "ok   fuzz_$t: $runs runs, no crash" >"$BUILD/$t.result"
        return
    fi
    local input what summary
    input=$(grep -aoE "(Test unit written to|written to) [^ ]+" "$log" | tail -n1 | awk '{print $NF}')
    if [ -z "$input" ] && [ "$(find "$crashes" -type f | wc -l)" -gt "$before" ]; then
        input=$(find "$crashes" -type f -printf '%T@ %p\n' | sort -n | tail -n1 | cut -d' ' -f2-)
    fi
    what=$(grep -a -m1 -E "^fuzz_$t: " "$log" | LC_ALL=C tr -c '[:print:]\n' '?')
    summary=$(grep -a -m1 -E '^SUMMARY: ' "$log" | sed 's/^SUMMARY: //' | LC_ALL=C tr -c '[:print:]\n' '?')
    [ -z "$summary" ] && summary=$(grep -a -m1 -E '^==[0-9]+== ?ERROR: ' "$log" | sed 's/^==[0-9]*== *//')
    [ -z "$summary" ] && summary="exit $rc, see $log"
    {
        printf 'FAIL fuzz_%s: %s%s\n' "$t" "${what:+$what; }" "$summary"
        [ -n "$input" ] && printf '     crashing input kept: %s\n     reproduce: %s %s\n' \
            "$input" "$BUILD/fuzz_$t" "$input"
        printf '     log: %s\n' "$log"
    } >"$BUILD/$t.result"
}

for t in $TARGETS; do
    rm -f "$BUILD/$t.built" "$BUILD/$t.result"
    throttle
    build "$t" &
done
wait
for t in $TARGETS; do
    [ "$(cat "$BUILD/$t.built" 2>/dev/null)" = ok ] || continue
    throttle
    run "$t" &
done
wait

for t in $TARGETS; do
    built=$(cat "$BUILD/$t.built" 2>/dev/null || echo "not built")
    if [ "$built" != ok ]; then
        report_fail "fuzz_$t: $built"
    elif [ ! -s "$BUILD/$t.result" ]; then
        report_fail "fuzz_$t: no verdict (see $BUILD/fuzz_$t.log)"
    elif grep -q '^ok ' "$BUILD/$t.result"; then
        cat "$BUILD/$t.result"
        passed=$((passed + 1))
    else
        cat "$BUILD/$t.result"
        failed=$((failed + 1))
    fi
done
echo "run_fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
