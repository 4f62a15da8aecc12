#!/usr/bin/env bash
#  test_crosscheck.sh — a daily KR run compares each row with the
#  multi-stock quote (FHKST11300006, BATCHes of [multiquote] batch_size
#  codes) against the simulator, every stage's clock at 18:30 Seoul of the
#  session D:
#    1. a clean day: N chart requests and ceil(N/30) batches, none rate
#       limited; every code checked, none disagreed; the same when a batch
#       counts as 5 requests (--mq-units, [multiquote] units_per_batch);
#    2. injected differences (--mq-disagree): beyond the tolerance reported
#       in the anomalies sidecar (close, volume, open), within it not;
#    3. kill -9 of a fetcher, and 4. of the coordinator, in the middle of the
#       cross-check: restarted, the run ends complete with a sidecar
#       byte-identical to 2.'s and every code checked once; no batch asked
#       again but those in flight;
#    5. at 09:05 of D+1 a run for D lists no batch, its window being over:
#       "cross-check: off (window)" (a window that ends during a run: the
#       fetcher skips the batches left, test_fetcher_batch);
#    6. --no-cross-check sends no batch either; the fast close is refused
#       (exit 2, the reason on the launcher's line) at 09:05 of D+1 and on
#       the mock host;
#    7. the fast close asks batches only, counts codes, and ends incomplete
#       (exit 5) with the codes the quote does not know in its gaps file.
#  60 codes (EOD_TEST_FULL=1: 300). For 2. to 4. the clock of every stage
#  is held at 18:30:00 (EOD_CLOCK_FILE), so the request times the sidecar
#  holds are the same in every run, and batches hold 2 codes, answered
#  slowly (--latency-ms), so that the kills land among them.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-xcheck.XXXXXX)
trap 'clock_release; env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
D=2024-09-02
EVENING=2024-09-02T18:30:00+09:00
MORNING=2024-09-03T09:05:00+09:00
N=60
[ "$TEST_FULL" = 1 ] && N=300
SIDECAR="anomalies/market=kr/dt=$D/kr_20240902_anomalies.csv"
FETCHERS=2
SMALL_BATCH=2
LATENCY_MS=40
PY=/usr/bin/python3

stats() { curl -s "$SIM/_sim/stats" | $PY -c "import json,sys; s=json.load(sys.stdin); print($1)"; }
multprice() { stats 'sum(s["requests"].get("multprice", {}).values())'; }

#  run NAME ARGS...: launch/eod ARGS with the config, its state and data
#  under NAME; sets RC, OUT, LOGS, DATA. CLOCK: EOD_NOW of every stage.
run() {
    local name=$1; shift
    set_key pipeline state_dir "$ENV_DIR/$name/state" pipeline data_dir "$ENV_DIR/$name/data"
    DATA=$ENV_DIR/$name/data LOGS=$ENV_DIR/logs-$name OUT=$ENV_DIR/$name.out RC=0
    EOD_NOW=$CLOCK EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=300 "$ROOT/launch/eod" "$@" --config "$CFG" >"$OUT" 2>&1 || RC=$?
}

#  The clock of every stage held at 18:30:00 of D: EOD_CLOCK_FILE names a
#  file whose text, when it changes, sets each stage's clock there at its
#  next reading; the same instant is written in another spelling (an offset
#  one minute further) every 0.2 s, so no stage's clock passes 18:30:00.
CLOCK_PID=""
clock_hold() {
    export EOD_CLOCK_FILE=$TMP/clock
    echo "$EVENING" >"$EOD_CLOCK_FILE"
    (
        i=0
        while :; do
            i=$(((i + 1) % 1440))
            printf '%s+%02d:%02d\n' "$(date -u -d "2024-09-02 09:30 UTC + $i minutes" +%Y-%m-%dT%H:%M:00)" \
                $((i / 60)) $((i % 60)) >"$EOD_CLOCK_FILE.new" && mv "$EOD_CLOCK_FILE.new" "$EOD_CLOCK_FILE"
            sleep 0.2
        done
    ) &
    CLOCK_PID=$!
}
clock_release() {
    [ -n "$CLOCK_PID" ] && kill "$CLOCK_PID" 2>/dev/null && wait "$CLOCK_PID" 2>/dev/null
    CLOCK_PID=""
    unset EOD_CLOCK_FILE
}

#  The notifier's summary line of the cross-check, to its first ';'.
xline() { grep -h "cross-check:" "$LOGS/notifier.log" 2>/dev/null | tail -n1 | sed 's/^.*cross-check: /cross-check: /; s/;.*//'; }

