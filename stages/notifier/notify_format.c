/*  notify_format — see notify_format.h.

    Strings are assembled in a small growable buffer (s_buf_t) that makes
    outside text safe on the way in; jansson then builds and serialises the
    JSON. Jansson refuses invalid UTF-8, which is why every outside string
    passes through s_buf_text first. */
#include "notify_format.h"
#include "eod_util.h"

#include <assert.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Slack Block Kit limits (api.slack.com/reference/block-kit), in bytes: a
//  byte count is never below the character count Slack measures.
#define NOTIFY_HEADER_MAX 150            //  header block plain_text
#define NOTIFY_FIELD_MAX 2000            //  one section field
#define NOTIFY_SECTION_MAX 3000          //  section text
#define NOTIFY_FIELDS_MAX 10             //  fields in one section
#define NOTIFY_TEXT_MAX 3000             //  our cap for the fallback text (Slack allows far more)
#define NOTIFY_MISSING_ITEM_MAX 200      //  one missing "CODE (reason)" line
#define NOTIFY_MORE_RESERVE 64           //  room kept for the "… and N more" line
#define NOTIFY_ELLIPSIS "\xE2\x80\xA6"   //  U+2026 "…", marks cut text
#define NOTIFY_ELLIPSIS_LEN 3
#define NOTIFY_REPLACEMENT "\xEF\xBF\xBD"   //  U+FFFD for bytes that are not UTF-8
#define NOTIFY_REPLACEMENT_LEN 3

// ---------------------------------------------------------------------------
//  A growable string; a failed allocation sticks, and the caller checks once.

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
} s_buf_t;

static void
s_buf_putn (s_buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *data = realloc (b->data, cap);
        if (!data) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy (b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void
s_buf_puts (s_buf_t *b, const char *s)
{
    s_buf_putn (b, s, strlen (s));
}

static void s_buf_printf (s_buf_t *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_buf_printf (s_buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list args;
    va_start (args, fmt);
    int n = vsnprintf (small, sizeof small, fmt, args);
    va_end (args);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t) n < sizeof small) {
        s_buf_putn (b, small, (size_t) n);
        return;
    }
    char *big = malloc ((size_t) n + 1);
    if (!big) {
        b->failed = true;
        return;
    }
    va_start (args, fmt);
    vsnprintf (big, (size_t) n + 1, fmt, args);
    va_end (args);
    s_buf_putn (b, big, (size_t) n);
    free (big);
}

//  Empties the buffer for reuse (keeps the memory).
static void
s_buf_reset (s_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

//  The output for the input at p: a mrkdwn escape, the valid UTF-8
//  sequence, or U+FFFD for a bad byte. Sets *consumed to the input length.
static void
s_text_piece (const char *p, bool mrkdwn, const char **out, size_t *outlen, size_t *consumed)
{
    if (mrkdwn && (*p == '&' || *p == '<' || *p == '>')) {
        //  Slack's mrkdwn reads <...> as links and mentions: escape the three.
        *out = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : "&gt;";
        *outlen = strlen (*out);
        *consumed = 1;
        return;
    }
    size_t n = eod_utf8_len ((const unsigned char *) p);
    if (n == 0) {
        *out = NOTIFY_REPLACEMENT;
        *outlen = NOTIFY_REPLACEMENT_LEN;
        *consumed = 1;
        return;
    }
    *out = p;
    *outlen = n;
    *consumed = n;
}

//  Appends outside text s (NULL shows as "?"), made valid UTF-8, escaped for
//  mrkdwn when asked, and cut with "…" so it adds at most max bytes.
static void
s_buf_text (s_buf_t *b, const char *s, bool mrkdwn, size_t max)
{
    if (!s)
        s = "?";
    const char *out;
    size_t outlen, consumed, total = 0;
    for (const char *p = s; *p; p += consumed) {
        s_text_piece (p, mrkdwn, &out, &outlen, &consumed);
        total += outlen;
    }
    size_t limit = total <= max ? max : (max > NOTIFY_ELLIPSIS_LEN ? max - NOTIFY_ELLIPSIS_LEN : 0);
    size_t added = 0;
    for (const char *p = s; *p; p += consumed) {
        s_text_piece (p, mrkdwn, &out, &outlen, &consumed);
        if (added + outlen > limit)
            break;
        s_buf_putn (b, out, outlen);
        added += outlen;
    }
    if (total > max && max >= NOTIFY_ELLIPSIS_LEN)
        s_buf_puts (b, NOTIFY_ELLIPSIS);
}

// ---------------------------------------------------------------------------
//  Block Kit pieces. Each returns a new reference or NULL (no memory); the
//  strings passed in are already valid UTF-8.

static json_t *
s_block_header (const char *text)
{
    return json_pack ("{s:s, s:{s:s, s:s, s:b}}", "type", "header", "text", "type", "plain_text", "text", text, "emoji",
                      1);
}

static json_t *
s_block_section (const char *mrkdwn)
{
    return json_pack ("{s:s, s:{s:s, s:s}}", "type", "section", "text", "type", "mrkdwn", "text", mrkdwn);
}

//  A block of type `type` whose member `member` lists n mrkdwn texts: a
//  section's fields (Slack shows them in two columns; at most 10) or a
//  context's elements (small grey text).
static json_t *
s_block_list (const char *type, const char *member, const char *const *texts, size_t n)
{
    json_t *array = json_array ();
    json_t *block = NULL;
    if (!array)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_pack ("{s:s, s:s}", "type", "mrkdwn", "text", texts[i]);
        if (!item || json_array_append_new (array, item))
            goto out;
    }
    block = json_pack ("{s:s, s:O}", "type", type, member, array);
out:
    json_decref (array);
    return block;
}

static json_t *
s_block_fields (const char *const *fields, size_t n)
{
    return s_block_list ("section", "fields", fields, n);
}

static json_t *
s_block_context (const char *const *elements, size_t n)
{
    return s_block_list ("context", "elements", elements, n);
}

//  Appends a block (a new reference, possibly NULL) to blocks. 0 or -1.
static int
s_blocks_add (json_t *blocks, json_t *block)
{
    if (!block)
        return -1;
    return json_array_append_new (blocks, block);
}

//  Appends a header block of the plain text in line, cut to what a header
//  holds. 0, or -1 when line or the cut copy failed.
static int
s_blocks_add_header (json_t *blocks, const s_buf_t *line)
{
    if (line->failed)
        return -1;
    s_buf_t cut = {0};
    s_buf_text (&cut, line->data, false, NOTIFY_HEADER_MAX);
    int rc = cut.failed ? -1 : s_blocks_add (blocks, s_block_header (cut.data));
    free (cut.data);
    return rc;
}

//  Points texts[0..n) at the data of bufs[0..n). 0, or -1 when one of them failed.
static int
s_buf_texts (const s_buf_t *bufs, size_t n, const char **texts)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (bufs[i].failed)
            rc = -1;
        texts[i] = bufs[i].data;
    }
    return rc;
}

