/* Activations in float32 with Keras' definitions, written so that no finite input gives NaN:
 * exponentials only ever see non-positive arguments where an overflow would matter. Comparisons,
 * negations and expf of the inference path go through anne_math_f32.h: integer instructions on a
 * soft-float core, the same results as the C operators. */
#include <math.h>

#include "anne.h"
#include "anne_math_f32.h"

/* expr when this build has the activation (anne_config.h), else x unchanged; folded at compile time. */
#define ANNE__IF(act, expr) (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_##act) ? (expr) : x)

/* 1 / (1 + exp(-x)) without overflow: exp() only of -|x|. (-0 takes the second branch: 0.5 too.) */
static float anne__sigmoid(float x) {
    if (!anne__f32_signbit(x)) return 1.0f / (1.0f + anne__expf(anne__f32_neg(x)));
    {
        float e = anne__expf(x);
        return e / (1.0f + e);
    }
}

/* Keras relu(x, negative_slope, max_value, threshold), as keras.backend.relu computes it. */
static float anne__relu(float x, const float param[3]) {
    float slope = param[0], max_value = param[1], threshold = param[2];
    float y = anne__f32_lt(threshold, x) ? x : 0.0f;
    if (anne__f32_lt(max_value, INFINITY)) {
        y = anne__f32_lt(y, 0.0f) ? 0.0f : (anne__f32_lt(max_value, y) ? max_value : y);
    }
    /* y -= slope * (threshold - x); slope != 0 also for NaN, as in C */
    if ((anne__f32_bits(slope) << 1) != 0u && anne__f32_lt(x, threshold))
        y = y + anne__f32_neg(slope * (threshold + anne__f32_neg(x)));
    return y;
}

/* Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
static float anne__hard_sigmoid_k3(float x) {
    float y = x + 3.0f;
    return (y < 0.0f ? 0.0f : (y > 6.0f ? 6.0f : y)) / 6.0f;
}

static void anne__softmax(float *x, size_t n) {
    size_t i;
    float max = x[0], neg_max, sum = 0.0f;
    for (i = 1; i < n; i++) {
        if (anne__f32_lt(max, x[i])) max = x[i];
    }
    neg_max = anne__f32_neg(max);
    for (i = 0; i < n; i++) {
        x[i] = anne__expf(x[i] + neg_max); /* x - max <= 0: no overflow; the maximum gives exactly 1 */
        sum += x[i];
    }
    for (i = 0; i < n; i++) x[i] /= sum;
}

static float anne__elementwise(anne_activation act, const float param[3], float x) {
    switch (act) {
    case ANNE_ACT_RELU: return ANNE__IF(RELU, anne__relu(x, param));
    case ANNE_ACT_LEAKY_RELU: return ANNE__IF(LEAKY_RELU, anne__f32_gt0(x) ? x : param[0] * x);
    case ANNE_ACT_SIGMOID: return ANNE__IF(SIGMOID, anne__sigmoid(x));
    case ANNE_ACT_TANH: return ANNE__IF(TANH, tanhf(x));
    case ANNE_ACT_ELU: return ANNE__IF(ELU, x > 0.0f ? x : param[0] * expm1f(x));
    case ANNE_ACT_SELU: return ANNE__IF(SELU, ANNE_SELU_SCALE * (x > 0.0f ? x : ANNE_SELU_ALPHA * expm1f(x)));
    case ANNE_ACT_SOFTPLUS: return ANNE__IF(SOFTPLUS, (x > 0.0f ? x : 0.0f) + log1pf(anne__expf(-fabsf(x))));
    case ANNE_ACT_SOFTSIGN: return ANNE__IF(SOFTSIGN, x / (1.0f + fabsf(x)));
    case ANNE_ACT_HARD_SIGMOID: {
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_HARD_SIGMOID)) break;
        float y = 0.2f * x + 0.5f;
        return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
    }
    case ANNE_ACT_HARD_SIGMOID_K3: return ANNE__IF(HARD_SIGMOID_K3, anne__hard_sigmoid_k3(x));
    /* Keras 3's hard_silu: x * hard_sigmoid(x), the quotient rounded before the product (TFLite's
     * reference divides the product by 6 instead: at most an ulp or so apart) */
    case ANNE_ACT_HARD_SWISH: return ANNE__IF(HARD_SWISH, x * anne__hard_sigmoid_k3(x));
    case ANNE_ACT_SWISH: return ANNE__IF(SWISH, x * anne__sigmoid(x));
    /* erfc(-x/sqrt2) = 1 + erf(x/sqrt2), without the cancellation of 1 + erf for x < -3 (as tf.nn.gelu) */
    case ANNE_ACT_GELU: return ANNE__IF(GELU, 0.5f * x * erfcf(-x * 0.70710678118654752f));
    case ANNE_ACT_GELU_TANH: {
        if (!ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_GELU_TANH)) break;
        /* x^3 may overflow to inf for |x| > 1e12; tanh(+-inf) is +-1, so the result stays finite. */
        float inner = 0.79788456080286536f * (x + 0.044715f * x * x * x);
        return 0.5f * x * (1.0f + tanhf(inner));
    }
    case ANNE_ACT_EXPONENTIAL: return ANNE__IF(EXPONENTIAL, anne__expf(x)); /* +inf above ~88.7, as in Keras */
    case ANNE_ACT_THRESHOLDED_RELU: return ANNE__IF(THRESHOLDED_RELU, anne__f32_lt(param[0], x) ? x : 0.0f);
    case ANNE_ACT_LINEAR:
    case ANNE_ACT_SOFTMAX:
    case ANNE_ACT_PRELU: /* per-unit alphas: anne_prelu_forward_f32() */
    case ANNE_ACT_COUNT: break;
    }
    return x;
}

