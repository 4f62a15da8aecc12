/*  run_notes — see run_notes.h. */
#include "run_notes.h"
#include "eod_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long
s_figure (const eod_msg_t *end, const char *key)
{
    const char *v = eod_fields_get (&end->meta, key);
    return v ? strtol (v, NULL, 10) : 0;
}

size_t
run_notes (const eod_msg_t *end, char notes[RUN_NOTES_MAX][RUN_NOTE_SIZE])
{
    size_t n = 0;
    const char *market = end->market ? end->market : "?";
    const char *session = end->date_to ? end->date_to : end->date_from ? end->date_from : "?";
    long tasks = s_figure (end, "tasks"), unpublished = s_figure (end, "unpublished");
    bool incomplete = end->status && strcmp (end->status, "incomplete") == 0;
    if (incomplete)
        snprintf (notes[n++], RUN_NOTE_SIZE,
                  "%s %s was not published: %ld of %ld code(s) answered without a row for the session by the "
                  "deadline. They are recorded in state/gaps; run the same command again later (or `launch/eod "
                  "backfill --market %s --gaps`) to fill them",
                  market, session, unpublished, tasks, market);
    else if (unpublished > 0)
        snprintf (notes[n++], RUN_NOTE_SIZE,
                  "%ld code(s) answered without a row for %s (listed with the missing, recorded in state/gaps)",
                  unpublished, session);
    long without = s_figure (end, "unbound"), rows = s_figure (end, "rows");
    if (without > 0) {
        const char *why = eod_fields_get (&end->meta, "unbound_why");
        long carried = s_figure (end, "unbound_carried");
        char kept[96] = "";
        if (carried > 0)
            snprintf (kept, sizeof kept, "; %ld more kept those their file held for the session", carried);
        snprintf (notes[n++], RUN_NOTE_SIZE,
                  "%ld of %ld row(s) written without the snapshot columns (quote, market cap, PER/PBR, financial "
                  "figures: they are kept only on the session they describe): %s%s",
                  without, rows, why ? why : "?", kept);
    }
    const char *day = eod_fields_get (&end->meta, "universe_day");
    const char *changes = eod_fields_get (&end->meta, "universe_changes");
    if (day && changes)
        snprintf (notes[n++], RUN_NOTE_SIZE, "universe of %s (its code lists uploaded with the prices), %s", day,
                  changes);
    long anomalies = s_figure (end, "anomalies");
    if (anomalies > 0) {
        char counts[160] = "";
        size_t used = 0;
        for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS && used < sizeof counts; k++) {
            char key[32];
            snprintf (key, sizeof key, "anomalies_%s", eod_metrics_anomaly_kind (k));
            long c = s_figure (end, key);
            if (c > 0)
                used += (size_t) snprintf (counts + used, sizeof counts - used, "%s%s %ld", used ? ", " : "",
                                           eod_metrics_anomaly_kind (k), c);
        }
        const char *first = eod_fields_get (&end->meta, "anomalies_first");
        snprintf (notes[n++], RUN_NOTE_SIZE,
                  "validation found %ld anomal%s in the rows (%s; rows are kept as sent, listed in the anomalies/ "
                  "sidecar of each session): %s",
                  anomalies, anomalies == 1 ? "y" : "ies", counts, first ? first : "?");
    }
    const char *checked = eod_fields_get (&end->meta, "xcheck_checked");
    const char *xcheck = eod_fields_get (&end->meta, "cross_check");
    if (checked) {
        long not_checked = s_figure (end, "xcheck_not_checked"), disagreed = s_figure (end, "xcheck_disagreed");
        const char *why = eod_fields_get (&end->meta, "xcheck_not_checked_why");
        snprintf (notes[n++], RUN_NOTE_SIZE, "cross-check: %ld checked, %ld disagreed, %ld not cross-checked%s%s%s%s",
                  s_figure (end, "xcheck_checked"), disagreed, not_checked, why ? " (" : "", why ? why : "",
                  why ? ")" : "",
                  disagreed > 0 ? "; rows kept as the chart gave them, the differences in the anomalies/ sidecar "
                                  "(kind xcheck)"
                                : "");
    }
    else if (xcheck && strcmp (xcheck, "on") != 0) {
        bool off = strncmp (xcheck, "off", 3) == 0;   //  "off (flag)", "off (config)"; else "mock host"
        snprintf (notes[n++], RUN_NOTE_SIZE, "cross-check: %s%s%s", off ? "" : "off (", xcheck, off ? "" : ")");
    }
    return n;
}
