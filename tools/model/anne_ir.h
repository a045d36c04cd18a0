/* The host's in-memory model: what every importer produces (ANNE JSON, later Keras, TF.js) and
 * what the writer, the code generator and the commands consume. It owns its arrays. */
#ifndef ANNE_IR_H
#define ANNE_IR_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_error.h"

/* The message for a graph model (format 2.0) given to a step that handles dense chains only. */
#define ANNE_GRAPH_NOT_YET "a graph model (format 2.0: convolutions, pooling, merges)"

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

/* A graph model's tensor: its shape without the batch axis, channels last. */
typedef struct anne_ir_tensor {
    uint8_t rank;               /* 1 ... ANNE_MAX_RANK */
    uint16_t dims[ANNE_MAX_RANK]; /* dims[0 .. rank-1]; the others 1 */
} anne_ir_tensor;

/* A graph model's op (docs/format.md, "Graph models"): op i writes tensor n_input_tensors + i. Kernel and
 * bias in the runtime's layout for the kind (anne_op_kind). */
typedef struct anne_ir_op {
    anne_op_kind kind;
    anne_activation activation; /* applied to the output; not prelu */
    float param[3];
    uint8_t n_inputs;
    uint16_t inputs[ANNE_MAX_OP_INPUTS]; /* tensor indices, each at most the op's own index */
    float *kernel;              /* (kernel_n) or NULL */
    uint32_t kernel_n;
    float *bias;                /* (bias_n) or NULL */
    uint32_t bias_n;
    uint16_t attr[10];          /* per kind, as anne_op */
    char *name;                 /* the source's layer name (for messages), or NULL */
} anne_ir_op;

typedef struct anne_ir {
    char *name;                 /* or NULL */
    uint16_t n_inputs;          /* input values (a graph: those of all its input tensors) */
    size_t n_layers;            /* a dense chain (format 1.0); 0 for a graph */
    anne_ir_layer *layers;      /* (n_layers) */
    size_t n_ops;               /* a graph (format 2.0); 0 for a dense chain */
    anne_ir_op *ops;            /* (n_ops) */
    anne_ir_tensor *tensors;    /* (n_input_tensors + n_ops): the inputs first, then the ops' outputs */
    uint16_t n_input_tensors;   /* a graph's inputs, tensors 0 ... n_input_tensors-1 (1 for most models) */
    uint16_t n_output_tensors;  /* a graph's outputs listed in outputs[]; 0: one output, the last tensor */
    uint16_t outputs[ANNE_MAX_MODEL_IO]; /* tensor indices, in the model's output order */
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
