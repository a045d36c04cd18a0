/* The Q16.16 activations' integer steps written in words (the code the Cortex-M0+ runs: 16-bit-half
 * products, a long division, one-word interpolation) against the same formulas in plain int64 with
 * C's division, bit for bit: the table bounds they rely on, the 32x32 product, the division, exp's
 * parts, softmax, softsign, sigmoid, tanh and the float-parameter product, in both builds (the
 * 16-bit-half products and the compiler's 64-bit ones). */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h" /* the library's anne_activation_forward_q16 (native products) */

/* the activation file compiled once more with the ARMv6-M products, its public name renamed */
void anne_activation_forward_q16_halves(int32_t *x, size_t n, anne_activation act, const float param[3],
                                        const float *unit_param);
#define ANNE_Q16_HALVES 1
#define anne_activation_forward_q16 anne_activation_forward_q16_halves
#include "../runtime/src/anne_activation_q16.c"
#undef anne_activation_forward_q16

/* xorshift64* from test_quant_ref.h (state nonzero) */
#define rnd ref_rand

/* An int32 of random magnitude (0 to 32 bits), or one of the edges. */
static int32_t rnd_i32(uint64_t *s) {
    static const int32_t edge[] = {0, 1, -1, 65535, 65536, -65536, INT32_MAX, INT32_MIN, INT32_MIN + 1,
                                   -(int32_t)(23 * 65536), 0x7FFF0000, (int32_t)0x80010000};
    uint64_t r = rnd(s);
    unsigned bits = (unsigned)(r % 34u);
    if (bits == 33u) return edge[(r >> 8) % (sizeof edge / sizeof edge[0])];
    if (bits == 32u) return (int32_t)(uint32_t)(r >> 32);
    return (int32_t)((int64_t)(int32_t)(uint32_t)(r >> 32) % ((int64_t)1 << bits));
}

/* floor((v + 2^(s-1)) / 2^s) */
static int64_t ref_round_shift(int64_t v, unsigned s) {
    return ref_floor_div(v + ((int64_t)1 << (s - 1u)), (int64_t)1 << s);
}

/* The interpolation in one word needs |t[k+1] - t[k]| < 2^11 (times frac < 2^12 < 2^23); exp's needs
 * differences below 2^23 (times a 24-bit weight < 2^47) and 2^f from 2^30 to 2^31. */
static void test_table_steps(void **state) {
    int k;
    (void)state;
    for (k = 0; k < 256; k++) {
        assert_true(labs((long)anne__q16_sigmoid_table[k + 1] - anne__q16_sigmoid_table[k]) < 2048);
        assert_true(labs((long)anne__q16_tanh_table[k + 1] - anne__q16_tanh_table[k]) < 2048);
        assert_true(labs((long)anne__q16_phi_table[k + 1] - anne__q16_phi_table[k]) < 2048);
        assert_true(anne__q16_exp2_table[k + 1] >= anne__q16_exp2_table[k]);
        assert_true(anne__q16_exp2_table[k + 1] - anne__q16_exp2_table[k] < (1u << 23));
    }
    assert_true(anne__q16_exp2_table[256] == 0x80000000u);
    /* exp(0) is exactly 2^30 in Q30: softmax's sum is >= 2^30, so its reciprocal is <= 2^32 */
    assert_true(anne__q16_exp2_table[0] == 0x40000000u);
}

/* The four-MULS product against the compiler's 64-bit product; one-word rounding shift against floor. */
static void test_umul32_round_shift32(void **state) {
    uint64_t s = 11;
    uint32_t i;
    const uint32_t edge[] = {0, 1, 0xFFFFu, 0x10000u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0xFFFF0000u};
    size_t a, b;
    (void)state;
    for (a = 0; a < sizeof edge / sizeof edge[0]; a++) {
        for (b = 0; b < sizeof edge / sizeof edge[0]; b++) {
            assert_true(anne__umul32(edge[a], edge[b]) == (uint64_t)edge[a] * edge[b]);
        }
    }
    for (i = 0; i < 2000000u; i++) {
        uint64_t r = rnd(&s);
        uint32_t x = (uint32_t)r, y = (uint32_t)(r >> 32);
        int32_t v = (int32_t)(x % (1u << 31)) - (1 << 30); /* [-2^30, 2^30) */
        unsigned sh = 1u + y % 30u;
        assert_true(anne__umul32(x, y) == (uint64_t)x * y);
        assert_int_equal(anne__round_shift32(v, sh), ref_round_shift(v, sh));
    }
}

