/*  master_zip — the one zip reader of the master files.

    The master-file host serves each file zipped (kospi_code.mst.zip,
    nasmst.cod.zip, ...). The lister streams an archive on disk through a
    reader (eod_master_unzip_parse); eod_master_unzip inflates an archive
    held in memory into one buffer. Both find the entry by the end of its
    name, check its stated size against EOD_MASTER_UNZIP_MAX, and inflate it
    through the same loop, a chunk of EOD_MASTER_READ_CHUNK bytes at a time,
    which never trusts the stated size: it stops an entry that inflates past
    the cap whatever the archive claims. See eod_master.h. */
#include "master_internal.h"
#include "eod_util.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

//  First room of eod_master_unzip's buffer when the archive states no size.
#define S_BUFFER_FIRST 65536
//  Longest list of the entry names quoted when the wanted one is missing.
#define S_NAMES_MAX 256

//  The entry under way: its name (borrowed from the archive) and the size
//  the archive states for it (0: not stated).
typedef struct {
    const char *name;
    zip_uint64_t stated;
} s_entry_t;

//  Takes the next bytes of an entry. Returns 0 to go on, or -1 with err set
//  to stop the read.
typedef int (s_sink_fn) (const char *bytes, size_t len, const s_entry_t *entry, void *arg, char *err, size_t errlen);

static bool
s_ends_with_nocase (const char *name, const char *suffix)
{
    size_t n = strlen (name), s = strlen (suffix);
    return s <= n && strcasecmp (name + n - s, suffix) == 0;
}

