/* The TF.js importer against TensorFlow.js itself: models over every supported activation and layer
 * kind, trained a little and saved by tfjs-layers 4.22 (reference/tfjs-import/make_models.js, outputs
 * in tests/data/tfjs_import/), must reproduce TF.js' own predictions within 1e-5 (relative above 1);
 * converting the result again (ANNE JSON, .anne) gives the identical model file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_file.h"
#include "anne_import.h"
#include "anne_json.h"
#include "anne_json_write.h"
#include "test_support.h"

/* Runs one model's inputs and compares with TF.js' outputs; returns the worst absolute error. */
static double check_model(const char *name) {
    char dir[1024], path[1200];
    anne_ir ir, back;
    anne_error err;
    unsigned char *bytes, *bytes2;
    size_t size, size2, r = 0;
    anne_model m;
    float x[64], y[64], arena[1024];
    cJSON *io, *row, *outs;
    double worst = 0;
    char *text;
    snprintf(dir, sizeof dir, "%s", anne_test_path("tests/data/tfjs_import"));
    snprintf(path, sizeof path, "%s/%s/model.json", dir, name);
    if (anne_import(&ir, path, &err) != 0) fail_msg("%s", err.msg);
    if (anne_ir_serialize(&ir, &bytes, &size, &err) != 0) fail_msg("%s: %s", name, err.msg);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_true(m.arena_bytes <= sizeof arena);
    snprintf(path, sizeof path, "%s/%s/io.json", dir, name);
    io = anne_test_read_json(path);
    outs = cJSON_GetObjectItem(io, "outputs");
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(io, "inputs")) {
        const cJSON *e, *want = cJSON_GetArrayItem(outs, (int)r);
        size_t i = 0;
        cJSON_ArrayForEach(e, row) x[i++] = (float)e->valuedouble;
        assert_int_equal(i, m.n_inputs);
        assert_int_equal(cJSON_GetArraySize(want), m.n_outputs);
        assert_int_equal(anne_model_predict(&m, y, x, arena, sizeof arena), ANNE_OK);
        i = 0;
        cJSON_ArrayForEach(e, want) {
            double d = fabs((double)y[i] - e->valuedouble);
            double tol = 1e-5 * (fabs(e->valuedouble) > 1 ? fabs(e->valuedouble) : 1);
            if (!(d <= tol)) {
                fail_msg("%s: sample %zu output %zu: ANNE %.9g, TF.js %.9g", name, r + 1, i + 1, (double)y[i],
                         e->valuedouble);
            }
            if (d > worst) worst = d;
            i++;
        }
        r++;
    }
    assert_true(r > 0);
    cJSON_Delete(io);
    /* the same model as ANNE JSON and back: identical bytes */
    assert_int_equal(anne_json_write(&ir, &text, &err), 0);
    if (anne_json_read(&back, text, strlen(text), "roundtrip", &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_ir_serialize(&back, &bytes2, &size2, &err), 0);
    assert_int_equal(size, size2);
    assert_memory_equal(bytes, bytes2, size);
    free(text);
    free(bytes2);
    anne_ir_free(&back);
    free(bytes);
    anne_ir_free(&ir);
    return worst;
}

static void test_tfjs_models_match_tfjs(void **state) {
    cJSON *index = anne_test_read_json(anne_test_path("tests/data/tfjs_import/index.json")), *name;
    size_t n = 0;
    double worst = 0;
    (void)state;
    cJSON_ArrayForEach(name, cJSON_GetObjectItem(index, "models")) {
        double w = check_model(name->valuestring);
        if (w > worst) worst = w;
        n++;
    }
    print_message("%zu TF.js models: worst absolute difference %.3g\n", n, worst);
    assert_true(n >= 30);
    cJSON_Delete(index);
}

/* Which layers became what: the activation after a linear Dense merges into it, one after a
 * non-linear Dense becomes an identity Dense, BatchNormalization after a linear Dense folds, after a
 * relu Dense it is a diagonal Dense, Rescaling at the input is the input scaling. */
static void test_tfjs_structure(void **state) {
    static const struct { const char *name; uint16_t layers; anne_scaling_kind scaling; } cases[] = {
        {"layer_prelu", 2, ANNE_SCALING_NONE},    {"act_after_act", 3, ANNE_SCALING_NONE},
        {"bn_after_linear", 2, ANNE_SCALING_NONE}, {"bn_after_relu", 3, ANNE_SCALING_NONE},
        {"bn_first", 2, ANNE_SCALING_NONE},        {"rescaling_input", 2, ANNE_SCALING_STANDARDIZE},
        {"rescaling_after_dense", 2, ANNE_SCALING_NONE}, {"noops", 2, ANNE_SCALING_NONE},
        {"layer_softmax", 1, ANNE_SCALING_NONE},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1200];
        anne_ir ir;
        anne_error err;
        snprintf(path, sizeof path, "%s/%s/model.json", anne_test_path("tests/data/tfjs_import"), cases[i].name);
        if (anne_import(&ir, path, &err) != 0) fail_msg("%s", err.msg);
        if (ir.n_layers != cases[i].layers || ir.scaling != cases[i].scaling) {
            fail_msg("%s: %zu layers, scaling %d; expected %u, %d", cases[i].name, ir.n_layers, (int)ir.scaling,
                     cases[i].layers, (int)cases[i].scaling);
        }
        anne_ir_free(&ir);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tfjs_models_match_tfjs),
        cmocka_unit_test(test_tfjs_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
