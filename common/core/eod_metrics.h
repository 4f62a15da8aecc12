/*  eod_metrics — Prometheus metrics of the pipeline's runs, as a file in the
    node_exporter textfile format.

    eod-notifier, the last stage, records every finished run here: the file
    (config metrics:textfile, e.g. state/metrics/eod.prom) is rewritten whole
    after each run, atomically (PATH.tmp.PID in the same directory, fsync,
    rename), and node_exporter's textfile collector serves it. It holds, per
    market and mode, the latest run's figures:

        eod_run_rows{market="kr",mode="daily"} 1234
        eod_run_tasks, eod_run_failed_codes, eod_run_requests,
        eod_run_rejections (EGW00201), eod_run_retries,
        eod_run_unpublished_codes (codes without a row for the session),
        eod_run_rows_without_snapshot (rows written without the quote and
        financial columns: not the session those describe),
        eod_run_anomalies (validation's findings in the rows written, as the
        anomalies/ sidecars list them),
        eod_run_anomalies_by_kind{market,mode,kind="price|range|volume|move|
        wrong_date|conflict|xcheck"} (the same findings per kind, every kind written,
        0 when none, so an alert can select one kind; the kinds add up to
        eod_run_anomalies, which is a family of its own so that a sum over a
        family never counts a finding twice),
        eod_run_xcheck_checked, eod_run_xcheck_disagreed,
        eod_run_xcheck_not_checked (the cross-check of a daily KR run with
        the multi-stock quote: codes compared, codes that differ beyond the
        tolerance, codes not compared; 0 when the run had none),
        eod_run_duration_seconds, eod_run_timestamp_seconds (when it ended),
        eod_last_session_timestamp_seconds (its session, 00:00 UTC),
        eod_run_status{market,mode,status="ok|partial|failed|closed|incomplete"}
        1 for the latest status, 0 for the others (an alert selects on it),

    and per market eod_last_success_session_timestamp_seconds{market="kr"}:
    the newest session a daily run ended ok or partial for. A closed or failed
    run, a backfill, or a re-run of an older session never moves it, so
    `time () - eod_last_success_session_timestamp_seconds > 3 * 86400` is the
    staleness alert.

    Backfill runs carry mode="backfill" and never touch the daily series.

    The state lives in the file itself: each record first reads the previous
    file's eod_* samples (other markets' and modes' series, the last success
    sessions) and writes them back with the new run's. A missing previous
    file is the first run; a garbled line is logged as PATH:LINE and dropped
    (the file is replaced with what parsed plus the new run), never a crash.
    Writers of the same file are serialised with an flock on its directory. */
#ifndef EOD_METRICS_H
#define EOD_METRICS_H

#include <stddef.h>
#include <time.h>

#include "eod_date.h"

typedef enum {
    EOD_METRICS_OK,           //  every task settled with data or a known "no data"
    EOD_METRICS_PARTIAL,      //  ended, with codes missing after retries
    EOD_METRICS_FAILED,       //  a stage failed the run
    EOD_METRICS_CLOSED,       //  the market had no session: nothing fetched
    EOD_METRICS_INCOMPLETE,   //  the session was not (fully) published: run again later
    EOD_METRICS_STATUS_COUNT
} eod_metrics_status_t;

//  The kinds of validation's findings, in the order of the writer's rules
//  (stages/writer/validate.h): the label values of eod_run_anomalies_by_kind
//  and the suffixes of the END's "anomalies_KIND" figures.
#define EOD_METRICS_ANOMALY_KINDS 7

typedef struct {
    const char *market;   //  "kr" / "us" (any text: it is escaped as a label value)
    const char *mode;     //  "daily" / "backfill"; NULL: "daily"
    eod_date_t session;   //  the run's session (a backfill's last date)
    eod_metrics_status_t status;
    long rows;                    //  CSV rows written
    long tasks;                   //  tasks listed
    long failed_codes;            //  codes still missing after retries
    long requests;                //  API requests
    long rejections;              //  requests refused by the rate limit (EGW00201)
    long retries;                 //  requests retried
    long unpublished_codes;       //  codes that answered without a row for the session
    long rows_without_snapshot;   //  rows written without the snapshot columns (quote, financial figures)
    long universe_entered;        //  memberships (code in an index or filter) new since the previous snapshot
    long universe_left;           //  memberships gone since the previous snapshot
    long anomalies;               //  validation's findings in the rows written (the anomalies/ sidecars)
    long anomalies_by_kind[EOD_METRICS_ANOMALY_KINDS];   //  the same, per kind (eod_metrics_anomaly_kind)
    long xcheck_checked;                                 //  codes compared with the multi-stock quote
    long xcheck_disagreed;                               //  codes whose row and quote differ beyond the tolerance
    long xcheck_not_checked;                             //  codes not cross-checked (window, batch failed, no quote)
    double duration_s;                                   //  from the coordinator's start to the run's end
    time_t ended_at;                                     //  when the run ended (eod_now ())
} eod_metrics_run_t;

//  "ok", "partial", "failed", "closed"; "?" for a value out of range.
const char *eod_metrics_status_name (eod_metrics_status_t status);

//  A kind's name ("price", "range", "volume", "move", "wrong_date",
//  "conflict", "xcheck"); NULL out of range.
const char *eod_metrics_anomaly_kind (int kind);

//  Records a finished run in the metrics file at path: reads the previous file
//  (garbled lines logged as PATH:LINE, warn, and dropped), replaces the series
//  of run->market and run->mode, advances the market's last success session
//  when a daily run ended ok or partial for a newer session, and writes the
//  whole file atomically (mode 0644; the directory is created 0755 when
//  missing). Returns 0, or -1 with the reason in err (the path, and the errno
//  text) when the run is invalid (no market, an invalid session or status) or
//  the file cannot be written; the previous file is then left as it was.
int eod_metrics_record (const char *path, const eod_metrics_run_t *run, char *err, size_t errlen);

#endif
