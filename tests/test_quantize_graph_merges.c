/* anne quantize of the merges and the padding (tools/quantize/anne_quantize_graph_ops.c) on a graph built
 * here, 16 calibration rows of (6, 6, 2):
 *   t1 = Conv2D 3x3 same (2, relu)(t0)    t2 = Conv2D 3x3 same (2)(t1)    t3 = relu(Add(t2, t0))  residual
 *   t4 = Subtract(t1, t2)                 t5 = GlobalAvgPool(t3) (2)       t6 = Multiply(t4, t5)   broadcast
 *   t7 = Concatenate(t6, t1) (6, 6, 4)    t8 = ZeroPad2D(t7) top 1, left 2, bottom 1, right 1: (8, 9, 4)
 * The int8 model must hold, against this file's own arithmetic:
 *  - every tensor's scale and zero point by TFLite's ChooseQuantizationParams from the float model's
 *    range on the rows (test_qparams_ref.h), the padding's its input's bit for bit;
 *  - the aux records as TFLite's Prepare computes them, written again here: ADD/SUB's left shift 20 and
 *    QuantizeMultiplier (frexp) of s_k / 2 max(s1, s2) and 2 max / (2^20 s_out), SUB's input 2 negated;
 *    MUL's of s1 s2 / s_out in float; relu's clamp; CONCAT's mask of the inputs quantized otherwise than
 *    the output and their tables (ConcatenationWithScaling, and within 1 of the exact requantization);
 *  - on every row, each merge's output dequantized within a bound of its inputs' errors on that row
 *    (derived at merge_bounds()), the padding with its input's error exactly and 0 where it pads.
 * The convolutions are only the merges' inputs here (tests/test_quantize_graph.c bounds them, and checks
 * the refusals of an Add of 3 inputs and of the merges with no int8 form). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_graph_trace.h"
#include "anne_ir_graph.h"
#include "anne_quantize.h"
#include "test_qgraph_fixture.h"
#include "test_qparams_ref.h"

#define ROWS 16
#define HW 36     /* 6 x 6 positions */
#define N_T 9     /* tensors: the input and 8 ops */
#define N_OUT 288 /* (8, 9, 4) */

static anne_ir_op *op_of(anne_ir *ir, anne_op_kind kind, uint8_t n, uint16_t a, uint16_t b, const anne_ir_tensor *t) {
    uint16_t in[2] = {a, b}, out;
    anne_error err;
    anne_ir_op *op = anne_ir_add_op(ir, kind, n, in, t, &out, &err);
    if (op == NULL) fail_msg("%s", err.msg);
    return op;
}

static void conv(anne_ir_op *op, uint64_t *s, int relu) {
    const uint16_t same3[8] = {3, 3, 1, 1, 1, 1, 1, 1};
    op->kernel = values(s, 36, -0.6, 0.6);
    op->kernel_n = 36;
    op->bias = values(s, 2, -0.2, 0.2);
    op->bias_n = 2;
    memcpy(op->attr, same3, sizeof same3);
    if (relu) {
        op->activation = ANNE_ACT_RELU;
        anne_ir_default_params(ANNE_ACT_RELU, op->param);
    }
}

static void build(anne_ir *ir) {
    const size_t dims[3] = {6, 6, 2};
    const anne_ir_tensor hwc = {3, {6, 6, 2, 1}}, c2 = {1, {2, 1, 1, 1}}, cat = {3, {6, 6, 4, 1}},
                         pad = {3, {8, 9, 4, 1}};
    uint64_t s = 5;
    anne_error err;
    anne_ir_op *op;
    anne_ir_init(ir);
    assert_int_equal(anne_ir_graph_start(ir, 3, dims, &err), 0);
    conv(op_of(ir, ANNE_OP_CONV2D, 1, 0, 0, &hwc), &s, 1);
    conv(op_of(ir, ANNE_OP_CONV2D, 1, 1, 0, &hwc), &s, 0);
    op = op_of(ir, ANNE_OP_ADD, 2, 2, 0, &hwc);
    op->activation = ANNE_ACT_RELU;
    anne_ir_default_params(ANNE_ACT_RELU, op->param);
    op_of(ir, ANNE_OP_SUBTRACT, 2, 1, 2, &hwc);
    op_of(ir, ANNE_OP_GLOBAL_AVG_POOL, 1, 3, 0, &c2);
    op_of(ir, ANNE_OP_MULTIPLY, 2, 4, 5, &hwc);
    op = op_of(ir, ANNE_OP_CONCAT, 2, 6, 1, &cat);
    op->attr[0] = 2;
    op = op_of(ir, ANNE_OP_ZERO_PAD2D, 1, 7, 0, &pad);
    op->attr[0] = 1;
    op->attr[1] = 2;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    uint64_t s = 11;
    assert_non_null(f);
    build(&f->ir);
    f->rows = values(&s, ROWS * HW * 2, -1.0, 1.0);
    f->n_rows = ROWS;
    fixture_load(f);
    assert_int_equal(f->mq.n_tensors, N_T); /* nothing split off: relu stays the clamp of the Conv and the Add */
    *state = f;
    return 0;
}

