/*  test_writer_finish — files made durable and handed to the uploader
    (stages/writer/finish.c): partition names; a file written under its temp
    name appears whole at its name or not at all; the files of a date range
    are found with their rows (records, not lines), and so are the anomaly
    sidecars of a range (those the fold wrote skipped); a FILE carries the
    file's MD5, key, session and rows; the outbox sends through the given
    function, holds an END while a FILE is unacknowledged and releases it
    with the last FILE's ACK, matches ACKs by path and by run id ("" and none
    alike), and sends again what is unacknowledged; it keeps at most
    WRITER_FINISH_WINDOW in flight, sends the next with each ACK, sends again
    only those in flight, and keeps for later what the socket does not take. */
#include "finish.h"
#include "writer_fixture.h"

#define S_SENT_MAX 32
#define S_RESEND_NEVER (3600 * 1000)   //  ms: no resend within a test
//  MD5 of "hello\n".
#define S_HELLO_MD5 "b1946ac92492d2347c6235b4d2611184"

static void
s_test_names (void)
{
    char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
    writer_finish_name ("/data", "kr", "2024-09-16", rel, sizeof rel, path, sizeof path);
    CHECK_STR (rel, "market=kr/dt=2024-09-16/kr_20240916.csv");
    CHECK_STR (path, "/data/market=kr/dt=2024-09-16/kr_20240916.csv");
}

static void
s_test_durable (void)
{
    char path[FIXTURE_PATH_MAX];
    fixture_path (path, "out.csv");
    FILE *f = writer_finish_open (path);
    CHECK (f != NULL);
    if (!f)
        return;
    fputs ("a,b\n1,2\n", f);
    //  Until it is closed the file is only under its temp name.
    CHECK (fixture_exists ("out.csv.tmp"));
    CHECK (!fixture_exists ("out.csv"));
    CHECK_INT (writer_finish_close (&f, path, true), 0);
    CHECK (f == NULL);
    CHECK (!fixture_exists ("out.csv.tmp"));
    char *text = fixture_read ("out.csv");
    CHECK_STR (text, "a,b\n1,2\n");
    free (text);
    //  A write that went wrong leaves the old file as it was.
    f = writer_finish_open (path);
    CHECK (f != NULL);
    if (!f)
        return;
    fputs ("half", f);
    CHECK_INT (writer_finish_close (&f, path, false), -1);
    CHECK (!fixture_exists ("out.csv.tmp"));
    text = fixture_read ("out.csv");
    CHECK_STR (text, "a,b\n1,2\n");
    free (text);
    //  No directory: no temp file.
    fixture_path (path, "missing/out.csv");
    CHECK (writer_finish_open (path) == NULL);
}

//  A partition file under data of market kr's session date, holding text.
static void
s_put_file (const char *date, const char *text)
{
    char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (data, "data");
    writer_finish_name (data, "kr", date, rel, sizeof rel, path, sizeof path);
    CHECK (eod_mkdirs_for (path) == 0);
    CHECK (eod_write_file_atomic (path, text, strlen (text), 0644) == 0);
}

