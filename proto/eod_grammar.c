/*  eod_grammar — see eod_grammar.h. */
#include "eod_grammar_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define S_YEAR_MIN 1900
#define S_YEAR_MAX 2999
#define S_BUCKET_MIN 3
#define S_BUCKET_MAX 63
#define S_MD5_HEX 32
#define S_COMPACT_DATE 8                         //  YYYYMMDD
#define S_TASK_TAIL (2 * (1 + S_COMPACT_DATE))   //  "-YYYYMMDD-YYYYMMDD"

static const struct {
    const char *name;
    const char *about;
} s_grammars[EOD_G_COUNT] = {
    [EOD_G_TEXT] = {"text", "any text in UTF-8"},
    [EOD_G_LINE] = {"line", "one line of UTF-8 without control characters, at most 256 bytes"},
    [EOD_G_WORD] = {"word", "a lower-case letter, then lower-case letters, digits, '_' or '-'; at most 32"},
    [EOD_G_ID] = {"id", "a letter or digit, then letters, digits, '.', '_' or '-'; at most 64"},
    [EOD_G_ID_OR_NONE] = {"id or none", "an id, or empty for none"},
    [EOD_G_TASK_ID] = {"task id", "MARKET-CODE-YYYYMMDD-YYYYMMDD: a market, its code, a range of real dates"},
    [EOD_G_MARKET] = {"market", "kr or us"},
    [EOD_G_MODE] = {"mode", "daily, backfill or close (a KR session's fast close from the multi-stock quote)"},
    [EOD_G_CODE] = {"code", "KR: 6 to 9 upper-case letters and digits (005930, 0004Y0); US: a ticker in KIS "
                            "form, upper-case letters, digits, '.', '-' and at most one '/' (BRK/B)"},
    [EOD_G_DATE] = {"date", "YYYY-MM-DD, a real calendar date of 1900..2999"},
    [EOD_G_PATH] = {"path", "an absolute path in UTF-8 without control characters or '.', '..' and empty "
                            "segments, at most 4095 bytes"},
    [EOD_G_KEY] = {"S3 key", "UTF-8 without control characters, no leading '/', no '.', '..' or empty "
                             "segments, at most 1024 bytes"},
    [EOD_G_PREFIX] = {"S3 prefix", "empty, or an S3 key that may end with '/', at most 512 bytes"},
    [EOD_G_BUCKET] = {"bucket", "3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a "
                                "letter or digit, not an IP address"},
    [EOD_G_MD5] = {"md5", "32 lower-case hex digits"},
    [EOD_G_TOKEN] = {"token", "1 to 4096 printable ASCII characters without spaces (it goes in an HTTP header)"},
    [EOD_G_URL] = {"URL", "http:// or https://, a host (no user name), an optional port, a path and a query of "
                          "URL characters, at most 2048 bytes"},
    [EOD_G_KR_CODE] = {"KR code", "6 to 9 upper-case letters and digits (005930, 0004Y0)"},
    [EOD_G_BATCH_ID] = {"batch id", "kr-mq-YYYYMMDD-NNNNN: a KR session (a real date) and a batch number of 5 digits"},
    [EOD_G_WORK_ID] = {"task or batch id", "a task id or a batch id"},
};

bool
eod_grammar_no (char *why, size_t whylen, const char *format, ...)
{
    if (why && whylen) {
        va_list args;
        va_start (args, format);
        vsnprintf (why, whylen, format, args);
        va_end (args);
    }
    return false;
}

bool
eod_grammar_length (size_t len, size_t max, char *why, size_t whylen)
{
    if (len == 0)
        return eod_grammar_no (why, whylen, "is empty");
    if (len > max)
        return eod_grammar_no (why, whylen, "is %zu bytes, over %zu", len, max);
    return true;
}

const char *
eod_grammar_name (eod_grammar_t g)
{
    return g < EOD_G_COUNT ? s_grammars[g].name : "?";
}

