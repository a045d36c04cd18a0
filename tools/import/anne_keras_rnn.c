/* Keras' recurrent layers as graph ops: SimpleRNN, GRU (reset_after or not), LSTM over a (T, F) input,
 * and Bidirectional around one of them (two ops, the backward one flipping its output back into input
 * order, then the merge: Concatenate on the last axis, Add, Multiply or Average). The weights go into
 * the runtime's layout (anne.h, ANNE_RNN_*): one row per gate value, its input weights, then its
 * recurrent ones. TF.js models come here too, through the same Keras configuration. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_keras_graph.h"

static const struct {
    const char *name;
    anne_op_kind kind;
} anne__rnn_classes[] = {
    {"SimpleRNN", ANNE_OP_SIMPLE_RNN}, {"GRU", ANNE_OP_GRU}, {"LSTM", ANNE_OP_LSTM},
    {"CuDNNGRU", ANNE_OP_GRU},         {"CuDNNLSTM", ANNE_OP_LSTM},
};

/* The op kind of a recurrent class, or 0. */
static anne_op_kind anne__rnn_kind(const char *cls) {
    size_t i;
    for (i = 0; cls != NULL && i < sizeof anne__rnn_classes / sizeof anne__rnn_classes[0]; i++) {
        if (strcmp(cls, anne__rnn_classes[i].name) == 0) return anne__rnn_classes[i].kind;
    }
    return (anne_op_kind)0;
}

/* The layer a Bidirectional wraps: its class and config, or NULL. */
static const cJSON *anne__wrapped(const cJSON *cfg, const char **cls) {
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(cfg, "layer");
    *cls = anne_keras_str(inner, "class_name");
    return cJSON_GetObjectItemCaseSensitive(inner, "config");
}

/* The settings of a recurrent layer's config that ANNE cannot run, in why (empty: none). The CuDNN
 * layers of Keras 2.0-2.3 are a GRU with reset_after and an LSTM with sigmoid gates, but store their
 * biases in another form: refused by name. */
static void anne__rnn_refusal(const char *cls, const cJSON *cfg, char *why, size_t cap) {
    why[0] = '\0';
    if (strncmp(cls, "CuDNN", 5) == 0) {
        snprintf(why, cap, "%s (CuDNN's bias layout) is not supported: save the model with GRU/LSTM", cls);
    } else if (anne_keras_bool(cfg, "stateful", 0)) {
        snprintf(why, cap, "stateful=True is not supported (ANNE runs each sample from a zero state)");
    } else if (anne_keras_bool(cfg, "time_major", 0)) {
        snprintf(why, cap, "time_major=True is not supported (ANNE's inputs are (steps, features))");
    } else if (cJSON_GetObjectItemCaseSensitive(cfg, "cell") != NULL &&
               anne_keras_str(cJSON_GetObjectItemCaseSensitive(cfg, "cell"), "class_name") != NULL &&
               anne__rnn_kind(cls) == 0) {
        snprintf(why, cap, "a custom cell is not supported");
    }
}

/* A Bidirectional's merge_mode: Keras' default "concat" when the key is absent; NULL for None (null). */
static const char *anne__merge_mode(const cJSON *cfg) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, "merge_mode");
    return v == NULL ? "concat" : cJSON_IsString(v) ? v->valuestring : NULL;
}

int anne_kg_rnn_supported(const anne_keras_klayer *l, char *why, size_t cap) {
    const char *cls = l->class_name, *mode;
    const cJSON *cfg = l->config;
    if (strcmp(cls, "Bidirectional") == 0) {
        cfg = anne__wrapped(l->config, &cls);
        mode = anne__merge_mode(l->config);
        if (anne__rnn_kind(cls) == 0) {
            snprintf(why, cap, "Bidirectional around %.60s (ANNE supports SimpleRNN, GRU, LSTM)",
                     cls != NULL ? cls : "an unreadable layer");
            return 0;
        }
        if (mode == NULL || (strcmp(mode, "concat") != 0 && strcmp(mode, "sum") != 0 && strcmp(mode, "mul") != 0 &&
                             strcmp(mode, "ave") != 0)) {
            snprintf(why, cap, "merge_mode %.40s is not supported (concat, sum, mul, ave)", mode != NULL ? mode : "None");
            return 0;
        }
    } else if (anne__rnn_kind(cls) == 0) {
        return -1;
    }
    anne__rnn_refusal(cls, cfg, why, cap);
    return why[0] == '\0';
}

