/*  eod_config_check — the checks of the config loader (see
    eod_config_internal.h): each value against its key's type, with the
    grammars of proto/eod_grammar.h where a value reaches a path, an S3 key
    or a URL; then the rules between keys: where secrets may travel in clear,
    the app-key sections, the private-file rule and the simulator's demo
    keys, and paths that fit the buffers they are built in. */
#include "eod_config_internal.h"
#include "eod_grammar.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_TEXT_MAX 4096           //  a value (an AWS session token is ~1 KB)
#define S_PATH_VALUE_MAX 512      //  a path as written
#define S_PATH_EXPANDED_MAX 768   //  expanded: callers append at most ~250 bytes in 1 KB+ buffers
#define S_SUN_PATH_MAX 107        //  sockaddr_un's sun_path less the NUL
#define S_STAGE_NAME_MAX 11       //  "coordinator", appended to the trace prefix
#define S_REGION_MAX 32
#define S_SECTIONS_MAX 16   //  app-key sections (the coordinator takes 16 keys)
#define S_NAME_MAX 64
#define S_LIVE_RATE 20   //  KIS: requests/s per app key on the real host ([kis] rate 0)

bool
eod_config_list_next (const char **p, char *out, size_t outsize, size_t *len)
{
    *p += strspn (*p, ", ");
    if (!**p)
        return false;
    size_t n = strcspn (*p, ", ");
    snprintf (out, outsize, "%.*s", (int) (n < outsize ? n : outsize - 1), *p);
    for (char *c = out; *c; c++)
        *c = (char) tolower ((unsigned char) *c);
    *p += n;
    *len = n;
    return true;
}

//  ---------------------------------------------------------------- values

static bool
s_text (const char *v, size_t max, char *why, size_t whylen)
{
    size_t len = strlen (v);
    if (len > max) {
        snprintf (why, whylen, "%zu bytes, over %zu", len, max);
        return false;
    }
    if (!eod_grammar_utf8 (v, len)) {
        snprintf (why, whylen, "not valid UTF-8");
        return false;
    }
    for (const char *p = v; *p; p++)
        if ((unsigned char) *p < 0x20 || *p == 0x7F) {
            snprintf (why, whylen, "holds a control character");
            return false;
        }
    return true;
}

static bool
s_int (const eod_config_key_t *k, const char *v, char *why, size_t whylen)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll (v, &end, 10);
    if (errno || end == v || *end) {
        snprintf (why, whylen, "'%.64s' is not a whole number", v);
        return false;
    }
    if (n < k->min || n > k->max) {
        snprintf (why, whylen, "%lld is outside %lld..%lld", n, k->min, k->max);
        return false;
    }
    return true;
}

static int
s_bool (const char *v)
{
    if (strcasecmp (v, "true") == 0 || strcasecmp (v, "yes") == 0 || strcmp (v, "1") == 0)
        return 1;
    if (strcasecmp (v, "false") == 0 || strcasecmp (v, "no") == 0 || strcmp (v, "0") == 0)
        return 0;
    return -1;
}

static bool
s_enum (const char *choices, const char *v)
{
    size_t vlen = strlen (v);
    for (const char *c = choices; c && *c;) {
        size_t n = strcspn (c, "|");
        if (n == vlen && strncmp (c, v, n) == 0)
            return true;
        c += n + (c[n] == '|');
    }
    return false;
}

static bool
s_time (const char *v)
{
    if (strlen (v) != 5 || v[2] != ':' || !isdigit ((unsigned char) v[0]) || !isdigit ((unsigned char) v[1])
        || !isdigit ((unsigned char) v[3]) || !isdigit ((unsigned char) v[4]))
        return false;
    return (v[0] - '0') * 10 + (v[1] - '0') <= 23 && (v[3] - '0') * 10 + (v[4] - '0') <= 59;
}

static bool
s_endpoint (const char *v, char *why, size_t whylen)
{
    if (!s_text (v, S_PATH_VALUE_MAX, why, whylen))
        return false;
    if (strncmp (v, "ipc://", 6) == 0 && v[6])
        return true;
    if (strncmp (v, "inproc://", 9) == 0 && v[9])
        return true;
    if (strncmp (v, "tcp://", 6) == 0) {
        const char *colon = strrchr (v + 6, ':');
        if (colon && colon > v + 6 && colon[1] && strspn (colon + 1, "0123456789*") == strlen (colon + 1))
            return true;
        snprintf (why, whylen, "not tcp://HOST:PORT");
        return false;
    }
    snprintf (why, whylen, "not an ipc://, tcp:// or inproc:// endpoint");
    return false;
}

