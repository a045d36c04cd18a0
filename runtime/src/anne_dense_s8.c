/* int8 kernels, TFLite's scheme: requantization (MultiplyByQuantizedMultiplier with TFLite's default
 * double rounding, as CMSIS-NN's arm_nn_requantize), the dense layer with int32 accumulation, and
 * the lookup-table and softmax activations. Written without shifts of negative numbers or signed
 * overflow, so every C99 compiler and core gives the same bits. */
#include "anne_dense_layer.h"
#include "anne_format.h"
#include "anne_inline.h"
#include "anne_quant.h"
#include "anne_quant_format.h"
#include "anne_requant.h"

/* The kernels' copy relies on the shift range -31..30 that the loader checks (anne_quant_check.c); the
 * public function takes any shift without undefined behaviour: x 2^shift saturates alike for every
 * shift >= 31, and below -31 the rounded quotient (|SRDHM| <= 2^31 over 2^32 or more) is 0 but for
 * INT32_MIN / 2^32, a tie that goes away from zero. One inlined copy of the product. */
int32_t anne_requantize(int32_t x, int32_t multiplier, int32_t shift) {
    int32_t beyond = shift < -31, y;
    y = anne__requantize(x, multiplier, beyond ? 0 : (shift > 31 ? 31 : shift));
    if (beyond) return shift == -32 && y == INT32_MIN ? -1 : 0;
    return y;
}

/* What the end of a unit needs (from anne_s8_dense_params, or straight from a model's records): the
 * per-unit bias, multiplier and shift; the input zero point with the kernel, when it is not folded into
 * the bias; the output zero point and clamp, read where the aux record has them (ANNE__S8_Z_ZP,
 * ANNE__S8_ACT_MIN, ANNE__S8_ACT_MAX: a layer passes its record as it is, nothing copied). */
typedef struct anne__s8_q {
    const int32_t *bias;   /* (n_out) or NULL */
    const int32_t *mult;   /* (n_out) */
    const int32_t *shift;  /* (n_out) */
    const int32_t *hdr;    /* an aux record's header (ANNE__S8_HDR_SIZE bytes), for the three above */
    const int8_t *kernel;  /* (n_out, n_in), and n_in: read only with in_zp != 0 */
    uint32_t n_in;
    int32_t in_zp;         /* 0 when folded into the bias */
} anne__s8_q;

/* The end of unit j, whose sum of w * x the kernel loops computed from 0 (so that they start from
 * nothing): add the bias and -in_zp * sum of the unit's weights (TFLite and CMSIS-NN fold that into
 * the bias; loaded models carry it, with in_zp 0), requantize, clamp, add the output zero point. Exact
 * in int32: the value is bias + sum w (x - in_zp), |sum w (x - in_zp)| <= 127 * 255 * n_in, within
 * int32 by the bias bound of anne_dense_forward_s8 (checked at load); on the way, |sum w x| and
 * |in_zp * sum w| are <= 127 * 128 * n_in, so bias + sum w x fits too. A folded zp_bias (bias -
 * in_zp * sum w) plus sum w x is that same value, in one addition. */
static int8_t anne__s8_finish(int32_t acc, uint32_t j, const anne__s8_q *q) {
    int32_t zp, lo, hi;
    if (q->bias != NULL) acc += q->bias[j];
    if (q->in_zp != 0) {
        const int8_t *w = q->kernel + j * q->n_in;
        int32_t sum = 0;
        uint32_t i;
        for (i = 0; i < q->n_in; i++) sum += w[i];
        acc -= q->in_zp * sum;
    }
    acc = anne__requantize(acc, q->mult[j], q->shift[j]);
    /* the clamp before the zero point is added: lo = act_min - zp, hi = act_max - zp are within
     * -255..255, so this clamp also keeps the sum from overflowing; clamp(y, lo, hi) + zp equals
     * clamp(clamp(y, -256, 256) + zp, act_min, act_max) for every int32 y */
    zp = q->hdr[ANNE__S8_Z_ZP / 4u];
    lo = q->hdr[ANNE__S8_ACT_MIN / 4u] - zp;
    hi = q->hdr[ANNE__S8_ACT_MAX / 4u] - zp;
    acc = acc > hi ? hi : (acc < lo ? lo : acc);
    return (int8_t)(acc + zp);
}

