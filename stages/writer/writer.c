/*  writer — see writer.h. */
#define _GNU_SOURCE   //  qsort_r
#include "writer.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_util.h"

#include <arpa/inet.h>
#include <assert.h>
#include <csv.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
//  The one-shot MD5 functions, deprecated in OpenSSL 3 but kept: see s_md5_file.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_BATCH_MAX 256           //  results made durable by one fsync
#define S_INPUT_HWM S_BATCH_MAX   //  messages queued in this process per peer: one batch
#define S_RESEND_MS 2000          //  FILE/END the uploader has not acknowledged are sent again
#define S_POLL_MS 500
#define S_ACK_IDS_MAX 256         //  task ids in one ACK
#define S_GROUP_MS 2              //  a batch with results waits this long for more before its fsync

//  KR: output2 (13), output1 less what output2 has (23), master file (5).
static const char *const s_kr_columns[] = {
    "stck_bsop_date", "stck_clpr", "stck_oprc", "stck_hgpr", "stck_lwpr", "acml_vol", "acml_tr_pbmn",
    "flng_cls_code", "prtt_rate", "mod_yn", "prdy_vrss_sign", "prdy_vrss", "revl_issu_reas",
    "prdy_ctrt", "stck_prdy_clpr", "hts_kor_isnm", "stck_prpr", "stck_shrn_iscd", "prdy_vol", "stck_mxpr",
    "stck_llam", "stck_prdy_oprc", "stck_prdy_hgpr", "stck_prdy_lwpr", "askp", "bidp", "prdy_vrss_vol",
    "vol_tnrt", "stck_fcam", "lstn_stcn", "cpfn", "hts_avls", "per", "eps", "pbr", "itewhol_loan_rmnd_ratem",
    "group_code", "revenue", "operating_profit", "net_income", "roe"};
#define S_KR_OUTPUT2 13
#define S_KR_OUTPUT1_END 36

//  US: output2 (14, clos renamed close), output1 (3), instrument (12).
static const char *const s_us_columns[] = {
    "xymd", "close", "sign", "diff", "rate", "open", "high", "low", "tvol", "tamt", "pbid", "vbid", "pask", "vask",
    "rsym", "zdiv", "nrec", "symbol", "DOW30", "NAS100", "S&P500", "korea_name", "english_name", "security_type",
    "exchange_code", "exchange_name", "GICS Sector", "GICS Sub-Industry", "Company"};
#define S_US_OUTPUT2 14
#define S_US_OUTPUT1_END 17

size_t
writer_columns (const char *market, const char *const **columns)
{
    if (strcmp (market, "us") == 0) {
        *columns = s_us_columns;
        return sizeof s_us_columns / sizeof s_us_columns[0];
    }
    *columns = s_kr_columns;
    return sizeof s_kr_columns / sizeof s_kr_columns[0];
}

static const char *
s_or_empty (const char *s)
{
    return s ? s : "";
}

int
writer_row_values (const char *market, const eod_fields_t *row, const eod_fields_t *snapshot,
                   const eod_fields_t *meta, const char *code, bool with_snapshot, const char **out,
                   char date_buf[11])
{
    bool us = strcmp (market, "us") == 0;
    const char *raw = eod_fields_get (row, us ? "xymd" : "stck_bsop_date");
    if (!raw || strlen (raw) != 8 || strspn (raw, "0123456789") != 8)
        return -1;
    snprintf (date_buf, 11, "%.4s-%.2s-%.2s", raw, raw + 4, raw + 6);
    const char *const *cols;
    size_t n = writer_columns (market, &cols);
    size_t n2 = us ? S_US_OUTPUT2 : S_KR_OUTPUT2;
    size_t n1 = us ? S_US_OUTPUT1_END : S_KR_OUTPUT1_END;
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        if (i == 0)
            v = date_buf;
        else if (i < n2)
            v = eod_fields_get (row, us && strcmp (cols[i], "close") == 0 ? "clos" : cols[i]);
        else if (i < n1) {
            //  Identity fields on every row; the rest of the snapshot only on
            //  the session it describes.
            if (!us && strcmp (cols[i], "hts_kor_isnm") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = eod_fields_get (meta, "name");
            }
            else if (!us && strcmp (cols[i], "stck_shrn_iscd") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = code;
            }
            else if (with_snapshot) {
                v = eod_fields_get (snapshot, cols[i]);
                if (!v && strcmp (cols[i], "itewhol_loan_rmnd_ratem") == 0)
                    v = eod_fields_get (snapshot, "itewhol_loan_rmnd_ratem name");
            }
        }
        else if (us || with_snapshot)
            //  US instrument columns identify the row; KR master values are
            //  a snapshot of the listing day.
            v = us && strcmp (cols[i], "symbol") == 0 ? code : eod_fields_get (meta, cols[i]);
        out[i] = s_or_empty (v);
    }
    return 0;
}

int
writer_csv_field (FILE *out, const char *value)
{
    size_t len = strlen (value);
    if (strpbrk (value, ",\"\r\n"))
        return csv_fwrite (out, value, len) == 0 ? 0 : -1;
    return fwrite (value, 1, len, out) == len ? 0 : -1;
}

//  ---------------------------------------------------------------- folding
//
//  The fold runs in two passes so that its memory does not grow with the date
//  range of the run. Pass 1 reads the journal one record at a time and spools
//  each row, already formatted as its CSV line, into one file per calendar
//  month next to the journal. Pass 2 takes the months in ascending order, one
//  at a time, and holds only an index of the month's rows (see "one month"):
//  the rows themselves stay in the spool, and so do the rows the partition
//  files of its sessions already have, until each file is written.
//
//  Spool record: a 4-byte big-endian length, the sort key "YYYY-MM-DD\tCODE",
//  a NUL, a 4-byte big-endian length, the CSV line with its '\n', a NUL. The
//  lengths are needed because a CSV field can hold a line break; the NULs
//  make a damaged or misaligned record show.

#define S_SPOOL_OPEN_MAX 64          //  spool files open at once in pass 1
#define S_SPOOL_FILE_MAX UINT32_MAX  //  the largest month spool: the index holds 32-bit offsets
#define S_READ_CHUNK 65536           //  bytes of a partition file parsed at a time
#define S_VALUES_MAX 64              //  columns of the widest market
#define S_KEY_MAX 96                 //  "YYYY-MM-DD\tCODE" and its NUL
#define S_DATE_LEN 10                //  YYYY-MM-DD
#define S_MONTH_LEN 7                //  YYYY-MM
#define S_PATH_MAX 4200

static int
s_format_line (const char *const *values, size_t n, char **line, size_t *len)
{
    *line = NULL;
    *len = 0;
    FILE *mem = open_memstream (line, len);
    if (!mem)
        return -1;
    int rc = 0;
    for (size_t c = 0; c < n; c++)
        rc |= (c ? fputc (',', mem) == EOF : 0) | writer_csv_field (mem, values[c]);
    rc |= fputc ('\n', mem) == EOF;
    rc |= fclose (mem) != 0;
    if (rc) {
        free (*line);
        *line = NULL;
        return -1;
    }
    return 0;
}

//  The spool directory of a journal: "<run>.journal" -> "<run>.spool".
static void
s_spool_dir (const char *journal, char *dir, size_t size)
{
    size_t len = strlen (journal);
    const char *suffix = ".journal";
    size_t slen = strlen (suffix);
    if (len > slen && strcmp (journal + len - slen, suffix) == 0)
        snprintf (dir, size, "%.*s.spool", (int) (len - slen), journal);
    else
        snprintf (dir, size, "%s.spool", journal);
}

