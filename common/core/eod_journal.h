/*  eod_journal — an append-only file of messages, the on-disk ledger of the
    coordinator and the writer.

    Each record is a 4-byte big-endian length and one encoded message (the
    same bytes that travel on the wire). Appends are buffered by the kernel
    until eod_journal_sync; a crash can leave a torn last record, which
    eod_journal_open cuts off (it was never synced, so nobody was told it was
    kept). A record that does not decode is reported with the file and record
    number and skipped: the records after it still count. A length that cannot
    be a record's, other than zeros to the end of the file, means the file is
    damaged: open and read fail with an error naming it, and change nothing. */
#ifndef EOD_JOURNAL_H
#define EOD_JOURNAL_H

#include "eod_proto.h"

typedef struct _eod_journal_t eod_journal_t;

//  Called for each whole record, in file order. The callee may take the
//  message by setting *msg_p to NULL; otherwise it is destroyed after the
//  call. Return 0 to go on, -1 to stop reading.
typedef int (eod_journal_fn) (eod_msg_t **msg_p, long record, void *arg);

//  Opens path for appending, creating it (mode 0600) and its directory.
//  Existing records are replayed through on_msg (may be NULL) first, and a
//  torn tail is truncated (not when on_msg stopped the replay). NULL on
//  error or a damaged file, logged with the path.
eod_journal_t *eod_journal_open (const char *path, eod_journal_fn *on_msg, void *arg);

//  The same, with each record's byte offset in the file (for
//  eod_journal_record).
typedef int (eod_journal_at_fn) (eod_msg_t **msg_p, long record, int64_t offset, void *arg);
eod_journal_t *eod_journal_open_at (const char *path, eod_journal_at_fn *on_msg, void *arg);

//  Closes the file (without a sync) and frees self.
void eod_journal_destroy (eod_journal_t **self_p);

//  Appends one record. 0, or -1 (logged) when the message cannot be encoded
//  or written; a failed write is rolled back so the file stays whole.
int eod_journal_append (eod_journal_t *self, const eod_msg_t *msg);

//  The same, returning the record's byte offset in the file, or -1.
int64_t eod_journal_append_at (eod_journal_t *self, const eod_msg_t *msg);

//  Makes every appended record durable (fdatasync). 0 or -1 (logged).
int eod_journal_sync (eod_journal_t *self);

//  Reads the whole records of path without changing it. Returns the number of
//  records read, 0 when the file does not exist, -1 when it cannot be read or
//  is damaged (the records before the damage were passed to on_msg).
long eod_journal_read (const char *path, eod_journal_fn *on_msg, void *arg);

//  Reads back the one record at byte offset of the journal file open on fd
//  (read-only is enough; path names it in errors). The message, or NULL
//  (logged) when no whole, decodable record starts there.
eod_msg_t *eod_journal_record (int fd, int64_t offset, const char *path);

#endif
