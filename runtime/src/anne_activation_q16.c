/* Activations in Q16.16, integer-only: tables with linear interpolation (sigmoid, tanh, Phi for
 * gelu: the paper's appendix F proposal), exp through 2^f with a table and a shift, log1p through
 * a log2 table, exact integer arithmetic for the piecewise-linear ones. Errors: docs/numerics.md. */
#include <string.h>

#include "anne_format.h"
#include "anne_q16_math.h"
#include "anne_q16_tables.h"

/* expr when this build has the activation (anne_config.h), else x unchanged; folded at compile time. */
#define ANNE__IF(act, expr) (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_##act) ? (expr) : x)
#include "anne_quant.h"

/* Linear interpolation in a 257-point table whose step is 2^step_bits in Q16.16: a >= 0. Beyond the
 * table the last point is the value (the functions are flat to within 2^-17 there). */
static int32_t anne__interp(const int32_t *t, uint32_t a, unsigned step_bits) {
    uint32_t k = a >> step_bits, frac = a & ((1u << step_bits) - 1u);
    int64_t d;
    if (k >= 256u) return t[256];
    d = (int64_t)(t[k + 1u] - t[k]) * frac; /* table differences are small: no overflow */
    return t[k] + (int32_t)anne__round_shift64(d, step_bits);
}

/* round(x * p) for a Q16.16 x and a float p, on p's bits (p = m * 2^(e - 150), m the 24-bit
 * significand), divided by 2^extra_shift: one rounding (ties toward +inf), saturated. So parameters
 * such as leaky_relu's 0.01 act with their float value, not with a 16-bit approximation of it. */
static int32_t anne__mul_f32s(int32_t x, float pf, unsigned extra_shift) {
    uint32_t u, e, m;
    int64_t prod;
    memcpy(&u, &pf, sizeof u);
    e = (u >> 23) & 0xFFu;
    m = (u & 0x7FFFFFu) | 0x800000u;
    if (e == 0 || x == 0) return 0; /* zero or subnormal p: |x p| < 2^-94 */
    if (e == 0xFFu) {
        if ((u & 0x7FFFFFu) != 0) return 0; /* NaN (the loader refuses it) */
        return ((u >> 31) != 0) == (x < 0) ? INT32_MAX : INT32_MIN;
    }
    prod = (int64_t)x * m; /* |prod| <= 2^55 */
    if ((u >> 31) != 0) prod = -prod;
    if (e < 150u + extra_shift) {
        if (150u + extra_shift - e >= 57u) return 0; /* |x p| <= 2^55 / 2^57 */
        return anne__sat32(anne__round_shift64(prod, 150u + extra_shift - e));
    }
    if (e - 150u - extra_shift >= 8u) return prod > 0 ? INT32_MAX : INT32_MIN; /* >= 2^24 * 2^8 */
    return anne__sat32(prod * ((int64_t)1 << (e - 150u - extra_shift)));
}

/* round(x * p) in x's units (see above). */
static int32_t anne__mul_f32(int32_t x, float pf) {
    return anne__mul_f32s(x, pf, 0u);
}

/* sigmoid on [0, 16) with step 1/16, mirrored: sigmoid(-x) = 1 - sigmoid(x). */
static int32_t anne__q16_sigmoid(int32_t x) {
    int32_t y = anne__interp(anne__q16_sigmoid_table, anne__abs32(x), 12u);
    return x >= 0 ? y : ANNE_Q16_ONE - y;
}

/* tanh on [0, 8) with step 1/32, odd. */
static int32_t anne__q16_tanh(int32_t x) {
    int32_t y = anne__interp(anne__q16_tanh_table, anne__abs32(x), 11u);
    return x >= 0 ? y : -y;
}

#define ANNE__LOG2E_Q24 24204406  /* round(log2(e) * 2^24) */

/* exp(x) = 2^t, t = x log2(e) = k + f with f in [0, 1): *p = 2^f in Q30 (in [2^30, 2^31]) from a
 * 257-point table with linear interpolation, and k. t is kept in Q40 so that x's 16 fraction bits
 * all count. */
static void anne__exp_parts(int32_t x, int64_t *k_out, uint64_t *p_out) {
    int64_t t = (int64_t)x * ANNE__LOG2E_Q24; /* Q40, |t| < 2^56 */
    int64_t k = anne__floor_shift64(t, 40u);
    uint64_t f = (uint64_t)(t - k * ((int64_t)1 << 40)); /* [0, 2^40) */
    uint32_t idx = (uint32_t)(f >> 32), frac = (uint32_t)((f >> 8) & 0xFFFFFFu);
    *p_out = anne__q16_exp2_table[idx] +
             (((uint64_t)(anne__q16_exp2_table[idx + 1u] - anne__q16_exp2_table[idx]) * frac + 0x800000u) >> 24);
    *k_out = k;
}

