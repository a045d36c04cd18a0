/* int8 kernels: the dense layer against a plain integer reference (int64 sums, the independent
 * requantization of tests/test_quant_ref.h) on random layers, exact; the lookup-table activation;
 * the int8 softmax against its defining formula (exact) and against the float softmax (within the
 * output step 1/256 plus the input's quantization). */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>

#include "anne_quant.h"
#include "anne_quantize_math.h"

static void test_dense_random(void **state) {
    uint64_t rng = 2024;
    int8_t in[64], kernel[64 * 9], out[9];
    int32_t bias[9], mult[9], shift[9];
    uint32_t t;
    (void)state;
    for (t = 0; t < 50000u; t++) {
        uint16_t n_in = (uint16_t)(1u + ref_rand(&rng) % 64u), n_out = (uint16_t)(1u + ref_rand(&rng) % 9u), i, j;
        anne_s8_dense_params p;
        int use_bias = (int)(ref_rand(&rng) % 4u != 0u);
        p.in_zp = (int32_t)(ref_rand(&rng) % 256u) - 128;
        p.out_zp = (int32_t)(ref_rand(&rng) % 256u) - 128;
        p.act_min = -128 + (int32_t)(ref_rand(&rng) % 3u) * 40;
        p.act_max = 127 - (int32_t)(ref_rand(&rng) % 3u) * 40;
        p.multiplier = mult;
        p.shift = shift;
        for (i = 0; i < n_in; i++) in[i] = (int8_t)((int32_t)(ref_rand(&rng) % 256u) - 128);
        for (i = 0; i < n_in * n_out; i++) kernel[i] = (int8_t)((int32_t)(ref_rand(&rng) % 255u) - 127);
        for (j = 0; j < n_out; j++) {
            /* realistic: multipliers from real scales 2^-14 .. 2^2 */
            double real = ldexp(0.5 + (double)(ref_rand(&rng) % 1000u) / 2000.0, (int)(ref_rand(&rng) % 17u) - 14);
            anne_quantize_multiplier(real, &mult[j], &shift[j]);
            bias[j] = (int32_t)(ref_rand(&rng) % 2000001u) - 1000000;
        }
        anne_dense_forward_s8(out, in, kernel, use_bias ? bias : NULL, n_in, n_out, &p);
        for (j = 0; j < n_out; j++) {
            int64_t acc = use_bias ? bias[j] : 0;
            int32_t y;
            for (i = 0; i < n_in; i++) acc += (int64_t)kernel[j * n_in + i] * ((int64_t)in[i] - p.in_zp);
            assert_true(acc >= INT32_MIN && acc <= INT32_MAX);
            y = ref_requantize((int32_t)acc, mult[j], shift[j]);
            {
                int64_t z = (int64_t)y + p.out_zp;
                z = z < p.act_min ? p.act_min : (z > p.act_max ? p.act_max : z);
                if (out[j] != (int8_t)z) {
                    print_message("case %u unit %u: got %d, reference %d\n", t, j, out[j], (int)z);
                    fail();
                }
            }
        }
    }
}

/* Extremes: every weight +-127, inputs at the far end from the zero point, largest allowed bias. */
static void test_dense_extremes(void **state) {
    int8_t in[200], kernel[200], out[1];
    int32_t bias = INT32_MAX - 200 * 127 * 255, mult = INT32_MAX, shift = 0;
    anne_s8_dense_params p = {127, 0, -128, 127, &mult, &shift};
    int i;
    (void)state;
    for (i = 0; i < 200; i++) {
        in[i] = -128;
        kernel[i] = -127; /* (-128 - 127) * -127 = 32385 each */
    }
    anne_dense_forward_s8(out, in, kernel, &bias, 200, 1, &p);
    assert_int_equal(out[0], 127);
    bias = -bias;
    for (i = 0; i < 200; i++) kernel[i] = 127;
    anne_dense_forward_s8(out, in, kernel, &bias, 200, 1, &p);
    assert_int_equal(out[0], -128);
}

static void test_lut(void **state) {
    int8_t lut[256], x[256];
    int i;
    (void)state;
    for (i = 0; i < 256; i++) {
        lut[i] = (int8_t)(127 - i); /* reversal */
        x[i] = (int8_t)(i - 128);
    }
    anne_activation_forward_s8_lut(x, 256, lut);
    for (i = 0; i < 256; i++) assert_int_equal(x[i], 127 - i);
}

static void test_softmax(void **state) {
    uint64_t rng = 8;
    uint16_t table[256];
    uint32_t t;
    double worst = 0.0;
    (void)state;
    for (t = 0; t < 20000u; t++) {
        float scale = (float)(0.01 + (double)(ref_rand(&rng) % 1000u) / 10000.0);
        int8_t x[10], y[10];
        size_t n = 1u + (size_t)(ref_rand(&rng) % 10u), i;
        int32_t max = -128;
        uint64_t sum = 0;
        double dsum = 0.0;
        for (i = 0; i < 256; i++) table[i] = (uint16_t)floor(exp(-(double)i * scale) * 32768.0 + 0.5);
        for (i = 0; i < n; i++) {
            x[i] = y[i] = (int8_t)((int32_t)(ref_rand(&rng) % 256u) - 128);
            if (x[i] > max) max = x[i];
        }
        anne_softmax_forward_s8(y, n, table);
        for (i = 0; i < n; i++) sum += table[max - x[i]];
        for (i = 0; i < n; i++) dsum += exp((double)(x[i] - max) * scale);
        for (i = 0; i < n; i++) {
            /* floor(256 e / sum + 1/2) - 128, at most 127 */
            int64_t q = (int64_t)((512u * (uint64_t)table[max - x[i]] + sum) / (2u * sum)) - 128;
            double e;
            if (q > 127) q = 127;
            assert_int_equal(y[i], q);
            e = fabs(((double)y[i] + 128.0) / 256.0 - exp((double)(x[i] - max) * scale) / dsum);
            if (e > worst) worst = e;
        }
    }
    print_message("int8 softmax vs float softmax of the same int8 inputs: max |error| %.3g (step 1/256 = %.3g)\n",
                  worst, 1.0 / 256.0);
    assert_true(worst <= 1.0 / 256.0 + 1e-3); /* output step, plus the table's 2^-15 steps over 10 units */
}

static void test_quantize_io(void **state) {
    (void)state;
    assert_int_equal(anne_s8_quantize(0.0f, 0.1f, -5), -5);
    assert_int_equal(anne_s8_quantize(0.25f, 0.1f, 0), 3);    /* 2.5 -> 3: ties away from zero */
    assert_int_equal(anne_s8_quantize(-0.25f, 0.1f, 0), -3);
    assert_int_equal(anne_s8_quantize(1000.0f, 0.1f, 0), 127);
    assert_int_equal(anne_s8_quantize(-1000.0f, 0.1f, 0), -128);
    assert_int_equal(anne_s8_quantize(0.049999997f, 0.1f, 0), 0);
    assert_true(fabsf(anne_s8_dequantize(3, 0.1f, -2) - 0.5f) < 1e-7f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_random), cmocka_unit_test(test_dense_extremes), cmocka_unit_test(test_lut),
        cmocka_unit_test(test_softmax),      cmocka_unit_test(test_quantize_io),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
