/*  eod-calendar — the trading-day gate.

    Queries for people and scripts (--closed, --sessions, --is-open,
    --next-session, --latest-closed: see cal_cli.h), and the gate of a run:
    with --once it decides the session (--date, else [pipeline] date, else the
    latest closed session of the market) and either sends the lister a JOB or,
    on a closed day, tells the notifier and passes END down the pipeline.
    Without --once it is the service that starts runs on the [schedule] of
    the config (schedule.h): each market's weekday once, across restarts. */
#include <string.h>

#include "cal_cli.h"
#include "gate_dates.h"
#include "schedule.h"
#include "eod_cal.h"
#include "eod_date.h"
#include "eod_log.h"
#include "eod_stage_main.h"

static int
s_count_session (eod_date_t date, int open_min, int close_min, void *arg)
{
    return 0;
}

#define S_SERVICE_TIMEOUT_MS 30000   //  the coordinator asks KIS within its budget

//  Asks the coordinator (the one process that talks to KIS with a token) for
//  chk-holiday around date and adds the answers to the calendar. Without an
//  answer the shipped table decides, and a date outside it stays unknown.
static void
s_ask_holidays (eod_stage_t *stage, eod_cal_t *cal, eod_date_t date)
{
    zsock_t *req = eod_stage_socket (stage, ZMQ_REQ, "endpoints:service", false);
    if (!req)
        return;
    zsock_set_linger (req, 0);
    char day[11];
    eod_date_format (date, day, sizeof day);
    eod_msg_t *ask = eod_msg_new (EOD_MSG_HOLIDAY_ASK);
    eod_msg_set (&ask->market, "kr");
    eod_msg_set (&ask->date_from, day);
    eod_msg_set (&ask->date_to, day);
    eod_stage_send (stage, req, NULL, ask);
    eod_msg_destroy (&ask);
    zpoller_t *poller = zpoller_new (req, NULL);
    if (zpoller_wait (poller, S_SERVICE_TIMEOUT_MS)) {
        eod_msg_t *answer = eod_stage_recv (stage, req, NULL);
        if (answer && answer->type == EOD_MSG_HOLIDAYS && strcmp (answer->status, "ok") == 0) {
            for (size_t i = 0; i < answer->days.count; i++) {
                eod_date_t d;
                if (eod_date_parse (answer->days.items[i].key, &d) == 0)
                    eod_cal_add_kr_status (cal, d, strcmp (answer->days.items[i].value, "Y") == 0);
            }
            eod_log_info ("chk-holiday: %zu day(s) from KIS", answer->days.count);
        }
        else
            eod_log_warn ("chk-holiday: %s: the calendar table decides",
                          answer && answer->error ? answer->error : "bad answer");
        eod_msg_destroy (&answer);
    }
    else
        eod_log_warn ("chk-holiday: no answer from the coordinator in %d s: the calendar table decides",
                      S_SERVICE_TIMEOUT_MS / 1000);
    zpoller_destroy (&poller);
    eod_stage_socket_destroy (stage, &req);
}

