/* The loader's checks of a graph model (format 2): every tensor record, every op record against the
 * shapes of the tensors it reads and writes, its weights, and the converter's memory plan (no op
 * writes over a tensor that is still to be read), so that a damaged or hostile file gets a status and
 * the runner never reads or writes outside the arena or the weights. Bounded work: O(ops x tensors)
 * record reads, no memory of its own. The tensors, each op and the plan are checked by functions of
 * their own, out of line, each decoding only the tensors it compares at that moment: the loader runs
 * once, but its deepest frames count against a board's stack budget as much as predict's. */
#include "anne.h"
#include "anne_graph_format.h"
#include "anne_inline.h"
#include "anne_ops.h"

/* Whether a graph is int8 (format 2.2: every tensor S8, a QUANT section), else float32. */
ANNE__ALWAYS_INLINE int anne__graph_s8(const anne_model *m) {
    return m->tensor_quant != NULL;
}

/* A tensor record: format (the graph's: float32, or int8 with a QUANT section), rank, dims, values and
 * place in the arena. */
static anne_status anne__check_tensor(const uint8_t *rec, uint32_t arena_bytes, uint32_t dtype) {
    uint32_t head = anne__w32(rec), rank = (head >> 8) & 0xFFu, values = 1, offset = anne__t_offset(rec), k;
    if ((head & 0xFFu) != dtype) {
        /* one format per graph; Q16 graphs do not exist (yet) */
        return (head & 0xFFu) < ANNE_DTYPE_COUNT ? ANNE_ERR_UNSUPPORTED_DTYPE : ANNE_ERR_BAD_LAYER;
    }
    if (rank == 0 || rank > ANNE_MAX_RANK || (head >> 16) != 0) return ANNE_ERR_SHAPE;
    for (k = 0; k < ANNE_MAX_RANK; k++) {
        uint32_t d = anne__t_dim(rec, k);
        if (k < rank ? d == 0 : d != 1) return ANNE_ERR_SHAPE;
        values *= d;
        if (values > ANNE_MAX_TENSOR_VALUES) return ANNE_ERR_SHAPE; /* checked at each step: no overflow */
    }
    if ((offset & 3u) != 0 || offset > arena_bytes || anne__t_bytes(rec) > arena_bytes - offset) {
        return ANNE_ERR_BAD_LAYER;
    }
    return ANNE_OK;
}

/* Tensor index's record (the ops' and the plan's checks read the records in place, checked first). */
static const uint8_t *anne__tensor_at(const anne_model *m, uint32_t index) {
    return m->tensor_table + index * ANNE__TENSOR_SIZE;
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)); 0 for other ranks. */
ANNE__ALWAYS_INLINE int anne__hwc_of(const uint8_t *t, anne_hwc *s) {
    uint32_t rank = anne__t_rank(t);
    if (rank != 2 && rank != 3) return 0;
    s->h = (uint16_t)(rank == 3 ? anne__t_dim(t, 0) : 1u);
    s->w = (uint16_t)anne__t_dim(t, rank - 2u);
    s->c = (uint16_t)anne__t_dim(t, rank - 1u);
    return 1;
}

/* The elementwise merges' shapes: every input's broadcasts to the output's (aligned at the last axis, each
 * axis the output's or 1, no higher rank), and the output's is exactly their broadcast (its rank an
 * input's, each axis an input's): the shape Keras and TFLite give, nothing larger. */
static anne_status anne__check_broadcast(const anne_model *m, const uint8_t *rec, uint32_t n_in, const uint8_t *out) {
    uint32_t k, d, reached = 0, rank = 0; /* reached: bit d when an input has out's axis d */
    for (k = 0; k < n_in; k++) {
        const uint8_t *in = anne__tensor_at(m, anne__rd16(rec + ANNE__O_INPUTS + 2u * k)); /* index checked */
        if (anne__t_rank(in) > anne__t_rank(out)) return ANNE_ERR_SHAPE;
        if (anne__t_rank(in) > rank) rank = anne__t_rank(in);
        for (d = 0; d < ANNE_MAX_RANK; d++) {
            uint32_t i = anne__t_dim4(in, d), o = anne__t_dim4(out, d);
            if (i == o) reached |= 1u << d;
            else if (i != 1u) return ANNE_ERR_SHAPE;
        }
    }
    return reached == 0xFu && rank == anne__t_rank(out) ? ANNE_OK : ANNE_ERR_SHAPE;
}

