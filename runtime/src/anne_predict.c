/* Running a loaded model: input scaling, then each layer in turn, in the caller's arena. */
#include <string.h>

#include "anne.h"
#include "anne_format.h"
#include "anne_quant_format.h"

anne_status anne_model_scale_input(const anne_model *model, float *out, const float *in) {
    uint16_t i, n;
    const float *a, *b;
    if (model == NULL || out == NULL || in == NULL) return ANNE_ERR_NULL_ARG;
    n = model->n_inputs;
    a = model->scaling.a;
    b = model->scaling.b;
    switch (model->scaling.kind) {
    case ANNE_SCALING_STANDARDIZE:
        for (i = 0; i < n; i++) out[i] = (in[i] - a[i]) / b[i];
        break;
    case ANNE_SCALING_MINMAX:
        for (i = 0; i < n; i++) out[i] = (in[i] - a[i]) / (b[i] - a[i]);
        break;
    default:
        if (out != in) memmove(out, in, (size_t)n * sizeof *out);
        break;
    }
    return ANNE_OK;
}

/* The arena holds two buffers at its two ends: a layer reads from one end and writes to the other,
 * so the arena only has to hold the widest pair of adjacent activations. */
anne_status anne_model_predict(const anne_model *model, float *output, const float *input,
                               void *arena, size_t arena_size) {
    float *base, *cur;
    const uint32_t *rec;
    uint32_t cap;
    uint16_t i;
    int at_start = 1;
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    if (((uintptr_t)arena & 3u) != 0) return ANNE_ERR_ALIGNMENT;
    if (arena_size < model->arena_bytes) return ANNE_ERR_ARENA_TOO_SMALL;
    if (model->layer_table[ANNE__L_DTYPE] != ANNE_DTYPE_F32) {
        return ANNE_CONFIG_Q16 || ANNE_CONFIG_S8 ? anne__predict_quant(model, output, input, arena)
                                                 : ANNE_ERR_UNSUPPORTED_DTYPE;
    }
    if (!ANNE_CONFIG_F32) return ANNE_ERR_UNSUPPORTED_DTYPE; /* left out of this build (anne_config.h) */

    base = (float *)arena;
    cap = model->arena_bytes / 4u;
    cur = base;
    anne_model_scale_input(model, cur, input);
    /* The validated layer records, read a word at a time (as anne_model_layer() does): 4-aligned,
     * little-endian; word 0 holds kind, dtype, activation and flags, word 1 n_in and n_out. */
    rec = (const uint32_t *)(const void *)model->layer_table;
    for (i = 0; i < model->n_layers; i++, rec += ANNE__LAYER_SIZE / 4u) {
        uint32_t head = rec[ANNE__L_KIND / 4u], shape = rec[ANNE__L_N_IN / 4u];
        uint16_t n_in = (uint16_t)(shape & 0xFFFFu), n_out = (uint16_t)(shape >> 16);
        anne_activation act = (anne_activation)((head >> 16) & 0xFFu);
        const uint8_t *w = model->weights;
        const float *kernel = (const float *)(const void *)(w + rec[ANNE__L_KERNEL_OFF / 4u]);
        const float *bias =
            (head >> 24) & ANNE__L_FLAG_BIAS ? (const float *)(const void *)(w + rec[ANNE__L_BIAS_OFF / 4u]) : NULL;
        float *next = at_start ? base + cap - n_out : base;
        anne_dense_forward_f32(next, cur, kernel, bias, n_in, n_out);
        if (act == ANNE_ACT_PRELU) {
            if (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_PRELU)) {
                anne_prelu_forward_f32(next, n_out, (const float *)(const void *)(w + rec[ANNE__L_ACT_OFF / 4u]));
            }
        } else if (act != ANNE_ACT_LINEAR) {
            anne_activation_forward_f32(next, n_out, act, (const float *)(const void *)(rec + ANNE__L_PARAM / 4u));
        }
        cur = next;
        at_start = !at_start;
    }
    memcpy(output, cur, (size_t)model->n_outputs * sizeof *output);
    return ANNE_OK;
}
