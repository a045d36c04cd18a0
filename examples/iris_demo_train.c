/* The demo's second half: the paper's networks trained from scratch with the runtime's trainer, the
 * code a Pico runs to learn on the board (Adam, binary cross-entropy, 500 epochs, batch 32). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anne_train.h"
#include "anne_train_data.h"
#include "iris_demo.h"

#define EPOCHS 500
#define BATCH 32
#define MAX_LAYERS 8

/* The network's shape, activations and scaling, without its weights (the trainer draws them). */
static int architecture(const anne_model *net, anne_model_desc *arch, anne_layer layers[MAX_LAYERS]) {
    uint16_t i;
    if (net->n_layers > MAX_LAYERS) return -1;
    memset(arch, 0, sizeof *arch);
    for (i = 0; i < net->n_layers; i++) {
        anne_model_layer(net, i, &layers[i]);
        layers[i].kernel = NULL; /* NULL: Keras' glorot_uniform from the seed, zero bias */
        layers[i].bias = NULL;
    }
    arch->n_inputs = net->n_inputs;
    arch->n_layers = net->n_layers;
    arch->layers = layers;
    arch->scaling = net->scaling; /* the paper's standardization */
    return 0;
}

/* One training run: epochs of shuffled mini-batches, one sample at a time as on a board. */
static int train_one(anne_trainer *t, const iris_rows *train, uint32_t seed) {
    size_t order[256], i, e;
    anne_rng rng;
    if (train->n > sizeof order / sizeof order[0]) return -1;
    anne_rng_seed(&rng, seed, ANNE_TRAIN_STREAM_SHUFFLE); /* the shuffle `anne train` uses */
    for (i = 0; i < train->n; i++) order[i] = i;
    for (e = 0; e < EPOCHS; e++) {
        anne_train_shuffle(order, train->n, &rng);
        for (i = 0; i < train->n; i++) {
            size_t r = order[i];
            if (anne_trainer_accumulate_class(t, train->x + 4 * r, train->y[r], NULL, NULL) != ANNE_OK) return -1;
            if ((i + 1) % BATCH == 0 || i + 1 == train->n) anne_trainer_step(t);
        }
    }
    return 0;
}

int iris_train_from_scratch(const anne_model *net, const char *name, const iris_rows *train, const iris_rows *test,
                            int n_seeds) {
    anne_model_desc arch;
    anne_layer layers[MAX_LAYERS];
    anne_train_config cfg;
    size_t arena_size, model_size;
    void *arena = NULL;
    unsigned char *model_bytes = NULL;
    uint32_t cm[4], first_cm[4] = {0, 0, 0, 0};
    int seed, reached = 0, rc = -1;
    double seconds = 0;

    if (architecture(net, &arch, layers) != 0) return -1;
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    if (anne_trainer_arena_size(&arch, cfg.optimizer.kind, &arena_size) != ANNE_OK) return -1;
    arena = malloc(arena_size);
    if (arena == NULL) return -1;

    printf("  %-16s", name);
    for (seed = 0; seed < n_seeds; seed++) {
        anne_trainer t;
        anne_model trained;
        anne_metrics m;
        struct timespec t0, t1;
        cfg.seed = (uint32_t)seed;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (anne_trainer_init(&t, &arch, &cfg, arena, arena_size) != ANNE_OK || train_one(&t, train, cfg.seed) != 0) {
            goto done;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        seconds += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        /* the trained weights as a model file, evaluated exactly as a deployed model would be */
        free(model_bytes);
        if (anne_trainer_write(&t, name, 0, NULL, NULL, 0, &model_size) != ANNE_OK ||
            (model_bytes = malloc(model_size)) == NULL ||
            anne_trainer_write(&t, name, 0, NULL, model_bytes, model_size, &model_size) != ANNE_OK ||
            anne_model_load(&trained, model_bytes, model_size) != ANNE_OK ||
            iris_evaluate(&trained, test, &m, cm) != 0) {
            goto done;
        }
        if (seed == 0) memcpy(first_cm, cm, sizeof cm);
        if (anne_metrics_accuracy(&m) >= 0.9) reached++;
        printf(" %.2f", anne_metrics_accuracy(&m));
    }
    printf("   -> %d of %d seeds reach Keras' 0.90\n", reached, n_seeds);
    printf("  %-16s seed 0: [[%2u %2u] [%2u %2u]]   %.1f ms per training run (500 epochs x %zu rows)\n", "", first_cm[0],
           first_cm[1], first_cm[2], first_cm[3], 1e3 * seconds / n_seeds, train->n);
    rc = 0;
done:
    if (rc != 0) printf("\n");
    free(model_bytes);
    free(arena);
    return rc;
}