//  Removes a spool directory and the files in it (there are no
//  subdirectories). A missing directory is fine. 0 or -1 (logged).
static int
s_spool_remove (const char *dir)
{
    DIR *d = opendir (dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir (d))) {
        if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
            continue;
        char path[S_PATH_MAX];
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink (path)) {
            eod_log_error ("%s: %s", path, strerror (errno));
            rc = -1;
        }
    }
    closedir (d);
    if (rmdir (dir)) {
        eod_log_error ("%s: %s", dir, strerror (errno));
        rc = -1;
    }
    return rc;
}

typedef struct {
    char month[S_MONTH_LEN + 1];
    FILE *file;
    unsigned long used;      //  tick of the last write, for evicting the least recent
} s_spool_slot_t;

typedef struct {
    const char *journal;
    const char *dir;
    const char *market;
    bool dir_made;
    s_spool_slot_t slots[S_SPOOL_OPEN_MAX];
    unsigned long tick;
    zhashx_t *seen;          //  months spooled (keys)
    char (*months)[S_MONTH_LEN + 1];
    size_t nmonths;
    size_t cap;
    long rows;               //  rows spooled
    long skipped;            //  rows without a valid trade date
    int rc;
} s_spool_t;

static int
s_spool_close (s_spool_t *sp, s_spool_slot_t *slot)
{
    int rc = 0;
    if (slot->file && fclose (slot->file)) {
        eod_log_error ("%s/%s.spool: %s", sp->dir, slot->month, strerror (errno));
        rc = -1;
    }
    slot->file = NULL;
    slot->month[0] = '\0';
    return rc;
}

//  The open spool file of a month: one already open, or opened (append) in a
//  free slot or in place of the least recently written one.
static FILE *
s_spool_file (s_spool_t *sp, const char *month)
{
    s_spool_slot_t *slot = NULL;
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (sp->slots[i].file && strcmp (sp->slots[i].month, month) == 0) {
            slot = &sp->slots[i];
            goto out;
        }
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (!slot || !sp->slots[i].file || sp->slots[i].used < slot->used) {
            slot = &sp->slots[i];
            if (!slot->file)
                break;
        }
    if (s_spool_close (sp, slot))
        return NULL;
    if (!sp->dir_made) {
        if (mkdir (sp->dir, 0700) && errno != EEXIST) {
            eod_log_error ("%s: %s", sp->dir, strerror (errno));
            return NULL;
        }
        sp->dir_made = true;
    }
    char path[S_PATH_MAX];
    snprintf (path, sizeof path, "%s/%s.spool", sp->dir, month);
    slot->file = fopen (path, "ab");
    if (!slot->file) {
        eod_log_error ("%s: %s", path, strerror (errno));
        return NULL;
    }
    memcpy (slot->month, month, S_MONTH_LEN + 1);
    if (!zhashx_lookup (sp->seen, month)) {
        if (sp->nmonths == sp->cap) {
            size_t cap = sp->cap ? 2 * sp->cap : 16;
            void *bigger = realloc (sp->months, cap * sizeof *sp->months);
            if (!bigger)
                return NULL;
            sp->months = bigger;
            sp->cap = cap;
        }
        memcpy (sp->months[sp->nmonths++], month, S_MONTH_LEN + 1);
        zhashx_insert (sp->seen, month, (void *) 1);
    }
out:
    slot->used = ++sp->tick;
    return slot->file;
}

static int
s_put_blob (FILE *f, const char *data, size_t len)
{
    uint32_t be = htonl ((uint32_t) len);
    return fwrite (&be, sizeof be, 1, f) == 1 && fwrite (data, 1, len, f) == len && fputc ('\0', f) != EOF ? 0 : -1;
}

//  Pass 1, for each journal record: the rows of a RESULT of this market go
//  to their months' spools, formatted.
static int
s_spool_result (eod_msg_t **msg_p, long record, void *arg)
{
    s_spool_t *sp = arg;
    const eod_msg_t *r = *msg_p;
    if (r->type != EOD_MSG_RESULT || strcmp (r->market, sp->market) != 0)
        return 0;
    const char *const *cols;
    size_t n = writer_columns (r->market, &cols);
    assert (n <= S_VALUES_MAX);
    const char *values[S_VALUES_MAX];
    bool us = strcmp (r->market, "us") == 0;
    bool daily = !r->mode || strcmp (r->mode, "daily") == 0;
    //  The snapshot (output1) describes the last session of a daily task.
    char compact_to[9] = "";
    if (r->date_to && strlen (r->date_to) == S_DATE_LEN)
        snprintf (compact_to, sizeof compact_to, "%.4s%.2s%.2s", r->date_to, r->date_to + 5, r->date_to + 8);
    for (size_t i = 0; i < r->nrows; i++) {
        char date[11];
        const char *raw = eod_fields_get (&r->rows[i], us ? "xymd" : "stck_bsop_date");
        bool with_snapshot = daily && raw && strcmp (raw, compact_to) == 0;
        if (writer_row_values (r->market, &r->rows[i], &r->snapshot, &r->meta, r->code, with_snapshot, values,
                               date)) {
            eod_log_warn ("%s: record %ld: %s %s row %zu: trade date \"%s\" is not YYYYMMDD: row skipped",
                          sp->journal, record, r->market, r->code, i + 1, raw ? raw : "(none)");
            sp->skipped++;
            continue;
        }
        char key[S_KEY_MAX];
        snprintf (key, sizeof key, "%s\t%s", date, r->code);
        char month[S_MONTH_LEN + 1];
        memcpy (month, date, S_MONTH_LEN);
        month[S_MONTH_LEN] = '\0';
        char *line = NULL;
        size_t len = 0;
        FILE *f = s_spool_file (sp, month);
        if (!f || s_format_line (values, n, &line, &len) || s_put_blob (f, key, strlen (key))
            || s_put_blob (f, line, len)) {
            eod_log_error ("%s/%s.spool: cannot spool: %s", sp->dir, month, strerror (errno));
            free (line);
            sp->rc = -1;
            return -1;
        }
        free (line);
        sp->rows++;
    }
    return 0;
}

//  ---------------------------------------------------------------- one month
//
//  Pass 2 holds an index of the month, never its rows: for each row its
//  session, its code and where its CSV line is in the spool file, 16 bytes and
//  the code's characters. Rows are deduped by sorting the index, not hashing:
//  a sorted array is the smallest structure that finds duplicates. Each file
//  is written by reading its lines back from the spool (pread). The rows a
//  partition file already holds are appended to the same spool file, after
//  the journal's, so a line's offset is also its arrival order.

typedef struct {
    uint32_t date;           //  the session, YYYYMMDD
    uint32_t code;           //  offset of the code (with its NUL) in the month's code arena
    uint32_t offset;         //  of the CSV line in the spool file: also the row's arrival order
    uint32_t len;            //  of the line, its '\n' included
} s_entry_t;

typedef struct {
    const char *spool;       //  the month's spool file
    FILE *file;              //  the spool, read: scanned once, then lines by pread
    FILE *append;            //  the spool, appended to: rows of partition files (NULL until one is kept)
    uint64_t size;           //  of the spool: where the next appended record starts
    s_entry_t *items;
    size_t count;
    size_t cap;
    size_t journal;          //  items[0..journal) are the journal's rows, sorted and unique
    char *codes;             //  the code arena
    size_t codes_len;
    size_t codes_cap;
    uint32_t last_code;      //  the code added last: consecutive rows of one code share it
    uint32_t line_max;       //  the longest line indexed
} s_month_t;

