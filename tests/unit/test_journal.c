/*  test_journal — the on-disk ledger format: records replayed in order, a torn
    tail (or zeros) cut off and appended after, an undecodable record skipped,
    a damaged file refused unchanged, a stopped replay cutting nothing, a
    missing file read as empty. */
#include "eod_journal.h"
#include "eod_test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    int n;
    char ids[16][32];
} s_seen_t;

static int
s_collect (eod_msg_t **msg_p, long record, void *arg)
{
    s_seen_t *seen = arg;
    if (seen->n < 16)
        snprintf (seen->ids[seen->n++], 32, "%s", (*msg_p)->task_id ? (*msg_p)->task_id : "?");
    return 0;
}

static int
s_stop_first (eod_msg_t **msg_p, long record, void *arg)
{
    return -1;
}

//  Offsets seen by eod_journal_open_at, by record.
typedef struct {
    int n;
    int64_t at[16];
} s_offsets_t;

static int
s_collect_at (eod_msg_t **msg_p, long record, int64_t offset, void *arg)
{
    s_offsets_t *seen = arg;
    if (seen->n < 16)
        seen->at[seen->n++] = offset;
    return 0;
}

static eod_msg_t *
s_ack (const char *task_id)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_ACK);
    eod_msg_set (&m->run_id, "run1");
    eod_msg_set (&m->task_id, task_id);
    return m;
}

static void
s_append_raw (const char *path, const void *data, size_t len)
{
    int fd = open (path, O_WRONLY | O_APPEND);
    if (fd >= 0) {
        if (write (fd, data, len) != (ssize_t) len)
            fprintf (stderr, "short write\n");
        close (fd);
    }
}

static off_t
s_size (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0 ? st.st_size : -1;
}

