/* Host helper for the emulated-board tests and benchmarks:
 *   anne_mcu_host csv2bin IN.csv OUT.bin      numeric CSV with a header row -> float32 rows (last column
 *                                              is the label, stored as a float too)
 *   anne_mcu_host models DIR                   synthetic benchmark models: dense_64x64 (one 64x64
 *                                              layer, linear), mlp_64_64_64_10 (relu, relu, softmax),
 *                                              dense_1x1 and dense_1x1_1x1 (one and two layers of
 *                                              one weight: their difference is a layer of one unit),
 *                                              dense_1x2 and dense_1x3 (one input, two and three
 *                                              units: their difference is the cost of a unit, the
 *                                              layer minus it a layer's own),
 *                                              dense_32x64 (with dense_64x64: the cost of a MAC);
 *                                              conv3x3_16x16x16 and depthwise3x3_16x16x16 (graph models
 *                                              of one op: a 3x3 'same' convolution of a (16, 16, 16)
 *                                              input to 16 channels, and a 3x3 'same' depthwise one,
 *                                              linear, with bias: the cost of a MAC in each kernel)
 *   anne_mcu_host s8models DIR                 the int8 graph benchmark models (anne_mcu_s8_models.c:
 *                                              ds_cnn_kws, conv3x3_16, dwconv3x3_64, pwconv_64)
 *   anne_mcu_host graph OUT.anne               the sample graph model (tests/sample_graph.h)
 *   anne_mcu_host embed MODEL.anne NAME OUT.c  C source with the model bytes, one input and the
 *                                              host's output for it, for ports/apps/bench_main.c,
 *                                              and for q16/int8 models the same as raw integers
 *                                              (scaled, quantized) for ports/apps/bench_raw.c;
 *                                              prints "macs=N format=F model_bytes=N arena_bytes=N
 *                                              activations=0xBITS graph=0|1" (ANNE_ACT_BIT of every
 *                                              layer's or op's activation: the ANNE_CONFIG_ACTIVATIONS it
 *                                              needs; graph=1 for a graph model, whose MACs are counted
 *                                              as `anne info` counts them)
 *   anne_mcu_host calib MODEL.anne OUT.csv     calibration rows for `anne quantize`: 256 raw inputs
 *                                              spread over three standard deviations (or the
 *                                              min-max range, or [-3, 3]) as the test vectors' random
 *                                              rows, from another PCG32 stream */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_mcu_s8_models.h"
#include "anne_quant.h"
#include "anne_train.h"
#include "sample_graph.h"

#define ANNE_BENCH_RAW_MAX 256 /* inputs and outputs of a raw-API benchmark model, at most */

static int anne__fail(const char *what, const char *path) {
    fprintf(stderr, "anne_mcu_host: %s %s%s%s\n", what, path, errno ? ": " : "", errno ? strerror(errno) : "");
    return 1;
}

static unsigned char *anne__slurp(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *size = (size_t)n;
    }
    fclose(f);
    return buf;
}

