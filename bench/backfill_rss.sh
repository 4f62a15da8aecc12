#!/usr/bin/env bash
#  backfill_rss.sh — a benchmark, not a test: the peak RSS of every stage of a
#  KR backfill against the bundled simulator, with the simulator's rate limit
#  and the pipeline's request budget raised so the run is not paced at 20/s.
#
#  It runs the same backfill twice, over a short and a long range of years
#  ending at --end, each against a fresh private simulator and local S3 (the
#  helpers of tests/e2e/lib.sh), with every stage started under
#  `/usr/bin/time -v` through the launcher's EOD_STAGE_WRAP. For each run it
#  prints one line per stage: peak RSS (MiB, "Maximum resident set size"),
#  wall and CPU seconds, and PASS/FAIL against the 64 MiB budget; then the
#  run's request count (simulator /_sim/stats), rows and files written, and
#  the writer's peak RSS of both runs with their ratio: a writer that streams
#  has a ratio near 1.
#
#  usage: bench/backfill_rss.sh [--codes N] [--years-short A] [--years-long B]
#                               [--rate R] [--fetchers N] [--end YYYY-MM-DD]
#                               [--timeout S] [--daily N]
#  Defaults: 1000 codes, 1 and 10 years ending 2024-12-30, 2000 requests/s,
#  8 fetchers, a 3600 s limit per run. The simulator serves sessions from 2015
#  on, so the long range may not start before 2015-01-01.
#  With --daily N it measures one KR daily run (2024-09-02) of N codes
#  instead, against 16 MiB per stage: the simulator adds the KOSDAQ stocks
#  beyond its 1,216-code universe (--kosdaq-extra) and precomputes its price
#  walks (--warm-until), so the run's pace is the pipeline's.
#  Environment: EOD_BUILD_DIR (default ROOT/build, built first if missing),
#  BENCH_KEEP=1 keeps the temp dir (logs, data, journal, samples).
#  Exit: 0 every stage under 64 MiB and both runs complete, 1 otherwise,
#  2 usage error.
set -uo pipefail

BUDGET_MIB=64                    #  per stage; 16 for --daily
readonly DAILY_BUDGET_MIB=16
readonly DAILY_DATE=2024-09-02
readonly SIM_UNIVERSE_KR=1216    #  the simulator's default KR universe
readonly SAMPLE_S=0.25           #  RSS/CPU sampling period of the stage processes
readonly PY=/usr/bin/python3     #  Debian's; lib.sh uses it too

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${EOD_BUILD_DIR:-$ROOT/build}
export EOD_BUILD_DIR=$BUILD

ncodes=1000 years_short=1 years_long=10 rate=2000 fetchers=8 end=2024-12-30 timeout=3600 daily=0

usage() { sed -n '/^#  usage:/,/^[^#]/{/^#/s/^#  \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "backfill_rss: $*" >&2; exit 2; }
is_int() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }

while [ $# -gt 0 ]; do
    case $1 in
        --codes) ncodes=${2:-}; shift 2 || die "--codes N" ;;
        --years-short) years_short=${2:-}; shift 2 || die "--years-short A" ;;
        --years-long) years_long=${2:-}; shift 2 || die "--years-long B" ;;
        --rate) rate=${2:-}; shift 2 || die "--rate R" ;;
        --fetchers) fetchers=${2:-}; shift 2 || die "--fetchers N" ;;
        --end) end=${2:-}; shift 2 || die "--end YYYY-MM-DD" ;;
        --timeout) timeout=${2:-}; shift 2 || die "--timeout S" ;;
        --daily) daily=${2:-}; shift 2 || die "--daily N" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done
[ "$daily" = 0 ] || { is_int "$daily" || die "--daily N: a positive number of codes"; BUDGET_MIB=$DAILY_BUDGET_MIB; }
for v in ncodes years_short years_long rate fetchers timeout; do
    is_int "${!v}" || die "$v must be a positive integer (got '${!v}')"
