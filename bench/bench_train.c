/* Host benchmark: wall-clock time to train the paper's IRIS networks (Adam, 500 epochs, batch 32,
 * standardized) on the paper's 80 training rows with the runtime's trainer; bench/README.md has the
 * results beside TensorFlow.js doing the same (bench/tfjs/train_bench.js). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anne.h"
#include "anne_timing.h"
#include "anne_cli.h"
#include "anne_csv.h"
#include "anne_ir.h"
#include "anne_train.h"
#include "anne_train_data.h"

#define EPOCHS 500u
#define BATCH 32u
#define REPEATS 21
#define SEED 0u
#define MAX_LAYERS 4
#if defined(__clang__)
#define COMPILER "clang"
#elif defined(__GNUC__)
#define COMPILER "gcc"
#else
#define COMPILER "cc"
#endif
#ifndef ANNE_BENCH_BUILD_TYPE
#define ANNE_BENCH_BUILD_TYPE "?"
#endif
#if defined(__OPTIMIZE__)
#define BUILD_FLAGS "CMake build type " ANNE_BENCH_BUILD_TYPE ", optimized"
#else
#define BUILD_FLAGS "CMake build type " ANNE_BENCH_BUILD_TYPE ", NOT optimized: these figures say little"
#endif

typedef struct net {
    const char *name;
    uint16_t n_layers;
    uint16_t units[MAX_LAYERS];
    anne_activation act[MAX_LAYERS];
} net;

static const net nets[2] = {
    {"iris_8_neurons", 4, {2, 3, 2, 1}, {ANNE_ACT_RELU, ANNE_ACT_SIGMOID, ANNE_ACT_RELU, ANNE_ACT_SIGMOID}},
    {"iris_6_neurons", 3, {3, 2, 1, 0}, {ANNE_ACT_RELU, ANNE_ACT_SIGMOID, ANNE_ACT_SIGMOID, ANNE_ACT_LINEAR}},
};

/* The training data and its scaling, read before any timing. */
typedef struct data {
    anne_train_rows rows;
    float mean[4], sd[4];
} data;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int load_data(data *d, const char *path, anne_error *err) {
    anne_csv csv;
    anne_csv_labels labels;
    size_t col;
    int rc = -1;
    memset(d, 0, sizeof *d);
    memset(&labels, 0, sizeof labels);
    if (anne_csv_read(&csv, path, err) != 0) return -1;
    if (anne_csv_find(&csv, "Species", &col, err) == 0 && anne_cli_features(&csv, col, 4, &d->rows.x, err) == 0 &&
        anne_csv_labels_read(&csv, col, 2, NULL, &labels, err) == 0) {
        d->rows.n = csv.n_rows;
        d->rows.n_features = 4;
        d->rows.label = labels.y; /* owned by rows from here on */
        labels.y = NULL;
        rc = anne_train_fit_scaling(ANNE_SCALING_STANDARDIZE, &d->rows, d->mean, d->sd, NULL);
    }
    anne_csv_labels_free(&labels);
    anne_csv_free(&csv);
    return rc;
}

/* The architecture of `n` for the trainer (kernels NULL: glorot_uniform from the seed, zero biases). */
static void describe(anne_model_desc *desc, anne_layer *layers, const net *n, data *d) {
    uint16_t i, prev = 4;
    memset(desc, 0, sizeof *desc);
    memset(layers, 0, MAX_LAYERS * sizeof *layers);
    for (i = 0; i < n->n_layers; i++) {
        layers[i].kind = ANNE_LAYER_DENSE;
        layers[i].dtype = ANNE_DTYPE_F32;
        layers[i].activation = n->act[i];
        anne_ir_default_params(n->act[i], layers[i].param); /* relu: max_value +inf, not 0 */
        layers[i].n_in = prev;
        layers[i].n_out = n->units[i];
        prev = n->units[i];
    }
    desc->n_inputs = 4;
    desc->n_layers = n->n_layers;
    desc->layers = layers;
    desc->scaling.kind = ANNE_SCALING_STANDARDIZE;
    desc->scaling.a = d->mean;
    desc->scaling.b = d->sd;
}

/* One training run as `anne train --epochs 500 --batch 32 --standardize` does it: a fresh trainer
 * (not timed), then the timed part: every epoch shuffles the row order (Fisher-Yates, seeded) and
 * feeds the rows one at a time, one Adam step per 32 rows and one for the last 16. */
