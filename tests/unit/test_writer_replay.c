/*  test_writer_replay — the run's journal and its task ids
    (stages/writer/replay.c): which run ids can name a journal; a RESULT is
    journalled once per task id, also across a reopen (the ids are replayed
    from the file, other messages are no tasks); the ids come back in the order
    they were recorded, thousands of them; a QUOTES is journalled once per
    batch id the same way and the fold takes no row from it; one journal is open at a time and
    a bad run id leaves it open; a torn tail is cut off on open, a later
    RESULT is appended after the whole records and the fold reads it. */
#include "compact.h"
#include "eod_grammar.h"
#include "replay.h"
#include "writer_fixture.h"

#define S_MANY 3000       //  task ids in the many-ids case (the set grows past its first table)
#define S_TORN_LEN 4096   //  length a torn record's prefix claims

static int
s_count_record (eod_msg_t **msg_p, long record, void *arg)
{
    (*(long *) arg)++;
    return 0;
}

//  Records in the journal of run_id under dir.
static long
s_records (const writer_replay_t *replay, const char *run_id)
{
    char path[FIXTURE_PATH_MAX];
    writer_replay_path (replay, run_id, path, sizeof path);
    long seen = 0;
    CHECK_INT (eod_journal_read (path, s_count_record, &seen), seen);
    return seen;
}

static void
s_test_run_ids (void)
{
    CHECK (writer_replay_run_id_ok ("kr-daily-2024-09-16_1.b"));
    CHECK (!writer_replay_run_id_ok (""));
    CHECK (!writer_replay_run_id_ok (".hidden"));
    CHECK (!writer_replay_run_id_ok ("a/b"));
    CHECK (!writer_replay_run_id_ok ("a b"));
    CHECK (!writer_replay_run_id_ok (".."));
    //  The id grammar's length (eod_grammar.h), which fits the journal's.
    char id[EOD_GRAMMAR_ID_MAX + 2];
    memset (id, 'x', sizeof id);
    id[EOD_GRAMMAR_ID_MAX] = '\0';
    CHECK (writer_replay_run_id_ok (id));
    id[EOD_GRAMMAR_ID_MAX] = 'x';
    id[EOD_GRAMMAR_ID_MAX + 1] = '\0';
    CHECK (!writer_replay_run_id_ok (id));
    CHECK (EOD_GRAMMAR_ID_MAX < WRITER_RUN_ID_MAX);
}

//  Each task id is journalled once, also after a reopen; the ids come back in
//  the order they were recorded; an ACK in the journal is no task.
static void
s_test_record_once (void)
{
    char dir[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX], want[FIXTURE_PATH_MAX];
    fixture_path (dir, "state/writer");
    writer_replay_t *replay = writer_replay_new (dir);
    CHECK (replay != NULL);
    if (!replay)
        return;
    CHECK (fixture_exists ("state/writer"));
    writer_replay_path (replay, "r1", path, sizeof path);
    snprintf (want, sizeof want, "%s/r1.journal", dir);
    CHECK_STR (path, want);
    const char *d[] = {"20240102"};
    eod_msg_t *t1 = fixture_result ("t1", "111111", "a", d, 1), *t2 = fixture_result ("t2", "222222", "a", d, 1),
              *t3 = fixture_result ("t3", "333333", "a", d, 1);
    bool sync_failed = false;
    CHECK_INT (writer_replay_open (replay, "r1", &sync_failed), 0);
    CHECK (writer_replay_is_open (replay, "r1"));
    CHECK_INT (writer_replay_count (replay), 0);
    CHECK (writer_replay_first (replay) == NULL);
    CHECK_INT (writer_replay_record (replay, t1), 0);
    CHECK_INT (writer_replay_record (replay, t2), 0);
    CHECK_INT (writer_replay_record (replay, t1), 0);
    CHECK_INT (writer_replay_count (replay), 2);
    CHECK_STR (writer_replay_first (replay), "t1");
    CHECK_STR (writer_replay_next (replay), "t2");
    CHECK (writer_replay_next (replay) == NULL);
    CHECK (writer_replay_next (replay) == NULL);
    CHECK_INT (writer_replay_sync (replay), 0);
    CHECK_INT (s_records (replay, "r1"), 2);
    CHECK_INT (writer_replay_close (replay), 0);
    CHECK (!writer_replay_is_open (replay, "r1"));
    CHECK_INT (writer_replay_count (replay), 0);
    CHECK_INT (writer_replay_sync (replay), 0);   //  none open: nothing to do
    //  An ACK in the journal is replayed but is no task of it.
    eod_journal_t *j = eod_journal_open (path, NULL, NULL);
    eod_msg_t *other = eod_msg_new (EOD_MSG_ACK);
    eod_msg_set (&other->run_id, "r1");
    eod_msg_set (&other->task_id, "not-a-task");
    CHECK (j && eod_journal_append (j, other) == 0 && eod_journal_sync (j) == 0);
    eod_journal_destroy (&j);
    //  Reopened: the ids are replayed (and said so), a redelivery is not
    //  journalled again, a new task is.
    static char log[FIXTURE_LOG_MAX];
    int saved = fixture_capture_begin ();
    CHECK_INT (writer_replay_open (replay, "r1", &sync_failed), 0);
    fixture_capture_end (saved, log);
    snprintf (want, sizeof want, "%s: 2 task(s) already journalled", path);
    CHECK (strstr (log, want) != NULL);
    CHECK_INT (writer_replay_count (replay), 2);
    CHECK_INT (writer_replay_record (replay, t2), 0);
    CHECK_INT (writer_replay_record (replay, t3), 0);
    CHECK_INT (writer_replay_count (replay), 3);
    CHECK_INT (writer_replay_sync (replay), 0);
    CHECK_INT (s_records (replay, "r1"), 4);
    CHECK_STR (writer_replay_first (replay), "t1");
    CHECK_STR (writer_replay_next (replay), "t2");
    CHECK_STR (writer_replay_next (replay), "t3");
    //  Another run's journal takes its place; a bad run id changes nothing.
    CHECK_INT (writer_replay_open (replay, "r2", &sync_failed), 0);
    CHECK (writer_replay_is_open (replay, "r2"));
    CHECK (!writer_replay_is_open (replay, "r1"));
    CHECK_INT (writer_replay_count (replay), 0);
    CHECK_INT (writer_replay_open (replay, "../r3", &sync_failed), -1);
    CHECK (writer_replay_is_open (replay, "r2"));
    CHECK (!sync_failed);
    writer_replay_destroy (&replay);
    CHECK (replay == NULL);
    writer_replay_destroy (&replay);
    CHECK (fixture_exists ("state/writer/r2.journal"));
    eod_msg_destroy (&t1);
    eod_msg_destroy (&t2);
    eod_msg_destroy (&t3);
    eod_msg_destroy (&other);
}

