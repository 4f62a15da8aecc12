/*  eod-inject — feeds hostile frames to a stage's input socket (tests/chaos).

    Every stage receives msgpack frames (proto/eod_proto.h) on a socket named
    in the config's [endpoints]; the design promises that garbage, truncated,
    oversize and wrong-version frames are logged and dropped, never a crash.
    This tool connects a PUSH, DEALER or REQ socket to such an endpoint and
    sends frames of one kind:

        eod-inject --endpoint EP --type push|dealer|req --kind KIND [--count N]
                   [--seed S] [--wait-ms MS] [--keys N] [--size BYTES]
                   [--envelope] [--expect-reply]

    Each kind has several variants; frame i is variant i modulo their number,
    so --count covers them all. Every frame sent is printed (length and hex).
    A DEALER or REQ then waits for a reply and prints it: a REP service must
    answer every request, bad or not, or its clients hang. A peer that drops
    the connection (ZMQ_MAXMSGSIZE) is reported from a socket monitor.

    Exit codes: 0 sent (and, with --expect-reply, every frame answered),
    1 a reply missing, 2 usage, 3 a frame could not be sent. */
#include <czmq.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eod_proto.h"

#define S_GARBAGE_LEN_MAX 300          //  random frames are 1..this long
#define S_HEX_SHOWN 256                //  bytes of a frame printed in hex
#define S_SNDTIMEO_MS 3000             //  a send that blocks this long fails
#define S_LINGER_MS 2000               //  time to deliver what is queued at exit
#define S_WAIT_REQ_MS 2000             //  default wait for a REP's answer
#define S_WAIT_DEALER_MS 300           //  default wait for a ROUTER's messages
#define S_SETTLE_MS 300                //  before/after a frame that kills the link
#define S_BIGMAP_KEYS 20000            //  default keys of a bigmap frame
#define S_WIDE_BYTES (8 * 1024 * 1024) //  default size of a wide frame
#define S_DEEP_LEVELS 100              //  nesting beyond EOD_PROTO_DEPTH_MAX

typedef struct {
    const char *endpoint;
    int type;
    const char *type_name;
    const char *kind;
    long count;
    uint64_t seed;
    int wait_ms;
    long keys;
    long size;
    bool envelope;
    bool expect_reply;
} s_opts_t;

//  One frame under construction (msgpack's sbuffer owns the bytes).
typedef struct {
    msgpack_sbuffer buf;
    msgpack_packer pk;
    const char *what;                  //  the variant, for the printout
    bool kills_link;                   //  over ZMQ_MAXMSGSIZE: the peer drops us
} s_frame_t;

static uint64_t s_rng;

static uint64_t
s_rand (void)
{
    //  xorshift64*: reproducible from --seed, good enough for garbage.
    s_rng ^= s_rng >> 12;
    s_rng ^= s_rng << 25;
    s_rng ^= s_rng >> 27;
    return s_rng * 2685821657736338717ULL;
}

static void
s_frame_init (s_frame_t *f)
{
    memset (f, 0, sizeof *f);
    msgpack_sbuffer_init (&f->buf);
    msgpack_packer_init (&f->pk, &f->buf, msgpack_sbuffer_write);
}

static void
s_frame_reset (s_frame_t *f)
{
    msgpack_sbuffer_destroy (&f->buf);
    s_frame_init (f);
}

static void
s_raw (s_frame_t *f, const void *data, size_t len)
{
    msgpack_sbuffer_write (&f->buf, data, len);
}

static void
s_byte (s_frame_t *f, uint8_t b)
{
    s_raw (f, &b, 1);
}

