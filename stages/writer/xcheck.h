/*  writer xcheck — the cross-check of a daily KR run: each row of the
    session against its code's multi-stock quote (FHKST11300006).

    The run's journal holds the RESULTs (the daily chart's rows, each with
    the second its request was made, asked_at) and one QUOTES per batch
    (the quotes of up to 30 codes, with their own asked_at). At RUN_DONE
    each record the fold reads from the journal is also handed to this
    module (the journal is read once, anomalies.h): for each code the
    first chart row of the session in journal order (the row the fold
    keeps) and the first quote. A quote is the session's only when the
    rule of eod_quote_window holds at its asked_at, checked again here, so
    a resumed run outside the window compares nothing it should not.

    Then each code with both is compared on six fields (the chart's key,
    its multi-quote field from eod_kis_mq_field): open, high, low, close,
    volume and value. A difference larger than the field's tolerance
    ([multiquote] tolerance_*, whole KRW or shares) is a disagreement,
    reported to the caller in the order (code, field) with both values and
    both request times: the writer notes it in the session's anomalies
    sidecar. Rows are never changed. A code that cannot be compared is
    counted as not cross-checked with its reason: its batch was skipped
    (its error: "window", "mock host", ...), failed (KIS's msg_cd, or the
    error), the quote's asked_at is outside the window ("window"), the code
    had no quote ("missing", "zero", "rejected"), or it had no row of the
    session ("no row"). Everything comes from the journal, so a fold done
    again gives the same counts and the same findings. */
#ifndef WRITER_XCHECK_H
#define WRITER_XCHECK_H

#include "eod_cal.h"
#include "eod_proto.h"
#include "eod_quote_window.h"

#include <stdint.h>

typedef enum {
    WRITER_XCHECK_OPEN = 0,
    WRITER_XCHECK_HIGH,
    WRITER_XCHECK_LOW,
    WRITER_XCHECK_CLOSE,
    WRITER_XCHECK_VOLUME,
    WRITER_XCHECK_VALUE,
    WRITER_XCHECK_FIELDS
} writer_xcheck_field_t;

#define WRITER_XCHECK_WHY_MAX 512   //  the reasons codes were not cross-checked, as text

typedef struct {
    int64_t tolerance[WRITER_XCHECK_FIELDS];   //  [multiquote] tolerance_*, >= 0
    const eod_quote_window_t *window;          //  [multiquote] window, [kis] env (borrowed)
    eod_cal_t *cal;                            //  the calendar tables (borrowed; NULL: nothing is of the session)
} writer_xcheck_conf_t;

typedef struct _writer_xcheck_t writer_xcheck_t;

//  A disagreement: code's field, the chart's and the quote's values, and the
//  detail the sidecar holds ("open: chart 100, quote 101, tolerance 0;
//  asked 2024-09-02T18:30:05+09:00 and 2024-09-02T18:31:00+09:00").
typedef int (writer_xcheck_note_fn) (const char *date, const char *code, const char *detail, void *arg);

//  The cross-check of KR session (YYYY-MM-DD) under conf (copied). NULL on
//  no memory or a session that is not a date.
writer_xcheck_t *writer_xcheck_new (const writer_xcheck_conf_t *conf, const char *session);

//  Nulls *self_p; safe on NULL and twice.
void writer_xcheck_destroy (writer_xcheck_t **self_p);

//  The field's name in the sidecar and the config ("open", ..., "value").
const char *writer_xcheck_field_name (writer_xcheck_field_t field);

//  Takes one journal record (borrowed): a QUOTES of the session (its rows,
//  its codes without a row, or its failure), or the rows of the session of
//  a KR RESULT; anything else is ignored. The first of each code wins. 0,
//  or -1 on no memory.
int writer_xcheck_take (writer_xcheck_t *self, const eod_msg_t *msg);

//  Whether a QUOTES was taken: no batch, no cross-check.
bool writer_xcheck_any (const writer_xcheck_t *self);

//  Compares every code and counts them; each disagreement goes to note (may
//  be NULL), codes in ascending order and each code's fields in the order
//  of writer_xcheck_field_t. Counts start again at each call. 0, or the
//  first non-zero note returned.
int writer_xcheck_compare (writer_xcheck_t *self, writer_xcheck_note_fn *note, void *arg);

//  Codes compared, codes with at least one field beyond its tolerance,
//  codes not compared; fields beyond their tolerance, all codes together.
long writer_xcheck_checked (const writer_xcheck_t *self);
long writer_xcheck_disagreed (const writer_xcheck_t *self);
long writer_xcheck_not_checked (const writer_xcheck_t *self);
long writer_xcheck_fields_disagreed (const writer_xcheck_t *self);

//  The codes not cross-checked by reason, "4 window, 30 EGW00201" (most
//  first, then by name), into why[size]; "" when none.
void writer_xcheck_why (const writer_xcheck_t *self, char *why, size_t size);

//  The counts into END meta: xcheck_checked, xcheck_disagreed,
//  xcheck_not_checked and, when some were not, xcheck_not_checked_why.
void writer_xcheck_figures (const writer_xcheck_t *self, eod_fields_t *meta);

#endif
