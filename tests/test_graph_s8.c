/* int8 graph models (format 2.2): a small CNN written with anne_graph_write() -- Conv2D with relu,
 * DepthwiseConv2D with depth multiplier 2 and stride 2, Reshape, Dense, then softmax or a tanh table --
 * runs exactly as its int8 kernels called one after the other here on buffers of the test's own (the
 * kernels are checked against int64 references in test_conv_s8 and test_quant), and within its
 * quantization error of the same network in float32 (its float twin: the dequantized weights, written
 * as a float32 graph and run by the float runner). Then what the loader must refuse: each hand-damaged
 * aux value, quantization and kind with the status docs/format.md promises, and every byte flip and
 * truncation of the file gives a status, never an access outside the model or the arena (ASan runs
 * this test too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"
#include "test_quant_ref.h"
#include "test_s8_ops_ref.h"
#include "test_support.h"

/* The network, channels last:
 *   t0 (6, 5, 2) input, standardized
 *   t1 (6, 5, 4)  conv 3x3 'same', relu          (clamp at the zero point)
 *   t2 (2, 2, 8)  depthwise 3x3 stride 2 'valid', multiplier 2
 *   t3 (32)       reshape
 *   t4 (3)        dense
 *   t5 (3)        softmax (scale 1/256, zero point -128), or tanh through a table */
#define N_T 6
#define N_OPS 5
#define N_IN 60
#define C1 4
#define C2 8

typedef struct qmodel {
    anne_tensor t[N_T];
    anne_op op[N_OPS];
    int8_t k0[C1 * 9 * 2], k1[9 * C2], k3[3 * 32];
    int32_t b0[C1], b1[C2], b3[3];
    float ws0[C1], ws1[C2], ws3[3];   /* weight scales per output channel */
    int32_t aux0[2 + 2 * C1], aux1[2 + 2 * C2], aux3[2 + 2 * 3];
    union {
        uint16_t exp[256];
        int8_t lut[256];
    } table;
    float mean[N_IN], std_dev[N_IN];
    anne_graph_desc d;
} qmodel;

static void shape(anne_tensor *t, uint8_t rank, uint16_t d0, uint16_t d1, uint16_t d2) {
    t->dtype = ANNE_DTYPE_S8;
    t->rank = rank;
    t->dims[0] = d0, t->dims[1] = d1, t->dims[2] = d2, t->dims[3] = 1;
}

/* aux of a weighted op: act_min, act_max, multiplier[c], shift[c], for in_scale * w_scale[j] / out_scale */
static void weighted_aux(int32_t *aux, uint32_t c, float in_scale, const float *w_scale, float out_scale,
                         int32_t act_min) {
    uint32_t j;
    aux[0] = act_min, aux[1] = 127;
    for (j = 0; j < c; j++) {
        anne_quantize_multiplier((double)in_scale * w_scale[j] / out_scale, &aux[2 + j], &aux[2 + c + j]);
    }
}

/* Random weights in -127 ... 127 with per-channel scales, biases of a realistic size. softmax: the last
 * op is softmax, else tanh through a table. */
