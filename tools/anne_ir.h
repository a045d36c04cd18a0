/* The host's in-memory model: what every importer produces (ANNE JSON, later Keras, TF.js) and
 * what the writer, the code generator and the commands consume. It owns its arrays. */
#ifndef ANNE_IR_H
#define ANNE_IR_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_error.h"

/* The message for a graph model (format 2.0), which the runtime runs but the IR cannot hold yet. */
#define ANNE_GRAPH_NOT_YET                                                                             \
    "a graph model (format 2.0: convolutions, pooling, merges); the runtime runs it (anne_model_predict), " \
    "but this version of the anne commands reads only dense chains (format 1.0)"

typedef struct anne_ir_layer {
    anne_layer_kind kind;
    anne_activation activation;
    float param[3];             /* activation parameters, as in anne_layer */
    uint16_t n_in;
    uint16_t n_out;
    float *kernel;              /* (n_out, n_in) row-major: the runtime's layout (Keras' transposed) */
    float *bias;                /* (n_out), or NULL: no bias */
    float *act_data;            /* prelu: (n_out) alphas; NULL for other activations */
    char *name;                 /* the source's layer name (for messages), or NULL */
} anne_ir_layer;

typedef struct anne_ir {
    char *name;                 /* or NULL */
    uint16_t n_inputs;
    size_t n_layers;
    anne_ir_layer *layers;      /* (n_layers) */
    anne_scaling_kind scaling;
    float *scale_a;             /* (n_inputs): mean or min; NULL without scaling */
    float *scale_b;             /* (n_inputs): std or max;  NULL without scaling */
    uint16_t n_classes;         /* 0 or the class count */
    char **class_names;         /* (n_classes) */
} anne_ir;

void anne_ir_init(anne_ir *ir);
void anne_ir_free(anne_ir *ir);

/* Appends a zeroed layer (kind dense, activation linear, no parameters; callers set parameters with
 * anne_ir_default_params()). Returns NULL (and sets err) when out of memory or too many layers. */
anne_ir_layer *anne_ir_add_layer(anne_ir *ir, anne_error *err);

/* The parameters an activation has when ANNE JSON or `anne train` gives none: relu max_value +inf
 * (no clip), leaky_relu alpha 0.01 (the paper's value; Keras' own defaults differ by version and
 * the Keras importers always set the source's value), elu alpha 1, thresholded_relu theta 1. */
void anne_ir_default_params(anne_activation act, float param[3]);

/* Looks up an activation by the name Keras or TF.js writes ("relu", "hardSigmoid", "silu", ...).
 * Returns -1 when unknown. */
int anne_activation_from_name(const char *name, anne_activation *act);

/* Serializes into a malloc'd model file (free with free()). Errors name the layer and the problem. */
int anne_ir_serialize(const anne_ir *ir, unsigned char **bytes, size_t *size, anne_error *err);

/* Serializes and writes atomically to path. */
int anne_ir_save(const anne_ir *ir, const char *path, anne_error *err);

/* Copies a loaded model into ir (ir is initialized here). */
int anne_ir_from_model(anne_ir *ir, const anne_model *model, anne_error *err);

/* A model ready to run: the file bytes (owned) and the runtime's view of them. */
typedef struct anne_loaded {
    unsigned char *bytes;
    size_t size;
    anne_model model;
} anne_loaded;

/* Reads any model file the tools understand (recognized by content, not extension): an .anne
 * file, or ANNE JSON (converted in memory). Errors start with the path. */
int anne_loaded_open(anne_loaded *out, const char *path, anne_error *err);
void anne_loaded_close(anne_loaded *m);

/* Reads any model source into an IR (the dispatcher over importers). */
int anne_import(anne_ir *ir, const char *path, anne_error *err);

#endif /* ANNE_IR_H */
