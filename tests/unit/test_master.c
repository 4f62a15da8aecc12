/*  test_master — the master-file module (common/sources/eod_master) and the lister's
    dumps and KR universe filter (stages/lister/dump, universe).

    Real KOSPI/KOSDAQ records from kis-open-api.md §6.2 are converted to CP949
    here and must decode to the values the reference lists; garbled records are
    counted and skipped around good ones; the .cod parser keeps its first line;
    the fixtures in tests/data/master (made by make_fixtures.py) feed the
    dumps. The streaming reader must give what the whole-buffer parse gives
    for any split of the bytes (records across chunks, CRLF split, a
    truncated last record, an overlong line) and say where a garbled record
    was; it reads zips from disk. The lister's code set, spool and run id
    are checked here too. */
#include "eod_test.h"

#include "codes.h"
#include "dump.h"
#include "eod_log.h"
#include "eod_master.h"
#include "eod_util.h"
#include "lister.h"
#include "spool.h"
#include "universe.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#define FIXTURES EOD_SOURCE_DIR "/tests/data/master"
#define MAX_RECORDS 16

//  Real records, UTF-8 here, CP949 after s_cp949 (288 / 282 bytes).
static const char *samsung =
    "005930   KR7005930003삼성전자                                ST1002700130000 NN5YYY YYNNNNNNN0NNNNNNNY0002690000000100001NNN00NNN000000020Y0900000225170760000000001001975061100000000584627800000000077804668500012       0 NYY00305372900146725200153268211884000031.3920260630015726489511NNN";
static const char *ecopro =
    "247540   KR7247540008에코프로비엠                            ST1100910280000 NY Y    N  0  N    Y0001039000000100001NNN00NNN000000040Y0900000003787260000000005002019030500000000009783000000000004895545400012       0 NY0000118210000003900000001420011700000000320260630000101645LD2NNN";
static const char *spac =
    "0004Y0   KR70004Y0000디비금융제14호스팩                      ST3101400000000 NN N    Y  0  N    N0000019880000100001NNN00NNN000000100N0900000000042230000000001002025072200000000000531500000000000053150000012       0 NN0000000000000000000000000000000000000000020241231000000105   NNN";
static const char *silla =
    "001000   KR7001000009신라섬유                                ST3000000000000NNN NNNNNNNN0NNNNNNNN0000017720000100001NNY00NNN000000100N0900000002136620000000005001994062800000000000485500000000000242775400012       0 NN000000037000000004-00000003-0003-0000000220241231000000086   NNN";
static const char *aapl =
    "US\t22\tNAS\t나스닥\tAAPL\tNASAAPL\t애플\tAPPLE INC\t2\tUSD\t4\t\t267.4600\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   ";

//  Converts UTF-8 text to a new CP949 string (caller frees).
static char *
s_cp949 (const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1)
        return NULL;
    size_t inleft = strlen (utf8), outsize = inleft + 1, outleft = inleft;
    char *out = malloc (outsize);
    char *in = (char *) utf8, *outp = out;
    if (!out || iconv (cd, &in, &inleft, &outp, &outleft) == (size_t) -1) {
        free (out);
        out = NULL;
    }
    else {
        *outp = '\0';
        *len = (size_t) (outp - out);
    }
    iconv_close (cd);
    return out;
}

//  Growable byte buffer of CP949 records.
typedef struct {
    char data [8192];
    size_t len;
} buf_t;

static void
s_add (buf_t *b, const void *bytes, size_t n)
{
    if (b->len + n <= sizeof (b->data)) {
        memcpy (b->data + b->len, bytes, n);
        b->len += n;
    }
}

static void
s_add_text (buf_t *b, const char *text)
{
    s_add (b, text, strlen (text));
}

//  Adds a UTF-8 record converted to CP949; returns its CP949 length.
static size_t
s_add_record (buf_t *b, const char *utf8)
{
    size_t n = 0;
    char *bytes = s_cp949 (utf8, &n);
    if (bytes)
        s_add (b, bytes, n);
    free (bytes);
    return n;
}

typedef struct {
    eod_master_record_t rec [MAX_RECORDS];
    size_t count;
} seen_t;

static int
s_collect (const eod_master_record_t *rec, void *arg)
{
    seen_t *seen = arg;
    if (seen->count < MAX_RECORDS)
        seen->rec [seen->count++] = *rec;
    return 0;
}

static void
test_kospi_real (void)
{
    buf_t b = { .len = 0 };
    CHECK_INT (s_add_record (&b, samsung), EOD_MASTER_KOSPI_RECORD_LEN);
    s_add_text (&b, "\n");
    seen_t seen = { .count = 0 };
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, b.data, b.len, "kospi_code.mst",
                                 s_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 1);
    CHECK_INT (stats.garbled, 0);
    CHECK_INT (seen.count, 1);
    const eod_master_record_t *r = &seen.rec [0];
    CHECK_STR (r->short_code, "005930");
    CHECK_STR (r->standard_code, "KR7005930003");
    CHECK_STR (r->name, "삼성전자");
    CHECK_STR (r->group_code, "ST");
    CHECK_INT (r->market_cap, 15726489);
    CHECK (r->krx300);
    CHECK (!r->kosdaq150);
    CHECK (!r->spac);
    CHECK (!r->suspended);
    CHECK (!r->administrative);
    CHECK_STR (r->etp_code, "");
    CHECK_STR (r->listing_date, "19750611");
    CHECK_STR (r->base_date, "20260630");
    CHECK_STR (r->revenue, "3053729");
    CHECK_STR (r->operating_profit, "1467252");
    CHECK_STR (r->net_income, "11884");
    CHECK_STR (r->roe, "31.39");
    CHECK_INT (strlen (r->tail), 227);
    CHECK (strncmp (r->tail, "ST1002700130000", 15) == 0);
    CHECK_INT (r->line, 1);
}

