/* ANNE JSON's graph form (docs/anne-json.md, "Graph models"): the "ops" list read into a graph IR.
 * Each op names the ops it reads, carries Keras' settings (kernel_size, strides, padding, ...) and its
 * kernel in Keras' layout; its output shape follows from them, so a wrong size is an error naming the
 * op and the setting here rather than a model the loader refuses later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"
#include "anne_json_internal.h"

/* ---- tables ----------------------------------------------------------------------------------- */

_Static_assert(ANNE_OP_KIND_COUNT == 27, "give the new op kind its ANNE JSON name, keys and reader");

static const char *const anne__op_names[ANNE_OP_KIND_COUNT] = {
    NULL,         "dense",      "conv2d",  "depthwise_conv2d", "max_pool2d",     "avg_pool2d", "global_avg_pool",
    "global_max_pool", "zero_pad2d", "crop2d", "upsample2d", "reshape", "permute", "channel_affine", "layer_norm",
    "add",        "subtract",   "multiply", "average",         "maximum",        "minimum",    "concat",
    "activation", "prelu",      "simple_rnn", "gru",           "lstm",
};

const char *anne_json_op_name(anne_op_kind kind) {
    return (unsigned)kind < (unsigned)ANNE_OP_KIND_COUNT ? anne__op_names[kind] : NULL;
}

int anne_json_window_axis(anne_json_pad mode, size_t in, size_t k, size_t s, size_t d, long before, long after,
                          size_t *out, size_t *pad) {
    uint64_t span = (uint64_t)(k - 1u) * d + 1u, n;
    int64_t padded;
    switch (mode) {
    case ANNE_JSON_PAD_VALID:
        if (in < span) return 1;
        n = (in - span) / s + 1u;
        *pad = 0;
        break;
    case ANNE_JSON_PAD_SAME: { /* TensorFlow's: the odd row of padding goes after */
        uint64_t total;
        n = (in + s - 1u) / s;
        total = (n - 1u) * s + span;
        *pad = (size_t)(total > in ? (total - in) / 2u : 0u);
        break;
    }
    case ANNE_JSON_PAD_CAUSAL:
        n = (in + s - 1u) / s;
        *pad = (size_t)(span - 1u);
        break;
    default:
        if (before < 0 || (uint64_t)before > span - 1u) return 2;
        if (after > 0 && (uint64_t)after > span - 1u) return 3;
        padded = (int64_t)in + before + after;
        if (padded < (int64_t)span) return 1;
        n = ((uint64_t)padded - span) / s + 1u;
        *pad = (size_t)before;
        break;
    }
    if (n > 65535u) return 4;
    *out = (size_t)n;
    return 0;
}

void anne_json_kernel_layout(anne_op_kind kind, int one_d, size_t kh, size_t kw, size_t c_in, size_t c_out,
                             size_t dims[4], size_t strides[4], size_t *depth) {
    size_t d[4], st[4], skip = one_d ? 1u : 0u, k;
    if (kind == ANNE_OP_DENSE) { /* Keras (n_in, units); the runtime's (units, n_in) */
        dims[0] = c_in;
        dims[1] = c_out;
        strides[0] = 1;
        strides[1] = c_in;
        *depth = 2;
        return;
    }
    d[0] = kh;
    d[1] = kw;
    d[2] = c_in;
    d[3] = c_out;
    if (kind == ANNE_OP_CONV2D) { /* Keras (kh, kw, in_c, out_c); the runtime's (out_c, kh, kw, in_c) */
        st[0] = kw * c_in;
        st[1] = c_in;
        st[2] = 1;
        st[3] = kh * kw * c_in;
    } else { /* depthwise: Keras (kh, kw, in_c, m) is the runtime's (kh, kw, in_c * m) as it is */
        st[0] = kw * c_in * c_out;
        st[1] = c_in * c_out;
        st[2] = c_out;
        st[3] = 1;
    }
    *depth = 4u - skip;
    for (k = 0; k < *depth; k++) {
        dims[k] = d[k + skip];
        strides[k] = st[k + skip];
    }
}

/* The keys of an op; those before ANNE__K_UNITS every op has. The parameter keys follow each other in
 * anne_json_param_keys' order. */
enum {
    ANNE__K_OP, ANNE__K_NAME, ANNE__K_INPUTS, ANNE__K_SHAPE, ANNE__K_ACT, ANNE__K_ALPHA, ANNE__K_NEG_SLOPE,
    ANNE__K_MAX_VALUE, ANNE__K_THRESHOLD, ANNE__K_THETA, ANNE__K_UNITS, ANNE__K_FILTERS, ANNE__K_KERNEL_SIZE,
    ANNE__K_POOL_SIZE, ANNE__K_STRIDES, ANNE__K_DILATION, ANNE__K_PADDING, ANNE__K_MULTIPLIER, ANNE__K_CROPPING,
    ANNE__K_SIZE, ANNE__K_KEEPDIMS, ANNE__K_DIMS, ANNE__K_AXIS, ANNE__K_EPSILON, ANNE__K_KERNEL, ANNE__K_BIAS,
    ANNE__K_SCALE, ANNE__K_SHIFT, ANNE__K_GAMMA, ANNE__K_BETA, ANNE__K_ALPHAS, ANNE__K_CELL_ACT, ANNE__K_REC_ACT,
    ANNE__K_RETURN_SEQ, ANNE__K_GO_BACKWARDS, ANNE__K_REVERSE, ANNE__K_RESET_AFTER, ANNE__K_REC_KERNEL, ANNE__K_COUNT
};

static const char *const anne__op_keys[ANNE__K_COUNT + 1] = {
    "op",      "name",     "inputs",    "shape",     "activation", "alpha",   "negative_slope", "max_value",
    "threshold", "theta",  "units",     "filters",   "kernel_size", "pool_size", "strides",      "dilation",
    "padding", "depth_multiplier", "cropping", "size", "keepdims",  "dims",    "axis",           "epsilon",
    "kernel",  "bias",     "scale",     "shift",     "gamma",      "beta",    "alphas", "cell_activation",
    "recurrent_activation", "return_sequences", "go_backwards", "reverse_output", "reset_after", "recurrent_kernel",
    NULL,
};

#define ANNE__B(k) (1ull << (k))

/* The keys an op kind takes besides every op's. */
static unsigned long long anne__kind_keys(anne_op_kind kind) {
    switch (kind) {
    case ANNE_OP_DENSE: return ANNE__B(ANNE__K_UNITS) | ANNE__B(ANNE__K_KERNEL) | ANNE__B(ANNE__K_BIAS);
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
        return ANNE__B(kind == ANNE_OP_CONV2D ? ANNE__K_FILTERS : ANNE__K_MULTIPLIER) | ANNE__B(ANNE__K_KERNEL_SIZE) |
               ANNE__B(ANNE__K_STRIDES) | ANNE__B(ANNE__K_DILATION) | ANNE__B(ANNE__K_PADDING) |
               ANNE__B(ANNE__K_KERNEL) | ANNE__B(ANNE__K_BIAS);
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D: return ANNE__B(ANNE__K_POOL_SIZE) | ANNE__B(ANNE__K_STRIDES) | ANNE__B(ANNE__K_PADDING);
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL: return ANNE__B(ANNE__K_KEEPDIMS);
    case ANNE_OP_ZERO_PAD2D: return ANNE__B(ANNE__K_PADDING);
    case ANNE_OP_CROP2D: return ANNE__B(ANNE__K_CROPPING);
    case ANNE_OP_UPSAMPLE2D: return ANNE__B(ANNE__K_SIZE);
    case ANNE_OP_PERMUTE: return ANNE__B(ANNE__K_DIMS);
    case ANNE_OP_CHANNEL_AFFINE: return ANNE__B(ANNE__K_SCALE) | ANNE__B(ANNE__K_SHIFT);
    case ANNE_OP_LAYER_NORM: return ANNE__B(ANNE__K_EPSILON) | ANNE__B(ANNE__K_GAMMA) | ANNE__B(ANNE__K_BETA);
    case ANNE_OP_CONCAT: return ANNE__B(ANNE__K_AXIS);
    case ANNE_OP_PRELU: return ANNE__B(ANNE__K_ALPHAS);
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM:
        return ANNE__B(ANNE__K_UNITS) | ANNE__B(ANNE__K_CELL_ACT) | ANNE__B(ANNE__K_RETURN_SEQ) |
               ANNE__B(ANNE__K_GO_BACKWARDS) | ANNE__B(ANNE__K_REVERSE) | ANNE__B(ANNE__K_KERNEL) |
               ANNE__B(ANNE__K_REC_KERNEL) | ANNE__B(ANNE__K_BIAS) |
               (kind != ANNE_OP_SIMPLE_RNN ? ANNE__B(ANNE__K_REC_ACT) : 0) |
               (kind == ANNE_OP_GRU ? ANNE__B(ANNE__K_RESET_AFTER) : 0);
    default: return 0; /* reshape (its "shape" is every op's key), the merges, activation */
    }
}

