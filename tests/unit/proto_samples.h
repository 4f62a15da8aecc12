/*  proto_samples — what the proto tests share: a message of every type with
    every field of its table set (restated here, so a table change shows up
    as a failure), field-by-field comparison, encode and decode helpers that
    fail the test, and builders of hand-made msgpack frames. Included by
    test_proto.c, test_proto_decode.c and test_proto_table.c after
    eod_test.h. */
#ifndef PROTO_SAMPLES_H
#define PROTO_SAMPLES_H

#include "eod_proto.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-function"

#define S_ERR_LEN 256
#define S_ROWS_IN_RESULT 3            //  rows of the round-trip RESULT

//  ------------------------------------------------------------ comparisons

//  Every string and integer field of eod_msg_t by name, so comparisons say
//  which field differs.
#define S_FIELD(f) {#f, offsetof (eod_msg_t, f)}
static const struct {
    const char *name;
    size_t offset;
} s_str_fields[] = {
    S_FIELD (run_id),  S_FIELD (task_id), S_FIELD (market),     S_FIELD (mode),
    S_FIELD (date_from), S_FIELD (date_to), S_FIELD (code),     S_FIELD (exchange),
    S_FIELD (name),    S_FIELD (key_id),  S_FIELD (status),     S_FIELD (error),
    S_FIELD (msg_cd),  S_FIELD (worker),  S_FIELD (path),       S_FIELD (key),
    S_FIELD (md5),     S_FIELD (level),   S_FIELD (stage),      S_FIELD (text),
    S_FIELD (app_key), S_FIELD (app_secret), S_FIELD (token),   S_FIELD (base_url),
},
  s_int_fields[] = {
    S_FIELD (attempt),  S_FIELD (count),    S_FIELD (ok),           S_FIELD (nodata),
    S_FIELD (unknown),  S_FIELD (failed),   S_FIELD (requests),     S_FIELD (rate_limited),
    S_FIELD (retries),  S_FIELD (duration_ms), S_FIELD (expires), S_FIELD (sent_us),
    S_FIELD (listed),   S_FIELD (ended),    S_FIELD (asked_at),
};
#define S_COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *
s_str_at (const eod_msg_t *m, size_t offset)
{
    return *(char *const *) ((const char *) m + offset);
}

static int64_t
s_int_at (const eod_msg_t *m, size_t offset)
{
    return *(const int64_t *) ((const char *) m + offset);
}

static void
s_check_fields_eq (const char *what, const char *field, const eod_fields_t *a, const eod_fields_t *b)
{
    if (a->count != b->count)
        fprintf (stderr, "  %s.%s: %zu vs %zu entries\n", what, field, a->count, b->count);
    CHECK_INT (a->count, b->count);
    for (size_t i = 0; i < a->count && i < b->count; i++) {
        if (strcmp (a->items[i].key, b->items[i].key) || strcmp (a->items[i].value, b->items[i].value))
            fprintf (stderr, "  %s.%s[%zu] differs\n", what, field, i);
        CHECK_STR (a->items[i].key, b->items[i].key);
        CHECK_STR (a->items[i].value, b->items[i].value);
    }
}

//  Checks every field of two messages is equal, naming the one that is not.
static void
s_check_msg_eq (const eod_msg_t *a, const eod_msg_t *b)
{
    CHECK (a && b);
    if (!a || !b)
        return;
    const char *what = eod_msg_type_name (a->type);
    CHECK_INT (a->type, b->type);
    for (size_t i = 0; i < S_COUNT (s_str_fields); i++) {
        const char *x = s_str_at (a, s_str_fields[i].offset);
        const char *y = s_str_at (b, s_str_fields[i].offset);
        bool same = (!x && !y) || (x && y && strcmp (x, y) == 0);
        if (!same)
            fprintf (stderr, "  %s.%s: \"%s\" vs \"%s\"\n", what, s_str_fields[i].name, x ? x : "(null)",
                     y ? y : "(null)");
        CHECK (same);
    }
    for (size_t i = 0; i < S_COUNT (s_int_fields); i++) {
        int64_t x = s_int_at (a, s_int_fields[i].offset);
        int64_t y = s_int_at (b, s_int_fields[i].offset);
        if (x != y)
            fprintf (stderr, "  %s.%s: %lld vs %lld\n", what, s_int_fields[i].name, (long long) x,
                     (long long) y);
        CHECK (x == y);
    }
    s_check_fields_eq (what, "meta", &a->meta, &b->meta);
    s_check_fields_eq (what, "snapshot", &a->snapshot, &b->snapshot);
    s_check_fields_eq (what, "fields", &a->fields, &b->fields);
    s_check_fields_eq (what, "days", &a->days, &b->days);
    CHECK_INT (a->nrows, b->nrows);
    for (size_t i = 0; i < a->nrows && i < b->nrows; i++)
        s_check_fields_eq (what, "rows[]", &a->rows[i], &b->rows[i]);
    CHECK_INT (a->nlist, b->nlist);
    for (size_t i = 0; i < a->nlist && i < b->nlist; i++)
        CHECK_STR (a->list[i], b->list[i]);
}

