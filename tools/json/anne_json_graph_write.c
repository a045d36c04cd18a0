/* ANNE JSON's graph form written (docs/anne-json.md, "Graph models"): each op with the Keras settings
 * its runtime attributes stand for (the padding as "valid", "same" or "causal" when one of them gives
 * exactly the op's window, else as amounts), kernels back in Keras' layout, one innermost list per
 * line, and a unique name for every op so that inputs can name it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"
#include "anne_json_internal.h"

void anne_json_put_shape(anne_json_buf *b, const anne_ir_tensor *t) {
    size_t k;
    anne_json_put(b, "[");
    for (k = 0; k < t->rank; k++) anne_json_put(b, "%s%u", k ? ", " : "", t->dims[k]);
    anne_json_put(b, "]");
}

/* A nested list as numpy prints it: the innermost lists one per line, each level's lists aligned under
 * its opening bracket (at column indent). Element (i0, i1, ...) is x[i0 * strides[0] + ...]. */
static void anne__put_nested(anne_json_buf *b, const float *x, const size_t *dims, const size_t *strides, size_t depth,
                             size_t indent) {
    size_t i;
    anne_json_put(b, "[");
    for (i = 0; i < dims[0]; i++) {
        if (depth == 1) {
            if (i) anne_json_put(b, ", ");
            anne_json_put_float(b, x[i * strides[0]]);
        } else {
            if (i) anne_json_put(b, ",\n%*s", (int)(indent + 1u), "");
            anne__put_nested(b, x + i * strides[0], dims + 1, strides + 1, depth - 1u, indent + 1u);
        }
    }
    anne_json_put(b, "]");
}

/* ", \"key\": [a, b]" (the last n of v[2]). */
static void anne__put_ints(anne_json_buf *b, const char *key, const long v[2], size_t n) {
    anne_json_put(b, ", \"%s\": [", key);
    if (n == 2) anne_json_put(b, "%ld, ", v[0]);
    anne_json_put(b, "%ld]", v[1]);
}

/* ", \"key\": [[top, bottom], [left, right]]" or, for one axis, [before, after]. */
static void anne__put_amounts(anne_json_buf *b, const char *key, const long before[2], const long after[2], size_t n) {
    if (n == 2) {
        anne_json_put(b, ", \"%s\": [[%ld, %ld], [%ld, %ld]]", key, before[0], after[0], before[1], after[1]);
    } else {
        anne_json_put(b, ", \"%s\": [%ld, %ld]", key, before[1], after[1]);
    }
}

/* A weight list of its own: ",\n     \"key\": [...]". */
static void anne__put_list(anne_json_buf *b, const char *key, const float *x, size_t n) {
    anne_json_put(b, ",\n     \"%s\": ", key);
    anne_json_put_floats(b, x, n);
}

/* The (H, W) view of a rank-2 or rank-3 tensor ((L, C) is (1, L, C)). */
static void anne__hw(const anne_ir_tensor *t, size_t hw[2]) {
    hw[0] = t->rank == 3 ? t->dims[0] : 1u;
    hw[1] = t->dims[t->rank - 2u];
}

/* The spatial axes the JSON gives a window: 1 on an (L, C) tensor whose height-1 axis the window
 * leaves alone (kernel, stride and dilation 1, no padding), else 2. */
static size_t anne__window_axes(const anne_ir_op *op, const anne_ir_tensor *in) {
    if (in->rank == 3) return 2;
    return op->attr[0] == 1 && op->attr[2] == 1 && op->attr[4] == 1 && op->attr[6] == 0 ? 1u : 2u;
}

