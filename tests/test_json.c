/* ANNE JSON importer and writer: the schema's numbers land in the IR where they belong (the kernel
 * transposed from Keras' inputs × units), every error names its place, and JSON → IR → JSON and
 * JSON → .anne → IR lose no bit. Expected values are the literal numbers of the JSON texts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_json.h"
#include "anne_json_write.h"
#include "test_support.h"

/* The example document, verbatim. */
static const char example[] =
    "{\n"
    "  \"name\": \"iris_8_neurons\",\n"
    "  \"input\": {\"size\": 4, \"mean\": [6.262, 2.872, 4.906, 1.676], \"std\": [0.6595, 0.3311, 0.8214, 0.4226]},\n"
    "  \"layers\": [\n"
    "    {\"type\": \"dense\", \"units\": 2, \"activation\": \"relu\", \"kernel\": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], "
    "[0.7, 0.8]], \"bias\": [0.0, 0.1]},\n"
    "    {\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\", \"kernel\": [[0.5], [-0.5]], \"bias\": [0.2]}\n"
    "  ],\n"
    "  \"classes\": [\"versicolor\", \"virginica\"]\n"
    "}\n";

static int parse(anne_ir *ir, const char *text, anne_error *err) {
    err->msg[0] = '\0';
    return anne_json_read(ir, text, strlen(text), "model.json", err);
}

static void parse_ok(anne_ir *ir, const char *text) {
    anne_error err;
    if (parse(ir, text, &err) != 0) fail_msg("unexpected error: %s", err.msg);
}

/* Bitwise equality of two IRs (floats compared as bits, so -0 and 0 differ). */
static void assert_ir_equal(const anne_ir *a, const anne_ir *b) {
    size_t i;
    assert_int_equal(a->n_inputs, b->n_inputs);
    assert_int_equal(a->n_layers, b->n_layers);
    assert_int_equal(a->scaling, b->scaling);
    assert_int_equal(a->n_classes, b->n_classes);
    assert_true((a->name == NULL) == (b->name == NULL));
    if (a->name != NULL) assert_string_equal(a->name, b->name);
    if (a->scaling != ANNE_SCALING_NONE) {
        assert_memory_equal(a->scale_a, b->scale_a, a->n_inputs * sizeof(float));
        assert_memory_equal(a->scale_b, b->scale_b, a->n_inputs * sizeof(float));
    }
    for (i = 0; i < a->n_classes; i++) assert_string_equal(a->class_names[i], b->class_names[i]);
    for (i = 0; i < a->n_layers; i++) {
        const anne_ir_layer *x = &a->layers[i], *y = &b->layers[i];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->activation, y->activation);
        assert_memory_equal(x->param, y->param, sizeof x->param);
        assert_int_equal(x->n_in, y->n_in);
        assert_int_equal(x->n_out, y->n_out);
        assert_memory_equal(x->kernel, y->kernel, (size_t)x->n_in * x->n_out * sizeof(float));
        assert_true((x->bias == NULL) == (y->bias == NULL));
        if (x->bias != NULL) assert_memory_equal(x->bias, y->bias, x->n_out * sizeof(float));
    }
}

