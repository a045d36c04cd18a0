/* Conv2D (and Conv1D, as H = 1) in float32: the reference kernel of anne_ops.h, one dot product per
 * output value, summed in the order the contract fixes (ky, kx, c; bias last). On cores with a
 * single-precision FPU (anne_f32_fast.h) eight output channels share each input load, every sum still
 * in that order, so the bits are the same. */
#include "anne_f32_fast.h"
#include "anne_inline.h"
#include "anne_ops.h"

#if ANNE__F32_FAST
#define ANNE__OPAQUE(p) __asm__("" : "+r"(p)) /* the compiler forgets what it knew of p's value */

/* Per output position, the output channels eight at a time (the last out.c % 8 one at a time): the eight
 * sums stay in FPU registers over the whole window, each input value loaded once for the eight filters
 * (filter floats apart), the products added in the order ky, kx, c of the reference, then the bias.
 * One function that calls none, so that one frame is on the stack (the boards' stack budget). Measured
 * on the M33 (bench/mcu-bench, conv3x3_16x16x16): see bench/README.md. */
static ANNE__NOINLINE void anne__conv2d_f32_by8(float *out, const float *in, const float *kernel, const float *bias,
                                                const anne_window_params *p) {
    const anne_window *win = p->win;
    const uint32_t n_c = p->in.c, filter = (uint32_t)win->kernel_h * win->kernel_w * n_c;
    uint32_t y, x, o, ky, kx, c, lanes;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++, out += p->out.c) {
            const float *w = kernel; /* the group's first filter, then its window position's part */
            for (o = 0; o < p->out.c; o += lanes, w += (lanes - 1u) * filter) {
                float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f, a4 = 0.0f, a5 = 0.0f, a6 = 0.0f, a7 = 0.0f;
                lanes = o + 8u <= p->out.c ? 8u : 1u;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    /* unsigned: rows above and columns left of the input wrap and are skipped */
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                    for (kx = 0; kx < win->kernel_w; kx++, w += n_c) {
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        const float *src;
                        if (iy >= p->in.h || ix >= p->in.w) continue;
                        src = in + ((size_t)iy * p->in.w + ix) * n_c;
                        for (c = 0; c < n_c; c++) {
                            /* one pointer stepping from filter to filter, which GCC would otherwise turn
                             * into seven precomputed offsets spilled to the stack: the empty asm makes
                             * q's value opaque, so each step stays one addition */
                            const float v = src[c], *q = w + c;
                            a0 += *q * v;
                            if (lanes == 1u) continue;
                            ANNE__OPAQUE(q);
                            a1 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a2 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a3 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a4 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a5 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a6 += *(q += filter) * v;
                            ANNE__OPAQUE(q);
                            a7 += *(q + filter) * v;
                        }
                    }
                }
                out[o] = a0;
                if (lanes == 1u) continue;
                out[o + 1u] = a1;
                out[o + 2u] = a2;
                out[o + 3u] = a3;
                out[o + 4u] = a4;
                out[o + 5u] = a5;
                out[o + 6u] = a6;
                out[o + 7u] = a7;
            }
            for (o = 0; bias != NULL && o < p->out.c; o++) out[o] += bias[o]; /* bias last */
        }
    }
}
#endif

void anne_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                             const anne_window_params *p) {
    const anne_window *win = p->win;
    uint32_t y, x, o, ky, kx, c;
#if ANNE__F32_FAST
    if (p->out.c >= 8u) {
        anne__conv2d_f32_by8(out, in, kernel, bias, p);
        return;
    }
#endif
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            /* kernel (out.c, kernel_h, kernel_w, in.c) is read front to back for each output position:
             * output channel o's filter, then o + 1's */
            const float *w = kernel;
            for (o = 0; o < p->out.c; o++) {
                float acc = 0.0f;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    /* unsigned: a row above the input wraps to a large value, so one test against
                     * in.h skips the padding on both sides and no padding position is ever read */
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                    for (kx = 0; kx < win->kernel_w; kx++, w += p->in.c) { /* w: (in.c) */
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        const float *src;
                        if (iy >= p->in.h || ix >= p->in.w) continue;
                        src = in + ((size_t)iy * p->in.w + ix) * p->in.c; /* (in.c) */
                        for (c = 0; c < p->in.c; c++) acc += w[c] * src[c];
                    }
                }
                *out++ = bias != NULL ? acc + bias[o] : acc; /* bias last, as Keras adds it */
            }
        }
    }
}
