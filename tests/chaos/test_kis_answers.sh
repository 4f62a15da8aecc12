#!/usr/bin/env bash
#  test_kis_answers.sh — what eod does with KIS answers that are not rows:
#    1. every data request answered with a code eod does not know
#       (eod-sim --fault-code EGW09999, HTTP 500): the run stops asking after
#       [kis] unknown_code_stop such answers in a row (not five attempts for
#       every task), exits 3 (the service's trouble: retry later), and one
#       Slack alert names the code and KIS's message;
#    2. a mock app key on the real host (EGW02004): the run stops at the
#       first answer, exit 2 (a configuration error);
#    3. a US backfill whose answers come in pages (eod-sim --us-page-rows):
#       every page is asked (tr_cont N, the BYMD before the last row), every
#       session of the range is written for every symbol, as many requests as
#       pages and no more;
#    4. the same with [kis] max_pages below the pages needed: the tasks fail
#       as a whole (partial run, exit 1), their ranges in the gaps file.
#  Prints "N passed, N failed" and how long each run took.
#  Environment: BUILD (as tests/e2e/lib.sh), EOD_TEST_KEEP=1 keeps the files.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-kis-answers.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"' EXIT
T0=$SECONDS
readonly NCODES=10 STOP=4 FETCHERS=2
TIMES=""
#  run NAME ARGS...: a launch/eod command against $CFG; sets RC, LOGS,
#  RUN_OUT and notes its time.
run() {
    local name=$1; shift
    LOGS=$ENV_DIR/logs-$name
    RUN_OUT=$ENV_DIR/$name.out
    RC=0
    local t0=$SECONDS
    EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" "$@" --config "$CFG" >"$RUN_OUT" 2>&1 || RC=$?
    TIMES="$TIMES $name=$((SECONDS - t0))s"
}
#  stat EXPR: a figure of the simulator's /_sim/stats (s: the JSON).
stat() { curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"; }
#  kr_codes N FILE: the first N codes of the KR universe.
kr_codes() {
    curl -s "$SIM/_sim/universe/kr" \
        | /usr/bin/python3 -c "import json,sys; u=json.load(sys.stdin); print('\n'.join((u['kospi'] + u['kosdaq'])[:$1]))" >"$2"
}
fast() { set_key pipeline fetchers $FETCHERS kis rate 200 kis jitter_ms 10 kis unknown_code_stop $STOP; }

echo "# 1. a code eod does not know, on every data request: the run stops after $STOP in a row"
sim_up "$TMP/unknown" --rate 200 --fault-code EGW09999
fast
kr_codes $NCODES "$TMP/kr.txt"
run unknown run --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
check "the run exits 3, the service's trouble (got $RC)" [ "$RC" = 3 ]
asked=$(stat 'sum(s["requests"].get("itemchartprice", {}).values())')
check "it stopped asking: $asked requests for $NCODES codes (at most $STOP + $FETCHERS in flight, not 5 each)" \
    [ "$asked" -le $((STOP + FETCHERS)) ]
check "the stop names the code, KIS's message and the setting" \
    grep -q "KIS answered $STOP requests in a row with EGW09999, a code eod does not know (\[kis\] unknown_code_stop = $STOP).*sim --fault-code" \
    "$LOGS/coordinator.log"
stops=$(grep -c "a code eod does not know" "$LOGS/coordinator.log")
check "said once (got $stops)" [ "$stops" = 1 ]
alerts=$(curl -s "$SIM/_sim/slack" | /usr/bin/python3 -c '
import json, sys
print(sum("a code eod does not know" in json.dumps(m, ensure_ascii=False) for m in json.load(sys.stdin)))')
check "one Slack message says it (got $alerts)" [ "$alerts" = 1 ]
check "the summary in Slack says failed and lists the tasks not asked" \
    bash -c "curl -s '$SIM/_sim/slack' | grep -q 'failed' && curl -s '$SIM/_sim/slack' | grep -q 'not asked'"
check "the gaps file holds every code" \
    [ "$(cat "$ENV_DIR"/state/gaps/kr-*.tsv 2>/dev/null | wc -l)" = $NCODES ]
check "every stage ended on its own" bash -c "! grep -qE 'had not ended|did not end after' '$RUN_OUT'"
env_down

echo "# 2. a mock app key on the real host (EGW02004): the run stops at the first answer"
sim_up "$TMP/mock" --rate 200 --fault-code EGW02004
fast
run mock run --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
check "the run exits 2, a configuration error (got $RC)" [ "$RC" = 2 ]
asked=$(stat 'sum(s["requests"].get("itemchartprice", {}).values())')
check "no request after the first answers ($asked for $FETCHERS fetchers)" [ "$asked" -le $FETCHERS ]
check "the stop names the code and why" \
    grep -q "KIS answered EGW02004, which no request of this run gets past (the app key, its host or a permission)" \
    "$LOGS/coordinator.log"
env_down

echo "# 3. a US backfill whose answers come in pages of 20 rows"
sim_up "$TMP/pages" --rate 200 --us-page-rows 20
fast
printf 'AAPL\nMSFT\nKO\n' >"$TMP/us.txt"
FROM=2024-06-03 TO=2024-08-30
run pages backfill --market us --from $FROM --to $TO --codes "$TMP/us.txt"
check "the paged backfill exits 0 (got $RC)" [ "$RC" = 0 ]
#  The XNYS sessions of the range, as eod's calendar says.
sessions=$("$BIN/eod-calendar" --market us --sessions $FROM $TO | wc -l)
files=$(ls "$ENV_DIR"/data/market=us/dt=*/us_*.csv 2>/dev/null | wc -l)
check "one file per XNYS session of the range ($files of $sessions)" [ "$files" = "$sessions" ]
rows=$(cat "$ENV_DIR"/data/market=us/dt=*/us_*.csv 2>/dev/null | grep -cE '(^|,)(AAPL|MSFT|KO),')
check "every session holds the three symbols ($rows rows of $((sessions * 3)))" [ "$rows" = $((sessions * 3)) ]
pages=$(( (sessions + 19) / 20 ))
asked=$(stat 'sum(s["requests"].get("dailyprice", {}).values())')
continued=$(stat 's["dailyprice_continued"]')
check "each of the 3 tasks took $pages pages: $asked requests, $continued of them continuations" \
    [ "$asked" = $((3 * pages)) ] && [ "$continued" = $((3 * (pages - 1))) ]
check "no request was rate-limited" [ "$(stat 's["rate_limited"]')" = 0 ]
env_down

echo "# 4. [kis] max_pages below the pages needed: the tasks fail whole, their ranges in the gaps file"
sim_up "$TMP/maxpages" --rate 200 --us-page-rows 20
fast
set_key kis max_pages 2
run maxpages backfill --market us --from $FROM --to $TO --codes "$TMP/us.txt"
check "the run is partial (exit 1, got $RC)" [ "$RC" = 1 ]
check "the tasks failed as going on past 2 pages" \
    grep -q "the answer goes on past 2 page(s) (\[kis\] max_pages)" "$LOGS/coordinator.log"
check "no row of them was written" bash -c "! ls '$ENV_DIR'/data/market=us/dt=*/us_*.csv 2>/dev/null | grep -q ."
check "their ranges are in the gaps file" \
    [ "$(cat "$ENV_DIR"/state/gaps/us-*.tsv 2>/dev/null | grep -c "$FROM")" = 3 ]
env_down
echo "# run times:$TIMES; the suite took $((SECONDS - T0)) s"
summary
