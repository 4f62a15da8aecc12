/*  eod_config — the pipeline's configuration: one INI file (iniparser), every key
    declared once in a table with its type, default, bounds and a line of
    documentation (config/config.ini.example is that table in prose).

    The reference pipeline's sections [LIVE_APP] [TEST_APP] [AWS_CONFIG]
    [SLACK_CONFIG] keep their meaning; the pipeline's own sections follow.
    Secrets can come from the environment instead of the file (the variables
    are in the table). A file that holds a secret and is readable by group or
    others is refused. Errors name the file, the line and the key. */
#ifndef EOD_CONFIG_H
#define EOD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct _eod_config_t eod_config_t;

//  Loads and validates path (NULL: defaults only). Returns NULL with the reason
//  in err ("config.ini:12: [kis] rate: 'abc' is not a number").
eod_config_t *eod_config_load (const char *path, char *err, size_t errlen);
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
