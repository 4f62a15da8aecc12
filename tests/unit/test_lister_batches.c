/*  test_lister_batches — the cross-check's plan and the BATCHes of a
    listing, through a recording send instead of sockets: on for a daily KR
    run, off by the JOB's flag, by the config and on the mock host, nothing
    for US and a backfill; the fast close sends BATCHes only; 65 codes make
    batches of 30, 30 and 5 numbered from 00001 in the order listed, dated
    the session, and LISTED counts TASKs and BATCHes; a BATCH that does not
    go out stops the rest. */
#include "lister_fixture.h"

#include "batches.h"
#include "eod_date.h"
#include "eod_log.h"
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CALENDARS EOD_SOURCE_DIR "/config/calendars"
#define CODE_WIDTH 10
#define NCODES 65
#define SESSION "2024-01-05"

static char dir[64];
static eod_config_t *cfg;

static eod_msg_t *
s_job (const char *market, const char *mode, const char *flag)
{
    eod_msg_t *job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&job->run_id, "gate-run");
    eod_msg_set (&job->market, market);
    eod_msg_set (&job->mode, mode);
    eod_msg_set (&job->date_from, SESSION);
    eod_msg_set (&job->date_to, SESSION);
    if (flag)
        eod_fields_set (&job->meta, LISTER_META_CROSS_CHECK, flag);
    return job;
}

static void
s_set (const char *name, const char *value)
{
    char err[256] = "";
    CHECK (eod_config_set (cfg, name, value, err, sizeof err) == 0);
}

static bool s_window_over;   //  what s_plan says of the window

static void
s_plan (const char *market, const char *mode, const char *flag, bool tasks, size_t size, const char *says)
{
    eod_msg_t *job = s_job (market, mode, flag);
    lister_batches_plan_t plan = lister_batches_plan (cfg, job, s_window_over);
    CHECK_INT (plan.tasks, tasks);
    CHECK_INT (plan.size, size);
    if (says)
        CHECK_STR (plan.cross_check, says);
    else
        CHECK (plan.cross_check == NULL);
    eod_msg_destroy (&job);
}

//  The window of 2024-09-02 (a Monday; the next session Tuesday 09:00) by
//  the shipped calendar: over at 08:00 and 09:05 of the next session's day
//  and a week later, not at 17:59 (not begun) nor 18:30 of the day.
static bool
s_over_at (const char *market, const char *mode, const char *instant)
{
    time_t at = 0;
    CHECK (eod_instant_parse (instant, &at) == 0);
    eod_msg_t *job = s_job (market, mode, NULL);
    eod_msg_set (&job->date_from, "2024-09-02");
    eod_msg_set (&job->date_to, "2024-09-02");
    bool over = lister_batches_window_over (cfg, job, at);
    eod_msg_destroy (&job);
    return over;
}

static void
test_window (void)
{
    CHECK (!s_over_at ("kr", "daily", "2024-09-02T17:59:00+09:00"));
    CHECK (!s_over_at ("kr", "daily", "2024-09-02T18:30:00+09:00"));
    CHECK (!s_over_at ("kr", "daily", "2024-09-03T07:58:00+09:00"));
    CHECK (s_over_at ("kr", "daily", "2024-09-03T08:00:00+09:00"));
    CHECK (s_over_at ("kr", "daily", "2024-09-03T09:05:00+09:00"));
    CHECK (s_over_at ("kr", "daily", "2024-09-10T18:30:00+09:00"));
    CHECK (!s_over_at ("kr", "backfill", "2024-09-10T18:30:00+09:00"));
    CHECK (!s_over_at ("us", "daily", "2024-09-10T18:30:00+09:00"));
    CHECK (!s_over_at ("kr", "close", "2024-09-10T18:30:00+09:00"));
}

static void
test_plan (void)
{
    s_plan ("kr", "daily", NULL, true, 30, "on");
    s_plan ("kr", "daily", "off", true, 0, "off (flag)");
    //  Any other value of the flag is not off.
    s_plan ("kr", "daily", "on", true, 30, "on");
    s_plan ("kr", "backfill", NULL, true, 0, NULL);
    s_plan ("us", "daily", NULL, true, 0, NULL);
    s_plan ("kr", "close", NULL, false, 30, NULL);
    s_plan ("us", "close", NULL, false, 0, NULL);
    s_set ("multiquote:batch_size", "7");
    s_plan ("kr", "daily", NULL, true, 7, "on");
    s_set ("multiquote:cross_check", "false");
    s_plan ("kr", "daily", NULL, true, 0, "off (config)");
    //  The flag is said before the config.
    s_plan ("kr", "daily", "off", true, 0, "off (flag)");
    s_set ("multiquote:cross_check", "true");
    s_set ("kis:env", "test");
    s_plan ("kr", "daily", NULL, true, 0, "mock host");
    s_plan ("kr", "close", NULL, false, 0, NULL);
    s_set ("kis:env", "live");
    s_set ("multiquote:batch_size", "30");
    //  The window of the session over: no batch, and LISTED says why; the
    //  flag, the config and the host are said first. A backfill, US and the
    //  fast close (whose calendar gate refuses it then) are as they were.
    s_window_over = true;
    s_plan ("kr", "daily", NULL, true, 0, "off (window)");
    s_plan ("kr", "daily", "off", true, 0, "off (flag)");
    s_plan ("kr", "backfill", NULL, true, 0, NULL);
    s_plan ("us", "daily", NULL, true, 0, NULL);
    s_plan ("kr", "close", NULL, false, 30, NULL);
    s_window_over = false;
    CHECK_INT (lister_batches_count (0, 30), 0);
    CHECK_INT (lister_batches_count (30, 30), 1);
    CHECK_INT (lister_batches_count (31, 30), 2);
    CHECK_INT (lister_batches_count (31, 0), 0);
}