static int
s_gate (eod_stage_t *stage, eod_cal_t *cal, const eod_main_opts_t *opts)
{
    const char *mname = opts->market ? opts->market : "kr";
    eod_market_t market;
    if (eod_market_parse (mname, &market)) {
        eod_log_error ("--market %s: expected kr or us", mname);
        return 2;
    }
    //  Options of a run: --codes FILE, --close (the fast close),
    //  --no-cross-check (JOB meta cross_check = off).
    bool close = false, no_xcheck = false;
    const char *codes = NULL;
    for (int i = 0; i < opts->nrest; i++) {
        if (strcmp (opts->rest[i], "--close") == 0)
            close = true;
        else if (strcmp (opts->rest[i], "--no-cross-check") == 0)
            no_xcheck = true;
        else if (strcmp (opts->rest[i], "--codes") == 0 && i + 1 < opts->nrest)
            codes = opts->rest[++i];
        else
            eod_log_warn ("argument '%.64s' ignored", opts->rest[i]);
    }
    const char *mode = close ? "close" : opts->from ? "backfill" : "daily";
    //  A usage error (a malformed date, a session that has not closed) ends
    //  the run at once: END says why, to the run's summary line and Slack.
    char refused[512] = "";
    eod_date_t from = {0, 0, 0}, to = {0, 0, 0};
    bool dated = false;
    const char *pinned = opts->date;
    if (!pinned && market == EOD_MARKET_US && *eod_config_str (stage->config, "us:date"))
        pinned = eod_config_str (stage->config, "us:date");
    if (!pinned)
        pinned = eod_config_str (stage->config, "pipeline:date");
    if (close && (opts->from || opts->to))
        snprintf (refused, sizeof refused, "the fast close is of one session: --date D, not --from and --to");
    else if (opts->from || opts->to) {
        if (!opts->from || !opts->to || eod_date_parse (opts->from, &from) || eod_date_parse (opts->to, &to)
            || eod_date_compare (from, to) > 0)
            snprintf (refused, sizeof refused, "--from and --to need two YYYY-MM-DD dates, FROM <= TO");
        else
            dated = true;
    }
    else if (*pinned) {
        if (eod_date_parse (pinned, &from))
            snprintf (refused, sizeof refused, "date '%.64s' is not a valid YYYY-MM-DD date", pinned);
        else
            dated = true;
        to = from;
    }
    else if (eod_cal_latest_closed_session (cal, market, eod_now (), &from)) {
        eod_log_error ("%s: the latest closed session is unknown (the calendar table does not reach today)", mname);
        return 3;
    }
    else {
        to = from;
        dated = true;
    }
    //  Only sessions that have closed: a backfill ends at the latest one, a
    //  daily run of a later one is refused (below, once KIS has said whether
    //  today is a session at all).
    time_t now = eod_now ();
    if (dated && opts->from && gate_backfill_range (cal, market, from, &to, now, refused, sizeof refused) > 0) {
        eod_log_info ("%s", refused);
        refused[0] = '\0';
    }
    char dfrom[11] = "", dto[11] = "";
    if (dated) {
        eod_date_format (from, dfrom, sizeof dfrom);
        eod_date_format (to, dto, sizeof dto);
    }

    zsock_t *lister = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:lister", false);
    if (!lister)
        return 2;
    eod_msg_t *end = eod_msg_new (EOD_MSG_END);
    eod_msg_set (&end->stage, "calendar");
    eod_msg_set (&end->market, mname);
    eod_msg_set (&end->mode, mode);
    eod_msg_set (&end->date_from, dated ? dfrom : NULL);
    eod_msg_set (&end->date_to, dated ? dto : NULL);
    int rc = 0;
    int status = EOD_CAL_OPEN;
    int sessions = 1;
    if (strcmp (mode, "backfill") == 0 && !*refused) {
        sessions = eod_cal_sessions (cal, market, from, to, s_count_session, NULL);
        if (sessions < 0)
            status = EOD_CAL_UNKNOWN;
        else if (sessions == 0)
            status = EOD_CAL_CLOSED;
        else
            eod_log_info ("%s backfill %s..%s: %d session(s)", mname, dfrom, dto, sessions);
    }
    if (market == EOD_MARKET_KR && strcmp (mode, "backfill") != 0 && !*refused
        && eod_config_bool (stage->config, "kis:holiday_check"))
        s_ask_holidays (stage, cal, from);
    if (strcmp (mode, "daily") == 0 && !*refused) {
        status = eod_cal_status (cal, market, from);
        gate_daily_ok (cal, market, from, now, refused, sizeof refused);
    }
    else if (close && !*refused && (status = eod_cal_status (cal, market, from)) != EOD_CAL_UNKNOWN) {
        //  Only the latest closed session, inside the quote's window: a
        //  holiday is no such session either.
        const eod_config_t *cfg = stage->config;
        eod_quote_window_t window;
        const char *opens = eod_config_str (cfg, "multiquote:window_start");
        const char *closes = eod_config_str (cfg, "multiquote:window_end");
        bool mock = strcmp (eod_config_str (cfg, "kis:env"), "test") == 0;
        if (eod_quote_window_init (&window, opens, closes, (long) eod_config_int (cfg, "kis:timeout_ms"), mock))
            snprintf (refused, sizeof refused, "[multiquote] window_start or window_end is not HH:MM");
        else
            gate_close_ok (cal, &window, market, from, now, refused, sizeof refused);
    }
    if (*refused) {
        //  A usage error, said on the run's summary line and to Slack (a
        //  scheduler set too early shows there), and nothing fetched.
        eod_log_error ("refused: %s", refused);
        eod_msg_set (&end->status, "failed");
        eod_msg_set (&end->error, refused);
        rc = 2;
    }
    else if (status == EOD_CAL_UNKNOWN) {
        eod_stage_event (stage, "error", NULL, mname,
                         "%s %s: unknown whether the exchange is open (outside the calendar table and no API answer)",
                         mname, dfrom);
        eod_msg_set (&end->status, "failed");
        eod_msg_set (&end->error, "the session is unknown to the calendar");
        rc = 3;
    }
    else if (status == EOD_CAL_CLOSED) {
        const char *reason =
            strcmp (mode, "backfill") == 0 ? "no session in the range" : eod_cal_closed_reason (cal, market, from);
        eod_msg_t *event = eod_msg_new (EOD_MSG_EVENT);
        eod_msg_set (&event->level, "info");
        eod_msg_set (&event->stage, "calendar");
        eod_msg_set (&event->market, mname);
        eod_msg_set (&event->date_from, dfrom);
        char text[256];
        if (strcmp (mode, "backfill") == 0)
            snprintf (text, sizeof text, "%s: no session in %s..%s: nothing to backfill", mname, dfrom, dto);
        else
            snprintf (text, sizeof text, "%s market closed on %s (%s)", mname, dfrom, reason ? reason : "holiday");
        eod_msg_set (&event->text, text);
        eod_fields_set (&event->fields, "kind", "closed");
        eod_fields_set (&event->fields, "reason", reason ? reason : "holiday");
        eod_log_info ("%s", text);
        if (stage->events)
            eod_stage_send (stage, stage->events, NULL, event);
        eod_msg_destroy (&event);
        eod_msg_set (&end->status, "closed");
    }
    else {
        eod_msg_t *job = eod_msg_new (EOD_MSG_JOB);
        char run_id[64];
        snprintf (run_id, sizeof run_id, "%s-%s-%s-%s", mname, mode, dfrom, dto);
        eod_msg_set (&job->run_id, run_id);
        eod_msg_set (&job->market, mname);
        eod_msg_set (&job->mode, mode);
        eod_msg_set (&job->date_from, dfrom);
        eod_msg_set (&job->date_to, dto);
        if (codes)
            eod_fields_set (&job->meta, "codes_file", codes);
        if (no_xcheck)
            eod_fields_set (&job->meta, "cross_check", "off");
        eod_log_info ("%s %s session %s..%s: job sent", mname, mode, dfrom, dto);
        eod_stage_send (stage, lister, NULL, job);
        eod_msg_destroy (&job);
        eod_msg_set (&end->status, "ok");
    }
    eod_stage_send (stage, lister, NULL, end);
    eod_msg_destroy (&end);
    zsock_destroy (&lister);   //  linger delivers what was sent
    return rc;
}

