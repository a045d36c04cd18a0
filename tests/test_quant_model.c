/* Quantized models end to end: the paper's IRIS network quantized to int8 runs bit for bit like a
 * plain integer reference written here (int64 sums, the independent requantization of
 * tests/test_quant_ref.h, table lookups); the float API is exactly quantize -> raw int8 -> dequantize;
 * a Q16 model follows the float model within the documented activation errors; quantized models
 * survive decode -> anne_model_write() byte for byte. */
#include "test_support.h"
#include "test_quant_ref.h"
#include "test_s8_model_ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_csv.h"
#include "anne_quant.h"
#include "anne_quantize.h"

typedef struct qmodel {
    unsigned char *bytes;
    size_t size;
    anne_model m;
    float *x;      /* (n_rows, 4): iris_test.csv features */
    size_t n_rows;
    anne_loaded f; /* the float model */
} qmodel;

static void make(qmodel *q, const char *json, anne_dtype to, int per_tensor) {
    anne_ir ir;
    anne_error err;
    anne_csv t;
    float *calib;
    size_t nf, label;
    anne_quantize_opts opts = {to, per_tensor};
    anne_quantize_info info;
    memset(q, 0, sizeof *q);
    anne_test_open_model(&q->f, json);
    if (anne_import(&ir, anne_test_path(json), &err) != 0) fail_msg("%s", err.msg);
    if (anne_csv_read(&t, anne_test_path("examples/iris/iris_train.csv"), &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_csv_find(&t, "Species", &label, &err), 0);
    assert_int_equal(anne_csv_features(&t, label, &calib, &nf, &err), 0);
    if (anne_quantize(&ir, calib, t.n_rows, &opts, &q->bytes, &q->size, &info, &err) != 0) fail_msg("%s", err.msg);
    free(calib);
    anne_csv_free(&t);
    anne_ir_free(&ir);
    assert_int_equal(anne_model_load(&q->m, q->bytes, q->size), ANNE_OK);
    if (anne_csv_read(&t, anne_test_path("examples/iris/iris_test.csv"), &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_csv_find(&t, "Species", &label, &err), 0);
    assert_int_equal(anne_csv_features(&t, label, &q->x, &nf, &err), 0);
    q->n_rows = t.n_rows;
    anne_csv_free(&t);
}

static void unmake(qmodel *q) {
    free(q->bytes);
    free(q->x);
    anne_loaded_close(&q->f);
}

static void test_int8_matches_integer_reference(void **state) {
    const char *nets[2] = {"examples/iris/iris_6_neurons.json", "examples/iris/iris_8_neurons.json"};
    int w, pt;
    (void)state;
    for (w = 0; w < 2; w++) {
        for (pt = 0; pt < 2; pt++) {
            qmodel q;
            float in_scale, out_scale, scaled[4], out[4];
            int32_t in_zp, out_zp;
            uint32_t arena[64];
            size_t r;
            make(&q, nets[w], ANNE_DTYPE_S8, pt);
            assert_int_equal(anne_model_dtype(&q.m), ANNE_DTYPE_S8);
            assert_true(anne_model_arena_size(&q.m) <= sizeof arena);
            assert_int_equal(anne_model_s8_io(&q.m, &in_scale, &in_zp, &out_scale, &out_zp), ANNE_OK);
            for (r = 0; r < q.n_rows; r++) {
                int8_t qin[4], got[4], want[4];
                uint16_t k;
                anne_model_scale_input(&q.m, scaled, q.x + 4 * r);
                for (k = 0; k < 4; k++) qin[k] = anne_s8_quantize(scaled[k], in_scale, in_zp);
                assert_int_equal(anne_model_predict_s8(&q.m, got, qin, arena, sizeof arena), ANNE_OK);
                ref_s8_model(&q.m, qin, want);
                assert_memory_equal(got, want, q.m.n_outputs);
                /* the float API: quantize, the same integers, dequantize */
                assert_int_equal(anne_model_predict(&q.m, out, q.x + 4 * r, arena, sizeof arena), ANNE_OK);
                for (k = 0; k < q.m.n_outputs; k++) {
                    assert_true(out[k] == anne_s8_dequantize(got[k], out_scale, out_zp));
                }
            }
            unmake(&q);
        }
    }
}

/* Q16 against the float model: the outputs differ by no more than the activations' errors grown
 * through the layers (measured 4.6e-5 on these networks; held to 2e-4). */
static void test_q16_follows_float(void **state) {
    qmodel q;
    float of[2], oq[2];
    uint32_t arena[64];
    size_t r;
    double worst = 0.0;
    (void)state;
    make(&q, "examples/iris/iris_8_neurons.json", ANNE_DTYPE_Q16, 0);
    for (r = 0; r < q.n_rows; r++) {
        uint16_t k;
        int32_t qin[4], qout[2];
        float scaled[4];
        anne_test_predict(&q.f, of, q.x + 4 * r);
        assert_int_equal(anne_model_predict(&q.m, oq, q.x + 4 * r, arena, sizeof arena), ANNE_OK);
        for (k = 0; k < q.m.n_outputs; k++) worst = fmax(worst, fabs((double)of[k] - (double)oq[k]));
        /* raw Q16 entry point: the same integers */
        anne_model_scale_input(&q.m, scaled, q.x + 4 * r);
        for (k = 0; k < 4; k++) qin[k] = anne_q16_from_f32(scaled[k]);
        assert_int_equal(anne_model_predict_q16(&q.m, qout, qin, arena, sizeof arena), ANNE_OK);
        for (k = 0; k < q.m.n_outputs; k++) assert_true(oq[k] == anne_q16_to_f32(qout[k]));
    }
    print_message("q16 vs float on iris_test: max |output difference| %.3g\n", worst);
    assert_true(worst < 2e-4);
    unmake(&q);
}

/* Decoding a quantized model and writing it again gives the same bytes. */
static void test_rewrite_identical(void **state) {
    anne_dtype tos[2] = {ANNE_DTYPE_Q16, ANNE_DTYPE_S8};
    int t;
    (void)state;
    for (t = 0; t < 2; t++) {
        qmodel q;
        anne_layer layers[8];
        anne_model_desc d;
        const char *names[2];
        unsigned char *again;
        size_t n;
        uint16_t i;
        make(&q, "examples/iris/iris_6_neurons.json", tos[t], 0);
        memset(&d, 0, sizeof d);
        for (i = 0; i < q.m.n_layers; i++) assert_int_equal(anne_model_layer(&q.m, i, &layers[i]), ANNE_OK);
        d.name = q.m.name;
        d.n_inputs = q.m.n_inputs;
        d.n_layers = q.m.n_layers;
        d.layers = layers;
        d.scaling = q.m.scaling;
        d.n_classes = q.m.n_classes;
        for (i = 0; i < q.m.n_classes; i++) names[i] = anne_model_class_name(&q.m, i);
        d.class_names = names;
        assert_int_equal(anne_model_write(&d, NULL, 0, &n), ANNE_OK);
        assert_int_equal(n, q.size);
        again = malloc(n);
        assert_non_null(again);
        assert_int_equal(anne_model_write(&d, again, n, &n), ANNE_OK);
        assert_memory_equal(again, q.bytes, n);
        /* a broken record is refused by the writer with the loader's status */
        if (tos[t] == ANNE_DTYPE_S8) {
            unsigned char *aux = malloc(layers[1].aux_size);
            assert_non_null(aux);
            memcpy(aux, layers[1].aux, layers[1].aux_size);
            aux[4] = 0x7F; /* input zero point 127 + ...: no longer the previous layer's output */
            layers[1].aux = aux;
            assert_int_equal(anne_model_write(&d, again, n, &n), ANNE_ERR_BAD_VALUE);
            free(aux);
        }
        free(again);
        unmake(&q);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int8_matches_integer_reference),
        cmocka_unit_test(test_q16_follows_float),
        cmocka_unit_test(test_rewrite_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