//  A key template: only the placeholders there are, and the key it gives
//  for a sample file is an S3 key (no '..', '.', empty segments or leading
//  '/'); it must tell markets and sessions apart ({file} holds both).
static bool
s_template (const char *v, char *why, size_t whylen)
{
    static const struct {
        const char *name;
        const char *sample;
    } holes[] = {{"{market}", "kr"}, {"{yyyy}", "2024"},         {"{mm}", "09"},
                 {"{dd}", "02"},     {"{yyyymmdd}", "20240902"}, {"{file}", "kr_20240902.csv"}};
    char key[EOD_GRAMMAR_KEY_MAX + 64];
    size_t o = 0;
    bool market = false, day = false, file = false;
    for (const char *p = v; *p;) {
        size_t i, n = 1;
        const char *sample = NULL;
        for (i = 0; i < sizeof holes / sizeof holes[0]; i++)
            if (strncmp (p, holes[i].name, strlen (holes[i].name)) == 0) {
                sample = holes[i].sample;
                n = strlen (holes[i].name);
                market |= i == 0;
                day |= i == 3 || i == 4;
                file |= i == 5;
                break;
            }
        if (!sample && (*p == '{' || *p == '}')) {
            snprintf (why, whylen, "a '%c' that is not one of {market} {yyyy} {mm} {dd} {yyyymmdd} {file}", *p);
            return false;
        }
        size_t len = sample ? strlen (sample) : 1;
        if (o + len >= sizeof key) {
            snprintf (why, whylen, "gives keys over %d bytes", EOD_GRAMMAR_KEY_MAX);
            return false;
        }
        memcpy (key + o, sample ? sample : p, len);
        o += len;
        p += n;
    }
    key[o] = '\0';
    char inner[160];
    if (!eod_grammar_ok (EOD_G_KEY, key, inner, sizeof inner)) {
        snprintf (why, whylen, "gives keys that %s", inner);
        return false;
    }
    if (!file && !(market && day)) {
        snprintf (why, whylen,
                  "needs {file}, or {market} and a day ({dd} or {yyyymmdd}): else files overwrite "
                  "each other");
        return false;
    }
    return true;
}

//  Each name of a comma- (or space-) separated list passes ok; at least
//  one; none twice.
static bool
s_list (const char *v, bool (*ok) (const char *, char *, size_t), size_t max, char *why, size_t whylen)
{
    char seen[S_SECTIONS_MAX][S_NAME_MAX], name[S_NAME_MAX];
    size_t count = 0, len;
    for (const char *p = v; eod_config_list_next (&p, name, sizeof name, &len);) {
        if (len >= sizeof name) {
            snprintf (why, whylen, "a name over %d bytes", S_NAME_MAX - 1);
            return false;
        }
        if (count == max) {
            snprintf (why, whylen, "more than %zu names", max);
            return false;
        }
        if (!ok (name, why, whylen))
            return false;
        for (size_t i = 0; i < count; i++)
            if (strcmp (seen[i], name) == 0) {
                snprintf (why, whylen, "'%s' twice", name);
                return false;
            }
        memcpy (seen[count++], name, sizeof name);
    }
    if (count == 0) {
        snprintf (why, whylen, "empty");
        return false;
    }
    return true;
}

static bool
s_market_name (const char *name, char *why, size_t whylen)
{
    if (strcmp (name, "kr") == 0 || strcmp (name, "us") == 0)
        return true;
    snprintf (why, whylen, "'%.16s' is not kr or us", name);
    return false;
}

static bool
s_section_name (const char *name, char *why, size_t whylen)
{
    char inner[120];
    if (eod_grammar_ok (EOD_G_ID, name, inner, sizeof inner))
        return true;
    snprintf (why, whylen, "a section name that %s", inner);
    return false;
}

