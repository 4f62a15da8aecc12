/*  test_cod — the US .cod master records and the KIS spelling of US tickers
    (common/sources/master_cod.c): the first line is a record, 23 and 26
    columns read, short lines, empty symbols and bad CP949 skipped;
    "BRK.B" becomes "BRK/B". */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_master.h"
#include "master_fixtures.h"

//  .cod records as seen by the callback, copied.
typedef struct {
    size_t count;
    char symbol[MASTER_MAX_RECORDS][32];
    char excd[MASTER_MAX_RECORDS][8];
    size_t columns[MASTER_MAX_RECORDS];
    size_t line[MASTER_MAX_RECORDS];
    eod_cod_record_t first;
    char first_names[4][64];
} cod_seen_t;

static int
s_cod_collect (const eod_cod_record_t *rec, void *arg)
{
    cod_seen_t *seen = arg;
    if (seen->count == 0) {
        seen->first = *rec;
        snprintf (seen->first_names[0], 64, "%s", rec->exchange_name);
        snprintf (seen->first_names[1], 64, "%s", rec->korea_name);
        snprintf (seen->first_names[2], 64, "%s", rec->english_name);
        snprintf (seen->first_names[3], 64, "%s|%s|%s|%s|%s|%s", rec->national_code, rec->exchange_id,
                  rec->realtime_symbol, rec->security_type, rec->currency, rec->etp_kind);
    }
    if (seen->count < MASTER_MAX_RECORDS) {
        snprintf (seen->symbol[seen->count], 32, "%s", rec->symbol);
        snprintf (seen->excd[seen->count], 8, "%s", rec->exchange_code);
        seen->columns[seen->count] = rec->columns;
        seen->line[seen->count] = rec->line;
        seen->count++;
    }
    return 0;
}

static void
test_cod (void)
{
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_aapl);   //  1: first line is a record
    master_add_text (&b, "\n");
    master_add_record (
        &b,
        "US\t11\tNYS\t뉴욕\t A \tNYSA\t애질런트\tAGILENT\t2\tUSD\t4\t\t120.0\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   ");
    master_add_text (&b, "\r\n");                    //  2: 23 columns, CRLF
    master_add_text (&b, "US\t22\tNAS\tX\tBAD\n");   //  3: 5 columns
    master_add_record (
        &b,
        "US\t22\tNAS\t나스닥\tQQQ\tNASQQQ\t큐\tINVESCO QQQ\t3\tUSD\t4\t\t600\t1\t1\t930\t1600\tN\t\t0\t0\t0\t001\t   \tx\ty");
    master_add_text (&b, "\n\n");                                                     //  4: 26 columns, 5: blank
    master_add_text (&b, "US\t22\tNAS\tX\t  \tNAS\tK\tE\t2\tUSD\n");                  //  6: empty symbol
    master_add_text (&b, "US\t22\tNAS\t\xff\xff\tBRK\tNASBRK\tK\tE\t2\tUSD\n");       //  7: not CP949
    master_add_text (&b, "US\t11\tNYS\tNY\tBRK/B\tNYSBRK/B\tK\tBERKSHIRE\t2\tUSD");   //  8: no final newline
    cod_seen_t seen;
    memset (&seen, 0, sizeof (seen));
    eod_master_stats_t stats;
    CHECK_INT (eod_cod_parse (b.data, b.len, "NASMST.COD", s_cod_collect, &seen, &stats), 0);
    CHECK_INT (stats.lines, 8);
    CHECK_INT (stats.blank, 1);
    CHECK_INT (stats.records, 4);
    CHECK_INT (stats.garbled, 3);
    CHECK_INT (seen.count, 4);
    CHECK_STR (seen.symbol[0], "AAPL");
    CHECK_INT (seen.line[0], 1);
    CHECK_INT (seen.columns[0], 24);
    CHECK_STR (seen.excd[0], "NAS");
    CHECK_STR (seen.first_names[0], "나스닥");
    CHECK_STR (seen.first_names[1], "애플");
    CHECK_STR (seen.first_names[2], "APPLE INC");
    CHECK_STR (seen.first_names[3], "US|22|NASAAPL|2|USD|");
    CHECK_STR (seen.symbol[1], "A");
    CHECK_STR (seen.excd[1], "NYS");
    CHECK_INT (seen.columns[1], 23);
    CHECK_STR (seen.symbol[2], "QQQ");
    CHECK_INT (seen.columns[2], 26);
    CHECK_INT (seen.line[2], 4);
    CHECK_STR (seen.symbol[3], "BRK/B");
    CHECK_INT (seen.line[3], 8);
    CHECK_INT (seen.columns[3], 10);
}

static void
test_symbols (void)
{
    char out[16];
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
    out[0] = 'x';
    eod_us_symbol_to_kis ("GOOGL", out, 0);
    CHECK (out[0] == 'x');
}

int
main (void)
{
    eod_log_init ("test_cod");
    test_cod ();
    test_symbols ();
    return EOD_TEST_DONE ();
}
