/* What the two Keras converters share: anne_keras.c (dense chains -> format 1.0) and
 * anne_keras_graph.c with anne_keras_window.c (everything else -> graph models, format 2.0). */
#ifndef ANNE_KERAS_INTERNAL_H
#define ANNE_KERAS_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_keras.h"

typedef struct anne_keras_klayer {
    const char *class_name;
    const char *name;
    const cJSON *config;
    const cJSON *inbound;       /* inbound_nodes, or NULL (Sequential) */
} anne_keras_klayer;

typedef struct anne_keras_kmodel {
    anne_keras_klayer *layers;
    size_t n;
    int functional;
    const cJSON *seq_config;    /* Sequential's config object (build_input_shape), or NULL */
} anne_keras_kmodel;

/* The model's layer list (m->layers malloc'd). */
int anne_keras_read_model(const anne_keras_source *src, anne_keras_kmodel *m, anne_error *err);

/* A Functional model that is a chain: one input, each layer fed by the one before, the last the output. */
int anne_keras_check_chain(const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err);

/* The names of the layers feeding a node list (Keras 2 / TF.js [[name, node, tensor, kwargs], ...],
 * Keras 3 {"args": [...{"config": {"keras_history": [name, node, tensor]}}...]}), up to cap; *n counts
 * all. anne_keras_inbound_refs also gives each one's node index (which call of a shared layer). */
void anne_keras_inbound_names(const cJSON *v, const char **names, size_t *n, size_t cap);
void anne_keras_inbound_refs(const cJSON *v, const char **names, size_t *nodes, size_t *n, size_t cap);

/* The input shape a layer's config declares, and a Sequential model's build shape; or NULL. */
const cJSON *anne_keras_declared_shape(const cJSON *cfg);
const cJSON *anne_keras_build_shape(const anne_keras_kmodel *m);

const char *anne_keras_str(const cJSON *obj, const char *key);
int anne_keras_num(const cJSON *cfg, const char *key, double def, double *out);
int anne_keras_bool(const cJSON *cfg, const char *key, int def);
int anne_keras_last_axis(const cJSON *cfg, const char *key);

/* An "activation" setting, and an activation layer's (Activation, ReLU, LeakyReLU, ELU,
 * ThresholdedReLU, Softmax) activation with its parameters. 0, or -1 with the reason in why. */
int anne_keras_activation(const anne_keras_source *src, const cJSON *v, anne_activation *act, float param[3],
                          char *why, size_t cap);
int anne_keras_activation_layer(const anne_keras_source *src, const anne_keras_klayer *l, anne_activation *act,
                                float p[3], char *why, size_t cap);

/* Whether a layer can be converted at all (in a dense chain or a graph), from its config alone; why:
 * the reason when not. */
int anne_keras_layer_supported(const anne_keras_source *src, const anne_keras_klayer *l, char *why, size_t cap);

/* Layer index's weight arrays, between min_n and max_n of them (what: the expected ones, for the
 * message), every value finite. */
int anne_keras_fetch(const anne_keras_source *src, const anne_keras_kmodel *m, size_t index, anne_keras_array **w,
                     size_t *n, size_t min_n, size_t max_n, const char *what, anne_error *err);

/* "<path>: layer 3 "conv1d" (Conv1D): <message>" into err. Returns -1. */
int anne_keras_fail(const anne_keras_source *src, const anne_keras_kmodel *m, size_t index, anne_error *err,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

void anne_keras_describe_shape(const anne_keras_array *a, char *buf, size_t cap);

/* ---- graph models (anne_keras_graph.c) ---- */

/* Whether the model needs a graph: a layer only graphs have (convolution, pooling, merges...), a
 * Functional model that is not a chain, or an input of more than one dimension that is not flattened
 * first. */
int anne_keras_needs_graph(const anne_keras_source *src, const anne_keras_kmodel *m);

/* For a layer class only graphs have: 1 when its options are supported, 0 with the reason in why;
 * -1 when the class is not one of them. */
int anne_keras_graph_supported(const anne_keras_klayer *l, char *why, size_t cap);

/* The graph's structure alone (no weights read): one input, one output, no layer used twice, every
 * input a layer of the model, merges of at most four inputs. 0, or -1 naming the layer. */
int anne_keras_graph_structure(const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err);

/* Converts the model into a graph IR (ir initialized by the caller). */
int anne_keras_graph_convert(anne_ir *ir, const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err);

#endif /* ANNE_KERAS_INTERNAL_H */
