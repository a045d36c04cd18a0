/* Initializers and the training arena: PCG32 reproduces the reference implementation's published
 * numbers, glorot_uniform weights are the expected bits for a seed (computed independently in
 * Python from the PCG32 definition) and lie within Keras' bound, biases start at zero, and the
 * arena size is exact (hand-counted, and nothing is written past it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "test_support.h"

/* pcg32-demo of pcg-random.org, pcg32_srandom_r(&rng, 42u, 54u): its first six outputs. */
static void test_pcg32_matches_reference_implementation(void **state) {
    static const uint32_t want[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    anne_rng rng;
    int i;
    (void)state;
    anne_rng_seed(&rng, 42u, 54u);
    for (i = 0; i < 6; i++) assert_int_equal(anne_rng_u32(&rng), want[i]);
}

static void test_rng_below_and_uniform_ranges(void **state) {
    anne_rng rng;
    int counts[5] = {0}, i;
    (void)state;
    anne_rng_seed(&rng, 1u, 2u);
    for (i = 0; i < 5000; i++) {
        uint32_t r = anne_rng_below(&rng, 5);
        float u = anne_rng_uniform(&rng);
        assert_true(r < 5);
        assert_true(u >= 0.0f && u < 1.0f);
        counts[r]++;
    }
    for (i = 0; i < 5; i++) assert_true(counts[i] > 850 && counts[i] < 1150); /* 1000 +- 5 sigma */
    assert_int_equal(anne_rng_below(&rng, 1), 0);
}

static void make_arch(anne_model_desc *d, anne_layer *layers, const uint16_t *units, const anne_activation *acts,
                      uint16_t n_inputs, uint16_t n_layers) {
    uint16_t l;
    memset(d, 0, sizeof *d);
    memset(layers, 0, n_layers * sizeof *layers);
    for (l = 0; l < n_layers; l++) {
        layers[l].kind = ANNE_LAYER_DENSE;
        layers[l].dtype = ANNE_DTYPE_F32;
        layers[l].activation = acts[l];
        anne_ir_default_params(acts[l], layers[l].param);
        layers[l].n_in = l == 0 ? n_inputs : units[l - 1];
        layers[l].n_out = units[l];
    }
    d->n_inputs = n_inputs;
    d->n_layers = n_layers;
    d->layers = layers;
}

/* Seed 2024, a 4 -> 3 layer: limit sqrt(6/7); values from an independent Python PCG32. */
static void test_glorot_uniform_golden_bits(void **state) {
    static const float want[12] = {0.336663842f, -0.246996596f, 0.666680872f, -0.712003529f, 0.331455439f,
                                   -0.027326379f, 0.0134830168f, 0.188854828f, 0.893609464f, 0.162065268f,
                                   0.253164977f, -0.00509738037f};
    static const uint16_t units[1] = {3};
    static const anne_activation acts[1] = {ANNE_ACT_SIGMOID};
    anne_layer layers[1];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t;
    float k[12];
    anne_rng rng;
    size_t size;
    void *arena;
    int i;
    (void)state;
    anne_rng_seed(&rng, 2024u, ANNE_RNG_STREAM_INIT);
    anne_init_glorot_uniform_f32(k, 4, 3, &rng);
    for (i = 0; i < 12; i++) assert_true(k[i] == want[i]);

    /* the trainer draws the same numbers for its first layer */
    make_arch(&d, layers, units, acts, 4, 1);
    cfg.loss = ANNE_LOSS_MSE;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_SGD);
    cfg.seed = 2024u;
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_SGD, &size), ANNE_OK);
    arena = malloc(size);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, size), ANNE_OK);
    assert_memory_equal(t.layers[0].kernel, want, sizeof want);
    free(arena);
}

static void test_glorot_bounds_zero_biases_and_determinism(void **state) {
    static const uint16_t units[3] = {40, 25, 3};
    static const anne_activation acts[3] = {ANNE_ACT_RELU, ANNE_ACT_TANH, ANNE_ACT_SOFTMAX};
    anne_layer layers[3];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t1, t2, t3;
    size_t size;
    void *a1, *a2, *a3;
    int l;
    (void)state;
    make_arch(&d, layers, units, acts, 10, 3);
    cfg.loss = ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.seed = 7u;
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size), ANNE_OK);
    a1 = malloc(size);
    a2 = malloc(size);
    a3 = malloc(size);
    assert_non_null(a1);
    assert_non_null(a2);
    assert_non_null(a3);
    assert_int_equal(anne_trainer_init(&t1, &d, &cfg, a1, size), ANNE_OK);
    assert_int_equal(anne_trainer_init(&t2, &d, &cfg, a2, size), ANNE_OK);
    cfg.seed = 8u;
    assert_int_equal(anne_trainer_init(&t3, &d, &cfg, a3, size), ANNE_OK);
    assert_memory_equal(t1.params, t2.params, t1.n_params * sizeof(float));
    assert_memory_not_equal(t1.params, t3.params, t1.n_params * sizeof(float));
    for (l = 0; l < 3; l++) {
        const anne_layer *ly = &t1.layers[l];
        const float *k = ly->kernel, *b = ly->bias;
        uint32_t n = (uint32_t)ly->n_in * ly->n_out, i;
        double limit = sqrt(6.0 / (ly->n_in + ly->n_out)), sum = 0, sq = 0, maxabs = 0;
        for (i = 0; i < n; i++) {
            assert_true(fabs(k[i]) <= limit * (1 + 1e-7));
            sum += k[i];
            sq += (double)k[i] * k[i];
            if (fabs(k[i]) > maxabs) maxabs = fabs(k[i]);
        }
        /* uniform on [-limit, limit]: mean 0, variance limit^2 / 3 = 2 / (fan_in + fan_out) */
        if (n >= 250) {
            assert_true(fabs(sum / n) < 4 * limit / sqrt(3.0 * n));
            assert_true(fabs(sq / n / (limit * limit / 3) - 1) < 0.2);
            assert_true(maxabs > 0.9 * limit);
        }
        for (i = 0; i < ly->n_out; i++) assert_true(b[i] == 0.0f);
    }
    free(a1);
    free(a2);
    free(a3);
}

