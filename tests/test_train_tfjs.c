/* The C trainer against TensorFlow.js 4.22 (pure JS, CPU backend): from the same initial weights,
 * data and batches in the same order, every run recorded in tests/data/tfjs_train/ (made by
 * reference/tfjs/train_reference.js) must end at the same weights, and report the same loss per
 * epoch, within 1e-5. Adam uses TF.js' own epsilon placement (ANNE_ADAM_TFJS). PReLU layers (a Dense and
 * tf.layers.prelu there) carry "alpha", their per-unit slopes, which must train to TF.js' values too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_file.h"
#include "anne_train.h"
#include "test_support.h"

#define TOL 1e-5
#define MAX_LAYERS 8

static cJSON *read_json(const char *rel) {
    unsigned char *data;
    size_t size;
    anne_error err;
    cJSON *doc;
    if (anne_file_read(anne_test_path(rel), &data, &size, &err) != 0) fail_msg("%s", err.msg);
    doc = cJSON_Parse((const char *)data);
    free(data);
    if (doc == NULL) fail_msg("%s: not JSON", rel);
    return doc;
}

static const cJSON *get(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) fail_msg("reference file lacks \"%s\"", key);
    return v;
}

static double num(const cJSON *obj, const char *key) {
    const cJSON *v = get(obj, key);
    if (!cJSON_IsNumber(v)) fail_msg("\"%s\" is not a number", key);
    return v->valuedouble;
}

/* Reads a (rows, cols) array of numbers into floats. */
static float *matrix(const cJSON *m, int rows, int cols) {
    float *out = malloc((size_t)rows * (size_t)cols * sizeof *out);
    int r, c;
    assert_non_null(out);
    assert_int_equal(cJSON_GetArraySize(m), rows);
    for (r = 0; r < rows; r++) {
        const cJSON *row = cJSON_GetArrayItem(m, r);
        if (cJSON_IsNumber(row)) { /* a vector */
            assert_int_equal(cols, 1);
            out[r] = (float)row->valuedouble;
            continue;
        }
        assert_int_equal(cJSON_GetArraySize(row), cols);
        for (c = 0; c < cols; c++) out[r * cols + c] = (float)cJSON_GetArrayItem(row, c)->valuedouble;
    }
    return out;
}

typedef struct net_weights {
    int n_layers;
    anne_layer layers[MAX_LAYERS];
    float *kernel[MAX_LAYERS], *bias[MAX_LAYERS], *alpha[MAX_LAYERS]; /* alpha: prelu only, else NULL */
} net_weights;

static void read_weights(net_weights *w, const cJSON *arr, uint16_t n_inputs) {
    int l;
    uint16_t n_in = n_inputs;
    memset(w, 0, sizeof *w);
    w->n_layers = cJSON_GetArraySize(arr);
    assert_true(w->n_layers >= 1 && w->n_layers <= MAX_LAYERS);
    for (l = 0; l < w->n_layers; l++) {
        const cJSON *jl = cJSON_GetArrayItem(arr, l);
        anne_layer *ly = &w->layers[l];
        uint16_t units = (uint16_t)num(jl, "units");
        ly->kind = ANNE_LAYER_DENSE;
        ly->dtype = ANNE_DTYPE_F32;
        if (anne_activation_from_name(get(jl, "activation")->valuestring, &ly->activation) != 0) {
            fail_msg("unknown activation %s", get(jl, "activation")->valuestring);
        }
        anne_ir_default_params(ly->activation, ly->param);
        ly->n_in = n_in;
        ly->n_out = units;
        w->kernel[l] = matrix(get(jl, "kernel"), units, n_in);
        w->bias[l] = matrix(get(jl, "bias"), units, 1);
        ly->kernel = w->kernel[l];
        ly->bias = w->bias[l];
        if (ly->activation == ANNE_ACT_PRELU) {
            w->alpha[l] = matrix(get(jl, "alpha"), units, 1);
            ly->act_data = w->alpha[l];
        }
        n_in = units;
    }
}

static void free_weights(net_weights *w) {
    int l;
    for (l = 0; l < w->n_layers; l++) {
        free(w->kernel[l]);
        free(w->bias[l]);
        free(w->alpha[l]);
    }
}