#if ANNE_CONFIG_S8_WIDE || (defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP)
/* a + sum over i < n of w[i] * x[i], out of line: the inputs a four-unit pass leaves (each core's own) */
static int32_t anne__s8_dot_rest(int32_t a, const int8_t *w, const int8_t *x, uint32_t n);

/* The ends of units j..j+3 (out: unit j's output) from their sums acc over the first n_in & ~7
 * inputs: the inputs left over from the int8 weights (w0: unit j's), then anne__s8_finish. */
ANNE__ALWAYS_INLINE void anne__s8_four(int8_t *out, const int32_t acc[4], const int8_t *in, const int8_t *w0,
                                       uint32_t n_in, uint32_t j, const anne__s8_q *q) {
    uint32_t u, i8 = n_in & ~7u;
    for (u = 0; u < 4u; u++, w0 += n_in) {
        int32_t a = acc[u];
        if (i8 != n_in) a = anne__s8_dot_rest(a, w0 + i8, in + i8, n_in - i8);
        out[u] = anne__s8_finish(a, j + u, q);
    }
}
#endif

/* The Thumb-2 DSP assembly kernels (Cortex-M33): GCC's optimizer and the DSP extension. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && \
    defined(__thumb2__)
#define ANNE__S8_QUAD_ASM 1
#else
#define ANNE__S8_QUAD_ASM 0
#endif

#if ANNE_CONFIG_S8_WIDE && !ANNE__S8_QUAD_ASM
/* acc[u] = sum over i < n8 of w_u[i] * x[i] for four units, from their widened weights w (the layout of
 * anne_s8_wide.c: per four inputs, per unit, w_u[i], w_u[i+2], w_u[i+1], w_u[i+3]); n8 a multiple of 8.
 * The portable form of the Cortex-M33 kernel below; every product and sum fits int32 (loader bound). */
static void anne__s8w_quad(int32_t acc[4], const int8_t *x, const int16_t *w, uint32_t n8) {
    uint32_t i, u;
    for (u = 0; u < 4u; u++) acc[u] = 0;
    for (i = 0; i < n8; i += 4u, w += 16) {
        for (u = 0; u < 4u; u++) {
            const int16_t *p = w + 4u * u;
            acc[u] += p[0] * x[i] + p[1] * x[i + 2u] + p[2] * x[i + 1u] + p[3] * x[i + 3u];
        }
    }
}
#endif

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include "anne_s8_dsp.h"

#if ANNE__S8_QUAD_ASM
/* The four-unit inner loop by hand (Thumb-2 with DSP): GCC's allocation of the C loop spills the sums
 * to the stack. Eight inputs per pass; the sums stay in r4-r7; rows 0/1 are addressed from one pointer
 * and the row stride, rows 2/3 from a second. With no zero point in the loop (anne__s8_finish) r0,
 * r8-r11 are free, so the input word and two weight words load back to back (pipelined) and the
 * other two weights as a pair: per four inputs two SXTB16 (the inputs, shared by the four units), per
 * unit two SXTB16 + two SMLAD. 53 cycles per 32 MACs by the cycle model (docs/mcu-report.md).
 * acc[0..3] = sum over i < (stride & ~7) of w_u[i] * x[i], rows w_u = w0 + u * stride, stride >= 8 (a
 * smaller one would never reach the loop's end). Integer adds wrap like the C sums (which never
 * overflow: loader bound), so the bits are the same. */