static void make(qmodel *m, uint64_t seed, int softmax) {
    uint32_t i, at = 0;
    uint64_t r = seed;
    memset(m, 0, sizeof *m);
    shape(&m->t[0], 3, 6, 5, 2), m->t[0].scale = 0.05f, m->t[0].zero_point = 3;
    shape(&m->t[1], 3, 6, 5, C1), m->t[1].scale = 0.04f, m->t[1].zero_point = -128; /* after relu: >= 0 */
    shape(&m->t[2], 3, 2, 2, C2), m->t[2].scale = 0.06f, m->t[2].zero_point = -5;
    shape(&m->t[3], 1, 32, 1, 1), m->t[3].scale = 0.06f, m->t[3].zero_point = -5; /* a reshape's: t2's */
    shape(&m->t[4], 1, 3, 1, 1), m->t[4].scale = 0.08f, m->t[4].zero_point = 10;
    shape(&m->t[5], 1, 3, 1, 1);
    m->t[5].scale = softmax ? 1.0f / 256.0f : 1.0f / 128.0f, m->t[5].zero_point = softmax ? -128 : 0;
    for (i = 0; i < N_T; i++) { /* each tensor in a place of its own, 4-aligned */
        m->t[i].offset = at;
        at += (m->t[i].dims[0] * m->t[i].dims[1] * m->t[i].dims[2] + 3u) & ~3u;
    }
    for (i = 0; i < sizeof m->k0; i++) m->k0[i] = (int8_t)((int)(ref_rand(&r) % 255u) - 127);
    for (i = 0; i < sizeof m->k1; i++) m->k1[i] = (int8_t)((int)(ref_rand(&r) % 255u) - 127);
    for (i = 0; i < sizeof m->k3; i++) m->k3[i] = (int8_t)((int)(ref_rand(&r) % 255u) - 127);
    for (i = 0; i < C1; i++) m->ws0[i] = 0.002f + 0.001f * (float)i, m->b0[i] = (int32_t)(ref_rand(&r) % 2001u) - 1000;
    for (i = 0; i < C2; i++) m->ws1[i] = 0.003f + 0.0005f * (float)i, m->b1[i] = (int32_t)(ref_rand(&r) % 2001u) - 1000;
    for (i = 0; i < 3; i++) m->ws3[i] = 0.004f + 0.001f * (float)i, m->b3[i] = (int32_t)(ref_rand(&r) % 4001u) - 2000;
    weighted_aux(m->aux0, C1, m->t[0].scale, m->ws0, m->t[1].scale, m->t[1].zero_point);
    weighted_aux(m->aux1, C2, m->t[1].scale, m->ws1, m->t[2].scale, -128);
    weighted_aux(m->aux3, 3, m->t[3].scale, m->ws3, m->t[4].scale, -128);
    for (i = 0; i < 256; i++) {
        if (softmax) { /* TFLite's exp table for the input scale: exp(-d * scale) in Q15 */
            m->table.exp[i] = (uint16_t)lround(32768.0 * exp(-(double)i * m->t[4].scale));
        } else { /* tanh of each input value, quantized to the output */
            double x = (double)m->t[4].scale * ((int)i - 128 - m->t[4].zero_point);
            long q = lround(tanh(x) / m->t[5].scale) + m->t[5].zero_point;
            m->table.lut[i] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
        }
    }
    for (i = 0; i < N_IN; i++) m->mean[i] = 0.05f * (float)(i % 7u), m->std_dev[i] = 0.8f + 0.1f * (float)(i % 3u);

    m->op[0].kind = ANNE_OP_CONV2D, m->op[0].activation = ANNE_ACT_RELU, m->op[0].param[1] = INFINITY; /* no max */
    m->op[0].attr[0] = m->op[0].attr[1] = 3, m->op[0].attr[2] = m->op[0].attr[3] = 1; /* kernel, stride */
    m->op[0].attr[4] = m->op[0].attr[5] = 1, m->op[0].attr[6] = m->op[0].attr[7] = 1; /* dilation, 'same' pads */
    m->op[0].kernel = m->k0, m->op[0].kernel_size = sizeof m->k0, m->op[0].bias = m->b0, m->op[0].bias_size = sizeof m->b0;
    m->op[0].aux = m->aux0, m->op[0].aux_size = sizeof m->aux0;
    m->op[1].kind = ANNE_OP_DEPTHWISE_CONV2D;
    m->op[1].attr[0] = m->op[1].attr[1] = 3, m->op[1].attr[2] = m->op[1].attr[3] = 2;
    m->op[1].attr[4] = m->op[1].attr[5] = 1;
    m->op[1].kernel = m->k1, m->op[1].kernel_size = sizeof m->k1, m->op[1].bias = m->b1, m->op[1].bias_size = sizeof m->b1;
    m->op[1].aux = m->aux1, m->op[1].aux_size = sizeof m->aux1;
    m->op[2].kind = ANNE_OP_RESHAPE;
    m->op[3].kind = ANNE_OP_DENSE;
    m->op[3].kernel = m->k3, m->op[3].kernel_size = sizeof m->k3, m->op[3].bias = m->b3, m->op[3].bias_size = sizeof m->b3;
    m->op[3].aux = m->aux3, m->op[3].aux_size = sizeof m->aux3;
    m->op[4].kind = ANNE_OP_ACTIVATION, m->op[4].activation = softmax ? ANNE_ACT_SOFTMAX : ANNE_ACT_TANH;
    m->op[4].aux = &m->table, m->op[4].aux_size = softmax ? 512u : 256u;
    for (i = 0; i < N_OPS; i++) {
        m->op[i].n_inputs = 1, m->op[i].inputs[0] = (uint16_t)i, m->op[i].output = (uint16_t)(i + 1u);
    }
    m->d.name = "int8 cnn";
    /* the arena ends exactly where the last tensor does (not at its padding) */
    m->d.n_tensors = N_T, m->d.tensors = m->t, m->d.n_ops = N_OPS, m->d.ops = m->op, m->d.arena_bytes = at - 1u;
    m->d.scaling.kind = ANNE_SCALING_STANDARDIZE, m->d.scaling.a = m->mean, m->d.scaling.b = m->std_dev;
}

/* What writing *d gives: the writer loads what it wrote, so a value the loader refuses is its status. */
static anne_status write_status(const anne_graph_desc *d) {
    size_t size;
    void *buf;
    anne_status st = anne_graph_write(d, NULL, 0, &size);
    if (st != ANNE_OK) return st;
    buf = aligned_alloc(4, (size + 3u) & ~(size_t)3u);
    assert_non_null(buf);
    st = anne_graph_write(d, buf, size, &size);
    free(buf);
    return st;
}

/* The kernels one after the other on buffers of their own, with the parameters of the description. */
static void by_kernels(const qmodel *m, const float *row, int softmax, float *y) {
    int8_t x0[N_IN], x1[6 * 5 * C1], x2[2 * 2 * C2], x4[3];
    anne_window w0, w1;
    anne_window_params p;
    anne_s8_dense_params q;
    float s;
    uint32_t i;
    for (i = 0; i < N_IN; i++) {
        s = (row[i] - m->mean[i]) / m->std_dev[i];
        x0[i] = anne_s8_quantize(s, m->t[0].scale, m->t[0].zero_point);
    }
    memcpy(&w0, m->op[0].attr, sizeof w0);
    memcpy(&w1, m->op[1].attr, sizeof w1);
    p.in.h = 6, p.in.w = 5, p.in.c = 2, p.out.h = 6, p.out.w = 5, p.out.c = C1, p.win = &w0;
    q.in_zp = m->t[0].zero_point, q.out_zp = m->t[1].zero_point, q.act_min = m->aux0[0], q.act_max = m->aux0[1];
    q.multiplier = &m->aux0[2], q.shift = &m->aux0[2 + C1];
    anne_conv2d_forward_s8(x1, x0, m->k0, m->b0, &p, &q);
    p.in = p.out, p.out.h = 2, p.out.w = 2, p.out.c = C2, p.win = &w1;
    q.in_zp = m->t[1].zero_point, q.out_zp = m->t[2].zero_point, q.act_min = m->aux1[0], q.act_max = m->aux1[1];
    q.multiplier = &m->aux1[2], q.shift = &m->aux1[2 + C2];
    anne_depthwise_conv2d_forward_s8(x2, x1, m->k1, m->b1, &p, &q);
    q.in_zp = m->t[3].zero_point, q.out_zp = m->t[4].zero_point, q.act_min = m->aux3[0], q.act_max = m->aux3[1];
    q.multiplier = &m->aux3[2], q.shift = &m->aux3[2 + 3];
    anne_dense_forward_s8(x4, x2, m->k3, m->b3, 32, 3, &q); /* the reshape moves nothing */
    if (softmax) anne_softmax_forward_s8(x4, 3, m->table.exp);
    else anne_activation_forward_s8_lut(x4, 3, m->table.lut);
    for (i = 0; i < 3; i++) y[i] = anne_s8_dequantize(x4[i], m->t[5].scale, m->t[5].zero_point);
}

