/*  coordinator batches — see batches.h. */
#include "batches.h"
#include "eod_log.h"

#include <stdlib.h>
#include <string.h>

#define S_CODE_KEY "inter_shrn_iscd"   //  the code of a multi-quote row
#define S_MISSING "missing"
#define S_LINE_MAX 512
#define S_REASON_MAX 256

struct _coordinator_batches_t {
    zhashx_t *outcomes;   //  batch id -> eod_msg_t, the QUOTES record
};

bool
coordinator_batch_id (const char *id)
{
    return id && strncmp (id, COORDINATOR_BATCH_PREFIX, strlen (COORDINATOR_BATCH_PREFIX)) == 0;
}

char *
coordinator_batch_codes (const eod_msg_t *batch)
{
    size_t len = 1;
    for (size_t i = 0; i < batch->nlist; i++)
        len += strlen (batch->list[i]) + 1;
    char *text = malloc (len);
    if (!text)
        return NULL;
    size_t at = 0;
    for (size_t i = 0; i < batch->nlist; i++)
        at += (size_t) snprintf (text + at, len - at, "%s%s", i ? "," : "", batch->list[i]);
    text[at] = '\0';
    return text;
}

//  Calls fn for each code of t (its code field, comma-separated); stops
//  when fn returns non-zero, and returns that.
typedef int (s_code_fn) (const char *code, void *arg);
static int
s_each_code (const coordinator_task_t *t, s_code_fn *fn, void *arg)
{
    const char *p = coordinator_task_code (t);
    while (*p) {
        size_t n = strcspn (p, ",");
        char code[32];
        snprintf (code, sizeof code, "%.*s", (int) (n < sizeof code ? n : sizeof code - 1), p);
        int rc = fn (code, arg);
        if (rc)
            return rc;
        p += n + (p[n] == ',');
    }
    return 0;
}

static int
s_add_code (const char *code, void *arg)
{
    return eod_msg_add_list (arg, code) ? -1 : 0;
}

//  t's run, market and session on msg, and t's codes as its list.
static void
s_name (const coordinator_task_t *t, eod_msg_t *msg)
{
    eod_msg_set (&msg->run_id, t->run->run_id);
    eod_msg_set (&msg->task_id, coordinator_task_id (t));
    eod_msg_set (&msg->market, t->run->market);
    eod_msg_set (&msg->date_from, coordinator_task_field (t, COORDINATOR_TASK_FROM));
    for (size_t i = 0; i < msg->nlist; i++)
        free (msg->list[i]);
    msg->nlist = 0;
    s_each_code (t, s_add_code, msg);
}

//  A new message of type for t: its names and codes, and t's attempt. NULL
//  without memory.
static eod_msg_t *
s_new_of (eod_msg_type_t type, const coordinator_task_t *t)
{
    eod_msg_t *msg = eod_msg_new (type);
    if (msg) {
        s_name (t, msg);
        msg->attempt = t->attempt;
    }
    return msg;
}

eod_msg_t *
coordinator_batch_msg (const coordinator_task_t *t, const char *key_id)
{
    eod_msg_t *batch = s_new_of (EOD_MSG_BATCH, t);
    if (batch) {
        eod_msg_set (&batch->date_to, coordinator_task_field (t, COORDINATOR_TASK_TO));
        eod_msg_set (&batch->key_id, key_id);
    }
    return batch;
}

coordinator_quotes_verdict_t
coordinator_batch_verdict (const coordinator_task_t *t, eod_msg_t *quotes, int max_attempts, bool halted)
{
    const char *status = quotes->status ? quotes->status : "";
    //  No code quoted is still an answer: each code says why in meta.
    if (strcmp (status, "ok") == 0 || strcmp (status, "nodata") == 0) {
        eod_msg_set (&quotes->status, COORDINATOR_QUOTES_OK);
        return COORDINATOR_QUOTES_SEND;
    }
    if (strcmp (status, COORDINATOR_QUOTES_SKIPPED) == 0)
        return COORDINATOR_QUOTES_SEND;
    if (!halted && strcmp (status, "retryable") == 0 && t->attempt < max_attempts)
        return COORDINATOR_QUOTES_RETRY;
    char reason[S_REASON_MAX];
    snprintf (reason, sizeof reason, "%s after %d attempt(s)%s%s", *status ? status : "failed", t->attempt,
              quotes->error && *quotes->error ? ": " : "", quotes->error ? quotes->error : "");
    eod_msg_set (&quotes->error, reason);
    eod_msg_set (&quotes->status, COORDINATOR_QUOTES_FAILED);
    return COORDINATOR_QUOTES_SEND;
}

