/* Running a graph model (format 2): the scaled inputs go into their tensors' places in the arena, each
 * op runs in order from the places the converter planned (checked by the loader), and the outputs are
 * copied out of theirs. One kernel call per op (anne_ops.h), then the op's activation. */
#include <stddef.h>
#include <string.h>

#include "anne.h"
#include "anne_graph_format.h"
#include "anne_inline.h"
#include "anne_ops.h"

/* The validated records are read where they are (4-aligned, little-endian: anne__w32), field by field
 * as each op needs them: nothing is decoded into a copy on the stack. */

/* Tensor `index`'s record. */
ANNE__ALWAYS_INLINE const uint8_t *anne__trec(const anne_model *m, uint32_t index) {
    return m->tensor_table + index * ANNE__TENSOR_SIZE;
}

/* The values of the tensor with record t, in the arena. */
ANNE__ALWAYS_INLINE float *anne__at(const uint8_t *t, uint8_t *arena) {
    return (float *)(void *)(arena + anne__t_offset(t));
}

/* Its last dimension: the channels. */
ANNE__ALWAYS_INLINE uint16_t anne__channels(const uint8_t *t) {
    return (uint16_t)anne__t_dim(t, anne__t_rank(t) - 1u);
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)). */
ANNE__ALWAYS_INLINE void anne__hwc(const uint8_t *t, anne_hwc *s) {
    uint32_t rank = anne__t_rank(t);
    s->h = (uint16_t)(rank == 3u ? anne__t_dim(t, 0) : 1u);
    s->w = (uint16_t)anne__t_dim(t, rank - 2u);
    s->c = (uint16_t)anne__t_dim(t, rank - 1u);
}

/* The record of op input k, and of the op's output. */
ANNE__ALWAYS_INLINE const uint8_t *anne__input(const anne_model *m, const uint8_t *rec, uint32_t k) {
    return anne__trec(m, anne__w16(rec + ANNE__O_INPUTS + 2u * k));
}
ANNE__ALWAYS_INLINE const uint8_t *anne__output(const anne_model *m, const uint8_t *rec) {
    return anne__trec(m, anne__w16(rec + ANNE__O_OUTPUT));
}

/* An op's weight array (kernel at ANNE__O_KERNEL_OFF, bias at ANNE__O_BIAS_OFF), NULL when absent. */
ANNE__ALWAYS_INLINE const float *anne__array(const anne_model *m, const uint8_t *rec, uint32_t off_field) {
    return anne__w32(rec + off_field + 4u) != 0 ? (const float *)(const void *)(m->weights + anne__w32(rec + off_field))
                                                : NULL;
}

/* attr[0..7] of a windowed op is an anne_window as stored: eight u16 without padding, little-endian
 * like the target (anne_model.c), 4-aligned in the record */
typedef char anne__window_is_eight_u16[sizeof(anne_window) == 16u && offsetof(anne_window, pad_left) == 14u ? 1 : -1];

/* Each kind of op runs through a helper of its group, out of line, with the frame that group needs (a
 * params struct, the concatenation's arrays), so that one of them at most is on the stack at a time,
 * and each takes what it needs from the records as late as it can: few values live across the
 * kernel's call (the boards' stack budget). */

/* Convolutions and poolings: shapes and window in one anne_window_params (anne_ops.h). */
static ANNE__NOINLINE void anne__run_window(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_window_params p;
    const float *x;
    float *y;
    anne__hwc(anne__input(m, rec, 0), &p.in);
    anne__hwc(anne__output(m, rec), &p.out);
    p.win = (const anne_window *)(const void *)(rec + ANNE__O_ATTR); /* attr[0..7], read in place */
    x = anne__at(anne__input(m, rec, 0), arena);
    y = anne__at(anne__output(m, rec), arena);
    switch (rec[ANNE__O_KIND]) {
    case ANNE_OP_CONV2D:
        anne_conv2d_forward_f32(y, x, anne__array(m, rec, ANNE__O_KERNEL_OFF), anne__array(m, rec, ANNE__O_BIAS_OFF),
                                &p);
        break;
    case ANNE_OP_DEPTHWISE_CONV2D:
        anne_depthwise_conv2d_forward_f32(y, x, anne__array(m, rec, ANNE__O_KERNEL_OFF),
                                          anne__array(m, rec, ANNE__O_BIAS_OFF), &p);
        break;
    case ANNE_OP_MAX_POOL2D: anne_max_pool2d_forward_f32(y, x, &p); break;
    default: anne_avg_pool2d_forward_f32(y, x, &p); break;
    }
}

