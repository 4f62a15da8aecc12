#!/bin/bash
#  run_tests.sh — the S3 client (common/s3/eod_s3) against the local S3, checked
#  by an independent client.
#
#  usage: tests/s3/run_tests.sh BUILD_DIR
#
#  Starts s3rver and two SigV4 verifiers on free ports in a temp dir (one
#  honest, one failing every request with 500 or SlowDown), runs
#  BUILD_DIR/tests/test_s3 against them, then cross-checks with the AWS CLI
#  (/usr/bin/aws): the object test_s3 uploaded under market=kr/dt=2024-09-02/
#  is listed and byte-identical, a wrong secret is refused, and a curl PUT
#  that signs a raw '=' is refused. Prints "N passed, N failed", stops the
#  servers and exits non-zero on any failure.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly PYTHON=/usr/bin/python3
readonly AWS=/usr/bin/aws           #  a pyenv shim may shadow `aws` on PATH
readonly BUCKET=eod-demo
readonly REGION=ap-northeast-2
readonly PREFIX="market=kr/dt=2024-09-02"
readonly OBJECT="kr_20240902.csv"
readonly WRONG_SECRET="WRONG-SECRET-run-tests"
readonly WAIT_STEPS=100             #  x 0.1 s

[ $# -eq 1 ] || { echo "usage: run_tests.sh BUILD_DIR" >&2; exit 2; }
build_dir="$(realpath "$1")"
test_bin="$build_dir/tests/test_s3"
[ -x "$test_bin" ] || { echo "run_tests.sh: $test_bin not built" >&2; exit 2; }
[ -x "$AWS" ] || { echo "run_tests.sh: $AWS missing (apt-get install awscli)" >&2; exit 2; }

passed=0
failed=0
pass () { passed=$((passed + 1)); echo "ok   $*"; }
fail () { failed=$((failed + 1)); echo "FAIL $*"; }
check () {   #  check "description" command...
    local what="$1"; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

tmp="$(mktemp -d /tmp/eod-s3-tests.XXXXXX)"
S3RVER_PID=""; VERIFY_PID=""; fault_pid=""
cleanup () {
    for pid in $fault_pid $VERIFY_PID $S3RVER_PID; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

unset AWS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE="$tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-credentials"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION="$REGION"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
: >"$AWS_CONFIG_FILE"; : >"$AWS_SHARED_CREDENTIALS_FILE"

started="$(EOD_S3_LOG_DIR="$tmp" EOD_S3_BUCKET="$BUCKET" "$HERE/start.sh" "$tmp/data" 0 0)" \
    || { echo "run_tests.sh: local S3 did not start" >&2; exit 1; }
eval "$started"
verify="http://127.0.0.1:$VERIFY_PORT"
echo "s3rver on $S3RVER_PORT, verifier on $VERIFY_PORT"

#  The fault instance: every signed request draws a fault (500 or SlowDown).
"$PYTHON" "$HERE/sigv4_verify.py" --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$S3RVER_PORT" \
    --fault-500 0.5 --fault-slowdown 0.5 --seed 7 >"$tmp/fault.log" 2>&1 </dev/null &
fault_pid=$!
fault_port=""
for _ in $(seq "$WAIT_STEPS"); do
    fault_port="$(sed -n 's/^sigv4-verify listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/fault.log")"
    [ -n "$fault_port" ] && break
    sleep 0.1
done
[ -n "$fault_port" ] || { cat "$tmp/fault.log" >&2; echo "run_tests.sh: fault verifier did not start" >&2; exit 1; }

stat () {   #  stat FIELD [SUBFIELD] → a counter of the honest verifier
    curl -s "$verify/_verify/stats" | "$PYTHON" -c '
import json, sys
node = json.load(sys.stdin)
for name in sys.argv[1:]:
    node = node.get(name, 0) if isinstance(node, dict) else 0
print(node)' "$@"
}

# -- 1. the C client ---------------------------------------------------------
local_csv="$tmp/$OBJECT"
if EOD_S3_TEST_ENDPOINT="$verify" EOD_S3_TEST_FAULT_ENDPOINT="http://127.0.0.1:$fault_port" \
   EOD_S3_TEST_BUCKET="$BUCKET" EOD_S3_TEST_FILE="$local_csv" "$test_bin" >"$tmp/test_s3.out" 2>&1; then
    pass "test_s3 ($(tail -1 "$tmp/test_s3.out"))"
else
    cat "$tmp/test_s3.out"
    fail "test_s3"
fi
faults="$(curl -s "http://127.0.0.1:$fault_port/_verify/stats")"
check "fault verifier saw faults" grep -q '"requests": [1-9]' <<<"$faults"

# -- 2. the AWS CLI sees what test_s3 uploaded -------------------------------
aws_s3 () { "$AWS" --endpoint-url "$verify" "$@"; }
listing="$(aws_s3 s3 ls "s3://$BUCKET/$PREFIX/" 2>"$tmp/aws.err")"
check "aws s3 ls lists $PREFIX/$OBJECT" grep -q " $OBJECT\$" <<<"$listing"
check "aws s3 ls lists the UTF-8 key" grep -q "삼성 전자+(1)~.csv" <<<"$listing"
if aws_s3 s3 cp "s3://$BUCKET/$PREFIX/$OBJECT" "$tmp/downloaded.csv" >/dev/null 2>>"$tmp/aws.err"; then
    check "downloaded object equals the uploaded file byte for byte" cmp -s "$local_csv" "$tmp/downloaded.csv"
else
    fail "aws s3 cp of $PREFIX/$OBJECT"
fi
etag="$(aws_s3 s3api head-object --bucket "$BUCKET" --key "$PREFIX/$OBJECT" \
        --query ETag --output text 2>>"$tmp/aws.err" | tr -d '"')"
md5="$(md5sum "$local_csv" 2>/dev/null | cut -d' ' -f1)"
check "ETag ($etag) is the MD5 of the file" test -n "$md5" -a "$etag" = "$md5"

# -- 3. a wrong secret is refused --------------------------------------------
before="$(stat rejected SignatureDoesNotMatch)"
if AWS_SECRET_ACCESS_KEY="$WRONG_SECRET" aws_s3 s3 ls "s3://$BUCKET/" >/dev/null 2>"$tmp/aws-wrong.err"; then
    fail "aws with a wrong secret was accepted"
else
    check "aws with a wrong secret is refused with SignatureDoesNotMatch" grep -q SignatureDoesNotMatch "$tmp/aws-wrong.err"
fi
after="$(stat rejected SignatureDoesNotMatch)"
check "verifier counted the rejection ($before -> $after)" test "$after" -gt "$before"

# -- 4. curl 7.88 signing a raw '=' is refused; the encoded key is accepted ---
printf 'symbol,close\n005930,73500\n' >"$tmp/raw.csv"
sha="$(sha256sum "$tmp/raw.csv" | cut -d' ' -f1)"
curl_put () {   #  curl_put PATH → prints the HTTP status, body in $tmp/curl.out
    curl -s -o "$tmp/curl.out" -w '%{http_code}' --aws-sigv4 "aws:amz:$REGION:s3" \
         --user S3RVER:S3RVER -H "x-amz-content-sha256: $sha" -T "$tmp/raw.csv" "$verify/$BUCKET/$1"
}
code="$(curl_put "$PREFIX/raw-equals.csv")"
check "curl PUT with a raw '=' in the signed path is refused (HTTP $code)" test "$code" = 403
check "the refusal is SignatureDoesNotMatch" grep -q "<Code>SignatureDoesNotMatch</Code>" "$tmp/curl.out"
code="$(curl_put "market%3Dkr/dt%3D2024-09-02/raw-encoded.csv")"
check "curl PUT with the key encoded is accepted (HTTP $code)" test "$code" = 200
listing="$(aws_s3 s3 ls "s3://$BUCKET/$PREFIX/" 2>>"$tmp/aws.err")"
# shellcheck disable=SC2016   # $1 is expanded by the inner bash
check "only the encoded PUT landed" \
    bash -c 'grep -q " raw-encoded.csv$" <<<"$1" && ! grep -q "raw-equals" <<<"$1"' _ "$listing"
code="$(curl -s -o /dev/null -w '%{http_code}' -T "$tmp/raw.csv" "$verify/$BUCKET/$PREFIX/anon.csv")"
check "an unsigned PUT is refused (HTTP $code)" test "$code" = 403

# -- 5. no secret in the verifier's log --------------------------------------
# shellcheck disable=SC2016
check "the wrong secret never reached a log" \
    bash -c '! grep -rqs -- "$1" "$2"/*.log' _ "$WRONG_SECRET" "$tmp"

if [ "$failed" -ne 0 ]; then
    echo "--- aws errors"; cat "$tmp/aws.err" 2>/dev/null
    echo "--- verifier log"; tail -40 "$tmp"/sigv4-verify-*.log 2>/dev/null
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
