/*  eod_config_file — reading a config file (see eod_config_internal.h): the
    file itself (a regular, non-empty file), each line (a section, a key =
    value or a comment, as iniparser reads them, so every key has its line
    for the errors), then iniparser for the values; and the sections and
    keys the table does not know, each with the nearest one it does. */
#include "eod_config_internal.h"
#include "eod_log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_LINE_MAX 1000            //  iniparser refuses lines of 1024 bytes and more
#define S_NAME_MAX 64              //  a section or key name
#define S_FILE_MAX (1024 * 1024)   //  the example with every key is 20 KB

//  iniparser prints its complaints on stderr itself; the scan below has
//  said what is wrong with the line by then.
static int
s_quiet (const char *format, ...)
{
    (void) format;
    return 0;
}

static char *
s_strip (char *s)
{
    while (isspace ((unsigned char) *s))
        s++;
    size_t n = strlen (s);
    while (n && isspace ((unsigned char) s[n - 1]))
        s[--n] = '\0';
    return s;
}

static void
s_lower (char *s)
{
    for (; *s; s++)
        *s = (char) tolower ((unsigned char) *s);
}

static int
s_add (eod_config_file_t *file, const char *section, const char *key, int line)
{
    eod_config_entry_t *grown = realloc (file->entries, (file->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    file->entries = grown;
    eod_config_entry_t *e = &file->entries[file->count];
    e->section = strdup (section);
    e->key = key ? strdup (key) : NULL;
    e->line = line;
    if (!e->section || (key && !e->key)) {
        free (e->section);
        free (e->key);
        return -1;
    }
    file->count++;
    return 0;
}

//  One line (stripped, not empty, not a comment): a section header or a
//  key = value; section holds the current section. 0 (what is wrong with
//  the line reported), or -1 when out of memory.
static int
s_scan_line (eod_config_file_t *file, char *p, int lineno, char *section, eod_config_errs_t *errs)
{
    size_t len = strlen (p);
    if (p[0] == '[') {
        char *close = strchr (p, ']');
        if (p[len - 1] != ']' || close != p + len - 1) {
            eod_config_err (errs, false, lineno, NULL, "a section header must be '[name]' alone on its line");
            return 1;
        }
        *close = '\0';
        char *name = s_strip (p + 1);
        if (!*name || strlen (name) >= S_NAME_MAX) {
            eod_config_err (errs, false, lineno, NULL, "a section name of 1 to %d characters", S_NAME_MAX - 1);
            return 1;
        }
        s_lower (name);
        snprintf (section, S_NAME_MAX, "%s", name);
        return s_add (file, section, NULL, lineno);
    }
    char *eq = strchr (p, '=');
    if (!eq) {
        eod_config_err (errs, false, lineno, NULL, "not a [section], a key = value or a comment");
        return 1;
    }
    *eq = '\0';
    char *key = s_strip (p), *value = s_strip (eq + 1);
    if (!*key || strlen (key) >= S_NAME_MAX) {
        eod_config_err (errs, false, lineno, NULL, "a key name of 1 to %d characters before '='", S_NAME_MAX - 1);
        return 1;
    }
    if (!*section) {
        eod_config_err (errs, false, lineno, NULL, "a key comes before any [section]");
        return 1;
    }
    s_lower (key);
    char name[2 * S_NAME_MAX];
    snprintf (name, sizeof name, "%s:%s", section, key);
    //  iniparser ends an unquoted value at ';' or '#': one that starts
    //  with them reads as empty ("channel = #eod" is no channel at all).
    if (*value == ';' || *value == '#')
        eod_config_err (errs, true, lineno, name,
                        "the value starts with '%c', which starts a comment, so it reads as empty: put it in "
                        "quotes",
                        *value);
    return s_add (file, section, key, lineno);
}

int
eod_config_file_read (eod_config_file_t *file, const char *path, eod_config_errs_t *errs)
{
    memset (file, 0, sizeof *file);
    int before = errs->errors;
    struct stat st;
    if (stat (path, &st)) {
        eod_config_err (errs, false, 0, NULL, "cannot read: %s", strerror (errno));
        return -1;
    }
    file->mode = (unsigned) st.st_mode;
    if (S_ISDIR (st.st_mode))
        eod_config_err (errs, false, 0, NULL, "is a directory, not a config file");
    else if (!S_ISREG (st.st_mode))
        eod_config_err (errs, false, 0, NULL, "is not a regular file");
    else if (st.st_size == 0)
        eod_config_err (errs, false, 0, NULL, "is empty");
    else if (st.st_size > S_FILE_MAX)
        eod_config_err (errs, false, 0, NULL, "is %lld bytes, over %d: not a config file", (long long) st.st_size,
                        S_FILE_MAX);
    if (errs->errors > before)
        return -1;
    FILE *f = fopen (path, "r");
    if (!f) {
        eod_config_err (errs, false, 0, NULL, "cannot read: %s", strerror (errno));
        return -1;
    }
    char section[S_NAME_MAX] = "", *line = NULL;
    size_t size = 0;
    ssize_t n;
    int lineno = 0;
    bool continued = false, broken = false;   //  broken: a line iniparser would refuse
    while ((n = getline (&line, &size, f)) >= 0) {
        lineno++;
        if (n > S_LINE_MAX) {
            eod_config_err (errs, false, lineno, NULL, "a line over %d bytes", S_LINE_MAX);
            broken = true;
            continued = false;
            continue;
        }
        char *p = s_strip (line);
        //  A line that ends with '\' goes on in the next (iniparser).
        bool was_continued = continued;
        continued = *p && p[strlen (p) - 1] == '\\';
        if (was_continued || !*p || *p == ';' || *p == '#')
            continue;
        int rc = s_scan_line (file, p, lineno, section, errs);
        if (rc < 0)
            eod_config_err (errs, false, lineno, NULL, "out of memory");
        broken |= rc != 0;
    }
    free (line);
    fclose (f);
    if (broken)
        return -1;
    if (file->count == 0) {
        eod_config_err (errs, false, 0, NULL, "holds no section and no key");
        return -1;
    }
    iniparser_set_error_callback (s_quiet);
    file->dict = iniparser_load (path);
    if (!file->dict) {
        eod_config_err (errs, false, 0, NULL, "not a valid INI file");
        return -1;
    }
    return 0;
}

void
eod_config_file_free (eod_config_file_t *file)
{
    for (size_t i = 0; i < file->count; i++) {
        free (file->entries[i].section);
        free (file->entries[i].key);
    }
    free (file->entries);
    if (file->dict)
        iniparser_freedict (file->dict);
    memset (file, 0, sizeof *file);
}

int
eod_config_file_line (const eod_config_file_t *file, const char *name)
{
    const char *colon = strchr (name, ':');
    if (!colon)
        return 0;
    size_t slen = (size_t) (colon - name);
    const char *key = colon + 1;
    int line = 0;
    for (size_t i = 0; i < file->count; i++) {
        const eod_config_entry_t *e = &file->entries[i];
        if (strlen (e->section) != slen || strncmp (e->section, name, slen) != 0)
            continue;
        if (!*key && !e->key)
            return e->line;   //  the first header
        if (*key && e->key && strcmp (e->key, key) == 0)
            line = e->line;   //  the last setting is the one that counts
    }
    return line;
}

//  ---------------------------------------------------------------- unknown names

//  True when section is one of the app-key sections listed in apps ("a,b").
static bool
s_in_list (const char *apps, const char *section)
{
    char name[S_NAME_MAX];
    size_t len;
    for (const char *p = apps ? apps : ""; eod_config_list_next (&p, name, sizeof name, &len);)
        if (len < sizeof name && strcmp (name, section) == 0)
            return true;
    return false;
}

static bool
s_known_section (const char *section)
{
    size_t n = strlen (section);
    for (size_t i = 0; i < eod_config_nkeys; i++)
        if (strncmp (eod_config_keys[i].name, section, n) == 0 && eod_config_keys[i].name[n] == ':')
            return true;
    return false;
}

//  The known "section:key" nearest to section:key: the distance of the key
//  names, one more when the section differs.
static const char *
s_nearest_key (const char *section, const char *key)
{
    const char *best = NULL;
    size_t best_d = (size_t) -1;
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        const char *name = eod_config_keys[i].name, *colon = strchr (name, ':');
        size_t d = eod_config_distance (key, colon + 1);
        if ((size_t) (colon - name) != strlen (section) || strncmp (name, section, (size_t) (colon - name)) != 0)
            d++;
        if (d < best_d)
            best = name, best_d = d;
    }
    return best;
}

static void
s_nearest_section (const char *section, char *out, size_t outsize)
{
    size_t best_d = (size_t) -1;
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        char name[S_NAME_MAX];
        const char *colon = strchr (eod_config_keys[i].name, ':');
        snprintf (name, sizeof name, "%.*s", (int) (colon - eod_config_keys[i].name), eod_config_keys[i].name);
        size_t d = eod_config_distance (section, name);
        if (d < best_d) {
            best_d = d;
            snprintf (out, outsize, "%s", name);
        }
    }
}

