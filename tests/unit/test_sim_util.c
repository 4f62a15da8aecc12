/*  test_sim_util — unit tests of the pieces every eod-sim module shares,
    without a server: hashing, the generation streams and the normal draws
    (sim_util), civil dates and the XKRX closed-day table, the response
    helpers whose bytes the KIS double's answers are made of, the text
    buffer (sim_buf), the in-memory zips and their download answer
    (sim_zip), and the stats those count into (sim_stats). */
#include "eod_test.h"
#include "sim.h"
#include "sim_buf.h"
#include "sim_slack.h"
#include "sim_stats.h"
#include "sim_zip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CALENDARS EOD_SOURCE_DIR "/config/calendars"

static void
s_test_hashing (void)
{
    CHECK (sim_hash (1, 2, 3) == sim_hash (1, 2, 3));
    CHECK (sim_hash (1, 2, 3) != sim_hash (1, 2, 4));
    CHECK (sim_hash_str ("005930") == sim_hash_str ("005930"));
    CHECK (sim_hash_str ("005930") != sim_hash_str ("000660"));
    bool in_range = true;
    double sum = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        double u = sim_unit (sim_hash (i, 0, 0));
        in_range = in_range && u >= 0 && u < 1;
        sum += u;
    }
    CHECK (in_range);
    CHECK (sum > 450 && sum < 550);   //  a fair coin would hardly miss this
    CHECK (sim_unit (0) == 0.0);
    CHECK (sim_unit (UINT64_MAX) < 1.0);

    //  The normal draws: pure, finite, centred, unit spread.
    double mean = 0, square = 0;
    bool finite = true;
    for (uint64_t i = 0; i < 4000; i++) {
        double g = sim_gauss (sim_hash (7, i, 0));
        finite = finite && isfinite (g);
        mean += g;
        square += g * g;
    }
    mean /= 4000;
    CHECK (finite);
    CHECK (fabs (mean) < 0.1);
    CHECK (fabs (square / 4000 - 1.0) < 0.15);
    CHECK (sim_gauss (42) == sim_gauss (42));

    CHECK (fabs (sim_log_uniform (0.0, 10, 1000) - 10.0) < 1e-9);
    CHECK (fabs (sim_log_uniform (0.5, 10, 1000) - 100.0) < 1e-9);
    CHECK (sim_log_uniform (0.999, 10, 1000) < 1000);
}

static void
s_test_streams (void)
{
    sim_stream_t a = {sim_hash (1, 0x3a57e5, 0)}, b = a, c = {sim_hash (2, 0x3a57e5, 0)};
    bool same = true, differs = false;
    for (int i = 0; i < 100; i++) {
        double x = sim_stream_uniform (&a), y = sim_stream_uniform (&b), z = sim_stream_uniform (&c);
        same = same && x == y;
        differs = differs || x != z;
    }
    CHECK (same);      //  a stream replays from its seed
    CHECK (differs);   //  another seed, another stream
    CHECK (a.state == b.state);
}

static void
s_test_dates (void)
{
    CHECK_INT (sim_days_from_ymd (19700101), 0);
    CHECK_INT (sim_days_from_ymd (19700102), 1);
    CHECK_INT (sim_days_from_ymd (19691231), -1);
    CHECK (sim_days_from_ymd (20230229) == INT32_MIN);
    CHECK (sim_days_from_ymd (20240230) == INT32_MIN);
    CHECK (sim_days_from_ymd (18991231) == INT32_MIN);
    CHECK_INT (sim_ymd_from_days (sim_days_from_ymd (20240229)), 20240229);
    CHECK_INT (sim_ymd_from_days (sim_days_from_ymd (20000101) - 1), 19991231);
    CHECK_INT (sim_weekday (0), 4);   //  1970-01-01 was a Thursday
    CHECK_INT (sim_weekday (sim_days_from_ymd (20240920)), 5);
    CHECK_INT (sim_weekday (-1), 3);
    int ymd = 0;
    CHECK (sim_parse_ymd ("20240920", &ymd) == 0 && ymd == 20240920);
    CHECK (sim_parse_ymd ("2024092", &ymd) == -1);
    CHECK (sim_parse_ymd ("202409200", &ymd) == -1);
    CHECK (sim_parse_ymd ("2024092x", &ymd) == -1);
    CHECK (sim_parse_ymd ("20240931", &ymd) == -1);
    CHECK (sim_parse_ymd (NULL, &ymd) == -1);
    CHECK_INT (ymd, 20240920);   //  untouched by the failures

    char text[32];
    sim_format_kst (0, text, sizeof text);
    CHECK_STR (text, "1970-01-01 09:00:00");
}