static void test_runs_like_its_kernels(void **state) {
    int softmax;
    (void)state;
    for (softmax = 0; softmax < 2; softmax++) {
        qmodel m;
        anne_model am;
        size_t size, s, i;
        uint8_t *b, *arena;
        float row[N_IN], y[3], want[3];
        make(&m, 7u + (uint64_t)softmax, softmax);
        b = anne_test_graph_bytes(&m.d, &size);
        assert_int_equal(anne_model_load(&am, b, size), ANNE_OK);
        assert_int_equal(am.format_major, 2);
        assert_int_equal(am.format_minor, 2);
        assert_int_equal(am.n_inputs, N_IN);
        assert_int_equal(am.n_outputs, 3);
        assert_int_equal(anne_model_arena_size(&am), m.d.arena_bytes);
        arena = malloc(anne_model_arena_size(&am));
        assert_non_null(arena);
        for (s = 0; s < 200; s++) {
            for (i = 0; i < N_IN; i++) row[i] = (float)sin((double)(s * N_IN + i) * 0.77) * 2.5f;
            assert_int_equal(anne_model_predict(&am, y, row, arena, anne_model_arena_size(&am)), ANNE_OK);
            by_kernels(&m, row, softmax, want);
            if (memcmp(y, want, sizeof y) != 0) {
                fail_msg("%s, sample %zu: %g %g %g, the kernels give %g %g %g", softmax ? "softmax" : "tanh", s,
                         (double)y[0], (double)y[1], (double)y[2], (double)want[0], (double)want[1], (double)want[2]);
            }
        }
        free(arena);
        free(b);
    }
}

/* The float twin: the same network with the dequantized weights (w_scale * q, bias * in_scale * w_scale)
 * as a float32 graph. The int8 outputs (softmax probabilities) stay within a few quantization steps. */
static void test_close_to_its_float_twin(void **state) {
    qmodel m;
    anne_tensor ft[N_T];
    anne_op fop[N_OPS];
    float fk0[sizeof m.k0], fk1[sizeof m.k1], fk3[sizeof m.k3], fb0[C1], fb1[C2], fb3[3];
    anne_graph_desc fd;
    anne_model qm, fm;
    size_t qs, fs, s, i;
    uint8_t *qb, *fb;
    float *qa, *fa, row[N_IN], yq[3], yf[3], worst = 0.0f;
    (void)state;
    make(&m, 11u, 1);
    memcpy(ft, m.t, sizeof ft);
    memcpy(fop, m.op, sizeof fop);
    for (i = 0; i < N_T; i++) ft[i].dtype = ANNE_DTYPE_F32, ft[i].scale = 0.0f, ft[i].zero_point = 0;
    for (i = 0; i < N_T; i++) { /* 4 bytes a value, each tensor in a place of its own */
        ft[i].offset = i == 0 ? 0u : ft[i - 1].offset + 4u * ft[i - 1].dims[0] * ft[i - 1].dims[1] * ft[i - 1].dims[2];
    }
    for (i = 0; i < sizeof m.k0; i++) fk0[i] = m.ws0[i / 18u] * m.k0[i]; /* (out_c, 3, 3, 2) */
    for (i = 0; i < sizeof m.k1; i++) fk1[i] = m.ws1[i % C2] * m.k1[i]; /* (3, 3, out_c) */
    for (i = 0; i < sizeof m.k3; i++) fk3[i] = m.ws3[i / 32u] * m.k3[i];  /* (3, 32) */
    for (i = 0; i < C1; i++) fb0[i] = (float)m.b0[i] * m.t[0].scale * m.ws0[i];
    for (i = 0; i < C2; i++) fb1[i] = (float)m.b1[i] * m.t[1].scale * m.ws1[i];
    for (i = 0; i < 3; i++) fb3[i] = (float)m.b3[i] * m.t[3].scale * m.ws3[i];
    fop[0].kernel = fk0, fop[0].kernel_size = sizeof fk0, fop[0].bias = fb0, fop[0].bias_size = sizeof fb0;
    fop[1].kernel = fk1, fop[1].kernel_size = sizeof fk1, fop[1].bias = fb1, fop[1].bias_size = sizeof fb1;
    fop[3].kernel = fk3, fop[3].kernel_size = sizeof fk3, fop[3].bias = fb3, fop[3].bias_size = sizeof fb3;
    for (i = 0; i < N_OPS; i++) fop[i].aux = NULL, fop[i].aux_size = 0;
    fd = m.d;
    fd.tensors = ft, fd.ops = fop, fd.arena_bytes = ft[N_T - 1].offset + 12u;
    qb = anne_test_graph_bytes(&m.d, &qs);
    fb = anne_test_graph_bytes(&fd, &fs);
    assert_int_equal(anne_model_load(&qm, qb, qs), ANNE_OK);
    assert_int_equal(anne_model_load(&fm, fb, fs), ANNE_OK);
    assert_int_equal(fm.format_minor, 0);
    qa = malloc(anne_model_arena_size(&qm));
    fa = malloc(anne_model_arena_size(&fm));
    assert_true(qa != NULL && fa != NULL);
    for (s = 0; s < 200; s++) {
        for (i = 0; i < N_IN; i++) row[i] = (float)cos((double)(s * N_IN + i) * 0.31) * 2.0f;
        assert_int_equal(anne_model_predict(&qm, yq, row, qa, anne_model_arena_size(&qm)), ANNE_OK);
        assert_int_equal(anne_model_predict(&fm, yf, row, fa, anne_model_arena_size(&fm)), ANNE_OK);
        for (i = 0; i < 3; i++) {
            float e = fabsf(yq[i] - yf[i]);
            if (e > worst) worst = e;
        }
    }
    /* softmax probabilities: the int8 output's step is 1/256 (0.004); the layers before add their
     * rounding (measured: 0.018 at most over these 200 rows) */
    print_message("int8 graph against its float twin: largest difference of a probability %.4f\n", (double)worst);
    if (worst > 0.03f) fail_msg("the int8 graph is %g from its float twin", (double)worst);
    free(qa), free(fa), free(qb), free(fb);
}