static void
s_be32 (s_frame_t *f, uint32_t n)
{
    uint8_t b[4] = {(uint8_t) (n >> 24), (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n};
    s_raw (f, b, sizeof b);
}

static void
s_str (s_frame_t *f, const char *s)
{
    size_t n = strlen (s);
    msgpack_pack_str (&f->pk, n);
    msgpack_pack_str_body (&f->pk, s, n);
}

static void
s_kv (s_frame_t *f, const char *key, const char *value)
{
    s_str (f, key);
    s_str (f, value);
}

//  The fields of a well-formed TASK after "v" and "t": 7 pairs.
#define S_TASK_PAIRS 7
static void
s_task_body (s_frame_t *f)
{
    s_kv (f, "run_id", "hostile-run");
    s_kv (f, "task_id", "hostile-task");
    s_kv (f, "market", "kr");
    s_kv (f, "mode", "daily");
    s_kv (f, "code", "005930");
    s_kv (f, "date_from", "2024-09-02");
    s_kv (f, "date_to", "2024-09-02");
}

//  A well-formed message of the given type through the real encoder, or -1.
static int
s_encode (s_frame_t *f, eod_msg_type_t type, long index)
{
    eod_msg_t *m = eod_msg_new (type);
    if (!m)
        return -1;
    char text[64];
    snprintf (text, sizeof text, "hostile probe %ld", index);
    switch (type) {
    case EOD_MSG_TASK:
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->task_id, "hostile-task");
        eod_msg_set (&m->market, "kr");
        eod_msg_set (&m->mode, "daily");
        eod_msg_set (&m->code, "005930");
        eod_msg_set (&m->name, "Samsung");
        eod_msg_set (&m->date_from, "2024-09-02");
        eod_msg_set (&m->date_to, "2024-09-02");
        eod_fields_set (&m->meta, "group", "ST");
        break;
    case EOD_MSG_RESULT: {
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->task_id, "hostile-task");
        eod_msg_set (&m->market, "kr");
        eod_msg_set (&m->code, "005930");
        eod_msg_set (&m->status, "ok");
        eod_fields_t row = EOD_FIELDS_INIT;
        eod_fields_set (&row, "stck_bsop_date", "20240902");
        eod_fields_set (&row, "stck_clpr", "74400");
        eod_msg_add_row (m, &row);
        eod_fields_clear (&row);
        eod_fields_set (&m->snapshot, "hts_kor_isnm", "Samsung");
        break;
    }
    case EOD_MSG_JOB:
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->market, "kr");
        eod_msg_set (&m->mode, "listing-status");
        eod_msg_set (&m->date_from, "2024-09-02");
        eod_msg_set (&m->date_to, "2024-09-02");
        break;
    case EOD_MSG_EVENT:
        eod_msg_set (&m->level, "info");
        eod_msg_set (&m->stage, "hostile");
        eod_msg_set (&m->text, text);
        eod_fields_set (&m->fields, "kind", "probe");
        break;
    case EOD_MSG_END:
        //  A closed day's END, as the calendar gate makes it: no run id.
        eod_msg_set (&m->stage, "hostile");
        eod_msg_set (&m->market, "kr");
        eod_msg_set (&m->mode, "daily");
        eod_msg_set (&m->date_from, "2024-09-16");
        eod_msg_set (&m->date_to, "2024-09-16");
        eod_msg_set (&m->status, "closed");
        break;
    case EOD_MSG_ACK:
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->task_id, "hostile-task");
        break;
    case EOD_MSG_READY:
    case EOD_MSG_HEARTBEAT:
        eod_msg_set (&m->worker, "hostile");
        break;
    default:
        eod_msg_destroy (&m);
        return -1;
    }
    char *data = NULL, err[256];
    size_t len = 0;
    int rc = eod_msg_encode (m, &data, &len, err, sizeof err);
    eod_msg_destroy (&m);
    if (rc) {
        fprintf (stderr, "eod-inject: %s\n", err);
        return -1;
    }
    s_raw (f, data, len);
    free (data);
    return 0;
}

//  ---------------------------------------------------------------- kinds

static const eod_msg_type_t s_truncated_types[] = {EOD_MSG_TASK, EOD_MSG_RESULT, EOD_MSG_JOB, EOD_MSG_EVENT};
#define S_NTRUNCATED (sizeof s_truncated_types / sizeof s_truncated_types[0])

static int
s_build_garbage (s_frame_t *f, long i)
{
    size_t len = 1 + s_rand () % S_GARBAGE_LEN_MAX;
    for (size_t k = 0; k < len; k++) {
        uint8_t b = (uint8_t) s_rand ();
        //  Every other frame starts like a map, to get past the first byte.
        if (k == 0 && i % 2)
            b = (uint8_t) (0x80 | (b & 0x0f));
        s_byte (f, b);
    }
    f->what = i % 2 ? "random bytes after a fixmap byte" : "random bytes";
    return 0;
}

static int
s_build_truncated (s_frame_t *f, long i)
{
    eod_msg_type_t type = s_truncated_types[i % S_NTRUNCATED];
    if (s_encode (f, type, i))
        return -1;
    //  Cut anywhere from after the first byte to one byte short.
    size_t len = f->buf.size;
    f->buf.size = 1 + s_rand () % (len - 1);
    static char what[64];
    snprintf (what, sizeof what, "a %s of %zu bytes cut short", eod_msg_type_name (type), len);
    f->what = what;
    return 0;
}

