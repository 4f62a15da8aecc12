/*  test_proto — unit tests of proto/ (eod_proto), the wire format between the
    stages. Every message type is round-tripped with every field of its table
    set and compared field by field; the strict decoder is fed hand-built
    malformed msgpack frames (truncations, lies about counts, wrong types,
    oversize and NUL-holding strings, deep nesting) and must refuse each with a
    reason, never crash and never allocate what a frame merely declares. */
#include "eod_proto.h"
#include "eod_test.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_ERR_LEN 256
#define S_ROWS_IN_RESULT 3            //  rows of the round-trip RESULT
#define S_LIE_DECODES 100             //  decodes of a lying 5-byte frame ...
#define S_LIE_SECONDS 0.5             //  ... must all finish within this
#define S_GARBAGE_FRAMES 2000         //  pseudo-random frames fed to the decoder
#define S_GARBAGE_LEN_MAX 64
#define S_DEEP_NESTING 100000         //  far beyond any recursion limit

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
        s_set (&m->task_id, "kr:005930:20240101");
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
        m->sent_us = INT64_MAX;
        break;
    case EOD_MSG_RESULT:
        s_set (&m->run_id, "kr-daily-20240502-9f3a");
        s_set (&m->task_id, "kr:005930:20240502");
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
        s_set (&m->task_id, "kr:000660:20240502");
        //  The writer acknowledges a batch in one ACK.
        CHECK (eod_msg_add_list (m, "kr:005930:20240502") == 0);
        CHECK (eod_msg_add_list (m, "kr:035720:20240502") == 0);
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
        s_set (&m->run_id, "");
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
    [EOD_MSG_HEARTBEAT] = {"worker", "sent_us"},
    [EOD_MSG_RESULT] = {"run_id", "task_id", "market", "code", "status", "mode", "date_from", "date_to",
                        "error", "msg_cd", "attempt", "requests", "count", "sent_us", "rows", "snapshot", "meta"},
    [EOD_MSG_ACK] = {"run_id", "task_id", "list"},
    [EOD_MSG_RUN_DONE] = {"run_id", "market", "mode", "date_from", "date_to", "count", "ok", "nodata",
                          "unknown", "failed", "requests", "rate_limited", "retries", "duration_ms", "list",
                          "meta"},
    [EOD_MSG_FILE] = {"run_id", "market", "date_from", "path", "key", "md5", "count"},
    [EOD_MSG_EVENT] = {"level", "stage", "text", "run_id", "market", "date_from", "fields"},
    [EOD_MSG_END] = {"stage", "run_id", "status", "market", "mode", "date_from", "date_to", "error", "meta",
                     "list"},
    [EOD_MSG_CREDS] = {"key_id", "app_key", "app_secret", "token", "expires", "base_url", "count"},
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

//  --------------------------------------------------------------- round trip

static void
s_test_round_trip (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        eod_msg_t *m = s_make_full ((eod_msg_type_t) t);
        char *data = NULL;
        size_t len = 0;
        if (!m || s_encode (m, &data, &len)) {
            eod_msg_destroy (&m);
            continue;
        }
        char err[S_ERR_LEN];
        eod_msg_t *back = s_decode (data, len, err, sizeof err);
        if (!back)
            fprintf (stderr, "  decode %s: %s\n", eod_msg_type_name (m->type), err);
        CHECK (back != NULL);
        s_check_msg_eq (m, back);

        //  Re-encoding the decoded message gives the same bytes.
        char *again = NULL;
        size_t again_len = 0;
        if (back && s_encode (back, &again, &again_len) == 0) {
            CHECK_INT (again_len, len);
            CHECK (again_len == len && memcmp (again, data, len) == 0);
        }
        free (again);

        //  Every field of the table went on the wire, and nothing else.
        char *text = eod_msg_to_json (m);
        CHECK (text != NULL);
        json_error_t jerr;
        json_t *obj = text ? json_loads (text, 0, &jerr) : NULL;
        CHECK (obj != NULL);
        size_t expected = 1;   //  "t"
        for (size_t i = 0; s_wire_names[t][i]; i++, expected++) {
            bool has = obj && json_object_get (obj, s_wire_names[t][i]) != NULL;
            if (!has)
                fprintf (stderr, "  %s: '%s' not in %s\n", eod_msg_type_name (m->type), s_wire_names[t][i],
                         text ? text : "(null)");
            CHECK (has);
        }
        CHECK_INT (obj ? json_object_size (obj) : 0, expected);
        CHECK_STR (obj ? json_string_value (json_object_get (obj, "t")) : NULL, eod_msg_type_name (m->type));
        json_decref (obj);

        //  The JSON of the decoded message is the JSON of the original.
        char *text_back = back ? eod_msg_to_json (back) : NULL;
        CHECK_STR (text, text_back);
        free (text);
        free (text_back);
        free (data);
        eod_msg_destroy (&back);
        eod_msg_destroy (&m);
        CHECK (m == NULL);
    }
}