/* The poolings: t0 (8, 6, 3) -> max pool 2x2 stride 2 -> t1 (4, 3, 3) -> average pool 3x3 'same' ->
 * t2 (4, 3, 3) -> global average (TFLite's MEAN, into another quantization) -> t3 (3) -> dense -> t4 (2).
 * The poolings keep their input's quantization; one clamp is narrower than int8. */
typedef struct pmodel {
    anne_tensor t[5];
    anne_op op[4];
    int32_t pool_aux[2][2], mean_aux[2], dense_aux[2 + 2 * 2], bias[2];
    int8_t kernel[6];
    anne_graph_desc d;
} pmodel;

static void make_pools(pmodel *m) {
    static const uint16_t dims[5][3] = {{8, 6, 3}, {4, 3, 3}, {4, 3, 3}, {3, 1, 1}, {2, 1, 1}};
    const float ws[2] = {0.01f, 0.02f};
    uint32_t i, at = 0;
    memset(m, 0, sizeof *m);
    for (i = 0; i < 5; i++) {
        shape(&m->t[i], i < 3 ? 3 : 1, dims[i][0], dims[i][1], dims[i][2]);
        m->t[i].scale = i < 3 ? 0.03f : i == 3 ? 0.01f : 0.02f;
        m->t[i].zero_point = i < 3 ? -7 : i == 3 ? 4 : -1;
        m->t[i].offset = at;
        at += (uint32_t)(dims[i][0] * dims[i][1] * dims[i][2] + 3u) & ~3u;
    }
    m->op[0].kind = ANNE_OP_MAX_POOL2D;
    m->op[0].attr[0] = m->op[0].attr[1] = m->op[0].attr[2] = m->op[0].attr[3] = 2;
    m->op[1].kind = ANNE_OP_AVG_POOL2D;
    m->op[1].attr[0] = m->op[1].attr[1] = 3, m->op[1].attr[2] = m->op[1].attr[3] = 1;
    m->op[1].attr[6] = m->op[1].attr[7] = 1; /* 'same' */
    m->op[0].attr[4] = m->op[0].attr[5] = m->op[1].attr[4] = m->op[1].attr[5] = 1;
    m->pool_aux[0][0] = -128, m->pool_aux[0][1] = 127;
    m->pool_aux[1][0] = -100, m->pool_aux[1][1] = 90;
    m->op[0].aux = m->pool_aux[0], m->op[1].aux = m->pool_aux[1], m->op[0].aux_size = m->op[1].aux_size = 8;
    m->op[2].kind = ANNE_OP_GLOBAL_AVG_POOL, m->op[2].aux = m->mean_aux, m->op[2].aux_size = 8;
    {
        anne_s8_mean_params mp;
        anne_error err;
        assert_int_equal(anne_s8_mean_prepare(m->t[2].scale, m->t[2].zero_point, m->t[3].scale, m->t[3].zero_point,
                                              12, &mp, &err),
                         0);
        m->mean_aux[0] = mp.multiplier, m->mean_aux[1] = mp.shift;
    }
    for (i = 0; i < 6; i++) m->kernel[i] = (int8_t)(37 * (int)i - 90);
    m->bias[0] = 300, m->bias[1] = -200;
    weighted_aux(m->dense_aux, 2, m->t[3].scale, ws, m->t[4].scale, -128);
    m->op[3].kind = ANNE_OP_DENSE, m->op[3].aux = m->dense_aux, m->op[3].aux_size = sizeof m->dense_aux;
    m->op[3].kernel = m->kernel, m->op[3].kernel_size = 6, m->op[3].bias = m->bias, m->op[3].bias_size = 8;
    for (i = 0; i < 4; i++) m->op[i].n_inputs = 1, m->op[i].inputs[0] = (uint16_t)i, m->op[i].output = (uint16_t)(i + 1u);
    m->d.n_tensors = 5, m->d.tensors = m->t, m->d.n_ops = 4, m->d.ops = m->op;
    m->d.arena_bytes = m->t[4].offset + 2u;
}

/* The poolings run as their kernels called one by one, and refuse a changed quantization or clamp. */
static void test_poolings(void **state) {
    pmodel m;
    anne_model am;
    size_t size, s, i;
    uint8_t *b, *arena;
    float row[144], y[2], want[2];
    int8_t x0[144], x1[36], x2[36], x3[3], x4[2];
    anne_window_params p;
    anne_s8_mean_params mp;
    anne_s8_dense_params q;
    (void)state;
    make_pools(&m);
    b = anne_test_graph_bytes(&m.d, &size);
    assert_int_equal(anne_model_load(&am, b, size), ANNE_OK);
    arena = malloc(anne_model_arena_size(&am));
    assert_non_null(arena);
    for (s = 0; s < 100; s++) {
        for (i = 0; i < 144; i++) row[i] = (float)sin((double)(s * 144 + i) * 0.41) * 4.0f;
        assert_int_equal(anne_model_predict(&am, y, row, arena, anne_model_arena_size(&am)), ANNE_OK);
        for (i = 0; i < 144; i++) x0[i] = anne_s8_quantize(row[i], m.t[0].scale, m.t[0].zero_point);
        p.in.h = 8, p.in.w = 6, p.in.c = 3, p.out.h = 4, p.out.w = 3, p.out.c = 3;
        p.win = (const anne_window *)(const void *)m.op[0].attr;
        anne_max_pool2d_forward_s8(x1, x0, &p, -128, 127);
        p.in = p.out, p.win = (const anne_window *)(const void *)m.op[1].attr;
        anne_avg_pool2d_forward_s8(x2, x1, &p, -100, 90);
        mp.in_zp = m.t[2].zero_point, mp.out_zp = m.t[3].zero_point, mp.multiplier = m.mean_aux[0], mp.shift = m.mean_aux[1];
        anne_mean_forward_s8(x3, x2, 12, 3, &mp);
        q.in_zp = m.t[3].zero_point, q.out_zp = m.t[4].zero_point, q.act_min = -128, q.act_max = 127;
        q.multiplier = &m.dense_aux[2], q.shift = &m.dense_aux[4];
        anne_dense_forward_s8(x4, x3, m.kernel, m.bias, 3, 2, &q);
        for (i = 0; i < 2; i++) want[i] = anne_s8_dequantize(x4[i], m.t[4].scale, m.t[4].zero_point);
        if (memcmp(y, want, sizeof y) != 0) fail_msg("sample %zu: %g %g, the kernels give %g %g", s, (double)y[0], (double)y[1], (double)want[0], (double)want[1]);
    }
    free(arena), free(b);
    for (i = 0; i < 4; i++) { /* each refused when written */
        anne_status want_st = i < 2 ? ANNE_ERR_BAD_VALUE : i == 2 ? ANNE_ERR_BAD_VALUE : ANNE_ERR_BAD_ACTIVATION;
        anne_status st;
        make_pools(&m);
        if (i == 0) m.t[1].zero_point = -6;         /* a max pooling that would requantize */
        else if (i == 1) m.pool_aux[1][0] = 91;     /* an empty clamp */
        else if (i == 2) m.mean_aux[1] = 31;        /* a shift out of range */
        else m.op[2].activation = ANNE_ACT_RELU;    /* MEAN has no fused activation */
        st = write_status(&m.d);
        if (st != want_st) fail_msg("pooling case %zu: %s, expected %s", i, anne_status_str(st), anne_status_str(want_st));
    }
}