static int train_once(const anne_model_desc *desc, const data *d, void *arena, size_t arena_size, size_t *order,
                      anne_trainer *t, double *seconds) {
    anne_train_config cfg;
    anne_rng rng;
    double t0;
    size_t i;
    unsigned e;
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.seed = SEED;
    if (anne_trainer_init(t, desc, &cfg, arena, arena_size) != ANNE_OK) return -1;
    anne_rng_seed(&rng, SEED, ANNE_TRAIN_STREAM_SHUFFLE);
    for (i = 0; i < d->rows.n; i++) order[i] = i;

    t0 = now_s();
    for (e = 0; e < EPOCHS; e++) {
        unsigned in_batch = 0;
        anne_train_shuffle(order, d->rows.n, &rng);
        for (i = 0; i < d->rows.n; i++) {
            size_t r = order[i];
            if (anne_trainer_accumulate_class(t, d->rows.x + r * 4u, d->rows.label[r], NULL, NULL) != ANNE_OK) {
                return -1;
            }
            if (++in_batch == BATCH || i + 1 == d->rows.n) {
                anne_trainer_step(t);
                in_batch = 0;
            }
        }
    }
    *seconds = now_s() - t0;
    return 0;
}

/* Mean loss and accuracy over the training rows with the final weights (after timing). */
static int score(anne_trainer *t, const data *d, double *loss, double *accuracy) {
    size_t i, correct = 0;
    double sum = 0;
    for (i = 0; i < d->rows.n; i++) {
        float l, y;
        if (anne_trainer_evaluate_class(t, d->rows.x + i * 4u, d->rows.label[i], &l, &y) != ANNE_OK) return -1;
        sum += (double)l;
        correct += (y > 0.5f) == (d->rows.label[i] == 1u);
    }
    *loss = sum / (double)d->rows.n;
    *accuracy = (double)correct / (double)d->rows.n;
    return 0;
}

static int bench(const net *n, data *d) {
    anne_model_desc desc;
    anne_layer layers[MAX_LAYERS];
    anne_trainer t;
    size_t arena_size = 0;
    void *arena = NULL;
    size_t *order = malloc(d->rows.n * sizeof *order);
    double runs[REPEATS], s, loss = 0, accuracy = 0;
    int r, rc = -1;
    describe(&desc, layers, n, d);
    if (order != NULL && anne_trainer_arena_size(&desc, ANNE_OPTIMIZER_ADAM, &arena_size) == ANNE_OK) {
        arena = malloc(arena_size);
    }
    if (arena != NULL) {
        rc = 0;
        for (r = -1; r < REPEATS && rc == 0; r++) { /* r = -1: warm-up */
            rc = train_once(&desc, d, arena, arena_size, order, &t, &s);
            if (r >= 0) runs[r] = s;
        }
        if (rc == 0) rc = score(&t, d, &loss, &accuracy);
    }
    if (rc == 0) {
        qsort(runs, REPEATS, sizeof runs[0], cmp_double);
        printf("  {\"model\": \"%s\", \"params\": %u, \"arena_bytes\": %zu, \"seconds_per_training\": %.6f, "
               "\"seconds_min\": %.6f, \"seconds_max\": %.6f, \"us_per_sample\": %.3f, \"train_loss\": %.4f, "
               "\"train_accuracy\": %.4f}",
               n->name, t.n_params, arena_size, runs[REPEATS / 2], runs[0], runs[REPEATS - 1],
               1e6 * runs[REPEATS / 2] / ((double)EPOCHS * (double)d->rows.n), loss, accuracy);
    }
    free(arena);
    free(order);
    return rc;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "examples/iris";
    char path[4096], machine[512];
    anne_error err;
    data d;
    int k;

    snprintf(path, sizeof path, "%s/iris_train.csv", dir);
    if (load_data(&d, path, &err) != 0) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    anne_host_describe(machine, sizeof machine);
    printf("{\"framework\": \"ANNE (C, runtime trainer)\", \"machine\": \"%s\",\n", machine);
    printf(" \"compiler\": \"%s %s, %s\",\n", COMPILER, __VERSION__, BUILD_FLAGS);
    printf(" \"method\": \"one core; %zu rows, %u epochs, batch %u (last batch of each epoch %zu rows), Adam lr 0.001 "
           "(Keras defaults), binary cross-entropy, standardized inputs, glorot_uniform seed %u; rows shuffled every "
           "epoch; timed: the epoch loop (shuffle, forward, backward, Adam steps) from a fresh trainer, "
           "CLOCK_MONOTONIC; median of %d runs after a warm-up run; data read and scaling fitted before timing\",\n",
           d.rows.n, EPOCHS, BATCH, d.rows.n % BATCH ? d.rows.n % BATCH : BATCH, SEED, REPEATS);
    printf(" \"rows\": %zu, \"epochs\": %u, \"batch\": %u,\n \"results\": [\n", d.rows.n, EPOCHS, BATCH);
    for (k = 0; k < 2; k++) {
        if (bench(&nets[k], &d) != 0) {
            fprintf(stderr, "bench_train: training %s failed\n", nets[k].name);
            anne_train_rows_free(&d.rows);
            return 1;
        }
        printf(k == 0 ? ",\n" : "\n");
    }
    printf(" ]}\n");
    anne_train_rows_free(&d.rows);
    return 0;
}
