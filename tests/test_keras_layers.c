/* The Keras layer mapping on hand-written configs (no files): version-dependent activations
 * (hard_sigmoid in Keras 2 / 3 / TF.js, LeakyReLU's names and defaults, the leaky_relu function's
 * 0.2), Normalization with Keras' exact divisor, Rescaling, BatchNormalization without gamma/beta,
 * Keras 2 and Keras 3 Functional chains and non-chains, and the refusals' messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_keras.h"
#include "test_support.h"

/* Weights by layer name: up to 4 arrays of up to 16 floats, shapes (rank 1 to 3) given. */
typedef struct fake_weights {
    const char *layer;
    int count;
    int rank[4];
    size_t dims[4][3];
    float v[4][16];
} fake_weights;

static const fake_weights *g_weights;
static size_t g_n_weights;

static int fake_source(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays, size_t *n,
                       anne_error *err) {
    size_t i;
    int k;
    (void)ctx;
    (void)err;
    *arrays = NULL;
    *n = 0;
    for (i = 0; i < g_n_weights; i++) {
        const fake_weights *w = &g_weights[i];
        if (strcmp(w->layer, ref->name) != 0) continue;
        *arrays = calloc((size_t)w->count, sizeof **arrays);
        assert_non_null(*arrays);
        for (k = 0; k < w->count; k++) {
            anne_keras_array *a = &(*arrays)[k];
            int d;
            a->rank = w->rank[k];
            a->n = 1;
            for (d = 0; d < a->rank; d++) {
                a->dims[d] = w->dims[k][d];
                a->n *= a->dims[d];
            }
            a->data = malloc(a->n * sizeof(float));
            assert_non_null(a->data);
            memcpy(a->data, w->v[k], a->n * sizeof(float));
        }
        *n = (size_t)w->count;
        return 0;
    }
    return 0;
}

/* Converts a config; returns 0 or -1 with the message in err. */
static int run(const char *config, int keras_major, int tfjs, anne_ir *ir, anne_error *err) {
    cJSON *root = cJSON_Parse(config);
    anne_keras_source src;
    int rc;
    assert_non_null(root);
    memset(&src, 0, sizeof src);
    src.path = "m";
    src.model = root;
    src.keras_major = keras_major;
    src.tfjs = tfjs;
    src.weights = fake_source;
    rc = anne_keras_convert(ir, &src, err);
    cJSON_Delete(root);
    return rc;
}

/* A 2 -> 2 Dense (kernel [[1, 2], [3, 4]], bias [0.5, -0.5]) named d. */
static const fake_weights dense_d = {"d", 2, {2, 1}, {{2, 2}, {2, 0}}, {{1, 2, 3, 4}, {0.5f, -0.5f}}};

#define SEQ(layers) "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [" \
    "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 2]}}," layers "]}}"

static void test_hard_sigmoid_by_version(void **state) {
    static const char cfg[] = SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                                  "\"activation\": \"hard_sigmoid\"}}");
    static const char tfjs[] = SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                                   "\"activation\": \"hardSigmoid\"}}");
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    assert_int_equal(run(cfg, 2, 0, &ir, &err), 0);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_HARD_SIGMOID);
    /* the runtime kernel is Keras' transposed: row j = unit j */
    assert_true(ir.layers[0].kernel[0] == 1 && ir.layers[0].kernel[1] == 3 && ir.layers[0].kernel[2] == 2);
    anne_ir_free(&ir);
    assert_int_equal(run(cfg, 3, 0, &ir, &err), 0);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_HARD_SIGMOID_K3);
    anne_ir_free(&ir);
    assert_int_equal(run(tfjs, 2, 1, &ir, &err), 0);
    assert_int_equal(ir.layers[0].activation, ANNE_ACT_HARD_SIGMOID);
    anne_ir_free(&ir);
}

