/* The optimized int8 convolutions (ANNE_CONFIG_S8_FAST_CONV, the default): the public
 * anne_conv2d_forward_s8 and anne_depthwise_conv2d_forward_s8, bit for bit the reference kernels of
 * anne_conv2d_s8.c, which say what is computed. How it is made fast (docs/mcu-report.md):
 *  - Conv2D takes the output channels in groups of G (4 on cores with the DSP extension and on the
 *    host, 2 on ARMv6-M) that share each input load, and a window row as one run of contiguous bytes:
 *    in (H, W, C) the kw positions of a row are kw * C adjacent bytes, and the filter's row is too, so
 *    a 1x1 convolution is a dense layer over the pixels and a 3x3 one three dense runs per pixel.
 *  - The runs multiply the raw int8 inputs (no zero point in the loop, so words of four inputs feed
 *    SMLAD or the ARMv6-M pair kernel as they are); the group's -in_zp * sum of its weights is added
 *    once per output instead, computed once per group for the pixels whose window is all inside the
 *    input, and from the window's inside part for the others (the padding adds nothing).
 *  - The requantization is inlined into the one output step (anne_requant.h).
 * Integer sums are exact, so any order gives the same bits. Sums are kept as uint32 (wrapping as the
 * int32 ones never do: the loader's bias bound keeps every output's sum within int32; a partial sum
 * of the raw products may pass it, which the modular sum takes back). */
#include "anne_conv_s8.h"
#include "anne_inline.h"
#include "anne_requant.h"
#include "anne_s8_out.h"

#if ANNE_CONFIG_S8_FAST_CONV

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include "anne_s8_dsp.h"
#define ANNE__CG 4u
/* the dense kernel's Thumb-2 assembly (anne_dense_s8.c) is built with GCC's optimizer */
#if defined(__GNUC__) && defined(__OPTIMIZE__) && defined(__thumb2__)
#define ANNE__QUAD_ASM 1
#endif
#elif defined(__ARM_ARCH_6M__)
#define ANNE__CG 2u
#else
#define ANNE__CG 4u
#endif

#ifndef ANNE__QUAD_ASM
#define ANNE__QUAD_ASM 0
#endif

/* The ARMv6-M assembly of anne_dense_s8.c: two rows' sums over n words-aligned inputs. */
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__) && defined(__OPTIMIZE__)
#define ANNE__PAIR_ASM 1
uint64_t anne__s8_pair(const int8_t *x, const int8_t *w0, uint32_t n_in, uint32_t ws);
#else
#define ANNE__PAIR_ASM 0
#endif

/* acc[u] += sum over i < n of w[u * ws + i] * x[i], for the G rows u of a group. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* Four inputs a word: SXTB16 widens (x0, x2) and (x1, x3) once for the four rows; per row one weight
 * word, two SXTB16 and two SMLAD. */
static ANNE__NOINLINE void anne__dotg(uint32_t *acc, const int8_t *x, const int8_t *w, uint32_t ws, uint32_t n) {
    int32_t a0 = (int32_t)acc[0], a1 = (int32_t)acc[1], a2 = (int32_t)acc[2], a3 = (int32_t)acc[3];
    const int8_t *end = x + (n & ~3u), *w2 = w + 2u * ws;
    while (x != end) {
        int32_t xv = anne__ld4(x), xa = __sxtb16(xv), xb = __sxtb16(anne__ror8(xv));
        a0 = anne__smlad4(a0, anne__ld4(w), xa, xb);
        a1 = anne__smlad4(a1, anne__ld4(w + ws), xa, xb);
        a2 = anne__smlad4(a2, anne__ld4(w2), xa, xb);
        a3 = anne__smlad4(a3, anne__ld4(w2 + ws), xa, xb);
        x += 4, w += 4, w2 += 4;
    }
    for (n &= 3u; n != 0; n--, x++, w++, w2++) {
        a0 += *w * *x, a1 += w[ws] * *x, a2 += *w2 * *x, a3 += w2[ws] * *x;
    }
    acc[0] = (uint32_t)a0, acc[1] = (uint32_t)a1, acc[2] = (uint32_t)a2, acc[3] = (uint32_t)a3;
}
#else
static ANNE__NOINLINE void anne__dotg(uint32_t *acc, const int8_t *x, const int8_t *w, uint32_t ws, uint32_t n) {
    uint32_t i, u;
#if ANNE__PAIR_ASM
    /* words of four, where the inputs, the rows and the run are 4-aligned (ARMv6-M faults otherwise) */
    if ((((uintptr_t)x | (uintptr_t)w | ws | n) & 3u) == 0 && n != 0) {
        uint64_t a = anne__s8_pair(x, w, n, ws);
        acc[0] += (uint32_t)a;
        acc[1] += (uint32_t)(a >> 32);
        return;
    }
#endif
    for (i = 0; i < n; i++) {
        int32_t t = x[i];
        for (u = 0; u < ANNE__CG; u++) acc[u] += (uint32_t)(w[u * ws + i] * t);
    }
}
#endif

