/*  lister — see lister.h. This file wires the parts of a listing together:

      JOB  -> sources.h   the master files / index articles, downloaded
                          (fetch.h) and parsed into drafts (drafts.h) in a
                          raw spool, only their codes in memory (codes.h)
           -> listing.h   the drafts made a listing: run id (run_id.h),
                          --codes filter, chunks of sessions
           -> send.h      one TASK per code and chunk, then LISTED, to the
                          coordinator through a bounded pipe
      END  -> passed on; with --once, the listing confirmed (send.h)

    Memory stays flat whatever the number of codes: a master zip is saved
    under state_dir/lister/ and inflated and parsed a chunk at a time, each
    draft waits in a spool file, and the listing is streamed from its spool
    to the coordinator, and streamed again by a resend. */
#include "lister.h"
#include "codelists.h"
#include "codes.h"
#include "eod_date.h"
#include "drafts.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "eod_master.h"
#include "eod_util.h"
#include "listing.h"
#include "send.h"
#include "sources.h"
#include "spool.h"
#include "universe_diff.h"
#include "us_universe.h"

#include <errno.h>
#include <string.h>

//  TASKs queued towards the coordinator before a send waits for it to read:
//  some 25 KB, where an unbounded pipe held the whole listing (3 MB for
//  10,000 codes). The coordinator reads its input in batches, so a deeper
//  queue buys no speed (1000 measured no faster, and 0.2 MB more).
#define S_COORDINATOR_HWM 100
//  Slot widths of the code sets: a KR short code, a US symbol (NUL included).
#define S_KR_CODE_WIDTH (EOD_MASTER_SHORT_CODE_LEN + 1)
#define S_US_CODE_WIDTH US_SYMBOL_MAX
//  Files of the lister under state_dir.
#define S_STATE_SUBDIR "lister"
#define S_RAW_SPOOL "listing.raw"      //  drafts as parsed, before dedup and filter
#define S_UNIVERSE_SUBDIR "universe"   //  state_dir/universe/MARKET: the previous snapshots

struct _lister_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;        //  PULL: JOB and END from the calendar gate
    zsock_t *coordinator;  //  PUSH: TASK, LISTED, END
    bool failed;
    lister_fetch_fail_t fail;  //  the worst download failure: the exit code
    char dir[1024];        //  state_dir/lister: master zips and spools
    //  The last listing, kept until the coordinator confirms it: one draft
    //  TASK per code in a spool file and the run's chunks of sessions, from
    //  which every TASK is made again on demand, and LISTED.
    lister_listing_t *listing;
};

//  Sends msg to the coordinator, unless the lister was told to stop: each
//  send may wait LISTER_SEND_TIMEOUT_MS for a coordinator that is gone too.
//  The lister_send_fn of send.h (arg: the lister).
static int
s_to_coordinator (void *arg, const eod_msg_t *msg)
{
    lister_t *self = arg;
    if (zsys_interrupted)
        return -1;
    return eod_stage_send (self->stage, self->coordinator, NULL, msg);
}

//  The lister_ask_fn of send.h (arg: the lister).
static int
s_ask_coordinator (void *arg, const eod_msg_t *listed, lister_status_t *status)
{
    lister_t *self = arg;
    return lister_send_ask (self->stage, listed, status);
}

static void
s_str_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  The universe snapshot of a market, opened before its sources are read:
//  its day is today in Seoul (the day the sources are downloaded, which
//  names the reference pipeline's lists), whatever sessions the job asks
//  for. NULL when it cannot be written: the run goes on without it.
static lister_codelists_t *
s_snapshot_open (lister_t *self, const eod_msg_t *job, char day[11])
{
    eod_date_format (eod_date_today (EOD_TZ_SEOUL), day, 11);
    char data[1024], err[512] = "";
    eod_config_path_value (self->stage->config, "pipeline:data_dir", data, sizeof data);
    lister_codelists_t *snap = lister_codelists_new (data, job->market, day, err, sizeof err);
    if (!snap)
        eod_stage_event (self->stage, "warn", job->run_id, job->market, "lister: no universe snapshot: %s", err);
    return snap;
}

