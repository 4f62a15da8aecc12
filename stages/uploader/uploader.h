/*  uploader — puts each finished file in S3 (SigV4 through libcurl) under the
    Athena layout PREFIX/market=M/dt=D/FILE (or a configured template), skips
    objects whose MD5 already matches, and passes END on to the notifier with
    what it uploaded. */
#ifndef UPLOADER_H
#define UPLOADER_H

#include <stddef.h>

#include "eod_zmq.h"

typedef struct _uploader_t uploader_t;

uploader_t *uploader_new (eod_stage_t *stage, bool once);
void uploader_destroy (uploader_t **self_p);
int uploader_run (uploader_t *self);

//  Builds the object key of a file: template with {market} {yyyy} {mm} {dd}
//  {yyyymmdd} {file}, or PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}
//  when the template is empty. date is YYYY-MM-DD. 0, or -1 when it does not fit.
int uploader_object_key (const char *template, const char *prefix, const char *market, const char *date,
                         const char *file, char *out, size_t outsize);

#endif
