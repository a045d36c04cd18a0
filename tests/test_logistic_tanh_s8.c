/* int8 LOGISTIC and TANH tables, for every one of the 256 inputs at 3000 input quantizations each,
 * against TFLite's two ways of computing them: the integer kernels of TFLite Micro and TFLite's
 * reference_integer_ops (gemmlowp's fixed-point logistic and tanh: anne_quantize_fixedpoint.h, what
 * ANNE's TFLite importer builds), and the float table TFLite's interpreter fills in Prepare
 * (LUTPopulate: dequantize, 1 / (1 + expf(-x)) or tanhf, multiply by 1 / out_scale, round, add the
 * zero point, each step in float; transcribed here). ANNE's own float table (anne_quantize_s8_lut, the
 * quantizer's) is compared with both; the counts of differing entries are printed and bounded. The
 * fixed-point table must be within one step of the exact function everywhere and never decrease. */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>
#include <string.h>

#include "anne_quantize.h"
#include "anne_quantize_fixedpoint.h"

/* TFLite's LUTPopulate<int8_t> for logistic or tanh, each float step stored (volatile: no excess
 * precision, no fused multiply-add). */
static void lut_populate(int8_t lut[256], float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, int is_tanh) {
    volatile float inverse = 1.0f / out_scale;
    int32_t q;
    for (q = -128; q <= 127; q++) {
        volatile float x = in_scale * (float)(q - in_zp);
        volatile float f = is_tanh ? tanhf(x) : 1.0f / (1.0f + expf(-x));
        volatile float scaled = f * inverse;
        float r = scaled >= 0.0f ? floorf(scaled + 0.5f) : -floorf(-scaled + 0.5f); /* TfLiteRound */
        int32_t v = (int32_t)(r + (float)out_zp);
        lut[q + 128] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
    }
}

static uint32_t differ(const int8_t *a, const int8_t *b) {
    uint32_t i, n = 0;
    for (i = 0; i < 256; i++) n += a[i] != b[i];
    return n;
}

static void check(int is_tanh) {
    const float out_scale = is_tanh ? 1.0f / 128.0f : 1.0f / 256.0f;
    const int32_t out_zp = is_tanh ? 0 : -128;
    const float param[3] = {0, 0, 0};
    uint64_t r = is_tanh ? 77u : 78u;
    uint32_t k, fixed_vs_float = 0, anne_vs_fixed = 0, anne_vs_float = 0, tables_differ = 0;
    for (k = 0; k < 3000; k++) {
        /* scales 2^-10 ... 2^0 (a logistic's input spans +-8 at about 0.06) */
        float in_scale = (float)ldexp(0.5 + (double)(ref_rand(&r) % 1000000u) / 2000000.0, -(int)(ref_rand(&r) % 11u));
        int32_t in_zp = (int32_t)(ref_rand(&r) % 256u) - 128, q;
        int8_t fixed[256], tfl[256], anne[256];
        assert_int_equal(is_tanh ? anne_s8_tanh_table(in_scale, in_zp, fixed) : anne_s8_logistic_table(in_scale, in_zp, fixed), 0);
        lut_populate(tfl, in_scale, in_zp, out_scale, out_zp, is_tanh);
        anne_quantize_s8_lut((unsigned char *)anne, is_tanh ? ANNE_ACT_TANH : ANNE_ACT_SIGMOID, param, in_scale, in_zp,
                             out_scale, out_zp);
        for (q = -128; q <= 127; q++) {
            double x = (double)in_scale * (q - in_zp), f = is_tanh ? tanh(x) : 1.0 / (1.0 + exp(-x));
            double want = f / (double)out_scale + out_zp, got = fixed[q + 128];
            if (fabs(got - (want > 127.0 ? 127.0 : want)) > 1.0) {
                fail_msg("%s, scale %.9g, zero point %d, input %d: %d, the function gives %.4f", is_tanh ? "tanh" : "logistic",
                         (double)in_scale, in_zp, q, fixed[q + 128], want);
            }
            if (q > -128 && fixed[q + 128] < fixed[q + 127]) fail_msg("the fixed-point table decreases at %d", q);
        }
        fixed_vs_float += differ(fixed, tfl);
        anne_vs_fixed += differ(anne, fixed);
        anne_vs_float += differ(anne, tfl);
        tables_differ += differ(anne, fixed) != 0;
    }
    print_message("%s, 3000 quantizations x 256 inputs: the fixed-point kernel (TFLite Micro, reference_integer_ops) "
                  "and TFLite's float table differ in %u entries; ANNE's float table differs from the fixed-point one "
                  "in %u (%u tables), from TFLite's float one in %u\n",
                  is_tanh ? "TANH" : "LOGISTIC", fixed_vs_float, anne_vs_fixed, tables_differ, anne_vs_float);
    /* measured 4 and 2 of 768 000 (the float ones depend on the C library's expf and tanhf): the fixed
     * point is that close to the function; a transcription error would differ in thousands */
    assert_true(fixed_vs_float <= 64u && anne_vs_fixed <= 64u);
}

static void test_logistic(void **state) {
    (void)state;
    check(0);
}

static void test_tanh(void **state) {
    (void)state;
    check(1);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_logistic), cmocka_unit_test(test_tanh)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
