/* int8 kernels, TFLite's scheme: requantization (MultiplyByQuantizedMultiplier with TFLite's default
 * double rounding, as CMSIS-NN's arm_nn_requantize), the dense layer with int32 accumulation, and
 * the lookup-table and softmax activations. Written without shifts of negative numbers or signed
 * overflow, so every C99 compiler and core gives the same bits. */
#include "anne_dense_layer.h"
#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

/* The requantization is the per-unit work of every int8 layer: inlined into the one place that runs
 * it per unit (anne__s8_finish), so a unit costs no calls but the kernel's one to finish. */
#if defined(__GNUC__)
#define ANNE__ALWAYS_INLINE static inline __attribute__((always_inline))
#define ANNE__NOINLINE __attribute__((noinline))
#else
#define ANNE__ALWAYS_INLINE static inline
#define ANNE__NOINLINE
#endif

/* The int32 with the bits of u (two's complement, no implementation-defined conversion). */
static int32_t anne__u2i(uint32_t u) {
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
        /* x 2^shift saturated to int32 (TFLite: undefined on overflow), in 32 bits */
        int32_t limit = shift < 31 ? (int32_t)(INT32_MAX >> shift) : 0;
        if (x > limit) x = INT32_MAX;
        else if (x < -limit - 1) x = INT32_MIN;
        else x = shift < 32 ? anne__u2i((uint32_t)x << shift) : (x < 0 ? INT32_MIN : 0); /* x: -1 or 0 */
    }
    /* one copy of the product (rdbpot with exponent 0 is the identity) */
    x = anne__srdhm(x, multiplier);
    return shift < 0 ? anne__rdbpot(x, -shift) : x;
}

int32_t anne_requantize(int32_t x, int32_t multiplier, int32_t shift) {
    return anne__requantize(x, multiplier, shift);
}

/* The end of a unit: requantize the int32 sum, add the output zero point, clamp. */
static int8_t anne__s8_finish(int32_t acc, uint32_t j, const anne_s8_dense_params *p) {
    acc = anne__requantize(acc, p->multiplier[j], p->shift[j]);
    /* clamp before adding the zero point, so that the sum cannot overflow; same result */
    acc = acc > 256 ? 256 : (acc < -256 ? -256 : acc);
    acc += p->out_zp;
    acc = acc > p->act_max ? p->act_max : (acc < p->act_min ? p->act_min : acc);
    return (int8_t)acc;
}

/* A unit's starting sum: bias - zp * sum of its weights, so that the loops add plain w * x (TFLite and
 * CMSIS-NN fold this into the bias; loaded models carry it, anne_layer_forward_s8 passes it with zp 0).
 * Exact in int32: |zp * sum w| <= 128 * 127 * n_in, and the bias bound of anne_dense_forward_s8. */
static int32_t anne__s8_zp_start(const int32_t *bias, uint32_t j, const int8_t *w, uint32_t n_in, int32_t zp) {
    int32_t acc = bias != NULL ? bias[j] : 0, sum = 0;
    uint32_t i;
    for (i = 0; i < n_in; i++) sum += w[i];
    return acc - zp * sum;
}
/* (a macro: -Os would call a function for the common case, zero point 0, four times per pass) */
#define anne__s8_start(bias, j, w, n_in, zp)                                                                   \
    ((zp) != 0 ? anne__s8_zp_start(bias, j, w, n_in, zp) : (bias) != NULL ? (bias)[j] : 0)

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#include <string.h>

