/* The .tflite importer on float32 graph models against TFLite itself: convolutional, pooling, padding,
 * reshaping and merge models (broadcasting ADD, SUB, MUL, MAXIMUM, MINIMUM and a squeeze-and-excitation
 * block among them; HARD_SWISH, PRELU) written as the TFLite converter writes Keras layers and run by
 * LiteRT.js (reference/tflite-graph/make_models.js, outputs in tests/data/tflite_graph/), must reproduce
 * TFLite's own outputs within 1e-5 (relative above 1); the models of features ANNE does not have
 * must be refused by name instead. Every failing model is listed (graph_references.h). */
#include "graph_references.h"
#include "test_support.h"

static void test_tflite_graph_models_match_tflite(void **state) {
    static const anne_graph_refusal refused[] = {
        {"conv2d_relu_n1_to_1", "operator 1 (CONV_2D): fused activation RELU_N1_TO_1 is not supported"},
    };
    const anne_graph_refs refs = {"tests/data/tflite_graph", "model.tflite", "TFLite", 68, refused,
                                  sizeof refused / sizeof refused[0]};
    (void)state;
    anne_graph_refs_check(&refs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tflite_graph_models_match_tflite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