//  Optional fields left out stay out; optional zero integers are omitted.
static void
s_test_round_trip_minimal (void)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_TASK);
    s_set (&m->run_id, "r");
    s_set (&m->task_id, "t");
    s_set (&m->market, "kr");
    s_set (&m->mode, "daily");
    s_set (&m->code, "005930");
    s_set (&m->date_from, "2024-05-02");
    s_set (&m->date_to, "2024-05-02");
    char *data = NULL;
    size_t len = 0;
    if (s_encode (m, &data, &len) == 0) {
        char err[S_ERR_LEN];
        eod_msg_t *back = s_decode (data, len, err, sizeof err);
        CHECK (back != NULL);
        s_check_msg_eq (m, back);
        CHECK (back && back->exchange == NULL && back->name == NULL && back->meta.count == 0);
        eod_msg_destroy (&back);
    }
    free (data);
    eod_msg_destroy (&m);
}

static void
s_test_type_names (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        const char *name = eod_msg_type_name ((eod_msg_type_t) t);
        CHECK (strcmp (name, "?") != 0);
        CHECK_INT (eod_msg_type_parse (name), t);
    }
    CHECK_STR (eod_msg_type_name (EOD_MSG_INVALID), "?");
    CHECK_STR (eod_msg_type_name (EOD_MSG_TYPES), "?");
    CHECK_STR (eod_msg_type_name (EOD_MSG_RUN_DONE), "RUN_DONE");
    CHECK_INT (eod_msg_type_parse ("task"), EOD_MSG_INVALID);
    CHECK_INT (eod_msg_type_parse (""), EOD_MSG_INVALID);
    CHECK_INT (eod_msg_type_parse ("?"), EOD_MSG_INVALID);
}

static void
s_test_destroy_twice (void)
{
    eod_msg_t *m = s_make_full (EOD_MSG_RESULT);
    eod_msg_destroy (&m);
    CHECK (m == NULL);
    eod_msg_destroy (&m);
    CHECK (m == NULL);
    eod_msg_destroy (NULL);
}

//  ------------------------------------------------------------------ encode

static void
s_test_encode_missing_required (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
        for (size_t i = 0; s_required_strings[t][i]; i++) {
            const char *field = s_required_strings[t][i];
            eod_msg_t *m = s_make_full ((eod_msg_type_t) t);
            char **slot = m ? s_str_field_by_name (m, field) : NULL;
            CHECK (slot != NULL);
            if (!slot) {
                eod_msg_destroy (&m);
                continue;
            }
            s_set (slot, NULL);
            char *data = NULL;
            size_t len = 0;
            char err[S_ERR_LEN] = "";
            int rc = eod_msg_encode (m, &data, &len, err, sizeof err);
            CHECK (rc == -1);
            CHECK (data == NULL);
            bool names_it = strstr (err, field) && strstr (err, "missing")
                            && strstr (err, eod_msg_type_name (m->type));
            if (!names_it)
                fprintf (stderr, "  encode %s without %s: err \"%s\"\n", eod_msg_type_name (m->type), field,
                         err);
            CHECK (names_it);
            free (data);
            eod_msg_destroy (&m);
        }
    //  An empty string is present, not missing.
    eod_msg_t *m = eod_msg_new (EOD_MSG_HEARTBEAT);
    s_set (&m->worker, "");
    char *data = NULL;
    size_t len = 0;
    CHECK (s_encode (m, &data, &len) == 0);
    free (data);
    eod_msg_destroy (&m);

    //  No type at all.
    m = eod_msg_new (EOD_MSG_INVALID);
    char err[S_ERR_LEN] = "";
    data = NULL;
    CHECK (eod_msg_encode (m, &data, &len, err, sizeof err) == -1);
    CHECK (data == NULL);
    CHECK (strlen (err) > 0);
    eod_msg_destroy (&m);
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
    s_pk_str (f, "t");
}

//  A valid RESULT but for one more entry for the caller to add.
static void
s_pk_result_plus_one (s_frame_t *f)
{
    s_frame_init (f);
    s_pk_head (f, 8, EOD_PROTO_VERSION, "RESULT");
    const char *kv[] = {"run_id", "r", "task_id", "t", "market", "kr", "code", "005930", "status", "ok"};
    for (size_t i = 0; i < S_COUNT (kv); i++)
        s_pk_str (f, kv[i]);
}

//  ------------------------------------------------------------------ decode

