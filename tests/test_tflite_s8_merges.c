/* int8 TFLite graphs with ADD (inputs of two scales, and broadcast), SUB, MUL, CONCATENATION (2 and 3
 * inputs, channels and height, an input of another scale), PAD, PADV2, LEAKY_RELU, HARD_SWISH, LOGISTIC,
 * TANH (TFLite Micro's fixed-point kernels) and a residual block (CONV_2D, then ADD of the skip), built
 * by reference/tflite-graph/make_int8_graphs.js (tests/data/tflite_int8_graph/), converted into int8 graph models and run: every output equals, bit
 * for bit, that of the script's own transcription of TFLite's reference formulas (BigInt and float
 * arithmetic in JavaScript, from TFLite's source), and is within one step of LiteRT.js's, which runs
 * XNNPACK's int8 kernels (how many are equal is printed). LiteRT refuses the concatenation of an input
 * quantized otherwise than the output (TFLite's int8 kernel requires the same quantization), so that
 * model has the reference's outputs only. LOGISTIC and TANH also run on all 256 inputs at a quantization
 * where the fixed-point kernel and the rounded function differ, alone and after a FULLY_CONNECTED (a dense
 * int8 chain, format 1): a float table fails there. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_file.h"
#include "anne_tflite.h"

#define MAX_VALUES 1024

/* The int8 step of each output value (each must be a whole step of the output scale). */
static void to_steps(const float *y, size_t n, double scale, int32_t zp, int32_t *q, const char *file) {
    size_t i;
    for (i = 0; i < n; i++) {
        double s = (double)y[i] / scale;
        long r = lround(s);
        if (fabs(s - (double)r) > 1e-3) fail_msg("%s: output %zu (%g) is not a step of %g", file, i, (double)y[i], scale);
        q[i] = (int32_t)r + zp;
    }
}

static void test_graphs(void **state) {
    cJSON *doc = anne_test_read_json(anne_test_path("tests/data/tflite_int8_graph/index.json")), *m;
    uint32_t models = 0, all_equal = 0, all_values = 0;
    (void)state;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "models")) {
        const char *file = cJSON_GetObjectItem(m, "file")->valuestring;
        double in_scale = cJSON_GetObjectItem(m, "in_scale")->valuedouble;
        double out_scale = cJSON_GetObjectItem(m, "out_scale")->valuedouble;
        int32_t in_zp = cJSON_GetObjectItem(m, "in_zp")->valueint, out_zp = cJSON_GetObjectItem(m, "out_zp")->valueint;
        char path[256];
        unsigned char *bytes;
        size_t size, n_in, n_out, i;
        anne_model am;
        uint8_t *arena;
        cJSON *row;
        uint32_t equal = 0, values = 0;
        snprintf(path, sizeof path, "%s/%s", anne_test_path("tests/data/tflite_int8_graph"), file);
        {
            unsigned char *file_bytes;
            size_t file_size;
            anne_error err;
            if (anne_file_read(path, &file_bytes, &file_size, &err) != 0 ||
                anne_tflite_convert(file_bytes, file_size, path, &bytes, &size, &err) != 0) {
                fail_msg("%s", err.msg);
            }
            free(file_bytes);
        }
        assert_int_equal(anne_model_load(&am, bytes, size), ANNE_OK);
        n_in = am.n_inputs, n_out = am.n_outputs;
        assert_true(n_in <= MAX_VALUES && n_out <= MAX_VALUES);
        arena = malloc(anne_model_arena_size(&am));
        assert_non_null(arena);
        cJSON_ArrayForEach(row, cJSON_GetObjectItem(m, "rows")) {
            float x[MAX_VALUES], y[MAX_VALUES];
            int32_t q[MAX_VALUES];
            cJSON *xs = cJSON_GetObjectItem(row, "x"), *lit = cJSON_GetObjectItem(row, "litert");
            cJSON *ref = cJSON_GetObjectItem(row, "reference");
            assert_int_equal((size_t)cJSON_GetArraySize(xs), n_in);
            assert_int_equal((size_t)cJSON_GetArraySize(ref), n_out);
            for (i = 0; i < n_in; i++) { /* a float that quantizes exactly to the int8 input */
                x[i] = (float)((cJSON_GetArrayItem(xs, (int)i)->valueint - in_zp) * (float)in_scale);
            }
            assert_int_equal(anne_model_predict(&am, y, x, arena, anne_model_arena_size(&am)), ANNE_OK);
            to_steps(y, n_out, (double)(float)out_scale, out_zp, q, file);
            for (i = 0; i < n_out; i++) {
                int32_t want = cJSON_GetArrayItem(ref, (int)i)->valueint;
                if (q[i] != want) fail_msg("%s: output %zu is %d, TFLite's reference formulas give %d", file, i, q[i], want);
                if (cJSON_IsArray(lit)) {
                    int32_t l = cJSON_GetArrayItem(lit, (int)i)->valueint;
                    if (abs(q[i] - l) > 1) fail_msg("%s: output %zu is %d, LiteRT's %d", file, i, q[i], l);
                    equal += q[i] == l;
                    values++;
                }
            }
        }
        if (values > 0) print_message("%-24s equal to LiteRT: %u of %u\n", file, equal, values);
        else print_message("%-24s (LiteRT refuses it)\n", file);
        all_equal += equal, all_values += values, models++;
        free(arena);
        free(bytes);
    }
    print_message("%u int8 graphs, all equal to TFLite's reference formulas; equal to LiteRT: %u of %u\n", models,
                  all_equal, all_values);
    assert_true(models >= 30);
    cJSON_Delete(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_graphs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
