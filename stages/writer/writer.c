/*  writer — see writer.h. */
#include "writer.h"
#include "eod_log.h"
#include "eod_s3.h"
#include "eod_util.h"

#include <arpa/inet.h>
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_BATCH_MAX 256           //  results made durable by one fsync
#define S_JOURNAL_RECORD_MAX EOD_PROTO_FRAME_MAX

//  KR: output2 (13), output1 less what output2 has (23), master file (5).
static const char *const s_kr_columns[] = {
    "stck_bsop_date", "stck_clpr", "stck_oprc", "stck_hgpr", "stck_lwpr", "acml_vol", "acml_tr_pbmn",
    "flng_cls_code", "prtt_rate", "mod_yn", "prdy_vrss_sign", "prdy_vrss", "revl_issu_reas",
    "prdy_ctrt", "stck_prdy_clpr", "hts_kor_isnm", "stck_prpr", "stck_shrn_iscd", "prdy_vol", "stck_mxpr",
    "stck_llam", "stck_prdy_oprc", "stck_prdy_hgpr", "stck_prdy_lwpr", "askp", "bidp", "prdy_vrss_vol",
    "vol_tnrt", "stck_fcam", "lstn_stcn", "cpfn", "hts_avls", "per", "eps", "pbr", "itewhol_loan_rmnd_ratem",
    "group_code", "revenue", "operating_profit", "net_income", "roe"};
#define S_KR_OUTPUT2 13
#define S_KR_OUTPUT1_END 36

//  US: output2 (14, clos renamed close), output1 (3), instrument (12).
static const char *const s_us_columns[] = {
    "xymd", "close", "sign", "diff", "rate", "open", "high", "low", "tvol", "tamt", "pbid", "vbid", "pask", "vask",
    "rsym", "zdiv", "nrec", "symbol", "DOW30", "NAS100", "S&P500", "korea_name", "english_name", "security_type",
    "exchange_code", "exchange_name", "GICS Sector", "GICS Sub-Industry", "Company"};
#define S_US_OUTPUT2 14
#define S_US_OUTPUT1_END 17

size_t
writer_columns (const char *market, const char *const **columns)
{
    if (strcmp (market, "us") == 0) {
        *columns = s_us_columns;
        return sizeof s_us_columns / sizeof s_us_columns[0];
    }
    *columns = s_kr_columns;
    return sizeof s_kr_columns / sizeof s_kr_columns[0];
}

static const char *
s_or_empty (const char *s)
{
    return s ? s : "";
}

int
writer_row_values (const char *market, const eod_fields_t *row, const eod_fields_t *snapshot,
                   const eod_fields_t *meta, const char *code, bool with_snapshot, const char **out,
                   char date_buf[11])
{
    bool us = strcmp (market, "us") == 0;
    const char *raw = eod_fields_get (row, us ? "xymd" : "stck_bsop_date");
    if (!raw || strlen (raw) != 8 || strspn (raw, "0123456789") != 8)
        return -1;
    snprintf (date_buf, 11, "%.4s-%.2s-%.2s", raw, raw + 4, raw + 6);
    const char *const *cols;
    size_t n = writer_columns (market, &cols);
    size_t n2 = us ? S_US_OUTPUT2 : S_KR_OUTPUT2;
    size_t n1 = us ? S_US_OUTPUT1_END : S_KR_OUTPUT1_END;
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        if (i == 0)
            v = date_buf;
        else if (i < n2)
            v = eod_fields_get (row, us && strcmp (cols[i], "close") == 0 ? "clos" : cols[i]);
        else if (i < n1) {
            //  Identity fields on every row; the rest of the snapshot only on
            //  the session it describes.
            if (!us && strcmp (cols[i], "hts_kor_isnm") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = eod_fields_get (meta, "name");
            }
            else if (!us && strcmp (cols[i], "stck_shrn_iscd") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = code;
            }
            else if (with_snapshot) {
                v = eod_fields_get (snapshot, cols[i]);
                if (!v && strcmp (cols[i], "itewhol_loan_rmnd_ratem") == 0)
                    v = eod_fields_get (snapshot, "itewhol_loan_rmnd_ratem name");
            }
        }
        else if (us || with_snapshot)
            //  US instrument columns identify the row; KR master values are
            //  a snapshot of the listing day.
            v = us && strcmp (cols[i], "symbol") == 0 ? code : eod_fields_get (meta, cols[i]);
        out[i] = s_or_empty (v);
    }
    return 0;
}