const char *
eod_grammar_about (eod_grammar_t g)
{
    return g < EOD_G_COUNT ? s_grammars[g].about : "?";
}

//  ---------------------------------------------------------------- pieces

bool
eod_grammar_utf8 (const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *) text;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;   //  a continuation byte first, C0/C1 (overlong), or past F4
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

bool
eod_grammar_utf8_str (const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    while (*p && *p < 0x80)
        p++;
    return !*p || eod_grammar_utf8 ((const char *) p, strlen ((const char *) p));
}

static bool
s_has_control (const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7F)
            return true;
    return false;
}

//  Text of UTF-8 without control characters, 1..max bytes (0..max when
//  empty_ok).
static bool
s_line (const char *s, size_t max, bool empty_ok, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if ((len || !empty_ok) && !eod_grammar_length (len, max, why, whylen))
        return false;
    if (!eod_grammar_utf8 (s, len))
        return eod_grammar_no (why, whylen, "is not valid UTF-8");
    if (s_has_control (s))
        return eod_grammar_no (why, whylen, "holds a control character");
    return true;
}

//  The characters of an id after its first.
static bool
s_is_id_char (char c)
{
    return eod_grammar_is_alnum (c) || c == '.' || c == '_' || c == '-';
}

static bool
s_id (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_ID_MAX, why, whylen))
        return false;
    if (!eod_grammar_is_alnum (s[0]))
        return eod_grammar_no (why, whylen, "does not start with a letter or digit");
    for (const char *p = s; *p; p++)
        if (!s_is_id_char (*p))
            return eod_grammar_no (why, whylen,
                                   *p == '/' ? "holds '/'"
                                             : "holds a character other than letters, digits, "
                                               "'.', '_' and '-'");
    return true;
}

static bool
s_word (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_WORD_MAX, why, whylen))
        return false;
    if (!eod_grammar_is_lower (s[0]))
        return eod_grammar_no (why, whylen, "does not start with a lower-case letter");
    for (const char *p = s; *p; p++)
        if (!eod_grammar_is_lower (*p) && !eod_grammar_is_digit (*p) && *p != '_' && *p != '-')
            return eod_grammar_no (why, whylen, "holds a character other than lower-case letters, digits, '_' and '-'");
    return true;
}

static bool
s_one_of (const char *s, const char *a, const char *b, char *why, size_t whylen)
{
    if (strcmp (s, a) == 0 || strcmp (s, b) == 0)
        return true;
    if (!*s)
        return eod_grammar_no (why, whylen, "is empty");
    return eod_grammar_no (why, whylen, "is not %s or %s", a, b);
}

static bool
s_mode (const char *s, char *why, size_t whylen)
{
    if (strcmp (s, "close") == 0)
        return true;
    if (s_one_of (s, "daily", "backfill", NULL, 0))
        return true;
    if (!*s)
        return eod_grammar_no (why, whylen, "is empty");
    return eod_grammar_no (why, whylen, "is not daily, backfill or close");
}

