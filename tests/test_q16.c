/* Q16.16: every table entry against libm, the float conversion and product against double-precision
 * formulas (exact), the dense kernel against a 64-bit reference (exact), and each activation's
 * maximum absolute error against the float definition over its input range, measured and held to
 * the bound docs/numerics.md states. */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>
#include <string.h>

#include "anne_quant.h"
#include "../runtime/src/anne_q16_tables.h"

static double q2d(int32_t q) {
    return (double)q / 65536.0;
}

static void check_table_i32(const int32_t *t, double (*f)(double), double step, double scale) {
    int k;
    for (k = 0; k <= 256; k++) assert_true(fabs((double)t[k] - f(k * step) * scale) <= 0.5 + 1e-6);
}

static void check_table_u32(const uint32_t *t, double (*f)(double), double step, double scale) {
    int k;
    for (k = 0; k <= 256; k++) assert_true(fabs((double)t[k] - f(k * step) * scale) <= 0.5 + 1e-6);
}

static double d_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double d_phi(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }
static double d_exp2(double x) { return pow(2.0, x); }
static double d_log2_1p(double x) { return log2(1.0 + x); }

static void test_tables(void **state) {
    (void)state;
    check_table_i32(anne__q16_sigmoid_table, d_sigmoid, 1.0 / 16, 65536.0);
    check_table_i32(anne__q16_tanh_table, tanh, 1.0 / 32, 65536.0);
    check_table_i32(anne__q16_phi_table, d_phi, 1.0 / 32, 65536.0);
    check_table_u32(anne__q16_exp2_table, d_exp2, 1.0 / 256, 1073741824.0);
    check_table_u32(anne__q16_log2_1p_table, d_log2_1p, 1.0 / 256, 1073741824.0);
}

/* Q16 of a float: round(x * 2^16) with ties away from zero, saturated; x * 2^16 is exact in double. */
static int32_t ref_from_f32(float x) {
    double q;
    if (isnan(x)) return 0;
    q = round((double)x * 65536.0);
    return q >= 2147483647.0 ? INT32_MAX : (q <= -2147483648.0 ? INT32_MIN : (int32_t)q);
}

static void test_from_f32(void **state) {
    uint64_t rng = 77;
    uint32_t i;
    const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f / 65536.0f, -0.5f / 65536.0f, 1.5f / 65536.0f,
                             0.49999997f / 65536.0f, 32767.99f, 32768.0f, -32768.0f, -32768.5f, 1e-40f,
                             INFINITY, -INFINITY, NAN, 3.0e38f, -3.0e38f, 0.1f, -0.1f, 6.0f};
    (void)state;
    for (i = 0; i < sizeof special / sizeof special[0]; i++) {
        assert_int_equal(anne_q16_from_f32(special[i]), ref_from_f32(special[i]));
    }
    for (i = 0; i < 1000000u; i++) {
        uint32_t bits = (uint32_t)ref_rand(&rng);
        float x;
        /* most draws in the interesting exponents 2^-20 .. 2^16 */
        if (i % 4u != 0u) bits = (bits & 0x807FFFFFu) | ((uint32_t)(107u + (bits >> 23) % 37u) << 23);
        memcpy(&x, &bits, sizeof x);
        assert_int_equal(anne_q16_from_f32(x), ref_from_f32(x));
    }
    assert_true(anne_q16_to_f32(98304) == 1.5f);
    assert_true(anne_q16_to_f32(-1) == -1.0f / 65536.0f);
}

static void test_mul(void **state) {
    uint64_t rng = 5;
    uint32_t i;
    (void)state;
    assert_int_equal(anne_q16_mul(65536, 65536), 65536);
    assert_int_equal(anne_q16_mul(98304, -131072), -196608);   /* 1.5 * -2 */
    assert_int_equal(anne_q16_mul(1, 32768), 1);               /* 2^-16 * 0.5 = half a step: ties up */
    assert_int_equal(anne_q16_mul(-1, 32768), 0);              /* -half a step: ties up to 0 */
    assert_int_equal(anne_q16_mul(INT32_MAX, INT32_MAX), INT32_MAX);
    assert_int_equal(anne_q16_mul(INT32_MIN, INT32_MAX), INT32_MIN);
    for (i = 0; i < 500000u; i++) {
        int32_t a = (int32_t)(uint32_t)ref_rand(&rng), b = (int32_t)(uint32_t)ref_rand(&rng);
        int64_t r;
        if (i % 2u) a /= 65536; /* keep many products in range */
        r = ref_floor_div((int64_t)a * b + 32768, 65536);
        r = r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : r);
        assert_int_equal(anne_q16_mul(a, b), (int32_t)r);
    }
}

