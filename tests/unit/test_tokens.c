/*  test_tokens — the coordinator's token issuer (stages/coordinator/tokens.c)
    on a clock the test moves and a transport that answers from a list: a
    token issued once and held, its cache file (mode 0600, the key's
    fingerprint, the host) taken up by a new issuer but not by another key
    or host or when others may read it, a refresh when its time comes, the
    one-a-minute rule (a key paused in the run's loop, a wait at start-up),
    throttled, failed and refused issues (a refusal kept: no request
    after it), the API unreachable after every attempt, and a token whose
    expiry says the clocks disagree. */
#include "coordinator_fakes.h"
#include "eod_test.h"
#include "eod_util.h"
#include "tokens.h"

#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX 1024
#define S_REFRESH_S 3600
#define S_DAY_S 86400
#define S_GAP_S 61   //  the issuer's wait between two issues
#define S_MIN_USE_S 600

static char s_root[FAKE_DIR_MAX];
static char s_cache[S_PATH_MAX];   //  the cache base: each key's file is this + "." + its id
static eod_stage_t s_stage = {.name = "coordinator"};

static coordinator_tokens_t *
s_issuer (const char *base_url, const char *app_key)
{
    coordinator_tokens_conf_t conf = {
        .base_url = base_url,
        .cache_base = s_cache,
        .refresh_s = S_REFRESH_S,
        .timeout_ms = 1000,
        .http = fake_http,
        .stage = &s_stage,
        .clock = &fake_clock,
    };
    coordinator_tokens_t *tokens = coordinator_tokens_new (&conf);
    CHECK (tokens != NULL);
    if (tokens)
        CHECK_INT (coordinator_tokens_add (tokens, "test_app", app_key, "SECRET-ONE"), 0);
    return tokens;
}

static char *
s_read_cache (struct stat *st)
{
    char path[S_PATH_MAX + 16];
    snprintf (path, sizeof path, "%s.test_app", s_cache);
    if (stat (path, st))
        return NULL;
    size_t len;
    return eod_read_file (path, 4096, &len);
}

//  Issue, hold, cache, take up.
static void
test_issue_and_cache (void)
{
    coordinator_tokens_t *tokens = s_issuer ("http://sim.test", "KEY-ONE");
    if (!tokens)
        return;
    coordinator_key_t *key = coordinator_tokens_key (tokens, 0);
    time_t expires = fake_wall () + S_DAY_S;
    fake_answer_token ("tok1", expires);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    CHECK_INT (fake_served, 1);
    CHECK (strstr (fake_last_url, "http://sim.test/oauth2/tokenP") == fake_last_url);
    CHECK_STR (key->token, "tok1");
    CHECK_INT (key->generation, 1);
    CHECK_INT (key->expires, expires);
    CHECK_INT (key->refresh_at, expires - S_REFRESH_S);
    //  Held: nothing asked again.
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    CHECK_INT (fake_served, 1);

    struct stat st;
    char *text = s_read_cache (&st);
    CHECK (text != NULL);
    CHECK_INT (st.st_mode & 0777, 0600);
    char fp[33];
    eod_fingerprint ("KEY-ONE", fp);
    CHECK (text && strstr (text, "\"token\":\"tok1\"") && strstr (text, fp) && strstr (text, "http://sim.test"));
    free (text);
    coordinator_tokens_destroy (&tokens);
    CHECK (tokens == NULL);
    coordinator_tokens_destroy (&tokens);

    //  A new issuer takes the cached token up and asks nothing.
    tokens = s_issuer ("http://sim.test", "KEY-ONE");
    key = coordinator_tokens_key (tokens, 0);
    coordinator_tokens_load (tokens, key);
    CHECK_STR (key->token, "tok1");
    CHECK_INT (key->generation, 1);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    CHECK_INT (fake_served, 1);
    coordinator_tokens_destroy (&tokens);

    //  Not another key's, nor another host's.
    tokens = s_issuer ("http://sim.test", "KEY-TWO");
    coordinator_tokens_load (tokens, coordinator_tokens_key (tokens, 0));
    CHECK (coordinator_tokens_key (tokens, 0)->token == NULL);
    coordinator_tokens_destroy (&tokens);
    tokens = s_issuer ("http://other.test", "KEY-ONE");
    coordinator_tokens_load (tokens, coordinator_tokens_key (tokens, 0));
    CHECK (coordinator_tokens_key (tokens, 0)->token == NULL);
    coordinator_tokens_destroy (&tokens);

    //  Not when others may read it.
    char path[S_PATH_MAX + 16];
    snprintf (path, sizeof path, "%s.test_app", s_cache);
    CHECK_INT (chmod (path, 0644), 0);
    tokens = s_issuer ("http://sim.test", "KEY-ONE");
    coordinator_tokens_load (tokens, coordinator_tokens_key (tokens, 0));
    CHECK (coordinator_tokens_key (tokens, 0)->token == NULL);
    coordinator_tokens_destroy (&tokens);
    CHECK_INT (chmod (path, 0600), 0);

    //  Nor once it is due for refresh.
    fake_advance_ms ((int64_t) (S_DAY_S - S_REFRESH_S) * 1000);
    tokens = s_issuer ("http://sim.test", "KEY-ONE");
    coordinator_tokens_load (tokens, coordinator_tokens_key (tokens, 0));
    CHECK (coordinator_tokens_key (tokens, 0)->token == NULL);
    coordinator_tokens_destroy (&tokens);
    fake_answers_clear ();
}

