/* int8 weights widened to int16 (anne_model_s8_widen): the layout the Cortex-M33 kernel reads, written
 * out here independently; predictions on widened weights bit for bit equal to the int64 reference of
 * tests/test_s8_model_ref.h and to the model's own int8 path, over layer shapes with units and inputs
 * left over from the kernels' blocks of four units and eight inputs; a changed widened weight is seen
 * (the kernels read the copy); and every misuse is refused with the model left unchanged. The boards
 * run the same check on the emulated Cortex-M33 (ports/apps/app_vectors.c). */
#include "test_support.h"
#include "test_s8_model_ref.h"

#include <stdlib.h>
#include <string.h>

#include "../runtime/src/anne_format.h"
#include "anne_quant.h"
#include "anne_quantize.h"
#include "anne_train.h"

typedef struct s8net {
    unsigned char *bytes; /* the int8 model file (malloc'd) */
    size_t size;
    anne_model m;
} s8net;

/* An int8 model of the layer sizes sizes[0..n_layers] with activation act on hidden layers and last
 * on the output layer: float weights drawn from a seeded generator, written by the runtime's writer,
 * quantized as `anne quantize` does (calibrated on random rows). */
static void make_s8(s8net *q, const uint16_t *sizes, uint16_t n_layers, anne_activation act, anne_activation last) {
    anne_layer layers[8];
    float *w[8] = {0}, *b[8] = {0}, *calib;
    anne_model_desc d;
    anne_model fm;
    anne_rng rng;
    anne_ir ir;
    anne_error err;
    anne_quantize_opts opts = {ANNE_DTYPE_S8, 0};
    anne_quantize_info info;
    unsigned char *fbuf;
    size_t fsize = 0, n_calib = 200, i;
    uint16_t l;
    assert_true(n_layers <= 8);
    memset(&d, 0, sizeof d);
    memset(layers, 0, sizeof layers);
    anne_rng_seed(&rng, 77u, sizes[0]);
    for (l = 0; l < n_layers; l++) {
        size_t n = (size_t)sizes[l] * sizes[l + 1];
        w[l] = malloc(n * sizeof(float));
        b[l] = malloc(sizes[l + 1] * sizeof(float));
        assert_non_null(w[l]);
        assert_non_null(b[l]);
        for (i = 0; i < n; i++) w[l][i] = 2.0f * anne_rng_uniform(&rng) - 1.0f;
        for (i = 0; i < sizes[l + 1]; i++) b[l][i] = 0.2f * (2.0f * anne_rng_uniform(&rng) - 1.0f);
        layers[l].kind = ANNE_LAYER_DENSE;
        layers[l].dtype = ANNE_DTYPE_F32;
        layers[l].activation = l + 1u == n_layers ? last : act;
        anne_ir_default_params(layers[l].activation, layers[l].param);
        layers[l].n_in = sizes[l];
        layers[l].n_out = sizes[l + 1];
        layers[l].kernel = w[l];
        layers[l].bias = b[l];
    }
    d.n_inputs = sizes[0];
    d.n_layers = n_layers;
    d.layers = layers;
    assert_int_equal(anne_model_write(&d, NULL, 0, &fsize), ANNE_OK);
    fbuf = malloc(fsize);
    assert_non_null(fbuf);
    assert_int_equal(anne_model_write(&d, fbuf, fsize, &fsize), ANNE_OK);
    assert_int_equal(anne_model_load(&fm, fbuf, fsize), ANNE_OK);
    if (anne_ir_from_model(&ir, &fm, &err) != 0) fail_msg("%s", err.msg);
    calib = malloc(n_calib * sizes[0] * sizeof(float));
    assert_non_null(calib);
    for (i = 0; i < n_calib * sizes[0]; i++) calib[i] = 4.0f * anne_rng_uniform(&rng) - 2.0f;
    if (anne_quantize(&ir, calib, n_calib, &opts, &q->bytes, &q->size, &info, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&q->m, q->bytes, q->size), ANNE_OK);
    free(calib);
    anne_ir_free(&ir);
    free(fbuf);
    for (l = 0; l < n_layers; l++) {
        free(w[l]);
        free(b[l]);
    }
}