//  A journal directory that cannot be made: no replay.
static void
s_test_no_dir (void)
{
    char file[FIXTURE_PATH_MAX], dir[FIXTURE_PATH_MAX];
    fixture_path (file, "plain-file");
    CHECK (eod_write_file_atomic (file, "x", 1, 0600) == 0);
    fixture_path (dir, "plain-file/writer");
    writer_replay_t *replay = writer_replay_new (dir);
    CHECK (replay == NULL);
    writer_replay_destroy (&replay);
}

//  Thousands of ids: each once, in order, also replayed.
static void
s_test_many (void)
{
    char dir[FIXTURE_PATH_MAX];
    fixture_path (dir, "many");
    writer_replay_t *replay = writer_replay_new (dir);
    CHECK (replay != NULL);
    if (!replay)
        return;
    bool sync_failed = false;
    CHECK_INT (writer_replay_open (replay, "many", &sync_failed), 0);
    const char *d[] = {"20240102"};
    for (size_t i = 0; i < 2 * S_MANY; i++) {
        char task[32];
        snprintf (task, sizeof task, "task-%zu", i % S_MANY);
        eod_msg_t *r = fixture_result (task, "111111", "a", d, 1);
        CHECK_INT (writer_replay_record (replay, r), 0);
        eod_msg_destroy (&r);
    }
    CHECK_INT (writer_replay_count (replay), S_MANY);
    CHECK_INT (writer_replay_close (replay), 0);
    CHECK_INT (s_records (replay, "many"), S_MANY);
    CHECK_INT (writer_replay_open (replay, "many", &sync_failed), 0);
    CHECK_INT (writer_replay_count (replay), S_MANY);
    size_t n = 0;
    bool ordered = true;
    for (const char *task = writer_replay_first (replay); task; task = writer_replay_next (replay)) {
        char want[32];
        snprintf (want, sizeof want, "task-%zu", n++);
        ordered = ordered && strcmp (task, want) == 0;
    }
    CHECK_INT (n, S_MANY);
    CHECK (ordered);
    writer_replay_destroy (&replay);
}

