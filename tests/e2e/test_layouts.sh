#!/usr/bin/env bash
#  test_layouts.sh — the universe snapshot of every run and the S3 layouts,
#  against the simulator and a local S3 (s3rver behind the SigV4 check).
#    1. hive (the default): a KR and a US day; the keys in the bucket are the
#       prices' market=M/dt=D/ and the code lists' codes/LIST/dt=DAY/, DAY
#       the day the lists were downloaded (Seoul), not the session; every
#       master row is in the lists; the first run says it has nothing to
#       compare with;
#    2. the next day, with three more KOSDAQ stocks in the master file: the
#       summary (log, Slack, metrics) names what entered KOSDAQ and the
#       universe since the day before;
#    3. reference: the reference config's sections, layout = reference and
#       a bucket per data set: the keys of reference-pipeline.md §5
#       (year=/month=/day=/market_YYYYMMDD.csv, YYYY/MM/DD/LIST_YYYYMMDD.csv),
#       one object read back by its reference key equal to the local file;
#    4. reference_keys = daily: YYYYMMDD/market_YYYYMMDD.csv;
#    5. KR and US prices on one bucket and prefix: the uploader refuses to
#       start (exit 2), saying why.
#  Some 60 s.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-layouts.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
KR_AT=2024-09-02T18:30:00+09:00
US_AT=2024-08-31T07:30:00+09:00      #  the US session of 2024-08-30, downloaded on the 31st in Seoul

#  run_at INSTANT NAME ARGS...: launch/eod ARGS with every stage's clock at INSTANT; sets RC, RUN_OUT, LOGS.
run_at() {
    local instant=$1 name=$2; shift 2
    LOGS=$ENV_DIR/logs-$name
    RUN_OUT=$ENV_DIR/$name.out
    RC=0
    rm -rf "$TMP/listings"
    EOD_NOW=$instant EOD_LOG_DIR=$LOGS EOD_RUN_TIMEOUT=180 "$ROOT/launch/eod" "$@" --config "$CFG" >"$RUN_OUT" 2>&1 || RC=$?
}

#  state NAME: the runs from here keep their state and files under NAME.
state() {
    set_key pipeline state_dir "$ENV_DIR/$1/state" pipeline data_dir "$ENV_DIR/$1/data"
    DATA=$ENV_DIR/$1/data
    STATE=$ENV_DIR/$1/state
}

#  keys BUCKET: every key of BUCKET, sorted, one a line. A bucket is listed
#  once between two runs (run_at forgets the listings).
keys() {
    local cached=$TMP/listings/$1
    if [ ! -f "$cached" ]; then
        mkdir -p "$TMP/listings"
        s3c ls "$1" | cut -f1 >"$cached.tmp" && mv "$cached.tmp" "$cached"
    fi
    cat "$cached"
}

#  mkbucket NAME: a bucket in the local S3.
mkbucket() { rm -rf "$TMP/listings"; s3c mb "$1" >/dev/null; }

#  has_keys BUCKET KEY...: every KEY is in BUCKET.
has_keys() {
    local bucket=$1 listing k; shift
    listing=$(keys "$bucket")
    for k in "$@"; do grep -qxF "$k" <<<"$listing" || { echo "  $k not in s3://$bucket:"; sed 's/^/    /' <<<"$listing"; return 1; }; done
}

#  no_keys BUCKET REGEX: no key of BUCKET matches REGEX (grep -E).
no_keys() { ! keys "$1" | grep -qE "$2"; }

#  only_prices BUCKET: every key of BUCKET under market= is a price file.
only_prices() { ! keys "$1" | grep '^market=' | grep -qvE '^market=(kr|us)/dt=[0-9-]{10}/(kr|us)_[0-9]{8}\.csv$'; }

