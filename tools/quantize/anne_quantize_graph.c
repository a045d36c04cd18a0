/* The quantizer of graph models (anne_quantize_graph.h): the float graph with every activation that an
 * int8 op cannot keep split off, run over the calibration rows for each tensor's range, then each op
 * quantized by its kind's rule (anne_quantize_graph_ops.h), the arena planned at a byte a value and
 * the int8 graph written. */
#include "anne_quantize_graph.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_graph_trace.h"
#include "anne_ir_graph.h"
#include "anne_quantize_graph_ops.h"
#include "anne_quantize_math.h"

/* "op 3 'conv2d_1' (Conv2D)" into buf: op i (0-based) of ir, as messages name it. */
static const char *anne__op_label(const anne_ir *ir, size_t i, char *buf, size_t cap) {
    const anne_ir_op *op = &ir->ops[i];
    if (op->name != NULL && op->name[0] != '\0') {
        snprintf(buf, cap, "op %zu '%s' (%s)", i + 1u, op->name, anne_op_kind_name(op->kind));
    } else {
        snprintf(buf, cap, "op %zu (%s)", i + 1u, anne_op_kind_name(op->kind));
    }
    return buf;
}

/* Every op has an int8 rule that takes its inputs; else the first that has none, by name, kind and what
 * to do. */
static int anne__check_kinds(const anne_ir *ir, anne_error *err) {
    size_t i;
    char label[160], kinds[256];
    for (i = 0; i < ir->n_ops; i++) {
        const anne_ir_op *op = &ir->ops[i];
        const anne_qrule *rule = anne_qrule_find(op->kind);
        char why[128] = "";
        if (rule != NULL && op->n_inputs <= rule->max_inputs) continue;
        if (rule != NULL) {
            snprintf(why, sizeof why, " for %u inputs (at most %u)", (unsigned)op->n_inputs, rule->max_inputs);
        } else if (op->kind == ANNE_OP_CHANNEL_AFFINE) {
            snprintf(why, sizeof why, " (a BatchNormalization that could not be folded into the Dense or convolution "
                                      "before it)");
        }
        anne_quantize_graph_kinds(kinds, sizeof kinds);
        return anne_error_set(err, "%s: no int8 form in this version%s; int8 graphs hold %s",
                              anne__op_label(ir, i, label, sizeof label), why, kinds);
    }
    return 0;
}

static float *anne__dup(const float *a, size_t n) {
    float *d = a != NULL ? malloc(n * sizeof *d + 1u) : NULL;
    if (d != NULL) memcpy(d, a, n * sizeof *d);
    return d;
}

static char *anne__strdup(const char *s) {
    char *d = s != NULL ? malloc(strlen(s) + 1u) : NULL;
    if (d != NULL) strcpy(d, s);
    return d;
}

/* Copies op s of ir into g (its inputs renumbered by remap) and, with split, when its int8 kind cannot
 * keep its activation, appends that activation as an ACTIVATION op of its own (TFLite's converter does
 * the same: FULLY_CONNECTED then SOFTMAX), so that the calibration sees the tensor between them. *out:
 * the tensor of g that holds s's result. */
static int anne__copy_op(anne_ir *g, const anne_ir_op *s, const anne_ir_tensor *shape, const uint16_t *remap,
                         int split, uint16_t *out, anne_error *err) {
    uint16_t in[ANNE_MAX_OP_INPUTS];
    size_t k;
    anne_ir_op *d;
    split = split && !anne_qrule_keeps(anne_qrule_find(s->kind), s);
    for (k = 0; k < s->n_inputs; k++) in[k] = remap[s->inputs[k]];
    d = anne_ir_add_op(g, s->kind, s->n_inputs, in, shape, out, err);
    if (d == NULL) return -1;
    if (!split) {
        d->activation = s->activation;
        memcpy(d->param, s->param, sizeof d->param);
    }
    memcpy(d->attr, s->attr, sizeof d->attr);
    d->kernel_n = s->kernel_n;
    d->bias_n = s->bias_n;
    d->kernel = anne__dup(s->kernel, s->kernel_n);
    d->bias = anne__dup(s->bias, s->bias_n);
    d->name = anne__strdup(s->name);
    if ((s->kernel != NULL && d->kernel == NULL) || (s->bias != NULL && d->bias == NULL) ||
        (s->name != NULL && d->name == NULL)) {
        return anne_error_set(err, "out of memory");
    }
    if (!split) return 0;
    d = anne_ir_add_op(g, ANNE_OP_ACTIVATION, 1, out, shape, out, err);
    if (d == NULL) return -1;
    d->activation = s->activation;
    memcpy(d->param, s->param, sizeof d->param);
    d->name = anne__strdup(s->name);
    return s->name != NULL && d->name == NULL ? anne_error_set(err, "out of memory") : 0;
}

