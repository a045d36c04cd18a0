/* Graph models against the outputs their own framework computed (TF.js, TFLite through LiteRT): every
 * model of a reference folder (tests/data/<dir>: index.json, and per model its file and io.json with
 * "inputs", "outputs", "input_shape", "output_shape", or "input_shapes" and "output_shapes" for several, each
 * checked against the model's inputs and outputs) is imported, written, loaded and run; each must
 * reproduce the framework within 1e-5 (relative above 1), or be refused with the message given.
 * Every failing model is listed before the test fails, so that one run shows all that is left. */
#ifndef GRAPH_REFERENCES_H
#define GRAPH_REFERENCES_H

#include <stddef.h>

/* A model that shows a feature ANNE does not have: the import must fail with message in its error. */
typedef struct anne_graph_refusal {
    const char *name, *message;
} anne_graph_refusal;

typedef struct anne_graph_refs {
    const char *dir;            /* "tests/data/tfjs_graph" */
    const char *file;           /* each model's file in its folder: "model.json" */
    const char *framework;      /* for messages: "TF.js" */
    size_t min_models;          /* the index lists at least these many */
    const anne_graph_refusal *refused;
    size_t n_refused;
} anne_graph_refs;

/* Checks every model of refs (a cmocka failure listing each that does not pass). */
void anne_graph_refs_check(const anne_graph_refs *refs);

#endif /* GRAPH_REFERENCES_H */
