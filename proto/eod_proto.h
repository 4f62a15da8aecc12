/*  eod_proto — the wire format between eod stages, and nothing else.

    Each message is one ZeroMQ frame holding one msgpack map:
        {"v": 1, "t": "TASK", <the type's fields>}
    Every type's fields are declared once, in a table in eod_proto.c, and the
    encoder and the strict decoder both walk that table. Decoding never trusts
    the frame: declared counts are checked against the bytes left before
    msgpack-c sees them (msgpack-c pre-allocates from declared counts), then
    wrong version, unknown type, missing or mistyped fields, oversize strings
    and trailing bytes are errors with a message, never a crash.

    eod_msg_t is one flat struct for every type: a type uses the fields its
    table names and leaves the others empty. Strings are owned by the message. */
#ifndef EOD_PROTO_H
#define EOD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "eod_fields.h"

#define EOD_PROTO_VERSION 1
#define EOD_PROTO_FRAME_MAX (16 * 1024 * 1024)   //  ZMQ_MAXMSGSIZE on every socket
#define EOD_PROTO_STRING_MAX (64 * 1024)         //  no field of ours is longer
#define EOD_PROTO_ROWS_MAX 10000                 //  100 per request, pages merged by backfill
#define EOD_PROTO_DEPTH_MAX 8
#define EOD_PROTO_MAP_MAX 4096                   //  keys of one map (KIS output1 has ~80)
#define EOD_PROTO_ELEMENTS_MAX (1 << 19)         //  array and map elements of one message

//  RESULT msg_cd of a fetcher for a session whose row is not published yet
//  (the API's own codes are EGWxxxxx/OPSQxxxx, so this cannot collide).
#define EOD_UNPUBLISHED "EOD-UNPUBLISHED"

typedef enum {
    EOD_MSG_INVALID = 0,
    EOD_MSG_JOB,        //  calendar -> lister: a run to do; calendar -> coordinator service
                        //  (REQ/REP) with mode "chk-holiday": which days of the range KRX is open
    EOD_MSG_TASK,       //  lister -> coordinator -> fetcher: one instrument, one date range
    EOD_MSG_LISTED,     //  lister -> coordinator: the universe is complete (task count)
    EOD_MSG_READY,      //  fetcher -> coordinator: credit for one task
    EOD_MSG_HEARTBEAT,  //  fetcher <-> coordinator: liveness
    EOD_MSG_RESULT,     //  fetcher -> coordinator -> writer: rows or a classified error
    EOD_MSG_ACK,        //  writer -> coordinator: rows of a task are durable; uploader ->
                        //  writer (stage "uploader"): a FILE (task_id its path) or the END
                        //  (task_id "END") is in the uploader's journal
    EOD_MSG_RUN_DONE,   //  coordinator -> writer: every task settled
    EOD_MSG_FILE,       //  writer -> uploader: a finished partition file
    EOD_MSG_EVENT,      //  any stage -> notifier: something people should know; also the
                        //  service's chk-holiday answer (fields: YYYYMMDD -> "Y" open / "N")
    EOD_MSG_END,        //  every stage -> downstream: the run is over here
    EOD_MSG_CREDS,      //  coordinator -> fetcher only: app key, secret and token
    EOD_MSG_TYPES
} eod_msg_type_t;

typedef struct {
    eod_msg_type_t type;
    //  Identity of the run and task
    char *run_id;
    char *task_id;
    char *market;       //  "kr" | "us"
    char *mode;         //  "daily" | "backfill"
    char *date_from;    //  YYYY-MM-DD
    char *date_to;      //  YYYY-MM-DD
    //  Instrument (TASK, RESULT)
    char *code;
    char *exchange;
    char *name;
    char *key_id;       //  which app key's budget a TASK is dispatched under
    //  Outcome (RESULT, END, EVENT)
    char *status;       //  RESULT: ok|nodata|unknown|retryable|permanent; END: complete|partial|failed|closed
    char *error;
    char *msg_cd;
    //  Worker (READY, HEARTBEAT)
    char *worker;
    //  FILE
    char *path;
    char *key;
    char *md5;
    //  EVENT
    char *level;        //  "info" | "warn" | "error"
    char *stage;
    char *text;
    //  CREDS (never traced, tapped or logged)
    char *app_key;
    char *app_secret;
    char *token;
    char *base_url;
    //  Numbers
    int64_t attempt;
    int64_t count;      //  LISTED: tasks; RUN_DONE: tasks; FILE: rows; READY: credit; RESULT from a fetcher:
                        //  1 = also a READY (when the CREDS had count 1: the coordinator reads it)
    int64_t ok;
    int64_t nodata;
    int64_t unknown;
    int64_t failed;
    int64_t requests;
    int64_t rate_limited;
    int64_t retries;
    int64_t duration_ms;
    int64_t expires;    //  CREDS: token expiry, epoch seconds
    int64_t sent_us;    //  RESULT from a fetcher: when its request went out, on the fetcher host's
                        //  monotonic clock in microseconds (0: no request went out); the
                        //  coordinator reads it and does not forward it. READY, HEARTBEAT: when
                        //  the fetcher sent it, on the same clock
    //  Structured
    eod_fields_t meta;      //  TASK/RESULT: instrument metadata; END/LISTED: summary figures
    eod_fields_t snapshot;  //  RESULT: KIS output1 (the instrument's snapshot)
    eod_fields_t fields;    //  EVENT: extra fields
    eod_fields_t *rows;     //  RESULT: price rows (KIS output2), newest first
    size_t nrows;
    char **list;            //  RUN_DONE: "CODE reason" per failed/missing task; ACK from the writer:
                            //  more task ids made durable with task_id
    size_t nlist;
} eod_msg_t;

//  Returns a zeroed message of the type. NULL on no memory.
eod_msg_t *eod_msg_new (eod_msg_type_t type);

//  Frees everything the message owns; safe on NULL, nulls the pointer.
void eod_msg_destroy (eod_msg_t **self_p);

//  Type name ("TASK") or "?" / parse; EOD_MSG_INVALID when unknown.
const char *eod_msg_type_name (eod_msg_type_t type);
eod_msg_type_t eod_msg_type_parse (const char *name);

//  Sets a string field to a copy of value (NULL clears it). 0 or -1.
int eod_msg_set (char **field, const char *value);

//  Appends rows (deep copies) and list entries.
int eod_msg_add_row (eod_msg_t *self, const eod_fields_t *row);
int eod_msg_add_list (eod_msg_t *self, const char *entry);

//  Encodes into a malloc'd buffer the caller frees. 0 or -1 (a required field
//  is missing: err says which).
int eod_msg_encode (const eod_msg_t *self, char **data, size_t *len, char *err, size_t errlen);

//  Decodes one frame strictly. Returns a new message, or NULL with the reason
//  in err (the caller logs it with where the frame came from).
eod_msg_t *eod_msg_decode (const void *data, size_t len, char *err, size_t errlen);

//  Deep copy. NULL on no memory.
eod_msg_t *eod_msg_dup (const eod_msg_t *self);

//  Writes the message as one JSON object line (for eod-tap and traces); CREDS
//  secrets are written as "[redacted]". Returns a malloc'd string.
char *eod_msg_to_json (const eod_msg_t *self);

#endif