static void
test_kosdaq_real (void)
{
    buf_t b = { .len = 0 };
    CHECK_INT (s_add_record (&b, ecopro), EOD_MASTER_KOSDAQ_RECORD_LEN);
    s_add_text (&b, "\n");
    CHECK_INT (s_add_record (&b, spac), EOD_MASTER_KOSDAQ_RECORD_LEN);
    s_add_text (&b, "\n");
    CHECK_INT (s_add_record (&b, silla), EOD_MASTER_KOSDAQ_RECORD_LEN);
    s_add_text (&b, "\n");
    seen_t seen = { .count = 0 };
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "kosdaq_code.mst",
                                 s_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 3);
    CHECK_INT (stats.garbled, 0);
    if (seen.count != 3) {
        CHECK_INT (seen.count, 3);
        return;
    }
    const eod_master_record_t *e = &seen.rec [0];
    CHECK_STR (e->short_code, "247540");
    CHECK_STR (e->name, "에코프로비엠");
    CHECK_STR (e->group_code, "ST");
    CHECK_INT (e->market_cap, 101645);
    CHECK (e->krx300);
    CHECK (e->kosdaq150);
    CHECK (!e->spac);
    CHECK_STR (e->listing_date, "20190305");
    CHECK_STR (e->revenue, "11821");
    CHECK_STR (e->operating_profit, "390");
    CHECK_STR (e->net_income, "117");
    CHECK_STR (e->roe, "3");

    const eod_master_record_t *s = &seen.rec [1];
    CHECK_STR (s->short_code, "0004Y0");
    CHECK_STR (s->standard_code, "KR70004Y0000");
    CHECK_STR (s->name, "디비금융제14호스팩");
    CHECK (s->spac);
    CHECK (!s->krx300);
    CHECK (!s->kosdaq150);
    CHECK_INT (s->market_cap, 105);
    CHECK_STR (s->revenue, "0");
    CHECK_STR (s->roe, "0");
    CHECK_STR (s->listing_date, "20250722");

    const eod_master_record_t *l = &seen.rec [2];
    CHECK_STR (l->short_code, "001000");
    CHECK_STR (l->name, "신라섬유");
    CHECK (l->administrative);
    CHECK (!l->suspended);
    CHECK_INT (l->market_cap, 86);
    CHECK_STR (l->revenue, "37");
    CHECK_STR (l->operating_profit, "4");
    CHECK_STR (l->net_income, "-3");
    CHECK_STR (l->roe, "-2");
    CHECK_STR (l->base_date, "20241231");
    CHECK_INT (l->line, 3);
}

//  Garbled records between good ones; CRLF; blank line; no final newline.
static void
test_kosdaq_garbled (void)
{
    size_t n = 0;
    char *good = s_cp949 (ecopro, &n);
    CHECK (good != NULL);
    if (!good)
        return;
    buf_t b = { .len = 0 };
    s_add_record (&b, spac);                    //  line 1: good
    s_add_text (&b, "\r\n");
    s_add (&b, good, 200);                      //  line 2: short line
    s_add_text (&b, "\r\n");
    char bad [EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, good, n);
    memcpy (bad + 267, "00010A645", 9);        //  line 3: letter in the market cap
    s_add (&b, bad, n);
    s_add_text (&b, "\r\n");
    s_add_text (&b, "\r\n");                    //  line 4: blank
    memcpy (bad, good, n);
    bad [21] = (char) 0xff;                     //  line 5: name not valid CP949
    bad [22] = (char) 0xfe;
    s_add (&b, bad, n);
    s_add_text (&b, "\r\n");
    s_add_record (&b, silla);                   //  line 6: good
    s_add_text (&b, "\r\n");
    memcpy (bad, good, n);
    bad [217] = 'X';                            //  line 7: KRX300 flag not Y/N
    s_add (&b, bad, n);
    s_add_text (&b, "\r\n");
    s_add (&b, good, n);                        //  line 8: good, no final newline
    free (good);

    seen_t seen = { .count = 0 };
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "garbled.mst",
                                 s_collect, &seen, &stats), 0);
    CHECK_INT (stats.lines, 8);
    CHECK_INT (stats.blank, 1);
    CHECK_INT (stats.records, 3);
    CHECK_INT (stats.garbled, 4);
    CHECK_INT (seen.count, 3);
    if (seen.count == 3) {
        CHECK_STR (seen.rec [0].short_code, "0004Y0");
        CHECK_INT (seen.rec [0].line, 1);
        CHECK_STR (seen.rec [1].short_code, "001000");
        CHECK_INT (seen.rec [1].line, 6);
        CHECK_STR (seen.rec [2].short_code, "247540");
        CHECK_INT (seen.rec [2].market_cap, 101645);
        CHECK_INT (seen.rec [2].line, 8);
    }
    //  A KOSDAQ record read as KOSPI has the wrong length.
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, b.data, b.len, "as-kospi.mst",
                                 s_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 0);
    CHECK_INT (stats.garbled, 7);
    //  Empty input is fine.
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, "", 0, "empty.mst", s_collect, &seen,
                                 &stats), 0);
    CHECK_INT (stats.records, 0);
    CHECK_INT (stats.lines, 0);
}

static int
s_stop (const eod_master_record_t *rec, void *arg)
{
    (*(int *) arg)++;
    return 1;
}

static void
test_callback_stops (void)
{
    buf_t b = { .len = 0 };
    s_add_record (&b, ecopro);
    s_add_text (&b, "\n");
    s_add_record (&b, silla);
    int calls = 0;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "stop.mst", s_stop,
                                 &calls, NULL), -1);
    CHECK_INT (calls, 1);
}

//  A record with just the fields the filter reads.
static eod_master_record_t
s_rec (const char *group, long long cap, bool krx300, bool kosdaq150, const char *name)
{
    eod_master_record_t r;
    memset (&r, 0, sizeof (r));
    snprintf (r.group_code, sizeof (r.group_code), "%s", group);
    snprintf (r.name, sizeof (r.name), "%s", name);
    r.market_cap = cap;
    r.krx300 = krx300;
    r.kosdaq150 = kosdaq150;
    return r;
}

