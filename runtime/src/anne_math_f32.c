/* The runtime's own float32 expf and comparison (anne_math_f32.h): small on a soft-float core, where
 * newlib's expf costs about 900 bytes with the int/float conversions it links, and the same bits on
 * every target. */
#include "anne_math_f32.h"

/* A non-NaN float's bits as an int32 that orders as the float does (-0 and +0 both 0). */
static int32_t anne__f32_key(uint32_t u) {
    int32_t m = (int32_t)(u & 0x7FFFFFFFu);
    return (u >> 31) != 0u ? -m : m;
}

int anne__f32_lt(float a, float b) {
    uint32_t ua = anne__f32_bits(a), ub = anne__f32_bits(b);
    if ((ua & 0x7FFFFFFFu) > 0x7F800000u || (ub & 0x7FFFFFFFu) > 0x7F800000u) return 0; /* unordered */
    return anne__f32_key(ua) < anne__f32_key(ub);
}

/* x = k ln2 + r, |r| <= ln2/2 (a little more where x / ln2 rounds twice), e^x = 2^k e^r.
 * e^r = 1 + r + r^2 P(r), P of degree 4 fitted by Remez to the relative error of e^r on
 * [-0.34659, 0.34659] (3.1e-9 before rounding the coefficients to float). The sum is formed so that
 * it is rounded about once: r = r1 + r2 with r1 exact, 1 + r1 split into its float s and the exact
 * rest 1 - s + r1 (Fast2Sum: |1| >= |r1|), and the small terms added to that rest before the last
 * addition. Every subtraction is an addition of anne__f32_neg(variable): a subtraction of a constant,
 * even written as the addition of a negative one, would make the compiler call __aeabi_fsub. */
float anne__expf(float x) {
    uint32_t u = anne__f32_bits(x), kb;
    float kf, r1, r2, r, p, s;
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return anne__f32_from_bits(u | 0x00400000u); /* NaN, quieted */
    if (u >= 0xC2CFF1B5u) return 0.0f; /* x <= -103.972084: e^x < 2^-150, half the smallest subnormal; -inf */
    if (u >= 0x42B17218u && u < 0x80000000u) return anne__f32_from_bits(0x7F800000u); /* > ln(FLT_MAX) */
    /* k = round(x / ln2) without int/float conversions: adding 1.5 * 2^23 leaves k + 2^22 in the
     * low mantissa bits (|k| <= 150), and subtracting the sum from 1.5 * 2^23 gives -k as a float. */
    kf = x * 1.44269502f + 12582912.0f;
    kb = anne__f32_bits(kf) - 0x4B400000u; /* k modulo 2^32 */
    kf = 12582912.0f + anne__f32_neg(kf);  /* -k */
    /* ln2 in two parts: 0.693359375 has 9 significant bits, so k times it is exact, and so is the
     * difference to x; the rest of ln2 is -2.1219444e-4, whose product is small and rounds far below
     * an ulp of the result */
    r1 = x + kf * 0.693359375f;
    r2 = kf * -2.12194440e-4f;
    r = r1 + r2;
    p = 1.38146046e-3f;
    p = p * r + 8.36871378e-3f;
    p = p * r + 4.16683890e-2f;
    p = p * r + 1.66665211e-1f;
    p = p * r + 4.99999940e-1f;
    s = 1.0f + r1;
    /* s + (1 - s + r1) + r2 + r^2 P, 1 - s exact (s in [0.5, 2]); the result is in [0.707, 1.415]:
     * biased exponent 126 or 127 */
    p = s + ((r1 + (1.0f + anne__f32_neg(s))) + (r2 + r * r * p));
    /* times 2^k by adding k to the exponent field; k in [-150, 128]. Below -125 the result is
     * subnormal (or 0): add k + 100, then one multiplication by 2^-100 rounds it as IEEE-754 says. */
    if (kb + 125u <= 253u) return anne__f32_from_bits(anne__f32_bits(p) + (kb << 23));
    return anne__f32_from_bits(anne__f32_bits(p) + ((kb + 100u) << 23)) * 7.88860905e-31f; /* 2^-100 */
}