static void
s_test_decode_hand_built_ok (void)
{
    //  Keys in any order, "v"/"t" last; integers in any msgpack width.
    s_frame_t f;
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 4);
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w1");
    s_pk_str (&f, "count");
    msgpack_pack_uint8 (&f.pk, 200);
    s_pk_str (&f, "t");
    s_pk_str (&f, "READY");
    s_pk_str (&f, "v");
    msgpack_pack_uint64 (&f.pk, EOD_PROTO_VERSION);
    eod_msg_t *m = s_expect_ok (&f);
    CHECK (m && m->type == EOD_MSG_READY);
    CHECK_STR (m ? m->worker : NULL, "w1");
    CHECK_INT (m ? m->count : 0, 200);
    eod_msg_destroy (&m);

    //  Integers of every msgpack width, strings of every width.
    static const int64_t ints[] = {0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295LL, 4294967296LL,
                                   INT64_MAX, -1, -32, -33, -128, -129, -32768, -32769,
                                   -2147483648LL, -2147483649LL, INT64_MIN};
    for (size_t i = 0; i < S_COUNT (ints); i++) {
        s_frame_init (&f);
        s_pk_head (&f, 4, EOD_PROTO_VERSION, "READY");
        s_pk_str (&f, "worker");
        s_pk_str (&f, "w");
        s_pk_str (&f, "count");
        if (ints[i] >= 0)
            msgpack_pack_uint64 (&f.pk, (uint64_t) ints[i]);
        else
            msgpack_pack_int64 (&f.pk, ints[i]);
        m = s_expect_ok (&f);
        CHECK (m && m->count == ints[i]);
        eod_msg_destroy (&m);
    }
    static const size_t str_lens[] = {0, 31, 32, 255, 256, 65535};
    char *text = malloc (65536);
    CHECK (text != NULL);
    for (size_t i = 0; text && i < S_COUNT (str_lens); i++) {
        memset (text, 'a' + (int) i, str_lens[i]);
        s_frame_init (&f);
        s_pk_head (&f, 3, EOD_PROTO_VERSION, "HEARTBEAT");
        s_pk_str (&f, "worker");
        s_pk_strn (&f, text, str_lens[i]);
        m = s_expect_ok (&f);
        CHECK (m && m->worker && strlen (m->worker) == str_lens[i]
               && memcmp (m->worker, text, str_lens[i]) == 0);
        eod_msg_destroy (&m);
    }
    free (text);

    //  A string of exactly EOD_PROTO_STRING_MAX bytes is allowed.
    char *big = malloc (EOD_PROTO_STRING_MAX);
    CHECK (big != NULL);
    if (big) {
        memset (big, 'x', EOD_PROTO_STRING_MAX);
        s_frame_init (&f);
        s_pk_head (&f, 5, EOD_PROTO_VERSION, "EVENT");
        s_pk_str (&f, "level");
        s_pk_str (&f, "info");
        s_pk_str (&f, "stage");
        s_pk_str (&f, "s");
        s_pk_str (&f, "text");
        s_pk_strn (&f, big, EOD_PROTO_STRING_MAX);
        m = s_expect_ok (&f);
        CHECK_INT (m && m->text ? strlen (m->text) : 0, EOD_PROTO_STRING_MAX);
        eod_msg_destroy (&m);
        free (big);
    }

    //  Exactly EOD_PROTO_ROWS_MAX rows are allowed.
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_array (&f.pk, EOD_PROTO_ROWS_MAX);
    for (int i = 0; i < EOD_PROTO_ROWS_MAX; i++)
        msgpack_pack_map (&f.pk, 0);
    m = s_expect_ok (&f);
    CHECK_INT (m ? m->nrows : 0, EOD_PROTO_ROWS_MAX);
    eod_msg_destroy (&m);

    //  Nesting up to the limit is not refused for being deep: EOD_PROTO_DEPTH_MAX
    //  arrays around a nil is refused only because it is not a map.
    s_frame_init (&f);
    for (int i = 0; i < EOD_PROTO_DEPTH_MAX; i++)
        msgpack_pack_array (&f.pk, 1);
    msgpack_pack_nil (&f.pk);
    s_expect_fail (&f, "not a map");
}

static void
s_test_decode_empty_and_garbage (void)
{
    char err[S_ERR_LEN] = "";
    eod_msg_t *m = eod_msg_decode (NULL, 0, err, sizeof err);
    CHECK (m == NULL);
    CHECK (strlen (err) > 0);
    err[0] = '\0';
    m = eod_msg_decode ("", 0, err, sizeof err);
    CHECK (m == NULL);
    CHECK (strlen (err) > 0);

    static const struct {
        const char *bytes;
        size_t len;
    } garbage[] = {
        {"\xc1", 1},                       //  the one byte msgpack never uses
        {"\xc0", 1},                       //  nil: valid msgpack, not a map
        {"\x01", 1},
        {"\x80", 1},                       //  empty map: no version
        {"\x90", 1},                       //  empty array
        {"\xa3" "abc", 4},                 //  a string
        {"hello, world", 12},
        {"{\"v\":1,\"t\":\"ACK\"}", 17},   //  JSON is not msgpack
        {"\x81\xc1\xc1", 3},
        {"\xff\xff\xff\xff", 4},
    };
    for (size_t i = 0; i < S_COUNT (garbage); i++) {
        m = s_decode (garbage[i].bytes, garbage[i].len, err, sizeof err);
        CHECK (m == NULL);
        CHECK (strlen (err) > 0);
        eod_msg_destroy (&m);
    }

    //  Pseudo-random frames, some starting with a valid map head.
    uint32_t seed = 12345;
    uint8_t buf[S_GARBAGE_LEN_MAX];
    int decoded = 0;
    for (int i = 0; i < S_GARBAGE_FRAMES; i++) {
        size_t len = 1 + i % S_GARBAGE_LEN_MAX;
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (uint8_t) (seed >> 16);
        }
        if (i % 2)
            buf[0] = 0x82 + i % 14;
        m = s_decode (buf, len, err, sizeof err);
        if (m)
            decoded++;
        else if (strlen (err) == 0)
            decoded += S_GARBAGE_FRAMES;   //  a refusal without a reason
        eod_msg_destroy (&m);
    }
    CHECK_INT (decoded, 0);
}

