/* TFLite's int8 LOGISTIC and TANH tables (anne_quantize_fixedpoint.h): gemmlowp's fixed-point
 * functions on int32 raw values, step by step as fixedpoint.h composes them. A value of integer bits k
 * is raw / 2^(31 - k); the product of two is their SaturatingRoundingDoublingHighMul, whose integer
 * bits add up. */
#include "anne_quantize_fixedpoint.h"

#include <math.h>
#include <stdint.h>

/* round(a b / 2^31), ties toward +inf, -2^31 * -2^31 saturated (SaturatingRoundingDoublingHighMul) */
static int32_t anne__srdhm(int32_t a, int32_t b) {
    int64_t ab = (int64_t)a * b;
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    return (int32_t)((ab + (ab >= 0 ? (int64_t)1 << 30 : 1 - ((int64_t)1 << 30))) / ((int64_t)1 << 31));
}

/* x / 2^e rounded to nearest, ties away from zero (RoundingDivideByPOT), 0 <= e <= 31 */
static int32_t anne__rdbpot(int32_t x, int e) {
    int64_t mask = ((int64_t)1 << e) - 1, rem = (int64_t)x & mask, threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (int32_t)(((int64_t)x >> e) + (rem > threshold ? 1 : 0));
}

/* x 2^e: saturating for e > 0, rounding for e < 0 (SaturatingRoundingMultiplyByPOT) */
static int32_t anne__mul_pot(int32_t x, int e) {
    int32_t threshold;
    if (e <= 0) return e == 0 ? x : anne__rdbpot(x, -e);
    threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return (int32_t)((int64_t)x * ((int64_t)1 << e));
}

/* a + b and a - b as int32 (gemmlowp's plain Add and Sub; no sum here leaves int32) */
static int32_t anne__add(int32_t a, int32_t b) {
    return (int32_t)((int64_t)a + b);
}

/* exp(a) for a in [-1/4, 0), 0 integer bits in and out: a Taylor polynomial around -1/8 */
static int32_t anne__exp_quarter(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668, one_third = 715827883;
    int32_t x = anne__add(a, (int32_t)1 << 28), x2 = anne__srdhm(x, x), x3 = anne__srdhm(x2, x);
    int32_t x4 = anne__srdhm(x2, x2), x4_over_4 = anne__mul_pot(x4, -2);
    int32_t poly = anne__mul_pot(anne__add(anne__srdhm(anne__add(x4_over_4, x3), one_third), x2), -1);
    return anne__add(exp_minus_one_eighth, anne__srdhm(exp_minus_one_eighth, anne__add(x, poly)));
}

/* exp(a) for a <= 0 of `bits` integer bits (4 or 5 here), 0 integer bits out: the part in [-1/4, 0)
 * by the polynomial, each higher bit of -a by a constant exp(-2^k) */
static int32_t anne__exp_negative(int32_t a, int bits) {
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    int frac = 31 - bits, k;
    int32_t quarter = (int32_t)1 << (frac - 2), mod = anne__add(a & (quarter - 1), -quarter);
    int32_t result = anne__exp_quarter(anne__mul_pot(mod, bits)), remainder = anne__add(mod, -a);
    for (k = -2; k <= 4; k++) { /* exponents -2 ... 4, those below the integer bits */
        if (bits > k && (remainder & ((int32_t)1 << (frac + k))) != 0) result = anne__srdhm(result, barrel[k + 2]);
    }
    return a == 0 ? INT32_MAX : result;
}

/* x ~ 1 / (2 half_denominator) by three Newton-Raphson steps from 48/17 - 32/17 d, 2 integer bits */
static int32_t anne__newton(int32_t half_denominator) {
    int32_t x = anne__add(1515870810, anne__srdhm(half_denominator, -1010580540)), i;
    for (i = 0; i < 3; i++) {
        int32_t one_minus = anne__add((int32_t)1 << 29, -anne__srdhm(half_denominator, x));
        x = anne__add(x, anne__mul_pot(anne__srdhm(x, one_minus), 2));
    }
    return x;
}

/* The half sum (a + b) / 2 rounded half away from zero (RoundingHalfSum) */
static int32_t anne__half_sum(int32_t a, int32_t b) {
    int64_t sum = (int64_t)a + b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* gemmlowp::logistic of a (4 integer bits), 0 integer bits out */
static int32_t anne__logistic(int32_t a) {
    int32_t abs_a = a > 0 ? a : -a, positive;
    if (a == 0) return (int32_t)1 << 30;
    /* 1 / (1 + exp(-|a|)): Newton's x has 2 integer bits; x / 2 rescaled to 0 */
    positive = anne__mul_pot(anne__newton(anne__half_sum(anne__exp_negative(-abs_a, 4), INT32_MAX)), 1);
    return a > 0 ? positive : anne__add(INT32_MAX, -positive);
}

/* gemmlowp::tanh of a (4 integer bits), 0 integer bits out: (1 - e) / (1 + e) with e = exp(-2|a|) */
static int32_t anne__tanh(int32_t a) {
    int32_t n = a < 0 ? a : -a, e, t;
    if (a == 0) return 0;
    e = anne__exp_negative(n, 5); /* 2n: the same raw value read with 5 integer bits */
    t = anne__mul_pot(anne__add(anne__newton(anne__half_sum(e, INT32_MAX)), -((int32_t)1 << 29)), 2);
    return a < 0 ? -t : t;
}

/* The table of logistic (is_tanh = 0) or tanh: TFLite Micro's Prepare, then the kernel at each input. */
static int anne__table(float in_scale, int32_t in_zp, int8_t lut[256], int is_tanh) {
    int shift, q;
    double frac;
    int32_t multiplier, radius;
    if (!(in_scale > 0.0f) || !(in_scale < 16.0f)) return -1;
    frac = frexp((double)in_scale * (double)(1 << 27), &shift); /* 4 integer bits of 31 */
    multiplier = (int32_t)floor(frac * 2147483648.0 + 0.5);      /* TfLiteRound of a positive value */
    radius = (int32_t)floor(15.0 * (double)(1 << 27) / ldexp(1.0, shift));
    for (q = -128; q <= 127; q++) {
        int32_t x = q - in_zp, out;
        if (x <= -radius) out = -128;
        else if (x >= radius) out = 127;
        else {
            /* |x 2^shift| < 15 2^27 inside the radius */
            int32_t v = anne__srdhm((int32_t)((int64_t)x * ((int64_t)1 << (shift > 0 ? shift : 0))), multiplier);
            if (shift < 0) v = anne__rdbpot(v, -shift);
            out = is_tanh ? anne__rdbpot(anne__tanh(v), 24) : anne__rdbpot(anne__logistic(v), 23) - 128;
            out = out < -128 ? -128 : (out > 127 ? 127 : out);
        }
        lut[q + 128] = (int8_t)out;
    }
    return 0;
}

int anne_s8_logistic_table(float in_scale, int32_t in_zp, int8_t lut[256]) {
    return anne__table(in_scale, in_zp, lut, 0);
}

int anne_s8_tanh_table(float in_scale, int32_t in_zp, int8_t lut[256]) {
    return anne__table(in_scale, in_zp, lut, 1);
}