//  The service's view of one market.
typedef struct {
    eod_market_t market;
    int due_min;         //  [schedule] time, minutes of the Seoul day
    eod_date_t missed;   //  the last weekday reported missed (once)
    eod_date_t failed;   //  a weekday whose record could not be written
} s_market_t;

static void
s_log_next (s_market_t *m, eod_date_t after)
{
    eod_date_t next = eod_date_add_days (after, 1);
    while (eod_date_is_weekend (next))
        next = eod_date_add_days (next, 1);
    time_t due;
    char day[11];
    eod_date_format (next, day, sizeof day);
    if (schedule_due_at (m->market, next, m->due_min, &due) == 0)
        eod_log_info ("%s: next weekday %s is due at %lld (unix time, %02d:%02d Asia/Seoul)",
                      eod_market_name (m->market), day, (long long) due, m->due_min / 60, m->due_min % 60);
}

//  The service: looks at the clock every [schedule] poll_ms and, for each
//  market, gates the latest weekday whose time has come unless it was gated
//  before. A weekday whose time passed more than catchup_hours ago (the
//  service was down) is reported, not run: a backfill fetches it.
static int
s_service (eod_stage_t *stage, eod_cal_t *cal)
{
    const eod_config_t *cfg = stage->config;
    s_market_t markets[2];
    size_t nmarkets = 0;
    const char *list = eod_config_str (cfg, "schedule:markets");
    for (const char *p = list; *p;) {
        size_t len = strcspn (p, ", ");
        char name[8] = "";
        if (len > 0 && len < sizeof name)
            memcpy (name, p, len);
        eod_market_t market;
        if (len > 0 && (len >= sizeof name || eod_market_parse (name, &market))) {
            eod_log_error ("[schedule] markets '%s': '%.*s' is not kr or us", list, (int) len, p);
            return 2;
        }
        if (len > 0 && nmarkets < 2 && (nmarkets == 0 || markets[0].market != market)) {
            const char *key = market == EOD_MARKET_KR ? "schedule:kr_time" : "schedule:us_time";
            markets[nmarkets] = (s_market_t){.market = market};
            if (schedule_parse_time (eod_config_str (cfg, key), &markets[nmarkets].due_min)) {
                eod_log_error ("[schedule] %s '%s': expected HH:MM (Asia/Seoul)", key + 9, eod_config_str (cfg, key));
                return 2;
            }
            nmarkets++;
        }
        p += len;
        p += strspn (p, ", ");
    }
    if (nmarkets == 0) {
        eod_log_error ("[schedule] markets is empty: the service has nothing to run");
        return 2;
    }
    char state[1024], path[1100];
    eod_config_path_value (cfg, "pipeline:state_dir", state, sizeof state);
    snprintf (path, sizeof path, "%s/calendar/fired", state);
    schedule_t *fired = schedule_open (path);
    if (!fired)
        return 4;
    int64_t poll_ms = eod_config_int (cfg, "schedule:poll_ms");
    time_t catchup_s = (time_t) eod_config_int (cfg, "schedule:catchup_hours") * 3600;
    eod_log_info ("service: %zu market(s), weekdays handled are recorded in %s", nmarkets, path);
    for (size_t i = 0; i < nmarkets; i++)
        s_log_next (&markets[i], schedule_latest_due (markets[i].market, eod_now (), markets[i].due_min));
    while (!zsys_interrupted) {
        time_t now = eod_now ();
        for (size_t i = 0; i < nmarkets && !zsys_interrupted; i++) {
            s_market_t *m = &markets[i];
            eod_date_t date = schedule_latest_due (m->market, now, m->due_min);
            if (schedule_fired (fired, m->market, date) || eod_date_compare (date, m->failed) == 0)
                continue;
            time_t due = 0;
            schedule_due_at (m->market, date, m->due_min, &due);
            char day[11];
            eod_date_format (date, day, sizeof day);
            const char *name = eod_market_name (m->market);
            if (now - due > catchup_s) {
                if (eod_date_compare (date, m->missed) != 0) {
                    m->missed = date;
                    eod_stage_event (stage, "error", NULL, name,
                                     "%s %s was due %lld s ago, while the service was down: not run now "
                                     "(`launch/eod backfill --market %s --from %s --to %s` fetches it)",
                                     name, day, (long long) (now - due), name, day, day);
                }
                continue;
            }
            if (schedule_mark (fired, m->market, date, now)) {
                m->failed = date;
                eod_stage_event (stage, "error", NULL, name,
                                 "%s %s: not started: the record of started runs (%s) cannot be written", name, day,
                                 path);
                continue;
            }
            eod_log_info ("%s %s: due at %lld, now %lld: gating it", name, day, (long long) due, (long long) now);
            eod_main_opts_t opts = {.market = name, .date = day};
            int rc = s_gate (stage, cal, &opts);
            if (rc)
                eod_log_warn ("%s %s: the gate ended with %d", name, day, rc);
            s_log_next (m, date);
        }
        for (int64_t slept = 0; slept < poll_ms && !zsys_interrupted; slept += 50)
            zclock_sleep ((int) (poll_ms - slept < 50 ? poll_ms - slept : 50));
    }
    schedule_destroy (&fired);
    eod_log_info ("service: stopped");
    return 0;
}

