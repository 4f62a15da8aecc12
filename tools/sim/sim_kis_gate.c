/*  sim_kis_gate — the path every KIS data request takes before its
    endpoint answers: the network's arrival jitter, the per-key limiter
    (EGW00201), the server's latency, the injected faults (connection
    resets, HTML 500s, truncated JSON, spurious EGW00201, a --fault-code
    error code, slow answers),
    then the app key, secret, token and tr_id checks, in the order a real
    request meets them. The chart and chk-holiday handlers and the overseas
    daily price (below) build their answers only when it lets them through.
    See sim_kis.h. */
#include "sim_kis.h"
#include "sim_stats.h"
#include "sim_us.h"

#include <math.h>
#include <string.h>

#define SIM_NS_PER_MS 1000000LL
#define SIM_LATE_NOTED_NS (5 * SIM_NS_PER_MS)     //  arrival_late_5ms
#define SIM_LATE_SEVERE_NS (20 * SIM_NS_PER_MS)   //  arrival_late_20ms
#define SIM_TR_OVERSEAS_DAILY "HHDFS76240000"

#define SIM_MSG_RATE "초당 거래건수를 초과하였습니다."
#define SIM_MSG_EXPIRED "기간이 만료된 token 입니다."
#define SIM_MSG_INVALID_TOKEN "유효하지 않은 token 입니다"
#define SIM_MSG_NO_TR "없는 서비스 코드 입니다"
#define SIM_MSG_FAULT_CODE "모의투자 앱키로 실전투자 도메인을 호출할 수 없습니다 (sim --fault-code)"

bool
sim_kis_data_begin (sim_t *self, sim_request_t *req, sim_response_t *resp, const char *endpoint,
                    const char *tr_expected, sim_kis_data_t *data)
{
    sim_config_t *config = self->config;
    const char *appkey = sim_request_header (req, "appkey");
    //  The request arrives after the network's jitter: the limiter counts it
    //  at receipt + jitter, not at the moment this thread wakes up from the
    //  sleep that models the jitter (on a busy host that can be later, and
    //  the lateness is the simulator's, not the network's: it is counted in
    //  the stats, arrival_late_5ms / arrival_late_20ms).
    int64_t received = sim_mono_ns ();
    long jitter = config->arrival_jitter_ms > 0 ? lround (sim_random (self) * (double) config->arrival_jitter_ms) : 0;
    sim_sleep_ms (jitter);
    int64_t arrival = received + jitter * SIM_NS_PER_MS;
    int64_t late = sim_mono_ns () - arrival;

    pthread_mutex_lock (&self->lock);
    if (late > SIM_LATE_NOTED_NS)
        sim_stats_add_locked (self, "arrival_late_5ms", 1);
    if (late > SIM_LATE_SEVERE_NS)
        sim_stats_add_locked (self, "arrival_late_20ms", 1);
    //  A request that counts as several (--mq-units) is several arrivals at
    //  once; it is over when the last of them is.
    size_t in_window = 0;
    for (int unit = 0; unit < (data->units > 1 ? data->units : 1); unit++)
        in_window = sim_kis_arrive_locked (self, appkey, arrival);
    bool over = in_window > (size_t) config->rate;
    pthread_mutex_unlock (&self->lock);
    sim_stats_request (self, endpoint, appkey);

    long latency = config->latency_ms;
    if (config->jitter_ms > 0)
        latency += lround ((sim_random (self) * 2 - 1) * (double) config->jitter_ms);
    sim_sleep_ms (latency);

    data->tr_id = sim_request_header (req, "tr_id");
    if (data->tr_id)
        sim_respond_header_copy (resp, "tr_id", data->tr_id);
    sim_respond_header (resp, "tr_cont", "D");  //  no continuation unless the TR says so
    if (over) {
        sim_stats_rate_limited (self, appkey);
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00201", SIM_MSG_RATE);
        return false;
    }
    if (sim_chance (self, config->fault_reset)) {
        sim_stats_fault (self, "reset");
        resp->reset = true;                  //  half the time nothing at all, else a cut body
        data->badjson = sim_random (self) < 0.5;
    }
    else if (sim_chance (self, config->fault_nonjson500)) {
        sim_stats_fault (self, "nonjson500");
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/html",
                          "<html><head><title>500 Internal Server Error</title></head>"
                          "<body><h1>Internal Server Error</h1></body></html>\n");
        return false;
    }
    else if (sim_chance (self, config->fault_badjson)) {
        sim_stats_fault (self, "badjson");
        data->badjson = true;
    }
    else if (sim_chance (self, config->fault_egw00201)) {
        sim_stats_fault (self, "egw00201");
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00201", SIM_MSG_RATE);
        return false;
    }
    else if (config->fault_code && sim_chance (self, config->fault_code_rate)) {
        //  A code the client may not know (a mock key on the real host
        //  answers EGW02004 to every request), as the gateway sends it.
        sim_stats_fault (self, "code");
        sim_respond_kis_error (resp, (unsigned int) config->fault_code_status, config->fault_code, SIM_MSG_FAULT_CODE);
        return false;
    }
    if (sim_chance (self, config->fault_slow)) {
        sim_stats_fault (self, "slow");
        sim_sleep_ms (config->fault_slow_ms);
    }

    const sim_app_t *app = sim_kis_app (self, appkey);
    const char *auth = sim_request_header (req, "authorization");
    const char *secret = sim_request_header (req, "appsecret");
    if (!app) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00103", SIM_KIS_MSG_BAD_KEY);
        return false;
    }
    if (!secret || strcmp (secret, app->secret) != 0) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00105", SIM_KIS_MSG_BAD_SECRET);
        return false;
    }
    sim_kis_token_state_t verdict = sim_kis_token_state (self, appkey, auth);
    if (verdict == SIM_KIS_TOKEN_UNKNOWN) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00121", SIM_MSG_INVALID_TOKEN);
        return false;
    }
    if (verdict == SIM_KIS_TOKEN_EXPIRED) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00123", SIM_MSG_EXPIRED);
        return false;
    }
    if (!data->tr_id || strcmp (data->tr_id, tr_expected) != 0) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "OPSQ9999", SIM_MSG_NO_TR);
        return false;
    }
    return true;
}

void
sim_kis_data_end (sim_response_t *resp, const sim_kis_data_t *data)
{
    if (resp->reset) {
        resp->partial_len = data->badjson ? resp->body_len / 2 : 0;
        return;
    }
    if (data->badjson && resp->body) {
        resp->body_len /= 2;
        resp->body[resp->body_len] = '\0';
        resp->status = MHD_HTTP_OK;
    }
}

//  The overseas daily price: the common path is KIS's, the query sim_us's.
void
sim_kis_overseas_daily (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_kis_data_t data = {false, NULL, 0};
    if (sim_kis_data_begin (self, req, resp, "dailyprice", SIM_TR_OVERSEAS_DAILY, &data))
        sim_us_daily (self, req, resp);
    sim_kis_data_end (resp, &data);
}
