#!/usr/bin/env bash
#  throughput.sh — a benchmark, not a test: how close a KR run comes to the
#  KIS request budget, against the bundled simulator with a realistic link
#  (arrival jitter 0..J ms, latency 100 +- 50 ms, a strict sliding-window
#  limiter of 20 requests/s per app key), and what the pipeline costs.
#
#  It runs, each against a fresh private simulator and local S3 (the helpers
#  of tests/e2e/lib.sh), with every stage under /usr/bin/time -v through the
#  launcher's EOD_STAGE_WRAP and the simulator's counters polled every 0.2 s:
#    - KR daily runs (2024-09-02) of N codes for each fetcher count, J = 50 ms
#      ([kis] rate 20, jitter_ms 50; simulator --arrival-jitter-ms 50);
#    - the same at J = 10 ms with the best fetcher count;
#    - two app keys ([kis] keys = second, a [SECOND] section) at that count x2;
#    - a one-month backfill (2024-08) of the same codes at J = 50 ms;
#    - the budget and the latency off (simulator --rate 100000, no latency;
#      [kis] rate 100000, jitter_ms 0): a daily run and the one-month backfill,
#      end-to-end tasks/s through every stage;
#    - the reference pipeline's pattern (one process, one request after the
#      other, 0.1 s sleep after each) timed on a sample of codes and
#      extrapolated linearly to N codes, for the daily run and the backfill;
#    - tests/tools/eod-msgbench: RESULT messages/s over inproc and ipc.
#  Then it prints per-run details, PASS/FAIL against the targets, markdown
#  tables for the README and the command that reproduces them, and draws
#  requests/s over each run against the budget with gnuplot (SVG).
#
#  usage: bench/throughput.sh [--quick] [--codes N] [--fetchers "1 2 4 8 16"]
#                             [--low-codes M] [--sample S] [--out DIR]
#                             [--timeout S] [--open-only] [--open-fetchers F]
#                             [--load L]
#  Defaults: 2000 codes (the simulator lists ~2,600 KR stocks once the
#  market-cap filter is off; its default universe is 1,216), fetchers 1 2 4 8
#  16, runs with fewer fetchers than ceil(budget x (latency + jitter)) + 1 = 4
#  use the first M = 500 codes (they are latency-bound: the wall only scales),
#  a baseline sample of 100 codes, output in state/bench/throughput-<UTC time>.
#  --quick: 300 codes, fetchers 4 and 8, a 30-code baseline sample (~3 min);
#  its share-of-budget and wall figures are shown, not judged (their targets
#  are set for 2,000 codes). The open runs take 2,000 codes in either mode.
#  --open-only: only the runs with the budget and the latency off (~1 min).
#  --open-fetchers F: the fetchers of those runs (default 4).
#  --load L: L processes spinning on the CPU beside every run, from start to
#  end (a busy host: the stages and the simulator wait for a core).
#  A full run takes about 14 minutes.
#  Environment: EOD_BUILD_DIR (default ROOT/build, built first if missing),
#  BENCH_KEEP=1 keeps every run's data, journal and S3 copy (the states, journals
#  among them, under the /tmp/eod-tp.* directory it names at the end).
#  Exit: 0 every target met, 1 a target missed or a run failed, 2 usage.
set -uo pipefail

readonly BUDGET=20               #  requests/s per app key (KIS real host)
readonly LATENCY_MS=100          #  simulator server time
readonly LATENCY_JITTER_MS=50    #  +- on it
readonly J_HI=50                 #  arrival jitter bound of the main runs (ms)
readonly J_LO=10                 #  ... of the low-jitter run
readonly OPEN_RATE=100000        #  "no budget" for the overhead runs
OPEN_CODES=2000
OPEN_FETCHERS=4                  #  --open-fetchers: as many as the paced runs need; on 2
                                 #  cores more processes only add context switches
readonly MARGIN_MS=5             #  [kis] margin_ms, the default
readonly DAY=2024-09-02          #  the demo's KR session
readonly MONTH=202408            #  the one-month backfill
readonly POLL_S=0.2              #  simulator counter polling
readonly REF_SLEEP_S=0.1         #  the reference pipeline's sleep after each request
readonly REF_MONTH_PAUSE_S=5.5   #  its randint(5,6) s before each month
readonly PY=/usr/bin/python3
#  The simulator's second demo app key (eod-sim --help: "default two demo pairs").
readonly KEY2=PSsimDemoKe2000000000000000000000000
KEY2_SECRET=simDemoSecre2$(printf 's%.0s' $(seq 1 167))
readonly KEY2_SECRET

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${EOD_BUILD_DIR:-$ROOT/build}
export EOD_BUILD_DIR=$BUILD

ncodes="" fetchers_list="" low_codes=500 sample="" out="" timeout=900 quick=0 open_only=0 load=0
args_given=""
[ "$#" -gt 0 ] && args_given=$(printf '%q ' "$@") && args_given=${args_given% }

usage() { sed -n '/^#  usage:/,/^[^#]/{/^#/s/^#  \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "throughput: $*" >&2; exit 2; }
say() { echo "throughput: $*" >&2; }
is_int() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }

while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1; shift ;;
        --open-only) open_only=1; shift ;;
        --open-fetchers) OPEN_FETCHERS=${2:-}; shift 2 || die "--open-fetchers F" ;;
        --load) load=${2:-}; shift 2 || die "--load L" ;;
        --codes) ncodes=${2:-}; shift 2 || die "--codes N" ;;
        --fetchers) fetchers_list=${2:-}; shift 2 || die "--fetchers \"F1 F2 ...\"" ;;
        --low-codes) low_codes=${2:-}; shift 2 || die "--low-codes M" ;;
        --sample) sample=${2:-}; shift 2 || die "--sample S" ;;
        --out) out=${2:-}; shift 2 || die "--out DIR" ;;
        --timeout) timeout=${2:-}; shift 2 || die "--timeout S" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done