echo "# 1. a clean day: $N codes, ceil($N/30) batches"
CLOCK=$EVENING
EOD_NOW=$EVENING sim_up "$TMP/xc"
set_key pipeline fetchers $FETCHERS
sim_codes "$N" "$TMP/codes.txt" >/dev/null
mapfile -t C <"$TMP/codes.txt"
t0=$EPOCHREALTIME
run clean run --market kr --date $D --codes "$TMP/codes.txt"
echo "    took $(( (${EPOCHREALTIME/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
check "the run exits 0 (got $RC)" [ "$RC" = 0 ]
batches=$(( (N + 29) / 30 ))
charts=$(sim_requests)
quotes=$(multprice)
check "the simulator served $N chart requests and $batches batches (got $charts and $quotes)" \
    [ "$charts" = "$N" -a "$quotes" = "$batches" ]
check "no request was rate limited (EGW00201: $(stats 's["rate_limited"]'))" [ "$(stats 's["rate_limited"]')" = 0 ]
check "every code checked, none disagreed ($(xline))" \
    [ "$(xline)" = "cross-check: $N checked, 0 disagreed, 0 not cross-checked" ]
check "no anomaly of the cross-check" bash -c "! grep -qs xcheck '$DATA/$SIDECAR'"
env_down

echo "# 1b. a batch KIS counts as 5 requests ([multiquote] units_per_batch = 5): still no EGW00201"
EOD_NOW=$EVENING sim_up "$TMP/xu" --mq-units 5
set_key pipeline fetchers $FETCHERS multiquote units_per_batch 5
run units run --market kr --date $D --codes "$TMP/codes.txt"
check "the run exits 0 (got $RC), every code checked ($(xline))" \
    [ "$RC" = 0 -a "$(xline)" = "cross-check: $N checked, 0 disagreed, 0 not cross-checked" ]
check "no request was rate limited (EGW00201: $(stats 's["rate_limited"]'))" [ "$(stats 's["rate_limited"]')" = 0 ]
env_down

echo "# 2. injected differences: beyond the tolerance reported, within it not"
#  Tolerances: close 10 KRW, volume 100 shares, open exact.
DISAGREE=(--mq-disagree "${C[0]}:close:50" --mq-disagree "${C[1]}:close:5" --mq-disagree "${C[2]}:volume:1000"
          --mq-disagree "${C[3]}:volume:50" --mq-disagree "${C[$((N - 1))]}:open:1")
EOD_NOW=$EVENING sim_up "$TMP/xd" --latency-ms $LATENCY_MS "${DISAGREE[@]}"
set_key pipeline fetchers $FETCHERS multiquote batch_size $SMALL_BATCH \
    multiquote tolerance_close 10 multiquote tolerance_volume 100
clock_hold
run ref run --market kr --date $D --codes "$TMP/codes.txt"
check "the run exits 0 (got $RC)" [ "$RC" = 0 ]
cp "$DATA/$SIDECAR" "$TMP/ref.csv" 2>/dev/null || : >"$TMP/ref.csv"
reported() { grep "xcheck" "$TMP/ref.csv" | grep -c "$1.*$2" || true; }
check "${C[0]} close +50 (tolerance 10) is reported" [ "$(reported "${C[0]}" close)" = 1 ]
check "${C[1]} close +5 is not" [ "$(reported "${C[1]}" close)" = 0 ]
check "${C[2]} volume +1000 (tolerance 100) is reported" [ "$(reported "${C[2]}" volume)" = 1 ]
check "${C[3]} volume +50 is not" [ "$(reported "${C[3]}" volume)" = 0 ]
check "${C[$((N - 1))]} open +1 (exact) is reported" [ "$(reported "${C[$((N - 1))]}" open)" = 1 ]
check "the sidecar holds those three and no other ($(grep -c xcheck "$TMP/ref.csv") rows)" \
    [ "$(grep -c xcheck "$TMP/ref.csv")" = 3 ]
check "the summary says 3 disagreed ($(xline))" \
    [ "$(xline)" = "cross-check: $N checked, 3 disagreed, 0 not cross-checked" ]
BATCHES=$(( (N + SMALL_BATCH - 1) / SMALL_BATCH ))

stage_pid() { pgrep -f "eod-$1 --once --config $CFG" | head -n1; }

