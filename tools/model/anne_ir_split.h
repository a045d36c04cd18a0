/* Fine-tuning a graph model on top of a frozen feature extractor (the paper's on-device learning): the
 * graph is cut into its feature part (every op up to the dense head, frozen) and its dense head (the
 * chain of Dense ops at its end on one-dimensional tensors), which is an ordinary dense model that
 * `anne train` and the on-device trainer (anne_train.h) train as they train any dense model. */
#ifndef ANNE_IR_SPLIT_H
#define ANNE_IR_SPLIT_H

#include "anne_error.h"
#include "anne_ir.h"

/* Cuts graph g: *features gets the ops before the head (a graph model whose output is the head's
 * input; g's input scaling), *head the head's Dense ops as a dense model (its input the features;
 * g's classes). Both are initialized here. Errors: g has no dense head (its last op is not a Dense
 * on a one-dimensional tensor), or the head is the whole model (then g would be a dense model). */
int anne_ir_split_head(const anne_ir *g, anne_ir *features, anne_ir *head, anne_error *err);

/* Copies the weights of head (as anne_ir_split_head made it, trained since) back into g's head ops. */
int anne_ir_join_head(anne_ir *g, const anne_ir *head, anne_error *err);

#endif /* ANNE_IR_SPLIT_H */