/* Four int8 values from any address (the Cortex-M33 loads unaligned words). */
static int32_t anne__ld4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Bytes 1 and 3 of v into the positions of bytes 0 and 2 (SXTB16's rotated operand). */
static int32_t anne__ror8(int32_t v) {
    return (int32_t)(((uint32_t)v >> 8) | ((uint32_t)v << 24));
}

#if defined(__GNUC__) && defined(__OPTIMIZE__) && defined(__thumb2__)
/* The four-unit inner loop by hand (Thumb-2 with DSP): GCC's allocation of the C loop below spills the
 * sums to the stack. Eight inputs per pass; the sums stay in r4-r7; rows 0/1 are addressed from one
 * pointer and the row stride, rows 2/3 from a second. With no zero point in the loop (anne__s8_start)
 * r0, r8-r11 are free, so the input word and two weight words load back to back (pipelined) and the
 * other two weights as a pair: per four inputs two SXTB16 (the inputs, shared by the four units), per
 * unit two SXTB16 + two SMLAD. 53 cycles per 32 MACs by the cycle model (docs/mcu.md).
 * acc[0..3] += sum over i < x_end - x of w_u[i] * x[i], rows w_u = w0 + u * stride, x_end - x a
 * positive multiple of 8. Integer adds wrap like the C sums (which never overflow: loader bound), so
 * the bits are the same. */
void anne__s8_quad_dsp(int32_t acc[4], const int8_t *x, const int8_t *w0, uint32_t stride, const int8_t *x_end);
/* unit sum a += w . x with the weight word in register w (clobbered) and r9 as scratch */
#define ANNE__S8_UNIT(w, a)                                                                                    \
    "sxtb16 r9, " w "\n\tsmlad " a ", r9, r8, " a "\n\t"                                                       \
    "sxtb16 " w ", " w ", ror #8\n\tsmlad " a ", " w ", r11, " a "\n\t"
#define ANNE__S8_QUAD                                                                                          \
    "ldr r8, [r1], #4\n\tldr r10, [r2, r3]\n\tldr r0, [r2], #4\n\t"                                           \
    "sxtb16 r11, r8, ror #8\n\tsxtb16 r8, r8\n\t" ANNE__S8_UNIT("r10", "r5") ANNE__S8_UNIT("r0", "r4")          \
    "ldr r10, [r12, r3]\n\tldr r0, [r12], #4\n\t" ANNE__S8_UNIT("r10", "r7") ANNE__S8_UNIT("r0", "r6")
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.anne__s8_quad_dsp,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global anne__s8_quad_dsp\n\t"
        ".hidden anne__s8_quad_dsp\n\t"
        ".type anne__s8_quad_dsp, %function\n\t"
        ".thumb_func\n"
        "anne__s8_quad_dsp:\n\t"
        "push {r0, r4-r11, lr}\n\t"
        "ldr lr, [sp, #40]\n\t"
        "ldm r0, {r4-r7}\n\t"
        "add r12, r2, r3, lsl #1\n"
        "1:\n\t" ANNE__S8_QUAD ANNE__S8_QUAD
        "cmp r1, lr\n\t"
        "bne 1b\n\t"
        "pop {r0}\n\t"
        "stm r0, {r4-r7}\n\t"
        "pop {r4-r11, pc}\n\t"
        ".size anne__s8_quad_dsp, . - anne__s8_quad_dsp\n\t"
        ".text\n");
#define ANNE__S8_QUAD_ASM 1
#else
#define ANNE__S8_QUAD_ASM 0
#endif

/* DSP extension (Cortex-M33, M4, M7): SXTB16 widens two int8 to two int16 in one instruction and
 * SMLAD multiplies and adds two int16 pairs into the int32 sum, so four inputs cost two SMLADs.
 * Four units per pass share the inputs, which are widened once: units 0 .. n_quad - 1 (a multiple of
 * four). The zero point is in the starting sums (anne__s8_start). Integer sums: the same result as
 * the plain loop, exactly. A function of its own (not inlined), so that the many values it keeps in
 * registers are not saved and restored by every layer, small ones too. */
