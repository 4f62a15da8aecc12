/*  writer finish — see finish.h. */
#include "finish.h"
#include "eod_grammar.h"
#include "eod_log.h"
#include "eod_util.h"
#include "eod_zmq.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_DATE_LEN 10    //  YYYY-MM-DD
#define S_DATES_MIN 64   //  first capacity of the list of sessions found
#define S_MD5_HEX 33     //  32 hex digits and the NUL
#define S_MD5_B64 25     //  24 base64 characters and the NUL
#define S_TMP_SUFFIX ".tmp"
#define S_COUNT_BLOCK 65536   //  bytes read at a time to count a file's rows

int
writer_finish_name (const char *data_dir, const char *market, const char *date, char *rel, size_t rel_size, char *path,
                    size_t path_size)
{
    //  Both name directories: checked here as the decoder checked them.
    char why[128] = "";
    if (!eod_grammar_ok (EOD_G_MARKET, market, why, sizeof why) || !eod_grammar_ok (EOD_G_DATE, date, why, sizeof why)
        || eod_path_format (rel, rel_size, "market=%s/dt=%s/%s_%.4s%.2s%.2s.csv", market, date, market, date, date + 5,
                            date + 8)
        || eod_path_format (path, path_size, "%s/%s", data_dir, rel)) {
        eod_log_error ("%s: no partition file for market %.8s and session %.16s: %s", data_dir, market, date,
                       *why ? why : "the path is too long");
        return -1;
    }
    return 0;
}

int
writer_finish_sidecar_name (const char *data_dir, const char *market, const char *date, char *rel, size_t rel_size,
                            char *path, size_t path_size)
{
    if (!eod_grammar_ok (EOD_G_MARKET, market, NULL, 0) || !eod_grammar_ok (EOD_G_DATE, date, NULL, 0)
        || eod_path_format (rel, rel_size, "anomalies/market=%s/dt=%s/%s_%.4s%.2s%.2s_anomalies.csv", market, date,
                            market, date, date + 5, date + 8)
        || eod_path_format (path, path_size, "%s/%s", data_dir, rel)) {
        eod_log_error ("%s: no sidecar for market %.8s and session %.16s", data_dir, market, date);
        return -1;
    }
    return 0;
}

static void
s_tmp_name (const char *path, char tmp[WRITER_PATH_MAX + sizeof S_TMP_SUFFIX])
{
    snprintf (tmp, WRITER_PATH_MAX + sizeof S_TMP_SUFFIX, "%s%s", path, S_TMP_SUFFIX);
}

FILE *
writer_finish_open (const char *path)
{
    char tmp[WRITER_PATH_MAX + sizeof S_TMP_SUFFIX];
    s_tmp_name (path, tmp);
    return fopen (tmp, "w");
}

int
writer_finish_close (FILE **file_p, const char *path, bool ok)
{
    FILE *f = *file_p;
    *file_p = NULL;
    char tmp[WRITER_PATH_MAX + sizeof S_TMP_SUFFIX];
    s_tmp_name (path, tmp);
    int rc = !ok;
    rc |= fflush (f) != 0;
    rc |= fsync (fileno (f)) != 0;
    rc |= fclose (f) != 0;
    if (rc || rename (tmp, path)) {
        unlink (tmp);
        return -1;
    }
    eod_fsync_dir_of (path);
    return 0;
}

//  ---------------------------------------------------------------- files found

//  Rows of a CSV file: its records (line breaks outside quotes, and a last
//  line without one) less the header. -1 when it cannot be read.
static long
s_count_rows (const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return -1;
    long records = 0;
    bool quoted = false;
    char block[S_COUNT_BLOCK], last = '\n';
    size_t got;
    while ((got = fread (block, 1, sizeof block, f)) > 0) {
        for (size_t i = 0; i < got; i++) {
            //  "" inside a quoted field toggles twice: the state stays right.
            if (block[i] == '"')
                quoted = !quoted;
            else if (block[i] == '\n' && !quoted)
                records++;
        }
        last = block[got - 1];
    }
    bool failed = ferror (f) != 0;
    fclose (f);
    if (failed)
        return -1;
    if (last != '\n')
        records++;
    return records > 0 ? records - 1 : 0;
}

