/* Host side of the int8 graph ops: TFLite's Prepare arithmetic for each kernel's multipliers. */
#include "anne_quantize_ops.h"

#include <math.h>
#include <string.h>

#include "anne_quantize_math.h"

/* The checks every function here starts with: a usable scale, a zero point of int8. */
static int anne__check_q(const char *what, float scale, int32_t zp, anne_error *err) {
    if (!isfinite(scale) || !(scale > 0.0f)) {
        return anne_error_set(err, "%s scale %.9g: expected a finite scale > 0", what, (double)scale);
    }
    if (zp < -128 || zp > 127) return anne_error_set(err, "%s zero point %d: expected -128..127", what, (int)zp);
    return 0;
}

/* QuantizeMultiplier, refusing the shifts above 30 that the kernels' requantization does not take. */
static int anne__multiplier(const char *what, double real, int32_t *multiplier, int32_t *shift, anne_error *err) {
    anne_quantize_multiplier(real, multiplier, shift);
    if (*shift > 30) {
        return anne_error_set(err, "%s multiplier %.9g: at least 2^30, the scales are too far apart", what, real);
    }
    return 0;
}

int anne_quantize_multiplier_below_one(double real, int32_t *multiplier, int32_t *shift, anne_error *err) {
    if (!(real > 0.0 && real < 1.0)) {
        return anne_error_set(err, "multiplier %.17g: expected a real in (0, 1)", real);
    }
    /* below 1, frexp's exponent is <= 0, and q rounded up to 1.0 gives at most 0 */
    anne_quantize_multiplier(real, multiplier, shift);
    return 0;
}

int anne_s8_add_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale, int32_t out_zp,
                        int subtract, anne_s8_add_params *p, anne_error *err) {
    double twice_max, real_out;
    if (anne__check_q("input 1", scale1, zp1, err) || anne__check_q("input 2", scale2, zp2, err) ||
        anne__check_q("output", out_scale, out_zp, err)) {
        return -1;
    }
    p->in1_zp = zp1;
    p->in2_zp = zp2;
    p->out_zp = out_zp;
    p->left_shift = 20;
    /* TFLite: the max of the float scales doubled (exact), the quotients in double; 2^20 * out_scale is
     * a float product there, exact as a power of two (in range) */
    twice_max = 2.0 * (double)(scale1 > scale2 ? scale1 : scale2);
    real_out = twice_max / (double)((float)(1 << 20) * out_scale);
    if (anne_quantize_multiplier_below_one((double)scale1 / twice_max, &p->in1_multiplier, &p->in1_shift, err) ||
        anne_quantize_multiplier_below_one((double)scale2 / twice_max, &p->in2_multiplier, &p->in2_shift, err)) {
        return anne_error_prefix(err, "%s input multiplier", subtract ? "SUB" : "ADD");
    }
    if (anne_quantize_multiplier_below_one(real_out, &p->out_multiplier, &p->out_shift, err)) {
        return anne_error_prefix(err, "%s output scale %.9g not above 2 * %.9g / 2^20", subtract ? "SUB" : "ADD",
                                 (double)out_scale, twice_max / 2.0);
    }
    if (subtract) p->in2_multiplier = -p->in2_multiplier; /* TFLite's sub.cc: ADD with input 2 negated */
    p->act_min = -128;
    p->act_max = 127;
    return 0;
}

int anne_s8_mul_prepare(float scale1, int32_t zp1, float scale2, int32_t zp2, float out_scale, int32_t out_zp,
                        anne_s8_mul_params *p, anne_error *err) {
    float real;
    if (anne__check_q("input 1", scale1, zp1, err) || anne__check_q("input 2", scale2, zp2, err) ||
        anne__check_q("output", out_scale, out_zp, err)) {
        return -1;
    }
    /* TFLite's mul.cc: scale1 * scale2 / out_scale in float (each operation rounded to float) */
    real = scale1 * scale2;
    real = real / out_scale;
    if (anne__multiplier("MUL", (double)real, &p->multiplier, &p->shift, err)) return -1;
    p->in1_zp = zp1;
    p->in2_zp = zp2;
    p->out_zp = out_zp;
    p->act_min = -128;
    p->act_max = 127;
    return 0;
}

