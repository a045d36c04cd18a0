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
#include <string.h>

#include "anne_conv_s8.h"
#include "anne_inline.h"
#include "anne_requant.h"
#include "anne_s8_out.h"

#if ANNE_CONFIG_S8_FAST_CONV

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define ANNE__CG 4u
#elif defined(__ARM_ARCH_6M__)
#define ANNE__CG 2u
#else
#define ANNE__CG 4u
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
/* Four int8 values from any address (the Cortex-M33 loads unaligned words). */
ANNE__ALWAYS_INLINE int32_t anne__ld4c(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Bytes 1 and 3 into the places of bytes 0 and 2 (for SXTB16). */
ANNE__ALWAYS_INLINE int32_t anne__ror8c(int32_t v) {
    return (int32_t)(((uint32_t)v >> 8) | ((uint32_t)v << 24));
}

/* Four inputs a word: SXTB16 widens (x0, x2) and (x1, x3) once for the four rows; per row one weight
 * word, two SXTB16 and two SMLAD. */
static ANNE__NOINLINE void anne__dotg(uint32_t *acc, const int8_t *x, const int8_t *w, uint32_t ws, uint32_t n) {
    int32_t a0 = (int32_t)acc[0], a1 = (int32_t)acc[1], a2 = (int32_t)acc[2], a3 = (int32_t)acc[3];
    const int8_t *end = x + (n & ~3u), *w2 = w + 2u * ws;
    while (x != end) {
        int32_t xv = anne__ld4c(x), xa = __sxtb16(xv), xb = __sxtb16(anne__ror8c(xv)), wv;
        wv = anne__ld4c(w);
        a0 = __smlad(__sxtb16(wv), xa, a0);
        a0 = __smlad(__sxtb16(anne__ror8c(wv)), xb, a0);
        wv = anne__ld4c(w + ws);
        a1 = __smlad(__sxtb16(wv), xa, a1);
        a1 = __smlad(__sxtb16(anne__ror8c(wv)), xb, a1);
        wv = anne__ld4c(w2);
        a2 = __smlad(__sxtb16(wv), xa, a2);
        a2 = __smlad(__sxtb16(anne__ror8c(wv)), xb, a2);
        wv = anne__ld4c(w2 + ws);
        a3 = __smlad(__sxtb16(wv), xa, a3);
        a3 = __smlad(__sxtb16(anne__ror8c(wv)), xb, a3);
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

/* s[u] -= in_zp * sum over i < n of w[u * ws + i]: a run's share of the zero point's term. */
static ANNE__NOINLINE void anne__zp_run(uint32_t *s, const int8_t *w, uint32_t ws, uint32_t n, int32_t zp) {
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

/* Output step: the int32 sum requantized with channel o's multiplier and shift, clamped. A leaf of its
 * own: its registers are not the loops' (on ARMv6-M the loops' frame would carry them, and the stack
 * budget of the boards' firmware counts every frame of the deepest chain). */
static ANNE__NOINLINE int8_t anne__s8_fast_out(uint32_t acc, uint32_t o, const anne_s8_dense_params *p) {
    return anne__s8_out(anne__requantize(anne__u2i(acc), p->multiplier[o], p->shift[o]), p->out_zp, p->act_min,
                        p->act_max);
}

/* One output pixel's runs for the group whose weights start at wg: acc[u] += the products of the
 * window's inside positions, one run per window row (kw * C adjacent bytes with dilation 1 across,
 * else one per position); with zp != 0 (a window partly outside the input) also -zp * the inside
 * weights. (iy0, ix0): the window's first position, possibly outside. */
ANNE__ALWAYS_INLINE void anne__conv_runs(uint32_t *acc, const int8_t *in, const int8_t *wg, uint32_t iy0,
                                         uint32_t ix0, const anne_window_params *win, int32_t zp) {
    const anne_window *w = win->win;
    uint32_t c = win->in.c, ky, kx, kx0 = 0, kx1 = w->kernel_w, step;
    while (kx0 < kx1 && ix0 + kx0 * w->dilation_w >= win->in.w) kx0++; /* (left of the input: wrapped) */
    while (kx1 > kx0 && ix0 + (kx1 - 1u) * w->dilation_w - win->in.w < 0x80000000u) kx1--; /* right */
    step = w->dilation_w == 1u ? kx1 - kx0 : 1u;
    for (ky = 0; ky < w->kernel_h; ky++) {
        uint32_t iy = iy0 + ky * w->dilation_h;
        if (iy >= win->in.h) continue; /* padding rows (above the input: wrapped to large values) */
        for (kx = kx0; kx < kx1; kx += step) {
            const int8_t *k = wg + ((size_t)ky * w->kernel_w + kx) * c;
            uint32_t taps = (uint32_t)w->kernel_h * w->kernel_w * c;
            if (zp != 0) anne__zp_run(acc, k, taps, step * c, zp);
            uint32_t ix = ix0 + kx * w->dilation_w; /* inside: the wrapped sum is the true index */
            anne__dotg(acc, in + ((size_t)iy * win->in.w + ix) * c, k, taps, step * c);
        }
    }
}

/* Conv2D: per group of G output channels (the last group ends at the last channel, redoing some of the
 * one before with the same values), its full start values bias - in_zp * sum of all its weights once;
 * per output pixel the sums from them when the window is inside the input, else from the bias with the
 * inside part's zero-point term; the runs; the G outputs. One function with leaves only (a run, a
 * zero-point term, an output step), written for few live values: on ARMv6-M every spilled one is a
 * word of the deepest frame, which the boards' 256-byte stack budget counts. */
void anne_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t g, y, x, u, taps = (uint32_t)w->kernel_h * w->kernel_w * win->in.c;
    uint32_t full[ANNE__CG], acc[ANNE__CG];
    if (win->out.c < ANNE__CG) { /* fewer channels than a group */
        anne__conv2d_ref_s8(out, in, kernel, bias, win, p);
        return;
    }
    for (g = 0; g < win->out.c; g += ANNE__CG) {
        if (g + ANNE__CG > win->out.c) g = win->out.c - ANNE__CG;
        for (u = 0; u < ANNE__CG; u++) full[u] = bias != NULL ? (uint32_t)bias[g + u] : 0u;
        anne__zp_run(full, kernel + (size_t)g * taps, taps, taps, p->in_zp);
        for (y = 0; y < win->out.h; y++) {
            uint32_t iy0 = y * w->stride_h - w->pad_top; /* the window's first row (wrapped above the input) */
            for (x = 0; x < win->out.w; x++) {
                uint32_t ix0 = x * w->stride_w - w->pad_left;
                int inside = iy0 < win->in.h && iy0 + (w->kernel_h - 1u) * w->dilation_h < win->in.h &&
                             ix0 < win->in.w && ix0 + (w->kernel_w - 1u) * w->dilation_w < win->in.w;
                int8_t *o = out + ((size_t)y * win->out.w + x) * win->out.c + g;
                for (u = 0; u < ANNE__CG; u++) acc[u] = inside ? full[u] : bias != NULL ? (uint32_t)bias[g + u] : 0u;
                anne__conv_runs(acc, in, kernel + (size_t)g * taps, iy0, ix0, win, inside ? 0 : p->in_zp);
                for (u = 0; u < ANNE__CG; u++) o[u] = anne__s8_fast_out(acc[u], g + u, p);
            }
        }
    }
}

/* Depthwise: per output pixel and channel the window's inside positions, the input zero point taken
 * off each input (so padding needs no term of its own); channels walked with pointers that step a
 * pixel (in.c, out.c bytes) per window position. Depth multiplier m: channel o reads input o / m. */
void anne_depthwise_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                      const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t oc = win->out.c, ic = win->in.c, m = ic != 0u ? oc / ic : 0u, y, x, o;
    for (y = 0; y < win->out.h; y++) {
        uint32_t ky0, ky1;
        anne__taps(&ky0, &ky1, y, w->stride_h, w->dilation_h, w->pad_top, win->in.h, w->kernel_h);
        for (x = 0; x < win->out.w; x++) {
            uint32_t kx0, kx1, ky, kx;
            anne__taps(&kx0, &kx1, x, w->stride_w, w->dilation_w, w->pad_left, win->in.w, w->kernel_w);
            for (o = 0; o < oc; o++) {
                uint32_t acc = bias != NULL ? (uint32_t)bias[o] : 0u;
                for (ky = ky0; ky < ky1; ky++) {
                    uint32_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    uint32_t ix = x * w->stride_w + kx0 * w->dilation_w - w->pad_left;
                    const int8_t *src = in + ((size_t)iy * win->in.w + ix) * ic + o / m;
                    const int8_t *k = kernel + ((size_t)ky * w->kernel_w + kx0) * oc + o;
                    for (kx = kx0; kx < kx1; kx++, src += (size_t)w->dilation_w * ic, k += oc) {
                        acc += (uint32_t)(*k * (*src - p->in_zp));
                    }
                }
                *out++ = anne__s8_fast_out(acc, o, p);
            }
        }
    }
}

#else
typedef int anne__conv2d_s8_fast_off; /* (ISO C: a translation unit declares something) */
#endif /* ANNE_CONFIG_S8_FAST_CONV */
