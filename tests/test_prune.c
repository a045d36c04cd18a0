/* Magnitude pruning: anne_prune_magnitude_f32 against a sort in double (TF-MOT's rule: keep the
 * max(round((1 - s) n), 1) largest magnitudes, ties at the threshold kept), the schedule against
 * TF-MOT's PolynomialDecay formula in double, and the trainer holding pruned weights at zero through
 * every optimizer step while the others learn as without pruning. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "test_support.h"

static int by_magnitude_desc(const void *a, const void *b) {
    double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
    return x < y ? 1 : x > y ? -1 : 0;
}

/* TF-MOT's mask in double: the keep-th largest magnitude, by sorting. */
static double reference_threshold(const float *w, size_t n, double sparsity) {
    double *d = malloc(n * sizeof *d), keepd = (1.0 - sparsity) * (double)n, t;
    size_t i, keep;
    assert_non_null(d);
    for (i = 0; i < n; i++) d[i] = (double)w[i];
    qsort(d, n, sizeof *d, by_magnitude_desc);
    keep = (size_t)nearbyint((double)(float)keepd); /* round half to even, as tf.math.round; float as TF-MOT */
    if (keep < 1) keep = 1;
    t = fabs(d[keep - 1]);
    free(d);
    return t;
}

static void test_magnitude_matches_sort(void **state) {
    static const float sparsities[] = {0.0f, 0.1f, 0.5f, 0.75f, 0.8f, 0.9f, 0.99f, 1.0f};
    anne_rng rng;
    int trial;
    (void)state;
    anne_rng_seed(&rng, 7, 1);
    for (trial = 0; trial < 4000; trial++) {
        size_t n = 1 + anne_rng_below(&rng, 300), i, zeros = 0, want_zeros = 0, n_zero = 99;
        float *w = malloc(n * sizeof *w), *before = malloc(n * sizeof *before);
        float s = trial % 3 == 0 ? anne_rng_uniform(&rng) : sparsities[trial % 8];
        double t;
        assert_non_null(w);
        assert_non_null(before);
        for (i = 0; i < n; i++) {
            /* few distinct values in some trials, so that ties and zeros occur; signs mixed */
            uint32_t r = anne_rng_u32(&rng);
            w[i] = trial % 4 == 0 ? (float)((int)(r % 7u) - 3) * 0.5f : (anne_rng_uniform(&rng) - 0.5f) * 4.0f;
        }
        memcpy(before, w, n * sizeof *w);
        t = reference_threshold(before, n, (double)s);
        assert_int_equal(anne_prune_magnitude_f32(w, n, s, &n_zero), ANNE_OK);
        for (i = 0; i < n; i++) {
            int keep = fabs((double)before[i]) >= t;
            if (keep) {
                assert_true(memcmp(&w[i], &before[i], sizeof w[i]) == 0);
            } else {
                assert_true(w[i] == 0.0f);
            }
            zeros += w[i] == 0.0f;
            want_zeros += !keep || before[i] == 0.0f;
        }
        assert_int_equal(n_zero, zeros);
        assert_int_equal(zeros, want_zeros);
        free(w);
        free(before);
    }
}

static void test_magnitude_bad_input(void **state) {
    float w[3] = {1.0f, -2.0f, 0.5f}, copy[3];
    (void)state;
    memcpy(copy, w, sizeof w);
    assert_int_equal(anne_prune_magnitude_f32(NULL, 3, 0.5f, NULL), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_prune_magnitude_f32(w, 3, -0.1f, NULL), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_prune_magnitude_f32(w, 3, 1.5f, NULL), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_prune_magnitude_f32(w, 3, NAN, NULL), ANNE_ERR_BAD_ARG);
    w[1] = INFINITY;
    assert_int_equal(anne_prune_magnitude_f32(w, 3, 0.5f, NULL), ANNE_ERR_BAD_ARG);
    w[1] = NAN;
    assert_int_equal(anne_prune_magnitude_f32(w, 3, 0.5f, NULL), ANNE_ERR_BAD_ARG);
    assert_true(w[0] == copy[0] && w[2] == copy[2]); /* unchanged on error */
    /* sparsity 1 keeps one weight (TF-MOT's k >= 1): the largest */
    memcpy(w, copy, sizeof w);
    assert_int_equal(anne_prune_magnitude_f32(w, 3, 1.0f, NULL), ANNE_OK);
    assert_true(w[0] == 0.0f && w[1] == -2.0f && w[2] == 0.0f);
}