/* acc[u] += w_u . x over n inputs for rows w_u = w + u * n (a dense layer's rows, a 1x1 filter's):
 * on the Cortex-M33 the dense kernel's assembly (anne_dense_s8.c, 53 cycles per 32 MACs) where n is a
 * multiple of 8, else anne__dotg. */
#if ANNE__QUAD_ASM
void anne__s8_quad_dsp(int32_t acc[4], const int8_t *x, const int8_t *w0, uint32_t stride);
#endif
ANNE__ALWAYS_INLINE void anne__dotg_rows(uint32_t *acc, const int8_t *x, const int8_t *w, uint32_t n) {
#if ANNE__QUAD_ASM
    if ((n & 7u) == 0) {
        int32_t a[4];
        uint32_t u;
        anne__s8_quad_dsp(a, x, w, n);
        for (u = 0; u < 4u; u++) acc[u] += (uint32_t)a[u];
        return;
    }
#endif
    anne__dotg(acc, x, w, n, n);
}

/* s[u] -= in_zp * sum over i < n of w[u * ws + i]: a run's share of the zero point's term. */
ANNE__ALWAYS_INLINE void anne__zp_run(uint32_t *s, const int8_t *w, uint32_t ws, uint32_t n, int32_t zp) {
    uint32_t u, i;
    for (u = 0; u < ANNE__CG; u++, w += ws) {
        int32_t t = 0;
        for (i = 0; i < n; i++) t += w[i];
        s[u] -= (uint32_t)(zp * t);
    }
}

/* The valid positions [*k0, *k1) of a window axis of k taps (dilation d) at output index o: those with
 * 0 <= o * stride + k * d - pad < size. */
ANNE__ALWAYS_INLINE void anne__taps(uint32_t *k0, uint32_t *k1, uint32_t o, uint32_t stride, uint32_t d,
                                    uint32_t pad, uint32_t size, uint32_t k) {
    uint32_t base = o * stride, a = 0, b = k;
    while (a < b && base + a * d < pad) a++;                 /* before the input */
    while (b > a && base + (b - 1u) * d >= pad + size) b--; /* after it */
    *k0 = a, *k1 = b;
}

/* Output step: the int32 sum requantized with channel o's multiplier and shift, clamped. */
static ANNE__NOINLINE int8_t anne__s8_fast_out(uint32_t acc, uint32_t o, const anne_s8_dense_params *p) {
    return anne__s8_out(anne__requantize(anne__u2i(acc), p->multiplier[o], p->shift[o]), p->out_zp, p->act_min,
                        p->act_max);
}

/* The window positions [lo, hi) of one axis that fall inside the input (size n), for a window of k
 * positions (dilation 1) whose first one is at `first` (wrapped when before the input); returned as
 * lo | hi << 16. */
ANNE__ALWAYS_INLINE uint32_t anne__span(uint32_t first, uint32_t k, uint32_t n) {
    int32_t f = anne__u2i(first), lo = f < 0 ? -f : 0, hi = (int32_t)n - f;
    if (hi > (int32_t)k) hi = (int32_t)k;
    if (lo > (int32_t)k) lo = (int32_t)k;
    if (hi < lo) hi = lo;
    return (uint32_t)lo | (uint32_t)hi << 16;
}

