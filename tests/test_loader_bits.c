/* The loader's checks of stored floats done on their bits with integer operations (so that an int8
 * build links no soft-float): the scaling rule against the same rule computed in float arithmetic
 * (the divisor b or b - a, finite and >= FLT_MIN), and the activation-parameter rule against
 * anne_activation_check, on edge values (zeros, subnormals, FLT_MIN, binade edges, the overflow edge
 * of max - min near 2^128) and millions of random and near-equal pairs. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "test_support.h"

#include "../runtime/src/anne_format.h"

static uint64_t rnd(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The rule as the kernels meet it: x is scaled by (x - a) / divisor in float arithmetic. */
static int scaling_ok_float(uint32_t kind, uint32_t ua, uint32_t ub) {
    volatile float a = from_bits(ua), b = from_bits(ub);
    volatile float divisor = kind == (uint32_t)ANNE_SCALING_MINMAX ? b - a : b;
    return isfinite(a) && isfinite(b) && isfinite(divisor) && divisor >= FLT_MIN;
}

static int n_checked;

static void check_pair(uint32_t a, uint32_t b) {
    uint32_t kind;
    for (kind = (uint32_t)ANNE_SCALING_STANDARDIZE; kind <= (uint32_t)ANNE_SCALING_MINMAX; kind++) {
        int want = scaling_ok_float(kind, a, b), got = anne__scaling_ok_bits(kind, a, b);
        n_checked++;
        if (got != want) {
            fail_msg("scaling kind %u, a = 0x%08x (%a), b = 0x%08x (%a): bits say %d, float arithmetic %d", kind, a,
                     (double)from_bits(a), b, (double)from_bits(b), got, want);
        }
    }
}

/* Magnitudes where the rule changes: zero, subnormals, FLT_MIN and its neighbours, 2^-125 (where the
 * difference of two floats can first exceed FLT_MIN), binade edges, 2^127 (where max - min can round
 * up to inf) and FLT_MAX. */
static const uint32_t edges[] = {
    0x00000000u, 0x00000001u, 0x00000002u, 0x00400000u, 0x007FFFFEu, 0x007FFFFFu, 0x00800000u, 0x00800001u,
    0x00FFFFFFu, 0x01000000u, 0x01000001u, 0x017FFFFFu, 0x01800000u, 0x01800001u, 0x0B800000u, 0x0B800001u,
    0x0C000000u, 0x0C000001u, 0x0C7FFFFFu, 0x0C800000u, 0x0D000000u, 0x0D000001u, 0x3F800000u, 0x3F800001u,
    0x3F7FFFFFu, 0x7E800000u, 0x7EFFFFFFu, 0x7F000000u, 0x7F000001u, 0x7F400000u, 0x7F7FFFFEu, 0x7F7FFFFFu,
    0x7F800000u, 0x7F800001u, 0x7FC00000u, 0x73000000u, 0x72FFFFFFu, 0x73800000u, 0x74000000u};

static void test_scaling_bits_edges(void **state) {
    size_t i, j;
    int si, sj, k;
    (void)state;
    for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        for (j = 0; j < sizeof edges / sizeof edges[0]; j++) {
            for (si = 0; si < 2; si++) {
                for (sj = 0; sj < 2; sj++) {
                    for (k = -2; k <= 2; k++) { /* and a few ulps around the second */
                        uint32_t b = (edges[j] + (uint32_t)k) & 0x7FFFFFFFu;
                        check_pair(edges[i] | (uint32_t)si << 31, b | (uint32_t)sj << 31);
                    }
                }
            }
        }
    }
}

/* max - min with max in [2^127, 2^128) and min negative just around the value that makes the sum
 * reach 2^128 - 2^103 (the first that rounds to inf, a tie rounded to even): every mantissa of max
 * at a stride, min at the edge and a few ulps either side. */
static void test_scaling_bits_overflow_edge(void **state) {
    uint32_t m;
    (void)state;
    for (m = 0; m < 0x00800000u; m += 997u) {
        uint32_t big = 0x7F000000u | m;
        /* the edge (2^24 - 2m - 1) * 2^103 as a float: an odd integer below 2^24, normalized */
        double edge = ldexp((double)(0x01000000u - 2u * m - 1u), 103);
        float fe = (float)edge; /* exact: at most 24 significant bits */
        uint32_t e;
        int k;
        memcpy(&e, &fe, sizeof e);
        for (k = -3; k <= 3; k++) {
            check_pair((e + (uint32_t)k) | 0x80000000u, big);
            check_pair(big | 0x80000000u, e + (uint32_t)k); /* the same sum with the roles swapped */
        }
    }
}

static void test_scaling_bits_random(void **state) {
    uint64_t s = 20250601;
    int i;
    (void)state;
    for (i = 0; i < 4000000; i++) {
        uint64_t r = rnd(&s);
        uint32_t a = (uint32_t)r, b = (uint32_t)(r >> 32), d;
        switch (i % 5) {
        case 0: break; /* any bits, NaN and inf included */
        case 1: b = a + (uint32_t)(r >> 40) % 64u - 32u; break; /* a few ulps apart, same sign */
        case 2: /* same sign, exponents one apart or equal, any mantissas */
            d = (((a >> 23) & 0xFFu) + (uint32_t)(r >> 56) % 3u - 1u) & 0xFFu;
            b = (a & 0x80000000u) | d << 23 | (b & 0x007FFFFFu);
            break;
        case 3: /* small magnitudes, both signs: subnormals and the first normal binades */
            a = (a & 0x80000000u) | (a & 0x01FFFFFFu);
            b = (b & 0x80000000u) | (b & 0x01FFFFFFu);
            break;
        default: /* large magnitudes of opposite signs: the overflow of max - min */
            d = 0x7E000000u + (a & 0x017FFFFFu);
            a = d | 0x80000000u;
            b = 0x7E000000u + (b & 0x017FFFFFu);
            break;
        }
        check_pair(a, b);
    }
    print_message("%d scaling checks agree with float arithmetic\n", n_checked);
}

static void test_activation_bits(void **state) {
    static const uint32_t params[] = {0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x3F800000u,
                                      0xBF800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F800000u, 0xFF800000u,
                                      0x7F800001u, 0x7FC00000u, 0xFFC00000u, 0x00800000u};
    const size_t n = sizeof params / sizeof params[0];
    uint32_t act;
    size_t i, j, k;
    (void)state;
    for (act = 0; act < (uint32_t)ANNE_ACT_COUNT + 3u; act++) {
        for (i = 0; i < n; i++) {
            for (j = 0; j < n; j++) {
                for (k = 0; k < n; k++) {
                    float p[3];
                    int want, got;
                    p[0] = from_bits(params[i]);
                    p[1] = from_bits(params[j]);
                    p[2] = from_bits(params[k]);
                    want = anne_activation_check((anne_activation)act, p) == ANNE_OK;
                    got = anne__activation_ok_bits(act, params[i], params[j], params[k]);
                    if (got != want) {
                        fail_msg("activation %u, params 0x%08x 0x%08x 0x%08x: bits say %d, anne_activation_check %d",
                                 act, params[i], params[j], params[k], got, want);
                    }
                }
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scaling_bits_edges),
        cmocka_unit_test(test_scaling_bits_overflow_edge),
        cmocka_unit_test(test_scaling_bits_random),
        cmocka_unit_test(test_activation_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