if [ "$quick" = 1 ]; then
    : "${ncodes:=300}" "${fetchers_list:=4 8}" "${sample:=30}"
else
    : "${ncodes:=2000}" "${fetchers_list:=1 2 4 8 16}" "${sample:=100}"
fi
for v in ncodes low_codes sample timeout OPEN_FETCHERS; do
    is_int "${!v}" || die "$v must be a positive integer (got '${!v}')"
done
[[ $load =~ ^[0-9]+$ ]] || die "--load must be a whole number (got '$load')"
for f in $fetchers_list; do is_int "$f" || die "--fetchers: '$f' is not a positive integer"; done
[ -n "$fetchers_list" ] || die "--fetchers: none given"
#  Fewer fetchers than this cannot keep the budget busy: each request holds
#  its fetcher for the arrival jitter plus the latency (up to 150 ms here).
F_MIN=$(( (BUDGET * (LATENCY_MS + LATENCY_JITTER_MS) + 999) / 1000 + 1 ))

[ -n "$out" ] || out=$ROOT/state/bench/throughput-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out/runs" || die "cannot create $out"
OUT=$(cd "$out" && pwd)

if [ ! -x "$BUILD/bin/eod-coordinator" ] || [ ! -x "$BUILD/bin/eod-sim" ]; then
    say "building into $BUILD"
    "$ROOT/launch/eod" build || die "the build failed"
fi
if [ ! -x "$BUILD/tests/tools/eod-msgbench" ]; then
    cmake --build "$BUILD" --target eod-msgbench >/dev/null || say "eod-msgbench could not be built: skipped"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: apt-get install time"
GNUPLOT=$(command -v gnuplot || true)
[ -n "$GNUPLOT" ] || say "gnuplot is missing (apt-get install gnuplot-nox): no pictures"

# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
BIN=$BUILD/bin

