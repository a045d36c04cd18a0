/* anne eval: scores a model on a labelled CSV file with the runtime's streaming metrics: confusion
 * matrix, accuracy, precision/recall/F1 (per class, macro, weighted, class 1 for binary models),
 * log loss; as text or JSON (docs/cli.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_regression.h"

#define ANNE__EVAL_USAGE "anne eval MODEL DATA.csv --label COL [--threshold T] [--task T] [--no-header] [--json]"

static void anne__eval_help(FILE *out) {
    fprintf(out, "usage: " ANNE__EVAL_USAGE "\n\n"
           "Runs MODEL (an .anne file or ANNE JSON) on every row of DATA.csv and compares its class\n"
           "with the true class in column COL. The features are all other columns, in order.\n\n"
           "Labels: a model class name, or a class index 0..K-1. When the model has no class names\n"
           "and the column holds text, the distinct texts are the classes in sorted order.\n\n"
           "options:\n"
           "  --label COL      the column with the true class (required)\n"
           "  --threshold T    one sigmoid output: class 1 when the output is above T (default 0.5);\n"
           "                   more outputs: the class of the largest (the first on a tie)\n"
           "  --task T         classification or regression (default: regression for a model with one\n"
           "                   linear output and no class names, else classification)\n"
           "  --json           keys n, accuracy, confusion_matrix, average, precision, recall, f1,\n"
           "                   log_loss, per_class, macro, weighted (and labels: the class names);\n"
           "                   regression: n, task, mae, rmse, r2, max_error\n"
           ANNE_CLI_HELP_NO_HEADER
           "  --help           this text\n\n"
           "Confusion matrix: rows are the true class, columns the predicted class (as sklearn).\n"
           "precision/recall/f1 are class 1's for a model with two classes (sklearn's\n"
           "average='binary'), otherwise the macro average. Log loss needs probabilities: it is\n"
           "given when the last layer (of a graph model: the last op) is sigmoid (one output) or\n"
           "softmax, else n/a (JSON null).\n\n"
           "Regression (COL holds numbers): MAE = mean |y - p|, RMSE = sqrt(mean (y - p)^2),\n"
           "R2 = 1 - sum (y - p)^2 / sum (y - mean y)^2, max error = max |y - p|.\n\n"
           "A graph model (format 2.0) takes its input tensor's values in a row, flattened row-major,\n"
           "channels last: for (H, W, C) the channel runs fastest, then the column, then the row (the\n"
           "order of Keras' Flatten and numpy's reshape(-1)).\n");
}

typedef struct anne__eval_args {
    const char *model, *data, *label;
    float threshold;
    int json;
    int csv_flags;              /* ANNE_CSV_NO_HEADER or 0 */
    anne_cli_task task;
} anne__eval_args;

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int anne__eval_parse(int argc, char **argv, anne__eval_args *a) {
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
    const anne_cli_spec spec = {"eval", ANNE__EVAL_USAGE, anne__eval_help, opts, pos, 2, "unexpected argument '%s'"};
    int n_pos, rc;
    memset(a, 0, sizeof *a);
    a->threshold = 0.5f;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 2) return anne_cli_spec_error(&spec, "needs a model and a CSV file");
    if (a->label == NULL) return anne_cli_spec_error(&spec, "needs --label COL (the true class)");
    a->model = pos[0];
    a->data = pos[1];
    return -1;
}

/* Log loss means something only when the outputs that give the class (the first output's) are
 * probabilities: the activation of the last layer (a dense chain) or of the op writing the first output
 * (a graph), whose softmax runs over the output's last axis, so that the outputs sum to 1 only when that
 * axis holds them all. */
static int anne__outputs_are_probabilities(const anne_model *model) {
    anne_activation act;
    anne_model_io first;
    if (anne_model_output(model, 0, &first) != ANNE_OK || anne_cli_output_activation(model, &act) != 0) return 0;
    if (model->op_table != NULL && act == ANNE_ACT_SOFTMAX) {
        anne_op last;
        anne_tensor out;
        if (anne_model_op(model, (uint16_t)(first.tensor - model->n_input_tensors), &last) != ANNE_OK ||
            anne_model_tensor(model, last.output, &out) != ANNE_OK || out.dims[out.rank - 1u] != first.values) {
            return 0;
        }
    }
    if (first.values == 1) {
        return act == ANNE_ACT_SIGMOID || act == ANNE_ACT_HARD_SIGMOID || act == ANNE_ACT_HARD_SIGMOID_K3;
    }
    return act == ANNE_ACT_SOFTMAX;
}

