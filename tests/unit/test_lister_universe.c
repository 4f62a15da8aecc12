/*  test_lister_universe — the lister's parts that make a universe from the
    master files, through their public headers: the KR filter
    (universe.h), the code set and the run id over it (codes.h, lister.h),
    the spool of TASKs (spool.h) and the master dumps (dump.h) fed with the
    fixtures of tests/data/master (made by make_fixtures.py). */
#include "eod_test.h"

#include "codes.h"
#include "dump.h"
#include "eod_log.h"
#include "eod_master.h"
#include "eod_util.h"
#include "lister.h"
#include "master_fixtures.h"
#include "spool.h"
#include "universe.h"

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
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_ecopro);
    master_add_text (&b, "\n");
    master_add_record (&b, master_spac);
    master_add_text (&b, "\n");
    master_add_record (&b, master_silla);
    master_seen_t seen = {.count = 0};
    eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "kosdaq", master_collect, &seen, NULL);
    CHECK_INT (seen.count, 3);
    if (seen.count == 3) {
        CHECK (lister_kr_selects (&f, Q, &seen.rec[0]));
        CHECK (!lister_kr_selects (&f, Q, &seen.rec[1]));
        CHECK (!lister_kr_selects (&f, Q, &seen.rec[2]));
    }
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
    const char *in[] = {"005930", "247540", "0004Y0", "005930", "000040", "247540", "A"};
    for (size_t i = 0; i < sizeof (in) / sizeof (in[0]); i++)
        CHECK_INT (lister_codes_add (c, in[i]), 0);
    CHECK_INT (lister_codes_add (c, "1234567890"), -1);   //  10 bytes: over width - 1
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
    lister_codes_destroy (&c);
    lister_codes_destroy (&c);
    CHECK (c == NULL);

    //  Many codes: sorted as strcmp sorts them, each found.
    c = lister_codes_new (10);
    char code[16];
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
    char path[] = "/tmp/test_master_spool_XXXXXX";
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
    char code[16];
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
    master_capture_t cap;
    master_capture_begin (&cap);
    int rc = lister_spool_next (sp, &m);
    char *log = master_capture_end (&cap);
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
    char *codes[] = {"247540", "005930", "0004Y0", "000040"};
    char a[17], b[17];
    lister_run_id ("kr", "daily", "2024-09-02", "2024-09-02", codes, 4, a);
    lister_codes_t *c = lister_codes_new (10);
    for (int i = 3; i >= 0; i--)
        lister_codes_add (c, codes[i]);
    lister_codes_add (c, "005930");   //  a repeat is kept once
    lister_codes_sort (c);
    lister_run_id_codes ("kr", "daily", "2024-09-02", "2024-09-02", c, b);
    lister_codes_destroy (&c);
    CHECK_STR (a, b);
    //  The first 16 hex digits of SHA-256 over "market|mode|from|to|" and
    //  the sorted codes each followed by ",".
    const char *text = "kr|daily|2024-09-02|2024-09-02|000040,0004Y0,005930,247540,";
    char hex[65];
    eod_sha256_hex (text, strlen (text), hex);
    hex[16] = '\0';
    CHECK_STR (a, hex);
    //  No codes; and a text longer than one SHA-256 block.
    lister_run_id ("us", "backfill", "2015-01-01", "2024-12-30", codes, 0, a);
    text = "us|backfill|2015-01-01|2024-12-30|";
    eod_sha256_hex (text, strlen (text), hex);
    hex[16] = '\0';
    CHECK_STR (a, hex);
    char *many[40];
    char store[40][8];
    char joined[400] = "kr|backfill|2015-01-01|2024-12-30|";
    for (int i = 0; i < 40; i++) {
        snprintf (store[i], sizeof (store[i]), "%06d", i);
        many[i] = store[39 - i];
    }
    for (int i = 0; i < 40; i++) {
        size_t at = strlen (joined);
        snprintf (joined + at, sizeof (joined) - at, "%s,", store[i]);
    }
    lister_run_id ("kr", "backfill", "2015-01-01", "2024-12-30", many, 40, a);
    eod_sha256_hex (joined, strlen (joined), hex);
    hex[16] = '\0';
    CHECK_STR (a, hex);
}

