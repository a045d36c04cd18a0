/* PReLU end to end on the host: ANNE JSON "alpha" lists in and out, the model file, and the runtime's
 * per-unit slopes against hand-computed outputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_json.h"
#include "anne_json_write.h"
#include "test_support.h"

static const char prelu_doc[] =
    "{\"layers\": [{\"activation\": \"prelu\", \"alpha\": [0.25, -0.5], \"kernel\": [[1, -1], [2, 1]],"
    " \"bias\": [0, 0.5]}]}";

static void read_doc(anne_ir *ir, const char *text, anne_error *err, int expect_ok) {
    int rc = anne_json_read(ir, text, strlen(text), "m.json", err);
    if (expect_ok && rc != 0) fail_msg("%s", err->msg);
    if (!expect_ok && rc == 0) fail_msg("accepted: %s", text);
}

/* x = (1, -2): z0 = 1 - 4 = -3 -> 0.25 * -3 = -0.75; z1 = -1 - 2 + 0.5 = -2.5 -> -0.5 * -2.5 = 1.25. */
static void test_prelu_json_to_model(void **state) {
    anne_ir ir, back;
    anne_error err;
    unsigned char *bytes;
    size_t size;
    anne_model m;
    char *text;
    float in[2] = {1.0f, -2.0f}, out[2], arena[4];
    (void)state;
    read_doc(&ir, prelu_doc, &err, 1);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_PRELU);
    assert_non_null(ir.layers[0].act_data);
    assert_true(ir.layers[0].act_data[0] == 0.25f && ir.layers[0].act_data[1] == -0.5f);
    assert_int_equal(anne_ir_serialize(&ir, &bytes, &size, &err), 0);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_int_equal(anne_model_predict(&m, out, in, arena, sizeof arena), ANNE_OK);
    assert_true(out[0] == -0.75f && out[1] == 1.25f);
    /* back to JSON and again: the same bytes */
    assert_int_equal(anne_json_write(&ir, &text, &err), 0);
    assert_non_null(strstr(text, "\"alpha\": [0.25, -0.5]"));
    read_doc(&back, text, &err, 1);
    {
        unsigned char *bytes2;
        size_t size2;
        assert_int_equal(anne_ir_serialize(&back, &bytes2, &size2, &err), 0);
        assert_int_equal(size, size2);
        assert_memory_equal(bytes, bytes2, size);
        free(bytes2);
    }
    /* and from the model file back into an IR */
    anne_ir_free(&back);
    assert_int_equal(anne_ir_from_model(&back, &m, &err), 0);
    assert_true(back.layers[0].act_data[1] == -0.5f);
    anne_ir_free(&back);
    free(text);
    free(bytes);
    anne_ir_free(&ir);
}

static void test_prelu_json_errors(void **state) {
    anne_ir ir;
    anne_error err;
    (void)state;
    read_doc(&ir, "{\"layers\": [{\"activation\": \"prelu\", \"kernel\": [[1, 2]]}]}", &err, 0);
    assert_string_equal(err.msg, "m.json: layer 1: prelu needs \"alpha\": a list of one slope per unit");
    read_doc(&ir, "{\"layers\": [{\"activation\": \"prelu\", \"alpha\": [1], \"kernel\": [[1, 2]]}]}", &err, 0);
    assert_string_equal(err.msg, "m.json: layer 1: \"alpha\" has 1 values, expected 2 (units)");
    read_doc(&ir, "{\"layers\": [{\"activation\": \"prelu\", \"alpha\": 0.3, \"kernel\": [[1]]}]}", &err, 0);
    assert_string_equal(err.msg, "m.json: layer 1: \"alpha\" must be a list of numbers, got 0.3");
    read_doc(&ir, "{\"layers\": [{\"activation\": \"relu\", \"alpha\": [1], \"kernel\": [[1]]}]}", &err, 0);
    assert_non_null(strstr(err.msg, "\"alpha\" is not a parameter of activation \"relu\""));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prelu_json_to_model),
        cmocka_unit_test(test_prelu_json_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
