/*  fuzz_config — libFuzzer target for the config loader (common/core/
    eod_config*.c, and proto/eod_grammar.c it checks values with).

    A config file is written by people, copied between hosts and edited in a
    hurry: any bytes must give a config or the list of its errors, never a
    crash. The input's first byte picks the file's mode (private or readable
    by others, so the secret-file rule runs both ways) and a value for
    eod_config_set; the rest is the file. The target checks the contract of
    eod_config.h: a strict load that succeeds implies a lenient one does;
    an error text is lines of "FILE...: why", each naming the file; on
    success every key reads back (strings, numbers, expanded paths that fit
    their buffer) and a value that passed eod_config_set reads back as set.
    A broken promise aborts, which libFuzzer reports as a crash. */
#include "eod_config_internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_ERR_MAX 8192
#define S_PATH_MAX 1024

static void
s_fail (const char *what, const char *detail)
{
    fprintf (stderr, "fuzz_config: %s: \"%s\"\n", what, detail ? detail : "(null)");
    abort ();
}

//  Every line of err starts with the file's path.
static void
s_check_errors (const char *err, const char *path)
{
    if (!*err)
        s_fail ("a load failed without a reason", err);
    size_t n = strlen (path);
    for (const char *line = err; line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
        if (strncmp (line, path, n) != 0)
            s_fail ("an error line does not name the file", line);
}

static void
s_check_config (eod_config_t *c, uint8_t pick, const uint8_t *value, size_t len)
{
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        const eod_config_key_t *k = &eod_config_keys[i];
        const char *s = eod_config_str (c, k->name);
        if (!s)
            s_fail ("a key reads back NULL", k->name);
        if (k->type == EOD_CT_INT || k->type == EOD_CT_BOOL) {
            long long n = eod_config_int (c, k->name);
            if (k->type == EOD_CT_INT && (n < k->min || n > k->max))
                s_fail ("a number outside its bounds", k->name);
        }
        if (k->type == EOD_CT_PATH || k->type == EOD_CT_ENDPOINT) {
            char out[S_PATH_MAX];
            eod_config_path_value (c, k->name, out, sizeof out);
            if (strlen (out) >= sizeof out - 1)
                s_fail ("an expanded path fills its buffer", k->name);
        }
    }
    //  A value that eod_config_set takes reads back as it was given.
    char text[256];
    size_t n = len < sizeof text - 1 ? len : sizeof text - 1;
    memcpy (text, value, n);
    text[n] = '\0';
    const char *name = eod_config_keys[pick % eod_config_nkeys].name;
    char err[512];
    if (eod_config_set (c, name, text, err, sizeof err) == 0 && strcmp (eod_config_str (c, name), text) != 0)
        s_fail ("a value set does not read back", name);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static char path[64];
    if (!*path)
        snprintf (path, sizeof path, "/tmp/fuzz_config.%d.ini", (int) getpid ());
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    //  The file is what follows the first byte, up to a NUL; after it, the
    //  value given to eod_config_set.
    const uint8_t *file = data + 1, *nul = memchr (file, 0, size - 1);
    size_t flen = nul ? (size_t) (nul - file) : size - 1;
    const uint8_t *value = nul ? nul + 1 : file + flen;
    size_t vlen = (size_t) (data + size - value);
    FILE *f = fopen (path, "wb");
    if (!f)
        return 0;
    fwrite (file, 1, flen, f);
    fclose (f);
    chmod (path, pick & 1 ? 0644 : 0600);

    char *err = malloc (S_ERR_MAX);
    if (!err)
        return 0;
    eod_config_t *strict = eod_config_load_strict (path, err, S_ERR_MAX);
    if (!strict)
        s_check_errors (err, path);
    eod_config_t *lenient = eod_config_load (path, err, S_ERR_MAX);
    if (!lenient)
        s_check_errors (err, path);
    if (strict && !lenient)
        s_fail ("a strict load passed and a lenient one did not", err);
    if (lenient)
        s_check_config (lenient, pick >> 1, value, vlen);
    eod_config_destroy (&strict);
    eod_config_destroy (&lenient);
    eod_config_destroy (&lenient);
    free (err);
    return 0;
}
