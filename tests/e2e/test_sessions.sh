#!/usr/bin/env bash
#  test_sessions.sh — every value of a row belongs to the session the row
#  names. The simulator's clock and every stage's are pinned (EOD_NOW) to
#  the moment each case is about; the simulator answers the chart's quote
#  (output1) as of its clock, as KIS does.
#    KR, 40 codes, session 2024-09-02 (Monday):
#      1. the same evening: the snapshot columns (quote, market cap, PER/PBR,
#         the master files' financial figures) filled with exactly the
#         simulator's values;
#      2. a backfill of the week a week later: the older rows carry the
#         group code but no snapshot columns, and the evening's file keeps
#         its own, byte for byte;
#      3. a week later: the same run writes them empty, and the summary (log,
#         Slack, metrics) says how many and why;
#      4. at 00:30 Seoul the next day: filled, the evening's file again;
#      5. at 09:05 the next day (a session): empty;
#      6. --date of today before the close, of a later day, malformed: refused,
#         exit 2, at once.
#    US, session 2024-08-30, its rows out over an hour after the close:
#      7. half an hour in: exit 5 (incomplete), the Slack line, the rest in
#         the gaps;
#      8. the same command later: the gaps filled, exit 0, only they asked;
#      9. a backfill of the week: index flags, GICS and names on every row,
#         as of the run; rsym/zdiv/nrec only on the latest session.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-sessions.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
D=2024-09-02
KR_CSV="market=kr/dt=$D/kr_20240902.csv"
PY=/usr/bin/python3

#  at INSTANT NAME ARGS...: launch/eod ARGS with every stage's clock at
#  INSTANT; sets RC, LOGS and RUN_OUT.
at() {
    local instant=$1 name=$2; shift 2
    LOGS=$ENV_DIR/logs-$name
    RUN_OUT=$ENV_DIR/$name.out
    RC=0
    EOD_NOW=$instant EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=300 "$ROOT/launch/eod" "$@" --config "$CFG" \
        >"$RUN_OUT" 2>&1 || RC=$?
}

#  state NAME: the runs from here keep their state and files under NAME
#  (a run of the same command elsewhere would find its ledger finished).
state() {
    set_key pipeline state_dir "$ENV_DIR/$1/state"
    set_key pipeline data_dir "$ENV_DIR/$1/data"
    DATA=$ENV_DIR/$1/data
}

#  day_run INSTANT NAME: the KR session's run with the simulator and every
#  stage at INSTANT, its state under NAME; checks it exits 0.
day_run() {
    sim_at "$1"
    state "$2"
    at "$1" "$2" run --market kr --date $D "${CODES[@]}"
    check "the run at $1 exits 0 (got $RC)" [ "$RC" = 0 ]
}

#  snapshot FILE: "filled", "empty" or "mixed", for the KR rows of FILE.
snapshot() {
    $PY - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
quote = ["stck_prpr", "hts_avls", "per", "pbr", "lstn_stcn", "askp", "bidp", "revenue", "roe"]
have = [all(r[c] for c in quote) for r in rows]
none = [not any(r[c] for c in quote) for r in rows]
print("filled" if rows and all(have) else "empty" if rows and all(none) else "mixed")
PY
}

echo "# KR: 40 codes of session $D"
EOD_NOW=2024-09-02T18:30:00+09:00 env_up "$TMP/kr" --rate 1000
set_key kis rate 500
set_key kis jitter_ms 10
curl -s "$SIM/_sim/universe/kr" | $PY -c 'import json,sys; u=json.load(sys.stdin); print("\n".join((u["kospi"] + u["kosdaq"])[:40]))' >"$TMP/codes.txt"
CODES=(--codes "$TMP/codes.txt")

