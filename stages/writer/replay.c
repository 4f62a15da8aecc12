/*  writer replay — see replay.h. */
#include "replay.h"
#include "eod_grammar.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_strset.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DIR_MAX 1024    //  the journals' directory
#define S_PATH_MAX 1200   //  a journal file: the directory and "RUN.journal"

//  ---------------------------------------------------------------- the journal

struct _writer_replay_t {
    char dir[S_DIR_MAX];
    char run_id[WRITER_RUN_ID_MAX];   //  the run of the open journal
    eod_journal_t *journal;
    //  The task ids the open journal holds. A daily run has a task per code,
    //  tens of thousands of them: a compact set, where a zhashx would cost an
    //  item and a key allocation per task.
    eod_strset_t *tasks;
    uint32_t cursor;   //  of writer_replay_first/next: a handle in tasks, or NONE
};

writer_replay_t *
writer_replay_new (const char *dir)
{
    writer_replay_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->dir, sizeof self->dir, "%s", dir);
    self->cursor = EOD_STRSET_NONE;
    self->tasks = eod_strset_new ();
    if (!self->tasks)
        writer_replay_destroy (&self);
    else if (eod_mkdirs (self->dir, 0700)) {
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
    eod_strset_destroy (&self->tasks);
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

//  Replay: the task ids of the RESULTs and the batch ids of the QUOTES the
//  journal holds.
static int
s_collect_task (eod_msg_t **msg_p, long record, void *arg)
{
    writer_replay_t *self = arg;
    const eod_msg_t *msg = *msg_p;
    //  A task missing here is only journalled again if redelivered.
    if ((msg->type == EOD_MSG_RESULT || msg->type == EOD_MSG_QUOTES) && msg->task_id
        && eod_strset_add (self->tasks, msg->task_id, NULL) == EOD_STRSET_NONE)
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
    if (self->tasks)
        eod_strset_clear (self->tasks);
    self->cursor = EOD_STRSET_NONE;
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
        eod_strset_clear (self->tasks);
        return -1;
    }
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    if (eod_strset_count (self->tasks))
        eod_log_info ("%s: %zu task(s) already journalled", path, eod_strset_count (self->tasks));
    return 0;
}

int
writer_replay_record (writer_replay_t *self, const eod_msg_t *result)
{
    assert (self->journal);
    if (eod_strset_find (self->tasks, result->task_id) != EOD_STRSET_NONE) {
        eod_log_debug ("%s %s: already journalled: acknowledged again", result->run_id, result->task_id);
        return 0;
    }
    if (eod_journal_append (self->journal, result))
        return -1;
    if (eod_strset_add (self->tasks, result->task_id, NULL) == EOD_STRSET_NONE)
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
    return eod_strset_count (self->tasks);
}

const char *
writer_replay_first (writer_replay_t *self)
{
    self->cursor = eod_strset_first (self->tasks);
    return self->cursor == EOD_STRSET_NONE ? NULL : eod_strset_str (self->tasks, self->cursor);
}

const char *
writer_replay_next (writer_replay_t *self)
{
    if (self->cursor != EOD_STRSET_NONE)
        self->cursor = eod_strset_next (self->tasks, self->cursor);
    return self->cursor == EOD_STRSET_NONE ? NULL : eod_strset_str (self->tasks, self->cursor);
}
