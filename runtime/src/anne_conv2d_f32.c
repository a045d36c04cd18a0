/* Conv2D (and Conv1D, as H = 1) in float32: the reference kernel of anne_ops.h, one dot product per
 * output value, summed in the order the contract fixes (ky, kx, c; bias last). */
#include "anne_ops.h"

void anne_conv2d_forward_f32(float *out, anne_hwc out_shape, const float *in, anne_hwc in_shape,
                             const float *kernel, const float *bias, const anne_window *win) {
    /* floats per output channel's filter: (kernel_h, kernel_w, in.c) */
    size_t filter = (size_t)win->kernel_h * win->kernel_w * in_shape.c;
    uint32_t y, x, o, ky, kx, c;
    for (y = 0; y < out_shape.h; y++) {
        for (x = 0; x < out_shape.w; x++) {
            float *dst = out + ((size_t)y * out_shape.w + x) * out_shape.c; /* (out.c) */
            for (o = 0; o < out_shape.c; o++) {
                const float *w = kernel + o * filter; /* (kernel_h, kernel_w, in.c) */
                float acc = 0.0f;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    /* unsigned: a row above the input wraps to a large value, so one test against
                     * in.h skips the padding on both sides and no padding position is ever read */
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                    if (iy >= in_shape.h) continue;
                    for (kx = 0; kx < win->kernel_w; kx++) {
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        const float *src, *wk;
                        if (ix >= in_shape.w) continue;
                        src = in + ((size_t)iy * in_shape.w + ix) * in_shape.c;   /* (in.c) */
                        wk = w + ((size_t)ky * win->kernel_w + kx) * in_shape.c; /* (in.c) */
                        for (c = 0; c < in_shape.c; c++) acc += wk[c] * src[c];
                    }
                }
                dst[o] = bias != NULL ? acc + bias[o] : acc; /* bias last, as Keras adds it */
            }
        }
    }
}
