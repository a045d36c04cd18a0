/* anne quantize for graph models (tools/quantize/anne_quantize_graph.h) on a small CNN built here:
 * (8, 8, 2) -> Conv2D 3x3 valid, 4 filters, relu -> MaxPool2D 2x2 -> Reshape (36) -> Dense 5 with softmax,
 * 12 calibration rows. The int8 model must hold, against this file's own double arithmetic:
 *  - every tensor's scale and zero point by TFLite's ChooseQuantizationParams from the range the float
 *    model gives on the calibration rows (pooling and reshaping: their input's, bit for bit; the Dense's
 *    output before the softmax, split off into an op of its own, from its range computed here in double;
 *    softmax 1/256 and -128);
 *  - weights round(w / s_c), s_c = max |w| / 127 per output channel; biases round(b / (s_in s_c));
 *    TFLite's QuantizeMultiplier of s_in s_c / s_out (written here with frexp); relu's clamp;
 *  - on every row, each tensor dequantized within the error bound derived below from the scales.
 * Refusals: an op with no int8 form (by position and kind), Q16.16 for a graph. The merges and the
 * padding: tests/test_quantize_graph_merges.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_graph_trace.h"
#include "anne_ir_graph.h"
#include "anne_quantize.h"
#include "anne_quantize_graph.h"
#include "test_qgraph_fixture.h"
#include "test_qparams_ref.h"

#define ROWS 12
#define N_IN 128   /* (8, 8, 2) */
#define CO 4       /* conv filters */
#define TAPS 18    /* 3 x 3 x 2 products a conv output sums */
#define N_FLAT 36  /* (3, 3, 4) */
#define N_OUT 5

static anne_ir_op *add(anne_ir *ir, anne_op_kind kind, uint16_t in, uint8_t rank, uint16_t d0, uint16_t d1,
                       uint16_t d2, uint16_t *out) {
    anne_ir_tensor t = {rank, {d0, d1, d2, 1}};
    anne_error err;
    anne_ir_op *op = anne_ir_add_op(ir, kind, 1, &in, &t, out, &err);
    assert_non_null(op);
    return op;
}

/* The CNN; each conv filter and Dense unit at its own magnitude, so that per-channel scales differ. */
static void build(anne_ir *ir) {
    const size_t dims[3] = {8, 8, 2};
    const uint16_t win3[8] = {3, 3, 1, 1, 1, 1, 0, 0}, win2[8] = {2, 2, 2, 2, 1, 1, 0, 0};
    uint64_t s = 42;
    uint16_t t;
    anne_error err;
    anne_ir_op *op;
    size_t k;
    anne_ir_init(ir);
    assert_int_equal(anne_ir_graph_start(ir, 3, dims, &err), 0);
    op = add(ir, ANNE_OP_CONV2D, 0, 3, 6, 6, CO, &t);
    op->kernel = values(&s, CO * TAPS, -0.5, 0.5);
    op->kernel_n = CO * TAPS;
    for (k = 0; k < CO * TAPS; k++) op->kernel[k] *= (float)(k / TAPS + 1) / 4.0f;
    op->bias = values(&s, CO, -0.2, 0.2);
    op->bias_n = CO;
    memcpy(op->attr, win3, sizeof win3);
    op->activation = ANNE_ACT_RELU;
    anne_ir_default_params(ANNE_ACT_RELU, op->param);
    op = add(ir, ANNE_OP_MAX_POOL2D, t, 3, 3, 3, CO, &t);
    memcpy(op->attr, win2, sizeof win2);
    op = add(ir, ANNE_OP_RESHAPE, t, 1, N_FLAT, 1, 1, &t);
    op = add(ir, ANNE_OP_DENSE, t, 1, N_OUT, 1, 1, &t);
    op->kernel = values(&s, N_OUT * N_FLAT, -0.6, 0.6);
    op->kernel_n = N_OUT * N_FLAT;
    for (k = 0; k < N_OUT * N_FLAT; k++) op->kernel[k] *= (float)(k / N_FLAT + 2) / 6.0f;
    op->bias = values(&s, N_OUT, -0.3, 0.3);
    op->bias_n = N_OUT;
    op->activation = ANNE_ACT_SOFTMAX;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    uint64_t s = 7;
    size_t r;
    assert_non_null(f);
    build(&f->ir);
    f->rows = values(&s, ROWS * N_IN, -1.0, 1.0);
    f->n_rows = ROWS;
    for (r = 0; r < N_IN; r++) f->rows[r] *= 2.0f; /* a wider first row: the input range is its */
    fixture_load(f);
    *state = f;
    return 0;
}

