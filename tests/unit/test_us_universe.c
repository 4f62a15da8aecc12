/*  test_us_universe — the US universe of the lister (stages/lister/
    us_universe): the three index tables merged with flags, Wikipedia
    spellings mapped to KIS ("BRK.B" -> "BRK/B"), the extra tickers file,
    and the merge with the .cod masters, fed through eod_cod_parse so the
    first line of a file is a record (the reference lost "A" that way). */
#include "eod_test.h"

#include "eod_log.h"
#include "eod_master.h"
#include "eod_wiki.h"
#include "us_universe.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXTURES EOD_SOURCE_DIR "/tests/data/wiki"
#define ERR_MAX 256
#define ABSENT_MAX 8

//  .cod files as UTF-8 here, CP949 after s_cp949. The NYS file opens with
//  "A" (Agilent); TSLA is outside the universe; AAPL appears again in the
//  AMS file, and the first master seen keeps it.
static const char *nys_cod =
    "US\t21\tNYS\t뉴욕\tA\tNYSA\t애질런트 테크놀로지스\tAGILENT TECHNOLOGIES INC\t2\tUSD\t4\t\t135.2000\t1\t1\t930\t1600\tN\t\t710\t0\t0\t   \t   \n"
    "US\t21\tNYS\t뉴욕\tMMM\tNYSMMM\t쓰리엠\t3M CO\t2\tUSD\t4\t\t150.1000\t1\t1\t930\t1600\tN\t\t720\t0\t0\t   \t   \n"
    "US\t21\tNYS\t뉴욕\tBRK/B\tNYSBRK/B\t버크셔 해서웨이 B\tBERKSHIRE HATHAWAY INC\t2\tUSD\t4\t\t480.0000\t1\t1\t930\t1600\tN\t\t740\t0\t0\t   \t   \n"
    "US\t21\tNYS\t뉴욕\tBF/B\tNYSBF/B\t브라운 포맨 B\tBROWN-FORMAN CORP\t2\tUSD\t4\t\t30.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n"
    "US\t21\tNYS\t뉴욕\tTRV\tNYSTRV\t트래블러스\tTRAVELERS COMPANIES INC\t2\tUSD\t4\t\t260.0000\t1\t1\t930\t1600\tN\t\t740\t0\t0\t   \t   \n";
static const char *nas_cod =
    "US\t22\tNAS\t나스닥\tAAPL\tNASAAPL\t애플\tAPPLE INC\t2\tUSD\t4\t\t267.4600\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n"
    "US\t22\tNAS\t나스닥\tAMZN\tNASAMZN\t아마존닷컴\tAMAZON.COM INC\t2\tUSD\t4\t\t220.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n"
    "US\t22\tNAS\t나스닥\tMSFT\tNASMSFT\t마이크로소프트\tMICROSOFT CORP\t2\tUSD\t4\t\t500.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n"
    "US\t22\tNAS\t나스닥\tGOOGL\tNASGOOGL\t알파벳 A\tALPHABET INC\t2\tUSD\t4\t\t250.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n"
    "US\t22\tNAS\t나스닥\tHON\tNASHON\t허니웰 인터내셔널\tHONEYWELL INTERNATIONAL INC\t2\tUSD\t4\t\t210.0000\t1\t1\t930\t1600\tN\t\t720\t0\t0\t   \t   \n"
    "US\t22\tNAS\t나스닥\tQQQ\tNASQQQ\t인베스코 QQQ\tINVESCO QQQ TRUST\t3\tUSD\t4\t\t600.0000\t1\t1\t930\t1600\tN\t\t0\t1\t0\t001\t   \n"
    "US\t22\tNAS\t나스닥\tTSLA\tNASTSLA\t테슬라\tTESLA INC\t2\tUSD\t4\t\t400.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   ";
static const char *ams_cod =
    "US\t29\tAMS\t아멕스\tSPY\tAMSSPY\tSPDR S&P500 ETF\tSPDR S&P 500 ETF TRUST\t3\tUSD\t4\t\t650.0000\t1\t1\t930\t1600\tN\t\t0\t1\t0\t001\t   \n"
    "US\t29\tAMS\t아멕스\tAAPL\tAMSAAPL\t애플\tAPPLE INC\t2\tUSD\t4\t\t267.4600\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   \n";

//  Converts UTF-8 text to a new CP949 string (caller frees).
static char *
s_cp949 (const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1)
        return NULL;
    size_t inleft = strlen (utf8), outleft = inleft;
    char *out = malloc (inleft + 1);
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

