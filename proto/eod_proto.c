/*  eod_proto — see eod_proto.h. The field tables below are the protocol. */
#include "eod_proto.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_STR, K_INT, K_FIELDS, K_ROWS, K_LIST } s_kind_t;

typedef struct {
    const char *name;   //  key on the wire
    s_kind_t kind;
    size_t offset;      //  into eod_msg_t
    bool required;
} s_field_t;

#define S_(f) #f, K_STR, offsetof (eod_msg_t, f)
#define I_(f) #f, K_INT, offsetof (eod_msg_t, f)
#define F_(f) #f, K_FIELDS, offsetof (eod_msg_t, f)
#define REQ true
#define OPT false
#define S_END {NULL, K_STR, 0, false}

static const s_field_t s_job[] = {
    {S_ (run_id), REQ}, {S_ (market), REQ}, {S_ (mode), REQ}, {S_ (date_from), REQ},
    {S_ (date_to), REQ}, {F_ (meta), OPT}, S_END};
static const s_field_t s_task[] = {
    {S_ (run_id), REQ}, {S_ (task_id), REQ}, {S_ (market), REQ}, {S_ (mode), REQ},
    {S_ (code), REQ}, {S_ (exchange), OPT}, {S_ (name), OPT}, {S_ (date_from), REQ},
    {S_ (date_to), REQ}, {S_ (key_id), OPT}, {I_ (attempt), OPT}, {F_ (meta), OPT}, S_END};
static const s_field_t s_listed[] = {
    {S_ (run_id), REQ}, {S_ (market), REQ}, {S_ (mode), REQ}, {S_ (date_from), REQ},
    {S_ (date_to), REQ}, {I_ (count), REQ}, {F_ (meta), OPT}, {"list", K_LIST, offsetof (eod_msg_t, list), OPT},
    S_END};
static const s_field_t s_ready[] = {{S_ (worker), REQ}, {I_ (count), OPT}, {I_ (sent_us), OPT}, S_END};
static const s_field_t s_heartbeat[] = {{S_ (worker), REQ}, {I_ (count), OPT}, {I_ (sent_us), OPT}, S_END};
static const s_field_t s_result[] = {
    {S_ (run_id), REQ}, {S_ (task_id), REQ}, {S_ (market), REQ}, {S_ (code), REQ},
    {S_ (status), REQ}, {S_ (mode), OPT}, {S_ (date_from), OPT}, {S_ (date_to), OPT},
    {S_ (error), OPT}, {S_ (msg_cd), OPT}, {I_ (attempt), OPT}, {I_ (requests), OPT}, {I_ (count), OPT},
    {I_ (sent_us), OPT}, {"rows", K_ROWS, offsetof (eod_msg_t, rows), OPT}, {F_ (snapshot), OPT}, {F_ (meta), OPT}, S_END};
static const s_field_t s_ack[] = {
    {S_ (run_id), REQ}, {S_ (task_id), REQ}, {S_ (stage), OPT}, {"list", K_LIST, offsetof (eod_msg_t, list), OPT},
    S_END};
static const s_field_t s_run_done[] = {
    {S_ (run_id), REQ}, {S_ (market), REQ}, {S_ (mode), REQ}, {S_ (date_from), REQ},
    {S_ (date_to), REQ}, {I_ (count), REQ}, {I_ (ok), REQ}, {I_ (nodata), REQ},
    {I_ (unknown), REQ}, {I_ (failed), REQ}, {I_ (requests), OPT}, {I_ (rate_limited), OPT},
    {I_ (retries), OPT}, {I_ (duration_ms), OPT}, {"list", K_LIST, offsetof (eod_msg_t, list), OPT},
    {F_ (meta), OPT}, S_END};
static const s_field_t s_file[] = {
    {S_ (run_id), REQ}, {S_ (market), REQ}, {S_ (date_from), REQ}, {S_ (path), REQ},
    {S_ (key), REQ}, {S_ (md5), REQ}, {I_ (count), REQ}, S_END};
static const s_field_t s_event[] = {
    {S_ (level), REQ}, {S_ (stage), REQ}, {S_ (text), REQ}, {S_ (run_id), OPT},
    {S_ (market), OPT}, {S_ (date_from), OPT}, {F_ (fields), OPT}, S_END};