static void
test_filter (void)
{
    lister_kr_filter_t f;
    lister_kr_filter_defaults (&f);
    CHECK_INT (f.kospi_min_cap, 4000);
    CHECK_INT (f.kosdaq_min_cap, 4000);
    CHECK_STR (f.kospi_name_pattern, "은행|금융|신한|카카오뱅크");
    CHECK_STR (f.kospi_extra_groups, "RT,IF");
    CHECK (f.kospi_krx300 && f.kosdaq_krx300 && f.kosdaq_kosdaq150);

    eod_master_record_t r;
    const eod_master_kind_t P = EOD_MASTER_KOSPI, Q = EOD_MASTER_KOSDAQ;
    //  KOSPI: cap threshold is inclusive.
    r = s_rec ("ST", 4000, false, false, "대형주");
    CHECK (lister_kr_selects (&f, P, &r));
    r = s_rec ("ST", 3999, false, false, "중형주");
    CHECK (!lister_kr_selects (&f, P, &r));
    //  KRX300 alone.
    r = s_rec ("ST", 10, true, false, "지수종목");
    CHECK (lister_kr_selects (&f, P, &r));
    f.kospi_krx300 = false;
    CHECK (!lister_kr_selects (&f, P, &r));
    f.kospi_krx300 = true;
    //  KOSDAQ150 means nothing on KOSPI.
    r = s_rec ("ST", 10, false, true, "지수종목");
    CHECK (!lister_kr_selects (&f, P, &r));
    //  Name alternatives, as substrings.
    r = s_rec ("ST", 10, false, false, "신한지주");
    CHECK (lister_kr_selects (&f, P, &r));
    r = s_rec ("ST", 10, false, false, "제주은행");
    CHECK (lister_kr_selects (&f, P, &r));
    r = s_rec ("ST", 10, false, false, "카카오뱅크");
    CHECK (lister_kr_selects (&f, P, &r));
    r = s_rec ("ST", 10, false, false, "카카오");
    CHECK (!lister_kr_selects (&f, P, &r));
    f.kospi_name_pattern = "";
    r = s_rec ("ST", 10, false, false, "신한지주");
    CHECK (!lister_kr_selects (&f, P, &r));
    f.kospi_name_pattern = NULL;
    CHECK (!lister_kr_selects (&f, P, &r));
    lister_kr_filter_defaults (&f);
    //  Name rule only for group ST.
    r = s_rec ("EF", 10, false, false, "KODEX 은행");
    CHECK (!lister_kr_selects (&f, P, &r));
    //  ETFs are out whatever their size; REITs and infra funds are in whatever theirs.
    r = s_rec ("EF", 90000, true, false, "KODEX 200");
    CHECK (!lister_kr_selects (&f, P, &r));
    r = s_rec ("RT", 0, false, false, "리츠");
    CHECK (lister_kr_selects (&f, P, &r));
    r = s_rec ("IF", 0, false, false, "인프라");
    CHECK (lister_kr_selects (&f, P, &r));
    f.kospi_extra_groups = " IF , DR";
    r = s_rec ("RT", 0, false, false, "리츠");
    CHECK (!lister_kr_selects (&f, P, &r));
    r = s_rec ("DR", 0, false, false, "예탁증서");
    CHECK (lister_kr_selects (&f, P, &r));
    lister_kr_filter_defaults (&f);
    //  KOSDAQ: cap, KRX300, KOSDAQ150; no name rule, no extra groups.
    r = s_rec ("ST", 4000, false, false, "코스닥대형");
    CHECK (lister_kr_selects (&f, Q, &r));
    r = s_rec ("ST", 3999, false, false, "코스닥중형");
    CHECK (!lister_kr_selects (&f, Q, &r));
    r = s_rec ("ST", 10, true, false, "x");
    CHECK (lister_kr_selects (&f, Q, &r));
    f.kosdaq_krx300 = false;
    CHECK (!lister_kr_selects (&f, Q, &r));
    r = s_rec ("ST", 10, false, true, "x");
    CHECK (lister_kr_selects (&f, Q, &r));
    f.kosdaq_kosdaq150 = false;
    CHECK (!lister_kr_selects (&f, Q, &r));
    lister_kr_filter_defaults (&f);
    r = s_rec ("ST", 10, false, false, "은행");
    CHECK (!lister_kr_selects (&f, Q, &r));
    r = s_rec ("RT", 0, false, false, "리츠");
    CHECK (!lister_kr_selects (&f, Q, &r));
    f.kosdaq_min_cap = 100;
    r = s_rec ("ST", 105, false, false, "스팩");
    CHECK (lister_kr_selects (&f, Q, &r));
    lister_kr_filter_defaults (&f);

    //  The real records: 에코프로비엠 in, the small SPAC and 신라섬유 out.
    buf_t b = { .len = 0 };
    s_add_record (&b, ecopro);
    s_add_text (&b, "\n");
    s_add_record (&b, spac);
    s_add_text (&b, "\n");
    s_add_record (&b, silla);
    seen_t seen = { .count = 0 };
    eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "kosdaq", s_collect, &seen, NULL);
    CHECK_INT (seen.count, 3);
    if (seen.count == 3) {
        CHECK (lister_kr_selects (&f, Q, &seen.rec [0]));
        CHECK (!lister_kr_selects (&f, Q, &seen.rec [1]));
        CHECK (!lister_kr_selects (&f, Q, &seen.rec [2]));
    }
}

//  .cod records as seen by the callback, copied.
typedef struct {
    size_t count;
    char symbol [MAX_RECORDS][32];
    char excd [MAX_RECORDS][8];
    size_t columns [MAX_RECORDS];
    size_t line [MAX_RECORDS];
    eod_cod_record_t first;
    char first_names [4][64];
} cod_seen_t;

static int
s_cod_collect (const eod_cod_record_t *rec, void *arg)
{
    cod_seen_t *seen = arg;
    if (seen->count == 0) {
        seen->first = *rec;
        snprintf (seen->first_names [0], 64, "%s", rec->exchange_name);
        snprintf (seen->first_names [1], 64, "%s", rec->korea_name);
        snprintf (seen->first_names [2], 64, "%s", rec->english_name);
        snprintf (seen->first_names [3], 64, "%s|%s|%s|%s|%s|%s", rec->national_code,
                  rec->exchange_id, rec->realtime_symbol, rec->security_type,
                  rec->currency, rec->etp_kind);
    }
    if (seen->count < MAX_RECORDS) {
        snprintf (seen->symbol [seen->count], 32, "%s", rec->symbol);
        snprintf (seen->excd [seen->count], 8, "%s", rec->exchange_code);
        seen->columns [seen->count] = rec->columns;
        seen->line [seen->count] = rec->line;
        seen->count++;
    }
    return 0;
}

