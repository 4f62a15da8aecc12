/*  test_proto_table — the message table of proto/ as a contract: every type
    has a purpose and routes between known stages and endpoints, the route
    check says yes exactly to what the table lists, docs/ARCHITECTURE.md
    holds the table as eod_proto_write_markdown writes it, and records of the
    previous protocol version (journals, ledgers) are read while frames of it
    on the wire, and records of any other version, are refused by name.

    `test_proto_table --markdown` prints the table, to paste into
    docs/ARCHITECTURE.md between its message-table markers. */
#include "eod_test.h"
#include "proto_samples.h"

#include "eod_proto_internal.h"

#define S_DOC EOD_SOURCE_DIR "/docs/ARCHITECTURE.md"
#define S_BEGIN "<!-- message-table:begin -->\n"
#define S_END "<!-- message-table:end -->"

static const char *const s_endpoints[] = {"lister",   "coordinator", "fetchers", "service", "writer",
                                          "uploader", "notifier",    "trace",    NULL};

static bool
s_in (const char *const *list, const char *name)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp (list[i], name) == 0)
            return true;
    return false;
}

static const char *const s_stages[] = {"calendar", "lister",   "coordinator", "fetcher",
                                       "writer",   "uploader", "notifier",    NULL};

//  Every type: a purpose, fields in the order the samples restate, and some
//  route (UPLOADED is only ever kept in a journal).
static void
s_test_types (void)
{
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        const char *purpose = eod_msg_type_purpose ((eod_msg_type_t) t);
        CHECK (purpose && strlen (purpose) > 10 && strcmp (purpose, "?") != 0);
        const char *name, *kind;
        bool required;
        size_t n = 0;
        while (eod_msg_type_field ((eod_msg_type_t) t, n, &name, &kind, &required)) {
            if (!s_wire_names[t][n] || strcmp (s_wire_names[t][n], name) != 0)
                fprintf (stderr, "  %s field %zu: table '%s', samples '%s'\n", eod_msg_type_name (t), n, name,
                         s_wire_names[t][n] ? s_wire_names[t][n] : "(none)");
            CHECK (s_wire_names[t][n] && strcmp (s_wire_names[t][n], name) == 0);
            n++;
        }
        CHECK (s_wire_names[t][n] == NULL);
        bool routed = false;
        for (const char *const *from = s_stages; *from; from++)
            for (const char *const *ep = s_endpoints; *ep; ep++)
                routed |= eod_msg_route_ok ((eod_msg_type_t) t, *from, NULL, *ep);
        CHECK (routed == (t != EOD_MSG_UPLOADED));
    }
    const char *name, *kind;
    bool required;
    CHECK (!eod_msg_type_field (EOD_MSG_INVALID, 0, &name, &kind, &required));
    CHECK (!eod_msg_type_field (EOD_MSG_TYPES, 0, &name, &kind, &required));
    CHECK (eod_msg_type_field (EOD_MSG_RESULT, 14, &name, &kind, &required));
    CHECK_STR (name, "rows");
    CHECK_STR (kind, "rows");
    CHECK (!required);
    CHECK_STR (eod_msg_type_purpose (EOD_MSG_INVALID), "?");
}