static void test_scales(void **state) {
    fixture *f = *state;
    anne_graph_trace t;
    anne_error err;
    anne_tensor shape;
    float out[N_OUT];
    double lo[N_T], hi[N_T];
    size_t r, i, k;
    assert_int_equal(anne_graph_trace_open(&t, &f->mf, &err), 0);
    for (i = 0; i < N_T; i++) lo[i] = 1e300, hi[i] = -1e300;
    for (r = 0; r < ROWS; r++) {
        assert_int_equal(anne_graph_trace_run(&t, out, f->rows + r * HW * 2, &err), 0);
        for (i = 0; i < N_T; i++) {
            const float *v = anne_graph_trace_values(&t, (uint16_t)i, &shape);
            for (k = 0; k < (size_t)shape.dims[0] * shape.dims[1] * shape.dims[2] * shape.dims[3]; k++) {
                lo[i] = fmin(lo[i], (double)v[k]), hi[i] = fmax(hi[i], (double)v[k]);
            }
        }
    }
    anne_graph_trace_close(&t);
    for (i = 0; i < 8; i++) {
        float s;
        int32_t z;
        ref_qparams(lo[i], hi[i], &s, &z);
        print_message("tensor %zu: range [%.6g, %.6g] -> scale %.9g (expected %.9g), zero point %d (%d)\n", i, lo[i],
                      hi[i], (double)f->t[i].scale, (double)s, f->t[i].zero_point, z);
        assert_true(f->t[i].scale == s);
        assert_int_equal(f->t[i].zero_point, z);
    }
    assert_memory_equal(&f->t[8].scale, &f->t[7].scale, sizeof f->t[8].scale);
    assert_int_equal(f->t[8].zero_point, f->t[7].zero_point);
    /* the two branches of the concatenation differ, so a table is what the test below checks */
    assert_true(f->t[6].scale != f->t[1].scale || f->t[6].zero_point != f->t[1].zero_point);
}

static const int32_t *aux_of(const fixture *f, uint16_t i, uint32_t size, anne_op *op) {
    assert_int_equal(anne_model_op(&f->mq, i, op), ANNE_OK);
    assert_int_equal(op->aux_size, size);
    return op->aux;
}

/* ADD (op 2, relu) and SUBTRACT (op 3): TFLite's add.cc / sub.cc Prepare. */
static void check_add(const fixture *f, uint16_t i, int subtract) {
    anne_op op;
    const int32_t *aux = aux_of(f, i, 36u, &op);
    const anne_tensor *a = &f->t[op.inputs[0]], *b = &f->t[op.inputs[1]], *y = &f->t[op.output];
    const double twice_max = 2.0 * fmax((double)a->scale, (double)b->scale);
    int32_t m, s;
    assert_int_equal(aux[0], subtract ? -128 : (y->zero_point > -128 ? y->zero_point : -128));
    assert_int_equal(aux[1], 127);
    assert_int_equal(aux[2], 20);
    ref_multiplier((double)a->scale / twice_max, &m, &s);
    assert_int_equal(aux[3], m);
    assert_int_equal(aux[4], s);
    ref_multiplier((double)b->scale / twice_max, &m, &s);
    assert_int_equal(aux[5], subtract ? -m : m);
    assert_int_equal(aux[6], s);
    ref_multiplier(twice_max / (1048576.0 * (double)y->scale), &m, &s);
    assert_int_equal(aux[7], m);
    assert_int_equal(aux[8], s);
}

/* ConcatenationWithScaling (reference_ops concatenation.h) for int8, in float as written there. */
static int8_t ref_concat(int q, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp) {
    const float inverse = 1.f / out_scale, scale = in_scale * inverse, bias = (float)-in_zp * scale;
    const float prod = (float)q * scale, v = prod + bias;
    const double r = round((double)v) + (double)out_zp;
    return (int8_t)(r < -128.0 ? -128 : r > 127.0 ? 127 : (int)r);
}