int
main (int argc, char **argv)
{
    //  People's queries first: they need no config and no sockets.
    if (cal_cli_wants (argc, argv)) {
        eod_log_init ("eod-calendar");
        const char *dir = NULL;
        for (int i = 1; i + 1 < argc; i++)
            if (strcmp (argv[i], "--calendar-dir") == 0)
                dir = argv[i + 1];
        char fallback[1024];
        if (!dir) {
            const char *root = getenv ("EOD_ROOT");
            snprintf (fallback, sizeof fallback, "%s/config/calendars", root && *root ? root : EOD_SOURCE_DIR);
            dir = fallback;
        }
        eod_cal_t *cal = eod_cal_new (dir);
        if (!cal)
            return 2;
        int rc = cal_cli_run (cal, argc, argv, stdout);
        eod_cal_destroy (&cal);
        return rc;
    }
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "calendar",
                             "The calendar gate. Queries: --market kr|us --closed FROM TO | --sessions FROM TO |\n"
                             "--is-open DATE | --next-session [DATE] | --latest-closed. As a stage: --once\n"
                             "[--market kr|us] [--date D | --from D --to D] [--codes FILE] [--no-cross-check]\n"
                             "[--close] sends the lister a job (--close: the KR fast close of the latest closed\n"
                             "session, from 18:00 KST), or on a closed day notifies and ends the run. Without\n"
                             "--once (and without --market/--date) it is the service: each weekday of the\n"
                             "markets in [schedule] markets is gated once, KR at [schedule] kr_time and US (the\n"
                             "New York session) at us_time the next Seoul morning; the weekdays handled are\n"
                             "kept in STATE/calendar/fired across restarts.",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("calendar", opts.config);
    if (!stage)
        return 2;
    char dir[1024];
    eod_config_path_value (stage->config, "pipeline:calendar_dir", dir, sizeof dir);
    eod_cal_t *cal = eod_cal_new (dir);
    if (!cal) {
        eod_stage_destroy (&stage);
        return 2;
    }
    eod_stage_connect_events (stage);
    if (!opts.once && !opts.market && !opts.date && !opts.from && !opts.to)
        rc = s_service (stage, cal);
    else
        rc = s_gate (stage, cal, &opts);
    eod_main_settled (rc);
    eod_cal_destroy (&cal);
    eod_stage_destroy (&stage);
    return rc;
}
