/*  eod_proto — the wire format between eod stages, and nothing else.

    Each message is one ZeroMQ frame holding one msgpack map:
        {"v": 2, "t": "TASK", <the type's fields>}
    Every type is declared once, in the table of eod_proto_table.c: its
    fields (name, kind, required or not), what it is for, which stage sends
    it to which over which endpoint of [endpoints], and which journal keeps
    it. The encoder, the strict decoder, the route check every stage's
    sockets apply (eod_msg_route_ok) and the message table of
    docs/ARCHITECTURE.md (eod_proto_write_markdown, checked by a test) all
    come from that table. One type has one purpose: no field changes what a
    message means.

    Decoding never trusts the frame: declared counts are checked against the
    bytes left before msgpack-c sees them (msgpack-c pre-allocates from
    declared counts), then wrong version, unknown type, missing or mistyped
    fields, oversize strings and trailing bytes are errors with a message,
    never a crash. Then every field is checked against its grammar
    (eod_grammar.h: ids, markets, codes per market, real dates, paths, S3
    keys, MD5s, URLs; UTF-8 for all text) and date_from is not after
    date_to: a frame that fails is refused with an error naming the field,
    so no stage ever builds a path, key or URL from an unchecked value.

    Journals and ledgers hold the same encoded messages. Version 1 (eod 0.1
    before typed requests) stored the types that version 2 still has with
    the same fields; eod_msg_decode_stored reads both and says which it read,
    and refuses any other version with a message naming it.

    eod_msg_t is one flat struct for every type: a type uses the fields its
    table names and leaves the others empty. Strings are owned by the message. */
#ifndef EOD_PROTO_H
#define EOD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "eod_fields.h"

#define EOD_PROTO_VERSION 2
#define EOD_PROTO_VERSION_STORED_MIN 1           //  the oldest journal record eod_msg_decode_stored reads
#define EOD_PROTO_FRAME_MAX (16 * 1024 * 1024)   //  ZMQ_MAXMSGSIZE on every socket
#define EOD_PROTO_STRING_MAX (64 * 1024)         //  no field of ours is longer
#define EOD_PROTO_ROWS_MAX 10000                 //  100 per request, pages merged by backfill
#define EOD_PROTO_BATCH_MAX 30                   //  codes of a BATCH: FHKST11300006 takes 30
#define EOD_PROTO_DEPTH_MAX 8
#define EOD_PROTO_MAP_MAX 4096             //  keys of one map (KIS output1 has ~80)
#define EOD_PROTO_ELEMENTS_MAX (1 << 19)   //  array and map elements of one message

//  RESULT msg_cd of a fetcher for a session whose row is not published yet
//  (the API's own codes are EGWxxxxx/OPSQxxxx, so this cannot collide).
#define EOD_UNPUBLISHED "EOD-UNPUBLISHED"
//  RESULT msg_cd of a fetcher for rows of one page of an answer that goes on
//  (overseas tr_cont M/F): meta "bymd" is the BYMD of the next page, which
//  the coordinator asks for as a request of its own.
#define EOD_MORE "EOD-MORE"
//  The meta key of that BYMD (YYYYMMDD), in the RESULT and in the TASK the
//  coordinator sends for the next page.
#define EOD_META_BYMD "bymd"
//  RESULT meta keys of the rows a fetcher dropped because their date is
//  outside the task's range: the first dates (YYYYMMDD, comma-separated)
//  and how many rows in all. The writer reports them as anomalies.
#define EOD_META_WRONG_DATE "wrong_date"
#define EOD_META_WRONG_DATE_COUNT "wrong_date_count"
#define EOD_WRONG_DATES_LISTED 8
//  RUN_DONE meta key of those rows in the answers of tasks that settled
//  without rows (no data, no row for the session, failed): they never reach
//  the writer's journal, so the coordinator hands them over with the run's
//  end. Entries "CODE FROM TO COUNT DATES" (FROM, TO the task's YYYY-MM-DD,
//  DATES as above), ";"-separated.
#define EOD_META_WRONG_DATE_UNWRITTEN "wrong_date_unwritten"