static void test_dense(void **state) {
    uint64_t rng = 99;
    int32_t in[40], kernel[40 * 7], bias[7], out[7];
    uint32_t t;
    (void)state;
    for (t = 0; t < 20000u; t++) {
        uint16_t n_in = (uint16_t)(1u + ref_rand(&rng) % 40u), n_out = (uint16_t)(1u + ref_rand(&rng) % 7u), i, j;
        int use_bias = (int)(ref_rand(&rng) % 2u);
        int32_t wmax = t % 3u == 0 ? 40000000 : 400000; /* up to about 610.0 or 6.1 per weight */
        for (i = 0; i < n_in; i++) in[i] = (int32_t)(ref_rand(&rng) % 2000001u) - 1000000 * (int32_t)(t % 5u);
        for (i = 0; i < n_in * n_out; i++) kernel[i] = (int32_t)(ref_rand(&rng) % (uint32_t)(2 * wmax + 1)) - wmax;
        for (j = 0; j < n_out; j++) bias[j] = (int32_t)(uint32_t)ref_rand(&rng);
        anne_dense_forward_q16(out, in, kernel, use_bias ? bias : NULL, n_in, n_out);
        for (j = 0; j < n_out; j++) {
            int64_t acc = use_bias ? (int64_t)bias[j] * 65536 : 0, r;
            for (i = 0; i < n_in; i++) acc += (int64_t)kernel[j * n_in + i] * in[i];
            r = ref_floor_div(acc + 32768, 65536);
            r = r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : r);
            assert_int_equal(out[j], (int32_t)r);
        }
    }
}

/* ---- activations: maximum absolute error against the double-precision definition ---- */

static double d_act(anne_activation act, double x, const float p[3]) {
    switch (act) {
    case ANNE_ACT_LINEAR: return x;
    case ANNE_ACT_RELU: {
        double y = x > p[2] ? x : 0.0;
        if (isfinite(p[1])) y = y < 0 ? 0 : (y > p[1] ? p[1] : y);
        if (p[0] != 0.0f && x < p[2]) y -= p[0] * (p[2] - x);
        return y;
    }
    case ANNE_ACT_LEAKY_RELU: return x > 0 ? x : p[0] * x;
    case ANNE_ACT_SIGMOID: return d_sigmoid(x);
    case ANNE_ACT_TANH: return tanh(x);
    case ANNE_ACT_ELU: return x > 0 ? x : p[0] * expm1(x);
    case ANNE_ACT_SELU: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * expm1(x));
    case ANNE_ACT_SOFTPLUS: return (x > 0 ? x : 0) + log1p(exp(-fabs(x)));
    case ANNE_ACT_SOFTSIGN: return x / (1 + fabs(x));
    case ANNE_ACT_HARD_SIGMOID: return fmin(1.0, fmax(0.0, 0.2 * x + 0.5));
    case ANNE_ACT_HARD_SIGMOID_K3: return fmin(6.0, fmax(0.0, x + 3.0)) / 6.0;
    case ANNE_ACT_SWISH: return x * d_sigmoid(x);
    case ANNE_ACT_HARD_SWISH: return x * fmin(6.0, fmax(0.0, x + 3.0)) / 6.0;
    case ANNE_ACT_GELU: return x * d_phi(x);
    case ANNE_ACT_GELU_TANH: return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case ANNE_ACT_EXPONENTIAL: return exp(x);
    case ANNE_ACT_THRESHOLDED_RELU: return x > p[0] ? x : 0;
    default: return NAN;
    }
}

typedef struct act_case {
    anne_activation act;
    float param[3];
    double lo, hi;      /* input range swept */
    double bound;       /* documented maximum absolute error (docs/numerics.md) */
} act_case;

/* Sweeps [lo, hi] at about 400k points (every 5th Q16 value over [-16, 16]; an odd step, so that
 * every residue of the table intervals is visited) plus both ends. */
static double max_error(const act_case *c, double *worst_x) {
    int32_t q_lo = (int32_t)(c->lo * 65536.0), q_hi = (int32_t)(c->hi * 65536.0), q;
    int32_t step = (int32_t)((q_hi - (int64_t)q_lo) / 400000) | 1;
    double worst = 0.0;
    for (q = q_lo; q <= q_hi; q += (q_hi - q < step && q != q_hi) ? (q_hi - q) : step) {
        int32_t y = q;
        double e;
        anne_activation_forward_q16(&y, 1, c->act, c->param, NULL);
        e = fabs(q2d(y) - d_act(c->act, q2d(q), c->param));
        if (e > worst) {
            worst = e;
            *worst_x = q2d(q);
        }
        if (q == q_hi) break;
    }
    return worst;
}

