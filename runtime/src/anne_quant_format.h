/* Private: the quantization record (the layer record's aux bytes) of int8 layers, and the loader's
 * checks of Q16 and int8 layers (docs/format.md, "Quantized layers"). */
#ifndef ANNE_QUANT_FORMAT_H
#define ANNE_QUANT_FORMAT_H

#include <stdint.h>

#include "anne.h"

/* int8 aux record: a 40-byte header, then multiplier i32 (n_out), shift i32 (n_out), w_scale f32
 * (n_out), with flag ZP_BIAS zp_bias i32 (n_out), then the activation table: int8 (256) for LUT,
 * uint16 (256) for softmax, none for clamp. */
#define ANNE__S8_IN_SCALE 0u   /* f32 > 0 */
#define ANNE__S8_IN_ZP 4u      /* i32 in -128..127 */
#define ANNE__S8_Z_SCALE 8u    /* f32 > 0: the dense output before a LUT/softmax activation */
#define ANNE__S8_Z_ZP 12u      /* i32 */
#define ANNE__S8_OUT_SCALE 16u /* f32 > 0: the layer's output */
#define ANNE__S8_OUT_ZP 20u    /* i32 */
#define ANNE__S8_ACT_MIN 24u   /* i32: clamp of the dense output, -128 <= min <= max <= 127 */
#define ANNE__S8_ACT_MAX 28u   /* i32 */
#define ANNE__S8_ACT_KIND 32u  /* u32 anne_s8_act_kind */
#define ANNE__S8_FLAGS 36u     /* u32: ANNE__S8_FLAG_*, other bits 0 */
#define ANNE__S8_HDR_SIZE 40u

/* The record carries zp_bias[j] = bias[j] - in_zp * sum_i kernel[j][i] (the input zero point folded
 * into the bias, as TFLite and CMSIS-NN do), so the kernels' inner loops need no zero point. */
#define ANNE__S8_FLAG_ZP_BIAS 1u

/* 1/256 as a float's bits: the output scale of an int8 softmax (zero point -128). */
#define ANNE__S8_SOFTMAX_SCALE_BITS 0x3B800000u

/* Where the activation table of an int8 aux record starts (the per-unit arrays' size). */
static inline uint32_t anne__s8_table_off(uint32_t n_out, uint32_t flags) {
    return ANNE__S8_HDR_SIZE + ((flags & ANNE__S8_FLAG_ZP_BIAS) != 0 ? 16u : 12u) * n_out;
}

/* Bytes of the int8 aux record for n_out units, an activation kind and the flags. */
static inline uint32_t anne__s8_aux_size(uint32_t n_out, uint32_t act_kind, uint32_t flags) {
    return anne__s8_table_off(n_out, flags) + (act_kind == 1u ? 256u : act_kind == 2u ? 512u : 0u);
}

/* int16 values an int8 layer's widened weights take (anne_model_s8_widen, anne_s8_wide.c): its units
 * in blocks of four and its inputs in blocks of eight; units and inputs left over stay int8 only. */
static inline uint32_t anne__s8_wide_count(uint32_t n_in, uint32_t n_out) {
    return (n_out & ~3u) * (n_in & ~7u);
}

/* Bytes one kernel element takes (0 for unknown formats). Biases are 4 bytes in every format. */
static inline uint32_t anne__kernel_elem(uint32_t dtype) {
    return dtype == ANNE_DTYPE_F32 || dtype == ANNE_DTYPE_Q16 ? 4u : dtype == ANNE_DTYPE_S8 ? 1u : 0u;
}

/* Checks the format-specific parts of a Q16 or int8 layer record `rec` (kernel and bias values,
 * aux record) whose offsets and sizes the caller has checked against the weights section, and for
 * int8 that its input quantization is the previous layer's output quantization (prev: the previous
 * layer's record, or NULL for the first layer). */
anne_status anne__check_quant_layer(const uint8_t *rec, const uint8_t *prev, const uint8_t *weights,
                                    uint32_t weights_size);

/* Runs a loaded Q16 or int8 model on floats (anne_model_predict's quantized branch). */
anne_status anne__predict_quant(const anne_model *model, float *output, const float *input, void *arena);

#endif /* ANNE_QUANT_FORMAT_H */
