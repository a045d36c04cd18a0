/* Recurrent layers from real Keras files (../shared/fixtures, skipped when absent): keras2c's LSTM models
 * against the outputs Keras itself computed for them (within 1e-5), nn4mc's GRU, LSTM and SimpleRNN and
 * a Keras 3 .keras LSTM converting to graphs that run; and the GRU with reset_after, which TF.js cannot
 * make, against a double-precision evaluation of Keras' formula written here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_import.h"
#include "anne_ops.h"
#include "test_support.h"

#define FIX "fixtures/keras/"

/* Largest |anne - keras| / max(1, |keras|) over a keras2c expected_io file: the arrays of test N are
 * "testN_<input>_input_array" (the model's inputs, in its order) and "keras_<output>_testN_array". */
static double keras2c_suite(const char *model_rel, const char *io_rel, size_t *cases) {
    char model[1024], prefix[32], suffix[32];
    const char *p;
    unsigned char *bytes;
    size_t size, n, k, at_in, at_out;
    anne_model m;
    cJSON *io, *arrays, *a;
    float *x, *y;
    void *arena;
    double worst = 0;
    {
        ANNE_TEST_REQUIRE_SHARED(mp, model_rel);
        snprintf(model, sizeof model, "%s", mp);
    }
    p = anne_test_shared_path(io_rel);
    assert_non_null(p);
    io = anne_test_read_json(p);
    arrays = cJSON_GetObjectItemCaseSensitive(io, "arrays");
    anne_test_convert(model, NULL, &bytes, &size);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    x = calloc(m.n_inputs, sizeof *x);
    y = calloc(m.n_outputs, sizeof *y);
    arena = malloc(anne_model_arena_size(&m));
    assert_true(x != NULL && y != NULL && arena != NULL);
    *cases = 0;
    for (n = 1;; n++) {
        snprintf(prefix, sizeof prefix, "test%zu_", n);
        snprintf(suffix, sizeof suffix, "_test%zu_array", n);
        at_in = at_out = 0;
        cJSON_ArrayForEach(a, arrays) {
            size_t count = (size_t)cJSON_GetArraySize(a);
            if (strncmp(a->string, prefix, strlen(prefix)) == 0) {
                assert_true(at_in + count <= m.n_inputs);
                for (k = 0; k < count; k++) x[at_in + k] = (float)cJSON_GetArrayItem(a, (int)k)->valuedouble;
                at_in += count;
            }
        }
        if (at_in == 0) break;
        assert_int_equal(at_in, m.n_inputs);
        assert_int_equal(anne_model_predict(&m, y, x, arena, anne_model_arena_size(&m)), ANNE_OK);
        cJSON_ArrayForEach(a, arrays) {
            size_t len = strlen(a->string), count = (size_t)cJSON_GetArraySize(a);
            if (len > strlen(suffix) && strcmp(a->string + len - strlen(suffix), suffix) == 0) {
                assert_true(at_out + count <= m.n_outputs);
                for (k = 0; k < count; k++) {
                    double want = cJSON_GetArrayItem(a, (int)k)->valuedouble;
                    double d = fabs((double)y[at_out + k] - want) / fmax(1.0, fabs(want));
                    if (d > worst) worst = d;
                }
                at_out += count;
            }
        }
        assert_int_equal(at_out, m.n_outputs);
        (*cases)++;
    }
    free(x);
    free(y);
    free(arena);
    free(bytes);
    cJSON_Delete(io);
    return worst;
}

/* keras2c's example (Dense per time step, LSTM, Dense) and its Conv1D/LSTM model of 10 inputs and 2
 * outputs: every case within 1e-5 of Keras. */
static void test_keras2c_lstm_models_match_keras(void **state) {
    static const char *const suites[][2] = {
        {FIX "keras2c_example/model.h5", FIX "keras2c_example/expected_io_suiteA.json"},
        {FIX "keras2c_example/model.h5", FIX "keras2c_example/expected_io_suiteB.json"},
        {FIX "keras2c_profile_conv1d/model.h5", FIX "keras2c_profile_conv1d/expected_io_10cases.json"},
    };
    size_t i, cases;
    (void)state;
    for (i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        double worst = keras2c_suite(suites[i][0], suites[i][1], &cases);
        print_message("%s: %zu cases, largest difference from Keras %.3g\n", suites[i][1], cases, worst);
        assert_true(cases >= 10u);
        if (worst > 1e-5) fail_msg("%s: ANNE differs from Keras by %.3g (> 1e-5)", suites[i][1], worst);
    }
}

/* nn4mc's recurrent models (Keras 2.2.4) and a Keras 3 .keras LSTM (custom layer names) convert into
 * graphs with one recurrent op that load and give finite outputs. */
