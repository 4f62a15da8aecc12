/*  eod_wiki — the constituents table of a Wikipedia index article (see
    eod_wiki.h). libxml2's HTML parser builds the tree; this file walks it. */
#include "eod_wiki.h"
#include "eod_util.h"

#include "eod_log.h"
#include "eod_log_cap.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

//  Forgiving and offline: a broken page still gives a tree, never a fetch.
#define S_PARSE_OPTIONS (HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_RECOVER)
//  Wikipedia serves UTF-8; saying so keeps a page without <meta charset>
//  from being read as Latin-1.
#define S_PAGE_ENCODING "UTF-8"
//  A colspan beyond this is taken as garbage and read as 1 (real tables
//  span a handful of columns).
#define S_MAX_COLSPAN 64
//  Longest text between brackets still taken as a footnote marker
//  ("[citation needed]" is 17 bytes).
#define S_MAX_FOOTNOTE 24
//  First allocation of a text buffer and of the row array.
#define S_BUF_INITIAL 64
#define S_ROWS_INITIAL 128
//  A wanted column the header does not have.
#define S_NO_COLUMN (-1)

//  A growable text buffer; oom is sticky so callers check once at the end.
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    bool oom;
} s_buf_t;

static void
s_buf_append (s_buf_t *b, const char *text, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : S_BUF_INITIAL;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *data = realloc (b->data, cap);
        if (!data) {
            b->oom = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy (b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

//  True when node is the element called name (ASCII, case-insensitive:
//  the HTML parser lower-cases tag names, but be safe).
static bool
s_is_element (const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->name && strcasecmp ((const char *) node->name, name) == 0;
}

//  True when the class attribute of node holds the token cls.
static bool
s_has_class (xmlNode *node, const char *cls)
{
    xmlChar *value = xmlGetProp (node, (const xmlChar *) "class");
    if (!value)
        return false;
    bool found = false;
    size_t n = strlen (cls);
    const char *p = (const char *) value;
    while (*p && !found) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        size_t len = strcspn (p, " \t\n");
        if (len == n && strncmp (p, cls, n) == 0)
            found = true;
        p += len;
    }
    xmlFree (value);
    return found;
}

//  True when an inline style hides node ("display: none").
static bool
s_is_display_none (xmlNode *node)
{
    xmlChar *value = xmlGetProp (node, (const xmlChar *) "style");
    if (!value)
        return false;
    //  Squeeze out the blanks and lower-case in place (the copy is ours),
    //  so "Display : none" counts too.
    char *w = (char *) value;
    for (const char *r = (const char *) value; *r; r++)
        if (*r != ' ' && *r != '\t')
            *w++ = (char) tolower ((unsigned char) *r);
    *w = '\0';
    bool hidden = strstr ((const char *) value, "display:none") != NULL;
    xmlFree (value);
    return hidden;
}

//  True for an element whose text is not part of the cell as a reader sees
//  it: footnote markers, style sheets, scripts and hidden sort keys.
static bool
s_is_hidden (xmlNode *node)
{
    if (s_is_element (node, "style") || s_is_element (node, "script"))
        return true;
    if (s_is_element (node, "sup") && s_has_class (node, "reference"))
        return true;
    return s_has_class (node, "sortkey") || s_is_display_none (node);
}

//  True for an element that separates words when rendered.
static bool
s_is_break (const xmlNode *node)
{
    static const char *breaks[] = {"br", "p", "div", "li", "ul", "ol", "dd", "dt", "table", "tr", "td", "th", NULL};
    for (size_t i = 0; breaks[i]; i++)
        if (s_is_element (node, breaks[i]))
            return true;
    return false;
}

//  Appends all visible descendant text of node to b.
static void
s_collect_text (xmlNode *node, s_buf_t *b)
{
    for (xmlNode *child = node->children; child; child = child->next) {
        if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
            if (child->content)
                s_buf_append (b, (const char *) child->content, strlen ((const char *) child->content));
        }
        else if (child->type == XML_ELEMENT_NODE && !s_is_hidden (child)) {
            bool brk = s_is_break (child);
            if (brk)
                s_buf_append (b, " ", 1);
            s_collect_text (child, b);
            if (brk)
                s_buf_append (b, " ", 1);
        }
    }
}

//  True when s [0..n) is a footnote marker's inside: letters, digits and
//  spaces only ("1", "a", "note 2", "citation needed").
static bool
s_is_footnote_body (const char *s, size_t n)
{
    if (n == 0 || n > S_MAX_FOOTNOTE)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ';
        if (!ok)
            return false;
    }
    return true;
}

