/* Graph models in the IR (anne_ir_graph.h). */
#include "anne_ir_graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_plan.h"

size_t anne_ir_tensor_values(const anne_ir_tensor *t) {
    size_t n = 1, k;
    for (k = 0; k < t->rank; k++) n *= t->dims[k];
    return n;
}

int anne_ir_tensor_same(const anne_ir_tensor *a, const anne_ir_tensor *b) {
    size_t k;
    if (a->rank != b->rank) return 0;
    for (k = 0; k < a->rank; k++) {
        if (a->dims[k] != b->dims[k]) return 0;
    }
    return 1;
}

size_t anne_ir_broadcast(const anne_ir_tensor *const *in, size_t n, anne_ir_tensor *out) {
    size_t k, d;
    *out = *in[0];
    for (k = 1; k < n; k++) {
        const anne_ir_tensor *t = in[k];
        anne_ir_tensor r;
        memset(&r, 0, sizeof r);
        r.rank = t->rank > out->rank ? t->rank : out->rank;
        for (d = 0; d < ANNE_MAX_RANK; d++) r.dims[d] = 1;
        for (d = 0; d < r.rank; d++) { /* d: the d-th axis from the last */
            uint16_t a = d < out->rank ? out->dims[out->rank - 1u - d] : 1u, b = d < t->rank ? t->dims[t->rank - 1u - d] : 1u;
            if (a != b && a != 1u && b != 1u) return k + 1u;
            r.dims[r.rank - 1u - d] = a > b ? a : b;
        }
        *out = r;
    }
    return 0;
}

float *anne_ir_prelu_slopes(const anne_ir_tensor *in, const anne_ir_tensor *a, const float *alpha, uint32_t *n) {
    size_t k, i, lead = (size_t)in->rank - a->rank, c = in->dims[in->rank - 1u];
    int per_channel = 1;
    float *s;
    for (k = 0; k + 1u < a->rank; k++) per_channel = per_channel && a->dims[k] == 1u;
    *n = (uint32_t)(per_channel ? c : anne_ir_tensor_values(in));
    s = malloc(*n * sizeof *s);
    if (s == NULL) return NULL;
    for (i = 0; i < *n; i++) {
        /* value i of (C) or of in's shape, read at alpha's own index: 0 along its axes of 1 */
        size_t rest = i, at = 0, stride = 1, d;
        for (d = in->rank; d-- > 0;) {
            size_t size = per_channel && d + 1u < in->rank ? 1u : in->dims[d], idx = rest % size;
            size_t ad = d >= lead ? a->dims[d - lead] : 1u;
            rest /= size;
            at += (ad == 1u ? 0u : idx) * stride;
            stride *= ad;
        }
        s[i] = alpha[at];
    }
    return s;
}

void anne_ir_tensor_describe(const anne_ir_tensor *t, char *buf, size_t cap) {
    size_t at = 0, k;
    at += (size_t)snprintf(buf, cap, "(");
    for (k = 0; k < t->rank && at < cap; k++) at += (size_t)snprintf(buf + at, cap - at, "%s%u", k ? ", " : "", t->dims[k]);
    if (at < cap) snprintf(buf + at, cap - at, "%s)", t->rank == 1 ? "," : "");
}