/* Kernel or pool size, strides, dilation (not for pooling) and padding of a windowed op. */
static void anne__put_window(anne_json_buf *b, const anne_ir_op *op, const anne_ir_tensor *in,
                             const anne_ir_tensor *out, int pool) {
    size_t nd = anne__window_axes(op, in), hin[2], hout[2], ax, o, p;
    long k[2], s[2], d[2], before[2], after[2];
    int mode;
    anne__hw(in, hin);
    anne__hw(out, hout);
    for (ax = 0; ax < 2; ax++) {
        k[ax] = op->attr[ax];
        s[ax] = op->attr[2u + ax];
        d[ax] = op->attr[4u + ax];
    }
    anne__put_ints(b, pool ? "pool_size" : "kernel_size", k, nd);
    anne__put_ints(b, "strides", s, nd);
    if (!pool) anne__put_ints(b, "dilation", d, nd);
    for (mode = ANNE_JSON_PAD_VALID; mode < ANNE_JSON_PAD_EXPLICIT; mode++) {
        for (ax = 0; ax < 2; ax++) {
            if (anne_json_window_axis((anne_json_pad)mode, hin[ax], (size_t)k[ax], (size_t)s[ax], (size_t)d[ax], 0, 0,
                                      &o, &p) != 0 ||
                o != hout[ax] || p != op->attr[6u + ax]) {
                break;
            }
        }
        if (ax == 2) {
            static const char *const names[] = {"valid", "same", "causal"};
            anne_json_put(b, ", \"padding\": \"%s\"", names[mode]);
            return;
        }
    }
    /* none of them: the amounts; after is what makes the last window the output's last (negative: input
     * rows the windows never reach), or 0 when that gives the same output */
    for (ax = 0; ax < 2; ax++) {
        long span = (k[ax] - 1) * d[ax] + 1;
        before[ax] = op->attr[6u + ax];
        after[ax] = ((long)hout[ax] - 1) * s[ax] + span - (long)hin[ax] - before[ax];
        if (after[ax] < 0 && anne_json_window_axis(ANNE_JSON_PAD_EXPLICIT, hin[ax], (size_t)k[ax], (size_t)s[ax],
                                                   (size_t)d[ax], before[ax], 0, &o, &p) == 0 && o == hout[ax]) {
            after[ax] = 0;
        }
    }
    anne__put_amounts(b, "padding", before, after, nd);
}

/* Kernel and bias counts of a windowed op, against what its shapes ask: a model that is not consistent
 * would otherwise be read out of bounds. */
static int anne__check_weights(const anne_ir_op *op, size_t i, size_t kernel_n, size_t bias_n, anne_error *err) {
    if (kernel_n != 0 && (op->kernel == NULL || op->kernel_n != kernel_n)) {
        return anne_error_set(err, "op %zu: kernel of %u values, expected %zu", i + 1u, op->kernel_n, kernel_n);
    }
    if (op->bias != NULL && op->bias_n != bias_n) {
        return anne_error_set(err, "op %zu: bias of %u values, expected %zu", i + 1u, op->bias_n, bias_n);
    }
    return 0;
}