static void
s_test_decode_truncations_and_trailing (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        eod_msg_t *full = s_make_full ((eod_msg_type_t) t);
        char *data = NULL;
        size_t len = 0;
        if (!full || s_encode (full, &data, &len)) {
            eod_msg_destroy (&full);
            continue;
        }
        char err[S_ERR_LEN];
        size_t refused = 0, with_reason = 0;
        for (size_t cut = 0; cut < len; cut++) {
            eod_msg_t *m = s_decode (data, cut, err, sizeof err);
            if (!m)
                refused++;
            if (!m && strlen (err) > 0)
                with_reason++;
            eod_msg_destroy (&m);
        }
        if (refused != len)
            fprintf (stderr, "  %s: %zu of %zu truncations decoded\n", eod_msg_type_name (full->type),
                     len - refused, len);
        CHECK_INT (refused, len);
        CHECK_INT (with_reason, len);

        //  One trailing byte of any kind, or a second message, is refused.
        char *longer = malloc (2 * len);
        CHECK (longer != NULL);
        if (longer) {
            memcpy (longer, data, len);
            longer[len] = (char) 0xc0;
            eod_msg_t *m = s_decode (longer, len + 1, err, sizeof err);
            CHECK (m == NULL);
            CHECK (strstr (err, "trailing") != NULL);
            eod_msg_destroy (&m);
            memcpy (longer + len, data, len);
            m = s_decode (longer, 2 * len, err, sizeof err);
            CHECK (m == NULL);
            CHECK (strstr (err, "trailing") != NULL);
            eod_msg_destroy (&m);
            free (longer);
        }
        free (data);
        eod_msg_destroy (&full);
    }
}

static void
s_test_decode_version_and_type (void)
{
    s_frame_t f;
    //  Wrong versions.
    const int64_t versions[] = {2, 0, -1, INT64_MAX};
    for (size_t i = 0; i < S_COUNT (versions); i++) {
        s_frame_init (&f);
        s_pk_head (&f, 4, versions[i], "ACK");
        s_pk_str (&f, "run_id");
        s_pk_str (&f, "r");
        s_pk_str (&f, "task_id");
        s_pk_str (&f, "t");
        s_expect_fail (&f, "version");
    }
    //  Version as a string.
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 2);
    s_pk_str (&f, "v");
    s_pk_str (&f, "1");
    s_pk_str (&f, "t");
    s_pk_str (&f, "HEARTBEAT");
    s_expect_fail (&f, "version");

    //  Missing v.
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 2);
    s_pk_str (&f, "t");
    s_pk_str (&f, "HEARTBEAT");
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_expect_fail (&f, "version");

    //  Missing t.
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 2);
    s_pk_str (&f, "v");
    msgpack_pack_int (&f.pk, EOD_PROTO_VERSION);
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_expect_fail (&f, "type");

    //  t not a string.
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 3);
    s_pk_str (&f, "v");
    msgpack_pack_int (&f.pk, EOD_PROTO_VERSION);
    s_pk_str (&f, "t");
    msgpack_pack_int (&f.pk, EOD_MSG_HEARTBEAT);
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_expect_fail (&f, "type");

    //  Unknown types: wrong case, empty, invalid marker, long, with a NUL.
    const char *unknown[] = {"heartbeat", "", "?", "HEARTBEATHEARTBEATHEARTBEAT", "NOPE"};
    for (size_t i = 0; i < S_COUNT (unknown); i++) {
        s_frame_init (&f);
        s_pk_head (&f, 3, EOD_PROTO_VERSION, unknown[i]);
        s_pk_str (&f, "worker");
        s_pk_str (&f, "w");
        s_expect_fail (&f, "type");
    }
    s_frame_init (&f);
    msgpack_pack_map (&f.pk, 3);
    s_pk_str (&f, "v");
    msgpack_pack_int (&f.pk, EOD_PROTO_VERSION);
    s_pk_str (&f, "t");
    s_pk_strn (&f, "HEARTBEAT\0X", 11);
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_expect_fail (&f, "type");

    //  Not a map at the top.
    s_frame_init (&f);
    msgpack_pack_array (&f.pk, 2);
    s_pk_str (&f, "v");
    msgpack_pack_int (&f.pk, EOD_PROTO_VERSION);
    s_expect_fail (&f, "not a map");
}

