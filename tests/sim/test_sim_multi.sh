#!/usr/bin/env bash
#  test_sim_multi.sh — checks eod-sim's multi-stock quote (intstock-multprice,
#  FHKST11300006) over real HTTP on 127.0.0.1: the quote as of the clock
#  (EOD_NOW) agrees with the chart's bar of the same session (partial while
#  it trades, final after the close, the latest closed bar before the open
#  and on closed days, hour_cls_code set); the per-key limiter; every
#  variant option: --mq-unknown zero|omit|reject, --mq-shuffle, --mq-object,
#  --mq-units, --mq-disagree; bad options and bad queries.
#  Usage: tests/sim/test_sim_multi.sh BUILD_DIR   (prints "N passed, N failed"; ~10 s)
set -u

BUILD_DIR=${1:-${BUILD:?usage: test_sim_multi.sh BUILD_DIR}}
SIM="$BUILD_DIR/bin/eod-sim"
PY=$(command -v /usr/bin/python3 || command -v python3)
KEY=PSsimDemoKey000000000000000000000000
SECRET="simDemoSecret$(printf 's%.0s' $(seq 167))"
CHART=/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice
MULTI=/uapi/domestic-stock/v1/quotations/intstock-multprice

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

check () {   #  check NAME COMMAND...: passes when the command succeeds
    local name=$1
    shift
    if "$@" >"$WORK/check.out" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name" >&2
        sed 's/^/    /' "$WORK/check.out" >&2
    fi
}

