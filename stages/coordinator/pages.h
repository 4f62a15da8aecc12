/*  coordinator pages — the rows of tasks whose answer comes in pages.

    The overseas daily price says in its tr_cont header when more follows;
    a fetcher then answers its TASK with the rows of that page and the BYMD
    of the next (msg_cd EOD_MORE, meta "bymd"). Every page is a request of
    the key's budget, so the coordinator asks for it as it asks for any
    request (dispatch.c: the task goes out again, first in the queue, as a
    continuation) and keeps the rows of the pages so far here until the last
    page comes; the task's RESULT to the writer is then all of its rows, so
    a task is written whole or not at all (a task that fails on a later page
    is retried from that page, and when it fails for good its rows are
    dropped with it and its range goes to the gaps file). A task's pages are
    bounded by [kis] max_pages: an answer that goes on past them fails the
    task rather than leave a silent gap. */
#ifndef COORDINATOR_PAGES_H
#define COORDINATOR_PAGES_H

#include "eod_proto.h"

#include <stddef.h>

typedef struct _coordinator_pages_t coordinator_pages_t;

//  Tasks may take max_pages pages each (at least 1). NULL when out of memory.
coordinator_pages_t *coordinator_pages_new (int max_pages);

//  Frees every held page; nulls *self_p, safe on NULL and twice.
void coordinator_pages_destroy (coordinator_pages_t **self_p);

//  A page of task_id came: result, a fetcher's RESULT with rows, msg_cd
//  EOD_MORE and meta "bymd". Its rows are held and its BYMD is the next
//  page's. Returns 0 (ask for the next page), or -1 with why set when the
//  task cannot go on: max_pages reached, no usable BYMD, too many rows, no
//  memory (its pages are then dropped).
int coordinator_pages_add (coordinator_pages_t *self, const char *task_id, const eod_msg_t *result, char *why,
                           size_t whysize);

//  The BYMD (YYYYMMDD) of task_id's next page, or NULL when none is due (its
//  first page).
const char *coordinator_pages_next (coordinator_pages_t *self, const char *task_id);

//  The last page of task_id came as result (rows, or no data or an unknown
//  symbol after earlier pages): the rows held go in front of its own, the
//  first page's snapshot replaces its own, and its status becomes "ok" when
//  pages were held. Returns the number of pages held (0: it had none), or
//  -1 when they cannot be put together (result is then a permanent
//  failure); the task is forgotten.
int coordinator_pages_finish (coordinator_pages_t *self, const char *task_id, eod_msg_t *result);

//  Drops task_id's pages (it failed); returns the rows dropped.
size_t coordinator_pages_drop (coordinator_pages_t *self, const char *task_id);

//  Tasks with pages held.
size_t coordinator_pages_size (const coordinator_pages_t *self);

//  Drops every task's pages (the run is over).
void coordinator_pages_forget (coordinator_pages_t *self);

#endif
