/* Helpers shared by the tests. */
#define _XOPEN_SOURCE 700 /* mkdtemp(), nftw() */
#include "test_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anne_file.h"
#include "anne_import.h"
#include "anne_json.h"

static char anne__tmp_dir[64];

static int anne__rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int anne_test_tmp_setup(void **state) {
    (void)state;
    snprintf(anne__tmp_dir, sizeof anne__tmp_dir, "/tmp/anne_test_XXXXXX");
    return mkdtemp(anne__tmp_dir) != NULL ? 0 : -1;
}

int anne_test_tmp_teardown(void **state) {
    (void)state;
    return nftw(anne__tmp_dir, anne__rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *anne_test_tmp_path(const char *rel) {
    static char buf[4][640];
    static int at;
    at = (at + 1) % 4;
    snprintf(buf[at], sizeof buf[at], "%s/%s", anne__tmp_dir, rel);
    return buf[at];
}

void anne_test_write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

cJSON *anne_test_read_json(const char *path) {
    unsigned char *b;
    size_t n;
    anne_error err;
    cJSON *root;
    if (anne_file_read(path, &b, &n, &err) != 0) fail_msg("%s", err.msg);
    root = cJSON_ParseWithLength((const char *)b, n);
    free(b);
    if (root == NULL) fail_msg("%s: not JSON", path);
    return root;
}

void anne_test_convert(const char *path, const char *weights, unsigned char **bytes, size_t *size) {
    anne_ir ir;
    anne_error err;
    anne_import_options opt;
    memset(&opt, 0, sizeof opt);
    opt.weights_path = weights;
    if (anne_import_ex(&ir, path, &opt, &err) != 0) fail_msg("%s", err.msg);
    if (anne_ir_serialize(&ir, bytes, size, &err) != 0) fail_msg("%s", err.msg);
    anne_ir_free(&ir);
}

const char *anne_test_path(const char *rel) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", ANNE_SOURCE_DIR, rel);
    return buf;
}

const char *anne_test_shared_path(const char *rel) {
    static char buf[4096];
    const char *dir = getenv("ANNE_SHARED_DIR");
    snprintf(buf, sizeof buf, "%s/%s", dir != NULL && dir[0] != '\0' ? dir : ANNE_SHARED_DIR, rel);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

void anne_test_open_model(anne_loaded *out, const char *rel) {
    anne_error err;
    if (anne_loaded_open(out, anne_test_path(rel), &err) != 0) {
        fail_msg("%s", err.msg);
    }
}

void anne_test_predict(const anne_loaded *m, float *output, const float *input) {
    uint32_t arena_words = (anne_model_arena_size(&m->model) + 3u) / 4u;
    float *arena = malloc((arena_words ? arena_words : 1u) * sizeof *arena);
    anne_status st;
    assert_non_null(arena);
    st = anne_model_predict(&m->model, output, input, arena, arena_words * 4u);
    free(arena);
    assert_int_equal(st, ANNE_OK);
}

void anne_test_json_errors(const anne_test_bad_json *cases, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        anne_ir ir;
        anne_error err;
        err.msg[0] = '\0';
        if (anne_json_read(&ir, cases[i].json, strlen(cases[i].json), "model.json", &err) == 0) {
            anne_ir_free(&ir);
            fail_msg("case %zu was accepted: %s", i, cases[i].json);
        }
        if (strcmp(err.msg, cases[i].message) != 0) {
            fail_msg("case %zu: %s\n  got:      %s\n  expected: %s", i, cases[i].json, err.msg, cases[i].message);
        }
        assert_int_equal(ir.n_layers, 0);
        assert_null(ir.layers);
        assert_int_equal(ir.n_ops, 0);
        assert_null(ir.ops);
        assert_null(ir.tensors);
    }
}

void *anne_test_trainer(anne_trainer *t, uint16_t n_in, const uint16_t *units, const anne_activation *acts, int n,
                        const anne_scaling *scaling, anne_optimizer_kind opt, float lr, uint32_t seed) {
    anne_layer layers[ANNE_MAX_LAYERS];
    anne_model_desc d;
    anne_train_config cfg;
    size_t size;
    void *arena;
    int l;
    assert_true(n >= 1 && n <= ANNE_MAX_LAYERS);
    memset(layers, 0, sizeof layers);
    memset(&d, 0, sizeof d);
    for (l = 0; l < n; l++) {
        layers[l].kind = ANNE_LAYER_DENSE;
        layers[l].dtype = ANNE_DTYPE_F32;
        layers[l].activation = acts[l];
        anne_ir_default_params(acts[l], layers[l].param);
        layers[l].n_in = l == 0 ? n_in : units[l - 1];
        layers[l].n_out = units[l];
    }
    d.n_inputs = n_in;
    d.n_layers = (uint16_t)n;
    d.layers = layers;
    if (scaling != NULL) d.scaling = *scaling;
    cfg.loss = ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, opt);
    cfg.optimizer.lr = lr;
    cfg.seed = seed;
    assert_int_equal(anne_trainer_arena_size(&d, opt, &size), ANNE_OK);
    arena = malloc(size);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(t, &d, &cfg, arena, size), ANNE_OK);
    return arena;
}

uint8_t *anne_test_graph_bytes(const anne_graph_desc *d, size_t *size) {
    uint8_t *b;
    assert_int_equal(anne_graph_write(d, NULL, 0, size), ANNE_OK);
    b = aligned_alloc(4, (*size + 3u) & ~(size_t)3u);
    assert_non_null(b);
    assert_int_equal(anne_graph_write(d, b, *size, size), ANNE_OK);
    return b;
}