/* Every tensor's range over the rows: the float model's (tensors 0 .. 3, traced: the values the
 * quantizer saw), the Dense's output before the softmax here in double from the traced Reshape. */
static void ranges(const fixture *f, double lo[6], double hi[6]) {
    anne_graph_trace t;
    anne_error err;
    anne_tensor shape;
    float out[N_OUT];
    const anne_ir_op *dense = &f->ir.ops[3];
    size_t r, i, k, j;
    assert_int_equal(anne_graph_trace_open(&t, &f->mf, &err), 0);
    for (i = 0; i < 6; i++) lo[i] = 1e300, hi[i] = -1e300;
    for (r = 0; r < ROWS; r++) {
        const float *v;
        assert_int_equal(anne_graph_trace_run(&t, out, f->rows + r * N_IN, &err), 0);
        for (i = 0; i < 4; i++) {
            v = anne_graph_trace_values(&t, (uint16_t)i, &shape);
            for (k = 0; k < (size_t)shape.dims[0] * shape.dims[1] * shape.dims[2]; k++) {
                lo[i] = fmin(lo[i], (double)v[k]);
                hi[i] = fmax(hi[i], (double)v[k]);
            }
        }
        v = anne_graph_trace_values(&t, 3, &shape);
        for (j = 0; j < N_OUT; j++) {
            double z = (double)dense->bias[j];
            for (k = 0; k < N_FLAT; k++) z += (double)dense->kernel[j * N_FLAT + k] * (double)v[k];
            lo[4] = fmin(lo[4], z);
            hi[4] = fmax(hi[4], z);
        }
    }
    anne_graph_trace_close(&t);
}

static void test_structure_and_scales(void **state) {
    fixture *f = *state;
    static const anne_op_kind kinds[5] = {ANNE_OP_CONV2D, ANNE_OP_MAX_POOL2D, ANNE_OP_RESHAPE, ANNE_OP_DENSE,
                                          ANNE_OP_ACTIVATION};
    double lo[6], hi[6];
    anne_tensor t[6];
    uint16_t i;
    /* the softmax split off the Dense: one more op and tensor than the float model */
    assert_int_equal(f->mq.n_ops, 5);
    assert_int_equal(f->mq.n_tensors, 6);
    for (i = 0; i < 5; i++) {
        anne_op op;
        assert_int_equal(anne_model_op(&f->mq, i, &op), ANNE_OK);
        assert_int_equal(op.kind, kinds[i]);
    }
    for (i = 0; i < 6; i++) assert_int_equal(anne_model_tensor(&f->mq, i, &t[i]), ANNE_OK);
    ranges(f, lo, hi);
    for (i = 0; i < 5; i++) {
        float s;
        int32_t z;
        if (i == 2 || i == 3) continue; /* pooling and reshaping: checked below */
        ref_qparams(lo[i], hi[i], &s, &z);
        print_message("tensor %u: range [%.6g, %.6g] -> scale %.9g (expected %.9g), zero point %d (%d)\n", i, lo[i],
                      hi[i], (double)t[i].scale, (double)s, t[i].zero_point, z);
        assert_int_equal(t[i].zero_point, z);
        if (i < 4) {
            assert_true(t[i].scale == s); /* the same float ranges: the same bits */
        } else {
            /* the Dense output's range here in double, the quantizer's from the float kernel */
            assert_true(fabs((double)t[i].scale - (double)s) <= 1e-6 * (double)s);
        }
    }
    for (i = 2; i <= 3; i++) {
        assert_memory_equal(&t[i].scale, &t[1].scale, sizeof t[i].scale);
        assert_int_equal(t[i].zero_point, t[1].zero_point);
    }
    assert_true(t[5].scale == 1.0f / 256.0f);
    assert_int_equal(t[5].zero_point, -128);
}

