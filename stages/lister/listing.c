/*  lister listing — raw drafts to the run's listing (see listing.h). */
#include "listing.h"
#include "batches.h"
#include "eod_cal.h"
#include "eod_date.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "eod_util.h"
#include "run_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_LIST_SPOOL "listing.spool"   //  the listing: drafts with the run id
//  Longest line read from a codes file.
#define S_CODES_LINE_MAX 128

struct _lister_listing_t {
    char run_id[LISTER_RUN_ID_LEN + 1];
    lister_spool_t *drafts;       //  one draft TASK a code, with the run id
    zlistx_t *chunks;             //  "YYYY-MM-DD YYYY-MM-DD" each; NULL: no sessions known
    eod_msg_t *listed;            //  LISTED, once made
    lister_batches_plan_t plan;   //  TASKs or not, BATCHes (batches.h)
};

static void
s_str_free (void **item)
{
    free (*item);
    *item = NULL;
}

#define S_CHUNK_SESSIONS 100   //  FHKST03010100 and HHDFS76240000 return at most 100 rows

typedef struct {
    eod_date_t dates[S_CHUNK_SESSIONS];
    size_t n;
    zlistx_t *chunks;   //  "YYYY-MM-DD YYYY-MM-DD" per chunk
} s_chunker_t;

static void
s_chunk_flush (s_chunker_t *c)
{
    if (!c->n)
        return;
    char a[11], b[11], range[32];
    eod_date_format (c->dates[0], a, sizeof a);
    eod_date_format (c->dates[c->n - 1], b, sizeof b);
    snprintf (range, sizeof range, "%s %s", a, b);
    zlistx_add_end (c->chunks, strdup (range));
    c->n = 0;
}

static int
s_chunk_session (eod_date_t date, int open_min, int close_min, void *arg)
{
    s_chunker_t *c = arg;
    c->dates[c->n++] = date;
    if (c->n == S_CHUNK_SESSIONS)
        s_chunk_flush (c);
    return 0;
}

//  The date ranges each code is asked for: the daily session, or a
//  backfill's sessions in chunks of at most 100. NULL when the calendar
//  cannot say (logged).
static zlistx_t *
s_chunks (const eod_config_t *cfg, const eod_msg_t *job)
{
    zlistx_t *chunks = zlistx_new ();
    zlistx_set_destructor (chunks, s_str_free);
    if (strcmp (job->mode, "backfill") != 0) {
        char range[32];
        snprintf (range, sizeof range, "%s %s", job->date_from, job->date_to);
        zlistx_add_end (chunks, strdup (range));
        return chunks;
    }
    char dir[1024];
    eod_config_path_value (cfg, "pipeline:calendar_dir", dir, sizeof dir);
    eod_cal_t *cal = eod_cal_new (dir);
    eod_market_t market;
    eod_date_t from, to;
    s_chunker_t c = {.chunks = chunks};
    if (!cal || eod_market_parse (job->market, &market) || eod_date_parse (job->date_from, &from)
        || eod_date_parse (job->date_to, &to) || eod_cal_sessions (cal, market, from, to, s_chunk_session, &c) < 0) {
        eod_log_error ("backfill %s..%s: the sessions cannot be enumerated", job->date_from, job->date_to);
        zlistx_destroy (&chunks);
    }
    else
        s_chunk_flush (&c);
    eod_cal_destroy (&cal);
    return chunks;
}

//  --codes FILE: only these codes (one a line, # comments), sorted, in
//  slots of width bytes. NULL: all.
static lister_codes_t *
s_codes_filter (const eod_msg_t *job, size_t width)
{
    const char *path = eod_fields_get (&job->meta, "codes_file");
    if (!path)
        return NULL;
    lister_codes_t *only = lister_codes_new (width);
    if (!only) {
        eod_log_error ("%s: out of memory: nothing will be listed", path);
        return NULL;
    }
    FILE *f = fopen (path, "r");
    if (!f) {
        eod_log_error ("%s: cannot read the codes file: nothing will be listed", path);
        lister_codes_sort (only);
        return only;
    }
    char line[S_CODES_LINE_MAX];
    size_t lineno = 0, unusable = 0;
    while (fgets (line, sizeof line, f)) {
        lineno++;
        eod_trim (line);
        if (!*line || *line == '#')
            continue;
        //  A code too long for any instrument of the market matches none.
        if (lister_codes_add (only, line)) {
            if (!unusable++)
                eod_log_warn ("%s:%zu: '%s' is no code of this market (over %zu characters): it matches nothing", path,
                              lineno, line, width - 1);
        }
    }
    fclose (f);
    lister_codes_sort (only);
    eod_log_info ("%s: %zu code(s) to list", path, lister_codes_count (only));
    if (unusable > 1)
        eod_log_warn ("%s: %zu line(s) in all are no code of this market", path, unusable);
    return only;
}

