/*  eod_journal — see eod_journal.h. */
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _eod_journal_t {
    char *path;
    int fd;
    off_t size;   //  end of the last whole record
};

//  True when f holds only zero bytes from where it is to its end: what a
//  file system can show past the last write after a power cut.
static bool
s_zeros_to_end (FILE *f)
{
    int c;
    while ((c = fgetc (f)) != EOF)
        if (c != 0)
            return false;
    return true;
}

//  Who hears of each record read: one of the two callbacks.
typedef struct {
    eod_journal_fn *on_msg;
    eod_journal_at_fn *on_msg_at;
    void *arg;
} s_reader_t;

//  Reads the records of an open file from the start. Returns the offset just
//  past the last whole record (a torn tail after it may be cut off), or -1
//  when the file cannot be read or is damaged before its end. *records counts
//  the records read; *stopped is set when on_msg asked to stop.
static off_t
s_scan (int fd, const char *path, const s_reader_t *reader, long *records, bool *stopped)
{
    int copy = dup (fd);
    FILE *f = copy >= 0 ? fdopen (copy, "rb") : NULL;
    if (!f) {
        eod_log_error ("%s: %s", path, strerror (errno));
        if (copy >= 0)
            close (copy);
        return -1;
    }
    off_t good = 0;
    long record = 0;
    char *buf = NULL;
    size_t cap = 0;
    while (true) {
        uint32_t be;
        size_t got = fread (&be, 1, sizeof be, f);
        if (got == 0)
            break;
        record++;
        uint32_t len = ntohl (be);
        if (got < sizeof be) {
            eod_log_warn ("%s: record %ld is incomplete (a crash while writing it): cut off", path, record);
            break;
        }
        if (len == 0 || len > EOD_PROTO_FRAME_MAX) {
            if (len == 0 && s_zeros_to_end (f)) {
                eod_log_warn ("%s: record %ld: zeros to the end of the file (a crash while writing): cut off", path,
                              record);
                break;
            }
            //  Not a torn write (those leave a prefix of one record): the
            //  file is damaged. Nothing is cut, so nothing kept is lost.
            eod_log_error ("%s: record %ld: bad length %u: the file is damaged; move it aside to go on", path, record,
                           len);
            good = -1;
            break;
        }
        if (len > cap) {
            char *bigger = realloc (buf, len);
            if (!bigger) {
                eod_log_error ("%s: record %ld: out of memory", path, record);
                good = -1;
                break;
            }
            buf = bigger;
            cap = len;
        }
        if (fread (buf, 1, len, f) != len) {
            eod_log_warn ("%s: record %ld is incomplete (a crash while writing it): cut off", path, record);
            break;
        }
        off_t at = good;
        good += (off_t) (sizeof be + len);
        char err[256];
        eod_msg_t *msg = eod_msg_decode_stored (buf, len, err, sizeof err);
        int version = msg ? msg->version : eod_msg_frame_version (buf, len);
        if (!msg && version >= 0 && (version < EOD_PROTO_VERSION_STORED_MIN || version > EOD_PROTO_VERSION)) {
            //  Another eod's file: its records cannot be read as ours, and
            //  skipping them would lose what they hold. Nothing is cut.
            eod_log_error ("%s: record %ld was written with protocol version %d and this eod reads versions %d "
                           "to %d: the file is left as it is; finish its run with the eod that wrote it, or "
                           "move it aside to start the run again",
                           path, record, version, EOD_PROTO_VERSION_STORED_MIN, EOD_PROTO_VERSION);
            good = -1;
            break;
        }
        if (!msg) {
            eod_log_error ("%s: record %ld: %s: skipped", path, record, err);
            continue;
        }
        (*records)++;
        int rc = 0;
        if (reader->on_msg)
            rc = reader->on_msg (&msg, record, reader->arg);
        else if (reader->on_msg_at)
            rc = reader->on_msg_at (&msg, record, (int64_t) at, reader->arg);
        eod_msg_destroy (&msg);
        if (rc) {
            *stopped = true;
            break;
        }
    }
    if (ferror (f)) {
        eod_log_error ("%s: cannot read it", path);
        good = -1;
    }
    free (buf);
    fclose (f);
    return good;
}

