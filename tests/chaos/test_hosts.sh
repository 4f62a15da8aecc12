#!/usr/bin/env bash
#  test_hosts.sh — fetchers on separate test hosts over tcp:// with CurveZMQ.
#
#  Two network namespaces (eodA, eodB) hang off a bridge in the root namespace
#  by veth pairs (root side vethA, vethB). The coordinator and the rest of the
#  pipeline run in the root namespace, the fetchers ROUTER bound on
#  tcp://10.231.0.1:PORT as a CURVE server with ZAP; the fetchers run only
#  inside the namespaces with their own client certificates. Checks:
#    1. a full KR daily run completes with fetchers only on the test hosts;
#    2. vethA cut mid-run: the coordinator declares host A's fetchers gone,
#       requeues their tasks, and the run still completes;
#    3. a fetcher whose key is not listed (and one without CurveZMQ) gets no
#       TASK and no CREDS, and nothing it sends reaches the coordinator;
#    4. a capture on each veth holds no plaintext of the ZeroMQ link: neither
#       the access token, nor the app secret, nor a stock code (the plain HTTP
#       of the same capture, to the simulator, is the control that does).
#  The simulator listens on 127.0.0.1 only: a small relay on 10.231.0.1 lets
#  the test hosts reach it, through a relay on each host's own 127.0.0.1 at
#  the simulator's port (eod takes http:// for KIS on loopback only, and
#  every host must reach the one base URL the coordinator hands out). Needs
#  root, ip netns and tcpdump (installed when missing). Bounded: the run
#  times out after 150 s.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
DATE=2024-09-02
BR=eodbr0
NET=10.231.0
HUB=$NET.1

if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
    bad "test hosts need root and ip netns (skipped)"
    summary; exit 1
fi
if ! command -v tcpdump >/dev/null; then
    apt-get install -y tcpdump >/dev/null 2>&1 || true
fi
for b in eod-coordinator eod-fetcher eod-sim; do
    [ -x "$BIN/$b" ] || { bad "$BIN/$b is not built (BUILD=$BUILD)"; summary; exit 1; }
done

