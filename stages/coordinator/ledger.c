/*  coordinator ledger — see ledger.h. */
#include "ledger.h"
#include "eod_grammar.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SUFFIX ".ledger"
#define S_SUFFIX_LEN (sizeof S_SUFFIX - 1)
#define S_PATH_MAX 1400
#define S_DAY_S 86400

struct _coordinator_ledger_t {
    eod_journal_t *journal;
    bool dirty;   //  appended to since the last sync
    int64_t synced_ms;
};

//  What a replay passes on, and what it saw.
typedef struct {
    coordinator_ledger_fn *on_record;
    void *arg;
    bool finished;
} s_replay_t;

char *
coordinator_ledger_path (const char *dir, const char *run_id)
{
    //  The decoder took only run ids of this grammar; a file name is made
    //  of nothing else (no '/', never '.' or '..').
    char why[128];
    if (!eod_grammar_ok (EOD_G_ID, run_id, why, sizeof why)) {
        eod_log_error ("%s: a run id that %s has no ledger", dir, why);
        return NULL;
    }
    size_t n = strlen (dir) + strlen (run_id) + sizeof "/" S_SUFFIX;
    char *path = malloc (n);
    if (path)
        snprintf (path, n, "%s/%s" S_SUFFIX, dir, run_id);
    return path;
}

static int
s_replay (eod_msg_t **msg_p, long record, int64_t offset, void *arg)
{
    s_replay_t *replay = arg;
    if ((*msg_p)->type == EOD_MSG_RUN_DONE)
        replay->finished = true;
    return replay->on_record ? replay->on_record (msg_p, offset, replay->arg) : 0;
}

coordinator_ledger_t *
coordinator_ledger_open (const char *dir, const char *run_id, coordinator_ledger_fn *on_record, void *arg,
                         bool *finished)
{
    s_replay_t replay = {on_record, arg, false};
    coordinator_ledger_t *self = calloc (1, sizeof *self);
    char *path = coordinator_ledger_path (dir, run_id);
    if (self && path)
        self->journal = eod_journal_open_at (path, s_replay, &replay);
    if (finished)
        *finished = replay.finished;
    if (!self || !self->journal) {
        eod_log_error ("%s: no ledger for run %s: it will not be resumable", path ? path : dir, run_id);
        free (self);
        self = NULL;
    }
    free (path);
    return self;
}

void
coordinator_ledger_destroy (coordinator_ledger_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_journal_destroy (&(*self_p)->journal);
    free (*self_p);
    *self_p = NULL;
}

void
coordinator_ledger_append (coordinator_ledger_t *self, const eod_msg_t *msg)
{
    if (self && eod_journal_append (self->journal, msg) == 0)
        self->dirty = true;
}

int64_t
coordinator_ledger_append_at (coordinator_ledger_t *self, const eod_msg_t *msg)
{
    int64_t at = self ? eod_journal_append_at (self->journal, msg) : -1;
    if (at >= 0)
        self->dirty = true;
    return at;
}

void
coordinator_ledger_sync (coordinator_ledger_t *self, bool force, int64_t now_ms)
{
    if (!self || !self->dirty || (!force && now_ms - self->synced_ms < COORDINATOR_LEDGER_SYNC_MS))
        return;
    if (eod_journal_sync (self->journal) == 0)
        self->dirty = false;
    self->synced_ms = now_ms;
}

//  The length of name's run id when name is a ledger's file name, else 0.
static size_t
s_run_id_len (const char *name)
{
    size_t n = strlen (name);
    return n > S_SUFFIX_LEN && strcmp (name + n - S_SUFFIX_LEN, S_SUFFIX) == 0 ? n - S_SUFFIX_LEN : 0;
}

int
coordinator_ledger_newest (const char *dir, char *out, size_t outsize)
{
    DIR *d = opendir (dir);
    if (!d)
        return -1;
    *out = '\0';
    time_t best_mtime = 0;
    struct dirent *e;
    while ((e = readdir (d))) {
        size_t n = s_run_id_len (e->d_name);
        if (n == 0 || n + S_SUFFIX_LEN >= outsize)
            continue;
        char path[S_PATH_MAX];
        struct stat st;
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat (path, &st) == 0 && st.st_mtime >= best_mtime) {
            best_mtime = st.st_mtime;
            snprintf (out, outsize, "%.*s", (int) n, e->d_name);
        }
    }
    closedir (d);
    return *out ? 0 : -1;
}

void
coordinator_ledger_prune (const char *dir, long keep_days, time_t now)
{
    DIR *d = opendir (dir);
    if (!d)
        return;
    time_t cutoff = now - (time_t) keep_days * S_DAY_S;
    struct dirent *e;
    while ((e = readdir (d))) {
        if (s_run_id_len (e->d_name) == 0)
            continue;
        char path[S_PATH_MAX];
        struct stat st;
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat (path, &st) == 0 && st.st_mtime < cutoff && unlink (path) == 0)
            eod_log_info ("%s: older than the ledgers kept: removed", path);
    }
    closedir (d);
}

int
coordinator_ledger_write_gaps (const char *state_dir, const char *market, const char *run_id, const char *text,
                               size_t len)
{
    char path[S_PATH_MAX], why[128] = "";
    if (!eod_grammar_ok (EOD_G_MARKET, market, why, sizeof why) || !eod_grammar_ok (EOD_G_ID, run_id, why, sizeof why)
        || eod_path_format (path, sizeof path, "%s/gaps/%s-%s.tsv", state_dir, market, run_id)) {
        eod_log_error ("%s: no gaps file for run %.64s of %.8s: %s", state_dir, run_id, market,
                       *why ? why : "the path is too long");
        return -1;
    }
    if (len == 0) {
        //  A run again (the same id) that got everything: its gaps are filled.
        if (unlink (path) == 0)
            eod_log_info ("%s: every gap filled: removed", path);
        return 0;
    }
    if (eod_mkdirs_for (path) || eod_write_file_atomic (path, text, len, 0600)) {
        eod_log_error ("%s: cannot record the gaps", path);
        return -1;
    }
    eod_log_info ("gaps recorded in %s", path);
    return 0;
}