//  Reads and parses a wiki fixture into t; 0 or -1.
static int
s_wiki (const char *name, eod_wiki_table_t *t)
{
    char path[512];
    snprintf (path, sizeof (path), "%s/%s", FIXTURES, name);
    FILE *f = fopen (path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t len = fread (buf, 1, sizeof (buf), f);
    fclose (f);
    char err[ERR_MAX];
    return eod_wiki_constituents (buf, len, name, t, err, sizeof (err));
}

//  Writes text to a new temp file; path receives its name. 0 or -1.
static int
s_temp_file (const char *text, char *path, size_t size)
{
    snprintf (path, size, "/tmp/test_us_universe.XXXXXX");
    int fd = mkstemp (path);
    if (fd == -1)
        return -1;
    size_t n = strlen (text);
    int rc = write (fd, text, n) == (ssize_t) n ? 0 : -1;
    close (fd);
    return rc;
}

static int
s_feed (const eod_cod_record_t *rec, void *arg)
{
    us_universe_add_master ((us_universe_t *) arg, rec);
    return 0;
}

//  Runs one UTF-8 .cod text through CP949 and eod_cod_parse into u.
static void
s_feed_cod (us_universe_t *u, const char *utf8, const char *name, size_t expect_records)
{
    size_t len = 0;
    char *cod = s_cp949 (utf8, &len);
    CHECK (cod != NULL);
    if (!cod)
        return;
    eod_master_stats_t stats;
    CHECK_INT (eod_cod_parse (cod, len, name, s_feed, u, &stats), 0);
    CHECK_INT (stats.records, expect_records);
    CHECK_INT (stats.garbled, 0);
    free (cod);
}

static const us_instrument_t *
s_find (const us_universe_t *u, const char *symbol)
{
    for (size_t i = 0; i < us_universe_count (u); i++)
        if (strcmp (us_universe_at (u, i)->symbol, symbol) == 0)
            return us_universe_at (u, i);
    return NULL;
}

//  Loads the three fixture tables into u, Dow first: field precedence must
//  follow the index order (S&P, NDX, Dow), not the call order.
static void
s_load_indexes (us_universe_t *u)
{
    eod_wiki_table_t sp, ndx, dow;
    CHECK_INT (s_wiki ("sp500.html", &sp), 0);
    CHECK_INT (s_wiki ("nasdaq100.html", &ndx), 0);
    CHECK_INT (s_wiki ("dow.html", &dow), 0);
    CHECK_INT (us_universe_add_index (u, US_UNIVERSE_DOW30, &dow), 0);
    CHECK_INT (us_universe_add_index (u, US_UNIVERSE_NAS100, &ndx), 0);
    CHECK_INT (us_universe_add_index (u, US_UNIVERSE_SP500, &sp), 0);
    eod_wiki_table_clear (&sp);
    eod_wiki_table_clear (&ndx);
    eod_wiki_table_clear (&dow);
}

static void
test_indexes (void)
{
    us_universe_t *u = us_universe_new ();
    CHECK (u != NULL);
    if (!u)
        return;
    s_load_indexes (u);
    //  S&P 8 + NDX new ARM, HON + Dow new TRV, UNH.
    CHECK_INT (us_universe_count (u), 12);

    //  Sorted by symbol, no duplicates.
    bool sorted = true;
    for (size_t i = 1; i < us_universe_count (u); i++)
        if (strcmp (us_universe_at (u, i - 1)->symbol, us_universe_at (u, i)->symbol) >= 0)
            sorted = false;
    CHECK (sorted);
    CHECK_STR (us_universe_at (u, 0)->symbol, "A");
    CHECK (us_universe_at (u, us_universe_count (u)) == NULL);

    //  In all three: flags and the S&P fields, though the Dow came first.
    const us_instrument_t *i = s_find (u, "AAPL");
    CHECK (i != NULL);
    if (i) {
        CHECK (i->sp500 && i->nas100 && i->dow30 && !i->extra);
        CHECK_STR (i->company, "Apple Inc.");
        CHECK_STR (i->sub_industry, "Technology Hardware, Storage & Peripherals");
        CHECK_STR (i->exchange_code, "");
    }
    //  NDX and Dow only: NDX fields.
    i = s_find (u, "HON");
    CHECK (i && !i->sp500 && i->nas100 && i->dow30);
    if (i) {
        CHECK_STR (i->company, "Honeywell International");
        CHECK_STR (i->sector, "Industrials");
    }
    //  Dow only: company, no GICS.
    i = s_find (u, "TRV");
    CHECK (i && !i->sp500 && !i->nas100 && i->dow30);
    if (i) {
        CHECK_STR (i->company, "Travelers");
        CHECK_STR (i->sector, "");
        CHECK_STR (i->sub_industry, "");
    }
    //  KIS spelling of class shares.
    CHECK (s_find (u, "BRK.B") == NULL);
    i = s_find (u, "BRK/B");
    CHECK (i && i->sp500 && !i->nas100 && !i->dow30);
    CHECK (s_find (u, "BF/B") != NULL);
    i = s_find (u, "ARM");
    CHECK (i && !i->sp500 && i->nas100 && !i->dow30);

    CHECK_STR (us_flag (true), "1");
    CHECK_STR (us_flag (false), "0");

    //  Unknown index name; a bad symbol is skipped, not added.
    eod_wiki_table_t none = {NULL, 0, 0};
    CHECK_INT (us_universe_add_index (u, "FTSE100", &none), -1);
    eod_wiki_row_t bad[] = {
        {(char *) "ABC DEF", (char *) "Spaces", (char *) "", (char *) ""},
        {(char *) "WAYTOOLONGSYMBOLFORANYEXCHANGE", (char *) "Long", (char *) "", (char *) ""},
        {(char *) "", (char *) "Empty", (char *) "", (char *) ""},
        {(char *) " nvda ", (char *) "NVIDIA", (char *) "Information Technology", (char *) ""},
    };
    eod_wiki_table_t badt = {bad, sizeof (bad) / sizeof (bad[0]), 0};
    CHECK_INT (us_universe_add_index (u, US_UNIVERSE_SP500, &badt), 0);
    CHECK_INT (us_universe_count (u), 13);
    i = s_find (u, "NVDA");
    CHECK (i && i->sp500 && strcmp (i->company, "NVIDIA") == 0);

    us_universe_destroy (&u);
    CHECK (u == NULL);
    us_universe_destroy (&u);
}

static void
test_extras (void)
{
    us_universe_t *u = us_universe_new ();
    CHECK (u != NULL);
    if (!u)
        return;
    s_load_indexes (u);
    size_t before = us_universe_count (u);

    char path[64];
    char err[ERR_MAX];
    CHECK_INT (s_temp_file ("# ETFs and additions\n"
                            "SPY\n"
                            "  qqq   # lower case, trailing comment\n"
                            "\n"
                            "\t\n"
                            "BF-B\n"
                            "AAPL\r\n",
                            path, sizeof (path)),
               0);
    CHECK_INT (us_universe_add_extras (u, path, err, sizeof (err)), 0);
    unlink (path);
    //  SPY and QQQ are new; BF/B and AAPL were there already.
    CHECK_INT (us_universe_count (u), before + 2);
    const us_instrument_t *i = s_find (u, "QQQ");
    CHECK (i && i->extra && !i->sp500 && !i->nas100 && !i->dow30);
    if (i)
        CHECK_STR (i->company, "");
    i = s_find (u, "BF/B");
    CHECK (i && i->extra && i->sp500);
    i = s_find (u, "AAPL");
    CHECK (i && i->extra && i->sp500 && i->nas100 && i->dow30);
    i = s_find (u, "MSFT");
    CHECK (i && !i->extra);

    //  Bad lines: file:line and the ticker; nothing from the file is added.
    size_t count = us_universe_count (u);
    CHECK_INT (s_temp_file ("IWM\nBRK B\n", path, sizeof (path)), 0);
    CHECK_INT (us_universe_add_extras (u, path, err, sizeof (err)), -1);
    char want[ERR_MAX];
    snprintf (want, sizeof (want), "%s:2: bad ticker \"BRK B\" (more than one ticker on the line)", path);
    CHECK_STR (err, want);
    unlink (path);
    CHECK_INT (us_universe_count (u), count);
    CHECK (s_find (u, "IWM") == NULL);

    CHECK_INT (s_temp_file ("# yfinance symbols are not KIS tickers\n\n^GSPC\n", path, sizeof (path)), 0);
    CHECK_INT (us_universe_add_extras (u, path, err, sizeof (err)), -1);
    snprintf (want, sizeof (want), "%s:3: bad ticker", path);
    CHECK (strncmp (err, want, strlen (want)) == 0);
    unlink (path);

    CHECK_INT (us_universe_add_extras (u, "/nonexistent/us_extra_tickers.txt", err, sizeof (err)), -1);
    CHECK (strstr (err, "/nonexistent/us_extra_tickers.txt") != NULL);
    CHECK_INT (us_universe_count (u), count);

    //  An empty file adds nothing and is fine.
    CHECK_INT (s_temp_file ("", path, sizeof (path)), 0);
    CHECK_INT (us_universe_add_extras (u, path, err, sizeof (err)), 0);
    unlink (path);
    CHECK_INT (us_universe_count (u), count);
    us_universe_destroy (&u);
}

static void
test_masters (void)
{
    us_universe_t *u = us_universe_new ();
    CHECK (u != NULL);
    if (!u)
        return;
    s_load_indexes (u);
    char path[64];
    char err[ERR_MAX];
    CHECK_INT (s_temp_file ("SPY\nQQQ\n", path, sizeof (path)), 0);
    CHECK_INT (us_universe_add_extras (u, path, err, sizeof (err)), 0);
    unlink (path);
    CHECK_INT (us_universe_count (u), 14);

    s_feed_cod (u, nys_cod, "NYSMST.COD", 5);
    s_feed_cod (u, nas_cod, "NASMST.COD", 7);
    s_feed_cod (u, ams_cod, "AMSMST.COD", 2);
    //  Masters fill, never add: TSLA stays out.
    CHECK_INT (us_universe_count (u), 14);
    CHECK (s_find (u, "TSLA") == NULL);

    //  The first record of a .cod file counts: A has its exchange.
    const us_instrument_t *i = s_find (u, "A");
    CHECK (i != NULL);
    if (i) {
        CHECK_STR (i->exchange_code, "NYS");
        CHECK_STR (i->exchange_name, "뉴욕");
        CHECK_STR (i->english_name, "AGILENT TECHNOLOGIES INC");
        CHECK_STR (i->security_type, "2");
        CHECK_STR (i->company, "Agilent Technologies");
    }
    //  BRK/B matches the master's spelling.
    i = s_find (u, "BRK/B");
    CHECK (i && strcmp (i->exchange_code, "NYS") == 0);
    if (i)
        CHECK_STR (i->korea_name, "버크셔 해서웨이 B");
    //  The first master keeps AAPL (NAS, not the AMS duplicate).
    i = s_find (u, "AAPL");
    CHECK (i && strcmp (i->exchange_code, "NAS") == 0);
    if (i) {
        CHECK_STR (i->korea_name, "애플");
        CHECK_STR (i->english_name, "APPLE INC");
    }
    i = s_find (u, "SPY");
    CHECK (i && i->extra && strcmp (i->exchange_code, "AMS") == 0);
    if (i)
        CHECK_STR (i->security_type, "3");

    //  No master has ARM or UNH: reported, still in the universe.
    const char *absent[ABSENT_MAX];
    CHECK_INT (us_universe_absent (u, absent, ABSENT_MAX), 2);
    CHECK_STR (absent[0], "ARM");
    CHECK_STR (absent[1], "UNH");
    CHECK_INT (us_universe_absent (u, absent, 1), 2);
    CHECK_INT (us_universe_absent (u, NULL, 0), 2);
    CHECK (s_find (u, "UNH") != NULL);

    //  A record with a garbled exchange code is skipped.
    eod_cod_record_t rec = {0};
    rec.line = 42;
    rec.symbol = "ARM";
    rec.exchange_code = "nasdaq";
    rec.exchange_name = rec.korea_name = rec.english_name = rec.security_type = "";
    us_universe_add_master (u, &rec);
    CHECK_INT (us_universe_absent (u, NULL, 0), 2);
    rec.exchange_code = "NAS";
    rec.english_name = "ARM HOLDINGS PLC";
    us_universe_add_master (u, &rec);
    CHECK_INT (us_universe_absent (u, absent, ABSENT_MAX), 1);
    CHECK_STR (absent[0], "UNH");
    i = s_find (u, "ARM");
    CHECK (i && strcmp (i->english_name, "ARM HOLDINGS PLC") == 0);
    us_universe_destroy (&u);
}

//  A name longer than its buffer is cut on a character boundary.
static void
test_truncation (void)
{
    us_universe_t *u = us_universe_new ();
    CHECK (u != NULL);
    if (!u)
        return;
    char name[400] = "";
    size_t n = 0;
    //  "가" is 3 bytes; 100 of them cannot fit in korea_name [128].
    for (int k = 0; k < 100; k++) {
        memcpy (name + n, "가", 3);
        n += 3;
    }
    name[n] = '\0';
    eod_wiki_row_t row = {(char *) "ZZZ", name, (char *) "", (char *) ""};
    eod_wiki_table_t t = {&row, 1, 0};
    CHECK_INT (us_universe_add_index (u, US_UNIVERSE_DOW30, &t), 0);
    eod_cod_record_t rec = {0};
    rec.symbol = "ZZZ";
    rec.exchange_code = "NYS";
    rec.exchange_name = rec.english_name = rec.security_type = "";
    rec.korea_name = name;
    us_universe_add_master (u, &rec);
    const us_instrument_t *i = s_find (u, "ZZZ");
    CHECK (i != NULL);
    if (i) {
        //  126 bytes is the last multiple of 3 below 128.
        CHECK_INT (strlen (i->korea_name), 126);
        CHECK_INT (strlen (i->company), 159 / 3 * 3);
    }
    us_universe_destroy (&u);
}

int
main (void)
{
    eod_log_init ("test_us_universe");
    test_indexes ();
    test_extras ();
    test_masters ();
    test_truncation ();
    return EOD_TEST_DONE ();
}
