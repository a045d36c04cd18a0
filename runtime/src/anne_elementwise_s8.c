/* Elementwise int8 activations with their own requantization, the reference kernels of
 * anne_quant_ops.h: LEAKY_RELU (TFLite's reference_ops::QuantizeLeakyRelu) and HARD_SWISH
 * (reference_ops::HardSwish, quantized, in 16-bit fixed point), and their 256-entry tables. */
#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_s8_out.h"

/* One value: the zero point's side picks the multiplier (x = q - in_zp in -255 .. 255). */
static int8_t anne__leaky_relu_s8(int32_t q, const anne_s8_leaky_relu_params *p) {
    int32_t x = q - p->in_zp;
    int32_t v = x >= 0 ? anne_requantize(x, p->identity_multiplier, p->identity_shift)
                       : anne_requantize(x, p->alpha_multiplier, p->alpha_shift);
    return anne__s8_out(v, p->out_zp, -128, 127);
}

void anne_leaky_relu_forward_s8(int8_t *out, const int8_t *in, size_t n, const anne_s8_leaky_relu_params *p) {
    size_t i;
    for (i = 0; i < n; i++) out[i] = anne__leaky_relu_s8(in[i], p);
}

/* lut[q + 128] = q: the 256 inputs, which a kernel then maps in place into its table. */
static void anne__s8_inputs(int8_t lut[256]) {
    int32_t q;
    for (q = -128; q <= 127; q++) lut[q + 128] = (int8_t)q;
}

void anne_leaky_relu_s8_table(int8_t lut[256], const anne_s8_leaky_relu_params *p) {
    anne__s8_inputs(lut);
    anne_leaky_relu_forward_s8(lut, lut, 256, p);
}

/* HARD_SWISH's int16 arithmetic, each value held in an int32 (gemmlowp's and TFLite's int16 functions).
 * SaturatingRoundingDoublingHighMul for int16: (a b + nudge) / 2^15 with the nudge 2^14 (product >= 0)
 * or 1 - 2^14 (< 0) and C's division truncating toward zero: a b / 2^15 rounded to nearest, ties toward
 * +inf (as the 32-bit one). Only -32768 * -32768 overflows, to 32767. */
static int32_t anne__srdhm16(int32_t a, int32_t b) {
    int32_t ab = a * b; /* |ab| <= 2^30 */
    if (a == -32768 && b == -32768) return 32767;
    return (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
}

/* TFLite's SaturatingDoublingHighMul (hard_swish.h): a b / 2^15 truncated toward zero, no rounding
 * (it cancels the bias of the rounding steps before it). */
static int32_t anne__sdhm16(int32_t a, int32_t b) {
    if (a == -32768 && b == -32768) return 32767;
    return a * b / (1 << 15);
}

/* TFLite's SaturatingLeftShift: v 2^amount saturated to int16; amount >= 0. */
static int32_t anne__sat_lshift16(int32_t v, int32_t amount) {
    if (amount >= 16) return v > 0 ? 32767 : (v < 0 ? -32768 : 0); /* any nonzero int16 leaves the range */
    v *= (int32_t)1 << amount;                                     /* |v| <= 2^30 */
    return v > 32767 ? 32767 : (v < -32768 ? -32768 : v);
}

/* gemmlowp's RoundingDivideByPOT on an int16: v / 2^e rounded to nearest, ties away from zero;
 * e in 0..15 (for e >= 16 gemmlowp's int16 mask wraps, one reason the kernel needs shifts >= -15). */
static int32_t anne__rdbpot16(int32_t v, int32_t e) {
    int32_t half;
    if (e <= 0) return v;
    half = (int32_t)1 << (e - 1);
    return v >= 0 ? (v + half) >> e : -((-v + half) >> e); /* only non-negative numbers shifted */
}

/* One value, in TFLite's order of steps (reference_ops::HardSwish). */
static int8_t anne__hard_swish_s8(int32_t q, const anne_s8_hard_swish_params *p) {
    int32_t x = (q - p->in_zp) * 128;                       /* the input on the "hires" scale, |x| <= 32640 */
    int32_t o = anne__srdhm16(x, p->output_multiplier);     /* x on the output scale, before its shift */
    int32_t r = x;                                          /* x on the scale where 3.0 is 32768: */
    if (p->reluish_shift > 0) r = anne__sat_lshift16(r, p->reluish_shift - 1);
    r = anne__srdhm16(r, p->reluish_multiplier);
    if (p->reluish_shift > 0) r = anne__sat_lshift16(r, 1); /* the last bit: any saturation happens here */
    if (p->reluish_shift < 0) r = anne__rdbpot16(r, -p->reluish_shift);
    r = (r + 32768) >> 1;                                   /* [-1, 1] -> [0, 1]: relu6(x + 3) / 6 */
    return anne__s8_out(anne__rdbpot16(anne__sdhm16(r, o), -p->output_shift), p->out_zp, -128, 127);
}

void anne_hard_swish_forward_s8(int8_t *out, const int8_t *in, size_t n, const anne_s8_hard_swish_params *p) {
    size_t i;
    for (i = 0; i < n; i++) out[i] = anne__hard_swish_s8(in[i], p);
}

void anne_hard_swish_s8_table(int8_t lut[256], const anne_s8_hard_swish_params *p) {
    anne__s8_inputs(lut);
    anne_hard_swish_forward_s8(lut, lut, 256, p);
}
