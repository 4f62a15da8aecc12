/*  master_text — the byte-level helpers both master layouts share: trimmed
    views of fixed-width fields, character-class checks, and the CP949 to
    UTF-8 conversion of names (the KR .mst and US .cod files are CP949; the
    pipeline speaks UTF-8). See eod_master.h. */
#include "master_internal.h"

#include <assert.h>
#include <string.h>

//  Trimmed view of [p, p + n): sets *start and returns the length.
size_t
master_trim (const char *p, size_t n, const char **start)
{
    while (n > 0 && *p == ' ') {
        p++;
        n--;
    }
    while (n > 0 && p[n - 1] == ' ')
        n--;
    *start = p;
    return n;
}

bool
master_all (const char *p, size_t n, int (*pred) (int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred ((unsigned char) p[i]))
            return false;
    return true;
}

//  Converts CP949 bytes to UTF-8 into out. Returns the output length, or -1
//  when the input is not valid CP949 or does not fit.
ssize_t
master_cp949_to_utf8 (iconv_t cd, const char *in, size_t inlen, char *out, size_t outsize)
{
    assert (outsize > 0);
    iconv (cd, NULL, NULL, NULL, NULL);
    char *inp = (char *) in;
    char *outp = out;
    size_t inleft = inlen, outleft = outsize - 1;
    if (iconv (cd, &inp, &inleft, &outp, &outleft) == (size_t) -1
        || iconv (cd, NULL, NULL, &outp, &outleft) == (size_t) -1)
        return -1;
    *outp = '\0';
    return outp - out;
}
