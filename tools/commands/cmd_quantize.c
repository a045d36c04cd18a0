/* anne quantize: a float model and calibration data in, a Q16.16 or int8 model out, with the
 * accuracy (or largest output error) of the float and the quantized model on evaluation data and the
 * weight bytes before and after. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_file.h"
#include "anne_names.h"
#include "anne_quantize.h"
#include "anne_regression.h"

#define ANNE__QUANT_USAGE \
    "anne quantize IN OUT --to q16|int8 --calib DATA.csv [--label COL] [--eval FILE.csv] [--per-tensor] [--json]\n" \
    "                     [--name NAME] [--classes A,B,...] [--task classification|regression] [--no-header]"

static void anne__quant_help(FILE *out) {
    fprintf(out, "usage: " ANNE__QUANT_USAGE "\n\n"
           "Quantizes the float model IN (.anne, ANNE JSON, or any format `anne convert` reads) and writes\n"
           "the model file OUT. q16: Q16.16 fixed point (weights rounded to nearest); int8: TFLite's scheme\n"
           "(per-unit symmetric int8 weights, int8 activations with scales and zero points from the\n"
           "calibration data, int32 bias, requantization by multiplier and shift; docs/numerics.md).\n"
           "A graph model (convolutions, pooling) quantizes to int8 only, into an int8 graph (format 2.2):\n"
           "weights per output channel, pooling and reshaping keep their input's quantization,\n"
           "BatchNormalization folded into the convolution before it; an op with no int8 form yet is\n"
           "refused by name.\n"
           "Then runs the float and the quantized model on the evaluation data and reports accuracy (with\n"
           "--label) and the largest output difference, and the weight bytes before and after. A regression\n"
           "model (one linear output, no class names) with --label reports MAE, RMSE, R2 and the largest\n"
           "error of both instead (docs/cli.md).\n\n"
           "options:\n"
           "  --to q16|int8    the number format\n"
           "  --calib DATA     CSV with raw input rows (as the model takes them); a --label column in it is\n"
           "                   skipped\n"
           "  --label COL      the true class column of the evaluation data: report accuracy\n"
           "  --eval FILE      evaluation CSV (default: the calibration data)\n"
           "  --per-tensor     int8: one weight scale per layer (op) instead of one per unit (channel)\n"
           "  --name NAME      the quantized model's name (default: IN's; empty: none)\n"
           "  --classes A,...  its class names, one per output (one sigmoid output: 2); empty: none\n"
           "  --task T         classification or regression (default: regression for one linear output\n"
           "                   and no class names)\n"
           "  --json           the report as one JSON object\n"
           ANNE_CLI_HELP_NO_HEADER
           "  --help           this text\n");
}

typedef struct anne__quant_args {
    const char *in, *out, *to, *calib, *label, *eval, *name, *classes;
    int per_tensor, json;
    int csv_flags;              /* ANNE_CSV_NO_HEADER or 0 */
    anne_cli_task task;
} anne__quant_args;

static int anne__quant_parse(int argc, char **argv, anne__quant_args *a) {
    const char *pos[2] = {NULL, NULL};
    const anne_cli_opt opts[] = {
        {"--json", NULL, &a->json, 1, NULL, NULL, NULL, NULL},
        {"--per-tensor", NULL, &a->per_tensor, 1, NULL, NULL, NULL, NULL},
        {"--to", NULL, NULL, 0, &a->to, NULL, NULL, "--to needs a value"},
        {"--calib", NULL, NULL, 0, &a->calib, NULL, NULL, "--calib needs a value"},
        {"--label", NULL, NULL, 0, &a->label, NULL, NULL, "--label needs a value"},
        {"--eval", NULL, NULL, 0, &a->eval, NULL, NULL, "--eval needs a value"},
        {"--name", NULL, NULL, 0, &a->name, NULL, NULL, "--name needs a value"},
        {"--classes", NULL, NULL, 0, &a->classes, NULL, NULL, "--classes needs names, e.g. --classes cat,dog"},
        {"--task", NULL, NULL, 0, NULL, anne_cli_parse_task, &a->task, ANNE_CLI_TASK_ERROR},
        ANNE_CLI_OPT_NO_HEADER(&a->csv_flags),
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"quantize", ANNE__QUANT_USAGE, anne__quant_help, opts, pos, 2,
                                "unexpected argument '%s'"};
    int n_pos, rc;
    memset(a, 0, sizeof *a);
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 2) return anne_cli_spec_error(&spec, "needs IN and OUT");
    a->in = pos[0];
    a->out = pos[1];
    if (a->to == NULL) return anne_cli_spec_error(&spec, "needs --to q16 or --to int8");
    if (strcmp(a->to, "q16") != 0 && strcmp(a->to, "int8") != 0) {
        return anne_cli_spec_error(&spec, "--to must be q16 or int8, not \"%s\"", a->to);
    }
    if (a->calib == NULL) return anne_cli_spec_error(&spec, "needs --calib DATA.csv");
    return -1;
}

