/*  lister universe — the KR selection rules (see universe.h). */
#include "universe.h"

#include <assert.h>
#include <string.h>

//  The equities group: 주권.
#define S_GROUP_STOCK "ST"
#define S_PATTERN_SEP '|'
#define S_GROUPS_SEP ','

void
lister_kr_filter_defaults (lister_kr_filter_t *f)
{
    assert (f);
    memset (f, 0, sizeof (*f));
    f->kospi_min_cap = LISTER_KR_MIN_CAP_DEFAULT;
    f->kosdaq_min_cap = LISTER_KR_MIN_CAP_DEFAULT;
    f->kospi_name_pattern = LISTER_KOSPI_NAME_PATTERN_DEFAULT;
    f->kospi_krx300 = true;
    f->kosdaq_krx300 = true;
    f->kosdaq_kosdaq150 = true;
    f->kospi_extra_groups = LISTER_KOSPI_EXTRA_GROUPS_DEFAULT;
}

//  True when [p, p + n) occurs in text.
static bool
s_contains (const char *text, const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (const char *hit = strchr (text, *p); hit; hit = strchr (hit + 1, *p))
        if (strncmp (hit, p, n) == 0)
            return true;
    return false;
}

//  True when name contains one of the sep-separated alternatives of pattern.
static bool
s_name_matches (const char *pattern, const char *name)
{
    if (!pattern)
        return false;
    const char *p = pattern;
    while (true) {
        const char *end = strchr (p, S_PATTERN_SEP);
        size_t n = end ? (size_t) (end - p) : strlen (p);
        if (s_contains (name, p, n))
            return true;
        if (!end)
            return false;
        p = end + 1;
    }
}

//  True when group is one of the comma-separated codes in list.
static bool
s_group_listed (const char *list, const char *group)
{
    if (!list)
        return false;
    size_t glen = strlen (group);
    const char *p = list;
    while (true) {
        const char *end = strchr (p, S_GROUPS_SEP);
        size_t n = end ? (size_t) (end - p) : strlen (p);
        const char *s = p;
        while (n > 0 && *s == ' ') {
            s++;
            n--;
        }
        while (n > 0 && s[n - 1] == ' ')
            n--;
        if (n > 0 && n == glen && strncmp (s, group, n) == 0)
            return true;
        if (!end)
            return false;
        p = end + 1;
    }
}

bool
lister_kr_selects (const lister_kr_filter_t *f, eod_master_kind_t kind, const eod_master_record_t *rec)
{
    assert (f && rec);
    bool stock = strcmp (rec->group_code, S_GROUP_STOCK) == 0;
    if (kind == EOD_MASTER_KOSDAQ)
        return stock
               && (rec->market_cap >= f->kosdaq_min_cap || (f->kosdaq_krx300 && rec->krx300)
                   || (f->kosdaq_kosdaq150 && rec->kosdaq150));
    if (s_group_listed (f->kospi_extra_groups, rec->group_code))
        return true;
    return stock
           && (rec->market_cap >= f->kospi_min_cap || (f->kospi_krx300 && rec->krx300)
               || s_name_matches (f->kospi_name_pattern, rec->name));
}