static void test_recurrent_fixtures_convert(void **state) {
    static const char *const files[] = {FIX "nn4mc_small_models/GRU.hdf5", FIX "nn4mc_small_models/LSTM.hdf5",
                                        FIX "nn4mc_small_models/simpleRNN.hdf5",
                                        FIX "k3_keras_har_lstm_renamed/har_model.keras"};
    size_t i, k, rnn;
    (void)state;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        unsigned char *bytes;
        size_t size;
        anne_model m;
        float *x, *y;
        void *arena;
        {
            ANNE_TEST_REQUIRE_SHARED(p, files[i]);
            snprintf(path, sizeof path, "%s", p);
        }
        anne_test_convert(path, NULL, &bytes, &size);
        assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
        for (k = 0, rnn = 0; k < m.n_ops; k++) {
            anne_op op;
            assert_int_equal(anne_model_op(&m, (uint16_t)k, &op), ANNE_OK);
            rnn += op.kind == ANNE_OP_SIMPLE_RNN || op.kind == ANNE_OP_GRU || op.kind == ANNE_OP_LSTM;
        }
        if (rnn == 0) fail_msg("%s: no recurrent op", files[i]);
        x = calloc(m.n_inputs, sizeof *x);
        y = calloc(m.n_outputs, sizeof *y);
        arena = malloc(anne_model_arena_size(&m));
        assert_true(x != NULL && y != NULL && arena != NULL);
        for (k = 0; k < m.n_inputs; k++) x[k] = (float)sin(0.37 * (double)k);
        assert_int_equal(anne_model_predict(&m, y, x, arena, anne_model_arena_size(&m)), ANNE_OK);
        for (k = 0; k < m.n_outputs; k++) assert_true(isfinite(y[k]));
        free(x);
        free(y);
        free(arena);
        free(bytes);
    }
}

/* Keras' GRU with reset_after (its default since 2.3), in double, Keras' weight layout: kernel (F, 3u),
 * recurrent kernel (u, 3u), bias (2, 3u); gates z, r, h; sigmoid and tanh. */
static void gru_reset_after_double(double *h, const float *x, size_t steps, size_t f, size_t u, const float *w,
                                   const float *rk, const float *b) {
    double gx[3 * 8], gh[3 * 8];
    size_t s, j, k;
    for (j = 0; j < u; j++) h[j] = 0;
    for (s = 0; s < steps; s++) {
        for (j = 0; j < 3u * u; j++) {
            gx[j] = b[j];
            gh[j] = b[3u * u + j];
            for (k = 0; k < f; k++) gx[j] += (double)x[s * f + k] * w[k * 3u * u + j];
            for (k = 0; k < u; k++) gh[j] += h[k] * rk[k * 3u * u + j];
        }
        for (j = 0; j < u; j++) {
            double z = 1 / (1 + exp(-(gx[j] + gh[j]))), r = 1 / (1 + exp(-(gx[u + j] + gh[u + j])));
            double hh = tanh(gx[2u * u + j] + r * gh[2u * u + j]);
            h[j] = z * h[j] + (1 - z) * hh;
        }
    }
}

/* The GRU kernel with ANNE_RNN_RESET_AFTER (which no TF.js reference covers) against the formula above,
 * on weights of a fixed pseudo-random draw in the runtime's layout (row j: input weights, recurrent). */
static void test_gru_reset_after_matches_formula(void **state) {
    enum { T = 6, F = 3, U = 4 };
    float x[T * F], w[F * 3 * U], rk[U * 3 * U], b[2 * 3 * U], kernel[3 * U * (F + U)], out[U], scratch[8 * U];
    double want[U];
    /* steps, features, units, flags, activation, recurrent activation, last state only */
    const anne_rnn_params p = {T, F, U, ANNE_RNN_RESET_AFTER, ANNE_ACT_TANH, ANNE_ACT_SIGMOID, 0};
    size_t i, j, k;
    uint32_t seed = 12345u;
    (void)state;
    for (i = 0; i < sizeof x / sizeof x[0] + sizeof w / sizeof w[0] + sizeof rk / sizeof rk[0] + sizeof b / sizeof b[0];
         i++) {
        float v;
        seed = seed * 1664525u + 1013904223u;
        v = (float)((double)(seed >> 8) / 16777216.0 * 2.0 - 1.0);
        if (i < T * F) x[i] = 2 * v;
        else if (i < T * F + F * 3 * U) w[i - T * F] = v;
        else if (i < T * F + F * 3 * U + U * 3 * U) rk[i - T * F - F * 3 * U] = v;
        else b[i - T * F - F * 3 * U - U * 3 * U] = 0.3f * v;
    }
    for (j = 0; j < 3u * U; j++) {
        for (k = 0; k < F; k++) kernel[j * (F + U) + k] = w[k * 3u * U + j];
        for (k = 0; k < U; k++) kernel[j * (F + U) + F + k] = rk[k * 3u * U + j];
    }
    anne_gru_forward_f32(out, x, kernel, b, scratch, &p);
    gru_reset_after_double(want, x, T, F, U, w, rk, b);
    for (j = 0; j < U; j++) {
        if (fabs((double)out[j] - want[j]) > 1e-6) fail_msg("unit %zu: ANNE %.9g, formula %.9g", j, out[j], want[j]);
    }
}

