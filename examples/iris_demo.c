/* The main job (`make demo`): the AI-ANNE paper's IRIS experiment reproduced with ANNE. Both of the
 * paper's networks run on its 20 test rows beside the figures Keras and the paper reported; then the
 * paper's 95 % explained, the speed on this machine and the memory a board needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_cli.h"
#include "anne_csv.h"
#include "anne_ir.h"
#include "anne_timing.h"
#include "iris_demo.h"

/* What the paper and its Keras notebooks reported (../shared/data/paper/README.md). */
typedef struct paper_figures {
    const char *network;
    unsigned keras_cm[2][2];    /* [[TN, FP], [FN, TP]] */
    double keras_accuracy;
    double paper_text_accuracy; /* what the paper's text says */
} paper_figures;

static const paper_figures paper[2] = {
    {"iris_8_neurons", {{8, 2}, {0, 10}}, 0.90, 0.90},
    {"iris_6_neurons", {{8, 2}, {0, 10}}, 0.90, 0.95},
};

static int fail(const char *msg) {
    fprintf(stderr, "iris_demo: %s\n", msg);
    return 1;
}

int iris_rows_read(iris_rows *r, const char *dir, const char *file, anne_error *err) {
    char path[4096];
    anne_csv csv;
    anne_csv_labels labels;
    size_t label_col;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    memset(r, 0, sizeof *r);
    if (anne_csv_read(&csv, path, err) != 0) return -1;
    if (anne_csv_find(&csv, "Species", &label_col, err) != 0 ||
        anne_cli_features(&csv, label_col, 4, &r->x, err) != 0 ||
        anne_csv_labels_read(&csv, label_col, 2, NULL, &labels, err) != 0) {
        free(r->x);
        r->x = NULL;
        anne_csv_free(&csv);
        return -1;
    }
    r->y = labels.y;
    labels.y = NULL;
    r->n = csv.n_rows;
    anne_csv_labels_free(&labels);
    anne_csv_free(&csv);
    return 0;
}

void iris_rows_free(iris_rows *r) {
    free(r->x);
    free(r->y);
    memset(r, 0, sizeof *r);
}

/* Streams the rows through the model into the metrics (the same code a board would run). */
int iris_evaluate(const anne_model *model, const iris_rows *rows, anne_metrics *metrics, uint32_t confusion[4]) {
    float out[1], *arena = malloc(anne_model_arena_size(model));
    size_t i;
    int rc = 0;
    if (arena == NULL) return -1;
    anne_metrics_init(metrics, 2, confusion, 4);
    for (i = 0; i < rows->n && rc == 0; i++) {
        rc = anne_model_predict(model, out, rows->x + 4 * i, arena, anne_model_arena_size(model)) == ANNE_OK &&
                     anne_metrics_update_output(metrics, rows->y[i], out, 1, 0.5f, NULL) == ANNE_OK
                 ? 0
                 : -1;
    }
    free(arena);
    return rc;
}

static void print_row(const char *network, const char *who, const anne_metrics *m) {
    anne_class_metrics k;
    const uint32_t *c = m->confusion;
    anne_metrics_class(m, 1, &k); /* class 1 = virginica, sklearn's default for binary scores */
    printf("  %-16s %-22s [[%2u %2u] [%2u %2u]]   %5.3f   %5.3f   %5.3f   %5.3f\n", network, who, c[0], c[1], c[2],
           c[3], anne_metrics_accuracy(m), k.precision, k.recall, k.f1);
}

/* The model's weights in bytes: kernels and biases. */
static uint32_t weight_bytes(const anne_model *m) {
    uint32_t bytes = 0;
    uint16_t i;
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        anne_model_layer(m, i, &l);
        bytes += 4u * ((uint32_t)l.n_in * l.n_out + (l.bias ? l.n_out : 0u));
    }
    return bytes;
}

