/* ANNE JSON's graph form (docs/anne-json.md, "Graph models"): every TF.js graph model goes IR -> JSON ->
 * IR -> .anne to the very bytes IR -> .anne gives, and .anne -> JSON -> .anne too; the JSON's kernels
 * are Keras' own arrays (compared with the TF.js weight files, value by value); every op kind and the
 * odd windows (explicit padding, 'causal', a 2-axis window over a (steps, channels) tensor) survive the
 * round trip; the documented example predicts what is computed by hand in its comments; and bad
 * documents get a message naming the op, the setting and what was expected, never a crash. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_ir_graph.h"
#include "anne_json.h"
#include "anne_json_limits.h"
#include "anne_json_write.h"
#include "test_support.h"

#define GRAPH_DIR "tests/data/tfjs_graph"

static int parse(anne_ir *ir, const char *text, anne_error *err) {
    err->msg[0] = '\0';
    return anne_json_read(ir, text, strlen(text), "model.json", err);
}

static void serialize(const anne_ir *ir, unsigned char **bytes, size_t *size) {
    anne_error err;
    if (anne_ir_serialize(ir, bytes, size, &err) != 0) fail_msg("anne_ir_serialize: %s", err.msg);
}

/* The graph parts of two IRs are the same, bit for bit (names aside: .anne files have none, so the
 * writer makes them up). */
static const char *graph_diff(const anne_ir *a, const anne_ir *b) {
    size_t i;
    if (a->n_ops != b->n_ops || a->n_layers != 0 || b->n_layers != 0) return "the op count";
    if (a->n_inputs != b->n_inputs || a->scaling != b->scaling || a->n_classes != b->n_classes) return "the model";
    for (i = 0; i <= a->n_ops; i++) {
        if (!anne_ir_tensor_same(&a->tensors[i], &b->tensors[i])) return "a tensor's shape";
    }
    for (i = 0; i < a->n_ops; i++) {
        const anne_ir_op *x = &a->ops[i], *y = &b->ops[i];
        if (x->kind != y->kind || x->activation != y->activation || x->n_inputs != y->n_inputs) return "an op's kind";
        if (memcmp(x->param, y->param, sizeof x->param) != 0) return "an op's activation parameters";
        if (memcmp(x->inputs, y->inputs, sizeof x->inputs) != 0) return "an op's inputs";
        if (memcmp(x->attr, y->attr, sizeof x->attr) != 0) return "an op's attributes";
        if (x->kernel_n != y->kernel_n || x->bias_n != y->bias_n) return "an op's weight counts";
        if ((x->kernel == NULL) != (y->kernel == NULL) || (x->bias == NULL) != (y->bias == NULL)) {
            return "an op's weights";
        }
        if (x->kernel_n && memcmp(x->kernel, y->kernel, x->kernel_n * sizeof(float)) != 0) return "a kernel";
        if (x->bias_n && memcmp(x->bias, y->bias, x->bias_n * sizeof(float)) != 0) return "a bias";
    }
    return NULL;
}

/* The round trips of one graph IR; NULL when all hold, else what failed (in msg). The written text is
 * returned in *text (may be NULL) for further checks. */
static const char *round_trips(const anne_ir *ir, const char *name, char *msg, size_t cap, char **text_out) {
    anne_ir back, from_file, again;
    anne_error err;
    unsigned char *direct = NULL, *via_json = NULL, *via_file = NULL;
    size_t direct_n = 0, via_json_n = 0, via_file_n = 0;
    char *text = NULL, *text2 = NULL, *text3 = NULL;
    const char *diff;
    anne_model m;
    msg[0] = '\0';
    anne_ir_init(&back);
    anne_ir_init(&from_file);
    anne_ir_init(&again);
    serialize(ir, &direct, &direct_n);
    if (anne_json_write(ir, &text, &err) != 0) {
        snprintf(msg, cap, "%s: anne_json_write: %s", name, err.msg);
        goto done;
    }
    if (anne_json_read(&back, text, strlen(text), "written.json", &err) != 0) {
        snprintf(msg, cap, "%s: the written JSON does not read back: %s", name, err.msg);
        goto done;
    }
    if ((diff = graph_diff(ir, &back)) != NULL) {
        snprintf(msg, cap, "%s: IR -> JSON -> IR changed %s", name, diff);
        goto done;
    }
    serialize(&back, &via_json, &via_json_n);
    if (via_json_n != direct_n || memcmp(via_json, direct, direct_n) != 0) {
        snprintf(msg, cap, "%s: IR -> JSON -> IR -> .anne is not the bytes of IR -> .anne", name);
        goto done;
    }
    /* the writer is deterministic, and what it reads back it writes the same */
    if (anne_json_write(&back, &text2, &err) != 0 || strcmp(text, text2) != 0) {
        snprintf(msg, cap, "%s: JSON -> IR -> JSON changed the text", name);
        goto done;
    }
    /* .anne -> IR (no op names) -> JSON -> IR -> .anne */
    if (anne_model_load(&m, direct, direct_n) != ANNE_OK || anne_ir_from_model(&from_file, &m, &err) != 0 ||
        anne_json_write(&from_file, &text3, &err) != 0 ||
        anne_json_read(&again, text3, strlen(text3), "from_anne.json", &err) != 0) {
        snprintf(msg, cap, "%s: .anne -> JSON -> IR: %s", name, err.msg);
        goto done;
    }
    serialize(&again, &via_file, &via_file_n);
    if (via_file_n != direct_n || memcmp(via_file, direct, direct_n) != 0) {
        snprintf(msg, cap, "%s: .anne -> JSON -> .anne is not the same bytes", name);
        goto done;
    }
done:
    free(direct);
    free(via_json);
    free(via_file);
    free(text2);
    free(text3);
    anne_ir_free(&back);
    anne_ir_free(&from_file);
    anne_ir_free(&again);
    if (text_out != NULL && msg[0] == '\0') *text_out = text;
    else free(text);
    return msg[0] != '\0' ? msg : NULL;
}