static void
test_cod (void)
{
    buf_t b = { .len = 0 };
    s_add_record (&b, aapl);                                                 //  1: first line is a record
    s_add_text (&b, "\n");
    s_add_record (&b, "US\t11\tNYS\t뉴욕\t A \tNYSA\t애질런트\tAGILENT\t2\tUSD\t4\t\t120.0\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   ");
    s_add_text (&b, "\r\n");                                                 //  2: 23 columns, CRLF
    s_add_text (&b, "US\t22\tNAS\tX\tBAD\n");                                //  3: 5 columns
    s_add_record (&b, "US\t22\tNAS\t나스닥\tQQQ\tNASQQQ\t큐\tINVESCO QQQ\t3\tUSD\t4\t\t600\t1\t1\t930\t1600\tN\t\t0\t0\t0\t001\t   \tx\ty");
    s_add_text (&b, "\n\n");                                                 //  4: 26 columns, 5: blank
    s_add_text (&b, "US\t22\tNAS\tX\t  \tNAS\tK\tE\t2\tUSD\n");              //  6: empty symbol
    s_add_text (&b, "US\t22\tNAS\t\xff\xff\tBRK\tNASBRK\tK\tE\t2\tUSD\n");   //  7: not CP949
    s_add_text (&b, "US\t11\tNYS\tNY\tBRK/B\tNYSBRK/B\tK\tBERKSHIRE\t2\tUSD"); //  8: no final newline
    cod_seen_t seen;
    memset (&seen, 0, sizeof (seen));
    eod_master_stats_t stats;
    CHECK_INT (eod_cod_parse (b.data, b.len, "NASMST.COD", s_cod_collect, &seen, &stats), 0);
    CHECK_INT (stats.lines, 8);
    CHECK_INT (stats.blank, 1);
    CHECK_INT (stats.records, 4);
    CHECK_INT (stats.garbled, 3);
    CHECK_INT (seen.count, 4);
    CHECK_STR (seen.symbol [0], "AAPL");
    CHECK_INT (seen.line [0], 1);
    CHECK_INT (seen.columns [0], 24);
    CHECK_STR (seen.excd [0], "NAS");
    CHECK_STR (seen.first_names [0], "나스닥");
    CHECK_STR (seen.first_names [1], "애플");
    CHECK_STR (seen.first_names [2], "APPLE INC");
    CHECK_STR (seen.first_names [3], "US|22|NASAAPL|2|USD|");
    CHECK_STR (seen.symbol [1], "A");
    CHECK_STR (seen.excd [1], "NYS");
    CHECK_INT (seen.columns [1], 23);
    CHECK_STR (seen.symbol [2], "QQQ");
    CHECK_INT (seen.columns [2], 26);
    CHECK_INT (seen.line [2], 4);
    CHECK_STR (seen.symbol [3], "BRK/B");
    CHECK_INT (seen.line [3], 8);
    CHECK_INT (seen.columns [3], 10);
}

static void
test_symbols (void)
{
    char out [16];
    eod_us_symbol_to_kis ("BRK.B", out, sizeof (out));
    CHECK_STR (out, "BRK/B");
    eod_us_symbol_to_kis ("BF-B", out, sizeof (out));
    CHECK_STR (out, "BF/B");
    eod_us_symbol_to_kis ("BF.B", out, sizeof (out));
    CHECK_STR (out, "BF/B");
    eod_us_symbol_to_kis (" brk.a\n", out, sizeof (out));
    CHECK_STR (out, "BRK/A");
    eod_us_symbol_to_kis ("aapl", out, sizeof (out));
    CHECK_STR (out, "AAPL");
    eod_us_symbol_to_kis ("A", out, sizeof (out));
    CHECK_STR (out, "A");
    eod_us_symbol_to_kis ("^GSPC", out, sizeof (out));
    CHECK_STR (out, "^GSPC");
    eod_us_symbol_to_kis ("BRK/B", out, sizeof (out));
    CHECK_STR (out, "BRK/B");
    eod_us_symbol_to_kis ("-B", out, sizeof (out));
    CHECK_STR (out, "-B");
    eod_us_symbol_to_kis ("ABC.DE", out, sizeof (out));
    CHECK_STR (out, "ABC.DE");
    eod_us_symbol_to_kis ("GOOGL", out, 4);
    CHECK_STR (out, "GOO");
    out [0] = 'x';
    eod_us_symbol_to_kis ("GOOGL", out, 0);
    CHECK (out [0] == 'x');
}