#  start_sim NAME NOW ARGS...: a sim on a free port with its clock at NOW;
#  sets URL and TOKEN.
start_sim () {
    local name=$1 now=$2
    shift 2
    EOD_NOW=$now "$SIM" --port 0 --unknown-codes 1 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PIDS+=("$!")
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
    TOKEN=$(curl -s -X POST "$URL/oauth2/tokenP" -H 'content-type: application/json' \
        -d "{\"grant_type\":\"client_credentials\",\"appkey\":\"$KEY\",\"appsecret\":\"$SECRET\"}" |
        $PY -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
}

#  multi OUT [TR_ID] CODE...: one batch of the codes; prints the HTTP status.
multi () {
    local out=$1 tr=FHKST11300006 query="" n=0
    shift
    if [ "${1:-}" = --tr ]; then
        tr=$2
        shift 2
    fi
    for code in "$@"; do
        n=$((n + 1))
        query+="${query:+&}FID_COND_MRKT_DIV_CODE_$n=J&FID_INPUT_ISCD_$n=$code"
    done
    curl -s -o "$out" -w '%{http_code}' "$URL$MULTI?$query" \
        -H "content-type: application/json; charset=utf-8" -H "authorization: Bearer $TOKEN" \
        -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: $tr" -H "custtype: P"
}

#  chart OUT CODE D1 D2: the chart's answer for the code.
chart () {
    curl -s -o "$1" "$URL$CHART?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=$2&FID_INPUT_DATE_1=$3&FID_INPUT_DATE_2=$4&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0" \
        -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST03010100"
}

#  agree MULTI CHART DATE HOUR: the multi-quote's entry of the chart's code
#  is the chart's bar of DATE, field by field, with hour_cls_code HOUR.
AGREE='
import json, sys
m, c, date, hour = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
assert m["rt_cd"] == "0" and m["msg_cd"] == "MCA00000", m
rows = {r["stck_bsop_date"]: r for r in c["output2"]}
bar = rows[date]
code = c["output1"]["stck_shrn_iscd"]
e = [x for x in m["output"] if x["inter_shrn_iscd"] == code][0]
pairs = [("inter2_oprc", "stck_oprc"), ("inter2_hgpr", "stck_hgpr"), ("inter2_lwpr", "stck_lwpr"),
         ("inter2_prpr", "stck_clpr"), ("acml_vol", "acml_vol"), ("acml_tr_pbmn", "acml_tr_pbmn"),
         ("inter2_prdy_vrss", "prdy_vrss"), ("prdy_vrss_sign", "prdy_vrss_sign")]
for mk, ck in pairs:
    assert e[mk] == bar[ck], (mk, e[mk], ck, bar[ck])
assert int(e["inter2_prdy_clpr"]) == int(bar["stck_clpr"]) - int(bar["prdy_vrss"])
assert e["hour_cls_code"] == hour, e["hour_cls_code"]
assert e["inter_kor_isnm"] == c["output1"]["hts_kor_isnm"]
for k in ("inter_shrn_iscd", "inter_kor_isnm", "hour_cls_code", "mrkt_trtm_cls_name", "inter2_prpr",
          "inter2_oprc", "inter2_hgpr", "inter2_lwpr", "acml_vol", "acml_tr_pbmn", "inter2_prdy_clpr",
          "inter2_prdy_vrss", "prdy_vrss_sign", "prdy_ctrt", "inter2_mxpr", "inter2_llam", "inter2_askp",
          "inter2_bidp", "inter2_sdpr"):
    assert isinstance(e[k], str), k
'

#  --- after the close: the session's final bar, the chart's ----------------------------
start_sim closed 2024-09-20T18:30:00+09:00
curl -s "$URL/_sim/universe/kr" >"$WORK/universe.json"
read -r C1 C2 C3 UNKNOWN < <($PY -c '
import json, sys
u = json.load(open(sys.argv[1]))
print(u["kospi"][3], u["kospi"][10], u["kosdaq"][20], u["unknown"][0])' "$WORK/universe.json")
status=$(multi "$WORK/m1.json" "$C1" "$C2" "$C3")
check "multi 200" [ "$status" = 200 ]
check "three entries in request order" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [e["inter_shrn_iscd"] for e in d["output"]] == sys.argv[2:], d' "$WORK/m1.json" "$C1" "$C2" "$C3"
for code in "$C1" "$C2" "$C3"; do
    chart "$WORK/c_$code.json" "$code" 20240901 20240930
    check "18:30 after the close: $code is the chart's bar of 2024-09-20" \
        $PY -c "$AGREE" "$WORK/m1.json" "$WORK/c_$code.json" 20240920 A
done
FINAL=$WORK/m1.json
status=$(multi "$WORK/m_tr.json" --tr FHKST03010100 "$C1")
check "wrong tr_id: OPSQ9999" $PY -c '
import json, sys; assert json.load(open(sys.argv[1]))["msg_cd"] == "OPSQ9999"' "$WORK/m_tr.json"
curl -s -o "$WORK/m_mk.json" "$URL$MULTI?FID_COND_MRKT_DIV_CODE_1=Q&FID_INPUT_ISCD_1=$C1" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST11300006"
check "market other than J: OPSQ2001 naming the slot" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert d["rt_cd"] == "1" and d["msg_cd"] == "OPSQ2001" and "FID_COND_MRKT_DIV_CODE_1" in d["msg1"], d' "$WORK/m_mk.json"
curl -s -o "$WORK/m_none.json" "$URL$MULTI" \
    -H "authorization: Bearer $TOKEN" -H "appkey: $KEY" -H "appsecret: $SECRET" -H "tr_id: FHKST11300006"
check "no code: OPSQ2001" $PY -c '
import json, sys; d = json.load(open(sys.argv[1])); assert d["msg_cd"] == "OPSQ2001", d' "$WORK/m_none.json"
multi "$WORK/m_unk.json" "$C1" "$UNKNOWN" 999999 >/dev/null
check "--mq-unknown zero (default): unknown codes answer an entry of zeros" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
out = d["output"]; assert [e["inter_shrn_iscd"] for e in out] == sys.argv[2:], out
for e in out[1:]:
    assert e["inter2_prpr"] == "0" and e["acml_vol"] == "0" and e["inter_kor_isnm"] == ""
assert out[0]["inter2_prpr"] != "0"' "$WORK/m_unk.json" "$C1" "$UNKNOWN" 999999
CODES30=$($PY -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["kospi"][:30]))' "$WORK/universe.json")
# shellcheck disable=SC2086
multi "$WORK/m30.json" $CODES30 >/dev/null
check "a batch of 30 codes: 30 entries" $PY -c '
import json, sys; d = json.load(open(sys.argv[1])); assert len(d["output"]) == 30' "$WORK/m30.json"
curl -s "$URL/_sim/stats" >"$WORK/stats_closed.json"
check "a batch counts as one request by default (stats multprice)" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert d["requests"]["multprice"][sys.argv[2]] == 6, d["requests"]' "$WORK/stats_closed.json" "$KEY"

#  --- during the session: a partial bar, the chart's live bar -------------------------
start_sim live 2024-09-20T11:00:00+09:00
#  The clock runs from EOD_NOW on: the live bar moves between requests, so
#  the quote lies between the chart's bars asked just before and just after.
chart "$WORK/c_live0.json" "$C1" 20240901 20240930
multi "$WORK/m_live.json" "$C1" "$C2" >/dev/null
chart "$WORK/c_live1.json" "$C1" 20240901 20240930
check "11:00 during the session: the chart's live bar, hour_cls_code 0" $PY -c '
import json, sys
m, c0, c1 = (json.load(open(p)) for p in sys.argv[1:4])
e = m["output"][0]
b0, b1 = c0["output2"][0], c1["output2"][0]
assert b0["stck_bsop_date"] == b1["stck_bsop_date"] == "20240920"
for mk, ck in [("inter2_oprc", "stck_oprc"), ("inter2_hgpr", "stck_hgpr"), ("inter2_lwpr", "stck_lwpr"),
               ("inter2_prpr", "stck_clpr"), ("acml_vol", "acml_vol"), ("acml_tr_pbmn", "acml_tr_pbmn")]:
    lo, hi = sorted((int(b0[ck]), int(b1[ck])))
    assert lo <= int(e[mk]) <= hi, (mk, e[mk], lo, hi)
assert e["hour_cls_code"] == "0"' "$WORK/m_live.json" "$WORK/c_live0.json" "$WORK/c_live1.json"
check "the partial bar differs from the final one" $PY -c '
import json, sys
live, final = json.load(open(sys.argv[1]))["output"], json.load(open(sys.argv[2]))["output"]
for a, b in zip(live, final[:2]):
    assert a["inter_shrn_iscd"] == b["inter_shrn_iscd"]
    assert int(a["acml_vol"]) < int(b["acml_vol"]), (a, b)
    assert a["inter2_oprc"] == b["inter2_oprc"] and a["inter2_prdy_clpr"] == b["inter2_prdy_clpr"]
' "$WORK/m_live.json" "$FINAL"

#  --- before the open and on a closed day: the latest closed bar ----------------------
start_sim before 2024-09-23T08:00:00+09:00
multi "$WORK/m_before.json" "$C1" "$C2" "$C3" >/dev/null
check "08:00 before Monday's open: Friday's final bar, hour_cls_code A" \
    $PY -c "$AGREE" "$WORK/m_before.json" "$WORK/c_$C1.json" 20240920 A
check "before the open the quote is the final bar of the 18:30 one" \
    $PY -c 'import json,sys; assert json.load(open(sys.argv[1]))["output"] == json.load(open(sys.argv[2]))["output"]' \
    "$WORK/m_before.json" "$FINAL"
start_sim holiday 2024-09-17T12:00:00+09:00
multi "$WORK/m_hol.json" "$C1" >/dev/null
chart "$WORK/c_hol.json" "$C1" 20240901 20240930
check "Chuseok (closed) at noon: the bar of 2024-09-13" \
    $PY -c "$AGREE" "$WORK/m_hol.json" "$WORK/c_hol.json" 20240913 A

#  --- the variants ------------------------------------------------------------------------
start_sim omit 2024-09-20T18:30:00+09:00 --mq-unknown omit
multi "$WORK/m_omit.json" "$C1" "$UNKNOWN" "$C2" >/dev/null
check "--mq-unknown omit: no entry for the unknown code" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert [e["inter_shrn_iscd"] for e in d["output"]] == sys.argv[2:], d' "$WORK/m_omit.json" "$C1" "$C2"

start_sim reject 2024-09-20T18:30:00+09:00 --mq-unknown reject
multi "$WORK/m_rej.json" "$C1" "$UNKNOWN" >/dev/null
check "--mq-unknown reject: the whole batch is OPSQ2001 on FID_INPUT_ISCD_2" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert d["rt_cd"] == "1" and d["msg_cd"] == "OPSQ2001" and "FID_INPUT_ISCD_2" in d["msg1"] and "output" not in d, d
' "$WORK/m_rej.json"
multi "$WORK/m_rej_ok.json" "$C1" "$C2" >/dev/null
check "--mq-unknown reject: a batch of known codes answers" $PY -c '
import json, sys; assert len(json.load(open(sys.argv[1]))["output"]) == 2' "$WORK/m_rej_ok.json"

start_sim shuffle 2024-09-20T18:30:00+09:00 --mq-shuffle
multi "$WORK/m_sh.json" "$C1" "$C2" "$C3" >/dev/null
check "--mq-shuffle: the same entries out of request order" $PY -c '
import json, sys
got, final = json.load(open(sys.argv[1]))["output"], json.load(open(sys.argv[2]))["output"]
assert [e["inter_shrn_iscd"] for e in got] != [e["inter_shrn_iscd"] for e in final]
key = lambda e: e["inter_shrn_iscd"]
assert sorted(got, key=key) == sorted(final, key=key)' "$WORK/m_sh.json" "$FINAL"

start_sim object 2024-09-20T18:30:00+09:00 --mq-object
multi "$WORK/m_obj1.json" "$C1" >/dev/null
multi "$WORK/m_obj2.json" "$C1" "$C2" >/dev/null
check "--mq-object: one entry as an object, two as an array" $PY -c '
import json, sys
one, two, final = (json.load(open(p)) for p in sys.argv[1:4])
assert isinstance(one["output"], dict) and one["output"] == final["output"][0]
assert isinstance(two["output"], list) and len(two["output"]) == 2' "$WORK/m_obj1.json" "$WORK/m_obj2.json" "$FINAL"

start_sim units 2024-09-20T18:30:00+09:00 --mq-units 10 --rate 20
multi "$WORK/m_u1.json" "$C1" >/dev/null
multi "$WORK/m_u2.json" "$C1" >/dev/null
multi "$WORK/m_u3.json" "$C1" >/dev/null
check "--mq-units 10 at --rate 20: two batches served, the third in the same second EGW00201" $PY -c '
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:4])
assert a["rt_cd"] == "0" and b["rt_cd"] == "0", (a, b)
assert c["msg_cd"] == "EGW00201", c' "$WORK/m_u1.json" "$WORK/m_u2.json" "$WORK/m_u3.json"
curl -s "$URL/_sim/stats" >"$WORK/stats_units.json"
check "--mq-units: the limiter saw 30 arrivals (max_in_window)" $PY -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert d["max_in_window"][sys.argv[2]] >= 30 and d["rate_limited"] == 1, d' "$WORK/stats_units.json" "$KEY"