echo "# 1. the same evening: the snapshot columns are the simulator's quote and master figures"
state evening
at 2024-09-02T18:30:00+09:00 evening run --market kr --date $D "${CODES[@]}"
check "the evening run exits 0 (got $RC)" [ "$RC" = 0 ]
check "every row has its snapshot columns" [ "$(snapshot "$DATA/$KR_CSV")" = filled ]
"$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$DATA" --date $D --snapshot filled >"$TMP/check1" 2>&1 \
    || true
check "check_run: no row carries another session's quote" grep -q "^ok   no row carries" "$TMP/check1"
#  The simulator's own answers, asked again with the pipeline's token, and
#  its master files as the lister saved them.
$PY - "$SIM" "$CFG" "$ENV_DIR/evening/state" "$DATA/$KR_CSV" "$BIN/eod-lister" >"$TMP/same.out" 2>&1 <<'PY'
import configparser, csv, glob, io, json, subprocess, sys, urllib.parse, urllib.request, zipfile
sim, cfg, state, path, lister = sys.argv[1:6]
ini = configparser.ConfigParser(interpolation=None)
ini.read(cfg)
key, secret = ini["LIVE_APP"]["key"], ini["LIVE_APP"]["secret_key"]
token = json.load(open(glob.glob(state + "/kis_token*")[0]))["token"]
master = {}
for z in glob.glob(state + "/lister/*.zip"):
    name = zipfile.ZipFile(z).namelist()[0]
    if not name.startswith(("kospi", "kosdaq")):
        continue
    mst = state + "/" + name
    open(mst, "wb").write(zipfile.ZipFile(z).read(name))
    out = subprocess.run([lister, "--dump-master", name.split("_")[0], mst], capture_output=True, text=True).stdout
    for r in csv.DictReader(io.StringIO(out)):
        master[r["short_code"]] = r
rows = list(csv.DictReader(open(path, encoding="utf-8")))
cols = next(csv.reader(open(path, encoding="utf-8")))
checked = 0
for r in rows:
    q = urllib.parse.urlencode({"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": r["stck_shrn_iscd"],
                                "FID_INPUT_DATE_1": "20240902", "FID_INPUT_DATE_2": "20240902",
                                "FID_PERIOD_DIV_CODE": "D", "FID_ORG_ADJ_PRC": "0"})
    req = urllib.request.Request(sim + "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice?" + q,
                                 headers={"authorization": "Bearer " + token, "appkey": key, "appsecret": secret,
                                          "tr_id": "FHKST03010100", "custtype": "P"})
    o1 = json.load(urllib.request.urlopen(req))["output1"]
    for c in cols[13:36]:
        want = o1.get(c, o1.get(c + " name"))
        assert r[c] == want, (r["stck_shrn_iscd"], c, r[c], want)
    m = master[r["stck_shrn_iscd"]]
    for c in ("group_code", "revenue", "operating_profit", "net_income", "roe"):
        assert r[c] == m[c], (r["stck_shrn_iscd"], c, r[c], m[c])
    checked += 1
print("checked", checked)
PY
check "every snapshot column equals the simulator's quote, every figure its master file ($(tail -n1 "$TMP/same.out"))" \
    grep -q "^checked 40$" "$TMP/same.out"
cp "$DATA/$KR_CSV" "$TMP/evening.csv"

echo "# 2. a backfill of the week a week later: older rows without the snapshot, the evening's file kept"
at 2024-09-09T18:30:00+09:00 week backfill --market kr --from 2024-08-26 --to $D "${CODES[@]}"
check "the backfill exits 0 (got $RC)" [ "$RC" = 0 ]
check "the evening's file is byte for byte what it was" cmp -s "$TMP/evening.csv" "$DATA/$KR_CSV"
check "an older session's rows have no snapshot columns" \
    [ "$(snapshot "$DATA/market=kr/dt=2024-08-30/kr_20240830.csv")" = empty ]
check "backfilled rows carry the group code (as of the run)" $PY -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert len(rows) == 40 and all(r["group_code"] and r["hts_kor_isnm"] for r in rows)
' "$DATA/market=kr/dt=2024-08-30/kr_20240830.csv"
check "the summary says the evening's rows kept theirs" grep -q "more kept those their file held" "$LOGS/notifier.log"

