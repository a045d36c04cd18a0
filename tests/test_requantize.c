/* int8 requantization: anne_requantize() against an independent transcription of TFLite's
 * MultiplyByQuantizedMultiplier (tests/test_quant_ref.h) on millions of random cases, bit for bit
 * (SRDHM in two formulations: as a floor division, and TFLite's literal nudge and truncation);
 * hand-computed cases showing the double rounding; TFLite's QuantizeMultiplier on known values. */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>

#include "anne_quant.h"
#include "anne_quantize_math.h"

/* The reference itself against numbers worked out by hand, so that it cannot drift silently. */
static void test_reference_by_hand(void **state) {
    (void)state;
    assert_int_equal(ref_srdhm(1000, 1 << 30), 500);          /* 1000 * 0.5 */
    assert_int_equal(ref_srdhm(3, 1 << 30), 2);               /* 1.5 -> 2 (ties up) */
    assert_int_equal(ref_srdhm(-3, 1 << 30), -1);             /* -1.5 -> -1 (ties up) */
    assert_int_equal(ref_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    assert_int_equal(ref_srdhm_tflite(-3, 1 << 30), -1);
    assert_int_equal(ref_srdhm_tflite(3, 1 << 30), 2);
    assert_int_equal(ref_srdhm_tflite(INT32_MIN, INT32_MIN), INT32_MAX);
    assert_int_equal(ref_rdbpot(3, 1), 2);                    /* 1.5 -> 2 (away from zero) */
    assert_int_equal(ref_rdbpot(-3, 1), -2);                  /* -1.5 -> -2 */
    assert_int_equal(ref_rdbpot(-5, 2), -1);                  /* -1.25 -> -1 */
    assert_int_equal(ref_rdbpot(-6, 2), -2);                  /* -1.5 -> -2 */
}

/* Known values, worked by hand: double rounding differs from single rounding. */
static void test_requantize_by_hand(void **state) {
    (void)state;
    assert_int_equal(anne_requantize(1000, 1 << 30, 0), 500);
    assert_int_equal(anne_requantize(1000, 1 << 30, -1), 250);
    /* 5 * 0.25 = 1.25: SRDHM gives round(2.5) = 3, then RDBPOT(3, 1) = round(1.5) = 2 (single: 1) */
    assert_int_equal(anne_requantize(5, 1 << 30, -1), 2);
    /* -6 * 0.25 = -1.5: SRDHM -3, RDBPOT(-3, 1) = -2 (ties away from zero) */
    assert_int_equal(anne_requantize(-6, 1 << 30, -1), -2);
    /* multiplier 0.75 (1610612736), shift 2: 100 * 3 = 300 */
    assert_int_equal(anne_requantize(100, 1610612736, 2), 300);
    /* shift -31: everything below 2^30 / 2^31 rounds to 0 */
    assert_int_equal(anne_requantize(INT32_MAX, INT32_MAX, -31), 1);
    assert_int_equal(anne_requantize(0, INT32_MAX, 0), 0);
    assert_int_equal(anne_requantize(INT32_MIN, 0, 0), 0);
    /* saturation where TFLite would overflow: 2^30 * 2^4 does not fit int32 */
    assert_int_equal(anne_requantize(1 << 30, 1 << 30, 4), INT32_MAX / 2 + 1);
    assert_int_equal(anne_requantize(INT32_MIN, INT32_MAX, 0), -INT32_MAX);
}

/* Random cases, bit for bit: x spread over every magnitude, multipliers as QuantizeMultiplier makes
 * them ([2^30, 2^31)) plus arbitrary ones, every shift from -31 to 30. */
static void test_requantize_random(void **state) {
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    uint32_t i, n = 4000000u, mismatches = 0;
    (void)state;
    for (i = 0; i < n; i++) {
        uint64_t r = ref_rand(&rng), r2 = ref_rand(&rng);
        int bits = (int)(r % 32u);                        /* magnitude of x: 2^0 .. 2^31 */
        int32_t x = (int32_t)(uint32_t)(r2 >> 32);
        int32_t m, s;
        if (bits < 31) x = (int32_t)((int64_t)x % ((int64_t)1 << (bits + 1)));
        switch ((r >> 8) % 4u) {
        case 0: m = (int32_t)((1u << 30) + (uint32_t)(r2 & 0x3FFFFFFFu)); break;
        case 1: m = (int32_t)(r2 & 0x7FFFFFFFu); break;
        case 2: m = (int32_t)(r2 & 0xFFFFu); break;
        default: m = INT32_MAX - (int32_t)(r2 & 0xFFu); break;
        }
        s = (int32_t)((r >> 16) % 62u) - 31;              /* -31 .. 30 */
        if (ref_srdhm((int32_t)(uint32_t)r2, m) != ref_srdhm_tflite((int32_t)(uint32_t)r2, m) ||
            ref_srdhm(x, (int32_t)(uint32_t)r) != ref_srdhm_tflite(x, (int32_t)(uint32_t)r)) {
            mismatches++; /* the two formulations of SRDHM (floor, and TFLite's nudge) must agree */
        }
        if (anne_requantize(x, m, s) != ref_requantize(x, m, s)) {
            if (mismatches++ < 5) {
                print_message("x=%d m=%d s=%d: anne %d, reference %d\n", x, m, s, anne_requantize(x, m, s),
                              ref_requantize(x, m, s));
            }
        }
    }
    assert_int_equal(mismatches, 0);
}

/* Shifts outside -31..30, which no loaded model has (the loader refuses them) but a caller of the
 * public function may pass: x 2^shift saturated is the same for every shift >= 31 (0, INT32_MAX or
 * INT32_MIN by x's sign), and for shift < -31 the reference's RDBPOT with e = -shift (up to 62). */
static int32_t ref_requantize_any(int32_t x, int32_t m, int32_t s) {
    if (s >= 31) return ref_srdhm(x > 0 ? INT32_MAX : (x < 0 ? INT32_MIN : 0), m);
    if (s < -62) return 0; /* |SRDHM| <= 2^31 over 2^63: below one half */
    return ref_requantize(x, m, s);
}

static void test_requantize_any_shift(void **state) {
    static const int32_t xs[] = {0, 1, -1, 2, -2, 1000, -1000, 1 << 30, -(1 << 30), INT32_MAX, INT32_MIN};
    static const int32_t ms[] = {0, 1, 1 << 30, INT32_MAX, 1431655765};
    static const int32_t ss[] = {31, 32, 33, 35, 40, 63, 64, INT32_MAX, -32, -33, -40, -62, -63, -64, INT32_MIN};
    size_t a, b, c;
    (void)state;
    for (a = 0; a < sizeof xs / sizeof xs[0]; a++) {
        for (b = 0; b < sizeof ms / sizeof ms[0]; b++) {
            for (c = 0; c < sizeof ss / sizeof ss[0]; c++) {
                int32_t got = anne_requantize(xs[a], ms[b], ss[c]), want = ref_requantize_any(xs[a], ms[b], ss[c]);
                if (got != want) fail_msg("requantize(%d, %d, %d): %d, want %d", xs[a], ms[b], ss[c], got, want);
            }
        }
    }
    /* by hand: 1 2^40 saturates to INT32_MAX, times 0.5 */
    assert_int_equal(anne_requantize(1, 1 << 30, 40), 1 << 30);
    /* INT32_MIN times (2^31 - 1) / 2^31 is -(2^31 - 1); over 2^32 that is -0.49999..: 0 */
    assert_int_equal(anne_requantize(INT32_MIN, INT32_MAX, -32), 0);
}

/* The full path a layer takes: real multiplier -> QuantizeMultiplier -> requantize; the result is
 * within one step of the exact real product (the double rounding costs at most one). */
static void test_requantize_close_to_real(void **state) {
    uint64_t rng = 12345;
    uint32_t i;
    (void)state;
    for (i = 0; i < 200000u; i++) {
        double real = ldexp((double)(ref_rand(&rng) % 1000000u + 1u) / 1000000.0, (int)(ref_rand(&rng) % 24u) - 20);
        int32_t x = (int32_t)(ref_rand(&rng) % 2000001u) - 1000000, m, s, y;
        anne_quantize_multiplier(real, &m, &s);
        if (s > 30) continue;
        y = anne_requantize(x, m, s);
        assert_true(fabs((double)y - (double)x * real) <= 1.0 + fabs((double)x * real) * 1e-9);
    }
}

static void test_quantize_multiplier(void **state) {
    int32_t m, s;
    (void)state;
    anne_quantize_multiplier(0.5, &m, &s);
    assert_int_equal(m, 1 << 30);
    assert_int_equal(s, 0);
    anne_quantize_multiplier(1.0, &m, &s);
    assert_int_equal(m, 1 << 30);
    assert_int_equal(s, 1);
    anne_quantize_multiplier(0.25, &m, &s);
    assert_int_equal(m, 1 << 30);
    assert_int_equal(s, -1);
    anne_quantize_multiplier(1.0 / 3.0, &m, &s); /* 2/3 * 2^31 = 1431655765.33 */
    assert_int_equal(m, 1431655765);
    assert_int_equal(s, -1);
    anne_quantize_multiplier(0.0, &m, &s);
    assert_int_equal(m, 0);
    assert_int_equal(s, 0);
    anne_quantize_multiplier(1e-12, &m, &s); /* about 2^-39.9: below 2^-31, flushed */
    assert_int_equal(m, 0);
    assert_int_equal(s, 0);
    anne_quantize_multiplier(1.0 - ldexp(1.0, -34), &m, &s); /* q rounds up to 1.0: halved, shift + 1 */
    assert_int_equal(m, 1 << 30);
    assert_int_equal(s, 1);
    anne_quantize_multiplier(3.0, &m, &s); /* 0.75 * 2^2 */
    assert_int_equal(m, 1610612736);
    assert_int_equal(s, 2);
}

static void test_choose_qparams(void **state) {
    float scale;
    int32_t zp;
    (void)state;
    anne_choose_qparams(0.0, 2.55, &scale, &zp); /* [0, 2.55]: scale 0.01, zero point -128 */
    assert_true(fabsf(scale - 0.01f) < 1e-8f);
    assert_int_equal(zp, -128);
    anne_choose_qparams(-1.0, 1.0, &scale, &zp); /* symmetric: 2/255, zero point round(-0.5) = -1 */
    assert_true(fabsf(scale - 2.0f / 255.0f) < 1e-8f);
    assert_int_equal(zp, -1);
    anne_choose_qparams(1.0, 3.0, &scale, &zp); /* widened to [0, 3] */
    assert_true(fabsf(scale - 3.0f / 255.0f) < 1e-8f);
    assert_int_equal(zp, -128);
    anne_choose_qparams(-5.1, -1.0, &scale, &zp); /* widened to [-5.1, 0]: zero point 127 */
    assert_true(fabsf(scale - 0.02f) < 1e-8f);
    assert_int_equal(zp, 127);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_by_hand),     cmocka_unit_test(test_requantize_by_hand),
        cmocka_unit_test(test_requantize_random),     cmocka_unit_test(test_requantize_close_to_real),
        cmocka_unit_test(test_requantize_any_shift),  cmocka_unit_test(test_quantize_multiplier),
        cmocka_unit_test(test_choose_qparams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
