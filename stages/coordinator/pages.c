/*  coordinator pages — see pages.h. */
#include "pages.h"
#include "eod_date.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NREC "nrec"   //  the overseas snapshot's row count

//  The pages so far of one task: their rows and first snapshot in held,
//  the next page's BYMD, how many came.
typedef struct {
    eod_msg_t *held;
    char bymd[EOD_DATE_COMPACT_SIZE];
    int pages;
} s_task_t;

struct _coordinator_pages_t {
    zhashx_t *tasks;   //  task_id -> s_task_t
    int max_pages;
};

static void
s_task_free (void **item)
{
    s_task_t *t = *item;
    if (t) {
        eod_msg_destroy (&t->held);
        free (t);
        *item = NULL;
    }
}

coordinator_pages_t *
coordinator_pages_new (int max_pages)
{
    coordinator_pages_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->max_pages = max_pages < 1 ? 1 : max_pages;
    self->tasks = zhashx_new ();
    if (!self->tasks) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->tasks, s_task_free);
    return self;
}

void
coordinator_pages_destroy (coordinator_pages_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy (&(*self_p)->tasks);
    free (*self_p);
    *self_p = NULL;
}

//  Appends the rows of from to to. 0, or -1 (no memory, or past the rows a
//  message may hold).
static int
s_append_rows (eod_msg_t *to, const eod_msg_t *from)
{
    if (to->nrows + from->nrows > EOD_PROTO_ROWS_MAX)
        return -1;
    for (size_t i = 0; i < from->nrows; i++)
        if (eod_msg_add_row (to, &from->rows[i]))
            return -1;
    return 0;
}

int
coordinator_pages_add (coordinator_pages_t *self, const char *task_id, const eod_msg_t *result, char *why,
                       size_t whysize)
{
    const char *bymd = eod_fields_get (&result->meta, EOD_META_BYMD);
    eod_date_t day;
    s_task_t *t = zhashx_lookup (self->tasks, task_id);
    int pages = t ? t->pages + 1 : 1;
    if (!bymd || strlen (bymd) != EOD_DATE_COMPACT_SIZE - 1 || eod_date_parse (bymd, &day)) {
        snprintf (why, whysize, "page %d says more follows but names no BYMD (YYYYMMDD) for the next", pages);
        goto fail;
    }
    //  The next page must go back in time: a BYMD that does not would ask
    //  the same rows again, without end.
    if (t && strcmp (bymd, t->bymd) >= 0) {
        snprintf (why, whysize, "page %d says more follows from BYMD %s, not before page %d's %s", pages, bymd,
                  t->pages, t->bymd);
        goto fail;
    }
    if (pages >= self->max_pages) {
        snprintf (why, whysize, "the answer goes on past %d page(s) ([kis] max_pages)", self->max_pages);
        goto fail;
    }
    if (!t) {
        t = calloc (1, sizeof *t);
        if (!t || !(t->held = eod_msg_new (EOD_MSG_RESULT))
            || eod_fields_merge (&t->held->snapshot, &result->snapshot)) {
            void *item = t;
            s_task_free (&item);
            snprintf (why, whysize, "out of memory");
            return -1;
        }
        t->held->asked_at = result->asked_at;
        //  Rows the first page held outside the request: the writer reports them.
        const char *keys[] = {EOD_META_WRONG_DATE, EOD_META_WRONG_DATE_COUNT};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (eod_fields_get (&result->meta, keys[k]))
                eod_fields_set (&t->held->meta, keys[k], eod_fields_get (&result->meta, keys[k]));
        zhashx_update (self->tasks, task_id, t);
    }
    if (s_append_rows (t->held, result)) {
        snprintf (why, whysize, "out of memory, or over %d rows", EOD_PROTO_ROWS_MAX);
        goto fail;
    }
    snprintf (t->bymd, sizeof t->bymd, "%s", bymd);
    t->pages = pages;
    return 0;
fail:
    zhashx_delete (self->tasks, task_id);
    return -1;
}

const char *
coordinator_pages_next (coordinator_pages_t *self, const char *task_id)
{
    s_task_t *t = zhashx_lookup (self->tasks, task_id);
    return t ? t->bymd : NULL;
}

int
coordinator_pages_finish (coordinator_pages_t *self, const char *task_id, eod_msg_t *result)
{
    s_task_t *t = zhashx_lookup (self->tasks, task_id);
    if (!t)
        return 0;
    int pages = t->pages;
    eod_msg_t *held = t->held;
    //  Newest first: the pages held, then this one's rows.
    if (s_append_rows (held, result) == 0) {
        eod_fields_array_free (&result->rows, result->nrows);
        result->rows = held->rows;
        result->nrows = held->nrows;
        held->rows = NULL;
        held->nrows = 0;
        eod_fields_clear (&result->snapshot);
        eod_fields_merge (&result->snapshot, &held->snapshot);
        //  The snapshot is the first page's: so is the moment it describes.
        result->asked_at = held->asked_at;
        if (!eod_fields_get (&result->meta, EOD_META_WRONG_DATE))
            eod_fields_merge (&result->meta, &held->meta);
        if (eod_fields_get (&result->snapshot, S_NREC)) {
            char count[32];
            snprintf (count, sizeof count, "%zu", result->nrows);
            eod_fields_set (&result->snapshot, S_NREC, count);
        }
        eod_msg_set (&result->status, "ok");
        eod_msg_set (&result->error, NULL);
        eod_msg_set (&result->msg_cd, NULL);
    }
    else {
        //  The rows cannot be put together: the task fails as a whole.
        eod_msg_set (&result->status, "permanent");
        eod_msg_set (&result->error,
                     "the pages of the answer cannot be put together (out of memory, or too many rows)");
        pages = -1;
    }
    zhashx_delete (self->tasks, task_id);
    return pages;
}

size_t
coordinator_pages_drop (coordinator_pages_t *self, const char *task_id)
{
    s_task_t *t = zhashx_lookup (self->tasks, task_id);
    size_t rows = t ? t->held->nrows : 0;
    zhashx_delete (self->tasks, task_id);
    return rows;
}

size_t
coordinator_pages_size (const coordinator_pages_t *self)
{
    return zhashx_size (self->tasks);
}

void
coordinator_pages_forget (coordinator_pages_t *self)
{
    zhashx_purge (self->tasks);
}
