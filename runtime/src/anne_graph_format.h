/* Private: the byte layout of a graph model's TENSORS and OPS sections (format 2, docs/format.md),
 * shared by the loader, the runner and the writer so the three cannot drift apart. */
#ifndef ANNE_GRAPH_FORMAT_H
#define ANNE_GRAPH_FORMAT_H

#include "anne_format.h"
#include "anne_inline.h"

#define ANNE__SEC_TENSORS 6u      /* tensor records (format 2) */
#define ANNE__SEC_OPS 7u          /* op records (format 2) */
#define ANNE__SEC_QUANT 8u        /* int8 graphs (2.2): per tensor f32 scale, i32 zero point */
#define ANNE__QUANT_SIZE 8u       /* bytes per tensor in QUANT */

/* TENSORS section: n_tensors u16, n_inputs u16 (0: one, tensor 0; else 2 ... ANNE_MAX_MODEL_IO: tensors
 * 0 .. n_inputs-1), arena_bytes u32, then the records. */
#define ANNE__TENSORS_HDR_SIZE 8u
/* Tensor record, 16 bytes. */
#define ANNE__T_DTYPE 0u          /* u8 anne_dtype */
#define ANNE__T_RANK 1u           /* u8, 1 ... 4 */
#define ANNE__T_RESERVED 2u       /* u16, 0 */
#define ANNE__T_DIMS 4u           /* 4 x u16: dims[0 .. rank-1] >= 1, the others 1 */
#define ANNE__T_OFFSET 12u        /* u32: bytes from the arena's start, a multiple of 4 */
#define ANNE__TENSOR_SIZE 16u

/* OPS section: n_ops u16, n_outputs u16 (0: one, the last tensor; else 2 ... ANNE_MAX_MODEL_IO), then the
 * records; op i writes tensor n_inputs + i. With n_outputs >= 2 the output list follows the records:
 * n_outputs u16 tensor indices, zero-padded to a multiple of 4 bytes. */
#define ANNE__OPS_HDR_SIZE 4u
/* Op record, 64 bytes. Weight offsets are relative to the WEIGHTS section. */
#define ANNE__O_KIND 0u           /* u8 anne_op_kind */
#define ANNE__O_ACT 1u            /* u8 anne_activation */
#define ANNE__O_N_INPUTS 2u       /* u8, 1 ... 4 */
#define ANNE__O_FLAGS 3u          /* u8, 0 */
#define ANNE__O_INPUTS 4u         /* 4 x u16 tensor indices, unused ones 0 */
#define ANNE__O_OUTPUT 12u        /* u16: i + 1 for op i */
#define ANNE__O_RESERVED 14u      /* u16, 0 */
#define ANNE__O_PARAM 16u         /* 3 x f32: the activation's parameters */
#define ANNE__O_KERNEL_OFF 28u    /* u32 */
#define ANNE__O_KERNEL_SIZE 32u   /* u32: 0 without kernel */
#define ANNE__O_BIAS_OFF 36u      /* u32 */
#define ANNE__O_BIAS_SIZE 40u     /* u32: 0 without bias */
#define ANNE__O_ATTR 44u          /* 10 x u16, per kind */
#define ANNE__O_AUX_OFF 60u       /* attr[8..9] as a u32: an int8 graph op's aux record in WEIGHTS */
#define ANNE__OP_SIZE 64u

/* Decodes tensor record rec (validated, 4-aligned) into *t. */
static inline void anne__tensor_decode(const uint8_t *rec, anne_tensor *t) {
    uint32_t head = anne__w32(rec), d01 = anne__w32(rec + ANNE__T_DIMS), d23 = anne__w32(rec + ANNE__T_DIMS + 4u);
    t->dtype = (anne_dtype)(head & 0xFFu);
    t->rank = (uint8_t)((head >> 8) & 0xFFu);
    t->dims[0] = (uint16_t)(d01 & 0xFFFFu);
    t->dims[1] = (uint16_t)(d01 >> 16);
    t->dims[2] = (uint16_t)(d23 & 0xFFFFu);
    t->dims[3] = (uint16_t)(d23 >> 16);
    t->offset = anne__w32(rec + ANNE__T_OFFSET);
}

