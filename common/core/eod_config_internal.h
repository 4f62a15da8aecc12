/*  eod_config_internal — what the files of the config loader share (see
    eod_config.h): the table of keys (eod_config_table.c), the reading of the
    file (eod_config_file.c), the checks of values and of the rules between
    keys (eod_config_check.c), and the list of errors they write to. Not for
    use outside eod_config*.c. */
#ifndef EOD_CONFIG_INTERNAL_H
#define EOD_CONFIG_INTERNAL_H

#include "eod_config.h"

#include <iniparser.h>
#include <stdbool.h>
#include <stddef.h>

//  What a key's value is. Each type has its check (eod_config_check.c).
typedef enum {
    EOD_CT_STR,        //  one line of UTF-8
    EOD_CT_INT,        //  a whole number within min..max
    EOD_CT_BOOL,       //  true/false, yes/no, 1/0
    EOD_CT_ENUM,       //  one of choices ("a|b")
    EOD_CT_TIME,       //  HH:MM, 00:00..23:59
    EOD_CT_DATE,       //  YYYY-MM-DD, a real date
    EOD_CT_URL,        //  http:// or https:// (eod_grammar EOD_G_URL)
    EOD_CT_PATH,       //  a file or directory, absolute or from the project root; ${state_dir}
    EOD_CT_ENDPOINT,   //  ipc://PATH, tcp://HOST:PORT or inproc://NAME
    EOD_CT_BUCKET,     //  an S3 bucket name
    EOD_CT_PREFIX,     //  an S3 key prefix
    EOD_CT_TEMPLATE,   //  an S3 key template with {market} {yyyy} {mm} {dd} {yyyymmdd} {file}
    EOD_CT_REGION,     //  an AWS region: lower-case letters, digits and '-'
    EOD_CT_MARKETS,    //  kr and/or us, comma-separated
    EOD_CT_SECTIONS    //  app-key sections, comma-separated, each in the file with key and secret_key
} eod_config_type_t;

#define EOD_CF_SECRET 1u     //  never quoted, registered with eod_log_secret, counts for the file rule
#define EOD_CF_CARRIES 2u    //  a URL that secrets travel to: https, or http on loopback only
#define EOD_CF_EMPTY_OK 4u   //  empty means "none" and is not checked further

typedef struct {
    const char *name;   //  "section:key", lower case as iniparser stores it
    eod_config_type_t type;
    const char *def;       //  default as text
    long long min, max;    //  EOD_CT_INT bounds
    const char *choices;   //  EOD_CT_ENUM: "a|b"
    const char *env;       //  environment variable that overrides it, or NULL
    unsigned flags;        //  EOD_CF_*
    const char *doc;
} eod_config_key_t;

//  The table, and how many keys it has.
extern const eod_config_key_t eod_config_keys[];
extern const size_t eod_config_nkeys;

//  The keys an app-key section named by [kis] keys may hold, NULL-ended
//  (those of [LIVE_APP]), and which of them are secrets.
extern const char *const eod_config_app_keys[];
bool eod_config_app_key_secret (const char *key);

//  Index of "section:key" in the table, or -1.
int eod_config_key_find (const char *name);

//  True for the reference pipeline's sections ([LIVE_APP] [TEST_APP]
//  [AWS_CONFIG] [SLACK_CONFIG]), written upper case in the example.
bool eod_config_section_is_reference (const char *section, size_t len);

//  ---------------------------------------------------------------- errors

//  Every problem a load finds, as lines "FILE:LINE: [section] key: why".
typedef struct {
    const char *path;   //  the file, or NULL (defaults)
    char *text;         //  the caller's buffer
    size_t size, len;
    int errors, warnings;
    bool strict;   //  --check-config: unknown sections and keys are errors
} eod_config_errs_t;

//  An error (or, when !strict and soft, a warning logged at once) at line of
//  the file (0: the file as a whole) about name ("section:key", "section:",
//  or NULL).
void eod_config_err (eod_config_errs_t *errs, bool soft, int line, const char *name, const char *format, ...)
    __attribute__ ((format (printf, 5, 6)));

//  ---------------------------------------------------------------- the file

//  A key (or a section header, key NULL) seen in the file and its line.
typedef struct {
    char *section;
    char *key;
    int line;
} eod_config_entry_t;

typedef struct {
    eod_config_entry_t *entries;
    size_t count;
    dictionary *dict;   //  iniparser's values
    unsigned mode;      //  st_mode of the file
} eod_config_file_t;

//  Reads path: refuses a directory, a file that is not regular, an empty one,
//  one over 1 MiB, one without a key, and lines that are neither a section, a
//  key = value nor a comment; then iniparser reads the values. 0, or -1 with
//  the errors in errs.
int eod_config_file_read (eod_config_file_t *file, const char *path, eod_config_errs_t *errs);
void eod_config_file_free (eod_config_file_t *file);

//  The line of "section:key" (or of "section:" for the header), or 0.
int eod_config_file_line (const eod_config_file_t *file, const char *name);

//  Reports sections and keys that are not in the table (nor an app-key
//  section [kis] keys names) and keys set twice: errors when strict, else
//  warnings; each names the nearest known one.
void eod_config_file_unknown (const eod_config_file_t *file, const char *app_sections, eod_config_errs_t *errs);

//  ---------------------------------------------------------------- checks

//  Checks value against key i's type. true, or false with why (which never
//  quotes a secret).
bool eod_config_check_value (size_t i, const char *value, char *why, size_t whylen);

//  Parses a checked EOD_CT_INT or EOD_CT_BOOL value.
long long eod_config_check_number (size_t i, const char *value);

//  The rules between keys, over the loaded values: secret URLs are https
//  unless on loopback; the app-key sections [kis] keys names exist with a
//  key and secret; a file that holds a secret is private unless it says
//  its keys are the simulator's ([pipeline] demo_keys) and every service
//  they go to is on loopback; expanded paths fit their buffers. file is
//  NULL for defaults only.
void eod_config_check_rules (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs);

//  The next name of a list separated by commas or spaces ([kis] keys,
//  [schedule] markets), lower case, into out; false at the end. *len is the
//  name's length (a name too long for out is cut).
bool eod_config_list_next (const char **p, char *out, size_t outsize, size_t *len);

//  The distance between two names (Levenshtein, at most a few dozen bytes).
size_t eod_config_distance (const char *a, const char *b);

#endif