/* Op i's (weighted) int8 arrays against round(w / s_c), round(b / (s_in s_c)) and QuantizeMultiplier;
 * the clamp of relu (act_min the output zero point) or none. */
static void check_weighted(const fixture *f, uint16_t i, const anne_ir_op *src, uint32_t c, int relu) {
    anne_op op;
    anne_tensor x, y;
    const int8_t *k8;
    const int32_t *b32, *aux;
    uint32_t per = src->kernel_n / c, j, k;
    assert_int_equal(anne_model_op(&f->mq, i, &op), ANNE_OK);
    assert_int_equal(anne_model_tensor(&f->mq, op.inputs[0], &x), ANNE_OK);
    assert_int_equal(anne_model_tensor(&f->mq, op.output, &y), ANNE_OK);
    assert_int_equal(op.kernel_size, src->kernel_n);
    assert_int_equal(op.bias_size, 4u * c);
    assert_int_equal(op.aux_size, 4u * (2u + 2u * c));
    k8 = op.kernel;
    b32 = op.bias;
    aux = op.aux;
    assert_int_equal(aux[0], relu ? y.zero_point : -128);
    assert_int_equal(aux[1], 127);
    for (j = 0; j < c; j++) {
        float m = 0.0f, s;
        int32_t mult, shift;
        for (k = 0; k < per; k++) m = fmaxf(m, fabsf(src->kernel[j * per + k]));
        s = m / 127.0f;
        for (k = 0; k < per; k++) {
            assert_int_equal(k8[j * per + k], (int)round((double)src->kernel[j * per + k] / (double)s));
        }
        assert_int_equal(b32[j], (int32_t)round((double)src->bias[j] / ((double)x.scale * (double)s)));
        ref_multiplier((double)x.scale * (double)s / (double)y.scale, &mult, &shift);
        assert_int_equal(aux[2 + j], mult);
        assert_int_equal(aux[2 + c + j], shift);
    }
}

static void test_weights(void **state) {
    fixture *f = *state;
    check_weighted(f, 0, &f->ir.ops[0], CO, 1);
    check_weighted(f, 3, &f->ir.ops[3], N_OUT, 0);
}

/* The error of one output of a weighted op, bounded from the values of the row: with the real output
 * y = sum w x + b of the float model's input x, the int8 op computes s_in s_c (sum q_w (q_x - zp) + q_b)
 * = sum w~ x~ + b~, where w~ = s_c q_w (|w~ - w| <= s_c / 2), x~ is the int8 model's input dequantized
 * and b~ = s_in s_c q_b (|b~ - b| <= s_in s_c / 2), so
 *   |acc - y| <= sum |w~| |x~ - x| + (s_c / 2) sum |x| + s_in s_c / 2;
 * then it requantizes: TFLite's rounding doubling high multiply (half a unit of 2^-r steps) and its
 * rounding right shift by r = -shift (half a step), so (0.5 + 0.5 2^-r) s_out more; the multiplier's
 * relative error (2^-31 of at most 2^8 steps) and the float model's own rounding are in the 1e-5. relu
 * and the clamp at the range's ends never add (a clamp moves a value toward the true one: these rows are
 * the calibration rows, whose values are inside the range, or within half a step of its nudged end).
 * taps: n products, input k at x[at[k]]; q: the channel's n int8 weights. */