#  kill_case NUM STAGE: kill -9 STAGE once a few batches are answered.
kill_case() {
    local num=$1 stage=$2
    echo "# $num. kill -9 of the $stage in the middle of the cross-check"
    curl -s -X POST "$SIM/_sim/reset" >/dev/null
    set_key pipeline state_dir "$ENV_DIR/kill-$stage/state" pipeline data_dir "$ENV_DIR/kill-$stage/data"
    DATA=$ENV_DIR/kill-$stage/data LOGS=$ENV_DIR/logs-kill-$stage RC=0
    EOD_NOW=$CLOCK EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=300 "$ROOT/launch/eod" run --market kr --date $D \
        --codes "$TMP/codes.txt" --config "$CFG" >"$ENV_DIR/kill-$stage.out" 2>&1 &
    local launcher=$! at=0
    for _ in $(seq 1 600); do
        at=$(multprice)
        [ "$at" -ge 3 ] && break
        sleep 0.05
    done
    local pid
    pid=$(stage_pid "$stage")
    check "the $stage is running after $at of $BATCHES batches" [ -n "$pid" -a "$at" -lt "$BATCHES" ]
    [ -n "$pid" ] && kill -9 "$pid"
    wait "$launcher" || RC=$?
    check "the run exits 0 (got $RC)" [ "$RC" = 0 ]
    check "the launcher restarted the $stage" grep -q "$stage[-0-9]* died (signal 9): restarted" "$LOGS/restarts.log"
    check "the sidecar is byte-identical to the uninterrupted run's" cmp -s "$TMP/ref.csv" "$DATA/$SIDECAR"
    check "every code checked once ($(xline))" \
        [ "$(xline)" = "cross-check: $N checked, 3 disagreed, 0 not cross-checked" ]
    local asked again
    asked=$(multprice)
    again=$((asked - BATCHES))
    echo "    batches asked again after the kill: $again (in flight: at most $FETCHERS)"
    check "no batch asked again but those in flight ($asked requests for $BATCHES batches)" \
        [ "$again" -ge 0 -a "$again" -le "$FETCHERS" ]
}
kill_case 3 fetcher
kill_case 4 coordinator
clock_release
env_down

echo "# 5. at 09:05 of D+1 a run for D is not cross-checked"
CLOCK=$MORNING
EOD_NOW=$MORNING sim_up "$TMP/xm"
set_key pipeline fetchers $FETCHERS
run morning run --market kr --date $D --codes "$TMP/codes.txt"
check "the run exits 0 (got $RC)" [ "$RC" = 0 ]
check "no batch was asked (got $(multprice))" [ "$(multprice)" = 0 ]
check "the summary says why ($(xline))" [ "$(xline)" = "cross-check: off (window)" ]

echo "# 6. --no-cross-check; the fast close refused"
CLOCK=$EVENING
curl -s -X POST "$SIM/_sim/reset" >/dev/null
run flag run --market kr --date $D --codes "$TMP/codes.txt" --no-cross-check
check "--no-cross-check: exits 0 (got $RC), no batch asked (got $(multprice))" [ "$RC" = 0 -a "$(multprice)" = 0 ]
check "... and the summary says so" grep -q "cross-check: off (flag)" "$LOGS/notifier.log"
CLOCK=$MORNING
run close-late close --date $D
check "close at 09:05 of D+1: exit 2 (got $RC) with the reason" \
    bash -c "[ $RC = 2 ] && grep -q \"outside the quote's window\" '$OUT'"
CLOCK=$EVENING
key=$(sed -n 's/^key = //p' "$CFG" | head -n1)
secret=$(sed -n 's/^secret_key = //p' "$CFG" | head -n1)
set_key kis env test kis test_url "$SIM" test_app key "$key" test_app secret_key "$secret"
run close-mock close
check "close on the mock host: exit 2 (got $RC) with the reason" bash -c "[ $RC = 2 ] && grep -q 'mock host' '$OUT'"
env_down

echo "# 7. the fast close: every code from the quotes; two the simulator does not know are its gaps, exit 5"
CLOCK=$EVENING
EOD_NOW=$EVENING sim_up "$TMP/xf" --unknown-codes 2
set_key pipeline fetchers $FETCHERS
{ head -n 10 "$TMP/codes.txt"
  curl -s "$SIM/_sim/universe/kr" | $PY -c 'import json,sys; print("\n".join(json.load(sys.stdin)["kosdaq"][:2]))'
} >"$TMP/close-codes.txt"
mapfile -t K < <(tail -n 2 "$TMP/close-codes.txt")
run close close --codes "$TMP/close-codes.txt"
check "the fast close exits 5 (got $RC)" [ "$RC" = 5 ]
check "only batches were asked: no chart request, 1 batch (got $(sim_requests) and $(multprice))" \
    [ "$(sim_requests)" = 0 -a "$(multprice)" = 1 ]
check "its RUN_DONE counts codes: 12 of them, 10 quoted, 2 not" \
    grep -q "settled: 10 ok, 0 no data, 0 unknown, 2 failed" "$LOGS/coordinator.log"
gaps=$(cat "$DATA/../state/gaps/"kr-*.tsv 2>/dev/null)
check "the gaps file lists the two codes not quoted, and only them" \
    bash -c "[ \$(wc -l <<<'$gaps') = 2 ] && grep -q '^kr	${K[0]}	$D	$D	${K[0]} not quoted: zero' <<<'$gaps' \
             && grep -q '^kr	${K[1]}	' <<<'$gaps'"
summary
