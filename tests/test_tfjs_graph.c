/* The TF.js importer on graph models against TensorFlow.js itself: convolutional, pooling, padding,
 * normalization and merge models, trained a little and saved by tfjs-layers 4.22
 * (reference/tfjs-graph/make_models.js, outputs in tests/data/tfjs_graph/; PReLU with and without shared
 * axes, squeeze-and-excitation and other broadcasting merges among them), must reproduce TF.js' own
 * predictions within 1e-5 (relative above 1); every failing model is listed (graph_references.h). */
#include "graph_references.h"
#include "test_support.h"

static void test_tfjs_graph_models_match_tfjs(void **state) {
    const anne_graph_refs refs = {"tests/data/tfjs_graph", "model.json", "TF.js", 111, NULL, 0};
    (void)state;
    anne_graph_refs_check(&refs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tfjs_graph_models_match_tfjs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