//  ------------------------------------------------------------ full messages

static void
s_set (char **field, const char *value)
{
    int rc = eod_msg_set (field, value);
    CHECK (rc == 0);
}

static void
s_fields_add (eod_fields_t *f, const char *key, const char *value)
{
    int rc = eod_fields_set (f, key, value);
    CHECK (rc == 0);
}

//  Instrument metadata as the master file gives it, Korean and empty included.
static void
s_fill_meta (eod_fields_t *meta)
{
    s_fields_add (meta, "단축코드", "005930");
    s_fields_add (meta, "한글명", "삼성전자");
    s_fields_add (meta, "isin", "KR7005930003");
    s_fields_add (meta, "empty", "");
    s_fields_add (meta, "", "empty key");
}

//  A message of the type with every field of its table set: the field lists
//  here restate the protocol, so a table change shows up as a failure.
static eod_msg_t *
s_make_full (eod_msg_type_t type)
{
    eod_msg_t *m = eod_msg_new (type);
    CHECK (m != NULL);
    if (!m)
        return NULL;
    switch (type) {
    case EOD_MSG_JOB:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->market, "kr");
        s_set (&m->mode, "daily");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->date_to, "2024-05-02");
        s_fill_meta (&m->meta);
        break;
    case EOD_MSG_TASK:
        s_set (&m->run_id, "kr-backfill-20240101-20240502");
        s_set (&m->task_id, "kr-005930-20240101-20240502");
        s_set (&m->market, "kr");
        s_set (&m->mode, "backfill");
        s_set (&m->code, "005930");
        s_set (&m->exchange, "");
        s_set (&m->name, "삼성전자 보통주");
        s_set (&m->date_from, "2024-01-01");
        s_set (&m->date_to, "2024-05-02");
        s_set (&m->key_id, "key-2");
        m->attempt = INT64_MAX;
        s_fill_meta (&m->meta);
        break;
    case EOD_MSG_LISTED:
        s_set (&m->run_id, "us-daily-20240502");
        s_set (&m->market, "us");
        s_set (&m->mode, "daily");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->date_to, "2024-05-03");
        m->count = 0;   //  required: a zero must travel too
        s_fields_add (&m->meta, "nasdaq", "3312");
        s_fields_add (&m->meta, "코스닥", "1702");
        CHECK (eod_msg_add_list (m, "AAPL NAS") == 0);
        CHECK (eod_msg_add_list (m, "") == 0);
        break;
    case EOD_MSG_READY:
        s_set (&m->worker, "fetcher-3@호스트");
        m->count = -1;
        m->sent_us = 1;
        break;
    case EOD_MSG_HEARTBEAT:
        s_set (&m->worker, "");
        m->count = 2;
        m->sent_us = INT64_MAX;
        break;
    case EOD_MSG_RESULT:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->task_id, "kr-005930-20240502-20240502");
        s_set (&m->market, "kr");
        s_set (&m->code, "005930");
        s_set (&m->status, "ok");
        s_set (&m->mode, "daily");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->date_to, "2024-05-02");
        s_set (&m->error, "초당 거래건수를 초과하였습니다.");
        s_set (&m->msg_cd, "EGW00201");
        m->attempt = INT64_MIN;
        m->requests = 4294967296LL;   //  needs more than 32 bits
        m->count = 1;                 //  also the fetcher's next READY
        m->sent_us = 987654321012345LL;
        m->asked_at = 1725269400;     //  2024-09-02 18:30 Seoul
        for (int i = 0; i < S_ROWS_IN_RESULT; i++) {
            eod_fields_t row = EOD_FIELDS_INIT;
            char date[16], close[16];
            snprintf (date, sizeof date, "2024050%d", i + 1);
            snprintf (close, sizeof close, "7%d800", i);
            s_fields_add (&row, "stck_bsop_date", date);
            s_fields_add (&row, "stck_clpr", close);
            s_fields_add (&row, "stck_oprc", "77600");
            s_fields_add (&row, "acml_vol", i == 1 ? "" : "13504093");
            s_fields_add (&row, "flng_cls_code", "00");
            CHECK (eod_msg_add_row (m, &row) == 0);
            eod_fields_clear (&row);
        }
        s_fields_add (&m->snapshot, "hts_kor_isnm", "삼성전자");
        s_fields_add (&m->snapshot, "stck_prpr", "78000");
        s_fields_add (&m->snapshot, "prdy_vrss_sign", "5");
        s_fill_meta (&m->meta);
        break;
    case EOD_MSG_ACK:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->task_id, "kr-000660-20240502-20240502");
        //  The writer acknowledges a batch in one ACK.
        CHECK (eod_msg_add_list (m, "kr-005930-20240502-20240502") == 0);
        CHECK (eod_msg_add_list (m, "us-BRK/B-20240502-20240502") == 0);
        break;
    case EOD_MSG_RUN_DONE:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->market, "kr");
        s_set (&m->mode, "daily");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->date_to, "2024-05-02");
        m->count = 2345;
        m->ok = 2300;
        m->nodata = -7;
        m->unknown = INT64_MIN;
        m->failed = INT64_MAX;
        m->requests = 9007199254740993LL;   //  not exact as a double
        m->rate_limited = 12;
        m->retries = -9007199254740993LL;
        m->duration_ms = 1;
        CHECK (eod_msg_add_list (m, "005930 permanent: 유효하지 않은 종목") == 0);
        CHECK (eod_msg_add_list (m, "000660 missing") == 0);
        CHECK (eod_msg_add_list (m, "") == 0);
        s_fields_add (&m->meta, "요약", "완료");
        break;
    case EOD_MSG_FILE:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->market, "kr");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->path, "/var/lib/eod/out/kr/2024-05-02.csv");
        s_set (&m->key, "eod/market=kr/date=2024-05-02/part.csv");
        s_set (&m->md5, "d41d8cd98f00b204e9800998ecf8427e");
        m->count = 2300;
        break;
    case EOD_MSG_EVENT:
        s_set (&m->level, "warn");
        s_set (&m->stage, "fetcher");
        s_set (&m->text, "요청 한도 초과 — 재시도");
        s_set (&m->run_id, "3f2a9c41d07be815");
        s_set (&m->market, "kr");
        s_set (&m->date_from, "2024-05-02");
        s_fields_add (&m->fields, "code", "005930");
        s_fields_add (&m->fields, "메시지", "EGW00201");
        s_fields_add (&m->fields, "blank", "");
        break;
    case EOD_MSG_END:
        s_set (&m->stage, "writer");
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->status, "partial");
        s_set (&m->market, "kr");
        s_set (&m->mode, "daily");
        s_set (&m->date_from, "2024-05-02");
        s_set (&m->date_to, "2024-05-02");
        s_set (&m->error, "");
        s_fields_add (&m->meta, "rows", "2300");
        s_fields_add (&m->meta, "files", "1");
        CHECK (eod_msg_add_list (m, "000660 missing") == 0);
        break;
    case EOD_MSG_CREDS:
        s_set (&m->key_id, "key-1");
        s_set (&m->app_key, "PSabcdefAPPKEY0123456789");
        s_set (&m->app_secret, "SECRETabcdefghijklmnopqrstuvwxyz==");
        s_set (&m->token, "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.TOKEN");
        m->expires = 1714694400;
        s_set (&m->base_url, "http://127.0.0.1:18080");
        m->count = 1;   //  the coordinator takes a RESULT's count as a READY's
        break;
    case EOD_MSG_HOLIDAY_ASK:
        s_set (&m->market, "kr");
        s_set (&m->date_from, "2024-09-02");
        s_set (&m->date_to, "2024-09-30");
        break;
    case EOD_MSG_HOLIDAYS:
        s_set (&m->status, "failed");
        s_set (&m->error, "chk-holiday failed: 서비스 점검");
        s_fields_add (&m->days, "20240916", "N");
        s_fields_add (&m->days, "20240919", "Y");
        break;
    case EOD_MSG_LISTING_ASK:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->market, "kr");
        break;
    case EOD_MSG_LISTING:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        m->count = 0;    //  required: a zero must travel too
        m->listed = 1;
        m->ended = 0;
        break;
    case EOD_MSG_REFUSED:
        s_set (&m->error, "the service answers HOLIDAY_ASK and LISTING_ASK only");
        break;
    case EOD_MSG_RECONCILE:
        s_set (&m->run_id, "kr-backfill-20240101-20240502");
        s_set (&m->market, "kr");
        s_set (&m->mode, "backfill");
        s_set (&m->date_from, "2024-01-01");
        s_set (&m->date_to, "2024-05-02");
        break;
    case EOD_MSG_FILE_ACK:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->path, "/var/lib/eod/data/market=kr/dt=2024-05-02/kr_20240502.csv");
        break;
    case EOD_MSG_END_ACK:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        break;
    case EOD_MSG_STATS:
        s_set (&m->stage, "coordinator");
        s_fields_add (&m->fields, "run_id", "kr-daily-20240502-9f3a");
        s_fields_add (&m->fields, "done", "40");
        break;
    case EOD_MSG_UPLOADED:
        s_set (&m->path, "/var/lib/eod/data/market=kr/dt=2024-05-02/kr_20240502.csv");
        s_set (&m->md5, "d41d8cd98f00b204e9800998ecf8427e");
        break;
    case EOD_MSG_BATCH:
    case EOD_MSG_QUOTES:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->task_id, "kr-mq-20240502-00001");
        s_set (&m->market, "kr");
        s_set (&m->date_from, "2024-05-02");
        m->attempt = 2;
        CHECK (eod_msg_add_list (m, "005930") == 0);
        CHECK (eod_msg_add_list (m, "0004Y0") == 0);
        s_fields_add (&m->meta, "session", "2024-05-02");
        if (type == EOD_MSG_BATCH) {
            s_set (&m->date_to, "2024-05-02");
            s_set (&m->key_id, "live_app");
            break;
        }
        s_set (&m->status, "ok");
        s_set (&m->error, "");
        s_set (&m->msg_cd, "MCA00000");
        m->requests = 1;
        m->sent_us = 1714636800123456;
        m->asked_at = 1714647600;
        m->rows = calloc (1, sizeof *m->rows);
        m->nrows = m->rows ? 1 : 0;
        if (m->rows) {
            s_fields_add (&m->rows[0], "inter_shrn_iscd", "005930");
            s_fields_add (&m->rows[0], "inter2_prpr", "77600");
        }
        break;
    default:
        CHECK (!"unknown type in s_make_full");
        break;
    }
    return m;
}

