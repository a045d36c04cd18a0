/* Conv2D and DepthwiseConv2D (and their 1-D forms, as H = 1) in int8, TFLite's scheme: the reference
 * kernels of anne_quant.h, one int32 sum per output value over the window's positions inside the
 * input, then the per-channel requantization of the dense int8 layer. Written to be read; the
 * arithmetic is TFLite's reference_integer_ops (conv.h, depthwise_conv.h) and CMSIS-NN's. The public
 * functions are the optimized kernels of anne_conv2d_s8_fast.c (same bits, tested against these),
 * unless ANNE_CONFIG_S8_FAST_CONV is 0. */
#include "anne_conv_s8.h"
#include "anne_quant.h"

/* An output's int32 sum becomes int8: requantized by its channel's multiplier and shift, moved to the
 * output zero point, clamped to the activation's range. */
static int8_t anne__s8_output(int32_t acc, uint32_t o, const anne_s8_dense_params *p) {
    int32_t v = anne_requantize(acc, p->multiplier[o], p->shift[o]) + p->out_zp;
    if (v < p->act_min) v = p->act_min;
    if (v > p->act_max) v = p->act_max;
    return (int8_t)v;
}

void anne__conv2d_ref_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                         const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t y, x, o, ky, kx, c;
    for (y = 0; y < win->out.h; y++) {
        for (x = 0; x < win->out.w; x++) {
            const int8_t *k = kernel; /* (out.c, kernel_h, kernel_w, in.c), read front to back per position */
            for (o = 0; o < win->out.c; o++) {
                int32_t acc = bias != NULL ? bias[o] : 0;
                for (ky = 0; ky < w->kernel_h; ky++) {
                    /* unsigned: a row above the input wraps to a large value and is skipped with those below */
                    uint32_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    for (kx = 0; kx < w->kernel_w; kx++, k += win->in.c) {
                        uint32_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        const int8_t *src;
                        if (iy >= win->in.h || ix >= win->in.w) continue; /* padding: (zp - zp) * w = 0 */
                        src = in + ((size_t)iy * win->in.w + ix) * win->in.c;
                        for (c = 0; c < win->in.c; c++) acc += (int32_t)k[c] * ((int32_t)src[c] - p->in_zp);
                    }
                }
                *out++ = anne__s8_output(acc, o, p);
            }
        }
    }
}

void anne__depthwise_ref_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p) {
    const anne_window *w = win->win;
    uint32_t m = win->in.c != 0u ? (uint32_t)win->out.c / win->in.c : 0u; /* the depth multiplier */
    uint32_t y, x, o, ky, kx;
    for (y = 0; y < win->out.h; y++) {
        for (x = 0; x < win->out.w; x++) {
            for (o = 0; o < win->out.c; o++) {
                int32_t acc = bias != NULL ? bias[o] : 0;
                for (ky = 0; ky < w->kernel_h; ky++) {
                    uint32_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    for (kx = 0; kx < w->kernel_w; kx++) {
                        uint32_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        int32_t v;
                        if (iy >= win->in.h || ix >= win->in.w) continue; /* padding: adds 0 */
                        /* output channel o reads input channel o / m: Keras' and TFLite's (..., in_c, m) */
                        v = in[((size_t)iy * win->in.w + ix) * win->in.c + o / m];
                        acc += (int32_t)kernel[((size_t)ky * w->kernel_w + kx) * win->out.c + o] * (v - p->in_zp);
                    }
                }
                *out++ = anne__s8_output(acc, o, p);
            }
        }
    }
}

#if !ANNE_CONFIG_S8_FAST_CONV
/* A build without the optimized kernels (anne_config.h): the reference ones are the public ones. */
void anne_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p) {
    anne__conv2d_ref_s8(out, in, kernel, bias, win, p);
}

void anne_depthwise_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                      const anne_window_params *win, const anne_s8_dense_params *p) {
    anne__depthwise_ref_s8(out, in, kernel, bias, win, p);
}
#endif
