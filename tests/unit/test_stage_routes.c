/*  test_stage_routes — a pipeline stage's sockets apply the message table:
    over real ipc:// sockets in a temp state directory, a writer takes what
    the table lists for it on its input (RESULT, RECONCILE, FILE_ACK) and
    drops the rest (a JOB, an ACK, a HOLIDAYS), and refuses to send on a
    socket what the table does not list for it there (a JOB to the uploader,
    a FILE to the coordinator) or on a socket linked to no endpoint. A
    program that is not a stage (a tool) is not checked. */
#include "eod_test.h"
#include "eod_zmq.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_RECV_TIMEOUT_MS 2000

static char s_dir[] = "/tmp/eod-stage-routes.XXXXXX";

//  A config whose state directory is the temp dir. Returns its path.
static const char *
s_config (void)
{
    static char path[256];
    snprintf (path, sizeof path, "%s/eod.ini", s_dir);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (f) {
        fprintf (f, "[pipeline]\nstate_dir = %s\n", s_dir);
        fclose (f);
    }
    return path;
}

static eod_msg_t *
s_msg (eod_msg_type_t type)
{
    eod_msg_t *m = eod_msg_new (type);
    eod_msg_set (&m->run_id, "r");
    eod_msg_set (&m->task_id, "kr-005930-20240902-20240902");
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->mode, "daily");
    eod_msg_set (&m->code, "005930");
    eod_msg_set (&m->status, "ok");
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->date_to, "2024-09-02");
    eod_msg_set (&m->path, "/p/kr_20240902.csv");
    eod_msg_set (&m->key, "k");
    eod_msg_set (&m->md5, "d41d8cd98f00b204e9800998ecf8427e");
    eod_msg_set (&m->error, "e");
    return m;
}

//  Sends type from a tool's PUSH and returns what the writer's input took.
static eod_msg_t *
s_through (eod_stage_t *writer, zsock_t *input, zsock_t *push, eod_stage_t *tool, eod_msg_type_t type)
{
    eod_msg_t *m = s_msg (type);
    CHECK (eod_stage_send (tool, push, NULL, m) == 0);   //  a tool is not checked
    eod_msg_destroy (&m);
    zsock_set_rcvtimeo (input, S_RECV_TIMEOUT_MS);
    return eod_stage_recv (writer, input, NULL);
}

