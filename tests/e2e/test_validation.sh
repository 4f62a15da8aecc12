#!/usr/bin/env bash
#  test_validation.sh — every row of a run is validated before its file is
#  closed (stages/writer/validate.h), against the simulator's row faults:
#    1. a clean day: no anomaly, no sidecar; the summary and the metrics say 0;
#    2. a day with one code per kind (--fault-price, -range, -volume, -move,
#       -wrong-date, -conflict) and one split KIS marks (--fault-split): each
#       kind caught for its code and no other, the split not; a code whose
#       answer holds only a row after the request (--fault-only-wrong-date)
#       stays "no data" and its row is a wrong_date finding all the same;
#       every row written as sent; the sidecar uploaded under anomalies/, apart from
#       the price table; the summary (log, Slack) lists them, the metrics
#       count them;
#    2b. the same run again, the sidecar's object deleted: the re-run offers
#       the existing sidecars too, and the object is back;
#    3. the same day with the writer killed (kill -9) mid-run: restarted, it
#       resumes its journal; the sidecar and the file are byte-identical.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-validation.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
D=2024-09-02
NOW=2024-09-02T18:30:00+09:00
CSV="market=kr/dt=$D/kr_20240902.csv"
SIDECAR="anomalies/market=kr/dt=$D/kr_20240902_anomalies.csv"
PY=/usr/bin/python3

#  run NAME: the KR session's run at NOW, its state under NAME; sets RC, DATA, LOGS.
run() {
    set_key pipeline state_dir "$ENV_DIR/$1/state" pipeline data_dir "$ENV_DIR/$1/data"
    DATA=$ENV_DIR/$1/data LOGS=$ENV_DIR/logs-$1 RUN_OUT=$ENV_DIR/$1.out RC=0
    EOD_NOW=$NOW EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" run --market kr --date $D \
        --codes "$TMP/codes.txt" --config "$CFG" >"$RUN_OUT" 2>&1 || RC=$?
}

#  sim_with OPTIONS...: the simulator again on its port, at NOW, with OPTIONS.
sim_with() {
    kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null
    EOD_NOW=$NOW "$SIM_BIN" --port "$SIM_PORT" --rate 1000 "$@" >"$ENV_DIR/sim.out" 2>>"$ENV_DIR/sim.log" &
    SIM_PID=$!
    ENV_PIDS="$SIM_PID $S3RVER_PID $VERIFY_PID"
    for _ in $(seq 1 100); do grep -q listening "$ENV_DIR/sim.out" 2>/dev/null && break; sleep 0.1; done
}

EOD_NOW=$NOW env_up "$TMP/kr" --rate 1000
set_key kis rate 500 kis jitter_ms 10
#  The rules of validation alone: the simulator's row faults are in the chart,
#  not in the multi-stock quote, which the cross-check would report as well
#  (tests/e2e/test_close.sh).
set_key multiquote cross_check false
curl -s "$SIM/_sim/universe/kr" | $PY -c 'import json,sys; u=json.load(sys.stdin); print("\n".join((u["kospi"] + u["kosdaq"])[:20]))' >"$TMP/codes.txt"
mapfile -t C <"$TMP/codes.txt"

echo "# 1. a clean day"
run clean
check "the clean run exits 0 (got $RC)" [ "$RC" = 0 ]
check "it wrote its 20 rows" [ "$(($(wc -l <"$DATA/$CSV") - 1))" = 20 ]
check "no sidecar" [ ! -e "$DATA/$SIDECAR" ]
check "the metrics count 0" grep -q '^eod_run_anomalies{market="kr",mode="daily"} 0$' "$ENV_DIR/clean/state/metrics/eod.prom"
check "every kind is in the metrics, at 0" [ "$(grep -c '^eod_run_anomalies_by_kind{market="kr",mode="daily",kind="[a-z_]*"} 0$' "$ENV_DIR/clean/state/metrics/eod.prom")" = 7 ]
check "the summary says nothing of validation" bash -c "! grep -q 'validation found' '$LOGS/notifier.log'"

echo "# 2. one code per kind"
FAULTS=(--fault-price "${C[0]}" --fault-range "${C[1]}" --fault-volume "${C[2]}" --fault-move "${C[3]}"
        --fault-split "${C[4]}" --fault-wrong-date "${C[5]}" --fault-conflict "${C[6]}"
        --fault-only-wrong-date "${C[7]}")
sim_with "${FAULTS[@]}"
run faulty
check "the faulty run exits 0 (got $RC)" [ "$RC" = 0 ]
check "every row is written as sent: 19 rows (one code answered none of its session)" \
    [ "$(($(wc -l <"$DATA/$CSV") - 1))" = 19 ]
