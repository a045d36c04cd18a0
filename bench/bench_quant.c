/* Host benchmark of the number formats: batch-1 inference time of the same network in f32, Q16.16
 * and int8 (per-unit weights), through the float API (scaling, quantize, run, dequantize) and
 * through the raw integer API. Networks: the paper's IRIS 4-8-... network and a 64-64-64-10 MLP.
 * Method and machine are printed beside the numbers (JSON on stdout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anne.h"
#include "anne_csv.h"
#include "anne_ir.h"
#include "anne_quant.h"
#include "anne_quantize.h"
#include "anne_timing.h"

#define CALLS 100000u
#define REPEATS 7

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median over REPEATS runs of CALLS raw-API calls (integer input already quantized and scaled). */
static double time_raw(const anne_model *m, const void *xq, size_t rows, void *arena) {
    double runs[REPEATS];
    int r;
    uint32_t sum = 0;
    size_t in_bytes = anne_model_dtype(m) == ANNE_DTYPE_S8 ? m->n_inputs : 4u * m->n_inputs;
    int32_t out[64];
    for (r = -1; r < REPEATS; r++) {
        double t0 = now_ns();
        size_t c;
        for (c = 0; c < CALLS; c++) {
            const uint8_t *in = (const uint8_t *)xq + (c % rows) * in_bytes;
            anne_status st = anne_model_dtype(m) == ANNE_DTYPE_S8
                                 ? anne_model_predict_s8(m, (int8_t *)out, (const int8_t *)in, arena, m->arena_bytes)
                                 : anne_model_predict_q16(m, out, (const int32_t *)(const void *)in, arena,
                                                          m->arena_bytes);
            if (st != ANNE_OK) return -1.0;
            sum += (uint32_t)out[0];
        }
        if (r >= 0) runs[r] = (now_ns() - t0) / CALLS;
    }
    if (sum == 12345u) fprintf(stderr, " "); /* keeps the outputs alive */
    qsort(runs, REPEATS, sizeof runs[0], cmp_double);
    return runs[REPEATS / 2];
}

/* A 64-64-64-10 relu/relu/softmax MLP with weights from a fixed sequence, and rows of inputs. */
static void make_mlp(anne_ir *ir, float **x, size_t rows) {
    static const uint16_t units[3] = {64, 64, 10};
    uint32_t s = 12345u;
    size_t i, k;
    anne_error err;
    anne_ir_init(ir);
    ir->n_inputs = 64;
    for (i = 0; i < 3; i++) {
        anne_ir_layer *l = anne_ir_add_layer(ir, &err);
        uint16_t n_in = i == 0 ? 64 : units[i - 1];
        l->activation = i == 2 ? ANNE_ACT_SOFTMAX : ANNE_ACT_RELU;
        anne_ir_default_params(l->activation, l->param);
        l->n_in = n_in;
        l->n_out = units[i];
        l->kernel = malloc((size_t)n_in * units[i] * sizeof *l->kernel);
        l->bias = malloc(units[i] * sizeof *l->bias);
        for (k = 0; k < (size_t)n_in * units[i]; k++) {
            s = s * 1664525u + 1013904223u;
            l->kernel[k] = ((float)(s >> 8) / 16777216.0f - 0.5f) * 0.3f;
        }
        for (k = 0; k < units[i]; k++) l->bias[k] = 0.01f * (float)(k % 7);
    }
    *x = malloc(rows * 64 * sizeof **x);
    for (k = 0; k < rows * 64; k++) {
        s = s * 1664525u + 1013904223u;
        (*x)[k] = (float)(s >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
}

static void bench_net(const char *name, anne_ir *ir, const float *x, size_t rows, int first) {
    static const anne_dtype fmts[3] = {ANNE_DTYPE_F32, ANNE_DTYPE_Q16, ANNE_DTYPE_S8};
    static const char *const fmt_names[3] = {"f32", "q16", "int8"};
    int f;
    printf("%s  \"%s\": {", first ? "" : ",\n", name);
    for (f = 0; f < 3; f++) {
        unsigned char *bytes = NULL;
        size_t size = 0, r, k;
        anne_model m;
        anne_error err;
        anne_quantize_info info;
        anne_quantize_opts opts = {fmts[f], 0};
        void *arena, *xq;
        double ns, raw = -1.0;
        if (fmts[f] == ANNE_DTYPE_F32 ? anne_ir_serialize(ir, &bytes, &size, &err)
                                      : anne_quantize(ir, x, rows, &opts, &bytes, &size, &info, &err)) {
            fprintf(stderr, "bench_quant: %s: %s\n", name, err.msg);
            exit(1);
        }
        if (anne_model_load(&m, bytes, size) != ANNE_OK) exit(1);
        arena = malloc(anne_model_arena_size(&m) + 4u);
        xq = malloc(rows * 4u * m.n_inputs);
        {
            anne_timing t;
            ns = anne_time_predict(&t, &m, x, rows, arena, anne_model_arena_size(&m), CALLS, REPEATS) == 0 ? t.median_ns
                                                                                                         : -1.0;
        }
        if (fmts[f] != ANNE_DTYPE_F32) {
            float scaled[64], in_scale = 0.0f;
            int32_t in_zp = 0;
            if (fmts[f] == ANNE_DTYPE_S8) anne_model_s8_io(&m, &in_scale, &in_zp, NULL, NULL);
            for (r = 0; r < rows; r++) {
                anne_model_scale_input(&m, scaled, x + r * m.n_inputs);
                for (k = 0; k < m.n_inputs; k++) {
                    size_t at = r * m.n_inputs + k;
                    if (fmts[f] == ANNE_DTYPE_S8) ((int8_t *)xq)[at] = anne_s8_quantize(scaled[k], in_scale, in_zp);
                    else ((int32_t *)xq)[at] = anne_q16_from_f32(scaled[k]);
                }
            }
            raw = time_raw(&m, xq, rows, arena);
        }
        printf("%s\n    \"%s\": {\"ns_float_api\": %.1f, \"ns_raw_api\": %.1f, \"file_bytes\": %lu}", f ? "," : "",
               fmt_names[f], ns, raw, (unsigned long)size);
        free(arena);
        free(xq);
        free(bytes);
    }
    printf("\n  }");
}

int main(void) {
    anne_ir iris, mlp;
    anne_error err;
    anne_csv t;
    size_t label, nf;
    float *xi, *xm;
    if (anne_import(&iris, "examples/iris/iris_8_neurons.json", &err) != 0 ||
        anne_csv_read(&t, "examples/iris/iris_test.csv", &err) != 0) {
        fprintf(stderr, "bench_quant: %s (run from the repository root)\n", err.msg);
        return 1;
    }
    anne_csv_find(&t, "Species", &label, &err);
    anne_csv_features(&t, label, &xi, &nf, &err);
    make_mlp(&mlp, &xm, 64);
    printf("{\n  \"method\": \"batch 1 on one core; median of %d runs of %u calls each after a warm-up run; "
           "ns_float_api: anne_model_predict() (input scaling, quantize, layers, dequantize); ns_raw_api: "
           "anne_model_predict_q16/_s8() on pre-quantized inputs; int8 with per-unit weights, calibrated on the "
           "timed inputs\",\n",
           REPEATS, CALLS);
    bench_net("iris_8_neurons", &iris, xi, t.n_rows, 1);
    bench_net("mlp_64_64_64_10", &mlp, xm, 64, 0);
    printf("\n}\n");
    free(xi);
    free(xm);
    anne_csv_free(&t);
    anne_ir_free(&iris);
    anne_ir_free(&mlp);
    return 0;
}