static void
s_test_decode_fields (void)
{
    s_frame_t f;
    //  Unknown field, including one another type has.
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "bogus");
    s_pk_str (&f, "x");
    s_expect_fail (&f, "unknown field 'bogus'");
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_expect_fail (&f, "unknown field 'worker'");

    //  A key that is not a string.
    s_pk_ack_plus_one (&f);
    msgpack_pack_int (&f.pk, 7);
    s_pk_str (&f, "x");
    s_expect_fail (&f, "not a string");

    //  Repeated field, same value or not.
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "run_id");
    s_pk_str (&f, "r");
    s_expect_fail (&f, "repeats");
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "task_id");
    s_pk_str (&f, "other");
    s_expect_fail (&f, "repeats");

    //  Repeated "t" or "v" are repeated fields too: the last one must not
    //  quietly win.
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "t");
    s_pk_str (&f, "ACK");
    s_expect_fail (&f, "repeats");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "HEARTBEAT");
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_pk_str (&f, "t");
    s_pk_str (&f, "READY");
    s_expect_fail (&f, "repeats");
    s_pk_ack_plus_one (&f);
    s_pk_str (&f, "v");
    msgpack_pack_int (&f.pk, EOD_PROTO_VERSION);
    s_expect_fail (&f, "repeats");

    //  Missing required fields on decode (a string and an integer).
    s_frame_init (&f);
    s_pk_head (&f, 3, EOD_PROTO_VERSION, "ACK");
    s_pk_str (&f, "run_id");
    s_pk_str (&f, "r");
    s_expect_fail (&f, "'task_id' is missing");
    s_frame_init (&f);
    s_pk_head (&f, 8, EOD_PROTO_VERSION, "FILE");
    const char *file_kv[] = {"run_id", "r", "market", "kr", "date_from", "2024-05-02",
                             "path", "/p", "key", "k", "md5", "m"};
    for (size_t i = 0; i < S_COUNT (file_kv); i++)
        s_pk_str (&f, file_kv[i]);
    s_expect_fail (&f, "'count' is missing");

    //  Int where a string is expected, and the reverse.
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "ACK");
    s_pk_str (&f, "run_id");
    msgpack_pack_int (&f.pk, 5);
    s_pk_str (&f, "task_id");
    s_pk_str (&f, "t");
    s_expect_fail (&f, "'run_id' is not a string");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "READY");
    s_pk_str (&f, "worker");
    s_pk_str (&f, "w");
    s_pk_str (&f, "count");
    s_pk_str (&f, "5");
    s_expect_fail (&f, "'count' is not an integer");

    //  Other scalars where a string or an integer is expected.
    const int kinds = 5;
    for (int k = 0; k < kinds; k++) {
        s_frame_init (&f);
        s_pk_head (&f, 3, EOD_PROTO_VERSION, "HEARTBEAT");
        s_pk_str (&f, "worker");
        switch (k) {
        case 0: msgpack_pack_nil (&f.pk); break;
        case 1: msgpack_pack_true (&f.pk); break;
        case 2: msgpack_pack_double (&f.pk, 1.5); break;
        case 3: msgpack_pack_bin (&f.pk, 1); msgpack_pack_bin_body (&f.pk, "w", 1); break;
        default: msgpack_pack_ext (&f.pk, 1, 1); msgpack_pack_ext_body (&f.pk, "w", 1); break;
        }
        s_expect_fail (&f, "'worker' is not a string");
        s_frame_init (&f);
        s_pk_head (&f, 4, EOD_PROTO_VERSION, "READY");
        s_pk_str (&f, "worker");
        s_pk_str (&f, "w");
        s_pk_str (&f, "count");
        switch (k) {
        case 0: msgpack_pack_nil (&f.pk); break;
        case 1: msgpack_pack_false (&f.pk); break;
        case 2: msgpack_pack_double (&f.pk, 2.0); break;
        case 3: msgpack_pack_uint64 (&f.pk, UINT64_MAX); break;   //  over INT64_MAX
        default: msgpack_pack_map (&f.pk, 0); break;
        }
        s_expect_fail (&f, "'count' is not an integer");
    }

    //  Every ext and bin width is skipped exactly and refused as a string.
    static const size_t ext_lens[] = {1, 2, 4, 8, 16, 3, 255, 256, 65535, 65536};
    char *payload = calloc (1, 65536);
    CHECK (payload != NULL);
    for (size_t i = 0; payload && i < S_COUNT (ext_lens); i++) {
        s_frame_init (&f);
        s_pk_head (&f, 3, EOD_PROTO_VERSION, "HEARTBEAT");
        s_pk_str (&f, "worker");
        msgpack_pack_ext (&f.pk, ext_lens[i], 7);
        msgpack_pack_ext_body (&f.pk, payload, ext_lens[i]);
        s_expect_fail (&f, "'worker' is not a string");
        s_frame_init (&f);
        s_pk_head (&f, 3, EOD_PROTO_VERSION, "HEARTBEAT");
        s_pk_str (&f, "worker");
        msgpack_pack_bin (&f.pk, ext_lens[i]);
        msgpack_pack_bin_body (&f.pk, payload, ext_lens[i]);
        s_expect_fail (&f, "'worker' is not a string");
    }
    free (payload);

    //  Map where an array is expected, array where a map is expected.
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_map (&f.pk, 1);
    s_pk_str (&f, "a");
    s_pk_str (&f, "b");
    s_expect_fail (&f, "'rows' is not an array");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "END");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "writer");
    s_pk_str (&f, "list");
    msgpack_pack_map (&f.pk, 0);
    s_expect_fail (&f, "'list' is not an array");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_array (&f.pk, 1);
    s_pk_str (&f, "a");
    s_expect_fail (&f, "'meta' is not a map");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "snapshot");
    s_pk_str (&f, "a=b");
    s_expect_fail (&f, "'snapshot' is not a map");

    //  Wrong things inside maps, rows and lists.
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_array (&f.pk, 2);
    msgpack_pack_map (&f.pk, 0);
    msgpack_pack_array (&f.pk, 0);
    s_expect_fail (&f, "'rows' is not a map");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_array (&f.pk, 1);
    msgpack_pack_map (&f.pk, 1);
    s_pk_str (&f, "stck_clpr");
    msgpack_pack_int (&f.pk, 78000);
    s_expect_fail (&f, "not a string");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_map (&f.pk, 1);
    msgpack_pack_int (&f.pk, 1);
    s_pk_str (&f, "x");
    s_expect_fail (&f, "not a string");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_map (&f.pk, 2);
    s_pk_str (&f, "k");
    s_pk_str (&f, "1");
    s_pk_str (&f, "k");
    s_pk_str (&f, "2");
    s_expect_fail (&f, "repeats key 'k'");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "END");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "writer");
    s_pk_str (&f, "list");
    msgpack_pack_array (&f.pk, 2);
    s_pk_str (&f, "ok");
    msgpack_pack_int (&f.pk, 3);
    s_expect_fail (&f, "'list' is not a string");
}

