/*  coordinator tasks — see tasks.h. */
#include "tasks.h"
#include "batches.h"
#include "eod_journal.h"
#include "eod_log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_OUTCOME_MAX 256   //  "CODE reason"
#define S_GAP_LINE_MAX 512
#define S_WRONG_TEXT_MAX (32 * 1024)   //  RUN_DONE's wrong-date entries: far below EOD_PROTO_STRING_MAX

//  A RESULT as sent to the writer, kept until the writer acknowledges it: a
//  writer that died before making it durable is sent it again instead of the
//  API being asked again.
typedef struct {
    char *data;
    size_t len;
} s_kept_t;

struct _coordinator_tasks_t {
    char *ledger_dir;
    zhashx_t *tasks;   //  task_id -> coordinator_task_t
    zlistx_t *queue;   //  task ids waiting for dispatch (borrowed strings)
    zlistx_t *runs;    //  coordinator_run_t of the tasks held
    zhashx_t *kept;    //  task_id -> s_kept_t, for tasks being written
    size_t kept_bytes;
    long unsettled;   //  tasks neither done nor failed
    long writing;     //  tasks whose rows the writer has not acknowledged
};

static void
s_task_free (void **item)
{
    coordinator_task_t *t = *item;
    if (t) {
        free (t->text);
        free (t->outcome);
        free (t->wrong);
        free (t->meta);
        free (t);
        *item = NULL;
    }
}

static void
s_kept_free (void **item)
{
    s_kept_t *k = *item;
    if (k) {
        free (k->data);
        free (k);
        *item = NULL;
    }
}

static void
s_run_free (void **item)
{
    coordinator_run_t *run = *item;
    if (run) {
        if (run->ledger_fd >= 0)
            close (run->ledger_fd);
        free (run->run_id);
        free (run->market);
        free (run->mode);
        free (run->ledger_path);
        free (run);
        *item = NULL;
    }
}

coordinator_tasks_t *
coordinator_tasks_new (const char *ledger_dir)
{
    coordinator_tasks_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->ledger_dir = strdup (ledger_dir);
    self->tasks = zhashx_new ();
    self->queue = zlistx_new ();
    self->runs = zlistx_new ();
    self->kept = zhashx_new ();
    if (!self->ledger_dir || !self->tasks || !self->queue || !self->runs || !self->kept) {
        coordinator_tasks_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->tasks, s_task_free);
    //  Keyed by each task's own id (its text): no copy of the key.
    zhashx_set_key_duplicator (self->tasks, NULL);
    zhashx_set_key_destructor (self->tasks, NULL);
    zlistx_set_destructor (self->runs, s_run_free);
    zhashx_set_destructor (self->kept, s_kept_free);
    return self;
}

void
coordinator_tasks_destroy (coordinator_tasks_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    coordinator_tasks_t *self = *self_p;
    zlistx_destroy (&self->queue);
    zhashx_destroy (&self->kept);
    zhashx_destroy (&self->tasks);
    zlistx_destroy (&self->runs);
    free (self->ledger_dir);
    free (self);
    *self_p = NULL;
}

const char *
coordinator_task_field (const coordinator_task_t *t, int n)
{
    const char *p = t->text;
    for (int i = 0; i < n; i++)
        p += strlen (p) + 1;
    return p;
}

const char *
coordinator_task_id (const coordinator_task_t *t)
{
    return t->text;
}

const char *
coordinator_task_code (const coordinator_task_t *t)
{
    return coordinator_task_field (t, COORDINATOR_TASK_CODE);
}

//  The run of msg, made on its first task: its ledger is opened read-only
//  for the metadata read back later. NULL without memory.
static coordinator_run_t *
s_run_of (coordinator_tasks_t *self, const eod_msg_t *msg)
{
    for (coordinator_run_t *run = zlistx_first (self->runs); run; run = zlistx_next (self->runs))
        if (strcmp (run->run_id, msg->run_id) == 0)
            return run;
    coordinator_run_t *run = calloc (1, sizeof *run);
    if (!run)
        return NULL;
    run->run_id = strdup (msg->run_id);
    run->market = strdup (msg->market ? msg->market : "");
    run->mode = strdup (msg->mode ? msg->mode : "");
    run->ledger_path = coordinator_ledger_path (self->ledger_dir, msg->run_id);
    run->ledger_fd = run->ledger_path ? open (run->ledger_path, O_RDONLY | O_CLOEXEC) : -1;
    if (!run->run_id || !run->market || !run->mode) {
        void *item = run;
        s_run_free (&item);
        return NULL;
    }
    zlistx_add_end (self->runs, run);
    return run;
}

