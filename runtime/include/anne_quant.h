/* ANNE runtime, quantized number formats: Q16.16 fixed point and int8 (TFLite's scheme). Kernels,
 * the requantization arithmetic, and running a quantized model on raw integers. Integer-only: on a
 * core without FPU (RP2040) none of these functions needs float except the conversions named so.
 * The math and its measured errors are in docs/numerics.md. Portable C99, no malloc, no stdio. */
#ifndef ANNE_QUANT_H
#define ANNE_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------
 * Q16.16: int32 with 16 fraction bits (range -32768 .. 32767.99998, step 2^-16 = 1.53e-5).
 * Products are exact in 64 bits, rounded to nearest (ties toward +inf) and saturated, never wrapped.
 * ---------------------------------------------------------------------------------------------- */
#define ANNE_Q16_ONE 65536
#define ANNE_Q16_MAX INT32_MAX
#define ANNE_Q16_MIN INT32_MIN

/* Largest sum of |kernel| over one unit's row (as Q16 integers) a Q16 layer may have: with it, the
 * 64-bit accumulator of anne_dense_forward_q16() can never overflow, whatever the inputs (the loader
 * checks it; it allows weights summing to 32768.0 per unit). */
#define ANNE_Q16_ROW_L1_MAX ((uint64_t)1 << 31)

/* a * b, rounded to nearest (ties toward +inf), saturated. */
int32_t anne_q16_mul(int32_t a, int32_t b);

/* The float x as Q16.16, rounded to nearest (ties away from zero, as roundf(x * 65536)), saturated;
 * NaN gives 0. Integer-only: works on the float's bits, so it needs no FPU. */
int32_t anne_q16_from_f32(float x);

/* x / 65536 as a float (exact for |x| < 2^24, else rounded to nearest). Uses float arithmetic. */
float anne_q16_to_f32(int32_t x);

/* out (n_out) = kernel (n_out, n_in) · in (n_in) + bias (n_out, or NULL), all Q16.16. Products and
 * their sum are exact in 64 bits; the sum is rounded once to Q16.16 and saturated. Each row must
 * satisfy sum |kernel| <= ANNE_Q16_ROW_L1_MAX (loaded models do). out must not overlap in. */
void anne_dense_forward_q16(int32_t *out, const int32_t *in, const int32_t *kernel, const int32_t *bias,
                            uint16_t n_in, uint16_t n_out);

/* Applies `act` (parameters `param` as in anne_activation; converted to Q16.16 on their bits, no FPU)
 * to x (n, Q16.16) in place. sigmoid, tanh and gelu use 256-interval tables with linear
 * interpolation; exp-based activations use a 2^f table; docs/numerics.md gives each one's method and
 * measured maximum error. prelu takes its per-unit alphas (float (n)) in `unit_param`, else NULL. */
void anne_activation_forward_q16(int32_t *x, size_t n, anne_activation act, const float param[3],
                                 const float *unit_param);

/* ------------------------------------------------------------------------------------------------
 * int8, TFLite's scheme: real = scale * (q - zero_point). Weights symmetric per output channel
 * (zero point 0, values -127..127), activations asymmetric int8, bias int32 with scale
 * in_scale * w_scale[j] and zero point 0, accumulation in int32, requantization by a 32-bit
 * multiplier and a shift with TFLite's default (double) rounding.
 * ---------------------------------------------------------------------------------------------- */

/* TFLite's MultiplyByQuantizedMultiplier(x, multiplier, shift) with its default rounding:
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(shift,0), multiplier),
 * max(-shift,0)), i.e. about x * multiplier * 2^(shift - 31). multiplier in [0, 2^31 - 1], shift in
 * [-31, 30]. Where TFLite's x * 2^shift would overflow int32 (undefined there) it saturates here. */
int32_t anne_requantize(int32_t x, int32_t multiplier, int32_t shift);

/* How a quantized dense layer's int32 accumulator becomes int8. */
typedef struct anne_s8_dense_params {
    int32_t in_zp;              /* zero point of the input, -128..127 */
    int32_t out_zp;             /* zero point of the output, -128..127 */
    int32_t act_min, act_max;   /* the output is clamped to [act_min, act_max] within [-128, 127] */
    const int32_t *multiplier;  /* (n_out): per channel (all equal for per-tensor quantization) */
    const int32_t *shift;       /* (n_out), each in -31..30, as anne_requantize's (loaded models' are) */
} anne_s8_dense_params;

