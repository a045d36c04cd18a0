/* Dense layer in float32: one dot product per unit over a row of the (n_out, n_in) kernel. */
#include "anne.h"

void anne_dense_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                            uint16_t n_in, uint16_t n_out) {
    uint16_t j, i;
    for (j = 0; j < n_out; j++) {
        const float *w = kernel + (uint32_t)j * n_in; /* (n_in): unit j's weights */
        float acc = 0.0f;
        for (i = 0; i < n_in; i++) acc += w[i] * in[i];
        out[j] = bias ? acc + bias[j] : acc; /* bias last, as Keras adds it after the matmul */
    }
}