/* Every TF.js graph model: the failing ones listed together, then the test fails. */
static void test_tfjs_graph_models_round_trip(void **state) {
    cJSON *index = anne_test_read_json(anne_test_path(GRAPH_DIR "/index.json")), *model;
    size_t n = 0, failed = 0, kinds[ANNE_OP_KIND_COUNT] = {0}, k, covered = 0;
    (void)state;
    cJSON_ArrayForEach(model, cJSON_GetObjectItem(index, "models")) {
        const cJSON *name = cJSON_GetObjectItem(model, "name");
        char path[1200], msg[1400];
        anne_ir ir;
        anne_error err;
        assert_true(cJSON_IsString(name));
        snprintf(path, sizeof path, "%s/%s/model.json", anne_test_path(GRAPH_DIR), name->valuestring);
        n++;
        if (anne_import(&ir, path, &err) != 0) {
            printf("%s: anne_import: %s\n", name->valuestring, err.msg);
            failed++;
            continue;
        }
        assert_true(ir.n_ops > 0); /* a graph */
        for (k = 0; k < ir.n_ops; k++) kinds[ir.ops[k].kind]++;
        if (round_trips(&ir, name->valuestring, msg, sizeof msg, NULL) != NULL) {
            printf("%s\n", msg);
            failed++;
        }
        anne_ir_free(&ir);
    }
    cJSON_Delete(index);
    assert_true(n >= 85);
    for (k = 1; k < ANNE_OP_KIND_COUNT; k++) covered += kinds[k] != 0;
    print_message("%zu TF.js graph models, %zu of %d op kinds among them\n", n, covered, ANNE_OP_KIND_COUNT - 1);
    if (failed > 0) fail_msg("%zu of %zu models do not round-trip through ANNE JSON (listed above)", failed, n);
}

/* Appends the values of a JSON array, flattened in order, to out (as floats). */
static void flatten(const cJSON *v, float *out, size_t cap, size_t *n) {
    const cJSON *e;
    if (cJSON_IsNumber(v)) {
        assert_true(*n < cap);
        out[(*n)++] = (float)v->valuedouble;
        return;
    }
    assert_true(cJSON_IsArray(v));
    cJSON_ArrayForEach(e, v) flatten(e, out, cap, n);
}

/* The kernels and biases the JSON holds, in order, are the TF.js weight file's floats, in order: the
 * JSON's layout is Keras' own (Conv2D (kh, kw, in, out), Conv1D (k, in, out), DepthwiseConv2D
 * (kh, kw, in, multiplier), Dense (in, units)). Models without folded layers, so the weights are
 * the file's. */