static eod_journal_t *
s_open (const char *path, const s_reader_t *reader)
{
    eod_journal_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fd = -1;
    self->path = strdup (path);
    if (!self->path || eod_mkdirs_for (path)) {
        eod_log_error ("%s: cannot make its directory: %s", path, strerror (errno));
        goto fail;
    }
    bool existed = access (path, F_OK) == 0;
    self->fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (self->fd < 0) {
        eod_log_error ("%s: %s", path, strerror (errno));
        goto fail;
    }
    //  A new journal must survive a power cut as well as its records do.
    if (!existed && eod_fsync_dir_of (path))
        eod_log_warn ("%s: cannot sync its directory", path);
    long records = 0;
    bool stopped = false;
    self->size = s_scan (self->fd, path, reader, &records, &stopped);
    if (self->size < 0)
        goto fail;
    struct stat st;
    if (stopped) {
        //  The caller stopped reading: the records after are not torn.
        if (fstat (self->fd, &st) == 0)
            self->size = st.st_size;
    }
    else if (fstat (self->fd, &st) == 0 && st.st_size > self->size) {
        if (ftruncate (self->fd, self->size)) {
            eod_log_error ("%s: cannot cut off the torn tail: %s", path, strerror (errno));
            goto fail;
        }
        eod_log_warn ("%s: %lld byte(s) of a torn last record removed", path, (long long) (st.st_size - self->size));
    }
    if (lseek (self->fd, self->size, SEEK_SET) < 0) {
        eod_log_error ("%s: %s", path, strerror (errno));
        goto fail;
    }
    if (records)
        eod_log_info ("%s: %ld record(s) replayed", path, records);
    return self;
fail:
    eod_journal_destroy (&self);
    return NULL;
}

eod_journal_t *
eod_journal_open (const char *path, eod_journal_fn *on_msg, void *arg)
{
    s_reader_t reader = {.on_msg = on_msg, .arg = arg};
    return s_open (path, &reader);
}

eod_journal_t *
eod_journal_open_at (const char *path, eod_journal_at_fn *on_msg, void *arg)
{
    s_reader_t reader = {.on_msg_at = on_msg, .arg = arg};
    return s_open (path, &reader);
}

void
eod_journal_destroy (eod_journal_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_journal_t *self = *self_p;
    if (self->fd >= 0)
        close (self->fd);
    free (self->path);
    free (self);
    *self_p = NULL;
}

int
eod_journal_append (eod_journal_t *self, const eod_msg_t *msg)
{
    return eod_journal_append_at (self, msg) < 0 ? -1 : 0;
}

int64_t
eod_journal_append_at (eod_journal_t *self, const eod_msg_t *msg)
{
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        eod_log_error ("%s: %s", self->path, err);
        return -1;
    }
    //  One write of length and body, so a record is never split by another
    //  writer's record (there is one writer per journal, but it costs nothing).
    size_t total = sizeof (uint32_t) + len;
    char *rec = malloc (total);
    int64_t rc = -1;
    if (rec) {
        uint32_t be = htonl ((uint32_t) len);
        memcpy (rec, &be, sizeof be);
        memcpy (rec + sizeof be, data, len);
        ssize_t n = write (self->fd, rec, total);
        if (n == (ssize_t) total) {
            rc = (int64_t) self->size;
            self->size += (off_t) total;
        }
        else {
            eod_log_error ("%s: write: %s", self->path, n < 0 ? strerror (errno) : "short write");
            //  Keep the file whole: the next record starts where this one did.
            if (ftruncate (self->fd, self->size) || lseek (self->fd, self->size, SEEK_SET) < 0)
                eod_log_error ("%s: cannot roll back a partial record: %s", self->path, strerror (errno));
        }
    }
    free (rec);
    free (data);
    return rc;
}

int
eod_journal_sync (eod_journal_t *self)
{
    if (fdatasync (self->fd)) {
        eod_log_error ("%s: fdatasync: %s", self->path, strerror (errno));
        return -1;
    }
    return 0;
}

long
eod_journal_read (const char *path, eod_journal_fn *on_msg, void *arg)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        eod_log_error ("%s: %s", path, strerror (errno));
        return -1;
    }
    long records = 0;
    bool stopped = false;
    s_reader_t reader = {.on_msg = on_msg, .arg = arg};
    off_t rc = s_scan (fd, path, &reader, &records, &stopped);
    close (fd);
    return rc < 0 ? -1 : records;
}

eod_msg_t *
eod_journal_record (int fd, int64_t offset, const char *path)
{
    uint32_t be;
    ssize_t got = pread (fd, &be, sizeof be, (off_t) offset);
    if (got != (ssize_t) sizeof be) {
        eod_log_error ("%s: no record at byte %lld: %s", path, (long long) offset,
                       got < 0 ? strerror (errno) : "past the end");
        return NULL;
    }
    uint32_t len = ntohl (be);
    if (len == 0 || len > EOD_PROTO_FRAME_MAX) {
        eod_log_error ("%s: byte %lld: bad record length %u", path, (long long) offset, len);
        return NULL;
    }
    char *buf = malloc (len);
    eod_msg_t *msg = NULL;
    if (!buf) {
        eod_log_error ("%s: byte %lld: out of memory", path, (long long) offset);
        return NULL;
    }
    got = pread (fd, buf, len, (off_t) offset + (off_t) sizeof be);
    if (got == (ssize_t) len) {
        char err[256];
        msg = eod_msg_decode_stored (buf, len, err, sizeof err);
        if (!msg)
            eod_log_error ("%s: byte %lld: %s", path, (long long) offset, err);
    }
    else
        eod_log_error ("%s: byte %lld: the record is cut short", path, (long long) offset);
    free (buf);
    return msg;
}
