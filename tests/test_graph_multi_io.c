/* Graph models with several inputs and outputs (format 2.1): a two-input, two-output model written with
 * anne_graph_write() runs like a double-precision reimplementation written out here, its parts are where
 * anne_model_input() and anne_model_output() say; hand-damaged input counts, output lists and plans are
 * refused with the status docs/format.md promises; and every byte flip and truncation gives a status,
 * never an access outside the model or the arena (ASan runs this test too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "test_support.h"

/* The model: window w (4, 2) and features f (3), standardized (7 means and deviations);
 *   t2 = global max pool of w            (2)
 *   t3 = dense(f), tanh                  (2)   also output 2: read by op 2 and live to the end
 *   t4 = concat(t2, t3)                  (4)
 *   t5 = dense(t4), softmax              (3)   output 1
 * Each tensor in a place of its own. */
#define N_IN 11u /* 8 + 3 */
#define N_OUT 5u /* 3 + 2 */

typedef struct model {
    anne_tensor t[6];
    anne_op op[4];
    float k1[6], b1[2], k3[12], b3[3], mean[N_IN], std_dev[N_IN];
    uint16_t outputs[2];
    anne_graph_desc d;
} model;

static void tensor(anne_tensor *t, uint8_t rank, uint16_t d0, uint16_t d1) {
    memset(t, 0, sizeof *t);
    t->dtype = ANNE_DTYPE_F32;
    t->rank = rank;
    t->dims[0] = d0;
    t->dims[1] = rank > 1 ? d1 : 1;
    t->dims[2] = t->dims[3] = 1;
}

static void make(model *m) {
    uint32_t i, at = 0;
    memset(m, 0, sizeof *m);
    for (i = 0; i < 6; i++) m->k1[i] = 0.25f * (float)i - 0.6f;
    m->b1[0] = 0.1f, m->b1[1] = -0.2f;
    for (i = 0; i < 12; i++) m->k3[i] = 0.5f - 0.125f * (float)((i * 5u) % 12u);
    m->b3[0] = 0.05f, m->b3[1] = 0.0f, m->b3[2] = -0.3f;
    for (i = 0; i < N_IN; i++) m->mean[i] = 0.1f * (float)i, m->std_dev[i] = 0.5f + 0.25f * (float)(i % 3u);
    tensor(&m->t[0], 2, 4, 2);
    tensor(&m->t[1], 1, 3, 1);
    tensor(&m->t[2], 1, 2, 1);
    tensor(&m->t[3], 1, 2, 1);
    tensor(&m->t[4], 1, 4, 1);
    tensor(&m->t[5], 1, 3, 1);
    for (i = 0; i < 6; i++) {
        m->t[i].offset = at;
        at += 4u * m->t[i].dims[0] * m->t[i].dims[1];
    }
    m->op[0].kind = ANNE_OP_GLOBAL_MAX_POOL, m->op[0].n_inputs = 1, m->op[0].inputs[0] = 0;
    m->op[1].kind = ANNE_OP_DENSE, m->op[1].n_inputs = 1, m->op[1].inputs[0] = 1;
    m->op[1].kernel = m->k1, m->op[1].kernel_size = sizeof m->k1, m->op[1].bias = m->b1, m->op[1].bias_size = sizeof m->b1;
    m->op[1].activation = ANNE_ACT_TANH;
    m->op[2].kind = ANNE_OP_CONCAT, m->op[2].n_inputs = 2, m->op[2].inputs[0] = 2, m->op[2].inputs[1] = 3;
    m->op[3].kind = ANNE_OP_DENSE, m->op[3].n_inputs = 1, m->op[3].inputs[0] = 4;
    m->op[3].kernel = m->k3, m->op[3].kernel_size = sizeof m->k3, m->op[3].bias = m->b3, m->op[3].bias_size = sizeof m->b3;
    m->op[3].activation = ANNE_ACT_SOFTMAX;
    for (i = 0; i < 4; i++) m->op[i].output = (uint16_t)(i + 2u);
    m->outputs[0] = 5, m->outputs[1] = 3;
    m->d.name = "two in, two out";
    m->d.n_tensors = 6, m->d.tensors = m->t, m->d.n_ops = 4, m->d.ops = m->op, m->d.arena_bytes = at;
    m->d.scaling.kind = ANNE_SCALING_STANDARDIZE, m->d.scaling.a = m->mean, m->d.scaling.b = m->std_dev;
    m->d.n_input_tensors = 2, m->d.n_output_tensors = 2, m->d.outputs = m->outputs;
}

