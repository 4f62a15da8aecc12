/*  lister universe_diff — see universe_diff.h. */
#include "universe_diff.h"
#include "eod_grammar.h"
#include "eod_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_DAY_TAG "#day\t"
#define S_DAY_LEN 10
#define S_CURRENT "current.members"
#define S_PREVIOUS "previous.members"
//  Largest membership file read back (a KR snapshot is some 100 KB).
#define S_FILE_MAX ((size_t) 64 * 1024 * 1024)
#define S_PATH_MAX 1200

//  One "SET\tCODE" line of a text: borrowed, not NUL-terminated.
typedef struct {
    const char *p;
    size_t len;
} s_line_t;

static int
s_line_cmp (const void *a, const void *b)
{
    const s_line_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp (x->p, y->p, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

//  The membership lines of text, sorted, duplicates dropped, into *lines
//  (malloc'd; the caller frees). Returns the count, or -1 out of memory.
static long
s_lines (const char *text, size_t len, s_line_t **lines)
{
    size_t cap = 0, n = 0;
    *lines = NULL;
    for (size_t i = 0; i < len;) {
        const char *p = text + i;
        const char *nl = memchr (p, '\n', len - i);
        size_t l = nl ? (size_t) (nl - p) : len - i;
        i += l + (nl != NULL);
        if (l == 0 || *p == '#' || !memchr (p, '\t', l))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            s_line_t *bigger = realloc (*lines, cap * sizeof *bigger);
            if (!bigger) {
                free (*lines);
                *lines = NULL;
                return -1;
            }
            *lines = bigger;
        }
        (*lines)[n++] = (s_line_t) {p, l};
    }
    if (n)
        qsort (*lines, n, sizeof **lines, s_line_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || s_line_cmp (&(*lines)[kept - 1], &(*lines)[i]) != 0)
            (*lines)[kept++] = (*lines)[i];
    return (long) kept;
}

//  The set of a line (its name up to the TAB, cut to fit) and its entry in
//  d, added when new; past LISTER_UDIFF_SETS_MAX sets, the last one.
static lister_udiff_set_t *
s_set (lister_udiff_t *d, const s_line_t *line)
{
    const char *tab = memchr (line->p, '\t', line->len);
    size_t n = (size_t) (tab - line->p);
    if (n >= LISTER_UDIFF_SET_NAME)
        n = LISTER_UDIFF_SET_NAME - 1;
    for (size_t i = 0; i < d->nsets; i++)
        if (strlen (d->sets[i].name) == n && memcmp (d->sets[i].name, line->p, n) == 0)
            return &d->sets[i];
    if (d->nsets == LISTER_UDIFF_SETS_MAX)
        return &d->sets[LISTER_UDIFF_SETS_MAX - 1];
    lister_udiff_set_t *s = &d->sets[d->nsets++];
    memcpy (s->name, line->p, n);
    s->name[n] = '\0';
    return s;
}

//  Adds the line's code to codes (the first LISTER_UDIFF_SHOWN of count).
static void
s_name_code (char *codes, size_t count, const s_line_t *line)
{
    if (count > LISTER_UDIFF_SHOWN)
        return;
    const char *tab = memchr (line->p, '\t', line->len);
    const char *code = tab + 1;
    int n = (int) (line->len - (size_t) (code - line->p));
    size_t used = strlen (codes);
    if (used + 2 + (size_t) n + 1 > LISTER_UDIFF_CODES)
        return;
    snprintf (codes + used, LISTER_UDIFF_CODES - used, "%s%.*s", used ? ", " : "", n, code);
}

int
lister_udiff_compare (const char *prev, size_t prevlen, const char *cur, size_t curlen, lister_udiff_t *out)
{
    memset (out, 0, sizeof *out);
    s_line_t *a = NULL, *b = NULL;
    long na = s_lines (prev, prevlen, &a);
    long nb = na < 0 ? -1 : s_lines (cur, curlen, &b);
    int rc = -1;
    if (na < 0 || nb < 0)
        goto out;
    long i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : s_line_cmp (&a[i], &b[j]);
        if (c == 0) {
            lister_udiff_set_t *s = s_set (out, &a[i]);
            s->before++;
            s->after++;
            i++;
            j++;
        }
        else if (c < 0) {
            lister_udiff_set_t *s = s_set (out, &a[i]);
            s->before++;
            s->left++;
            out->left++;
            s_name_code (s->left_codes, s->left, &a[i++]);
        }
        else {
            lister_udiff_set_t *s = s_set (out, &b[j]);
            s->after++;
            s->entered++;
            out->entered++;
            s_name_code (s->entered_codes, s->entered, &b[j++]);
        }
    }
    rc = 0;
out:
    free (a);
    free (b);
    return rc;
}

//  The day of a membership file's header into day (S_DAY_LEN + 1 bytes), or
//  "" when it has none that is a date.
static void
s_file_day (const char *text, size_t len, char *day)
{
    day[0] = '\0';
    size_t tag = strlen (S_DAY_TAG);
    if (len < tag + S_DAY_LEN || memcmp (text, S_DAY_TAG, tag) != 0)
        return;
    char candidate[S_DAY_LEN + 1];
    memcpy (candidate, text + tag, S_DAY_LEN);
    candidate[S_DAY_LEN] = '\0';
    if (eod_grammar_ok (EOD_G_DATE, candidate, NULL, 0))
        memcpy (day, candidate, S_DAY_LEN + 1);
}