static double weighted_bound(const int8_t *q, double s_c, const float *x, const float *x8,
                             const uint32_t *at, uint32_t n, double s_in, double s_out, int32_t shift) {
    double e = 0.0, sum_x = 0.0;
    uint32_t k;
    for (k = 0; k < n; k++) {
        e += fabs(s_c * q[k]) * fabs((double)x8[at[k]] - (double)x[at[k]]);
        sum_x += fabs((double)x[at[k]]);
    }
    e += s_c / 2.0 * sum_x + s_in * s_c / 2.0 + s_out * (0.5 + 0.5 * ldexp(1.0, shift < 0 ? shift : 0));
    return e * (1.0 + 1e-5) + 1e-7;
}

/* The weight scale s_c of channel c of a DENSE or CONV2D op (per channels' contiguous values). */
static double channel_scale(const anne_ir_op *op, uint32_t c, uint32_t per) {
    float m = 0.0f;
    uint32_t k;
    for (k = 0; k < per; k++) m = fmaxf(m, fabsf(op->kernel[c * per + k]));
    return (double)(m / 127.0f);
}

/* On every row, each tensor of the int8 model (dequantized) against the float model's, op by op: the
 * input within half a step; the conv and the Dense within weighted_bound() of their inputs' errors on
 * that row; max pooling within the largest error of its window (max is 1-Lipschitz, nothing is
 * requantized); the reshape with its input's error exactly; the softmax within half the largest logit
 * error (p = softmax(z) moves by at most max_i 2 p_i (1 - p_i) <= 1/2 times the largest change of a
 * logit: the Jacobian diag(p) - p p^T has rows of absolute sum 2 p_i (1 - p_i)) plus the int8 softmax's
 * own error: exp table entries rounded to 2^-15 (each p_i off by at most (1/2 + n/2) / 32768, the sum
 * being at least 32768) and the output rounded to 1/256, or off by 1/256 where a probability of 1
 * saturates at 255/256. Printed: the largest error and the largest bound, in steps of each tensor. */
