#!/usr/bin/env bash
#  test_s3_errors.sh — what a run does with each kind of S3 refusal, against
#  the local S3 behind the SigV4 verifier (tests/s3/sigv4_verify.py):
#    configuration errors — a bucket that does not exist (404 NoSuchBucket),
#    a wrong region (400 AuthorizationHeaderMalformed), a bucket behind
#    another endpoint (301 PermanentRedirect), a wrong secret (403
#    SignatureDoesNotMatch) — are asked once, end the run with exit 2 and are
#    named in Slack, the file kept on disk;
#    a stalled answer (a timeout) is asked again with backoff up to [s3]
#    max_attempts, then the run exits 3 (unreachable: retry later).
#  Prints "N passed, N failed" and how long each run took.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-s3-errors.XXXXXX)
STALL_PID=""
trap 'env_down; [ -n "$STALL_PID" ] && kill "$STALL_PID" 2>/dev/null; [ -n "${EOD_TEST_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"' EXIT
readonly DATE=2024-09-02 NCODES=3 ATTEMPTS=3
TIMES=""
run() {   # run NAME: a KR daily run of $NCODES codes; sets RC, LOGS, RUN_OUT
    local name=$1 t0=$SECONDS
    LOGS=$ENV_DIR/logs-$name
    RUN_OUT=$ENV_DIR/$name.out
    RC=0
    #  A fresh state: the same command is the same run id, which a finished
    #  ledger would not ask again.
    rm -rf "$ENV_DIR/state" "$CSV"
    EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" run --market kr --date $DATE --codes "$TMP/kr.txt" \
        --config "$CFG" >"$RUN_OUT" 2>&1 || RC=$?
    TIMES="$TIMES $name=$((SECONDS - t0))s"
}
#  puts: the PUTs of objects the verifier of port $1 logged so far.
puts() { grep -c "sigv4-verify: PUT /[^ ]*/market%3D" "$ENV_DIR"/sigv4-verify-"$1".log 2>/dev/null || true; }
slack() { curl -s "$SIM/_sim/slack"; }

#  The demo's region is us-east-1: the verifier refuses any other, as S3
#  does, and answers the bucket eod-moved with a redirect.
EOD_S3_VERIFY_ARGS="--region us-east-1 --moved-bucket eod-moved" env_up "$TMP/env" --rate 200
set_key pipeline fetchers 2 kis rate 200 kis jitter_ms 10 s3 max_attempts $ATTEMPTS
sim_codes $NCODES "$TMP/kr.txt" >/dev/null
CSV=$ENV_DIR/data/market=kr/dt=$DATE/kr_${DATE//-/}.csv

#  case NAME CODE [SECTION KEY VALUE...]: a run with those keys set, then the
#  checks every configuration error must pass.
config_case() {
    local name=$1 code=$2; shift 2
    cp "$CFG" "$TMP/good.ini"
    set_key "$@"
    local before
    before=$(puts "$S3_PORT")
    run "$name"
    echo "# $name: $code"
    check "$name: the run exits 2, a configuration error (got $RC)" [ "$RC" = 2 ]
    check "$name: the uploader names $code and says it is not retried" \
        grep -q "S3 configuration error (not retried).*$code" "$LOGS/uploader.log"
    check "$name: asked once, not $ATTEMPTS times ($(( $(puts "$S3_PORT") - before )) PUT)" \
        [ $(( $(puts "$S3_PORT") - before )) = 1 ]
    check "$name: no retry logged" bash -c "! grep -q 'retrying in' '$LOGS/uploader.log'"
    check "$name: Slack names $code" bash -c "curl -s '$SIM/_sim/slack' | grep -q '$code'"
    check "$name: the file is kept on disk" [ -s "$CSV" ]
    cp "$TMP/good.ini" "$CFG"
}
config_case nobucket NoSuchBucket s3 bucket eod-missing
check "... and the hint names [s3] bucket" grep -q "check \[s3\] bucket" "$LOGS/uploader.log"
config_case region AuthorizationHeaderMalformed s3 region eu-west-1
check "... and the bucket's region is named" grep -q "the bucket's region: us-east-1" "$LOGS/uploader.log"
config_case moved PermanentRedirect s3 bucket eod-moved
check "... and the endpoint S3 gave" grep -q "S3 names the endpoint eod-moved.s3.us-west-2.amazonaws.com" "$LOGS/uploader.log"
config_case secret SignatureDoesNotMatch aws_config aws_secret_access_key WRONG-SECRET-s3-errors
check "... and the wrong secret is in no log" bash -c "! grep -rq WRONG-SECRET-s3-errors '$ENV_DIR'/logs-*"

echo "# a stalled answer: asked again with backoff, then unreachable"
/usr/bin/python3 "$ROOT/tests/s3/sigv4_verify.py" --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$S3RVER_PORT" \
    --fault-stall 1 --stall-s 4 --seed 1 >"$TMP/stall.out" 2>"$ENV_DIR/sigv4-verify-stall.log" &
STALL_PID=$!
stall_port=""
for _ in $(seq 1 100); do
    stall_port=$(sed -n 's/^sigv4-verify listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP/stall.out")
    [ -n "$stall_port" ] && break
    sleep 0.1
done
set_key s3 endpoint "http://127.0.0.1:$stall_port" s3 timeout_ms 1000
run stall
check "stall: the run exits 3, unreachable: retry later (got $RC)" [ "$RC" = 3 ]
#  Each object of the run (the day's CSV, and what else the run uploads) is
#  PUT max_attempts times: "KEY N" per object, from the verifier's log.
tries=$(grep -o "sigv4-verify: PUT [^ ]* FAULT stall" "$ENV_DIR/sigv4-verify-stall.log" | awk '{print $3}' | sort | uniq -c \
        | awk '{print $2 " " $1}')
check "stall: each object was PUT $ATTEMPTS times ([s3] max_attempts): $(tr '\n' ' ' <<<"$tries")" \
    bash -c "grep -q 'market%3Dkr/dt%3D$DATE/kr_${DATE//-/}.csv $ATTEMPTS\$' <<<\"\$1\" && ! grep -qv ' $ATTEMPTS\$' <<<\"\$1\"" _ "$tries"
check "stall: each retry waited its backoff, logged with the timeout" \
    grep -q "attempt 1/$ATTEMPTS failed (curl: Timeout was reached.*); retrying in" "$LOGS/uploader.log"
check "stall: the file is kept on disk" [ -s "$CSV" ]
echo "times:$TIMES"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
