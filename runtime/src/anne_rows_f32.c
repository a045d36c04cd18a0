/* Row-wise ops over the last axis of a float32 tensor of any rank, the reference kernels of
 * anne_ops.h: Dense (as Keras applies it to every row, also TimeDistributed(Dense)) and softmax,
 * each row through the runtime's vector kernel (anne.h), so a row gives the bits a vector gives. */
#include "anne.h"
#include "anne_ops.h"

void anne_dense_rows_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                                 uint32_t rows, uint16_t n_in, uint16_t n_out) {
    uint32_t r;
    for (r = 0; r < rows; r++) {
        /* in (rows, n_in) row r into out (rows, n_out) row r; kernel (n_out, n_in) */
        anne_dense_forward_f32(out + (size_t)r * n_out, in + (size_t)r * n_in, kernel, bias, n_in, n_out);
    }
}

void anne_softmax_rows_f32(float *x, uint32_t n, uint16_t c) {
    static const float no_param[3] = {0.0f, 0.0f, 0.0f}; /* softmax has no parameters */
    uint32_t p;
    for (p = 0; p < n; p++) anne_activation_forward_f32(x + (size_t)p * c, c, ANNE_ACT_SOFTMAX, no_param);
}