static int
s_days_in_month (int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

//  n digits at s as a number, or -1.
static int
s_number (const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!eod_grammar_is_digit (s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

//  A real date of YYYY MM DD at s, s+mo, s+d.
static bool
s_date_at (const char *s, size_t mo, size_t d, char *why, size_t whylen)
{
    int y = s_number (s, 4), m = s_number (s + mo, 2), day = s_number (s + d, 2);
    if (y < 0 || m < 0 || day < 0)
        return eod_grammar_no (why, whylen, "is not a date (want YYYY-MM-DD)");
    if (y < S_YEAR_MIN || y > S_YEAR_MAX)
        return eod_grammar_no (why, whylen, "has a year outside %d..%d", S_YEAR_MIN, S_YEAR_MAX);
    if (m < 1 || m > 12 || day < 1 || day > s_days_in_month (y, m))
        return eod_grammar_no (why, whylen, "is not a real calendar date");
    return true;
}

static bool
s_date (const char *s, char *why, size_t whylen)
{
    if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
        return eod_grammar_no (why, whylen, *s ? "is not a date (want YYYY-MM-DD)" : "is empty");
    return s_date_at (s, 5, 8, why, whylen);
}

static bool
s_compact_date (const char *s, char *why, size_t whylen)
{
    return s_date_at (s, 4, 6, why, whylen);
}

int
eod_grammar_date_cmp (const char *a, const char *b)
{
    //  Both spellings sort as text: the digits are in the same order.
    return strcmp (a, b);
}

//  ---------------------------------------------------------------- codes

static bool
s_kr_code (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (len == 0)
        return eod_grammar_no (why, whylen, "is empty");
    if (len < EOD_GRAMMAR_KR_CODE_MIN || len > EOD_GRAMMAR_KR_CODE_MAX)
        return eod_grammar_no (why, whylen, "is not a KR code (%d to %d characters)", EOD_GRAMMAR_KR_CODE_MIN,
                               EOD_GRAMMAR_KR_CODE_MAX);
    for (const char *p = s; *p; p++)
        if (!eod_grammar_is_digit (*p) && !eod_grammar_is_upper (*p))
            return eod_grammar_no (why, whylen, "is not a KR code (upper-case letters and digits)");
    return true;
}

static bool
s_us_code (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_US_CODE_MAX, why, whylen))
        return false;
    if (!eod_grammar_is_digit (s[0]) && !eod_grammar_is_upper (s[0]))
        return eod_grammar_no (why, whylen, "does not start with an upper-case letter or digit");
    if (!eod_grammar_is_digit (s[len - 1]) && !eod_grammar_is_upper (s[len - 1]))
        return eod_grammar_no (why, whylen, "does not end with an upper-case letter or digit");
    int slashes = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '/')
            slashes++;
        else if (!eod_grammar_is_digit (*p) && !eod_grammar_is_upper (*p) && *p != '.' && *p != '-')
            return eod_grammar_no (why, whylen, "is not a US ticker (upper-case letters, digits, '.', '-', '/')");
    }
    if (slashes > 1)
        return eod_grammar_no (why, whylen, "holds more than one '/'");
    return true;
}

bool
eod_grammar_code_ok (const char *market, const char *code, char *why, size_t whylen)
{
    if (market && strcmp (market, "kr") == 0)
        return s_kr_code (code, why, whylen);
    if (market && strcmp (market, "us") == 0)
        return s_us_code (code, why, whylen);
    //  No market to tell: either kind.
    return s_kr_code (code, NULL, 0) || s_us_code (code, why, whylen);
}

//  MARKET-CODE-YYYYMMDD-YYYYMMDD. A US code may hold '-', so the dates are
//  taken from the end and the market from the start.
static bool
s_task_id (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_TASK_ID_MAX, why, whylen))
        return false;
    const char *dash = strchr (s, '-');
    if (!dash || dash - s != 2 || len < 3 + S_TASK_TAIL + 1)
        return eod_grammar_no (why, whylen, "is not MARKET-CODE-YYYYMMDD-YYYYMMDD");
    char market[3] = {s[0], s[1], '\0'}, code[EOD_GRAMMAR_TASK_ID_MAX + 1];
    const char *tail = s + len - S_TASK_TAIL;
    if (tail[0] != '-' || tail[1 + S_COMPACT_DATE] != '-')
        return eod_grammar_no (why, whylen, "is not MARKET-CODE-YYYYMMDD-YYYYMMDD");
    snprintf (code, sizeof code, "%.*s", (int) (tail - dash - 1), dash + 1);
    char inner[128];
    if (!s_one_of (market, "kr", "us", NULL, 0))
        return eod_grammar_no (why, whylen, "does not start with a market (kr-, us-)");
    if (!eod_grammar_code_ok (market, code, inner, sizeof inner))
        return eod_grammar_no (why, whylen, "has a code that %s", inner);
    if (!s_compact_date (tail + 1, inner, sizeof inner)
        || !s_compact_date (tail + 2 + S_COMPACT_DATE, inner, sizeof inner))
        return eod_grammar_no (why, whylen, "has a date that %s", inner);
    if (strncmp (tail + 1, tail + 2 + S_COMPACT_DATE, S_COMPACT_DATE) > 0)
        return eod_grammar_no (why, whylen, "has its first date after its last");
    return true;
}

