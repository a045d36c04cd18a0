/* ANNE runtime: int8 reference kernels of a graph model's operations besides the convolutions
 * (pooling, MEAN, ADD, SUB, MUL, CONCATENATION, PAD, LEAKY_RELU, HARD_SWISH), bit for bit TFLite's int8
 * arithmetic (docs/ops.md, "int8 ops"). Tensors as in anne_ops.h: no batch axis, channels last,
 * row-major. real = scale * (q - zero_point); every zero point is -128..127.
 *
 * The kernels take integers only: the multipliers and shifts that TFLite's Prepare functions derive
 * from the float scales are computed on the host (tools/quantize/anne_quantize_ops.h) and stored
 * with the model. A multiplier M with shift s means x -> anne_requantize(x, M, s) (anne_quant.h:
 * TFLite's MultiplyByQuantizedMultiplier, double rounding). Integer sums are exact, so no summation
 * order is part of a contract. Each kernel states the ranges it needs: within them nothing
 * overflows int32 (the tests run under UBSan at those bounds). Portable C99, no malloc, no stdio. */
#ifndef ANNE_QUANT_OPS_H
#define ANNE_QUANT_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "anne_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------
 * Pooling (reference_integer_ops MaxPool, AveragePool): the window of anne_window (TF's 'same' or
 * 'valid' padding, dilation 1), positions outside the input skipped. The output has the input's
 * scale and zero point (TFLite requires it), so nothing is requantized; act_min <= act_max within
 * [-128, 127] is the fused activation's clamp ([-128, 127] for none). out.c == in.c; out must not
 * overlap in.
 * ---------------------------------------------------------------------------------------------- */

/* out[y][x][c] = clamp(max(-128, max over the window's positions inside the input of in[iy][ix][c]),
 * act_min, act_max). A window with no position inside (no 'same' or 'valid' shape has one) gives
 * clamp(-128). */
void anne_max_pool2d_forward_s8(int8_t *out, const int8_t *in, const anne_window_params *p, int32_t act_min,
                                int32_t act_max);

/* out[y][x][c] = clamp(avg) with s the int32 sum of the n window positions inside the input and
 * avg = s > 0 ? (s + n / 2) / n : (s - n / 2) / n, C's division truncating toward zero: the mean
 * rounded half away from zero, as TFLite writes it. Only positions inside the input are counted
 * (TF's 'same' pooling). Needs kernel_h * kernel_w <= 16 711 680 (2^24 - 2^16), so that
 * |s| + n / 2 <= 128.5 n < 2^31. A window with no position inside gives clamp(0) (TFLite refuses
 * such a shape). */
void anne_avg_pool2d_forward_s8(int8_t *out, const int8_t *in, const anne_window_params *p, int32_t act_min,
                                int32_t act_max);

/* ------------------------------------------------------------------------------------------------
 * MEAN over positions (TFLite's MEAN with axis [1, 2] of an (H, W, C) tensor, keep_dims true or not:
 * the same values, the output shape (1, 1, C) or (C) is the caller's; Keras' GlobalAveragePooling in
 * an int8 model). TFLite's reference path for int8 is reference_ops::QuantizedMeanOrSum (reduce.h,
 * reached from reduce.cc's EvalQuantizedMean for any axes and keep_dims).
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_s8_mean_params {
    int32_t in_zp, out_zp;
    /* in_scale / out_scale / n as TFLite's QuantizedMeanOrSum turns it into integers: first
     * QuantizeMultiplier(in_scale / out_scale) -> (M, s) in Prepare, then with k = min(floor(log2 n),
     * 32, 31 + s): multiplier = (M * 2^k) / n (int64, truncated), shift = s - k. anne_s8_mean_prepare()
     * computes both. multiplier in [0, 2^31 - 1], shift in [-31, 30]. */
    int32_t multiplier, shift;
} anne_s8_mean_params;

/* out[c] = clamp(requantize(sum over p < n of in[p][c] - n * in_zp, multiplier, shift) + out_zp,
 * -128, 127); in (n, c) is the (H, W, C) tensor with n = H * W. n >= 1 and n <= 8 421 504 (2^31 / 255,
 * so that the int32 sum and n * in_zp cannot overflow). MEAN has no fused activation. out must not
 * overlap in. */
void anne_mean_forward_s8(int8_t *out, const int8_t *in, uint32_t n, uint16_t c, const anne_s8_mean_params *p);

