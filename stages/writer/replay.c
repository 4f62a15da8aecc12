/*  writer replay — see replay.h. */
#include "replay.h"
#include "eod_grammar.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DIR_MAX 1024            //  the journals' directory
#define S_PATH_MAX 1200           //  a journal file: the directory and "RUN.journal"

//  ---------------------------------------------------------------- task ids
//
//  The task ids the open journal holds. A daily run has a task per code, tens
//  of thousands of them, so the set is compact: the ids' characters in one
//  arena and an open-addressing table of arena offsets, about 20 bytes a task
//  and the id, where a zhashx costs an item and a key allocation per task.
#define S_IDSET_SLOTS_MIN 1024    //  table size of the first id; it doubles at half full

typedef struct {
    char *chars;              //  the ids, each with its NUL, in arrival order
    size_t len;
    size_t cap;
    uint32_t *slots;          //  1 + offset of an id in chars, 0 for a free slot
    size_t nslots;            //  a power of two
    size_t count;
} s_idset_t;

static uint64_t
s_idset_hash (const char *id)
{
    //  FNV-1a, 64 bits.
    uint64_t hash = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *) id; *p; p++)
        hash = (hash ^ *p) * 1099511628211ull;
    return hash;
}

//  The slot holding id, or the free slot where it would go.
static uint32_t *
s_idset_slot (const s_idset_t *set, uint32_t *slots, size_t nslots, const char *id)
{
    size_t mask = nslots - 1;
    for (size_t i = (size_t) s_idset_hash (id) & mask;; i = (i + 1) & mask)
        if (!slots[i] || strcmp (set->chars + slots[i] - 1, id) == 0)
            return &slots[i];
}

static bool
s_idset_has (const s_idset_t *set, const char *id)
{
    return set->count && *s_idset_slot (set, set->slots, set->nslots, id) != 0;
}

//  Adds id (copied); an id already there is fine. 0, or -1 on no memory.
static int
s_idset_add (s_idset_t *set, const char *id)
{
    if ((set->count + 1) * 2 > set->nslots) {
        size_t nslots = set->nslots ? 2 * set->nslots : S_IDSET_SLOTS_MIN;
        uint32_t *slots = calloc (nslots, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t at = 0; at < set->len; at += strlen (set->chars + at) + 1)
            *s_idset_slot (set, slots, nslots, set->chars + at) = (uint32_t) at + 1;
        free (set->slots);
        set->slots = slots;
        set->nslots = nslots;
    }
    uint32_t *slot = s_idset_slot (set, set->slots, set->nslots, id);
    if (*slot)
        return 0;
    size_t size = strlen (id) + 1;
    if (set->len + size >= UINT32_MAX)
        return -1;
    if (set->len + size > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16 * S_IDSET_SLOTS_MIN;
        while (cap < set->len + size)
            cap *= 2;
        char *bigger = realloc (set->chars, cap);
        if (!bigger)
            return -1;
        set->chars = bigger;
        set->cap = cap;
    }
    memcpy (set->chars + set->len, id, size);
    *slot = (uint32_t) set->len + 1;
    set->len += size;
    set->count++;
    return 0;
}

//  Forgets every id and frees the memory.
static void
s_idset_purge (s_idset_t *set)
{
    free (set->chars);
    free (set->slots);
    *set = (s_idset_t) {0};
}

//  ---------------------------------------------------------------- the journal

struct _writer_replay_t {
    char dir[S_DIR_MAX];
    char run_id[WRITER_RUN_ID_MAX];   //  the run of the open journal
    eod_journal_t *journal;
    s_idset_t tasks;                  //  task ids the open journal holds
    size_t cursor;                    //  of writer_replay_first/next in tasks.chars
};

writer_replay_t *
writer_replay_new (const char *dir)
{
    writer_replay_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->dir, sizeof self->dir, "%s", dir);
    if (eod_mkdirs (self->dir, 0700)) {
        eod_log_error ("%s: %s", self->dir, strerror (errno));
        writer_replay_destroy (&self);
    }
    return self;
}