/* Features of a CSV for a model: every column but the label column (when the file has it; the
 * evaluation file must have it: the error then lists the file's columns). */
static int anne__quant_rows(const char *path, unsigned csv_flags, const char *label, int need_label, uint16_t n_inputs,
                            anne_csv *t, size_t *label_col, float **x, anne_error *err) {
    *label_col = ANNE_CSV_NO_COLUMN;
    if (anne_csv_read_ex(t, path, csv_flags, err) != 0) return -1;
    if (label != NULL && need_label) {
        if (anne_csv_find(t, label, label_col, err) != 0) return -1;
    } else if (label != NULL) {
        size_t k;
        for (k = 0; k < t->n_cols; k++) {
            if (strcmp(t->cols[k].name, label) == 0) *label_col = k;
        }
    }
    return anne_cli_features(t, *label_col, n_inputs, x, err);
}

/* Weight bytes as stored: kernels, biases, quantization records, prelu alphas. */
static unsigned long anne__weight_bytes(const anne_model *m) {
    unsigned long sum = 0;
    uint16_t i;
    for (i = 0; i < m->n_ops; i++) { /* a graph */
        anne_op op;
        anne_model_op(m, i, &op);
        sum += (unsigned long)op.kernel_size + op.bias_size + op.aux_size;
    }
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        anne_model_layer(m, i, &l);
        sum += (unsigned long)l.n_in * l.n_out * (l.dtype == ANNE_DTYPE_S8 ? 1u : 4u);
        if (l.bias != NULL) sum += 4ul * l.n_out;
        if (l.act_data != NULL) sum += 4ul * l.n_out;
        sum += l.aux_size;
    }
    return sum;
}

typedef struct anne__quant_eval {
    size_t rows, agree;
    int classify;                   /* with --label: scored as classes */
    int regression;                 /* a regression model: no classes to agree on */
    const double *y;                /* regression with --label: (rows) the true values, else NULL */
    anne_regression_scores reg_f, reg_q;
    uint16_t n_classes;
    double acc_f, acc_q, max_err;
    uint32_t *conf_f, *conf_q; /* (n_classes, n_classes) */
} anne__quant_eval;