//  Builds a zip archive in memory holding one entry; returns a new buffer.
static char *
s_make_zip (const char *entry, const void *data, size_t len, size_t *ziplen)
{
    zip_error_t ze;
    zip_error_init (&ze);
    char *bytes = NULL;
    zip_source_t *dst = zip_source_buffer_create (NULL, 0, 0, &ze);
    if (!dst)
        goto out;
    zip_source_keep (dst);
    zip_t *za = zip_open_from_source (dst, ZIP_TRUNCATE, &ze);
    if (!za) {
        zip_source_free (dst);
        dst = NULL;
        goto out;
    }
    zip_source_t *content = zip_source_buffer_create (data, len, 0, &ze);
    if (!content || zip_file_add (za, entry, content, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free (content);
        zip_discard (za);
        goto out;
    }
    if (zip_close (za) < 0) {
        zip_discard (za);
        goto out;
    }
    if (zip_source_open (dst) < 0)
        goto out;
    zip_source_seek (dst, 0, SEEK_END);
    zip_int64_t size = zip_source_tell (dst);
    zip_source_seek (dst, 0, SEEK_SET);
    bytes = size > 0 ? malloc ((size_t) size) : NULL;
    if (bytes && zip_source_read (dst, bytes, (zip_uint64_t) size) == size)
        *ziplen = (size_t) size;
    else {
        free (bytes);
        bytes = NULL;
    }
    zip_source_close (dst);
out:
    if (dst)
        zip_source_free (dst);
    zip_error_fini (&ze);
    return bytes;
}

static void
test_unzip (void)
{
    const char *content = "US\t22\tNAS\tX\tAAPL\tNASAAPL\tK\tAPPLE INC\t2\tUSD\n";
    size_t ziplen = 0;
    char *zip = s_make_zip ("NASMST.COD", content, strlen (content), &ziplen);
    CHECK (zip != NULL);
    if (!zip)
        return;
    char *out = NULL;
    size_t outlen = 0;
    char err [256];
    CHECK_INT (eod_master_unzip (zip, ziplen, "nasmst.cod", &out, &outlen, err, sizeof (err)), 0);
    CHECK_INT (outlen, strlen (content));
    CHECK_STR (out, content);
    free (out);
    CHECK_INT (eod_master_unzip (zip, ziplen, "kospi_code.mst", &out, &outlen, err,
                                 sizeof (err)), -1);
    CHECK (out == NULL);
    CHECK (strstr (err, "no entry") != NULL);
    CHECK (strstr (err, "NASMST.COD") != NULL);
    CHECK_INT (eod_master_unzip ("not a zip at all", 16, "x.mst", &out, &outlen, err,
                                 sizeof (err)), -1);
    CHECK (strstr (err, "not a zip") != NULL);
    //  A truncated archive.
    CHECK_INT (eod_master_unzip (zip, ziplen / 2, "nasmst.cod", &out, &outlen, err,
                                 sizeof (err)), -1);
    free (zip);

    //  One byte over the cap (zeros compress to almost nothing).
    size_t big = EOD_MASTER_UNZIP_MAX + 1;
    char *zeros = calloc (1, big);
    CHECK (zeros != NULL);
    if (!zeros)
        return;
    zip = s_make_zip ("kospi_code.mst", zeros, big, &ziplen);
    free (zeros);
    CHECK (zip != NULL);
    if (!zip)
        return;
    CHECK (ziplen < big / 100);
    CHECK_INT (eod_master_unzip (zip, ziplen, "KOSPI_CODE.MST", &out, &outlen, err,
                                 sizeof (err)), -1);
    CHECK (out == NULL);
    CHECK (strstr (err, "cap") != NULL);
    free (zip);
}


//  --------------------------------------------------------------------------
//  Streaming

//  Captures what is written to stderr (the log) between begin and end.
typedef struct {
    int saved;
    char path [64];
} capture_t;

static void
s_capture_begin (capture_t *c)
{
    snprintf (c->path, sizeof (c->path), "/tmp/test_master_log_XXXXXX");
    int fd = mkstemp (c->path);
    fflush (stderr);
    c->saved = dup (2);
    if (fd >= 0) {
        dup2 (fd, 2);
        close (fd);
    }
}

//  Returns the captured text (caller frees).
static char *
s_capture_end (capture_t *c)
{
    fflush (stderr);
    dup2 (c->saved, 2);
    close (c->saved);
    size_t len = 0;
    char *text = eod_read_file (c->path, 1 << 20, &len);
    unlink (c->path);
    return text ? text : strdup ("");
}

//  Parses b through a reader fed in chunks of step bytes.
static int
s_stream (eod_master_kind_t kind, const char *bytes, size_t len, size_t step, seen_t *seen,
          eod_master_stats_t *stats)
{
    eod_master_reader_t *r = eod_master_reader_new (kind, "stream.mst", s_collect, seen);
    if (!r)
        return -2;
    int rc = 0;
    for (size_t pos = 0; pos < len && rc == 0; pos += step)
        rc = eod_master_reader_feed (r, bytes + pos, len - pos < step ? len - pos : step);
    if (rc == 0)
        rc = eod_master_reader_end (r);
    *stats = *eod_master_reader_stats (r);
    eod_master_reader_destroy (&r);
    eod_master_reader_destroy (&r);
    return rc;
}

//  The garbled KOSDAQ input of test_kosdaq_garbled.
static void
s_garbled_input (buf_t *b)
{
    size_t n = 0;
    char *good = s_cp949 (ecopro, &n);
    if (!good)
        return;
    s_add_record (b, spac);
    s_add_text (b, "\r\n");
    s_add (b, good, 200);
    s_add_text (b, "\r\n");
    char bad [EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, good, n);
    memcpy (bad + 267, "00010A645", 9);
    s_add (b, bad, n);
    s_add_text (b, "\r\n\r\n");
    memcpy (bad, good, n);
    bad [21] = (char) 0xff;
    bad [22] = (char) 0xfe;
    s_add (b, bad, n);
    s_add_text (b, "\r\n");
    s_add_record (b, silla);
    s_add_text (b, "\r\n");
    memcpy (bad, good, n);
    bad [217] = 'X';
    s_add (b, bad, n);
    s_add_text (b, "\r\n");
    s_add (b, good, n);
    free (good);
}

static void
test_stream_splits (void)
{
    buf_t b = { .len = 0 };
    s_garbled_input (&b);
    CHECK (b.len > 1000);
    seen_t whole = { .count = 0 };
    eod_master_stats_t ws;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "whole.mst", s_collect, &whole, &ws), 0);
    //  Every chunk size, from one byte (CR and LF in different feeds, every
    //  record across many) to one bigger than the input.
    static const size_t steps [] = { 1, 2, 3, 7, 64, 281, 282, 283, 284, 500, 4096 };
    for (size_t i = 0; i < sizeof (steps) / sizeof (steps [0]); i++) {
        seen_t seen = { .count = 0 };
        eod_master_stats_t st;
        CHECK_INT (s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, steps [i], &seen, &st), 0);
        CHECK_INT (st.lines, ws.lines);
        CHECK_INT (st.blank, ws.blank);
        CHECK_INT (st.records, 3);
        CHECK_INT (st.garbled, 4);
        CHECK_INT (seen.count, whole.count);
        for (size_t k = 0; k < seen.count && k < whole.count; k++) {
            CHECK_STR (seen.rec [k].short_code, whole.rec [k].short_code);
            CHECK_STR (seen.rec [k].name, whole.rec [k].name);
            CHECK_INT (seen.rec [k].line, whole.rec [k].line);
            CHECK_INT (seen.rec [k].market_cap, whole.rec [k].market_cap);
            CHECK_STR (seen.rec [k].tail, whole.rec [k].tail);
        }
    }
}

static void
test_stream_truncated_and_garbled (void)
{
    //  A good record, then one cut short by the end of the file.
    buf_t b = { .len = 0 };
    s_add_record (&b, ecopro);
    s_add_text (&b, "\n");
    size_t n = 0;
    char *silla_bytes = s_cp949 (silla, &n);
    CHECK (silla_bytes != NULL);
    if (!silla_bytes)
        return;
    s_add (&b, silla_bytes, 150);
    seen_t seen = { .count = 0 };
    eod_master_stats_t st;
    capture_t cap;
    s_capture_begin (&cap);
    int rc = s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, 100, &seen, &st);
    char *log = s_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.lines, 2);
    CHECK_INT (st.records, 1);
    CHECK_INT (st.garbled, 1);
    CHECK_INT (seen.count, 1);
    CHECK (strstr (log, "stream.mst:2: garbled kosdaq record skipped: record is 150 bytes, want 282 (code 001000)")
           != NULL);
    free (log);

    //  A garbled record in the middle is reported with its line and code;
    //  the records around it are kept.
    b.len = 0;
    s_add_record (&b, ecopro);
    s_add_text (&b, "\n");
    char bad [EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, silla_bytes, n);
    bad [217] = 'Q';                                     //  KRX300 flag
    s_add (&b, bad, n);
    s_add_text (&b, "\n");
    s_add_record (&b, spac);
    s_add_text (&b, "\n");
    seen.count = 0;
    s_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, 13, &seen, &st);
    log = s_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.records, 2);
    CHECK_INT (st.garbled, 1);
    CHECK (strstr (log, "stream.mst:2: garbled kosdaq record skipped: KRX300 flag is 'Q', want Y/N (code 001000)")
           != NULL);
    free (log);
    free (silla_bytes);

    //  A line longer than the reader keeps: garbled, with its whole length,
    //  and the next record still read.
    size_t big = EOD_MASTER_LINE_MAX + 1000;
    char *huge = malloc (big + 400);
    CHECK (huge != NULL);
    if (!huge)
        return;
    memset (huge, 'A', big);
    huge [big] = '\n';
    size_t en = 0;
    char *eco = s_cp949 (ecopro, &en);
    if (eco)
        memcpy (huge + big + 1, eco, en);
    free (eco);
    seen.count = 0;
    s_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, huge, big + 1 + en, 4096, &seen, &st);
    log = s_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.garbled, 1);
    CHECK_INT (st.records, 1);
    CHECK_INT (seen.count, 1);
    if (seen.count == 1)
        CHECK_INT (seen.rec [0].line, 2);
    char want [128];
    snprintf (want, sizeof (want), "stream.mst:1: garbled kosdaq record skipped: record is %zu bytes", big);
    CHECK (strstr (log, want) != NULL);
    free (log);
    //  Fed whole, the same.
    seen.count = 0;
    s_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, huge, big + 1 + en, big + 1 + en, &seen, &st);
    free (s_capture_end (&cap));
    CHECK_INT (st.garbled, 1);
    CHECK_INT (st.records, 1);
    free (huge);
}