/* ------------------------------------------------------------------------------------------------
 * ADD and SUB (reference_integer_ops AddFunc; SUB is the same function with input 2's multiplier
 * negated, as TFLite's sub.cc runs it for int8). Each input is moved to a common scale of
 * 2 * max(scale1, scale2) / 2^20 before the sum, then the sum to the output scale.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_s8_add_params {
    int32_t in1_zp, in2_zp, out_zp;
    int32_t left_shift;               /* 20 (TFLite's int8 ADD and SUB), at most 22 */
    int32_t in1_multiplier, in1_shift; /* multiplier in [0, 2^31 - 1], shift in [-31, 0] */
    int32_t in2_multiplier, in2_shift; /* SUB: multiplier in [-(2^31 - 1), 0] (negated), shift in [-31, 0] */
    int32_t out_multiplier, out_shift; /* multiplier in [0, 2^31 - 1], shift in [-31, 0] */
    int32_t act_min, act_max;         /* the fused activation's clamp, within [-128, 127] */
} anne_s8_add_params;

/* out[i] = clamp(requantize(r1 + r2, out_multiplier, out_shift) + out_zp, act_min, act_max) with
 * rk = requantize((ink[i] - ink_zp) * 2^left_shift, ink_multiplier, ink_shift), each step as
 * TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp (shifts <= 0). With left_shift <= 22,
 * |(in - zp) 2^left_shift| <= 255 * 2^22 < 2^30, |rk| <= that, and |r1 + r2| < 2^31. n values;
 * out may be in1 or in2 (each value is read before it is written). */
void anne_add_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2, uint32_t n,
                         const anne_s8_add_params *p);

/* ADD or SUB of inputs whose shapes broadcast to out's (s: rank-4 shapes aligned at the last axis, as
 * anne_merge_broadcast_forward_f32 takes them; s->op is not read, p says which), e.g. (H, W, C) and
 * (1, 1, C): out[i0][i1][i2][i3] is the value of anne_add_forward_s8 for in1's and in2's elements at
 * (i0, i1, i2, i3), index 0 along their axes of 1. out may be in1 when in1 has out's shape. */
void anne_add_broadcast_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2,
                                   const anne_broadcast_params *s, const anne_s8_add_params *p);

/* ------------------------------------------------------------------------------------------------
 * MUL (reference_integer_ops MulElementwise): one requantization of the product.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_s8_mul_params {
    int32_t in1_zp, in2_zp, out_zp;
    int32_t multiplier, shift;  /* QuantizeMultiplier(scale1 * scale2 / out_scale): [0, 2^31 - 1], [-31, 30] */
    int32_t act_min, act_max;   /* the fused activation's clamp, within [-128, 127] */
} anne_s8_mul_params;

/* out[i] = clamp(requantize((in1[i] - in1_zp) * (in2[i] - in2_zp), multiplier, shift) + out_zp,
 * act_min, act_max). The product is at most 255^2 < 2^16 in magnitude; with a shift above 15 its
 * product with 2^shift could leave int32, where TFLite's arithmetic is undefined and anne_requantize
 * saturates (no real model has a scale ratio of 2^15). out may be in1 or in2. */
void anne_mul_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2, uint32_t n,
                         const anne_s8_mul_params *p);

/* MUL with broadcasting, as anne_add_broadcast_forward_s8 (s->op is not read). */
void anne_mul_broadcast_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2,
                                   const anne_broadcast_params *s, const anne_s8_mul_params *p);

/* ------------------------------------------------------------------------------------------------
 * CONCATENATION along one axis, inputs viewed as (outer, inner_k) as anne_concat_forward_f32 takes
 * them. TFLite's converter gives every int8 input the output's scale and zero point, and TFLite's
 * int8 kernel requires it: a plain copy. An input quantized otherwise goes through a 256-entry table
 * requant[k] (its value for each of the 256 inputs), which anne_s8_concat_table() fills on the host
 * with the float arithmetic of TFLite's ConcatenationWithScaling (reference_ops, written there for
 * uint8): round(q * scale + bias) + out_zp with scale = in_scale * (1 / out_scale), bias = -in_zp *
 * scale, clamped. requant may be NULL (every input copied), or requant[k] NULL for input k alone.
 * out must not overlap an input.
 * ---------------------------------------------------------------------------------------------- */