static int anne__is_merge(anne_op_kind kind) {
    return kind >= ANNE_OP_ADD && kind <= ANNE_OP_CONCAT;
}

/* ---- the reader's state ----------------------------------------------------------------------- */

typedef struct anne__g {
    anne_json_ctx *c;
    anne_ir *ir;
    const char **names;         /* (n_model_in + n): names[t] the name of tensor t: the inputs' ("input" when there
                                   is one), then each op's or NULL */
    size_t n_model_in;          /* the model's inputs */
    size_t n;                   /* ops in the list */
    size_t index;               /* the op being read, from 0 */
    anne_op_kind kind;
    const char *kind_name;
    const cJSON *f[ANNE__K_COUNT];
    size_t n_in;
    uint16_t inputs[ANNE_MAX_OP_INPUTS];
    anne_ir_tensor in[ANNE_MAX_OP_INPUTS]; /* copies: ir->tensors moves when an op is added */
    /* what the op gets once it is added */
    anne_ir_tensor out;
    uint16_t attr[10];
    float *kernel, *bias;
    uint32_t kernel_n, bias_n;
} anne__g;

static void anne__describe_dims(const size_t *dims, size_t rank, char *buf, size_t cap) {
    anne_ir_tensor t;
    size_t k;
    memset(&t, 0, sizeof t);
    t.rank = (uint8_t)rank;
    for (k = 0; k < rank && k < ANNE_MAX_RANK; k++) t.dims[k] = (uint16_t)dims[k];
    anne_ir_tensor_describe(&t, buf, cap);
}

/* A tensor of the given sizes, each 1 to 65535 (what: the size's name for the message). */
static int anne__make_shape(anne__g *g, anne_ir_tensor *t, size_t rank, const size_t *dims, const char *what) {
    size_t k;
    memset(t, 0, sizeof *t);
    t->rank = (uint8_t)rank;
    for (k = 0; k < ANNE_MAX_RANK; k++) {
        if (k < rank && (dims[k] < 1 || dims[k] > 65535u)) {
            return anne_json_fail(g->c, "the output's %s would be %zu (1 to 65535)", what, dims[k]);
        }
        t->dims[k] = (uint16_t)(k < rank ? dims[k] : 1u);
    }
    return 0;
}

/* An integer setting in [lo, hi]; what names it ("\"strides\" value 2"). */
static int anne__int(anne__g *g, const cJSON *v, const char *what, long lo, long hi, long *out) {
    char got[64];
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi) ||
        floor(v->valuedouble) != v->valuedouble) {
        return anne_json_fail(g->c, "%s must be an integer from %ld to %ld, got %s", what, lo, hi,
                              anne_json_describe(v, got, sizeof got));
    }
    *out = (long)v->valuedouble;
    return 0;
}

/* A setting of one integer per spatial axis (nd of them; Keras' single integer for all is accepted),
 * into out[2 - nd ...] (out[0] 1 when nd is 1); absent: def. */
static int anne__ints(anne__g *g, int key, size_t nd, long def, long lo, long hi, long out[2]) {
    const cJSON *v = g->f[key], *e;
    const char *name = anne__op_keys[key];
    char what[64], got[64];
    size_t k = 0;
    out[0] = out[1] = 1;
    if (v == NULL) {
        out[2u - nd] = out[1] = def;
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        snprintf(what, sizeof what, "\"%s\"", name);
        if (anne__int(g, v, what, lo, hi, &out[1]) != 0) return -1;
        out[2u - nd] = out[1];
        return 0;
    }
    if (!cJSON_IsArray(v)) {
        return anne_json_fail(g->c, "\"%s\" must be %s, got %s", name,
                              nd == 2 ? "a list of 2 integers (rows, columns)" : "a list of 1 integer (steps)",
                              anne_json_describe(v, got, sizeof got));
    }
    if (anne_json_array_len(v) != nd) {
        return anne_json_fail(g->c, "\"%s\" has %zu values, expected %s", name, anne_json_array_len(v),
                              nd == 2 ? "2 (rows, columns)" : "1 (steps: the input is (steps, channels))");
    }
    for (e = v->child; e != NULL; e = e->next, k++) {
        snprintf(what, sizeof what, "\"%s\" value %zu", name, k + 1u);
        if (anne__int(g, e, what, lo, hi, &out[2u - nd + k]) != 0) return -1;
    }
    return 0;
}

/* Amounts before and after each spatial axis, into before/after[2 - nd ...] (the others 0): nd 2:
 * [[top, bottom], [left, right]]; nd 1: [before, after]. neg_after: the amount after may be negative. */
