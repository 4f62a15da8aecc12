/*  eod_config — loading (see eod_config.h): the file read and its unknown
    names reported (eod_config_file.c), each key's value from the
    environment, the file or the table's default (eod_config_table.c),
    checked (eod_config_check.c), then the rules between keys; every problem
    becomes one line of the error text. Also the accessors, path expansion,
    the example file and the secrets. */
#include "eod_config_internal.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define S_LINE_MAX 600   //  one error line

struct _eod_config_t {
    char *path;
    eod_config_file_t file;   //  the file's lines and values (no dict: defaults only)
    char **values;            //  resolved text per key
    long long *ints;
};

//  ---------------------------------------------------------------- errors

void
eod_config_err (eod_config_errs_t *errs, bool soft, int line, const char *name, const char *format, ...)
{
    char why[400], where[S_LINE_MAX / 2] = "", text[S_LINE_MAX];
    va_list args;
    va_start (args, format);
    vsnprintf (why, sizeof why, format, args);
    va_end (args);
    const char *path = errs->path ? errs->path : "(defaults)";
    if (line > 0)
        snprintf (where, sizeof where, "%s:%d", path, line);
    else
        snprintf (where, sizeof where, "%s", path);
    const char *colon = name ? strchr (name, ':') : NULL;
    if (colon && colon[1])
        snprintf (text, sizeof text, "%s: [%.*s] %s: %s", where, (int) (colon - name), name, colon + 1, why);
    else if (colon)
        snprintf (text, sizeof text, "%s: [%.*s]: %s", where, (int) (colon - name), name, why);
    else
        snprintf (text, sizeof text, "%s: %s", where, why);
    if (soft && !errs->strict) {
        eod_log_warn ("config: %s", text);
        errs->warnings++;
        return;
    }
    errs->errors++;
    if (!errs->text || !errs->size)
        return;
    //  Whole lines only: one that does not fit is left out (it is counted),
    //  so that every line of the text names the file.
    size_t need = (errs->len ? 1 : 0) + strlen (text);
    if (errs->len + need < errs->size) {
        snprintf (errs->text + errs->len, errs->size - errs->len, "%s%s", errs->len ? "\n" : "", text);
        errs->len += need;
    }
}

//  The line number an error line names after "NAME:", or 0 (a line about
//  the file as a whole, or one cut short when the error text was full).
static long
s_line_number (const char *line, const char *name, size_t prefix)
{
    if (strnlen (line, prefix + 1) <= prefix || strncmp (line, name, prefix) != 0 || line[prefix] != ':')
        return 0;
    return strtol (line + prefix + 1, NULL, 10);
}

//  Puts the error lines of text in the order of the file (errors about the
//  file as a whole first): they were found check by check.
static void
s_sort_lines (char *text, const char *path)
{
    if (!text || !*text)
        return;
    const char *name = path ? path : "(defaults)";
    size_t prefix = strlen (name), n = 1, len = strlen (text);
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    char **lines = calloc (n, sizeof *lines), *copy = strdup (text);
    if (!lines || !copy) {
        free (lines);
        free (copy);
        return;
    }
    size_t k = 0;
    for (char *line = copy, *end; line && k < n; line = end ? end + 1 : NULL) {
        end = strchr (line, '\n');
        if (end)
            *end = '\0';
        lines[k++] = line;
    }
    //  Insertion sort: stable, and a config has few errors.
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && s_line_number (lines[j - 1], name, prefix) > s_line_number (lines[j], name, prefix);
             j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    size_t o = 0;
    for (size_t i = 0; i < k; i++)
        o += (size_t) snprintf (text + o, len + 1 - o, "%s%s", i ? "\n" : "", lines[i]);
    free (lines);
    free (copy);
}

//  ---------------------------------------------------------------- loading

//  The value of key i and where it came from, checked and kept. 0 or -1
//  (the error is in errs).
static int
s_take (eod_config_t *self, size_t i, eod_config_errs_t *errs)
{
    const eod_config_key_t *k = &eod_config_keys[i];
    const char *value = k->def, *env = k->env ? getenv (k->env) : NULL;
    int line = 0;
    if (self->file.dict) {
        const char *v = iniparser_getstring (self->file.dict, k->name, NULL);
        if (v) {
            value = v;
            line = eod_config_file_line (&self->file, k->name);
        }
    }
    if (env && *env) {
        value = env;
        line = 0;
    }
    char why[300];
    if (!eod_config_check_value (i, value, why, sizeof why)) {
        if (env && *env)
            eod_config_err (errs, false, 0, k->name, "from the environment variable %s: %s", k->env, why);
        else
            eod_config_err (errs, false, line, k->name, "%s%s", why, line || !self->file.dict ? "" : " (default)");
        return -1;
    }
    char *copy = strdup (value);
    if (!copy) {
        eod_config_err (errs, false, line, k->name, "out of memory");
        return -1;
    }
    free (self->values[i]);
    self->values[i] = copy;
    self->ints[i] = k->type == EOD_CT_INT || k->type == EOD_CT_BOOL ? eod_config_check_number (i, value) : 0;
    return 0;
}