/* The example lands in the IR number by number; the kernel is transposed to (units, inputs). */
static void test_example_imports_to_expected_ir(void **state) {
    /* runtime layout written out by hand from the JSON: row j = unit j's weights over inputs 0..3 */
    static const float k1[2][4] = {{0.1f, 0.3f, 0.5f, 0.7f}, {0.2f, 0.4f, 0.6f, 0.8f}};
    static const float mean[4] = {6.262f, 2.872f, 4.906f, 1.676f}, std_[4] = {0.6595f, 0.3311f, 0.8214f, 0.4226f};
    anne_ir ir;
    int i, j;
    (void)state;
    parse_ok(&ir, example);
    assert_string_equal(ir.name, "iris_8_neurons");
    assert_int_equal(ir.n_inputs, 4);
    assert_int_equal(ir.scaling, ANNE_SCALING_STANDARDIZE);
    for (i = 0; i < 4; i++) {
        assert_true(ir.scale_a[i] == mean[i]);
        assert_true(ir.scale_b[i] == std_[i]);
    }
    assert_int_equal(ir.n_layers, 2);
    assert_int_equal(ir.layers[0].kind, ANNE_LAYER_DENSE);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_RELU);
    assert_true(ir.layers[0].param[0] == 0.0f && isinf(ir.layers[0].param[1]) && ir.layers[0].param[2] == 0.0f);
    assert_int_equal(ir.layers[0].n_in, 4);
    assert_int_equal(ir.layers[0].n_out, 2);
    for (j = 0; j < 2; j++) {
        for (i = 0; i < 4; i++) {
            if (ir.layers[0].kernel[j * 4 + i] != k1[j][i]) {
                fail_msg("layer 1 kernel (unit %d, input %d) = %g, expected %g", j, i,
                         (double)ir.layers[0].kernel[j * 4 + i], (double)k1[j][i]);
            }
        }
    }
    assert_true(ir.layers[0].bias[0] == 0.0f && ir.layers[0].bias[1] == 0.1f);
    assert_int_equal(ir.layers[1].activation, ANNE_ACT_SIGMOID);
    assert_int_equal(ir.layers[1].n_in, 2);
    assert_int_equal(ir.layers[1].n_out, 1);
    assert_true(ir.layers[1].kernel[0] == 0.5f && ir.layers[1].kernel[1] == -0.5f);
    assert_true(ir.layers[1].bias[0] == 0.2f);
    assert_int_equal(ir.n_classes, 2);
    assert_string_equal(ir.class_names[0], "versicolor");
    assert_string_equal(ir.class_names[1], "virginica");
    anne_ir_free(&ir);
}

/* The imported example runs to what the double-precision formula gives from the JSON's numbers. */
static void test_example_predicts_like_the_formula(void **state) {
    static const double w1[4][2] = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}, {0.7, 0.8}}, b1[2] = {0.0, 0.1};
    static const double mean[4] = {6.262, 2.872, 4.906, 1.676}, std_[4] = {0.6595, 0.3311, 0.8214, 0.4226};
    static const float raw[4] = {5.9f, 3.0f, 5.1f, 1.8f};
    anne_ir ir;
    anne_error err;
    anne_model m;
    unsigned char *bytes;
    size_t size;
    float out[1], arena[16];
    double x[4], h[2], z;
    int i, j;
    (void)state;
    parse_ok(&ir, example);
    assert_int_equal(anne_ir_serialize(&ir, &bytes, &size, &err), 0);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_int_equal(anne_model_predict(&m, out, raw, arena, sizeof arena), ANNE_OK);
    for (i = 0; i < 4; i++) x[i] = ((double)raw[i] - mean[i]) / std_[i];
    for (j = 0; j < 2; j++) {
        h[j] = b1[j];
        for (i = 0; i < 4; i++) h[j] += w1[i][j] * x[i];
        h[j] = h[j] > 0 ? h[j] : 0;
    }
    z = 0.2 + 0.5 * h[0] - 0.5 * h[1];
    assert_true(fabs((double)out[0] - 1.0 / (1.0 + exp(-z))) < 1e-6);
    free(bytes);
    anne_ir_free(&ir);
}

