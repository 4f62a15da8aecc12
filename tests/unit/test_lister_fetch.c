/*  test_lister_fetch — the lister's downloads against a local HTTP server:
    a body in memory, a file written whole through NAME.part, retries on 503
    and none on 404, a server nobody answers for, a file that cannot be
    written, lister_fetch_file's path and how it failed, and a refused TLS
    certificate (a configuration error, not retried). */
#include "eod_test.h"
#include "http_fixture.h"

#include "eod_config.h"
#include "eod_log.h"
#include "fetch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURES EOD_SOURCE_DIR "/tests/data/master"

static http_fixture_t server;
static eod_config_t *cfg;
static char dir[64];

//  A config with attempts (master:max_attempts) and defaults otherwise.
static eod_config_t *
s_config (const char *attempts)
{
    char err[256];
    eod_config_t *c = eod_config_load (NULL, err, sizeof err);
    if (c && eod_config_set (c, "master:max_attempts", attempts, err, sizeof err))
        eod_config_destroy (&c);
    return c;
}

//  Reads a whole small file into a new string ("" when missing).
static char *
s_slurp (const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen (path, "rb");
    char *text = calloc (1, 8192);
    if (f && text)
        *len = fread (text, 1, 8191, f);
    if (f)
        fclose (f);
    return text;
}

static void
test_download (void)
{
    char url[256], err[256] = "";
    size_t len = 0;
    http_fixture_url (&server, "/page", url, sizeof url);
    char *body = lister_download (cfg, url, &len, NULL, err, sizeof err);
    CHECK_STR (body, "constituents");
    CHECK_INT (len, strlen ("constituents"));
    CHECK_INT (http_fixture_hits (&server, "/page"), 1);
    free (body);

    //  A 503 is retried: the second attempt has the body.
    http_fixture_url (&server, "/flaky", url, sizeof url);
    body = lister_download (cfg, url, &len, NULL, err, sizeof err);
    CHECK_STR (body, "at last");
    CHECK_INT (http_fixture_hits (&server, "/flaky"), 2);
    free (body);

    //  A 404 is not: one attempt, the status in err.
    http_fixture_url (&server, "/missing", url, sizeof url);
    body = lister_download (cfg, url, &len, NULL, err, sizeof err);
    CHECK (body == NULL);
    CHECK (strstr (err, "/missing: HTTP 404") != NULL);
    CHECK_INT (http_fixture_hits (&server, "/missing"), 1);

    //  Every attempt a 503: max_attempts of them, then NULL.
    http_fixture_url (&server, "/down", url, sizeof url);
    body = lister_download (cfg, url, &len, NULL, err, sizeof err);
    CHECK (body == NULL);
    CHECK (strstr (err, "HTTP 503") != NULL);
    CHECK_INT (http_fixture_hits (&server, "/down"), 2);
}

static void
test_download_file (void)
{
    char url[256], path[256], part[300], err[256] = "";
    lister_fetch_fail_t fail = LISTER_FETCH_UNREACHABLE;
    snprintf (path, sizeof path, "%s/kospi.mst", dir);
    snprintf (part, sizeof part, "%s.part", path);
    http_fixture_url (&server, "/kospi_code.mst", url, sizeof url);
    CHECK_INT (lister_download_file (cfg, url, path, &fail, err, sizeof err), 0);
    CHECK_INT (fail, LISTER_FETCH_OK);
    size_t got = 0, want = 0;
    char *a = s_slurp (path, &got);
    char *b = s_slurp (FIXTURES "/kospi_code.mst", &want);
    CHECK (want > 0 && got == want && memcmp (a, b, want) == 0);
    free (a);
    free (b);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK (access (part, F_OK) != 0);

    //  A failed download leaves the file as it was, and no .part.
    http_fixture_url (&server, "/missing", url, sizeof url);
    CHECK_INT (lister_download_file (cfg, url, path, &fail, err, sizeof err), -1);
    CHECK_INT (fail, LISTER_FETCH_UNREACHABLE);
    a = s_slurp (path, &got);
    CHECK_INT (got, want);
    free (a);
    CHECK (access (part, F_OK) != 0);

    //  A file that cannot be written is no unreachable server.
    http_fixture_url (&server, "/page", url, sizeof url);
    int hits = http_fixture_hits (&server, "/page");
    CHECK_INT (lister_download_file (cfg, url, "/nonexistent/dir/x.zip", &fail, err, sizeof err), -1);
    CHECK_INT (fail, LISTER_FETCH_LOCAL);
    CHECK (strstr (err, "/nonexistent/dir/x.zip.part: cannot be written") != NULL);
    CHECK_INT (http_fixture_hits (&server, "/page"), hits);
}