static void test_leaky_names_and_defaults(void **state) {
    static const struct { const char *layer; float alpha; } cases[] = {
        {"{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"l\"}}", 0.3f},
        {"{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"l\", \"alpha\": 0.1}}", 0.1f},
        {"{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"l\", \"negative_slope\": 0.05}}", 0.05f},
        {"{\"class_name\": \"Activation\", \"config\": {\"name\": \"l\", \"activation\": \"leaky_relu\"}}", 0.2f},
    };
    size_t i;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cfg[1024];
        anne_ir ir;
        anne_error err;
        snprintf(cfg, sizeof cfg, SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}, %s"),
                 cases[i].layer);
        if (run(cfg, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(ir.n_layers, 1); /* merged into the linear Dense */
        assert_int_equal(ir.layers[0].activation, ANNE_ACT_LEAKY_RELU);
        assert_true(ir.layers[0].param[0] == cases[i].alpha);
        anne_ir_free(&ir);
    }
}

/* Normalization first: (x - mean) / max(sqrt(var), 1e-7) as the input scaling, the divisor computed
 * as Keras does in float32; a zero variance gives the 1e-7 floor. */
static void test_normalization_exact(void **state) {
    static const fake_weights w[2] = {
        {"n", 3, {1, 1, 0}, {{2, 0}, {2, 0}, {0, 0}}, {{1.5f, -2}, {2.0f, 0.0f}, {10}}},
        {"d", 2, {2, 1}, {{2, 2}, {2, 0}}, {{1, 2, 3, 4}, {0.5f, -0.5f}}},
    };
    static const char cfg[] = SEQ("{\"class_name\": \"Normalization\", \"config\": {\"name\": \"n\", \"axis\": -1}},"
                                  "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}");
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = w;
    g_n_weights = 2;
    if (run(cfg, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.scaling, ANNE_SCALING_STANDARDIZE);
    assert_true(ir.scale_a[0] == 1.5f && ir.scale_a[1] == -2.0f);
    assert_true(ir.scale_b[0] == sqrtf(2.0f) && ir.scale_b[1] == 1e-7f);
    assert_int_equal(ir.n_layers, 1);
    anne_ir_free(&ir);
}

/* Rescaling first becomes standardize (x - (-offset/scale)) / (1/scale); a negative scale is refused;
 * after a linear Dense it folds into it. */
static void test_rescaling(void **state) {
    static const char first[] = SEQ("{\"class_name\": \"Rescaling\", \"config\": {\"name\": \"r\", \"scale\": 0.5, "
                                    "\"offset\": 1}}, {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}");
    static const char neg[] = SEQ("{\"class_name\": \"Rescaling\", \"config\": {\"name\": \"r\", \"scale\": -1}}");
    static const char after[] = SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}},"
                                    "{\"class_name\": \"Rescaling\", \"config\": {\"name\": \"r\", \"scale\": 2, \"offset\": 1}}");
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    if (run(first, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.scaling, ANNE_SCALING_STANDARDIZE);
    assert_true(ir.scale_a[0] == -2.0f && ir.scale_b[0] == 2.0f);
    anne_ir_free(&ir);
    assert_int_equal(run(neg, 3, 0, &ir, &err), -1);
    assert_string_equal(err.msg, "m: layer 2 \"r\" (Rescaling): scale -1: only a positive scale can become the "
                                 "model's input scaling");
    if (run(after, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_layers, 1);
    /* unit 0: 2 * (1 x0 + 3 x1 + 0.5) + 1 */
    assert_true(ir.layers[0].kernel[0] == 2 && ir.layers[0].kernel[1] == 6 && ir.layers[0].bias[0] == 2);
    anne_ir_free(&ir);
}

/* BatchNormalization without gamma and beta (scale=False, center=False) after a relu Dense: a diagonal
 * Dense with 1/sqrt(var + eps) and -mean/sqrt(var + eps). */
static void test_batchnorm_diagonal(void **state) {
    static const fake_weights w[2] = {
        {"d", 2, {2, 1}, {{2, 2}, {2, 0}}, {{1, 2, 3, 4}, {0.5f, -0.5f}}},
        {"bn", 2, {1, 1}, {{2, 0}, {2, 0}}, {{1, -1}, {3.99f, 0.99f}}},
    };
    static const char cfg[] = SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                                  "\"activation\": \"relu\"}}, {\"class_name\": \"BatchNormalization\", \"config\": "
                                  "{\"name\": \"bn\", \"axis\": -1, \"epsilon\": 0.01, \"scale\": false, \"center\": false}}");
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = w;
    g_n_weights = 2;
    if (run(cfg, 2, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_layers, 2);
    assert_true(ir.layers[1].kernel[0] == 0.5f && ir.layers[1].kernel[1] == 0 && ir.layers[1].kernel[3] == 1.0f);
    assert_true(ir.layers[1].bias[0] == -0.5f && ir.layers[1].bias[1] == 1.0f);
    anne_ir_free(&ir);
}

/* Functional models: Keras 2 and Keras 3 inbound_nodes forms of a chain convert; a layer fed by
 * something else than the layer before it is refused, named. */
static void test_functional_chains(void **state) {
    static const char k2[] =
        "{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
        "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 2]},"
        " \"inbound_nodes\": []},"
        "{\"class_name\": \"Dense\", \"name\": \"d\", \"config\": {\"name\": \"d\", \"units\": 2},"
        " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]}],"
        " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"d\", 0, 0]]}}";
    static const char k3[] =
        "{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
        "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 2]},"
        " \"inbound_nodes\": []},"
        "{\"class_name\": \"Dense\", \"name\": \"d\", \"config\": {\"name\": \"d\", \"units\": 2},"
        " \"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 2],"
        " \"keras_history\": [\"in\", 0, 0]}}], \"kwargs\": {}}]}],"
        " \"input_layers\": [\"in\", 0, 0], \"output_layers\": [\"d\", 0, 0]}}";
    static const char skip[] =
        "{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
        "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 2]},"
        " \"inbound_nodes\": []},"
        "{\"class_name\": \"Dense\", \"name\": \"d\", \"config\": {\"name\": \"d\", \"units\": 2},"
        " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
        "{\"class_name\": \"Add\", \"name\": \"add\", \"config\": {\"name\": \"add\"},"
        " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"d\", 0, 0, {}]]]}],"
        " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    if (run(k2, 2, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_layers, 1);
    anne_ir_free(&ir);
    if (run(k3, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_inputs, 2);
    anne_ir_free(&ir);
    /* a skip connection is a graph model: Dense, then Add of the input and the Dense's output */
    if (run(skip, 2, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_layers, 0);
    assert_int_equal(ir.n_ops, 2);
    assert_int_equal(ir.ops[0].kind, ANNE_OP_DENSE);
    assert_int_equal(ir.ops[1].kind, ANNE_OP_ADD);
    assert_int_equal(ir.ops[1].n_inputs, 2);
    assert_int_equal(ir.ops[1].inputs[0], 0);
    assert_int_equal(ir.ops[1].inputs[1], 1);
    anne_ir_free(&ir);
}

/* Refusals name the layer: an unknown activation. A Dense on a 2-D input works on its last axis, as
 * Keras' does (a graph model). */
static void test_refusals(void **state) {
    static const char act[] = SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                                  "\"activation\": \"mish\"}}");
    static const char nd[] = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
                             "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                             "\"batch_input_shape\": [null, 3, 2]}}]}}";
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    assert_int_equal(run(act, 2, 0, &ir, &err), -1);
    assert_non_null(strstr(err.msg, "m: layer 2 \"d\" (Dense): not supported: activation \"mish\" is not supported"));
    if (run(nd, 2, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(ir.n_ops, 1);
    assert_int_equal(ir.tensors[1].rank, 2);
    assert_int_equal(ir.tensors[1].dims[0], 3);
    assert_int_equal(ir.tensors[1].dims[1], 2);
    anne_ir_free(&ir);
    assert_int_equal(run("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}", 2, 0, &ir, &err), -1);
    assert_string_equal(err.msg, "m: the model has no layers");
}

static void test_snake_case(void **state) {
    char s[64];
    (void)state;
    anne_keras_snake_case("PReLU", s, sizeof s), assert_string_equal(s, "p_re_lu");
    anne_keras_snake_case("BatchNormalization", s, sizeof s), assert_string_equal(s, "batch_normalization");
    anne_keras_snake_case("Dense", s, sizeof s), assert_string_equal(s, "dense");
    anne_keras_snake_case("LeakyReLU", s, sizeof s), assert_string_equal(s, "leaky_re_lu");
    anne_keras_snake_case("QDense", s, sizeof s), assert_string_equal(s, "q_dense");
    assert_int_equal(anne_keras_major("3.7.0"), 3);
    assert_int_equal(anne_keras_major("2.15.0"), 2);
    assert_int_equal(anne_keras_major("tfjs-layers 4.22.0"), 2);
    assert_int_equal(anne_keras_major(NULL), 2);
}

/* A Sequential model over an input of the given shape (a JSON list after the batch's null). */
#define SEQ_SHAPED(shape, layers) "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [" \
    "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, " shape "]}}," \
    layers "]}}"

/* Graph models: every config problem is refused naming the layer, the value and what was expected;
 * none crashes or converts. */
static void test_graph_refusals(void **state) {
    static const struct {
        const char *config, *want;
    } cases[] = {
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                            "\"kernel_size\": [5], \"padding\": \"valid\"}}"),
         "layer 2 \"c\" (Conv1D): the window spans 5 steps but the input has 3"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                            "\"kernel_size\": [0]}}"),
         "layer 2 \"c\" (Conv1D): \"kernel_size\" is 0, expected 1 to 65535"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                            "\"kernel_size\": [2], \"groups\": 2}}"),
         "layer 2 \"c\" (Conv1D): not supported: grouped convolution (groups 2)"},
        {SEQ_SHAPED("4, 4, 2", "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                               "\"kernel_size\": [2, 2], \"data_format\": \"channels_first\"}}"),
         "layer 2 \"c\" (Conv2D): not supported: data_format \"channels_first\""},
        {SEQ_SHAPED("4, 4, 2", "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                               "\"kernel_size\": [2, 2], \"padding\": \"causal\"}}"),
         "layer 2 \"c\" (Conv2D): not supported: padding \"causal\" is not supported (valid, same)"},
        {SEQ_SHAPED("4, 2", "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
                            "\"kernel_size\": [2, 2]}}"),
         "layer 2 \"c\" (Conv2D): its input has rank 2; a 2D layer takes (height, width, channels)"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"d\", \"filters\": 2, "
                            "\"kernel_size\": [2], \"use_bias\": false}}"),
         "layer 2 \"d\" (Conv1D): kernel has shape (2, 2), expected (2, 2, 2)"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", \"target_shape\": [4, -1]}}"),
         "layer 2 \"r\" (Reshape): cannot reshape 6 values into a shape with 4 values per -1"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", \"dims\": [1, 1]}}"),
         "layer 2 \"p\" (Permute): \"dims\" names axis 1 twice"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", \"size\": [2, 2], "
                            "\"interpolation\": \"bilinear\"}}"),
         "layer 2 \"u\" (UpSampling2D): not supported: interpolation \"bilinear\""},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"k\", \"cropping\": [2, 1]}}"),
         "layer 2 \"k\" (Cropping1D): gives an axis of 0 (expected 1 to 65535)"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"LayerNormalization\", \"config\": {\"name\": \"n\", \"axis\": [1]}}"),
         "layer 2 \"n\" (LayerNormalization): normalizes an axis other than the last"},
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"PReLU\", \"config\": {\"name\": \"q\", \"shared_axes\": [3]}}"),
         "layer 2 \"q\" (PReLU): \"shared_axes\" must list axes 1 to 2 of its (2-axis) input"},
        /* alpha of the wrong shape: (2, 2) where shared_axes [1] leaves (1, 2) */
        {SEQ_SHAPED("3, 2", "{\"class_name\": \"PReLU\", \"config\": {\"name\": \"d\", \"shared_axes\": [1]}}"),
         "layer 2 \"d\" (PReLU): alpha has shape (2, 2), expected (1, 2)"},
        /* a merge of a (3, 2) and a (3, 4) tensor; a concatenation along a batch axis; two inputs */
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
         "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 3, 2]},"
         " \"inbound_nodes\": []},"
         "{\"class_name\": \"ZeroPadding1D\", \"name\": \"z\", \"config\": {\"name\": \"z\", \"padding\": [1, 1]},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
         "{\"class_name\": \"Add\", \"name\": \"a\", \"config\": {\"name\": \"a\"},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"z\", 0, 0, {}]]]}],"
         " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"a\", 0, 0]]}}",
         "layer 3 \"a\" (Add): input 2 has shape (5, 2), input 1 (3, 2): shapes that do not broadcast"},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
         "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 3, 2]},"
         " \"inbound_nodes\": []},"
         "{\"class_name\": \"Concatenate\", \"name\": \"c\", \"config\": {\"name\": \"c\", \"axis\": 0},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"in\", 0, 0, {}]]]}],"
         " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"c\", 0, 0]]}}",
         "layer 2 \"c\" (Concatenate): axis 0 is not an axis of a sample"},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
         "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 3, 2]},"
         " \"inbound_nodes\": []},"
         "{\"class_name\": \"Add\", \"name\": \"a\", \"config\": {\"name\": \"a\"},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"ghost\", 0, 0, {}]]]}],"
         " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"a\", 0, 0]]}}",
         "layer 2 \"a\" (Add): its input \"ghost\" is not a layer of the model"},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": ["
         "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 3, 2]},"
         " \"inbound_nodes\": []},"
         "{\"class_name\": \"Add\", \"name\": \"a\", \"config\": {\"name\": \"a\"},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"b\", 0, 0, {}]]]},"
         "{\"class_name\": \"Add\", \"name\": \"b\", \"config\": {\"name\": \"b\"},"
         " \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"a\", 0, 0, {}]]]}],"
         " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"b\", 0, 0]]}}",
         "m: the layers' inputs form a cycle"},
    };
    static const fake_weights bad_conv = {"d", 1, {2}, {{2, 2}}, {{1, 2, 3, 4}}};
    size_t i;
    anne_ir ir;
    anne_error err;
    (void)state;
    g_weights = &bad_conv;
    g_n_weights = 1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (run(cases[i].config, 2, 0, &ir, &err) == 0) {
            anne_ir_free(&ir);
            fail_msg("case %zu converted; expected \"%s\"", i + 1u, cases[i].want);
        }
        if (strstr(err.msg, cases[i].want) == NULL) fail_msg("case %zu: \"%s\" lacks \"%s\"", i + 1u, err.msg, cases[i].want);
    }
}

