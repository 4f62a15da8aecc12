/*  test_ledger — the coordinator's ledger (stages/coordinator/ledger.c): a
    run's ledger written and replayed in order with the offsets of its TASKs
    (a record taken by the replay is the taker's), a RUN_DONE telling a
    finished run, a torn tail cut off and appended after, a damaged ledger
    refused (yet telling what it replayed), the newest ledger found (the run
    a restarted coordinator takes up unless it is finished), ledgers pruned
    by age, and the gaps file. */
#include "coordinator_fakes.h"
#include "eod_test.h"
#include "eod_util.h"
#include "ledger.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define S_PATH_MAX 1024
#define S_SEEN_MAX 16
#define S_DAY_S 86400

static char s_dir[FAKE_DIR_MAX];

typedef struct {
    int n;
    eod_msg_type_t type[S_SEEN_MAX];
    int64_t offset[S_SEEN_MAX];
    eod_msg_t *taken;   //  the LISTED, taken by the replay
} s_seen_t;

static int
s_record (eod_msg_t **msg_p, int64_t offset, void *arg)
{
    s_seen_t *seen = arg;
    if (seen->n < S_SEEN_MAX) {
        seen->type[seen->n] = (*msg_p)->type;
        seen->offset[seen->n++] = offset;
    }
    if ((*msg_p)->type == EOD_MSG_LISTED && !seen->taken) {
        seen->taken = *msg_p;
        *msg_p = NULL;
    }
    return 0;
}

static eod_msg_t *
s_msg (eod_msg_type_t type, const char *task_id)
{
    eod_msg_t *m = eod_msg_new (type);
    eod_msg_set (&m->run_id, "run-a");
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->mode, "daily");
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->date_to, "2024-09-02");
    eod_msg_set (&m->task_id, task_id);
    if (type == EOD_MSG_TASK)
        eod_msg_set (&m->code, task_id);
    return m;
}

static void
s_append (coordinator_ledger_t *ledger, eod_msg_type_t type, const char *task_id)
{
    eod_msg_t *m = s_msg (type, task_id);
    coordinator_ledger_append (ledger, m);
    eod_msg_destroy (&m);
}

static off_t
s_size (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0 ? st.st_size : -1;
}

static void
s_append_raw (const char *path, const void *data, size_t len)
{
    int fd = open (path, O_WRONLY | O_APPEND);
    CHECK (fd >= 0);
    if (fd >= 0) {
        CHECK (write (fd, data, len) == (ssize_t) len);
        close (fd);
    }
}

//  Sets the modification time of run's ledger to ago seconds before now.
static void
s_age (const char *run, time_t ago)
{
    char *path = coordinator_ledger_path (s_dir, run);
    struct timeval tv[2] = {{time (NULL) - ago, 0}, {time (NULL) - ago, 0}};
    CHECK (path && utimes (path, tv) == 0);
    free (path);
}