bool
eod_config_check_value (size_t i, const char *v, char *why, size_t whylen)
{
    const eod_config_key_t *k = &eod_config_keys[i];
    char inner[160];
    if (!*v && (k->flags & EOD_CF_EMPTY_OK))
        return true;
    switch (k->type) {
    case EOD_CT_STR: return s_text (v, S_TEXT_MAX, why, whylen);
    case EOD_CT_INT: return s_int (k, v, why, whylen);
    case EOD_CT_BOOL:
        if (s_bool (v) >= 0)
            return true;
        snprintf (why, whylen, "'%.64s' is not true or false", v);
        return false;
    case EOD_CT_ENUM:
        if (s_enum (k->choices, v))
            return true;
        snprintf (why, whylen, "'%.64s' is not one of %s", v, k->choices);
        return false;
    case EOD_CT_TIME:
        if (s_time (v))
            return true;
        snprintf (why, whylen, "'%.64s' is not a time of day HH:MM (00:00..23:59)", v);
        return false;
    case EOD_CT_PATH:
        if (!*v) {
            snprintf (why, whylen, "empty");
            return false;
        }
        return s_text (v, S_PATH_VALUE_MAX, why, whylen);
    case EOD_CT_ENDPOINT: return s_endpoint (v, why, whylen);
    case EOD_CT_TEMPLATE: return s_template (v, why, whylen);
    case EOD_CT_MARKETS: return s_list (v, s_market_name, 2, why, whylen);
    case EOD_CT_SECTIONS: return s_list (v, s_section_name, S_SECTIONS_MAX, why, whylen);
    case EOD_CT_REGION:
        if (*v && strlen (v) <= S_REGION_MAX && islower ((unsigned char) v[0])
            && strspn (v, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen (v))
            return true;
        snprintf (why, whylen, "not a region (lower-case letters, digits and '-', like ap-northeast-2)");
        return false;
    case EOD_CT_DATE:
    case EOD_CT_URL:
    case EOD_CT_BUCKET:
    case EOD_CT_PREFIX: {
        eod_grammar_t g = k->type == EOD_CT_DATE     ? EOD_G_DATE
                          : k->type == EOD_CT_URL    ? EOD_G_URL
                          : k->type == EOD_CT_BUCKET ? EOD_G_BUCKET
                                                     : EOD_G_PREFIX;
        if (eod_grammar_ok (g, v, inner, sizeof inner))
            return true;
        if (k->flags & EOD_CF_SECRET)
            snprintf (why, whylen, "not a %s: %s", eod_grammar_name (g), inner);
        else
            snprintf (why, whylen, "'%.64s' %s (%s: %s)", v, inner, eod_grammar_name (g), eod_grammar_about (g));
        return false;
    }
    }
    snprintf (why, whylen, "no check for its type");
    return false;
}

long long
eod_config_check_number (size_t i, const char *v)
{
    if (eod_config_keys[i].type == EOD_CT_BOOL)
        return s_bool (v) == 1;
    return strtoll (v, NULL, 10);
}

//  ---------------------------------------------------------------- rules

static int
s_line (const eod_config_file_t *file, const char *name)
{
    return file ? eod_config_file_line (file, name) : 0;
}

//  Whether the file holds a non-empty secret (table keys or app sections).
static bool
s_file_has_secret (const eod_config_t *self, const eod_config_file_t *file)
{
    for (size_t i = 0; file && file->dict && i < eod_config_nkeys; i++) {
        const char *v = (eod_config_keys[i].flags & EOD_CF_SECRET)
                            ? iniparser_getstring (file->dict, eod_config_keys[i].name, NULL)
                            : NULL;
        if (v && *v)
            return true;
    }
    char section[S_NAME_MAX];
    size_t len;
    for (const char *p = eod_config_str (self, "kis:keys"); eod_config_list_next (&p, section, sizeof section, &len);)
        for (size_t k = 0; eod_config_app_keys[k]; k++) {
            const char *v = eod_config_raw (self, section, eod_config_app_keys[k]);
            if (eod_config_app_key_secret (eod_config_app_keys[k]) && v && *v)
                return true;
        }
    return false;
}

//  [pipeline] demo_keys: every service the file's keys go to is on loopback.
static void
s_demo_keys (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs)
{
    const char *kis = strcmp (eod_config_str (self, "kis:env"), "test") == 0 ? "kis:test_url" : "kis:live_url";
    const char *s3 = *eod_config_str (self, "aws_config:aws_access_key") ? "s3:endpoint" : NULL;
    const char *slack = *eod_config_str (self, "slack_config:channel_access_token") ? "slack:api_base" : NULL;
    const char *hook = *eod_config_str (self, "slack_config:webhook_url") ? "slack_config:webhook_url" : NULL;
    const char *urls[] = {kis, s3, slack, hook};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        if (urls[i] && !eod_grammar_url_loopback (eod_config_str (self, urls[i]))) {
            const char *colon = strchr (urls[i], ':');
            eod_config_err (errs, false, s_line (file, "pipeline:demo_keys"), "pipeline:demo_keys",
                            "the file's keys are the simulator's, but [%.*s] %s is not on loopback "
                            "(127.0.0.0/8, ::1, localhost)%s",
                            (int) (colon - urls[i]), urls[i], colon + 1,
                            urls[i] == s3 && !*eod_config_str (self, urls[i]) ? ": empty is AWS" : "");
        }
}

//  Each section [kis] keys names is in the file with a key and a secret.
static void
s_app_sections (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs)
{
    char section[S_NAME_MAX];
    size_t len;
    for (const char *p = eod_config_str (self, "kis:keys"); eod_config_list_next (&p, section, sizeof section, &len);) {
        const char *key = eod_config_raw (self, section, "key");
        const char *secret = eod_config_raw (self, section, "secret_key");
        bool builtin = strcmp (section, "live_app") == 0 || strcmp (section, "test_app") == 0;
        if (!builtin && (!key || !*key || !secret || !*secret))
            eod_config_err (errs, false, s_line (file, "kis:keys"), "kis:keys",
                            "[%s] is not in the file with a key and a secret_key", section);
    }
}

//  A multi-quote batch costs no more than an app key's budget of a second:
//  a dearer one fits in no window of a limiter that counts by the second,
//  and KIS would refuse every one (EGW00201). The mock host sends none.
static void
s_batch_units (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs)
{
    if (strcmp (eod_config_str (self, "kis:env"), "test") == 0)
        return;
    int64_t rate = eod_config_int (self, "kis:rate");
    if (rate == 0)
        rate = S_LIVE_RATE;
    int64_t units = eod_config_int (self, "multiquote:units_per_batch");
    if (units > rate)
        eod_config_err (errs, false, s_line (file, "multiquote:units_per_batch"), "multiquote:units_per_batch",
                        "%lld is more than an app key's budget of %lld requests a second ([kis] rate): such a "
                        "batch could never pass the limiter; lower batch_size and units_per_batch to %lld",
                        (long long) units, (long long) rate, (long long) rate);
}

//  Expanded paths fit what is built from them, and ipc:// paths a socket.
static void
s_path_lengths (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs)
{
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        const eod_config_key_t *k = &eod_config_keys[i];
        if (k->type != EOD_CT_PATH && k->type != EOD_CT_ENDPOINT)
            continue;
        char out[4 * S_PATH_EXPANDED_MAX];
        eod_config_path_value (self, k->name, out, sizeof out);
        size_t len = strlen (out);
        bool ipc = strncmp (out, "ipc://", 6) == 0;
        size_t max = ipc ? S_SUN_PATH_MAX + 6 : S_PATH_EXPANDED_MAX;
        if (ipc && strcmp (k->name, "endpoints:trace") == 0)
            max -= S_STAGE_NAME_MAX;
        if (len > max)
            eod_config_err (errs, false, s_line (file, k->name), k->name, "%s %zu bytes once expanded, over %zu%s",
                            ipc ? "a socket path of" : "a path of", len, max,
                            ipc ? " (a Unix socket's limit): use a shorter state_dir" : "");
    }
}