done
[[ $end =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] && date -u -d "$end" >/dev/null 2>&1 || die "--end: YYYY-MM-DD"
end_year=${end:0:4}
[ $((end_year - years_long + 1)) -ge 2015 ] || die "the simulator serves sessions from 2015 on: --years-long at most $((end_year - 2014))"

if [ ! -x "$BUILD/bin/eod-coordinator" ] || [ ! -x "$BUILD/bin/eod-sim" ]; then
    echo "backfill_rss: building into $BUILD" >&2
    "$ROOT/launch/eod" build || die "the build failed"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: apt-get install time"

#  lib.sh reads BUILD; its check/ok/bad helpers are not used here.
# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
BIN=$BUILD/bin

TMP=$(mktemp -d /tmp/eod-bench.XXXXXX)
ENV_PIDS=""
SAMPLER=""
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
    env_down
    if [ "${BENCH_KEEP:-}" = 1 ]; then echo "backfill_rss: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

#  Every stage under time -v (bench/stage_wrap.sh).
WRAP=${BENCH_WRAP:-$ROOT/bench/stage_wrap.sh}

#  The sampler: every SAMPLE_S, the RSS (whole, and its anonymous part: the
#  heap and stacks the stage owns, without the pages of shared libraries
#  every stage maps alike) and CPU ticks of each process whose
#  program is under BIN and whose command line names this run's config.
SAMPLER_PY=$TMP/sampler.py
cat >"$SAMPLER_PY" <<'EOF'
import os, sys, time
bindir, cfg, out, period = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
t0 = time.time()
with open(out, "w", buffering=1) as f:
    while True:
        now = time.time() - t0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as c:
                    argv = c.read().split(b"\0")
                prog = argv[0].decode(errors="replace")
                if not prog.startswith(bindir + "/eod-") or cfg.encode() not in argv:
                    continue
                rss = anon = 0
                with open(f"/proc/{pid}/status") as s:
                    for line in s:
                        if line.startswith("VmRSS:"):
                            rss = int(line.split()[1])
                        elif line.startswith("RssAnon:"):
                            anon = int(line.split()[1])
                with open(f"/proc/{pid}/stat") as s:
                    st = s.read().rsplit(")", 1)[1].split()
                ticks = int(st[11]) + int(st[12])
                f.write(f"{now:.2f}\t{pid}\t{os.path.basename(prog)}\t{rss}\t{ticks}\t{anon}\n")
            except (OSError, IndexError, ValueError):
                continue
        time.sleep(period)
EOF

#  run_one LABEL YEARS: one backfill; leaves its summary in $TMP/LABEL/result.json.
run_one() {
    local label=$1 years=$2
    local from=$((end_year - years + 1))-01-01 sim_args=(--rate "$rate") n=$ncodes
    if [ "$label" = daily ]; then
        from=$DAILY_DATE n=$daily
        [ "$daily" -gt "$SIM_UNIVERSE_KR" ] && sim_args+=(--kosdaq-extra $((daily - SIM_UNIVERSE_KR)))
        sim_args+=(--warm-until "${DAILY_DATE//-/}")
    fi
    env_up "$TMP/$label" "${sim_args[@]}" || { echo "backfill_rss: $label: the simulator or S3 did not start" >&2; return 1; }
    set_key kis rate "$rate"
    set_key kis jitter_ms 10
    set_key pipeline fetchers "$fetchers"
    local codes=$ENV_DIR/codes.txt
    curl -s "$SIM/_sim/universe/kr" | "$PY" -c '
import json, sys
u = json.load(sys.stdin)
print("\n".join((u["kospi"] + u["kosdaq"])[:int(sys.argv[1])]))' "$n" >"$codes"
    local have
    have=$(grep -c . "$codes")
    [ "$have" -lt "$n" ] && echo "backfill_rss: the simulator lists only $have KR codes: using them all" >&2
    local logs=$ENV_DIR/logs times=$ENV_DIR/time
    mkdir -p "$logs" "$times"
    local what=(backfill --market kr --from "$from" --to "$end")
    [ "$label" = daily ] && what=(run --market kr --date "$DAILY_DATE")
    echo "backfill_rss: $label: $have codes, ${what[*]:1}, rate $rate/s, $fetchers fetchers (logs: $logs)" >&2
    "$PY" "$SAMPLER_PY" "$BIN" "$CFG" "$ENV_DIR/samples.tsv" "$SAMPLE_S" &
    SAMPLER=$!
    local t0 t1 rc=0
    t0=$(date +%s.%N)
    BENCH_TIME_DIR=$times EOD_STAGE_WRAP=$WRAP EOD_LOG_DIR=$logs EOD_RUN_TIMEOUT=$timeout \
        "$ROOT/launch/eod" "${what[@]}" --config "$CFG" \
        --codes "$codes" --fetchers "$fetchers" >"$ENV_DIR/launch.out" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=""
    curl -s "$SIM/_sim/stats" >"$ENV_DIR/sim_stats.json"
    curl -s "$S3/_verify/stats" >"$ENV_DIR/s3_stats.json"
    #  Rows and files from the local CSVs (one header line per file).
    local files=0 rows=0
    if [ -d "$ENV_DIR/data/market=kr" ]; then
        files=$(find "$ENV_DIR/data/market=kr" -name 'kr_*.csv' | wc -l)
        rows=$(find "$ENV_DIR/data/market=kr" -name 'kr_*.csv' -exec cat {} + | grep -vc '^stck_bsop_date')
    fi
    local disk
    disk=$(du -sm "$ENV_DIR" | cut -f1)
    local to=$end
    [ "$label" = daily ] && to=$DAILY_DATE
    "$PY" - "$ENV_DIR" "$label" "$from" "$to" "$rc" "$t0" "$t1" "$files" "$rows" "$have" "$disk" <<'PY'
import json, re, sys, os, glob
d, label, frm, to, rc, t0, t1, files, rows, ncodes, disk = sys.argv[1:]
def hms(s):
    p = [float(x) for x in s.split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(p)))
stages = {}
for path in sorted(glob.glob(f"{d}/time/*.time")):
    name = os.path.basename(path)[:-5]
    txt = open(path).read()
    def field(key):
        m = re.search(r"^\s*" + re.escape(key) + r":\s*(.+)$", txt, re.M)
        return m.group(1).strip() if m else None
    rss = field("Maximum resident set size (kbytes)")
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    user, sys_ = field("User time (seconds)"), field("System time (seconds)")
    sig = re.search(r"Command terminated by signal (\d+)", txt)
    status = field("Exit status")
    stages[name] = {
        "rss_kib": int(rss) if rss else None,
        "wall_s": hms(wall) if wall else None,
        "cpu_s": float(user) + float(sys_) if user and sys_ else None,
        "exit": ("signal " + sig.group(1)) if sig else status,
    }
try:
    st = json.load(open(f"{d}/sim_stats.json"))
    reqs = sum(st["requests"].get("itemchartprice", {}).values())
    limited = st.get("rate_limited", 0)
    maxwin = max(st.get("max_in_window", {}).values(), default=0)
except (OSError, ValueError, KeyError):
    reqs = limited = maxwin = None
try:
    s3 = json.load(open(f"{d}/s3_stats.json"))
except (OSError, ValueError):
    s3 = {}
#  The writer's RSS over the run, from the samples (largest over writer pids).
#  And each program's peak anonymous RSS (the largest over its processes).
traj = []
anon = {}
try:
    per_t = {}
    for line in open(f"{d}/samples.tsv"):
        t, pid, prog, rss, ticks, a = line.rstrip("\n").split("\t")
        anon[prog] = max(anon.get(prog, 0), int(a))
        if prog == "eod-writer":
            per_t[float(t)] = max(per_t.get(float(t), 0), int(rss))
    traj = sorted(per_t.items())
except (OSError, ValueError):
    pass
res = {"label": label, "from": frm, "to": to, "rc": int(rc), "wall_s": float(t1) - float(t0),
       "files": int(files), "rows": int(rows), "codes": int(ncodes), "requests": reqs,
       "rate_limited": limited, "max_in_window": maxwin, "s3": s3, "stages": stages,
       "writer_traj": traj, "anon_kib": anon, "disk_mib": int(disk)}
json.dump(res, open(f"{d}/result.json", "w"))
PY
    #  What the stages logged as errors (E) or warnings (W), grouped with
    #  numbers folded, one example each, for the report below.
    "$PY" - "$logs" >"$ENV_DIR/complaints.txt" <<'PY'
import glob, re, sys, collections
line_re = re.compile(r"^\S+Z ([EW]) ([\w-]+)\[\d+\]: (.*)$")
count, example = collections.Counter(), {}
for path in glob.glob(sys.argv[1] + "/*.log"):
    for line in open(path, errors="replace"):
        m = line_re.match(line.rstrip("\n"))
        if not m:
            continue
        key = (m.group(1), m.group(2), re.sub(r"\d+", "N", m.group(3)))
        count[key] += 1
        example.setdefault(key, m.group(3))
for key, n in count.most_common(12):
    print(f"{n:7d} {key[0]} {key[1]}: {example[key][:200]}")
PY
    env_down
    #  The data, the journal and the S3 copy are the bulk of the disk use.
    if [ "${BENCH_KEEP:-}" != 1 ]; then rm -rf "$ENV_DIR/data" "$ENV_DIR/state" "$ENV_DIR/s3data"; fi
    return 0
}

