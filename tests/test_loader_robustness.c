/* The loader against damaged and hostile bytes: every truncation, every flipped byte (with and without
 * a repaired CRC) and hand-made hostile files get a status, never a crash or an out-of-bounds read.
 * Each mutated file is copied into a heap buffer of exactly its size, so ASan sees any over-read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* The byte layout, written here from docs/format.md on purpose (not taken from the runtime's private
 * anne_format.h), so that a drift between the specification and the code fails a test. */
enum {
    HDR_MAJOR = 4, HDR_MINOR = 6, HDR_FILE_SIZE = 8, HDR_CRC = 12, HDR_N_SECTIONS = 16, HDR_RESERVED = 18,
    HDR_SIZE = 20, SEC_ENTRY = 12,
    SEC_GRAPH = 1, SEC_WEIGHTS = 2, SEC_SCALING = 3, SEC_CLASSES = 4, SEC_NAME = 5,
    GRAPH_HDR = 8, LAYER_SIZE = 52,
    L_KIND = 0, L_DTYPE = 1, L_ACT = 2, L_FLAGS = 3, L_N_IN = 4, L_N_OUT = 6, L_PARAM = 8,
    L_K_OFF = 20, L_K_SIZE = 24, L_B_OFF = 28, L_B_SIZE = 32, L_AUX_OFF = 36, L_AUX_SIZE = 40,
    L_ACT_OFF = 44, L_ACT_SIZE = 48
};

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void wrf32(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    wr32(p, u);
}

/* The CRC rule of docs/format.md: CRC-32 of bytes [0, 12) followed by [16, file_size). Left alone
 * when file_size itself lies outside the n bytes there are (the loader refuses that before the CRC). */
static void fix_crc_n(uint8_t *b, size_t n) {
    uint32_t size = rd32(b + HDR_FILE_SIZE);
    if (size < HDR_SIZE || size > n) return;
    wr32(b + HDR_CRC, anne_crc32(anne_crc32(0, b, 12), b + 16, size - 16));
}
static void fix_crc(uint8_t *b) { fix_crc_n(b, rd32(b + HDR_FILE_SIZE)); }

/* Offset of section `type`'s table entry, or 0 when absent. */
static uint32_t sec_entry(const uint8_t *b, uint32_t type) {
    uint32_t i, n = rd16(b + HDR_N_SECTIONS);
    for (i = 0; i < n; i++) {
        if (rd32(b + HDR_SIZE + i * SEC_ENTRY) == type) return HDR_SIZE + i * SEC_ENTRY;
    }
    return 0;
}
static uint8_t *sec_data(uint8_t *b, uint32_t type) {
    uint32_t e = sec_entry(b, type);
    assert_true(e != 0);
    return b + rd32(b + e + 4);
}
static uint8_t *layer_rec(uint8_t *b, uint32_t index) {
    return sec_data(b, SEC_GRAPH) + GRAPH_HDR + index * LAYER_SIZE;
}

/* ------------------------------------------------------------------------------------------------
 * The valid models the mutations start from.
 * ---------------------------------------------------------------------------------------------- */
enum { MODEL_TINY, MODEL_FULL, MODEL_DEEP, MODEL_RELU6, MODEL_PRELU, MODEL_Q16, MODEL_S8, MODEL_COUNT };

static const float tiny_k[4] = {0.5f, -1.0f, 0.25f, 2.0f};                       /* (1, 4) */
static const float full_k[2 * 3] = {1.0f, -2.0f, 0.5f, -0.5f, 0.25f, 3.0f};       /* (2, 3) */
static const float full_b[2] = {0.1f, -0.2f};
static const float full_min[3] = {0.0f, -1.0f, 10.0f}, full_max[3] = {1.0f, 1.0f, 20.0f};
static const char *const full_names[2] = {"no", "yes"};                          /* 7 bytes: 1 padding */
static float deep_k1[8 * 4], deep_b1[8], deep_k2[6 * 8], deep_k3[3 * 6], deep_b3[3], deep_k4[1 * 3], deep_b4[1];
static const float deep_mean[4] = {5.8f, 3.0f, 3.7f, 1.2f}, deep_std[4] = {0.8f, 0.4f, 1.7f, 0.7f};
static const char *const deep_names[2] = {"versicolor", "virginica"};
static const float relu6_k[3 * 2] = {4.0f, 1.0f, -3.0f, 2.0f, 1.0f, 1.0f};          /* (3, 2) */
static const float prelu_k1[3 * 2] = {1.0f, -1.0f, -2.0f, 0.5f, 0.25f, 3.0f};       /* (3, 2) */
static const float prelu_a1[3] = {0.1f, -0.5f, 2.0f}, prelu_k2[1 * 3] = {1.0f, 1.0f, 1.0f};

/* Quantized models, integers written by hand. Q16: 3 -> 4 tanh (bias) -> 2 softmax. */
static const int32_t q16_k1[4 * 3] = {65536, -32768, 16384, -98304, 131072, 0, 7, -7, 65535, 300000, -300000, 1};
static const int32_t q16_b1[4] = {6554, -6554, 0, 65536};
static const int32_t q16_k2[2 * 4] = {65536, 65536, -65536, 0, -131072, 32768, 32768, 65536};

/* int8: 3 -> 4 sigmoid through a LUT (bias) -> 3 relu as a clamp -> 2 softmax through an exp table.
 * The aux record from docs/format.md ("int8 quantization record"), offsets written out here again. */
enum {
    S8_IN_SCALE = 0, S8_IN_ZP = 4, S8_Z_SCALE = 8, S8_Z_ZP = 12, S8_OUT_SCALE = 16, S8_OUT_ZP = 20,
    S8_ACT_MIN = 24, S8_ACT_MAX = 28, S8_KIND = 32, S8_RESERVED = 36, S8_HDR = 40
};
static const int8_t s8_k1[4 * 3] = {127, -127, 5, 0, 64, -64, -1, 1, 100, 20, -30, 40};
static const int32_t s8_b1[4] = {1000, -1000, 0, 32000};
static const int8_t s8_k2[3 * 4] = {10, -20, 30, -40, 50, -60, 70, -80, 90, -100, 110, -120};
static const int8_t s8_k3[2 * 3] = {127, 0, -127, -5, 5, 50};
static uint8_t s8_aux1[S8_HDR + 12 * 4 + 256], s8_aux2[S8_HDR + 12 * 3], s8_aux3[S8_HDR + 12 * 2 + 512];