/* Rearrangements: zero padding, cropping, upsampling, permutation. */
static ANNE__NOINLINE void anne__run_spatial(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const uint8_t *tin = anne__input(m, rec, 0);
    const float *x = anne__at(tin, arena);
    float *y = anne__at(anne__output(m, rec), arena);
    if (rec[ANNE__O_KIND] == ANNE_OP_PERMUTE) {
        uint8_t perm[ANNE_MAX_RANK], k;
        for (k = 0; k < ANNE_MAX_RANK; k++) perm[k] = (uint8_t)anne__w16(rec + ANNE__O_ATTR + 2u * k);
        anne_permute_forward_f32(y, x, (const uint16_t *)(const void *)(tin + ANNE__T_DIMS), perm,
                                 (uint8_t)anne__t_rank(tin));
    } else {
        anne_spatial_params p;
        anne__hwc(tin, &p.in);
        anne__hwc(anne__output(m, rec), &p.out);
        p.top = anne__w16(rec + ANNE__O_ATTR); /* pad or crop; 0 for upsampling */
        p.left = anne__w16(rec + ANNE__O_ATTR + 2u);
        if (rec[ANNE__O_KIND] == ANNE_OP_ZERO_PAD2D) anne_zero_pad2d_forward_f32(y, x, &p);
        else if (rec[ANNE__O_KIND] == ANNE_OP_CROP2D) anne_crop2d_forward_f32(y, x, &p);
        else anne_upsample2d_nearest_forward_f32(y, x, &p);
    }
}

/* The elementwise step of a merge op's kind. */
ANNE__ALWAYS_INLINE anne_merge anne__merge_of(uint32_t kind) {
    return kind == ANNE_OP_SUBTRACT   ? ANNE_MERGE_SUBTRACT
           : kind == ANNE_OP_MULTIPLY ? ANNE_MERGE_MULTIPLY
           : kind == ANNE_OP_MAXIMUM  ? ANNE_MERGE_MAXIMUM
           : kind == ANNE_OP_MINIMUM  ? ANNE_MERGE_MINIMUM
                                      : ANNE_MERGE_ADD; /* Add, and Average's sum */
}

/* The elementwise merges of 2 to 4 inputs of the output's shape (checked at load): Average sums, then
 * divides by the count; the others fold their inputs in order. */
static ANNE__NOINLINE void anne__run_merge(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    uint32_t kind = rec[ANNE__O_KIND], k;
    const uint8_t *tout = anne__output(m, rec);
    float *y = anne__at(tout, arena);
    anne_merge op = anne__merge_of(kind);
    anne_merge_forward_f32(y, anne__at(anne__input(m, rec, 0), arena), anne__at(anne__input(m, rec, 1), arena),
                           anne__t_values(tout), op);
    for (k = 2; k < rec[ANNE__O_N_INPUTS]; k++) {
        anne_merge_forward_f32(y, y, anne__at(anne__input(m, rec, k), arena), anne__t_values(tout), op);
    }
    if (kind == ANNE_OP_AVERAGE) anne_div_scalar_f32(y, anne__t_values(tout), (float)rec[ANNE__O_N_INPUTS]);
}

/* Whether every input of a merge has its output's shape (the common case: anne__run_merge). */
static ANNE__NOINLINE int anne__merge_same_shapes(const anne_model *m, const uint8_t *rec) {
    uint32_t k;
    for (k = 0; k < rec[ANNE__O_N_INPUTS]; k++) {
        if (!anne__t_same_shape(anne__input(m, rec, k), anne__output(m, rec))) return 0;
    }
    return 1;
}

/* The shapes of step k of a broadcasting merge, as rank 4: the output, a (input 0 for k = 1, then the
 * output, which holds the fold so far) and input k. Out of line, so that its loop's registers are not
 * on the stack while the kernel runs. */
static ANNE__NOINLINE void anne__broadcast_shapes(anne_broadcast_params *p, const anne_model *m, const uint8_t *rec,
                                                  uint32_t k) {
    const uint8_t *tout = anne__output(m, rec), *ta = k == 1u ? anne__input(m, rec, 0) : tout;
    uint32_t d;
    p->op = anne__merge_of(rec[ANNE__O_KIND]);
    for (d = 0; d < ANNE_MAX_RANK; d++) {
        p->out[d] = (uint16_t)anne__t_dim4(tout, d);
        p->a[d] = (uint16_t)anne__t_dim4(ta, d);
        p->b[d] = (uint16_t)anne__t_dim4(anne__input(m, rec, k), d);
    }
}

