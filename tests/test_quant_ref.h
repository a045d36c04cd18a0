/* Independent transcription of TFLite's int8 requantization for the tests, written from the
 * formulas' meaning rather than from the runtime's code: everything in int64 with explicit floor
 * divisions, no bit tricks. TFLite (common.h, default rounding):
 *   MultiplyByQuantizedMultiplier(x, M, s) =
 *     RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(s,0), M), max(-s,0))
 *   SRDHM(a, b) = round(a * b / 2^31) with ties toward +inf, saturated (only a = b = INT32_MIN overflows)
 *   RDBPOT(x, e) = round(x / 2^e) with ties away from zero. */
#ifndef TEST_QUANT_REF_H
#define TEST_QUANT_REF_H

#include <stdint.h>

/* floor(a / b) for b > 0 (C's / truncates toward zero). */
static inline int64_t ref_floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && (a < 0)) q--;
    return q;
}

static inline int32_t ref_srdhm(int32_t a, int32_t b) {
    int64_t r = ref_floor_div((int64_t)a * (int64_t)b + ((int64_t)1 << 30), (int64_t)1 << 31);
    return r > INT32_MAX ? INT32_MAX : (int32_t)r;
}

/* SRDHM as TFLite's common.h literally writes it: a nudge of 2^30 or 1 - 2^30 by the sign of the
 * product, then a division by 2^31 that truncates toward zero. */
static inline int32_t ref_srdhm_tflite(int32_t a, int32_t b) {
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

static inline int32_t ref_rdbpot(int32_t x, int e) {
    int64_t d = (int64_t)1 << e, half = d / 2, m;
    if (e == 0) return x;
    m = x >= 0 ? x : -(int64_t)x;
    m = (m + half) / d; /* ties away from zero on the magnitude */
    return (int32_t)(x >= 0 ? m : -m);
}

/* With x * 2^s saturated to int32 where TFLite's int32 product would overflow (ANNE's definition). */
static inline int32_t ref_requantize(int32_t x, int32_t m, int32_t s) {
    int64_t v = (int64_t)x * ((int64_t)1 << (s > 0 ? s : 0));
    if (v > INT32_MAX) v = INT32_MAX;
    if (v < INT32_MIN) v = INT32_MIN;
    return ref_rdbpot(ref_srdhm((int32_t)v, m), s > 0 ? 0 : -s);
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static inline uint64_t ref_rand(uint64_t *state) {
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

#endif /* TEST_QUANT_REF_H */
