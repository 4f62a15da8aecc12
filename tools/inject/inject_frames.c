/*  inject_frames — builds the hostile frames of eod-inject, byte by byte or
    through msgpack's packer and proto/'s encoder. See inject_frames.h. */
#include "inject_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eod_proto.h"
#include "inject_fields.h"

#define S_HOSTILE_TASK "kr-005930-20240902-20240902"   //  a task id of code 005930
#define S_GARBAGE_LEN_MAX 300                          //  random frames are 1..this long
#define S_DEEP_LEVELS 100                              //  nesting beyond EOD_PROTO_DEPTH_MAX
#define S_XORSHIFT_MUL 2685821657736338717ULL          //  xorshift64*'s multiplier

static uint64_t s_rng;

static uint64_t
s_rand (void)
{
    //  xorshift64*: reproducible from --seed, good enough for garbage.
    s_rng ^= s_rng >> 12;
    s_rng ^= s_rng << 25;
    s_rng ^= s_rng >> 27;
    return s_rng * S_XORSHIFT_MUL;
}

void
inject_seed (uint64_t seed)
{
    s_rng = seed ? seed : 1;   //  xorshift's one fixed point
}

void
inject_frame_init (inject_frame_t *f)
{
    memset (f, 0, sizeof *f);
    msgpack_sbuffer_init (&f->buf);
    msgpack_packer_init (&f->pk, &f->buf, msgpack_sbuffer_write);
}

void
inject_frame_reset (inject_frame_t *f)
{
    msgpack_sbuffer_destroy (&f->buf);
    inject_frame_init (f);
}

static void
s_raw (inject_frame_t *f, const void *data, size_t len)
{
    msgpack_sbuffer_write (&f->buf, data, len);
}

static void
s_byte (inject_frame_t *f, uint8_t b)
{
    s_raw (f, &b, 1);
}

static void
s_be32 (inject_frame_t *f, uint32_t n)
{
    uint8_t b[4] = {(uint8_t) (n >> 24), (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n};
    s_raw (f, b, sizeof b);
}

static void
s_str (inject_frame_t *f, const char *s)
{
    size_t n = strlen (s);
    msgpack_pack_str (&f->pk, n);
    msgpack_pack_str_body (&f->pk, s, n);
}

static void
s_kv (inject_frame_t *f, const char *key, const char *value)
{
    s_str (f, key);
    s_str (f, value);
}

//  The fields of a well-formed TASK after "v" and "t": 7 pairs.
#define S_TASK_PAIRS 7
static void
s_task_body (inject_frame_t *f)
{
    s_kv (f, "run_id", "hostile-run");
    s_kv (f, "task_id", S_HOSTILE_TASK);
    s_kv (f, "market", "kr");
    s_kv (f, "mode", "daily");
    s_kv (f, "code", "005930");
    s_kv (f, "date_from", "2024-09-02");
    s_kv (f, "date_to", "2024-09-02");
}

static int s_encode_msg (inject_frame_t *f, eod_msg_t **msg_p);

//  A well-formed message of the given type through the real encoder, or -1.
static int
s_encode (inject_frame_t *f, eod_msg_type_t type, long index)
{
    eod_msg_t *m = eod_msg_new (type);
    if (!m)
        return -1;
    char text[64];
    snprintf (text, sizeof text, "hostile probe %ld", index);
    switch (type) {
    case EOD_MSG_TASK:
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->task_id, S_HOSTILE_TASK);
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
        eod_msg_set (&m->task_id, S_HOSTILE_TASK);
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
    case EOD_MSG_LISTING_ASK:
        eod_msg_set (&m->run_id, "hostile-run");
        eod_msg_set (&m->market, "kr");
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
        eod_msg_set (&m->task_id, S_HOSTILE_TASK);
        break;
    case EOD_MSG_READY:
    case EOD_MSG_HEARTBEAT: eod_msg_set (&m->worker, "hostile"); break;
    default: eod_msg_destroy (&m); return -1;
    }
    return s_encode_msg (f, &m);
}