static void test_kernels_are_keras_arrays(void **state) {
    static const char *const models[] = {"conv2d_valid", "depthwise_m2_valid", "conv1d_valid_k3", "dense_rank3",
                                         "conv2d_nonsquare"};
    size_t m;
    (void)state;
    for (m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[1200];
        anne_ir ir;
        anne_error err;
        char *text;
        unsigned char *bin;
        size_t bin_n, n = 0, i;
        float *json_values;
        cJSON *doc, *op;
        snprintf(path, sizeof path, "%s/%s/model.json", anne_test_path(GRAPH_DIR), models[m]);
        if (anne_import(&ir, path, &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(anne_json_write(&ir, &text, &err), 0);
        snprintf(path, sizeof path, "%s/%s/weights.bin", anne_test_path(GRAPH_DIR), models[m]);
        if (anne_file_read(path, &bin, &bin_n, &err) != 0) fail_msg("%s", err.msg);
        json_values = malloc(bin_n + 4u);
        assert_non_null(json_values);
        doc = cJSON_Parse(text);
        assert_non_null(doc);
        cJSON_ArrayForEach(op, cJSON_GetObjectItem(doc, "ops")) {
            const cJSON *kernel = cJSON_GetObjectItem(op, "kernel"), *bias = cJSON_GetObjectItem(op, "bias");
            if (kernel != NULL) flatten(kernel, json_values, bin_n / 4u, &n);
            if (bias != NULL) flatten(bias, json_values, bin_n / 4u, &n);
        }
        if (n * 4u != bin_n) fail_msg("%s: the JSON holds %zu weights, weights.bin %zu", models[m], n, bin_n / 4u);
        for (i = 0; i < n; i++) {
            float w;
            memcpy(&w, bin + 4u * i, sizeof w);
            if (memcmp(&w, &json_values[i], sizeof w) != 0) {
                fail_msg("%s: weight %zu is %.9g in the JSON, %.9g in weights.bin", models[m], i,
                         (double)json_values[i], (double)w);
            }
        }
        cJSON_Delete(doc);
        free(json_values);
        free(bin);
        free(text);
        anne_ir_free(&ir);
    }
}

/* ---- every op kind, and the windows TF.js never makes --------------------------------------------- */

/* A growing document built with printf-like appends. */
typedef struct doc {
    char *p;
    size_t len, cap;
} doc;

static void put(doc *d, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (d->len + (size_t)n + 1u > d->cap) {
        d->cap = 2u * (d->len + (size_t)n + 1u);
        d->p = realloc(d->p, d->cap);
        assert_non_null(d->p);
    }
    va_start(ap, fmt);
    vsnprintf(d->p + d->len, d->cap - d->len, fmt, ap);
    va_end(ap);
    d->len += (size_t)n;
}

/* A nested list of the given shape holding awkward floats (thirds, a subnormal, -0). */
static void put_array(doc *d, const size_t *dims, size_t depth, unsigned *seed) {
    size_t i;
    put(d, "[");
    for (i = 0; i < dims[0]; i++) {
        if (i) put(d, ", ");
        if (depth > 1) {
            put_array(d, dims + 1, depth - 1u, seed);
        } else {
            static const float odd[] = {1.0f / 3.0f, -0.0f, 1e-45f, 0.1f, -2.5f, 6.262f, 16777216.0f};
            *seed = *seed * 1103515245u + 12345u;
            if ((*seed >> 16) % 5u == 0) put(d, "%.9g", (double)odd[(*seed >> 8) % 7u]);
            else put(d, "%.9g", (double)((float)((*seed >> 16) % 2001u) / 1000.0f - 1.0f));
        }
    }
    put(d, "]");
}

/* The document tmpl with each "@AxBxC@" replaced by a nested list of that shape (1 to 4 sizes) of
 * awkward floats. */
static char *expand(const char *tmpl, unsigned seed) {
    doc d = {NULL, 0, 0};
    const char *p = tmpl;
    for (;;) {
        const char *at = strchr(p, '@');
        size_t dims[4], depth = 0;
        char *end;
        if (at == NULL) break;
        put(&d, "%.*s", (int)(at - p), p);
        p = at;
        do {
            dims[depth++] = (size_t)strtoul(p + 1, &end, 10);
            p = end;
        } while (*p == 'x' && depth < 4);
        assert_true(*p == '@');
        p++;
        put_array(&d, dims, depth, &seed);
    }
    put(&d, "%s", p);
    return d.p;
}

/* Every op kind on an (H, W, C) input, with 'same', 'causal' and explicit padding (a negative amount
 * after: rows the windows never reach), dilation, keepdims, Keras' concat axis and permute dims. */
static const char all_kinds_2d[] =
    "{\"name\": \"all kinds\", \"input\": {\"shape\": [5, 4, 2]}, \"ops\": [\n"
    "{\"op\": \"conv2d\", \"name\": \"c1\", \"shape\": [3, 4, 3], \"filters\": 3, \"kernel_size\": [3, 2], "
    "\"strides\": [2, 1], \"padding\": \"same\", \"activation\": \"leaky_relu\", \"alpha\": 0.2, \"kernel\": "
    "@3x2x2x3@, \"bias\": @3@},\n"
    "{\"op\": \"conv2d\", \"name\": \"c2\", \"inputs\": [\"input\"], \"shape\": [3, 4, 3], \"dilation\": [2, 1], "
    "\"padding\": [[1, -1], [0, 1]], \"kernel\": @2x2x2x3@},\n"
    "{\"op\": \"add\", \"name\": \"sum\", \"inputs\": [\"c1\", \"c2\"], \"activation\": \"relu\", \"max_value\": 6, "
    "\"threshold\": -0.5},\n"
    "{\"op\": \"depthwise_conv2d\", \"name\": \"dw\", \"shape\": [3, 4, 6], \"depth_multiplier\": 2, \"padding\": "
    "\"causal\", \"bias\": null, \"kernel\": @2x2x3x2@},\n"
    "{\"op\": \"max_pool2d\", \"name\": \"mp\", \"shape\": [3, 2, 6], \"pool_size\": [2, 2], \"strides\": [1, 2], "
    "\"padding\": \"same\"},\n"
    "{\"op\": \"avg_pool2d\", \"name\": \"ap\", \"inputs\": [\"dw\"], \"shape\": [1, 2, 6], \"pool_size\": 3, "
    "\"padding\": \"same\"},\n"
    "{\"op\": \"zero_pad2d\", \"name\": \"zp\", \"shape\": [3, 2, 6], \"padding\": [[1, 1], [0, 0]]},\n"
    "{\"op\": \"maximum\", \"name\": \"mx\", \"inputs\": [\"mp\", \"zp\"], \"activation\": \"tanh\"},\n"
    "{\"op\": \"crop2d\", \"name\": \"cr\", \"shape\": [2, 1, 6], \"cropping\": [[1, 0], [0, 1]]},\n"
    "{\"op\": \"upsample2d\", \"name\": \"up\", \"shape\": [2, 2, 6], \"size\": [1, 2]},\n"
    "{\"op\": \"channel_affine\", \"name\": \"ca\", \"scale\": @6@, \"shift\": @6@},\n"
    "{\"op\": \"layer_norm\", \"name\": \"ln\", \"epsilon\": 0.001, \"gamma\": @6@},\n"
    "{\"op\": \"permute\", \"name\": \"pe\", \"shape\": [2, 2, 6], \"dims\": [2, 1, 3]},\n"
    "{\"op\": \"global_max_pool\", \"name\": \"gp\", \"shape\": [1, 1, 6], \"keepdims\": true},\n"
    "{\"op\": \"reshape\", \"name\": \"flat\", \"shape\": [-1]},\n"
    "{\"op\": \"global_avg_pool\", \"name\": \"gav\", \"inputs\": [\"pe\"], \"shape\": [6]},\n"
    "{\"op\": \"subtract\", \"name\": \"sub\", \"inputs\": [\"flat\", \"gav\"]},\n"
    "{\"op\": \"multiply\", \"name\": \"mul\", \"inputs\": [\"sub\", \"flat\", \"gav\"]},\n"
    "{\"op\": \"average\", \"name\": \"avg\", \"inputs\": [\"mul\", \"sub\"], \"activation\": \"elu\", "
    "\"alpha\": 0.5},\n"
    "{\"op\": \"minimum\", \"name\": \"mn\", \"inputs\": [\"avg\", \"mul\", \"sub\", \"flat\"]},\n"
    "{\"op\": \"concat\", \"name\": \"cc\", \"inputs\": [\"mn\", \"avg\"], \"shape\": [12], \"axis\": 1},\n"
    "{\"op\": \"activation\", \"name\": \"thr\", \"activation\": \"thresholded_relu\", \"theta\": 0.5},\n"
    "{\"op\": \"Dense\", \"name\": \"out\", \"shape\": [3], \"units\": 3, \"activation\": \"softmax\", \"kernel\": "
    "@12x3@, \"bias\": @3@}\n"
    "], \"classes\": [\"a\", \"b\", \"c\"]}\n";

/* (steps, channels) tensors: Conv1D 'causal' with dilation, a 2-axis window ([1, 3]) over them as the
 * runtime runs it, 1-D pooling, padding, cropping and upsampling, PReLU per channel and per value, a
 * broadcasting multiply ((6, 2) by (1, 2)), a Dense on a rank-2 tensor, input scaling. */
static const char all_kinds_1d[] =
    "{\"input\": {\"shape\": [6, 2], \"min\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1], "
    "\"max\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0.5]}, \"ops\": [\n"
    "{\"op\": \"conv2d\", \"name\": \"c\", \"shape\": [6, 2], \"kernel_size\": [3], \"dilation\": [2], \"padding\": "
    "\"causal\", \"activation\": \"swish\", \"kernel\": @3x2x2@, \"bias\": @2@},\n"
    "{\"op\": \"max_pool2d\", \"name\": \"p\", \"shape\": [3, 2], \"pool_size\": [2]},\n"
    "{\"op\": \"depthwise_conv2d\", \"name\": \"dw\", \"inputs\": [\"c\"], \"shape\": [6, 2], \"kernel_size\": [1, 3], "
    "\"strides\": [2, 1], \"padding\": [[0, 0], [1, 1]], \"kernel\": @1x3x2x1@},\n"
    "{\"op\": \"avg_pool2d\", \"name\": \"a\", \"shape\": [2, 2], \"pool_size\": [3], \"strides\": [2]},\n"
    "{\"op\": \"zero_pad2d\", \"name\": \"zp\", \"inputs\": [\"p\"], \"shape\": [4, 2], \"padding\": [1, 0]},\n"
    "{\"op\": \"crop2d\", \"name\": \"cr\", \"shape\": [2, 2], \"cropping\": [1, 1]},\n"
    "{\"op\": \"upsample2d\", \"name\": \"up\", \"shape\": [6, 2], \"size\": 3},\n"
    "{\"op\": \"add\", \"name\": \"x\", \"inputs\": [\"up\", \"c\"], \"activation\": \"gelu_tanh\"},\n"
    "{\"op\": \"prelu\", \"name\": \"pc\", \"alphas\": @2@},\n"
    "{\"op\": \"prelu\", \"name\": \"pv\", \"alphas\": @12@},\n"
    "{\"op\": \"global_avg_pool\", \"name\": \"gs\", \"shape\": [1, 2], \"keepdims\": true},\n"
    "{\"op\": \"multiply\", \"name\": \"se\", \"inputs\": [\"pv\", \"gs\"], \"shape\": [6, 2], "
    "\"activation\": \"hard_swish\"},\n"
    "{\"op\": \"global_avg_pool\", \"name\": \"g\", \"shape\": [1, 2], \"keepdims\": true},\n"
    "{\"op\": \"dense\", \"name\": \"d\", \"shape\": [1, 2], \"activation\": \"sigmoid\", \"kernel\": @2x2@}\n"
    "], \"classes\": [\"left\", \"right\"]}\n";

/* The recurrent ops: an LSTM with sequences, backwards; a GRU with reset_after (its (2, 3u) bias) whose
 * sequence is written back in input order; a GRU without; a SimpleRNN without bias; both last states
 * concatenated. */
static const char all_kinds_rnn[] =
    "{\"input\": {\"shape\": [5, 3]}, \"ops\": [\n"
    "{\"op\": \"lstm\", \"name\": \"l\", \"shape\": [5, 2], \"return_sequences\": true, \"go_backwards\": true, "
    "\"cell_activation\": \"softsign\", \"recurrent_activation\": \"hard_sigmoid\", \"kernel\": @3x8@, "
    "\"recurrent_kernel\": @2x8@, \"bias\": @8@},\n"
    "{\"op\": \"gru\", \"name\": \"g\", \"shape\": [5, 3], \"return_sequences\": true, \"reverse_output\": true, "
    "\"reset_after\": true, \"kernel\": @2x9@, \"recurrent_kernel\": @3x9@, \"bias\": @2x9@},\n"
    "{\"op\": \"gru\", \"name\": \"g2\", \"inputs\": [\"l\"], \"shape\": [2], \"reset_after\": false, "
    "\"cell_activation\": \"relu\", \"kernel\": @2x6@, \"recurrent_kernel\": @2x6@, \"bias\": @6@},\n"
    "{\"op\": \"simple_rnn\", \"name\": \"s\", \"inputs\": [\"g\"], \"shape\": [4], \"units\": 4, "
    "\"kernel\": @3x4@, \"recurrent_kernel\": @4x4@},\n"
    "{\"op\": \"concat\", \"name\": \"c\", \"inputs\": [\"s\", \"g2\"], \"shape\": [6]},\n"
    "{\"op\": \"dense\", \"name\": \"d\", \"shape\": [2], \"kernel\": @6x2@}\n"
    "]}\n";

static void test_every_op_kind_round_trips(void **state) {
    const char *const tmpl[] = {all_kinds_2d, all_kinds_1d, all_kinds_rnn};
    size_t t, covered = 0, k;
    int seen[ANNE_OP_KIND_COUNT] = {0};
    (void)state;
    for (t = 0; t < sizeof tmpl / sizeof tmpl[0]; t++) {
        char *src = expand(tmpl[t], 7u + (unsigned)t), *text = NULL, msg[1400];
        anne_ir ir;
        anne_error err;
        anne_loaded run;
        unsigned char *bytes;
        size_t size;
        if (parse(&ir, src, &err) != 0) fail_msg("%s\n%s", err.msg, src);
        for (k = 0; k < ir.n_ops; k++) seen[ir.ops[k].kind] = 1;
        if (round_trips(&ir, t == 0 ? "2-D" : t == 1 ? "1-D" : "recurrent", msg, sizeof msg, &text) != NULL) {
            fail_msg("%s", msg);
        }
        if (t == 2) {
            /* the settings as written: defaults spelled out, the GRU's two biases as Keras' (2, 3u) */
            assert_non_null(strstr(text, "\"units\": 2, \"cell_activation\": \"softsign\", \"recurrent_activation\": "
                                         "\"hard_sigmoid\", \"return_sequences\": true, \"go_backwards\": true"));
            assert_non_null(strstr(text, "\"return_sequences\": true, \"reverse_output\": true, \"reset_after\": true"));
            assert_non_null(strstr(text, "\"cell_activation\": \"relu\", \"recurrent_activation\": \"sigmoid\", "
                                         "\"reset_after\": false"));
            assert_non_null(strstr(text, "\"bias\": [["));
        } else if (t == 0) {
            /* the forms the writer picks: the same words and amounts as the source */
            assert_non_null(strstr(text, "\"padding\": [[1, -1], [0, 1]]"));
            assert_non_null(strstr(text, "\"padding\": \"causal\""));
            assert_non_null(strstr(text, "\"strides\": [3, 3], \"padding\": \"same\""));
            assert_non_null(strstr(text, "\"keepdims\": true"));
            assert_non_null(strstr(text, "\"dims\": [2, 1, 3]"));
            assert_non_null(strstr(text, "\"axis\": -1")); /* axis 1 of a rank-1 tensor is its last */
            assert_non_null(strstr(text, "\"epsilon\": 0.001"));
            assert_non_null(strstr(text, "\"activation\": \"relu\", \"max_value\": 6, \"threshold\": -0.5"));
            assert_non_null(strstr(text, "\"inputs\": [\"avg\", \"mul\", \"sub\", \"flat\"]"));
            assert_null(strstr(text, "\"beta\"")); /* layer_norm without beta */
        } else {
            assert_non_null(strstr(text, "\"kernel_size\": [3], \"strides\": [1], \"dilation\": [2], \"padding\": "
                                         "\"causal\""));
            /* [[0, 0], [1, 1]] is what "same" gives here */
            assert_non_null(strstr(text, "\"kernel_size\": [1, 3], \"strides\": [2, 1], \"dilation\": [1, 1], "
                                         "\"padding\": \"same\""));
            assert_non_null(strstr(text, "\"padding\": [1, 0]"));
            /* anne_json_format_float's fewest digits: 10 is "1e+01" */
            assert_non_null(strstr(text, "\"max\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 1e+01, 11, 0.5]"));
        }
        /* and the model runs */
        serialize(&ir, &bytes, &size);
        run.bytes = bytes;
        run.size = size;
        assert_int_equal(anne_model_load(&run.model, bytes, size), ANNE_OK);
        {
            float x[40] = {0}, y[4];
            anne_test_predict(&run, y, x);
        }
        free(bytes);
        free(text);
        free(src);
        anne_ir_free(&ir);
    }
    for (k = 1; k < ANNE_OP_KIND_COUNT; k++) covered += (size_t)seen[k];
    assert_int_equal(covered, ANNE_OP_KIND_COUNT - 1);
}

/* The window forms the writer chooses from: "valid", "same", "causal" when one gives exactly the op's
 * window, else the amounts, the amount after the least that gives the output (negative: input rows no
 * window reaches), or 0 when that gives the same output. */
static void test_writer_window_forms(void **state) {
    static const struct {
        const char *shape;     /* the input's */
        const char *op;        /* an op over it */
        const char *written;   /* what the writer makes of it */
    } cases[] = {
        {"[4, 4, 1]", "\"pool_size\": 3, \"strides\": 1, \"padding\": [[0, 0], [0, 0]]",
         "\"pool_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\""},
        {"[5, 5, 1]", "\"pool_size\": 2, \"strides\": 2, \"padding\": [[0, 1], [0, 1]]", "\"padding\": \"same\""},
        {"[6, 1]", "\"pool_size\": 3, \"strides\": 2, \"padding\": [2, 0]", "\"padding\": \"causal\""},
        /* rows 3 and 4 are never read: after -2 whatever the source said */
        {"[5, 5, 1]", "\"pool_size\": 2, \"strides\": 2, \"padding\": [[1, -1], [1, -1]]",
         "\"padding\": [[1, -2], [1, -2]]"},
        /* after -1 and 0 give the same output: 0 is written */
        {"[7, 7, 1]", "\"pool_size\": 3, \"strides\": 2, \"padding\": [[1, -1], [1, -1]]",
         "\"padding\": [[1, 0], [1, 0]]"},
        /* an output shorter than 'valid' gives */
        {"[6, 1]", "\"pool_size\": 2, \"strides\": 1, \"padding\": [0, -2]",
         "\"pool_size\": [2], \"strides\": [1], \"padding\": [0, -2]"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[512], msg[1400], *text = NULL;
        anne_ir ir;
        anne_error err;
        snprintf(src, sizeof src, "{\"input\": {\"shape\": %s}, \"ops\": [{\"op\": \"avg_pool2d\", %s}]}",
                 cases[i].shape, cases[i].op);
        if (parse(&ir, src, &err) != 0) fail_msg("case %zu: %s\n%s", i, err.msg, src);
        if (round_trips(&ir, "window", msg, sizeof msg, &text) != NULL) fail_msg("case %zu: %s", i, msg);
        if (strstr(text, cases[i].written) == NULL) fail_msg("case %zu: expected %s in\n%s", i, cases[i].written, text);
        free(text);
        anne_ir_free(&ir);
    }
}

/* ---- the example ---------------------------------------------------------------------------------- */

/* tests/data/json_graph_example.json (also in docs/anne-json.md) on two 4 x 4 images. By hand: the
 * "edges" filters are 2 x 2, filter 0 (left column 1, right -1) answers a vertical edge, filter 1 (top
 * row 1, bottom -1) a horizontal one. Image V (columns 0-1 are 1, 2-3 are 0): filter 0 gives 2 in
 * output column 1 and 0 elsewhere, filter 1 gives 0 everywhere; relu keeps that. "pool" (2 x 2, stride
 * 1) takes 2 in every window for filter 0, 0 for filter 1; "mean" averages that: (2, 0); "peak" is the
 * largest of "edges": (2, 0); "both" = (2, 0, 2, 0); "out" = (2 - 0 + 1 - 0, -2 + 0 - 1 + 0) = (3, -3),
 * softmax (1 / (1 + e^-6), 1 / (1 + e^6)) = (0.997527377, 0.00247262316): class "vertical". Image H
 * (rows 0-1 are 1) is V transposed: everything swaps, class "horizontal". */
static void test_example_converts_and_predicts(void **state) {
    static const float v_img[16] = {1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0};
    static const float h_img[16] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    const double p = 1.0 / (1.0 + exp(-6.0));
    anne_loaded m;
    anne_ir ir;
    anne_error err;
    float y[2];
    char msg[1400];
    (void)state;
    anne_test_open_model(&m, "tests/data/json_graph_example.json");
    assert_int_equal(m.model.format_major, 2);
    assert_int_equal(m.model.n_inputs, 16);
    assert_int_equal(m.model.n_outputs, 2);
    assert_string_equal(m.model.name, "edge direction");
    assert_string_equal(anne_model_class_name(&m.model, 0), "vertical");
    anne_test_predict(&m, y, v_img);
    assert_true(fabs((double)y[0] - p) < 1e-6 && fabs((double)y[1] - (1.0 - p)) < 1e-6);
    anne_test_predict(&m, y, h_img);
    assert_true(fabs((double)y[1] - p) < 1e-6 && fabs((double)y[0] - (1.0 - p)) < 1e-6);
    anne_loaded_close(&m);
    if (anne_import(&ir, anne_test_path("tests/data/json_graph_example.json"), &err) != 0) fail_msg("%s", err.msg);
    assert_string_equal(ir.ops[0].name, "edges");
    assert_int_equal(ir.ops[3].inputs[0], 1); /* "peak" reads "edges", tensor 1 */
    /* Keras' (kh, kw, in, out) kernel [[[[1, 1]], [[-1, 1]]], [[[1, -1]], [[-1, -1]]]] in the runtime's
     * (out, kh, kw, in): filter 0 is 1, -1, 1, -1; filter 1 is 1, 1, -1, -1 */
    {
        static const float runtime[8] = {1, -1, 1, -1, 1, 1, -1, -1};
        assert_int_equal(ir.ops[0].kernel_n, 8);
        assert_memory_equal(ir.ops[0].kernel, runtime, sizeof runtime);
    }
    if (round_trips(&ir, "example", msg, sizeof msg, NULL) != NULL) fail_msg("%s", msg);
    anne_ir_free(&ir);
}

/* ---- errors --------------------------------------------------------------------------------------- */

#define IN4 "{\"input\": {\"shape\": [4, 4, 1]}, \"ops\": ["
#define K22 "[[[[1]], [[1]]], [[[1]], [[1]]]]"

static void test_errors_name_their_place(void **state) {
    static const anne_test_bad_json cases[] = {
        {IN4 "{\"op\": \"conv3d\"}]}",
         "model.json: op 1: unknown op \"conv3d\" (known: dense, conv2d, depthwise_conv2d, max_pool2d, avg_pool2d, "
         "global_avg_pool, global_max_pool, zero_pad2d, crop2d, upsample2d, reshape, permute, channel_affine, "
         "layer_norm, add, subtract, multiply, average, maximum, minimum, concat, activation, prelu, simple_rnn, gru, "
         "lstm)"},
        {IN4 "{\"op\": \"prelu\", \"alphas\": [0.1, 0.2]}]}",
         "model.json: op 1: \"alphas\" must be a list of 1 slopes (one per channel) or 16 (one per value), got a list"},
        {IN4 "{\"name\": \"c\"}]}",
         "model.json: op 1 (\"c\"): missing \"op\" (what the op does, e.g. \"conv2d\" or \"add\")"},
        {IN4 "{\"op\": \"conv2d\", \"filters\": 1}]}",
         "model.json: op 1: missing \"kernel\" (Keras' layout: (kernel rows, kernel columns, input channels, "
         "filters))"},
        {IN4 "{\"op\": \"conv2d\", \"name\": \"c\", \"kernel_size\": [3, 3], \"kernel\": " K22 "}]}",
         "model.json: op 1 (\"c\"): \"kernel\" has shape (2, 2, 1, 1), expected (3, 3, 1, any) (kernel rows, kernel "
         "columns, input channels, filters)"},
        {IN4 "{\"op\": \"conv2d\", \"filters\": 4, \"kernel\": " K22 "}]}",
         "model.json: op 1: \"kernel\" has shape (2, 2, 1, 1), expected (any, any, 1, 4) (kernel rows, kernel columns, "
         "input channels, filters)"},
        {IN4 "{\"op\": \"conv2d\", \"kernel\": [[[[1]], [[1]]], [[[1]]]]}]}",
         "model.json: op 1: \"kernel\"[1] has 1 entries, expected 2 (as the first list at that depth): the kernel must "
         "be a regular array"},
        {IN4 "{\"op\": \"conv2d\", \"kernel\": [[[[1]], [[1]]], [[[1]], [[\"x\"]]]]}]}",
         "model.json: op 1: \"kernel\"[1][1][0][0] must be a number, got \"x\""},
        {IN4 "{\"op\": \"dense\", \"kernel\": [[1, 2], [3, 4]]}]}",
         "model.json: op 1: \"kernel\" has shape (2, 2), expected (1, any) (the input's last axis, units)"},
        {IN4 "{\"op\": \"conv2d\", \"name\": \"a\", \"inputs\": [\"b\"], \"kernel\": " K22 "}, "
             "{\"op\": \"activation\", \"name\": \"b\"}]}",
         "model.json: op 1 (\"a\"): \"inputs\" value 1 names op 2 (\"b\"), which comes later: an op reads only "
         "\"input\" and the ops before it (list the ops in the order they run)"},
        {IN4 "{\"op\": \"activation\", \"name\": \"x\", \"inputs\": [\"x\"]}]}",
         "model.json: op 1 (\"x\"): \"inputs\" value 1 names this op itself (\"x\"): an op reads the input or ops "
         "before it"},
        {IN4 "{\"op\": \"activation\", \"inputs\": [\"nope\"]}]}",
         "model.json: op 1: \"inputs\" value 1: no op is named \"nope\" (an input is \"input\" or the name of an op "
         "before this one)"},
        {IN4 "{\"op\": \"conv2d\", \"name\": \"a\", \"kernel\": " K22 "}, {\"op\": \"add\", \"name\": \"s\", "
             "\"inputs\": [\"a\", \"input\"]}]}",
         "model.json: op 2 (\"s\"): input 2 (\"input\") is (4, 4, 1) but input 1 (\"a\") is (3, 3, 1): add takes "
         "inputs of one shape, or shapes that broadcast (each axis, counted from the last, equal or 1)"},
        {IN4 "{\"op\": \"reshape\", \"name\": \"flat\", \"shape\": [-1]}, {\"op\": \"concat\", \"inputs\": [\"input\", "
             "\"flat\"]}]}",
         "model.json: op 2: input 2 (\"flat\") is (16,) but input 1 (\"input\") is (4, 4, 1): concat's inputs agree on "
         "every axis but the one joined (axis -1)"},
        {IN4 "{\"op\": \"add\"}]}",
         "model.json: op 1: add takes 2 to 4 inputs, got 1 (\"inputs\" names them, e.g. [\"conv1\", \"conv2\"])"},
        {IN4 "{\"op\": \"subtract\", \"inputs\": [\"input\", \"input\", \"input\"]}]}",
         "model.json: op 1: subtract takes 2 inputs, got 3"},
        {IN4 "{\"op\": \"max_pool2d\", \"pool_size\": [5, 1]}]}",
         "model.json: op 1: the window spans 5 rows but the input has 4: \"valid\" padding needs the window inside "
         "the input (use \"same\", or pad)"},
        {IN4 "{\"op\": \"max_pool2d\", \"pool_size\": [3, 3], \"padding\": [[3, 0], [0, 0]]}]}",
         "model.json: op 1: \"padding\" before the rows is 3, more than the window's span minus 1 (2): a window would "
         "hold no input position"},
        {IN4 "{\"op\": \"max_pool2d\", \"pool_size\": [3, 3], \"padding\": [[0, 0], [0, 5]]}]}",
         "model.json: op 1: \"padding\" after the columns is 5, more than the window's span minus 1 (2): a window "
         "would hold no input position"},
        {IN4 "{\"op\": \"max_pool2d\", \"pool_size\": 2, \"padding\": [[0, -3], [0, 0]]}]}",
         "model.json: op 1: the window spans 2 rows but the padded input has 1"},
        {IN4 "{\"op\": \"max_pool2d\", \"padding\": \"full\"}]}",
         "model.json: op 1: unknown padding \"full\" (\"valid\", \"same\", \"causal\", or the amounts [[top, bottom], "
         "[left, right]])"},
        {IN4 "{\"op\": \"max_pool2d\", \"padding\": [1, 1]}]}",
         "model.json: op 1: \"padding\" must be [[top, bottom], [left, right]], got 1 in place of a pair"},
        {IN4 "{\"op\": \"max_pool2d\", \"strides\": [1, 1, 1]}]}",
         "model.json: op 1: \"strides\" has 3 values, expected 2 (rows, columns)"},
        {IN4 "{\"op\": \"max_pool2d\", \"strides\": [0, 1]}]}",
         "model.json: op 1: \"strides\" value 1 must be an integer from 1 to 65535, got 0"},
        {IN4 "{\"op\": \"max_pool2d\", \"filters\": 3}]}",
         "model.json: op 1: \"filters\" is not a setting of max_pool2d (it takes pool_size, strides, padding; every "
         "op takes name, inputs, shape, activation)"},
        {IN4 "{\"op\": \"add\", \"inputs\": [\"input\", \"input\"], \"axis\": 1}]}",
         "model.json: op 1: \"axis\" is not a setting of add (it has none; every op takes name, inputs, shape, "
         "activation)"},
        {IN4 "{\"op\": \"lstm\", \"kernel\": [[1]], \"recurrent_kernel\": [[1]]}]}",
         "model.json: op 1: lstm reads (steps, features); its input is (4, 4, 1)"},
        {"{\"input\": {\"shape\": [3, 1]}, \"ops\": [{\"op\": \"gru\", \"kernel\": [[1, 2]], "
         "\"recurrent_kernel\": [[1]]}]}",
         "model.json: op 1: \"kernel\" has 2 columns: expected 3 gates x units (units at most 65535)"},
        {"{\"input\": {\"shape\": [3, 1]}, \"ops\": [{\"op\": \"simple_rnn\", \"kernel\": [[1]], "
         "\"recurrent_kernel\": [[1]], \"reverse_output\": true}]}",
         "model.json: op 1: \"reverse_output\" needs \"return_sequences\""},
        {"{\"input\": {\"shape\": [3, 1]}, \"ops\": [{\"op\": \"simple_rnn\", \"kernel\": [[1]], "
         "\"recurrent_kernel\": [[1]], \"cell_activation\": \"softmax\"}]}",
         "model.json: op 1: \"cell_activation\" softmax is not supported in a recurrent cell (one without parameters: "
         "tanh, sigmoid, hard_sigmoid, relu, ...)"},
        {IN4 "{\"op\": \"max_pool2d\", \"stride\": 3}]}",
         "model.json: op 1: unknown key \"stride\" (known: op, name, inputs, shape, activation, alpha, negative_slope, "
         "max_value, threshold, theta, units, filters, kernel_size, pool_size, strides, dilation, padding, "
         "depth_multiplier, cropping, size, keepdims, dims, axis, epsilon, kernel, bias, scale, shift, gamma, beta, "
         "alphas, cell_activation, recurrent_activation, return_sequences, go_backwards, reverse_output, reset_after, "
         "recurrent_kernel; did you mean \"strides\"?)"},
        {IN4 "{\"op\": \"max_pool2d\", \"shape\": [2, 2, 2]}]}",
         "model.json: op 1: \"shape\" says (2, 2, 2) but the op's settings and inputs give (2, 2, 1)"},
        {IN4 "{\"op\": \"activation\", \"name\": \"a\"}, {\"op\": \"activation\", \"name\": \"a\"}]}",
         "model.json: op 2 (\"a\"): the name \"a\" is op 1's already: every op needs a name of its own (inputs refer "
         "to ops by name)"},
        {IN4 "{\"op\": \"activation\", \"name\": \"input\"}]}",
         "model.json: op 1 (\"input\"): the name \"input\" is the model's input's: give the op another"},
        {IN4 "{\"op\": \"activation\", \"activation\": \"prelu\", \"alpha\": [1]}]}",
         "model.json: op 1: prelu cannot be an op's activation (it has one slope per unit, which graph models do not "
         "hold)"},
        {IN4 "{\"op\": \"activation\", \"activation\": \"sigmoid\", \"alpha\": 1}]}",
         "model.json: op 1: \"alpha\" is not a parameter of activation \"sigmoid\" (it takes none)"},
        {IN4 "{\"op\": \"reshape\", \"shape\": [5, 3]}]}",
         "model.json: op 1: \"shape\" holds 15 values, the input (4, 4, 1) holds 16"},
        {IN4 "{\"op\": \"reshape\"}]}",
         "model.json: op 1: missing \"shape\" (the output's shape: 1 to 4 sizes, one of them may be -1)"},
        {IN4 "{\"op\": \"concat\", \"inputs\": [\"input\", \"input\"], \"axis\": 0}]}",
         "model.json: op 1: \"axis\" 0 is the batch axis, which cannot be joined (Keras' numbering: 1 is the tensor's "
         "first axis, -1 its last)"},
        {IN4 "{\"op\": \"crop2d\", \"cropping\": [[2, 2], [0, 0]]}]}",
         "model.json: op 1: \"cropping\" takes 2 + 2 of the 4 rows: nothing would be left"},
        {IN4 "{\"op\": \"zero_pad2d\"}]}",
         "model.json: op 1: missing \"padding\" (the amounts [[top, bottom], [left, right]])"},
        {IN4 "{\"op\": \"zero_pad2d\", \"padding\": [[0, -1], [0, 0]]}]}",
         "model.json: op 1: \"padding\" after the rows must be an integer from 0 to 65535, got -1"},
        {IN4 "{\"op\": \"permute\", \"dims\": [1, 1, 2]}]}", "model.json: op 1: \"dims\" names axis 1 twice"},
        {IN4 "{\"op\": \"permute\", \"dims\": [0, 1, 2]}]}",
         "model.json: op 1: \"dims\" value 1 must be an integer from 1 to 3, got 0"},
        {IN4 "{\"op\": \"global_avg_pool\", \"keepdims\": 1}]}",
         "model.json: op 1: \"keepdims\" must be true or false, got 1"},
        {IN4 "{\"op\": \"layer_norm\", \"epsilon\": 0}]}",
         "model.json: op 1: \"epsilon\" must be > 0 (as a 32-bit float), got 0"},
        {IN4 "{\"op\": \"channel_affine\", \"scale\": [1]}]}",
         "model.json: op 1: missing \"shift\" (one number per channel (the input's last axis))"},
        {IN4 "{\"op\": \"upsample2d\", \"size\": [20000, 1]}]}",
         "model.json: op 1: the output's rows or columns would be 80000 (1 to 65535)"},
        {IN4 "{\"op\": \"upsample2d\", \"size\": [200, 200]}]}",
         "model.json: op 1: the model's output (the last op's) is (800, 800, 1), 640000 values; a model's output "
         "holds at most 65535"},
        {"{\"input\": {\"shape\": [8]}, \"ops\": [{\"op\": \"global_avg_pool\"}]}",
         "model.json: op 1: global_avg_pool reads a tensor of rank 2 or more, (steps, channels) or (height, width, "
         "channels); its input is (8,)"},
        {"{\"input\": {\"shape\": [8]}, \"ops\": [{\"op\": \"max_pool2d\"}]}",
         "model.json: op 1: max_pool2d reads (height, width, channels) or (steps, channels) tensors; its input is "
         "(8,)"},
        {"{\"input\": {\"shape\": [4, 1]}, \"ops\": [{\"op\": \"conv2d\", \"kernel_size\": [1, 3], \"padding\": "
         "\"same\", \"kernel\": [[[[1]], [[1]], [[1]]]]}, {\"op\": \"max_pool2d\", \"pool_size\": [2, 1], "
         "\"strides\": 1, \"padding\": [[1, 1], [0, 0]]}]}",
         "model.json: op 2: on a (steps, channels) input the window's rows must give one row (the input is one row "
         "high); these settings give 2"},
        {IN4 "]}", "model.json: \"ops\" is empty: a graph needs at least one op"},
        {IN4 "3]}", "model.json: op 1: must be an object such as {\"op\": \"conv2d\", ...}, got 3"},
        {"{\"input\": {\"size\": 16}, \"ops\": [{\"op\": \"activation\"}]}",
         "model.json: a graph (\"ops\") needs its input's shape: \"input\": {\"shape\": [...]}, e.g. [28, 28, 1] for "
         "28 × 28 images of one channel"},
        {"{\"input\": {\"shape\": [4, 4, 1]}, \"layers\": [{\"kernel\": [[1]]}]}",
         "model.json: input: \"shape\" is for graphs (\"ops\"); a dense chain (\"layers\") has \"size\""},
        {"{\"input\": {\"shape\": [4, 4, 1]}, \"layers\": [], \"ops\": []}",
         "model.json: give \"layers\" (a dense chain) or \"ops\" (a graph), not both"},
        {"{\"input\": {\"shape\": [300, 300]}, \"ops\": [{\"op\": \"activation\"}]}",
         "model.json: input: \"shape\" has 90000 values; a model's input holds at most 65535"},
        {"{\"input\": {\"shape\": [2, 2], \"mean\": [1, 2, 3], \"std\": [1, 1, 1]}, \"ops\": [{\"op\": "
         "\"activation\"}]}",
         "model.json: input: \"mean\" has 3 values, expected 4 (the values of \"shape\")"},
        {"{\"input\": {\"shape\": [1, 2, 3, 4, 5]}, \"ops\": [{\"op\": \"activation\"}]}",
         "model.json: input: \"shape\" must be a list of 1 to 4 sizes without the batch axis, e.g. [28, 28, 1]; got a "
         "list"},
        {IN4 "{\"op\": \"avg_pool2d\"}], \"classes\": [\"a\"]}",
         "model.json: \"classes\" has 1 names, expected 4 (the output values of the last op)"},
    };
    (void)state;
    anne_test_json_errors(cases, sizeof cases / sizeof cases[0]);
}

/* Hostile sizes: refused before parsing (the prescan's limits), or by the reader with the op named. */
static void test_hostile_graph_documents(void **state) {
    const size_t numbers = ANNE_JSON_MAX_NUMBERS + 1u;
    size_t i, at, cap = 2u * numbers + 256u;
    char *s = malloc(cap);
    anne_ir ir;
    anne_error err;
    (void)state;
    assert_non_null(s);
    /* a kernel of more numbers than any model may have */
    at = (size_t)sprintf(s, "{\"input\": {\"shape\": [1]}, \"ops\": [{\"op\": \"dense\", \"kernel\": [[");
    for (i = 0; i < numbers; i++) at += (size_t)sprintf(s + at, "%s0", i ? "," : "");
    at += (size_t)sprintf(s + at, "]]}]}");
    assert_int_equal(anne_json_read(&ir, s, at, "huge.json", &err), -1);
    assert_non_null(strstr(err.msg, "huge.json: line 1, column "));
    assert_non_null(strstr(err.msg, "refused before parsing"));
    /* more ops than a model may have */
    at = (size_t)sprintf(s, "{\"input\": {\"shape\": [2]}, \"ops\": [");
    for (i = 0; i < ANNE_MAX_TENSORS; i++) at += (size_t)sprintf(s + at, "%s{\"op\": \"activation\"}", i ? "," : "");
    at += (size_t)sprintf(s + at, "]}");
    assert_int_equal(anne_json_read(&ir, s, at, "many.json", &err), -1);
    assert_string_equal(err.msg, "many.json: \"ops\" has 1024 ops, at most 1023");
    /* 1023 ops are fine, each reading the one before */
    at = (size_t)sprintf(s, "{\"input\": {\"shape\": [2]}, \"ops\": [");
    for (i = 0; i + 1u < ANNE_MAX_TENSORS; i++) {
        at += (size_t)sprintf(s + at, "%s{\"op\": \"activation\", \"name\": \"a%zu\", \"inputs\": [\"%s%zu\"]}",
                              i ? "," : "", i, i ? "a" : "input", i ? i - 1u : 0u);
    }
    /* the first one's input is "input" followed by 0: the name "input0", which no op has */
    at += (size_t)sprintf(s + at, "]}");
    assert_int_equal(anne_json_read(&ir, s, at, "chain.json", &err), -1);
    assert_string_equal(err.msg, "chain.json: op 1 (\"a0\"): \"inputs\" value 1: no op is named \"input0\" (an input "
                                 "is \"input\" or the name of an op before this one)");
    memcpy(strstr(s, "input0"), "input\" ", 7); /* "input" and a blank */
    if (anne_json_read(&ir, s, at, "chain.json", &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_ops, ANNE_MAX_TENSORS - 1u);
    anne_ir_free(&ir);
    /* a kernel nested deeper than its op's: a clear message, no recursion beyond the op's depth */
    at = (size_t)sprintf(s, "{\"input\": {\"shape\": [1]}, \"ops\": [{\"op\": \"dense\", \"kernel\": ");
    for (i = 0; i < 500; i++) s[at++] = '[';
    s[at++] = '1';
    for (i = 0; i < 500; i++) s[at++] = ']';
    at += (size_t)sprintf(s + at, "}]}");
    assert_int_equal(anne_json_read(&ir, s, at, "deep.json", &err), -1);
    assert_string_equal(err.msg, "deep.json: op 1: \"kernel\"[0][0] must be a number, got a list");
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tfjs_graph_models_round_trip),
        cmocka_unit_test(test_kernels_are_keras_arrays),
        cmocka_unit_test(test_every_op_kind_round_trips),
        cmocka_unit_test(test_writer_window_forms),
        cmocka_unit_test(test_example_converts_and_predicts),
        cmocka_unit_test(test_errors_name_their_place),
        cmocka_unit_test(test_hostile_graph_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
