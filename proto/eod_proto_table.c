/*  eod_proto_table — the protocol: every message type, declared once.

    For each type: what it is for, its fields (the wire key, the kind, and
    whether it is required), the links it travels (sender stage, receiver
    stage, the [endpoints] key of the socket) and the journal that keeps it.
    The encoder and decoder walk the fields, every stage's sockets check the
    routes (eod_msg_route_ok), and docs/ARCHITECTURE.md's message table is
    this table written out (eod_proto_write_markdown; a test compares).

    Endpoints: "lister", "coordinator", "writer", "uploader" and "notifier"
    are PULL sockets their stage binds and its upstream connects PUSH to;
    "fetchers" is the coordinator's ROUTER, each fetcher a DEALER; "service"
    the coordinator's REP, the calendar and the lister connect REQ; "trace"
    each stage's PUB. */
#include "eod_proto_internal.h"

#include <stddef.h>

//  The tables read as tables, a message or a link a line: clang-format leaves them as they are.
// clang-format off
#define S_(f) #f, EOD_K_STR, offsetof (eod_msg_t, f)
#define I_(f) #f, EOD_K_INT, offsetof (eod_msg_t, f)
#define F_(f) #f, EOD_K_FIELDS, offsetof (eod_msg_t, f)
#define ROWS_ "rows", EOD_K_ROWS, offsetof (eod_msg_t, rows)
#define LIST_ "list", EOD_K_LIST, offsetof (eod_msg_t, list)
#define REQ true, false
#define OPT false, false
#define SECRET true, true
#define S_END {NULL, EOD_K_STR, 0, false, false, EOD_G_TEXT}

//  The grammar of each string (eod_grammar.h): what reaches a path, an S3
//  key or a URL is checked by the decoder before any stage sees it; free
//  text is valid UTF-8 at least.
#define ID EOD_G_ID
#define TASK_ID EOD_G_TASK_ID
#define MARKET EOD_G_MARKET
#define MODE EOD_G_MODE
#define WORK_ID EOD_G_WORK_ID
#define CODE EOD_G_CODE
#define DATE EOD_G_DATE
#define WORD EOD_G_WORD
#define LINE EOD_G_LINE
#define TEXT EOD_G_TEXT