/* Layer l's int8 kernel (n_out, n_in) and its shape. */
static const int8_t *kernel_of(const anne_model *m, uint16_t l, uint32_t *n_in, uint32_t *n_out) {
    anne_layer layer;
    assert_int_equal(anne_model_layer(m, l, &layer), ANNE_OK);
    *n_in = layer.n_in;
    *n_out = layer.n_out;
    return (const int8_t *)layer.kernel;
}

/* The documented layout (anne_quant.h, anne_s8_wide.c), spelled out: per layer, per block of four units
 * and eight inputs, for inputs i = 8s and 8s + 4, per unit u: w[i], w[i+2], w[i+1], w[i+3]. */
static void check_layout(const anne_model *m, const int16_t *wide, size_t wide_bytes) {
    static const uint32_t perm[4] = {0, 2, 1, 3};
    size_t at = 0;
    uint16_t l;
    for (l = 0; l < m->n_layers; l++) {
        uint32_t n_in, n_out, j, i, u, k;
        const int8_t *w = kernel_of(m, l, &n_in, &n_out);
        for (j = 0; j + 4u <= n_out && n_in >= 8u; j += 4u) {
            for (i = 0; i < (n_in & ~7u); i += 4u) {
                for (u = 0; u < 4u; u++) {
                    for (k = 0; k < 4u; k++, at++) {
                        assert_true(2u * at < wide_bytes);
                        assert_int_equal(wide[at], w[(j + u) * n_in + i + perm[k]]);
                    }
                }
            }
        }
    }
    assert_int_equal(2u * at, wide_bytes);
}

/* n_rows random int8 inputs: predict_s8 on the widened model equals the reference and the model's
 * own int8 path; the float API on the widened model equals the float API without. */
