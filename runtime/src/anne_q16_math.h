/* Private: Q16.16 helpers shared by the fixed-point kernels. Integer-only and free of undefined or
 * implementation-defined behaviour: no shifts of negative numbers, no signed overflow (the same bits
 * on every compiler and core). */
#ifndef ANNE_Q16_MATH_H
#define ANNE_Q16_MATH_H

#include <stdint.h>

/* floor((v + 2^(s-1)) / 2^s), s in 1..62: v / 2^s rounded to nearest, ties toward +inf. Works on
 * v + 2^63 as unsigned so that no negative number is shifted. */
static inline int64_t anne__round_shift64(int64_t v, unsigned s) {
    uint64_t u = (uint64_t)v + ((uint64_t)1 << 63) + ((uint64_t)1 << (s - 1u));
    return (int64_t)(u >> s) - ((int64_t)1 << (63u - s));
}

/* floor(v / 2^s), s in 0..62, without shifting a negative number: for v < 0, ~v = -v - 1 >= 0 and
 * floor(v / 2^s) = ~(~v >> s). */
static inline int64_t anne__floor_shift64(int64_t v, unsigned s) {
    return v >= 0 ? (int64_t)((uint64_t)v >> s) : ~(int64_t)((uint64_t)~v >> s);
}

static inline int32_t anne__sat32(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

/* |x| as uint32 (INT32_MIN gives 2^31). */
static inline uint32_t anne__abs32(int32_t x) {
    return x >= 0 ? (uint32_t)x : (uint32_t)0 - (uint32_t)x;
}

/* Q16.16 product, rounded to nearest (ties toward +inf), saturated. */
static inline int32_t anne__q16_mul(int32_t a, int32_t b) {
    return anne__sat32(anne__round_shift64((int64_t)a * b, 16u));
}

#endif /* ANNE_Q16_MATH_H */
