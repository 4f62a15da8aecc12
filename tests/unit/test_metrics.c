/*  test_metrics — the node_exporter textfile of run metrics: the exact lines
    of a KR run; another market's run keeping KR's lines; closed, failed,
    incomplete, backfill and older runs never advancing the last success
    session; a
    garbled previous file replaced with a warning naming PATH:LINE; no temp
    file left behind; label values escaped and read back; every sample under
    a # TYPE line; the anomalies per kind, every kind with 0 when none,
    under one HELP/TYPE; bad runs and unwritable paths refused without a crash. */
#include "eod_log.h"
#include "eod_metrics.h"
#include "eod_test.h"
#include "eod_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SEP_02 1725235200     //  2024-09-02T00:00:00Z
#define S_AUG_30 1724976000     //  2024-08-30T00:00:00Z
#define S_KR_ENDED 1725269400   //  2024-09-02T09:30:00Z
#define S_READ_MAX (1 << 20)

static char s_dir[256];
static char s_path[320];

static char *
s_read (const char *path)
{
    size_t len;
    return eod_read_file (path, S_READ_MAX, &len);
}

//  True when text holds line as a whole line.
static bool
s_has_line (const char *text, const char *line)
{
    size_t n = strlen (line);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr (p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen (p);
        if (len == n && memcmp (p, line, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

static int
s_count_lines (const char *text, const char *prefix)
{
    int count = 0;
    size_t n = strlen (prefix);
    for (const char *p = text; p && *p;) {
        if (strncmp (p, prefix, n) == 0)
            count++;
        const char *nl = strchr (p, '\n');
        p = nl ? nl + 1 : NULL;
    }
    return count;
}

//  The exposition format as a scraper reads it: every sample's metric has a
//  # TYPE line before it, families are not split, label values are quoted
//  with only \\ \" \n escapes, the value is a number. Returns the number of
//  samples, or -1 at the first violation (printed).
static int
s_check_format (const char *text)
{
    char typed[32][128];
    int ntyped = 0, samples = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr (p, '\n');
        if (!nl) {
            fprintf (stderr, "format: last line has no newline\n");
            return -1;
        }
        char line[1024];
        size_t len = (size_t) (nl - p);
        if (len >= sizeof line)
            return -1;
        memcpy (line, p, len);
        line[len] = 0;
        p = nl + 1;
        if (strncmp (line, "# TYPE ", 7) == 0) {
            char name[128], type[32];
            if (sscanf (line + 7, "%127s %31s", name, type) != 2 || strcmp (type, "gauge") != 0 || ntyped == 32)
                return -1;
            for (int i = 0; i < ntyped; i++)
                if (strcmp (typed[i], name) == 0) {
                    fprintf (stderr, "format: %s typed twice\n", name);
                    return -1;
                }
            memcpy (typed[ntyped++], name, sizeof name);
            continue;
        }
        if (line[0] == '#')
            continue;
        size_t n = strcspn (line, "{ ");
        char name[128];
        if (n == 0 || n >= sizeof name)
            return -1;
        memcpy (name, line, n);
        name[n] = 0;
        if (ntyped == 0 || strcmp (typed[ntyped - 1], name) != 0) {
            fprintf (stderr, "format: %s not under its # TYPE line: %s\n", name, line);
            return -1;
        }
        const char *q = line + n;
        if (*q == '{') {
            q++;
            while (*q != '}') {
                while ((*q >= 'a' && *q <= 'z') || *q == '_')
                    q++;
                if (*q++ != '=' || *q++ != '"')
                    return -1;
                while (*q && *q != '"') {
                    if (*q == '\\') {
                        q++;
                        if (*q != '\\' && *q != '"' && *q != 'n') {
                            fprintf (stderr, "format: bad escape in %s\n", line);
                            return -1;
                        }
                    }
                    q++;
                }
                if (*q++ != '"')
                    return -1;
                if (*q == ',')
                    q++;
                else if (*q != '}')
                    return -1;
            }
            q++;
        }
        if (*q++ != ' ')
            return -1;
        char *end;
        strtod (q, &end);
        if (end == q || *end) {
            fprintf (stderr, "format: bad value in %s\n", line);
            return -1;
        }
        samples++;
    }
    return samples;
}

static eod_metrics_run_t
s_run (const char *market, const char *mode, const char *session, eod_metrics_status_t status)
{
    eod_metrics_run_t run = {.market = market, .mode = mode, .status = status, .ended_at = S_KR_ENDED};
    eod_date_parse (session, &run.session);
    return run;
}

//  Runs eod_metrics_record with stderr sent to a file; the log is returned
//  (caller frees) and the record's result put in *rc.
static char *
s_record_logged (const char *path, const eod_metrics_run_t *run, int *rc)
{
    char log[400], err[256] = "";
    snprintf (log, sizeof log, "%s/stderr.txt", s_dir);
    fflush (stderr);
    int saved = dup (2);
    int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2 (fd, 2);
    close (fd);
    *rc = eod_metrics_record (path, run, err, sizeof err);
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    char *text = s_read (log);
    unlink (log);
    return text;
}

static int
s_count_tmp_files (const char *dir)
{
    int n = 0;
    DIR *d = opendir (dir);
    for (struct dirent *e = d ? readdir (d) : NULL; e; e = readdir (d))
        if (strstr (e->d_name, ".tmp"))
            n++;
    if (d)
        closedir (d);
    return n;
}

static void
s_write (const char *path, const char *text)
{
    FILE *f = fopen (path, "w");
    if (f) {
        fputs (text, f);
        fclose (f);
    }
}

static const char *const s_kr_ok_text =
    "# HELP eod_run_rows CSV rows written by the latest run.\n"
    "# TYPE eod_run_rows gauge\n"
    "eod_run_rows{market=\"kr\",mode=\"daily\"} 2791\n"
    "# HELP eod_run_tasks Tasks (codes) listed by the latest run.\n"
    "# TYPE eod_run_tasks gauge\n"
    "eod_run_tasks{market=\"kr\",mode=\"daily\"} 2800\n"
    "# HELP eod_run_failed_codes Codes still missing after retries in the latest run.\n"
    "# TYPE eod_run_failed_codes gauge\n"
    "eod_run_failed_codes{market=\"kr\",mode=\"daily\"} 9\n"
    "# HELP eod_run_requests KIS API requests of the latest run.\n"
    "# TYPE eod_run_requests gauge\n"
    "eod_run_requests{market=\"kr\",mode=\"daily\"} 2850\n"
    "# HELP eod_run_rejections Requests of the latest run refused by the rate limit (EGW00201).\n"
    "# TYPE eod_run_rejections gauge\n"
    "eod_run_rejections{market=\"kr\",mode=\"daily\"} 31\n"
    "# HELP eod_run_retries Requests of the latest run that were retried.\n"
    "# TYPE eod_run_retries gauge\n"
    "eod_run_retries{market=\"kr\",mode=\"daily\"} 50\n"
    "# HELP eod_run_unpublished_codes Codes of the latest run that answered without a row for their session.\n"
    "# TYPE eod_run_unpublished_codes gauge\n"
    "eod_run_unpublished_codes{market=\"kr\",mode=\"daily\"} 3\n"
    "# HELP eod_run_rows_without_snapshot Rows of the latest run written without the snapshot (quote, financial) "
    "columns.\n"
    "# TYPE eod_run_rows_without_snapshot gauge\n"
    "eod_run_rows_without_snapshot{market=\"kr\",mode=\"daily\"} 7\n"
    "# HELP eod_run_universe_entered Codes that entered an index or filter since the previous universe snapshot.\n"
    "# TYPE eod_run_universe_entered gauge\n"
    "eod_run_universe_entered{market=\"kr\",mode=\"daily\"} 4\n"
    "# HELP eod_run_universe_left Codes that left an index or filter since the previous universe snapshot.\n"
    "# TYPE eod_run_universe_left gauge\n"
    "eod_run_universe_left{market=\"kr\",mode=\"daily\"} 1\n"
    "# HELP eod_run_anomalies Validation's findings in the rows of the latest run (anomalies/ sidecars).\n"
    "# TYPE eod_run_anomalies gauge\n"
    "eod_run_anomalies{market=\"kr\",mode=\"daily\"} 4\n"
    "# HELP eod_run_anomalies_by_kind Validation's findings in the rows of the latest run, per kind.\n"
    "# TYPE eod_run_anomalies_by_kind gauge\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"price\"} 1\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"range\"} 0\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"volume\"} 0\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"move\"} 2\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"wrong_date\"} 1\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"conflict\"} 0\n"
    "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"xcheck\"} 0\n"
    "# HELP eod_run_xcheck_checked Codes of the latest run whose row was compared with the multi-stock quote.\n"
    "# TYPE eod_run_xcheck_checked gauge\n"
    "eod_run_xcheck_checked{market=\"kr\",mode=\"daily\"} 2760\n"
    "# HELP eod_run_xcheck_disagreed Codes of the latest run whose row and quote differ beyond the tolerance.\n"
    "# TYPE eod_run_xcheck_disagreed gauge\n"
    "eod_run_xcheck_disagreed{market=\"kr\",mode=\"daily\"} 2\n"
    "# HELP eod_run_xcheck_not_checked Codes of the latest run not cross-checked (window, a failed batch, no "
    "quote).\n"
    "# TYPE eod_run_xcheck_not_checked gauge\n"
    "eod_run_xcheck_not_checked{market=\"kr\",mode=\"daily\"} 31\n"
    "# HELP eod_run_duration_seconds Duration of the latest run.\n"
    "# TYPE eod_run_duration_seconds gauge\n"
    "eod_run_duration_seconds{market=\"kr\",mode=\"daily\"} 147.250\n"
    "# HELP eod_run_timestamp_seconds When the latest run ended, unix time.\n"
    "# TYPE eod_run_timestamp_seconds gauge\n"
    "eod_run_timestamp_seconds{market=\"kr\",mode=\"daily\"} 1725269400\n"
    "# HELP eod_last_session_timestamp_seconds Session date of the latest run (a backfill's last date), "
    "00:00 UTC, unix time.\n"
    "# TYPE eod_last_session_timestamp_seconds gauge\n"
    "eod_last_session_timestamp_seconds{market=\"kr\",mode=\"daily\"} 1725235200\n"
    "# HELP eod_run_status Status of the latest run: 1 for its status, 0 for the others.\n"
    "# TYPE eod_run_status gauge\n"
    "eod_run_status{market=\"kr\",mode=\"daily\",status=\"ok\"} 1\n"
    "eod_run_status{market=\"kr\",mode=\"daily\",status=\"partial\"} 0\n"
    "eod_run_status{market=\"kr\",mode=\"daily\",status=\"failed\"} 0\n"
    "eod_run_status{market=\"kr\",mode=\"daily\",status=\"closed\"} 0\n"
    "eod_run_status{market=\"kr\",mode=\"daily\",status=\"incomplete\"} 0\n"
    "# HELP eod_last_success_session_timestamp_seconds Newest session a daily run ended ok or partial for, "
    "00:00 UTC, unix time.\n"
    "# TYPE eod_last_success_session_timestamp_seconds gauge\n"
    "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725235200\n";

int
main (void)
{
    eod_log_init ("test_metrics");
    umask (022);
    snprintf (s_dir, sizeof s_dir, "/tmp/eod-test-metrics-XXXXXX");
    CHECK (mkdtemp (s_dir) != NULL);
    //  The directory is created (0755) on the first record.
    snprintf (s_path, sizeof s_path, "%s/metrics/eod.prom", s_dir);
    char metrics_dir[300], err[256];
    snprintf (metrics_dir, sizeof metrics_dir, "%s/metrics", s_dir);

    //  A KR daily run that ended ok: the exact file.
    eod_metrics_run_t kr = s_run ("kr", "daily", "2024-09-02", EOD_METRICS_OK);
    kr.rows = 2791;
    kr.tasks = 2800;
    kr.failed_codes = 9;
    kr.requests = 2850;
    kr.rejections = 31;
    kr.retries = 50;
    kr.unpublished_codes = 3;
    kr.rows_without_snapshot = 7;
    kr.universe_entered = 4;
    kr.universe_left = 1;
    kr.anomalies = 4;
    kr.anomalies_by_kind[0] = 1;   //  price
    kr.anomalies_by_kind[3] = 2;   //  move
    kr.anomalies_by_kind[4] = 1;   //  wrong_date
    kr.xcheck_checked = 2760;
    kr.xcheck_disagreed = 2;
    kr.xcheck_not_checked = 31;
    kr.duration_s = 147.25;
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    struct stat st;
    CHECK (stat (metrics_dir, &st) == 0 && (st.st_mode & 0777) == 0755);
    CHECK (stat (s_path, &st) == 0 && (st.st_mode & 0777) == 0644);
    char *text = s_read (s_path);
    CHECK_STR (text, s_kr_ok_text);
    CHECK_INT (s_check_format (text ? text : ""), 30);
    CHECK_INT (s_count_tmp_files (metrics_dir), 0);
    free (text);

    //  Recording the same run again reads the file back: nothing changes.
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK_STR (text, s_kr_ok_text);
    free (text);

    //  A closed US day: KR's lines stay, US status is closed, and no US last success appears.
    eod_metrics_run_t us = s_run ("us", NULL, "2024-09-02", EOD_METRICS_CLOSED);
    us.ended_at = S_KR_ENDED + 3600;
    CHECK_INT (eod_metrics_record (s_path, &us, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text != NULL);
    text = text ? text : strdup ("");
    for (const char *p = s_kr_ok_text; *p;) {
        const char *nl = strchr (p, '\n');
        char line[512];
        snprintf (line, sizeof line, "%.*s", (int) (nl - p), p);
        if (strncmp (line, "eod_", 4) == 0 && !s_has_line (text, line)) {
            fprintf (stderr, "KR line lost: %s\n", line);
            CHECK (false);
        }
        p = nl + 1;
    }
    CHECK (s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"closed\"} 1"));
    CHECK (s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"ok\"} 0"));
    CHECK (s_has_line (text, "eod_run_rows{market=\"us\",mode=\"daily\"} 0"));
    CHECK (s_has_line (text, "eod_run_timestamp_seconds{market=\"us\",mode=\"daily\"} 1725273000"));
    CHECK (s_has_line (text, "eod_last_session_timestamp_seconds{market=\"us\",mode=\"daily\"} 1725235200"));
    CHECK_INT (s_count_lines (text, "eod_last_success_session_timestamp_seconds{market=\"us\"}"), 0);
    //  Every kind of the US run is there, 0 when none, so an alert on one kind always has a series.
    for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS; k++) {
        char line[160];
        snprintf (line, sizeof line, "eod_run_anomalies_by_kind{market=\"us\",mode=\"daily\",kind=\"%s\"} 0",
                  eod_metrics_anomaly_kind (k));
        CHECK (s_has_line (text, line));
    }
    CHECK_INT (s_count_lines (text, "# TYPE eod_run_anomalies_by_kind "), 1);
    CHECK_INT (s_count_lines (text, "# HELP eod_run_anomalies_by_kind "), 1);
    CHECK_INT (s_count_lines (text, "eod_run_anomalies_by_kind{"), 2 * EOD_METRICS_ANOMALY_KINDS);
    CHECK_INT (s_count_lines (text, "eod_last_success_session_timestamp_seconds{"), 1);
    //  Series sorted by market: kr before us in every family.
    CHECK (strstr (text, "eod_run_rows{market=\"kr\"") < strstr (text, "eod_run_rows{market=\"us\""));
    CHECK_INT (s_check_format (text), 59);
    free (text);

    //  A partial US run counts as a success; a failed one after it does not move it.
    us = s_run ("us", "daily", "2024-08-30", EOD_METRICS_PARTIAL);
    CHECK_INT (eod_metrics_record (s_path, &us, err, sizeof err), 0);
    us = s_run ("us", "daily", "2024-09-03", EOD_METRICS_FAILED);
    CHECK_INT (eod_metrics_record (s_path, &us, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"us\"} 1724976000"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"failed\"} 1"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"partial\"} 0"));
    free (text);

    //  An incomplete run (the session not published) does not move it either.
    us = s_run ("us", "daily", "2024-09-04", EOD_METRICS_INCOMPLETE);
    us.unpublished_codes = 260;
    CHECK_INT (eod_metrics_record (s_path, &us, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"us\"} 1724976000"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"incomplete\"} 1"));
    CHECK (text && s_has_line (text, "eod_run_unpublished_codes{market=\"us\",mode=\"daily\"} 260"));
    free (text);
    us = s_run ("us", "daily", "2024-09-03", EOD_METRICS_FAILED);
    CHECK_INT (eod_metrics_record (s_path, &us, err, sizeof err), 0);

    //  A failed KR run keeps KR's last success; its figures replace the old ones.
    kr = s_run ("kr", "daily", "2024-09-03", EOD_METRICS_FAILED);
    kr.tasks = 2800;
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725235200"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"kr\",mode=\"daily\",status=\"failed\"} 1"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"kr\",mode=\"daily\",status=\"ok\"} 0"));
    CHECK (text && s_has_line (text, "eod_run_rows{market=\"kr\",mode=\"daily\"} 0"));
    CHECK (text && s_has_line (text, "eod_last_session_timestamp_seconds{market=\"kr\",mode=\"daily\"} 1725321600"));
    free (text);

    //  A backfill has its own series and never moves the last success.
    kr = s_run ("kr", "backfill", "2024-09-10", EOD_METRICS_OK);
    kr.rows = 50000;
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    //  A daily re-run of an older session does not move it back.
    kr = s_run ("kr", "daily", "2024-08-30", EOD_METRICS_OK);
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725235200"));
    CHECK (text && s_has_line (text, "eod_run_rows{market=\"kr\",mode=\"backfill\"} 50000"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"kr\",mode=\"backfill\",status=\"ok\"} 1"));
    CHECK (text && s_has_line (text, "eod_run_status{market=\"kr\",mode=\"daily\",status=\"ok\"} 1"));
    CHECK (text && s_has_line (text, "eod_last_session_timestamp_seconds{market=\"kr\",mode=\"daily\"} 1724976000"));
    CHECK_INT (s_check_format (text ? text : ""), 89);
    free (text);

    //  A ok KR daily run of a newer session advances it.
    kr = s_run ("kr", "daily", "2024-09-04", EOD_METRICS_OK);
    CHECK_INT (eod_metrics_record (s_path, &kr, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725408000"));
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"us\"} 1724976000"));
    free (text);
    CHECK_INT (s_count_tmp_files (metrics_dir), 0);

    //  Label values are escaped, read back as the same series, and stay valid.
    eod_metrics_run_t odd = s_run ("x\"y\\z\nw", "daily", "2024-09-02", EOD_METRICS_OK);
    CHECK_INT (eod_metrics_record (s_path, &odd, err, sizeof err), 0);
    CHECK_INT (eod_metrics_record (s_path, &odd, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_run_rows{market=\"x\\\"y\\\\z\\nw\",mode=\"daily\"} 0"));
    CHECK_INT (s_count_lines (text, "eod_run_rows{market=\"x"), 1);
    CHECK (text
           && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"x\\\"y\\\\z\\nw\"} 1725235200"));
    CHECK_INT (s_check_format (text ? text : ""), 119);
    free (text);
    //  Invalid UTF-8 in a label value is repaired, never written as it is.
    eod_metrics_run_t bad_utf8 = s_run ("k\xff", "daily", "2024-09-02", EOD_METRICS_CLOSED);
    CHECK_INT (eod_metrics_record (s_path, &bad_utf8, err, sizeof err), 0);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_run_rows{market=\"k?\",mode=\"daily\"} 0"));
    CHECK (text && !strchr (text, '\xff'));
    free (text);

    //  A garbled previous file: each bad line reported as PATH:LINE, the
    //  good samples kept, the file replaced, no crash.
    s_write (s_path, "# HELP eod_run_rows whatever\n"
                     "eod_run_rows{market=\"kr\" 12\n"
                     "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725408000\n"
                     "\x01\x02\xfe garbage \"\n"
                     "eod_run_status{market=\"kr\",mode=\"daily\",status=\"maybe\"} 1\n"
                     "eod_run_rows{mode=\"daily\"} 3\n"
                     "eod_run_rows{market=\"kr\",mode=\"daily\"} NaN\n"
                     "eod_run_rows{market=\"kr\",mode=\"daily\",market=\"us\"} 3\n"
                     "node_load1 0.5\n"
                     "eod_run_rows{market=\"kr\",mode=\"daily\"} 17 1725408000000\n"
                     "eod_run_rows{market=\"kr\",mode=\"daily\"} 17 trailing\n"
                     "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\"} 5\n"
                     "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"move\"} 3\n"
                     "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"gremlin\"} 9\n");
    us = s_run ("us", "daily", "2024-09-04", EOD_METRICS_OK);
    int rc = -1;
    char *log = s_record_logged (s_path, &us, &rc);
    CHECK_INT (rc, 0);
    CHECK (log != NULL);
    char where[400];
    static const int bad_lines[] = {2, 4, 5, 6, 7};
    for (size_t i = 0; log && i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
        snprintf (where, sizeof where, "%s:%d: ", s_path, bad_lines[i]);
        CHECK (strstr (log, where) != NULL);
    }
    snprintf (where, sizeof where, "%s:3: ", s_path);
    CHECK (log && !strstr (log, where));
    snprintf (where, sizeof where, "%s:9: ", s_path);   //  another exporter's sample: skipped quietly
    CHECK (log && !strstr (log, where));
    snprintf (where, sizeof where, "%s:10: ", s_path);   //  a sample with a timestamp is read
    CHECK (log && !strstr (log, where));
    snprintf (where, sizeof where, "%s:13: ", s_path);   //  a kind read back
    CHECK (log && !strstr (log, where));
    CHECK (log && strstr (log, "8 garbled line(s) in all dropped"));   //  line 12 too: a kind without its label
    free (log);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"kr\"} 1725408000"));
    CHECK (text && s_has_line (text, "eod_last_success_session_timestamp_seconds{market=\"us\"} 1725408000"));
    CHECK (text && s_has_line (text, "eod_run_rows{market=\"kr\",mode=\"daily\"} 17"));
    CHECK (text && !strstr (text, "garbage"));
    CHECK (text && !strstr (text, "node_load1"));
    CHECK (text && !strstr (text, "maybe"));
    //  A kind read back is written again, alone for its series (it is not this run's);
    //  a kind this version does not know is dropped.
    CHECK (text && s_has_line (text, "eod_run_anomalies_by_kind{market=\"kr\",mode=\"daily\",kind=\"move\"} 3"));
    CHECK_INT (s_count_lines (text, "eod_run_anomalies_by_kind{market=\"kr\""), 1);
    CHECK (text && !strstr (text, "gremlin"));
    CHECK_INT (s_check_format (text ? text : ""), 33);
    free (text);
    //  Pure binary, with NUL bytes.
    int fd = open (s_path, O_WRONLY | O_TRUNC);
    static const char binary[] = {'\0', '\x7f', 'E', 'L', 'F', '\n', '\0', '\n'};
    CHECK (fd >= 0 && write (fd, binary, sizeof binary) == (ssize_t) sizeof binary);
    if (fd >= 0)
        close (fd);
    log = s_record_logged (s_path, &us, &rc);
    CHECK_INT (rc, 0);
    snprintf (where, sizeof where, "%s:1: a NUL byte", s_path);
    CHECK (log && strstr (log, where));
    free (log);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"ok\"} 1"));
    CHECK_INT (s_count_lines (text, "eod_run_rows{"), 1);
    free (text);
    CHECK_INT (s_count_tmp_files (metrics_dir), 0);

    //  Refused: a run without a market, an invalid session or status; a path
    //  whose directory is a file. The previous file stays.
    eod_metrics_run_t none = s_run (NULL, "daily", "2024-09-02", EOD_METRICS_OK);
    CHECK_INT (eod_metrics_record (s_path, &none, err, sizeof err), -1);
    CHECK (strstr (err, "market") != NULL);
    eod_metrics_run_t nodate = s_run ("kr", "daily", "2024-02-30", EOD_METRICS_OK);
    CHECK_INT (eod_metrics_record (s_path, &nodate, err, sizeof err), -1);
    eod_metrics_run_t nostatus = s_run ("kr", "daily", "2024-09-02", EOD_METRICS_STATUS_COUNT);
    CHECK_INT (eod_metrics_record (s_path, &nostatus, err, sizeof err), -1);
    CHECK_STR (eod_metrics_status_name (EOD_METRICS_CLOSED), "closed");
    CHECK_STR (eod_metrics_status_name (EOD_METRICS_STATUS_COUNT), "?");
    CHECK_STR (eod_metrics_anomaly_kind (4), "wrong_date");
    CHECK (eod_metrics_anomaly_kind (EOD_METRICS_ANOMALY_KINDS) == NULL);
    CHECK (eod_metrics_anomaly_kind (-1) == NULL);
    char under_file[400];
    snprintf (under_file, sizeof under_file, "%s/eod.prom/x.prom", metrics_dir);
    CHECK_INT (eod_metrics_record (under_file, &us, err, sizeof err), -1);
    CHECK (strstr (err, metrics_dir) != NULL);
    text = s_read (s_path);
    CHECK (text && s_has_line (text, "eod_run_status{market=\"us\",mode=\"daily\",status=\"ok\"} 1"));
    free (text);

    //  Clean up.
    unlink (s_path);
    rmdir (metrics_dir);
    CHECK_INT (rmdir (s_dir), 0);
    return EOD_TEST_DONE ();
}
