#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/{mst,cod,kis,wiki,config} (run from anywhere).

The seeds are cut from the unit tests' fixtures (tests/data/), which run_fuzz.sh
adds to each corpus whole (so they are not copied here): single records
where a fixture holds several, plus a few edge cases each: empty input, blank
lines, CRLF, a missing final newline, blank optional fields, a name or line that
is not CP949, a non-JSON gateway page, a truncated body, nested and spanning
HTML tables; config files (a first byte that picks the file's mode, then the
file, then after a NUL a value for eod_config_set) with every kind of error the
loader reports. corpus/proto holds one encoded message per type, written by other
means; here only its edge_* seeds are (re)written: an empty frame, a wrong
version, trailing and missing bytes, counts far beyond the frame. Every seed
stays under 8 KiB and every corpus under 30 files.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
CORPUS = os.path.join(HERE, "corpus")
SEED_MAX = 8 * 1024
FILES_MAX = 30


def read(*parts):
    with open(os.path.join(DATA, *parts), "rb") as f:
        return f.read()


def put(record, offset, text):
    """Overwrites record bytes at an absolute offset."""
    b = bytearray(record)
    b[offset:offset + len(text)] = text
    return bytes(b)


def write(target, seeds):
    out = os.path.join(CORPUS, target)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    assert len(seeds) < FILES_MAX, target
    for name, data in seeds.items():
        assert len(data) < SEED_MAX, name
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def proto_edges():
    """Adds edge-case frames to corpus/proto, keeping its other seeds."""
    out = os.path.join(CORPUS, "proto")
    heartbeat = open(os.path.join(out, "heartbeat.msgpack"), "rb").read()
    assert heartbeat[:6] == b"\x83\xa1v\x01\xa1t"
    edges = {
        "edge_empty.msgpack": b"",
        "edge_version2.msgpack": heartbeat[:3] + b"\x02" + heartbeat[4:],
        "edge_trailing.msgpack": heartbeat + b"\xc0",
        "edge_truncated.msgpack": heartbeat[:-3],
        "edge_map32_count.msgpack": b"\xdf\xff\xff\xff\xff\xa1v\x01",
        "edge_str32_length.msgpack": b"\x82\xa1v\x01\xa1t\xdb\xff\xff\xff\xffEND",
        "edge_unknown_type.msgpack": b"\x82\xa1v\x01\xa1t\xa4NOPE",
        "edge_not_a_map.msgpack": b"\x93\x01\x02\x03",
    }
    for old in os.listdir(out):
        if old.startswith("edge_"):
            os.remove(os.path.join(out, old))
    assert len(os.listdir(out)) + len(edges) < FILES_MAX
    for name, data in edges.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def mst():
    kospi = read("master", "kospi_code.mst").split(b"\n")
    kosdaq = read("master", "kosdaq_code.mst").split(b"\r\n")
    samsung, krmotors = kospi[0], kospi[1]
    ecopro, spac, negative = kosdaq[0], kosdaq[3], kosdaq[4]
    assert len(samsung) == 288 and len(ecopro) == 282
    # KOSPI layout offsets (common/sources/master_mst.c): listing date 166, revenue 224,
    # operating profit 233, net income 251, ROE 256, base date 265, market cap 273.
    blanks = samsung
    for offset, width in ((166, 8), (224, 9), (233, 9), (251, 5), (256, 9), (265, 8), (273, 9)):
        blanks = put(blanks, offset, b" " * width)
    return {
        "kospi_samsung.mst": samsung + b"\n",
        "kospi_krmotors.mst": krmotors + b"\n",
        "kospi_no_newline.mst": samsung,
        "kospi_crlf_two.mst": samsung + b"\r\n" + krmotors + b"\r\n",
        "kospi_blank_fields.mst": blanks + b"\n",
        "kospi_fraction.mst": put(samsung, 256, b"-00001.50") + b"\n",
        "kospi_bad_flag.mst": put(samsung, 121, b"X") + b"\n",
        "kospi_short.mst": samsung[:200] + b"\n",
        "kospi_nonascii_tail.mst": put(samsung, 100, b"\xb0\xa1") + b"\n",
        "kosdaq_ecopro.mst": ecopro + b"\r\n",
        "kosdaq_spac.mst": spac + b"\r\n",
        "kosdaq_negative.mst": negative + b"\r\n",
        "kosdaq_bad_name.mst": kosdaq[2] + b"\r\n",
        "blank_lines.mst": b"\n\r\n   \n\r\n",
        "empty.mst": b"",
    }


def cod():
    lines = read("master", "nasmst.cod").split(b"\n")
    aapl, msft, five, qqq, nosym = lines[:5]
    brk = aapl.replace(b"AAPL", b"BRK.B").replace(b"APPLE INC", b"BERKSHIRE HATHAWAY INC")
    return {
        "aapl.cod": aapl + b"\n",
        "msft_23_columns.cod": msft + b"\n",
        "qqq_26_columns.cod": qqq + b"\n",
        "five_columns.cod": five + b"\n",
        "empty_symbol.cod": nosym + b"\n",
        "class_share.cod": brk + b"\n",
        "crlf_no_newline.cod": aapl + b"\r\n" + msft,
        "bad_cp949.cod": aapl.replace(b"AAPL\t", b"AAPL\t\xff\xfe", 1) + b"\n",
        "control_byte.cod": aapl.replace(b"APPLE", b"APP\x01LE") + b"\n",
        "blank_lines.cod": b"\n \n\r\n",
        "empty.cod": b"",
    }