#define S_HUGECOUNT_VARIANTS 11
static int
s_build_hugecount (s_frame_t *f, long i)
{
    switch (i % S_HUGECOUNT_VARIANTS) {
    case 0: s_byte (f, 0xdf); s_be32 (f, 0xffffffffu); f->what = "map32 of 4294967295 pairs, no bytes"; break;
    case 1: s_byte (f, 0xdd); s_be32 (f, 0xffffffffu); f->what = "array32 of 4294967295 items, no bytes"; break;
    case 2:
        s_byte (f, 0xdb); s_be32 (f, 0xffffffffu); s_raw (f, "abc", 3);
        f->what = "str32 of 4294967295 bytes, 3 given";
        break;
    case 3: s_byte (f, 0xc6); s_be32 (f, 0xfffffff0u); f->what = "bin32 of 4294967280 bytes"; break;
    case 4: s_byte (f, 0xc9); s_be32 (f, 0xffffffffu); s_byte (f, 1); f->what = "ext32 of 4294967295 bytes"; break;
    case 5:
        msgpack_pack_map (&f->pk, 3);
        s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        s_kv (f, "t", "TASK");
        s_str (f, "meta"); s_byte (f, 0xdf); s_be32 (f, 0x7fffffffu);
        f->what = "TASK whose meta is a map32 of 2147483647 pairs";
        break;
    case 6:
        msgpack_pack_map (&f->pk, 3);
        s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        s_kv (f, "t", "RESULT");
        s_str (f, "rows"); s_byte (f, 0xdd); s_be32 (f, 0xffffffffu);
        f->what = "RESULT whose rows are an array32 of 4294967295";
        break;
    case 7:
        msgpack_pack_map (&f->pk, 3);
        s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        s_kv (f, "t", "LISTED");
        s_str (f, "list"); s_byte (f, 0xdd); s_be32 (f, 0x10000000u);
        f->what = "LISTED whose list is an array32 of 268435456";
        break;
    case 8: s_byte (f, 0xde); s_byte (f, 0xff); s_byte (f, 0xff); f->what = "map16 of 65535 pairs, no bytes"; break;
    case 9:
        for (int k = 0; k < S_DEEP_LEVELS; k++)
            s_byte (f, 0x91);
        s_byte (f, 0xc0);
        f->what = "arrays nested 100 deep";
        break;
    default:
        //  A map that declares more pairs than its body holds.
        msgpack_pack_map (&f->pk, 15);
        s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        f->what = "fixmap of 15 pairs holding 1";
    }
    return 0;
}

static int
s_build_toobig (s_frame_t *f)
{
    //  One byte over the limit, and a header that says so honestly.
    size_t len = (size_t) EOD_PROTO_FRAME_MAX + 1 - 5;
    s_byte (f, 0xdb);
    s_be32 (f, (uint32_t) len);
    char *body = calloc (1, len);
    if (!body)
        return -1;
    memset (body, 'x', len);
    s_raw (f, body, len);
    free (body);
    f->what = "str32 frame of EOD_PROTO_FRAME_MAX + 1 bytes";
    f->kills_link = true;
    return 0;
}

#define S_VERSION_VARIANTS 8
static int
s_build_version (s_frame_t *f, long i)
{
    int variant = (int) (i % S_VERSION_VARIANTS);
    bool missing = variant == 5, twice = variant == 7;
    msgpack_pack_map (&f->pk, 1 + S_TASK_PAIRS + (missing ? 0 : 1) + (twice ? 1 : 0));
    if (!missing)
        s_str (f, "v");
    switch (variant) {
    case 0: msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION + 1); f->what = "TASK with v = 2"; break;
    case 1: msgpack_pack_int64 (&f->pk, 0); f->what = "TASK with v = 0"; break;
    case 2: msgpack_pack_int64 (&f->pk, -1); f->what = "TASK with v = -1"; break;
    case 3: s_str (f, "1"); f->what = "TASK with v = \"1\""; break;
    case 4: msgpack_pack_double (&f->pk, 1.0); f->what = "TASK with v = 1.0"; break;
    case 5: f->what = "TASK without v"; break;
    case 6: msgpack_pack_uint64 (&f->pk, UINT64_MAX); f->what = "TASK with v = 2^64-1"; break;
    default:
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        s_str (f, "v");
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION + 1);
        f->what = "TASK with v twice (1, then 2)";
    }
    s_kv (f, "t", "TASK");
    s_task_body (f);
    return 0;
}