/* One aux record: header, multipliers 0.75 * 2^(-k), shifts, weight scales, then the table. */
static void make_s8_aux(uint8_t *a, uint16_t n_out, float in_scale, int32_t in_zp, float z_scale, int32_t z_zp,
                        float out_scale, int32_t out_zp, uint32_t kind) {
    uint32_t j;
    wrf32(a + S8_IN_SCALE, in_scale);
    wr32(a + S8_IN_ZP, (uint32_t)in_zp);
    wrf32(a + S8_Z_SCALE, z_scale);
    wr32(a + S8_Z_ZP, (uint32_t)z_zp);
    wrf32(a + S8_OUT_SCALE, out_scale);
    wr32(a + S8_OUT_ZP, (uint32_t)out_zp);
    wr32(a + S8_ACT_MIN, kind == 0 ? (uint32_t)out_zp : (uint32_t)-128);
    wr32(a + S8_ACT_MAX, 127);
    wr32(a + S8_KIND, kind);
    wr32(a + S8_RESERVED, 0);
    for (j = 0; j < n_out; j++) {
        wr32(a + S8_HDR + 4 * j, 1610612736u);                   /* 0.75 */
        wr32(a + S8_HDR + 4 * (n_out + j), (uint32_t)-(int32_t)(6 + j)); /* * 2^-(6 + j) */
        wrf32(a + S8_HDR + 4 * (2 * n_out + j), 0.01f * (float)(j + 1));
    }
    if (kind == 1) {
        for (j = 0; j < 256; j++) a[S8_HDR + 12 * n_out + j] = (uint8_t)(int8_t)((int)j / 2 - 128);
    } else if (kind == 2) {
        for (j = 0; j < 256; j++) {
            uint32_t e = (uint32_t)(32768.0 * exp(-(double)j * (double)z_scale) + 0.5);
            a[S8_HDR + 12 * n_out + 2 * j] = (uint8_t)e;
            a[S8_HDR + 12 * n_out + 2 * j + 1] = (uint8_t)(e >> 8);
        }
    }
}

static void fill(float *x, size_t n, float scale) {
    size_t i;
    for (i = 0; i < n; i++) x[i] = scale * (float)((int)((i * 7919u) % 17u) - 8) / 8.0f;
}

static void set_layer(anne_layer *l, anne_activation act, uint16_t n_in, uint16_t n_out, const float *k,
                      const float *b) {
    memset(l, 0, sizeof *l);
    l->kind = ANNE_LAYER_DENSE;
    l->dtype = ANNE_DTYPE_F32;
    l->activation = act;
    l->n_in = n_in;
    l->n_out = n_out;
    l->kernel = k;
    l->bias = b;
    if (act == ANNE_ACT_RELU) l->param[1] = INFINITY;
}

/* Writes model `which` into a fresh heap buffer of exactly its size. */
static uint8_t *make_model(int which, size_t *size) {
    anne_model_desc d;
    anne_layer l[4];
    uint8_t *buf;
    memset(&d, 0, sizeof d);
    d.layers = l;
    switch (which) {
    case MODEL_TINY: /* 4 -> 1 sigmoid: no bias, no scaling, no names */
        set_layer(&l[0], ANNE_ACT_SIGMOID, 4, 1, tiny_k, NULL);
        d.n_inputs = 4;
        d.n_layers = 1;
        break;
    case MODEL_FULL: /* 3 -> 2 softmax with bias, min-max scaling, class names and a name */
        set_layer(&l[0], ANNE_ACT_SOFTMAX, 3, 2, full_k, full_b);
        d.n_inputs = 3;
        d.n_layers = 1;
        d.name = "full";
        d.scaling.kind = ANNE_SCALING_MINMAX;
        d.scaling.a = full_min;
        d.scaling.b = full_max;
        d.n_classes = 2;
        d.class_names = full_names;
        break;
    case MODEL_DEEP: /* 4 -> 8 -> 6 -> 3 -> 1, standardized, mixed biases */
        fill(deep_k1, 32, 1.0f), fill(deep_b1, 8, 0.1f), fill(deep_k2, 48, 0.7f);
        fill(deep_k3, 18, 1.3f), fill(deep_b3, 3, -0.2f), fill(deep_k4, 3, 2.0f), fill(deep_b4, 1, 0.3f);
        set_layer(&l[0], ANNE_ACT_RELU, 4, 8, deep_k1, deep_b1);
        set_layer(&l[1], ANNE_ACT_LEAKY_RELU, 8, 6, deep_k2, NULL);
        l[1].param[0] = 0.01f;
        set_layer(&l[2], ANNE_ACT_TANH, 6, 3, deep_k3, deep_b3);
        set_layer(&l[3], ANNE_ACT_SIGMOID, 3, 1, deep_k4, deep_b4);
        d.n_inputs = 4;
        d.n_layers = 4;
        d.name = "iris_like_deep_model";
        d.scaling.kind = ANNE_SCALING_STANDARDIZE;
        d.scaling.a = deep_mean;
        d.scaling.b = deep_std;
        d.n_classes = 2;
        d.class_names = deep_names;
        break;
    case MODEL_PRELU: /* 2 -> 3 prelu (per-unit alphas) without bias -> 1 linear: act data then weights */
        set_layer(&l[0], ANNE_ACT_PRELU, 2, 3, prelu_k1, NULL);
        l[0].act_data = prelu_a1;
        set_layer(&l[1], ANNE_ACT_LINEAR, 3, 1, prelu_k2, full_b);
        d.n_inputs = 2;
        d.n_layers = 2;
        break;
    case MODEL_Q16:
        set_layer(&l[0], ANNE_ACT_TANH, 3, 4, NULL, NULL);
        l[0].kernel = q16_k1;
        l[0].bias = q16_b1;
        set_layer(&l[1], ANNE_ACT_SOFTMAX, 4, 2, NULL, NULL);
        l[1].kernel = q16_k2;
        l[0].dtype = l[1].dtype = ANNE_DTYPE_Q16;
        d.n_inputs = 3;
        d.n_layers = 2;
        d.name = "q16";
        break;
    case MODEL_S8:
        make_s8_aux(s8_aux1, 4, 0.05f, -3, 0.08f, 2, 1.0f / 255.0f, -128, 1);
        make_s8_aux(s8_aux2, 3, 1.0f / 255.0f, -128, 0.02f, -128, 0.02f, -128, 0);
        make_s8_aux(s8_aux3, 2, 0.02f, -128, 0.1f, 10, 1.0f / 256.0f, -128, 2);
        set_layer(&l[0], ANNE_ACT_SIGMOID, 3, 4, NULL, NULL);
        l[0].kernel = s8_k1;
        l[0].bias = s8_b1;
        l[0].aux = s8_aux1;
        l[0].aux_size = sizeof s8_aux1;
        set_layer(&l[1], ANNE_ACT_RELU, 4, 3, NULL, NULL);
        l[1].kernel = s8_k2;
        l[1].aux = s8_aux2;
        l[1].aux_size = sizeof s8_aux2;
        set_layer(&l[2], ANNE_ACT_SOFTMAX, 3, 2, NULL, NULL);
        l[2].kernel = s8_k3;
        l[2].aux = s8_aux3;
        l[2].aux_size = sizeof s8_aux3;
        l[0].dtype = l[1].dtype = l[2].dtype = ANNE_DTYPE_S8;
        d.n_inputs = 3;
        d.n_layers = 3;
        d.scaling.kind = ANNE_SCALING_MINMAX;
        d.scaling.a = full_min;
        d.scaling.b = full_max;
        break;
    default: /* 2 -> 3 relu6 without bias, named only */
        set_layer(&l[0], ANNE_ACT_RELU, 2, 3, relu6_k, NULL);
        l[0].param[1] = 6.0f;
        d.n_inputs = 2;
        d.n_layers = 1;
        d.name = "r6";
        break;
    }
    assert_int_equal(anne_model_write(&d, NULL, 0, size), ANNE_OK);
    buf = malloc(*size);
    assert_non_null(buf);
    assert_int_equal(anne_model_write(&d, buf, *size, size), ANNE_OK);
    return buf;
}