/* A TF.js reference model (tests/data/tfjs_graph/<name>) with the text `from` of its model.json
 * replaced by `to`, written with its weights into the group's folder; returns the model.json's path. */
static const char *edited_model(const char *name, const char *from, const char *to) {
    anne_error err;
    char rel[160], *text, *at, *edited;
    unsigned char *w;
    size_t n, wn;
    snprintf(rel, sizeof rel, "tests/data/tfjs_graph/%s/model.json", name);
    assert_int_equal(anne_file_read(anne_test_path(rel), (unsigned char **)&text, &n, &err), 0);
    at = strstr(text, from);
    if (at == NULL) fail_msg("%s: no \"%s\" in model.json", name, from);
    edited = malloc(n + strlen(to) + 1u);
    assert_non_null(edited);
    memcpy(edited, text, (size_t)(at - text));
    strcpy(edited + (at - text), to);
    strcat(edited, at + strlen(from));
    anne_test_write_file(anne_test_tmp_path("model.json"), edited, strlen(edited));
    snprintf(rel, sizeof rel, "tests/data/tfjs_graph/%s/weights.bin", name);
    assert_int_equal(anne_file_read(anne_test_path(rel), &w, &wn, &err), 0);
    anne_test_write_file(anne_test_tmp_path("weights.bin"), w, wn);
    free(text), free(edited), free(w);
    return anne_test_tmp_path("model.json");
}

/* The importer's error for an edited model (edited_model), which must refuse it. */
static const char *refused_edit(const char *name, const char *from, const char *to) {
    static anne_error err;
    anne_ir ir;
    anne_import_options opt;
    const char *path = edited_model(name, from, to);
    memset(&opt, 0, sizeof opt);
    if (anne_import_ex(&ir, path, &opt, &err) == 0) {
        anne_ir_free(&ir);
        fail_msg("%s with %s was accepted", name, to);
    }
    return err.msg;
}

/* What ANNE does not run is refused by name, with the layer and the value. */
static void test_unsupported_settings_named(void **state) {
    static const struct {
        const char *model, *from, *to, *want;
    } cases[] = {
        {"lstm_last", "\"stateful\":false", "\"stateful\":true",
         "\"lstm_LSTM1\" (LSTM): not supported: stateful=True is not supported"},
        {"gru_last", "\"stateful\":false", "\"stateful\":false, \"time_major\":true", "time_major=True is not supported"},
        {"simple_rnn_last", "\"activation\":\"tanh\"", "\"activation\":\"softmax\"",
         "activation softmax is not supported in a recurrent cell"},
        {"gru_last", "\"recurrent_activation\":\"hard_sigmoid\"", "\"recurrent_activation\":\"leaky_relu\"",
         "recurrent_activation leaky_relu is not supported in a recurrent cell"},
        {"bidir_lstm_concat_seq", "\"merge_mode\":\"concat\"", "\"merge_mode\":null",
         "(Bidirectional): not supported: merge_mode None is not supported (concat, sum, mul, ave)"},
        {"bidir_lstm_concat_seq", "\"class_name\":\"LSTM\"", "\"class_name\":\"Dense\"",
         "Bidirectional around Dense (ANNE supports SimpleRNN, GRU, LSTM)"},
        {"lstm_last", "\"units\":5", "\"units\":6", "kernel has shape (3, 20), expected (3, 24)"},
        /* the pooling reads the LSTM's state h (output 1 of return_state) instead of its sequence */
        {"lstm_return_state_unused", "[[[\"lstm_LSTM14\",0,0,{}]]]", "[[[\"lstm_LSTM14\",0,1,{}]]]",
         "(LSTM): layer \"global_average_pooling1d_GlobalAveragePooling1D4\" reads its state (return_state): not "
         "supported"},
    };
    size_t k;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *msg = refused_edit(cases[k].model, cases[k].from, cases[k].to);
        if (strstr(msg, cases[k].want) == NULL) fail_msg("case %zu: \"%s\" does not say \"%s\"", k, msg, cases[k].want);
    }
}

/* A Bidirectional without merge_mode is Keras' default, concat: the same model as the one that says it. */
static void test_bidirectional_default_merge(void **state) {
    unsigned char *a, *b;
    size_t na, nb;
    (void)state;
    anne_test_convert(anne_test_path("tests/data/tfjs_graph/bidir_lstm_concat_seq/model.json"), NULL, &a, &na);
    anne_test_convert(edited_model("bidir_lstm_concat_seq", "\"merge_mode\":\"concat\",", ""), NULL, &b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a), free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gru_reset_after_matches_formula),
        cmocka_unit_test(test_keras2c_lstm_models_match_keras),
        cmocka_unit_test(test_recurrent_fixtures_convert),
        cmocka_unit_test(test_unsupported_settings_named),
        cmocka_unit_test(test_bidirectional_default_merge),
    };
    return cmocka_run_group_tests(tests, anne_test_tmp_setup, anne_test_tmp_teardown);
}
