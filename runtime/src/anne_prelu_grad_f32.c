/* PReLU backward in float32: the gradients of the input and of the per-unit slopes, with Keras'
 * derivative at 0 (the forward pass is anne_prelu_f32.c). */
#include "anne_prelu_grad.h"

void anne_prelu_backward_f32(float *dx, float *dalpha, const float *dy, const float *x, const float *alpha, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        float g = dy[i]; /* read before dx[i] is written: dx may be dy */
        if (x[i] < 0.0f) {
            if (dalpha != NULL) dalpha[i] += g * x[i];
            dx[i] = g * alpha[i];
        } else {
            /* Keras builds PReLU from two relus, whose gradient at 0 is 0 (TF.js' prelu op gives alpha) */
            dx[i] = x[i] > 0.0f ? g : 0.0f;
        }
    }
}