/* p * 2^-s rounded to nearest, for s >= 0 (0 when everything is shifted out). */
static uint64_t anne__ushift_round(uint64_t p, int64_t s) {
    if (s == 0) return p;
    if (s >= 40) return 0; /* p <= 2^31 */
    return (p + ((uint64_t)1 << (s - 1))) >> s;
}

/* exp(x) in Q16.16, saturated above ln(32768) = 10.4: p * 2^(k - 14). */
static int32_t anne__q16_exp(int32_t x) {
    int64_t k;
    uint64_t p;
    anne__exp_parts(x, &k, &p);
    if (k >= 15) return INT32_MAX;
    if (k == 14) return p > INT32_MAX ? INT32_MAX : (int32_t)p;
    return (int32_t)anne__ushift_round(p, 14 - k);
}

/* exp(x) - 1 for x <= 0, in Q30 ([-2^30, 0]): keeps 14 more bits than Q16 for elu and selu, whose
 * results are scaled by alpha after the subtraction. */
static int32_t anne__q30_expm1_nonpos(int32_t x) {
    int64_t k;
    uint64_t p;
    anne__exp_parts(x, &k, &p); /* k <= 0 */
    return (int32_t)anne__ushift_round(p, -k) - (1 << 30);
}

/* log(1 + exp(-a)) for a >= 0 (Q16): ln 2 * log2(1 + u), u = exp(-a) in [0, 1], log2(1 + u) from a
 * 257-point table (Q30) with linear interpolation. */
#define ANNE__LN2_Q16 45426 /* round(ln 2 * 2^16) */
static int32_t anne__q16_log1p_exp_neg(uint32_t a) {
    int32_t u = anne__q16_exp(a >= 0x80000000u ? INT32_MIN : -(int32_t)a); /* [0, 65536] */
    uint32_t idx = (uint32_t)u >> 8, frac = (uint32_t)u & 0xFFu;
    uint64_t l = anne__q16_log2_1p_table[idx];
    if (idx < 256u) {
        l += ((uint64_t)(anne__q16_log2_1p_table[idx + 1u] - anne__q16_log2_1p_table[idx]) * frac + 128u) >> 8;
    }
    /* l in Q30 <= 2^30; times ln 2 (Q16) is Q46; back to Q16 */
    return (int32_t)((l * ANNE__LN2_Q16 + ((uint64_t)1 << 29)) >> 30);
}

/* x * Phi(x) (exact gelu): Phi on [0, 8) with step 1/32, Phi(-x) = 1 - Phi(x). */
static int32_t anne__q16_gelu(int32_t x) {
    int32_t p = anne__interp(anne__q16_phi_table, anne__abs32(x), 11u);
    return anne__q16_mul(x, x >= 0 ? p : ANNE_Q16_ONE - p);
}

/* x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3): 0.5 (1 + tanh u) = sigmoid(2u). Beyond |x| = 8
 * the sigmoid is 0 or 1 to within 2^-17 (2u > 21), so x^3 is only formed where it fits. */
#define ANNE__GELU_C2_Q16 104582  /* round(2 sqrt(2/pi) * 2^16) */
#define ANNE__GELU_K_Q16 2930     /* round(0.044715 * 2^16) */
static int32_t anne__q16_gelu_tanh(int32_t x) {
    int64_t x3, inner;
    if (x >= 8 * ANNE_Q16_ONE) return x;
    if (x <= -8 * ANNE_Q16_ONE) return 0;
    x3 = anne__round_shift64(anne__round_shift64((int64_t)x * x, 16u) * x, 16u); /* |x3| < 2^25 */
    inner = x + anne__round_shift64(x3 * ANNE__GELU_K_Q16, 16u);
    return anne__q16_mul(x, anne__q16_sigmoid(anne__sat32(anne__round_shift64(inner * ANNE__GELU_C2_Q16, 16u))));
}

/* x / (1 + |x|), rounded to nearest on the magnitude. */
static int32_t anne__q16_softsign(int32_t x) {
    uint64_t a = anne__abs32(x), den = (uint64_t)ANNE_Q16_ONE + a;
    uint32_t y = (uint32_t)(((a << 16) + den / 2u) / den); /* < 65536 */
    return x >= 0 ? (int32_t)y : -(int32_t)y;
}

/* Keras relu(x, negative_slope, max_value, threshold), as the float version computes it. */
static int32_t anne__q16_relu(int32_t x, float slope, int32_t max_value, int has_max, int32_t threshold) {
    int64_t y = x > threshold ? x : 0;
    if (has_max) y = y < 0 ? 0 : (y > max_value ? max_value : y);
    if (x < threshold) y -= anne__mul_f32(anne__sat32((int64_t)threshold - x), slope);
    return anne__sat32(y);
}

