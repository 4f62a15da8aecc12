/*  test_lister_listing — raw drafts made a listing: a code met twice kept
    once (the first), the run id over the distinct codes, a --codes file
    narrowing what is listed (not the run id), a KR backfill's drafts
    keeping only the name, a backfill's sessions in chunks of 100 from the
    calendar, a calendar that cannot say (nothing listed), a directory the
    listing cannot be kept in, and the LISTED made of it. */
#include "eod_test.h"

#include "codes.h"
#include "eod_cal.h"
#include "eod_config.h"
#include "eod_date.h"
#include "eod_log.h"
#include "listing.h"
#include "run_id.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CALENDARS EOD_SOURCE_DIR "/config/calendars"
#define CODE_WIDTH 10
#define CHUNK 100           //  sessions a chunk holds at most
#define YEAR_SESSIONS 400   //  room for a year of sessions

static char dir[64];
static eod_config_t *cfg;

//  A JOB as the calendar gate sends it.
static eod_msg_t *
s_job (const char *market, const char *mode, const char *from, const char *to)
{
    eod_msg_t *job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&job->run_id, "gate-run");
    eod_msg_set (&job->market, market);
    eod_msg_set (&job->mode, mode);
    eod_msg_set (&job->date_from, from);
    eod_msg_set (&job->date_to, to);
    return job;
}

//  One listing made: the job, the raw spool and codes it was made from, the
//  listing (NULL when it could not be) and err.
typedef struct {
    eod_msg_t *job;
    lister_spool_t *raw;
    lister_codes_t *codes;
    lister_listing_t *listing;
    char err[256];
} case_t;

//  Makes the listing of job (taken) in dir `in` under config, from the raw
//  drafts the sources would leave: 005930 twice (the second named
//  otherwise), 247540 and 0004Y0, with master values.
static lister_listing_t *
s_make (case_t *c, eod_msg_t *job, const eod_config_t *config, const char *in)
{
    memset (c, 0, sizeof *c);
    c->job = job;
    char path[128];
    snprintf (path, sizeof path, "%s/raw", dir);
    c->raw = lister_spool_new (path);
    c->codes = lister_codes_new (CODE_WIDTH);
    const char *rows[][2] = {{"005930", "Samsung"}, {"247540", "EcoPro"}, {"005930", "Second"}, {"0004Y0", "Spac"}};
    for (size_t i = 0; c->raw && c->codes && i < sizeof rows / sizeof rows[0]; i++) {
        eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
        eod_msg_set (&t->run_id, job->run_id);
        eod_msg_set (&t->task_id, rows[i][0]);
        eod_msg_set (&t->market, job->market);
        eod_msg_set (&t->mode, job->mode);
        eod_msg_set (&t->date_from, job->date_from);
        eod_msg_set (&t->date_to, job->date_to);
        eod_msg_set (&t->code, rows[i][0]);
        eod_fields_set (&t->meta, "name", rows[i][1]);
        eod_fields_set (&t->meta, "roe", "9.1");
        CHECK_INT (lister_spool_append (c->raw, t), 0);
        CHECK_INT (lister_codes_add (c->codes, rows[i][0]), 0);
        eod_msg_destroy (&t);
    }
    c->listing = lister_listing_new (config, in, job, c->raw, c->codes, CODE_WIDTH, c->err, sizeof c->err);
    return c->listing;
}

static void
s_case_free (case_t *c)
{
    lister_listing_destroy (&c->listing);
    lister_spool_destroy (&c->raw);
    lister_codes_destroy (&c->codes);
    eod_msg_destroy (&c->job);
}

//  Reads the listing's drafts back into out (codes), checking each has the
//  run id; returns how many.
static size_t
s_drafts (lister_listing_t *listing, eod_msg_t **out, size_t max)
{
    lister_spool_t *drafts = lister_listing_drafts (listing);
    size_t n = 0;
    eod_msg_t *t = NULL;
    CHECK_INT (lister_spool_rewind (drafts), 0);
    while (n < max && lister_spool_next (drafts, &t) == 1) {
        CHECK_STR (t->run_id, lister_listing_run_id (listing));
        out[n++] = t;
        t = NULL;
    }
    return n;
}

static void
s_free (eod_msg_t **msgs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        eod_msg_destroy (&msgs[i]);
}

//  The run id of the fixture's distinct codes on a KR daily of 2024-09-02.
static void
s_daily_id (char id[LISTER_RUN_ID_LEN + 1])
{
    char *distinct[] = {"005930", "247540", "0004Y0"};
    CHECK_INT (lister_run_id ("kr", "daily", "2024-09-02", "2024-09-02", distinct, 3, id), 0);
}

