#!/usr/bin/env bash
#  test_resume.sh — a one-month KR backfill interrupted by kill -9 ends with
#  the same files as an uninterrupted one and asks for no chunk twice beyond
#  those in flight:
#    1. the reference: the same backfill, uninterrupted;
#    2. the coordinator killed mid-run (the launcher restarts it, it resumes
#       from its ledger);
#    3. the writer killed mid-run (restarted, it resumes its journal), then
#       the uploader mid-upload, the notifier, a fetcher;
#    4. the whole pipeline killed mid-run (a power cut), then the same
#       command again;
#    5. the same command once more: nothing is asked, nothing changes.
#  Each backfill lists the first SHORT_CODES codes of the simulator's KR
#  universe (a fifth: the same kills, resumes and checks, a fifth of the
#  work, at a rate that leaves each kill over a second of the run to land in);
#  with EOD_TEST_FULL=1 (launch/eod test --full) the whole universe.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-resume.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
MONTH=202408
FETCHERS=4
RATE=150
SHORT_CODES=240
#  A bound on a backfill that hangs, not on its speed: suites run side by
#  side (tests/run_all.sh), and a busy machine makes a 10-s backfill slow.
RUN_TIMEOUT=300
CODES=()                #  --codes FILE of every backfill (none: the whole universe)

stats() {   # stats PYTHON-EXPR: evaluates EXPR over the simulator's stats as s
    curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}
chunks_total() { stats 'sum(s["chunks"].values())'; }
chunks_twice() { stats 'sum(n - 1 for n in s["chunks"].values() if n > 1)'; }

backfill() {   # backfill NAME: the month's backfill in the foreground; sets RC
    RC=0
    EOD_LOG_DIR=$ENV_DIR/logs-$1 EOD_RUN_TIMEOUT=$RUN_TIMEOUT "$ROOT/launch/eod" backfill --market kr --months $MONTH $MONTH \
        --config "$CFG" --fetchers $FETCHERS "${CODES[@]+"${CODES[@]}"}" >"$ENV_DIR/$1.out" 2>&1 || RC=$?
}

wait_chunks() {   # wait_chunks N: until the simulator has served N chunks (at most 60 s)
    #  One process polls every 0.05 s (a python and a curl a poll would cost
    #  more CPU than the run they watch).
    /usr/bin/python3 - "$SIM/_sim/stats" "$1" <<'PY'
import json, sys, time, urllib.request
end = time.monotonic() + 60
while time.monotonic() < end:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
            if sum(json.load(r)["chunks"].values()) >= int(sys.argv[2]):
                sys.exit(0)
    except (OSError, ValueError, KeyError):
        pass
    time.sleep(0.05)
sys.exit(1)
PY
}

stage_pid() {   # stage_pid NAME: the pid of this environment's eod-NAME
    pgrep -f "eod-$1 --once --config $CFG" | head -n1
}

same_files() {   # same_files DIR: DIR's partitions are byte-identical to the reference
    diff -r "$TMP/ref" "$1/market=kr" >/dev/null
}

env_up_fast() {
    env_up "$1" --rate $RATE
    set_key kis rate $RATE
    set_key kis jitter_ms 10
    #  Results a killed writer lost are sent to it again after this.
    set_key pipeline ack_timeout_ms 5000
}

echo "# 1. the reference: an uninterrupted one-month backfill"
env_up_fast "$TMP/ref-env"
if [ "$TEST_FULL" = 1 ]; then
    NCODES=$(sim_codes 0 "$TMP/codes.txt")
else
    NCODES=$(sim_codes $SHORT_CODES "$TMP/codes.txt")
    CODES=(--codes "$TMP/codes.txt")
fi
backfill ref
check "the reference backfill exits 0 (got $RC)" [ "$RC" = 0 ]
check "one chunk per code ($NCODES codes, $(chunks_total) chunks)" [ "$(chunks_total)" = "$NCODES" ]
cp -r "$ENV_DIR/data/market=kr" "$TMP/ref"
check "21 session files in the reference" [ "$(ls "$TMP/ref" | wc -l)" = 21 ]
env_down