/* Whether the JSON value v holds a reference [name, node, tensor, ...] (Keras 2, TF.js) or a
 * "keras_history" [name, node, tensor] (Keras 3) to output tensor 1 or later of layer `name`: a
 * recurrent layer's state, which ANNE does not give out. */
static int anne__uses_state(const cJSON *v, const char *name) {
    const cJSON *e;
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 3) {
        const cJSON *a = cJSON_GetArrayItem(v, 0), *t = cJSON_GetArrayItem(v, 2);
        if (cJSON_IsString(a) && strcmp(a->valuestring, name) == 0 && cJSON_IsNumber(t) && t->valuedouble != 0) return 1;
    }
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        cJSON_ArrayForEach(e, v) {
            if (anne__uses_state(e, name)) return 1;
        }
    }
    return 0;
}

/* An activation of the cell: one the runtime runs without parameters (anne.h, ANNE_RNN_*). */
static int anne__cell_activation(anne_kg *g, const cJSON *cfg, const char *key, const char *def, uint16_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    anne_activation act;
    float param[3];
    char why[160];
    cJSON *dflt = NULL;
    int rc;
    if (v == NULL || cJSON_IsNull(v)) v = dflt = cJSON_CreateString(def);
    if (v == NULL) return anne_kg_fail(g, "out of memory");
    rc = anne_keras_activation(g->src, v, &act, param, why, sizeof why);
    cJSON_Delete(dflt);
    if (rc != 0) return anne_kg_fail(g, "%s: %s", key, why);
    if (act == ANNE_ACT_LEAKY_RELU || act == ANNE_ACT_SOFTMAX || act == ANNE_ACT_THRESHOLDED_RELU ||
        act == ANNE_ACT_PRELU || (act == ANNE_ACT_RELU && (param[0] != 0 || !isinf(param[1]) || param[2] != 0)) ||
        (act == ANNE_ACT_ELU && param[0] != 1.0f)) {
        return anne_kg_fail(g, "%s %s is not supported in a recurrent cell (one without parameters: tanh, sigmoid, "
                               "hard_sigmoid, relu, ...)", key, anne_activation_name(act));
    }
    *out = (uint16_t)act;
    return 0;
}

/* One recurrent op from the layer config cfg of class cls and its weights w[0 .. n-1] (kernel (F, k*u),
 * recurrent kernel (u, k*u), bias or none), reading g->in[0]. Bidirectional's backward layer: flip runs
 * it the other way than cfg's go_backwards says (when it has no config of its own), reverse writes
 * its sequence back in input order. */