//  The types; eod_proto_table.c says what each is for and where it goes.
typedef enum {
    EOD_MSG_INVALID = 0,
    EOD_MSG_JOB,           //  calendar -> lister: a run to list
    EOD_MSG_TASK,          //  lister -> coordinator -> fetcher: one instrument, one date range
    EOD_MSG_LISTED,        //  lister -> coordinator: the universe is complete (task count)
    EOD_MSG_READY,         //  fetcher -> coordinator: credit for one task
    EOD_MSG_HEARTBEAT,     //  fetcher <-> coordinator: liveness
    EOD_MSG_RESULT,        //  fetcher -> coordinator -> writer: rows or a classified error
    EOD_MSG_ACK,           //  writer -> coordinator: the rows of tasks are durable
    EOD_MSG_RUN_DONE,      //  coordinator -> writer: every task settled
    EOD_MSG_FILE,          //  writer -> uploader: a finished partition file
    EOD_MSG_EVENT,         //  any stage -> notifier: something people should know
    EOD_MSG_END,           //  every stage -> downstream: the run is over here
    EOD_MSG_CREDS,         //  coordinator -> fetcher only: app key, secret and token
    EOD_MSG_HOLIDAY_ASK,   //  calendar -> coordinator service: is KRX open on these days?
    EOD_MSG_HOLIDAYS,      //  coordinator service -> calendar: KIS chk-holiday's answer
    EOD_MSG_LISTING_ASK,   //  lister -> coordinator service: what of my listing arrived?
    EOD_MSG_LISTING,       //  coordinator service -> lister: tasks held, LISTED and END seen
    EOD_MSG_REFUSED,       //  coordinator service -> asker: a request it cannot answer
    EOD_MSG_RECONCILE,     //  coordinator -> writer: which tasks of a resumed run are durable?
    EOD_MSG_FILE_ACK,      //  uploader -> writer: a FILE is in the uploader's journal
    EOD_MSG_END_ACK,       //  uploader -> writer: an END is in the uploader's journal
    EOD_MSG_STATS,         //  coordinator -> trace: its counters, every second (eod-status)
    EOD_MSG_UPLOADED,      //  the uploader's journal only: a FILE is settled (uploaded or failed)
    EOD_MSG_BATCH,         //  lister -> coordinator -> fetcher: 1..30 KR codes of one session, one multi-quote
    EOD_MSG_QUOTES,        //  fetcher -> coordinator -> writer: a batch's quotes, or its error classified
    EOD_MSG_TYPES
} eod_msg_type_t;