void anne_activation_forward_f32(float *x, size_t n, anne_activation act, const float param[3]) {
    size_t i;
    if (act == ANNE_ACT_LINEAR || n == 0) return;
    if (act == ANNE_ACT_SOFTMAX) {
        if (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTMAX)) anne__softmax(x, n);
        return;
    }
    /* The paper's activations get loops of their own: the paper's layers have 1 to 3 units, so a
     * dispatch per element would cost more than the arithmetic. First plain relu, the common case:
     * slope +-0, max_value +inf, threshold +-0. */
    if (act == ANNE_ACT_RELU && ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_RELU) && (anne__f32_bits(param[0]) << 1) == 0u &&
        anne__f32_bits(param[1]) == 0x7F800000u && (anne__f32_bits(param[2]) << 1) == 0u) {
        for (i = 0; i < n; i++) x[i] = anne__f32_gt0(x[i]) ? x[i] : 0.0f;
    } else if (act == ANNE_ACT_SIGMOID && ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SIGMOID)) {
        for (i = 0; i < n; i++) x[i] = anne__sigmoid(x[i]);
    } else if (act == ANNE_ACT_TANH && ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_TANH)) {
        for (i = 0; i < n; i++) x[i] = tanhf(x[i]);
    } else if (act == ANNE_ACT_LEAKY_RELU && ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_LEAKY_RELU)) {
        for (i = 0; i < n; i++) x[i] = anne__f32_gt0(x[i]) ? x[i] : param[0] * x[i];
    } else {
        for (i = 0; i < n; i++) x[i] = anne__elementwise(act, param, x[i]);
    }
}

/* ------------------------------------------------------------------------------------------------
 * Backward (training): the derivative of each activation, beside its forward definition above. */
#include "anne_train.h"

/* d relu / dx for keras.backend.relu(x, negative_slope, max_value, threshold). */
static float anne__relu_grad(float x, const float param[3]) {
    float slope = param[0], max_value = param[1], threshold = param[2];
    float d = 0.0f;
    if (x > threshold) {
        d = 1.0f;
        /* with max_value the output is clipped to [0, max_value]: flat outside */
        if (max_value < INFINITY && (x < 0.0f || x > max_value)) d = 0.0f;
    }
    if (slope != 0.0f && x < threshold) d += slope;
    return d;
}