//  A KR listing of NCODES codes (006500, 006400, ..., 000100: out of
//  sorted order, the batches keep the listed order) for mode.
static lister_listing_t *
s_listing (const char *mode, const char *flag)
{
    eod_msg_t *job = s_job ("kr", mode, flag);
    static char text[NCODES][16];
    const char *codes[NCODES];
    for (int i = 0; i < NCODES; i++) {
        snprintf (text[i], sizeof text[i], "%06d", (NCODES - i) * 100);
        codes[i] = text[i];
    }
    lister_listing_t *listing = fixture_listing (cfg, dir, job, codes, NCODES, CODE_WIDTH);
    eod_msg_destroy (&job);
    return listing;
}

static void
s_check_batches (fixture_sink_t *c, size_t first, const char *run_id)
{
    const size_t sizes[] = {30, 30, 5};
    int code = NCODES;
    for (size_t b = 0; b < 3 && first + b < c->nsent; b++) {
        eod_msg_t *m = c->sent[first + b];
        char id[32];
        snprintf (id, sizeof id, "kr-mq-20240105-%05zu", b + 1);
        CHECK_INT (m->type, EOD_MSG_BATCH);
        CHECK_STR (m->task_id, id);
        CHECK_STR (m->run_id, run_id);
        CHECK_STR (m->market, "kr");
        CHECK_STR (m->date_from, SESSION);
        CHECK_STR (m->date_to, SESSION);
        CHECK_INT (m->nlist, sizes[b]);
        for (size_t i = 0; i < m->nlist; i++, code--) {
            char want[16];
            snprintf (want, sizeof want, "%06d", code * 100);
            CHECK_STR (m->list[i], want);
        }
    }
}

static void
test_daily (void)
{
    lister_listing_t *listing = s_listing ("daily", NULL);
    if (!listing)
        return;
    const eod_msg_t *listed = lister_listing_listed (listing);
    CHECK_INT (listed->count, NCODES + 3);
    CHECK_STR (eod_fields_get (&listed->meta, "batches"), "3");
    CHECK_STR (eod_fields_get (&listed->meta, "cross_check"), "on");
    fixture_sink_t c = {.nsent = 0};
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), 0);
    CHECK_INT (c.nsent, NCODES + 3);
    if (c.nsent == NCODES + 3) {
        for (size_t i = 0; i < NCODES; i++)
            CHECK_INT (c.sent[i]->type, EOD_MSG_TASK);
        s_check_batches (&c, NCODES, lister_listing_run_id (listing));
    }
    fixture_sink_forget (&c);
    //  The second BATCH does not go out: the third is not tried.
    c.fail_at = NCODES + 2;
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), -1);
    CHECK_INT (c.nsent, NCODES + 1);
    fixture_sink_forget (&c);
    lister_listing_destroy (&listing);

    //  Off by the flag: TASKs only, and LISTED says why.
    listing = s_listing ("daily", "off");
    if (!listing)
        return;
    listed = lister_listing_listed (listing);
    CHECK_INT (listed->count, NCODES);
    CHECK_STR (eod_fields_get (&listed->meta, "batches"), "0");
    CHECK_STR (eod_fields_get (&listed->meta, "cross_check"), "off (flag)");
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), 0);
    CHECK_INT (c.nsent, NCODES);
    fixture_sink_forget (&c);
    lister_listing_destroy (&listing);
}

static void
test_close (void)
{
    lister_listing_t *listing = s_listing ("close", NULL);
    if (!listing)
        return;
    const eod_msg_t *listed = lister_listing_listed (listing);
    CHECK_INT (listed->count, 3);
    CHECK_STR (listed->mode, "close");
    CHECK_STR (eod_fields_get (&listed->meta, "batches"), "3");
    CHECK (eod_fields_get (&listed->meta, "cross_check") == NULL);
    fixture_sink_t c = {.nsent = 0};
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), 0);
    CHECK_INT (c.nsent, 3);
    s_check_batches (&c, 0, lister_listing_run_id (listing));
    fixture_sink_forget (&c);
    lister_listing_destroy (&listing);
}

int
main (void)
{
    eod_log_init ("test_lister_batches");
    //  The listings below are of SESSION, listed that evening: inside the
    //  quote's window (test_window: outside it).
    setenv ("EOD_NOW", SESSION "T18:30:00+09:00", 1);
    char err[256];
    snprintf (dir, sizeof dir, "/tmp/test_lister_batches_XXXXXX");
    cfg = eod_config_load (NULL, err, sizeof err);
    CHECK (cfg && eod_config_set (cfg, "pipeline:calendar_dir", CALENDARS, err, sizeof err) == 0);
    CHECK (mkdtemp (dir) != NULL);
    test_plan ();
    test_window ();
    test_daily ();
    test_close ();
    eod_config_destroy (&cfg);
    char path[128];
    snprintf (path, sizeof path, "%s/raw", dir);
    unlink (path);
    snprintf (path, sizeof path, "%s/listing.spool", dir);
    unlink (path);
    rmdir (dir);
    return EOD_TEST_DONE ();
}
