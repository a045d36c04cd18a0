/* Input scaling at the edges of float: a divisor that is subnormal (std 5e-41) or a range that
 * overflows (max - min = inf) would turn ordinary inputs into inf, so the writer, the loader's shared
 * check and the trainer refuse them; the trainer refuses a sample whose scaled input is not finite
 * even when relu hides it from the loss; fitting the scaling on data never produces such values. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "anne_train_data.h"
#include "test_support.h"

static const float kernel[2] = {0.5f, -0.25f}; /* (1, 2) */

static anne_status write_with_scaling(anne_scaling_kind kind, float a0, float b0) {
    static float a[2], b[2];
    anne_layer layer;
    anne_model_desc d;
    size_t size;
    memset(&layer, 0, sizeof layer);
    layer.kind = ANNE_LAYER_DENSE;
    layer.dtype = ANNE_DTYPE_F32;
    layer.activation = ANNE_ACT_LINEAR;
    layer.n_in = 2;
    layer.n_out = 1;
    layer.kernel = kernel;
    memset(&d, 0, sizeof d);
    d.n_inputs = 2;
    d.n_layers = 1;
    d.layers = &layer;
    a[0] = a0, b[0] = b0, a[1] = 0.0f, b[1] = 1.0f;
    d.scaling.kind = kind;
    d.scaling.a = a;
    d.scaling.b = b;
    return anne_model_write(&d, NULL, 0, &size);
}

static void test_writer_refuses_divisors_that_make_inf(void **state) {
    (void)state;
    assert_int_equal(write_with_scaling(ANNE_SCALING_STANDARDIZE, 0.0f, 1.0f), ANNE_OK);
    assert_int_equal(write_with_scaling(ANNE_SCALING_STANDARDIZE, 0.0f, FLT_MIN), ANNE_OK);
    assert_int_equal(write_with_scaling(ANNE_SCALING_STANDARDIZE, 0.0f, 5e-41f), ANNE_ERR_BAD_VALUE); /* subnormal */
    assert_int_equal(write_with_scaling(ANNE_SCALING_STANDARDIZE, 0.0f, 0.0f), ANNE_ERR_BAD_VALUE);
    assert_int_equal(write_with_scaling(ANNE_SCALING_MINMAX, -1.0f, 1.0f), ANNE_OK);
    assert_int_equal(write_with_scaling(ANNE_SCALING_MINMAX, -3e38f, 3e38f), ANNE_ERR_BAD_VALUE); /* b - a = inf */
    assert_int_equal(write_with_scaling(ANNE_SCALING_MINMAX, 1.0f, 1.0f), ANNE_ERR_BAD_VALUE);
}

/* A relu network hides a NaN/inf input from the loss (relu(NaN) = 0 in C's comparison); the trainer
 * must still refuse the sample, and the weights must stay finite. */
static void test_trainer_refuses_non_finite_scaled_input(void **state) {
    static const float mean[2] = {0.0f, 0.0f}, sd[2] = {1e-30f, 1.0f};
    anne_layer layers[2];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t;
    size_t need, i;
    void *arena;
    float ok_in[2] = {1e-31f, 0.5f}, huge_in[2] = {1e10f, 0.5f}, loss = 0.0f;
    (void)state;
    memset(layers, 0, sizeof layers);
    layers[0].kind = layers[1].kind = ANNE_LAYER_DENSE;
    layers[0].activation = ANNE_ACT_RELU;
    layers[0].param[1] = INFINITY;
    layers[0].n_in = 2;
    layers[0].n_out = 3;
    layers[1].activation = ANNE_ACT_SIGMOID;
    layers[1].n_in = 3;
    layers[1].n_out = 1;
    memset(&d, 0, sizeof d);
    d.n_inputs = 2;
    d.n_layers = 2;
    d.layers = layers;
    d.scaling.kind = ANNE_SCALING_STANDARDIZE;
    d.scaling.a = mean;
    d.scaling.b = sd;
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_SGD);
    assert_int_equal(anne_trainer_arena_size(&d, cfg.optimizer.kind, &need), ANNE_OK);
    arena = malloc(need);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, need), ANNE_OK);
    assert_int_equal(anne_trainer_accumulate_class(&t, ok_in, 1, &loss, NULL), ANNE_OK);
    /* 1e10 / 1e-30 = 1e40: inf in float */
    assert_int_equal(anne_trainer_accumulate_class(&t, huge_in, 1, &loss, NULL), ANNE_ERR_BAD_VALUE);
    assert_int_equal(anne_trainer_evaluate_class(&t, huge_in, 1, &loss, NULL), ANNE_ERR_BAD_VALUE);
    assert_int_equal(anne_trainer_step(&t), ANNE_OK);
    for (i = 0; i < t.n_params; i++) assert_true(isfinite(t.params[i]));
    free(arena);
}

static void test_fit_scaling_stays_representable(void **state) {
    float x_const[4] = {1e8f, 5.0f, 1e8f, 6.0f};          /* (2 rows, 2 features): feature 1 constant at 1e8 */
    float x_wide[4] = {-3e38f, 1.0f, 3e38f, 2.0f};        /* feature 1 spans more than a float */
    float a[2], b[2];
    uint16_t bad = 99;
    anne_train_rows r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.n = 2;
    r.n_features = 2;
    r.x = x_const;
    assert_int_equal(anne_train_fit_scaling(ANNE_SCALING_MINMAX, &r, a, b, &bad), 0);
    assert_true(b[0] - a[0] >= 1.0f); /* lo + 1 would round back to 1e8 */
    assert_int_equal(write_with_scaling(ANNE_SCALING_MINMAX, a[0], b[0]), ANNE_OK);
    assert_int_equal(anne_train_fit_scaling(ANNE_SCALING_STANDARDIZE, &r, a, b, &bad), 0);
    assert_true(b[0] == 1.0f && a[0] == 1e8f); /* constant column: centred, unit divisor */
    r.x = x_wide;
    assert_int_equal(anne_train_fit_scaling(ANNE_SCALING_MINMAX, &r, a, b, &bad), -1);
    assert_int_equal(bad, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_refuses_divisors_that_make_inf),
        cmocka_unit_test(test_trainer_refuses_non_finite_scaled_input),
        cmocka_unit_test(test_fit_scaling_stays_representable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