//  Runs a dump into memory; returns its code and the text in *text.
static int
s_dump (int (*dump) (eod_master_kind_t, const char *, FILE *), eod_master_kind_t kind, const char *path, char **text)
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
    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSPI, MASTER_FIXTURES "/kospi_code.mst", &text),
               LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "short_code,standard_code,name,group_code,market_cap,krx300,"
                               "spac,suspended,listing_date,revenue,operating_profit,"
                               "net_income,roe\n"));
        CHECK (strstr (text, "\n005930,KR7005930003,삼성전자,ST,15726489,Y,N,N,19750611,"
                             "3053729,1467252,11884,31.39\n")
               != NULL);
        CHECK (strstr (text, "\n000040,KR7000040006,KR모터스,ST,350,N,N,N,19750611,"
                             "3053729,-2,11884,31.39\n")
               != NULL);
        CHECK (strstr (text, ",\"가나,다\",ST,12,") != NULL);
        CHECK (strstr (text, "\"삼성전자\"") == NULL);
        CHECK (strstr (text, "999991") == NULL);
        CHECK_INT (s_count_lines (text), 5);
    }
    free (text);
    text = NULL;

    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSDAQ, MASTER_FIXTURES "/kosdaq_code.mst", &text),
               LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "short_code,standard_code,name,group_code,market_cap,krx300,"
                               "kosdaq150,spac,suspended,listing_date,revenue,"
                               "operating_profit,net_income,roe\n"));
        CHECK (strstr (text, "\n247540,KR7247540008,에코프로비엠,ST,101645,Y,Y,N,N,20190305,"
                             "11821,390,117,3\n")
               != NULL);
        CHECK (strstr (text, "\n0004Y0,KR70004Y0000,디비금융제14호스팩,ST,105,N,N,Y,N,") != NULL);
        CHECK (strstr (text, "\n001000,KR7001000009,신라섬유,ST,86,N,N,N,N,19940628,"
                             "37,4,-3,-2")
               != NULL);
        CHECK_INT (s_count_lines (text), 4);
        CHECK (strchr (text, '\r') == NULL);
    }
    free (text);
    text = NULL;

    CHECK_INT (s_dump (NULL, EOD_MASTER_KOSPI, MASTER_FIXTURES "/nasmst.cod", &text), LISTER_DUMP_GARBLED);
    if (text) {
        CHECK (s_starts (text, "symbol,exchange_code,exchange_id,exchange_name,korea_name,"
                               "english_name,security_type,currency\n"
                               "AAPL,NAS,22,나스닥,애플,APPLE INC,2,USD\n"));
        CHECK (strstr (text, "\nMSFT,NAS,22,") != NULL);
        CHECK (strstr (text, "\nQQQ,NAS,22,나스닥,인베스코 QQQ,\"INVESCO QQQ TRUST, SERIES 1\",3,USD\n") != NULL);
        CHECK_INT (s_count_lines (text), 4);
    }
    free (text);
    text = NULL;

    //  A clean file gives 0; a missing one 2.
    char path[] = "/tmp/test_master_XXXXXX";
    int fd = mkstemp (path);
    CHECK (fd >= 0);
    if (fd >= 0) {
        size_t n = 0;
        char *rec = master_cp949 (master_samsung, &n);
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
    CHECK_INT (s_dump (lister_dump_master, EOD_MASTER_KOSPI, "/nonexistent/kospi.mst", &text), LISTER_DUMP_NOFILE);
    free (text);
    text = NULL;
    CHECK_INT (s_dump (NULL, EOD_MASTER_KOSPI, "/nonexistent/nasmst.cod", &text), LISTER_DUMP_NOFILE);
    free (text);
}

int
main (void)
{
    eod_log_init ("test_lister_universe");
    test_filter ();
    test_codes ();
    test_spool ();
    test_run_id ();
    test_dumps ();
    return EOD_TEST_DONE ();
}