static void
s_test_existing (void)
{
    s_put_file ("2024-02-11", "h\n1\n\"two\nlines\"\n3\n");   //  3 records, 4 lines
    s_put_file ("2024-02-12", "h\n1\n");
    s_put_file ("2024-02-13", "h\n1\n2");   //  no line break at the end
    s_put_file ("2024-02-14", "");
    s_put_file ("2024-03-13", "h\n1\n");
    //  A quoted line break where the count reads its second block of 64 KiB.
    enum {
        PAD = 65532
    };
    static char big[PAD + 16];
    memcpy (big, "h\n", 2);
    memset (big + 2, 'a', PAD);
    memcpy (big + 2 + PAD, "\"q\nq\"\n2\n", 8);
    s_put_file ("2024-02-16", big);
    char extra[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    //  A session directory without its file and a stray name are passed over.
    fixture_path (extra, "data/market=kr/dt=2024-02-20");
    CHECK (eod_mkdirs (extra, 0755) == 0);
    fixture_path (extra, "data/market=kr/notes");
    CHECK (eod_mkdirs (extra, 0755) == 0);
    fixture_path (data, "data");
    zhashx_t *skip = zhashx_new ();
    zhashx_insert (skip, "2024-02-12", (void *) 1);
    fixture_files_t f;
    memset (&f, 0, sizeof f);
    CHECK_INT (writer_finish_existing (data, "kr", "2024-02-01", "2024-03-12", skip, fixture_on_file, &f), 4);
    CHECK_INT (f.count, 4);
    CHECK_STR (f.date[0], "2024-02-11");
    CHECK_STR (f.rel[0], "market=kr/dt=2024-02-11/kr_20240211.csv");
    CHECK_INT (f.rows[0], 3);
    CHECK_STR (f.date[1], "2024-02-13");
    CHECK_INT (f.rows[1], 2);
    CHECK_STR (f.date[2], "2024-02-14");
    CHECK_INT (f.rows[2], 0);
    CHECK_STR (f.date[3], "2024-02-16");
    CHECK_INT (f.rows[3], 2);
    //  A market without a directory has no files.
    CHECK_INT (writer_finish_existing (data, "us", "2024-01-01", "2024-12-31", NULL, fixture_on_file, &f), 0);
    zhashx_destroy (&skip);
}

//  A sidecar of market kr's session date under data, holding text.
static void
s_put_sidecar (const char *date, const char *text)
{
    char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (data, "data");
    CHECK_INT (writer_finish_sidecar_name (data, "kr", date, rel, sizeof rel, path, sizeof path), 0);
    CHECK (eod_mkdirs_for (path) == 0);
    CHECK (eod_write_file_atomic (path, text, strlen (text), 0644) == 0);
}

//  The sidecars of a range, offered again: the ones the fold wrote skipped,
//  never a partition file, never one out of the range.
static void
s_test_existing_sidecars (void)
{
    char data[FIXTURE_PATH_MAX], rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
    fixture_path (data, "data");
    s_put_sidecar ("2024-02-11", "trade_date,code,kind,detail\n2024-02-11,005930,price,x\n");
    s_put_sidecar ("2024-02-12", "trade_date,code,kind,detail\n2024-02-12,005930,range,x\n");
    s_put_sidecar ("2024-02-15", "trade_date,code,kind,detail\n2024-02-15,005930,move,a\n2024-02-15,000660,move,b\n");
    s_put_sidecar ("2024-04-01", "trade_date,code,kind,detail\n2024-04-01,005930,price,x\n");
    zhashx_t *skip = zhashx_new ();
    zhashx_insert (skip, "2024-02-12", (void *) 1);
    fixture_files_t f;
    memset (&f, 0, sizeof f);
    CHECK_INT (writer_finish_existing_sidecars (data, "kr", "2024-02-01", "2024-03-31", skip, fixture_on_file, &f), 2);
    CHECK_INT (f.count, 2);
    CHECK_STR (f.rel[0], "anomalies/market=kr/dt=2024-02-11/kr_20240211_anomalies.csv");
    CHECK_STR (f.date[0], "2024-02-11");
    CHECK_INT (f.rows[0], 1);
    CHECK_STR (f.rel[1], "anomalies/market=kr/dt=2024-02-15/kr_20240215_anomalies.csv");
    CHECK_INT (f.rows[1], 2);
    //  The partition files of the range are not sidecars, and a market without any has none.
    memset (&f, 0, sizeof f);
    CHECK_INT (writer_finish_existing (data, "kr", "2024-02-15", "2024-02-15", NULL, fixture_on_file, &f), 0);
    CHECK_INT (writer_finish_existing_sidecars (data, "us", "2024-01-01", "2024-12-31", NULL, fixture_on_file, &f), 0);
    //  A market or a date that could name another directory is refused.
    CHECK_INT (writer_finish_existing_sidecars (data, "../kr", "2024-01-01", "2024-12-31", NULL, fixture_on_file, &f),
               -1);
    CHECK_INT (writer_finish_sidecar_name (data, "kr", "2024-02-1/", rel, sizeof rel, path, sizeof path), -1);
    zhashx_destroy (&skip);
}

//  What the outbox sent, in order: "FILE path", "END run".
//  full: the socket takes nothing (the send fails, nothing is counted).
typedef struct {
    char text[S_SENT_MAX][FIXTURE_PATH_MAX];
    size_t count;
    eod_msg_t *last_file;
    bool full;
} s_sent_t;

static int
s_send (const eod_msg_t *msg, void *arg)
{
    s_sent_t *sent = arg;
    if (sent->full)
        return -1;
    if (sent->count < S_SENT_MAX)
        snprintf (sent->text[sent->count], FIXTURE_PATH_MAX, "%s %s", eod_msg_type_name (msg->type),
                  msg->type == EOD_MSG_FILE ? msg->path : (msg->run_id ? msg->run_id : "-"));
    sent->count++;
    if (msg->type == EOD_MSG_FILE) {
        eod_msg_destroy (&sent->last_file);
        sent->last_file = eod_msg_dup (msg);
    }
    return 0;
}

//  A message of type for run_id (NULL: none).
static eod_msg_t *
s_msg (eod_msg_type_t type, const char *run_id)
{
    eod_msg_t *msg = eod_msg_new (type);
    if (run_id)
        eod_msg_set (&msg->run_id, run_id);
    return msg;
}

static void
s_test_outbox (void)
{
    s_sent_t sent = {.count = 0};
    writer_finish_t *finish = writer_finish_new (s_send, &sent, S_RESEND_NEVER);
    CHECK (finish != NULL);
    if (!finish)
        return;
    char a[FIXTURE_PATH_MAX], b[FIXTURE_PATH_MAX], want[FIXTURE_PATH_MAX + 8];
    fixture_path (a, "a.csv");
    fixture_path (b, "b.csv");
    CHECK (eod_write_file_atomic (a, "hello\n", 6, 0644) == 0);
    CHECK (eod_write_file_atomic (b, "h\n", 2, 0644) == 0);
    CHECK_INT (
        writer_finish_file (finish, "run-1", "kr", a, "market=kr/dt=2024-09-16/kr_20240916.csv", "2024-09-16", 7), 0);
    CHECK_INT (sent.count, 1);
    const eod_msg_t *file = sent.last_file;
    CHECK (file != NULL);
    if (file) {
        CHECK_STR (file->run_id, "run-1");
        CHECK_STR (file->market, "kr");
        CHECK_STR (file->path, a);
        CHECK_STR (file->key, "market=kr/dt=2024-09-16/kr_20240916.csv");
        CHECK_STR (file->date_from, "2024-09-16");
        CHECK_STR (file->md5, S_HELLO_MD5);
        CHECK_INT (file->count, 7);
    }
    CHECK_INT (writer_finish_file (finish, "run-1", "kr", b, "b", "2024-09-17", 0), 0);
    //  A file that cannot be read sends nothing.
    CHECK_INT (writer_finish_file (finish, "run-1", "kr", "/nonexistent/c.csv", "c", "2024-09-18", 0), -1);
    CHECK_INT (sent.count, 2);
    CHECK_INT (writer_finish_unacked (finish), 2);
    //  END waits for the FILEs; nothing is due to be sent again yet.
    eod_msg_t *end = s_msg (EOD_MSG_END, "run-1");
    writer_finish_send (finish, &end);
    CHECK (end == NULL);
    CHECK_INT (sent.count, 2);
    CHECK_INT (writer_finish_pending (finish), 3);
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 2);
    //  ACKs of no FILE, and the END's before it was sent, change nothing.
    writer_finish_file_acked (finish, "/elsewhere.csv");
    writer_finish_end_acked (finish, "run-1");
    CHECK_INT (writer_finish_pending (finish), 3);
    writer_finish_file_acked (finish, b);
    CHECK_INT (writer_finish_unacked (finish), 1);
    CHECK_INT (sent.count, 2);
    //  The last FILE acknowledged: the END goes.
    writer_finish_file_acked (finish, a);
    CHECK_INT (writer_finish_unacked (finish), 0);
    CHECK_INT (sent.count, 3);
    CHECK_STR (sent.text[2], "END run-1");
    CHECK_INT (writer_finish_pending (finish), 1);
    //  An END without a run id is acknowledged by "" too; another run's ACK
    //  is not its.
    eod_msg_t *closed = s_msg (EOD_MSG_END, NULL);
    writer_finish_send (finish, &closed);
    CHECK_INT (sent.count, 4);
    CHECK_STR (sent.text[3], "END -");
    writer_finish_end_acked (finish, "run-2");
    CHECK_INT (writer_finish_pending (finish), 2);
    writer_finish_end_acked (finish, "");
    writer_finish_end_acked (finish, "run-1");
    CHECK_INT (writer_finish_pending (finish), 0);
    snprintf (want, sizeof want, "FILE %s", a);
    CHECK_STR (sent.text[0], want);
    writer_finish_destroy (&finish);
    CHECK (finish == NULL);
    writer_finish_destroy (&finish);
    eod_msg_destroy (&sent.last_file);
}

