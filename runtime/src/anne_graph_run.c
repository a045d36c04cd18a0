/* Running a graph model (format 2): the scaled input goes into tensor 0's place in the arena, each op
 * runs in order from the places the converter planned (checked by the loader), and the last tensor is
 * the output. One kernel call per op (anne_ops.h), then the op's activation. */
#include <string.h>

#include "anne.h"
#include "anne_graph_format.h"
#include "anne_inline.h"
#include "anne_ops.h"

/* Tensor `index`'s shape and its values in the arena. */
static float *anne__values(const anne_model *m, uint32_t index, uint8_t *arena, anne_tensor *t) {
    anne__tensor_decode(m->tensor_table + index * ANNE__TENSOR_SIZE, t);
    return (float *)(void *)(arena + t->offset);
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)). */
static anne_hwc anne__hwc(const anne_tensor *t) {
    anne_hwc s;
    s.h = t->rank == 3 ? t->dims[0] : 1u;
    s.w = t->dims[t->rank - 2u];
    s.c = t->dims[t->rank - 1u];
    return s;
}

/* An op's weight array (kernel at ANNE__O_KERNEL_OFF, bias at ANNE__O_BIAS_OFF), NULL when absent. */
static const float *anne__array(const anne_model *m, const uint8_t *rec, uint32_t off_field) {
    return anne__w32(rec + off_field + 4u) != 0 ? (const float *)(const void *)(m->weights + anne__w32(rec + off_field))
                                                : NULL;
}

static uint16_t anne__attr(const uint8_t *rec, uint32_t k) {
    return anne__rd16(rec + ANNE__O_ATTR + 2u * k);
}

static void anne__window(const uint8_t *rec, anne_window *w) {
    w->kernel_h = anne__attr(rec, 0);
    w->kernel_w = anne__attr(rec, 1);
    w->stride_h = anne__attr(rec, 2);
    w->stride_w = anne__attr(rec, 3);
    w->dilation_h = anne__attr(rec, 4);
    w->dilation_w = anne__attr(rec, 5);
    w->pad_top = anne__attr(rec, 6);
    w->pad_left = anne__attr(rec, 7);
}

/* Merges and concatenation: n_in inputs into y. */
static ANNE__NOINLINE void anne__run_merge(const anne_model *m, const uint8_t *rec, uint32_t kind, uint8_t *arena,
                                            float *y, const anne_tensor *out) {
    uint32_t n_in = rec[ANNE__O_N_INPUTS], k, values = anne__tensor_values(out);
    anne_tensor t;
    const float *x[ANNE_MAX_OP_INPUTS] = {NULL, NULL, NULL, NULL}; /* n_in >= 2: checked at load */
    for (k = 0; k < n_in; k++) x[k] = anne__values(m, anne__rd16(rec + ANNE__O_INPUTS + 2u * k), arena, &t);
    if (kind == ANNE_OP_CONCAT) {
        uint32_t inner[ANNE_MAX_OP_INPUTS], outer = 1, axis = anne__attr(rec, 0), d;
        for (d = 0; d < axis; d++) outer *= out->dims[d];
        for (k = 0; k < n_in; k++) {
            anne__values(m, anne__rd16(rec + ANNE__O_INPUTS + 2u * k), arena, &t);
            inner[k] = anne__tensor_values(&t) / outer;
        }
        anne_concat_forward_f32(y, x, inner, (uint16_t)n_in, outer);
        return;
    }
    {
        /* Average sums, then divides by the count; the others fold their inputs in order */
        anne_merge op = kind == ANNE_OP_SUBTRACT   ? ANNE_MERGE_SUBTRACT
                        : kind == ANNE_OP_MULTIPLY ? ANNE_MERGE_MULTIPLY
                        : kind == ANNE_OP_MAXIMUM  ? ANNE_MERGE_MAXIMUM
                        : kind == ANNE_OP_MINIMUM  ? ANNE_MERGE_MINIMUM
                                                   : ANNE_MERGE_ADD; /* Add, and Average's sum */
        anne_merge_forward_f32(y, x[0], x[1], values, op);
        for (k = 2; k < n_in; k++) anne_merge_forward_f32(y, y, x[k], values, op);
        if (kind == ANNE_OP_AVERAGE) anne_div_scalar_f32(y, values, (float)n_in);
    }
}

/* Ops of one input whose kernels work in place: the input copied to the output first when the plan
 * did not put them in the same place. */
static ANNE__NOINLINE void anne__run_in_place(const anne_model *m, const uint8_t *rec, uint32_t kind, float *y,
                                               const float *x, const anne_tensor *out) {
    uint32_t values = anne__tensor_values(out);
    uint16_t c = out->dims[out->rank - 1u];
    if (y != x) memmove(y, x, (size_t)values * sizeof *y);
    if (kind == ANNE_OP_CHANNEL_AFFINE) {
        anne_channel_affine_f32(y, values / c, c, anne__array(m, rec, ANNE__O_KERNEL_OFF),
                                anne__array(m, rec, ANNE__O_BIAS_OFF));
    } else if (kind == ANNE_OP_LAYER_NORM) {
        union {
            uint32_t u;
            float f;
        } eps;
        eps.u = (uint32_t)anne__attr(rec, 0) | (uint32_t)anne__attr(rec, 1) << 16;
        anne_layer_norm_f32(y, values / c, c, anne__array(m, rec, ANNE__O_KERNEL_OFF),
                            anne__array(m, rec, ANNE__O_BIAS_OFF), eps.f);
    }
    /* RESHAPE and ACTIVATION: the copy is all (the activation follows for every op) */
}

