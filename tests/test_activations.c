/* float32 activations, softmax and the dense kernel against double-precision reference formulas
 * written here from Keras' definitions, over a grid from -1e4 to 1e4. The measured maxima are
 * printed and recorded in docs/numerics.md; the tolerances sit a little above them. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* ------------------------------------------------------------------------------------------------
 * Reference formulas in double, with Keras' definitions (keras.activations / keras.backend).
 * p[] are the float parameters the kernel sees, widened to double.
 * ---------------------------------------------------------------------------------------------- */
static double clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

static double r_linear(double x, const double *p) { (void)p; return x; }

/* keras.backend.relu(x, alpha=negative_slope, max_value, threshold): x where x > threshold else 0,
 * then clipped to [0, max_value] when a max_value is given, then minus slope * relu(threshold - x). */
static double r_relu(double x, const double *p) {
    double slope = p[0], max_value = p[1], threshold = p[2];
    double y = x > threshold ? x : 0.0;
    if (!isinf(max_value)) y = clip(y, 0.0, max_value);
    return y - slope * (threshold - x > 0.0 ? threshold - x : 0.0);
}
static double r_leaky(double x, const double *p) { return x > 0.0 ? x : p[0] * x; }
static double r_sigmoid(double x, const double *p) { (void)p; return 1.0 / (1.0 + exp(-x)); }
static double r_tanh(double x, const double *p) { (void)p; return tanh(x); }
static double r_elu(double x, const double *p) { return x > 0.0 ? x : p[0] * (exp(x) - 1.0); }
/* Keras' SELU constants to double precision (the kernel uses their float32 roundings). */
static double r_selu(double x, const double *p) {
    const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
    (void)p;
    return scale * (x > 0.0 ? x : alpha * (exp(x) - 1.0));
}
/* log(1 + exp(x)); above 700 exp() overflows double, and there log(1 + e^x) = x to double precision. */
static double r_softplus(double x, const double *p) { (void)p; return x > 700.0 ? x : log(1.0 + exp(x)); }
static double r_softsign(double x, const double *p) { (void)p; return x / (1.0 + fabs(x)); }
static double r_hard_sigmoid(double x, const double *p) { (void)p; return clip(0.2 * x + 0.5, 0.0, 1.0); }
static double r_hard_sigmoid_k3(double x, const double *p) { (void)p; return clip(x + 3.0, 0.0, 6.0) / 6.0; }
static double r_swish(double x, const double *p) { (void)p; return x / (1.0 + exp(-x)); }
static double r_hard_swish(double x, const double *p) { (void)p; return x * clip(x + 3.0, 0.0, 6.0) / 6.0; }
/* 0.5 x (1 + erf(x / sqrt 2)), written with erfc so the reference keeps its digits for x << 0. */
static double r_gelu(double x, const double *p) { (void)p; return 0.5 * x * erfc(-x / sqrt(2.0)); }
static double r_gelu_tanh(double x, const double *p) {
    (void)p;
    return 0.5 * x * (1.0 + tanh(0.79788456080286535588 /* sqrt(2 / pi) */ * (x + 0.044715 * x * x * x)));
}
static double r_exponential(double x, const double *p) { (void)p; return exp(x); }
static double r_thresholded(double x, const double *p) { return x > p[0] ? x : 0.0; }

typedef struct act_case {
    const char *label;
    anne_activation act;
    float param[3];
    double (*ref)(double x, const double *p);
    double tol_abs; /* on |got - ref| where |ref| <= 1 */
    double tol_rel; /* on |got - ref| / |ref| where |ref| > 1 */
} act_case;