//  With no wait, every call sends the unacknowledged messages again, in
//  order; an empty outbox sends nothing. Held ENDs die with the outbox.
static void
s_test_resend (void)
{
    s_sent_t sent = {.count = 0};
    writer_finish_t *finish = writer_finish_new (s_send, &sent, 0);
    CHECK (finish != NULL);
    if (!finish)
        return;
    char a[FIXTURE_PATH_MAX];
    fixture_path (a, "a.csv");
    CHECK_INT (writer_finish_file (finish, "run-1", "kr", a, "a", "2024-09-16", 1), 0);
    eod_msg_t *end = s_msg (EOD_MSG_END, "run-1");
    writer_finish_send (finish, &end);
    eod_msg_t *other = s_msg (EOD_MSG_RUN_DONE, "run-0");   //  not an END: sent at once
    writer_finish_send (finish, &other);
    CHECK_INT (sent.count, 2);
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 4);
    CHECK_STR (sent.text[2], sent.text[0]);
    CHECK_STR (sent.text[3], sent.text[1]);
    writer_finish_file_acked (finish, a);   //  releases the END
    CHECK_INT (sent.count, 5);
    CHECK_STR (sent.text[4], "END run-1");
    writer_finish_end_acked (finish, "run-1");
    CHECK_INT (writer_finish_pending (finish), 1);
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 6);
    CHECK_INT (writer_finish_file (finish, "run-2", "kr", a, "a", "2024-09-16", 1), 0);
    end = s_msg (EOD_MSG_END, "run-2");
    writer_finish_send (finish, &end);
    CHECK_INT (writer_finish_pending (finish), 3);
    writer_finish_destroy (&finish);
    eod_msg_destroy (&sent.last_file);
}

