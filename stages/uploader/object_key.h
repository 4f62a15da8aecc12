/*  uploader object key — the S3 key a finished file is uploaded under:
    [s3] key_template with {market} {yyyy} {mm} {dd} {yyyymmdd} {file}, or
    PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file} (the Athena layout)
    when the template is empty.

    The market and date come from a FILE message and the file name from its
    path: each is checked again here against its grammar (proto/eod_grammar.h),
    since a key is built from them, and the key made must be an S3 key (no
    '..', '.' or empty segment, no leading '/'): nothing lands outside the
    prefix, and no bucket but the configured one is reached. */
#ifndef UPLOADER_OBJECT_KEY_H
#define UPLOADER_OBJECT_KEY_H

#include <stddef.h>

//  Writes the key into out. 0, or -1 with why: a market, date (YYYY-MM-DD,
//  a real date) or file name out of its grammar, a key that is not one, or
//  a key that does not fit outsize.
int uploader_object_key (const char *template, const char *prefix, const char *market, const char *date,
                         const char *file, char *out, size_t outsize, char *why, size_t whylen);

#endif
