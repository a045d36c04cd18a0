/* Conv2D (and Conv1D, as H = 1) in float32: the reference kernel of anne_ops.h, one dot product per
 * output value, summed in the order the contract fixes (ky, kx, c; bias last). */
#include "anne_ops.h"

void anne_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                             const anne_window_params *p) {
    const anne_window *win = p->win;
    uint32_t y, x, o, ky, kx, c;
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