#  csv_rows FILE: the records of FILE, its header not counted.
csv_rows() { $PY -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8"))) - 1)' "$1"; }

EOD_NOW=$KR_AT env_up "$TMP/env" --rate 1000
set_key kis rate 500 kis jitter_ms 10
curl -s "$SIM/_sim/universe/kr" | $PY -c 'import json,sys; u=json.load(sys.stdin); print("\n".join((u["kospi"][:3] + u["kosdaq"][:3])))' >"$TMP/kr.txt"
curl -s "$SIM/_sim/universe/us" | $PY -c 'import json,sys; u=json.load(sys.stdin); s=u["symbols"] if isinstance(u,dict) and "symbols" in u else u; s=[x if isinstance(x,str) else x["symbol"] for x in s]; print("\n".join(s[:4]))' >"$TMP/us.txt"
check "the simulator names KR and US codes to ask for" [ -s "$TMP/kr.txt" ] && [ -s "$TMP/us.txt" ]

echo "# 1. hive: prices by session, code lists by the day they were downloaded"
state hive
run_at $KR_AT hive-kr run --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
check "the KR run exits 0 (got $RC)" [ "$RC" = 0 ]
KR_LOGS=$LOGS
sim_at $US_AT
run_at $US_AT hive-us run --market us --date 2024-08-30 --codes "$TMP/us.txt"
check "the US run exits 0 (got $RC)" [ "$RC" = 0 ]
LISTS_KR=$DATA/codes/market=kr/dt=2024-09-02
LISTS_US=$DATA/codes/market=us/dt=2024-08-31
check "the KR lists are under data/codes/market=kr/dt=2024-09-02" \
    [ -f "$LISTS_KR/kospi_code_20240902.csv" ] && [ -f "$LISTS_KR/kosdaq_code_20240902.csv" ]
check "the US lists are keyed by the day they were downloaded (2024-08-31), not the session" \
    [ -f "$LISTS_US/us_market_index_20240831.csv" ] && [ -f "$LISTS_US/us_market_master_20240831.csv" ] \
    && [ -f "$LISTS_US/us_market_stock_20240831.csv" ]
KOSPI_ALL=$(curl -s "$SIM/_sim/universe/kr" | $PY -c 'import json,sys; u=json.load(sys.stdin); print(u.get("kospi_records", len(u["kospi"])))')
rows=$(csv_rows "$LISTS_KR/kospi_code_20240902.csv")
check "kospi_code holds every master row ($rows >= $KOSPI_ALL), not only the 3 codes asked for" [ "$rows" -ge "$KOSPI_ALL" ] && [ "$rows" -gt 3 ]
check "kospi_code has the reference's 73 columns, 단축코드 first" \
    $PY -c 'import csv,sys; h=next(csv.reader(open(sys.argv[1],encoding="utf-8"))); sys.exit(not (len(h)==73 and h[0]=="단축코드" and h[-1]=="대주가능"))' "$LISTS_KR/kospi_code_20240902.csv"
check "us_market_master has the .cod file's 24 columns" \
    $PY -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],encoding="utf-8"))); sys.exit(not (len(r)>1 and all(len(x)==24 for x in r)))' "$LISTS_US/us_market_master_20240831.csv"
check "hive: the bucket holds the prices and the lists under prefixes of their own" has_keys eod-demo \
    market=kr/dt=2024-09-02/kr_20240902.csv market=us/dt=2024-08-30/us_20240830.csv \
    codes/kospi_code/dt=2024-09-02/kospi_code_20240902.csv codes/kosdaq_code/dt=2024-09-02/kosdaq_code_20240902.csv \
    codes/us_market_index/dt=2024-08-31/us_market_index_20240831.csv \
    codes/us_market_master/dt=2024-08-31/us_market_master_20240831.csv \
    codes/us_market_stock/dt=2024-08-31/us_market_stock_20240831.csv
check "nothing but price files under the price tables' locations" only_prices eod-demo
check "the first run says it has nothing to compare with" \
    grep -q "universe of 2024-09-02 .*first snapshot: nothing to compare with" "$KR_LOGS/notifier.log"
check "the state keeps the snapshot's memberships" grep -qx "#day	2024-09-02" "$STATE/universe/kr/current.members"