/* Copies n bytes into a heap buffer of exactly n bytes (malloc's alignment is at least 4). */
static uint8_t *exact_copy(const uint8_t *src, size_t n) {
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n) memcpy(p, src, n);
    return p;
}

static int is_zeroed(const anne_model *m) {
    anne_model zero;
    memset(&zero, 0, sizeof zero);
    return memcmp(m, &zero, sizeof zero) == 0;
}

/* Loads bytes from an exact-size copy; on failure checks the model is left zeroed. */
static anne_status load_exact(anne_model *m, const uint8_t *src, size_t n) {
    uint8_t *p = exact_copy(src, n);
    anne_status st;
    memset(m, 0xA5, sizeof *m);
    st = anne_model_load(m, p, n);
    if (st != ANNE_OK) assert_true(is_zeroed(m));
    free(p);
    return st;
}

/* Exercises a model that loaded: every layer decodes, class names are walked, and prediction in
 * an arena of exactly anne_model_arena_size() bytes on the heap returns OK. */
static void run_loaded(const anne_model *m) {
    uint32_t arena_size = anne_model_arena_size(m);
    float *in = malloc((size_t)m->n_inputs * sizeof *in);
    float *out = malloc((size_t)m->n_outputs * sizeof *out);
    void *arena = malloc(arena_size ? arena_size : 1);
    uint16_t i;
    assert_true(in && out && arena);
    assert_true(arena_size > 0 && arena_size % 4 == 0);
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        assert_int_equal(anne_model_layer(m, i, &l), ANNE_OK);
    }
    for (i = 0; i < m->n_classes; i++) assert_non_null(anne_model_class_name(m, i));
    assert_non_null(m->name);
    for (i = 0; i < m->n_inputs; i++) in[i] = (float)i * 0.5f - 1.0f;
    assert_int_equal(anne_model_predict(m, out, in, arena, arena_size), ANNE_OK);
    free(in);
    free(out);
    free(arena);
}

/* Loads a mutated model from the heap and, when it loads, runs it. */
static anne_status load_and_run(const uint8_t *src, size_t n) {
    uint8_t *p = exact_copy(src, n);
    anne_model m;
    anne_status st = anne_model_load(&m, p, n);
    if (st == ANNE_OK) run_loaded(&m);
    else assert_true(is_zeroed(&m));
    free(p);
    return st;
}

/* The annotated example of docs/format.md ("A tiny model, byte by byte"), every field checked by
 * hand against the specification: the writer must produce exactly these bytes, so a change to the
 * layout cannot go unnoticed by the document. */
static const uint8_t tiny_golden[192] = {
    0x41, 0x4e, 0x4e, 0x45, 0x01, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x13, 0xdf, 0x15, 0x6c, /* header */
    0x05, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, /* GRAPH at 80, 60 bytes */
    0x03, 0x00, 0x00, 0x00, 0x8c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, /* SCALING at 140, 20 */
    0x04, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, /* CLASSES at 160, 12 */
    0x05, 0x00, 0x00, 0x00, 0xac, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, /* NAME at 172, 8 */
    0x02, 0x00, 0x00, 0x00, 0xb4, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, /* WEIGHTS at 180, 12 */
    0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,                         /* 2 inputs, 1 layer */
    0x01, 0x00, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00,                         /* dense f32 sigmoid bias 2->1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* param[3] */
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, /* kernel 0+8, bias 8+4 */
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* aux 0, 0 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                         /* act data 0, 0 */
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, /* standardize, mean 1 2 */
    0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x40,                         /* std 0.5 4 */
    0x02, 0x00, 0x00, 0x00, 0x6e, 0x6f, 0x00, 0x79, 0x65, 0x73, 0x00, 0x00, /* 2 classes "no" "yes" */
    0x74, 0x69, 0x6e, 0x79, 0x00, 0x00, 0x00, 0x00,                         /* "tiny" */
    0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x3e, /* kernel 1.5 -2, bias 0.25 */
};

static void test_golden_bytes(void **state) {
    static const float k[2] = {1.5f, -2.0f}, b[1] = {0.25f}, mean[2] = {1.0f, 2.0f}, sd[2] = {0.5f, 4.0f};
    static const char *const names[2] = {"no", "yes"};
    anne_layer l;
    anne_model_desc d;
    anne_model m;
    uint32_t buf[64];
    size_t n;
    float in[2] = {2.0f, 6.0f}, out[1], arena[3];
    (void)state;
    memset(&d, 0, sizeof d);
    set_layer(&l, ANNE_ACT_SIGMOID, 2, 1, k, b);
    d.name = "tiny";
    d.n_inputs = 2;
    d.n_layers = 1;
    d.layers = &l;
    d.scaling.kind = ANNE_SCALING_STANDARDIZE;
    d.scaling.a = mean;
    d.scaling.b = sd;
    d.n_classes = 2;
    d.class_names = names;
    assert_int_equal(anne_model_write(&d, buf, sizeof buf, &n), ANNE_OK);
    assert_int_equal(n, sizeof tiny_golden);
    assert_memory_equal(buf, tiny_golden, sizeof tiny_golden);
    assert_int_equal(load_exact(&m, tiny_golden, sizeof tiny_golden), ANNE_OK);
    assert_int_equal(anne_model_load(&m, buf, n), ANNE_OK);
    assert_int_equal(anne_model_arena_size(&m), 12);
    /* sigmoid(1.5 * (2 - 1) / 0.5 - 2 * (6 - 2) / 4 + 0.25) = sigmoid(1.25) = 0.777299861... */
    assert_int_equal(anne_model_predict(&m, out, in, arena, sizeof arena), ANNE_OK);
    assert_float_equal(out[0], 0.7772998611746911, 1e-7);
}

/* ------------------------------------------------------------------------------------------------
 * Systematic mutations.
 * ---------------------------------------------------------------------------------------------- */

