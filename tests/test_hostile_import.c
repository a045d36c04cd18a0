/* Hostile input to the importers (the "Hostile input" audit: libFuzzer + ASan): each case is a file
 * made here, from a good one or from nothing, that once crashed, read freed or misaligned memory, read
 * files outside the model's folder, blew up memory or held the tool; now each is converted correctly
 * or refused with a message naming the file, the layer or operator, the value and what was expected. */
#define _XOPEN_SOURCE 700 /* symlink() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

/* HDF5's header (Debian puts it under hdf5/serial/); the library is linked through anne_tools */
#if defined(__has_include)
#if __has_include(<hdf5.h>)
#include <hdf5.h>
#define HAVE_HDF5_H 1
#elif __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>
#define HAVE_HDF5_H 1
#endif
#endif

#include "anne_file.h"
#include "anne_h5.h"
#include "anne_import.h"
#include "anne_json.h"
#include "anne_json_limits.h"
#include "anne_quant.h"
#include "anne_tflite.h"
#include "test_support.h"

/* ---- files -------------------------------------------------------------------------------------- */

static unsigned char *read_file(const char *path, size_t *n) {
    unsigned char *b;
    anne_error err;
    if (anne_file_read(path, &b, n, &err) != 0) fail_msg("%s", err.msg);
    return b;
}