ENV_PIDS=""
POLLER=""
BASE_SIM=""
LOAD_PIDS=""
#  Each run's state (its sockets among it) lives under a short directory of
#  its own: below $OUT a socket's path can pass what the config allows (102 bytes).
STATES=$(mktemp -d /tmp/eod-tp.XXXXXX) || die "cannot make a state directory in /tmp"
cleanup() {
    [ -n "$LOAD_PIDS" ] && kill $LOAD_PIDS 2>/dev/null
    [ -n "$POLLER" ] && kill "$POLLER" 2>/dev/null
    [ -n "$BASE_SIM" ] && kill "$BASE_SIM" 2>/dev/null
    env_down
    if [ "${BENCH_KEEP:-}" = 1 ]; then say "states kept in $STATES"; else rm -rf "$STATES"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

#  --load: the busy neighbours.
for _ in $(seq 1 "$load"); do
    "$PY" -c 'while True: pass' &
    LOAD_PIDS+=" $!"
done
[ "$load" -gt 0 ] && say "$load process(es) spinning on the CPU beside every run"

#  Every stage under time -v (bench/stage_wrap.sh).
WRAP=${BENCH_WRAP:-$ROOT/bench/stage_wrap.sh}

#  The poller: the simulator's itemchartprice count (all keys) and its
#  EGW00201 count, with the wall clock, every POLL_S until killed.
POLLER_PY=$OUT/poller.py
cat >"$POLLER_PY" <<'EOF'
import json, sys, time, urllib.request
url, out, period = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(out, "w", buffering=1) as f:
    while True:
        t = time.time()
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                d = json.load(r)
            total = sum(d.get("requests", {}).get("itemchartprice", {}).values())
            f.write(f"{t:.3f}\t{total}\t{d.get('rate_limited') or 0}\n")
        except (OSError, ValueError):
            pass
        time.sleep(max(0.0, period - (time.time() - t)))
EOF

#  The reference pipeline's pattern: one token, then per code one chart
#  request of the day and a 0.1 s sleep. Prints JSON: codes, seconds, errors.
BASELINE_PY=$OUT/baseline.py
cat >"$BASELINE_PY" <<'EOF'
import json, sys, time, urllib.request
base, key, secret, codes_file, n, day, pause = sys.argv[1:8]
codes = [c.strip() for c in open(codes_file) if c.strip()][: int(n)]
req = urllib.request.Request(base + "/oauth2/tokenP", method="POST",
                             data=json.dumps({"grant_type": "client_credentials", "appkey": key,
                                              "appsecret": secret}).encode(),
                             headers={"content-type": "application/json; charset=utf-8"})
token = json.load(urllib.request.urlopen(req, timeout=10))["access_token"]
ymd = day.replace("-", "")
errors = 0
t0 = time.time()
for code in codes:
    url = (base + "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice?FID_COND_MRKT_DIV_CODE=J"
           f"&FID_INPUT_ISCD={code}&FID_INPUT_DATE_1={ymd}&FID_INPUT_DATE_2={ymd}&FID_PERIOD_DIV_CODE=D"
           "&FID_ORG_ADJ_PRC=0")
    r = urllib.request.Request(url, headers={"authorization": "Bearer " + token, "appkey": key,
                                             "appsecret": secret, "tr_id": "FHKST03010100", "custtype": "P",
                                             "content-type": "application/json; charset=utf-8"})
    try:
        d = json.load(urllib.request.urlopen(r, timeout=10))
        if d.get("rt_cd") != "0":
            errors += 1
    except (OSError, ValueError):
        errors += 1
    time.sleep(float(pause))
print(json.dumps({"codes": len(codes), "seconds": time.time() - t0, "errors": errors}))
EOF

#  The codes: the simulator's default universe first, then the other KR
#  stocks of its master files (group ST, REITs and infrastructure funds),
#  all of which the lister selects with the market-cap filter at 0.
CODES_PY=$OUT/codes.py
cat >"$CODES_PY" <<'EOF'
import io, json, sys, urllib.request, zipfile
base = sys.argv[1]
u = json.load(urllib.request.urlopen(base + "/_sim/universe/kr", timeout=10))
codes = u["kospi"] + u["kosdaq"]
seen = set(codes)
for market, extra in (("kospi", (b"ST", b"RT", b"IF")), ("kosdaq", (b"ST",))):
    blob = urllib.request.urlopen(f"{base}/common/master/{market}_code.mst.zip", timeout=10).read()
    zf = zipfile.ZipFile(io.BytesIO(blob))
    for line in zf.read(f"{market}_code.mst").split(b"\n"):
        line = line.rstrip(b"\r")
        if len(line) < 63 or line[61:63] not in extra:     #  group code at byte 61
            continue
        code = line[:9].decode("ascii", "replace").strip()
        if code and code not in seen:
            seen.add(code)
            codes.append(code)
print("\n".join(codes))
EOF

#  analyze DIR: one run's result.json from its logs, time reports, poller
#  series and simulator counters; also DIR/rate.tsv for the picture.
ANALYZE_PY=$OUT/analyze.py
cat >"$ANALYZE_PY" <<'EOF'
import bisect, datetime, glob, json, os, re, sys
d = sys.argv[1]
p = json.load(open(f"{d}/params.json"))
def hms(s):
    v = [float(x) for x in s.split(":")]
    return sum(x * 60 ** i for i, x in enumerate(reversed(v)))
def epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()
stages = {}
for path in sorted(glob.glob(f"{d}/time/*.time")):
    txt = open(path).read()
    def field(key):
        m = re.search(r"^\s*" + re.escape(key) + r":\s*(.+)$", txt, re.M)
        return m.group(1).strip() if m else None
    rss, wall = field("Maximum resident set size (kbytes)"), field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    user, sys_ = field("User time (seconds)"), field("System time (seconds)")
    stages[os.path.basename(path)[:-5]] = {
        "rss_kib": int(rss) if rss else None, "wall_s": hms(wall) if wall else None,
        "cpu_s": float(user) + float(sys_) if user and sys_ else None, "exit": field("Exit status")}
res = dict(p)
res["stages"] = stages
st = {}
try:
    st = json.load(open(f"{d}/sim_stats.json"))
    res["requests"] = sum(st["requests"].get("itemchartprice", {}).values())
    res["rate_limited"] = st.get("rate_limited") or 0
    res["max_in_window"] = max(st.get("max_in_window", {}).values(), default=0)
    res["tightest_span_ms"] = min(st.get("tightest_span_ms", {}).values(), default=None)
    res["tokens_issued"] = st.get("tokens_issued") or 0
    res["sim_late_5ms"] = st.get("arrival_late_5ms") or 0
except (OSError, ValueError, KeyError):
    res["requests"] = res["rate_limited"] = res["max_in_window"] = None
listed = settled = None
res["tasks"] = None
for line in open(f"{d}/logs/coordinator.log", errors="replace") if os.path.exists(f"{d}/logs/coordinator.log") else []:
    m = re.match(r"^(\S+)Z I (?:eod-)?coordinator\[\d+\]: run \S+: (\d+) tasks listed", line)
    if m:
        listed, res["tasks"] = epoch(m.group(1)), int(m.group(2))
    m = re.match(r"^(\S+)Z I (?:eod-)?coordinator\[\d+\]: run \S+ settled: (\d+) ok, (\d+) no data, (\d+) unknown, "
                 r"(\d+) failed(?:, \d+ without a row for the session)?; (\d+) requests, (\d+) rejected by the rate limit, "
                 r"(\d+) retries", line)
    if m:
        settled = epoch(m.group(1))
        res.update(ok=int(m.group(2)), nodata=int(m.group(3)), unknown=int(m.group(4)), failed=int(m.group(5)),
                   coord_requests=int(m.group(6)), coord_rejected=int(m.group(7)), retries=int(m.group(8)))
series = []
if os.path.exists(f"{d}/series.tsv"):
    for line in open(f"{d}/series.tsv"):
        t, n, rl = line.split("\t")
        series.append((float(t), int(n), int(rl)))
#  The first chart request: the simulator's own clock when it says (exact),
#  else the middle of the first 0.2-s sample that counted one.
first = None
for i, (t, n, _) in enumerate(series):
    if n > 0:
        first = (series[i - 1][0] + t) / 2 if i > 0 else t
        break
first = min((v for k, v in st.get("first_at", {}).items() if k in ("itemchartprice", "dailyprice")),
            default=None) or first
res["t_first"], res["t_settled"], res["t_listed"] = first, settled, listed
res["fetch_wall_s"] = settled - first if first and settled and settled > first else None
res["rate"] = res["requests"] / res["fetch_wall_s"] if res["fetch_wall_s"] and res["requests"] else None
#  Requests in the trailing 1 s at each sample, from the first request on.
with open(f"{d}/rate.tsv", "w") as f:
    if first is not None:
        ts = [s[0] for s in series]
        def count_at(t):
            j = bisect.bisect_right(ts, t) - 1
            if j < 0:
                return 0.0
            if j + 1 >= len(series):
                return float(series[j][1])
            t0, n0, t1, n1 = series[j][0], series[j][1], series[j + 1][0], series[j + 1][1]
            return n0 + (n1 - n0) * (t - t0) / (t1 - t0) if t1 > t0 else float(n0)
        end = settled + 1.5 if settled else series[-1][0]
        for t, n, _ in series:
            if t < first or t > end:
                continue
            f.write(f"{t - first:.2f}\t{n - count_at(t - 1.0):.2f}\n")
json.dump(res, open(f"{d}/result.json", "w"), indent=1)
EOF

#  The simulator's CPU time so far (user + system, all its threads), in clock
#  ticks; empty when it cannot be read.
sim_cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$SIM_PID/stat" 2>/dev/null
}

