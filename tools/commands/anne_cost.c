/* Evaluating the cost table (anne_cost.h): a layer's or op's counts, and their cycles on a core. */
#include "anne_cost.h"

#include <string.h>

int anne_core_parse(const char *name) {
    if (strcmp(name, "m0plus") == 0) return ANNE_CORE_M0PLUS;
    if (strcmp(name, "m33") == 0) return ANNE_CORE_M33;
    return -1;
}

const char *anne_core_name(anne_core core) {
    return core == ANNE_CORE_M33 ? "m33" : "m0plus";
}

const char *anne_core_board(anne_core core) {
    return core == ANNE_CORE_M33 ? "Cortex-M33 (RP2350, Raspberry Pi Pico 2)" : "Cortex-M0+ (RP2040, Raspberry Pi Pico)";
}

double anne_core_mhz(anne_core core) {
    return core == ANNE_CORE_M33 ? 150.0 : 133.0;
}

uint32_t anne_core_flash_bytes(anne_core core) {
    return core == ANNE_CORE_M33 ? 4u * 1024u * 1024u : 2u * 1024u * 1024u;
}

uint32_t anne_core_ram_bytes(anne_core core) {
    return core == ANNE_CORE_M33 ? 520u * 1024u : 264u * 1024u;
}

const char *anne_cost_term_name(anne_cost_term term) {
    static const char *const names[ANNE_COST_TERM_COUNT] = {
        "inference", "input", "output", "op", "op_output", "mac_dense", "mac_conv", "mac_depthwise", "conv_tap", "window",
        "exp",
    };
    return (unsigned)term < (unsigned)ANNE_COST_TERM_COUNT ? names[term] : "?";
}

/* Activations whose kernels call expf or tanhf (or, in q16 and int8, their tables) per value. */
static int anne__exp_activation(anne_activation act) {
    switch (act) {
    case ANNE_ACT_SIGMOID:
    case ANNE_ACT_TANH:
    case ANNE_ACT_SOFTMAX:
    case ANNE_ACT_ELU:
    case ANNE_ACT_SELU:
    case ANNE_ACT_SOFTPLUS:
    case ANNE_ACT_SWISH:
    case ANNE_ACT_GELU:
    case ANNE_ACT_GELU_TANH:
    case ANNE_ACT_EXPONENTIAL: return 1;
    default: return 0;
    }
}

void anne_cost_dense_terms(double terms[ANNE_COST_TERM_COUNT], uint32_t n_in, uint32_t n_out, anne_activation act) {
    terms[ANNE_COST_OP] += 1.0;
    terms[ANNE_COST_OP_OUTPUT] += n_out;
    terms[ANNE_COST_MAC_DENSE] += (double)n_in * n_out;
    if (anne__exp_activation(act)) terms[ANNE_COST_EXP] += n_out;
}

void anne_cost_op_terms(double terms[ANNE_COST_TERM_COUNT], anne_op_kind kind, anne_activation act, uint64_t macs,
                        uint32_t in_values, uint32_t out_values, uint32_t n_inputs, uint32_t window) {
    terms[ANNE_COST_OP] += 1.0;
    switch (kind) {
    case ANNE_OP_DENSE:
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
        terms[ANNE_COST_OP_OUTPUT] += out_values;
        terms[kind == ANNE_OP_DENSE ? ANNE_COST_MAC_DENSE
                                    : kind == ANNE_OP_CONV2D ? ANNE_COST_MAC_CONV : ANNE_COST_MAC_DEPTHWISE] += (double)macs;
        if (kind == ANNE_OP_CONV2D) terms[ANNE_COST_CONV_TAP] += (double)out_values * window;
        break;
    case ANNE_OP_RESHAPE: break; /* the same values: in place, or one copy */
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D: terms[ANNE_COST_WINDOW] += (double)out_values * window; break;
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL: terms[ANNE_COST_WINDOW] += in_values; break;
    default: terms[ANNE_COST_WINDOW] += (double)out_values * (n_inputs > 0 ? n_inputs : 1u); break;
    }
    if (anne__exp_activation(act)) terms[ANNE_COST_EXP] += out_values;
}

double anne_cost_cycles(anne_core core, anne_dtype dtype, const double terms[ANNE_COST_TERM_COUNT], int *by_analogy) {
    const anne_cost_table *t = &anne_cost_fit[core][dtype], *f32 = &anne_cost_fit[core][ANNE_DTYPE_F32];
    double sum = 0.0, ratio = 1.0;
    int k;
    if (t->coef[ANNE_COST_MAC_DENSE] > 0.0 && f32->coef[ANNE_COST_MAC_DENSE] > 0.0) {
        ratio = t->coef[ANNE_COST_MAC_DENSE] / f32->coef[ANNE_COST_MAC_DENSE];
    }
    for (k = 0; k < ANNE_COST_TERM_COUNT; k++) {
        double c = t->coef[k];
        if (terms[k] == 0.0) continue;
        if (c < 0.0) { /* not fitted for this format: float32's, scaled as the Dense MACs scale */
            c = f32->coef[k] >= 0.0 ? f32->coef[k] * ratio : 0.0;
            if (by_analogy != NULL) *by_analogy = 1;
        }
        sum += c * terms[k];
    }
    return sum;
}