/* The paper's 8-neuron IRIS network with Adam, counted by hand:
 * params 4*2+2 + 2*3+3 + 3*2+2 + 2*1+1 = 30; floats = 30 * (params, grads, m, v) = 120,
 * activations 4 + 2*(2+3+2+1) = 20, two backprop buffers of the widest (4) = 8, target 1: 149 floats;
 * 4 layer records; 4 trainable flags. */
static void test_arena_size_is_exact(void **state) {
    static const uint16_t units[4] = {2, 3, 2, 1};
    static const anne_activation acts[4] = {ANNE_ACT_RELU, ANNE_ACT_SIGMOID, ANNE_ACT_RELU, ANNE_ACT_SIGMOID};
    anne_layer layers[4];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t;
    size_t size, want = 4 * sizeof(anne_layer) + 149 * 4 + 4, i;
    unsigned char *arena;
    float x[4] = {0.1f, 0.2f, -0.3f, 0.4f}, out[1];
    int s;
    (void)state;
    make_arch(&d, layers, units, acts, 4, 4);
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size), ANNE_OK);
    assert_int_equal(size, want);
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_SGD, &size), ANNE_OK);
    assert_int_equal(size, want - 60 * 4); /* no moments */
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_MOMENTUM, &size), ANNE_OK);
    assert_int_equal(size, want - 30 * 4);

    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.seed = 1;
    arena = malloc(want + 64);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, want - 1), ANNE_ERR_ARENA_TOO_SMALL);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena + 4, want), ANNE_ERR_ALIGNMENT);
    memset(arena, 0xA5, want + 64);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, want), ANNE_OK);
    for (s = 0; s < 5; s++) {
        assert_int_equal(anne_trainer_accumulate_class(&t, x, (uint16_t)(s & 1), NULL, NULL), ANNE_OK);
        assert_int_equal(anne_trainer_step(&t), ANNE_OK);
    }
    assert_int_equal(anne_trainer_predict(&t, out, x), ANNE_OK);
    for (i = want; i < want + 64; i++) assert_int_equal(arena[i], 0xA5); /* nothing written past the end */
    free(arena);
}

/* Bad architectures and settings are refused with a status, not trained. */
static void test_bad_arguments_are_refused(void **state) {
    static const uint16_t units[2] = {3, 1};
    static const anne_activation acts[2] = {ANNE_ACT_RELU, ANNE_ACT_SIGMOID};
    anne_layer layers[2];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t;
    size_t size;
    static double arena[256];
    (void)state;
    make_arch(&d, layers, units, acts, 2, 2);
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.seed = 1;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, sizeof arena), ANNE_OK);
    assert_int_equal(anne_trainer_set_trainable(&t, 2, 0), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_trainer_accumulate_class(&t, (const float[2]){1, 2}, 2, NULL, NULL), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_trainer_set_lr(&t, NAN), ANNE_ERR_BAD_ARG);
    layers[1].n_in = 4;
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size), ANNE_ERR_SHAPE);
    layers[1].n_in = 3;
    layers[1].activation = ANNE_ACT_COUNT;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, sizeof arena), ANNE_ERR_BAD_ACTIVATION);
    layers[1].activation = ANNE_ACT_SIGMOID;
    cfg.optimizer.beta1 = 1.0f;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, sizeof arena), ANNE_ERR_BAD_ARG);
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.loss = ANNE_LOSS_COUNT;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, sizeof arena), ANNE_ERR_BAD_ARG);
    /* a sample whose loss overflows is refused and leaves the sums untouched */
    cfg.loss = ANNE_LOSS_MSE;
    layers[1].activation = ANNE_ACT_EXPONENTIAL;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, sizeof arena), ANNE_OK);
    for (size = 0; size < t.n_params; size++) t.params[size] = 1.0f; /* exp(6e30) overflows */
    assert_int_equal(anne_trainer_accumulate(&t, (const float[2]){1e30f, 1e30f}, (const float[1]){0}, NULL, NULL),
                     ANNE_ERR_BAD_VALUE);
    assert_int_equal(t.n_accum, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcg32_matches_reference_implementation),
        cmocka_unit_test(test_rng_below_and_uniform_ranges),
        cmocka_unit_test(test_glorot_uniform_golden_bits),
        cmocka_unit_test(test_glorot_bounds_zero_biases_and_determinism),
        cmocka_unit_test(test_arena_size_is_exact),
        cmocka_unit_test(test_bad_arguments_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