/* The long division against C's, over the two uses' ranges (softmax: 2^62 + S/2 over S in
 * [2^30, 2^46), 33 quotient bits; softsign: a 2^16 + den/2 over den = 2^16 + a, 16 bits). */
static void test_udiv_bits(void **state) {
    uint64_t s = 12;
    uint32_t i;
    const uint64_t sums[] = {(uint64_t)1 << 30, ((uint64_t)1 << 30) + 1u, ((uint64_t)1 << 31) - 1u,
                             ((uint64_t)1 << 46) - 1u, 3ull << 30, 65535ull << 30};
    (void)state;
    for (i = 0; i < sizeof sums / sizeof sums[0]; i++) {
        uint64_t n = ((uint64_t)1 << 62) + sums[i] / 2u;
        assert_true(anne__udiv_bits(n, sums[i], 33u) == n / sums[i]);
    }
    for (i = 0; i < 300000u; i++) {
        uint64_t r = rnd(&s), r2 = rnd(&s);
        uint64_t sum = ((uint64_t)1 << 30) + (r >> (18u + (unsigned)(r2 % 30u)));
        uint64_t n = ((uint64_t)1 << 62) + sum / 2u, a = (uint32_t)r2 % 0x80000001u, den = 65536u + a;
        assert_true(anne__udiv_bits(n, sum, 33u) == n / sum);
        assert_true(anne__udiv_bits((a << 16) + den / 2u, den, 16u) == ((a << 16) + den / 2u) / den);
    }
}

/* exp's parts as docs/numerics.md states them, in int64: t = x round(log2(e) 2^24) (Q40),
 * k = floor(t / 2^40), f = t - k 2^40, p = T[f >> 32] + round(dT (f >> 8 mod 2^24) / 2^24). */
static uint32_t ref_exp_parts(int32_t x, int64_t *k) {
    int64_t t = (int64_t)x * ANNE__LOG2E_Q24, f;
    uint32_t idx, frac;
    *k = ref_floor_div(t, (int64_t)1 << 40);
    f = t - *k * ((int64_t)1 << 40);
    idx = (uint32_t)(f >> 32);
    frac = (uint32_t)((f >> 8) & 0xFFFFFF);
    return anne__q16_exp2_table[idx] +
           (uint32_t)ref_round_shift((int64_t)(anne__q16_exp2_table[idx + 1] - anne__q16_exp2_table[idx]) * frac, 24u);
}

/* round(p 2^k) for k <= 0 (Q30 exp of x <= 0). */
static int32_t ref_q30_exp(int32_t x) {
    int64_t k;
    uint32_t p = ref_exp_parts(x, &k);
    if (k == 0) return (int32_t)p;
    if (-k >= 40) return 0;
    return (int32_t)ref_round_shift(p, (unsigned)-k);
}

static void test_exp_parts(void **state) {
    uint64_t s = 13;
    int64_t x;
    uint32_t i, sh;
    (void)state;
    /* the final shift for every s (p <= 2^31; p = 2^31 with s = 32 is the one case that rounds up
     * beyond 31) */
    for (sh = 0; sh < 64u; sh++) {
        for (i = 0; i < 2000u; i++) {
            uint32_t p = i == 0 ? 0x80000000u : (i == 1 ? 0x7FFFFFFFu : (uint32_t)rnd(&s) % 0x80000001u);
            uint32_t want = sh == 0 ? p : (sh >= 40u ? 0u : (uint32_t)ref_round_shift(p, sh));
            assert_true(anne__ushift_round(p, sh) == want);
        }
    }
    for (x = INT32_MIN; x <= INT32_MAX; x += 4093) {
        int32_t k;
        int64_t kr;
        uint32_t p = anne__exp_parts((int32_t)x, &k), pr = ref_exp_parts((int32_t)x, &kr);
        assert_true(p == pr);
        assert_int_equal(k, kr);
        if (x <= 0) assert_int_equal(anne__q30_exp_nonpos((int32_t)x), ref_q30_exp((int32_t)x));
    }
    for (i = 0; i < 1000000u; i++) {
        int32_t v = rnd_i32(&s), k;
        int64_t kr;
        assert_true(anne__exp_parts(v, &k) == ref_exp_parts(v, &kr));
        assert_int_equal(k, kr);
        if (v <= 0) assert_int_equal(anne__q30_exp_nonpos(v), ref_q30_exp(v));
    }
}