/* Values changed in the description (each written, then loaded by the writer's own check): refused with
 * the status docs/format.md gives. */
static void test_bad_values_refused(void **state) {
    static const struct {
        const char *what;
        anne_status want;
    } cases[] = {
        {"a clamp above 127", ANNE_ERR_BAD_VALUE},
        {"an empty clamp", ANNE_ERR_BAD_VALUE},
        {"a negative multiplier", ANNE_ERR_BAD_VALUE},
        {"a shift of 31", ANNE_ERR_BAD_VALUE},
        {"a weight of -128", ANNE_ERR_BAD_VALUE},
        {"a bias the accumulator cannot hold", ANNE_ERR_BAD_VALUE},
        {"a reshape that changes the scale", ANNE_ERR_BAD_VALUE},
        {"softmax's output not 1/256", ANNE_ERR_BAD_VALUE},
        {"an exp table not starting at 1.0", ANNE_ERR_BAD_VALUE},
        {"a zero point of 128", ANNE_ERR_BAD_VALUE},
        {"a scale of 0", ANNE_ERR_BAD_VALUE},
        {"a float tensor among int8 ones", ANNE_ERR_UNSUPPORTED_DTYPE},
        {"a permutation (no int8 kernel for it)", ANNE_ERR_UNSUPPORTED_DTYPE},
        {"a conv with tanh fused", ANNE_ERR_BAD_ACTIVATION},
        {"an aux record missing", ANNE_ERR_NULL_ARG},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qmodel m;
        anne_status st;
        make(&m, 5u, 1);
        switch (i) {
        case 0: m.aux0[1] = 128; break;
        case 1: m.aux1[0] = 10, m.aux1[1] = 9; break;
        case 2: m.aux1[2 + 3] = -1; break;
        case 3: m.aux3[2 + 3 + 1] = 31; break;
        case 4: m.k1[7] = -128; break;
        case 5: m.b3[2] = INT32_MAX - 32 * 127 * 255 + 1; break;
        case 6: m.t[3].scale = 0.07f; break;
        case 7: m.t[5].scale = 1.0f / 255.0f; break;
        case 8: m.table.exp[0] = 32767; break;
        case 9: m.t[2].zero_point = 128; break;
        case 10: m.t[4].scale = 0.0f; break;
        case 11: m.t[2].dtype = ANNE_DTYPE_F32; break;
        case 12: /* the activation op as a permutation of its one axis: a kind int8 graphs do not run */
            m.op[4].kind = ANNE_OP_PERMUTE, m.op[4].activation = ANNE_ACT_LINEAR, m.op[4].aux = NULL;
            m.op[4].aux_size = 0;
            break;
        case 13: m.op[0].activation = ANNE_ACT_TANH; break;
        default: m.op[3].aux = NULL; break;
        }
        st = write_status(&m.d);
        if (st != cases[i].want) {
            fail_msg("%s: %s, expected %s", cases[i].what, anne_status_str(st), anne_status_str(cases[i].want));
        }
    }
}

/* A QUANT section of the wrong size, or none, in a file of int8 tensors; and one in a float32 graph. */
static void test_quant_section(void **state) {
    qmodel m;
    size_t size, q;
    uint8_t *b, *d;
    anne_model am;
    uint32_t i, n;
    (void)state;
    make(&m, 3u, 1);
    b = anne_test_graph_bytes(&m.d, &size);
    d = aligned_alloc(4, size);
    assert_non_null(d);
    q = anne_test_section(b, 8);
    n = (uint32_t)b[16] | (uint32_t)b[17] << 8;
    for (i = 0; i < n; i++) { /* the QUANT entry's size one record short */
        uint8_t *e = d + 20 + 12 * i;
        memcpy(d, b, size);
        if (e[0] != 8) continue;
        e[8] = (uint8_t)(e[8] - 8u);
        anne_test_fix_crc(d, size);
        assert_int_equal(anne_model_load(&am, d, size), ANNE_ERR_BAD_SECTION);
        e[0] = 9; /* an unknown type (skipped): no QUANT section at all */
        e[8] = (uint8_t)(e[8] + 8u);
        anne_test_fix_crc(d, size);
        assert_int_equal(anne_model_load(&am, d, size), ANNE_ERR_MISSING_SECTION);
    }
    memcpy(d, b, size); /* every tensor float32: then the QUANT section is out of place */
    for (i = 0; i < N_T; i++) d[anne_test_section(b, 6) + 8u + 16u * i] = ANNE_DTYPE_F32;
    anne_test_fix_crc(d, size);
    assert_int_equal(anne_model_load(&am, d, size), ANNE_ERR_BAD_SECTION);
    (void)q;
    free(d), free(b);
}