#  run_pipeline LABEL KIND FETCHERS J KEYS MODE CODES
#    KIND run|backfill, MODE paced|open, CODES a file. Leaves
#    $OUT/runs/LABEL/result.json (see analyze.py).
run_pipeline() {
    local label=$1 kind=$2 fetchers=$3 jit=$4 keys=$5 mode=$6 codes=$7
    local dir=$OUT/runs/$label sim_args rate cfg_j ncode
    rm -rf "$dir"
    if [ "$mode" = paced ]; then
        sim_args=(--rate "$BUDGET" --arrival-jitter-ms "$jit" --latency-ms "$LATENCY_MS" --jitter-ms "$LATENCY_JITTER_MS")
        rate=$BUDGET cfg_j=$jit
    else
        #  The simulator's price walks are computed before it listens: its own
        #  cost per request is then microseconds, and the figure is the pipeline's.
        sim_args=(--rate "$OPEN_RATE" --warm-until "${DAY//-/}")
        rate=$OPEN_RATE cfg_j=0
    fi
    ncode=$(grep -c . "$codes")
    env_up "$dir" "${sim_args[@]}" || { say "$label: the simulator or S3 did not start"; return 1; }
    set_key pipeline state_dir "$STATES/$label" kis rate "$rate" kis jitter_ms "$cfg_j"
    set_key filter kospi_min_cap 0
    set_key filter kosdaq_min_cap 0
    if [ "$keys" = 2 ]; then
        set_key kis keys second
        set_key SECOND key "$KEY2"
        set_key SECOND secret_key "$KEY2_SECRET"
    fi
    local logs=$dir/logs times=$dir/time
    mkdir -p "$logs" "$times"
    local what=(run --market kr --date "$DAY") job=daily
    [ "$kind" = backfill ] && what=(backfill --market kr --months "$MONTH" "$MONTH") job=backfill
    say "$label: ${what[*]} of $ncode codes, $fetchers fetcher(s), $keys key(s), $mode$([ "$mode" = paced ] && echo ", J = $jit ms")"
    "$PY" "$POLLER_PY" "$SIM/_sim/stats" "$dir/series.tsv" "$POLL_S" &
    POLLER=$!
    local t0 t1 rc=0 sim0 sim1
    sim0=$(sim_cpu_ticks)
    t0=$(date +%s.%N)
    BENCH_TIME_DIR=$times EOD_STAGE_WRAP=$WRAP EOD_LOG_DIR=$logs EOD_RUN_TIMEOUT=$timeout \
        "$ROOT/launch/eod" "${what[@]}" --config "$CFG" --codes "$codes" --fetchers "$fetchers" \
        >"$dir/launch.out" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    sim1=$(sim_cpu_ticks)
    sleep "$POLL_S"
    kill "$POLLER" 2>/dev/null; wait "$POLLER" 2>/dev/null; POLLER=""
    curl -s "$SIM/_sim/stats" >"$dir/sim_stats.json"
    "$PY" -c 'import json, sys; json.dump(dict(zip(
        ["label", "kind", "fetchers", "jitter_ms", "keys", "mode", "codes", "rc", "t0", "t1", "budget"],
        [sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6],
         int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9]), float(sys.argv[10]), int(sys.argv[11])]))
        | {"wall_s": float(sys.argv[10]) - float(sys.argv[9]),
           "sim_cpu_s": (int(sys.argv[14]) - int(sys.argv[13])) / int(sys.argv[15])
                        if sys.argv[13] and sys.argv[14] else None}, open(sys.argv[12], "w"))' \
        "$label" "$job" "$fetchers" "$jit" "$keys" "$mode" "$ncode" "$rc" "$t0" "$t1" "$rate" "$dir/params.json" \
        "$sim0" "$sim1" "$(getconf CLK_TCK)"
    "$PY" "$ANALYZE_PY" "$dir" || say "$label: analysis failed"
    env_down
    [ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$dir/data" "${STATES:?}/$label" "$dir/s3data"
    [ "$rc" = 0 ] || say "$label: the launcher exited $rc (see $logs)"
    [ -s "$dir/result.json" ] || return 1
    "$PY" - "$dir/result.json" <<'PY' >&2
import json, sys
r = json.load(open(sys.argv[1]))
rate = f"{r['rate']:.2f}/s" if r.get("rate") else "?"
print(f"throughput:   {r['label']}: {r.get('tasks')} tasks, {r.get('requests')} requests at {rate}, "
      f"EGW00201 {r.get('rate_limited')}, wall {r['wall_s']:.1f} s")
PY
}