//  A TASK frame with one pair replaced or added.
typedef enum { S_WT_NAME_INT, S_WT_ATTEMPT_STR, S_WT_META_ARRAY, S_WT_META_VALUE_INT, S_WT_KEY_INT,
               S_WT_NUL, S_WT_LONG_STR, S_WT_UNKNOWN_FIELD, S_WT_TYPE_INT, S_WT_TYPE_UNKNOWN,
               S_WT_ATTEMPT_HUGE, S_WT_DUP_FIELD, S_WT_MISSING, S_WT_ROWS_MAP, S_WT_ROW_NOT_MAP,
               S_WT_LIST_INT, S_WT_ARRAY_TOP, S_WT_TRAILING, S_WT_VARIANTS } s_wrongtype_t;

static int
s_build_wrongtype (s_frame_t *f, long i)
{
    s_wrongtype_t w = (s_wrongtype_t) (i % S_WT_VARIANTS);
    if (w == S_WT_ARRAY_TOP) {
        msgpack_pack_array (&f->pk, 2);
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        s_str (f, "TASK");
        f->what = "an array [1, \"TASK\"] instead of a map";
        return 0;
    }
    if (w == S_WT_TRAILING) {
        if (s_encode (f, EOD_MSG_HEARTBEAT, i))
            return -1;
        s_byte (f, 0xc0);
        f->what = "a valid HEARTBEAT followed by one more byte";
        return 0;
    }
    if (w == S_WT_ROWS_MAP || w == S_WT_ROW_NOT_MAP || w == S_WT_LIST_INT) {
        bool listed = w == S_WT_LIST_INT;
        msgpack_pack_map (&f->pk, listed ? 9 : 8);
        s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        if (listed) {
            s_kv (f, "t", "LISTED");
            s_kv (f, "run_id", "hostile-run"); s_kv (f, "market", "kr"); s_kv (f, "mode", "daily");
            s_kv (f, "date_from", "2024-09-02"); s_kv (f, "date_to", "2024-09-02");
            s_str (f, "count"); msgpack_pack_int64 (&f->pk, 1);
            s_str (f, "list"); msgpack_pack_array (&f->pk, 2); s_str (f, "005930 x"); msgpack_pack_int64 (&f->pk, 7);
            f->what = "LISTED whose list holds an integer";
            return 0;
        }
        s_kv (f, "t", "RESULT");
        s_kv (f, "run_id", "hostile-run"); s_kv (f, "task_id", "hostile-task"); s_kv (f, "market", "kr");
        s_kv (f, "code", "005930"); s_kv (f, "status", "ok");
        s_str (f, "rows");
        if (w == S_WT_ROWS_MAP) {
            msgpack_pack_map (&f->pk, 1); s_kv (f, "a", "b");
            f->what = "RESULT whose rows are a map";
        }
        else {
            msgpack_pack_array (&f->pk, 2); msgpack_pack_map (&f->pk, 1); s_kv (f, "a", "b");
            s_str (f, "not a row");
            f->what = "RESULT whose second row is a string";
        }
        return 0;
    }
    //  The rest are TASKs: v, t, the body, and maybe one more pair.
    bool extra = w != S_WT_TYPE_INT && w != S_WT_TYPE_UNKNOWN && w != S_WT_MISSING;
    msgpack_pack_map (&f->pk, 2 + S_TASK_PAIRS + (extra ? 1 : 0) - (w == S_WT_MISSING ? 1 : 0));
    s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_str (f, "t");
    if (w == S_WT_TYPE_INT)
        msgpack_pack_int64 (&f->pk, EOD_MSG_TASK);
    else if (w == S_WT_TYPE_UNKNOWN)
        s_str (f, "NOPE");
    else
        s_str (f, "TASK");
    if (w == S_WT_MISSING) {
        //  The body without its code.
        s_kv (f, "run_id", "hostile-run"); s_kv (f, "task_id", "hostile-task"); s_kv (f, "market", "kr");
        s_kv (f, "mode", "daily"); s_kv (f, "date_from", "2024-09-02"); s_kv (f, "date_to", "2024-09-02");
        f->what = "TASK without its required code";
        return 0;
    }
    s_task_body (f);
    switch (w) {
    case S_WT_NAME_INT:
        s_str (f, "name"); msgpack_pack_int64 (&f->pk, 5930);
        f->what = "TASK whose name is an integer";
        break;
    case S_WT_ATTEMPT_STR: s_kv (f, "attempt", "one"); f->what = "TASK whose attempt is a string"; break;
    case S_WT_META_ARRAY:
        s_str (f, "meta"); msgpack_pack_array (&f->pk, 1); s_str (f, "x");
        f->what = "TASK whose meta is an array";
        break;
    case S_WT_META_VALUE_INT:
        s_str (f, "meta"); msgpack_pack_map (&f->pk, 1); s_str (f, "cap"); msgpack_pack_int64 (&f->pk, 4000);
        f->what = "TASK whose meta holds an integer value";
        break;
    case S_WT_KEY_INT:
        msgpack_pack_int64 (&f->pk, 42); s_str (f, "x");
        f->what = "TASK with an integer key";
        break;
    case S_WT_NUL:
        s_str (f, "exchange"); msgpack_pack_str (&f->pk, 3); msgpack_pack_str_body (&f->pk, "a\0b", 3);
        f->what = "TASK whose exchange holds a NUL byte";
        break;
    case S_WT_LONG_STR: {
        size_t n = EOD_PROTO_STRING_MAX + 1;
        char *s = malloc (n);
        if (!s)
            return -1;
        memset (s, 'n', n);
        s_str (f, "name"); msgpack_pack_str (&f->pk, n); msgpack_pack_str_body (&f->pk, s, n);
        free (s);
        f->what = "TASK whose name is EOD_PROTO_STRING_MAX + 1 bytes";
        break;
    }
    case S_WT_UNKNOWN_FIELD: s_kv (f, "colour", "red"); f->what = "TASK with an unknown field"; break;
    case S_WT_ATTEMPT_HUGE:
        s_str (f, "attempt"); msgpack_pack_uint64 (&f->pk, UINT64_MAX);
        f->what = "TASK whose attempt is 2^64-1";
        break;
    case S_WT_DUP_FIELD: s_kv (f, "code", "000660"); f->what = "TASK whose code repeats"; break;
    case S_WT_TYPE_INT: f->what = "TASK whose t is an integer"; break;
    case S_WT_TYPE_UNKNOWN: f->what = "a message of unknown type NOPE"; break;
    default: break;
    }
    return 0;
}

