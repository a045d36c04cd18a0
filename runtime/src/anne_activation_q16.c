/* Activations in Q16.16, integer-only: tables with linear interpolation (sigmoid, tanh, Phi for
 * gelu: the paper's appendix F proposal), exp through 2^f with a table and a shift, log1p through
 * a log2 table, exact integer arithmetic for the piecewise-linear ones. Errors: docs/numerics.md. */
#include <string.h>

#include "anne_format.h"
#include "anne_math_f32.h"
#include "anne_q16_math.h"
#include "anne_q16_tables.h"

#include "anne_quant.h"

/* Linear interpolation in a 257-point table whose step is 2^step_bits in Q16.16: a >= 0. Beyond the
 * table the last point is the value (the functions are flat to within 2^-17 there). Neighbouring
 * entries of the sigmoid, tanh and Phi tables differ by less than 2^11 (tests/test_q16_exact.c) and
 * frac < 2^12, so the product is below 2^23 and one word holds it: the same value as in 64 bits. */
static int32_t anne__interp(const int32_t *t, uint32_t a, unsigned step_bits) {
    uint32_t k = a >> step_bits, frac = a & ((1u << step_bits) - 1u);
    if (k >= 256u) return t[256];
    return t[k] + anne__round_shift32((t[k + 1u] - t[k]) * (int32_t)frac, step_bits);
}

/* floor(n / d) for d in [1, 2^62] and n < d 2^bits, bits <= 63: long division, one quotient bit per
 * step, exact by construction (the remainder r stays below d, so 2r + 1 < 2^63 fits). The low `bits`
 * bits of n are shifted in from the top of `lo`, one a step, so every shift is by one or a constant.
 * It replaces libgcc's 64-bit division (__udivmoddi4 on ARMv6-M, with its own frame of 48 bytes and
 * calls) in the two places that divided: softmax's reciprocal and softsign. */
