/* Cutting a graph model into its frozen feature part and its dense head (tools/model/anne_ir_split.h):
 * on TF.js models with a dense head, features then head give the graph's outputs bit for bit; new
 * head weights joined back give the graph the head's outputs; models without a head are refused. */
#include <stdlib.h>
#include <string.h>

#include "anne_import.h"
#include "anne_ir_split.h"
#include "test_support.h"

typedef struct loaded {
    unsigned char *bytes;
    size_t size;
    anne_model m;
    float *arena;
} loaded;

static void load(const anne_ir *ir, loaded *l) {
    anne_error err;
    if (anne_ir_serialize(ir, &l->bytes, &l->size, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&l->m, l->bytes, l->size), ANNE_OK);
    l->arena = malloc(anne_model_arena_size(&l->m) + 4u);
    assert_non_null(l->arena);
}

static void run(loaded *l, const float *x, float *y) {
    assert_int_equal(anne_model_predict(&l->m, y, x, l->arena, anne_model_arena_size(&l->m)), ANNE_OK);
}

static void unload(loaded *l) {
    free(l->bytes);
    free(l->arena);
}

static void check_split(const char *name) {
    char path[1024];
    anne_ir g, f, h;
    anne_error err;
    loaded lg, lf, lh;
    float x[1024], feat[1024], y1[64], y2[64];
    size_t r, i, j;
    snprintf(path, sizeof path, "%s/%s/model.json", anne_test_path("tests/data/tfjs_graph"), name);
    if (anne_import(&g, path, &err) != 0) fail_msg("%s", err.msg);
    if (anne_ir_split_head(&g, &f, &h, &err) != 0) fail_msg("%s: %s", name, err.msg);
    assert_true(f.n_ops >= 1 && h.n_layers >= 1);
    load(&g, &lg);
    load(&f, &lf);
    load(&h, &lh);
    assert_int_equal(lf.m.n_outputs, lh.m.n_inputs);
    assert_true(lg.m.n_inputs <= 1024 && lf.m.n_outputs <= 1024 && lg.m.n_outputs <= 64);
    for (r = 0; r < 5; r++) {
        for (i = 0; i < lg.m.n_inputs; i++) x[i] = (float)((i * 7u + r * 13u) % 17u) / 8.0f - 1.0f;
        run(&lg, x, y1);
        run(&lf, x, feat);
        run(&lh, feat, y2);
        assert_memory_equal(y1, y2, lg.m.n_outputs * sizeof *y1);
    }
    /* new head weights, joined back: the graph gives the new head's outputs */
    for (i = 0; i < h.n_layers; i++) {
        for (j = 0; j < (size_t)h.layers[i].n_in * h.layers[i].n_out; j++) h.layers[i].kernel[j] *= -0.5f;
    }
    if (anne_ir_join_head(&g, &h, &err) != 0) fail_msg("%s", err.msg);
    unload(&lg);
    unload(&lh);
    load(&g, &lg);
    load(&h, &lh);
    run(&lg, x, y1);
    run(&lf, x, feat);
    run(&lh, feat, y2);
    assert_memory_equal(y1, y2, lg.m.n_outputs * sizeof *y1);
    unload(&lg);
    unload(&lf);
    unload(&lh);
    anne_ir_free(&g);
    anne_ir_free(&f);
    anne_ir_free(&h);
}

static void test_split_and_join(void **state) {
    (void)state;
    check_split("cnn2d_small");
    check_split("conv1d_imu");
    check_split("flatten_after_conv");
    check_split("combo_mobilenet_block");
}

static void test_no_head_refused(void **state) {
    char path[1024];
    anne_ir g, f, h;
    anne_error err;
    (void)state;
    snprintf(path, sizeof path, "%s/residual/model.json", anne_test_path("tests/data/tfjs_graph"));
    if (anne_import(&g, path, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_ir_split_head(&g, &f, &h, &err), -1);
    assert_non_null(strstr(err.msg, "there is no dense head to train"));
    assert_int_equal(f.n_ops, 0);
    assert_int_equal(h.n_layers, 0);
    anne_ir_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_and_join),
        cmocka_unit_test(test_no_head_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
