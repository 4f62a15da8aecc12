/*  test_tasks — the coordinator's table of tasks (stages/coordinator/tasks.c):
    TASKs taken once (a re-listing is a duplicate), their fields, the queue
    in order with backoffs and stale entries, settling and its counts, RESULTs
    kept while the writer writes them, the metadata a RESULT gets for the
    writer (from the run's ledger by the TASK's offset, or packed when there
    is no ledger, and none from an offset that holds another record), ACKs
    replayed, the RUN_DONE summary (tasks without a row for their session
    apart, the rows out of range of the tasks settled without rows) and the
    gaps lines, and when a run is incomplete. */
#include "coordinator_fakes.h"
#include "eod_test.h"
#include "tasks.h"

#include <stdlib.h>

static char s_dir[FAKE_DIR_MAX];

static eod_msg_t *
s_task (const char *run_id, const char *task_id, const char *code)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_TASK);
    eod_msg_set (&m->run_id, run_id);
    eod_msg_set (&m->task_id, task_id);
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->mode, "daily");
    eod_msg_set (&m->code, code);
    eod_msg_set (&m->name, "Samsung");
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->date_to, "2024-09-03");
    eod_fields_set (&m->meta, "mket_id_cd", "STK");
    return m;
}

static coordinator_task_t *
s_add (coordinator_tasks_t *tasks, const char *run_id, const char *task_id, const char *code,
       coordinator_ledger_t *ledger, int64_t at)
{
    eod_msg_t *m = s_task (run_id, task_id, code);
    coordinator_task_t *t = coordinator_tasks_add (tasks, m, ledger, at);
    eod_msg_destroy (&m);
    return t;
}

static eod_msg_t *
s_result (const char *task_id)
{
    eod_msg_t *r = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&r->task_id, task_id);
    eod_msg_set (&r->status, "ok");
    return r;
}