static void test_outputs_within_bound(void **state) {
    fixture *f = *state;
    anne_graph_trace tf, tq;
    anne_error err;
    anne_tensor t[6], shape;
    const anne_ir_op *conv = &f->ir.ops[0], *dense = &f->ir.ops[3];
    anne_op qc, qd;
    float of[N_OUT], oq[N_OUT];
    double worst[6] = {0}, bound[6] = {0};
    uint32_t at[N_FLAT];
    size_t r, i, k, j, y, x;
    for (i = 0; i < 6; i++) anne_model_tensor(&f->mq, (uint16_t)i, &t[i]);
    anne_model_op(&f->mq, 0, &qc);
    anne_model_op(&f->mq, 3, &qd);
    assert_int_equal(anne_graph_trace_open(&tf, &f->mf, &err), 0);
    assert_int_equal(anne_graph_trace_open(&tq, &f->mq, &err), 0);
    for (r = 0; r < ROWS; r++) {
        const float *vf[4], *vq[5];
        double dz = 0.0, e, b;
        assert_int_equal(anne_graph_trace_run(&tf, of, f->rows + r * N_IN, &err), 0);
        assert_int_equal(anne_graph_trace_run(&tq, oq, f->rows + r * N_IN, &err), 0);
        for (i = 0; i < 4; i++) vf[i] = anne_graph_trace_values(&tf, (uint16_t)i, &shape);
        for (i = 0; i < 5; i++) vq[i] = anne_graph_trace_values(&tq, (uint16_t)i, &shape);
#define CHECK(tensor, err_, bound_)                                                                        \
    do {                                                                                                   \
        e = (err_), b = (bound_);                                                                          \
        if (!(e <= b)) fail_msg("row %zu, tensor %d: |int8 - float| %.9g above the bound %.9g", r + 1u,    \
                                (tensor), e, b);                                                           \
        worst[tensor] = fmax(worst[tensor], e), bound[tensor] = fmax(bound[tensor], b);                    \
    } while (0)
        for (k = 0; k < N_IN; k++) CHECK(0, fabs((double)vq[0][k] - (double)vf[0][k]), (double)t[0].scale / 2.0 * (1.0 + 1e-6));
        for (y = 0; y < 6; y++) { /* Conv2D 3x3 valid: (6, 6, CO) from (8, 8, 2) */
            for (x = 0; x < 6; x++) {
                for (k = 0; k < TAPS; k++) at[k] = (uint32_t)(((y + k / 6) * 8 + x + k / 2 % 3) * 2 + k % 2);
                for (j = 0; j < CO; j++) {
                    size_t o = (y * 6 + x) * CO + j;
                    CHECK(1, fabs((double)vq[1][o] - (double)vf[1][o]),
                          weighted_bound((const int8_t *)qc.kernel + j * TAPS,
                                         channel_scale(conv, (uint32_t)j, TAPS), vf[0], vq[0], at, TAPS,
                                         (double)t[0].scale, (double)t[1].scale, ((const int32_t *)qc.aux)[2 + CO + j]));
                }
            }
        }
        for (k = 0; k < N_FLAT; k++) { /* MaxPool2D 2x2 s2: (3, 3, CO) from (6, 6, CO) */
            size_t py = k / 12, px = k / CO % 3, c = k % CO, dy, dx;
            b = 0.0;
            for (dy = 0; dy < 2; dy++) {
                for (dx = 0; dx < 2; dx++) {
                    size_t o = ((2 * py + dy) * 6 + 2 * px + dx) * CO + c;
                    b = fmax(b, fabs((double)vq[1][o] - (double)vf[1][o]));
                }
            }
            CHECK(2, fabs((double)vq[2][k] - (double)vf[2][k]), b);
            CHECK(3, fabs((double)vq[3][k] - (double)vf[3][k]), fabs((double)vq[2][k] - (double)vf[2][k]));
            at[k] = (uint32_t)k;
        }
        for (j = 0; j < N_OUT; j++) { /* the logits, computed here in double from the float model's input */
            double z = (double)dense->bias[j];
            for (k = 0; k < N_FLAT; k++) z += (double)dense->kernel[j * N_FLAT + k] * (double)vf[3][k];
            CHECK(4, fabs((double)vq[4][j] - z),
                  weighted_bound((const int8_t *)qd.kernel + j * N_FLAT,
                                 channel_scale(dense, (uint32_t)j, N_FLAT), vf[3], vq[3], at, N_FLAT,
                                 (double)t[3].scale, (double)t[4].scale, ((const int32_t *)qd.aux)[2 + N_OUT + j]));
            dz = fmax(dz, fabs((double)vq[4][j] - z));
        }
        for (j = 0; j < N_OUT; j++) {
            CHECK(5, fabs((double)oq[j] - (double)of[j]), dz / 2.0 + (0.5 + 0.5 * N_OUT) / 32768.0 + 1.0 / 256.0 + 1e-6);
        }
#undef CHECK
    }
    report_errors(worst, bound, t, 0, 6);
    anne_graph_trace_close(&tf);
    anne_graph_trace_close(&tq);
}

/* --per-tensor: one scale over each op's whole kernel. */
static void test_per_tensor(void **state) {
    fixture *f = *state;
    anne_error err;
    unsigned char *bytes;
    size_t size, k;
    anne_model m;
    anne_op op;
    float mx = 0.0f, s;
    const anne_ir_op *conv = &f->ir.ops[0];
    assert_int_equal(quantize(f, &f->ir, ANNE_DTYPE_S8, 1, &bytes, &size, &err), 0);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    anne_model_op(&m, 0, &op);
    for (k = 0; k < conv->kernel_n; k++) mx = fmaxf(mx, fabsf(conv->kernel[k]));
    s = mx / 127.0f;
    for (k = 0; k < conv->kernel_n; k++) {
        assert_int_equal(((const int8_t *)op.kernel)[k], (int)round((double)conv->kernel[k] / (double)s));
    }
    free(bytes);
}

/* With an input scaling (standardization) the input's range is the scaled one, which the int8 model
 * quantizes: its scale is TFLite's formula of the scaled rows' range, and the outputs stay within 4 steps
 * of 1/256 of the float model's (a guard: test_outputs_within_bound derives the bound op by op; measured
 * here 2.3 steps). */
