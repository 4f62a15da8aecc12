#!/usr/bin/env bash
#  test_faults.sh — the pipeline under every injected fault at once ends with
#  the same results as without faults. Three runs (a KR daily run of
#  2024-09-02, a US daily run of 2024-08-30 and a one-month KR backfill of
#  2024-08) go against clean simulators and, at the same time, against
#  simulators that inject, at 5% each: KIS non-JSON 500s, truncated JSON,
#  connection resets, answers slower than [kis] timeout_ms, Slack 429 and
#  500; EGW00201 at 2% (see FAULT_EGW); master-file 503s at 20%, S3 500
#  InternalError and 503 SlowDown at 10% each (see FAULT_MASTER); the access
#  token expires after FAULT_TOKEN_AFTER data requests. Then:
#    - every run exits 0 and its data files are byte-identical to the clean
#      run's (diff -r);
#    - every S3 object equals its local file (read back with s3c.py, ETag = MD5);
#    - no row lost, no row duplicated (rows and (date, code) keys counted);
#    - at most one token a minute (tokens issued <= wall minutes + 1);
#    - retries stay inside the budget (max_in_window <= rate, and the only
#      EGW00201 are the injected ones);
#    - the coordinator never lost a live fetcher and asked for a new token
#      only when it needed one;
#    - every run's summary reaches Slack;
#    - no secret in any log.
#  The KR runs list the first SHORT_CODES codes of the simulator's universe
#  (every fault kind still shows up, in a third of the time); with
#  EOD_TEST_FULL=1 (launch/eod test --full) the whole universe.
#  Prints a table of the faults injected and "N passed, N failed".
#  Environment: BUILD (the build directory, as in tests/e2e/lib.sh),
#  EOD_TEST_KEEP=1 keeps the temp directory, CHAOS_SEED (default 5).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-chaos.XXXXXX)
CHAOS_PIDS="" REF_JOB=""
chaos_down() {
    for p in $CHAOS_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $CHAOS_PIDS; do wait "$p" 2>/dev/null || true; done
    CHAOS_PIDS=""
}
on_exit() {
    [ -n "$REF_JOB" ] && kill "$REF_JOB" 2>/dev/null
    chaos_down
    #  The services of the background reference, if it was stopped early.
    [ -f "$TMP/clean/pids" ] && for p in $(cat "$TMP/clean/pids"); do kill "$p" 2>/dev/null || true; done
    [ -n "${EOD_TEST_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap on_exit EXIT
T0=$(date +%s)
#  bash reads a script as it runs it: the runs use a copy of launch/eod in a
#  tree of links to this one, so an edit of the launcher during the test
#  cannot break a run half-way.
SNAP=$TMP/root
mkdir -p "$SNAP/launch"
for f in "$ROOT"/*; do [ "$(basename "$f")" = launch ] || ln -s "$f" "$SNAP/"; done
cp -pR "$ROOT"/launch/. "$SNAP/launch/"
LAUNCH=$SNAP/launch/eod

readonly SEED=${CHAOS_SEED:-5}
readonly RATE=200                  #  the simulator's limit and the pacer's budget, per key and second
readonly TIMEOUT_MS=1500           #  [kis] timeout_ms: a slow answer (SLOW_MS) always times out
readonly SLOW_MS=2500
#  Every KIS answer meets up to five independent 5% faults (reset, non-JSON
#  500, truncated JSON, EGW00201, slow), about 23% in all, 35% when a token
#  expiry and chance clustering are counted in. A task fails when all its
#  attempts fail: 0.35^5 = 0.5% (a few tasks of ~3000 would be lost), while
#  0.35^10 = 2.8e-5 (about 0.08 tasks in the three runs). The coordinator's
#  backoff (200 ms doubling, capped at 5 s) keeps ten attempts under 30 s.
readonly MAX_ATTEMPTS=10
readonly FAULT=0.05
#  An EGW00201 makes the coordinator rest the key for a whole window (1 s +
#  jitter), as KIS asks: at 5% of a 200/s budget the key would rest most of
#  the time (about 20 requests/s, five minutes for the three runs), so this
#  one fault is drawn at 2% (about 40 requests/s).
readonly FAULT_EGW=${CHAOS_EGW_RATE:-0.02}
#  Server time of every KIS answer: a few requests are in flight at any
#  moment, as with the real host, so an expiring token meets several.
readonly LATENCY_MS=30
readonly FETCHERS=8                #  slow answers hold a fetcher for timeout_ms each
readonly SHORT_CODES=400
#  The token expires after this many data requests, in a run where the
#  cached token is older than a minute and a new one may be issued at once.
#  Whole universe: the KR daily run makes about 1500 under faults, so 1800
#  falls in the US run. SHORT_CODES: the KR daily run makes about 500 and
#  the US run about 700 (the two take under a minute), so 1450 falls in the
#  backfill, which makes about 500.
if [ "$TEST_FULL" = 1 ]; then
    KR_CODES=()
    readonly FAULT_TOKEN_AFTER=${CHAOS_TOKEN_AFTER:-1800}
else
    KR_CODES=(--codes "$TMP/kr-codes.txt")
    readonly FAULT_TOKEN_AFTER=${CHAOS_TOKEN_AFTER:-1450}
fi
#  The master files (8 downloads) and S3 (about 50 requests) see few
#  requests: their faults are drawn more often so that every kind shows up,
#  with their attempts raised to match (a file lost once in 0.2^-10). Slack (3 posts)
#  stays at 5%: the notifier makes 4 attempts, not configurable.
readonly FAULT_MASTER=0.2 FAULT_S3=0.1 FAULT_SLACK=0.3
readonly SERVICE_ATTEMPTS=10
#  A bound on a run that hangs, not on its speed: suites run side by side
#  (tests/run_all.sh), and on a busy machine a faulted run takes minutes.
readonly RUN_TIMEOUT=400
#  A secret of the local S3 that appears nowhere else, so a leak is visible.
readonly S3_KEY=EODCHAOSACCESS S3_SECRET=chaosS3Secret-4f1d9a77
readonly SECRETS='simDemoSecret|xoxb-sim-demo-token|eyJ|chaosS3Secret'

SIM_FAULTS=(--fault-nonjson500 $FAULT --fault-badjson $FAULT --fault-reset $FAULT
            --fault-slow $FAULT --fault-slow-ms $SLOW_MS --fault-egw00201 $FAULT_EGW
            --fault-master503 $FAULT_MASTER --fault-slack429 $FAULT_SLACK --fault-slack500 $FAULT_SLACK
            --fault-token-expire-after $FAULT_TOKEN_AFTER)
S3_FAULTS=(--fault-500 $FAULT_S3 --fault-slowdown $FAULT_S3 --seed $SEED)

#  chaos_up DIR [verifier options] -- [sim options]: env_up of lib.sh with
#  options for the S3 verifier (and the project's own S3 key pair); sets SIM,
#  S3, CFG and VERIFY_URL.
chaos_up() {
    ENV_DIR=$1; shift
    local vargs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do vargs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    mkdir -p "$ENV_DIR"
    sim_up "$ENV_DIR" --rate $RATE --latency-ms $LATENCY_MS --seed "$SEED" "$@"
    CHAOS_PIDS="$CHAOS_PIDS $SIM_PID"
    local out
    out=$(EOD_S3_LOG_DIR=$ENV_DIR "$ROOT/tests/s3/start.sh" "$ENV_DIR/s3data" 0 0 \
          --key "$S3_KEY:$S3_SECRET" "${vargs[@]+"${vargs[@]}"}") || { bad "the local S3 did not start"; return 1; }
    eval "$out"
    CHAOS_PIDS="$CHAOS_PIDS $S3RVER_PID $VERIFY_PID"
    echo "$CHAOS_PIDS" >"$ENV_DIR/pids"
    S3=http://127.0.0.1:$VERIFY_PORT
    VERIFY_URL=$S3/_verify/stats
    CFG=$ENV_DIR/eod.ini
    sed -e "s#127.0.0.1:18080#127.0.0.1:$SIM_PORT#g" -e "s#127.0.0.1:18081#127.0.0.1:$VERIFY_PORT#g" \
        -e "s#^\[pipeline\]#[pipeline]\ndata_dir = $ENV_DIR/data\nstate_dir = $ENV_DIR/state#" \
        "$ROOT/config/demo.ini" >"$CFG"
    chmod 600 "$CFG"
    set_key AWS_CONFIG aws_access_key "$S3_KEY"
    set_key AWS_CONFIG aws_secret_access_key "$S3_SECRET"
    set_key kis rate $RATE
    set_key kis jitter_ms 10
    set_key kis timeout_ms $TIMEOUT_MS
    set_key kis max_attempts $MAX_ATTEMPTS
    set_key pipeline fetchers $FETCHERS
    set_key master max_attempts $SERVICE_ATTEMPTS
    set_key s3 max_attempts $SERVICE_ATTEMPTS
    set_key slack max_attempts $SERVICE_ATTEMPTS
    set_key slack max_wait_ms 120000   #  backoff doubles: 10 attempts need more than the default 30 s
}

#  runs ENV_NAME: the three runs in ENV_DIR, one after the other; writes
#  ENV_DIR/runs.tsv (name, exit code, wall seconds, tokens issued during it).
runs() {
    : >"$ENV_DIR/runs.tsv"
    local name rc t0 t1 k0 k1
    for name in kr-daily us-daily kr-backfill; do
        local args=()
        case $name in
            kr-daily) args=(run --market kr --date 2024-09-02 "${KR_CODES[@]+"${KR_CODES[@]}"}") ;;
            us-daily) args=(run --market us --date 2024-08-30) ;;
            kr-backfill) args=(backfill --market kr --months 202408 202408 "${KR_CODES[@]+"${KR_CODES[@]}"}") ;;
        esac
        k0=$(sim_stat 's["tokens_issued"]')
        t0=$(date +%s%N)
        rc=0
        EOD_BUILD_DIR=$BUILD EOD_LOG_DIR=$ENV_DIR/logs-$name EOD_RUN_TIMEOUT=$RUN_TIMEOUT \
            "$LAUNCH" "${args[@]}" --config "$CFG" >"$ENV_DIR/$name.out" 2>&1 || rc=$?
        t1=$(date +%s%N)
        k1=$(sim_stat 's["tokens_issued"]')
        local wall=$(( (t1 - t0) / 1000000000 ))
        printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$wall" "$((k1 - k0))" >>"$ENV_DIR/runs.tsv"
        echo "    $1 $name: exit $rc in $wall s, $((k1 - k0)) token(s) issued"
    done
}

sim_stat() {   # sim_stat PYTHON-EXPR: EXPR over the simulator's stats as s
    curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

#  s3_same DATA_DIR: every file under DATA_DIR is in the bucket with the same
#  bytes and ETag = MD5, and the bucket holds nothing else. The universe
#  lists (data/codes/market=M/dt=D/LIST_D.csv) go to codes/LIST/dt=D/: they
#  are counted, and their bytes compared under the key they go to.
s3_same() {
    local data=$1 copy=$ENV_DIR/s3copy
    rm -rf "$copy"
    (
        export AWS_ACCESS_KEY_ID=$S3_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET AWS_DEFAULT_REGION=us-east-1
        local s3c=("$ROOT/tests/s3/s3c.py" --endpoint "$S3")
        "${s3c[@]}" cp-r eod-demo "$copy" || exit 1
        diff -r -x codes "$copy" "$data" >"$ENV_DIR/s3.diff" || exit 1
        local f base list
        for f in "$data"/codes/market=*/dt=*/*.csv; do
            [ -e "$f" ] || continue
            base=$(basename "$f") list=${base%_*}
            cmp -s "$f" "$copy/codes/$list/$(basename "$(dirname "$f")")/$base" \
                || { echo "codes: $f differs from its object" >>"$ENV_DIR/s3.diff"; exit 1; }
        done
        "${s3c[@]}" ls eod-demo | cut -f1,2 >"$ENV_DIR/s3.etags" || exit 1
        while IFS=$'\t' read -r key etag; do
            [ "$(md5sum <"$copy/$key" | cut -d' ' -f1)" = "${etag//\"/}" ] || { echo "ETag of $key differs" >>"$ENV_DIR/s3.diff"; exit 1; }
        done <"$ENV_DIR/s3.etags"
        [ "$(wc -l <"$ENV_DIR/s3.etags")" = "$(find "$data" -type f | wc -l)" ]
    )
}

#  rows DATA_DIR: "rows keys" of every CSV (KR and US): data rows and
#  distinct (date, code) pairs.
rows() {
    /usr/bin/python3 - "$1" <<'PY'
import csv, glob, sys
rows, keys = 0, set()
for path in sorted(glob.glob(sys.argv[1] + "/market=*/dt=*/*.csv")):
    us = "/market=us/" in path
    for r in csv.DictReader(open(path, encoding="utf-8", newline="")):
        rows += 1
        keys.add((path.split("/market=")[1][:2], r["xymd" if us else "stck_bsop_date"],
                  r["symbol" if us else "stck_shrn_iscd"]))
print(rows, len(keys))
PY
}

#  The reference runs in the background, beside the faulted ones: its own
#  simulator and S3, its results in files for the checks below.
reference() {
    trap chaos_down EXIT
    chaos_up "$TMP/clean" -- || exit 1
    runs clean
    s3_same "$ENV_DIR/data"; echo $? >"$ENV_DIR/s3.rc"
    curl -s "$SIM/_sim/slack" | /usr/bin/python3 -c 'import json,sys; print(sum("rows" in m.get("text","") for m in json.load(sys.stdin)))' >"$ENV_DIR/slack.count"
}
#  The KR codes of both sides, from a simulator without faults.
if [ "$TEST_FULL" != 1 ]; then
    mkdir -p "$TMP/universe"
    sim_up "$TMP/universe" --seed "$SEED"
    sim_codes $SHORT_CODES "$TMP/kr-codes.txt" >/dev/null
    kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
fi
reference >"$TMP/clean.out" 2>&1 &
REF_JOB=$!
REF=$TMP/clean

echo "# 1. the three runs with every fault at once, beside the same runs without faults"
chaos_up "$TMP/faults" "${S3_FAULTS[@]}" -- "${SIM_FAULTS[@]}" || exit 1
runs faults
wait "$REF_JOB"; REF_JOB=""
echo "# 2. the reference: the same runs without faults"
cat "$TMP/clean.out"
while IFS=$'\t' read -r name rc _ _; do
    check "clean $name exits 0 (got $rc)" [ "$rc" = 0 ]
done <"$REF/runs.tsv"
read -r ref_rows ref_keys <<<"$(rows "$REF/data")"
check "the clean runs wrote rows, each (date, code) once ($ref_rows rows, $ref_keys keys)" \
    [ "$ref_rows" -gt 0 -a "$ref_rows" = "$ref_keys" ]
check "the clean runs' S3 objects equal their files" [ "$(cat "$REF/s3.rc" 2>/dev/null)" = 0 ]
ref_slack=$(cat "$REF/slack.count" 2>/dev/null)
echo "# 3. the faulted runs against the reference"
while IFS=$'\t' read -r name rc wall tokens; do
    check "$name under faults exits 0 (got $rc)" [ "$rc" = 0 ]
    #  A token a minute at most: one at the start, one more per started minute.
    allowed=$((wall / 60 + 1))
    check "$name: at most one token a minute ($tokens issued in $wall s, allowed $allowed)" [ "$tokens" -le "$allowed" ]
done <"$ENV_DIR/runs.tsv"
survived=$(awk -F'\t' '$2 == 0' "$ENV_DIR/runs.tsv" | wc -l)
check "the data files are byte-identical to the clean runs' (diff -r)" diff -r "$REF/data" "$ENV_DIR/data"
diff -r "$REF/data" "$ENV_DIR/data" 2>&1 | head -n 10
check "every S3 object equals its local file (read back with s3c.py, ETag = MD5)" s3_same "$ENV_DIR/data"
head -n 5 "$ENV_DIR/s3.diff" 2>/dev/null
read -r rows_f keys_f <<<"$(rows "$ENV_DIR/data")"
dups=$((rows_f - keys_f))
lost_keys=$(/usr/bin/python3 - "$REF/data" "$ENV_DIR/data" <<'PY'
import csv, glob, sys
def keys(root):
    out = set()
    for path in glob.glob(root + "/market=*/dt=*/*.csv"):
        us = "/market=us/" in path
        for r in csv.DictReader(open(path, encoding="utf-8", newline="")):
            out.add((path.split("/market=")[1][:2], r["xymd" if us else "stck_bsop_date"],
                     r["symbol" if us else "stck_shrn_iscd"]))
    return out
a, b = keys(sys.argv[1]), keys(sys.argv[2])
print(len(a - b), len(b - a))
PY
)
read -r missing extra <<<"$lost_keys"
lost=$missing
check "no row lost ($missing (date, code) keys of the clean runs missing)" [ "$missing" = 0 ]
check "no row duplicated ($rows_f rows, $keys_f distinct keys) and none extra ($extra)" [ "$dups" = 0 -a "$extra" = 0 ]
sim_stat 'json.dumps(s)' >"$ENV_DIR/sim-stats.json"
curl -s "$VERIFY_URL" >"$ENV_DIR/verify-stats.json"
max_window=$(sim_stat 'max(s["max_in_window"].values() or [0])')
check "the request budget held: max_in_window $max_window <= $RATE" [ "$max_window" -le $RATE ]
rl=$(sim_stat 's["rate_limited"]')
egw=$(sim_stat 's["faults"].get("egw00201", 0)')
#  The simulator counts injected EGW00201 as faults, not in rate_limited.
check "the only EGW00201 are the injected ones ($egw injected, $rl from the limiter)" [ "$rl" = 0 ]
gone=$(grep -h "missed [0-9]* heartbeats: gone" "$ENV_DIR"/logs-*/coordinator.log | wc -l)
check "the coordinator never lost a live fetcher ($gone 'missed heartbeats: gone')" [ "$gone" = 0 ]
grep -H "missed [0-9]* heartbeats: gone\|waiting [0-9]* s before issuing\|token rejected" "$ENV_DIR"/logs-*/coordinator.log \
    | sed "s#^$ENV_DIR/##" | cut -c1-200 | head -n 12
issues=$(grep -h "app key .*: token issued" "$ENV_DIR"/logs-*/coordinator.log | wc -l)
tokens=$(sim_stat 's["tokens_issued"]')
check "the coordinator asked for a new token only when it needed one ($issues issued by its logs, $tokens by the simulator)" \
    [ "$issues" = "$tokens" ]
slack=$(curl -s "$SIM/_sim/slack" | /usr/bin/python3 -c 'import json,sys; print(sum("rows" in m.get("text","") for m in json.load(sys.stdin)))')
check "every run's summary reached Slack ($slack of $ref_slack)" [ "$slack" -ge "${ref_slack:-1}" ]
leaks=$(grep -rlE "$SECRETS" "$REF"/logs-* "$REF"/*.out "$ENV_DIR"/logs-* "$ENV_DIR"/*.out 2>/dev/null)
check "no secret in any log of the six runs${leaks:+: $leaks}" [ -z "$leaks" ]
chaos_down

echo
echo "faults injected (simulator, S3 verifier):"
/usr/bin/python3 - "$ENV_DIR/sim-stats.json" "$ENV_DIR/verify-stats.json" <<'PY'
import json, sys
sim, ver = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def total(v):
    return sum(total(x) for x in v.values()) if isinstance(v, dict) else v
req = total(sim["requests"])
kinds = dict(sorted(sim["faults"].items()))
for kind, n in kinds.items():
    print(f"  {'kis/master/slack ' + kind:<30} {n:>6}")
print(f"  {'tokens issued (expiry forced)':<30} {sim['tokens_issued']:>6}")
for kind, n in sorted(ver["faults"].items()):
    print(f"  {'s3 ' + ('500 InternalError' if kind == '500' else '503 SlowDown'):<30} {n:>6}")
print(f"  {'total':<30} {sum(kinds.values()) + sum(ver['faults'].values()):>6}   "
      f"of {req} simulator and {ver['fault_candidates']} S3 object requests")
PY
printf '  %-30s %6s\n' "runs survived" "$survived/3" "rows lost" "$lost" "rows duplicated" "$dups"
printf '  %-30s %6s\n' "wall time (s)" "$(( $(date +%s) - T0 ))"
summary
