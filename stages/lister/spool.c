/*  lister spool — encoded messages in a file (see spool.h). */
#include "spool.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_LEN_BYTES 4   //  big-endian length before each record
#define S_FILE_MODE 0600

struct _lister_spool_t {
    char *path;
    FILE *file;
    size_t count;   //  records appended
    bool reading;   //  positioned for lister_spool_next
    size_t next;    //  1-based number of the next record read
    char *buf;      //  one record read back
    size_t bufsize;
};

lister_spool_t *
lister_spool_new (const char *path)
{
    assert (path);
    lister_spool_t *self = calloc (1, sizeof (*self));
    if (!self) {
        eod_log_error ("%s: out of memory", path);
        return NULL;
    }
    self->path = strdup (path);
    if (!self->path) {
        eod_log_error ("%s: out of memory", path);
        goto fail;
    }
    if (eod_mkdirs_for (path)) {
        eod_log_error ("%s: cannot make its directory: %s", path, strerror (errno));
        goto fail;
    }
    int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, S_FILE_MODE);
    if (fd < 0 || !(self->file = fdopen (fd, "w+b"))) {
        eod_log_error ("%s: cannot create the spool: %s", path, strerror (errno));
        if (fd >= 0)
            close (fd);
        goto fail;
    }
    return self;
fail:
    lister_spool_destroy (&self);
    return NULL;
}

void
lister_spool_destroy (lister_spool_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_spool_t *self = *self_p;
    if (self->file) {
        fclose (self->file);
        if (unlink (self->path))
            eod_log_warn ("%s: cannot remove the spool: %s", self->path, strerror (errno));
    }
    free (self->path);
    free (self->buf);
    free (self);
    *self_p = NULL;
}

int
lister_spool_append (lister_spool_t *self, const eod_msg_t *msg)
{
    assert (self && msg);
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (eod_msg_encode (msg, &data, &len, err, sizeof (err))) {
        eod_log_error ("%s: %s %s not spooled: %s", self->path, eod_msg_type_name (msg->type),
                       msg->code ? msg->code : "", err);
        return -1;
    }
    int rc = -1;
    if (self->reading) {
        if (fseek (self->file, 0, SEEK_END)) {
            eod_log_error ("%s: cannot seek: %s", self->path, strerror (errno));
            goto out;
        }
        self->reading = false;
    }
    uint32_t n = (uint32_t) len;
    unsigned char head[S_LEN_BYTES] = {(unsigned char) (n >> 24), (unsigned char) (n >> 16), (unsigned char) (n >> 8),
                                       (unsigned char) n};
    if (fwrite (head, 1, sizeof (head), self->file) != sizeof (head) || fwrite (data, 1, len, self->file) != len) {
        eod_log_error ("%s: cannot write record %zu: %s", self->path, self->count + 1, strerror (errno));
        goto out;
    }
    self->count++;
    rc = 0;
out:
    free (data);
    return rc;
}

size_t
lister_spool_count (const lister_spool_t *self)
{
    assert (self);
    return self->count;
}

const char *
lister_spool_path (const lister_spool_t *self)
{
    assert (self);
    return self->path;
}

int
lister_spool_rewind (lister_spool_t *self)
{
    assert (self);
    if (fflush (self->file) || fseek (self->file, 0, SEEK_SET)) {
        eod_log_error ("%s: cannot read the spool back: %s", self->path, strerror (errno));
        return -1;
    }
    self->reading = true;
    self->next = 1;
    return 0;
}

int
lister_spool_next (lister_spool_t *self, eod_msg_t **msg)
{
    assert (self && msg);
    assert (self->reading);
    *msg = NULL;
    unsigned char head[S_LEN_BYTES];
    size_t got = fread (head, 1, sizeof (head), self->file);
    if (got == 0 && feof (self->file))
        return 0;
    if (got != sizeof (head)) {
        eod_log_error ("%s: record %zu: short length (%zu bytes)", self->path, self->next, got);
        return -1;
    }
    size_t len = (size_t) head[0] << 24 | (size_t) head[1] << 16 | (size_t) head[2] << 8 | head[3];
    if (len > EOD_PROTO_FRAME_MAX) {
        eod_log_error ("%s: record %zu: %zu bytes, over the frame cap", self->path, self->next, len);
        return -1;
    }
    if (len > self->bufsize) {
        char *grown = realloc (self->buf, len);
        if (!grown) {
            eod_log_error ("%s: record %zu: out of memory", self->path, self->next);
            return -1;
        }
        self->buf = grown;
        self->bufsize = len;
    }
    if (fread (self->buf, 1, len, self->file) != len) {
        eod_log_error ("%s: record %zu: short (%zu bytes announced)", self->path, self->next, len);
        return -1;
    }
    char err[256];
    //  The lister's own drafts (a task id comes with the send): read as a
    //  stored record, whose grammars are checked where a TASK is received.
    *msg = eod_msg_decode_stored (self->buf, len, err, sizeof (err));
    if (!*msg) {
        eod_log_error ("%s: record %zu: %s", self->path, self->next, err);
        return -1;
    }
    self->next++;
    return 1;
}