//  Whether code is one of t's (arg: the code sought; 1 when found).
static int
s_is_code (const char *code, void *arg)
{
    return strcmp (code, arg) == 0;
}

//  A code of t that has neither a row nor a state is missing (arg: the QUOTES).
static int
s_mark_missing (const char *code, void *arg)
{
    eod_msg_t *quotes = arg;
    if (eod_fields_get (&quotes->meta, code))
        return 0;
    for (size_t i = 0; i < quotes->nrows; i++) {
        const char *got = eod_fields_get (&quotes->rows[i], S_CODE_KEY);
        if (got && strcmp (got, code) == 0)
            return 0;
    }
    eod_fields_set (&quotes->meta, code, S_MISSING);
    return 0;
}

void
coordinator_batch_complete (const coordinator_task_t *t, eod_msg_t *quotes)
{
    s_name (t, quotes);
    if (strcmp (quotes->status, COORDINATOR_QUOTES_OK) != 0) {
        for (size_t i = 0; i < quotes->nrows; i++)
            eod_fields_clear (&quotes->rows[i]);
        quotes->nrows = 0;
        return;
    }
    //  The fetcher keeps only the codes asked; this is the last place before
    //  the writer that can refuse one that is not.
    size_t kept = 0;
    for (size_t i = 0; i < quotes->nrows; i++) {
        const char *code = eod_fields_get (&quotes->rows[i], S_CODE_KEY);
        if (code && s_each_code (t, s_is_code, (void *) code) == 1)
            quotes->rows[kept++] = quotes->rows[i];
        else {
            eod_log_warn ("%s: a quote of %s, which the batch did not ask: dropped", coordinator_task_id (t),
                          code ? code : "no code");
            eod_fields_clear (&quotes->rows[i]);
        }
    }
    quotes->nrows = kept;
    s_each_code (t, s_mark_missing, quotes);
}

eod_msg_t *
coordinator_batch_failed (const coordinator_task_t *t, const char *reason)
{
    eod_msg_t *quotes = s_new_of (EOD_MSG_QUOTES, t);
    if (quotes) {
        eod_msg_set (&quotes->status, COORDINATOR_QUOTES_FAILED);
        eod_msg_set (&quotes->error, reason);
    }
    return quotes;
}

eod_msg_t *
coordinator_batch_record (const eod_msg_t *quotes)
{
    eod_msg_t *record = eod_msg_dup (quotes);
    if (!record)
        return NULL;
    for (size_t i = 0; i < record->nrows; i++)
        eod_fields_clear (&record->rows[i]);
    record->nrows = 0;
    return record;
}

static void
s_msg_free (void **item)
{
    eod_msg_t *m = *item;
    eod_msg_destroy (&m);
    *item = NULL;
}

coordinator_batches_t *
coordinator_batches_new (void)
{
    coordinator_batches_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->outcomes = zhashx_new ();
    if (!self->outcomes) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->outcomes, s_msg_free);
    return self;
}

void
coordinator_batches_destroy (coordinator_batches_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy (&(*self_p)->outcomes);
    free (*self_p);
    *self_p = NULL;
}

void
coordinator_batches_note (coordinator_batches_t *self, const eod_msg_t *record)
{
    if (!record->task_id)
        return;
    eod_msg_t *copy = coordinator_batch_record (record);
    if (copy)
        zhashx_update (self->outcomes, record->task_id, copy);
}

size_t
coordinator_batches_size (coordinator_batches_t *self)
{
    return zhashx_size (self->outcomes);
}

