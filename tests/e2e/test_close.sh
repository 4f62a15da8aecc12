#!/usr/bin/env bash
#  test_close.sh — the fast close (launch/eod close) and the cross-check of a
#  daily KR run, against the simulator and a local S3, 60 codes:
#    1. at 18:30 of the session: the file of the data set close
#       (close/market=kr/dt=D/kr_close_YYYYMMDD.csv) with a row per code, its
#       columns, values equal to the daily chart's; its object under the hive
#       key, apart from the price table; exit 0; the same command again gives
#       the same bytes and asks nothing;
#    2. a code the simulator does not know and leaves out of its multi-quote
#       answer (--unknown-codes 1 --mq-unknown omit): a gap, exit 5, in
#       state/gaps, the other rows written;
#    3. [s3] layout = reference: the file under close/year=/month=/day=;
#    4. refused with exit 2: another date, before the close, US, the mock host;
#    5. a daily run, cross-checked, with the quote of one code moved
#       (--mq-disagree CODE:close:7): the anomalies sidecar holds it (kind
#       xcheck, both values and both request times), the summary says
#       "cross-check: 60 checked, 1 disagreed, 0 not cross-checked", the
#       metrics carry the counts, the rows are the chart's, exit 0;
#       --no-cross-check: "cross-check: off (flag)".
#  Some 30 s.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-close.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
D=2024-09-02
NOW=2024-09-02T18:30:00+09:00
CLOSE="close/market=kr/dt=$D/kr_close_20240902.csv"
CSV="market=kr/dt=$D/kr_20240902.csv"
SIDECAR="anomalies/market=kr/dt=$D/kr_20240902_anomalies.csv"

#  run_at INSTANT NAME ARGS...: launch/eod ARGS at INSTANT, state and files
#  under NAME; sets RC, RUN_OUT, LOGS, DATA, STATE.
run_at() {
    local instant=$1 name=$2; shift 2
    set_key pipeline state_dir "$ENV_DIR/$name/state" pipeline data_dir "$ENV_DIR/$name/data"
    DATA=$ENV_DIR/$name/data STATE=$ENV_DIR/$name/state LOGS=$ENV_DIR/logs-$name RUN_OUT=$ENV_DIR/$name.out RC=0
    EOD_NOW=$instant EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" "$@" --config "$CFG" >"$RUN_OUT" 2>&1 \
        || RC=$?
}

#  keys: every key of the bucket, one a line.
keys() { s3c ls eod-demo | cut -f1; }

EOD_NOW=$NOW env_up "$TMP/kr" --rate 1000
set_key kis rate 500 kis jitter_ms 10
#  59 KOSPI codes and the first KOSDAQ code the filter selects (the one
#  --unknown-codes 1 makes unknown).
curl -s "$SIM/_sim/universe/kr" | $PY -c '
import json, sys
u = json.load(sys.stdin)
print("\n".join(u["kospi"][:59] + u["kosdaq"][:1]))' >"$TMP/codes.txt"
UNKNOWN=$(tail -n1 "$TMP/codes.txt")
check "60 codes to run" [ "$(wc -l <"$TMP/codes.txt")" = 60 ]

echo "# 1. the fast close at 18:30"
run_at $NOW close close --date $D --codes "$TMP/codes.txt"
check "it exits 0 (got $RC)" [ "$RC" = 0 ]
check "its file has the 13 columns" \
    [ "$(head -n1 "$DATA/$CLOSE")" = "date,code,name,open,high,low,close,volume,value,prev_close,change,sign,rate" ]
check "and a row per code, dated the session" \
    [ "$(grep -c "^$D,[0-9A-Z]*," "$DATA/$CLOSE")" = 60 ] && [ "$(wc -l <"$DATA/$CLOSE")" = 61 ]
check "no price file, no TASK: the close is a data set of its own" \
    [ ! -e "$DATA/$CSV" ] && grep -q "2 requests" "$RUN_OUT"
cp "$DATA/$CLOSE" "$TMP/close.csv"
keys >"$TMP/keys"
check "its object is under the hive key of the data set close" grep -qxF "$CLOSE" "$TMP/keys"
check "nothing under the price table's location" bash -c "! grep -q '^market=kr/' '$TMP/keys'"
s3c get eod-demo "$CLOSE" "$TMP/object.csv"
check "the object is the file byte for byte" cmp -s "$TMP/object.csv" "$DATA/$CLOSE"
run_at $NOW close close --date $D --codes "$TMP/codes.txt"
check "the same command again exits 0 (got $RC) with the same bytes, asking nothing" \
    [ "$RC" = 0 ] && cmp -s "$TMP/close.csv" "$DATA/$CLOSE" && grep -q " 0 requests" "$RUN_OUT"

