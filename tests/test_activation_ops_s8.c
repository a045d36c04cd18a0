/* int8 LEAKY_RELU and HARD_SWISH (anne_quant_ops.h) on all 256 inputs of many random quantizations,
 * against references written here: LEAKY_RELU in int64 with the independent requantization of
 * tests/test_quant_ref.h; HARD_SWISH's int16 fixed-point steps in int64 with floor divisions (the
 * rounding doubling high multiply as floor((a b + 2^14) / 2^15), the truncating one by the magnitude,
 * the rounding shift by floor((2|x| + 2^e) / 2^(e + 1))); both against the real functions on the output
 * scale (LEAKY_RELU within one step, HARD_SWISH within TFLite's fixed-point error, measured); the
 * multipliers recomputed with TFLite's float expressions. Each table equals its kernel for every
 * input. About 12 million values, exact. Then the shifts at their bounds (UBSan watches for overflow). */
#include "test_support.h"
#include "test_quant_ref.h"
#include "test_s8_ops_ref.h"

#include <math.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"

static uint64_t rng = 31;

static uint32_t pick(uint32_t n) { /* 0 .. n - 1 */
    return (uint32_t)(ref_rand(&rng) % n);
}

static double uniform(double lo, double hi) {
    return lo + (hi - lo) * (double)pick(1000001) / 1000000.0;
}

static int8_t inputs[256];

static void fill_inputs(void) {
    int q;
    for (q = -128; q <= 127; q++) inputs[q + 128] = (int8_t)q;
}

/* ---- LEAKY_RELU ---- */

static void test_leaky_relu_random(void **state) {
    static const float alphas[] = {0.0f, 0.01f, 0.1f, 0.2f, 0.3f, 1.0f};
    int8_t out[256], lut[256];
    uint32_t t, beyond_half = 0;
    (void)state;
    fill_inputs();
    for (t = 0; t < 20000; t++) {
        anne_s8_leaky_relu_params p;
        anne_error err;
        float in_scale = (float)ldexp(uniform(0.5, 1.0), -(int)pick(8) - 2);
        float out_scale = pick(4) == 0u ? in_scale : in_scale * (float)uniform(0.3, 1.5);
        float alpha = pick(2) ? alphas[pick(6)] : (float)uniform(0.0, 1.0);
        int32_t in_zp = (int32_t)pick(256) - 128, out_zp = (int32_t)pick(256) - 128, m, s, q;
        volatile float ra = in_scale * alpha, ri = in_scale / out_scale;
        ra = ra / out_scale;
        assert_int_equal(anne_s8_leaky_relu_prepare(in_scale, in_zp, out_scale, out_zp, alpha, &p, &err), 0);
        anne_quantize_multiplier((double)ri, &m, &s); /* TFLite's float expressions */
        assert_true(m == p.identity_multiplier && s == p.identity_shift);
        anne_quantize_multiplier((double)ra, &m, &s);
        assert_true(m == p.alpha_multiplier && s == p.alpha_shift);
        memcpy(out, inputs, 256);
        anne_leaky_relu_forward_s8(out, out, 256, &p); /* in place */
        anne_leaky_relu_s8_table(lut, &p);
        assert_memory_equal(lut, out, 256);
        for (q = -128; q <= 127; q++) {
            double x = (double)in_scale * (q - in_zp), real = (x >= 0.0 ? x : (double)alpha * x) / out_scale + out_zp;
            int64_t want = reference_leaky(q, &p);
            real = real < -128.0 ? -128.0 : (real > 127.0 ? 127.0 : real);
            if (out[q + 128] != want || fabs(out[q + 128] - real) > 1.0) {
                print_message("leaky case %u (alpha %.9g, scales %.9g -> %.9g, zp %d -> %d) input %d: got %d, "
                              "reference %d, real %.4f\n",
                              t, (double)alpha, (double)in_scale, (double)out_scale, in_zp, out_zp, q, out[q + 128],
                              (int)want, real);
                fail();
            }
            beyond_half += fabs(out[q + 128] - real) > 0.5;
        }
    }
    print_message("leaky relu: 20000 quantizations x 256 inputs, all exact, table == kernel, within one step of "
                  "the real value (%u beyond half a step)\n",
                  beyond_half);
    {
        anne_s8_leaky_relu_params p;
        anne_error err;
        assert_int_equal(anne_s8_leaky_relu_prepare(0.1f, 0, 0.1f, 0, -0.5f, &p, &err), -1);
        print_message("refused as expected: %s\n", err.msg);
    }
}