//  Packs the TASK's metadata and name into t->meta, for a task whose TASK
//  the ledger cannot give back. -1 without memory.
static int
s_meta_pack (coordinator_task_t *t, const eod_msg_t *msg)
{
    const eod_fields_t *meta = &msg->meta;
    size_t len = 0;
    for (size_t i = 0; i < meta->count; i++)
        len += strlen (meta->items[i].key) + strlen (meta->items[i].value) + 2;
    bool name = msg->name && !eod_fields_get (meta, "name");
    if (name)
        len += sizeof "name" + strlen (msg->name) + 1;
    if (len == 0)
        return 0;
    if (!(t->meta = malloc (len)))
        return -1;
    size_t at = 0;
    for (size_t i = 0; i <= meta->count; i++) {
        const char *key = i < meta->count ? meta->items[i].key : name ? "name" : NULL;
        const char *value = i < meta->count ? meta->items[i].value : msg->name;
        if (!key)
            break;
        size_t klen = strlen (key) + 1, vlen = strlen (value) + 1;
        memcpy (t->meta + at, key, klen);
        memcpy (t->meta + at + klen, value, vlen);
        at += klen + vlen;
    }
    t->meta_len = (uint32_t) len;
    return 0;
}

coordinator_task_t *
coordinator_tasks_add (coordinator_tasks_t *self, const eod_msg_t *msg, coordinator_ledger_t *ledger, int64_t ledger_at)
{
    bool batch = msg->type == EOD_MSG_BATCH;
    if (!msg->task_id || (!msg->code && !batch) || !msg->run_id || zhashx_lookup (self->tasks, msg->task_id))
        return NULL;
    if (batch && (msg->nlist == 0 || msg->nlist > COORDINATOR_BATCH_MAX)) {
        eod_log_warn ("BATCH %s holds %zu codes (1 to %d): not taken", msg->task_id, msg->nlist, COORDINATOR_BATCH_MAX);
        return NULL;
    }
    //  A batch's codes stand in its code field.
    char *codes = batch ? coordinator_batch_codes (msg) : NULL;
    const char *parts[COORDINATOR_TASK_FIELDS] = {
        msg->task_id, batch ? (codes ? codes : "") : msg->code, msg->exchange ? msg->exchange : "",
        msg->date_from ? msg->date_from : "", msg->date_to ? msg->date_to : ""};
    size_t len = 0;
    for (int i = 0; i < COORDINATOR_TASK_FIELDS; i++)
        len += strlen (parts[i]) + 1;
    coordinator_task_t *t = calloc (1, sizeof *t);
    coordinator_run_t *run = s_run_of (self, msg);
    char *text = malloc (len);
    if (!t || !run || !text || (batch && !codes)) {
        eod_log_error ("TASK %s: out of memory: not taken (a resent listing brings it again)", msg->task_id);
        free (t);
        free (text);
        free (codes);
        return NULL;
    }
    for (size_t at = 0, i = 0; i < COORDINATOR_TASK_FIELDS; i++) {
        size_t n = strlen (parts[i]) + 1;
        memcpy (text + at, parts[i], n);
        at += n;
    }
    free (codes);
    t->text = text;
    t->batch = batch;
    t->run = run;
    if (ledger)
        ledger_at = coordinator_ledger_append_at (ledger, msg);
    t->ledger_at = run->ledger_fd >= 0 ? ledger_at : -1;
    if (t->ledger_at < 0 && s_meta_pack (t, msg))
        eod_log_warn ("TASK %s: out of memory: its rows go to the writer without the listing's columns", msg->task_id);
    zhashx_insert (self->tasks, t->text, t);
    zlistx_add_end (self->queue, (void *) coordinator_task_id (t));
    self->unsettled++;
    return t;
}

coordinator_task_t *
coordinator_tasks_find (coordinator_tasks_t *self, const char *task_id)
{
    return task_id ? zhashx_lookup (self->tasks, task_id) : NULL;
}

size_t
coordinator_tasks_size (coordinator_tasks_t *self)
{
    return zhashx_size (self->tasks);
}

coordinator_task_t *
coordinator_tasks_first (coordinator_tasks_t *self)
{
    return zhashx_first (self->tasks);
}

