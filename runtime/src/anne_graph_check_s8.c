/* The loader's checks of the int8 parts of a graph model (format 2.2, docs/format.md "int8 graphs"),
 * after the checks every graph op has (anne_graph_check.c: kind, inputs, shapes, array sizes): which
 * kinds run in int8, each op's activation and aux record, the quantization its tensors must share,
 * and the kernel and bias values, so that no stored number can make an int8 kernel overflow or read
 * outside a table. Integer reads of aligned words only: an int8 firmware links no float code for it. */
#include "anne.h"
#include "anne_graph_format.h"
#include "anne_inline.h"
#include "anne_quant.h"

/* 1/256 as a float's bits: the output scale of an int8 softmax (zero point -128), as TFLite's. */
#define ANNE__SOFTMAX_SCALE_BITS 0x3B800000u

/* v in -128 ... 127 (as an i32's bits) */
ANNE__ALWAYS_INLINE int anne__in_s8(uint32_t v) {
    return v + 128u < 256u;
}

/* Whether tensors a and b have the same quantization, bit for bit (an op that moves values without
 * arithmetic: pooling, reshaping). */
static int anne__same_quant(const anne_model *m, uint32_t a, uint32_t b) {
    const uint8_t *qa = anne__t_quant(m, a), *qb = anne__t_quant(m, b);
    return anne__w32(qa) == anne__w32(qb) && anne__w32(qa + 4u) == anne__w32(qb + 4u);
}

/* The aux record of op rec: `size` bytes at the u32 in attr[8..9], 4-aligned, inside the weights;
 * NULL when it is not there. A kind without one has attr[8..9] zero (size 0). */
static const uint8_t *anne__aux(const anne_model *m, const uint8_t *rec, uint32_t size) {
    uint32_t off = anne__w32(rec + ANNE__O_AUX_OFF);
    if (size == 0) return off == 0 ? m->weights : NULL; /* any non-NULL: nothing to read */
    if ((off & 3u) != 0 || off > m->weights_size || size > m->weights_size - off) return NULL;
    return m->weights + off;
}

/* A clamp: act_min <= act_max, both in -128 ... 127 (two i32 words at aux). */
static int anne__clamp_ok(const uint8_t *aux) {
    return anne__in_s8(anne__w32(aux)) && anne__in_s8(anne__w32(aux + 4u)) &&
           (int32_t)anne__w32(aux) <= (int32_t)anne__w32(aux + 4u);
}

/* A fused activation of an op that ends in a clamp: linear, or relu without slope or threshold (its
 * max_value, relu6's 6, is the clamp's top). */
static int anne__clamp_activation(const uint8_t *rec) {
    uint32_t act = rec[ANNE__O_ACT];
    return act == ANNE_ACT_LINEAR ||
           (act == ANNE_ACT_RELU && (anne__w32(rec + ANNE__O_PARAM) | anne__w32(rec + ANNE__O_PARAM + 8u)) == 0);
}

/* Dense, Conv2D, DepthwiseConv2D: aux = act_min, act_max, multiplier[c], shift[c] for the c output
 * channels. The clamp within int8 and not empty; multipliers >= 0 and shifts in -31 ... 30 (as
 * anne_requantize takes them); weights in -127 ... 127 (TFLite's symmetric int8: -128 would break the
 * accumulator bound); |bias| + taps * 127 * 255 within int32, taps being the products one output
 * sums (the kernel's values / c), so the int32 accumulator cannot overflow whatever the input. */
