/*  eod_proto_codec — msgpack encoding and strict decoding of eod messages,
    walking the field tables of eod_proto_table.c (see eod_proto.h). */
#include "eod_proto_internal.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
eod_msg_encode (const eod_msg_t *self, char **data, size_t *len, char *err, size_t errlen)
{
    if (self->type <= EOD_MSG_INVALID || self->type >= EOD_MSG_TYPES) {
        snprintf (err, errlen, "encode: invalid message type %d", (int) self->type);
        return -1;
    }
    const eod_proto_field_t *table = eod_proto_types[self->type].fields;
    size_t n = 2;
    for (const eod_proto_field_t *f = table; f->name; f++) {
        if (eod_proto_present (self, f))
            n++;
        else if (f->required) {
            snprintf (err, errlen, "encode %s: required field '%s' is missing", eod_proto_types[self->type].name,
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
    s_pack_str (&pk, eod_proto_types[self->type].name);
    for (const eod_proto_field_t *f = table; f->name; f++) {
        if (!eod_proto_present (self, f))
            continue;
        s_pack_str (&pk, f->name);
        switch (f->kind) {
        case EOD_K_STR: s_pack_str (&pk, *EOD_PROTO_STR (self, f->offset)); break;
        case EOD_K_INT: msgpack_pack_int64 (&pk, *EOD_PROTO_INT (self, f->offset)); break;
        case EOD_K_FIELDS: s_pack_fields (&pk, EOD_PROTO_FIELDS (self, f->offset)); break;
        case EOD_K_ROWS:
            msgpack_pack_array (&pk, self->nrows);
            for (size_t i = 0; i < self->nrows; i++)
                s_pack_fields (&pk, &self->rows[i]);
            break;
        case EOD_K_LIST:
            msgpack_pack_array (&pk, self->nlist);
            for (size_t i = 0; i < self->nlist; i++)
                s_pack_str (&pk, self->list[i]);
            break;
        }
    }
    if (sbuf.size > EOD_PROTO_FRAME_MAX) {
        snprintf (err, errlen, "encode %s: %zu bytes is over the frame limit", eod_proto_types[self->type].name,
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
    uint64_t count = 0;   //  elements of an array/map (maps count keys+values)
    uint64_t skip = 0;    //  payload bytes
    size_t width = 0;     //  bytes of the length prefix
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
        case 0xcc:
        case 0xd0: skip = 1; break;
        case 0xcd:
        case 0xd1: skip = 2; break;
        case 0xca:
        case 0xce:
        case 0xd2: skip = 4; break;
        case 0xcb:
        case 0xcf:
        case 0xd3: skip = 8; break;
        case 0xd4: skip = 2; break;
        case 0xd5: skip = 3; break;
        case 0xd6: skip = 5; break;
        case 0xd7: skip = 9; break;
        case 0xd8: skip = 17; break;
        case 0xc4:
        case 0xd9: width = 1; break;
        case 0xc5:
        case 0xda: width = 2; break;
        case 0xc6:
        case 0xdb: width = 4; break;
        case 0xc7:
            width = 1;
            skip = 1;
            break;
        case 0xc8:
            width = 2;
            skip = 1;
            break;
        case 0xc9:
            width = 4;
            skip = 1;
            break;
        case 0xdc:
        case 0xde: width = 2; break;
        case 0xdd:
        case 0xdf: width = 4; break;
        default: snprintf (err, errlen, "invalid msgpack byte 0x%02x at %zu", b, *pos - 1); return -1;
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
            snprintf (err, errlen, "declared %llu bytes with %zu left at byte %zu", (unsigned long long) skip, left,
                      *pos);
            return -1;
        }
        *pos += skip;
        return 0;
    }
    //  Every element takes at least one byte: a count larger than what is left
    //  is a lie that would make msgpack-c allocate for it.
    if (count > left) {
        snprintf (err, errlen, "declared %llu elements with %zu bytes left at byte %zu", (unsigned long long) count,
                  left, *pos);
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
s_decode_field (eod_msg_t *self, const eod_proto_field_t *f, const msgpack_object *val, char *err, size_t errlen)
{
    switch (f->kind) {
    case EOD_K_STR: return s_copy_str (val, EOD_PROTO_STR (self, f->offset), f->name, err, errlen);
    case EOD_K_INT:
        if (val->type == MSGPACK_OBJECT_POSITIVE_INTEGER && val->via.u64 <= INT64_MAX)
            *EOD_PROTO_INT (self, f->offset) = (int64_t) val->via.u64;
        else if (val->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            *EOD_PROTO_INT (self, f->offset) = val->via.i64;
        else {
            snprintf (err, errlen, "field '%s' is not an integer", f->name);
            return -1;
        }
        return 0;
    case EOD_K_FIELDS: return s_copy_fields (val, EOD_PROTO_FIELDS (self, f->offset), f->name, err, errlen);
    case EOD_K_ROWS:
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
    case EOD_K_LIST:
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
eod_proto_decode (const void *data, size_t len, int min_version, bool check, char *err, size_t errlen)
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
    if (v->via.u64 < (uint64_t) min_version || v->via.u64 > EOD_PROTO_VERSION) {
        if (min_version == EOD_PROTO_VERSION)
            snprintf (err, errlen, "protocol version %llu, expected %d", (unsigned long long) v->via.u64,
                      EOD_PROTO_VERSION);
        else
            snprintf (err, errlen, "protocol version %llu, this eod reads %d to %d", (unsigned long long) v->via.u64,
                      min_version, EOD_PROTO_VERSION);
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
    self->version = (int) v->via.u64;
    const eod_proto_field_t *table = eod_proto_types[type].fields;
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
    if (check && eod_msg_check (self, err, errlen))
        goto fail;
    msgpack_unpacked_destroy (&result);
    return self;
fail:
    msgpack_unpacked_destroy (&result);
    eod_msg_destroy (&self);
    return NULL;
}

eod_msg_t *
eod_msg_decode (const void *data, size_t len, char *err, size_t errlen)
{
    return eod_proto_decode (data, len, EOD_PROTO_VERSION, true, err, errlen);
}

eod_msg_t *
eod_msg_decode_stored (const void *data, size_t len, char *err, size_t errlen)
{
    return eod_proto_decode (data, len, EOD_PROTO_VERSION_STORED_MIN, false, err, errlen);
}

int
eod_msg_frame_version (const void *data, size_t len)
{
    char err[128];
    size_t pos = 0;
    uint64_t elements = 0;
    if (!data || len == 0 || len > EOD_PROTO_FRAME_MAX || s_prescan (data, len, &pos, 0, &elements, err, sizeof err)
        || pos != len)
        return -1;
    msgpack_unpacked result;
    msgpack_unpacked_init (&result);
    size_t off = 0;
    int version = -1;
    if (msgpack_unpack_next (&result, data, len, &off) == MSGPACK_UNPACK_SUCCESS
        && result.data.type == MSGPACK_OBJECT_MAP)
        for (uint32_t i = 0; i < result.data.via.map.size; i++) {
            const msgpack_object_kv *kv = &result.data.via.map.ptr[i];
            if (s_key_is (&kv->key, "v") && kv->val.type == MSGPACK_OBJECT_POSITIVE_INTEGER
                && kv->val.via.u64 <= INT32_MAX)
                version = (int) kv->val.via.u64;
        }
    msgpack_unpacked_destroy (&result);
    return version;
}
