#!/usr/bin/env bash
#  test_hostile.sh — every stage's input socket fed hostile frames keeps
#  running, logs each frame it drops, keeps answering, and the same processes
#  then carry a normal KR daily run to the end.
#
#  The pipeline runs in service mode (no --once) from a private config with
#  ipc:// endpoints in a temp dir, against the simulator and the local S3 of
#  tests/e2e/lib.sh. tests/tools/eod-inject sends, to the writer, uploader,
#  notifier, lister and coordinator PULLs, the coordinator's fetcher ROUTER (as
#  a DEALER) and its REP service (as a REQ): garbage, truncated messages, lies
#  about counts, wrong versions, wrong field types, two-frame and empty
#  messages, a frame over ZMQ_MAXMSGSIZE. Then every field with a grammar
#  of each stage input (a fetcher's too, through a ROUTER stand-in) given
#  '../', '/', NUL, over-long, empty and invalid UTF-8 values; a large legal
#  map (decode cost), a wide array (decode memory), short dates to the
#  service, and a daily run driven by the calendar gate and one-shot
#  fetchers, whose objects must all be in the bucket under [s3] prefix.
#
#  usage: tests/chaos/test_hostile.sh [BUILD_DIR]   (or BUILD=...; default build)
#  EOD_TEST_KEEP=1 keeps the temp dir (logs). Ends with "N passed, N failed".
set -uo pipefail
[ -n "${1:-}" ] && BUILD=$1
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
#  The injector is a test tool, tested sanitized by its own unit test: from
#  the release build when tests/run_all.sh names it (a sanitized start costs
#  a tenth of a second of CPU, and this suite starts it some hundred times).
INJECT=${EOD_INJECT_BIN:-$BUILD/tests/tools/eod-inject}
UNLISTED_EXPECTED=1   #  this suite sends what the message table does not list, on purpose
DATE=2024-09-02
TMP=$(mktemp -d /tmp/eod-hostile.XXXXXX)
STAGE_PIDS=""
cleanup() {
    for p in $STAGE_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $STAGE_PIDS; do wait "$p" 2>/dev/null || true; done
    env_down
    [ -n "${EOD_TEST_KEEP:-}" ] && echo "# kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
for f in "$INJECT" "$BIN/eod-coordinator" "$SIM_BIN"; do
    [ -x "$f" ] || { echo "no $f: build first (cmake --build $BUILD)"; echo "$(basename "$0"): 0 passed, 1 failed"; exit 1; }
done

#  Frames per kind: enough to cover every variant of eod-inject's kinds.
declare -A COUNT=([garbage]=6 [truncated]=8 [hugecount]=11 [version]=8 [wrongtype]=18 [multipart]=2 [empty]=2)
KINDS="garbage truncated hugecount version wrongtype multipart empty"
BAD_FRAMES=0
for k in $KINDS; do BAD_FRAMES=$((BAD_FRAMES + COUNT[$k])); done

env_up "$TMP/env" --rate 200
set_key kis rate 200
set_key kis jitter_ms 10
#  Every object must land under this prefix of the configured bucket.
PREFIX=hostile-prefix
set_key s3 prefix $PREFIX
LOGS=$ENV_DIR/logs
SOCK=$ENV_DIR/state/sock
mkdir -p "$LOGS"

declare -A PID
start_stage() {   # NAME: the stage in service mode, its log in $LOGS/NAME.log
    "$BIN/eod-$1" --config "$CFG" 2>>"$LOGS/$1.log" &
    PID[$1]=$!
    STAGE_PIDS="$STAGE_PIDS $!"
}
echo "# the pipeline in service mode (no --once)"
for s in notifier uploader writer coordinator lister; do start_stage "$s"; done
for ep in notifier uploader writer coordinator fetchers service lister; do
    for _ in $(seq 1 100); do [ -S "$SOCK/$ep" ] && break; sleep 0.1; done
done
for s in notifier uploader writer coordinator lister; do
    check "$s is up in service mode" kill -0 "${PID[$s]}"
done

drops() { grep -cE "dropped a (malformed )?message" "$LOGS/$1.log"; }
#  wait_new_line STAGE LINES PATTERN: true once a line after the first LINES
#  of the stage's log matches PATTERN (case aside), at most 5 s.
wait_new_line() {
    for _ in $(seq 1 50); do
        tail -n +$(($2 + 1)) "$LOGS/$1.log" | grep -qiE "$3" && return 0
        sleep 0.1
    done
    return 1
}
alive() { kill -0 "${PID[$1]}" 2>/dev/null; }
#  wait_log STAGE PATTERN MIN [SECONDS]: true once PATTERN has MIN lines.
wait_log() {
    local n=0
    for _ in $(seq 1 $((${4:-5} * 10))); do
        n=$(grep -cE "$2" "$LOGS/$1.log")
        [ "$n" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}

#  hostile STAGE ENDPOINT TYPE PROBE PROBE_PATTERN: every bad kind, then the
#  oversize frame, then a valid probe the stage must still act on.
hostile() {
    local stage=$1 ep=$2 type=$3 probe=$4 pattern=$5 label="$1 ($2, $3)"
    local before out rc reply_opts=() wait_opts=()
    [ "$type" = req ] && reply_opts=(--expect-reply)
    #  A ROUTER answers nothing to a bad frame: do not wait long for it.
    [ "$type" = dealer ] && wait_opts=(--wait-ms 50)
    before=$(drops "$stage")
    for k in $KINDS; do
        out=$TMP/inject-$ep-$k.out
        rc=0
        "$INJECT" --endpoint "ipc://$SOCK/$ep" --type "$type" --kind "$k" --count "${COUNT[$k]}" --seed 7 \
            "${reply_opts[@]+"${reply_opts[@]}"}" "${wait_opts[@]+"${wait_opts[@]}"}" >"$out" 2>&1 || rc=$?
        [ "$type" = req ] && check "$label answers every $k frame (eod-inject rc $rc)" [ "$rc" = 0 ]
        [ "$rc" = 3 ] && bad "$label: a $k frame could not be sent: $(tail -n 2 "$out")"
    done
    wait_log "$stage" "dropped a (malformed )?message" $((before + BAD_FRAMES))
    local got=$(( $(drops "$stage") - before ))
    check "$label logged a drop for each of $BAD_FRAMES bad frames (got $got)" [ "$got" -ge "$BAD_FRAMES" ]
    check "$label is alive after the bad frames" alive "$stage"
    #  One frame over EOD_PROTO_FRAME_MAX: libzmq cuts the link (ZMQ_MAXMSGSIZE).
    local lines
    lines=$(wc -l <"$LOGS/$stage.log")
    out=$TMP/inject-$ep-toobig.out
    "$INJECT" --endpoint "ipc://$SOCK/$ep" --type "$type" --kind toobig --wait-ms 500 >"$out" 2>&1
    check "$label cut the link of a frame over the size limit" grep -q "the peer closed the connection" "$out"
    check "$label logged the oversize frame it refused" wait_new_line "$stage" "$lines" 'oversize|too large|size limit|maxmsgsize|disconnect'

    check "$label is alive after the oversize frame" alive "$stage"
    #  Still working: a valid message is acted on (its log line, or for a
    #  REQ/DEALER the reply's content).
    before=$(grep -cE "$pattern" "$LOGS/$stage.log")
    out=$TMP/inject-$ep-probe.out
    rc=0
    "$INJECT" --endpoint "ipc://$SOCK/$ep" --type "$type" --kind "$probe" --wait-ms 2000 \
        "${reply_opts[@]+"${reply_opts[@]}"}" >"$out" 2>&1 || rc=$?
    if [ "$type" = push ]; then
        check "$label still acts on a valid $probe" wait_log "$stage" "$pattern" $((before + 1))
    else
        check "$label still answers a valid $probe" grep -qE "^reply frame [0-9]+: .*$pattern" "$out"
    fi
}

unlisted() { echo "dropped a $1 on endpoint $2: the message table does not list it"; }
echo "# hostile frames, stage by stage"
hostile writer writer push valid-heartbeat "$(unlisted HEARTBEAT writer)"
hostile uploader uploader push valid-heartbeat "$(unlisted HEARTBEAT uploader)"
hostile notifier notifier push valid-event "event from hostile \(info\): hostile probe"
hostile lister lister push valid-heartbeat "$(unlisted HEARTBEAT lister)"
hostile coordinator coordinator push valid-heartbeat "$(unlisted HEARTBEAT coordinator)"
hostile coordinator fetchers dealer valid-heartbeat '"t":"HEARTBEAT"'
hostile coordinator service req valid-status '"t":"LISTING"'

#  Every type the message table (proto/eod_proto_table.c) does not list for
#  a stage on an endpoint, well formed, sent there: dropped with a line that
#  names it, and the stage goes on.
echo "# the message table: what a stage may not take, it drops"
table() {   # table STAGE ENDPOINT SOCKET-TYPE
    local stage=$1 ep=$2 type=$3 t n=0 missing="" opts=()
    [ "$type" = req ] && opts=(--expect-reply)
    [ "$type" = dealer ] && opts=(--wait-ms 50)
    for t in $("$INJECT" --unlisted "$stage" "$ep"); do
        local before
        before=$(grep -c "$(unlisted "$t" "$ep")" "$LOGS/$stage.log")
        "$INJECT" --endpoint "ipc://$SOCK/$ep" --type "$type" --kind "type:$t" "${opts[@]}" \
            >"$TMP/table-$ep-$t.out" 2>&1
        wait_log "$stage" "$(unlisted "$t" "$ep")" $((before + 1)) 3 || missing="$missing $t"
        n=$((n + 1))
    done
    check "$stage dropped each of the $n types the table does not list for it on $ep${missing:+ (not:$missing)}" \
        [ -z "$missing" -a "$n" -gt 10 ]
    check "$stage is alive after them" alive "$stage"
}
table writer writer push
table uploader uploader push
table notifier notifier push
table lister lister push
table coordinator coordinator push
table coordinator fetchers dealer
table coordinator service req

#  Every field a stage takes that reaches a path, an S3 key or a URL, and the
#  other fields with a grammar, each given '../', '/', NUL, over-long, empty
#  and invalid UTF-8 values in an otherwise valid message (eod-inject
#  field:TYPE:NAME=HEX): each refused by the decoder with a line naming the
#  stage and the field, and nothing written outside the state and data
#  directories (the bucket and prefix are checked after the normal run).
echo "# field grammars: ../ / NUL over-long empty invalid-UTF-8 in each field a stage takes"
FIELD_CASES=6
FIELD_OUT=$TMP/fields
mkdir -p "$FIELD_OUT"
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
LONG=$(hex "$(printf 'a%.0s' $(seq 1 5000))")   #  over every grammar's limit
#  The six values of a kind of field, in hex, comma-separated. A path must be
#  absolute and a token may hold '/' and '.', so theirs differ.
declare -A VALUES
hostile_values() {   # hostile_values KIND DOTS SLASH
    VALUES[$1]="$(hex "$2"),$(hex "$3"),$(hex eod)00$(hex x),$LONG,,fffe$(hex eod)"
}
hostile_values path "/x/../../eod-escape-dots" "eod-escape-relative/x"
hostile_values token $'a\r\nX-Injected: 1' "a b"
hostile_values other "../../../eod-escape-dots" "$TMP/eod-escape-slash"
refusal() { echo "$1: dropped a malformed message .*: $2: field '$3'"; }
#  field_kinds TYPE FIELD...: the --kind options of eod-inject.
field_kinds() {
    local msg=$1 f kind; shift
    for f in "$@"; do
        case $f in path) kind=path ;; app_key|app_secret|token) kind=token ;; *) kind=other ;; esac
        printf '%s\n' --kind "field:$msg:$f=${VALUES[$kind]}"
    done
}
#  field_check STAGE TYPE BEFORE FIELD...: each field refused FIELD_CASES
#  more times than the counts in BEFORE (one a field, in order).
field_check() {
    local stage=$1 msg=$2 before=($3) missing="" f i=0; shift 3
    for f in "$@"; do
        wait_log "$stage" "$(refusal "$stage" "$msg" "$f")" $((before[i] + FIELD_CASES)) 5 || missing="$missing $f"
        i=$((i + 1))
    done
    check "$stage refused each hostile value of $msg $* with a line naming it${missing:+ (not:$missing)}" \
        [ -z "$missing" ]
}
field_counts() {   # field_counts STAGE TYPE FIELD...: the refusals so far, one a field
    local stage=$1 msg=$2 f; shift 2
    for f in "$@"; do printf '%s ' "$(grep -cE "$(refusal "$stage" "$msg" "$f")" "$LOGS/$stage.log")"; done
}
#  field_cases STAGE ENDPOINT SOCKET-TYPE TYPE FIELD...
field_cases() {
    local stage=$1 ep=$2 type=$3 msg=$4; shift 4
    local opts=() kinds before
    [ "$type" = req ] && opts=(--expect-reply)
    [ "$type" = dealer ] && opts=(--wait-ms 1)   #  a ROUTER answers nothing to a refused frame
    mapfile -t kinds < <(field_kinds "$msg" "$@")
    before=$(field_counts "$stage" "$msg" "$@")
    "$INJECT" --endpoint "ipc://$SOCK/$ep" --type "$type" "${kinds[@]}" --count $FIELD_CASES \
        "${opts[@]+"${opts[@]}"}" >"$FIELD_OUT/$stage-$msg.out" 2>&1 \
        || bad "$stage ($ep): eod-inject failed: $(tail -n 2 "$FIELD_OUT/$stage-$msg.out")"
    field_check "$stage" "$msg" "$before" "$@"
}
#  What is under TMP outside the state, data and S3 directories and the logs.
outside() {
    find "$TMP" \( -path "$ENV_DIR/state" -o -path "$ENV_DIR/data" -o -path "$ENV_DIR/s3data" -o -path "$LOGS" \
        -o -path "$FIELD_OUT" \) -prune -o -print | sort
}
outside >"$FIELD_OUT/before.list"
t0=$(date +%s%N)
field_cases lister lister push JOB run_id market mode date_from date_to
field_cases coordinator coordinator push TASK run_id task_id market mode code date_from date_to key_id
field_cases coordinator coordinator push LISTED run_id market mode date_from date_to
field_cases coordinator coordinator push ACK run_id task_id list
field_cases coordinator coordinator push END stage run_id status market mode date_from date_to
field_cases coordinator fetchers dealer RESULT run_id task_id market code status mode date_from date_to
field_cases coordinator service req HOLIDAY_ASK market date_from date_to
field_cases coordinator service req LISTING_ASK run_id market
field_cases writer writer push RESULT run_id task_id market code status mode date_from date_to
field_cases writer writer push RUN_DONE run_id market mode date_from date_to
field_cases writer writer push RECONCILE run_id market mode date_from date_to
field_cases writer writer push FILE_ACK run_id path
field_cases uploader uploader push FILE run_id market date_from path key md5
field_cases uploader uploader push END stage run_id status market mode date_from date_to
field_cases notifier notifier push EVENT level stage run_id market date_from
field_cases notifier notifier push END stage run_id status market mode date_from date_to
#  A fetcher's input: its DEALER joins a ROUTER that stands in for the
#  coordinator and sends it hostile TASKs and CREDS (the base URL of every
#  request is a CREDS field).
FETCHER_TASK="run_id task_id market mode code date_from date_to key_id"
FETCHER_CREDS="key_id app_key app_secret token base_url"
mapfile -t kinds < <(field_kinds TASK $FETCHER_TASK; field_kinds CREDS $FETCHER_CREDS)
: >"$LOGS/fetcher.log"
"$INJECT" --endpoint "ipc://$SOCK/hostile-router" --type router "${kinds[@]}" --count $FIELD_CASES --wait-ms 10000 \
    >"$FIELD_OUT/fetcher.out" 2>&1 &