/* The settings and weights of op i (after its name, inputs and shape). */
static int anne__put_settings(anne_json_buf *b, const anne_ir *ir, size_t i, anne_error *err) {
    const anne_ir_op *op = &ir->ops[i];
    const anne_ir_tensor *in = &ir->tensors[op->inputs[0]], *out = &ir->tensors[anne_ir_op_output(ir, i)];
    size_t c_in = in->dims[in->rank - 1u], c_out = out->dims[out->rank - 1u], nd = (size_t)in->rank - 1u, ax;
    size_t dims[4], strides[4], depth, n = 1, hin[2], hout[2];
    long before[2] = {0, 0}, after[2] = {0, 0}, size[2];
    int windowed = op->kind >= ANNE_OP_CONV2D && op->kind <= ANNE_OP_AVG_POOL2D;
    if ((windowed || (op->kind >= ANNE_OP_ZERO_PAD2D && op->kind <= ANNE_OP_UPSAMPLE2D)) &&
        ((in->rank != 2 && in->rank != 3) || out->rank != in->rank ||
         (windowed && (op->attr[0] == 0 || op->attr[1] == 0 || op->attr[2] == 0 || op->attr[3] == 0 ||
                       op->attr[4] == 0 || op->attr[5] == 0)))) {
        return anne_error_set(err, "op %zu: %s from rank %u to rank %u, window (%u, %u, %u, %u, %u, %u), has no ANNE "
                                   "JSON form", i + 1u, anne_json_op_name(op->kind), in->rank, out->rank, op->attr[0],
                              op->attr[1], op->attr[2], op->attr[3], op->attr[4], op->attr[5]);
    }
    switch (op->kind) {
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM: {
        size_t ku = ANNE_RNN_GATES(op->kind) * c_out, want_bias = (op->attr[0] & ANNE_RNN_RESET_AFTER) ? 2u * ku : ku;
        if (in->rank != 2 || op->kernel == NULL || op->kernel_n != ku * (c_in + c_out) ||
            (op->bias != NULL && op->bias_n != want_bias)) {
            return anne_error_set(err, "op %zu: %s weights of %u and %u values for %zu features and %zu units", i + 1u,
                                  anne_op_kind_name(op->kind), op->kernel_n, op->bias_n, c_in, c_out);
        }
        anne_json_put(b, ", \"units\": %zu, \"cell_activation\": \"%s\"", c_out,
                      anne_activation_name((anne_activation)op->attr[1]));
        if (op->kind != ANNE_OP_SIMPLE_RNN) {
            anne_json_put(b, ", \"recurrent_activation\": \"%s\"", anne_activation_name((anne_activation)op->attr[2]));
        }
        if (out->rank == 2) anne_json_put(b, ", \"return_sequences\": true");
        if (op->attr[0] & ANNE_RNN_GO_BACKWARDS) anne_json_put(b, ", \"go_backwards\": true");
        if (op->attr[0] & ANNE_RNN_REVERSE_OUTPUT) anne_json_put(b, ", \"reverse_output\": true");
        if (op->kind == ANNE_OP_GRU) {
            anne_json_put(b, ", \"reset_after\": %s", (op->attr[0] & ANNE_RNN_RESET_AFTER) ? "true" : "false");
        }
        return 0; /* the weights follow the activation */
    }
    case ANNE_OP_DENSE:
        anne_json_put(b, ", \"units\": %zu", c_out);
        anne_json_kernel_layout(op->kind, 0, 1, 1, c_in, c_out, dims, strides, &depth);
        break;
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D: {
        size_t mult = c_out / c_in;
        if (op->kind == ANNE_OP_CONV2D) anne_json_put(b, ", \"filters\": %zu", c_out);
        else if (c_out % c_in != 0) return anne_error_set(err, "op %zu: %zu channels from %zu", i + 1u, c_out, c_in);
        else anne_json_put(b, ", \"depth_multiplier\": %zu", mult);
        anne__put_window(b, op, in, out, 0);
        anne_json_kernel_layout(op->kind, anne__window_axes(op, in) == 1, op->attr[0], op->attr[1], c_in,
                                op->kind == ANNE_OP_CONV2D ? c_out : mult, dims, strides, &depth);
        break;
    }
    case ANNE_OP_MAX_POOL2D:
    case ANNE_OP_AVG_POOL2D: anne__put_window(b, op, in, out, 1); return 0;
    case ANNE_OP_GLOBAL_AVG_POOL:
    case ANNE_OP_GLOBAL_MAX_POOL:
        if (out->rank == 1) return 0;
        if (out->rank != in->rank) {
            char a[64], o[64];
            anne_ir_tensor_describe(in, a, sizeof a);
            anne_ir_tensor_describe(out, o, sizeof o);
            return anne_error_set(err, "op %zu: %s of %s into %s has no ANNE JSON form (its output is (channels,) or, "
                                       "with keepdims, the input's rank)", i + 1u, anne_json_op_name(op->kind), a, o);
        }
        anne_json_put(b, ", \"keepdims\": true");
        return 0;
    case ANNE_OP_ZERO_PAD2D:
    case ANNE_OP_CROP2D:
    case ANNE_OP_UPSAMPLE2D:
        anne__hw(in, hin);
        anne__hw(out, hout);
        for (ax = 0; ax < 2; ax++) {
            before[ax] = op->attr[ax];
            after[ax] = op->kind == ANNE_OP_ZERO_PAD2D ? (long)hout[ax] - (long)hin[ax] - before[ax]
                                                        : (long)hin[ax] - (long)hout[ax] - before[ax];
            size[ax] = (long)(hout[ax] / hin[ax]);
        }
        if (op->kind == ANNE_OP_UPSAMPLE2D) anne__put_ints(b, "size", size, nd);
        else anne__put_amounts(b, op->kind == ANNE_OP_ZERO_PAD2D ? "padding" : "cropping", before, after, nd);
        return 0;
    case ANNE_OP_PERMUTE:
        anne_json_put(b, ", \"dims\": [");
        for (ax = 0; ax < in->rank; ax++) anne_json_put(b, "%s%u", ax ? ", " : "", op->attr[ax] + 1u);
        anne_json_put(b, "]");
        return 0;
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM:
        if ((op->kernel != NULL && op->kernel_n != c_in) || (op->bias != NULL && op->bias_n != c_in) ||
            (op->kind == ANNE_OP_CHANNEL_AFFINE && (op->kernel == NULL || op->bias == NULL))) {
            return anne_error_set(err, "op %zu: weights of %u and %u values for %zu channels", i + 1u, op->kernel_n,
                                  op->bias_n, c_in);
        }
        if (op->kind == ANNE_OP_LAYER_NORM) {
            uint32_t bits = (uint32_t)op->attr[0] | (uint32_t)op->attr[1] << 16;
            float eps;
            memcpy(&eps, &bits, sizeof eps);
            anne_json_put(b, ", \"epsilon\": ");
            anne_json_put_float(b, eps);
        }
        return 0; /* the weights follow the activation */
    case ANNE_OP_PRELU:
        if (op->kernel == NULL || (op->kernel_n != c_in && op->kernel_n != anne_ir_tensor_values(in))) {
            return anne_error_set(err, "op %zu: %u prelu slopes for %zu channels", i + 1u, op->kernel_n, c_in);
        }
        return 0; /* the slopes follow the activation */
    case ANNE_OP_CONCAT:
        if (op->attr[0] + 1u == out->rank) anne_json_put(b, ", \"axis\": -1");
        else anne_json_put(b, ", \"axis\": %u", op->attr[0] + 1u);
        return 0;
    default: return 0; /* reshape (its shape is written), the merges, activation */
    }
    for (ax = 0; ax < depth; ax++) n *= dims[ax];
    if (anne__check_weights(op, i, n, c_out, err) != 0) return -1;
    return 0;
}