/* What the report calls each class: the model's name, the label text mapped to it, or its index. */
typedef struct anne__eval_report {
    const anne_metrics *m;
    const char **names; /* (n_classes) or NULL */
    int has_log_loss;
    int graph;          /* a graph model: its last op, not layer, says whether outputs are probabilities */
} anne__eval_report;

static void anne__class_label(const anne__eval_report *r, uint16_t c, char *buf, size_t cap) {
    if (r->names != NULL && r->names[c] != NULL) {
        snprintf(buf, cap, "%s", r->names[c]);
    } else {
        snprintf(buf, cap, "%u", (unsigned)c);
    }
}

static void anne__print_scores(const char *label, int width, const anne_class_metrics *k) {
    printf("  %-*s %9.4f %9.4f %9.4f %9lu\n", width, label, k->precision, k->recall, k->f1, (unsigned long)k->support);
}

static void anne__eval_text(const anne__eval_report *r) {
    const anne_metrics *m = r->m;
    uint16_t K = m->n_classes, c, p;
    int width = 12, cell = 9;
    char label[64];
    anne_class_metrics k;
    for (c = 0; c < K; c++) {
        int len;
        anne__class_label(r, c, label, sizeof label);
        len = (int)strlen(label);
        if (len > width) width = len;
        if (len > cell) cell = len;
    }
    printf("n: %lu\n\n", (unsigned long)m->n);
    printf("confusion matrix (rows: true class, columns: predicted class)\n");
    printf("  %-*s", width, "");
    for (p = 0; p < K; p++) {
        anne__class_label(r, p, label, sizeof label);
        printf(" %*s", cell, label);
    }
    putchar('\n');
    for (c = 0; c < K; c++) {
        anne__class_label(r, c, label, sizeof label);
        printf("  %-*s", width, label);
        for (p = 0; p < K; p++) printf(" %*lu", cell, (unsigned long)m->confusion[(size_t)c * K + p]);
        putchar('\n');
    }
    printf("\naccuracy: %.4f\n\n", anne_metrics_accuracy(m));
    printf("  %-*s %9s %9s %9s %9s\n", width, "class", "precision", "recall", "f1", "support");
    for (c = 0; c < K; c++) {
        anne_metrics_class(m, c, &k);
        anne__class_label(r, c, label, sizeof label);
        anne__print_scores(label, width, &k);
    }
    anne_metrics_average(m, ANNE_AVERAGE_MACRO, &k);
    anne__print_scores("macro avg", width, &k);
    anne_metrics_average(m, ANNE_AVERAGE_WEIGHTED, &k);
    anne__print_scores("weighted avg", width, &k);
    if (K == 2) {
        anne_metrics_class(m, 1, &k);
        anne__class_label(r, 1, label, sizeof label);
        printf("\nclass 1 (%s): precision %.4f, recall %.4f, f1 %.4f\n", label, k.precision, k.recall, k.f1);
    }
    if (r->has_log_loss) {
        printf("\nlog loss: %.6f\n", anne_metrics_log_loss(m));
    } else {
        printf("\nlog loss: n/a (the outputs are not probabilities: the last %s)\n",
               r->graph ? "op is not sigmoid (one output) or softmax over all outputs"
                        : "layer is not sigmoid or softmax");
    }
}

/* Adds precision, recall, f1 and support to o; returns non-zero when out of memory. */
static int anne__add_scores(cJSON *o, const anne_class_metrics *k) {
    int bad = 0;
    bad |= anne_cli_json_add(o, "precision", cJSON_CreateNumber(k->precision));
    bad |= anne_cli_json_add(o, "recall", cJSON_CreateNumber(k->recall));
    bad |= anne_cli_json_add(o, "f1", cJSON_CreateNumber(k->f1));
    bad |= anne_cli_json_add(o, "support", cJSON_CreateNumber((double)k->support));
    return bad;
}

