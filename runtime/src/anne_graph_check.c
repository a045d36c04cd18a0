/* The loader's checks of a graph model (format 2): every tensor record, every op record against the
 * shapes of the tensors it reads and writes, its weights, and the converter's memory plan (no op
 * writes over a tensor that is still to be read), so that a damaged or hostile file gets a status and
 * the runner never reads or writes outside the arena or the weights. Bounded work: O(ops x tensors)
 * record reads, no memory of its own. */
#include "anne.h"
#include "anne_graph_format.h"
#include "anne_ops.h"

/* A tensor record: format, rank, dims, values and place in the arena. */
static anne_status anne__check_tensor(const uint8_t *rec, uint32_t arena_bytes) {
    uint32_t head = anne__w32(rec), rank = (head >> 8) & 0xFFu, values = 1, k;
    anne_tensor t;
    if ((head & 0xFFu) != ANNE_DTYPE_F32) {
        /* graph models are float32 in this version */
        return (head & 0xFFu) < ANNE_DTYPE_COUNT ? ANNE_ERR_UNSUPPORTED_DTYPE : ANNE_ERR_BAD_LAYER;
    }
    if (rank == 0 || rank > ANNE_MAX_RANK || (head >> 16) != 0) return ANNE_ERR_SHAPE;
    anne__tensor_decode(rec, &t);
    for (k = 0; k < ANNE_MAX_RANK; k++) {
        if (k < rank ? t.dims[k] == 0 : t.dims[k] != 1) return ANNE_ERR_SHAPE;
        values *= t.dims[k];
        if (values > ANNE_MAX_TENSOR_VALUES) return ANNE_ERR_SHAPE; /* checked at each step: no overflow */
    }
    if ((t.offset & 3u) != 0 || t.offset > arena_bytes || 4u * values > arena_bytes - t.offset) {
        return ANNE_ERR_BAD_LAYER;
    }
    return ANNE_OK;
}

static void anne__tensor_at(const anne_model *m, uint32_t index, anne_tensor *t) {
    anne__tensor_decode(m->tensor_table + index * ANNE__TENSOR_SIZE, t);
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)); 0 for other ranks. */
static int anne__hwc_of(const anne_tensor *t, anne_hwc *s) {
    if (t->rank != 2 && t->rank != 3) return 0;
    s->h = t->rank == 3 ? t->dims[0] : 1u;
    s->w = t->dims[t->rank - 2u];
    s->c = t->dims[t->rank - 1u];
    return 1;
}

