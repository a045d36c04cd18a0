/* The graph quantizer's op table (anne_quantize_graph_ops.h): each int8 kind's output quantization and
 * int8 arrays, by TFLite's post-training rules, with the multipliers TFLite's Prepare functions derive
 * (anne_quantize_ops.h: the same functions the .tflite importer uses). */
#include "anne_quantize_graph_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "anne_ir_graph.h"
#include "anne_quantize.h"
#include "anne_quantize_graph.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"

/* A zeroed array that op records point to, kept until anne_qgraph_free(); NULL when out of memory. */
static void *anne__keep(anne_qgraph *g, size_t bytes) {
    return anne_quantize_keep_alloc(&g->keep, bytes);
}

void anne_qgraph_free(anne_qgraph *g) {
    anne_quantize_keep_free(&g->keep);
}

static uint32_t anne__values(const anne_tensor *t) {
    uint32_t n = 1, k;
    for (k = 0; k < t->rank; k++) n *= t->dims[k];
    return n;
}

static uint32_t anne__channels(const anne_tensor *t) {
    return t->dims[t->rank - 1u];
}

/* The output's quantization from its calibration range: TFLite's ChooseQuantizationParams (the range
 * widened to include 0, the zero point nudged onto an integer). */
static void anne__from_range(anne_qgraph *g, uint16_t t) {
    anne_choose_qparams(g->lo[t], g->hi[t], &g->t[t].scale, &g->t[t].zero_point);
}

/* The output has the input's quantization: an op that moves values without arithmetic (TFLite's rule
 * for pooling and reshaping: nothing is requantized). */
static void anne__same_as_input(anne_qgraph *g, size_t i) {
    const anne_op *q = &g->ops[i];
    g->t[q->output].scale = g->t[q->inputs[0]].scale;
    g->t[q->output].zero_point = g->t[q->inputs[0]].zero_point;
}

/* act_min, act_max of op i's output: its fused relu's clamp, or the whole int8 range. */
static int anne__clamp(const anne_qgraph *g, size_t i, int32_t clamp[2], anne_error *err) {
    const anne_ir_op *op = &g->ir->ops[i];
    const anne_tensor *y = &g->t[g->ops[i].output];
    clamp[0] = -128;
    clamp[1] = 127;
    if (op->activation != ANNE_ACT_RELU) return 0;
    return anne_s8_relu_clamp(y->scale, y->zero_point, op->param[1], &clamp[0], &clamp[1], err);
}

/* The output channel of kernel value k (n values, c channels): the last axis of a depthwise kernel, the
 * first of the others. */
static uint32_t anne__channel_of(anne_op_kind kind, uint32_t k, uint32_t n, uint32_t c) {
    return kind == ANNE_OP_DEPTHWISE_CONV2D ? k % c : k / (n / c);
}

void anne_quantize_weight_scales(const anne_ir_op *op, uint32_t channels, int per_tensor, float *scale) {
    uint32_t c, per = op->kernel_n / channels;
    for (c = 0; c < channels; c++) {
        if (per_tensor) {
            scale[c] = c == 0 ? anne_symmetric_scale(op->kernel, op->kernel_n) : scale[0];
        } else if (op->kind == ANNE_OP_DEPTHWISE_CONV2D) {
            scale[c] = anne_symmetric_scale_strided(op->kernel + c, per, channels);
        } else {
            scale[c] = anne_symmetric_scale(op->kernel + (size_t)c * per, per);
        }
    }
}

/* Dense, Conv2D, DepthwiseConv2D: output from its range, weights int8 per channel (round(w / scale),
 * -127 .. 127), bias int32 at in_scale * w_scale[c], aux = clamp, then multiplier[c], shift[c]. */
