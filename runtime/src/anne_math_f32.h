/* Private: float32 helpers of the runtime's own: expf (anne_math_f32.c), and sign tests, negation
 * and comparisons done on the IEEE-754 bits, which a soft-float core (Cortex-M0+) runs as a few
 * integer instructions instead of libgcc calls. Each gives exactly what the C operator gives. */
#ifndef ANNE_MATH_F32_H
#define ANNE_MATH_F32_H

#include <stdint.h>
#include <string.h>

static inline uint32_t anne__f32_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float anne__f32_from_bits(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* -x. IEEE-754 defines a - b as a + (-b), so a + anne__f32_neg(b) is a - b to the bit; written so,
 * a soft-float build needs no __aeabi_fsub (800 bytes of libgcc on ARMv6-M) besides __aeabi_fadd.
 * (A plain `a + -b` would be folded back into a - b by the compiler.) */
static inline float anne__f32_neg(float x) {
    return anne__f32_from_bits(anne__f32_bits(x) ^ 0x80000000u);
}

/* x > 0.0f: positive, not zero, not NaN (bits 1 .. 0x7F800000, +inf included). */
static inline int anne__f32_gt0(float x) {
    return anne__f32_bits(x) - 1u < 0x7F800000u;
}

/* The sign bit: set for -0, negative numbers, -inf and NaNs with the sign set. */
static inline int anne__f32_signbit(float x) {
    return (anne__f32_bits(x) >> 31) != 0u;
}

/* a < b as C compares floats: false when either is NaN, -0 == +0. */
int anne__f32_lt(float a, float b);

/* e^x, as C99's expf but without errno: NaN gives NaN, +inf and x > ln(FLT_MAX) +inf, -inf and
 * x <= -103.972084 (e^x below half the smallest subnormal) +0; within 0.73 ulp of e^x over all
 * floats, 0.79 ulp of 2^-149 for subnormal results (tests/test_math_f32.c). The same code on every
 * target, so host and boards get the same bits; float + and * only (no division, no int/float
 * conversion, no subtraction). */
float anne__expf(float x);

#endif /* ANNE_MATH_F32_H */