/* g: a copy of ir, with split its activations split off (anne__copy_op); origin[j] is the op of ir that
 * op j of g comes from (room for 2 n_ops). g borrows ir's name, scaling and classes: free it with
 * anne_ir_graph_free(). */
static int anne__copy(const anne_ir *ir, anne_ir *g, int split, size_t *origin, anne_error *err) {
    size_t i, k, n = anne_ir_n_tensors(ir);
    uint16_t *remap = malloc(n * sizeof *remap);
    int rc = 0;
    anne_ir_init(g);
    if (remap == NULL) return anne_error_set(err, "out of memory");
    for (k = 0; k < ir->n_input_tensors && rc == 0; k++) {
        size_t dims[ANNE_MAX_RANK], d;
        for (d = 0; d < ANNE_MAX_RANK; d++) dims[d] = ir->tensors[k].dims[d];
        rc = k == 0 ? anne_ir_graph_start(g, ir->tensors[k].rank, dims, err)
                    : anne_ir_graph_add_input(g, ir->tensors[k].rank, dims, err);
        remap[k] = (uint16_t)k;
    }
    for (i = 0; i < ir->n_ops && rc == 0; i++) {
        size_t before = g->n_ops, j;
        rc = anne__copy_op(g, &ir->ops[i], &ir->tensors[anne_ir_op_output(ir, i)], remap, split,
                           &remap[anne_ir_op_output(ir, i)], err);
        for (j = before; j < g->n_ops; j++) origin[j] = i;
    }
    g->n_output_tensors = ir->n_output_tensors;
    for (k = 0; k < ir->n_output_tensors; k++) g->outputs[k] = remap[ir->outputs[k]];
    free(remap);
    g->name = ir->name;
    g->scaling = ir->scaling;
    g->scale_a = ir->scale_a;
    g->scale_b = ir->scale_b;
    g->n_classes = ir->n_classes;
    g->class_names = ir->class_names;
    return rc;
}

/* Runs the float graph g (split from ir, origin as anne__copy gives it) over the calibration rows,
 * every tensor in a place of its own, and records each tensor's range (an input's after the model's
 * scaling, as the int8 model quantizes it). */
static int anne__calibrate(const anne_ir *ir, const anne_ir *g, const size_t *origin, const float *calib,
                           size_t n_rows, double *lo, double *hi, anne_error *err) {
    size_t n = anne_ir_n_tensors(g), r, i, k;
    unsigned char *bytes = NULL;
    size_t size = 0;
    anne_model m;
    anne_graph_trace t;
    float *out = malloc((anne_ir_output_values(g) + 1u) * sizeof *out);
    char label[160];
    int rc = out == NULL ? anne_error_set(err, "out of memory") : anne_ir_graph_serialize(g, &bytes, &size, err);
    memset(&t, 0, sizeof t);
    if (rc == 0 && anne_model_load(&m, bytes, size) != ANNE_OK) {
        rc = anne_error_set(err, "internal error: the float graph does not load");
    }
    if (rc == 0) rc = anne_graph_trace_open(&t, &m, err);
    for (i = 0; i < n; i++) {
        lo[i] = DBL_MAX;
        hi[i] = -DBL_MAX;
    }
    for (r = 0; r < n_rows && rc == 0; r++) {
        rc = anne_graph_trace_run(&t, out, calib + r * g->n_inputs, err);
        for (i = 0; i < n && rc == 0; i++) {
            anne_tensor shape;
            const float *v = anne_graph_trace_values(&t, (uint16_t)i, &shape);
            size_t values = anne_ir_tensor_values(&g->tensors[i]);
            for (k = 0; k < values; k++) {
                if (!isfinite(v[k])) {
                    rc = i < g->n_input_tensors
                             ? anne_error_set(err, "calibration row %zu: input value %zu is %g after the model's "
                                                   "scaling", r + 1u, k + 1u, (double)v[k])
                             : anne_error_set(err, "calibration row %zu: %s gives %g", r + 1u,
                                              anne__op_label(ir, origin[i - g->n_input_tensors], label, sizeof label),
                                              (double)v[k]);
                    break;
                }
                if ((double)v[k] < lo[i]) lo[i] = (double)v[k];
                if ((double)v[k] > hi[i]) hi[i] = (double)v[k];
            }
        }
    }
    anne_graph_trace_close(&t);
    free(bytes);
    free(out);
    return rc;
}

/* The int8 tensors and ops of g: shapes, inputs' quantization from their range, then each op by its
 * rule in order (a rule reads its inputs' quantization, set before). */
