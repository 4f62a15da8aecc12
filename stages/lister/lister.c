/*  lister — see lister.h. */
#include "lister.h"
#include "eod_http.h"
#include "eod_log.h"
#include "eod_master.h"
#include "eod_util.h"
#include "universe.h"
#include "us_universe.h"
#include "eod_wiki.h"
#include "eod_cal.h"
#include "eod_date.h"

#include <openssl/evp.h>
#include <string.h>

#define S_MASTER_MAX (64u * 1024 * 1024)   //  zipped master files are ~1 MiB
#define S_BACKOFF_MS 1000

struct _lister_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;        //  PULL: JOB and END from the calendar gate
    zsock_t *coordinator;  //  PUSH: TASK, LISTED, END
    bool failed;
    bool unreachable;
    //  The last listing, kept until the coordinator confirms it: one draft
    //  TASK per code and the run's chunks of sessions, from which every TASK
    //  is made again on demand (a 10-year backfill is 25 tasks a code), and
    //  LISTED.
    zlistx_t *drafts;
    zlistx_t *chunks;
    eod_msg_t *listed;
};

char *
lister_download (const eod_config_t *cfg, const char *url, size_t *len, char *err, size_t errlen)
{
    int attempts = (int) eod_config_int (cfg, "master:max_attempts");
    bool insecure = eod_config_bool (cfg, "master:insecure");
    const char *ca = eod_config_str (cfg, "master:ca_file");
    if (insecure)
        eod_log_warn ("master:insecure is set: TLS verification is off for %s", url);
    for (int attempt = 1; attempt <= attempts && !zsys_interrupted; attempt++) {
        eod_http_request_t req = {.method = "GET", .url = url,
                                  .timeout_ms = (long) eod_config_int (cfg, "master:timeout_ms"),
                                  .max_body = S_MASTER_MAX, .insecure = insecure, .ca_file = *ca ? ca : NULL};
        eod_http_response_t resp;
        if (eod_http_perform (&req, &resp) == 0 && resp.status == 200) {
            *len = resp.body_len;
            char *body = resp.body;
            resp.body = NULL;
            eod_http_response_free (&resp);
            return body;
        }
        char logurl[512];
        eod_http_url_for_log (url, logurl, sizeof logurl);
        if (resp.status)
            snprintf (err, errlen, "GET %s: HTTP %ld", logurl, resp.status);
        else
            snprintf (err, errlen, "%s", resp.error);
        eod_http_response_free (&resp);
        bool retry = resp.status == 0 || resp.status >= 500 || resp.status == 429;
        eod_log_warn ("master file: attempt %d of %d: %s", attempt, attempts, err);
        if (!retry)
            break;
        if (attempt < attempts)
            zclock_sleep (S_BACKOFF_MS * attempt);
    }
    return NULL;
}

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

void
lister_run_id (const char *market, const char *mode, const char *from, const char *to, char **codes,
               size_t ncodes, char out[17])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
    EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL);
    const char *parts[] = {market, mode, from, to};
    for (size_t i = 0; i < 4; i++) {
        EVP_DigestUpdate (ctx, parts[i], strlen (parts[i]));
        EVP_DigestUpdate (ctx, "|", 1);
    }
    char **sorted = malloc ((ncodes ? ncodes : 1) * sizeof *sorted);
    if (sorted) {
        memcpy (sorted, codes, ncodes * sizeof *sorted);
        qsort (sorted, ncodes, sizeof *sorted, s_cmp);
        for (size_t i = 0; i < ncodes; i++) {
            EVP_DigestUpdate (ctx, sorted[i], strlen (sorted[i]));
            EVP_DigestUpdate (ctx, ",", 1);
        }
        free (sorted);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_DigestFinal_ex (ctx, digest, &dlen);
    EVP_MD_CTX_free (ctx);
    for (int i = 0; i < 8; i++)
        snprintf (out + 2 * i, 3, "%02x", digest[i]);
    out[16] = '\0';
}

static void
s_str_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  ---------------------------------------------------------------- KR

typedef struct {
    lister_kr_filter_t filter;
    eod_master_kind_t kind;
    zlistx_t *selected;    //  eod_msg_t TASK drafts (code, name, meta)
    size_t seen;
} s_collect_t;