//  Commits the snapshot, compares it with the previous one of the market
//  (state_dir/universe/MARKET) and puts what changed in the summary:
//  universe_day, universe_since, universe_entered, universe_left and
//  universe_changes (a line for people). A snapshot that cannot be kept is
//  a warning: the prices matter more than their list.
static void
s_snapshot_finish (lister_t *self, const eod_msg_t *job, lister_codelists_t *snap, const char *day,
                   eod_fields_t *summary)
{
    char err[512] = "", dir[1200], state[1024], text[LISTER_UDIFF_TEXT];
    if (lister_codelists_commit (snap, err, sizeof err)) {
        eod_stage_event (self->stage, "warn", job->run_id, job->market, "lister: no universe snapshot: %s", err);
        return;
    }
    eod_fields_set (summary, "universe_day", day);
    eod_config_path_value (self->stage->config, "pipeline:state_dir", state, sizeof state);
    lister_udiff_t diff;
    size_t len;
    const char *members = lister_codelists_members (snap, &len);
    if (eod_path_format (dir, sizeof dir, "%s/%s/%s", state, S_UNIVERSE_SUBDIR, job->market)
        || lister_udiff_update (dir, day, members, len, &diff, err, sizeof err)) {
        eod_stage_event (self->stage, "warn", job->run_id, job->market,
                         "lister: the universe of %s was not compared with the previous one: %s", day,
                         *err ? err : "the state path is too long");
        return;
    }
    lister_udiff_text (&diff, text, sizeof text);
    eod_fields_set (summary, "universe_changes", text);
    eod_fields_set (summary, "universe_since", diff.since);
    char n[32];
    snprintf (n, sizeof n, "%zu", diff.entered);
    eod_fields_set (summary, "universe_entered", n);
    snprintf (n, sizeof n, "%zu", diff.left);
    eod_fields_set (summary, "universe_left", n);
    eod_log_info ("%s universe of %s: %s", job->market, day, text);
}

static void
s_on_job (lister_t *self, eod_msg_t *job)
{
    lister_listing_destroy (&self->listing);
    eod_fields_t summary = EOD_FIELDS_INIT;
    zlistx_t *absent = zlistx_new ();
    zlistx_set_destructor (absent, s_str_free);
    lister_spool_t *raw = NULL;
    lister_codes_t *codes = NULL;
    lister_drafts_t *drafts = NULL;
    char err[512] = "";
    bool kr = strcmp (job->market, "kr") == 0, us = strcmp (job->market, "us") == 0;
    size_t width = kr ? S_KR_CODE_WIDTH : S_US_CODE_WIDTH;
    char path[1200];
    snprintf (path, sizeof path, "%s/%s", self->dir, S_RAW_SPOOL);
    if (!kr && !us) {
        eod_set_error (err, sizeof err, "market '%s' is not listed by this lister yet", job->market);
        goto failed;
    }
    if (eod_mkdirs (self->dir, 0700)) {
        eod_set_error (err, sizeof err, "%s: cannot be made: %s", self->dir, strerror (errno));
        goto failed;
    }
    raw = lister_spool_new (path);
    codes = lister_codes_new (width);
    drafts = raw && codes ? lister_drafts_new (job, raw, codes) : NULL;
    if (!drafts) {
        eod_set_error (err, sizeof err, "the listing cannot be kept in %s (see the log)", self->dir);
        goto failed;
    }
    char day[11];
    lister_sources_t src = {.stage = self->stage, .dir = self->dir, .drafts = drafts, .summary = &summary,
                            .absent = absent, .snapshot = s_snapshot_open (self, job, day)};
    int rc = kr ? lister_sources_kr (&src, err, sizeof err) : lister_sources_us (&src, err, sizeof err);
    lister_fetch_note (&self->fail, src.fail);
    if (rc == 0 && src.snapshot)
        s_snapshot_finish (self, job, src.snapshot, day, &summary);
    lister_codelists_destroy (&src.snapshot);
    if (rc)
        goto failed;
    lister_drafts_destroy (&drafts);
    self->listing = lister_listing_new (self->stage->config, self->dir, job, raw, codes, width, err, sizeof err);
    if (!self->listing)
        goto failed;
    lister_spool_destroy (&raw);
    lister_codes_destroy (&codes);
    lister_send_tasks (self->listing, s_to_coordinator, self);
    const eod_msg_t *listed = lister_listing_make_listed (self->listing, job, &summary, absent);
    if (!listed) {
        eod_set_error (err, sizeof err, "out of memory");
        goto failed;
    }
    s_to_coordinator (self, listed);
    eod_log_info ("run %s: %ld tasks listed for %s %s..%s", lister_listing_run_id (self->listing),
                  (long) listed->count, job->market, job->date_from, job->date_to);
    goto out;
failed:
    self->failed = true;
    eod_stage_event (self->stage, "error", job->run_id, job->market, "lister: %s", err);
    lister_listing_destroy (&self->listing);
out:
    lister_drafts_destroy (&drafts);
    lister_spool_destroy (&raw);
    lister_codes_destroy (&codes);
    zlistx_destroy (&absent);
    eod_fields_clear (&summary);
}