/* The CRC is zlib's: the standard check value of "123456789" is 0xCBF43926. */
static void test_crc32_check_value(void **state) {
    (void)state;
    assert_int_equal(anne_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(anne_crc32(anne_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    assert_int_equal(anne_crc32(0, "", 0), 0u);
}

/* Every valid model loads from an exact-size buffer and runs; the writer's CRC is the documented one. */
static void test_valid_models_load(void **state) {
    int w;
    (void)state;
    for (w = 0; w < MODEL_COUNT; w++) {
        size_t n;
        uint8_t *b = make_model(w, &n);
        uint32_t crc = rd32(b + HDR_CRC);
        fix_crc(b);
        assert_int_equal(rd32(b + HDR_CRC), crc);
        assert_int_equal(rd32(b + HDR_FILE_SIZE), n);
        assert_int_equal(load_and_run(b, n), ANNE_OK);
        free(b);
    }
}

/* Truncated at every length: TRUNCATED (and the model zeroed); only the full size loads. */
static void test_truncate_every_length(void **state) {
    int w;
    (void)state;
    for (w = 0; w < MODEL_COUNT; w++) {
        size_t n, len;
        uint8_t *b = make_model(w, &n);
        anne_model m;
        for (len = 0; len < n; len++) {
            anne_status st = load_exact(&m, b, len);
            if (st != ANNE_ERR_TRUNCATED) fail_msg("model %d cut to %zu of %zu bytes: status %d", w, len, n, st);
        }
        assert_int_equal(load_exact(&m, b, n), ANNE_OK);
        free(b);
    }
}

/* Every byte flipped (XOR 0xFF and XOR 0x01), CRC not repaired: always refused. */
static void test_flip_every_byte(void **state) {
    static const uint8_t masks[2] = {0xFF, 0x01};
    int w, k;
    (void)state;
    for (w = 0; w < MODEL_COUNT; w++) {
        size_t n, i;
        uint8_t *b = make_model(w, &n);
        for (k = 0; k < 2; k++) {
            for (i = 0; i < n; i++) {
                anne_model m;
                anne_status st;
                b[i] ^= masks[k];
                st = load_exact(&m, b, n);
                b[i] ^= masks[k];
                if (st == ANNE_OK) fail_msg("model %d, byte %zu ^ 0x%02x: loaded", w, i, masks[k]);
                /* past the magic and the major version, the CRC or the size checks must tell */
                if (i >= HDR_MINOR) {
                    assert_true(st == ANNE_ERR_CHECKSUM || st == ANNE_ERR_TRUNCATED || st == ANNE_ERR_BAD_SECTION);
                }
            }
        }
        free(b);
    }
}

/* Every byte flipped with the CRC repaired, so the structural checks are reached: never a crash;
 * what still loads must run in its own arena size. */
static void test_flip_every_byte_crc_fixed(void **state) {
    static const uint8_t masks[2] = {0xFF, 0x01};
    int w, k;
    size_t loaded = 0, refused = 0;
    (void)state;
    for (w = 0; w < MODEL_COUNT; w++) {
        size_t n, i;
        uint8_t *b = make_model(w, &n);
        uint8_t *orig = exact_copy(b, n);
        for (k = 0; k < 2; k++) {
            for (i = 0; i < n; i++) {
                if (i >= HDR_CRC && i < HDR_CRC + 4) continue; /* repairing would undo the flip */
                b[i] ^= masks[k];
                fix_crc_n(b, n);
                if (load_and_run(b, n) == ANNE_OK) loaded++;
                else refused++;
                memcpy(b, orig, n);
            }
        }
        free(orig);
        free(b);
    }
    print_message("flips with repaired CRC: %zu loaded (weights, parameters, names), %zu refused\n", loaded,
                  refused);
    assert_true(refused > 0 && loaded > 0);
}

/* Random multi-byte mutations with the CRC repaired (deterministic seed): never a crash. */
static void test_random_mutations_crc_fixed(void **state) {
    static const uint8_t values[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x7F, 0x80, 0xFE, 0xFF, 0x2C, 0x10};
    uint32_t seed = 12345u;
    int w, iter;
    (void)state;
    for (w = 0; w < MODEL_COUNT; w++) {
        size_t n;
        uint8_t *b = make_model(w, &n);
        uint8_t *orig = exact_copy(b, n);
        for (iter = 0; iter < 4000; iter++) {
            int k, changes;
            seed = seed * 1103515245u + 12345u;
            changes = 1 + (int)((seed >> 16) % 4u);
            for (k = 0; k < changes; k++) {
                size_t at;
                seed = seed * 1103515245u + 12345u;
                at = (seed >> 8) % n;
                seed = seed * 1103515245u + 12345u;
                b[at] = values[(seed >> 16) % sizeof values];
            }
            fix_crc_n(b, n);
            (void)load_and_run(b, n);
            memcpy(b, orig, n);
        }
        free(orig);
        free(b);
    }
}

/* ------------------------------------------------------------------------------------------------
 * Hand-made hostile files, each with the exact status it must get. The CRC is repaired after each
 * edit so that the check under test is the one that fires.
 * ---------------------------------------------------------------------------------------------- */

typedef void (*edit_fn)(uint8_t *b, size_t n);

static void expect_edit(int which, edit_fn edit, anne_status expected, const char *what) {
    size_t n;
    uint8_t *b = make_model(which, &n);
    anne_model m;
    anne_status st;
    edit(b, n);
    fix_crc_n(b, n);
    st = load_exact(&m, b, n);
    if (st != expected) {
        fail_msg("%s: got %d (%s), expected %d (%s)", what, st, anne_status_str(st), expected,
                 anne_status_str(expected));
    }
    free(b);
}
#define EXPECT_EDIT(which, fn, status) expect_edit(which, fn, status, #fn)

static void e_major_newer(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_MAJOR, ANNE_FORMAT_GRAPH_MAJOR + 1); }
/* a dense chain labelled as a graph model (2.0): its GRAPH section is not a 2.0 section */
static void e_major_graph(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_MAJOR, ANNE_FORMAT_GRAPH_MAJOR); }
static void e_major_zero(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_MAJOR, 0); }
static void e_magic(uint8_t *b, size_t n) { (void)n; b[3] = 'X'; }
static void e_file_size_larger(uint8_t *b, size_t n) { wr32(b + HDR_FILE_SIZE, (uint32_t)n + 4); }
static void e_file_size_huge(uint8_t *b, size_t n) { (void)n; wr32(b + HDR_FILE_SIZE, 0xFFFFFFFCu); }
static void e_file_size_unaligned(uint8_t *b, size_t n) { wr32(b + HDR_FILE_SIZE, (uint32_t)n - 1); }
static void e_file_size_tiny(uint8_t *b, size_t n) { (void)n; wr32(b + HDR_FILE_SIZE, 16); }
static void e_header_reserved(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_RESERVED, 1); }
static void e_n_sections_zero(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_N_SECTIONS, 0); }
static void e_n_sections_17(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_N_SECTIONS, 17); }
static void e_n_sections_65535(uint8_t *b, size_t n) { (void)n; wr16(b + HDR_N_SECTIONS, 65535); }
static void e_sec_offset_past_end(uint8_t *b, size_t n) { wr32(b + sec_entry(b, SEC_WEIGHTS) + 4, (uint32_t)n + 4); }
static void e_sec_offset_wraps(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_WEIGHTS) + 4, 0xFFFFFFFCu); }
static void e_sec_size_past_end(uint8_t *b, size_t n) {
    uint32_t e = sec_entry(b, SEC_WEIGHTS);
    wr32(b + e + 8, rd32(b + e + 8) + 4); /* weights come last: one more word runs past the end */
    (void)n;
}
static void e_sec_size_wraps(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_WEIGHTS) + 8, 0xFFFFFFFFu); }
static void e_sec_misaligned(uint8_t *b, size_t n) {
    uint32_t e = sec_entry(b, SEC_NAME);
    wr32(b + e + 4, rd32(b + e + 4) + 2);
    wr32(b + e + 8, rd32(b + e + 8) - 2);
    (void)n;
}
static void e_sec_inside_table(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_NAME) + 4, 16); }
static void e_sec_overlap(uint8_t *b, size_t n) {
    /* the name section moved onto the end of the graph section */
    uint32_t g = sec_entry(b, SEC_GRAPH), e = sec_entry(b, SEC_NAME);
    wr32(b + e + 4, rd32(b + g + 4) + rd32(b + g + 8) - 4);
    (void)n;
}
static void e_sec_duplicate_graph(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_NAME), SEC_GRAPH); }
static void e_no_weights(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_WEIGHTS), 200); }
static void e_no_graph(uint8_t *b, size_t n) { (void)n; wr32(b + sec_entry(b, SEC_GRAPH), 6); }

