/*  writer snapshot — which rows carry the columns that describe one moment
    of the market rather than the row's session: the quote of an answer (KIS
    output1: KR price, limits, bid/ask, shares, market cap, PER/EPS/PBR, ...;
    US rsym, zdiv, nrec) and the KR master files' financial figures (revenue,
    operating_profit, net_income, roe).

    KIS answers output1 as of the moment it serves the request, whatever dates
    the request names, and the master files are the day they were downloaded.
    Those columns belong to a row only when the row's session D was the latest
    closed session at that moment, so that the quote is D's close:

      1. the request was made (RESULT asked_at, the fetcher's wall clock,
         journalled with the rows) at or after D's close, and
      2. its answer came before the next session N opened: asked_at + the
         request's longest life ([kis] timeout_ms, plus a second for the
         clock's resolution) is before N's open. Session hours come from the
         calendar tables (config/calendars: special hours, early closes);
      3. KR only: the quote agrees with the row: output1's price (stck_prpr)
         is the row's close (stck_clpr) and its change (prdy_vrss) the row's.
         When KIS rolls its quote over to the next day is not published: a
         quote of N before N's open (price D's close, change 0) fails the
         change unless D's own change was 0, when the two describe the same
         price anyway.

    Otherwise the columns stay empty and the reason is counted for the run's
    summary. The master files' financial figures follow the same answer, as
    the listing that read them is made after the gate let the run start
    (after D's close) and before its requests. Columns that name or classify
    the instrument (KR name, code, group_code; US symbol, index flags, GICS,
    names, exchange) are on every row, as of the run.

    The rule reads only the journal, so a fold of the same journal gives the
    same files. */
#ifndef WRITER_SNAPSHOT_H
#define WRITER_SNAPSHOT_H

#include "eod_cal.h"
#include "eod_proto.h"

#include <stdbool.h>
#include <stdint.h>

//  What the rule said of one row: the columns are kept, or why not.
typedef enum {
    WRITER_SNAPSHOT_KEPT = 0,
    WRITER_SNAPSHOT_OLDER,      //  a later session had opened when the quote was taken (or may have)
    WRITER_SNAPSHOT_EARLY,      //  the request was made before the session closed
    WRITER_SNAPSHOT_MISMATCH,   //  the quote's price or change is not the row's (KR)
    WRITER_SNAPSHOT_UNTIMED,    //  the RESULT does not say when its request was made
    WRITER_SNAPSHOT_CALENDAR,   //  the calendar does not know the session's hours or the next session
    WRITER_SNAPSHOT_REASONS
} writer_snapshot_reason_t;

typedef struct _writer_snapshot_t writer_snapshot_t;

//  The rule over cal (borrowed; NULL: no calendar, no row keeps the columns),
//  a request living at most timeout_ms. NULL when out of memory.
writer_snapshot_t *writer_snapshot_new (eod_cal_t *cal, long timeout_ms);

//  Nulls *self_p; safe on NULL and twice.
void writer_snapshot_destroy (writer_snapshot_t **self_p);

//  Whether row (a KIS output2 row of market "kr" or "us") keeps the columns,
//  its RESULT's output1 being output1 and its request made at asked_at (unix
//  seconds, 0: not known). The answer is counted (writer_snapshot_count).
writer_snapshot_reason_t writer_snapshot_judge (writer_snapshot_t *self, const char *market, const eod_fields_t *row,
                                                const eod_fields_t *output1, int64_t asked_at);

//  A row that did not keep the columns got them from the row its partition
//  file already held for the same session (the fold keeps what it knew).
void writer_snapshot_carried (writer_snapshot_t *self);

//  Rows judged with reason since the last reset; rows carried over.
long writer_snapshot_count (const writer_snapshot_t *self, writer_snapshot_reason_t reason);
long writer_snapshot_carried_count (const writer_snapshot_t *self);

//  Rows written without the columns: judged without them, less those carried.
long writer_snapshot_without (const writer_snapshot_t *self);

//  Starts the counts again (one fold of a run).
void writer_snapshot_reset (writer_snapshot_t *self);

//  A reason's short name ("older", "early", "mismatch", "untimed", "calendar";
//  "kept") and what it means for people.
const char *writer_snapshot_reason_name (writer_snapshot_reason_t reason);
const char *writer_snapshot_reason_text (writer_snapshot_reason_t reason);

#endif