static int32_t anne__q16_elementwise(int32_t x, anne_activation act, const float *param, const int32_t p[3],
                                     int has_max) {
    switch (act) {
    case ANNE_ACT_RELU: return ANNE__IF(RELU, anne__q16_relu(x, param[0], p[1], has_max, p[2]));
    case ANNE_ACT_LEAKY_RELU: return ANNE__IF(LEAKY_RELU, x > 0 ? x : anne__mul_f32(x, param[0]));
    case ANNE_ACT_SIGMOID: return ANNE__IF(SIGMOID, anne__q16_sigmoid(x));
    case ANNE_ACT_TANH: return ANNE__IF(TANH, anne__q16_tanh(x));
    case ANNE_ACT_ELU: return ANNE__IF(ELU, x > 0 ? x : anne__mul_f32s(anne__q30_expm1_nonpos(x), param[0], 14u));
    case ANNE_ACT_SELU: /* alpha (1.67) times a Q30 value in [-1, 0] still fits int32 */
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SELU)) return x;
        if (x > 0) return anne__mul_f32(x, ANNE_SELU_SCALE);
        return anne__mul_f32s(anne__mul_f32(anne__q30_expm1_nonpos(x), ANNE_SELU_ALPHA), ANNE_SELU_SCALE, 14u);
    case ANNE_ACT_SOFTPLUS: {
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTPLUS)) return x;
        uint32_t a = anne__abs32(x);
        int64_t y = (x > 0 ? (int64_t)x : 0) + anne__q16_log1p_exp_neg(a);
        return anne__sat32(y);
    }
    case ANNE_ACT_SOFTSIGN: return ANNE__IF(SOFTSIGN, anne__q16_softsign(x));
    case ANNE_ACT_HARD_SIGMOID: /* clip(0.2 x + 0.5, 0, 1) = (x + 2.5) / 5, exactly rounded */
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_HARD_SIGMOID)) return x;
        if (x <= -163840) return 0;
        if (x >= 163840) return ANNE_Q16_ONE;
        return (int32_t)(((uint32_t)(x + 163840) + 2u) / 5u);
    case ANNE_ACT_HARD_SIGMOID_K3: /* relu6(x + 3) / 6 */
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_HARD_SIGMOID_K3)) return x;
        if (x <= -196608) return 0;
        if (x >= 196608) return ANNE_Q16_ONE;
        return (int32_t)(((uint32_t)(x + 196608) + 3u) / 6u);
    case ANNE_ACT_SWISH: return ANNE__IF(SWISH, anne__q16_mul(x, anne__q16_sigmoid(x)));
    case ANNE_ACT_GELU: return ANNE__IF(GELU, anne__q16_gelu(x));
    case ANNE_ACT_GELU_TANH: return ANNE__IF(GELU_TANH, anne__q16_gelu_tanh(x));
    case ANNE_ACT_EXPONENTIAL: return ANNE__IF(EXPONENTIAL, anne__q16_exp(x));
    case ANNE_ACT_THRESHOLDED_RELU: return ANNE__IF(THRESHOLDED_RELU, x > p[0] ? x : 0);
    default: return x;
    }
}

/* Softmax: e_i = exp(x_i - max) in Q30 (<= 1: the maximum gives exactly 2^30), then e_i / sum
 * through one reciprocal (one 64-bit division per layer, not per unit). x (n) doubles as the
 * buffer of the e_i: Q30 <= 2^30 fits int32. */
static void anne__q16_softmax(int32_t *x, size_t n) {
    size_t i;
    int32_t max = x[0];
    uint64_t sum = 0, r;
    for (i = 1; i < n; i++) {
        if (x[i] > max) max = x[i];
    }
    for (i = 0; i < n; i++) {
        int64_t k;
        uint64_t p;
        anne__exp_parts(anne__sat32((int64_t)x[i] - max), &k, &p); /* k <= 0 */
        x[i] = (int32_t)anne__ushift_round(p, -k);
        sum += (uint32_t)x[i]; /* <= 65535 * 2^30 < 2^46 */
    }
    r = (((uint64_t)1 << 62) + sum / 2u) / sum; /* sum >= 2^30: r <= 2^32 */
    for (i = 0; i < n; i++) x[i] = (int32_t)(((uint64_t)(uint32_t)x[i] * r + ((uint64_t)1 << 45)) >> 46);
}

void anne_activation_forward_q16(int32_t *x, size_t n, anne_activation act, const float param[3],
                                 const float *unit_param) {
    size_t i;
    int32_t p[3];
    int has_max;
    if (act == ANNE_ACT_LINEAR || n == 0) return;
    if (act == ANNE_ACT_SOFTMAX) {
        if (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTMAX)) anne__q16_softmax(x, n);
        return;
    }
    if (act == ANNE_ACT_PRELU) {
        if (unit_param == NULL || !ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_PRELU)) return;
        for (i = 0; i < n; i++) {
            if (x[i] < 0) x[i] = anne__mul_f32(x[i], unit_param[i]);
        }
        return;
    }
    for (i = 0; i < 3; i++) p[i] = anne_q16_from_f32(param[i]);
    has_max = anne__finite(param[1]); /* relu: +inf means no clip */
    for (i = 0; i < n; i++) x[i] = anne__q16_elementwise(x[i], act, param, p, has_max);
}