void
coordinator_batches_forget (coordinator_batches_t *self)
{
    zhashx_purge (self->outcomes);
}

//  Walks the codes of every batch with its outcome.
typedef struct {
    const eod_msg_t *record;   //  the batch's QUOTES record, or NULL
    long quoted, not_quoted;
    zlistx_t *outcomes;   //  "CODE reason" of each code not quoted
    zchunk_t *gaps;       //  gap lines, when wanted
    const coordinator_task_t *t;
} s_walk_t;

//  Why code (of w->record's batch) has no quote, into why; "" when it has one.
static void
s_why (const s_walk_t *w, const char *code, char *why, size_t size)
{
    const eod_msg_t *r = w->record;
    *why = '\0';
    if (!r)
        snprintf (why, size, "not quoted: the batch's outcome is not in the ledger");
    else if (!r->status || strcmp (r->status, COORDINATOR_QUOTES_OK) != 0)
        snprintf (why, size, "not quoted: %s%s%s%s%s", r->status ? r->status : "?", r->msg_cd ? " " : "",
                  r->msg_cd ? r->msg_cd : "", r->error ? " " : "", r->error ? r->error : "");
    else {
        const char *state = eod_fields_get (&r->meta, code);
        if (state)
            snprintf (why, size, "not quoted: %s", state);
    }
}

static int
s_walk_code (const char *code, void *arg)
{
    s_walk_t *w = arg;
    char why[S_REASON_MAX];
    s_why (w, code, why, sizeof why);
    if (!*why) {
        w->quoted++;
        return 0;
    }
    w->not_quoted++;
    char *entry = w->outcomes ? zsys_sprintf ("%s %s", code, why) : NULL;
    if (entry)
        zlistx_add_end (w->outcomes, entry);
    if (w->gaps) {
        char line[S_LINE_MAX];
        int n = snprintf (line, sizeof line, "%s\t%s\t%s\t%s\t%s %s\n", w->t->run->market, code,
                          coordinator_task_field (w->t, COORDINATOR_TASK_FROM),
                          coordinator_task_field (w->t, COORDINATOR_TASK_TO), code, why);
        zchunk_extend (w->gaps, line, n < (int) sizeof line ? (size_t) n : sizeof line - 1);
    }
    return 0;
}

static void
s_walk (coordinator_batches_t *self, coordinator_tasks_t *tasks, s_walk_t *w)
{
    for (coordinator_task_t *t = coordinator_tasks_first (tasks); t; t = coordinator_tasks_next (tasks)) {
        if (!t->batch)
            continue;
        w->t = t;
        w->record = zhashx_lookup (self->outcomes, coordinator_task_id (t));
        s_each_code (t, s_walk_code, w);
    }
}

long
coordinator_batches_summarize (coordinator_batches_t *self, coordinator_tasks_t *tasks, const eod_msg_t *listed,
                               eod_msg_t *done)
{
    s_walk_t w = {.outcomes = zlistx_new ()};
    if (!w.outcomes)
        return -1;
    zlistx_set_destructor (w.outcomes, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_comparator (w.outcomes, (zlistx_comparator_fn *) strcmp);
    s_walk (self, tasks, &w);
    for (size_t j = 0; j < listed->nlist; j++) {
        char *note = strdup (listed->list[j]);
        if (note)
            zlistx_add_end (w.outcomes, note);
    }
    zlistx_sort (w.outcomes);
    for (char *s = zlistx_first (w.outcomes); s; s = zlistx_next (w.outcomes))
        eod_msg_add_list (done, s);
    zlistx_destroy (&w.outcomes);
    done->count = w.quoted + w.not_quoted;
    done->ok = w.quoted;
    done->failed = w.not_quoted;
    done->nodata = done->unknown = 0;
    return w.not_quoted;
}

void
coordinator_batches_gaps (coordinator_batches_t *self, coordinator_tasks_t *tasks, zchunk_t *text)
{
    s_walk_t w = {.gaps = text};
    s_walk (self, tasks, &w);
}
