/*  uploader — puts each finished file in S3 (SigV4 through libcurl) under the
    Athena layout PREFIX/market=M/dt=D/FILE (or a configured template), skips
    objects whose MD5 already matches, and passes END on to the notifier with
    what it uploaded. A FILE names a file under [pipeline] data_dir (anything
    else is refused) and the key is built by object_key.h. */
#ifndef UPLOADER_H
#define UPLOADER_H

#include <stddef.h>

#include "eod_zmq.h"

typedef struct _uploader_t uploader_t;

uploader_t *uploader_new (eod_stage_t *stage, bool once);
void uploader_destroy (uploader_t **self_p);
int uploader_run (uploader_t *self);

#endif
