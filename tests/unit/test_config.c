/*  test_config — the config loader (common/core/eod_config*.c) on files
    written here: every error of a file listed at once as FILE:LINE: key:
    why, in the order of the file; unknown sections and keys errors when
    strict (--check-config) and warnings for a stage, with the nearest known
    name; values checked by type (time, date, URL, bucket, prefix, template,
    markets, sections); http:// refused where secrets travel unless on
    loopback; the private-file rule for every secret, app-key sections
    included, and the simulator's demo keys allowed only on loopback;
    directories, empty and non-regular files refused; nothing created; the
    example file is the table and loads as it is. */
#include "eod_test.h"
#include "eod_config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_ERR_MAX 8192

static char s_dir[] = "/tmp/test_config_XXXXXX";

//  Writes a file of mode in the temp dir and returns its path (static).
static const char *
s_file (const char *name, mode_t mode, const char *text)
{
    static char path[512];
    snprintf (path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (f) {
        fputs (text, f);
        fclose (f);
    }
    chmod (path, mode);
    return path;
}

//  Loads (strict or not) and returns the config; err holds the errors.
static eod_config_t *
s_load (const char *path, bool strict, char *err)
{
    return strict ? eod_config_load_strict (path, err, S_ERR_MAX) : eod_config_load (path, err, S_ERR_MAX);
}

//  True when err holds a line with every one of the NULL-ended parts.
static bool
s_has (const char *err, ...)
{
    const char *start = err;
    while (*start) {
        const char *end = strchr (start, '\n');
        size_t len = end ? (size_t) (end - start) : strlen (start);
        char line[1024];
        snprintf (line, sizeof line, "%.*s", (int) len, start);
        va_list args;
        va_start (args, err);
        bool all = true;
        for (const char *part = va_arg (args, const char *); part; part = va_arg (args, const char *))
            all = all && strstr (line, part) != NULL;
        va_end (args);
        if (all)
            return true;
        start += len + (end != NULL);
    }
    return false;
}

static int
s_lines (const char *err)
{
    int n = *err ? 1 : 0;
    for (; *err; err++)
        n += *err == '\n';
    return n;
}

static void
s_test_defaults_and_example (void)
{
    char err[S_ERR_MAX] = "";
    eod_config_t *c = s_load (NULL, true, err);
    CHECK (c != NULL);
    CHECK_STR (eod_config_path (c), "(defaults)");
    CHECK_STR (eod_config_str (c, "schedule:kr_time"), "18:00");
    CHECK_INT (eod_config_int (c, "pipeline:fetchers"), 4);
    eod_config_destroy (&c);
    CHECK (c == NULL);
    eod_config_destroy (&c);

    //  The example is the table written out, and loads strictly as it is.
    char path[512];
    snprintf (path, sizeof path, "%s/example.ini", s_dir);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (f) {
        eod_config_write_example (f);
        fclose (f);
    }
    c = s_load (path, true, err);
    if (!c)
        fprintf (stderr, "  example: %s\n", err);
    CHECK (c != NULL);
    eod_config_destroy (&c);
}

static void
s_test_every_error (void)
{
    const char *path = s_file ("bad.ini", 0600,
                               "[kis]\n"                            //  1
                               "rate = fast\n"                      //  2
                               "[pipelin]\n"                        //  3
                               "fetchers = 3\n"                     //  4
                               "[pipeline]\n"                       //  5
                               "fetcherz = 3\n"                     //  6
                               "[schedule]\n"                       //  7
                               "kr_time = 25:99\n"                  //  8
                               "markets = xx\n"                     //  9
                               "[s3]\n"                             //  10
                               "prefix = ../x\n"                    //  11
                               "bucket = My_Bucket\n"               //  12
                               "key_template = {market}/{oops}\n"   //  13
                               "[us]\n"                             //  14
                               "date = 2024-13-45\n"                //  15
                               "[slack]\n"                          //  16
                               "channel = #eod\n"                   //  17
                               "[kis]\n"                            //  18
                               "rate = 30\n");                      //  19
    char err[S_ERR_MAX] = "";
    eod_config_t *c = s_load (path, true, err);
    CHECK (c == NULL);
    CHECK (s_has (err, "bad.ini:3: [pipelin]: unknown section", "nearest known is [pipeline]", NULL));
    CHECK (s_has (err, "bad.ini:6: [pipeline] fetcherz: unknown key", "[pipeline] fetchers", NULL));
    CHECK (s_has (err, "bad.ini:8: [schedule] kr_time: '25:99' is not a time of day", NULL));
    CHECK (s_has (err, "bad.ini:9: [schedule] markets: 'xx' is not kr or us", NULL));
    CHECK (s_has (err, "bad.ini:11: [s3] prefix:", "'..' segment", NULL));
    CHECK (s_has (err, "bad.ini:12: [s3] bucket:", NULL));
    CHECK (s_has (err, "bad.ini:13: [s3] key_template:", NULL));
    CHECK (s_has (err, "bad.ini:15: [us] date:", "not a real calendar date", NULL));
    CHECK (s_has (err, "bad.ini:17: [slack] channel:", "starts a comment", NULL));
    CHECK (s_has (err, "bad.ini:19: [kis] rate: set again (first on line 2)", NULL));
    //  The value that counts is the last one: 30 is fine, "fast" is not read.
    CHECK (!s_has (err, "'fast'", NULL));
    CHECK_INT (s_lines (err), 10);
    //  In the order of the file.
    CHECK (strstr (err, "bad.ini:3:") < strstr (err, "bad.ini:19:"));

    //  A stage warns of the unknown names and the duplicate, and refuses the rest.
    c = s_load (path, false, err);
    CHECK (c == NULL);
    CHECK (!s_has (err, "unknown", NULL));
    CHECK (!s_has (err, "set again", NULL));
    CHECK (s_has (err, "kr_time", NULL));

    path = s_file ("typo.ini", 0600, "[pipeline]\nfetcherz = 3\n[extra]\nx = 1\n");
    c = s_load (path, false, err);
    CHECK (c != NULL);
    CHECK_INT (c ? eod_config_int (c, "pipeline:fetchers") : 0, 4);
    eod_config_destroy (&c);
    c = s_load (path, true, err);
    CHECK (c == NULL);
    CHECK (s_has (err, "typo.ini:2: [pipeline] fetcherz: unknown key", NULL));
    CHECK (s_has (err, "typo.ini:3: [extra]: unknown section", NULL));
    CHECK (!s_has (err, "[extra] x", NULL));   //  reported once, with its section
}

static void
s_test_files (void)
{
    char err[S_ERR_MAX] = "";
    CHECK (s_load (s_dir, true, err) == NULL && s_has (err, "is a directory", NULL));
    CHECK (s_load ("/dev/null", true, err) == NULL && s_has (err, "/dev/null: is not a regular file", NULL));
    CHECK (s_load ("/dev/null", false, err) == NULL);
    CHECK (s_load (s_file ("empty.ini", 0600, ""), true, err) == NULL && s_has (err, "empty.ini: is empty", NULL));
    CHECK (s_load (s_file ("comments.ini", 0600, "; nothing\n# at all\n\n"), true, err) == NULL
           && s_has (err, "holds no section and no key", NULL));
    char missing[600];
    snprintf (missing, sizeof missing, "%s/missing.ini", s_dir);
    CHECK (s_load (missing, true, err) == NULL && s_has (err, "missing.ini: cannot read", NULL));
    const char *path = s_file ("syntax.ini", 0600, "key = before any section\n[ok]\nno equals sign\n[open\n");
    CHECK (s_load (path, true, err) == NULL);
    CHECK (s_has (err, "syntax.ini:1: a key comes before any [section]", NULL));
    CHECK (s_has (err, "syntax.ini:3: not a [section], a key = value or a comment", NULL));
    CHECK (s_has (err, "syntax.ini:4: a section header", NULL));
    char big[600];
    snprintf (big, sizeof big, "%s/big.ini", s_dir);
    FILE *f = fopen (big, "w");
    if (f) {
        for (int i = 0; i < 30000; i++)
            fputs ("; a comment line that goes on and on\n", f);
        fclose (f);
    }
    CHECK (s_load (big, true, err) == NULL && s_has (err, "big.ini: is", "bytes, over", NULL));
    char *long_line = malloc (1200);
    if (long_line) {
        memcpy (long_line, "[s3]\nprefix = ", 14);
        memset (long_line + 14, 'a', 1100);
        memcpy (long_line + 1114, "\n", 2);
        CHECK (s_load (s_file ("long.ini", 0600, long_line), true, err) == NULL && s_has (err, "a line over", NULL));
        free (long_line);
    }
}

static void
s_test_urls (void)
{
    char err[S_ERR_MAX] = "";
    const char *path = s_file ("http.ini", 0600,
                               "[kis]\nlive_url = http://openapi.example.com:9443\n"
                               "[s3]\nendpoint = http://s3.example.com\n"
                               "[slack]\napi_base = http://10.0.0.1\n"
                               "[SLACK_CONFIG]\nwebhook_url = http://hooks.example.com/x\n"
                               "[master]\nurl = http://master.example.com/common/master\n");
    CHECK (s_load (path, true, err) == NULL);
    CHECK (s_has (err, "http.ini:2: [kis] live_url: http:// would send secrets in clear", NULL));
    CHECK (s_has (err, "http.ini:4: [s3] endpoint: http://", NULL));
    CHECK (s_has (err, "http.ini:6: [slack] api_base: http://", NULL));
    CHECK (s_has (err, "http.ini:8: [slack_config] webhook_url: http://", NULL));
    CHECK (!s_has (err, "master", NULL));              //  no secret goes to the master-file host
    CHECK (!s_has (err, "hooks.example.com", NULL));   //  a secret URL is never quoted
    CHECK_INT (s_lines (err), 4);
    path = s_file ("loopback.ini", 0600,
                   "[kis]\nlive_url = http://127.0.0.1:18080\n[s3]\nendpoint = http://localhost:9000\n"
                   "[slack]\napi_base = http://[::1]:18080\n");
    eod_config_t *c = s_load (path, true, err);
    CHECK (c != NULL);
    eod_config_destroy (&c);
    path = s_file ("scheme.ini", 0600, "[kis]\nlive_url = file:///etc/passwd\n[us]\nsp500_url = ftp://x/y\n");
    CHECK (s_load (path, true, err) == NULL);
    CHECK (s_has (err, "scheme.ini:2: [kis] live_url:", "not an http:// or https:// URL", NULL));
    CHECK (s_has (err, "scheme.ini:4: [us] sp500_url:", NULL));
}

static void
s_test_secrets (void)
{
    char err[S_ERR_MAX] = "";
    const char *secret = "[LIVE_APP]\nkey = PSrealKey\nsecret_key = realSecret\n";
    CHECK (s_load (s_file ("open.ini", 0644, secret), true, err) == NULL);
    CHECK (s_has (err, "open.ini: holds secrets and is readable by group or others (mode 0644)", NULL));
    CHECK (s_load (s_file ("open.ini", 0644, secret), false, err) == NULL);   //  a stage too
    eod_config_t *c = s_load (s_file ("private.ini", 0600, secret), true, err);
    CHECK (c != NULL);
    eod_config_destroy (&c);
    //  No secret in it: any mode.
    c = s_load (s_file ("public.ini", 0644, "[kis]\nrate = 10\n"), true, err);
    CHECK (c != NULL);
    eod_config_destroy (&c);

    //  The secrets of the app-key sections [kis] keys names count too.
    const char *apps = "[kis]\nkeys = second, Third\n[second]\nkey = k2\nsecret_key = s2\n"
                       "[third]\nkey = k3\nsecret_key = s3\n";
    CHECK (s_load (s_file ("apps.ini", 0640, apps), true, err) == NULL && s_has (err, "holds secrets", NULL));
    c = s_load (s_file ("apps.ini", 0600, apps), true, err);
    CHECK (c != NULL);
    CHECK_STR (c ? eod_config_raw (c, "THIRD", "secret_key") : NULL, "s3");
    eod_config_destroy (&c);
    CHECK (s_load (s_file ("noapp.ini", 0600, "[kis]\nkeys = ghost\n"), true, err) == NULL);
    CHECK (s_has (err, "noapp.ini:2: [kis] keys: [ghost] is not in the file with a key and a secret_key", NULL));
    CHECK (s_load (s_file ("badapp.ini", 0600, "[kis]\nkeys = ../x\n"), true, err) == NULL);
    CHECK (s_has (err, "[kis] keys:", NULL));
    CHECK (s_load (s_file ("appkey.ini", 0600, "[kis]\nkeys = second\n[second]\nkey = k\nsecret_key = s\nsekret = x\n"),
                   true, err)
           == NULL);
    CHECK (s_has (err, "appkey.ini:6: [second] sekret: unknown key of an app-key section", NULL));

    //  The simulator's demo keys: readable by others while every service
    //  they go to is on loopback; refused the moment one is not.
    const char *demo = "[LIVE_APP]\nkey = PSsimDemoKey\nsecret_key = simDemoSecret\n"
                       "[AWS_CONFIG]\naws_access_key = S3RVER\naws_secret_access_key = S3RVER\n"
                       "[SLACK_CONFIG]\nchannel_access_token = xoxb-sim\n"
                       "[kis]\nlive_url = http://127.0.0.1:18080\n[s3]\nendpoint = http://127.0.0.1:18081\n"
                       "[slack]\napi_base = http://127.0.0.1:18080\n[pipeline]\ndemo_keys = true\n";
    c = s_load (s_file ("demo.ini", 0644, demo), true, err);
    if (!c)
        fprintf (stderr, "  demo: %s\n", err);
    CHECK (c != NULL);
    eod_config_destroy (&c);
    char text[2048];
    snprintf (text, sizeof text, "%s[s3]\nendpoint = https://s3.amazonaws.com\n", demo);
    CHECK (s_load (s_file ("demo2.ini", 0644, text), true, err) == NULL);
    CHECK (s_has (err, "[pipeline] demo_keys:", "[s3] endpoint is not on loopback", NULL));
    snprintf (text, sizeof text, "%s[kis]\nenv = test\n", demo);   //  the test host is the real VTS
    CHECK (s_load (s_file ("demo3.ini", 0600, text), true, err) == NULL);
    CHECK (s_has (err, "[kis] test_url is not on loopback", NULL));
}

static void
s_test_environment_and_set (void)
{
    char err[S_ERR_MAX] = "";
    setenv ("EOD_KIS_APP_KEY", "bad key\r\nX-Evil: 1", 1);
    CHECK (s_load (NULL, true, err) == NULL);
    CHECK (s_has (err, "[live_app] key: from the environment variable EOD_KIS_APP_KEY", NULL));
    CHECK (!s_has (err, "X-Evil", NULL));
    setenv ("EOD_KIS_APP_KEY", "PSfromTheEnvironment", 1);
    eod_config_t *c = s_load (NULL, true, err);
    CHECK (c != NULL);
    CHECK_STR (c ? eod_config_str (c, "live_app:key") : NULL, "PSfromTheEnvironment");
    unsetenv ("EOD_KIS_APP_KEY");
    if (c) {
        CHECK (eod_config_set (c, "s3:prefix", "eod/prices/", err, sizeof err) == 0);
        CHECK (eod_config_set (c, "s3:prefix", "../x", err, sizeof err) == -1 && strstr (err, "[s3] prefix"));
        CHECK (eod_config_set (c, "schedule:us_time", "7:30", err, sizeof err) == -1);
        CHECK (eod_config_set (c, "pipeline:nope", "1", err, sizeof err) == -1);
        CHECK_STR (eod_config_str (c, "s3:prefix"), "eod/prices/");
        CHECK (eod_config_str_or_null (c, "pipeline:nope") == NULL);
    }
    eod_config_destroy (&c);
}

//  A strict load creates nothing: not the state directory, not its sockets.
static void
s_test_creates_nothing (void)
{
    char text[1024], state[600], err[S_ERR_MAX] = "";
    snprintf (state, sizeof state, "%s/state-never-made", s_dir);
    snprintf (text, sizeof text, "[pipeline]\nstate_dir = %s\ndata_dir = %s/data-never-made\n", state, s_dir);
    eod_config_t *c = s_load (s_file ("paths.ini", 0600, text), true, err);
    CHECK (c != NULL);
    eod_config_destroy (&c);
    struct stat st;
    CHECK (stat (state, &st) == -1);
    //  A state directory whose socket paths a Unix socket cannot hold.
    char deep[400];
    memset (deep, 'd', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    snprintf (text, sizeof text, "[pipeline]\nstate_dir = /tmp/%.120s\n", deep);
    CHECK (s_load (s_file ("deep.ini", 0600, text), true, err) == NULL);
    CHECK (s_has (err, "[endpoints] lister: a socket path of", "use a shorter state_dir", NULL));
}

//  More errors than the error text holds: it keeps whole lines only, each
//  naming the file (a line cut short made the sort read past its end).
static void
s_test_full_error_text (void)
{
    char text[40000] = "";
    size_t len = 0;
    for (int i = 0; i < 600 && len + 64 < sizeof text; i++)
        len += (size_t) snprintf (text + len, sizeof text - len, "not a key value or section %d\n", i);
    const char *path = s_file ("many.ini", 0600, text);
    char err[S_ERR_MAX];
    eod_config_t *c = s_load (path, true, err);
    CHECK (c == NULL);
    size_t lines = 0;
    bool named = true;
    for (const char *line = err; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL) {
        lines++;
        named = named && strncmp (line, path, strlen (path)) == 0 && line[strlen (path)] == ':';
    }
    CHECK (lines > 10);
    CHECK (named);
    CHECK (strlen (err) < S_ERR_MAX);
}

int
main (void)
{
    CHECK (mkdtemp (s_dir) != NULL);
    s_test_defaults_and_example ();
    s_test_every_error ();
    s_test_files ();
    s_test_urls ();
    s_test_secrets ();
    s_test_environment_and_set ();
    s_test_creates_nothing ();
    s_test_full_error_text ();
    char cmd[600];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    CHECK (system (cmd) == 0);
    return EOD_TEST_DONE ();
}