#  In flight at a kill: each fetcher's request, the results on their way to
#  the writer and the writer's unacknowledged batch. The bound below is what
#  the design allows; the figure is printed either way.
INFLIGHT=$((FETCHERS * 2))

#  Every object in the bucket equals its local file (read back with
#  tests/s3/s3c.py, through the SigV4 verifier).
bucket_matches() {   # bucket_matches DATA_DIR
    local d=$1 f n=0
    rm -rf "$TMP/bucket"
    s3c cp-r eod-demo "$TMP/bucket" 2>/dev/null || return 1
    for f in "$d"/market=kr/dt=*/kr_*.csv; do
        cmp -s "$f" "$TMP/bucket/${f#"$d"/}" || return 1
        n=$((n + 1))
    done
    #  The bucket holds the month's 21 price files (and the run's universe
    #  lists, under codes/, beside them).
    [ "$n" = 21 ] && [ "$(find "$TMP/bucket/market=kr" -type f | wc -l)" = 21 ]
}

wait_log() {   # wait_log FILE PATTERN: until FILE has a line matching PATTERN (at most 60 s)
    for _ in $(seq 1 600); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

kill_case() {   # kill_case NUM STAGE [uploads|chunks [BOUND]]: kill -9 STAGE once a third of the chunks is
                # served, or (uploads) once it has uploaded its first file; at most BOUND chunks
                # (default INFLIGHT) asked twice
    local num=$1 stage=$2 when=${3:-chunks} bound=${4:-$INFLIGHT}
    echo "# $num. kill -9 of the $stage mid-run: restarted, the run resumes and completes"
    env_up_fast "$TMP/kill-$stage"
    local bf_rc=0
    EOD_LOG_DIR=$ENV_DIR/logs-kill EOD_RUN_TIMEOUT=$RUN_TIMEOUT "$ROOT/launch/eod" backfill --market kr \
        --months $MONTH $MONTH --config "$CFG" --fetchers $FETCHERS "${CODES[@]+"${CODES[@]}"}" >"$ENV_DIR/kill.out" 2>&1 &
    local run=$!
    if [ "$when" = uploads ]; then wait_log "$ENV_DIR/logs-kill/uploader.log" "uploaded "
    else wait_chunks $((NCODES / 3)); fi
    local pid
    pid=$(stage_pid "$stage")
    check "the $stage is running mid-run" [ -n "$pid" ]
    [ -n "$pid" ] && kill -9 "$pid"
    wait "$run" || bf_rc=$?
    check "the run with the $stage killed exits 0 (got $bf_rc)" [ "$bf_rc" = 0 ]
    check "the launcher restarted the $stage" grep -q "$stage[-0-9]* died (signal 9): restarted" "$ENV_DIR/logs-kill/restarts.log"
    check "the files equal the uninterrupted run's" same_files "$ENV_DIR/data"
    check "the bucket holds every file, equal to the local one" bucket_matches "$ENV_DIR/data"
    if [ "$stage" != notifier ]; then
        check "the Slack summary names the restart" \
            bash -c "curl -s '$SIM/_sim/slack' | grep -q '$stage[-0-9]* restarted after it died (signal 9)'"
    fi
    local twice
    twice=$(chunks_twice)
    echo "    chunks asked twice after kill -9 of the $stage: $twice (allowed: $bound)"
    check "no chunk asked twice beyond those in flight (got $twice, allowed $bound)" [ "$twice" -le "$bound" ]
    env_down
}

kill_case 2 coordinator
#  The coordinator keeps what it sent the writer until the writer's ACK and
#  sends it again to the restarted writer: nothing is fetched twice.
kill_case 3 writer chunks 0
kill_case 3b uploader uploads

#  The writer -> uploader hop: the uploader stopped (SIGSTOP) mid-run, so the
#  run's files and END sit in its socket queue, then killed, loses them; the
#  writer sends again what the restarted uploader has not acknowledged.
echo "# 3e. the uploader stopped mid-run, killed after the writer handed it the run: the writer sends again"
env_up_fast "$TMP/stop-uploader"
bf_rc=0
EOD_LOG_DIR=$ENV_DIR/logs-kill EOD_RUN_TIMEOUT=$RUN_TIMEOUT "$ROOT/launch/eod" backfill --market kr \
    --months $MONTH $MONTH --config "$CFG" --fetchers $FETCHERS "${CODES[@]+"${CODES[@]}"}" >"$ENV_DIR/kill.out" 2>&1 &
run=$!
wait_chunks $((NCODES / 3))
pid=$(stage_pid uploader)
check "the uploader is running mid-run" [ -n "$pid" ]
[ -n "$pid" ] && kill -STOP "$pid"
check "the writer passes END on while the uploader is stopped" \
    wait_log "$ENV_DIR/logs-kill/writer.log" "END passed to the uploader"
#  The uploader ends the run on END: it must not get it before every file.
check "the writer holds END until the uploader acknowledges every file" \
    grep -q "END passed to the uploader .*sent once it acknowledges every file" "$ENV_DIR/logs-kill/writer.log"
[ -n "$pid" ] && kill -9 "$pid" && kill -CONT "$pid" 2>/dev/null
wait "$run" || bf_rc=$?
check "the run exits 0 (got $bf_rc)" [ "$bf_rc" = 0 ]
check "the writer sent the unacknowledged files and END again" \
    grep -q "the uploader acknowledged nothing in .* in flight again" "$ENV_DIR/logs-kill/writer.log"
check "the files equal the uninterrupted run's" same_files "$ENV_DIR/data"
check "the bucket holds every file, equal to the local one" bucket_matches "$ENV_DIR/data"
check "one run summary in Slack" test "$(curl -s "$SIM/_sim/slack" | /usr/bin/python3 -c '
import json, sys
print(sum(1 for m in json.load(sys.stdin) if m.get("text", "").startswith("eod kr 2024-08-01..2024-08-31 backfill: complete")))')" = 1
env_down
kill_case 3c notifier
kill_case 3d fetcher

echo "# 4. the whole pipeline killed mid-run, then the same command again"
env_up_fast "$TMP/cut"
EOD_LOG_DIR=$ENV_DIR/logs-cut EOD_RUN_TIMEOUT=$RUN_TIMEOUT setsid "$ROOT/launch/eod" backfill --market kr --months $MONTH $MONTH \
    --config "$CFG" --fetchers $FETCHERS "${CODES[@]+"${CODES[@]}"}" >"$ENV_DIR/cut.out" 2>&1 &
RUN=$!
wait_chunks $((NCODES / 2))
before=$(chunks_total)
#  Every process of the run at once, as a power cut would.
kill -9 -- -"$RUN" 2>/dev/null
pkill -9 -f -- "eod-[a-z]+ --once --config $CFG" 2>/dev/null
wait "$RUN" 2>/dev/null
sleep 0.5
check "nothing of the run is left running" bash -c "! pgrep -f -- 'eod-[a-z]+ --once --config $CFG' >/dev/null"
backfill again
check "the same command again exits 0 (got $RC)" [ "$RC" = 0 ]
check "it says it resumed" grep -q "written before" "$ENV_DIR/logs-again/coordinator.log"
check "the Slack summary says the run was resumed" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'before an interruption'"
check "the files equal the uninterrupted run's" same_files "$ENV_DIR/data"
twice=$(chunks_twice)
echo "    chunks served before the cut: $before; asked twice: $twice (allowed: $INFLIGHT in flight)"
check "no chunk asked twice beyond those in flight (got $twice)" [ "$twice" -le "$INFLIGHT" ]

echo "# 5. the same command once more: no chunk asked, the files unchanged, S3 already holds them"
before=$(chunks_total)
backfill third
check "the third run exits 0 (got $RC)" [ "$RC" = 0 ]
check "it asked for no chunk ($(( $(chunks_total) - before )) asked)" [ "$(chunks_total)" = "$before" ]
check "the files equal the uninterrupted run's" same_files "$ENV_DIR/data"
check "the uploader found every object already there" grep -q "already holds this file" "$ENV_DIR/logs-third/uploader.log"
check "no secret in any log" bash -c "! grep -rqE 'simDemoSecret|xoxb-sim-demo-token|eyJ' '$ENV_DIR'/logs-*"
env_down
summary
