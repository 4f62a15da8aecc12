/*  coordinator — see coordinator.h. */
#include "coordinator.h"
#include "eod_date.h"
#include "eod_journal.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "eod_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define S_KEYS_MAX 16                 //  app keys (budgets) one coordinator paces
#define S_TOKEN_ISSUE_GAP_S 61        //  KIS issues at most one token a minute
#define S_TOKEN_MIN_USE_S 600         //  a fresh token is used at least this long
#define S_POLL_MAX_MS 100             //  longest sleep between housekeeping passes
#define S_BACKOFF_BASE_MS 200         //  retry backoff: base * 2^(attempt-1), capped
#define S_BACKOFF_MAX_MS 5000
#define S_ENDING_GRACE_MS 300         //  let the last messages leave before exit
#define S_INPUT_BATCH 1000            //  input messages taken per loop pass
#define S_FETCHER_BATCH 64            //  fetcher messages taken per loop pass
#define S_PROGRESS_MS 2000            //  how often a progress line is logged during a run
#define S_STATS_MS 1000               //  how often counters are published on the trace PUB
#define S_RECONCILE_WAIT_MS 1000      //  a resumed run waits this long for the writer's ACKs
#define S_LEDGER_SYNC_MS 200          //  the ledger is made durable at least this often
#define S_LEASE_SCAN_MS 100           //  how often lease and ACK deadlines are checked
#define S_INPUT_HWM 200               //  listing messages buffered here; the lister waits beyond
#define S_WRITING_MAX 512             //  RESULTs the writer has not acknowledged before dispatch waits
#define S_WRITER_HWM S_WRITING_MAX    //  so a send to the writer never blocks
#define S_WRITER_WAIT_MS 5            //  poll again this soon while dispatch waits for the writer
#define S_KEPT_MAX_BYTES (8u << 20)   //  RESULTs kept for the writer until its ACK; beyond, a lost one is fetched again
#define S_LAG_BLOCK 64                //  a fetcher's quickest lag is the least of the last 64-128 RESULTs'
#define S_LATE_MIN_US 1000            //  a request leaving later than that past the quickest lag is late
#define S_LAG_FIRST 8                 //  a fetcher's first RESULTs are judged by its READY's clock too

typedef enum { T_QUEUED, T_LEASED, T_WRITING, T_DONE, T_FAILED } s_task_state_t;

//  A run the tasks belong to (one at a time, but a service may see the next
//  run's listing before the last one settled): the names its tasks share,
//  and a read-only handle on its ledger, where each TASK is kept whole.
typedef struct {
    char *run_id;
    char *market;
    char *mode;
    char *ledger_path;
    int ledger_fd;                    //  -1: no ledger (tasks keep their metadata)
} s_run_t;

//  A listed task, compact: a 10,000-code run keeps every one. The TASK's
//  metadata for the writer (master-file columns, name) stays in the ledger
//  and is read back when the task's rows go to the writer; the fetcher is
//  sent a TASK made from these fields.
typedef struct {
    s_run_t *run;
    char *text;                       //  "task_id\0code\0exchange\0date_from\0date_to\0"
    uint8_t state;                    //  s_task_state_t
    uint8_t kind;                     //  0 ok, 1 nodata, 2 unknown, 3 failed
    uint8_t key;                      //  the key it was last dispatched under
    int attempt;
    int generation;                   //  the key's token generation it was dispatched with
    uint32_t worker;                  //  lease holder (s_worker_t.seq), 0 none
    int64_t deadline_ms;              //  lease or ack deadline
    int64_t not_before_ms;            //  retry backoff
    char *outcome;                    //  "CODE reason" when failed, no-data or unknown
    int64_t ledger_at;                //  its TASK record in run->ledger_fd, -1 none
    int64_t dispatched_us;            //  its last dispatch (eod_monotonic_us)
    uint64_t pace_n;                  //  and that dispatch's number in its key's pacer
    //  Without a ledger record: the metadata and name packed as
    //  "key\0value\0" pairs in one allocation.
    char *meta;
    uint32_t meta_len;
} s_task_t;

#define S_TASK_CODE 1                 //  the fields of s_task_t.text, in order
#define S_TASK_EXCHANGE 2
#define S_TASK_FROM 3
#define S_TASK_TO 4
#define S_TASK_FIELDS 5

typedef struct {
    char id[32];                      //  the config section name
    char *app_key;
    char *app_secret;
    char *token;
    time_t expires;
    time_t last_issue;
    time_t refresh_at;                //  issue a new token from then on
    int generation;                   //  bumped when the token changes
    coordinator_pacer_t pacer;
    int64_t paused_until_ms;
    long requests;
    long rate_limited;
} s_key_t;

//  A RESULT as sent to the writer, kept until the writer acknowledges it: a
//  writer that died before making it durable is sent it again instead of the
//  API being asked again.
typedef struct {
    char *data;
    size_t len;
} s_kept_t;

typedef struct {
    zframe_t *identity;
    uint32_t seq;                     //  its number in this coordinator (never 0)
    char name[64];
    int credit;
    int64_t last_seen_ms;
    long results;                     //  RESULTs it returned in this run
    long readies;                     //  READYs it sent in this run (a RESULT stands for one)
    int creds_generation[S_KEYS_MAX]; //  generation of each key's CREDS it holds (0: none)
    bool new;                         //  first message from it: its credit is not known yet
    //  Lag: a RESULT's sent_us (the fetcher host's clock) minus its task's
    //  dispatch (this clock), which is the clocks' offset plus the time the
    //  TASK took to become a request. Its least over the current and the
    //  last block of S_LAG_BLOCK RESULTs stands for the offset and the
    //  quickest way; a request whose lag is over that by more than
    //  S_LATE_MIN_US left late, and its key's pacer is told.
    //  A fetcher's first RESULTs cannot show its quickest lag (the first
    //  may have been held up): until S_LAG_FIRST came, the floor is at most
    //  the least of its READY and HEARTBEAT sent_us minus their receipt
    //  here, the offset less the way back, which can only make requests
    //  look later than they were.
    int64_t lag_floor[2];
    int64_t back_floor;
    uint32_t lag_samples;
    long late;                        //  its requests that left late in this run
    int64_t late_max_us;              //  the latest of them (past the quickest lag)
} s_worker_t;

struct _coordinator_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;                   //  PULL: lister and writer
    zsock_t *fetchers;                //  ROUTER
    zsock_t *writer;                  //  PUSH
    zsock_t *service;                 //  REP: chk-holiday for the calendar gate
    zpoller_t *poller;
    s_key_t keys[S_KEYS_MAX];
    size_t nkeys;
    size_t next_key;                  //  round robin among keys that are free
    long jitter_ms;
    int max_attempts;
    int64_t heartbeat_ms;
    int64_t liveness;
    int64_t ack_timeout_ms;
    int64_t lease_ms;                 //  a fetcher's time to answer: liveness heartbeats + the request timeout
    char base_url[512];
    zhashx_t *tasks;                  //  task_id -> s_task_t
    zlistx_t *queue;                  //  task ids waiting for dispatch (borrowed strings)
    zhashx_t *workers;                //  name -> s_worker_t
    uint32_t worker_seq;              //  the last s_worker_t.seq given
    zlistx_t *runs;                   //  s_run_t of the tasks held
    //  The run
    eod_msg_t *listed;                //  LISTED, once received
    eod_msg_t *end;                   //  END from the lister, once received
    bool listing_live;                //  the lister lists this run now (its TASK or LISTED came)
    bool end_live;                    //  and its END has come: till then a ledger's END settles nothing
    char run_id[128];
    int64_t started_ms;
    long requests, rate_limited, retries;
    long acks;                        //  the writer's ACKs in this run (one names a batch of tasks)
    bool done_sent;
    bool api_unreachable;
    int64_t last_heartbeat_ms;
    int64_t last_progress_ms;
    int64_t last_stats_ms;
    int64_t created_ms;
    long stats_requests;              //  requests at the last stats
    long budget;                      //  requests/s of all keys
    //  The ledger: TASK, LISTED and END as received, an ACK per task written,
    //  RUN_DONE when the run settled. A restarted coordinator, or the same
    //  run started again, replays it and asks only for what is missing.
    char ledger_dir[1100];
    eod_journal_t *ledger;
    bool ledger_dirty;
    int64_t ledger_synced_ms;
    bool replaying;                   //  records come from the ledger: do not append them again
    bool finished_before;             //  the ledger holds a RUN_DONE
    long resumed;                     //  tasks the ledger had as written
    long unsettled;                   //  tasks neither done nor failed
    long writing;                     //  tasks whose rows the writer has not acknowledged
    zhashx_t *kept;                   //  task_id -> s_kept_t, for tasks being written
    size_t kept_bytes;
    int64_t last_lease_scan_ms;
    int64_t hold_until_ms;            //  no dispatch before: the writer reconciles a resumed run
};

static void s_ledger_prune (coordinator_t *self);

int
coordinator_pacer_init (coordinator_pacer_t *self, long rate, long jitter_ms, long margin_ms)
{
    memset (self, 0, sizeof *self);
    if (rate < 1)
        rate = 1;
    self->window_us = (1000 + (int64_t) jitter_ms + (int64_t) margin_ms) * 1000;
    self->interval_us = (self->window_us + rate - 1) / rate;
    self->tolerance_us = self->interval_us / 2;
    self->rate = (size_t) rate;
    if (rate <= COORDINATOR_PACER_LOG_MAX) {
        //  Twice the rate: a request that left late may be the rate-th
        //  latest although rate dispatches came after it.
        self->cap = 2 * (size_t) rate;
        self->log = calloc (self->cap, sizeof *self->log);
        self->scratch = calloc (self->cap, sizeof *self->scratch);
        if (!self->log || !self->scratch) {
            coordinator_pacer_fini (self);
            return -1;
        }
    }
    return 0;
}

void
coordinator_pacer_fini (coordinator_pacer_t *self)
{
    free (self->log);
    free (self->scratch);
    self->log = NULL;
    self->scratch = NULL;
}

