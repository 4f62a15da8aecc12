/*  uploader datasets — see datasets.h. */
#include "datasets.h"
#include "eod_grammar.h"
#include "object_key.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define S_TEMPLATE_MAX (UPLOADER_PREFIX_MAX + 128)
#define S_LIST_MAX 64   //  a list's file stem ("us_market_master")
#define S_COMPACT_SUFFIX "_99999999.csv"

//  The data sets: name, the first segment of their files under the data
//  directory, whether they are a price table, whether they are a table
//  (whose location holds nothing else: the prices, the fast close).
static const struct {
    const char *name;
    const char *dir;
    bool prices;
    bool table;
} s_sets[UPLOADER_DATASETS] = {
    [UPLOADER_DS_KR] = {"kr", "market=kr", true, true},
    [UPLOADER_DS_US] = {"us", "market=us", true, true},
    [UPLOADER_DS_CODES] = {"codes", "codes", false, false},
    [UPLOADER_DS_ANOMALIES] = {"anomalies", "anomalies", false, false},
    [UPLOADER_DS_CLOSE] = {"close", "close", false, true},
};

const char *
uploader_dataset_name (uploader_dataset_t d)
{
    return s_sets[d].name;
}

static const char *
s_str (const char *s)
{
    return s ? s : "";
}

//  The location a data set's objects live under, for the overlap check:
//  "PREFIX/" (or "" at the bucket's root); a hive price table's is its
//  market= folder. NULL: not known (a key_template of the operator's).
static const char *
s_location (const uploader_datasets_t *ds, uploader_dataset_t d, char *out, size_t size)
{
    const char *p = ds->targets[d].prefix;
    if (s_sets[d].prices && !ds->reference) {
        if (ds->key_template && *ds->key_template)
            return NULL;
        snprintf (out, size, "%s%s%s/", p, *p ? "/" : "", s_sets[d].dir);
    }
    else
        snprintf (out, size, "%s%s", p, *p ? "/" : "");
    return out;
}

int
uploader_datasets_resolve (const uploader_settings_t *in, uploader_datasets_t *out, char *why, size_t whylen)
{
    memset (out, 0, sizeof *out);
    const char *layout = s_str (in->layout), *keys = s_str (in->reference_keys);
    if (strcmp (layout, "hive") != 0 && strcmp (layout, "reference") != 0 && *layout) {
        snprintf (why, whylen, "[s3] layout '%.32s' is not hive or reference", layout);
        return -1;
    }
    if (strcmp (keys, "partitioned") != 0 && strcmp (keys, "daily") != 0 && *keys) {
        snprintf (why, whylen, "[s3] reference_keys '%.32s' is not partitioned or daily", keys);
        return -1;
    }
    out->reference = strcmp (layout, "reference") == 0;
    out->daily = strcmp (keys, "daily") == 0;
    out->key_template = s_str (in->key_template);
    //  "a/" and "a" are one prefix.
    char shared[UPLOADER_PREFIX_MAX];
    int sn = snprintf (shared, sizeof shared, "%s", s_str (in->prefix));
    while (sn > 0 && sn < (int) sizeof shared && shared[sn - 1] == '/')
        shared[--sn] = '\0';
    char inner[128];
    for (int d = 0; d < UPLOADER_DATASETS; d++) {
        uploader_target_t *t = &out->targets[d];
        const char *own_bucket = s_str (in->buckets[d]), *own_prefix = s_str (in->prefixes[d]);
        t->bucket = *own_bucket ? own_bucket : s_str (in->bucket);
        int n;
        if (*own_prefix || *own_bucket)
            n = snprintf (t->prefix, sizeof t->prefix, "%s", own_prefix);
        else if (s_sets[d].prices && !out->reference)
            n = snprintf (t->prefix, sizeof t->prefix, "%s", shared);
        else
            n = snprintf (t->prefix, sizeof t->prefix, "%s%s%s", shared, *shared ? "/" : "", s_sets[d].name);
        while (n > 0 && n < (int) sizeof t->prefix && t->prefix[n - 1] == '/')
            t->prefix[--n] = '\0';
        if (n >= (int) sizeof t->prefix || !eod_grammar_ok (EOD_G_PREFIX, t->prefix, inner, sizeof inner)) {
            snprintf (why, whylen, "the prefix of data set %s %s", s_sets[d].name,
                      n >= (int) sizeof t->prefix ? "is too long" : inner);
            return -1;
        }
    }
    //  No data set's objects under a table's location.
    for (int p = 0; p < UPLOADER_DATASETS; p++) {
        char ploc[UPLOADER_PREFIX_MAX + 16], oloc[UPLOADER_PREFIX_MAX + 16];
        if (!s_sets[p].table || !*out->targets[p].bucket
            || !s_location (out, (uploader_dataset_t) p, ploc, sizeof ploc))
            continue;
        for (int o = 0; o < UPLOADER_DATASETS; o++) {
            if (o == p || strcmp (out->targets[o].bucket, out->targets[p].bucket) != 0
                || !s_location (out, (uploader_dataset_t) o, oloc, sizeof oloc))
                continue;
            if (strncmp (oloc, ploc, strlen (ploc)) == 0 || strncmp (ploc, oloc, strlen (oloc)) == 0) {
                snprintf (why, whylen,
                          "the objects of data set %s (s3://%s/%s) and the %s %s (s3://%s/%s) would share a "
                          "location: give one of them a bucket or prefix of its own ([s3] %s_bucket, %s_prefix)",
                          s_sets[o].name, out->targets[o].bucket, oloc, s_sets[p].prices ? "price table" : "table",
                          s_sets[p].name, out->targets[p].bucket, ploc, s_sets[o].name, s_sets[o].name);
                return -1;
            }
        }
    }
    return 0;
}