//  The wire names each type carries, in table order (after "t").
static const char *const s_wire_names[EOD_MSG_TYPES][20] = {
    [EOD_MSG_JOB] = {"run_id", "market", "mode", "date_from", "date_to", "meta"},
    [EOD_MSG_TASK] = {"run_id", "task_id", "market", "mode", "code", "exchange", "name", "date_from",
                      "date_to", "key_id", "attempt", "meta"},
    [EOD_MSG_LISTED] = {"run_id", "market", "mode", "date_from", "date_to", "count", "meta", "list"},
    [EOD_MSG_READY] = {"worker", "count", "sent_us"},
    [EOD_MSG_HEARTBEAT] = {"worker", "count", "sent_us"},
    [EOD_MSG_RESULT] = {"run_id", "task_id", "market", "code", "status", "mode", "date_from", "date_to",
                        "error", "msg_cd", "attempt", "requests", "count", "sent_us", "rows", "snapshot", "meta",
                        "asked_at"},
    [EOD_MSG_ACK] = {"run_id", "task_id", "list"},
    [EOD_MSG_RUN_DONE] = {"run_id", "market", "mode", "date_from", "date_to", "count", "ok", "nodata",
                          "unknown", "failed", "requests", "rate_limited", "retries", "duration_ms", "list",
                          "meta"},
    [EOD_MSG_FILE] = {"run_id", "market", "date_from", "path", "key", "md5", "count"},
    [EOD_MSG_EVENT] = {"level", "stage", "text", "run_id", "market", "date_from", "fields"},
    [EOD_MSG_END] = {"stage", "run_id", "status", "market", "mode", "date_from", "date_to", "error", "meta",
                     "list"},
    [EOD_MSG_CREDS] = {"key_id", "app_key", "app_secret", "token", "expires", "base_url", "count"},
    [EOD_MSG_HOLIDAY_ASK] = {"market", "date_from", "date_to"},
    [EOD_MSG_HOLIDAYS] = {"status", "error", "days"},
    [EOD_MSG_LISTING_ASK] = {"run_id", "market"},
    [EOD_MSG_LISTING] = {"run_id", "count", "listed", "ended"},
    [EOD_MSG_REFUSED] = {"error"},
    [EOD_MSG_RECONCILE] = {"run_id", "market", "mode", "date_from", "date_to"},
    [EOD_MSG_FILE_ACK] = {"run_id", "path"},
    [EOD_MSG_END_ACK] = {"run_id"},
    [EOD_MSG_STATS] = {"stage", "fields"},
    [EOD_MSG_UPLOADED] = {"path", "md5"},
    [EOD_MSG_BATCH] = {"run_id", "task_id", "market", "date_from", "date_to", "key_id", "attempt", "list", "meta"},
    [EOD_MSG_QUOTES] = {"run_id", "task_id", "market", "status", "date_from", "error", "msg_cd", "attempt",
                        "requests", "sent_us", "asked_at", "list", "rows", "meta"},
};

