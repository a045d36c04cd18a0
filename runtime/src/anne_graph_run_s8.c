/* Running an int8 graph model (format 2.2): each input value scaled and quantized into its tensor's
 * place, each op's int8 kernel (anne_quant.h) run from the places the converter planned, each output
 * value dequantized. The quantization of every tensor is in the QUANT section; each op's requantization
 * multipliers, clamp and tables are in its aux record (docs/format.md, "int8 graphs"). The records are
 * checked by the loader and read where they are, as anne_graph_run.c reads them. */
#include <stddef.h>
#include <string.h>

#include "anne.h"
#include "anne_format.h"
#include "anne_graph_format.h"
#include "anne_inline.h"
#include "anne_quant.h"
#include "anne_quant_ops.h"

/* Tensor `index`'s record, its values in the arena, its scale and zero point. */
ANNE__ALWAYS_INLINE const uint8_t *anne__trec8(const anne_model *m, uint32_t index) {
    return m->tensor_table + index * ANNE__TENSOR_SIZE;
}
ANNE__ALWAYS_INLINE int8_t *anne__at8(const anne_model *m, uint32_t index, uint8_t *arena) {
    return (int8_t *)(void *)(arena + anne__t_offset(anne__trec8(m, index)));
}
ANNE__ALWAYS_INLINE float anne__scale_of(const anne_model *m, uint32_t index) {
    return anne__rdf32(anne__t_quant(m, index));
}
ANNE__ALWAYS_INLINE int32_t anne__zp_of(const anne_model *m, uint32_t index) {
    return (int32_t)anne__w32(anne__t_quant(m, index) + 4u);
}

/* An op's first input and its output (tensor indices), and its last axis (channels). */
ANNE__ALWAYS_INLINE uint32_t anne__in0(const uint8_t *rec) {
    return anne__w16(rec + ANNE__O_INPUTS);
}
ANNE__ALWAYS_INLINE uint32_t anne__out(const uint8_t *rec) {
    return anne__w16(rec + ANNE__O_OUTPUT);
}
ANNE__ALWAYS_INLINE uint16_t anne__last_axis(const anne_model *m, uint32_t index) {
    const uint8_t *t = anne__trec8(m, index);
    return (uint16_t)anne__t_dim(t, anne__t_rank(t) - 1u);
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)). */
static void anne__hwc8(const anne_model *m, uint32_t index, anne_hwc *s) {
    const uint8_t *t = anne__trec8(m, index);
    uint32_t rank = anne__t_rank(t);
    s->h = (uint16_t)(rank == 3u ? anne__t_dim(t, 0) : 1u);
    s->w = (uint16_t)anne__t_dim(t, rank - 2u);
    s->c = (uint16_t)anne__t_dim(t, rank - 1u);
}

/* The op's aux record, and its array of kernel (int8) or bias (int32, NULL when absent). */
ANNE__ALWAYS_INLINE const uint8_t *anne__aux8(const anne_model *m, const uint8_t *rec) {
    return m->weights + anne__w32(rec + ANNE__O_AUX_OFF);
}
ANNE__ALWAYS_INLINE const int8_t *anne__kernel8(const anne_model *m, const uint8_t *rec) {
    return (const int8_t *)(const void *)(m->weights + anne__w32(rec + ANNE__O_KERNEL_OFF));
}
ANNE__ALWAYS_INLINE const int32_t *anne__bias32(const anne_model *m, const uint8_t *rec) {
    return anne__w32(rec + ANNE__O_BIAS_SIZE) != 0
               ? (const int32_t *)(const void *)(m->weights + anne__w32(rec + ANNE__O_BIAS_OFF))
               : NULL;
}

/* The requantization of a Dense or convolution op: zero points from its tensors, clamp and per-channel
 * multipliers and shifts from its aux record (act_min, act_max, multiplier[c], shift[c]). */
static void anne__dense_params(const anne_model *m, const uint8_t *rec, anne_s8_dense_params *p) {
    const uint8_t *aux = anne__aux8(m, rec);
    uint32_t c = anne__last_axis(m, anne__out(rec));
    p->in_zp = anne__zp_of(m, anne__in0(rec));
    p->out_zp = anne__zp_of(m, anne__out(rec));
    p->act_min = (int32_t)anne__w32(aux);
    p->act_max = (int32_t)anne__w32(aux + 4u);
    p->multiplier = (const int32_t *)(const void *)(aux + 8u);
    p->shift = (const int32_t *)(const void *)(aux + 8u + 4u * c);
}