int
writer_csv_field (FILE *out, const char *value)
{
    size_t len = strlen (value);
    if (strpbrk (value, ",\"\r\n"))
        return csv_fwrite (out, value, len) == 0 ? 0 : -1;
    return fwrite (value, 1, len, out) == len ? 0 : -1;
}

//  ---------------------------------------------------------------- folding

typedef struct {
    char *sort_key;   //  "YYYY-MM-DD\tCODE"
    char **values;
} s_line_t;

static void
s_line_free (void **item)
{
    s_line_t *line = *item;
    if (!line)
        return;
    free (line->sort_key);
    //  values[0] .. values[n-1] are one allocation block each
    if (line->values)
        for (size_t i = 0; line->values[i]; i++)
            free (line->values[i]);
    free (line->values);
    free (line);
    *item = NULL;
}

static int
s_line_cmp (const void *a, const void *b)
{
    return strcmp ((*(s_line_t *const *) a)->sort_key, (*(s_line_t *const *) b)->sort_key);
}

//  Adds the rows of one RESULT to lines (first writer of a key wins: a
//  redelivered task carries the same rows).
static void
s_fold_result (const eod_msg_t *r, zhashx_t *lines)
{
    const char *const *cols;
    size_t n = writer_columns (r->market, &cols);
    const char *values[64];
    bool daily = !r->mode || strcmp (r->mode, "daily") == 0;
    for (size_t i = 0; i < r->nrows; i++) {
        char date[11];
        const char *raw = eod_fields_get (&r->rows[i], strcmp (r->market, "us") == 0 ? "xymd" : "stck_bsop_date");
        char compact_to[9] = "";
        if (r->date_to)
            snprintf (compact_to, sizeof compact_to, "%.4s%.2s%.2s", r->date_to, r->date_to + 5, r->date_to + 8);
        bool with_snapshot = daily && raw && strcmp (raw, compact_to) == 0;
        if (writer_row_values (r->market, &r->rows[i], &r->snapshot, &r->meta, r->code, with_snapshot, values,
                               date)) {
            eod_log_warn ("%s %s: a row without a valid trade date skipped", r->market, r->code);
            continue;
        }
        char key[96];
        snprintf (key, sizeof key, "%s\t%s", date, r->code);
        if (zhashx_lookup (lines, key))
            continue;
        s_line_t *line = calloc (1, sizeof *line);
        if (!line)
            return;
        line->sort_key = strdup (key);
        line->values = calloc (n + 1, sizeof *line->values);
        for (size_t c = 0; line->values && c < n; c++)
            line->values[c] = strdup (values[c]);
        zhashx_insert (lines, key, line);
    }
}

//  Rows already in a partition file stay unless this run brings the same
//  (code, date): a refill of a few codes, or a re-run that got fewer rows,
//  never loses what the file had. The file is read with libcsv.
typedef struct {
    zhashx_t *lines;
    size_t ncols;
    char **fields;       //  the row being read
    size_t nfields;
    long row;            //  0: the header
    bool header_ok;
    size_t code_col;
    const char *const *cols;
    const char *path;
    long kept;
} s_merge_t;

static void
s_merge_field (void *data, size_t len, void *arg)
{
    s_merge_t *m = arg;
    if (m->nfields < m->ncols)
        m->fields[m->nfields] = strndup (data ? (const char *) data : "", len);
    m->nfields++;
}