static ANNE__NOINLINE void anne__s8_quads(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                          uint32_t n_in, uint32_t n_quad, const anne_s8_dense_params *p) {
    uint32_t j, i, n4 = n_in & ~3u;
    int32_t zp = p->in_zp;
    for (j = 0; j < n_quad; j += 4u) {
        const int8_t *w0 = kernel + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        int32_t a0 = anne__s8_start(bias, j, w0, n_in, zp), a1 = anne__s8_start(bias, j + 1u, w1, n_in, zp);
        int32_t a2 = anne__s8_start(bias, j + 2u, w2, n_in, zp), a3 = anne__s8_start(bias, j + 3u, w3, n_in, zp);
        i = 0;
#if ANNE__S8_QUAD_ASM
        if (n_in >= 8u) {
            int32_t acc[4];
            acc[0] = a0;
            acc[1] = a1;
            acc[2] = a2;
            acc[3] = a3;
            i = n_in & ~7u;
            anne__s8_quad_dsp(acc, in, w0, n_in, in + i);
            a0 = acc[0];
            a1 = acc[1];
            a2 = acc[2];
            a3 = acc[3];
        }
#endif
        for (; i < n4; i += 4u) {
            int32_t x = anne__ld4(in + i), w;
            int16x2_t x02 = __sxtb16(x), x13 = __sxtb16(anne__ror8(x));
            w = anne__ld4(w0 + i);
            a0 = __smlad(__sxtb16(w), x02, a0);
            a0 = __smlad(__sxtb16(anne__ror8(w)), x13, a0);
            w = anne__ld4(w1 + i);
            a1 = __smlad(__sxtb16(w), x02, a1);
            a1 = __smlad(__sxtb16(anne__ror8(w)), x13, a1);
            w = anne__ld4(w2 + i);
            a2 = __smlad(__sxtb16(w), x02, a2);
            a2 = __smlad(__sxtb16(anne__ror8(w)), x13, a2);
            w = anne__ld4(w3 + i);
            a3 = __smlad(__sxtb16(w), x02, a3);
            a3 = __smlad(__sxtb16(anne__ror8(w)), x13, a3);
        }
        for (; i < n_in; i++) {
            int32_t x = in[i];
            a0 += (int32_t)w0[i] * x;
            a1 += (int32_t)w1[i] * x;
            a2 += (int32_t)w2[i] * x;
            a3 += (int32_t)w3[i] * x;
        }
        out[j] = anne__s8_finish(a0, j, p);
        out[j + 1u] = anne__s8_finish(a1, j + 1u, p);
        out[j + 2u] = anne__s8_finish(a2, j + 2u, p);
        out[j + 3u] = anne__s8_finish(a3, j + 3u, p);
    }
}

/* The four-unit passes, then the one to three units left one at a time (every unit of a layer of
 * fewer than four). */
ANNE__ALWAYS_INLINE void anne__s8_units(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                        uint32_t n_in, uint32_t n_out, const anne_s8_dense_params *p) {
    uint32_t j = n_out & ~3u, i, n4 = n_in & ~3u;
    const int8_t *w0 = kernel + j * n_in; /* (n_in): unit j's weights */
    if (j != 0) anne__s8_quads(out, in, kernel, bias, n_in, j, p);
    for (; j < n_out; j++, w0 += n_in) {
        int32_t a0 = anne__s8_start(bias, j, w0, n_in, p->in_zp);
        for (i = 0; i < n4; i += 4u) {
            int32_t x = anne__ld4(in + i), w = anne__ld4(w0 + i);
            a0 = __smlad(__sxtb16(w), __sxtb16(x), a0);
            a0 = __smlad(__sxtb16(anne__ror8(w)), __sxtb16(anne__ror8(x)), a0);
        }
        for (; i < n_in; i++) a0 += (int32_t)w0[i] * in[i];
        out[j] = anne__s8_finish(a0, j, p);
    }
}
#else
/* Byte k of the word v as a signed int8 (two's complement, as every C99 compiler targeting these cores
 * converts; on ARMv6-M a shift and SXTB). */
#define ANNE__B(v, k) ((int32_t)(int8_t)(uint8_t)((v) >> (8u * (k))))

/* acc[0] += sum w0[k] * x[k], acc[1] likewise with w1, over 4 * n_words int8 packed four to a word
 * (n_words >= 1). */
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__) && defined(__OPTIMIZE__)
/* ARMv6-M by hand: the sums live in high registers (ADD and CMP reach them), which leaves the eight
 * low registers to the three pointers, the three words and two temporaries; GCC's own allocation of
 * the C loop spills the input word. 46 cycles per 8 MACs on a Cortex-M0+ (three LDMs of one word,
 * 2 cycles per input byte shared by both units, 4 per MAC, 3 of loop; the zero point is in the
 * starting sums, anne__s8_start); integer adds wrap exactly as the C sums (which never overflow), so
 * the bits are the same. */
#define ANNE__S8_BYTE                                                                                  \
    "sxtb %[t], %[x]\n\tlsrs %[x], %[x], #8\n\t"                                                         \
    "sxtb %[w], %[u]\n\tlsrs %[u], %[u], #8\n\tmuls %[w], %[t], %[w]\n\tadd %[a0], %[w]\n\t"             \
    "sxtb %[w], %[v]\n\tlsrs %[v], %[v], #8\n\tmuls %[w], %[t], %[w]\n\tadd %[a1], %[w]\n\t"
