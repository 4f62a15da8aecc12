#!/usr/bin/env bash
#  test_tls.sh — eod speaks TLS to the KIS API as it must to the real host
#  (https only). eod-sim serves the API over https (--tls-cert) with
#  certificates made at test time (tests/e2e/make_certs.sh: a CA, a server
#  certificate for 127.0.0.1, one for another host name, an expired one, a
#  self-signed one); a second, plain-http eod-sim on loopback serves the
#  master files and Slack, so a refused API certificate fails the API alone.
#  Small KR runs (three codes, launch/eod run --codes; S3 off):
#    1. [kis] ca_file = the CA: the run passes over https, tokens and
#       chk-holiday through eod-http, the fetchers' requests, and the master
#       files over https with [master] ca_file;
#    2. the master-file host's certificate refused: the lister stops with
#       exit 2, without retries;
#    3. another CA for the API, the token cached: the fetchers' first
#       request is refused, the run stops at once (exit 2), the host named
#       once, no request reached the API, the Slack alert says why;
#    4. another CA, no token cached: eod-http's token request is refused:
#       the same, without a retry;
#    5. a certificate of another host name, 6. an expired one: the same;
#    7. a self-signed certificate with [kis] insecure = true: two runs pass,
#       and each run's coordinator and fetcher logs warn of it.
#  Prints "N passed, N failed" and how long each run took.
#  Environment: BUILD (as tests/e2e/lib.sh), EOD_TEST_KEEP=1 keeps the files.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-tls.XXXXXX)
on_exit() {
    env_down
    [ -n "${EOD_TEST_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap on_exit EXIT
T0=$SECONDS
readonly DATE=2024-09-02 NCODES=3
readonly SECRETS='simDemoSecret|xoxb-sim-demo-token|eyJ'
CERTS=$TMP/certs
"$ROOT/tests/e2e/make_certs.sh" "$CERTS" || { bad "openssl made the test certificates"; summary; exit 1; }

#  The plain simulator (master files, Slack) and the config; S3 is not this
#  suite's business: off, no local S3 (sim_up).
sim_up "$TMP/env"
PLAIN=$SIM
set_key pipeline fetchers 2 kis rate 200 kis jitter_ms 10

#  The https simulators, one per certificate, started together so their
#  start-up overlaps; use_api NAME points [kis] live_url at one. Sets API.
declare -A API_OF=()
for name in good wrong expired self; do
    port=$(free_port)
    "$SIM_BIN" --port "$port" --tls-cert "$CERTS/$name.pem" --tls-key "$CERTS/$name.key" --rate 200 \
        >"$TMP/tls-$name.out" 2>"$TMP/tls-$name.log" &
    ENV_PIDS="$ENV_PIDS $!"
    API_OF[$name]=https://127.0.0.1:$port
done
for name in good wrong expired self; do
    for _ in $(seq 1 200); do grep -q listening "$TMP/tls-$name.out" 2>/dev/null && break; sleep 0.1; done
done
use_api() {
    API=${API_OF[$1]}
    set_key kis live_url "$API"
}
#  api_stat EXPR: a figure of the https simulator's /_sim/stats (s: the JSON).
api_stat() {
    curl -s --cacert "$CERTS/ca.pem" "$API/_sim/stats" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}
#  run NAME: a KR run of the next NCODES codes of the universe (a run of its
#  own: the ledger of an earlier one would leave nothing to ask); sets RC,
#  LOGS, RUN_OUT and notes its time.
RUNS=0
run() {
    LOGS=$ENV_DIR/logs-$1
    RUN_OUT=$ENV_DIR/$1.out
    RC=0
    sed -n "$((RUNS * NCODES + 1)),$(((RUNS + 1) * NCODES))p" "$UNIVERSE" >"$TMP/codes-$1.txt"
    #  A --codes run has the run id of the whole day's: its ledger must not
    #  hold the tasks of the runs before (the token cache stays).
    rm -f "$ENV_DIR"/state/coordinator/*.ledger
    RUNS=$((RUNS + 1))
    local t0=$SECONDS
    EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" run --market kr --date $DATE --config "$CFG" \
        --codes "$TMP/codes-$1.txt" >"$RUN_OUT" 2>&1 || RC=$?
    TIMES="$TIMES $1=$((SECONDS - t0))s"
}
#  slack_since N: the Slack messages the plain simulator took after the N-th.
slack_count() { curl -s "$PLAIN/_sim/slack" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
slack_since() {
    curl -s "$PLAIN/_sim/slack" | /usr/bin/python3 -c "
import json,sys
for m in json.load(sys.stdin)[$1:]:
    print(json.dumps(m, ensure_ascii=False))"
}
#  stopped_fast WHAT: the run failed as a configuration error and ended by
#  itself, the refusal said once in the coordinator's log.
stopped_fast() {
    check "$1: the run exits 2 (got $RC)" [ "$RC" = 2 ]
    check "$1: every stage ended on its own" \
        bash -c "! grep -qE 'had not ended|did not end after a stage failed' '$RUN_OUT'"
    check "$1: the launcher says it is a configuration error" grep -q "usage or config error" "$RUN_OUT"
}
TIMES=""
UNIVERSE=$TMP/universe.txt
curl -s "$PLAIN/_sim/universe/kr" \
    | /usr/bin/python3 -c "import json,sys; u=json.load(sys.stdin); print('\n'.join(u['kospi'] + u['kosdaq']))" \
    >"$UNIVERSE"

echo "# 1. the CA trusted: a run over https passes (tokens and chk-holiday through eod-http, the fetchers, the master files)"
use_api good
set_key kis ca_file "$CERTS/ca.pem" kis holiday_check true master url "${API}/common/master" \
    master ca_file "$CERTS/ca.pem"
run trusted
check "the run over https exits 0 (got $RC)" [ "$RC" = 0 ]
rows=$(tail -n +2 "$ENV_DIR/data/market=kr/dt=$DATE/kr_20240902.csv" 2>/dev/null | wc -l)
check "its CSV holds a row for each of the $NCODES codes (got $rows)" [ "$rows" = "$NCODES" ]
check "the token came over https (tokens issued: $(api_stat 's["tokens_issued"]'))" [ "$(api_stat 's["tokens_issued"]')" = 1 ]
holidays=$(api_stat 'sum(s["requests"].get("chk-holiday", {}).values())')
check "chk-holiday was asked over https through eod-http ($holidays request(s))" [ "${holidays:-0}" -ge 1 ]
charts=$(api_stat 'sum(s["requests"].get("itemchartprice", {}).values())')
check "the fetchers' requests came over https ($charts)" [ "${charts:-0}" -ge "$NCODES" ]
check "no insecure warning when verification is on" bash -c "! grep -q 'insecure is set' '$LOGS'/*.log"
set_key kis holiday_check false
echo "# 2. the master-file host's certificate refused: the lister stops, a configuration error"
set_key master url "${API}/common/master" master ca_file "$CERTS/other-ca.pem"
slack0=$(slack_count)
run master-refused
check "the run exits 2 (got $RC)" [ "$RC" = 2 ]
check "the lister names the host and [master] ca_file" \
    grep -qE "TLS to 127\.0\.0\.1:[0-9]+ failed.*\[master\] ca_file" "$LOGS/lister.log"
attempts=$(grep -c "master file: attempt" "$LOGS/lister.log")
check "the download was not retried (attempts: $attempts)" [ "$attempts" = 1 ]
slack_since "$slack0" >"$TMP/slack-2.json"
check "the Slack alert names the host and [master] ca_file" \
    grep -qE "TLS to 127\.0\.0\.1:[0-9]+ failed.*\[master\] ca_file" "$TMP/slack-2.json"
set_key master url "${PLAIN}/common/master"


echo "# 3. another CA, the token cached: the fetchers' first request is refused and the run stops"
set_key kis ca_file "$CERTS/other-ca.pem"
before=$(api_stat 'sum(s["requests"].get("itemchartprice", {}).values())')
slack0=$(slack_count)
run fetcher-refused
stopped_fast "fetcher, untrusted CA"
check "the coordinator used the cached token (no token request)" grep -q "using the cached token" "$LOGS/coordinator.log"
after=$(api_stat 'sum(s["requests"].get("itemchartprice", {}).values())')
check "no request reached the API ($before then $after)" [ "$before" = "$after" ]
stops=$(grep -c "TLS certificate was refused" "$LOGS/coordinator.log")
check "the stop is said once in the coordinator's log (got $stops)" [ "$stops" = 1 ]
check "the stop names the host, why, and the key to check" \
    grep -qE "TLS to 127\.0\.0\.1:[0-9]+ failed: SSL certificate problem: unable to get local issuer certificate.*\[kis\] ca_file" \
    "$LOGS/coordinator.log"
check "no task was retried" bash -c "! grep -q 'retry in' '$LOGS/coordinator.log'"
slack_since "$slack0" >"$TMP/slack-3.json"
check "the Slack alert names the host and the certificate" \
    grep -qE "TLS to 127\.0\.0\.1:[0-9]+ failed.*unable to get local issuer" "$TMP/slack-3.json"
check "the run's summary in Slack says failed" grep -q "failed" "$TMP/slack-3.json"

echo "# 4. another CA, no token cached: eod-http's token request is refused, once"
rm -f "$ENV_DIR"/state/kis_token.*
slack0=$(slack_count)
run token-refused
stopped_fast "token, untrusted CA"
refusals=$(grep -c "no access token: POST /oauth2/tokenP: TLS to 127\.0\.0\.1:[0-9]* failed" "$LOGS/coordinator.log")
check "the refusal is said once, naming the host (got $refusals)" [ "$refusals" = 1 ]
check "the token request was not tried again" bash -c "! grep -q 'token issue failed' '$LOGS/coordinator.log'"
slack_since "$slack0" >"$TMP/slack-4.json"
check "the Slack alert names the host and the key to check" \
    grep -qE "no access token: POST /oauth2/tokenP: TLS to 127\.0\.0\.1:[0-9]+ failed.*\[kis\] ca_file" "$TMP/slack-4.json"
check "every task failed unasked" grep -qE "settled: 0 ok, 0 no data, 0 unknown, $NCODES failed(, 0 without a row for the session)?; 0 requests" \
    "$LOGS/coordinator.log"

echo "# 5. a certificate of another host name"
use_api wrong
set_key kis ca_file "$CERTS/ca.pem"
run wrong-host
stopped_fast "another host's certificate"
check "the reason says the name does not match" \
    grep -q "no alternative certificate subject name matches target host name '127.0.0.1'" "$LOGS/coordinator.log"

echo "# 6. an expired certificate"
use_api expired
run expired
stopped_fast "expired certificate"
check "the reason says it expired" grep -q "certificate has expired" "$LOGS/coordinator.log"

echo "# 7. a self-signed certificate with [kis] insecure = true: passes, with a warning in every run"
use_api self
set_key kis ca_file "" kis insecure true
for n in 1 2; do
    run insecure-$n
    check "insecure run $n exits 0 (got $RC)" [ "$RC" = 0 ]
    check "insecure run $n: the coordinator warns" grep -q "\[kis\] insecure is set" "$LOGS/coordinator.log"
    warned=$(grep -l "\[kis\] insecure is set" "$LOGS"/fetcher-*.log 2>/dev/null | wc -l)
    check "insecure run $n: every fetcher warns (got $warned of 2)" [ "$warned" = 2 ]
done
check "no secret in any log" bash -c "! grep -rqE '$SECRETS' '$ENV_DIR'/logs-*"
echo "# run times:$TIMES; the suite took $((SECONDS - T0)) s"
summary