int anne_s8_mean_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, uint32_t n,
                         anne_s8_mean_params *p, anne_error *err) {
    int32_t m, s, k = 0;
    if (anne__check_q("input", in_scale, in_zp, err) || anne__check_q("output", out_scale, out_zp, err)) return -1;
    if (n < 1u || n > 8421504u) return anne_error_set(err, "MEAN over %u positions: expected 1 .. 8421504", n);
    /* Prepare: in_scale / out_scale in double */
    if (anne__multiplier("MEAN", (double)in_scale / (double)out_scale, &m, &s, err)) return -1;
    /* Eval: 1 / n folded in, k = floor(log2 n) (63 - clz), at most 32 and 31 + s (shift stays >= -31) */
    while (((uint64_t)n >> (k + 1)) != 0u) k++;
    if (k > 31 + s) k = 31 + s;
    p->multiplier = (int32_t)(((int64_t)m << k) / (int64_t)n);
    p->shift = s - k;
    p->in_zp = in_zp;
    p->out_zp = out_zp;
    return 0;
}

int anne_s8_leaky_relu_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, float alpha,
                               anne_s8_leaky_relu_params *p, anne_error *err) {
    float real_alpha, real_identity;
    if (anne__check_q("input", in_scale, in_zp, err) || anne__check_q("output", out_scale, out_zp, err)) return -1;
    if (!isfinite(alpha) || alpha < 0.0f) {
        return anne_error_set(err, "LEAKY_RELU alpha %.9g: expected a finite alpha >= 0", (double)alpha);
    }
    /* activations.cc: both in float, as written there */
    real_alpha = in_scale * alpha;
    real_alpha = real_alpha / out_scale;
    real_identity = in_scale / out_scale;
    if (anne__multiplier("LEAKY_RELU alpha", (double)real_alpha, &p->alpha_multiplier, &p->alpha_shift, err) ||
        anne__multiplier("LEAKY_RELU identity", (double)real_identity, &p->identity_multiplier, &p->identity_shift,
                         err)) {
        return -1;
    }
    p->in_zp = in_zp;
    p->out_zp = out_zp;
    return 0;
}

/* TFLite's DownScaleInt32ToInt16Multiplier: the 32-bit multiplier's top 16 bits, rounded. */
static int32_t anne__multiplier16(int32_t m) {
    if (m >= INT32_MAX - (1 << 15)) return 32767;
    return (m + (1 << 15)) >> 16;
}

int anne_s8_hard_swish_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                               anne_s8_hard_swish_params *p, anne_error *err) {
    float hires, reluish_scale = 3.0f / 32768.0f, real;
    int32_t m;
    if (anne__check_q("input", in_scale, in_zp, err) || anne__check_q("output", out_scale, out_zp, err)) return -1;
    hires = (1.0f / 128.0f) * in_scale;
    real = hires / out_scale; /* float, as activations.cc */
    anne_quantize_multiplier((double)real, &m, &p->output_shift);
    p->output_multiplier = anne__multiplier16(m);
    if (p->output_shift > 0 || p->output_shift < -15) {
        return anne_error_set(err, "HARD_SWISH scales %.9g -> %.9g: output shift %d outside -15 .. 0",
                              (double)in_scale, (double)out_scale, (int)p->output_shift);
    }
    real = hires / reluish_scale;
    anne_quantize_multiplier((double)real, &m, &p->reluish_shift);
    p->reluish_multiplier = anne__multiplier16(m);
    if (p->reluish_shift > 31 || p->reluish_shift < -15) {
        return anne_error_set(err, "HARD_SWISH input scale %.9g: reluish shift %d outside -15 .. 31",
                              (double)in_scale, (int)p->reluish_shift);
    }
    p->in_zp = in_zp;
    p->out_zp = out_zp;
    return 0;
}