static const s_field_t s_end[] = {
    {S_ (stage), REQ}, {S_ (run_id), OPT}, {S_ (status), OPT}, {S_ (market), OPT},
    {S_ (mode), OPT}, {S_ (date_from), OPT}, {S_ (date_to), OPT}, {S_ (error), OPT},
    {F_ (meta), OPT}, {"list", K_LIST, offsetof (eod_msg_t, list), OPT}, S_END};
static const s_field_t s_creds[] = {
    {S_ (key_id), REQ}, {S_ (app_key), REQ}, {S_ (app_secret), REQ}, {S_ (token), REQ},
    {I_ (expires), REQ}, {S_ (base_url), OPT}, {I_ (count), OPT}, S_END};

static const struct {
    const char *name;
    const s_field_t *fields;
} s_types[EOD_MSG_TYPES] = {
    [EOD_MSG_INVALID] = {"?", NULL},          [EOD_MSG_JOB] = {"JOB", s_job},
    [EOD_MSG_TASK] = {"TASK", s_task},        [EOD_MSG_LISTED] = {"LISTED", s_listed},
    [EOD_MSG_READY] = {"READY", s_ready},     [EOD_MSG_HEARTBEAT] = {"HEARTBEAT", s_heartbeat},
    [EOD_MSG_RESULT] = {"RESULT", s_result},  [EOD_MSG_ACK] = {"ACK", s_ack},
    [EOD_MSG_RUN_DONE] = {"RUN_DONE", s_run_done}, [EOD_MSG_FILE] = {"FILE", s_file},
    [EOD_MSG_EVENT] = {"EVENT", s_event},     [EOD_MSG_END] = {"END", s_end},
    [EOD_MSG_CREDS] = {"CREDS", s_creds},
};

//  Every string field of eod_msg_t, for destroy and dup.
static const size_t s_string_offsets[] = {
    offsetof (eod_msg_t, run_id),   offsetof (eod_msg_t, task_id),   offsetof (eod_msg_t, market),
    offsetof (eod_msg_t, mode),     offsetof (eod_msg_t, date_from), offsetof (eod_msg_t, date_to),
    offsetof (eod_msg_t, code),     offsetof (eod_msg_t, exchange),  offsetof (eod_msg_t, name),
    offsetof (eod_msg_t, key_id),   offsetof (eod_msg_t, status),    offsetof (eod_msg_t, error),
    offsetof (eod_msg_t, msg_cd),   offsetof (eod_msg_t, worker),    offsetof (eod_msg_t, path),
    offsetof (eod_msg_t, key),      offsetof (eod_msg_t, md5),       offsetof (eod_msg_t, level),
    offsetof (eod_msg_t, stage),    offsetof (eod_msg_t, text),      offsetof (eod_msg_t, app_key),
    offsetof (eod_msg_t, app_secret), offsetof (eod_msg_t, token),   offsetof (eod_msg_t, base_url),
};
#define S_NSTRINGS (sizeof s_string_offsets / sizeof s_string_offsets[0])

#define S_STR(msg, off) ((char **) ((char *) (msg) + (off)))
#define S_INT(msg, off) ((int64_t *) ((char *) (msg) + (off)))
#define S_FIELDS(msg, off) ((eod_fields_t *) ((char *) (msg) + (off)))

eod_msg_t *
eod_msg_new (eod_msg_type_t type)
{
    eod_msg_t *self = calloc (1, sizeof *self);
    if (self)
        self->type = type;
    return self;
}

void
eod_msg_destroy (eod_msg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_msg_t *self = *self_p;
    for (size_t i = 0; i < S_NSTRINGS; i++) {
        char **s = S_STR (self, s_string_offsets[i]);
        if (*s && (s_string_offsets[i] == offsetof (eod_msg_t, app_secret)
                   || s_string_offsets[i] == offsetof (eod_msg_t, token)))
            memset (*s, 0, strlen (*s));   //  do not leave secrets in freed memory
        free (*s);
    }
    eod_fields_clear (&self->meta);
    eod_fields_clear (&self->snapshot);
    eod_fields_clear (&self->fields);
    eod_fields_array_free (&self->rows, self->nrows);
    for (size_t i = 0; i < self->nlist; i++)
        free (self->list[i]);
    free (self->list);
    free (self);
    *self_p = NULL;
}