//  Required string fields per type: encoding without any one of them fails.
static const char *const s_required_strings[EOD_MSG_TYPES][8] = {
    [EOD_MSG_JOB] = {"run_id", "market", "mode", "date_from", "date_to"},
    [EOD_MSG_TASK] = {"run_id", "task_id", "market", "mode", "code", "date_from", "date_to"},
    [EOD_MSG_LISTED] = {"run_id", "market", "mode", "date_from", "date_to"},
    [EOD_MSG_READY] = {"worker"},
    [EOD_MSG_HEARTBEAT] = {"worker"},
    [EOD_MSG_RESULT] = {"run_id", "task_id", "market", "code", "status"},
    [EOD_MSG_ACK] = {"run_id", "task_id"},
    [EOD_MSG_RUN_DONE] = {"run_id", "market", "mode", "date_from", "date_to"},
    [EOD_MSG_FILE] = {"run_id", "market", "date_from", "path", "key", "md5"},
    [EOD_MSG_EVENT] = {"level", "stage", "text"},
    [EOD_MSG_END] = {"stage"},
    [EOD_MSG_CREDS] = {"key_id", "app_key", "app_secret", "token"},
    [EOD_MSG_HOLIDAY_ASK] = {"market", "date_from", "date_to"},
    [EOD_MSG_HOLIDAYS] = {"status"},
    [EOD_MSG_LISTING_ASK] = {"run_id", "market"},
    [EOD_MSG_LISTING] = {"run_id"},
    [EOD_MSG_REFUSED] = {"error"},
    [EOD_MSG_RECONCILE] = {"run_id", "market", "mode", "date_from", "date_to"},
    [EOD_MSG_FILE_ACK] = {"run_id", "path"},
    [EOD_MSG_END_ACK] = {"run_id"},
    [EOD_MSG_STATS] = {"stage"},
    [EOD_MSG_UPLOADED] = {"path", "md5"},
    [EOD_MSG_BATCH] = {"run_id", "task_id", "market", "date_from", "date_to"},
    [EOD_MSG_QUOTES] = {"run_id", "task_id", "market", "status", "date_from"},
};