void anne__s8_quad_dsp(int32_t acc[4], const int8_t *x, const int8_t *w0, uint32_t stride);
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
        "bic lr, r3, #7\n\t"
        "add lr, r1\n\t" /* the end of the inputs taken */
        "movs r4, #0\n\t"
        "movs r5, #0\n\t"
        "movs r6, #0\n\t"
        "movs r7, #0\n\t"
        "add r12, r2, r3, lsl #1\n"
        "1:\n\t" ANNE__S8_QUAD ANNE__S8_QUAD
        "cmp r1, lr\n\t"
        "bne 1b\n\t"
        "pop {r0}\n\t"
        "stm r0, {r4-r7}\n\t"
        "pop {r4-r11, pc}\n\t"
        ".size anne__s8_quad_dsp, . - anne__s8_quad_dsp\n\t"
        ".text\n");

#if ANNE_CONFIG_S8_WIDE
/* The four-unit loop on widened weights (the portable anne__s8w_quad's sums, by hand): SMLAD takes the
 * weight words as they are, so per four inputs the loop loads the input word and sixteen int16 weights
 * in two runs of four words (back to back, pipelined) and widens only the input (two SXTB16, shared by
 * the four units): 21 cycles per 16 MACs, 45 per 32 with the loop's count and branch (docs/mcu-report.md). r0
 * (the sums' address, on the stack) and r3 (n8, folded into the end in lr) are free in the loop. n8
 * must be a positive multiple of 8 (the callers' n_in >= 8 makes it so): the end is tested after a
 * pass of eight inputs. */
void anne__s8w_quad_dsp(int32_t acc[4], const int8_t *x, const int16_t *w, uint32_t n8);
/* four inputs: r3 = (x_i, x_i+2), r12 = (x_i+1, x_i+3); units 0/1 then 2/3 from r8-r11 */
#define ANNE__S8W_FOUR                                                                                         \
    "ldr r3, [r1], #4\n\t"                                                                                       \
    "ldr r8, [r2], #4\n\tldr r9, [r2], #4\n\tldr r10, [r2], #4\n\tldr r11, [r2], #4\n\t"                          \
    "sxtb16 r12, r3, ror #8\n\tsxtb16 r3, r3\n\t"                                                               \
    "smlad r4, r8, r3, r4\n\tsmlad r4, r9, r12, r4\n\tsmlad r5, r10, r3, r5\n\tsmlad r5, r11, r12, r5\n\t"        \
    "ldr r8, [r2], #4\n\tldr r9, [r2], #4\n\tldr r10, [r2], #4\n\tldr r11, [r2], #4\n\t"                          \
    "smlad r6, r8, r3, r6\n\tsmlad r6, r9, r12, r6\n\tsmlad r7, r10, r3, r7\n\tsmlad r7, r11, r12, r7\n\t"
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.anne__s8w_quad_dsp,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global anne__s8w_quad_dsp\n\t"
        ".hidden anne__s8w_quad_dsp\n\t"
        ".type anne__s8w_quad_dsp, %function\n\t"
        ".thumb_func\n"
        "anne__s8w_quad_dsp:\n\t"
        "push {r0, r4-r11, lr}\n\t"
        "add lr, r1, r3\n\t" /* the end of the inputs taken */
        "movs r4, #0\n\t"
        "movs r5, #0\n\t"
        "movs r6, #0\n\t"
        "movs r7, #0\n"
        "1:\n\t" ANNE__S8W_FOUR ANNE__S8W_FOUR
        "cmp r1, lr\n\t"
        "bne 1b\n\t"
        "pop {r0}\n\t"
        "stm r0, {r4-r7}\n\t"
        "pop {r4-r11, pc}\n\t"
        ".size anne__s8w_quad_dsp, . - anne__s8w_quad_dsp\n\t"
        ".text\n");
#define anne__s8w_quad anne__s8w_quad_dsp
#endif
#endif

/* a + sum over i < n of w[i] * x[i]: words of four inputs with two SMLADs, then single bytes. */
ANNE__ALWAYS_INLINE int32_t anne__s8_dot(int32_t a, const int8_t *w, const int8_t *x, uint32_t n) {
    uint32_t i;
    for (i = 0; i + 4u <= n; i += 4u) {
        int32_t xv = anne__ld4(x + i);
        a = anne__smlad4(a, anne__ld4(w + i), __sxtb16(xv), __sxtb16(anne__ror8(xv)));
    }
    for (; i < n; i++) a += (int32_t)w[i] * x[i];
    return a;
}

