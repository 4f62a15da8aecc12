/*  sim_row_faults — rows that break a rule of the writer's validation
    (stages/writer/validate.h), one kind per option, each for the codes it
    names (repeatable): the newest row of an answer of such a code is
    changed after it was made, the way a faulty feed would send it.

      --fault-price CODE       its open is 0 (a traded row)
      --fault-range CODE       its high and low swapped (low > high)
      --fault-volume CODE      its volume is -1
      --fault-move CODE        its change is half its close: a move of +100 %
      --fault-split CODE       the same move, marked as KIS marks a split (KR
                               prtt_rate 0.50, flng_cls_code 01): not an anomaly
      --fault-wrong-date CODE  one more row, dated the day after the request's
                               last day (KR DATE_2, US BYMD)
      --fault-conflict CODE    the newest row twice, the copy with one more
                               share traded
      --fault-only-wrong-date CODE  the answer's only row is its newest,
                               dated the day after the request's last day:
                               no row of the request at all

    Both endpoints go through here (sim_kis_chart.c, sim_us_daily.c). */
#ifndef SIM_ROW_FAULTS_H
#define SIM_ROW_FAULTS_H

#include <jansson.h>
#include <stdbool.h>

#include "sim_config.h"

//  Records code for the fault of kind (the order of the list above, from 0). 0, or -1 (reported on stderr) when too many.
int sim_row_fault_add (sim_config_t *config, int kind, const char *code);

//  Applies the faults config names for code to rows (output2, newest
//  first) of an answer of market us (or KR), whose request ended at last
//  (YYYYMMDD).
void sim_row_faults_apply (const sim_config_t *config, const char *code, bool us, int last, json_t *rows);

#endif
