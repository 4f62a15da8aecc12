/*  test_lister_universe_diff — the universe snapshot: the comparison of two
    memberships (universe_diff.h), the state directory's two snapshots and
    their rotation, the summary line; and the lists a snapshot writes
    (codelists.h, codelist_columns.h) from real master records. */
#include "eod_test.h"

#include "codelists.h"
#include "eod_log.h"
#include "eod_util.h"
#include "master_fixtures.h"
#include "universe_diff.h"

#include <sys/stat.h>

static const lister_udiff_set_t *
s_set (const lister_udiff_t *d, const char *name)
{
    for (size_t i = 0; i < d->nsets; i++)
        if (strcmp (d->sets[i].name, name) == 0)
            return &d->sets[i];
    return NULL;
}

static void
test_compare (void)
{
    const char *prev = "KRX300\t005930\nKRX300\t000660\nuniverse\t005930\n#comment\n\nnotab\nKRX300\t005930\n";
    const char *cur = "universe\t005930\nKRX300\t005930\nKRX300\t035720\nKRX300\t247540\nKOSDAQ150\t247540\n";
    lister_udiff_t d;
    CHECK_INT (lister_udiff_compare (prev, strlen (prev), cur, strlen (cur), &d), 0);
    CHECK_INT (d.entered, 3);
    CHECK_INT (d.left, 1);
    const lister_udiff_set_t *k = s_set (&d, "KRX300");
    CHECK (k != NULL);
    if (k) {
        CHECK_INT (k->before, 2);   //  a pair listed twice counts once
        CHECK_INT (k->after, 3);
        CHECK_INT (k->entered, 2);
        CHECK_STR (k->entered_codes, "035720, 247540");
        CHECK_INT (k->left, 1);
        CHECK_STR (k->left_codes, "000660");
    }
    const lister_udiff_set_t *u = s_set (&d, "universe");
    CHECK (u && u->entered == 0 && u->left == 0 && u->after == 1);
    const lister_udiff_set_t *q = s_set (&d, "KOSDAQ150");
    CHECK (q && q->entered == 1 && q->before == 0);
    CHECK (s_set (&d, "notab") == NULL);

    //  More codes than are named: the count is whole, the names stop.
    char big[4096] = "";
    size_t used = 0;
    for (int i = 0; i < 12; i++)
        used += (size_t) snprintf (big + used, sizeof big - used, "S&P500\tT%02d\n", i);
    CHECK_INT (lister_udiff_compare ("", 0, big, used, &d), 0);
    CHECK_INT (d.sets[0].entered, 12);
    CHECK_STR (d.sets[0].entered_codes, "T00, T01, T02, T03, T04");
    char text[LISTER_UDIFF_TEXT];
    snprintf (d.since, sizeof d.since, "2024-09-02");
    lister_udiff_text (&d, text, sizeof text);
    CHECK_STR (text, "since 2024-09-02: S&P500 +12 (T00, T01, T02, T03, T04, ...)");

    //  Nothing changed.
    CHECK_INT (lister_udiff_compare (cur, strlen (cur), cur, strlen (cur), &d), 0);
    CHECK_INT (d.entered + d.left, 0);
    snprintf (d.since, sizeof d.since, "2024-09-02");
    lister_udiff_text (&d, text, sizeof text);
    CHECK_STR (text, "since 2024-09-02: no change");
    //  A tiny buffer is cut, never overrun.
    char small[12];
    lister_udiff_text (&d, small, sizeof small);
    CHECK_INT (strlen (small), sizeof small - 1);
}

static void
test_update (void)
{
    char dir[] = "/tmp/eod-udiff.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    char state[256], err[256] = "", text[LISTER_UDIFF_TEXT];
    snprintf (state, sizeof state, "%s/universe/kr", dir);
    const char *day1 = "DOW30\tAAPL\nDOW30\tIBM\n";
    const char *day2 = "DOW30\tAAPL\nDOW30\tNVDA\n";
    const char *day3 = "DOW30\tNVDA\n";
    lister_udiff_t d;
    //  First run: nothing to compare with.
    CHECK_INT (lister_udiff_update (state, "2024-09-02", day1, strlen (day1), &d, err, sizeof err), 0);
    CHECK (d.first);
    lister_udiff_text (&d, text, sizeof text);
    CHECK_STR (text, "first snapshot: nothing to compare with");
    //  The next day: compared with the first.
    CHECK_INT (lister_udiff_update (state, "2024-09-03", day2, strlen (day2), &d, err, sizeof err), 0);
    CHECK (!d.first);
    CHECK_STR (d.since, "2024-09-02");
    lister_udiff_text (&d, text, sizeof text);
    CHECK_STR (text, "since 2024-09-02: DOW30 +1 (NVDA) -1 (IBM)");
    //  The same day again (a re-run): the same base, the same changes.
    CHECK_INT (lister_udiff_update (state, "2024-09-03", day2, strlen (day2), &d, err, sizeof err), 0);
    CHECK_STR (d.since, "2024-09-02");
    CHECK_INT (d.entered, 1);
    CHECK_INT (d.left, 1);
    //  A later day compares with the latest earlier one.
    CHECK_INT (lister_udiff_update (state, "2024-09-05", day3, strlen (day3), &d, err, sizeof err), 0);
    CHECK_STR (d.since, "2024-09-03");
    CHECK_INT (d.entered, 0);
    CHECK_INT (d.left, 1);
    //  A clock set back: no snapshot of an earlier day is held any more.
    CHECK_INT (lister_udiff_update (state, "2024-09-01", day1, strlen (day1), &d, err, sizeof err), 0);
    CHECK (d.first);
    //  A day that is not a date, a state path that cannot be made.
    CHECK_INT (lister_udiff_update (state, "../../x", day1, strlen (day1), &d, err, sizeof err), -1);
    CHECK (strstr (err, "not a date") != NULL);
    char blocked[300];
    snprintf (blocked, sizeof blocked, "%s/file", dir);
    CHECK_INT (eod_write_file_atomic (blocked, "x", 1, 0600), 0);
    snprintf (state, sizeof state, "%s/file/kr", dir);
    CHECK_INT (lister_udiff_update (state, "2024-09-02", day1, strlen (day1), &d, err, sizeof err), -1);
    CHECK (d.first);
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT (system (cmd), 0);
}