static void test_input_scaling(void **state) {
    fixture *f = *state;
    anne_error err;
    unsigned char *bytes, *fbytes;
    size_t size, fsize, r, k;
    anne_model m, mf;
    anne_tensor t0;
    float mean[N_IN], sd[N_IN], s, of[N_OUT], oq[N_OUT];
    int32_t zp;
    double lo = 1e300, hi = -1e300, worst = 0.0;
    static uint32_t arena_f[4096], arena_q[4096];
    for (k = 0; k < N_IN; k++) mean[k] = 0.25f * (float)(k % 3), sd[k] = 0.5f + 0.25f * (float)(k % 5);
    f->ir.scaling = ANNE_SCALING_STANDARDIZE;
    f->ir.scale_a = mean;
    f->ir.scale_b = sd;
    assert_int_equal(quantize(f, &f->ir, ANNE_DTYPE_S8, 0, &bytes, &size, &err), 0);
    assert_int_equal(anne_ir_graph_serialize(&f->ir, &fbytes, &fsize, &err), 0);
    f->ir.scaling = ANNE_SCALING_NONE;
    f->ir.scale_a = f->ir.scale_b = NULL;
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_int_equal(anne_model_load(&mf, fbytes, fsize), ANNE_OK);
    for (r = 0; r < ROWS; r++) {
        for (k = 0; k < N_IN; k++) { /* the runtime's scaling: (x - mean) / std in float */
            float x = (f->rows[r * N_IN + k] - mean[k]) / sd[k];
            lo = fmin(lo, (double)x);
            hi = fmax(hi, (double)x);
        }
        assert_int_equal(anne_model_predict(&mf, of, f->rows + r * N_IN, arena_f, sizeof arena_f), ANNE_OK);
        assert_int_equal(anne_model_predict(&m, oq, f->rows + r * N_IN, arena_q, sizeof arena_q), ANNE_OK);
        for (k = 0; k < N_OUT; k++) worst = fmax(worst, fabs((double)oq[k] - (double)of[k]));
    }
    ref_qparams(lo, hi, &s, &zp);
    anne_model_tensor(&m, 0, &t0);
    assert_true(t0.scale == s);
    assert_int_equal(t0.zero_point, zp);
    print_message("with input scaling: largest output difference %.6g = %.2f steps of 1/256\n", worst, worst * 256.0);
    assert_true(worst > 0.0 && worst <= 4.0 / 256.0);
    free(bytes);
    free(fbytes);
}

/* A graph as ANNE JSON may give it, BatchNormalization and relu not folded: Conv2D 1x1 (2 filters) ->
 * ChannelAffine -> Activation relu quantizes to one Conv2D with the affine map in its weights (w s_c)
 * and the relu as its clamp, as TFLite's converter folds them. */
