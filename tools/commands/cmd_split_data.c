/* `anne split DATA.csv TRAIN.csv TEST.csv --test F [--seed S]`: a CSV file cut into a training and a
 * test part, the very rows `anne train --split F --seed S` holds out, saved so that other tools (and
 * anne eval) see the same split. Recognized by --test (`anne split MODEL FEATURES HEAD` cuts a model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_text.h"
#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_file.h"
#include "anne_train_data.h"

#define ANNE__SPLIT_DATA_USAGE "anne split DATA.csv TRAIN.csv TEST.csv --test F [--seed N]"

static void anne__split_data_help(FILE *out) {
    fprintf(out, "usage: " ANNE__SPLIT_DATA_USAGE "\n"
                 "\n"
                 "Cuts the rows of DATA.csv into TRAIN.csv and TEST.csv: TEST gets round(F x rows) rows (at least\n"
                 "one, and at least one stays in TRAIN) chosen by a shuffle seeded with N (default 0), exactly the\n"
                 "rows `anne train DATA.csv --split F --seed N` holds out for validation. Both keep the header and\n"
                 "the file's row order; values are copied as text (quoted where CSV needs it). Both files are\n"
                 "written together or not at all.\n");
}

/* One field as the CSV reader reads it back: quoted when it holds a comma, a quote or a line end, or
 * starts or ends with a space or tab (which the reader would drop). */
static void anne__buf_field(anne_text *b, const char *s) {
    size_t n = strlen(s);
    const char *q;
    if (strpbrk(s, ",\"\r\n") == NULL && (n == 0 || (strchr(" \t", s[0]) == NULL && strchr(" \t", s[n - 1]) == NULL))) {
        anne_text_append(b, s, n);
        return;
    }
    anne_text_append(b, "\"", 1);
    for (; (q = strchr(s, '"')) != NULL; s = q + 1) {
        anne_text_append(b, s, (size_t)(q - s) + 1u);
        anne_text_append(b, "\"", 1); /* "" for a quote */
    }
    anne_text_append(b, s, strlen(s));
    anne_text_append(b, "\"", 1);
}

/* Row r (ANNE_CSV_NO_COLUMN: the header) as one line. */
static void anne__buf_row(anne_text *b, const anne_csv *t, size_t r) {
    size_t c;
    for (c = 0; c < t->n_cols; c++) {
        if (c > 0) anne_text_append(b, ",", 1);
        anne__buf_field(b, r == ANNE_CSV_NO_COLUMN ? t->cols[c].name : anne_csv_value(t, r, c));
    }
    anne_text_append(b, "\n", 1);
}

int anne_cmd_split_data(int argc, char **argv) {
    const char *pos[3] = {NULL, NULL, NULL}, *test = NULL;
    double fraction = 0;
    uint32_t seed = 0;
    const anne_cli_opt opts[] = {
        {"--test", NULL, NULL, 0, &test, anne_cli_parse_fraction, &fraction,
         "--test needs a fraction between 0 and 1, got \"%s\""},
        {"--seed", NULL, NULL, 0, NULL, anne_cli_parse_seed, &seed, "--seed needs an integer 0..2147483647, got \"%s\""},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"split", ANNE__SPLIT_DATA_USAGE, anne__split_data_help, opts, pos, 3,
                                "unexpected argument '%s'"};
    anne_csv t;
    anne_error err;
    anne_text train, held;
    anne_file_output outs[2];
    unsigned char *is_held = NULL;
    size_t n_held = 0, r;
    int n_pos, rc;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 3) return anne_cli_spec_error(&spec, "needs DATA.csv, TRAIN.csv and TEST.csv");
    if (test == NULL) return anne_cli_spec_error(&spec, "needs --test F (the fraction of rows to hold out)");
    memset(&train, 0, sizeof train);
    memset(&held, 0, sizeof held);
    rc = anne_csv_read(&t, pos[0], &err);
    if (rc == 0 && anne_train_split_pick(t.n_rows, fraction, seed, &is_held, &n_held, &err) != 0) {
        rc = anne_error_prefix(&err, "%s", pos[0]);
    }
    if (rc == 0) {
        anne__buf_row(&train, &t, ANNE_CSV_NO_COLUMN);
        anne__buf_row(&held, &t, ANNE_CSV_NO_COLUMN);
        for (r = 0; r < t.n_rows; r++) anne__buf_row(is_held[r] ? &held : &train, &t, r);
        if (train.oom || held.oom) rc = anne_error_set(&err, "out of memory");
    }
    if (rc == 0) {
        outs[0].path = pos[1];
        outs[0].data = train.p;
        outs[0].size = train.len;
        outs[1].path = pos[2];
        outs[1].data = held.p;
        outs[1].size = held.len;
        rc = anne_file_write_all(outs, 2, &err);
    }
    if (rc == 0) {
        printf("wrote %s (%zu rows) and %s (%zu rows): the rows anne train --split %s --seed %lu holds out are in %s\n",
               pos[1], t.n_rows - n_held, pos[2], n_held, test, (unsigned long)seed, pos[2]);
    }
    free(is_held);
    anne_text_free(&train);
    anne_text_free(&held);
    anne_csv_free(&t);
    return rc == 0 ? anne_cli_flush("split") : anne_cli_fail("split", err.msg);
}