//  A torn tail is cut off on open; a RESULT recorded then reads back after
//  the whole records, and the fold writes its row.
static void
s_test_torn_tail (void)
{
    char dir[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (dir, "torn");
    fixture_path (data, "torn-data");
    writer_replay_t *replay = writer_replay_new (dir);
    CHECK (replay != NULL);
    if (!replay)
        return;
    const char *d[] = {"20240108"};
    eod_msg_t *msgs[3] = {fixture_result ("d1", "111111", "x", d, 1), fixture_result ("d2", "222222", "x", d, 1),
                          fixture_result ("d3", "333333", "x", d, 1)};
    bool sync_failed = false;
    CHECK_INT (writer_replay_open (replay, "torn", &sync_failed), 0);
    CHECK_INT (writer_replay_record (replay, msgs[0]), 0);
    CHECK_INT (writer_replay_record (replay, msgs[1]), 0);
    CHECK_INT (writer_replay_close (replay), 0);
    writer_replay_path (replay, "torn", path, sizeof path);
    struct stat st;
    CHECK (stat (path, &st) == 0);
    off_t whole = st.st_size;
    //  Half a record: a length that promises more than follows.
    FILE *f = fopen (path, "ab");
    CHECK (f != NULL);
    if (f) {
        unsigned char torn[] = {0, 0, S_TORN_LEN >> 8, S_TORN_LEN & 0xff, 0x87, 0xa1, 'v', 1};
        CHECK_INT (fwrite (torn, 1, sizeof torn, f), sizeof torn);
        fclose (f);
    }
    CHECK_INT (writer_replay_open (replay, "torn", &sync_failed), 0);
    CHECK_INT (writer_replay_count (replay), 2);
    CHECK (stat (path, &st) == 0 && st.st_size == whole);
    CHECK_INT (writer_replay_record (replay, msgs[2]), 0);
    CHECK_INT (writer_replay_sync (replay), 0);
    writer_replay_destroy (&replay);
    long seen = 0;
    CHECK_INT (eod_journal_read (path, s_count_record, &seen), 3);
    CHECK_INT (seen, 3);
    fixture_files_t files;
    memset (&files, 0, sizeof files);
    CHECK_INT (writer_compact_journal (path, data, "kr", NULL, NULL, NULL, fixture_on_file, &files), 3);
    char *text = fixture_read ("torn-data/market=kr/dt=2024-01-08/kr_20240108.csv");
    CHECK (text && strstr (text, ",333333,") != NULL);
    free (text);
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&msgs[i]);
}

//  A QUOTES is journalled once per batch id, also across a reopen, and
//  acknowledged by it like a task; the fold takes no row from it.
static void
s_test_quotes (void)
{
    char dir[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX];
    fixture_path (dir, "state/writer-quotes");
    writer_replay_t *replay = writer_replay_new (dir);
    CHECK (replay != NULL);
    if (!replay)
        return;
    const char *codes[] = {"005930", "000660"};
    const char *d[] = {"20240902"};
    eod_msg_t *q = fixture_quotes ("kr-mq-20240902-00001", "2024-09-02", 1725269400, codes, 2);
    eod_msg_t *r = fixture_result ("kr-005930-20240902-20240902", "005930", "a", d, 1);
    bool sync_failed = false;
    CHECK_INT (writer_replay_open (replay, "r1", &sync_failed), 0);
    CHECK_INT (writer_replay_record (replay, q), 0);
    CHECK_INT (writer_replay_record (replay, r), 0);
    CHECK_INT (writer_replay_record (replay, q), 0);   //  delivered twice
    CHECK_INT (writer_replay_sync (replay), 0);
    CHECK_INT (s_records (replay, "r1"), 2);
    CHECK_INT (writer_replay_close (replay), 0);
    //  Replayed after a restart: the batch id is known, a redelivery is not
    //  journalled again, and it is among the ids a reconcile acknowledges.
    CHECK_INT (writer_replay_open (replay, "r1", &sync_failed), 0);
    CHECK_INT (writer_replay_count (replay), 2);
    CHECK_INT (writer_replay_record (replay, q), 0);
    CHECK_INT (writer_replay_sync (replay), 0);
    CHECK_INT (s_records (replay, "r1"), 2);
    CHECK_STR (writer_replay_first (replay), "kr-mq-20240902-00001");
    CHECK_STR (writer_replay_next (replay), "kr-005930-20240902-20240902");
    CHECK_INT (writer_replay_close (replay), 0);
    //  The fold writes the RESULT's row only.
    char data[FIXTURE_PATH_MAX];
    fixture_path (data, "data-quotes");
    writer_replay_path (replay, "r1", path, sizeof path);
    CHECK_INT (writer_compact_journal (path, data, "kr", NULL, NULL, NULL, NULL, NULL), 1);
    eod_msg_destroy (&q);
    eod_msg_destroy (&r);
    writer_replay_destroy (&replay);
}

int
main (void)
{
    if (fixture_begin ("test_writer_replay"))
        return 1;
    s_test_run_ids ();
    s_test_record_once ();
    s_test_no_dir ();
    s_test_many ();
    s_test_torn_tail ();
    s_test_quotes ();
    fixture_end ();
    return EOD_TEST_DONE ();
}
