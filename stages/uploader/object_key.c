/*  uploader object key — see object_key.h. */
#include "object_key.h"
#include "eod_grammar.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_TEMPLATE_MAX 600   //  a prefix (512) and the default layout

//  A file name: one segment of a key, not '.' or '..'.
static bool
s_file_ok (const char *file, char *why, size_t whylen)
{
    char inner[128];
    if (strchr (file, '/')) {
        snprintf (why, whylen, "the file name holds '/'");
        return false;
    }
    if (!eod_grammar_ok (EOD_G_KEY, file, inner, sizeof inner)) {
        snprintf (why, whylen, "the file name %s", inner);
        return false;
    }
    return true;
}

int
uploader_object_key (const char *template, const char *prefix, const char *market, const char *date, const char *file,
                     char *out, size_t outsize, char *why, size_t whylen)
{
    char inner[128];
    if (!outsize)
        return -1;
    out[0] = '\0';
    if (!eod_grammar_ok (EOD_G_MARKET, market, inner, sizeof inner)) {
        snprintf (why, whylen, "the market %s", inner);
        return -1;
    }
    if (!eod_grammar_ok (EOD_G_DATE, date, inner, sizeof inner)) {
        snprintf (why, whylen, "the date %s", inner);
        return -1;
    }
    if (!s_file_ok (file, why, whylen))
        return -1;
    if (!prefix)
        prefix = "";
    if (!eod_grammar_ok (EOD_G_PREFIX, prefix, inner, sizeof inner)) {
        snprintf (why, whylen, "[s3] prefix %s", inner);
        return -1;
    }
    //  The date passed its grammar: YYYY-MM-DD, ten bytes.
    char yyyy[5], mm[3], dd[3], compact[9];
    snprintf (yyyy, sizeof yyyy, "%.4s", date);
    snprintf (mm, sizeof mm, "%.2s", date + 5);
    snprintf (dd, sizeof dd, "%.2s", date + 8);
    snprintf (compact, sizeof compact, "%s%s%s", yyyy, mm, dd);
    char deftpl[S_TEMPLATE_MAX];
    if (!template || !*template) {
        size_t n = strlen (prefix);
        snprintf (deftpl, sizeof deftpl, "%s%smarket={market}/dt={yyyy}-{mm}-{dd}/{file}", prefix,
                  n && prefix[n - 1] != '/' ? "/" : "");
        template = deftpl;
    }
    static const char *const names[] = {"{market}", "{yyyy}", "{mm}", "{dd}", "{yyyymmdd}", "{file}"};
    const char *values[] = {market, yyyy, mm, dd, compact, file};
    size_t o = 0;
    for (const char *p = template; *p;) {
        const char *value = p;
        size_t n = 1, skip = 1;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strncmp (p, names[i], strlen (names[i])) == 0) {
                value = values[i];
                n = strlen (value);
                skip = strlen (names[i]);
            }
        if (o + n >= outsize) {
            out[0] = '\0';
            snprintf (why, whylen, "the key is longer than %zu bytes", outsize - 1);
            return -1;
        }
        memcpy (out + o, value, n);
        o += n;
        p += skip;
    }
    out[o] = '\0';
    if (!eod_grammar_ok (EOD_G_KEY, out, inner, sizeof inner)) {
        out[0] = '\0';
        snprintf (why, whylen, "the key %s", inner);
        return -1;
    }
    return 0;
}