static eod_config_t *
s_load (const char *path, bool strict, char *err, size_t errlen)
{
    eod_config_errs_t errs = {.path = path, .text = err, .size = errlen, .strict = strict};
    if (err && errlen)
        err[0] = '\0';
    eod_config_t *self = calloc (1, sizeof *self);
    if (self) {
        self->values = calloc (eod_config_nkeys, sizeof *self->values);
        self->ints = calloc (eod_config_nkeys, sizeof *self->ints);
    }
    if (!self || !self->values || !self->ints || (path && !(self->path = strdup (path)))) {
        eod_config_err (&errs, false, 0, NULL, "out of memory");
        goto fail;
    }
    if (path) {
        if (eod_config_file_read (&self->file, path, &errs))
            goto fail;
        eod_config_file_unknown (&self->file, iniparser_getstring (self->file.dict, "kis:keys", ""), &errs);
    }
    for (size_t i = 0; i < eod_config_nkeys; i++)
        s_take (self, i, &errs);
    //  The rules too, over the values that passed: all the errors at once.
    eod_config_check_rules (self, path ? &self->file : NULL, &errs);
    if (errs.errors == 0)
        return self;
fail:
    s_sort_lines (err, path);
    eod_config_destroy (&self);
    return NULL;
}

eod_config_t *
eod_config_load (const char *path, char *err, size_t errlen)
{
    return s_load (path, false, err, errlen);
}

eod_config_t *
eod_config_load_strict (const char *path, char *err, size_t errlen)
{
    return s_load (path, true, err, errlen);
}

void
eod_config_destroy (eod_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_config_t *self = *self_p;
    for (size_t i = 0; self->values && i < eod_config_nkeys; i++)
        free (self->values[i]);
    free (self->values);
    free (self->ints);
    eod_config_file_free (&self->file);
    free (self->path);
    free (self);
    *self_p = NULL;
}

//  ---------------------------------------------------------------- values

const char *
eod_config_str (const eod_config_t *self, const char *name)
{
    int i = eod_config_key_find (name);
    assert (i >= 0);
    return self->values[i] ? self->values[i] : "";
}

const char *
eod_config_str_or_null (const eod_config_t *self, const char *name)
{
    int i = eod_config_key_find (name);
    return i < 0 ? NULL : self->values[i] ? self->values[i] : "";
}

long long
eod_config_int (const eod_config_t *self, const char *name)
{
    int i = eod_config_key_find (name);
    assert (i >= 0 && (eod_config_keys[i].type == EOD_CT_INT || eod_config_keys[i].type == EOD_CT_BOOL));
    return self->ints[i];
}

bool
eod_config_bool (const eod_config_t *self, const char *name)
{
    return eod_config_int (self, name) != 0;
}

const char *
eod_config_raw (const eod_config_t *self, const char *section, const char *key)
{
    if (!self->file.dict)
        return NULL;
    char name[256];
    snprintf (name, sizeof name, "%s:%s", section, key);
    for (char *p = name; *p; p++)
        *p = (char) tolower ((unsigned char) *p);
    return iniparser_getstring (self->file.dict, name, NULL);
}

int
eod_config_set (eod_config_t *self, const char *name, const char *value, char *err, size_t errlen)
{
    int i = eod_config_key_find (name);
    if (i < 0) {
        eod_set_error (err, errlen, "unknown config key '%s'", name);
        return -1;
    }
    char why[300];
    if (!eod_config_check_value ((size_t) i, value, why, sizeof why)) {
        const char *colon = strchr (name, ':');
        eod_set_error (err, errlen, "[%.*s] %s: %s", (int) (colon - name), name, colon + 1, why);
        return -1;
    }
    char *copy = strdup (value);
    if (!copy) {
        eod_set_error (err, errlen, "out of memory");
        return -1;
    }
    free (self->values[i]);
    self->values[i] = copy;
    self->ints[i] = eod_config_check_number ((size_t) i, value);
    return 0;
}