/* Dense on the last axis, row by row. */
static ANNE__NOINLINE void anne__run_dense8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_s8_dense_params p;
    uint16_t n_in = anne__last_axis(m, anne__in0(rec)), n_out = anne__last_axis(m, anne__out(rec));
    uint32_t r, rows = anne__t_values(anne__trec8(m, anne__out(rec))) / n_out;
    anne__dense_params(m, rec, &p);
    for (r = 0; r < rows; r++) {
        anne_dense_forward_s8(anne__at8(m, anne__out(rec), arena) + (size_t)r * n_out,
                              anne__at8(m, anne__in0(rec), arena) + (size_t)r * n_in, anne__kernel8(m, rec),
                              anne__bias32(m, rec), n_in, n_out, &p);
    }
}

/* Conv2D and DepthwiseConv2D. */
static ANNE__NOINLINE void anne__run_conv8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_s8_dense_params p;
    anne_window_params w;
    anne__dense_params(m, rec, &p);
    anne__hwc8(m, anne__in0(rec), &w.in);
    anne__hwc8(m, anne__out(rec), &w.out);
    w.win = (const anne_window *)(const void *)(rec + ANNE__O_ATTR); /* attr[0..7], read in place */
    if (rec[ANNE__O_KIND] == ANNE_OP_CONV2D) {
        anne_conv2d_forward_s8(anne__at8(m, anne__out(rec), arena), anne__at8(m, anne__in0(rec), arena),
                               anne__kernel8(m, rec), anne__bias32(m, rec), &w, &p);
    } else {
        anne_depthwise_conv2d_forward_s8(anne__at8(m, anne__out(rec), arena), anne__at8(m, anne__in0(rec), arena),
                                         anne__kernel8(m, rec), anne__bias32(m, rec), &w, &p);
    }
}

/* Max and average pooling (aux: the clamp; the output has the input's quantization), and the global
 * average, TFLite's MEAN over H and W (aux: multiplier, shift). */
static ANNE__NOINLINE void anne__run_pool8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const uint8_t *aux = anne__aux8(m, rec);
    int8_t *y = anne__at8(m, anne__out(rec), arena);
    const int8_t *x = anne__at8(m, anne__in0(rec), arena);
    if (rec[ANNE__O_KIND] == ANNE_OP_GLOBAL_AVG_POOL) {
        anne_s8_mean_params p;
        uint16_t c = anne__last_axis(m, anne__out(rec));
        p.in_zp = anne__zp_of(m, anne__in0(rec));
        p.out_zp = anne__zp_of(m, anne__out(rec));
        p.multiplier = (int32_t)anne__w32(aux);
        p.shift = (int32_t)anne__w32(aux + 4u);
        anne_mean_forward_s8(y, x, anne__t_values(anne__trec8(m, anne__in0(rec))) / c, c, &p);
    } else {
        anne_window_params w;
        anne__hwc8(m, anne__in0(rec), &w.in);
        anne__hwc8(m, anne__out(rec), &w.out);
        w.win = (const anne_window *)(const void *)(rec + ANNE__O_ATTR);
        if (rec[ANNE__O_KIND] == ANNE_OP_MAX_POOL2D) {
            anne_max_pool2d_forward_s8(y, x, &w, (int32_t)anne__w32(aux), (int32_t)anne__w32(aux + 4u));
        } else {
            anne_avg_pool2d_forward_s8(y, x, &w, (int32_t)anne__w32(aux), (int32_t)anne__w32(aux + 4u));
        }
    }
}

/* The rank-4 shapes of a broadcasting merge: the output and its two inputs, aligned at the last axis. */
static void anne__broadcast8(const anne_model *m, const uint8_t *rec, anne_broadcast_params *s) {
    const uint8_t *ta = anne__trec8(m, anne__in0(rec)), *tb = anne__trec8(m, anne__w16(rec + ANNE__O_INPUTS + 2u));
    const uint8_t *tout = anne__trec8(m, anne__out(rec));
    uint32_t d;
    s->op = ANNE_MERGE_ADD; /* not read by the int8 kernels */
    for (d = 0; d < ANNE_MAX_RANK; d++) {
        s->out[d] = (uint16_t)anne__t_dim4(tout, d);
        s->a[d] = (uint16_t)anne__t_dim4(ta, d);
        s->b[d] = (uint16_t)anne__t_dim4(tb, d);
    }
}

