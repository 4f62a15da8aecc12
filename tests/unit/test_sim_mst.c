/*  test_sim_mst — unit tests of the KR master files eod-sim serves, without
    a server: the generated instruments (sim_master_gen) are the same for a
    seed and differ for another; the files sim_mst writes hold one record
    per instrument of exactly KIS's lengths (KOSPI 288, KOSDAQ 282 bytes,
    LF), in code order, with the code, ISIN and a CP949 name in the head;
    --master-garble's records are short or carry a market cap that is not a
    number; and sim_master finds every code and marks the unknown ones. */
#define _GNU_SOURCE   //  qsort_r
#include "eod_test.h"
#include "sim_master.h"
#include "sim_master_gen.h"
#include "sim_mst.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define BASE_YMD 20240920
#define KOSPI_LINE 289   //  record and LF
#define KOSDAQ_LINE 283
#define CAP_OFFSET (282 - 15)   //  where the garbled KOSDAQ cap goes

static int
s_code_cmp (const void *a, const void *b, void *items)
{
    const sim_instrument_t *list = items;
    return strcmp (list[*(const size_t *) a].code, list[*(const size_t *) b].code);
}

static void
s_test_generate (void)
{
    sim_master_list_t a = {NULL, 0, 0}, b = {NULL, 0, 0}, c = {NULL, 0, 0}, d = {NULL, 0, 0};
    CHECK (sim_master_generate (&a, 1, BASE_YMD, 0) == 0);
    CHECK (sim_master_generate (&b, 1, BASE_YMD, 0) == 0);
    CHECK (sim_master_generate (&c, 2, BASE_YMD, 0) == 0);
    CHECK (sim_master_generate (&d, 1, BASE_YMD, 5) == 0);
    CHECK (a.count > 3000);
    CHECK (a.count == b.count && memcmp (a.items, b.items, a.count * sizeof *a.items) == 0);
    CHECK (strcmp (a.items[10].code, c.items[10].code) != 0 || a.items[10].cap != c.items[10].cap);
    //  --kosdaq-extra comes on top of the same listing, selectable KOSDAQ stocks.
    CHECK_INT (d.count, a.count + 5);
    CHECK (d.count > a.count && memcmp (a.items, d.items, a.count * sizeof *a.items) == 0);
    CHECK (d.count > a.count && d.items[a.count].kosdaq && d.items[a.count].cap >= SIM_CAP_SELECT);

    size_t kospi = 0, kosdaq = 0, unique = 1, bad_isin = 0, bad_date = 0;
    size_t *order = malloc (a.count * sizeof *order);
    for (size_t i = 0; order && i < a.count; i++) {
        const sim_instrument_t *inst = &a.items[i];
        order[i] = i;
        kospi += !inst->kosdaq;
        kosdaq += inst->kosdaq;
        bad_isin += strlen (inst->isin) != 12 || strncmp (inst->isin, "KR7", 3) != 0;
        bad_date += inst->listed_ymd < 19560101 || inst->listed_ymd >= BASE_YMD;
    }
    CHECK (kospi > 1500 && kosdaq > 1500);
    CHECK_INT (bad_isin, 0);
    CHECK_INT (bad_date, 0);
    if (order) {
        qsort_r (order, a.count, sizeof *order, s_code_cmp, a.items);
        for (size_t i = 1; i < a.count; i++)
            unique += strcmp (a.items[order[i - 1]].code, a.items[order[i]].code) != 0;
        CHECK_INT (unique, a.count);   //  no code twice
    }
    free (order);
    free (a.items);
    free (b.items);
    free (c.items);
    free (d.items);
}

//  The name field of a record (CP949, space-padded) as UTF-8, trimmed.
static void
s_name_of (const char *record, char *out, size_t size)
{
    char field[41];
    memcpy (field, record + 21, 40);
    size_t n = 40;
    while (n > 0 && field[n - 1] == ' ')
        n--;
    field[n] = '\0';
    iconv_t cd = iconv_open ("UTF-8", "CP949");
    char *in = field, *o = out;
    size_t in_left = n, out_left = size - 1;
    if (cd == (iconv_t) -1 || iconv (cd, &in, &in_left, &o, &out_left) == (size_t) -1)
        o = out;
    *o = '\0';
    if (cd != (iconv_t) -1)
        iconv_close (cd);
}