#  --- the codes and the baseline -----------------------------------------------

BASE_DIR=$OUT/baseline
mkdir -p "$BASE_DIR"
base_port=$(free_port)
"$BIN/eod-sim" --port "$base_port" --rate "$BUDGET" --arrival-jitter-ms "$J_HI" --latency-ms "$LATENCY_MS" \
    --jitter-ms "$LATENCY_JITTER_MS" >"$BASE_DIR/sim.out" 2>"$BASE_DIR/sim.log" &
BASE_SIM=$!
for _ in $(seq 1 100); do grep -q listening "$BASE_DIR/sim.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$BASE_DIR/sim.out" || die "the simulator did not start (see $BASE_DIR/sim.log)"
BASE=http://127.0.0.1:$base_port
"$PY" "$CODES_PY" "$BASE" >"$OUT/codes_all.txt" || die "cannot list the simulator's codes"
have=$(grep -c . "$OUT/codes_all.txt")
if [ "$have" -lt "$ncodes" ]; then
    say "the simulator has $have KR stocks, fewer than $ncodes: using them all"
    ncodes=$have
fi
head -n "$ncodes" "$OUT/codes_all.txt" >"$OUT/codes.txt"
low=$low_codes
[ "$low" -gt "$ncodes" ] && low=$ncodes
head -n "$low" "$OUT/codes_all.txt" >"$OUT/codes_low.txt"
#  The open runs (budget and latency off) take OPEN_CODES codes even with
#  --quick: a few hundred tasks pass in a tenth of a second, too short to
#  measure a rate by.
open_n=$OPEN_CODES
[ "$open_n" -lt "$ncodes" ] && open_n=$ncodes
[ "$open_n" -gt "$have" ] && open_n=$have
head -n "$open_n" "$OUT/codes_all.txt" >"$OUT/codes_open.txt"
say "output in $OUT; $ncodes codes ($have available), fetchers: $fetchers_list"

KEY1=PSsimDemoKey000000000000000000000000
KEY1_SECRET=simDemoSecret$(printf 's%.0s' $(seq 1 167))
#  The fetcher counts of the paced runs after the sweep (none made with --open-only).
best=$OPEN_FETCHERS k2=$OPEN_FETCHERS
if [ "$open_only" = 0 ]; then
say "baseline: $sample codes one after another with a ${REF_SLEEP_S} s sleep after each"
"$PY" "$BASELINE_PY" "$BASE" "$KEY1" "$KEY1_SECRET" "$OUT/codes.txt" "$sample" "$DAY" "$REF_SLEEP_S" \
    >"$BASE_DIR/result.json" || say "the baseline failed"
curl -s "$BASE/_sim/stats" >"$BASE_DIR/sim_stats.json"
kill "$BASE_SIM" 2>/dev/null; wait "$BASE_SIM" 2>/dev/null; BASE_SIM=""

#  --- the runs ------------------------------------------------------------------

for f in $fetchers_list; do
    codes=$OUT/codes.txt
    [ "$f" -lt "$F_MIN" ] && codes=$OUT/codes_low.txt
    run_pipeline "daily-f$f-j$J_HI" run "$f" "$J_HI" 1 paced "$codes"
done
#  The best fetcher count: among the runs of all N codes without a
#  rejection, the fewest fetchers within 0.5% of the highest rate.
best=$("$PY" - "$OUT/runs" "$fetchers_list" "$J_HI" "$ncodes" <<'PY'
import json, sys
runs, fl, j, n = sys.argv[1], sys.argv[2].split(), sys.argv[3], int(sys.argv[4])
rates = {}
for f in fl:
    try:
        r = json.load(open(f"{runs}/daily-f{f}-j{j}/result.json"))
    except (OSError, ValueError):
        continue
    if r["rc"] == 0 and r["codes"] == n and not r.get("rate_limited") and r.get("rate"):
        rates[int(f)] = r["rate"]
if rates:
    top = max(rates.values())
    print(min(f for f, v in rates.items() if v >= 0.995 * top))
else:
    print(max(int(f) for f in fl))
PY
)
say "best fetcher count at J = $J_HI ms: $best"
run_pipeline "daily-f$best-j$J_LO" run "$best" "$J_LO" 1 paced "$OUT/codes.txt"
k2=$((best * 2))
[ "$k2" -gt 16 ] && k2=16
[ "$k2" -lt "$best" ] && k2=$best
run_pipeline "daily-f$k2-j$J_HI-k2" run "$k2" "$J_HI" 2 paced "$OUT/codes.txt"
run_pipeline "backfill-f$best-j$J_HI" backfill "$best" "$J_HI" 1 paced "$OUT/codes.txt"
fi
#  Without latency a fetcher's round trip is well under a millisecond: the
#  overhead runs use OPEN_FETCHERS (--open-fetchers).
run_pipeline "open-daily-f$OPEN_FETCHERS" run "$OPEN_FETCHERS" 0 1 open "$OUT/codes_open.txt"
run_pipeline "open-backfill-f$OPEN_FETCHERS" backfill "$OPEN_FETCHERS" 0 1 open "$OUT/codes_open.txt"

MSGBENCH_OUT=$OUT/msgbench.txt
if [ -x "$BUILD/tests/tools/eod-msgbench" ]; then
    say "eod-msgbench: RESULT messages/s over inproc and ipc"
    secs=2
    [ "$quick" = 1 ] && secs=0.5
    "$BUILD/tests/tools/eod-msgbench" --seconds "$secs" >"$MSGBENCH_OUT" 2>"$OUT/msgbench.err" \
        || say "eod-msgbench failed (see $OUT/msgbench.err)"
