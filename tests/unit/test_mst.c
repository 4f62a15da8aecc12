/*  test_mst — the KOSPI and KOSDAQ master records (common/sources/master_mst.c).

    Real records from kis-open-api.md §6.2 are converted to CP949 here and
    must decode to the values the reference lists; garbled records are
    counted and skipped around good ones (wrong length, a letter in a
    number, a name that is not CP949, a flag that is not Y/N); a KOSDAQ
    file read as KOSPI is all garbled; the callback can stop the parse. */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_master.h"
#include "master_fixtures.h"

static void
test_kospi_real (void)
{
    master_buf_t b = {.len = 0};
    CHECK_INT (master_add_record (&b, master_samsung), EOD_MASTER_KOSPI_RECORD_LEN);
    master_add_text (&b, "\n");
    master_seen_t seen = {.count = 0};
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, b.data, b.len, "kospi_code.mst", master_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 1);
    CHECK_INT (stats.garbled, 0);
    CHECK_INT (seen.count, 1);
    const eod_master_record_t *r = &seen.rec[0];
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
    master_buf_t b = {.len = 0};
    CHECK_INT (master_add_record (&b, master_ecopro), EOD_MASTER_KOSDAQ_RECORD_LEN);
    master_add_text (&b, "\n");
    CHECK_INT (master_add_record (&b, master_spac), EOD_MASTER_KOSDAQ_RECORD_LEN);
    master_add_text (&b, "\n");
    CHECK_INT (master_add_record (&b, master_silla), EOD_MASTER_KOSDAQ_RECORD_LEN);
    master_add_text (&b, "\n");
    master_seen_t seen = {.count = 0};
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "kosdaq_code.mst", master_collect, &seen, &stats),
               0);
    CHECK_INT (stats.records, 3);
    CHECK_INT (stats.garbled, 0);
    if (seen.count != 3) {
        CHECK_INT (seen.count, 3);
        return;
    }
    const eod_master_record_t *e = &seen.rec[0];
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

    const eod_master_record_t *s = &seen.rec[1];
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

    const eod_master_record_t *l = &seen.rec[2];
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
    char *good = master_cp949 (master_ecopro, &n);
    CHECK (good != NULL);
    if (!good)
        return;
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_spac);   //  line 1: good
    master_add_text (&b, "\r\n");
    master_add (&b, good, 200);   //  line 2: short line
    master_add_text (&b, "\r\n");
    char bad[EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, good, n);
    memcpy (bad + 267, "00010A645", 9);   //  line 3: letter in the market cap
    master_add (&b, bad, n);
    master_add_text (&b, "\r\n");
    master_add_text (&b, "\r\n");   //  line 4: blank
    memcpy (bad, good, n);
    bad[21] = (char) 0xff;   //  line 5: name not valid CP949
    bad[22] = (char) 0xfe;
    master_add (&b, bad, n);
    master_add_text (&b, "\r\n");
    master_add_record (&b, master_silla);   //  line 6: good
    master_add_text (&b, "\r\n");
    memcpy (bad, good, n);
    bad[217] = 'X';   //  line 7: KRX300 flag not Y/N
    master_add (&b, bad, n);
    master_add_text (&b, "\r\n");
    master_add (&b, good, n);   //  line 8: good, no final newline
    free (good);

    master_seen_t seen = {.count = 0};
    eod_master_stats_t stats;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "garbled.mst", master_collect, &seen, &stats), 0);
    CHECK_INT (stats.lines, 8);
    CHECK_INT (stats.blank, 1);
    CHECK_INT (stats.records, 3);
    CHECK_INT (stats.garbled, 4);
    CHECK_INT (seen.count, 3);
    if (seen.count == 3) {
        CHECK_STR (seen.rec[0].short_code, "0004Y0");
        CHECK_INT (seen.rec[0].line, 1);
        CHECK_STR (seen.rec[1].short_code, "001000");
        CHECK_INT (seen.rec[1].line, 6);
        CHECK_STR (seen.rec[2].short_code, "247540");
        CHECK_INT (seen.rec[2].market_cap, 101645);
        CHECK_INT (seen.rec[2].line, 8);
    }
    //  A KOSDAQ record read as KOSPI has the wrong length.
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, b.data, b.len, "as-kospi.mst", master_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 0);
    CHECK_INT (stats.garbled, 7);
    //  Empty input is fine.
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, "", 0, "empty.mst", master_collect, &seen, &stats), 0);
    CHECK_INT (stats.records, 0);
    CHECK_INT (stats.lines, 0);
}

static void
test_callback_stops (void)
{
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_ecopro);
    master_add_text (&b, "\n");
    master_add_record (&b, master_silla);
    int calls = 0;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "stop.mst", master_stop, &calls, NULL), -1);
    CHECK_INT (calls, 1);
}

int
main (void)
{
    eod_log_init ("test_mst");
    test_kospi_real ();
    test_kosdaq_real ();
    test_kosdaq_garbled ();
    test_callback_stops ();
    return EOD_TEST_DONE ();
}
