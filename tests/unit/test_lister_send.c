/*  test_lister_send — the listing's TASKs and its confirmation, through a
    recording send and a scripted coordinator instead of sockets: one TASK
    per code and chunk with its task id and dates, a send that stops going
    out, a listing with no chunks; a confirmation that is complete at once,
    one that waits while the coordinator's figures move and resends when
    they stop, one the coordinator does not answer, and the bound on
    resends. */
#include "lister_fixture.h"

#include "eod_log.h"
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CALENDARS EOD_SOURCE_DIR "/config/calendars"
#define CODE_WIDTH 8
#define SCRIPT_MAX 32
#define CONFIRM_ROUNDS 10   //  resends the confirmation makes at the most

//  What the fake coordinator saw and will answer.
typedef struct {
    fixture_sink_t sink;                  //  first: fixture_send's arg
    lister_status_t script[SCRIPT_MAX];   //  answers in turn
    size_t nscript;
    bool repeat_last;   //  the last answer again once the script is spent
    size_t asked;
} coordinator_t;

static char dir[64];
static eod_config_t *cfg;

static int
s_ask (void *arg, const eod_msg_t *listed, lister_status_t *status)
{
    coordinator_t *c = arg;
    CHECK_STR (listed->mode, "backfill");
    if (c->asked >= c->nscript && !(c->repeat_last && c->nscript))
        return -1;
    *status = c->script[c->asked < c->nscript ? c->asked : c->nscript - 1];
    c->asked++;
    return 0;
}

static void
s_answer (coordinator_t *c, const char *tasks, const char *listed, const char *ended)
{
    lister_status_t *s = &c->script[c->nscript++];
    snprintf (s->tasks, sizeof s->tasks, "%s", tasks);
    snprintf (s->listed, sizeof s->listed, "%s", listed);
    snprintf (s->ended, sizeof s->ended, "%s", ended);
}

static void
s_forget (coordinator_t *c)
{
    fixture_sink_forget (&c->sink);
    memset (c, 0, sizeof *c);
}

//  A US backfill of AAPL and MSFT over the first half of 2024: two chunks
//  of sessions (100 and the rest), so four TASKs; LISTED made.
static lister_listing_t *
s_listing (eod_msg_t **job)
{
    *job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&(*job)->run_id, "gate-run");
    eod_msg_set (&(*job)->market, "us");
    eod_msg_set (&(*job)->mode, "backfill");
    eod_msg_set (&(*job)->date_from, "2024-01-01");
    eod_msg_set (&(*job)->date_to, "2024-06-30");
    const char *symbols[] = {"AAPL", "MSFT"};
    lister_listing_t *listing = fixture_listing (cfg, dir, *job, symbols, 2, CODE_WIDTH);
    CHECK_INT (listing ? lister_listing_count (listing) : 0, 4);
    return listing;
}

static void
test_tasks (void)
{
    eod_msg_t *job = NULL;
    lister_listing_t *listing = s_listing (&job);
    CHECK (listing != NULL);
    if (!listing)
        return;
    zlistx_t *chunks = lister_listing_chunks (listing);
    CHECK (chunks && zlistx_size (chunks) == 2);
    coordinator_t c = {.asked = 0};
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), 0);
    CHECK_INT (c.sink.nsent, 4);
    if (c.sink.nsent == 4 && chunks && zlistx_size (chunks) == 2) {
        //  Code by code, each chunk in turn; the task id names code and dates.
        const char *symbols[] = {"AAPL", "AAPL", "MSFT", "MSFT"};
        for (size_t i = 0; i < 4; i++) {
            const char *range = i % 2 ? zlistx_last (chunks) : zlistx_first (chunks);
            char from[11], to[11], id[64];
            snprintf (from, sizeof from, "%.10s", range);
            snprintf (to, sizeof to, "%.10s", range + 11);
            snprintf (id, sizeof id, "us-%s-%.4s%.2s%.2s-%.4s%.2s%.2s", symbols[i], from, from + 5, from + 8, to,
                      to + 5, to + 8);
            CHECK_INT (c.sink.sent[i]->type, EOD_MSG_TASK);
            CHECK_STR (c.sink.sent[i]->code, symbols[i]);
            CHECK_STR (c.sink.sent[i]->task_id, id);
            CHECK_STR (c.sink.sent[i]->date_from, from);
            CHECK_STR (c.sink.sent[i]->date_to, to);
            CHECK_STR (c.sink.sent[i]->run_id, lister_listing_run_id (listing));
        }
        CHECK_STR (c.sink.sent[0]->date_from, "2024-01-02");
        CHECK_STR (c.sink.sent[1]->date_to, "2024-06-28");
    }
    s_forget (&c);

    //  The third TASK does not go out: the rest is not tried.
    c.sink.fail_at = 3;
    CHECK_INT (lister_send_tasks (listing, fixture_send, &c), -1);
    CHECK_INT (c.sink.nsent, 2);
    s_forget (&c);
    lister_listing_destroy (&listing);
    eod_msg_destroy (&job);
}

