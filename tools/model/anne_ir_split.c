/* Cutting a graph model into a frozen feature part and a dense head (anne_ir_split.h). */
#include "anne_ir_split.h"

#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"

static float *anne__dup(const float *v, size_t n) {
    float *d;
    if (v == NULL) return NULL;
    d = malloc(n * sizeof *d + 1u);
    if (d != NULL) memcpy(d, v, n * sizeof *d);
    return d;
}

static char *anne__dup_str(const char *s) {
    char *d;
    if (s == NULL) return NULL;
    d = malloc(strlen(s) + 1u);
    if (d != NULL) memcpy(d, s, strlen(s) + 1u);
    return d;
}

/* The first op of the dense head: the longest run of DENSE ops at the end, each reading only the
 * one-dimensional output of the op before it (the first: the tensor written just before it). */
static size_t anne__head_start(const anne_ir *g) {
    size_t k = g->n_ops;
    while (k > 0) {
        const anne_ir_op *op = &g->ops[k - 1u];
        uint16_t in = op->inputs[0];
        if (op->kind != ANNE_OP_DENSE || op->n_inputs != 1 || in != k - 1u || g->tensors[in].rank != 1 ||
            anne_ir_tensor_readers(g, in) != 1) {
            break;
        }
        k--;
    }
    return k;
}

static int anne__copy_common(const anne_ir *g, anne_ir *d, int scaling, int classes) {
    size_t i;
    if (g->name != NULL && (d->name = anne__dup_str(g->name)) == NULL) return -1;
    if (scaling && g->scaling != ANNE_SCALING_NONE) {
        d->scaling = g->scaling;
        d->scale_a = anne__dup(g->scale_a, g->n_inputs);
        d->scale_b = anne__dup(g->scale_b, g->n_inputs);
        if (d->scale_a == NULL || d->scale_b == NULL) return -1;
    }
    if (classes && g->n_classes > 0) {
        d->class_names = calloc(g->n_classes, sizeof *d->class_names);
        if (d->class_names == NULL) return -1;
        d->n_classes = g->n_classes;
        for (i = 0; i < g->n_classes; i++) {
            if ((d->class_names[i] = anne__dup_str(g->class_names[i])) == NULL) return -1;
        }
    }
    return 0;
}

static int anne__features(const anne_ir *g, size_t k, anne_ir *f) {
    size_t i;
    f->n_inputs = g->n_inputs;
    f->n_input_tensors = 1; /* anne_ir_split_head() takes graphs with one input and one output */
    f->tensors = malloc((k + 1u) * sizeof *f->tensors);
    f->ops = calloc(k, sizeof *f->ops);
    if (f->tensors == NULL || f->ops == NULL || anne__copy_common(g, f, 1, 0) != 0) return -1;
    memcpy(f->tensors, g->tensors, (k + 1u) * sizeof *f->tensors);
    for (i = 0; i < k; i++) {
        const anne_ir_op *s = &g->ops[i];
        anne_ir_op *d = &f->ops[i];
        *d = *s;
        d->kernel = d->bias = NULL;
        d->name = NULL;
        f->n_ops = i + 1u; /* freed with f from here on */
        if ((s->kernel != NULL && (d->kernel = anne__dup(s->kernel, s->kernel_n)) == NULL) ||
            (s->bias != NULL && (d->bias = anne__dup(s->bias, s->bias_n)) == NULL) ||
            (s->name != NULL && (d->name = anne__dup_str(s->name)) == NULL)) {
            return -1;
        }
    }
    return 0;
}

static int anne__head(const anne_ir *g, size_t k, anne_ir *h, anne_error *err) {
    size_t i;
    h->n_inputs = (uint16_t)anne_ir_tensor_values(&g->tensors[k]);
    if (anne__copy_common(g, h, 0, 1) != 0) return -1;
    for (i = k; i < g->n_ops; i++) {
        const anne_ir_op *s = &g->ops[i];
        anne_ir_layer *l = anne_ir_add_layer(h, err);
        if (l == NULL) return -1;
        l->kind = ANNE_LAYER_DENSE;
        l->activation = s->activation;
        memcpy(l->param, s->param, sizeof l->param);
        l->n_in = g->tensors[i].dims[0];
        l->n_out = g->tensors[i + 1u].dims[0];
        if ((l->kernel = anne__dup(s->kernel, s->kernel_n)) == NULL) return -1;
        if (s->bias != NULL && (l->bias = anne__dup(s->bias, s->bias_n)) == NULL) return -1;
        if (s->name != NULL && (l->name = anne__dup_str(s->name)) == NULL) return -1;
    }
    return 0;
}

int anne_ir_split_head(const anne_ir *g, anne_ir *features, anne_ir *head, anne_error *err) {
    size_t k = anne__head_start(g);
    anne_ir_init(features);
    anne_ir_init(head);
    if (g->n_ops == 0) return anne_error_set(err, "not a graph model");
    if (g->n_input_tensors != 1 || anne_ir_n_outputs(g) != 1) {
        return anne_error_set(err, "the graph model has %u inputs and %zu outputs: a dense head is trained on a graph "
                                   "with one input and one output", g->n_input_tensors, anne_ir_n_outputs(g));
    }
    if (k == g->n_ops) {
        return anne_error_set(err, "the graph model ends in a %s op, not in Dense layers on a flat tensor: there is no "
                                   "dense head to train (train a graph model whose last layers are Dense, after a "
                                   "Flatten or a global pooling)", anne_op_kind_name(g->ops[g->n_ops - 1u].kind));
    }
    if (k == 0) return anne_error_set(err, "the model is all Dense layers: it has no frozen part to split off");
    if (anne__features(g, k, features) != 0 || anne__head(g, k, head, err) != 0) {
        anne_ir_free(features);
        anne_ir_free(head);
        return anne_error_set(err, "out of memory");
    }
    return 0;
}

int anne_ir_join_head(anne_ir *g, const anne_ir *head, anne_error *err) {
    size_t k = anne__head_start(g), i;
    if (g->n_input_tensors != 1 || anne_ir_n_outputs(g) != 1) {
        return anne_error_set(err, "the graph model has several inputs or outputs: it has no dense head to join");
    }
    if (g->n_ops - k != head->n_layers) {
        return anne_error_set(err, "the trained head has %zu layers; the graph's head has %zu", head->n_layers,
                              g->n_ops - k);
    }
    for (i = 0; i < head->n_layers; i++) {
        const anne_ir_layer *l = &head->layers[i];
        anne_ir_op *op = &g->ops[k + i];
        float *kernel, *bias = NULL;
        if ((size_t)l->n_in * l->n_out != op->kernel_n) {
            return anne_error_set(err, "head layer %zu is %u x %u; the graph's op has %u weights", i + 1u, l->n_in,
                                  l->n_out, op->kernel_n);
        }
        kernel = anne__dup(l->kernel, op->kernel_n);
        if (kernel == NULL || (l->bias != NULL && (bias = anne__dup(l->bias, l->n_out)) == NULL)) {
            free(kernel);
            return anne_error_set(err, "out of memory");
        }
        free(op->kernel);
        free(op->bias);
        op->kernel = kernel;
        op->bias = bias;
        op->bias_n = bias != NULL ? l->n_out : 0u;
        op->activation = l->activation;
        memcpy(op->param, l->param, sizeof op->param);
    }
    return 0;
}