/* The same as a call, for the inputs a four-unit pass leaves (n_in not a multiple of 8, rare): inlined
 * there too, its registers would enlarge the layer's frame (the stack budget). */
static ANNE__NOINLINE int32_t anne__s8_dot_rest(int32_t a, const int8_t *w, const int8_t *x, uint32_t n) {
    return anne__s8_dot(a, w, x, n);
}

#if !ANNE__S8_QUAD_ASM
/* The assembly's sums in C (builds without GCC's optimizer): four units, the inputs up to a multiple
 * of eight. */
static void anne__s8_quad_dsp(int32_t acc[4], const int8_t *x, const int8_t *w0, uint32_t stride) {
    uint32_t u;
    for (u = 0; u < 4u; u++) acc[u] = anne__s8_dot(0, w0 + u * stride, x, stride & ~7u);
}
#endif

/* DSP extension (Cortex-M33, M4, M7): SXTB16 widens two int8 to two int16 in one instruction and
 * SMLAD multiplies and adds two int16 pairs into the int32 sum, so four inputs cost two SMLADs.
 * Four units per pass share the inputs (the inputs up to a multiple of eight; the rest unit by unit):
 * from the model's widened weights where it has them (anne__s8w_quad, wide: the layer's block), else
 * widening each weight word here (anne__s8_quad_dsp). Units left over, and every unit of a layer of
 * fewer than four, go one at a time. Integer sums: the same result as the plain loop, exactly. */
ANNE__ALWAYS_INLINE void anne__s8_units(int8_t *out, const int8_t *in, const int8_t *kernel, uint32_t n_in,
                                        uint32_t n_out, const int16_t *wide, const anne__s8_q *q) {
    uint32_t j = 0;
    const int8_t *w0 = kernel; /* (n_in): unit j's weights */
    (void)wide;
    while (j < n_out) {
        if (n_in >= 8u && n_out - j >= 4u) {
            int32_t acc[4]; /* (the assembly's sums, from 0: four words behind one pointer) */
#if ANNE_CONFIG_S8_WIDE
            if (wide != NULL) {
                anne__s8w_quad(acc, in, wide, n_in & ~7u);
                wide += 4u * (n_in & ~7u);
            } else
#endif
            {
                anne__s8_quad_dsp(acc, in, w0, n_in);
            }
            anne__s8_four(out + j, acc, in, w0, n_in, j, q);
            j += 4u;
            w0 += 4u * n_in;
            continue;
        }
        out[j] = anne__s8_finish(anne__s8_dot(0, w0, in, n_in), j, q);
        j++;
        w0 += n_in;
    }
}
#else
/* Byte k of the word v as a signed int8 (two's complement, as every C99 compiler targeting these cores
 * converts; on ARMv6-M a shift and SXTB). */
#define ANNE__B(v, k) ((int32_t)(int8_t)(uint8_t)((v) >> (8u * (k))))

/* The sums over k < n_in of w0[k] * x[k] (low word) and w1[k] * x[k] (high word), w1 = w0 + ws, from
 * int8 read four to a word: x, w0 and ws 4-aligned, n_in a positive multiple of 4. The dense layer's
 * two units are rows n_in apart (ws = n_in); a convolution's two output channels a filter apart
 * (anne_conv2d_s8_fast.c, which calls the ARMv6-M form; anne_conv_s8.h). */
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__) && defined(__OPTIMIZE__)
/* ARMv6-M by hand, a leaf of its own (so that the C around it keeps its registers): the eight low
 * registers hold the three pointers, the three words and two temporaries; the sums live in ip and lr
 * (ADD reaches them), the end pointer in r8. 46 cycles per 8 MACs on a Cortex-M0+ (three LDMs of one
 * word, 2 cycles per input byte shared by both units, 4 per MAC, 3 of loop). Integer adds wrap exactly
 * as the C sums (which never overflow: loader bound), so the bits are the same. */
