/* anne eval's regression scores (tools/commands/anne_regression.c) against a plain two-pass
 * computation in double precision over stored rows: MAE, RMSE, R^2 = 1 - SS_res / SS_tot about the
 * mean, max error, on seeded random data whose true values sit far from 0 (where a one-pass
 * sum-of-squares R^2 would lose digits), and sklearn's conventions for constant true values. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>

#include "anne_regression.h"
#include "anne_train.h"

/* the straightforward reference: everything from the stored rows, two passes */
static void reference(const double *y, const double *p, size_t n, anne_regression_scores *s) {
    double abs_sum = 0, sq = 0, mx = 0, mean = 0, tot = 0;
    size_t i;
    for (i = 0; i < n; i++) mean += y[i];
    mean /= (double)n;
    for (i = 0; i < n; i++) {
        double e = y[i] - p[i];
        abs_sum += fabs(e);
        sq += e * e;
        if (fabs(e) > mx) mx = fabs(e);
        tot += (y[i] - mean) * (y[i] - mean);
    }
    s->mae = abs_sum / (double)n;
    s->rmse = sqrt(sq / (double)n);
    s->max_error = mx;
    s->r2 = 1.0 - sq / tot;
}

static void streamed(const double *y, const double *p, size_t n, anne_regression_scores *s) {
    anne_regression r;
    size_t i;
    anne_regression_init(&r);
    for (i = 0; i < n; i++) anne_regression_update(&r, y[i], p[i]);
    assert_int_equal(r.n, n);
    anne_regression_scores_get(&r, s);
}

static void assert_close(double got, double want, double rel) {
    if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want)))) fail_msg("got %.17g, expected %.17g", got, want);
}

static void test_random_against_two_pass(void **state) {
    static double y[5000], p[5000];
    anne_rng rng;
    uint32_t seed;
    (void)state;
    for (seed = 0; seed < 20; seed++) {
        size_t n = 2 + seed * 249u, i;
        double offset = seed % 2 ? 1e6 : 0.0; /* a large mean: Welford keeps R^2's digits */
        anne_regression_scores got, want;
        anne_rng_seed(&rng, seed, 9u);
        for (i = 0; i < n; i++) {
            y[i] = offset + 4.0 * (double)anne_rng_uniform(&rng) - 2.0;
            p[i] = y[i] + 0.1 * ((double)anne_rng_uniform(&rng) - 0.5) + 0.01;
        }
        streamed(y, p, n, &got);
        reference(y, p, n, &want);
        assert_close(got.mae, want.mae, 1e-12);
        assert_close(got.rmse, want.rmse, 1e-12);
        assert_true(got.max_error == want.max_error);
        assert_close(got.r2, want.r2, 1e-9);
    }
}

/* four rows worked by hand */
static void test_known_values(void **state) {
    double y[4] = {1, 2, 3, 4}, p[4] = {1.5, 2, 2, 4};
    anne_regression_scores s;
    (void)state;
    streamed(y, p, 4, &s);
    /* errors y - p: -0.5, 0, 1, 0; SS_res 1.25; mean 2.5, SS_tot 5 */
    assert_close(s.mae, 1.5 / 4.0, 1e-15);
    assert_close(s.rmse, sqrt(1.25 / 4.0), 1e-15);
    assert_close(s.r2, 1.0 - 1.25 / 5.0, 1e-15);
    assert_true(s.max_error == 1.0);
}

/* sklearn's r2_score with constant true values: 1 for a perfect fit, else 0 (force_finite) */
static void test_constant_truth(void **state) {
    double y[3] = {2, 2, 2}, exact[3] = {2, 2, 2}, off[3] = {2, 2.5, 2};
    anne_regression_scores s;
    (void)state;
    streamed(y, exact, 3, &s);
    assert_true(s.r2 == 1.0 && s.mae == 0.0 && s.max_error == 0.0);
    streamed(y, off, 3, &s);
    assert_true(s.r2 == 0.0);
    assert_close(s.max_error, 0.5, 0);
}

/* a prediction that is not a number is never hidden behind a finite score */
static void test_nan_prediction(void **state) {
    double y[3] = {1, 2, 3}, p[3] = {1, NAN, 3};
    anne_regression_scores s;
    (void)state;
    streamed(y, p, 3, &s);
    assert_true(isnan(s.mae) && isnan(s.rmse) && isnan(s.r2) && isnan(s.max_error));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_two_pass),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_constant_truth),
        cmocka_unit_test(test_nan_prediction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