def kis():
    seeds = {}
    chart = read("kis", "chart_portal.json")
    seeds.update({
        "chart_truncated.json": chart[:len(chart) // 2],
        "chart_bom.json": b"\xef\xbb\xbf" + read("kis", "chart_holiday_range.json"),
        "chart_output2_not_array.json": b'{"rt_cd":"0","msg_cd":"MCA00000","msg1":"ok",'
                                        b'"output1":[],"output2":{"stck_bsop_date":"20260105"}}',
        "overseas_nrec_bad.json": b'{"rt_cd":"0","output1":{"rsym":"DNASX","nrec":"two"},'
                                  b'"output2":[{"xymd":" 20260105 ","clos":1.5},{"xymd":""},7]}',
        "token_oauth_error.json": b'{"error_description":"\xec\x9c\xa0\xed\x9a\xa8\xed\x95\x98\xec\xa7\x80 '
                                  b'\xec\x95\x8a\xec\x9d\x80 AppKey","error_code":"EGW00103"}',
        "holiday_long_ctx.json": b'{"rt_cd":"0","ctx_area_fk":"' + b"9" * 300 + b'","output":[]}',
        "holiday_odd_days.json": b'{"rt_cd":"0","output":[{"bass_dt":"2026-01-05","opnd_yn":"Y"},'
                                 b'{"bass_dt":20260106,"opnd_yn":"X"},null,{"bass_dt":"20260107"}]}',
        "gateway.html": b"<html><body><h1>502 Bad Gateway</h1></body></html>\r\n",
        "array.json": b"[]",
        "empty.json": b"",
        "kst_time.txt": b"2026-07-10 09:15:33",
    })
    return seeds


def wiki():
    seeds = {}
    seeds.update({
        "minimal.html": b"<table><tr><th>Symbol</th><th>Security</th></tr>"
                        b"<tr><td>MMM</td><td>3M</td></tr></table>",
        "thead_colspan.html": b"<table><thead><tr><th colspan=2>Ticker</th><th>Company[1]</th>"
                              b"<th>GICS Sector</th></tr></thead><tbody><tr><td>A</td><td>x</td>"
                              b"<td>Agilent&nbsp;<sup class=\"reference\">[2]</sup></td><td>Health</td></tr>"
                              b"<tr><td colspan=99></td><td>no symbol</td></tr></tbody></table>",
        "nested.html": b"<table><tr><td><table><tr><th>Ticker</th><th>Company</th></tr>"
                       b"<tr><th scope=row>1</th><td>AAPL <span class=sortkey>zz</span></td>"
                       b"<td>Apple\xc2\xa0Inc. [a]</td></tr></table></td></tr></table>",
        "hidden.html": b"<table><tr><th>Symbol<style>x</style></th><th>Security</th></tr>"
                       b"<tr><td><span style=\"Display : none\">old</span>BF.B</td>"
                       b"<td>Brown\xe2\x80\xafForman<script>1</script> [note 2]</td></tr></table>",
        "not_html.bin": b"\x00\x01\x02PK\x03\x04",
        "empty_body.html": b"<html></html>",
    })
    return seeds


def config():
    """Seeds of fuzz_config: byte 0 picks the mode (odd: 0644) and a key; a NUL ends the file."""
    ok = (b"[kis]\nenv = live\nlive_url = https://openapi.koreainvestment.com:9443\nrate = 20\n"
          b"keys = second\n[second]\nkey = k2\nsecret_key = s2\n[s3]\nbucket = eod-demo\nprefix = eod/\n"
          b"key_template = {market}/{yyyy}/{mm}/{dd}/{file}\n[schedule]\nkr_time = 18:00\nmarkets = kr, us\n")
    return {
        "ok.ini": b"\x00" + ok + b"\x00eod/prices/",
        "ok_open.ini": b"\x01" + ok,
        "demo.ini": b"\x01[LIVE_APP]\nkey = PSsim\nsecret_key = sim\n[kis]\nlive_url = http://127.0.0.1:18080\n"
                    b"[pipeline]\ndemo_keys = true\n",
        "errors.ini": b"\x02[kis]\nrate = fast\n[pipelin]\nfetchers = 3\n[schedule]\nkr_time = 25:99\n"
                      b"markets = xx\n[s3]\nprefix = ../x\nbucket = My_Bucket\nendpoint = http://s3.example.com\n"
                      b"[slack]\nchannel = #eod\n[kis]\nrate = 30\n\x0018:61",
        "syntax.ini": b"\x04key = early\n[open\nno equals\n[a]b]\n = empty key\nx = \"quoted ; value\"\n",
        "continued.ini": b"\x06[us]\ndate = 2024-\\\n02-30\nsp500_url = https://en.wikipedia.org/wiki/%zz\n",
        "paths.ini": b"\x08[pipeline]\nstate_dir = " + b"d" * 700 + b"\ndata_dir = ${state_dir}/../data\n",
        "utf8.ini": b"\x0a[filter]\nkospi_name_pattern = \xc0\xaf|\xed\xa0\x80|\xff\n",
        "empty.ini": b"\x00",
        "comments.ini": b"\x00; nothing\n# at all\n",
    }


if __name__ == "__main__":
    proto_edges()
    write("mst", mst())
    write("cod", cod())
    write("kis", kis())
    write("wiki", wiki())
    write("config", config())