void
eod_config_check_rules (const eod_config_t *self, const eod_config_file_t *file, eod_config_errs_t *errs)
{
    for (size_t i = 0; i < eod_config_nkeys; i++) {
        const eod_config_key_t *k = &eod_config_keys[i];
        const char *v = eod_config_str (self, k->name);
        if ((k->flags & EOD_CF_CARRIES) && *v && !eod_grammar_url_https (v) && !eod_grammar_url_loopback (v))
            eod_config_err (errs, false, s_line (file, k->name), k->name,
                            "http:// would send secrets in clear: use https:// (http:// is taken on loopback "
                            "only: 127.0.0.0/8, ::1, localhost)");
    }
    s_app_sections (self, file, errs);
    bool demo = eod_config_bool (self, "pipeline:demo_keys");
    if (demo)
        s_demo_keys (self, file, errs);
    if (file && (file->mode & 077) && !demo && s_file_has_secret (self, file)) {
        const char *path = errs->path;
        eod_config_err (errs, false, 0, NULL,
                        "holds secrets and is readable by group or others (mode %04o); run chmod 600 %s",
                        file->mode & 07777, path);
    }
    s_batch_units (self, file, errs);
    s_path_lengths (self, file, errs);
}

size_t
eod_config_distance (const char *a, const char *b)
{
    size_t n = strlen (b);
    if (n > S_NAME_MAX)
        n = S_NAME_MAX;
    size_t row[S_NAME_MAX + 1];
    for (size_t j = 0; j <= n; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1] && i <= S_NAME_MAX; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j];
            size_t cost = diag + (a[i - 1] != b[j - 1]);
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = cost < best ? cost : best;
            diag = up;
        }
    }
    return row[n];
}