static void test_schedule_is_polynomial_decay(void **state) {
    anne_prune_schedule s;
    uint32_t step;
    (void)state;
    s.initial = 0.1f, s.final = 0.8f, s.begin = 20, s.end = 220, s.frequency = 25;
    for (step = 0; step < 300; step++) {
        double p = ((double)step - 20.0) / 200.0, want;
        float got = -1.0f;
        int prune = anne_prune_schedule_at(&s, step, &got);
        p = p < 0 ? 0 : p > 1 ? 1 : p;
        want = (0.1 - 0.8) * pow(1.0 - p, 3.0) + 0.8;
        assert_true(fabs((double)got - want) < 1e-6);
        assert_int_equal(prune, step >= 20 && step <= 220 && (step - 20) % 25 == 0);
    }
    s.frequency = 0;
    assert_int_equal(anne_prune_schedule_at(&s, 20, NULL), 0);
    s.frequency = 1, s.end = s.begin;
    assert_int_equal(anne_prune_schedule_at(&s, 20, NULL), 0);
}

enum { NIN = 4, NL = 3 };
static const uint16_t units[NL] = {8, 6, 3};
static const anne_activation acts[NL] = {ANNE_ACT_TANH, ANNE_ACT_RELU, ANNE_ACT_SOFTMAX};

static void *start(anne_trainer *t, anne_optimizer_kind opt) {
    return anne_test_trainer(t, NIN, units, acts, NL, NULL, opt, 0.05f, 3);
}

static void sample(int i, float x[NIN], uint16_t *label) {
    int k;
    for (k = 0; k < NIN; k++) x[k] = (float)(((i + 3) * (k + 5) * 37) % 23) * 0.1f - 1.1f;
    *label = (uint16_t)((x[0] > x[1]) + (x[2] > 0.3f));
}

static size_t kernel_floats(const anne_layer *l) {
    return (size_t)l->n_in * l->n_out;
}

/* Whether params[i] is a weight of a pruned layer's kernel (layers 0 and 1 below) that is zero in w. */
static int pruned_at(const anne_trainer *t, const float *w, size_t i) {
    uint16_t l;
    for (l = 0; l < 2; l++) {
        size_t off = (size_t)((const float *)t->layers[l].kernel - t->params);
        if (i >= off && i < off + kernel_floats(&t->layers[l])) return w[i] == 0.0f;
    }
    return 0;
}

/* One step of a trainer that holds zeros against one that does not, from the same weights: the
 * non-zero weights move identically (same gradients, same optimizer), the pruned ones stay 0 in the
 * first and move in the second; then many steps keep every pruned weight exactly zero. */