static int anne__quant_evaluate(const anne_model *mf, const anne_model *mq, const float *x, size_t n_rows,
                                const uint16_t *y, anne__quant_eval *e, anne_error *err) {
    size_t r;
    uint16_t no = mf->n_outputs, k;
    float *of = malloc(2u * no * sizeof *of);
    void *af = malloc(anne_model_arena_size(mf) + 4u), *aq = malloc(anne_model_arena_size(mq) + 4u);
    anne_metrics m_f, m_q;
    anne_regression r_f, r_q;
    int rc = 0;
    if (of == NULL || af == NULL || aq == NULL) {
        rc = anne_error_set(err, "out of memory");
        goto done;
    }
    e->rows = n_rows;
    anne_regression_init(&r_f);
    anne_regression_init(&r_q);
    if (e->classify) {
        if (anne_metrics_init(&m_f, e->n_classes, e->conf_f, (size_t)e->n_classes * e->n_classes) != ANNE_OK ||
            anne_metrics_init(&m_q, e->n_classes, e->conf_q, (size_t)e->n_classes * e->n_classes) != ANNE_OK) {
            rc = anne_error_set(err, "the model has %u classes; metrics count at most %u", (unsigned)e->n_classes,
                                (unsigned)ANNE_MAX_CLASSES);
            goto done;
        }
    }
    for (r = 0; r < n_rows; r++) {
        float *oq = of + no;
        if (anne_model_predict(mf, of, x + r * mf->n_inputs, af, anne_model_arena_size(mf) + 4u) != ANNE_OK ||
            anne_model_predict(mq, oq, x + r * mf->n_inputs, aq, anne_model_arena_size(mq) + 4u) != ANNE_OK) {
            rc = anne_error_set(err, "internal error: a model did not run");
            goto done;
        }
        for (k = 0; k < no; k++) {
            double d = fabs((double)of[k] - (double)oq[k]);
            if (d > e->max_err || d != d) e->max_err = d;
        }
        if (anne_output_class(of, no, 0.5f) == anne_output_class(oq, no, 0.5f)) e->agree++;
        if (e->classify) {
            anne_metrics_update_output(&m_f, y[r], of, no, 0.5f, NULL);
            anne_metrics_update_output(&m_q, y[r], oq, no, 0.5f, NULL);
        }
        if (e->y != NULL) {
            anne_regression_update(&r_f, e->y[r], (double)of[0]);
            anne_regression_update(&r_q, e->y[r], (double)oq[0]);
        }
    }
    anne_regression_scores_get(&r_f, &e->reg_f);
    anne_regression_scores_get(&r_q, &e->reg_q);
    if (e->classify) {
        e->acc_f = anne_metrics_accuracy(&m_f);
        e->acc_q = anne_metrics_accuracy(&m_q);
    }
done:
    free(of);
    free(af);
    free(aq);
    return rc;
}

static cJSON *anne__json_matrix(const uint32_t *c, uint16_t n) {
    cJSON *rows = cJSON_CreateArray();
    uint16_t i, j;
    for (i = 0; i < n; i++) {
        cJSON *row = cJSON_CreateArray();
        if (anne_cli_json_add(rows, NULL, row) != 0) return rows;
        for (j = 0; j < n; j++) anne_cli_json_add(row, NULL, cJSON_CreateNumber((double)c[i * n + j]));
    }
    return rows;
}

static void anne__print_matrix(const char *title, const uint32_t *c, uint16_t n) {
    uint16_t i, j;
    printf("  %s confusion matrix (rows: true class, columns: predicted):\n", title);
    for (i = 0; i < n; i++) {
        printf("   ");
        for (j = 0; j < n; j++) printf(" %6lu", (unsigned long)c[i * n + j]);
        printf("\n");
    }
}