//  Spools the drafts of raw into self->drafts with the run id: keeps the
//  first of a code met twice and, when only is not NULL, the codes in it.
//  Every draft keeps the master file's columns, of a backfill too: the
//  writer puts the group code on every row and the financial figures on the
//  row of the session they describe only (stages/writer/snapshot.h).
//  Returns 0, or -1 with err set.
static int
s_keep_drafts (lister_listing_t *self, const char *dir, const eod_msg_t *job, lister_spool_t *raw,
               lister_codes_t *codes, const lister_codes_t *only, char *err, size_t errlen)
{
    int rc = -1;
    eod_msg_t *t = NULL;
    char path[1200];
    snprintf (path, sizeof path, "%s/%s", dir, S_LIST_SPOOL);
    self->drafts = lister_spool_new (path);
    if (!self->drafts || lister_spool_rewind (raw)) {
        eod_set_error (err, errlen, "the listing cannot be kept in %s (see the log)", dir);
        goto out;
    }
    int next;
    while ((next = lister_spool_next (raw, &t)) == 1) {
        //  The same code can sit in both files only by a data error: keep the first.
        int first = lister_codes_claim (codes, t->code);
        if (first < 0) {
            eod_set_error (err, errlen, "%s: code %s lost from the listing (out of memory?)", lister_spool_path (raw),
                           t->code);
            goto out;
        }
        if (first == 0)
            eod_log_warn_capped ("code listed twice", "%s listed twice: the second is dropped", t->code);
        else if (self->chunks && (!only || lister_codes_contains (only, t->code))) {
            eod_msg_set (&t->run_id, self->run_id);
            eod_msg_set (&t->market, job->market);
            eod_msg_set (&t->mode, job->mode);
            if (lister_spool_append (self->drafts, t)) {
                eod_set_error (err, errlen, "the listing cannot be kept in %s (see the log)", dir);
                goto out;
            }
        }
        eod_msg_destroy (&t);
    }
    if (next < 0) {
        eod_set_error (err, errlen, "%s cannot be read back (see the log)", lister_spool_path (raw));
        goto out;
    }
    rc = 0;
out:
    eod_msg_destroy (&t);
    return rc;
}

lister_listing_t *
lister_listing_new (const eod_config_t *cfg, const char *dir, const eod_msg_t *job, lister_spool_t *raw,
                    lister_codes_t *codes, size_t width, char *err, size_t errlen)
{
    lister_listing_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_set_error (err, errlen, "out of memory");
        return NULL;
    }
    lister_codes_sort (codes);
    if (lister_run_id_codes (job->market, job->mode, job->date_from, job->date_to, codes, self->run_id)) {
        eod_set_error (err, errlen, "the run id cannot be made (see the log)");
        lister_listing_destroy (&self);
        return NULL;
    }
    //  A backfill asks for up to 100 sessions per request (the API's cap), so
    //  each code gets one task per chunk of sessions.
    self->chunks = s_chunks (cfg, job);
    self->plan = lister_batches_plan (cfg, job, lister_batches_window_over (cfg, job, eod_now ()));
    lister_codes_t *only = s_codes_filter (job, width);
    int rc = s_keep_drafts (self, dir, job, raw, codes, only, err, errlen);
    lister_codes_destroy (&only);
    if (rc)
        lister_listing_destroy (&self);
    return self;
}

void
lister_listing_destroy (lister_listing_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_listing_t *self = *self_p;
    lister_spool_destroy (&self->drafts);
    zlistx_destroy (&self->chunks);
    eod_msg_destroy (&self->listed);
    free (self);
    *self_p = NULL;
}

const char *
lister_listing_run_id (const lister_listing_t *self)
{
    return self->run_id;
}

long
lister_listing_count (const lister_listing_t *self)
{
    if (!self->chunks)
        return 0;
    size_t codes = lister_spool_count (self->drafts);
    long tasks = self->plan.tasks ? (long) (codes * zlistx_size (self->chunks)) : 0;
    return tasks + lister_batches_count (codes, self->plan.size);
}

const lister_batches_plan_t *
lister_listing_plan (const lister_listing_t *self)
{
    return &self->plan;
}

lister_spool_t *
lister_listing_drafts (lister_listing_t *self)
{
    return self->drafts;
}

zlistx_t *
lister_listing_chunks (lister_listing_t *self)
{
    return self->chunks;
}

const eod_msg_t *
lister_listing_make_listed (lister_listing_t *self, const eod_msg_t *job, const eod_fields_t *summary, zlistx_t *absent)
{
    eod_msg_destroy (&self->listed);
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED);
    if (!listed)
        return NULL;
    eod_msg_set (&listed->run_id, self->run_id);
    eod_msg_set (&listed->market, job->market);
    eod_msg_set (&listed->mode, job->mode);
    eod_msg_set (&listed->date_from, job->date_from);
    eod_msg_set (&listed->date_to, job->date_to);
    //  Listed, sent or not: a resend completes what is missing.
    listed->count = lister_listing_count (self);
    eod_fields_merge (&listed->meta, summary);
    lister_batches_note (&self->plan, self->chunks ? lister_spool_count (self->drafts) : 0, &listed->meta);
    for (char *note = zlistx_first (absent); note; note = zlistx_next (absent))
        eod_msg_add_list (listed, note);
    self->listed = listed;
    return listed;
}

const eod_msg_t *
lister_listing_listed (const lister_listing_t *self)
{
    return self->listed;
}