/* The merges: t0 (4, 3, 2) input -> leaky relu (a table) -> t1; ADD(t0, t1) with relu -> t2; global
 * average -> t3 (2); MULTIPLY(t2, t3) broadcast, in t2's place -> t4; SUBTRACT(t4, t1) -> t5;
 * CONCAT(t5, t1, t4) on the channels -> t6 (4, 3, 6), t5 copied, t1 and t4 through tables; ZERO_PAD2D
 * top 1, left 2 -> t7 (6, 6, 6), padded with its zero point. Every tensor quantized differently but
 * where TFLite's rules want the same. */
#define M_T 8
#define M_OPS 7

typedef struct mmodel {
    anne_tensor t[M_T];
    anne_op op[M_OPS];
    int8_t leaky[256];
    int32_t add_aux[9], mean_aux[2], mul_aux[4], sub_aux[9];
    struct {
        uint32_t mask;
        int8_t table[2][256];
    } concat;
    anne_s8_leaky_relu_params lp;
    anne_s8_add_params add, sub;
    anne_s8_mul_params mul;
    anne_s8_mean_params mean;
    anne_graph_desc d;
} mmodel;

static void add_aux(int32_t *aux, const anne_s8_add_params *p) {
    aux[0] = p->act_min, aux[1] = p->act_max, aux[2] = p->left_shift, aux[3] = p->in1_multiplier;
    aux[4] = p->in1_shift, aux[5] = p->in2_multiplier, aux[6] = p->in2_shift, aux[7] = p->out_multiplier;
    aux[8] = p->out_shift;
}

static void make_merges(mmodel *m) {
    static const float scale[M_T] = {0.05f, 0.04f, 0.07f, 0.03f, 0.1f, 0.09f, 0.09f, 0.09f};
    static const int32_t zp[M_T] = {3, -10, 5, -2, 0, 1, 1, 1};
    static const uint16_t dims[M_T][3] = {{4, 3, 2}, {4, 3, 2}, {4, 3, 2}, {2, 1, 1},
                                          {4, 3, 2}, {4, 3, 2}, {4, 3, 6}, {6, 6, 6}};
    anne_error err;
    uint32_t i, at = 0;
    memset(m, 0, sizeof *m);
    for (i = 0; i < M_T; i++) {
        shape(&m->t[i], i == 3 ? 1 : 3, dims[i][0], dims[i][1], dims[i][2]);
        m->t[i].scale = scale[i], m->t[i].zero_point = zp[i];
        m->t[i].offset = i == 4 ? m->t[2].offset : at; /* the product in place of its first input */
        if (i != 4) at += (uint32_t)(dims[i][0] * dims[i][1] * dims[i][2] + 3u) & ~3u;
    }
    assert_int_equal(anne_s8_leaky_relu_prepare(scale[0], zp[0], scale[1], zp[1], 0.3f, &m->lp, &err), 0);
    anne_leaky_relu_s8_table(m->leaky, &m->lp);
    assert_int_equal(anne_s8_add_prepare(scale[0], zp[0], scale[1], zp[1], scale[2], zp[2], 0, &m->add, &err), 0);
    m->add.act_min = zp[2]; /* a fused relu */
    add_aux(m->add_aux, &m->add);
    assert_int_equal(anne_s8_mean_prepare(scale[2], zp[2], scale[3], zp[3], 12, &m->mean, &err), 0);
    m->mean_aux[0] = m->mean.multiplier, m->mean_aux[1] = m->mean.shift;
    assert_int_equal(anne_s8_mul_prepare(scale[2], zp[2], scale[3], zp[3], scale[4], zp[4], &m->mul, &err), 0);
    m->mul_aux[0] = -128, m->mul_aux[1] = 127, m->mul_aux[2] = m->mul.multiplier, m->mul_aux[3] = m->mul.shift;
    assert_int_equal(anne_s8_add_prepare(scale[4], zp[4], scale[1], zp[1], scale[5], zp[5], 1, &m->sub, &err), 0);
    add_aux(m->sub_aux, &m->sub);
    m->concat.mask = 6u; /* inputs 2 and 3 (t1, t4) requantized */
    assert_int_equal(anne_s8_concat_table(scale[1], zp[1], scale[6], zp[6], m->concat.table[0], &err), 0);
    assert_int_equal(anne_s8_concat_table(scale[4], zp[4], scale[6], zp[6], m->concat.table[1], &err), 0);

    m->op[0].kind = ANNE_OP_ACTIVATION, m->op[0].activation = ANNE_ACT_LEAKY_RELU, m->op[0].param[0] = 0.3f;
    m->op[0].aux = m->leaky, m->op[0].aux_size = 256;
    m->op[1].kind = ANNE_OP_ADD, m->op[1].activation = ANNE_ACT_RELU, m->op[1].param[1] = INFINITY;
    m->op[1].inputs[1] = 1, m->op[1].aux = m->add_aux, m->op[1].aux_size = sizeof m->add_aux;
    m->op[2].kind = ANNE_OP_GLOBAL_AVG_POOL, m->op[2].inputs[0] = 2, m->op[2].aux = m->mean_aux, m->op[2].aux_size = 8;
    m->op[3].kind = ANNE_OP_MULTIPLY, m->op[3].inputs[0] = 2, m->op[3].inputs[1] = 3;
    m->op[3].aux = m->mul_aux, m->op[3].aux_size = sizeof m->mul_aux;
    m->op[4].kind = ANNE_OP_SUBTRACT, m->op[4].inputs[0] = 4, m->op[4].inputs[1] = 1;
    m->op[4].aux = m->sub_aux, m->op[4].aux_size = sizeof m->sub_aux;
    m->op[5].kind = ANNE_OP_CONCAT, m->op[5].n_inputs = 3, m->op[5].attr[0] = 2;
    m->op[5].inputs[0] = 5, m->op[5].inputs[1] = 1, m->op[5].inputs[2] = 4;
    m->op[5].aux = &m->concat, m->op[5].aux_size = sizeof m->concat;
    m->op[6].kind = ANNE_OP_ZERO_PAD2D, m->op[6].inputs[0] = 6, m->op[6].attr[0] = 1, m->op[6].attr[1] = 2;
    for (i = 0; i < M_OPS; i++) {
        if (m->op[i].n_inputs == 0) m->op[i].n_inputs = m->op[i].inputs[1] != 0 ? 2 : 1;
        m->op[i].output = (uint16_t)(i + 1u);
    }
    m->d.name = "int8 merges";
    m->d.n_tensors = M_T, m->d.tensors = m->t, m->d.n_ops = M_OPS, m->d.ops = m->op;
    m->d.arena_bytes = m->t[7].offset + 216u;
}