//  Without a ledger: the queue, states, counts, the packed metadata.
static void
test_table (void)
{
    coordinator_tasks_t *tasks = coordinator_tasks_new ("/nonexistent/test_tasks");
    CHECK (tasks != NULL);
    if (!tasks)
        return;
    coordinator_task_t *a = s_add (tasks, "run-1", "run-1:A", "005930", NULL, -1);
    coordinator_task_t *b = s_add (tasks, "run-1", "run-1:B", "000660", NULL, -1);
    coordinator_task_t *c = s_add (tasks, "run-1", "run-1:C", "035420", NULL, -1);
    CHECK (a && b && c);
    if (!a || !b || !c)
        return;
    CHECK (s_add (tasks, "run-1", "run-1:A", "005930", NULL, -1) == NULL);   //  a re-listing
    eod_msg_t *bad = s_task ("run-1", "run-1:D", "x");
    eod_msg_set (&bad->code, NULL);
    CHECK (coordinator_tasks_add (tasks, bad, NULL, -1) == NULL);
    eod_msg_destroy (&bad);
    CHECK_INT (coordinator_tasks_size (tasks), 3);
    CHECK_INT (coordinator_tasks_unsettled (tasks), 3);
    CHECK_STR (coordinator_task_id (a), "run-1:A");
    CHECK_STR (coordinator_task_code (a), "005930");
    CHECK_STR (coordinator_task_field (a, COORDINATOR_TASK_EXCHANGE), "");
    CHECK_STR (coordinator_task_field (a, COORDINATOR_TASK_FROM), "2024-09-02");
    CHECK_STR (coordinator_task_field (a, COORDINATOR_TASK_TO), "2024-09-03");
    CHECK (a->run == b->run);
    CHECK_STR (a->run->mode, "daily");
    CHECK_INT (a->ledger_at, -1);
    CHECK (coordinator_tasks_find (tasks, "run-1:B") == b);
    CHECK (coordinator_tasks_find (tasks, "run-1:Z") == NULL);
    CHECK (coordinator_tasks_find (tasks, NULL) == NULL);

    //  The queue in listing order; a backoff holds a task back.
    CHECK_INT (coordinator_tasks_queued (tasks), 3);
    CHECK (coordinator_tasks_next_due (tasks, 0) == a);
    a->state = COORDINATOR_TASK_LEASED;
    coordinator_tasks_requeue (tasks, a, 500);
    CHECK (a->state == COORDINATOR_TASK_QUEUED);
    CHECK (coordinator_tasks_next_due (tasks, 0) == b);
    coordinator_tasks_unqueue (tasks, b);
    CHECK (coordinator_tasks_next_due (tasks, 0) == b);
    b->state = COORDINATOR_TASK_LEASED;
    //  c settled while queued: its entry is stale and dropped.
    coordinator_tasks_settle (tasks, c, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNKNOWN, "unknown symbol");
    CHECK_STR (c->outcome, "035420 unknown symbol");
    CHECK (coordinator_tasks_next_due (tasks, 499) == NULL);
    CHECK_INT (coordinator_tasks_queued (tasks), 1);
    CHECK (coordinator_tasks_next_due (tasks, 500) == a);
    CHECK_INT (coordinator_tasks_queued (tasks), 0);
    CHECK_INT (coordinator_tasks_unsettled (tasks), 2);

    //  A RESULT of a task without a ledger record gets the packed metadata.
    eod_msg_t *r = s_result ("run-1:B");
    coordinator_tasks_complete (tasks, b, r);
    CHECK_STR (eod_fields_get (&r->meta, "mket_id_cd"), "STK");
    CHECK_STR (eod_fields_get (&r->meta, "name"), "Samsung");
    CHECK_STR (r->mode, "daily");
    CHECK_STR (r->date_from, "2024-09-02");
    CHECK_STR (r->date_to, "2024-09-03");
    eod_msg_destroy (&r);

    //  Kept while written; dropped when written, requeued or settled.
    coordinator_tasks_writing_at (tasks, b, 9000, strdup ("twelve bytes"), 12);
    CHECK (b->state == COORDINATOR_TASK_WRITING);
    CHECK_INT (b->deadline_ms, 9000);
    CHECK_INT (coordinator_tasks_writing (tasks), 1);
    CHECK_INT (coordinator_tasks_kept_bytes (tasks), 12);
    size_t len = 0;
    const char *kept = coordinator_tasks_kept (tasks, b, &len);
    CHECK (kept && len == 12 && memcmp (kept, "twelve bytes", 12) == 0);
    coordinator_tasks_requeue (tasks, b, 0);
    CHECK_INT (coordinator_tasks_writing (tasks), 0);
    CHECK_INT (coordinator_tasks_kept_bytes (tasks), 0);
    CHECK (coordinator_tasks_kept (tasks, b, &len) == NULL && len == 0);
    coordinator_tasks_writing_at (tasks, b, 9000, NULL, 0);   //  not kept (over the bound)
    CHECK_INT (coordinator_tasks_writing (tasks), 1);
    coordinator_tasks_settle (tasks, b, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
    CHECK_INT (coordinator_tasks_writing (tasks), 0);
    CHECK (b->outcome == NULL);
    coordinator_tasks_settle (tasks, a, COORDINATOR_TASK_FAILED, COORDINATOR_KIND_FAILED,
                              "retryable after 3 attempt(s): EGW00001");
    CHECK_INT (coordinator_tasks_unsettled (tasks), 0);
    //  Settling a settled task counts it once.
    coordinator_tasks_settle (tasks, a, COORDINATOR_TASK_FAILED, COORDINATOR_KIND_FAILED, "again");
    CHECK_INT (coordinator_tasks_unsettled (tasks), 0);

    long counts[COORDINATOR_TASK_STATES];
    coordinator_tasks_count (tasks, counts);
    CHECK_INT (counts[COORDINATOR_TASK_DONE], 2);
    CHECK_INT (counts[COORDINATOR_TASK_FAILED], 1);
    CHECK_INT (counts[COORDINATOR_TASK_QUEUED], 0);
    CHECK_INT (coordinator_tasks_count_kind (tasks, COORDINATOR_KIND_FAILED), 1);
    CHECK_INT (coordinator_tasks_count_run (tasks, "run-1"), 3);
    CHECK_INT (coordinator_tasks_count_run (tasks, "run-2"), 0);
    CHECK_INT (coordinator_tasks_count_run (tasks, NULL), 0);

    //  RUN_DONE: the counts and every outcome but ok, the listing's too, sorted.
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED);
    eod_msg_add_list (listed, "999999 not in the master file");
    eod_msg_t *done = eod_msg_new (EOD_MSG_RUN_DONE);
    coordinator_tasks_summarize (tasks, listed, done);
    CHECK_INT (done->count, 3);
    CHECK_INT (done->ok, 1);
    CHECK_INT (done->unknown, 1);
    CHECK_INT (done->failed, 1);
    CHECK_INT (done->nodata, 0);
    CHECK_INT (done->nlist, 3);
    if (done->nlist == 3) {
        CHECK_STR (done->list[0], "005930 again");
        CHECK_STR (done->list[1], "035420 unknown symbol");
        CHECK_STR (done->list[2], "999999 not in the master file");
    }
    CHECK (eod_fields_get (&done->meta, "unpublished") == NULL);
    eod_msg_destroy (&done);
    //  A task answered without a row for its session: counted apart, in
    //  the gaps too. The rule of an incomplete run: more than the share.
    coordinator_tasks_settle (tasks, c, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNPUBLISHED,
                              "no row for the session");
    done = eod_msg_new (EOD_MSG_RUN_DONE);
    CHECK_INT (coordinator_tasks_summarize (tasks, listed, done), 1);
    CHECK_INT (done->unknown, 0);
    CHECK_INT (done->ok + done->nodata + done->unknown + done->failed, 2);
    CHECK_STR (eod_fields_get (&done->meta, "unpublished"), "1");
    eod_msg_destroy (&done);
    zchunk_t *both = coordinator_tasks_gaps (tasks);
    char *text = zchunk_strdup (both);
    CHECK (text && strstr (text, "kr\t035420\t2024-09-02\t2024-09-03\t035420 no row for the session\n") != NULL);
    free (text);
    zchunk_destroy (&both);
    coordinator_tasks_settle (tasks, c, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNKNOWN, "unknown symbol");
    CHECK (!coordinator_run_incomplete (0, 100, 0.0));
    CHECK (coordinator_run_incomplete (1, 100, 0.0));
    CHECK (!coordinator_run_incomplete (5, 100, 0.05));
    CHECK (coordinator_run_incomplete (6, 100, 0.05));
    CHECK (coordinator_run_incomplete (100, 100, 0.99));
    CHECK (!coordinator_run_incomplete (100, 100, 1.0));
    eod_msg_destroy (&listed);

    //  The gaps: the failed task, a line.
    zchunk_t *gaps = coordinator_tasks_gaps (tasks);
    const char *want = "kr\t005930\t2024-09-02\t2024-09-03\t005930 again\n";
    CHECK_INT (zchunk_size (gaps), strlen (want));
    CHECK (zchunk_size (gaps) == strlen (want) && memcmp (zchunk_data (gaps), want, strlen (want)) == 0);
    zchunk_destroy (&gaps);

    //  An ACK replayed settles the tasks it names that are not done.
    eod_msg_t *ack = eod_msg_new (EOD_MSG_ACK);
    eod_msg_set (&ack->task_id, "run-1:A");
    eod_msg_add_list (ack, "run-1:B");
    eod_msg_add_list (ack, "run-1:Z");
    CHECK_STR (coordinator_ack_id (ack, 0), "run-1:A");
    CHECK_STR (coordinator_ack_id (ack, 2), "run-1:Z");
    CHECK_INT (coordinator_tasks_replay_ack (tasks, ack), 1);
    CHECK (a->state == COORDINATOR_TASK_DONE && a->kind == COORDINATOR_KIND_OK);
    eod_msg_destroy (&ack);

    coordinator_tasks_forget (tasks);
    CHECK_INT (coordinator_tasks_size (tasks), 0);
    CHECK_INT (coordinator_tasks_queued (tasks), 0);
    CHECK (coordinator_tasks_first (tasks) == NULL);
    coordinator_tasks_destroy (&tasks);
    CHECK (tasks == NULL);
    coordinator_tasks_destroy (&tasks);
}