static int anne__same_shape(const anne_tensor *a, const anne_tensor *b) {
    return a->rank == b->rank && a->dims[0] == b->dims[0] && a->dims[1] == b->dims[1] && a->dims[2] == b->dims[2] &&
           a->dims[3] == b->dims[3];
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
 * bytes of finite floats inside the weights section, 4-aligned. optional: may also be absent. */
static anne_status anne__check_array(const anne_model *m, const uint8_t *rec, uint32_t off_field, uint32_t want,
                                     int optional) {
    uint32_t off = anne__w32(rec + off_field), size = anne__w32(rec + off_field + 4u), i;
    if (size == 0 && (want == 0 || optional)) return off == 0 ? ANNE_OK : ANNE_ERR_BAD_LAYER;
    if (size != want || (off & 3u) != 0 || off > m->weights_size || size > m->weights_size - off) {
        return ANNE_ERR_BAD_LAYER;
    }
    for (i = 0; i < size; i += 4u) {
        if (!anne__finite_bits(anne__w32(m->weights + off + i))) return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

/* Kernel and bias of an op: kernel exactly k bytes (0: none; optional_k: may be absent), bias b bytes
 * or absent (b == 0: none allowed). */
static anne_status anne__check_weights(const anne_model *m, const uint8_t *rec, uint32_t k, int optional_k,
                                       uint32_t b) {
    anne_status st = anne__check_array(m, rec, ANNE__O_KERNEL_OFF, k, optional_k);
    return st != ANNE_OK ? st : anne__check_array(m, rec, ANNE__O_BIAS_OFF, b, 1);
}

/* The first n attributes may be used; the others must be 0 (a later version may give them a meaning). */
static int anne__attrs_unused_from(const uint16_t *attr, uint32_t n) {
    for (; n < 10u; n++) {
        if (attr[n] != 0) return 0;
    }
    return 1;
}

/* Windowed ops: conv, depthwise conv, max and average pooling. */
static anne_status anne__check_windowed(const anne_model *m, const uint8_t *rec, uint32_t kind, const uint16_t *attr,
                                        const anne_tensor *in, const anne_tensor *out) {
    anne_hwc i, o;
    uint32_t taps;
    if (!anne__hwc_of(in, &i) || !anne__hwc_of(out, &o) || in->rank != out->rank) return ANNE_ERR_SHAPE;
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
static anne_status anne__check_spatial(uint32_t kind, const uint16_t *attr, const anne_tensor *in,
                                       const anne_tensor *out) {
    anne_hwc i, o;
    if (!anne__hwc_of(in, &i) || !anne__hwc_of(out, &o) || in->rank != out->rank || i.c != o.c) return ANNE_ERR_SHAPE;
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

/* Merges (same shapes) and concatenation (attr[0] the axis). */
static anne_status anne__check_merge(const anne_model *m, uint32_t kind, uint32_t n_in, const uint16_t *attr,
                                     const anne_tensor *in, const anne_tensor *out) {
    uint32_t k, axis = attr[0], sum = 0, d;
    if (n_in < 2u || (kind == ANNE_OP_SUBTRACT && n_in != 2u)) return ANNE_ERR_BAD_LAYER;
    if (!anne__attrs_unused_from(attr, kind == ANNE_OP_CONCAT ? 1u : 0u)) return ANNE_ERR_BAD_LAYER;
    (void)m;
    for (k = 0; k < n_in; k++) {
        if (kind != ANNE_OP_CONCAT) {
            if (!anne__same_shape(&in[k], out)) return ANNE_ERR_SHAPE;
            continue;
        }
        if (axis >= out->rank || in[k].rank != out->rank) return ANNE_ERR_SHAPE;
        for (d = 0; d < out->rank; d++) {
            if (d != axis && in[k].dims[d] != out->dims[d]) return ANNE_ERR_SHAPE;
        }
        sum += in[k].dims[axis];
    }
    return kind != ANNE_OP_CONCAT || sum == out->dims[axis] ? ANNE_OK : ANNE_ERR_SHAPE;
}

/* The shapes, attributes and weights of one op of kind `kind` with n_in inputs in[] and output out. */
static anne_status anne__check_op_kind(const anne_model *m, const uint8_t *rec, uint32_t kind, uint32_t n_in,
                                       const uint16_t *attr, const anne_tensor *in, const anne_tensor *out) {
    uint32_t c = out->dims[out->rank - 1u], k, seen = 0;
    int many = kind >= ANNE_OP_ADD && kind <= ANNE_OP_CONCAT;
    if (many ? n_in < 2u : n_in != 1u) return ANNE_ERR_BAD_LAYER;
    switch (kind) {
    case ANNE_OP_DENSE:
        /* the leading axes pass through; the last goes from n_in to n_out */
        if (in->rank != out->rank || !anne__attrs_unused_from(attr, 0)) return ANNE_ERR_SHAPE;
        for (k = 0; k + 1u < out->rank; k++) {
            if (in->dims[k] != out->dims[k]) return ANNE_ERR_SHAPE;
        }
        if ((uint32_t)in->dims[in->rank - 1u] * c > ANNE_MAX_TENSOR_VALUES) return ANNE_ERR_SHAPE;
        return anne__check_weights(m, rec, 4u * in->dims[in->rank - 1u] * c, 0, 4u * c);
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D:
        return anne__check_windowed(m, rec, kind, attr, in, out);
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL:
        if (in->rank < 2u || anne__tensor_values(out) != c || in->dims[in->rank - 1u] != c) return ANNE_ERR_SHAPE;
        return anne__attrs_unused_from(attr, 0) ? anne__check_weights(m, rec, 0, 0, 0) : ANNE_ERR_BAD_LAYER;
    case ANNE_OP_ZERO_PAD2D:
    case ANNE_OP_CROP2D:
    case ANNE_OP_UPSAMPLE2D:
    case ANNE_OP_RESHAPE:
        if (kind == ANNE_OP_RESHAPE) {
            if (anne__tensor_values(in) != anne__tensor_values(out)) return ANNE_ERR_SHAPE;
            if (!anne__attrs_unused_from(attr, 0)) return ANNE_ERR_BAD_LAYER;
        } else {
            anne_status st = anne__check_spatial(kind, attr, in, out);
            if (st != ANNE_OK) return st;
        }
        return anne__check_weights(m, rec, 0, 0, 0);
    case ANNE_OP_PERMUTE:
        if (in->rank != out->rank || !anne__attrs_unused_from(attr, out->rank)) return ANNE_ERR_SHAPE;
        for (k = 0; k < out->rank; k++) {
            if (attr[k] >= out->rank || (seen & (1u << attr[k])) != 0 || out->dims[k] != in->dims[attr[k]]) {
                return ANNE_ERR_SHAPE;
            }
            seen |= 1u << attr[k];
        }
        return anne__check_weights(m, rec, 0, 0, 0);
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM:
    case ANNE_OP_ACTIVATION:
        if (!anne__same_shape(in, out)) return ANNE_ERR_SHAPE;
        if (kind == ANNE_OP_ACTIVATION) {
            return anne__attrs_unused_from(attr, 0) ? anne__check_weights(m, rec, 0, 0, 0) : ANNE_ERR_BAD_LAYER;
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
    default: /* the merges and concatenation (kind checked by the caller) */
        {
            anne_status st = anne__check_merge(m, kind, n_in, attr, in, out);
            return st != ANNE_OK ? st : anne__check_weights(m, rec, 0, 0, 0);
        }
    }
}

/* Op i: its record's fields, its inputs (tensors written before it: the input, or an earlier op's
 * output), its output (tensor i + 1), its activation, then its kind's shapes and weights. */
static anne_status anne__check_op(const anne_model *m, uint32_t i) {
    const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
    uint32_t head = anne__w32(rec), kind = head & 0xFFu, act = (head >> 8) & 0xFFu;
    uint32_t n_in = (head >> 16) & 0xFFu, k;
    anne_tensor in[ANNE_MAX_OP_INPUTS], out;
    uint16_t attr[10];
    if (kind == 0 || kind >= ANNE_OP_KIND_COUNT || (head >> 24) != 0) return ANNE_ERR_BAD_LAYER;
    if (n_in == 0 || n_in > ANNE_MAX_OP_INPUTS) return ANNE_ERR_BAD_LAYER;
    if (anne__w32(rec + ANNE__O_OUTPUT) != i + 1u) return ANNE_ERR_BAD_LAYER; /* output u16, reserved u16 0 */
    for (k = 0; k < ANNE_MAX_OP_INPUTS; k++) {
        uint32_t t = anne__rd16(rec + ANNE__O_INPUTS + 2u * k);
        if (k < n_in ? t > i : t != 0) return ANNE_ERR_BAD_LAYER; /* read before written */
        if (k < n_in) anne__tensor_at(m, t, &in[k]);
    }
    anne__tensor_at(m, i + 1u, &out);
    if (act == ANNE_ACT_PRELU ||
        !anne__activation_ok_bits(act, anne__w32(rec + ANNE__O_PARAM), anne__w32(rec + ANNE__O_PARAM + 4u),
                                  anne__w32(rec + ANNE__O_PARAM + 8u)) ||
        !ANNE_CONFIG_HAS_ACTIVATION(act)) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    for (k = 0; k < 10u; k++) attr[k] = anne__rd16(rec + ANNE__O_ATTR + 2u * k);
    return anne__check_op_kind(m, rec, kind, n_in, attr, in, &out);
}

/* Whether op i may write its output over tensor u: only an elementwise op over its first input,
 * exactly in its place (the kernels read each value before they write it). */
static int anne__in_place_ok(const uint8_t *rec, uint32_t u, const anne_tensor *tu, const anne_tensor *to) {
    uint32_t kind = rec[ANNE__O_KIND];
    int elementwise = kind == ANNE_OP_RESHAPE || kind == ANNE_OP_CHANNEL_AFFINE || kind == ANNE_OP_LAYER_NORM ||
                      kind == ANNE_OP_ACTIVATION || (kind >= ANNE_OP_ADD && kind <= ANNE_OP_MINIMUM);
    return elementwise && anne__rd16(rec + ANNE__O_INPUTS) == u && tu->offset == to->offset &&
           anne__tensor_values(tu) == anne__tensor_values(to);
}

/* The memory plan: while tensor u is live (from its writing, op u - 1, to its last reader; the model's
 * output to the end), no op writes over it, except its last reader in place. */
static anne_status anne__check_plan(const anne_model *m) {
    uint32_t u, i, k, n_ops = m->n_ops;
    for (u = 0; u < m->n_tensors; u++) {
        anne_tensor tu;
        /* last: the last op that reads u (n_ops: the model's output, read at the end; u - 1, u's own
         * writer: nobody reads it) */
        uint32_t last = u == n_ops ? n_ops : u - 1u, begin, end;
        for (i = u; i < n_ops; i++) { /* readers of u come after its writer, op u - 1 */
            const uint8_t *rec = m->op_table + i * ANNE__OP_SIZE;
            for (k = 0; k < rec[ANNE__O_N_INPUTS]; k++) {
                if (anne__rd16(rec + ANNE__O_INPUTS + 2u * k) == u) last = i;
            }
        }
        if (last + 1u == u) continue; /* never read (u - 1 wraps for the input, which op 0 reads) */
        anne__tensor_at(m, u, &tu);
        begin = tu.offset;
        end = begin + 4u * anne__tensor_values(&tu);
        for (i = u; i < last; i++) { /* ops u .. last - 1 write while u is live */
            anne_tensor to;
            anne__tensor_at(m, i + 1u, &to);
            if (to.offset < end && begin < to.offset + 4u * anne__tensor_values(&to)) return ANNE_ERR_BAD_LAYER;
        }
        if (last < n_ops) { /* the last reader: in place, or not over u */
            const uint8_t *rec = m->op_table + last * ANNE__OP_SIZE;
            anne_tensor to;
            anne__tensor_at(m, last + 1u, &to);
            if (to.offset < end && begin < to.offset + 4u * anne__tensor_values(&to) &&
                !anne__in_place_ok(rec, u, &tu, &to)) {
                return ANNE_ERR_BAD_LAYER;
            }
        }
    }
    return ANNE_OK;
}

anne_status anne__load_graph_model(anne_model *m, const uint8_t *ts, uint32_t ts_size, const uint8_t *os,
                                   uint32_t os_size) {
    uint32_t i, arena, n_t, n_o, end, total, bytes;
    anne_status st;
    anne_tensor t;
    if (ts_size < ANNE__TENSORS_HDR_SIZE || os_size < ANNE__OPS_HDR_SIZE) return ANNE_ERR_BAD_SECTION;
    n_t = anne__w32(ts) & 0xFFFFu;
    n_o = anne__w32(os) & 0xFFFFu;
    arena = anne__w32(ts + 4u);
    if ((anne__w32(ts) >> 16) != 0 || (anne__w32(os) >> 16) != 0) return ANNE_ERR_BAD_SECTION;
    /* op i writes tensor i + 1: one tensor more than ops */
    if (n_o == 0 || n_o > ANNE_MAX_LAYERS || n_t != n_o + 1u || n_t > ANNE_MAX_TENSORS) return ANNE_ERR_BAD_LAYER;
    if (ts_size != ANNE__TENSORS_HDR_SIZE + n_t * ANNE__TENSOR_SIZE || os_size != ANNE__OPS_HDR_SIZE + n_o * ANNE__OP_SIZE) {
        return ANNE_ERR_BAD_SECTION;
    }
    m->tensor_table = ts + ANNE__TENSORS_HDR_SIZE;
    m->op_table = os + ANNE__OPS_HDR_SIZE;
    m->n_tensors = (uint16_t)n_t;
    m->n_ops = (uint16_t)n_o;
    m->arena_bytes = arena;
    for (i = 0, end = 0, total = 0; i < n_t; i++) {
        st = anne__check_tensor(m->tensor_table + i * ANNE__TENSOR_SIZE, arena);
        if (st != ANNE_OK) return st;
        anne__tensor_at(m, i, &t);
        bytes = 4u * anne__tensor_values(&t); /* <= 2^26 */
        if (t.offset + bytes > end) end = t.offset + bytes;
        total = total > 0xFFFFFFFFu - bytes ? 0xFFFFFFFFu : total + bytes;
    }
    /* the arena is exactly the end of the plan's last tensor, and no larger than all tensors side by
     * side: a file cannot ask for more memory than its tensors take */
    if (arena != end || arena > total) return ANNE_ERR_BAD_LAYER;
    for (i = 0; i < n_o; i++) {
        st = anne__check_op(m, i);
        if (st != ANNE_OK) return st;
    }
    st = anne__check_plan(m);
    if (st != ANNE_OK) return st;
    /* the flat input and output of anne_model_predict() */
    anne__tensor_at(m, 0, &t);
    if (anne__tensor_values(&t) > 0xFFFFu) return ANNE_ERR_SHAPE;
    m->n_inputs = (uint16_t)anne__tensor_values(&t);
    anne__tensor_at(m, n_o, &t);
    if (anne__tensor_values(&t) > 0xFFFFu) return ANNE_ERR_SHAPE;
    m->n_outputs = (uint16_t)anne__tensor_values(&t);
    m->graph_run = anne_graph_run_f32;
    return ANNE_OK;
}