INJECT_PID=$!
sleep 0.3
"$BIN/eod-fetcher" --config "$CFG" --connect "ipc://$SOCK/hostile-router" 2>>"$LOGS/fetcher.log" &
PID[fetcher]=$!
STAGE_PIDS="$STAGE_PIDS $!"
wait $INJECT_PID || bad "the router stand-in: $(tail -n 2 "$FIELD_OUT/fetcher.out")"
# shellcheck disable=SC2086  # one word per field
field_check fetcher TASK "0 0 0 0 0 0 0 0" $FETCHER_TASK
# shellcheck disable=SC2086
field_check fetcher CREDS "0 0 0 0 0" $FETCHER_CREDS
check "the fetcher is alive after them" alive fetcher
kill "${PID[fetcher]}" 2>/dev/null
echo "#   $((($(date +%s%N) - t0) / 1000000)) ms for the field cases"
outside >"$FIELD_OUT/after.list"
new=$(comm -13 "$FIELD_OUT/before.list" "$FIELD_OUT/after.list" | head -n 5)
check "nothing was written outside the state and data directories${new:+ (new: $new)}" [ -z "$new" ]
escaped=$(find "$TMP" /tmp / -maxdepth 3 -name 'eod-escape*' 2>/dev/null | head -n 3)
check "no file named after a hostile value exists anywhere near${escaped:+ ($escaped)}" [ -z "$escaped" ]
for s in notifier uploader writer coordinator lister; do
    check "$s is alive after the field cases" alive "$s"
