/*  test_fetcher_events — the incidents of a fetcher on another host reach the
    notifier through the coordinator: a fetcher stage with no notifier link
    sends its EVENTs on the socket eod_stage_events_via gives it (its
    DEALER), the first one with the incident of its restart; the
    coordinator's dispatch passes an EVENT from a fetcher on to its own
    EVENT socket, naming the fetcher. Over inproc:// sockets, the dispatch
    fed as a plain call (dispatch_fixture.h). */
#include "dispatch_fixture.h"

#include <stdlib.h>

#define S_RECV_MS 2000

static eod_msg_t *
s_take (zsock_t *sock)
{
    zsock_set_rcvtimeo (sock, S_RECV_MS);
    zframe_t *frame = zframe_recv (sock);
    if (!frame)
        return NULL;
    char err[256];
    eod_msg_t *msg = eod_msg_decode ((const char *) zframe_data (frame), zframe_size (frame), err, sizeof err);
    zframe_destroy (&frame);
    return msg;
}

//  A fetcher stage without a notifier link: EVENTs go on the socket given.
static void
test_fetcher_side (void)
{
    //  A checked stage: the message table must list EVENT from the fetcher on
    //  its link to the coordinator.
    eod_stage_t fetcher = {.name = "fetcher", .instance = -1, .checked = true};
    zsock_t *pull = zsock_new_pull ("inproc://test-fetcher-events");
    zsock_t *push = zsock_new_push ("inproc://test-fetcher-events");
    CHECK (pull && push);
    CHECK_INT (eod_stage_link (&fetcher, push, "fetchers"), 0);
    setenv ("EOD_RESTARTED", "signal 9", 1);
    eod_stage_events_via (&fetcher, push);
    eod_msg_t *msg = s_take (pull);
    CHECK (msg && msg->type == EOD_MSG_EVENT);
    CHECK (msg && strstr (msg->text, "fetcher restarted after it died (signal 9)"));
    CHECK_STR (msg ? msg->stage : NULL, "fetcher");
    CHECK_STR (msg ? eod_fields_get (&msg->fields, "kind") : NULL, "incident");
    eod_msg_destroy (&msg);
    //  A second link (a reconnect) does not tell the restart again.
    eod_stage_events_via (&fetcher, NULL);
    eod_stage_events_via (&fetcher, push);
    eod_stage_incident (&fetcher, "run-1", NULL, "the coordinator was silent");
    msg = s_take (pull);
    CHECK (msg && strstr (msg->text, "the coordinator was silent"));
    CHECK_STR (msg ? msg->run_id : NULL, "run-1");
    eod_msg_destroy (&msg);
    unsetenv ("EOD_RESTARTED");
    //  The socket stays the caller's.
    eod_stage_events_via (&fetcher, NULL);
    CHECK (fetcher.events == NULL);
    eod_stage_socket_destroy (&fetcher, &push);
    zsock_destroy (&pull);
}

//  The coordinator passes a fetcher's EVENT on to the notifier.
static void
test_coordinator_side (void)
{
    zsock_t *notifier = zsock_new_pull ("inproc://test-coordinator-events");
    s_stage.events = zsock_new_push ("inproc://test-coordinator-events");
    CHECK (notifier && s_stage.events);
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    s_from (&env, "host-b-7", EOD_MSG_READY, 1, 0);
    zframe_t *identity = zframe_new ("host-b-7", 8);
    eod_msg_t *event = eod_msg_new (EOD_MSG_EVENT);
    eod_msg_set (&event->level, "warn");
    eod_msg_set (&event->stage, "fetcher");
    eod_msg_set (&event->text, "[kis] insecure is set");
    coordinator_dispatch_on_fetcher (env.d, identity, event);
    eod_msg_destroy (&event);
    zframe_destroy (&identity);
    eod_msg_t *got = s_take (notifier);
    CHECK (got && got->type == EOD_MSG_EVENT);
    CHECK_STR (got ? got->stage : NULL, "fetcher");
    CHECK_STR (got ? got->text : NULL, "[kis] insecure is set");
    CHECK_STR (got ? eod_fields_get (&got->fields, "worker") : NULL, "host-b-7");
    eod_msg_destroy (&got);
    //  Nothing else went to a fetcher or the writer.
    CHECK_INT (s_nsent, 0);
    s_env_down (&env);
    zsock_destroy (&s_stage.events);
    zsock_destroy (&notifier);
}

int
main (void)
{
    test_fetcher_side ();
    test_coordinator_side ();
    return EOD_TEST_DONE ();
}
