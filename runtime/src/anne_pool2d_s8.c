/* Pooling in int8, the reference kernels of anne_quant_ops.h: max and average over a window
 * (MaxPooling1D/2D, AveragePooling1D/2D), as TFLite's reference_integer_ops MaxPool and AveragePool.
 * The output keeps the input's scale and zero point, so there is no requantization: a max is a max of
 * the integers, an average their mean rounded half away from zero. */
#include "anne_quant_ops.h"

/* v clamped to the fused activation's range */
static int8_t anne__clamp_s8(int32_t v, int32_t lo, int32_t hi) {
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int8_t)v;
}

/* Both poolings walk the window as the float32 kernels do, positions outside the input skipped (TF's
 * 'same' pooling neither lets padding win a max nor counts it in an average). */
static void anne__pool2d_s8(int8_t *out, const int8_t *in, const anne_window_params *p, int32_t act_min,
                            int32_t act_max, int average) {
    const anne_window *win = p->win;
    uint32_t y, x, c, ky, kx;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            for (c = 0; c < p->out.c; c++) {
                int32_t best = -128, sum = 0, count = 0;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    /* unsigned: rows above the input wrap past in.h and are skipped with those below */
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                    if (iy >= p->in.h) continue;
                    for (kx = 0; kx < win->kernel_w; kx++) {
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        int32_t v;
                        if (ix >= p->in.w) continue;
                        v = in[((size_t)iy * p->in.w + ix) * p->in.c + c];
                        sum += v; /* |sum| <= 128 n; 128.5 n < 2^31 for n <= 2^24 - 2^16 */
                        count++;
                        if (v > best) best = v;
                    }
                }
                if (average && count > 0) {
                    /* TFLite's rounding: half away from zero, by C's truncating division */
                    best = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                } else if (average) {
                    best = 0;
                }
                *out++ = anne__clamp_s8(best, act_min, act_max);
            }
        }
    }
}

void anne_max_pool2d_forward_s8(int8_t *out, const int8_t *in, const anne_window_params *p, int32_t act_min,
                                int32_t act_max) {
    anne__pool2d_s8(out, in, p, act_min, act_max, 0);
}

void anne_avg_pool2d_forward_s8(int8_t *out, const int8_t *in, const anne_window_params *p, int32_t act_min,
                                int32_t act_max) {
    anne__pool2d_s8(out, in, p, act_min, act_max, 1);
}