/* Values of a tensor (dims beyond the rank are 1). */
static inline uint32_t anne__tensor_values(const anne_tensor *t) {
    return (uint32_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

/* The fields of tensor record t read where it is (4-aligned, little-endian), without decoding it into
 * a copy: the loader and the runner keep their frames small that way (the boards' stack budget). */
ANNE__ALWAYS_INLINE uint32_t anne__t_rank(const uint8_t *t) {
    return t[ANNE__T_RANK];
}
ANNE__ALWAYS_INLINE uint32_t anne__t_dim(const uint8_t *t, uint32_t k) { /* k < 4; those past the rank are 1 */
    return anne__w16(t + ANNE__T_DIMS + 2u * k);
}
ANNE__ALWAYS_INLINE uint32_t anne__t_values(const uint8_t *t) { /* the product of the four dims */
    return anne__t_dim(t, 0) * anne__t_dim(t, 1) * anne__t_dim(t, 2) * anne__t_dim(t, 3);
}
/* Its bytes in the arena: 4 a value for F32, 1 for S8 (a checked record's dtype is one of the two). */
ANNE__ALWAYS_INLINE uint32_t anne__t_bytes(const uint8_t *t) {
    return t[ANNE__T_DTYPE] == ANNE_DTYPE_S8 ? anne__t_values(t) : 4u * anne__t_values(t);
}
ANNE__ALWAYS_INLINE uint32_t anne__t_offset(const uint8_t *t) {
    return anne__w32(t + ANNE__T_OFFSET);
}

/* Whether tensor records a and b have the same shape: rank and dims (the records' first byte pair after
 * dtype, and the two words of dims). */
ANNE__ALWAYS_INLINE int anne__t_same_shape(const uint8_t *a, const uint8_t *b) {
    return anne__t_rank(a) == anne__t_rank(b) && anne__w32(a + ANNE__T_DIMS) == anne__w32(b + ANNE__T_DIMS) &&
           anne__w32(a + ANNE__T_DIMS + 4u) == anne__w32(b + ANNE__T_DIMS + 4u);
}

/* Dim k (< 4) of tensor record t as a rank-4 shape aligned at the last axis: 1 before its own axes. The
 * broadcasting merges compare and run their shapes this way. */
ANNE__ALWAYS_INLINE uint32_t anne__t_dim4(const uint8_t *t, uint32_t k) {
    uint32_t lead = ANNE_MAX_RANK - anne__t_rank(t); /* rank 1 ... 4 */
    return k < lead ? 1u : anne__t_dim(t, k - lead);
}

/* The input tensors of a graph model (the first ones), and the tensor index of its output k. */
ANNE__ALWAYS_INLINE uint32_t anne__n_in_tensors(const anne_model *m) {
    return m->n_input_tensors;
}
ANNE__ALWAYS_INLINE uint32_t anne__output_tensor(const anne_model *m, uint32_t k) {
    return m->output_list != NULL ? anne__w16(m->output_list + 2u * k) : m->n_tensors - 1u;
}

/* Tensor `index`'s scale (f32 bits) and zero point (i32) in an int8 graph's QUANT section. */
ANNE__ALWAYS_INLINE const uint8_t *anne__t_quant(const anne_model *m, uint32_t index) {
    return m->tensor_quant + index * ANNE__QUANT_SIZE;
}

/* The int8 aux records of the merges (docs/format.md, "int8 graphs"), i32 words: ADD and SUBTRACT
 * act_min, act_max, left_shift, then multiplier and shift of input 1, input 2 and the output; MULTIPLY
 * act_min, act_max, multiplier, shift; CONCAT a mask word (bit k: input k is requantized through a
 * table), then a 256-entry int8 table for each input of the mask, in input order. */
#define ANNE__ADD_AUX_SIZE 36u
#define ANNE__MUL_AUX_SIZE 16u
#define ANNE__CONCAT_TABLE_SIZE 256u

/* Input k of a CONCAT op rec of an int8 graph has a table: bit k of the aux record's first word, when
 * that word is inside the weights (the loader checks that it is before anything reads a table). */
ANNE__ALWAYS_INLINE uint32_t anne__concat_mask(const anne_model *m, const uint8_t *rec) {
    uint32_t off = anne__w32(rec + ANNE__O_AUX_OFF);
    return (off & 3u) == 0 && off < m->weights_size && m->weights_size - off >= 4u ? anne__w32(m->weights + off) : 0u;
}

/* Bytes of the aux record of op rec in an int8 graph (docs/format.md, "int8 graphs"): Dense and the
 * convolutions 8 + 8 x their output channels (clamp, multipliers, shifts), ACTIVATION a table (softmax:
 * 256 u16, else 256 int8), the poolings and the global average 8, the merges above, the other kinds
 * (RESHAPE, ZERO_PAD2D) none. */
ANNE__ALWAYS_INLINE uint32_t anne__op_aux_size(const anne_model *m, const uint8_t *rec) {
    uint32_t kind = rec[ANNE__O_KIND];
    const uint8_t *t = m->tensor_table + anne__w16(rec + ANNE__O_OUTPUT) * ANNE__TENSOR_SIZE;
    if (kind == ANNE_OP_DENSE || kind == ANNE_OP_CONV2D || kind == ANNE_OP_DEPTHWISE_CONV2D) {
        return 8u + 8u * anne__t_dim(t, anne__t_rank(t) - 1u);
    }
    if (kind == ANNE_OP_ACTIVATION) return rec[ANNE__O_ACT] == ANNE_ACT_SOFTMAX ? 512u : 256u;
    /* poolings: act_min, act_max; the global average (TFLite's MEAN): multiplier, shift */
    if (kind == ANNE_OP_MAX_POOL2D || kind == ANNE_OP_AVG_POOL2D || kind == ANNE_OP_GLOBAL_AVG_POOL) return 8u;
    if (kind == ANNE_OP_ADD || kind == ANNE_OP_SUBTRACT) return ANNE__ADD_AUX_SIZE;
    if (kind == ANNE_OP_MULTIPLY) return ANNE__MUL_AUX_SIZE;
    if (kind == ANNE_OP_CONCAT) {
        uint32_t mask = anne__concat_mask(m, rec) & 0xFu, n = 0; /* 4 inputs at most: bits 0 ... 3 */
        for (; mask != 0; mask &= mask - 1u) n++;
        return 4u + ANNE__CONCAT_TABLE_SIZE * n;
    }
    return 0;
}

/* The recurrent kinds (SIMPLE_RNN, GRU, LSTM): the only ones with a scratch area in the arena. */
ANNE__ALWAYS_INLINE int anne__is_rnn(uint32_t kind) {
    return kind == ANNE_OP_SIMPLE_RNN || kind == ANNE_OP_GRU || kind == ANNE_OP_LSTM;
}

/* The byte offset of a recurrent op's scratch in the arena (attr[4] | attr[5] << 16), and its bytes:
 * ANNE_RNN_SCRATCH_PER_UNIT floats per unit (the last axis of out, the op's output record); 0 for
 * every other kind. */
ANNE__ALWAYS_INLINE uint32_t anne__op_scratch_offset(const uint8_t *rec) {
    return anne__w32(rec + ANNE__O_ATTR + 8u);
}
ANNE__ALWAYS_INLINE uint32_t anne__op_scratch_bytes(uint32_t kind, const uint8_t *out) { /* out: the output's record */
    return anne__is_rnn(kind) ? 4u * ANNE_RNN_SCRATCH_PER_UNIT(kind) * anne__t_dim(out, anne__t_rank(out) - 1u) : 0u;
}

/* The int8 parts of op i of an int8 graph (anne_graph_check_s8.c), after the checks every graph op has
 * (kind, inputs, shapes, the sizes of kernel and bias): the kinds that run in int8, the op's
 * activation, its aux record, the quantization its tensors share, kernel and bias values. */
anne_status anne__check_op_s8(const anne_model *m, uint32_t i);

/* The loader's checks of a graph model's sections (TENSORS, OPS, and QUANT in an int8 graph) in the
 * model file p (anne_graph_check.c): fills the graph fields of *m, whose weights are already set. */
anne_status anne__load_graph_model(anne_model *m, const uint8_t *p);

#endif /* ANNE_GRAPH_FORMAT_H */
