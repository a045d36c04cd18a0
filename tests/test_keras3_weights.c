/* Keras 3's save_weights files (NAME.weights.h5) with a to_json() architecture: `anne convert
 * ARCH.json --weights W.weights.h5` must give the model that the same network gives in another format.
 * A .keras zip is config.json (what to_json() returns) and model.weights.h5 (what save_weights writes),
 * so a real one, taken apart, must convert to the same bytes as the zip itself. Keras 3 files of a
 * functional model and of a Sequential one with several layer classes are written here with libhdf5,
 * as Keras 3 lays them out (groups by class and order), from TensorFlow.js models whose predictions
 * TF.js computed (tests/data/tfjs_import): same bytes as the TF.js import, same predictions as TF.js,
 * and zipped into a .keras file the same bytes again. A file missing a layer's weights, or in neither
 * Keras layout, is refused with the file named, by convert and --check alike. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <zip.h>

#include "anne_file.h"
#include "anne_import.h"
#include "test_support.h"

#define TFJS "tests/data/tfjs_import/"

/* ---- files -------------------------------------------------------------------------------------- */

static int setup(void **state) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* failures are asserted here, not printed by libhdf5 */
    return anne_test_tmp_setup(state);
}

/* Copies the zip entry name out of the zip at path into the file out. */
static void unzip_entry(const char *path, const char *name, const char *out) {
    int zerr;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    zip_stat_t st;
    zip_file_t *f;
    unsigned char *b;
    assert_non_null(z);
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    b = malloc((size_t)st.size + 1u);
    assert_non_null(b);
    f = zip_fopen(z, name, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, b, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_close(z);
    anne_test_write_file(out, b, (size_t)st.size);
    free(b);
}

/* A .keras zip at path: config.json and model.weights.h5 from the files arch and h5, and Keras 3's
 * metadata.json. */
static void zip_keras(const char *path, const char *arch, const char *h5) {
    static const char meta[] = "{\"keras_version\": \"3.7.0\", \"date_saved\": \"2025-01-01@00:00:00\"}";
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    assert_true(zip_file_add(z, "config.json", zip_source_file(z, arch, 0, -1), 0) >= 0);
    assert_true(zip_file_add(z, "metadata.json", zip_source_buffer(z, meta, strlen(meta), 0), 0) >= 0);
    assert_true(zip_file_add(z, "model.weights.h5", zip_source_file(z, h5, 0, -1), 0) >= 0);
    assert_int_equal(zip_close(z), 0);
}

/* ---- importing ---------------------------------------------------------------------------------- */

/* --check's verdict: 0 all supported, 1 not, -1 refused (the message in msg). */
static int check(const char *path, const char *weights, char *msg, size_t cap) {
    anne_ir ir;
    anne_error err;
    anne_import_options opt;
    memset(&opt, 0, sizeof opt);
    opt.weights_path = weights;
    opt.check = 1;
    if (anne_import_ex(&ir, path, &opt, &err) != 0) {
        snprintf(msg, cap, "%s", err.msg);
        return -1;
    }
    free(opt.report);
    return opt.all_supported ? 0 : 1;
}

/* Converting must fail with a message holding every fragment (NULL-terminated); --check must fail
 * with the same message. */
static void expect_refused(const char *path, const char *weights, ...) {
    anne_ir ir;
    anne_error err;
    anne_import_options opt;
    char checked[1024];
    const char *frag;
    va_list ap;
    memset(&opt, 0, sizeof opt);
    opt.weights_path = weights;
    if (anne_import_ex(&ir, path, &opt, &err) == 0) {
        anne_ir_free(&ir);
        fail_msg("%s with %s was accepted", path, weights != NULL ? weights : "no --weights");
    }
    va_start(ap, weights);
    while ((frag = va_arg(ap, const char *)) != NULL) {
        if (strstr(err.msg, frag) == NULL) fail_msg("message lacks \"%s\": %s", frag, err.msg);
    }
    va_end(ap);
    assert_int_equal(check(path, weights, checked, sizeof checked), -1);
    assert_string_equal(checked, err.msg);
}

/* The model bytes on every input of a TF.js model's io.json: TF.js' own outputs within 1e-5 (relative
 * above 1), as tests/test_tfjs_import.c holds the TF.js importer to. */
static void expect_tfjs_outputs(const unsigned char *bytes, size_t size, const char *io_path) {
    cJSON *io = anne_test_read_json(io_path), *row, *outs = cJSON_GetObjectItem(io, "outputs");
    anne_model m;
    float x[64], y[64], arena[1024];
    size_t r = 0;
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_true(m.arena_bytes <= sizeof arena);
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(io, "inputs")) {
        const cJSON *e;
        size_t i = 0;
        cJSON_ArrayForEach(e, row) {
            assert_true(i < sizeof x / sizeof x[0]);
            x[i++] = (float)e->valuedouble;
        }
        assert_int_equal(i, m.n_inputs);
        assert_true(m.n_outputs <= sizeof y / sizeof y[0]);
        assert_int_equal(anne_model_predict(&m, y, x, arena, sizeof arena), ANNE_OK);
        i = 0;
        cJSON_ArrayForEach(e, cJSON_GetArrayItem(outs, (int)r)) {
            double tol = 1e-5 * (fabs(e->valuedouble) > 1 ? fabs(e->valuedouble) : 1);
            if (!(fabs((double)y[i] - e->valuedouble) <= tol)) {
                fail_msg("%s: sample %zu output %zu: ANNE %.9g, TF.js %.9g", io_path, r + 1, i + 1, (double)y[i],
                         e->valuedouble);
            }
            i++;
        }
        assert_int_equal(i, m.n_outputs);
        r++;
    }
    assert_true(r > 0);
    cJSON_Delete(io);
}