/* A merge whose inputs broadcast (checked at load): the same fold, each step y = a op input k through
 * anne_merge_broadcast_forward_f32 (a: input 0 for k = 1, then y, already of the output's shape). */
static ANNE__NOINLINE void anne__run_broadcast(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_broadcast_params p;
    uint32_t k;
    for (k = 1; k < rec[ANNE__O_N_INPUTS]; k++) {
        anne__broadcast_shapes(&p, m, rec, k);
        anne_merge_broadcast_forward_f32(anne__at(anne__output(m, rec), arena),
                                         anne__at(k == 1u ? anne__input(m, rec, 0) : anne__output(m, rec), arena),
                                         anne__at(anne__input(m, rec, k), arena), &p);
    }
    if (rec[ANNE__O_KIND] == ANNE_OP_AVERAGE) {
        anne_div_scalar_f32(anne__at(anne__output(m, rec), arena), anne__t_values(anne__output(m, rec)),
                            (float)rec[ANNE__O_N_INPUTS]);
    }
}

/* Concatenation of 2 to 4 inputs along attr[0]. */
static ANNE__NOINLINE void anne__run_concat(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const float *x[ANNE_MAX_OP_INPUTS];
    uint32_t inner[ANNE_MAX_OP_INPUTS], outer = 1, k;
    const uint8_t *tout = anne__output(m, rec);
    for (k = 0; k < anne__w16(rec + ANNE__O_ATTR); k++) outer *= anne__t_dim(tout, k); /* the axes before attr[0] */
    for (k = 0; k < rec[ANNE__O_N_INPUTS]; k++) {
        const uint8_t *t = anne__input(m, rec, k);
        x[k] = anne__at(t, arena);
        inner[k] = anne__t_values(t) / outer;
    }
    anne_concat_forward_f32(anne__at(tout, arena), x, inner, rec[ANNE__O_N_INPUTS], outer);
}

/* Dense on the last axis, row by row: anne_dense_rows_forward_f32's loop, here, so that no frame of its
 * own comes between this one and the dense kernel's (on the M33 the deepest of all: its eight-unit
 * kernel). Each row reads what it needs from the records again: only the row count is kept. */
static ANNE__NOINLINE void anne__run_dense(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    uint32_t r, rows = anne__t_values(anne__output(m, rec)) / anne__channels(anne__output(m, rec));
    for (r = 0; r < rows; r++) { /* in (rows, n_in), out (rows, n_out) */
        const uint8_t *tin = anne__input(m, rec, 0), *tout = anne__output(m, rec);
        uint16_t n_in = anne__channels(tin), n_out = anne__channels(tout);
        anne_dense_forward_f32(anne__at(tout, arena) + (size_t)r * n_out, anne__at(tin, arena) + (size_t)r * n_in,
                               anne__array(m, rec, ANNE__O_KERNEL_OFF), anne__array(m, rec, ANNE__O_BIAS_OFF), n_in,
                               n_out);
    }
}

/* The recurrent ops: sizes and settings from the records into one anne_rnn_params, the state in the
 * op's scratch (planned by the converter, checked at load). */
static ANNE__NOINLINE void anne__run_rnn(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_rnn_params p;
    const uint8_t *tin = anne__input(m, rec, 0), *tout = anne__output(m, rec);
    const float *kernel = anne__array(m, rec, ANNE__O_KERNEL_OFF), *bias = anne__array(m, rec, ANNE__O_BIAS_OFF);
    float *scratch = (float *)(void *)(arena + anne__op_scratch_offset(rec));
    p.steps = (uint16_t)anne__t_dim(tin, 0);
    p.features = (uint16_t)anne__t_dim(tin, 1);
    p.units = anne__channels(tout);
    p.flags = anne__w16(rec + ANNE__O_ATTR);
    p.activation = (uint8_t)anne__w16(rec + ANNE__O_ATTR + 2u);
    p.recurrent_activation = (uint8_t)anne__w16(rec + ANNE__O_ATTR + 4u);
    p.sequences = (uint8_t)(anne__t_rank(tout) == 2u);
    if (rec[ANNE__O_KIND] == ANNE_OP_SIMPLE_RNN) {
        anne_simple_rnn_forward_f32(anne__at(tout, arena), anne__at(tin, arena), kernel, bias, scratch, &p);
    } else if (rec[ANNE__O_KIND] == ANNE_OP_GRU) {
        anne_gru_forward_f32(anne__at(tout, arena), anne__at(tin, arena), kernel, bias, scratch, &p);
    } else {
        anne_lstm_forward_f32(anne__at(tout, arena), anne__at(tin, arena), kernel, bias, scratch, &p);
    }
}