void
eod_config_file_unknown (const eod_config_file_t *file, const char *apps, eod_config_errs_t *errs)
{
    for (size_t i = 0; i < file->count; i++) {
        const eod_config_entry_t *e = &file->entries[i];
        bool app = s_in_list (apps, e->section);
        char name[2 * S_NAME_MAX];
        snprintf (name, sizeof name, "%s:%s", e->section, e->key ? e->key : "");
        if (!e->key) {
            if (app || s_known_section (e->section) || eod_config_file_line (file, name) != e->line)
                continue;
            char near[S_NAME_MAX];
            s_nearest_section (e->section, near, sizeof near);
            eod_config_err (errs, true, e->line, name,
                            "unknown section (the nearest known is [%s]; app-key "
                            "sections are named by [kis] keys)",
                            near);
            continue;
        }
        if (!app && !s_known_section (e->section))
            continue;   //  reported with its header
        if (app) {
            bool known = false;
            for (size_t k = 0; eod_config_app_keys[k]; k++)
                known |= strcmp (eod_config_app_keys[k], e->key) == 0;
            if (!known)
                eod_config_err (errs, true, e->line, name,
                                "unknown key of an app-key section (it takes key and "
                                "secret_key)");
        }
        else if (eod_config_key_find (name) < 0) {
            const char *near = s_nearest_key (e->section, e->key);
            const char *colon = strchr (near, ':');
            eod_config_err (errs, true, e->line, name,
                            "unknown key (the nearest known is [%.*s] %s; see "
                            "config/config.ini.example)",
                            (int) (colon - near), near, colon + 1);
        }
        for (size_t k = 0; k < i; k++)
            if (file->entries[k].key && strcmp (file->entries[k].key, e->key) == 0
                && strcmp (file->entries[k].section, e->section) == 0) {
                eod_config_err (errs, true, e->line, name, "set again (first on line %d): the last one counts",
                                file->entries[k].line);
                break;
            }
    }
}