static void
test_stream_stop (void)
{
    buf_t b = { .len = 0 };
    s_add_record (&b, ecopro);
    s_add_text (&b, "\n");
    s_add_record (&b, silla);
    s_add_text (&b, "\n");
    int calls = 0;
    eod_master_reader_t *r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, s_stop, &calls);
    CHECK (r != NULL);
    if (!r)
        return;
    CHECK_INT (eod_master_reader_feed (r, b.data, 100), 0);
    CHECK_INT (eod_master_reader_feed (r, b.data + 100, b.len - 100), -1);
    CHECK_INT (eod_master_reader_feed (r, "x", 1), -1);
    CHECK_INT (eod_master_reader_end (r), -1);
    CHECK_INT (calls, 1);
    eod_master_reader_destroy (&r);
    CHECK (r == NULL);
}

static int
s_cod_count (const eod_cod_record_t *rec, void *arg)
{
    (*(size_t *) arg)++;
    return rec->symbol [0] ? 0 : 1;
}

//  Writes bytes to a new temp file; returns 0 and its path.
static int
s_temp_file (const void *bytes, size_t len, char path [64])
{
    snprintf (path, 64, "/tmp/test_master_zip_XXXXXX");
    int fd = mkstemp (path);
    if (fd < 0)
        return -1;
    ssize_t put = write (fd, bytes, len);
    close (fd);
    return put == (ssize_t) len ? 0 : -1;
}

