/* Graph models (format 2) end to end in the runtime: written with anne_graph_write(), loaded, run by
 * anne_model_predict(), and compared bit for bit with the same kernels called by hand with the shapes
 * and windows this test states (so a field that reaches the wrong kernel argument shows); the memory
 * plan (separate places, reused places, in place) gives the same bits; and damaged files (every byte
 * flipped with the CRC made right again, every truncation, hand-made bad records) get a status, never
 * an access outside the model or the arena (ASan runs this test too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_import.h"
#include "anne_ops.h"
#include "test_support.h"

/* ---- building graphs ---------------------------------------------------------------------------- */

#define MAX_T 12

typedef struct graph {
    anne_tensor t[MAX_T];
    anne_op op[MAX_T];
    uint16_t n_ops;
    uint32_t arena;
} graph;

static uint64_t seed = 1;

static float rnd(void) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((int)(seed >> 40 & 0xFFFF) - 32768) / 16384.0f;
}

static float *randoms(size_t n) {
    float *x = malloc(n * sizeof *x);
    size_t i;
    assert_non_null(x);
    for (i = 0; i < n; i++) x[i] = rnd();
    return x;
}

static void set_tensor(graph *g, uint16_t i, uint8_t rank, uint16_t d0, uint16_t d1, uint16_t d2) {
    anne_tensor *t = &g->t[i];
    memset(t, 0, sizeof *t);
    t->dtype = ANNE_DTYPE_F32;
    t->rank = rank;
    t->dims[0] = d0;
    t->dims[1] = rank > 1 ? d1 : 1;
    t->dims[2] = rank > 2 ? d2 : 1;
    t->dims[3] = 1;
}

