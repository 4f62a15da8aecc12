/*  writer finish — a partition file made durable and handed to the uploader.

    The fold (compact.c) writes each session's file under a temp name, fsyncs
    it and renames it to data/market=M/dt=D/M_YYYYMMDD.csv, so a reader never
    sees half a file. Each file then goes to the uploader as a FILE message
    with its MD5 (the uploader skips an object whose MD5 matches, and S3
    checks the body against it); so does every file of the run's range the
    fold did not touch, so a re-run that needed no request still reconciles
    S3. The FILEs and the run's END wait in an outbox until the uploader
    acknowledges them, and are sent again while it does not: a message lost
    with a killed uploader's queue is not lost for the run. The END is held
    back until every FILE sent before it is acknowledged, since the uploader
    ends the run on END. Sending goes through a function the writer gives, so
    the outbox is driven without sockets. */
#ifndef WRITER_FINISH_H
#define WRITER_FINISH_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "eod_proto.h"

#define WRITER_PATH_MAX 4200   //  a path under the data or state directory
#define WRITER_REL_MAX 256     //  "market=M/dt=D/M_YYYYMMDD.csv"

//  Called for each partition file written or found: its path, its name
//  under the data directory (rel, the S3 key under the prefix), its session
//  (YYYY-MM-DD) and its rows (the header not counted).
typedef void (writer_file_fn) (const char *path, const char *rel, const char *date, long rows, void *arg);

//  The partition file of market's session date (YYYY-MM-DD): rel receives
//  "market=M/dt=D/M_YYYYMMDD.csv", path "DATA_DIR/" and rel. 0, or -1
//  (logged) when market or date is out of its grammar (eod_grammar.h) or
//  the path does not fit.
int writer_finish_name (const char *data_dir, const char *market, const char *date, char *rel, size_t rel_size,
                        char *path, size_t path_size);

//  Opens the temp name of the file at path ("PATH.tmp") for writing. The
//  stream, or NULL (errno set).
FILE *writer_finish_open (const char *path);

//  Flushes, fsyncs and closes *file_p (nulled), a stream of
//  writer_finish_open (path); when ok and all of that worked, renames the
//  temp file to path and fsyncs the directory. 0, or -1 with the temp file
//  removed (errno of the first failure, when it was the rename's).
int writer_finish_close (FILE **file_p, const char *path, bool ok);

//  Calls on_file for every partition file data_dir/market=M/dt=D/M_YYYYMMDD.csv
//  with date_from <= D <= date_to (ISO dates) whose D is not a key of skip
//  (may be NULL), in date order; rows are the file's CSV records less the
//  header. Only existing dt= directories are visited. Returns the number of
//  files reported, 0 when the market has no directory, -1 (logged) when it
//  cannot be read.
long writer_finish_existing (const char *data_dir, const char *market, const char *date_from, const char *date_to,
                             zhashx_t *skip, writer_file_fn *on_file, void *arg);

//  The same for the anomaly sidecars (anomalies.h) of the range:
//  data_dir/anomalies/market=M/dt=D/M_YYYYMMDD_anomalies.csv, rel from
//  "anomalies/", rows their lines less the header. A re-run offers them
//  again as it does the partition files, so a sidecar whose upload failed
//  is retried (the uploader skips an object whose MD5 matches).
long writer_finish_existing_sidecars (const char *data_dir, const char *market, const char *date_from,
                                      const char *date_to, zhashx_t *skip, writer_file_fn *on_file, void *arg);

//  The sidecar of (market, date YYYY-MM-DD): rel
//  "anomalies/market=M/dt=D/M_YYYYMMDD_anomalies.csv" and path under
//  data_dir. 0, or -1 (logged) when market or date fails its grammar or a
//  buffer is too small.
int writer_finish_sidecar_name (const char *data_dir, const char *market, const char *date, char *rel, size_t rel_size,
                                char *path, size_t path_size);

//  Calls on_file for each list of a universe snapshot (lister's
//  codelists.h): the *.csv files of DATA_DIR/codes/market=M/dt=DAY, their
//  rel "codes/market=M/dt=DAY/NAME" (the uploader's code-list data set),
//  date the day they were downloaded. A name that is not a plain file
//  name is skipped. Returns the files reported, 0 when there is no such
//  directory, -1 (logged) when market or day fails its grammar or the
//  directory cannot be read.
long writer_finish_codes (const char *data_dir, const char *market, const char *day, writer_file_fn *on_file,
                          void *arg);

//  ---------------------------------------------------------------- the outbox

//  Sends msg (borrowed) to the uploader without waiting. 0, or -1 when the
//  socket does not take it now: it waits in the outbox and is tried again.
typedef int (writer_send_fn) (const eod_msg_t *msg, void *arg);

//  Messages in flight to the uploader (sent, not acknowledged), at most: the
//  others wait in the outbox. A long backfill hands over thousands of files
//  that the uploader takes one at a time; the window keeps its queue short,
//  so that what is sent again after a silence is what it may have lost, not
//  what it has not reached yet.
#define WRITER_FINISH_WINDOW 64

typedef struct _writer_finish_t writer_finish_t;

//  An empty outbox sending through send (arg is passed on); what is not
//  acknowledged within resend_ms is sent again. NULL on no memory.
writer_finish_t *writer_finish_new (writer_send_fn *send, void *arg, int64_t resend_ms);

//  Drops what is unacknowledged; nulls *self_p. Safe on NULL and twice.
void writer_finish_destroy (writer_finish_t **self_p);

//  The FILE of the partition file at path (rel, session date, rows) of run
//  run_id of market: its MD5 taken (logged with the rows), sent and kept
//  until acknowledged. 0, or -1 (logged) when the file cannot be read or on
//  no memory: then nothing is sent.
int writer_finish_file (writer_finish_t *self, const char *run_id, const char *market, const char *path,
                        const char *rel, const char *date, long rows);

//  Sends *msg_p (taken, nulled; NULL is fine) when the window has room, else
//  queues it, and keeps it until acknowledged. An END is held, not sent,
//  while a FILE is unacknowledged.
void writer_finish_send (writer_finish_t *self, eod_msg_t **msg_p);

//  The uploader acknowledged the FILE of path: it leaves the outbox; the
//  last FILE acknowledged releases the ENDs held. An unknown path is
//  ignored (a resend acknowledged twice).
void writer_finish_file_acked (writer_finish_t *self, const char *path);

//  The uploader acknowledged the END of run_id (NULL and "" are alike: an
//  END without a run id): the first such END leaves the outbox.
void writer_finish_end_acked (writer_finish_t *self, const char *run_id);

//  Sends what waits while the window has room; and, when resend_ms passed
//  with messages in flight and no acknowledgement (each one starts the wait
//  over), sends those in flight again (logged). Called on every turn of the
//  writer's loop.
void writer_finish_resend (writer_finish_t *self);

//  FILEs in the outbox (in flight or waiting).
size_t writer_finish_unacked (const writer_finish_t *self);

//  Messages not acknowledged: in flight, waiting, or held.
size_t writer_finish_pending (const writer_finish_t *self);

#endif
