/* The graph converter's state, shared by anne_keras_graph.c (the walk over the Keras graph, the shape
 * and merge layers) and anne_keras_window.c (convolutions and pooling). */
#ifndef ANNE_KERAS_GRAPH_H
#define ANNE_KERAS_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "anne_ir_graph.h"
#include "anne_keras_internal.h"

typedef struct anne_kg {
    const anne_keras_source *src;
    const anne_keras_kmodel *m;
    anne_ir *ir;
    anne_error *err;
    size_t index;               /* the Keras layer being converted */
    const anne_keras_klayer *layer;
    uint16_t in[ANNE_MAX_OP_INPUTS]; /* its input tensors */
    size_t n_in;
    uint16_t result;            /* out: the tensor holding its output */
    const char *name_suffix;    /* added to the layer's name for the next op ("": none) */
} anne_kg;

/* "<path>: layer N "name" (Class): ..." for the layer being converted. Returns -1. */
int anne_kg_fail(anne_kg *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The shape of input k. */
const anne_ir_tensor *anne_kg_shape(const anne_kg *g, size_t k);

/* Appends an op over the layer's inputs (all of them, or the first only with first_only) writing a
 * tensor of shape *out, named after the layer; g->result is its output. NULL: failed (err set). */
anne_ir_op *anne_kg_op(anne_kg *g, anne_op_kind kind, const anne_ir_tensor *out, int first_only);

/* Sets the op's activation from the layer's "activation" setting. */
int anne_kg_activation(anne_kg *g, anne_ir_op *op);

/* The layer's weights (anne_keras_fetch). */
int anne_kg_weights(anne_kg *g, anne_keras_array **w, size_t *n, size_t min_n, size_t max_n, const char *what);

/* Checks that array a has the given shape (rank entries of dims); fails naming it otherwise. */
int anne_kg_array_shape(anne_kg *g, const anne_keras_array *a, const char *what, int rank, const size_t *dims);

/* Reads an integer setting that is a number or a list of n numbers (Keras writes both: 3, [3], [3, 3])
 * into out[0 .. n-1], each in lo ... hi; absent or null: def for all. */
int anne_kg_ints(anne_kg *g, const char *key, size_t n, long def, long lo, long hi, long *out);

/* Convolutions, depthwise and separable convolutions, pooling (anne_keras_window.c). Return 1 when the
 * class is theirs (the layer then converted, or -1 on error), 0 when it is not. */
int anne_kg_window_layer(anne_kg *g);

/* For --check: 1 supported, 0 not (why), -1 not a windowed class. */
int anne_kg_window_supported(const anne_keras_klayer *l, char *why, size_t cap);

/* SimpleRNN, GRU, LSTM and Bidirectional around one (anne_keras_rnn.c): as anne_kg_window_layer. */
int anne_kg_rnn_layer(anne_kg *g);

/* For --check: 1 supported, 0 not (why: stateful, time_major, a merge_mode or wrapped class ANNE has
 * not), -1 not a recurrent class. */
int anne_kg_rnn_supported(const anne_keras_klayer *l, char *why, size_t cap);

#endif /* ANNE_KERAS_GRAPH_H */
