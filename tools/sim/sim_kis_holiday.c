/*  sim_kis_holiday — KIS's chk-holiday (CTCA0903R) double, after the common
    path of sim_kis_gate: pages of 24 days from BASS_DT (or from the day
    after the one in CTX_AREA_NK), each day's business, trading, opening and
    settlement flags from the weekday and the XKRX closed-day table. The
    calendar never ends, so every page says more follows (tr_cont M), and
    each call is counted per KST day in the stats (eod-calendar asks once a
    day). */
#include "sim_kis.h"
#include "sim_stats.h"

#include <stdio.h>
#include <string.h>

#define SIM_HOLIDAY_PAGE_DAYS 24             //  chk-holiday page size
#define SIM_CTX_WIDTH 20                     //  ctx_area_* padding
#define SIM_TR_HOLIDAY "CTCA0903R"
#define SIM_MSG_MORE "조회가 계속됩니다..다음버튼을 Click 하십시오.                                   "

static void
s_set_padded (json_t *obj, const char *key, int ymd)
{
    char text[SIM_CTX_WIDTH + 1];
    snprintf (text, sizeof text, "%08d%*s", ymd, SIM_CTX_WIDTH - 8, "");
    json_object_set_new (obj, key, json_string (text));
}

void
sim_kis_holiday (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_kis_data_t data = {false, NULL, 0};
    if (!sim_kis_data_begin (self, req, resp, "chk-holiday", SIM_TR_HOLIDAY, &data))
        goto out;
    pthread_mutex_lock (&self->lock);
    sim_stats_chk_holiday_locked (self, sim_today_kst ());
    pthread_mutex_unlock (&self->lock);

    const char *bass = sim_request_arg (req, "BASS_DT");
    const char *nk = sim_request_arg (req, "CTX_AREA_NK");
    int start_ymd;
    if (sim_parse_ymd (bass, &start_ymd)) {
        sim_respond_kis_input_error (resp, "BASS_DT");
        goto out;
    }
    int32_t start = sim_days_from_ymd (start_ymd);
    if (nk) {
        char trimmed[16];
        size_t n = strspn (nk, "0123456789");
        int nk_ymd;
        if (n == 8) {
            memcpy (trimmed, nk, 8);
            trimmed[8] = '\0';
            if (sim_parse_ymd (trimmed, &nk_ymd) == 0)
                start = sim_days_from_ymd (nk_ymd) + 1;
        }
    }
    json_t *json = json_object ();
    json_t *output = json_array ();
    for (int32_t d = start; d < start + SIM_HOLIDAY_PAGE_DAYS; d++) {
        int weekday = sim_weekday (d);
        bool weekend = weekday == 0 || weekday == 6;
        const char *closed = sim_calendar_closed_name (self->calendar, d);
        bool open = !weekend && !closed;
        //  The year-end closing day is a bank business day with no market.
        bool business = !weekend && (!closed || strncmp (closed, "Year-end", 8) == 0);
        char date[16], wday[8];
        snprintf (date, sizeof date, "%08d", sim_ymd_from_days (d));
        snprintf (wday, sizeof wday, "%02d", weekday + 1);
        json_array_append_new (output, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s}", "bass_dt", date,
                                                  "wday_dvsn_cd", wday, "bzdy_yn", business ? "Y" : "N",
                                                  "tr_day_yn", weekend || open ? "Y" : "N",
                                                  "opnd_yn", open ? "Y" : "N",
                                                  "sttl_day_yn", open ? "Y" : "N"));
    }
    s_set_padded (json, "ctx_area_nk", sim_ymd_from_days (start + SIM_HOLIDAY_PAGE_DAYS - 1));
    s_set_padded (json, "ctx_area_fk", sim_ymd_from_days (start));
    json_object_set_new (json, "output", output);
    sim_respond_kis_ok (resp, json, "KIOK0500", SIM_MSG_MORE);
    json_decref (json);
    //  The calendar never ends: every page says more follows.
    resp->nheaders = 0;
    if (data.tr_id)
        sim_respond_header (resp, "tr_id", resp->header_buf[0]);
    sim_respond_header (resp, "tr_cont", "M");
out:
    sim_kis_data_end (resp, &data);
}
