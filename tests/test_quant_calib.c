/* The quantizer's calibration sees every row, the last one too: on data whose extremes are only in
 * the last row, the int8 model's scales and zero points (input, hidden, output) are those of the
 * ranges computed here by hand over all rows, Q16's largest activation is the last row's, the order
 * of the rows does not matter, and one row alone calibrates. Through `anne quantize` (CSV in) the
 * same is checked by tests/cli/quantize.sh. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quantize.h"

#define N_ROWS 12
#define N_IN 3

/* Rows in [-1, 1] on a 1/8 grid (so every sum below is exact), then a last row that alone sets the
 * input's (and the hidden layer's) minimum -4 and maximum 6 and the output's maximum 4.5. */
static void rows(float *x) {
    int r, k;
    for (r = 0; r < N_ROWS - 1; r++) {
        for (k = 0; k < N_IN; k++) x[r * N_IN + k] = (float)(((r * 5 + k * 3) % 17) - 8) / 8.0f;
    }
    x[(N_ROWS - 1) * N_IN + 0] = 6.0f;
    x[(N_ROWS - 1) * N_IN + 1] = -4.0f;
    x[(N_ROWS - 1) * N_IN + 2] = 2.5f;
}

/* 3 inputs -> 3 units (the identity: the hidden values are the inputs) -> 2 units (x0 + x1 + x2 and
 * x0 - x2), all linear, no bias: every tensor's range is known from the rows. */
