/* Running a loaded model: input scaling, then each layer in turn, in the caller's arena. */
#include <string.h>

#include "anne.h"
#include "anne_format.h"
#include "anne_inline.h"
#include "anne_math_f32.h"
#include "anne_quant_format.h"

/* anne__scale_span's body, inlined into both callers: a dense model scales its whole row (first 0, folded
 * away: the code and cycles of the dense path stay those of a one-input model), a graph model each
 * input into its own place. */
ANNE__ALWAYS_INLINE void anne__scale_range(const anne_model *model, float *out, const float *in, uint32_t first,
                                           uint32_t n) {
    uint32_t i;
    const float *a = model->scaling.a, *b = model->scaling.b;
    switch (model->scaling.kind) {
    /* x - a written x + (-a), which IEEE-754 defines to be the same, so that a soft-float build links
     * one addition function and not __aeabi_fsub as well (anne_math_f32.h) */
    case ANNE_SCALING_STANDARDIZE:
        for (i = 0; i < n; i++) out[i] = (in[i] + anne__f32_neg(a[first + i])) / b[first + i];
        break;
    case ANNE_SCALING_MINMAX:
        for (i = 0; i < n; i++) {
            out[i] = (in[i] + anne__f32_neg(a[first + i])) / (b[first + i] + anne__f32_neg(a[first + i]));
        }
        break;
    default:
        if (out != in) memmove(out, in, (size_t)n * sizeof *out);
        break;
    }
}

void anne__scale_span(const anne_model *model, float *out, const float *in, uint32_t first, uint32_t n) {
    anne__scale_range(model, out, in, first, n);
}

anne_status anne_model_scale_input(const anne_model *model, float *out, const float *in) {
    if (model == NULL || out == NULL || in == NULL) return ANNE_ERR_NULL_ARG;
    anne__scale_range(model, out, in, 0, model->n_inputs);
    return ANNE_OK;
}

/* The layers of a float model; the scaled input is at the arena's start. Returns the output buffer.
 * The arena holds two buffers at its two ends: a layer reads from one end and writes to the other
 * (the far one: the arena holds n_in + n_out > n_out floats, so it never starts at base), so the arena
 * only has to hold the widest pair of adjacent activations. The validated layer records are read a
 * word at a time (as anne_model_layer() does): 4-aligned, little-endian; word 0 holds kind, dtype,
 * activation and flags, word 1 n_in and n_out. A function of its own, ending at the records' end (a
 * compare with a kept pointer: cheaper on the M0+ than a count kept on the stack), so that little is
 * kept across the kernels' calls. */
static const float *anne__run_f32(const anne_model *model, float *base) {
    const uint32_t *rec = (const uint32_t *)(const void *)model->layer_table;
    const uint32_t *rec_end = rec + (uint32_t)model->n_layers * (ANNE__LAYER_SIZE / 4u); /* n_layers >= 1 */
    float *cur = base, *top = base + model->arena_bytes / 4u;
    do {
        uint32_t head = rec[ANNE__L_KIND / 4u], shape = rec[ANNE__L_N_IN / 4u];
        uint16_t n_out = (uint16_t)(shape >> 16);
        uint32_t act;
        const uint8_t *w = model->weights;
        const float *kernel = (const float *)(const void *)(w + rec[ANNE__L_KERNEL_OFF / 4u]);
        const float *bias =
            (head >> 24) & ANNE__L_FLAG_BIAS ? (const float *)(const void *)(w + rec[ANNE__L_BIAS_OFF / 4u]) : NULL;
        float *next = cur == base ? top - n_out : base;
        anne_dense_forward_f32(next, cur, kernel, bias, (uint16_t)(shape & 0xFFFFu), n_out);
        /* read again after the call rather than kept across it (registers are few on the M0+); linear
         * (0) tested first: a layer without activation pays one test */
        act = (rec[ANNE__L_KIND / 4u] << 8) >> 24;
        if (act != ANNE_ACT_LINEAR) {
            n_out = (uint16_t)(rec[ANNE__L_N_IN / 4u] >> 16);
            if (act == ANNE_ACT_PRELU) {
                if (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_PRELU)) {
                    anne_prelu_forward_f32(next, n_out,
                                           (const float *)(const void *)(model->weights + rec[ANNE__L_ACT_OFF / 4u]));
                }
            } else {
                anne_activation_forward_f32(next, n_out, (anne_activation)act,
                                            (const float *)(const void *)(rec + ANNE__L_PARAM / 4u));
            }
        }
        cur = next;
        rec += ANNE__LAYER_SIZE / 4u;
    } while (rec != rec_end);
    return cur;
}

/* The float32 path. Beside a quantized format or graph models it is out of line: inlined, its frame
 * would be the entry point's, which a Q16 or int8 model's predict would carry too (32 bytes more stack
 * on the M0+, whose GCC makes no tail calls), and a graph model's under all of its runner's frames (40
 * bytes more on the M0+); in a build of float32 dense chains only, inlined, nothing is carried twice. */
#if ANNE_CONFIG_Q16 || ANNE_CONFIG_S8 || ANNE_CONFIG_GRAPH
#define ANNE__F32_PATH static ANNE__NOINLINE
#else
#define ANNE__F32_PATH ANNE__ALWAYS_INLINE
#endif
ANNE__F32_PATH anne_status anne__predict_f32(const anne_model *model, float *output, const float *input,
                                             float *base) {
    anne_model_scale_input(model, base, input);
    memcpy(output, anne__run_f32(model, base), (size_t)model->n_outputs * sizeof *output);
    return ANNE_OK;
}

/* A build without graph models (anne_config.h): its loader refuses them, so this runs for a model that
 * did not load (NULL_ARG), out of line as it was before graph models came, so that a dense model's
 * predict keeps its small frame and code. */
#if !ANNE_CONFIG_GRAPH
static ANNE__NOINLINE anne_status anne__predict_graph(const anne_model *model, float *output, const float *input,
                                                     void *arena) {
    if (model->op_table == NULL || model->graph_run == NULL) return ANNE_ERR_NULL_ARG; /* not loaded */
    model->graph_run(model, output, input, (uint8_t *)arena);
    return ANNE_OK;
}
#endif

anne_status anne_model_predict(const anne_model *model, float *output, const float *input,
                               void *arena, size_t arena_size) {
    if (model == NULL || output == NULL || input == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    if (((uintptr_t)arena & 3u) != 0) return ANNE_ERR_ALIGNMENT;
    if (arena_size < model->arena_bytes) return ANNE_ERR_ARENA_TOO_SMALL;
    /* no layers: a graph model, or one that did not load (NULL_ARG) */
#if ANNE_CONFIG_GRAPH
    if (model->layer_table == NULL) { /* the graph runner the loader set, called last (a tail call on the M33) */
        if (model->op_table == NULL || model->graph_run == NULL) return ANNE_ERR_NULL_ARG;
        return model->graph_run(model, output, input, (uint8_t *)arena);
    }
#else
    if (model->layer_table == NULL) return anne__predict_graph(model, output, input, arena);
#endif
    if (model->layer_table[ANNE__L_DTYPE] != ANNE_DTYPE_F32) {
        return ANNE_CONFIG_Q16 || ANNE_CONFIG_S8 ? anne__predict_quant(model, output, input, arena)
                                                 : ANNE_ERR_UNSUPPORTED_DTYPE;
    }
    if (!ANNE_CONFIG_F32) return ANNE_ERR_UNSUPPORTED_DTYPE; /* left out of this build (anne_config.h) */
    return anne__predict_f32(model, output, input, (float *)arena);
}
