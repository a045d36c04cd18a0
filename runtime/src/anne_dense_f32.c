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

/* Backward (training), the partner of anne_dense_forward_f32: kernel and bias gradients summed over
 * the samples of a batch, and the gradient for the layer below. */
#include "anne_train.h"

void anne_dense_backward_f32(float *din, float *dkernel, float *dbias, const float *dout, const float *in,
                             const float *kernel, uint16_t n_in, uint16_t n_out) {
    uint16_t j, i;
    if (din != NULL) {
        for (i = 0; i < n_in; i++) din[i] = 0.0f;
    }
    for (j = 0; j < n_out; j++) {
        float g = dout[j];
        const float *w = kernel + (uint32_t)j * n_in; /* (n_in): unit j's weights */
        if (dkernel != NULL) {
            float *dw = dkernel + (uint32_t)j * n_in; /* (n_in) */
            for (i = 0; i < n_in; i++) dw[i] += g * in[i];
        }
        if (dbias != NULL) dbias[j] += g;
        if (din != NULL) {
            for (i = 0; i < n_in; i++) din[i] += w[i] * g;
        }
    }
}
