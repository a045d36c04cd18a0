/* int64 transcriptions of TFLite's int8 ADD (AddFunc), MUL (MulElementwise), concatenation with
 * scaling (ConcatenationWithScaling) and LEAKY_RELU (QuantizeLeakyRelu), one value each, for the tests of the kernels (test_merge_s8.c)
 * and of the int8 graphs that run them (test_graph_s8.c). Written from TFLite's steps, with the
 * requantization of test_quant_ref.h, not from the runtime's code. Needs cmocka (test_support.h). */
#ifndef TEST_S8_OPS_REF_H
#define TEST_S8_OPS_REF_H

#include <math.h>
#include <stdint.h>

#include "anne_quant_ops.h"
#include "test_quant_ref.h"
#include "test_support.h"

static inline int64_t ref_clamp64(int64_t v, int64_t lo, int64_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

/* TFLite's AddFunc for one pair, in int64 (each product checked to fit int32, as TFLite's does). */
static inline int64_t reference_add(int32_t a, int32_t b, const anne_s8_add_params *p) {
    int64_t s1 = ((int64_t)a - p->in1_zp) * ((int64_t)1 << p->left_shift);
    int64_t s2 = ((int64_t)b - p->in2_zp) * ((int64_t)1 << p->left_shift);
    int64_t r1, r2, sum;
    assert_true(s1 >= INT32_MIN && s1 <= INT32_MAX && s2 >= INT32_MIN && s2 <= INT32_MAX);
    r1 = ref_requantize((int32_t)s1, p->in1_multiplier, p->in1_shift);
    r2 = ref_requantize((int32_t)s2, p->in2_multiplier, p->in2_shift);
    sum = r1 + r2;
    assert_true(sum >= INT32_MIN && sum <= INT32_MAX);
    return ref_clamp64((int64_t)ref_requantize((int32_t)sum, p->out_multiplier, p->out_shift) + p->out_zp, p->act_min,
                   p->act_max);
}

static inline int64_t reference_mul(int32_t a, int32_t b, const anne_s8_mul_params *p) {
    int64_t prod = ((int64_t)a - p->in1_zp) * ((int64_t)b - p->in2_zp);
    return ref_clamp64((int64_t)ref_requantize((int32_t)prod, p->multiplier, p->shift) + p->out_zp, p->act_min,
                   p->act_max);
}

/* TFLite's ConcatenationWithScaling for one value, transcribed with each float step stored (volatile:
 * no fused multiply-add, no excess precision) and rounded half away from zero by floor(|v| + 0.5). */
static inline int32_t reference_concat(int32_t q, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp) {
    volatile float inverse = 1.0f / out_scale, scale = in_scale * inverse, bias = (float)-in_zp * scale;
    volatile float prod = (float)q * scale, v = prod + bias;
    double r = floor(fabs((double)v) + 0.5);
    int64_t value = (int64_t)(v < 0.0f ? -r : r) + out_zp;
    return (int32_t)ref_clamp64(value, -128, 127);
}

/* TFLite's QuantizeLeakyRelu for one value: the zero point's side picks the multiplier. */
static inline int64_t reference_leaky(int32_t q, const anne_s8_leaky_relu_params *p) {
    int32_t x = q - p->in_zp;
    int32_t v = x >= 0 ? ref_requantize(x, p->identity_multiplier, p->identity_shift)
                       : ref_requantize(x, p->alpha_multiplier, p->alpha_shift);
    return ref_clamp64((int64_t)v + p->out_zp, -128, 127);
}

#endif /* TEST_S8_OPS_REF_H */