static void
s_merge_row (int term, void *arg)
{
    s_merge_t *m = arg;
    if (m->row == 0) {
        m->header_ok = m->nfields == m->ncols;
        for (size_t c = 0; m->header_ok && c < m->ncols; c++)
            m->header_ok = m->fields[c] && strcmp (m->fields[c], m->cols[c]) == 0;
        if (!m->header_ok)
            eod_log_error ("%s: the header is not this market's columns: the file is replaced, not merged", m->path);
    }
    else if (m->header_ok && m->nfields == m->ncols) {
        char key[96];
        snprintf (key, sizeof key, "%s\t%s", m->fields[0], m->fields[m->code_col]);
        if (!zhashx_lookup (m->lines, key)) {
            s_line_t *line = calloc (1, sizeof *line);
            if (line) {
                line->sort_key = strdup (key);
                line->values = calloc (m->ncols + 1, sizeof *line->values);
                for (size_t c = 0; line->values && c < m->ncols; c++) {
                    line->values[c] = m->fields[c];
                    m->fields[c] = NULL;
                }
                zhashx_insert (m->lines, key, line);
                m->kept++;
            }
        }
    }
    else if (m->header_ok)
        eod_log_warn ("%s:%ld: %zu fields where %zu are expected: row dropped", m->path, m->row + 1, m->nfields,
                      m->ncols);
    for (size_t c = 0; c < m->ncols; c++) {
        free (m->fields[c]);
        m->fields[c] = NULL;
    }
    m->nfields = 0;
    m->row++;
}

static void
s_merge_existing (const char *path, const char *market, zhashx_t *lines)
{
    size_t len = 0;
    char *text = eod_read_file (path, 1u << 30, &len);
    if (!text)
        return;   //  no file yet
    const char *const *cols;
    s_merge_t m = {.lines = lines, .path = path};
    m.ncols = writer_columns (market, &cols);
    m.cols = cols;
    m.code_col = 0;
    for (size_t c = 0; c < m.ncols; c++)
        if (strcmp (cols[c], strcmp (market, "us") == 0 ? "symbol" : "stck_shrn_iscd") == 0)
            m.code_col = c;
    m.fields = calloc (m.ncols, sizeof *m.fields);
    struct csv_parser parser;
    if (m.fields && csv_init (&parser, CSV_APPEND_NULL) == 0) {
        csv_parse (&parser, text, len, s_merge_field, s_merge_row, &m);
        csv_fini (&parser, s_merge_field, s_merge_row, &m);
        csv_free (&parser);
    }
    if (m.kept)
        eod_log_info ("%s: %ld existing row(s) kept", path, m.kept);
    free (m.fields);
    free (text);
}

static int
s_write_csv (const char *path, const char *market, s_line_t **sorted, size_t from, size_t to)
{
    const char *const *cols;
    size_t n = writer_columns (market, &cols);
    char tmp[4200];
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen (tmp, "w");
    if (!f)
        return -1;
    int rc = 0;
    for (size_t c = 0; c < n; c++)
        rc |= (c ? fputc (',', f) == EOF : 0) | writer_csv_field (f, cols[c]);
    rc |= fputc ('\n', f) == EOF;
    for (size_t i = from; i < to; i++) {
        for (size_t c = 0; c < n; c++)
            rc |= (c ? fputc (',', f) == EOF : 0) | writer_csv_field (f, sorted[i]->values[c]);
        rc |= fputc ('\n', f) == EOF;
    }
    rc |= fflush (f) != 0;
    rc |= fsync (fileno (f)) != 0;
    rc |= fclose (f) != 0;
    if (rc || rename (tmp, path)) {
        unlink (tmp);
        return -1;
    }
    eod_fsync_dir_of (path);
    return 0;
}