int anne_s8_relu_clamp(float scale, int32_t zp, float max_value, int32_t *act_min, int32_t *act_max, anne_error *err) {
    double q;
    if (anne__check_q("output", scale, zp, err)) return -1;
    if (!(max_value > 0.0f)) return anne_error_set(err, "relu max_value %.9g: expected > 0", (double)max_value);
    *act_min = zp > -128 ? zp : -128;
    *act_max = 127;
    if (isinf(max_value)) return 0;
    /* quantize(max_value): the float quotient rounded, as TFLite; checked in double, where any float
     * quotient fits, before it is an int32 */
    q = (double)roundf(max_value / scale);
    if (!(q <= 2147483647.0)) {
        return anne_error_set(err, "scale %g: the clamp at %.9g quantizes to %g steps, beyond the int32 range TFLite "
                              "computes it in; expected a scale of at least %g", (double)scale, (double)max_value, q,
                              (double)max_value / 2147483647.0);
    }
    if ((double)zp + q < 127.0) *act_max = zp + (int32_t)q;
    return 0;
}

uint32_t anne_s8_channel_multipliers(float in_scale, const float *w_scale, uint32_t n, float out_scale,
                                     int32_t *multiplier, int32_t *shift) {
    uint32_t c;
    for (c = 0; c < n; c++) {
        anne_quantize_multiplier((double)in_scale * (double)w_scale[c] / (double)out_scale, &multiplier[c], &shift[c]);
        if (shift[c] > 30) return c + 1u;
    }
    return 0;
}

int anne_s8_concat_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, int8_t lut[256],
                         anne_error *err) {
    float inverse, scale, bias;
    int32_t q;
    if (anne__check_q("input", in_scale, in_zp, err) || anne__check_q("output", out_scale, out_zp, err)) return -1;
    if (in_scale == out_scale && in_zp == out_zp) { /* TFLite copies such an input */
        for (q = -128; q <= 127; q++) lut[q + 128] = (int8_t)q;
        return 1;
    }
    inverse = 1.0f / out_scale;
    scale = in_scale * inverse;
    bias = (float)-in_zp * scale;
    for (q = -128; q <= 127; q++) {
        float prod = (float)q * scale, v = prod + bias; /* two float roundings, no fused multiply-add */
        double r = round((double)v);                    /* TfLiteRound: half away from zero */
        r += (double)out_zp;
        lut[q + 128] = (int8_t)(r < -128.0 ? -128 : (r > 127.0 ? 127 : (int32_t)r));
    }
    return 0;
}

int anne_s8_merge_aux(anne_op_kind kind, const anne_tensor *a, const anne_tensor *b, const anne_tensor *y,
                      int32_t aux[9], uint32_t *size, anne_error *err) {
    if (kind == ANNE_OP_MULTIPLY) {
        anne_s8_mul_params p;
        if (anne_s8_mul_prepare(a->scale, a->zero_point, b->scale, b->zero_point, y->scale, y->zero_point, &p, err)) {
            return -1;
        }
        aux[2] = p.multiplier, aux[3] = p.shift;
        *size = 16u;
    } else {
        anne_s8_add_params p;
        if (anne_s8_add_prepare(a->scale, a->zero_point, b->scale, b->zero_point, y->scale, y->zero_point,
                                kind == ANNE_OP_SUBTRACT, &p, err)) {
            return -1;
        }
        aux[2] = p.left_shift, aux[3] = p.in1_multiplier, aux[4] = p.in1_shift, aux[5] = p.in2_multiplier;
        aux[6] = p.in2_shift, aux[7] = p.out_multiplier, aux[8] = p.out_shift;
        *size = 36u;
    }
    return 0;
}

int anne_s8_concat_aux(const anne_tensor *const *x, uint32_t n, const anne_tensor *y, uint8_t *aux, uint32_t *size,
                       anne_error *err) {
    uint32_t k, mask = 0;
    *size = 4u;
    for (k = 0; k < n; k++) {
        const int same = anne_s8_concat_table(x[k]->scale, x[k]->zero_point, y->scale, y->zero_point,
                                              (int8_t *)(aux + *size), err);
        if (same < 0) return anne_error_prefix(err, "input %u", k + 1u);
        if (same == 0) { /* a table; an input quantized as the output is copied */
            mask |= 1u << k;
            *size += 256u;
        }
    }
    memcpy(aux, &mask, 4); /* little-endian on the host as in the file */
    return 0;
}