coordinator_task_t *
coordinator_tasks_next (coordinator_tasks_t *self)
{
    return zhashx_next (self->tasks);
}

long
coordinator_tasks_unsettled (const coordinator_tasks_t *self)
{
    return self->unsettled;
}

long
coordinator_tasks_writing (const coordinator_tasks_t *self)
{
    return self->writing;
}

void
coordinator_tasks_count (coordinator_tasks_t *self, long *counts)
{
    memset (counts, 0, COORDINATOR_TASK_STATES * sizeof *counts);
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
        counts[t->state]++;
}

long
coordinator_tasks_count_run (coordinator_tasks_t *self, const char *run_id)
{
    long n = 0;
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
        n += run_id && strcmp (t->run->run_id, run_id) == 0;
    return n;
}

long
coordinator_tasks_count_kind (coordinator_tasks_t *self, coordinator_task_kind_t kind)
{
    long n = 0;
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
        n += t->kind == kind;
    return n;
}

//  A task leaves COORDINATOR_TASK_WRITING: its RESULT is no longer kept.
static void
s_written (coordinator_tasks_t *self, coordinator_task_t *t)
{
    self->writing--;
    s_kept_t *k = zhashx_lookup (self->kept, coordinator_task_id (t));
    if (k) {
        self->kept_bytes -= k->len;
        zhashx_delete (self->kept, coordinator_task_id (t));
    }
}

//  t is queued again, due at not_before_ms (it goes into the queue apart).
static void
s_queued (coordinator_tasks_t *self, coordinator_task_t *t, int64_t not_before_ms)
{
    if (t->state == COORDINATOR_TASK_WRITING)
        s_written (self, t);
    t->state = COORDINATOR_TASK_QUEUED;
    t->worker = 0;
    t->not_before_ms = not_before_ms;
}

void
coordinator_tasks_requeue (coordinator_tasks_t *self, coordinator_task_t *t, int64_t not_before_ms)
{
    s_queued (self, t, not_before_ms);
    zlistx_add_end (self->queue, (void *) coordinator_task_id (t));
}

void
coordinator_tasks_unqueue (coordinator_tasks_t *self, coordinator_task_t *t)
{
    zlistx_add_start (self->queue, (void *) coordinator_task_id (t));
}

void
coordinator_tasks_requeue_first (coordinator_tasks_t *self, coordinator_task_t *t)
{
    s_queued (self, t, 0);
    zlistx_add_start (self->queue, (void *) coordinator_task_id (t));
}

size_t
coordinator_tasks_queued (const coordinator_tasks_t *self)
{
    return zlistx_size (self->queue);
}

coordinator_task_t *
coordinator_tasks_next_due (coordinator_tasks_t *self, int64_t now_ms)
{
    for (void *id = zlistx_first (self->queue); id; id = zlistx_next (self->queue)) {
        coordinator_task_t *t = zhashx_lookup (self->tasks, id);
        if (!t || t->state != COORDINATOR_TASK_QUEUED) {
            zlistx_delete (self->queue, zlistx_cursor (self->queue));
            continue;
        }
        if (t->not_before_ms <= now_ms) {
            zlistx_delete (self->queue, zlistx_cursor (self->queue));
            return t;
        }
    }
    return NULL;
}

void
coordinator_tasks_settle (coordinator_tasks_t *self, coordinator_task_t *t, coordinator_task_state_t state,
                          coordinator_task_kind_t kind, const char *reason)
{
    if (t->state != COORDINATOR_TASK_DONE && t->state != COORDINATOR_TASK_FAILED)
        self->unsettled--;
    if (t->state == COORDINATOR_TASK_WRITING)
        s_written (self, t);
    t->state = (uint8_t) state;
    t->kind = (uint8_t) kind;
    t->worker = 0;
    free (t->outcome);
    t->outcome = NULL;
    if (reason) {
        char text[S_OUTCOME_MAX];
        snprintf (text, sizeof text, "%s %s", coordinator_task_code (t), reason);
        t->outcome = strdup (text);
    }
}