/* The weights of op i, after its activation: the kernel in Keras' layout, then the per-channel lists. */
static void anne__put_weights(anne_json_buf *b, const anne_ir *ir, size_t i) {
    const anne_ir_op *op = &ir->ops[i];
    const anne_ir_tensor *in = &ir->tensors[op->inputs[0]], *out = &ir->tensors[anne_ir_op_output(ir, i)];
    size_t c_in = in->dims[in->rank - 1u], c_out = out->dims[out->rank - 1u], dims[4], strides[4], depth;
    switch (op->kind) {
    case ANNE_OP_DENSE:
    case ANNE_OP_CONV2D:
    case ANNE_OP_DEPTHWISE_CONV2D:
        anne_json_kernel_layout(op->kind, op->kind != ANNE_OP_DENSE && anne__window_axes(op, in) == 1, op->attr[0],
                                op->attr[1], c_in, op->kind == ANNE_OP_DEPTHWISE_CONV2D ? c_out / c_in : c_out, dims,
                                strides, &depth);
        anne_json_put(b, ",\n     \"kernel\": ");
        anne__put_nested(b, op->kernel, dims, strides, depth, 15); /* 15: the column of its "[" */
        if (op->bias != NULL) anne__put_list(b, "bias", op->bias, op->bias_n);
        break;
    case ANNE_OP_CHANNEL_AFFINE:
        anne__put_list(b, "scale", op->kernel, op->kernel_n);
        anne__put_list(b, "shift", op->bias, op->bias_n);
        break;
    case ANNE_OP_LAYER_NORM:
        if (op->kernel != NULL) anne__put_list(b, "gamma", op->kernel, op->kernel_n);
        if (op->bias != NULL) anne__put_list(b, "beta", op->bias, op->bias_n);
        break;
    case ANNE_OP_PRELU: anne__put_list(b, "alphas", op->kernel, op->kernel_n); break;
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM:
        /* Keras' (features, gates x units) and (units, gates x units): row j of the runtime's kernel holds
         * column j of both */
        dims[0] = c_in;
        dims[1] = ANNE_RNN_GATES(op->kind) * c_out;
        strides[0] = 1;
        strides[1] = c_in + c_out;
        anne_json_put(b, ",\n     \"kernel\": ");
        anne__put_nested(b, op->kernel, dims, strides, 2, 15);
        dims[0] = c_out;
        anne_json_put(b, ",\n     \"recurrent_kernel\": ");
        anne__put_nested(b, op->kernel + c_in, dims, strides, 2, 25);
        if (op->bias != NULL && (op->attr[0] & ANNE_RNN_RESET_AFTER)) { /* (2, 3u): input, then recurrent bias */
            dims[0] = 2;
            dims[1] = 3u * c_out;
            strides[0] = 3u * c_out;
            strides[1] = 1;
            anne_json_put(b, ",\n     \"bias\": ");
            anne__put_nested(b, op->bias, dims, strides, 2, 13);
        } else if (op->bias != NULL) {
            anne__put_list(b, "bias", op->bias, op->bias_n);
        }
        break;
    default: break;
    }
}

/* Whether name is taken by names[0 .. n-1]. */
static int anne__taken(char *const *names, size_t n, const char *name) {
    size_t j;
    for (j = 0; j < n; j++) {
        if (strcmp(names[j], name) == 0) return 1;
    }
    return 0;
}

/* A unique name for every tensor (malloc'd, anne_ir_n_tensors()): the inputs "input" (one) or "input_1",
 * "input_2", ...; each op its own when it has one not taken yet, else "<op>_<number>"; "_2", "_3", ...
 * added until it is free. NULL when out of memory. */