//  Refresh, the one-a-minute rule, throttling and failures.
static void
test_refresh_rules (void)
{
    coordinator_tokens_t *tokens = s_issuer ("http://sim.test", "KEY-ONE");
    if (!tokens)
        return;
    coordinator_key_t *key = coordinator_tokens_key (tokens, 0);
    fake_answer_token ("tok1", fake_wall () + S_DAY_S);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    time_t issued = key->last_issue;
    CHECK_INT (issued, fake_wall ());

    //  Its refresh time: a new token, a new generation.
    fake_advance_ms ((int64_t) (key->refresh_at - fake_wall ()) * 1000);
    fake_answer_token ("tok2", fake_wall () + S_DAY_S);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, "run-1"), 0);
    CHECK_STR (key->token, "tok2");
    CHECK_INT (key->generation, 2);
    CHECK_INT (fake_served, 2);

    //  Rejected by the API right after: in the run's loop the key is paused
    //  for the rest of the minute, the token dropped, nothing asked.
    fake_advance_ms (10 * 1000);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, true, false, "run-1"), 1);
    CHECK (key->token == NULL);
    CHECK_INT (key->paused_until_ms, fake_ms () + (S_GAP_S - 10) * 1000);
    CHECK_INT (fake_served, 2);
    int64_t paused = key->paused_until_ms;
    fake_advance_ms (1000);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, "run-1"), 1);
    CHECK_INT (key->paused_until_ms, paused);
    //  At start-up (may_wait) the rest of the minute is slept out.
    fake_slept_ms = 0;
    fake_answer_token ("tok3", fake_wall () + S_DAY_S);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, true, "run-1"), 0);
    CHECK_INT (fake_slept_ms, (S_GAP_S - 11) * 1000);
    CHECK_STR (key->token, "tok3");
    CHECK_INT (key->generation, 3);

    //  Throttled (EGW00133): a minute from then, and issued.
    fake_advance_ms (120 * 1000);
    fake_slept_ms = 0;
    fake_answer (403, "{\"error_code\":\"EGW00133\",\"error_description\":\"1 per minute\"}");
    fake_answer_token ("tok4", fake_wall () + S_DAY_S);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, true, true, ""), 0);
    CHECK_INT (fake_slept_ms, S_GAP_S * 1000);
    CHECK_STR (key->token, "tok4");

    //  A failed issue in the run's loop: the key paused a second.
    fake_advance_ms (120 * 1000);
    fake_answer (500, "<html>bad gateway</html>");
    CHECK_INT (coordinator_tokens_ensure (tokens, key, true, false, ""), 1);
    CHECK_INT (key->paused_until_ms, fake_ms () + 1000);

    //  Refused (a bad app key): -1, but the API was reached; the refusal
    //  names the key and the code, and no request is made again.
    fake_advance_ms (120 * 1000);
    fake_answer (403, "{\"error_code\":\"EGW00103\",\"error_description\":\"bad AppKey\"}");
    CHECK (coordinator_tokens_refusal (tokens) == NULL);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, true, ""), -1);
    CHECK (!coordinator_tokens_unreachable (tokens));
    const char *refusal = coordinator_tokens_refusal (tokens);
    CHECK (refusal && strstr (refusal, "test_app") && strstr (refusal, "EGW00103"));
    int served = fake_served;
    fake_advance_ms (120 * 1000);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, true, false, ""), -1);
    CHECK_INT (fake_served, served);
    coordinator_tokens_destroy (&tokens);

    //  Every attempt failed: the API is unreachable.
    tokens = s_issuer ("http://sim.test", "KEY-ONE");
    if (!tokens)
        return;
    key = coordinator_tokens_key (tokens, 0);
    fake_slept_ms = 0;
    served = fake_served;
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, true, ""), -1);
    CHECK_INT (fake_served - served, 3);
    CHECK_INT (fake_slept_ms, 1000 + 2000 + 3000);
    CHECK (coordinator_tokens_unreachable (tokens));
    CHECK (coordinator_tokens_refusal (tokens) == NULL);
    coordinator_tokens_destroy (&tokens);
    fake_answers_clear ();
}

//  A token that names an expiry (nearly) past: used ten minutes anyway.
static void
test_clocks_disagree (void)
{
    coordinator_tokens_t *tokens = s_issuer ("http://sim.test", "KEY-ONE");
    if (!tokens)
        return;
    coordinator_key_t *key = coordinator_tokens_key (tokens, 0);
    fake_advance_ms (120 * 1000);
    fake_answer_token ("tok5", fake_wall () + 300);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, true, false, ""), 0);
    CHECK_INT (key->refresh_at, key->last_issue + S_MIN_USE_S);
    fake_advance_ms ((S_MIN_USE_S - 1) * 1000);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    CHECK_STR (key->token, "tok5");
    //  More keys than the coordinator paces are refused.
    for (int i = 1; i < COORDINATOR_KEYS_MAX; i++)
        CHECK_INT (coordinator_tokens_add (tokens, "more", "KEY-MORE", "SECRET-MORE"), 0);
    CHECK_INT (coordinator_tokens_size (tokens), COORDINATOR_KEYS_MAX);
    CHECK_INT (coordinator_tokens_add (tokens, "more", "KEY-MORE", "SECRET-MORE"), -1);
    coordinator_tokens_destroy (&tokens);
    fake_answers_clear ();
}

int
main (void)
{
    fake_wall0 = time (NULL);
    if (fake_scratch_dir (s_root, "test_tokens")) {
        CHECK (false);
        return EOD_TEST_DONE ();
    }
    snprintf (s_cache, sizeof s_cache, "%s/cache/token", s_root);
    test_issue_and_cache ();
    test_refresh_rules ();
    test_clocks_disagree ();
    CHECK_INT (fake_scratch_remove (s_root), 0);
    return EOD_TEST_DONE ();
}