/* ADD, SUBTRACT and MULTIPLY of two inputs (aux: the clamp, then TFLite's multipliers and shifts:
 * anne_graph_format.h), of the output's shape or broadcast to it. */
static ANNE__NOINLINE void anne__run_merge8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const uint8_t *aux = anne__aux8(m, rec), *tout = anne__trec8(m, anne__out(rec));
    uint32_t in1 = anne__in0(rec), in2 = anne__w16(rec + ANNE__O_INPUTS + 2u);
    int8_t *y = anne__at8(m, anne__out(rec), arena);
    const int8_t *a = anne__at8(m, in1, arena), *b = anne__at8(m, in2, arena);
    int same = anne__t_same_shape(anne__trec8(m, in1), tout) && anne__t_same_shape(anne__trec8(m, in2), tout);
    anne_broadcast_params s;
    if (!same) anne__broadcast8(m, rec, &s);
    if (rec[ANNE__O_KIND] == ANNE_OP_MULTIPLY) {
        anne_s8_mul_params p;
        p.in1_zp = anne__zp_of(m, in1), p.in2_zp = anne__zp_of(m, in2), p.out_zp = anne__zp_of(m, anne__out(rec));
        p.act_min = (int32_t)anne__w32(aux), p.act_max = (int32_t)anne__w32(aux + 4u);
        p.multiplier = (int32_t)anne__w32(aux + 8u), p.shift = (int32_t)anne__w32(aux + 12u);
        if (same) anne_mul_forward_s8(y, a, b, anne__t_values(tout), &p);
        else anne_mul_broadcast_forward_s8(y, a, b, &s, &p);
    } else {
        anne_s8_add_params p;
        p.in1_zp = anne__zp_of(m, in1), p.in2_zp = anne__zp_of(m, in2), p.out_zp = anne__zp_of(m, anne__out(rec));
        p.act_min = (int32_t)anne__w32(aux), p.act_max = (int32_t)anne__w32(aux + 4u);
        p.left_shift = (int32_t)anne__w32(aux + 8u);
        p.in1_multiplier = (int32_t)anne__w32(aux + 12u), p.in1_shift = (int32_t)anne__w32(aux + 16u);
        p.in2_multiplier = (int32_t)anne__w32(aux + 20u), p.in2_shift = (int32_t)anne__w32(aux + 24u);
        p.out_multiplier = (int32_t)anne__w32(aux + 28u), p.out_shift = (int32_t)anne__w32(aux + 32u);
        if (same) anne_add_forward_s8(y, a, b, anne__t_values(tout), &p);
        else anne_add_broadcast_forward_s8(y, a, b, &s, &p);
    }
}

/* CONCAT of 2 to 4 inputs along attr[0]: each input copied, or through its table (aux: the mask, then
 * the tables of the inputs it names, in input order). */
static ANNE__NOINLINE void anne__run_concat8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    const int8_t *x[ANNE_MAX_OP_INPUTS], *lut[ANNE_MAX_OP_INPUTS];
    const uint8_t *aux = anne__aux8(m, rec), *tout = anne__trec8(m, anne__out(rec));
    const int8_t *table = (const int8_t *)(const void *)(aux + 4u);
    uint32_t inner[ANNE_MAX_OP_INPUTS], outer = 1, k, mask = anne__w32(aux);
    for (k = 0; k < anne__w16(rec + ANNE__O_ATTR); k++) outer *= anne__t_dim(tout, k); /* the axes before attr[0] */
    for (k = 0; k < rec[ANNE__O_N_INPUTS]; k++) {
        uint32_t t = anne__w16(rec + ANNE__O_INPUTS + 2u * k);
        x[k] = anne__at8(m, t, arena);
        inner[k] = anne__t_values(anne__trec8(m, t)) / outer;
        lut[k] = (mask >> k & 1u) != 0 ? table : NULL;
        if (lut[k] != NULL) table += ANNE__CONCAT_TABLE_SIZE;
    }
    anne_concat_forward_s8(anne__at8(m, anne__out(rec), arena), x, inner, rec[ANNE__O_N_INPUTS], outer, lut);
}