/* Op i: its kernel, then its activation on the output. Out of line, as the helpers above: each frame
 * is on the stack only while it runs (the boards' stack budget). */
static ANNE__NOINLINE void anne__run_op(const anne_model *m, uint32_t i, uint8_t *arena) {
    const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
    uint32_t kind = rec[ANNE__O_KIND], act = rec[ANNE__O_ACT];
    anne_tensor in, out;
    const float *x = anne__values(m, anne__rd16(rec + ANNE__O_INPUTS), arena, &in);
    float *y = anne__values(m, i + 1u, arena, &out);
    const float *kernel = anne__array(m, rec, ANNE__O_KERNEL_OFF), *bias = anne__array(m, rec, ANNE__O_BIAS_OFF);
    uint16_t c = out.dims[out.rank - 1u];
    anne_window win;
    switch (kind) {
    case ANNE_OP_DENSE:
        anne_dense_rows_forward_f32(y, x, kernel, bias, anne__tensor_values(&out) / c, in.dims[in.rank - 1u], c);
        break;
    case ANNE_OP_CONV2D:
        anne__window(rec, &win);
        anne_conv2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), kernel, bias, &win);
        break;
    case ANNE_OP_DEPTHWISE_CONV2D:
        anne__window(rec, &win);
        anne_depthwise_conv2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), kernel, bias, &win);
        break;
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D:
        anne__window(rec, &win);
        if (kind == ANNE_OP_MAX_POOL2D) anne_max_pool2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), &win);
        else anne_avg_pool2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), &win);
        break;
    case ANNE_OP_GLOBAL_AVG_POOL:
        anne_global_avg_pool_forward_f32(y, x, anne__tensor_values(&in) / c, c);
        break;
    case ANNE_OP_GLOBAL_MAX_POOL:
        anne_global_max_pool_forward_f32(y, x, anne__tensor_values(&in) / c, c);
        break;
    case ANNE_OP_ZERO_PAD2D:
        anne_zero_pad2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), anne__attr(rec, 0), anne__attr(rec, 1));
        break;
    case ANNE_OP_CROP2D:
        anne_crop2d_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in), anne__attr(rec, 0), anne__attr(rec, 1));
        break;
    case ANNE_OP_UPSAMPLE2D:
        anne_upsample2d_nearest_forward_f32(y, anne__hwc(&out), x, anne__hwc(&in));
        break;
    case ANNE_OP_PERMUTE: {
        uint8_t perm[ANNE_MAX_RANK], k;
        for (k = 0; k < ANNE_MAX_RANK; k++) perm[k] = (uint8_t)anne__attr(rec, k);
        anne_permute_forward_f32(y, x, in.dims, perm, in.rank);
        break;
    }
    case ANNE_OP_RESHAPE:
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM:
    case ANNE_OP_ACTIVATION:
        anne__run_in_place(m, rec, kind, y, x, &out);
        break;
    default: /* the merges and concatenation (the loader knows no other kinds) */
        anne__run_merge(m, rec, kind, arena, y, &out);
        break;
    }
    if (act == ANNE_ACT_SOFTMAX) {
        anne_softmax_rows_f32(y, anne__tensor_values(&out) / c, c); /* over the last axis, as Keras */
    } else if (act != ANNE_ACT_LINEAR) {
        anne_activation_forward_f32(y, anne__tensor_values(&out), (anne_activation)act,
                                    (const float *)(const void *)(rec + ANNE__O_PARAM));
    }
}

void anne__graph_predict_f32(const anne_model *m, float *output, const float *input, uint8_t *arena) {
    anne_tensor t;
    uint32_t i;
    (void)anne_model_scale_input(m, anne__values(m, 0, arena, &t), input);
    for (i = 0; i < m->n_ops; i++) anne__run_op(m, i, arena);
    memcpy(output, anne__values(m, m->n_ops, arena, &t), (size_t)m->n_outputs * sizeof *output);
}

anne_status anne_model_tensor(const anne_model *model, uint16_t index, anne_tensor *tensor) {
    if (model == NULL || tensor == NULL || model->tensor_table == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= model->n_tensors) return ANNE_ERR_BAD_ARG;
    anne__tensor_decode(model->tensor_table + (uint32_t)index * ANNE__TENSOR_SIZE, tensor);
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
    for (k = 0; k < ANNE_MAX_OP_INPUTS; k++) op->inputs[k] = anne__rd16(rec + ANNE__O_INPUTS + 2u * k);
    op->output = anne__rd16(rec + ANNE__O_OUTPUT);
    op->kernel = anne__array(model, rec, ANNE__O_KERNEL_OFF);
    op->kernel_size = anne__w32(rec + ANNE__O_KERNEL_SIZE);
    op->bias = anne__array(model, rec, ANNE__O_BIAS_OFF);
    op->bias_size = anne__w32(rec + ANNE__O_BIAS_SIZE);
    for (k = 0; k < 10u; k++) op->attr[k] = anne__attr(rec, k);
    return ANNE_OK;
}
