#!/usr/bin/env bash
#  check_run.sh — checks a finished KR or US run against the simulators:
#    every code the simulator's universe selects (less those it answers as
#    unknown) has its row in the day's CSV; the object is in the bucket with a
#    matching MD5 and the same bytes (read back with tests/s3/s3c.py); the Slack simulator holds the
#    summary; the API saw no EGW00201 and the expected number of tokens issued;
#    no row carries a quote of another session: a row has all its snapshot
#    columns (quote, market cap, PER/PBR, KR financial figures) or none, a KR
#    quote is the row's close, and the columns that classify the instrument
#    (KR group_code and name, US index flags and exchange) are on every row.
#    --snapshot filled|empty also says which the rows must be.
#  usage: check_run.sh --sim URL --s3 URL --data DIR --date YYYY-MM-DD [--market kr|us] [--tokens N] [--bucket B]
#         [--prefix P]   ([s3] prefix of the run) [--snapshot filled|empty]
#  Prints "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
sim="" s3="" data="" date="" tokens="" bucket=eod-demo market=kr prefix="" snapshot=any
while [ $# -gt 0 ]; do
    case $1 in
        --sim) sim=$2; shift 2 ;; --s3) s3=$2; shift 2 ;; --data) data=$2; shift 2 ;;
        --date) date=$2; shift 2 ;; --tokens) tokens=$2; shift 2 ;; --bucket) bucket=$2; shift 2 ;;
        --market) market=$2; shift 2 ;; --prefix) prefix=$2/; shift 2 ;;
        --snapshot) snapshot=$2; shift 2 ;;
        *) echo "check_run: unknown option $1" >&2; exit 2 ;;
    esac
done
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
compact=${date//-/}
csv="$data/market=$market/dt=$date/${market}_$compact.csv"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ -s "$csv" ]; then ok "the day's CSV exists: $csv"; else bad "no CSV at $csv"; fi
header=$(head -n1 "$csv" 2>/dev/null)
expected_us="xymd,close,sign,diff,rate,open,high,low,tvol,tamt,pbid,vbid,pask,vask,rsym,zdiv,nrec,symbol,DOW30,NAS100,S&P500,korea_name,english_name,security_type,exchange_code,exchange_name,GICS Sector,GICS Sub-Industry,Company"
expected_header="stck_bsop_date,stck_clpr,stck_oprc,stck_hgpr,stck_lwpr,acml_vol,acml_tr_pbmn,flng_cls_code,prtt_rate,mod_yn,prdy_vrss_sign,prdy_vrss,revl_issu_reas,prdy_ctrt,stck_prdy_clpr,hts_kor_isnm,stck_prpr,stck_shrn_iscd,prdy_vol,stck_mxpr,stck_llam,stck_prdy_oprc,stck_prdy_hgpr,stck_prdy_lwpr,askp,bidp,prdy_vrss_vol,vol_tnrt,stck_fcam,lstn_stcn,cpfn,hts_avls,per,eps,pbr,itewhol_loan_rmnd_ratem,group_code,revenue,operating_profit,net_income,roe"
[ "$market" = us ] && expected_header=$expected_us
if [ "$header" = "$expected_header" ]; then ok "the CSV has the reference pipeline's $market columns in order"; else bad "CSV header differs: $header"; fi

curl -sf "$sim/_sim/universe/$market" >"$tmp/universe.json" || bad "no universe from the simulator"
/usr/bin/python3 - "$tmp/universe.json" "$csv" "$date" "$market" <<'PY' && ok "every selected code has its row, each once, all dated $date" || bad "rows do not match the simulator's universe"
import csv, json, sys
u = json.load(open(sys.argv[1]))
us = sys.argv[4] == "us"
want = set(u["symbols"]) if us else set(u["kospi"]) | set(u["kosdaq"])
unknown = set(u.get("unknown", [])) | set(u.get("absent", []))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
codes = [r["symbol" if us else "stck_shrn_iscd"] for r in rows]
have = set(codes)
missing = sorted(want - unknown - have)
extra = sorted(have - want)
dups = len(codes) - len(have)
dates = {r["xymd" if us else "stck_bsop_date"] for r in rows}
print(f"   universe {len(want)} codes ({len(unknown)} unknown to the API), CSV {len(rows)} rows, "
      f"missing {len(missing)} {missing[:5]}, extra {len(extra)} {extra[:5]}, duplicates {dups}, dates {sorted(dates)}")
