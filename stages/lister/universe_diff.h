/*  lister universe_diff — which codes entered and left each index or filter
    since the previous universe snapshot.

    A snapshot's membership is a text of lines "SET\tCODE" (any order): the
    sets are the lists a market's master files and index pages name (KR:
    KOSPI, KOSDAQ, KRX300, KOSPI200, KOSPI100, KOSPI50, KRX100, KOSDAQ150;
    US: S&P500, NAS100, DOW30) and "universe", the codes the [filter] and
    the extra tickers made the run's listing.

    The state directory keeps two of them, current.members and
    previous.members, each starting with the line "#day\tYYYY-MM-DD" (the
    day the snapshot was downloaded). A new snapshot is compared with the
    latest one of an earlier day, so running the same day again compares
    with the same base and reports the same changes; then it becomes
    current, and the base previous. A first run has nothing to compare
    with, and says so. */
#ifndef LISTER_UNIVERSE_DIFF_H
#define LISTER_UNIVERSE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#define LISTER_UDIFF_SETS_MAX 16     //  sets one market has (more are folded into the last)
#define LISTER_UDIFF_SET_NAME 24     //  bytes of a set's name, NUL included
#define LISTER_UDIFF_SHOWN 5         //  codes named per set and direction
#define LISTER_UDIFF_CODES 160       //  bytes of the named codes, NUL included
#define LISTER_UDIFF_TEXT 1600       //  bytes of lister_udiff_text's line, NUL included

typedef struct {
    char name[LISTER_UDIFF_SET_NAME];
    size_t before, after;            //  members in the base and in the new snapshot
    size_t entered, left;
    char entered_codes[LISTER_UDIFF_CODES];   //  the first LISTER_UDIFF_SHOWN, ", "-separated
    char left_codes[LISTER_UDIFF_CODES];
} lister_udiff_set_t;

typedef struct {
    bool first;                      //  no earlier snapshot: nothing compared
    char since[11];                  //  the base's day (YYYY-MM-DD), "" when first
    size_t nsets;
    lister_udiff_set_t sets[LISTER_UDIFF_SETS_MAX];   //  by name
    size_t entered, left;            //  over every set
} lister_udiff_t;

//  Compares the membership texts prev and cur (lines "SET\tCODE"; lines
//  starting with '#', blank lines and lines without a TAB are ignored, and
//  a pair listed twice counts once) into out (its since left ""). Returns
//  0, or -1 when memory ran out.
int lister_udiff_compare (const char *prev, size_t prevlen, const char *cur, size_t curlen, lister_udiff_t *out);

//  Takes the membership members (len bytes) of the snapshot downloaded on
//  day (YYYY-MM-DD) into the state directory dir (made, mode 0700): out
//  gets its changes since the latest snapshot of an earlier day there, or
//  first; the files are then rotated as the header says, each written to a
//  temporary name, fsynced and renamed. Returns 0, or -1 with err set (a
//  file that cannot be read or written; out then says first).
int lister_udiff_update (const char *dir, const char *day, const char *members, size_t len, lister_udiff_t *out,
                         char *err, size_t errlen);

//  One line for people into out: "since YYYY-MM-DD: KRX300 +2 (A, B) -1
//  (C); universe +1 (D)", "since YYYY-MM-DD: no change", or "first snapshot:
//  nothing to compare with".
void lister_udiff_text (const lister_udiff_t *d, char *out, size_t size);

#endif