typedef struct {
    eod_msg_type_t type;
    int version;   //  the version a decoded message was written with (eod_msg_decode_stored)
    //  Identity of the run and task
    char *run_id;
    char *task_id;
    char *market;      //  "kr" | "us"
    char *mode;        //  "daily" | "backfill" | "close"
    char *date_from;   //  YYYY-MM-DD
    char *date_to;     //  YYYY-MM-DD
    //  Instrument (TASK, RESULT)
    char *code;
    char *exchange;
    char *name;
    char *key_id;   //  which app key's budget a TASK is dispatched under
    //  Outcome (RESULT, END, EVENT, HOLIDAYS, REFUSED)
    char *status;   //  RESULT: ok|nodata|unknown|retryable|permanent; END: complete|partial|failed|closed
    char *error;
    char *msg_cd;
    //  Worker (READY, HEARTBEAT)
    char *worker;
    //  FILE
    char *path;
    char *key;
    char *md5;
    //  EVENT
    char *level;   //  "info" | "warn" | "error"
    char *stage;
    char *text;
    //  CREDS (never traced, tapped or logged)
    char *app_key;
    char *app_secret;
    char *token;
    char *base_url;
    //  Numbers
    int64_t attempt;
    int64_t count;   //  LISTED, RUN_DONE: tasks; LISTING: tasks held; FILE: rows; READY: credit; RESULT from a fetcher:
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
    int64_t listed;     //  LISTING: 1 when the coordinator holds the run's LISTED
    int64_t ended;      //  LISTING: 1 when it holds the lister's END
    int64_t sent_us;    //  RESULT from a fetcher: when its request went out, on the fetcher host's
                        //  monotonic clock in microseconds (0: no request went out); the
                        //  coordinator reads it and does not forward it. READY, HEARTBEAT: when
                        //  the fetcher sent it, on the same clock
    int64_t asked_at;   //  RESULT: when its request was made, wall clock (eod_now, unix seconds); 0: not
                        //  known. The writer decides from it whether the answer's quote (output1)
                        //  describes a row's session
    //  Structured
    eod_fields_t meta;       //  TASK/RESULT: instrument metadata; END/LISTED: summary figures
    eod_fields_t snapshot;   //  RESULT: KIS output1 (the instrument's snapshot)
    eod_fields_t fields;     //  EVENT: extra fields; STATS: the counters
    eod_fields_t days;       //  HOLIDAYS: YYYYMMDD -> "Y" (open) or "N"
    eod_fields_t *rows;      //  RESULT: price rows (KIS output2), newest first
    size_t nrows;
    char **list;   //  RUN_DONE: "CODE reason" per failed/missing task; ACK: more task ids; BATCH, QUOTES: the codes
                   //  made durable with task_id
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

//  Decodes one frame strictly, grammars included (eod_msg_check). Returns a
//  new message, or NULL with the reason in err, which names the field (the
//  caller logs it with where the frame came from).
eod_msg_t *eod_msg_decode (const void *data, size_t len, char *err, size_t errlen);

//  Decodes one journal or ledger record: like eod_msg_decode, and also a
//  record of an earlier version down to EOD_PROTO_VERSION_STORED_MIN, whose
//  types and fields this version reads the same; msg->version says which.
//  Any other version is refused with err naming it. The grammars are not
//  checked again: a record is what the stage took in (checked then) or made
//  itself, and a version-1 uploader journal kept a path in an ACK's task_id.
eod_msg_t *eod_msg_decode_stored (const void *data, size_t len, char *err, size_t errlen);

//  The protocol version a well-formed frame declares ("v"), or -1 when it
//  declares none or is not a msgpack map: what to tell a reader of a journal
//  that eod_msg_decode_stored refused.
int eod_msg_frame_version (const void *data, size_t len);

//  Checks every field of self against its grammar in the message table and
//  the rules between fields (a code of the message's market, a task id of
//  its market and code, date_from not after date_to). 0, or -1 with err
//  naming the type and field ("TASK: field 'run_id' (id) holds '/'"); the
//  reason never quotes the value.
int eod_msg_check (const eod_msg_t *self, char *err, size_t errlen);

//  Deep copy. NULL on no memory.
eod_msg_t *eod_msg_dup (const eod_msg_t *self);

//  Writes the message as one JSON object line (for eod-tap and traces); CREDS
//  secrets are written as "[redacted]". Returns a malloc'd string.
char *eod_msg_to_json (const eod_msg_t *self);

//  ---------------------------------------------------------------- routes

//  True when the table lists type as sent by stage from to stage to over
//  endpoint (a key of [endpoints]: "lister", "coordinator", "fetchers",
//  "service", "writer", "uploader", "notifier", "trace"). from or to NULL
//  matches any stage: a sender checks (type, itself, NULL, endpoint), a
//  receiver (type, NULL, itself, endpoint).
bool eod_msg_route_ok (eod_msg_type_t type, const char *from, const char *to, const char *endpoint);

//  True when name is one of the pipeline's stages, whose sockets the route
//  check applies to (tools and tests are not stages).
bool eod_proto_is_stage (const char *name);

//  The place of stage name in the pipeline's order (calendar 0, lister 1,
//  coordinator 2, fetcher 3, writer 4, uploader 5, notifier 6), or -1.
int eod_proto_stage_index (const char *name);

//  What the type is for, one sentence; "?" for an unknown type.
const char *eod_msg_type_purpose (eod_msg_type_t type);

//  One field of a type's table, for tests and documentation: name, kind
//  ("str", "int", "map", "rows", "list") and whether it is required. Returns
//  false past the last field.
bool eod_msg_type_field (eod_msg_type_t type, size_t i, const char **name, const char **kind, bool *required);

//  Writes the message table (Markdown: type, purpose, fields, routes,
//  journal) to out: docs/ARCHITECTURE.md holds this text between its
//  message-table markers, and a test compares them.
void eod_proto_write_markdown (FILE *out);

#endif
