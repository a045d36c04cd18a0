/* The Keras model converter shared by every Keras-family importer (.h5, .keras, to_json() + weights,
 * TensorFlow.js): walks a Keras model config (a chain of layers), asks a weight source for each
 * layer's arrays, and builds the IR, merging activations and folding BatchNormalization. */
#ifndef ANNE_KERAS_H
#define ANNE_KERAS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anne_error.h"
#include "anne_ir.h"

#define ANNE_KERAS_MAX_RANK 8

/* One weight array: floats in C order with its shape, as the source stores it. */
typedef struct anne_keras_array {
    float *data;                /* (n), malloc'd */
    size_t n;
    int rank;
    size_t dims[ANNE_KERAS_MAX_RANK];
} anne_keras_array;

void anne_keras_arrays_free(anne_keras_array *a, size_t n);

/* Which layer the converter asks weights for. */
typedef struct anne_keras_layer_ref {
    size_t index;               /* position in the config's layer list (0-based) */
    const char *name;           /* the layer's name in the config */
    const char *class_name;     /* "Dense", ... */
    size_t class_index;         /* earlier layers of the same class (a .keras file numbers them so) */
} anne_keras_layer_ref;

/* Returns the layer's weight arrays in Keras' order (kernel, bias; gamma, beta, mean, variance; ...)
 * as a malloc'd array (free with anne_keras_arrays_free), *n = 0 when the source holds none. */
typedef int (*anne_keras_weights_fn)(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays,
                                     size_t *n, anne_error *err);

typedef struct anne_keras_source {
    const char *path;           /* the file named in messages */
    const cJSON *model;         /* {"class_name": "Sequential" | "Functional" | "Model", "config": ...} */
    int keras_major;            /* 2 or 3: decides hard_sigmoid's definition */
    int tfjs;                   /* the config was written by TensorFlow.js */
    anne_keras_weights_fn weights;
    void *ctx;
    int check_converts;         /* the weights are at hand: anne_keras_check converts too (see there) */
} anne_keras_source;

/* Converts the model into ir (initialized here; freed on error). Unsupported layers, a graph that is
 * not a chain, shapes that disagree and non-finite weights are errors naming the layer. */
int anne_keras_convert(anne_ir *ir, const anne_keras_source *src, anne_error *err);

/* Lists every layer as supported or not into a malloc'd text (one line a layer). Returns 0 when every
 * layer is supported, 1 when some are not, -1 when the config cannot be read at all (err set). With
 * src->check_converts, a model whose layers are all supported is also converted (the result dropped):
 * where that fails (a weight missing, of the wrong shape, not finite) so does the check, with
 * anne_keras_convert's error, so that --check never passes a model that convert refuses. Without it
 * no weights are read. */
int anne_keras_check(const anne_keras_source *src, char **report, anne_error *err);

/* The major version in a Keras version string ("2.13.1" -> 2, "3.7.0" -> 3); 2 when unknown. */
int anne_keras_major(const char *version);

/* Keras' snake_case of a class name, as .keras files name weight groups ("PReLU" -> "p_re_lu"). */
void anne_keras_snake_case(const char *class_name, char *out, size_t cap);

#endif /* ANNE_KERAS_H */