/* Softmax by its formula with C's division: e_i = Q30 exp(x_i - max) (saturated), S = sum e_i,
 * r = floor((2^62 + floor(S / 2)) / S), y_i = round(e_i r / 2^46); both builds must give it. */
static void test_softmax_exact(void **state) {
    static int32_t x[600], a[600], b[600];
    uint64_t s = 14;
    uint32_t t;
    (void)state;
    for (t = 0; t < 20000u; t++) {
        size_t n = t % 50u == 0 ? 1u + (size_t)(rnd(&s) % 600u) : 1u + (size_t)(rnd(&s) % 12u), i;
        int32_t max;
        uint64_t sum = 0, r;
        int spread = (int)(rnd(&s) % 3u);
        for (i = 0; i < n; i++) {
            x[i] = spread == 0 ? rnd_i32(&s) : (int32_t)(rnd(&s) % ((spread == 1 ? 4u : 40u) << 16)) - (20 << 16);
            a[i] = b[i] = x[i];
        }
        max = x[0];
        for (i = 1; i < n; i++) max = x[i] > max ? x[i] : max;
        for (i = 0; i < n; i++) {
            int64_t d = (int64_t)x[i] - max;
            x[i] = ref_q30_exp(d < INT32_MIN ? INT32_MIN : (int32_t)d);
            sum += (uint64_t)x[i];
        }
        r = (((uint64_t)1 << 62) + sum / 2u) / sum;
        anne_activation_forward_q16(a, n, ANNE_ACT_SOFTMAX, (const float[3]){0, 0, 0}, NULL);
        anne_activation_forward_q16_halves(b, n, ANNE_ACT_SOFTMAX, (const float[3]){0, 0, 0}, NULL);
        for (i = 0; i < n; i++) {
            int32_t want = (int32_t)(((uint64_t)x[i] * r + ((uint64_t)1 << 45)) >> 46);
            if (a[i] != want || b[i] != want) {
                fail_msg("softmax case %u, unit %zu of %zu: %d (halves %d), want %d", (unsigned)t, i, n, a[i], b[i],
                         want);
            }
        }
    }
}

/* One activation of one value in both builds. */
static void both(anne_activation act, int32_t x, const float p[3], int32_t *native, int32_t *halves) {
    *native = *halves = x;
    anne_activation_forward_q16(native, 1, act, p, NULL);
    anne_activation_forward_q16_halves(halves, 1, act, p, NULL);
}

/* T[k] + round(dT frac / 2^s), frac = a mod 2^s, k = a >> s (T[256] beyond), in int64. */
static int32_t ref_interp(const int32_t *tab, uint32_t a, unsigned s) {
    uint32_t k = a >> s;
    if (k >= 256u) return tab[256];
    return tab[k] + (int32_t)ref_round_shift((int64_t)(tab[k + 1] - tab[k]) * (a & ((1u << s) - 1u)), s);
}

/* softsign = floor((|x| 2^16 + floor(den / 2)) / den) with the sign, den = 2^16 + |x|; sigmoid and
 * tanh by their interpolation formula (mirrored), with C's division and int64. */
static void test_softsign_interp(void **state) {
    const float p0[3] = {0, 0, 0};
    int64_t v;
    (void)state;
    for (v = INT32_MIN; v <= INT32_MAX; v += 2039) {
        int32_t x = (int32_t)v, got, got_h, want;
        int64_t a = v < 0 ? -v : v, den = 65536 + a;
        uint32_t ua = (uint32_t)a;
        want = (int32_t)(((a << 16) + den / 2) / den);
        want = v < 0 ? -want : want;
        both(ANNE_ACT_SOFTSIGN, x, p0, &got, &got_h);
        assert_int_equal(got, want);
        assert_int_equal(got_h, want);
        want = ref_interp(anne__q16_sigmoid_table, ua, 12u); /* step 1/16 */
        want = v >= 0 ? want : 65536 - want;
        both(ANNE_ACT_SIGMOID, x, p0, &got, &got_h);
        assert_int_equal(got, want);
        assert_int_equal(got_h, want);
        want = ref_interp(anne__q16_tanh_table, ua, 11u); /* step 1/32 */
        want = v >= 0 ? want : -want;
        both(ANNE_ACT_TANH, x, p0, &got, &got_h);
        assert_int_equal(got, want);
        assert_int_equal(got_h, want);
    }
}

