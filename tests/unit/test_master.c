/*  test_master — the master-file module (common/eod_master) and the lister's
    dumps and KR universe filter (stages/lister/dump, universe).

    Real KOSPI/KOSDAQ records from kis-open-api.md §6.2 are converted to CP949
    here and must decode to the values the reference lists; garbled records are
    counted and skipped around good ones; the .cod parser keeps its first line;
    the fixtures in tests/data/master (made by make_fixtures.py) feed the
    dumps. */
#include "eod_test.h"

#include "dump.h"
#include "eod_log.h"
#include "eod_master.h"
#include "universe.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    test_dumps ();
    return EOD_TEST_DONE ();
}