//  Encodes *msg_p (destroyed) into f through the real encoder. 0 or -1.
static int
s_encode_msg (inject_frame_t *f, eod_msg_t **msg_p)
{
    eod_msg_t *m = *msg_p;
    *msg_p = NULL;
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

static const eod_msg_type_t s_truncated_types[] = {EOD_MSG_TASK, EOD_MSG_RESULT, EOD_MSG_LISTING_ASK, EOD_MSG_EVENT};
#define S_NTRUNCATED (sizeof s_truncated_types / sizeof s_truncated_types[0])

static int
s_build_garbage (inject_frame_t *f, long i)
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
s_build_truncated (inject_frame_t *f, long i)
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

//  A map of three pairs: "v", "t" and the key of a third whose value the
//  caller writes.
static void
s_head_then (inject_frame_t *f, const char *type, const char *key)
{
    msgpack_pack_map (&f->pk, 3);
    s_str (f, "v");
    msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_kv (f, "t", type);
    s_str (f, key);
}

#define S_HUGECOUNT_VARIANTS 11
static int
s_build_hugecount (inject_frame_t *f, long i)
{
    switch (i % S_HUGECOUNT_VARIANTS) {
    case 0:
        s_byte (f, 0xdf);
        s_be32 (f, 0xffffffffu);
        f->what = "map32 of 4294967295 pairs, no bytes";
        break;
    case 1:
        s_byte (f, 0xdd);
        s_be32 (f, 0xffffffffu);
        f->what = "array32 of 4294967295 items, no bytes";
        break;
    case 2:
        s_byte (f, 0xdb);
        s_be32 (f, 0xffffffffu);
        s_raw (f, "abc", 3);
        f->what = "str32 of 4294967295 bytes, 3 given";
        break;
    case 3:
        s_byte (f, 0xc6);
        s_be32 (f, 0xfffffff0u);
        f->what = "bin32 of 4294967280 bytes";
        break;
    case 4:
        s_byte (f, 0xc9);
        s_be32 (f, 0xffffffffu);
        s_byte (f, 1);
        f->what = "ext32 of 4294967295 bytes";
        break;
    case 5:
        s_head_then (f, "TASK", "meta");
        s_byte (f, 0xdf);
        s_be32 (f, 0x7fffffffu);
        f->what = "TASK whose meta is a map32 of 2147483647 pairs";
        break;
    case 6:
        s_head_then (f, "RESULT", "rows");
        s_byte (f, 0xdd);
        s_be32 (f, 0xffffffffu);
        f->what = "RESULT whose rows are an array32 of 4294967295";
        break;
    case 7:
        s_head_then (f, "LISTED", "list");
        s_byte (f, 0xdd);
        s_be32 (f, 0x10000000u);
        f->what = "LISTED whose list is an array32 of 268435456";
        break;
    case 8:
        s_byte (f, 0xde);
        s_byte (f, 0xff);
        s_byte (f, 0xff);
        f->what = "map16 of 65535 pairs, no bytes";
        break;
    case 9:
        for (int k = 0; k < S_DEEP_LEVELS; k++)
            s_byte (f, 0x91);
        s_byte (f, 0xc0);
        f->what = "arrays nested 100 deep";
        break;
    default:
        //  A map that declares more pairs than its body holds.
        msgpack_pack_map (&f->pk, 15);
        s_str (f, "v");
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        f->what = "fixmap of 15 pairs holding 1";
    }
    return 0;
}

static int
s_build_toobig (inject_frame_t *f)
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
s_build_version (inject_frame_t *f, long i)
{
    int variant = (int) (i % S_VERSION_VARIANTS);
    bool missing = variant == 5, twice = variant == 7;
    msgpack_pack_map (&f->pk, 1 + S_TASK_PAIRS + (missing ? 0 : 1) + (twice ? 1 : 0));
    if (!missing)
        s_str (f, "v");
    switch (variant) {
    case 0:
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION + 1);
        f->what = "TASK with v = 2";
        break;
    case 1:
        msgpack_pack_int64 (&f->pk, 0);
        f->what = "TASK with v = 0";
        break;
    case 2:
        msgpack_pack_int64 (&f->pk, -1);
        f->what = "TASK with v = -1";
        break;
    case 3:
        s_str (f, "1");
        f->what = "TASK with v = \"1\"";
        break;
    case 4:
        msgpack_pack_double (&f->pk, 1.0);
        f->what = "TASK with v = 1.0";
        break;
    case 5: f->what = "TASK without v"; break;
    case 6:
        msgpack_pack_uint64 (&f->pk, UINT64_MAX);
        f->what = "TASK with v = 2^64-1";
        break;
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
typedef enum {
    S_WT_NAME_INT,
    S_WT_ATTEMPT_STR,
    S_WT_META_ARRAY,
    S_WT_META_VALUE_INT,
    S_WT_KEY_INT,
    S_WT_NUL,
    S_WT_LONG_STR,
    S_WT_UNKNOWN_FIELD,
    S_WT_TYPE_INT,
    S_WT_TYPE_UNKNOWN,
    S_WT_ATTEMPT_HUGE,
    S_WT_DUP_FIELD,
    S_WT_MISSING,
    S_WT_ROWS_MAP,
    S_WT_ROW_NOT_MAP,
    S_WT_LIST_INT,
    S_WT_ARRAY_TOP,
    S_WT_TRAILING,
    S_WT_VARIANTS
} s_wrongtype_t;

static int
s_build_wrongtype (inject_frame_t *f, long i)
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
        s_str (f, "v");
        msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
        if (listed) {
            s_kv (f, "t", "LISTED");
            s_kv (f, "run_id", "hostile-run");
            s_kv (f, "market", "kr");
            s_kv (f, "mode", "daily");
            s_kv (f, "date_from", "2024-09-02");
            s_kv (f, "date_to", "2024-09-02");
            s_str (f, "count");
            msgpack_pack_int64 (&f->pk, 1);
            s_str (f, "list");
            msgpack_pack_array (&f->pk, 2);
            s_str (f, "005930 x");
            msgpack_pack_int64 (&f->pk, 7);
            f->what = "LISTED whose list holds an integer";
            return 0;
        }
        s_kv (f, "t", "RESULT");
        s_kv (f, "run_id", "hostile-run");
        s_kv (f, "task_id", S_HOSTILE_TASK);
        s_kv (f, "market", "kr");
        s_kv (f, "code", "005930");
        s_kv (f, "status", "ok");
        s_str (f, "rows");
        if (w == S_WT_ROWS_MAP) {
            msgpack_pack_map (&f->pk, 1);
            s_kv (f, "a", "b");
            f->what = "RESULT whose rows are a map";
        }
        else {
            msgpack_pack_array (&f->pk, 2);
            msgpack_pack_map (&f->pk, 1);
            s_kv (f, "a", "b");
            s_str (f, "not a row");
            f->what = "RESULT whose second row is a string";
        }
        return 0;
    }
    //  The rest are TASKs: v, t, the body, and maybe one more pair.
    bool extra = w != S_WT_TYPE_INT && w != S_WT_TYPE_UNKNOWN && w != S_WT_MISSING;
    msgpack_pack_map (&f->pk, 2 + S_TASK_PAIRS + (extra ? 1 : 0) - (w == S_WT_MISSING ? 1 : 0));
    s_str (f, "v");
    msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_str (f, "t");
    if (w == S_WT_TYPE_INT)
        msgpack_pack_int64 (&f->pk, EOD_MSG_TASK);
    else if (w == S_WT_TYPE_UNKNOWN)
        s_str (f, "NOPE");
    else
        s_str (f, "TASK");
    if (w == S_WT_MISSING) {
        //  The body without its code.
        s_kv (f, "run_id", "hostile-run");
        s_kv (f, "task_id", S_HOSTILE_TASK);
        s_kv (f, "market", "kr");
        s_kv (f, "mode", "daily");
        s_kv (f, "date_from", "2024-09-02");
        s_kv (f, "date_to", "2024-09-02");
        f->what = "TASK without its required code";
        return 0;
    }
    s_task_body (f);
    switch (w) {
    case S_WT_NAME_INT:
        s_str (f, "name");
        msgpack_pack_int64 (&f->pk, 5930);
        f->what = "TASK whose name is an integer";
        break;
    case S_WT_ATTEMPT_STR:
        s_kv (f, "attempt", "one");
        f->what = "TASK whose attempt is a string";
        break;
    case S_WT_META_ARRAY:
        s_str (f, "meta");
        msgpack_pack_array (&f->pk, 1);
        s_str (f, "x");
        f->what = "TASK whose meta is an array";
        break;
    case S_WT_META_VALUE_INT:
        s_str (f, "meta");
        msgpack_pack_map (&f->pk, 1);
        s_str (f, "cap");
        msgpack_pack_int64 (&f->pk, 4000);
        f->what = "TASK whose meta holds an integer value";
        break;
    case S_WT_KEY_INT:
        msgpack_pack_int64 (&f->pk, 42);
        s_str (f, "x");
        f->what = "TASK with an integer key";
        break;
    case S_WT_NUL:
        s_str (f, "exchange");
        msgpack_pack_str (&f->pk, 3);
        msgpack_pack_str_body (&f->pk, "a\0b", 3);
        f->what = "TASK whose exchange holds a NUL byte";
        break;
    case S_WT_LONG_STR: {
        size_t n = EOD_PROTO_STRING_MAX + 1;
        char *s = malloc (n);
        if (!s)
            return -1;
        memset (s, 'n', n);
        s_str (f, "name");
        msgpack_pack_str (&f->pk, n);
        msgpack_pack_str_body (&f->pk, s, n);
        free (s);
        f->what = "TASK whose name is EOD_PROTO_STRING_MAX + 1 bytes";
        break;
    }
    case S_WT_UNKNOWN_FIELD:
        s_kv (f, "colour", "red");
        f->what = "TASK with an unknown field";
        break;
    case S_WT_ATTEMPT_HUGE:
        s_str (f, "attempt");
        msgpack_pack_uint64 (&f->pk, UINT64_MAX);
        f->what = "TASK whose attempt is 2^64-1";
        break;
    case S_WT_DUP_FIELD:
        s_kv (f, "code", "000660");
        f->what = "TASK whose code repeats";
        break;
    case S_WT_TYPE_INT: f->what = "TASK whose t is an integer"; break;
    case S_WT_TYPE_UNKNOWN: f->what = "a message of unknown type NOPE"; break;
    default: break;
    }
    return 0;
}