/* One axis of a window: out positions reading in positions o * stride - pad + k * dilation, k < size.
 * The padding before is less than the window's extent and the last window starts inside the input,
 * as TF's 'valid' and 'same' give (a pooling window then always has a position inside). */
static int anne__window_axis_ok(uint32_t in, uint32_t out, uint32_t size, uint32_t stride, uint32_t dilation,
                                uint32_t pad) {
    if (size == 0 || stride == 0 || dilation == 0) return 0;
    return pad <= (size - 1u) * dilation && (out - 1u) * stride <= in - 1u + pad; /* values < 2^32 */
}

/* The window of a conv or pooling op (attr[0..7]) between in and out; for 1-D tensors the H axis is
 * the trivial one. */
static int anne__window_ok(const uint16_t *attr, anne_hwc in, anne_hwc out, int pooling) {
    if (pooling && (attr[4] != 1u || attr[5] != 1u)) return 0; /* pooling has no dilation */
    return anne__window_axis_ok(in.h, out.h, attr[0], attr[2], attr[4], attr[6]) &&
           anne__window_axis_ok(in.w, out.w, attr[1], attr[3], attr[5], attr[7]);
}

/* A weight array of an op: absent (offset and size 0) when `want` is 0; otherwise exactly `want`
 * bytes inside the weights section, 4-aligned, finite floats in a float32 graph (an int8 graph's
 * values are checked by anne__check_op_s8). optional: may also be absent. */