//  Reads path whole; NULL with *len 0 when it does not exist. -1 in *failed
//  for any other error.
static char *
s_read (const char *path, size_t *len, bool *failed)
{
    *len = 0;
    errno = 0;
    char *text = eod_read_file (path, S_FILE_MAX, len);
    if (!text && errno != ENOENT)
        *failed = true;
    return text;
}

//  Writes "#day\tDAY\n" and body to path, atomically.
static int
s_write (const char *path, const char *day, const char *body, size_t len)
{
    size_t head = strlen (S_DAY_TAG) + S_DAY_LEN + 1;
    char *text = malloc (head + len);
    if (!text)
        return -1;
    snprintf (text, head + 1, "%s%s\n", S_DAY_TAG, day);
    memcpy (text + head, body, len);
    int rc = eod_write_file_atomic (path, text, head + len, 0600);
    free (text);
    return rc;
}

int
lister_udiff_update (const char *dir, const char *day, const char *members, size_t len, lister_udiff_t *out,
                     char *err, size_t errlen)
{
    memset (out, 0, sizeof *out);
    out->first = true;
    char cur_path[S_PATH_MAX], prev_path[S_PATH_MAX];
    if (!eod_grammar_ok (EOD_G_DATE, day, NULL, 0)) {
        eod_set_error (err, errlen, "the snapshot's day \"%.16s\" is not a date", day);
        return -1;
    }
    if (eod_path_format (cur_path, sizeof cur_path, "%s/%s", dir, S_CURRENT)
        || eod_path_format (prev_path, sizeof prev_path, "%s/%s", dir, S_PREVIOUS)) {
        eod_set_error (err, errlen, "%s: the path is too long", dir);
        return -1;
    }
    if (eod_mkdirs (dir, 0700)) {
        eod_set_error (err, errlen, "%s: cannot be made: %s", dir, strerror (errno));
        return -1;
    }
    bool failed = false;
    size_t cur_len = 0, prev_len = 0;
    char *cur = s_read (cur_path, &cur_len, &failed);
    char *prev = s_read (prev_path, &prev_len, &failed);
    int rc = -1;
    if (failed) {
        eod_set_error (err, errlen, "%s: the previous snapshot cannot be read: %s", dir, strerror (errno));
        goto out;
    }
    char cur_day[S_DAY_LEN + 1], prev_day[S_DAY_LEN + 1];
    s_file_day (cur ? cur : "", cur_len, cur_day);
    s_file_day (prev ? prev : "", prev_len, prev_day);
    //  The base: the latest snapshot of a day before this one.
    const char *base = NULL, *base_day = NULL;
    size_t base_len = 0;
    if (*cur_day && strcmp (cur_day, day) < 0) {
        base = cur, base_len = cur_len, base_day = cur_day;
    }
    else if (*prev_day && strcmp (prev_day, day) < 0) {
        base = prev, base_len = prev_len, base_day = prev_day;
    }
    if (base) {
        if (lister_udiff_compare (base, base_len, members, len, out)) {
            eod_set_error (err, errlen, "out of memory");
            goto out;
        }
        snprintf (out->since, sizeof out->since, "%s", base_day);
    }
    //  previous.members: the base; nothing when there is none.
    size_t tag = strlen (S_DAY_TAG) + S_DAY_LEN + 1;
    if (base == cur && s_write (prev_path, base_day, base_len > tag ? base + tag : "", base_len > tag ? base_len - tag : 0)) {
        eod_set_error (err, errlen, "%s: cannot be written: %s", prev_path, strerror (errno));
        goto out;
    }
    if (!base && unlink (prev_path) && errno != ENOENT) {
        eod_set_error (err, errlen, "%s: cannot be removed: %s", prev_path, strerror (errno));
        goto out;
    }
    if (s_write (cur_path, day, members, len)) {
        eod_set_error (err, errlen, "%s: cannot be written: %s", cur_path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    free (cur);
    free (prev);
    return rc;
}

void
lister_udiff_text (const lister_udiff_t *d, char *out, size_t size)
{
    if (!size)
        return;
    if (d->first) {
        snprintf (out, size, "first snapshot: nothing to compare with");
        return;
    }
    size_t used = (size_t) snprintf (out, size, "since %s:", d->since);
    bool any = false;
    for (size_t i = 0; i < d->nsets && used < size; i++) {
        const lister_udiff_set_t *s = &d->sets[i];
        if (!s->entered && !s->left)
            continue;
        used += (size_t) snprintf (out + used, size - used, "%s %s", any ? ";" : "", s->name);
        if (s->entered && used < size)
            used += (size_t) snprintf (out + used, size - used, " +%zu (%s%s)", s->entered, s->entered_codes,
                                       s->entered > LISTER_UDIFF_SHOWN ? ", ..." : "");
        if (s->left && used < size)
            used += (size_t) snprintf (out + used, size - used, " -%zu (%s%s)", s->left, s->left_codes,
                                       s->left > LISTER_UDIFF_SHOWN ? ", ..." : "");
        any = true;
    }
    if (!any && used < size)
        snprintf (out + used, size - used, " no change");
}
