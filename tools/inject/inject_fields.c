/*  inject_fields — see inject_fields.h. */
#include "inject_fields.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_VALUE_MAX (64 * 1024)   //  EOD_PROTO_STRING_MAX: a longer override is refused by size anyway
#define S_TASK_ID "kr-005930-20240902-20240902"
#define S_BATCH_ID "kr-mq-20240902-00001"   //  a BATCH's or QUOTES' task id, of the session above

//  A value each string field's grammar takes, by wire name.
#define S_STR(f, v)                                                                                                    \
    {                                                                                                                  \
#f, offsetof(eod_msg_t, f), v                                                                                  \
    }
static const struct {
    const char *name;
    size_t offset;
    const char *value;
} s_strings[] = {
    S_STR (run_id, "hostile-run"),
    S_STR (task_id, S_TASK_ID),
    S_STR (market, "kr"),
    S_STR (mode, "daily"),
    S_STR (date_from, "2024-09-02"),
    S_STR (date_to, "2024-09-02"),
    S_STR (code, "005930"),
    S_STR (exchange, "KOSPI"),
    S_STR (name, "Hostile Probe"),
    S_STR (key_id, "hostile-key"),
    S_STR (status, "ok"),
    S_STR (error, "hostile probe"),
    S_STR (msg_cd, "HOSTILE"),
    S_STR (worker, "hostile"),
    S_STR (path, "/nonexistent/eod-hostile/kr_20240902.csv"),
    S_STR (key, "hostile/kr_20240902.csv"),
    S_STR (md5, "d41d8cd98f00b204e9800998ecf8427e"),
    S_STR (level, "info"),
    S_STR (stage, "hostile"),
    S_STR (text, "hostile probe"),
    S_STR (app_key, "hostile"),
    S_STR (app_secret, "hostile"),
    S_STR (token, "hostile"),
    S_STR (base_url, "http://127.0.0.1:9"),
};
#define S_NSTRINGS (sizeof s_strings / sizeof s_strings[0])

static eod_fields_t *
s_map (eod_msg_t *m, const char *name)
{
    return strcmp (name, "meta") == 0       ? &m->meta
           : strcmp (name, "snapshot") == 0 ? &m->snapshot
           : strcmp (name, "days") == 0     ? &m->days
                                            : &m->fields;
}

int
inject_fields_fill (eod_msg_t *m)
{
    //  A multi-quote batch: a batch id, KR codes in list, a quote of one of them.
    bool batch = m->type == EOD_MSG_BATCH || m->type == EOD_MSG_QUOTES;
    int rc = 0;
    const char *name, *kind;
    bool required;
    for (size_t i = 0; eod_msg_type_field (m->type, i, &name, &kind, &required); i++) {
        if (strcmp (kind, "str") == 0) {
            for (size_t k = 0; k < S_NSTRINGS; k++)
                if (strcmp (s_strings[k].name, name) == 0)
                    rc |= eod_msg_set ((char **) ((char *) m + s_strings[k].offset),
                                       batch && strcmp (name, "task_id") == 0 ? S_BATCH_ID : s_strings[k].value);
        }
        else if (strcmp (kind, "rows") == 0) {
            eod_fields_t row = EOD_FIELDS_INIT;
            rc |= eod_fields_set (&row, batch ? "inter_shrn_iscd" : "stck_bsop_date", batch ? "005930" : "20240902");
            rc |= eod_msg_add_row (m, &row);
            eod_fields_clear (&row);
        }
        else if (strcmp (kind, "list") == 0)
            rc |= eod_msg_add_list (m, batch ? "005930" : S_TASK_ID);   //  a task id is text too
        else if (strcmp (kind, "map") == 0)
            rc |= eod_fields_set (s_map (m, name), "hostile", "1");
    }
    return rc ? -1 : 0;
}