static int
s_snapshot_rec (const eod_master_record_t *rec, void *arg)
{
    return lister_codelists_kr (arg, rec->kind, rec, strcmp (rec->short_code, "005930") == 0);
}

static void
test_lists (void)
{
    //  The widths of each KR list sum to its record's tail.
    const lister_column_t *cols;
    size_t n = lister_list_columns (LISTER_LIST_KOSPI, &cols), sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += cols[i].width;
    CHECK_INT (n, 73);
    CHECK_INT (sum, EOD_MASTER_KOSPI_RECORD_LEN - EOD_MASTER_HEAD_LEN);
    n = lister_list_columns (LISTER_LIST_KOSDAQ, &cols), sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += cols[i].width;
    CHECK_INT (n, 67);
    CHECK_INT (sum, EOD_MASTER_KOSDAQ_RECORD_LEN - EOD_MASTER_HEAD_LEN);

    char dir[] = "/tmp/eod-lists.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    char err[256] = "";
    CHECK (lister_codelists_new (dir, "../kr", "2024-09-02", err, sizeof err) == NULL);
    CHECK (lister_codelists_new (dir, "kr", "2024-13-02", err, sizeof err) == NULL);
    lister_codelists_t *snap = lister_codelists_new (dir, "kr", "2024-09-02", err, sizeof err);
    CHECK (snap != NULL);
    if (!snap)
        return;
    size_t len = 0;
    char *kospi = master_cp949 (master_samsung, &len);
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSPI, kospi, len, "kospi_code.mst", s_snapshot_rec, snap, NULL), 0);
    free (kospi);
    char *kosdaq = master_cp949 (master_ecopro, &len);
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, kosdaq, len, "kosdaq_code.mst", s_snapshot_rec, snap, NULL), 0);
    free (kosdaq);
    char path[300];
    snprintf (path, sizeof path, "%s/codes/market=kr/dt=2024-09-02/kospi_code_20240902.csv", dir);
    CHECK (access (path, F_OK) != 0);   //  nothing under the name before the commit
    CHECK_INT (lister_codelists_commit (snap, err, sizeof err), 0);
    size_t mlen;
    const char *members = lister_codelists_members (snap, &mlen);
    CHECK (strstr (members, "KRX300\t005930\n") != NULL);
    CHECK (strstr (members, "KOSPI\t005930\n") != NULL);
    CHECK (strstr (members, "KOSPI200\t005930\n") != NULL);
    CHECK (strstr (members, "universe\t005930\n") != NULL);
    CHECK (strstr (members, "KOSDAQ\t247540\n") != NULL);
    CHECK (strstr (members, "KOSDAQ150\t247540\n") != NULL);
    CHECK (strstr (members, "universe\t247540\n") == NULL);
    //  Every membership, in the tail's column order, then the market and the universe.
    CHECK_STR (members, "KOSPI200\t005930\nKOSPI100\t005930\nKOSPI50\t005930\nKRX100\t005930\nKRX300\t005930\n"
                        "KOSPI\t005930\nuniverse\t005930\nKRX100\t247540\nKOSDAQ150\t247540\nKRX300\t247540\n"
                        "KOSDAQ\t247540\n");
    lister_codelists_destroy (&snap);
    char *text = eod_read_file (path, 1 << 20, &len);
    CHECK (text != NULL);
    if (text) {
        CHECK (strncmp (text, "단축코드,표준코드,한글종목명,그룹코드,시가총액규모,",
                        strlen ("단축코드,표준코드,한글종목명,그룹코드,시가총액규모,"))
               == 0);
        //  The record's fields, trimmed, as the file has them (ROE, 기준년월, 시가총액, 그룹사코드, flags).
        CHECK (strstr (text, "\n005930,KR7005930003,삼성전자,ST,1,0027,0013,0000,") != NULL);
        CHECK (strstr (text, ",000031.39,20260630,015726489,511,N,N,N\n") != NULL);
        free (text);
    }
    snprintf (path, sizeof path, "%s/codes/market=kr/dt=2024-09-02/kosdaq_code_20240902.csv", dir);
    CHECK (access (path, F_OK) == 0);
    snprintf (path, sizeof path, "%s/codes/market=kr/dt=2024-09-02/us_market_stock_20240902.csv", dir);
    CHECK (access (path, F_OK) != 0);
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT (system (cmd), 0);
}

int
main (void)
{
    eod_log_init ("test_lister_universe_diff");
    test_compare ();
    test_update ();
    test_lists ();
    return EOD_TEST_DONE ();
}
