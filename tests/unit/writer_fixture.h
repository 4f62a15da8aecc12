/*  writer_fixture — what the unit tests of the writer's modules share
    (tests/unit/test_writer_*.c): a temp directory the test works in, KR
    RESULTs and QUOTES built to order, journals and spool records written by hand, a
    record of the files a fold or a listing reports, and stderr captured to
    check a log line.
    Functions are static inline: each test takes what it uses. */
#ifndef WRITER_FIXTURE_H
#define WRITER_FIXTURE_H

#include "eod_date.h"
#include "eod_journal.h"
#include "eod_quote_window.h"
#include "eod_test.h"
#include "eod_util.h"
#include "finish.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURE_PATH_MAX 1024
#define FIXTURE_FILE_MAX (1u << 24)   //  the largest file a test reads back
#define FIXTURE_LOG_MAX 65536         //  stderr kept by fixture_capture_end
#define FIXTURE_FILES_MAX 32          //  files a fixture_files_t records

static char fixture_root[FIXTURE_PATH_MAX];

//  Makes the temp directory (/tmp/NAME.XXXXXX). 0, or -1 (reported).
static inline int
fixture_begin (const char *name)
{
    snprintf (fixture_root, sizeof fixture_root, "/tmp/%s.XXXXXX", name);
    if (!mkdtemp (fixture_root)) {
        perror ("mkdtemp");
        return -1;
    }
    return 0;
}

//  Removes the temp directory and what it holds.
static inline void
fixture_end (void)
{
    char cmd[FIXTURE_PATH_MAX + 16];
    //  The root is ours, made by mkdtemp under /tmp.
    if (strncmp (fixture_root, "/tmp/", 5) == 0 && !strchr (fixture_root, '\'')) {
        snprintf (cmd, sizeof cmd, "rm -rf '%s'", fixture_root);
        CHECK_INT (system (cmd), 0);
    }
}

//  The path of rel under the temp directory, into out[FIXTURE_PATH_MAX].
static inline void
fixture_path (char *out, const char *rel)
{
    snprintf (out, FIXTURE_PATH_MAX, "%s/%s", fixture_root, rel);
}

//  The file at rel, NUL-terminated (the caller frees it), or NULL.
static inline char *
fixture_read (const char *rel)
{
    char path[FIXTURE_PATH_MAX];
    fixture_path (path, rel);
    size_t len = 0;
    return eod_read_file (path, FIXTURE_FILE_MAX, &len);
}

static inline bool
fixture_exists (const char *rel)
{
    char path[FIXTURE_PATH_MAX];
    fixture_path (path, rel);
    struct stat st;
    return stat (path, &st) == 0;
}

//  Opens rel under the temp directory with mode, its path into
//  path[FIXTURE_PATH_MAX]. The stream, or NULL (a failed check).
static inline FILE *
fixture_open (const char *rel, const char *mode, char *path)
{
    fixture_path (path, rel);
    FILE *f = fopen (path, mode);
    CHECK (f != NULL);
    return f;
}

//  Appends a spool record (key, line; see stages/writer/spool.h) to f; the
//  key's and the line's length fields say klen and llen, so a record can
//  lie about them.
static inline void
fixture_spool_record (FILE *f, const char *key, uint32_t klen, const char *line, uint32_t llen)
{
    uint32_t be = htonl (klen);
    CHECK_INT (fwrite (&be, sizeof be, 1, f), 1);
    CHECK_INT (fwrite (key, 1, strlen (key) + 1, f), strlen (key) + 1);
    be = htonl (llen);
    CHECK_INT (fwrite (&be, sizeof be, 1, f), 1);
    CHECK_INT (fwrite (line, 1, strlen (line) + 1, f), strlen (line) + 1);
}

//  A KR RESULT of run "run-test", one code, whose rows have the given
//  YYYYMMDD dates; the close price is tag and the date, so files show which
//  RESULT a row is from. The name needs quoting: a comma, quotes, a line
//  break.
static inline eod_msg_t *
fixture_result (const char *task_id, const char *code, const char *tag, const char *const *dates, size_t ndates)
{
    eod_msg_t *r = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&r->run_id, "run-test");
    eod_msg_set (&r->task_id, task_id);
    eod_msg_set (&r->market, "kr");
    eod_msg_set (&r->code, code);
    eod_msg_set (&r->status, "ok");
    eod_msg_set (&r->mode, "backfill");
    eod_msg_set (&r->date_from, "2024-01-01");
    eod_msg_set (&r->date_to, "2024-03-31");
    eod_fields_set (&r->meta, "name", "Name, \"quoted\"\nline");
    for (size_t i = 0; i < ndates; i++) {
        eod_fields_t row = EOD_FIELDS_INIT;
        char close[64];
        snprintf (close, sizeof close, "%s-%s", tag, dates[i]);
        eod_fields_set (&row, "stck_bsop_date", dates[i]);
        eod_fields_set (&row, "stck_clpr", close);
        eod_fields_set (&row, "acml_vol", "1000");
        eod_msg_add_row (r, &row);
        eod_fields_clear (&row);
    }
    return r;
}