static uint32_t bytes_of(const anne_tensor *t) {
    return 4u * t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

/* The next op: writes tensor n_ops + 1 (shape given) from the inputs. */
static anne_op *add_op(graph *g, anne_op_kind kind, uint8_t n_in, const uint16_t *in, uint8_t rank, uint16_t d0,
                       uint16_t d1, uint16_t d2) {
    anne_op *op = &g->op[g->n_ops];
    uint8_t k;
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->activation = ANNE_ACT_LINEAR;
    op->n_inputs = n_in;
    for (k = 0; k < n_in; k++) op->inputs[k] = in[k];
    op->output = (uint16_t)(g->n_ops + 1u);
    set_tensor(g, op->output, rank, d0, d1, d2);
    g->n_ops++;
    return op;
}

static void set_window(anne_op *op, uint16_t kh, uint16_t kw, uint16_t sh, uint16_t sw, uint16_t dh, uint16_t dw,
                       uint16_t pt, uint16_t pl) {
    uint16_t a[8] = {kh, kw, sh, sw, dh, dw, pt, pl};
    memcpy(op->attr, a, sizeof a);
}

/* Every tensor in a place of its own, one after the other (always a valid plan). */
static void plan_separate(graph *g) {
    uint32_t at = 0, i;
    for (i = 0; i <= g->n_ops; i++) {
        g->t[i].offset = at;
        at += bytes_of(&g->t[i]);
    }
    g->arena = at;
}

/* The arena: up to the end of the furthest tensor (the loader wants it exact). */
static void fit_arena(graph *g) {
    uint32_t i;
    g->arena = 0;
    for (i = 0; i <= g->n_ops; i++) {
        if (g->t[i].offset + bytes_of(&g->t[i]) > g->arena) g->arena = g->t[i].offset + bytes_of(&g->t[i]);
    }
}

static uint8_t *write_graph(const graph *g, size_t *size) {
    anne_graph_desc d;
    uint8_t *b;
    memset(&d, 0, sizeof d);
    d.name = "test graph";
    d.n_tensors = (uint16_t)(g->n_ops + 1u);
    d.tensors = g->t;
    d.n_ops = g->n_ops;
    d.ops = g->op;
    d.arena_bytes = g->arena;
    assert_int_equal(anne_graph_write(&d, NULL, 0, size), ANNE_OK);
    b = aligned_alloc(4, (*size + 3u) & ~(size_t)3u);
    assert_non_null(b);
    assert_int_equal(anne_graph_write(&d, b, *size, size), ANNE_OK);
    return b;
}

/* The model's output, run in an arena of exactly its size on the heap (ASan sees any overrun). */
static anne_status run(const uint8_t *bytes, size_t size, const float *in, float *out) {
    anne_model m;
    anne_status st = anne_model_load(&m, bytes, size);
    float *arena;
    if (st != ANNE_OK) return st;
    arena = malloc(anne_model_arena_size(&m) + 4u);
    assert_non_null(arena);
    st = anne_model_predict(&m, out, in, arena, anne_model_arena_size(&m));
    free(arena);
    return st;
}

/* ---- a small CNN: (8, 8, 2) -> conv 3x3 same relu (4) -> max pool 2x2 -> depthwise 3x3 valid x2 ->
 * global average -> dense 3 softmax ------------------------------------------------------------- */

typedef struct cnn {
    graph g;
    float *k1, *b1, *k3, *b3, *k5, *b5;
} cnn;

static void make_cnn(cnn *c) {
    uint16_t in;
    anne_op *op;
    memset(c, 0, sizeof *c);
    set_tensor(&c->g, 0, 3, 8, 8, 2);
    c->k1 = randoms(4 * 3 * 3 * 2);
    c->b1 = randoms(4);
    c->k3 = randoms(3 * 3 * 8);
    c->b3 = randoms(8);
    c->k5 = randoms(3 * 8);
    c->b5 = randoms(3);
    in = 0;
    op = add_op(&c->g, ANNE_OP_CONV2D, 1, &in, 3, 8, 8, 4); /* 'same': pad 1 on each side */
    set_window(op, 3, 3, 1, 1, 1, 1, 1, 1);
    op->kernel = c->k1, op->kernel_size = 4 * 3 * 3 * 2 * 4;
    op->bias = c->b1, op->bias_size = 4 * 4;
    op->activation = ANNE_ACT_RELU;
    op->param[1] = INFINITY; /* relu: negative_slope 0, max_value none, threshold 0 */
    in = 1;
    op = add_op(&c->g, ANNE_OP_MAX_POOL2D, 1, &in, 3, 4, 4, 4);
    set_window(op, 2, 2, 2, 2, 1, 1, 0, 0);
    in = 2;
    op = add_op(&c->g, ANNE_OP_DEPTHWISE_CONV2D, 1, &in, 3, 2, 2, 8); /* 'valid', multiplier 2 */
    set_window(op, 3, 3, 1, 1, 1, 1, 0, 0);
    op->kernel = c->k3, op->kernel_size = 3 * 3 * 8 * 4;
    op->bias = c->b3, op->bias_size = 8 * 4;
    in = 3;
    add_op(&c->g, ANNE_OP_GLOBAL_AVG_POOL, 1, &in, 1, 8, 1, 1);
    in = 4;
    op = add_op(&c->g, ANNE_OP_DENSE, 1, &in, 1, 3, 1, 1);
    op->kernel = c->k5, op->kernel_size = 3 * 8 * 4;
    op->bias = c->b5, op->bias_size = 3 * 4;
    op->activation = ANNE_ACT_SOFTMAX;
}

static void free_cnn(cnn *c) {
    free(c->k1), free(c->b1), free(c->k3), free(c->b3), free(c->k5), free(c->b5);
}

/* The same network by hand: the kernels with the shapes and windows written out here. */
static void cnn_by_hand(const cnn *c, const float *x, float *y) {
    float a1[8 * 8 * 4], a2[4 * 4 * 4], a3[2 * 2 * 8], a4[8];
    anne_hwc s0 = {8, 8, 2}, s1 = {8, 8, 4}, s2 = {4, 4, 4}, s3 = {2, 2, 8};
    anne_window conv = {3, 3, 1, 1, 1, 1, 1, 1}, pool = {2, 2, 2, 2, 1, 1, 0, 0}, dw = {3, 3, 1, 1, 1, 1, 0, 0};
    float relu[3] = {0.0f, INFINITY, 0.0f};
    anne_conv2d_forward_f32(a1, x, c->k1, c->b1, &(anne_window_params){s0, s1, &conv});
    anne_activation_forward_f32(a1, 8 * 8 * 4, ANNE_ACT_RELU, relu);
    anne_max_pool2d_forward_f32(a2, a1, &(anne_window_params){s1, s2, &pool});
    anne_depthwise_conv2d_forward_f32(a3, a2, c->k3, c->b3, &(anne_window_params){s2, s3, &dw});
    anne_global_avg_pool_forward_f32(a4, a3, 4, 8);
    anne_dense_forward_f32(y, a4, c->k5, c->b5, 8, 3);
    anne_softmax_rows_f32(y, 1, 3);
}

static void test_cnn_matches_kernels_by_hand(void **state) {
    cnn c;
    size_t size;
    uint8_t *b;
    float *x, got[3], want[3];
    anne_model m;
    int r;
    (void)state;
    make_cnn(&c);
    plan_separate(&c.g);
    b = write_graph(&c.g, &size);
    assert_int_equal(anne_model_load(&m, b, size), ANNE_OK);
    assert_int_equal(m.format_major, 2);
    assert_int_equal(m.n_inputs, 128);
    assert_int_equal(m.n_outputs, 3);
    assert_int_equal(m.n_ops, 5);
    assert_int_equal(m.n_layers, 0);
    assert_int_equal(anne_model_arena_size(&m), c.g.arena);
    for (r = 0; r < 20; r++) {
        x = randoms(128);
        assert_int_equal(run(b, size, x, got), ANNE_OK);
        cnn_by_hand(&c, x, want);
        assert_memory_equal(got, want, sizeof got);
        free(x);
    }
    free(b);
    free_cnn(&c);
}

/* A plan that reuses memory (first fit: tensor 0 at 0, 1 after it, 2 and 4 at 0 again, 3 after 2, the
 * output after 4) gives the same bits in a smaller arena; one that puts an op's output over a tensor it
 * still reads is refused. */
static void test_plan_reuse_and_overlap(void **state) {
    cnn c;
    size_t size1, size2;
    uint8_t *b1, *b2;
    float *x = NULL, y1[3], y2[3];
    anne_graph_desc d;
    (void)state;
    make_cnn(&c);
    plan_separate(&c.g);
    b1 = write_graph(&c.g, &size1);
    /* bytes: t0 512, t1 1024, t2 256, t3 128, t4 32, t5 12 */
    c.g.t[0].offset = c.g.t[2].offset = c.g.t[4].offset = 0;
    c.g.t[1].offset = c.g.t[3].offset = 512;
    c.g.t[5].offset = 0; /* the output over tensor 4, which the dense op reads: refused */
    fit_arena(&c.g);
    memset(&d, 0, sizeof d);
    d.n_tensors = 6, d.tensors = c.g.t, d.n_ops = 5, d.ops = c.g.op, d.arena_bytes = c.g.arena;
    assert_int_equal(anne_graph_write(&d, NULL, 0, &size2), ANNE_OK);
    b2 = aligned_alloc(4, size2);
    assert_int_equal(anne_graph_write(&d, b2, size2, &size2), ANNE_ERR_BAD_LAYER);
    c.g.t[5].offset = 32; /* after tensor 4: fine */
    free(b2);
    b2 = write_graph(&c.g, &size2);
    x = randoms(128);
    assert_int_equal(run(b1, size1, x, y1), ANNE_OK);
    assert_int_equal(run(b2, size2, x, y2), ANNE_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    assert_int_equal(c.g.arena, 1536); /* smaller than the 1964 bytes of all tensors side by side */
    /* the pooling (op 2) writing over its own input (tensor 1): refused */
    c.g.t[2].offset = c.g.t[1].offset;
    fit_arena(&c.g);
    memset(&d, 0, sizeof d);
    d.n_tensors = 6, d.tensors = c.g.t, d.n_ops = 5, d.ops = c.g.op, d.arena_bytes = c.g.arena;
    free(b2);
    b2 = aligned_alloc(4, size2);
    assert_int_equal(anne_graph_write(&d, b2, size2, &size2), ANNE_ERR_BAD_LAYER);
    free(b2), free(b1), free(x);
    free_cnn(&c);
}

/* ---- a 1-D residual graph: (6, 3) -> conv1d k3 same (3) -> add input -> concat input on channels ->
 * flatten -> layer norm -> dense 2 sigmoid; then an activation op in place ------------------------- */

static void test_residual_concat_1d(void **state) {
    graph g;
    float *k = randoms(3 * 3 * 3), *bias = randoms(3), *kd = randoms(2 * 36), *gamma = randoms(36);
    float *x = randoms(18), got[2], want[2], c1[18], a2[18], c3[36], l5[36];
    const float *parts[2];
    uint32_t inner[2] = {3, 3};
    uint16_t in[2];
    anne_op *op;
    anne_hwc s = {1, 6, 3};
    anne_window w = {1, 3, 1, 1, 1, 1, 0, 1};
    float none[3] = {0, 0, 0}, eps = 1e-3f;
    uint32_t eps_bits;
    uint8_t *b;
    size_t size;
    (void)state;
    memset(&g, 0, sizeof g);
    set_tensor(&g, 0, 2, 6, 3, 0);
    in[0] = 0;
    op = add_op(&g, ANNE_OP_CONV2D, 1, in, 2, 6, 3, 0); /* Conv1D: H = 1, kernel (3, 1, 3, 3) */
    set_window(op, 1, 3, 1, 1, 1, 1, 0, 1);
    op->kernel = k, op->kernel_size = 27 * 4, op->bias = bias, op->bias_size = 12;
    in[0] = 1, in[1] = 0;
    add_op(&g, ANNE_OP_ADD, 2, in, 2, 6, 3, 0);
    in[0] = 2, in[1] = 0;
    op = add_op(&g, ANNE_OP_CONCAT, 2, in, 2, 6, 6, 0);
    op->attr[0] = 1; /* the channel axis of (L, C) */
    in[0] = 3;
    add_op(&g, ANNE_OP_RESHAPE, 1, in, 1, 36, 0, 0);
    in[0] = 4;
    op = add_op(&g, ANNE_OP_LAYER_NORM, 1, in, 1, 36, 0, 0);
    memcpy(&eps_bits, &eps, 4);
    op->attr[0] = (uint16_t)(eps_bits & 0xFFFFu), op->attr[1] = (uint16_t)(eps_bits >> 16);
    op->kernel = gamma, op->kernel_size = 36 * 4; /* no beta */
    in[0] = 5;
    op = add_op(&g, ANNE_OP_DENSE, 1, in, 1, 2, 0, 0);
    op->kernel = kd, op->kernel_size = 72 * 4;
    in[0] = 6;
    op = add_op(&g, ANNE_OP_ACTIVATION, 1, in, 1, 2, 0, 0);
    op->activation = ANNE_ACT_SIGMOID;
    plan_separate(&g);
    g.t[7].offset = g.t[6].offset; /* the activation in place over the dense output */
    fit_arena(&g);
    b = write_graph(&g, &size);
    assert_int_equal(run(b, size, x, got), ANNE_OK);

    anne_conv2d_forward_f32(c1, x, k, bias, &(anne_window_params){s, s, &w});
    anne_merge_forward_f32(a2, c1, x, 18, ANNE_MERGE_ADD);
    parts[0] = a2, parts[1] = x;
    anne_concat_forward_f32(c3, parts, inner, 2, 6);
    memcpy(l5, c3, sizeof l5);
    anne_layer_norm_f32(l5, 1, 36, gamma, NULL, eps);
    anne_dense_forward_f32(want, l5, kd, NULL, 36, 2);
    anne_activation_forward_f32(want, 2, ANNE_ACT_SIGMOID, none);
    assert_memory_equal(got, want, sizeof got);
    free(b), free(k), free(bias), free(kd), free(gamma), free(x);
}

/* ---- broadcasting merges and PReLU ------------------------------------------------------------- */

/* (4, 5, 3) -> global average s (3) -> reshape (1, 1, 3) -> multiply with the input (squeeze-and-
 * excitation) -> PReLU per channel -> PReLU per value -> add (1, 1, 3) + (4, 5, 3) (the smaller first)
 * -> maximum of (4, 5, 3), (3) and (1, 1, 3) -> subtract (3) - (4, 5, 3). a1: (3), a2: (60) slopes. */
static void make_se(graph *g, const float *a1, const float *a2) {
    uint16_t in[3];
    anne_op *op;
    memset(g, 0, sizeof *g);
    set_tensor(g, 0, 3, 4, 5, 3);
    in[0] = 0;
    add_op(g, ANNE_OP_GLOBAL_AVG_POOL, 1, in, 1, 3, 0, 0);
    in[0] = 1;
    add_op(g, ANNE_OP_RESHAPE, 1, in, 3, 1, 1, 3);
    in[0] = 0, in[1] = 2;
    add_op(g, ANNE_OP_MULTIPLY, 2, in, 3, 4, 5, 3);
    in[0] = 3;
    op = add_op(g, ANNE_OP_PRELU, 1, in, 3, 4, 5, 3);
    op->kernel = a1, op->kernel_size = 3 * 4;
    in[0] = 4;
    op = add_op(g, ANNE_OP_PRELU, 1, in, 3, 4, 5, 3);
    op->kernel = a2, op->kernel_size = 60 * 4;
    in[0] = 2, in[1] = 5;
    add_op(g, ANNE_OP_ADD, 2, in, 3, 4, 5, 3);
    in[0] = 6, in[1] = 1, in[2] = 2;
    add_op(g, ANNE_OP_MAXIMUM, 3, in, 3, 4, 5, 3);
    in[0] = 1, in[1] = 7;
    add_op(g, ANNE_OP_SUBTRACT, 2, in, 3, 4, 5, 3);
}

/* The broadcast values computed elementwise by hand, in float with the kernels' operations, must be the
 * model's bit for bit, with every tensor in a place of its own and with the converter's kind of plan
 * (merges and PReLUs in place over their first input where it dies). */
static void test_broadcast_merges_and_prelu(void **state) {
    graph g;
    float *x = randoms(60), *a1 = randoms(3), *a2 = randoms(60), s[3], want[60], got[60];
    uint8_t *b;
    size_t size, i;
    int plan;
    (void)state;
    anne_global_avg_pool_forward_f32(s, x, 20, 3);
    for (i = 0; i < 60; i++) {
        float v = x[i] * s[i % 3], m;
        v = v >= 0.0f ? v : a1[i % 3] * v;
        v = v >= 0.0f ? v : a2[i] * v;
        v = s[i % 3] + v;
        m = s[i % 3] > v ? s[i % 3] : v; /* Maximum: b > a ? b : a, folded from the left */
        m = s[i % 3] > m ? s[i % 3] : m;
        want[i] = s[i % 3] - m;
    }
    for (plan = 0; plan < 2; plan++) {
        make_se(&g, a1, a2);
        plan_separate(&g);
        if (plan == 1) {
            /* t3..t5 in place over the input, t7 over t6, t8 over the dead input's place */
            static const uint32_t at[9] = {0, 240, 252, 0, 0, 0, 264, 264, 0};
            for (i = 0; i < 9; i++) g.t[i].offset = at[i];
            fit_arena(&g);
            assert_int_equal(g.arena, 504);
        }
        b = write_graph(&g, &size);
        assert_int_equal(run(b, size, x, got), ANNE_OK);
        assert_memory_equal(got, want, sizeof got);
        free(b);
    }
    free(x), free(a1), free(a2);
}

/* Broadcasting merges and PReLU records set by hand: each refused with the status the format promises. */
static void test_bad_broadcast_and_prelu_records(void **state) {
    float *a1 = randoms(3), *a2 = randoms(60);
    struct {
        int what;
        anne_status want;
    } cases[] = {
        {0, ANNE_ERR_SHAPE},      /* multiply (4, 5, 3) by (3, 1, 1): no broadcast */
        {1, ANNE_ERR_SHAPE},      /* add of two (1, 1, 3) into (4, 5, 3): larger than their broadcast */
        {2, ANNE_ERR_SHAPE},      /* subtract into (20, 3): an input of higher rank than the output */
        {3, ANNE_ERR_BAD_LAYER},  /* prelu alpha of 2 values for 3 channels */
        {4, ANNE_ERR_BAD_LAYER},  /* prelu with a bias */
        {5, ANNE_ERR_BAD_LAYER},  /* prelu with an attribute set */
        {6, ANNE_ERR_BAD_VALUE},  /* prelu alpha NaN */
        {7, ANNE_ERR_BAD_LAYER},  /* prelu of two inputs */
        {8, ANNE_ERR_SHAPE},      /* prelu from (5, 4, 3) to (4, 5, 3) */
        {9, ANNE_ERR_BAD_LAYER},  /* prelu without alpha */
    };
    size_t k;
    graph g;
    anne_graph_desc d;
    uint8_t *b;
    size_t size;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        anne_status st;
        make_se(&g, a1, a2);
        switch (cases[k].what) {
        case 0: set_tensor(&g, 2, 3, 3, 1, 1); break;
        case 1: g.op[5].inputs[1] = 2; break;
        case 2: set_tensor(&g, 8, 2, 20, 3, 0); break;
        case 3: g.op[3].kernel_size = 2 * 4; break;
        case 4: g.op[3].bias = a1, g.op[3].bias_size = 3 * 4; break;
        case 5: g.op[3].attr[0] = 1; break;
        case 6: a2[7] = NAN; break;
        case 7: g.op[3].n_inputs = 2, g.op[3].inputs[1] = 0; break;
        case 8: set_tensor(&g, 3, 3, 5, 4, 3); break;
        default: g.op[4].kernel = NULL, g.op[4].kernel_size = 0; break;
        }
        plan_separate(&g);
        memset(&d, 0, sizeof d);
        d.n_tensors = 9, d.tensors = g.t, d.n_ops = 8, d.ops = g.op, d.arena_bytes = g.arena;
        b = aligned_alloc(4, 4096);
        assert_non_null(b);
        st = anne_graph_write(&d, b, 4096, &size);
        if (st != cases[k].want) {
            fail_msg("case %d: expected %s, got %s", cases[k].what, anne_status_str(cases[k].want), anne_status_str(st));
        }
        free(b);
        a2[7] = 0.5f;
    }
    free(a1), free(a2);
}

/* ---- damaged files ------------------------------------------------------------------------------ */

/* Every byte of a model flipped (three ways), the CRC made right: a status; when one loads, it runs in
 * its own arena size without touching anything else. Every truncation: a status. */
static void damage(const uint8_t *b, size_t size) {
    size_t i, loaded = 0;
    uint8_t *d;
    float *x = randoms(128);
    static const uint8_t flips[3] = {0x01, 0x80, 0xFF};
    int f;
    anne_model m;
    d = aligned_alloc(4, size);
    assert_non_null(d);
    for (i = 16; i < size; i++) {
        for (f = 0; f < 3; f++) {
            anne_status st;
            memcpy(d, b, size);
            d[i] ^= flips[f];
            anne_test_fix_crc(d, size);
            st = anne_model_load(&m, d, size);
            if (st == ANNE_OK) {
                float *out = malloc((size_t)m.n_outputs * sizeof *out + 4u);
                float *in = malloc((size_t)m.n_inputs * sizeof *in + 4u);
                float *arena = malloc(anne_model_arena_size(&m) + 4u);
                size_t k;
                for (k = 0; k < m.n_inputs; k++) in[k] = x[k % 128];
                assert_int_equal(anne_model_predict(&m, out, in, arena, anne_model_arena_size(&m)), ANNE_OK);
                free(out), free(in), free(arena);
                loaded++;
            }
        }
    }
    print_message("%zu of %zu flipped files still load (weights and activation parameters) and run\n", loaded,
                  3 * (size - 16));
    for (i = 0; i < size; i++) {
        uint8_t *t = aligned_alloc(4, (i + 4u) & ~(size_t)3u);
        memcpy(t, b, i);
        assert_int_not_equal(anne_model_load(&m, t, i), ANNE_OK);
        free(t);
    }
    free(d), free(x);
}

/* The CNN, and the graph of broadcasting merges and PReLUs (make_se). */
static void test_damaged_graph_files(void **state) {
    cnn c;
    graph g;
    float *a1 = randoms(3), *a2 = randoms(60);
    size_t size;
    uint8_t *b;
    (void)state;
    make_cnn(&c);
    plan_separate(&c.g);
    b = write_graph(&c.g, &size);
    damage(b, size);
    free(b);
    free_cnn(&c);
    make_se(&g, a1, a2);
    plan_separate(&g);
    b = write_graph(&g, &size);
    damage(b, size);
    free(b), free(a1), free(a2);
}

/* Recurrent models (TF.js references: a GRU pair merged by a sum, an LSTM without bias, a SimpleRNN):
 * every flip and truncation, their ops' scratch among the bytes flipped. */
static void test_damaged_recurrent_files(void **state) {
    static const char *const names[] = {"bidir_gru_sum_seq", "lstm_no_bias_seq", "simple_rnn_last"};
    size_t k, size;
    unsigned char *b;
    (void)state;
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/data/tfjs_graph/%s/model.json", names[k]);
        anne_test_convert(anne_test_path(rel), NULL, &b, &size);
        damage(b, size);
        free(b);
    }
}