echo "# 2. a code the multi-quote leaves out: a gap, exit 5"
sim_at $NOW --unknown-codes 1 --mq-unknown omit
run_at $NOW gap close --date $D --codes "$TMP/codes.txt"
check "it exits 5 (got $RC)" [ "$RC" = 5 ]
check "the 59 others are written" [ "$(($(wc -l <"$DATA/$CLOSE") - 1))" = 59 ] \
    && bash -c "! grep -q ',$UNKNOWN,' '$DATA/$CLOSE'"
check "the code is in state/gaps" bash -c "cat '$STATE'/gaps/kr-*.tsv 2>/dev/null | grep -q '$UNKNOWN'"

echo "# 3. the reference layout"
sim_at $NOW
set_key s3 layout reference
run_at $NOW reference close --date $D --codes "$TMP/codes.txt"
check "it exits 0 (got $RC)" [ "$RC" = 0 ]
keys >"$TMP/keys"
check "the file is under close/year=2024/month=09/day=02/" \
    grep -qxF "close/year=2024/month=09/day=02/kr_close_20240902.csv" "$TMP/keys"
set_key s3 layout hive

echo "# 4. refused with exit 2"
run_at $NOW other close --date 2024-08-30 --codes "$TMP/codes.txt"
check "another date (got $RC), saying so" [ "$RC" = 2 ] && [ ! -e "$DATA/close" ] \
    && grep -q "the fast close is of the latest closed session only" "$RUN_OUT"
run_at 2024-09-02T14:00:00+09:00 early close --date $D --codes "$TMP/codes.txt"
check "before the close (got $RC), saying so" [ "$RC" = 2 ] && [ ! -e "$DATA/close" ] \
    && grep -q "the session has not closed yet" "$RUN_OUT"
run_at $NOW us close --market us
check "US (got $RC), saying so" [ "$RC" = 2 ] && grep -q "the fast close is of a KR session only" "$RUN_OUT"
set_key kis env test kis test_url "http://127.0.0.1:$SIM_PORT" \
    test_app key "$(sed -n 's/^key = //p' "$CFG" | head -n1)" \
    test_app secret_key "$(sed -n 's/^secret_key = //p' "$CFG" | head -n1)"
run_at $NOW mock close --date $D --codes "$TMP/codes.txt"
check "the mock host (got $RC), saying so" [ "$RC" = 2 ] && [ ! -e "$DATA/close" ] \
    && grep -q "the mock host (\[kis\] env = test) has no multi-stock quote" "$LOGS/calendar.log"
set_key kis env live

echo "# 5. a daily run, cross-checked"
MOVED=$(head -n1 "$TMP/codes.txt")
sim_at $NOW --mq-disagree "$MOVED:close:7"
run_at $NOW daily run --market kr --date $D --codes "$TMP/codes.txt"
check "it exits 0 (got $RC)" [ "$RC" = 0 ]
check "the sidecar holds the disagreement, kind xcheck, both values and request times" \
    grep -q "^$D,$MOVED,xcheck,\"close: chart [0-9]* quote [0-9]* (tolerance 0); chart asked 2024-09-02T18:3[0-9]:[0-9]*+09:00, quote asked 2024-09-02T18:3[0-9]:[0-9]*+09:00\"$" \
    "$DATA/$SIDECAR"
check "and nothing else" [ "$(grep -c ',xcheck,' "$DATA/$SIDECAR")" = 1 ]
check "the row is the chart's: the file's close equals the fast close's" \
    $PY - "$DATA/$CSV" "$TMP/close.csv" "$MOVED" <<'PY'
import csv, sys
chart = {r["stck_shrn_iscd"]: r["stck_clpr"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
close = {r["code"]: r["close"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
sys.exit(0 if chart == close and len(chart) == 60 else 1)
PY
check "the summary says so" grep -q "cross-check: 60 checked, 1 disagreed, 0 not cross-checked" "$LOGS/notifier.log"
check "the metrics carry the counts" grep -q '^eod_run_xcheck_disagreed{market="kr",mode="daily"} 1$' \
    "$STATE/metrics/eod.prom" && grep -q '^eod_run_xcheck_checked{market="kr",mode="daily"} 60$' "$STATE/metrics/eod.prom"
run_at $NOW flag run --market kr --date $D --codes "$TMP/codes.txt" --no-cross-check
check "--no-cross-check: exit 0 (got $RC), the summary says off (flag), no finding" [ "$RC" = 0 ] \
    && grep -q "cross-check: off (flag)" "$LOGS/notifier.log" && [ ! -e "$DATA/$SIDECAR" ]
summary