ANNE__ALWAYS_INLINE anne_status anne__check_array(const anne_model *m, const uint8_t *rec, uint32_t off_field, uint32_t want,
                                     int optional) {
    uint32_t off = anne__w32(rec + off_field), size = anne__w32(rec + off_field + 4u), i;
    if (size == 0 && (want == 0 || optional)) return off == 0 ? ANNE_OK : ANNE_ERR_BAD_LAYER;
    if (size != want || (off & 3u) != 0 || off > m->weights_size || size > m->weights_size - off) {
        return ANNE_ERR_BAD_LAYER;
    }
    for (i = 0; i < size && !anne__graph_s8(m); i += 4u) {
        if (!anne__finite_bits(anne__w32(m->weights + off + i))) return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

/* Kernel and bias of an op: kernel exactly k bytes as float32 (0: none; optional_k: may be absent; an
 * int8 graph's kernel is int8, k / 4 bytes), bias b bytes (float32 or int32) or absent (b == 0: none
 * allowed). */
static anne_status anne__check_weights(const anne_model *m, const uint8_t *rec, uint32_t k, int optional_k,
                                       uint32_t b) {
    anne_status st = anne__check_array(m, rec, ANNE__O_KERNEL_OFF, anne__graph_s8(m) ? k / 4u : k, optional_k);
    return st != ANNE_OK ? st : anne__check_array(m, rec, ANNE__O_BIAS_OFF, b, 1);
}

/* The first n attributes may be used; the others up to attr[7] must be 0 (a later version may give them
 * a meaning). attr[8..9] are the int8 aux offset: anne__check_op's. */
static int anne__attrs_unused_from(const uint16_t *attr, uint32_t n) {
    for (; n < 8u; n++) {
        if (attr[n] != 0) return 0;
    }
    return 1;
}

/* Windowed ops: conv, depthwise conv, max and average pooling. */
static anne_status anne__check_windowed(const anne_model *m, const uint8_t *rec, uint32_t kind, const uint16_t *attr,
                                        const uint8_t *in, const uint8_t *out) {
    anne_hwc i, o;
    uint32_t taps;
    if (!anne__hwc_of(in, &i) || !anne__hwc_of(out, &o) || anne__t_rank(in) != anne__t_rank(out)) return ANNE_ERR_SHAPE;
    if (!anne__attrs_unused_from(attr, 8u)) return ANNE_ERR_BAD_LAYER;
    if (!anne__window_ok(attr, i, o, kind == ANNE_OP_MAX_POOL2D || kind == ANNE_OP_AVG_POOL2D)) {
        return ANNE_ERR_SHAPE;
    }
    taps = (uint32_t)attr[0] * attr[1]; /* < 2^32 */
    if (kind == ANNE_OP_CONV2D) {
        /* (out_c, kh, kw, in_c): at most 2^24 values, checked in steps */
        if (taps > ANNE_MAX_TENSOR_VALUES / o.c || taps * o.c > ANNE_MAX_TENSOR_VALUES / i.c) return ANNE_ERR_SHAPE;
        return anne__check_weights(m, rec, 4u * taps * o.c * i.c, 0, 4u * o.c);
    }
    if (kind == ANNE_OP_DEPTHWISE_CONV2D) {
        if (o.c % i.c != 0 || taps > ANNE_MAX_TENSOR_VALUES / o.c) return ANNE_ERR_SHAPE;
        return anne__check_weights(m, rec, 4u * taps * o.c, 0, 4u * o.c);
    }
    return o.c == i.c ? anne__check_weights(m, rec, 0, 0, 0) : ANNE_ERR_SHAPE;
}

/* Ops that move values: padding, cropping, upsampling (attr as anne_op_kind says). */
static anne_status anne__check_spatial(uint32_t kind, const uint16_t *attr, const uint8_t *in, const uint8_t *out) {
    anne_hwc i, o;
    if (!anne__hwc_of(in, &i) || !anne__hwc_of(out, &o) || anne__t_rank(in) != anne__t_rank(out) || i.c != o.c) {
        return ANNE_ERR_SHAPE;
    }
    if (!anne__attrs_unused_from(attr, kind == ANNE_OP_UPSAMPLE2D ? 0u : 2u)) return ANNE_ERR_BAD_LAYER;
    if (kind == ANNE_OP_ZERO_PAD2D) {
        return (uint32_t)o.h >= (uint32_t)i.h + attr[0] && (uint32_t)o.w >= (uint32_t)i.w + attr[1] ? ANNE_OK
                                                                                                    : ANNE_ERR_SHAPE;
    }
    if (kind == ANNE_OP_CROP2D) {
        return (uint32_t)o.h + attr[0] <= i.h && (uint32_t)o.w + attr[1] <= i.w ? ANNE_OK : ANNE_ERR_SHAPE;
    }
    return o.h % i.h == 0 && o.w % i.w == 0 ? ANNE_OK : ANNE_ERR_SHAPE; /* upsampling */
}

/* Merges (shapes that broadcast) and concatenation (attr[0] the axis). */
static anne_status anne__check_merge(const anne_model *m, const uint8_t *rec, uint32_t kind, uint32_t n_in,
                                     const uint16_t *attr, const uint8_t *out) {
    uint32_t k, axis = attr[0], sum = 0, d, rank = anne__t_rank(out);
    if (n_in < 2u || (kind == ANNE_OP_SUBTRACT && n_in != 2u)) return ANNE_ERR_BAD_LAYER;
    if (!anne__attrs_unused_from(attr, kind == ANNE_OP_CONCAT ? 1u : 0u)) return ANNE_ERR_BAD_LAYER;
    if (kind != ANNE_OP_CONCAT) return anne__check_broadcast(m, rec, n_in, out);
    for (k = 0; k < n_in; k++) {
        const uint8_t *in = anne__tensor_at(m, anne__rd16(rec + ANNE__O_INPUTS + 2u * k)); /* index checked */
        if (axis >= rank || anne__t_rank(in) != rank) return ANNE_ERR_SHAPE;
        for (d = 0; d < rank; d++) {
            if (d != axis && anne__t_dim(in, d) != anne__t_dim(out, d)) return ANNE_ERR_SHAPE;
        }
        sum += anne__t_dim(in, axis);
    }
    return sum == anne__t_dim(out, axis) ? ANNE_OK : ANNE_ERR_SHAPE;
}

/* The activations a recurrent op's cell may have (attr[1], attr[2]): those without parameters, and relu
 * and elu with Keras' defaults (anne_rnn_f32.c). */
static int anne__rnn_act_ok(uint32_t act) {
    return act < ANNE_ACT_COUNT && act != ANNE_ACT_LEAKY_RELU && act != ANNE_ACT_SOFTMAX &&
           act != ANNE_ACT_THRESHOLDED_RELU && act != ANNE_ACT_PRELU && ANNE_CONFIG_HAS_ACTIVATION(act);
}

/* SIMPLE_RNN, GRU, LSTM (anne.h): input (T, F), output (T, u) or (u), the flags the kind has, the
 * activations, kernel (k*u, F + u), bias (k*u; 2*3*u for a GRU with reset_after) or none. The scratch's
 * place is checked with the plan (anne__check_tensors, anne__check_plan). float32 graphs only. */
static anne_status anne__check_rnn(const anne_model *m, const uint8_t *rec, uint32_t kind, const uint16_t *attr,
                                   const uint8_t *in, const uint8_t *out) {
    uint32_t steps = anne__t_dim(in, 0), f = anne__t_dim(in, 1), u = anne__t_dim(out, anne__t_rank(out) - 1u);
    uint32_t gates = ANNE_RNN_GATES(kind), flags = attr[0], bias;
    if (anne__graph_s8(m)) return ANNE_ERR_UNSUPPORTED_DTYPE;
    if (anne__t_rank(in) != 2u || (anne__t_rank(out) == 2u ? anne__t_dim(out, 0) != steps : anne__t_rank(out) != 1u)) {
        return ANNE_ERR_SHAPE;
    }
    if ((flags & ~ANNE_RNN_FLAGS) != 0 || ((flags & ANNE_RNN_REVERSE_OUTPUT) != 0 && anne__t_rank(out) != 2u) ||
        ((flags & ANNE_RNN_RESET_AFTER) != 0 && kind != ANNE_OP_GRU) || attr[3] != 0 || attr[6] != 0 || attr[7] != 0) {
        return ANNE_ERR_BAD_LAYER;
    }
    if (!anne__rnn_act_ok(attr[1]) || (kind == ANNE_OP_SIMPLE_RNN ? attr[2] != 0 : !anne__rnn_act_ok(attr[2]))) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    if (gates * u > ANNE_MAX_TENSOR_VALUES / (f + u)) return ANNE_ERR_SHAPE; /* (k*u, F + u), k*u < 2^18 */
    bias = (flags & ANNE_RNN_RESET_AFTER) != 0 ? 2u * gates * u : gates * u;
    return anne__check_weights(m, rec, 4u * gates * u * (f + u), 0, 4u * bias);
}

/* The shapes, attributes and weights of one op of kind `kind` with n_in inputs (in: input 0's record)
 * and output out (its record). */
static anne_status anne__check_op_kind(const anne_model *m, const uint8_t *rec, uint32_t kind, uint32_t n_in,
                                       const uint16_t *attr, const uint8_t *in, const uint8_t *out) {
    uint32_t rank = anne__t_rank(out), c = anne__t_dim(out, rank - 1u), c_in = anne__t_dim(in, anne__t_rank(in) - 1u);
    uint32_t k, seen = 0;
    int many = kind >= ANNE_OP_ADD && kind <= ANNE_OP_CONCAT;
    if (many ? n_in < 2u : n_in != 1u) return ANNE_ERR_BAD_LAYER;
    switch (kind) {
    case ANNE_OP_DENSE:
        /* the leading axes pass through; the last goes from n_in to n_out */
        if (anne__t_rank(in) != rank || !anne__attrs_unused_from(attr, 0)) return ANNE_ERR_SHAPE;
        for (k = 0; k + 1u < rank; k++) {
            if (anne__t_dim(in, k) != anne__t_dim(out, k)) return ANNE_ERR_SHAPE;
        }
        if (c_in * c > ANNE_MAX_TENSOR_VALUES) return ANNE_ERR_SHAPE;
        return anne__check_weights(m, rec, 4u * c_in * c, 0, 4u * c);
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D:
        return anne__check_windowed(m, rec, kind, attr, in, out);
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL:
        if (anne__t_rank(in) < 2u || anne__t_values(out) != c || c_in != c) return ANNE_ERR_SHAPE;
        return anne__attrs_unused_from(attr, 0) ? anne__check_weights(m, rec, 0, 0, 0) : ANNE_ERR_BAD_LAYER;
    case ANNE_OP_ZERO_PAD2D:
    case ANNE_OP_CROP2D:
    case ANNE_OP_UPSAMPLE2D:
    case ANNE_OP_RESHAPE:
        if (kind == ANNE_OP_RESHAPE) {
            if (anne__t_values(in) != anne__t_values(out)) return ANNE_ERR_SHAPE;
            if (!anne__attrs_unused_from(attr, 0)) return ANNE_ERR_BAD_LAYER;
        } else {
            anne_status st = anne__check_spatial(kind, attr, in, out);
            if (st != ANNE_OK) return st;
        }
        return anne__check_weights(m, rec, 0, 0, 0);
    case ANNE_OP_PERMUTE:
        if (anne__t_rank(in) != rank || !anne__attrs_unused_from(attr, rank)) return ANNE_ERR_SHAPE;
        for (k = 0; k < rank; k++) {
            if (attr[k] >= rank || (seen & (1u << attr[k])) != 0 || anne__t_dim(out, k) != anne__t_dim(in, attr[k])) {
                return ANNE_ERR_SHAPE;
            }
            seen |= 1u << attr[k];
        }
        return anne__check_weights(m, rec, 0, 0, 0);
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM:
    case ANNE_OP_ACTIVATION:
    case ANNE_OP_PRELU:
        if (!anne__t_same_shape(in, out)) return ANNE_ERR_SHAPE;
        if (kind == ANNE_OP_ACTIVATION) {
            return anne__attrs_unused_from(attr, 0) ? anne__check_weights(m, rec, 0, 0, 0) : ANNE_ERR_BAD_LAYER;
        }
        if (kind == ANNE_OP_PRELU) {
            /* alpha: one per channel (C), or one per value (the whole shape); no bias */
            uint32_t want = anne__w32(rec + ANNE__O_KERNEL_SIZE) == 4u * c ? 4u * c : 4u * anne__t_values(out);
            return anne__attrs_unused_from(attr, 0) ? anne__check_weights(m, rec, want, 0, 0) : ANNE_ERR_BAD_LAYER;
        }
        if (kind == ANNE_OP_CHANNEL_AFFINE) {
            if (!anne__attrs_unused_from(attr, 0)) return ANNE_ERR_BAD_LAYER;
            /* scale and shift both present */
            if (anne__w32(rec + ANNE__O_BIAS_SIZE) != 4u * c) return ANNE_ERR_BAD_LAYER;
            return anne__check_weights(m, rec, 4u * c, 0, 4u * c);
        }
        {
            uint32_t eps = (uint32_t)attr[0] | (uint32_t)attr[1] << 16; /* a positive finite float */
            if (!anne__attrs_unused_from(attr, 2u) || eps == 0 || eps >= 0x7F800000u) return ANNE_ERR_BAD_VALUE;
        }
        return anne__check_weights(m, rec, 4u * c, 1, 4u * c);
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM:
        return anne__check_rnn(m, rec, kind, attr, in, out);
    default: /* the merges and concatenation (kind checked by the caller) */
        {
            anne_status st = anne__check_merge(m, rec, kind, n_in, attr, out);
            return st != ANNE_OK ? st : anne__check_weights(m, rec, 0, 0, 0);
        }
    }
}

/* Op i: its record's fields, its inputs (tensors written before it: the model's inputs, or an earlier
 * op's output), its output (tensor n_inputs + i: never an input), its activation, then its kind's
 * shapes and weights. attr and the tensor records are read where they are (4-aligned, little-endian). */
static ANNE__NOINLINE anne_status anne__check_op(const anne_model *m, uint32_t i) {
    const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
    uint32_t head = anne__w32(rec), kind = head & 0xFFu, act = (head >> 8) & 0xFFu;
    uint32_t n_in = (head >> 16) & 0xFFu, k, self = anne__n_in_tensors(m) + i;
    if (kind == 0 || kind >= ANNE_OP_KIND_COUNT || (head >> 24) != 0) return ANNE_ERR_BAD_LAYER;
    if (n_in == 0 || n_in > ANNE_MAX_OP_INPUTS) return ANNE_ERR_BAD_LAYER;
    if (anne__w32(rec + ANNE__O_OUTPUT) != self) return ANNE_ERR_BAD_LAYER; /* output u16, reserved u16 0 */
    for (k = 0; k < ANNE_MAX_OP_INPUTS; k++) {
        uint32_t t = anne__rd16(rec + ANNE__O_INPUTS + 2u * k);
        if (k < n_in ? t >= self : t != 0) return ANNE_ERR_BAD_LAYER; /* read before written */
    }
    if (act == ANNE_ACT_PRELU ||
        !anne__activation_ok_bits(act, anne__w32(rec + ANNE__O_PARAM), anne__w32(rec + ANNE__O_PARAM + 4u),
                                  anne__w32(rec + ANNE__O_PARAM + 8u)) ||
        !ANNE_CONFIG_HAS_ACTIVATION(act)) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    if (!anne__graph_s8(m) && anne__w32(rec + ANNE__O_AUX_OFF) != 0) return ANNE_ERR_BAD_LAYER; /* attr[8..9] */
    /* a tail call: this frame is gone while the kind's checks run (the boards' stack budget) */
    return anne__check_op_kind(m, rec, kind, n_in, (const uint16_t *)(const void *)(rec + ANNE__O_ATTR),
                               anne__tensor_at(m, anne__rd16(rec + ANNE__O_INPUTS)), anne__tensor_at(m, self));
}

/* Whether op i may write its output over tensor u: only an elementwise op over its first input,
 * exactly in its place (the kernels read each value before they write it). */
static int anne__in_place_ok(const uint8_t *rec, uint32_t u, const uint8_t *tu, const uint8_t *to) {
    uint32_t kind = rec[ANNE__O_KIND];
    int elementwise = kind == ANNE_OP_RESHAPE || kind == ANNE_OP_CHANNEL_AFFINE || kind == ANNE_OP_LAYER_NORM ||
                      kind == ANNE_OP_ACTIVATION || kind == ANNE_OP_PRELU || (kind >= ANNE_OP_ADD && kind <= ANNE_OP_MINIMUM);
    return elementwise && anne__rd16(rec + ANNE__O_INPUTS) == u && anne__t_offset(tu) == anne__t_offset(to) &&
           anne__t_values(tu) == anne__t_values(to);
}

/* Whether tensors a and b (records) share a byte of the arena. */
static int anne__overlap(const uint8_t *a, const uint8_t *b) {
    return anne__t_offset(b) < anne__t_offset(a) + anne__t_bytes(a) &&
           anne__t_offset(a) < anne__t_offset(b) + anne__t_bytes(b);
}

/* Whether tensor record t shares a byte of the arena with the scratch of op rec (none: 0 bytes). */
static int anne__overlap_scratch(const anne_model *m, const uint8_t *t, const uint8_t *rec) {
    uint32_t off = anne__op_scratch_offset(rec);
    uint32_t bytes = anne__op_scratch_bytes(rec[ANNE__O_KIND], anne__tensor_at(m, anne__w16(rec + ANNE__O_OUTPUT)));
    return bytes != 0 && off < anne__t_offset(t) + anne__t_bytes(t) && anne__t_offset(t) < off + bytes;
}

/* Whether tensor u is one of the model's outputs, which are read at the end. */
static int anne__is_output(const anne_model *m, uint32_t u) {
    uint32_t k;
    for (k = 0; k < m->n_output_tensors; k++) {
        if (anne__output_tensor(m, k) == u) return 1;
    }
    return 0;
}

/* The memory plan: while tensor u is live (from its writing, op u - n_inputs, or for an input from the
 * start, to its last reader; an output to the end), no op writes over it, except its last reader in
 * place. The inputs, all written before op 0, do not overlap one another. */
static ANNE__NOINLINE anne_status anne__check_plan(const anne_model *m) {
    uint32_t u, i, k, n_ops = m->n_ops, n_in = anne__n_in_tensors(m);
    for (u = 0; u < m->n_tensors; u++) {
        const uint8_t *tu = anne__tensor_at(m, u);
        uint32_t from = u < n_in ? 0u : u - n_in + 1u; /* the first op that runs while u is live */
        uint32_t last = n_ops + 1u;                    /* its last reader; n_ops: the end; n_ops + 1: none */
        if (anne__is_output(m, u)) last = n_ops;
        for (i = from; i < n_ops && last != n_ops; i++) { /* readers of u come after its writer */
            const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
            for (k = 0; k < rec[ANNE__O_N_INPUTS]; k++) {
                if (anne__rd16(rec + ANNE__O_INPUTS + 2u * k) == u) last = i;
            }
        }
        for (k = 0; k < u && u < n_in; k++) {
            if (anne__overlap(tu, anne__tensor_at(m, k))) return ANNE_ERR_BAD_LAYER;
        }
        /* the scratch of every op that runs while u is live, from its writer to its last reader (an
         * unread tensor: its writer's only), lies elsewhere */
        k = last < n_ops ? last : last == n_ops ? n_ops - 1u : (u < n_in ? 0u : from - 1u); /* the last such op */
        for (i = u < n_in ? 0u : from - 1u; i <= k; i++) {
            if (anne__overlap_scratch(m, tu, m->op_table + i * ANNE__OP_SIZE)) return ANNE_ERR_BAD_LAYER;
        }
        if (last > n_ops) continue; /* never read */
        for (i = from; i < last; i++) { /* ops from .. last - 1 write while u is live */
            if (anne__overlap(tu, anne__tensor_at(m, n_in + i))) return ANNE_ERR_BAD_LAYER;
        }
        if (last < n_ops) { /* the last reader: in place, or not over u */
            const uint8_t *rec = m->op_table + last * ANNE__OP_SIZE, *to = anne__tensor_at(m, n_in + last);
            if (anne__overlap(tu, to) && !anne__in_place_ok(rec, u, tu, to)) return ANNE_ERR_BAD_LAYER;
        }
    }
    return ANNE_OK;
}

/* Every tensor record and every recurrent op's scratch (op i writes tensor n_inputs + i, whose last
 * axis sizes it); then the arena: exactly the end of the plan's last tensor or scratch, and no larger
 * than all of them side by side, each starting at a multiple of 4 (a file cannot ask for more memory
 * than its tensors take). */
static ANNE__NOINLINE anne_status anne__check_tensors(const anne_model *m) {
    uint32_t i, end = 0, total = 0, bytes, off;
    for (i = 0; i < m->n_tensors + m->n_ops; i++) {
        if (i < m->n_tensors) {
            const uint8_t *t = anne__tensor_at(m, i);
            anne_status st = anne__check_tensor(t, m->arena_bytes, anne__graph_s8(m) ? ANNE_DTYPE_S8 : ANNE_DTYPE_F32);
            if (st != ANNE_OK) return st;
            bytes = anne__t_bytes(t); /* <= 2^26 */
            off = anne__t_offset(t);
        } else {
            const uint8_t *rec = m->op_table + (i - m->n_tensors) * ANNE__OP_SIZE;
            bytes = anne__op_scratch_bytes(rec[ANNE__O_KIND], anne__tensor_at(m, anne__n_in_tensors(m) + i - m->n_tensors));
            off = anne__op_scratch_offset(rec);
            if (bytes == 0) continue; /* <= 2^21 */
            if ((off & 3u) != 0 || off > m->arena_bytes || bytes > m->arena_bytes - off) return ANNE_ERR_BAD_LAYER;
        }
        if (off + bytes > end) end = off + bytes;
        bytes = anne__pad4(bytes); /* side by side, each at a multiple of 4 (int8 tensors are padded) */
        total = total > 0xFFFFFFFFu - bytes ? 0xFFFFFFFFu : total + bytes;
    }
    return m->arena_bytes != end || m->arena_bytes > total ? ANNE_ERR_BAD_LAYER : ANNE_OK;
}

/* The output list (after the op records when there are several outputs): tensors written by ops, each
 * once, the padding after an odd count zero. */
static ANNE__NOINLINE anne_status anne__check_outputs(const anne_model *m) {
    uint32_t k, j, t;
    for (k = 0; k < m->n_output_tensors; k++) {
        t = anne__output_tensor(m, k);
        if (t < anne__n_in_tensors(m) || t >= m->n_tensors) return ANNE_ERR_BAD_LAYER;
        for (j = 0; j < k; j++) {
            if (anne__output_tensor(m, j) == t) return ANNE_ERR_BAD_LAYER;
        }
    }
    if (m->output_list != NULL && (m->n_output_tensors & 1u) != 0 &&
        anne__w16(m->output_list + 2u * m->n_output_tensors) != 0) {
        return ANNE_ERR_BAD_SECTION;
    }
    return ANNE_OK;
}

/* The flat row of the inputs (outputs): the values of all of them, at most 65535 (anne_model.n_inputs). */
static uint32_t anne__row_values(const anne_model *m, int outputs) {
    uint32_t k, n = 0, count = outputs ? m->n_output_tensors : anne__n_in_tensors(m);
    for (k = 0; k < count; k++) n += anne__t_values(anne__tensor_at(m, outputs ? anne__output_tensor(m, k) : k));
    return n; /* <= 16 x 2^24 */
}

/* The TENSORS and OPS headers and the sections' sizes; fills the counts and tables of *m. Out of line,
 * so that its values are not kept in anne__load_graph_model's frame under every op's check. */
static ANNE__NOINLINE anne_status anne__read_headers(anne_model *m, const uint8_t *p) {
    uint32_t arena, n_t, n_o, n_in, n_out, list, ts_size = 0, os_size = 0;
    const uint8_t *ts = anne__section(p, ANNE__SEC_TENSORS, &ts_size), *os = anne__section(p, ANNE__SEC_OPS, &os_size);
    if (ts_size < ANNE__TENSORS_HDR_SIZE || os_size < ANNE__OPS_HDR_SIZE) return ANNE_ERR_BAD_SECTION;
    n_t = anne__w32(ts) & 0xFFFFu;
    n_o = anne__w32(os) & 0xFFFFu;
    arena = anne__w32(ts + 4u);
    /* 0: one input (output), as 2.0 files have; 1 is written as 0, so that a model has one encoding */
    n_in = anne__w32(ts) >> 16;
    n_out = anne__w32(os) >> 16;
    if (n_in == 1u || n_in > ANNE_MAX_MODEL_IO || n_out == 1u || n_out > ANNE_MAX_MODEL_IO) return ANNE_ERR_BAD_SECTION;
    n_in += n_in == 0u;
    list = n_out == 0u ? 0u : anne__pad4(2u * n_out);
    n_out += n_out == 0u;
    /* op i writes tensor n_in + i: n_in tensors more than ops */
    if (n_o == 0 || n_o > ANNE_MAX_LAYERS || n_t != n_o + n_in || n_t > ANNE_MAX_TENSORS) return ANNE_ERR_BAD_LAYER;
    if (ts_size != ANNE__TENSORS_HDR_SIZE + n_t * ANNE__TENSOR_SIZE ||
        os_size != ANNE__OPS_HDR_SIZE + n_o * ANNE__OP_SIZE + list) {
        return ANNE_ERR_BAD_SECTION;
    }
    m->tensor_table = ts + ANNE__TENSORS_HDR_SIZE;
    m->op_table = os + ANNE__OPS_HDR_SIZE;
    m->n_tensors = (uint16_t)n_t;
    m->n_ops = (uint16_t)n_o;
    m->n_input_tensors = (uint16_t)n_in;
    m->n_output_tensors = (uint16_t)n_out;
    m->output_list = list != 0 ? m->op_table + n_o * ANNE__OP_SIZE : NULL;
    m->arena_bytes = arena;
    return ANNE_OK;
}

/* The QUANT section of an int8 graph (2.2): every tensor's scale positive, normal and finite, its zero
 * point in -128 ... 127. A float32 graph has none. The first tensor's dtype says which the graph is
 * (anne__check_tensors then holds every other tensor to it). */
static ANNE__NOINLINE anne_status anne__read_quant(anne_model *m, const uint8_t *p) {
    uint32_t i, q_size = 0;
    const uint8_t *q = anne__section(p, ANNE__SEC_QUANT, &q_size);
    if (m->tensor_table[ANNE__T_DTYPE] != ANNE_DTYPE_S8) return q == NULL ? ANNE_OK : ANNE_ERR_BAD_SECTION;
    if (!ANNE_CONFIG_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
    if (q == NULL) return ANNE_ERR_MISSING_SECTION;
    if (q_size != (uint32_t)m->n_tensors * ANNE__QUANT_SIZE) return ANNE_ERR_BAD_SECTION;
    for (i = 0; i < q_size; i += ANNE__QUANT_SIZE) {
        if (anne__w32(q + i) - 0x00800000u >= 0x7F000000u || anne__w32(q + i + 4u) + 128u >= 256u) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    m->tensor_quant = q;
    return ANNE_OK;
}

anne_status anne__load_graph_model(anne_model *m, const uint8_t *p) {
    uint32_t i;
    anne_status st = anne__read_headers(m, p);
    if (st != ANNE_OK) return st;
    st = anne__read_quant(m, p);
    if (st != ANNE_OK) return st;
    st = anne__check_outputs(m);
    if (st != ANNE_OK) return st;
    st = anne__check_tensors(m);
    if (st != ANNE_OK) return st;
    for (i = 0; i < m->n_ops; i++) {
        st = anne__check_op(m, i);
#if ANNE_CONFIG_S8
        /* then the int8 parts (a QUANT section without ANNE_CONFIG_S8 was refused by anne__read_quant) */
        if (st == ANNE_OK && anne__graph_s8(m)) st = anne__check_op_s8(m, i);
#endif
        if (st != ANNE_OK) return st;
    }
    st = anne__check_plan(m);
    if (st != ANNE_OK) return st;
    /* the flat input and output rows of anne_model_predict() */
    if (anne__row_values(m, 0) > 0xFFFFu || anne__row_values(m, 1) > 0xFFFFu) return ANNE_ERR_SHAPE;
    m->n_inputs = (uint16_t)anne__row_values(m, 0);
    m->n_outputs = (uint16_t)anne__row_values(m, 1);
#if ANNE_CONFIG_S8
    m->graph_run = anne__graph_s8(m) ? anne_graph_run_s8 : anne_graph_run_f32;
#else
    m->graph_run = anne_graph_run_f32;
#endif
    return ANNE_OK;
}
