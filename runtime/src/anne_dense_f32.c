/* Dense layer in float32: one dot product per unit over a row of the (n_out, n_in) kernel. */
#include "anne.h"

/* Every unit sums its products in input order (i = 0, 1, ...), one rounding per step, bias last:
 * the same sums on every target and in every variant below, so host and boards agree bit for bit.
 * With ANNE_CONFIG_DENSE_ROWS 4, four units share each input load (one pass over the input per four
 * rows): on an FPU core that saves a load per multiply-accumulate; the order of each sum is unchanged. */
void anne_dense_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                            uint16_t n_in, uint16_t n_out) {
    uint16_t j = 0, i;
#if ANNE_CONFIG_DENSE_ROWS == 4
    for (; j + 4u <= n_out; j += 4u) {
        const float *w0 = kernel + (uint32_t)j * n_in; /* (4, n_in): units j .. j+3 */
        const float *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        for (i = 0; i < n_in; i++) {
            float x = in[i];
            a0 += w0[i] * x;
            a1 += w1[i] * x;
            a2 += w2[i] * x;
            a3 += w3[i] * x;
        }
        if (bias) {
            a0 += bias[j];
            a1 += bias[j + 1u];
            a2 += bias[j + 2u];
            a3 += bias[j + 3u];
        }
        out[j] = a0;
        out[j + 1u] = a1;
        out[j + 2u] = a2;
        out[j + 3u] = a3;
    }
#endif
    for (; j < n_out; j++) {
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