const char *anne_op_kind_name(anne_op_kind kind) {
    static const char *const names[] = {
        "?", "Dense", "Conv2D", "DepthwiseConv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool", "GlobalMaxPool",
        "ZeroPad2D", "Crop2D", "UpSample2D", "Reshape", "Permute", "ChannelAffine", "LayerNorm", "Add",
        "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Activation", "PReLU", "SimpleRNN",
        "GRU", "LSTM",
    };
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* Checks a shape: rank 1 ... 4, every dimension 1 ... 65535, at most ANNE_MAX_TENSOR_VALUES values. */
static int anne__shape_ok(const anne_ir_tensor *t, anne_error *err) {
    size_t k, n = 1;
    if (t->rank < 1 || t->rank > ANNE_MAX_RANK) return anne_error_set(err, "a tensor of rank %u (1 to 4 supported)", t->rank);
    for (k = 0; k < t->rank; k++) {
        if (t->dims[k] == 0) return anne_error_set(err, "a tensor with a dimension of size 0");
        n *= t->dims[k];
        if (n > ANNE_MAX_TENSOR_VALUES) {
            return anne_error_set(err, "a tensor of more than %u values", (unsigned)ANNE_MAX_TENSOR_VALUES);
        }
    }
    return 0;
}

int anne_ir_graph_start(anne_ir *ir, size_t rank, const size_t *dims, anne_error *err) {
    free(ir->tensors);
    ir->tensors = NULL;
    ir->n_ops = 0;
    ir->n_inputs = 0;
    ir->n_input_tensors = 0;
    ir->n_output_tensors = 0;
    return anne_ir_graph_add_input(ir, rank, dims, err);
}

int anne_ir_graph_add_input(anne_ir *ir, size_t rank, const size_t *dims, anne_error *err) {
    anne_ir_tensor t, *tensors;
    size_t k, n = ir->n_input_tensors;
    memset(&t, 0, sizeof t);
    if (ir->n_ops != 0) return anne_error_set(err, "an input added after the ops");
    if (n == ANNE_MAX_MODEL_IO) return anne_error_set(err, "more than %u inputs", (unsigned)ANNE_MAX_MODEL_IO);
    if (rank < 1 || rank > ANNE_MAX_RANK) {
        return anne_error_set(err, "the input has %zu dimensions besides the batch; ANNE's tensors have 1 to 4", rank);
    }
    t.rank = (uint8_t)rank;
    for (k = 0; k < ANNE_MAX_RANK; k++) {
        if (k < rank && (dims[k] < 1 || dims[k] > 65535u)) {
            return anne_error_set(err, "the input's dimension %zu is %zu (expected 1 to 65535)", k + 1u, dims[k]);
        }
        t.dims[k] = (uint16_t)(k < rank ? dims[k] : 1u);
    }
    if (anne__shape_ok(&t, err) != 0) return -1;
    if (ir->n_inputs + anne_ir_tensor_values(&t) > 65535u) {
        return anne_error_set(err, "the input%s %zu values; a model's inputs hold at most 65535 in all",
                              n == 0 ? " has" : "s have", ir->n_inputs + anne_ir_tensor_values(&t));
    }
    tensors = realloc(ir->tensors, (n + 1u) * sizeof *tensors);
    if (tensors == NULL) return anne_error_set(err, "out of memory");
    ir->tensors = tensors;
    ir->tensors[n] = t;
    ir->n_input_tensors = (uint16_t)(n + 1u);
    ir->n_inputs = (uint16_t)(ir->n_inputs + anne_ir_tensor_values(&t));
    return 0;
}

size_t anne_ir_n_tensors(const anne_ir *ir) {
    return ir->n_input_tensors + ir->n_ops;
}

size_t anne_ir_op_output(const anne_ir *ir, size_t i) {
    return ir->n_input_tensors + i;
}

size_t anne_ir_n_outputs(const anne_ir *ir) {
    return ir->n_output_tensors > 0 ? ir->n_output_tensors : 1u;
}

size_t anne_ir_output(const anne_ir *ir, size_t k) {
    return ir->n_output_tensors > 0 ? ir->outputs[k] : anne_ir_n_tensors(ir) - 1u;
}

int anne_ir_is_output(const anne_ir *ir, size_t t) {
    size_t k;
    for (k = 0; k < anne_ir_n_outputs(ir); k++) {
        if (anne_ir_output(ir, k) == t) return 1;
    }
    return 0;
}

size_t anne_ir_output_values(const anne_ir *ir) {
    size_t k, n = 0;
    for (k = 0; k < anne_ir_n_outputs(ir); k++) n += anne_ir_tensor_values(&ir->tensors[anne_ir_output(ir, k)]);
    return n;
}

int anne_ir_set_outputs(anne_ir *ir, size_t n, const uint16_t *list, anne_error *err) {
    size_t k, j;
    if (n < 1 || n > ANNE_MAX_MODEL_IO) {
        return anne_error_set(err, "%zu outputs (ANNE converts models with 1 to %u)", n, (unsigned)ANNE_MAX_MODEL_IO);
    }
    for (k = 0; k < n; k++) {
        if (list[k] < ir->n_input_tensors || list[k] >= anne_ir_n_tensors(ir)) {
            return anne_error_set(err, "output %zu is %s", k + 1u,
                                  list[k] < ir->n_input_tensors ? "an input of the model (no op computes it)"
                                                                : "not a tensor of the graph");
        }
        for (j = 0; j < k; j++) {
            if (list[j] == list[k]) return anne_error_set(err, "outputs %zu and %zu are the same tensor", j + 1u, k + 1u);
        }
        ir->outputs[k] = list[k];
    }
    ir->n_output_tensors = (uint16_t)n;
    return 0;
}

anne_ir_op *anne_ir_add_op(anne_ir *ir, anne_op_kind kind, size_t n_inputs, const uint16_t *inputs,
                           const anne_ir_tensor *out, uint16_t *index, anne_error *err) {
    anne_ir_op *ops, *op;
    anne_ir_tensor *tensors, shape = *out; /* out may point into ir->tensors, which moves */
    size_t k;
    if (anne_ir_n_tensors(ir) + 1u > ANNE_MAX_TENSORS) {
        anne_error_set(err, "more than %u ops", (unsigned)(ANNE_MAX_TENSORS - ir->n_input_tensors));
        return NULL;
    }
    if (n_inputs < 1 || n_inputs > ANNE_MAX_OP_INPUTS) {
        anne_error_set(err, "%zu inputs (an op takes 1 to %u)", n_inputs, (unsigned)ANNE_MAX_OP_INPUTS);
        return NULL;
    }
    if (anne__shape_ok(out, err) != 0) return NULL;
    ops = realloc(ir->ops, (ir->n_ops + 1u) * sizeof *ops);
    if (ops == NULL) goto oom;
    ir->ops = ops;
    tensors = realloc(ir->tensors, (anne_ir_n_tensors(ir) + 1u) * sizeof *tensors);
    if (tensors == NULL) goto oom;
    ir->tensors = tensors;
    op = &ir->ops[ir->n_ops];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->activation = ANNE_ACT_LINEAR;
    op->n_inputs = (uint8_t)n_inputs;
    for (k = 0; k < n_inputs; k++) op->inputs[k] = inputs[k];
    ir->n_ops++;
    ir->tensors[anne_ir_n_tensors(ir) - 1u] = shape;
    if (index != NULL) *index = (uint16_t)(anne_ir_n_tensors(ir) - 1u);
    return op;
oom:
    anne_error_set(err, "out of memory");
    return NULL;
}

size_t anne_ir_tensor_readers(const anne_ir *ir, size_t t) {
    size_t i, k, n = 0;
    for (i = 0; i < ir->n_ops; i++) {
        for (k = 0; k < ir->ops[i].n_inputs; k++) n += ir->ops[i].inputs[k] == t;
    }
    return n;
}

static void anne__free_op(anne_ir_op *op) {
    free(op->kernel);
    free(op->bias);
    free(op->name);
}

/* A tensor index after tensor `gone` was removed and replaced by tensor `by`. */
static void anne__renumber(uint16_t *t, uint16_t gone, uint16_t by) {
    if (*t == gone) *t = by;
    else if (*t > gone) (*t)--;
}

void anne_ir_remove_op(anne_ir *ir, size_t j) {
    uint16_t gone = (uint16_t)anne_ir_op_output(ir, j), by = ir->ops[j].inputs[0];
    size_t i, k;
    anne__free_op(&ir->ops[j]);
    memmove(&ir->ops[j], &ir->ops[j + 1u], (ir->n_ops - j - 1u) * sizeof *ir->ops);
    memmove(&ir->tensors[gone], &ir->tensors[gone + 1u], (ir->n_ops - j - 1u) * sizeof *ir->tensors);
    ir->n_ops--;
    for (i = 0; i < ir->n_ops; i++) {
        for (k = 0; k < ir->ops[i].n_inputs; k++) anne__renumber(&ir->ops[i].inputs[k], gone, by);
    }
    for (k = 0; k < ir->n_output_tensors; k++) anne__renumber(&ir->outputs[k], gone, by);
}

/* Scales output channel c of a DENSE, CONV2D or DEPTHWISE_CONV2D op by s[c] and adds t[c] after:
 * (w * x + b) * s + t = (w * s) * x + (b * s + t). Computed in double, rounded once. */
static int anne__fold_affine(anne_ir_op *p, size_t channels, const float *s, const float *t) {
    size_t k, per = p->kernel_n / channels;
    if (p->bias == NULL) {
        p->bias = calloc(channels, sizeof *p->bias);
        if (p->bias == NULL) return -1;
        p->bias_n = (uint32_t)channels;
    }
    for (k = 0; k < p->kernel_n; k++) {
        size_t c = p->kind == ANNE_OP_DEPTHWISE_CONV2D ? k % channels : k / per;
        p->kernel[k] = (float)((double)p->kernel[k] * (double)s[c]);
    }
    for (k = 0; k < channels; k++) p->bias[k] = (float)((double)p->bias[k] * (double)s[k] + (double)t[k]);
    return 0;
}

/* The op that writes tensor t when it may take a step after it: its output read by nothing else and
 * not an output of the model, its activation linear, and not one of the model's inputs. */
static anne_ir_op *anne__foldable_producer(anne_ir *ir, uint16_t t) {
    anne_ir_op *p;
    if (t < ir->n_input_tensors || anne_ir_tensor_readers(ir, t) != 1 || anne_ir_is_output(ir, t)) return NULL;
    p = &ir->ops[t - ir->n_input_tensors];
    return p->activation == ANNE_ACT_LINEAR ? p : NULL;
}

int anne_ir_graph_simplify(anne_ir *ir, anne_error *err) {
    size_t j;
    /* dead ops, from the end (removing one may leave its inputs unread); without an output list the
     * last op is the output */
    for (j = ir->n_ops; j-- > 0;) {
        size_t t = anne_ir_op_output(ir, j);
        if (anne_ir_tensor_readers(ir, t) == 0 && !anne_ir_is_output(ir, t)) anne_ir_remove_op(ir, j);
    }
    if (ir->n_output_tensors == 1u && ir->outputs[0] + 1u == anne_ir_n_tensors(ir)) ir->n_output_tensors = 0;
    for (j = 0; j < ir->n_ops; j++) {
        anne_ir_op *op = &ir->ops[j], *p;
        if (op->kind != ANNE_OP_CHANNEL_AFFINE && op->kind != ANNE_OP_ACTIVATION) continue;
        /* without an output list, the op before must be the tensor before when this is the model's
         * output (anne_ir_remove_op) */
        if (ir->n_output_tensors == 0 && j + 1u == ir->n_ops && op->inputs[0] + 1u != anne_ir_op_output(ir, j)) {
            continue;
        }
        p = anne__foldable_producer(ir, op->inputs[0]);
        if (p == NULL) continue;
        if (op->kind == ANNE_OP_CHANNEL_AFFINE) {
            if (op->activation != ANNE_ACT_LINEAR || (p->kind != ANNE_OP_DENSE && p->kind != ANNE_OP_CONV2D &&
                                                      p->kind != ANNE_OP_DEPTHWISE_CONV2D)) {
                continue;
            }
            if (anne__fold_affine(p, op->kernel_n, op->kernel, op->bias) != 0) {
                return anne_error_set(err, "out of memory");
            }
        } else {
            p->activation = op->activation;
            memcpy(p->param, op->param, sizeof p->param);
        }
        anne_ir_remove_op(ir, j);
        j--; /* the op now at j is the next one */
    }
    return 0;
}

/* Ops whose output may take the place of their first input when it is read by nothing later
 * (docs/format.md, "Memory plan"). */
static int anne__elementwise(anne_op_kind k) {
    return k == ANNE_OP_RESHAPE || k == ANNE_OP_CHANNEL_AFFINE || k == ANNE_OP_LAYER_NORM || k == ANNE_OP_ACTIVATION ||
           k == ANNE_OP_PRELU || (k >= ANNE_OP_ADD && k <= ANNE_OP_MINIMUM);
}

/* Lifetimes and in-place pairs for the planner: a tensor lives from its writer (op i - n_inputs; the
 * inputs from the start) to its last reader; the model's outputs to the end. Each place holds its
 * values at bytes_per_value, rounded up to a multiple of 4. */
static void anne__lifetimes(const anne_ir *ir, uint32_t bytes_per_value, anne_plan_tensor *t) {
    size_t i, k, n = anne_ir_n_tensors(ir), n_in = ir->n_input_tensors;
    for (i = 0; i < n; i++) {
        t[i].bytes = ((uint32_t)(bytes_per_value * anne_ir_tensor_values(&ir->tensors[i])) + 3u) & ~3u;
        t[i].last = anne_ir_is_output(ir, i) ? (uint32_t)ir->n_ops : (uint32_t)(i > n_in ? i - n_in : 0u);
        t[i].in_place_of = -1;
    }
    for (i = 0; i < ir->n_ops; i++) {
        for (k = 0; k < ir->ops[i].n_inputs; k++) {
            uint16_t u = ir->ops[i].inputs[k];
            if (t[u].last < i) t[u].last = (uint32_t)i;
        }
    }
    for (i = 0; i < ir->n_ops; i++) {
        uint16_t u = ir->ops[i].inputs[0];
        const anne_ir_tensor *out = &ir->tensors[n_in + i];
        if (anne__elementwise(ir->ops[i].kind) && t[u].last == i && t[u].bytes == t[n_in + i].bytes) {
            t[n_in + i].in_place_of = u;
        }
        /* a recurrent op's state and gates (anne.h) */
        t[n_in + i].scratch = 4u * ANNE_RNN_SCRATCH_PER_UNIT(ir->ops[i].kind) * out->dims[out->rank - 1u];
    }
}

int anne_ir_graph_plan(const anne_ir *ir, uint32_t bytes_per_value, uint32_t *offsets, uint32_t *scratch_offsets,
                       uint32_t *arena_bytes, anne_error *err) {
    size_t i, n = anne_ir_n_tensors(ir);
    anne_plan_tensor *plan = calloc(n, sizeof *plan);
    uint32_t end;
    if (plan == NULL) return anne_error_set(err, "out of memory");
    anne__lifetimes(ir, bytes_per_value, plan);
    if (anne_plan_arena(plan, n, ir->n_input_tensors, arena_bytes, err) != 0) {
        free(plan);
        return -1;
    }
    /* the arena ends where the furthest tensor's values do (an int8 place's padding is not needed) */
    *arena_bytes = 0;
    for (i = 0; i < n; i++) {
        offsets[i] = plan[i].offset;
        end = plan[i].offset + bytes_per_value * (uint32_t)anne_ir_tensor_values(&ir->tensors[i]);
        if (end > *arena_bytes) *arena_bytes = end;
        if (plan[i].scratch != 0 && plan[i].scratch_offset + plan[i].scratch > *arena_bytes) {
            *arena_bytes = plan[i].scratch_offset + plan[i].scratch;
        }
        if (scratch_offsets != NULL) scratch_offsets[i] = plan[i].scratch != 0 ? plan[i].scratch_offset : 0u;
    }
    free(plan);
    return 0;
}

int anne_ir_graph_write_desc(const anne_graph_desc *d, unsigned char **bytes, size_t *size, anne_error *err) {
    size_t need = 0;
    anne_status st = anne_graph_write(d, NULL, 0, &need);
    *bytes = NULL;
    *size = 0;
    if (st == ANNE_OK) {
        *bytes = malloc(need);
        if (*bytes == NULL) return anne_error_set(err, "out of memory");
        st = anne_graph_write(d, *bytes, need, size);
    }
    if (st != ANNE_OK) {
        free(*bytes);
        *bytes = NULL;
        *size = 0;
        return anne_error_set(err, "cannot write the graph model: %s", anne_status_str(st));
    }
    return 0;
}

int anne_ir_graph_serialize(const anne_ir *ir, unsigned char **bytes, size_t *size, anne_error *err) {
    size_t i, n = anne_ir_n_tensors(ir);
    uint16_t outputs[ANNE_MAX_MODEL_IO];
    uint32_t *offsets = calloc(n, sizeof *offsets), *scratch = calloc(n, sizeof *scratch);
    anne_tensor *tensors = calloc(n, sizeof *tensors);
    anne_op *ops = calloc(ir->n_ops, sizeof *ops);
    anne_graph_desc d;
    uint32_t arena = 0;
    int rc = -1;
    *bytes = NULL;
    *size = 0;
    if (offsets == NULL || scratch == NULL || tensors == NULL || ops == NULL) {
        anne_error_set(err, "out of memory");
        goto done;
    }
    if (anne_ir_n_outputs(ir) == 1u && anne_ir_output(ir, 0) + 1u != n) {
        /* simplified graphs end in their output; the format has no list for one output */
        anne_error_set(err, "the model's output is tensor %zu, not the last one (%zu): a graph whose ops do not all "
                            "lead to an output", anne_ir_output(ir, 0), n - 1u);
        goto done;
    }
    if (anne_ir_graph_plan(ir, 4u, offsets, scratch, &arena, err) != 0) goto done;
    for (i = 0; i < n; i++) {
        tensors[i].dtype = ANNE_DTYPE_F32;
        tensors[i].rank = ir->tensors[i].rank;
        memcpy(tensors[i].dims, ir->tensors[i].dims, sizeof tensors[i].dims);
        tensors[i].offset = offsets[i];
    }
    for (i = 0; i < ir->n_ops; i++) {
        const anne_ir_op *o = &ir->ops[i];
        ops[i].kind = o->kind;
        ops[i].activation = o->activation;
        memcpy(ops[i].param, o->param, sizeof o->param);
        ops[i].n_inputs = o->n_inputs;
        memcpy(ops[i].inputs, o->inputs, sizeof o->inputs);
        ops[i].output = (uint16_t)anne_ir_op_output(ir, i);
        ops[i].kernel = o->kernel;
        ops[i].kernel_size = 4u * o->kernel_n;
        ops[i].bias = o->bias;
        ops[i].bias_size = 4u * o->bias_n;
        memcpy(ops[i].attr, o->attr, sizeof o->attr);
        if (ANNE_RNN_SCRATCH_PER_UNIT(o->kind) != 0) { /* where the planner put the op's scratch */
            ops[i].attr[4] = (uint16_t)(scratch[ir->n_input_tensors + i] & 0xFFFFu);
            ops[i].attr[5] = (uint16_t)(scratch[ir->n_input_tensors + i] >> 16);
        }
    }
    anne_ir_graph_desc(ir, tensors, ops, outputs, &d);
    d.arena_bytes = arena;
    rc = anne_ir_graph_write_desc(&d, bytes, size, err);
done:
    free(offsets);
    free(scratch);
    free(tensors);
    free(ops);
    return rc;
}

void anne_ir_graph_desc(const anne_ir *ir, const anne_tensor *tensors, const anne_op *ops, uint16_t *outputs,
                        anne_graph_desc *d) {
    size_t i;
    memset(d, 0, sizeof *d);
    d->name = ir->name;
    d->n_tensors = (uint16_t)anne_ir_n_tensors(ir);
    d->tensors = tensors;
    d->n_ops = (uint16_t)ir->n_ops;
    d->ops = ops;
    d->scaling.kind = ir->scaling;
    d->scaling.a = ir->scale_a;
    d->scaling.b = ir->scale_b;
    d->n_classes = ir->n_classes;
    d->class_names = (const char *const *)ir->class_names;
    d->n_input_tensors = ir->n_input_tensors;
    d->n_output_tensors = (uint16_t)anne_ir_n_outputs(ir);
    for (i = 0; i < anne_ir_n_outputs(ir); i++) outputs[i] = (uint16_t)anne_ir_output(ir, i);
    d->outputs = outputs;
}

static float *anne__copy(const void *src, size_t bytes) {
    float *d = malloc(bytes + 1u);
    if (d != NULL && bytes != 0) memcpy(d, src, bytes);
    return d;
}

int anne_ir_graph_from_model(anne_ir *ir, const anne_model *m, anne_error *err) {
    uint16_t i;
    ir->tensors = calloc((size_t)m->n_tensors, sizeof *ir->tensors);
    ir->ops = calloc((size_t)m->n_ops + 1u, sizeof *ir->ops);
    if (ir->tensors == NULL || ir->ops == NULL) return anne_error_set(err, "out of memory");
    for (i = 0; i < m->n_tensors; i++) {
        anne_tensor t;
        anne_model_tensor(m, i, &t);
        if (t.dtype != ANNE_DTYPE_F32) {
            /* the runtime runs int8 graphs (format 2.2); the tools' model of a graph is float32 */
            return anne_error_set(err, "an int8 graph model (format 2.2): the tools read float32 graphs only, so far "
                                       "(anne info and the runtime read it)");
        }
        ir->tensors[i].rank = t.rank;
        memcpy(ir->tensors[i].dims, t.dims, sizeof t.dims);
    }
    ir->n_input_tensors = m->n_input_tensors;
    ir->n_output_tensors = m->output_list != NULL ? m->n_output_tensors : 0u;
    for (i = 0; i < ir->n_output_tensors; i++) {
        anne_model_io io;
        anne_model_output(m, i, &io);
        ir->outputs[i] = io.tensor;
    }
    for (i = 0; i < m->n_ops; i++) {
        anne_op o;
        anne_ir_op *d = &ir->ops[i];
        anne_model_op(m, i, &o);
        ir->n_ops = i + 1u; /* freed with the IR from here on */
        d->kind = o.kind;
        d->activation = o.activation;
        memcpy(d->param, o.param, sizeof o.param);
        d->n_inputs = o.n_inputs;
        memcpy(d->inputs, o.inputs, sizeof o.inputs);
        memcpy(d->attr, o.attr, sizeof o.attr);
        if (ANNE_RNN_SCRATCH_PER_UNIT(o.kind) != 0) d->attr[4] = d->attr[5] = 0; /* the file's plan: made anew */
        d->kernel_n = o.kernel_size / 4u;
        d->bias_n = o.bias_size / 4u;
        if ((o.kernel != NULL && (d->kernel = anne__copy(o.kernel, o.kernel_size)) == NULL) ||
            (o.bias != NULL && (d->bias = anne__copy(o.bias, o.bias_size)) == NULL)) {
            return anne_error_set(err, "out of memory");
        }
    }
    return 0;
}

void anne_ir_graph_free(anne_ir *ir) {
    size_t i;
    for (i = 0; i < ir->n_ops; i++) anne__free_op(&ir->ops[i]);
    free(ir->ops);
    free(ir->tensors);
    ir->ops = NULL;
    ir->tensors = NULL;
    ir->n_ops = 0;
    ir->n_input_tensors = 0;
    ir->n_output_tensors = 0;
}
