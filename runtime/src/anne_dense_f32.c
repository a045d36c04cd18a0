/* Dense layer in float32: one dot product per unit over a row of the (n_out, n_in) kernel. */
#include "anne.h"

/* Every unit sums its products in input order (i = 0, 1, ...), one rounding per step, bias last:
 * the same sums on every target and in every variant below, so host and boards agree bit for bit.
 * With ANNE_CONFIG_DENSE_ROWS 4, four units share each input load (one pass over the input per four
 * rows): on an FPU core that saves a load per multiply-accumulate; the order of each sum is unchanged.
 * On a Thumb-2 core with a single-precision FPU (Cortex-M33, M4, M7) eight units per pass go through
 * the hand-written anne__f32_rows8 first. */
#if ANNE_CONFIG_DENSE_ROWS != 1 && defined(__GNUC__) && defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4)
/* Eight units, four inputs per step, by hand. The cycle model (docs/mcu-report.md, Cortex-M4 figures) prices
 * VMLA at 3 cycles, VMUL and VADD at 1 each, and a load at 1 when it follows another single load or
 * store (2 otherwise; an N-register VLDM is 1 + N). So each product is a VMUL and a VADD (VMLA is the
 * unfused multiply-add: the same two roundings, acc + round(w x), as VMUL then VADD; never VFMA), and
 * the loads come in unbroken runs of single-register post-incrementing VLDMs (a run of N costs 1 + N,
 * as one N-register VLDM would, but may take from the eight row pointers in turn). Sums s0-s7, inputs
 * s8-s11, weights and products s12-s27. Per step (32 MACs): a run of 20 loads (4 inputs, rows 0-3)
 * 21 cycles, 16 VMUL + 16 VADD, a run of 16 loads (rows 4-7) 17, 32 more: 102 cycles; one step per
 * loop pass and 3 of loop: 105 cycles per 32 MACs, 3.28 per MAC. (Two steps per pass save 3 cycles
 * per 64 MACs, 0.05 per MAC: measured slope 3.36 against 3.41 on dense_64x64, for 412 more bytes of
 * code, 890 against 478; the smaller kernel is kept.)
 * The floor under that table is 3 per MAC (each weight is used once: one load, one VMUL, one VADD),
 * plus the shared input loads (1/8 per MAC with eight units; at most 12 row pointers fit the core
 * registers), the first load of each run (1/16: 16 weight registers) and the loop (3 per 32 MACs).
 * sum[u] = 0 + w_u[0] x[0] + w_u[1] x[1] + ... (in this order) over i < x_end - x, rows
 * w_u = w0 + u * stride bytes; x_end - x a positive multiple of 4 floats. */
void anne__f32_rows8(float sum[8], const float *x, const float *w0, uint32_t stride, const float *x_end);
/* four weights of one row (pointer r) into s(a), s(a+1), s(a+2), s(a+3) */
#define ANNE__F32_ROW(r, a, b, c, d)                                                                           \
    "vldmia " r "!, {s" a "}\n\tvldmia " r "!, {s" b "}\n\tvldmia " r "!, {s" c "}\n\tvldmia " r "!, {s" d "}\n\t"
/* products of one input (register x) with weight k of the four rows loaded in s12-s27 */
#define ANNE__F32_MUL(x, p, q, r, s)                                                                           \
    "vmul.f32 s" p ", s" p ", " x "\n\tvmul.f32 s" q ", s" q ", " x "\n\t"                                     \
    "vmul.f32 s" r ", s" r ", " x "\n\tvmul.f32 s" s ", s" s ", " x "\n\t"
/* the four products of input k added to the four sums a..d, one after the other per sum */
#define ANNE__F32_ADD(a, b, c, d, p, q, r, s)                                                                  \
    "vadd.f32 " a ", " a ", s" p "\n\tvadd.f32 " b ", " b ", s" q "\n\t"                                        \
    "vadd.f32 " c ", " c ", s" r "\n\tvadd.f32 " d ", " d ", s" s "\n\t"
