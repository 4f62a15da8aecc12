#!/usr/bin/env bash
#  test_service.sh — the pipeline in service mode (`launch/eod service`, every
#  stage long-lived, the calendar starting runs on [schedule]) against the
#  simulators, with the clock of every stage moved through EOD_CLOCK_FILE:
#
#    Sat 2024-08-31 07:29 Seoul  start; KR's Friday, due 18:00 the day before,
#                                is older than catchup_hours: reported missed
#                    07:30       US 2024-08-30 (Friday's New York session) runs
#    Mon 2024-09-02  18:00       KR 2024-09-02 runs (Monday 07:30 Seoul has no
#                                new New York session: nothing for US)
#                    18:30       the service is stopped and started again:
#                                nothing runs twice
#    Tue 2024-09-03  07:30       US 2024-09-02 is Labor Day: a closed notice
#                    18:00       KR 2024-09-03 runs
#
#  and finds exactly one run per market per session, the data and the S3
#  objects of each, the Slack summaries and notices, and the metrics file.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

RATE=1000            #  requests/s: the runs take seconds, not minutes
WAIT_S=120           #  longest wait for one run

DIR=$(mktemp -d /tmp/eod-service.XXXXXX)
SERVICE_PID=""
cleanup() {
    [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
    env_down
    [ "${KEEP:-}" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT

env_up "$DIR" --rate "$RATE"
set_key kis rate "$RATE"
set_key kis jitter_ms 0
set_key schedule markets "kr,us"
set_key schedule poll_ms 100
set_key pipeline fetchers 4
LOGS=$DIR/logs
mkdir -p "$LOGS"
export EOD_CLOCK_FILE=$DIR/clock
STATE=$DIR/state

clock() { printf '%s\n' "$1" >"$EOD_CLOCK_FILE"; }

start_service() {
    EOD_LOG_DIR=$LOGS EOD_SERVICE_RESTART_S=1 "$ROOT/launch/eod" service --config "$CFG" \
        >>"$LOGS/service.out" 2>&1 &
    SERVICE_PID=$!
    for _ in $(seq 1 100); do
        grep -q "service: .* market(s)" "$LOGS/calendar.log" 2>/dev/null \
            && [ "$(grep -c "service: .* market(s)" "$LOGS/calendar.log")" -ge "$1" ] && break
        sleep 0.1
    done
}

stop_service() {
    kill "$SERVICE_PID" 2>/dev/null
    wait "$SERVICE_PID" 2>/dev/null
    SERVICE_PID=""
}

#  wait_for FILE PATTERN: until a line of FILE matches, at most WAIT_S.
wait_for() {
    local i
    for i in $(seq 1 $((WAIT_S * 5))); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

count() { grep -cE "$2" "$1" 2>/dev/null || true; }

#  ------------------------------------------------------------ Saturday morning
clock 2024-08-31T07:29:50+09:00
start_service 1
#  Its first look at the schedule reports the two weekdays missed.
wait_for "$LOGS/calendar.log" "was due .* while the service was down" >/dev/null
check "the service started and gated nothing before 07:30" \
    test "$(count "$LOGS/calendar.log" 'gating it')" = 0
check "KR 2024-08-30, due 13.5 h before the start, is reported missed, not run" \
    grep -q "kr 2024-08-30 was due .* while the service was down" "$LOGS/calendar.log"

clock 2024-08-31T07:30:05+09:00
check "at 07:30 Seoul the US run of Friday 2024-08-30 ends" \
    wait_for "$LOGS/notifier.log" "run us daily 2024-08-30: .* rows"
check "the US 2024-08-30 run is right (rows, S3 object, Slack summary, no EGW00201)" \
    "$ROOT/tests/e2e/check_run.sh" --market us --sim "$SIM" --s3 "$S3" --data "$DIR/data" --date 2024-08-30 \
        --tokens 1
check "KR was not gated on Saturday" test "$(count "$LOGS/calendar.log" 'kr .*gating it')" = 0
clock 2024-09-02T07:30:05+09:00
sleep 1
check "Monday 07:30 Seoul gates nothing (no New York session since Friday's)" \
    test "$(count "$LOGS/calendar.log" 'gating it')" = 1

#  ------------------------------------------------------------ Monday evening
clock 2024-09-02T18:00:05+09:00
check "at 18:00 Seoul the KR run of 2024-09-02 ends" \
    wait_for "$LOGS/notifier.log" "run kr daily 2024-09-02: .* rows"
check "the KR 2024-09-02 run is right (rows, S3 object, Slack summary, no EGW00201)" \
    "$ROOT/tests/e2e/check_run.sh" --market kr --sim "$SIM" --s3 "$S3" --data "$DIR/data" --date 2024-09-02 \
        --tokens 1

#  ------------------------------------------------------------ a restart
clock 2024-09-02T18:30:00+09:00
missed_before=$(count "$LOGS/calendar.log" 'while the service was down')
stop_service
check "the service stopped" test -z "$(pgrep -f "$DIR/eod.ini" || true)"
next_lines=$(count "$LOGS/calendar.log" ': next weekday ')
start_service 2
#  The restarted calendar's first look at the schedule: each market's next weekday.
for _ in $(seq 1 $((WAIT_S * 5))); do
    [ "$(count "$LOGS/calendar.log" ': next weekday ')" -ge $((next_lines + 2)) ] && break
    sleep 0.2
done
check "after the restart nothing is gated again" test "$(count "$LOGS/calendar.log" 'gating it')" = 2
check "the restarted service reports no weekday missed (both were run)" \
    test "$(count "$LOGS/calendar.log" 'while the service was down')" = "$missed_before"

#  ------------------------------------------------------------ Tuesday
clock 2024-09-03T07:30:05+09:00
check "at 07:30 Seoul the US session of 2024-09-02 (Labor Day) gets a closed notice" \
    wait_for "$LOGS/calendar.log" "us market closed on 2024-09-02"
clock 2024-09-03T18:00:05+09:00
check "at 18:00 Seoul the KR run of 2024-09-03 ends" \
    wait_for "$LOGS/notifier.log" "run kr daily 2024-09-03: .* rows"
check "the KR 2024-09-03 run is right (rows, S3 object, Slack summary, no EGW00201)" \
    "$ROOT/tests/e2e/check_run.sh" --market kr --sim "$SIM" --s3 "$S3" --data "$DIR/data" --date 2024-09-03 \
        --tokens 1
#  The notifier rewrites the metrics after the run's summary.
wait_for "$STATE/metrics/eod.prom" "^eod_last_success_session_timestamp_seconds\{market=\"kr\"\} $(date -u -d 2024-09-03 +%s)" >/dev/null
stop_service

#  ------------------------------------------------------------ exactly once
for run in "kr 2024-09-02" "kr 2024-09-03" "us 2024-08-30" "us 2024-09-02"; do
    check "$run gated exactly once" test "$(count "$LOGS/calendar.log" "^.*: ${run}: due at .* gating it")" = 1
done
check "four weekdays gated in all, across the restart" test "$(count "$LOGS/calendar.log" 'gating it')" = 4
check "the record holds the four weekdays" test "$(grep -c . "$STATE/calendar/fired")" = 4
for run in "kr daily 2024-09-02" "kr daily 2024-09-03" "us daily 2024-08-30"; do
    check "one run summary for $run" test "$(count "$LOGS/notifier.log" "run ${run}: .* rows")" = 1
done
check "no run for the US holiday" test "$(count "$LOGS/notifier.log" 'run us daily 2024-09-02: .* rows')" = 0
check "three partitions written" test "$(find "$DIR/data" -path "$DIR/data/market=*" -name '*.csv' | wc -l)" = 3
check "no stage had to be restarted" test ! -s "$LOGS/restarts.log"

#  ------------------------------------------------------------ Slack
curl -s "$SIM/_sim/slack" >"$DIR/slack.json"
slack_count() {
    /usr/bin/python3 - "$DIR/slack.json" "$1" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
msgs = doc if isinstance(doc, list) else doc.get("messages", [])
print(sum(1 for m in msgs if re.search(sys.argv[2], json.dumps(m, ensure_ascii=False))))
PY
}
check "Slack: one closed-market notice for US 2024-09-02" test "$(slack_count 'us 2024-09-02: market closed')" = 1
check "Slack: one summary per run" test "$(slack_count 'eod (kr|us) [0-9-]+: complete')" = 3
check "Slack: an alert for each weekday missed while the service was down (KR 2024-08-30, US 2024-08-29)" \
    test "$(slack_count 'while the service was down')" = 2

#  ------------------------------------------------------------ metrics
PROM=$STATE/metrics/eod.prom
check "the metrics file exists" test -s "$PROM"
metric() { grep -E "^$1 " "$PROM" | awk '{print $2}'; }
check "metrics: KR's last successful session is 2024-09-03" \
    test "$(metric 'eod_last_success_session_timestamp_seconds\{market="kr"\}')" = \
         "$(date -u -d 2024-09-03 +%s)"
check "metrics: US's last successful session is 2024-08-30 (Labor Day was closed)" \
    test "$(metric 'eod_last_success_session_timestamp_seconds\{market="us"\}')" = \
         "$(date -u -d 2024-08-30 +%s)"
check "metrics: the latest US daily run was closed" \
    grep -qE '^eod_run_status\{market="us",mode="daily",status="closed"\} 1' "$PROM"
check "metrics: the latest KR daily run wrote rows" \
    bash -c "grep -E '^eod_run_rows\\{market=\"kr\",mode=\"daily\"\\} [1-9]' '$PROM' >/dev/null"
summary
