/* The training shuffle (anne_train_shuffle: the epochs' row order and --split's held-out rows) is a
 * uniform Fisher-Yates: every shuffle is a permutation, and over many seeds every element lands in
 * every position, every permutation of 4 items comes up, and every row is held out, as often as
 * chance allows (chi-square within its 1e-6 tail). The seeds are fixed, so the test is deterministic.
 * The classic biased variants fail it: swapping with any index 0..n-1 (not 0..i), and Sattolo's
 * off-by-one (0..i-1), which never leaves an element in place. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "anne_train_data.h"

#define N_SEEDS 24000u

/* The chi-square value that a uniform sample exceeds with probability about 1e-6, for df degrees of
 * freedom (Wilson-Hilferty: chi2 / df is close to normal after a cube root; z = 4.753 for 1e-6). */
static double chi2_limit(double df) {
    double a = 2.0 / (9.0 * df), c = 1.0 - a + 4.753 * sqrt(a);
    return df * c * c * c;
}

/* sum (observed - expected)^2 / expected over n cells with the same expectation */
static double chi2(const unsigned *count, size_t n, double expected) {
    double s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) s += ((double)count[i] - expected) * ((double)count[i] - expected) / expected;
    return s;
}

/* idx (n) shuffled from the identity with seed, on the epochs' stream */
static void shuffle_seed(size_t *idx, size_t n, uint32_t seed) {
    anne_rng rng;
    size_t i;
    for (i = 0; i < n; i++) idx[i] = i;
    anne_rng_seed(&rng, seed, ANNE_TRAIN_STREAM_SHUFFLE);
    anne_train_shuffle(idx, n, &rng);
}

static void assert_permutation(const size_t *idx, size_t n) {
    unsigned char seen[1000];
    size_t i;
    assert_true(n <= sizeof seen);
    memset(seen, 0, n);
    for (i = 0; i < n; i++) {
        assert_true(idx[i] < n);
        assert_false(seen[idx[i]]);
        seen[idx[i]] = 1;
    }
}

/* Shuffles of 0, 1, 2 and 1000 items are permutations; 0 and 1 items stay as they are. */
static void test_shuffle_is_a_permutation(void **state) {
    static size_t idx[1000];
    anne_rng rng;
    uint32_t seed;
    (void)state;
    anne_rng_seed(&rng, 1, ANNE_TRAIN_STREAM_SHUFFLE);
    anne_train_shuffle(idx, 0, &rng);
    idx[0] = 7;
    anne_train_shuffle(idx, 1, &rng);
    assert_int_equal(idx[0], 7);
    for (seed = 0; seed < 50; seed++) {
        shuffle_seed(idx, 2, seed);
        assert_permutation(idx, 2);
        shuffle_seed(idx, 1000, seed);
        assert_permutation(idx, 1000);
    }
}

/* Every element in every position, n = 2, 3, 5, 10: df = (n - 1)^2 (rows and columns sum to N_SEEDS). */
static void test_shuffle_positions_uniform(void **state) {
    static const size_t sizes[] = {2, 3, 5, 10};
    size_t s;
    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], idx[10], i;
        unsigned count[10 * 10]; /* (element, position) */
        uint32_t seed;
        double x2, limit;
        memset(count, 0, sizeof count);
        for (seed = 0; seed < N_SEEDS; seed++) {
            shuffle_seed(idx, n, seed);
            assert_permutation(idx, n);
            for (i = 0; i < n; i++) count[idx[i] * n + i]++;
        }
        x2 = chi2(count, n * n, (double)N_SEEDS / (double)n);
        limit = chi2_limit((double)((n - 1) * (n - 1)));
        print_message("n = %zu: element-position chi-square %.1f (1e-6 limit %.1f); element 0 in place %u of %u\n", n,
                      x2, limit, count[0], N_SEEDS);
        assert_true(x2 < limit);
    }
}

/* Lehmer code of a permutation of 4 items: 0..23 */
static unsigned perm_rank4(const size_t *p) {
    unsigned rank = 0, i, j;
    for (i = 0; i < 4; i++) {
        unsigned smaller = 0;
        for (j = i + 1; j < 4; j++) smaller += p[j] < p[i];
        rank = rank * (4u - i) + smaller;
    }
    return rank;
}

/* All 24 permutations of 4 items equally often: df = 23. */
static void test_shuffle_permutations_uniform(void **state) {
    unsigned count[24];
    uint32_t seed;
    size_t idx[4];
    double x2, limit = chi2_limit(23.0);
    unsigned i, lo = N_SEEDS, hi = 0;
    (void)state;
    memset(count, 0, sizeof count);
    for (seed = 0; seed < N_SEEDS; seed++) {
        shuffle_seed(idx, 4, seed);
        count[perm_rank4(idx)]++;
    }
    for (i = 0; i < 24; i++) {
        if (count[i] < lo) lo = count[i];
        if (count[i] > hi) hi = count[i];
    }
    x2 = chi2(count, 24, (double)N_SEEDS / 24.0);
    print_message("permutations of 4: chi-square %.1f (1e-6 limit %.1f), each %u..%u times (expected %u)\n", x2, limit,
                  lo, hi, N_SEEDS / 24u);
    assert_true(lo > 0);
    assert_true(x2 < limit);
}

/* --split's held-out rows: 3 of 10 held out, each row about equally often: df = 9. */
static void test_split_uniform(void **state) {
    float x[10];
    anne_train_rows all, kept, held;
    anne_error err;
    unsigned count[10];
    uint32_t seed;
    size_t i;
    double x2, limit = chi2_limit(9.0);
    (void)state;
    for (i = 0; i < 10; i++) x[i] = (float)i;
    memset(&all, 0, sizeof all);
    all.n = 10;
    all.n_features = 1;
    all.x = x;
    memset(count, 0, sizeof count);
    for (seed = 0; seed < N_SEEDS / 4u; seed++) {
        assert_int_equal(anne_train_rows_split(&all, 0.3, seed, &kept, &held, &err), 0);
        assert_int_equal(held.n, 3);
        assert_int_equal(kept.n, 7);
        for (i = 0; i < held.n; i++) count[(size_t)held.x[i]]++;
        anne_train_rows_free(&kept);
        anne_train_rows_free(&held);
    }
    x2 = chi2(count, 10, 0.3 * (double)(N_SEEDS / 4u));
    print_message("split 3 of 10: held-out chi-square %.1f (1e-6 limit %.1f)\n", x2, limit);
    assert_true(x2 < limit);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shuffle_is_a_permutation),
        cmocka_unit_test(test_shuffle_positions_uniform),
        cmocka_unit_test(test_shuffle_permutations_uniform),
        cmocka_unit_test(test_split_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