/* the four rows loaded in s12-s27 times the inputs in s8-s11, added to the sums a..d */
#define ANNE__F32_QUAD(a, b, c, d)                                                                             \
    ANNE__F32_MUL("s8", "12", "16", "20", "24") ANNE__F32_MUL("s9", "13", "17", "21", "25")                    \
    ANNE__F32_MUL("s10", "14", "18", "22", "26") ANNE__F32_MUL("s11", "15", "19", "23", "27")                  \
    ANNE__F32_ADD(a, b, c, d, "12", "16", "20", "24") ANNE__F32_ADD(a, b, c, d, "13", "17", "21", "25")        \
    ANNE__F32_ADD(a, b, c, d, "14", "18", "22", "26") ANNE__F32_ADD(a, b, c, d, "15", "19", "23", "27")
/* four weights of each of four rows (pointers r0..r3) into s12-s27 */
#define ANNE__F32_LOAD4(r0, r1, r2, r3)                                                                        \
    ANNE__F32_ROW(r0, "12", "13", "14", "15") ANNE__F32_ROW(r1, "16", "17", "18", "19")                        \
    ANNE__F32_ROW(r2, "20", "21", "22", "23") ANNE__F32_ROW(r3, "24", "25", "26", "27")
/* one step: four inputs, then rows 0-3 into sums s0-s3, then rows 4-7 into s4-s7 */
#define ANNE__F32_STEP                                                                                         \
    "vldmia r1!, {s8}\n\tvldmia r1!, {s9}\n\tvldmia r1!, {s10}\n\tvldmia r1!, {s11}\n\t"                       \
    ANNE__F32_LOAD4("r2", "r4", "r5", "r6") ANNE__F32_QUAD("s0", "s1", "s2", "s3")                             \
    ANNE__F32_LOAD4("r7", "r8", "r9", "r10") ANNE__F32_QUAD("s4", "s5", "s6", "s7")
__asm__(".syntax unified\n\t"
        ".thumb\n\t"
        ".section .text.anne__f32_rows8,\"ax\",%progbits\n\t"
        ".align 2\n\t"
        ".global anne__f32_rows8\n\t"
        ".hidden anne__f32_rows8\n\t"
        ".type anne__f32_rows8, %function\n\t"
        ".thumb_func\n"
        "anne__f32_rows8:\n\t"
        "ldr r12, [sp]\n\t"
        "push {r4-r10}\n\t"
        "vpush {s16-s27}\n\t"
        "add r4, r2, r3\n\t"
        "add r5, r4, r3\n\t"
        "add r6, r5, r3\n\t"
        "add r7, r6, r3\n\t"
        "add r8, r7, r3\n\t"
        "add r9, r8, r3\n\t"
        "add r10, r9, r3\n\t"
        /* the sums start at +0.0, as in C (0 + -0 is +0) */
        "movs r3, #0\n\t"
        "vmov s0, s1, r3, r3\n\t"
        "vmov s2, s3, r3, r3\n\t"
        "vmov s4, s5, r3, r3\n\t"
        "vmov s6, s7, r3, r3\n\t"
        "1:\n\t" ANNE__F32_STEP
        "cmp r1, r12\n\t"
        "bne 1b\n\t"
        "vstm r0, {s0-s7}\n\t"
        "vpop {s16-s27}\n\t"
        "pop {r4-r10}\n\t"
        "bx lr\n\t"
        ".size anne__f32_rows8, . - anne__f32_rows8\n\t"
        ".text\n");

#define ANNE__F32_ROWS8 1
#else
#define ANNE__F32_ROWS8 0
#endif

#if ANNE__F32_ROWS8
/* Units of eight through anne__f32_rows8, the last n_in % 4 inputs and the bias in C, then the plain loops
 * for the n_out % 8 units left. A function of its own, so that the small layers that do not come here
 * keep the plain loops' code as it was (never inlined: GCC would). */