fi

#  --- the pictures --------------------------------------------------------------

plot() {   # outfile heading budget paced label...
    local svg=$1 heading=$2 budget=$3 paced=$4; shift 4
    local files="" titles="" l
    for l in "$@"; do
        [ -s "$OUT/runs/$l/rate.tsv" ] || continue
        files+="$OUT/runs/$l/rate.tsv "
        titles+="$(echo "$l" | sed -e 's/^daily-//' -e 's/-j/,J=/' -e 's/^f/F=/' -e 's/-k2/,K=2/' -e 's/^backfill-f/backfill,F=/') "
    done
    [ -n "$files" ] && [ -n "$GNUPLOT" ] || return 0
    "$GNUPLOT" -e "outfile='$svg'; heading='$heading'; files='$files'; titles='$titles'; budget=$budget; paced=$paced" \
        "$ROOT/bench/throughput.gp" 2>>"$OUT/gnuplot.err" && echo "$svg"
}
#  What the pacer aims at: rate dispatches in every 1 s + J + margin.
paced_hi=$("$PY" -c "print(f'{$BUDGET * 1000 / (1000 + $J_HI + $MARGIN_MS):.2f}')")
sweep=()
for f in $fetchers_list; do sweep+=("daily-f$f-j$J_HI"); done
sweep+=("daily-f$best-j$J_LO" "backfill-f$best-j$J_HI")
: >"$OUT/svgs.txt"
plot "$OUT/throughput-kr-daily.svg" "KR daily run, budget $BUDGET/s, latency ${LATENCY_MS}+-${LATENCY_JITTER_MS} ms" \
    "$BUDGET" "$paced_hi" "${sweep[@]}" >>"$OUT/svgs.txt"
plot "$OUT/throughput-kr-two-keys.svg" "KR daily run with two app keys (budget $((2 * BUDGET))/s), J = $J_HI ms" \
    "$((2 * BUDGET))" "$("$PY" -c "print($paced_hi * 2)")" "daily-f$k2-j$J_HI-k2" "daily-f$best-j$J_HI" >>"$OUT/svgs.txt"

#  --- the report -----------------------------------------------------------------

cmd="bench/throughput.sh${args_given:+ $args_given}"
"$PY" - "$OUT" "$BUDGET" "$J_HI" "$J_LO" "$F_MIN" "$best" "$k2" "$REF_SLEEP_S" "$REF_MONTH_PAUSE_S" "$MONTH" \
    "$ROOT/config/calendars/XKRX_closed.csv" "$cmd" "$fetchers_list" "$LATENCY_MS" "$LATENCY_JITTER_MS" \
    "$OPEN_FETCHERS" "$open_only" "$quick" <<'PY'
import calendar, datetime, json, os, sys
(out, budget, j_hi, j_lo, f_min, best, k2, ref_sleep, ref_pause, month, closed_csv, cmd, fl,
 lat, lat_j, open_f, open_only, quick) = sys.argv[1:]
quick = quick == "1"
budget, j_hi, j_lo, f_min, lat, lat_j = int(budget), int(j_hi), int(j_lo), int(f_min), int(lat), int(lat_j)
ref_pause = float(ref_pause)
ok_all = True
verdicts = []
def verdict(name, ok, detail, info=False):
    """info: a figure whose target is set for the default run's size, shown
    but not judged (--quick's few hundred codes spend a larger share of the
    run ramping up and draining)."""
    global ok_all
    if info:
        verdicts.append((name, "INFO", detail + " (target set for the default 2,000 codes)"))
        return
    ok_all = ok_all and ok
    verdicts.append((name, "PASS" if ok else "FAIL", detail))
def load(label):
    try:
        return json.load(open(f"{out}/runs/{label}/result.json"))
    except (OSError, ValueError):
        return None
def fmt(v, f="{:.1f}", none="?"):
    return f.format(v) if v is not None else none
def mib(kib):
    return kib / 1024.0 if kib else None
def order(name):
    fixed = ["calendar", "lister", "coordinator", "writer", "uploader", "notifier"]
    if name in fixed:
        return (fixed.index(name), 0)
    if name.startswith("fetcher-"):
        return (3, int(name.split("-")[1]))
    return (99, 0)

paced = [f"daily-f{f}-j{j_hi}" for f in fl.split()] + [f"daily-f{best}-j{j_lo}", f"daily-f{k2}-j{j_hi}-k2",
                                                       f"backfill-f{best}-j{j_hi}"]
if open_only == "1":
    paced = []    # --open-only makes none of them
opens = [f"open-daily-f{open_f}", f"open-backfill-f{open_f}"]
runs = {l: load(l) for l in paced + opens}

