/* Keras' default initializers for training from scratch: glorot_uniform kernels (biases start at 0). */
#include <math.h>

#include "anne_train.h"

void anne_init_glorot_uniform_f32(float *kernel, uint16_t n_in, uint16_t n_out, anne_rng *rng) {
    uint32_t i, n = (uint32_t)n_in * n_out;
    /* one correctly rounded division and square root: the same limit on every IEEE-754 target */
    float limit = sqrtf(6.0f / (float)((uint32_t)n_in + n_out));
    for (i = 0; i < n; i++) {
        float u = anne_rng_uniform(rng);
        kernel[i] = limit * (2.0f * u - 1.0f); /* 2u - 1 is exact: 24-bit u */
    }
}