//  A JOB listing-status (the REP service answers it) with a meta of many
//  distinct keys: legal, under every limit, and a test of decode cost.
static int
s_build_bigmap (s_frame_t *f, long keys)
{
    msgpack_pack_map (&f->pk, 8);
    s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_kv (f, "t", "JOB");
    s_kv (f, "run_id", "hostile-run"); s_kv (f, "market", "kr"); s_kv (f, "mode", "listing-status");
    s_kv (f, "date_from", "2024-09-02"); s_kv (f, "date_to", "2024-09-02");
    s_str (f, "meta");
    msgpack_pack_map (&f->pk, (size_t) keys);
    for (long k = 0; k < keys; k++) {
        char key[24];
        snprintf (key, sizeof key, "k%ld", k);
        s_kv (f, key, "");
    }
    static char what[64];
    snprintf (what, sizeof what, "JOB listing-status whose meta has %ld keys", keys);
    f->what = what;
    return 0;
}

//  An array of nils: one byte each on the wire, one msgpack_object each in
//  the decoder's zone.
static int
s_build_wide (s_frame_t *f, long size)
{
    size_t n = (size_t) size - 5;
    s_byte (f, 0xdd);
    s_be32 (f, (uint32_t) n);
    char *body = malloc (n);
    if (!body)
        return -1;
    memset (body, 0xc0, n);
    s_raw (f, body, n);
    free (body);
    static char what[64];
    snprintf (what, sizeof what, "an array of %zu nils", n);
    f->what = what;
    return 0;
}

//  A well-formed JOB chk-holiday whose dates are too short to be dates.
static int
s_build_baddates (s_frame_t *f, long i)
{
    msgpack_pack_map (&f->pk, 7);
    s_str (f, "v"); msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_kv (f, "t", "JOB");
    s_kv (f, "run_id", "chk-holiday"); s_kv (f, "market", "kr"); s_kv (f, "mode", "chk-holiday");
    const char *d = i % 2 ? "2024" : "";
    s_kv (f, "date_from", d); s_kv (f, "date_to", d);
    f->what = i % 2 ? "JOB chk-holiday with dates \"2024\"" : "JOB chk-holiday with empty dates";
    return 0;
}

