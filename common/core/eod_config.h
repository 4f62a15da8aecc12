/*  eod_config — the pipeline's configuration: one INI file (iniparser), every key
    declared once in a table (eod_config_table.c) with its type, default,
    bounds and a line of documentation (config/config.ini.example is that
    table in prose).

    The reference pipeline's sections [LIVE_APP] [TEST_APP] [AWS_CONFIG]
    [SLACK_CONFIG] keep their meaning; the pipeline's own sections follow.
    Secrets can come from the environment instead of the file (the variables
    are in the table).

    What is checked (eod_config_check.c): the file is a regular, non-empty
    file of sections, key = value lines and comments; every key's value has
    its type (number within bounds, boolean, choice, time of day, real date,
    http(s) URL, path, endpoint, S3 bucket name, key prefix and template,
    region, market list, app-key sections); http:// is refused where
    secrets travel (KIS, S3, Slack) unless the host is loopback; a file that
    holds a secret (app-key sections [kis] keys names included) and is
    readable by group or others is refused, unless [pipeline] demo_keys says
    its keys are the simulator's and every service they go to is on
    loopback; paths fit once expanded. Sections and keys the table does not
    know, and keys set twice, are errors for --check-config and warnings
    for a stage. Every error is one line "FILE:LINE: [section] key: why". */
#ifndef EOD_CONFIG_H
#define EOD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct _eod_config_t eod_config_t;

//  Loads and validates path (NULL: defaults only). Returns NULL with every
//  error in err, one a line ("config.ini:12: [kis] rate: 'abc' is not a whole
//  number"; as many as fit). Unknown sections and keys are logged as
//  warnings.
eod_config_t *eod_config_load (const char *path, char *err, size_t errlen);

//  The same for --check-config: unknown sections and keys, and keys set
//  twice, are errors too. Creates nothing.
eod_config_t *eod_config_load_strict (const char *path, char *err, size_t errlen);
void eod_config_destroy (eod_config_t **self_p);

//  Values by "section:key" (lower case). A key not in the table is a programmer
//  error (asserts). Strings are borrowed; "" when unset without default.
const char *eod_config_str (const eod_config_t *self, const char *name);
long long eod_config_int (const eod_config_t *self, const char *name);
bool eod_config_bool (const eod_config_t *self, const char *name);

//  The value of "section:key", or NULL when the key is not in the table.
const char *eod_config_str_or_null (const eod_config_t *self, const char *name);

//  A value of a section that is not in the table (the app-key sections named by
//  [kis] keys): NULL when absent.
const char *eod_config_raw (const eod_config_t *self, const char *section, const char *key);

//  Overrides a value after load (command-line options); validated like the file.
int eod_config_set (eod_config_t *self, const char *name, const char *value, char *err, size_t errlen);

//  The file the config came from, or "(defaults)".
const char *eod_config_path (const eod_config_t *self);

//  Expands a path value: relative paths are taken from the project root
//  (EOD_ROOT, else the build's source dir); ${state_dir} is replaced.
//  Writes into out; returns out.
char *eod_config_path_value (const eod_config_t *self, const char *name, char *out, size_t outsize);

//  Writes every key with its default and documentation as an INI file.
void eod_config_write_example (FILE *out);

//  Registers every secret value with eod_log_secret.
void eod_config_register_secrets (const eod_config_t *self);

#endif
