/*  eod_proto_check — the grammar of every field of a message (the table of
    eod_proto_table.c names one per string and list) and the rules between
    fields: a code of the message's market, a task id of the message's market
    and code, date_from not after date_to. eod_msg_decode applies it to
    every frame a socket receives (see eod_proto.h). */
#include "eod_proto_internal.h"

#include <stdio.h>
#include <string.h>

#define S_WHY_MAX 160

//  Every key and value of a map is UTF-8.
static bool
s_fields_utf8 (const eod_fields_t *f)
{
    for (size_t i = 0; i < f->count; i++)
        if (!eod_grammar_utf8_str (f->items[i].key) || !eod_grammar_utf8_str (f->items[i].value))
            return false;
    return true;
}

static int
s_check_field (const eod_msg_t *self, const eod_proto_field_t *f, const char *type, char *err, size_t errlen)
{
    char why[S_WHY_MAX];
    switch (f->kind) {
    case EOD_K_STR: {
        const char *s = *EOD_PROTO_STR (self, f->offset);
        if (s && !eod_grammar_ok (f->grammar, s, why, sizeof why)) {
            snprintf (err, errlen, "%s: field '%s' (%s) %s", type, f->name, eod_grammar_name (f->grammar), why);
            return -1;
        }
        return 0;
    }
    case EOD_K_LIST:
        for (size_t i = 0; i < self->nlist; i++)
            if (!eod_grammar_ok (f->grammar, self->list[i], why, sizeof why)) {
                snprintf (err, errlen, "%s: field 'list' (%s) entry %zu %s", type, eod_grammar_name (f->grammar), i + 1,
                          why);
                return -1;
            }
        return 0;
    case EOD_K_FIELDS:
        if (!s_fields_utf8 (EOD_PROTO_FIELDS (self, f->offset))) {
            snprintf (err, errlen, "%s: field '%s' holds a key or value that is not valid UTF-8", type, f->name);
            return -1;
        }
        return 0;
    case EOD_K_ROWS:
        for (size_t i = 0; i < self->nrows; i++)
            if (!s_fields_utf8 (&self->rows[i])) {
                snprintf (err, errlen, "%s: field 'rows' row %zu holds a key or value that is not valid UTF-8", type,
                          i + 1);
                return -1;
            }
        return 0;
    case EOD_K_INT: return 0;
    }
    return 0;
}

//  The task id's market and code are the message's: "MARKET-CODE-...".
static bool
s_task_id_matches (const eod_msg_t *self)
{
    const char *id = self->task_id;
    if (self->market && strncmp (id, self->market, strlen (self->market)) != 0)
        return false;
    if (self->code) {
        size_t n = strlen (self->code);
        //  The grammar put "-YYYYMMDD-YYYYMMDD" (18 bytes) after the code.
        if (strlen (id) != 3 + n + 18 || strncmp (id + 3, self->code, n) != 0)
            return false;
    }
    return true;
}

//  A BATCH or QUOTES: a KR session (the batch id's date is date_from; a
//  BATCH's range is that one day), 1 to EOD_PROTO_BATCH_MAX distinct codes,
//  and no quote of a code the batch did not ask.
static int
s_check_batch (const eod_msg_t *self, const char *type, char *err, size_t errlen)
{
    if (!self->market || strcmp (self->market, "kr") != 0) {
        snprintf (err, errlen, "%s: field 'market' is not kr (the multi-quote is KR only)", type);
        return -1;
    }
    if (!self->task_id || !self->date_from) {
        snprintf (err, errlen, "%s: field 'task_id' or 'date_from' is missing", type);
        return -1;
    }
    //  "kr-mq-" then YYYYMMDD; date_from is YYYY-MM-DD (both checked above).
    const char *id_date = self->task_id + 6, *d = self->date_from;
    if (strncmp (id_date, d, 4) != 0 || strncmp (id_date + 4, d + 5, 2) != 0 || strncmp (id_date + 6, d + 8, 2) != 0) {
        snprintf (err, errlen, "%s: field 'task_id' names another session than 'date_from'", type);
        return -1;
    }
    if (self->date_to && strcmp (self->date_from, self->date_to) != 0) {
        snprintf (err, errlen, "%s: field 'date_to' is not 'date_from' (a batch is of one session)", type);
        return -1;
    }
    if (self->nlist < 1 || self->nlist > EOD_PROTO_BATCH_MAX) {
        snprintf (err, errlen, "%s: field 'list' holds %zu codes (1 to %d)", type, self->nlist, EOD_PROTO_BATCH_MAX);
        return -1;
    }
    for (size_t i = 0; i < self->nlist; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp (self->list[i], self->list[j]) == 0) {
                snprintf (err, errlen, "%s: field 'list' entry %zu repeats entry %zu", type, i + 1, j + 1);
                return -1;
            }
    for (size_t r = 0; r < self->nrows; r++) {
        const char *code = eod_fields_get (&self->rows[r], "inter_shrn_iscd");
        bool asked = false;
        for (size_t i = 0; code && !asked && i < self->nlist; i++)
            asked = strcmp (self->list[i], code) == 0;
        if (!asked) {
            snprintf (err, errlen, "%s: field 'rows' row %zu is of a code the batch did not ask", type, r + 1);
            return -1;
        }
    }
    return 0;
}

int
eod_msg_check (const eod_msg_t *self, char *err, size_t errlen)
{
    if (self->type <= EOD_MSG_INVALID || self->type >= EOD_MSG_TYPES) {
        snprintf (err, errlen, "invalid message type %d", (int) self->type);
        return -1;
    }
    const char *type = eod_proto_types[self->type].name;
    bool has_task_id = false;
    for (const eod_proto_field_t *f = eod_proto_types[self->type].fields; f->name; f++) {
        if (s_check_field (self, f, type, err, errlen))
            return -1;
        has_task_id |= f->kind == EOD_K_STR && f->offset == offsetof (eod_msg_t, task_id);
    }
    char why[S_WHY_MAX];
    if (self->code && self->market && !eod_grammar_code_ok (self->market, self->code, why, sizeof why)) {
        snprintf (err, errlen, "%s: field 'code' (%s of market %s) %s", type, eod_grammar_name (EOD_G_CODE),
                  self->market, why);
        return -1;
    }
    if (has_task_id && self->task_id && !s_task_id_matches (self)) {
        snprintf (err, errlen, "%s: field 'task_id' names another market or code than the message's", type);
        return -1;
    }
    if (self->date_from && self->date_to && eod_grammar_date_cmp (self->date_from, self->date_to) > 0) {
        snprintf (err, errlen, "%s: field 'date_to' is before 'date_from'", type);
        return -1;
    }
    if ((self->type == EOD_MSG_BATCH || self->type == EOD_MSG_QUOTES) && s_check_batch (self, type, err, errlen))
        return -1;
    return 0;
}