static void
s_test_calendar (void)
{
    CHECK (sim_calendar_new ("/nonexistent/calendars") == NULL);
    sim_calendar_t *cal = sim_calendar_new (CALENDARS);
    CHECK (cal != NULL);
    if (!cal)
        return;
    int32_t chuseok = sim_days_from_ymd (20240917), friday = sim_days_from_ymd (20240920);
    CHECK (sim_calendar_closed (cal, chuseok));
    CHECK (!sim_calendar_trading (cal, chuseok));
    CHECK (sim_calendar_closed_name (cal, chuseok) != NULL);
    CHECK (sim_calendar_trading (cal, friday));
    CHECK (sim_calendar_closed_name (cal, friday) == NULL);
    CHECK (!sim_calendar_trading (cal, friday + 1));   //  a Saturday
    sim_calendar_destroy (&cal);
    CHECK (cal == NULL);
    sim_calendar_destroy (&cal);
}

static void
s_test_buf (void)
{
    sim_buf_t buf = {NULL, 0, 0, false};
    CHECK (sim_buf_printf (&buf, "%s-%d", "a", 1) == 0);
    CHECK (sim_buf_html (&buf, " <b>\"AT&T\"</b>") == 0);
    size_t len = 0;
    char *text = sim_buf_take (&buf, &len);
    CHECK_STR (text, "a-1 &lt;b&gt;&quot;AT&amp;T&quot;&lt;/b&gt;");
    CHECK_INT (len, strlen ("a-1 &lt;b&gt;&quot;AT&amp;T&quot;&lt;/b&gt;"));
    CHECK (buf.data == NULL && buf.len == 0);
    free (text);

    //  Past the first allocation: every byte kept.
    for (int i = 0; i < 3000; i++)
        sim_buf_printf (&buf, "%04d", i);
    text = sim_buf_take (&buf, &len);
    CHECK_INT (len, 12000);
    CHECK (text && strncmp (text + 11996, "2999", 4) == 0 && text[len] == '\0');
    free (text);

    //  A failed buffer answers NULL and is usable again after the take.
    buf.failed = true;
    CHECK (sim_buf_printf (&buf, "x") == -1);
    CHECK (sim_buf_take (&buf, &len) == NULL && len == 0);
    CHECK (sim_buf_printf (&buf, "y") == 0);
    free (sim_buf_take (&buf, NULL));
}

static void
s_test_responses (void)
{
    sim_response_t resp;
    memset (&resp, 0, sizeof resp);
    json_t *json = json_pack ("{s:s}", "output", "x");
    sim_respond_kis_ok (&resp, json, "MCA00000", "ok");
    CHECK_INT (resp.status, MHD_HTTP_OK);
    CHECK_STR (resp.body, "{\"output\":\"x\",\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\"}");
    CHECK_INT (resp.body_len, strlen (resp.body));
    CHECK_STR (resp.content_type, "application/json; charset=utf-8");
    CHECK_INT (json->refcount, 1);   //  still the caller's
    json_decref (json);

    sim_respond_kis_input_error (&resp, "BYMD");
    CHECK_INT (resp.status, MHD_HTTP_OK);
    CHECK_STR (resp.body, "{\"rt_cd\":\"1\",\"msg_cd\":\"OPSQ2001\",\"msg1\":\"ERROR INPUT FIELD BYMD\"}");

    sim_respond_bytes (&resp, "application/zip", "PK\0\3", 4);
    CHECK_INT (resp.status, MHD_HTTP_OK);
    CHECK_INT (resp.body_len, 4);
    CHECK (memcmp (resp.body, "PK\0\3", 4) == 0 && resp.body[4] == '\0');
    CHECK_STR (resp.content_type, "application/zip");

    sim_respond_text (&resp, MHD_HTTP_NOT_FOUND, "text/plain", "no");
    CHECK_INT (resp.status, MHD_HTTP_NOT_FOUND);
    CHECK_STR (resp.body, "no");
    free (resp.body);

    memset (&resp, 0, sizeof resp);
    sim_respond_header_copy (&resp, "tr_id", "FHKST03010100");
    sim_respond_header_copy (&resp, "b", "2");
    sim_respond_header_copy (&resp, "c", "3");   //  no room left: dropped
    sim_respond_header (&resp, "tr_cont", "D");
    CHECK_INT (resp.nheaders, 3);
    CHECK_STR (resp.headers[0][1], "FHKST03010100");
    CHECK_STR (resp.headers[2][0], "tr_cont");

    json = json_object ();
    sim_json_set_int (json, "n", -1234567890123LL);
    sim_json_set_fixed (json, "r", 2.0 / 3.0, 2);
    sim_json_set_fixed (json, "p", 227.52, 4);
    CHECK_STR (json_string_value (json_object_get (json, "n")), "-1234567890123");
    CHECK_STR (json_string_value (json_object_get (json, "r")), "0.67");
    CHECK_STR (json_string_value (json_object_get (json, "p")), "227.5200");
    json_decref (json);
}