start_sim disagree 2024-09-20T18:30:00+09:00 --mq-disagree "$C2:close:100" --mq-disagree "$C2:volume:-7" \
    --mq-disagree "$C3:value:1"
multi "$WORK/m_dis.json" "$C1" "$C2" "$C3" >/dev/null
check "--mq-disagree: chosen codes and fields move by their delta, nothing else" $PY -c '
import json, sys
got, final = json.load(open(sys.argv[1]))["output"], json.load(open(sys.argv[2]))["output"]
diff = {}
for g, f in zip(got, final):
    for k in g:
        if g[k] != f[k]:
            diff[(g["inter_shrn_iscd"], k)] = (int(f[k]), int(g[k])) if k != "prdy_ctrt" and k != "prdy_vrss_sign" else None
c2, c3 = sys.argv[3], sys.argv[4]
assert diff[(c2, "inter2_prpr")][1] - diff[(c2, "inter2_prpr")][0] == 100
assert diff[(c2, "acml_vol")][1] - diff[(c2, "acml_vol")][0] == -7
assert diff[(c3, "acml_tr_pbmn")][1] - diff[(c3, "acml_tr_pbmn")][0] == 1
assert not any(code == sys.argv[5] for code, _ in diff), diff
assert {k for _, k in diff} <= {"inter2_prpr", "acml_vol", "acml_tr_pbmn", "inter2_prdy_vrss", "prdy_ctrt",
                                 "prdy_vrss_sign", "inter2_hgpr", "inter2_lwpr", "inter2_askp", "inter2_bidp"}, diff
' "$WORK/m_dis.json" "$FINAL" "$C2" "$C3" "$C1"

#  --- bad options --------------------------------------------------------------------------
for bad in "--mq-units 0" "--mq-units 31" "--mq-unknown drop" "--mq-disagree 005930:close:0" \
    "--mq-disagree 005930:close" "--mq-disagree 005930:nope:1" "--mq-disagree ../x:close:1" \
    "--mq-disagree :close:1"; do
    # shellcheck disable=SC2086
    check "bad option $bad: usage error" bash -c "timeout 5 '$SIM' --port 0 $bad >/dev/null 2>&1; rc=\$?; [ \$rc = 2 ] || [ \$rc = 1 ]"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