/* out (n_out) = clamp(requantize(bias + sum_i kernel[j][i] * (in[i] - in_zp)) + out_zp).
 * kernel (n_out, n_in) int8 in -127..127, bias (n_out) int32 or NULL. The int32 sum must not
 * overflow: |bias| <= INT32_MAX - n_in * 127 * 255 (loaded models satisfy it). out must not overlap in
 * or kernel (a unit's output is written before the next unit reads the input again). */
void anne_dense_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                           uint16_t n_in, uint16_t n_out, const anne_s8_dense_params *p);

/* x (n) = lut[x + 128]: any elementwise activation, exact for int8 (the table holds its value at
 * each of the 256 inputs, computed when the model was quantized). */
void anne_activation_forward_s8_lut(int8_t *x, size_t n, const int8_t lut[256]);

/* Softmax over x (n) in place: e_i = exp_table[max - x_i] (uint16, exp(-d * in_scale) * 2^15, built
 * at quantize time), y_i = round(256 * e_i / sum e) - 128 clamped to 127: output scale 1/256, zero
 * point -128, as TFLite's int8 softmax. exp_table[0] must be 32768 (exp(0) = 1.0, as loaded models'
 * tables are) and n at most 65535, so that the sum is positive and fits 32 bits. */
void anne_softmax_forward_s8(int8_t *x, size_t n, const uint16_t exp_table[256]);

/* What an int8 layer's aux record holds, decoded (pointers into the model bytes). */
typedef enum anne_s8_act_kind {
    ANNE_S8_ACT_CLAMP = 0,      /* linear, relu, relu6: act_min/act_max; z is the output */
    ANNE_S8_ACT_LUT = 1,        /* z (int8) -> lut -> output */
    ANNE_S8_ACT_SOFTMAX = 2,    /* z (int8) -> exp table, normalization -> output (1/256, -128) */
    ANNE_S8_ACT_KIND_COUNT
} anne_s8_act_kind;

typedef struct anne_s8_layer {
    float in_scale;             /* input: real = in_scale * (q - in_zp) */
    int32_t in_zp;
    float z_scale;              /* dense output before a LUT or softmax activation */
    int32_t z_zp;
    float out_scale;            /* layer output (after the activation) */
    int32_t out_zp;
    anne_s8_act_kind act_kind;
    anne_s8_dense_params dense; /* out_zp, act_min, act_max here are z's; in_zp 0 with zp_bias */
    const float *w_scale;       /* (n_out): weight scale per channel */
    const int32_t *zp_bias;     /* (n_out) bias - in_zp * sum of the unit's weights, if the record has it,
                                   else NULL. With it, dense.in_zp is 0 and anne_layer_forward_s8 passes
                                   zp_bias as the kernel's bias (the same int32 sums) */
    const int8_t *lut;          /* (256) with ANNE_S8_ACT_LUT, else NULL */
    const uint16_t *exp_table;  /* (256) with ANNE_S8_ACT_SOFTMAX, else NULL */
} anne_s8_layer;

/* Decodes the quantization record of an int8 layer of a loaded model (ANNE_ERR_UNSUPPORTED_DTYPE
 * for other formats). */
anne_status anne_layer_s8(const anne_layer *layer, anne_s8_layer *out);

/* Runs one int8 layer: out (n_out) from in (n_in); z (n_out) receives the dense output before the
 * activation (may be NULL or equal out). out must not overlap in. */
void anne_layer_forward_s8(int8_t *out, int8_t *z, const int8_t *in, const anne_layer *layer,
                           const anne_s8_layer *q);

/* ------------------------------------------------------------------------------------------------
 * Raw integer entry points of quantized models (anne_model_predict() takes and gives floats for
 * every format; these skip the float conversions). Models are uniform: every layer has one format.
 * ---------------------------------------------------------------------------------------------- */

/* The number format of the model's layers. */
anne_dtype anne_model_dtype(const anne_model *model);

/* int8 model: output (n_outputs) int8 from input (n_inputs) int8, both in the quantization that
 * anne_model_s8_io() reports (the input already scaled as the model's scaling section says).
 * ANNE_ERR_UNSUPPORTED_DTYPE for other formats. Same arena as anne_model_predict(); input and output
 * must not overlap the arena. On cores that load unaligned words (__ARM_FEATURE_UNALIGNED: Cortex-M33,
 * M4, M7) the first layer reads the input where it is, with unaligned word loads, as the M33's int8
 * kernel reads weights: firmware that sets CCR.UNALIGN_TRP must not use the int8 kernels there. */