static void e_graph_reserved(uint8_t *b, size_t n) { (void)n; wr32(sec_data(b, SEC_GRAPH) + 4, 1); }
static void e_n_layers_zero(uint8_t *b, size_t n) { (void)n; wr16(sec_data(b, SEC_GRAPH) + 2, 0); }
static void e_n_layers_huge(uint8_t *b, size_t n) { (void)n; wr16(sec_data(b, SEC_GRAPH) + 2, 65535); }
static void e_n_layers_more(uint8_t *b, size_t n) { (void)n; wr16(sec_data(b, SEC_GRAPH) + 2, 2); }
static void e_n_inputs_zero(uint8_t *b, size_t n) {
    (void)n;
    wr16(sec_data(b, SEC_GRAPH), 0);
    wr16(layer_rec(b, 0) + L_N_IN, 0);
}
static void e_kind_unknown(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_KIND] = 2; }
static void e_kind_zero(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_KIND] = 0; }
static void e_flags_reserved(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_FLAGS] |= 0x02; }
static void e_act_unknown(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_ACT] = ANNE_ACT_COUNT; }
static void e_act_255(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_ACT] = 255; }
static void e_param_nan(uint8_t *b, size_t n) { (void)n; wrf32(layer_rec(b, 0) + L_PARAM, NAN); }
static void e_param_inf(uint8_t *b, size_t n) { (void)n; wrf32(layer_rec(b, 0) + L_PARAM + 8, -INFINITY); }
static void e_relu_max_negative(uint8_t *b, size_t n) { (void)n; wrf32(layer_rec(b, 0) + L_PARAM + 4, -1.0f); }
static void e_dtype_q16(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_DTYPE] = ANNE_DTYPE_Q16; }
static void e_dtype_s8(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_DTYPE] = ANNE_DTYPE_S8; }
static void e_dtype_unknown(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_DTYPE] = 200; }
static void e_shape_absurd(uint8_t *b, size_t n) {
    /* 65535 x 65535 floats would be 16 GiB: refused from the sizes alone, nothing allocated */
    uint8_t *r = layer_rec(b, 0);
    (void)n;
    wr16(sec_data(b, SEC_GRAPH), 65535);
    wr16(r + L_N_IN, 65535);
    wr16(r + L_N_OUT, 65535);
    wr32(r + L_K_SIZE, 65535u * 65535u * 4u); /* wraps to 0xFFF80004 */
}
static void e_kernel_size_wraps(uint8_t *b, size_t n) {
    /* 32768 * 32768 * 4 = 2^32: a 32-bit product wraps to 0, which a careless check would accept */
    uint8_t *r = layer_rec(b, 0);
    (void)n;
    wr16(sec_data(b, SEC_GRAPH), 32768);
    wr16(r + L_N_IN, 32768);
    wr16(r + L_N_OUT, 32768);
    wr32(r + L_K_SIZE, 0);
}
static void e_kernel_size_wrong(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_K_SIZE, 12); }
static void e_kernel_off_past(uint8_t *b, size_t n) {
    (void)n;
    wr32(layer_rec(b, 0) + L_K_OFF, rd32(b + sec_entry(b, SEC_WEIGHTS) + 8));
}
static void e_kernel_off_huge(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_K_OFF, 0xFFFFFFF0u); }
static void e_kernel_off_misaligned(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_K_OFF, 2); }
static void e_bias_off_past(uint8_t *b, size_t n) {
    (void)n;
    wr32(layer_rec(b, 0) + L_B_OFF, rd32(b + sec_entry(b, SEC_WEIGHTS) + 8) - 4);
}
static void e_bias_without_flag(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_FLAGS] = 0; }
static void e_aux_nonzero(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_AUX_SIZE, 4); }
static void e_act_data_not_prelu(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_ACT_SIZE, 4); }
static void e_act_off_not_prelu(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_ACT_OFF, 4); }
static void e_prelu_act_size(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_ACT_SIZE, 8); }
static void e_prelu_act_past(uint8_t *b, size_t n) {
    (void)n;
    wr32(layer_rec(b, 0) + L_ACT_OFF, rd32(b + sec_entry(b, SEC_WEIGHTS) + 8) - 8);
}
static void e_prelu_act_misaligned(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 0) + L_ACT_OFF, 6); }
static void e_prelu_alpha_nan(uint8_t *b, size_t n) {
    (void)n;
    wrf32(sec_data(b, SEC_WEIGHTS) + rd32(layer_rec(b, 0) + L_ACT_OFF) + 8, NAN);
}
static void e_prelu_to_relu(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_ACT] = ANNE_ACT_LINEAR; }
static void e_layer_shape_chain(uint8_t *b, size_t n) {
    /* layer 2 claims 7 inputs after a layer of 8 units (kernel size kept consistent with 7) */
    uint8_t *r = layer_rec(b, 1);
    (void)n;
    wr16(r + L_N_IN, 7);
    wr32(r + L_K_SIZE, 7u * 6u * 4u);
}
static void e_kernel_nan(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_WEIGHTS) + 4, NAN); }
static void e_kernel_inf(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_WEIGHTS), INFINITY); }
static void e_bias_inf(uint8_t *b, size_t n) {
    (void)n;
    wrf32(sec_data(b, SEC_WEIGHTS) + rd32(layer_rec(b, 0) + L_B_OFF) + 4, -INFINITY);
}
static void e_std_zero(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_SCALING) + 4 + 4 * 4 + 8, 0.0f); }
static void e_std_negative(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_SCALING) + 4 + 4 * 4, -0.5f); }
static void e_mean_nan(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_SCALING) + 4, NAN); }
static void e_min_eq_max(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_SCALING) + 4 + 3 * 4 + 4, -1.0f); }
static void e_min_gt_max(uint8_t *b, size_t n) { (void)n; wrf32(sec_data(b, SEC_SCALING) + 4, 2.0f); }
static void e_scaling_kind_none(uint8_t *b, size_t n) { (void)n; wr32(sec_data(b, SEC_SCALING), 0); }
static void e_scaling_kind_unknown(uint8_t *b, size_t n) { (void)n; wr32(sec_data(b, SEC_SCALING), 3); }
static void e_scaling_size(uint8_t *b, size_t n) {
    (void)n;
    wr32(b + sec_entry(b, SEC_SCALING) + 8, rd32(b + sec_entry(b, SEC_SCALING) + 8) - 4);
}
static void e_classes_count(uint8_t *b, size_t n) { (void)n; wr32(sec_data(b, SEC_CLASSES), 3); }
static void e_classes_count_huge(uint8_t *b, size_t n) { (void)n; wr32(sec_data(b, SEC_CLASSES), 0xFFFFFFFFu); }
static void e_classes_unterminated(uint8_t *b, size_t n) {
    /* "no\0yes\0" + 1 padding byte: the last NUL and the padding overwritten */
    uint8_t *s = sec_data(b, SEC_CLASSES) + 4;
    (void)n;
    s[6] = 'x';
    s[7] = 'x';
}
static void e_classes_trailing(uint8_t *b, size_t n) { (void)n; sec_data(b, SEC_CLASSES)[4 + 7] = 'x'; }
static void e_classes_empty_name(uint8_t *b, size_t n) { (void)n; sec_data(b, SEC_CLASSES)[4] = 0; }
static void e_name_unterminated(uint8_t *b, size_t n) {
    uint8_t *s = sec_data(b, SEC_NAME);
    (void)n;
    memset(s, 'x', rd32(b + sec_entry(b, SEC_NAME) + 8));
}
static void e_name_empty(uint8_t *b, size_t n) { (void)n; sec_data(b, SEC_NAME)[0] = 0; }