static int
s_nibble (char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

//  The bytes hex spells into out (S_VALUE_MAX): their count, or -1.
static long
s_unhex (const char *hex, char *out)
{
    size_t n = strlen (hex);
    if (n % 2 || n / 2 > S_VALUE_MAX)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = s_nibble (hex[2 * i]), lo = s_nibble (hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (char) (hi << 4 | lo);
    }
    return (long) (n / 2);
}

static bool
s_key_is (const msgpack_object *o, const char *name)
{
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen (name)
           && memcmp (o->via.str.ptr, name, o->via.str.size) == 0;
}

static void
s_pack_value (msgpack_packer *pk, const char *name, bool list, const char *bytes, size_t len)
{
    msgpack_pack_str (pk, strlen (name));
    msgpack_pack_str_body (pk, name, strlen (name));
    if (list)
        msgpack_pack_array (pk, 1);
    msgpack_pack_str (pk, len);
    msgpack_pack_str_body (pk, bytes, len);
}

int
inject_fields_override (const char *spec, msgpack_sbuffer *out, char *err, size_t errlen)
{
    int rc = -1;
    char *bytes = malloc (S_VALUE_MAX), *data = NULL;
    eod_msg_t *m = NULL;
    msgpack_unpacked root;
    msgpack_unpacked_init (&root);
    char type_name[32], name[32];
    const char *colon = strchr (spec, ':'), *eq = colon ? strchr (colon, '=') : NULL;
    if (!bytes || !colon || !eq || colon - spec >= (long) sizeof type_name || eq - colon - 1 >= (long) sizeof name) {
        snprintf (err, errlen, "field:%s: want field:TYPE:NAME=HEX", spec);
        goto out;
    }
    snprintf (type_name, sizeof type_name, "%.*s", (int) (colon - spec), spec);
    snprintf (name, sizeof name, "%.*s", (int) (eq - colon - 1), colon + 1);
    long len = s_unhex (eq + 1, bytes);
    eod_msg_type_t type = eod_msg_type_parse (type_name);
    if (type == EOD_MSG_INVALID || len < 0) {
        snprintf (err, errlen, "field:%s: %s", spec, len < 0 ? "bad hex" : "no such message type");
        goto out;
    }
    const char *fname, *kind = NULL;
    bool required, found = false;
    for (size_t i = 0; !found && eod_msg_type_field (type, i, &fname, &kind, &required); i++)
        found = strcmp (fname, name) == 0;
    if (!found || (strcmp (kind, "str") != 0 && strcmp (kind, "list") != 0)) {
        snprintf (err, errlen, "field:%s: %s has no string or list field %s", spec, type_name, name);
        goto out;
    }
    size_t size = 0;
    m = eod_msg_new (type);
    if (!m || inject_fields_fill (m) || eod_msg_encode (m, &data, &size, err, errlen))
        goto out;
    size_t off = 0;
    if (msgpack_unpack_next (&root, data, size, &off) != MSGPACK_UNPACK_SUCCESS
        || root.data.type != MSGPACK_OBJECT_MAP) {
        snprintf (err, errlen, "field:%s: the valid message does not unpack", spec);
        goto out;
    }
    const msgpack_object_map *map = &root.data.via.map;
    bool present = false;
    for (uint32_t i = 0; i < map->size; i++)
        present |= s_key_is (&map->ptr[i].key, name);
    msgpack_packer pk;
    msgpack_packer_init (&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, map->size + (present ? 0 : 1));
    for (uint32_t i = 0; i < map->size; i++) {
        if (s_key_is (&map->ptr[i].key, name))
            s_pack_value (&pk, name, strcmp (kind, "list") == 0, bytes, (size_t) len);
        else {
            msgpack_pack_object (&pk, map->ptr[i].key);
            msgpack_pack_object (&pk, map->ptr[i].val);
        }
    }
    if (!present)
        s_pack_value (&pk, name, strcmp (kind, "list") == 0, bytes, (size_t) len);
    rc = 0;
out:
    msgpack_unpacked_destroy (&root);
    eod_msg_destroy (&m);
    free (data);
    free (bytes);
    return rc;
}