uint64_t anne__s8_pair(const int8_t *x, const int8_t *w0, uint32_t n_in, uint32_t ws);
/* r4 input word, r5/r6 the two units' weight words, r2 the input byte, r7 a product */
#define ANNE__S8_BYTE                                                                                          \
    "sxtb r2, r4\n\tlsrs r4, r4, #8\n\t"                                                                       \
    "sxtb r7, r5\n\tlsrs r5, r5, #8\n\tmuls r7, r2, r7\n\tadd ip, r7\n\t"                                    \
    "sxtb r7, r6\n\tlsrs r6, r6, #8\n\tmuls r7, r2, r7\n\tadd lr, r7\n\t"
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.anne__s8_pair,\"ax\",%progbits\n\t"
        ".align 1\n\t"
        ".global anne__s8_pair\n\t"
        ".hidden anne__s8_pair\n\t"
        ".type anne__s8_pair, %function\n\t"
        ".thumb_func\n"
        "anne__s8_pair:\n\t"
        "push {r4, r5, r6, r7, lr}\n\t"
        "mov r4, r8\n\t"
        "push {r4}\n\t"
        "adds r3, r1, r3\n\t" /* r3: w1 */
        "adds r2, r0, r2\n\t"
        "mov r8, r2\n\t" /* the input's end */
        "movs r2, #0\n\t"
        "mov ip, r2\n\t"
        "mov lr, r2\n"
        "1:\n\t"
        "ldmia r0!, {r4}\n\t"
        "ldmia r1!, {r5}\n\t"
        "ldmia r3!, {r6}\n\t" ANNE__S8_BYTE ANNE__S8_BYTE ANNE__S8_BYTE
        /* byte 3, now at the bottom of each word */
        "sxtb r2, r4\n\t"
        "sxtb r7, r5\n\tmuls r7, r2, r7\n\tadd ip, r7\n\t"
        "sxtb r7, r6\n\tmuls r7, r2, r7\n\tadd lr, r7\n\t"
        "cmp r0, r8\n\t"
        "bne 1b\n\t"
        "mov r0, ip\n\t"
        "mov r1, lr\n\t"
        "pop {r4}\n\t"
        "mov r8, r4\n\t"
        "pop {r4, r5, r6, r7, pc}\n\t"
        ".size anne__s8_pair, . - anne__s8_pair\n\t"
        ".text\n");
#else
static uint64_t anne__s8_pair(const int8_t *x, const int8_t *w0, uint32_t n_in, uint32_t ws) {
    /* words read through uint32_t pointers (4-aligned, checked by the caller; the runtime is built with
     * -fno-strict-aliasing) */
    const uint32_t *px = (const uint32_t *)(const void *)x, *pu = (const uint32_t *)(const void *)w0;
    const uint32_t *pv = pu + ws / 4u, *pend = px + n_in / 4u;
    uint32_t a0 = 0, a1 = 0; /* (unsigned: the same bits as the int32 sums, which never overflow) */
    while (px != pend) {
        uint32_t xw = *px++, u = *pu++, v = *pv++;
        unsigned k;
        for (k = 0; k < 4u; k++) {
            int32_t t = ANNE__B(xw, k);
            a0 += (uint32_t)(ANNE__B(u, k) * t);
            a1 += (uint32_t)(ANNE__B(v, k) * t);
        }
    }
    return ((uint64_t)a1 << 32) | a0;
}
#endif

#if ANNE_CONFIG_S8_WIDE
static int32_t anne__s8_dot_rest(int32_t a, const int8_t *w, const int8_t *x, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n; i++) a += (int32_t)w[i] * x[i];
    return a;
}
#endif

/* Plain C (Cortex-M0+): two units per pass share each input. Where the input and the weight rows are
 * 4-aligned (rows of a multiple of four bytes), four inputs and four weights of each row come in one
 * word load each (ARMv6-M faults on unaligned words, hence the check), which halves the loads per MAC;
 * otherwise, and for the last unit of an odd n_out, one unit at a time, byte by byte. Integer sums:
 * exact, the same result as the byte loop. */