static void anne__s8_pair(int32_t acc[2], const uint32_t *px, const uint32_t *pu, const uint32_t *pv,
                          uint32_t n_words) {
    register int32_t a0 __asm__("r8") = acc[0];
    register int32_t a1 __asm__("r9") = acc[1];
    register const uint32_t *pend __asm__("r10") = px + n_words;
    uint32_t x, u, v;
    int32_t t, w;
    /* GCC hands Thumb-1 inline assembly over in divided syntax: unified inside, divided again after */
    __asm__ volatile(".syntax unified\n"
                     "1:\n\t"
                     "ldmia %[px]!, {%[x]}\n\t"
                     "ldmia %[pu]!, {%[u]}\n\t"
                     "ldmia %[pv]!, {%[v]}\n\t" ANNE__S8_BYTE ANNE__S8_BYTE ANNE__S8_BYTE
                     /* byte 3, now at the bottom of each word */
                     "sxtb %[t], %[x]\n\t"
                     "sxtb %[w], %[u]\n\tmuls %[w], %[t], %[w]\n\tadd %[a0], %[w]\n\t"
                     "sxtb %[w], %[v]\n\tmuls %[w], %[t], %[w]\n\tadd %[a1], %[w]\n\t"
                     "cmp %[px], %[pend]\n\t"
                     "bne 1b\n\t"
                     ".syntax divided\n\t"
                     : [px] "+l"(px), [pu] "+l"(pu), [pv] "+l"(pv), [a0] "+r"(a0), [a1] "+r"(a1), [x] "=&l"(x),
                       [u] "=&l"(u), [v] "=&l"(v), [t] "=&l"(t), [w] "=&l"(w)
                     : [pend] "r"(pend)
                     : "cc", "memory");
    acc[0] = a0;
    acc[1] = a1;
}
#else
static void anne__s8_pair(int32_t acc[2], const uint32_t *px, const uint32_t *pu, const uint32_t *pv,
                          uint32_t n_words) {
    int32_t a0 = acc[0], a1 = acc[1];
    const uint32_t *pend = px + n_words;
    while (px != pend) {
        uint32_t x = *px++, u = *pu++, v = *pv++;
        unsigned k;
        for (k = 0; k < 4u; k++) {
            int32_t t = ANNE__B(x, k);
            a0 += ANNE__B(u, k) * t;
            a1 += ANNE__B(v, k) * t;
        }
    }
    acc[0] = a0;
    acc[1] = a1;
}
#endif

/* Plain C (Cortex-M0+): two units per pass share each input: units 0 .. n_pair - 1 (even). Where the
 * input and both weight rows are 4-aligned (rows of a multiple of four bytes), four inputs and four
 * weights of each row come in one word load each (ARMv6-M faults on unaligned words, hence the check),
 * which halves the loads per MAC. The zero point is in the starting sums (anne__s8_start). Integer
 * sums: exact, the same result as the byte loop. Not inlined, so that a layer of one unit does not
 * save and restore the registers it needs. */
static ANNE__NOINLINE void anne__s8_pairs(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                          uint32_t n_in, uint32_t n_pair, const anne_s8_dense_params *p) {
    uint32_t j, i, n4 = 0;
    int32_t zp = p->in_zp;
    if ((((uintptr_t)in | (uintptr_t)kernel | n_in) & 3u) == 0) n4 = n_in;
    for (j = 0; j < n_pair; j += 2u) {
        const int8_t *w0 = kernel + j * n_in, *w1 = w0 + n_in;
        int32_t a0 = anne__s8_start(bias, j, w0, n_in, zp), a1 = anne__s8_start(bias, j + 1u, w1, n_in, zp);
        if (n4 != 0) {
            /* words read through uint32_t pointers (4-aligned, checked; the runtime is built with
             * -fno-strict-aliasing) */
            int32_t acc[2];
            acc[0] = a0;
            acc[1] = a1;
            anne__s8_pair(acc, (const uint32_t *)(const void *)in, (const uint32_t *)(const void *)w0,
                          (const uint32_t *)(const void *)w1, n4 / 4u);
            a0 = acc[0];
            a1 = acc[1];
        }
        for (i = n4; i < n_in; i++) {
            int32_t x = in[i];
            a0 += (int32_t)w0[i] * x;
            a1 += (int32_t)w1[i] * x;
        }
        out[j] = anne__s8_finish(a0, j, p);
        out[j + 1u] = anne__s8_finish(a1, j + 1u, p);
    }
}

