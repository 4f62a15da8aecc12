/*  sim_zip — in-memory zips of the master files and their download answer.
    See sim_zip.h. */
#include "sim_zip.h"
#include "sim_stats.h"

#include "eod_log.h"

#include <stdlib.h>
#include <zip.h>

int
sim_zip (const char *entry, const char *data, size_t len, unsigned char **out_p, size_t *out_len)
{
    zip_error_t error;
    zip_error_init (&error);
    int rc = -1;
    zip_source_t *archive_src = zip_source_buffer_create (NULL, 0, 0, &error);
    zip_t *archive = NULL;
    if (!archive_src)
        goto out;
    zip_source_keep (archive_src);
    archive = zip_open_from_source (archive_src, ZIP_TRUNCATE, &error);
    if (!archive)
        goto out;
    zip_source_t *file_src = zip_source_buffer (archive, data, len, 0);
    if (!file_src || zip_file_add (archive, entry, file_src, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free (file_src);
        goto out;
    }
    if (zip_close (archive) < 0)
        goto out;
    archive = NULL;
    zip_stat_t stat;
    if (zip_source_stat (archive_src, &stat) < 0 || zip_source_open (archive_src) < 0)
        goto out;
    unsigned char *out = malloc (stat.size ? stat.size : 1);
    zip_int64_t got = out ? zip_source_read (archive_src, out, stat.size) : -1;
    zip_source_close (archive_src);
    if (got != (zip_int64_t) stat.size) {
        free (out);
        goto out;
    }
    *out_p = out;
    *out_len = (size_t) stat.size;
    rc = 0;
out:
    if (rc)
        eod_log_error ("master: cannot zip %s: %s", entry, zip_error_strerror (&error));
    if (archive)
        zip_discard (archive);
    zip_source_free (archive_src);
    zip_error_fini (&error);
    return rc;
}

void
sim_zip_serve (sim_t *self, sim_response_t *resp, const unsigned char *zip, size_t len)
{
    if (!zip) {
        sim_respond_text (resp, MHD_HTTP_NOT_FOUND, "text/html", "<html><body><h1>404 Not Found</h1></body></html>\n");
        return;
    }
    if (sim_chance (self, self->config->fault_master503)) {
        sim_stats_fault (self, "master503");
        sim_respond_text (resp, MHD_HTTP_SERVICE_UNAVAILABLE, "text/html",
                          "<html><body><h1>503 Service Unavailable</h1></body></html>\n");
        return;
    }
    sim_respond_bytes (resp, "application/zip", zip, len);
}
