/* Graph models in the IR (anne_ir.h: ops over shaped tensors, format 2.0): building them, the passes
 * that make them smaller (activations and BatchNormalization folded into the op before them, dead
 * ops dropped), and their conversion to and from model files (the arena planned by anne_plan.h). */
#ifndef ANNE_IR_GRAPH_H
#define ANNE_IR_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"
#include "anne_ir.h"

/* Values of a tensor. */
size_t anne_ir_tensor_values(const anne_ir_tensor *t);

/* Whether two tensors have the same shape. */
int anne_ir_tensor_same(const anne_ir_tensor *a, const anne_ir_tensor *b);

/* The shape NumPy's broadcasting gives the n >= 1 shapes in[0 .. n-1] (as Keras' merges and TFLite's
 * elementwise operators broadcast: axes aligned at the last, each axis equal or 1), into *out. Returns
 * 0, or k + 1 when in[k] does not broadcast with the shapes before it. */
size_t anne_ir_broadcast(const anne_ir_tensor *const *in, size_t n, anne_ir_tensor *out);

/* The slopes of a PRELU op over a tensor of shape *in, from alpha of shape *a that broadcasts to it (the
 * caller checked: aligned at the last axis, each axis in's or 1): one per channel (C values) when a's
 * every axis but the last is 1, else one per value of in, alpha repeated along a's axes of 1. malloc'd,
 * *n values; NULL when out of memory. */
float *anne_ir_prelu_slopes(const anne_ir_tensor *in, const anne_ir_tensor *a, const float *alpha, uint32_t *n);

/* "(26, 26, 8)" into buf. */
void anne_ir_tensor_describe(const anne_ir_tensor *t, char *buf, size_t cap);

/* Starts a graph: tensor 0 (the model's input) gets the shape (dims[0 .. rank-1]). The IR must be
 * empty. Errors: a rank outside 1 ... 4, a zero dimension, more than 65535 values. */
int anne_ir_graph_start(anne_ir *ir, size_t rank, const size_t *dims, anne_error *err);

/* Adds another input tensor after those there are (before any op); the same errors, and more than
 * ANNE_MAX_MODEL_IO inputs or 65535 input values in all. Its index is n_input_tensors - 1. */
int anne_ir_graph_add_input(anne_ir *ir, size_t rank, const size_t *dims, anne_error *err);

/* Tensors of a graph: inputs and ops' outputs. */
size_t anne_ir_n_tensors(const anne_ir *ir);

/* The tensor op i writes. */
size_t anne_ir_op_output(const anne_ir *ir, size_t i);

/* The graph's outputs (1 when none are listed: the last tensor), output k's tensor, whether tensor t is
 * an output, and the values of all outputs side by side. */
size_t anne_ir_n_outputs(const anne_ir *ir);
size_t anne_ir_output(const anne_ir *ir, size_t k);
int anne_ir_is_output(const anne_ir *ir, size_t t);
size_t anne_ir_output_values(const anne_ir *ir);

/* Makes tensors list[0 .. n-1] the graph's outputs, in that order (distinct tensors written by ops;
 * n = 1 and the last tensor: the list stays empty). Errors name the problem. */
int anne_ir_set_outputs(anne_ir *ir, size_t n, const uint16_t *list, anne_error *err);

/* Appends an op reading inputs[0 .. n_inputs-1] and writing a new tensor of shape *out (returned in
 * *index). The op is zeroed (activation linear, no weights); the caller sets the rest. Returns NULL
 * (err set) when out of memory, past ANNE_MAX_TENSORS or the tensor is too large. */
anne_ir_op *anne_ir_add_op(anne_ir *ir, anne_op_kind kind, size_t n_inputs, const uint16_t *inputs,
                           const anne_ir_tensor *out, uint16_t *index, anne_error *err);

/* The ops that read tensor t. */
size_t anne_ir_tensor_readers(const anne_ir *ir, size_t t);

/* Removes op j, whose output is then replaced by its first input wherever it is read (and in the output
 * list); the tensors after it move down by one. The caller makes sure this keeps the values (an
 * identity, or a step folded into the op before it) and, when no output list is kept, that op j is not
 * the last op unless its first input is the tensor before it. */
void anne_ir_remove_op(anne_ir *ir, size_t j);

/* The passes, in this order: drops ops whose output nobody reads (except the model's outputs), folds
 * CHANNEL_AFFINE (BatchNormalization) into a DENSE, CONV2D or DEPTHWISE_CONV2D before it, and ACTIVATION
 * into any op before it, where that op's output is read by nothing else and its activation is linear. */
int anne_ir_graph_simplify(anne_ir *ir, anne_error *err);

/* Plans the arena and writes the model file (malloc'd). Errors name the op. */
int anne_ir_graph_serialize(const anne_ir *ir, unsigned char **bytes, size_t *size, anne_error *err);

/* The arena plan of ir's tensors (docs/format.md, "Memory plan") at bytes_per_value each (4: float32,
 * 1: int8), each place rounded up to a multiple of 4, in-place where an elementwise op may write over
 * its first input, and a scratch block for each recurrent op while it runs: offsets (n_tensors),
 * scratch_offsets (n_tensors, may be NULL: where the writer of tensor i has its scratch, 0 for none) and
 * *arena_bytes, the end of the furthest tensor's values or scratch. */
int anne_ir_graph_plan(const anne_ir *ir, uint32_t bytes_per_value, uint32_t *offsets, uint32_t *scratch_offsets,
                       uint32_t *arena_bytes, anne_error *err);

/* The description of ir for anne_graph_write() around the caller's tensor and op records (n_tensors,
 * n_ops): name, scaling, classes, inputs and the output list (written into outputs[ANNE_MAX_MODEL_IO]);
 * arena_bytes is the caller's to set. */
void anne_ir_graph_desc(const anne_ir *ir, const anne_tensor *tensors, const anne_op *ops, uint16_t *outputs,
                        anne_graph_desc *d);

/* anne_graph_write() into a malloc'd buffer (*bytes, *size); errors say why the writer refused. */
int anne_ir_graph_write_desc(const anne_graph_desc *d, unsigned char **bytes, size_t *size, anne_error *err);

/* Copies a loaded graph model's ops and tensors into ir (the rest of ir is the caller's). */
int anne_ir_graph_from_model(anne_ir *ir, const anne_model *m, anne_error *err);

void anne_ir_graph_free(anne_ir *ir);

/* The readable name of an op kind ("Conv2D", "Add", ...). */
const char *anne_op_kind_name(anne_op_kind kind);

#endif /* ANNE_IR_GRAPH_H */