static void make_ir(anne_ir *ir) {
    static const float k0[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, k1[6] = {1, 1, 1, 1, 0, -1};
    const float *k[2] = {k0, k1};
    static const uint16_t n_out[2] = {3, 2};
    anne_error err;
    int i;
    anne_ir_init(ir);
    ir->n_inputs = N_IN;
    for (i = 0; i < 2; i++) {
        anne_ir_layer *l = anne_ir_add_layer(ir, &err);
        size_t n;
        assert_non_null(l);
        l->n_in = i == 0 ? N_IN : 3;
        l->n_out = n_out[i];
        n = (size_t)l->n_in * l->n_out;
        l->kernel = malloc(n * sizeof *l->kernel);
        assert_non_null(l->kernel);
        memcpy(l->kernel, k[i], n * sizeof *l->kernel);
    }
}

/* min and max over rows r0..r1-1 of the input (layer 0's tensors) and of layer 1's output */
static void expected_ranges(const float *x, int r0, int r1, double in[2], double out[2]) {
    int r, k;
    in[0] = out[0] = INFINITY;
    in[1] = out[1] = -INFINITY;
    for (r = r0; r < r1; r++) {
        const float *v = x + r * N_IN;
        double o[2];
        o[0] = (double)v[0] + (double)v[1] + (double)v[2];
        o[1] = (double)v[0] - (double)v[2];
        for (k = 0; k < N_IN; k++) {
            in[0] = fmin(in[0], (double)v[k]);
            in[1] = fmax(in[1], (double)v[k]);
        }
        for (k = 0; k < 2; k++) {
            out[0] = fmin(out[0], o[k]);
            out[1] = fmax(out[1], o[k]);
        }
    }
}

/* TFLite's asymmetric int8 parameters for [lo, hi] (widened to include 0): scale (hi - lo) / 255,
 * zero point -128 - lo / scale rounded. */
static void tflite_qparams(const double range[2], float *scale, int32_t *zp) {
    double lo = fmin(range[0], 0.0), hi = fmax(range[1], 0.0), s = (hi - lo) / 255.0;
    *scale = (float)s;
    *zp = (int32_t)round(-128.0 - lo / s);
}

static void quantize(const float *x, size_t n_rows, anne_dtype to, unsigned char **bytes, size_t *size,
                     anne_quantize_info *info) {
    anne_ir ir;
    anne_error err;
    anne_quantize_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.to = to;
    make_ir(&ir);
    if (anne_quantize(&ir, x, n_rows, &opts, bytes, size, info, &err) != 0) fail_msg("%s", err.msg);
    anne_ir_free(&ir);
}

/* Every tensor's scale and zero point of the int8 model from rows r0..r1-1 of x. */
static void check_s8_ranges(const float *x, int r0, int r1) {
    unsigned char *bytes;
    size_t size;
    anne_quantize_info info;
    anne_model m;
    anne_layer l;
    anne_s8_layer q0, q1;
    double in[2], out[2];
    float s_in, s_out;
    int32_t zp_in, zp_out;
    quantize(x + r0 * N_IN, (size_t)(r1 - r0), ANNE_DTYPE_S8, &bytes, &size, &info);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    expected_ranges(x, r0, r1, in, out);
    tflite_qparams(in, &s_in, &zp_in);
    tflite_qparams(out, &s_out, &zp_out);
    assert_int_equal(anne_model_layer(&m, 0, &l), ANNE_OK);
    assert_int_equal(anne_layer_s8(&l, &q0), ANNE_OK);
    assert_int_equal(anne_model_layer(&m, 1, &l), ANNE_OK);
    assert_int_equal(anne_layer_s8(&l, &q1), ANNE_OK);
    print_message("rows %d..%d: input [%g, %g] -> scale %.9g zp %d (model: %.9g, %d); output [%g, %g] -> %.9g, %d "
                  "(model: %.9g, %d)\n", r0, r1 - 1, in[0], in[1], (double)s_in, zp_in, (double)q0.in_scale,
                  q0.in_zp, out[0], out[1], (double)s_out, zp_out, (double)q1.out_scale, q1.out_zp);
    /* the input, the hidden layer (the identity: the input's range) and the output */
    assert_true(q0.in_scale == s_in);
    assert_int_equal(q0.in_zp, zp_in);
    assert_true(q0.out_scale == s_in);
    assert_int_equal(q0.out_zp, zp_in);
    assert_true(q1.in_scale == s_in);
    assert_true(q1.out_scale == s_out);
    assert_int_equal(q1.out_zp, zp_out);
    free(bytes);
}

static void test_s8_ranges_include_the_last_row(void **state) {
    float x[N_ROWS * N_IN];
    (void)state;
    rows(x);
    check_s8_ranges(x, 0, N_ROWS);
    /* the last row alone, and the rows before it (whose ranges differ: the test is not blind) */
    check_s8_ranges(x, N_ROWS - 1, N_ROWS);
    check_s8_ranges(x, 0, N_ROWS - 1);
}

/* Calibration is a min and max over rows: their order does not change a byte of the model. */
static void test_row_order_does_not_matter(void **state) {
    float x[N_ROWS * N_IN], y[N_ROWS * N_IN];
    anne_dtype to[2] = {ANNE_DTYPE_S8, ANNE_DTYPE_Q16};
    int t;
    (void)state;
    rows(x);
    /* y: the last row first, then the others */
    memcpy(y, x + (N_ROWS - 1) * N_IN, N_IN * sizeof *y);
    memcpy(y + N_IN, x, (N_ROWS - 1) * N_IN * sizeof *y);
    for (t = 0; t < 2; t++) {
        unsigned char *a, *b;
        size_t na, nb;
        anne_quantize_info ia, ib;
        quantize(x, N_ROWS, to[t], &a, &na, &ia);
        quantize(y, N_ROWS, to[t], &b, &nb, &ib);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        assert_true(ia.max_abs_activation == ib.max_abs_activation);
        free(a);
        free(b);
    }
}

/* Q16's report: the largest |value| of any tensor is the last row's 6. */
static void test_q16_max_activation_from_the_last_row(void **state) {
    float x[N_ROWS * N_IN];
    unsigned char *bytes;
    size_t size;
    anne_quantize_info info;
    (void)state;
    rows(x);
    quantize(x, N_ROWS, ANNE_DTYPE_Q16, &bytes, &size, &info);
    assert_true(info.max_abs_activation == 6.0);
    free(bytes);
    quantize(x, N_ROWS - 1, ANNE_DTYPE_Q16, &bytes, &size, &info);
    assert_true(info.max_abs_activation <= 3.0);
    free(bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s8_ranges_include_the_last_row),
        cmocka_unit_test(test_row_order_does_not_matter),
        cmocka_unit_test(test_q16_max_activation_from_the_last_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
