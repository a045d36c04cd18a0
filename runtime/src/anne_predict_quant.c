/* Running a Q16.16 or int8 model: the float-in/float-out path of anne_model_predict() (scale and
 * quantize the input, run the integer layers, dequantize the output) and the raw integer entry
 * points. Between the first and the last step nothing but integers is computed. */
#include <string.h>

#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

anne_dtype anne_model_dtype(const anne_model *model) {
    if (model == NULL || model->layer_table == NULL) return ANNE_DTYPE_F32;
    return (anne_dtype)model->layer_table[ANNE__L_DTYPE]; /* uniform: checked at load */
}

/* Input i scaled as anne_model_scale_input() does it. */
static float anne__scale_one(const anne_model *m, uint16_t i, float x) {
    switch (m->scaling.kind) {
    case ANNE_SCALING_STANDARDIZE: return (x - m->scaling.a[i]) / m->scaling.b[i];
    case ANNE_SCALING_MINMAX: return (x - m->scaling.a[i]) / (m->scaling.b[i] - m->scaling.a[i]);
    default: return x;
    }
}

static int anne__arena_ok(const anne_model *m, const void *arena, size_t arena_size, anne_status *st) {
    *st = ANNE_OK;
    if (m->layer_table == NULL) *st = ANNE_ERR_NULL_ARG;
    else if (((uintptr_t)arena & 3u) != 0) *st = ANNE_ERR_ALIGNMENT;
    else if (arena_size < m->arena_bytes) *st = ANNE_ERR_ARENA_TOO_SMALL;
    return *st == ANNE_OK;
}

/* The layers of a Q16 model; the input is at the arena's start. Returns the output buffer. The two
 * buffers sit at the arena's two ends, as in the float path. */
static const int32_t *anne__run_q16(const anne_model *m, int32_t *base) {
    uint32_t cap = m->arena_bytes / 4u;
    int32_t *cur = base;
    uint16_t i;
    int at_start = 1;
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        int32_t *next;
        anne_model_layer(m, i, &l);
        next = at_start ? base + cap - l.n_out : base;
        anne_dense_forward_q16(next, cur, (const int32_t *)l.kernel, (const int32_t *)l.bias, l.n_in, l.n_out);
        anne_activation_forward_q16(next, l.n_out, l.activation, l.param, (const float *)l.act_data);
        cur = next;
        at_start = !at_start;
    }
    return cur;
}

/* The layers of an int8 model; the input is at the arena's start. */
static const int8_t *anne__run_s8(const anne_model *m, int8_t *base, anne_s8_layer *last) {
    int8_t *cur = base;
    uint16_t i;
    int at_start = 1;
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        int8_t *next;
        anne_model_layer(m, i, &l);
        anne_layer_s8(&l, last);
        next = at_start ? base + m->arena_bytes - anne__pad4(l.n_out) : base;
        anne_layer_forward_s8(next, NULL, cur, &l, last);
        cur = next;
        at_start = !at_start;
    }
    return cur;
}

anne_status anne__predict_quant(const anne_model *m, float *output, const float *input, void *arena) {
    uint16_t i;
    if (ANNE_CONFIG_Q16 && anne_model_dtype(m) == ANNE_DTYPE_Q16) {
        int32_t *base = (int32_t *)arena;
        const int32_t *y;
        for (i = 0; i < m->n_inputs; i++) base[i] = anne_q16_from_f32(anne__scale_one(m, i, input[i]));
        y = anne__run_q16(m, base);
        for (i = 0; i < m->n_outputs; i++) output[i] = anne_q16_to_f32(y[i]);
        return ANNE_OK;
    }
    if (ANNE_CONFIG_S8 && anne_model_dtype(m) == ANNE_DTYPE_S8) {
        int8_t *base = (int8_t *)arena;
        const int8_t *y;
        anne_layer first;
        anne_s8_layer q;
        anne_model_layer(m, 0, &first);
        anne_layer_s8(&first, &q);
        for (i = 0; i < m->n_inputs; i++) {
            base[i] = anne_s8_quantize(anne__scale_one(m, i, input[i]), q.in_scale, q.in_zp);
        }
        y = anne__run_s8(m, base, &q);
        for (i = 0; i < m->n_outputs; i++) output[i] = anne_s8_dequantize(y[i], q.out_scale, q.out_zp);
        return ANNE_OK;
    }
    return ANNE_ERR_UNSUPPORTED_DTYPE;
}

anne_status anne_model_predict_s8(const anne_model *model, int8_t *output, const int8_t *input, void *arena,
                                  size_t arena_size) {
    anne_status st;
    anne_s8_layer q;
    const int8_t *y;
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (!anne__arena_ok(model, arena, arena_size, &st)) return st;
    if (!ANNE_CONFIG_S8 || anne_model_dtype(model) != ANNE_DTYPE_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
    memcpy(arena, input, model->n_inputs);
    y = anne__run_s8(model, (int8_t *)arena, &q);
    memcpy(output, y, model->n_outputs);
    return ANNE_OK;
}

anne_status anne_model_predict_q16(const anne_model *model, int32_t *output, const int32_t *input, void *arena,
                                   size_t arena_size) {
    anne_status st;
    const int32_t *y;
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (!anne__arena_ok(model, arena, arena_size, &st)) return st;
    if (!ANNE_CONFIG_Q16 || anne_model_dtype(model) != ANNE_DTYPE_Q16) return ANNE_ERR_UNSUPPORTED_DTYPE;
    memcpy(arena, input, (size_t)model->n_inputs * sizeof *input);
    y = anne__run_q16(model, (int32_t *)arena);
    memcpy(output, y, (size_t)model->n_outputs * sizeof *output);
    return ANNE_OK;
}

anne_status anne_model_s8_io(const anne_model *model, float *in_scale, int32_t *in_zp, float *out_scale,
                             int32_t *out_zp) {
    anne_layer l;
    anne_s8_layer q;
    anne_status st;
    if (model == NULL || model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    if (anne_model_dtype(model) != ANNE_DTYPE_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
    anne_model_layer(model, 0, &l);
    if ((st = anne_layer_s8(&l, &q)) != ANNE_OK) return st;
    if (in_scale != NULL) *in_scale = q.in_scale;
    if (in_zp != NULL) *in_zp = q.in_zp;
    anne_model_layer(model, (uint16_t)(model->n_layers - 1u), &l);
    if ((st = anne_layer_s8(&l, &q)) != ANNE_OK) return st;
    if (out_scale != NULL) *out_scale = q.out_scale;
    if (out_zp != NULL) *out_zp = q.out_zp;
    return ANNE_OK;
}