/* A recurrent op's record changed by hand (from the TF.js reference bidir_lstm_concat_seq: two LSTMs
 * with sequences, the second flipped back, and a concatenation): each refused with its status. */
static void test_bad_recurrent_records(void **state) {
    struct {
        int what;
        anne_status want;
    } cases[] = {
        {0, ANNE_ERR_BAD_LAYER},      /* the scratch over the op's own output */
        {1, ANNE_ERR_BAD_LAYER},      /* the scratch over the op's input */
        {2, ANNE_ERR_BAD_LAYER},      /* the scratch past the arena's end */
        {3, ANNE_ERR_BAD_LAYER},      /* an unknown flag */
        {4, ANNE_ERR_BAD_LAYER},      /* reset_after on an LSTM */
        {5, ANNE_ERR_BAD_ACTIVATION}, /* softmax as the cell's activation */
        {6, ANNE_ERR_BAD_ACTIVATION}, /* an activation beyond the known ones as the gates' */
        {7, ANNE_ERR_BAD_LAYER},      /* the kernel one row short */
        {8, ANNE_ERR_BAD_LAYER},      /* a bias of the wrong size */
        {9, ANNE_ERR_SHAPE},          /* output steps other than the input's (as many values) */
        {10, ANNE_ERR_BAD_LAYER},     /* attr[3] set */
        {11, ANNE_ERR_BAD_LAYER},     /* a scratch not 4-aligned */
        {12, ANNE_OK},            /* unchanged: loads */
    };
    unsigned char *b;
    size_t size, k, i;
    anne_model m;
    (void)state;
    anne_test_convert(anne_test_path("tests/data/tfjs_graph/bidir_lstm_concat_seq/model.json"), NULL, &b, &size);
    assert_int_equal(anne_model_load(&m, b, size), ANNE_OK);
    assert_int_equal(m.n_ops, 3);
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        anne_tensor t[4];
        anne_op op[3];
        anne_graph_desc d;
        uint8_t *w;
        size_t wsize;
        uint32_t scratch;
        for (i = 0; i < 4; i++) assert_int_equal(anne_model_tensor(&m, (uint16_t)i, &t[i]), ANNE_OK);
        for (i = 0; i < 3; i++) assert_int_equal(anne_model_op(&m, (uint16_t)i, &op[i]), ANNE_OK);
        assert_int_equal(op[1].kind, ANNE_OP_LSTM);
        switch (cases[k].what) {
        case 0: scratch = t[2].offset; break;
        case 1: scratch = t[0].offset; break;
        case 2: scratch = m.arena_bytes - 4u; break;
        case 11: scratch = ((uint32_t)op[1].attr[4] | (uint32_t)op[1].attr[5] << 16) + 2u; break;
        default: scratch = (uint32_t)op[1].attr[4] | (uint32_t)op[1].attr[5] << 16; break;
        }
        op[1].attr[4] = (uint16_t)(scratch & 0xFFFFu);
        op[1].attr[5] = (uint16_t)(scratch >> 16);
        switch (cases[k].what) {
        case 3: op[1].attr[0] |= 8u; break;
        case 4: op[1].attr[0] |= ANNE_RNN_RESET_AFTER; break;
        case 5: op[1].attr[1] = ANNE_ACT_SOFTMAX; break;
        case 6: op[1].attr[2] = ANNE_ACT_COUNT; break;
        case 7: op[1].kernel_size -= 4u * 7u; break;
        case 8: op[1].bias_size -= 4u; break;
        case 9: t[2].dims[0] = t[2].dims[1], t[2].dims[1] = 7; break; /* (7, 4) -> (4, 7) */
        case 10: op[1].attr[3] = 1; break;
        default: break;
        }
        memset(&d, 0, sizeof d);
        d.n_tensors = 4, d.tensors = t, d.n_ops = 3, d.ops = op, d.arena_bytes = m.arena_bytes;
        assert_int_equal(anne_graph_write(&d, NULL, 0, &wsize), ANNE_OK);
        w = aligned_alloc(4, (wsize + 3u) & ~(size_t)3u);
        assert_non_null(w);
        if (anne_graph_write(&d, w, wsize, &wsize) != cases[k].want) {
            fail_msg("case %d: expected %s, got %s", cases[k].what, anne_status_str(cases[k].want),
                     anne_status_str(anne_graph_write(&d, w, wsize, &wsize)));
        }
        free(w);
    }
    free(b);
}

