/* ANNE JSON's graphs with several inputs and outputs ("inputs", "outputs"; docs/anne-json.md): a
 * two-input, two-output document with each input scaled runs as its definition computed here says,
 * .anne -> JSON -> .anne gives the same bytes, and mistakes are named. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"
#include "anne_json.h"
#include "anne_json_write.h"
#include "test_support.h"

/* a (2) and b (3), standardized; ha = Dense(2)(a) (identity kernel), hb = Dense(2)(b), s = ha + hb;
 * outputs s, then hb. */
static const char doc[] =
    "{\"name\": \"two in, two out\",\n"
    " \"inputs\": [{\"name\": \"a\", \"shape\": [2], \"mean\": [1, 2], \"std\": [2, 4]},\n"
    "            {\"name\": \"b\", \"shape\": [3], \"mean\": [0, 0, 1], \"std\": [1, 1, 2]}],\n"
    " \"ops\": [{\"op\": \"dense\", \"name\": \"ha\", \"inputs\": [\"a\"], \"units\": 2, \"kernel\": [[1, 0], [0, 1]]},\n"
    "         {\"op\": \"dense\", \"name\": \"hb\", \"inputs\": [\"b\"], \"units\": 2, \"kernel\": [[1, 0], [0, 1], [1, 1]],\n"
    "          \"bias\": [0.5, -0.5]},\n"
    "         {\"op\": \"add\", \"name\": \"s\", \"inputs\": [\"ha\", \"hb\"]}],\n"
    " \"outputs\": [\"s\", \"hb\"]}\n";

static void by_hand(const float *x, double *y) {
    double a0 = ((double)x[0] - 1) / 2, a1 = ((double)x[1] - 2) / 4;
    double b0 = (double)x[2], b1 = (double)x[3], b2 = ((double)x[4] - 1) / 2;
    double hb0 = b0 + b2 + 0.5, hb1 = b1 + b2 - 0.5;
    y[0] = a0 + hb0, y[1] = a1 + hb1, y[2] = hb0, y[3] = hb1;
}

static void serialize(const anne_ir *ir, unsigned char **bytes, size_t *size) {
    anne_error err;
    if (anne_ir_serialize(ir, bytes, size, &err) != 0) fail_msg("%s", err.msg);
}

static void test_two_inputs_two_outputs(void **state) {
    anne_ir ir, back;
    anne_error err;
    anne_model m;
    unsigned char *b1, *b2;
    size_t n1, n2, s, i;
    char *text;
    float x[5], y[4], *arena;
    double want[4];
    (void)state;
    if (anne_json_read(&ir, doc, strlen(doc), "model.json", &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_input_tensors, 2);
    assert_int_equal(anne_ir_n_outputs(&ir), 2);
    assert_int_equal(ir.n_inputs, 5);
    serialize(&ir, &b1, &n1);
    assert_int_equal(anne_model_load(&m, b1, n1), ANNE_OK);
    assert_int_equal(m.n_inputs, 5);
    assert_int_equal(m.n_outputs, 4);
    arena = malloc(anne_model_arena_size(&m));
    assert_non_null(arena);
    for (s = 0; s < 10; s++) {
        for (i = 0; i < 5; i++) x[i] = (float)cos((double)(5 * s + i)) * 4.0f;
        assert_int_equal(anne_model_predict(&m, y, x, arena, anne_model_arena_size(&m)), ANNE_OK);
        by_hand(x, want);
        for (i = 0; i < 4; i++) {
            if (fabs((double)y[i] - want[i]) > 1e-6) fail_msg("sample %zu output %zu: %.9g, by hand %.9g", s, i, (double)y[i], want[i]);
        }
    }
    /* written back: "inputs" with each input's scaling, "outputs"; read again, the same bytes */
    if (anne_json_write(&ir, &text, &err) != 0) fail_msg("%s", err.msg);
    assert_non_null(strstr(text, "\"inputs\": [\n    {\"name\": \"input_1\", \"shape\": [2], \"mean\": [1, 2], \"std\": [2, 4]}"));
    assert_non_null(strstr(text, "\"outputs\": [\"s\", \"hb\"]"));
    if (anne_json_read(&back, text, strlen(text), "back.json", &err) != 0) fail_msg("%s\n%s", err.msg, text);
    serialize(&back, &b2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(text), free(b1), free(b2), free(arena);
    anne_ir_free(&back);
    anne_ir_free(&ir);
}

#define OPS "\"ops\": [{\"op\": \"add\", \"name\": \"s\", \"inputs\": [\"a\", \"b\"]}]"
static void test_mistakes_are_named(void **state) {
    static const anne_test_bad_json cases[] = {
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}, {\"shape\": [2]}], " OPS "}",
         "model.json: inputs value 2: needs a \"name\" (ops' \"inputs\" refer to it)"},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}, {\"name\": \"a\", \"shape\": [2]}], " OPS "}",
         "model.json: inputs value 2: the name \"a\" is taken"},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"mean\": [0, 0], \"std\": [1, 1]}, {\"name\": \"b\", "
         "\"shape\": [2]}], " OPS "}",
         "model.json: inputs value 2: is scaled not at all, input 1 otherwise: a model scales all its inputs the same "
         "way (or none)"},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}], " OPS "}",
         "model.json: \"inputs\" must be a list of 2 to 16 inputs such as {\"name\": \"window\", \"shape\": [32, 3]} "
         "(one input: \"input\"), got a list"},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}, {\"name\": \"b\", \"size\": 2}], " OPS "}",
         "model.json: inputs value 2: unknown key \"size\" (known: name, shape, mean, std, min, max)"},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}, {\"name\": \"b\", \"shape\": [2]}], " OPS
         ", \"outputs\": [\"s\", \"t\"]}",
         "model.json: \"outputs\" value 2 must name an op, got \"t\""},
        {"{\"inputs\": [{\"name\": \"a\", \"shape\": [2]}, {\"name\": \"b\", \"shape\": [2]}], " OPS
         ", \"outputs\": [\"s\", \"s\"]}",
         "model.json: \"outputs\": outputs 1 and 2 are the same tensor"},
        {"{\"input\": {\"shape\": [2]}, \"inputs\": [], " OPS "}",
         "model.json: \"inputs\" is for a graph (\"ops\") with several inputs: give it or \"input\", not both"},
    };
    (void)state;
    anne_test_json_errors(cases, sizeof cases / sizeof cases[0]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_inputs_two_outputs),
        cmocka_unit_test(test_mistakes_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