#  Per-run details.
for label in paced + opens:
    r = runs[label]
    if not r:
        print(f"\n== {label}: no result ==")
        ok_all = False
        continue
    print(f"\n== {label}: {r['kind']} of {r['codes']} codes, {r['fetchers']} fetcher(s), {r['keys']} key(s), "
          f"{r['mode']}{', J = %d ms' % r['jitter_ms'] if r['mode'] == 'paced' else ''}: "
          f"launcher exit {r['rc']}, {r['wall_s']:.1f} s ==")
    print(f"tasks {r.get('tasks')}: ok {r.get('ok')}, no data {r.get('nodata')}, unknown {r.get('unknown')}, "
          f"failed {r.get('failed')}, retries {r.get('retries')}; simulator: {r.get('requests')} chart requests, "
          f"EGW00201 {r.get('rate_limited')}, busiest 1-s window {r.get('max_in_window')}, "
          f"tightest {budget + 1} consecutive arrivals {fmt(r.get('tightest_span_ms'))} ms, "
          f"requests the simulator itself woke up for more than 5 ms late {r.get('sim_late_5ms')}")
    print(f"fetch phase (first request .. run settled): {fmt(r.get('fetch_wall_s'), '{:.2f}')} s, "
          f"{fmt(r.get('rate'), '{:.2f}')} requests/s")
    print(f"  {'stage':<13} {'cpu s':>7} {'wall s':>7} {'cpu %':>6} {'peak RSS MiB':>13} exit")
    for name in sorted(r["stages"], key=order):
        s = r["stages"][name]
        pct = 100 * s["cpu_s"] / s["wall_s"] if s["cpu_s"] is not None and s["wall_s"] else None
        print(f"  {name:<13} {fmt(s['cpu_s'], '{:7.2f}')} {fmt(s['wall_s'], '{:7.1f}')} {fmt(pct, '{:6.1f}')} "
              f"{fmt(mib(s['rss_kib']), '{:13.1f}')} {s['exit']}")
    if r["rc"] != 0:
        ok_all = False

def coord_pct(r):
    s = r["stages"].get("coordinator") if r else None
    if not s or s["cpu_s"] is None or not s["wall_s"]:
        return None
    return 100 * s["cpu_s"] / s["wall_s"]

#  Targets.
for label in paced:
    r = runs[label]
    if not r:
        continue
    verdict(f"{label}: zero EGW00201", (r.get("rate_limited") or 0) == 0 and r.get("failed", 1) == 0,
            f"{r.get('rate_limited')} rejected, {r.get('failed')} failed")
    if not label.startswith("daily-") or r["fetchers"] < f_min:
        continue
    share = 100 * r["rate"] / (budget * r["keys"]) if r.get("rate") else 0
    need = 98 if r["jitter_ms"] <= j_lo else 94
    verdict(f"{label}: >= {need}% of the budget", share >= need,
            f"{r.get('rate') or 0:.2f}/s = {share:.1f}% of {budget * r['keys']}/s", quick)
    bound = r["codes"] / (budget * r["keys"])
    verdict(f"{label}: wall <= 1.07 N/{budget * r['keys']} + 2 s", r["wall_s"] <= 1.07 * bound + 2,
            f"{r['wall_s']:.1f} s against {1.07 * bound + 2:.1f} s (N/{budget * r['keys']} = {bound:.1f} s)", quick)
    cp = coord_pct(r)
    verdict(f"{label}: coordinator < 5% of a core", cp is not None and cp < 5, f"{fmt(cp, '{:.2f}')}%")
rk, r1 = runs.get(f"daily-f{k2}-j{j_hi}-k2"), runs.get(f"daily-f{best}-j{j_hi}")
if rk and r1 and rk.get("rate") and r1.get("rate"):
    verdict("two keys: about twice the rate", rk["rate"] >= 1.9 * r1["rate"],
            f"{rk['rate']:.2f}/s against {r1['rate']:.2f}/s with one key (x{rk['rate'] / r1['rate']:.2f})")

ro = runs.get(f"open-daily-f{open_f}")
if ro:
    t, fw = ro.get("tasks") or ro["codes"], ro.get("fetch_wall_s")
    verdict("budget and latency off: >= 2,000 tasks/s through the stages (first request .. every task written)",
            bool(fw) and t / fw >= 2000,
            f"{t} tasks in {fmt(fw, '{:.2f}')} s = {fmt(t / fw if fw else None, '{:.0f}')}/s "
            f"({t / ro['wall_s']:.0f}/s over the launcher's whole {ro['wall_s']:.1f} s, start-up and upload included)")

#  Markdown: the paced runs.
print("\n## Results (markdown)\n")
print(f"KR, simulator with arrival jitter 0..J ms, latency {lat} ± {lat_j} ms and a strict sliding-window limit of "
      f"{budget} requests/s per app key; `[kis] rate = {budget}`, `jitter_ms = J`. Requests/s: chart requests over "
      f"the fetch phase (first request to the coordinator's \"settled\"); wall: the whole `launch/eod` run; "
      f"bound: N / ({budget} × keys); tightest 21: the least time any {budget} + 1 consecutive arrivals of a key took at "
      f"the simulator (under 1,000 ms is a rejection). Targets apply from {f_min} fetchers on.\n")