//  The routes each stage really uses, and what it must not send or take.
static void
s_test_routes (void)
{
    struct {
        eod_msg_type_t type;
        const char *from, *to, *endpoint;
        bool ok;
    } cases[] = {
        {EOD_MSG_JOB, "calendar", "lister", "lister", true},
        {EOD_MSG_JOB, "calendar", "coordinator", "service", false},   //  chk-holiday is HOLIDAY_ASK now
        {EOD_MSG_JOB, "coordinator", "writer", "writer", false},      //  reconcile is RECONCILE now
        {EOD_MSG_HOLIDAY_ASK, "calendar", "coordinator", "service", true},
        {EOD_MSG_HOLIDAYS, "coordinator", "calendar", "service", true},
        {EOD_MSG_HOLIDAYS, "coordinator", "lister", "service", false},
        {EOD_MSG_LISTING_ASK, "lister", "coordinator", "service", true},
        {EOD_MSG_LISTING, "coordinator", "lister", "service", true},
        {EOD_MSG_REFUSED, "coordinator", "lister", "service", true},
        {EOD_MSG_RECONCILE, "coordinator", "writer", "writer", true},
        {EOD_MSG_ACK, "writer", "coordinator", "coordinator", true},
        {EOD_MSG_ACK, "uploader", "writer", "writer", false},   //  FILE_ACK and END_ACK now
        {EOD_MSG_FILE_ACK, "uploader", "writer", "writer", true},
        {EOD_MSG_END_ACK, "uploader", "writer", "writer", true},
        {EOD_MSG_CREDS, "coordinator", "fetcher", "fetchers", true},
        {EOD_MSG_CREDS, "coordinator", "writer", "writer", false},
        {EOD_MSG_CREDS, "coordinator", "tools", "trace", false},
        {EOD_MSG_TASK, "coordinator", "fetcher", "fetchers", true},
        {EOD_MSG_TASK, "fetcher", "coordinator", "fetchers", false},
        {EOD_MSG_RESULT, "coordinator", "writer", "writer", true},
        {EOD_MSG_EVENT, "fetcher", "notifier", "notifier", true},
        {EOD_MSG_EVENT, "notifier", "notifier", "notifier", false},
        {EOD_MSG_STATS, "coordinator", "tools", "trace", true},
        {EOD_MSG_STATS, "coordinator", "notifier", "notifier", false},
        {EOD_MSG_END, "uploader", "notifier", "notifier", true},
        {EOD_MSG_END, "notifier", "uploader", "uploader", false},
        {EOD_MSG_UPLOADED, "uploader", "writer", "writer", false},
        {EOD_MSG_INVALID, "calendar", "lister", "lister", false},
        {EOD_MSG_TYPES, "calendar", "lister", "lister", false},
    };
    for (size_t i = 0; i < S_COUNT (cases); i++) {
        bool ok = eod_msg_route_ok (cases[i].type, cases[i].from, cases[i].to, cases[i].endpoint);
        if (ok != cases[i].ok)
            fprintf (stderr, "  %s %s -> %s (%s): %d, expected %d\n", eod_msg_type_name (cases[i].type), cases[i].from,
                     cases[i].to, cases[i].endpoint, ok, cases[i].ok);
        CHECK (ok == cases[i].ok);
        //  A sender checks with the receiver open, a receiver with the sender open.
        if (cases[i].ok) {
            CHECK (eod_msg_route_ok (cases[i].type, cases[i].from, NULL, cases[i].endpoint));
            CHECK (eod_msg_route_ok (cases[i].type, NULL, cases[i].to, cases[i].endpoint));
        }
    }
    CHECK (!eod_msg_route_ok (EOD_MSG_TASK, "lister", "coordinator", NULL));
    //  Every route names known stages and endpoints, and no stage talks to
    //  itself.
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
        for (const eod_proto_route_t *r = eod_proto_types[t].routes; r->from; r++) {
            bool known = s_in (s_stages, r->from) && (s_in (s_stages, r->to) || strcmp (r->to, "tools") == 0)
                         && s_in (s_endpoints, r->endpoint) && strcmp (r->from, r->to) != 0;
            if (!known)
                fprintf (stderr, "  %s: route %s -> %s (%s)\n", eod_proto_types[t].name, r->from, r->to, r->endpoint);
            CHECK (known);
        }
    CHECK (eod_proto_is_stage ("writer"));
    CHECK (eod_proto_is_stage ("fetcher"));
    CHECK (!eod_proto_is_stage ("inject"));
    CHECK (!eod_proto_is_stage ("tools"));
    CHECK (!eod_proto_is_stage (NULL));
}

//  The table as Markdown, in a malloc'd string.
static char *
s_markdown (void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    CHECK (out != NULL);
    if (!out)
        return NULL;
    eod_proto_write_markdown (out);
    fclose (out);
    return text;
}

static void
s_test_documented (void)
{
    char *table = s_markdown ();
    CHECK (table && strstr (table, "| `HOLIDAY_ASK` |") != NULL);
    FILE *f = fopen (S_DOC, "r");
    CHECK (f != NULL);
    char *doc = NULL;
    size_t cap = 0;
    ssize_t got = f ? getdelim (&doc, &cap, '\0', f) : -1;
    if (f)
        fclose (f);
    const char *begin = got > 0 ? strstr (doc, S_BEGIN) : NULL;
    const char *end = begin ? strstr (begin, S_END) : NULL;
    CHECK (begin && end);
    if (begin && end && table) {
        begin += strlen (S_BEGIN);
        bool same = (size_t) (end - begin) == strlen (table) && memcmp (begin, table, strlen (table)) == 0;
        if (!same)
            fprintf (stderr,
                     "  %s: the message table differs from proto/eod_proto_table.c: paste the output "
                     "of `test_proto_table --markdown` between its markers\n",
                     S_DOC);
        CHECK (same);
    }
    free (doc);
    free (table);
}