int
uploader_dataset_of (const char *rel, const char *market, uploader_dataset_t *out)
{
    const char *slash = rel ? strchr (rel, '/') : NULL;
    if (!slash)
        return -1;
    size_t n = (size_t) (slash - rel);
    for (int d = 0; d < UPLOADER_DATASETS; d++)
        if (strlen (s_sets[d].dir) == n && strncmp (rel, s_sets[d].dir, n) == 0) {
            if (s_sets[d].prices && strcmp (s_sets[d].name, s_str (market)) != 0)
                return -1;
            *out = (uploader_dataset_t) d;
            return 0;
        }
    return -1;
}

//  The stem of a list's file name STEM_YYYYMMDD.csv into list. 0 or -1.
static int
s_list_of (const char *file, char list[S_LIST_MAX])
{
    size_t n = strlen (file), tail = strlen (S_COMPACT_SUFFIX);
    if (n <= tail || n - tail >= S_LIST_MAX)
        return -1;
    const char *t = file + n - tail;
    for (size_t i = 0; i < tail; i++)
        if (S_COMPACT_SUFFIX[i] == '9' ? !isdigit ((unsigned char) t[i]) : t[i] != S_COMPACT_SUFFIX[i])
            return -1;
    for (size_t i = 0; i < n - tail; i++)
        if (!islower ((unsigned char) file[i]) && !isdigit ((unsigned char) file[i]) && file[i] != '_')
            return -1;
    memcpy (list, file, n - tail);
    list[n - tail] = '\0';
    return 0;
}

int
uploader_dataset_key (const uploader_datasets_t *ds, uploader_dataset_t d, const char *market, const char *date,
                      const char *file, char *key, size_t keysize, char *why, size_t whylen)
{
    const char *prefix = ds->targets[d].prefix;
    const char *form;
    char list[S_LIST_MAX] = "";
    if (s_sets[d].prices) {
        if (!ds->reference)
            return uploader_object_key (ds->key_template, prefix, market, date, file, key, keysize, why, whylen);
        form = ds->daily ? "{yyyymmdd}/market_{yyyymmdd}.csv" : "year={yyyy}/month={mm}/day={dd}/market_{yyyymmdd}.csv";
    }
    else if (d == UPLOADER_DS_CODES) {
        if (ds->reference)
            form = ds->daily ? "{yyyymmdd}/{file}" : "{yyyy}/{mm}/{dd}/{file}";
        else if (s_list_of (file, list)) {
            snprintf (why, whylen, "the list file name '%.64s' is not STEM_YYYYMMDD.csv", file);
            return -1;
        }
        else
            form = "/dt={yyyy}-{mm}-{dd}/{file}";
    }
    else if (d == UPLOADER_DS_CLOSE && ds->reference)
        form = ds->daily ? "{yyyymmdd}/{file}" : "year={yyyy}/month={mm}/day={dd}/{file}";
    else
        form = "market={market}/dt={yyyy}-{mm}-{dd}/{file}";
    char template[S_TEMPLATE_MAX];
    if (snprintf (template, sizeof template, "%s%s%s%s", prefix, *prefix ? "/" : "", list, form)
        >= (int) sizeof template) {
        snprintf (why, whylen, "the key is too long");
        return -1;
    }
    return uploader_object_key (template, prefix, market, date, file, key, keysize, why, whylen);
}