static void check_hold(anne_optimizer_kind opt) {
    anne_trainer a, b;
    void *arena_a = start(&a, opt), *arena_b = start(&b, opt);
    float x[NIN], loss;
    uint16_t label, l;
    size_t i, moved = 0;
    int step, r;
    float *before;
    /* layers 0 and 1 pruned to 50 %, the output layer not, in both */
    assert_int_equal(anne_trainer_set_pruned(&a, 0, 1), ANNE_OK);
    assert_int_equal(anne_trainer_set_pruned(&a, 1, 1), ANNE_OK);
    assert_int_equal(anne_trainer_prune(&a, 0.5f), ANNE_OK);
    memcpy(b.params, a.params, a.n_params * sizeof *a.params);
    before = malloc(a.n_params * sizeof *before);
    assert_non_null(before);
    memcpy(before, a.params, a.n_params * sizeof *before);
    for (r = 0; r < 8; r++) {
        sample(r, x, &label);
        assert_int_equal(anne_trainer_accumulate_class(&a, x, label, &loss, NULL), ANNE_OK);
        assert_int_equal(anne_trainer_accumulate_class(&b, x, label, &loss, NULL), ANNE_OK);
    }
    assert_int_equal(anne_trainer_step(&a), ANNE_OK);
    assert_int_equal(anne_trainer_step(&b), ANNE_OK);
    for (i = 0; i < a.n_params; i++) {
        if (!pruned_at(&a, before, i)) {
            assert_true(memcmp(&a.params[i], &b.params[i], sizeof a.params[i]) == 0);
        } else {
            assert_true(a.params[i] == 0.0f);
            moved += b.params[i] != 0.0f;
        }
    }
    assert_true(moved > 0); /* without pruning they would have moved: the check can fail */
    for (step = 0; step < 60; step++) {
        for (r = 0; r < 5; r++) {
            sample(step * 5 + r, x, &label);
            assert_int_equal(anne_trainer_accumulate_class(&a, x, label, &loss, NULL), ANNE_OK);
        }
        assert_int_equal(anne_trainer_step(&a), ANNE_OK);
        for (l = 0; l < 2; l++) {
            const float *k = a.layers[l].kernel;
            size_t zeros = 0;
            for (i = 0; i < kernel_floats(&a.layers[l]); i++) zeros += k[i] == 0.0f;
            assert_true(zeros * 2 >= kernel_floats(&a.layers[l]));
        }
    }
    for (i = 0; i < a.n_params; i++) {
        if (pruned_at(&a, before, i)) assert_true(a.params[i] == 0.0f);
    }
    free(before);
    free(arena_a);
    free(arena_b);
}

static void test_trainer_holds_zeros_adam(void **state) {
    (void)state;
    check_hold(ANNE_OPTIMIZER_ADAM);
}

static void test_trainer_holds_zeros_momentum(void **state) {
    (void)state;
    check_hold(ANNE_OPTIMIZER_MOMENTUM);
}

static void test_trainer_holds_zeros_sgd(void **state) {
    (void)state;
    check_hold(ANNE_OPTIMIZER_SGD);
}

/* anne_trainer_prune touches only layers marked pruned and trainable, each to the sparsity. */
static void test_trainer_prune_layers(void **state) {
    anne_trainer t;
    void *arena = start(&t, ANNE_OPTIMIZER_SGD);
    float *copy = malloc(t.n_params * sizeof *copy);
    uint16_t l;
    (void)state;
    assert_non_null(copy);
    memcpy(copy, t.params, t.n_params * sizeof *copy);
    assert_int_equal(anne_trainer_set_pruned(&t, 0, 1), ANNE_OK);
    assert_int_equal(anne_trainer_set_pruned(&t, 1, 1), ANNE_OK);
    assert_int_equal(anne_trainer_set_trainable(&t, 1, 0), ANNE_OK); /* frozen: left alone */
    assert_int_equal(anne_trainer_set_pruned(&t, NL, 1), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_trainer_prune(&t, 0.75f), ANNE_OK);
    for (l = 0; l < NL; l++) {
        const anne_layer *ly = &t.layers[l];
        size_t off = (size_t)((const float *)ly->kernel - t.params), n = kernel_floats(ly), i, zeros = 0;
        for (i = 0; i < n; i++) zeros += t.params[off + i] == 0.0f;
        if (l == 0) {
            assert_int_equal(zeros, n - (size_t)nearbyint(0.25 * (double)n));
        } else {
            assert_memory_equal(t.params + off, copy + off, n * sizeof *copy);
        }
    }
    free(copy);
    free(arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_magnitude_matches_sort),
        cmocka_unit_test(test_magnitude_bad_input),
        cmocka_unit_test(test_schedule_is_polynomial_decay),
        cmocka_unit_test(test_trainer_holds_zeros_adam),
        cmocka_unit_test(test_trainer_holds_zeros_momentum),
        cmocka_unit_test(test_trainer_holds_zeros_sgd),
        cmocka_unit_test(test_trainer_prune_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