/* ---- HARD_SWISH: gemmlowp's and TFLite's int16 functions, another way ---- */

static int64_t ref_sat16(int64_t v) {
    return ref_clamp64(v, -32768, 32767);
}

static int64_t ref_srdhm16(int64_t a, int64_t b) { /* round(a b / 2^15), ties toward +inf */
    if (a == -32768 && b == -32768) return 32767;
    return ref_floor_div(a * b + 16384, 32768);
}

static int64_t ref_sdhm16(int64_t a, int64_t b) { /* a b / 2^15 truncated toward zero */
    int64_t ab = a * b, m = (ab < 0 ? -ab : ab) / 32768;
    if (a == -32768 && b == -32768) return 32767;
    return ab < 0 ? -m : m;
}

static int64_t ref_rdbpot16(int64_t x, int e) { /* x / 2^e, ties away from zero */
    int64_t m = x < 0 ? -x : x, r;
    if (e == 0) return x;
    r = ref_floor_div(2 * m + ((int64_t)1 << e), (int64_t)1 << (e + 1));
    return x < 0 ? -r : r;
}

static int64_t reference_hard_swish(int32_t q, const anne_s8_hard_swish_params *p) {
    int64_t x = ((int64_t)q - p->in_zp) * 128, o, r, y;
    o = ref_srdhm16(x, p->output_multiplier);
    r = x;
    if (p->reluish_shift > 0) r = ref_sat16(r * ((int64_t)1 << (p->reluish_shift - 1)));
    r = ref_srdhm16(r, p->reluish_multiplier);
    if (p->reluish_shift > 0) r = ref_sat16(r * 2);
    if (p->reluish_shift < 0) r = ref_rdbpot16(r, -p->reluish_shift);
    r = ref_floor_div(r + 32768, 2);
    y = ref_sdhm16(r, o);
    return ref_clamp64(ref_rdbpot16(y, -p->output_shift) + p->out_zp, -128, 127);
}

/* The 32-bit multiplier of QuantizeMultiplier rounded to its top 16 bits, another way. */
static int32_t ref_multiplier16(int32_t m) {
    double r = floor((double)m / 65536.0 + 0.5);
    return m >= INT32_MAX - 32768 ? 32767 : (int32_t)r;
}

static void check_hard_swish(const anne_s8_hard_swish_params *p, const char *what) {
    int8_t out[256], lut[256];
    int32_t q;
    memcpy(out, inputs, 256);
    anne_hard_swish_forward_s8(out, out, 256, p); /* in place */
    anne_hard_swish_s8_table(lut, p);
    assert_memory_equal(lut, out, 256);
    for (q = -128; q <= 127; q++) {
        int64_t want = reference_hard_swish(q, p);
        if (out[q + 128] != want) {
            print_message("hard swish %s (zp %d -> %d, reluish %d 2^%d, output %d 2^%d) input %d: got %d, "
                          "reference %d\n",
                          what, p->in_zp, p->out_zp, p->reluish_multiplier, p->reluish_shift, p->output_multiplier,
                          p->output_shift, q, out[q + 128], (int)want);
            fail();
        }
    }
}

