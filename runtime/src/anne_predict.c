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
    uint32_t cap;
    uint16_t i;
    int at_start = 1;
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    if (((uintptr_t)arena & 3u) != 0) return ANNE_ERR_ALIGNMENT;
    if (arena_size < model->arena_bytes) return ANNE_ERR_ARENA_TOO_SMALL;
    if (model->layer_table[ANNE__L_DTYPE] != ANNE_DTYPE_F32) return anne__predict_quant(model, output, input, arena);

    base = (float *)arena;
    cap = model->arena_bytes / 4u;
    cur = base;
    anne_model_scale_input(model, cur, input);
    for (i = 0; i < model->n_layers; i++) {
        anne_layer layer;
        float *next;
        anne_status st = anne_model_layer(model, i, &layer);
        if (st != ANNE_OK) return st;
        next = at_start ? base + cap - layer.n_out : base;
        anne_dense_forward_f32(next, cur, (const float *)layer.kernel, (const float *)layer.bias, layer.n_in,
                               layer.n_out);
        if (layer.activation == ANNE_ACT_PRELU) {
            anne_prelu_forward_f32(next, layer.n_out, (const float *)layer.act_data);
        } else {
            anne_activation_forward_f32(next, layer.n_out, layer.activation, layer.param);
        }
        cur = next;
        at_start = !at_start;
    }
    memcpy(output, cur, (size_t)model->n_outputs * sizeof *output);
    return ANNE_OK;
}
