/* Optimizers with Keras' update rules (SGD, momentum, Nesterov, Adam), each one flat loop over
 * parameters whose gradients and moments share their layout. */
#include <math.h>

#include "anne_train.h"

void anne_optimizer_defaults(anne_optimizer *opt, anne_optimizer_kind kind) {
    if (opt == NULL) return;
    opt->kind = kind;
    opt->lr = kind == ANNE_OPTIMIZER_ADAM ? 0.001f : 0.01f;
    opt->momentum = (kind == ANNE_OPTIMIZER_MOMENTUM || kind == ANNE_OPTIMIZER_NESTEROV) ? 0.9f : 0.0f;
    opt->beta1 = 0.9f;
    opt->beta2 = 0.999f;
    opt->epsilon = 1e-7f;
    opt->adam_form = ANNE_ADAM_KERAS;
}

uint32_t anne_optimizer_moments(anne_optimizer_kind kind) {
    switch (kind) {
    case ANNE_OPTIMIZER_MOMENTUM:
    case ANNE_OPTIMIZER_NESTEROV: return 1u;
    case ANNE_OPTIMIZER_ADAM: return 2u;
    case ANNE_OPTIMIZER_SGD:
    case ANNE_OPTIMIZER_KIND_COUNT: break;
    }
    return 0u;
}

void anne_optimizer_update_f32(float *param, float *m, float *v, const float *grad, size_t n, float grad_scale,
                               const anne_optimizer *opt, float beta1_pow, float beta2_pow) {
    size_t i;
    float lr = opt->lr;
    switch (opt->kind) {
    case ANNE_OPTIMIZER_SGD:
        for (i = 0; i < n; i++) param[i] -= lr * (grad[i] * grad_scale);
        break;
    case ANNE_OPTIMIZER_MOMENTUM:
        /* Keras keeps the velocity in parameter units (lr inside), so a new lr only affects new steps */
        for (i = 0; i < n; i++) {
            m[i] = opt->momentum * m[i] - lr * (grad[i] * grad_scale);
            param[i] += m[i];
        }
        break;
    case ANNE_OPTIMIZER_NESTEROV:
        for (i = 0; i < n; i++) {
            float g = grad[i] * grad_scale;
            m[i] = opt->momentum * m[i] - lr * g;
            param[i] += opt->momentum * m[i] - lr * g;
        }
        break;
    case ANNE_OPTIMIZER_ADAM: {
        float b1 = opt->beta1, b2 = opt->beta2, eps = opt->epsilon;
        float c1 = 1.0f - b1, c2 = 1.0f - b2;
        float bc1 = 1.0f - beta1_pow, bc2 = 1.0f - beta2_pow;
        if (opt->adam_form == ANNE_ADAM_TFJS) {
            /* tf.train.adam: epsilon added to the root of the bias-corrected second moment */
            for (i = 0; i < n; i++) {
                float g = grad[i] * grad_scale;
                m[i] = m[i] * b1 + g * c1;
                v[i] = v[i] * b2 + (g * g) * c2;
                param[i] += (m[i] / bc1) / (sqrtf(v[i] / bc2) + eps) * -lr;
            }
        } else {
            /* Keras: the bias corrections fold into the step size; epsilon is added to sqrt(v) */
            float alpha = lr * sqrtf(bc2) / bc1;
            for (i = 0; i < n; i++) {
                float g = grad[i] * grad_scale;
                m[i] += (g - m[i]) * c1;
                v[i] += (g * g - v[i]) * c2;
                param[i] -= (m[i] * alpha) / (sqrtf(v[i]) + eps);
            }
        }
        break;
    }
    case ANNE_OPTIMIZER_KIND_COUNT:
    default: break;
    }
}
