/* Running a Q16.16 or int8 model: the float-in/float-out path of anne_model_predict() (scale and
 * quantize the input, run the integer layers, dequantize the output) and the raw integer entry
 * points. Between the first and the last step nothing but integers is computed. */
#include <string.h>

#include "anne_dense_layer.h"
#include "anne_format.h"
#include "anne_inline.h"
#include "anne_math_f32.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

anne_dtype anne_model_dtype(const anne_model *model) {
    if (model == NULL || model->layer_table == NULL) return ANNE_DTYPE_F32;
    return (anne_dtype)model->layer_table[ANNE__L_DTYPE]; /* uniform: checked at load */
}

/* Input i scaled as anne_model_scale_input() does it. */
static float anne__scale_one(const anne_model *m, uint16_t i, float x) {
    switch (m->scaling.kind) {
    /* x + (-a) is x - a to the bit, without linking __aeabi_fsub on soft-float cores (anne_predict.c) */
    case ANNE_SCALING_STANDARDIZE: return (x + anne__f32_neg(m->scaling.a[i])) / m->scaling.b[i];
    case ANNE_SCALING_MINMAX:
        return (x + anne__f32_neg(m->scaling.a[i])) / (m->scaling.b[i] + anne__f32_neg(m->scaling.a[i]));
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

/* The layer records are read as the float path reads them (anne_predict.c): validated at load,
 * 4-aligned, little-endian words; word 0 holds kind, dtype, activation and flags, word 1 n_in and
 * n_out. Only what a layer needs is read, with no anne_layer or anne_s8_layer filled in between. */
#define ANNE__REC_WORDS (ANNE__LAYER_SIZE / 4u)

/* The word at byte offset `off` of a record, as a pointer into the weights section. */
static const void *anne__at(const anne_model *m, const uint32_t *rec, uint32_t off) {
    return m->weights + rec[off / 4u];
}

/* The layers of a Q16 model; the input is at the arena's start. Returns the output buffer. The two
 * buffers sit at the arena's two ends, as in the float path: a layer writes to the end it does not
 * read (the arena holds n_in + n_out >= n_out + 1 words, so the far buffer never starts at base).
 * Only m, rec, base and cur live across the calls (the far end and the end of the records are formed
 * from m when needed): the M0+'s four low callee-saved registers, no spill, a smaller frame under the
 * layers (8 bytes less than with a count, for two or three cycles a layer). */
static const int32_t *anne__run_q16(const anne_model *m, int32_t *base) {
    const uint32_t *rec = (const uint32_t *)(const void *)m->layer_table; /* >= 1 layer: checked at load */
    int32_t *cur = base;
    do {
        const int32_t *in = cur;
        anne_activation act;
        cur = in == base ? base + m->arena_bytes / 4u - (rec[ANNE__L_N_IN / 4u] >> 16) : base;
        anne__dense_q16_layer(cur, in, rec, m->weights);
        /* read after the call rather than kept across it (registers are few on the M0+); prelu's call
         * is one of its own, so that no register is spilled to choose the pointers */
        act = (anne_activation)((rec[ANNE__L_KIND / 4u] >> 16) & 0xFFu);
        if (act != ANNE_ACT_LINEAR) {
            if (act == ANNE_ACT_PRELU) {
                anne_activation_forward_q16(cur, rec[ANNE__L_N_IN / 4u] >> 16, act, NULL,
                                            (const float *)anne__at(m, rec, ANNE__L_ACT_OFF));
            } else {
                anne_activation_forward_q16(cur, rec[ANNE__L_N_IN / 4u] >> 16, act,
                                            (const float *)(const void *)(rec + ANNE__L_PARAM / 4u), NULL);
            }
        }
        rec += ANNE__REC_WORDS;
    } while (rec != (const uint32_t *)(const void *)m->layer_table + m->n_layers * ANNE__REC_WORDS);
    return cur;
}

/* Layer i's int8 quantization record as words (every int8 layer has one: checked at load). */
static const int32_t *anne__s8_aux(const anne_model *m, uint32_t i) {
    return (const int32_t *)anne__at(m, (const uint32_t *)(const void *)m->layer_table + i * ANNE__REC_WORDS,
                                     ANNE__L_AUX_OFF);
}

static float anne__aux_f32(const int32_t *aux, uint32_t off) {
    float f;
    memcpy(&f, aux + off / 4u, sizeof f);
    return f;
}

/* The float input scaled and quantized to the arena's start, and the output dequantized: functions of
 * their own beside the run (anne__run_q16, anne__s8_run), not around it, so that their floats and
 * soft-float calls add no frame to the deepest call chain, the run's. */
static ANNE__NOINLINE void anne__q16_in(const anne_model *m, int32_t *base, const float *input) {
    uint32_t i, n = m->n_inputs;
    for (i = 0; i < n; i++) base[i] = anne_q16_from_f32(anne__scale_one(m, (uint16_t)i, input[i]));
}

static ANNE__NOINLINE void anne__q16_out(const anne_model *m, float *output, const int32_t *y) {
    uint32_t i, n = m->n_outputs;
    for (i = 0; i < n; i++) output[i] = anne_q16_to_f32(y[i]);
}

static ANNE__NOINLINE void anne__s8_in(const anne_model *m, int8_t *base, const float *input) {
    const int32_t *aux = anne__s8_aux(m, 0);
    float scale = anne__aux_f32(aux, ANNE__S8_IN_SCALE);
    int32_t zp = aux[ANNE__S8_IN_ZP / 4u];
    uint16_t i;
    for (i = 0; i < m->n_inputs; i++) base[i] = anne_s8_quantize(anne__scale_one(m, i, input[i]), scale, zp);
}

static ANNE__NOINLINE void anne__s8_out(const anne_model *m, float *output, const int8_t *y) {
    const int32_t *aux = anne__s8_aux(m, m->n_layers - 1u);
    float scale = anne__aux_f32(aux, ANNE__S8_OUT_SCALE);
    int32_t zp = aux[ANNE__S8_OUT_ZP / 4u];
    uint16_t i;
    for (i = 0; i < m->n_outputs; i++) output[i] = anne_s8_dequantize(y[i], scale, zp);
}

anne_status anne__predict_quant(const anne_model *m, float *output, const float *input, void *arena) {
    if (ANNE_CONFIG_Q16 && anne_model_dtype(m) == ANNE_DTYPE_Q16) {
        anne__q16_in(m, (int32_t *)arena, input);
        anne__q16_out(m, output, anne__run_q16(m, (int32_t *)arena));
        return ANNE_OK;
    }
    if (ANNE_CONFIG_S8 && anne_model_dtype(m) == ANNE_DTYPE_S8) {
        anne__s8_in(m, (int8_t *)arena, input);
        anne__s8_out(m, output, anne__s8_run(m, (const int8_t *)arena, (int8_t *)arena));
        return ANNE_OK;
    }
    return ANNE_ERR_UNSUPPORTED_DTYPE;
}

anne_status anne_model_predict_s8(const anne_model *model, int8_t *output, const int8_t *input, void *arena,
                                  size_t arena_size) {
    anne_status st;
    const int8_t *y;
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (!anne__arena_ok(model, arena, arena_size, &st)) return st;
    if (!ANNE_CONFIG_S8 || anne_model_dtype(model) != ANNE_DTYPE_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
#if !defined(__ARM_FEATURE_UNALIGNED)
    /* cores that load unaligned words (Cortex-M33) run the first layer on the input where it is; the
     * others (ARMv6-M) on a copy at the arena's 4-aligned start, for the kernels' word loads */
    memcpy(arena, input, model->n_inputs);
    input = (const int8_t *)arena;
#endif
    y = anne__s8_run(model, input, (int8_t *)arena);
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
    const int32_t *aux;
    if (model == NULL || model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    if (anne_model_dtype(model) != ANNE_DTYPE_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
    aux = anne__s8_aux(model, 0);
    if (in_scale != NULL) *in_scale = anne__aux_f32(aux, ANNE__S8_IN_SCALE);
    if (in_zp != NULL) *in_zp = aux[ANNE__S8_IN_ZP / 4u];
    aux = anne__s8_aux(model, model->n_layers - 1u);
    if (out_scale != NULL) *out_scale = anne__aux_f32(aux, ANNE__S8_OUT_SCALE);
    if (out_zp != NULL) *out_zp = aux[ANNE__S8_OUT_ZP / 4u];
    return ANNE_OK;
}