const char *
eod_msg_type_name (eod_msg_type_t type)
{
    return type > EOD_MSG_INVALID && type < EOD_MSG_TYPES ? s_types[type].name : "?";
}

eod_msg_type_t
eod_msg_type_parse (const char *name)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
        if (strcmp (s_types[t].name, name) == 0)
            return (eod_msg_type_t) t;
    return EOD_MSG_INVALID;
}

int
eod_msg_set (char **field, const char *value)
{
    char *copy = NULL;
    if (value && !(copy = strdup (value)))
        return -1;
    free (*field);
    *field = copy;
    return 0;
}

int
eod_msg_add_row (eod_msg_t *self, const eod_fields_t *row)
{
    eod_fields_t *rows = realloc (self->rows, (self->nrows + 1) * sizeof *rows);
    if (!rows)
        return -1;
    self->rows = rows;
    eod_fields_t copy = EOD_FIELDS_INIT;
    if (eod_fields_merge (&copy, row)) {
        eod_fields_clear (&copy);
        return -1;
    }
    rows[self->nrows++] = copy;
    return 0;
}

int
eod_msg_add_list (eod_msg_t *self, const char *entry)
{
    char **list = realloc (self->list, (self->nlist + 1) * sizeof *list);
    if (!list)
        return -1;
    self->list = list;
    if (!(list[self->nlist] = strdup (entry)))
        return -1;
    self->nlist++;
    return 0;
}

//  ---------------------------------------------------------------- encoding

static void
s_pack_str (msgpack_packer *pk, const char *s)
{
    size_t len = strlen (s);
    msgpack_pack_str (pk, len);
    msgpack_pack_str_body (pk, s, len);
}

static void
s_pack_fields (msgpack_packer *pk, const eod_fields_t *f)
{
    msgpack_pack_map (pk, f->count);
    for (size_t i = 0; i < f->count; i++) {
        s_pack_str (pk, f->items[i].key);
        s_pack_str (pk, f->items[i].value);
    }
}

//  True when the field is present (and so encoded).
static bool
s_present (const eod_msg_t *self, const s_field_t *f)
{
    switch (f->kind) {
    case K_STR: return *S_STR (self, f->offset) != NULL;
    case K_INT: return f->required || *S_INT (self, f->offset) != 0;
    case K_FIELDS: return S_FIELDS (self, f->offset)->count > 0;
    case K_ROWS: return self->nrows > 0;
    case K_LIST: return self->nlist > 0;
    }
    return false;
}

int
eod_msg_encode (const eod_msg_t *self, char **data, size_t *len, char *err, size_t errlen)
{
    if (self->type <= EOD_MSG_INVALID || self->type >= EOD_MSG_TYPES) {
        snprintf (err, errlen, "encode: invalid message type %d", (int) self->type);
        return -1;
    }
    const s_field_t *table = s_types[self->type].fields;
    size_t n = 2;
    for (const s_field_t *f = table; f->name; f++) {
        if (s_present (self, f))
            n++;
        else if (f->required) {
            snprintf (err, errlen, "encode %s: required field '%s' is missing", s_types[self->type].name,
                      f->name);
            return -1;
        }
    }
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init (&sbuf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, n);
    s_pack_str (&pk, "v");
    msgpack_pack_int64 (&pk, EOD_PROTO_VERSION);
    s_pack_str (&pk, "t");
    s_pack_str (&pk, s_types[self->type].name);
    for (const s_field_t *f = table; f->name; f++) {
        if (!s_present (self, f))
            continue;
        s_pack_str (&pk, f->name);
        switch (f->kind) {
        case K_STR: s_pack_str (&pk, *S_STR (self, f->offset)); break;
        case K_INT: msgpack_pack_int64 (&pk, *S_INT (self, f->offset)); break;
        case K_FIELDS: s_pack_fields (&pk, S_FIELDS (self, f->offset)); break;
        case K_ROWS:
            msgpack_pack_array (&pk, self->nrows);
            for (size_t i = 0; i < self->nrows; i++)
                s_pack_fields (&pk, &self->rows[i]);
            break;
        case K_LIST:
            msgpack_pack_array (&pk, self->nlist);
            for (size_t i = 0; i < self->nlist; i++)
                s_pack_str (&pk, self->list[i]);
            break;
        }
    }
    if (sbuf.size > EOD_PROTO_FRAME_MAX) {
        snprintf (err, errlen, "encode %s: %zu bytes is over the frame limit", s_types[self->type].name,
                  sbuf.size);
        msgpack_sbuffer_destroy (&sbuf);
        return -1;
    }
    *data = sbuf.data;   //  malloc'd by msgpack_sbuffer_write
    *len = sbuf.size;
    return 0;
}