static int
s_collect (const eod_master_record_t *rec, void *arg)
{
    s_collect_t *c = arg;
    c->seen++;
    if (!lister_kr_selects (&c->filter, c->kind, rec))
        return 0;
    eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
    if (!t)
        return -1;
    eod_msg_set (&t->code, rec->short_code);
    eod_msg_set (&t->name, rec->name);
    eod_msg_set (&t->exchange, eod_master_kind_name (c->kind));
    eod_fields_set (&t->meta, "name", rec->name);
    eod_fields_set (&t->meta, "group_code", rec->group_code);
    eod_fields_set (&t->meta, "revenue", rec->revenue);
    eod_fields_set (&t->meta, "operating_profit", rec->operating_profit);
    eod_fields_set (&t->meta, "net_income", rec->net_income);
    eod_fields_set (&t->meta, "roe", rec->roe);
    zlistx_add_end (c->selected, t);
    return 0;
}

static void
s_msg_free (void **item)
{
    eod_msg_t *m = *item;
    eod_msg_destroy (&m);
    *item = NULL;
}

static void
s_filter_from_config (const eod_config_t *cfg, lister_kr_filter_t *f)
{
    lister_kr_filter_defaults (f);
    f->kospi_min_cap = eod_config_int (cfg, "filter:kospi_min_cap");
    f->kosdaq_min_cap = eod_config_int (cfg, "filter:kosdaq_min_cap");
    f->kospi_name_pattern = eod_config_str (cfg, "filter:kospi_name_pattern");
    f->kospi_extra_groups = eod_config_str (cfg, "filter:kospi_extra_groups");
    f->kospi_krx300 = eod_config_bool (cfg, "filter:kospi_krx300");
    f->kosdaq_krx300 = eod_config_bool (cfg, "filter:kosdaq_krx300");
    f->kosdaq_kosdaq150 = eod_config_bool (cfg, "filter:kosdaq_kosdaq150");
}

//  Lists the KR universe into tasks. Returns 0, or -1 with err set.
static int
s_list_kr (lister_t *self, zlistx_t *tasks, eod_fields_t *summary, char *err, size_t errlen)
{
    static const struct {
        eod_master_kind_t kind;
        const char *zip;
        const char *entry;
    } files[] = {{EOD_MASTER_KOSPI, "kospi_code.mst.zip", "kospi_code.mst"},
                 {EOD_MASTER_KOSDAQ, "kosdaq_code.mst.zip", "kosdaq_code.mst"}};
    const eod_config_t *cfg = self->stage->config;
    for (size_t i = 0; i < 2; i++) {
        char url[1024];
        snprintf (url, sizeof url, "%s/%s", eod_config_str (cfg, "master:url"), files[i].zip);
        size_t ziplen = 0;
        char *zip = lister_download (cfg, url, &ziplen, err, errlen);
        if (!zip) {
            self->unreachable = true;
            return -1;
        }
        char *mst = NULL;
        size_t mstlen = 0;
        char uerr[256];
        int rc = eod_master_unzip (zip, ziplen, files[i].entry, &mst, &mstlen, uerr, sizeof uerr);
        free (zip);
        if (rc) {
            snprintf (err, errlen, "%s: %s", files[i].zip, uerr);
            return -1;
        }
        s_collect_t c = {.kind = files[i].kind, .selected = tasks};
        s_filter_from_config (cfg, &c.filter);
        size_t before = zlistx_size (tasks);
        eod_master_stats_t stats;
        rc = eod_master_parse (files[i].kind, mst, mstlen, files[i].entry, s_collect, &c, &stats);
        free (mst);
        if (rc) {
            snprintf (err, errlen, "%s: cannot be parsed (CP949 converter missing?)", files[i].entry);
            return -1;
        }
        char text[64], key[64];
        const char *kname = eod_master_kind_name (files[i].kind);
        snprintf (key, sizeof key, "%s_records", kname);
        snprintf (text, sizeof text, "%zu", stats.records);
        eod_fields_set (summary, key, text);
        snprintf (key, sizeof key, "%s_selected", kname);
        snprintf (text, sizeof text, "%zu", zlistx_size (tasks) - before);
        eod_fields_set (summary, key, text);
        snprintf (key, sizeof key, "%s_garbled", kname);
        snprintf (text, sizeof text, "%zu", stats.garbled);
        eod_fields_set (summary, key, text);
        eod_log_info ("%s: %zu records, %zu selected, %zu garbled", files[i].entry, stats.records,
                      zlistx_size (tasks) - before, stats.garbled);
        if (stats.garbled)
            eod_stage_event (self->stage, "warn", NULL, "kr",
                             "%s: %zu garbled record(s) skipped (see the lister's log for file:line)",
                             files[i].entry, stats.garbled);
        if (stats.records == 0) {
            snprintf (err, errlen, "%s: no record could be read", files[i].entry);
            return -1;
        }
    }
    return 0;
}

