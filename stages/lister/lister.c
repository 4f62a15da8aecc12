/*  lister — see lister.h.

    Memory stays flat whatever the number of codes: a master zip is saved
    under state_dir/lister/ and inflated and parsed a chunk at a time
    (eod_master_unzip_parse); each selected instrument's TASK draft goes to a
    spool file (spool.h) and only its code stays in memory (codes.h), for the
    run id and the check that no code is listed twice; the spool is then
    rewritten with the run id into the listing, which is streamed to the
    coordinator through a bounded pipe, and streamed again by a resend. */
#include "lister.h"
#include "codes.h"
#include "eod_http.h"
#include "eod_log.h"
#include "eod_master.h"
#include "eod_util.h"
#include "spool.h"
#include "universe.h"
#include "us_universe.h"
#include "eod_wiki.h"
#include "eod_cal.h"
#include "eod_date.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>

#define S_MASTER_MAX (64u * 1024 * 1024)   //  zipped master files are ~1 MiB
#define S_BACKOFF_MS 1000
//  TASKs queued towards the coordinator before a send waits for it to read:
//  some 25 KB, where an unbounded pipe held the whole listing (3 MB for
//  10,000 codes). The coordinator reads its input in batches, so a deeper
//  queue buys no speed (1000 measured no faster, and 0.2 MB more).
#define S_COORDINATOR_HWM 100
//  How long one send waits for the coordinator to read before the listing
//  is given up to the confirmation (longer than a restart of the coordinator
//  by its launcher).
#define S_SEND_TIMEOUT_MS 60000
//  Slot widths of the code sets: a KR short code, a US symbol (NUL included).
#define S_KR_CODE_WIDTH (EOD_MASTER_SHORT_CODE_LEN + 1)
#define S_US_CODE_WIDTH US_SYMBOL_MAX
//  Files of the lister under state_dir.
#define S_STATE_SUBDIR "lister"
#define S_RAW_SPOOL "listing.raw"      //  drafts as parsed, before dedup and filter
#define S_LIST_SPOOL "listing.spool"   //  the listing: drafts with the run id

struct _lister_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;        //  PULL: JOB and END from the calendar gate
    zsock_t *coordinator;  //  PUSH: TASK, LISTED, END
    bool failed;
    bool unreachable;
    char dir[1024];        //  state_dir/lister: master zips and spools
    //  The last listing, kept until the coordinator confirms it: one draft
    //  TASK per code in a spool file and the run's chunks of sessions, from
    //  which every TASK is made again on demand (a 10-year backfill is 25
    //  tasks a code), and LISTED.
    lister_spool_t *drafts;
    zlistx_t *chunks;
    eod_msg_t *listed;
};

//  GET url with retries (master:max_attempts). The body goes to sink when
//  it is not NULL (emptied before each attempt; needs eod_http's body_file),
//  else into *body (the caller's). Returns 0 on HTTP 200, -1 with err set.
static int
s_get (const eod_config_t *cfg, const char *url, FILE *sink, char **body, size_t *len, char *err,
       size_t errlen)
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
        if (sink) {
            rewind (sink);
            if (ftruncate (fileno (sink), 0)) {
                snprintf (err, errlen, "cannot empty the download file: %s", strerror (errno));
                return -1;
            }
            req.body_file = sink;
        }
        eod_http_response_t resp;
        if (eod_http_perform (&req, &resp) == 0 && resp.status == 200) {
            *len = resp.body_len;
            if (body) {
                *body = resp.body;
                resp.body = NULL;
            }
            eod_http_response_free (&resp);
            return 0;
        }
        char logurl[512];
        eod_http_url_for_log (url, logurl, sizeof logurl);
        if (resp.status)
            snprintf (err, errlen, "GET %s: HTTP %ld", logurl, resp.status);
        else
            snprintf (err, errlen, "%s", resp.error);
        bool retry = resp.status == 0 || resp.status >= 500 || resp.status == 429;
        eod_http_response_free (&resp);
        eod_log_warn ("master file: attempt %d of %d: %s", attempt, attempts, err);
        if (!retry)
            break;
        if (attempt < attempts)
            zclock_sleep (S_BACKOFF_MS * attempt);
    }
    return -1;
}

