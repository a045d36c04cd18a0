/* The ARMv6-M Q16.16 dot product (16-bit halves, four MULS, parts summed apart and combined once per
 * unit: the code the Cortex-M0+ runs) on the host, against the plain 64-bit sum of products, bit for
 * bit: the raw 64-bit sums and the rounded, saturated layer outputs, on random rows and extremes. */
#include "test_support.h"

/* the kernel file compiled once more with the halves version, its public names renamed */
#define ANNE_Q16_HALVES 1
#define anne_q16_mul anne_q16_mul_halves
#define anne_q16_from_f32 anne_q16_from_f32_halves
#define anne_dense_forward_q16 anne_dense_forward_q16_halves
#include "../runtime/src/anne_dense_q16.c"

#define MAX_N 300

static uint64_t rnd(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A value of random magnitude (0 to 32 bits), or one of the edge values. */
static int32_t rnd_value(uint64_t *s) {
    static const int32_t edge[] = {0, 1, -1, 32767, -32768, 32768, -32769, 65535, 65536, -65536, -65537,
                                   INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 0x7FFF0000,
                                   (int32_t)0x80010000, (int32_t)0x8000FFFF, 0x0000FFFF, 0x7FFFFFFF};
    uint64_t r = rnd(s);
    unsigned bits = (unsigned)(r % 34u);
    if (bits == 33u) return edge[(r >> 8) % (sizeof edge / sizeof edge[0])];
    if (bits == 32u) return (int32_t)(uint32_t)(r >> 32);
    return (int32_t)((int64_t)(int32_t)(uint32_t)(r >> 32) % ((int64_t)1 << bits));
}

/* The reference: exact products summed in 64 bits, rounded once (ties toward +inf) and saturated,
 * written independently of the kernel file. */
static int64_t ref_dot(const int32_t *w, const int32_t *x, int n) {
    int64_t acc = 0;
    int i;
    for (i = 0; i < n; i++) acc += (int64_t)w[i] * x[i];
    return acc;
}

static int32_t ref_out(int64_t acc) {
    int64_t t = acc + 32768; /* |acc| <= 2^62 + 2^47 here: no overflow */
    int64_t q = t >= 0 ? t / 65536 : -((-t + 65535) / 65536); /* floor(t / 2^16) */
    return q > INT32_MAX ? INT32_MAX : (q < INT32_MIN ? INT32_MIN : (int32_t)q);
}

/* Scales the row down, if needed, to the loader's bound sum |w| <= 2^31. */
static void clamp_row_l1(int32_t *w, int n) {
    uint64_t l1 = 0;
    int i;
    for (i = 0; i < n; i++) l1 += (uint64_t)(w[i] < 0 ? -(int64_t)w[i] : (int64_t)w[i]);
    if (l1 <= ((uint64_t)1 << 31)) return;
    for (i = 0; i < n; i++) w[i] = (int32_t)(w[i] / (int64_t)((l1 >> 31) + 1u));
}

/* Random rows (lengths 1..300, ~3 million products): the 64-bit sums and the layer outputs. */
static void test_q16_halves_random(void **state) {
    static int32_t w[MAX_N], x[MAX_N];
    uint64_t s = 0x51ED2701A5A5A5A5ULL;
    int row, i;
    (void)state;
    for (row = 0; row < 20000; row++) {
        int n = 1 + (int)(rnd(&s) % MAX_N);
        int32_t bias = rnd_value(&s), got, want;
        int64_t dot_got, dot_want;
        for (i = 0; i < n; i++) {
            w[i] = rnd_value(&s);
            x[i] = rnd_value(&s);
        }
        if (row % 3 == 0) { /* a row at the L1 bound: one full-scale weight */
            for (i = 0; i < n; i++) w[i] = 0;
            w[rnd(&s) % (uint64_t)n] = (rnd(&s) & 1u) ? INT32_MIN : INT32_MAX;
        }
        clamp_row_l1(w, n);
        dot_got = anne__dot_q16(w, x, (uint16_t)n);
        dot_want = ref_dot(w, x, n);
        if (dot_got != dot_want)
            fail_msg("row %d (n %d): halves sum %lld, 64-bit sum %lld", row, n, (long long)dot_got,
                     (long long)dot_want);
        anne_dense_forward_q16_halves(&got, x, w, &bias, (uint16_t)n, 1);
        want = ref_out(dot_want + (int64_t)bias * 65536);
        if (got != want) fail_msg("row %d (n %d): halves output %d, reference %d", row, n, got, want);
    }
}

/* Every pair of extreme values in a one-product row, and long rows of extremes (carries in every
 * part: many large positive and negative products). */
static void test_q16_halves_extremes(void **state) {
    static const int32_t v[] = {0,      1,     -1,         32767,      -32768,        32768,
                                -32769, 65535, 65536,      -65536,     -65537,        INT32_MAX,
                                INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 0x7FFF0000, (int32_t)0x80010000,
                                (int32_t)0x8000FFFF, 0x0000FFFF, 0x12345678, -0x12345678};
    static int32_t w[MAX_N], x[MAX_N];
    size_t a, b;
    int i;
    (void)state;
    for (a = 0; a < sizeof v / sizeof v[0]; a++) {
        for (b = 0; b < sizeof v / sizeof v[0]; b++) {
            int64_t got = anne__dot_q16(&v[a], &v[b], 1), want = (int64_t)v[a] * v[b];
            if (got != want) fail_msg("%d * %d: halves %lld, 64-bit %lld", v[a], v[b], (long long)got, (long long)want);
        }
    }
    for (a = 0; a < 4; a++) { /* weights of 2^31 / 300 with inputs at +-2^31: the largest sums */
        for (i = 0; i < MAX_N; i++) {
            w[i] = (a & 1u) ? -7158278 : 7158278;
            x[i] = (a & 2u) ? INT32_MIN : (i % 2 ? INT32_MAX : (int32_t)0x8000FFFF);
        }
        if (anne__dot_q16(w, x, MAX_N) != ref_dot(w, x, MAX_N)) fail_msg("long extreme row %d", (int)a);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q16_halves_random),
        cmocka_unit_test(test_q16_halves_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