void anne_concat_forward_s8(int8_t *out, const int8_t *const *in, const uint32_t *inner, uint16_t n_in,
                            uint32_t outer, const int8_t *const *requant);

/* ------------------------------------------------------------------------------------------------
 * PAD and PADV2 of the spatial axes (reference_ops::Pad): the output has the input's quantization, the
 * padding is pad_value (the zero point: the real value 0, TFLite's PAD; or PADV2's constant).
 * ---------------------------------------------------------------------------------------------- */

/* out (out.h, out.w, c) is pad_value except out[y + top][x + left][c] = in[y][x][c] (anne_spatial_params
 * of anne_ops.h; in.c == out.c, out.h >= in.h + top, out.w >= in.w + left). out must not overlap in. */
void anne_pad2d_forward_s8(int8_t *out, const int8_t *in, const anne_spatial_params *p, int8_t pad_value);

/* ------------------------------------------------------------------------------------------------
 * LEAKY_RELU (reference_ops QuantizeLeakyRelu): two multipliers, one per side of the zero point.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_s8_leaky_relu_params {
    int32_t in_zp, out_zp;
    int32_t identity_multiplier, identity_shift; /* QuantizeMultiplier(in_scale / out_scale) */
    int32_t alpha_multiplier, alpha_shift;       /* QuantizeMultiplier(in_scale * alpha / out_scale), alpha >= 0 */
} anne_s8_leaky_relu_params;

/* x = in[i] - in_zp; out[i] = clamp(out_zp + (x >= 0 ? requantize(x, identity_multiplier,
 * identity_shift) : requantize(x, alpha_multiplier, alpha_shift)), -128, 127). Multipliers in
 * [0, 2^31 - 1], shifts in [-31, 30] (|x| <= 255: a shift above 23 may saturate where TFLite is
 * undefined). n values; out may be in. */
void anne_leaky_relu_forward_s8(int8_t *out, const int8_t *in, size_t n, const anne_s8_leaky_relu_params *p);

/* lut[q + 128] = the value of anne_leaky_relu_forward_s8 at q, for the 256 inputs: the table for
 * anne_activation_forward_s8_lut (anne_quant.h), same bits. */
void anne_leaky_relu_s8_table(int8_t lut[256], const anne_s8_leaky_relu_params *p);

/* ------------------------------------------------------------------------------------------------
 * HARD_SWISH (reference_ops::HardSwish, quantized): x * relu6(x + 3) / 6 in 16-bit fixed point.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_s8_hard_swish_params {
    int32_t in_zp, out_zp;
    /* (in_scale / 128) / (3 / 32768) and (in_scale / 128) / out_scale, each by QuantizeMultiplier, its
     * 32-bit multiplier rounded to 16 bits ((m + 2^15) >> 16, 32767 at the top) */
    int32_t reluish_multiplier;  /* 0 .. 32767 */
    int32_t reluish_shift;       /* -15 .. 31; a left shift saturates as TFLite's SaturatingLeftShift */
    int32_t output_multiplier;   /* 0 .. 32767 */
    int32_t output_shift;        /* -15 .. 0: TFLite refuses a positive one, and its int16 rounding
                                    division is not one below -15 (its mask wraps); scales 2^15 apart */
} anne_s8_hard_swish_params;

/* For each value, in int16 with TFLite's saturations and roundings: x = (in - in_zp) * 2^7;
 * o = SRDHM16(x, output_multiplier); r = x scaled by reluish (multiplier, shift), saturated to
 * [-32768, 32767] ~ [-3, 3]; r = (r + 2^15) >> 1 ~ relu6(x + 3) / 6 in [0, 1); y = SDHM16(r, o)
 * (product's high half, truncated toward zero); out = clamp(RDBPOT(y, -output_shift) + out_zp,
 * -128, 127). SRDHM16 / SDHM16: (a b + nudge) / 2^15 with and without rounding (docs/ops.md gives
 * each step). n values; out may be in. */
void anne_hard_swish_forward_s8(int8_t *out, const int8_t *in, size_t n, const anne_s8_hard_swish_params *p);

/* lut[q + 128] = the value of anne_hard_swish_forward_s8 at q, for the 256 inputs: the table that
 * runs HARD_SWISH through anne_activation_forward_s8_lut (anne_quant.h) with the same bits. */
void anne_hard_swish_s8_table(int8_t lut[256], const anne_s8_hard_swish_params *p);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_QUANT_OPS_H */
