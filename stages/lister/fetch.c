/*  lister fetch — downloads with retries (see fetch.h). */
#include "fetch.h"
#include "eod_http.h"
#include "eod_log.h"
#include "eod_util.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define S_MASTER_MAX (64u * 1024 * 1024)   //  zipped master files are ~1 MiB
#define S_BACKOFF_MS 1000                  //  pause before a retry, times the attempts made

void
lister_fetch_note (lister_fetch_fail_t *worst, lister_fetch_fail_t fail)
{
    if (worst && fail > *worst)
        *worst = fail;
}

//  GET url with retries (master:max_attempts). The body goes to sink when
//  it is not NULL (emptied before each attempt; needs eod_http's body_file),
//  else into *body (the caller's). Returns 0 on HTTP 200, or -1 with err
//  set and *refused true when TLS refused the host (not retried).
static int
s_get (const eod_config_t *cfg, const char *url, FILE *sink, char **body, size_t *len, bool *refused, char *err,
       size_t errlen)
{
    *refused = false;
    int attempts = (int) eod_config_int (cfg, "master:max_attempts");
    bool insecure = eod_config_bool (cfg, "master:insecure");
    const char *ca = eod_config_str (cfg, "master:ca_file");
    if (insecure)
        eod_log_warn ("master:insecure is set: TLS verification is off for %s", url);
    for (int attempt = 1; attempt <= attempts && !zsys_interrupted; attempt++) {
        eod_http_request_t req = {.method = "GET",
                                  .url = url,
                                  .timeout_ms = (long) eod_config_int (cfg, "master:timeout_ms"),
                                  .max_body = S_MASTER_MAX,
                                  .insecure = insecure,
                                  .ca_file = *ca ? ca : NULL};
        if (sink) {
            rewind (sink);
            if (ftruncate (fileno (sink), 0)) {
                eod_set_error (err, errlen, "cannot empty the download file: %s", strerror (errno));
                return -1;
            }
            req.body_file = sink;
        }
        eod_http_response_t resp;
        if (eod_http_perform (&req, &resp) == 0 && resp.status == 200) {
            *len = resp.body_len;
            if (body) {
                *body = resp.body;
                resp.body = NULL;
            }
            eod_http_response_free (&resp);
            return 0;
        }
        char logurl[512];
        eod_http_url_for_log (url, logurl, sizeof logurl);
        if (resp.status)
            eod_set_error (err, errlen, "GET %s: HTTP %ld", logurl, resp.status);
        else if (resp.tls_refused)
            eod_set_error (err, errlen, "GET %s: %s (check [master] ca_file or the host's certificate)", logurl,
                           resp.error);
        else
            eod_set_error (err, errlen, "%s", resp.error);
        *refused = resp.tls_refused;
        bool retry = !*refused && (resp.status == 0 || resp.status >= 500 || resp.status == 429);
        eod_http_response_free (&resp);
        eod_log_warn ("master file: attempt %d of %d: %s", attempt, attempts, err);
        if (!retry)
            break;
        if (attempt < attempts)
            zclock_sleep (S_BACKOFF_MS * attempt);
    }
    return -1;
}

char *
lister_download (const eod_config_t *cfg, const char *url, size_t *len, lister_fetch_fail_t *fail, char *err,
                 size_t errlen)
{
    char *body = NULL;
    bool refused;
    if (s_get (cfg, url, NULL, &body, len, &refused, err, errlen) == 0)
        return body;
    lister_fetch_note (fail, refused ? LISTER_FETCH_REFUSED : LISTER_FETCH_UNREACHABLE);
    return NULL;
}

int
lister_download_file (const eod_config_t *cfg, const char *url, const char *path, lister_fetch_fail_t *fail, char *err,
                      size_t errlen)
{
    *fail = LISTER_FETCH_LOCAL;
    //  Straight to disk as it arrives: the zip is never in memory.
    int rc = -1;
    char part[1100];
    if (eod_path_format (part, sizeof part, "%s.part", path)) {
        eod_set_error (err, errlen, "%s: the path is too long", path);
        return -1;
    }
    int fd = open (part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *sink = fd >= 0 ? fdopen (fd, "wb") : NULL;
    if (!sink) {
        eod_set_error (err, errlen, "%s: cannot be written: %s", part, strerror (errno));
        if (fd >= 0)
            close (fd);
        return -1;
    }
    size_t len = 0;
    bool refused;
    if (s_get (cfg, url, sink, NULL, &len, &refused, err, errlen)) {
        *fail = refused ? LISTER_FETCH_REFUSED : LISTER_FETCH_UNREACHABLE;
        fclose (sink);
        unlink (part);
        return -1;
    }
    if (fflush (sink) || fsync (fileno (sink)))
        eod_set_error (err, errlen, "%s: cannot be written: %s", part, strerror (errno));
    else if (rename (part, path))
        eod_set_error (err, errlen, "%s: cannot be renamed to %s: %s", part, path, strerror (errno));
    else
        rc = 0;
    fclose (sink);
    if (rc)
        unlink (part);
    else
        *fail = LISTER_FETCH_OK;
    return rc;
}

int
lister_fetch_file (const eod_config_t *cfg, const char *dir, const char *url, const char *name, char *path,
                   size_t pathsize, lister_fetch_fail_t *fail, char *err, size_t errlen)
{
    if (eod_path_format (path, pathsize, "%s/%s", dir, name)) {
        eod_set_error (err, errlen, "%s: the path of %s is too long", dir, name);
        return -1;
    }
    lister_fetch_fail_t why = LISTER_FETCH_OK;
    int rc = lister_download_file (cfg, url, path, &why, err, errlen);
    lister_fetch_note (fail, why);
    return rc;
}
