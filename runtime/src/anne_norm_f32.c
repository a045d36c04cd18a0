/* Normalizations over the last axis in float32, the reference kernels of anne_ops.h: the per-channel
 * affine map of an unfolded BatchNormalization, and LayerNormalization. */
#include <math.h>

#include "anne_math_f32.h"
#include "anne_ops.h"

void anne_channel_affine_f32(float *x, uint32_t n, uint16_t c, const float *scale, const float *shift) {
    uint32_t p, ch;
    for (p = 0; p < n; p++, x += c) { /* x: (c), position p */
        for (ch = 0; ch < c; ch++) x[ch] = x[ch] * scale[ch] + shift[ch];
    }
}

/* Two passes over each row, the mean first and then the squares of the deviations from it: no
 * cancellation, unlike mean(x^2) - mean^2. sqrtf is IEEE-754's correctly rounded square root (libm,
 * as tanhf and expm1f in anne_activation_f32.c; a single instruction on an FPU core), so every
 * target gets the same bits. */
void anne_layer_norm_f32(float *x, uint32_t n, uint16_t c, const float *gamma, const float *beta, float epsilon) {
    uint32_t p, i;
    float count = (float)c;
    for (p = 0; p < n; p++, x += c) { /* x: (c), row p */
        float sum = 0.0f, sq = 0.0f, neg_mean, sd;
        for (i = 0; i < c; i++) sum += x[i];
        neg_mean = anne__f32_neg(sum / count);
        for (i = 0; i < c; i++) {
            float d = x[i] + neg_mean; /* x - mean */
            sq += d * d;
        }
        sd = sqrtf(sq / count + epsilon);
        for (i = 0; i < c; i++) {
            float v = (x[i] + neg_mean) / sd;
            if (gamma != NULL) v = v * gamma[i];
            if (beta != NULL) v = v + beta[i];
            x[i] = v;
        }
    }
}
