/* Private: TFLite's requantization (MultiplyByQuantizedMultiplier with its default double rounding, as
 * CMSIS-NN's arm_nn_requantize) for the kernels that inline it per output (anne_dense_s8.c,
 * anne_conv2d_s8_fast.c): written without shifts of negative numbers or signed overflow, so every C99
 * compiler and core gives the same bits. */
#ifndef ANNE_REQUANT_H
#define ANNE_REQUANT_H

#include <stdint.h>

#include "anne_inline.h"

/* The requantization is the per-output work of every int8 layer: inlined into the places that run it
 * per output (the dense kernel's anne__s8_finish, the convolutions' output step), so an output costs
 * no call for it. */
#if defined(__GNUC__)
/* v as the compiler cannot know it: keeps -Os from copying the product's code for each constant a
 * branch leaves in v (the requantization's saturated cases), which only costs flash */
#define ANNE__OPAQUE(v) __asm__("" : "+r"(v))
#else
#define ANNE__OPAQUE(v) ((void)0)
#endif

/* The int32 with the bits of u (two's complement, no implementation-defined conversion). */
ANNE__ALWAYS_INLINE int32_t anne__u2i(uint32_t u) {
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* TFLite's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties toward +inf, the one
 * overflowing case (INT32_MIN * INT32_MIN) saturated. TFLite writes it with a sign-dependent nudge
 * and a truncating division; that equals floor((a b + 2^30) / 2^31), whose low 32 bits are taken
 * here (the result fits int32 except in the saturated case). */
#if defined(__ARM_ARCH_6M__) || defined(ANNE_REQUANT_HALVES)
/* ARMv6-M has no 32x32->64 multiply (GCC would call __aeabi_lmul and shift 64-bit values): the
 * product from 16-bit halves, a = ah 2^16 + al (al unsigned), in a 64-bit (hi, lo) pair of words with
 * explicit carries; four MULS. Every partial product fits 32 bits: |ah bl| < 2^31, al bl < 2^32. */
/* floor(x / 2^16): the high halfword as a signed int16 (two's complement, as every C99 compiler
 * targeting these cores converts; on ARMv6-M an LSRS and an SXTH). */
ANNE__ALWAYS_INLINE int32_t anne__hi16(int32_t x) {
    return (int32_t)(int16_t)(uint16_t)((uint32_t)x >> 16);
}

ANNE__ALWAYS_INLINE int32_t anne__srdhm(int32_t a, int32_t b) {
    uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu, lo, hi, t;
    int32_t ah = anne__hi16(a), bh = anne__hi16(b), m;
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    lo = al * bl;
    hi = (uint32_t)(ah * bh);
    m = ah * (int32_t)bl;
    t = (uint32_t)m << 16;
    lo += t;
    hi += (uint32_t)anne__hi16(m) + (lo < t ? 1u : 0u);
    m = (int32_t)al * bh;
    t = (uint32_t)m << 16;
    lo += t;
    hi += (uint32_t)anne__hi16(m) + (lo < t ? 1u : 0u);
    lo += (uint32_t)1 << 30;
    hi += lo < ((uint32_t)1 << 30) ? 1u : 0u;
    return anne__u2i((hi << 1) | (lo >> 31));
}
#else
/* One SMULL where the core has it (Cortex-M3/M4/M33, x86-64); the shift of the unsigned 64-bit value
 * keeps the low 32 bits of the floor division. */
ANNE__ALWAYS_INLINE int32_t anne__srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    return anne__u2i((uint32_t)(((uint64_t)((int64_t)a * b) + ((uint64_t)1 << 30)) >> 31));
}
#endif

/* TFLite's RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero; e in 0..31. The
 * arithmetic shift of a negative x is written ~(~x >> e), which only shifts non-negative numbers. */
ANNE__ALWAYS_INLINE int32_t anne__rdbpot(int32_t x, int32_t e) {
    uint32_t mask;
    int32_t rem, threshold;
    if (e <= 0) return x;
    mask = ((uint32_t)1 << e) - 1u;
    rem = (int32_t)((uint32_t)x & mask);
    threshold = (int32_t)(mask >> 1) + (x < 0 ? 1 : 0);
    return (x >= 0 ? (int32_t)((uint32_t)x >> e) : ~(int32_t)((uint32_t)~x >> e)) + (rem > threshold ? 1 : 0);
}

ANNE__ALWAYS_INLINE int32_t anne__requantize(int32_t x, int32_t multiplier, int32_t shift) {
    if (shift > 0) {
        /* x 2^shift saturated to int32 (TFLite: undefined on overflow), in 32 bits; shift <= 31 */
        int32_t limit = INT32_MAX >> shift;
        x = x > limit ? INT32_MAX : x < ~limit ? INT32_MIN : anne__u2i((uint32_t)x << shift);
    }
    /* one copy of the product (rdbpot with exponent 0 is the identity) */
    ANNE__OPAQUE(x);
    x = anne__srdhm(x, multiplier);
    return shift < 0 ? anne__rdbpot(x, -shift) : x;
}

#endif /* ANNE_REQUANT_H */