echo "# 3. a week later: the same run writes the snapshot columns empty and says why"
day_run 2024-09-09T18:30:00+09:00 later
check "no row has snapshot columns" [ "$(snapshot "$DATA/$KR_CSV")" = empty ]
check "the prices are the evening's" cmp -s <(cut -d, -f1-13 "$TMP/evening.csv") <(cut -d, -f1-13 "$DATA/$KR_CSV")
check "the log says how many and why" grep -q "40 of 40 row(s) written without the snapshot columns.*a later session had opened when the quote was taken (40)" "$LOGS/notifier.log"
check "so does Slack" bash -c "curl -s '$SIM/_sim/slack' | grep -q '40 of 40 row(s) written without the snapshot columns'"
check "and the metrics" grep -q '^eod_run_rows_without_snapshot{market="kr",mode="daily"} 40$' \
    "$ENV_DIR/later/state/metrics/eod.prom"
"$ROOT/tests/e2e/check_run.sh" --sim "$SIM" --s3 "$S3" --data "$DATA" --date $D --snapshot empty >"$TMP/check3" 2>&1 \
    || true
check "check_run: the late run's rows are consistent" grep -q "^ok   no row carries" "$TMP/check3"

echo "# 4. at 00:30 Seoul the next day: the quote is still the session's"
day_run 2024-09-03T00:30:00+09:00 night
check "its file is the evening's, byte for byte" cmp -s "$TMP/evening.csv" "$DATA/$KR_CSV"

echo "# 5. at 09:05 the next day, a session: the quote is the new day's"
day_run 2024-09-03T09:05:00+09:00 morning
check "no row has snapshot columns" [ "$(snapshot "$DATA/$KR_CSV")" = empty ]
check "the prices are the evening's" cmp -s <(cut -d, -f1-13 "$TMP/evening.csv") <(cut -d, -f1-13 "$DATA/$KR_CSV")

echo "# 6. today before the close, a later day: refused by the calendar gate"
requests() { curl -s "$SIM/_sim/stats" | $PY -c 'import json,sys; print(sum(json.load(sys.stdin)["requests"].get("itemchartprice", {}).values()))'; }
before=$(requests)
at 2024-09-03T09:05:00+09:00 today run --market kr --date 2024-09-03 "${CODES[@]}"
check "--date of today before the close exits 2 (got $RC)" [ "$RC" = 2 ]
check "and says so on the run's line" grep -q "2024-09-03: the session has not closed yet (it closes at 15:30 Asia/Seoul)" "$RUN_OUT"
at 2024-09-03T09:05:00+09:00 future run --market kr --date 2024-09-04 "${CODES[@]}"
check "--date of a later day exits 2 (got $RC)" [ "$RC" = 2 ]
check "and says so" grep -q "kr 2024-09-04 is a future day (today is 2024-09-03 in Asia/Seoul)" "$RUN_OUT"
at 2024-09-03T09:05:00+09:00 malformed run --market kr --date 2024-13-01 "${CODES[@]}"
#  The launcher refuses it before any stage starts (tests/ops/test_launcher.sh).
check "a malformed --date exits 2 (got $RC) and says so" \
    bash -c "[ $RC = 2 ] && grep -q \"run: --date '2024-13-01': there is no month 13\" '$RUN_OUT'"
check "nothing was asked for any of them" [ "$(requests)" = "$before" ]
check "each ended on its own: every stage took the END, none was stopped" \
    bash -c "! grep -qE 'had not ended|did not end after a stage failed' '$ENV_DIR'/{today,future,malformed}.out"
check "no file for the refused days" [ ! -e "$DATA/market=kr/dt=2024-09-03" ]
env_down

