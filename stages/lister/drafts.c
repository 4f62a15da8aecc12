/*  lister drafts — selected instruments to the raw spool (see drafts.h). */
#include "drafts.h"
#include "eod_grammar.h"
#include "eod_log.h"
#include "eod_log_cap.h"

#include <stdlib.h>

struct _lister_drafts_t {
    lister_spool_t *spool;   //  borrowed
    lister_codes_t *codes;   //  borrowed
    eod_msg_t *draft;        //  reused for every instrument
    bool failed;             //  a draft could not be kept (logged)
};

lister_drafts_t *
lister_drafts_new (const eod_msg_t *job, lister_spool_t *spool, lister_codes_t *codes)
{
    lister_drafts_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->spool = spool;
    self->codes = codes;
    self->draft = eod_msg_new (EOD_MSG_TASK);
    if (!self->draft) {
        lister_drafts_destroy (&self);
        return NULL;
    }
    //  The fields a TASK must have to be encoded get the job's values for
    //  now (run id and task id are set when listed).
    eod_msg_t *t = self->draft;
    eod_msg_set (&t->run_id, job->run_id);
    eod_msg_set (&t->market, job->market);
    eod_msg_set (&t->mode, job->mode);
    eod_msg_set (&t->date_from, job->date_from);
    eod_msg_set (&t->date_to, job->date_to);
    return self;
}

void
lister_drafts_destroy (lister_drafts_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_msg_destroy (&(*self_p)->draft);
    free (*self_p);
    *self_p = NULL;
}

eod_msg_t *
lister_drafts_next (lister_drafts_t *self)
{
    eod_msg_t *t = self->draft;
    eod_msg_set (&t->code, NULL);
    eod_msg_set (&t->exchange, NULL);
    eod_msg_set (&t->name, NULL);
    eod_fields_clear (&t->meta);
    return t;
}

int
lister_drafts_add (lister_drafts_t *self)
{
    eod_msg_t *t = self->draft;
    //  The coordinator refuses a TASK whose code is not one of its market's
    //  (eod_grammar.h): such a code is not listed at all.
    char why[128];
    if (!t->code || !eod_grammar_code_ok (t->market, t->code, why, sizeof why)) {
        eod_log_warn_capped ("code refused by its grammar", "%s: a %s code that %s: not listed",
                             lister_spool_path (self->spool), t->market, why);
        return 1;
    }
    eod_msg_set (&t->task_id, t->code);
    if (lister_codes_add (self->codes, t->code)) {
        eod_log_error ("%s: code '%s' cannot be kept (too long or out of memory)", lister_spool_path (self->spool),
                       t->code);
        self->failed = true;
        return -1;
    }
    if (lister_spool_append (self->spool, t)) {
        self->failed = true;
        return -1;
    }
    return 0;
}

bool
lister_drafts_failed (const lister_drafts_t *self)
{
    return self->failed;
}