int
main (void)
{
    char dir[] = "/tmp/eod-journal-test.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    char path[256];
    snprintf (path, sizeof path, "%s/sub/run1.ledger", dir);

    //  A new journal: the directory is made, the file is 0600, appends read back in order.
    s_seen_t seen = {0};
    eod_journal_t *j = eod_journal_open (path, s_collect, &seen);
    CHECK (j != NULL);
    CHECK_INT (seen.n, 0);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);
    const char *ids[] = {"t1", "t2", "t3"};
    for (int i = 0; i < 3; i++) {
        eod_msg_t *m = s_ack (ids[i]);
        CHECK_INT (eod_journal_append (j, m), 0);
        eod_msg_destroy (&m);
    }
    CHECK_INT (eod_journal_sync (j), 0);
    eod_journal_destroy (&j);
    CHECK (j == NULL);
    memset (&seen, 0, sizeof seen);
    CHECK_INT (eod_journal_read (path, s_collect, &seen), 3);
    CHECK_INT (seen.n, 3);
    CHECK_STR (seen.ids[0], "t1");
    CHECK_STR (seen.ids[2], "t3");
    off_t whole = s_size (path);

    //  A torn tail (a length that promises more than is there) is cut off on
    //  open, and the next append starts where the last whole record ended.
    unsigned char torn[] = {0, 0, 0, 40, 0x82, 0xa1};
    s_append_raw (path, torn, sizeof torn);
    CHECK_INT (s_size (path), whole + (off_t) sizeof torn);
    memset (&seen, 0, sizeof seen);
    j = eod_journal_open (path, s_collect, &seen);
    CHECK (j != NULL);
    CHECK_INT (seen.n, 3);
    CHECK_INT (s_size (path), whole);
    eod_msg_t *m = s_ack ("t4");
    CHECK_INT (eod_journal_append (j, m), 0);
    eod_msg_destroy (&m);
    eod_journal_destroy (&j);
    memset (&seen, 0, sizeof seen);
    CHECK_INT (eod_journal_read (path, s_collect, &seen), 4);
    CHECK_STR (seen.ids[3], "t4");

    //  A whole record that does not decode is skipped; the ones after it count.
    unsigned char junk[] = {0, 0, 0, 3, 0xc1, 0xc1, 0xc1};
    s_append_raw (path, junk, sizeof junk);
    j = eod_journal_open (path, NULL, NULL);
    CHECK (j != NULL);
    m = s_ack ("t5");
    CHECK_INT (eod_journal_append (j, m), 0);
    eod_msg_destroy (&m);
    eod_journal_destroy (&j);
    memset (&seen, 0, sizeof seen);
    CHECK_INT (eod_journal_read (path, s_collect, &seen), 5);
    CHECK_STR (seen.ids[4], "t5");

    //  Zeros to the end of the file (a power cut past the last write) are a
    //  torn tail: cut off, what came before kept.
    off_t before = s_size (path);
    char zeros[64] = {0};
    s_append_raw (path, zeros, sizeof zeros);
    j = eod_journal_open (path, NULL, NULL);
    CHECK (j != NULL);
    eod_journal_destroy (&j);
    CHECK_INT (s_size (path), before);

    //  A length no record can have, followed by data, is damage: open and
    //  read fail, and the file is left as it is.
    uint32_t huge = htonl ((uint32_t) EOD_PROTO_FRAME_MAX + 1);
    s_append_raw (path, &huge, sizeof huge);
    s_append_raw (path, "xyz", 3);
    CHECK (eod_journal_open (path, NULL, NULL) == NULL);
    memset (&seen, 0, sizeof seen);
    CHECK_INT (eod_journal_read (path, s_collect, &seen), -1);
    CHECK_INT (seen.n, 5);
    CHECK_INT (s_size (path), before + (off_t) sizeof huge + 3);

    //  A replay stopped by the caller cuts nothing.
    char other[300];
    snprintf (other, sizeof other, "%s/stop.ledger", dir);
    j = eod_journal_open (other, NULL, NULL);
    for (int i = 0; i < 3; i++) {
        m = s_ack (ids[i]);
        eod_journal_append (j, m);
        eod_msg_destroy (&m);
    }
    eod_journal_destroy (&j);
    off_t three = s_size (other);
    j = eod_journal_open (other, s_stop_first, NULL);
    CHECK (j != NULL);
    m = s_ack ("t9");
    CHECK_INT (eod_journal_append (j, m), 0);
    eod_msg_destroy (&m);
    eod_journal_destroy (&j);
    memset (&seen, 0, sizeof seen);
    CHECK_INT (eod_journal_read (other, s_collect, &seen), 4);
    CHECK_STR (seen.ids[3], "t9");
    CHECK (s_size (other) > three);

    //  A missing file reads as empty.
    char missing[300];
    snprintf (missing, sizeof missing, "%s/none.ledger", dir);
    CHECK_INT (eod_journal_read (missing, s_collect, &seen), 0);

    //  Offsets: each append says where its record starts, a replay says the
    //  same, and eod_journal_record reads any of them back.
    char offs[300];
    snprintf (offs, sizeof offs, "%s/offsets.ledger", dir);
    eod_journal_t *oj = eod_journal_open_at (offs, s_collect_at, NULL);
    CHECK (oj != NULL);
    int64_t at[3];
    const char *names[3] = {"a1", "b22", "c333"};
    for (int i = 0; i < 3; i++) {
        eod_msg_t *m = s_ack (names[i]);
        at[i] = oj ? eod_journal_append_at (oj, m) : -1;
        eod_msg_destroy (&m);
    }
    CHECK (at[0] == 0 && at[1] > at[0] && at[2] > at[1]);
    int rfd = open (offs, O_RDONLY);
    CHECK (rfd >= 0);
    for (int i = 2; i >= 0; i--) {
        eod_msg_t *back = eod_journal_record (rfd, at[i], offs);
        CHECK (back && back->task_id && strcmp (back->task_id, names[i]) == 0);
        eod_msg_destroy (&back);
    }
    //  Not at a record's start, or past the end: NULL, no crash.
    CHECK (eod_journal_record (rfd, at[1] + 1, offs) == NULL);
    CHECK (eod_journal_record (rfd, s_size (offs), offs) == NULL);
    CHECK (eod_journal_record (rfd, s_size (offs) + 100, offs) == NULL);
    eod_journal_destroy (&oj);
    s_offsets_t seen_at = {0};
    oj = eod_journal_open_at (offs, s_collect_at, &seen_at);
    CHECK_INT (seen_at.n, 3);
    CHECK (seen_at.at[0] == at[0] && seen_at.at[1] == at[1] && seen_at.at[2] == at[2]);
    //  After a replay, the next record starts at the old end of the file.
    off_t end = s_size (offs);
    eod_msg_t *m4 = s_ack ("d4");
    CHECK (oj && eod_journal_append_at (oj, m4) == (int64_t) end);
    eod_msg_destroy (&m4);
    eod_msg_t *d4 = eod_journal_record (rfd, (int64_t) end, offs);
    CHECK (d4 && strcmp (d4->task_id, "d4") == 0);
    eod_msg_destroy (&d4);
    eod_journal_destroy (&oj);
    close (rfd);

    //  A path that cannot be made is an error, not a crash.
    CHECK (eod_journal_open ("/proc/no/such/dir/x.ledger", NULL, NULL) == NULL);

    char cmd[400];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK (system (cmd) == 0);
    return EOD_TEST_DONE ();
}