/* act'(x) for the elementwise activations; y = act(x). */
static float anne__elementwise_grad(anne_activation act, const float param[3], float x, float y) {
    switch (act) {
    case ANNE_ACT_RELU: return anne__relu_grad(x, param);
    case ANNE_ACT_LEAKY_RELU: return x > 0.0f ? 1.0f : param[0];
    /* from x, not as y(1 - y) or 1 - y^2: those cancel to noise where a unit saturates */
    case ANNE_ACT_SIGMOID: {
        float e = anne__expf(-fabsf(x));
        return e / ((1.0f + e) * (1.0f + e));
    }
    case ANNE_ACT_TANH: {
        float e = anne__expf(-2.0f * fabsf(x));
        return 4.0f * e / ((1.0f + e) * (1.0f + e));
    }
    case ANNE_ACT_ELU: return x > 0.0f ? 1.0f : param[0] * anne__expf(x);
    case ANNE_ACT_SELU: return x > 0.0f ? ANNE_SELU_SCALE : ANNE_SELU_SCALE * ANNE_SELU_ALPHA * anne__expf(x);
    case ANNE_ACT_SOFTPLUS: return anne__sigmoid(x);
    case ANNE_ACT_SOFTSIGN: {
        float d = 1.0f + fabsf(x);
        return 1.0f / (d * d);
    }
    case ANNE_ACT_HARD_SIGMOID: return (x > -2.5f && x < 2.5f) ? 0.2f : 0.0f;
    case ANNE_ACT_HARD_SIGMOID_K3: return (x > -3.0f && x < 3.0f) ? 1.0f / 6.0f : 0.0f;
    /* d/dx x (x + 3) / 6 = (2x + 3) / 6 inside (-3, 3); 1 above, 0 below (at the kinks, the side
     * TF's gradient of relu6 takes: the flat one) */
    case ANNE_ACT_HARD_SWISH: return x >= 3.0f ? 1.0f : (x > -3.0f ? (2.0f * x + 3.0f) / 6.0f : 0.0f);
    case ANNE_ACT_SWISH: {
        float s = anne__sigmoid(x);
        return s + x * s * (1.0f - s);
    }
    case ANNE_ACT_GELU: /* Phi(x) + x phi(x); erfc keeps Phi accurate far left */
        return 0.5f * erfcf(-x * 0.70710678118654752f) + x * 0.39894228040143268f * anne__expf(-0.5f * x * x);
    case ANNE_ACT_GELU_TANH: {
        /* 0.5 (1 + tanh u) = s and 0.5 (1 - tanh^2 u) = 2 s (1 - s), s = sigmoid(2u): no cancellation */
        float c = 0.79788456080286536f, k = 0.044715f, u, s, s_neg;
        if (fabsf(x) > 20.0f) return x > 0.0f ? 1.0f : 0.0f; /* flat there; avoids inf * 0 for huge x */
        u = c * (x + k * x * x * x);
        s = anne__sigmoid(2.0f * u);
        s_neg = anne__sigmoid(-2.0f * u);
        return s + 2.0f * x * s * s_neg * c * (1.0f + 3.0f * k * x * x);
    }
    case ANNE_ACT_EXPONENTIAL: return y;
    case ANNE_ACT_THRESHOLDED_RELU: return x > param[0] ? 1.0f : 0.0f;
    case ANNE_ACT_LINEAR:
    case ANNE_ACT_SOFTMAX:
    case ANNE_ACT_PRELU: /* per-unit slopes: the trainer uses anne_prelu_backward_f32 */
    case ANNE_ACT_COUNT: break;
    }
    return 1.0f;
}

void anne_activation_backward_f32(float *dx, const float *dy, const float *x, const float *y, size_t n,
                                  anne_activation act, const float param[3]) {
    size_t i;
    if (act == ANNE_ACT_SOFTMAX) {
        /* Jacobian-vector product: dx_i = y_i (dy_i - <dy, y>); the dot first, so dx may be dy */
        float dot = 0.0f;
        for (i = 0; i < n; i++) dot += dy[i] * y[i];
        for (i = 0; i < n; i++) dx[i] = y[i] * (dy[i] - dot);
        return;
    }
    if (act == ANNE_ACT_LINEAR) {
        if (dx != dy) {
            for (i = 0; i < n; i++) dx[i] = dy[i];
        }
        return;
    }
    for (i = 0; i < n; i++) dx[i] = dy[i] * anne__elementwise_grad(act, param, x[i], y[i]);
}