//  "YYYY-MM-DD" (digits checked) as YYYYMMDD, or 0 when it is not one.
static uint32_t
s_date_number (const char *date)
{
    static const char pattern[] = "9999-99-99";
    uint32_t number = 0;
    for (size_t i = 0; i < S_DATE_LEN; i++) {
        if (pattern[i] != '9') {
            if (date[i] != pattern[i])
                return 0;
            continue;
        }
        if (!isdigit ((unsigned char) date[i]))
            return 0;
        number = number * 10 + (uint32_t) (date[i] - '0');
    }
    return number;
}

static void
s_date_text (uint32_t number, char date[S_DATE_LEN + 1])
{
    snprintf (date, S_DATE_LEN + 1, "%04u-%02u-%02u", number / 10000, number / 100 % 100, number % 100);
}

//  Indexes the line at offset (len bytes) of session date and code. 0, or -1
//  (errno ENOMEM, or EFBIG when the spool outgrows 32-bit offsets).
static int
s_month_add (s_month_t *m, uint32_t date, const char *code, uint64_t offset, size_t len)
{
    if (offset > S_SPOOL_FILE_MAX || len > S_SPOOL_FILE_MAX - offset) {
        errno = EFBIG;
        return -1;
    }
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        s_entry_t *bigger = realloc (m->items, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        m->items = bigger;
        m->cap = cap;
    }
    if (m->codes_len == 0 || strcmp (m->codes + m->last_code, code) != 0) {
        size_t clen = strlen (code) + 1;
        if (m->codes_len + clen > m->codes_cap) {
            size_t cap = m->codes_cap ? 2 * m->codes_cap : 4096;
            while (cap < m->codes_len + clen)
                cap *= 2;
            char *bigger = realloc (m->codes, cap);
            if (!bigger)
                return -1;
            m->codes = bigger;
            m->codes_cap = cap;
        }
        //  The arena is no bigger than the spool, whose offsets fit 32 bits.
        m->last_code = (uint32_t) m->codes_len;
        memcpy (m->codes + m->codes_len, code, clen);
        m->codes_len += clen;
    }
    m->items[m->count++]
        = (s_entry_t) {.date = date, .code = m->last_code, .offset = (uint32_t) offset, .len = (uint32_t) len};
    if (len > m->line_max)
        m->line_max = (uint32_t) len;
    return 0;
}

