/* The writer and the loader agree: what anne_model_write() produces loads, and reads back the same
 * layers, scaling, names and outputs; the arena is exactly the widest adjacent pair. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* A 3-4-2 network with every optional section. */
static const float k1[4 * 3] = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, -0.7f, 0.8f, 0.9f, 1.0f, -1.1f, 1.2f};
static const float b1[4] = {0.01f, -0.02f, 0.03f, -0.04f};
static const float k2[2 * 4] = {0.5f, -0.25f, 0.125f, 1.0f, -0.5f, 0.75f, -1.0f, 0.2f};
static const float b2[2] = {0.1f, -0.1f};
static const float mean[3] = {1.0f, 2.0f, 3.0f};
static const float std_[3] = {0.5f, 2.0f, 4.0f};
static const char *const names[2] = {"cat", "dog"};

static void make_desc(anne_model_desc *d, anne_layer layers[2]) {
    memset(layers, 0, 2 * sizeof layers[0]);
    layers[0].kind = layers[1].kind = ANNE_LAYER_DENSE;
    layers[0].dtype = layers[1].dtype = ANNE_DTYPE_F32;
    layers[0].activation = ANNE_ACT_RELU;
    layers[0].param[1] = INFINITY;
    layers[0].n_in = 3;
    layers[0].n_out = 4;
    layers[0].kernel = k1;
    layers[0].bias = b1;
    layers[1].activation = ANNE_ACT_SOFTMAX;
    layers[1].n_in = 4;
    layers[1].n_out = 2;
    layers[1].kernel = k2;
    layers[1].bias = b2;
    memset(d, 0, sizeof *d);
    d->name = "roundtrip";
    d->n_inputs = 3;
    d->n_layers = 2;
    d->layers = layers;
    d->scaling.kind = ANNE_SCALING_STANDARDIZE;
    d->scaling.a = mean;
    d->scaling.b = std_;
    d->n_classes = 2;
    d->class_names = names;
}

/* The same network computed in double, straight from the arrays above. */
static void reference(const float *raw, double out[2]) {
    double x[3], h[4], m, s;
    int i, j;
    for (i = 0; i < 3; i++) x[i] = ((double)raw[i] - mean[i]) / std_[i];
    for (j = 0; j < 4; j++) {
        double acc = b1[j];
        for (i = 0; i < 3; i++) acc += (double)k1[j * 3 + i] * x[i];
        h[j] = acc > 0 ? acc : 0;
    }
    for (j = 0; j < 2; j++) {
        double acc = b2[j];
        for (i = 0; i < 4; i++) acc += (double)k2[j * 4 + i] * h[i];
        out[j] = acc;
    }
    m = out[0] > out[1] ? out[0] : out[1];
    s = exp(out[0] - m) + exp(out[1] - m);
    out[0] = exp(out[0] - m) / s;
    out[1] = exp(out[1] - m) / s;
}

static void test_write_load_predict(void **state) {
    anne_model_desc d;
    anne_layer layers[2];
    anne_model m;
    anne_layer l;
    size_t need = 0, got = 0;
    uint32_t *buf;
    float in[3] = {1.5f, -1.0f, 7.0f}, out[2], arena[8];
    double ref[2];
    (void)state;
    make_desc(&d, layers);
    assert_int_equal(anne_model_write(&d, NULL, 0, &need), ANNE_OK);
    assert_true(need > 0 && need % 4 == 0);
    buf = calloc(need / 4, 4);
    assert_int_equal(anne_model_write(&d, buf, need - 1, &got), ANNE_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(anne_model_write(&d, buf, need, &got), ANNE_OK);
    assert_int_equal(got, need);
    assert_int_equal(anne_model_load(&m, buf, need), ANNE_OK);
    assert_int_equal(m.n_inputs, 3);
    assert_int_equal(m.n_outputs, 2);
    assert_int_equal(m.n_layers, 2);
    assert_string_equal(m.name, "roundtrip");
    assert_string_equal(anne_model_class_name(&m, 0), "cat");
    assert_string_equal(anne_model_class_name(&m, 1), "dog");
    assert_null(anne_model_class_name(&m, 2));
    /* widest adjacent pair: 3 inputs + 4 units */
    assert_int_equal(anne_model_arena_size(&m), (3 + 4) * 4);
    assert_int_equal(anne_model_layer(&m, 1, &l), ANNE_OK);
    assert_int_equal(l.activation, ANNE_ACT_SOFTMAX);
    assert_memory_equal(l.kernel, k2, sizeof k2);
    assert_int_equal(anne_model_layer(&m, 2, &l), ANNE_ERR_BAD_ARG);

    assert_int_equal(anne_model_predict(&m, out, in, arena, 7 * 4 - 1), ANNE_ERR_ARENA_TOO_SMALL);
    assert_int_equal(anne_model_predict(&m, out, in, arena, 7 * 4), ANNE_OK);
    reference(in, ref);
    assert_float_equal(out[0], ref[0], 1e-6);
    assert_float_equal(out[1], ref[1], 1e-6);
    free(buf);
}

/* Writing is deterministic: the same description gives the same bytes. */
static void test_write_deterministic(void **state) {
    anne_model_desc d;
    anne_layer layers[2];
    size_t n1, n2;
    uint32_t a[256], b[256];
    (void)state;
    make_desc(&d, layers);
    memset(a, 0xAB, sizeof a);
    memset(b, 0xCD, sizeof b);
    assert_int_equal(anne_model_write(&d, a, sizeof a, &n1), ANNE_OK);
    assert_int_equal(anne_model_write(&d, b, sizeof b, &n2), ANNE_OK);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
}

/* The writer refuses what the loader would refuse. */
static void test_write_rejects_bad_desc(void **state) {
    anne_model_desc d;
    anne_layer layers[2];
    float bad_kernel[8];
    size_t n;
    (void)state;
    make_desc(&d, layers);
    layers[1].n_in = 5;
    assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_ERR_SHAPE);
    make_desc(&d, layers);
    layers[0].activation = ANNE_ACT_COUNT;
    assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_ERR_BAD_ACTIVATION);
    make_desc(&d, layers);
    memcpy(bad_kernel, k2, sizeof bad_kernel);
    bad_kernel[3] = NAN;
    layers[1].kernel = bad_kernel;
    assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_ERR_BAD_VALUE);
    make_desc(&d, layers);
    d.n_classes = 3;
    assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_ERR_BAD_CLASSES);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_load_predict),
        cmocka_unit_test(test_write_deterministic),
        cmocka_unit_test(test_write_rejects_bad_desc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
