/* Private: Q16.16 helpers shared by the fixed-point kernels. Integer-only and free of undefined or
 * implementation-defined behaviour: no shifts of negative numbers, no signed overflow (the same bits
 * on every compiler and core). */
#ifndef ANNE_Q16_MATH_H
#define ANNE_Q16_MATH_H

#include <stdint.h>

#include "anne_inline.h"

/* floor((v + 2^(s-1)) / 2^s), s in 1..62: v / 2^s rounded to nearest, ties toward +inf. Works on
 * v + 2^63 as unsigned so that no negative number is shifted. */
static inline int64_t anne__round_shift64(int64_t v, unsigned s) {
    uint64_t u = (uint64_t)v + ((uint64_t)1 << 63) + ((uint64_t)1 << (s - 1u));
    return (int64_t)(u >> s) - ((int64_t)1 << (63u - s));
}

/* v / 2^s rounded to nearest, ties toward +inf, for |v| < 2^30 and s in 1..30: as anne__round_shift64
 * but in one word (2^30 is a multiple of 2^s, so adding it before the shift and taking 2^(30-s) off
 * after gives the same floor). ARMv6-M forms a 32-bit product in one MULS, a 64-bit one in a call. */
static inline int32_t anne__round_shift32(int32_t v, unsigned s) {
    uint32_t u = (uint32_t)v + ((uint32_t)1 << 30) + ((uint32_t)1 << (s - 1u));
    return (int32_t)(u >> s) - ((int32_t)1 << (30u - s));
}

/* a b exactly. ARMv6-M has no 32x32->64 multiply: for (uint64_t)a * b GCC calls __aeabi_lmul (a
 * 64x64 product, with a frame of its own); here it is four 16-bit MULS whose products fit 32 bits,
 * the two middle ones added into the halves with their carries (mid < 3 * 2^16). */
static inline uint64_t anne__umul32(uint32_t a, uint32_t b) {
#if defined(__ARM_ARCH_6M__) || defined(ANNE_Q16_HALVES)
    uint32_t al = a & 0xFFFFu, ah = a >> 16, bl = b & 0xFFFFu, bh = b >> 16;
    uint32_t ll = al * bl, lh = al * bh, hl = ah * bl;
    uint32_t mid = (ll >> 16) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
    return (uint64_t)(ah * bh + (lh >> 16) + (hl >> 16) + (mid >> 16)) << 32 | ((mid << 16) | (ll & 0xFFFFu));
#else
    return (uint64_t)a * b;
#endif
}

static inline int32_t anne__sat32(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

/* a - b saturated, in words: it overflows only when a and b differ in sign and the wrapped difference
 * d has b's sign. */
static inline int32_t anne__sub_sat32(int32_t a, int32_t b) {
    uint32_t d = (uint32_t)a - (uint32_t)b;
    if ((((uint32_t)a ^ (uint32_t)b) & ((uint32_t)a ^ d)) >> 31 != 0) return a < 0 ? INT32_MIN : INT32_MAX;
    return d <= (uint32_t)INT32_MAX ? (int32_t)d : -(int32_t)~d - 1;
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