static char **
s_str_field_by_name (eod_msg_t *m, const char *name)
{
    for (size_t i = 0; i < S_COUNT (s_str_fields); i++)
        if (strcmp (s_str_fields[i].name, name) == 0)
            return (char **) ((char *) m + s_str_fields[i].offset);
    return NULL;
}

//  Encodes, or fails the test; the caller frees *data.
static int
s_encode (const eod_msg_t *m, char **data, size_t *len)
{
    char err[S_ERR_LEN] = "";
    *data = NULL;
    *len = 0;
    int rc = eod_msg_encode (m, data, len, err, sizeof err);
    if (rc)
        fprintf (stderr, "  encode %s: %s\n", eod_msg_type_name (m->type), err);
    CHECK (rc == 0);
    CHECK (rc != 0 || (*data && *len > 0));
    return rc;
}

//  Decodes from an exactly sized heap copy, so a read past the end is caught
//  by the address sanitizer.
static eod_msg_t *
s_decode (const void *data, size_t len, char *err, size_t errlen)
{
    void *copy = malloc (len ? len : 1);
    CHECK (copy != NULL);
    if (!copy)
        return NULL;
    if (len)
        memcpy (copy, data, len);
    err[0] = '\0';
    eod_msg_t *m = eod_msg_decode (copy, len, err, errlen);
    free (copy);
    return m;
}