/* ZERO_PAD2D: TFLite's PAD of the spatial axes, padded with the output's zero point (the real 0). */
static ANNE__NOINLINE void anne__run_pad8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    anne_spatial_params p;
    anne__hwc8(m, anne__in0(rec), &p.in);
    anne__hwc8(m, anne__out(rec), &p.out);
    p.top = anne__w16(rec + ANNE__O_ATTR);
    p.left = anne__w16(rec + ANNE__O_ATTR + 2u);
    anne_pad2d_forward_s8(anne__at8(m, anne__out(rec), arena), anne__at8(m, anne__in0(rec), arena), &p,
                          (int8_t)anne__zp_of(m, anne__out(rec)));
}

/* RESHAPE (the same values: a copy unless planned in place) and ACTIVATION (a table, or softmax over
 * the last axis), both in place after the copy. */
static ANNE__NOINLINE void anne__run_rows8(const anne_model *m, const uint8_t *rec, uint8_t *arena) {
    int8_t *y = anne__at8(m, anne__out(rec), arena);
    const int8_t *x = anne__at8(m, anne__in0(rec), arena);
    uint32_t n = anne__t_values(anne__trec8(m, anne__out(rec))), c = anne__last_axis(m, anne__out(rec)), r;
    if (y != x) memmove(y, x, n);
    if (rec[ANNE__O_KIND] != ANNE_OP_ACTIVATION) return;
    if (rec[ANNE__O_ACT] == ANNE_ACT_SOFTMAX) {
        for (r = 0; r < n; r += c) {
            anne_softmax_forward_s8(y + r, c, (const uint16_t *)(const void *)anne__aux8(m, rec));
        }
    } else {
        anne_activation_forward_s8_lut(y, n, (const int8_t *)(const void *)anne__aux8(m, rec));
    }
}

/* The input row scaled (in chunks, through a small buffer: the arena holds int8, not the floats) and
 * quantized into each input tensor's place. */
static ANNE__NOINLINE void anne__put_inputs8(const anne_model *m, const float *input, uint8_t *arena) {
    float chunk[8];
    uint32_t k, first = 0, i, j, n;
    for (k = 0; k < anne__n_in_tensors(m); k++) {
        int8_t *q = anne__at8(m, k, arena);
        n = anne__t_values(anne__trec8(m, k));
        for (i = 0; i < n; i += j) {
            uint32_t len = n - i < 8u ? n - i : 8u;
            anne__scale_span(m, chunk, input + first + i, first + i, len);
            for (j = 0; j < len; j++) q[i + j] = anne_s8_quantize(chunk[j], anne__scale_of(m, k), anne__zp_of(m, k));
        }
        first += n;
    }
}

/* Each output value dequantized into the output row, in the model's output order. */
static ANNE__NOINLINE void anne__get_outputs8(const anne_model *m, float *output, uint8_t *arena) {
    uint32_t k, i;
    for (k = 0; k < m->n_output_tensors; k++) {
        uint32_t t = anne__output_tensor(m, k), n = anne__t_values(anne__trec8(m, t));
        const int8_t *q = anne__at8(m, t, arena);
        for (i = 0; i < n; i++) *output++ = anne_s8_dequantize(q[i], anne__scale_of(m, t), anne__zp_of(m, t));
    }
}

anne_status anne_graph_run_s8(const anne_model *m, float *output, const float *input, uint8_t *arena) {
    const uint8_t *rec;
    anne__put_inputs8(m, input, arena);
    for (rec = m->op_table; rec != m->op_table + (uint32_t)m->n_ops * ANNE__OP_SIZE; rec += ANNE__OP_SIZE) {
        switch (rec[ANNE__O_KIND]) {
        case ANNE_OP_DENSE: anne__run_dense8(m, rec, arena); break;
        case ANNE_OP_CONV2D:
        case ANNE_OP_DEPTHWISE_CONV2D: anne__run_conv8(m, rec, arena); break;
        case ANNE_OP_MAX_POOL2D:
        case ANNE_OP_AVG_POOL2D:
        case ANNE_OP_GLOBAL_AVG_POOL: anne__run_pool8(m, rec, arena); break;
        case ANNE_OP_ADD:
        case ANNE_OP_SUBTRACT:
        case ANNE_OP_MULTIPLY: anne__run_merge8(m, rec, arena); break;
        case ANNE_OP_CONCAT: anne__run_concat8(m, rec, arena); break;
        case ANNE_OP_ZERO_PAD2D: anne__run_pad8(m, rec, arena); break;
        default: anne__run_rows8(m, rec, arena); break; /* RESHAPE, ACTIVATION: the loader allows no others */
        }
    }
    anne__get_outputs8(m, output, arena);
    return ANNE_OK;
}