//  With a ledger: the TASK appended, its metadata read back by its offset.
static void
test_ledger_metadata (void)
{
    coordinator_ledger_t *ledger = coordinator_ledger_open (s_dir, "run-2", NULL, NULL, NULL);
    coordinator_tasks_t *tasks = coordinator_tasks_new (s_dir);
    CHECK (ledger && tasks);
    if (!ledger || !tasks)
        return;
    coordinator_task_t *a = s_add (tasks, "run-2", "run-2:A", "005930", ledger, -1);
    coordinator_task_t *b = s_add (tasks, "run-2", "run-2:B", "000660", ledger, -1);
    CHECK (a && b);
    if (!a || !b)
        return;
    CHECK_INT (a->ledger_at, 0);
    CHECK (b->ledger_at > 0);
    CHECK (a->meta == NULL);   //  the ledger holds it
    eod_msg_t *r = s_result ("run-2:B");
    eod_fields_set (&r->meta, "name", "from the fetcher");
    coordinator_tasks_complete (tasks, b, r);
    CHECK_STR (eod_fields_get (&r->meta, "mket_id_cd"), "STK");
    CHECK_STR (eod_fields_get (&r->meta, "name"), "from the fetcher");
    CHECK_STR (r->date_to, "2024-09-03");
    eod_msg_destroy (&r);

    //  A replayed TASK whose offset holds another task's record: its rows go
    //  without the listing's columns.
    coordinator_task_t *c = s_add (tasks, "run-2", "run-2:C", "035420", NULL, b->ledger_at);
    CHECK (c && c->ledger_at == b->ledger_at);
    r = s_result ("run-2:C");
    if (c)
        coordinator_tasks_complete (tasks, c, r);
    CHECK (eod_fields_get (&r->meta, "mket_id_cd") == NULL);
    CHECK_STR (r->mode, "daily");
    eod_msg_destroy (&r);
    coordinator_tasks_destroy (&tasks);
    coordinator_ledger_destroy (&ledger);
}