/* Records set by hand: each refused with the status the format promises. */
static void test_bad_records(void **state) {
    cnn c;
    size_t size;
    anne_graph_desc d;
    uint8_t *b;
    struct {
        int what;
        anne_status want;
    } cases[] = {
        {0, ANNE_ERR_BAD_LAYER},  /* op 1 reads tensor 3, written later */
        {1, ANNE_ERR_SHAPE},      /* pooling padding as large as its window */
        {2, ANNE_ERR_BAD_LAYER},  /* a tensor past the arena's end */
        {3, ANNE_ERR_BAD_LAYER},  /* a conv kernel whose size disagrees with the shapes */
        {4, ANNE_ERR_BAD_LAYER},  /* unknown op kind */
        {5, ANNE_ERR_BAD_ACTIVATION}, /* prelu on an op */
        {6, ANNE_ERR_BAD_LAYER},  /* an unused attribute set */
        {7, ANNE_ERR_SHAPE},      /* dense keeps the leading axes: rank changed */
    };
    size_t k;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        make_cnn(&c);
        plan_separate(&c.g);
        switch (cases[k].what) {
        case 0: c.g.op[1].inputs[0] = 3; break;
        case 1: c.g.op[1].attr[6] = 2; break;
        case 2: c.g.arena -= 4; break;
        case 3: c.g.op[0].kernel_size -= 4 * 3 * 3 * 2; break;
        case 4: c.g.op[3].kind = ANNE_OP_KIND_COUNT; break;
        case 5: c.g.op[4].activation = ANNE_ACT_PRELU; break;
        case 6: c.g.op[3].attr[9] = 1; break;
        default: c.g.t[5].rank = 2, c.g.t[5].dims[1] = 3, c.g.t[5].dims[0] = 1; break;
        }
        memset(&d, 0, sizeof d);
        d.n_tensors = 6, d.tensors = c.g.t, d.n_ops = 5, d.ops = c.g.op, d.arena_bytes = c.g.arena;
        assert_int_equal(anne_graph_write(&d, NULL, 0, &size), ANNE_OK);
        b = aligned_alloc(4, (size + 3u) & ~(size_t)3u);
        if (anne_graph_write(&d, b, size, &size) != cases[k].want) {
            fail_msg("case %d: expected %s, got %s", cases[k].what, anne_status_str(cases[k].want),
                     anne_status_str(anne_graph_write(&d, b, size, &size)));
        }
        free(b);
        free_cnn(&c);
    }
}