//  kr-mq-YYYYMMDD-NNNNN: the multi-quote batches of a KR session.
static bool
s_batch_id (const char *s, char *why, size_t whylen)
{
    static const char prefix[] = "kr-mq-";
    size_t plen = sizeof prefix - 1;
    size_t len = strlen (s);
    if (len != plen + S_COMPACT_DATE + 1 + EOD_GRAMMAR_BATCH_DIGITS || strncmp (s, prefix, plen) != 0
        || s[plen + S_COMPACT_DATE] != '-')
        return eod_grammar_no (why, whylen, "is not kr-mq-YYYYMMDD-NNNNN");
    char inner[128];
    if (!s_compact_date (s + plen, inner, sizeof inner))
        return eod_grammar_no (why, whylen, "has a date that %s", inner);
    for (const char *p = s + plen + S_COMPACT_DATE + 1; *p; p++)
        if (!eod_grammar_is_digit (*p))
            return eod_grammar_no (why, whylen, "is not kr-mq-YYYYMMDD-NNNNN");
    return true;
}

//  ---------------------------------------------------------------- paths and keys

//  Segments between '/': none empty (no '//', nothing trailing unless
//  trailing_ok), none '.' or '..'.
static bool
s_segments (const char *s, bool trailing_ok, char *why, size_t whylen)
{
    const char *p = s;
    while (true) {
        size_t n = strcspn (p, "/");
        if (n == 0 && *p == '\0')
            return p == s || trailing_ok ? true : eod_grammar_no (why, whylen, "ends with '/'");
        if (n == 0)
            return eod_grammar_no (why, whylen, "has an empty segment ('//')");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return eod_grammar_no (why, whylen, "has a '%.*s' segment", (int) n, p);
        p += n;
        if (*p == '\0')
            return true;
        p++;
    }
}

static bool
s_path (const char *s, char *why, size_t whylen)
{
    if (!s_line (s, EOD_GRAMMAR_PATH_MAX, false, why, whylen))
        return false;
    if (s[0] != '/')
        return eod_grammar_no (why, whylen, "is not an absolute path");
    if (s[1] == '\0')
        return eod_grammar_no (why, whylen, "is the root directory");
    return s_segments (s + 1, false, why, whylen);
}

static bool
s_key (const char *s, size_t max, bool prefix, char *why, size_t whylen)
{
    if (prefix && !*s)
        return true;
    if (!s_line (s, max, false, why, whylen))
        return false;
    if (s[0] == '/')
        return eod_grammar_no (why, whylen, "starts with '/'");
    return s_segments (s, prefix, why, whylen);
}