/* The model in double, from its definition above. */
static void by_hand(const model *m, const float *row, double *y) {
    double x[N_IN], h[4], z[3], max, sum = 0;
    size_t i, j;
    for (i = 0; i < N_IN; i++) x[i] = ((double)row[i] - (double)m->mean[i]) / (double)m->std_dev[i];
    for (j = 0; j < 2; j++) { /* global max over the window's 4 rows, channel j */
        h[j] = x[j];
        for (i = 1; i < 4; i++) h[j] = fmax(h[j], x[2 * i + j]);
    }
    for (j = 0; j < 2; j++) { /* dense (2, 3) on the features, tanh */
        double s = (double)m->b1[j];
        for (i = 0; i < 3; i++) s += (double)m->k1[3 * j + i] * x[8 + i];
        h[2 + j] = tanh(s);
    }
    for (j = 0; j < 3; j++) {
        z[j] = (double)m->b3[j];
        for (i = 0; i < 4; i++) z[j] += (double)m->k3[4 * j + i] * h[i];
    }
    max = fmax(z[0], fmax(z[1], z[2]));
    for (j = 0; j < 3; j++) sum += exp(z[j] - max);
    for (j = 0; j < 3; j++) y[j] = exp(z[j] - max) / sum;
    y[3] = h[2], y[4] = h[3]; /* output 2: t3 */
}

static void test_runs_like_by_hand(void **state) {
    model m;
    anne_model am;
    anne_model_io io;
    size_t size, s, i;
    uint8_t *b;
    float row[N_IN], y[N_OUT], *arena;
    double want[N_OUT];
    (void)state;
    make(&m);
    b = anne_test_graph_bytes(&m.d, &size);
    assert_int_equal(anne_model_load(&am, b, size), ANNE_OK);
    assert_int_equal(am.format_major, 2);
    assert_int_equal(am.format_minor, 1); /* what 2.0 cannot say */
    assert_int_equal(am.n_inputs, N_IN);
    assert_int_equal(am.n_outputs, N_OUT);
    assert_int_equal(am.n_input_tensors, 2);
    assert_int_equal(am.n_output_tensors, 2);
    assert_int_equal(anne_model_input(&am, 1, &io), ANNE_OK);
    assert_true(io.tensor == 1 && io.rank == 1 && io.dims[0] == 3 && io.first == 8 && io.values == 3);
    assert_int_equal(anne_model_output(&am, 0, &io), ANNE_OK);
    assert_true(io.tensor == 5 && io.first == 0 && io.values == 3);
    assert_int_equal(anne_model_output(&am, 1, &io), ANNE_OK);
    assert_true(io.tensor == 3 && io.first == 3 && io.values == 2);
    assert_int_equal(anne_model_input(&am, 2, &io), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_model_output(&am, 2, &io), ANNE_ERR_BAD_ARG);
    arena = malloc(anne_model_arena_size(&am));
    assert_non_null(arena);
    for (s = 0; s < 20; s++) {
        for (i = 0; i < N_IN; i++) row[i] = (float)sin((double)(s * N_IN + i) * 1.7) * 3.0f;
        assert_int_equal(anne_model_predict(&am, y, row, arena, anne_model_arena_size(&am)), ANNE_OK);
        by_hand(&m, row, want);
        for (i = 0; i < N_OUT; i++) {
            if (fabs((double)y[i] - want[i]) > 1e-6) fail_msg("sample %zu output %zu: %.9g, by hand %.9g", s, i, (double)y[i], want[i]);
        }
    }
    free(arena);
    free(b);
}