long
writer_fold_journal (const char *journal, const char *data_dir, const char *market, writer_file_fn *on_file,
                     void *arg)
{
    FILE *f = fopen (journal, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;   //  no result was journalled: nothing to write
        eod_log_error ("%s: %s", journal, strerror (errno));
        return -1;
    }
    zhashx_t *lines = zhashx_new ();
    zhashx_set_destructor (lines, s_line_free);
    long record = 0;
    while (true) {
        uint32_t be;
        if (fread (&be, sizeof be, 1, f) != 1)
            break;
        uint32_t len = ntohl (be);
        record++;
        if (len == 0 || len > S_JOURNAL_RECORD_MAX) {
            eod_log_error ("%s: record %ld: bad length %u: the rest of the journal is skipped", journal, record,
                           len);
            break;
        }
        char *buf = malloc (len);
        if (!buf || fread (buf, 1, len, f) != len) {
            //  A torn last record: it was never acknowledged, so it will come again.
            eod_log_warn ("%s: record %ld is incomplete (a crash while writing it): ignored", journal, record);
            free (buf);
            break;
        }
        char err[256];
        eod_msg_t *msg = eod_msg_decode (buf, len, err, sizeof err);
        free (buf);
        if (!msg) {
            eod_log_error ("%s: record %ld: %s", journal, record, err);
            continue;
        }
        if (msg->type == EOD_MSG_RESULT && strcmp (msg->market, market) == 0)
            s_fold_result (msg, lines);
        eod_msg_destroy (&msg);
    }
    fclose (f);

    //  Merge what the partitions of these sessions already hold.
    zhashx_t *dates = zhashx_new ();
    for (s_line_t *line = zhashx_first (lines); line; line = zhashx_next (lines)) {
        char date[11];
        snprintf (date, sizeof date, "%.10s", line->sort_key);
        zhashx_insert (dates, date, (void *) 1);
    }
    zlistx_t *dlist = zhashx_keys (dates);
    for (const char *date = zlistx_first (dlist); date; date = zlistx_next (dlist)) {
        char path[4200];
        snprintf (path, sizeof path, "%s/market=%s/dt=%s/%s_%.4s%.2s%.2s.csv", data_dir, market, date, market, date,
                  date + 5, date + 8);
        s_merge_existing (path, market, lines);
    }
    zlistx_destroy (&dlist);
    zhashx_destroy (&dates);

    size_t n = zhashx_size (lines);
    s_line_t **sorted = calloc (n ? n : 1, sizeof *sorted);
    long written = 0;
    if (!sorted) {
        zhashx_destroy (&lines);
        return -1;
    }
    size_t i = 0;
    for (s_line_t *line = zhashx_first (lines); line; line = zhashx_next (lines))
        sorted[i++] = line;
    qsort (sorted, n, sizeof *sorted, s_line_cmp);
    //  One file per session.
    for (size_t start = 0; start < n;) {
        size_t end = start;
        while (end < n && strncmp (sorted[end]->sort_key, sorted[start]->sort_key, 10) == 0)
            end++;
        char date[11], compact[9], rel[256], path[4200], dir[4200];
        snprintf (date, sizeof date, "%.10s", sorted[start]->sort_key);
        snprintf (compact, sizeof compact, "%.4s%.2s%.2s", date, date + 5, date + 8);
        snprintf (rel, sizeof rel, "market=%s/dt=%s/%s_%s.csv", market, date, market, compact);
        snprintf (path, sizeof path, "%s/%s", data_dir, rel);
        snprintf (dir, sizeof dir, "%s/market=%s/dt=%s", data_dir, market, date);
        if (eod_mkdirs (dir, 0755) || s_write_csv (path, market, sorted, start, end)) {
            eod_log_error ("%s: cannot write: %s", path, strerror (errno));
            written = -1;
            break;
        }
        written += (long) (end - start);
        if (on_file)
            on_file (path, rel, date, (long) (end - start), arg);
        start = end;
    }
    free (sorted);
    zhashx_destroy (&lines);
    return written;
}

//  ---------------------------------------------------------------- the stage