const char *
eod_config_path (const eod_config_t *self)
{
    return self->path ? self->path : "(defaults)";
}

char *
eod_config_path_value (const eod_config_t *self, const char *name, char *out, size_t outsize)
{
    const char *value = eod_config_str (self, name);
    const char *root = getenv ("EOD_ROOT");
#ifdef EOD_SOURCE_DIR
    if (!root || !*root)
        root = EOD_SOURCE_DIR;
#endif
    if (!root || !*root)
        root = ".";
    char expanded[1024];
    const char *marker = strstr (value, "${state_dir}");
    if (marker && strcmp (name, "pipeline:state_dir") != 0) {
        char state[1024];
        eod_config_path_value (self, "pipeline:state_dir", state, sizeof state);
        snprintf (expanded, sizeof expanded, "%.*s%s%s", (int) (marker - value), value, state,
                  marker + strlen ("${state_dir}"));
    }
    else
        snprintf (expanded, sizeof expanded, "%s", value);
    //  Endpoints keep their scheme: expand only the path after ipc://.
    const char *scheme = strstr (expanded, "://");
    if (scheme && strncmp (expanded, "ipc://", 6) != 0)
        snprintf (out, outsize, "%s", expanded);
    else if (scheme) {
        const char *p = expanded + 6;
        if (*p == '/')
            snprintf (out, outsize, "%s", expanded);
        else
            snprintf (out, outsize, "ipc://%s/%s", root, p);
    }
    else if (expanded[0] == '/' || expanded[0] == '\0')
        snprintf (out, outsize, "%s", expanded);
    else
        snprintf (out, outsize, "%s/%s", root, expanded);
    return out;
}

void
eod_config_write_example (FILE *out)
{
    fprintf (out, "; eod configuration: every key, with its default and meaning.\n"
                  "; Generated by `eod-coordinator --config-example`. The first four sections are the\n"
                  "; reference pipeline's config.ini sections and keep their meaning. A file that holds a\n"
                  "; secret must be mode 0600. Relative paths are taken from the project root.\n"
                  "; `eod-coordinator --check-config --config FILE` checks every key and lists each error.\n");
    const char *section = "";
    size_t seclen = 0;
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        const eod_config_key_t *k = &eod_config_keys[i];
        const char *colon = strchr (k->name, ':');
        if ((size_t) (colon - k->name) != seclen || strncmp (section, k->name, seclen) != 0) {
            section = k->name;
            seclen = (size_t) (colon - k->name);
            char upper[64];
            snprintf (upper, sizeof upper, "%.*s", (int) seclen, section);
            if (eod_config_section_is_reference (upper, seclen))
                for (char *p = upper; *p; p++)
                    *p = (char) toupper ((unsigned char) *p);
            fprintf (out, "\n[%s]\n", upper);
        }
        fprintf (out, "; %s", k->doc);
        if (k->type == EOD_CT_INT)
            fprintf (out, " (%lld..%lld)", k->min, k->max);
        else if (k->type == EOD_CT_ENUM)
            fprintf (out, " (%s)", k->choices);
        else if (k->type == EOD_CT_BOOL)
            fprintf (out, " (true|false)");
        else if (k->type == EOD_CT_TIME)
            fprintf (out, " (HH:MM)");
        else if (k->type == EOD_CT_DATE)
            fprintf (out, " (YYYY-MM-DD)");
        if (k->env)
            fprintf (out, "; the environment variable %s overrides it", k->env);
        fprintf (out, "\n%s = %s\n", colon + 1, k->def);
    }
}

void
eod_config_register_secrets (const eod_config_t *self)
{
    for (size_t i = 0; i < eod_config_nkeys; i++)
        if ((eod_config_keys[i].flags & EOD_CF_SECRET) && self->values[i] && *self->values[i])
            eod_log_secret (self->values[i]);
    //  The app-key sections [kis] keys names.
    char section[64];
    size_t len;
    for (const char *p = eod_config_str (self, "kis:keys"); eod_config_list_next (&p, section, sizeof section, &len);)
        for (size_t k = 0; eod_config_app_keys[k]; k++) {
            const char *v = eod_config_raw (self, section, eod_config_app_keys[k]);
            if (v && *v && eod_config_app_key_secret (eod_config_app_keys[k]))
                eod_log_secret (v);
        }
}