static int anne__spit(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    int ok;
    if (f == NULL) return anne__fail("cannot create", path);
    ok = fwrite(data, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : anne__fail("cannot write", path);
}

static int anne__csv2bin(const char *in, const char *out) {
    FILE *f = fopen(in, "r"), *o;
    char line[1024];
    int ok = 1, lineno = 1;
    if (f == NULL) return anne__fail("cannot open", in);
    o = fopen(out, "wb");
    if (o == NULL) {
        fclose(f);
        return anne__fail("cannot create", out);
    }
    if (fgets(line, sizeof line, f) == NULL) ok = 0; /* header */
    while (ok && fgets(line, sizeof line, f) != NULL) {
        char *p = line, *end;
        lineno++;
        if (strspn(line, " \r\n") == strlen(line)) continue;
        for (;;) {
            float v = strtof(p, &end);
            if (end == p) {
                fprintf(stderr, "anne_mcu_host: %s:%d: not a number: %s", in, lineno, p);
                ok = 0;
                break;
            }
            if (fwrite(&v, sizeof v, 1, o) != 1) ok = 0;
            p = end + strspn(end, " \t");
            if (*p != ',') break;
            p++;
        }
    }
    fclose(f);
    if (fclose(o) != 0) ok = 0;
    if (!ok) remove(out);
    return ok ? 0 : 1;
}

/* A model of dense layers with PCG32 weights, uniform in [-1/sqrt(n_in), 1/sqrt(n_in)). */
static int anne__synthetic(const char *dir, const char *name, const uint16_t *sizes, uint16_t n_layers,
                           const anne_activation *acts) {
    anne_layer layers[8];
    float *w[8] = {0}, *b[8] = {0};
    anne_model_desc d;
    anne_rng rng;
    char path[1024];
    void *buf = NULL;
    size_t size = 0;
    uint16_t l;
    uint32_t i;
    int rc = 1;
    memset(&d, 0, sizeof d);
    memset(layers, 0, sizeof layers);
    anne_rng_seed(&rng, 64u, 6u);
    for (l = 0; l < n_layers; l++) {
        uint32_t n = (uint32_t)sizes[l] * sizes[l + 1];
        float lim = 1.0f / sqrtf((float)sizes[l]);
        w[l] = malloc(n * sizeof(float));
        b[l] = malloc(sizes[l + 1] * sizeof(float));
        if (w[l] == NULL || b[l] == NULL) goto done;
        for (i = 0; i < n; i++) w[l][i] = lim * (2.0f * anne_rng_uniform(&rng) - 1.0f);
        for (i = 0; i < sizes[l + 1]; i++) b[l][i] = 0.1f * (2.0f * anne_rng_uniform(&rng) - 1.0f);
        layers[l].kind = ANNE_LAYER_DENSE;
        layers[l].dtype = ANNE_DTYPE_F32;
        layers[l].activation = acts[l];
        if (acts[l] == ANNE_ACT_RELU) layers[l].param[1] = INFINITY;
        layers[l].n_in = sizes[l];
        layers[l].n_out = sizes[l + 1];
        layers[l].kernel = w[l];
        layers[l].bias = b[l];
    }
    d.name = name;
    d.n_inputs = sizes[0];
    d.n_layers = n_layers;
    d.layers = layers;
    if (anne_model_write(&d, NULL, 0, &size) != ANNE_OK || (buf = malloc(size)) == NULL ||
        anne_model_write(&d, buf, size, &size) != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: cannot write the model %s\n", name);
        goto done;
    }
    snprintf(path, sizeof path, "%s/%s.anne", dir, name);
    rc = anne__spit(path, buf, size);
done:
    for (l = 0; l < n_layers; l++) {
        free(w[l]);
        free(b[l]);
    }
    free(buf);
    return rc;
}

/* A graph model of one windowed op over a (16, 16, 16) input: a 3x3 'same' convolution to 16 channels
 * (kernel (16, 3, 3, 16)) or a 3x3 'same' depthwise one (kernel (3, 3, 16)), stride 1, bias, linear;
 * PCG32 weights as anne__synthetic's. */
static int anne__window_model(const char *dir, const char *name, anne_op_kind kind) {
    anne_tensor t[2];
    anne_op op;
    anne_graph_desc d;
    anne_rng rng;
    char path[1024];
    uint32_t n_k = kind == ANNE_OP_CONV2D ? 16u * 9u * 16u : 9u * 16u, i, k;
    float *w = malloc((n_k + 16u) * sizeof(float)), lim = 1.0f / sqrtf((float)(n_k / 16u));
    void *buf = NULL;
    size_t size = 0;
    int rc = 1;
    if (w == NULL) return 1;
    anne_rng_seed(&rng, 64u, 6u);
    for (i = 0; i < n_k; i++) w[i] = lim * (2.0f * anne_rng_uniform(&rng) - 1.0f);
    for (; i < n_k + 16u; i++) w[i] = 0.1f * (2.0f * anne_rng_uniform(&rng) - 1.0f);
    memset(t, 0, sizeof t);
    for (k = 0; k < 2; k++) { /* (16, 16, 16) in and out, side by side in the arena */
        t[k].dtype = ANNE_DTYPE_F32;
        t[k].rank = 3;
        t[k].dims[0] = t[k].dims[1] = t[k].dims[2] = 16;
        t[k].dims[3] = 1;
        t[k].offset = k * 16u * 16u * 16u * 4u;
    }
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.activation = ANNE_ACT_LINEAR;
    op.n_inputs = 1;
    op.output = 1;
    op.attr[0] = op.attr[1] = 3;                /* kernel 3x3 */
    op.attr[2] = op.attr[3] = 1;                /* stride 1 */
    op.attr[4] = op.attr[5] = 1;                /* dilation 1 */
    op.attr[6] = op.attr[7] = 1;                /* 'same': one row and column of padding before */
    op.kernel = w;
    op.kernel_size = 4u * n_k;
    op.bias = w + n_k;
    op.bias_size = 4u * 16u;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.n_tensors = 2;
    d.tensors = t;
    d.n_ops = 1;
    d.ops = &op;
    d.arena_bytes = 2u * 16u * 16u * 16u * 4u;
    if (anne_graph_write(&d, NULL, 0, &size) != ANNE_OK || (buf = malloc(size)) == NULL ||
        anne_graph_write(&d, buf, size, &size) != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: cannot write the model %s\n", name);
    } else {
        snprintf(path, sizeof path, "%s/%s.anne", dir, name);
        rc = anne__spit(path, buf, size);
    }
    free(buf);
    free(w);
    return rc;
}

static int anne__models(const char *dir) {
    static const uint16_t d64[] = {64, 64}, d32[] = {32, 64}, mlp[] = {64, 64, 64, 10}, d1[] = {1, 1, 1},
                          d12[] = {1, 2}, d13[] = {1, 3};
    static const anne_activation lin[] = {ANNE_ACT_LINEAR, ANNE_ACT_LINEAR};
    static const anne_activation mlp_acts[] = {ANNE_ACT_RELU, ANNE_ACT_RELU, ANNE_ACT_SOFTMAX};
    int rc = anne__synthetic(dir, "dense_64x64", d64, 1, lin);
    /* dense_64x64 minus dense_32x64: 2048 MACs with the same 64 units, so the per-MAC cost alone */
    if (rc == 0) rc = anne__synthetic(dir, "dense_32x64", d32, 1, lin);
    if (rc == 0) rc = anne__synthetic(dir, "mlp_64_64_64_10", mlp, 3, mlp_acts);
    if (rc == 0) rc = anne__synthetic(dir, "dense_1x1", d1, 1, lin);
    if (rc == 0) rc = anne__synthetic(dir, "dense_1x1_1x1", d1, 2, lin); /* minus dense_1x1: a one-unit layer */
    /* dense_1x3 minus dense_1x2: one unit, on the kernels' path for the units left over from their
     * passes of two (M0+) or four (M33), the path of the one-unit layer above */
    if (rc == 0) rc = anne__synthetic(dir, "dense_1x2", d12, 1, lin);
    if (rc == 0) rc = anne__synthetic(dir, "dense_1x3", d13, 1, lin);
    /* one convolution and one depthwise convolution: cycles per MAC of those kernels */
    if (rc == 0) rc = anne__window_model(dir, "conv3x3_16x16x16", ANNE_OP_CONV2D);
    if (rc == 0) rc = anne__window_model(dir, "depthwise3x3_16x16x16", ANNE_OP_DEPTHWISE_CONV2D);
    return rc;
}

/* The sample graph model (format 2.0, tests/sample_graph.h) for the boards' vectors test. */
static int anne__graph(const char *path) {
    void *buf = NULL;
    size_t size = 0;
    int rc = anne_sample_graph(&buf, &size) == ANNE_OK ? anne__spit(path, buf, size) : 1;
    free(buf);
    return rc;
}

static void anne__floats(FILE *o, const char *decl, const float *v, uint32_t n) {
    uint32_t i;
    fprintf(o, "%s[%u] = {", decl, (unsigned)n);
    for (i = 0; i < n; i++) fprintf(o, "%s%af,", i % 6u == 0 ? "\n    " : " ", (double)v[i]);
    fprintf(o, "\n};\n");
}

/* The raw-API arrays of a q16 or int8 model (ports/apps/bench_raw.c): the input scaled and quantized
 * as anne_model_predict does it, and the output of anne_model_predict_q16/_s8 for it. */
static int anne__raw(FILE *o, const anne_model *m, const float *in, void *arena) {
    int32_t raw_in[ANNE_BENCH_RAW_MAX], raw_out[ANNE_BENCH_RAW_MAX];
    float scaled[ANNE_BENCH_RAW_MAX], in_scale = 1.0f, out_scale = 1.0f;
    int32_t in_zp = 0, out_zp = 0;
    int8_t s8_in[ANNE_BENCH_RAW_MAX], s8_out[ANNE_BENCH_RAW_MAX];
    int s8 = anne_model_dtype(m) == ANNE_DTYPE_S8;
    anne_status st;
    uint32_t i;
    if (m->n_inputs > ANNE_BENCH_RAW_MAX || m->n_outputs > ANNE_BENCH_RAW_MAX) {
        fprintf(stderr, "anne_mcu_host: embed: more than %d inputs or outputs\n", ANNE_BENCH_RAW_MAX);
        return 1;
    }
    st = anne_model_scale_input(m, scaled, in);
    if (st == ANNE_OK && s8) st = anne_model_s8_io(m, &in_scale, &in_zp, &out_scale, &out_zp);
    for (i = 0; st == ANNE_OK && i < m->n_inputs; i++) {
        s8_in[i] = anne_s8_quantize(scaled[i], in_scale, in_zp);
        raw_in[i] = s8 ? s8_in[i] : anne_q16_from_f32(scaled[i]);
    }
    if (st == ANNE_OK) {
        st = s8 ? anne_model_predict_s8(m, s8_out, s8_in, arena, m->arena_bytes)
                : anne_model_predict_q16(m, raw_out, raw_in, arena, m->arena_bytes);
    }
    if (st != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: embed: raw predict: %s\n", anne_status_str(st));
        return 1;
    }
    for (i = 0; s8 && i < m->n_outputs; i++) raw_out[i] = s8_out[i];
    /* Word-aligned, as an application's buffers usually are: the M0+ copies an int8 input into the
     * arena by words or by bytes depending on it, which moved the measured slope by 0.14 cycles/MAC. */
    fprintf(o, "__attribute__((aligned(4)))\nconst anne_bench_raw_t anne_bench_raw_input[%u] = {",
            (unsigned)m->n_inputs);
    for (i = 0; i < m->n_inputs; i++) fprintf(o, "%s%ld,", i % 8u == 0 ? "\n    " : " ", (long)raw_in[i]);
    fprintf(o, "\n};\nconst anne_bench_raw_t anne_bench_raw_expected[%u] = {", (unsigned)m->n_outputs);
    for (i = 0; i < m->n_outputs; i++) fprintf(o, "%s%ld,", i % 8u == 0 ? "\n    " : " ", (long)raw_out[i]);
    fprintf(o, "\n};\nanne_bench_raw_t anne_bench_raw_output[%u];\n", (unsigned)m->n_outputs);
    return 0;
}

/* A graph model's multiply-accumulates as `anne info` counts them (docs/cli.md): a Dense op's output
 * values times its inputs per row, a convolution's times kh * kw * in_c (depthwise: kh * kw), padding
 * positions included; a channel affine map one per value; and its ops' activations (ANNE_ACT_BIT). */
static uint32_t anne__graph_macs(const anne_model *m, uint32_t *acts) {
    uint32_t macs = 0;
    uint16_t k;
    for (k = 0; k < m->n_ops; k++) {
        anne_op op;
        anne_tensor in, out;
        uint32_t values;
        anne_model_op(m, k, &op);
        anne_model_tensor(m, op.inputs[0], &in);
        anne_model_tensor(m, op.output, &out);
        values = (uint32_t)out.dims[0] * out.dims[1] * out.dims[2] * out.dims[3];
        if (op.kind == ANNE_OP_DENSE) macs += values * in.dims[in.rank - 1u];
        if (op.kind == ANNE_OP_CONV2D) macs += values * op.attr[0] * op.attr[1] * in.dims[in.rank - 1u];
        if (op.kind == ANNE_OP_DEPTHWISE_CONV2D) macs += values * op.attr[0] * op.attr[1];
        if (op.kind == ANNE_OP_CHANNEL_AFFINE) macs += values;
        *acts |= ANNE_ACT_BIT(op.activation);
    }
    return macs;
}

/* The bench input: each raw input at its scaling's centre plus a PCG32 spread, as the tests do. */
static int anne__embed(const char *model_path, const char *name, const char *out) {
    size_t size = 0, i;
    unsigned char *bytes = anne__slurp(model_path, &size);
    void *aligned = NULL, *arena = NULL;
    float *in = NULL, *outv = NULL;
    anne_model m;
    anne_layer layer;
    anne_rng rng;
    anne_status st;
    FILE *o = NULL;
    int rc = 1;
    if (bytes == NULL) return anne__fail("cannot read", model_path);
    aligned = malloc(size + 4);
    if (aligned == NULL) goto done;
    memcpy(aligned, bytes, size);
    memset(&layer, 0, sizeof layer); /* a graph model has no layers: float32, layer.dtype F32 */
    st = anne_model_load(&m, aligned, size);
    if (st == ANNE_OK && m.op_table == NULL) st = anne_model_layer(&m, 0, &layer);
    if (st != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: %s: %s\n", model_path, anne_status_str(st));
        goto done;
    }
    in = malloc(m.n_inputs * sizeof(float));
    outv = malloc(m.n_outputs * sizeof(float));
    arena = malloc(m.arena_bytes + 4u);
    if (in == NULL || outv == NULL || arena == NULL) goto done;
    anne_rng_seed(&rng, 2025u, 6u);
    for (i = 0; i < m.n_inputs; i++) {
        float u = 2.0f * anne_rng_uniform(&rng) - 1.0f;
        float a = m.scaling.a ? m.scaling.a[i] : 0.0f, b = m.scaling.b ? m.scaling.b[i] : 1.0f;
        in[i] = m.scaling.kind == ANNE_SCALING_MINMAX ? a + (b - a) * (0.5f + 0.5f * u) : a + b * u;
    }
    st = anne_model_predict(&m, outv, in, arena, m.arena_bytes);
    if (st != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: predict: %s\n", anne_status_str(st));
        goto done;
    }
    o = fopen(out, "w");
    if (o == NULL) {
        anne__fail("cannot create", out);
        goto done;
    }
    fprintf(o, "/* Generated by anne_mcu_host embed from %s: do not edit. */\n", name);
    if (layer.dtype == ANNE_DTYPE_S8) fprintf(o, "#ifndef ANNE_BENCH_RAW_S8\n#define ANNE_BENCH_RAW_S8\n#endif\n");
    fprintf(o, "#include \"bench_model.h\"\n\n");
    fprintf(o, "const char anne_bench_name[] = \"%s\";\n", name);
    fprintf(o, "const uint32_t anne_bench_model_size = %uu;\n", (unsigned)size);
    fprintf(o, "const uint32_t anne_bench_arena_bytes = %uu;\n", (unsigned)m.arena_bytes);
    fprintf(o, "__attribute__((aligned(4), section(\".rodata.anne_bench_model\")))\n");
    fprintf(o, "const uint8_t anne_bench_model[%u] = {", (unsigned)size);
    for (i = 0; i < size; i++) fprintf(o, "%s0x%02x,", i % 16u == 0 ? "\n    " : " ", bytes[i]);
    fprintf(o, "\n};\n");
    anne__floats(o, "const float anne_bench_input", in, m.n_inputs);
    anne__floats(o, "const float anne_bench_expected", outv, m.n_outputs);
    if (layer.dtype != ANNE_DTYPE_F32 && anne__raw(o, &m, in, arena) != 0) {
        fclose(o);
        goto done;
    }
    fprintf(o, "const uint16_t anne_bench_n_outputs = %u;\n", (unsigned)m.n_outputs);
    fprintf(o, "float anne_bench_output[%u];\n", (unsigned)m.n_outputs);
    fprintf(o, "uint32_t anne_bench_arena[%u];\n", (unsigned)(m.arena_bytes / 4u + 1u));
    rc = fclose(o) == 0 ? 0 : anne__fail("cannot write", out);
    if (rc == 0) {
        uint32_t macs = 0, acts = 0;
        uint16_t l;
        static const char *const formats[] = {"f32", "q16", "s8"};
        for (l = 0; l < m.n_layers && anne_model_layer(&m, l, &layer) == ANNE_OK; l++) {
            macs += (uint32_t)layer.n_in * layer.n_out;
            acts |= ANNE_ACT_BIT(layer.activation);
        }
        if (m.op_table != NULL) macs = anne__graph_macs(&m, &acts);
        if (m.tensor_quant != NULL) layer.dtype = ANNE_DTYPE_S8; /* an int8 graph: float API only */
        printf("macs=%u format=%s model_bytes=%u arena_bytes=%u activations=0x%x graph=%d\n", (unsigned)macs,
               (unsigned)layer.dtype < 3u ? formats[layer.dtype] : "?", (unsigned)size, (unsigned)m.arena_bytes,
               (unsigned)acts, m.op_table != NULL);
    }
done:
    free(bytes);
    free(aligned);
    free(in);
    free(outv);
    free(arena);
    return rc;
}

/* Calibration data: the distribution of the test vectors' random rows (not their extreme rows, which
 * would stretch the int8 ranges far beyond the data a model sees). */
static int anne__calib(const char *model_path, const char *out) {
    size_t size = 0;
    unsigned char *bytes = anne__slurp(model_path, &size);
    void *aligned = NULL;
    anne_model m;
    anne_rng rng;
    FILE *o = NULL;
    uint32_t r, i;
    int rc = 1;
    if (bytes == NULL) return anne__fail("cannot read", model_path);
    aligned = malloc(size + 4);
    if (aligned == NULL) goto done;
    memcpy(aligned, bytes, size);
    if (anne_model_load(&m, aligned, size) != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: %s: not a model\n", model_path);
        goto done;
    }
    o = fopen(out, "w");
    if (o == NULL) {
        anne__fail("cannot create", out);
        goto done;
    }
    for (i = 0; i < m.n_inputs; i++) fprintf(o, "%sx%u", i ? "," : "", (unsigned)i);
    fprintf(o, "\n");
    anne_rng_seed(&rng, 2025u, 7u);
    for (r = 0; r < 256u; r++) {
        for (i = 0; i < m.n_inputs; i++) {
            float u = 2.0f * anne_rng_uniform(&rng) - 1.0f;
            float a = m.scaling.a ? m.scaling.a[i] : 0.0f, b = m.scaling.b ? m.scaling.b[i] : 1.0f;
            float x = m.scaling.kind == ANNE_SCALING_MINMAX ? a + (b - a) * (0.75f * u + 0.5f) : a + b * 3.0f * u;
            fprintf(o, "%s%.9g", i ? "," : "", (double)x);
        }
        fprintf(o, "\n");
    }
    rc = fclose(o) == 0 ? 0 : anne__fail("cannot write", out);
    if (rc != 0) remove(out);
done:
    free(bytes);
    free(aligned);
    return rc;
}

int main(int argc, char **argv) {
    errno = 0;
    if (argc == 4 && strcmp(argv[1], "csv2bin") == 0) return anne__csv2bin(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "models") == 0) return anne__models(argv[2]);
    if (argc == 3 && strcmp(argv[1], "s8models") == 0) return anne_mcu_s8_models(argv[2]);
    if (argc == 3 && strcmp(argv[1], "graph") == 0) return anne__graph(argv[2]);
    if (argc == 5 && strcmp(argv[1], "embed") == 0) return anne__embed(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "calib") == 0) return anne__calib(argv[2], argv[3]);
    fprintf(stderr, "usage: anne_mcu_host csv2bin IN.csv OUT.bin | models DIR | s8models DIR | graph OUT.anne | "
                    "embed MODEL.anne NAME OUT.c | calib MODEL.anne OUT.csv\n");
    return 2;
}