/* Defaults: type dense, activation linear, no bias; parameters by name and default. */
static void test_defaults_and_parameters(void **state) {
    anne_ir ir;
    (void)state;
    parse_ok(&ir, "{\"layers\": [{\"kernel\": [[1, 2, 3]]}]}");
    assert_int_equal(ir.n_inputs, 1);
    assert_int_equal(ir.scaling, ANNE_SCALING_NONE);
    assert_null(ir.name);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_LINEAR);
    assert_int_equal(ir.layers[0].n_out, 3);
    assert_null(ir.layers[0].bias);
    assert_int_equal(ir.n_classes, 0);
    anne_ir_free(&ir);

    parse_ok(&ir, "{\"layers\": [{\"activation\": \"leaky_relu\", \"kernel\": [[1]]},"
                  "{\"activation\": \"leaky_relu\", \"alpha\": 0.3, \"kernel\": [[1]]},"
                  "{\"activation\": \"leaky_relu\", \"negative_slope\": 0.2, \"kernel\": [[1]]},"
                  "{\"activation\": \"elu\", \"kernel\": [[1]]},"
                  "{\"activation\": \"thresholded_relu\", \"kernel\": [[1]]},"
                  "{\"activation\": \"relu6\", \"kernel\": [[1]]},"
                  "{\"activation\": \"relu\", \"max_value\": null, \"negative_slope\": 0.5, \"threshold\": 2,"
                  " \"kernel\": [[1]]},"
                  "{\"activation\": \"silu\", \"kernel\": [[1]]},"
                  "{\"activation\": \"hardSigmoid\", \"kernel\": [[1]]}]}");
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_LEAKY_RELU);
    assert_true(ir.layers[0].param[0] == 0.01f); /* the paper's alpha, not Keras' 0.3 / 0.2 */
    assert_true(ir.layers[1].param[0] == 0.3f);
    assert_true(ir.layers[2].param[0] == 0.2f);
    assert_true(ir.layers[3].param[0] == 1.0f);
    assert_true(ir.layers[4].param[0] == 1.0f);
    assert_int_equal(ir.layers[5].activation, ANNE_ACT_RELU);
    assert_true(ir.layers[5].param[1] == 6.0f);
    assert_true(ir.layers[6].param[0] == 0.5f && isinf(ir.layers[6].param[1]) && ir.layers[6].param[2] == 2.0f);
    assert_int_equal(ir.layers[7].activation, ANNE_ACT_SWISH);
    assert_int_equal(ir.layers[8].activation, ANNE_ACT_HARD_SIGMOID);
    anne_ir_free(&ir);
}

/* "min"/"max", "size" alone, and the data files' variants. */
static void test_scaling_variants(void **state) {
    anne_ir ir;
    anne_error err;
    unsigned char *text;
    size_t size;
    (void)state;
    parse_ok(&ir, "{\"input\": {\"min\": [0, -1], \"max\": [1, 3]}, \"layers\": [{\"kernel\": [[1], [2]]}]}");
    assert_int_equal(ir.scaling, ANNE_SCALING_MINMAX);
    assert_int_equal(ir.n_inputs, 2);
    assert_true(ir.scale_a[0] == 0.0f && ir.scale_a[1] == -1.0f && ir.scale_b[0] == 1.0f && ir.scale_b[1] == 3.0f);
    anne_ir_free(&ir);

    parse_ok(&ir, "{\"input\": {\"size\": 2}, \"layers\": [{\"kernel\": [[1], [2]]}]}");
    assert_int_equal(ir.scaling, ANNE_SCALING_NONE);
    assert_null(ir.scale_a);
    assert_int_equal(ir.n_inputs, 2);
    anne_ir_free(&ir);

    assert_int_equal(anne_file_read(anne_test_path("tests/data/json_minmax_params.json"), &text, &size, &err), 0);
    assert_int_equal(anne_json_read(&ir, (const char *)text, size, "json_minmax_params.json", &err), 0);
    free(text);
    assert_int_equal(ir.scaling, ANNE_SCALING_MINMAX);
    assert_int_equal(ir.n_inputs, 3);
    assert_true(ir.scale_a[2] == 10.0f && ir.scale_b[2] == 20.0f);
    assert_int_equal(ir.n_layers, 4);
    assert_true(ir.layers[0].param[0] == 0.01f);
    /* kernel [[1, -2, 0.25], [0.5, 1.5, -1], [-0.75, 2, 3]]: unit 1 (0-based) reads column 1 */
    assert_true(ir.layers[0].kernel[3] == -2.0f && ir.layers[0].kernel[4] == 1.5f && ir.layers[0].kernel[5] == 2.0f);
    assert_true(ir.layers[1].param[1] == 6.0f);
    assert_null(ir.layers[1].bias);
    assert_true(ir.layers[2].param[0] == 0.5f);
    assert_int_equal(ir.layers[3].activation, ANNE_ACT_SOFTMAX);
    anne_ir_free(&ir);

    assert_int_equal(anne_file_read(anne_test_path("tests/data/json_no_scaling.json"), &text, &size, &err), 0);
    assert_int_equal(anne_json_read(&ir, (const char *)text, size, "json_no_scaling.json", &err), 0);
    free(text);
    assert_int_equal(ir.scaling, ANNE_SCALING_NONE);
    assert_int_equal(ir.n_inputs, 2);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_THRESHOLDED_RELU);
    assert_true(ir.layers[0].param[0] == 1.0f);
    assert_true(ir.layers[1].param[0] == 0.1f && isinf(ir.layers[1].param[1]) && ir.layers[1].param[2] == 0.5f);
    anne_ir_free(&ir);
}