//  The k-th largest of a[0..n) (1 <= k <= n), reordering a (quickselect).
static int64_t
s_kth_largest (int64_t *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n, want = k - 1;   //  a[want] is found in [lo, hi)
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t pivot = a[mid];
        a[mid] = a[hi - 1];
        a[hi - 1] = pivot;
        size_t at = lo;                    //  [lo, at) are larger than the pivot
        for (size_t i = lo; i < hi - 1; i++)
            if (a[i] > pivot) {
                int64_t swap = a[i];
                a[i] = a[at];
                a[at++] = swap;
            }
        a[hi - 1] = a[at];
        a[at] = pivot;
        if (want == at)
            break;
        if (want < at)
            hi = at;
        else
            lo = at + 1;
    }
    return a[want];
}

//  When the log lets the next dispatch go (INT64_MIN: at once).
static int64_t
s_log_due (const coordinator_pacer_t *self)
{
    if (!self->log || self->taken < self->rate)
        return INT64_MIN;
    //  The rate-th latest departure: with none reported late in the log,
    //  departures are in dispatch order and it is dispatch taken - rate.
    int64_t edge;
    if (self->late_since == 0 || self->taken - (self->late_since - 1) > self->cap)
        edge = self->log[(self->taken - self->rate) % self->cap];
    else {
        size_t n = self->taken < self->cap ? (size_t) self->taken : self->cap;
        memcpy (self->scratch, self->log, n * sizeof *self->log);
        edge = s_kth_largest (self->scratch, n, self->rate);
    }
    return edge + self->window_us;
}

int64_t
coordinator_pacer_due (const coordinator_pacer_t *self)
{
    int64_t due = self->tat_us;
    if (self->taken > 0 && self->last_us + self->tolerance_us > due)
        due = self->last_us + self->tolerance_us;
    int64_t log_due = s_log_due (self);
    return log_due > due ? log_due : due;
}

uint64_t
coordinator_pacer_take (coordinator_pacer_t *self, int64_t now)
{
    //  A dispatch the log held back (a request reported late) keeps the
    //  spacing's schedule, up to a window behind: the next ones catch up, T / 2
    //  apart, as far as the log lets them. Any other late dispatch moves the
    //  schedule by its lateness beyond T / 2.
    int64_t log_due = s_log_due (self);
    int64_t slack = log_due > self->tat_us && now <= log_due + self->tolerance_us ? self->window_us
                                                                                  : self->tolerance_us;
    int64_t from = self->tat_us > now - slack ? self->tat_us : now - slack;
    self->tat_us = from + self->interval_us;
    self->last_us = now;
    if (self->log)
        self->log[self->taken % self->cap] = now;
    return self->taken++;
}

void
coordinator_pacer_late (coordinator_pacer_t *self, uint64_t n, int64_t at)
{
    if (!self->log || n >= self->taken || self->taken - n > self->cap)
        return;
    int64_t *slot = &self->log[n % self->cap];
    if (at <= *slot)
        return;
    *slot = at;
    if (n + 1 > self->late_since)
        self->late_since = n + 1;
}