//  A frame of version v holding a minimal message of the given string fields.
static void
s_pk_message (s_frame_t *f, int64_t version, const char *type, const char *const *kv, size_t n)
{
    s_frame_init (f);
    s_pk_head (f, (uint32_t) (2 + n / 2), version, type);
    for (size_t i = 0; i < n; i++)
        s_pk_str (f, kv[i]);
}

static void
s_test_stored_versions (void)
{
    //  A version-1 ledger's TASK and an uploader journal's ACK: read as
    //  records, with their version; refused on the wire.
    const char *task[] = {"run_id",  "r",         "task_id",   "kr-005930-20240902-20240902",
                          "market",  "kr",        "mode",      "daily",
                          "code",    "005930",    "date_from", "2024-09-02",
                          "date_to", "2024-09-02"};
    const char *ack[] = {"run_id", "d41d8cd98f00b204e9800998ecf8427e", "task_id", "/data/kr_20240902.csv"};
    struct {
        const char *type;
        const char *const *kv;
        size_t n;
    } v1[] = {{"TASK", task, S_COUNT (task)}, {"ACK", ack, S_COUNT (ack)}};
    for (size_t i = 0; i < S_COUNT (v1); i++) {
        s_frame_t f;
        s_pk_message (&f, 1, v1[i].type, v1[i].kv, v1[i].n);
        char err[S_ERR_LEN] = "";
        eod_msg_t *m = eod_msg_decode_stored (f.sbuf.data, f.sbuf.size, err, sizeof err);
        if (!m)
            fprintf (stderr, "  stored v1 %s: %s\n", v1[i].type, err);
        CHECK (m != NULL);
        CHECK_INT (m ? m->version : -1, 1);
        CHECK_STR (m ? m->run_id : NULL, v1[i].kv[1]);
        CHECK_INT (eod_msg_frame_version (f.sbuf.data, f.sbuf.size), 1);
        eod_msg_destroy (&m);
        m = eod_msg_decode (f.sbuf.data, f.sbuf.size, err, sizeof err);
        CHECK (m == NULL);
        CHECK (strstr (err, "protocol version 1") != NULL);
        eod_msg_destroy (&m);
        msgpack_sbuffer_destroy (&f.sbuf);
    }
    //  The current version decodes both ways and says so.
    eod_msg_t *full = s_make_full (EOD_MSG_RESULT);
    char *data = NULL;
    size_t len = 0;
    if (full && s_encode (full, &data, &len) == 0) {
        char err[S_ERR_LEN] = "";
        eod_msg_t *m = eod_msg_decode_stored (data, len, err, sizeof err);
        CHECK_INT (m ? m->version : -1, EOD_PROTO_VERSION);
        s_check_msg_eq (full, m);
        eod_msg_destroy (&m);
        CHECK_INT (eod_msg_frame_version (data, len), EOD_PROTO_VERSION);
    }
    free (data);
    eod_msg_destroy (&full);
    //  Versions out of range: refused by both, named.
    const int64_t others[] = {0, EOD_PROTO_VERSION + 1, 99};
    for (size_t i = 0; i < S_COUNT (others); i++) {
        s_frame_t f;
        s_pk_message (&f, others[i], "TASK", task, S_COUNT (task));
        char err[S_ERR_LEN] = "";
        eod_msg_t *m = eod_msg_decode_stored (f.sbuf.data, f.sbuf.size, err, sizeof err);
        CHECK (m == NULL);
        char want[64];
        snprintf (want, sizeof want, "protocol version %lld", (long long) others[i]);
        CHECK (strstr (err, want) != NULL);
        CHECK_INT (eod_msg_frame_version (f.sbuf.data, f.sbuf.size), others[i]);
        msgpack_sbuffer_destroy (&f.sbuf);
    }
    //  No version to tell.
    CHECK_INT (eod_msg_frame_version ("\x90", 1), -1);
    CHECK_INT (eod_msg_frame_version ("", 0), -1);
    CHECK_INT (eod_msg_frame_version ("\x81\xa1t\xa4TASK", 7), -1);
}

int
main (int argc, char **argv)
{
    if (argc == 2 && strcmp (argv[1], "--markdown") == 0) {
        eod_proto_write_markdown (stdout);
        return 0;
    }
    s_test_types ();
    s_test_routes ();
    s_test_documented ();
    s_test_stored_versions ();
    return EOD_TEST_DONE ();
}