static cJSON *anne__json_regression(const anne_regression_scores *s) {
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || anne_regression_json_add(o, s) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int anne__quant_report(const anne__quant_args *a, const anne_model *mf, const anne_model *mq,
                              const anne_quantize_info *info, const anne__quant_eval *e) {
    const char *fmt = strcmp(a->to, "q16") == 0 ? "q16" : "int8";
    const char *eval_path = a->eval ? a->eval : a->calib;
    if (a->json) {
        cJSON *doc = cJSON_CreateObject(), *ev = cJSON_CreateObject();
        int bad = 0;
        bad |= anne_cli_json_add(doc, "output", cJSON_CreateString(a->out));
        bad |= anne_cli_json_add(doc, "to", cJSON_CreateString(fmt));
        bad |= anne_cli_json_add(doc, "per_tensor", cJSON_CreateBool(a->per_tensor));
        bad |= anne_cli_json_add(doc, "weight_bytes_before", cJSON_CreateNumber((double)anne__weight_bytes(mf)));
        bad |= anne_cli_json_add(doc, "weight_bytes_after", cJSON_CreateNumber((double)anne__weight_bytes(mq)));
        bad |= anne_cli_json_add(doc, "file_bytes", cJSON_CreateNumber((double)mq->size));
        bad |= anne_cli_json_add(doc, "max_abs_activation", cJSON_CreateNumber(info->max_abs_activation));
        bad |= anne_cli_json_add(doc, "eval", ev);
        bad |= anne_cli_json_add(ev, "file", cJSON_CreateString(eval_path));
        bad |= anne_cli_json_add(ev, "rows", cJSON_CreateNumber((double)e->rows));
        if (!e->regression) bad |= anne_cli_json_add(ev, "same_class", cJSON_CreateNumber((double)e->agree));
        bad |= anne_cli_json_add(ev, "max_output_error", cJSON_CreateNumber(e->max_err));
        if (e->classify) {
            bad |= anne_cli_json_add(ev, "float_accuracy", cJSON_CreateNumber(e->acc_f));
            bad |= anne_cli_json_add(ev, "quantized_accuracy", cJSON_CreateNumber(e->acc_q));
            bad |= anne_cli_json_add(ev, "float_confusion", anne__json_matrix(e->conf_f, e->n_classes));
            bad |= anne_cli_json_add(ev, "quantized_confusion", anne__json_matrix(e->conf_q, e->n_classes));
        }
        if (e->y != NULL) {
            bad |= anne_cli_json_add(ev, "float", anne__json_regression(&e->reg_f));
            bad |= anne_cli_json_add(ev, "quantized", anne__json_regression(&e->reg_q));
        }
        if (bad) {
            cJSON_Delete(doc);
            return anne_cli_fail("quantize", "out of memory");
        }
        if (anne_cli_json_print("quantize", doc) != 0) return 1;
        return anne_cli_flush("quantize");
    }
    printf("wrote %s: %s%s, %lu file bytes\n", a->out, fmt,
           strcmp(fmt, "int8") != 0 ? ""
           : mq->n_ops > 0 ? (a->per_tensor ? " graph (per-tensor weights)" : " graph (per-channel weights)")
                           : (a->per_tensor ? " (per-tensor weights)" : " (per-unit weights)"),
           (unsigned long)mq->size);
    printf("weight bytes: %lu (f32) -> %lu (%s, quantization parameters included)\n", anne__weight_bytes(mf),
           anne__weight_bytes(mq), fmt);
    if (info->saturating_layers > 0) {
        printf("warning: %zu layer(s) reach |x| = %g on the calibration data, beyond Q16.16's 32768: they saturate\n",
               info->saturating_layers, info->max_abs_activation);
    }
    printf("evaluation on %s (%zu rows):\n", eval_path, e->rows);
    if (e->classify) {
        printf("  accuracy: float %.4f, %s %.4f\n", e->acc_f, fmt, e->acc_q);
        anne__print_matrix("float", e->conf_f, e->n_classes);
        anne__print_matrix(fmt, e->conf_q, e->n_classes);
    }
    if (e->y != NULL) {
        printf("  %-10s %14s %14s\n", "", "float", fmt);
        printf("  %-10s %14.9g %14.9g\n", "MAE", e->reg_f.mae, e->reg_q.mae);
        printf("  %-10s %14.9g %14.9g\n", "RMSE", e->reg_f.rmse, e->reg_q.rmse);
        printf("  %-10s %14.9g %14.9g\n", "R2", e->reg_f.r2, e->reg_q.r2);
        printf("  %-10s %14.9g %14.9g\n", "max error", e->reg_f.max_error, e->reg_q.max_error);
    }
    if (!e->regression) printf("  same predicted class: %zu of %zu rows\n", e->agree, e->rows);
    printf("  largest output difference: %.6g\n", e->max_err);
    return anne_cli_flush("quantize");
}

int anne_cmd_quantize(int argc, char **argv) {
    anne__quant_args a;
    anne_ir ir;
    anne_error err;
    anne_csv tc, te;
    anne_csv_labels labels;
    anne_quantize_opts opts;
    anne_quantize_info info;
    anne__quant_eval ev;
    anne_model mf, mq;
    unsigned char *fbytes = NULL, *qbytes = NULL;
    size_t fsize = 0, qsize = 0, label_col = ANNE_CSV_NO_COLUMN, eval_label = ANNE_CSV_NO_COLUMN;
    float *xc = NULL, *xe = NULL;
    double *targets = NULL;
    int rc = anne__quant_parse(argc, argv, &a);
    if (rc >= 0) return rc;
    memset(&tc, 0, sizeof tc);
    memset(&te, 0, sizeof te);
    memset(&labels, 0, sizeof labels);
    memset(&ev, 0, sizeof ev);
    if (anne_import(&ir, a.in, &err) != 0) return anne_cli_fail("quantize", err.msg);
    opts.to = strcmp(a.to, "q16") == 0 ? ANNE_DTYPE_Q16 : ANNE_DTYPE_S8;
    opts.per_tensor = a.per_tensor;
    rc = anne_names_apply(&ir, a.name, a.classes, &err);
    if (rc != 0) anne_error_prefix(&err, "%s", a.in);
    if (rc == 0) rc = anne_ir_serialize(&ir, &fbytes, &fsize, &err);
    if (rc == 0 && anne_model_load(&mf, fbytes, fsize) != ANNE_OK) {
        rc = anne_error_set(&err, "internal error: the float model does not load");
    }
    if (rc == 0) rc = anne__quant_rows(a.calib, (unsigned)a.csv_flags, a.label, a.eval == NULL, ir.n_inputs, &tc, &label_col, &xc, &err);
    if (rc == 0) {
        rc = anne_quantize(&ir, xc, tc.n_rows, &opts, &qbytes, &qsize, &info, &err);
        if (rc != 0 && ir.n_ops > 0) anne_error_prefix(&err, "%s", a.in); /* a graph's errors name the op */
    }
    if (rc == 0 && anne_model_load(&mq, qbytes, qsize) != ANNE_OK) {
        rc = anne_error_set(&err, "internal error: a written model does not load");
    }
    if (rc == 0) {
        rc = a.eval ? anne__quant_rows(a.eval, (unsigned)a.csv_flags, a.label, 1, ir.n_inputs, &te, &eval_label, &xe, &err) : 0;
        if (a.eval == NULL) eval_label = label_col;
    }
    ev.regression = rc == 0 && anne_cli_regression(&mf, a.task);
    if (rc == 0 && a.label != NULL && ev.regression) {
        const anne_csv *t = a.eval ? &te : &tc;
        if (eval_label == ANNE_CSV_NO_COLUMN) rc = anne_csv_find(t, a.label, &eval_label, &err);
        if (rc == 0 && mf.n_outputs != 1) {
            rc = anne_error_set(&err, "%s: regression scores one output against column \"%s\", but the model has %u "
                                      "outputs", a.in, a.label, (unsigned)mf.n_outputs);
        }
        if (rc == 0) rc = anne_cli_targets(t, eval_label, &targets, &err);
        ev.y = targets;
    } else if (rc == 0 && a.label != NULL) {
        const anne_csv *t = a.eval ? &te : &tc;
        const char **names = NULL;
        uint16_t c;
        ev.n_classes = mf.n_outputs == 1 ? 2u : mf.n_outputs;
        if (eval_label == ANNE_CSV_NO_COLUMN) {
            rc = anne_csv_find(t, a.label, &eval_label, &err); /* the error lists the columns */
        }
        if (rc == 0 && mf.n_classes != 0) {
            names = calloc(mf.n_classes, sizeof *names);
            if (names == NULL) rc = anne_error_set(&err, "out of memory");
            for (c = 0; rc == 0 && c < mf.n_classes; c++) names[c] = anne_model_class_name(&mf, c);
        }
        if (rc == 0) rc = anne_csv_labels_read(t, eval_label, ev.n_classes, names, &labels, &err);
        free(names);
        ev.classify = rc == 0;
        if (rc == 0) {
            ev.conf_f = calloc(2u * ev.n_classes * ev.n_classes, sizeof *ev.conf_f);
            if (ev.conf_f == NULL) rc = anne_error_set(&err, "out of memory");
            else ev.conf_q = ev.conf_f + (size_t)ev.n_classes * ev.n_classes;
        }
    }
    if (rc == 0) {
        rc = anne__quant_evaluate(&mf, &mq, a.eval ? xe : xc, a.eval ? te.n_rows : tc.n_rows, labels.y, &ev, &err);
    }
    if (rc == 0) rc = anne_file_write(a.out, qbytes, qsize, &err);
    if (rc == 0) rc = anne__quant_report(&a, &mf, &mq, &info, &ev);
    else rc = anne_cli_fail("quantize", err.msg);
    free(ev.conf_f);
    free(targets);
    anne_csv_labels_free(&labels);
    free(xc);
    free(xe);
    anne_csv_free(&tc);
    anne_csv_free(&te);
    free(fbytes);
    free(qbytes);
    anne_ir_free(&ir);
    return rc;
}