static const struct {
    const char *name;
    eod_msg_type_t type;
} s_valid[] = {
    {"valid-heartbeat", EOD_MSG_HEARTBEAT}, {"valid-ready", EOD_MSG_READY}, {"valid-event", EOD_MSG_EVENT},
    {"valid-ack", EOD_MSG_ACK},             {"valid-status", EOD_MSG_JOB},  {"valid-task", EOD_MSG_TASK},
    {"valid-result", EOD_MSG_RESULT},       {"valid-end", EOD_MSG_END},
};
#define S_NVALID (sizeof s_valid / sizeof s_valid[0])

//  Builds frame i of the kind into f (and f2 for a second frame). 0, or -1 on
//  an unknown kind or no memory.
static int
s_build (const s_opts_t *o, long i, s_frame_t *f, s_frame_t *f2, bool *two)
{
    *two = false;
    const char *k = o->kind;
    if (strcmp (k, "garbage") == 0)
        return s_build_garbage (f, i);
    if (strcmp (k, "truncated") == 0)
        return s_build_truncated (f, i);
    if (strcmp (k, "hugecount") == 0)
        return s_build_hugecount (f, i);
    if (strcmp (k, "toobig") == 0)
        return s_build_toobig (f);
    if (strcmp (k, "oversize") == 0)
        //  The declared-count lies first; the frame that costs the link last.
        return i % (S_HUGECOUNT_VARIANTS + 1) == S_HUGECOUNT_VARIANTS ? s_build_toobig (f)
                                                                       : s_build_hugecount (f, i);
    if (strcmp (k, "version") == 0)
        return s_build_version (f, i);
    if (strcmp (k, "wrongtype") == 0)
        return s_build_wrongtype (f, i);
    if (strcmp (k, "empty") == 0) {
        f->what = "a frame of zero bytes";
        return 0;
    }
    if (strcmp (k, "multipart") == 0) {
        *two = true;
        f->what = "two frames, each a valid HEARTBEAT";
        return s_encode (f, EOD_MSG_HEARTBEAT, i) || s_encode (f2, EOD_MSG_HEARTBEAT, i);
    }
    if (strcmp (k, "bigmap") == 0)
        return s_build_bigmap (f, o->keys);
    if (strcmp (k, "wide") == 0)
        return s_build_wide (f, o->size);
    if (strcmp (k, "baddates") == 0)
        return s_build_baddates (f, i);
    for (size_t v = 0; v < S_NVALID; v++)
        if (strcmp (k, s_valid[v].name) == 0) {
            f->what = s_valid[v].name + strlen ("valid-");
            return s_encode (f, s_valid[v].type, i);
        }
    fprintf (stderr, "eod-inject: unknown --kind %s\n", k);
    return -1;
}

//  ---------------------------------------------------------------- sockets

static void
s_print_hex (const char *label, const uint8_t *data, size_t len)
{
    printf ("%s %zu bytes:", label, len);
    size_t shown = len < S_HEX_SHOWN ? len : S_HEX_SHOWN;
    if (shown)
        putchar (' ');
    for (size_t k = 0; k < shown; k++)
        printf ("%02x", data[k]);
    printf ("%s\n", shown < len ? "..." : "");
}

static zsock_t *
s_connect (const s_opts_t *o, zactor_t **monitor)
{
    zsock_t *sock = zsock_new (o->type);
    if (!sock)
        return NULL;
    zsock_set_linger (sock, S_LINGER_MS);
    zsock_set_sndtimeo (sock, S_SNDTIMEO_MS);
    *monitor = zactor_new (zmonitor, sock);
    if (*monitor) {
        zstr_sendx (*monitor, "LISTEN", "DISCONNECTED", NULL);
        zstr_sendx (*monitor, "START", NULL);
        zsock_wait (*monitor);
    }
    if (zsock_connect (sock, "%s", o->endpoint)) {
        fprintf (stderr, "eod-inject: cannot connect %s: %s\n", o->endpoint, zmq_strerror (zmq_errno ()));
        zactor_destroy (monitor);
        zsock_destroy (&sock);
    }
    return sock;
}

//  Prints the connection drops the monitor saw; returns how many.
static int
s_drain_monitor (zactor_t *monitor)
{
    int drops = 0;
    while (monitor && (zsock_events (zactor_sock (monitor)) & ZMQ_POLLIN)) {
        zmsg_t *ev = zmsg_recv (monitor);
        char *name = zmsg_popstr (ev);
        if (name && strcmp (name, "DISCONNECTED") == 0) {
            printf ("monitor: the peer closed the connection\n");
            drops++;
        }
        free (name);
        zmsg_destroy (&ev);
    }
    return drops;
}

