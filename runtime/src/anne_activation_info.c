/* Activation names and parameter checks: what a loader or a tool needs to know about an
 * activation without running it (kept apart so an inference build links no names it never prints). */
#include <math.h>

#include "anne.h"
#include "anne_format.h"

const char *anne_activation_name(anne_activation act) {
    switch (act) {
    case ANNE_ACT_LINEAR: return "linear";
    case ANNE_ACT_RELU: return "relu";
    case ANNE_ACT_LEAKY_RELU: return "leaky_relu";
    case ANNE_ACT_SIGMOID: return "sigmoid";
    case ANNE_ACT_TANH: return "tanh";
    case ANNE_ACT_SOFTMAX: return "softmax";
    case ANNE_ACT_ELU: return "elu";
    case ANNE_ACT_SELU: return "selu";
    case ANNE_ACT_SOFTPLUS: return "softplus";
    case ANNE_ACT_SOFTSIGN: return "softsign";
    case ANNE_ACT_HARD_SIGMOID: return "hard_sigmoid";
    case ANNE_ACT_HARD_SIGMOID_K3: return "hard_sigmoid_k3";
    case ANNE_ACT_SWISH: return "swish";
    case ANNE_ACT_GELU: return "gelu";
    case ANNE_ACT_GELU_TANH: return "gelu_tanh";
    case ANNE_ACT_EXPONENTIAL: return "exponential";
    case ANNE_ACT_THRESHOLDED_RELU: return "thresholded_relu";
    case ANNE_ACT_PRELU: return "prelu";
    case ANNE_ACT_HARD_SWISH: return "hard_swish";
    case ANNE_ACT_COUNT: break;
    }
    return "?";
}

anne_status anne_activation_check(anne_activation act, const float param[3]) {
    if (param == NULL) return ANNE_ERR_NULL_ARG;
    if ((unsigned)act >= (unsigned)ANNE_ACT_COUNT) return ANNE_ERR_BAD_ACTIVATION;
    if (!anne__finite(param[0]) || !anne__finite(param[2])) return ANNE_ERR_BAD_ACTIVATION;
    if (act == ANNE_ACT_RELU) {
        /* max_value: +inf for none, otherwise a finite clip >= 0 (Keras' ReLU layer refuses negatives) */
        if (!(param[1] >= 0.0f) || (param[1] != INFINITY && !anne__finite(param[1]))) return ANNE_ERR_BAD_ACTIVATION;
    } else if (!anne__finite(param[1])) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    return ANNE_OK;
}