done

echo "# a DEALER that sends a REQ-style empty delimiter first is accepted"
before=$(grep -c "fetcher hostile joined" "$LOGS/coordinator.log")
"$INJECT" --endpoint "ipc://$SOCK/fetchers" --type dealer --envelope --kind garbage --count 2 >/dev/null 2>&1
check "garbage after a delimiter is logged and dropped" wait_log coordinator "dropped a malformed message" 1
check "the coordinator is alive after delimited garbage" alive coordinator

#  A frame may hold 16 MB of such keys: the cost must grow with the size, not
#  its square (a linear decoder takes milliseconds for this one). The cost is
#  the coordinator's CPU time for the frame, which other work on the machine
#  (the suites that run beside this one) does not lengthen as it does the
#  wall time, printed too.
echo "# decode cost: a HOLIDAYS whose days map holds 20000 distinct keys (a 200 KB frame)"
cpu_ms() {   # cpu_ms PID: the process's user and system CPU time so far, in ms
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$1/stat"
}
c0=$(cpu_ms "${PID[coordinator]}")
t0=$(date +%s%N)
"$INJECT" --endpoint "ipc://$SOCK/service" --type req --kind bigmap --keys 20000 --wait-ms 60000 --expect-reply \
    >"$TMP/bigmap.out" 2>&1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cpu=$(( $(cpu_ms "${PID[coordinator]}") - c0 ))