void
coordinator_tasks_complete (coordinator_tasks_t *self, coordinator_task_t *t, eod_msg_t *result)
{
    //  The writer needs the instrument's metadata and the task's range: the
    //  TASK as the ledger holds it, or the packed copy.
    eod_msg_t *listed =
        t->ledger_at >= 0 ? eod_journal_record (t->run->ledger_fd, t->ledger_at, t->run->ledger_path) : NULL;
    if (listed
        && (listed->type != EOD_MSG_TASK || !listed->task_id
            || strcmp (listed->task_id, coordinator_task_id (t)) != 0)) {
        eod_log_error ("%s: byte %lld holds no TASK %s: its rows go without the listing's columns", t->run->ledger_path,
                       (long long) t->ledger_at, coordinator_task_id (t));
        eod_msg_destroy (&listed);
    }
    if (listed) {
        eod_fields_merge (&result->meta, &listed->meta);
        if (listed->name && !eod_fields_get (&result->meta, "name"))
            eod_fields_set (&result->meta, "name", listed->name);
        eod_msg_destroy (&listed);
    }
    for (size_t at = 0; t->meta && at < t->meta_len;) {
        const char *key = t->meta + at;
        const char *value = key + strlen (key) + 1;
        eod_fields_set (&result->meta, key, value);
        at = (size_t) (value - t->meta) + strlen (value) + 1;
    }
    eod_msg_set (&result->mode, t->run->mode);
    eod_msg_set (&result->date_from, coordinator_task_field (t, COORDINATOR_TASK_FROM));
    eod_msg_set (&result->date_to, coordinator_task_field (t, COORDINATOR_TASK_TO));
}

void
coordinator_tasks_writing_at (coordinator_tasks_t *self, coordinator_task_t *t, int64_t deadline_ms, char *data,
                              size_t len)
{
    t->state = COORDINATOR_TASK_WRITING;
    self->writing++;
    t->deadline_ms = deadline_ms;
    s_kept_t *k = data ? malloc (sizeof *k) : NULL;
    if (k) {
        k->data = data;
        k->len = len;
        zhashx_update (self->kept, coordinator_task_id (t), k);
        self->kept_bytes += len;
    }
    else
        free (data);
}

const char *
coordinator_tasks_kept (coordinator_tasks_t *self, const coordinator_task_t *t, size_t *len)
{
    s_kept_t *k = zhashx_lookup (self->kept, coordinator_task_id (t));
    *len = k ? k->len : 0;
    return k ? k->data : NULL;
}

size_t
coordinator_tasks_kept_bytes (const coordinator_tasks_t *self)
{
    return self->kept_bytes;
}

const char *
coordinator_ack_id (const eod_msg_t *ack, size_t i)
{
    return i == 0 ? ack->task_id : ack->list[i - 1];
}