static bool
s_bucket (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (len == 0)
        return eod_grammar_no (why, whylen, "is empty");
    if (len < S_BUCKET_MIN || len > S_BUCKET_MAX)
        return eod_grammar_no (why, whylen, "is not %d to %d characters", S_BUCKET_MIN, S_BUCKET_MAX);
    for (const char *p = s; *p; p++)
        if (!eod_grammar_is_lower (*p) && !eod_grammar_is_digit (*p) && *p != '.' && *p != '-')
            return eod_grammar_no (why, whylen, "holds a character other than lower-case letters, digits, '.' and '-'");
    if (!eod_grammar_is_alnum (s[0]) || !eod_grammar_is_alnum (s[len - 1]))
        return eod_grammar_no (why, whylen, "does not start and end with a letter or digit");
    if (strstr (s, ".."))
        return eod_grammar_no (why, whylen, "holds '..'");
    if (eod_grammar_is_ipv4 (s, len))
        return eod_grammar_no (why, whylen, "is an IP address");
    //  Prefixes and suffixes S3 keeps for itself.
    static const char *const prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
    static const char *const suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp (s, prefixes[i], strlen (prefixes[i])) == 0)
            return eod_grammar_no (why, whylen, "starts with '%s', which S3 keeps for itself", prefixes[i]);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t n = strlen (suffixes[i]);
        if (len > n && strcmp (s + len - n, suffixes[i]) == 0)
            return eod_grammar_no (why, whylen, "ends with '%s', which S3 keeps for itself", suffixes[i]);
    }
    return true;
}

static bool
s_md5 (const char *s, char *why, size_t whylen)
{
    if (strlen (s) != S_MD5_HEX)
        return eod_grammar_no (why, whylen, "is not %d hex digits", S_MD5_HEX);
    for (const char *p = s; *p; p++)
        if (!eod_grammar_is_digit (*p) && !(*p >= 'a' && *p <= 'f'))
            return eod_grammar_no (why, whylen, "is not lower-case hex");
    return true;
}

//  Printable ASCII without spaces: nothing that could end a header line.
static bool
s_token (const char *s, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_TOKEN_MAX, why, whylen))
        return false;
    for (const char *p = s; *p; p++)
        if (*p <= ' ' || *p > '~')
            return eod_grammar_no (why, whylen, "holds a character other than printable ASCII");
    return true;
}

//  ---------------------------------------------------------------- the check

bool
eod_grammar_ok (eod_grammar_t g, const char *s, char *why, size_t whylen)
{
    if (!s)
        return eod_grammar_no (why, whylen, "is missing");
    if (!eod_grammar_utf8 (s, strlen (s)))
        return eod_grammar_no (why, whylen, "is not valid UTF-8");
    switch (g) {
    case EOD_G_TEXT: return true;
    case EOD_G_LINE: return s_line (s, EOD_GRAMMAR_LINE_MAX, true, why, whylen);
    case EOD_G_WORD: return s_word (s, why, whylen);
    case EOD_G_ID: return s_id (s, why, whylen);
    case EOD_G_ID_OR_NONE: return !*s || s_id (s, why, whylen);
    case EOD_G_TASK_ID: return s_task_id (s, why, whylen);
    case EOD_G_MARKET: return s_one_of (s, "kr", "us", why, whylen);
    case EOD_G_MODE: return s_mode (s, why, whylen);
    case EOD_G_CODE: return eod_grammar_code_ok (NULL, s, why, whylen);
    case EOD_G_DATE: return s_date (s, why, whylen);
    case EOD_G_PATH: return s_path (s, why, whylen);
    case EOD_G_KEY: return s_key (s, EOD_GRAMMAR_KEY_MAX, false, why, whylen);
    case EOD_G_PREFIX: return s_key (s, EOD_GRAMMAR_PREFIX_MAX, true, why, whylen);
    case EOD_G_BUCKET: return s_bucket (s, why, whylen);
    case EOD_G_MD5: return s_md5 (s, why, whylen);
    case EOD_G_URL: return eod_grammar_url (s, why, whylen);
    case EOD_G_TOKEN: return s_token (s, why, whylen);
    case EOD_G_KR_CODE: return s_kr_code (s, why, whylen);
    case EOD_G_BATCH_ID: return s_batch_id (s, why, whylen);
    case EOD_G_WORK_ID: return strncmp (s, "kr-mq-", 6) == 0 ? s_batch_id (s, why, whylen) : s_task_id (s, why, whylen);
    case EOD_G_COUNT: break;
    }
    return eod_grammar_no (why, whylen, "has no grammar");
}
