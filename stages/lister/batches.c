/*  lister batches — see batches.h. */
#include "batches.h"
#include "eod_cal.h"
#include "eod_date.h"
#include "eod_log.h"
#include "eod_quote_window.h"

#include <stdio.h>
#include <string.h>

#define S_BATCH_ID_MAX 32   //  "kr-mq-YYYYMMDD-NNNNN"
#define S_BATCH_NUMBER_MAX 99999

lister_batches_plan_t
lister_batches_plan (const eod_config_t *cfg, const eod_msg_t *job, bool window_over)
{
    lister_batches_plan_t plan = {.tasks = true, .size = 0, .cross_check = NULL};
    bool kr = strcmp (job->market, "kr") == 0;
    size_t size = (size_t) eod_config_int (cfg, "multiquote:batch_size");
    if (strcmp (job->mode, "close") == 0) {
        //  The fast close: the quotes are the rows. The calendar gate
        //  refuses it for US and on the mock host; a JOB that came anyway
        //  lists nothing.
        plan.tasks = false;
        plan.size = kr && strcmp (eod_config_str (cfg, "kis:env"), "test") != 0 ? size : 0;
        return plan;
    }
    if (!kr || strcmp (job->mode, "daily") != 0)
        return plan;
    const char *flag = eod_fields_get (&job->meta, LISTER_META_CROSS_CHECK);
    if (flag && strcmp (flag, LISTER_CROSS_CHECK_OFF) == 0)
        plan.cross_check = "off (flag)";
    else if (!eod_config_bool (cfg, "multiquote:cross_check"))
        plan.cross_check = "off (config)";
    else if (strcmp (eod_config_str (cfg, "kis:env"), "test") == 0)
        plan.cross_check = "mock host";
    else if (window_over)
        plan.cross_check = "off (window)";
    else {
        plan.cross_check = "on";
        plan.size = size;
    }
    return plan;
}

bool
lister_batches_window_over (const eod_config_t *cfg, const eod_msg_t *job, time_t now)
{
    eod_quote_window_t window;
    eod_date_t session;
    if (strcmp (job->market, "kr") != 0 || strcmp (job->mode, "daily") != 0 || !job->date_from
        || eod_date_parse (job->date_from, &session)
        || eod_quote_window_init (&window, eod_config_str (cfg, "multiquote:window_start"),
                                  eod_config_str (cfg, "multiquote:window_end"),
                                  (long) eod_config_int (cfg, "kis:timeout_ms"), false))
        return false;
    char dir[1024];
    eod_config_path_value (cfg, "pipeline:calendar_dir", dir, sizeof dir);
    eod_cal_t *cal = eod_cal_new (dir);
    bool over = cal && eod_quote_window_check (&window, cal, EOD_MARKET_KR, session, now) == EOD_QUOTE_WINDOW_LATE;
    eod_cal_destroy (&cal);
    return over;
}

long
lister_batches_count (size_t ncodes, size_t size)
{
    return size ? (long) ((ncodes + size - 1) / size) : 0;
}

void
lister_batches_note (const lister_batches_plan_t *plan, size_t ncodes, eod_fields_t *meta)
{
    char n[32];
    snprintf (n, sizeof n, "%ld", lister_batches_count (ncodes, plan->size));
    eod_fields_set (meta, LISTER_META_BATCHES, n);
    if (plan->cross_check)
        eod_fields_set (meta, LISTER_META_CROSS_CHECK, plan->cross_check);
}

//  Sends batch (its codes gathered) as number n. 0 or -1 (logged).
static int
s_flush (eod_msg_t *batch, long n, lister_send_fn *send, void *arg)
{
    char id[S_BATCH_ID_MAX];
    if (n > S_BATCH_NUMBER_MAX) {
        eod_log_error ("BATCH %ld of run %s: over %d batches in a run: not sent", n, batch->run_id, S_BATCH_NUMBER_MAX);
        return -1;
    }
    snprintf (id, sizeof id, "kr-mq-%.4s%.2s%.2s-%05ld", batch->date_from, batch->date_from + 5, batch->date_from + 8,
              n);
    eod_msg_set (&batch->task_id, id);
    if (send (arg, batch)) {
        eod_log_error ("BATCH %s not sent: the coordinator read nothing in time; the confirmation will send the "
                       "listing again",
                       id);
        return -1;
    }
    return 0;
}

int
lister_batches_send (lister_spool_t *drafts, size_t size, lister_send_fn *send, void *arg)
{
    if (!size)
        return 0;
    if (lister_spool_rewind (drafts))
        return -1;
    eod_msg_t *batch = NULL, *t = NULL;
    long n = 0;
    int rc = 0, next = 0;
    while (rc == 0 && (next = lister_spool_next (drafts, &t)) == 1) {
        if (!batch) {
            batch = eod_msg_new (EOD_MSG_BATCH);
            if (!batch) {
                rc = -1;
                break;
            }
            eod_msg_set (&batch->run_id, t->run_id);
            eod_msg_set (&batch->market, t->market);
            //  One session: the job's day.
            eod_msg_set (&batch->date_from, t->date_from);
            eod_msg_set (&batch->date_to, t->date_from);
        }
        eod_msg_add_list (batch, t->code);
        eod_msg_destroy (&t);
        if (batch->nlist == size) {
            rc = s_flush (batch, ++n, send, arg);
            eod_msg_destroy (&batch);
        }
    }
    if (next < 0)
        rc = -1;
    if (rc == 0 && batch)
        rc = s_flush (batch, ++n, send, arg);
    eod_msg_destroy (&batch);
    eod_msg_destroy (&t);
    return rc;
}
