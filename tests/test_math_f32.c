/* The runtime's own float32 math (runtime/src/anne_math_f32.h): anne__expf against double-precision
 * exp in ulps over a dense sample of all floats and at every edge (overflow, underflow, subnormal
 * results, inf, NaN); the bit-level comparisons and negation against the C operators; and the float
 * activations built on them against Keras' formulas written with the C operators. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "test_support.h"

#include "../runtime/src/anne_math_f32.h"

/* Measured over all 2^32 floats (a one-off run, not part of the test): largest error 0.7255 ulp for
 * normal results (at x = 0x1.23235cp+5), 0.790 ulp of 2^-149 for subnormal ones (at -0x1.5e8cb8p+6;
 * rounded twice: to 24 bits, then to the subnormal's fewer bits); 0.22 % of the results are over
 * half an ulp off, and 99.89 % equal glibc's expf. The bounds the test holds the sample to: */
#define EXPF_MAX_ULP 0.75
#define EXPF_MAX_ULP_SUBNORMAL 0.8

static float from_bits(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static uint32_t to_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* The spacing of floats at the magnitude of the exact value e > 0 (2^-149 among the subnormals). */
static double ulp_at(double e) {
    int ex;
    if (e < 0x1p-126) return 0x1p-149;
    (void)frexp(e, &ex);
    return ldexp(1.0, ex - 24);
}

/* Error of anne__expf(x) in ulps of the exact result (double exp is exact enough: 2^-52 relative);
 * fails the test when the result is not finite where the exact one is. */
static double expf_ulp_error(uint32_t u) {
    float x = from_bits(u), y = anne__expf(x);
    double e = exp((double)x);
    if (!isfinite(y)) fail_msg("expf(%a) = %a, want %a", (double)x, (double)y, e);
    return fabs((double)y - e) / ulp_at(e);
}

typedef struct {
    double worst[2]; /* [0] normal results, [1] subnormal ones */
    uint32_t at[2];
} worst_error;

static void note_error(worst_error *w, uint32_t u) {
    double err = expf_ulp_error(u);
    int sub = exp((double)from_bits(u)) < 0x1p-126;
    if (err > w->worst[sub]) w->worst[sub] = err, w->at[sub] = u;
}

/* Every 97th float of [-103.97208, 88.72283] (the inputs with a finite result: about 22 million),
 * and every float within 4096 of the ends, of +-0, of +-1, of +-ln2 and of the subnormal boundary. */
static void test_expf_ulp(void **state) {
    static const uint32_t centers[] = {0x42B17217u, 0xC2CFF1B5u, 0x00000000u, 0x80000000u, 0x3F800000u,
                                       0xBF800000u, 0xC2AEAC50u, 0x3F317218u, 0xBF317218u};
    worst_error w = {{0.0, 0.0}, {0u, 0u}};
    uint32_t u;
    size_t c;
    int64_t d;
    (void)state;
    for (u = 0; u <= 0x42B17217u; u += 97u) note_error(&w, u);
    for (u = 0x80000000u; u <= 0xC2CFF1B5u; u += 97u) note_error(&w, u);
    for (c = 0; c < sizeof centers / sizeof centers[0]; c++) {
        for (d = -4096; d <= 4096; d++) {
            int64_t v = (int64_t)centers[c] + d;
            if ((centers[c] & 0x7FFFFFFFu) == 0u && d < 0) continue; /* below +-0: the other sign's NaNs */
            u = (uint32_t)v;
            if ((u < 0x80000000u && u > 0x42B17217u) || u > 0xC2CFF1B5u) continue; /* inf or 0: below */
            note_error(&w, u);
        }
    }
    print_message("anne__expf in the sample: largest error %.4f ulp at %a, subnormal results %.4f ulp at %a\n",
                  w.worst[0], (double)from_bits(w.at[0]), w.worst[1], (double)from_bits(w.at[1]));
    if (w.worst[0] > EXPF_MAX_ULP)
        fail_msg("expf(%a): %.4f ulp > %.2f", (double)from_bits(w.at[0]), w.worst[0], EXPF_MAX_ULP);
    if (w.worst[1] > EXPF_MAX_ULP_SUBNORMAL)
        fail_msg("expf(%a): %.4f ulp > %.2f", (double)from_bits(w.at[1]), w.worst[1], EXPF_MAX_ULP_SUBNORMAL);
}

/* What C99's expf gives at the edges (hand-computed: ln(FLT_MAX) = 88.7228391, -150 ln2 = -103.9720771). */
static void test_expf_edges(void **state) {
    static const uint32_t nans[] = {0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFF800001u, 0x7FFFFFFFu, 0xFFFFFFFFu};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof nans / sizeof nans[0]; i++) {
        float y = anne__expf(from_bits(nans[i]));
        if (!isnan(y)) fail_msg("expf(NaN 0x%08x) = %a", (unsigned)nans[i], (double)y);
    }
    assert_true(isinf(anne__expf(INFINITY)) && anne__expf(INFINITY) > 0.0f);
    assert_int_equal(to_bits(anne__expf(-INFINITY)), 0u); /* +0 */
    /* 88.72283172607422 (0x42B17217): e^x = 3.40279e38 < FLT_MAX; the next float overflows */
    assert_true(isfinite(anne__expf(from_bits(0x42B17217u))));
    assert_true(anne__expf(from_bits(0x42B17217u)) > 3.4027e38f);
    assert_true(isinf(anne__expf(from_bits(0x42B17218u))));
    assert_true(isinf(anne__expf(FLT_MAX)));
    /* -103.97207641601562 (0xC2CFF1B4): e^x = 1.0000007 * 2^-150 rounds up to 2^-149; the next float,
     * -103.97208404541016, gives 0.99999 * 2^-150: 0 */
    assert_int_equal(to_bits(anne__expf(from_bits(0xC2CFF1B4u))), 1u);
    assert_int_equal(to_bits(anne__expf(from_bits(0xC2CFF1B5u))), 0u);
    assert_int_equal(to_bits(anne__expf(-FLT_MAX)), 0u);
    /* the last normal result and the first subnormal one: -126 ln2 = -87.3365448 */
    assert_true(anne__expf(-87.3365f) >= FLT_MIN);
    assert_true(anne__expf(-87.3366f) < FLT_MIN && anne__expf(-87.3366f) > 0.0f);
    /* exact and near-exact values */
    assert_int_equal(to_bits(anne__expf(0.0f)), to_bits(1.0f));
    assert_int_equal(to_bits(anne__expf(-0.0f)), to_bits(1.0f));
    assert_int_equal(to_bits(anne__expf(FLT_MIN)), to_bits(1.0f));
    assert_int_equal(to_bits(anne__expf(-from_bits(1u))), to_bits(1.0f));
    assert_int_equal(to_bits(anne__expf(1.0f)), to_bits(2.71828183f));   /* e, rounded to float */
    assert_int_equal(to_bits(anne__expf(-1.0f)), to_bits(0.367879441f)); /* 1/e */
    assert_true(expf_ulp_error(to_bits(10.0f)) <= EXPF_MAX_ULP); /* 22026.4658 */
}