static int anne__rnn_op(anne_kg *g, const char *cls, const cJSON *cfg, anne_keras_array *w, size_t n, int flip,
                        int reverse) {
    anne_op_kind kind = anne__rnn_kind(cls);
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out;
    size_t gates = ANNE_RNN_GATES(kind), f, u, j, k, dims[2];
    int bias = anne_keras_bool(cfg, "use_bias", 1), seq = anne_keras_bool(cfg, "return_sequences", 0);
    int after = kind == ANNE_OP_GRU && anne_keras_bool(cfg, "reset_after", 0);
    int back = anne_keras_bool(cfg, "go_backwards", 0);
    uint16_t attr1, attr2 = 0;
    double units;
    anne_ir_op *op;
    if (in->rank != 2) {
        char got[64];
        anne_ir_tensor_describe(in, got, sizeof got);
        return anne_kg_fail(g, "input %s: a recurrent layer reads (steps, features)", got);
    }
    f = in->dims[1];
    if (anne_keras_num(cfg, "units", 0, &units) != 0 || !(units >= 1 && units <= 65535) || floor(units) != units) {
        return anne_kg_fail(g, "\"units\" must be an integer in 1..65535");
    }
    u = (size_t)units;
    if (anne__cell_activation(g, cfg, "activation", "tanh", &attr1) != 0 ||
        (kind != ANNE_OP_SIMPLE_RNN &&
         anne__cell_activation(g, cfg, "recurrent_activation", "sigmoid", &attr2) != 0)) {
        return -1;
    }
    if (n != 2u + (size_t)bias) {
        return anne_kg_fail(g, "%zu weight arrays, expected %s", n, bias ? "3: kernel, recurrent kernel, bias"
                                                                          : "2: kernel, recurrent kernel");
    }
    dims[0] = f;
    dims[1] = gates * u;
    if (anne_kg_array_shape(g, &w[0], "kernel", 2, dims) != 0) return -1;
    dims[0] = u;
    if (anne_kg_array_shape(g, &w[1], "recurrent kernel", 2, dims) != 0) return -1;
    if (bias) {
        dims[0] = 2;
        dims[1] = gates * u;
        if (after ? anne_kg_array_shape(g, &w[2], "bias", 2, dims) : anne_kg_array_shape(g, &w[2], "bias", 1, dims + 1)) {
            return -1;
        }
    }
    for (k = 0; k < ANNE_MAX_RANK; k++) out.dims[k] = 1; /* those past the rank are 1 */
    out.rank = seq ? 2u : 1u;
    out.dims[0] = seq ? in->dims[0] : (uint16_t)u;
    if (seq) out.dims[1] = (uint16_t)u;
    op = anne_kg_op(g, kind, &out, 1);
    if (op == NULL) return -1;
    op->kernel_n = (uint32_t)(gates * u * (f + u));
    op->kernel = malloc((size_t)op->kernel_n * sizeof *op->kernel);
    if (op->kernel == NULL) return anne_kg_fail(g, "out of memory");
    /* Keras' kernel[f][j] and recurrent_kernel[v][j] are row j's f-th and (F + v)-th values */
    for (j = 0; j < gates * u; j++) {
        for (k = 0; k < f; k++) op->kernel[j * (f + u) + k] = w[0].data[k * gates * u + j];
        for (k = 0; k < u; k++) op->kernel[j * (f + u) + f + k] = w[1].data[k * gates * u + j];
    }
    if (bias) { /* (k*u), or (2, 3u) for reset_after: input bias, then recurrent bias, as stored */
        op->bias = w[2].data;
        op->bias_n = (uint32_t)w[2].n;
        w[2].data = NULL;
    }
    op->attr[0] = (uint16_t)(((back != flip) ? ANNE_RNN_GO_BACKWARDS : 0u) | (reverse && seq ? ANNE_RNN_REVERSE_OUTPUT : 0u) |
                             (after ? ANNE_RNN_RESET_AFTER : 0u));
    op->attr[1] = attr1;
    op->attr[2] = attr2;
    return 0;
}

/* The settings both directions of a Bidirectional share must agree. */
static int anne__same_setting(anne_kg *g, const cJSON *a, const cJSON *b, const char *key, int def) {
    if (anne_keras_bool(a, key, def) == anne_keras_bool(b, key, def)) return 0;
    return anne_kg_fail(g, "the forward and backward layers differ in %s", key);
}

/* Bidirectional: the forward op, the backward op (go_backwards the other way, its sequence flipped back),
 * then the merge of the two. */