//  Cleans cell text in place: no-break spaces (U+00A0, U+202F) become
//  spaces, bracketed footnote markers go, runs of whitespace become one
//  space, and the ends are trimmed.
static void
s_clean (char *s)
{
    //  The result is never longer than the input, so one pass writes
    //  behind the read position.
    char *w = s;
    bool pending_space = false;
    for (const char *r = s; *r;) {
        bool space = false;
        size_t skip = 1;
        unsigned char c = (unsigned char) *r;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            space = true;
        else if (c == 0xC2 && (unsigned char) r[1] == 0xA0) {
            space = true;
            skip = 2;
        }
        else if (c == 0xE2 && (unsigned char) r[1] == 0x80 && (unsigned char) r[2] == 0xAF) {
            space = true;
            skip = 3;
        }
        else if (c == '[') {
            const char *close = strchr (r + 1, ']');
            if (close && s_is_footnote_body (r + 1, (size_t) (close - r - 1))) {
                r = close + 1;
                continue;
            }
        }
        if (space) {
            pending_space = true;
            r += skip;
            continue;
        }
        if (pending_space && w != s)
            *w++ = ' ';
        pending_space = false;
        *w++ = *r++;
    }
    *w = '\0';
}

//  Returns the cleaned text of a cell as a new string, or NULL (no memory).
static char *
s_cell_text (xmlNode *cell)
{
    s_buf_t b = {NULL, 0, 0, false};
    s_collect_text (cell, &b);
    if (b.oom) {
        free (b.data);
        return NULL;
    }
    if (!b.data)
        return strdup ("");
    //  libxml2 in recover mode passes bytes that are not UTF-8 through.
    eod_utf8_repair (b.data);
    s_clean (b.data);
    return b.data;
}

//  The colspan of a cell, 1 when absent or not a sane number.
static int
s_colspan (xmlNode *cell)
{
    xmlChar *value = xmlGetProp (cell, (const xmlChar *) "colspan");
    if (!value)
        return 1;
    char *end = NULL;
    long n = strtol ((const char *) value, &end, 10);
    bool ok = end != (char *) value && n >= 1 && n <= S_MAX_COLSPAN;
    xmlFree (value);
    return ok ? (int) n : 1;
}

static bool
s_is_cell (const xmlNode *node)
{
    return s_is_element (node, "td") || s_is_element (node, "th");
}

//  The cell of row that covers column col (0-based, colspan counted), or
//  NULL when the row is shorter.
static xmlNode *
s_cell_at (xmlNode *row, int col)
{
    int at = 0;
    for (xmlNode *cell = row->children; cell; cell = cell->next) {
        if (!s_is_cell (cell))
            continue;
        int span = s_colspan (cell);
        if (col < at + span)
            return cell;
        at += span;
    }
    return NULL;
}

//  True when row has a child element called name.
static bool
s_row_has (xmlNode *row, const char *name)
{
    for (xmlNode *cell = row->children; cell; cell = cell->next)
        if (s_is_element (cell, name))
            return true;
    return false;
}

//  The rows of one table: its own <tr>s, directly or in thead/tbody/tfoot,
//  never those of a table nested in a cell.
typedef struct {
    xmlNode **rows;
    size_t count;
    size_t cap;
} s_rows_t;

static int
s_rows_push (s_rows_t *r, xmlNode *row)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : S_ROWS_INITIAL;
        xmlNode **rows = realloc (r->rows, cap * sizeof (*rows));
        if (!rows)
            return -1;
        r->rows = rows;
        r->cap = cap;
    }
    r->rows[r->count++] = row;
    return 0;
}

static int
s_table_rows (xmlNode *table, s_rows_t *r)
{
    for (xmlNode *child = table->children; child; child = child->next) {
        if (s_is_element (child, "tr")) {
            if (s_rows_push (r, child))
                return -1;
        }
        else if (s_is_element (child, "thead") || s_is_element (child, "tbody") || s_is_element (child, "tfoot")) {
            for (xmlNode *row = child->children; row; row = row->next)
                if (s_is_element (row, "tr") && s_rows_push (r, row))
                    return -1;
        }
    }
    return 0;
}

//  Where the wanted columns are in a table (S_NO_COLUMN when absent).
typedef struct {
    size_t header_row;   //  index in the table's rows
    int symbol;
    int company;
    int sector;
    int sub_industry;
} s_columns_t;

//  Maps the header row of a table (its first row with a <th>). Returns 1
//  when it has a symbol and a company column, 0 when not, -1 on no memory.
static int
s_map_header (const s_rows_t *r, s_columns_t *cols)
{
    cols->symbol = cols->company = cols->sector = cols->sub_industry = S_NO_COLUMN;
    size_t i = 0;
    while (i < r->count && !s_row_has (r->rows[i], "th"))
        i++;
    if (i == r->count)
        return 0;
    cols->header_row = i;
    int at = 0;
    for (xmlNode *cell = r->rows[i]->children; cell; cell = cell->next) {
        if (!s_is_cell (cell))
            continue;
        char *name = s_cell_text (cell);
        if (!name)
            return -1;
        if (cols->symbol == S_NO_COLUMN && (strcasecmp (name, "Symbol") == 0 || strcasecmp (name, "Ticker") == 0))
            cols->symbol = at;
        else if (cols->company == S_NO_COLUMN
                 && (strcasecmp (name, "Security") == 0 || strcasecmp (name, "Company") == 0))
            cols->company = at;
        else if (cols->sector == S_NO_COLUMN && strcasecmp (name, "GICS Sector") == 0)
            cols->sector = at;
        else if (cols->sub_industry == S_NO_COLUMN && strcasecmp (name, "GICS Sub-Industry") == 0)
            cols->sub_industry = at;
        free (name);
        at += s_colspan (cell);
    }
    return cols->symbol != S_NO_COLUMN && cols->company != S_NO_COLUMN;
}

