#!/usr/bin/env bash
#  test_sim.sh — checks eod-sim, the local double of KIS, the master-file host
#  and Slack, over real HTTP on 127.0.0.1: tokens (issue, reuse, EGW00133),
#  the daily chart (trading days, 100-row cap, unknown codes), the limiter,
#  the master files (record lengths, the universe filter), chk-holiday, Slack,
#  faults and the stats counters.
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
status=$(slack "$MAIN" xoxb-sim-demo-token '{"channel":"#eod-demo","text":"run done"}' "$WORK/s1.json")
check "slack accepted" [ "$status:$(json_get "$WORK/s1.json" 'd["ok"]')" = "200:True" ]
status=$(slack "$MAIN" xoxb-sim-demo-token '{"channel":"#eod-demo","text":"again"}' "$WORK/s2.json")
check "slack 429 within a second" [ "$status:$(json_get "$WORK/s2.json" 'd["error"]')" = "429:ratelimited" ]
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
assert d["requests"]["tokenP"][key] == 3 and d["requests"]["itemchartprice"][key] == 7
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
seq 30 | xargs -P 30 -I{} curl -s -o "$WORK/par_{}.json" \
    "$MAIN$CHART?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=$CODE&FID_INPUT_DATE_1=20240901&FID_INPUT_DATE_2=20240930&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST03010100"
rejected=$(grep -l EGW00201 "$WORK"/par_*.json | wc -l)
served=$(grep -l MCA00000 "$WORK"/par_*.json | wc -l)
check "30 parallel at --rate 20: some EGW00201" [ "$rejected" -ge 1 ]
check "30 parallel at --rate 20: at most 20 served" [ "$served" -le 20 ]
curl -s "$MAIN/_sim/stats" >"$WORK/stats3.json"
check "rate_limited counted per key" json_true "$WORK/stats3.json" \
    "d['rate_limited'] == $rejected and d['rate_limited_by_key']['$KEY'] == $rejected and d['max_in_window']['$KEY'] > 20"

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

#  --- clean stop ---------------------------------------------------------------------
kill -TERM "$MAIN_PID"
wait "$MAIN_PID"
check "SIGTERM: clean exit 0" [ $? = 0 ]

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