/* Ops over the last axis: the global poolings, and those that work in place (RESHAPE,
 * CHANNEL_AFFINE, LAYER_NORM, ACTIVATION, PRELU: the input copied to the output first when the plan did
 * not put them in the same place). */
static ANNE__NOINLINE void anne__run_rows(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    uint32_t kind = rec[ANNE__O_KIND];
    const uint8_t *tin = anne__input(m, rec, 0), *tout = anne__output(m, rec);
    const float *x = anne__at(tin, arena);
    float *y = anne__at(tout, arena);
    uint16_t c = anne__channels(tout);
    if (kind == ANNE_OP_GLOBAL_AVG_POOL) {
        anne_global_avg_pool_forward_f32(y, x, anne__t_values(tin) / c, c);
    } else if (kind == ANNE_OP_GLOBAL_MAX_POOL) {
        anne_global_max_pool_forward_f32(y, x, anne__t_values(tin) / c, c);
    } else {
        if (y != x) memmove(y, x, (size_t)anne__t_values(tout) * sizeof *y);
        if (kind == ANNE_OP_CHANNEL_AFFINE) {
            anne_channel_affine_f32(y, anne__t_values(tout) / c, c, anne__array(m, rec, ANNE__O_KERNEL_OFF),
                                    anne__array(m, rec, ANNE__O_BIAS_OFF));
        } else if (kind == ANNE_OP_LAYER_NORM) {
            union {
                uint32_t u;
                float f;
            } eps;
            eps.u = anne__w32(rec + ANNE__O_ATTR); /* attr[0] | attr[1] << 16: epsilon's bits */
            anne_layer_norm_f32(y, anne__t_values(tout) / c, c, anne__array(m, rec, ANNE__O_KERNEL_OFF),
                                anne__array(m, rec, ANNE__O_BIAS_OFF), eps.f);
        } else if (kind == ANNE_OP_PRELU) {
            /* alpha per channel, or per value (the loader checked that it is one of the two sizes) */
            if (anne__w32(rec + ANNE__O_KERNEL_SIZE) == 4u * c) {
                anne_prelu_channels_f32(y, anne__t_values(tout) / c, c, anne__array(m, rec, ANNE__O_KERNEL_OFF));
            } else {
                anne_prelu_forward_f32(y, anne__t_values(tout), anne__array(m, rec, ANNE__O_KERNEL_OFF));
            }
        }
        /* RESHAPE and ACTIVATION: the copy is all (the activation follows for every op) */
    }
}

/* The op's activation on its output. */
static ANNE__NOINLINE void anne__run_activation(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const uint8_t *tout = anne__output(m, rec);
    float *y = anne__at(tout, arena);
    if (rec[ANNE__O_ACT] == ANNE_ACT_SOFTMAX) {
        uint16_t c = anne__channels(tout);
        anne_softmax_rows_f32(y, anne__t_values(tout) / c, c); /* over the last axis, as Keras */
    } else {
        anne_activation_forward_f32(y, anne__t_values(tout), (anne_activation)rec[ANNE__O_ACT],
                                    (const float *)(const void *)(rec + ANNE__O_PARAM));
    }
}

/* The input row, input by input (each flattened, in the model's input order), scaled into the inputs'
 * places; out of line, before the ops, so that its frame is never under a kernel's. */
static ANNE__NOINLINE void anne__put_inputs(const anne_model *m, const float *input, uint8_t *arena) {
    uint32_t k, first = 0;
    for (k = 0; k < anne__n_in_tensors(m); k++) {
        const uint8_t *t = anne__trec(m, k);
        anne__scale_span(m, anne__at(t, arena), input + first, first, anne__t_values(t));
        first += anne__t_values(t);
    }
}

/* The outputs, in the model's output order, into the output row. */
static ANNE__NOINLINE void anne__get_outputs(const anne_model *m, float *output, const uint8_t *arena) {
    uint32_t k;
    for (k = 0; k < m->n_output_tensors; k++) {
        const uint8_t *t = anne__trec(m, anne__output_tensor(m, k));
        memcpy(output, arena + anne__t_offset(t), (size_t)anne__t_values(t) * sizeof *output);
        output += anne__t_values(t);
    }
}

/* Each op: its kernel through the helper of its group, then its activation, which runs from this
 * frame under no helper's (the deepest calls: softmax, expf, and soft-float on the M0+). The end of the
 * records is found from the model each time rather than kept: one register less across the calls. */
