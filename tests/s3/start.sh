#!/bin/bash
#  start.sh — starts the local S3 of the demo and the tests: s3rver 3.7.1 with
#  the project's SigV4 verifier (sigv4_verify.py) in front of it.
#
#  usage: tests/s3/start.sh DATA_DIR S3RVER_PORT VERIFY_PORT [verifier options]
#
#  A port of 0 picks a free one. Both run in the background; once both answer
#  this prints, for `eval`:
#      S3RVER_PID=… VERIFY_PID=… S3RVER_PORT=… VERIFY_PORT=…
#  Logs go to LOG_DIR/s3rver-PORT.log and LOG_DIR/sigv4-verify-PORT.log, where
#  LOG_DIR is $EOD_S3_LOG_DIR or the parent of DATA_DIR. The bucket created at
#  start is $EOD_S3_BUCKET (default eod-demo). Clients sign with S3RVER:S3RVER
#  unless verifier options say --key otherwise. Path-style requests go to
#  http://127.0.0.1:VERIFY_PORT/BUCKET/KEY; virtual-hosted ones to
#  http://BUCKET.s3.localhost:VERIFY_PORT/KEY (s3rver's service endpoint is set
#  to "localhost", and curl resolves *.localhost to the loopback itself).
set -euo pipefail

readonly WAIT_STEPS=600          #  x 0.1 s: how long each server may take to answer (a busy machine)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly S3RVER_JS="$HERE/node_modules/s3rver/bin/s3rver.js"
readonly PYTHON=/usr/bin/python3     #  Debian's, for python3-botocore (a pyenv python may lack it)

die () { echo "start.sh: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: start.sh DATA_DIR S3RVER_PORT VERIFY_PORT [verifier options]"
data_dir="$1"; s3rver_port="$2"; verify_port="$3"; shift 3
bucket="${EOD_S3_BUCKET:-eod-demo}"
[[ "$s3rver_port" =~ ^[0-9]+$ ]] || die "S3RVER_PORT must be a number"
[[ "$verify_port" =~ ^[0-9]+$ ]] || die "VERIFY_PORT must be a number"
[ -f "$S3RVER_JS" ] || die "s3rver is not installed: run (cd tests/s3 && npm install)"
command -v node >/dev/null || die "node is not installed"
"$PYTHON" -c 'import botocore.auth' 2>/dev/null || die "$PYTHON lacks botocore (apt-get install python3-botocore)"

#  This machine exports AWS_CA_BUNDLE; it has no business with a plain-http local S3.
unset AWS_CA_BUNDLE

mkdir -p "$data_dir"
log_dir="${EOD_S3_LOG_DIR:-$(dirname "$(realpath "$data_dir")")}"
mkdir -p "$log_dir"

#  Prints the port from a "... listening on HOST:PORT" line in a log, once there.
wait_for_port () {
    local log="$1" pid="$2" port
    for _ in $(seq "$WAIT_STEPS"); do
        port="$(grep -Eio 'listening on [0-9.]+:[0-9]+' "$log" 2>/dev/null | head -1 | sed 's/.*://')" || true
        if [ -n "$port" ]; then echo "$port"; return 0; fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

#  Waits until URL answers with any HTTP status.
wait_for_http () {
    local url="$1" pid="$2"
    for _ in $(seq "$WAIT_STEPS"); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)" || true
        if [ -n "$code" ] && [ "$code" != "000" ]; then return 0; fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

s3rver_log="$log_dir/s3rver-$s3rver_port.$$.log"
#  tests/s3/node_modules may be a link to a shared copy: s3rver's own modules
#  are then found beside the link, not beside what it points to.
node --preserve-symlinks --preserve-symlinks-main "$S3RVER_JS" -d "$data_dir" -a 127.0.0.1 -p "$s3rver_port" \
    --configure-bucket "$bucket" --no-vhost-buckets --service-endpoint localhost >"$s3rver_log" 2>&1 </dev/null &
s3rver_pid=$!
if ! s3rver_port="$(wait_for_port "$s3rver_log" "$s3rver_pid")" \
|| ! wait_for_http "http://127.0.0.1:$s3rver_port/" "$s3rver_pid"; then
    kill "$s3rver_pid" 2>/dev/null || true
    cat "$s3rver_log" >&2
    die "s3rver did not start"
fi
final_log="$log_dir/s3rver-$s3rver_port.log"
mv -f "$s3rver_log" "$final_log" && s3rver_log="$final_log"

verify_log="$log_dir/sigv4-verify-$verify_port.$$.log"
"$PYTHON" "$HERE/sigv4_verify.py" --listen "127.0.0.1:$verify_port" \
    --upstream "http://127.0.0.1:$s3rver_port" "$@" >"$verify_log" 2>&1 </dev/null &
verify_pid=$!
if ! verify_port="$(wait_for_port "$verify_log" "$verify_pid")" \
|| ! wait_for_http "http://127.0.0.1:$verify_port/_verify/stats" "$verify_pid"; then
    kill "$verify_pid" "$s3rver_pid" 2>/dev/null || true
    cat "$verify_log" >&2
    die "sigv4_verify.py did not start"
fi
final_log="$log_dir/sigv4-verify-$verify_port.log"
mv -f "$verify_log" "$final_log"

echo "S3RVER_PID=$s3rver_pid VERIFY_PID=$verify_pid S3RVER_PORT=$s3rver_port VERIFY_PORT=$verify_port"
