/* Every tensor of a graph model for one input, for `anne trace`. The runtime runs all ops in one call
 * with tensors sharing places in the arena (the converter's plan), so an intermediate tensor may be
 * overwritten before the call returns. Here the model is written again from its op and tensor records
 * (anne_model_op(), anne_model_tensor(), anne_graph_write()) with every tensor at a place of its own,
 * one after the other (the arena is then the sum of the tensors), and run once with
 * anne_model_predict(): afterwards each tensor holds what the op that wrote it computed. */
#ifndef ANNE_GRAPH_TRACE_H
#define ANNE_GRAPH_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_error.h"

typedef struct anne_graph_trace {
    unsigned char *bytes;       /* the re-planned model file (malloc'd) */
    size_t size;
    anne_model model;           /* loaded from bytes: the same ops, weights, scaling and classes */
    float *arena;               /* model.arena_bytes: every tensor at its own offset */
    float *dequantized;         /* int8 graphs: each tensor's values as floats, at 4 x its arena offset
                                   (a float for each arena byte); NULL for float32 graphs */
} anne_graph_trace;

/* Re-plans the loaded graph model m into t, which holds a copy of all it needs (m may be closed
 * afterwards). Errors: not a graph model, tensors that do not fit in 4 GiB side by side, out of memory. */
int anne_graph_trace_open(anne_graph_trace *t, const anne_model *m, anne_error *err);

/* Runs one raw (unscaled) input (n_inputs floats); output: n_outputs floats. Afterwards tensor 0 holds
 * the scaled input and tensor k the output of op k - 1 (0-based). */
int anne_graph_trace_run(anne_graph_trace *t, float *output, const float *input, anne_error *err);

/* Tensor `index`'s values after anne_graph_trace_run() (its shape into *tensor), or NULL when index is
 * out of range; an int8 graph's dequantized (real = scale * (q - zero point)). */
const float *anne_graph_trace_values(const anne_graph_trace *t, uint16_t index, anne_tensor *tensor);

void anne_graph_trace_close(anne_graph_trace *t);

#endif /* ANNE_GRAPH_TRACE_H */