long
coordinator_tasks_replay_ack (coordinator_tasks_t *self, const eod_msg_t *ack)
{
    long settled = 0;
    for (size_t i = 0; i <= ack->nlist; i++) {
        coordinator_task_t *t = coordinator_tasks_find (self, coordinator_ack_id (ack, i));
        if (t && t->state != COORDINATOR_TASK_DONE) {
            coordinator_tasks_settle (self, t, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
            settled++;
        }
    }
    return settled;
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

void
coordinator_tasks_note_wrong (coordinator_task_t *t, const eod_msg_t *result)
{
    free (t->wrong);
    t->wrong = NULL;
    const char *dates = result && result->nrows == 0 ? eod_fields_get (&result->meta, EOD_META_WRONG_DATE) : NULL;
    if (!dates || !*dates)
        return;
    const char *count = eod_fields_get (&result->meta, EOD_META_WRONG_DATE_COUNT);
    long n = count ? strtol (count, NULL, 10) : 0;
    //  The dates are the fetcher's (digits, '?' and commas), bounded: kept
    //  only when they are, so an entry never breaks RUN_DONE's format.
    if (strlen (dates) >= EOD_WRONG_DATES_LISTED * 10 || strspn (dates, "0123456789?,") != strlen (dates))
        dates = "?";
    char text[EOD_WRONG_DATES_LISTED * 10 + 32];
    snprintf (text, sizeof text, "%ld %s", n > 0 ? n : 1, dates);
    t->wrong = strdup (text);
}

//  The wrong-date rows of the tasks settled without rows, into done's meta
//  (EOD_META_WRONG_DATE_UNWRITTEN), sorted so a RUN_DONE made again is the same.
static void
s_summarize_wrong (coordinator_tasks_t *self, eod_msg_t *done)
{
    zlistx_t *entries = zlistx_new ();
    if (!entries)
        return;
    zlistx_set_destructor (entries, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_comparator (entries, (zlistx_comparator_fn *) strcmp);
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
        if (!t->wrong || t->kind == COORDINATOR_KIND_OK
            || (t->state != COORDINATOR_TASK_DONE && t->state != COORDINATOR_TASK_FAILED))
            continue;
        char *e =
            zsys_sprintf ("%s %s %s %s", coordinator_task_code (t), coordinator_task_field (t, COORDINATOR_TASK_FROM),
                          coordinator_task_field (t, COORDINATOR_TASK_TO), t->wrong);
        if (e)
            zlistx_add_end (entries, e);
    }
    zlistx_sort (entries);
    char *text = malloc (S_WRONG_TEXT_MAX);
    size_t used = 0;
    long left = 0;
    for (char *e = zlistx_first (entries); e && text; e = zlistx_next (entries)) {
        if (used + strlen (e) + 2 > S_WRONG_TEXT_MAX) {
            left++;
            continue;
        }
        used += (size_t) snprintf (text + used, S_WRONG_TEXT_MAX - used, "%s%s", used ? ";" : "", e);
    }
    if (left)
        eod_log_warn ("%s: %ld more task(s) answered only rows outside their range: not reported one by one",
                      done->run_id ? done->run_id : "?", left);
    if (text && used)
        eod_fields_set (&done->meta, EOD_META_WRONG_DATE_UNWRITTEN, text);
    free (text);
    zlistx_destroy (&entries);
}

long
coordinator_tasks_summarize (coordinator_tasks_t *self, const eod_msg_t *listed, eod_msg_t *done)
{
    done->count = 0;
    long unpublished = 0;
    zlistx_t *outcomes = zlistx_new ();
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
        if (t->batch)
            continue;   //  the writer reports the cross-check
        done->count++;
        if (t->kind == COORDINATOR_KIND_OK)
            done->ok++;
        else if (t->kind == COORDINATOR_KIND_NODATA)
            done->nodata++;
        else if (t->kind == COORDINATOR_KIND_UNKNOWN)
            done->unknown++;
        else if (t->kind == COORDINATOR_KIND_UNPUBLISHED)
            unpublished++;
        else
            done->failed++;
        if (t->kind && t->outcome)
            zlistx_add_end (outcomes, t->outcome);
    }
    for (size_t j = 0; j < listed->nlist; j++)
        zlistx_add_end (outcomes, listed->list[j]);
    size_t n = zlistx_size (outcomes);
    char **sorted = calloc (n ? n : 1, sizeof *sorted);
    size_t i = 0;
    for (char *s = zlistx_first (outcomes); s && sorted; s = zlistx_next (outcomes))
        sorted[i++] = s;
    if (sorted) {
        qsort (sorted, n, sizeof *sorted, s_cmp_str);
        for (i = 0; i < n; i++)
            eod_msg_add_list (done, sorted[i]);
    }
    free (sorted);
    zlistx_destroy (&outcomes);
    s_summarize_wrong (self, done);
    if (unpublished) {
        char text[32];
        snprintf (text, sizeof text, "%ld", unpublished);
        eod_fields_set (&done->meta, "unpublished", text);
    }
    return unpublished;
}

bool
coordinator_run_incomplete (long unpublished, long tasks, double share)
{
    return unpublished > 0 && (double) unpublished > share * (double) tasks;
}

zchunk_t *
coordinator_tasks_gaps (coordinator_tasks_t *self)
{
    zchunk_t *text = zchunk_new (NULL, 0);
    for (coordinator_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
        if (t->batch || (t->kind != COORDINATOR_KIND_FAILED && t->kind != COORDINATOR_KIND_UNPUBLISHED))
            continue;
        char line[S_GAP_LINE_MAX];
        int n = snprintf (line, sizeof line, "%s\t%s\t%s\t%s\t%s\n", t->run->market, coordinator_task_code (t),
                          coordinator_task_field (t, COORDINATOR_TASK_FROM),
                          coordinator_task_field (t, COORDINATOR_TASK_TO), t->outcome ? t->outcome : "");
        zchunk_extend (text, line, n < (int) sizeof line ? (size_t) n : sizeof line - 1);
    }
    return text;
}

void
coordinator_tasks_forget (coordinator_tasks_t *self)
{
    zhashx_purge (self->kept);
    self->kept_bytes = 0;
    zhashx_purge (self->tasks);
    zlistx_purge (self->queue);
    zlistx_purge (self->runs);
    self->unsettled = 0;
    self->writing = 0;
}