/* The two-unit passes, then the last unit of an odd n_out alone. */
ANNE__ALWAYS_INLINE void anne__s8_units(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                        uint32_t n_in, uint32_t n_out, const anne_s8_dense_params *p) {
    uint32_t j = n_out & ~1u, i;
    if (j != 0) anne__s8_pairs(out, in, kernel, bias, n_in, j, p);
    if (j != n_out) {
        const int8_t *w = kernel + j * n_in; /* (n_in): unit j's weights */
        int32_t acc = anne__s8_start(bias, j, w, n_in, p->in_zp);
        for (i = 0; i < n_in; i++) acc += (int32_t)w[i] * in[i];
        out[j] = anne__s8_finish(acc, j, p);
    }
}
#endif

void anne_dense_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                           uint16_t n_in, uint16_t n_out, const anne_s8_dense_params *p) {
    anne__s8_units(out, in, kernel, bias, n_in, n_out, p);
}

/* The predict loop's entry (anne_dense_layer.h; anne_layer_s8 decodes the same record). With
 * the zero point folded into the bias (ANNE__S8_FLAG_ZP_BIAS) the units get zp_bias and zero point 0,
 * as anne_layer_forward_s8 does. */
void anne__dense_s8_layer(int8_t *out, const int8_t *in, const uint32_t *rec, const uint8_t *weights) {
    uint32_t shape = rec[ANNE__L_N_IN / 4u], n_out = shape >> 16;
    const int32_t *aux = (const int32_t *)(const void *)(weights + rec[ANNE__L_AUX_OFF / 4u]), *bias;
    anne_s8_dense_params p;
    p.out_zp = aux[ANNE__S8_Z_ZP / 4u];
    p.act_min = aux[ANNE__S8_ACT_MIN / 4u];
    p.act_max = aux[ANNE__S8_ACT_MAX / 4u];
    p.multiplier = aux + ANNE__S8_HDR_SIZE / 4u;
    p.shift = p.multiplier + n_out;
    if ((aux[ANNE__S8_FLAGS / 4u] & (int32_t)ANNE__S8_FLAG_ZP_BIAS) != 0) {
        p.in_zp = 0;
        bias = p.multiplier + 3u * n_out;
    } else {
        p.in_zp = aux[ANNE__S8_IN_ZP / 4u];
        bias = (rec[ANNE__L_KIND / 4u] >> 24) & ANNE__L_FLAG_BIAS
                   ? (const int32_t *)(const void *)(weights + rec[ANNE__L_BIAS_OFF / 4u])
                   : NULL;
    }
    anne__s8_units(out, in, (const int8_t *)(weights + rec[ANNE__L_KERNEL_OFF / 4u]), bias, shape & 0xFFFFu, n_out,
                   &p);
}

void anne_activation_forward_s8_lut(int8_t *x, size_t n, const int8_t lut[256]) {
    size_t i;
    for (i = 0; i < n; i++) x[i] = lut[(int32_t)x[i] + 128];
}

void anne_softmax_forward_s8(int8_t *x, size_t n, const uint16_t exp_table[256]) {
    size_t i;
    int32_t max;
    uint32_t sum = 0; /* <= 65535 * 32768 < 2^32; >= 32768: exp_table[0] is 1.0 (checked at load) */
    if (n == 0) return;
    max = x[0];
    for (i = 1; i < n; i++) {
        if (x[i] > max) max = x[i];
    }
    for (i = 0; i < n; i++) sum += exp_table[max - x[i]];
    for (i = 0; i < n; i++) {
        uint32_t e = exp_table[max - x[i]];
        uint32_t q = (e * 256u + sum / 2u) / sum; /* 0..256; e 256 + sum / 2 < 2^24 + 2^31: 32 bits suffice */
        x[i] = (int8_t)(q >= 255u ? 127 : (int32_t)q - 128);
    }
}