//  Reads the one entry of a zip in memory back with libzip: its name and bytes.
static char *
s_unzip (const unsigned char *data, size_t len, char *name, size_t name_size, size_t *out_len)
{
    zip_error_t error;
    zip_error_init (&error);
    zip_source_t *src = zip_source_buffer_create (data, len, 0, &error);
    zip_t *archive = src ? zip_open_from_source (src, ZIP_RDONLY, &error) : NULL;
    char *out = NULL;
    zip_stat_t stat;
    if (archive && zip_get_num_entries (archive, 0) == 1 && zip_stat_index (archive, 0, 0, &stat) == 0) {
        snprintf (name, name_size, "%s", stat.name);
        zip_file_t *file = zip_fopen_index (archive, 0, 0);
        out = calloc (1, stat.size + 1);
        if (file && out && zip_fread (file, out, stat.size) == (zip_int64_t) stat.size)
            *out_len = stat.size;
        else {
            free (out);
            out = NULL;
        }
        if (file)
            zip_fclose (file);
    }
    if (archive)
        zip_discard (archive);
    else
        zip_source_free (src);
    zip_error_fini (&error);
    return out;
}

static void
s_test_zip (void)
{
    const char *text = "005930   KR7005930003삼성전자\n";
    unsigned char *zip = NULL;
    size_t zip_len = 0;
    CHECK (sim_zip ("kospi_code.mst", text, strlen (text), &zip, &zip_len) == 0);
    CHECK (zip && zip_len > 22 && memcmp (zip, "PK\3\4", 4) == 0);
    char name[64] = "";
    size_t len = 0;
    char *back = zip ? s_unzip (zip, zip_len, name, sizeof name, &len) : NULL;
    CHECK_STR (name, "kospi_code.mst");
    CHECK (back && len == strlen (text) && memcmp (back, text, len) == 0);
    free (back);

    //  The download answer, with the fault PRNG and the stats of a server.
    sim_config_t config;
    memset (&config, 0, sizeof config);
    sim_t sim;
    memset (&sim, 0, sizeof sim);
    pthread_mutex_init (&sim.lock, NULL);
    sim.config = &config;
    sim.stats = sim_stats_new ();
    sim.slack = sim_slack_new ();   //  the stats document counts its messages
    sim_response_t resp;
    memset (&resp, 0, sizeof resp);
    sim_zip_serve (&sim, &resp, NULL, 0);
    CHECK_INT (resp.status, MHD_HTTP_NOT_FOUND);
    sim_zip_serve (&sim, &resp, zip, zip_len);
    CHECK_INT (resp.status, MHD_HTTP_OK);
    CHECK_STR (resp.content_type, "application/zip");
    CHECK (resp.body_len == zip_len && memcmp (resp.body, zip, zip_len) == 0);
    CHECK (sim.rng_state == 0);   //  no fault rate: no draw
    config.fault_master503 = 1.0;
    sim_zip_serve (&sim, &resp, zip, zip_len);
    CHECK_INT (resp.status, MHD_HTTP_SERVICE_UNAVAILABLE);
    json_t *stats = sim_stats_json (&sim);
    CHECK_INT (json_integer_value (json_object_get (json_object_get (stats, "faults"), "master503")), 1);
    json_decref (stats);
    free (resp.body);
    free (zip);
    sim_stats_destroy (&sim.stats);
    CHECK (sim.stats == NULL);
    sim_slack_destroy (&sim.slack);
    pthread_mutex_destroy (&sim.lock);
}

int
main (void)
{
    s_test_hashing ();
    s_test_streams ();
    s_test_dates ();
    s_test_calendar ();
    s_test_buf ();
    s_test_responses ();
    s_test_zip ();
    return EOD_TEST_DONE ();
}