/* One input and one output listed as the last tensor: the same bytes as a 2.0 file, as before. */
static void test_one_of_each_stays_2_0(void **state) {
    model m;
    size_t size1, size2;
    uint8_t *b1, *b2;
    anne_model am;
    anne_graph_desc d;
    (void)state;
    make(&m);
    d = m.d;
    d.n_tensors = 2, d.tensors = m.t + 1, d.n_ops = 1, d.ops = &m.op[1]; /* t1 (3) -> dense (2) */
    d.n_input_tensors = 0, d.n_output_tensors = 0, d.outputs = NULL;
    d.scaling.kind = ANNE_SCALING_NONE, d.arena_bytes = 20;
    m.t[1].offset = 0, m.t[2].offset = 12, m.t[2].dims[0] = 2;
    m.op[1].inputs[0] = 0, m.op[1].output = 1;
    b1 = anne_test_graph_bytes(&d, &size1);
    d.n_input_tensors = 1, d.n_output_tensors = 1, d.outputs = &d.n_tensors; /* 2: not a tensor */
    assert_int_equal(anne_graph_write(&d, NULL, 0, &size2), ANNE_ERR_BAD_ARG);
    m.outputs[0] = 1, d.outputs = m.outputs;
    b2 = anne_test_graph_bytes(&d, &size2);
    assert_int_equal(size1, size2);
    assert_memory_equal(b1, b2, size1);
    assert_int_equal(anne_model_load(&am, b1, size1), ANNE_OK);
    assert_int_equal(am.format_minor, 0);
    assert_null(am.output_list);
    free(b1), free(b2);
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

/* Bytes changed by hand (the CRC made right): each refused with its status. */
static void test_bad_inputs_and_outputs(void **state) {
    model m;
    size_t size, ts, os, list;
    uint8_t *b, *d;
    anne_model am;
    static const struct {
        int where;          /* 0: the TENSORS header's n_inputs, 1: OPS' n_outputs, 2: output list entry, 3: tensor offset */
        unsigned index;     /* list entry or tensor */
        uint16_t value;
        anne_status want;
    } cases[] = {
        {0, 0, 1, ANNE_ERR_BAD_SECTION},  /* one input is written 0 */
        {0, 0, 3, ANNE_ERR_BAD_LAYER},    /* then n_tensors is not n_ops + 3 */
        {0, 0, 17, ANNE_ERR_BAD_SECTION}, /* more than ANNE_MAX_MODEL_IO */
        {0, 0, 0, ANNE_ERR_BAD_LAYER},    /* one input: n_tensors is not n_ops + 1 */
        {1, 0, 1, ANNE_ERR_BAD_SECTION},  /* one output is written 0 */
        {1, 0, 3, ANNE_ERR_BAD_SECTION},  /* the section's size is not that of 3 entries */
        {1, 0, 0, ANNE_ERR_BAD_SECTION},  /* no list: the section is too long */
        {2, 0, 0, ANNE_ERR_BAD_LAYER},    /* an input as output */
        {2, 1, 1, ANNE_ERR_BAD_LAYER},    /* an input as output */
        {2, 1, 6, ANNE_ERR_BAD_LAYER},    /* no such tensor */
        {2, 1, 5, ANNE_ERR_BAD_LAYER},    /* twice the same output */
        {2, 1, 2, ANNE_OK},               /* another tensor: t2 is not overwritten before the end */
        {3, 1, 0, ANNE_ERR_BAD_LAYER},    /* input 2 over input 1 */
        {3, 3, 76, ANNE_ERR_BAD_LAYER},   /* output 2 (t3) where t5 is written later */
    };
    size_t i;
    (void)state;
    make(&m);
    b = anne_test_graph_bytes(&m.d, &size);
    d = aligned_alloc(4, size);
    assert_non_null(d);
    ts = anne_test_section(b, 6);
    os = anne_test_section(b, 7);
    list = os + 4 + 64 * 4;
    assert_int_equal(anne_model_load(&am, b, size), ANNE_OK);
    assert_true(b[ts + 2] == 2 && b[os + 2] == 2 && b[list] == 5 && b[list + 2] == 3);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(d, b, size);
        switch (cases[i].where) {
        case 0: put16(d + ts + 2, cases[i].value); break;
        case 1: put16(d + os + 2, cases[i].value); break;
        case 2: put16(d + list + 2 * cases[i].index, cases[i].value); break;
        default: put16(d + ts + 8 + 16 * cases[i].index + 12, cases[i].value); break;
        }
        anne_test_fix_crc(d, size);
        if (anne_model_load(&am, d, size) != cases[i].want) {
            fail_msg("case %zu: %s, expected %s", i, anne_status_str(anne_model_load(&am, d, size)),
                     anne_status_str(cases[i].want));
        }
    }
    free(d), free(b);
}

/* Every byte flipped (three ways), the CRC made right: a status; a file that loads runs in its own
 * arena size. Every truncation: a status. */
static void test_damaged_two_input_files(void **state) {
    model m;
    size_t size, i, k, loaded = 0;
    uint8_t *b, *d;
    static const uint8_t flips[3] = {0x01, 0x80, 0xFF};
    int f;
    anne_model am;
    (void)state;
    make(&m);
    b = anne_test_graph_bytes(&m.d, &size);
    d = aligned_alloc(4, size);
    assert_non_null(d);
    for (i = 16; i < size; i++) {
        for (f = 0; f < 3; f++) {
            memcpy(d, b, size);
            d[i] ^= flips[f];
            anne_test_fix_crc(d, size);
            if (anne_model_load(&am, d, size) == ANNE_OK) {
                float *out = malloc((size_t)am.n_outputs * sizeof *out);
                float *in = malloc((size_t)am.n_inputs * sizeof *in);
                float *arena = malloc(anne_model_arena_size(&am));
                assert_true(out != NULL && in != NULL && arena != NULL);
                for (k = 0; k < am.n_inputs; k++) in[k] = (float)k * 0.25f - 1.0f;
                assert_int_equal(anne_model_predict(&am, out, in, arena, anne_model_arena_size(&am)), ANNE_OK);
                free(out), free(in), free(arena);
                loaded++;
            }
        }
    }
    print_message("%zu of %zu flipped files still load and run\n", loaded, 3 * (size - 16));
    for (i = 0; i < size; i++) {
        uint8_t *t = aligned_alloc(4, (i + 4u) & ~(size_t)3u);
        memcpy(t, b, i);
        assert_int_not_equal(anne_model_load(&am, t, i), ANNE_OK);
        free(t);
    }
    free(d), free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_like_by_hand),
        cmocka_unit_test(test_one_of_each_stays_2_0),
        cmocka_unit_test(test_bad_inputs_and_outputs),
        cmocka_unit_test(test_damaged_two_input_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
