/*  test_util — the shared helpers of common/core/eod_util: the error buffer
    every library fills (eod_set_error): formatted, cut to fit, secrets
    redacted, an absent buffer left alone; and the digests of a file (MD5 hex
    and base64, SHA-256) against known values. */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#define TEST_PATH_MAX 512

//  A wrapper as the libraries write them: adds a prefix, passes the rest on.
static void s_wrapped (char *err, size_t errlen, const char *format, ...) __attribute__ ((format (printf, 3, 4)));

static void
s_wrapped (char *err, size_t errlen, const char *format, ...)
{
    char inner[64];
    va_list args;
    va_start (args, format);
    eod_vset_error (inner, sizeof (inner), format, args);
    va_end (args);
    eod_set_error (err, errlen, "wrapped: %s", inner);
}

static void
test_set_error (void)
{
    char err[32];
    eod_set_error (err, sizeof (err), "%s: %d entries", "zip", 3);
    CHECK_STR (err, "zip: 3 entries");

    //  Cut to fit, always terminated.
    eod_set_error (err, 8, "%s", "0123456789");
    CHECK_STR (err, "0123456");

    //  No buffer, or no room: nothing is written.
    eod_set_error (NULL, 0, "ignored %d", 1);
    err[0] = 'x';
    eod_set_error (err, 0, "ignored %d", 1);
    CHECK (err[0] == 'x');

    //  A registered secret never reaches the caller's text.
    const char *secret = "hunter2-secret-value";
    eod_log_secret (secret);
    char line[128];
    eod_set_error (line, sizeof (line), "bad key %s in config", secret);
    CHECK (strstr (line, secret) == NULL);
    CHECK (strncmp (line, "bad key ", 8) == 0);
    CHECK (strstr (line, " in config") != NULL);

    s_wrapped (err, sizeof (err), "%d of %d", 2, 5);
    CHECK_STR (err, "wrapped: 2 of 5");
}

//  Writes len bytes of data to dir/name; its path into path[TEST_PATH_MAX].
static void
s_write_file (const char *dir, const char *name, const char *data, size_t len, char *path)
{
    snprintf (path, TEST_PATH_MAX, "%s/%s", dir, name);
    FILE *file = fopen (path, "wb");
    CHECK (file != NULL);
    if (file) {
        CHECK_INT (fwrite (data, 1, len, file), len);
        CHECK_INT (fclose (file), 0);
    }
}

static void
test_file_digests (void)
{
    char dir[] = "/tmp/test_util.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    char path[TEST_PATH_MAX], hex[33], b64[25], sha[65];
    s_write_file (dir, "empty", "", 0, path);
    CHECK_INT (eod_md5_file (path, hex, b64), 0);
    CHECK_STR (hex, "d41d8cd98f00b204e9800998ecf8427e");
    CHECK_STR (b64, "1B2M2Y8AsgTpgAmY7PhCfg==");
    CHECK_INT (eod_file_digests (path, hex, b64, sha), 0);
    CHECK_STR (sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    unlink (path);

    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    s_write_file (dir, "fox", fox, sizeof fox - 1, path);
    CHECK_INT (eod_md5_file (path, hex, b64), 0);
    CHECK_STR (hex, "9e107d9d372bb6826bd81d3542a419d6");
    CHECK_STR (b64, "nhB9nTcrtoJr2B01QqQZ1g==");
    CHECK_INT (eod_file_digests (path, hex, b64, sha), 0);
    CHECK_STR (hex, "9e107d9d372bb6826bd81d3542a419d6");
    CHECK_STR (sha, "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
    unlink (path);

    //  Bigger than one read: the pieces add up to the digest of the whole.
    size_t big_len = 3 * 65536 + 17;
    char *big = malloc (big_len);
    CHECK (big != NULL);
    if (big) {
        for (size_t i = 0; i < big_len; i++)
            big[i] = (char) ('a' + i % 26);
        char want[65];
        eod_sha256_hex (big, big_len, want);
        s_write_file (dir, "big", big, big_len, path);
        CHECK_INT (eod_file_digests (path, hex, b64, sha), 0);
        CHECK_STR (sha, want);
        unlink (path);
        free (big);
    }

    snprintf (path, sizeof path, "%s/does-not-exist", dir);
    CHECK_INT (eod_md5_file (path, hex, b64), -1);
    CHECK_INT (eod_file_digests (path, hex, b64, sha), -1);
    rmdir (dir);
}

int
main (void)
{
    eod_log_init ("test_util");
    test_set_error ();
    test_file_digests ();
    return EOD_TEST_DONE ();
}