struct _writer_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;       //  PULL from the coordinator
    zsock_t *acks;        //  PUSH to the coordinator
    zsock_t *uploader;    //  PUSH to the uploader
    char journal_dir[1024];
    char data_dir[1024];
    char run_id[128];
    char journal[1200];
    int fd;               //  the open journal, or -1
    eod_msg_t *run_done;
    long rows_written;
    long files;
    bool failed;
};

writer_t *
writer_new (eod_stage_t *stage, bool once)
{
    writer_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    self->fd = -1;
    char state[1024];
    eod_config_path_value (stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (self->journal_dir, sizeof self->journal_dir, "%s/writer", state);
    eod_config_path_value (stage->config, "pipeline:data_dir", self->data_dir, sizeof self->data_dir);
    if (eod_mkdirs (self->journal_dir, 0700)) {
        eod_log_error ("%s: %s", self->journal_dir, strerror (errno));
        goto fail;
    }
    self->input = eod_stage_socket (stage, ZMQ_PULL, "endpoints:writer", true);
    self->acks = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:coordinator", false);
    self->uploader = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:uploader", false);
    if (!self->input || !self->acks || !self->uploader)
        goto fail;
    return self;
fail:
    writer_destroy (&self);
    return NULL;
}

void
writer_destroy (writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_t *self = *self_p;
    if (self->fd >= 0)
        close (self->fd);
    eod_msg_destroy (&self->run_done);
    zsock_destroy (&self->uploader);
    zsock_destroy (&self->acks);
    zsock_destroy (&self->input);
    free (self);
    *self_p = NULL;
}

static int
s_journal_open (writer_t *self, const char *run_id)
{
    if (self->fd >= 0 && strcmp (self->run_id, run_id) == 0)
        return 0;
    if (self->fd >= 0)
        close (self->fd);
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    snprintf (self->journal, sizeof self->journal, "%s/%s.journal", self->journal_dir, run_id);
    self->fd = open (self->journal, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (self->fd < 0) {
        eod_log_error ("%s: %s", self->journal, strerror (errno));
        return -1;
    }
    return 0;
}

static int
s_journal_append (writer_t *self, const eod_msg_t *msg)
{
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        eod_log_error ("journal: %s", err);
        return -1;
    }
    uint32_t be = htonl ((uint32_t) len);
    int rc = write (self->fd, &be, sizeof be) == (ssize_t) sizeof be && write (self->fd, data, len) == (ssize_t) len
                 ? 0
                 : -1;
    if (rc)
        eod_log_error ("%s: write: %s", self->journal, strerror (errno));
    free (data);
    return rc;
}

static void
s_on_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    char hex[33], b64[25];
    if (eod_md5_file (path, hex, b64)) {
        eod_log_error ("%s: cannot checksum", path);
        self->failed = true;
        return;
    }
    eod_msg_t *file = eod_msg_new (EOD_MSG_FILE);
    eod_msg_set (&file->run_id, self->run_done->run_id);
    eod_msg_set (&file->market, self->run_done->market);
    eod_msg_set (&file->date_from, date);
    eod_msg_set (&file->path, path);
    eod_msg_set (&file->key, rel);
    eod_msg_set (&file->md5, hex);
    file->count = rows;
    eod_log_info ("%s: %ld rows, md5 %s", path, rows, hex);
    eod_stage_send (self->stage, self->uploader, NULL, file);
    eod_msg_destroy (&file);
    self->files++;
}

static void
s_on_run_done (writer_t *self, eod_msg_t **msg_p)
{
    eod_msg_destroy (&self->run_done);
    self->run_done = *msg_p;
    *msg_p = NULL;
    char journal[1200];
    snprintf (journal, sizeof journal, "%s/%s.journal", self->journal_dir, self->run_done->run_id);
    if (self->fd >= 0 && strcmp (self->run_id, self->run_done->run_id) == 0) {
        fsync (self->fd);
        close (self->fd);
        self->fd = -1;
    }
    self->files = 0;
    long rows = writer_fold_journal (journal, self->data_dir, self->run_done->market, s_on_file, self);
    if (rows < 0) {
        self->failed = true;
        eod_stage_event (self->stage, "error", self->run_done->run_id, self->run_done->market,
                         "writer: the files of run %s could not be written", self->run_done->run_id);
        return;
    }
    self->rows_written = rows;
    //  The CSVs are durable now; the journal has done its job.
    if (!self->failed)
        unlink (journal);
}

