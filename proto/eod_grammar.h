/*  eod_grammar — what a string from outside may hold before it reaches a
    file path, an S3 key or a URL, declared once.

    Every string field of the message table (eod_proto_table.c) names one of
    these grammars and the decoder checks it (eod_msg_check); the config
    loader checks its keys with the same functions. A value that passes is
    safe to put in a path or key as the module that builds it says: an id
    holds no '/' and cannot be '.' or '..'; a code may hold one '/' (BRK/B),
    so a code is never a path component as it is; a path or key has no '.',
    '..' or empty segment. Nothing here allocates; every check is linear in
    the length of the string.

    The why of a refusal is a short phrase that never repeats the value (it
    may hold anything): "holds '/'", "is not valid UTF-8". */
#ifndef EOD_GRAMMAR_H
#define EOD_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    EOD_G_TEXT = 0,     //  free text: valid UTF-8 (every string of a message is at least this)
    EOD_G_LINE,         //  one line: valid UTF-8 without control characters, at most EOD_GRAMMAR_LINE_MAX bytes
    EOD_G_WORD,         //  a lower-case word (status, level, stage): a letter, then letters, digits, '_' or '-'
    EOD_G_ID,           //  run id, app-key id: a letter or digit, then letters, digits, '.', '_' or '-'
    EOD_G_ID_OR_NONE,   //  an id, or empty for none (the END_ACK of an END that had no run id)
    EOD_G_TASK_ID,      //  MARKET-CODE-YYYYMMDD-YYYYMMDD, as the lister makes it
    EOD_G_MARKET,       //  kr | us
    EOD_G_MODE,         //  daily | backfill | close
    EOD_G_CODE,         //  a KR short code or a US ticker in KIS form (which one: the message's market)
    EOD_G_DATE,         //  YYYY-MM-DD, a real calendar date of the years 1900..2999
    EOD_G_PATH,         //  an absolute path without '.', '..' or empty segments
    EOD_G_KEY,          //  an S3 object key: no leading '/', no '.', '..' or empty segments
    EOD_G_PREFIX,       //  an S3 key prefix: empty, or a key that may end with '/'
    EOD_G_BUCKET,       //  an S3 bucket name (the naming rules of general purpose buckets)
    EOD_G_MD5,          //  32 lower-case hex digits
    EOD_G_URL,          //  http:// or https://, a host, an optional port, path and query
    EOD_G_TOKEN,        //  a key, secret or token for an HTTP header: printable ASCII, no spaces
    EOD_G_KR_CODE,      //  a KR short code, whatever the message's market (a multi-quote batch's codes)
    EOD_G_BATCH_ID,     //  kr-mq-YYYYMMDD-NNNNN: a multi-quote batch of a KR session
    EOD_G_WORK_ID,      //  a task id or a batch id (what an ACK names)
    EOD_G_COUNT
} eod_grammar_t;

#define EOD_GRAMMAR_LINE_MAX 256   //  a worker name, an exchange, a KIS message code
#define EOD_GRAMMAR_WORD_MAX 32
#define EOD_GRAMMAR_ID_MAX 64   //  the lister's run ids are 16, the calendar's about 30
#define EOD_GRAMMAR_TASK_ID_MAX 64
#define EOD_GRAMMAR_KR_CODE_MIN 6    //  "005930", "0004Y0"
#define EOD_GRAMMAR_KR_CODE_MAX 9    //  the master file's short-code column
#define EOD_GRAMMAR_US_CODE_MAX 16   //  KIS SYMB
#define EOD_GRAMMAR_PATH_MAX 4095    //  PATH_MAX less the NUL
#define EOD_GRAMMAR_KEY_MAX 1024     //  S3's limit, in UTF-8 bytes
#define EOD_GRAMMAR_PREFIX_MAX 512   //  leaves room for market=/dt=/file
#define EOD_GRAMMAR_URL_MAX 2048
#define EOD_GRAMMAR_BATCH_DIGITS 5   //  kr-mq-YYYYMMDD-00001: 99,999 batches a session
#define EOD_GRAMMAR_TOKEN_MAX 4096   //  a KIS access token is a JWT of ~350 bytes

//  True when s (NUL-terminated) is in grammar g. Otherwise false, with why
//  (may be NULL) holding the reason, which never quotes s.
bool eod_grammar_ok (eod_grammar_t g, const char *s, char *why, size_t whylen);

//  The grammar's name ("id", "date") and what it takes, one phrase, for
//  errors and the documentation of the message table.
const char *eod_grammar_name (eod_grammar_t g);
const char *eod_grammar_about (eod_grammar_t g);

//  True when the len bytes at s are well-formed UTF-8 (no overlong forms,
//  surrogates or code points past U+10FFFF).
bool eod_grammar_utf8 (const char *s, size_t len);

//  The same of the string s, up to its NUL: an ASCII run is read once,
//  without a strlen first (a message's map holds thousands of short values).
bool eod_grammar_utf8_str (const char *s);

//  True when code is a code of market ("kr": 6 to 9 upper-case letters and
//  digits; "us": a ticker in KIS form, letters, digits, '.' and '-' with at
//  most one '/', BRK/B). Otherwise false with why.
bool eod_grammar_code_ok (const char *market, const char *code, char *why, size_t whylen);

//  Compares two dates of EOD_G_DATE (or two of YYYYMMDD): < 0, 0, > 0.
int eod_grammar_date_cmp (const char *a, const char *b);

//  For a URL of EOD_G_URL: true when it is https, and true when its host is
//  loopback (localhost, 127.0.0.0/8, [::1]).
bool eod_grammar_url_https (const char *url);
bool eod_grammar_url_loopback (const char *url);

#endif