/* The float-parameter product (leaky_relu here; also relu's slope, elu, selu, prelu) formed on the
 * magnitude, in both builds, against round(x p) (ties up) in int64: p = m 2^(e - 150) with m its
 * 24-bit significand, so x p = x m / 2^(150 - e) with x m exact (< 2^55). */
static void test_leaky_both_builds(void **state) {
    uint64_t s = 15;
    uint32_t i;
    (void)state;
    for (i = 0; i < 1000000u; i++) {
        uint32_t bits = (uint32_t)rnd(&s), e;
        float p[3] = {0, 0, 0};
        int32_t x = rnd_i32(&s), got, got_h;
        int64_t m, want;
        bits = (bits & 0x807FFFFFu) | ((uint32_t)(100u + (bits >> 23) % 40u) << 23); /* |p| in 2^-27 .. 2^12 */
        memcpy(&p[0], &bits, sizeof bits);
        e = (bits >> 23) & 0xFFu; /* < 150 */
        m = (int64_t)((bits & 0x7FFFFFu) | 0x800000u) * ((bits >> 31) ? -1 : 1);
        both(ANNE_ACT_LEAKY_RELU, x, p, &got, &got_h);
        assert_int_equal(got, got_h);
        if (x > 0) {
            assert_int_equal(got, x);
            continue;
        }
        want = ref_round_shift((int64_t)x * m, 150u - e);
        want = want > INT32_MAX ? INT32_MAX : (want < INT32_MIN ? INT32_MIN : want);
        assert_int_equal(got, want);
    }
}

/* round(v p) (ties up), saturated, for a float p with |p| < 2^23 (biased exponent e < 150). */
static int64_t ref_mul_f32(int64_t v, float p) {
    uint32_t bits, e;
    int64_t m;
    memcpy(&bits, &p, sizeof bits);
    e = (bits >> 23) & 0xFFu;
    if (e == 0) return 0;
    m = (int64_t)((bits & 0x7FFFFFu) | 0x800000u) * ((bits >> 31) ? -1 : 1);
    if (150u - e >= 57u) return 0; /* |v m| < 2^56: below half a step */
    v = ref_round_shift(v * m, 150u - e);
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : v);
}

/* relu with slope, clip and threshold (Keras' order: y = x above the threshold else 0, clipped to
 * [0, max], minus slope (threshold - x) below it), in int64 with saturation at the end, against the
 * words (threshold - x and the subtraction saturated in 32 bits) in both builds. */
static void test_relu_params(void **state) {
    const float slopes[] = {0.0f, 0.01f, -0.3f, 1.0f, 1000.0f, 1e-30f}, maxes[] = {INFINITY, 6.0f, -2.0f, 0.0f, 3e4f};
    const float thresholds[] = {0.0f, 0.5f, -1.0f, 30000.0f, -32768.0f};
    uint64_t s = 16;
    size_t a, b, c;
    uint32_t i;
    (void)state;
    for (a = 0; a < sizeof slopes / sizeof slopes[0]; a++) {
        for (b = 0; b < sizeof maxes / sizeof maxes[0]; b++) {
            for (c = 0; c < sizeof thresholds / sizeof thresholds[0]; c++) {
                const float p[3] = {slopes[a], maxes[b], thresholds[c]};
                int64_t t = anne_q16_from_f32(p[2]), mx = anne_q16_from_f32(p[1]);
                for (i = 0; i < 20000u; i++) {
                    int32_t x = rnd_i32(&s), got, got_h;
                    int64_t y = x > t ? x : 0, d = t - x;
                    if (!isinf(p[1])) y = y < 0 ? 0 : (y > mx ? mx : y);
                    if (x < t) y -= ref_mul_f32(d > INT32_MAX ? INT32_MAX : d, p[0]);
                    y = y > INT32_MAX ? INT32_MAX : (y < INT32_MIN ? INT32_MIN : y);
                    both(ANNE_ACT_RELU, x, p, &got, &got_h);
                    assert_int_equal(got, y);
                    assert_int_equal(got_h, y);
                }
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_steps),   cmocka_unit_test(test_umul32_round_shift32),
        cmocka_unit_test(test_udiv_bits),     cmocka_unit_test(test_exp_parts),
        cmocka_unit_test(test_softmax_exact), cmocka_unit_test(test_softsign_interp),
        cmocka_unit_test(test_leaky_both_builds), cmocka_unit_test(test_relu_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