char *
lister_download (const eod_config_t *cfg, const char *url, size_t *len, char *err, size_t errlen)
{
    char *body = NULL;
    return s_get (cfg, url, NULL, &body, len, err, errlen) ? NULL : body;
}

int
lister_download_file (const eod_config_t *cfg, const char *url, const char *path, bool *unreachable, char *err,
                      size_t errlen)
{
    *unreachable = false;
    //  Straight to disk as it arrives: the zip is never in memory.
    int rc = -1;
    char part[1100];
    snprintf (part, sizeof part, "%s.part", path);
    int fd = open (part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *sink = fd >= 0 ? fdopen (fd, "wb") : NULL;
    if (!sink) {
        snprintf (err, errlen, "%s: cannot be written: %s", part, strerror (errno));
        if (fd >= 0)
            close (fd);
        return -1;
    }
    size_t len = 0;
    if (s_get (cfg, url, sink, NULL, &len, err, errlen)) {
        *unreachable = true;
        fclose (sink);
        unlink (part);
        return -1;
    }
    if (fflush (sink) || fsync (fileno (sink)))
        snprintf (err, errlen, "%s: cannot be written: %s", part, strerror (errno));
    else if (rename (part, path))
        snprintf (err, errlen, "%s: cannot be renamed to %s: %s", part, path, strerror (errno));
    else
        rc = 0;
    fclose (sink);
    if (rc)
        unlink (part);
    return rc;
}

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

//  SHA-256 (FIPS 180-4), for the run id. Written here rather than taken
//  from OpenSSL: OpenSSL 3's first digest loads its provider's whole
//  algorithm table, a third of a megabyte resident for one hash a listing.
#define S_SHA256_BLOCK 64
#define S_SHA256_DIGEST 32

typedef struct {
    uint32_t state[8];
    uint64_t length;                   //  bytes hashed so far
    unsigned char block[S_SHA256_BLOCK];
    size_t used;                       //  bytes waiting in block
} s_sha256_t;

static const uint32_t s_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t
s_ror (uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void
s_sha256_init (s_sha256_t *h)
{
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy (h->state, initial, sizeof initial);
    h->length = 0;
    h->used = 0;
}

static void
s_sha256_block (s_sha256_t *h, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8
               | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = s_ror (w[i - 15], 7) ^ s_ror (w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = s_ror (w[i - 2], 17) ^ s_ror (w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h->state[0], b = h->state[1], c = h->state[2], d = h->state[3];
    uint32_t e = h->state[4], f = h->state[5], g = h->state[6], hv = h->state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hv + (s_ror (e, 6) ^ s_ror (e, 11) ^ s_ror (e, 25)) + ((e & f) ^ (~e & g)) + s_sha256_k[i] + w[i];
        uint32_t t2 = (s_ror (a, 2) ^ s_ror (a, 13) ^ s_ror (a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hv = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h->state[0] += a;
    h->state[1] += b;
    h->state[2] += c;
    h->state[3] += d;
    h->state[4] += e;
    h->state[5] += f;
    h->state[6] += g;
    h->state[7] += hv;
}

static void
s_sha256_update (s_sha256_t *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    h->length += len;
    while (len > 0) {
        size_t take = S_SHA256_BLOCK - h->used;
        if (take > len)
            take = len;
        memcpy (h->block + h->used, p, take);
        h->used += take;
        p += take;
        len -= take;
        if (h->used == S_SHA256_BLOCK) {
            s_sha256_block (h, h->block);
            h->used = 0;
        }
    }
}

static void
s_sha256_final (s_sha256_t *h, unsigned char out[S_SHA256_DIGEST])
{
    uint64_t bits = h->length * 8;
    unsigned char pad = 0x80;
    s_sha256_update (h, &pad, 1);
    pad = 0;
    while (h->used != S_SHA256_BLOCK - 8)
        s_sha256_update (h, &pad, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char) (bits >> (56 - 8 * i));
    s_sha256_update (h, len, sizeof len);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (unsigned char) (h->state[i] >> (24 - 8 * j));
}

//  The run id's digest: market, mode and dates, then each sorted code.
static void
s_run_id_begin (s_sha256_t *h, const char *market, const char *mode, const char *from, const char *to)
{
    s_sha256_init (h);
    const char *parts[] = {market, mode, from, to};
    for (size_t i = 0; i < 4; i++) {
        s_sha256_update (h, parts[i], strlen (parts[i]));
        s_sha256_update (h, "|", 1);
    }
}

static void
s_run_id_code (s_sha256_t *h, const char *code)
{
    s_sha256_update (h, code, strlen (code));
    s_sha256_update (h, ",", 1);
}

//  The first 16 hex digits of the digest.
static void
s_run_id_end (s_sha256_t *h, char out[17])
{
    unsigned char digest[S_SHA256_DIGEST];
    s_sha256_final (h, digest);
    for (int i = 0; i < 8; i++)
        snprintf (out + 2 * i, 3, "%02x", digest[i]);
    out[16] = '\0';
}

void
lister_run_id (const char *market, const char *mode, const char *from, const char *to, char **codes,
               size_t ncodes, char out[17])
{
    s_sha256_t h;
    s_run_id_begin (&h, market, mode, from, to);
    char **sorted = malloc ((ncodes ? ncodes : 1) * sizeof *sorted);
    if (sorted) {
        memcpy (sorted, codes, ncodes * sizeof *sorted);
        qsort (sorted, ncodes, sizeof *sorted, s_cmp);
        for (size_t i = 0; i < ncodes; i++)
            s_run_id_code (&h, sorted[i]);
        free (sorted);
    }
    else
        eod_log_error ("out of memory: the run id is made without its codes");
    s_run_id_end (&h, out);
}

void
lister_run_id_codes (const char *market, const char *mode, const char *from, const char *to,
                     const lister_codes_t *sorted, char out[17])
{
    s_sha256_t h;
    s_run_id_begin (&h, market, mode, from, to);
    size_t n = lister_codes_count (sorted);
    for (size_t i = 0; i < n; i++)
        s_run_id_code (&h, lister_codes_at (sorted, i));
    s_run_id_end (&h, out);
}

static void
s_str_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  ---------------------------------------------------------------- drafts

//  Where a listing's drafts go while the master files are read: each one
//  encoded to the raw spool, its code to the set of codes. One message is
//  reused for every draft.
typedef struct {
    lister_spool_t *spool;
    lister_codes_t *codes;
    eod_msg_t *draft;
    bool failed;            //  a draft could not be kept (logged)
} s_sink_t;

//  Readies the reused draft: the fields a TASK must have to be encoded get
//  the job's values for now (run id and task id are set when listed).
static int
s_sink_init (s_sink_t *sink, const eod_msg_t *job, lister_spool_t *spool, lister_codes_t *codes)
{
    sink->spool = spool;
    sink->codes = codes;
    sink->failed = false;
    sink->draft = eod_msg_new (EOD_MSG_TASK);
    if (!sink->draft)
        return -1;
    eod_msg_t *t = sink->draft;
    eod_msg_set (&t->run_id, job->run_id);
    eod_msg_set (&t->market, job->market);
    eod_msg_set (&t->mode, job->mode);
    eod_msg_set (&t->date_from, job->date_from);
    eod_msg_set (&t->date_to, job->date_to);
    return 0;
}

//  Clears the reused draft's instrument fields for the next one.
static eod_msg_t *
s_sink_draft (s_sink_t *sink)
{
    eod_msg_t *t = sink->draft;
    eod_msg_set (&t->code, NULL);
    eod_msg_set (&t->exchange, NULL);
    eod_msg_set (&t->name, NULL);
    eod_fields_clear (&t->meta);
    return t;
}

//  Keeps the draft filled since s_sink_draft. 0, or -1 (logged) when it
//  cannot be spooled or its code kept.
static int
s_sink_add (s_sink_t *sink)
{
    eod_msg_t *t = sink->draft;
    eod_msg_set (&t->task_id, t->code);
    if (lister_codes_add (sink->codes, t->code)) {
        eod_log_error ("%s: code '%s' cannot be kept (too long or out of memory)",
                       lister_spool_path (sink->spool), t->code);
        sink->failed = true;
        return -1;
    }
    if (lister_spool_append (sink->spool, t)) {
        sink->failed = true;
        return -1;
    }
    return 0;
}

static void
s_sink_fini (s_sink_t *sink)
{
    eod_msg_destroy (&sink->draft);
}

//  Downloads url into the file dir/name. Returns 0, or -1 with err set.
static int
s_fetch_file (lister_t *self, const char *url, const char *name, char *path, size_t pathsize,
              char *err, size_t errlen)
{
    snprintf (path, pathsize, "%s/%s", self->dir, name);
    bool unreachable = false;
    int rc = lister_download_file (self->stage->config, url, path, &unreachable, err, errlen);
    if (unreachable)
        self->unreachable = true;
    return rc;
}

//  ---------------------------------------------------------------- KR

typedef struct {
    lister_kr_filter_t filter;
    eod_master_kind_t kind;
    s_sink_t *sink;
    size_t seen;
    size_t selected;
} s_collect_t;

static int
s_collect (const eod_master_record_t *rec, void *arg)
{
    s_collect_t *c = arg;
    c->seen++;
    if (!lister_kr_selects (&c->filter, c->kind, rec))
        return 0;
    eod_msg_t *t = s_sink_draft (c->sink);
    eod_msg_set (&t->code, rec->short_code);
    eod_msg_set (&t->name, rec->name);
    eod_msg_set (&t->exchange, eod_master_kind_name (c->kind));
    eod_fields_set (&t->meta, "name", rec->name);
    eod_fields_set (&t->meta, "group_code", rec->group_code);
    eod_fields_set (&t->meta, "revenue", rec->revenue);
    eod_fields_set (&t->meta, "operating_profit", rec->operating_profit);
    eod_fields_set (&t->meta, "net_income", rec->net_income);
    eod_fields_set (&t->meta, "roe", rec->roe);
    if (s_sink_add (c->sink))
        return -1;
    c->selected++;
    return 0;
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

//  Lists the KR universe into the sink. Returns 0, or -1 with err set.
static int
s_list_kr (lister_t *self, s_sink_t *sink, eod_fields_t *summary, char *err, size_t errlen)
{
    static const struct {
        eod_master_kind_t kind;
        const char *zip;
        const char *entry;
    } files[] = {{EOD_MASTER_KOSPI, "kospi_code.mst.zip", "kospi_code.mst"},
                 {EOD_MASTER_KOSDAQ, "kosdaq_code.mst.zip", "kosdaq_code.mst"}};
    const eod_config_t *cfg = self->stage->config;
    for (size_t i = 0; i < 2; i++) {
        char url[1024], path[1200];
        snprintf (url, sizeof url, "%s/%s", eod_config_str (cfg, "master:url"), files[i].zip);
        if (s_fetch_file (self, url, files[i].zip, path, sizeof path, err, errlen))
            return -1;
        s_collect_t c = {.kind = files[i].kind, .sink = sink};
        s_filter_from_config (cfg, &c.filter);
        eod_master_reader_t *reader = eod_master_reader_new (files[i].kind, files[i].entry, s_collect, &c);
        if (!reader) {
            snprintf (err, errlen, "%s: cannot be parsed (CP949 converter missing?)", files[i].entry);
            return -1;
        }
        char uerr[400];
        int rc = eod_master_unzip_parse (path, files[i].entry, reader, uerr, sizeof uerr);
        eod_master_stats_t stats = *eod_master_reader_stats (reader);
        eod_master_reader_destroy (&reader);
        if (rc) {
            if (sink->failed)
                snprintf (err, errlen, "%s: the listing cannot be kept in %s (see the log)", files[i].entry,
                          self->dir);
            else
                snprintf (err, errlen, "%s: %s", files[i].zip, uerr);
            return -1;
        }
        char text[64], key[64];
        const char *kname = eod_master_kind_name (files[i].kind);
        snprintf (key, sizeof key, "%s_records", kname);
        snprintf (text, sizeof text, "%zu", stats.records);
        eod_fields_set (summary, key, text);
        snprintf (key, sizeof key, "%s_selected", kname);
        snprintf (text, sizeof text, "%zu", c.selected);
        eod_fields_set (summary, key, text);
        snprintf (key, sizeof key, "%s_garbled", kname);
        snprintf (text, sizeof text, "%zu", stats.garbled);
        eod_fields_set (summary, key, text);
        eod_log_info ("%s: %zu records, %zu selected, %zu garbled", files[i].entry, stats.records, c.selected,
                      stats.garbled);
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
s_list_us (lister_t *self, s_sink_t *sink, eod_fields_t *summary, zlistx_t *absent, char *err, size_t errlen)
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
        char url[1024], name[64], path[1200];
        snprintf (url, sizeof url, "%s/%s.zip", eod_config_str (cfg, "master:url"), masters[i]);
        snprintf (name, sizeof name, "%s.zip", masters[i]);
        if (s_fetch_file (self, url, name, path, sizeof path, err, errlen))
            goto out;
        eod_master_reader_t *reader = eod_cod_reader_new (masters[i], s_feed_master, u);
        if (!reader) {
            snprintf (err, errlen, "%s: cannot be parsed (CP949 converter missing?)", masters[i]);
            goto out;
        }
        char uerr[400];
        int urc = eod_master_unzip_parse (path, masters[i], reader, uerr, sizeof uerr);
        eod_master_stats_t stats = *eod_master_reader_stats (reader);
        eod_master_reader_destroy (&reader);
        if (urc) {
            snprintf (err, errlen, "%s: %s", name, uerr);
            goto out;
        }
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
        eod_msg_t *t = s_sink_draft (sink);
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
        if (s_sink_add (sink)) {
            snprintf (err, errlen, "%s: the listing cannot be kept in %s (see the log)", in->symbol, self->dir);
            goto out;
        }
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

//  Longest line read from a codes file.
#define S_CODES_LINE_MAX 128

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
                eod_log_warn ("%s:%zu: '%s' is no code of this market (over %zu characters): it matches nothing",
                              path, lineno, line, width - 1);
        }
    }
    fclose (f);
    lister_codes_sort (only);
    eod_log_info ("%s: %zu code(s) to list", path, lister_codes_count (only));
    if (unusable > 1)
        eod_log_warn ("%s: %zu line(s) in all are no code of this market", path, unusable);
    return only;
}

//  Sends msg to the coordinator, unless the lister was told to stop: each
//  send may wait S_SEND_TIMEOUT_MS for a coordinator that is gone too.
static int
s_to_coordinator (lister_t *self, const eod_msg_t *msg)
{
    if (zsys_interrupted)
        return -1;
    return eod_stage_send (self->stage, self->coordinator, NULL, msg);
}

//  Sends one TASK per draft and chunk of sessions, the drafts streamed from
//  the spool. A send waits while the pipe to the coordinator is full; when
//  the coordinator reads nothing for S_SEND_TIMEOUT_MS the rest is not sent
//  (logged): the confirmation asks the coordinator and sends the listing
//  again. Returns 0 when every TASK went out, -1 otherwise.
static int
s_send_tasks (lister_t *self)
{
    if (!self->chunks || !self->drafts)
        return 0;
    if (lister_spool_rewind (self->drafts))
        return -1;
    size_t total = lister_spool_count (self->drafts) * zlistx_size (self->chunks), sent = 0;
    eod_msg_t *t = NULL;
    int rc;
    while ((rc = lister_spool_next (self->drafts, &t)) == 1) {
        for (char *range = zlistx_first (self->chunks); range; range = zlistx_next (self->chunks)) {
            char cfrom[11], cto[11], task_id[128];
            snprintf (cfrom, sizeof cfrom, "%.10s", range);
            snprintf (cto, sizeof cto, "%.10s", range + 11);
            snprintf (task_id, sizeof task_id, "%s-%s-%.4s%.2s%.2s-%.4s%.2s%.2s", t->market, t->code, cfrom,
                      cfrom + 5, cfrom + 8, cto, cto + 5, cto + 8);
            eod_msg_set (&t->task_id, task_id);
            eod_msg_set (&t->date_from, cfrom);
            eod_msg_set (&t->date_to, cto);
            if (s_to_coordinator (self, t)) {
                if (zsys_interrupted)
                    eod_log_warn ("interrupted after %zu of %zu TASKs", sent, total);
                else
                    eod_log_error ("TASK %s not sent: the coordinator read nothing for %d s; %zu of %zu TASKs "
                                   "sent, the confirmation will send the listing again",
                                   task_id, S_SEND_TIMEOUT_MS / 1000, sent, total);
                eod_msg_destroy (&t);
                return -1;
            }
            sent++;
        }
        eod_msg_destroy (&t);
    }
    return rc < 0 ? -1 : 0;
}

//  Makes the listing from the raw drafts: keeps the first of a code met
//  twice, hashes the sorted codes into the run id, keeps the codes of the
//  --codes file, and spools the drafts with their run id in self->drafts.
//  codes holds every draft's code (sorted here). Returns 0 with run_id
//  set, or -1 with err set.
static int
s_make_listing (lister_t *self, const eod_msg_t *job, lister_spool_t *raw, lister_codes_t *codes,
                size_t width, char run_id[17], char *err, size_t errlen)
{
    int rc = -1;
    lister_codes_t *only = NULL;
    eod_msg_t *t = NULL;
    lister_codes_sort (codes);
    lister_run_id_codes (job->market, job->mode, job->date_from, job->date_to, codes, run_id);
    //  A backfill asks for up to 100 sessions per request (the API's cap), so
    //  each code gets one task per chunk of sessions.
    self->chunks = s_chunks (self, job);
    only = s_codes_filter (job, width);
    //  A backfilled KR row carries no master-file value (they describe the
    //  listing day), only the name: the drafts keep nothing else.
    bool name_only = strcmp (job->market, "kr") == 0 && job->mode && strcmp (job->mode, "backfill") == 0;
    char path[1200];
    snprintf (path, sizeof path, "%s/%s", self->dir, S_LIST_SPOOL);
    self->drafts = lister_spool_new (path);
    if (!self->drafts || lister_spool_rewind (raw)) {
        snprintf (err, errlen, "the listing cannot be kept in %s (see the log)", self->dir);
        goto out;
    }
    int next;
    while ((next = lister_spool_next (raw, &t)) == 1) {
        //  The same code can sit in both files only by a data error: keep the first.
        int first = lister_codes_claim (codes, t->code);
        if (first < 0) {
            snprintf (err, errlen, "%s: code %s lost from the listing (out of memory?)", lister_spool_path (raw),
                      t->code);
            goto out;
        }
        if (first == 0)
            eod_log_warn ("%s listed twice: the second is dropped", t->code);
        else if (self->chunks && (!only || lister_codes_contains (only, t->code))) {
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
            if (lister_spool_append (self->drafts, t)) {
                snprintf (err, errlen, "the listing cannot be kept in %s (see the log)", self->dir);
                goto out;
            }
        }
        eod_msg_destroy (&t);
    }
    if (next < 0) {
        snprintf (err, errlen, "%s cannot be read back (see the log)", lister_spool_path (raw));
        goto out;
    }
    rc = 0;
out:
    eod_msg_destroy (&t);
    lister_codes_destroy (&only);
    return rc;
}

static void
s_on_job (lister_t *self, eod_msg_t *job)
{
    lister_spool_destroy (&self->drafts);
    zlistx_destroy (&self->chunks);
    eod_msg_destroy (&self->listed);
    eod_fields_t summary = EOD_FIELDS_INIT;
    zlistx_t *absent = zlistx_new ();
    zlistx_set_destructor (absent, s_str_free);
    lister_spool_t *raw = NULL;
    lister_codes_t *codes = NULL;
    s_sink_t sink = {0};
    char err[512] = "";
    char run_id[17] = "";
    bool kr = strcmp (job->market, "kr") == 0, us = strcmp (job->market, "us") == 0;
    size_t width = kr ? S_KR_CODE_WIDTH : S_US_CODE_WIDTH;
    char path[1200];
    snprintf (path, sizeof path, "%s/%s", self->dir, S_RAW_SPOOL);
    if (!kr && !us) {
        snprintf (err, sizeof err, "market '%s' is not listed by this lister yet", job->market);
        goto failed;
    }
    if (eod_mkdirs (self->dir, 0700)) {
        snprintf (err, sizeof err, "%s: cannot be made: %s", self->dir, strerror (errno));
        goto failed;
    }
    raw = lister_spool_new (path);
    codes = lister_codes_new (width);
    if (!raw || !codes || s_sink_init (&sink, job, raw, codes)) {
        snprintf (err, sizeof err, "the listing cannot be kept in %s (see the log)", self->dir);
        goto failed;
    }
    if (kr ? s_list_kr (self, &sink, &summary, err, sizeof err)
           : s_list_us (self, &sink, &summary, absent, err, sizeof err))
        goto failed;
    s_sink_fini (&sink);
    if (s_make_listing (self, job, raw, codes, width, run_id, err, sizeof err))
        goto failed;
    lister_spool_destroy (&raw);
    lister_codes_destroy (&codes);
    long listed_count = self->chunks ? (long) (lister_spool_count (self->drafts) * zlistx_size (self->chunks)) : 0;
    s_send_tasks (self);
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED);
    eod_msg_set (&listed->run_id, run_id);
    eod_msg_set (&listed->market, job->market);
    eod_msg_set (&listed->mode, job->mode);
    eod_msg_set (&listed->date_from, job->date_from);
    eod_msg_set (&listed->date_to, job->date_to);
    //  Listed, sent or not: a resend completes what is missing.
    listed->count = listed_count;
    eod_fields_merge (&listed->meta, &summary);
    for (char *note = zlistx_first (absent); note; note = zlistx_next (absent))
        eod_msg_add_list (listed, note);
    s_to_coordinator (self, listed);
    self->listed = listed;
    eod_log_info ("run %s: %ld tasks listed for %s %s..%s", run_id, listed_count, job->market, job->date_from,
                  job->date_to);
    goto out;
failed:
    self->failed = true;
    eod_stage_event (self->stage, "error", job->run_id, job->market, "lister: %s", err);
    lister_spool_destroy (&self->drafts);
    zlistx_destroy (&self->chunks);
out:
    s_sink_fini (&sink);
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
    //  the pipe go out, and the confirmation (s_confirm) sends again what the
    //  coordinator lacks.
    char endpoint[1024];
    eod_config_path_value (stage->config, "endpoints:coordinator", endpoint, sizeof endpoint);
    self->coordinator = zsock_new (ZMQ_PUSH);
    if (self->coordinator) {
        zsock_set_sndhwm (self->coordinator, S_COORDINATOR_HWM);
        zsock_set_sndtimeo (self->coordinator, S_SEND_TIMEOUT_MS);
        zsock_set_linger (self->coordinator, stage->linger_ms);
        zsock_set_maxmsgsize (self->coordinator, EOD_PROTO_FRAME_MAX);
        if (zsock_connect (self->coordinator, "%s", endpoint)) {
            eod_log_error ("cannot connect %s", endpoint);
            zsock_destroy (&self->coordinator);
        }
    }
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
    lister_spool_destroy (&self->drafts);
    zlistx_destroy (&self->chunks);
    eod_msg_destroy (&self->listed);
    free (self);
    *self_p = NULL;
}

#define S_CONFIRM_ROUNDS 10         //  resends of a listing the coordinator lacks
#define S_CONFIRM_TIMEOUT_MS 5000   //  an answer takes a loop pass of the coordinator
#define S_CONFIRM_WAITS 20          //  questions again while the coordinator is still reading
#define S_CONFIRM_SETTLE_MS 500     //  time given it to read on before asking again
#define S_CONFIRM_FIELD_MAX 32      //  a count or flag of the answer, copied out

//  Copies an answer's field into out ("?" when missing).
static void
s_answer_field (const eod_msg_t *answer, const char *key, char *out, size_t outsize)
{
    const char *value = eod_fields_get (&answer->fields, key);
    snprintf (out, outsize, "%s", value ? value : "?");
}

//  Asks the coordinator whether the whole listing and END arrived; resends
//  what it lacks (task ids are deterministic, so a resent TASK is a no-op
//  there). The tail of the listing can still be on its way when the
//  coordinator answers: while its figures move between two answers it is
//  asked again after a pause rather than sent everything again. Returns when
//  confirmed, or when the coordinator no longer answers (its run is over).
static void
s_confirm (lister_t *self, const eod_msg_t *end)
{
    eod_msg_t *listed = self->listed;
    if (!listed)
        return;
    char before[3 * S_CONFIRM_FIELD_MAX + 4] = "";
    int waits = 0;
    for (int round = 0; round < S_CONFIRM_ROUNDS && !zsys_interrupted;) {
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
        char tasks[S_CONFIRM_FIELD_MAX], got[S_CONFIRM_FIELD_MAX], ended[S_CONFIRM_FIELD_MAX];
        s_answer_field (answer, "tasks", tasks, sizeof tasks);
        s_answer_field (answer, "listed", got, sizeof got);
        s_answer_field (answer, "ended", ended, sizeof ended);
        eod_msg_destroy (&answer);
        bool complete = strtol (tasks, NULL, 10) >= listed->count && strcmp (got, "1") == 0
                        && strcmp (ended, "1") == 0;
        if (complete)
            return;
        char now[sizeof before];
        snprintf (now, sizeof now, "%s|%s|%s", tasks, got, ended);
        bool moving = strcmp (now, before) != 0;
        snprintf (before, sizeof before, "%s", now);
        if (moving && waits < S_CONFIRM_WAITS) {
            waits++;
            eod_log_info ("the coordinator has %s of %ld tasks (listed %s, end %s): asking again", tasks,
                          (long) listed->count, got, ended);
            zclock_sleep (S_CONFIRM_SETTLE_MS);
            continue;
        }
        eod_log_warn ("the coordinator has %s of %ld tasks (listed %s, end %s): sending the listing again", tasks,
                      (long) listed->count, got, ended);
        s_send_tasks (self);
        s_to_coordinator (self, listed);
        s_to_coordinator (self, end);
        before[0] = '\0';
        round++;
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
            s_to_coordinator (self, msg);
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