echo "# 2. the next day, three more KOSDAQ stocks: what entered since the day before"
sim_at 2024-09-03T18:30:00+09:00 --kosdaq-extra 3
curl -s -X POST "$SIM/_sim/reset" >/dev/null
run_at 2024-09-03T18:30:00+09:00 hive-kr2 run --market kr --date 2024-09-03 --codes "$TMP/kr.txt"
check "the next day's KR run exits 0 (got $RC)" [ "$RC" = 0 ]
check "the log names the codes that entered KOSDAQ and the universe since 2024-09-02" \
    grep -qE "since 2024-09-02: .*KOSDAQ \+3 \(.*universe \+3 \(" "$LOGS/notifier.log"
check "so does the Slack summary" bash -c "curl -s '$SIM/_sim/slack' | grep -q 'since 2024-09-02: .*KOSDAQ +3'"
check "and the metrics" grep -qx 'eod_run_universe_entered{market="kr",mode="daily"} 6' "$STATE/metrics/eod.prom"
check "the previous snapshot is kept" grep -qx "#day	2024-09-02" "$STATE/universe/kr/previous.members"

echo "# 3. reference: the reference config, layout = reference and the old buckets"
for b in old-kr-prices old-us-prices old-code-lists; do mkbucket $b; done
state reference
#  The reference pipeline's config.ini sections with the simulator's keys.
set_key s3 bucket "" s3 layout reference s3 kr_bucket old-kr-prices s3 us_bucket old-us-prices \
    s3 codes_bucket old-code-lists
sim_at $KR_AT
run_at $KR_AT ref-kr run --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
check "the KR run exits 0 (got $RC)" [ "$RC" = 0 ]
sim_at $US_AT
run_at $US_AT ref-us run --market us --date 2024-08-30 --codes "$TMP/us.txt"
check "the US run exits 0 (got $RC)" [ "$RC" = 0 ]
check "KR prices: year=/month=/day=/market_YYYYMMDD.csv in their bucket" has_keys old-kr-prices \
    year=2024/month=09/day=02/market_20240902.csv
check "US prices: the same key in theirs, apart from KR's" has_keys old-us-prices \
    year=2024/month=08/day=30/market_20240830.csv
check "code lists: YYYY/MM/DD/LIST_YYYYMMDD.csv" has_keys old-code-lists \
    2024/09/02/kospi_code_20240902.csv 2024/09/02/kosdaq_code_20240902.csv 2024/08/31/us_market_index_20240831.csv \
    2024/08/31/us_market_master_20240831.csv 2024/08/31/us_market_stock_20240831.csv
check "nothing went to the shared bucket" no_keys eod-demo '^year=|^20' 
s3c get old-kr-prices year=2024/month=09/day=02/market_20240902.csv "$TMP/back.csv"
check "the object read back by its reference key is the KR file" cmp -s "$TMP/back.csv" \
    "$DATA/market=kr/dt=2024-09-02/kr_20240902.csv"

echo "# 4. reference_keys = daily"
state daily
set_key s3 reference_keys daily
sim_at $KR_AT
run_at $KR_AT daily-kr run --market kr --date 2024-09-02 --codes "$TMP/kr.txt"
check "the KR run exits 0 (got $RC)" [ "$RC" = 0 ]
check "daily: YYYYMMDD/market_YYYYMMDD.csv and YYYYMMDD/LIST_YYYYMMDD.csv" has_keys old-kr-prices \
    20240902/market_20240902.csv && has_keys old-code-lists 20240902/kospi_code_20240902.csv

echo "# 5. KR and US prices under one key: refused at start"
state clash
set_key s3 us_bucket old-kr-prices
RC=0
timeout 20 "$BIN/eod-uploader" --once --config "$CFG" >"$ENV_DIR/clash.out" 2>&1 || RC=$?
check "the uploader exits 2 at once (got $RC)" [ "$RC" = 2 ]
check "it says which data sets would share a location" grep -q "us .* and the price table kr .* would share a location" \
    "$ENV_DIR/clash.out"
summary