/* Tolerances: a little above the maxima measured on the grid (docs/numerics.md lists them). */
static const act_case cases[] = {
    {"linear", ANNE_ACT_LINEAR, {0, 0, 0}, r_linear, 0, 0},
    {"relu", ANNE_ACT_RELU, {0, INFINITY, 0}, r_relu, 0, 0},
    {"relu6", ANNE_ACT_RELU, {0, 6, 0}, r_relu, 0, 0},
    {"relu threshold 0.5", ANNE_ACT_RELU, {0, INFINITY, 0.5f}, r_relu, 0, 0},
    {"relu threshold -0.5", ANNE_ACT_RELU, {0, INFINITY, -0.5f}, r_relu, 0, 0},
    {"relu negative_slope 0.1", ANNE_ACT_RELU, {0.1f, INFINITY, 0}, r_relu, 4e-8, 7e-8},
    {"relu max_value 0", ANNE_ACT_RELU, {0, 0, 0}, r_relu, 0, 0},
    {"relu slope 0.1 max 6 thr 0.5", ANNE_ACT_RELU, {0.1f, 6, 0.5f}, r_relu, 9e-8, 1.1e-7},
    {"leaky_relu 0.01", ANNE_ACT_LEAKY_RELU, {0.01f, 0, 0}, r_leaky, 3e-8, 3e-8},
    {"leaky_relu 0.3", ANNE_ACT_LEAKY_RELU, {0.3f, 0, 0}, r_leaky, 4e-8, 7e-8},
    {"sigmoid", ANNE_ACT_SIGMOID, {0, 0, 0}, r_sigmoid, 1e-7, 0},
    {"tanh", ANNE_ACT_TANH, {0, 0, 0}, r_tanh, 1e-7, 0},
    {"elu 1", ANNE_ACT_ELU, {1, 0, 0}, r_elu, 5e-8, 0},
    {"elu 0.5", ANNE_ACT_ELU, {0.5f, 0, 0}, r_elu, 3e-8, 0},
    {"selu", ANNE_ACT_SELU, {0, 0, 0}, r_selu, 9e-8, 1.3e-7},
    {"softplus", ANNE_ACT_SOFTPLUS, {0, 0, 0}, r_softplus, 8e-8, 8e-8},
    {"softsign", ANNE_ACT_SOFTSIGN, {0, 0, 0}, r_softsign, 1e-7, 0},
    {"hard_sigmoid (Keras 2)", ANNE_ACT_HARD_SIGMOID, {0, 0, 0}, r_hard_sigmoid, 6e-8, 0},
    {"hard_sigmoid (Keras 3)", ANNE_ACT_HARD_SIGMOID_K3, {0, 0, 0}, r_hard_sigmoid_k3, 7e-8, 0},
    {"swish", ANNE_ACT_SWISH, {0, 0, 0}, r_swish, 8e-8, 1.5e-7},
    {"hard_swish", ANNE_ACT_HARD_SWISH, {0, 0, 0}, r_hard_swish, 8e-8, 1.3e-7},
    {"gelu", ANNE_ACT_GELU, {0, 0, 0}, r_gelu, 1e-7, 1.1e-7},
    {"gelu_tanh", ANNE_ACT_GELU_TANH, {0, 0, 0}, r_gelu_tanh, 9e-8, 1.2e-7},
    {"exponential", ANNE_ACT_EXPONENTIAL, {0, 0, 0}, r_exponential, 4e-8, 7e-8},
    {"thresholded_relu 1", ANNE_ACT_THRESHOLDED_RELU, {1, 0, 0}, r_thresholded, 0, 0},
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* The grid: large magnitudes on both sides, the float overflow edge of exp (88.72), and -20..20
 * in steps of 0.01 (each point the float nearest to k/100). */
static size_t make_grid(float *x) {
    static const float extremes[] = {-1e4f, -1e3f, -100.0f, -88.8f, -50.0f, 50.0f, 88.7f, 100.0f, 1e3f, 1e4f};
    size_t n = 0, i;
    int k;
    for (i = 0; i < sizeof extremes / sizeof extremes[0]; i++) x[n++] = extremes[i];
    for (k = -2000; k <= 2000; k++) x[n++] = (float)((double)k / 100.0);
    return n;
}
#define GRID_MAX 4100

/* Inputs that are finite but extreme: no activation may turn them into NaN, and only a result
 * beyond the float range (exp above 88.72, selu above FLT_MAX / 1.0507) may be infinite. */
static const float nasty[] = {FLT_MAX, -FLT_MAX, 3e38f, -3e38f, 1e30f, -1e30f, 1e12f, -1e12f, 88.73f, -88.73f,
                              -103.98f, -104.0f, 1e-30f, -1e-30f, FLT_MIN, -FLT_MIN, 1e-45f, -1e-45f, 0.0f, -0.0f};

static void test_activations_vs_reference(void **state) {
    float grid[GRID_MAX], y[GRID_MAX];
    size_t n = make_grid(grid), c, i;
    (void)state;
    print_message("%-30s %12s %12s\n", "activation", "max abs err", "max rel err");
    for (c = 0; c < N_CASES; c++) {
        const act_case *k = &cases[c];
        double p[3] = {k->param[0], k->param[1], k->param[2]};
        double max_abs = 0.0, max_rel = 0.0;
        memcpy(y, grid, n * sizeof *y);
        anne_activation_forward_f32(y, n, k->act, k->param);
        for (i = 0; i < n; i++) {
            double ref = k->ref((double)grid[i], p), got = (double)y[i];
            if (isnan(got)) fail_msg("%s(%g) is NaN", k->label, (double)grid[i]);
            if (fabs(ref) > (double)FLT_MAX) {
                /* beyond float range: +inf, as TensorFlow's float32 exp gives */
                if (!(isinf(got) && (got > 0) == (ref > 0))) fail_msg("%s(%g) = %g, expected inf", k->label,
                                                                      (double)grid[i], got);
                continue;
            }
            if (fabs(ref) <= 1.0) {
                double e = fabs(got - ref);
                if (e > max_abs) max_abs = e;
                if (e > k->tol_abs) fail_msg("%s(%.9g) = %.9g, reference %.17g: abs error %.3g > %.3g", k->label,
                                             (double)grid[i], got, ref, e, k->tol_abs);
            } else {
                double e = fabs(got - ref) / fabs(ref);
                if (e > max_rel) max_rel = e;
                if (e > k->tol_rel) fail_msg("%s(%.9g) = %.9g, reference %.17g: rel error %.3g > %.3g", k->label,
                                             (double)grid[i], got, ref, e, k->tol_rel);
            }
        }
        print_message("%-30s %12.3g %12.3g\n", k->label, max_abs, max_rel);
    }
}

/* No finite input gives NaN, even at the edges of the float range. */
static void test_activations_never_nan(void **state) {
    size_t c, i;
    (void)state;
    for (c = 0; c < N_CASES; c++) {
        for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
            const act_case *k = &cases[c];
            double p[3] = {k->param[0], k->param[1], k->param[2]};
            double ref = k->ref((double)nasty[i], p);
            float v = nasty[i];
            anne_activation_forward_f32(&v, 1, k->act, k->param);
            if (isnan(v)) fail_msg("%s(%g) is NaN", k->label, (double)nasty[i]);
            if (isinf(v) != (fabs(ref) > (double)FLT_MAX) || (isinf(v) && (v > 0) != (ref > 0))) {
                fail_msg("%s(%g) = %g, reference %g", k->label, (double)nasty[i], (double)v, ref);
            }
        }
    }
}