if [ "$daily" = 0 ]; then
    run_one short "$years_short"
    run_one long "$years_long"
else
    run_one daily 1
fi

"$PY" - "$TMP" "$BUDGET_MIB" "$rate" "$fetchers" <<'PY'
import json, sys
tmp, budget, rate, fetchers = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ok = True
def mib(kib):
    return kib / 1024.0
def order(name):
    fixed = ["calendar", "lister", "coordinator", "writer", "uploader", "notifier"]
    if name in fixed:
        return (fixed.index(name), 0)
    if name.startswith("fetcher-"):
        return (3, int(name.split("-")[1]))
    return (99, 0)
runs = {}
import os
for label in ("short", "long", "daily"):
    if not os.path.isdir(f"{tmp}/{label}"):
        continue
    try:
        r = json.load(open(f"{tmp}/{label}/result.json"))
    except (OSError, ValueError):
        print(f"\n{label}: no result (see the messages above)")
        ok = False
        continue
    runs[label] = r
    years = int(r["to"][:4]) - int(r["from"][:4]) + 1
    what = f"daily run {r['to']}" if label == "daily" else f"backfill {r['from']}..{r['to']} ({years} y)"
    print(f"\n== KR {what}, {r['codes']} codes, "
          f"rate {rate}/s, {fetchers} fetchers: launcher exit {r['rc']}, {r['wall_s']:.1f} s wall ==")
    print(f"{'stage':<13} {'peak RSS MiB':>12} {'anon MiB':>9} {'wall s':>8} {'cpu s':>8} {'cpu %':>6}  {'exit':<9} "
          f"vs {budget} MiB")
    for name in sorted(r["stages"], key=order):
        s = r["stages"][name]
        if s["rss_kib"] is None:
            print(f"{name:<13} {'?':>12}   (no time report)")
            ok = False
            continue
        m = mib(s["rss_kib"])
        verdict = "PASS" if m <= budget else "FAIL"
        if verdict == "FAIL":
            ok = False
        cpu = s["cpu_s"] or 0.0
        pct = 100.0 * cpu / s["wall_s"] if s["wall_s"] else 0.0
        a = r.get("anon_kib", {}).get("eod-" + name.split("-")[0])
        a = f"{mib(a):9.1f}" if a else f"{'?':>9}"
        print(f"{name:<13} {m:12.1f} {a} {s['wall_s']:8.1f} {cpu:8.1f} {pct:6.0f}  {str(s['exit']):<9} {verdict}")
    busiest = max(r["stages"].items(), key=lambda kv: kv[1]["cpu_s"] or 0, default=None)
    print(f"requests (itemchartprice): {r['requests']}   EGW00201 (rate limited): {r['rate_limited']}   "
          f"max in a 1-s window: {r['max_in_window']}")
    if r["requests"] and r["wall_s"]:
        print(f"request rate over the run: {r['requests'] / r['wall_s']:.0f}/s")
    print(f"rows written: {r['rows']}   files written: {r['files']}   "
          f"S3 requests accepted: {r['s3'].get('accepted', '?')}   disk used: {r['disk_mib']} MiB")
    if busiest:
        print(f"most CPU: {busiest[0]} ({busiest[1]['cpu_s']:.1f} s)")
    if r["writer_traj"]:
        t = r["writer_traj"]
        picks = [t[min(len(t) - 1, int(q * (len(t) - 1)))] for q in (0, 0.25, 0.5, 0.75, 1.0)]
        print("writer RSS over the run (s: MiB): " + "  ".join(f"{s:.0f}: {mib(k):.1f}" for s, k in picks))
    if r["rc"] != 0:
        ok = False
    try:
        c = open(f"{tmp}/{label}/complaints.txt").read().strip()
    except OSError:
        c = ""
    if c:
        print("stage log warnings (W) and errors (E), numbers folded:")
        print("\n".join("  " + l.strip() for l in c.splitlines()))
if "short" in runs and "long" in runs:
    ws, wl = (runs[k]["stages"].get("writer", {}).get("rss_kib") for k in ("short", "long"))
    ys = int(runs["short"]["to"][:4]) - int(runs["short"]["from"][:4]) + 1
    yl = int(runs["long"]["to"][:4]) - int(runs["long"]["from"][:4]) + 1
    print("\n== writer peak RSS against the range ==")
    if ws and wl:
        ratio = wl / ws
        print(f"{ys:>3} y: {mib(ws):8.1f} MiB   ({runs['short']['rows']} rows)")
        print(f"{yl:>3} y: {mib(wl):8.1f} MiB   ({runs['long']['rows']} rows)")
        flat = ratio <= 1.25
        print(f"ratio {yl} y / {ys} y: {ratio:.2f}  ({'flat: the writer streams' if flat else 'grows with the range'})")
        ok = ok and flat
    else:
        print("a writer time report is missing")
        ok = False
print("\nRESULT: " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
