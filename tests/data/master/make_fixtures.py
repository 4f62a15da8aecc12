#!/usr/bin/env python3
"""Writes the master-file fixtures of tests/unit/test_lister_universe.c (run from this directory).

kospi_code.mst  - CP949, LF: the real 삼성전자 record (kis-open-api.md §6.2); 000040 KR모터스
                  built from its quoted head and flags (관리종목 Y, 영업이익 -00000002) on the
                  삼성전자 tail; 신한지주-like and comma-name records derived the same way; two
                  garbled lines (short record, letters in the market cap).
kosdaq_code.mst - CP949, CRLF, no final newline: the three real KOSDAQ records of §6.2, a blank
                  line and one record whose name is not valid CP949.
nasmst.cod      - CP949, TAB-separated, no header row: the real AAPL line first, a 23-column
                  line, a 26-column line, a line of 5 columns and one with an empty symbol.
"""

SAMSUNG = ("005930   KR7005930003삼성전자                                ST1002700130000 NN5YYY YYNNNNNNN0NNNNNNNY0002690000000100001NNN00NNN000000020Y0900000225170760000000001001975061100000000584627800000000077804668500012       0 NYY00305372900146725200153268211884000031.3920260630015726489511NNN")
KOSDAQ = [
    "247540   KR7247540008에코프로비엠                            ST1100910280000 NY Y    N  0  N    Y0001039000000100001NNN00NNN000000040Y0900000003787260000000005002019030500000000009783000000000004895545400012       0 NY0000118210000003900000001420011700000000320260630000101645LD2NNN",
    "0004Y0   KR70004Y0000디비금융제14호스팩                      ST3101400000000 NN N    Y  0  N    N0000019880000100001NNN00NNN000000100N0900000000042230000000001002025072200000000000531500000000000053150000012       0 NN0000000000000000000000000000000000000000020241231000000105   NNN",
    "001000   KR7001000009신라섬유                                ST3000000000000NNN NNNNNNNN0NNNNNNNN0000017720000100001NNY00NNN000000100N0900000002136620000000005001994062800000000000485500000000000242775400012       0 NN000000037000000004-00000003-0003-0000000220241231000000086   NNN",
]
HEAD = 61


def cp(s):
    return s.encode("cp949")


def head(code, isin, name):
    b = cp(name)
    assert len(b) <= 40
    return code.ljust(9).encode() + isin.encode() + b + b" " * (40 - len(b))


def put(tail, offset, text):
    """Tail offsets as in the reference table."""
    t = bytearray(tail)
    t[offset:offset + len(text)] = text.encode()
    return bytes(t)


sam = cp(SAMSUNG)
assert len(sam) == 288
stail = sam[HEAD:]

krm = put(stail, 0, "ST3002700150000 NN0NNN")
krm = put(krm, 62, "Y")          # 관리종목
krm = put(krm, 161, "N")         # KRX300
krm = put(krm, 172, "-00000002") # 영업이익
krm = put(krm, 212, "000000350") # 시가총액
krmotors = head("000040", "KR7000040006", "KR모터스") + krm

bank = put(stail, 161, "N")
bank = put(bank, 212, "000000900")
shinhan = head("055550", "KR7055550008", "신한지주") + bank

comma = put(stail, 161, "N")
comma = put(comma, 212, "000000012")
commaname = head("999990", "KR7999990009", "가나,다") + comma

short = sam[:200]
lettercap = head("999991", "KR7999991007", "글자시총") + put(stail, 212, "0000A0123")

kospi = [sam, krmotors, shinhan, commaname, short, lettercap]
for r in (sam, krmotors, shinhan, commaname, lettercap):
    assert len(r) == 288
with open("kospi_code.mst", "wb") as f:
    f.write(b"".join(r + b"\n" for r in kospi))

kq = [cp(s) for s in KOSDAQ]
for r in kq:
    assert len(r) == 282
badname = kq[2][:21] + b"\xff\xfe" + kq[2][23:]
with open("kosdaq_code.mst", "wb") as f:
    f.write(b"\r\n".join([kq[0], b"", badname, kq[1], kq[2]]))

AAPL = "US\t22\tNAS\t나스닥\tAAPL\tNASAAPL\t애플\tAPPLE INC\t2\tUSD\t4\t\t267.4600\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   "
assert AAPL.count("\t") == 23
cols23 = "US\t22\tNAS\t나스닥\tMSFT\tNASMSFT\t마이크로소프트\tMICROSOFT CORP\t2\tUSD\t4\t\t510.1000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   "
cols26 = "US\t22\tNAS\t나스닥\tQQQ \tNASQQQ\t인베스코 QQQ\tINVESCO QQQ TRUST, SERIES 1\t3\tUSD\t4\t\t600.0000\t1\t1\t930\t1600\tN\t\t0\t0\t0\t001\t   \textra\tmore"
five = "US\t22\tNAS\t나스닥\tBAD"
nosym = "US\t22\tNAS\t나스닥\t   \tNAS\t없음\tNONE\t2\tUSD\t4"
assert cols23.count("\t") == 22 and cols26.count("\t") == 25
with open("nasmst.cod", "wb") as f:
    f.write(b"".join(cp(l) + b"\n" for l in [AAPL, cols23, five, cols26, nosym]))