ANNE__ALWAYS_INLINE void anne__s8_units(int8_t *out, const int8_t *in, const int8_t *kernel, uint32_t n_in,
                                        uint32_t n_out, const int16_t *wide, const anne__s8_q *q) {
    uint32_t j, i;
    int aligned = n_out >= 2u && (((uintptr_t)in | (uintptr_t)kernel | n_in) & 3u) == 0 && n_in != 0;
    const int8_t *w0 = kernel; /* (n_in): unit j's weights */
    (void)wide;
    for (j = 0; j < n_out; j++, w0 += n_in) {
        int32_t a0 = 0;
#if ANNE_CONFIG_S8_WIDE
        if (wide != NULL && n_in >= 8u && n_out - j >= 4u) { /* four units from widened weights */
            int32_t acc[4];
            anne__s8w_quad(acc, in, wide, n_in & ~7u);
            wide += 4u * (n_in & ~7u);
            anne__s8_four(out + j, acc, in, w0, n_in, j, q);
            j += 3u;
            w0 += 3u * n_in;
            continue;
        }
#endif
        if (aligned && n_out - j >= 2u) {
            uint64_t a = anne__s8_pair(in, w0, n_in, n_in);
            out[j] = anne__s8_finish(anne__u2i((uint32_t)a), j, q);
            j++;
            w0 += n_in;
            a0 = anne__u2i((uint32_t)(a >> 32));
        } else {
            for (i = 0; i < n_in; i++) a0 += (int32_t)w0[i] * in[i];
        }
        out[j] = anne__s8_finish(a0, j, q);
    }
}
#endif

void anne_dense_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                           uint16_t n_in, uint16_t n_out, const anne_s8_dense_params *p) {
    anne__s8_q q;
    int32_t hdr[ANNE__S8_HDR_SIZE / 4u] = {0};
    hdr[ANNE__S8_Z_ZP / 4u] = p->out_zp;
    hdr[ANNE__S8_ACT_MIN / 4u] = p->act_min;
    hdr[ANNE__S8_ACT_MAX / 4u] = p->act_max;
    q.hdr = hdr;
    q.bias = bias;
    q.mult = p->multiplier;
    q.shift = p->shift;
    q.kernel = kernel;
    q.n_in = n_in;
    q.in_zp = p->in_zp;
    anne__s8_units(out, in, kernel, n_in, n_out, NULL, &q);
}

/* One layer of a loaded int8 model read straight from its layer record and quantization record
 * (validated at load: 4-aligned little-endian words; anne_layer_s8 decodes the same records): the dense
 * part with its requantization and clamp. With the zero point folded into the bias
 * (ANNE__S8_FLAG_ZP_BIAS) the units get zp_bias and zero point 0, as anne_layer_forward_s8 does; then
 * its LUT or softmax activation. The kernel loops are inlined here: the deepest chain is run loop,
 * this, and a leaf (a kernel, a unit's end, an activation). */