/* Every error names the file, the layer, the key and what was expected. */
static void test_errors_name_their_place(void **state) {
    static const anne_test_bad_json cases[] = {
        {"{\"layers\": [{\"kernel\": [[1, 2], [3, 4], [5, 6]]}, {\"kernel\": [[1], [2], [3]]}]}",
         "model.json: layer 2: kernel has 3 rows, expected 2 (the units of layer 1)"},
        {"{\"layers\": [{\"kernel\": [[1, 2], [3, 4], [5]]}]}",
         "model.json: layer 1: kernel row 3 has 1 values, expected 2 (units)"},
        {"{\"layers\": [{\"units\": 3, \"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: kernel row 1 has 2 values, expected 3 (units)"},
        {"{\"input\": {\"size\": 4}, \"layers\": [{\"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: kernel has 1 rows, expected 4 (the input size)"},
        {"{\"input\": {\"mean\": [1, 2], \"std\": [1, 1]}, \"layers\": [{\"kernel\": [[1], [2], [3]]}]}",
         "model.json: layer 1: kernel has 3 rows, expected 2 (the input size)"},
        {"{\"input\": {\"size\": 3, \"mean\": [1, 2], \"std\": [1, 1]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: \"mean\" has 2 values, expected 3 (\"size\")"},
        {"{\"input\": {\"mean\": [1, 2], \"std\": [1]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: \"std\" has 1 values, expected 2 (as many as \"mean\")"},
        {"{\"input\": {\"mean\": [1, 2], \"std\": [1, 0]}, \"layers\": [{\"kernel\": [[1], [1]]}]}",
         "model.json: input: \"std\" value 2 is 0, expected > 0"},
        {"{\"input\": {\"min\": [1], \"max\": [1]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: \"max\" value 1 is 1, expected > 1 (\"min\" value 1)"},
        {"{\"input\": {\"mean\": [1], \"std\": [1], \"min\": [0]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: give either \"mean\" and \"std\" (standardization) or \"min\" and \"max\", not both"},
        {"{\"input\": {\"min\": [0]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: \"min\" needs \"max\" too"},
        {"{\"layers\": [{\"activation\": \"relux\", \"kernel\": [[1]]}]}",
         "model.json: layer 1: unknown activation \"relux\" (known: linear, relu, leaky_relu, sigmoid, tanh, softmax, "
         "elu, selu, softplus, softsign, hard_sigmoid, hard_sigmoid_k3, swish, gelu, gelu_tanh, exponential, "
         "thresholded_relu, prelu, hard_swish; aliases: relu6, silu, hardSigmoid, leakyRelu, gelu_approximate, "
         "hard_silu)"},
        {"{\"layers\": [{\"units\": \"two\", \"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: \"units\" must be a positive integer, got \"two\""},
        {"{\"layers\": [{\"units\": 1.5, \"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: \"units\" must be a positive integer, got 1.5"},
        {"{\"layers\": [{\"units\": 0, \"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: \"units\" must be a positive integer, got 0"},
        {"{\"layers\": [{\"units\": 65536, \"kernel\": [[1, 2]]}]}",
         "model.json: layer 1: \"units\" is 65536, at most 65535 are supported"},
        {"{\"layers\": [{\"kernel\": [[1]]}, {\"activaton\": \"relu\", \"kernel\": [[1]]}]}",
         "model.json: layer 2: unknown key \"activaton\" (known: type, name, units, activation, kernel, bias, alpha, "
         "negative_slope, max_value, threshold, theta; did you mean \"activation\"?)"},
        {"{\"layer\": []}",
         "model.json: unknown key \"layer\" (known: name, input, layers, ops, classes, inputs, outputs; did you mean \"layers\"?)"},
        {"{\"input\": {\"sise\": 2}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: unknown key \"sise\" (known: size, shape, mean, std, min, max; did you mean \"size\"?)"},
        {"{\"layers\": [{\"activation\": \"sigmoid\", \"alpha\": 0.1, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"alpha\" is not a parameter of activation \"sigmoid\" (it takes none)"},
        {"{\"layers\": [{\"activation\": \"relu\", \"theta\": 0.1, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"theta\" is not a parameter of activation \"relu\" (it takes: negative_slope, "
         "max_value, threshold)"},
        {"{\"layers\": [{\"alpha\": 0.1, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"alpha\" is not a parameter of activation \"linear\" (it takes none)"},
        {"{\"layers\": [{\"activation\": \"relu\", \"max_value\": -1, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"max_value\" must be >= 0 (or null: no limit), got -1"},
        {"{\"layers\": [{\"activation\": \"relu6\", \"max_value\": 3, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"max_value\" cannot be given with \"relu6\" (which is relu with max_value 6): use "
         "\"relu\" with \"max_value\""},
        {"{\"layers\": [{\"activation\": \"elu\", \"alpha\": \"big\", \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"alpha\" must be a number, got \"big\""},
        {"{\"layers\": [{\"activation\": 3, \"kernel\": [[1]]}]}",
         "model.json: layer 1: \"activation\" must be a name such as \"relu\", got 3"},
        {"{\"layers\": [{\"kernel\": [[1]]}, {\"type\": \"conv2d\", \"kernel\": [[1]]}]}",
         "model.json: layer 2: unknown layer type \"conv2d\" (supported: dense)"},
        {"{\"layers\": [{\"kernel\": [[1, \"x\"]]}]}",
         "model.json: layer 1: kernel row 1 value 2 must be a number, got \"x\""},
        {"{\"layers\": [{\"kernel\": [[1, 2], [3, 1e999]]}]}",
         "model.json: layer 1: kernel row 2 value 2 must be a finite number within the 32-bit float range "
         "(|x| <= 3.40282347e+38), got inf"},
        {"{\"layers\": [{\"kernel\": [[1e39]]}]}",
         "model.json: layer 1: kernel row 1 value 1 must be a finite number within the 32-bit float range "
         "(|x| <= 3.40282347e+38), got 1e+39"},
        {"{\"layers\": [{\"kernel\": [[1, 2]], \"bias\": [1, -1e999]}]}",
         "model.json: layer 1: \"bias\" value 2 must be a finite number within the 32-bit float range "
         "(|x| <= 3.40282347e+38), got -inf"},
        {"{\"layers\": [{\"kernel\": [[1, 2]], \"bias\": [1]}]}",
         "model.json: layer 1: \"bias\" has 1 values, expected 2 (units)"},
        {"{\"layers\": [{\"kernel\": [1, 2]}]}",
         "model.json: layer 1: kernel row 1 must be a list of numbers (one per unit), got 1; the kernel is inputs "
         "× units, a list of lists"},
        {"{\"layers\": [{\"units\": 2}]}",
         "model.json: layer 1: missing \"kernel\" (a list of rows, one per input, each with one weight per unit)"},
        {"{\"layers\": [{\"kernel\": []}]}", "model.json: layer 1: kernel has no rows"},
        {"{\"layers\": [{\"kernel\": [[]]}]}",
         "model.json: layer 1: kernel row 1 is empty (expected one value per unit)"},
        {"{\"layers\": [{\"kernel\": [[1, 2]]}], \"classes\": [\"a\", \"b\", \"c\"]}",
         "model.json: \"classes\" has 3 names, expected 2 (the units of the last layer)"},
        {"{\"layers\": [{\"kernel\": [[1]]}], \"classes\": [\"yes\"]}",
         "model.json: \"classes\" has 1 names, expected 2 (the last layer has a single output: class 0 and class 1)"},
        {"{\"layers\": [{\"kernel\": [[1]]}], \"classes\": [\"no\", \"\"]}",
         "model.json: \"classes\" entry 2 must be a non-empty string, got \"\""},
        {"{\"layers\": [{\"kernel\": [[1]]}], \"classes\": [\"no\", 1]}",
         "model.json: \"classes\" entry 2 must be a non-empty string, got 1"},
        {"{\"layers\": []}", "model.json: \"layers\" is empty: a model needs at least one layer"},
        {"{\"name\": \"x\"}",
         "model.json: missing \"layers\" (a list of layers, first to last) or \"ops\" (a graph)"},
        {"{\"layers\": {}}", "model.json: \"layers\" must be a list of layers, got an object"},
        {"{\"layers\": [3]}",
         "model.json: layer 1: must be an object such as {\"units\": 2, \"kernel\": ...}, got 3"},
        {"{\"name\": 7, \"layers\": [{\"kernel\": [[1]]}]}", "model.json: \"name\" must be a string, got 7"},
        {"{\"layers\": [{\"kernel\": [[1]]}], \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: key \"layers\" appears twice"},
        {"{\"layers\": [{\"name\": \"hidden\", \"kernel\": [[1]], \"bias\": [1, 2]}]}",
         "model.json: layer 1 (\"hidden\"): \"bias\" has 2 values, expected 1 (units)"},
        {"[1, 2]", "model.json: expected a JSON object ({\"layers\": [...]} or {\"input\": ..., \"ops\": [...]}) at "
                   "the top level, got a list"},
        /* syntax errors: line and column (1-based) of the offending character */
        {"{\n  \"layers\": [\n    {\"kernel\": [[1,]]}\n  ]\n}",
         "model.json: line 3, column 20: invalid JSON near \"]]}\""},
        {"{\"layers\": [{\"kernel\": [[NaN]]}]}",
         "model.json: line 1, column 26: invalid JSON near \"NaN]]}]}\": JSON has no NaN or Infinity, every number "
         "must be finite"},
        {"{\"layers\": [{\"kernel\": [[1]]}]",
         "model.json: line 1, column 30: invalid JSON: the document ends too early (a missing \"}\" or \"]\"?)"},
        {"{\"layers\": [{\"kernel\": [[1]]}]}\n}",
         "model.json: line 2, column 1: unexpected text after the end of the JSON document"},
        {"", "model.json: line 1, column 1: invalid JSON: the document ends too early (a missing \"}\" or \"]\"?)"},
    };
    (void)state;
    anne_test_json_errors(cases, sizeof cases / sizeof cases[0]);
}