/* The merges by their int64 references (test_s8_ops_ref.h: TFLite's formulas from the integer
 * parameters), value by value with the indices written out; x0 the quantized input, y the output. */
static void merges_by_reference(const mmodel *m, const int8_t *x0, int8_t *y) {
    int8_t x1[24], x2[24], x3[2], x4[24], x5[24], x6[72];
    uint32_t i, c, r, yy, xx;
    for (i = 0; i < 24; i++) x1[i] = (int8_t)reference_leaky(x0[i], &m->lp);
    for (i = 0; i < 24; i++) x2[i] = (int8_t)reference_add(x0[i], x1[i], &m->add);
    for (c = 0; c < 2; c++) { /* TFLite's MEAN: the sum less n zero points, requantized */
        int32_t sum = 0;
        for (i = 0; i < 12; i++) sum += x2[2 * i + c] - m->t[2].zero_point;
        x3[c] = (int8_t)ref_clamp64((int64_t)ref_requantize(sum, m->mean.multiplier, m->mean.shift) + m->t[3].zero_point,
                                    -128, 127);
    }
    for (i = 0; i < 24; i++) x4[i] = (int8_t)reference_mul(x2[i], x3[i % 2], &m->mul);
    for (i = 0; i < 24; i++) x5[i] = (int8_t)reference_add(x4[i], x1[i], &m->sub);
    for (r = 0; r < 12; r++) { /* (4 x 3 positions, 6 channels): t5's 2, t1's 2, t4's 2 */
        for (c = 0; c < 2; c++) {
            x6[6 * r + c] = x5[2 * r + c];
            x6[6 * r + 2 + c] = (int8_t)reference_concat(x1[2 * r + c], m->t[1].scale, m->t[1].zero_point,
                                                         m->t[6].scale, m->t[6].zero_point);
            x6[6 * r + 4 + c] = (int8_t)reference_concat(x4[2 * r + c], m->t[4].scale, m->t[4].zero_point,
                                                         m->t[6].scale, m->t[6].zero_point);
        }
    }
    for (yy = 0; yy < 6; yy++) {
        for (xx = 0; xx < 6; xx++) {
            for (c = 0; c < 6; c++) {
                int inside = yy >= 1 && yy < 5 && xx >= 2 && xx < 5;
                y[(yy * 6 + xx) * 6 + c] = inside ? x6[((yy - 1) * 3 + xx - 2) * 6 + c] : (int8_t)m->t[7].zero_point;
            }
        }
    }
}

/* The merges by their kernels, called one by one (the product in place of its first input, as the
 * graph runs it). */
static void merges_by_kernels(const mmodel *m, const int8_t *x0, int8_t *y) {
    int8_t x1[24], x2[24], x3[2], x5[24], x6[72];
    const int8_t *in[3], *lut[3];
    uint32_t inner[3] = {2, 2, 2};
    anne_broadcast_params b = {ANNE_MERGE_MULTIPLY, {1, 4, 3, 2}, {1, 4, 3, 2}, {1, 1, 1, 2}};
    anne_spatial_params sp = {{4, 3, 6}, {6, 6, 6}, 1, 2};
    memcpy(x1, x0, sizeof x1);
    anne_activation_forward_s8_lut(x1, 24, m->leaky);
    anne_add_forward_s8(x2, x0, x1, 24, &m->add);
    anne_mean_forward_s8(x3, x2, 12, 2, &m->mean);
    anne_mul_broadcast_forward_s8(x2, x2, x3, &b, &m->mul); /* x2 is t4 from here */
    anne_add_forward_s8(x5, x2, x1, 24, &m->sub);
    in[0] = x5, in[1] = x1, in[2] = x2;
    lut[0] = NULL, lut[1] = m->concat.table[0], lut[2] = m->concat.table[1];
    anne_concat_forward_s8(x6, in, inner, 3, 12, lut);
    anne_pad2d_forward_s8(y, x6, &sp, (int8_t)m->t[7].zero_point);
}

static void test_merges(void **state) {
    mmodel m;
    anne_model am;
    size_t size, s, i;
    uint8_t *b, *arena;
    float row[24], y[216];
    int8_t x0[24], by_ref[216], by_kernel[216], got[216];
    (void)state;
    make_merges(&m);
    b = anne_test_graph_bytes(&m.d, &size);
    assert_int_equal(anne_model_load(&am, b, size), ANNE_OK);
    assert_int_equal(am.n_outputs, 216);
    arena = malloc(anne_model_arena_size(&am));
    assert_non_null(arena);
    for (s = 0; s < 300; s++) {
        for (i = 0; i < 24; i++) row[i] = (float)sin((double)(s * 24 + i) * 0.53) * (1.0f + (float)(s % 7u));
        assert_int_equal(anne_model_predict(&am, y, row, arena, anne_model_arena_size(&am)), ANNE_OK);
        for (i = 0; i < 24; i++) x0[i] = anne_s8_quantize(row[i], m.t[0].scale, m.t[0].zero_point);
        merges_by_reference(&m, x0, by_ref);
        merges_by_kernels(&m, x0, by_kernel);
        for (i = 0; i < 216; i++) {
            got[i] = (int8_t)lroundf(y[i] / m.t[7].scale + (float)m.t[7].zero_point);
            if (anne_s8_dequantize(got[i], m.t[7].scale, m.t[7].zero_point) != y[i]) fail_msg("output %zu is no step", i);
        }
        if (memcmp(got, by_kernel, sizeof got) != 0) fail_msg("sample %zu: the graph differs from its kernels", s);
        if (memcmp(got, by_ref, sizeof got) != 0) fail_msg("sample %zu: the graph differs from the int64 reference", s);
    }
    free(arena), free(b);
}