static int anne__eval_json(const anne__eval_report *r) {
    const anne_metrics *m = r->m;
    uint16_t K = m->n_classes, c, p;
    cJSON *doc = cJSON_CreateObject(), *cm = cJSON_CreateArray(), *per = cJSON_CreateArray();
    anne_class_metrics k;
    int bad = 0;
    bad |= anne_cli_json_add(doc, "n", cJSON_CreateNumber((double)m->n));
    bad |= anne_cli_json_add(doc, "accuracy", cJSON_CreateNumber(anne_metrics_accuracy(m)));
    bad |= anne_cli_json_add(doc, "confusion_matrix", cm);
    for (c = 0; c < K && !bad; c++) {
        cJSON *row = cJSON_CreateArray();
        bad |= anne_cli_json_add(cm, NULL, row);
        for (p = 0; p < K && !bad; p++) {
            bad |= anne_cli_json_add(row, NULL, cJSON_CreateNumber((double)m->confusion[(size_t)c * K + p]));
        }
    }
    if (K == 2) {
        anne_metrics_class(m, 1, &k);
    } else {
        anne_metrics_average(m, ANNE_AVERAGE_MACRO, &k);
    }
    bad |= anne_cli_json_add(doc, "average", cJSON_CreateString(K == 2 ? "binary" : "macro"));
    bad |= anne_cli_json_add(doc, "precision", cJSON_CreateNumber(k.precision));
    bad |= anne_cli_json_add(doc, "recall", cJSON_CreateNumber(k.recall));
    bad |= anne_cli_json_add(doc, "f1", cJSON_CreateNumber(k.f1));
    bad |= anne_cli_json_add(doc, "log_loss",
                             r->has_log_loss ? cJSON_CreateNumber(anne_metrics_log_loss(m)) : cJSON_CreateNull());
    bad |= anne_cli_json_add(doc, "per_class", per);
    for (c = 0; c < K && !bad; c++) {
        cJSON *o = cJSON_CreateObject();
        bad |= anne_cli_json_add(per, NULL, o);
        if (bad) break;
        bad |= anne_cli_json_add(o, "class", cJSON_CreateNumber((double)c));
        if (r->names != NULL && r->names[c] != NULL) {
            bad |= anne_cli_json_add(o, "name", cJSON_CreateString(r->names[c]));
        }
        anne_metrics_class(m, c, &k);
        bad |= anne__add_scores(o, &k);
    }
    for (p = 0; p < 2 && !bad; p++) {
        cJSON *o = cJSON_CreateObject();
        bad |= anne_cli_json_add(doc, p == 0 ? "macro" : "weighted", o);
        anne_metrics_average(m, p == 0 ? ANNE_AVERAGE_MACRO : ANNE_AVERAGE_WEIGHTED, &k);
        if (!bad) bad |= anne__add_scores(o, &k);
    }
    if (r->names != NULL) {
        cJSON *labels = cJSON_CreateArray();
        bad |= anne_cli_json_add(doc, "labels", labels);
        for (c = 0; c < K && !bad; c++) {
            char label[64];
            anne__class_label(r, c, label, sizeof label);
            bad |= anne_cli_json_add(labels, NULL, cJSON_CreateString(r->names[c] ? r->names[c] : label));
        }
    }
    if (bad) {
        cJSON_Delete(doc);
        return anne_cli_fail("eval", "out of memory");
    }
    return anne_cli_json_print("eval", doc);
}

/* Streams every row through the model and the metrics. */
static int anne__eval_run(anne_cli_model *m, const float *x, const anne_csv_labels *labels, size_t n_rows,
                          const anne_csv *t, float threshold, anne_metrics *metrics, anne_error *err) {
    const anne_model *model = &m->loaded.model;
    float *out = m->out;
    size_t r;
    for (r = 0; r < n_rows; r++) {
        anne_status st;
        if (anne_cli_model_predict(m, out, x + r * model->n_inputs, err) != 0) return -1;
        st = anne_metrics_update_output(metrics, labels->y[r], out, m->class_values, threshold, NULL); /* output 1 */
        if (st != ANNE_OK) {
            return anne_error_set(err, "%s: line %zu: counting the result failed: %s", t->path, anne_csv_line(t, r),
                                  anne_status_str(st));
        }
    }
    return 0;
}