//  Waits up to wait_ms for messages and prints them (all for a DEALER, the
//  one answer for a REQ). Returns how many arrived.
static int
s_replies (const s_opts_t *o, zsock_t *sock)
{
    int got = 0;
    int64_t deadline = zclock_mono () + o->wait_ms;
    zpoller_t *poller = zpoller_new (sock, NULL);
    while (true) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0 || !zpoller_wait (poller, (int) left))
            break;
        zmsg_t *reply = zmsg_recv (sock);
        if (!reply)
            break;
        got++;
        int n = 0;
        for (zframe_t *fr = zmsg_first (reply); fr; fr = zmsg_next (reply), n++) {
            if (zframe_size (fr) == 0 && o->type == ZMQ_DEALER && n == 0) {
                printf ("reply frame %d: (empty delimiter)\n", n);
                continue;
            }
            char err[256];
            eod_msg_t *m = eod_msg_decode (zframe_data (fr), zframe_size (fr), err, sizeof err);
            char *json = m ? eod_msg_to_json (m) : NULL;
            if (json)
                printf ("reply frame %d: %s\n", n, json);
            else {
                char label[64];
                snprintf (label, sizeof label, "reply frame %d (not a message: %s)", n, err);
                s_print_hex (label, zframe_data (fr), zframe_size (fr));
            }
            free (json);
            eod_msg_destroy (&m);
        }
        zmsg_destroy (&reply);
        if (o->type == ZMQ_REQ)
            break;
    }
    zpoller_destroy (&poller);
    return got;
}

static int
s_send_frame (zsock_t *sock, const void *data, size_t len, bool more)
{
    zframe_t *fr = zframe_new (data, len);
    if (!fr)
        return -1;
    if (zframe_send (&fr, sock, more ? ZFRAME_MORE : 0)) {
        zframe_destroy (&fr);
        return -1;
    }
    return 0;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
             "usage: eod-inject --endpoint EP --type push|dealer|req --kind KIND [--count N] [--seed S]\n"
             "                  [--wait-ms MS] [--keys N] [--size BYTES] [--envelope] [--expect-reply]\n\n"
             "Sends hostile frames to a stage's input socket and prints each one (and any reply).\n"
             "KIND: garbage truncated hugecount toobig oversize (hugecount, then toobig) version\n"
             "      wrongtype multipart empty bigmap (--keys) wide (--size) baddates\n"
             "      valid-heartbeat valid-ready valid-event valid-ack valid-status valid-task valid-result\n"
             "      valid-end (a closed day's END, without a run id)\n"
             "--envelope   a DEALER sends an empty delimiter frame first (as a REQ does)\n"
             "--expect-reply  exit 1 unless every frame got a reply (dealer, req)\n"
             "Exit codes: 0 sent, 1 a reply missing, 2 usage, 3 a frame could not be sent.\n");
}

static int
s_parse (int argc, char **argv, s_opts_t *o)
{
    memset (o, 0, sizeof *o);
    o->count = 1;
    o->wait_ms = -1;
    o->keys = S_BIGMAP_KEYS;
    o->size = S_WIDE_BYTES;
    o->seed = (uint64_t) time (NULL) ^ ((uint64_t) getpid () << 32);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp (a, "--help") == 0) {
            s_usage (stdout);
            exit (0);
        }
        if (strcmp (a, "--envelope") == 0) {
            o->envelope = true;
            continue;
        }
        if (strcmp (a, "--expect-reply") == 0) {
            o->expect_reply = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf (stderr, "eod-inject: %s needs a value\n", a);
            return -1;
        }
        const char *v = argv[++i];
        char *end = NULL;
        long long n = strtoll (v, &end, 10);
        bool numeric = end != v && *end == '\0';
        if (strcmp (a, "--endpoint") == 0)
            o->endpoint = v;
        else if (strcmp (a, "--type") == 0)
            o->type_name = v;
        else if (strcmp (a, "--kind") == 0)
            o->kind = v;
        else if (strcmp (a, "--count") == 0 && numeric && n >= 1)
            o->count = (long) n;
        else if (strcmp (a, "--seed") == 0 && numeric)
            o->seed = (uint64_t) n;
        else if (strcmp (a, "--wait-ms") == 0 && numeric && n >= 0 && n <= INT32_MAX)
            o->wait_ms = (int) n;
        else if (strcmp (a, "--keys") == 0 && numeric && n >= 1 && n <= UINT32_MAX)
            o->keys = (long) n;
        else if (strcmp (a, "--size") == 0 && numeric && n >= 16 && n <= EOD_PROTO_FRAME_MAX)
            o->size = (long) n;
        else {
            fprintf (stderr, "eod-inject: bad option %s %s\n", a, v);
            return -1;
        }
    }
    if (!o->endpoint || !o->type_name || !o->kind) {
        fprintf (stderr, "eod-inject: --endpoint, --type and --kind are required\n");
        return -1;
    }
    if (strcmp (o->type_name, "push") == 0)
        o->type = ZMQ_PUSH;
    else if (strcmp (o->type_name, "dealer") == 0)
        o->type = ZMQ_DEALER;
    else if (strcmp (o->type_name, "req") == 0)
        o->type = ZMQ_REQ;
    else {
        fprintf (stderr, "eod-inject: --type must be push, dealer or req\n");
        return -1;
    }
    if (o->wait_ms < 0)
        o->wait_ms = o->type == ZMQ_REQ ? S_WAIT_REQ_MS : S_WAIT_DEALER_MS;
    if (o->seed == 0)
        o->seed = 1;   //  xorshift's one fixed point
    return 0;
}

