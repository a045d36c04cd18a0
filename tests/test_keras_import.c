/* The Keras importers against real files written by Keras, tf.keras and TensorFlow.js (read in place
 * from ../shared/fixtures/keras; skipped when absent): outputs equal the framework's own predictions,
 * the same model in several formats gives the same model file, unsupported layers are refused with
 * the layer named, and damaged files give errors, never crashes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_import.h"
#include "test_support.h"

#define FIX "fixtures/keras/"

/* ANNE_TEST_REQUIRE_SHARED with a copy of the path (anne_test_shared_path() reuses one buffer). */
#define SHARED(var, rel)                                                                                 \
    char var[1024];                                                                                      \
    do {                                                                                                 \
        ANNE_TEST_REQUIRE_SHARED(var##_p, rel);                                                          \
        snprintf(var, sizeof var, "%s", var##_p);                                                        \
    } while (0)

/* The importer's error for path, which must fail. */
static const char *refused(const char *path, const char *weights) {
    static anne_error err;
    anne_ir ir;
    anne_import_options opt;
    memset(&opt, 0, sizeof opt);
    opt.weights_path = weights;
    if (anne_import_ex(&ir, path, &opt, &err) == 0) {
        anne_ir_free(&ir);
        fail_msg("%s was accepted", path);
    }
    return err.msg;
}

/* Reads whitespace-separated numbers, one sample a line. */
static size_t read_rows(const char *path, float *x, size_t cap, size_t *per_row) {
    FILE *f = fopen(path, "r");
    char line[65536];
    size_t n = 0, rows = 0;
    assert_non_null(f);
    *per_row = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = line, *end;
        size_t k = 0;
        for (;;) {
            double d = strtod(p, &end);
            if (end == p) break;
            assert_true(n < cap);
            x[n++] = (float)d;
            k++;
            p = end;
        }
        if (k == 0) continue;
        if (*per_row == 0) *per_row = k;
        assert_int_equal(k, *per_row);
        rows++;
    }
    fclose(f);
    return rows;
}

static void check_close(float got, float want, const char *what, size_t row, size_t col) {
    double tol = 1e-5 * (fabs((double)want) > 1.0 ? fabs((double)want) : 1.0);
    if (!(fabs((double)got - (double)want) <= tol)) {
        fail_msg("%s: sample %zu output %zu: %.9g, Keras %.9g", what, row + 1, col + 1, (double)got, (double)want);
    }
}

/* Runs the model bytes on every row of in_path and compares with out_path. */
static void compare_dat(const unsigned char *bytes, size_t size, const char *in_path, const char *out_path,
                        const char *what) {
    static float x[65536], y[65536];
    size_t nx, ny, per_x, per_y, r, j;
    anne_model m;
    float out[1024], arena[4096];
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    nx = read_rows(in_path, x, 65536, &per_x);
    ny = read_rows(out_path, y, 65536, &per_y);
    assert_int_equal(nx, ny);
    assert_true(nx > 0);
    assert_int_equal(per_x, m.n_inputs);
    assert_int_equal(per_y, m.n_outputs);
    assert_true(m.arena_bytes <= sizeof arena);
    for (r = 0; r < nx; r++) {
        assert_int_equal(anne_model_predict(&m, out, x + r * per_x, arena, sizeof arena), ANNE_OK);
        for (j = 0; j < per_y; j++) check_close(out[j], y[r * per_y + j], what, r, j);
    }
}

/* hls4ml's activation models (an input and one activation layer, Keras 2.13) and its Conv1D model (a
 * graph model, format 2.0): full .h5 and to_json() + weights both reproduce Keras' test-bench outputs
 * and give the same model file. */
static void test_hls4ml_activation_layers(void **state) {
    static const char *const names[] = {"elu",     "leaky_relu",       "relu",         "prelu",
                                        "softmax", "thresholded_relu", "conv1d_1layer"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[256], full[1024], json[1024], weights[1024], in[1024], out[1024];
        unsigned char *a, *b;
        size_t na, nb;
        snprintf(rel, sizeof rel, FIX "hls4ml_activation_unit_models/%s/%s.h5", names[i], names[i]);
        {
            ANNE_TEST_REQUIRE_SHARED(p, rel);
            snprintf(full, sizeof full, "%s", p);
        }
        snprintf(rel, sizeof rel, FIX "hls4ml_activation_unit_models/%s/%s.json", names[i], names[i]);
        snprintf(json, sizeof json, "%s", anne_test_shared_path(rel));
        snprintf(rel, sizeof rel, FIX "hls4ml_activation_unit_models/%s/%s_weights.h5", names[i], names[i]);
        snprintf(weights, sizeof weights, "%s", anne_test_shared_path(rel));
        snprintf(rel, sizeof rel, FIX "hls4ml_activation_unit_models/%s/tb_input_features.dat", names[i]);
        snprintf(in, sizeof in, "%s", anne_test_shared_path(rel));
        snprintf(rel, sizeof rel, FIX "hls4ml_activation_unit_models/%s/tb_output_predictions.dat", names[i]);
        snprintf(out, sizeof out, "%s", anne_test_shared_path(rel));
        anne_test_convert(full, NULL, &a, &na);
        compare_dat(a, na, in, out, names[i]);
        anne_test_convert(json, weights, &b, &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        free(a);
        free(b);
    }
}

/* The Conv2D ones of the same set (no test bench) convert to graph models: a Conv2D op with the
 * activation folded in. */
static void test_hls4ml_conv2d_converts(void **state) {
    SHARED(p, FIX "hls4ml_activation_unit_models/sigmoid/sigmoid.h5");
    anne_ir ir;
    anne_error err;
    (void)state;
    if (anne_import(&ir, p, &err) != 0) fail_msg("%s", err.msg);
    assert_true(ir.n_ops >= 1);
    assert_int_equal(ir.ops[0].kind, ANNE_OP_CONV2D);
    assert_int_equal(ir.ops[ir.n_ops - 1u].activation, ANNE_ACT_SIGMOID);
    anne_ir_free(&ir);
}

/* Keras 3.7 legacy .h5, iris 4-16-16-3 on raw inputs: about 97% on its iris.csv (the source says so). */
static void test_k3_iris_accuracy(void **state) {
    SHARED(model, FIX "k3_h5_iris_mit/iris_model.h5");
    SHARED(csv, FIX "k3_h5_iris_mit/iris.csv");
    static const char *const species[3] = {"setosa", "versicolor", "virginica"};
    unsigned char *bytes;
    size_t size, right = 0, total = 0;
    anne_model m;
    float arena[64], out[3];
    char line[256];
    FILE *f;
    (void)state;
    anne_test_convert(model, NULL, &bytes, &size);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    f = fopen(csv, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        float x[4];
        char name[64];
        int c;
        if (sscanf(line, "%f,%f,%f,%f,%63s", &x[0], &x[1], &x[2], &x[3], name) != 5) continue; /* header */
        assert_int_equal(anne_model_predict(&m, out, x, arena, sizeof arena), ANNE_OK);
        c = (int)anne_output_class(out, 3, 0.5f);
        right += strcmp(name, species[c]) == 0;
        total++;
    }
    fclose(f);
    assert_int_equal(total, 150);
    print_message("k3_h5_iris_mit: %zu / %zu right\n", right, total);
    assert_true(right >= 142 && right <= 150); /* "about 97%" */
    free(bytes);
}

/* tf.keras 2.15's .h5 and its Windows-written .keras zip (groups named "layers\dense") of the same
 * 1-10-10-1 network. The fixture's two files hold different training runs (its README: only the
 * .keras and .tflite share weights), so everything but the weights (and the CRC) must be equal. */
static void test_h5_and_keras_zip_same_structure(void **state) {
    SHARED(h5, FIX "embml_nn_line_regression/nn_line_regression.h5");
    SHARED(zip, FIX "embml_nn_line_regression/nn_line_regression.keras");
    unsigned char *a, *b;
    size_t na, nb;
    anne_model ma, mb;
    (void)state;
    anne_test_convert(h5, NULL, &a, &na);
    anne_test_convert(zip, NULL, &b, &nb);
    assert_int_equal(na, nb);
    assert_int_equal(anne_model_load(&ma, a, na), ANNE_OK);
    assert_int_equal(anne_model_load(&mb, b, nb), ANNE_OK);
    assert_memory_equal(a, b, 12);
    assert_memory_equal(a + 16, b + 16, (size_t)(ma.weights - a) - 16u);
    assert_int_equal(ma.n_layers, 3);
    free(a);
    free(b);
}

/* Weights-only .h5 + to_json(): Pima 8-12-8-1 (TF 2.11, variable-length names) and hls4ml's Keras 2.0
 * MLPs (fixed-length names, a functional "Model", BatchNormalization folded into the Dense before it). */
static void test_json_plus_weights(void **state) {
    SHARED(pj, FIX "weights_json_pima_k211/model.json");
    SHARED(pw, FIX "weights_json_pima_k211/model.h5");
    SHARED(bj, FIX "hls4ml_json_weights_k20/KERAS_3layer_batch_norm.json");
    SHARED(bw, FIX "hls4ml_json_weights_k20/KERAS_3layer_batch_norm_weights.h5");
    SHARED(tj, FIX "hls4ml_json_weights_k20/KERAS_3layer.json");
    SHARED(tw, FIX "hls4ml_json_weights_k20/KERAS_3layer_weights.h5");
    unsigned char *b;
    size_t n;
    anne_model m;
    (void)state;
    anne_test_convert(pj, pw, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_inputs, 8);
    assert_int_equal(m.n_layers, 3);
    assert_int_equal(m.n_outputs, 1);
    free(b);
    anne_test_convert(bj, bw, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_layers, 4); /* 4 Dense, their 4 BatchNormalizations folded in */
    assert_int_equal(m.n_outputs, 5);
    free(b);
    anne_test_convert(tj, tw, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_inputs, 16);
    free(b);
    /* the architecture alone is refused with what to do */
    assert_non_null(strstr(refused(pj, NULL), "give them with --weights"));
    /* weights of another model: the layer is not there, named */
    assert_non_null(strstr(refused(pj, bw), "layer 2 \"dense\" (Dense): missing weights"));
}

/* The 2018 TF.js converter's layout (Keras 2.2.2, a bare Sequential list, "model_config" wrapper). */
static void test_tfjs_legacy(void **state) {
    SHARED(p, FIX "tfjs_iris_legacy_2018/model.json");
    unsigned char *b;
    size_t n;
    anne_model m;
    (void)state;
    anne_test_convert(p, NULL, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_inputs, 4);
    assert_int_equal(m.n_outputs, 3);
    assert_int_equal(m.n_layers, 3);
    free(b);
}

/* nn4mc's edge cases: fixed-length names, deferred build (shape only in build_input_shape), the
 * empty file (its recurrent models: test_keras_rnn.c). */
static void test_nn4mc_edge_cases(void **state) {
    SHARED(cls, FIX "nn4mc_small_models/classifier.hdf5");
    SHARED(deferred, FIX "nn4mc_small_models/ISRR_tests_test3.hdf5");
    SHARED(empty, FIX "nn4mc_small_models/model_regression_dome.hdf5");
    unsigned char *b;
    size_t n;
    anne_model m;
    (void)state;
    anne_test_convert(cls, NULL, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_inputs, 2);
    free(b);
    anne_test_convert(deferred, NULL, &b, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(m.n_inputs, 5);
    assert_int_equal(m.n_layers, 4);
    free(b);
    assert_non_null(strstr(refused(empty, NULL), "an empty Keras file"));
}

/* The published CNNs of the fixtures (keyword spotting, gesture Conv1D with BatchNormalization, hls4ml's
 * jet taggers, nn4mc's Conv1D and pooling models) convert to graph models that load and give finite
 * outputs with a BatchNormalization folded away. */
static void test_published_cnns_convert(void **state) {
    static const char *const h5[] = {"embml_kws_cnn/kws_cnn.h5",      "k3_h5_gesture_conv1d_bn/gesture_model.h5",
                                     "nn4mc_small_models/Conv1.hdf5", "nn4mc_small_models/Conv1d_pooling.hdf5",
                                     "nn4mc_small_models/Conv2.hdf5", "nn4mc_small_models/conv1d.hdf5"};
    static const char *const json[] = {"KERAS_conv1d_small", "KERAS_conv2d_model", "jetTagger_Conv2D_Small"};
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof h5 / sizeof h5[0] + sizeof json / sizeof json[0]; i++) {
        char rel[256], path[1024], weights[1024];
        unsigned char *b;
        size_t n;
        anne_model m;
        float *x, *y, *arena;
        if (i < sizeof h5 / sizeof h5[0]) {
            snprintf(rel, sizeof rel, FIX "%s", h5[i]);
            weights[0] = '\0';
        } else {
            const char *name = json[i - sizeof h5 / sizeof h5[0]];
            snprintf(rel, sizeof rel, FIX "hls4ml_json_weights_k20/%s_weights.h5", name);
            snprintf(weights, sizeof weights, "%s", anne_test_shared_path(rel));
            snprintf(rel, sizeof rel, FIX "hls4ml_json_weights_k20/%s.json", name);
        }
        {
            ANNE_TEST_REQUIRE_SHARED(p, rel);
            snprintf(path, sizeof path, "%s", p);
        }
        anne_test_convert(path, weights[0] ? weights : NULL, &b, &n);
        assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
        if (m.op_table == NULL) fail_msg("%s: not a graph model", rel);
        for (k = 0; k < m.n_ops; k++) {
            anne_op op;
            assert_int_equal(anne_model_op(&m, (uint16_t)k, &op), ANNE_OK);
            if (op.kind == ANNE_OP_CHANNEL_AFFINE && strstr(rel, "gesture") != NULL) {
                fail_msg("%s: op %zu: a BatchNormalization after a Conv1D was not folded", rel, k + 1u);
            }
        }
        x = malloc(m.n_inputs * sizeof *x);
        y = malloc(m.n_outputs * sizeof *y);
        arena = malloc(anne_model_arena_size(&m) + 4u);
        assert_true(x != NULL && y != NULL && arena != NULL);
        for (k = 0; k < m.n_inputs; k++) x[k] = (float)(k % 7u) / 7.0f - 0.5f;
        assert_int_equal(anne_model_predict(&m, y, x, arena, anne_model_arena_size(&m)), ANNE_OK);
        for (k = 0; k < m.n_outputs; k++) {
            if (!isfinite(y[k])) fail_msg("%s: output %zu is not finite", rel, k + 1u);
        }
        free(x);
        free(y);
        free(arena);
        free(b);
    }
    /* keras2c's Conv1D model with an LSTM: test_keras_rnn.c, against Keras' outputs */
}

/* QKeras custom layers: refused with the layer named. */
static void test_unsupported_named(void **state) {
    SHARED(q, FIX "k3_qkeras_custom_layers_negative/qkeras-v3_3layer.keras");
    (void)state;
    assert_non_null(strstr(refused(q, NULL), "\"fc1\" (QDense): not supported: layer class QDense"));
}

/* --check lists every layer without converting. */
static void test_check_report(void **state) {
    SHARED(q, FIX "k3_qkeras_custom_layers_negative/qkeras-v3_3layer.keras");
    SHARED(k2c, FIX "keras2c_example/model.h5");
    SHARED(iris, FIX "k3_h5_iris_mit/iris_model.h5");
    anne_import_options opt;
    anne_ir ir;
    anne_error err;
    (void)state;
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    assert_int_equal(anne_import_ex(&ir, q, &opt, &err), 0);
    assert_false(opt.all_supported);
    assert_non_null(strstr(opt.report, "fc1"));
    assert_non_null(strstr(opt.report, "NOT SUPPORTED"));
    free(opt.report);
    memset(&opt, 0, sizeof opt); /* its LSTM and the Dense layers around it */
    opt.check = 1;
    assert_int_equal(anne_import_ex(&ir, k2c, &opt, &err), 0);
    assert_true(opt.all_supported);
    assert_non_null(strstr(opt.report, "lstm_1"));
    assert_non_null(strstr(opt.report, "dense_3"));
    free(opt.report);
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    assert_int_equal(anne_import_ex(&ir, iris, &opt, &err), 0);
    assert_true(opt.all_supported);
    assert_null(strstr(opt.report, "NOT"));
    free(opt.report);
}

/* Damaged files: prefixes at many lengths and flipped bytes of an .h5, a .keras zip, a TF.js
 * model.json and its shard. Each must give an error or a valid model, never a crash (ASan). */
static void mutate_file(const char *src, const char *dst, const char *import_path, int flips) {
    unsigned char *b, *m;
    size_t n, len, i;
    anne_error err;
    size_t errors = 0, runs = 0;
    assert_int_equal(anne_file_read(src, &b, &n, &err), 0);
    m = malloc(n + 1u);
    assert_non_null(m);
    for (i = 0; i < 40; i++) { /* prefixes */
        anne_ir ir;
        len = i < 20 ? i * 7u : (n * (i - 19u)) / 21u;
        if (len >= n) continue;
        assert_int_equal(anne_file_write(dst, b, len, &err), 0);
        runs++;
        if (anne_import(&ir, import_path, &err) != 0) errors++;
        else anne_ir_free(&ir);
    }
    for (i = 0; i < (size_t)flips; i++) { /* one byte flipped, spread over the file */
        anne_ir ir;
        size_t at = (i * 7919u + 13u) % n;
        memcpy(m, b, n);
        m[at] ^= (unsigned char)(i & 1 ? 0xFF : 0x10);
        assert_int_equal(anne_file_write(dst, m, n, &err), 0);
        runs++;
        if (anne_import(&ir, import_path, &err) != 0) errors++;
        else anne_ir_free(&ir);
    }
    assert_true(errors > 0);
    print_message("%s: %zu of %zu damaged versions refused, the rest converted\n", src, errors, runs);
    assert_int_equal(anne_file_write(dst, b, n, &err), 0);
    free(m);
    free(b);
}

static void test_damaged_files(void **state) {
    SHARED(h5, FIX "hls4ml_activation_unit_models/prelu/prelu.h5");
    SHARED(zip, FIX "embml_nn_line_regression/nn_line_regression.keras");
    SHARED(tj, FIX "tfjs_iris_legacy_2018/model.json");
    SHARED(ts, FIX "tfjs_iris_legacy_2018/group1-shard1of1");
    char dir[512], a[600], b[600];
    unsigned char *bytes;
    size_t n;
    anne_error err;
    (void)state;
    snprintf(dir, sizeof dir, "%s/keras_damaged", ANNE_BINARY_DIR);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
    snprintf(a, sizeof a, "%s/m.h5", dir);
    mutate_file(h5, a, a, 300);
    snprintf(a, sizeof a, "%s/m.keras", dir);
    mutate_file(zip, a, a, 300);
    /* TF.js: the model.json damaged, then the shard beside an intact model.json */
    snprintf(a, sizeof a, "%s/model.json", dir);
    snprintf(b, sizeof b, "%s/group1-shard1of1", dir);
    assert_int_equal(anne_file_read(ts, &bytes, &n, &err), 0);
    assert_int_equal(anne_file_write(b, bytes, n, &err), 0);
    free(bytes);
    mutate_file(tj, a, a, 200);
    mutate_file(ts, b, a, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hls4ml_activation_layers),
        cmocka_unit_test(test_hls4ml_conv2d_converts),
        cmocka_unit_test(test_k3_iris_accuracy),
        cmocka_unit_test(test_h5_and_keras_zip_same_structure),
        cmocka_unit_test(test_json_plus_weights),
        cmocka_unit_test(test_tfjs_legacy),
        cmocka_unit_test(test_nn4mc_edge_cases),
        cmocka_unit_test(test_unsupported_named),
        cmocka_unit_test(test_published_cnns_convert),
        cmocka_unit_test(test_check_report),
        cmocka_unit_test(test_damaged_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