static int anne__prepare_weighted(anne_qgraph *g, size_t i, anne_error *err) {
    const anne_ir_op *op = &g->ir->ops[i];
    anne_op *q = &g->ops[i];
    const anne_tensor *x = &g->t[q->inputs[0]], *y = &g->t[q->output];
    const uint32_t c = anne__channels(y), n = op->kernel_n, taps = n / c;
    float *w_scale = malloc(c * sizeof *w_scale);
    int8_t *kernel = anne__keep(g, n);
    int32_t *aux = anne__keep(g, (2u + 2u * c) * sizeof *aux), *bias = NULL;
    uint32_t k, bad;
    int rc = -1;
    if (w_scale == NULL || kernel == NULL || aux == NULL) {
        anne_error_set(err, "out of memory");
        goto done;
    }
    if (taps > 0x7FFFFFFFu / (127u * 255u)) {
        anne_error_set(err, "each output sums %u products; the int32 accumulator holds at most %u", taps,
                       0x7FFFFFFFu / (127u * 255u));
        goto done;
    }
    anne__from_range(g, q->output);
    anne_quantize_weight_scales(op, c, g->per_tensor, w_scale);
    for (k = 0; k < n; k++) kernel[k] = anne_quantize_weight(op->kernel[k], w_scale[anne__channel_of(op->kind, k, n, c)]);
    if (op->bias != NULL) {
        /* the loader's bound: bias plus every product stays within int32 whatever the input */
        const double limit = 2147483647.0 - (double)taps * 127.0 * 255.0;
        bias = anne__keep(g, c * sizeof *bias);
        if (bias == NULL) {
            anne_error_set(err, "out of memory");
            goto done;
        }
        for (k = 0; k < c; k++) {
            double v = round((double)op->bias[k] / ((double)x->scale * (double)w_scale[k]));
            if (!(fabs(v) <= limit)) {
                anne_error_set(err, "channel %u: bias %.9g is %.17g steps of in_scale x w_scale = %.9g x %.9g; an int8 op "
                               "holds at most %.17g", k + 1u, (double)op->bias[k], v, (double)x->scale,
                               (double)w_scale[k], limit);
                goto done;
            }
            bias[k] = (int32_t)v;
        }
    }
    if (anne__clamp(g, i, aux, err) != 0) goto done;
    bad = anne_s8_channel_multipliers(x->scale, w_scale, c, y->scale, aux + 2, aux + 2 + c);
    if (bad != 0) {
        anne_error_set(err, "channel %u: in_scale x w_scale / out_scale = %.9g x %.9g / %.9g is 2^30 or more (the "
                       "calibration range of the output is too narrow)", bad, (double)x->scale,
                       (double)w_scale[bad - 1u], (double)y->scale);
        goto done;
    }
    q->kernel = kernel;
    q->kernel_size = n;
    q->bias = bias;
    q->bias_size = bias != NULL ? c * (uint32_t)sizeof *bias : 0u;
    q->aux = aux;
    q->aux_size = (2u + 2u * c) * (uint32_t)sizeof *aux;
    rc = 0;
done:
    free(w_scale);
    return rc;
}

/* MaxPool2D, AvgPool2D: the input's quantization, aux = the clamp. */
static int anne__prepare_pool(anne_qgraph *g, size_t i, anne_error *err) {
    int32_t *aux = anne__keep(g, 2u * sizeof *aux);
    if (aux == NULL) return anne_error_set(err, "out of memory");
    anne__same_as_input(g, i);
    if (anne__clamp(g, i, aux, err) != 0) return -1;
    g->ops[i].aux = aux;
    g->ops[i].aux_size = 2u * (uint32_t)sizeof *aux;
    return 0;
}

/* GlobalAvgPool (TFLite's MEAN over the positions): output from its range, aux = multiplier, shift. */
static int anne__prepare_mean(anne_qgraph *g, size_t i, anne_error *err) {
    anne_op *q = &g->ops[i];
    const anne_tensor *x = &g->t[q->inputs[0]], *y = &g->t[q->output];
    int32_t *aux = anne__keep(g, 2u * sizeof *aux);
    anne_s8_mean_params p;
    if (aux == NULL) return anne_error_set(err, "out of memory");
    anne__from_range(g, q->output);
    if (anne_s8_mean_prepare(x->scale, x->zero_point, y->scale, y->zero_point, anne__values(x) / anne__channels(x), &p,
                             err) != 0) {
        return -1;
    }
    aux[0] = p.multiplier;
    aux[1] = p.shift;
    q->aux = aux;
    q->aux_size = 2u * (uint32_t)sizeof *aux;
    return 0;
}

/* Reshape: the same bytes, the same quantization. */
static int anne__prepare_same(anne_qgraph *g, size_t i, anne_error *err) {
    (void)err;
    anne__same_as_input(g, i);
    return 0;
}

/* Activation: softmax with TFLite's fixed output (1/256, -128) and its exp table of the input scale;
 * any other elementwise activation as a 256-entry table, its output fixed as TFLite's for sigmoid
 * (1/256, -128) and tanh (1/128, 0), else from its range. A linear one is a reshape to the same shape. */
static int anne__prepare_activation(anne_qgraph *g, size_t i, anne_error *err) {
    anne_op *q = &g->ops[i];
    const anne_tensor *x = &g->t[q->inputs[0]];
    anne_tensor *y = &g->t[q->output];
    unsigned char *aux;
    if (q->activation == ANNE_ACT_LINEAR) {
        q->kind = ANNE_OP_RESHAPE;
        return anne__prepare_same(g, i, err);
    }
    aux = anne__keep(g, q->activation == ANNE_ACT_SOFTMAX ? 512u : 256u);
    if (aux == NULL) return anne_error_set(err, "out of memory");
    if (q->activation == ANNE_ACT_SOFTMAX || q->activation == ANNE_ACT_SIGMOID) {
        y->scale = 1.0f / 256.0f;
        y->zero_point = -128;
    } else if (q->activation == ANNE_ACT_TANH) {
        y->scale = 1.0f / 128.0f;
        y->zero_point = 0;
    } else {
        anne__from_range(g, q->output);
    }
    if (q->activation == ANNE_ACT_SOFTMAX) {
        anne_quantize_s8_exp_table(aux, x->scale);
        q->aux_size = 512u;
    } else {
        anne_quantize_s8_lut(aux, q->activation, q->param, x->scale, x->zero_point, y->scale, y->zero_point);
        q->aux_size = 256u;
    }
    q->aux = aux;
    return 0;
}

