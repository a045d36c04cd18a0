/* The ARMv6-M requantization (a 32x32->64 product from 16-bit halves with explicit carries, the code
 * the Cortex-M0+ runs) on the host, against the independent transcription of TFLite's
 * MultiplyByQuantizedMultiplier (tests/test_quant_ref.h), bit for bit, on random and edge cases. */
#include "test_support.h"
#include "test_quant_ref.h"

/* the kernel file compiled once more with the halves version, its public names renamed */
#define ANNE_REQUANT_HALVES 1
#define anne_requantize anne_requantize_halves
#define anne_dense_forward_s8 anne_dense_forward_s8_halves
#define anne_activation_forward_s8_lut anne_activation_forward_s8_lut_halves
#define anne_softmax_forward_s8 anne_softmax_forward_s8_halves
#include "../runtime/src/anne_dense_s8.c"

static const int32_t edge[] = {0,          1,          -1,          2,          -2,         3,
                               32767,      -32768,     32768,       -32769,     65535,      65536,
                               -65536,     -65537,     1 << 30,     -(1 << 30), INT32_MAX,  INT32_MIN,
                               INT32_MAX - 1, INT32_MIN + 1, 0x7FFF0000, (int32_t)0x80010000, 0x12345678,
                               -0x12345678};

static void check(int32_t x, int32_t m, int32_t s) {
    int32_t got = anne_requantize_halves(x, m, s), want = ref_requantize(x, m, s);
    if (got != want) fail_msg("requantize(%d, %d, %d): halves %d, reference %d", x, m, s, got, want);
}

/* SRDHM alone on every pair of edge values (signs, half boundaries, carries, the saturated case). */
static void test_srdhm_edges(void **state) {
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        for (j = 0; j < sizeof edge / sizeof edge[0]; j++) {
            int32_t got = anne__srdhm(edge[i], edge[j]), want = ref_srdhm(edge[i], edge[j]);
            if (got != want) fail_msg("srdhm(%d, %d): halves %d, reference %d", edge[i], edge[j], got, want);
        }
    }
}

/* Random x of every magnitude, non-negative multipliers (the loader's range), every shift -31..30. */
static void test_requantize_halves_random(void **state) {
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    uint32_t i;
    size_t k;
    (void)state;
    for (i = 0; i < 2000000u; i++) {
        uint64_t r = ref_rand(&rng), r2 = ref_rand(&rng);
        int bits = (int)(r % 32u);
        int32_t x = (int32_t)(uint32_t)(r2 >> 32), m = (int32_t)((uint32_t)r2 & 0x7FFFFFFFu);
        if (bits < 31) x = (int32_t)((int64_t)x % ((int64_t)1 << (bits + 1)));
        check(x, m, (int32_t)((r >> 8) % 62u) - 31);
    }
    for (k = 0; k < sizeof edge / sizeof edge[0]; k++) {
        int32_t s;
        for (s = -31; s <= 30; s++) {
            check(edge[k], INT32_MAX, s);
            check(edge[k], 1 << 30, s);
            check(edge[k], 0, s);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srdhm_edges),
        cmocka_unit_test(test_requantize_halves_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