/* A model full of awkward floats: every JSON → IR → JSON → IR keeps each bit. */
static void test_json_roundtrip_is_bit_exact(void **state) {
    static const float awkward[] = {0.1f, 1.0f / 3.0f, -0.0f, 1e-45f /* smallest subnormal */, 1.17549435e-38f,
                                    3.40282347e38f, -3.40282347e38f, 16777216.0f, 0.30000001f, 6.262f, 2.0f / 3.0f,
                                    -1.5e-7f};
    anne_ir a, b, c;
    anne_error err;
    char *text = NULL, *text2 = NULL;
    unsigned int seed = 12345u;
    size_t i, n;
    (void)state;
    anne_ir_init(&a);
    a.name = strdup("quotes \" and \\ and\nnewline, tab\t, \x01 and é");
    assert_non_null(a.name);
    a.n_inputs = 7;
    a.scaling = ANNE_SCALING_MINMAX;
    a.scale_a = calloc(7, sizeof(float));
    a.scale_b = calloc(7, sizeof(float));
    assert_true(a.scale_a && a.scale_b);
    for (i = 0; i < 7; i++) {
        static const int pick[7] = {0, 1, 2, 3, 4, 8, 9}; /* the awkward values of modest size */
        a.scale_a[i] = awkward[pick[i]];
        a.scale_b[i] = a.scale_a[i] + 0.5f * (float)(i + 1);
    }
    {
        anne_ir_layer *l = anne_ir_add_layer(&a, &err);
        assert_non_null(l);
        l->activation = ANNE_ACT_LEAKY_RELU;
        l->param[0] = 0.3f;
        l->n_in = 7;
        l->n_out = 5;
        n = 35;
        l->kernel = malloc(n * sizeof(float));
        l->bias = malloc(5 * sizeof(float));
        assert_true(l->kernel && l->bias);
        for (i = 0; i < n; i++) {
            /* random finite bit patterns, plus the awkward ones */
            uint32_t u;
            float f;
            do {
                seed = seed * 1103515245u + 12345u;
                u = seed ^ (seed << 13) ^ ((uint32_t)i * 2654435761u);
                memcpy(&f, &u, sizeof f);
            } while (!isfinite(f));
            l->kernel[i] = i < sizeof awkward / sizeof awkward[0] ? awkward[i] : f;
        }
        for (i = 0; i < 5; i++) l->bias[i] = awkward[i + 3];
        l = anne_ir_add_layer(&a, &err);
        assert_non_null(l);
        l->activation = ANNE_ACT_RELU;
        l->param[0] = 0.125f;
        l->param[1] = 6.0f;
        l->param[2] = -0.0f;
        l->n_in = 5;
        l->n_out = 2;
        l->kernel = calloc(10, sizeof(float));
        assert_non_null(l->kernel);
        l->kernel[3] = awkward[1];
    }
    a.n_classes = 2;
    a.class_names = calloc(2, sizeof(char *));
    assert_non_null(a.class_names);
    a.class_names[0] = strdup("\"zero\"");
    a.class_names[1] = strdup("one\\two");
    assert_true(a.class_names[0] && a.class_names[1]);

    assert_int_equal(anne_json_write(&a, &text, &err), 0);
    if (anne_json_read(&b, text, strlen(text), "written.json", &err) != 0) fail_msg("%s\n%s", err.msg, text);
    assert_ir_equal(&a, &b);
    assert_int_equal(anne_json_write(&b, &text2, &err), 0);
    assert_string_equal(text, text2); /* the writer is deterministic */
    assert_int_equal(anne_json_read(&c, text2, strlen(text2), "written.json", &err), 0);
    assert_ir_equal(&a, &c);
    /* Keras' layout again: layer 2's weight (unit 0, input 3) is the first value of its 4th row */
    assert_non_null(strstr(text, "[0, 0],\n       [0, 0],\n       [0, 0],\n       [0.33333334, 0],\n       [0, 0]"));
    /* the fewest digits that read back: 6.262 rather than 6.26200008 */
    assert_non_null(strstr(text, "6.262,"));
    assert_null(strstr(text, "6.26200008"));
    free(text);
    free(text2);
    anne_ir_free(&a);
    anne_ir_free(&b);
    anne_ir_free(&c);
}