echo "#   the service answered after $ms ms, $cpu ms of the coordinator's CPU"
check "the service answered the 20000-key map" grep -qE "^reply frame [0-9]+: " "$TMP/bigmap.out"
check "the coordinator decodes and answers a 20000-key map in under 1 s of CPU (took $cpu ms)" [ "$cpu" -lt 1000 ]
check "the coordinator is alive after the large map" alive coordinator

echo "# decode memory: a 4 MB frame of one-byte nils to the notifier"
hwm() { awk '/VmHWM/ { print $2 }' "/proc/${PID[$1]}/status" 2>/dev/null || echo 0; }
h0=$(hwm notifier)
before=$(drops notifier)
"$INJECT" --endpoint "ipc://$SOCK/notifier" --type push --kind wide --size 4000000 >/dev/null 2>&1
wait_log notifier "dropped a (malformed )?message" $((before + 1)) 30
h1=$(hwm notifier)
echo "#   notifier peak RSS $((h0 / 1024)) MB -> $((h1 / 1024)) MB for one 4 MB frame"
check "the notifier dropped the wide frame and is alive" alive notifier

echo "# the service given a HOLIDAY_ASK with dates too short to be dates"
rc=0
"$INJECT" --endpoint "ipc://$SOCK/service" --type req --kind baddates --count 2 --wait-ms 10000 --expect-reply \
    >"$TMP/baddates.out" 2>&1 || rc=$?
