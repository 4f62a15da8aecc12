/*  test_proto_decode — the strict decoder of proto/ fed hand-built msgpack
    frames: truncations, lies about counts, wrong types, oversize and
    NUL-holding strings, deep nesting, wrong versions and types. Each must be
    refused with a reason, never crash and never allocate what a frame merely
    declares. */
#include "eod_test.h"
#include "proto_samples.h"

#include <time.h>

#define S_LIE_DECODES 100       //  decodes of a lying 5-byte frame ...
#define S_LIE_SECONDS 0.5       //  ... must all finish within this
#define S_GARBAGE_FRAMES 2000   //  pseudo-random frames fed to the decoder
#define S_GARBAGE_LEN_MAX 64
#define S_DEEP_NESTING 100000   //  far beyond any recursion limit

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
    static const int64_t ints[] = {0,         1,  127, 128, 255,  256,  65535,  65536,  4294967295LL,  4294967296LL,
                                   INT64_MAX, -1, -32, -33, -128, -129, -32768, -32769, -2147483648LL, -2147483649LL,
                                   INT64_MIN};
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
        s_pk_head (&f, 3, EOD_PROTO_VERSION, "REFUSED");
        s_pk_str (&f, "error");
        s_pk_strn (&f, text, str_lens[i]);
        m = s_expect_ok (&f);
        CHECK (m && m->error && strlen (m->error) == str_lens[i] && memcmp (m->error, text, str_lens[i]) == 0);
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
        {"\xc1", 1},   //  the one byte msgpack never uses
        {"\xc0", 1},   //  nil: valid msgpack, not a map
        {"\x01", 1},
        {"\x80", 1},   //  empty map: no version
        {"\x90", 1},   //  empty array
        {"\xa3"
         "abc",
         4},   //  a string
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
            fprintf (stderr, "  %s: %zu of %zu truncations decoded\n", eod_msg_type_name (full->type), len - refused,
                     len);
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
    const int64_t versions[] = {EOD_PROTO_VERSION - 1, EOD_PROTO_VERSION + 1, 0, -1, INT64_MAX};
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
    const char *file_kv[] = {"run_id", "r",  "market", "kr", "date_from", "2024-05-02",
                             "path",   "/p", "key",    "k",  "md5",       "m"};
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
        case 3:
            msgpack_pack_bin (&f.pk, 1);
            msgpack_pack_bin_body (&f.pk, "w", 1);
            break;
        default:
            msgpack_pack_ext (&f.pk, 1, 1);
            msgpack_pack_ext_body (&f.pk, "w", 1);
            break;
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
    s_pk_strn (&f,
               "12\0"
               "34",
               5);
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
        {"\xdf\xff\xff\xff\xff", 5},            //  map32 of 2^32-1 pairs
        {"\xdd\xff\xff\xff\xff", 5},            //  array32 of 2^32-1
        {"\xde\xff\xff", 3},                    //  map16 of 65535 pairs
        {"\xdc\xff\xff", 3},                    //  array16 of 65535
        {"\xdb\xff\xff\xff\xff", 5},            //  str32 of 4 GB
        {"\xc6\xff\xff\xff\xff", 5},            //  bin32 of 4 GB
        {"\xc9\xff\xff\xff\xff\x01", 6},        //  ext32 of 4 GB
        {"\x8f", 1},                            //  fixmap of 15 pairs, nothing after
        {"\x81\xa1v\xdd\xff\xff\xff\xff", 8},   //  {"v": array32 of 2^32-1}
        {"\x81\xa1v\xdf\x7f\xff\xff\xff", 8},   //  {"v": map32 of 2^31-1}
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

int
main (void)
{
    s_test_decode_hand_built_ok ();
    s_test_decode_empty_and_garbage ();
    s_test_decode_truncations_and_trailing ();
    s_test_decode_version_and_type ();
    s_test_decode_fields ();
    s_test_decode_strings ();
    s_test_decode_lying_counts ();
    s_test_decode_depth_and_rows ();
    s_test_decode_size_caps ();
    return EOD_TEST_DONE ();
}
