/* Losses of one sample as Keras defines them, with their gradient with respect to the output layer's
 * pre-activations. Sigmoid/softmax outputs with cross-entropy take the stable path from the logits. */
#include <math.h>

#include "anne_math_f32.h"
#include "anne_train.h"

const char *anne_loss_name(anne_loss kind) {
    switch (kind) {
    case ANNE_LOSS_BINARY_CROSSENTROPY: return "binary_crossentropy";
    case ANNE_LOSS_CATEGORICAL_CROSSENTROPY: return "categorical_crossentropy";
    case ANNE_LOSS_MSE: return "mse";
    case ANNE_LOSS_COUNT: break;
    }
    return "?";
}

static float anne__clip_prob(float p) {
    return p < ANNE_LOSS_EPSILON ? ANNE_LOSS_EPSILON : (p > 1.0f - ANNE_LOSS_EPSILON ? 1.0f - ANNE_LOSS_EPSILON : p);
}

/* Sigmoid + BCE from the logits (tf.nn.sigmoid_cross_entropy_with_logits):
 * max(z, 0) - z t + ln(1 + exp(-|z|)), mean over outputs; d/dz = (sigmoid(z) - t) / n. */
static float anne__bce_logits(float *dz, const float *z, const float *y, const float *t, uint16_t n) {
    float sum = 0.0f, inv_n = 1.0f / (float)n;
    uint16_t i;
    for (i = 0; i < n; i++) {
        sum += (z[i] > 0.0f ? z[i] : 0.0f) - z[i] * t[i] + log1pf(anne__expf(-fabsf(z[i])));
        if (dz != NULL) dz[i] = (y[i] - t[i]) * inv_n;
    }
    return sum * inv_n;
}

/* Softmax + CCE from the logits (tf.nn.softmax_cross_entropy_with_logits):
 * sum_i t_i (lse(z) - z_i); d/dz_i = y_i sum(t) - t_i (y_i - t_i for a one-hot t). */
static float anne__cce_logits(float *dz, const float *z, const float *y, const float *t, uint16_t n) {
    float max = z[0], se = 0.0f, lse, sum = 0.0f, st = 0.0f;
    uint16_t i;
    for (i = 1; i < n; i++) {
        if (z[i] > max) max = z[i];
    }
    for (i = 0; i < n; i++) se += anne__expf(z[i] - max);
    lse = max + logf(se);
    for (i = 0; i < n; i++) {
        sum += t[i] * (lse - z[i]);
        st += t[i];
    }
    if (dz != NULL) {
        for (i = 0; i < n; i++) dz[i] = y[i] * st - t[i];
    }
    return sum;
}

/* BCE on probabilities y (any other output activation): p clipped to [eps, 1 - eps], as Keras 3 and
 * TF.js do. dy = d/dy, 0 where the clip is active. */
static float anne__bce_probs(float *dy, const float *y, const float *t, uint16_t n) {
    float sum = 0.0f, inv_n = 1.0f / (float)n;
    uint16_t i;
    for (i = 0; i < n; i++) {
        float p = anne__clip_prob(y[i]);
        sum -= t[i] * logf(p) + (1.0f - t[i]) * logf(1.0f - p);
        if (dy != NULL) dy[i] = (p == y[i]) ? (p - t[i]) / (p * (1.0f - p)) * inv_n : 0.0f;
    }
    return sum * inv_n;
}

/* CCE on probabilities y: q = y / sum(y), clipped; -sum t ln q. Through the normalization,
 * d/dy_j = (g_j - sum_i g_i q_i) / s with g_i = -t_i / q_i (0 where clipped). */
static float anne__cce_probs(float *dy, const float *y, const float *t, uint16_t n) {
    float s = 0.0f, sum = 0.0f, dot = 0.0f;
    uint16_t i;
    for (i = 0; i < n; i++) s += y[i];
    if (!(s > 0.0f)) s = 1.0f; /* all-zero outputs (e.g. relu): every q clips to eps, gradient 0 */
    for (i = 0; i < n; i++) {
        float q = y[i] / s, p = anne__clip_prob(q);
        float g = (p == q) ? -t[i] / q : 0.0f;
        sum -= t[i] * logf(p);
        dot += g * q;
        if (dy != NULL) dy[i] = g;
    }
    if (dy != NULL) {
        for (i = 0; i < n; i++) dy[i] = (dy[i] - dot) / s;
    }
    return sum;
}

static float anne__mse(float *dy, const float *y, const float *t, uint16_t n) {
    float sum = 0.0f, inv_n = 1.0f / (float)n;
    uint16_t i;
    for (i = 0; i < n; i++) {
        float e = y[i] - t[i];
        sum += e * e;
        if (dy != NULL) dy[i] = 2.0f * e * inv_n;
    }
    return sum * inv_n;
}

anne_status anne_loss_f32(float *loss, float *dz, const float *z, const float *y, const float *target,
                          uint16_t n, anne_loss kind, anne_activation act, const float param[3]) {
    float value;
    if (z == NULL || y == NULL || target == NULL || param == NULL) return ANNE_ERR_NULL_ARG;
    if (n == 0) return ANNE_ERR_SHAPE;
    if ((unsigned)act >= (unsigned)ANNE_ACT_COUNT) return ANNE_ERR_BAD_ACTIVATION;
    switch (kind) {
    case ANNE_LOSS_BINARY_CROSSENTROPY:
        if (act == ANNE_ACT_SIGMOID) {
            value = anne__bce_logits(dz, z, y, target, n);
            if (loss != NULL) *loss = value;
            return ANNE_OK;
        }
        value = anne__bce_probs(dz, y, target, n);
        break;
    case ANNE_LOSS_CATEGORICAL_CROSSENTROPY:
        if (act == ANNE_ACT_SOFTMAX) {
            value = anne__cce_logits(dz, z, y, target, n);
            if (loss != NULL) *loss = value;
            return ANNE_OK;
        }
        value = anne__cce_probs(dz, y, target, n);
        break;
    case ANNE_LOSS_MSE: value = anne__mse(dz, y, target, n); break;
    case ANNE_LOSS_COUNT:
    default: return ANNE_ERR_BAD_ARG;
    }
    /* dz holds dLoss/dy: back through the activation, in place */
    if (dz != NULL) anne_activation_backward_f32(dz, dz, z, y, n, act, param);
    if (loss != NULL) *loss = value;
    return ANNE_OK;
}