/* Conv2D: per group of G output channels (the last group ends at the last channel, redoing some of the
 * one before with the same values), its full start values bias - in_zp * sum of all its weights once;
 * per output pixel the sums from them when the window is inside the input, else from the bias with the
 * inside part's zero-point term; one run per window row inside (kw * C adjacent bytes); the G outputs.
 * Dilation 1 (else the reference kernel). Written for few live values: on ARMv6-M every spilled value
 * is a word of the deepest frame, which the boards' 256-byte stack budget counts. */
void anne_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t g, y, x, u;
    uint32_t full[ANNE__CG], acc[ANNE__CG];
    if (win->out.c < ANNE__CG || (w->dilation_h | w->dilation_w) != 1u) {
        anne__conv2d_ref_s8(out, in, kernel, bias, win, p);
        return;
    }
    for (g = 0; g < win->out.c; g += ANNE__CG) {
        uint32_t taps = (uint32_t)w->kernel_h * w->kernel_w * win->in.c;
        int8_t *o = out;
        if (g + ANNE__CG > win->out.c) g = win->out.c - ANNE__CG;
        for (u = 0; u < ANNE__CG; u++) full[u] = bias != NULL ? (uint32_t)bias[g + u] : 0u;
        anne__zp_run(full, kernel + (size_t)g * taps, taps, taps, p->in_zp);
        if (taps == win->in.c && (w->stride_h | w->stride_w) == 1u) { /* 1x1, stride 1: a dense layer per pixel */
            const int8_t *x0 = in, *end = in + (size_t)win->out.h * win->out.w * taps;
            for (; x0 != end; x0 += taps, o += win->out.c) {
                for (u = 0; u < ANNE__CG; u++) acc[u] = full[u];
                anne__dotg_rows(acc, x0, kernel + (size_t)g * taps, taps);
                for (u = 0; u < ANNE__CG; u++) o[g + u] = anne__s8_fast_out(acc[u], g + u, p);
            }
            continue;
        }
        for (y = 0; y < win->out.h; y++) {
            for (x = 0; x < win->out.w; x++, o += win->out.c) {
                uint32_t ys = anne__span(y * w->stride_h - w->pad_top, w->kernel_h, win->in.h);
                uint32_t xs = anne__span(x * w->stride_w - w->pad_left, w->kernel_w, win->in.w);
                uint32_t ky, kx0 = xs & 0xFFFFu, c = win->in.c, n = ((xs >> 16) - kx0) * c;
                const int8_t *wg = kernel + ((size_t)g * w->kernel_h * w->kernel_w + kx0) * c;
                int edge = ys != (uint32_t)w->kernel_h << 16 || xs != (uint32_t)w->kernel_w << 16;
                taps = (uint32_t)w->kernel_h * w->kernel_w * c;
                for (u = 0; u < ANNE__CG; u++) acc[u] = !edge ? full[u] : bias != NULL ? (uint32_t)bias[g + u] : 0u;
                for (ky = ys & 0xFFFFu; ky < ys >> 16; ky++) {
                    const int8_t *k = wg + (size_t)ky * w->kernel_w * c;
                    if (edge) anne__zp_run(acc, k, taps, n, p->in_zp);
                    anne__dotg(acc, in + ((size_t)(y * w->stride_h + ky - w->pad_top) * win->in.w +
                                          (x * w->stride_w + kx0 - w->pad_left)) * c, k, taps, n);
                }
                for (u = 0; u < ANNE__CG; u++) o[g + u] = anne__s8_fast_out(acc[u], g + u, p);
            }
        }
    }
}

/* The window of one depthwise output pixel, as its four-channel sums walk it: ny rows of nx positions
 * inside the input; a position a pixel (ic bytes) from the next in the input and a row (in_row bytes)
 * below; the kernel's (oc bytes, k_row bytes). */
typedef struct anne__dw_geo {
    uint32_t ny, nx, ic, in_row, oc, k_row;
    int32_t zp;
} anne__dw_geo;