//  ---------------------------------------------------------------- US

static int
s_feed_master (const eod_cod_record_t *rec, void *arg)
{
    us_universe_add_master ((us_universe_t *) arg, rec);
    return 0;
}

//  Lists the US universe: the three index articles (tables found by their
//  header row), the extra tickers, and the exchange of each symbol from the
//  KIS overseas masters. Symbols found in no master go to *absent (reported).
static int
s_list_us (lister_t *self, zlistx_t *tasks, eod_fields_t *summary, zlistx_t *absent, char *err, size_t errlen)
{
    const eod_config_t *cfg = self->stage->config;
    static const struct {
        const char *key;
        const char *which;
    } pages[] = {{"us:sp500_url", US_UNIVERSE_SP500}, {"us:nasdaq100_url", US_UNIVERSE_NAS100},
                 {"us:dow30_url", US_UNIVERSE_DOW30}};
    us_universe_t *u = us_universe_new ();
    if (!u) {
        snprintf (err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    char text[64];
    for (size_t i = 0; i < 3; i++) {
        const char *url = eod_config_str (cfg, pages[i].key);
        size_t len = 0;
        char *html = lister_download (cfg, url, &len, err, errlen);
        if (!html) {
            self->unreachable = true;
            goto out;
        }
        eod_wiki_table_t table = {0};
        char werr[300];
        int wrc = eod_wiki_constituents (html, len, url, &table, werr, sizeof werr);
        free (html);
        if (wrc) {
            snprintf (err, errlen, "%s", werr);
            goto out;
        }
        us_universe_add_index (u, pages[i].which, &table);
        snprintf (text, sizeof text, "%zu", table.nrows);
        eod_fields_set (summary, pages[i].which, text);
        eod_log_info ("%s: %zu constituents (%zu rows without a symbol skipped)", pages[i].which, table.nrows,
                      table.skipped);
        eod_wiki_table_clear (&table);
    }
    char extras[1024];
    eod_config_path_value (cfg, "us:extra_tickers", extras, sizeof extras);
    if (us_universe_add_extras (u, extras, err, errlen))
        goto out;
    static const char *const masters[] = {"nasmst.cod", "nysmst.cod", "amsmst.cod"};
    for (size_t i = 0; i < 3; i++) {
        char url[1024];
        snprintf (url, sizeof url, "%s/%s.zip", eod_config_str (cfg, "master:url"), masters[i]);
        size_t ziplen = 0;
        char *zip = lister_download (cfg, url, &ziplen, err, errlen);
        if (!zip) {
            self->unreachable = true;
            goto out;
        }
        char *cod = NULL;
        size_t codlen = 0;
        char uerr[256];
        int urc = eod_master_unzip (zip, ziplen, masters[i], &cod, &codlen, uerr, sizeof uerr);
        free (zip);
        if (urc) {
            snprintf (err, errlen, "%s.zip: %s", masters[i], uerr);
            goto out;
        }
        eod_master_stats_t stats;
        eod_cod_parse (cod, codlen, masters[i], s_feed_master, u, &stats);
        free (cod);
        eod_log_info ("%s: %zu records, %zu garbled", masters[i], stats.records, stats.garbled);
        if (stats.garbled)
            eod_stage_event (self->stage, "warn", NULL, "us", "%s: %zu garbled record(s) skipped", masters[i],
                             stats.garbled);
    }
    size_t n = us_universe_count (u);
    for (size_t i = 0; i < n; i++) {
        const us_instrument_t *in = us_universe_at (u, i);
        if (!in->exchange_code[0]) {
            char note[96];
            snprintf (note, sizeof note, "%s absent from the KIS master files", in->symbol);
            zlistx_add_end (absent, strdup (note));
            continue;
        }
        eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
        eod_msg_set (&t->code, in->symbol);
        eod_msg_set (&t->exchange, in->exchange_code);
        eod_msg_set (&t->name, in->english_name[0] ? in->english_name : in->company);
        eod_fields_set (&t->meta, "DOW30", us_flag (in->dow30));
        eod_fields_set (&t->meta, "NAS100", us_flag (in->nas100));
        eod_fields_set (&t->meta, "S&P500", us_flag (in->sp500));
        eod_fields_set (&t->meta, "korea_name", in->korea_name);
        eod_fields_set (&t->meta, "english_name", in->english_name);
        eod_fields_set (&t->meta, "security_type", in->security_type);
        eod_fields_set (&t->meta, "exchange_code", in->exchange_code);
        eod_fields_set (&t->meta, "exchange_name", in->exchange_name);
        eod_fields_set (&t->meta, "GICS Sector", in->sector);
        eod_fields_set (&t->meta, "GICS Sub-Industry", in->sub_industry);
        eod_fields_set (&t->meta, "Company", in->company);
        zlistx_add_end (tasks, t);
    }
    snprintf (text, sizeof text, "%zu", zlistx_size (absent));
    eod_fields_set (summary, "absent", text);
    if (zlistx_size (absent))
        eod_stage_event (self->stage, "warn", NULL, "us", "%zu symbol(s) of the universe are in no KIS master file",
                         zlistx_size (absent));
    rc = 0;
out:
    us_universe_destroy (&u);
    return rc;
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
s_chunks (lister_t *self, const eod_msg_t *job)
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
    eod_config_path_value (self->stage->config, "pipeline:calendar_dir", dir, sizeof dir);
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

//  --codes FILE: only these codes (one a line, # comments). NULL: all.
static zhashx_t *
s_codes_filter (const eod_msg_t *job)
{
    const char *path = eod_fields_get (&job->meta, "codes_file");
    if (!path)
        return NULL;
    zhashx_t *only = zhashx_new ();
    FILE *f = fopen (path, "r");
    if (!f) {
        eod_log_error ("%s: cannot read the codes file: nothing will be listed", path);
        return only;
    }
    char line[128];
    while (fgets (line, sizeof line, f)) {
        eod_trim (line);
        if (*line && *line != '#')
            zhashx_insert (only, line, (void *) 1);
    }
    fclose (f);
    eod_log_info ("%s: %zu code(s) to list", path, zhashx_size (only));
    return only;
}

//  Sends one TASK per draft and chunk of sessions; returns how many were
//  listed (sent or not: a resend completes what is missing).
static long
s_send_tasks (lister_t *self)
{
    long listed = 0;
    if (!self->chunks)
        return 0;
    for (eod_msg_t *t = zlistx_first (self->drafts); t; t = zlistx_next (self->drafts)) {
        for (char *range = zlistx_first (self->chunks); range; range = zlistx_next (self->chunks)) {
            char cfrom[11], cto[11], task_id[128];
            snprintf (cfrom, sizeof cfrom, "%.10s", range);
            snprintf (cto, sizeof cto, "%.10s", range + 11);
            snprintf (task_id, sizeof task_id, "%s-%s-%.4s%.2s%.2s-%.4s%.2s%.2s", t->market, t->code, cfrom,
                      cfrom + 5, cfrom + 8, cto, cto + 5, cto + 8);
            eod_msg_set (&t->task_id, task_id);
            eod_msg_set (&t->date_from, cfrom);
            eod_msg_set (&t->date_to, cto);
            if (eod_stage_send (self->stage, self->coordinator, NULL, t))
                eod_log_warn ("TASK %s not sent: the confirmation will send it again", task_id);
            listed++;
        }
    }
    return listed;
}

static void
s_on_job (lister_t *self, eod_msg_t *job)
{
    zlistx_purge (self->drafts);
    zlistx_destroy (&self->chunks);
    eod_msg_destroy (&self->listed);
    zlistx_t *tasks = zlistx_new ();
    zlistx_set_destructor (tasks, s_msg_free);
    eod_fields_t summary = EOD_FIELDS_INIT;
    zlistx_t *absent = zlistx_new ();
    zlistx_set_destructor (absent, s_str_free);
    char err[512] = "";
    int rc;
    if (strcmp (job->market, "kr") == 0)
        rc = s_list_kr (self, tasks, &summary, err, sizeof err);
    else if (strcmp (job->market, "us") == 0)
        rc = s_list_us (self, tasks, &summary, absent, err, sizeof err);
    else {
        snprintf (err, sizeof err, "market '%s' is not listed by this lister yet", job->market);
        rc = -1;
    }
    if (rc) {
        self->failed = true;
        eod_stage_event (self->stage, "error", job->run_id, job->market, "lister: %s", err);
        zlistx_destroy (&tasks);
        zlistx_destroy (&absent);
        eod_fields_clear (&summary);
        return;
    }
    //  The same code can sit in both files only by a data error: keep the first.
    size_t n = zlistx_size (tasks);
    char **codes = calloc (n ? n : 1, sizeof *codes);
    zhashx_t *seen = zhashx_new ();
    size_t k = 0;
    for (eod_msg_t *t = zlistx_first (tasks); t; t = zlistx_next (tasks)) {
        if (zhashx_insert (seen, t->code, t) != 0) {
            eod_log_warn ("%s listed twice: the second is dropped", t->code);
            eod_msg_set (&t->code, NULL);
            continue;
        }
        codes[k++] = t->code;
    }
    char run_id[17];
    lister_run_id (job->market, job->mode, job->date_from, job->date_to, codes, k, run_id);
    free (codes);
    zhashx_destroy (&seen);
    //  A backfill asks for up to 100 sessions per request (the API's cap), so
    //  each code gets one task per chunk of sessions.
    self->chunks = s_chunks (self, job);
    zhashx_t *only = s_codes_filter (job);
    //  A backfilled KR row carries no master-file value (they describe the
    //  listing day), only the name: the drafts keep nothing else.
    bool name_only = strcmp (job->market, "kr") == 0 && job->mode && strcmp (job->mode, "backfill") == 0;
    while (self->chunks && zlistx_first (tasks)) {
        eod_msg_t *t = zlistx_detach (tasks, NULL);
        if (!t->code || (only && !zhashx_lookup (only, t->code))) {
            eod_msg_destroy (&t);
            continue;
        }
        eod_msg_set (&t->run_id, run_id);
        eod_msg_set (&t->market, job->market);
        eod_msg_set (&t->mode, job->mode);
        if (name_only) {
            eod_fields_t keep = EOD_FIELDS_INIT;
            const char *name = eod_fields_get (&t->meta, "name");
            if (name)
                eod_fields_set (&keep, "name", name);
            eod_fields_clear (&t->meta);
            t->meta = keep;
        }
        zlistx_add_end (self->drafts, t);
    }
    long sent = s_send_tasks (self);
    zhashx_destroy (&only);
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED);
    eod_msg_set (&listed->run_id, run_id);
    eod_msg_set (&listed->market, job->market);
    eod_msg_set (&listed->mode, job->mode);
    eod_msg_set (&listed->date_from, job->date_from);
    eod_msg_set (&listed->date_to, job->date_to);
    listed->count = sent;
    eod_fields_merge (&listed->meta, &summary);
    for (char *note = zlistx_first (absent); note; note = zlistx_next (absent))
        eod_msg_add_list (listed, note);
    eod_stage_send (self->stage, self->coordinator, NULL, listed);
    self->listed = eod_msg_dup (listed);
    eod_log_info ("run %s: %ld tasks listed for %s %s..%s", run_id, sent, job->market, job->date_from,
                  job->date_to);
    eod_msg_destroy (&listed);
    zlistx_destroy (&tasks);
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
    self->input = eod_stage_socket (stage, ZMQ_PULL, "endpoints:lister", true);
    //  A listing is thousands of TASKs sent at once, and the lister exits
    //  right after its END. With a high-water mark the tail of the listing
    //  waits in a full pipe at close and can be dropped; unbounded (set before
    //  the connect, so the pipe is made with it) everything moves across at
    //  once: a listing is a few MB at most.
    char endpoint[1024];
    eod_config_path_value (stage->config, "endpoints:coordinator", endpoint, sizeof endpoint);
    self->coordinator = zsock_new (ZMQ_PUSH);
    if (self->coordinator) {
        zsock_set_sndhwm (self->coordinator, 0);
        zsock_set_linger (self->coordinator, stage->linger_ms);
        zsock_set_maxmsgsize (self->coordinator, EOD_PROTO_FRAME_MAX);
        if (zsock_connect (self->coordinator, "%s", endpoint)) {
            eod_log_error ("cannot connect %s", endpoint);
            zsock_destroy (&self->coordinator);
        }
    }
    self->drafts = zlistx_new ();
    zlistx_set_destructor (self->drafts, s_msg_free);
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
    zlistx_destroy (&self->drafts);
    zlistx_destroy (&self->chunks);
    eod_msg_destroy (&self->listed);
    free (self);
    *self_p = NULL;
}

#define S_CONFIRM_ROUNDS 10         //  resends of a listing the coordinator lacks
#define S_CONFIRM_TIMEOUT_MS 5000   //  an answer takes a loop pass of the coordinator

//  Asks the coordinator whether the whole listing and END arrived; resends
//  what it lacks (task ids are deterministic, so a resent TASK is a no-op
//  there). Returns when confirmed, or when the coordinator no longer answers
//  (its run is over).
static void
s_confirm (lister_t *self, const eod_msg_t *end)
{
    eod_msg_t *listed = self->listed;
    if (!listed)
        return;
    for (int round = 0; round < S_CONFIRM_ROUNDS && !zsys_interrupted; round++) {
        zsock_t *req = eod_stage_socket (self->stage, ZMQ_REQ, "endpoints:service", false);
        if (!req)
            return;
        zsock_set_linger (req, 0);
        eod_msg_t *ask = eod_msg_new (EOD_MSG_JOB);
        eod_msg_set (&ask->run_id, listed->run_id);
        eod_msg_set (&ask->market, listed->market);
        eod_msg_set (&ask->mode, "listing-status");
        eod_msg_set (&ask->date_from, listed->date_from);
        eod_msg_set (&ask->date_to, listed->date_to);
        eod_stage_send (self->stage, req, NULL, ask);
        eod_msg_destroy (&ask);
        zpoller_t *poller = zpoller_new (req, NULL);
        eod_msg_t *answer = zpoller_wait (poller, S_CONFIRM_TIMEOUT_MS) ? eod_stage_recv (self->stage, req, NULL) : NULL;
        zpoller_destroy (&poller);
        zsock_destroy (&req);
        if (!answer) {
            eod_log_info ("the coordinator does not answer: its run is over");
            return;
        }
        const char *tasks = eod_fields_get (&answer->fields, "tasks");
        const char *got = eod_fields_get (&answer->fields, "listed");
        const char *ended = eod_fields_get (&answer->fields, "ended");
        bool complete = tasks && strtol (tasks, NULL, 10) >= listed->count && got && strcmp (got, "1") == 0
                        && ended && strcmp (ended, "1") == 0;
        eod_msg_destroy (&answer);
        if (complete)
            return;
        eod_log_warn ("the coordinator has %s of %ld tasks (listed %s, end %s): sending the listing again",
                      tasks ? tasks : "?", (long) listed->count, got ? got : "?", ended ? ended : "?");
        s_send_tasks (self);
        eod_stage_send (self->stage, self->coordinator, NULL, listed);
        eod_stage_send (self->stage, self->coordinator, NULL, end);
    }
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
            eod_stage_send (self->stage, self->coordinator, NULL, msg);
            if (self->once)
                s_confirm (self, msg);
            over = self->once;
        }
        else
            eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
        eod_msg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    if (self->unreachable)
        return 3;
    return self->failed ? 4 : 0;
}
