/*  eod_proto — messages: their life cycle, type names and the route check,
    over the table of eod_proto_table.c (see eod_proto.h). */
#include "eod_proto_internal.h"

#include <stdlib.h>
#include <string.h>

//  True when the string at offset is a secret field of the type (CREDS).
static bool
s_secret_offset (eod_msg_type_t type, size_t offset)
{
    if (type <= EOD_MSG_INVALID || type >= EOD_MSG_TYPES)
        return false;
    for (const eod_proto_field_t *f = eod_proto_types[type].fields; f->name; f++)
        if (f->secret && f->offset == offset)
            return true;
    return false;
}

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
    for (size_t i = 0; i < eod_proto_nstrings; i++) {
        char **s = EOD_PROTO_STR (self, eod_proto_string_offsets[i]);
        if (*s && s_secret_offset (self->type, eod_proto_string_offsets[i]))
            memset (*s, 0, strlen (*s));   //  do not leave secrets in freed memory
        free (*s);
    }
    eod_fields_clear (&self->meta);
    eod_fields_clear (&self->snapshot);
    eod_fields_clear (&self->fields);
    eod_fields_clear (&self->days);
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
    return type > EOD_MSG_INVALID && type < EOD_MSG_TYPES ? eod_proto_types[type].name : "?";
}

eod_msg_type_t
eod_msg_type_parse (const char *name)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
        if (strcmp (eod_proto_types[t].name, name) == 0)
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

eod_msg_t *
eod_msg_dup (const eod_msg_t *src)
{
    char *data = NULL;
    size_t len = 0;
    char err[128];
    if (eod_msg_encode (src, &data, &len, err, sizeof err))
        return NULL;
    //  A copy is what the stage has, checked or not: it was checked when it
    //  came in, or the stage made it.
    eod_msg_t *copy = eod_proto_decode (data, len, EOD_PROTO_VERSION, false, err, sizeof err);
    free (data);
    return copy;
}

//  True when the field is present (and so encoded).
bool
eod_proto_present (const eod_msg_t *self, const eod_proto_field_t *f)
{
    switch (f->kind) {
    case EOD_K_STR: return *EOD_PROTO_STR (self, f->offset) != NULL;
    case EOD_K_INT: return f->required || *EOD_PROTO_INT (self, f->offset) != 0;
    case EOD_K_FIELDS: return EOD_PROTO_FIELDS (self, f->offset)->count > 0;
    case EOD_K_ROWS: return self->nrows > 0;
    case EOD_K_LIST: return self->nlist > 0;
    }
    return false;
}

const char *
eod_msg_type_purpose (eod_msg_type_t type)
{
    return type > EOD_MSG_INVALID && type < EOD_MSG_TYPES ? eod_proto_types[type].purpose : "?";
}

static const char *const s_kind_names[] = {
    [EOD_K_STR] = "str", [EOD_K_INT] = "int", [EOD_K_FIELDS] = "map", [EOD_K_ROWS] = "rows", [EOD_K_LIST] = "list"};

bool
eod_msg_type_field (eod_msg_type_t type, size_t i, const char **name, const char **kind, bool *required)
{
    if (type <= EOD_MSG_INVALID || type >= EOD_MSG_TYPES)
        return false;
    const eod_proto_field_t *fields = eod_proto_types[type].fields;
    for (size_t k = 0; k < i; k++)
        if (!fields[k].name)
            return false;
    if (!fields[i].name)
        return false;
    *name = fields[i].name;
    *kind = s_kind_names[fields[i].kind];
    *required = fields[i].required;
    return true;
}

bool
eod_proto_is_stage (const char *name)
{
    return eod_proto_stage_index (name) >= 0;
}

int
eod_proto_stage_index (const char *name)
{
    for (int i = 0; name && eod_proto_stages[i]; i++)
        if (strcmp (eod_proto_stages[i], name) == 0)
            return i;
    return -1;
}

bool
eod_msg_route_ok (eod_msg_type_t type, const char *from, const char *to, const char *endpoint)
{
    if (type <= EOD_MSG_INVALID || type >= EOD_MSG_TYPES || !endpoint)
        return false;
    for (const eod_proto_route_t *r = eod_proto_types[type].routes; r->from; r++)
        if (strcmp (r->endpoint, endpoint) == 0 && (!from || strcmp (r->from, from) == 0)
            && (!to || strcmp (r->to, to) == 0))
            return true;
    return false;
}

//  True when field f of type t is the first of the table with its name and
//  grammar (a list is named with its type: lists differ from type to type).
static bool
s_first_of_its_name (int t, const eod_proto_field_t *f)
{
    for (int u = EOD_MSG_INVALID + 1; u <= t; u++)
        for (const eod_proto_field_t *g = eod_proto_types[u].fields; g->name && g != f; g++)
            if (g->kind == f->kind && g->grammar == f->grammar && strcmp (g->name, f->name) == 0
                && (f->kind != EOD_K_LIST || u == t))
                return false;
    return true;
}

//  True when the first field of the table named like f has another grammar:
//  f is then written with its type.
static bool
s_grammar_differs (const eod_proto_field_t *f)
{
    for (int u = EOD_MSG_INVALID + 1; u < EOD_MSG_TYPES; u++)
        for (const eod_proto_field_t *g = eod_proto_types[u].fields; g->name; g++)
            if (strcmp (g->name, f->name) == 0)
                return g->grammar != f->grammar;
    return false;
}

//  The grammar of every string and list field (eod_grammar.h).
static void
s_write_grammars (FILE *out)
{
    fprintf (out, "\n| grammar | what it takes | string fields (lists: each entry) |\n|---|---|---|\n");
    for (int g = 0; g < EOD_G_COUNT; g++) {
        bool any = false;
        for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
            for (const eod_proto_field_t *f = eod_proto_types[t].fields; f->name; f++) {
                if ((f->kind != EOD_K_STR && f->kind != EOD_K_LIST) || (int) f->grammar != g
                    || !s_first_of_its_name (t, f))
                    continue;
                if (!any)
                    fprintf (out, "| %s | %s | ", eod_grammar_name ((eod_grammar_t) g),
                             eod_grammar_about ((eod_grammar_t) g));
                if (f->kind == EOD_K_LIST || s_grammar_differs (f))
                    fprintf (out, "%s%s `%s`", any ? ", " : "", eod_proto_types[t].name, f->name);
                else
                    fprintf (out, "%s`%s`", any ? ", " : "", f->name);
                any = true;
            }
        if (any)
            fprintf (out, " |\n");
    }
}

void
eod_proto_write_markdown (FILE *out)
{
    fprintf (out, "| type | what it is for | fields (* required) | from → to (endpoint) | kept in |\n");
    fprintf (out, "|---|---|---|---|---|\n");
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        const eod_proto_type_t *type = &eod_proto_types[t];
        fprintf (out, "| `%s` | %s | ", type->name, type->purpose);
        for (const eod_proto_field_t *f = type->fields; f->name; f++)
            fprintf (out, "%s`%s`%s", f == type->fields ? "" : ", ", f->name, f->required ? "*" : "");
        fprintf (out, " | ");
        for (const eod_proto_route_t *r = type->routes; r->from; r++)
            fprintf (out, "%s%s → %s (`%s`)", r == type->routes ? "" : "; ", r->from, r->to, r->endpoint);
        if (!type->routes[0].from)
            fprintf (out, "—");
        fprintf (out, " | %s |\n", type->stored ? type->stored : "—");
    }
    s_write_grammars (out);
}
