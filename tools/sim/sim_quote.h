/*  sim_quote — the sim's clock against the exchanges' hours, for the price
    endpoints: which session KIS quotes at a moment, how far into it, and
    when a US session's rows are out.

    KIS answers a chart's output1 (price, limits, bid/ask, shares, market
    cap, PER ...) as of the moment it serves the request, whatever dates the
    request names: the session that opened last, live while it trades and
    final once it closed, until the next one opens. The rows of a session
    that trades are its live bar too. KIS's overseas daily rows come out
    some time after the close (not published; --us-publish-lag-s spreads
    them over a window, each symbol at its own moment).

    The hours (XKRX special hours, XNYS early closes) come from eod_cal over
    the sim's calendar directory, read once. */
#ifndef SIM_QUOTE_H
#define SIM_QUOTE_H

#include "sim.h"
#include "sim_kr_walk.h"

//  The day number of the latest XKRX session that has opened at now (epoch
//  seconds on the sim's clock), and into *fraction how much of it has passed:
//  1 once it closed. INT32_MIN when none is found within a month back.
int32_t sim_quote_kr_day (sim_t *self, double now, double *fraction);

//  The bar a session shows fraction (0..1) of the way through it: the open,
//  a price that has moved that part of the way to the close, the volume and
//  value traded so far. fraction >= 1: the bar itself.
sim_kr_bar_t sim_quote_kr_live (const sim_kr_bar_t *bar, double fraction);

//  The yyyymmdd of the latest XNYS session whose dailyprice row for symbol
//  is out at now: closed at least symbol's share of lag_s ago. 0 when none
//  within a month back.
int sim_quote_us_out (sim_t *self, const char *symbol, double now, long lag_s);

#endif
