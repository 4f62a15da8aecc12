/*  eod_proto_json — a message as one JSON object line, for eod-tap and the
    stages' traces; secret fields are written as "[redacted]". */
#include "eod_proto_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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
        for (const eod_proto_field_t *f = eod_proto_types[self->type].fields; f->name; f++) {
            if (!eod_proto_present (self, f))
                continue;
            bool secret = f->secret;
            switch (f->kind) {
            case EOD_K_STR:
                json_object_set_new (obj, f->name,
                                     secret ? json_string ("[redacted]")
                                            : s_json_string (*EOD_PROTO_STR (self, f->offset)));
                break;
            case EOD_K_INT: json_object_set_new (obj, f->name, json_integer (*EOD_PROTO_INT (self, f->offset))); break;
            case EOD_K_FIELDS:
                json_object_set_new (obj, f->name, s_fields_json (EOD_PROTO_FIELDS (self, f->offset)));
                break;
            case EOD_K_ROWS: {
                json_t *arr = json_array ();
                for (size_t i = 0; i < self->nrows; i++)
                    json_array_append_new (arr, s_fields_json (&self->rows[i]));
                json_object_set_new (obj, f->name, arr);
                break;
            }
            case EOD_K_LIST: {
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