sys.exit(0 if not missing and not extra and dups == 0 and dates == {sys.argv[3]} and len(rows) > 0 else 1)
PY

/usr/bin/python3 - "$csv" "$market" "$snapshot" <<'PY' && ok "no row carries a quote of another session (snapshot columns: $snapshot)" || bad "snapshot columns wrong"
import csv, sys
path, market, want = sys.argv[1:4]
rows = list(csv.DictReader(open(path, encoding="utf-8")))
figures = []   # may be empty with a quote (a fund has no revenue), never without one
if market == "us":
    quote, classes = ["rsym", "zdiv", "nrec"], ["DOW30", "NAS100", "S&P500", "exchange_code"]
else:
    cols = next(csv.reader(open(path, encoding="utf-8")))
    quote = [c for c in cols[13:35] if c not in ("hts_kor_isnm", "stck_shrn_iscd")]
    figures = ["itewhol_loan_rmnd_ratem", "revenue", "operating_profit", "net_income", "roe"]
    classes = ["group_code", "hts_kor_isnm"]
filled = [r for r in rows if any(r[c] for c in quote)]
bad = [r for r in filled if not all(r[c] for c in quote)]
bad += [r for r in rows if r not in filled and any(r[c] for c in figures)]
if market == "kr":
    bad += [r for r in filled if r["stck_prpr"] != r["stck_clpr"]]
bad += [r for r in rows if not all(r[c] for c in classes)]
print(f"   {len(filled)} of {len(rows)} rows with the snapshot columns, {len(bad)} inconsistent")
whole = want == "any" or (want == "filled" and len(filled) == len(rows)) or (want == "empty" and not filled)
sys.exit(0 if rows and not bad and whole else 1)
PY

key="${prefix}market=$market/dt=$date/${market}_$compact.csv"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
s3c=(/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../s3/s3c.py" --endpoint "$s3")
if "${s3c[@]}" get "$bucket" "$key" "$tmp/object.csv" 2>"$tmp/aws.err"; then
    if cmp -s "$tmp/object.csv" "$csv"; then ok "s3://$bucket/$key is byte-identical to the local file (read back)"
    else bad "s3://$bucket/$key differs from $csv"; fi
    etag=$("${s3c[@]}" head "$bucket" "$key" 2>/dev/null)
    md5=$(md5sum "$csv" | cut -d' ' -f1)
    if [ "$etag" = "$md5" ]; then ok "the object's ETag matches the file's MD5 ($md5)"; else bad "ETag $etag != MD5 $md5"; fi
else
    bad "s3://$bucket/$key cannot be fetched: $(head -c 300 "$tmp/aws.err")"
fi

curl -sf "$sim/_sim/slack" >"$tmp/slack.json" || bad "no Slack messages from the simulator"
/usr/bin/python3 - "$tmp/slack.json" "$date" "$market" <<'PY' && ok "the Slack simulator holds the run summary" || bad "no run summary in Slack"
import json, sys
msgs = json.load(open(sys.argv[1]))
hits = [m for m in msgs if sys.argv[2] in m.get("text", "") and sys.argv[3] in m.get("text", "") and "rows" in m.get("text", "")]
print(f"   {len(msgs)} Slack message(s); summary: {hits[-1]['text'].splitlines()[0] if hits else None}")
sys.exit(0 if hits else 1)
PY

curl -sf "$sim/_sim/stats" >"$tmp/stats.json" || bad "no stats from the simulator"
/usr/bin/python3 - "$tmp/stats.json" "$tokens" <<'PY' && ok "zero EGW00201${tokens:+ and exactly $tokens token(s) issued}" || bad "rate-limit rejections or token count wrong"
import json, sys
s = json.load(open(sys.argv[1]))
want_tokens = sys.argv[2]
print(f"   rate_limited {s['rate_limited']}, tokens_issued {s['tokens_issued']}, max_in_window {s.get('max_in_window')}")
ok = s["rate_limited"] == 0 and (not want_tokens or s["tokens_issued"] == int(want_tokens))
sys.exit(0 if ok else 1)
PY
echo "check_run: $passed passed, $failed failed"
[ "$failed" = 0 ]
