/* The arena planner: gives every tensor of a graph model its place in the arena from the tensors'
 * lifetimes, offline, so that the runtime never plans (docs/format.md, "Memory plan"). */
#ifndef ANNE_PLAN_H
#define ANNE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"

/* One tensor, in the graph's order: the model's n_inputs inputs first, then tensor i written by op
 * i - n_inputs. */
typedef struct anne_plan_tensor {
    uint32_t bytes;             /* a multiple of 4, > 0 */
    uint32_t last;              /* the last op that reads it; the model's outputs (the last tensor among
                                   them): the number of ops, so that they live to the end */
    int32_t in_place_of;        /* a tensor whose place this one may take (its writer is an elementwise op
                                   whose first input it is, of the same size), or -1 */
    uint32_t offset;            /* out: bytes from the arena's start, a multiple of 4 */
    uint32_t scratch;           /* bytes of working memory its writer needs while it runs (a recurrent op's
                                   state), a multiple of 4; 0: none (and always for the inputs) */
    uint32_t scratch_offset;    /* out: where that scratch is, clear of every tensor live during the op */
} anne_plan_tensor;

/* Plans t (n tensors, of which the first n_inputs >= 1 are the model's inputs, all live from the start;
 * n > n_inputs). A chain (one input, each tensor read only by the next op, and nothing reused in
 * place) gets the two ends of the arena in turn, as the dense runner has always done: the arena is then
 * the lower bound, the largest (input + output) bytes of one op. Any other graph: the tensors by size,
 * largest first, each at the lowest offset where it overlaps no tensor live at the same time (TFLite's
 * greedy-by-size), after the in-place reuses; a scratch is one more block, live while its op runs.
 * *arena_bytes: the end of the furthest tensor or scratch. Errors (a
 * tensor read before it is written, sizes that overflow 32 bits) name what is wrong. */
int anne_plan_arena(anne_plan_tensor *t, size_t n, size_t n_inputs, uint32_t *arena_bytes, anne_error *err);

#endif /* ANNE_PLAN_H */