check "the service answers short dates (eod-inject rc $rc)" [ "$rc" = 0 ]
check "the coordinator is alive after short dates" alive coordinator
check "no sanitizer report in any stage log" bash -c "! grep -lE 'AddressSanitizer|runtime error:' '$LOGS'/*.log"

echo "# a closed day's END (no run id) to the uploader twice, as the writer resends one whose ACK was lost"
closed="END of =kr/daily/2024-09-16/2024-09-16"
"$INJECT" --endpoint "ipc://$SOCK/uploader" --type push --kind valid-end --count 2 >"$TMP/inject-end.out" 2>&1
check "the uploader passed the closed day's END on" wait_log uploader "$closed passed to the notifier" 1
check "the uploader took the second for a resend" wait_log uploader "$closed again \(a resend\)" 1
n=$(grep -c "$closed passed to the notifier" "$LOGS/uploader.log")
check "the END was passed on once, not once a copy (got $n)" [ "$n" = 1 ]

echo "# a normal KR daily run through the same processes"
for s in notifier uploader writer coordinator lister; do
    check "$s is still running before the run" alive "$s"
done
for i in 1 2; do
    "$BIN/eod-fetcher" --once --config "$CFG" 2>>"$LOGS/fetcher-$i.log" &
    STAGE_PIDS="$STAGE_PIDS $!"