//  Session, then code, then arrival: the order of the files' rows.
static int
s_entry_cmp (const void *a, const void *b, void *codes)
{
    const s_entry_t *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int rc = x->code == y->code ? 0 : strcmp ((const char *) codes + x->code, (const char *) codes + y->code);
    if (rc)
        return rc;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static bool
s_entry_same_key (const s_month_t *m, const s_entry_t *x, const s_entry_t *y)
{
    return x->date == y->date && (x->code == y->code || strcmp (m->codes + x->code, m->codes + y->code) == 0);
}

//  Sorts the rows by key and keeps the first arrival of each key.
static void
s_month_dedupe (s_month_t *m)
{
    if (m->count)
        qsort_r (m->items, m->count, sizeof *m->items, s_entry_cmp, m->codes);
    size_t kept = 0;
    for (size_t i = 0; i < m->count; i++)
        if (!kept || !s_entry_same_key (m, &m->items[kept - 1], &m->items[i]))
            m->items[kept++] = m->items[i];
    m->count = kept;
}

//  True when the journal brings a row of (date, code).
static bool
s_month_in_journal (const s_month_t *m, uint32_t date, const char *code)
{
    size_t lo = 0, hi = m->journal;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const s_entry_t *e = &m->items[mid];
        int rc = date != e->date ? (date < e->date ? -1 : 1) : strcmp (code, m->codes + e->code);
        if (rc == 0)
            return true;
        if (rc < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

static int
s_get_len (FILE *f, uint32_t *len)
{
    uint32_t be;
    if (fread (&be, sizeof be, 1, f) != 1)
        return -1;
    *len = ntohl (be);
    return 0;
}

//  Indexes the records of the month's spool, in file order. 0, or -1 (logged:
//  a damaged record with its byte offset).
static int
s_month_scan (s_month_t *m)
{
    struct stat st;
    if (fstat (fileno (m->file), &st)) {
        eod_log_error ("%s: %s", m->spool, strerror (errno));
        return -1;
    }
    uint64_t size = (uint64_t) st.st_size;
    uint64_t pos = 0;
    char key[S_KEY_MAX];
    while (pos < size) {
        //  A key is "YYYY-MM-DD\tCODE" and its NUL; a line is followed by a NUL.
        uint32_t klen = 0, llen = 0, date = 0;
        uint64_t line_at = pos + 2 * sizeof (uint32_t);
        bool ok = s_get_len (m->file, &klen) == 0 && klen > S_DATE_LEN && klen < sizeof key
                  && fread (key, 1, klen + 1, m->file) == klen + 1 && key[klen] == '\0' && key[S_DATE_LEN] == '\t'
                  && (date = s_date_number (key)) != 0 && s_get_len (m->file, &llen) == 0;
        line_at += klen + 1;
        ok = ok && llen > 0 && line_at + llen < size && fseeko (m->file, (off_t) llen, SEEK_CUR) == 0
             && getc (m->file) == '\0';
        if (!ok) {
            eod_log_error ("%s: damaged at byte %llu (the record starting there)", m->spool,
                           (unsigned long long) pos);
            return -1;
        }
        if (s_month_add (m, date, key + S_DATE_LEN + 1, line_at, llen)) {
            eod_log_error ("%s: byte %llu: cannot index: %s", m->spool, (unsigned long long) pos, strerror (errno));
            return -1;
        }
        pos = line_at + llen + 1;
    }
    m->size = size;
    return 0;
}

//  Appends a row of a partition file (key "YYYY-MM-DD\tCODE", its CSV line)
//  to the spool and indexes it. 0 or -1 (errno set).
static int
s_month_append (s_month_t *m, uint32_t date, const char *key, const char *line, size_t len)
{
    if (!m->append) {
        m->append = fopen (m->spool, "ab");
        if (!m->append)
            return -1;
    }
    size_t klen = strlen (key);
    uint64_t line_at = m->size + 2 * sizeof (uint32_t) + klen + 1;
    if (s_put_blob (m->append, key, klen) || s_put_blob (m->append, line, len))
        return -1;
    m->size = line_at + len + 1;
    return s_month_add (m, date, key + S_DATE_LEN + 1, line_at, len);
}

//  Rows already in a partition file stay unless this run brings the same
//  (code, date): a refill of a few codes, or a re-run that got fewer rows,
//  never loses what the file had. The file is read in chunks with libcsv and
//  its rows are formatted field by field the way the journal's rows are, then
//  spooled: only their index entries are held.
typedef struct {
    s_month_t *month;
    const char *date;        //  the file's session
    uint32_t date_number;
    size_t ncols;
    char **fields;           //  the row being read
    size_t nfields;
    long row;                //  0: the header
    bool header_ok;
    size_t code_col;
    const char *const *cols;
    const char *path;
    long kept;
    int rc;
} s_merge_t;

static void
s_merge_field (void *data, size_t len, void *arg)
{
    s_merge_t *m = arg;
    if (m->nfields < m->ncols)
        m->fields[m->nfields] = strndup (data ? (const char *) data : "", len);
    m->nfields++;
}

static void
s_merge_keep (s_merge_t *m)
{
    for (size_t c = 0; c < m->ncols; c++)
        if (!m->fields[c]) {
            eod_log_error ("%s:%ld: out of memory while merging", m->path, m->row + 1);
            m->rc = -1;
            return;
        }
    //  A row of another session does not belong in this file.
    if (strcmp (m->fields[0], m->date) != 0) {
        eod_log_warn ("%s:%ld: code %s: trade date \"%s\" is not the file's session: row dropped", m->path,
                      m->row + 1, m->fields[m->code_col], m->fields[0]);
        return;
    }
    char key[S_KEY_MAX];
    snprintf (key, sizeof key, "%s\t%s", m->fields[0], m->fields[m->code_col]);
    if (s_month_in_journal (m->month, m->date_number, key + S_DATE_LEN + 1))
        return;
    char *line = NULL;
    size_t len = 0;
    if (s_format_line ((const char *const *) m->fields, m->ncols, &line, &len)
        || s_month_append (m->month, m->date_number, key, line, len)) {
        eod_log_error ("%s:%ld: the row cannot be kept (%s/%s): %s", m->path, m->row + 1, m->month->spool,
                       m->fields[m->code_col], strerror (errno));
        m->rc = -1;
    }
    else
        m->kept++;
    free (line);
}

static void
s_merge_row (int term, void *arg)
{
    (void) term;
    s_merge_t *m = arg;
    if (m->row == 0) {
        m->header_ok = m->nfields == m->ncols;
        for (size_t c = 0; m->header_ok && c < m->ncols; c++)
            m->header_ok = m->fields[c] && strcmp (m->fields[c], m->cols[c]) == 0;
        if (!m->header_ok)
            eod_log_error ("%s: the header is not this market's columns: the file is replaced, not merged", m->path);
    }
    else if (m->header_ok && m->nfields == m->ncols) {
        if (m->rc == 0)
            s_merge_keep (m);
    }
    else if (m->header_ok)
        eod_log_warn ("%s:%ld: %zu fields where %zu are expected: row dropped", m->path, m->row + 1, m->nfields,
                      m->ncols);
    for (size_t c = 0; c < m->ncols; c++) {
        free (m->fields[c]);
        m->fields[c] = NULL;
    }
    m->nfields = 0;
    m->row++;
}

//  Spools and indexes the rows of the partition file at path (session date)
//  that the journal does not bring. A missing file is fine. 0 or -1 (logged).
static int
s_merge_existing (const char *path, const char *market, const char *date, s_month_t *month)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;   //  no file yet
        eod_log_error ("%s: %s: not merged", path, strerror (errno));
        return -1;
    }
    const char *const *cols;
    s_merge_t m = {.month = month, .date = date, .date_number = s_date_number (date), .path = path};
    m.ncols = writer_columns (market, &cols);
    m.cols = cols;
    m.code_col = 0;
    for (size_t c = 0; c < m.ncols; c++)
        if (strcmp (cols[c], strcmp (market, "us") == 0 ? "symbol" : "stck_shrn_iscd") == 0)
            m.code_col = c;
    m.fields = calloc (m.ncols, sizeof *m.fields);
    char *chunk = malloc (S_READ_CHUNK);
    struct csv_parser parser;
    if (!m.fields || !chunk || csv_init (&parser, CSV_APPEND_NULL) != 0) {
        eod_log_error ("%s: out of memory while merging", path);
        m.rc = -1;
        goto out;
    }
    size_t got;
    while (m.rc == 0 && (got = fread (chunk, 1, S_READ_CHUNK, f)) > 0)
        if (csv_parse (&parser, chunk, got, s_merge_field, s_merge_row, &m) != got) {
            eod_log_error ("%s: %s: not merged", path, csv_strerror (csv_error (&parser)));
            m.rc = -1;
        }
    if (m.rc == 0 && ferror (f)) {
        eod_log_error ("%s: cannot read it: not merged", path);
        m.rc = -1;
    }
    if (m.rc == 0)
        csv_fini (&parser, s_merge_field, s_merge_row, &m);
    csv_free (&parser);
    if (m.kept)
        eod_log_info ("%s: %ld existing row(s) kept", path, m.kept);
out:
    if (m.fields)
        for (size_t c = 0; c < m.ncols; c++)
            free (m.fields[c]);
    free (m.fields);
    free (chunk);
    fclose (f);
    return m.rc;
}

//  Writes rows[from..to) of the month to path (through a temp name), reading
//  each line back from the spool into buf (line_max bytes). 0 or -1.
static int
s_write_csv (const char *path, const char *market, const s_month_t *m, size_t from, size_t to, char *buf)
{
    const char *const *cols;
    size_t n = writer_columns (market, &cols);
    char tmp[S_PATH_MAX + 8];
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen (tmp, "w");
    if (!f)
        return -1;
    int rc = 0;
    for (size_t c = 0; c < n; c++)
        rc |= (c ? fputc (',', f) == EOF : 0) | writer_csv_field (f, cols[c]);
    rc |= fputc ('\n', f) == EOF;
    int fd = fileno (m->file);
    for (size_t i = from; i < to && rc == 0; i++) {
        const s_entry_t *e = &m->items[i];
        ssize_t got = pread (fd, buf, e->len, (off_t) e->offset);
        if (got != (ssize_t) e->len) {
            if (got >= 0)
                errno = EIO;   //  the spool is shorter than its index
            eod_log_error ("%s: byte %lu: %s", m->spool, (unsigned long) e->offset, strerror (errno));
            rc = -1;
        }
        else
            rc |= fwrite (buf, 1, e->len, f) != e->len;
    }
    rc |= fflush (f) != 0;
    rc |= fsync (fileno (f)) != 0;
    rc |= fclose (f) != 0;
    if (rc || rename (tmp, path)) {
        unlink (tmp);
        return -1;
    }
    eod_fsync_dir_of (path);
    return 0;
}

//  Pass 2 for one month.
long
writer_fold_spool (const char *spool, const char *data_dir, const char *market, writer_file_fn *on_file, void *arg)
{
    long written = -1;
    s_month_t m = {.spool = spool};
    char *buf = NULL;
    m.file = fopen (spool, "rb");
    if (!m.file) {
        eod_log_error ("%s: %s", spool, strerror (errno));
        goto out;
    }
    //  The spool holds rows in journal order: the first of a key wins.
    if (s_month_scan (&m))
        goto out;
    s_month_dedupe (&m);
    m.journal = m.count;
    //  Merge what the partitions of these sessions already hold; merging
    //  appends to items, so they are indexed, not pointed at.
    for (size_t i = 0; i < m.journal; i++) {
        if (i && m.items[i].date == m.items[i - 1].date)
            continue;
        char date[S_DATE_LEN + 1], path[S_PATH_MAX];
        s_date_text (m.items[i].date, date);
        snprintf (path, sizeof path, "%s/market=%s/dt=%s/%s_%.4s%.2s%.2s.csv", data_dir, market, date, market, date,
                  date + 5, date + 8);
        if (s_merge_existing (path, market, date, &m))
            goto out;
    }
    if (m.append) {
        int rc = fclose (m.append);
        m.append = NULL;
        if (rc) {
            eod_log_error ("%s: cannot spool: %s", spool, strerror (errno));
            goto out;
        }
        s_month_dedupe (&m);
    }
    buf = malloc (m.line_max ? m.line_max : 1);
    if (!buf) {
        eod_log_error ("%s: out of memory", spool);
        goto out;
    }
    //  One file per session.
    written = 0;
    for (size_t start = 0; start < m.count;) {
        size_t end = start;
        while (end < m.count && m.items[end].date == m.items[start].date)
            end++;
        char date[S_DATE_LEN + 1], compact[9], rel[256], path[S_PATH_MAX], dir[S_PATH_MAX];
        s_date_text (m.items[start].date, date);
        snprintf (compact, sizeof compact, "%.4s%.2s%.2s", date, date + 5, date + 8);
        snprintf (rel, sizeof rel, "market=%s/dt=%s/%s_%s.csv", market, date, market, compact);
        snprintf (path, sizeof path, "%s/%s", data_dir, rel);
        snprintf (dir, sizeof dir, "%s/market=%s/dt=%s", data_dir, market, date);
        if (eod_mkdirs (dir, 0755) || s_write_csv (path, market, &m, start, end, buf)) {
            eod_log_error ("%s: cannot write: %s", path, strerror (errno));
            written = -1;
            break;
        }
        written += (long) (end - start);
        if (on_file)
            on_file (path, rel, date, (long) (end - start), arg);
        start = end;
    }
out:
    if (m.append)
        fclose (m.append);
    if (m.file)
        fclose (m.file);
    free (m.items);
    free (m.codes);
    free (buf);
    return written;
}

static int
s_month_cmp (const void *a, const void *b)
{
    return strcmp ((const char *) a, (const char *) b);
}

long
writer_fold_journal (const char *journal, const char *data_dir, const char *market, writer_file_fn *on_file,
                     void *arg)
{
    char dir[S_PATH_MAX];
    s_spool_dir (journal, dir, sizeof dir);
    //  A spool left by a fold that crashed is stale: the journal is the truth.
    if (s_spool_remove (dir)) {
        eod_log_error ("%s: a stale spool cannot be removed", dir);
        return -1;
    }
    s_spool_t sp = {.journal = journal, .dir = dir, .market = market};
    sp.seen = zhashx_new ();
    if (!sp.seen)
        return -1;
    long written = -1;
    long records = eod_journal_read (journal, s_spool_result, &sp);
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (s_spool_close (&sp, &sp.slots[i]))
            sp.rc = -1;
    if (records < 0 || sp.rc)
        goto out;
    if (sp.skipped)
        eod_log_warn ("%s: %ld row(s) without a valid trade date skipped", journal, sp.skipped);
    if (sp.nmonths)
        qsort (sp.months, sp.nmonths, sizeof *sp.months, s_month_cmp);
    written = 0;
    for (size_t i = 0; i < sp.nmonths; i++) {
        char spool[S_PATH_MAX];
        snprintf (spool, sizeof spool, "%s/%s.spool", dir, sp.months[i]);
        long rows = writer_fold_spool (spool, data_dir, market, on_file, arg);
        if (rows < 0) {
            written = -1;
            break;
        }
        written += rows;
    }
out:
    s_spool_remove (dir);
    free (sp.months);
    zhashx_destroy (&sp.seen);
    return written;
}

//  Rows of a CSV file: its records (line breaks outside quotes, and a last
//  line without one) less the header. -1 when it cannot be read.
static long
s_count_rows (const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return -1;
    long records = 0;
    bool quoted = false;
    int c, last = '\n';
    while ((c = getc (f)) != EOF) {
        //  "" inside a quoted field toggles twice: the state stays right.
        if (c == '"')
            quoted = !quoted;
        else if (c == '\n' && !quoted)
            records++;
        last = c;
    }
    bool failed = ferror (f) != 0;
    fclose (f);
    if (failed)
        return -1;
    if (last != '\n')
        records++;
    return records > 0 ? records - 1 : 0;
}

static bool
s_is_dt_dir (const char *name)
{
    //  dt=YYYY-MM-DD
    static const char pattern[] = "dt=9999-99-99";
    if (strlen (name) != sizeof pattern - 1)
        return false;
    for (size_t i = 0; pattern[i]; i++)
        if (pattern[i] == '9' ? !isdigit ((unsigned char) name[i]) : name[i] != pattern[i])
            return false;
    return true;
}

long
writer_existing_files (const char *data_dir, const char *market, const char *date_from, const char *date_to,
                       zhashx_t *skip, writer_file_fn *on_file, void *arg)
{
    char mdir[S_PATH_MAX];
    snprintf (mdir, sizeof mdir, "%s/market=%s", data_dir, market);
    DIR *d = opendir (mdir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        eod_log_error ("%s: %s", mdir, strerror (errno));
        return -1;
    }
    char (*dates)[S_DATE_LEN + 1] = NULL;
    size_t ndates = 0, cap = 0;
    long files = -1;
    struct dirent *e;
    while ((e = readdir (d))) {
        if (!s_is_dt_dir (e->d_name))
            continue;
        const char *date = e->d_name + 3;
        if (strcmp (date, date_from) < 0 || strcmp (date, date_to) > 0 || (skip && zhashx_lookup (skip, date)))
            continue;
        if (ndates == cap) {
            cap = cap ? 2 * cap : 64;
            void *bigger = realloc (dates, cap * sizeof *dates);
            if (!bigger)
                goto out;
            dates = bigger;
        }
        memcpy (dates[ndates++], date, S_DATE_LEN + 1);
    }
    if (ndates)
        qsort (dates, ndates, sizeof *dates, s_month_cmp);
    files = 0;
    for (size_t i = 0; i < ndates; i++) {
        const char *date = dates[i];
        char rel[256], path[S_PATH_MAX];
        snprintf (rel, sizeof rel, "market=%s/dt=%s/%s_%.4s%.2s%.2s.csv", market, date, market, date, date + 5,
                  date + 8);
        snprintf (path, sizeof path, "%s/%s", data_dir, rel);
        struct stat st;
        if (stat (path, &st) || !S_ISREG (st.st_mode))
            continue;   //  a session directory without its file
        long rows = s_count_rows (path);
        if (rows < 0) {
            eod_log_error ("%s: %s", path, strerror (errno));
            continue;
        }
        if (on_file)
            on_file (path, rel, date, rows, arg);
        files++;
    }
out:
    closedir (d);
    free (dates);
    return files;
}

//  ---------------------------------------------------------------- the stage

//  The task ids the open journal holds. A daily run has a task per code, tens
//  of thousands of them, so the set is compact: the ids' characters in one
//  arena and an open-addressing table of arena offsets, about 20 bytes a task
//  and the id, where a zhashx costs an item and a key allocation per task.
#define S_IDSET_SLOTS_MIN 1024    //  table size of the first id; it doubles at half full

typedef struct {
    char *chars;              //  the ids, each with its NUL, in arrival order
    size_t len;
    size_t cap;
    uint32_t *slots;          //  1 + offset of an id in chars, 0 for a free slot
    size_t nslots;            //  a power of two
    size_t count;
} s_idset_t;

static uint64_t
s_idset_hash (const char *id)
{
    //  FNV-1a, 64 bits.
    uint64_t hash = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *) id; *p; p++)
        hash = (hash ^ *p) * 1099511628211ull;
    return hash;
}