//  Text of the cell at col in row, "" when the column is absent or the row
//  is short. New string or NULL (no memory).
static char *
s_field (xmlNode *row, int col)
{
    xmlNode *cell = col == S_NO_COLUMN ? NULL : s_cell_at (row, col);
    return cell ? s_cell_text (cell) : strdup ("");
}

static void
s_row_free (eod_wiki_row_t *row)
{
    free (row->symbol);
    free (row->company);
    free (row->sector);
    free (row->sub_industry);
    memset (row, 0, sizeof (*row));
}

//  Copies the data rows below the header into out. 0 or -1 (no memory).
static int
s_take_rows (const s_rows_t *r, const s_columns_t *cols, const char *source, eod_wiki_table_t *out)
{
    int rc = -1;
    size_t cap = 0;
    eod_wiki_row_t row = {NULL, NULL, NULL, NULL};
    for (size_t i = cols->header_row + 1; i < r->count; i++) {
        xmlNode *tr = r->rows[i];
        //  A row of <th> only is a repeated or second header row, not data
        //  (data rows may open with a <th scope="row"> but hold <td>s).
        if (!s_row_has (tr, "td"))
            continue;
        row.symbol = s_field (tr, cols->symbol);
        row.company = s_field (tr, cols->company);
        row.sector = s_field (tr, cols->sector);
        row.sub_industry = s_field (tr, cols->sub_industry);
        if (!row.symbol || !row.company || !row.sector || !row.sub_industry)
            goto out;
        if (*row.symbol == '\0') {
            out->skipped++;
            eod_log_warn_capped ("index table row without a symbol",
                                 "%s: table row %zu has no symbol (company \"%s\"), skipped", source, i + 1,
                                 row.company);
            s_row_free (&row);
            continue;
        }
        if (out->nrows == cap) {
            size_t ncap = cap ? cap * 2 : S_ROWS_INITIAL;
            eod_wiki_row_t *rows = realloc (out->rows, ncap * sizeof (*rows));
            if (!rows)
                goto out;
            out->rows = rows;
            cap = ncap;
        }
        out->rows[out->nrows++] = row;
        memset (&row, 0, sizeof (row));
    }
    rc = 0;
out:
    s_row_free (&row);
    return rc;
}

//  Depth-first, in document order: the first table under node whose header
//  maps. Returns 1 with that table's rows in rows and its columns in cols,
//  0 when there is none, -1 on no memory.
static int
s_find_table (xmlNode *node, s_rows_t *rows, s_columns_t *cols)
{
    for (xmlNode *child = node; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (s_is_element (child, "table")) {
            rows->count = 0;
            if (s_table_rows (child, rows))
                return -1;
            int rc = s_map_header (rows, cols);
            if (rc != 0)
                return rc;
        }
        //  A layout table may hold the real one, so look inside tables too.
        int rc = s_find_table (child->children, rows, cols);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
eod_wiki_constituents (const char *html, size_t len, const char *source, eod_wiki_table_t *out, char *err,
                       size_t errlen)
{
    assert (out);
    int rc = -1;
    htmlDocPtr doc = NULL;
    s_rows_t rows = {NULL, 0, 0};
    memset (out, 0, sizeof (*out));
    if (!source)
        source = "(page)";
    if (err && errlen)
        err[0] = '\0';

    if (!html || len == 0 || len > INT_MAX) {
        eod_set_error (err, errlen, "%s: empty or oversized page (%zu bytes)", source, len);
        goto out;
    }
    doc = htmlReadMemory (html, (int) len, NULL, S_PAGE_ENCODING, S_PARSE_OPTIONS);
    xmlNode *root = doc ? xmlDocGetRootElement (doc) : NULL;
    if (!root) {
        eod_set_error (err, errlen, "%s: not an HTML page", source);
        goto out;
    }
    s_columns_t cols;
    int found = s_find_table (root, &rows, &cols);
    if (found == -1) {
        eod_set_error (err, errlen, "%s: out of memory", source);
        goto out;
    }
    if (found == 0) {
        eod_set_error (err, errlen, "no table with a Symbol/Ticker and a Security/Company header in %s", source);
        goto out;
    }
    //  s_find_table left the winning table's rows in rows.
    if (s_take_rows (&rows, &cols, source, out)) {
        eod_set_error (err, errlen, "%s: out of memory", source);
        eod_wiki_table_clear (out);
        goto out;
    }
    rc = 0;
out:
    free (rows.rows);
    if (doc)
        xmlFreeDoc (doc);
    return rc;
}

void
eod_wiki_table_clear (eod_wiki_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        s_row_free (&t->rows[i]);
    free (t->rows);
    t->rows = NULL;
    t->nrows = 0;
    t->skipped = 0;
}