//  Wraps channel, text and blocks (stolen) into the message and serialises
//  it. Returns the malloc'd JSON or NULL.
static char *
s_message (const char *channel, const char *text, json_t *blocks)
{
    char *json = NULL;
    json_t *root = json_object ();
    if (!root || !blocks)
        goto out;
    if (channel && *channel) {
        s_buf_t chan = {0};
        s_buf_text (&chan, channel, false, NOTIFY_HEADER_MAX);
        int rc = chan.failed ? -1 : json_object_set_new (root, "channel", json_string (chan.data));
        free (chan.data);
        if (rc)
            goto out;
    }
    if (json_object_set_new (root, "text", json_string (text)) || json_object_set (root, "blocks", blocks))
        goto out;
    json = json_dumps (root, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
    json_decref (blocks);
    json_decref (root);
    return json;
}

//  A message of a header block (plain text), a section of nfields fields
//  when there are any, and a section (mrkdwn), with text as its fallback.
//  The buffers stay the caller's. Returns the malloc'd JSON, or NULL when a
//  buffer failed or out of memory.
static char *
s_message_parts (const char *channel, const s_buf_t *text, const s_buf_t *header, const s_buf_t *fields, size_t nfields,
                 const s_buf_t *section)
{
    assert (nfields <= NOTIFY_FIELDS_MAX);
    char *json = NULL;
    const char *field_texts[NOTIFY_FIELDS_MAX];
    json_t *blocks = json_array ();
    if (!blocks || text->failed || section->failed || s_buf_texts (fields, nfields, field_texts)
        || s_blocks_add_header (blocks, header)
        || (nfields && s_blocks_add (blocks, s_block_fields (field_texts, nfields)))
        || s_blocks_add (blocks, s_block_section (section->data)))
        goto out;
    json = s_message (channel, text->data, blocks);
    blocks = NULL;
out:
    json_decref (blocks);
    return json;
}

//  The status marker of a run summary.
static const char *
s_status_emoji (const char *status)
{
    if (!status)
        return ":grey_question:";
    if (strcmp (status, "complete") == 0)
        return ":white_check_mark:";
    if (strcmp (status, "partial") == 0 || strcmp (status, "incomplete") == 0)
        return ":warning:";
    if (strcmp (status, "failed") == 0)
        return ":x:";
    return ":grey_question:";
}

static const char *
s_level_emoji (const char *level)
{
    if (!level)
        return ":grey_question:";
    if (strcmp (level, "error") == 0)
        return ":x:";
    if (strcmp (level, "warn") == 0 || strcmp (level, "warning") == 0)
        return ":warning:";
    if (strcmp (level, "info") == 0)
        return ":information_source:";
    if (strcmp (level, "debug") == 0)
        return ":mag:";
    return ":grey_question:";
}

//  "eod kr 2024-09-02" (+ " backfill" for a backfill), escaped for mrkdwn
//  or not, into b. The short form every message starts with.
static void
s_buf_run_name (s_buf_t *b, const char *market, const char *session, const char *mode, bool mrkdwn)
{
    s_buf_puts (b, "eod ");
    s_buf_text (b, market, mrkdwn, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (b, " ");
    s_buf_text (b, session, mrkdwn, NOTIFY_FIELD_MAX / 8);
    if (mode && strcmp (mode, "daily") != 0) {
        s_buf_puts (b, " ");
        s_buf_text (b, mode, mrkdwn, NOTIFY_FIELD_MAX / 8);
    }
}

//  The "*Missing (N)*" section text: at most cap items and what fits in a
//  section, then "… and N more".
static void
s_buf_missing (s_buf_t *b, const notify_summary_t *s)
{
    size_t cap = s->missing_cap ? s->missing_cap : NOTIFY_MISSING_CAP_DEFAULT;
    s_buf_printf (b, "*Missing (%zu)*", s->nmissing);
    s_buf_t item = {0};
    size_t listed = 0;
    for (; listed < s->nmissing && listed < cap; listed++) {
        s_buf_reset (&item);
        s_buf_puts (&item, "\n\xE2\x80\xA2 ");   //  "• "
        s_buf_text (&item, s->missing ? s->missing[listed] : NULL, true, NOTIFY_MISSING_ITEM_MAX);
        if (item.failed) {
            b->failed = true;
            break;
        }
        if (b->len + item.len + NOTIFY_MORE_RESERVE > NOTIFY_SECTION_MAX)
            break;   //  the section is full: the rest goes into the count
        s_buf_putn (b, item.data, item.len);
    }
    free (item.data);
    if (listed < s->nmissing)
        s_buf_printf (b, "\n" NOTIFY_ELLIPSIS " and %zu more", s->nmissing - listed);
}

char *
notify_format_summary (const notify_summary_t *s, const char *channel)
{
    assert (s);
    char *json = NULL;
    s_buf_t text = {0}, line = {0};
    s_buf_t fields[8] = {{0}};
    size_t nfields = sizeof fields / sizeof fields[0];
    json_t *blocks = json_array ();
    if (!blocks)
        goto out;

    //  Fallback text, as a notification shows it.
    s_buf_run_name (&text, s->market, s->session, s->mode, true);
    s_buf_puts (&text, ": ");
    s_buf_text (&text, s->status, true, NOTIFY_FIELD_MAX / 8);
    s_buf_printf (&text, ", %ld rows, %zu missing, %.1f s, %.1f req/s\n", s->rows, s->nmissing, s->duration_s,
                  s->requests_per_s);
    s_buf_printf (&text, "tasks %ld: %ld ok, %ld no data, %ld unknown, %ld failed", s->tasks_total, s->tasks_ok,
                  s->tasks_nodata, s->tasks_unknown, s->tasks_failed);
    if (s->resumed > 0)
        s_buf_printf (&text, "\nresumed: %ld task(s) were written before an interruption", s->resumed);
    for (size_t i = 0; i < s->nincidents; i++) {
        s_buf_puts (&text, "\nincident: ");
        s_buf_text (&text, s->incidents[i], true, NOTIFY_MISSING_ITEM_MAX);
    }
    if (s->incidents_more > 0)
        s_buf_printf (&text, "\n" NOTIFY_ELLIPSIS " and %ld more incident(s)", s->incidents_more);
    for (size_t i = 0; i < s->nnotes; i++) {
        s_buf_puts (&text, "\nnote: ");
        s_buf_text (&text, s->notes[i], true, NOTIFY_SECTION_MAX / 4);
    }

    //  Header: plain text, so no mrkdwn escaping.
    s_buf_puts (&line, s_status_emoji (s->status));
    s_buf_puts (&line, " ");
    s_buf_run_name (&line, s->market, s->session, s->mode, false);
    s_buf_puts (&line, ": ");
    s_buf_text (&line, s->status, false, NOTIFY_FIELD_MAX / 8);
    if (s_blocks_add_header (blocks, &line))
        goto out;

    //  The figures.
    s_buf_puts (&fields[0], "*Mode*\n");
    s_buf_text (&fields[0], s->mode, true, NOTIFY_FIELD_MAX / 2);
    s_buf_printf (&fields[1], "*Rows*\n%ld", s->rows);
    s_buf_printf (&fields[2], "*Tasks*\n%ld", s->tasks_total);
    s_buf_printf (&fields[3], "*Outcome*\n%ld ok, %ld no data, %ld unknown, %ld failed", s->tasks_ok, s->tasks_nodata,
                  s->tasks_unknown, s->tasks_failed);
    if (s->resumed > 0)
        s_buf_printf (&fields[3], " (%ld written before an interruption)", s->resumed);
    s_buf_printf (&fields[4], "*Missing*\n%zu", s->nmissing);
    s_buf_printf (&fields[5], "*Duration*\n%.1f s", s->duration_s);
    s_buf_printf (&fields[6], "*Requests*\n%ld at %.1f req/s", s->requests, s->requests_per_s);
    s_buf_printf (&fields[7], "*Rate limited / retries*\n%ld / %ld", s->rate_limited, s->retries);
    const char *field_texts[8];
    if (s_buf_texts (fields, nfields, field_texts) || s_blocks_add (blocks, s_block_fields (field_texts, nfields)))
        goto out;

    //  Where the data went and which run it was.
    s_buf_t ctx[2] = {{0}};
    const char *ctx_texts[2];
    size_t nctx = 0;
    if (s->object_uri) {
        s_buf_puts (&ctx[nctx], "object ");
        s_buf_text (&ctx[nctx], s->object_uri, true, NOTIFY_FIELD_MAX / 2);
        nctx++;
    }
    if (s->run_id) {
        s_buf_puts (&ctx[nctx], "run ");
        s_buf_text (&ctx[nctx], s->run_id, true, NOTIFY_FIELD_MAX / 2);
        nctx++;
    }
    int ctx_rc = s_buf_texts (ctx, nctx, ctx_texts);
    if (nctx && !ctx_rc)
        ctx_rc = s_blocks_add (blocks, s_block_context (ctx_texts, nctx));
    for (size_t i = 0; i < nctx; i++)
        free (ctx[i].data);
    if (ctx_rc)
        goto out;

    for (size_t i = 0; i < s->nnotes; i++) {
        s_buf_reset (&line);
        s_buf_text (&line, s->notes[i], true, NOTIFY_SECTION_MAX / 2);
        if (line.failed || s_blocks_add (blocks, s_block_section (line.data)))
            goto out;
    }
    if (s->nmissing > 0) {
        s_buf_reset (&line);
        s_buf_missing (&line, s);
        if (line.failed || s_blocks_add (blocks, s_block_section (line.data)))
            goto out;
    }
    if (s->nincidents > 0) {
        s_buf_reset (&line);
        s_buf_printf (&line, "*Incidents (%zu)*", s->nincidents + (size_t) s->incidents_more);
        for (size_t i = 0; i < s->nincidents && line.len + NOTIFY_MISSING_ITEM_MAX + 8 < NOTIFY_SECTION_MAX; i++) {
            s_buf_puts (&line, "\n\xE2\x80\xA2 ");
            s_buf_text (&line, s->incidents[i], true, NOTIFY_MISSING_ITEM_MAX);
        }
        if (line.failed || s_blocks_add (blocks, s_block_section (line.data)))
            goto out;
    }
    if (text.failed)
        goto out;
    s_buf_reset (&line);
    s_buf_text (&line, text.data, false, NOTIFY_TEXT_MAX);   //  already escaped: only cut it
    if (line.failed)
        goto out;
    json = s_message (channel, line.data, blocks);
    blocks = NULL;   //  s_message took it
out:
    json_decref (blocks);
    free (text.data);
    free (line.data);
    for (size_t i = 0; i < nfields; i++)
        free (fields[i].data);
    return json;
}

char *
notify_format_closed (const char *market, const char *date, const char *reason, const char *channel)
{
    s_buf_t text = {0}, header = {0}, section = {0};
    s_buf_run_name (&text, market, date, NULL, true);
    s_buf_puts (&text, ": market closed");
    if (reason && *reason) {
        s_buf_puts (&text, " (");
        s_buf_text (&text, reason, true, NOTIFY_TEXT_MAX / 2);
        s_buf_puts (&text, ")");
    }
    s_buf_puts (&text, ", nothing fetched");

    s_buf_puts (&header, ":closed_book: ");
    s_buf_run_name (&header, market, date, NULL, false);
    s_buf_puts (&header, ": market closed");

    s_buf_puts (&section, "The ");
    s_buf_text (&section, market, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&section, " market has no session on ");
    s_buf_text (&section, date, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&section, ": nothing was fetched.");
    if (reason && *reason) {
        s_buf_puts (&section, "\n*Reason*: ");
        s_buf_text (&section, reason, true, NOTIFY_SECTION_MAX / 2);
    }
    char *json = s_message_parts (channel, &text, &header, NULL, 0, &section);
    free (text.data);
    free (header.data);
    free (section.data);
    return json;
}

char *
notify_format_failure (const char *stage, const char *reason, const char *market, const char *date, const char *channel)
{
    s_buf_t text = {0}, header = {0}, section = {0};
    s_buf_t fields[3] = {{0}};
    size_t nfields = 0;
    //  "eod kr 2024-09-02: writer failed: disk full", or "eod: writer failed: …"
    //  when the failure is not tied to one run.
    if (market && date)
        s_buf_run_name (&text, market, date, NULL, true);
    else
        s_buf_puts (&text, "eod");
    s_buf_puts (&text, ": ");
    s_buf_text (&text, stage, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&text, " failed: ");
    s_buf_text (&text, reason, true, NOTIFY_TEXT_MAX / 2);

    s_buf_puts (&header, ":fire: ");
    if (market && date)
        s_buf_run_name (&header, market, date, NULL, false);
    else
        s_buf_puts (&header, "eod");
    s_buf_puts (&header, ": ");
    s_buf_text (&header, stage, false, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&header, " failed");

    s_buf_puts (&fields[nfields], "*Stage*\n");
    s_buf_text (&fields[nfields++], stage, true, NOTIFY_FIELD_MAX / 2);
    if (market) {
        s_buf_puts (&fields[nfields], "*Market*\n");
        s_buf_text (&fields[nfields++], market, true, NOTIFY_FIELD_MAX / 2);
    }
    if (date) {
        s_buf_puts (&fields[nfields], "*Date*\n");
        s_buf_text (&fields[nfields++], date, true, NOTIFY_FIELD_MAX / 2);
    }
    s_buf_puts (&section, "*Reason*\n");
    s_buf_text (&section, reason, true, NOTIFY_SECTION_MAX - 16);

    char *json = s_message_parts (channel, &text, &header, fields, nfields, &section);
    free (text.data);
    free (header.data);
    free (section.data);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        free (fields[i].data);
    return json;
}

char *
notify_format_text (const char *level, const char *stage, const char *text, const char *channel)
{
    char *json = NULL;
    s_buf_t fallback = {0}, section = {0};
    json_t *blocks = json_array ();
    if (!blocks)
        goto out;

    //  "eod fetcher [warn]: text"
    s_buf_puts (&fallback, "eod ");
    s_buf_text (&fallback, stage, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&fallback, " [");
    s_buf_text (&fallback, level, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&fallback, "]: ");
    s_buf_text (&fallback, text, true, NOTIFY_TEXT_MAX - NOTIFY_FIELD_MAX / 4);

    s_buf_puts (&section, s_level_emoji (level));
    s_buf_puts (&section, " *");
    s_buf_text (&section, stage, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&section, "* ");
    s_buf_text (&section, level, true, NOTIFY_FIELD_MAX / 8);
    s_buf_puts (&section, "\n");
    s_buf_text (&section, text, true, NOTIFY_SECTION_MAX - NOTIFY_FIELD_MAX / 4);

    if (fallback.failed || section.failed || s_blocks_add (blocks, s_block_section (section.data)))
        goto out;
    json = s_message (channel, fallback.data, blocks);
    blocks = NULL;
out:
    json_decref (blocks);
    free (fallback.data);
    free (section.data);
    return json;
}