static void test_activation_errors(void **state) {
    const act_case cases[] = {
        {ANNE_ACT_LINEAR, {0, 0, 0}, -100, 100, 0.0},
        {ANNE_ACT_RELU, {0, INFINITY, 0}, -100, 100, 0.0},
        {ANNE_ACT_RELU, {0, 6, 0}, -100, 100, 0.0},
        {ANNE_ACT_RELU, {0.1f, 6, 0.5f}, -100, 100, 1.2e-5},
        {ANNE_ACT_LEAKY_RELU, {0.01f, 0, 0}, -100, 100, 1.2e-5},
        {ANNE_ACT_SIGMOID, {0, 0, 0}, -20, 20, 6.5e-5},
        {ANNE_ACT_TANH, {0, 0, 0}, -12, 12, 1.1e-4},
        {ANNE_ACT_ELU, {1.0f, 0, 0}, -20, 20, 1.2e-5},
        {ANNE_ACT_SELU, {0, 0, 0}, -20, 20, 1.2e-5},
        {ANNE_ACT_SOFTPLUS, {0, 0, 0}, -20, 20, 2.0e-5},
        {ANNE_ACT_SOFTSIGN, {0, 0, 0}, -1000, 1000, 7.7e-6},
        {ANNE_ACT_HARD_SIGMOID, {0, 0, 0}, -10, 10, 7.7e-6},
        {ANNE_ACT_HARD_SIGMOID_K3, {0, 0, 0}, -10, 10, 7.7e-6},
        {ANNE_ACT_SWISH, {0, 0, 0}, -20, 20, 1.3e-4},
        {ANNE_ACT_HARD_SWISH, {0, 0, 0}, -20, 20, 4e-5},
        {ANNE_ACT_GELU, {0, 0, 0}, -20, 20, 6.5e-5},
        {ANNE_ACT_GELU_TANH, {0, 0, 0}, -20, 20, 7.5e-5},
        {ANNE_ACT_EXPONENTIAL, {0, 0, 0}, -20, 0, 1.2e-5},
        {ANNE_ACT_THRESHOLDED_RELU, {1.0f, 0, 0}, -100, 100, 0.0},
    };
    size_t i;
    int failed = 0;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double x = 0.0, e = max_error(&cases[i], &x);
        /* every result also carries the final rounding to Q16 (half a step, 7.6e-6) when the
         * exact value is not a multiple of 2^-16: bounds 0 are only for exact activations */
        print_message("%-18s [%g, %g]: max |error| %.3g at x = %.6f (bound %.3g)\n",
                      anne_activation_name(cases[i].act), cases[i].lo, cases[i].hi, e, x, cases[i].bound);
        if (e > cases[i].bound + 1e-12) failed = 1;
    }
    assert_false(failed);
}

/* exp for positive arguments: relative error, up to saturation at ln(32768) = 10.397. */
static void test_exponential_relative(void **state) {
    int32_t q;
    double worst = 0.0;
    (void)state;
    for (q = 0; q < (int32_t)(10.39 * 65536); q += 7) {
        int32_t y = q;
        double e;
        anne_activation_forward_q16(&y, 1, ANNE_ACT_EXPONENTIAL, (const float[3]){0, 0, 0}, NULL);
        e = fabs(q2d(y) - exp(q2d(q))) / exp(q2d(q));
        if (e > worst) worst = e;
    }
    print_message("exponential [0, 10.39]: max relative error %.3g\n", worst);
    assert_true(worst < 1.2e-5);
    q = 11 * 65536;
    anne_activation_forward_q16(&q, 1, ANNE_ACT_EXPONENTIAL, (const float[3]){0, 0, 0}, NULL);
    assert_int_equal(q, INT32_MAX);
}

/* Softmax: against the double softmax on random vectors; sums to 1 within n steps. */
static void test_softmax(void **state) {
    uint64_t rng = 31;
    uint32_t t;
    double worst = 0.0;
    (void)state;
    for (t = 0; t < 20000u; t++) {
        int32_t x[8];
        double d[8], max = -1e300, sum = 0.0;
        size_t n = 1u + (size_t)(ref_rand(&rng) % 8u), i;
        for (i = 0; i < n; i++) {
            x[i] = (int32_t)(ref_rand(&rng) % (20u * 65536u)) - 10 * 65536;
            d[i] = q2d(x[i]);
            if (d[i] > max) max = d[i];
        }
        for (i = 0; i < n; i++) sum += exp(d[i] - max);
        anne_activation_forward_q16(x, n, ANNE_ACT_SOFTMAX, (const float[3]){0, 0, 0}, NULL);
        for (i = 0; i < n; i++) {
            double e = fabs(q2d(x[i]) - exp(d[i] - max) / sum);
            if (e > worst) worst = e;
        }
    }
    print_message("softmax: max |error| %.3g\n", worst);
    assert_true(worst < 2.5e-5);
}

static void test_prelu(void **state) {
    int32_t x[3] = {-65536, 65536, -131072};
    const float alpha[3] = {0.25f, 0.5f, -1.0f};
    (void)state;
    anne_activation_forward_q16(x, 3, ANNE_ACT_PRELU, (const float[3]){0, 0, 0}, alpha);
    assert_int_equal(x[0], -16384);
    assert_int_equal(x[1], 65536);
    assert_int_equal(x[2], 131072);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),       cmocka_unit_test(test_from_f32),
        cmocka_unit_test(test_mul),          cmocka_unit_test(test_dense),
        cmocka_unit_test(test_activation_errors), cmocka_unit_test(test_exponential_relative),
        cmocka_unit_test(test_softmax),      cmocka_unit_test(test_prelu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
