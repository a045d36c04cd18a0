/* The graph quantizer's op table (anne_quantize_graph.h): for each op kind with an int8 form in format
 * 2.2, whether a fused relu stays in the op as its clamp, and the prepare function that gives the op's
 * output its scale and zero point and the op its int8 arrays (kernel, bias, aux record), by TFLite's
 * rules. Adding a kind is one entry in the table and its prepare function (anne_quantize_graph_ops.c). */
#ifndef ANNE_QUANTIZE_GRAPH_OPS_H
#define ANNE_QUANTIZE_GRAPH_OPS_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_quantize.h"

/* The int8 graph being built beside its float twin. */
typedef struct anne_qgraph {
    const anne_ir *ir;          /* the float graph, one op per int8 op (activations split off) */
    const double *lo, *hi;      /* (n_tensors) each tensor's range on the calibration data */
    anne_tensor *t;             /* (n_tensors) the int8 tensors: shapes; the inputs' quantization set */
    anne_op *ops;               /* (n_ops) the int8 ops: kind, activation, inputs and output set */
    int per_tensor;             /* one weight scale per op instead of one per output channel */
    anne_quantize_keep keep;    /* the arrays the ops point to, freed with the graph */
} anne_qgraph;

typedef struct anne_qrule {
    anne_op_kind kind;
    int keeps_relu;             /* a fused relu (no slope, no threshold) runs as the output clamp */
    unsigned max_inputs;        /* the most inputs the int8 kind takes (format 2.2: ADD of 2, CONCAT of 4) */
    /* op i: its output tensor's quantization (g->t) and int8 arrays (g->ops[i]); errors say what is
       out of range (the caller names the op) */
    int (*prepare)(anne_qgraph *g, size_t i, anne_error *err);
} anne_qrule;

/* The rule of an op kind, or NULL when the kind has no int8 form yet. */
const anne_qrule *anne_qrule_find(anne_op_kind kind);

/* Whether op keeps its fused activation in int8 (linear, or a relu the rule runs as a clamp); any other
 * activation goes to an ACTIVATION op of its own. */
int anne_qrule_keeps(const anne_qrule *rule, const anne_ir_op *op);

/* Frees what the ops point to. */
void anne_qgraph_free(anne_qgraph *g);

#endif /* ANNE_QUANTIZE_GRAPH_OPS_H */