/* Floats where comparisons and signs are delicate, both signs of each. */
static const uint32_t special_bits[] = {
    0x00000000u, 0x00000001u, 0x007FFFFFu, 0x00800000u, 0x3F7FFFFFu, 0x3F800000u, 0x3F800001u, 0x4B400000u,
    0x7F7FFFFFu, 0x7F800000u, 0x7F800001u, 0x7FC00000u, 0x7FFFFFFFu, 0x40490FDBu, 0x2F000000u,
};
#define N_SPECIAL (2 * sizeof special_bits / sizeof special_bits[0])

static float special(size_t i) {
    return from_bits(special_bits[i / 2] | (i % 2 ? 0x80000000u : 0u));
}

static uint64_t rnd(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void check_lt(float a, float b) {
    if (anne__f32_lt(a, b) != (a < b)) fail_msg("anne__f32_lt(%a, %a) = %d", (double)a, (double)b, anne__f32_lt(a, b));
}

/* anne__f32_lt is a < b for every pair of special values and for random bit patterns, near and far. */
static void test_f32_lt(void **state) {
    uint64_t s = 42;
    size_t i, j;
    (void)state;
    for (i = 0; i < N_SPECIAL; i++) {
        for (j = 0; j < N_SPECIAL; j++) check_lt(special(i), special(j));
    }
    for (i = 0; i < 1000000; i++) {
        uint64_t r = rnd(&s);
        uint32_t a = (uint32_t)r, b = (uint32_t)(r >> 32);
        check_lt(from_bits(a), from_bits(b));
        b = a + (uint32_t)(r >> 60) - 8u; /* a neighbour, crossing zero and the sign now and then */
        check_lt(from_bits(a), from_bits(b));
        check_lt(from_bits(a), from_bits(b ^ 0x80000000u));
    }
}

/* anne__f32_gt0 is x > 0, anne__f32_signbit is signbit, and a + anne__f32_neg(b) is a - b to the bit. */
static void test_f32_sign_helpers(void **state) {
    uint64_t s = 7;
    size_t i, j;
    (void)state;
    for (i = 0; i < N_SPECIAL; i++) {
        float x = special(i);
        assert_int_equal(anne__f32_gt0(x), x > 0.0f);
        assert_int_equal(anne__f32_signbit(x), signbit(x) != 0);
        for (j = 0; j < N_SPECIAL; j++) {
            float a = special(j), want = a - x, got = a + anne__f32_neg(x);
            if (isnan(want) ? !isnan(got) : to_bits(got) != to_bits(want))
                fail_msg("%a + neg(%a) = %a, %a - %a = %a", (double)a, (double)x, (double)got, (double)a, (double)x,
                         (double)want);
        }
    }
    for (i = 0; i < 1000000; i++) {
        uint64_t r = rnd(&s);
        float a = from_bits((uint32_t)r), b = from_bits((uint32_t)(r >> 32)), want = a - b, got = a + anne__f32_neg(b);
        if (isnan(want) ? !isnan(got) : to_bits(got) != to_bits(want)) fail_msg("%a - %a", (double)a, (double)b);
        assert_int_equal(anne__f32_gt0(a), a > 0.0f);
    }
}

/* Keras' relu(x, negative_slope, max_value, threshold) with the C operators, as the runtime had it. */
static float relu_ref(float x, float slope, float max_value, float threshold) {
    float y = x > threshold ? x : 0.0f;
    if (max_value < INFINITY) y = y < 0.0f ? 0.0f : (y > max_value ? max_value : y);
    if (slope != 0.0f && x < threshold) y -= slope * (threshold - x);
    return y;
}

static int same_value(float a, float b) {
    return isnan(a) ? isnan(b) != 0 : to_bits(a) == to_bits(b);
}

/* relu with and without parameters, leaky relu and softmax: bit for bit what the C operators give
 * (NaN for NaN), on every special value; the parameters as the loader admits them. */
static void test_activations_exact(void **state) {
    static const float params[][3] = {{0.0f, INFINITY, 0.0f}, {-0.0f, INFINITY, -0.0f}, {0.1f, INFINITY, 0.0f},
                                      {0.0f, 6.0f, 0.0f},      {0.2f, 6.0f, 0.5f},        {0.3f, 0.0f, -1.0f},
                                      {0.0f, INFINITY, -2.0f}, {0.5f, 1.0f, 2.0f},         {-0.5f, 0.5f, 0.0f}};
    float x[N_SPECIAL], y[N_SPECIAL];
    size_t p, i;
    (void)state;
    for (i = 0; i < N_SPECIAL; i++) x[i] = special(i);
    for (p = 0; p < sizeof params / sizeof params[0]; p++) {
        memcpy(y, x, sizeof y);
        anne_activation_forward_f32(y, N_SPECIAL, ANNE_ACT_RELU, params[p]);
        for (i = 0; i < N_SPECIAL; i++) {
            float want = relu_ref(x[i], params[p][0], params[p][1], params[p][2]);
            if (!same_value(y[i], want))
                fail_msg("relu(%a; %g, %g, %g) = %a, want %a", (double)x[i], (double)params[p][0],
                         (double)params[p][1], (double)params[p][2], (double)y[i], (double)want);
        }
        memcpy(y, x, sizeof y);
        anne_activation_forward_f32(y, N_SPECIAL, ANNE_ACT_LEAKY_RELU, params[p]);
        for (i = 0; i < N_SPECIAL; i++) {
            float want = x[i] > 0.0f ? x[i] : params[p][0] * x[i];
            if (!same_value(y[i], want))
                fail_msg("leaky_relu(%a) = %a, want %a", (double)x[i], (double)y[i], (double)want);
        }
    }
    /* sigmoid at 0 and -0, far out and of NaN; softmax of equal values, with -0 and +0, and with a NaN */
    {
        float v[4] = {0.0f, -0.0f, -200.0f, 200.0f};
        float sm[3] = {-0.0f, 0.0f, -0.0f}, sn[3] = {1.0f, NAN, 2.0f};
        const float none[3] = {0.0f, 0.0f, 0.0f};
        anne_activation_forward_f32(v, 4, ANNE_ACT_SIGMOID, none);
        assert_true(v[0] == 0.5f && v[1] == 0.5f && v[2] == 0.0f && v[3] == 1.0f);
        anne_activation_forward_f32(sm, 3, ANNE_ACT_SOFTMAX, none);
        for (i = 0; i < 3; i++) assert_int_equal(to_bits(sm[i]), to_bits(1.0f / 3.0f));
        anne_activation_forward_f32(sn, 3, ANNE_ACT_SOFTMAX, none);
        for (i = 0; i < 3; i++) assert_true(isnan(sn[i]));
    }
}

/* Sigmoid and softmax within a few float ulps of their double-precision values over a sweep (softmax
 * from its float argument x - max, whose rounding is Keras' too and alone can be 30 ulps of exp). */
static void test_activations_accuracy(void **state) {
    const float none[3] = {0.0f, 0.0f, 0.0f};
    float v[1], sm[3];
    double worst = 0.0;
    int k;
    (void)state;
    for (k = -4000; k <= 4000; k++) {
        double xd, e, err, sum;
        v[0] = (float)k * 0.01f;
        xd = (double)v[0];
        anne_activation_forward_f32(v, 1, ANNE_ACT_SIGMOID, none);
        e = 1.0 / (1.0 + exp(-xd));
        err = fabs((double)v[0] - e) / ulp_at(e);
        if (err > worst) worst = err;
        sm[0] = (float)xd, sm[1] = 0.5f, sm[2] = -1.25f;
        anne_activation_forward_f32(sm, 3, ANNE_ACT_SOFTMAX, none);
        if (xd < 0.5) { /* the max is 0.5 */
            e = exp((double)((float)xd - 0.5f));
            sum = e + 1.0 + exp(-1.75);
        } else {
            e = 1.0;
            sum = 1.0 + exp((double)(0.5f - (float)xd)) + exp((double)(-1.25f - (float)xd));
        }
        err = fabs((double)sm[0] - e / sum) / ulp_at(e / sum);
        if (err > worst) worst = err;
    }
    print_message("sigmoid, softmax: largest error %.3f ulp\n", worst);
    if (worst > 3.0) fail_msg("sigmoid/softmax error %.3f ulp > 3", worst);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expf_ulp),          cmocka_unit_test(test_expf_edges),
        cmocka_unit_test(test_f32_lt),            cmocka_unit_test(test_f32_sign_helpers),
        cmocka_unit_test(test_activations_exact), cmocka_unit_test(test_activations_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
