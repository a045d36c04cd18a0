/* `anne train --init` on a graph model: its frozen feature part (every op before the dense head,
 * tools/model/anne_ir_split.h) runs once per data row, and its dense head is trained as any dense
 * model is; the trained head goes back into the graph. */
#ifndef ANNE_TRAIN_GRAPH_H
#define ANNE_TRAIN_GRAPH_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_train_data.h"

typedef struct anne_train_graph {
    anne_ir graph;              /* the whole model; n_ops == 0: not in use */
    anne_loaded features;       /* the frozen part, run on each row */
    anne_loaded head;           /* the dense head: the trainer's starting model (taken over by the caller) */
} anne_train_graph;

/* Cuts the loaded graph model m (from path, for messages) into features and head. */
int anne_train_graph_open(anne_train_graph *g, const anne_model *m, const char *path, anne_error *err);

/* Replaces every row's input values by the features the frozen part computes from them. */
int anne_train_graph_features(const anne_train_graph *g, anne_train_rows *rows, anne_error *err);

/* The whole graph model with the trained head (model bytes head_bytes) in it, as a malloc'd model file. */
int anne_train_graph_join(anne_train_graph *g, const unsigned char *head_bytes, size_t head_size, unsigned char **out,
                          size_t *out_size, anne_error *err);

void anne_train_graph_free(anne_train_graph *g);

#endif /* ANNE_TRAIN_GRAPH_H */