static void
s_test_decode_strings (void)
{
    s_frame_t f;
    size_t over = EOD_PROTO_STRING_MAX + 1;
    char *big = malloc (over);
    CHECK (big != NULL);
    if (big) {
        memset (big, 'x', over);
        s_frame_init (&f);
        s_pk_head (&f, 4, EOD_PROTO_VERSION, "ACK");
        s_pk_str (&f, "run_id");
        s_pk_strn (&f, big, over);
        s_pk_str (&f, "task_id");
        s_pk_str (&f, "t");
        s_expect_fail (&f, "'run_id' is 65537 bytes");

        s_pk_result_plus_one (&f);
        s_pk_str (&f, "snapshot");
        msgpack_pack_map (&f.pk, 1);
        s_pk_str (&f, "k");
        s_pk_strn (&f, big, over);
        s_expect_fail (&f, "over");

        s_pk_result_plus_one (&f);
        s_pk_str (&f, "meta");
        msgpack_pack_map (&f.pk, 1);
        s_pk_strn (&f, big, over);
        s_pk_str (&f, "v");
        s_expect_fail (&f, "over");
        free (big);
    }
    //  A NUL inside a field, a map key, a map value, a list entry.
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "ACK");
    s_pk_str (&f, "run_id");
    s_pk_strn (&f, "r\0evil", 6);
    s_pk_str (&f, "task_id");
    s_pk_str (&f, "t");
    s_expect_fail (&f, "NUL");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "ACK");
    s_pk_str (&f, "run_id");
    s_pk_str (&f, "r");
    s_pk_str (&f, "task_id");
    s_pk_strn (&f, "\0", 1);
    s_expect_fail (&f, "NUL");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_map (&f.pk, 1);
    s_pk_strn (&f, "k\0x", 3);
    s_pk_str (&f, "v");
    s_expect_fail (&f, "NUL");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_array (&f.pk, 1);
    msgpack_pack_map (&f.pk, 1);
    s_pk_str (&f, "k");
    s_pk_strn (&f, "12\0" "34", 5);
    s_expect_fail (&f, "NUL");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "END");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "writer");
    s_pk_str (&f, "list");
    msgpack_pack_array (&f.pk, 1);
    s_pk_strn (&f, "005930\0", 7);
    s_expect_fail (&f, "NUL");
    //  A field name with a NUL is not the field.
    s_pk_ack_plus_one (&f);
    s_pk_strn (&f, "run_id\0", 7);
    s_pk_str (&f, "r");
    s_expect_fail (&f, "unknown field");
}

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
s_test_decode_lying_counts (void)
{
    //  Frames that declare far more than they hold; each must fail without
    //  allocating for the declaration, so many of them take no time at all.
    static const struct {
        const char *bytes;
        size_t len;
    } lies[] = {
        {"\xdf\xff\xff\xff\xff", 5},           //  map32 of 2^32-1 pairs
        {"\xdd\xff\xff\xff\xff", 5},           //  array32 of 2^32-1
        {"\xde\xff\xff", 3},                   //  map16 of 65535 pairs
        {"\xdc\xff\xff", 3},                   //  array16 of 65535
        {"\xdb\xff\xff\xff\xff", 5},           //  str32 of 4 GB
        {"\xc6\xff\xff\xff\xff", 5},           //  bin32 of 4 GB
        {"\xc9\xff\xff\xff\xff\x01", 6},       //  ext32 of 4 GB
        {"\x8f", 1},                           //  fixmap of 15 pairs, nothing after
        {"\x81\xa1v\xdd\xff\xff\xff\xff", 8},  //  {"v": array32 of 2^32-1}
        {"\x81\xa1v\xdf\x7f\xff\xff\xff", 8},  //  {"v": map32 of 2^31-1}
        {"\x91\x91\x91\xdd\x00\x10\x00\x00", 8},
    };
    for (size_t i = 0; i < S_COUNT (lies); i++) {
        char err[S_ERR_LEN];
        double start = s_now ();
        int refused = 0;
        for (int k = 0; k < S_LIE_DECODES; k++) {
            eod_msg_t *m = s_decode (lies[i].bytes, lies[i].len, err, sizeof err);
            if (!m && (strstr (err, "declared") || strstr (err, "truncated")))
                refused++;
            else if (k == 0)
                fprintf (stderr, "  lie %zu: err \"%s\"\n", i, err);
            eod_msg_destroy (&m);
        }
        double took = s_now () - start;
        if (took >= S_LIE_SECONDS)
            fprintf (stderr, "  lie %zu: %d decodes took %.3f s\n", i, S_LIE_DECODES, took);
        CHECK (took < S_LIE_SECONDS);
        CHECK_INT (refused, S_LIE_DECODES);
    }

    //  A huge array count inside an otherwise valid message.
    s_frame_t f;
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    s_pk_raw (&f, "\xdd\xff\xff\xff\xff\x80\x80", 7);
    s_expect_fail (&f, "declared");
    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "END");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "writer");
    s_pk_str (&f, "list");
    s_pk_raw (&f, "\xdd\x00\x01\x00\x00\xa0", 6);
    s_expect_fail (&f, "declared");
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    s_pk_raw (&f, "\xdf\xff\xff\xff\xff\xa0\xa0", 7);
    s_expect_fail (&f, "declared");
}