//  Rows outside the range in answers without rows: kept per task, the
//  latest RESULT deciding, and into RUN_DONE for the tasks not ok.
static void
test_wrong_dates (void)
{
    coordinator_tasks_t *tasks = coordinator_tasks_new ("/nonexistent/test_tasks");
    CHECK (tasks != NULL);
    if (!tasks)
        return;
    coordinator_task_t *a = s_add (tasks, "run-3", "run-3:A", "005930", NULL, -1);
    coordinator_task_t *b = s_add (tasks, "run-3", "run-3:B", "000660", NULL, -1);
    coordinator_task_t *c = s_add (tasks, "run-3", "run-3:C", "035420", NULL, -1);
    coordinator_task_t *d = s_add (tasks, "run-3", "run-3:D", "051910", NULL, -1);
    CHECK (a && b && c && d);
    if (!a || !b || !c || !d) {
        coordinator_tasks_destroy (&tasks);
        return;
    }
    eod_msg_t *r = s_result ("run-3:A");
    eod_msg_set (&r->status, "nodata");
    eod_fields_set (&r->meta, EOD_META_WRONG_DATE, "20240904,20240905");
    eod_fields_set (&r->meta, EOD_META_WRONG_DATE_COUNT, "3");
    coordinator_tasks_note_wrong (a, r);
    CHECK_STR (a->wrong, "3 20240904,20240905");
    coordinator_tasks_settle (tasks, a, COORDINATOR_TASK_DONE, COORDINATOR_KIND_NODATA, "no row");
    //  B answered only such a row first, then its rows: nothing kept.
    coordinator_tasks_note_wrong (b, r);
    coordinator_tasks_note_wrong (b, NULL);
    CHECK (b->wrong == NULL);
    coordinator_tasks_settle (tasks, b, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
    //  C's answer had rows: the writer reports its dropped rows itself.
    eod_msg_t *rows = s_result ("run-3:C");
    eod_fields_set (&rows->meta, EOD_META_WRONG_DATE, "20240904");
    eod_fields_t row = EOD_FIELDS_INIT;
    eod_fields_set (&row, "stck_bsop_date", "20240903");
    eod_msg_add_row (rows, &row);
    eod_fields_clear (&row);
    coordinator_tasks_note_wrong (c, rows);
    CHECK (c->wrong == NULL);
    eod_msg_destroy (&rows);
    coordinator_tasks_settle (tasks, c, COORDINATOR_TASK_DONE, COORDINATOR_KIND_NODATA, "no row");
    //  D: no row for the session, and dates that are not the fetcher's form.
    eod_fields_set (&r->meta, EOD_META_WRONG_DATE, "2024 09;04");
    eod_fields_set (&r->meta, EOD_META_WRONG_DATE_COUNT, "x");
    coordinator_tasks_note_wrong (d, r);
    CHECK_STR (d->wrong, "1 ?");
    coordinator_tasks_settle (tasks, d, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNPUBLISHED, "no row");
    eod_msg_destroy (&r);

    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED);
    eod_msg_t *done = eod_msg_new (EOD_MSG_RUN_DONE);
    coordinator_tasks_summarize (tasks, listed, done);
    CHECK_STR (eod_fields_get (&done->meta, EOD_META_WRONG_DATE_UNWRITTEN),
               "005930 2024-09-02 2024-09-03 3 20240904,20240905;051910 2024-09-02 2024-09-03 1 ?");
    CHECK_INT (done->nodata, 2);   //  the classification stays
    eod_msg_destroy (&done);
    //  Once the writer acknowledged A's rows (a reconcile), A is ok: not carried.
    coordinator_tasks_settle (tasks, a, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
    coordinator_tasks_settle (tasks, d, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
    done = eod_msg_new (EOD_MSG_RUN_DONE);
    coordinator_tasks_summarize (tasks, listed, done);
    CHECK (eod_fields_get (&done->meta, EOD_META_WRONG_DATE_UNWRITTEN) == NULL);
    eod_msg_destroy (&done);
    eod_msg_destroy (&listed);
    coordinator_tasks_destroy (&tasks);
}

int
main (void)
{
    if (fake_scratch_dir (s_dir, "test_tasks")) {
        CHECK (false);
        return EOD_TEST_DONE ();
    }
    test_table ();
    test_ledger_metadata ();
    test_wrong_dates ();
    CHECK_INT (fake_scratch_remove (s_dir), 0);
    return EOD_TEST_DONE ();
}
