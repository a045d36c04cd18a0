/* Pooling in float32, the reference kernels of anne_ops.h: max and average over a window
 * (MaxPooling1D/2D, AveragePooling1D/2D) and over all positions (GlobalMax/GlobalAveragePooling). */
#include "anne_math_f32.h"
#include "anne_ops.h"

#define ANNE__NEG_INF anne__f32_from_bits(0xFF800000u)

/* Both poolings walk the window the same way, in the order ky, kx, and reduce its positions inside
 * the input to a max or to a mean. Padding positions are skipped, not read as 0: TF's 'same' pooling
 * neither lets a 0 win a max of negatives nor counts it in an average. */
static void anne__pool2d(float *out, const float *in, const anne_window_params *p, int average) {
    const anne_window *win = p->win;
    uint32_t y, x, c, ky, kx;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            float *dst = out + ((size_t)y * p->out.w + x) * p->out.c; /* (c) */
            for (c = 0; c < p->out.c; c++) {
                float best = ANNE__NEG_INF, sum = 0.0f;
                uint32_t count = 0;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    /* unsigned: rows above the input wrap past in.h and are skipped with those below */
                    uint32_t iy = y * win->stride_h + ky * win->dilation_h - win->pad_top;
                    if (iy >= p->in.h) continue;
                    for (kx = 0; kx < win->kernel_w; kx++) {
                        uint32_t ix = x * win->stride_w + kx * win->dilation_w - win->pad_left;
                        float v;
                        if (ix >= p->in.w) continue;
                        v = in[((size_t)iy * p->in.w + ix) * p->in.c + c];
                        if (average) {
                            sum += v;
                            count++;
                        } else if (anne__f32_lt(best, v)) { /* v > best: a NaN never wins */
                            best = v;
                        }
                    }
                }
                dst[c] = average ? sum / (float)count : best;
            }
        }
    }
}

void anne_max_pool2d_forward_f32(float *out, const float *in, const anne_window_params *p) {
    anne__pool2d(out, in, p, 0);
}

void anne_avg_pool2d_forward_f32(float *out, const float *in, const anne_window_params *p) {
    anne__pool2d(out, in, p, 1);
}

void anne_global_avg_pool_forward_f32(float *out, const float *in, uint32_t n, uint16_t c) {
    uint32_t p, ch;
    const float *row = in; /* (c): position p */
    /* out holds the c running sums: each still adds its positions in order p = 0, 1, ..., and the
     * input is read once, front to back */
    for (ch = 0; ch < c; ch++) out[ch] = 0.0f;
    for (p = 0; p < n; p++, row += c) {
        for (ch = 0; ch < c; ch++) out[ch] += row[ch];
    }
    for (ch = 0; ch < c; ch++) out[ch] /= (float)n;
}

void anne_global_max_pool_forward_f32(float *out, const float *in, uint32_t n, uint16_t c) {
    uint32_t p, ch;
    const float *row = in; /* (c): position p */
    for (ch = 0; ch < c; ch++) out[ch] = ANNE__NEG_INF;
    for (p = 0; p < n; p++, row += c) {
        for (ch = 0; ch < c; ch++) {
            if (anne__f32_lt(out[ch], row[ch])) out[ch] = row[ch]; /* a NaN never wins */
        }
    }
}
