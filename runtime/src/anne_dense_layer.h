/* Private: the quantized predict loops' entry into the kernels (anne_predict_quant.c; anne_dense_q16.c,
 * anne_dense_s8.c), run straight from the layer records. The kernels read what they need of the record
 * where they use it, so that the loops pass four registers and build nothing. */
#ifndef ANNE_DENSE_LAYER_H
#define ANNE_DENSE_LAYER_H

#include <stdint.h>

#include "anne.h"

/* out (n_out) from in (n_in) for the Q16 layer whose record (ANNE__LAYER_SIZE bytes as words,
 * validated at load) is rec, in a model whose weights section starts at weights: the dense part, not
 * the activation. */
void anne__dense_q16_layer(int32_t *out, const int32_t *in, const uint32_t *rec, const uint8_t *weights);

/* Every layer of a loaded int8 model, activations included, from the input in (n_inputs: at the start
 * of the arena, or not overlapping it) in the arena base (model->arena_bytes, 4-aligned). Returns the output
 * (n_outputs), at one end of the arena. */
const int8_t *anne__s8_run(const anne_model *model, const int8_t *in, int8_t *base);

#endif /* ANNE_DENSE_LAYER_H */