static bool
s_is_dt_dir (const char *name)
{
    //  dt=YYYY-MM-DD
    static const char pattern[] = "dt=9999-99-99";
    if (strlen (name) != sizeof pattern - 1)
        return false;
    for (size_t i = 0; pattern[i]; i++)
        if (pattern[i] == '9' ? !isdigit ((unsigned char) name[i]) : name[i] != pattern[i])
            return false;
    return true;
}

static int
s_date_cmp (const void *a, const void *b)
{
    return strcmp ((const char *) a, (const char *) b);
}

//  The files of market's sessions in date_from..date_to not in skip under
//  data_dir: the partition files, or the anomaly sidecars (sidecars).
static long
s_existing (const char *data_dir, const char *market, const char *date_from, const char *date_to, zhashx_t *skip,
            bool sidecars, writer_file_fn *on_file, void *arg)
{
    char mdir[WRITER_PATH_MAX];
    if (!eod_grammar_ok (EOD_G_MARKET, market, NULL, 0)
        || eod_path_format (mdir, sizeof mdir, sidecars ? "%s/anomalies/market=%s" : "%s/market=%s", data_dir,
                            market)) {
        eod_log_error ("%s: no partitions of market %.8s", data_dir, market);
        return -1;
    }
    DIR *d = opendir (mdir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        eod_log_error ("%s: %s", mdir, strerror (errno));
        return -1;
    }
    char (*dates)[S_DATE_LEN + 1] = NULL;
    size_t ndates = 0, cap = 0;
    long files = -1;
    struct dirent *e;
    while ((e = readdir (d))) {
        if (!s_is_dt_dir (e->d_name))
            continue;
        const char *date = e->d_name + 3;
        if (strcmp (date, date_from) < 0 || strcmp (date, date_to) > 0 || (skip && zhashx_lookup (skip, date)))
            continue;
        if (ndates == cap) {
            cap = cap ? 2 * cap : S_DATES_MIN;
            void *bigger = realloc (dates, cap * sizeof *dates);
            if (!bigger)
                goto out;
            dates = bigger;
        }
        memcpy (dates[ndates++], date, S_DATE_LEN + 1);
    }
    if (ndates)
        qsort (dates, ndates, sizeof *dates, s_date_cmp);
    files = 0;
    for (size_t i = 0; i < ndates; i++) {
        const char *date = dates[i];
        char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
        if (sidecars ? writer_finish_sidecar_name (data_dir, market, date, rel, sizeof rel, path, sizeof path)
                     : writer_finish_name (data_dir, market, date, rel, sizeof rel, path, sizeof path))
            continue;
        struct stat st;
        if (stat (path, &st) || !S_ISREG (st.st_mode))
            continue;   //  a session directory without its file
        long rows = s_count_rows (path);
        if (rows < 0) {
            eod_log_error ("%s: %s", path, strerror (errno));
            continue;
        }
        if (on_file)
            on_file (path, rel, date, rows, arg);
        files++;
    }
out:
    closedir (d);
    free (dates);
    return files;
}

long
writer_finish_existing (const char *data_dir, const char *market, const char *date_from, const char *date_to,
                        zhashx_t *skip, writer_file_fn *on_file, void *arg)
{
    return s_existing (data_dir, market, date_from, date_to, skip, false, on_file, arg);
}

long
writer_finish_existing_sidecars (const char *data_dir, const char *market, const char *date_from, const char *date_to,
                                 zhashx_t *skip, writer_file_fn *on_file, void *arg)
{
    return s_existing (data_dir, market, date_from, date_to, skip, true, on_file, arg);
}

