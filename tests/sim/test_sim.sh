#!/usr/bin/env bash
#  test_sim.sh — checks eod-sim, the local double of KIS, the master-file host
#  and Slack, over real HTTP on 127.0.0.1: tokens (issue, reuse, EGW00133),
#  the daily chart (trading days, 100-row cap, unknown codes), the limiter,
#  the master files (record lengths, the universe filter), chk-holiday, Slack,
#  faults and the stats counters; the US side: the overseas daily price (in
#  pages with --us-page-rows: tr_cont F, M, E, D), the .cod master files,
#  the three Wikipedia articles and the US universe; an error code on every
#  data request (--fault-code); https with certificates made at test time.
#  Usage: tests/sim/test_sim.sh BUILD_DIR   (prints "N passed, N failed")
set -u

BUILD_DIR=${1:?usage: test_sim.sh BUILD_DIR}
SIM="$BUILD_DIR/bin/eod-sim"
#  Debian's interpreter starts in 40 ms; a pyenv shim on PATH takes ten times that.
PY=$(command -v /usr/bin/python3 || command -v python3)
KEY=PSsimDemoKey000000000000000000000000
KEY2=PSsimDemoKe2000000000000000000000000
SECRET="simDemoSecret$(printf 's%.0s' $(seq 167))"
CHART=/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice
HOLIDAY=/uapi/domestic-stock/v1/quotations/chk-holiday
export EOD_NOW=2024-09-20T18:30:00+09:00

WORK=$(mktemp -d)
PIDS=()
passed=0
failed=0