static int anne__amounts(anne__g *g, int key, size_t nd, int neg_after, long before[2], long after[2]) {
    const cJSON *v = g->f[key], *ax, *e;
    const char *name = anne__op_keys[key], *form = nd == 2 ? "[[top, bottom], [left, right]]" : "[before, after]";
    char what[64], got[64];
    size_t a = 0;
    before[0] = before[1] = after[0] = after[1] = 0;
    if (!cJSON_IsArray(v) || anne_json_array_len(v) != 2) {
        return anne_json_fail(g->c, "\"%s\" must be %s, got %s", name, form, anne_json_describe(v, got, sizeof got));
    }
    for (ax = nd == 2 ? v->child : v; ax != NULL && a < nd; ax = ax->next, a++) {
        size_t slot = 2u - nd + a, k = 0;
        if (!cJSON_IsArray(ax) || anne_json_array_len(ax) != 2) {
            return anne_json_fail(g->c, "\"%s\" must be %s, got %s in place of a pair", name, form,
                                  anne_json_describe(ax, got, sizeof got));
        }
        for (e = ax->child; e != NULL; e = e->next, k++) {
            snprintf(what, sizeof what, "\"%s\" %s %s", name, k == 0 ? "before" : "after",
                     nd == 1 ? "the steps" : a == 0 ? "the rows" : "the columns");
            if (anne__int(g, e, what, k == 1 && neg_after ? -65535 : 0, 65535, k == 0 ? &before[slot] : &after[slot]) !=
                0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Values of a weight list (one per channel, or absent with null when optional). */
static int anne__channel_list(anne__g *g, int key, size_t n, const char *why, int required, float **out,
                              uint32_t *n_out) {
    const cJSON *v = g->f[key];
    if (v == NULL || cJSON_IsNull(v)) {
        if (required) return anne_json_fail(g->c, "missing \"%s\" (one number per %s)", anne__op_keys[key], why);
        return 0;
    }
    if (anne_json_get_floats(g->c, v, anne__op_keys[key], n, why, out, NULL) != 0) return -1;
    *n_out = (uint32_t)n;
    return 0;
}

/* ---- kernels in Keras' layout ----------------------------------------------------------------- */

/* "[1][0][2]": where a nested list's element is (from 0, as Python indexes Keras' arrays). */
static void anne__path(const size_t *idx, size_t level, char *buf, size_t cap) {
    size_t k, at = 0;
    buf[0] = '\0';
    for (k = 0; k < level && at < cap; k++) at += (size_t)snprintf(buf + at, cap - at, "[%zu]", idx[k]);
}

/* Checks that every list at each level of v has dims[level] entries (the numbers are read later). */
static int anne__nested_check(anne__g *g, const cJSON *v, const char *key, size_t depth, const size_t *dims,
                              size_t level, size_t *idx) {
    const cJSON *e;
    char path[64], got[64];
    if (level == depth) return 0;
    if (!cJSON_IsArray(v) || anne_json_array_len(v) != dims[level]) {
        anne__path(idx, level, path, sizeof path);
        if (!cJSON_IsArray(v)) {
            return anne_json_fail(g->c, "\"%s\"%s must be a list, got %s (the %s is nested %zu lists deep)", key,
                                  path, anne_json_describe(v, got, sizeof got), key, depth);
        }
        return anne_json_fail(g->c, "\"%s\"%s has %zu entries, expected %zu (as the first list at that depth): the "
                                    "%s must be a regular array", key, path, anne_json_array_len(v), dims[level], key);
    }
    for (e = v->child, idx[level] = 0; e != NULL; e = e->next, idx[level]++) {
        if (anne__nested_check(g, e, key, depth, dims, level + 1u, idx) != 0) return -1;
    }
    return 0;
}

/* The shape of a weight given as nested lists (Keras' layout), depth levels deep, against want
 * (0: any size), whose axes `axes` names. */
static int anne__nested_shape(anne__g *g, const cJSON *v, const char *key, size_t depth, const size_t *want,
                              const char *axes, size_t *dims) {
    const cJSON *e = v;
    size_t k, idx[4] = {0, 0, 0, 0}, values = 1;
    char got[64], have[64], expect[96];
    for (k = 0; k < depth; k++) {
        if (!cJSON_IsArray(e) || e->child == NULL) break;
        dims[k] = anne_json_array_len(e);
        e = e->child;
    }
    if (k < depth) {
        char path[64];
        anne__path(idx, k, path, sizeof path);
        if (cJSON_IsArray(e)) return anne_json_fail(g->c, "\"%s\"%s is empty", key, path);
        return anne_json_fail(g->c, "\"%s\"%s must be a list, got %s: the %s is %zu nested lists (%s)", key, path,
                              anne_json_describe(e, got, sizeof got), key, depth, axes);
    }
    if (anne__nested_check(g, v, key, depth, dims, 0, idx) != 0) return -1;
    for (k = 0; k < depth; k++) {
        if (dims[k] > ANNE_MAX_TENSOR_VALUES / values) {
            return anne_json_fail(g->c, "\"%s\" has more than %u values", key, (unsigned)ANNE_MAX_TENSOR_VALUES);
        }
        values *= dims[k];
    }
    for (k = 0; k < depth; k++) {
        if (want[k] != 0 && want[k] != dims[k]) break;
    }
    if (k < depth) {
        size_t at = 0, j;
        anne__describe_dims(dims, depth, have, sizeof have);
        for (j = 0; j < depth && at < sizeof expect; j++) {
            at += want[j] != 0 ? (size_t)snprintf(expect + at, sizeof expect - at, "%s%zu", j ? ", " : "(", want[j])
                               : (size_t)snprintf(expect + at, sizeof expect - at, "%sany", j ? ", " : "(");
        }
        if (at < sizeof expect) snprintf(expect + at, sizeof expect - at, ")");
        return anne_json_fail(g->c, "\"%s\" has shape %s, expected %s (%s)", key, have, expect, axes);
    }
    return 0;
}

/* Reads the numbers of a checked nested list into out, Keras' element (i0, i1, ...) to
 * out[i0 * strides[0] + i1 * strides[1] + ...]. */
static int anne__nested_fill(anne__g *g, const cJSON *v, const char *key, size_t depth, const size_t *strides,
                             size_t level, size_t *idx, size_t off, float *out) {
    const cJSON *e;
    for (e = v->child, idx[level] = 0; e != NULL; e = e->next, idx[level]++) {
        size_t at = off + idx[level] * strides[level];
        if (level + 1u < depth) {
            if (anne__nested_fill(g, e, key, depth, strides, level + 1u, idx, at, out) != 0) return -1;
        } else if (anne_json_to_float(e, &out[at]) != 0) {
            char what[96], path[64];
            float dummy;
            anne__path(idx, depth, path, sizeof path);
            snprintf(what, sizeof what, "\"%s\"%s", key, path);
            return anne_json_get_float(g->c, e, what, &dummy);
        }
    }
    return 0;
}

/* The op's "kernel" of the given layout, into g->kernel (the runtime's layout). */
static int anne__kernel_fill(anne__g *g, const size_t *dims, const size_t *strides, size_t depth) {
    size_t n = 1, k, idx[4] = {0, 0, 0, 0};
    for (k = 0; k < depth; k++) n *= dims[k];
    g->kernel = malloc(n * sizeof *g->kernel);
    if (g->kernel == NULL) return anne_json_fail(g->c, "out of memory (a kernel of %zu values)", n);
    g->kernel_n = (uint32_t)n;
    return anne__nested_fill(g, g->f[ANNE__K_KERNEL], "kernel", depth, strides, 0, idx, 0, g->kernel);
}

/* ---- the ops ---------------------------------------------------------------------------------- */

static int anne__op_dense(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    size_t n_in = in->dims[in->rank - 1u], want[2], dims[4], strides[4], depth;
    uint16_t units = 0;
    if (g->f[ANNE__K_UNITS] != NULL && anne_json_get_count(g->c, g->f[ANNE__K_UNITS], "units", &units) != 0) return -1;
    if (g->f[ANNE__K_KERNEL] == NULL) {
        return anne_json_fail(g->c, "missing \"kernel\" (Keras' layout: one row per input feature, each with one "
                                    "weight per unit)");
    }
    want[0] = n_in;
    want[1] = units;
    if (anne__nested_shape(g, g->f[ANNE__K_KERNEL], "kernel", 2, want, "the input's last axis, units", dims) != 0) {
        return -1;
    }
    if (dims[1] > 65535u) return anne_json_fail(g->c, "\"kernel\" has %zu units, at most 65535", dims[1]);
    anne_json_kernel_layout(ANNE_OP_DENSE, 0, 1, 1, n_in, dims[1], dims, strides, &depth);
    if (anne__kernel_fill(g, dims, strides, depth) != 0) return -1;
    if (anne__channel_list(g, ANNE__K_BIAS, dims[1], "unit", 0, &g->bias, &g->bias_n) != 0) return -1;
    g->out = *in;
    g->out.dims[in->rank - 1u] = (uint16_t)dims[1];
    return 0;
}

/* A true/false setting, def when absent. */
static int anne__flag(anne__g *g, int key, int def, int *out) {
    const cJSON *v = g->f[key];
    char got[64];
    *out = def;
    if (v == NULL) return 0;
    if (!cJSON_IsBool(v)) {
        return anne_json_fail(g->c, "\"%s\" must be true or false, got %s", anne__op_keys[key],
                              anne_json_describe(v, got, sizeof got));
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

/* A recurrent cell's activation (def when absent): one without parameters, as the runtime runs it. */
static int anne__cell_activation(anne__g *g, int key, anne_activation def, uint16_t *out) {
    static const cJSON *const none[ANNE_JSON_N_PARAMS] = {NULL, NULL, NULL, NULL, NULL};
    anne_activation act = def;
    float param[3];
    if (g->f[key] != NULL && anne_json_read_activation(g->c, g->f[key], none, &act, param) != 0) return -1;
    if (act == ANNE_ACT_LEAKY_RELU || act == ANNE_ACT_SOFTMAX || act == ANNE_ACT_THRESHOLDED_RELU ||
        act == ANNE_ACT_PRELU) {
        return anne_json_fail(g->c, "\"%s\" %s is not supported in a recurrent cell (one without parameters: tanh, "
                                    "sigmoid, hard_sigmoid, relu, ...)", anne__op_keys[key], anne_activation_name(act));
    }
    *out = (uint16_t)act;
    return 0;
}

/* SimpleRNN, GRU, LSTM over (steps, features): Keras' "kernel" (features, gates x units) and
 * "recurrent_kernel" (units, gates x units) into the runtime's rows (gate value j: its input weights, then
 * its recurrent ones), "bias" (gates x units; a GRU with reset_after (2, 3 x units)) or none. */
static int anne__op_rnn(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    size_t gates = ANNE_RNN_GATES(g->kind), f, u, want[2], dims[2], strides[2], idx[4] = {0, 0, 0, 0};
    int seq, back, rev, after = 0;
    uint16_t units = 0;
    char shape[64];
    if (in->rank != 2) {
        anne_ir_tensor_describe(in, shape, sizeof shape);
        return anne_json_fail(g->c, "%s reads (steps, features); its input is %s", g->kind_name, shape);
    }
    f = in->dims[1];
    if (g->f[ANNE__K_KERNEL] == NULL || g->f[ANNE__K_REC_KERNEL] == NULL) {
        return anne_json_fail(g->c, "missing \"%s\" (Keras' layout: %s)", g->f[ANNE__K_KERNEL] == NULL ? "kernel"
                              : "recurrent_kernel", g->f[ANNE__K_KERNEL] == NULL ? "(features, gates x units)"
                                                                                 : "(units, gates x units)");
    }
    want[0] = f;
    want[1] = 0;
    if (anne__nested_shape(g, g->f[ANNE__K_KERNEL], "kernel", 2, want, "the input's features, gates x units", dims)) {
        return -1;
    }
    if (dims[1] % gates != 0 || dims[1] / gates > 65535u) {
        return anne_json_fail(g->c, "\"kernel\" has %zu columns: expected %zu gates x units (units at most 65535)",
                              dims[1], gates);
    }
    u = dims[1] / gates;
    if (g->f[ANNE__K_UNITS] != NULL && (anne_json_get_count(g->c, g->f[ANNE__K_UNITS], "units", &units) != 0)) return -1;
    if (g->f[ANNE__K_UNITS] != NULL && units != u) {
        return anne_json_fail(g->c, "\"units\" is %u but the kernel has %zu", (unsigned)units, u);
    }
    want[0] = u;
    want[1] = gates * u;
    if (anne__nested_shape(g, g->f[ANNE__K_REC_KERNEL], "recurrent_kernel", 2, want, "units, gates x units", dims)) {
        return -1;
    }
    if (anne__flag(g, ANNE__K_RETURN_SEQ, 0, &seq) != 0 || anne__flag(g, ANNE__K_GO_BACKWARDS, 0, &back) != 0 ||
        anne__flag(g, ANNE__K_REVERSE, 0, &rev) != 0 || anne__flag(g, ANNE__K_RESET_AFTER, 1, &after) != 0) {
        return -1;
    }
    if (rev && !seq) return anne_json_fail(g->c, "\"reverse_output\" needs \"return_sequences\"");
    after = after && g->kind == ANNE_OP_GRU;
    if (anne__cell_activation(g, ANNE__K_CELL_ACT, ANNE_ACT_TANH, &g->attr[1]) != 0 ||
        (g->kind != ANNE_OP_SIMPLE_RNN && anne__cell_activation(g, ANNE__K_REC_ACT, ANNE_ACT_SIGMOID, &g->attr[2]) != 0)) {
        return -1;
    }
    g->attr[0] = (uint16_t)((back ? ANNE_RNN_GO_BACKWARDS : 0u) | (rev ? ANNE_RNN_REVERSE_OUTPUT : 0u) |
                            (after ? ANNE_RNN_RESET_AFTER : 0u));
    g->kernel_n = (uint32_t)(gates * u * (f + u));
    g->kernel = malloc((size_t)g->kernel_n * sizeof *g->kernel);
    if (g->kernel == NULL) return anne_json_fail(g->c, "out of memory (a kernel of %u values)", g->kernel_n);
    strides[0] = 1; /* Keras' [i][j] is row j's value i: its input weights, then (at f) its recurrent ones */
    strides[1] = f + u;
    if (anne__nested_fill(g, g->f[ANNE__K_KERNEL], "kernel", 2, strides, 0, idx, 0, g->kernel) != 0 ||
        anne__nested_fill(g, g->f[ANNE__K_REC_KERNEL], "recurrent_kernel", 2, strides, 0, idx, f, g->kernel) != 0) {
        return -1;
    }
    if (after && g->f[ANNE__K_BIAS] != NULL && !cJSON_IsNull(g->f[ANNE__K_BIAS])) {
        want[0] = 2; /* the input bias, then the recurrent bias: stored as they are */
        want[1] = 3u * u;
        if (anne__nested_shape(g, g->f[ANNE__K_BIAS], "bias", 2, want, "input and recurrent, gates x units", dims)) {
            return -1;
        }
        g->bias_n = (uint32_t)(6u * u);
        g->bias = malloc((size_t)g->bias_n * sizeof *g->bias);
        if (g->bias == NULL) return anne_json_fail(g->c, "out of memory");
        strides[0] = 3u * u;
        strides[1] = 1;
        if (anne__nested_fill(g, g->f[ANNE__K_BIAS], "bias", 2, strides, 0, idx, 0, g->bias) != 0) return -1;
    } else if (!after && anne__channel_list(g, ANNE__K_BIAS, gates * u, "gate value", 0, &g->bias, &g->bias_n) != 0) {
        return -1;
    }
    memset(&g->out, 0, sizeof g->out);
    g->out.rank = seq ? 2u : 1u;
    g->out.dims[0] = seq ? in->dims[0] : (uint16_t)u;
    g->out.dims[1] = seq ? (uint16_t)u : 1u;
    g->out.dims[2] = g->out.dims[3] = 1;
    return 0;
}

/* Windows, padding, cropping and upsampling read (H, W, C) tensors, or (L, C) ones as (1, L, C). */
static int anne__spatial_input(anne__g *g) {
    char shape[64];
    if (g->in[0].rank == 2 || g->in[0].rank == 3) return 0;
    anne_ir_tensor_describe(&g->in[0], shape, sizeof shape);
    return anne_json_fail(g->c, "%s reads (height, width, channels) or (steps, channels) tensors; its input is %s",
                          g->kind_name, shape);
}

/* The spatial axes a window has: 2 on (H, W, C); on (L, C) 1, unless the settings give 2 ([1, k]: the
 * height-1 axis too, as the runtime runs it). The first list given decides. */
static size_t anne__window_axes(const anne__g *g) {
    static const int keys[] = {ANNE__K_KERNEL_SIZE, ANNE__K_POOL_SIZE, ANNE__K_STRIDES, ANNE__K_DILATION};
    size_t k;
    const cJSON *p = g->f[ANNE__K_PADDING];
    if (g->in[0].rank == 3) return 2;
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const cJSON *v = g->f[keys[k]];
        if (cJSON_IsArray(v)) return anne_json_array_len(v) == 2 ? 2u : 1u;
    }
    return cJSON_IsArray(p) && cJSON_IsArray(p->child) ? 2u : 1u;
}

static const char *anne__axis_name(size_t nd, size_t ax) {
    return nd == 1 ? "steps" : ax == 0 ? "rows" : "columns";
}

/* The window's strides (absent: 1, or for pooling the pool size), dilation and padding around kernel
 * k[2] (k[0] 1 when nd is 1): sets attr and g->out (channels c_out). */
static int anne__window(anne__g *g, size_t nd, const long k[2], int pool, size_t c_out) {
    const anne_ir_tensor *in = &g->in[0];
    const cJSON *p = g->f[ANNE__K_PADDING];
    long s[2], d[2] = {1, 1}, before[2] = {0, 0}, after[2] = {0, 0};
    size_t size[2], out[2], pad[2], ax, dims[3];
    anne_json_pad mode = ANNE_JSON_PAD_VALID;
    char got[64];
    size[0] = in->rank == 3 ? in->dims[0] : 1u;
    size[1] = in->dims[in->rank - 2u];
    if (pool && g->f[ANNE__K_STRIDES] == NULL) {
        s[0] = k[0];
        s[1] = k[1];
    } else if (anne__ints(g, ANNE__K_STRIDES, nd, 1, 1, 65535, s) != 0) {
        return -1;
    }
    if (anne__ints(g, ANNE__K_DILATION, nd, 1, 1, 65535, d) != 0) return -1;
    if (cJSON_IsString(p)) {
        static const char *const modes[] = {"valid", "same", "causal"};
        for (ax = 0; ax < 3 && strcmp(p->valuestring, modes[ax]) != 0; ax++) {
        }
        if (ax == 3) {
            return anne_json_fail(g->c, "unknown padding \"%.40s\" (\"valid\", \"same\", \"causal\", or the amounts "
                                        "%s)", p->valuestring,
                                  nd == 2 ? "[[top, bottom], [left, right]]" : "[before, after]");
        }
        mode = (anne_json_pad)ax;
    } else if (cJSON_IsArray(p)) {
        mode = ANNE_JSON_PAD_EXPLICIT;
        if (anne__amounts(g, ANNE__K_PADDING, nd, 1, before, after) != 0) return -1;
    } else if (p != NULL) {
        return anne_json_fail(g->c, "\"padding\" must be \"valid\", \"same\", \"causal\" or the amounts %s, got %s",
                              nd == 2 ? "[[top, bottom], [left, right]]" : "[before, after]",
                              anne_json_describe(p, got, sizeof got));
    }
    for (ax = 0; ax < 2; ax++) {
        size_t span = (size_t)(k[ax] - 1) * (size_t)d[ax] + 1u, a = nd == 2 ? ax : 0;
        int rc = anne_json_window_axis(mode, size[ax], (size_t)k[ax], (size_t)s[ax], (size_t)d[ax], before[ax],
                                       after[ax], &out[ax], &pad[ax]);
        const char *axis = anne__axis_name(nd, a);
        if (rc == 1 && mode == ANNE_JSON_PAD_VALID) {
            return anne_json_fail(g->c, "the window spans %zu %s but the input has %zu: \"valid\" padding needs the "
                                        "window inside the input (use \"same\", or pad)", span, axis, size[ax]);
        }
        if (rc == 1) {
            return anne_json_fail(g->c, "the window spans %zu %s but the padded input has %ld", span, axis,
                                  (long)size[ax] + before[ax] + after[ax]);
        }
        if (rc == 2 || rc == 3) {
            return anne_json_fail(g->c, "\"padding\" %s the %s is %ld, more than the window's span minus 1 (%zu): a "
                                        "window would hold no input position", rc == 2 ? "before" : "after", axis,
                                  rc == 2 ? before[ax] : after[ax], span - 1u);
        }
        if (rc == 4) return anne_json_fail(g->c, "the output would have more than 65535 %s", axis);
    }
    if (in->rank == 2 && out[0] != 1) {
        return anne_json_fail(g->c, "on a (steps, channels) input the window's rows must give one row (the input is "
                                    "one row high); these settings give %zu", out[0]);
    }
    for (ax = 0; ax < 2; ax++) { /* anne_window: kernel, stride, dilation, padding before; rows, then columns */
        g->attr[ax] = (uint16_t)k[ax];
        g->attr[2u + ax] = (uint16_t)s[ax];
        g->attr[4u + ax] = (uint16_t)d[ax];
        g->attr[6u + ax] = (uint16_t)pad[ax];
    }
    dims[0] = out[0];
    dims[1] = out[1];
    dims[2] = c_out;
    return in->rank == 3 ? anne__make_shape(g, &g->out, 3, dims, "size")
                         : anne__make_shape(g, &g->out, 2, dims + 1, "size");
}

static int anne__op_conv(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    int conv = g->kind == ANNE_OP_CONV2D;
    size_t nd, c_in = in->dims[in->rank - 1u], want[4], dims[4], strides[4], depth, c_out;
    long ks[2] = {1, 1};
    uint16_t channels = 0;
    const char *axes;
    if (anne__spatial_input(g) != 0) return -1;
    nd = anne__window_axes(g);
    if (g->f[ANNE__K_KERNEL_SIZE] != NULL && anne__ints(g, ANNE__K_KERNEL_SIZE, nd, 1, 1, 65535, ks) != 0) return -1;
    if (g->f[conv ? ANNE__K_FILTERS : ANNE__K_MULTIPLIER] != NULL &&
        anne_json_get_count(g->c, g->f[conv ? ANNE__K_FILTERS : ANNE__K_MULTIPLIER],
                            conv ? "filters" : "depth_multiplier", &channels) != 0) {
        return -1;
    }
    if (nd == 2) {
        want[0] = g->f[ANNE__K_KERNEL_SIZE] != NULL ? (size_t)ks[0] : 0;
        axes = conv ? "kernel rows, kernel columns, input channels, filters"
                    : "kernel rows, kernel columns, input channels, depth_multiplier";
    } else {
        axes = conv ? "kernel_size, input channels, filters" : "kernel_size, input channels, depth_multiplier";
    }
    want[nd - 1u] = g->f[ANNE__K_KERNEL_SIZE] != NULL ? (size_t)ks[1] : 0;
    want[nd] = c_in;
    want[nd + 1u] = channels;
    if (g->f[ANNE__K_KERNEL] == NULL) {
        return anne_json_fail(g->c, "missing \"kernel\" (Keras' layout: (%s))", axes);
    }
    if (anne__nested_shape(g, g->f[ANNE__K_KERNEL], "kernel", nd + 2u, want, axes, dims) != 0) return -1;
    ks[0] = nd == 2 ? (long)dims[0] : 1;
    ks[1] = (long)dims[nd - 1u];
    c_out = conv ? dims[nd + 1u] : c_in * dims[nd + 1u];
    if (ks[0] > 65535 || ks[1] > 65535 || c_out > 65535u) {
        return anne_json_fail(g->c, "\"kernel\" gives a window of %ld × %ld and %zu output channels (each at most "
                                    "65535)", ks[0], ks[1], c_out);
    }
    if (anne__window(g, nd, ks, 0, c_out) != 0) return -1;
    anne_json_kernel_layout(g->kind, nd == 1, (size_t)ks[0], (size_t)ks[1], c_in, dims[nd + 1u], dims, strides, &depth);
    if (anne__kernel_fill(g, dims, strides, depth) != 0) return -1;
    return anne__channel_list(g, ANNE__K_BIAS, c_out, conv ? "filter" : "output channel", 0, &g->bias, &g->bias_n);
}

static int anne__op_pool(anne__g *g) {
    size_t nd;
    long ks[2];
    if (anne__spatial_input(g) != 0) return -1;
    nd = anne__window_axes(g);
    /* Keras' defaults: pool_size 2, strides the pool size */
    if (anne__ints(g, ANNE__K_POOL_SIZE, nd, 2, 1, 65535, ks) != 0) return -1;
    return anne__window(g, nd, ks, 1, g->in[0].dims[g->in[0].rank - 1u]);
}

static int anne__op_global_pool(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    const cJSON *v = g->f[ANNE__K_KEEPDIMS];
    size_t dims[ANNE_MAX_RANK] = {1, 1, 1, 1}, rank = 1;
    char got[64];
    if (in->rank < 2) {
        anne_ir_tensor_describe(in, got, sizeof got);
        return anne_json_fail(g->c, "%s reads a tensor of rank 2 or more, (steps, channels) or (height, width, "
                                    "channels); its input is %s", g->kind_name, got);
    }
    if (v != NULL && !cJSON_IsBool(v)) {
        return anne_json_fail(g->c, "\"keepdims\" must be true or false, got %s",
                              anne_json_describe(v, got, sizeof got));
    }
    if (cJSON_IsTrue(v)) rank = in->rank;
    dims[rank - 1u] = in->dims[in->rank - 1u];
    return anne__make_shape(g, &g->out, rank, dims, "channels");
}

/* zero_pad2d, crop2d, upsample2d on (H, W, C), or (L, C) as the 1-D layers. */
static int anne__op_spatial(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    size_t nd = (size_t)in->rank - 1u, ax, dims[3];
    long before[2] = {0, 0}, after[2] = {0, 0}, size[2] = {1, 1};
    int key = g->kind == ANNE_OP_ZERO_PAD2D ? ANNE__K_PADDING : ANNE__K_CROPPING;
    if (anne__spatial_input(g) != 0) return -1;
    if (g->kind == ANNE_OP_UPSAMPLE2D) {
        if (anne__ints(g, ANNE__K_SIZE, nd, 2, 1, 65535, size) != 0) return -1;
    } else {
        if (g->f[key] == NULL) {
            return anne_json_fail(g->c, "missing \"%s\" (the amounts %s)", anne__op_keys[key],
                                  nd == 2 ? "[[top, bottom], [left, right]]" : "[before, after]");
        }
        if (anne__amounts(g, key, nd, 0, before, after) != 0) return -1;
    }
    for (ax = 2u - nd; ax < 2u; ax++) {
        size_t d = in->dims[ax - (2u - nd)], n;
        if (g->kind == ANNE_OP_UPSAMPLE2D) {
            n = d * (size_t)size[ax];
        } else if (g->kind == ANNE_OP_ZERO_PAD2D) {
            n = d + (size_t)before[ax] + (size_t)after[ax];
        } else {
            if ((size_t)(before[ax] + after[ax]) >= d) {
                return anne_json_fail(g->c, "\"cropping\" takes %ld + %ld of the %zu %s: nothing would be left",
                                      before[ax], after[ax], d, anne__axis_name(nd, ax - (2u - nd)));
            }
            n = d - (size_t)(before[ax] + after[ax]);
        }
        dims[ax - (2u - nd)] = n;
    }
    dims[nd] = in->dims[nd];
    g->attr[0] = (uint16_t)before[0];
    g->attr[1] = (uint16_t)before[1];
    return anne__make_shape(g, &g->out, nd + 1u, dims, nd == 2 ? "rows or columns" : "steps");
}

/* A shape setting: 1 to 4 sizes; free: one of them may be -1 (*free_at its place, else ANNE_MAX_RANK). */
static int anne__shape_list(anne__g *g, const cJSON *v, int allow_free, size_t *rank, size_t *dims, size_t *free_at) {
    const cJSON *e;
    char got[64], what[32];
    size_t k = 0;
    *free_at = ANNE_MAX_RANK;
    if (!cJSON_IsArray(v) || anne_json_array_len(v) < 1 || anne_json_array_len(v) > ANNE_MAX_RANK) {
        return anne_json_fail(g->c, "\"shape\" must be a list of 1 to 4 sizes without the batch axis%s, got %s",
                              allow_free ? " (one of them may be -1)" : "", anne_json_describe(v, got, sizeof got));
    }
    for (e = v->child; e != NULL; e = e->next, k++) {
        long d;
        if (allow_free && cJSON_IsNumber(e) && e->valuedouble == -1.0 && *free_at == ANNE_MAX_RANK) {
            *free_at = k;
            dims[k] = 1;
            continue;
        }
        snprintf(what, sizeof what, "\"shape\" value %zu", k + 1u);
        if (anne__int(g, e, what, 1, 65535, &d) != 0) return -1;
        dims[k] = (size_t)d;
    }
    *rank = k;
    return 0;
}

static int anne__op_reshape(anne__g *g) {
    size_t rank, dims[ANNE_MAX_RANK], free_at, k, known = 1, values = anne_ir_tensor_values(&g->in[0]);
    char have[64];
    if (g->f[ANNE__K_SHAPE] == NULL) {
        return anne_json_fail(g->c, "missing \"shape\" (the output's shape: 1 to 4 sizes, one of them may be -1)");
    }
    if (anne__shape_list(g, g->f[ANNE__K_SHAPE], 1, &rank, dims, &free_at) != 0) return -1;
    for (k = 0; k < rank; k++) known *= dims[k];
    anne_ir_tensor_describe(&g->in[0], have, sizeof have);
    if (free_at < ANNE_MAX_RANK) {
        if (values % known != 0) {
            return anne_json_fail(g->c, "\"shape\" cannot hold the %zu values of the input %s (not a multiple of %zu)",
                                  values, have, known);
        }
        dims[free_at] = values / known;
        known = values;
    }
    if (known != values) {
        return anne_json_fail(g->c, "\"shape\" holds %zu values, the input %s holds %zu", known, have, values);
    }
    return anne__make_shape(g, &g->out, rank, dims, "size");
}

static int anne__op_permute(anne__g *g) {
    const anne_ir_tensor *in = &g->in[0];
    const cJSON *v = g->f[ANNE__K_DIMS], *e;
    size_t k = 0, dims[ANNE_MAX_RANK];
    unsigned seen = 0;
    char got[64], what[32];
    if (!cJSON_IsArray(v) || anne_json_array_len(v) != in->rank) {
        return anne_json_fail(g->c, "\"dims\" must list the %u axes of the input in their new order, numbered from 1 "
                                    "as Keras' Permute does (e.g. [2, 1]), got %s", in->rank,
                              v != NULL ? anne_json_describe(v, got, sizeof got) : "nothing");
    }
    for (e = v->child; e != NULL; e = e->next, k++) {
        long a;
        snprintf(what, sizeof what, "\"dims\" value %zu", k + 1u);
        if (anne__int(g, e, what, 1, in->rank, &a) != 0) return -1;
        if (seen & (1u << a)) return anne_json_fail(g->c, "\"dims\" names axis %ld twice", a);
        seen |= 1u << a;
        g->attr[k] = (uint16_t)(a - 1);
        dims[k] = in->dims[a - 1];
    }
    return anne__make_shape(g, &g->out, in->rank, dims, "size");
}

static int anne__op_norm(anne__g *g) {
    static const char per[] = "channel (the input's last axis)";
    size_t c = g->in[0].dims[g->in[0].rank - 1u];
    const cJSON *e = g->f[ANNE__K_EPSILON];
    g->out = g->in[0];
    if (g->kind == ANNE_OP_CHANNEL_AFFINE) {
        if (anne__channel_list(g, ANNE__K_SCALE, c, per, 1, &g->kernel, &g->kernel_n) != 0) return -1;
        return anne__channel_list(g, ANNE__K_SHIFT, c, per, 1, &g->bias, &g->bias_n);
    }
    {
        float eps = 1e-3f; /* Keras' default */
        uint32_t bits;
        if (e != NULL && anne_json_get_float(g->c, e, "\"epsilon\"", &eps) != 0) return -1;
        if (!(eps > 0.0f)) {
            return anne_json_fail(g->c, "\"epsilon\" must be > 0 (as a 32-bit float), got %.9g", (double)eps);
        }
        memcpy(&bits, &eps, sizeof bits);
        g->attr[0] = (uint16_t)(bits & 0xFFFFu);
        g->attr[1] = (uint16_t)(bits >> 16);
    }
    if (anne__channel_list(g, ANNE__K_GAMMA, c, per, 0, &g->kernel, &g->kernel_n) != 0) return -1;
    return anne__channel_list(g, ANNE__K_BETA, c, per, 0, &g->bias, &g->bias_n);
}

/* PReLU: "alphas", one slope per channel (Keras' shared_axes over every other axis) or one per value
 * (none shared; row-major, as the tensor is flattened). */
static int anne__op_prelu(anne__g *g) {
    size_t c = g->in[0].dims[g->in[0].rank - 1u], all = anne_ir_tensor_values(&g->in[0]);
    const cJSON *v = g->f[ANNE__K_ALPHAS];
    g->out = g->in[0];
    if (!cJSON_IsArray(v) || (anne_json_array_len(v) != c && anne_json_array_len(v) != all)) {
        char got[64];
        return anne_json_fail(g->c, "\"alphas\" must be a list of %zu slopes (one per channel) or %zu (one per value), "
                                    "got %s", c, all, v != NULL ? anne_json_describe(v, got, sizeof got) : "nothing");
    }
    return anne__channel_list(g, ANNE__K_ALPHAS, anne_json_array_len(v), "slope", 1, &g->kernel, &g->kernel_n);
}

/* "input 2 (\"pool\")" into buf. */
static const char *anne__input_name(const anne__g *g, size_t k, char *buf, size_t cap) {
    const char *name = g->names[g->inputs[k]];
    if (name != NULL) snprintf(buf, cap, "input %zu (\"%.60s\")", k + 1u, name);
    else snprintf(buf, cap, "input %zu (op %u)", k + 1u, g->inputs[k]);
    return buf;
}

static int anne__op_merge(anne__g *g) {
    size_t k;
    char a[96], b[96], sa[64], sb[64];
    g->out = g->in[0];
    if (g->kind == ANNE_OP_CONCAT) {
        long axis = -1, rank = g->in[0].rank, sum = 0, d;
        size_t ax;
        const cJSON *v = g->f[ANNE__K_AXIS];
        if (v != NULL && anne__int(g, v, "\"axis\"", -rank, rank, &axis) != 0) return -1;
        if (axis == 0) {
            return anne_json_fail(g->c, "\"axis\" 0 is the batch axis, which cannot be joined (Keras' numbering: 1 is "
                                        "the tensor's first axis, -1 its last)");
        }
        ax = (size_t)(axis < 0 ? rank + axis : axis - 1);
        for (k = 0; k < g->n_in; k++) {
            for (d = 0; d < rank; d++) {
                if (g->in[k].rank != g->in[0].rank || ((size_t)d != ax && g->in[k].dims[d] != g->in[0].dims[d])) break;
            }
            if (d < rank) {
                anne_ir_tensor_describe(&g->in[k], sa, sizeof sa);
                anne_ir_tensor_describe(&g->in[0], sb, sizeof sb);
                return anne_json_fail(g->c, "%s is %s but %s is %s: concat's inputs agree on every axis but the one "
                                            "joined (axis %ld)", anne__input_name(g, k, a, sizeof a), sa,
                                      anne__input_name(g, 0, b, sizeof b), sb, axis);
            }
            sum += g->in[k].dims[ax];
        }
        if (sum > 65535) return anne_json_fail(g->c, "the joined axis would have %ld entries, at most 65535", sum);
        g->attr[0] = (uint16_t)ax;
        g->out.dims[ax] = (uint16_t)sum;
        return 0;
    }
    {
        const anne_ir_tensor *in[ANNE_MAX_OP_INPUTS];
        for (k = 0; k < g->n_in; k++) in[k] = &g->in[k];
        k = anne_ir_broadcast(in, g->n_in, &g->out);
    }
    if (k != 0) {
        anne_ir_tensor_describe(&g->in[k - 1u], sa, sizeof sa);
        anne_ir_tensor_describe(&g->in[0], sb, sizeof sb);
        return anne_json_fail(g->c, "%s is %s but %s is %s: %s takes inputs of one shape, or shapes that broadcast "
                                    "(each axis, counted from the last, equal or 1)",
                              anne__input_name(g, k - 1u, a, sizeof a), sa, anne__input_name(g, 0, b, sizeof b), sb,
                              g->kind_name);
    }
    return 0;
}

/* ---- one op ----------------------------------------------------------------------------------- */

/* "op" and the keys its kind takes. */
static int anne__read_kind(anne__g *g) {
    const cJSON *v = g->f[ANNE__K_OP];
    unsigned long long allowed;
    size_t k;
    char got[64];
    if (v == NULL) return anne_json_fail(g->c, "missing \"op\" (what the op does, e.g. \"conv2d\" or \"add\")");
    if (!cJSON_IsString(v)) {
        return anne_json_fail(g->c, "\"op\" must be a name such as \"conv2d\", got %s",
                              anne_json_describe(v, got, sizeof got));
    }
    for (k = 1; k < (size_t)ANNE_OP_KIND_COUNT; k++) {
        /* the runtime's names ("Conv2D", "MaxPool2D", ...) are accepted too */
        if (strcmp(v->valuestring, anne__op_names[k]) == 0 ||
            strcmp(v->valuestring, anne_op_kind_name((anne_op_kind)k)) == 0) {
            break;
        }
    }
    if (k == (size_t)ANNE_OP_KIND_COUNT) {
        char list[512] = "";
        size_t at = 0;
        for (k = 1; k < (size_t)ANNE_OP_KIND_COUNT; k++) {
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k > 1 ? ", " : "", anne__op_names[k]);
            if (at >= sizeof list) at = sizeof list - 1u;
        }
        return anne_json_fail(g->c, "unknown op \"%.60s\" (known: %s)", v->valuestring, list);
    }
    g->kind = (anne_op_kind)k;
    g->kind_name = anne__op_names[k];
    allowed = anne__kind_keys(g->kind);
    for (k = ANNE__K_UNITS; k < ANNE__K_COUNT; k++) {
        if (g->f[k] != NULL && !(allowed & ANNE__B(k))) {
            char list[256] = "";
            size_t j, at = 0;
            for (j = ANNE__K_UNITS; j < ANNE__K_COUNT; j++) {
                if (!(allowed & ANNE__B(j))) continue;
                at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", at ? ", " : "", anne__op_keys[j]);
                if (at >= sizeof list) at = sizeof list - 1u;
            }
            return anne_json_fail(g->c, "\"%s\" is not a setting of %s (%s%s; every op takes name, inputs, shape, "
                                        "activation)", anne__op_keys[k], g->kind_name, at ? "it takes " : "it has none",
                                  list);
        }
    }
    return 0;
}

/* The input of the model named name, or n_model_in. */
static size_t anne__input_named(const anne__g *g, const char *name) {
    size_t j;
    for (j = 0; j < g->n_model_in && strcmp(g->names[j], name) != 0; j++) {
    }
    return j;
}

/* One of "inputs": an input of the model ("input" when there is one), or the name of an op before this
 * one. */
static int anne__resolve(anne__g *g, const cJSON *v, size_t k, uint16_t *t) {
    size_t j, self = g->n_model_in + g->index;
    char got[64];
    if (!cJSON_IsString(v)) {
        return anne_json_fail(g->c, "\"inputs\" value %zu must be the name of an op before this one (or of an input "
                                    "of the model), got %s", k + 1u, anne_json_describe(v, got, sizeof got));
    }
    if (anne__input_named(g, v->valuestring) < g->n_model_in) {
        *t = (uint16_t)anne__input_named(g, v->valuestring);
        return 0;
    }
    for (j = g->n_model_in; j < self; j++) {
        if (g->names[j] != NULL && strcmp(g->names[j], v->valuestring) == 0) {
            *t = (uint16_t)j;
            return 0;
        }
    }
    for (j = self; j < g->n_model_in + g->n; j++) {
        if (g->names[j] != NULL && strcmp(g->names[j], v->valuestring) == 0) {
            if (j == self) {
                return anne_json_fail(g->c, "\"inputs\" value %zu names this op itself (\"%.60s\"): an op reads the "
                                            "input or ops before it", k + 1u, v->valuestring);
            }
            return anne_json_fail(g->c, "\"inputs\" value %zu names op %zu (\"%.60s\"), which comes later: an op reads "
                                        "only %s and the ops before it (list the ops in the order they run)", k + 1u,
                                  j - g->n_model_in + 1u, v->valuestring,
                                  g->n_model_in == 1 ? "\"input\"" : "the model's inputs");
        }
    }
    return anne_json_fail(g->c, "\"inputs\" value %zu: no op is named \"%.60s\" (an input is %s or the name of an op "
                                "before this one)", k + 1u, v->valuestring,
                          g->n_model_in == 1 ? "\"input\"" : "the name of an input of the model");
}

static int anne__read_inputs(anne__g *g) {
    const cJSON *v = g->f[ANNE__K_INPUTS], *e;
    size_t k = 0, lo = anne__is_merge(g->kind) ? 2u : 1u, hi = anne__is_merge(g->kind) ? ANNE_MAX_OP_INPUTS : 1u;
    char got[64];
    if (g->kind == ANNE_OP_SUBTRACT) lo = hi = 2;
    if (v == NULL) { /* the op before (or the model's first input) */
        g->inputs[0] = (uint16_t)(g->index == 0 ? 0u : g->n_model_in + g->index - 1u);
        g->n_in = 1;
    } else {
        if (!cJSON_IsArray(v)) {
            return anne_json_fail(g->c, "\"inputs\" must be a list of names (\"input\" or ops before this one), got %s",
                                  anne_json_describe(v, got, sizeof got));
        }
        g->n_in = anne_json_array_len(v);
        if (g->n_in < 1 || g->n_in > ANNE_MAX_OP_INPUTS) {
            return anne_json_fail(g->c, "\"inputs\" has %zu names, expected 1 to %u", g->n_in, ANNE_MAX_OP_INPUTS);
        }
        for (e = v->child; e != NULL; e = e->next, k++) {
            if (anne__resolve(g, e, k, &g->inputs[k]) != 0) return -1;
        }
    }
    if (g->n_in < lo || g->n_in > hi) {
        if (lo == hi) {
            return anne_json_fail(g->c, "%s takes %zu input%s, got %zu%s", g->kind_name, lo, lo == 1 ? "" : "s",
                                  g->n_in, v == NULL ? " (\"inputs\" names them)" : "");
        }
        return anne_json_fail(g->c, "%s takes %zu to %zu inputs, got %zu%s", g->kind_name, lo, hi, g->n_in,
                              v == NULL ? " (\"inputs\" names them, e.g. [\"conv1\", \"conv2\"])" : "");
    }
    for (k = 0; k < g->n_in; k++) g->in[k] = g->ir->tensors[g->inputs[k]];
    return 0;
}

/* "name": unique, and not "input". Sets where to name the op. */
static int anne__read_name(anne__g *g) {
    const cJSON *v = g->f[ANNE__K_NAME];
    size_t j;
    char got[64];
    if (v == NULL || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsString(v)) {
        return anne_json_fail(g->c, "\"name\" must be a string, got %s", anne_json_describe(v, got, sizeof got));
    }
    if (v->valuestring[0] == '\0') return 0;
    snprintf(g->c->where, sizeof g->c->where, "op %zu (\"%.60s\")", g->index + 1u, v->valuestring);
    if (anne__input_named(g, v->valuestring) < g->n_model_in) {
        return anne_json_fail(g->c, "the name \"%.60s\" is the model's input's: give the op another", v->valuestring);
    }
    for (j = g->n_model_in; j < g->n_model_in + g->index; j++) {
        if (g->names[j] != NULL && strcmp(g->names[j], v->valuestring) == 0) {
            return anne_json_fail(g->c, "the name \"%.60s\" is op %zu's already: every op needs a name of its own "
                                        "(inputs refer to ops by name)", v->valuestring, j - g->n_model_in + 1u);
        }
    }
    return 0;
}

/* "shape", when given, must be the shape the settings give (reshape's is its setting). */
static int anne__check_shape(anne__g *g) {
    size_t rank, dims[ANNE_MAX_RANK], free_at, k;
    char have[64], want[64];
    if (g->f[ANNE__K_SHAPE] == NULL || g->kind == ANNE_OP_RESHAPE) return 0;
    if (anne__shape_list(g, g->f[ANNE__K_SHAPE], 0, &rank, dims, &free_at) != 0) return -1;
    for (k = 0; k < rank && rank == g->out.rank; k++) {
        if (dims[k] != g->out.dims[k]) break;
    }
    if (rank != g->out.rank || k < rank) {
        anne__describe_dims(dims, rank, have, sizeof have);
        anne_ir_tensor_describe(&g->out, want, sizeof want);
        return anne_json_fail(g->c, "\"shape\" says %s but the op's settings and inputs give %s", have, want);
    }
    return 0;
}

static int anne__read_op(anne__g *g, const cJSON *obj) {
    anne_activation act = ANNE_ACT_LINEAR;
    float param[3];
    anne_ir_op *op;
    anne_error e;
    char got[64];
    int rc;
    snprintf(g->c->where, sizeof g->c->where, "op %zu", g->index + 1u);
    memset(g->attr, 0, sizeof g->attr);
    if (!cJSON_IsObject(obj)) {
        return anne_json_fail(g->c, "must be an object such as {\"op\": \"conv2d\", ...}, got %s",
                              anne_json_describe(obj, got, sizeof got));
    }
    if (anne_json_keys(g->c, obj, anne__op_keys, g->f) != 0 || anne__read_name(g) != 0 || anne__read_kind(g) != 0 ||
        anne__read_inputs(g) != 0) {
        return -1;
    }
    switch (g->kind) {
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM: rc = anne__op_rnn(g); break;
    case ANNE_OP_DENSE: rc = anne__op_dense(g); break;
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D: rc = anne__op_conv(g); break;
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D: rc = anne__op_pool(g); break;
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL: rc = anne__op_global_pool(g); break;
    case ANNE_OP_ZERO_PAD2D:
    case ANNE_OP_CROP2D:
    case ANNE_OP_UPSAMPLE2D: rc = anne__op_spatial(g); break;
    case ANNE_OP_RESHAPE: rc = anne__op_reshape(g); break;
    case ANNE_OP_PERMUTE: rc = anne__op_permute(g); break;
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM: rc = anne__op_norm(g); break;
    case ANNE_OP_ACTIVATION: g->out = g->in[0]; rc = 0; break;
    case ANNE_OP_PRELU: rc = anne__op_prelu(g); break;
    default: rc = anne__op_merge(g); break;
    }
    if (rc != 0 || anne_json_read_activation(g->c, g->f[ANNE__K_ACT], &g->f[ANNE__K_ALPHA], &act, param) != 0) {
        return -1;
    }
    if (act == ANNE_ACT_PRELU) {
        return anne_json_fail(g->c, "prelu cannot be an op's activation (it has one slope per unit, which graph models "
                                    "do not hold)");
    }
    if (anne__check_shape(g) != 0) return -1;
    op = anne_ir_add_op(g->ir, g->kind, g->n_in, g->inputs, &g->out, NULL, &e);
    if (op == NULL) return anne_json_fail(g->c, "%s", e.msg);
    op->activation = act;
    memcpy(op->param, param, sizeof param);
    memcpy(op->attr, g->attr, sizeof g->attr);
    op->kernel = g->kernel;
    op->kernel_n = g->kernel_n;
    op->bias = g->bias;
    op->bias_n = g->bias_n;
    g->kernel = g->bias = NULL;
    g->kernel_n = g->bias_n = 0;
    if (g->names[g->n_model_in + g->index] != NULL &&
        (op->name = anne_json_strdup(g->names[g->n_model_in + g->index])) == NULL) {
        return anne_json_fail(g->c, "out of memory");
    }
    return 0;
}

/* "outputs": op names, each once, in the model's output order; absent: the last op. Then the outputs'
 * values side by side, at most 65535. */
static int anne__read_outputs(anne__g *g, const cJSON *v) {
    uint16_t list[ANNE_MAX_MODEL_IO];
    size_t k = 0, j, values;
    const cJSON *e;
    char got[64];
    anne_error err;
    anne_ir *ir = g->ir;
    if (v != NULL && !cJSON_IsNull(v)) {
        if (!cJSON_IsArray(v) || anne_json_array_len(v) < 1 || anne_json_array_len(v) > ANNE_MAX_MODEL_IO) {
            return anne_json_fail(g->c, "\"outputs\" must be a list of 1 to %u op names, got %s",
                                  (unsigned)ANNE_MAX_MODEL_IO, anne_json_describe(v, got, sizeof got));
        }
        for (e = v->child; e != NULL; e = e->next, k++) {
            for (j = g->n_model_in; j < g->n_model_in + g->n; j++) {
                if (cJSON_IsString(e) && g->names[j] != NULL && strcmp(g->names[j], e->valuestring) == 0) break;
            }
            if (j == g->n_model_in + g->n) {
                return anne_json_fail(g->c, "\"outputs\" value %zu must name an op, got %s", k + 1u,
                                      anne_json_describe(e, got, sizeof got));
            }
            list[k] = (uint16_t)j;
        }
        if (anne_ir_set_outputs(ir, k, list, &err) != 0) return anne_json_fail(g->c, "\"outputs\": %s", err.msg);
    }
    values = anne_ir_output_values(ir);
    if (values > 65535u && anne_ir_n_outputs(ir) == 1) {
        char shape[64];
        const anne_ir_tensor *t = &ir->tensors[anne_ir_output(ir, 0)];
        anne_ir_tensor_describe(t, shape, sizeof shape);
        return anne_json_fail(g->c, "the model's output (the %s op's) is %s, %zu values; a model's output holds at most "
                                    "65535", ir->n_output_tensors == 0 ? "last" : "listed", shape, values);
    }
    if (values > 65535u) {
        return anne_json_fail(g->c, "the model's outputs have %zu values; a model's outputs hold at most 65535", values);
    }
    return 0;
}

int anne_json_read_ops(anne_json_ctx *c, const cJSON *ops, const cJSON *outputs, const char *const *input_names,
                       anne_ir *ir) {
    anne__g g;
    const cJSON *e;
    size_t i = 0;
    int rc = 0;
    char got[64];
    if (!cJSON_IsArray(ops)) {
        return anne_json_fail(c, "\"ops\" must be a list of ops, got %s", anne_json_describe(ops, got, sizeof got));
    }
    memset(&g, 0, sizeof g);
    g.c = c;
    g.ir = ir;
    g.n = anne_json_array_len(ops);
    if (g.n == 0) return anne_json_fail(c, "\"ops\" is empty: a graph needs at least one op");
    if (g.n + ir->n_input_tensors > ANNE_MAX_TENSORS) {
        return anne_json_fail(c, "\"ops\" has %zu ops, at most %u", g.n,
                              (unsigned)(ANNE_MAX_TENSORS - ir->n_input_tensors));
    }
    g.n_model_in = ir->n_input_tensors;
    g.names = calloc(g.n_model_in + g.n, sizeof *g.names);
    if (g.names == NULL) return anne_json_fail(c, "out of memory");
    for (i = 0; i < g.n_model_in; i++) g.names[i] = input_names[i];
    for (e = ops->child, i = 0; e != NULL; e = e->next, i++) {
        const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "name") : NULL;
        if (cJSON_IsString(name) && name->valuestring[0] != '\0') g.names[g.n_model_in + i] = name->valuestring;
    }
    for (e = ops->child, g.index = 0; e != NULL && rc == 0; e = e->next, g.index++) rc = anne__read_op(&g, e);
    if (rc == 0 && outputs != NULL) c->where[0] = '\0'; /* else the last op's place names the output */
    if (rc == 0) rc = anne__read_outputs(&g, outputs);
    free(g.kernel);
    free(g.bias);
    free(g.names);
    return rc;
}
