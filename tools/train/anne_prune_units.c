/* Structured pruning of a dense chain: score each hidden unit, drop the lowest, keep the rest exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_prune_units.h"

static const char *const anne__criteria[ANNE_UNIT_CRITERION_COUNT] = {"l1", "l2", "activation"};

int anne_unit_criterion_from_name(const char *name, anne_unit_criterion *c) {
    int i;
    for (i = 0; i < (int)ANNE_UNIT_CRITERION_COUNT; i++) {
        if (strcmp(name, anne__criteria[i]) == 0) {
            *c = (anne_unit_criterion)i;
            return 0;
        }
    }
    return -1;
}

const char *anne_unit_criterion_name(anne_unit_criterion c) {
    return (unsigned)c < ANNE_UNIT_CRITERION_COUNT ? anne__criteria[c] : "?";
}

/* score[l][j] of every hidden unit from its incoming weights. */
static void anne__weight_scores(const anne_ir *ir, anne_unit_criterion c, double **score) {
    size_t l;
    uint32_t i, j;
    for (l = 0; l + 1 < ir->n_layers; l++) {
        const anne_ir_layer *ly = &ir->layers[l];
        for (j = 0; j < ly->n_out; j++) {
            double s = 0;
            for (i = 0; i < ly->n_in; i++) {
                double w = (double)ly->kernel[(size_t)j * ly->n_in + i];
                s += c == ANNE_UNIT_L1 ? fabs(w) : w * w;
            }
            score[l][j] = c == ANNE_UNIT_L1 ? s : sqrt(s);
        }
    }
}

/* score[l][j]: the mean |act(z)| of hidden unit j of layer l over the rows, run by the runtime's trainer
 * (its forward pass keeps every layer's output). */
static int anne__activation_scores(const anne_ir *ir, const anne_model *m, const anne_train_rows *rows,
                                   double **score, anne_error *err) {
    anne_train_config cfg;
    anne_trainer t;
    size_t size, r, l;
    void *arena;
    float *out;
    uint32_t j;
    if (rows == NULL || rows->n == 0) return anne_error_set(err, "--criterion activation needs data rows");
    memset(&cfg, 0, sizeof cfg);
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_SGD);
    if (anne_trainer_arena_size_model(m, ANNE_OPTIMIZER_SGD, &size) != ANNE_OK) {
        return anne_error_set(err, "cannot run the model to score its units");
    }
    arena = malloc(size);
    out = malloc((size_t)m->n_outputs * sizeof *out);
    if (arena == NULL || out == NULL || anne_trainer_init_model(&t, m, &cfg, arena, size) != ANNE_OK) {
        free(arena);
        free(out);
        return anne_error_set(err, "cannot run the model to score its units (out of memory?)");
    }
    for (r = 0; r < rows->n; r++) {
        const float *a = t.acts + t.n_inputs; /* then per layer z (n_out) and act(z) (n_out) */
        if (anne_trainer_predict(&t, out, rows->x + r * rows->n_features) != ANNE_OK) {
            free(arena);
            free(out);
            return anne_error_set(err, "row %zu: the model cannot run on it", r + 1);
        }
        for (l = 0; l + 1 < ir->n_layers; l++) {
            uint16_t n = ir->layers[l].n_out;
            for (j = 0; j < n; j++) score[l][j] += fabs((double)a[n + j]);
            a += 2u * n;
        }
    }
    for (l = 0; l + 1 < ir->n_layers; l++) {
        for (j = 0; j < ir->layers[l].n_out; j++) score[l][j] /= (double)rows->n;
    }
    free(arena);
    free(out);
    return 0;
}

/* Removes the units of layer l whose drop[j] is set, and the matching inputs of layer l + 1. */
static void anne__drop_units(anne_ir *ir, size_t l, const unsigned char *drop) {
    anne_ir_layer *ly = &ir->layers[l], *next = &ir->layers[l + 1];
    uint32_t i, j, k = 0;
    for (j = 0; j < ly->n_out; j++) {
        if (drop[j]) continue;
        memmove(ly->kernel + (size_t)k * ly->n_in, ly->kernel + (size_t)j * ly->n_in, ly->n_in * sizeof *ly->kernel);
        if (ly->bias != NULL) ly->bias[k] = ly->bias[j];
        if (ly->act_data != NULL) ly->act_data[k] = ly->act_data[j];
        k++;
    }
    for (i = 0; i < next->n_out; i++) { /* the next layer's row i keeps the columns of kept units */
        const float *src = next->kernel + (size_t)i * next->n_in;
        float *dst = next->kernel + (size_t)i * k;
        uint32_t c = 0;
        for (j = 0; j < next->n_in; j++) {
            if (!drop[j]) dst[c++] = src[j];
        }
    }
    ly->n_out = (uint16_t)k;
    next->n_in = (uint16_t)k;
}

typedef struct anne__ranked {
    double score;
    uint32_t unit;
} anne__ranked;

/* lowest score first; equal scores: the later unit first (it goes) */
static int anne__by_score(const void *a, const void *b) {
    const anne__ranked *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return x->unit > y->unit ? -1 : 1;
}

int anne_prune_units(anne_ir *ir, const anne_model *model, const anne_train_rows *rows, double fraction,
                     anne_unit_criterion c, size_t *removed, anne_error *err) {
    double **score;
    size_t l, total = 0;
    int rc = 0;
    if (ir->n_ops > 0) return anne_error_set(err, "structured pruning removes units of dense layers; %s", ANNE_GRAPH_NOT_YET);
    if (ir->n_layers < 2) return anne_error_set(err, "the model has one layer: no hidden units to remove");
    if (!(fraction >= 0.0 && fraction < 1.0)) return anne_error_set(err, "the fraction of units must be in [0, 1)");
    score = calloc(ir->n_layers, sizeof *score);
    if (score == NULL) return anne_error_set(err, "out of memory");
    for (l = 0; l + 1 < ir->n_layers && rc == 0; l++) {
        if ((score[l] = calloc(ir->layers[l].n_out, sizeof **score)) == NULL) rc = anne_error_set(err, "out of memory");
    }
    if (rc == 0) {
        if (c == ANNE_UNIT_ACTIVATION) {
            rc = anne__activation_scores(ir, model, rows, score, err);
        } else {
            anne__weight_scores(ir, c, score);
        }
    }
    for (l = 0; l + 1 < ir->n_layers && rc == 0; l++) {
        uint16_t n = ir->layers[l].n_out;
        size_t k = (size_t)floor(fraction * (double)n + 0.5), i;
        anne__ranked *rank = malloc(n * sizeof *rank);
        unsigned char *drop = calloc(n, 1);
        if (k >= n) k = n - 1u;
        if (rank == NULL || drop == NULL) {
            rc = anne_error_set(err, "out of memory");
        } else {
            for (i = 0; i < n; i++) rank[i].score = score[l][i], rank[i].unit = (uint32_t)i;
            qsort(rank, n, sizeof *rank, anne__by_score);
            for (i = 0; i < k; i++) drop[rank[i].unit] = 1;
            anne__drop_units(ir, l, drop);
            total += k;
        }
        free(rank);
        free(drop);
    }
    for (l = 0; l < ir->n_layers; l++) free(score[l]);
    free(score);
    if (removed != NULL) *removed = total;
    return rc;
}