/* A regression model's report: the model's one output against the numbers of the label column. */
static int anne__eval_regression(anne_cli_model *m, const anne__eval_args *a, const anne_csv *t, size_t col,
                                 const float *x, anne_error *err) {
    const anne_model *model = &m->loaded.model;
    anne_regression acc;
    anne_regression_scores s;
    double *y;
    size_t r;
    if (model->n_outputs != 1) {
        return anne_error_set(err, "%s: regression scores one output against column \"%s\", but the model has %u "
                                   "outputs",
                              a->model, a->label, (unsigned)model->n_outputs);
    }
    if (anne_cli_targets(t, col, &y, err) != 0) return -1;
    anne_regression_init(&acc);
    for (r = 0; r < t->n_rows; r++) {
        if (anne_cli_model_predict(m, m->out, x + r * model->n_inputs, err) != 0) {
            free(y);
            return -1;
        }
        anne_regression_update(&acc, y[r], (double)m->out[0]);
    }
    free(y);
    anne_regression_scores_get(&acc, &s);
    if (a->json) {
        cJSON *doc = cJSON_CreateObject();
        int bad = 0;
        bad |= anne_cli_json_add(doc, "n", cJSON_CreateNumber((double)acc.n));
        bad |= anne_cli_json_add(doc, "task", cJSON_CreateString("regression"));
        bad |= anne_regression_json_add(doc, &s);
        if (bad) {
            cJSON_Delete(doc);
            return anne_error_set(err, "out of memory");
        }
        return anne_cli_json_print("eval", doc) == 0 ? 0 : anne_error_set(err, "out of memory");
    }
    printf("n: %lu\n\nregression (one output against column \"%s\")\n\n", (unsigned long)acc.n, a->label);
    printf("MAE:        %.9g\nRMSE:       %.9g\nR2:         %.9g\nmax error:  %.9g\n", s.mae, s.rmse, s.r2, s.max_error);
    return 0;
}

int anne_cmd_eval(int argc, char **argv) {
    anne__eval_args a;
    anne_cli_model m;
    anne_csv t;
    anne_csv_labels labels;
    anne_metrics metrics;
    anne__eval_report report;
    anne_error err;
    size_t label_col = 0;
    float *x = NULL;
    uint32_t *confusion = NULL;
    const char **names = NULL;
    int rc = anne__eval_parse(argc, argv, &a);
    if (rc >= 0) return rc;
    if (anne_cli_model_open(&m, a.model, &err) != 0) return anne_cli_fail("eval", err.msg);
    memset(&labels, 0, sizeof labels);
    rc = anne_cli_read_features(&t, a.data, (unsigned)a.csv_flags, a.label, m.loaded.model.n_inputs, SIZE_MAX,
                                &label_col, &x, &err);
    if (rc == 0 && anne_cli_regression(&m.loaded.model, a.task)) {
        rc = anne__eval_regression(&m, &a, &t, label_col, x, &err);
        free(x);
        anne_csv_free(&t);
        anne_cli_model_close(&m);
        return rc == 0 ? anne_cli_flush("eval") : anne_cli_fail("eval", err.msg);
    }
    if (rc == 0) rc = anne_csv_labels_read(&t, label_col, m.n_classes, m.class_names, &labels, &err);
    if (rc == 0) {
        confusion = calloc((size_t)m.n_classes * m.n_classes, sizeof *confusion);
        names = calloc(m.n_classes, sizeof *names);
        if (confusion == NULL || names == NULL) rc = anne_error_set(&err, "out of memory");
    }
    if (rc == 0 &&
        anne_metrics_init(&metrics, m.n_classes, confusion, (size_t)m.n_classes * m.n_classes) != ANNE_OK) {
        rc = anne_error_set(&err, "%s: the model has %u classes; metrics count at most %u", a.model,
                            (unsigned)m.n_classes, (unsigned)ANNE_MAX_CLASSES);
    }
    if (rc == 0) {
        uint16_t c;
        for (c = 0; c < m.n_classes; c++) {
            names[c] = m.class_names ? m.class_names[c] : (c < labels.n_names ? labels.names[c] : NULL);
        }
        if (labels.n_names > 0) {
            /* the mapping is a guess the user should see: the model cannot say which text is which class */
            fprintf(stderr,
                    "anne eval: note: the model has no class names; the labels of column \"%s\" are "
                    "taken as classes in sorted order:",
                    a.label);
            for (c = 0; c < labels.n_names; c++)
                fprintf(stderr, "%s %u = \"%s\"", c ? "," : "", (unsigned)c, labels.names[c]);
            fputc('\n', stderr);
        }
        rc = anne__eval_run(&m, x, &labels, t.n_rows, &t, a.threshold, &metrics, &err);
    }
    if (rc == 0) {
        report.m = &metrics;
        report.names = (m.class_names != NULL || labels.n_names > 0) ? names : NULL;
        report.has_log_loss = anne__outputs_are_probabilities(&m.loaded.model);
        report.graph = m.loaded.model.op_table != NULL;
        if (a.json) {
            rc = anne__eval_json(&report);
        } else {
            anne__eval_text(&report);
        }
        if (rc == 0) rc = anne_cli_flush("eval");
    } else {
        rc = anne_cli_fail("eval", err.msg);
    }
    free(names);
    free(confusion);
    free(x);
    anne_csv_labels_free(&labels);
    anne_csv_free(&t);
    anne_cli_model_close(&m);
    return rc;
}