/* The example and the data files: JSON → .anne → IR is the same IR; JSON → IR → JSON → IR too. */
static void test_binary_roundtrip_equals_original(void **state) {
    static const char *const files[] = {"tests/data/json_iris_example.json", "tests/data/json_minmax_params.json",
                                        "tests/data/json_no_scaling.json"};
    size_t f;
    (void)state;
    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
        anne_ir a, b, c;
        anne_error err;
        anne_model m;
        unsigned char *bytes;
        size_t size;
        char *text;
        if (anne_import(&a, anne_test_path(files[f]), &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(anne_ir_serialize(&a, &bytes, &size, &err), 0);
        assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
        assert_int_equal(anne_ir_from_model(&b, &m, &err), 0);
        assert_ir_equal(&a, &b);
        assert_int_equal(anne_json_write(&b, &text, &err), 0);
        assert_int_equal(anne_json_read(&c, text, strlen(text), files[f], &err), 0);
        assert_ir_equal(&a, &c);
        free(text);
        free(bytes);
        anne_ir_free(&a);
        anne_ir_free(&b);
        anne_ir_free(&c);
    }
}

/* Hostile shapes: deep nesting, a row wider than 65535, too many layers, a large valid model. */
static void test_deep_and_huge_documents(void **state) {
    const size_t depth = 200000, wide = 70000, big = 300;
    size_t i, at = 0, cap = 2 * depth + 64;
    char *s;
    anne_ir ir;
    anne_error err;
    (void)state;

    s = malloc(cap);
    assert_non_null(s);
    at = (size_t)sprintf(s, "{\"layers\": ");
    for (i = 0; i < depth; i++) s[at++] = '[';
    for (i = 0; i < depth; i++) s[at++] = ']';
    s[at++] = '}';
    s[at] = '\0';
    assert_int_equal(anne_json_read(&ir, s, at, "deep.json", &err), -1);
    assert_non_null(strstr(err.msg, "deep.json: line 1, column "));
    assert_non_null(strstr(err.msg, "JSON nested deeper than"));
    free(s);

    cap = wide * 3 + 64;
    s = malloc(cap);
    assert_non_null(s);
    at = (size_t)sprintf(s, "{\"layers\": [{\"kernel\": [[");
    for (i = 0; i < wide; i++) at += (size_t)sprintf(s + at, "%s1", i ? "," : "");
    at += (size_t)sprintf(s + at, "]]}]}");
    assert_int_equal(anne_json_read(&ir, s, at, "wide.json", &err), -1);
    assert_string_equal(err.msg, "wide.json: layer 1: kernel row 1 has 70000 values, at most 65535 units are supported");
    free(s);

    cap = (ANNE_MAX_LAYERS + 1) * 24 + 64;
    s = malloc(cap);
    assert_non_null(s);
    at = (size_t)sprintf(s, "{\"layers\": [");
    for (i = 0; i <= ANNE_MAX_LAYERS; i++) at += (size_t)sprintf(s + at, "%s{\"kernel\": [[1]]}", i ? "," : "");
    at += (size_t)sprintf(s + at, "]}");
    assert_int_equal(anne_json_read(&ir, s, at, "many.json", &err), -1);
    assert_string_equal(err.msg, "many.json: \"layers\" has 1025 layers, at most 1024");
    free(s);

    /* a valid 300 × 300 layer whose every weight is its own position: checks the transposition at scale */
    cap = big * big * 8 + 64;
    s = malloc(cap);
    assert_non_null(s);
    at = (size_t)sprintf(s, "{\"layers\": [{\"kernel\": [");
    for (i = 0; i < big; i++) {
        size_t j;
        at += (size_t)sprintf(s + at, "%s[", i ? "," : "");
        for (j = 0; j < big; j++) at += (size_t)sprintf(s + at, "%s%zu", j ? "," : "", i * big + j);
        s[at++] = ']';
    }
    at += (size_t)sprintf(s + at, "]}]}");
    assert_true(at < cap);
    assert_int_equal(anne_json_read(&ir, s, at, "big.json", &err), 0);
    assert_int_equal(ir.layers[0].n_in, big);
    assert_int_equal(ir.layers[0].n_out, big);
    for (i = 0; i < big * big; i++) {
        size_t unit = i / big, input = i % big;
        if (ir.layers[0].kernel[i] != (float)(input * big + unit)) fail_msg("kernel[%zu] wrong", i);
    }
    anne_ir_free(&ir);
    free(s);
}

/* Text after a NUL inside the given size is not silently ignored. */
static void test_embedded_nul_is_rejected(void **state) {
    static const char text[] = "{\"layers\": [{\"kernel\": [[1]]}]}\0{\"x\": 1}";
    anne_ir ir;
    anne_error err;
    (void)state;
    assert_int_equal(anne_json_read(&ir, text, sizeof text - 1u, "nul.json", &err), -1);
    assert_string_equal(err.msg, "nul.json: line 1, column 32: unexpected text after the end of the JSON document");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_imports_to_expected_ir),
        cmocka_unit_test(test_example_predicts_like_the_formula),
        cmocka_unit_test(test_defaults_and_parameters),
        cmocka_unit_test(test_scaling_variants),
        cmocka_unit_test(test_errors_name_their_place),
        cmocka_unit_test(test_json_roundtrip_is_bit_exact),
        cmocka_unit_test(test_binary_roundtrip_equals_original),
        cmocka_unit_test(test_deep_and_huge_documents),
        cmocka_unit_test(test_embedded_nul_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