cleanup () {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${SIM_TEST_KEEP:-}" ] && trap "echo kept \$WORK" EXIT

check () {   #  check NAME COMMAND...: passes when the command succeeds
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name" >&2
    fi
}

#  start_sim NAME ARGS...: starts a sim on a free port; sets URL and SIM_PID.
start_sim () {
    local name=$1
    shift
    "$SIM" --port 0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/^eod-sim listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/$name.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "cannot start eod-sim ($name):" >&2
        cat "$WORK/$name.err" >&2
        exit 1
    fi
    URL="http://127.0.0.1:$port"
}

#  jq-like: json_get FILE PYTHON-EXPRESSION-ON-d
json_get () {
    $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
json_true () {
    [ "$(json_get "$1" "$2")" = "True" ]
}

token () {   #  token URL KEY SECRET OUT: writes the body, prints the HTTP status
    curl -s -o "$4" -w '%{http_code}' -X POST "$1/oauth2/tokenP" \
        -H 'content-type: application/json' \
        -d "{\"grant_type\":\"client_credentials\",\"appkey\":\"$2\",\"appsecret\":\"$3\"}"
}

#  chart URL TOKEN CODE D1 D2 OUT [HEADERS-OUT]: prints the HTTP status
chart () {
    curl -s -o "$6" -D "${7:-/dev/null}" -w '%{http_code}' \
        "$1$CHART?fid_cond_mrkt_div_code=J&FID_INPUT_ISCD=$3&FID_INPUT_DATE_1=$4&FID_INPUT_DATE_2=$5&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0" \
        -H "content-type: application/json; charset=utf-8" -H "authorization: Bearer $2" \
        -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST03010100" -H "custtype: P"
}

#  --- program basics -----------------------------------------------------------
check "--version" bash -c "'$SIM' --version | grep -qx 'eod-sim [0-9.]*'"
check "--help" bash -c "'$SIM' --help | grep -q -- --rate"
check "bad option exits non-zero" bash -c "! '$SIM' --rate nope"

#  --- tokens ---------------------------------------------------------------------
start_sim main --unknown-codes 2 --master-garble 4
MAIN=$URL
MAIN_PID=$SIM_PID
status=$(token "$MAIN" "$KEY" "$SECRET" "$WORK/tok1.json")
check "token 200" [ "$status" = 200 ]
check "token is a JWT with jti = appkey" $PY -c '
import json, sys, base64
t = json.load(open(sys.argv[1]))
parts = t["access_token"].split(".")
assert len(parts) == 3
p = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
assert p["jti"] == sys.argv[2]
assert t["token_type"] == "Bearer" and t["expires_in"] == 86400
assert t["access_token_token_expired"].startswith("2024-09-21 18:30:0")
' "$WORK/tok1.json" "$KEY"
TOKEN=$(json_get "$WORK/tok1.json" 'd["access_token"]')
token "$MAIN" "$KEY" "$SECRET" "$WORK/tok2.json" >/dev/null
check "token reused within 6 h" [ "$(json_get "$WORK/tok2.json" 'd["access_token"]')" = "$TOKEN" ]
status=$(token "$MAIN" "PSbadKey" "$SECRET" "$WORK/tok3.json")
check "bad key 403 EGW00103" [ "$status:$(json_get "$WORK/tok3.json" 'd["error_code"]')" = "403:EGW00103" ]
status=$(token "$MAIN" "$KEY" "wrong" "$WORK/tok4.json")
check "bad secret 403 EGW00105" [ "$status:$(json_get "$WORK/tok4.json" 'd["error_code"]')" = "403:EGW00105" ]

start_sim noreuse --token-reuse-s 0
token "$URL" "$KEY" "$SECRET" "$WORK/tok5.json" >/dev/null
status=$(token "$URL" "$KEY" "$SECRET" "$WORK/tok6.json")
check "second issuance within 60 s: 403 EGW00133" \
    [ "$status:$(json_get "$WORK/tok6.json" 'd["error_code"]')" = "403:EGW00133" ]
curl -s "$URL/_sim/stats" >"$WORK/stats_noreuse.json"
check "EGW00133 is not an issuance" json_true "$WORK/stats_noreuse.json" \
    'd["tokens_issued"] == 1 and d["token_requests"] == 2'

#  --- chart ------------------------------------------------------------------------
curl -s "$MAIN/_sim/universe/kr" >"$WORK/universe.json"
CODE=$(json_get "$WORK/universe.json" 'd["kospi"][10]')
status=$(chart "$MAIN" "$TOKEN" "$CODE" 20240901 20240930 "$WORK/c1.json" "$WORK/c1.hdr")
check "chart 200" [ "$status" = 200 ]
check "chart headers" bash -c "grep -qi '^content-type: application/json; charset=utf-8' '$WORK/c1.hdr' \
    && grep -qi '^tr_id: FHKST03010100' '$WORK/c1.hdr' && grep -qi '^tr_cont:' '$WORK/c1.hdr'"
check "chart success envelope" json_true "$WORK/c1.json" \
    'd["rt_cd"] == "0" and d["msg_cd"] == "MCA00000" and d["msg1"] == "정상처리 되었습니다."'
check "chart rows: trading days, newest first, Chuseok absent, none after today" $PY -c '
import json, sys, datetime
d = json.load(open(sys.argv[1]))
dates = [r["stck_bsop_date"] for r in d["output2"]]
assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
assert dates[0] == "20240920" and dates[-1] == "20240902", dates
for x in ("20240916", "20240917", "20240918"):
    assert x not in dates
for x in dates:
    assert datetime.date(int(x[:4]), int(x[4:6]), int(x[6:])).weekday() < 5
assert len(dates) == 12
' "$WORK/c1.json"
check "chart row fields and consistent prdy_vrss" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = ["stck_bsop_date","stck_clpr","stck_oprc","stck_hgpr","stck_lwpr","acml_vol","acml_tr_pbmn",
        "flng_cls_code","prtt_rate","mod_yn","prdy_vrss_sign","prdy_vrss","revl_issu_reas"]
rows = d["output2"]
for r in rows:
    assert list(r.keys()) == keys
    assert all(isinstance(v, str) for v in r.values())
    assert int(r["stck_lwpr"]) <= min(int(r["stck_oprc"]), int(r["stck_clpr"]))
    assert int(r["stck_hgpr"]) >= max(int(r["stck_oprc"]), int(r["stck_clpr"]))
for a, b in zip(rows, rows[1:]):
    diff = int(a["stck_clpr"]) - int(b["stck_clpr"])
    assert int(a["prdy_vrss"]) == diff
    assert a["prdy_vrss_sign"] == ("2" if diff > 0 else "5" if diff < 0 else "3") or a["prdy_vrss_sign"] in "14"
o = d["output1"]
assert o["stck_prpr"] == rows[0]["stck_clpr"] and o["stck_prdy_clpr"] == rows[1]["stck_clpr"]
assert "itewhol_loan_rmnd_ratem name" in o and len(o) == 30 and o["hts_kor_isnm"]
' "$WORK/c1.json"
chart "$MAIN" "$TOKEN" "$CODE" 20240901 20240930 "$WORK/c1b.json" >/dev/null
check "chart deterministic" cmp "$WORK/c1.json" "$WORK/c1b.json"
#  output1 is the quote at the sim's clock (2024-09-20 18:30: that day's
#  close), whatever dates the request names; output2 answers those dates.
chart "$MAIN" "$TOKEN" "$CODE" 20240902 20240902 "$WORK/c1p.json" >/dev/null
check "chart of a past day: output2 that day, output1 the quote at the clock (2024-09-20)" $PY -c '
import json, sys
past, month = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [r["stck_bsop_date"] for r in past["output2"]] == ["20240902"]
assert past["output1"] == month["output1"]
assert past["output1"]["stck_prpr"] == month["output2"][0]["stck_clpr"] != past["output2"][0]["stck_clpr"]
' "$WORK/c1p.json" "$WORK/c1.json"
chart "$MAIN" "$TOKEN" "$CODE" 20200101 20240919 "$WORK/c2.json" >/dev/null
check "chart caps at 100 rows ending at DATE_2" json_true "$WORK/c2.json" \
    'len(d["output2"]) == 100 and d["output2"][0]["stck_bsop_date"] == "20240919"'
chart "$MAIN" "$TOKEN" 999999 20240901 20240930 "$WORK/c3.json" >/dev/null
check "unknown code: rt_cd 0, stck_prpr 0, output2 [{}]" json_true "$WORK/c3.json" \
    'd["rt_cd"] == "0" and d["output1"]["stck_prpr"] == "0" and d["output2"] == [{}]'
UNKNOWN=$(json_get "$WORK/universe.json" 'd["unknown"][0]')
chart "$MAIN" "$TOKEN" "$UNKNOWN" 20240901 20240930 "$WORK/c4.json" >/dev/null
check "--unknown-codes: selected code answers unknown" json_true "$WORK/c4.json" \
    'd["output1"]["stck_prpr"] == "0" and d["output2"] == [{}]'
check "--unknown-codes 2: first two selected KOSDAQ codes" json_true "$WORK/universe.json" \
    'd["unknown"] == sorted(d["kosdaq"])[:2]'
status=$(chart "$MAIN" "not-a-token" "$CODE" 20240901 20240930 "$WORK/c5.json")
check "unknown token: EGW00121" json_true "$WORK/c5.json" 'd["rt_cd"] == "1" and d["msg_cd"] == "EGW00121"'
curl -s -o "$WORK/c6.json" "$MAIN$CHART?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=$CODE&FID_INPUT_DATE_1=20240901&FID_INPUT_DATE_2=20240930&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET"
check "missing tr_id: OPSQ9999" json_true "$WORK/c6.json" 'd["msg_cd"] == "OPSQ9999"'

#  --- chk-holiday -------------------------------------------------------------------
curl -s -o "$WORK/h1.json" -D "$WORK/h1.hdr" "$MAIN$HOLIDAY?BASS_DT=20240901&CTX_AREA_NK=&CTX_AREA_FK=" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: CTCA0903R"
check "chk-holiday page" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
out = d["output"]
assert len(out) == 24 and out[0]["bass_dt"] == "20240901" and out[-1]["bass_dt"] == "20240924"
by = {r["bass_dt"]: r for r in out}
assert by["20240901"]["wday_dvsn_cd"] == "01" and by["20240901"]["tr_day_yn"] == "Y"
assert by["20240901"]["opnd_yn"] == "N" and by["20240902"]["opnd_yn"] == "Y"
assert by["20240917"]["opnd_yn"] == "N" and by["20240917"]["bzdy_yn"] == "N"
assert d["ctx_area_nk"] == "20240924" + " " * 12 and d["ctx_area_fk"] == "20240901" + " " * 12
assert d["msg_cd"] == "KIOK0500" and d["msg1"].endswith(" ")
' "$WORK/h1.json"
check "chk-holiday tr_cont M" grep -qi '^tr_cont: M' "$WORK/h1.hdr"
curl -s -o "$WORK/h2.json" "$MAIN$HOLIDAY?BASS_DT=20240901&CTX_AREA_NK=20240924%20%20%20&CTX_AREA_FK=20240901" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: CTCA0903R" -H "tr_cont: N"
check "chk-holiday continues after ctx_area_nk" json_true "$WORK/h2.json" \
    'd["output"][0]["bass_dt"] == "20240925"'

#  --- master files and the universe ---------------------------------------------------
curl -s -o "$WORK/kospi.zip" "$MAIN/common/master/kospi_code.mst.zip"
curl -s -o "$WORK/kosdaq.zip" "$MAIN/common/master/kosdaq_code.mst.zip"
check "master records 288/282 bytes, CP949, 4 garbled KOSDAQ records" $PY -c '
import zipfile, sys
kospi = zipfile.ZipFile(sys.argv[1]).read("kospi_code.mst").split(b"\n")
kosdaq = zipfile.ZipFile(sys.argv[2]).read("kosdaq_code.mst").split(b"\n")
assert kospi[-1] == b"" and kosdaq[-1] == b""
kospi, kosdaq = kospi[:-1], kosdaq[:-1]
assert all(len(r) == 288 for r in kospi), set(len(r) for r in kospi)
bad = [r for r in kosdaq if len(r) != 282 or not r[267:276].strip(b"-").isdigit()]
assert len(bad) == 4, len(bad)
for r in kospi + kosdaq:
    r[21:61].decode("cp949")
groups = {r[61:63] for r in kospi}
assert {b"ST", b"EF", b"RT", b"IF"} <= groups
assert 1500 < len(kospi) < 2000 and 1500 < len(kosdaq) < 2000
' "$WORK/kospi.zip" "$WORK/kosdaq.zip"
check "universe = the default filter applied to the bytes" $PY -c '
import zipfile, sys, json, re
u = json.load(open(sys.argv[3]))
kospi = zipfile.ZipFile(sys.argv[1]).read("kospi_code.mst").split(b"\n")[:-1]
kosdaq = zipfile.ZipFile(sys.argv[2]).read("kosdaq_code.mst").split(b"\n")[:-1]
sel_p, sel_q = [], []
for r in kospi:
    code, name, grp = r[0:9].decode().strip(), r[21:61].decode("cp949").strip(), r[61:63]
    cap, krx300 = int(r[273:282]), r[222:223] == b"Y"
    if grp in (b"RT", b"IF") or (grp == b"ST" and (cap >= 4000 or krx300 or re.search("은행|금융|신한|카카오뱅크", name))):
        sel_p.append(code)
for r in kosdaq:
    if len(r) != 282 or not r[267:276].isdigit():
        continue
    code, grp = r[0:9].decode().strip(), r[61:63]
    cap, krx300, k150 = int(r[267:276]), r[217:218] == b"Y", r[96:97] == b"Y"
    if grp == b"ST" and (cap >= 4000 or krx300 or k150):
        sel_q.append(code)
assert sorted(sel_p) == u["kospi"], (len(sel_p), len(u["kospi"]))
assert sorted(sel_q) == u["kosdaq"], (len(sel_q), len(u["kosdaq"]))
assert 200 < len(sel_p) < 900 and 200 < len(sel_q) < 1200
small_named = [r for r in kospi if int(r[273:282]) < 4000 and re.search("은행|금융|신한|카카오뱅크", r[21:61].decode("cp949"))]
assert len(small_named) >= 4
' "$WORK/kospi.zip" "$WORK/kosdaq.zip" "$WORK/universe.json"
check "unknown master file 404" [ "$(curl -s -o /dev/null -w '%{http_code}' "$MAIN/common/master/nope.zip")" = 404 ]

#  --- Slack --------------------------------------------------------------------------
slack () {   #  slack URL AUTH BODY OUT: prints status
    curl -s -o "$4" -D "$4.hdr" -w '%{http_code}' -X POST "$1/api/chat.postMessage" \
        -H "content-type: application/json; charset=utf-8" ${2:+-H "authorization: Bearer $2"} -d "$3"
}
#  The second message right after the first, the checks after both: on a busy
#  machine the checks' interpreter may take the better part of a second.
status=$(slack "$MAIN" xoxb-sim-demo-token '{"channel":"#eod-demo","text":"run done"}' "$WORK/s1.json")
status2=$(slack "$MAIN" xoxb-sim-demo-token '{"channel":"#eod-demo","text":"again"}' "$WORK/s2.json")
check "slack accepted" [ "$status:$(json_get "$WORK/s1.json" 'd["ok"]')" = "200:True" ]
check "slack 429 within a second" [ "$status2:$(json_get "$WORK/s2.json" 'd["error"]')" = "429:ratelimited" ]
check "slack Retry-After: 1" grep -qi '^Retry-After: 1' "$WORK/s2.json.hdr"
slack "$MAIN" xoxb-wrong '{"channel":"#eod-demo","text":"x"}' "$WORK/s3.json" >/dev/null
check "slack invalid_auth" json_true "$WORK/s3.json" 'd["error"] == "invalid_auth"'
slack "$MAIN" "" '{"channel":"#eod-demo","text":"x"}' "$WORK/s4.json" >/dev/null
check "slack not_authed" json_true "$WORK/s4.json" 'd["error"] == "not_authed"'
slack "$MAIN" xoxb-sim-demo-token '{"channel":"#nope","text":"x"}' "$WORK/s5.json" >/dev/null
check "slack channel_not_found" json_true "$WORK/s5.json" 'd["error"] == "channel_not_found"'
slack "$MAIN" xoxb-sim-demo-token '{"channel":"#eod-demo"}' "$WORK/s6.json" >/dev/null
check "slack no_text" json_true "$WORK/s6.json" 'd["error"] == "no_text"'
check "webhook ok" [ "$(curl -s -X POST "$MAIN/services/T000/B000/XXXX" -d '{"text":"hook"}')" = ok ]
curl -s "$MAIN/_sim/slack" >"$WORK/slack.json"
check "accepted messages listed in order" json_true "$WORK/slack.json" \
    '[m["text"] for m in d] == ["run done", "hook"]'

#  --- stats --------------------------------------------------------------------------
curl -s "$MAIN/_sim/stats" >"$WORK/stats.json"
check "stats counters" $PY -c '
import json, sys
d = json.load(open(sys.argv[1])); key = sys.argv[2]
assert d["requests"]["tokenP"][key] == 3 and d["requests"]["itemchartprice"][key] == 8
assert d["requests"]["master"]["-"] == 3 and d["requests"]["chk-holiday"][key] == 2
assert d["tokens_issued"] == 1 and d["token_requests"] == 4
assert d["slack_messages"] == 2 and d["chk_holiday_calls"] == 2 and d["rate_limited"] == 0
assert d["max_in_window"][key] >= 1 and d["faults"] == {}
' "$WORK/stats.json" "$KEY"
curl -s -X POST "$MAIN/_sim/reset" >/dev/null
curl -s "$MAIN/_sim/stats" >"$WORK/stats2.json"
check "reset clears counters" json_true "$WORK/stats2.json" \
    'd["requests"] == {} and d["tokens_issued"] == 0 and d["slack_messages"] == 0'
chart "$MAIN" "$TOKEN" "$CODE" 20240901 20240930 "$WORK/c7.json" >/dev/null
check "reset keeps tokens" json_true "$WORK/c7.json" 'd["rt_cd"] == "0"'

#  --- limiter ------------------------------------------------------------------------
curl -s -X POST "$MAIN/_sim/reset" >/dev/null
burst_t0=$(date +%s%N)
seq 100 | xargs -P 100 -I{} curl -s -o "$WORK/par_{}.json" \
    "$MAIN$CHART?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=$CODE&FID_INPUT_DATE_1=20240901&FID_INPUT_DATE_2=20240930&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST03010100"
rejected=$(grep -l EGW00201 "$WORK"/par_*.json | wc -l)
served=$(grep -l MCA00000 "$WORK"/par_*.json | wc -l)
check "100 parallel at --rate 20: some EGW00201" [ "$rejected" -ge 1 ]
#  A sliding 1-s window serves at most 20: a burst that lasted T seconds (a
#  loaded machine spreads it) is served at most 20 * (ceil(T) + 1) times,
#  and at most 20 when it fit in one second.
burst_ms=$(( ($(date +%s%N) - burst_t0) / 1000000 ))
allowed=$(( burst_ms < 1000 ? 20 : 20 * ((burst_ms + 999) / 1000 + 1) ))
check "100 parallel at --rate 20 in $burst_ms ms: at most $allowed served (got $served)" [ "$served" -le "$allowed" ]
check "100 parallel at --rate 20: every request answered (served or rejected)" [ $((served + rejected)) = 100 ]
curl -s "$MAIN/_sim/stats" >"$WORK/stats3.json"
check "rate_limited counted per key" json_true "$WORK/stats3.json" \
    "d['rate_limited'] == $rejected and d['rate_limited_by_key']['$KEY'] == $rejected and d['max_in_window']['$KEY'] > 20"
check "the tightest 21 arrivals of the burst took under 1 s (tightest_span_ms)" json_true "$WORK/stats3.json" \
    "0 <= d['tightest_span_ms']['$KEY'] < 1000"

#  --- US: universe, .cod master files, Wikipedia articles, overseas daily price ----------
DAILY=/uapi/overseas-price/v1/quotations/dailyprice
#  daily URL TOKEN EXCD SYMB BYMD OUT [GUBN]: prints the HTTP status; with
#  TR_CONT set, sends it as the tr_cont header (a continuation page).
daily () {
    curl -s -o "$6" -D "$6.hdr" -w '%{http_code}' -G "$1$DAILY" --data-urlencode "AUTH=" \
        --data-urlencode "EXCD=$3" --data-urlencode "SYMB=$4" --data-urlencode "GUBN=${7:-0}" \
        --data-urlencode "BYMD=$5" --data-urlencode "MODP=1" --data-urlencode "KEYB=" \
        -H "content-type: application/json; charset=utf-8" -H "authorization: Bearer $2" \
        -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: HHDFS76240000" -H "custtype: P" \
        ${TR_CONT:+-H} ${TR_CONT:+"tr_cont: $TR_CONT"}
}
#  tr_cont_of FILE: the tr_cont header daily saved beside FILE.
tr_cont_of () {
    sed -n 's/^tr_cont: *\([A-Z]*\).*$/\1/Ip' "$1.hdr" | tr -d '\r' | head -n1
}
start_sim us --us-unknown 1
US=$URL
token "$US" "$KEY" "$SECRET" "$WORK/tus.json" >/dev/null
TUS=$(json_get "$WORK/tus.json" 'd["access_token"]')
curl -s "$US/_sim/universe/us" >"$WORK/universe_us.json"
check "universe/us: indexes + extras, KIS class shares, 3 absent, 1 unknown" $PY -c '
import json, sys
u = json.load(open(sys.argv[1]))
extras = [l.strip() for l in open(sys.argv[2]) if l.strip()]
assert len(extras) == 37 and set(extras) <= set(u["symbols"])
assert 540 <= len(u["symbols"]) <= 570 and u["symbols"] == sorted(set(u["symbols"]))
assert "BRK/B" in u["symbols"] and "BF/B" in u["symbols"] and "BRK.B" not in u["symbols"]
assert len(u["absent"]) == 3 and set(u["absent"]) <= set(u["symbols"])
assert u["unknown"] == ["A"]
' "$WORK/universe_us.json" "$(dirname "$0")/../../config/us_extra_tickers.txt"

for x in nas nys ams; do
    curl -s -o "$WORK/$x.zip" "$US/common/master/${x}mst.cod.zip"
done
check ".cod files: CP949, 24 TAB columns, no header, first NYS record A, one exchange per symbol" $PY -c '
import zipfile, sys, json
w, u = sys.argv[1], json.load(open(sys.argv[2]))
seen, sizes = {}, {}
for x, exid, name in (("nas", "22", "나스닥"), ("nys", "21", "뉴욕"), ("ams", "29", "아멕스")):
    z = zipfile.ZipFile(w + "/" + x + ".zip")
    assert z.namelist() == [x.upper() + "MST.COD"], z.namelist()
    lines = z.read(x.upper() + "MST.COD").decode("cp949").split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    sizes[x] = len(lines)
    for line in lines:
        f = line.split("\t")
        assert len(f) == 24, (x, line)
        assert f[0] == "US" and f[1] == exid and f[2] == x.upper() and f[3] == name
        assert f[5] == x.upper() + f[4] and f[8] in ("2", "3") and f[9] == "USD" and f[10] == "4"
        assert f[12].count(".") == 1 and len(f[12].split(".")[1]) == 4 and float(f[12]) > 0
        assert f[23] == "   " and f[22] in ("   ", "001")
        assert f[4] not in seen, f[4]
        seen[f[4]] = x
    if x == "nys":
        assert lines[0].split("\t")[4] == "A" and lines[0].split("\t")[7].startswith("AGILENT")
    assert [l.split("\t")[4] for l in lines] == sorted(l.split("\t")[4] for l in lines)
assert 2500 <= sizes["nas"] <= 3500 and 2000 <= sizes["nys"] <= 3000 and 200 <= sizes["ams"] <= 400, sizes
for s in u["symbols"]:
    assert (s in seen) == (s not in u["absent"]), s
assert seen["BRK/B"] == "nys" and seen["AAPL"] == "nas" and seen["SPY"] == "ams"
assert sum(1 for s in seen if "/" in s) >= 5
' "$WORK" "$WORK/universe_us.json"
check "unknown .cod 404" [ "$(curl -s -o /dev/null -w '%{http_code}' "$US/common/master/hksmst.cod.zip")" = 404 ]

curl -s -o "$WORK/w_sp.html" "$US/wiki/List_of_S%26P_500_companies"
curl -s -o "$WORK/w_ndx.html" "$US/wiki/Nasdaq-100"
curl -s -o "$WORK/w_dow.html" "$US/wiki/Dow_Jones_Industrial_Average"
cat >"$WORK/wiki.py" <<'PYEOF'
import html.parser, json, sys

class Tables(html.parser.HTMLParser):
    """Every table as a list of rows of (is_header, text), nested tables apart."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.stack, self.cell, self.skip = [], [], None, 0
    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append({"class": dict(attrs).get("class", ""), "rows": []})
        elif tag == "tr" and self.stack:
            self.stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self.stack:
            self.cell = [tag == "th", ""]
        elif tag == "sup":
            self.skip += 1
    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
        elif tag in ("td", "th") and self.cell is not None and self.stack:
            self.stack[-1]["rows"][-1].append((self.cell[0], self.cell[1].strip(" \t\n")))
            self.cell = None
        elif tag == "sup":
            self.skip -= 1
    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell[1] += data

def constituents(path, header):
    p = Tables()
    p.feed(open(path, encoding="utf-8").read())
    found = [t for t in p.tables if t["rows"] and [c[1] for c in t["rows"][0]] == header]
    assert len(found) == 1, (path, len(found))
    index = p.tables.index(found[0])
    return p.tables, index, found[0]["rows"][1:]

u = json.load(open(sys.argv[4]))
sp_tables, sp_at, sp = constituents(sys.argv[1], ["Symbol", "Security", "GICS Sector",
    "GICS Sub-Industry", "Headquarters Location", "Date added", "CIK", "Founded"])
ndx_tables, ndx_at, ndx = constituents(sys.argv[2], ["Company", "Ticker", "GICS Sector", "GICS Sub-Industry"])
dow_tables, dow_at, dow = constituents(sys.argv[3], ["Company", "Exchange", "Symbol", "Industry",
    "Date added", "Notes", "Index weighting"])
assert len(sp) == 503 and len(ndx) == 101 and len(dow) == 30, (len(sp), len(ndx), len(dow))
assert all(len(r) == 8 for r in sp) and all(len(r) == 4 for r in ndx) and all(len(r) == 7 for r in dow)
assert all(r[0][0] for r in dow) and not any(r[0][0] for r in sp)    # Dow companies are <th scope=row>
sym_sp = [r[0][1].strip("\xa0 ") for r in sp]
sym_ndx = [r[1][1] for r in ndx]
sym_dow = [r[2][1] for r in dow]
assert "BRK.B" in sym_sp and "BF.B" in sym_sp and any(r[0][1].endswith("\xa0") for r in sp)
assert set(sym_dow) <= set(sym_sp) and 8 <= len(set(sym_ndx) - set(sym_sp)) <= 20
assert len(set(sym_ndx) & set(sym_sp)) >= 80
assert any("," in r[3][1] for r in sp) and any("," in r[3][1] for r in ndx)
assert "Hotels, Resorts & Cruise Lines" in {r[3][1] for r in sp}
assert any("\xa0" in r[4][1] for r in sp) and "AT&T" in {r[1][1] for r in sp}
# tables before the constituents (infobox, one with a Symbol column), a changes table after
for tables, at, key in ((sp_tables, sp_at, "Symbol"), (ndx_tables, ndx_at, "Ticker"), (dow_tables, dow_at, "Symbol")):
    assert at >= 2 and "infobox" in tables[0]["class"]
    after = tables[at + 1]
    assert key in [c[1] for c in after["rows"][1]]
for tables, at, names in ((sp_tables, sp_at, sym_sp), (dow_tables, dow_at, sym_dow)):
    before = [c[1] for t in tables[:at] for c in t["rows"][0]]
    assert "Symbol" in before
    former = {c[1] for r in tables[at + 1]["rows"][2:] for c in r}
    assert former - set(names) and (former & {"ETSY", "WBA", "INTC"})
union = {s.replace(".", "/") for s in sym_sp + sym_ndx + sym_dow}
extras = [l.strip() for l in open(sys.argv[5]) if l.strip()]
assert sorted(union | set(extras)) == u["symbols"]
PYEOF
check "wiki: constituents tables found by header, 503/101/30 rows, traps present, union = universe" \
    $PY "$WORK/wiki.py" "$WORK/w_sp.html" "$WORK/w_ndx.html" "$WORK/w_dow.html" "$WORK/universe_us.json" \
    "$(dirname "$0")/../../config/us_extra_tickers.txt"
check "wiki: raw and percent-encoded titles" [ "$(curl -s "$US/wiki/List_of_S&P_500_companies" | cmp - "$WORK/w_sp.html" && echo same)" = same ]
check "wiki: 404 for other titles" [ "$(curl -s -o /dev/null -w '%{http_code}' "$US/wiki/Russell_2000_Index")" = 404 ]
check "wiki: 403 without a User-Agent" [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'User-Agent:' "$US/wiki/Nasdaq-100")" = 403 ]

status=$(daily "$US" "$TUS" NAS AAPL 20240710 "$WORK/d1.json")
check "dailyprice 200" [ "$status" = 200 ]
check "dailyprice: 100 XNYS sessions newest first, 2024-07-04 absent, diff/rate/sign consistent" $PY -c '
import json, sys, datetime
d = json.load(open(sys.argv[1]))
assert d["rt_cd"] == "0" and d["msg_cd"] == "MCA00000"
o1, rows = d["output1"], d["output2"]
assert o1 == {"rsym": "DNASAAPL", "zdiv": "4", "nrec": "100"} and len(rows) == 100
dates = [r["xymd"] for r in rows]
assert dates[0] == "20240710" and dates == sorted(dates, reverse=True) and len(set(dates)) == 100
assert "20240704" not in dates and "20240703" in dates and "20240705" in dates
assert "20240527" not in dates and "20240619" not in dates and "20240329" not in dates
assert all(datetime.date(int(x[:4]), int(x[4:6]), int(x[6:])).weekday() < 5 for x in dates)
keys = ["xymd", "clos", "sign", "diff", "rate", "open", "high", "low", "tvol", "tamt", "pbid", "vbid", "pask", "vask"]
for i, r in enumerate(rows):
    assert list(r) == keys
    for k in ("clos", "diff", "open", "high", "low", "pbid", "pask"):
        assert len(r[k].split(".")[1]) == 4, r[k]
    c, lo, hi, op = float(r["clos"]), float(r["low"]), float(r["high"]), float(r["open"])
    assert lo <= min(c, op) and hi >= max(c, op) and int(r["tvol"]) > 0
    if i + 1 < len(rows):
        prev = float(rows[i + 1]["clos"])
        assert abs(float(r["diff"]) - (c - prev)) < 1e-6, (r, prev)
        assert r["sign"] == ("2" if c > prev else "5" if c < prev else "3")
        assert abs(float(r["rate"]) - round((c - prev) * 100 / prev, 2)) < 0.011
' "$WORK/d1.json"
daily "$US" "$TUS" NAS AAPL 20240704 "$WORK/d2.json" >/dev/null
check "dailyprice: BYMD on a holiday ends at the previous session; same values" $PY -c '
import json, sys
a, b = json.load(open(sys.argv[1]))["output2"], json.load(open(sys.argv[2]))["output2"]
assert b[0]["xymd"] == "20240703"
same = {r["xymd"]: r for r in a}
assert all(same[r["xymd"]] == r for r in b if r["xymd"] in same) and b[0]["xymd"] in same
' "$WORK/d1.json" "$WORK/d2.json"
#  05:30 in New York on 2024-09-20: that session has not traded yet.
daily "$US" "$TUS" NAS AAPL "" "$WORK/d3.json" >/dev/null
check "dailyprice: blank BYMD = today in New York, whose row is not out before the close" json_true \
    "$WORK/d3.json" 'd["output2"][0]["xymd"] == "20240919"'
daily "$US" "$TUS" NAS AAPL 20241231 "$WORK/d4.json" >/dev/null
check "dailyprice: no rows after the latest closed session" json_true "$WORK/d4.json" \
    'd["output2"][0]["xymd"] == "20240919" and d["output1"]["nrec"] == "100"'
daily "$US" "$TUS" NAS AAPL 20000110 "$WORK/d5.json" >/dev/null
check "dailyprice: short history, nrec = rows" json_true "$WORK/d5.json" \
    'd["output1"]["nrec"] == "6" and [r["xymd"] for r in d["output2"]][-1] == "20000103"'
daily "$US" "$TUS" NYS BRK/B 20240920 "$WORK/d6.json" >/dev/null
check "dailyprice: class share BRK/B on NYS" json_true "$WORK/d6.json" \
    'd["output1"]["rsym"] == "DNYSBRK/B" and d["output1"]["nrec"] == "100"'
daily "$US" "$TUS" NAS NOPE 20240920 "$WORK/d7.json" >/dev/null
check "dailyprice: unknown symbol -> rt_cd 0, nrec empty, no rows" json_true "$WORK/d7.json" \
    'd["rt_cd"] == "0" and d["output1"]["rsym"] == "DNASNOPE" and d["output1"]["nrec"] == "" and d["output2"] == []'
daily "$US" "$TUS" NYS AAPL 20240920 "$WORK/d8.json" >/dev/null
check "dailyprice: symbol on the wrong EXCD -> unknown" json_true "$WORK/d8.json" \
    'd["output1"]["nrec"] == "" and d["output2"] == []'
daily "$US" "$TUS" NYS A 20240920 "$WORK/d9.json" >/dev/null
check "dailyprice: --us-unknown symbol -> unknown" json_true "$WORK/d9.json" 'd["output1"]["nrec"] == ""'
daily "$US" "$TUS" AMS SPY 20240920 "$WORK/d10.json" >/dev/null
check "dailyprice: extra ETF on AMS" json_true "$WORK/d10.json" 'd["output1"]["nrec"] == "100"'
daily "$US" "$TUS" NAS AAPL 20240920 "$WORK/d11.json" 1 >/dev/null
check "dailyprice: GUBN other than 0 refused" json_true "$WORK/d11.json" \
    'd["rt_cd"] == "1" and d["msg_cd"] == "OPSQ2001"'
check "dailyprice headers: tr_id echoed" bash -c "grep -qi '^tr_id: HHDFS76240000' '$WORK/d1.json.hdr' \
    && grep -qi '^content-type: application/json; charset=utf-8' '$WORK/d1.json.hdr'"
status=$(daily "$US" "not-a-token" NAS AAPL 20240920 "$WORK/d12.json")
check "dailyprice: bad token 500 EGW00121" [ "$status:$(json_get "$WORK/d12.json" 'd["msg_cd"]')" = "500:EGW00121" ]
status=$(curl -s -o "$WORK/d13.json" -w '%{http_code}' "$US$DAILY?AUTH=&EXCD=NAS&SYMB=AAPL&GUBN=0&BYMD=20240920&MODP=1" \
    -H "authorization: Bearer $TUS" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST03010100")
check "dailyprice: wrong tr_id OPSQ9999" [ "$status:$(json_get "$WORK/d13.json" 'd["msg_cd"]')" = "500:OPSQ9999" ]
curl -s "$US/_sim/stats" >"$WORK/stats_us.json"
check "dailyprice and .cod downloads counted" json_true "$WORK/stats_us.json" \
    "d['requests']['dailyprice']['$KEY'] == 13 and d['requests']['master']['-'] == 4 and d['requests']['wiki']['-'] == 6"

#  --- the quote and the rows at the sim's clock -------------------------------------------
#  During the session the chart answers the live bar (the day's row and the
#  quote, whatever dates are asked); before the open the quote and the rows
#  are the day before's.
EOD_NOW=2024-09-20T10:00:00+09:00 start_sim live
token "$URL" "$KEY" "$SECRET" "$WORK/tlive.json" >/dev/null
TLIVE=$(json_get "$WORK/tlive.json" 'd["access_token"]')
chart "$URL" "$TLIVE" "$CODE" 20240920 20240920 "$WORK/l1.json" >/dev/null
chart "$URL" "$TLIVE" "$CODE" 20240902 20240902 "$WORK/l2.json" >/dev/null
check "10:00 in a session: the live bar, in output2 and in the quote of any request" $PY -c '
import json, sys
live, past, evening = (json.load(open(p)) for p in sys.argv[1:4])
row, final = live["output2"][0], evening["output2"][0]
assert row["stck_bsop_date"] == final["stck_bsop_date"] == "20240920"
assert row["stck_oprc"] == final["stck_oprc"] and int(row["acml_vol"]) < int(final["acml_vol"])
assert live["output1"]["stck_prpr"] == row["stck_clpr"]
prior = str(int(final["stck_clpr"]) - int(final["prdy_vrss"]))
for q in (live["output1"], past["output1"]):   # a second apart: the same session, still trading
    assert q["stck_prdy_clpr"] == prior and q["stck_oprc"] == row["stck_oprc"]
    assert int(q["acml_vol"]) < int(final["acml_vol"])
assert past["output2"][0]["stck_bsop_date"] == "20240902"
' "$WORK/l1.json" "$WORK/l2.json" "$WORK/c1.json"
EOD_NOW=2024-09-20T08:30:00+09:00 start_sim preopen
token "$URL" "$KEY" "$SECRET" "$WORK/tpre.json" >/dev/null
chart "$URL" "$(json_get "$WORK/tpre.json" 'd["access_token"]')" "$CODE" 20240901 20240930 "$WORK/l3.json" >/dev/null
check "08:30 before the open: rows end the day before, the quote is its close" $PY -c '
import json, sys
pre, evening = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert pre["output2"] == evening["output2"][1:]
assert pre["output1"]["stck_prpr"] == evening["output2"][1]["stck_clpr"]
' "$WORK/l3.json" "$WORK/c1.json"
#  --us-publish-lag-s: half an hour into an hour's window, some symbols'
#  rows of the session are out and some not; all once the hour is over.
us_rows () {   #  us_rows NOW OUT: the newest dailyprice row of 40 symbols at NOW, as JSON {symbol: xymd}
    EOD_NOW=$1 start_sim "lag-$2" --us-publish-lag-s 3600 --rate 100000
    token "$URL" "$KEY" "$SECRET" "$WORK/tlag.json" >/dev/null
    $PY - "$URL" "$(json_get "$WORK/tlag.json" 'd["access_token"]')" "$KEY" "$SECRET" "$WORK/universe_us.json" \
        >"$WORK/$2.json" <<'PY'
import json, sys, urllib.parse, urllib.request
url, token, key, secret, universe = sys.argv[1:6]
u = json.load(open(universe))
absent = set(u["absent"]) | set(u["unknown"])
newest = {}
for sym in [s for s in u["symbols"] if s not in absent][:40]:
    for excd in ("NAS", "NYS", "AMS"):
        q = urllib.parse.urlencode({"AUTH": "", "EXCD": excd, "SYMB": sym, "GUBN": "0", "BYMD": "20240919",
                                    "MODP": "1", "KEYB": ""})
        req = urllib.request.Request(url + "/uapi/overseas-price/v1/quotations/dailyprice?" + q, headers={
            "authorization": "Bearer " + token, "appkey": key, "appsecret": secret, "tr_id": "HHDFS76240000",
            "custtype": "P", "content-type": "application/json; charset=utf-8"})
        d = json.load(urllib.request.urlopen(req))
        if d["output1"]["nrec"]:
            newest[sym] = d["output2"][0]["xymd"]
            break
print(json.dumps(newest))
PY
}
us_rows 2024-09-19T16:30:00-04:00 half
us_rows 2024-09-19T17:01:00-04:00 all
check "--us-publish-lag-s: part of the session out half-way through the window, all of it after" $PY -c '
import json, sys
half, full = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
out = [s for s, d in half.items() if d == "20240919"]
late = [s for s, d in half.items() if d == "20240918"]
assert len(half) >= 30 and out and late and len(out) + len(late) == len(half), half
assert set(full.values()) == {"20240919"}, full
' "$WORK/half.json" "$WORK/all.json"

#  --- token expiry and faults ----------------------------------------------------------
start_sim expire --fault-token-expire-after 1 --token-throttle-s 0
token "$URL" "$KEY2" "simDemoSecre2$(printf 's%.0s' $(seq 167))" "$WORK/t7.json" >/dev/null
T2=$(json_get "$WORK/t7.json" 'd["access_token"]')
KEY_SAVE=$KEY; SECRET_SAVE=$SECRET
KEY=$KEY2; SECRET="simDemoSecre2$(printf 's%.0s' $(seq 167))"
chart "$URL" "$T2" "$CODE" 20240901 20240930 "$WORK/e1.json" >/dev/null
status=$(chart "$URL" "$T2" "$CODE" 20240901 20240930 "$WORK/e2.json")
check "token expires after N requests: HTTP 500 EGW00123" \
    [ "$(json_get "$WORK/e1.json" 'd["rt_cd"]'):$status:$(json_get "$WORK/e2.json" 'd["msg_cd"]')" = "0:500:EGW00123" ]
token "$URL" "$KEY" "$SECRET" "$WORK/t8.json" >/dev/null
T3=$(json_get "$WORK/t8.json" 'd["access_token"]')
chart "$URL" "$T3" "$CODE" 20240901 20240930 "$WORK/e3.json" >/dev/null
check "expired token replaced by a new issuance" json_true "$WORK/e3.json" 'd["rt_cd"] == "0"'
check "new token differs" [ "$T3" != "$T2" ]
KEY=$KEY_SAVE; SECRET=$SECRET_SAVE

start_sim faults --fault-nonjson500 1
token "$URL" "$KEY" "$SECRET" "$WORK/t9.json" >/dev/null
T4=$(json_get "$WORK/t9.json" 'd["access_token"]')
status=$(chart "$URL" "$T4" "$CODE" 20240901 20240930 "$WORK/f1.txt")
check "fault nonjson500" bash -c "[ $status = 500 ] && grep -q '<html>' '$WORK/f1.txt'"
curl -s "$URL/_sim/stats" >"$WORK/stats4.json"
check "faults counted" json_true "$WORK/stats4.json" 'd["faults"]["nonjson500"] == 1'

start_sim badjson --fault-badjson 1 --fault-reset 0
token "$URL" "$KEY" "$SECRET" "$WORK/t10.json" >/dev/null
status=$(chart "$URL" "$(json_get "$WORK/t10.json" 'd["access_token"]')" "$CODE" 20240901 20240930 "$WORK/f2.txt")
check "fault badjson: 200 with truncated JSON" \
    bash -c "[ $status = 200 ] && ! $PY -c 'import json,sys; json.load(open(sys.argv[1]))' '$WORK/f2.txt'"

start_sim reset --fault-reset 1
token "$URL" "$KEY" "$SECRET" "$WORK/t11.json" >/dev/null
T5=$(json_get "$WORK/t11.json" 'd["access_token"]')
resets=0
for _ in 1 2 3 4; do
    chart "$URL" "$T5" "$CODE" 20240901 20240930 "$WORK/f3.txt" >/dev/null || resets=$((resets + 1))
done
check "fault reset: transfers fail" [ "$resets" = 4 ]

start_sim m503 --fault-master503 1 --fault-slack429 1
check "fault master503" [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/common/master/kospi_code.mst.zip")" = 503 ]
check "fault slack429" [ "$(slack "$URL" xoxb-sim-demo-token '{"channel":"#eod-demo","text":"x"}' "$WORK/s9.json")" = 429 ]

#  --- dailyprice in pages -----------------------------------------------------------
start_sim pages --us-page-rows 30
token "$URL" "$KEY" "$SECRET" "$WORK/tp.json" >/dev/null
TP=$(json_get "$WORK/tp.json" 'd["access_token"]')
daily "$URL" "$TP" NAS AAPL 20240830 "$WORK/p1.json" >/dev/null
check "pages: a first page of 30 rows, nrec 30, newest 20240830" json_true "$WORK/p1.json" \
    'len(d["output2"]) == 30 and d["output1"]["nrec"] == "30" and d["output2"][0]["xymd"] == "20240830"'
check "pages: tr_cont F on a first page with more" [ "$(tr_cont_of "$WORK/p1.json")" = F ]
NEXT=$($PY -c 'import json,sys,datetime as t; d=json.load(open(sys.argv[1])); x=d["output2"][-1]["xymd"]
print((t.date(int(x[:4]),int(x[4:6]),int(x[6:]))-t.timedelta(days=1)).strftime("%Y%m%d"))' "$WORK/p1.json")
TR_CONT=N daily "$URL" "$TP" NAS AAPL "$NEXT" "$WORK/p2.json" >/dev/null
check "pages: the next page goes on from the session before, tr_cont M" $PY -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert len(b["output2"]) == 30 and b["output2"][0]["xymd"] < a["output2"][-1]["xymd"]
assert not set(r["xymd"] for r in a["output2"]) & set(r["xymd"] for r in b["output2"])
' "$WORK/p1.json" "$WORK/p2.json"
check "pages: tr_cont M on a continuation with more" [ "$(tr_cont_of "$WORK/p2.json")" = M ]
#  The walk starts on 2000-01-03: a page that reaches it is the last.
TR_CONT=N daily "$URL" "$TP" NAS AAPL 20000120 "$WORK/p3.json" >/dev/null
check "pages: the last continuation page says E, its rows end at the first session" \
    bash -c "[ '$(tr_cont_of "$WORK/p3.json")' = E ] && grep -q '\"20000103\"' '$WORK/p3.json'"
daily "$URL" "$TP" NAS AAPL 20000120 "$WORK/p4.json" >/dev/null
check "pages: a first page that is also the last says D" [ "$(tr_cont_of "$WORK/p4.json")" = D ]
curl -s "$URL/_sim/stats" >"$WORK/stats_pages.json"
check "pages: continuation requests counted" json_true "$WORK/stats_pages.json" 'd["dailyprice_continued"] == 2'
daily "$US" "$TUS" NAS AAPL 20240830 "$WORK/p5.json" >/dev/null
check "no --us-page-rows: one answer of 100 rows, tr_cont D" \
    bash -c "[ '$(tr_cont_of "$WORK/p5.json")' = D ] && [ \"\$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[\"output2\"]))' '$WORK/p5.json')\" = 100 ]"
check "--us-page-rows out of range refused" bash -c "! '$SIM' --us-page-rows 101 && ! '$SIM' --us-page-rows 0"

#  --- an error code on every data request (--fault-code) ---------------------------------
start_sim code --fault-code EGW02004
token "$URL" "$KEY" "$SECRET" "$WORK/tc.json" >/dev/null
TC=$(json_get "$WORK/tc.json" 'd["access_token"]')
status=$(chart "$URL" "$TC" "$CODE" 20240901 20240930 "$WORK/c1.json")
check "--fault-code: HTTP 500, rt_cd 1, the code" \
    [ "$status:$(json_get "$WORK/c1.json" 'd["rt_cd"] + ":" + d["msg_cd"]')" = "500:1:EGW02004" ]
status=$(daily "$URL" "$TC" NAS AAPL 20240830 "$WORK/c2.json")
check "--fault-code: dailyprice too, the token still issued" \
    [ "$status:$(json_get "$WORK/c2.json" 'd["msg_cd"]'):$(json_get "$WORK/tc.json" '"access_token" in d')" = "500:EGW02004:True" ]
start_sim code403 --fault-code XYZ09999:403 --fault-code-rate 1
token "$URL" "$KEY" "$SECRET" "$WORK/tc2.json" >/dev/null
status=$(chart "$URL" "$(json_get "$WORK/tc2.json" 'd["access_token"]')" "$CODE" 20240901 20240930 "$WORK/c3.json")
check "--fault-code CODE:STATUS" [ "$status:$(json_get "$WORK/c3.json" 'd["msg_cd"]')" = "403:XYZ09999" ]
check "--fault-code refuses a bad code or status" \
    bash -c "! '$SIM' --fault-code egw && ! '$SIM' --fault-code EGW00001:99 && ! '$SIM' --fault-code TOOLONGCODE"

#  --- https (--tls-cert, --tls-key) --------------------------------------------------------
if "$(dirname "$0")/../e2e/make_certs.sh" "$WORK/certs"; then
    "$SIM" --port 0 --tls-cert "$WORK/certs/good.pem" --tls-key "$WORK/certs/good.key" >"$WORK/tls.out" 2>"$WORK/tls.err" &
    PIDS+=("$!")
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/^eod-sim listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/tls.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    check "tls: the certificate checks out with its CA" \
        [ "$(curl -s --cacert "$WORK/certs/ca.pem" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/_sim/stats")" = 200 ]
    check "tls: refused with another CA" bash -c "! curl -s --cacert '$WORK/certs/other-ca.pem' https://127.0.0.1:$port/_sim/stats"
    check "tls: no plain http on it" bash -c "! curl -s -m 5 http://127.0.0.1:$port/_sim/stats | grep -q requests"
    check "tls: the log says https" grep -q "https with" "$WORK/tls.err"
else
    check "openssl made the test certificates" false
fi
check "--tls-cert without --tls-key refused" bash -c "! '$SIM' --tls-cert '$WORK/certs/good.pem'"
check "--tls-key of a missing file: exit 2" bash -c "'$SIM' --port 0 --tls-cert /nonexistent.pem --tls-key /nonexistent.key; [ \$? = 2 ]"

#  --- clean stop ---------------------------------------------------------------------
kill -TERM "$MAIN_PID"
wait "$MAIN_PID"
check "SIGTERM: clean exit 0" [ $? = 0 ]

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
