/*  master_fixtures — what the unit tests of the master-file reader
    (test_mst, test_cod, test_master_*) and of the lister's universe share:
    real KOSPI/KOSDAQ/.cod records, their CP949 bytes, a buffer to build a
    file in, a record collector, a capture of the log, zips made in memory.
    Everything is static inline (or a static constant) so a test that uses
    part of it compiles without unused-function warnings. */
#ifndef MASTER_FIXTURES_H
#define MASTER_FIXTURES_H

#include "eod_log_cap.h"
#include "eod_master.h"
#include "eod_util.h"

#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define MASTER_FIXTURES EOD_SOURCE_DIR "/tests/data/master"
#define MASTER_MAX_RECORDS 16

//  Real records, UTF-8 here, CP949 after master_cp949 (288 / 282 bytes).
static const char master_samsung[] =
    "005930   KR7005930003삼성전자                                ST1002700130000 NN5YYY YYNNNNNNN0NNNNNNNY0002690000000100001NNN00NNN000000020Y0900000225170760000000001001975061100000000584627800000000077804668500012       0 NYY00305372900146725200153268211884000031.3920260630015726489511NNN";
static const char master_ecopro[] =
    "247540   KR7247540008에코프로비엠                            ST1100910280000 NY Y    N  0  N    Y0001039000000100001NNN00NNN000000040Y0900000003787260000000005002019030500000000009783000000000004895545400012       0 NY0000118210000003900000001420011700000000320260630000101645LD2NNN";
static const char master_spac[] =
    "0004Y0   KR70004Y0000디비금융제14호스팩                      ST3101400000000 NN N    Y  0  N    N0000019880000100001NNN00NNN000000100N0900000000042230000000001002025072200000000000531500000000000053150000012       0 NN0000000000000000000000000000000000000000020241231000000105   NNN";
static const char master_silla[] =
    "001000   KR7001000009신라섬유                                ST3000000000000NNN NNNNNNNN0NNNNNNNN0000017720000100001NNY00NNN000000100N0900000002136620000000005001994062800000000000485500000000000242775400012       0 NN000000037000000004-00000003-0003-0000000220241231000000086   NNN";
static const char master_aapl[] =
    "US\t22\tNAS\t나스닥\tAAPL\tNASAAPL\t애플\tAPPLE INC\t2\tUSD\t4\t\t267.4600\t1\t1\t930\t1600\tN\t\t730\t0\t0\t   \t   ";

//  Converts UTF-8 text to a new CP949 string (caller frees).
static inline char *
master_cp949 (const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1)
        return NULL;
    size_t inleft = strlen (utf8), outsize = inleft + 1, outleft = inleft;
    char *out = malloc (outsize);
    char *in = (char *) utf8, *outp = out;
    if (!out || iconv (cd, &in, &inleft, &outp, &outleft) == (size_t) -1) {
        free (out);
        out = NULL;
    }
    else {
        *outp = '\0';
        *len = (size_t) (outp - out);
    }
    iconv_close (cd);
    return out;
}

//  Growable byte buffer of CP949 records.
typedef struct {
    char data[8192];
    size_t len;
} master_buf_t;

static inline void
master_add (master_buf_t *b, const void *bytes, size_t n)
{
    if (b->len + n <= sizeof (b->data)) {
        memcpy (b->data + b->len, bytes, n);
        b->len += n;
    }
}

static inline void
master_add_text (master_buf_t *b, const char *text)
{
    master_add (b, text, strlen (text));
}

//  Adds a UTF-8 record converted to CP949; returns its CP949 length.
static inline size_t
master_add_record (master_buf_t *b, const char *utf8)
{
    size_t n = 0;
    char *bytes = master_cp949 (utf8, &n);
    if (bytes)
        master_add (b, bytes, n);
    free (bytes);
    return n;
}

typedef struct {
    eod_master_record_t rec[MASTER_MAX_RECORDS];
    size_t count;
} master_seen_t;

static inline int
master_collect (const eod_master_record_t *rec, void *arg)
{
    master_seen_t *seen = arg;
    if (seen->count < MASTER_MAX_RECORDS)
        seen->rec[seen->count++] = *rec;
    return 0;
}

//  A callback that stops the parse at the first record it is given.
static inline int
master_stop (const eod_master_record_t *rec, void *arg)
{
    (*(int *) arg)++;
    return 1;
}

//  Builds a zip archive in memory holding one entry; returns a new buffer.
static inline char *
master_make_zip (const char *entry, const void *data, size_t len, size_t *ziplen)
{
    zip_error_t ze;
    zip_error_init (&ze);
    char *bytes = NULL;
    zip_source_t *dst = zip_source_buffer_create (NULL, 0, 0, &ze);
    if (!dst)
        goto out;
    zip_source_keep (dst);
    zip_t *za = zip_open_from_source (dst, ZIP_TRUNCATE, &ze);
    if (!za) {
        zip_source_free (dst);
        dst = NULL;
        goto out;
    }
    zip_source_t *content = zip_source_buffer_create (data, len, 0, &ze);
    if (!content || zip_file_add (za, entry, content, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free (content);
        zip_discard (za);
        goto out;
    }
    if (zip_close (za) < 0) {
        zip_discard (za);
        goto out;
    }
    if (zip_source_open (dst) < 0)
        goto out;
    zip_source_seek (dst, 0, SEEK_END);
    zip_int64_t size = zip_source_tell (dst);
    zip_source_seek (dst, 0, SEEK_SET);
    bytes = size > 0 ? malloc ((size_t) size) : NULL;
    if (bytes && zip_source_read (dst, bytes, (zip_uint64_t) size) == size)
        *ziplen = (size_t) size;
    else {
        free (bytes);
        bytes = NULL;
    }
    zip_source_close (dst);
out:
    if (dst)
        zip_source_free (dst);
    zip_error_fini (&ze);
    return bytes;
}

//  Captures what is written to stderr (the log) between begin and end. Each
//  capture is a run of its own: the warnings a cap held back are summed up
//  before it (eod_log_cap.h), so each begins with its first warnings logged.
typedef struct {
    int saved;
    char path[64];
} master_capture_t;

static inline void
master_capture_begin (master_capture_t *c)
{
    eod_log_cap_flush ();
    snprintf (c->path, sizeof (c->path), "/tmp/test_master_log_XXXXXX");
    int fd = mkstemp (c->path);
    fflush (stderr);
    c->saved = dup (2);
    if (fd >= 0) {
        dup2 (fd, 2);
        close (fd);
    }
}

//  Returns the captured text (caller frees).
static inline char *
master_capture_end (master_capture_t *c)
{
    fflush (stderr);
    dup2 (c->saved, 2);
    close (c->saved);
    size_t len = 0;
    char *text = eod_read_file (c->path, 1 << 20, &len);
    unlink (c->path);
    return text ? text : strdup ("");
}

//  Writes bytes to a new temp file; returns 0 and its path.
static inline int
master_temp_file (const void *bytes, size_t len, char path[64])
{
    snprintf (path, 64, "/tmp/test_master_zip_XXXXXX");
    int fd = mkstemp (path);
    if (fd < 0)
        return -1;
    ssize_t put = write (fd, bytes, len);
    close (fd);
    return put == (ssize_t) len ? 0 : -1;
}

#endif
