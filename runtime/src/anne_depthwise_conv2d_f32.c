/* DepthwiseConv2D (and DepthwiseConv1D, as H = 1) in float32: the reference kernel of anne_ops.h, each
 * output channel a filter over one input channel, summed in the order ky, kx, bias last. On cores with
 * a single-precision FPU (anne_f32_fast.h) a depth multiplier of 1 keeps eight channels' sums in
 * registers across the window instead, each in that order, so the bits are the same. */
#include "anne_f32_fast.h"
#include "anne_ops.h"

#if ANNE__F32_FAST
/* Depth multiplier 1: for eight channels at a time, the eight sums stay in FPU registers while the
 * window is walked (the reference adds into the output in memory: a load and a store per product);
 * the in.c % 8 channels left are summed one by one over the window. Each sum in the order ky, kx,
 * bias last. Measured on the M33 (bench/mcu-bench, depthwise3x3): see bench/README.md. */
__attribute__((noinline)) static void anne__depthwise_f32_by8(float *out, const float *in, const float *kernel,
                                                              const float *bias, const anne_window_params *p) {
    const anne_window *win = p->win;
    const uint32_t n_c = p->in.c;
    uint32_t y, x, c, ky, kx;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++, out += n_c) {
            for (c = 0; c < n_c; c = c + 8u <= n_c ? c + 8u : c + 1u) {
                const uint32_t lanes = c + 8u <= n_c ? 8u : 1u; /* eight channels, or one of the last */
                float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f, s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top; /* wraps: skipped */
                    if (iy >= p->in.h) continue;
                    for (kx = 0; kx < win->kernel_w; kx++) {
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        const float *src, *w;
                        if (ix >= p->in.w) continue;
                        src = in + ((size_t)iy * p->in.w + ix) * n_c + c;
                        w = kernel + ((size_t)ky * win->kernel_w + kx) * n_c + c;
                        s0 += w[0] * src[0];
                        if (lanes == 8u) {
                            s1 += w[1] * src[1];
                            s2 += w[2] * src[2];
                            s3 += w[3] * src[3];
                            s4 += w[4] * src[4];
                            s5 += w[5] * src[5];
                            s6 += w[6] * src[6];
                            s7 += w[7] * src[7];
                        }
                    }
                }
                if (bias != NULL) { /* bias last */
                    s0 += bias[c];
                    if (lanes == 8u) {
                        s1 += bias[c + 1u];
                        s2 += bias[c + 2u];
                        s3 += bias[c + 3u];
                        s4 += bias[c + 4u];
                        s5 += bias[c + 5u];
                        s6 += bias[c + 6u];
                        s7 += bias[c + 7u];
                    }
                }
                out[c] = s0;
                if (lanes == 8u) {
                    out[c + 1u] = s1;
                    out[c + 2u] = s2;
                    out[c + 3u] = s3;
                    out[c + 4u] = s4;
                    out[c + 5u] = s5;
                    out[c + 6u] = s6;
                    out[c + 7u] = s7;
                }
            }
        }
    }
}
#endif

void anne_depthwise_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                                       const anne_window_params *p) {
    const anne_window *win = p->win;
    uint32_t m = p->in.c != 0u ? (uint32_t)p->out.c / p->in.c : 0u; /* the depth multiplier */
    uint32_t y, x, o, c, j, ky, kx;
#if ANNE__F32_FAST
    if (m == 1u) {
        anne__depthwise_f32_by8(out, in, kernel, bias, p);
        return;
    }
#endif
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            /* dst holds the out.c running sums of this position, each summed in the order ky, kx: one
             * pass over the window for all channels, the kernel read row by row */
            float *dst = out + ((size_t)y * p->out.w + x) * p->out.c; /* (in.c, m) */
            for (o = 0; o < p->out.c; o++) dst[o] = 0.0f;
            for (ky = 0; ky < win->kernel_h; ky++) {
                /* unsigned: rows above the input wrap past in.h and are skipped with those below */
                uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                if (iy >= p->in.h) continue;
                for (kx = 0; kx < win->kernel_w; kx++) {
                    uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                    const float *src, *w;
                    if (ix >= p->in.w) continue;
                    src = in + ((size_t)iy * p->in.w + ix) * p->in.c;         /* (in.c) */
                    w = kernel + ((size_t)ky * win->kernel_w + kx) * p->out.c; /* (in.c, m) */
                    /* output channel o = c * m + j reads input channel c: Keras' (kh, kw, in_c, m) */
                    for (c = 0, o = 0; c < p->in.c; c++) {
                        for (j = 0; j < m; j++, o++) dst[o] += w[o] * src[c];
                    }
                }
            }
            if (bias != NULL) {
                for (o = 0; o < p->out.c; o++) dst[o] += bias[o]; /* bias last */
            }
        }
    }
}