static void check_predictions(const anne_model *plain, const anne_model *wide, uint32_t n_rows) {
    static uint32_t arena[4096];
    int8_t x[256], want[256], got[256], base[256];
    float fx[256], fwant[256], fgot[256];
    uint64_t rng = 99;
    uint32_t t, i;
    assert_true(anne_model_arena_size(plain) <= sizeof arena);
    assert_true(plain->n_inputs <= 256 && plain->n_outputs <= 256);
    for (t = 0; t < n_rows; t++) {
        for (i = 0; i < plain->n_inputs; i++) x[i] = (int8_t)((int32_t)(ref_rand(&rng) >> 56) - 128);
        if (t == 0) memset(x, 127, plain->n_inputs);
        if (t == 1) memset(x, 0x80, plain->n_inputs);
        ref_s8_model(plain, x, want);
        assert_int_equal(anne_model_predict_s8(plain, base, x, arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_model_predict_s8(wide, got, x, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(base, want, plain->n_outputs);
        assert_memory_equal(got, want, plain->n_outputs);
    }
    for (t = 0; t < 50u; t++) {
        for (i = 0; i < plain->n_inputs; i++) fx[i] = (float)((int32_t)(ref_rand(&rng) >> 58) - 32) / 8.0f;
        assert_int_equal(anne_model_predict(plain, fwant, fx, arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_model_predict(wide, fgot, fx, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(fgot, fwant, plain->n_outputs * sizeof(float));
    }
}

static void test_shapes_bit_identical(void **state) {
    /* units and inputs on and off the blocks: 4/8 exactly, one more, one less, several blocks */
    static const uint16_t s1[] = {64, 64}, s2[] = {20, 13, 8, 5}, s3[] = {8, 4}, s4[] = {9, 7, 16, 3},
                          s5[] = {33, 12, 12}, s6[] = {7, 4, 2}, s7[] = {16, 60, 10};
    static const struct {
        const uint16_t *sizes;
        uint16_t n_layers;
        anne_activation act, last;
    } nets[] = {{s1, 1, ANNE_ACT_LINEAR, ANNE_ACT_LINEAR},   {s2, 3, ANNE_ACT_RELU, ANNE_ACT_SOFTMAX},
                {s3, 1, ANNE_ACT_RELU, ANNE_ACT_SIGMOID},    {s4, 3, ANNE_ACT_TANH, ANNE_ACT_LINEAR},
                {s5, 2, ANNE_ACT_SIGMOID, ANNE_ACT_SOFTMAX}, {s6, 2, ANNE_ACT_RELU, ANNE_ACT_SIGMOID},
                {s7, 2, ANNE_ACT_RELU, ANNE_ACT_SOFTMAX}};
    size_t k;
    (void)state;
    for (k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        s8net q;
        anne_model wm;
        size_t n;
        int16_t *buf;
        make_s8(&q, nets[k].sizes, nets[k].n_layers, nets[k].act, nets[k].last);
        n = anne_model_s8_wide_size(&q.m);
        buf = malloc(n + 4u);
        assert_non_null(buf);
        wm = q.m;
        assert_int_equal(anne_model_s8_widen(&wm, buf, n), ANNE_OK);
        if (n == 0) {
            assert_null(wm.s8_wide); /* (7-4-2: no layer has eight inputs) */
        } else {
            assert_ptr_equal(wm.s8_wide, buf);
        }
        check_layout(&q.m, buf, n);
        check_predictions(&q.m, &wm, 500);
        free(buf);
        free(q.bytes);
    }
}

/* The kernels read the widened copy, not the model's int8 weights: one changed value changes outputs. */
static void test_changed_copy_is_seen(void **state) {
    static const uint16_t sizes[] = {16, 8};
    static uint32_t arena[256];
    s8net q;
    anne_model wm;
    int16_t *buf;
    int8_t x[16], a[8], b[8];
    size_t n;
    (void)state;
    make_s8(&q, sizes, 1, ANNE_ACT_LINEAR, ANNE_ACT_LINEAR);
    n = anne_model_s8_wide_size(&q.m);
    assert_int_equal(n, 2u * 16u * 8u);
    buf = malloc(n);
    assert_non_null(buf);
    wm = q.m;
    assert_int_equal(anne_model_s8_widen(&wm, buf, n), ANNE_OK);
    memset(x, 0, sizeof x);
    /* input 5 of unit 6: the second block of units (64 values in), the inputs 4-7 (16 more), its third
     * unit (8 more), position 2 (w[i+1], 2 more) */
    x[5] = 100;
    assert_int_equal(anne_model_predict_s8(&wm, a, x, arena, sizeof arena), ANNE_OK);
    buf[64 + 16 + 8 + 2] = (int16_t)(buf[64 + 16 + 8 + 2] + 64);
    assert_int_equal(anne_model_predict_s8(&wm, b, x, arena, sizeof arena), ANNE_OK);
    assert_memory_equal(a, b, 6);
    assert_true(a[6] != b[6]);
    assert_memory_equal(a + 7, b + 7, 1);
    free(buf);
    free(q.bytes);
}

static void test_misuse_refused(void **state) {
    static const uint16_t sizes[] = {16, 8};
    s8net q;
    anne_model wm, before, fm;
    anne_loaded f;
    uint32_t buf[80], first[64];
    size_t n;
    (void)state;
    make_s8(&q, sizes, 1, ANNE_ACT_RELU, ANNE_ACT_LINEAR);
    n = anne_model_s8_wide_size(&q.m);
    assert_int_equal(n, 256u);
    wm = q.m;
    assert_int_equal(anne_model_s8_widen(&wm, first, sizeof first), ANNE_OK); /* widened once already */
    before = wm;
    memset(buf, 0x5A, sizeof buf);
    assert_int_equal(anne_model_s8_widen(NULL, buf, sizeof buf), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_s8_widen(&wm, NULL, n), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_s8_widen(&wm, (char *)buf + 2, n), ANNE_ERR_ALIGNMENT);
    assert_int_equal(anne_model_s8_widen(&wm, buf, n - 1u), ANNE_ERR_BUFFER_TOO_SMALL);
    /* unchanged after every refusal: still on the first copy; the refused buffer not written */
    assert_memory_equal(&wm, &before, sizeof wm);
    assert_ptr_equal(wm.s8_wide, first);
    assert_int_equal(buf[0], 0x5A5A5A5Au);
    /* a float model has nothing to widen */
    anne_test_open_model(&f, "examples/iris/iris_8_neurons.json");
    fm = f.model;
    assert_int_equal(anne_model_s8_wide_size(&fm), 0);
    assert_int_equal(anne_model_s8_widen(&fm, buf, sizeof buf), ANNE_ERR_UNSUPPORTED_DTYPE);
    assert_null(fm.s8_wide);
    assert_int_equal(anne_model_s8_wide_size(NULL), 0);
    anne_loaded_close(&f);
    free(q.bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes_bit_identical),
        cmocka_unit_test(test_changed_copy_is_seen),
        cmocka_unit_test(test_misuse_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