//  ---------------------------------------------------- hand-built frames

typedef struct {
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
} s_frame_t;

static void
s_frame_init (s_frame_t *f)
{
    msgpack_sbuffer_init (&f->sbuf);
    msgpack_packer_init (&f->pk, &f->sbuf, msgpack_sbuffer_write);
}

static void
s_pk_str (s_frame_t *f, const char *s)
{
    size_t len = strlen (s);
    msgpack_pack_str (&f->pk, len);
    msgpack_pack_str_body (&f->pk, s, len);
}

static void
s_pk_strn (s_frame_t *f, const char *s, size_t len)
{
    msgpack_pack_str (&f->pk, len);
    msgpack_pack_str_body (&f->pk, s, len);
}

static void
s_pk_raw (s_frame_t *f, const void *bytes, size_t len)
{
    msgpack_sbuffer_write (&f->sbuf, bytes, len);
}

//  Opens a map of n entries with "v": version and "t": type first.
static void
s_pk_head (s_frame_t *f, uint32_t n, int64_t version, const char *type)
{
    msgpack_pack_map (&f->pk, n);
    s_pk_str (f, "v");
    msgpack_pack_int64 (&f->pk, version);
    s_pk_str (f, "t");
    s_pk_str (f, type);
}

//  Decodes the frame expecting a refusal whose reason contains want (NULL:
//  any non-empty reason), then frees the frame.
#define s_expect_fail(f, want) s_expect_fail_at (f, want, __LINE__)
static void
s_expect_fail_at (s_frame_t *f, const char *want, int line)
{
    char err[S_ERR_LEN];
    eod_msg_t *m = s_decode (f->sbuf.data, f->sbuf.size, err, sizeof err);
    if (m)
        fprintf (stderr, "  line %d: a bad frame decoded as %s\n", line, eod_msg_type_name (m->type));
    CHECK (m == NULL);
    bool reason = strlen (err) > 0 && (!want || strstr (err, want));
    if (!reason)
        fprintf (stderr, "  line %d: err \"%s\", wanted \"%s\"\n", line, err, want ? want : "(any)");
    CHECK (reason);
    eod_msg_destroy (&m);
    msgpack_sbuffer_destroy (&f->sbuf);
}

//  Decodes the frame expecting success; returns the message, frees the frame.
#define s_expect_ok(f) s_expect_ok_at (f, __LINE__)
static eod_msg_t *
s_expect_ok_at (s_frame_t *f, int line)
{
    char err[S_ERR_LEN];
    eod_msg_t *m = s_decode (f->sbuf.data, f->sbuf.size, err, sizeof err);
    if (!m)
        fprintf (stderr, "  line %d: a good frame failed: %s\n", line, err);
    CHECK (m != NULL);
    msgpack_sbuffer_destroy (&f->sbuf);
    return m;
}

//  A valid ACK with one more (bad) entry for the caller to add: head of n+1.
static void
s_pk_ack_plus_one (s_frame_t *f)
{
    s_frame_init (f);
    s_pk_head (f, 5, EOD_PROTO_VERSION, "ACK");
    s_pk_str (f, "run_id");
    s_pk_str (f, "r");
    s_pk_str (f, "task_id");
    s_pk_str (f, "kr-005930-20240902-20240902");
}

//  A valid RESULT but for one more entry for the caller to add.
static void
s_pk_result_plus_one (s_frame_t *f)
{
    s_frame_init (f);
    s_pk_head (f, 8, EOD_PROTO_VERSION, "RESULT");
    const char *kv[] = {"run_id",  "r",      "task_id", "kr-005930-20240902-20240902", "market", "kr",
                        "code",    "005930", "status",  "ok"};
    for (size_t i = 0; i < S_COUNT (kv); i++)
        s_pk_str (f, kv[i]);
}

#endif
