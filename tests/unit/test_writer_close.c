/*  test_writer_close — the fast close's file (stages/writer/close.c): the
    QUOTES of the session in the journal become one row per code quoted,
    sorted, in the data set's own folder with its columns; a quote asked
    outside the window, a QUOTES of another session or a failed one write
    nothing; the first quote of a code wins; validation's findings go to the
    file's own sidecar; a later fold that brings the gaps keeps the rows it
    had; the same journal folded again gives the same bytes. */
#include "close.h"
#include "eod_log.h"
#include "writer_fixture.h"

#define S_SESSION "2024-09-02"
#define S_ASKED "2024-09-02T18:30:00+09:00"
#define S_LATE "2024-09-03T09:05:00+09:00"
#define S_FILE "data/close/market=kr/dt=2024-09-02/kr_close_20240902.csv"
#define S_SIDECAR "data/anomalies/market=kr/dt=2024-09-02/kr_close_20240902_anomalies.csv"
#define S_HEADER "date,code,name,open,high,low,close,volume,value,prev_close,change,sign,rate\n"

static eod_cal_t *s_cal;
static eod_quote_window_t s_window;

static int
s_fold (const char *journal, fixture_files_t *files, writer_close_counts_t *counts)
{
    writer_close_conf_t conf = {.window = &s_window, .cal = s_cal, .rules = {.kr_limit_pct = 30, .us_move_pct = 50}};
    char path[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (path, journal);
    fixture_path (data, "data");
    return writer_close_fold (path, data, S_SESSION, &conf, fixture_on_file, files, counts);
}

static void
s_test_fold (void)
{
    const char *first[] = {"005930", "000660"}, *second[] = {"0004Y0", "005930"}, *late[] = {"035720"};
    eod_msg_t *msgs[] = {
        fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), first, 2),
        fixture_quotes ("kr-mq-20240902-00002", S_SESSION, fixture_instant (S_ASKED), second, 2),
        fixture_quotes ("kr-mq-20240902-00003", S_SESSION, fixture_instant (S_LATE), late, 1),
        fixture_quotes ("kr-mq-20240830-00001", "2024-08-30", fixture_instant (S_ASKED), late, 1),
        fixture_quotes ("kr-mq-20240902-00004", S_SESSION, fixture_instant (S_ASKED), late, 1),
    };
    //  000660's high below its close: a range finding. 005930 again in the
    //  second batch: the first quote wins. A failed batch has no rows.
    eod_fields_set (&msgs[0]->rows[1], "inter2_hgpr", "100");
    eod_fields_set (&msgs[0]->rows[1], "inter_kor_isnm", "SK hynix, \"A\"\n");   //  a line break: a space
    eod_fields_set (&msgs[1]->rows[1], "inter2_prpr", "999");
    eod_msg_set (&msgs[4]->status, "retryable");
    size_t order[] = {0, 1, 2, 3, 4};
    fixture_write_journal ("run.journal", msgs, order, 5);
    fixture_files_t files = {0};
    writer_close_counts_t counts;
    CHECK_INT (s_fold ("run.journal", &files, &counts), 0);
    CHECK_INT (counts.rows, 3);
    CHECK_INT (counts.quoted, 3);
    CHECK_INT (counts.window, 1);
    CHECK_INT (counts.findings, 1);
    CHECK_INT (files.count, 2);
    CHECK_STR (files.rel[0], "close/market=kr/dt=2024-09-02/kr_close_20240902.csv");
    CHECK_STR (files.date[0], S_SESSION);
    CHECK_INT (files.rows[0], 3);
    CHECK_STR (files.rel[1], "anomalies/market=kr/dt=2024-09-02/kr_close_20240902_anomalies.csv");
    char *text = fixture_read (S_FILE);
    CHECK_STR (text, S_HEADER "2024-09-02,0004Y0,Name 0004Y0,100,120,90,110,1000,110000,105,5,2,4.76\n"
                              "2024-09-02,000660,\"SK hynix, \"\"A\"\" \",100,100,90,110,1000,110000,105,5,2,4.76\n"
                              "2024-09-02,005930,Name 005930,100,120,90,110,1000,110000,105,5,2,4.76\n");
    char *sidecar = fixture_read (S_SIDECAR);
    CHECK (sidecar && strncmp (sidecar, "trade_date,code,kind,detail\n2024-09-02,000660,range,", 52) == 0);
    //  Folded again: the same bytes.
    files.count = 0;
    CHECK_INT (s_fold ("run.journal", &files, &counts), 0);
    char *again = fixture_read (S_FILE);
    CHECK_STR (again, text);
    free (again);
    //  A later run brings a gap (035720) and 000660 again, now clean: the
    //  rows it does not bring stay, 000660's finding goes.
    const char *gaps[] = {"035720", "000660"};
    eod_msg_t *later = fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), gaps, 2);
    size_t one[] = {0};
    fixture_write_journal ("later.journal", &later, one, 1);
    files.count = 0;
    CHECK_INT (s_fold ("later.journal", &files, &counts), 0);
    CHECK_INT (counts.rows, 4);
    CHECK_INT (counts.quoted, 2);
    CHECK_INT (files.count, 1);
    again = fixture_read (S_FILE);
    CHECK_STR (again, S_HEADER "2024-09-02,0004Y0,Name 0004Y0,100,120,90,110,1000,110000,105,5,2,4.76\n"
                               "2024-09-02,000660,Name 000660,100,120,90,110,1000,110000,105,5,2,4.76\n"
                               "2024-09-02,005930,Name 005930,100,120,90,110,1000,110000,105,5,2,4.76\n"
                               "2024-09-02,035720,Name 035720,100,120,90,110,1000,110000,105,5,2,4.76\n");
    CHECK (!fixture_exists (S_SIDECAR));
    free (again);
    free (text);
    free (sidecar);
    eod_msg_destroy (&later);
    for (size_t i = 0; i < 5; i++)
        eod_msg_destroy (&msgs[i]);
    //  A journal with no quote of the session writes nothing; a missing one
    //  neither; not a session: an error.
    const char *none[] = {"111111"};
    eod_msg_t *outside = fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_LATE), none, 1);
    fixture_write_journal ("outside.journal", &outside, one, 1);
    files.count = 0;
    CHECK_INT (s_fold ("outside.journal", &files, &counts), 0);
    CHECK_INT (files.count, 0);
    CHECK_INT (s_fold ("missing.journal", &files, &counts), 0);
    CHECK_INT (files.count, 0);
    writer_close_conf_t conf = {.window = &s_window, .cal = s_cal};
    CHECK_INT (writer_close_fold ("/nonexistent", "/tmp", "2024-02-30", &conf, NULL, NULL, &counts), -1);
    eod_msg_destroy (&outside);
    const char *const *columns;
    CHECK_INT (writer_close_columns (&columns), 13);
    CHECK_STR (columns[9], "prev_close");
}

int
main (void)
{
    if (fixture_begin ("test_writer_close"))
        return 1;
    s_cal = fixture_quote_window (&s_window);
    if (s_cal)
        s_test_fold ();
    eod_cal_destroy (&s_cal);
    fixture_end ();
    return EOD_TEST_DONE ();
}