void
writer_replay_destroy (writer_replay_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_replay_t *self = *self_p;
    writer_replay_close (self);
    free (self);
    *self_p = NULL;
}

bool
writer_replay_run_id_ok (const char *run_id)
{
    //  The grammar the decoder checked run ids with: no '/', never '.' or '..'.
    return strlen (run_id) < WRITER_RUN_ID_MAX && eod_grammar_ok (EOD_G_ID, run_id, NULL, 0);
}

void
writer_replay_path (const writer_replay_t *self, const char *run_id, char *path, size_t size)
{
    snprintf (path, size, "%s/%s.journal", self->dir, run_id);
}

//  Replay: the task ids of the RESULTs the journal holds.
static int
s_collect_task (eod_msg_t **msg_p, long record, void *arg)
{
    writer_replay_t *self = arg;
    const eod_msg_t *msg = *msg_p;
    //  A task missing here is only journalled again if redelivered.
    if (msg->type == EOD_MSG_RESULT && msg->task_id && s_idset_add (&self->tasks, msg->task_id))
        eod_log_warn ("journal record %ld: out of memory: task %s not remembered", record, msg->task_id);
    return 0;
}

bool
writer_replay_is_open (const writer_replay_t *self, const char *run_id)
{
    return self->journal && strcmp (self->run_id, run_id) == 0;
}

int
writer_replay_close (writer_replay_t *self)
{
    int rc = 0;
    if (self->journal && eod_journal_sync (self->journal))
        rc = -1;
    eod_journal_destroy (&self->journal);
    s_idset_purge (&self->tasks);
    self->run_id[0] = '\0';
    return rc;
}

int
writer_replay_open (writer_replay_t *self, const char *run_id, bool *sync_failed)
{
    if (writer_replay_is_open (self, run_id))
        return 0;
    if (!writer_replay_run_id_ok (run_id)) {
        eod_log_error ("run id \"%s\" cannot name a journal: ignored", run_id);
        return -1;
    }
    if (writer_replay_close (self))
        *sync_failed = true;
    char path[S_PATH_MAX];
    writer_replay_path (self, run_id, path, sizeof path);
    self->journal = eod_journal_open (path, s_collect_task, self);
    if (!self->journal) {
        s_idset_purge (&self->tasks);
        return -1;
    }
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    if (self->tasks.count)
        eod_log_info ("%s: %zu task(s) already journalled", path, self->tasks.count);
    return 0;
}

int
writer_replay_record (writer_replay_t *self, const eod_msg_t *result)
{
    assert (self->journal);
    if (s_idset_has (&self->tasks, result->task_id)) {
        eod_log_debug ("%s %s: already journalled: acknowledged again", result->run_id, result->task_id);
        return 0;
    }
    if (eod_journal_append (self->journal, result))
        return -1;
    if (s_idset_add (&self->tasks, result->task_id))
        eod_log_warn ("%s %s: out of memory: the task is journalled again if redelivered", result->run_id,
                      result->task_id);
    return 0;
}

int
writer_replay_sync (writer_replay_t *self)
{
    return self->journal && eod_journal_sync (self->journal) ? -1 : 0;
}

size_t
writer_replay_count (const writer_replay_t *self)
{
    return self->tasks.count;
}

const char *
writer_replay_first (writer_replay_t *self)
{
    self->cursor = 0;
    return self->cursor < self->tasks.len ? self->tasks.chars + self->cursor : NULL;
}

const char *
writer_replay_next (writer_replay_t *self)
{
    if (self->cursor < self->tasks.len)
        self->cursor += strlen (self->tasks.chars + self->cursor) + 1;
    return self->cursor < self->tasks.len ? self->tasks.chars + self->cursor : NULL;
}
