/* The paper's numbers: both IRIS networks give Keras' confusion matrix [[8, 2], [0, 10]] on the 20
 * test rows, and the 6-neuron weights run with ReLU everywhere (the paper's MicroPython port) give
 * [[9, 1], [0, 10]]. The example JSON files must carry exactly the weights of
 * ../shared/data/paper/paper_models.json, and every output must agree with a double-precision
 * forward pass computed here from those weights. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_csv.h"
#include "anne_file.h"
#include "test_support.h"

/* The paper's standardization (../shared/data/paper/README.md). */
static const double mean[4] = {6.262, 2.872, 4.906, 1.676};
static const double std_[4] = {0.659511940756193, 0.33108307114680446, 0.8214401986754728, 0.4226393261399133};

typedef struct test_rows {
    float x[20][4];
    uint16_t y[20];
    size_t n;
} test_rows;

static void read_rows(test_rows *t) {
    anne_csv csv;
    anne_csv_labels labels;
    anne_error err;
    float *x = NULL;
    size_t col, nf = 0;
    if (anne_csv_read(&csv, anne_test_path("examples/iris/iris_test.csv"), &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_csv_find(&csv, "Species", &col, &err), 0);
    assert_int_equal(anne_csv_features(&csv, col, &x, &nf, &err), 0);
    assert_int_equal(nf, 4);
    assert_int_equal(csv.n_rows, 20);
    assert_int_equal(anne_csv_labels_read(&csv, col, 2, NULL, &labels, &err), 0);
    memcpy(t->x, x, sizeof t->x);
    memcpy(t->y, labels.y, sizeof t->y);
    t->n = 20;
    free(x);
    anne_csv_labels_free(&labels);
    anne_csv_free(&csv);
}

/* Confusion matrix [[TN, FP], [FN, TP]] of a model on the test rows. */
static void confusion(const anne_model *model, const test_rows *t, uint32_t cm[4]) {
    anne_metrics m;
    float arena[64], out[1];
    size_t i;
    assert_true(anne_model_arena_size(model) <= sizeof arena);
    assert_int_equal(anne_metrics_init(&m, 2, cm, 4), ANNE_OK);
    for (i = 0; i < t->n; i++) {
        assert_int_equal(anne_model_predict(model, out, t->x[i], arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_metrics_update_output(&m, t->y[i], out, 1, 0.5f, NULL), ANNE_OK);
    }
}

static void check_network(const char *json, const uint32_t expected[4]) {
    anne_loaded net;
    test_rows t;
    uint32_t cm[4];
    read_rows(&t);
    anne_test_open_model(&net, json);
    confusion(&net.model, &t, cm);
    assert_memory_equal(cm, expected, sizeof cm);
    anne_loaded_close(&net);
}

static void test_8_neurons_match_keras(void **state) {
    static const uint32_t keras[4] = {8, 2, 0, 10};
    (void)state;
    check_network("examples/iris/iris_8_neurons.json", keras);
}

static void test_6_neurons_match_keras(void **state) {
    static const uint32_t keras[4] = {8, 2, 0, 10};
    (void)state;
    check_network("examples/iris/iris_6_neurons.json", keras);
}

/* The paper's 95 %: the 6-neuron weights with ReLU in every layer. */
static void test_6_neurons_relu_everywhere_gives_95_percent(void **state) {
    static const uint32_t micropython[4] = {9, 1, 0, 10};
    anne_ir ir;
    anne_error err;
    anne_model model;
    unsigned char *bytes;
    size_t size, i;
    test_rows t;
    uint32_t cm[4];
    (void)state;
    read_rows(&t);
    if (anne_import(&ir, anne_test_path("examples/iris/iris_6_neurons.json"), &err) != 0) fail_msg("%s", err.msg);
    for (i = 0; i < ir.n_layers; i++) {
        ir.layers[i].activation = ANNE_ACT_RELU;
        anne_ir_default_params(ANNE_ACT_RELU, ir.layers[i].param);
    }
    assert_int_equal(anne_ir_serialize(&ir, &bytes, &size, &err), 0);
    assert_int_equal(anne_model_load(&model, bytes, size), ANNE_OK);
    confusion(&model, &t, cm);
    assert_memory_equal(cm, micropython, sizeof cm);
    free(bytes);
    anne_ir_free(&ir);
}

/* One network of paper_models.json, in double precision: (layers) of kernel (in, units), bias. */
static double forward_double(const cJSON *layers, const float raw[4]) {
    double v[8], next[8];
    size_t n = 4, i, j;
    const cJSON *layer;
    for (i = 0; i < 4; i++) v[i] = ((double)raw[i] - mean[i]) / std_[i];
    cJSON_ArrayForEach(layer, layers) {
        const cJSON *kernel = cJSON_GetObjectItem(layer, "kernel"), *bias = cJSON_GetObjectItem(layer, "bias");
        const char *act = cJSON_GetObjectItem(layer, "activation")->valuestring;
        size_t units = (size_t)cJSON_GetArraySize(bias);
        assert_true(units <= 8 && (size_t)cJSON_GetArraySize(kernel) == n);
        for (j = 0; j < units; j++) {
            double z = cJSON_GetArrayItem(bias, (int)j)->valuedouble;
            for (i = 0; i < n; i++) z += v[i] * cJSON_GetArrayItem(cJSON_GetArrayItem(kernel, (int)i), (int)j)->valuedouble;
            next[j] = strcmp(act, "relu") == 0 ? (z > 0 ? z : 0) : 1.0 / (1.0 + exp(-z));
        }
        memcpy(v, next, units * sizeof *v);
        n = units;
    }
    return v[0];
}

/* The example files carry the paper's weights, and the float32 runtime agrees with double math. */
static void test_weights_and_outputs_match_paper_models(void **state) {
    static const char *const names[2] = {"iris_8_neurons", "iris_6_neurons"};
    ANNE_TEST_REQUIRE_SHARED(path, "data/paper/paper_models.json");
    anne_ir ir;
    anne_error err;
    unsigned char *text;
    size_t size, k, i, r;
    cJSON *doc;
    test_rows t;
    (void)state;
    read_rows(&t);
    assert_int_equal(anne_file_read(path, &text, &size, &err), 0);
    doc = cJSON_Parse((const char *)text);
    free(text);
    assert_non_null(doc);
    for (k = 0; k < 2; k++) {
        const cJSON *layers = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, names[k]), "layers");
        char rel[256];
        anne_loaded net;
        snprintf(rel, sizeof rel, "examples/iris/%s.json", names[k]);
        if (anne_import(&ir, anne_test_path(rel), &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal((size_t)cJSON_GetArraySize(layers), ir.n_layers);
        for (i = 0; i < ir.n_layers; i++) {
            const cJSON *layer = cJSON_GetArrayItem(layers, (int)i);
            const cJSON *kernel = cJSON_GetObjectItem(layer, "kernel"), *bias = cJSON_GetObjectItem(layer, "bias");
            const anne_ir_layer *l = &ir.layers[i];
            size_t a, b;
            assert_string_equal(anne_activation_name(l->activation), cJSON_GetObjectItem(layer, "activation")->valuestring);
            for (a = 0; a < l->n_in; a++) {
                for (b = 0; b < l->n_out; b++) {
                    float paper = (float)cJSON_GetArrayItem(cJSON_GetArrayItem(kernel, (int)a), (int)b)->valuedouble;
                    assert_true(l->kernel[b * l->n_in + a] == paper); /* (in, units) -> (units, in) */
                }
            }
            for (b = 0; b < l->n_out; b++) assert_true(l->bias[b] == (float)cJSON_GetArrayItem(bias, (int)b)->valuedouble);
        }
        anne_ir_free(&ir);

        anne_test_open_model(&net, rel);
        for (r = 0; r < t.n; r++) {
            float out[1];
            anne_test_predict(&net, out, t.x[r]);
            assert_float_equal(out[0], forward_double(layers, t.x[r]), 1e-6);
        }
        anne_loaded_close(&net);
    }
    cJSON_Delete(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_8_neurons_match_keras),
        cmocka_unit_test(test_6_neurons_match_keras),
        cmocka_unit_test(test_6_neurons_relu_everywhere_gives_95_percent),
        cmocka_unit_test(test_weights_and_outputs_match_paper_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
