/* PReLU in float32: the one activation with a parameter per unit (Keras' PReLU layer), kept apart
 * from anne_activation_forward_f32(), whose parameters are shared by all units. */
#include "anne.h"
#include "anne_ops.h"

void anne_prelu_forward_f32(float *x, size_t n, const float *alpha) {
    size_t i;
    /* Keras: relu(x) - alpha * relu(-x), i.e. alpha * x below zero */
    for (i = 0; i < n; i++) x[i] = x[i] >= 0.0f ? x[i] : alpha[i] * x[i];
}

void anne_prelu_channels_f32(float *x, uint32_t n, uint16_t c, const float *alpha) {
    uint32_t p;
    /* (n, c): each row of c values takes the per-channel slopes */
    for (p = 0; p < n; p++) anne_prelu_forward_f32(x + (size_t)p * c, c, alpha);
}
