#!/usr/bin/env bash
#  multiquote.sh — a benchmark, not a test: what the multi-stock quote
#  (FHKST11300006) costs and saves at KIS's real budget. For each universe
#  size N it runs, against a private simulator with latency 100 +- 50 ms,
#  arrival jitter 0..J ms and its strict sliding-window limiter at 20
#  requests/s per app key, the KR session 2024-09-02 at 18:30 Seoul (inside
#  the quote's window) three ways:
#    full        launch/eod run --no-cross-check: N chart requests;
#    checked     launch/eod run (the cross-check on): N + ceil(N/30);
#    close       launch/eod close: ceil(N/30) batches only;
#  and again with a batch counted as 20 requests (simulator --mq-units 20,
#  [multiquote] units_per_batch = 20: the whole budget of a second, the most
#  a batch can cost and still pass a limiter that counts by the second; the
#  config refuses more), where the key's permits are charts + 20 x batches.
#  Per run it prints the requests of each endpoint, the permits they took,
#  EGW00201s, the busiest 1-s window, the wall of the launcher (from its start
#  to its exit: listing, token, upload and summary included) and the bound
#  1.07 x permits / 20 + 2 s; then PASS/FAIL against these targets and a
#  markdown table for the README:
#    - requests exactly N, N + ceil(N/30), ceil(N/30) (and charts 0 on close);
#    - 0 EGW00201;
#    - wall <= 1.07 x permits / 20 + 2 s;
#    - the cross-check's summary: every code checked, none disagreed.
#
#  usage: bench/multiquote.sh [--quick] [--codes "1216 10000"] [--units "1 20"]
#                             [--jitter J] [--fetchers F] [--out DIR] [--timeout S]
#  Defaults: 1,216 codes (the simulator's universe) and 10,000 (its KOSDAQ
#  extended by --kosdaq-extra); units 1 and 20, with 20 units only the
#  checked and close runs of 1,216 codes and the close of 10,000 (a checked
#  run of 10,000 codes at 20 units per batch would take 17 minutes to show
#  the same pacing); J = 10 ms; 8 fetchers; output in
#  state/bench/multiquote-<UTC time>. About 30 minutes.
#  --quick: 1,216 codes only (about 6 minutes).
#  Environment: EOD_BUILD_DIR (default ROOT/build, built first if missing).
#  Exit: 0 every target met, 1 a target missed or a run failed, 2 usage.
set -uo pipefail

readonly BUDGET=20            #  requests/s per app key (KIS real host)
readonly LATENCY_MS=100       #  simulator server time
readonly LATENCY_JITTER_MS=50
readonly BATCH=30             #  codes per multi-quote request
readonly DAY=2024-09-02       #  the demo's KR session
readonly AT=2024-09-02T18:30:00+09:00
readonly SIM_UNIVERSE_KR=1216
readonly PY=/usr/bin/python3

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${EOD_BUILD_DIR:-$ROOT/build}
export EOD_BUILD_DIR=$BUILD

sizes="" units_list="1 20" jitter=10 fetchers=8 out="" timeout=1800 quick=0
usage() { sed -n '/^#  usage:/,/^[^#]/{/^#/s/^#  \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "multiquote: $*" >&2; exit 2; }
say() { echo "multiquote: $*" >&2; }
is_int() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }

while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1; shift ;;
        --codes) sizes=${2:-}; shift 2 || die "--codes \"N ...\"" ;;
        --units) units_list=${2:-}; shift 2 || die "--units \"U ...\"" ;;
        --jitter) jitter=${2:-}; shift 2 || die "--jitter J" ;;
        --fetchers) fetchers=${2:-}; shift 2 || die "--fetchers F" ;;
        --out) out=${2:-}; shift 2 || die "--out DIR" ;;
        --timeout) timeout=${2:-}; shift 2 || die "--timeout S" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
