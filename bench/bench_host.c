/* Host benchmark: batch-1 inference time of the paper's IRIS networks, of a 64x64 dense layer and of
 * the two CNNs conv1d_imu and cnn2d_small (graph models converted from tests/data/tfjs_graph), with the
 * machine and method printed beside the numbers (bench/README.md has the results).
 * Usage: bench_host [IRIS_DIR [GRAPH_DIR]]   (defaults: examples/iris, tests/data/tfjs_graph) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_cli.h"
#include "anne_csv.h"
#include "anne_graph_info.h"
#include "anne_ir.h"
#include "anne_timing.h"

#define CALLS 1000000u
#define CNN_CALLS 1000u /* about 0.2 s per run for the CNNs (~0.2 M MACs each) */
#define REPEATS 11

/* A 64-input, 64-unit relu layer with weights from a fixed linear congruential sequence. */
static int dense_64x64(anne_loaded *out, anne_error *err) {
    anne_ir ir;
    anne_ir_layer *l;
    uint32_t s = 12345u;
    size_t i;
    anne_ir_init(&ir);
    ir.n_inputs = 64;
    ir.name = NULL;
    if ((l = anne_ir_add_layer(&ir, err)) == NULL) return -1;
    l->n_in = 64;
    l->n_out = 64;
    l->activation = ANNE_ACT_RELU;
    anne_ir_default_params(ANNE_ACT_RELU, l->param);
    l->kernel = malloc(64 * 64 * sizeof *l->kernel);
    l->bias = malloc(64 * sizeof *l->bias);
    if (l->kernel == NULL || l->bias == NULL) {
        anne_ir_free(&ir);
        return anne_error_set(err, "out of memory");
    }
    for (i = 0; i < 64 * 64; i++) {
        s = s * 1664525u + 1013904223u;
        l->kernel[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
    }
    for (i = 0; i < 64; i++) l->bias[i] = 0.01f * (float)i;
    memset(out, 0, sizeof *out);
    if (anne_ir_serialize(&ir, &out->bytes, &out->size, err) != 0) {
        anne_ir_free(&ir);
        return -1;
    }
    anne_ir_free(&ir);
    return anne_model_load(&out->model, out->bytes, out->size) == ANNE_OK ? 0 : anne_error_set(err, "load failed");
}

/* Multiply-accumulates of one inference: a graph model's as `anne info` counts them. */
static uint32_t macs(const anne_model *m) {
    uint32_t total = 0;
    uint16_t i;
    for (i = 0; i < m->n_ops; i++) {
        anne_graph_op_info v;
        if (anne_graph_op_info_get(m, i, &v) == ANNE_OK) total += (uint32_t)v.macs;
    }
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        anne_model_layer(m, i, &l);
        total += (uint32_t)l.n_in * l.n_out;
    }
    return total;
}

static int bench(const char *name, const anne_model *m, const float *x, size_t rows, size_t calls) {
    void *arena = malloc(anne_model_arena_size(m));
    anne_timing t;
    int rc = arena ? anne_time_predict(&t, m, x, rows, arena, anne_model_arena_size(m), calls, REPEATS) : -1;
    free(arena);
    if (rc != 0) return -1;
    printf("  {\"model\": \"%s\", \"macs\": %u, \"ns_per_inference_median\": %.1f, \"ns_per_inference_min\": %.1f, "
           "\"ns_per_mac_min\": %.3f, \"arena_bytes\": %u, \"file_bytes\": %u}",
           name, macs(m), t.median_ns, t.min_ns, t.min_ns / macs(m), anne_model_arena_size(m), m->size);
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "examples/iris", *graphs = argc > 2 ? argv[2] : "tests/data/tfjs_graph";
    static const char *const nets[2] = {"iris_8_neurons", "iris_6_neurons"}, *const cnns[2] = {"conv1d_imu",
                                                                                                 "cnn2d_small"};
    char path[4096], machine[512];
    anne_error err;
    anne_csv csv;
    anne_loaded m;
    float *x = NULL, x64[4 * 64];
    size_t col, i;
    int k;

    snprintf(path, sizeof path, "%s/iris_test.csv", dir);
    if (anne_csv_read(&csv, path, &err) != 0 || anne_csv_find(&csv, "Species", &col, &err) != 0 ||
        anne_cli_features(&csv, col, 4, &x, &err) != 0) {
        fprintf(stderr, "bench_host: %s\n", err.msg);
        return 1;
    }
    anne_host_describe(machine, sizeof machine);
    printf("{\"machine\": \"%s\", \"compiler\": \"%s\",\n", machine, __VERSION__);
    printf(" \"method\": \"batch 1, anne_model_predict() on one core; median and minimum of %d runs of %u calls "
           "each (CNNs: %u) after a warm-up run; CLOCK_MONOTONIC; iris inputs cycle through the paper's 20 test "
           "rows, the others through 4 fixed rows\",\n",
           REPEATS, CALLS, CNN_CALLS);
    printf(" \"results\": [\n");
    for (k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s.json", dir, nets[k]);
        if (anne_loaded_open(&m, path, &err) != 0 || bench(nets[k], &m.model, x, csv.n_rows, CALLS) != 0) {
            fprintf(stderr, "bench_host: %s\n", err.msg);
            return 1;
        }
        printf(",\n");
        anne_loaded_close(&m);
    }
    for (i = 0; i < sizeof x64 / sizeof x64[0]; i++) x64[i] = (float)((i * 37u) % 100u) / 50.0f - 1.0f;
    if (dense_64x64(&m, &err) != 0 || bench("dense_64x64", &m.model, x64, 4, CALLS) != 0) {
        fprintf(stderr, "bench_host: dense_64x64 failed\n");
        return 1;
    }
    anne_loaded_close(&m);
    for (k = 0; k < 2; k++) { /* the CNNs as `anne convert` imports them, on 4 rows of a fixed sequence */
        float *rows;
        snprintf(path, sizeof path, "%s/%s/model.json", graphs, cnns[k]);
        if (anne_loaded_open(&m, path, &err) != 0) {
            fprintf(stderr, "bench_host: %s\n", err.msg);
            return 1;
        }
        rows = malloc(4u * m.model.n_inputs * sizeof *rows);
        for (i = 0; rows != NULL && i < 4u * m.model.n_inputs; i++) rows[i] = (float)((i * 37u) % 100u) / 50.0f - 1.0f;
        printf(",\n");
        if (rows == NULL || bench(cnns[k], &m.model, rows, 4, CNN_CALLS) != 0) {
            fprintf(stderr, "bench_host: %s failed\n", cnns[k]);
            free(rows);
            anne_loaded_close(&m);
            return 1;
        }
        free(rows);
        anne_loaded_close(&m);
    }
    printf("\n]}\n");
    free(x);
    anne_csv_free(&csv);
    return 0;
}