lister_t *
lister_new (eod_stage_t *stage, bool once)
{
    lister_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    char state[1024];
    eod_config_path_value (stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (self->dir, sizeof self->dir, "%s/%s", state, S_STATE_SUBDIR);
    self->input = eod_stage_socket (stage, ZMQ_PULL, "endpoints:lister", true);
    //  A listing is thousands of TASKs. The pipe to the coordinator is
    //  bounded (set before the connect, so the pipe is made with it) and a
    //  send waits while it is full, so the listing moves across as the
    //  coordinator reads it instead of sitting whole in this process. The
    //  lister exits right after its END: the linger lets the tail still in
    //  the pipe go out, and the confirmation (lister_send_confirm) sends
    //  again what the coordinator lacks.
    self->coordinator = eod_stage_socket_hwm (stage, ZMQ_PUSH, "endpoints:coordinator", false, S_COORDINATOR_HWM);
    if (self->coordinator)
        zsock_set_sndtimeo (self->coordinator, LISTER_SEND_TIMEOUT_MS);
    if (!self->input || !self->coordinator) {
        lister_destroy (&self);
        return NULL;
    }
    return self;
}

void
lister_destroy (lister_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_t *self = *self_p;
    zsock_destroy (&self->coordinator);
    zsock_destroy (&self->input);
    lister_listing_destroy (&self->listing);
    free (self);
    *self_p = NULL;
}

int
lister_run (lister_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    bool over = false;
    while (!zsys_interrupted && !over) {
        if (!zpoller_wait (poller, 1000)) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        eod_msg_t *msg = eod_stage_recv (self->stage, self->input, NULL);
        if (!msg)
            continue;
        if (msg->type == EOD_MSG_JOB)
            s_on_job (self, msg);
        else if (msg->type == EOD_MSG_END) {
            eod_msg_set (&msg->stage, "lister");
            if (self->failed && (!msg->status || strcmp (msg->status, "ok") == 0)) {
                eod_msg_set (&msg->status, "failed");
                eod_msg_set (&msg->error, "the universe could not be listed (master files)");
            }
            s_to_coordinator (self, msg);
            eod_log_cap_flush ();   //  the run's repeated warnings, summed up
            if (self->once)
                lister_send_confirm (self->listing, msg, s_ask_coordinator, s_to_coordinator, self);
            over = self->once;
        }
        else
            eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
        eod_msg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    //  A refused certificate is the configuration's (2), a server that
    //  could not be had the outside's (3).
    if (self->fail == LISTER_FETCH_REFUSED)
        return 2;
    if (self->fail == LISTER_FETCH_UNREACHABLE)
        return 3;
    return self->failed ? 4 : 0;
}
