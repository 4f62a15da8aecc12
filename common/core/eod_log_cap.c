/*  eod_log_cap — see eod_log_cap.h. */
#include "eod_log_cap.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char kind[EOD_LOG_CAP_KIND_MAX];
    size_t count;
} s_kind_t;

//  The stages warn from one thread, but libraries' callbacks may not: a lock
//  costs nothing at these rates.
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static s_kind_t s_kinds[EOD_LOG_CAP_KINDS];
static size_t s_nkinds;

//  The slot of kind, made when new; NULL when every slot is taken. Called
//  with the lock held.
static s_kind_t *
s_find (const char *kind, bool make)
{
    for (size_t i = 0; i < s_nkinds; i++)
        if (strncmp (s_kinds[i].kind, kind, sizeof s_kinds[i].kind - 1) == 0)
            return &s_kinds[i];
    if (!make || s_nkinds == EOD_LOG_CAP_KINDS)
        return NULL;
    s_kind_t *slot = &s_kinds[s_nkinds++];
    snprintf (slot->kind, sizeof slot->kind, "%s", kind);
    slot->count = 0;
    return slot;
}

bool
eod_log_cap_take (const char *kind)
{
    if (!kind)
        return true;
    pthread_mutex_lock (&s_lock);
    s_kind_t *slot = s_find (kind, true);
    size_t count = slot ? ++slot->count : 0;
    pthread_mutex_unlock (&s_lock);
    if (count == EOD_LOG_CAP_FIRST + 1)
        eod_log_warn ("%s: more than %d warnings of this kind; the rest are counted, and summed up when the run "
                      "ends",
                      kind, EOD_LOG_CAP_FIRST);
    return !slot || count <= EOD_LOG_CAP_FIRST;
}

size_t
eod_log_cap_count (const char *kind)
{
    pthread_mutex_lock (&s_lock);
    s_kind_t *slot = kind ? s_find (kind, false) : NULL;
    size_t count = slot ? slot->count : 0;
    pthread_mutex_unlock (&s_lock);
    return count;
}

void
eod_log_cap_flush (void)
{
    pthread_mutex_lock (&s_lock);
    s_kind_t cut[EOD_LOG_CAP_KINDS];
    size_t ncut = 0;
    for (size_t i = 0; i < s_nkinds; i++)
        if (s_kinds[i].count > EOD_LOG_CAP_FIRST)
            cut[ncut++] = s_kinds[i];
    s_nkinds = 0;
    pthread_mutex_unlock (&s_lock);
    for (size_t i = 0; i < ncut; i++)
        eod_log_warn ("%s: %zu more warnings of this kind not logged, %zu in all", cut[i].kind,
                      cut[i].count - EOD_LOG_CAP_FIRST, cut[i].count);
}