//  FILEs of a long backfill: WRITER_FINISH_WINDOW go at once, the next with
//  each ACK; a silence sends again those in flight only.
static void
s_test_window (void)
{
    s_sent_t sent = {.count = 0};
    writer_finish_t *finish = writer_finish_new (s_send, &sent, 0);
    CHECK (finish != NULL);
    if (!finish)
        return;
    enum {
        N = WRITER_FINISH_WINDOW + 5
    };
    char path[N][FIXTURE_PATH_MAX], name[32];
    for (int i = 0; i < N; i++) {
        snprintf (name, sizeof name, "w%d.csv", i);
        fixture_path (path[i], name);
        CHECK (eod_write_file_atomic (path[i], "h\n", 2, 0644) == 0);
        CHECK_INT (writer_finish_file (finish, "run-1", "kr", path[i], name, "2024-09-16", 0), 0);
    }
    CHECK_INT (sent.count, WRITER_FINISH_WINDOW);
    CHECK_INT (writer_finish_unacked (finish), N);
    eod_msg_t *end = s_msg (EOD_MSG_END, "run-1");
    writer_finish_send (finish, &end);
    CHECK_INT (writer_finish_pending (finish), N + 1);
    //  An ACK makes room for one more, the next in order.
    writer_finish_file_acked (finish, path[0]);
    CHECK_INT (sent.count, WRITER_FINISH_WINDOW + 1);
    CHECK (sent.last_file && strcmp (sent.last_file->path, path[WRITER_FINISH_WINDOW]) == 0);
    //  No wait (resend_ms 0): again those in flight, not those waiting.
    size_t before = sent.count;
    writer_finish_resend (finish);
    CHECK_INT (sent.count, before + WRITER_FINISH_WINDOW);
    CHECK (sent.last_file && strcmp (sent.last_file->path, path[WRITER_FINISH_WINDOW]) == 0);
    for (int i = 1; i < N; i++)
        writer_finish_file_acked (finish, path[i]);
    CHECK_INT (writer_finish_unacked (finish), 0);
    //  Every FILE went once before the silence, and the END after the last.
    CHECK_INT (sent.count, before + WRITER_FINISH_WINDOW + (N - WRITER_FINISH_WINDOW - 1) + 1);
    CHECK_INT (writer_finish_pending (finish), 1);
    writer_finish_end_acked (finish, "run-1");
    CHECK_INT (writer_finish_pending (finish), 0);
    writer_finish_destroy (&finish);
    eod_msg_destroy (&sent.last_file);
}

//  A socket that takes nothing (the uploader not reading): sending never
//  waits, the messages stay, and go once it takes them again.
static void
s_test_full (void)
{
    s_sent_t sent = {.count = 0, .full = true};
    writer_finish_t *finish = writer_finish_new (s_send, &sent, S_RESEND_NEVER);
    CHECK (finish != NULL);
    if (!finish)
        return;
    char a[FIXTURE_PATH_MAX], b[FIXTURE_PATH_MAX];
    fixture_path (a, "fa.csv");
    fixture_path (b, "fb.csv");
    CHECK (eod_write_file_atomic (a, "h\n", 2, 0644) == 0);
    CHECK (eod_write_file_atomic (b, "h\n", 2, 0644) == 0);
    CHECK_INT (writer_finish_file (finish, "run-1", "kr", a, "a", "2024-09-16", 0), 0);
    CHECK_INT (writer_finish_file (finish, "run-1", "kr", b, "b", "2024-09-17", 0), 0);
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 0);
    CHECK_INT (writer_finish_unacked (finish), 2);
    sent.full = false;
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 2);
    CHECK (sent.last_file && strcmp (sent.last_file->path, b) == 0);
    //  Nothing is due again before resend_ms.
    writer_finish_resend (finish);
    CHECK_INT (sent.count, 2);
    writer_finish_destroy (&finish);
    eod_msg_destroy (&sent.last_file);
}

int
main (void)
{
    if (fixture_begin ("test_writer_finish"))
        return 1;
    s_test_names ();
    s_test_durable ();
    s_test_existing ();
    s_test_existing_sidecars ();
    s_test_outbox ();
    s_test_resend ();
    s_test_window ();
    s_test_full ();
    fixture_end ();
    return EOD_TEST_DONE ();
}