static void test_hostile_header(void **state) {
    (void)state;
    EXPECT_EDIT(MODEL_FULL, e_magic, ANNE_ERR_BAD_MAGIC);
    EXPECT_EDIT(MODEL_FULL, e_major_newer, ANNE_ERR_VERSION);
    EXPECT_EDIT(MODEL_FULL, e_major_graph, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_major_zero, ANNE_ERR_VERSION);
    EXPECT_EDIT(MODEL_FULL, e_file_size_larger, ANNE_ERR_TRUNCATED);
    EXPECT_EDIT(MODEL_FULL, e_file_size_huge, ANNE_ERR_TRUNCATED);
    EXPECT_EDIT(MODEL_FULL, e_file_size_unaligned, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_file_size_tiny, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_header_reserved, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_n_sections_zero, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_n_sections_17, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_n_sections_65535, ANNE_ERR_BAD_SECTION);
}

static void test_hostile_sections(void **state) {
    (void)state;
    EXPECT_EDIT(MODEL_FULL, e_sec_offset_past_end, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_offset_wraps, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_size_past_end, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_size_wraps, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_misaligned, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_inside_table, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_overlap, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_sec_duplicate_graph, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_no_weights, ANNE_ERR_MISSING_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_no_graph, ANNE_ERR_MISSING_SECTION);
}

static void test_hostile_graph(void **state) {
    (void)state;
    EXPECT_EDIT(MODEL_FULL, e_graph_reserved, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_n_layers_zero, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_n_layers_huge, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_n_layers_more, ANNE_ERR_BAD_SECTION);
    EXPECT_EDIT(MODEL_FULL, e_n_inputs_zero, ANNE_ERR_SHAPE);
    EXPECT_EDIT(MODEL_FULL, e_kind_unknown, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_kind_zero, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_flags_reserved, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_act_unknown, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_FULL, e_act_255, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_FULL, e_param_nan, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_FULL, e_param_inf, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_RELU6, e_relu_max_negative, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_FULL, e_dtype_q16, ANNE_ERR_BAD_VALUE); /* float bits as Q16: rows too large */
    EXPECT_EDIT(MODEL_FULL, e_dtype_s8, ANNE_ERR_BAD_LAYER);  /* kernel size is 4 bytes per weight */
    EXPECT_EDIT(MODEL_FULL, e_dtype_unknown, ANNE_ERR_UNSUPPORTED_DTYPE);
    EXPECT_EDIT(MODEL_TINY, e_shape_absurd, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_TINY, e_kernel_size_wraps, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_kernel_size_wrong, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_TINY, e_kernel_off_past, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_kernel_off_huge, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_kernel_off_misaligned, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_bias_off_past, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_bias_without_flag, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_aux_nonzero, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_act_data_not_prelu, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_FULL, e_act_off_not_prelu, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_PRELU, e_prelu_act_size, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_PRELU, e_prelu_act_past, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_PRELU, e_prelu_act_misaligned, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_PRELU, e_prelu_to_relu, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_DEEP, e_layer_shape_chain, ANNE_ERR_SHAPE);
}

static void test_hostile_values(void **state) {
    (void)state;
    EXPECT_EDIT(MODEL_TINY, e_kernel_nan, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_TINY, e_kernel_inf, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_FULL, e_bias_inf, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_PRELU, e_prelu_alpha_nan, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_DEEP, e_std_zero, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_DEEP, e_std_negative, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_DEEP, e_mean_nan, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_FULL, e_min_eq_max, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_FULL, e_min_gt_max, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_FULL, e_scaling_kind_none, ANNE_ERR_BAD_SCALING);
    EXPECT_EDIT(MODEL_FULL, e_scaling_kind_unknown, ANNE_ERR_BAD_SCALING);
    EXPECT_EDIT(MODEL_FULL, e_scaling_size, ANNE_ERR_BAD_SCALING);
    EXPECT_EDIT(MODEL_FULL, e_classes_count, ANNE_ERR_BAD_CLASSES);
    EXPECT_EDIT(MODEL_FULL, e_classes_count_huge, ANNE_ERR_BAD_CLASSES);
    EXPECT_EDIT(MODEL_FULL, e_classes_unterminated, ANNE_ERR_BAD_CLASSES);
    EXPECT_EDIT(MODEL_FULL, e_classes_trailing, ANNE_ERR_BAD_CLASSES);
    EXPECT_EDIT(MODEL_FULL, e_classes_empty_name, ANNE_ERR_BAD_CLASSES);
    EXPECT_EDIT(MODEL_FULL, e_name_unterminated, ANNE_ERR_BAD_NAME);
    EXPECT_EDIT(MODEL_RELU6, e_name_empty, ANNE_ERR_BAD_NAME);
}

/* Rebuilds a model with one more section at the end (the table grows by one entry, every section
 * moves 12 bytes on) and a newer minor version: a newer writer's file this reader must still load. */
static uint8_t *add_section(const uint8_t *src, size_t n, uint32_t type, uint16_t minor, size_t *out_n) {
    uint32_t k = rd16(src + HDR_N_SECTIONS), i, data_size = 8;
    size_t total = n + SEC_ENTRY + data_size;
    uint8_t *b = calloc(total, 1);
    assert_non_null(b);
    memcpy(b, src, HDR_SIZE + k * SEC_ENTRY);
    memcpy(b + HDR_SIZE + (k + 1) * SEC_ENTRY, src + HDR_SIZE + k * SEC_ENTRY, n - HDR_SIZE - k * SEC_ENTRY);
    for (i = 0; i < k; i++) wr32(b + HDR_SIZE + i * SEC_ENTRY + 4, rd32(b + HDR_SIZE + i * SEC_ENTRY + 4) + SEC_ENTRY);
    wr32(b + HDR_SIZE + k * SEC_ENTRY, type);
    wr32(b + HDR_SIZE + k * SEC_ENTRY + 4, (uint32_t)(n + SEC_ENTRY));
    wr32(b + HDR_SIZE + k * SEC_ENTRY + 8, data_size);
    memcpy(b + n + SEC_ENTRY, "future!", 8);
    wr16(b + HDR_N_SECTIONS, (uint16_t)(k + 1));
    wr16(b + HDR_MINOR, minor);
    wr32(b + HDR_FILE_SIZE, (uint32_t)total);
    fix_crc(b);
    *out_n = total;
    return b;
}

/* A newer minor version with an unknown section loads and predicts as the original; a newer major
 * version of the same bytes is refused. */
/* PReLU: one alpha per unit, read from the layer's act data (hand-computed: x = (1, 2) gives
 * z = (-1, -1, 6.25), prelu -> (-0.1, 0.5, 6.25), sum + 0.1 = 6.75); the writer needs the alphas. */