static void
test_unzip_parse (void)
{
    //  A KOSDAQ file bigger than a read chunk, so records straddle chunks.
    size_t n = 0;
    char *rec = s_cp949 (ecopro, &n);
    CHECK (rec != NULL);
    if (!rec)
        return;
    size_t nrec = 3 * EOD_MASTER_READ_CHUNK / (n + 1) + 1;
    size_t len = nrec * (n + 1);
    char *mst = malloc (len);
    CHECK (mst != NULL);
    if (!mst) {
        free (rec);
        return;
    }
    for (size_t i = 0; i < nrec; i++) {
        memcpy (mst + i * (n + 1), rec, n);
        mst [i * (n + 1) + n] = '\n';
    }
    free (rec);
    size_t ziplen = 0;
    char *zip = s_make_zip ("kosdaq_code.mst", mst, len - 100, &ziplen);   //  last record cut
    free (mst);
    CHECK (zip != NULL);
    if (!zip)
        return;
    char path [64];
    CHECK_INT (s_temp_file (zip, ziplen, path), 0);
    seen_t seen = { .count = 0 };
    eod_master_reader_t *r = eod_master_reader_new (EOD_MASTER_KOSDAQ, "kosdaq_code.mst", s_collect, &seen);
    char err [300];
    capture_t cap;
    s_capture_begin (&cap);
    CHECK_INT (eod_master_unzip_parse (path, "KOSDAQ_CODE.MST", r, err, sizeof (err)), 0);
    char *log = s_capture_end (&cap);
    const eod_master_stats_t *st = eod_master_reader_stats (r);
    CHECK_INT (st->records, nrec - 1);
    CHECK_INT (st->garbled, 1);
    CHECK_INT (st->lines, nrec);
    char want [128];
    snprintf (want, sizeof (want), "kosdaq_code.mst:%zu: garbled kosdaq record skipped: record is %zu bytes",
              nrec, n - 99);
    CHECK (strstr (log, want) != NULL);
    free (log);
    eod_master_reader_destroy (&r);

    //  No such entry: the names found are said.
    r = eod_master_reader_new (EOD_MASTER_KOSPI, NULL, s_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kospi_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "no entry") != NULL && strstr (err, "kosdaq_code.mst") != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);

    //  A cut archive and a file that is no zip: the path is said.
    CHECK_INT (s_temp_file (zip, ziplen / 2, path), 0);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, s_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kosdaq_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, path) != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);
    free (zip);
    CHECK_INT (s_temp_file ("not a zip at all", 16, path), 0);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, s_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kosdaq_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "not a readable zip") != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, s_collect, &seen);
    CHECK_INT (eod_master_unzip_parse ("/nonexistent/x.zip", "x.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "/nonexistent/x.zip") != NULL);
    eod_master_reader_destroy (&r);

    //  A .cod archive through a .cod reader; the callback stopping is an error.
    const char *cod = "US\t22\tNAS\tX\tAAPL\tNASAAPL\tK\tAPPLE INC\t2\tUSD\n"
                      "US\t22\tNAS\tX\tMSFT\tNASMSFT\tK\tMICROSOFT\t2\tUSD\n";
    zip = s_make_zip ("NASMST.COD", cod, strlen (cod), &ziplen);
    CHECK (zip != NULL);
    if (!zip)
        return;
    CHECK_INT (s_temp_file (zip, ziplen, path), 0);
    free (zip);
    size_t count = 0;
    r = eod_cod_reader_new ("nasmst.cod", s_cod_count, &count);
    CHECK_INT (eod_master_unzip_parse (path, "nasmst.cod", r, err, sizeof (err)), 0);
    CHECK_INT (count, 2);
    CHECK_INT (eod_master_reader_stats (r)->records, 2);
    eod_master_reader_destroy (&r);
    unlink (path);
}

//  --------------------------------------------------------------------------
//  The lister's code set, spool and run id

static void
test_codes (void)
{
    lister_codes_t *c = lister_codes_new (10);
    CHECK (c != NULL);
    if (!c)
        return;
    const char *in [] = { "005930", "247540", "0004Y0", "005930", "000040", "247540", "A" };
    for (size_t i = 0; i < sizeof (in) / sizeof (in [0]); i++)
        CHECK_INT (lister_codes_add (c, in [i]), 0);
    CHECK_INT (lister_codes_add (c, "1234567890"), -1);     //  10 bytes: over width - 1
    CHECK_INT (lister_codes_add (c, ""), -1);
    CHECK_INT (lister_codes_add (c, "123456789"), 0);
    CHECK_INT (lister_codes_count (c), 8);
    CHECK_INT (lister_codes_sort (c), 2);
    CHECK_INT (lister_codes_count (c), 6);
    CHECK_STR (lister_codes_at (c, 0), "000040");
    CHECK_STR (lister_codes_at (c, 1), "0004Y0");
    CHECK_STR (lister_codes_at (c, 2), "005930");
    CHECK_STR (lister_codes_at (c, 3), "123456789");
    CHECK_STR (lister_codes_at (c, 4), "247540");
    CHECK_STR (lister_codes_at (c, 5), "A");
    CHECK (lister_codes_at (c, 6) == NULL);
    CHECK (lister_codes_contains (c, "005930"));
    CHECK (lister_codes_contains (c, "A"));
    CHECK (!lister_codes_contains (c, "00593"));
    CHECK (!lister_codes_contains (c, "0059300"));
    CHECK (!lister_codes_contains (c, "1234567890"));
    CHECK_INT (lister_codes_claim (c, "247540"), 1);
    CHECK_INT (lister_codes_claim (c, "005930"), 1);
    CHECK_INT (lister_codes_claim (c, "247540"), 0);
    CHECK_INT (lister_codes_claim (c, "999999"), -1);
    lister_codes_unclaim (c);
    CHECK_INT (lister_codes_claim (c, "247540"), 1);
    lister_codes_destroy (&c);
    lister_codes_destroy (&c);
    CHECK (c == NULL);

    //  Many codes: sorted as strcmp sorts them, each found.
    c = lister_codes_new (10);
    char code [16];
    for (int i = 0; i < 5000; i++) {
        snprintf (code, sizeof (code), "%06d", (i * 7919) % 5000);
        lister_codes_add (c, code);
    }
    CHECK_INT (lister_codes_sort (c), 0);
    bool ordered = true, found = true;
    for (size_t i = 1; i < lister_codes_count (c); i++)
        ordered = ordered && strcmp (lister_codes_at (c, i - 1), lister_codes_at (c, i)) < 0;
    for (int i = 0; i < 5000; i++) {
        snprintf (code, sizeof (code), "%06d", i);
        found = found && lister_codes_claim (c, code) == 1;
    }
    CHECK (ordered);
    CHECK (found);
    lister_codes_destroy (&c);
}

static void
test_spool (void)
{
    char path [] = "/tmp/test_master_spool_XXXXXX";
    int fd = mkstemp (path);
    CHECK (fd >= 0);
    if (fd < 0)
        return;
    close (fd);
    lister_spool_t *sp = lister_spool_new (path);
    CHECK (sp != NULL);
    if (!sp)
        return;
    eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
    eod_msg_set (&t->run_id, "r");
    eod_msg_set (&t->market, "kr");
    eod_msg_set (&t->mode, "daily");
    eod_msg_set (&t->date_from, "2024-09-02");
    eod_msg_set (&t->date_to, "2024-09-02");
    char code [16];
    for (int i = 0; i < 300; i++) {
        snprintf (code, sizeof (code), "%06d", i);
        eod_msg_set (&t->code, code);
        eod_msg_set (&t->task_id, code);
        eod_fields_set (&t->meta, "name", i % 2 ? "삼성전자" : "KODEX 200");
        CHECK_INT (lister_spool_append (sp, t), 0);
    }
    CHECK_INT (lister_spool_count (sp), 300);
    //  A TASK without its required fields is refused and not counted.
    eod_msg_t *bad = eod_msg_new (EOD_MSG_TASK);
    CHECK_INT (lister_spool_append (sp, bad), -1);
    eod_msg_destroy (&bad);
    CHECK_INT (lister_spool_count (sp), 300);
    //  Read twice (a send, then a resend), in order.
    for (int pass = 0; pass < 2; pass++) {
        CHECK_INT (lister_spool_rewind (sp), 0);
        eod_msg_t *m = NULL;
        int i = 0, rc;
        bool same = true;
        while ((rc = lister_spool_next (sp, &m)) == 1) {
            snprintf (code, sizeof (code), "%06d", i);
            same = same && m->type == EOD_MSG_TASK && strcmp (m->code, code) == 0
                   && strcmp (eod_fields_get (&m->meta, "name"), i % 2 ? "삼성전자" : "KODEX 200") == 0;
            eod_msg_destroy (&m);
            i++;
        }
        CHECK_INT (rc, 0);
        CHECK_INT (i, 300);
        CHECK (same);
    }
    //  Appending after a read goes on at the end.
    eod_msg_set (&t->code, "LAST");
    CHECK_INT (lister_spool_append (sp, t), 0);
    CHECK_INT (lister_spool_rewind (sp), 0);
    eod_msg_t *m = NULL;
    int i = 0;
    while (lister_spool_next (sp, &m) == 1) {
        if (i == 300)
            CHECK_STR (m->code, "LAST");
        eod_msg_destroy (&m);
        i++;
    }
    CHECK_INT (i, 301);
    //  A spool cut in its last record is an error at that record.
    CHECK_INT (lister_spool_rewind (sp), 0);
    CHECK_INT (truncate (path, 10), 0);
    capture_t cap;
    s_capture_begin (&cap);
    int rc = lister_spool_next (sp, &m);
    char *log = s_capture_end (&cap);
    CHECK_INT (rc, -1);
    CHECK (m == NULL);
    CHECK (strstr (log, "record 1: short") != NULL);
    free (log);
    eod_msg_destroy (&t);
    lister_spool_destroy (&sp);
    lister_spool_destroy (&sp);
    CHECK (access (path, F_OK) != 0);
    //  A directory that cannot be made: NULL.
    CHECK (lister_spool_new ("/proc/nonexistent/spool") == NULL);
}

static void
test_run_id (void)
{
    char *codes [] = { "247540", "005930", "0004Y0", "000040" };
    char a [17], b [17];
    lister_run_id ("kr", "daily", "2024-09-02", "2024-09-02", codes, 4, a);
    lister_codes_t *c = lister_codes_new (10);
    for (int i = 3; i >= 0; i--)
        lister_codes_add (c, codes [i]);
    lister_codes_add (c, "005930");                        //  a repeat is kept once
    lister_codes_sort (c);
    lister_run_id_codes ("kr", "daily", "2024-09-02", "2024-09-02", c, b);
    lister_codes_destroy (&c);
    CHECK_STR (a, b);
    //  The first 16 hex digits of SHA-256 over "market|mode|from|to|" and
    //  the sorted codes each followed by ",".
    const char *text = "kr|daily|2024-09-02|2024-09-02|000040,0004Y0,005930,247540,";
    char hex [65];
    eod_sha256_hex (text, strlen (text), hex);
    hex [16] = '\0';
    CHECK_STR (a, hex);
    //  No codes; and a text longer than one SHA-256 block.
    lister_run_id ("us", "backfill", "2015-01-01", "2024-12-30", codes, 0, a);
    text = "us|backfill|2015-01-01|2024-12-30|";
    eod_sha256_hex (text, strlen (text), hex);
    hex [16] = '\0';
    CHECK_STR (a, hex);
    char *many [40];
    char store [40][8];
    char joined [400] = "kr|backfill|2015-01-01|2024-12-30|";
    for (int i = 0; i < 40; i++) {
        snprintf (store [i], sizeof (store [i]), "%06d", i);
        many [i] = store [39 - i];
    }
    for (int i = 0; i < 40; i++) {
        size_t at = strlen (joined);
        snprintf (joined + at, sizeof (joined) - at, "%s,", store [i]);
    }
    lister_run_id ("kr", "backfill", "2015-01-01", "2024-12-30", many, 40, a);
    eod_sha256_hex (joined, strlen (joined), hex);
    hex [16] = '\0';
    CHECK_STR (a, hex);
}

//  Runs a dump into memory; returns its code and the text in *text.
static int
s_dump (int (*dump) (eod_master_kind_t, const char *, FILE *), eod_master_kind_t kind,
        const char *path, char **text)
{
    size_t size = 0;
    FILE *mem = open_memstream (text, &size);
    if (!mem)
        return -1;
    int rc = dump ? dump (kind, path, mem) : lister_dump_cod (path, mem);
    fclose (mem);
    return rc;
}

static size_t
s_count_lines (const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static bool
s_starts (const char *text, const char *prefix)
{
    return strncmp (text, prefix, strlen (prefix)) == 0;
}

static void
test_dumps (void)
{
    char *text = NULL;
    //  Fixture: 삼성전자, KR모터스, 신한지주, "가나,다" and two garbled lines.
    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSPI, FIXTURES "/kospi_code.mst", &text),
               LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "short_code,standard_code,name,group_code,market_cap,krx300,"
                               "spac,suspended,listing_date,revenue,operating_profit,"
                               "net_income,roe\n"));
        CHECK (strstr (text, "\n005930,KR7005930003,삼성전자,ST,15726489,Y,N,N,19750611,"
                             "3053729,1467252,11884,31.39\n") != NULL);
        CHECK (strstr (text, "\n000040,KR7000040006,KR모터스,ST,350,N,N,N,19750611,"
                             "3053729,-2,11884,31.39\n") != NULL);
        CHECK (strstr (text, ",\"가나,다\",ST,12,") != NULL);
        CHECK (strstr (text, "\"삼성전자\"") == NULL);
        CHECK (strstr (text, "999991") == NULL);
        CHECK_INT (s_count_lines (text), 5);
    }
    free (text);
    text = NULL;

    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSDAQ, FIXTURES "/kosdaq_code.mst",
                       &text), LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "short_code,standard_code,name,group_code,market_cap,krx300,"
                               "kosdaq150,spac,suspended,listing_date,revenue,"
                               "operating_profit,net_income,roe\n"));
        CHECK (strstr (text, "\n247540,KR7247540008,에코프로비엠,ST,101645,Y,Y,N,N,20190305,"
                             "11821,390,117,3\n") != NULL);
        CHECK (strstr (text, "\n0004Y0,KR70004Y0000,디비금융제14호스팩,ST,105,N,N,Y,N,") != NULL);
        CHECK (strstr (text, "\n001000,KR7001000009,신라섬유,ST,86,N,N,N,N,19940628,"
                             "37,4,-3,-2") != NULL);
        CHECK_INT (s_count_lines (text), 4);
        CHECK (strchr (text, '\r') == NULL);
    }
    free (text);
    text = NULL;

    CHECK_INT (s_dump (NULL, EOD_MASTER_KOSPI, FIXTURES "/nasmst.cod", &text),
               LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "symbol,exchange_code,exchange_id,exchange_name,korea_name,"
                               "english_name,security_type,currency\n"
                               "AAPL,NAS,22,나스닥,애플,APPLE INC,2,USD\n"));
        CHECK (strstr (text, "\nMSFT,NAS,22,") != NULL);
        CHECK (strstr (text, "\nQQQ,NAS,22,나스닥,인베스코 QQQ,\"INVESCO QQQ TRUST, SERIES 1\",3,USD\n")
               != NULL);
        CHECK_INT (s_count_lines (text), 4);
    }
    free (text);
    text = NULL;

    //  A clean file gives 0; a missing one 2.
    char path [] = "/tmp/test_master_XXXXXX";
    int fd = mkstemp (path);
    CHECK (fd >= 0);
    if (fd >= 0) {
        size_t n = 0;
        char *rec = s_cp949 (samsung, &n);
        FILE *f = fdopen (fd, "wb");
        if (f && rec) {
            fwrite (rec, 1, n, f);
            fputc ('\n', f);
        }
        if (f)
            fclose (f);
        free (rec);
        CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSPI, path, &text), LISTER_DUMP_OK);
        if (text)
            CHECK_INT (s_count_lines (text), 2);
        free (text);
        text = NULL;
        unlink (path);
    }
    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSPI, "/nonexistent/kospi.mst", &text),
               LISTER_DUMP_NOFILE);
    free (text);
    text = NULL;
    CHECK_INT (s_dump (NULL, EOD_MASTER_KOSPI, "/nonexistent/nasmst.cod", &text),
               LISTER_DUMP_NOFILE);
    free (text);
}

int
main (void)
{
    eod_log_init ("test_master");
    test_kospi_real ();
    test_kosdaq_real ();
    test_kosdaq_garbled ();
    test_callback_stops ();
    test_filter ();
    test_cod ();
    test_symbols ();
    test_unzip ();
    test_stream_splits ();
    test_stream_truncated_and_garbled ();
    test_stream_stop ();
    test_unzip_parse ();
    test_codes ();
    test_spool ();
    test_run_id ();
    test_dumps ();
    return EOD_TEST_DONE ();
}