int
main (void)
{
    CHECK (mkdtemp (s_dir) != NULL);
    const char *config = s_config ();
    eod_stage_t *writer = eod_stage_new ("writer", config);
    eod_stage_t *tool = eod_stage_new ("inject", config);
    CHECK (writer && tool);
    if (!writer || !tool)
        return EOD_TEST_DONE ();
    CHECK (writer->checked);
    CHECK (!tool->checked);
    zsock_t *input = eod_stage_socket (writer, ZMQ_PULL, "endpoints:writer", true);
    zsock_t *uploader = eod_stage_socket (writer, ZMQ_PUSH, "endpoints:uploader", false);
    zsock_t *acks = eod_stage_socket (writer, ZMQ_PUSH, "endpoints:coordinator", false);
    CHECK (input && uploader && acks);
    CHECK_STR (eod_stage_endpoint (writer, input), "writer");
    CHECK_STR (eod_stage_endpoint (writer, acks), "coordinator");
    char endpoint[1100];
    eod_config_path_value (writer->config, "endpoints:writer", endpoint, sizeof endpoint);
    zsock_t *push = eod_socket_new (ZMQ_PUSH, endpoint, false, 0);
    CHECK (push != NULL);
    CHECK (eod_stage_endpoint (tool, push) == NULL);

    //  Listed for the writer on its input: taken.
    const eod_msg_type_t taken[] = {EOD_MSG_RESULT, EOD_MSG_RUN_DONE, EOD_MSG_RECONCILE, EOD_MSG_FILE_ACK,
                                    EOD_MSG_END_ACK};
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++) {
        eod_msg_t *got = s_through (writer, input, push, tool, taken[i]);
        if (!got)
            fprintf (stderr, "  the writer dropped a %s\n", eod_msg_type_name (taken[i]));
        CHECK (got && got->type == taken[i]);
        eod_msg_destroy (&got);
    }
    //  Not listed: dropped, and the next message still comes through.
    const eod_msg_type_t dropped[] = {EOD_MSG_JOB, EOD_MSG_ACK, EOD_MSG_HOLIDAYS, EOD_MSG_CREDS, EOD_MSG_FILE};
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
        eod_msg_t *m = s_msg (dropped[i]);
        if (dropped[i] == EOD_MSG_CREDS) {
            eod_msg_set (&m->key_id, "k");
            eod_msg_set (&m->app_key, "a");
            eod_msg_set (&m->app_secret, "s");
            eod_msg_set (&m->token, "t");
        }
        CHECK (eod_stage_send (tool, push, NULL, m) == 0);
        eod_msg_destroy (&m);
        zsock_set_rcvtimeo (input, S_RECV_TIMEOUT_MS);
        eod_msg_t *got = eod_stage_recv (writer, input, NULL);
        if (got)
            fprintf (stderr, "  the writer took a %s\n", eod_msg_type_name (got->type));
        CHECK (got == NULL);
        eod_msg_destroy (&got);
    }
    //  Listed, but a field out of its grammar: dropped too (a tool sends
    //  what it likes; the receiving stage's decoder refuses it).
    const char *runs[] = {"../x", "a/b", "", "x\xff"};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        eod_msg_t *m = s_msg (EOD_MSG_RESULT);
        eod_msg_set (&m->run_id, runs[i]);
        CHECK (eod_stage_send (tool, push, NULL, m) == 0);
        eod_msg_destroy (&m);
        zsock_set_rcvtimeo (input, S_RECV_TIMEOUT_MS);
        eod_msg_t *got = eod_stage_recv (writer, input, NULL);
        CHECK (got == NULL);
        eod_msg_destroy (&got);
    }
    eod_msg_t *after = s_through (writer, input, push, tool, EOD_MSG_RESULT);
    CHECK (after && after->type == EOD_MSG_RESULT);
    eod_msg_destroy (&after);

    //  Sending: listed goes, the rest is refused before it is encoded.
    zsock_set_sndtimeo (uploader, 0);
    zsock_set_sndtimeo (acks, 0);
    eod_msg_t *m = s_msg (EOD_MSG_JOB);
    CHECK (eod_stage_send (writer, uploader, NULL, m) == -1);
    eod_msg_destroy (&m);
    m = s_msg (EOD_MSG_FILE);
    CHECK (eod_stage_send (writer, acks, NULL, m) == -1);
    eod_msg_destroy (&m);
    m = s_msg (EOD_MSG_ACK);
    CHECK (eod_stage_send (writer, uploader, NULL, m) == -1);
    //  A socket the stage never linked: refused whatever the type.
    CHECK (eod_stage_send (writer, push, NULL, m) == -1);
    //  After linking it as the coordinator's input, an ACK may go (queued:
    //  nobody reads it).
    zsock_t *extra = eod_socket_new (ZMQ_PUSH, endpoint, false, 0);
    CHECK (eod_stage_link (writer, extra, "coordinator") == 0);
    CHECK_STR (eod_stage_endpoint (writer, extra), "coordinator");
    CHECK (eod_stage_send (writer, extra, NULL, m) == 0);
    eod_msg_destroy (&m);
    //  Short-lived sockets free their links; the live ones keep theirs.
    for (int i = 0; i < 3 * EOD_STAGE_LINKS_MAX; i++) {
        zsock_t *req = eod_stage_socket (writer, ZMQ_REQ, "endpoints:service", false);
        CHECK (req != NULL);
        eod_stage_socket_destroy (writer, &req);
        CHECK (req == NULL);
    }
    CHECK_STR (eod_stage_endpoint (writer, input), "writer");
    //  A stage with too many sockets at once is told so.
    zsock_t *many[EOD_STAGE_LINKS_MAX];
    size_t made = 0;
    for (; made < EOD_STAGE_LINKS_MAX; made++)
        if (!(many[made] = eod_stage_socket (writer, ZMQ_PUSH, "endpoints:uploader", false)))
            break;
    CHECK (made < EOD_STAGE_LINKS_MAX);
    while (made > 0)
        eod_stage_socket_destroy (writer, &many[--made]);
    zsock_t *fresh = eod_stage_socket (writer, ZMQ_PUSH, "endpoints:uploader", false);
    CHECK_STR (eod_stage_endpoint (writer, fresh), "uploader");
    eod_stage_socket_destroy (writer, &fresh);

    zsock_destroy (&extra);
    zsock_destroy (&push);
    zsock_destroy (&acks);
    zsock_destroy (&uploader);
    zsock_destroy (&input);
    eod_stage_destroy (&tool);
    eod_stage_destroy (&writer);
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf %s", s_dir);
    CHECK (system (cmd) == 0);
    return EOD_TEST_DONE ();
}