print("| run | N | fetchers | J ms | keys | requests/s | % of budget | EGW00201 | busiest 1 s | tightest 21 ms | wall s "
      "| bound s | wall / bound | coordinator CPU % | all stages CPU s | largest RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label in paced:
    r = runs[label]
    if not r:
        print(f"| {label} | no result |")
        continue
    b = budget * r["keys"]
    bound = r["codes"] / b
    cpu = sum(s["cpu_s"] or 0 for s in r["stages"].values())
    rss = max((s["rss_kib"] or 0 for s in r["stages"].values()), default=0)
    share = 100 * r["rate"] / b if r.get("rate") else None
    print(f"| {r['kind']} | {r['codes']} | {r['fetchers']} | {r['jitter_ms']} | {r['keys']} | {fmt(r.get('rate'), '{:.2f}')} "
          f"| {fmt(share)} | {r.get('rate_limited')} | {r.get('max_in_window')} | {fmt(r.get('tightest_span_ms'))} "
          f"| {r['wall_s']:.1f} | {bound:.1f} "
          f"| {r['wall_s'] / bound:.3f} | {fmt(coord_pct(r), '{:.2f}')} | {cpu:.1f} | {fmt(mib(rss))} |")

#  Markdown: per stage, CPU s and peak RSS of every run.
print("\nCPU seconds / peak RSS MiB of every stage (fetchers: the sum of CPU and the largest RSS):\n")
cols = [l for l in paced + opens if runs[l]]
print("| stage | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * len(cols))
for name in ["calendar", "lister", "coordinator", "fetchers", "writer", "uploader", "notifier"]:
    cells = []
    for l in cols:
        st = runs[l]["stages"]
        if name == "fetchers":
            fs = [s for n, s in st.items() if n.startswith("fetcher-")]
            cpu = sum(s["cpu_s"] or 0 for s in fs) if fs else None
            rss = max((s["rss_kib"] or 0 for s in fs), default=None)
        else:
            s = st.get(name)
            cpu, rss = (s["cpu_s"], s["rss_kib"]) if s else (None, None)
        cells.append(f"{fmt(cpu, '{:.2f}')} / {fmt(mib(rss))}")
    print(f"| {name} | " + " | ".join(cells) + " |")

#  Baseline against ours.
try:
    base = json.load(open(f"{out}/baseline/result.json"))
except (OSError, ValueError):
    base = None
closed = set()
try:
    for line in open(closed_csv):
        closed.add(line.split(",")[0])
except OSError:
    pass
y, m = int(month[:4]), int(month[4:])
sessions = sum(1 for d in range(1, calendar.monthrange(y, m)[1] + 1)
               if datetime.date(y, m, d).weekday() < 5 and datetime.date(y, m, d).isoformat() not in closed)
rd, rb = runs.get(f"daily-f{best}-j{j_hi}"), runs.get(f"backfill-f{best}-j{j_hi}")
print("\nThe reference pipeline's pattern (one process, one request after the other, "
      f"`sleep({ref_sleep})` after each) against the same simulator (J = {j_hi} ms), timed on "
      f"{base['codes'] if base else '?'} codes and **extrapolated linearly** to N codes; its month backfill makes "
      f"one request per code per session ({sessions} sessions in {month[:4]}-{month[4:]}) and pauses "
      f"{ref_pause:g} s per month. Ours: one request per code for both, {best} fetchers.\n")
print("| job | N | reference (extrapolated) s | ours s | speed-up |")
print("|---|---:|---:|---:|---:|")
if base and base["codes"]:
    per = base["seconds"] / base["codes"]
    for name, r, reqs, extra in (("daily run", rd, 1, 0.0), (f"one-month backfill ({month})", rb, sessions, ref_pause)):
        if not r:
            continue
        ref = per * r["codes"] * reqs + extra
        print(f"| {name} | {r['codes']} | {ref:.0f} | {r['wall_s']:.1f} | {ref / r['wall_s']:.1f}× |")
    print(f"\nreference: {per * 1000:.0f} ms per code ({base['codes']} codes in {base['seconds']:.1f} s, "
          f"{base['errors']} errors): {1 / per:.2f} requests/s")

#  Overhead.
print(f"\nOverhead, the budget and the latency off (simulator `--rate 100000`, no latency; `[kis] rate = 100000`, "
      f"`jitter_ms = 0`; the simulator's price walks computed before it listens), {open_f} fetchers:\n")
print("| job | tasks | fetch phase s | tasks/s (fetch phase) | wall s | tasks/s end to end | all stages CPU s "
      "| simulator CPU s (ms a request) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for l in opens:
    r = runs[l]
    if not r:
        continue
    t = r.get("tasks") or r["codes"]
    fw = r.get("fetch_wall_s")
    cpu = sum(s["cpu_s"] or 0 for s in r["stages"].values())
    sim = r.get("sim_cpu_s")
    per = 1000 * sim / r["requests"] if sim is not None and r.get("requests") else None
    print(f"| {r['kind']} | {t} | {fmt(fw, '{:.2f}')} | {fmt(t / fw if fw else None, '{:.0f}')} | {r['wall_s']:.1f} "
          f"| {t / r['wall_s']:.0f} | {cpu:.1f} | {fmt(sim, '{:.2f}')} ({fmt(per, '{:.3f}')}) |")
try:
    lines = [l.split() for l in open(f"{out}/msgbench.txt") if l.strip() and not l.startswith(("#", "link"))]
except OSError:
    lines = []
if lines:
    print("\n`eod-msgbench`: a RESULT as the coordinator forwards it (30 output1 fields, 6 metadata fields, 13 "
          "fields a row), `eod_stage_send` → PUSH/PULL → `eod_stage_recv` (encode, trace PUB copy, send, receive, "
          "decode) between two threads:\n")
    print("| link | rows | bytes | messages/s | MB/s | encode only /s | decode only /s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for w in lines:
        print(f"| {w[0]} | {w[1]} | {w[2]} | {float(w[5]):,.0f} | {w[6]} | {float(w[7]):,.0f} | {float(w[8]):,.0f} |")

print("\nTargets:\n")
for name, v, detail in verdicts:
    print(f"- {v} {name}: {detail}")
try:
    svgs = [l.strip() for l in open(f"{out}/svgs.txt") if l.strip()]
except OSError:
    svgs = []
if svgs:
    print("\nPictures: " + ", ".join(svgs))
print(f"\nReproduce: `{cmd}` (EOD_BUILD_DIR picks the build; output in {out})")
print("\nRESULT: " + ("PASS" if ok_all else "FAIL"))
sys.exit(0 if ok_all else 1)
PY