/* Points where the definitions have edges: exactly at thresholds, Keras' clips, and exp's overflow. */
static void test_activation_edges(void **state) {
    const float relu_thr[3] = {0, INFINITY, 0.5f}, relu_neg_thr[3] = {0, INFINITY, -0.5f};
    const float relu6[3] = {0, 6, 0}, theta1[3] = {1, 0, 0}, none[3] = {0, 0, 0};
    float v;
    (void)state;
    /* x > threshold, strictly: at the threshold itself the output is 0 */
    v = 0.5f, anne_activation_forward_f32(&v, 1, ANNE_ACT_RELU, relu_thr), assert_true(v == 0.0f);
    v = 1.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_THRESHOLDED_RELU, theta1), assert_true(v == 0.0f);
    /* a negative threshold lets small negatives through unchanged, as keras.backend.relu does */
    v = -0.25f, anne_activation_forward_f32(&v, 1, ANNE_ACT_RELU, relu_neg_thr), assert_true(v == -0.25f);
    v = 7.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_RELU, relu6), assert_true(v == 6.0f);
    /* Keras 2 hard_sigmoid saturates at |x| >= 2.5, Keras 3's at |x| >= 3 */
    v = 2.5f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SIGMOID, none), assert_true(v == 1.0f);
    v = 2.5f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SIGMOID_K3, none);
    assert_float_equal(v, 5.5 / 6.0, 1e-7);
    v = -3.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SIGMOID_K3, none), assert_true(v == 0.0f);
    /* hard_swish: 0 from -3 down (-0 below it, as x * 0 is in Keras), x from 3 up, x (x + 3) / 6 between */
    v = -3.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SWISH, none), assert_true(v == 0.0f);
    v = 3.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SWISH, none), assert_true(v == 3.0f);
    v = 1.5f, anne_activation_forward_f32(&v, 1, ANNE_ACT_HARD_SWISH, none), assert_true(v == 1.125f);
    v = 0.0f, anne_activation_forward_f32(&v, 1, ANNE_ACT_SIGMOID, none), assert_true(v == 0.5f);
    /* exp(88.72) is the last float below FLT_MAX; exp(88.73) overflows to +inf */
    v = 88.72f, anne_activation_forward_f32(&v, 1, ANNE_ACT_EXPONENTIAL, none), assert_true(isfinite(v));
    v = 88.73f, anne_activation_forward_f32(&v, 1, ANNE_ACT_EXPONENTIAL, none), assert_true(isinf(v) && v > 0);
    /* sigmoid saturates to exactly 1 and to 0 without NaN; swish(-1e4) is -0 */
    v = 1e4f, anne_activation_forward_f32(&v, 1, ANNE_ACT_SIGMOID, none), assert_true(v == 1.0f);
    v = -1e4f, anne_activation_forward_f32(&v, 1, ANNE_ACT_SIGMOID, none), assert_true(v == 0.0f);
    /* n = 0 touches nothing */
    v = 3.0f, anne_activation_forward_f32(&v, 0, ANNE_ACT_SOFTMAX, none), assert_true(v == 3.0f);
}