TMP=$(mktemp -d /tmp/eod-hosts.XXXXXX)
PIDS=""
net_down() {
    ip netns del eodA 2>/dev/null; ip netns del eodB 2>/dev/null
    ip link del vethA 2>/dev/null; ip link del vethB 2>/dev/null; ip link del $BR 2>/dev/null
    true
}
cleanup() {
    for p in $PIDS ${DUMPS:-}; do kill "$p" 2>/dev/null; done
    for p in $PIDS ${DUMPS:-}; do wait "$p" 2>/dev/null; done
    env_down
    net_down
    [ -n "${EOD_TEST_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# set-up: namespaces eodA, eodB on bridge $BR ($HUB/24)"
net_down
ip link add $BR type bridge && ip addr add $HUB/24 dev $BR && ip link set $BR up || { bad "cannot make the bridge"; exit 1; }
n=2
for h in A B; do
    ip netns add eod$h
    ip link add veth$h type veth peer name veth$h-ns
    ip link set veth$h-ns netns eod$h
    ip link set veth$h master $BR
    ip link set veth$h up
    ip -n eod$h addr add $NET.$n/24 dev veth$h-ns
    ip -n eod$h link set veth$h-ns up
    ip -n eod$h link set lo up
    n=$((n + 1))
done

env_up "$TMP/env" --rate 200 --latency-ms 20
set_key kis rate 200
set_key kis jitter_ms 10

#  The relay: the simulator binds 127.0.0.1 only. relay.py HOST PORT
#  TARGET_PORT [TARGET_HOST, default 127.0.0.1].
RELAY_PORT=$(free_port)
cat >"$TMP/relay.py" <<'PY'
import socket, sys, threading
host, port, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
target_host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(64)
print("ready", flush=True)
def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass
def serve(c):
    try:
        u = socket.create_connection((target_host, target))
    except OSError:
        c.close()
        return
    t = threading.Thread(target=pump, args=(u, c), daemon=True)
    t.start()
    pump(c, u)
    t.join()
    c.close()
    u.close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
/usr/bin/python3 "$TMP/relay.py" $HUB "$RELAY_PORT" "$SIM_PORT" >"$TMP/relay.out" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do grep -q ready "$TMP/relay.out" 2>/dev/null && break; sleep 0.1; done
for h in A B; do
    ip netns exec eod$h /usr/bin/python3 "$TMP/relay.py" 127.0.0.1 "$SIM_PORT" "$RELAY_PORT" $HUB \
        >"$TMP/relay$h.out" 2>&1 &
    PIDS="$PIDS $!"
    for _ in $(seq 1 50); do grep -q ready "$TMP/relay$h.out" 2>/dev/null && break; sleep 0.1; done
    check "host $h reaches the simulator at its own 127.0.0.1:$SIM_PORT through the relays" \
        ip netns exec eod$h curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$SIM_PORT/_sim/stats"
done

echo "# keys: launch/keygen.sh for hostA, hostB and rogue (rogue then unlisted)"
KEYS=$TMP/keys
EOD_BUILD_DIR=$BUILD "$ROOT/launch/keygen.sh" "$KEYS" hostA hostB rogue 2>"$TMP/keygen.log"
check "keygen made the server and client certificates" \
    test -s "$KEYS/server.cert" -a -s "$KEYS/server.cert_secret" -a -s "$KEYS/clients/hostA.cert" -a -s "$KEYS/hostB.cert_secret"
check "secret certificates are mode 0600" \
    bash -c "[ \"\$(stat -c %a '$KEYS/server.cert_secret' '$KEYS/hostA.cert_secret' | sort -u)\" = 600 ]"
rm -f "$KEYS/clients/rogue.cert"

ZPORT=$(free_port)
ZEP=tcp://$HUB:$ZPORT
set_key endpoints fetchers "$ZEP"
echo "# the coordinator refuses a tcp:// fetchers endpoint without CurveZMQ"
"$BIN/eod-coordinator" --config "$CFG" --once >"$TMP/plain.out" 2>&1 &
PLAIN=$!
for _ in $(seq 1 50); do kill -0 $PLAIN 2>/dev/null || break; sleep 0.1; done
kill $PLAIN 2>/dev/null; wait $PLAIN 2>/dev/null
check "a plain tcp:// fetchers endpoint is a config error naming [security] curve_server_cert" \
    grep -q "fetchers endpoint needs CurveZMQ.*curve_server_cert" "$TMP/plain.out"
set_key security curve_server_cert "$KEYS/server.cert_secret"
set_key security curve_clients_dir "$KEYS/clients"

#  host_cfg NAME CERT [extra lines]: a fetcher host's config, without secrets.
host_cfg() {
    local name=$1 cert=$2; shift 2
    mkdir -p "$TMP/$name"
    {
        printf '[pipeline]\nstate_dir = %s/%s/state\n' "$TMP" "$name"
        printf '%s\n' "$@"
        printf '[security]\n'
        [ -n "$cert" ] && printf 'curve_client_cert = %s\ncurve_server_public = %s\n' "$cert" "$KEYS/server.cert"
    } >"$TMP/$name/eod.ini"
    printf '%s\n' "$TMP/$name/eod.ini"
}
CFG_A=$(host_cfg hostA "$KEYS/hostA.cert_secret")
CFG_B=$(host_cfg hostB "$KEYS/hostB.cert_secret")
CFG_R=$(host_cfg rogue "$KEYS/rogue.cert_secret" "trace = true")
CFG_P=$(host_cfg plain "" "trace = true" "[security]" "plain_tcp = true")

printf '[pipeline]\nstate_dir = %s/none\n' "$TMP" >"$TMP/none.ini"
ip netns exec eodA timeout 10 "$BIN/eod-fetcher" --config "$TMP/none.ini" --connect "$ZEP" --once >"$TMP/none.out" 2>&1
check "a fetcher host without curve keys is refused, the key named ($?)" grep -q "curve_server_public" "$TMP/none.out"

echo "# captures on vethA and vethB"
for h in A B; do
    tcpdump -i veth$h -U -s 0 -w "$TMP/veth$h.pcap" >"$TMP/tcpdump$h.log" 2>&1 &
    DUMPS="${DUMPS:-} $!"
done
for h in A B; do
    for _ in $(seq 1 50); do grep -q "listening on" "$TMP/tcpdump$h.log" 2>/dev/null && break; sleep 0.1; done
done

echo "# 1. a KR daily run, fetchers only on the test hosts"
LOGS=$TMP/logs
EOD_BUILD_DIR=$BUILD EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=150 "$ROOT/launch/eod" run --market kr --config "$CFG" --fetchers 0 \
    >"$TMP/run.out" 2>&1 &
RUN=$!
for _ in $(seq 1 100); do grep -q "CURVE clients" "$LOGS/coordinator.log" 2>/dev/null && break; sleep 0.1; done
fetcher_on() {   # fetcher_on HOST CFG LOG: starts one fetcher in the namespace; prints its pid
    ip netns exec eod$1 "$BIN/eod-fetcher" --once --config "$2" --connect "$ZEP" >/dev/null 2>"$3" &
    echo $!
}
A_PIDS="$(fetcher_on A "$CFG_A" "$TMP/fA1.log") $(fetcher_on A "$CFG_A" "$TMP/fA2.log")"
B_PIDS="$(fetcher_on B "$CFG_B" "$TMP/fB1.log") $(fetcher_on B "$CFG_B" "$TMP/fB2.log")"
ROGUE=$(fetcher_on B "$CFG_R" "$TMP/rogue.log")
PLAINF=$(fetcher_on A "$CFG_P" "$TMP/plainf.log")
PIDS="$PIDS $A_PIDS $B_PIDS $ROGUE $PLAINF"
HOST=$(hostname)

echo "# 2. cut vethA once host A's fetchers hold leases"
for _ in $(seq 1 100); do
    [ "$(grep -c "fetcher $HOST-.* joined" "$LOGS/coordinator.log" 2>/dev/null)" -ge 4 ] && break; sleep 0.1
done
#  ... and have exchanged more than the handshakes: their tokens, tasks and
#  results (the ZeroMQ part of vethA's capture past ZMQ_MIN bytes, at most
#  30 s), which part 4 then searches for secrets.
ZMQ_MIN=20000
zmq_bytes() {   # zmq_bytes HOST: the size of the ZeroMQ part of the host's capture so far
    tcpdump -r "$TMP/veth$1.pcap" -w "$TMP/zmq$1.pcap" "tcp port $ZPORT" 2>/dev/null
    stat -c %s "$TMP/zmq$1.pcap" 2>/dev/null || echo 0
}
for _ in $(seq 1 150); do [ "$(zmq_bytes A)" -gt $ZMQ_MIN ] && break; sleep 0.2; done
ip link set vethA down
CUT_AT=$(date +%s)
echo "vethA down at $(date -u +%T)"

wait $RUN; RC=$?
check "the run exits 0 (got $RC)" [ "$RC" = 0 ]
"$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date $DATE >"$TMP/check.out" 2>&1 \
    && ok "check_run: the run is complete and correct" || { bad "check_run failed"; cat "$TMP/check.out"; }
joined_b=0; for p in $B_PIDS; do grep -q "fetcher $HOST-$p joined" "$LOGS/coordinator.log" && joined_b=$((joined_b + 1)); done
joined_a=0; for p in $A_PIDS; do grep -q "fetcher $HOST-$p joined" "$LOGS/coordinator.log" && joined_a=$((joined_a + 1)); done
check "both fetchers of each host joined over CURVE (A $joined_a, B $joined_b)" [ "$joined_a" = 2 -a "$joined_b" = 2 ]
check "no fetcher ran in the root namespace" bash -c "! ls '$LOGS'/fetcher-*.log >/dev/null 2>&1"
gone=0 requeued=0
for p in $A_PIDS; do
    line=$(grep "fetcher $HOST-$p missed .* gone" "$LOGS/coordinator.log" | head -n1)
    if [ -n "$line" ]; then
        gone=$((gone + 1))
        requeued=$((requeued + $(sed 's/.*gone, \([0-9]*\) task.*/\1/' <<<"$line")))
    fi
done
check "the coordinator declared host A's 2 fetchers gone after the cut (got $gone)" [ "$gone" = 2 ]
check "and requeued their leased tasks (got $requeued)" [ "$requeued" -ge 1 ]
b_gone=0; for p in $B_PIDS; do grep -q "fetcher $HOST-$p missed" "$LOGS/coordinator.log" && b_gone=$((b_gone + 1)); done
check "host B's fetchers were never declared gone" [ "$b_gone" = 0 ]
b_results=0; for p in $B_PIDS; do
    r=$(grep -o "$HOST-$p returned [0-9]*" "$LOGS/coordinator.log" | tail -n1 | awk '{print $3}')
    b_results=$((b_results + ${r:-0}))
done
echo "host B returned $b_results result(s)"

echo "# 3. unlisted keys and clear text get nothing and inject nothing"
check "the coordinator never heard of the unlisted fetcher (so no TASK or CREDS could be addressed to it)" bash -c "! grep -q '$HOST-$ROGUE' '$LOGS/coordinator.log'"
check "nor of the clear-text one" bash -c "! grep -q '$HOST-$PLAINF' '$LOGS/coordinator.log'"
check "ZAP refusals are in the coordinator log" grep -q "ZAP refused .* not in \[security\] curve_clients_dir" "$LOGS/coordinator.log"
check "the unlisted fetcher is still waiting for the coordinator" kill -0 "$ROGUE"
kill "$ROGUE" "$PLAINF" 2>/dev/null; wait "$ROGUE" "$PLAINF" 2>/dev/null
check "its READY never left its host (the send blocked until it was stopped)" grep -q "send READY failed" "$TMP/rogue.log"
#  The clear-text client drops the connection itself on the server's CURVE
#  greeting: the coordinator sees no handshake at all.
check "nor did the clear-text fetcher's READY" grep -q "send READY failed" "$TMP/plainf.log"
check "the unlisted fetcher received nothing (no TASK, no HEARTBEAT)" bash -c "! grep -q 'received' '$TMP/rogue.log'"
check "the clear-text fetcher received nothing" bash -c "! grep -q 'received' '$TMP/plainf.log'"

echo "# 4. no plaintext on the wire"
for p in $DUMPS; do kill -INT "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
TOKEN=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$ENV_DIR/state/kis_token.live_app" 2>/dev/null)
check "the access token is known to the test (${#TOKEN} chars)" [ "${#TOKEN}" -ge 20 ]
for h in A B; do
    size=$(zmq_bytes $h)
    tcpdump -r "$TMP/veth$h.pcap" -w "$TMP/http$h.pcap" "tcp port $RELAY_PORT" 2>/dev/null
    check "the ZeroMQ capture on veth$h holds traffic ($size bytes)" [ "$size" -gt $ZMQ_MIN ]
    for secret in "$TOKEN" simDemoSecret 005930 PSsimDemoKey; do
        check "veth$h ZeroMQ capture: no '${secret:0:16}'" bash -c "! grep -aqF -- '$secret' '$TMP/zmq$h.pcap'"
    done
    check "control: the same grep finds the secret and the token in the plain HTTP of veth$h" \
        bash -c "grep -aqF simDemoSecret '$TMP/http$h.pcap' && grep -aqF -- '$TOKEN' '$TMP/http$h.pcap'"
done
echo "elapsed since the cut: $(( $(date +%s) - CUT_AT )) s"
summary