static void
s_task_free (void **item)
{
    s_task_t *t = *item;
    if (t) {
        free (t->text);
        free (t->outcome);
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

//  Field n (S_TASK_*) of a task's text; 0 is the task id.
static const char *
s_task_field (const s_task_t *t, int n)
{
    const char *p = t->text;
    for (int i = 0; i < n; i++)
        p += strlen (p) + 1;
    return p;
}

static const char *
s_task_id (const s_task_t *t)
{
    return t->text;
}

static const char *
s_task_code (const s_task_t *t)
{
    return s_task_field (t, S_TASK_CODE);
}

static void
s_run_free (void **item)
{
    s_run_t *run = *item;
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

static void
s_worker_free (void **item)
{
    s_worker_t *w = *item;
    if (w) {
        zframe_destroy (&w->identity);
        free (w);
        *item = NULL;
    }
}

//  ---------------------------------------------------------------- tokens

static void
s_cache_path (coordinator_t *self, s_key_t *key, char *out, size_t outsize)
{
    char base[1024];
    eod_config_path_value (self->stage->config, "kis:token_cache", base, sizeof base);
    snprintf (out, outsize, "%s.%s", base, key->id);
}

//  Loads a cached token that belongs to this app key and is fresh enough.
static void
s_token_load (coordinator_t *self, s_key_t *key)
{
    char path[1100];
    s_cache_path (self, key, path, sizeof path);
    struct stat st;
    if (stat (path, &st))
        return;
    if (st.st_mode & 077) {
        eod_log_error ("%s: token cache is readable by group or others (mode %04o): ignored; chmod 600 it", path,
                       (unsigned) (st.st_mode & 07777));
        return;
    }
    json_error_t jerr;
    json_t *root = json_load_file (path, 0, &jerr);
    if (!root) {
        eod_log_warn ("%s:%d: token cache unreadable (%s): a new token will be issued", path, jerr.line, jerr.text);
        return;
    }
    char fp[33];
    eod_fingerprint (key->app_key, fp);
    const char *token = json_string_value (json_object_get (root, "token"));
    const char *owner = json_string_value (json_object_get (root, "key_fingerprint"));
    const char *base = json_string_value (json_object_get (root, "base_url"));
    json_int_t expires = json_integer_value (json_object_get (root, "expires"));
    json_int_t issued = json_integer_value (json_object_get (root, "issued"));
    time_t now = eod_wall_now ();
    long refresh = (long) eod_config_int (self->stage->config, "kis:token_refresh_s");
    if (token && owner && strcmp (owner, fp) == 0 && base && strcmp (base, self->base_url) == 0
        && expires - refresh > now) {
        key->token = strdup (token);
        key->expires = (time_t) expires;
        key->last_issue = (time_t) issued;
        key->refresh_at = (time_t) expires - refresh;
        key->generation++;
        eod_log_secret (key->token);
        eod_log_info ("app key %s: using the cached token (expires in %ld min)", key->id,
                      (long) (expires - now) / 60);
    }
    json_decref (root);
}

static void
s_token_save (coordinator_t *self, s_key_t *key)
{
    char path[1100], tmp[1200], fp[33];
    s_cache_path (self, key, path, sizeof path);
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    eod_mkdirs_for (path);
    eod_fingerprint (key->app_key, fp);
    json_t *root = json_pack ("{s:s, s:I, s:I, s:s, s:s}", "token", key->token, "expires", (json_int_t) key->expires,
                              "issued", (json_int_t) key->last_issue, "key_fingerprint", fp, "base_url",
                              self->base_url);
    char *text = json_dumps (root, JSON_COMPACT);
    json_decref (root);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || !text || write (fd, text, strlen (text)) != (ssize_t) strlen (text) || fsync (fd)) {
        eod_log_warn ("%s: cannot write the token cache: %s", tmp, strerror (errno));
        if (fd >= 0)
            close (fd);
    }
    else {
        close (fd);
        if (rename (tmp, path))
            eod_log_warn ("%s: cannot rename the token cache: %s", path, strerror (errno));
    }
    if (text) {
        memset (text, 0, strlen (text));
        free (text);
    }
}

static void
s_conn (coordinator_t *self, s_key_t *key, eod_kis_conn_t *c)
{
    memset (c, 0, sizeof *c);
    //  Tokens and chk-holiday, a few requests a day, go through eod-http:
    //  the coordinator, which holds the budget, the leases and the ledger,
    //  loads no HTTP client, TLS or their libraries (about 5 MiB resident).
    c->http = eod_http_child_perform;
    c->base_url = self->base_url;
    c->app_key = key->app_key;
    c->app_secret = key->app_secret;
    c->timeout_ms = (long) eod_config_int (self->stage->config, "kis:timeout_ms");
    c->insecure = eod_config_bool (self->stage->config, "kis:insecure");
    const char *ca = eod_config_str (self->stage->config, "kis:ca_file");
    c->ca_file = *ca ? ca : NULL;
}

//  Makes sure key has a usable token: cached, or issued now (at most once a
//  minute, as KIS allows). force: the API said the token is expired.
//  may_wait: sleep out the one-a-minute gap (start-up) rather than pause the
//  key and return 1 (in the run's loop, which must keep serving fetchers).
//  Returns 0, 1 (not yet: the key is paused), or -1 when no token can be had
//  (logged).
static int
s_token_ensure (coordinator_t *self, s_key_t *key, bool force, bool may_wait)
{
    time_t now = eod_wall_now ();
    long refresh = (long) eod_config_int (self->stage->config, "kis:token_refresh_s");
    if (!force && key->token && now < key->refresh_at)
        return 0;
    if (force && key->token) {
        free (key->token);
        key->token = NULL;
    }
    for (int attempt = 1; attempt <= 3 && !zsys_interrupted; attempt++) {
        now = eod_wall_now ();
        if (key->last_issue && now - key->last_issue < S_TOKEN_ISSUE_GAP_S) {
            long wait = S_TOKEN_ISSUE_GAP_S - (long) (now - key->last_issue);
            if (!may_wait) {
                //  In the run's loop: pause the key (its tasks wait, the loop
                //  goes on serving heartbeats, results and ACKs).
                if (key->paused_until_ms < eod_clock_ms () + wait * 1000) {
                    key->paused_until_ms = eod_clock_ms () + wait * 1000;
                    eod_log_warn ("app key %s: paused %ld s before a new token may be issued (1 per minute)",
                                  key->id, wait);
                }
                return 1;
            }
            eod_log_warn ("app key %s: waiting %ld s before issuing a token (1 per minute)", key->id, wait);
            for (long i = 0; i < wait * 10 && !zsys_interrupted; i++)
                zclock_sleep (100);
        }
        eod_kis_conn_t c;
        s_conn (self, key, &c);
        eod_kis_reply_t r;
        char *token = NULL;
        time_t expires = 0;
        int status = eod_kis_issue_token (&c, &token, &expires, &r);
        if (status == EOD_KIS_OK) {
            free (key->token);
            key->token = token;
            key->expires = expires;
            key->last_issue = eod_wall_now ();
            key->refresh_at = expires - refresh;
            if (key->refresh_at < key->last_issue + S_TOKEN_MIN_USE_S) {
                //  An expiry already (nearly) past means our clock and the
                //  server's disagree; re-issuing at once would only be refused.
                eod_log_warn ("app key %s: the new token expires at %ld, %ld s from now by our clock: "
                              "clocks disagree? using it for %d s", key->id, (long) expires,
                              (long) (expires - key->last_issue), S_TOKEN_MIN_USE_S);
                key->refresh_at = key->last_issue + S_TOKEN_MIN_USE_S;
            }
            key->generation++;
            eod_log_secret (token);
            eod_log_info ("app key %s: token issued, expires %ld min from now", key->id,
                          (long) (expires - key->last_issue) / 60);
            s_token_save (self, key);
            return 0;
        }
        if (status == EOD_KIS_TOKEN_THROTTLED) {
            key->last_issue = eod_wall_now ();
            eod_log_warn ("app key %s: token issue throttled (%s %s)", key->id, r.msg_cd, r.msg1);
            continue;
        }
        if (status == EOD_KIS_RETRYABLE) {
            eod_log_warn ("app key %s: token issue failed, attempt %d: %s", key->id, attempt, r.error);
            if (!may_wait) {
                key->paused_until_ms = eod_clock_ms () + 1000 * attempt;
                return 1;
            }
            zclock_sleep (1000 * attempt);
            continue;
        }
        eod_stage_event (self->stage, "error", self->run_id, NULL, "app key %s: token refused: %s %s %s", key->id,
                         r.msg_cd, r.msg1, r.error);
        return -1;
    }
    self->api_unreachable = true;
    eod_stage_event (self->stage, "error", self->run_id, NULL, "app key %s: no access token could be had", key->id);
    return -1;
}

//  ---------------------------------------------------------------- set-up

static int
s_add_key (coordinator_t *self, const char *section)
{
    if (self->nkeys >= S_KEYS_MAX) {
        eod_log_error ("config: more than %d app keys", S_KEYS_MAX);
        return -1;
    }
    const eod_config_t *cfg = self->stage->config;
    const char *key = NULL, *secret = NULL;
    if (strcmp (section, "live_app") == 0 || strcmp (section, "test_app") == 0) {
        char name[64];
        snprintf (name, sizeof name, "%s:key", section);
        key = eod_config_str (cfg, name);
        snprintf (name, sizeof name, "%s:secret_key", section);
        secret = eod_config_str (cfg, name);
    }
    else {
        key = eod_config_raw (cfg, section, "key");
        secret = eod_config_raw (cfg, section, "secret_key");
    }
    if (!key || !*key || !secret || !*secret) {
        eod_log_error ("%s: [%s] needs key and secret_key (or the environment variables)", eod_config_path (cfg),
                       section);
        return -1;
    }
    eod_log_secret (key);
    eod_log_secret (secret);
    s_key_t *k = &self->keys[self->nkeys++];
    snprintf (k->id, sizeof k->id, "%s", section);
    k->app_key = strdup (key);
    k->app_secret = strdup (secret);
    return k->app_key && k->app_secret ? 0 : -1;
}

coordinator_t *
coordinator_new (eod_stage_t *stage, bool once)
{
    coordinator_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    self->created_ms = eod_clock_ms ();
    const eod_config_t *cfg = stage->config;
    bool live = strcmp (eod_config_str (cfg, "kis:env"), "live") == 0;
    snprintf (self->base_url, sizeof self->base_url, "%s",
              eod_config_str (cfg, live ? "kis:live_url" : "kis:test_url"));
    if (s_add_key (self, live ? "live_app" : "test_app"))
        goto fail;
    const char *more = eod_config_str (cfg, "kis:keys");
    while (*more) {
        size_t n = strcspn (more, ",");
        char section[64];
        snprintf (section, sizeof section, "%.*s", (int) n, more);
        eod_trim (section);
        for (char *p = section; *p; p++)
            *p = (char) (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (*section && s_add_key (self, section))
            goto fail;
        more += n + (more[n] == ',');
    }
    long rate = (long) eod_config_int (cfg, "kis:rate");
    if (rate == 0)
        rate = live ? 20 : 2;   //  KIS: 20 requests/s per key on the real host, 2 on the mock
    self->jitter_ms = (long) eod_config_int (cfg, "kis:jitter_ms");
    long margin_ms = (long) eod_config_int (cfg, "kis:margin_ms");
    for (size_t i = 0; i < self->nkeys; i++)
        if (coordinator_pacer_init (&self->keys[i].pacer, rate, self->jitter_ms, margin_ms))
            goto fail;
    self->budget = rate;
    self->max_attempts = (int) eod_config_int (cfg, "kis:max_attempts");
    self->heartbeat_ms = eod_config_int (cfg, "pipeline:heartbeat_ms");
    self->liveness = eod_config_int (cfg, "pipeline:liveness");
    self->ack_timeout_ms = eod_config_int (cfg, "pipeline:ack_timeout_ms");
    self->lease_ms = self->heartbeat_ms * self->liveness + eod_config_int (cfg, "kis:timeout_ms");
    eod_log_info ("%zu app key(s), %ld requests/s each: at most %ld in any %ld ms, one every %.2f ms", self->nkeys,
                  rate, rate, (long) (self->keys[0].pacer.window_us / 1000),
                  (double) self->keys[0].pacer.interval_us / 1000.0);

    self->tasks = zhashx_new ();
    zhashx_set_destructor (self->tasks, s_task_free);
    //  Keyed by each task's own id (its text): no copy of the key.
    zhashx_set_key_duplicator (self->tasks, NULL);
    zhashx_set_key_destructor (self->tasks, NULL);
    self->queue = zlistx_new ();
    self->runs = zlistx_new ();
    zlistx_set_destructor (self->runs, s_run_free);
    self->workers = zhashx_new ();
    zhashx_set_destructor (self->workers, s_worker_free);
    self->kept = zhashx_new ();
    zhashx_set_destructor (self->kept, s_kept_free);
    //  Both queues are bounded, so a 10,000-code listing or a slow writer
    //  does not pile up here: the lister waits on its send, and dispatch
    //  waits while the writer's queue is full (see s_dispatch).
    self->input = eod_stage_socket_hwm (stage, ZMQ_PULL, "endpoints:coordinator", true, S_INPUT_HWM);
    self->fetchers = eod_stage_socket (stage, ZMQ_ROUTER, "endpoints:fetchers", true);
    self->writer = eod_stage_socket_hwm (stage, ZMQ_PUSH, "endpoints:writer", false, S_WRITER_HWM);
    self->service = eod_stage_socket (stage, ZMQ_REP, "endpoints:service", true);
    if (!self->input || !self->fetchers || !self->writer || !self->service)
        goto fail;
    self->poller = zpoller_new (self->input, self->fetchers, self->service, NULL);
    self->started_ms = eod_clock_ms ();
    char state[1024];
    eod_config_path_value (cfg, "pipeline:state_dir", state, sizeof state);
    snprintf (self->ledger_dir, sizeof self->ledger_dir, "%s/coordinator", state);
    if (eod_mkdirs (self->ledger_dir, 0700)) {
        eod_log_error ("%s: %s", self->ledger_dir, strerror (errno));
        goto fail;
    }
    s_ledger_prune (self);
    return self;
fail:
    coordinator_destroy (&self);
    return NULL;
}

void
coordinator_destroy (coordinator_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    coordinator_t *self = *self_p;
    zpoller_destroy (&self->poller);
    zsock_destroy (&self->service);
    zsock_destroy (&self->writer);
    zsock_destroy (&self->fetchers);
    zsock_destroy (&self->input);
    zlistx_destroy (&self->queue);
    zhashx_destroy (&self->kept);
    zhashx_destroy (&self->tasks);
    zlistx_destroy (&self->runs);
    zhashx_destroy (&self->workers);
    for (size_t i = 0; i < self->nkeys; i++) {
        free (self->keys[i].app_key);
        free (self->keys[i].app_secret);
        free (self->keys[i].token);
        coordinator_pacer_fini (&self->keys[i].pacer);
    }
    eod_msg_destroy (&self->listed);
    eod_msg_destroy (&self->end);
    if (self->ledger)
        eod_journal_sync (self->ledger);
    eod_journal_destroy (&self->ledger);
    free (self);
    *self_p = NULL;
}

//  ---------------------------------------------------------------- tasks

//  A task leaves T_WRITING: its RESULT is no longer kept.
static void
s_written (coordinator_t *self, s_task_t *t)
{
    self->writing--;
    s_kept_t *k = zhashx_lookup (self->kept, s_task_id (t));
    if (k) {
        self->kept_bytes -= k->len;
        zhashx_delete (self->kept, s_task_id (t));
    }
}

static void
s_requeue (coordinator_t *self, s_task_t *t, int64_t delay_ms)
{
    if (t->state == T_WRITING)
        s_written (self, t);
    t->state = T_QUEUED;
    t->worker = 0;
    t->not_before_ms = eod_clock_ms () + delay_ms;
    zlistx_add_end (self->queue, (void *) s_task_id (t));
}

static void
s_settle (coordinator_t *self, s_task_t *t, s_task_state_t state, int kind, const char *reason)
{
    if (t->state != T_DONE && t->state != T_FAILED)
        self->unsettled--;
    if (t->state == T_WRITING)
        s_written (self, t);
    t->state = (uint8_t) state;
    t->kind = (uint8_t) kind;
    t->worker = 0;
    free (t->outcome);
    t->outcome = NULL;
    if (reason) {
        char text[256];
        snprintf (text, sizeof text, "%s %s", s_task_code (t), reason);
        t->outcome = strdup (text);
    }
}

//  ---------------------------------------------------------------- ledger

static void
s_ledger_append (coordinator_t *self, const eod_msg_t *msg)
{
    if (!self->ledger || self->replaying)
        return;
    if (eod_journal_append (self->ledger, msg) == 0)
        self->ledger_dirty = true;
}

//  Makes the ledger durable when it has changed (force, or every
//  S_LEDGER_SYNC_MS): a record lost in a crash is only work done again.
static void
s_ledger_sync (coordinator_t *self, bool force)
{
    int64_t now = eod_clock_ms ();
    if (!self->ledger || !self->ledger_dirty || (!force && now - self->ledger_synced_ms < S_LEDGER_SYNC_MS))
        return;
    if (eod_journal_sync (self->ledger) == 0)
        self->ledger_dirty = false;
    self->ledger_synced_ms = now;
}

static void s_add_task (coordinator_t *self, eod_msg_t *msg, int64_t ledger_at);
static void s_set_listed (coordinator_t *self, eod_msg_t **msg_p);
static void s_set_end (coordinator_t *self, eod_msg_t **msg_p);

//  Drops every task and run (a run over, or a ledger of a finished one).
static void
s_forget_tasks (coordinator_t *self)
{
    zhashx_purge (self->kept);
    self->kept_bytes = 0;
    zhashx_purge (self->tasks);
    zlistx_purge (self->queue);
    zlistx_purge (self->runs);
    self->unsettled = 0;
    self->writing = 0;
}

//  The i-th task id an ACK names, 0 <= i <= nlist: task_id, then its list
//  (the writer acknowledges a batch in one ACK).
static const char *
s_ack_id (const eod_msg_t *msg, size_t i)
{
    return i == 0 ? msg->task_id : msg->list[i - 1];
}

static int
s_ledger_replay (eod_msg_t **msg_p, long record, int64_t offset, void *arg)
{
    coordinator_t *self = arg;
    eod_msg_t *msg = *msg_p;
    if (msg->type == EOD_MSG_TASK)
        s_add_task (self, msg, offset);
    else if (msg->type == EOD_MSG_LISTED)
        s_set_listed (self, msg_p);
    else if (msg->type == EOD_MSG_END)
        s_set_end (self, msg_p);
    else if (msg->type == EOD_MSG_ACK)
        for (size_t i = 0; i <= msg->nlist; i++) {
            s_task_t *t = zhashx_lookup (self->tasks, s_ack_id (msg, i));
            if (t && t->state != T_DONE) {
                s_settle (self, t, T_DONE, 0, NULL);
                self->resumed++;
            }
        }
    else if (msg->type == EOD_MSG_RUN_DONE)
        self->finished_before = true;
    return 0;
}

//  Opens the ledger of run_id (replaying what it holds) unless it is open.
//  A run with tasks not yet written asks the writer which of them its journal
//  already holds, and dispatches nothing until the answer had time to come.
static void
s_ledger_open (coordinator_t *self, const char *run_id)
{
    if (self->ledger && strcmp (self->run_id, run_id) == 0)
        return;
    eod_journal_destroy (&self->ledger);
    if (strcmp (self->run_id, run_id) != 0)
        self->listing_live = self->end_live = false;
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    char path[1400];
    snprintf (path, sizeof path, "%s/%s.ledger", self->ledger_dir, run_id);
    self->replaying = true;
    self->finished_before = false;
    self->resumed = 0;
    self->ledger = eod_journal_open_at (path, s_ledger_replay, self);
    self->replaying = false;
    if (!self->ledger) {
        eod_log_error ("%s: no ledger for run %s: it will not be resumable", path, run_id);
        return;
    }
    size_t ntasks = zhashx_size (self->tasks);
    if (ntasks == 0)
        return;
    eod_log_info ("run %s: the ledger holds %zu task(s), %ld written before%s", run_id, ntasks, self->resumed,
                  self->finished_before ? " (the run was finished once: only what is missing is asked)" : "");
    if ((size_t) self->resumed == ntasks)
        return;
    //  Results the writer made durable but whose ACK the ledger missed.
    s_task_t *any = zhashx_first (self->tasks);
    eod_msg_t *job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&job->run_id, run_id);
    eod_msg_set (&job->market, self->listed ? self->listed->market : any->run->market);
    eod_msg_set (&job->mode, "reconcile");
    eod_msg_set (&job->date_from, self->listed ? self->listed->date_from : s_task_field (any, S_TASK_FROM));
    eod_msg_set (&job->date_to, self->listed ? self->listed->date_to : s_task_field (any, S_TASK_TO));
    eod_stage_send (self->stage, self->writer, NULL, job);
    eod_msg_destroy (&job);
    self->hold_until_ms = eod_clock_ms () + S_RECONCILE_WAIT_MS;
}

//  Takes up the newest ledger that holds no RUN_DONE: the run this
//  coordinator was part of before a crash.
static void
s_ledger_resume (coordinator_t *self)
{
    DIR *dir = opendir (self->ledger_dir);
    if (!dir)
        return;
    char best[256] = "";
    time_t best_mtime = 0;
    struct dirent *e;
    while ((e = readdir (dir))) {
        size_t n = strlen (e->d_name);
        if (n < 8 || n >= sizeof best || strcmp (e->d_name + n - 7, ".ledger") != 0)
            continue;
        char path[1400];
        struct stat st;
        snprintf (path, sizeof path, "%s/%s", self->ledger_dir, e->d_name);
        if (stat (path, &st) == 0 && st.st_mtime >= best_mtime) {
            best_mtime = st.st_mtime;
            snprintf (best, sizeof best, "%.*s", (int) (n - 7), e->d_name);
        }
    }
    closedir (dir);
    if (!*best)
        return;
    s_ledger_open (self, best);
    if (self->finished_before) {
        eod_log_info ("the newest ledger (run %s) is of a finished run: nothing to resume", best);
        eod_journal_destroy (&self->ledger);
        s_forget_tasks (self);
        eod_msg_destroy (&self->listed);
        eod_msg_destroy (&self->end);
        self->run_id[0] = '\0';
        self->hold_until_ms = 0;
    }
    else
        eod_log_info ("resuming run %s from its ledger", best);
}

//  Removes the ledgers of runs older than [pipeline] ledger_keep_days.
static void
s_ledger_prune (coordinator_t *self)
{
    DIR *dir = opendir (self->ledger_dir);
    if (!dir)
        return;
    time_t cutoff = time (NULL) - (time_t) eod_config_int (self->stage->config, "pipeline:ledger_keep_days") * 86400;
    struct dirent *e;
    while ((e = readdir (dir))) {
        size_t n = strlen (e->d_name);
        if (n < 8 || strcmp (e->d_name + n - 7, ".ledger") != 0)
            continue;
        char path[1400];
        struct stat st;
        snprintf (path, sizeof path, "%s/%s", self->ledger_dir, e->d_name);
        if (stat (path, &st) == 0 && st.st_mtime < cutoff && unlink (path) == 0)
            eod_log_info ("%s: older than the ledgers kept: removed", path);
    }
    closedir (dir);
}

//  ---------------------------------------------------------------- tasks

//  The run of msg, made on its first task: its ledger is opened read-only
//  for the metadata read back later. NULL without memory.
static s_run_t *
s_run_of (coordinator_t *self, const eod_msg_t *msg)
{
    for (s_run_t *run = zlistx_first (self->runs); run; run = zlistx_next (self->runs))
        if (strcmp (run->run_id, msg->run_id) == 0)
            return run;
    s_run_t *run = calloc (1, sizeof *run);
    if (!run)
        return NULL;
    run->run_id = strdup (msg->run_id);
    run->market = strdup (msg->market ? msg->market : "");
    run->mode = strdup (msg->mode ? msg->mode : "");
    size_t n = strlen (self->ledger_dir) + strlen (msg->run_id) + sizeof "/.ledger";
    run->ledger_path = malloc (n);
    if (run->ledger_path)
        snprintf (run->ledger_path, n, "%s/%s.ledger", self->ledger_dir, msg->run_id);
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
s_meta_pack (s_task_t *t, const eod_msg_t *msg)
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

//  Takes a listed TASK into the table (the ledger's, at ledger_at, when
//  replayed; appended to the ledger otherwise). A task already held is a
//  re-listing: task ids are deterministic, so it is a duplicate.
static void
s_add_task (coordinator_t *self, eod_msg_t *msg, int64_t ledger_at)
{
    if (!msg->task_id || !msg->code || !msg->run_id || zhashx_lookup (self->tasks, msg->task_id))
        return;
    const char *parts[S_TASK_FIELDS] = {msg->task_id, msg->code, msg->exchange ? msg->exchange : "",
                                        msg->date_from ? msg->date_from : "", msg->date_to ? msg->date_to : ""};
    size_t len = 0;
    for (int i = 0; i < S_TASK_FIELDS; i++)
        len += strlen (parts[i]) + 1;
    s_task_t *t = calloc (1, sizeof *t);
    s_run_t *run = s_run_of (self, msg);
    char *text = malloc (len);
    if (!t || !run || !text) {
        eod_log_error ("TASK %s: out of memory: not taken (a resent listing brings it again)", msg->task_id);
        free (t);
        free (text);
        return;
    }
    for (size_t at = 0, i = 0; i < S_TASK_FIELDS; i++) {
        size_t n = strlen (parts[i]) + 1;
        memcpy (text + at, parts[i], n);
        at += n;
    }
    t->text = text;
    t->run = run;
    if (!self->replaying)
        ledger_at = self->ledger ? eod_journal_append_at (self->ledger, msg) : -1;
    if (ledger_at >= 0 && !self->replaying)
        self->ledger_dirty = true;
    t->ledger_at = run->ledger_fd >= 0 ? ledger_at : -1;
    if (t->ledger_at < 0 && s_meta_pack (t, msg))
        eod_log_warn ("TASK %s: out of memory: its rows go to the writer without the listing's columns",
                      msg->task_id);
    zhashx_insert (self->tasks, t->text, t);
    zlistx_add_end (self->queue, (void *) s_task_id (t));
    self->unsettled++;
}

static void
s_set_listed (coordinator_t *self, eod_msg_t **msg_p)
{
    if (self->listed && strcmp (self->listed->run_id, (*msg_p)->run_id) == 0 && !self->replaying)
        return;   //  the ledger had it
    eod_msg_destroy (&self->listed);
    self->listed = *msg_p;
    *msg_p = NULL;
    s_ledger_append (self, self->listed);
}

static void
s_set_end (coordinator_t *self, eod_msg_t **msg_p)
{
    if (self->end && !self->replaying)
        return;   //  the ledger had it
    eod_msg_destroy (&self->end);
    self->end = *msg_p;
    *msg_p = NULL;
    s_ledger_append (self, self->end);
}

static void
s_on_task (coordinator_t *self, eod_msg_t **msg_p)
{
    eod_msg_t *msg = *msg_p;
    if (self->run_id[0] && strcmp (msg->run_id, self->run_id) != 0 && self->once) {
        eod_log_warn ("TASK %s of another run (%s) ignored", msg->task_id, msg->run_id);
        return;
    }
    s_ledger_open (self, msg->run_id);
    self->listing_live = true;
    s_add_task (self, msg, -1);
}

static s_worker_t *
s_worker (coordinator_t *self, zframe_t *identity, const char *name)
{
    char *key = zframe_strhex (identity);
    s_worker_t *w = zhashx_lookup (self->workers, key);
    if (!w) {
        w = calloc (1, sizeof *w);
        if (!w) {
            free (key);
            return NULL;
        }
        w->identity = zframe_dup (identity);
        w->seq = ++self->worker_seq ? self->worker_seq : ++self->worker_seq;
        w->new = true;
        w->lag_floor[0] = w->lag_floor[1] = w->back_floor = INT64_MAX;
        snprintf (w->name, sizeof w->name, "%s", name ? name : key);
        zhashx_insert (self->workers, key, w);
        eod_log_info ("fetcher %s joined", w->name);
    }
    free (key);
    w->last_seen_ms = eod_clock_ms ();
    return w;
}

//  The name of the fetcher holding a lease, for log lines.
static const char *
s_worker_name (coordinator_t *self, uint32_t seq)
{
    for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (w->seq == seq)
            return w->name;
    return "a fetcher gone";
}

static void
s_forward_to_writer (coordinator_t *self, s_task_t *t, eod_msg_t *result)
{
    //  The writer needs the instrument's metadata and the task's range: the
    //  TASK as the ledger holds it, or the packed copy.
    eod_msg_t *listed = t->ledger_at >= 0 ? eod_journal_record (t->run->ledger_fd, t->ledger_at, t->run->ledger_path)
                                          : NULL;
    if (listed && (listed->type != EOD_MSG_TASK || !listed->task_id || strcmp (listed->task_id, s_task_id (t)) != 0)) {
        eod_log_error ("%s: byte %lld holds no TASK %s: its rows go without the listing's columns",
                       t->run->ledger_path, (long long) t->ledger_at, s_task_id (t));
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
    eod_msg_set (&result->date_from, s_task_field (t, S_TASK_FROM));
    eod_msg_set (&result->date_to, s_task_field (t, S_TASK_TO));
    //  Kept until the writer's ACK, within S_KEPT_MAX_BYTES.
    char *data = NULL;
    size_t len = 0;
    bool keep = self->kept_bytes < S_KEPT_MAX_BYTES;
    if (eod_stage_send_keep (self->stage, self->writer, NULL, result, keep ? &data : NULL, &len) == 0) {
        t->state = T_WRITING;
        self->writing++;
        t->deadline_ms = eod_clock_ms () + self->ack_timeout_ms;
        s_kept_t *k = data ? malloc (sizeof *k) : NULL;
        if (k) {
            k->data = data;
            k->len = len;
            zhashx_update (self->kept, s_task_id (t), k);
            self->kept_bytes += len;
        }
        else
            free (data);
    }
    else
        s_requeue (self, t, S_BACKOFF_BASE_MS);
}

//  Clocks of two hosts may be years apart, but not 2^62 us: a difference
//  beyond is garbage, kept from overflowing what is done with it.
#define S_CLOCKS_APART_MAX (INT64_C (1) << 62)

//  A READY or HEARTBEAT's sent_us: w's clock less the way here.
static void
s_on_clock (s_worker_t *w, int64_t sent_us)
{
    if (sent_us <= 0)
        return;
    int64_t back = sent_us - eod_monotonic_us ();
    if (back <= S_CLOCKS_APART_MAX && back >= -S_CLOCKS_APART_MAX && back < w->back_floor)
        w->back_floor = back;
}

//  When the request of t, leased to w, left (sent_us, on w's host clock):
//  tells the pacer of t's key when the request left late.
static void
s_on_sent (coordinator_t *self, s_worker_t *w, s_task_t *t, int64_t sent_us)
{
    if (sent_us <= 0 || t->key >= self->nkeys)
        return;
    int64_t lag = sent_us - t->dispatched_us;
    if (lag > S_CLOCKS_APART_MAX || lag < -S_CLOCKS_APART_MAX)
        return;
    if (w->lag_samples++ % S_LAG_BLOCK == 0) {
        w->lag_floor[1] = w->lag_floor[0];
        w->lag_floor[0] = lag;
    }
    else if (lag < w->lag_floor[0])
        w->lag_floor[0] = lag;
    int64_t floor = w->lag_floor[0] < w->lag_floor[1] ? w->lag_floor[0] : w->lag_floor[1];
    if (w->lag_samples <= S_LAG_FIRST && w->back_floor < floor)
        floor = w->back_floor;
    int64_t late = lag - floor;
    if (late <= S_LATE_MIN_US)
        return;
    //  However late it left, it left before its RESULT came.
    int64_t now = eod_monotonic_us ();
    if (late > now - t->dispatched_us)
        late = now - t->dispatched_us;
    w->late++;
    if (late > w->late_max_us)
        w->late_max_us = late;
    coordinator_pacer_late (&self->keys[t->key].pacer, t->pace_n, t->dispatched_us + late);
}

static void
s_on_result (coordinator_t *self, s_worker_t *w, eod_msg_t *msg)
{
    if (w && w->credit < 1)
        w->credit = 0;
    if (w && msg->count > 0)
        w->credit += msg->count > 1 ? 1 : (int) msg->count;   //  the READY it stands for
    msg->count = 0;
    s_task_t *t = zhashx_lookup (self->tasks, msg->task_id);
    //  A queued task's rows from a lease of an earlier coordinator (a restart)
    //  or of a fetcher given up too soon are as good as new ones.
    bool queued_ok = t && t->state == T_QUEUED && strcmp (msg->status, "ok") == 0;
    if (!t || (!queued_ok && (t->state != T_LEASED || (w && t->worker != w->seq)))) {
        eod_log_debug ("late or duplicate RESULT for %s ignored", msg->task_id);
        return;
    }
    if (w && t->state == T_LEASED)
        s_on_sent (self, w, t, msg->sent_us);
    msg->sent_us = 0;   //  this host's business, not the writer's
    const char *status = msg->status;
    if (strcmp (status, "ok") == 0) {
        s_forward_to_writer (self, t, msg);
        return;
    }
    if (strcmp (status, "nodata") == 0) {
        s_settle (self, t, T_DONE, 1, msg->error ? msg->error : "no data");
        return;
    }
    if (strcmp (status, "unknown") == 0) {
        s_settle (self, t, T_DONE, 2, "unknown symbol");
        eod_log_warn ("%s: unknown to the API (reported, not retried)", s_task_code (t));
        return;
    }
    const char *cd = msg->msg_cd ? msg->msg_cd : "";
    if (strcmp (cd, EOD_UNPUBLISHED) == 0) {
        //  The session's row is not out yet (US data lags the close): wait
        //  and ask again, without spending attempts, until the deadline.
        int64_t waited = eod_clock_ms () - self->started_ms;
        int64_t deadline = eod_config_int (self->stage->config, "us:unpublished_deadline_s") * 1000;
        if (waited < deadline) {
            t->attempt--;
            s_requeue (self, t, eod_config_int (self->stage->config, "us:unpublished_retry_s") * 1000);
            eod_log_info ("%s: %s; asking again later", s_task_code (t), msg->error ? msg->error : cd);
            return;
        }
        s_settle (self, t, T_DONE, 1, "session not published by the deadline");
        eod_log_warn ("%s: %s..%s not published by the deadline: reported missing", s_task_code (t),
                      s_task_field (t, S_TASK_FROM), s_task_field (t, S_TASK_TO));
        return;
    }
    s_key_t *key = t->attempt > 0 && t->key < self->nkeys ? &self->keys[t->key] : NULL;
    if (strcmp (cd, "EGW00201") == 0) {
        //  Our pacer should make this impossible: it is a limiter bug, or
        //  another client shares the key. Pause the key for a whole window.
        self->rate_limited++;
        if (key) {
            key->rate_limited++;
            key->paused_until_ms = eod_clock_ms () + 1000 + self->jitter_ms;
        }
        eod_log_warn ("EGW00201 on %s (key %s): pausing the key %ld ms", s_task_code (t), key ? key->id : "?",
                      1000 + self->jitter_ms);
    }
    else if (strcmp (cd, "EGW00123") == 0 || strcmp (cd, "EGW00121") == 0 || strcmp (cd, "EGW00122") == 0) {
        if (key) {
            //  Only the token the task was sent with is stale: another
            //  request's rejection may have replaced it already.
            if (t->generation == key->generation) {
                eod_log_warn ("token rejected (%s) on %s: issuing a new one", cd, s_task_code (t));
                s_token_ensure (self, key, true, false);
            }
            else
                eod_log_info ("token rejected (%s) on %s: already replaced", cd, s_task_code (t));
        }
    }
    if (strcmp (status, "retryable") == 0 && t->attempt < self->max_attempts) {
        self->retries++;
        int64_t backoff = S_BACKOFF_BASE_MS << (t->attempt > 5 ? 5 : t->attempt - 1);
        if (backoff > S_BACKOFF_MAX_MS)
            backoff = S_BACKOFF_MAX_MS;
        eod_log_info ("%s: attempt %d failed (%s %s), retry in %ld ms", s_task_code (t), t->attempt,
                      cd, msg->error ? msg->error : "", (long) backoff);
        s_requeue (self, t, backoff);
        return;
    }
    char reason[140];
    snprintf (reason, sizeof reason, "%s after %d attempt(s): %s%s%s", status, t->attempt, cd, *cd ? " " : "",
              msg->error ? msg->error : "");
    s_settle (self, t, T_FAILED, 3, reason);
    eod_stage_event (self->stage, "warn", self->run_id, t->run->market, "%s: failed: %s", s_task_code (t), reason);
}

static void
s_on_ack (coordinator_t *self, eod_msg_t *msg)
{
    self->acks++;
    bool settled = false;
    for (size_t i = 0; i <= msg->nlist; i++) {
        s_task_t *t = zhashx_lookup (self->tasks, s_ack_id (msg, i));
        //  T_WRITING: the writer made the rows durable. Any other unsettled
        //  state: its answer to a reconcile (its journal holds the task from
        //  before).
        if (t && (t->state == T_WRITING || t->state == T_QUEUED || t->state == T_LEASED
                  || (t->state == T_DONE && t->kind != 0) || t->state == T_FAILED)) {
            if (t->state != T_WRITING)
                self->resumed++;
            s_settle (self, t, T_DONE, 0, NULL);
            settled = true;
        }
    }
    //  One ledger record for the ACK; replay skips the ids settled before.
    if (settled && strcmp (msg->run_id, self->run_id) == 0)
        s_ledger_append (self, msg);
}

static void
s_send_creds (coordinator_t *self, s_worker_t *w, size_t k)
{
    //  CREDS carry the app secret and the access token: never in clear text
    //  on a network (eod_stage_socket refuses such a fetchers endpoint; this
    //  holds whatever made the socket).
    if (!eod_socket_secure (self->fetchers)) {
        static bool refused_logged = false;
        if (!refused_logged)
            eod_log_error ("CREDS not sent: [endpoints] fetchers is a network endpoint without CurveZMQ "
                           "(set [security] curve_server_cert and curve_clients_dir)");
        refused_logged = true;
        return;
    }
    s_key_t *key = &self->keys[k];
    eod_msg_t *creds = eod_msg_new (EOD_MSG_CREDS);
    eod_msg_set (&creds->key_id, key->id);
    eod_msg_set (&creds->app_key, key->app_key);
    eod_msg_set (&creds->app_secret, key->app_secret);
    eod_msg_set (&creds->token, key->token);
    eod_msg_set (&creds->base_url, self->base_url);
    creds->expires = key->expires;
    //  This coordinator takes a RESULT's count as the fetcher's next READY
    //  (a fetcher that does not read it sends READY as before).
    creds->count = 1;
    if (eod_stage_send (self->stage, self->fetchers, w->identity, creds) == 0)
        w->creds_generation[k] = key->generation;
    eod_msg_destroy (&creds);
}

//  The first queued task whose backoff is over, or NULL.
static s_task_t *
s_next_task (coordinator_t *self, int64_t now_ms)
{
    for (void *id = zlistx_first (self->queue); id; id = zlistx_next (self->queue)) {
        s_task_t *t = zhashx_lookup (self->tasks, id);
        if (!t || t->state != T_QUEUED) {
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

static s_worker_t *
s_ready_worker (coordinator_t *self)
{
    s_worker_t *best = NULL;
    for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (w->credit > 0 && (!best || w->last_seen_ms < best->last_seen_ms))
            best = w;   //  least recently served first
    return best;
}

//  Dispatches while a fetcher is ready, a task is due and a key conforms.
//  Returns the milliseconds until the next key is due (for the poll timeout).
static int64_t
s_dispatch (coordinator_t *self)
{
    int64_t hold = self->hold_until_ms - eod_clock_ms ();
    if (hold > 0)
        return hold;
    while (!zsys_interrupted) {
        if (zlistx_size (self->queue) == 0)
            return S_POLL_MAX_MS;
        s_worker_t *w = s_ready_worker (self);
        if (!w)
            return S_POLL_MAX_MS;
        //  Rows the writer cannot take yet would be held here or in its
        //  queue: no new lease while too many wait for its acknowledgement.
        if (self->writing >= S_WRITING_MAX)
            return S_WRITER_WAIT_MS;
        int64_t now_us = eod_monotonic_us ();
        int64_t now_ms = now_us / 1000;
        //  The key that is free first.
        size_t k = self->nkeys;
        int64_t wait_us = INT64_MAX;
        for (size_t i = 0; i < self->nkeys; i++) {
            size_t j = (self->next_key + i) % self->nkeys;
            s_key_t *key = &self->keys[j];
            int64_t due = coordinator_pacer_due (&key->pacer);
            if (key->paused_until_ms * 1000 > due)
                due = key->paused_until_ms * 1000;
            if (due <= now_us) {
                k = j;
                break;
            }
            if (due - now_us < wait_us)
                wait_us = due - now_us;
        }
        if (k == self->nkeys)
            return wait_us == INT64_MAX ? S_POLL_MAX_MS : (wait_us + 999) / 1000;
        s_task_t *t = s_next_task (self, now_ms);
        if (!t)
            return S_POLL_MAX_MS;
        s_key_t *key = &self->keys[k];
        int token = s_token_ensure (self, key, false, false);
        if (token) {
            //  Not yet (the key is paused) or refused: the task waits.
            s_requeue (self, t, token > 0 ? 0 : 1000);
            return S_POLL_MAX_MS;
        }
        t->dispatched_us = eod_monotonic_us ();
        t->pace_n = coordinator_pacer_take (&key->pacer, t->dispatched_us);
        self->next_key = (k + 1) % self->nkeys;
        if (w->creds_generation[k] != key->generation)
            s_send_creds (self, w, k);
        t->attempt++;
        t->generation = key->generation;
        t->key = (uint8_t) k;
        eod_msg_t *task = eod_msg_new (EOD_MSG_TASK);
        eod_msg_set (&task->run_id, t->run->run_id);
        eod_msg_set (&task->task_id, s_task_id (t));
        eod_msg_set (&task->market, t->run->market);
        eod_msg_set (&task->mode, t->run->mode);
        eod_msg_set (&task->date_from, s_task_field (t, S_TASK_FROM));
        eod_msg_set (&task->date_to, s_task_field (t, S_TASK_TO));
        eod_msg_set (&task->code, s_task_code (t));
        const char *exchange = s_task_field (t, S_TASK_EXCHANGE);
        eod_msg_set (&task->exchange, *exchange ? exchange : NULL);
        eod_msg_set (&task->key_id, key->id);
        task->attempt = t->attempt;
        int sent = eod_stage_send (self->stage, self->fetchers, w->identity, task);
        eod_msg_destroy (&task);
        if (sent) {
            //  The fetcher vanished (ROUTER_MANDATORY): forget it, keep the task.
            t->attempt--;
            zlistx_add_start (self->queue, (void *) s_task_id (t));
            char *hex = zframe_strhex (w->identity);
            zhashx_delete (self->workers, hex);
            free (hex);
            continue;
        }
        w->credit--;
        t->state = T_LEASED;
        t->worker = w->seq;
        t->deadline_ms = now_ms + self->lease_ms;
        key->requests++;
        self->requests++;
    }
    return S_POLL_MAX_MS;
}

//  One message from a fetcher, when one is waiting: false when none was.
static bool
s_on_fetcher (coordinator_t *self)
{
    zframe_t *identity = NULL;
    bool taken;
    eod_msg_t *msg = eod_stage_try_recv (self->stage, self->fetchers, &identity, &taken);
    if (!msg)
        return taken;
    s_worker_t *w = s_worker (self, identity, msg->type == EOD_MSG_READY || msg->type == EOD_MSG_HEARTBEAT ? msg->worker : NULL);
    switch (msg->type) {
    case EOD_MSG_READY:
        if (w) {
            w->credit += msg->count > 0 ? (int) msg->count : 1;
            w->readies++;
            s_on_clock (w, msg->sent_us);
        }
        break;
    case EOD_MSG_HEARTBEAT:
        //  A fetcher met first by its heartbeat sent its READY to a
        //  coordinator before this one: an idle one gets its credit back.
        if (w && w->new && w->credit == 0 && msg->count > 0)
            w->credit = 1;
        if (w)
            s_on_clock (w, msg->sent_us);
        break;
    case EOD_MSG_RESULT:
        if (w)
            w->results++;
        s_on_result (self, w, msg);
        break;
    default:
        eod_log_warn ("fetcher %s sent an unexpected %s: ignored", w ? w->name : "?", eod_msg_type_name (msg->type));
    }
    if (w)
        w->new = false;
    eod_msg_destroy (&msg);
    zframe_destroy (&identity);
    return true;
}

//  One message of the input (lister, writer), when one is waiting: false
//  when none was.
static bool
s_on_input (coordinator_t *self)
{
    bool taken;
    eod_msg_t *msg = eod_stage_try_recv (self->stage, self->input, NULL, &taken);
    if (!msg)
        return taken;
    switch (msg->type) {
    case EOD_MSG_TASK: s_on_task (self, &msg); break;
    case EOD_MSG_LISTED:
        if (self->run_id[0] && strcmp (msg->run_id, self->run_id) != 0 && self->once) {
            eod_log_warn ("LISTED of another run (%s) ignored", msg->run_id);
            break;
        }
        s_ledger_open (self, msg->run_id);
        self->listing_live = true;
        eod_log_info ("run %s: %ld tasks listed", msg->run_id, (long) msg->count);
        s_set_listed (self, &msg);
        break;
    case EOD_MSG_END:
        if (msg->run_id && *msg->run_id)
            s_ledger_open (self, msg->run_id);
        self->end_live = true;
        s_set_end (self, &msg);
        break;
    case EOD_MSG_ACK: s_on_ack (self, msg); break;
    default: eod_log_warn ("unexpected %s on the input: ignored", eod_msg_type_name (msg->type));
    }
    eod_msg_destroy (&msg);
    return true;
}

//  Leases of dead fetchers and results the writer never acknowledged go back
//  to the queue; heartbeats go out.
static void
s_housekeeping (coordinator_t *self)
{
    int64_t now = eod_clock_ms ();
    int64_t dead_after = self->heartbeat_ms * self->liveness;
    zlistx_t *dead = zlistx_new ();
    for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (now - w->last_seen_ms > dead_after)
            zlistx_add_end (dead, (void *) zhashx_cursor (self->workers));
    for (const char *hex = zlistx_first (dead); hex; hex = zlistx_next (dead)) {
        s_worker_t *w = zhashx_lookup (self->workers, hex);
        int requeued = 0;
        for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
            if (t->state == T_LEASED && t->worker == w->seq) {
                s_requeue (self, t, 0);
                requeued++;
            }
        eod_stage_incident (self->stage, self->run_id, NULL,
                            "fetcher %s missed %ld heartbeats: gone, %d task(s) requeued", w->name,
                            (long) self->liveness, requeued);
        zhashx_delete (self->workers, hex);
    }
    zlistx_destroy (&dead);
    //  Lease deadlines are seconds long: a scan every S_LEASE_SCAN_MS is
    //  enough, and keeps a large backfill's dispatch from scanning every task.
    bool scan = now - self->last_lease_scan_ms >= S_LEASE_SCAN_MS;
    if (scan)
        self->last_lease_scan_ms = now;
    long resent = 0, waiting = 0;
    for (s_task_t *t = scan ? zhashx_first (self->tasks) : NULL; t; t = zhashx_next (self->tasks)) {
        if (t->state == T_WRITING && now > t->deadline_ms) {
            //  The writer died before making it durable, or is stuck: the
            //  kept RESULT goes to it again (it journals a task once), or
            //  the task is fetched again when it was not kept.
            //  A full queue to the writer still holds what it has not
            //  read: wait for it.
            s_kept_t *k = zhashx_lookup (self->kept, s_task_id (t));
            int rc = k ? eod_stage_send_again (self->stage, self->writer, NULL, k->data, k->len) : -1;
            if (k && (rc == 0 || errno == EAGAIN)) {
                t->deadline_ms = now + self->ack_timeout_ms;
                resent += rc == 0;
                waiting += rc != 0;
            }
            else {
                eod_log_warn ("%s: the writer did not acknowledge in time: leased again", s_task_id (t));
                s_requeue (self, t, 0);
            }
        }
        else if (t->state == T_LEASED && now > t->deadline_ms) {
            eod_log_warn ("%s: no result from %s in time: leased again", s_task_id (t),
                          s_worker_name (self, t->worker));
            s_requeue (self, t, 0);
        }
    }
    if (resent || waiting)
        eod_log_warn ("the writer did not acknowledge %ld result(s) in time: %ld sent to it again, %ld still queued "
                      "for it", resent + waiting, resent, waiting);
    //  One-shot fetchers leave on END: no heartbeats after it.
    if (!(self->once && self->done_sent) && now - self->last_heartbeat_ms >= self->heartbeat_ms) {
        self->last_heartbeat_ms = now;
        eod_msg_t *hb = eod_msg_new (EOD_MSG_HEARTBEAT);
        eod_msg_set (&hb->worker, "coordinator");
        for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
            eod_stage_send (self->stage, self->fetchers, w->identity, hb);
        eod_msg_destroy (&hb);
    }
}

//  One line the launcher shows: settled/total, pace, failures, time left.
static void
s_progress (coordinator_t *self)
{
    int64_t now = eod_clock_ms ();
    if (!self->listed || self->done_sent || now - self->last_progress_ms < S_PROGRESS_MS)
        return;
    self->last_progress_ms = now;
    long settled = 0, failed = 0, total = (long) self->listed->count;
    for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
        settled += t->state == T_DONE || t->state == T_FAILED;
        failed += t->state == T_FAILED;
    }
    double secs = (double) (now - self->started_ms) / 1000.0;
    double rate = secs > 0 ? (double) self->requests / secs : 0;
    long eta = rate > 0 ? (long) ((double) (total - settled) / rate) : -1;
    eod_log_info ("progress: %ld/%ld settled, %.1f requests/s, %ld failed, %ld rate-limited, ETA %ld s", settled,
                  total, rate, failed, self->rate_limited, eta);
}

//  Counters for eod-status and eod-tap, on the trace PUB every S_STATS_MS,
//  also between runs (then the run's fields are absent). An EVENT with
//  fields kind=stats; see coordinator.h.
static void
s_stats (coordinator_t *self)
{
    int64_t now = eod_clock_ms ();
    int64_t elapsed = now - self->last_stats_ms;
    if (elapsed < S_STATS_MS)
        return;
    long counts[T_FAILED + 1] = {0};
    for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
        counts[t->state]++;
    eod_msg_t *msg = eod_msg_new (EOD_MSG_EVENT);
    eod_msg_set (&msg->stage, "coordinator");
    eod_msg_set (&msg->level, "info");
    eod_msg_set (&msg->text, "stats");
    char v[32];
#define S_FIELD(name, value) \
    do { snprintf (v, sizeof v, "%ld", (long) (value)); eod_fields_set (&msg->fields, name, v); } while (0)
    eod_fields_set (&msg->fields, "kind", "stats");
    bool running = self->run_id[0] && !self->done_sent;
    if (running) {
        eod_msg_set (&msg->run_id, self->run_id);
        eod_fields_set (&msg->fields, "run_id", self->run_id);
        if (self->listed && self->listed->market)
            eod_fields_set (&msg->fields, "market", self->listed->market);
        long total = self->listed ? (long) self->listed->count : (long) zhashx_size (self->tasks);
        S_FIELD ("tasks", total);
        S_FIELD ("done", counts[T_DONE]);
        S_FIELD ("failed", counts[T_FAILED]);
        S_FIELD ("queued", counts[T_QUEUED]);
        S_FIELD ("in_flight", counts[T_LEASED] + counts[T_WRITING]);
    }
    S_FIELD ("fetchers", zhashx_size (self->workers));
    S_FIELD ("keys", self->nkeys);
    S_FIELD ("budget", self->budget * (long) self->nkeys);
    long req_1s = self->last_stats_ms && elapsed > 0 ? (self->requests - self->stats_requests) * 1000 / elapsed : 0;
    S_FIELD ("req_1s", req_1s < 0 ? 0 : req_1s);
    if (running) {
        S_FIELD ("requests", self->requests);
        S_FIELD ("rejected", self->rate_limited);
        S_FIELD ("retries", self->retries);
        double secs = (double) (now - self->started_ms) / 1000.0;
        double rate = secs > 0 ? (double) self->requests / secs : 0;
        long left = (self->listed ? (long) self->listed->count : 0) - counts[T_DONE] - counts[T_FAILED];
        if (rate > 0 && left >= 0)
            S_FIELD ("eta_s", (double) left / rate);
    }
    S_FIELD ("uptime_s", (now - self->created_ms) / 1000);
#undef S_FIELD
    eod_stage_publish (self->stage, msg);
    eod_msg_destroy (&msg);
    self->last_stats_ms = now;
    self->stats_requests = self->requests;
}

//  ---------------------------------------------------------------- chk-holiday

#define S_HOLIDAY_PAGE_DAYS 24        //  KIS answers 24 calendar days a page

static void
s_on_day (const char *yyyymmdd, bool open, void *arg)
{
    json_object_set_new ((json_t *) arg, yyyymmdd, json_string (open ? "Y" : "N"));
}

//  Waits until key 0 may send (the holiday check spends the same budget).
static void
s_take_permit (coordinator_t *self, s_key_t *key)
{
    while (!zsys_interrupted) {
        int64_t now = eod_monotonic_us ();
        int64_t due = coordinator_pacer_due (&key->pacer);
        if (key->paused_until_ms * 1000 > due)
            due = key->paused_until_ms * 1000;
        if (due <= now)
            break;
        zclock_sleep ((int) ((due - now) / 1000) + 1);
    }
    coordinator_pacer_take (&key->pacer, eod_monotonic_us ());
    key->requests++;
}

//  Answers the calendar gate: opnd_yn per day of [date_from, date_to], from
//  KIS chk-holiday, asked at most once a day (the cache is kept under state/).
static void
s_on_service (coordinator_t *self)
{
    eod_msg_t *req = eod_stage_recv (self->stage, self->service, NULL);
    eod_msg_t *rep = eod_msg_new (EOD_MSG_EVENT);
    eod_msg_set (&rep->stage, "coordinator");
    eod_msg_set (&rep->text, "chk-holiday");
    eod_msg_set (&rep->level, "info");
    if (req && req->type == EOD_MSG_JOB && req->mode && strcmp (req->mode, "listing-status") == 0) {
        //  The lister checks that its whole listing arrived (every hop is
        //  acknowledged or reconcilable): tasks of the run, LISTED, END.
        long n = 0;
        for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
            n += req->run_id && strcmp (t->run->run_id, req->run_id) == 0;
        char text[32];
        snprintf (text, sizeof text, "%ld", n);
        eod_fields_set (&rep->fields, "tasks", text);
        eod_fields_set (&rep->fields, "listed",
                        self->listed && strcmp (self->listed->run_id, req->run_id) == 0 ? "1" : "0");
        eod_fields_set (&rep->fields, "ended", self->end || self->done_sent ? "1" : "0");
        s_ledger_sync (self, true);   //  what the lister is told arrived is on disk
        eod_stage_send (self->stage, self->service, NULL, rep);
        eod_msg_destroy (&rep);
        eod_msg_destroy (&req);
        return;
    }
    if (!req || req->type != EOD_MSG_JOB || !req->mode || strcmp (req->mode, "chk-holiday") != 0) {
        eod_msg_set (&rep->level, "error");
        eod_msg_set (&rep->text, "the service answers JOB mode chk-holiday only");
        eod_stage_send (self->stage, self->service, NULL, rep);
        eod_msg_destroy (&rep);
        eod_msg_destroy (&req);
        return;
    }
    eod_date_t d_from, d_to;
    if (eod_date_parse (req->date_from, &d_from) || eod_date_parse (req->date_to, &d_to)
        || strlen (req->date_from) != 10 || strlen (req->date_to) != 10) {
        eod_msg_set (&rep->level, "error");
        eod_msg_set (&rep->text, "chk-holiday: date_from and date_to must be YYYY-MM-DD");
        eod_log_warn ("service: chk-holiday with dates that are not YYYY-MM-DD: refused");
        eod_stage_send (self->stage, self->service, NULL, rep);
        eod_msg_destroy (&rep);
        eod_msg_destroy (&req);
        return;
    }
    char state[1024], path[1100], from[9], to[9], today[16];
    eod_config_path_value (self->stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (path, sizeof path, "%s/kis_holidays.json", state);
    snprintf (from, sizeof from, "%.4s%.2s%.2s", req->date_from, req->date_from + 5, req->date_from + 8);
    snprintf (to, sizeof to, "%.4s%.2s%.2s", req->date_to, req->date_to + 5, req->date_to + 8);
    time_t now = eod_wall_now () + 9 * 3600;   //  the day as KST sees it
    struct tm kst;
    gmtime_r (&now, &kst);
    strftime (today, sizeof today, "%Y%m%d", &kst);
    json_t *cache = json_load_file (path, 0, NULL);
    json_t *days = cache ? json_object_get (cache, "days") : NULL;
    const char *fetched = cache ? json_string_value (json_object_get (cache, "fetched")) : NULL;
    bool fresh = fetched && strcmp (fetched, today) == 0 && json_is_object (days)
                 && json_object_get (days, from) && json_object_get (days, to);
    if (!fresh) {
        json_decref (cache);
        cache = json_object ();
        days = json_object ();
        json_object_set_new (cache, "fetched", json_string (today));
        json_object_set_new (cache, "days", days);
        s_key_t *key = &self->keys[0];
        int status = EOD_KIS_OK;
        char page[9];
        snprintf (page, sizeof page, "%s", from);
        eod_kis_reply_t r;
        memset (&r, 0, sizeof r);
        for (int pages = 0; pages < 16 && status == EOD_KIS_OK && strcmp (page, to) <= 0; pages++) {
            if (s_token_ensure (self, key, false, true)) {
                status = EOD_KIS_PERMANENT;
                snprintf (r.error, sizeof r.error, "no access token");
                break;
            }
            s_take_permit (self, key);
            self->requests++;
            eod_kis_conn_t c;
            s_conn (self, key, &c);
            int requests = 0;
            status = eod_kis_holidays (&c, key->token, page, 1, s_on_day, days, &requests, &r);
            //  The next page starts the day after the last one received.
            const char *last = NULL;
            const char *k;
            json_t *v;
            json_object_foreach (days, k, v)
                if (!last || strcmp (k, last) > 0)
                    last = k;
            if (!last)
                break;
            int y = 0, m = 0, d = 0;
            if (sscanf (last, "%4d%2d%2d", &y, &m, &d) != 3)
                break;
            struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12};
            time_t tt = timegm (&next);
            gmtime_r (&tt, &next);
            strftime (page, sizeof page, "%Y%m%d", &next);
        }
        if (status != EOD_KIS_OK) {
            eod_msg_set (&rep->level, "error");
            char text[400];
            snprintf (text, sizeof text, "chk-holiday failed: %s %s %s", eod_kis_status_name (status), r.msg_cd,
                      r.error);
            eod_msg_set (&rep->text, text);
            eod_log_warn ("%s", text);
        }
        else {
            char *dump = json_dumps (cache, JSON_COMPACT | JSON_SORT_KEYS);
            if (!dump || eod_write_file_atomic (path, dump, strlen (dump), 0600))
                eod_log_warn ("%s: cannot cache the holiday answer", path);
            free (dump);
            eod_log_info ("chk-holiday: %zu days from KIS, cached until tomorrow", json_object_size (days));
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach (days, k, v)
        if (strcmp (k, from) >= 0 && strcmp (k, to) <= 0 && json_is_string (v))
            eod_fields_set (&rep->fields, k, json_string_value (v));
    json_decref (cache);
    eod_stage_send (self->stage, self->service, NULL, rep);
    eod_msg_destroy (&rep);
    eod_msg_destroy (&req);
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

//  True when the run is over: the lister said END and every listed task is settled.
static bool
s_run_settled (coordinator_t *self)
{
    if (!self->end)
        return false;
    //  A re-run of a run the ledger holds as finished: the lister lists it
    //  again and sends its END last. Settled before that, the run would end
    //  with the lister still sending, to nobody.
    if (self->listing_live && !self->end_live)
        return false;
    if (self->end->status && strcmp (self->end->status, "ok") != 0 && strcmp (self->end->status, "complete") != 0)
        return true;   //  closed market or a failed listing: nothing to wait for
    if (!self->listed || (int64_t) zhashx_size (self->tasks) < self->listed->count)
        return false;
    return self->unsettled == 0;
}

//  Records what the run could not get, with the reason, under state/gaps/,
//  so `launch/eod backfill --gaps` can refill it. One file per run; none when
//  nothing failed.
static void
s_write_gaps (coordinator_t *self)
{
    char state[1024], path[1200];
    eod_config_path_value (self->stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (path, sizeof path, "%s/gaps/%s-%s.tsv", state, self->listed->market, self->listed->run_id);
    zchunk_t *text = zchunk_new (NULL, 0);
    for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
        if (t->kind != 3)
            continue;
        char line[512];
        int n = snprintf (line, sizeof line, "%s\t%s\t%s\t%s\t%s\n", t->run->market, s_task_code (t),
                          s_task_field (t, S_TASK_FROM), s_task_field (t, S_TASK_TO), t->outcome ? t->outcome : "");
        zchunk_extend (text, line, n < (int) sizeof line ? (size_t) n : sizeof line - 1);
    }
    if (zchunk_size (text)) {
        if (eod_mkdirs_for (path) || eod_write_file_atomic (path, zchunk_data (text), zchunk_size (text), 0600))
            eod_log_error ("%s: cannot record the gaps", path);
        else
            eod_log_info ("gaps recorded in %s", path);
    }
    zchunk_destroy (&text);
}

static void
s_finish (coordinator_t *self)
{
    eod_msg_t *end = eod_msg_dup (self->end);
    if (self->listed) {
        eod_msg_t *done = eod_msg_new (EOD_MSG_RUN_DONE);
        eod_msg_set (&done->run_id, self->listed->run_id);
        eod_msg_set (&done->market, self->listed->market);
        eod_msg_set (&done->mode, self->listed->mode);
        eod_msg_set (&done->date_from, self->listed->date_from);
        eod_msg_set (&done->date_to, self->listed->date_to);
        done->count = (int64_t) zhashx_size (self->tasks);
        zlistx_t *outcomes = zlistx_new ();
        for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks)) {
            if (t->kind == 0)
                done->ok++;
            else if (t->kind == 1)
                done->nodata++;
            else if (t->kind == 2)
                done->unknown++;
            else
                done->failed++;
            if (t->kind && t->outcome)
                zlistx_add_end (outcomes, t->outcome);
        }
        for (size_t j = 0; j < self->listed->nlist; j++)
            zlistx_add_end (outcomes, self->listed->list[j]);
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
        done->requests = self->requests;
        done->rate_limited = self->rate_limited;
        done->retries = self->retries;
        done->duration_ms = eod_clock_ms () - self->started_ms;
        eod_fields_merge (&done->meta, &self->listed->meta);
        if (self->resumed) {
            char text[32];
            snprintf (text, sizeof text, "%ld", self->resumed);
            eod_fields_set (&done->meta, "resumed", text);
        }
        s_ledger_append (self, done);
        s_ledger_sync (self, true);
        eod_stage_send (self->stage, self->writer, NULL, done);
        s_write_gaps (self);
        eod_log_info ("run %s settled: %ld ok, %ld no data, %ld unknown, %ld failed; %ld requests, %ld rejected "
                      "by the rate limit, %ld retries; %ld ACK(s) from the writer",
                      done->run_id, (long) done->ok, (long) done->nodata, (long) done->unknown, (long) done->failed,
                      self->requests, self->rate_limited, self->retries, self->acks);
        if (end && done->failed && (!end->status || strcmp (end->status, "ok") == 0))
            eod_msg_set (&end->status, "partial");
        eod_msg_destroy (&done);
    }
    for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers)) {
        eod_log_info ("fetcher %s returned %ld result(s) and sent %ld READY in this run; %ld request(s) left "
                      "late, the latest %.1f ms past its quickest", w->name, w->results, w->readies, w->late,
                      (double) w->late_max_us / 1000.0);
        w->results = w->readies = w->late = 0;
        w->late_max_us = 0;
    }
    if (end) {
        eod_msg_set (&end->stage, "coordinator");
        eod_stage_send (self->stage, self->writer, NULL, end);
        //  Tell the fetchers the run is over (one-shot fetchers exit on it).
        for (s_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
            eod_stage_send (self->stage, self->fetchers, w->identity, end);
        eod_msg_destroy (&end);
    }
    self->done_sent = true;
}

void
coordinator_resume (coordinator_t *self)
{
    s_ledger_resume (self);
}

int
coordinator_run (coordinator_t *self)
{
    //  Tokens before the first dispatch: fetchers get them with their first task.
    for (size_t i = 0; i < self->nkeys; i++) {
        s_token_load (self, &self->keys[i]);
        if (s_token_ensure (self, &self->keys[i], false, true))
            return self->api_unreachable ? 3 : 2;
    }
    int64_t timeout = S_POLL_MAX_MS;
    int64_t ended_at = 0;
    while (!zsys_interrupted) {
        void *which = zpoller_wait (self->poller, (int) (timeout < 1 ? 1 : timeout > S_POLL_MAX_MS ? S_POLL_MAX_MS : timeout));
        if (which == self->input) {
            //  Take the whole listing in one go: the lister must not wait on us.
            for (int i = 0; i < S_INPUT_BATCH && s_on_input (self); i++)
                ;
        }
        else if (which == self->fetchers) {
            //  READY and RESULT come in bursts: take what is there, then dispatch.
            for (int i = 0; i < S_FETCHER_BATCH && s_on_fetcher (self); i++)
                ;
        }
        else if (which == self->service)
            s_on_service (self);
        else if (zpoller_terminated (self->poller))
            break;
        s_housekeeping (self);
        s_ledger_sync (self, false);
        s_progress (self);
        s_stats (self);
        timeout = s_dispatch (self);
        if (!self->done_sent && s_run_settled (self)) {
            s_finish (self);
            ended_at = eod_clock_ms ();
            if (!self->once) {
                //  Service mode: forget the run, keep the fetchers and tokens.
                s_forget_tasks (self);
                eod_msg_destroy (&self->listed);
                eod_msg_destroy (&self->end);
                eod_journal_destroy (&self->ledger);
                self->resumed = 0;
                self->done_sent = false;
                self->listing_live = self->end_live = false;
                self->run_id[0] = '\0';
                self->requests = self->rate_limited = self->retries = self->stats_requests = self->acks = 0;
                self->started_ms = eod_clock_ms ();
            }
        }
        if (self->once && self->done_sent && eod_clock_ms () - ended_at > S_ENDING_GRACE_MS)
            break;
    }
    if (zsys_interrupted && !self->done_sent) {
        eod_log_warn ("interrupted before the run was settled");
        return 4;
    }
    if (self->api_unreachable)
        return 3;
    long failed = 0;
    for (s_task_t *t = zhashx_first (self->tasks); t; t = zhashx_next (self->tasks))
        failed += t->kind == 3;
    return failed ? 1 : 0;
}
