#!/usr/bin/env bash
#  test_pipeline.sh — end-to-end runs of the KR pipeline against private
#  simulators: the real 20/s budget once, then fast runs (--rate 200) for
#  fetchers joining mid-run, a closed day, and the bad-input cases (garbled
#  master records, non-JSON HTTP 500s, unknown codes, a wrong S3 secret).
#  Parts run side by side, each in an environment of its own: the runs at
#  the real budget (1, 1b and 2c), which mostly wait on it, and 4 to 7 in the
#  background beside 2, 2b, 3 and 8.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-e2e.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
DATE=2024-09-02
run() {   # run NAME [launch/eod run options]: sets RC and LOGS
    local name=$1; shift
    LOGS=$ENV_DIR/logs-$name
    RUN_OUT=$ENV_DIR/$name.out
    RC=0
    EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=600 "$ROOT/launch/eod" run --market kr --config "$CFG" "$@" \
        >"$ENV_DIR/$name.out" 2>&1 || RC=$?
}
fast() {   # the budget raised with the simulator's limit, for quick runs
    set_key kis rate 200
    set_key kis jitter_ms 10
}

#  1 and 1b: the real budget.
real_budget() {
    echo "# 1. a daily run at the real budget (20/s): every code, S3, Slack, no EGW00201, one token"
    env_up "$TMP/real"
    run real
    check "run exits 0 (got $RC)" [ "$RC" = 0 ]
    "$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date $DATE --tokens 1 \
        && ok "check_run: the real-budget run is complete and correct" || bad "check_run failed for the real-budget run"
    echo "# 1b. the same day again at 20/s: the cached token is reused, files are byte-identical, S3 skips the same MD5"
    cp "$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv" "$TMP/first.csv"

    run again
    check "second run exits 0" [ "$RC" = 0 ]
    check "second run's CSV is byte-identical" cmp -s "$TMP/first.csv" "$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv"
    tokens=$(curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_issued"])')
    check "still one token issued after two runs (got $tokens)" [ "$tokens" = 1 ]
    check "the uploader saw the object already there" grep -q "already holds this file" "$LOGS/uploader.log"
    #  The ledger holds the run as finished; the lister lists it again all the same.
    check "the coordinator asked for nothing the ledger had" grep -q "settled: .* 0 requests" "$LOGS/coordinator.log"
    check "the coordinator took the whole listing before it ended the run" \
        bash -c "! grep -qE 'does not answer|sending the listing again' '$LOGS/lister.log'"
    check "every stage of the re-run ended on its own" bash -c "! grep -q 'had not ended' '$RUN_OUT'"
    check "no secret in any log" bash -c "! grep -rqE 'simDemoSecret|xoxb-sim-demo-token|eyJ' '$ENV_DIR'/logs-*"
    env_down
}

#  2c: at the real budget too.
stalled_fetchers() {
    echo "# 2c. fetchers stalled while they hold a task: requests that leave late are paced from when they left"
    #  One fetcher at a time is stopped (SIGSTOP) for 150 ms, again and again,
    #  so the requests of the tasks it holds leave up to 150 ms after their
    #  dispatch. At the real budget (the simulator's limit of 20/s) the pacer's
    #  window, 1 s + jitter_ms 10 + margin_ms 40, does not cover one such request
    #  unless the fetchers' sent_us is heeded: then it is counted from when it
    #  left, and the next dispatches keep their distance from it.
    env_up "$TMP/stall" --rate 20
    set_key kis rate 20
    set_key kis jitter_ms 10
    set_key kis margin_ms 40
    sim_codes 300 "$TMP/stall-codes.txt" >/dev/null
    LOGS=$ENV_DIR/logs-stall
    RUN_OUT=$ENV_DIR/stall.out
    EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=600 "$ROOT/launch/eod" run --market kr --config "$CFG" --fetchers 4 \
        --codes "$TMP/stall-codes.txt" >"$ENV_DIR/stall.out" 2>&1 &
    RUN_PID=$!
    #  Once the simulator serves the run's requests, a fetcher picked at random
    #  is stopped, again and again (the fetchers are looked up again when one
    #  has ended): few processes a stall, so that a busy machine does not
    #  space the stalls out.
    stalls=0 fetching="" victims=()
    while kill -0 "$RUN_PID" 2>/dev/null; do
        if [ -z "$fetching" ]; then
            grep -q "itemchartprice" <(curl -s "$SIM/_sim/stats") && fetching=1
        elif [ ${#victims[@]} = 0 ]; then
            mapfile -t victims < <(pgrep -f "bin/eod-fetcher .*--config $CFG")
        else
            victim=${victims[RANDOM % ${#victims[@]}]}
            if kill -STOP "$victim" 2>/dev/null; then
                sleep 0.15; kill -CONT "$victim" 2>/dev/null; stalls=$((stalls + 1))
            else
                victims=()
            fi
        fi
        sleep 0.05
    done
    wait "$RUN_PID"; RC=$?
    check "the run with stalled fetchers exits 0 (got $RC)" [ "$RC" = 0 ]
    check "fetchers were stalled while the run fetched ($stalls times)" [ "$stalls" -ge 20 ]
    rejected=$(curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rate_limited"])')
    check "no EGW00201 (got $rejected)" [ "$rejected" = 0 ]
    late=$(grep -o "; [0-9]* request(s) left late" "$LOGS/coordinator.log" | awk '{n += $2} END {print n + 0}')
    check "the coordinator heard of requests that left late ($late)" [ "$late" -ge 10 ]
    rows=$(($(wc -l <"$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv") - 1))
    check "a row for each of the 300 codes (got $rows)" [ "$rows" = 300 ]
    env_down
}

#  4 to 7.
bad_inputs_and_us() {
    echo "# 4. garbled master records, non-JSON HTTP 500s and unknown codes"
    env_up "$TMP/bad" --rate 200 --master-garble 3 --fault-nonjson500 0.05 --unknown-codes 4 --seed 7
    fast
    run bad
    check "run exits 0: unknown codes are reported, 500s retried (got $RC)" [ "$RC" = 0 ]
    check "garbled records are logged with file:line" grep -qE "kosdaq_code.mst:[0-9]+: garbled" "$LOGS/lister.log"
    check "HTTP 500 with a non-JSON body is logged and retried" grep -q "retry in" "$LOGS/coordinator.log"
    check "the unknown codes are logged" grep -q "unknown to the API" "$LOGS/coordinator.log"
    "$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date $DATE >"$TMP/bad.check" \
        && ok "every known code has its row despite the faults" || { bad "rows missing after faults"; cat "$TMP/bad.check"; }
    check "the Slack summary lists the unknown codes" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'unknown symbol'"
    check "the Slack summary reports the garbled master records" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'garbled record'"
    env_down

    echo "# 5. a wrong S3 secret: a clear error, a reported failure, the local file kept"
    env_up "$TMP/s3bad" --rate 200
    fast
    set_key AWS_CONFIG aws_secret_access_key WRONGSECRET
    #  100 codes: the refusal is the first upload's, whatever the file holds.
    sim_codes 100 "$TMP/s3bad-codes.txt" >/dev/null
    run s3bad --codes "$TMP/s3bad-codes.txt"
    check "wrong S3 secret makes the run fail (got $RC)" [ "$RC" != 0 ]
    check "the uploader names the S3 error" grep -q "SignatureDoesNotMatch" "$LOGS/uploader.log"
    check "the file is still written locally" [ -s "$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv" ]
    check "Slack holds a failure alert" bash -c "curl -s '$SIM/_sim/slack' | grep -qi 'fail'"
    check "the wrong secret is not logged" bash -c "! grep -rq WRONGSECRET '$LOGS'"
    env_down
    echo "# 6. a US daily run: the index universe, exchanges from the masters, absent symbols reported"
    env_up "$TMP/us" --rate 200 --us-unknown 2
    fast
    run us --market us
    check "US run exits 0 (got $RC)" [ "$RC" = 0 ]
    "$ROOT/tests/e2e/check_run.sh" --market us --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date 2024-08-30 >"$TMP/us.check" \
        && ok "every US symbol the API knows has its row, S3 and Slack hold the run" || { bad "US run incomplete"; cat "$TMP/us.check"; }
    check "symbols in no master file are in the Slack summary" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'absent from the KIS master files'"
    #  A (Agilent) is the NYS master's first record: its row, or (when the simulator
    #  makes it one of the unknown symbols) its line in the summary, shows it was read.
    if curl -s "$SIM/_sim/universe/us" | /usr/bin/python3 -c 'import json,sys; sys.exit(0 if "A" in json.load(sys.stdin)["unknown"] else 1)'; then
        check "the first record of the NYS master (A) was read: reported unknown" bash -c "curl -s '$SIM/_sim/slack' | grep -qE '[^A-Z]A unknown symbol'"
    else
        check "the first record of the NYS master (A) was read: its row is there" grep -q ',A,[01],[01],[01],' "$ENV_DIR/data/market=us/dt=2024-08-30/us_20240830.csv"
    fi
    check "a class share is asked in the KIS form (BRK/B)" grep -q ',BRK/B,' "$ENV_DIR/data/market=us/dt=2024-08-30/us_20240830.csv"
    env_down

    echo "# 7. a US session not published yet: never yesterday's row under today's date"
    EOD_NOW=2024-08-29T20:00:00-04:00 env_up "$TMP/unpub" --rate 200
    fast
    set_key us unpublished_deadline_s 0
    run unpub --market us --date 2024-08-30
    check "no file is written for the unpublished session" [ ! -e "$ENV_DIR/data/market=us/dt=2024-08-30" ]
    check "the coordinator reports the session as not published" grep -q "not published by the deadline" "$LOGS/coordinator.log"
    check "the summary says the session was not published" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'us 2024-08-30 was not published'"
    check "the run ends incomplete, exit 5 (got $RC)" [ "$RC" = 5 ]
    env_down
}

in_background real real_budget
in_background stall stalled_fetchers
in_background inputs bad_inputs_and_us

echo "# 2. fetchers joining mid-run receive and complete tasks"
env_up "$TMP/join" --latency-ms 40 --rate 200
fast
RUN_OUT=$ENV_DIR/join.out
EOD_LOG_DIR=$ENV_DIR/logs-join EOD_RUN_TIMEOUT=600 "$ROOT/launch/eod" run --market kr --config "$CFG" --fetchers 1 \
    >"$ENV_DIR/join.out" 2>&1 &
RUN_PID=$!
#  Mid-run: once the first fetcher has made 50 of the run's requests.
for _ in $(seq 1 100); do [ "$(sim_requests)" -ge 50 ] && break; sleep 0.1; done
#  Two more fetchers, as another machine would add them: by the endpoint alone.
"$ROOT/launch/eod" fetchers 2 --connect "ipc://$ENV_DIR/state/sock/fetchers" --config "$CFG" 2>"$ENV_DIR/joined.log" &
JOINED=$!
wait "$RUN_PID"; echo $? >"$ENV_DIR/join.rc"
kill "$JOINED" 2>/dev/null; wait "$JOINED" 2>/dev/null
check "the run with late fetchers exits 0 (got $(cat "$ENV_DIR/join.rc" 2>/dev/null))" [ "$(cat "$ENV_DIR/join.rc" 2>/dev/null)" = 0 ]
LOGS=$ENV_DIR/logs-join
joined=$(grep -c "joined" "$LOGS/coordinator.log")
check "three fetchers joined the coordinator (got $joined)" [ "$joined" -ge 3 ]
late=$(grep "returned .* result" "$LOGS/coordinator.log" | grep -v "returned 0 " | wc -l)
check "at least three fetchers returned results, the late ones included (got $late)" [ "$late" -ge 3 ]
"$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date $DATE >/dev/null \
    && ok "the run with late fetchers is complete" || bad "the run with late fetchers is not complete"
env_down

echo "# 2b. answers slower than three heartbeats: the fetchers keep the coordinator's link alive meanwhile"
#  3% of the answers take 4.5 s, over the 3 s after which a silent fetcher is
#  gone; the request timeout is above it. 300 codes of the universe.
env_up "$TMP/slow" --rate 200 --fault-slow 0.03 --fault-slow-ms 4500 --seed 7
fast
set_key kis timeout_ms 9000
sim_codes 300 "$TMP/slow-codes.txt" >/dev/null
run slow --codes "$TMP/slow-codes.txt"
check "the run with slow answers exits 0 (got $RC)" [ "$RC" = 0 ]
slow=$(curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["faults"].get("slow", 0))')
check "the simulator answered slowly ($slow times)" [ "$slow" -ge 2 ]
check "no fetcher was taken for gone" bash -c "! grep -q 'heartbeats: gone' '$LOGS/coordinator.log'"
check "no slow request was leased again or retried" \
    bash -c "! grep -qE 'in time: leased again|retry in' '$LOGS/coordinator.log'"
rows=$(($(wc -l <"$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv") - 1))
check "a row for each of the 300 codes (got $rows)" [ "$rows" = 300 ]
#  A RESULT stands for the fetcher's next READY: one READY a fetcher (its
#  first), not one a task.
readies=$(grep -o "sent [0-9]* READY in this run" "$LOGS/coordinator.log" | awk '{n += $2} END {print n + 0}')
nf=$(grep -c "sent [0-9]* READY in this run" "$LOGS/coordinator.log")
check "one READY per fetcher, not per task ($readies from $nf fetchers)" [ "$nf" -ge 1 ] && [ "$readies" -le "$nf" ]
env_down

echo "# 3. a closed day, KIS chk-holiday asked once a day: exit 0, the notice in Slack, nothing written"
env_up "$TMP/closed" --rate 200
fast
set_key kis holiday_check true
run closed --date 2024-09-16
check "the calendar gate used KIS chk-holiday" grep -q "chk-holiday: [0-9]* day(s) from KIS" "$LOGS/calendar.log"
run closed2 --date 2024-09-16
calls=$(curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["chk_holiday_calls"])')
check "chk-holiday was called once for two runs on the same day (got $calls)" [ "$calls" = 1 ]
check "closed day exits 0 (got $RC)" [ "$RC" = 0 ]
check "the launcher says the market was closed" grep -q "market closed" "$ENV_DIR/closed.out"
check "Slack holds the closed-market notice" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'closed'"
check "no file for the closed day" [ ! -e "$ENV_DIR/data/market=kr/dt=2024-09-16" ]
env_down

echo "# 8. a one-month KR backfill: one request per code, one file per session; gaps recorded and refilled"
env_up "$TMP/backfill" --rate 200 --fault-nonjson500 0.03 --seed 11
fast
set_key kis max_attempts 1
#  400 codes of the universe by default (the whole of it with --full): the
#  month's 21 files and the refill are the same either way.
BF_CODES=()
if [ "$TEST_FULL" != 1 ]; then
    sim_codes 400 "$TMP/bf-codes.txt" >/dev/null
    BF_CODES=(--codes "$TMP/bf-codes.txt")
fi
LOGS=$ENV_DIR/logs-bf; RC=0
RUN_OUT=$ENV_DIR/bf.out
EOD_LOG_DIR=$LOGS "$ROOT/launch/eod" backfill --market kr --months 202408 202408 --config "$CFG" \
    "${BF_CODES[@]+"${BF_CODES[@]}"}" >"$ENV_DIR/bf.out" 2>&1 || RC=$?
check "a backfill with failures after retries exits 1, partial (got $RC)" [ "$RC" = 1 ]
files=$(ls "$ENV_DIR/data/market=kr" | wc -l)
check "one file per session of 2024-08 (21, got $files)" [ "$files" = 21 ]
if [ "$TEST_FULL" != 1 ]; then
    ncodes=$(wc -l <"$TMP/bf-codes.txt")
else
    ncodes=$(curl -s "$SIM/_sim/universe/kr" | /usr/bin/python3 -c 'import json,sys; u=json.load(sys.stdin); print(len(u["kospi"]) + len(u["kosdaq"]))')
fi
requests=$(sim_requests)
check "one request per code for the month ($ncodes codes, got $requests requests)" [ "$requests" = "$ncodes" ]
gapfile=$(ls "$ENV_DIR/state/gaps/"kr-*.tsv 2>/dev/null | head -n1)
check "the codes that failed are recorded with their reason under state/gaps" bash -c "[ -s '$gapfile' ] && grep -q 'retryable' '$gapfile'"
set_key kis max_attempts 5
RC=0
RUN_OUT=$ENV_DIR/gaps.out
EOD_LOG_DIR=$ENV_DIR/logs-gaps "$ROOT/launch/eod" backfill --market kr --gaps --config "$CFG" >"$ENV_DIR/gaps.out" 2>&1 || RC=$?
check "backfill --gaps refills them (exit $RC)" [ "$RC" = 0 ]
check "the refilled gap file is removed" [ ! -e "$gapfile" ]
rows=$(cat "$ENV_DIR"/data/market=kr/dt=*/kr_*.csv | grep -vc '^stck_bsop_date')
check "every code has every session of the month after the refill ($((ncodes * 21)) rows, got $rows)" [ "$rows" = $((ncodes * 21)) ]
#  Asked today, the month's sessions are long closed: no quote of theirs.
check "backfilled rows leave the snapshot columns empty and carry the group code" /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert rows and all(r["group_code"] and not (r["stck_prpr"] or r["hts_avls"] or r["per"] or r["revenue"]) for r in rows)
' "$ENV_DIR/data/market=kr/dt=2024-08-30/kr_20240830.csv"
env_down
join_background
summary