//  The slot holding id, or the free slot where it would go.
static uint32_t *
s_idset_slot (const s_idset_t *set, uint32_t *slots, size_t nslots, const char *id)
{
    size_t mask = nslots - 1;
    for (size_t i = (size_t) s_idset_hash (id) & mask;; i = (i + 1) & mask)
        if (!slots[i] || strcmp (set->chars + slots[i] - 1, id) == 0)
            return &slots[i];
}

static bool
s_idset_has (const s_idset_t *set, const char *id)
{
    return set->count && *s_idset_slot (set, set->slots, set->nslots, id) != 0;
}

//  Adds id (copied); an id already there is fine. 0, or -1 on no memory.
static int
s_idset_add (s_idset_t *set, const char *id)
{
    if ((set->count + 1) * 2 > set->nslots) {
        size_t nslots = set->nslots ? 2 * set->nslots : S_IDSET_SLOTS_MIN;
        uint32_t *slots = calloc (nslots, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t at = 0; at < set->len; at += strlen (set->chars + at) + 1)
            *s_idset_slot (set, slots, nslots, set->chars + at) = (uint32_t) at + 1;
        free (set->slots);
        set->slots = slots;
        set->nslots = nslots;
    }
    uint32_t *slot = s_idset_slot (set, set->slots, set->nslots, id);
    if (*slot)
        return 0;
    size_t size = strlen (id) + 1;
    if (set->len + size >= UINT32_MAX)
        return -1;
    if (set->len + size > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16 * S_IDSET_SLOTS_MIN;
        while (cap < set->len + size)
            cap *= 2;
        char *bigger = realloc (set->chars, cap);
        if (!bigger)
            return -1;
        set->chars = bigger;
        set->cap = cap;
    }
    memcpy (set->chars + set->len, id, size);
    *slot = (uint32_t) set->len + 1;
    set->len += size;
    set->count++;
    return 0;
}

