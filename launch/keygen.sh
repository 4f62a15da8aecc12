#!/usr/bin/env bash
#  keygen.sh — makes the CurveZMQ certificates of fetchers on other hosts.
#
#    launch/keygen.sh DIR [NAME...]
#
#  DIR/server.cert_secret   the coordinator's secret certificate (mode 0600)
#                           -> [security] curve_server_cert on the coordinator's host
#  DIR/server.cert          its public certificate
#                           -> [security] curve_server_public on every fetcher host
#  DIR/clients/NAME.cert    each client's public certificate
#                           -> [security] curve_clients_dir = DIR/clients on the coordinator's host
#  DIR/NAME.cert_secret     each client's secret certificate (mode 0600)
#                           -> [security] curve_client_cert on host NAME
#
#  The server pair is made once and kept; a NAME whose secret exists is kept
#  too (run it again to add hosts). Revoke a host by deleting DIR/clients/NAME.cert
#  from the coordinator's clients directory: ZAP rereads it, no restart needed.
#  EOD_KEYGEN names another program taking "DIR NAME" (the tests' driver).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${EOD_BUILD_DIR:-$ROOT/build}/bin

[ $# -ge 1 ] && [ -n "$1" ] || { echo "usage: launch/keygen.sh DIR [NAME...]" >&2; exit 2; }
dir=$1; shift
for name in "$@"; do
    [ "$name" = server ] && { echo "keygen: 'server' is the coordinator's pair; give client names" >&2; exit 2; }
done
if [ -n "${EOD_KEYGEN:-}" ]; then
    gen=("$EOD_KEYGEN")
else
    [ -x "$BIN/eod-coordinator" ] || { echo "keygen: $BIN/eod-coordinator is not built (launch/eod build)" >&2; exit 2; }
    gen=("$BIN/eod-coordinator" --keygen)
fi
umask 077
for name in server "$@"; do
    "${gen[@]}" "$dir" "$name"
done
echo "keygen: certificates in $dir (server + ${#} client(s)); copy DIR/NAME.cert_secret and DIR/server.cert to host NAME" >&2