echo "# US: session 2024-08-30, its rows out over an hour after the 16:00 close"
EOD_NOW=2024-08-30T16:30:00-04:00 env_up "$TMP/us" --rate 1000 --us-publish-lag-s 3600
set_key kis rate 500
set_key kis jitter_ms 10
set_key us unpublished_deadline_s 0
state us
US_CSV="market=us/dt=2024-08-30/us_20240830.csv"

echo "# 7. half an hour in: incomplete, exit 5, the rest recorded in the gaps"
at 2024-08-30T16:30:00-04:00 half run --market us --date 2024-08-30
check "the run exits 5, incomplete (got $RC)" [ "$RC" = 5 ]
check "the launcher says so" grep -q "run us: incomplete" "$RUN_OUT"
written=$(($(wc -l <"$DATA/$US_CSV") - 1))
gaps=$(cat "$ENV_DIR/us/state/gaps/"us-*.tsv 2>/dev/null | wc -l)
check "some rows written ($written), the others recorded in the gaps ($gaps)" \
    bash -c "[ $written -gt 0 ] && [ $gaps -gt 0 ] && grep -q 'session not published by the deadline' $ENV_DIR/us/state/gaps/us-*.tsv"
check "Slack names the market and the date" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'us 2024-08-30 was not published: $gaps of'"
check "the metrics say incomplete" grep -q '^eod_run_status{market="us",mode="daily",status="incomplete"} 1$' \
    "$ENV_DIR/us/state/metrics/eod.prom"
check "no row of another session under 2024-08-30" bash -c "! cut -d, -f1 '$DATA/$US_CSV' | tail -n +2 | grep -v '^2024-08-30$'"

echo "# 8. the same command once the session is out: the gaps filled"
sim_at 2024-08-30T18:00:00-04:00 --us-publish-lag-s 3600
curl -s -X POST "$SIM/_sim/reset" >/dev/null
at 2024-08-30T18:00:00-04:00 again run --market us --date 2024-08-30
check "the run again exits 0 (got $RC)" [ "$RC" = 0 ]
asked=$(curl -s "$SIM/_sim/stats" | $PY -c 'import json,sys; print(sum(json.load(sys.stdin)["requests"]["dailyprice"].values()))')
check "only the $gaps codes of the gaps were asked (got $asked)" [ "$asked" = "$gaps" ]
check "the gaps file is gone" bash -c "! ls '$ENV_DIR/us/state/gaps/'us-*.tsv 2>/dev/null"
"$ROOT/tests/e2e/check_run.sh" --market us --sim "$SIM" --s3 "$S3" --data "$DATA" --date 2024-08-30 --snapshot filled \
    >"$TMP/check8" 2>&1 && ok "check_run: every US symbol has its row, quotes of the session only" \
    || { bad "check_run after the refill"; cat "$TMP/check8"; }
cp "$DATA/$US_CSV" "$TMP/us.csv"

echo "# 9. a backfill of the week: index flags, GICS and names as of the run on every row"
at 2024-08-30T18:00:00-04:00 usweek backfill --market us --from 2024-08-26 --to 2024-08-30
check "the US backfill exits 0 (got $RC)" [ "$RC" = 0 ]
check "the session's file is what it was" cmp -s "$TMP/us.csv" "$DATA/$US_CSV"
check "older rows: the instrument's columns as of the run, no quote columns" $PY -c '
import csv, sys
latest = {r["symbol"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
older = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
same = ["DOW30", "NAS100", "S&P500", "korea_name", "english_name", "security_type", "exchange_code", "exchange_name",
        "GICS Sector", "GICS Sub-Industry", "Company"]
assert len(older) == len(latest)
for r in older:
    assert all(r[c] == latest[r["symbol"]][c] for c in same), r["symbol"]
    assert not (r["rsym"] or r["zdiv"] or r["nrec"]), r["symbol"]
assert sum(r["S&P500"] == "1" for r in older) > 400
' "$DATA/$US_CSV" "$DATA/market=us/dt=2024-08-28/us_20240828.csv"
env_down
summary