long
writer_finish_codes (const char *data_dir, const char *market, const char *day, writer_file_fn *on_file, void *arg)
{
    char rdir[WRITER_REL_MAX], dir[WRITER_PATH_MAX];
    if (!eod_grammar_ok (EOD_G_MARKET, market, NULL, 0) || !eod_grammar_ok (EOD_G_DATE, day, NULL, 0)
        || eod_path_format (rdir, sizeof rdir, "codes/market=%s/dt=%s", market, day)
        || eod_path_format (dir, sizeof dir, "%s/%s", data_dir, rdir)) {
        eod_log_error ("%s: no universe snapshot of market %.8s and day %.16s", data_dir, market, day);
        return -1;
    }
    DIR *d = opendir (dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        eod_log_error ("%s: %s", dir, strerror (errno));
        return -1;
    }
    long files = 0;
    struct dirent *e;
    while ((e = readdir (d))) {
        size_t n = strlen (e->d_name);
        char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
        struct stat st;
        if (n < 5 || strcmp (e->d_name + n - 4, ".csv") != 0 || !eod_grammar_ok (EOD_G_KEY, e->d_name, NULL, 0)
            || eod_path_format (rel, sizeof rel, "%s/%s", rdir, e->d_name)
            || eod_path_format (path, sizeof path, "%s/%s", data_dir, rel) || stat (path, &st) || !S_ISREG (st.st_mode))
            continue;
        long rows = s_count_rows (path);
        if (rows < 0) {
            eod_log_error ("%s: %s", path, strerror (errno));
            continue;
        }
        on_file (path, rel, day, rows, arg);
        files++;
    }
    closedir (d);
    return files;
}

//  ---------------------------------------------------------------- the outbox

//  A message of the outbox, and whether it is in flight (sent, not
//  acknowledged) or waits for room in the window.
typedef struct {
    eod_msg_t *msg;
    bool sent;
} s_entry_t;

struct _writer_finish_t {
    writer_send_fn *send;
    void *arg;
    int64_t resend_ms;
    //  FILE and END for the uploader not acknowledged yet, in order (entries):
    //  at most WRITER_FINISH_WINDOW in flight, the others wait their turn.
    zlistx_t *outbox;
    size_t files_unacked;   //  FILEs in the outbox
    size_t in_flight;       //  entries sent
    //  ENDs held back until every FILE sent before them is acknowledged.
    zlistx_t *held;
    int64_t resend_at;   //  0: nothing in flight
};

static void
s_msg_free (void **item)
{
    eod_msg_t *msg = *item;
    eod_msg_destroy (&msg);
    *item = NULL;
}

static void
s_entry_free (void **item)
{
    s_entry_t *entry = *item;
    if (entry) {
        eod_msg_destroy (&entry->msg);
        free (entry);
    }
    *item = NULL;
}

//  Sends the waiting entries, in order, while the window has room and the
//  socket takes them (a full socket: the next call tries again).
static void
s_pump (writer_finish_t *self)
{
    for (s_entry_t *e = zlistx_first (self->outbox); e && self->in_flight < WRITER_FINISH_WINDOW;
         e = zlistx_next (self->outbox)) {
        if (e->sent)
            continue;
        if (self->send (e->msg, self->arg))
            break;
        e->sent = true;
        self->in_flight++;
        if (!self->resend_at)
            self->resend_at = eod_clock_ms () + self->resend_ms;
    }
}

writer_finish_t *
writer_finish_new (writer_send_fn *send, void *arg, int64_t resend_ms)
{
    writer_finish_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->send = send;
    self->arg = arg;
    self->resend_ms = resend_ms;
    self->outbox = zlistx_new ();
    self->held = zlistx_new ();
    if (!self->outbox || !self->held) {
        writer_finish_destroy (&self);
        return NULL;
    }
    zlistx_set_destructor (self->outbox, s_entry_free);
    zlistx_set_destructor (self->held, s_msg_free);
    return self;
}

void
writer_finish_destroy (writer_finish_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_finish_t *self = *self_p;
    zlistx_destroy (&self->outbox);
    zlistx_destroy (&self->held);
    free (self);
    *self_p = NULL;
}

void
writer_finish_send (writer_finish_t *self, eod_msg_t **msg_p)
{
    if (!*msg_p)
        return;
    if ((*msg_p)->type == EOD_MSG_END && self->files_unacked > 0) {
        zlistx_add_end (self->held, *msg_p);
        *msg_p = NULL;
        return;
    }
    s_entry_t *entry = calloc (1, sizeof *entry);
    if (!entry || !zlistx_add_end (self->outbox, entry)) {
        //  No memory: sent once, not kept (the uploader's own rescan of the
        //  data directory is what is left).
        eod_log_error ("no memory to keep a %s for the uploader", eod_msg_type_name ((*msg_p)->type));
        free (entry);
        self->send (*msg_p, self->arg);
        eod_msg_destroy (msg_p);
        return;
    }
    entry->msg = *msg_p;
    *msg_p = NULL;
    self->files_unacked += entry->msg->type == EOD_MSG_FILE;
    s_pump (self);
}