done
rc=0
"$BIN/eod-calendar" --once --market kr --date $DATE --config "$CFG" 2>>"$LOGS/calendar.log" || rc=$?
check "the calendar gate sent the job (rc $rc)" [ "$rc" = 0 ]
check "the notifier reported the run complete" wait_log notifier "run kr daily $DATE: complete" 1 60
"$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$ENV_DIR/data" --date $DATE --prefix $PREFIX \
    >"$TMP/check_run.out" 2>&1 \
    && ok "check_run: the run after the hostile phase is complete and correct" \
    || { bad "check_run failed after the hostile phase"; grep FAIL "$TMP/check_run.out" | head -n 10; }
for s in notifier uploader writer coordinator lister; do
    check "$s is still running after the run" alive "$s"
done
#  s3rver keeps each object as BUCKET/KEY._S3rver_object (and its metadata).
objects=$(cd "$ENV_DIR/s3data" && find . -type f | sed 's#^\./##' | sort)
stray=$(grep -v "^eod-demo/$PREFIX/" <<<"$objects" | head -n 3)
check "every S3 object is in the bucket under [s3] prefix ($(wc -l <<<"$objects") files)${stray:+ (not: $stray)}" \
    bash -c "[ -n '$objects' ] && [ -z '$stray' ]"
if [ "$failed" != 0 ]; then
    echo "# stage logs: $LOGS (EOD_TEST_KEEP=1 keeps them); warnings and errors:"
    grep -hE " [EW] eod-" "$LOGS"/*.log | grep -v "dropped a" | tail -n 15 | sed 's/^/#   /'
fi
summary