//  A QUOTES of run "run-test", batch batch_id of the KR session (YYYY-MM-DD),
//  asked at asked_at, status "ok": one row per code of codes[0..ncodes), each
//  with the multi-quote's fields (open 100, high 120, low 90, close 110,
//  volume 1000, value 110000, previous close 105, change 5, sign 2, rate
//  4.76, name "Name CODE"); more codes may be added to list with their state
//  in meta by the test.
static inline eod_msg_t *
fixture_quotes (const char *batch_id, const char *session, int64_t asked_at, const char *const *codes, size_t ncodes)
{
    eod_msg_t *q = eod_msg_new (EOD_MSG_QUOTES);
    eod_msg_set (&q->run_id, "run-test");
    eod_msg_set (&q->task_id, batch_id);
    eod_msg_set (&q->market, "kr");
    eod_msg_set (&q->status, "ok");
    eod_msg_set (&q->date_from, session);
    q->asked_at = asked_at;
    static const char *const fields[][2] = {
        {"inter2_oprc", "100"},  {"inter2_hgpr", "120"},     {"inter2_lwpr", "90"},       {"inter2_prpr", "110"},
        {"acml_vol", "1000"},    {"acml_tr_pbmn", "110000"}, {"inter2_prdy_clpr", "105"}, {"inter2_prdy_vrss", "5"},
        {"prdy_vrss_sign", "2"}, {"prdy_ctrt", "4.76"}};
    for (size_t i = 0; i < ncodes; i++) {
        eod_msg_add_list (q, codes[i]);
        eod_fields_t row = EOD_FIELDS_INIT;
        char name[64];
        snprintf (name, sizeof name, "Name %s", codes[i]);
        eod_fields_set (&row, "inter_shrn_iscd", codes[i]);
        eod_fields_set (&row, "inter_kor_isnm", name);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            eod_fields_set (&row, fields[f][0], fields[f][1]);
        eod_msg_add_row (q, &row);
        eod_fields_clear (&row);
    }
    return q;
}

//  The shipped calendars and the default [multiquote] window (a 10-s
//  timeout), for the tests of what a dateless quote is (NULL calendars:
//  reported).
static inline eod_cal_t *
fixture_quote_window (eod_quote_window_t *window)
{
    eod_cal_t *cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    CHECK (cal != NULL);
    CHECK_INT (
        eod_quote_window_init (window, EOD_QUOTE_WINDOW_START_DEFAULT, EOD_QUOTE_WINDOW_END_DEFAULT, 10000, false), 0);
    return cal;
}

//  An instant "YYYY-MM-DDTHH:MM:SS+09:00" as unix seconds.
static inline int64_t
fixture_instant (const char *instant)
{
    time_t at = 0;
    CHECK_INT (eod_instant_parse (instant, &at), 0);
    return (int64_t) at;
}

//  Appends msgs[order[i]] for each i to a new journal at rel.
static inline void
fixture_write_journal (const char *rel, eod_msg_t **msgs, const size_t *order, size_t n)
{
    char path[FIXTURE_PATH_MAX];
    fixture_path (path, rel);
    unlink (path);
    eod_journal_t *j = eod_journal_open (path, NULL, NULL);
    CHECK (j != NULL);
    for (size_t i = 0; j && i < n; i++)
        CHECK_INT (eod_journal_append (j, msgs[order[i]]), 0);
    CHECK (j && eod_journal_sync (j) == 0);
    eod_journal_destroy (&j);
}

//  The files a fold or a listing reported, in order.
typedef struct {
    char rel[FIXTURE_FILES_MAX][128];
    char date[FIXTURE_FILES_MAX][11];
    long rows[FIXTURE_FILES_MAX];
    size_t count;
} fixture_files_t;

//  A writer_file_fn: records the file (which must exist) in arg, a
//  fixture_files_t.
static inline void
fixture_on_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    fixture_files_t *files = arg;
    struct stat st;
    CHECK (stat (path, &st) == 0);
    if (files->count < FIXTURE_FILES_MAX) {
        snprintf (files->rel[files->count], sizeof files->rel[0], "%s", rel);
        snprintf (files->date[files->count], sizeof files->date[0], "%s", date);
        files->rows[files->count] = rows;
    }
    files->count++;
}

//  Sends stderr to a file until fixture_capture_end. Returns the saved
//  descriptor for it.
static inline int
fixture_capture_begin (void)
{
    char capture[FIXTURE_PATH_MAX];
    fixture_path (capture, "stderr.txt");
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    int fd = open (capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK (saved >= 0 && fd >= 0);
    if (fd >= 0) {
        dup2 (fd, STDERR_FILENO);
        close (fd);
    }
    return saved;
}

//  Restores stderr and copies what was captured into log (NUL-terminated,
//  up to FIXTURE_LOG_MAX bytes).
static inline void
fixture_capture_end (int saved, char *log)
{
    fflush (stderr);
    if (saved >= 0) {
        dup2 (saved, STDERR_FILENO);
        close (saved);
    }
    size_t len = 0;
    char capture[FIXTURE_PATH_MAX];
    fixture_path (capture, "stderr.txt");
    char *text = eod_read_file (capture, FIXTURE_LOG_MAX - 1, &len);
    snprintf (log, FIXTURE_LOG_MAX, "%s", text ? text : "");
    free (text);
}

#endif