ANNE__NOINLINE static uint64_t anne__udiv_bits(uint64_t n, uint64_t d, unsigned bits) {
    uint64_t r = n >> bits, lo = bits != 0 ? n << (64u - bits) : 0, q = 0;
    while (bits-- != 0) {
        r = (r << 1) | (lo >> 63);
        lo <<= 1;
        q <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    return q;
}

/* round(x * p) for a Q16.16 x and a float p, on p's bits (p = m * 2^(e - 150), m the 24-bit
 * significand), divided by 2^extra_shift: one rounding (ties toward +inf), saturated. So parameters
 * such as leaky_relu's 0.01 act with their float value, not with a 16-bit approximation of it.
 * Out of line: its 64-bit product would otherwise widen the frame of every activation's loop. */
ANNE__NOINLINE static int32_t anne__mul_f32s(int32_t x, float pf, unsigned extra_shift) {
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
    prod = (int64_t)anne__umul32(anne__abs32(x), m); /* x m, |x m| <= 2^55, formed on the magnitude */
    if ((x < 0) != ((u >> 31) != 0)) prod = -prod;
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

/* exp(x) = 2^t, t = x log2(e) = k + f with f in [0, 1): returns 2^f in Q30 (in [2^30, 2^31]) from a
 * 257-point table with linear interpolation, and k (|k| < 2^16) in *k_out. t is kept in Q40 so that
 * x's 16 fraction bits all count. It is formed as the two words of |x| log2(e) (< 2^56), negated as a
 * pair for x < 0: k = floor(t / 2^40) is the high word shifted right by 8 (arithmetically: on ~t for
 * t < 0, floor(v / 2^s) = ~(~v >> s)), f's top 8 bits (the table index) are the high word's low 8
 * and the next 24 (the interpolation weight) the low word's top 24; f's low 8 bits are not used.
 * In words rather than in int64, so that ARMv6-M needs no library call (the same values). */
static uint32_t anne__exp_parts(int32_t x, int32_t *k_out) {
    uint64_t u = anne__umul32(anne__abs32(x), ANNE__LOG2E_Q24);
    uint32_t hi, idx, d;
    if (x < 0) u = 0u - u; /* t's two's complement bits */
    hi = (uint32_t)(u >> 32);
    *k_out = x >= 0 ? (int32_t)(hi >> 8) : -(int32_t)(~hi >> 8) - 1;
    idx = hi & 0xFFu;
    d = anne__q16_exp2_table[idx + 1u] - anne__q16_exp2_table[idx]; /* < 2^23: the product < 2^47 */
    return anne__q16_exp2_table[idx] + (uint32_t)((anne__umul32(d, (uint32_t)u >> 8) + 0x800000u) >> 24);
}

/* p 2^-s rounded to nearest (ties up), for p <= 2^31: in one word up to s = 31; beyond, the sum
 * p + 2^(s-1) reaches 2^s (a result of 1) only for s = 32 and p = 2^31, else everything is shifted
 * out. */
static uint32_t anne__ushift_round(uint32_t p, uint32_t s) {
    if (s == 0) return p;
    if (s >= 32u) return s == 32u && p >= 0x80000000u ? 1u : 0u;
    return (p + (1u << (s - 1u))) >> s;
}

/* exp(x) in Q16.16, saturated above ln(32768) = 10.4: p * 2^(k - 14). The exp-based activations are
 * out of line (their table work has a frame of its own), so the loop that calls them stays small. */
ANNE__NOINLINE static int32_t anne__q16_exp(int32_t x) {
    int32_t k;
    uint32_t p = anne__exp_parts(x, &k);
    if (k >= 15) return INT32_MAX;
    if (k == 14) return p > INT32_MAX ? INT32_MAX : (int32_t)p;
    return (int32_t)anne__ushift_round(p, (uint32_t)(14 - k));
}

/* exp(x) for x <= 0, in Q30 ([0, 2^30]): softmax's terms, and elu's and selu's through the next. */
ANNE__NOINLINE static int32_t anne__q30_exp_nonpos(int32_t x) {
    int32_t k;
    uint32_t p = anne__exp_parts(x, &k); /* k <= 0 */
    return (int32_t)anne__ushift_round(p, (uint32_t)-k);
}

/* exp(x) - 1 for x <= 0, in Q30 ([-2^30, 0]): keeps 14 more bits than Q16 for elu and selu, whose
 * results are scaled by alpha after the subtraction. */
static int32_t anne__q30_expm1_nonpos(int32_t x) {
    return anne__q30_exp_nonpos(x) - (1 << 30);
}

/* log(1 + exp(-a)) for a >= 0 (Q16): ln 2 * log2(1 + u), u = exp(-a) in [0, 1], log2(1 + u) from a
 * 257-point table (Q30) with linear interpolation. */
#define ANNE__LN2_Q16 45426 /* round(ln 2 * 2^16) */
ANNE__NOINLINE static int32_t anne__q16_log1p_exp_neg(uint32_t a) {
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
ANNE__NOINLINE static int32_t anne__q16_gelu_tanh(int32_t x) {
    int64_t x3, inner;
    if (x >= 8 * ANNE_Q16_ONE) return x;
    if (x <= -8 * ANNE_Q16_ONE) return 0;
    x3 = anne__round_shift64(anne__round_shift64((int64_t)x * x, 16u) * x, 16u); /* |x3| < 2^25 */
    inner = x + anne__round_shift64(x3 * ANNE__GELU_K_Q16, 16u);
    return anne__q16_mul(x, anne__q16_sigmoid(anne__sat32(anne__round_shift64(inner * ANNE__GELU_C2_Q16, 16u))));
}

/* x / (1 + |x|), rounded to nearest on the magnitude: floor((a 2^16 + floor(den / 2)) / den) with
 * den = 2^16 + a, a = |x| <= 2^31; the quotient is below 2^16 (a 2^16 + den / 2 < den 2^16). */
ANNE__NOINLINE static int32_t anne__q16_softsign(int32_t x) {
    uint64_t a = anne__abs32(x), den = (uint64_t)ANNE_Q16_ONE + a;
    uint32_t y = (uint32_t)anne__udiv_bits((a << 16) + den / 2u, den, 16u);
    return x >= 0 ? (int32_t)y : -(int32_t)y;
}

/* relu's parameters as its loop uses them, converted once per layer. */
typedef struct anne__q16_params {
    const float *param; /* (3) as stored: the float parameters anne__mul_f32 applies on their bits */
    int32_t q[3];       /* the same in Q16.16 */
    int has_max;        /* relu: param[1] finite (+inf: no clip) */
    int has_slope;      /* relu: param[0] neither zero nor subnormal (anne__mul_f32 gives 0 for those) */
} anne__q16_params;

/* relu's y - slope (threshold - x) for x < threshold, saturated, in words: threshold - x is exact in
 * [1, 2^32) as uint32 (saturated to INT32_MAX), and the subtraction saturates on its own. Out of line:
 * plain relu's loop does not carry its frame. */
ANNE__NOINLINE static int32_t anne__q16_relu_slope(int32_t x, int32_t y, const anne__q16_params *p) {
    uint32_t d = (uint32_t)p->q[2] - (uint32_t)x;
    return anne__sub_sat32(y, anne__mul_f32(d > (uint32_t)INT32_MAX ? INT32_MAX : (int32_t)d, p->param[0]));
}

/* Keras relu(x, negative_slope, max_value, threshold), as the float version computes it. The slope's
 * product is formed only when it can be other than 0, so plain relu stays a compare. */
static int32_t anne__q16_relu(int32_t x, const anne__q16_params *p) {
    int32_t y = x > p->q[2] ? x : 0;
    if (p->has_max) y = y < 0 ? 0 : (y > p->q[1] ? p->q[1] : y);
    if (x < p->q[2] && p->has_slope) y = anne__q16_relu_slope(x, y, p);
    return y;
}

/* alpha (exp(x) - 1) for x <= 0 (elu), x beyond. */
static int32_t anne__q16_elu(int32_t x, float alpha) {
    return x > 0 ? x : anne__mul_f32s(anne__q30_expm1_nonpos(x), alpha, 14u);
}

/* scale elu(x, alpha) with Keras' fixed constants: alpha (1.67) times a Q30 value in [-1, 0] still fits
 * int32. */
static int32_t anne__q16_selu(int32_t x) {
    if (x > 0) return anne__mul_f32(x, ANNE_SELU_SCALE);
    return anne__mul_f32s(anne__mul_f32(anne__q30_expm1_nonpos(x), ANNE_SELU_ALPHA), ANNE_SELU_SCALE, 14u);
}

/* log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)), saturated. */
static int32_t anne__q16_softplus(int32_t x) {
    return anne__sat32((x > 0 ? (int64_t)x : 0) + anne__q16_log1p_exp_neg(anne__abs32(x)));
}

/* clip(0.2 x + 0.5, 0, 1) = (x + 2.5) / 5, exactly rounded (Keras 2). */
static int32_t anne__q16_hard_sigmoid(int32_t x) {
    if (x <= -163840) return 0;
    if (x >= 163840) return ANNE_Q16_ONE;
    return (int32_t)(((uint32_t)(x + 163840) + 2u) / 5u);
}

/* relu6(x + 3) / 6, exactly rounded (Keras 3). */
static int32_t anne__q16_hard_sigmoid_k3(int32_t x) {
    if (x <= -196608) return 0;
    if (x >= 196608) return ANNE_Q16_ONE;
    return (int32_t)(((uint32_t)(x + 196608) + 3u) / 6u);
}

/* The elementwise activations: one loop per kind, so the kind is chosen once per layer and each loop is
 * a function of its own (out of line): the deepest call chain carries the frame of the layer's own kind
 * and its helpers, not of every kind at once (the M0+ stack target, docs/mcu-report.md). `v` is the element;
 * a kind's parameters are read before the loop. */
#define ANNE__Q16_LOOP(name, decl, expr)                                                   \
    ANNE__NOINLINE static void name(int32_t *x, size_t n, const float param[3]) {          \
        size_t i;                                                                          \
        decl;                                                                              \
        for (i = 0; i < n; i++) {                                                          \
            int32_t v = x[i];                                                              \
            x[i] = (expr);                                                                 \
        }                                                                                  \
    }
ANNE__Q16_LOOP(anne__q16_leaky_relu_map, float alpha = param[0], v > 0 ? v : anne__mul_f32(v, alpha))
ANNE__Q16_LOOP(anne__q16_sigmoid_map, (void)param, anne__q16_sigmoid(v))
ANNE__Q16_LOOP(anne__q16_tanh_map, (void)param, anne__q16_tanh(v))
ANNE__Q16_LOOP(anne__q16_elu_map, float alpha = param[0], anne__q16_elu(v, alpha))
ANNE__Q16_LOOP(anne__q16_selu_map, (void)param, anne__q16_selu(v))
ANNE__Q16_LOOP(anne__q16_softplus_map, (void)param, anne__q16_softplus(v))
ANNE__Q16_LOOP(anne__q16_softsign_map, (void)param, anne__q16_softsign(v))
ANNE__Q16_LOOP(anne__q16_hard_sigmoid_map, (void)param, anne__q16_hard_sigmoid(v))
ANNE__Q16_LOOP(anne__q16_hard_sigmoid_k3_map, (void)param, anne__q16_hard_sigmoid_k3(v))
ANNE__Q16_LOOP(anne__q16_swish_map, (void)param, anne__q16_mul(v, anne__q16_sigmoid(v)))
ANNE__Q16_LOOP(anne__q16_hard_swish_map, (void)param, anne__q16_mul(v, anne__q16_hard_sigmoid_k3(v)))
ANNE__Q16_LOOP(anne__q16_gelu_map, (void)param, anne__q16_gelu(v))
ANNE__Q16_LOOP(anne__q16_gelu_tanh_map, (void)param, anne__q16_gelu_tanh(v))
ANNE__Q16_LOOP(anne__q16_exp_map, (void)param, anne__q16_exp(v))
ANNE__Q16_LOOP(anne__q16_thresholded_relu_map, int32_t theta = anne_q16_from_f32(param[0]), v > theta ? v : 0)

/* relu with its parameters converted once. */
ANNE__NOINLINE static void anne__q16_relu_map(int32_t *x, size_t n, const float param[3]) {
    size_t i;
    anne__q16_params p;
    p.param = param;
    for (i = 0; i < 3; i++) p.q[i] = anne_q16_from_f32(param[i]);
    p.has_max = anne__finite(param[1]);
    p.has_slope = (anne__f32_bits(param[0]) & 0x7F800000u) != 0;
    for (i = 0; i < n; i++) x[i] = anne__q16_relu(x[i], &p);
}

/* Softmax: e_i = exp(x_i - max) in Q30 (<= 1: the maximum gives exactly 2^30), then e_i / sum
 * through one reciprocal (one long division per layer, not per unit). x (n) doubles as the
 * buffer of the e_i: Q30 <= 2^30 fits int32. Out of line, as the elementwise loop is: the deepest
 * call chain holds one of the two frames, not both. */
ANNE__NOINLINE static void anne__q16_softmax(int32_t *x, size_t n) {
    size_t i;
    int32_t max = x[0];
    uint64_t sum = 0, r;
    for (i = 1; i < n; i++) {
        if (x[i] > max) max = x[i];
    }
    for (i = 0; i < n; i++) {
        /* x_i - max saturated, in one word: d = max - x_i is exact in [0, 2^32) as uint32 */
        uint32_t d = (uint32_t)max - (uint32_t)x[i];
        x[i] = anne__q30_exp_nonpos(d >= 0x80000000u ? INT32_MIN : -(int32_t)d);
        sum += (uint32_t)x[i]; /* <= 65535 * 2^30 < 2^46 */
    }
    /* round(2^62 / sum) = floor((2^62 + floor(sum / 2)) / sum): sum >= 2^30, so r <= 2^32 and the
     * numerator (< 2^63) is below sum 2^33 */
    r = anne__udiv_bits(((uint64_t)1 << 62) + sum / 2u, sum, 33u);
    /* round(e_i r / 2^46), e_i r <= 2^62; r = 2^32 (sum = 2^30: one term) is a shift */
    if ((r >> 32) != 0) {
        for (i = 0; i < n; i++) x[i] = (int32_t)(((uint32_t)x[i] + 0x2000u) >> 14);
    } else {
        for (i = 0; i < n; i++) {
            x[i] = (int32_t)((anne__umul32((uint32_t)x[i], (uint32_t)r) + ((uint64_t)1 << 45)) >> 46);
        }
    }
}

/* prelu: x_i < 0 times its unit's alpha (alpha (n)). */
ANNE__NOINLINE static void anne__q16_prelu(int32_t *x, size_t n, const float *alpha) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (x[i] < 0) x[i] = anne__mul_f32(x[i], alpha[i]);
    }
}

/* A dispatch only, so that each kind's frame stands alone on the stack (the calls are tail calls). */
void anne_activation_forward_q16(int32_t *x, size_t n, anne_activation act, const float param[3],
                                 const float *unit_param) {
#define ANNE__HAS(act) ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_##act)
    if (n == 0) return;
    switch (act) {
    case ANNE_ACT_RELU: if (ANNE__HAS(RELU)) anne__q16_relu_map(x, n, param); break;
    case ANNE_ACT_LEAKY_RELU: if (ANNE__HAS(LEAKY_RELU)) anne__q16_leaky_relu_map(x, n, param); break;
    case ANNE_ACT_SIGMOID: if (ANNE__HAS(SIGMOID)) anne__q16_sigmoid_map(x, n, param); break;
    case ANNE_ACT_TANH: if (ANNE__HAS(TANH)) anne__q16_tanh_map(x, n, param); break;
    case ANNE_ACT_SOFTMAX: if (ANNE__HAS(SOFTMAX)) anne__q16_softmax(x, n); break;
    case ANNE_ACT_ELU: if (ANNE__HAS(ELU)) anne__q16_elu_map(x, n, param); break;
    case ANNE_ACT_SELU: if (ANNE__HAS(SELU)) anne__q16_selu_map(x, n, param); break;
    case ANNE_ACT_SOFTPLUS: if (ANNE__HAS(SOFTPLUS)) anne__q16_softplus_map(x, n, param); break;
    case ANNE_ACT_SOFTSIGN: if (ANNE__HAS(SOFTSIGN)) anne__q16_softsign_map(x, n, param); break;
    case ANNE_ACT_HARD_SIGMOID: if (ANNE__HAS(HARD_SIGMOID)) anne__q16_hard_sigmoid_map(x, n, param); break;
    case ANNE_ACT_HARD_SIGMOID_K3:
        if (ANNE__HAS(HARD_SIGMOID_K3)) anne__q16_hard_sigmoid_k3_map(x, n, param);
        break;
    case ANNE_ACT_SWISH: if (ANNE__HAS(SWISH)) anne__q16_swish_map(x, n, param); break;
    case ANNE_ACT_GELU: if (ANNE__HAS(GELU)) anne__q16_gelu_map(x, n, param); break;
    case ANNE_ACT_GELU_TANH: if (ANNE__HAS(GELU_TANH)) anne__q16_gelu_tanh_map(x, n, param); break;
    case ANNE_ACT_EXPONENTIAL: if (ANNE__HAS(EXPONENTIAL)) anne__q16_exp_map(x, n, param); break;
    case ANNE_ACT_THRESHOLDED_RELU:
        if (ANNE__HAS(THRESHOLDED_RELU)) anne__q16_thresholded_relu_map(x, n, param);
        break;
    case ANNE_ACT_PRELU: if (unit_param != NULL && ANNE__HAS(PRELU)) anne__q16_prelu(x, n, unit_param); break;
    case ANNE_ACT_HARD_SWISH: if (ANNE__HAS(HARD_SWISH)) anne__q16_hard_swish_map(x, n, param); break;
    default: break; /* linear */
    }
#undef ANNE__HAS
}
