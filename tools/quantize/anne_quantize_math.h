/* Host side of quantization: the float math that chooses scales, zero points and multipliers, as
 * TFLite's quantization_util does (the runtime only ever sees the integers it produces). */
#ifndef ANNE_QUANTIZE_MATH_H
#define ANNE_QUANTIZE_MATH_H

#include <stdint.h>

/* TFLite's QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (0 for
 * 0), by frexp and round-half-away; multipliers below 2^-31 flush to (0, 0). Classic double-rounding
 * variant: shift is not limited to <= 30 here, callers check it (anne_quantize refuses > 30). */
void anne_quantize_multiplier(double real, int32_t *multiplier, int32_t *shift);

/* TFLite's ChooseQuantizationParams for int8: the range is first widened to include 0; scale =
 * (max - min) / 255 and the zero point from whichever end gives the smaller error, rounded and
 * clamped to [-128, 127]. An all-zero range gives scale 1, zero point 0. */
void anne_choose_qparams(double min, double max, float *scale, int32_t *zero_point);

/* Symmetric weight scale: max |w| / 127 (1 when all weights are 0, so nothing divides by 0). */
float anne_symmetric_scale(const float *w, uint32_t n);

/* The same over w[0], w[stride], ..., w[(n - 1) * stride]: one channel of a depthwise kernel, whose
 * channels are its last axis. The quotient in float (TFLite's converter computes it in double and
 * stores a float: the same number, a quotient rounded twice through double being rounded once). */
float anne_symmetric_scale_strided(const float *w, uint32_t n, uint32_t stride);

/* round(x / scale) clamped to [-127, 127] (weights) */
int8_t anne_quantize_weight(float w, float scale);

/* Q16.16 of a double, rounded to nearest (ties away), saturated. */
int32_t anne_q16_from_double(double x);

#endif /* ANNE_QUANTIZE_MATH_H */