//  ---------------------------------------------------------------- decoding

//  Walks one msgpack object at *pos without allocating, checking that every
//  declared length and count fits in the bytes left. 0 or -1.
static int
s_prescan (const uint8_t *p, size_t len, size_t *pos, int depth, uint64_t *elements, char *err, size_t errlen)
{
    if (depth > EOD_PROTO_DEPTH_MAX) {
        snprintf (err, errlen, "nesting deeper than %d", EOD_PROTO_DEPTH_MAX);
        return -1;
    }
    if (*pos >= len) {
        snprintf (err, errlen, "truncated frame at byte %zu", *pos);
        return -1;
    }
    uint8_t b = p[(*pos)++];
    size_t left = len - *pos;
    uint64_t count = 0;       //  elements of an array/map (maps count keys+values)
    uint64_t skip = 0;        //  payload bytes
    size_t width = 0;         //  bytes of the length prefix
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return 0;
    else if (b >= 0x80 && b <= 0x8f)
        count = 2u * (b & 0x0f);
    else if (b >= 0x90 && b <= 0x9f)
        count = b & 0x0f;
    else if (b >= 0xa0 && b <= 0xbf)
        skip = b & 0x1f;
    else {
        switch (b) {
        case 0xcc: case 0xd0: skip = 1; break;
        case 0xcd: case 0xd1: skip = 2; break;
        case 0xca: case 0xce: case 0xd2: skip = 4; break;
        case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
        case 0xd4: skip = 2; break;
        case 0xd5: skip = 3; break;
        case 0xd6: skip = 5; break;
        case 0xd7: skip = 9; break;
        case 0xd8: skip = 17; break;
        case 0xc4: case 0xd9: width = 1; break;
        case 0xc5: case 0xda: width = 2; break;
        case 0xc6: case 0xdb: width = 4; break;
        case 0xc7: width = 1; skip = 1; break;
        case 0xc8: width = 2; skip = 1; break;
        case 0xc9: width = 4; skip = 1; break;
        case 0xdc: case 0xde: width = 2; break;
        case 0xdd: case 0xdf: width = 4; break;
        default:
            snprintf (err, errlen, "invalid msgpack byte 0x%02x at %zu", b, *pos - 1);
            return -1;
        }
        if (width) {
            if (left < width) {
                snprintf (err, errlen, "truncated length at byte %zu", *pos);
                return -1;
            }
            uint64_t n = 0;
            for (size_t i = 0; i < width; i++)
                n = (n << 8) | p[*pos + i];
            *pos += width;
            left -= width;
            if (b == 0xdc || b == 0xdd)
                count = n;
            else if (b == 0xde || b == 0xdf)
                count = 2 * n;
            else
                skip += n;
        }
    }
    if (skip) {
        if (skip > left) {
            snprintf (err, errlen, "declared %llu bytes with %zu left at byte %zu", (unsigned long long) skip,
                      left, *pos);
            return -1;
        }
        *pos += skip;
        return 0;
    }
    //  Every element takes at least one byte: a count larger than what is left
    //  is a lie that would make msgpack-c allocate for it.
    if (count > left) {
        snprintf (err, errlen, "declared %llu elements with %zu bytes left at byte %zu",
                  (unsigned long long) count, left, *pos);
        return -1;
    }
    //  msgpack-c spends about 24 bytes per element: a frame of one-byte
    //  elements would cost 24 times its size.
    *elements += count;
    if (*elements > EOD_PROTO_ELEMENTS_MAX) {
        snprintf (err, errlen, "more than %d elements in one message", EOD_PROTO_ELEMENTS_MAX);
        return -1;
    }
    bool map = (b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf;
    if (map && count / 2 > EOD_PROTO_MAP_MAX) {
        snprintf (err, errlen, "a map of %llu keys, over %d", (unsigned long long) (count / 2), EOD_PROTO_MAP_MAX);
        return -1;
    }
    for (uint64_t i = 0; i < count; i++)
        if (s_prescan (p, len, pos, depth + 1, elements, err, errlen))
            return -1;
    return 0;
}

static bool
s_key_is (const msgpack_object *o, const char *name)
{
    size_t n = strlen (name);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n && memcmp (o->via.str.ptr, name, n) == 0;
}

//  Copies a msgpack string out of the zone. -1 when not a string or too long.
static int
s_copy_str (const msgpack_object *o, char **out, const char *what, char *err, size_t errlen)
{
    if (o->type != MSGPACK_OBJECT_STR) {
        snprintf (err, errlen, "field '%s' is not a string", what);
        return -1;
    }
    if (o->via.str.size > EOD_PROTO_STRING_MAX) {
        snprintf (err, errlen, "field '%s' is %u bytes, over %d", what, o->via.str.size, EOD_PROTO_STRING_MAX);
        return -1;
    }
    if (memchr (o->via.str.ptr, '\0', o->via.str.size)) {
        snprintf (err, errlen, "field '%s' holds a NUL byte", what);
        return -1;
    }
    char *s = malloc (o->via.str.size + 1);
    if (!s) {
        snprintf (err, errlen, "out of memory");
        return -1;
    }
    memcpy (s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = '\0';
    free (*out);
    *out = s;
    return 0;
}

static int
s_copy_fields (const msgpack_object *o, eod_fields_t *out, const char *what, char *err, size_t errlen)
{
    if (o->type != MSGPACK_OBJECT_MAP) {
        snprintf (err, errlen, "field '%s' is not a map", what);
        return -1;
    }
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        char *k = NULL, *v = NULL;
        int rc = s_copy_str (&o->via.map.ptr[i].key, &k, what, err, errlen);
        if (rc == 0)
            rc = s_copy_str (&o->via.map.ptr[i].val, &v, what, err, errlen);
        if (rc == 0 && eod_fields_get (out, k)) {
            snprintf (err, errlen, "field '%s' repeats key '%.64s'", what, k);
            rc = -1;
        }
        if (rc == 0) {
            //  The pair is new: the list takes the copies.
            if (eod_fields_adopt (out, k, v) == 0)
                continue;
            snprintf (err, errlen, "out of memory");
            return -1;
        }
        free (k);
        free (v);
        return -1;
    }
    return 0;
}

static int
s_decode_field (eod_msg_t *self, const s_field_t *f, const msgpack_object *val, char *err, size_t errlen)
{
    switch (f->kind) {
    case K_STR: return s_copy_str (val, S_STR (self, f->offset), f->name, err, errlen);
    case K_INT:
        if (val->type == MSGPACK_OBJECT_POSITIVE_INTEGER && val->via.u64 <= INT64_MAX)
            *S_INT (self, f->offset) = (int64_t) val->via.u64;
        else if (val->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            *S_INT (self, f->offset) = val->via.i64;
        else {
            snprintf (err, errlen, "field '%s' is not an integer", f->name);
            return -1;
        }
        return 0;
    case K_FIELDS: return s_copy_fields (val, S_FIELDS (self, f->offset), f->name, err, errlen);
    case K_ROWS:
        if (val->type != MSGPACK_OBJECT_ARRAY) {
            snprintf (err, errlen, "field 'rows' is not an array");
            return -1;
        }
        if (val->via.array.size > EOD_PROTO_ROWS_MAX) {
            snprintf (err, errlen, "%u rows, over %d", val->via.array.size, EOD_PROTO_ROWS_MAX);
            return -1;
        }
        self->rows = calloc (val->via.array.size ? val->via.array.size : 1, sizeof *self->rows);
        if (!self->rows) {
            snprintf (err, errlen, "out of memory");
            return -1;
        }
        for (uint32_t i = 0; i < val->via.array.size; i++) {
            self->nrows = i + 1;
            if (s_copy_fields (&val->via.array.ptr[i], &self->rows[i], "rows", err, errlen))
                return -1;
        }
        return 0;
    case K_LIST:
        if (val->type != MSGPACK_OBJECT_ARRAY) {
            snprintf (err, errlen, "field 'list' is not an array");
            return -1;
        }
        self->list = calloc (val->via.array.size ? val->via.array.size : 1, sizeof *self->list);
        if (!self->list) {
            snprintf (err, errlen, "out of memory");
            return -1;
        }
        for (uint32_t i = 0; i < val->via.array.size; i++) {
            self->nlist = i + 1;
            if (s_copy_str (&val->via.array.ptr[i], &self->list[i], "list", err, errlen))
                return -1;
        }
        return 0;
    }
    return -1;
}

eod_msg_t *
eod_msg_decode (const void *data, size_t len, char *err, size_t errlen)
{
    eod_msg_t *self = NULL;
    msgpack_unpacked result;
    msgpack_unpacked_init (&result);
    size_t pos = 0;

    if (!data || len == 0) {
        snprintf (err, errlen, "empty frame");
        goto fail;
    }
    if (len > EOD_PROTO_FRAME_MAX) {
        snprintf (err, errlen, "frame of %zu bytes is over the limit", len);
        goto fail;
    }
    uint64_t elements = 0;
    if (s_prescan (data, len, &pos, 0, &elements, err, errlen))
        goto fail;
    if (pos != len) {
        snprintf (err, errlen, "%zu trailing bytes after the message", len - pos);
        goto fail;
    }
    size_t off = 0;
    if (msgpack_unpack_next (&result, data, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len) {
        snprintf (err, errlen, "not one msgpack object");
        goto fail;
    }
    const msgpack_object *root = &result.data;
    if (root->type != MSGPACK_OBJECT_MAP) {
        snprintf (err, errlen, "message is not a map");
        goto fail;
    }
    //  Version and type first, wherever they stand in the map.
    const msgpack_object *v = NULL, *t = NULL;
    for (uint32_t i = 0; i < root->via.map.size; i++) {
        const msgpack_object *key = &root->via.map.ptr[i].key;
        const msgpack_object **slot = s_key_is (key, "v") ? &v : s_key_is (key, "t") ? &t : NULL;
        if (!slot)
            continue;
        if (*slot) {
            snprintf (err, errlen, "field '%s' repeats", s_key_is (key, "v") ? "v" : "t");
            goto fail;
        }
        *slot = &root->via.map.ptr[i].val;
    }
    if (!v || v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        snprintf (err, errlen, "no protocol version");
        goto fail;
    }
    if (v->via.u64 != EOD_PROTO_VERSION) {
        snprintf (err, errlen, "protocol version %llu, expected %d", (unsigned long long) v->via.u64,
                  EOD_PROTO_VERSION);
        goto fail;
    }
    char tname[16] = "";
    if (!t || t->type != MSGPACK_OBJECT_STR || t->via.str.size >= sizeof tname
        || memchr (t->via.str.ptr, '\0', t->via.str.size)) {
        snprintf (err, errlen, "no message type");
        goto fail;
    }
    memcpy (tname, t->via.str.ptr, t->via.str.size);
    eod_msg_type_t type = eod_msg_type_parse (tname);
    if (type == EOD_MSG_INVALID) {
        snprintf (err, errlen, "unknown message type '%s'", tname);
        goto fail;
    }
    self = eod_msg_new (type);
    if (!self) {
        snprintf (err, errlen, "out of memory");
        goto fail;
    }
    const s_field_t *table = s_types[type].fields;
    size_t nfields = 0;
    while (table[nfields].name)
        nfields++;
    bool seen[32] = {false};
    for (uint32_t i = 0; i < root->via.map.size; i++) {
        const msgpack_object *key = &root->via.map.ptr[i].key;
        if (s_key_is (key, "v") || s_key_is (key, "t"))
            continue;
        size_t k;
        for (k = 0; k < nfields; k++)
            if (s_key_is (key, table[k].name))
                break;
        if (k == nfields) {
            if (key->type == MSGPACK_OBJECT_STR)
                snprintf (err, errlen, "%s: unknown field '%.*s'", tname,
                          (int) (key->via.str.size > 64 ? 64 : key->via.str.size), key->via.str.ptr);
            else
                snprintf (err, errlen, "%s: a key is not a string", tname);
            goto fail;
        }
        if (seen[k]) {
            snprintf (err, errlen, "%s: field '%s' repeats", tname, table[k].name);
            goto fail;
        }
        seen[k] = true;
        char inner[200];
        if (s_decode_field (self, &table[k], &root->via.map.ptr[i].val, inner, sizeof inner)) {
            snprintf (err, errlen, "%s: %s", tname, inner);
            goto fail;
        }
    }
    for (size_t k = 0; k < nfields; k++)
        if (table[k].required && !seen[k]) {
            snprintf (err, errlen, "%s: required field '%s' is missing", tname, table[k].name);
            goto fail;
        }
    msgpack_unpacked_destroy (&result);
    return self;
fail:
    msgpack_unpacked_destroy (&result);
    eod_msg_destroy (&self);
    return NULL;
}

eod_msg_t *
eod_msg_dup (const eod_msg_t *src)
{
    char *data = NULL;
    size_t len = 0;
    char err[128];
    if (eod_msg_encode (src, &data, &len, err, sizeof err))
        return NULL;
    eod_msg_t *copy = eod_msg_decode (data, len, err, sizeof err);
    free (data);
    return copy;
}

//  A JSON string of s. jansson refuses bytes that are not UTF-8 (a CP949
//  name, a corrupt frame); such a string is written with those bytes as '?'
//  rather than dropped from the trace.
static json_t *
s_json_string (const char *s)
{
    json_t *js = json_string (s);
    char *copy = NULL;
    if (js || !(copy = strdup (s)))
        return js;
    for (char *c = copy; *c; c++)
        if ((unsigned char) *c >= 0x80)
            *c = '?';
    js = json_string (copy);
    free (copy);
    return js;
}

static json_t *
s_fields_json (const eod_fields_t *f)
{
    json_t *obj = json_object ();
    for (size_t i = 0; i < f->count; i++) {
        json_t *key = s_json_string (f->items[i].key);
        if (key)
            json_object_set_new (obj, json_string_value (key), s_json_string (f->items[i].value));
        json_decref (key);
    }
    return obj;
}

char *
eod_msg_to_json (const eod_msg_t *self)
{
    json_t *obj = json_object ();
    json_object_set_new (obj, "t", json_string (eod_msg_type_name (self->type)));
    if (self->type > EOD_MSG_INVALID && self->type < EOD_MSG_TYPES) {
        for (const s_field_t *f = s_types[self->type].fields; f->name; f++) {
            if (!s_present (self, f))
                continue;
            bool secret = f->offset == offsetof (eod_msg_t, app_secret) || f->offset == offsetof (eod_msg_t, token)
                          || f->offset == offsetof (eod_msg_t, app_key);
            switch (f->kind) {
            case K_STR:
                json_object_set_new (obj, f->name,
                                     secret ? json_string ("[redacted]") : s_json_string (*S_STR (self, f->offset)));
                break;
            case K_INT: json_object_set_new (obj, f->name, json_integer (*S_INT (self, f->offset))); break;
            case K_FIELDS: json_object_set_new (obj, f->name, s_fields_json (S_FIELDS (self, f->offset))); break;
            case K_ROWS: {
                json_t *arr = json_array ();
                for (size_t i = 0; i < self->nrows; i++)
                    json_array_append_new (arr, s_fields_json (&self->rows[i]));
                json_object_set_new (obj, f->name, arr);
                break;
            }
            case K_LIST: {
                json_t *arr = json_array ();
                for (size_t i = 0; i < self->nlist; i++)
                    json_array_append_new (arr, s_json_string (self->list[i]));
                json_object_set_new (obj, f->name, arr);
                break;
            }
            }
        }
    }
    char *text = json_dumps (obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref (obj);
    return text;
}