static int anne__build(anne_qgraph *q, const anne_ir *g, const anne_ir *ir, const size_t *origin, anne_error *err) {
    size_t i, n = anne_ir_n_tensors(g);
    char label[160];
    for (i = 0; i < n; i++) {
        q->t[i].dtype = ANNE_DTYPE_S8;
        q->t[i].rank = g->tensors[i].rank;
        memcpy(q->t[i].dims, g->tensors[i].dims, sizeof q->t[i].dims);
        if (i < g->n_input_tensors) anne_choose_qparams(q->lo[i], q->hi[i], &q->t[i].scale, &q->t[i].zero_point);
    }
    for (i = 0; i < g->n_ops; i++) {
        const anne_ir_op *op = &g->ops[i];
        anne_op *d = &q->ops[i];
        d->kind = op->kind;
        d->activation = op->activation;
        memcpy(d->param, op->param, sizeof d->param);
        d->n_inputs = op->n_inputs;
        memcpy(d->inputs, op->inputs, sizeof d->inputs);
        d->output = (uint16_t)anne_ir_op_output(g, i);
        memcpy(d->attr, op->attr, sizeof d->attr);
        if (anne_qrule_find(op->kind)->prepare(q, i, err) != 0) {
            return anne_error_prefix(err, "%s", anne__op_label(ir, origin[i], label, sizeof label));
        }
    }
    return 0;
}

int anne_quantize_graph(const anne_ir *src, const float *calib, size_t n_rows, const anne_quantize_opts *opts,
                        unsigned char **bytes, size_t *size, anne_quantize_info *info, anne_error *err) {
    anne_ir f, g, *ir = &f; /* f: src with BatchNormalization folded; g: f with activations split off */
    anne_qgraph q;
    anne_graph_desc d;
    uint16_t outputs[ANNE_MAX_MODEL_IO];
    size_t *origin = NULL, n, i;
    double *range = NULL;
    uint32_t *offsets = NULL, arena = 0;
    int rc;
    *bytes = NULL;
    *size = 0;
    memset(info, 0, sizeof *info);
    memset(&q, 0, sizeof q);
    anne_ir_init(&f);
    anne_ir_init(&g);
    if (opts->to != ANNE_DTYPE_S8) {
        return anne_error_set(err, "a graph model quantizes to int8 only (format 2.2); Q16.16 is for dense chains");
    }
    if (n_rows == 0) return anne_error_set(err, "no calibration rows");
    origin = malloc((2u * src->n_ops + 1u) * sizeof *origin);
    /* the importers' passes again (a graph written by hand, in ANNE JSON, may not have had them): a
     * BatchNormalization after a Dense or a convolution folded into it, as TFLite's converter does */
    rc = origin == NULL ? anne_error_set(err, "out of memory") : anne__copy(src, &f, 0, origin, err);
    if (rc == 0) rc = anne_ir_graph_simplify(&f, err);
    if (rc == 0) rc = anne__check_kinds(&f, err);
    if (rc == 0) rc = anne__copy(&f, &g, 1, origin, err);
    n = anne_ir_n_tensors(&g);
    if (rc == 0) {
        range = malloc(2u * n * sizeof *range);
        offsets = calloc(n, sizeof *offsets);
        q.t = calloc(n, sizeof *q.t);
        q.ops = calloc(g.n_ops + 1u, sizeof *q.ops);
        if (range == NULL || offsets == NULL || q.t == NULL || q.ops == NULL) rc = anne_error_set(err, "out of memory");
    }
    if (rc == 0) rc = anne__calibrate(ir, &g, origin, calib, n_rows, range, range + n, err);
    for (i = 0; rc == 0 && i < n; i++) {
        double m = fmax(fabs(range[i]), fabs(range[n + i]));
        if (m > info->max_abs_activation) info->max_abs_activation = m;
    }
    q.ir = &g;
    q.lo = range;
    q.hi = range + n;
    q.per_tensor = opts->per_tensor;
    if (rc == 0) rc = anne__build(&q, &g, ir, origin, err);
    if (rc == 0) rc = anne_ir_graph_plan(&g, 1u, offsets, NULL, &arena, err);
    if (rc == 0) {
        for (i = 0; i < n; i++) q.t[i].offset = offsets[i];
        anne_ir_graph_desc(&g, q.t, q.ops, outputs, &d);
        d.arena_bytes = arena;
        rc = anne_ir_graph_write_desc(&d, bytes, size, err);
    }
    anne_qgraph_free(&q);
    free(q.t);
    free(q.ops);
    free(offsets);
    free(range);
    free(origin);
    anne_ir_graph_free(&g);
    anne_ir_graph_free(&f);
    return rc;
}