int
writer_finish_file (writer_finish_t *self, const char *run_id, const char *market, const char *path, const char *rel,
                    const char *date, long rows)
{
    char hex[S_MD5_HEX], b64[S_MD5_B64];
    if (eod_md5_file (path, hex, b64)) {
        eod_log_error ("%s: cannot checksum", path);
        return -1;
    }
    eod_msg_t *file = eod_msg_new (EOD_MSG_FILE);
    if (!file)
        return -1;
    eod_msg_set (&file->run_id, run_id);
    eod_msg_set (&file->market, market);
    eod_msg_set (&file->date_from, date);
    eod_msg_set (&file->path, path);
    eod_msg_set (&file->key, rel);
    eod_msg_set (&file->md5, hex);
    file->count = rows;
    eod_log_info ("%s: %ld rows, md5 %s", path, rows, hex);
    writer_finish_send (self, &file);
    return 0;
}

//  Run ids as the uploader's ACK carries them: none is "".
static bool
s_same_run (const char *a, const char *b)
{
    return strcmp (a ? a : "", b ? b : "") == 0;
}

//  The first FILE of path, or the first END of run_id (end), leaves the
//  outbox; the last FILE acknowledged releases the ENDs held for it.
static void
s_acked (writer_finish_t *self, bool end, const char *path, const char *run_id)
{
    bool deleted = false;
    for (s_entry_t *e = zlistx_first (self->outbox); e; e = zlistx_next (self->outbox)) {
        const eod_msg_t *m = e->msg;
        bool match = end ? m->type == EOD_MSG_END && s_same_run (m->run_id, run_id)
                         : m->type == EOD_MSG_FILE && m->path && strcmp (m->path, path) == 0;
        if (match) {
            self->in_flight -= e->sent;
            zlistx_delete (self->outbox, zlistx_cursor (self->outbox));
            self->files_unacked -= !end;
            deleted = true;
            break;
        }
    }
    if (!deleted)
        return;
    //  The uploader is working through what it has: the wait before sending
    //  again starts over with each acknowledgement.
    self->resend_at = self->in_flight ? eod_clock_ms () + self->resend_ms : 0;
    s_pump (self);
    if (!end && self->files_unacked == 0)
        for (eod_msg_t *m = zlistx_detach (self->held, NULL); m; m = zlistx_detach (self->held, NULL))
            writer_finish_send (self, &m);
}

void
writer_finish_file_acked (writer_finish_t *self, const char *path)
{
    s_acked (self, false, path, NULL);
}

void
writer_finish_end_acked (writer_finish_t *self, const char *run_id)
{
    s_acked (self, true, NULL, run_id);
}

void
writer_finish_resend (writer_finish_t *self)
{
    s_pump (self);
    int64_t now = eod_clock_ms ();
    if (!self->resend_at || now < self->resend_at)
        return;
    eod_log_info ("the uploader acknowledged nothing in %lld ms: sending the %zu message(s) in flight again "
                  "(%zu wait their turn)",
                  (long long) self->resend_ms, self->in_flight, zlistx_size (self->outbox) - self->in_flight);
    //  One the socket does not take waits its turn again.
    for (s_entry_t *e = zlistx_first (self->outbox); e; e = zlistx_next (self->outbox))
        if (e->sent && self->send (e->msg, self->arg)) {
            e->sent = false;
            self->in_flight--;
        }
    self->resend_at = self->in_flight ? now + self->resend_ms : 0;
}

size_t
writer_finish_unacked (const writer_finish_t *self)
{
    return self->files_unacked;
}

size_t
writer_finish_pending (const writer_finish_t *self)
{
    return zlistx_size (self->outbox) + zlistx_size (self->held);
}
