/* Host side of the int8 graph ops (runtime/include/anne_quant_ops.h): the integers each kernel takes,
 * computed from the float scales and zero points exactly as TFLite's Prepare functions compute them
 * (tensorflow/lite/kernels: add.cc, sub.cc, mul.cc, reduce.cc, activations.cc), float or double
 * arithmetic where TFLite uses it, so that the kernels give TFLite's bits. Each returns 0, or -1 with
 * err saying which value is out of range: scales must be finite and > 0, zero points -128..127. The
 * fused activation's clamp (act_min, act_max) is set to [-128, 127]; the caller narrows it. */
#ifndef ANNE_QUANTIZE_OPS_H
#define ANNE_QUANTIZE_OPS_H

#include <stdint.h>

#include "anne.h"
#include "anne_error.h"
#include "anne_quant_ops.h"

/* TFLite's QuantizeMultiplierSmallerThanOneExp: real in (0, 1) -> multiplier in [2^30, 2^31 - 1] (or 0
 * when real < 2^-31 flushes) and shift in [-31, 0]; -1 for any other real. */
int anne_quantize_multiplier_below_one(double real, int32_t *multiplier, int32_t *shift, anne_error *err);

/* ADD (subtract 0) or SUB (subtract 1), TFLite's 8-bit scheme (add.cc, sub.cc): left_shift 20,
 * twice_max = 2 * max(scale1, scale2), input multipliers scalek / twice_max, output multiplier
 * twice_max / (2^20 * out_scale), each by QuantizeMultiplierSmallerThanOneExp; SUB negates input 2's
 * multiplier. -1 when out_scale <= 2 * max(scale1, scale2) / 2^20 (the output multiplier would not be
 * below 1: TFLite refuses it too). */
int anne_s8_add_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale, int32_t out_zp,
                        int subtract, anne_s8_add_params *p, anne_error *err);

/* MUL (mul.cc): QuantizeMultiplier(scale1 * scale2 / out_scale), the product and the quotient in float
 * as TFLite writes them (TFLite Micro computes them in double: the multiplier may differ in its low
 * bits). -1 when the shift would exceed 30. */
int anne_s8_mul_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale, int32_t out_zp,
                        anne_s8_mul_params *p, anne_error *err);

/* MEAN over n positions (reduce.cc PrepareMeanOrSum, then reduce.h QuantizedMeanOrSum): QuantizeMultiplier
 * (in_scale / out_scale in double) -> (M, s), then k = min(floor(log2 n), 32, 31 + s), multiplier =
 * (M * 2^k) / n (int64, truncated), shift = s - k. n in 1 .. 8 421 504 (the kernel's bound); -1 when
 * s > 30. */
int anne_s8_mean_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, uint32_t n,
                         anne_s8_mean_params *p, anne_error *err);

/* LEAKY_RELU (activations.cc LeakyReluPrepare): QuantizeMultiplier(in_scale / out_scale) and
 * QuantizeMultiplier(in_scale * alpha / out_scale), each computed in float as TFLite writes it. alpha
 * must be finite and >= 0 (Keras' negative_slope is; TFLite versions disagree on negative ones). -1
 * when a shift would exceed 30. */
int anne_s8_leaky_relu_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, float alpha,
                               anne_s8_leaky_relu_params *p, anne_error *err);

/* HARD_SWISH (activations.cc HardSwishPrepare), in float as TFLite: hires = in_scale / 128; output
 * multiplier QuantizeMultiplier(hires / out_scale), reluish QuantizeMultiplier(hires / (3 / 32768)),
 * each multiplier rounded to 16 bits by DownScaleInt32ToInt16Multiplier. -1 when the output shift is
 * above 0 (TFLite refuses it) or below -15, or the reluish shift outside -15 .. 31 (the kernel's
 * ranges: scales more than 2^15 apart). */
int anne_s8_hard_swish_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                               anne_s8_hard_swish_params *p, anne_error *err);

/* The clamp of a fused relu on an int8 output (scale, zp), TFLite's CalculateActivationRangeQuantized:
 * act_min = max(-128, zp) (quantized 0), act_max = min(127, zp + round(max_value / scale)) with the
 * quotient in float and rounded half away from zero (TFLite's quantize(6) for RELU6), 127 when max_value
 * is +infinity (RELU). -1 when max_value / scale does not fit int32 (TFLite's own arithmetic would be
 * undefined) or max_value is not > 0. */
int anne_s8_relu_clamp(float scale, int32_t zp, float max_value, int32_t *act_min, int32_t *act_max, anne_error *err);

/* The per-channel requantization of a Dense or convolution (TFLite's conv.cc, fully_connected.cc
 * PopulateConvolutionQuantizationParams): multiplier[c], shift[c] = QuantizeMultiplier(in_scale *
 * w_scale[c] / out_scale), the float scales multiplied and divided in double. Returns 0, or the 1-based
 * channel whose shift would exceed 30 (the kernels' requantization takes at most 30). */
uint32_t anne_s8_channel_multipliers(float in_scale, const float *w_scale, uint32_t n, float out_scale,
                                     int32_t *multiplier, int32_t *shift);

/* The table of anne_concat_forward_s8 for an input quantized (in_scale, in_zp) into an output
 * (out_scale, out_zp), TFLite's ConcatenationWithScaling arithmetic in float: inverse = 1 / out_scale,
 * scale = in_scale * inverse, bias = -in_zp * scale, lut[q + 128] = clamp(round(q * scale + bias) +
 * out_zp, -128, 127), round half away from zero, the product and the sum each rounded to float (TFLite
 * built with a fused multiply-add would round once). Returns 1 when the table is the identity (the
 * quantizations are equal: copy instead), else 0; -1 on a bad argument. */
int anne_s8_concat_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, int8_t lut[256],
                         anne_error *err);

/* The aux record of an int8 ADD, SUBTRACT or MULTIPLY (docs/format.md, "int8 graphs") of inputs
 * quantized as a and b into an output quantized as y, after its clamp (aux[0], aux[1], the caller's):
 * ADD and SUBTRACT (anne_s8_add_prepare) left_shift, in1 multiplier and shift, in2's, out's, 36 bytes in
 * all; MULTIPLY (anne_s8_mul_prepare) multiplier and shift, 16 bytes. *size: the record's bytes. -1 (err
 * says which scale) when TFLite's Prepare would refuse the scales. */
int anne_s8_merge_aux(anne_op_kind kind, const anne_tensor *a, const anne_tensor *b, const anne_tensor *y,
                      int32_t aux[9], uint32_t *size, anne_error *err);

/* The aux record of an int8 CONCAT of the n (2 .. 4) inputs x[k] into y (docs/format.md): a u32 mask of
 * the inputs quantized otherwise than y, then each one's anne_s8_concat_table in input order, into aux
 * (room for 4 + 256 n bytes); *size: the record's bytes. -1 (err names the input) on a bad scale. */
int anne_s8_concat_aux(const anne_tensor *const *x, uint32_t n, const anne_tensor *y, uint8_t *aux, uint32_t *size,
                       anne_error *err);

#endif /* ANNE_QUANTIZE_OPS_H */