/* ------------------------------------------------------------------------------------------------
 * Softmax against double.
 * ---------------------------------------------------------------------------------------------- */
static uint32_t rng_state = 2463534242u;
static double rnd(void) { /* xorshift32, uniform in [0, 1) */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (double)rng_state / 4294967296.0;
}

/* Runs softmax on x (n) and returns the largest |got - ref|; the largest relative error over outputs
 * above 1e-30 goes to *rel when rel is not NULL. */
static double softmax_check(const float *x, size_t n, double *rel) {
    float y[64];
    double ref[64], m = x[0], s = 0.0, max_err = 0.0, sum = 0.0;
    size_t i;
    assert_true(n <= 64);
    for (i = 1; i < n; i++) m = (double)x[i] > m ? (double)x[i] : m;
    for (i = 0; i < n; i++) s += exp((double)x[i] - m);
    for (i = 0; i < n; i++) ref[i] = exp((double)x[i] - m) / s;
    memcpy(y, x, n * sizeof *y);
    anne_activation_forward_f32(y, n, ANNE_ACT_SOFTMAX, (const float[3]){0, 0, 0});
    for (i = 0; i < n; i++) {
        double e = fabs((double)y[i] - ref[i]);
        if (isnan(y[i])) fail_msg("softmax: NaN at %zu of %zu", i, n);
        if (e > max_err) max_err = e;
        if (rel != NULL && ref[i] > 1e-30 && e / ref[i] > *rel) *rel = e / ref[i];
        sum += y[i];
    }
    assert_true(fabs(sum - 1.0) <= (double)n * FLT_EPSILON);
    return max_err;
}