static const eod_proto_field_t s_job[] = {
    {S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, {S_ (mode), REQ, MODE}, {S_ (date_from), REQ, DATE},
    {S_ (date_to), REQ, DATE}, {F_ (meta), OPT, TEXT}, S_END};
static const eod_proto_field_t s_task[] = {
    {S_ (run_id), REQ, ID}, {S_ (task_id), REQ, TASK_ID}, {S_ (market), REQ, MARKET}, {S_ (mode), REQ, MODE},
    {S_ (code), REQ, CODE}, {S_ (exchange), OPT, LINE}, {S_ (name), OPT, TEXT}, {S_ (date_from), REQ, DATE},
    {S_ (date_to), REQ, DATE}, {S_ (key_id), OPT, ID}, {I_ (attempt), OPT, TEXT}, {F_ (meta), OPT, TEXT}, S_END};
static const eod_proto_field_t s_listed[] = {
    {S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, {S_ (mode), REQ, MODE}, {S_ (date_from), REQ, DATE},
    {S_ (date_to), REQ, DATE}, {I_ (count), REQ, TEXT}, {F_ (meta), OPT, TEXT}, {LIST_, OPT, TEXT}, S_END};
static const eod_proto_field_t s_ready[] = {
    {S_ (worker), REQ, LINE}, {I_ (count), OPT, TEXT}, {I_ (sent_us), OPT, TEXT}, S_END};
static const eod_proto_field_t s_heartbeat[] = {
    {S_ (worker), REQ, LINE}, {I_ (count), OPT, TEXT}, {I_ (sent_us), OPT, TEXT}, S_END};
static const eod_proto_field_t s_result[] = {
    {S_ (run_id), REQ, ID}, {S_ (task_id), REQ, TASK_ID}, {S_ (market), REQ, MARKET}, {S_ (code), REQ, CODE},
    {S_ (status), REQ, WORD}, {S_ (mode), OPT, MODE}, {S_ (date_from), OPT, DATE}, {S_ (date_to), OPT, DATE},
    {S_ (error), OPT, TEXT}, {S_ (msg_cd), OPT, LINE}, {I_ (attempt), OPT, TEXT}, {I_ (requests), OPT, TEXT},
    {I_ (count), OPT, TEXT}, {I_ (sent_us), OPT, TEXT}, {ROWS_, OPT, TEXT}, {F_ (snapshot), OPT, TEXT},
    {F_ (meta), OPT, TEXT}, {I_ (asked_at), OPT, TEXT}, S_END};
static const eod_proto_field_t s_ack[] = {
    {S_ (run_id), REQ, ID}, {S_ (task_id), REQ, WORK_ID}, {LIST_, OPT, WORK_ID}, S_END};
static const eod_proto_field_t s_run_done[] = {
    {S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, {S_ (mode), REQ, MODE}, {S_ (date_from), REQ, DATE},
    {S_ (date_to), REQ, DATE}, {I_ (count), REQ, TEXT}, {I_ (ok), REQ, TEXT}, {I_ (nodata), REQ, TEXT},
    {I_ (unknown), REQ, TEXT}, {I_ (failed), REQ, TEXT}, {I_ (requests), OPT, TEXT},
    {I_ (rate_limited), OPT, TEXT}, {I_ (retries), OPT, TEXT}, {I_ (duration_ms), OPT, TEXT}, {LIST_, OPT, TEXT},
    {F_ (meta), OPT, TEXT}, S_END};
static const eod_proto_field_t s_file[] = {
    {S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, {S_ (date_from), REQ, DATE},
    {S_ (path), REQ, EOD_G_PATH}, {S_ (key), REQ, EOD_G_KEY}, {S_ (md5), REQ, EOD_G_MD5},
    {I_ (count), REQ, TEXT}, S_END};
static const eod_proto_field_t s_event[] = {
    {S_ (level), REQ, WORD}, {S_ (stage), REQ, WORD}, {S_ (text), REQ, TEXT}, {S_ (run_id), OPT, ID},
    {S_ (market), OPT, MARKET}, {S_ (date_from), OPT, DATE}, {F_ (fields), OPT, TEXT}, S_END};
static const eod_proto_field_t s_end[] = {
    {S_ (stage), REQ, WORD}, {S_ (run_id), OPT, ID}, {S_ (status), OPT, WORD}, {S_ (market), OPT, MARKET},
    {S_ (mode), OPT, MODE}, {S_ (date_from), OPT, DATE}, {S_ (date_to), OPT, DATE}, {S_ (error), OPT, TEXT},
    {F_ (meta), OPT, TEXT}, {LIST_, OPT, TEXT}, S_END};
static const eod_proto_field_t s_creds[] = {
    {S_ (key_id), REQ, ID}, {S_ (app_key), SECRET, EOD_G_TOKEN}, {S_ (app_secret), SECRET, EOD_G_TOKEN},
    {S_ (token), SECRET, EOD_G_TOKEN}, {I_ (expires), REQ, TEXT}, {S_ (base_url), OPT, EOD_G_URL},
    {I_ (count), OPT, TEXT}, S_END};
static const eod_proto_field_t s_holiday_ask[] = {
    {S_ (market), REQ, MARKET}, {S_ (date_from), REQ, DATE}, {S_ (date_to), REQ, DATE}, S_END};
static const eod_proto_field_t s_holidays[] = {
    {S_ (status), REQ, WORD}, {S_ (error), OPT, TEXT}, {F_ (days), OPT, TEXT}, S_END};
static const eod_proto_field_t s_listing_ask[] = {{S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, S_END};
static const eod_proto_field_t s_listing[] = {
    {S_ (run_id), REQ, ID}, {I_ (count), REQ, TEXT}, {I_ (listed), REQ, TEXT}, {I_ (ended), REQ, TEXT}, S_END};
static const eod_proto_field_t s_refused[] = {{S_ (error), REQ, TEXT}, S_END};
static const eod_proto_field_t s_reconcile[] = {
    {S_ (run_id), REQ, ID}, {S_ (market), REQ, MARKET}, {S_ (mode), REQ, MODE}, {S_ (date_from), REQ, DATE},
    {S_ (date_to), REQ, DATE}, S_END};
static const eod_proto_field_t s_file_ack[] = {{S_ (run_id), REQ, ID}, {S_ (path), REQ, EOD_G_PATH}, S_END};
//  An END without a run id (a closed day's) is acknowledged with an empty one.
static const eod_proto_field_t s_end_ack[] = {{S_ (run_id), REQ, EOD_G_ID_OR_NONE}, S_END};
static const eod_proto_field_t s_stats[] = {{S_ (stage), REQ, WORD}, {F_ (fields), REQ, TEXT}, S_END};
//  A multi-quote batch and its answer: the session's codes in list (each a KR
//  code; 1 to EOD_PROTO_BATCH_MAX, distinct), the quotes in rows, each
//  with its code (inter_shrn_iscd) among them (eod_proto_check.c).
static const eod_proto_field_t s_batch[] = {
    {S_ (run_id), REQ, ID}, {S_ (task_id), REQ, EOD_G_BATCH_ID}, {S_ (market), REQ, MARKET},
    {S_ (date_from), REQ, DATE}, {S_ (date_to), REQ, DATE}, {S_ (key_id), OPT, ID}, {I_ (attempt), OPT, TEXT},
    {LIST_, REQ, EOD_G_KR_CODE}, {F_ (meta), OPT, TEXT}, S_END};
static const eod_proto_field_t s_quotes[] = {
    {S_ (run_id), REQ, ID}, {S_ (task_id), REQ, EOD_G_BATCH_ID}, {S_ (market), REQ, MARKET},
    {S_ (status), REQ, WORD}, {S_ (date_from), REQ, DATE}, {S_ (error), OPT, TEXT}, {S_ (msg_cd), OPT, LINE},
    {I_ (attempt), OPT, TEXT}, {I_ (requests), OPT, TEXT}, {I_ (sent_us), OPT, TEXT}, {I_ (asked_at), OPT, TEXT},
    {LIST_, REQ, EOD_G_KR_CODE}, {ROWS_, OPT, TEXT}, {F_ (meta), OPT, TEXT}, S_END};
static const eod_proto_field_t s_uploaded[] = {{S_ (path), REQ, EOD_G_PATH}, {S_ (md5), REQ, EOD_G_MD5}, S_END};

//  Sender, receiver, endpoint.
#define R_(from, to, endpoint) {from, to, endpoint}

const eod_proto_type_t eod_proto_types[EOD_MSG_TYPES] = {
    [EOD_MSG_INVALID] = {"?", NULL, NULL, {{NULL, NULL, NULL}}, NULL},
    [EOD_MSG_JOB] = {"JOB", "a run to list: market, mode (daily, backfill or close) and its sessions", s_job,
                     {R_ ("calendar", "lister", "lister")}, NULL},
    [EOD_MSG_TASK] = {"TASK", "one instrument over one date range, with its metadata and the app key to use",
                      s_task,
                      {R_ ("lister", "coordinator", "coordinator"), R_ ("coordinator", "fetcher", "fetchers")},
                      "coordinator ledger"},
    [EOD_MSG_LISTED] = {"LISTED", "the lister's universe for a run is complete: how many tasks", s_listed,
                        {R_ ("lister", "coordinator", "coordinator")}, "coordinator ledger"},
    [EOD_MSG_READY] = {"READY", "a fetcher's credit for one task", s_ready,
                       {R_ ("fetcher", "coordinator", "fetchers")}, NULL},
    [EOD_MSG_HEARTBEAT] = {"HEARTBEAT", "liveness of a fetcher and of the coordinator", s_heartbeat,
                           {R_ ("fetcher", "coordinator", "fetchers"), R_ ("coordinator", "fetcher", "fetchers")},
                           NULL},
    [EOD_MSG_RESULT] = {"RESULT", "a task's rows, or its error classified (retryable, permanent, no data, unknown)",
                        s_result,
                        {R_ ("fetcher", "coordinator", "fetchers"), R_ ("coordinator", "writer", "writer")},
                        "writer journal"},
    [EOD_MSG_ACK] = {"ACK", "the rows of these tasks (or the quotes of these batches) are durable in the writer's journal", s_ack,
                     {R_ ("writer", "coordinator", "coordinator")}, "coordinator ledger"},
    [EOD_MSG_RUN_DONE] = {"RUN_DONE", "every task of a run is settled: counts and the tasks that failed", s_run_done,
                          {R_ ("coordinator", "writer", "writer")}, "coordinator ledger"},
    [EOD_MSG_FILE] = {"FILE", "a finished partition file to upload: path, object key, rows, MD5", s_file,
                      {R_ ("writer", "uploader", "uploader")}, "uploader journal"},
    [EOD_MSG_EVENT] = {"EVENT", "something people should know (progress, incidents, failures)", s_event,
                       {R_ ("calendar", "notifier", "notifier"), R_ ("lister", "notifier", "notifier"),
                        R_ ("coordinator", "notifier", "notifier"), R_ ("fetcher", "notifier", "notifier"),
                        R_ ("writer", "notifier", "notifier"), R_ ("uploader", "notifier", "notifier"),
                        R_ ("fetcher", "coordinator", "fetchers")},
                       NULL},
    [EOD_MSG_END] = {"END", "the run is over at the sending stage, with its status and summary", s_end,
                     {R_ ("calendar", "lister", "lister"), R_ ("lister", "coordinator", "coordinator"),
                      R_ ("coordinator", "writer", "writer"), R_ ("coordinator", "fetcher", "fetchers"),
                      R_ ("writer", "uploader", "uploader"), R_ ("uploader", "notifier", "notifier")},
                     "coordinator ledger, uploader journal"},
    [EOD_MSG_CREDS] = {"CREDS", "an app key, its secret and access token for a fetcher; never traced or logged",
                       s_creds, {R_ ("coordinator", "fetcher", "fetchers")}, NULL},
    [EOD_MSG_HOLIDAY_ASK] = {"HOLIDAY_ASK", "which days of a range KRX is open (KIS chk-holiday)", s_holiday_ask,
                             {R_ ("calendar", "coordinator", "service")}, NULL},
    [EOD_MSG_HOLIDAYS] = {"HOLIDAYS", "the answer to HOLIDAY_ASK: each day YYYYMMDD open (Y) or not (N), or why not",
                          s_holidays, {R_ ("coordinator", "calendar", "service")}, NULL},
    [EOD_MSG_LISTING_ASK] = {"LISTING_ASK", "how much of a run's listing the coordinator holds", s_listing_ask,
                             {R_ ("lister", "coordinator", "service")}, NULL},
    [EOD_MSG_LISTING] = {"LISTING", "the answer to LISTING_ASK: tasks held, LISTED and END received", s_listing,
                         {R_ ("coordinator", "lister", "service")}, NULL},
    [EOD_MSG_REFUSED] = {"REFUSED", "the answer to a request the service cannot answer, and why", s_refused,
                         {R_ ("coordinator", "calendar", "service"), R_ ("coordinator", "lister", "service")}, NULL},
    [EOD_MSG_RECONCILE] = {"RECONCILE", "a resumed run: which of its tasks the writer's journal already holds",
                           s_reconcile, {R_ ("coordinator", "writer", "writer")}, NULL},
    [EOD_MSG_FILE_ACK] = {"FILE_ACK", "a FILE is in the uploader's journal: the writer stops sending it", s_file_ack,
                          {R_ ("uploader", "writer", "writer")}, NULL},
    [EOD_MSG_END_ACK] = {"END_ACK", "an END is in the uploader's journal: the writer stops sending it", s_end_ack,
                         {R_ ("uploader", "writer", "writer")}, NULL},
    [EOD_MSG_STATS] = {"STATS", "a stage's counters, every second, for eod-status and eod-tap", s_stats,
                       {R_ ("coordinator", "tools", "trace")}, NULL},
    [EOD_MSG_UPLOADED] = {"UPLOADED", "a FILE is settled (uploaded, found in the bucket, or failed)", s_uploaded,
                          {{NULL, NULL, NULL}}, "uploader journal"},
    [EOD_MSG_BATCH] = {"BATCH", "1 to 30 KR codes of one session, asked in one multi-stock quote (FHKST11300006)",
                       s_batch,
                       {R_ ("lister", "coordinator", "coordinator"), R_ ("coordinator", "fetcher", "fetchers")},
                       "coordinator ledger"},
    [EOD_MSG_QUOTES] = {"QUOTES", "a BATCH's quotes, one row per code answered, with when it was asked; or its error",
                        s_quotes,
                        {R_ ("fetcher", "coordinator", "fetchers"), R_ ("coordinator", "writer", "writer")},
                        "coordinator ledger (its outcome, without rows), writer journal"},
};

const char *const eod_proto_stages[] = {"calendar", "lister", "coordinator", "fetcher",
                                        "writer",   "uploader", "notifier",  NULL};

const size_t eod_proto_string_offsets[] = {
    offsetof (eod_msg_t, run_id),     offsetof (eod_msg_t, task_id),   offsetof (eod_msg_t, market),
    offsetof (eod_msg_t, mode),       offsetof (eod_msg_t, date_from), offsetof (eod_msg_t, date_to),
    offsetof (eod_msg_t, code),       offsetof (eod_msg_t, exchange),  offsetof (eod_msg_t, name),
    offsetof (eod_msg_t, key_id),     offsetof (eod_msg_t, status),    offsetof (eod_msg_t, error),
    offsetof (eod_msg_t, msg_cd),     offsetof (eod_msg_t, worker),    offsetof (eod_msg_t, path),
    offsetof (eod_msg_t, key),        offsetof (eod_msg_t, md5),       offsetof (eod_msg_t, level),
    offsetof (eod_msg_t, stage),      offsetof (eod_msg_t, text),      offsetof (eod_msg_t, app_key),
    offsetof (eod_msg_t, app_secret), offsetof (eod_msg_t, token),     offsetof (eod_msg_t, base_url),
};
const size_t eod_proto_nstrings = sizeof eod_proto_string_offsets / sizeof eod_proto_string_offsets[0];
// clang-format on
