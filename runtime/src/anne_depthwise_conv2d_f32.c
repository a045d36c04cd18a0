/* DepthwiseConv2D (and DepthwiseConv1D, as H = 1) in float32: the reference kernel of anne_ops.h, each
 * output channel a filter over one input channel, summed in the order ky, kx, bias last. */
#include "anne_ops.h"

void anne_depthwise_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                                       const anne_window_params *p) {
    const anne_window *win = p->win;
    uint32_t m = p->in.c != 0u ? (uint32_t)p->out.c / p->in.c : 0u; /* the depth multiplier */
    uint32_t y, x, o, c, j, ky, kx;
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
