/* The quantizer of graph models: a float32 graph (convolutions, pooling, Dense, ...) and calibration
 * inputs in, an int8 graph model file (format 2.2, docs/format.md "int8 graphs") out, by TFLite's
 * post-training full-integer rules (docs/numerics.md, "int8 graphs"). */
#ifndef ANNE_QUANTIZE_GRAPH_H
#define ANNE_QUANTIZE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_quantize.h"

/* Quantizes the graph ir (ir->n_ops > 0) with calib (n_rows, ir->n_inputs) raw inputs (before the
 * model's input scaling) into a malloc'd int8 graph model file (*bytes, *size; free()). opts->to must
 * be ANNE_DTYPE_S8; opts->per_tensor gives each op one weight scale. The float model runs over the
 * calibration rows (anne_graph_trace.h) and every tensor's range is recorded; then, in TFLite's way:
 * activations per-tensor asymmetric from their range (widened to include 0, zero point nudged), the
 * weights of Dense and convolutions symmetric per output channel (max |w| / 127), biases int32 at
 * in_scale * w_scale[c], pooling, reshaping and zero padding keeping their input's quantization, Add,
 * Subtract, Multiply (2 inputs) and Concatenate from their range (a Concatenate's input quantized
 * otherwise through a table), softmax and sigmoid at 1/256 and -128, tanh at 1/128 and 0, a fused relu
 * as the output clamp, any other fused activation split off into an ACTIVATION op of its own. An op
 * with no int8 form in format 2.2 (or more inputs than it takes there) is refused by its position, name
 * and kind. Errors name the op. */
int anne_quantize_graph(const anne_ir *ir, const float *calib, size_t n_rows, const anne_quantize_opts *opts,
                        unsigned char **bytes, size_t *size, anne_quantize_info *info, anne_error *err);

/* The weight scales of a DENSE (kernel (C, n_in)), CONV2D ((C, kh, kw, in_c)) or DEPTHWISE_CONV2D
 * ((kh, kw, C)) op with C output channels: scale[c] = max |w| over channel c / 127 (TFLite's symmetric
 * per-channel int8 weights, zero point 0), or one scale over the whole kernel in all C with per_tensor;
 * 1 for a channel of zeros. */
void anne_quantize_weight_scales(const anne_ir_op *op, uint32_t channels, int per_tensor, float *scale);

/* The op kinds the quantizer gives an int8 form ("Dense, Conv2D, ... and Activation"), for messages,
 * into buf (cap bytes). */
void anne_quantize_graph_kinds(char *buf, size_t cap);

#endif /* ANNE_QUANTIZE_GRAPH_H */