[ -n "$sizes" ] || { [ "$quick" = 1 ] && sizes=1216 || sizes="1216 10000"; }
for n in $sizes; do is_int "$n" || die "--codes: '$n' is not a count of codes"; done
for u in $units_list; do is_int "$u" && [ "$u" -le "$BUDGET" ] || die "--units: '$u' is not 1..$BUDGET (a key's budget of a second)"; done
[[ $jitter =~ ^[0-9]+$ ]] || die "--jitter: '$jitter' is not a count of ms"
is_int "$fetchers" || die "--fetchers: '$fetchers' is not a count"
is_int "$timeout" || die "--timeout: '$timeout' is not a count of seconds"
[ -x "$BUILD/bin/eod-sim" ] || cmake --build "$BUILD" -j"$(nproc)" >/dev/null || die "cannot build $BUILD"
OUT=${out:-$ROOT/state/bench/multiquote-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT" || die "cannot make $OUT"

# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
#  Each run's state (its sockets among it) lives under a short directory of
#  its own: below $OUT a socket's path can pass what the config allows (102 bytes).
STATES=$(mktemp -d /tmp/eod-mq.XXXXXX) || die "cannot make a state directory in /tmp"
trap 'env_down; rm -rf "$STATES"' EXIT

#  runs_for N U: the runs of N codes at U units per batch.
runs_for() {
    if [ "$2" = 1 ]; then echo "full checked close"
    elif [ "$1" -le "$SIM_UNIVERSE_KR" ]; then echo "checked close"
    else echo "close"; fi
}

#  one_run N U KIND CODES: one launcher run in a state of its own, the
#  simulator's counters reset first, every clock (the simulator's too) at
#  AT; its figures in $OUT/N-U-KIND.json.
one_run() {
    local n=$1 u=$2 kind=$3 codes=$4 dir=$ENV_DIR/$1-$2-$3 rc=0 t0 t1
    local what=(run --market kr --date "$DAY" --no-cross-check)
    [ "$kind" = checked ] && what=(run --market kr --date "$DAY")
    [ "$kind" = close ] && what=(close --date "$DAY")
    set_key pipeline state_dir "$STATES/$n-$u-$kind" pipeline data_dir "$dir/data"
    curl -s -X POST "$SIM/_sim/reset" >/dev/null
    say "$n codes, $u unit(s) a batch, $kind: ${what[*]}"
    t0=$(date +%s.%N)
    EOD_NOW=$AT EOD_LOG_DIR=$dir/logs EOD_RUN_TIMEOUT=$timeout "$ROOT/launch/eod" "${what[@]}" --config "$CFG" \
        --codes "$codes" --fetchers "$fetchers" >"$dir.out" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    curl -s "$SIM/_sim/stats" >"$dir.stats.json"
    "$PY" - "$n" "$u" "$kind" "$rc" "$t0" "$t1" "$dir" "$OUT/$n-$u-$kind.json" <<'PY'
import json, re, sys
n, u, kind, rc, t0, t1, d, out = sys.argv[1:]
n, u, rc = int(n), int(u), int(rc)
s = json.load(open(d + ".stats.json"))
req = s.get("requests", {})
charts = sum(req.get("itemchartprice", {}).values())
batches = sum(req.get("multprice", {}).values())
try:
    summary = open(d + "/logs/notifier.log", errors="replace").read()
except OSError:
    summary = ""
m = re.search(r"cross-check: ([0-9,]+) checked, ([0-9,]+) disagreed", summary)
json.dump({"codes": n, "units": u, "kind": kind, "rc": rc, "wall_s": float(t1) - float(t0),
           "charts": charts, "batches": batches, "permits": charts + u * batches,
           "rate_limited": s.get("rate_limited") or 0,
           "max_in_window": max((s.get("max_in_window") or {}).values(), default=None),
           "checked": int(m.group(1).replace(",", "")) if m else None,
           "disagreed": int(m.group(2).replace(",", "")) if m else None}, open(out, "w"))
PY
    [ "$rc" = 0 ] || say "$n codes, $kind: the launcher exited $rc (see $dir.out and $dir/logs)"
}

for n in $sizes; do
    for u in $units_list; do
        EOD_NOW=$AT env_up "$OUT/env-$n-$u" --rate "$BUDGET" --arrival-jitter-ms "$jitter" --latency-ms "$LATENCY_MS" \
            --jitter-ms "$LATENCY_JITTER_MS" --mq-units "$u" --token-throttle-s 0 --warm-until "${DAY//-/}" \
            $([ "$n" -gt "$SIM_UNIVERSE_KR" ] && echo --kosdaq-extra $((n - SIM_UNIVERSE_KR))) \
            || die "the simulator or S3 did not start"
        set_key kis rate "$BUDGET" kis jitter_ms "$jitter" multiquote units_per_batch "$u"
        got=$(sim_codes "$n" "$OUT/codes-$n.txt")
        [ "$got" = "$n" ] || { say "the simulator lists $got KR codes, not $n"; env_down; continue; }
        for kind in $(runs_for "$n" "$u"); do one_run "$n" "$u" "$kind" "$OUT/codes-$n.txt"; done
        env_down
        rm -rf "$OUT/env-$n-$u"/*/data "$OUT/env-$n-$u"/s3data
    done
done

"$PY" - "$OUT" "$BUDGET" "$BATCH" "$jitter" "$fetchers" <<'PY'
import glob, json, math, sys
out, budget, batch, jitter, fetchers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
order = {"full": 0, "checked": 1, "close": 2}
runs = sorted((json.load(open(f)) for f in glob.glob(out + "/*-*-*.json")),
              key=lambda r: (r["codes"], r["units"], order[r["kind"]]))
ok_all = bool(runs)
def verdict(what, ok, detail):
    global ok_all
    ok_all &= ok
    print(f"{'PASS' if ok else 'FAIL'}  {what}: {detail}")
print(f"# at {budget}/s per key, latency 100 +- 50 ms, arrival jitter 0..{jitter} ms, {fetchers} fetchers\n")
for r in runs:
    n, b = r["codes"], math.ceil(r["codes"] / batch)
    want = {"full": (n, 0), "checked": (n, b), "close": (0, b)}[r["kind"]]
    label = f"{n} codes, {r['units']} unit(s) a batch, {r['kind']}"
    bound = 1.07 * r["permits"] / budget + 2
    verdict(f"{label}: exits 0", r["rc"] == 0, f"exit {r['rc']}")
    verdict(f"{label}: requests {want[0]} chart + {want[1]} batches", (r["charts"], r["batches"]) == want,
            f"{r['charts']} + {r['batches']}")
    verdict(f"{label}: 0 EGW00201", r["rate_limited"] == 0,
            f"{r['rate_limited']} (busiest 1-s window {r['max_in_window']})")
    verdict(f"{label}: wall <= 1.07 x {r['permits']} / {budget} + 2 s", r["wall_s"] <= bound,
            f"{r['wall_s']:.1f} s against {bound:.1f} s")
    if r["kind"] == "checked":
        verdict(f"{label}: every code cross-checked, none disagreed",
                r["checked"] == n and r["disagreed"] == 0, f"{r['checked']} checked, {r['disagreed']} disagreed")
print("\n## Results (markdown)\n")
print("| codes | units a batch | run | chart requests | batches | permits | EGW00201 | wall s | bound s |")
print("|---|---|---|---|---|---|---|---|---|")
for r in runs:
    print(f"| {r['codes']:,} | {r['units']} | {r['kind']} | {r['charts']:,} | {r['batches']:,} | {r['permits']:,} "
          f"| {r['rate_limited']} | {r['wall_s']:.1f} | {1.07 * r['permits'] / budget + 2:.1f} |")
print(f"\n{'every target met' if ok_all else 'a target was missed'}; figures in {out}")
sys.exit(0 if ok_all else 1)
PY