//  Legal but hostile sizes: a map with more keys than any message has (its
//  duplicate check would be quadratic), and a frame of one-byte elements
//  (msgpack-c would spend ~24 bytes on each). Both refused, and quickly.
static void
s_test_decode_size_caps (void)
{
    s_frame_t f;
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_map (&f.pk, EOD_PROTO_MAP_MAX + 1);
    for (int i = 0; i <= EOD_PROTO_MAP_MAX; i++) {
        char key[16];
        snprintf (key, sizeof key, "k%d", i);
        s_pk_str (&f, key);
        s_pk_str (&f, "");
    }
    s_expect_fail (&f, "keys, over");

    //  The largest map allowed still decodes.
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "meta");
    msgpack_pack_map (&f.pk, EOD_PROTO_MAP_MAX);
    for (int i = 0; i < EOD_PROTO_MAP_MAX; i++) {
        char key[16];
        snprintf (key, sizeof key, "k%d", i);
        s_pk_str (&f, key);
        s_pk_str (&f, "");
    }
    char err[S_ERR_LEN];
    eod_msg_t *m = s_decode (f.sbuf.data, f.sbuf.size, err, sizeof err);
    CHECK (m != NULL);
    CHECK (m && m->meta.count == EOD_PROTO_MAP_MAX);
    eod_msg_destroy (&m);
    msgpack_sbuffer_destroy (&f.sbuf);

    s_frame_init (&f);
    s_pk_head (&f, 4, EOD_PROTO_VERSION, "END");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "writer");
    s_pk_str (&f, "list");
    msgpack_pack_array (&f.pk, EOD_PROTO_ELEMENTS_MAX + 1);
    for (int i = 0; i <= EOD_PROTO_ELEMENTS_MAX; i++)
        msgpack_pack_nil (&f.pk);
    s_expect_fail (&f, "elements in one message");
}

static void
s_test_decode_depth_and_rows (void)
{
    s_frame_t f;
    //  Nested arrays one deeper than allowed.
    s_frame_init (&f);
    for (int i = 0; i <= EOD_PROTO_DEPTH_MAX; i++)
        msgpack_pack_array (&f.pk, 1);
    msgpack_pack_nil (&f.pk);
    s_expect_fail (&f, "nesting");

    //  Deep nesting inside a valid message, in a map value.
    s_frame_init (&f);
    s_pk_head (&f, 6, EOD_PROTO_VERSION, "EVENT");
    const char *kv[] = {"level", "info", "stage", "s", "text", "t"};
    for (size_t i = 0; i < S_COUNT (kv); i++)
        s_pk_str (&f, kv[i]);
    s_pk_str (&f, "fields");
    for (int i = 0; i < 2 * EOD_PROTO_DEPTH_MAX; i++) {
        msgpack_pack_map (&f.pk, 1);
        s_pk_str (&f, "k");
    }
    s_pk_str (&f, "v");
    s_expect_fail (&f, "nesting");

    //  Very deep nesting must not exhaust the stack.
    size_t deep = S_DEEP_NESTING;
    uint8_t *bytes = malloc (deep + 1);
    CHECK (bytes != NULL);
    if (bytes) {
        memset (bytes, 0x91, deep);
        bytes[deep] = 0xc0;
        char err[S_ERR_LEN];
        eod_msg_t *m = s_decode (bytes, deep + 1, err, sizeof err);
        CHECK (m == NULL);
        CHECK (strstr (err, "nesting") != NULL);
        eod_msg_destroy (&m);
        free (bytes);
    }

    //  One row over the limit.
    s_pk_result_plus_one (&f);
    s_pk_str (&f, "rows");
    msgpack_pack_array (&f.pk, EOD_PROTO_ROWS_MAX + 1);
    for (int i = 0; i <= EOD_PROTO_ROWS_MAX; i++)
        msgpack_pack_map (&f.pk, 0);
    s_expect_fail (&f, "rows, over");
}

//  --------------------------------------------------------------- json, dup

static void
s_test_json_redacts_creds (void)
{
    eod_msg_t *m = s_make_full (EOD_MSG_CREDS);
    char *text = eod_msg_to_json (m);
    CHECK (text != NULL);
    if (text) {
        CHECK (strstr (text, m->app_key) == NULL);
        CHECK (strstr (text, m->app_secret) == NULL);
        CHECK (strstr (text, m->token) == NULL);
        CHECK (strstr (text, "SECRET") == NULL);
        CHECK (strstr (text, "eyJ0") == NULL);
        CHECK (strstr (text, "PSabcdef") == NULL);
        json_error_t jerr;
        json_t *obj = json_loads (text, 0, &jerr);
        CHECK (obj != NULL);
        CHECK_STR (json_string_value (json_object_get (obj, "t")), "CREDS");
        CHECK_STR (json_string_value (json_object_get (obj, "app_key")), "[redacted]");
        CHECK_STR (json_string_value (json_object_get (obj, "app_secret")), "[redacted]");
        CHECK_STR (json_string_value (json_object_get (obj, "token")), "[redacted]");
        CHECK_STR (json_string_value (json_object_get (obj, "key_id")), "key-1");
        CHECK_STR (json_string_value (json_object_get (obj, "base_url")), "http://127.0.0.1:18080");
        CHECK_INT (json_integer_value (json_object_get (obj, "expires")), 1714694400);
        json_decref (obj);
        free (text);
    }
    //  The message itself still holds the secrets.
    CHECK_STR (m->app_secret, "SECRETabcdefghijklmnopqrstuvwxyz==");
    eod_msg_destroy (&m);

    //  Fields of the same names in other types are not secrets there.
    m = eod_msg_new (EOD_MSG_FILE);
    s_set (&m->run_id, "r");
    s_set (&m->market, "kr");
    s_set (&m->date_from, "2024-05-02");
    s_set (&m->path, "/p");
    s_set (&m->key, "eod/market=kr/part.csv");
    s_set (&m->md5, "m");
    text = eod_msg_to_json (m);
    CHECK (text && strstr (text, "eod/market=kr/part.csv") != NULL);
    free (text);
    eod_msg_destroy (&m);
}