//  A HOLIDAYS (the REP service refuses it: the table lists it only the other
//  way) whose days map holds many distinct keys: legal, under every limit,
//  and a test of decode cost.
static int
s_build_bigmap (inject_frame_t *f, long keys)
{
    msgpack_pack_map (&f->pk, 4);
    s_str (f, "v");
    msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_kv (f, "t", "HOLIDAYS");
    s_kv (f, "status", "ok");
    s_str (f, "days");
    msgpack_pack_map (&f->pk, (size_t) keys);
    for (long k = 0; k < keys; k++) {
        char key[24];
        snprintf (key, sizeof key, "k%ld", k);
        s_kv (f, key, "");
    }
    static char what[64];
    snprintf (what, sizeof what, "HOLIDAYS whose days map has %ld keys", keys);
    f->what = what;
    return 0;
}

//  An array of nils: one byte each on the wire, one msgpack_object each in
//  the decoder's zone.
static int
s_build_wide (inject_frame_t *f, long size)
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

//  A well-formed HOLIDAY_ASK whose dates are too short to be dates.
static int
s_build_baddates (inject_frame_t *f, long i)
{
    msgpack_pack_map (&f->pk, 5);
    s_str (f, "v");
    msgpack_pack_int64 (&f->pk, EOD_PROTO_VERSION);
    s_kv (f, "t", "HOLIDAY_ASK");
    s_kv (f, "market", "kr");
    const char *d = i % 2 ? "2024" : "";
    s_kv (f, "date_from", d);
    s_kv (f, "date_to", d);
    f->what = i % 2 ? "HOLIDAY_ASK with dates \"2024\"" : "HOLIDAY_ASK with empty dates";
    return 0;
}