//  Forgets every id and frees the memory.
static void
s_idset_purge (s_idset_t *set)
{
    free (set->chars);
    free (set->slots);
    *set = (s_idset_t) {0};
}

struct _writer_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;       //  PULL from the coordinator
    zsock_t *acks;        //  PUSH to the coordinator
    zsock_t *uploader;    //  PUSH to the uploader
    //  FILE and END sent to the uploader and not acknowledged yet (copies):
    //  sent again every S_RESEND_MS, so a message lost with a killed
    //  uploader's queue is not lost for the run.
    zlistx_t *outbox;
    size_t files_unacked; //  FILEs in the outbox
    //  END held back until every FILE sent before it is acknowledged: the
    //  uploader ends the run on END, and must not end it while a FILE lost
    //  with a killed uploader is still to be resent.
    zlistx_t *held;
    int64_t resend_at;
    char journal_dir[1024];
    char data_dir[1024];
    char run_id[128];     //  the run of the open journal
    eod_journal_t *journal;
    s_idset_t tasks;      //  task ids the open journal holds
    bool sync_failed;     //  in this batch: its ACKs are not sent
    eod_msg_t *run_done;
    zhashx_t *folded;     //  sessions (YYYY-MM-DD) the fold of run_done wrote
    long rows_written;
    long files;           //  files written by the fold
    long files_existing;  //  files of the range the fold did not touch, reported too
    bool failed;
};

static void
s_outbox_free (void **item)
{
    eod_msg_t *msg = *item;
    eod_msg_destroy (&msg);
    *item = NULL;
}

