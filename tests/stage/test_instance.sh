#!/usr/bin/env bash
#  test_instance.sh — one copy of each stage but the fetcher per state
#  directory: a second copy exits 2 naming the first one's pid; once the first
#  is killed with -9 a new copy starts at once; fetchers share one freely.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-instance.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
#  The demo's config on a state directory of its own; nothing is asked of the
#  simulators (no run starts), so none runs.
sed -e "s#^\[pipeline\]#[pipeline]\ndata_dir = $TMP/data\nstate_dir = $TMP/state#" \
    "$ROOT/config/demo.ini" >"$TMP/eod.ini"
chmod 600 "$TMP/eod.ini"

#  holds NAME PID: true once PID wrote itself into NAME's lock (within 10 s).
holds() {
    local _
    for _ in $(seq 1 100); do
        [ "$(cat "$TMP/state/locks/$1.lock" 2>/dev/null)" = "$2" ] && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

for stage in calendar lister coordinator writer uploader notifier; do
    "$BIN/eod-$stage" --config "$TMP/eod.ini" 2>"$TMP/$stage-1.log" &
    first=$!; PIDS+=("$first")
    if ! holds "$stage" "$first"; then bad "eod-$stage: the first copy holds the lock"; continue; fi
    rc=0
    timeout 10 "$BIN/eod-$stage" --config "$TMP/eod.ini" 2>"$TMP/$stage-2.log" || rc=$?
    check "eod-$stage: a second copy on the same state directory exits 2 (got $rc)" [ "$rc" = 2 ]
    check "... naming the holder's pid ($first)" grep -q "another eod-$stage (pid $first) holds the state directory" \
        "$TMP/$stage-2.log"
    check "... and the first copy goes on" kill -0 "$first"
    kill -9 "$first"; wait "$first" 2>/dev/null
    "$BIN/eod-$stage" --config "$TMP/eod.ini" 2>"$TMP/$stage-3.log" &
    again=$!; PIDS+=("$again")
    check "eod-$stage: after kill -9 of the first, a new copy starts and holds the lock" holds "$stage" "$again"
    kill "$again"; wait "$again" 2>/dev/null
done

#  Fetchers are exempt: several on one host is normal.
"$BIN/eod-fetcher" --config "$TMP/eod.ini" 2>"$TMP/fetcher-1.log" & f1=$!; PIDS+=("$f1")
"$BIN/eod-fetcher" --config "$TMP/eod.ini" 2>"$TMP/fetcher-2.log" & f2=$!; PIDS+=("$f2")
sleep 1
check "two fetchers share a state directory" bash -c "kill -0 $f1 && kill -0 $f2"
check "... and took no lock" [ ! -e "$TMP/state/locks/fetcher.lock" ]
kill "$f1" "$f2"; wait "$f1" "$f2" 2>/dev/null
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