static void
test_confirm (void)
{
    eod_msg_t *job = NULL;
    lister_listing_t *listing = s_listing (&job);
    CHECK (listing != NULL);
    if (!listing)
        return;
    eod_msg_t *end = eod_msg_new (EOD_MSG_END);
    eod_msg_set (&end->run_id, lister_listing_run_id (listing));
    eod_msg_set (&end->stage, "lister");

    //  Complete at the first answer: nothing sent again.
    coordinator_t c = {.asked = 0};
    s_answer (&c, "4", "1", "1");
    lister_send_confirm (listing, end, s_ask, fixture_send, &c);
    CHECK_INT (c.asked, 1);
    CHECK_INT (c.sink.nsent, 0);
    s_forget (&c);

    //  Still reading (figures move): asked again, not resent. Then stuck
    //  at 3 of 4: asked once more to see it stand, then everything resent.
    s_answer (&c, "1", "0", "0");
    s_answer (&c, "3", "0", "0");
    s_answer (&c, "3", "0", "0");
    s_answer (&c, "4", "1", "1");
    lister_send_confirm (listing, end, s_ask, fixture_send, &c);
    CHECK_INT (c.asked, 4);
    CHECK_INT (c.sink.nsent, 6);
    if (c.sink.nsent == 6) {
        for (size_t i = 0; i < 4; i++)
            CHECK_INT (c.sink.sent[i]->type, EOD_MSG_TASK);
        CHECK_INT (c.sink.sent[4]->type, EOD_MSG_LISTED);
        CHECK_INT (c.sink.sent[4]->count, 4);
        CHECK_INT (c.sink.sent[5]->type, EOD_MSG_END);
        CHECK_STR (c.sink.sent[5]->stage, "lister");
    }
    s_forget (&c);

    //  All TASKs but no END yet is not complete either; an unknown count ("?") neither.
    s_answer (&c, "9", "1", "0");
    s_answer (&c, "?", "1", "1");
    lister_send_confirm (listing, end, s_ask, fixture_send, &c);
    CHECK_INT (c.asked, 2);
    CHECK_INT (c.sink.nsent, 0);   //  each answer moved; then no answer: the run is over
    s_forget (&c);

    //  No answer at all: nothing sent.
    lister_send_confirm (listing, end, s_ask, fixture_send, &c);
    CHECK_INT (c.asked, 0);
    CHECK_INT (c.sink.nsent, 0);

    //  A coordinator that never gets it: the listing is resent a bounded number of times.
    s_answer (&c, "0", "0", "0");
    c.repeat_last = true;
    lister_send_confirm (listing, end, s_ask, fixture_send, &c);
    CHECK_INT (c.sink.nsent, CONFIRM_ROUNDS * 6);
    CHECK_INT (c.asked, CONFIRM_ROUNDS * 2);
    s_forget (&c);

    //  Nothing to confirm without a listing.
    s_answer (&c, "0", "0", "0");
    lister_send_confirm (NULL, end, s_ask, fixture_send, &c);
    CHECK_INT (c.asked, 0);
    s_forget (&c);
    eod_msg_destroy (&end);
    lister_listing_destroy (&listing);
    eod_msg_destroy (&job);
}

int
main (void)
{
    eod_log_init ("test_lister_send");
    char err[256];
    snprintf (dir, sizeof dir, "/tmp/test_lister_send_XXXXXX");
    cfg = eod_config_load (NULL, err, sizeof err);
    CHECK (cfg && eod_config_set (cfg, "pipeline:calendar_dir", CALENDARS, err, sizeof err) == 0);
    CHECK (mkdtemp (dir) != NULL);
    test_tasks ();
    test_confirm ();
    eod_config_destroy (&cfg);
    rmdir (dir);
    return EOD_TEST_DONE ();
}