static void test_batchnorm_folded(void **state) {
    fixture *f = *state;
    anne_error err;
    unsigned char *bytes;
    size_t size, k;
    anne_ir ir;
    anne_ir_op *op;
    anne_model m;
    anne_op q;
    uint16_t t;
    const size_t dims[3] = {8, 8, 2};
    const float w[4] = {0.5f, -0.25f, 0.125f, 1.0f}, scale[2] = {2.0f, -0.5f}, shift[2] = {0.25f, 0.1f};
    anne_ir_init(&ir);
    assert_int_equal(anne_ir_graph_start(&ir, 3, dims, &err), 0);
    op = add(&ir, ANNE_OP_CONV2D, 0, 3, 8, 8, 2, &t);
    op->kernel = malloc(sizeof w);
    memcpy(op->kernel, w, sizeof w);
    op->kernel_n = 4;
    memcpy(op->attr, (uint16_t[8]){1, 1, 1, 1, 1, 1, 0, 0}, 8 * sizeof(uint16_t));
    op = add(&ir, ANNE_OP_CHANNEL_AFFINE, t, 3, 8, 8, 2, &t);
    op->kernel = malloc(sizeof scale);
    op->bias = malloc(sizeof shift);
    memcpy(op->kernel, scale, sizeof scale);
    memcpy(op->bias, shift, sizeof shift);
    op->kernel_n = op->bias_n = 2;
    op = add(&ir, ANNE_OP_ACTIVATION, t, 3, 8, 8, 2, &t);
    op->activation = ANNE_ACT_RELU;
    anne_ir_default_params(ANNE_ACT_RELU, op->param);
    if (quantize(f, &ir, ANNE_DTYPE_S8, 0, &bytes, &size, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_int_equal(m.n_ops, 1);
    anne_model_op(&m, 0, &q);
    assert_int_equal(q.kind, ANNE_OP_CONV2D);
    assert_int_equal(q.activation, ANNE_ACT_RELU);
    for (k = 0; k < 4; k++) { /* channel k / 2: its two weights times scale[c], the larger one 127 */
        float a = w[k] * scale[k / 2], b = w[k ^ 1u] * scale[k / 2];
        float s = fmaxf(fabsf(a), fabsf(b)) / 127.0f;
        assert_int_equal(((const int8_t *)q.kernel)[k], (int)round((double)a / (double)s));
    }
    free(bytes);
    anne_ir_free(&ir);
}

/* An op with no int8 form (Maximum, Average; an Add of 3 inputs): refused by its position and kind;
 * Q16.16: refused for a graph. */
static void test_refusals(void **state) {
    fixture *f = *state;
    anne_error err;
    unsigned char *bytes = (unsigned char *)"x";
    size_t size = 1;
    anne_ir ir;
    uint16_t in[2] = {0, 1}, t;
    anne_ir_tensor shape = {3, {8, 8, 2, 1}};
    const size_t dims[3] = {8, 8, 2};
    anne_ir_init(&ir);
    assert_int_equal(anne_ir_graph_start(&ir, 3, dims, &err), 0);
    add(&ir, ANNE_OP_MAX_POOL2D, 0, 3, 8, 8, 2, &t);
    memcpy(ir.ops[0].attr, (uint16_t[8]){1, 1, 1, 1, 1, 1, 0, 0}, 8 * sizeof(uint16_t));
    assert_non_null(anne_ir_add_op(&ir, ANNE_OP_MAXIMUM, 2, in, &shape, &t, &err));
    assert_int_equal(quantize(f, &ir, ANNE_DTYPE_S8, 0, &bytes, &size, &err), -1);
    assert_null(bytes);
    assert_string_equal(err.msg, "op 2 (Maximum): no int8 form in this version; int8 graphs hold Dense, Conv2D, "
                                 "DepthwiseConv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Reshape, ZeroPad2D, Add, "
                                 "Subtract, Multiply, Concatenate and Activation");
    ir.ops[1].kind = ANNE_OP_AVERAGE; /* a merge with no int8 form */
    assert_int_equal(quantize(f, &ir, ANNE_DTYPE_S8, 0, &bytes, &size, &err), -1);
    assert_non_null(strstr(err.msg, "op 2 (Average): no int8 form in this version; int8 graphs hold Dense,"));
    ir.ops[1].kind = ANNE_OP_ADD; /* format 2.2 runs an Add of 2 inputs */
    ir.ops[1].n_inputs = 3;
    ir.ops[1].inputs[2] = 1;
    assert_int_equal(quantize(f, &ir, ANNE_DTYPE_S8, 0, &bytes, &size, &err), -1);
    assert_null(bytes);
    assert_non_null(strstr(err.msg, "op 2 (Add): no int8 form in this version for 3 inputs (at most 2); int8 graphs "
                                    "hold Dense,"));
    anne_ir_free(&ir);
    assert_int_equal(quantize(f, &f->ir, ANNE_DTYPE_Q16, 0, &bytes, &size, &err), -1);
    assert_non_null(strstr(err.msg, "int8 only"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure_and_scales),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_outputs_within_bound),
        cmocka_unit_test(test_per_tensor),
        cmocka_unit_test(test_batchnorm_folded),
        cmocka_unit_test(test_input_scaling),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, fixture_free);
}
