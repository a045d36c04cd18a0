/* A small graph model with most op kinds, for the tests that need one as a file: the loader fuzzer's
 * seeds (tests/fuzz/fuzz_seeds.c) and the emulated boards (ports/host/anne_mcu_host.c: "graph_sample",
 * run on both cores against the host). */
#ifndef ANNE_SAMPLE_GRAPH_H
#define ANNE_SAMPLE_GRAPH_H

#include <stddef.h>

#include "anne.h"

/* The model bytes, malloc'd into *bytes (free()): (5, 5, 2) -> conv 3x3 same relu (4) -> zero pad 1 ->
 * max pool 2x2 -> depthwise 3x3 same -> add (residual) -> crop 1 -> upsample x3 -> concat (channels) ->
 * average pool 2x2 same -> channel affine -> permute -> global max pool -> multiply of the permuted
 * (2, 2, 8) by those maxima (8) (broadcast) -> prelu per channel -> global average pool -> layer norm ->
 * dense 3 softmax: 17 ops, 16 kinds, every tensor in a place of its own. */
anne_status anne_sample_graph(void **bytes, size_t *size);

#endif /* ANNE_SAMPLE_GRAPH_H */