static void test_hard_swish_random(void **state) {
    uint32_t t, hist[4] = {0, 0, 0, 0};
    double worst = 0.0;
    (void)state;
    fill_inputs();
    for (t = 0; t < 25000; t++) {
        anne_s8_hard_swish_params p;
        anne_error err;
        /* inputs spanning +-0.5 .. +-40, outputs on a scale near the input's */
        float in_scale = (float)ldexp(uniform(0.5, 1.0), -(int)pick(8) - 1);
        float out_scale = in_scale * (float)uniform(0.2, 1.2);
        volatile float hires = (1.0f / 128.0f) * in_scale, ro = hires / out_scale, rr = hires / (3.0f / 32768.0f);
        int32_t in_zp = (int32_t)pick(256) - 128, out_zp = (int32_t)pick(256) - 128, m, s, q;
        int8_t out[256];
        assert_int_equal(anne_s8_hard_swish_prepare(in_scale, in_zp, out_scale, out_zp, &p, &err), 0);
        anne_quantize_multiplier((double)ro, &m, &s);
        assert_true(ref_multiplier16(m) == p.output_multiplier && s == p.output_shift);
        anne_quantize_multiplier((double)rr, &m, &s);
        assert_true(ref_multiplier16(m) == p.reluish_multiplier && s == p.reluish_shift);
        check_hard_swish(&p, "random");
        anne_hard_swish_forward_s8(out, inputs, 256, &p);
        for (q = -128; q <= 127; q++) {
            double x = (double)in_scale * (q - in_zp), r6 = x + 3.0 < 0.0 ? 0.0 : (x + 3.0 > 6.0 ? 6.0 : x + 3.0);
            double real = x * r6 / 6.0 / out_scale + out_zp, d;
            real = real < -128.0 ? -128.0 : (real > 127.0 ? 127.0 : real);
            d = fabs(out[q + 128] - real);
            if (d > worst) worst = d;
            hist[d <= 0.5 ? 0 : d <= 1.0 ? 1 : d <= 2.0 ? 2 : 3]++;
        }
    }
    print_message("hard swish: 25000 quantizations x 256 inputs, all exact, table == kernel; against the real "
                  "function: %u within half a step, %u within 1, %u within 2, %u beyond (worst %.3f)\n",
                  hist[0], hist[1], hist[2], hist[3], worst);
    assert_true(worst <= 1.0); /* TFLite's 16-bit arithmetic: measured 0.533 steps at most */
}

/* The shifts at the bounds the kernel documents, both multipliers at their ends, the zero points at
 * both ends: the reference must agree and nothing may overflow (UBSan). */
static void test_hard_swish_extremes(void **state) {
    static const int32_t reluish_shifts[] = {-15, -1, 0, 1, 2, 16, 17, 31};
    static const int32_t output_shifts[] = {-15, -7, 0};
    static const int32_t multipliers[] = {0, 1, 16384, 32767};
    uint32_t i, j, k, l, z, cases = 0;
    (void)state;
    fill_inputs();
    for (i = 0; i < 8; i++) {
        for (j = 0; j < 3; j++) {
            for (k = 0; k < 4; k++) {
                for (l = 0; l < 4; l++) {
                    for (z = 0; z < 4; z++) {
                        anne_s8_hard_swish_params p;
                        p.in_zp = z & 1u ? 127 : -128;
                        p.out_zp = z & 2u ? 127 : -128;
                        p.reluish_shift = reluish_shifts[i];
                        p.output_shift = output_shifts[j];
                        p.reluish_multiplier = multipliers[k];
                        p.output_multiplier = multipliers[l];
                        check_hard_swish(&p, "extreme");
                        cases++;
                    }
                }
            }
        }
    }
    print_message("hard swish: %u parameter sets at the bounds, all exact\n", cases);
    {
        anne_s8_hard_swish_params p;
        anne_error err;
        assert_int_equal(anne_s8_hard_swish_prepare(1.0f, 0, 1.0f / 512.0f, 0, &p, &err), -1); /* shift > 0 */
        print_message("refused as expected: %s\n", err.msg);
        assert_int_equal(anne_s8_hard_swish_prepare(1.0f, 0, 1e6f, 0, &p, &err), -1); /* shift < -15 */
        print_message("refused as expected: %s\n", err.msg);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaky_relu_random),
        cmocka_unit_test(test_hard_swish_random),
        cmocka_unit_test(test_hard_swish_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