/* Each damaged aux field or quantization of the merges refused with its status. */
static void test_merges_refused(void **state) {
    static const struct {
        const char *what;
        anne_status want;
    } cases[] = {
        {"ADD: a left shift of 23", ANNE_ERR_BAD_VALUE},
        {"ADD: a negative input multiplier", ANNE_ERR_BAD_VALUE},
        {"ADD: an input shift of 1", ANNE_ERR_BAD_VALUE},
        {"ADD: an output shift of -32", ANNE_ERR_BAD_VALUE},
        {"ADD: a negative input 2 multiplier", ANNE_ERR_BAD_VALUE},
        {"ADD: an empty clamp", ANNE_ERR_BAD_VALUE},
        {"ADD: an input 2 shift of 1", ANNE_ERR_BAD_VALUE},
        {"ADD: a negative output multiplier", ANNE_ERR_BAD_VALUE},
        {"ADD: a clamp below -128", ANNE_ERR_BAD_VALUE},
        {"SUBTRACT: input 2's multiplier not negated", ANNE_ERR_BAD_VALUE},
        {"SUBTRACT: input 2's multiplier -2^31", ANNE_ERR_BAD_VALUE},
        {"MULTIPLY: a shift of 31", ANNE_ERR_BAD_VALUE},
        {"MULTIPLY: a negative multiplier", ANNE_ERR_BAD_VALUE},
        {"CONCAT: a table for a fourth input", ANNE_ERR_BAD_VALUE},
        {"CONCAT: a copied input of another scale", ANNE_ERR_BAD_VALUE},
        {"ZERO_PAD2D: an output of another zero point", ANNE_ERR_BAD_VALUE},
        {"ADD with tanh", ANNE_ERR_BAD_ACTIVATION},
        {"CONCAT with relu", ANNE_ERR_BAD_ACTIVATION},
        {"ZERO_PAD2D with relu", ANNE_ERR_BAD_ACTIVATION},
        {"ADD of three inputs", ANNE_ERR_BAD_LAYER},
        {"MULTIPLY without its aux record", ANNE_ERR_NULL_ARG},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mmodel m;
        anne_status st;
        make_merges(&m);
        switch (i) {
        case 0: m.add_aux[2] = 23; break;
        case 1: m.add_aux[3] = -5; break;
        case 2: m.add_aux[4] = 1; break;
        case 3: m.add_aux[8] = -32; break;
        case 4: m.add_aux[5] = -m.add_aux[5]; break;
        case 5: m.add_aux[0] = 50, m.add_aux[1] = 49; break;
        case 6: m.add_aux[6] = 1; break;
        case 7: m.add_aux[7] = -3; break;
        case 8: m.add_aux[0] = -129; break;
        case 9: m.sub_aux[5] = -m.sub_aux[5]; break;
        case 10: m.sub_aux[5] = INT32_MIN; break;
        case 11: m.mul_aux[3] = 31; break;
        case 12: m.mul_aux[2] = -1; break;
        case 13: m.concat.mask |= 8u; break;
        case 14: m.concat.mask = 4u, m.op[5].aux_size = 4u + 256u; break; /* t1 copied */
        case 15: m.t[7].zero_point = 2; break;
        case 16: m.op[1].activation = ANNE_ACT_TANH, m.op[1].param[1] = 0.0f; break;
        case 17: m.op[5].activation = ANNE_ACT_RELU, m.op[5].param[1] = INFINITY; break;
        case 18: m.op[6].activation = ANNE_ACT_RELU, m.op[6].param[1] = INFINITY; break;
        case 19: m.op[1].n_inputs = 3, m.op[1].inputs[2] = 0; break;
        default: m.op[3].aux = NULL; break;
        }
        st = write_status(&m.d);
        if (st != cases[i].want) {
            fail_msg("%s: %s, expected %s", cases[i].what, anne_status_str(st), anne_status_str(cases[i].want));
        }
    }
}

/* Every byte of the file of *d flipped (three ways), the CRC made right: a status; a file that loads
 * runs in its own arena size. Every truncation: a status. */
static void flip_every_byte(const anne_graph_desc *d, const char *what) {
    size_t size, i, k, loaded = 0;
    uint8_t *b, *c, *arena;
    static const uint8_t flips[3] = {0x01, 0x80, 0xFF};
    anne_model am;
    float row[256], y[1024]; /* the merges' 216 outputs; a flip can grow a tensor only within the arena */
    b = anne_test_graph_bytes(d, &size);
    c = aligned_alloc(4, size);
    assert_non_null(c);
    for (i = 0; i < 256; i++) row[i] = (float)i * 0.05f - 3.0f;
    for (i = 0; i < size; i++) {
        for (k = 0; k < 3; k++) {
            memcpy(c, b, size);
            c[i] ^= flips[k];
            anne_test_fix_crc(c, size);
            if (anne_model_load(&am, c, size) != ANNE_OK) continue;
            loaded++;
            assert_true(am.n_inputs <= 256 && am.n_outputs <= 1024);
            arena = malloc(anne_model_arena_size(&am) + 1u);
            assert_non_null(arena);
            assert_int_equal(anne_model_predict(&am, y, row, arena, anne_model_arena_size(&am)), ANNE_OK);
            free(arena);
        }
    }
    for (i = 0; i < size; i++) assert_int_not_equal(anne_model_load(&am, b, i), ANNE_OK);
    print_message("%s: %zu of %zu flipped files still load (weights, scales, tables) and run\n", what, loaded,
                  3 * size);
    free(c), free(b);
}

static void test_damaged_int8_files(void **state) {
    qmodel m;
    pmodel p;
    mmodel mm;
    (void)state;
    make(&m, 9u, 1);
    flip_every_byte(&m.d, "the int8 CNN");
    make_pools(&p);
    flip_every_byte(&p.d, "the poolings");
    make_merges(&mm);
    flip_every_byte(&mm.d, "the merges, concatenation and padding");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_like_its_kernels),   cmocka_unit_test(test_close_to_its_float_twin),
        cmocka_unit_test(test_bad_values_refused),      cmocka_unit_test(test_quant_section),
        cmocka_unit_test(test_damaged_int8_files),      cmocka_unit_test(test_poolings),
        cmocka_unit_test(test_merges),                  cmocka_unit_test(test_merges_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