static anne_status anne__check_weighted(const anne_model *m, const uint8_t *rec, uint32_t c) {
    const uint8_t *aux = anne__aux(m, rec, anne__op_aux_size(m, rec)); /* 8 + 8 c */
    const uint8_t *kernel = m->weights + anne__w32(rec + ANNE__O_KERNEL_OFF);
    uint32_t n = anne__w32(rec + ANNE__O_KERNEL_SIZE), bias_size = anne__w32(rec + ANNE__O_BIAS_SIZE);
    uint32_t taps = n / c, limit, j;
    if (aux == NULL) return ANNE_ERR_BAD_LAYER;
    if (!anne__clamp_ok(aux)) return ANNE_ERR_BAD_VALUE;
    for (j = 0; j < c; j++) {
        if ((anne__w32(aux + 8u + 4u * j) >> 31) != 0 || anne__w32(aux + 8u + 4u * (c + j)) + 31u > 61u) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    for (j = 0; j < n; j++) {
        if (kernel[j] == 0x80u) return ANNE_ERR_BAD_VALUE;
    }
    if (taps > 0x7FFFFFFFu / (127u * 255u)) return ANNE_ERR_SHAPE; /* no product sum can bound it */
    limit = 0x7FFFFFFFu - taps * 127u * 255u;
    for (j = 0; j < bias_size; j += 4u) {
        uint32_t b = anne__w32(m->weights + anne__w32(rec + ANNE__O_BIAS_OFF) + j);
        if (b + limit > 2u * limit) return ANNE_ERR_BAD_VALUE; /* |b| > limit, as unsigned arithmetic */
    }
    return ANNE_OK;
}

/* An ACTIVATION op: a 256-entry int8 table (out = lut[in + 128]) for every activation but softmax,
 * whose aux is TFLite's exp table (256 u16, entry 0 = 1.0 as 32768) and whose output is scale 1/256,
 * zero point -128. The table says everything: the activation's name is for people. */
static anne_status anne__check_table(const anne_model *m, const uint8_t *rec, uint32_t out) {
    const uint8_t *aux;
    if (rec[ANNE__O_ACT] == ANNE_ACT_LINEAR) return ANNE_ERR_BAD_ACTIVATION; /* an identity op is no op */
    aux = anne__aux(m, rec, anne__op_aux_size(m, rec)); /* 256 int8, or softmax's 256 u16 */
    if (rec[ANNE__O_ACT] != ANNE_ACT_SOFTMAX) return aux != NULL ? ANNE_OK : ANNE_ERR_BAD_LAYER;
    if (aux == NULL) return ANNE_ERR_BAD_LAYER;
    if (anne__w32(anne__t_quant(m, out)) != ANNE__SOFTMAX_SCALE_BITS ||
        anne__w32(anne__t_quant(m, out) + 4u) != (uint32_t)-128 || (anne__w32(aux) & 0xFFFFu) != 32768u) {
        return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

/* Max and average pooling: the output has the input's quantization (TFLite's rule: nothing is
 * requantized), the aux record is the fused activation's clamp; an average's window at most
 * 2^24 - 2^16 positions, so that its int32 sum and rounding cannot overflow. The global average
 * (TFLite's MEAN over H and W) requantizes: aux = multiplier (>= 0), shift (-31 ... 30), from
 * in_scale / out_scale / n (anne_s8_mean_prepare), over at most 2^31 / 255 positions n. */
static anne_status anne__check_pool(const anne_model *m, const uint8_t *rec, uint32_t in, uint32_t out) {
    const uint8_t *aux = anne__aux(m, rec, 8u);
    uint32_t kind = rec[ANNE__O_KIND];
    if (aux == NULL) return ANNE_ERR_BAD_LAYER;
    if (kind == ANNE_OP_GLOBAL_AVG_POOL) {
        const uint8_t *tin = m->tensor_table + in * ANNE__TENSOR_SIZE;
        if (rec[ANNE__O_ACT] != ANNE_ACT_LINEAR) return ANNE_ERR_BAD_ACTIVATION;
        if (anne__t_values(tin) / anne__t_dim(tin, anne__t_rank(tin) - 1u) > 8421504u) return ANNE_ERR_SHAPE;
        return (anne__w32(aux) >> 31) == 0 && anne__w32(aux + 4u) + 31u <= 61u ? ANNE_OK : ANNE_ERR_BAD_VALUE;
    }
    if (!anne__clamp_activation(rec)) return ANNE_ERR_BAD_ACTIVATION;
    if (kind == ANNE_OP_AVG_POOL2D && (uint32_t)anne__w16(rec + ANNE__O_ATTR) * anne__w16(rec + ANNE__O_ATTR + 2u) >
                                          16711680u) {
        return ANNE_ERR_SHAPE;
    }
    return anne__clamp_ok(aux) && anne__same_quant(m, in, out) ? ANNE_OK : ANNE_ERR_BAD_VALUE;
}

/* v in lo ... hi (an i32's bits; lo <= hi) */
ANNE__ALWAYS_INLINE int anne__in_range(uint32_t v, int32_t lo, int32_t hi) {
    return v - (uint32_t)lo <= (uint32_t)hi - (uint32_t)lo;
}

/* ADD, SUBTRACT, MULTIPLY of two inputs (broadcasting as the float merges: anne_graph_check.c): aux =
 * act_min, act_max, then ADD and SUBTRACT (TFLite's AddFunc): left_shift 0 ... 22 and the multiplier and
 * shift of input 1, input 2 and the output, shifts -31 ... 0, multipliers >= 0 but SUBTRACT's input 2,
 * which is negated (-(2^31 - 1) ... 0); MULTIPLY: multiplier >= 0, shift -31 ... 30. With those no int32
 * sum of the kernels can overflow (anne_quant_ops.h). */
static anne_status anne__check_merge8(const anne_model *m, const uint8_t *rec) {
    uint32_t kind = rec[ANNE__O_KIND];
    const uint8_t *aux = anne__aux(m, rec, anne__op_aux_size(m, rec));
    if (!anne__clamp_activation(rec)) return ANNE_ERR_BAD_ACTIVATION;
    if (rec[ANNE__O_N_INPUTS] != 2u) return ANNE_ERR_BAD_LAYER;
    if (aux == NULL) return ANNE_ERR_BAD_LAYER;
    if (!anne__clamp_ok(aux)) return ANNE_ERR_BAD_VALUE;
    if (kind == ANNE_OP_MULTIPLY) {
        return (anne__w32(aux + 8u) >> 31) == 0 && anne__in_range(anne__w32(aux + 12u), -31, 30) ? ANNE_OK
                                                                                                : ANNE_ERR_BAD_VALUE;
    }
    if (!anne__in_range(anne__w32(aux + 8u), 0, 22) || (anne__w32(aux + 12u) >> 31) != 0 ||
        !anne__in_range(anne__w32(aux + 16u), -31, 0) || !anne__in_range(anne__w32(aux + 24u), -31, 0) ||
        (anne__w32(aux + 28u) >> 31) != 0 || !anne__in_range(anne__w32(aux + 32u), -31, 0)) {
        return ANNE_ERR_BAD_VALUE;
    }
    return (kind == ANNE_OP_SUBTRACT ? anne__in_range(anne__w32(aux + 20u), -0x7FFFFFFF, 0)
                                     : (anne__w32(aux + 20u) >> 31) == 0)
               ? ANNE_OK
               : ANNE_ERR_BAD_VALUE;
}

/* CONCAT (any axis, 2 ... 4 inputs): aux = a mask with a bit per input at most, then a table for each
 * input of the mask; every other input is copied, so it has the output's quantization bit for bit
 * (TFLite's converter gives every input the output's; an input quantized otherwise needs its table). */
static anne_status anne__check_concat8(const anne_model *m, const uint8_t *rec, uint32_t out) {
    const uint8_t *aux = anne__aux(m, rec, 4u);
    uint32_t k, n_in = rec[ANNE__O_N_INPUTS], mask;
    if (rec[ANNE__O_ACT] != ANNE_ACT_LINEAR) return ANNE_ERR_BAD_ACTIVATION;
    if (aux == NULL) return ANNE_ERR_BAD_LAYER;
    mask = anne__w32(aux);
    if ((mask >> n_in) != 0) return ANNE_ERR_BAD_VALUE; /* a table for an input the op does not have */
    if (anne__aux(m, rec, anne__op_aux_size(m, rec)) == NULL) return ANNE_ERR_BAD_LAYER;
    for (k = 0; k < n_in; k++) {
        if ((mask >> k & 1u) == 0 && !anne__same_quant(m, anne__w16(rec + ANNE__O_INPUTS + 2u * k), out)) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    return ANNE_OK;
}

anne_status anne__check_op_s8(const anne_model *m, uint32_t i) {
    const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
    uint32_t kind = rec[ANNE__O_KIND], out = anne__w16(rec + ANNE__O_OUTPUT), in = anne__w16(rec + ANNE__O_INPUTS);
    const uint8_t *tout = m->tensor_table + out * ANNE__TENSOR_SIZE;
    switch (kind) {
    case ANNE_OP_DENSE:
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
        if (!anne__clamp_activation(rec)) return ANNE_ERR_BAD_ACTIVATION;
        return anne__check_weighted(m, rec, anne__t_dim(tout, anne__t_rank(tout) - 1u));
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D:
    case ANNE_OP_GLOBAL_AVG_POOL:
        return anne__check_pool(m, rec, in, out);
    case ANNE_OP_ADD:
    case ANNE_OP_SUBTRACT:
    case ANNE_OP_MULTIPLY:
        return anne__check_merge8(m, rec);
    case ANNE_OP_CONCAT:
        return anne__check_concat8(m, rec, out);
    case ANNE_OP_RESHAPE:
    case ANNE_OP_ZERO_PAD2D: /* TFLite's PAD: the padding is the zero point, nothing requantized */
        if (rec[ANNE__O_ACT] != ANNE_ACT_LINEAR) return ANNE_ERR_BAD_ACTIVATION;
        if (anne__aux(m, rec, 0) == NULL) return ANNE_ERR_BAD_LAYER;
        return anne__same_quant(m, in, out) ? ANNE_OK : ANNE_ERR_BAD_VALUE;
    case ANNE_OP_ACTIVATION:
        return anne__check_table(m, rec, out);
    default:
        return ANNE_ERR_UNSUPPORTED_DTYPE; /* no int8 kernel for this kind (yet) */
    }
}