writer_t *
writer_new (eod_stage_t *stage, bool once)
{
    writer_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    self->folded = zhashx_new ();
    self->outbox = zlistx_new ();
    self->held = zlistx_new ();
    if (!self->folded || !self->outbox || !self->held)
        goto fail;
    zlistx_set_destructor (self->outbox, s_outbox_free);
    zlistx_set_destructor (self->held, s_outbox_free);
    char state[1024];
    eod_config_path_value (stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (self->journal_dir, sizeof self->journal_dir, "%s/writer", state);
    eod_config_path_value (stage->config, "pipeline:data_dir", self->data_dir, sizeof self->data_dir);
    if (eod_mkdirs (self->journal_dir, 0700)) {
        eod_log_error ("%s: %s", self->journal_dir, strerror (errno));
        goto fail;
    }
    //  RESULTs the writer has not read yet wait in the coordinator, not here:
    //  libzmq's default of 1,000 a peer is a megabyte of RESULTs in this
    //  process when the journal's fsync or a busy CPU holds the writer back.
    self->input = eod_stage_socket_hwm (stage, ZMQ_PULL, "endpoints:writer", true, S_INPUT_HWM);
    self->acks = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:coordinator", false);
    self->uploader = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:uploader", false);
    if (!self->input || !self->acks || !self->uploader)
        goto fail;
    return self;
fail:
    writer_destroy (&self);
    return NULL;
}

//  Syncs and closes the open journal; forgets its task ids.
static void
s_journal_close (writer_t *self)
{
    if (self->journal && eod_journal_sync (self->journal))
        self->sync_failed = true;
    eod_journal_destroy (&self->journal);
    s_idset_purge (&self->tasks);
    self->run_id[0] = '\0';
}

void
writer_destroy (writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_t *self = *self_p;
    s_journal_close (self);
    zhashx_destroy (&self->folded);
    zlistx_destroy (&self->outbox);
    zlistx_destroy (&self->held);
    eod_msg_destroy (&self->run_done);
    zsock_destroy (&self->uploader);
    zsock_destroy (&self->acks);
    zsock_destroy (&self->input);
    free (self);
    *self_p = NULL;
}

//  A run id names files: letters, digits, '-', '_' and '.', not first.
static bool
s_run_id_ok (const char *run_id)
{
    size_t len = strlen (run_id);
    if (len == 0 || len >= sizeof ((writer_t *) 0)->run_id || run_id[0] == '.')
        return false;
    for (const char *p = run_id; *p; p++)
        if (!isalnum ((unsigned char) *p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return true;
}

static void
s_journal_path (writer_t *self, const char *run_id, char *path, size_t size)
{
    snprintf (path, size, "%s/%s.journal", self->journal_dir, run_id);
}

//  Replay: the task ids of the RESULTs the journal holds.
static int
s_collect_task (eod_msg_t **msg_p, long record, void *arg)
{
    writer_t *self = arg;
    const eod_msg_t *msg = *msg_p;
    //  A task missing here is only journalled again if redelivered.
    if (msg->type == EOD_MSG_RESULT && msg->task_id && s_idset_add (&self->tasks, msg->task_id))
        eod_log_warn ("journal record %ld: out of memory: task %s not remembered", record, msg->task_id);
    return 0;
}

//  Makes run_id's journal the open one, replaying what it holds. 0 or -1.
static int
s_journal_open (writer_t *self, const char *run_id)
{
    if (self->journal && strcmp (self->run_id, run_id) == 0)
        return 0;
    if (!s_run_id_ok (run_id)) {
        eod_log_error ("run id \"%s\" cannot name a journal: ignored", run_id);
        return -1;
    }
    s_journal_close (self);
    char path[1200];
    s_journal_path (self, run_id, path, sizeof path);
    self->journal = eod_journal_open (path, s_collect_task, self);
    if (!self->journal) {
        s_idset_purge (&self->tasks);
        return -1;
    }
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    if (self->tasks.count)
        eod_log_info ("%s: %zu task(s) already journalled", path, self->tasks.count);
    return 0;
}

static eod_msg_t *
s_ack_new (const char *run_id, const char *task_id)
{
    eod_msg_t *ack = eod_msg_new (EOD_MSG_ACK);
    if (ack && (eod_msg_set (&ack->run_id, run_id) || eod_msg_set (&ack->task_id, task_id)))
        eod_msg_destroy (&ack);
    return ack;
}

//  Sends *ack (destroyed) to the coordinator: the number of task ids it
//  acknowledged, 0 when it was not sent.
static long
s_ack_send (writer_t *self, eod_msg_t **ack)
{
    if (!*ack)
        return 0;
    long ids = eod_stage_send (self->stage, self->acks, NULL, *ack) == 0 ? 1 + (long) (*ack)->nlist : 0;
    eod_msg_destroy (ack);
    return ids;
}

//  Adds task_id to ack when ack (may be NULL) is of run_id and not full.
static bool
s_ack_join (eod_msg_t *ack, const char *run_id, const char *task_id)
{
    return ack && strcmp (ack->run_id, run_id) == 0 && ack->nlist + 1 < S_ACK_IDS_MAX
           && eod_msg_add_list (ack, task_id) == 0;
}

//  Adds task_id of run_id to *ack (NULL: none yet). An ACK of another run,
//  or a full one, is sent first and a new one begun. Returns the task ids
//  sent.
static long
s_ack_add (writer_t *self, eod_msg_t **ack, const char *run_id, const char *task_id)
{
    if (s_ack_join (*ack, run_id, task_id))
        return 0;
    long sent = s_ack_send (self, ack);
    *ack = s_ack_new (run_id, task_id);
    return sent;
}

//  A RESULT: journalled (once per task id), its id queued on the batch's
//  ACKs (acks[0..*nacks), sent after the batch's sync): on the last one when
//  it is of the same run and not full, else on a new one. True when queued.
static bool
s_on_result (writer_t *self, const eod_msg_t *msg, eod_msg_t **acks, size_t *nacks)
{
    //  The market names a directory: only the two markets there are.
    if (strcmp (msg->market, "kr") != 0 && strcmp (msg->market, "us") != 0) {
        eod_log_error ("RESULT %s of market '%.16s': not a market of this pipeline: dropped", msg->task_id,
                       msg->market);
        return false;
    }
    if (s_journal_open (self, msg->run_id))
        return false;   //  not acknowledged: the coordinator sends it again
    if (s_idset_has (&self->tasks, msg->task_id))
        eod_log_debug ("%s %s: already journalled: acknowledged again", msg->run_id, msg->task_id);
    else {
        if (eod_journal_append (self->journal, msg))
            return false;
        if (s_idset_add (&self->tasks, msg->task_id))
            eod_log_warn ("%s %s: out of memory: the task is journalled again if redelivered", msg->run_id,
                          msg->task_id);
    }
    if (s_ack_join (*nacks ? acks[*nacks - 1] : NULL, msg->run_id, msg->task_id))
        return true;
    eod_msg_t *ack = s_ack_new (msg->run_id, msg->task_id);
    if (ack)
        acks[(*nacks)++] = ack;
    return ack != NULL;
}

//  JOB mode "reconcile": the coordinator restarted the run and asks which of
//  its tasks are durable here. Every task id of the journal is ACKed.
static void
s_on_reconcile (writer_t *self, const eod_msg_t *job)
{
    if (s_journal_open (self, job->run_id)) {
        eod_log_error ("%s: reconcile: the run's journal cannot be opened", job->run_id);
        return;
    }
    //  What a killed writer left was written but perhaps never synced.
    if (eod_journal_sync (self->journal)) {
        eod_log_error ("%s: reconcile: no task acknowledged", job->run_id);
        return;
    }
    long sent = 0;
    const s_idset_t *tasks = &self->tasks;
    eod_msg_t *ack = NULL;
    for (size_t at = 0; at < tasks->len; at += strlen (tasks->chars + at) + 1)
        sent += s_ack_add (self, &ack, job->run_id, tasks->chars + at);
    sent += s_ack_send (self, &ack);
    eod_log_info ("%s: reconcile: %ld journalled task(s) acknowledged", job->run_id, sent);
}

//  Sends msg (taken) to the uploader and keeps it until acknowledged; an
//  END is held while a FILE is unacknowledged.
static void
s_to_uploader (writer_t *self, eod_msg_t **msg_p)
{
    if (!*msg_p)
        return;
    if ((*msg_p)->type == EOD_MSG_END && self->files_unacked > 0) {
        zlistx_add_end (self->held, *msg_p);
        *msg_p = NULL;
        return;
    }
    eod_stage_send (self->stage, self->uploader, NULL, *msg_p);
    self->files_unacked += (*msg_p)->type == EOD_MSG_FILE;
    zlistx_add_end (self->outbox, *msg_p);
    *msg_p = NULL;
    if (!self->resend_at)
        self->resend_at = eod_clock_ms () + S_RESEND_MS;
}

//  Run ids as the uploader's ACK carries them: none is "".
static bool
s_same_run (const char *a, const char *b)
{
    return strcmp (a ? a : "", b ? b : "") == 0;
}

//  The uploader's ACK: task_id the FILE's path, or "END" with the run id.
static void
s_on_uploader_ack (writer_t *self, const eod_msg_t *ack)
{
    if (!ack->task_id)
        return;
    bool end = strcmp (ack->task_id, "END") == 0;
    bool deleted = false;
    for (eod_msg_t *m = zlistx_first (self->outbox); m; m = zlistx_next (self->outbox)) {
        bool match = end ? m->type == EOD_MSG_END && s_same_run (m->run_id, ack->run_id)
                         : m->type == EOD_MSG_FILE && m->path && strcmp (m->path, ack->task_id) == 0;
        if (match) {
            zlistx_delete (self->outbox, zlistx_cursor (self->outbox));
            self->files_unacked -= !end;
            deleted = true;
            break;
        }
    }
    //  The last FILE acknowledged: the END held for it goes.
    if (deleted && !end && self->files_unacked == 0)
        for (eod_msg_t *m = zlistx_detach (self->held, NULL); m; m = zlistx_detach (self->held, NULL))
            s_to_uploader (self, &m);
    if (zlistx_size (self->outbox) == 0)
        self->resend_at = 0;
}

//  Sends again what the uploader has not acknowledged in S_RESEND_MS.
static void
s_resend (writer_t *self)
{
    int64_t now = eod_clock_ms ();
    if (!self->resend_at || now < self->resend_at)
        return;
    eod_log_info ("the uploader has not acknowledged %zu message(s): sending them again", zlistx_size (self->outbox));
    for (eod_msg_t *m = zlistx_first (self->outbox); m; m = zlistx_next (self->outbox))
        eod_stage_send (self->stage, self->uploader, NULL, m);
    self->resend_at = now + S_RESEND_MS;
}

//  The MD5 of the file at path as 32 hex digits. OpenSSL's MD5_ functions
//  run the digest directly; its EVP interface (eod_md5_file) first loads the
//  provider machinery, which pages about 2 MiB of libcrypto into a process
//  that needs one checksum per file. 0 or -1 (logged).
static int
s_md5_file (const char *path, char hex[2 * MD5_DIGEST_LENGTH + 1])
{
    int rc = -1;
    unsigned char *chunk = malloc (S_READ_CHUNK);
    FILE *f = chunk ? fopen (path, "rb") : NULL;
    if (!f) {
        eod_log_error ("%s: %s", path, strerror (errno));
        goto out;
    }
    MD5_CTX ctx;
    MD5_Init (&ctx);
    size_t got;
    while ((got = fread (chunk, 1, S_READ_CHUNK, f)) > 0)
        MD5_Update (&ctx, chunk, got);
    if (ferror (f)) {
        eod_log_error ("%s: cannot read it", path);
        goto out;
    }
    unsigned char digest[MD5_DIGEST_LENGTH];
    MD5_Final (digest, &ctx);
    for (size_t i = 0; i < MD5_DIGEST_LENGTH; i++)
        snprintf (hex + 2 * i, 3, "%02x", digest[i]);
    rc = 0;
out:
    if (f)
        fclose (f);
    free (chunk);
    return rc;
}

static void
s_send_file (writer_t *self, const char *path, const char *rel, const char *date, long rows)
{
    char hex[2 * MD5_DIGEST_LENGTH + 1];
    if (s_md5_file (path, hex)) {
        eod_log_error ("%s: cannot checksum", path);
        self->failed = true;
        return;
    }
    eod_msg_t *file = eod_msg_new (EOD_MSG_FILE);
    if (!file) {
        self->failed = true;
        return;
    }
    eod_msg_set (&file->run_id, self->run_done->run_id);
    eod_msg_set (&file->market, self->run_done->market);
    eod_msg_set (&file->date_from, date);
    eod_msg_set (&file->path, path);
    eod_msg_set (&file->key, rel);
    eod_msg_set (&file->md5, hex);
    file->count = rows;
    eod_log_info ("%s: %ld rows, md5 %s", path, rows, hex);
    s_to_uploader (self, &file);
}

static void
s_on_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    zhashx_insert (self->folded, date, (void *) 1);
    s_send_file (self, path, rel, date, rows);
    self->files++;
}

static void
s_on_existing_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    s_send_file (self, path, rel, date, rows);
    self->files_existing++;
}

static void
s_on_run_done (writer_t *self, eod_msg_t **msg_p)
{
    eod_msg_destroy (&self->run_done);
    self->run_done = *msg_p;
    *msg_p = NULL;
    const eod_msg_t *d = self->run_done;
    if (!s_run_id_ok (d->run_id)) {
        eod_log_error ("RUN_DONE: run id \"%s\" cannot name a journal", d->run_id);
        self->failed = true;
        return;
    }
    char journal[1200];
    s_journal_path (self, d->run_id, journal, sizeof journal);
    if (self->journal && strcmp (self->run_id, d->run_id) == 0)
        s_journal_close (self);
    self->files = 0;
    self->files_existing = 0;
    zhashx_purge (self->folded);
    long rows = writer_fold_journal (journal, self->data_dir, d->market, s_on_file, self);
    if (rows < 0) {
        self->failed = true;
        eod_stage_event (self->stage, "error", d->run_id, d->market, "writer: the files of run %s could not be written",
                         d->run_id);
        return;
    }
    self->rows_written = rows;
    //  The range's other files go to the uploader too, which skips an object
    //  whose MD5 matches: a re-run that needed no request still reconciles.
    if (writer_existing_files (self->data_dir, d->market, d->date_from, d->date_to, self->folded,
                               s_on_existing_file, self)
        < 0)
        self->failed = true;
    if (self->files_existing)
        eod_log_info ("%s: %ld existing file(s) of %s..%s handed to the uploader", d->run_id, self->files_existing,
                      d->date_from, d->date_to);
    //  The CSVs are durable now; the journal has done its job.
    if (!self->failed)
        unlink (journal);
}

static void
s_forward_end (writer_t *self, eod_msg_t *end)
{
    eod_msg_set (&end->stage, "writer");
    char text[32];
    if (self->run_done) {
        const eod_msg_t *d = self->run_done;
        struct {
            const char *name;
            int64_t value;
        } figures[] = {{"tasks", d->count},       {"ok", d->ok},
                       {"nodata", d->nodata},     {"unknown", d->unknown},
                       {"failed", d->failed},     {"requests", d->requests},
                       {"rate_limited", d->rate_limited}, {"retries", d->retries},
                       {"duration_ms", d->duration_ms}};
        for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
            snprintf (text, sizeof text, "%lld", (long long) figures[i].value);
            eod_fields_set (&end->meta, figures[i].name, text);
        }
        eod_fields_merge (&end->meta, &d->meta);
        for (size_t i = 0; i < d->nlist; i++)
            eod_msg_add_list (end, d->list[i]);
        if (!end->run_id)
            eod_msg_set (&end->run_id, d->run_id);
    }
    snprintf (text, sizeof text, "%ld", self->rows_written);
    eod_fields_set (&end->meta, "rows", text);
    snprintf (text, sizeof text, "%ld", self->files);
    eod_fields_set (&end->meta, "files", text);
    snprintf (text, sizeof text, "%ld", self->files_existing);
    eod_fields_set (&end->meta, "files_existing", text);
    if (self->failed) {
        eod_msg_set (&end->status, "failed");
        eod_msg_set (&end->error, "the writer could not write the run's files");
    }
    size_t unacked = self->files_unacked;
    eod_log_info ("%s: END passed to the uploader (%ld rows, %ld files written)%s", end->run_id ? end->run_id : "?",
                  self->rows_written, self->files, unacked ? ", sent once it acknowledges every file" : "");
    eod_msg_t *copy = eod_msg_dup (end);
    s_to_uploader (self, &copy);
}