/* ---- quantized layers ---- */
static uint8_t *weights_of(uint8_t *b) { return sec_data(b, SEC_WEIGHTS); }
static uint8_t *aux_of(uint8_t *b, uint32_t layer) { return weights_of(b) + rd32(layer_rec(b, layer) + L_AUX_OFF); }
static void e_q16_row_too_large(uint8_t *b, size_t n) { /* |w| sum of row 0 above 2^31 */
    (void)n;
    wr32(weights_of(b) + rd32(layer_rec(b, 0) + L_K_OFF), 0x7FFFFFFFu);
    wr32(weights_of(b) + rd32(layer_rec(b, 0) + L_K_OFF) + 4, 0x80000000u);
}
static void e_q16_row_at_limit(uint8_t *b, size_t n) { /* |INT32_MIN| + 0 + 0 = 2^31 exactly: allowed */
    uint8_t *k = weights_of(b) + rd32(layer_rec(b, 0) + L_K_OFF);
    (void)n;
    wr32(k, 0x80000000u), wr32(k + 4, 0), wr32(k + 8, 0);
}
static void e_q16_aux(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 1) + L_AUX_SIZE, 4); }
static void e_q16_mixed(uint8_t *b, size_t n) { (void)n; layer_rec(b, 1)[L_DTYPE] = ANNE_DTYPE_F32; }
static void e_s8_weight_m128(uint8_t *b, size_t n) {
    (void)n;
    weights_of(b)[rd32(layer_rec(b, 1) + L_K_OFF) + 5] = 0x80;
}
static void e_s8_bias_limit(uint8_t *b, size_t n) { /* INT32_MAX - 3 * 127 * 255 + 1 */
    (void)n;
    wr32(weights_of(b) + rd32(layer_rec(b, 0) + L_B_OFF) + 4, 0x7FFFFFFFu - 3u * 127u * 255u + 1u);
}
static void e_s8_bias_at_limit(uint8_t *b, size_t n) {
    (void)n;
    wr32(weights_of(b) + rd32(layer_rec(b, 0) + L_B_OFF) + 4, (uint32_t)-(int32_t)(0x7FFFFFFF - 3 * 127 * 255));
}
static void e_s8_aux_size(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 1) + L_AUX_SIZE, S8_HDR + 12 * 3 - 4); }
static void e_s8_aux_none(uint8_t *b, size_t n) {
    (void)n;
    wr32(layer_rec(b, 1) + L_AUX_SIZE, 0), wr32(layer_rec(b, 1) + L_AUX_OFF, 0);
}
static void e_s8_aux_misaligned(uint8_t *b, size_t n) {
    (void)n;
    wr32(layer_rec(b, 0) + L_AUX_OFF, rd32(layer_rec(b, 0) + L_AUX_OFF) + 2);
}
static void e_s8_aux_outside(uint8_t *b, size_t n) { (void)n; wr32(layer_rec(b, 2) + L_AUX_OFF, 0xFFFFFFF0u); }
static void e_s8_scale_zero(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 0) + S8_Z_SCALE, 0.0f); }
static void e_s8_scale_negative(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 0) + S8_Z_SCALE, -0.08f); }
static void e_s8_scale_nan(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 0) + S8_IN_SCALE, NAN); }
static void e_s8_wscale_inf(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 1) + S8_HDR + 4 * 7, INFINITY); }
static void e_s8_zp_range(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 0) + S8_Z_ZP, 128); }
static void e_s8_act_order(uint8_t *b, size_t n) {
    (void)n;
    wr32(aux_of(b, 1) + S8_ACT_MIN, 127), wr32(aux_of(b, 1) + S8_ACT_MAX, 0);
}
static void e_s8_kind_unknown(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_KIND, 3); }
static void e_s8_reserved(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_RESERVED, 1); }
static void e_s8_shift_31(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_HDR + 4 * 3, 31); }
static void e_s8_shift_m32(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_HDR + 4 * 4, (uint32_t)-32); }
static void e_s8_multiplier_negative(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_HDR, 0x80000000u); }
static void e_s8_chain(uint8_t *b, size_t n) { (void)n; wr32(aux_of(b, 1) + S8_IN_ZP, (uint32_t)-127); }
static void e_s8_softmax_scale(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 2) + S8_OUT_SCALE, 1.0f / 255.0f); }
static void e_s8_softmax_table(uint8_t *b, size_t n) { (void)n; aux_of(b, 2)[S8_HDR + 24] = 0xFF; }
static void e_s8_clamp_not_relu(uint8_t *b, size_t n) { (void)n; layer_rec(b, 1)[L_ACT] = ANNE_ACT_SIGMOID; }
static void e_s8_clamp_z_differs(uint8_t *b, size_t n) { (void)n; wrf32(aux_of(b, 1) + S8_Z_SCALE, 0.03f); }
static void e_s8_lut_softmax(uint8_t *b, size_t n) { (void)n; layer_rec(b, 0)[L_ACT] = ANNE_ACT_SOFTMAX; }
static void e_s8_softmax_kind(uint8_t *b, size_t n) { (void)n; layer_rec(b, 2)[L_ACT] = ANNE_ACT_SIGMOID; }

static void test_hostile_quantized(void **state) {
    (void)state;
    EXPECT_EDIT(MODEL_Q16, e_q16_row_too_large, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_Q16, e_q16_row_at_limit, ANNE_OK);
    EXPECT_EDIT(MODEL_Q16, e_q16_aux, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_Q16, e_q16_mixed, ANNE_ERR_UNSUPPORTED_DTYPE);
    EXPECT_EDIT(MODEL_S8, e_s8_weight_m128, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_bias_limit, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_bias_at_limit, ANNE_OK);
    EXPECT_EDIT(MODEL_S8, e_s8_aux_size, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_aux_none, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_aux_misaligned, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_aux_outside, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_scale_zero, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_scale_negative, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_scale_nan, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_wscale_inf, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_zp_range, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_act_order, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_kind_unknown, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_reserved, ANNE_ERR_BAD_LAYER);
    EXPECT_EDIT(MODEL_S8, e_s8_shift_31, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_shift_m32, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_multiplier_negative, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_chain, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_softmax_scale, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_softmax_table, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_clamp_not_relu, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_S8, e_s8_clamp_z_differs, ANNE_ERR_BAD_VALUE);
    EXPECT_EDIT(MODEL_S8, e_s8_lut_softmax, ANNE_ERR_BAD_ACTIVATION);
    EXPECT_EDIT(MODEL_S8, e_s8_softmax_kind, ANNE_ERR_BAD_ACTIVATION);
}

/* Arena of quantized models: the element size counts (s8: bytes, each buffer padded to 4). */
static void test_quantized_arena(void **state) {
    size_t n;
    uint8_t *b = make_model(MODEL_S8, &n);
    anne_model m;
    (void)state;
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(anne_model_arena_size(&m), 4 + 4); /* 3 -> 4: pad4(3) + pad4(4) is the widest pair */
    free(b);
    b = make_model(MODEL_Q16, &n);
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(anne_model_arena_size(&m), (3 + 4) * 4);
    free(b);
}

