/*  eod_metrics — Prometheus metrics of the pipeline's runs, as a file in the
    node_exporter textfile format (see eod_metrics.h for the metrics).

    The file is its own state: a record reads the previous file back (only the
    eod_* samples it writes; comments and other metrics are skipped), changes
    the series of one market and mode, and writes everything again. So the
    other market's figures and the last success sessions survive restarts and
    runs of the other market without a second file to keep in step. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "eod_log.h"
#include "eod_metrics.h"
#include "eod_util.h"

#define S_SERIES_MAX 32        //  (market, mode) pairs kept: far more than the pipeline's 2 x 2
#define S_LABEL_MAX 64         //  bytes of a label value, NUL included
#define S_NAME_MAX 128         //  bytes of a metric name, NUL included
#define S_FILE_MAX (1 << 20)   //  a previous file larger than this is not read (it is not ours)
#define S_GARBLED_LOGGED 5     //  garbled lines logged one by one; the rest are counted
#define S_FILE_MODE 0644       //  node_exporter runs as another user
#define S_DIR_MODE 0755
#define S_DEFAULT_MODE "daily"

#define S_STATUS_METRIC "eod_run_status"
#define S_SUCCESS_METRIC "eod_last_success_session_timestamp_seconds"
#define S_KINDS_METRIC "eod_run_anomalies_by_kind"

//  The figures of one run, each a gauge labelled {market, mode}.
typedef enum {
    S_F_ROWS,
    S_F_TASKS,
    S_F_FAILED_CODES,
    S_F_REQUESTS,
    S_F_REJECTIONS,
    S_F_RETRIES,
    S_F_UNPUBLISHED,
    S_F_WITHOUT_SNAPSHOT,
    S_F_UNIVERSE_ENTERED,
    S_F_UNIVERSE_LEFT,
    S_F_ANOMALIES,
    S_F_XCHECK_CHECKED,
    S_F_XCHECK_DISAGREED,
    S_F_XCHECK_NOT_CHECKED,
    S_F_DURATION,
    S_F_ENDED,
    S_F_SESSION,
    S_F_COUNT
} s_figure_t;

static const struct {
    const char *name;
    const char *help;
    bool integer;
} s_figures[S_F_COUNT] = {
    [S_F_ROWS] = {"eod_run_rows", "CSV rows written by the latest run.", true},
    [S_F_TASKS] = {"eod_run_tasks", "Tasks (codes) listed by the latest run.", true},
    [S_F_FAILED_CODES] = {"eod_run_failed_codes", "Codes still missing after retries in the latest run.", true},
    [S_F_REQUESTS] = {"eod_run_requests", "KIS API requests of the latest run.", true},
    [S_F_REJECTIONS] = {"eod_run_rejections", "Requests of the latest run refused by the rate limit (EGW00201).", true},
    [S_F_RETRIES] = {"eod_run_retries", "Requests of the latest run that were retried.", true},
    [S_F_UNPUBLISHED] = {"eod_run_unpublished_codes",
                         "Codes of the latest run that answered without a row for their session.", true},
    [S_F_WITHOUT_SNAPSHOT] = {"eod_run_rows_without_snapshot",
                              "Rows of the latest run written without the snapshot (quote, financial) columns.", true},
    [S_F_UNIVERSE_ENTERED] = {"eod_run_universe_entered",
                              "Codes that entered an index or filter since the previous universe snapshot.", true},
    [S_F_UNIVERSE_LEFT] = {"eod_run_universe_left",
                           "Codes that left an index or filter since the previous universe snapshot.", true},
    [S_F_ANOMALIES] = {"eod_run_anomalies",
                       "Validation's findings in the rows of the latest run (anomalies/ sidecars).", true},
    [S_F_XCHECK_CHECKED] = {"eod_run_xcheck_checked",
                            "Codes of the latest run whose row was compared with the multi-stock quote.", true},
    [S_F_XCHECK_DISAGREED] = {"eod_run_xcheck_disagreed",
                              "Codes of the latest run whose row and quote differ beyond the tolerance.", true},
    [S_F_XCHECK_NOT_CHECKED] = {"eod_run_xcheck_not_checked",
                                "Codes of the latest run not cross-checked (window, a failed batch, no quote).", true},
    [S_F_DURATION] = {"eod_run_duration_seconds", "Duration of the latest run.", false},
    [S_F_ENDED] = {"eod_run_timestamp_seconds", "When the latest run ended, unix time.", true},
    [S_F_SESSION] = {"eod_last_session_timestamp_seconds",
                     "Session date of the latest run (a backfill's last date), 00:00 UTC, unix time.", true},
};

static const char *const s_kind_names[EOD_METRICS_ANOMALY_KINDS] = {"price",      "range",    "volume", "move",
                                                                    "wrong_date", "conflict", "xcheck"};

static const char *const s_status_names[EOD_METRICS_STATUS_COUNT] = {[EOD_METRICS_OK] = "ok",
                                                                     [EOD_METRICS_PARTIAL] = "partial",
                                                                     [EOD_METRICS_FAILED] = "failed",
                                                                     [EOD_METRICS_CLOSED] = "closed",
                                                                     [EOD_METRICS_INCOMPLETE] = "incomplete"};

typedef struct {
    char market[S_LABEL_MAX];
    char mode[S_LABEL_MAX];
    double value[S_F_COUNT];
    bool known[S_F_COUNT];                     //  a series read back may lack some figures
    double kinds[EOD_METRICS_ANOMALY_KINDS];   //  eod_run_anomalies_by_kind
    bool kind_known[EOD_METRICS_ANOMALY_KINDS];
    int status;   //  eod_metrics_status_t, or -1 when not known
} s_series_t;

typedef struct {
    char market[S_LABEL_MAX];
    double session_ts;
} s_success_t;

typedef struct {
    const char *path;
    s_series_t series[S_SERIES_MAX];
    size_t nseries;
    s_success_t success[S_SERIES_MAX];
    size_t nsuccess;
    long garbled;
    long dropped;   //  series past S_SERIES_MAX
} s_state_t;

//  One sample line, split up. Only the labels the file uses are kept.
typedef struct {
    char name[S_NAME_MAX];
    char market[S_LABEL_MAX], mode[S_LABEL_MAX], status[S_LABEL_MAX], kind[S_LABEL_MAX];
    bool has_market, has_mode, has_status, has_kind;
    double value;
} s_sample_t;

const char *
eod_metrics_status_name (eod_metrics_status_t status)
{
    return (int) status >= 0 && status < EOD_METRICS_STATUS_COUNT ? s_status_names[status] : "?";
}

const char *
eod_metrics_anomaly_kind (int kind)
{
    return kind >= 0 && kind < EOD_METRICS_ANOMALY_KINDS ? s_kind_names[kind] : NULL;
}

static s_series_t *
s_series_get (s_state_t *self, const char *market, const char *mode)
{
    for (size_t i = 0; i < self->nseries; i++)
        if (strcmp (self->series[i].market, market) == 0 && strcmp (self->series[i].mode, mode) == 0)
            return &self->series[i];
    if (self->nseries == S_SERIES_MAX) {
        self->dropped++;
        return NULL;
    }
    s_series_t *s = &self->series[self->nseries++];
    memset (s, 0, sizeof *s);
    snprintf (s->market, sizeof s->market, "%s", market);
    snprintf (s->mode, sizeof s->mode, "%s", mode);
    eod_utf8_repair (s->market);
    eod_utf8_repair (s->mode);
    s->status = -1;
    return s;
}

static s_success_t *
s_success_get (s_state_t *self, const char *market, bool *created)
{
    *created = false;
    for (size_t i = 0; i < self->nsuccess; i++)
        if (strcmp (self->success[i].market, market) == 0)
            return &self->success[i];
    if (self->nsuccess == S_SERIES_MAX) {
        self->dropped++;
        return NULL;
    }
    s_success_t *s = &self->success[self->nsuccess++];
    memset (s, 0, sizeof *s);
    snprintf (s->market, sizeof s->market, "%s", market);
    eod_utf8_repair (s->market);
    *created = true;
    return s;
}

static const char *
s_skip_blanks (const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static bool
s_is_name_char (char c, bool first, bool metric)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':'))
        return true;
    return !first && c >= '0' && c <= '9';
}

//  Reads a quoted label value at p (just after the opening quote) into out,
//  undoing the format's escapes. Returns the position after the closing
//  quote, or NULL when malformed or longer than the buffer.
static const char *
s_parse_label_value (const char *p, char *out, size_t outsize)
{
    size_t n = 0;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            if (c == 'n')
                c = '\n';
            else if (c != '\\' && c != '"')
                return NULL;
        }
        if (n + 1 >= outsize)
            return NULL;
        out[n++] = c;
    }
    if (*p != '"')
        return NULL;
    out[n] = 0;
    return p + 1;
}

//  Parses one sample line: name, optional {labels}, value, optional
//  timestamp. 0, or -1 when the line is not a sample of the format.
static int
s_parse_sample (const char *line, s_sample_t *out)
{
    memset (out, 0, sizeof *out);
    const char *p = s_skip_blanks (line);
    size_t n = 0;
    while (s_is_name_char (*p, n == 0, true)) {
        if (n + 1 >= sizeof out->name)
            return -1;
        out->name[n++] = *p++;
    }
    if (n == 0)
        return -1;
    out->name[n] = 0;
    if (*s_skip_blanks (p) == '{')
        p = s_skip_blanks (p);
    if (*p == '{') {
        p = s_skip_blanks (p + 1);
        while (*p != '}') {
            char label[S_NAME_MAX];
            size_t k = 0;
            while (s_is_name_char (*p, k == 0, false)) {
                if (k + 1 >= sizeof label)
                    return -1;
                label[k++] = *p++;
            }
            if (k == 0)
                return -1;
            label[k] = 0;
            p = s_skip_blanks (p);
            if (*p++ != '=')
                return -1;
            p = s_skip_blanks (p);
            if (*p++ != '"')
                return -1;
            char value[S_LABEL_MAX];
            p = s_parse_label_value (p, value, sizeof value);
            if (!p)
                return -1;
            struct {
                const char *name;
                char *dest;
                bool *seen;
            } kept[] = {{"market", out->market, &out->has_market},
                        {"mode", out->mode, &out->has_mode},
                        {"status", out->status, &out->has_status},
                        {"kind", out->kind, &out->has_kind}};
            for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
                if (strcmp (label, kept[i].name) == 0) {
                    if (*kept[i].seen)
                        return -1;   //  a label given twice
                    memcpy (kept[i].dest, value, strlen (value) + 1);
                    *kept[i].seen = true;
                }
            p = s_skip_blanks (p);
            if (*p == ',')
                p = s_skip_blanks (p + 1);
            else if (*p != '}')
                return -1;
        }
        p++;
    }
    if (*p != ' ' && *p != '\t')
        return -1;
    p = s_skip_blanks (p);
    char *end;
    errno = 0;
    out->value = strtod (p, &end);
    if (end == p || errno == ERANGE || !isfinite (out->value))
        return -1;   //  NaN and infinities are valid in the format but never ours
    p = s_skip_blanks (end);
    if (*p) {
        errno = 0;
        (void) strtoll (p, &end, 10);
        if (end == p || errno == ERANGE)
            return -1;
        p = s_skip_blanks (end);
    }
    return *p == '\r' ? (p[1] ? -1 : 0) : (*p ? -1 : 0);
}

static int
s_status_parse (const char *name)
{
    for (int i = 0; i < EOD_METRICS_STATUS_COUNT; i++)
        if (strcmp (name, s_status_names[i]) == 0)
            return i;
    return -1;
}

//  Takes one parsed sample into the state. 0, or -1 when it is one of ours
//  but cannot be (a label missing, an unknown status).
static int
s_apply_sample (s_state_t *self, const s_sample_t *sample)
{
    if (strncmp (sample->name, "eod_", 4) != 0)
        return 0;   //  not ours: node_exporter merges files, another tool may add lines
    if (!sample->has_market || !*sample->market)
        return -1;
    const char *mode = sample->has_mode ? sample->mode : S_DEFAULT_MODE;
    if (strcmp (sample->name, S_SUCCESS_METRIC) == 0) {
        bool created;
        s_success_t *s = s_success_get (self, sample->market, &created);
        if (s && (created || sample->value > s->session_ts))
            s->session_ts = sample->value;
        return 0;
    }
    if (strcmp (sample->name, S_STATUS_METRIC) == 0) {
        int status = sample->has_status ? s_status_parse (sample->status) : -1;
        if (status < 0)
            return -1;
        s_series_t *s = s_series_get (self, sample->market, mode);
        if (s && sample->value == 1)
            s->status = status;
        return 0;
    }
    if (strcmp (sample->name, S_KINDS_METRIC) == 0) {
        if (!sample->has_kind)
            return -1;
        for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS; k++) {
            s_series_t *s =
                strcmp (sample->kind, s_kind_names[k]) == 0 ? s_series_get (self, sample->market, mode) : NULL;
            if (s) {
                s->kinds[k] = sample->value;
                s->kind_known[k] = true;
            }
        }
        return 0;   //  a kind this version does not know is dropped with the line
    }
    for (int f = 0; f < S_F_COUNT; f++)
        if (strcmp (sample->name, s_figures[f].name) == 0) {
            s_series_t *s = s_series_get (self, sample->market, mode);
            if (s) {
                s->value[f] = sample->value;
                s->known[f] = true;
            }
            return 0;
        }
    eod_log_debug ("%s: %s is not a metric of this version: dropped", self->path, sample->name);
    return 0;
}

static void
s_garbled (s_state_t *self, long line, const char *why)
{
    if (++self->garbled <= S_GARBLED_LOGGED)
        eod_log_warn ("%s:%ld: %s: line dropped, the file is replaced", self->path, line, why);
}

//  Reads the previous file into the state. 0, or -1 with err when it exists
//  but cannot be read (writing over it would lose what it holds).
static int
s_load (s_state_t *self, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = eod_read_file (self->path, S_FILE_MAX, &len);
    if (!text) {
        if (errno == ENOENT) {
            eod_log_info ("%s: no previous metrics file: a new one is started", self->path);
            return 0;
        }
        if (errno == EFBIG) {
            eod_log_warn ("%s:1: larger than %d bytes, not a metrics file of ours: replaced", self->path, S_FILE_MAX);
            return 0;
        }
        eod_set_error (err, errlen, "%s: %s", self->path, strerror (errno));
        return -1;
    }
    long lineno = 0;
    char *p = text, *end = text + len;
    while (p < end) {
        lineno++;
        char *nl = memchr (p, '\n', (size_t) (end - p));
        char *stop = nl ? nl : end;
        *stop = 0;
        s_sample_t sample;
        if (strlen (p) != (size_t) (stop - p))
            s_garbled (self, lineno, "a NUL byte");
        else if (*s_skip_blanks (p) == '#' || *s_skip_blanks (p) == 0 || strcmp (s_skip_blanks (p), "\r") == 0)
            ;   //  HELP, TYPE, comments and blank lines are written anew
        else if (s_parse_sample (p, &sample))
            s_garbled (self, lineno, "not a sample of the exposition format");
        else if (s_apply_sample (self, &sample))
            s_garbled (self, lineno, "an eod sample without its market or with an unknown status");
        p = stop + 1;
    }
    if (self->garbled > S_GARBLED_LOGGED)
        eod_log_warn ("%s: %ld garbled line(s) in all dropped", self->path, self->garbled);
    free (text);
    return 0;
}

static int
s_cmp_series (const void *a, const void *b)
{
    const s_series_t *x = a, *y = b;
    int c = strcmp (x->market, y->market);
    return c ? c : strcmp (x->mode, y->mode);
}

static int
s_cmp_success (const void *a, const void *b)
{
    return strcmp (((const s_success_t *) a)->market, ((const s_success_t *) b)->market);
}

//  A label value with the format's escapes: backslash, double quote, newline.
static void
s_put_label (FILE *out, const char *name, const char *value, bool first)
{
    fprintf (out, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            fputs ("\\\\", out);
        else if (*p == '"')
            fputs ("\\\"", out);
        else if (*p == '\n')
            fputs ("\\n", out);
        else
            fputc (*p, out);
    }
    fputc ('"', out);
}

static void
s_put_family (FILE *out, const char *name, const char *help)
{
    fprintf (out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

//  eod_run_anomalies_by_kind, after the total: one sample per kind of each
//  series, in the kinds' order.
static void
s_render_kinds (const s_state_t *self, FILE *out)
{
    s_put_family (out, S_KINDS_METRIC, "Validation's findings in the rows of the latest run, per kind.");
    for (size_t i = 0; i < self->nseries; i++) {
        const s_series_t *s = &self->series[i];
        for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS; k++) {
            if (!s->kind_known[k])
                continue;
            fprintf (out, "%s{", S_KINDS_METRIC);
            s_put_label (out, "market", s->market, true);
            s_put_label (out, "mode", s->mode, false);
            s_put_label (out, "kind", s_kind_names[k], false);
            fprintf (out, "} %.0f\n", s->kinds[k]);
        }
    }
}

//  The whole file: one family after another (the format wants a family's
//  samples together), series sorted by market and mode.
static void
s_render (s_state_t *self, FILE *out)
{
    qsort (self->series, self->nseries, sizeof self->series[0], s_cmp_series);
    qsort (self->success, self->nsuccess, sizeof self->success[0], s_cmp_success);
    for (int f = 0; f < S_F_COUNT; f++) {
        s_put_family (out, s_figures[f].name, s_figures[f].help);
        for (size_t i = 0; i < self->nseries; i++) {
            const s_series_t *s = &self->series[i];
            if (!s->known[f])
                continue;
            fprintf (out, "%s{", s_figures[f].name);
            s_put_label (out, "market", s->market, true);
            s_put_label (out, "mode", s->mode, false);
            if (s_figures[f].integer)
                fprintf (out, "} %.0f\n", s->value[f]);
            else
                fprintf (out, "} %.3f\n", s->value[f]);
        }
        if (f == S_F_ANOMALIES)
            s_render_kinds (self, out);
    }
    s_put_family (out, S_STATUS_METRIC, "Status of the latest run: 1 for its status, 0 for the others.");
    for (size_t i = 0; i < self->nseries; i++) {
        const s_series_t *s = &self->series[i];
        if (s->status < 0)
            continue;
        for (int k = 0; k < EOD_METRICS_STATUS_COUNT; k++) {
            fprintf (out, "%s{", S_STATUS_METRIC);
            s_put_label (out, "market", s->market, true);
            s_put_label (out, "mode", s->mode, false);
            s_put_label (out, "status", s_status_names[k], false);
            fprintf (out, "} %d\n", k == s->status ? 1 : 0);
        }
    }
    s_put_family (out, S_SUCCESS_METRIC, "Newest session a daily run ended ok or partial for, 00:00 UTC, unix time.");
    for (size_t i = 0; i < self->nsuccess; i++) {
        fprintf (out, "%s{", S_SUCCESS_METRIC);
        s_put_label (out, "market", self->success[i].market, true);
        fprintf (out, "} %.0f\n", self->success[i].session_ts);
    }
}

static int
s_check_run (const eod_metrics_run_t *run, const char *mode, char *err, size_t errlen)
{
    if (!run->market || !*run->market || strlen (run->market) >= S_LABEL_MAX)
        eod_set_error (err, errlen, "the run's market is missing or longer than %d bytes", S_LABEL_MAX - 1);
    else if (!*mode || strlen (mode) >= S_LABEL_MAX)
        eod_set_error (err, errlen, "the run's mode is empty or longer than %d bytes", S_LABEL_MAX - 1);
    else if (!eod_date_valid (run->session.y, run->session.m, run->session.d))
        eod_set_error (err, errlen, "the run's session %04d-%02d-%02d is not a date", run->session.y, run->session.m,
                       run->session.d);
    else if ((int) run->status < 0 || run->status >= EOD_METRICS_STATUS_COUNT)
        eod_set_error (err, errlen, "the run's status %d is out of range", (int) run->status);
    else if (!isfinite (run->duration_s))
        eod_set_error (err, errlen, "the run's duration is not a number");
    else
        return 0;
    return -1;
}

int
eod_metrics_record (const char *path, const eod_metrics_run_t *run, char *err, size_t errlen)
{
    if (!path || !*path || !run) {
        eod_set_error (err, errlen, "no metrics path or run");
        return -1;
    }
    const char *mode = run->mode ? run->mode : S_DEFAULT_MODE;
    if (s_check_run (run, mode, err, errlen))
        return -1;
    int rc = -1;
    int dirfd = -1;
    char *text = NULL;
    size_t len = 0;
    FILE *out = NULL;
    s_state_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_set_error (err, errlen, "%s: out of memory", path);
        goto out;
    }
    self->path = path;
    char dir[4096];
    if (snprintf (dir, sizeof dir, "%s", path) >= (int) sizeof dir) {
        eod_set_error (err, errlen, "%s: %s", path, strerror (ENAMETOOLONG));
        goto out;
    }
    char *slash = strrchr (dir, '/');
    if (!slash)
        snprintf (dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    if (eod_mkdirs (dir, S_DIR_MODE)) {
        eod_set_error (err, errlen, "%s: cannot create the directory: %s", dir, strerror (errno));
        goto out;
    }
    //  Two pipelines (kr and us) may end at once: the read-change-write of
    //  the file is done under a lock on its directory, so neither loses the
    //  other's run.
    dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0 || flock (dirfd, LOCK_EX)) {
        eod_set_error (err, errlen, "%s: cannot lock the directory: %s", dir, strerror (errno));
        goto out;
    }
    if (s_load (self, err, errlen))
        goto out;

    s_series_t *s = s_series_get (self, run->market, mode);
    if (!s) {
        eod_set_error (err, errlen, "%s: more than %d market/mode series", path, S_SERIES_MAX);
        goto out;
    }
    const double figures[S_F_COUNT] = {[S_F_ROWS] = (double) run->rows,
                                       [S_F_TASKS] = (double) run->tasks,
                                       [S_F_FAILED_CODES] = (double) run->failed_codes,
                                       [S_F_REQUESTS] = (double) run->requests,
                                       [S_F_REJECTIONS] = (double) run->rejections,
                                       [S_F_RETRIES] = (double) run->retries,
                                       [S_F_UNPUBLISHED] = (double) run->unpublished_codes,
                                       [S_F_WITHOUT_SNAPSHOT] = (double) run->rows_without_snapshot,
                                       [S_F_UNIVERSE_ENTERED] = (double) run->universe_entered,
                                       [S_F_UNIVERSE_LEFT] = (double) run->universe_left,
                                       [S_F_ANOMALIES] = (double) run->anomalies,
                                       [S_F_XCHECK_CHECKED] = (double) run->xcheck_checked,
                                       [S_F_XCHECK_DISAGREED] = (double) run->xcheck_disagreed,
                                       [S_F_XCHECK_NOT_CHECKED] = (double) run->xcheck_not_checked,
                                       [S_F_DURATION] = run->duration_s,
                                       [S_F_ENDED] = (double) run->ended_at,
                                       [S_F_SESSION] = (double) eod_date_to_days (run->session) * EOD_SECONDS_PER_DAY};
    for (int f = 0; f < S_F_COUNT; f++) {
        s->value[f] = figures[f];
        s->known[f] = true;
    }
    for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS; k++) {
        s->kinds[k] = (double) run->anomalies_by_kind[k];
        s->kind_known[k] = true;
    }
    s->status = (int) run->status;
    //  Only a daily run says the market's data is current; the newest session
    //  wins, so a re-run of an older day does not make the data look stale.
    if (strcmp (mode, S_DEFAULT_MODE) == 0 && (run->status == EOD_METRICS_OK || run->status == EOD_METRICS_PARTIAL)) {
        bool created;
        s_success_t *last = s_success_get (self, run->market, &created);
        if (last && (created || figures[S_F_SESSION] > last->session_ts))
            last->session_ts = figures[S_F_SESSION];
    }
    if (self->dropped)
        eod_log_warn ("%s: more than %d market/mode series: %ld dropped", path, S_SERIES_MAX, self->dropped);

    out = open_memstream (&text, &len);
    if (!out) {
        eod_set_error (err, errlen, "%s: %s", path, strerror (errno));
        goto out;
    }
    s_render (self, out);
    if (fclose (out)) {
        out = NULL;
        eod_set_error (err, errlen, "%s: %s", path, strerror (errno));
        goto out;
    }
    out = NULL;
    if (eod_write_file_atomic (path, text, len, S_FILE_MODE)) {
        eod_set_error (err, errlen, "%s: %s", path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    if (out)
        fclose (out);
    free (text);
    if (dirfd >= 0)
        close (dirfd);   //  releases the lock
    free (self);
    return rc;
}