static void run_reference(const char *file) {
    char rel[256];
    cJSON *doc;
    const cJSON *opt, *losses;
    const char *loss_name, *opt_name;
    net_weights init, final;
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t;
    uint16_t n_inputs, n_outputs;
    int rows, batch, epochs, sparse, e, r, l;
    float *x, *y;
    size_t size;
    void *arena;
    double worst_w = 0, worst_loss = 0;
    int n_prelu = 0;

    snprintf(rel, sizeof rel, "tests/data/tfjs_train/%s", file);
    doc = read_json(rel);
    n_inputs = (uint16_t)num(doc, "n_inputs");
    batch = (int)num(doc, "batch_size");
    epochs = (int)num(doc, "epochs");
    loss_name = get(doc, "loss")->valuestring;
    read_weights(&init, get(doc, "initial"), n_inputs);
    read_weights(&final, get(doc, "final"), n_inputs);
    n_outputs = init.layers[init.n_layers - 1].n_out;
    rows = cJSON_GetArraySize(get(doc, "x"));
    x = matrix(get(doc, "x"), rows, n_inputs);
    sparse = strcmp(loss_name, "sparse_categorical_crossentropy") == 0;
    y = matrix(get(doc, "y"), rows, sparse ? 1 : n_outputs);

    memset(&cfg, 0, sizeof cfg);
    if (strcmp(loss_name, "binary_crossentropy") == 0) cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    else if (strcmp(loss_name, "mse") == 0) cfg.loss = ANNE_LOSS_MSE;
    else cfg.loss = ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
    opt = get(doc, "optimizer");
    opt_name = get(opt, "name")->valuestring;
    if (strcmp(opt_name, "sgd") == 0) anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_SGD);
    else if (strcmp(opt_name, "momentum") == 0) anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_MOMENTUM);
    else if (strcmp(opt_name, "nesterov") == 0) anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_NESTEROV);
    else anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.optimizer.lr = (float)num(opt, "lr");
    if (cfg.optimizer.kind == ANNE_OPTIMIZER_MOMENTUM || cfg.optimizer.kind == ANNE_OPTIMIZER_NESTEROV) {
        cfg.optimizer.momentum = (float)num(opt, "momentum");
    }
    if (cfg.optimizer.kind == ANNE_OPTIMIZER_ADAM) {
        cfg.optimizer.beta1 = (float)num(opt, "beta1");
        cfg.optimizer.beta2 = (float)num(opt, "beta2");
        cfg.optimizer.epsilon = (float)num(opt, "epsilon");
        cfg.optimizer.adam_form = ANNE_ADAM_TFJS;
    }

    memset(&d, 0, sizeof d);
    d.n_inputs = n_inputs;
    d.n_layers = (uint16_t)init.n_layers;
    d.layers = init.layers;
    assert_int_equal(anne_trainer_arena_size(&d, cfg.optimizer.kind, &size), ANNE_OK);
    arena = malloc(size);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, size), ANNE_OK);

    losses = get(doc, "losses");
    assert_int_equal(cJSON_GetArraySize(losses), epochs);
    for (e = 0; e < epochs; e++) {
        double sum = 0, want = cJSON_GetArrayItem(losses, e)->valuedouble, err;
        for (r = 0; r < rows; r++) {
            float loss;
            const float *in = x + (size_t)r * n_inputs;
            if (sparse) {
                assert_int_equal(anne_trainer_accumulate_class(&t, in, (uint16_t)y[r], &loss, NULL), ANNE_OK);
            } else {
                assert_int_equal(anne_trainer_accumulate(&t, in, y + (size_t)r * n_outputs, &loss, NULL), ANNE_OK);
            }
            sum += loss;
            if ((r + 1) % batch == 0 || r + 1 == rows) assert_int_equal(anne_trainer_step(&t), ANNE_OK);
        }
        err = fabs(sum / rows - want);
        if (err > worst_loss) worst_loss = err;
        if (!(err < TOL)) fail_msg("%s: epoch %d loss %.8f, TF.js %.8f", file, e + 1, sum / rows, want);
    }
    assert_int_equal(final.n_layers, t.n_layers);
    for (l = 0; l < t.n_layers; l++) {
        const anne_layer *ly = &t.layers[l];
        const float *k = ly->kernel, *b = ly->bias, *a = ly->act_data;
        int i, n = ly->n_in * ly->n_out, na = ly->activation == ANNE_ACT_PRELU ? ly->n_out : 0;
        static const char *const part[3] = {"kernel", "bias", "alpha"};
        assert_int_equal(ly->activation == ANNE_ACT_PRELU, final.alpha[l] != NULL);
        n_prelu += na > 0;
        for (i = 0; i < n + ly->n_out + na; i++) {
            int which = i < n ? 0 : i < n + ly->n_out ? 1 : 2; /* kernel, bias, alpha */
            int j = which == 0 ? i : which == 1 ? i - n : i - n - ly->n_out;
            double got = which == 0 ? k[j] : which == 1 ? b[j] : a[j];
            double want = which == 0 ? final.kernel[l][j] : which == 1 ? final.bias[l][j] : final.alpha[l][j];
            double err = fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
            if (err > worst_w) worst_w = err;
            if (!(err < TOL)) fail_msg("%s: layer %d %s %d: C %.9g, TF.js %.9g", file, l, part[which], j, got, want);
        }
    }
    print_message("%-36s %d epochs: worst weight difference %.2g, worst epoch-loss difference %.2g%s\n", file, epochs,
                  worst_w, worst_loss, n_prelu > 0 ? " (alphas included)" : "");
    free(arena);
    free(x);
    free(y);
    free_weights(&init);
    free_weights(&final);
    cJSON_Delete(doc);
}

static void test_matches_tfjs_reference_runs(void **state) {
    cJSON *index = read_json("tests/data/tfjs_train/index.json");
    int i, n = cJSON_GetArraySize(index);
    (void)state;
    assert_true(n >= 4);
    for (i = 0; i < n; i++) run_reference(cJSON_GetArrayItem(index, i)->valuestring);
    cJSON_Delete(index);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_tfjs_reference_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