/* Keras 3's hard_swish and its other name hard_silu: ANNE's hard_swish activation. */
static void test_hard_swish_names(void **state) {
    static const char *const names[] = {"hard_swish", "hard_silu"};
    size_t i;
    (void)state;
    g_weights = &dense_d;
    g_n_weights = 1;
    for (i = 0; i < 2; i++) {
        char cfg[512];
        anne_ir ir;
        anne_error err;
        snprintf(cfg, sizeof cfg, SEQ("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2, "
                                      "\"activation\": \"%s\"}}"), names[i]);
        if (run(cfg, 3, 0, &ir, &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(ir.layers[0].activation, ANNE_ACT_HARD_SWISH);
        anne_ir_free(&ir);
    }
}

/* PReLU in a graph model (a (2, 3) input): alpha of the input's shape with shared_axes of size 1 becomes
 * one slope per channel when only the channels are left, else one per value, repeated along the
 * shared axes in the input's row-major order. */
static void test_prelu_graph_alphas(void **state) {
    static const struct {
        const char *shared;
        fake_weights w;
        uint32_t n;
        float want[6];
    } cases[] = {
        {"[1]", {"q", 1, {2}, {{1, 3}}, {{0.1f, 0.2f, 0.3f}}}, 3, {0.1f, 0.2f, 0.3f}},
        {"null", {"q", 1, {2}, {{2, 3}}, {{1, 2, 3, 4, 5, 6}}}, 6, {1, 2, 3, 4, 5, 6}},
        {"[2]", {"q", 1, {2}, {{2, 1}}, {{-1, 0.5f}}}, 6, {-1, -1, -1, 0.5f, 0.5f, 0.5f}},
        {"[1, 2]", {"q", 1, {2}, {{1, 1}}, {{0.25f}}}, 3, {0.25f, 0.25f, 0.25f}},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cfg[512];
        anne_ir ir;
        anne_error err;
        snprintf(cfg, sizeof cfg, SEQ_SHAPED("2, 3", "{\"class_name\": \"PReLU\", \"config\": {\"name\": \"q\", "
                                                     "\"shared_axes\": %s}}"), cases[i].shared);
        g_weights = &cases[i].w;
        g_n_weights = 1;
        if (run(cfg, 3, 0, &ir, &err) != 0) fail_msg("shared_axes %s: %s", cases[i].shared, err.msg);
        assert_int_equal(ir.n_ops, 1);
        assert_int_equal(ir.ops[0].kind, ANNE_OP_PRELU);
        assert_int_equal(ir.ops[0].kernel_n, cases[i].n);
        assert_memory_equal(ir.ops[0].kernel, cases[i].want, cases[i].n * sizeof(float));
        anne_ir_free(&ir);
    }
}

/* Conv1D padding "causal" is ZeroPadding1D((k - 1) * dilation, 0) then a 'valid' Conv1D, bit for bit. */
static void test_causal_conv1d(void **state) {
    static const char causal[] = SEQ_SHAPED("6, 2", "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", "
        "\"filters\": 2, \"kernel_size\": [3], \"dilation_rate\": [2], \"padding\": \"causal\"}}");
    static const char padded[] = SEQ_SHAPED("6, 2", "{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\", "
        "\"padding\": [4, 0]}}, {\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 2, "
        "\"kernel_size\": [3], \"dilation_rate\": [2], \"padding\": \"valid\"}}");
    static const fake_weights conv = {"c", 2, {3, 1}, {{3, 2, 2}, {2, 0, 0}},
                                      {{0.5f, -1, 0.25f, 2, -0.75f, 1.5f, 1, -0.5f, 0.125f, 3, -2, 0.625f}, {0.1f, -0.2f}}};
    anne_ir a, b;
    anne_error err;
    unsigned char *ba, *bb;
    size_t na, nb, r, i;
    anne_model ma, mb;
    float x[12], ya[12], yb[12], arena[256];
    (void)state;
    g_weights = &conv;
    g_n_weights = 1;
    if (run(causal, 2, 0, &a, &err) != 0) fail_msg("%s", err.msg);
    if (run(padded, 2, 0, &b, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(a.tensors[a.n_ops].dims[0], 6); /* causal keeps the length */
    if (anne_ir_serialize(&a, &ba, &na, &err) != 0 || anne_ir_serialize(&b, &bb, &nb, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&ma, ba, na), ANNE_OK);
    assert_int_equal(anne_model_load(&mb, bb, nb), ANNE_OK);
    for (r = 0; r < 8; r++) {
        for (i = 0; i < 12; i++) x[i] = (float)((i * 5u + r * 3u) % 11u) - 5.0f;
        assert_int_equal(anne_model_predict(&ma, ya, x, arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_model_predict(&mb, yb, x, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(ya, yb, sizeof ya);
    }
    free(ba);
    free(bb);
    anne_ir_free(&a);
    anne_ir_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_sigmoid_by_version), cmocka_unit_test(test_leaky_names_and_defaults),
        cmocka_unit_test(test_normalization_exact),     cmocka_unit_test(test_rescaling),
        cmocka_unit_test(test_batchnorm_diagonal),      cmocka_unit_test(test_functional_chains),
        cmocka_unit_test(test_refusals),                cmocka_unit_test(test_snake_case),
        cmocka_unit_test(test_graph_refusals),          cmocka_unit_test(test_causal_conv1d),
        cmocka_unit_test(test_hard_swish_names),        cmocka_unit_test(test_prelu_graph_alphas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
