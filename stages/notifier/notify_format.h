/*  notify_format — the Slack message bodies eod-notifier posts.

    The notifier receives EVENTs from every stage and the coordinator's run
    summary; these functions turn them into chat.postMessage JSON bodies
    (channel, a plain "text" fallback a person reads in a notification, and
    Block Kit "blocks" with the figures), which eod_slack_post then sends.
    Pure functions: no I/O, so they are tested offline. Outside text (reasons,
    names, codes) is made valid UTF-8, escaped for Slack's mrkdwn (& < >) and
    cut to Slack's block limits, so a bad byte never costs a message. */
#ifndef NOTIFY_FORMAT_H
#define NOTIFY_FORMAT_H

#include <stddef.h>

#define NOTIFY_MISSING_CAP_DEFAULT 20   //  missing codes listed before "… and N more"

typedef struct {
    const char *market;    //  "kr" / "us"
    const char *session;   //  "2024-09-02" or "2024-08-01..2024-08-30"
    const char *mode;      //  "daily" / "backfill"
    const char *status;    //  "complete" / "partial" / "incomplete" / "failed"
    long rows, tasks_total, tasks_ok, tasks_nodata, tasks_unknown, tasks_failed;
    const char *const *missing;   //  "CODE (reason)" strings, borrowed
    size_t nmissing;
    size_t missing_cap;   //  list at most this many, then "… and N more"; 0: NOTIFY_MISSING_CAP_DEFAULT
    double duration_s, requests_per_s;
    long requests, rate_limited, retries;
    long resumed;                   //  tasks already written before a restart (ledger), 0 when none
    const char *const *incidents;   //  "stage: what happened" (a stage restarted, a fetcher lost), borrowed
    size_t nincidents;
    long incidents_more;        //  incidents not listed
    const char *object_uri;     //  s3://bucket/key or NULL
    const char *run_id;         //  or NULL
    const char *const *notes;   //  lines about the data (run_notes.h), borrowed
    size_t nnotes;
} notify_summary_t;

//  Every function below returns a malloc'd JSON object text the caller frees
//  with free (), or NULL when memory runs out. channel NULL or "" omits the
//  "channel" key (incoming webhooks fix the channel themselves). NULL string
//  arguments other than channel are shown as "?" (or left out where optional).

//  The run summary: header with a status marker, a section of figures, the
//  run id and object URI, the notes, and the missing codes (capped). Text fallback:
//  "eod kr 2024-09-02: complete, 1234 rows, 0 missing, 63.2 s, 19.0 req/s"
//  plus a second line with the task counts.
char *notify_format_summary (const notify_summary_t *s, const char *channel);

//  The market was closed on date (reason, e.g. a holiday name, may be NULL):
//  nothing was fetched.
char *notify_format_closed (const char *market, const char *date, const char *reason, const char *channel);

//  A stage failed for reason; market and date may be NULL when not known.
char *notify_format_failure (const char *stage, const char *reason, const char *market, const char *date,
                             const char *channel);

//  A free-form EVENT: level ("error", "warn", "info", "debug") from stage.
char *notify_format_text (const char *level, const char *stage, const char *text, const char *channel);

#endif