/* The text with the first occurrence of from replaced by to (malloc'd). */
static char *replace(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    size_t n = strlen(text) + strlen(to) + 1u;
    char *out = malloc(n);
    assert_non_null(at);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* Imports path, expecting a refusal whose message contains every NULL-terminated fragment. */
static void expect_refused(const char *path, anne_import_options *opt, ...) {
    anne_ir ir;
    anne_error err;
    va_list ap;
    const char *want;
    err.msg[0] = '\0';
    if (anne_import_ex(&ir, path, opt, &err) == 0) {
        anne_ir_free(&ir);
        fail_msg("%s: imported, expected a refusal", path);
    }
    va_start(ap, opt);
    while ((want = va_arg(ap, const char *)) != NULL) {
        if (strstr(err.msg, want) == NULL) fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    }
    va_end(ap);
    assert_int_equal(ir.n_layers, 0);
}

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* ---- Keras PReLU: an alpha of the wrong length (read after free) ---------------------------------- */

/* tests/data/tfjs_import/layer_prelu (Dense 4 -> 6, PReLU, Dense 6 -> 2) copied to dir with the
 * PReLU's alpha given `alphas` values (the shard cut or padded to match). */
static const char *prelu_model(const char *dir, int alphas) {
    static const char *const src = "tests/data/tfjs_import/layer_prelu/";
    char from[600], to[64], *json, *edited, sub[300];
    unsigned char *w, *cut;
    size_t nj, nw, head = (24u + 6u) * 4u, tail_at = head + 6u * 4u;
    snprintf(from, sizeof from, "%smodel.json", src);
    json = (char *)read_file(anne_test_path(from), &nj);
    snprintf(from, sizeof from, "%sweights.bin", src);
    w = read_file(anne_test_path(from), &nw);
    assert_int_equal(nw, 200); /* kernel 4x6, bias 6, alpha 6, kernel 6x2, bias 2 */
    snprintf(to, sizeof to, "\"p_re_lu_PReLU1/alpha\",\"shape\":[%d]", alphas);
    edited = replace(json, "\"p_re_lu_PReLU1/alpha\",\"shape\":[6]", to);
    cut = calloc(nw + 64u, 1);
    assert_non_null(cut);
    memcpy(cut, w, head);
    memcpy(cut + head, w + head, (size_t)(alphas < 6 ? alphas : 6) * 4u);
    memcpy(cut + head + (size_t)alphas * 4u, w + tail_at, nw - tail_at);
    snprintf(sub, sizeof sub, "%s/model.json", dir);
    anne_test_write_file(anne_test_tmp_path(sub), edited, strlen(edited));
    snprintf(sub, sizeof sub, "%s/weights.bin", dir);
    anne_test_write_file(anne_test_tmp_path(sub), cut, head + (size_t)alphas * 4u + (nw - tail_at));
    free(json);
    free(w);
    free(edited);
    free(cut);
    snprintf(sub, sizeof sub, "%s/model.json", dir);
    return anne_test_tmp_path(sub);
}

static void test_prelu_alpha_of_wrong_length(void **state) {
    char dir[300];
    (void)state;
    snprintf(dir, sizeof dir, "%s", anne_test_tmp_path("prelu5"));
    assert_int_equal(mkdir(dir, 0700), 0);
    /* the message read the count from the freed arrays: ASan's heap-use-after-free, or garbage */
    expect_refused(prelu_model("prelu5", 5), NULL, "prelu5/model.json: layer 3 \"p_re_lu_PReLU1\" (PReLU): ",
                   "alpha has 5 values, expected 6 (one per unit) or 1 (shared)", NULL);
}

/* ---- TF.js: shard paths must stay in the model's folder ------------------------------------------ */

static void write_tfjs(const char *dir, const char *shard_path) {
    char *json, *edited, rel[300], to[300];
    size_t n;
    json = (char *)read_file(anne_test_path("tests/data/tfjs_import/layer_prelu/model.json"), &n);
    snprintf(to, sizeof to, "\"paths\":[\"%s\"]", shard_path);
    edited = replace(json, "\"paths\":[\"weights.bin\"]", to);
    snprintf(rel, sizeof rel, "%s/model.json", dir);
    anne_test_write_file(anne_test_tmp_path(rel), edited, strlen(edited));
    free(json);
    free(edited);
}

static void test_tfjs_shards_stay_in_the_folder(void **state) {
    unsigned char *w;
    size_t n;
    anne_ir ir;
    anne_error err;
    (void)state;
    /* a valid shard outside the model's folder: before, "../secret.bin" was read as the weights */
    w = read_file(anne_test_path("tests/data/tfjs_import/layer_prelu/weights.bin"), &n);
    anne_test_write_file(anne_test_tmp_path("secret.bin"), w, n);
    assert_int_equal(mkdir(anne_test_tmp_path("tfjs"), 0700), 0);
    assert_int_equal(mkdir(anne_test_tmp_path("tfjs/sub"), 0700), 0);
    anne_test_write_file(anne_test_tmp_path("tfjs/sub/w.bin"), w, n);
    free(w);

    write_tfjs("tfjs", "../secret.bin");
    expect_refused(anne_test_tmp_path("tfjs/model.json"), NULL, "tfjs/model.json: weight shard \"../secret.bin\"",
                   "has a \"..\" component", NULL);
    write_tfjs("tfjs", "sub/../../secret.bin");
    expect_refused(anne_test_tmp_path("tfjs/model.json"), NULL, "weight shard \"sub/../../secret.bin\"", "\"..\"", NULL);
    write_tfjs("tfjs", "/etc/passwd");
    expect_refused(anne_test_tmp_path("tfjs/model.json"), NULL, "weight shard \"/etc/passwd\"", "relative file name", NULL);
    /* a symbolic link inside the folder that leads out of it */
    assert_int_equal(symlink("../secret.bin", anne_test_tmp_path("tfjs/link.bin")), 0);
    write_tfjs("tfjs", "link.bin");
    expect_refused(anne_test_tmp_path("tfjs/model.json"), NULL, "weight shard \"link.bin\"", "outside the model's folder",
                   "secret.bin", NULL);
    assert_int_equal(symlink("secret.bin", anne_test_tmp_path("tfjs/sub/link2.bin")), 0); /* dangling inside: not found */
    write_tfjs("tfjs", "sub/link2.bin");
    expect_refused(anne_test_tmp_path("tfjs/model.json"), NULL, "weight shard \"sub/link2.bin\"", "cannot open", NULL);

    /* inside the folder (a subfolder, a link that stays in) is read as before */
    write_tfjs("tfjs", "sub/w.bin");
    if (anne_import(&ir, anne_test_tmp_path("tfjs/model.json"), &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_layers, 2);
    anne_ir_free(&ir);
    assert_int_equal(symlink("sub/w.bin", anne_test_tmp_path("tfjs/inside.bin")), 0);
    write_tfjs("tfjs", "inside.bin");
    if (anne_import(&ir, anne_test_tmp_path("tfjs/model.json"), &err) != 0) fail_msg("%s", err.msg);
    anne_ir_free(&ir);
}

/* ---- HDF5: datasets and links that lead to other files ------------------------------------------ */

#if HAVE_HDF5_H
/* A float dataset of 4 values at name, its data in the file or (external) in another file. */
static void h5_dataset(hid_t file, const char *name, const char *external) {
    static const float v[4] = {1, 2, 3, 4};
    hsize_t dims[1] = {4};
    hid_t sp = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d;
    if (external != NULL) assert_true(H5Pset_external(dcpl, external, 0, sizeof v) >= 0);
    d = H5Dcreate2(file, name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(d >= 0);
    if (external == NULL) assert_true(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
}
#endif

/* A .h5 whose dataset keeps its data in a file of this machine (external storage), or links to
 * another .h5 (an external link): both were read as the model's weights */
static void test_h5_data_from_other_files(void **state) {
#if HAVE_HDF5_H
    static const float secret[4] = {11, 22, 33, 44};
    unsigned char *bytes;
    size_t n, count;
    hid_t file;
    anne_h5 h;
    anne_error err;
    float *data = NULL;
    int rank;
    size_t dims[ANNE_H5_MAX_RANK];
    char other[600];
    (void)state;
    anne_test_write_file(anne_test_tmp_path("secret.f32"), secret, sizeof secret);
    snprintf(other, sizeof other, "%s", anne_test_tmp_path("other.h5"));
    file = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    h5_dataset(file, "/w", NULL);
    H5Fclose(file);
    file = H5Fcreate(anne_test_tmp_path("hostile.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    h5_dataset(file, "/inside", NULL);
    h5_dataset(file, "/outside", anne_test_tmp_path("secret.f32"));
    assert_true(H5Lcreate_external(other, "/", file, "/linked", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    H5Fclose(file);
    bytes = read_file(anne_test_tmp_path("hostile.h5"), &n);
    assert_int_equal(anne_h5_open(&h, bytes, n, "hostile.h5", &err), 0);
    /* the file's own data reads */
    if (anne_h5_read_floats(&h, "/inside", &data, &count, &rank, dims, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(count, 4);
    assert_true(data[3] == 4.0f);
    free(data);
    assert_int_equal(anne_h5_read_floats(&h, "/outside", &data, &count, &rank, dims, &err), -1);
    assert_string_equal(err.msg, "hostile.h5: dataset \"/outside\" keeps its data in another file (external storage "
                                 "or a virtual dataset): refused, a model file must hold its own weights");
    assert_null(data);
    assert_int_equal(anne_h5_exists(&h, "/linked"), 0);
    assert_int_equal(anne_h5_exists(&h, "/linked/w"), 0);
    assert_int_equal(anne_h5_read_floats(&h, "/linked/w", &data, &count, &rank, dims, &err), -1);
    assert_null(data);
    anne_h5_close(&h);
    free(bytes);
#else
    (void)state;
    print_message("SKIP: hdf5.h not found (libhdf5-dev)\n");
    skip();
#endif
}

/* ---- TFLite: flatbuffers built byte by byte -------------------------------------------------------
 * A one-layer int8 model (FULLY_CONNECTED, 2 -> 2, optionally SOFTMAX after it) written forwards:
 * each table's vtable just before it, each child after its parent, offsets patched in. Knobs choose
 * the hostile variants the verifier accepts. */

typedef struct fb {
    unsigned char b[8192];
    size_t n;
} fb;

static void fb_pad(fb *f, size_t align, size_t rem) {
    while (f->n % align != rem) f->b[f->n++] = 0;
}

static size_t fb_put(fb *f, const void *p, size_t k) {
    size_t at = f->n;
    assert_true(f->n + k <= sizeof f->b);
    memcpy(f->b + f->n, p, k);
    f->n += k;
    return at;
}

static void fb_set32(fb *f, size_t at, uint32_t v) {
    memcpy(f->b + at, &v, 4); /* little-endian host (the tests run on x86-64 / AArch64) */
}

/* The uoffset at slot points to target (always forward). */
static void fb_link(fb *f, size_t slot, size_t target) {
    assert_true(target > slot);
    fb_set32(f, slot, (uint32_t)(target - slot));
}

typedef struct fld {
    int id;
    int size;                   /* 1, 4; 0: an offset (its slot is returned) */
    int64_t v;
} fld;

/* Writes a vtable and its table; slots[k]: where the k-th offset field is, for fb_link. */
static size_t fb_table(fb *f, const fld *fl, int n, size_t *slots) {
    uint16_t vt[32];
    int i, max_id = -1, k = 0;
    size_t vt_at, at, size = 4;
    for (i = 0; i < n; i++) max_id = fl[i].id > max_id ? fl[i].id : max_id;
    memset(vt, 0, sizeof vt);
    /* field offsets: each aligned to its size, the table starting 8-aligned */
    for (i = 0; i < n; i++) {
        size_t s = fl[i].size ? (size_t)fl[i].size : 4u;
        size = (size + s - 1u) / s * s;
        vt[2 + fl[i].id] = (uint16_t)size;
        size += s;
    }
    vt[0] = (uint16_t)(4 + 2 * (max_id + 1));
    vt[1] = (uint16_t)size;
    fb_pad(f, 2, 0);
    vt_at = fb_put(f, vt, vt[0]);
    fb_pad(f, 8, 0);
    at = f->n;
    memset(f->b + at, 0, size);
    f->n += size;
    fb_set32(f, at, (uint32_t)(at - vt_at)); /* soffset: the vtable is at table - soffset */
    for (i = 0; i < n; i++) {
        size_t pos = at + vt[2 + fl[i].id];
        if (fl[i].size == 0) {
            slots[k++] = pos;
        } else if (fl[i].size == 1) {
            f->b[pos] = (unsigned char)fl[i].v;
        } else {
            fb_set32(f, pos, (uint32_t)fl[i].v);
        }
    }
    return at;
}

/* A vector of count elements of elem bytes; its data at 8k + data_rem. Returns its position. */
static size_t fb_vec(fb *f, const void *data, uint32_t count, size_t elem, size_t data_rem) {
    size_t at;
    fb_pad(f, 8, (data_rem + 4u) % 8u);
    at = fb_put(f, &count, 4);
    if (count > 0) fb_put(f, data, count * elem);
    return at;
}

/* A vector of n table offsets; slots[i]: where the i-th is. */
static size_t fb_vec_tables(fb *f, uint32_t n, size_t *slots) {
    uint32_t i, zero = 0;
    size_t at;
    fb_pad(f, 4, 0);
    at = fb_put(f, &n, 4);
    for (i = 0; i < n; i++) slots[i] = fb_put(f, &zero, 4);
    return at;
}

static size_t fb_string(fb *f, const char *s) {
    uint32_t n = (uint32_t)strlen(s);
    size_t at;
    fb_pad(f, 4, 0);
    at = fb_put(f, &n, 4);
    fb_put(f, s, n + 1u);
    return at;
}

enum { OPT_NONE, OPT_PRESENT, OPT_TYPE_ONLY }; /* builtin options: none, a table, the type without the table */

typedef struct tfl_spec {
    int fc_options;             /* OPT_* */
    int fused;                  /* ActivationFunctionType: 0 NONE, 1 RELU, 3 RELU6 */
    int softmax;                /* a SOFTMAX operator follows */
    int softmax_options;        /* OPT_* */
    float softmax_beta;
    float out_scale;            /* the FULLY_CONNECTED output's scale */
    int zp_rem;                 /* where the zero point vectors' int64 data sits: 8k + zp_rem (0 or 4) */
} tfl_spec;

static void tfl_spec_default(tfl_spec *s) {
    memset(s, 0, sizeof *s);
    s->fc_options = OPT_PRESENT;
    s->softmax_beta = 1.0f;
    s->out_scale = 0.05f;
}

/* A tensor: [1, n] or [n, n] int8/int32 with one scale and zero point (none for int32). */
static void tfl_tensor(fb *f, size_t slot, const char *name, int rows, int cols, int type, uint32_t buffer, float scale,
                       int64_t zp, int zp_rem) {
    fld t[] = {{0, 0, 0}, {1, 1, type}, {2, 4, buffer}, {3, 0, 0}, {4, 0, 0}};
    size_t ts[3], at, qs[2];
    int32_t shape[2];
    int nf = type == 2 ? 4 : 5;
    shape[0] = rows;
    shape[1] = cols;
    at = fb_table(f, t, nf, ts);
    fb_link(f, slot, at);
    fb_link(f, ts[0], fb_vec(f, rows > 0 ? shape : shape + 1, rows > 0 ? 2u : 1u, 4, 0));
    fb_link(f, ts[1], fb_string(f, name));
    if (nf == 5) {
        fld q[] = {{2, 0, 0}, {3, 0, 0}, {6, 4, 0}};
        at = fb_table(f, q, 3, qs);
        fb_link(f, ts[2], at);
        fb_link(f, qs[0], fb_vec(f, &scale, 1, 4, 0));
        fb_link(f, qs[1], fb_vec(f, &zp, 1, 8, (size_t)zp_rem));
    }
}

static unsigned char *tfl_build(const tfl_spec *s, size_t *n) {
    static fb f;
    static const int8_t w[4] = {10, -20, 30, 40};
    static const int32_t bias[2] = {100, -100};
    size_t root, ms[3], codes[2], sgs[1], ss[4], tens[5], ops[2], os[3], bufs[3], at, bs[1];
    uint32_t i, n_ops = s->softmax ? 2u : 1u;
    int32_t in[3] = {0, 1, 2}, out_fc = 3, out_sm = 4, input = 0, output = s->softmax ? 4 : 3;
    unsigned char *copy;
    memset(&f, 0, sizeof f);
    root = fb_put(&f, "\0\0\0\0TFL3", 8);
    {
        fld m[] = {{0, 4, 3}, {1, 0, 0}, {2, 0, 0}, {4, 0, 0}};
        fb_link(&f, root, fb_table(&f, m, 4, ms));
    }
    fb_link(&f, ms[0], fb_vec_tables(&f, n_ops, codes));
    for (i = 0; i < n_ops; i++) {
        fld c[] = {{0, 1, i == 0 ? 9 : 25}, {3, 4, i == 0 ? 9 : 25}};
        fb_link(&f, codes[i], fb_table(&f, c, 2, NULL));
    }
    fb_link(&f, ms[1], fb_vec_tables(&f, 1, sgs));
    {
        fld g[] = {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}};
        fb_link(&f, sgs[0], fb_table(&f, g, 4, ss));
    }
    fb_link(&f, ss[0], fb_vec_tables(&f, s->softmax ? 5u : 4u, tens));
    tfl_tensor(&f, tens[0], "in", 1, 2, 9, 0, 0.1f, 0, s->zp_rem);
    tfl_tensor(&f, tens[1], "w", 2, 2, 9, 1, 0.01f, 0, s->zp_rem);
    tfl_tensor(&f, tens[2], "b", 0, 2, 2, 2, 0, 0, 0);
    tfl_tensor(&f, tens[3], "fc", 1, 2, 9, 0, s->out_scale, -10, s->zp_rem);
    if (s->softmax) tfl_tensor(&f, tens[4], "sm", 1, 2, 9, 0, 1.0f / 256.0f, -128, s->zp_rem);
    fb_link(&f, ss[1], fb_vec(&f, &input, 1, 4, 0));
    fb_link(&f, ss[2], fb_vec(&f, &output, 1, 4, 0));
    fb_link(&f, ss[3], fb_vec_tables(&f, n_ops, ops));
    for (i = 0; i < n_ops; i++) {
        int options = i == 0 ? s->fc_options : s->softmax_options;
        int type = i == 0 ? 8 : 9; /* BuiltinOptions: FullyConnectedOptions, SoftmaxOptions */
        fld o[] = {{0, 4, i}, {1, 0, 0}, {2, 0, 0}, {3, 1, options == OPT_NONE ? 0 : type}, {4, 0, 0}};
        at = fb_table(&f, o, options == OPT_PRESENT ? 5 : 4, os);
        fb_link(&f, ops[i], at);
        fb_link(&f, os[0], i == 0 ? fb_vec(&f, in, 3, 4, 0) : fb_vec(&f, &out_fc, 1, 4, 0));
        fb_link(&f, os[1], fb_vec(&f, i == 0 ? &out_fc : &out_sm, 1, 4, 0));
        if (options == OPT_PRESENT) {
            int32_t beta;
            memcpy(&beta, &s->softmax_beta, 4);
            if (i == 0) {
                fld fo[] = {{0, 1, s->fused}};
                fb_link(&f, os[2], fb_table(&f, fo, 1, NULL));
            } else {
                fld so[] = {{0, 4, beta}};
                fb_link(&f, os[2], fb_table(&f, so, 1, NULL));
            }
        }
    }
    fb_link(&f, ms[2], fb_vec_tables(&f, 3, bufs));
    fb_link(&f, bufs[0], fb_table(&f, NULL, 0, NULL));
    for (i = 1; i < 3; i++) {
        fld b[] = {{0, 0, 0}};
        fb_link(&f, bufs[i], fb_table(&f, b, 1, bs));
        fb_link(&f, bs[0], i == 1 ? fb_vec(&f, w, 4, 1, 0) : fb_vec(&f, bias, 8, 1, 0));
    }
    copy = malloc(f.n); /* malloc'd: the offsets' alignment is the addresses' */
    assert_non_null(copy);
    memcpy(copy, f.b, f.n);
    *n = f.n;
    return copy;
}

/* Converts; 0 with the model in *m (bytes in *out), or -1 with err. */
static int tfl_convert(const tfl_spec *s, unsigned char **out, anne_model *m, anne_error *err) {
    size_t n, size;
    unsigned char *b = tfl_build(s, &n);
    int rc;
    err->msg[0] = '\0';
    rc = anne_tflite_convert(b, n, "hostile.tflite", out, &size, err);
    free(b);
    if (rc == 0) assert_int_equal(anne_model_load(m, *out, size), ANNE_OK);
    return rc;
}

static void test_tflite_builder_is_valid(void **state) {
    tfl_spec s;
    unsigned char *out;
    anne_model m;
    anne_error err;
    float in_scale, out_scale;
    int32_t in_zp, out_zp;
    (void)state;
    tfl_spec_default(&s);
    s.fused = 1;
    if (tfl_convert(&s, &out, &m, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_dtype(&m), ANNE_DTYPE_S8);
    assert_int_equal(anne_model_s8_io(&m, &in_scale, &in_zp, &out_scale, &out_zp), ANNE_OK);
    assert_int_equal(out_zp, -10);
    free(out);
    /* a variant the importer refuses, so that the knobs are seen to reach it */
    s.fused = 4;
    assert_int_equal(tfl_convert(&s, &out, &m, &err), -1);
    assert_non_null(strstr(err.msg, "fused activation TANH is not supported"));
}

/* builtin_options_type set, the table absent: the verifier accepts it; it read through NULL */
static void test_tflite_absent_options(void **state) {
    tfl_spec s;
    unsigned char *out = NULL;
    anne_model m;
    anne_error err;
    anne_layer l;
    (void)state;
    tfl_spec_default(&s);
    s.fc_options = OPT_TYPE_ONLY; /* the schema's defaults: fused NONE, default weights layout */
    if (tfl_convert(&s, &out, &m, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_layer(&m, 0, &l), ANNE_OK);
    assert_int_equal(l.activation, ANNE_ACT_LINEAR);
    free(out);
    /* the same, then SOFTMAX with its options absent: beta would be the default 0 */
    s.softmax = 1;
    s.softmax_options = OPT_TYPE_ONLY;
    assert_int_equal(tfl_convert(&s, &out, &m, &err), -1);
    assert_string_equal(err.msg, "hostile.tflite: operator 2 (SOFTMAX): beta is 0 (its "
                                 "SoftmaxOptions are absent: the schema's default); only beta = 1 is supported");
    s.softmax_options = OPT_PRESENT;
    if (tfl_convert(&s, &out, &m, &err) != 0) fail_msg("%s", err.msg);
    free(out);
    s.softmax_beta = 2.0f;
    assert_int_equal(tfl_convert(&s, &out, &m, &err), -1);
    assert_non_null(strstr(err.msg, "operator 2 (SOFTMAX): beta is 2; only beta = 1"));
}

/* zero points (int64) at 8k + 4: the verifier checks 4-byte alignment only (UBSan: misaligned load) */
static void test_tflite_misaligned_zero_points(void **state) {
    tfl_spec s;
    unsigned char *out;
    anne_model m;
    anne_error err;
    float in_scale, out_scale;
    int32_t in_zp, out_zp;
    (void)state;
    tfl_spec_default(&s);
    s.zp_rem = 4;
    s.fused = 3;
    if (tfl_convert(&s, &out, &m, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_s8_io(&m, &in_scale, &in_zp, &out_scale, &out_zp), ANNE_OK);
    assert_int_equal(in_zp, 0);
    assert_int_equal(out_zp, -10);
    free(out);
}

/* RELU6's clamp at quantize(6) = 6 / scale does not fit an int32 below a scale of about 2.8e-9 */
static void test_tflite_relu6_tiny_scale(void **state) {
    tfl_spec s;
    unsigned char *out;
    anne_model m;
    anne_error err;
    (void)state;
    tfl_spec_default(&s);
    s.fused = 3;
    s.out_scale = 1e-12f;
    assert_int_equal(tfl_convert(&s, &out, &m, &err), -1);
    assert_non_null(strstr(err.msg, "hostile.tflite: operator 1 (FULLY_CONNECTED, fused RELU6): output 'fc' has "
                                    "scale 1e-12"));
    assert_non_null(strstr(err.msg, "expected a scale of at least 2.79397e-09"));
    /* a small but sound scale: 6 lies beyond the int8 range, the clamp is 127 */
    s.out_scale = 0.001f;
    if (tfl_convert(&s, &out, &m, &err) != 0) fail_msg("%s", err.msg);
    free(out);
}

/* ---- decompression bombs and memory ------------------------------------------------------------ */

/* n bytes of "0,0,0,...0" (n even) */
static char *zeros_text(size_t n) {
    char *t = malloc(n + 1u);
    size_t i;
    assert_non_null(t);
    for (i = 0; i + 1u < n; i += 2) {
        t[i] = '0';
        t[i + 1u] = ',';
    }
    t[n - 1u] = '0';
    t[n] = '\0';
    return t;
}

/* n bytes of "[0,0,...,0]" (padded with spaces before the "]"): one list, which cJSON made a node of
 * each number of (1.27 GB for 30 MiB) */
static char *zeros_list(size_t n) {
    char *t = malloc(n + 1u);
    size_t i = 1;
    assert_non_null(t);
    t[0] = '[';
    while (i + 2u < n) {
        t[i++] = '0';
        t[i++] = ',';
    }
    t[i++] = '0';
    while (i < n) t[i++] = ' ';
    t[n - 1u] = ']';
    t[n] = '\0';
    return t;
}

/* A .keras zip holding config.json (text) and a tiny metadata.json. */
static void write_keras(const char *path, const char *config, size_t n, zip_int32_t method) {
    zip_t *z;
    zip_source_t *src;
    zip_int64_t idx;
    int zerr = 0;
    static const char meta[] = "{\"keras_version\": \"3.7.0\"}";
    z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    src = zip_source_buffer(z, config, n, 0);
    assert_non_null(src);
    idx = zip_file_add(z, "config.json", src, ZIP_FL_OVERWRITE);
    assert_true(idx >= 0);
    assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)idx, method, 9), 0);
    src = zip_source_buffer(z, meta, sizeof meta - 1u, 0);
    assert_non_null(src);
    assert_true(zip_file_add(z, "metadata.json", src, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
}

static void test_keras_zip_bombs(void **state) {
    const size_t bomb = (size_t)30 << 20, ratio = (size_t)10 << 20, stored = (size_t)4 << 20;
    char *text = zeros_list(bomb), want[256];
    struct timespec t0;
    (void)state;
    /* [0,0,...] of 30 MiB in a file of some 30 KB: refused by its stated size, before inflating */
    write_keras(anne_test_tmp_path("bomb.keras"), text, bomb, ZIP_CM_DEFLATE);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_refused(anne_test_tmp_path("bomb.keras"), NULL, "bomb.keras: zip entry config.json inflates to 31457280 bytes, "
                   "more than the 16777216 (16 MiB) a Keras file's config.json may have", NULL);
    assert_true(seconds_since(&t0) < 20.0);
    /* 10 MiB, under the size cap, but 1000 times its compressed size */
    free(text);
    text = zeros_list(ratio);
    write_keras(anne_test_tmp_path("ratio.keras"), text, ratio, ZIP_CM_DEFLATE);
    expect_refused(anne_test_tmp_path("ratio.keras"), NULL, "ratio.keras: zip entry config.json inflates ",
                   "a ratio above 200:1 that no real model has", NULL);
    /* 4 MiB stored as it is: size and ratio pass, the scan refuses the list before cJSON sees a number
     * (element 65536 starts 1 + 2 * 65535 bytes in) */
    free(text);
    text = zeros_list(stored);
    write_keras(anne_test_tmp_path("stored.keras"), text, stored, ZIP_CM_STORE);
    snprintf(want, sizeof want, "stored.keras:config.json: line 1, column %zu: a list of more than 65535 elements, "
             "longer than a Keras or TensorFlow.js model config allows", (size_t)2 * 65535u + 2u);
    expect_refused(anne_test_tmp_path("stored.keras"), NULL, want, NULL);

    free(text);
}

/* An ANNE JSON of 10 M zeros (20 MB): refused by the scan, not after a 1.6 GB parse */
static void test_anne_json_bombs(void **state) {
    const size_t n = (size_t)20 << 20;
    char *text = malloc(n + 64u), *zeros = zeros_text(n), want[256];
    size_t at, i;
    anne_ir ir;
    anne_error err;
    struct timespec t0;
    (void)state;
    assert_non_null(text);
    at = (size_t)sprintf(text, "{\"layers\": [{\"kernel\": [[");
    /* the list's element 1 Mi + 1 starts 2 Mi bytes into it */
    snprintf(want, sizeof want, "zeros.json: line 1, column %zu: a list of more than 1048576 elements, longer than "
             "ANNE JSON allows", at + 2u * ANNE_JSON_MAX_LIST + 1u);
    memcpy(text + at, zeros, n);
    at += n;
    at += (size_t)sprintf(text + at, "]]}]}");
    anne_test_write_file(anne_test_tmp_path("zeros.json"), text, at);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_refused(anne_test_tmp_path("zeros.json"), NULL, want, NULL);
    assert_true(seconds_since(&t0) < 20.0);
    /* more numbers than a model of ANNE_IMPORT_MAX_WEIGHTS has, in lists of a legal length */
    at = (size_t)sprintf(text, "{\"layers\": [{\"kernel\": [");
    for (i = 0; at + 2u * 60000u + 8u < n; i++) {
        text[at++] = i ? ',' : ' ';
        text[at++] = '[';
        memcpy(text + at, zeros, 2u * 60000u - 1u);
        at += 2u * 60000u - 1u;
        text[at++] = ']';
    }
    at += (size_t)sprintf(text + at, "]}]}");
    assert_true(i * 60000u > ANNE_JSON_MAX_NUMBERS);
    assert_int_equal(anne_json_read(&ir, text, at, "many.json", &err), -1);
    assert_non_null(strstr(err.msg, "many.json: line 1, column "));
    assert_non_null(strstr(err.msg, ": more than 4259840 numbers, more than ANNE JSON allows (a model of at most "
                                    "4194304 weights"));
    free(zeros);
    free(text);
}

/* TF.js model.json and Keras to_json(): the stricter limits of an architecture */
static void test_keras_json_limits(void **state) {
    char *text = malloc((size_t)1 << 20), *zeros = zeros_text(2u * 70000u), want[256];
    size_t at;
    anne_import_options opt;
    (void)state;
    assert_non_null(text);
    /* element 65536 of the list starts 2 * 65535 bytes into it */
    at = (size_t)sprintf(text, "{\"modelTopology\": {\"x\": [%s]}, \"weightsManifest\": []}", zeros);
    anne_test_write_file(anne_test_tmp_path("big_tfjs.json"), text, at);
    snprintf(want, sizeof want, "big_tfjs.json: line 1, column %zu: a list of more than 65535 elements, longer than "
             "a Keras or TensorFlow.js model config allows", strlen("{\"modelTopology\": {\"x\": [") + 131071u);
    expect_refused(anne_test_tmp_path("big_tfjs.json"), NULL, want, NULL);
    at = (size_t)sprintf(text, "{\"class_name\": \"Sequential\", \"config\": [%s]}", zeros);
    anne_test_write_file(anne_test_tmp_path("big_arch.json"), text, at);
    memset(&opt, 0, sizeof opt);
    opt.weights_path = anne_test_tmp_path("big_arch.json");
    snprintf(want, sizeof want, "big_arch.json: line 1, column %zu: a list of more than 65535 elements",
             strlen("{\"class_name\": \"Sequential\", \"config\": [") + 131071u);
    expect_refused(anne_test_tmp_path("big_arch.json"), &opt, want, NULL);
    free(zeros);
    free(text);
}

/* A TF.js model of more weights than ANNE imports: refused with the layer named */
static void test_model_too_large(void **state) {
    const size_t units = 2048, inputs = 2049, nw = inputs * units + units;
    char text[2048];
    float *w = calloc(nw, sizeof *w);
    size_t at;
    (void)state;
    assert_non_null(w);
    at = (size_t)snprintf(text, sizeof text,
                          "{\"format\": \"layers-model\", \"modelTopology\": {\"class_name\": \"Sequential\", \"config\": "
                          "{\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": %zu, \"name\": \"big\", "
                          "\"batch_input_shape\": [null, %zu]}}]}}, \"weightsManifest\": [{\"paths\": [\"w.bin\"], "
                          "\"weights\": [{\"name\": \"big/kernel\", \"shape\": [%zu, %zu], \"dtype\": \"float32\"}, "
                          "{\"name\": \"big/bias\", \"shape\": [%zu], \"dtype\": \"float32\"}]}]}",
                          units, inputs, inputs, units, units);
    assert_int_equal(mkdir(anne_test_tmp_path("big"), 0700), 0);
    anne_test_write_file(anne_test_tmp_path("big/model.json"), text, at);
    anne_test_write_file(anne_test_tmp_path("big/w.bin"), w, nw * sizeof *w);
    free(w);
    expect_refused(anne_test_tmp_path("big/model.json"), NULL, "big/model.json: layer 1 \"big\" (Dense): the model has "
                   "4198400 weights up to here, more than the 4194304 ANNE imports", NULL);
}

/* ---- the isolated import's time limit ------------------------------------------------------------ */

static int stall(anne_ir *ir, const void *ctx, anne_import_options *opt, anne_error *err) {
    (void)ir;
    (void)ctx;
    (void)opt;
    (void)err;
    while (pause() != 0 || ir != NULL) { /* a library looping on a hostile file, until SIGALRM */
    }
    return -1;
}

static void test_import_time_limit(void **state) {
    anne_ir ir;
    anne_error err;
    struct timespec t0;
    double took;
    (void)state;
    /* a few seconds plus one per started MiB: 5 s for a Keras file of a few KB (it takes milliseconds) */
    assert_int_equal(anne_import_time_limit(0), ANNE_IMPORT_SECONDS_BASE);
    assert_int_equal(anne_import_time_limit(30000), ANNE_IMPORT_SECONDS_BASE + ANNE_IMPORT_SECONDS_PER_MIB);
    assert_int_equal(anne_import_time_limit((size_t)1 << 20), ANNE_IMPORT_SECONDS_BASE + ANNE_IMPORT_SECONDS_PER_MIB);
    assert_int_equal(anne_import_time_limit(((size_t)100 << 20) + 1u),
                     ANNE_IMPORT_SECONDS_BASE + 101u * ANNE_IMPORT_SECONDS_PER_MIB);
    assert_true(anne_import_time_limit(0) <= 10u);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(anne_import_isolated(&ir, stall, NULL, "loop.h5", 30000, NULL, &err), -1);
    took = seconds_since(&t0);
    print_message("stalled import stopped after %.1f s: %s\n", took, err.msg);
    assert_string_equal(err.msg, "loop.h5: the import took too long: stopped after 6 s, the limit for 30000 bytes of "
                                 "input (5 s + 1 s per MiB; real Keras files take well under a second): the HDF5 "
                                 "library may be looping on a damaged or hostile file");
    assert_true(took >= 5.5 && took < 60.0);
    assert_int_equal(ir.n_layers, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prelu_alpha_of_wrong_length),
        cmocka_unit_test(test_tfjs_shards_stay_in_the_folder),
        cmocka_unit_test(test_h5_data_from_other_files),
        cmocka_unit_test(test_tflite_builder_is_valid),
        cmocka_unit_test(test_tflite_absent_options),
        cmocka_unit_test(test_tflite_misaligned_zero_points),
        cmocka_unit_test(test_tflite_relu6_tiny_scale),
        cmocka_unit_test(test_keras_zip_bombs),
        cmocka_unit_test(test_anne_json_bombs),
        cmocka_unit_test(test_keras_json_limits),
        cmocka_unit_test(test_model_too_large),
        cmocka_unit_test(test_import_time_limit),
    };
    return cmocka_run_group_tests(tests, anne_test_tmp_setup, anne_test_tmp_teardown);
}
