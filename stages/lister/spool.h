/*  lister spool — messages kept on disk instead of in memory.

    The lister lists thousands of instruments and must be able to send its
    whole listing again until the coordinator confirms it (send.h). Rather
    than a message per instrument in memory, each TASK draft is encoded
    (proto/, the wire format) and appended to a spool file under the state
    directory, then read back one message at a time for the send and for
    every resend. A record is a 4-byte big-endian length and the msgpack
    bytes; the file is the lister's own scratch, made anew by each listing
    and removed when the spool is destroyed. */
#ifndef LISTER_SPOOL_H
#define LISTER_SPOOL_H

#include <stddef.h>

#include "eod_proto.h"

typedef struct _lister_spool_t lister_spool_t;

//  Creates (or truncates) the spool file at path, mode 0600, its directory
//  made if missing. NULL with the reason logged (path and errno).
lister_spool_t *lister_spool_new (const char *path);

//  Closes and removes the file, nulls *self_p; safe on NULL and twice.
void lister_spool_destroy (lister_spool_t **self_p);

//  Appends msg, encoded. Returns 0, or -1 logged (encoding, disk full).
int lister_spool_append (lister_spool_t *self, const eod_msg_t *msg);

//  Messages appended so far.
size_t lister_spool_count (const lister_spool_t *self);

//  The file's path (borrowed).
const char *lister_spool_path (const lister_spool_t *self);

//  Flushes what was appended and starts reading at the first message.
//  Appending after a rewind goes on at the end. 0, or -1 logged.
int lister_spool_rewind (lister_spool_t *self);

//  Reads the next message into *msg (the caller's to destroy). Returns 1
//  with a message, 0 at the end, -1 (logged with the path and the record's
//  number) when the file is short or a record does not decode.
int lister_spool_next (lister_spool_t *self, eod_msg_t **msg);

#endif