int
main (int argc, char **argv)
{
    s_opts_t o;
    if (s_parse (argc, argv, &o)) {
        s_usage (stderr);
        return 2;
    }
    zsys_init ();
    zsys_set_logstream (NULL);
    s_rng = o.seed;
    printf ("eod-inject: %s %s, kind %s, %ld frame(s), seed %llu\n", o.type_name, o.endpoint, o.kind, o.count,
            (unsigned long long) o.seed);
    zactor_t *monitor = NULL;
    zsock_t *sock = s_connect (&o, &monitor);
    if (!sock)
        return 3;
    int rc = 0;
    long sent = 0, answered = 0;
    int drops = 0;
    s_frame_t f, f2;
    s_frame_init (&f);
    s_frame_init (&f2);
    for (long i = 0; i < o.count && !zsys_interrupted; i++) {
        s_frame_reset (&f);
        s_frame_reset (&f2);
        bool two = false;
        if (s_build (&o, i, &f, &f2, &two)) {
            rc = 2;
            break;
        }
        if (f.kills_link)
            zclock_sleep (S_SETTLE_MS);   //  what went before is delivered first
        char label[160];
        snprintf (label, sizeof label, "sent %ld (%s):", i, f.what);
        s_print_hex (label, (const uint8_t *) f.buf.data, f.buf.size);
        if (two)
            s_print_hex ("  second frame:", (const uint8_t *) f2.buf.data, f2.buf.size);
        int err = 0;
        if (o.envelope && o.type == ZMQ_DEALER)
            err = s_send_frame (sock, "", 0, true);
        if (!err)
            err = s_send_frame (sock, f.buf.data, f.buf.size, two);
        if (!err && two)
            err = s_send_frame (sock, f2.buf.data, f2.buf.size, false);
        if (err) {
            printf ("send %ld failed: %s\n", i, zmq_strerror (zmq_errno ()));
            rc = 3;
            break;
        }
        sent++;
        bool replied = false;
        if (o.type != ZMQ_PUSH) {
            replied = s_replies (&o, sock) > 0;
            answered += replied;
            if (!replied)
                printf ("no reply to %ld in %d ms\n", i, o.wait_ms);
        }
        if (f.kills_link)
            zclock_sleep (S_SETTLE_MS);
        drops += s_drain_monitor (monitor);
        //  A REQ that got no answer cannot send again; a link the peer cut
        //  drops what was queued behind it: start over on a new socket.
        if ((o.type == ZMQ_REQ && !replied) || f.kills_link) {
            zsock_set_linger (sock, 0);
            zactor_destroy (&monitor);
            zsock_destroy (&sock);
            sock = s_connect (&o, &monitor);
            if (!sock) {
                rc = 3;
                break;
            }
        }
    }
    s_frame_reset (&f);
    s_frame_reset (&f2);
    msgpack_sbuffer_destroy (&f.buf);
    msgpack_sbuffer_destroy (&f2.buf);
    if (o.type == ZMQ_PUSH)
        zclock_sleep (S_SETTLE_MS / 3);
    drops += s_drain_monitor (monitor);
    printf ("eod-inject: sent %ld frame(s), %ld answered, %d connection drop(s)\n", sent, answered, drops);
    if (rc == 0 && o.expect_reply && o.type != ZMQ_PUSH && answered < sent)
        rc = 1;
    zactor_destroy (&monitor);
    zsock_destroy (&sock);
    return rc;
}