char **anne_json_tensor_names(const anne_ir *ir) {
    size_t i, n_in = ir->n_input_tensors, n = anne_ir_n_tensors(ir);
    char **names = calloc(n, sizeof *names);
    if (names == NULL) return NULL;
    for (i = 0; i < n; i++) {
        const char *own = i < n_in ? NULL : ir->ops[i - n_in].name;
        char base[64];
        size_t len, k;
        if (i < n_in) {
            snprintf(base, sizeof base, n_in == 1 ? "input" : "input_%zu", i + 1u);
            own = base;
        } else if (own == NULL || own[0] == '\0') {
            snprintf(base, sizeof base, "%s_%zu", anne_json_op_name(ir->ops[i - n_in].kind), i - n_in + 1u);
            own = base;
        }
        len = strlen(own);
        if ((names[i] = malloc(len + 24u)) == NULL) {
            anne_json_free_names(ir, names);
            return NULL;
        }
        memcpy(names[i], own, len + 1u);
        for (k = 2; anne__taken(names, i, names[i]); k++) snprintf(names[i] + len, 24, "_%zu", k);
    }
    return names;
}

void anne_json_free_names(const anne_ir *ir, char **names) {
    size_t i;
    if (names == NULL) return;
    for (i = 0; i < anne_ir_n_tensors(ir); i++) free(names[i]);
    free(names);
}

int anne_json_write_ops(anne_json_buf *b, const anne_ir *ir, anne_error *err) {
    char **names;
    size_t i, k;
    int rc = 0;
    for (i = 0; i < ir->n_ops; i++) {
        const anne_ir_op *op = &ir->ops[i];
        if (anne_json_op_name(op->kind) == NULL) {
            return anne_error_set(err, "op %zu: op kind %d has no ANNE JSON form", i + 1u, (int)op->kind);
        }
        if (op->activation == ANNE_ACT_PRELU || (unsigned)op->activation >= (unsigned)ANNE_ACT_COUNT) {
            return anne_error_set(err, "op %zu: activation %d has no ANNE JSON form on an op", i + 1u,
                                  (int)op->activation);
        }
        for (k = 0; k < op->n_inputs; k++) {
            if (op->inputs[k] >= anne_ir_op_output(ir, i)) {
                return anne_error_set(err, "op %zu reads tensor %u, written later", i + 1u, op->inputs[k]);
            }
        }
    }
    names = anne_json_tensor_names(ir);
    if (names == NULL) return anne_error_set(err, "out of memory while writing ANNE JSON");
    anne_json_put(b, "[\n");
    for (i = 0; i < ir->n_ops && rc == 0; i++) {
        const anne_ir_op *op = &ir->ops[i];
        anne_json_put(b, "    {\"op\": \"%s\", \"name\": ", anne_json_op_name(op->kind));
        anne_json_put_string(b, names[anne_ir_op_output(ir, i)]);
        /* the default: the op before, or the model's first input */
        if (op->n_inputs != 1 || op->inputs[0] != (i == 0 ? 0u : anne_ir_op_output(ir, i) - 1u)) {
            anne_json_put(b, ", \"inputs\": [");
            for (k = 0; k < op->n_inputs; k++) {
                if (k) anne_json_put(b, ", ");
                anne_json_put_string(b, names[op->inputs[k]]);
            }
            anne_json_put(b, "]");
        }
        anne_json_put(b, ", \"shape\": ");
        anne_json_put_shape(b, &ir->tensors[anne_ir_op_output(ir, i)]);
        rc = anne__put_settings(b, ir, i, err);
        if (op->activation != ANNE_ACT_LINEAR || op->kind == ANNE_OP_ACTIVATION) {
            anne_json_put(b, ", \"activation\": \"%s\"", anne_activation_name(op->activation));
            anne_json_put_params(b, op->activation, op->param, NULL, 0);
        }
        if (rc == 0) anne__put_weights(b, ir, i);
        anne_json_put(b, "}%s\n", i + 1u < ir->n_ops ? "," : "");
    }
    anne_json_put(b, "  ]");
    if (ir->n_output_tensors != 0) { /* the default: the last op */
        anne_json_put(b, ",\n  \"outputs\": [");
        for (k = 0; k < ir->n_output_tensors; k++) {
            if (k) anne_json_put(b, ", ");
            anne_json_put_string(b, names[ir->outputs[k]]);
        }
        anne_json_put(b, "]");
    }
    anne_json_free_names(ir, names);
    return rc;
}