static void test_softmax_vs_reference(void **state) {
    static const float one[1] = {-3.5f}, equal[5] = {3, 3, 3, 3, 3}, big_equal[2] = {1e4f, 1e4f};
    static const float extreme[3] = {1e4f, -1e4f, 0.0f}, neg[3] = {-1e4f, -1e4f, -1e4f};
    static const float edges[4] = {FLT_MAX, -FLT_MAX, 88.7f, 88.8f}, near[3] = {1e4f, 1e4f - 1.0f, -1e4f};
    float x[64];
    double max_err = 0.0, max_rel = 0.0, e;
    int t;
    (void)state;
    for (t = 0; t < 2000; t++) {
        size_t n = 1 + (size_t)(rnd() * 64), i;
        double scale = t % 4 == 0 ? 100.0 : (t % 4 == 1 ? 1.0 : 20.0);
        for (i = 0; i < n; i++) x[i] = (float)((rnd() * 2.0 - 1.0) * scale);
        e = softmax_check(x, n, &max_rel);
        if (e > max_err) max_err = e;
    }
    print_message("softmax: max abs error %.3g, max rel error %.3g (outputs > 1e-30) over 2000 random vectors "
                  "of 1..64 values\n", max_err, max_rel);
    assert_true(max_err <= 3e-7);
    /* small outputs: x - max is rounded to float (half an ulp of up to 200 is 7.6e-6), and exp turns
     * that absolute error into a relative one; TensorFlow's float32 softmax has the same limit */
    assert_true(max_rel <= 5e-6);

    assert_true(softmax_check(one, 1, NULL) == 0.0);             /* one element: exactly 1 */
    assert_true(softmax_check(equal, 5, NULL) <= 1e-8);          /* all equal: 1/n */
    assert_true(softmax_check(big_equal, 2, NULL) == 0.0);       /* exactly 0.5 each, no overflow */
    assert_true(softmax_check(extreme, 3, NULL) == 0.0);         /* [1, 0, 0] */
    assert_true(softmax_check(neg, 3, NULL) <= 1e-8);            /* 1/3 each, no underflow to 0/0 */
    assert_true(softmax_check(edges, 4, NULL) <= 1e-7);          /* FLT_MAX - (-FLT_MAX) is inf: exp gives 0 */
    assert_true(softmax_check(near, 3, NULL) <= 1e-7);           /* e/(1+e), 1/(1+e), 0 */
}

/* ------------------------------------------------------------------------------------------------
 * anne_activation_check and names.
 * ---------------------------------------------------------------------------------------------- */
static void test_activation_check(void **state) {
    const float zero[3] = {0, 0, 0};
    float p[3];
    int a, i;
    (void)state;
    for (a = 0; a < ANNE_ACT_COUNT; a++) {
        assert_int_equal(anne_activation_check((anne_activation)a, zero), ANNE_OK);
        assert_string_not_equal(anne_activation_name((anne_activation)a), "?");
        for (i = 0; i < 3; i++) {
            memset(p, 0, sizeof p);
            p[i] = NAN;
            assert_int_equal(anne_activation_check((anne_activation)a, p), ANNE_ERR_BAD_ACTIVATION);
            p[i] = -INFINITY;
            assert_int_equal(anne_activation_check((anne_activation)a, p), ANNE_ERR_BAD_ACTIVATION);
            p[i] = INFINITY;
            /* +inf is how relu says "no max_value"; everywhere else it is refused */
            assert_int_equal(anne_activation_check((anne_activation)a, p),
                             a == ANNE_ACT_RELU && i == 1 ? ANNE_OK : ANNE_ERR_BAD_ACTIVATION);
        }
    }
    assert_int_equal(anne_activation_check(ANNE_ACT_COUNT, zero), ANNE_ERR_BAD_ACTIVATION);
    assert_int_equal(anne_activation_check((anne_activation)255, zero), ANNE_ERR_BAD_ACTIVATION);
    assert_int_equal(anne_activation_check((anne_activation)-1, zero), ANNE_ERR_BAD_ACTIVATION);
    assert_int_equal(anne_activation_check(ANNE_ACT_RELU, NULL), ANNE_ERR_NULL_ARG);
    /* relu max_value: 0 and 6 are fine, a negative clip is not (Keras refuses it) */
    p[0] = 0, p[1] = 6, p[2] = 0;
    assert_int_equal(anne_activation_check(ANNE_ACT_RELU, p), ANNE_OK);
    p[1] = -1;
    assert_int_equal(anne_activation_check(ANNE_ACT_RELU, p), ANNE_ERR_BAD_ACTIVATION);
    assert_string_equal(anne_activation_name(ANNE_ACT_COUNT), "?");
    assert_string_equal(anne_activation_name(ANNE_ACT_LEAKY_RELU), "leaky_relu");
    assert_string_equal(anne_activation_name(ANNE_ACT_HARD_SIGMOID), "hard_sigmoid");
    for (a = 0; a < ANNE_ACT_COUNT; a++) { /* names are distinct */
        for (i = 0; i < a; i++) {
            assert_string_not_equal(anne_activation_name((anne_activation)a), anne_activation_name((anne_activation)i));
        }
    }
}