static void
s_test_json_values (void)
{
    eod_msg_t *m = s_make_full (EOD_MSG_RESULT);
    char *text = eod_msg_to_json (m);
    CHECK (text != NULL);
    CHECK (text && strchr (text, '\n') == NULL);   //  one line
    json_error_t jerr;
    json_t *obj = text ? json_loads (text, 0, &jerr) : NULL;
    CHECK (obj != NULL);
    CHECK_STR (json_string_value (json_object_get (obj, "error")), "초당 거래건수를 초과하였습니다.");
    CHECK_INT (json_integer_value (json_object_get (obj, "attempt")), INT64_MIN);
    CHECK_INT (json_integer_value (json_object_get (obj, "requests")), 4294967296LL);
    json_t *rows = json_object_get (obj, "rows");
    CHECK_INT (json_array_size (rows), S_ROWS_IN_RESULT);
    CHECK_STR (json_string_value (json_object_get (json_array_get (rows, 0), "stck_bsop_date")), "20240501");
    CHECK_STR (json_string_value (json_object_get (json_array_get (rows, 1), "acml_vol")), "");
    CHECK_STR (json_string_value (json_object_get (json_object_get (obj, "meta"), "한글명")), "삼성전자");
    json_decref (obj);
    free (text);
    eod_msg_destroy (&m);
}

//  A message that decodes is written to JSON whole: a string that is not
//  UTF-8 is either refused by the decoder or kept (escaped or replaced) by
//  eod_msg_to_json, never silently dropped from traces.
static void
s_test_json_keeps_every_field (void)
{
    s_frame_t f;
    s_frame_init (&f);
    s_pk_head (&f, 6, EOD_PROTO_VERSION, "EVENT");
    s_pk_str (&f, "level");
    s_pk_str (&f, "error");
    s_pk_str (&f, "stage");
    s_pk_str (&f, "fetcher");
    s_pk_str (&f, "text");
    s_pk_strn (&f, "cp949 \xbb\xef\xbc\xba", 10);   //  "삼성" in CP949, not UTF-8
    s_pk_str (&f, "fields");
    msgpack_pack_map (&f.pk, 1);
    s_pk_strn (&f, "k\xc3", 2);
    s_pk_str (&f, "v");
    char err[S_ERR_LEN];
    eod_msg_t *m = s_decode (f.sbuf.data, f.sbuf.size, err, sizeof err);
    msgpack_sbuffer_destroy (&f.sbuf);
    char *text = m ? eod_msg_to_json (m) : NULL;
    json_error_t jerr;
    json_t *obj = text ? json_loads (text, 0, &jerr) : NULL;
    bool whole = !m
                 || (obj && json_object_get (obj, "text") != NULL
                     && json_object_size (json_object_get (obj, "fields")) == 1);
    if (!whole)
        fprintf (stderr, "  EVENT with non-UTF-8 text decoded, JSON lost fields: %s\n", text ? text : "(null)");
    CHECK (whole);
    CHECK (m || strlen (err) > 0);
    json_decref (obj);
    free (text);
    eod_msg_destroy (&m);
}

static void
s_test_dup (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        eod_msg_t *m = s_make_full ((eod_msg_type_t) t);
        eod_msg_t *copy = m ? eod_msg_dup (m) : NULL;
        CHECK (copy != NULL);
        CHECK (copy != m);
        s_check_msg_eq (m, copy);
        //  A deep copy: changing the original leaves the copy alone.
        if (m && copy) {
            if (m->run_id) {
                CHECK (copy->run_id != m->run_id);
                s_set (&m->run_id, "changed");
                CHECK (strcmp (copy->run_id, "changed") != 0);
            }
            if (m->nrows) {
                CHECK (copy->rows != m->rows);
                CHECK (copy->rows[0].items != m->rows[0].items);
            }
            if (m->meta.count)
                CHECK (copy->meta.items != m->meta.items);
        }
        eod_msg_destroy (&copy);
        eod_msg_destroy (&m);
    }
}

int
main (void)
{
    s_test_type_names ();
    s_test_destroy_twice ();
    s_test_round_trip ();
    s_test_round_trip_minimal ();
    s_test_encode_missing_required ();
    s_test_decode_hand_built_ok ();
    s_test_decode_empty_and_garbage ();
    s_test_decode_truncations_and_trailing ();
    s_test_decode_version_and_type ();
    s_test_decode_fields ();
    s_test_decode_strings ();
    s_test_decode_lying_counts ();
    s_test_decode_depth_and_rows ();
    s_test_decode_size_caps ();
    s_test_json_redacts_creds ();
    s_test_json_values ();
    s_test_json_keeps_every_field ();
    s_test_dup ();
    return EOD_TEST_DONE ();
}