anne_status anne_model_predict_s8(const anne_model *model, int8_t *output, const int8_t *input, void *arena,
                                  size_t arena_size);

/* int8 weights widened to int16, a copy the kernels read instead of the model's weights (build knob
 * ANNE_CONFIG_S8_WIDE, anne_config.h): with the DSP extension (Cortex-M33, M4, M7) SMLAD then takes
 * the weights as they are, without two SXTB16 per four weights (docs/mcu.md: 1.41 instead of 1.66
 * cycles per MAC on the Cortex-M33), for two bytes per weight, e.g. of RAM.
 * anne_model_s8_wide_size(): the bytes anne_model_s8_widen() writes: two per weight of each layer's
 * units in blocks of four and inputs in blocks of eight (units and inputs left over are read as
 * int8); 0 when nothing is widened: no such block, a model in another format, or a build without the
 * knob (SIZE_MAX where a 32-bit size_t cannot count it: a model over 2 GB).
 * anne_model_s8_widen(): fills buf (4-aligned, at least that many bytes) and points model->s8_wide at
 * it; every predict of *model then reads it, with results identical bit for bit.
 * buf must stay unchanged while *model uses it. model is the caller's copy (for a generated model, a
 * copy of *NAME_model()). ANNE_ERR_UNSUPPORTED_DTYPE for another format or a build without the knob,
 * ANNE_ERR_NULL_ARG, ANNE_ERR_ALIGNMENT, ANNE_ERR_BUFFER_TOO_SMALL; *model is unchanged on error. */
size_t anne_model_s8_wide_size(const anne_model *model);
anne_status anne_model_s8_widen(anne_model *model, void *buf, size_t size);

/* Q16 model: output (n_outputs) from input (n_inputs), Q16.16 (input already scaled). Input and output
 * must not overlap the arena. */
anne_status anne_model_predict_q16(const anne_model *model, int32_t *output, const int32_t *input, void *arena,
                                   size_t arena_size);

/* The input and output quantization of an int8 model. */
anne_status anne_model_s8_io(const anne_model *model, float *in_scale, int32_t *in_zp, float *out_scale,
                             int32_t *out_zp);

/* TFLite's float -> int8: clamp(round(x / scale) + zp, -128, 127), round half away from zero, in
 * float as TFLite's Quantize kernel. And back: (q - zp) * scale. */
int8_t anne_s8_quantize(float x, float scale, int32_t zp);
float anne_s8_dequantize(int8_t q, float scale, int32_t zp);

/* ------------------------------------------------------------------------------------------------
 * int8 convolutions, TFLite's scheme (reference_integer_ops ConvPerChannel, DepthwiseConvPerChannel):
 * shapes and window as the float32 kernels take them (anne_ops.h), the int8 arithmetic of
 * anne_dense_forward_s8, with p->multiplier and p->shift per output channel. A window position
 * outside the input adds nothing: TFLite pads with the input zero point, whose term (zp - zp) * w is 0.
 * Integer sums are exact, so no summation order is part of the contract. The int32 sum must not
 * overflow: |bias| + kernel_h * kernel_w * in.c (Conv2D; depthwise: kernel_h * kernel_w) * 127 * 255
 * <= INT32_MAX. out must not overlap in.
 * ---------------------------------------------------------------------------------------------- */

/* out (out.h, out.w, out.c) = clamp(requantize(bias[o] + sum over ky, kx, c of
 * kernel[o][ky][kx][c] * (in[iy][ix][c] - in_zp), o) + out_zp); kernel (out.c, kernel_h, kernel_w,
 * in.c) int8 in -127..127, bias (out.c) int32 or NULL. */
void anne_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p);

/* Depthwise: output channel o = c * m + j (m = out.c / in.c) filters input channel c alone:
 * out[y][x][o] = clamp(requantize(bias[o] + sum over ky, kx of kernel[ky][kx][o] * (in[iy][ix][c] -
 * in_zp), o) + out_zp); kernel (kernel_h, kernel_w, out.c) int8, bias (out.c) int32 or NULL. */
void anne_depthwise_conv2d_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                                      const anne_window_params *win, const anne_s8_dense_params *p);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_QUANT_H */