//  A message of the named type with every field of its table set to a value
//  its grammar takes (inject_fields_fill), through the real encoder: what a
//  stage must refuse when the table does not list the type for it.
static int
s_build_typed (inject_frame_t *f, const char *name)
{
    eod_msg_type_t type = eod_msg_type_parse (name);
    eod_msg_t *m = type != EOD_MSG_INVALID ? eod_msg_new (type) : NULL;
    if (!m) {
        fprintf (stderr, "eod-inject: no message type %s\n", name);
        return -1;
    }
    if (inject_fields_fill (m)) {
        eod_msg_destroy (&m);
        return -1;
    }
    f->what = eod_msg_type_name (type);
    return s_encode_msg (f, &m);
}

//  field:TYPE:NAME=HEX[,HEX...]: frame i holds the i-th value (modulo their
//  number) in field NAME of a valid TYPE.
static int
s_build_field (inject_frame_t *f, const char *spec, long i)
{
    static char what[160];
    const char *eq = strchr (spec, '=');
    size_t nvalues = 1;
    for (const char *p = eq ? eq : ""; *p; p++)
        nvalues += *p == ',';
    const char *value = eq ? eq + 1 : "";
    for (long k = i % (long) nvalues; k > 0; k--)
        value = strchr (value, ',') + 1;
    size_t len = strcspn (value, ",");
    size_t head = eq ? (size_t) (eq - spec) + 1 : strlen (spec);
    char *one = malloc (head + len + 1);
    if (!one)
        return -1;
    memcpy (one, spec, head);
    memcpy (one + head, value, len);
    one[head + len] = '\0';
    snprintf (what, sizeof what, "field %.*s value %ld of %zu", (int) (eq ? eq - spec : 0), spec,
              i % (long) nvalues + 1, nvalues);
    f->what = what;
    char err[256];
    int rc = inject_fields_override (one, &f->buf, err, sizeof err);
    if (rc)
        fprintf (stderr, "eod-inject: %s\n", err);
    free (one);
    return rc;
}