/* The same weights with ReLU in every layer, the output too: what the paper's MicroPython port ran. */
static int relu_everywhere(anne_loaded *out, const char *path, anne_error *err) {
    anne_ir ir;
    size_t i;
    memset(out, 0, sizeof *out);
    if (anne_import(&ir, path, err) != 0) return -1;
    for (i = 0; i < ir.n_layers; i++) {
        ir.layers[i].activation = ANNE_ACT_RELU;
        anne_ir_default_params(ANNE_ACT_RELU, ir.layers[i].param);
    }
    if (anne_ir_serialize(&ir, &out->bytes, &out->size, err) != 0) {
        anne_ir_free(&ir);
        return -1;
    }
    anne_ir_free(&ir);
    return anne_model_load(&out->model, out->bytes, out->size) == ANNE_OK ? 0 : anne_error_set(err, "reload failed");
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "examples/iris";
    anne_error err;
    iris_rows t, train;
    anne_loaded nets[2], relu6;
    anne_metrics m;
    uint32_t confusion[4];
    char path[4096];
    int i;

    if (iris_rows_read(&t, dir, "iris_test.csv", &err) != 0 || iris_rows_read(&train, dir, "iris_train.csv", &err) != 0) {
        return fail(err.msg);
    }
    for (i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s.json", dir, paper[i].network);
        if (anne_loaded_open(&nets[i], path, &err) != 0) return fail(err.msg);
    }

    printf("ANNE %s: the AI-ANNE paper's IRIS experiment (Klinkhammer 2025), Versicolor (0) vs Virginica (1)\n",
           ANNE_VERSION_STRING);
    printf("%zu test rows (%s/iris_test.csv); networks from %s/*.json, inputs standardized inside the model.\n\n",
           t.n, dir, dir);
    printf("  %-16s %-22s %-19s %-7s %-7s %-7s %s\n", "network", "run by", "[[TN FP] [FN TP]]", "acc", "prec", "recall",
           "F1");
    for (i = 0; i < 2; i++) {
        const paper_figures *p = &paper[i];
        if (iris_evaluate(&nets[i].model, &t, &m, confusion) != 0) return fail("evaluation failed");
        print_row(p->network, "ANNE (C, float32)", &m);
        printf("  %-16s %-22s [[%2u %2u] [%2u %2u]]   %5.3f\n", "", "Keras (paper's code)", p->keras_cm[0][0],
               p->keras_cm[0][1], p->keras_cm[1][0], p->keras_cm[1][1], p->keras_accuracy);
        printf("  %-16s %-22s %-19s   %5.3f\n", "", "paper's text", "", p->paper_text_accuracy);
        if (memcmp(confusion, p->keras_cm, sizeof confusion) != 0) printf("  !! ANNE differs from Keras here\n");
    }

    snprintf(path, sizeof path, "%s/%s.json", dir, paper[1].network);
    if (relu_everywhere(&relu6, path, &err) != 0) return fail(err.msg);
    if (iris_evaluate(&relu6.model, &t, &m, confusion) != 0) return fail("evaluation failed");
    printf("\nWhy the paper's text says 95%% for the 6-neuron network: its MicroPython port ran the trained\n"
           "weights with ReLU in every layer, the output too, instead of relu/sigmoid/sigmoid. The same weights\n"
           "with ReLU everywhere:\n");
    print_row(paper[1].network, "ReLU everywhere", &m);
    printf("In ANNE the activation is part of the model file, so this mistake cannot happen.\n");

    printf("\nOn this machine (batch 1, cycling through the 20 rows; median and fastest of 7 runs of 1e6 calls):\n");
    for (i = 0; i < 2; i++) {
        const anne_model *model = &nets[i].model;
        void *arena = malloc(anne_model_arena_size(model));
        anne_timing tm;
        int rc = arena ? anne_time_predict(&tm, model, t.x, t.n, arena, anne_model_arena_size(model), 1000000, 7) : -1;
        free(arena);
        if (rc != 0) return fail("timing failed");
        printf("  %-16s %6.1f ns per inference (fastest run %.1f)   weights %3u B   arena %3u B   model file %4u B\n",
               paper[i].network, tm.median_ns, tm.min_ns, weight_bytes(model), anne_model_arena_size(model), model->size);
    }
    printf("  (for scale: the paper's MicroPython code takes about 75 us per inference on this machine)\n");
    printf("\nTrained from scratch in C with the runtime's trainer (the code a Pico runs to learn on the board):\n"
           "Adam, binary cross-entropy, 500 epochs, batch 32, on the paper's %zu training rows; test accuracy per seed:\n",
           train.n);
    for (i = 0; i < 2; i++) {
        if (iris_train_from_scratch(&nets[i].model, paper[i].network, &train, &t, 10) != 0) return fail("training failed");
    }

    printf("\nTry: build/anne trace %s/iris_8_neurons.json --input 6.8,2.8,4.8,1.4\n", dir);

    for (i = 0; i < 2; i++) anne_loaded_close(&nets[i]);
    anne_loaded_close(&relu6);
    iris_rows_free(&t);
    iris_rows_free(&train);
    return 0;
}