check "that code is no data, as before" grep -q "(19 ok, 1 no data, 0 unknown, 0 failed)" "$RUN_OUT"
$PY - "$DATA/$SIDECAR" "${C[@]:0:8}" >"$TMP/kinds.out" 2>&1 <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
c = sys.argv[2:]
want = {(c[0], "price"), (c[1], "range"), (c[2], "volume"), (c[3], "move"), (c[5], "wrong_date"), (c[6], "conflict"),
        (c[7], "wrong_date")}
got = {(r["code"], r["kind"]) for r in rows}
assert all(r["trade_date"] == "2024-09-02" for r in rows), rows
assert got == want, (sorted(got), sorted(want))
print("kinds ok", len(rows))
PY
check "the sidecar holds each kind for its code and nothing else, the split not ($(tail -n1 "$TMP/kinds.out"))" \
    grep -q "^kinds ok 7$" "$TMP/kinds.out"
check "the summary lists them" grep -q "validation found 7 anomalies" "$LOGS/notifier.log"
check "so does Slack" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'validation found 7 anomalies'"
check "the metrics count 7" grep -q '^eod_run_anomalies{market="kr",mode="daily"} 7$' "$ENV_DIR/faulty/state/metrics/eod.prom"
check "1 of each kind, 2 wrong_date" [ "$(grep -c '^eod_run_anomalies_by_kind{market="kr",mode="daily",kind="[a-z_]*"} 1$' "$ENV_DIR/faulty/state/metrics/eod.prom")" = 5 ] \
    && grep -q '^eod_run_anomalies_by_kind{market="kr",mode="daily",kind="wrong_date"} 2$' "$ENV_DIR/faulty/state/metrics/eod.prom"
s3c ls eod-demo | cut -f1 >"$TMP/keys"
check "the sidecar is uploaded under anomalies/, apart from the price table" grep -qxF "$SIDECAR" "$TMP/keys"
s3c get eod-demo "$SIDECAR" "$TMP/object.csv"
check "the object is the sidecar byte for byte" cmp -s "$TMP/object.csv" "$DATA/$SIDECAR"
cp "$DATA/$SIDECAR" "$TMP/sidecar.csv"

echo "# 2b. a re-run offers the sidecars again: one whose object is gone is uploaded again"
#  Every code with rows (a "no data" code is asked again by a re-run, whose
#  fold would write the sidecar anew): the re-run asks for nothing.
sim_with "${FAULTS[@]:0:14}"
run rerun
check "a run with a sidecar exits 0 (got $RC)" [ "$RC" = 0 ] && [ -s "$DATA/$SIDECAR" ]
s3c rm eod-demo "$SIDECAR"
s3c ls eod-demo | cut -f1 >"$TMP/keys"
check "the sidecar's object is gone" bash -c "[ -s '$TMP/keys' ] && ! grep -qxF '$SIDECAR' '$TMP/keys'"
run rerun
check "the re-run exits 0 (got $RC), asking for nothing" [ "$RC" = 0 ] && grep -q " 0 requests" "$RUN_OUT"
s3c get eod-demo "$SIDECAR" "$TMP/object2.csv"
check "it is back, the sidecar byte for byte" cmp -s "$TMP/object2.csv" "$DATA/$SIDECAR"
check "the writer offered it as an existing file" grep -q "(1 of them anomaly sidecars)" "$LOGS/writer.log"

echo "# 3. the writer killed mid-run: restarted, it resumes its journal and writes the same sidecar"
set_key pipeline state_dir "$ENV_DIR/killed/state" pipeline data_dir "$ENV_DIR/killed/data" kis rate 4
sim_with "${FAULTS[@]}"
LOGS=$ENV_DIR/logs-killed RUN_OUT=$ENV_DIR/killed.out
EOD_NOW=$NOW EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" run --market kr --date $D \
    --codes "$TMP/codes.txt" --config "$CFG" >"$RUN_OUT" 2>&1 &
LPID=$!
for _ in $(seq 1 300); do [ "$(sim_requests)" -ge 8 ] && break; sleep 0.1; done
pid=$(pgrep -f "eod-writer --once --config $CFG" | head -n1)
[ -n "$pid" ] && kill -9 "$pid"
RC=0; wait "$LPID" || RC=$?
check "the run with the writer killed exits 0 (got $RC)" [ "$RC" = 0 ]
check "the launcher restarted the writer" grep -q "writer[-0-9]* died (signal 9): restarted" "$LOGS/restarts.log"
check "the sidecar is byte-identical" cmp -s "$ENV_DIR/killed/data/$SIDECAR" "$TMP/sidecar.csv"
check "the file is byte-identical" cmp -s "$ENV_DIR/killed/data/$CSV" "$ENV_DIR/faulty/data/$CSV"
summary