static void
test_write_replay (void)
{
    char *path = coordinator_ledger_path (s_dir, "run-a");
    char want[S_PATH_MAX + 16];
    snprintf (want, sizeof want, "%s/run-a.ledger", s_dir);
    CHECK_STR (path, want);
    bool finished = true;
    coordinator_ledger_t *ledger = coordinator_ledger_open (s_dir, "run-a", s_record, NULL, &finished);
    CHECK (ledger != NULL);
    CHECK (!finished);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);
    eod_msg_t *task = s_msg (EOD_MSG_TASK, "t1");
    int64_t at1 = coordinator_ledger_append_at (ledger, task);
    eod_msg_destroy (&task);
    task = s_msg (EOD_MSG_TASK, "t2");
    int64_t at2 = coordinator_ledger_append_at (ledger, task);
    eod_msg_destroy (&task);
    CHECK_INT (at1, 0);
    CHECK (at2 > at1);
    s_append (ledger, EOD_MSG_LISTED, NULL);
    s_append (ledger, EOD_MSG_ACK, "t1");
    coordinator_ledger_sync (ledger, true, 0);
    coordinator_ledger_destroy (&ledger);
    CHECK (ledger == NULL);
    coordinator_ledger_destroy (&ledger);
    //  No ledger: appends and syncs do nothing.
    CHECK_INT (coordinator_ledger_append_at (NULL, NULL), -1);
    coordinator_ledger_append (NULL, NULL);
    coordinator_ledger_sync (NULL, true, 0);

    //  Replayed in order, the TASKs at their offsets.
    s_seen_t seen = {0};
    ledger = coordinator_ledger_open (s_dir, "run-a", s_record, &seen, &finished);
    CHECK (ledger != NULL);
    CHECK (!finished);
    CHECK_INT (seen.n, 4);
    CHECK_INT (seen.type[0], EOD_MSG_TASK);
    CHECK_INT (seen.offset[0], at1);
    CHECK_INT (seen.type[1], EOD_MSG_TASK);
    CHECK_INT (seen.offset[1], at2);
    CHECK_INT (seen.type[2], EOD_MSG_LISTED);
    CHECK_INT (seen.type[3], EOD_MSG_ACK);
    CHECK (seen.taken && seen.taken->type == EOD_MSG_LISTED);
    eod_msg_destroy (&seen.taken);

    //  A torn tail is cut off; what comes next is appended after the last
    //  whole record.
    off_t whole = s_size (path);
    coordinator_ledger_destroy (&ledger);
    unsigned char torn[] = {0, 0, 0, 40, 0x82, 0xa1};
    s_append_raw (path, torn, sizeof torn);
    memset (&seen, 0, sizeof seen);
    ledger = coordinator_ledger_open (s_dir, "run-a", s_record, &seen, &finished);
    CHECK (ledger != NULL);
    CHECK_INT (seen.n, 4);
    CHECK_INT (s_size (path), whole);
    eod_msg_destroy (&seen.taken);
    s_append (ledger, EOD_MSG_RUN_DONE, NULL);
    coordinator_ledger_sync (ledger, false, COORDINATOR_LEDGER_SYNC_MS);
    coordinator_ledger_destroy (&ledger);

    //  RUN_DONE: the run was finished.
    memset (&seen, 0, sizeof seen);
    ledger = coordinator_ledger_open (s_dir, "run-a", s_record, &seen, &finished);
    CHECK (ledger != NULL);
    CHECK (finished);
    CHECK_INT (seen.n, 5);
    CHECK_INT (seen.type[4], EOD_MSG_RUN_DONE);
    eod_msg_destroy (&seen.taken);
    coordinator_ledger_destroy (&ledger);

    //  Damaged after its RUN_DONE: refused, unchanged, and the RUN_DONE told.
    unsigned char bad[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3};
    s_append_raw (path, bad, sizeof bad);
    off_t damaged = s_size (path);
    memset (&seen, 0, sizeof seen);
    finished = false;
    CHECK (coordinator_ledger_open (s_dir, "run-a", s_record, &seen, &finished) == NULL);
    CHECK (finished);
    CHECK_INT (s_size (path), damaged);
    eod_msg_destroy (&seen.taken);
    free (path);
}

//  Writes the ledger of run, finished or not.
static void
s_ledger (const char *run, bool finished)
{
    coordinator_ledger_t *ledger = coordinator_ledger_open (s_dir, run, NULL, NULL, NULL);
    CHECK (ledger != NULL);
    s_append (ledger, EOD_MSG_TASK, "t1");
    if (finished)
        s_append (ledger, EOD_MSG_RUN_DONE, NULL);
    coordinator_ledger_destroy (&ledger);
}