static void
s_test_files (int garble)
{
    sim_master_list_t list = {NULL, 0, 0};
    CHECK (sim_master_generate (&list, 1, BASE_YMD, 0) == 0);
    size_t *by_code = malloc (list.count * sizeof *by_code);
    if (!by_code)
        return;
    for (size_t i = 0; i < list.count; i++)
        by_code[i] = i;
    qsort_r (by_code, list.count, sizeof *by_code, s_code_cmp, list.items);
    char *file[SIM_MST_FILES] = {NULL, NULL};
    size_t file_len[SIM_MST_FILES] = {0, 0};
    CHECK (sim_mst_write (list.items, by_code, list.count, 1, garble, BASE_YMD, file, file_len) == 0);
    if (!file[0] || !file[1])
        goto out;
    size_t kospi = 0, kosdaq = 0;
    for (size_t i = 0; i < list.count; i++)
        list.items[i].kosdaq ? kosdaq++ : kospi++;
    CHECK_INT (file_len[0], kospi * KOSPI_LINE);

    //  Every KOSPI line: 288 bytes and LF, the code and ISIN in the head, in
    //  code order, the name as the instrument (cut to the field) says.
    size_t ok = 0, in_order = 1, names = 0;
    const char *prev = NULL;
    for (size_t i = 0; i < list.count; i++) {
        const sim_instrument_t *inst = &list.items[by_code[i]];
        if (inst->kosdaq)
            continue;
        const char *line = file[0] + ok * KOSPI_LINE;
        char code[10];
        memcpy (code, line, 9);
        code[9] = '\0';
        ok += line[KOSPI_LINE - 1] == '\n' && strncmp (code, inst->code, strlen (inst->code)) == 0
              && memcmp (line + 9, inst->isin, 12) == 0;
        if (prev && memcmp (prev, line, 9) > 0)
            in_order = 0;
        prev = line;
        char name[128];
        s_name_of (line, name, sizeof name);
        names += strcmp (name, inst->name) == 0;
    }
    CHECK_INT (ok, kospi);
    CHECK (in_order);
    CHECK_INT (names, kospi);

    //  KOSDAQ: the records, then the garbled lines.
    size_t pos = 0, full = 0, short_lines = 0, bad_caps = 0;
    while (pos < file_len[1]) {
        const char *end = memchr (file[1] + pos, '\n', file_len[1] - pos);
        if (!end)
            break;
        size_t len = (size_t) (end - (file[1] + pos));
        if (len == KOSDAQ_LINE - 1) {
            full++;
            bad_caps += memcmp (file[1] + pos + CAP_OFFSET, "12A4X  9Z", 9) == 0;
        }
        else if (len < KOSDAQ_LINE - 1)
            short_lines++;
        pos += len + 1;
    }
    CHECK_INT (pos, file_len[1]);
    CHECK_INT (full, kosdaq + (size_t) garble / 2);
    CHECK_INT (short_lines, (size_t) (garble + 1) / 2);
    CHECK_INT (bad_caps, (size_t) garble / 2);
out:
    free (file[0]);
    free (file[1]);
    free (by_code);
    free (list.items);
}

static void
s_test_master (void)
{
    sim_master_t *master = sim_master_new (1, 0, 3, BASE_YMD, 0);
    CHECK (master != NULL);
    if (!master)
        return;
    size_t found = 0, unknown = 0, selected = 0;
    for (size_t i = 0; i < sim_master_count (master); i++) {
        const sim_instrument_t *inst = sim_master_at (master, i);
        found += sim_master_find (master, inst->code) == inst;
        unknown += inst->unknown;
        selected += inst->selected;
        if (inst->unknown)
            CHECK (inst->kosdaq && inst->selected);
    }
    CHECK_INT (found, sim_master_count (master));
    CHECK_INT (unknown, 3);
    CHECK (selected > 100 && selected < sim_master_count (master));
    CHECK (sim_master_find (master, "999999") == NULL);
    CHECK (sim_master_at (master, sim_master_count (master)) == NULL);
    sim_master_destroy (&master);
    CHECK (master == NULL);
    sim_master_destroy (&master);
}

int
main (void)
{
    s_test_generate ();
    s_test_files (0);
    s_test_files (5);
    s_test_master ();
    return EOD_TEST_DONE ();
}