/* ---- writing Keras 3 weights files -------------------------------------------------------------- */

/* Keras 3's group name for a layer class (keras.src.utils.naming.to_snake_case), for the classes of
 * the models used here; written out rather than computed, so that the importer's own snake_case is
 * not what checks itself. */
static const char *keras_snake(const char *class_name) {
    static const char *const names[][2] = {{"InputLayer", "input_layer"}, {"Dense", "dense"},
                                           {"BatchNormalization", "batch_normalization"}, {"PReLU", "p_re_lu"},
                                           {"ELU", "elu"}};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i][0], class_name) == 0) return names[i][1];
    }
    fail_msg("no Keras 3 group name known for class %s", class_name);
    return NULL;
}

static const cJSON *topology_layers(const cJSON *topo) {
    const cJSON *cfg = cJSON_GetObjectItem(topo, "config");
    return cJSON_IsArray(cfg) ? cfg : cJSON_GetObjectItem(cfg, "layers");
}

/* True when a TF.js manifest weight name ("dense_Dense64/kernel") belongs to the layer. */
static int belongs(const char *wname, const char *layer) {
    size_t n = strlen(layer);
    return strncmp(wname, layer, n) == 0 && wname[n] == '/' && strchr(wname + n + 1, '/') == NULL;
}

/* One float32 dataset at loc/name with the manifest entry's shape, from data. */
static void h5_array(hid_t loc, const char *name, const cJSON *shape, const float *data) {
    hsize_t dims[8];
    int rank = 0;
    const cJSON *d;
    hid_t space, set;
    cJSON_ArrayForEach(d, shape) dims[rank++] = (hsize_t)d->valuedouble;
    space = H5Screate_simple(rank, dims, NULL);
    set = H5Dcreate2(loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(set >= 0);
    assert_true(H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(set);
    H5Sclose(space);
}

/* One layer's group layers/<snake_case class>[_n]/vars (n: earlier layers of its class in the
 * config, Keras 3's numbering) with the layer's manifest arrays as datasets 0, 1, ... in manifest order
 * (Keras' order: kernel, bias; gamma, beta, moving mean, moving variance). With no_arrays the vars group
 * stays empty. */
static void h5_layer(hid_t file, const cJSON *layers, const cJSON *layer, const cJSON *manifest, const float *shard,
                     int no_arrays) {
    const char *cls = cJSON_GetObjectItem(layer, "class_name")->valuestring;
    const char *name = cJSON_GetObjectItem(cJSON_GetObjectItem(layer, "config"), "name")->valuestring;
    const cJSON *e;
    size_t earlier = 0, at = 0, k = 0;
    char path[256], key[32];
    hid_t vars;
    cJSON_ArrayForEach(e, layers) {
        if (e == layer) break;
        earlier += strcmp(cJSON_GetObjectItem(e, "class_name")->valuestring, cls) == 0;
    }
    if (earlier == 0) snprintf(path, sizeof path, "/layers/%s", keras_snake(cls));
    else snprintf(path, sizeof path, "/layers/%s_%zu", keras_snake(cls), earlier);
    H5Gclose(H5Gcreate2(file, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    strcat(path, "/vars");
    vars = H5Gcreate2(file, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(vars >= 0);
    cJSON_ArrayForEach(e, manifest) {
        const cJSON *shape = cJSON_GetObjectItem(e, "shape"), *d;
        size_t count = 1;
        cJSON_ArrayForEach(d, shape) count *= (size_t)d->valuedouble;
        if (belongs(cJSON_GetObjectItem(e, "name")->valuestring, name) && !no_arrays) {
            snprintf(key, sizeof key, "%zu", k++);
            h5_array(vars, key, shape, shard + at);
        }
        at += count;
    }
    H5Gclose(vars);
}

/* From the TF.js model tests/data/tfjs_import/<model>: its architecture (modelTopology, what Keras'
 * to_json() returns) into arch, and its weights into h5 as Keras 3's save_weights lays them out: the
 * model's own (empty) vars group, and a group under layers/ for every layer of the config. The layer
 * named omit is left out; the one named empty gets a vars group without arrays. */
static void keras3_from_tfjs(const char *model, const char *arch, const char *h5, const char *omit,
                             const char *empty) {
    char path[1024];
    cJSON *root, *group;
    const cJSON *topo, *layer;
    unsigned char *shard;
    size_t n;
    anne_error err;
    char *text;
    hid_t file;
    snprintf(path, sizeof path, "%s%s/model.json", TFJS, model);
    root = anne_test_read_json(anne_test_path(path));
    topo = cJSON_GetObjectItem(root, "modelTopology");
    text = cJSON_PrintUnformatted(topo);
    anne_test_write_file(arch, text, strlen(text));
    free(text);
    group = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "weightsManifest"), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(group, "paths")), 1);
    snprintf(path, sizeof path, "%s%s/%s", TFJS, model,
             cJSON_GetArrayItem(cJSON_GetObjectItem(group, "paths"), 0)->valuestring);
    if (anne_file_read(anne_test_path(path), &shard, &n, &err) != 0) fail_msg("%s", err.msg);
    file = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    H5Gclose(H5Gcreate2(file, "/vars", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(H5Gcreate2(file, "/layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    cJSON_ArrayForEach(layer, topology_layers(topo)) {
        const char *name = cJSON_GetObjectItem(cJSON_GetObjectItem(layer, "config"), "name")->valuestring;
        if (omit != NULL && strcmp(name, omit) == 0) continue;
        /* the shard is float32 little-endian, as this machine */
        h5_layer(file, topology_layers(topo), layer, cJSON_GetObjectItem(group, "weights"), (const float *)shard,
                 empty != NULL && strcmp(name, empty) == 0);
    }
    assert_true(H5Fclose(file) >= 0);
    free(shard);
    cJSON_Delete(root);
}

/* The TF.js model converted from its model.json and from its architecture + a Keras 3 weights file:
 * the same bytes, and TF.js' predictions. */
static void expect_same_as_tfjs(const char *model) {
    char rel[256];
    unsigned char *a, *b;
    size_t na, nb;
    char msg[1024];
    /* the name says nothing of the layout: it is told from the content */
    keras3_from_tfjs(model, anne_test_tmp_path("arch.json"), anne_test_tmp_path("weights.h5"), NULL, NULL);
    snprintf(rel, sizeof rel, TFJS "%s/model.json", model);
    anne_test_convert(anne_test_path(rel), NULL, &a, &na);
    anne_test_convert(anne_test_tmp_path("arch.json"), anne_test_tmp_path("weights.h5"), &b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    snprintf(rel, sizeof rel, TFJS "%s/io.json", model);
    expect_tfjs_outputs(b, nb, anne_test_path(rel));
    assert_int_equal(check(anne_test_tmp_path("arch.json"), anne_test_tmp_path("weights.h5"), msg, sizeof msg), 0);
    free(a);
    free(b);
}

/* ---- tests -------------------------------------------------------------------------------------- */

/* A real .keras file (tf.keras 2.15, Sequential 1-10-10-1, written on Windows: groups "layers\dense")
 * taken apart: config.json + model.weights.h5 give the bytes the zip gives. */
static void test_parts_of_a_real_keras_file(void **state) {
    ANNE_TEST_REQUIRE_SHARED(p, "fixtures/keras/embml_nn_line_regression/nn_line_regression.keras");
    char zip[1024], msg[1024];
    unsigned char *a, *b;
    size_t na, nb;
    (void)state;
    snprintf(zip, sizeof zip, "%s", p);
    unzip_entry(zip, "config.json", anne_test_tmp_path("config.json"));
    unzip_entry(zip, "model.weights.h5", anne_test_tmp_path("model.weights.h5"));
    anne_test_convert(zip, NULL, &a, &na);
    anne_test_convert(anne_test_tmp_path("config.json"), anne_test_tmp_path("model.weights.h5"), &b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_int_equal(check(anne_test_tmp_path("config.json"), anne_test_tmp_path("model.weights.h5"), msg, sizeof msg), 0);
    free(a);
    free(b);
}

/* Sequential with five Dense, a BatchNormalization, a PReLU and an ELU: groups dense, dense_1 ...
 * dense_4, batch_normalization, p_re_lu, elu, none of them the layer's name. */
static void test_sequential_layout(void **state) {
    (void)state;
    expect_same_as_tfjs("deep_mixed");
}

/* A functional model (class_name "Model", inbound_nodes): the same layout. */
static void test_functional_layout(void **state) {
    (void)state;
    expect_same_as_tfjs("functional_chain");
}

/* A layer's group absent, or present without arrays: refused by convert and --check alike, naming the
 * architecture, the layer, the weights file and the group looked for. */
static void test_missing_layer_named(void **state) {
    const char *arch = anne_test_tmp_path("arch.json"), *w = anne_test_tmp_path("missing.weights.h5");
    (void)state;
    keras3_from_tfjs("deep_mixed", arch, w, "p_re_lu_PReLU2", NULL);
    expect_refused(arch, w, arch, "layer 5 \"p_re_lu_PReLU2\" (PReLU): missing weights: ", w,
                   " has no group layers/p_re_lu/vars", NULL);
    keras3_from_tfjs("deep_mixed", arch, w, NULL, "dense_Dense67");
    expect_refused(arch, w, "layer 7 \"dense_Dense67\" (Dense): missing weights: ", w,
                   "group /layers/dense_3/vars holds no arrays", NULL);
}

/* The same files zipped as a .keras file: the same model, and the same refusal of a layer's weights
 * missing, by convert and --check alike (--check reads a .keras file's weights too). */
static void test_zipped_alike(void **state) {
    const char *arch = anne_test_tmp_path("arch.json"), *w = anne_test_tmp_path("model.weights.h5");
    const char *zip = anne_test_tmp_path("m.keras");
    unsigned char *a, *b;
    size_t na, nb;
    char msg[1024];
    (void)state;
    keras3_from_tfjs("deep_mixed", arch, w, NULL, NULL);
    zip_keras(zip, arch, w);
    anne_test_convert(arch, w, &a, &na);
    anne_test_convert(zip, NULL, &b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_int_equal(check(zip, NULL, msg, sizeof msg), 0);
    free(a);
    free(b);
    keras3_from_tfjs("deep_mixed", arch, w, NULL, "p_re_lu_PReLU2");
    zip_keras(zip, arch, w);
    expect_refused(zip, NULL, zip, ": layer 5 \"p_re_lu_PReLU2\" (PReLU): missing weights: ",
                   "m.keras:model.weights.h5: group /layers/p_re_lu/vars holds no arrays", NULL);
}

/* HDF5 in neither Keras layout: refused naming the file and the layouts expected. */
static void test_neither_layout(void **state) {
    const char *arch = anne_test_tmp_path("arch.json"), *w = anne_test_tmp_path("other.h5");
    hid_t file;
    (void)state;
    keras3_from_tfjs("functional_chain", arch, anne_test_tmp_path("unused.h5"), NULL, NULL);
    file = H5Fcreate(w, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    H5Gclose(H5Gcreate2(file, "/dense_Dense62", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    assert_true(H5Fclose(file) >= 0);
    expect_refused(arch, w, w, ": HDF5 but not Keras weights: expected a Keras 2 save_weights file",
                   "Keras 3 .weights.h5", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_of_a_real_keras_file),
        cmocka_unit_test(test_sequential_layout),
        cmocka_unit_test(test_functional_layout),
        cmocka_unit_test(test_missing_layer_named),
        cmocka_unit_test(test_zipped_alike),
        cmocka_unit_test(test_neither_layout),
    };
    return cmocka_run_group_tests(tests, setup, anne_test_tmp_teardown);
}