static const struct {
    const char *name;
    eod_msg_type_t type;
} s_valid[] = {
    {"valid-heartbeat", EOD_MSG_HEARTBEAT}, {"valid-ready", EOD_MSG_READY},
    {"valid-event", EOD_MSG_EVENT},         {"valid-ack", EOD_MSG_ACK},
    {"valid-status", EOD_MSG_LISTING_ASK},  {"valid-task", EOD_MSG_TASK},
    {"valid-result", EOD_MSG_RESULT},       {"valid-end", EOD_MSG_END},
};
#define S_NVALID (sizeof s_valid / sizeof s_valid[0])

int
inject_build (const char *kind, long keys, long size, long i, inject_frame_t *f, inject_frame_t *f2, bool *two)
{
    *two = false;
    const char *k = kind;
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
        return i % (S_HUGECOUNT_VARIANTS + 1) == S_HUGECOUNT_VARIANTS ? s_build_toobig (f) : s_build_hugecount (f, i);
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
        return s_build_bigmap (f, keys);
    if (strcmp (k, "wide") == 0)
        return s_build_wide (f, size);
    if (strcmp (k, "baddates") == 0)
        return s_build_baddates (f, i);
    if (strncmp (k, "type:", 5) == 0)
        return s_build_typed (f, k + 5);
    if (strncmp (k, "field:", 6) == 0)
        return s_build_field (f, k + 6, i);
    for (size_t v = 0; v < S_NVALID; v++)
        if (strcmp (k, s_valid[v].name) == 0) {
            f->what = s_valid[v].name + strlen ("valid-");
            return s_encode (f, s_valid[v].type, i);
        }
    fprintf (stderr, "eod-inject: unknown --kind %s\n", k);
    return -1;
}
