/* anne predict: runs a model on every row of a CSV file and prints the outputs and the class of
 * each row, as CSV text or as JSON (docs/cli.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"

#define ANNE__PREDICT_USAGE "anne predict MODEL DATA.csv [--label COL] [--threshold T] [--task T] [--no-header] [--json]"

static void anne__predict_help(FILE *out) {
    fprintf(out, "usage: " ANNE__PREDICT_USAGE "\n\n"
           "Runs MODEL (an .anne file or ANNE JSON) on every row of DATA.csv. The CSV needs a header\n"
           "row; the features are all columns except COL, in order, and their count must equal the\n"
           "model's inputs.\n\n"
           "options:\n"
           "  --label COL      a column to leave out of the features (e.g. the true class)\n"
           "  --threshold T    one sigmoid output: class 1 when the output is above T (default 0.5);\n"
           "                   more outputs: the class of the largest (the first on a tie)\n"
           "  --task T         classification or regression (default: regression for a model with one\n"
           "                   linear output and no class names, else classification)\n"
           "  --json           {\"outputs\": [[...] per row], \"classes\": [...], \"labels\": [class names]}\n"
           "                   (a regression model: outputs only)\n"
           ANNE_CLI_HELP_NO_HEADER
           "  --help           this text\n\n"
           "Text output is CSV: a header `output0,...,class` then one line per row; outputs are printed\n"
           "with %%.9g, so they read back exactly. A model with class names names its output columns by\n"
           "class (one sigmoid output: class 1's name) and adds a column `name`; a regression model\n"
           "prints its outputs only.\n\n"
           "A graph model (format 2.0) takes its input tensor's values in a row, flattened row-major,\n"
           "channels last: for (H, W, C) the channel runs fastest, then the column, then the row (the\n"
           "order of Keras' Flatten and numpy's reshape(-1)); its outputs come in the same order.\n");
}

/* Writes a CSV field, quoted when it holds a comma, a quote, a line end or outer spaces. */
static void anne__put_csv_field(const char *s) {
    size_t n = strlen(s);
    if (strpbrk(s, ",\"\r\n") == NULL && n > 0 && s[0] != ' ' && s[n - 1] != ' ') {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

typedef struct anne__predict_args {
    const char *model, *data, *label;
    float threshold;
    int json;
    int csv_flags;              /* ANNE_CSV_NO_HEADER or 0 */
    anne_cli_task task;
} anne__predict_args;

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int anne__predict_parse(int argc, char **argv, anne__predict_args *a) {
    const char *pos[2] = {NULL, NULL};
    const anne_cli_opt opts[] = {
        {"--json", NULL, &a->json, 1, NULL, NULL, NULL, NULL},
        {"--label", NULL, NULL, 0, &a->label, NULL, NULL, "--label needs a column name"},
        {"--threshold", NULL, NULL, 0, NULL, anne_cli_parse_float_opt, &a->threshold,
         "--threshold needs a number, got \"%s\""},
        {"--task", NULL, NULL, 0, NULL, anne_cli_parse_task, &a->task, ANNE_CLI_TASK_ERROR},
        ANNE_CLI_OPT_NO_HEADER(&a->csv_flags),
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"predict", ANNE__PREDICT_USAGE, anne__predict_help, opts, pos, 2,
                                "unexpected argument '%s'"};
    int n_pos, rc;
    memset(a, 0, sizeof *a);
    a->threshold = 0.5f;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 2) return anne_cli_spec_error(&spec, "needs a model and a CSV file");
    a->model = pos[0];
    a->data = pos[1];
    return -1;
}

/* Whether the output columns can carry the class names: each output stands for one class (one sigmoid
 * output: class 1's probability; not a model with several outputs), and no name repeats another or the
 * columns "class" and "name". */
static int anne__named_columns(const anne_cli_model *m) {
    uint16_t n = m->loaded.model.n_outputs, first = n == 1 ? 1u : 0u, i, j;
    if (m->class_names == NULL || m->class_values != n) return 0;
    for (i = first; i < m->n_classes; i++) {
        if (strcmp(m->class_names[i], "class") == 0 || strcmp(m->class_names[i], "name") == 0) return 0;
        for (j = first; j < i; j++) {
            if (strcmp(m->class_names[i], m->class_names[j]) == 0) return 0;
        }
    }
    return 1;
}

static int anne__predict_text(anne_cli_model *m, const float *x, size_t n_rows, float threshold, int regression,
                              anne_error *err) {
    const anne_model *model = &m->loaded.model;
    float *out = m->out;
    size_t r;
    uint16_t k;
    int named = !regression && anne__named_columns(m);
    for (k = 0; k < model->n_outputs; k++) {
        if (k > 0) putchar(',');
        if (named) anne__put_csv_field(m->class_names[model->n_outputs == 1 ? 1u : k]);
        else printf("output%u", (unsigned)k);
    }
    printf(regression ? "\n" : m->class_names ? ",class,name\n" : ",class\n");
    for (r = 0; r < n_rows; r++) {
        uint16_t cls;
        if (anne_cli_model_predict(m, out, x + r * model->n_inputs, err) != 0) return -1;
        for (k = 0; k < model->n_outputs; k++) printf(k > 0 ? ",%.9g" : "%.9g", (double)out[k]);
        if (!regression) {
            cls = anne_output_class(out, m->class_values, threshold); /* the first output's class */
            printf(",%u", (unsigned)cls);
            if (m->class_names != NULL) {
                putchar(',');
                anne__put_csv_field(m->class_names[cls]);
            }
        }
        putchar('\n');
    }
    return 0;
}

static int anne__predict_json(anne_cli_model *m, const float *x, size_t n_rows, float threshold, int regression,
                              anne_error *err) {
    const anne_model *model = &m->loaded.model;
    float *out = m->out;
    cJSON *doc = cJSON_CreateObject();
    cJSON *outputs = cJSON_CreateArray(), *classes = regression ? NULL : cJSON_CreateArray();
    int bad = 0;
    size_t r;
    uint16_t k;
    bad |= anne_cli_json_add(doc, "outputs", outputs);
    if (!regression) bad |= anne_cli_json_add(doc, "classes", classes);
    if (!regression && m->class_names != NULL) {
        bad |= anne_cli_json_add(doc, "labels", cJSON_CreateStringArray(m->class_names, m->n_classes));
    }
    for (r = 0; r < n_rows && !bad; r++) {
        cJSON *row = cJSON_CreateArray();
        if (anne_cli_model_predict(m, out, x + r * model->n_inputs, err) != 0) {
            cJSON_Delete(row);
            cJSON_Delete(doc);
            return -1;
        }
        bad |= anne_cli_json_add(outputs, NULL, row);
        for (k = 0; k < model->n_outputs && !bad; k++) bad |= anne_cli_json_add(row, NULL, anne_cli_json_float(out[k]));
        if (!regression) {
            bad |= anne_cli_json_add(classes, NULL,
                                     cJSON_CreateNumber((double)anne_output_class(out, m->class_values, threshold)));
        }
    }
    if (bad) {
        cJSON_Delete(doc);
        return anne_error_set(err, "out of memory");
    }
    return anne_cli_json_print("predict", doc) == 0 ? 0 : anne_error_set(err, "out of memory");
}

int anne_cmd_predict(int argc, char **argv) {
    anne__predict_args a;
    anne_cli_model m;
    anne_csv t;
    anne_error err;
    size_t label_col = ANNE_CSV_NO_COLUMN;
    float *x = NULL;
    int rc = anne__predict_parse(argc, argv, &a);
    if (rc >= 0) return rc;
    if (anne_cli_model_open(&m, a.model, &err) != 0) return anne_cli_fail("predict", err.msg);
    rc = anne_cli_read_features(&t, a.data, (unsigned)a.csv_flags, a.label, m.loaded.model.n_inputs, SIZE_MAX, &label_col, &x, &err);
    if (rc == 0) {
        int regression = anne_cli_regression(&m.loaded.model, a.task);
        rc = a.json ? anne__predict_json(&m, x, t.n_rows, a.threshold, regression, &err)
                    : anne__predict_text(&m, x, t.n_rows, a.threshold, regression, &err);
    }
    free(x);
    anne_csv_free(&t);
    anne_cli_model_close(&m);
    if (rc != 0) return anne_cli_fail("predict", err.msg);
    return anne_cli_flush("predict");
}