static void
test_fetch_file (void)
{
    char url[256], path[256], err[256] = "", want[256];
    lister_fetch_fail_t fail = LISTER_FETCH_OK;
    http_fixture_url (&server, "/page", url, sizeof url);
    CHECK_INT (lister_fetch_file (cfg, dir, url, "page.html", path, sizeof path, &fail, err, sizeof err), 0);
    snprintf (want, sizeof want, "%s/page.html", dir);
    CHECK_STR (path, want);
    CHECK_INT (fail, LISTER_FETCH_OK);
    CHECK (access (want, F_OK) == 0);

    //  Nobody answers: unreachable, and it stays so through a later success.
    eod_config_t *once = s_config ("1");
    CHECK (once != NULL);
    char refused[] = "http://127.0.0.1:1/nothing.zip";
    CHECK_INT (lister_fetch_file (once, dir, refused, "nothing.zip", path, sizeof path, &fail, err, sizeof err), -1);
    CHECK_INT (fail, LISTER_FETCH_UNREACHABLE);
    CHECK (err[0] != '\0');
    CHECK (access (path, F_OK) != 0);
    CHECK_INT (lister_fetch_file (once, dir, url, "page.html", path, sizeof path, &fail, err, sizeof err), 0);
    CHECK_INT (fail, LISTER_FETCH_UNREACHABLE);
    eod_config_destroy (&once);
}

//  A certificate the client refuses (here: a CA file it cannot use) is a
//  configuration error, named, and not retried: worse than unreachable.
static void
test_tls_refused (void)
{
    char err[512] = "", url[256], path[256];
    eod_config_t *c = s_config ("5");
    CHECK (c && eod_config_set (c, "master:ca_file", "/nonexistent/ca.pem", err, sizeof err) == 0);
    if (!c)
        return;
    http_fixture_url (&server, "/page", url, sizeof url);
    char https[300];
    snprintf (https, sizeof https, "https://%s", strstr (url, "://") + 3);
    lister_fetch_fail_t fail = LISTER_FETCH_UNREACHABLE;
    CHECK_INT (lister_fetch_file (c, dir, https, "tls.html", path, sizeof path, &fail, err, sizeof err), -1);
    CHECK_INT (fail, LISTER_FETCH_REFUSED);
    CHECK (strstr (err, "TLS to 127.0.0.1:") && strstr (err, "[master] ca_file"));
    size_t len;
    fail = LISTER_FETCH_OK;
    CHECK (lister_download (c, https, &len, &fail, err, sizeof err) == NULL);
    CHECK_INT (fail, LISTER_FETCH_REFUSED);
    lister_fetch_note (&fail, LISTER_FETCH_UNREACHABLE);
    CHECK_INT (fail, LISTER_FETCH_REFUSED);
    eod_config_destroy (&c);
}

int
main (void)
{
    eod_log_init ("test_lister_fetch");
    static const http_route_t routes[] = {
        {.path = "/page", .status = 200, .body = "constituents"},
        {.path = "/flaky", .status = 200, .body = "at last", .fail_first = 1},
        {.path = "/down", .status = 200, .body = "never", .fail_first = 100},
        {.path = "/kospi_code.mst", .status = 200, .file = FIXTURES "/kospi_code.mst"},
    };
    snprintf (dir, sizeof dir, "/tmp/test_lister_fetch_XXXXXX");
    cfg = s_config ("2");
    CHECK (cfg != NULL);
    CHECK (mkdtemp (dir) != NULL);
    CHECK_INT (http_fixture_start (&server, routes, sizeof routes / sizeof routes[0]), 0);
    if (cfg && server.pid > 0) {
        test_download ();
        test_download_file ();
        test_fetch_file ();
        test_tls_refused ();
    }
    http_fixture_stop (&server);
    eod_config_destroy (&cfg);
    char path[128];
    const char *names[] = {"kospi.mst", "page.html"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, names[i]);
        unlink (path);
    }
    rmdir (dir);
    return EOD_TEST_DONE ();
}