/* ------------------------------------------------------------------------------------------------
 * Dense layer against double.
 * ---------------------------------------------------------------------------------------------- */

/* kernel (2, 3) row-major: unit 0 = [1 2 3], unit 1 = [4 5 6]; in = [1 1 2]; bias [0.5 -1]
 * unit 0: 1 + 2 + 6 + 0.5 = 9.5; unit 1: 4 + 5 + 12 - 1 = 20 (exact in float). */
static void test_dense_hand_computed(void **state) {
    const float k[6] = {1, 2, 3, 4, 5, 6}, in[3] = {1, 1, 2}, b[2] = {0.5f, -1};
    float out[2];
    (void)state;
    anne_dense_forward_f32(out, in, k, b, 3, 2);
    assert_true(out[0] == 9.5f && out[1] == 20.0f);
    anne_dense_forward_f32(out, in, k, NULL, 3, 2);
    assert_true(out[0] == 9.0f && out[1] == 21.0f);
}

/* Random shapes up to 64 x 64: the error stays within the recursive-summation bound
 * (n + 2) * u * (sum |w x| + |b|), u = 2^-24, and the measured maximum is reported. */
static void test_dense_vs_reference(void **state) {
    static float k[64 * 64], in[64], b[64], out[64];
    double worst_rel_to_bound = 0.0, worst_abs = 0.0;
    int t;
    (void)state;
    for (t = 0; t < 500; t++) {
        uint16_t n_in = (uint16_t)(t == 0 ? 64 : 1 + (int)(rnd() * 64));
        uint16_t n_out = (uint16_t)(t == 0 ? 64 : 1 + (int)(rnd() * 64));
        int with_bias = t % 3 != 0, i, j;
        for (i = 0; i < n_in * n_out; i++) k[i] = (float)(rnd() * 2 - 1);
        for (i = 0; i < n_in; i++) in[i] = (float)(rnd() * 10 - 5);
        for (j = 0; j < n_out; j++) b[j] = (float)(rnd() * 2 - 1);
        anne_dense_forward_f32(out, in, k, with_bias ? b : NULL, n_in, n_out);
        for (j = 0; j < n_out; j++) {
            double ref = with_bias ? (double)b[j] : 0.0, mag = with_bias ? fabs((double)b[j]) : 0.0, bound, e;
            for (i = 0; i < n_in; i++) {
                ref += (double)k[j * n_in + i] * (double)in[i];
                mag += fabs((double)k[j * n_in + i] * (double)in[i]);
            }
            bound = (n_in + 2) * ldexp(1.0, -24) * mag;
            e = fabs((double)out[j] - ref);
            if (e > bound) fail_msg("dense %dx%d unit %d: error %g > bound %g", n_out, n_in, j, e, bound);
            if (e > worst_abs) worst_abs = e;
            if (bound > 0 && e / bound > worst_rel_to_bound) worst_rel_to_bound = e / bound;
        }
    }
    print_message("dense: max abs error %.3g (inputs in [-5, 5], weights in [-1, 1]); at most %.2f of the bound\n",
                  worst_abs, worst_rel_to_bound);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_activations_vs_reference),
        cmocka_unit_test(test_activations_never_nan),
        cmocka_unit_test(test_activation_edges),
        cmocka_unit_test(test_softmax_vs_reference),
        cmocka_unit_test(test_activation_check),
        cmocka_unit_test(test_dense_hand_computed),
        cmocka_unit_test(test_dense_vs_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
