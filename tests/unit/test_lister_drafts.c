/*  test_lister_drafts — instruments kept as TASK drafts: each spooled with
    the job's fields and its code as task id, its code added to the set; the
    reused draft cleared between instruments; a code too long for the set
    refused and remembered as a failure. */
#include "eod_test.h"

#include "codes.h"
#include "drafts.h"
#include "eod_log.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CODE_WIDTH 7   //  six characters and the NUL

//  A JOB as the calendar gate sends it.
static eod_msg_t *
s_job (void)
{
    eod_msg_t *job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&job->run_id, "gate-run");
    eod_msg_set (&job->market, "kr");
    eod_msg_set (&job->mode, "daily");
    eod_msg_set (&job->date_from, "2024-09-02");
    eod_msg_set (&job->date_to, "2024-09-02");
    return job;
}

static void
test_drafts (const char *dir)
{
    char path[128];
    snprintf (path, sizeof path, "%s/raw", dir);
    eod_msg_t *job = s_job ();
    lister_spool_t *spool = lister_spool_new (path);
    lister_codes_t *codes = lister_codes_new (CODE_WIDTH);
    lister_drafts_t *drafts = lister_drafts_new (job, spool, codes);
    CHECK (spool && codes && drafts);
    if (!drafts)
        return;
    eod_msg_destroy (&job);   //  the drafts copied what they need

    eod_msg_t *t = lister_drafts_next (drafts);
    eod_msg_set (&t->code, "005930");
    eod_msg_set (&t->name, "Samsung");
    eod_msg_set (&t->exchange, "KOSPI");
    eod_fields_set (&t->meta, "roe", "9.1");
    CHECK_INT (lister_drafts_add (drafts), 0);

    //  The next draft starts clear of the last instrument.
    t = lister_drafts_next (drafts);
    CHECK (t->code == NULL && t->name == NULL && t->exchange == NULL);
    CHECK_INT (t->meta.count, 0);
    eod_msg_set (&t->code, "247540");
    CHECK_INT (lister_drafts_add (drafts), 0);
    CHECK (!lister_drafts_failed (drafts));

    //  Codes that are not KR codes: not listed, not a failure.
    const char *not_kr[] = {"BRK/B", "../x", "00593", "005930/", "0059\x30", "005930000X", ""};
    for (size_t i = 0; i < sizeof not_kr / sizeof not_kr[0]; i++) {
        t = lister_drafts_next (drafts);
        eod_msg_set (&t->code, not_kr[i]);
        CHECK_INT (lister_drafts_add (drafts), 1);
    }
    CHECK (!lister_drafts_failed (drafts));

    //  A code the set has no room for: refused, not spooled, remembered.
    t = lister_drafts_next (drafts);
    eod_msg_set (&t->code, "TOOLONGCO");
    CHECK_INT (lister_drafts_add (drafts), -1);
    CHECK (lister_drafts_failed (drafts));
    CHECK_INT (lister_spool_count (spool), 2);
    CHECK_INT (lister_codes_count (codes), 2);
    lister_drafts_destroy (&drafts);
    CHECK (drafts == NULL);
    lister_drafts_destroy (&drafts);

    CHECK_INT (lister_spool_rewind (spool), 0);
    eod_msg_t *got = NULL;
    CHECK_INT (lister_spool_next (spool, &got), 1);
    if (got) {
        CHECK_INT (got->type, EOD_MSG_TASK);
        CHECK_STR (got->code, "005930");
        CHECK_STR (got->task_id, "005930");
        CHECK_STR (got->run_id, "gate-run");
        CHECK_STR (got->market, "kr");
        CHECK_STR (got->mode, "daily");
        CHECK_STR (got->date_from, "2024-09-02");
        CHECK_STR (got->date_to, "2024-09-02");
        CHECK_STR (got->name, "Samsung");
        CHECK_STR (got->exchange, "KOSPI");
        CHECK_STR (eod_fields_get (&got->meta, "roe"), "9.1");
    }
    eod_msg_destroy (&got);
    CHECK_INT (lister_spool_next (spool, &got), 1);
    if (got) {
        CHECK_STR (got->code, "247540");
        CHECK_STR (got->task_id, "247540");
        CHECK (got->name == NULL);
        CHECK (eod_fields_get (&got->meta, "roe") == NULL);
    }
    eod_msg_destroy (&got);
    CHECK_INT (lister_spool_next (spool, &got), 0);

    lister_codes_sort (codes);
    CHECK_STR (lister_codes_at (codes, 0), "005930");
    CHECK_STR (lister_codes_at (codes, 1), "247540");
    lister_codes_destroy (&codes);
    lister_spool_destroy (&spool);
}

int
main (void)
{
    eod_log_init ("test_lister_drafts");
    char dir[] = "/tmp/test_lister_drafts_XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    test_drafts (dir);
    rmdir (dir);
    return EOD_TEST_DONE ();
}