/* acc[j] += sum over the window of k[j] * (x[j] - zp), channels j < 4 (one output pixel, depth
 * multiplier 1): the four channels share each position's address arithmetic and loop. */
static ANNE__NOINLINE void anne__dw4(uint32_t *acc, const int8_t *x, const int8_t *k, const anne__dw_geo *g) {
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], r, n;
    int32_t zp = g->zp;
    for (r = g->ny; r != 0; r--, x += g->in_row - g->nx * g->ic, k += g->k_row - g->nx * g->oc) {
        for (n = g->nx; n != 0; n--, x += g->ic, k += g->oc) {
            a0 += (uint32_t)(k[0] * (x[0] - zp));
            a1 += (uint32_t)(k[1] * (x[1] - zp));
            a2 += (uint32_t)(k[2] * (x[2] - zp));
            a3 += (uint32_t)(k[3] * (x[3] - zp));
        }
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* Depthwise: per output pixel the window's inside positions (anne__span: no test per position); with
 * depth multiplier 1 four channels at a time (anne__dw4), else per channel, whose input channel o / m
 * is counted without a division. The input zero point is taken off each input, so the padding needs
 * no term of its own. Dilation 1 (else the reference kernel). */
void anne_depthwise_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                      const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t oc = win->out.c, m = oc / win->in.c, y, x, o, j;
    anne__dw_geo g;
    uint32_t acc[4];
    if ((w->dilation_h | w->dilation_w) != 1u) {
        anne__depthwise_ref_s8(out, in, kernel, bias, win, p);
        return;
    }
    g.ic = win->in.c, g.oc = oc, g.in_row = (uint32_t)win->in.w * win->in.c, g.k_row = (uint32_t)w->kernel_w * oc;
    g.zp = p->in_zp;
    for (y = 0; y < win->out.h; y++) {
        uint32_t ys = anne__span(y * w->stride_h - w->pad_top, w->kernel_h, win->in.h);
        g.ny = (ys >> 16) - (ys & 0xFFFFu);
        for (x = 0; x < win->out.w; x++) {
            uint32_t xs = anne__span(x * w->stride_w - w->pad_left, w->kernel_w, win->in.w), ci = 0;
            /* the window's first position inside (the unsigned sums of wrapped indices are the true ones) */
            const int8_t *x0 = in + (size_t)(((y * w->stride_h - w->pad_top + (ys & 0xFFFFu)) * win->in.w +
                                              x * w->stride_w - w->pad_left + (xs & 0xFFFFu)) * g.ic);
            const int8_t *k0 = kernel + ((size_t)(ys & 0xFFFFu) * w->kernel_w + (xs & 0xFFFFu)) * oc;
            g.nx = (xs >> 16) - (xs & 0xFFFFu);
            for (o = 0, j = 0; o < oc;) {
                if (m == 1u && oc - o >= 4u) {
                    for (j = 0; j < 4u; j++) acc[j] = bias != NULL ? (uint32_t)bias[o + j] : 0u;
                    anne__dw4(acc, x0 + o, k0 + o, &g);
                    for (j = 0; j < 4u; j++, o++) *out++ = anne__s8_fast_out(acc[j], o, p);
                    j = 0, ci += 4u; /* (m 1: input channel o) */
                    continue;
                }
                acc[0] = bias != NULL ? (uint32_t)bias[o] : 0u;
                {
                    const int8_t *xs0 = x0 + ci, *k = k0 + o;
                    uint32_t r, n;
                    for (r = g.ny; r != 0; r--, xs0 += g.in_row - g.nx * g.ic, k += g.k_row - g.nx * oc) {
                        for (n = g.nx; n != 0; n--, xs0 += g.ic, k += oc) acc[0] += (uint32_t)(*k * (*xs0 - g.zp));
                    }
                }
                *out++ = anne__s8_fast_out(acc[0], o, p);
                o++;
                if (++j == m) j = 0, ci++; /* the next input channel after m outputs */
            }
        }
    }
}

#else
typedef int anne__conv2d_s8_fast_off; /* (ISO C: a translation unit declares something) */
#endif /* ANNE_CONFIG_S8_FAST_CONV */