/* The tools read graph models: the IR takes one in and writes it back out (its own arena plan, which
 * is never larger than one tensor per place) with the same outputs bit for bit; --check lists its ops
 * as supported. */
static void test_tools_read_graph_models(void **state) {
    cnn c;
    size_t size, size2;
    uint8_t *b;
    unsigned char *b2;
    anne_ir ir;
    anne_loaded l;
    anne_error err;
    anne_import_options opt;
    anne_model m;
    float *x, got[3], want[3];
    int r;
    const char *path = anne_test_tmp_path("graph.anne");
    (void)state;
    make_cnn(&c);
    plan_separate(&c.g);
    b = write_graph(&c.g, &size);
    anne_test_write_file(path, b, size);
    if (anne_loaded_open(&l, path, &err) != 0) fail_msg("%s", err.msg);
    assert_non_null(l.model.op_table);
    assert_int_equal(l.model.n_ops, c.g.n_ops);
    assert_int_equal(l.size, size);
    assert_memory_equal(l.bytes, b, size);
    anne_loaded_close(&l);
    if (anne_import(&ir, path, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_ops, 5);
    assert_int_equal(ir.n_layers, 0);
    if (anne_ir_serialize(&ir, &b2, &size2, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&m, b2, size2), ANNE_OK);
    assert_true(anne_model_arena_size(&m) <= c.g.arena);
    for (r = 0; r < 10; r++) {
        x = randoms(128);
        assert_int_equal(run(b, size, x, want), ANNE_OK);
        assert_int_equal(run(b2, size2, x, got), ANNE_OK);
        assert_memory_equal(got, want, sizeof got);
        free(x);
    }
    anne_ir_free(&ir);
    free(b2);
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    if (anne_import_ex(&ir, path, &opt, &err) != 0) fail_msg("%s", err.msg);
    assert_non_null(opt.report);
    assert_true(opt.all_supported);
    assert_non_null(strstr(opt.report, "op 1 "));
    assert_non_null(strstr(opt.report, "Conv2D"));
    assert_non_null(strstr(opt.report, "op 5 "));
    free(opt.report);
    anne_ir_free(&ir);
    free(b);
    free_cnn(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cnn_matches_kernels_by_hand), cmocka_unit_test(test_plan_reuse_and_overlap),
        cmocka_unit_test(test_residual_concat_1d),          cmocka_unit_test(test_damaged_graph_files),
        cmocka_unit_test(test_bad_records),                 cmocka_unit_test(test_tools_read_graph_models),
        cmocka_unit_test(test_damaged_recurrent_files),     cmocka_unit_test(test_bad_recurrent_records),
        cmocka_unit_test(test_broadcast_merges_and_prelu),  cmocka_unit_test(test_bad_broadcast_and_prelu_records),
    };
    return cmocka_run_group_tests(tests, anne_test_tmp_setup, anne_test_tmp_teardown);
}