static void test_aux_records(void **state) {
    fixture *f = *state;
    anne_op op;
    const int32_t *aux;
    const unsigned char *tables;
    uint32_t mask = 0, k, at = 4;
    int32_t m, s;
    int q;
    check_add(f, 2, 0);
    check_add(f, 3, 1);
    aux = aux_of(f, 5, 16u, &op); /* MULTIPLY: mul.cc, s1 s2 / s_out in float */
    assert_int_equal(aux[0], -128);
    assert_int_equal(aux[1], 127);
    ref_multiplier((double)(f->t[4].scale * f->t[5].scale / f->t[6].scale), &m, &s);
    assert_int_equal(aux[2], m);
    assert_int_equal(aux[3], s);
    /* CONCAT of t6 and t1 into t7 */
    for (k = 0; k < 2; k++) {
        const anne_tensor *x = &f->t[k == 0 ? 6 : 1];
        if (x->scale != f->t[7].scale || x->zero_point != f->t[7].zero_point) mask |= 1u << k;
    }
    assert_true(mask != 0);
    aux = aux_of(f, 6, 4u + 256u * (uint32_t)((mask & 1u) + (mask >> 1)), &op);
    assert_int_equal((uint32_t)aux[0], mask);
    tables = (const unsigned char *)aux;
    for (k = 0; k < 2; k++) {
        const anne_tensor *x = &f->t[k == 0 ? 6 : 1], *y = &f->t[7];
        if ((mask >> k & 1u) == 0) continue;
        for (q = -128; q <= 127; q++) {
            const int8_t got = (int8_t)tables[at + (uint32_t)(q + 128)];
            const double exact = round(((double)q - x->zero_point) * (double)x->scale / (double)y->scale) + y->zero_point;
            assert_int_equal(got, ref_concat(q, x->scale, x->zero_point, y->scale, y->zero_point));
            assert_true(fabs((double)got - fmin(127.0, fmax(-128.0, exact))) <= 1.0);
        }
        at += 256u;
    }
    assert_int_equal(anne_model_op(&f->mq, 7, &op), ANNE_OK); /* ZERO_PAD2D: its pads, no record */
    assert_int_equal(op.kind, ANNE_OP_ZERO_PAD2D);
    assert_int_equal(op.aux_size, 0);
    assert_int_equal(op.attr[0], 1);
    assert_int_equal(op.attr[1], 2);
}

/* Output steps of op i's requantization (multiplier, shift): half a step from the rounding right shift,
 * half a unit of 2^shift steps from the rounding doubling high multiply (shift < 0), and 1e-3 for the
 * multiplier's 2^-31 relative error and the float model's own rounding. */
static double requant_steps(int32_t shift) {
    return 0.5 + 0.5 * ldexp(1.0, shift < 0 ? shift : 0) + 1e-3;
}

/* On every row, each merge's int8 output (dequantized) y~ against the float model's y, with e_k the
 * int8 model's error on input k at that value on that row (both traced):
 *  - ADD, SUBTRACT: y~ is the requantized sum of the inputs, each first scaled to 2^20 / (2 max(s1, s2))
 *    units and rounded there (TFLite's AddFunc), so |y~ - y| <= e_1 + e_2 + 4 max(s1, s2) 2^-20 plus the
 *    output's requantization; relu (the clamp at the zero point) is 1-Lipschitz and adds nothing;
 *  - MULTIPLY: |a~ b~ - a b| <= e_a |b~| + |a| e_b, plus the requantization;
 *  - GlobalAvgPool: the mean of the inputs' errors, at most the largest, plus the requantization;
 *  - CONCAT: an input through a table within half an output step of its value, a copied one exact;
 *  - ZERO_PAD2D: its input's value and error exactly, 0 where it pads.
 * A clamp at an end of the output's range only moves y~ toward y (these rows are the calibration rows:
 * y is inside the range, or within half a step of its nudged end, which the half step covers). */