static void test_prelu_per_unit(void **state) {
    size_t n;
    uint8_t *b = make_model(MODEL_PRELU, &n);
    anne_model m;
    anne_layer l;
    float in[2] = {1.0f, 2.0f}, out[1], arena[8];
    anne_model_desc d;
    (void)state;
    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    assert_int_equal(anne_model_layer(&m, 0, &l), ANNE_OK);
    assert_non_null(l.act_data);
    assert_memory_equal(l.act_data, prelu_a1, sizeof prelu_a1);
    assert_int_equal(anne_model_layer(&m, 1, &l), ANNE_OK);
    assert_null(l.act_data);
    assert_int_equal(anne_model_predict(&m, out, in, arena, sizeof arena), ANNE_OK);
    assert_float_equal(out[0], 6.75, 1e-6);
    free(b);
    memset(&d, 0, sizeof d);
    set_layer(&l, ANNE_ACT_PRELU, 2, 3, prelu_k1, NULL);
    d.n_inputs = 2;
    d.n_layers = 1;
    d.layers = &l;
    assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_ERR_NULL_ARG);
}

static void test_forward_compatible_minor(void **state) {
    size_t n, n2;
    uint8_t *b = make_model(MODEL_DEEP, &n);
    uint8_t *b2 = add_section(b, n, 0x4242u, ANNE_FORMAT_MINOR + 1, &n2);
    anne_model m1, m2;
    float in[4] = {6.1f, 2.8f, 4.7f, 1.2f}, o1[1], o2[1], arena[16];
    (void)state;
    assert_int_equal(anne_model_load(&m1, b, n), ANNE_OK);
    assert_int_equal(load_and_run(b2, n2), ANNE_OK);
    assert_int_equal(anne_model_load(&m2, b2, n2), ANNE_OK);
    assert_int_equal(m2.format_minor, ANNE_FORMAT_MINOR + 1);
    assert_string_equal(m2.name, "iris_like_deep_model");
    assert_string_equal(anne_model_class_name(&m2, 1), "virginica");
    assert_int_equal(anne_model_predict(&m1, o1, in, arena, sizeof arena), ANNE_OK);
    assert_int_equal(anne_model_predict(&m2, o2, in, arena, sizeof arena), ANNE_OK);
    assert_memory_equal(o1, o2, sizeof o1);
    free(b2);

    /* the same file, but a second graph section instead of an unknown one: refused as a repeat */
    b2 = add_section(b, n, SEC_GRAPH, ANNE_FORMAT_MINOR + 1, &n2);
    assert_int_equal(load_exact(&m2, b2, n2), ANNE_ERR_BAD_SECTION);
    free(b2);
    b2 = add_section(b, n, 0x4242u, ANNE_FORMAT_MINOR, &n2);
    wr16(b2 + HDR_MAJOR, ANNE_FORMAT_GRAPH_MAJOR + 1); /* 2 is a graph model: 3 is unknown */
    fix_crc(b2);
    assert_int_equal(load_exact(&m2, b2, n2), ANNE_ERR_VERSION);
    free(b2);
    free(b);
}

/* Extra bytes after file_size are ignored (a flash partition is larger than the model). */
static void test_trailing_bytes_ignored(void **state) {
    size_t n;
    uint8_t *b = make_model(MODEL_FULL, &n);
    uint8_t *big = calloc(n + 64, 1);
    anne_model m;
    (void)state;
    assert_non_null(big);
    memcpy(big, b, n);
    memset(big + n, 0xEE, 64);
    assert_int_equal(load_exact(&m, big, n + 64), ANNE_OK);
    free(big);
    free(b);
}

/* Misaligned model bytes, NULL arguments, and predict with a short or misaligned arena. */
static void test_arguments(void **state) {
    size_t n;
    uint8_t *b = make_model(MODEL_DEEP, &n);
    uint8_t *shifted = malloc(n + 4);
    anne_model m, empty;
    anne_layer l;
    uint32_t arena_size;
    uint8_t *arena;
    float in[4] = {5.0f, 3.0f, 1.5f, 0.2f}, out[1], scaled[4];
    (void)state;
    assert_non_null(shifted);
    memcpy(shifted + 1, b, n);
    memset(&m, 0xA5, sizeof m);
    assert_int_equal(anne_model_load(&m, shifted + 1, n), ANNE_ERR_ALIGNMENT);
    assert_true(is_zeroed(&m));
    memcpy(shifted + 2, b, n);
    assert_int_equal(anne_model_load(&m, shifted + 2, n), ANNE_ERR_ALIGNMENT);
    free(shifted);

    assert_int_equal(anne_model_load(NULL, b, n), ANNE_ERR_NULL_ARG);
    memset(&m, 0xA5, sizeof m);
    assert_int_equal(anne_model_load(&m, NULL, n), ANNE_ERR_NULL_ARG);
    assert_true(is_zeroed(&m));

    assert_int_equal(anne_model_load(&m, b, n), ANNE_OK);
    /* 8 units next to 6 units is the widest adjacent pair (4+8, 8+6, 6+3, 3+1) */
    arena_size = anne_model_arena_size(&m);
    assert_int_equal(arena_size, (8 + 6) * 4);
    arena = malloc(arena_size + 1);
    assert_non_null(arena);
    assert_int_equal(anne_model_predict(&m, out, in, arena, arena_size - 1), ANNE_ERR_ARENA_TOO_SMALL);
    assert_int_equal(anne_model_predict(&m, out, in, arena + 1, arena_size), ANNE_ERR_ALIGNMENT);
    assert_int_equal(anne_model_predict(NULL, out, in, arena, arena_size), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_predict(&m, NULL, in, arena, arena_size), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_predict(&m, out, NULL, arena, arena_size), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_predict(&m, out, in, NULL, arena_size), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_predict(&m, out, in, arena, arena_size), ANNE_OK);
    assert_true(out[0] >= 0.0f && out[0] <= 1.0f);

    assert_int_equal(anne_model_layer(NULL, 0, &l), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_layer(&m, 0, NULL), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_layer(&m, 4, &l), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_model_scale_input(NULL, scaled, in), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_scale_input(&m, NULL, in), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_scale_input(&m, scaled, NULL), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_arena_size(NULL), 0);
    assert_null(anne_model_class_name(NULL, 0));
    assert_null(anne_model_class_name(&m, 2));

    /* a model that failed to load (zeroed) is refused, not run */
    memset(&empty, 0, sizeof empty);
    assert_int_equal(anne_model_predict(&empty, out, in, arena, arena_size), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_model_layer(&empty, 0, &l), ANNE_ERR_NULL_ARG);
    free(arena);
    free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_check_value),
        cmocka_unit_test(test_golden_bytes),
        cmocka_unit_test(test_valid_models_load),
        cmocka_unit_test(test_truncate_every_length),
        cmocka_unit_test(test_flip_every_byte),
        cmocka_unit_test(test_flip_every_byte_crc_fixed),
        cmocka_unit_test(test_random_mutations_crc_fixed),
        cmocka_unit_test(test_hostile_header),
        cmocka_unit_test(test_hostile_sections),
        cmocka_unit_test(test_hostile_graph),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_prelu_per_unit),
        cmocka_unit_test(test_hostile_quantized),
        cmocka_unit_test(test_quantized_arena),
        cmocka_unit_test(test_forward_compatible_minor),
        cmocka_unit_test(test_trailing_bytes_ignored),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