static void
test_daily (void)
{
    case_t c;
    lister_listing_t *listing = s_make (&c, s_job ("kr", "daily", "2024-09-02", "2024-09-02"), cfg, dir);
    CHECK (listing != NULL);
    if (!listing) {
        s_case_free (&c);
        return;
    }
    char want[LISTER_RUN_ID_LEN + 1];
    s_daily_id (want);
    CHECK_STR (lister_listing_run_id (listing), want);
    CHECK_INT (lister_listing_count (listing), 3);
    zlistx_t *chunks = lister_listing_chunks (listing);
    CHECK (chunks && zlistx_size (chunks) == 1);
    CHECK_STR (chunks ? zlistx_first (chunks) : NULL, "2024-09-02 2024-09-02");
    eod_msg_t *got[8];
    size_t n = s_drafts (listing, got, 8);
    CHECK_INT (n, 3);
    if (n == 3) {
        //  In the order of the sources, the first 005930 kept; a daily draft keeps its values.
        CHECK_STR (got[0]->code, "005930");
        CHECK_STR (eod_fields_get (&got[0]->meta, "name"), "Samsung");
        CHECK_STR (eod_fields_get (&got[0]->meta, "roe"), "9.1");
        CHECK_STR (got[1]->code, "247540");
        CHECK_STR (got[2]->code, "0004Y0");
        CHECK_STR (got[2]->market, "kr");
        CHECK_STR (got[2]->mode, "daily");
    }
    s_free (got, n);

    //  LISTED: the job's run, the listing's name and count, the summary and notes.
    CHECK (lister_listing_listed (listing) == NULL);
    eod_fields_t summary = EOD_FIELDS_INIT;
    eod_fields_set (&summary, "kospi_records", "4");
    zlistx_t *absent = zlistx_new ();
    zlistx_add_end (absent, "ZZZ absent from the KIS master files");
    const eod_msg_t *listed = lister_listing_make_listed (listing, c.job, &summary, absent);
    CHECK (listed != NULL && listed == lister_listing_listed (listing));
    if (listed) {
        CHECK_INT (listed->type, EOD_MSG_LISTED);
        CHECK_STR (listed->run_id, want);
        CHECK_STR (listed->market, "kr");
        CHECK_STR (listed->mode, "daily");
        CHECK_STR (listed->date_from, "2024-09-02");
        CHECK_STR (listed->date_to, "2024-09-02");
        CHECK_INT (listed->count, 3);
        CHECK_STR (eod_fields_get (&listed->meta, "kospi_records"), "4");
        CHECK_INT (listed->nlist, 1);
        CHECK_STR (listed->nlist ? listed->list[0] : NULL, "ZZZ absent from the KIS master files");
    }
    zlistx_destroy (&absent);
    eod_fields_clear (&summary);
    char spool[128];
    snprintf (spool, sizeof spool, "%s", lister_spool_path (lister_listing_drafts (listing)));
    CHECK (access (spool, F_OK) == 0);
    lister_listing_destroy (&c.listing);
    CHECK (c.listing == NULL);
    CHECK (access (spool, F_OK) != 0);   //  the listing's spool goes with it
    lister_listing_destroy (&c.listing);
    s_case_free (&c);
}

static void
test_codes_file (void)
{
    char path[128];
    snprintf (path, sizeof path, "%s/codes.txt", dir);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (!f)
        return;
    fputs ("# wanted\n\n  247540  \nTOOLONGFORKR1\n999999\n", f);
    fclose (f);
    eod_msg_t *job = s_job ("kr", "daily", "2024-09-02", "2024-09-02");
    eod_fields_set (&job->meta, "codes_file", path);
    case_t c;
    lister_listing_t *listing = s_make (&c, job, cfg, dir);
    CHECK (listing != NULL);
    if (listing) {
        //  Only 247540 is listed; the run id still names the whole universe.
        char want[LISTER_RUN_ID_LEN + 1];
        s_daily_id (want);
        CHECK_STR (lister_listing_run_id (listing), want);
        CHECK_INT (lister_listing_count (listing), 1);
        eod_msg_t *got[4];
        size_t n = s_drafts (listing, got, 4);
        CHECK_INT (n, 1);
        CHECK_STR (n ? got[0]->code : NULL, "247540");
        s_free (got, n);
    }
    s_case_free (&c);
    unlink (path);
    //  A codes file that cannot be read lists nothing.
    job = s_job ("kr", "daily", "2024-09-02", "2024-09-02");
    eod_fields_set (&job->meta, "codes_file", "/nonexistent/codes.txt");
    listing = s_make (&c, job, cfg, dir);
    CHECK (listing != NULL);
    CHECK_INT (listing ? lister_listing_count (listing) : -1, 0);
    s_case_free (&c);
}

typedef struct {
    eod_date_t dates[YEAR_SESSIONS];
    size_t n;
} sessions_t;

static int
s_session (eod_date_t date, int open_min, int close_min, void *arg)
{
    (void) open_min;
    (void) close_min;
    sessions_t *s = arg;
    if (s->n < YEAR_SESSIONS)
        s->dates[s->n++] = date;
    return 0;
}