__attribute__((noinline)) static void anne__f32_dense8(float *out, const float *in, const float *kernel,
                                                       const float *bias, uint16_t n_in, uint16_t n_out) {
    uint16_t n4 = (uint16_t)(n_in & ~3u), j, u, i;
    for (j = 0; j + 8u <= n_out; j += 8u) {
        const float *w = kernel + (uint32_t)j * n_in; /* (8, n_in): units j .. j+7 */
        anne__f32_rows8(out + j, in, w, (uint32_t)n_in * sizeof(float), in + n4);
        for (u = j; u < j + 8u; u++, w += n_in) {
            float acc = out[u];
            for (i = n4; i < n_in; i++) acc += w[i] * in[i]; /* the last n_in % 4 inputs, in order */
            out[u] = bias ? acc + bias[u] : acc;
        }
    }
    if (j < n_out) {
        anne_dense_forward_f32(out + j, in, kernel + (uint32_t)j * n_in, bias ? bias + j : NULL, n_in,
                               (uint16_t)(n_out - j));
    }
}
#endif

void anne_dense_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                            uint16_t n_in, uint16_t n_out) {
#if ANNE__F32_ROWS8
    if (n_out >= 8u && n_in >= 4u) {
        anne__f32_dense8(out, in, kernel, bias, n_in, n_out);
        return;
    }
#endif
    {
        uint16_t j = 0;
#if ANNE_CONFIG_DENSE_ROWS == 4
        uint16_t i;
        for (; j + 4u <= n_out; j += 4u) {
            const float *w0 = kernel + (uint32_t)j * n_in; /* (4, n_in): units j .. j+3 */
            const float *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
            float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
            for (i = 0; i < n_in; i++) {
                float x = in[i];
                a0 += w0[i] * x;
                a1 += w1[i] * x;
                a2 += w2[i] * x;
                a3 += w3[i] * x;
            }
            if (bias) {
                a0 += bias[j];
                a1 += bias[j + 1u];
                a2 += bias[j + 2u];
                a3 += bias[j + 3u];
            }
            out[j] = a0;
            out[j + 1u] = a1;
            out[j + 2u] = a2;
            out[j + 3u] = a3;
        }
#endif
        {
            /* pointers rather than indices: fewer values live across the soft-float calls on the M0+ */
            const float *w = kernel + (uint32_t)j * n_in, *x_end = in + n_in; /* (n_out - j, n_in) */
            const float *b = bias != NULL ? bias + j : NULL;
            float *o = out + j, *o_end = out + n_out;
            for (; o != o_end; o++) {
                const float *x = in;
                float acc = 0.0f;
                while (x != x_end) acc += *w++ * *x++;
                if (b != NULL) acc += *b++; /* bias last, as Keras adds it after the matmul */
                *o = acc;
            }
        }
    }
}

/* Backward (training), the partner of anne_dense_forward_f32: kernel and bias gradients summed over
 * the samples of a batch, and the gradient for the layer below. */
#include "anne_train.h"

void anne_dense_backward_f32(float *din, float *dkernel, float *dbias, const float *dout, const float *in,
                             const float *kernel, uint16_t n_in, uint16_t n_out) {
    uint16_t j, i;
    if (din != NULL) {
        for (i = 0; i < n_in; i++) din[i] = 0.0f;
    }
    for (j = 0; j < n_out; j++) {
        float g = dout[j];
        const float *w = kernel + (uint32_t)j * n_in; /* (n_in): unit j's weights */
        if (dkernel != NULL) {
            float *dw = dkernel + (uint32_t)j * n_in; /* (n_in) */
            for (i = 0; i < n_in; i++) dw[i] += g * in[i];
        }
        if (dbias != NULL) dbias[j] += g;
        if (din != NULL) {
            for (i = 0; i < n_in; i++) din[i] += w[i] * g;
        }
    }
}