static void
test_newest_and_prune (void)
{
    char run[256];
    CHECK_INT (coordinator_ledger_newest ("/nonexistent/test_ledger", run, sizeof run), -1);
    char sub[S_PATH_MAX + 8];
    snprintf (sub, sizeof sub, "%s/empty", s_dir);
    CHECK_INT (eod_mkdirs (sub, 0700), 0);
    CHECK_INT (coordinator_ledger_newest (sub, run, sizeof run), -1);

    //  The newest ledger is the run a restarted coordinator takes up; it is
    //  not resumed when its ledger says it finished.
    s_ledger ("run-old", false);
    s_ledger ("run-mid", false);
    s_ledger ("run-new", false);
    s_age ("run-a", 10 * S_DAY_S);
    s_age ("run-old", 3 * S_DAY_S);
    s_age ("run-mid", S_DAY_S);
    s_age ("run-new", 3600);
    char other[S_PATH_MAX + 16];
    snprintf (other, sizeof other, "%s/notes.txt", s_dir);
    CHECK_INT (eod_write_file_atomic (other, "x", 1, 0600), 0);
    CHECK_INT (coordinator_ledger_newest (s_dir, run, sizeof run), 0);
    CHECK_STR (run, "run-new");
    bool finished = true;
    coordinator_ledger_t *ledger = coordinator_ledger_open (s_dir, run, NULL, NULL, &finished);
    CHECK (!finished);
    coordinator_ledger_destroy (&ledger);
    s_ledger ("run-newer", true);
    CHECK_INT (coordinator_ledger_newest (s_dir, run, sizeof run), 0);
    CHECK_STR (run, "run-newer");
    ledger = coordinator_ledger_open (s_dir, run, NULL, NULL, &finished);
    CHECK (finished);
    coordinator_ledger_destroy (&ledger);
    //  A run id longer than the caller's buffer is passed over.
    CHECK_INT (coordinator_ledger_newest (s_dir, run, sizeof "run-new"), -1);

    //  Ledgers older than the days kept go; the rest, and other files, stay.
    coordinator_ledger_prune (s_dir, 2, time (NULL));
    const char *kept[] = {"run-mid", "run-new", "run-newer"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        char *path = coordinator_ledger_path (s_dir, kept[i]);
        CHECK (access (path, F_OK) == 0);
        free (path);
    }
    const char *gone[] = {"run-a", "run-old"};
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++) {
        char *path = coordinator_ledger_path (s_dir, gone[i]);
        CHECK (access (path, F_OK) != 0);
        free (path);
    }
    CHECK (access (other, F_OK) == 0);
}

static void
test_gaps (void)
{
    const char *lines = "kr\t005930\t2024-09-02\t2024-09-02\t005930 failed after 3 attempt(s): EGW00001\n";
    CHECK_INT (coordinator_ledger_write_gaps (s_dir, "kr", "run-a", lines, strlen (lines)), 0);
    char path[S_PATH_MAX + 32];
    snprintf (path, sizeof path, "%s/gaps/kr-run-a.tsv", s_dir);
    size_t len = 0;
    char *text = eod_read_file (path, 4096, &len);
    CHECK_STR (text, lines);
    free (text);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);
    //  Nothing failed: no file.
    CHECK_INT (coordinator_ledger_write_gaps (s_dir, "kr", "run-b", "", 0), 0);
    snprintf (path, sizeof path, "%s/gaps/kr-run-b.tsv", s_dir);
    CHECK (access (path, F_OK) != 0);
    //  The same run again, with every gap filled: its file is removed.
    CHECK_INT (coordinator_ledger_write_gaps (s_dir, "kr", "run-a", "", 0), 0);
    snprintf (path, sizeof path, "%s/gaps/kr-run-a.tsv", s_dir);
    CHECK (access (path, F_OK) != 0);
    //  A state directory that cannot be written: -1.
    CHECK_INT (coordinator_ledger_write_gaps ("/proc/test_ledger", "kr", "run-a", lines, strlen (lines)), -1);
}

int
main (void)
{
    if (fake_scratch_dir (s_dir, "test_ledger")) {
        CHECK (false);
        return EOD_TEST_DONE ();
    }
    test_write_replay ();
    test_newest_and_prune ();
    test_gaps ();
    CHECK_INT (fake_scratch_remove (s_dir), 0);
    return EOD_TEST_DONE ();
}