static void
test_backfill (void)
{
    //  US 2024: the year's sessions from the calendar, in chunks of 100.
    sessions_t s = {.n = 0};
    eod_cal_t *cal = eod_cal_new (CALENDARS);
    eod_date_t from, to;
    eod_date_parse ("2024-01-01", &from);
    eod_date_parse ("2024-12-31", &to);
    CHECK (cal && eod_cal_sessions (cal, EOD_MARKET_US, from, to, s_session, &s) >= 0);
    eod_cal_destroy (&cal);
    CHECK (s.n > 2 * CHUNK && s.n < 3 * CHUNK);
    case_t c;
    lister_listing_t *listing = s_make (&c, s_job ("us", "backfill", "2024-01-01", "2024-12-31"), cfg, dir);
    CHECK (listing != NULL);
    zlistx_t *chunks = listing ? lister_listing_chunks (listing) : NULL;
    CHECK (chunks && zlistx_size (chunks) == 3);
    if (chunks && zlistx_size (chunks) == 3 && s.n > 2 * CHUNK) {
        size_t firsts[] = {0, CHUNK, 2 * CHUNK}, lasts[] = {CHUNK - 1, 2 * CHUNK - 1, s.n - 1};
        const char *range = zlistx_first (chunks);
        for (size_t i = 0; i < 3; i++, range = zlistx_next (chunks)) {
            char a[11], b[11], want[32];
            eod_date_format (s.dates[firsts[i]], a, sizeof a);
            eod_date_format (s.dates[lasts[i]], b, sizeof b);
            snprintf (want, sizeof want, "%s %s", a, b);
            CHECK_STR (range, want);
        }
    }
    CHECK_INT (listing ? lister_listing_count (listing) : 0, 3 * 3);
    //  A US backfill's drafts keep their values.
    eod_msg_t *got[4];
    size_t n = listing ? s_drafts (listing, got, 4) : 0;
    CHECK_STR (n ? eod_fields_get (&got[0]->meta, "roe") : NULL, "9.1");
    s_free (got, n);
    s_case_free (&c);

    //  KR: a week without holidays is one chunk; a backfilled draft keeps
    //  the master file's columns (the writer decides which rows show them).
    listing = s_make (&c, s_job ("kr", "backfill", "2024-09-02", "2024-09-06"), cfg, dir);
    CHECK (listing != NULL);
    chunks = listing ? lister_listing_chunks (listing) : NULL;
    CHECK (chunks && zlistx_size (chunks) == 1);
    CHECK_STR (chunks ? zlistx_first (chunks) : NULL, "2024-09-02 2024-09-06");
    n = listing ? s_drafts (listing, got, 4) : 0;
    CHECK_INT (n, 3);
    if (n) {
        CHECK (got[0]->meta.count > 1);
        CHECK_STR (eod_fields_get (&got[0]->meta, "name"), "Samsung");
        CHECK_STR (eod_fields_get (&got[0]->meta, "roe"), "9.1");
    }
    s_free (got, n);
    s_case_free (&c);
}

static void
test_no_calendar (void)
{
    char err[256] = "";
    eod_config_t *nocal = eod_config_load (NULL, err, sizeof err);
    CHECK (nocal && eod_config_set (nocal, "pipeline:calendar_dir", "/nonexistent", err, sizeof err) == 0);
    //  The sessions cannot be enumerated (logged): a listing of nothing.
    case_t c;
    lister_listing_t *listing = s_make (&c, s_job ("kr", "backfill", "2024-09-02", "2024-09-06"), nocal, dir);
    CHECK (listing != NULL);
    CHECK (listing && lister_listing_chunks (listing) == NULL);
    CHECK_INT (listing ? lister_listing_count (listing) : -1, 0);
    CHECK_INT (listing ? lister_spool_count (lister_listing_drafts (listing)) : 1, 0);
    s_case_free (&c);
    eod_config_destroy (&nocal);
}

static void
test_unwritable (void)
{
    case_t c;
    CHECK (s_make (&c, s_job ("kr", "daily", "2024-09-02", "2024-09-02"), cfg, "/proc/nonexistent") == NULL);
    CHECK_STR (c.err, "the listing cannot be kept in /proc/nonexistent (see the log)");
    s_case_free (&c);
}

int
main (void)
{
    eod_log_init ("test_lister_listing");
    char err[256];
    snprintf (dir, sizeof dir, "/tmp/test_lister_listing_XXXXXX");
    cfg = eod_config_load (NULL, err, sizeof err);
    CHECK (cfg && eod_config_set (cfg, "pipeline:calendar_dir", CALENDARS, err, sizeof err) == 0);
    //  The TASKs alone: the cross-check's BATCHes are test_lister_batches'.
    CHECK (eod_config_set (cfg, "multiquote:cross_check", "false", err, sizeof err) == 0);
    CHECK (mkdtemp (dir) != NULL);
    test_daily ();
    test_codes_file ();
    test_backfill ();
    test_no_calendar ();
    test_unwritable ();
    eod_config_destroy (&cfg);
    rmdir (dir);
    return EOD_TEST_DONE ();
}
