/* Private: one Q16 or int8 dense layer run straight from its layer record, the quantized predict
 * loops' entry into the kernels (anne_predict_quant.c; anne_dense_q16.c, anne_dense_s8.c). The
 * kernels read what they need of the record where they use it, so that the loops pass four registers
 * and build nothing. */
#ifndef ANNE_DENSE_LAYER_H
#define ANNE_DENSE_LAYER_H

#include <stdint.h>

/* out (n_out) from in (n_in) for the Q16 layer whose record (ANNE__LAYER_SIZE bytes as words,
 * validated at load) is rec, in a model whose weights section starts at weights: the dense part, not
 * the activation. */
void anne__dense_q16_layer(int32_t *out, const int32_t *in, const uint32_t *rec, const uint8_t *weights);

/* The same for an int8 layer: the dense part with its requantization and clamp, not a LUT or softmax
 * activation. */
void anne__dense_s8_layer(int8_t *out, const int8_t *in, const uint32_t *rec, const uint8_t *weights);

#endif /* ANNE_DENSE_LAYER_H */