//  Finds the first entry of za whose name ends with entry_suffix, checks its
//  stated size against the cap and opens it. Returns the open entry (its
//  name in *entry_name, borrowed from za), or NULL with err set.
static zip_file_t *
s_open_entry (zip_t *za, const char *entry_suffix, const char **entry_name, zip_uint64_t *stated_size, char *err,
              size_t errlen)
{
    zip_int64_t entries = zip_get_num_entries (za, 0);
    zip_int64_t found = -1;
    char names[S_NAMES_MAX] = "";
    size_t names_len = 0;
    for (zip_int64_t i = 0; i < entries && found < 0; i++) {
        const char *name = zip_get_name (za, (zip_uint64_t) i, 0);
        if (!name)
            continue;
        if (s_ends_with_nocase (name, entry_suffix))
            found = i;
        else if (names_len < sizeof (names)) {
            int n = snprintf (names + names_len, sizeof (names) - names_len, "%s%s", names_len ? ", " : "", name);
            if (n > 0)
                names_len += (size_t) n;
        }
    }
    if (found < 0) {
        eod_set_error (err, errlen, "no entry ending in '%s' in the zip (%lld entries: %s)", entry_suffix,
                       (long long) entries, names_len ? names : "none");
        return NULL;
    }
    *entry_name = zip_get_name (za, (zip_uint64_t) found, 0);
    zip_stat_t st;
    zip_stat_init (&st);
    *stated_size = 0;
    if (zip_stat_index (za, (zip_uint64_t) found, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
        if (st.size > EOD_MASTER_UNZIP_MAX) {
            eod_set_error (err, errlen, "zip entry '%s' is %llu bytes uncompressed, over the %zu-byte cap", *entry_name,
                           (unsigned long long) st.size, EOD_MASTER_UNZIP_MAX);
            return NULL;
        }
        *stated_size = st.size;
    }
    zip_file_t *zf = zip_fopen_index (za, (zip_uint64_t) found, 0);
    if (!zf)
        eod_set_error (err, errlen, "cannot open zip entry '%s': %s", *entry_name, zip_strerror (za));
    return zf;
}

//  The read loop: inflates the open entry zf a chunk at a time into sink,
//  stopping at the cap. Returns 0 when the whole entry went to the sink,
//  -1 with err set otherwise.
static int
s_read_entry (zip_file_t *zf, const s_entry_t *entry, s_sink_fn *sink, void *arg, char *err, size_t errlen)
{
    char chunk[EOD_MASTER_READ_CHUNK];
    size_t total = 0;
    while (true) {
        zip_int64_t got = zip_fread (zf, chunk, sizeof (chunk));
        if (got < 0) {
            eod_set_error (err, errlen, "cannot read zip entry '%s' after %zu bytes: %s", entry->name, total,
                           zip_file_strerror (zf));
            return -1;
        }
        if (got == 0)
            return 0;
        total += (size_t) got;
        if (total > EOD_MASTER_UNZIP_MAX) {
            eod_set_error (err, errlen, "zip entry '%s' inflates past the %zu-byte cap", entry->name,
                           EOD_MASTER_UNZIP_MAX);
            return -1;
        }
        if (sink (chunk, (size_t) got, entry, arg, err, errlen))
            return -1;
    }
}

//  Opens the entry of za ending in entry_suffix and reads it into sink;
//  *entry says which it was (its name lives as long as za). Returns as
//  s_read_entry.
static int
s_unzip_into (zip_t *za, const char *entry_suffix, s_sink_fn *sink, void *arg, s_entry_t *entry, char *err,
              size_t errlen)
{
    zip_file_t *zf = s_open_entry (za, entry_suffix, &entry->name, &entry->stated, err, errlen);
    if (!zf)
        return -1;
    int rc = s_read_entry (zf, entry, sink, arg, err, errlen);
    zip_fclose (zf);
    return rc;
}

//  --------------------------------------------------------------------------
//  Into one buffer

typedef struct {
    char *data;   //  room for size bytes and a NUL
    size_t len;
    size_t size;
} s_buffer_t;

static int
s_buffer_take (const char *bytes, size_t len, const s_entry_t *entry, void *arg, char *err, size_t errlen)
{
    s_buffer_t *b = arg;
    if (b->len + len > b->size) {
        //  Room for the whole entry at once when its size is stated. The
        //  cap was checked before: the buffer never grows past it.
        size_t size = b->size ? b->size : entry->stated ? (size_t) entry->stated : S_BUFFER_FIRST;
        while (size < b->len + len)
            size *= 2;
        if (size > EOD_MASTER_UNZIP_MAX)
            size = EOD_MASTER_UNZIP_MAX;
        char *grown = realloc (b->data, size + 1);
        if (!grown) {
            eod_set_error (err, errlen, "out of memory for zip entry '%s'", entry->name);
            return -1;
        }
        b->data = grown;
        b->size = size;
    }
    memcpy (b->data + b->len, bytes, len);
    b->len += len;
    return 0;
}

int
eod_master_unzip (const void *zip_bytes, size_t len, const char *entry_suffix, char **out, size_t *outlen, char *err,
                  size_t errlen)
{
    assert (zip_bytes || len == 0);
    assert (entry_suffix && out && outlen);
    int rc = -1;
    zip_error_t zerr;
    zip_error_init (&zerr);
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    s_buffer_t buffer = {.data = NULL};
    s_entry_t entry = {.name = NULL};
    *out = NULL;
    *outlen = 0;
    eod_set_error (err, errlen, "no error");

    src = zip_source_buffer_create (len ? zip_bytes : "", len, 0, &zerr);
    if (!src) {
        eod_set_error (err, errlen, "zip: %s", zip_error_strerror (&zerr));
        goto out;
    }
    za = zip_open_from_source (src, ZIP_RDONLY, &zerr);
    if (!za) {
        eod_set_error (err, errlen, "not a zip archive (%zu bytes): %s", len, zip_error_strerror (&zerr));
        zip_source_free (src);
        goto out;
    }
    //  From here the archive owns the source.
    if (s_unzip_into (za, entry_suffix, s_buffer_take, &buffer, &entry, err, errlen))
        goto out;
    if (!buffer.data) {
        //  An empty entry is an empty text, not a failure.
        buffer.data = malloc (1);
        if (!buffer.data) {
            eod_set_error (err, errlen, "out of memory for zip entry '%s'", entry.name);
            goto out;
        }
    }
    buffer.data[buffer.len] = '\0';
    *out = buffer.data;
    *outlen = buffer.len;
    buffer.data = NULL;
    rc = 0;
out:
    free (buffer.data);
    if (za)
        zip_discard (za);
    zip_error_fini (&zerr);
    return rc;
}

//  --------------------------------------------------------------------------
//  Through a reader

static int
s_reader_take (const char *bytes, size_t len, const s_entry_t *entry, void *arg, char *err, size_t errlen)
{
    eod_master_reader_t *reader = arg;
    if (eod_master_reader_feed (reader, bytes, len)) {
        eod_set_error (err, errlen, "zip entry '%s': the parse stopped at line %zu", entry->name,
                       eod_master_reader_stats (reader)->lines);
        return -1;
    }
    return 0;
}

int
eod_master_unzip_parse (const char *zip_path, const char *entry_suffix, eod_master_reader_t *reader, char *err,
                        size_t errlen)
{
    assert (zip_path && entry_suffix && reader);
    int rc = -1;
    zip_t *za = NULL;
    eod_set_error (err, errlen, "no error");

    int zcode = 0;
    za = zip_open (zip_path, ZIP_RDONLY, &zcode);
    if (!za) {
        zip_error_t zerr;
        zip_error_init_with_code (&zerr, zcode);
        eod_set_error (err, errlen, "%s: not a readable zip archive: %s", zip_path, zip_error_strerror (&zerr));
        zip_error_fini (&zerr);
        goto out;
    }
    //  A record split between two chunks is carried by the reader, so the
    //  whole entry is never in memory.
    s_entry_t entry = {.name = NULL};
    if (s_unzip_into (za, entry_suffix, s_reader_take, reader, &entry, err, errlen))
        goto out;
    if (eod_master_reader_end (reader)) {
        eod_set_error (err, errlen, "zip entry '%s': the parse stopped at line %zu", entry.name,
                       eod_master_reader_stats (reader)->lines);
        goto out;
    }
    rc = 0;
out:
    if (za)
        zip_discard (za);
    return rc;
}
