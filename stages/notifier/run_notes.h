/*  run_notes — the lines a run's summary adds about the data itself, from
    the figures its END carries:

      - a session that was not (fully) published: how many codes answered
        without a row for it, whether that made the run incomplete (more
        than [pipeline] unpublished_pct of them: exit 5), and that a later
        run asks for them again (they are in state/gaps);
      - rows written without the snapshot columns (quote, market cap,
        PER/PBR, the KR financial figures), how many and why: the writer
        keeps them only on the row of the session they describe;
      - the universe snapshot of the run (its lists went to S3 with the
        prices): the codes that entered and left each index or filter
        since the previous snapshot, or that it is the first;
      - what validation found in the rows (stages/writer/validate.h): how
        many of each kind, the first few, and where the sidecars are;
      - the cross-check with the multi-stock quote (stages/writer/xcheck.h):
        "cross-check: N checked, N disagreed, N not cross-checked (reason)",
        or why the run had none ("cross-check: off (flag)").

    Pure: the notifier posts them in the Slack summary and logs them. */
#ifndef RUN_NOTES_H
#define RUN_NOTES_H

#include <stddef.h>

#include "eod_proto.h"

#define RUN_NOTES_MAX 5     //  notes one summary can have
#define RUN_NOTE_SIZE 640   //  bytes of one note, NUL included

//  The notes of end (an END that reached the notifier) into notes; returns
//  how many (0..RUN_NOTES_MAX).
size_t run_notes (const eod_msg_t *end, char notes[RUN_NOTES_MAX][RUN_NOTE_SIZE]);

#endif