static void test_outputs_within_bound(void **state) {
    fixture *f = *state;
    anne_graph_trace tf, tq;
    anne_error err;
    anne_tensor shape;
    anne_op op;
    float of[N_OUT], oq[N_OUT];
    double worst[N_T] = {0}, bound[N_T] = {0}, steps[N_T] = {0};
    int32_t shift[N_T] = {0};
    uint32_t mask;
    size_t r, i, k, c, y, x;
    for (i = 2; i <= 5; i++) {
        const int32_t *aux = aux_of(f, (uint16_t)i, i == 4 ? 8u : i == 5 ? 16u : 36u, &op);
        shift[i + 1] = i == 4 ? aux[1] : i == 5 ? aux[3] : aux[8];
        steps[i + 1] = requant_steps(shift[i + 1]);
    }
    assert_int_equal(anne_model_op(&f->mq, 6, &op), ANNE_OK);
    mask = ((const uint32_t *)op.aux)[0];
    assert_int_equal(anne_graph_trace_open(&tf, &f->mf, &err), 0);
    assert_int_equal(anne_graph_trace_open(&tq, &f->mq, &err), 0);
    for (r = 0; r < ROWS; r++) {
        const float *vf[N_T], *vq[N_T];
        double e, b;
        assert_int_equal(anne_graph_trace_run(&tf, of, f->rows + r * HW * 2, &err), 0);
        assert_int_equal(anne_graph_trace_run(&tq, oq, f->rows + r * HW * 2, &err), 0);
        for (i = 0; i < N_T; i++) {
            vf[i] = anne_graph_trace_values(&tf, (uint16_t)i, &shape);
            vq[i] = anne_graph_trace_values(&tq, (uint16_t)i, &shape);
        }
#define ERR(t, k) fabs((double)vq[t][k] - (double)vf[t][k])
#define CHECK(tensor, err_, bound_)                                                                        \
    do {                                                                                                   \
        e = (err_), b = (bound_);                                                                          \
        if (!(e <= b)) fail_msg("row %zu, tensor %d, value %zu: |int8 - float| %.9g above the bound %.9g", \
                                r + 1u, (tensor), (size_t)k, e, b);                                        \
        worst[tensor] = fmax(worst[tensor], e), bound[tensor] = fmax(bound[tensor], b);                    \
    } while (0)
        for (k = 0; k < HW * 2; k++) {
            const double s_add = fmax((double)f->t[2].scale, (double)f->t[0].scale);
            const double s_sub = fmax((double)f->t[1].scale, (double)f->t[2].scale);
            c = k % 2;
            CHECK(3, ERR(3, k), ERR(2, k) + ERR(0, k) + 4.0 * s_add / 1048576.0 + steps[3] * f->t[3].scale);
            CHECK(4, ERR(4, k), ERR(1, k) + ERR(2, k) + 4.0 * s_sub / 1048576.0 + steps[4] * f->t[4].scale);
            CHECK(6, ERR(6, k), ERR(4, k) * fabs((double)vq[5][c]) + fabs((double)vf[4][k]) * ERR(5, c) +
                                    steps[6] * f->t[6].scale);
        }
        for (k = 0; k < 2; k++) {
            double mean_err = 0.0;
            for (i = 0; i < HW; i++) mean_err += ERR(3, i * 2 + k) / HW;
            CHECK(5, ERR(5, k), mean_err + steps[5] * f->t[5].scale + 1e-6 * fabs((double)vf[5][k]));
        }
        for (k = 0; k < HW * 4; k++) { /* channels 0, 1 from t6, 2, 3 from t1 */
            const size_t from = k % 4 < 2 ? 0 : 1, src = from == 0 ? 6 : 1, at = k / 4 * 2 + k % 2;
            CHECK(7, ERR(7, k), ERR(src, at) + ((mask >> from & 1u) ? 0.5 * f->t[7].scale * (1.0 + 1e-4) : 0.0));
        }
        for (y = 0; y < 8; y++) {
            for (x = 0; x < 9; x++) {
                for (c = 0; c < 4; c++) {
                    k = (y * 9 + x) * 4 + c;
                    if (y >= 1 && y < 7 && x >= 2 && x < 8) {
                        const size_t at = ((y - 1) * 6 + x - 2) * 4 + c;
                        assert_true(vq[8][k] == vq[7][at] && vf[8][k] == vf[7][at]);
                        CHECK(8, ERR(8, k), ERR(7, at));
                    } else {
                        assert_true(vq[8][k] == 0.0f && vf[8][k] == 0.0f);
                    }
                }
            }
        }
#undef CHECK
#undef ERR
    }
    report_errors(worst, bound, f->t, 3, N_T);
    anne_graph_trace_close(&tf);
    anne_graph_trace_close(&tq);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scales),
        cmocka_unit_test(test_aux_records),
        cmocka_unit_test(test_outputs_within_bound),
    };
    return cmocka_run_group_tests(tests, setup, fixture_free);
}