static void
s_forward_end (writer_t *self, eod_msg_t *end)
{
    eod_msg_set (&end->stage, "writer");
    char text[32];
    if (self->run_done) {
        const eod_msg_t *d = self->run_done;
        struct {
            const char *name;
            int64_t value;
        } figures[] = {{"tasks", d->count},       {"ok", d->ok},
                       {"nodata", d->nodata},     {"unknown", d->unknown},
                       {"failed", d->failed},     {"requests", d->requests},
                       {"rate_limited", d->rate_limited}, {"retries", d->retries},
                       {"duration_ms", d->duration_ms}};
        for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
            snprintf (text, sizeof text, "%lld", (long long) figures[i].value);
            eod_fields_set (&end->meta, figures[i].name, text);
        }
        eod_fields_merge (&end->meta, &d->meta);
        for (size_t i = 0; i < d->nlist; i++)
            eod_msg_add_list (end, d->list[i]);
        if (!end->run_id)
            eod_msg_set (&end->run_id, d->run_id);
    }
    snprintf (text, sizeof text, "%ld", self->rows_written);
    eod_fields_set (&end->meta, "rows", text);
    snprintf (text, sizeof text, "%ld", self->files);
    eod_fields_set (&end->meta, "files", text);
    if (self->failed) {
        eod_msg_set (&end->status, "failed");
        eod_msg_set (&end->error, "the writer could not write the run's files");
    }
    eod_stage_send (self->stage, self->uploader, NULL, end);
}

int
writer_run (writer_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    bool over = false;
    eod_msg_t *acks[S_BATCH_MAX];
    while (!zsys_interrupted && !over) {
        void *which = zpoller_wait (poller, 1000);
        if (!which) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        //  One batch: everything waiting, up to S_BATCH_MAX results, then one
        //  fsync, then the batch's ACKs.
        size_t nacks = 0;
        while (nacks < S_BATCH_MAX && (zsock_events (self->input) & ZMQ_POLLIN)) {
            eod_msg_t *msg = eod_stage_recv (self->stage, self->input, NULL);
            if (!msg)
                continue;
            if (msg->type == EOD_MSG_RESULT) {
                if (s_journal_open (self, msg->run_id) == 0 && s_journal_append (self, msg) == 0) {
                    eod_msg_t *ack = eod_msg_new (EOD_MSG_ACK);
                    eod_msg_set (&ack->run_id, msg->run_id);
                    eod_msg_set (&ack->task_id, msg->task_id);
                    acks[nacks++] = ack;
                }
            }
            else if (msg->type == EOD_MSG_RUN_DONE) {
                if (nacks && self->fd >= 0)
                    fsync (self->fd);
                s_on_run_done (self, &msg);
            }
            else if (msg->type == EOD_MSG_END) {
                s_forward_end (self, msg);
                over = self->once;
                eod_msg_destroy (&self->run_done);
                self->rows_written = 0;
                self->failed = false;
            }
            else
                eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
            eod_msg_destroy (&msg);
            if (over)
                break;
        }
        if (nacks && self->fd >= 0 && fsync (self->fd)) {
            eod_log_error ("%s: fsync: %s: results not acknowledged", self->journal, strerror (errno));
            for (size_t i = 0; i < nacks; i++)
                eod_msg_destroy (&acks[i]);
            nacks = 0;
        }
        for (size_t i = 0; i < nacks; i++) {
            eod_stage_send (self->stage, self->acks, NULL, acks[i]);
            eod_msg_destroy (&acks[i]);
        }
    }
    zpoller_destroy (&poller);
    return self->failed ? 4 : 0;
}
