/*  test_proto — unit tests of proto/ (eod_proto), the wire format between the
    stages: every message type is round-tripped with every field of its table
    set and compared field by field, encoding without a required field
    fails, names, JSON (secrets redacted) and deep copies.
    test_proto_decode.c feeds the decoder malformed frames;
    test_proto_table.c checks the table's routes, its documentation and
    journals of the previous version. */
#include "eod_test.h"
#include "proto_samples.h"

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
    s_set (&m->task_id, "kr-005930-20240502-20240502");
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

//  The rule of a BATCH's check (mutate) against a sample; NULL
//  mutate: the sample as it is. true when eod_msg_check accepts it, and
//  when it refuses, err holds the reason.
static bool
s_batch_ok (eod_msg_type_t type, void (*mutate) (eod_msg_t *), char *err, size_t errlen)
{
    eod_msg_t *m = s_make_full (type);
    if (mutate)
        mutate (m);
    bool ok = eod_msg_check (m, err, errlen) == 0;
    eod_msg_destroy (&m);
    return ok;
}

//  Adds n codes 100000, 100001, ... to the sample's two.
static void
s_more_codes (eod_msg_t *m, int n)
{
    for (int i = 0; i < n; i++) {
        char c[8];
        snprintf (c, sizeof c, "1000%02d", i);
        eod_msg_add_list (m, c);
    }
}
static void
s_thirty_one (eod_msg_t *m)
{
    s_more_codes (m, EOD_PROTO_BATCH_MAX - 1);
}
static void
s_thirty (eod_msg_t *m)
{
    s_more_codes (m, EOD_PROTO_BATCH_MAX - 2);
}
static void
s_twice (eod_msg_t *m)
{
    eod_msg_add_list (m, "005930");
}
static void
s_us (eod_msg_t *m)
{
    free (m->market);
    m->market = strdup ("us");
}
static void
s_us_code (eod_msg_t *m)
{
    eod_msg_add_list (m, "BRK/B");
}
static void
s_climbs (eod_msg_t *m)
{
    eod_msg_add_list (m, "../005930");
}
static void
s_two_days (eod_msg_t *m)
{
    free (m->date_to);
    m->date_to = strdup ("2024-05-03");
}
static void
s_other_day (eod_msg_t *m)
{
    free (m->task_id);
    m->task_id = strdup ("kr-mq-20240503-00001");
}
static void
s_bad_id (eod_msg_t *m)
{
    free (m->task_id);
    m->task_id = strdup ("kr-mq-20240502-1");
}
static void
s_not_asked (eod_msg_t *m)
{
    eod_fields_set (&m->rows[0], "inter_shrn_iscd", "000660");
}
static void
s_no_code (eod_msg_t *m)
{
    eod_fields_clear (&m->rows[0]);
    eod_fields_set (&m->rows[0], "inter2_prpr", "1");
}

static void
s_test_batch_rules (void)
{
    char err[256];
    CHECK (s_batch_ok (EOD_MSG_BATCH, NULL, err, sizeof err));
    CHECK (s_batch_ok (EOD_MSG_QUOTES, NULL, err, sizeof err));
    CHECK (s_batch_ok (EOD_MSG_BATCH, s_thirty, err, sizeof err));
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_thirty_one, err, sizeof err));
    CHECK (strstr (err, "holds 31 codes (1 to 30)") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_twice, err, sizeof err));
    CHECK (strstr (err, "entry 3 repeats entry 1") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_us, err, sizeof err));
    CHECK (strstr (err, "market") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_us_code, err, sizeof err));
    CHECK (strstr (err, "(KR code) entry 3") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_climbs, err, sizeof err));
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_two_days, err, sizeof err));
    CHECK (strstr (err, "a batch is of one session") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_BATCH, s_other_day, err, sizeof err));
    CHECK (strstr (err, "another session") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_QUOTES, s_bad_id, err, sizeof err));
    CHECK (strstr (err, "(batch id)") != NULL);
    //  A quote of a code the batch did not ask is refused by the decoder too.
    CHECK (!s_batch_ok (EOD_MSG_QUOTES, s_not_asked, err, sizeof err));
    CHECK (strstr (err, "did not ask") != NULL);
    CHECK (!s_batch_ok (EOD_MSG_QUOTES, s_no_code, err, sizeof err));
    eod_msg_t *m = s_make_full (EOD_MSG_QUOTES);
    s_not_asked (m);
    char *data = NULL;
    size_t len = 0;
    if (eod_msg_encode (m, &data, &len, err, sizeof err) == 0) {
        eod_msg_t *back = eod_msg_decode (data, len, err, sizeof err);
        CHECK (back == NULL);
        eod_msg_destroy (&back);
        free (data);
    }
    eod_msg_destroy (&m);
}

int
main (void)
{
    s_test_type_names ();
    s_test_batch_rules ();
    s_test_destroy_twice ();
    s_test_round_trip ();
    s_test_round_trip_minimal ();
    s_test_encode_missing_required ();
    s_test_json_redacts_creds ();
    s_test_json_values ();
    s_test_json_keeps_every_field ();
    s_test_dup ();
    return EOD_TEST_DONE ();
}