/* Add, Subtract, Multiply of 2 inputs, broadcasting as the float graph does: the output from its range
 * (TFLite's rule), aux = the clamp, then the integers of TFLite's Prepare (anne_s8_merge_aux). */
static int anne__prepare_merge(anne_qgraph *g, size_t i, anne_error *err) {
    anne_op *q = &g->ops[i];
    int32_t *aux = anne__keep(g, 9u * sizeof *aux);
    if (aux == NULL) return anne_error_set(err, "out of memory");
    anne__from_range(g, q->output);
    if (anne__clamp(g, i, aux, err) != 0 ||
        anne_s8_merge_aux(q->kind, &g->t[q->inputs[0]], &g->t[q->inputs[1]], &g->t[q->output], aux, &q->aux_size,
                          err) != 0) {
        return -1;
    }
    q->aux = aux;
    return 0;
}

/* Concatenate: one range over all the inputs, the output's (its values are theirs), as TFLite's
 * converter gives it; an input quantized otherwise goes through a table into the output's quantization
 * (the REQUANTIZE TFLite's converter puts before it), an input quantized alike is copied. */
static int anne__prepare_concat(anne_qgraph *g, size_t i, anne_error *err) {
    anne_op *q = &g->ops[i];
    const anne_tensor *x[ANNE_MAX_OP_INPUTS];
    unsigned char *aux = anne__keep(g, 4u + 256u * q->n_inputs);
    uint8_t k;
    if (aux == NULL) return anne_error_set(err, "out of memory");
    anne__from_range(g, q->output);
    for (k = 0; k < q->n_inputs; k++) x[k] = &g->t[q->inputs[k]];
    if (anne_s8_concat_aux(x, q->n_inputs, &g->t[q->output], aux, &q->aux_size, err) != 0) return -1;
    q->aux = aux;
    return 0;
}

/* The kinds format 2.2 runs in int8. ZeroPadding keeps its input's quantization (TFLite's PAD: the
 * padding is the zero point, which is the real 0 exactly, every range including 0). */
static const anne_qrule anne__rules[] = {
    {ANNE_OP_DENSE, 1, 1, anne__prepare_weighted},
    {ANNE_OP_CONV2D, 1, 1, anne__prepare_weighted},
    {ANNE_OP_DEPTHWISE_CONV2D, 1, 1, anne__prepare_weighted},
    {ANNE_OP_MAX_POOL2D, 1, 1, anne__prepare_pool},
    {ANNE_OP_AVG_POOL2D, 1, 1, anne__prepare_pool},
    {ANNE_OP_GLOBAL_AVG_POOL, 0, 1, anne__prepare_mean},
    {ANNE_OP_RESHAPE, 0, 1, anne__prepare_same},
    {ANNE_OP_ZERO_PAD2D, 0, 1, anne__prepare_same},
    {ANNE_OP_ADD, 1, 2, anne__prepare_merge},
    {ANNE_OP_SUBTRACT, 1, 2, anne__prepare_merge},
    {ANNE_OP_MULTIPLY, 1, 2, anne__prepare_merge},
    {ANNE_OP_CONCAT, 0, ANNE_MAX_OP_INPUTS, anne__prepare_concat},
    {ANNE_OP_ACTIVATION, 0, 1, anne__prepare_activation},
};

void anne_quantize_graph_kinds(char *buf, size_t cap) {
    size_t k, n = sizeof anne__rules / sizeof anne__rules[0], at = 0;
    buf[0] = '\0';
    for (k = 0; k < n && at < cap; k++) {
        at += (size_t)snprintf(buf + at, cap - at, "%s%s", k == 0 ? "" : k + 1u == n ? " and " : ", ",
                               anne_op_kind_name(anne__rules[k].kind));
    }
}

const anne_qrule *anne_qrule_find(anne_op_kind kind) {
    size_t k;
    for (k = 0; k < sizeof anne__rules / sizeof anne__rules[0]; k++) {
        if (anne__rules[k].kind == kind) return &anne__rules[k];
    }
    return NULL;
}

int anne_qrule_keeps(const anne_qrule *rule, const anne_ir_op *op) {
    if (rule->kind == ANNE_OP_ACTIVATION || op->activation == ANNE_ACT_LINEAR) return 1;
    /* relu without slope or threshold (the loader reads their words as 0) and a positive top, if any */
    return rule->keeps_relu && op->activation == ANNE_ACT_RELU && op->param[0] == 0.0f && !signbit(op->param[0]) &&
           op->param[2] == 0.0f && !signbit(op->param[2]) && op->param[1] > 0.0f;
}