static ANNE__NOINLINE void anne__s8_layer(int8_t *out, const int8_t *in, const uint32_t *rec, const anne_model *m) {
    const uint8_t *weights = m->weights;
    uint32_t shape = rec[ANNE__L_N_IN / 4u], n_out = shape >> 16;
    const int32_t *aux = (const int32_t *)(const void *)(weights + rec[ANNE__L_AUX_OFF / 4u]);
    const int8_t *kernel = (const int8_t *)(weights + rec[ANNE__L_KERNEL_OFF / 4u]);
    const int16_t *wide = NULL;
    anne__s8_q q;
#if ANNE_CONFIG_S8_WIDE
    /* the layer's block of widened weights, after those of the layers before it: found from the records
     * (a cursor kept by the run loop would be a fifth argument, on the stack) */
    if (m->s8_wide != NULL) {
        const uint32_t *r = (const uint32_t *)(const void *)m->layer_table;
        for (wide = m->s8_wide; r != rec; r += ANNE__LAYER_SIZE / 4u) {
            wide += anne__s8_wide_count(r[ANNE__L_N_IN / 4u] & 0xFFFFu, r[ANNE__L_N_IN / 4u] >> 16);
        }
    }
#endif
    q.mult = aux + ANNE__S8_HDR_SIZE / 4u;
    q.shift = q.mult + n_out;
    q.hdr = aux;
    q.in_zp = 0;
    q.bias = q.mult + 3u * n_out;
    if ((aux[ANNE__S8_FLAGS / 4u] & (int32_t)ANNE__S8_FLAG_ZP_BIAS) == 0) {
        q.kernel = kernel; /* (read only with in_zp != 0) */
        q.n_in = shape & 0xFFFFu;
        q.in_zp = aux[ANNE__S8_IN_ZP / 4u];
        q.bias = (rec[ANNE__L_KIND / 4u] >> 24) & ANNE__L_FLAG_BIAS
                     ? (const int32_t *)(const void *)(weights + rec[ANNE__L_BIAS_OFF / 4u])
                     : NULL;
    }
    anne__s8_units(out, in, kernel, shape & 0xFFFFu, n_out, wide, &q);
    if (aux[ANNE__S8_ACT_KIND / 4u] != ANNE_S8_ACT_CLAMP) { /* (the clamp is the kernel's) */
        const uint8_t *table =
            (const uint8_t *)(const void *)aux + anne__s8_table_off(n_out, (uint32_t)aux[ANNE__S8_FLAGS / 4u]);
        /* a softmax layer is rejected at load by a build that leaves softmax out (anne_config.h) */
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTMAX) || aux[ANNE__S8_ACT_KIND / 4u] == ANNE_S8_ACT_LUT) {
            anne_activation_forward_s8_lut(out, n_out, (const int8_t *)table);
        } else {
            anne_softmax_forward_s8(out, n_out, (const uint16_t *)(const void *)table);
        }
    }
}

/* The layers of a loaded int8 model (anne_dense_layer.h): each layer's dense part, then its LUT or
 * softmax activation. The two buffers sit at the arena's two ends: a layer writes to the end it does
 * not read. The first layer reads the input where it is: at the arena's start, or outside the arena
 * (anywhere else in it, the first layer's output at base would overwrite it while it is read). */
const int8_t *anne__s8_run(const anne_model *m, const int8_t *in, int8_t *base) {
    const uint32_t *rec = (const uint32_t *)(const void *)m->layer_table;
    const int8_t *cur = in;
    uint32_t left = m->n_layers; /* >= 1: checked at load */
    do {
        int8_t *next = cur == base ? base + m->arena_bytes - anne__pad4(rec[ANNE__L_N_IN / 4u] >> 16) : base;
        anne__s8_layer(next, cur, rec, m);
        cur = next;
        rec += ANNE__LAYER_SIZE / 4u;
    } while (--left != 0);
    return cur;
}

void anne_activation_forward_s8_lut(int8_t *x, size_t n, const int8_t lut[256]) {
    size_t i;
    for (i = 0; i < n; i++) x[i] = lut[(int32_t)x[i] + 128];
}

/* n / d, truncated, for a quotient below 512. Cores with a divide instruction (Cortex-M33) divide;
 * the others take nine steps of compare, shift and subtract, exact as the division, and link no
 * division routine (__udivsi3, 266 bytes on the Cortex-M0+). (n >> k) >= d is n >= d 2^k, so d << k
 * is taken only where it cannot overflow. The boards' test vectors compare both with the host. */
static uint32_t anne__s8_div9(uint32_t n, uint32_t d) {
#if defined(__ARM_FEATURE_IDIV)
    return n / d;
#else
    uint32_t q = 0, k = 9;
    while (k-- != 0) {
        if ((n >> k) >= d) {
            n -= d << k;
            q |= 1u << k;
        }
    }
    return q;
#endif
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
        /* 0..256 (e <= sum); e 256 + sum / 2 < 2^24 + 2^31: 32 bits suffice */
        uint32_t q = anne__s8_div9(e * 256u + sum / 2u, sum);
        x[i] = (int8_t)(q >= 255u ? 127 : (int32_t)q - 128);
    }
}