anne_status anne_graph_run_f32(const anne_model *m, float *output, const float *input, uint8_t *arena) {
    const uint8_t *rec;
    anne__put_inputs(m, input, arena);
    for (rec = m->op_table; rec != m->op_table + (uint32_t)m->n_ops * ANNE__OP_SIZE; rec += ANNE__OP_SIZE) {
        switch (rec[ANNE__O_KIND]) {
        case ANNE_OP_DENSE: anne__run_dense(m, rec, arena); break;
        case ANNE_OP_CONV2D:
        case ANNE_OP_DEPTHWISE_CONV2D:
        case ANNE_OP_MAX_POOL2D:
        case ANNE_OP_AVG_POOL2D: anne__run_window(m, rec, arena); break;
        case ANNE_OP_ZERO_PAD2D:
        case ANNE_OP_CROP2D:
        case ANNE_OP_UPSAMPLE2D:
        case ANNE_OP_PERMUTE: anne__run_spatial(m, rec, arena); break;
        case ANNE_OP_ADD:
        case ANNE_OP_SUBTRACT:
        case ANNE_OP_MULTIPLY:
        case ANNE_OP_AVERAGE:
        case ANNE_OP_MAXIMUM:
        case ANNE_OP_MINIMUM:
            if (anne__merge_same_shapes(m, rec)) anne__run_merge(m, rec, arena);
            else anne__run_broadcast(m, rec, arena);
            break;
        case ANNE_OP_CONCAT: anne__run_concat(m, rec, arena); break;
        case ANNE_OP_SIMPLE_RNN:
        case ANNE_OP_GRU:
        case ANNE_OP_LSTM: anne__run_rnn(m, rec, arena); break;
        default: anne__run_rows(m, rec, arena); break; /* the loader knows no other kinds */
        }
        if (rec[ANNE__O_ACT] != ANNE_ACT_LINEAR) anne__run_activation(m, rec, arena);
    }
    anne__get_outputs(m, output, arena);
    return ANNE_OK;
}

anne_status anne_model_tensor(const anne_model *model, uint16_t index, anne_tensor *tensor) {
    if (model == NULL || tensor == NULL || model->tensor_table == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= model->n_tensors) return ANNE_ERR_BAD_ARG;
    anne__tensor_decode(model->tensor_table + (uint32_t)index * ANNE__TENSOR_SIZE, tensor);
    tensor->scale = 0.0f;
    tensor->zero_point = 0;
    if (model->tensor_quant != NULL) {
        tensor->scale = anne__rdf32(anne__t_quant(model, index));
        tensor->zero_point = (int32_t)anne__w32(anne__t_quant(model, index) + 4u);
    }
    return ANNE_OK;
}

anne_status anne_model_op(const anne_model *model, uint16_t index, anne_op *op) {
    const uint8_t *rec;
    uint32_t k;
    if (model == NULL || op == NULL || model->op_table == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= model->n_ops) return ANNE_ERR_BAD_ARG;
    rec = model->op_table + (uint32_t)index * ANNE__OP_SIZE;
    op->kind = (anne_op_kind)rec[ANNE__O_KIND];
    op->activation = (anne_activation)rec[ANNE__O_ACT];
    for (k = 0; k < 3u; k++) op->param[k] = anne__rdf32(rec + ANNE__O_PARAM + 4u * k);
    op->n_inputs = rec[ANNE__O_N_INPUTS];
    for (k = 0; k < ANNE_MAX_OP_INPUTS; k++) op->inputs[k] = anne__w16(rec + ANNE__O_INPUTS + 2u * k);
    op->output = anne__w16(rec + ANNE__O_OUTPUT);
    op->kernel = anne__array(model, rec, ANNE__O_KERNEL_OFF);
    op->kernel_size = anne__w32(rec + ANNE__O_KERNEL_SIZE);
    op->bias = anne__array(model, rec, ANNE__O_BIAS_OFF);
    op->bias_size = anne__w32(rec + ANNE__O_BIAS_SIZE);
    for (k = 0; k < 10u; k++) op->attr[k] = anne__w16(rec + ANNE__O_ATTR + 2u * k);
    op->aux_size = model->tensor_quant != NULL ? anne__op_aux_size(model, rec) : 0u;
    op->aux = op->aux_size != 0 ? model->weights + anne__w32(rec + ANNE__O_AUX_OFF) : NULL;
    return ANNE_OK;
}