int
writer_run (writer_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    int64_t ending_until = 0;   //  once: END forwarded, waiting for the uploader's ACKs
    eod_msg_t *acks[S_BATCH_MAX];
    while (!zsys_interrupted) {
        s_resend (self);
        size_t unsent = zlistx_size (self->outbox) + zlistx_size (self->held);
        if (ending_until && (unsent == 0 || eod_clock_ms () > ending_until)) {
            if (unsent)
                eod_log_error ("the uploader did not acknowledge %zu message(s) in %lld ms",
                               unsent, (long long) eod_config_int (self->stage->config,
                                                                                     "pipeline:linger_ms"));
            break;
        }
        void *which = zpoller_wait (poller, S_POLL_MS);
        if (!which) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        //  One batch: everything waiting, up to S_BATCH_MAX results, then one
        //  fsync, then the batch's ACKs. Results that come one at a time (a
        //  fast run) are grouped: the batch waits up to S_GROUP_MS for more,
        //  for one fsync per group instead of one per result.
        size_t nresults = 0, nacks = 0;
        int64_t group_until = 0;
        self->sync_failed = false;
        while (nresults < S_BATCH_MAX) {
            bool taken;
            eod_msg_t *msg = eod_stage_try_recv (self->stage, self->input, NULL, &taken);
            if (!taken) {
                if (nresults == 0)
                    break;
                int64_t now = eod_clock_ms ();
                if (!group_until)
                    group_until = now + S_GROUP_MS;
                if (now >= group_until || !zpoller_wait (poller, (int) (group_until - now)))
                    break;
                continue;
            }
            if (!msg)
                continue;
            if (msg->type == EOD_MSG_RESULT)
                nresults += s_on_result (self, msg, acks, &nacks);
            else if (msg->type == EOD_MSG_JOB && msg->mode && strcmp (msg->mode, "reconcile") == 0)
                s_on_reconcile (self, msg);
            else if (msg->type == EOD_MSG_RUN_DONE)
                s_on_run_done (self, &msg);
            else if (msg->type == EOD_MSG_ACK && msg->stage && strcmp (msg->stage, "uploader") == 0)
                s_on_uploader_ack (self, msg);
            else if (msg->type == EOD_MSG_END) {
                s_forward_end (self, msg);
                if (self->once)
                    ending_until = eod_clock_ms () + eod_config_int (self->stage->config, "pipeline:linger_ms");
                eod_msg_destroy (&self->run_done);
                self->rows_written = 0;
                self->files = 0;
                self->files_existing = 0;
                self->failed = false;
            }
            else
                eod_log_warn ("unexpected %s%s%s: ignored", eod_msg_type_name (msg->type), msg->mode ? " mode " : "",
                              msg->mode ? msg->mode : "");
            eod_msg_destroy (&msg);
        }
        //  A journal closed during the batch was synced as it closed.
        if (nresults && self->journal && eod_journal_sync (self->journal))
            self->sync_failed = true;
        if (self->sync_failed) {
            eod_log_error ("journal sync failed: %zu result(s) not acknowledged", nresults);
            self->failed = true;
            for (size_t i = 0; i < nacks; i++)
                eod_msg_destroy (&acks[i]);
            nacks = 0;
        }
        //  One ACK for the batch's task ids of a run, not one a task.
        for (size_t i = 0; i < nacks; i++)
            s_ack_send (self, &acks[i]);
    }
    zpoller_destroy (&poller);
    return self->failed ? 4 : 0;
}