static int anne__bidirectional(anne_kg *g) {
    const char *cls, *bcls, *mode = anne__merge_mode(g->layer->config); /* one of four (checked) */
    const cJSON *cfg = anne__wrapped(g->layer->config, &cls), *bcfg = cfg;
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(g->layer->config, "backward_layer");
    anne_keras_array *w = NULL;
    size_t n = 0, half;
    uint16_t in = g->in[0], fwd;
    anne_ir_tensor out;
    anne_op_kind merge = strcmp(mode, "sum") == 0   ? ANNE_OP_ADD
                         : strcmp(mode, "mul") == 0 ? ANNE_OP_MULTIPLY
                         : strcmp(mode, "ave") == 0 ? ANNE_OP_AVERAGE
                                                    : ANNE_OP_CONCAT;
    anne_ir_op *op;
    int rc = -1;
    if (!cJSON_IsObject(cfg)) return anne_kg_fail(g, "the wrapped layer has no config");
    if (bw != NULL && !cJSON_IsNull(bw)) { /* a backward layer of its own (Keras 3 always writes it) */
        bcls = anne_keras_str(bw, "class_name");
        bcfg = cJSON_GetObjectItemCaseSensitive(bw, "config");
        if (bcls == NULL || strcmp(bcls, cls) != 0 || !cJSON_IsObject(bcfg)) {
            return anne_kg_fail(g, "the backward layer is a %.60s, the forward one a %.60s", bcls ? bcls : "?", cls);
        }
        if (anne__same_setting(g, cfg, bcfg, "return_sequences", 0) != 0 ||
            anne__same_setting(g, cfg, bcfg, "use_bias", 1) != 0) {
            return -1;
        }
    }
    if (anne_kg_weights(g, &w, &n, 4, 6, "6 (kernel, recurrent kernel, bias of each direction) or 4 (no bias)") != 0) {
        return -1;
    }
    if (n % 2u != 0) {
        anne_kg_fail(g, "%zu weight arrays, expected as many for each direction", n);
        goto done;
    }
    half = n / 2u;
    g->name_suffix = "_forward";
    if (anne__rnn_op(g, cls, cfg, w, half, 0, 0) != 0) goto done;
    fwd = g->result;
    g->name_suffix = "_backward";
    /* a backward layer of its own says go_backwards itself; else it is the forward one's, flipped */
    if (anne__rnn_op(g, cls, bcfg, w + half, half, bcfg == cfg, 1) != 0) goto done;
    g->name_suffix = "";
    g->in[0] = fwd;
    g->in[1] = g->result;
    g->n_in = 2;
    out = g->ir->tensors[fwd];
    if (merge == ANNE_OP_CONCAT && 2u * out.dims[out.rank - 1u] > 65535u) {
        anne_kg_fail(g, "2 x %u units concatenated: more than 65535", (unsigned)out.dims[out.rank - 1u]);
        goto done;
    }
    if (merge == ANNE_OP_CONCAT) out.dims[out.rank - 1u] = (uint16_t)(2u * out.dims[out.rank - 1u]);
    op = anne_kg_op(g, merge, &out, 0);
    g->in[0] = in;
    g->n_in = 1;
    if (op == NULL) goto done;
    if (merge == ANNE_OP_CONCAT) op->attr[0] = (uint16_t)(out.rank - 1u);
    rc = 0;
done:
    g->name_suffix = "";
    anne_keras_arrays_free(w, n);
    return rc;
}

int anne_kg_rnn_layer(anne_kg *g) {
    const char *cls = g->layer->class_name;
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g->src->model, "config"),
                                                            "output_layers");
    anne_keras_array *w = NULL;
    size_t n = 0, i;
    int rc;
    if (strcmp(cls, "Bidirectional") != 0 && anne__rnn_kind(cls) == 0) return 0;
    if (g->n_in != 1) return anne_kg_fail(g, "%zu inputs: initial states are not supported", g->n_in);
    /* return_state: the state tensors must stay unused (ANNE gives the output only) */
    for (i = 0; i < g->m->n; i++) {
        if (anne__uses_state(g->m->layers[i].inbound, g->layer->name)) {
            return anne_kg_fail(g, "layer \"%s\" reads its state (return_state): not supported", g->m->layers[i].name);
        }
    }
    if (anne__uses_state(outputs, g->layer->name)) {
        return anne_kg_fail(g, "the model outputs its state (return_state): not supported");
    }
    if (strcmp(cls, "Bidirectional") == 0) return anne__bidirectional(g) == 0 ? 1 : -1;
    if (anne_kg_weights(g, &w, &n, 2, 3, "3: kernel, recurrent kernel, bias (2 without bias)") != 0) return -1;
    rc = anne__rnn_op(g, cls, g->layer->config, w, n, 0, 0);
    anne_keras_arrays_free(w, n);
    return rc == 0 ? 1 : -1;
}
