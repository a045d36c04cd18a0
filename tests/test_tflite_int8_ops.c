/* ANNE's int8 kernels (anne_quant_ops.h) against outputs TFLite itself produced: LiteRT.js (TFLite's
 * runtime in WebAssembly) ran each operator at several random quantizations
 * (reference/tflite-graph/make_int8_ops.js, tests/data/tflite_int8_ops.json). LiteRT.js runs XNNPACK's
 * int8 kernels or TFLite's optimized ones, not the reference kernels ANNE follows bit for bit, so every
 * output must be within one step of TFLite's; how many are equal is printed per operator. The kernels'
 * parameters come from the float scales through the host functions (anne_quantize_ops.h), as a model's
 * would. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "anne_quant_ops.h"
#include "anne_quantize_ops.h"

#define MAX_VALUES 512

typedef struct op_stats {
    const char *op;
    uint32_t values, equal, cases;
} op_stats;

static op_stats stats[] = {{"MAX_POOL_2D", 0, 0, 0}, {"AVERAGE_POOL_2D", 0, 0, 0}, {"MEAN", 0, 0, 0},
                           {"ADD", 0, 0, 0},         {"SUB", 0, 0, 0},             {"MUL", 0, 0, 0},
                           {"CONCATENATION", 0, 0, 0}, {"LEAKY_RELU", 0, 0, 0},     {"HARD_SWISH", 0, 0, 0}};

static double num(const cJSON *c, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* An int array of at most max values; returns its length. */
static uint32_t ints(const cJSON *c, const char *key, int32_t *out, uint32_t max) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, key), *v;
    uint32_t n = 0;
    assert_true(cJSON_IsArray(a));
    cJSON_ArrayForEach(v, a) {
        assert_true(n < max && cJSON_IsNumber(v));
        out[n++] = (int32_t)v->valuedouble;
    }
    return n;
}

static uint32_t s8s(const cJSON *c, const char *key, int8_t *out, uint32_t max) {
    static int32_t tmp[MAX_VALUES];
    uint32_t n = ints(c, key, tmp, max), i;
    for (i = 0; i < n; i++) out[i] = (int8_t)tmp[i];
    return n;
}

/* A shape of rank r as rank 4, aligned at the last axis. */
static void rank4(const int32_t *shape, uint32_t r, uint16_t *out) {
    uint32_t k;
    for (k = 0; k < 4; k++) out[k] = k + r >= 4 ? (uint16_t)shape[k + r - 4] : 1;
}

/* TF's padding before the input on one axis. */
static uint16_t pad_before(int32_t in, int32_t out, int32_t k, int32_t s, int same) {
    int32_t total = (out - 1) * s + k - in;
    return (uint16_t)(same && total > 0 ? total / 2 : 0);
}

static void run_case(const cJSON *c, uint32_t index) {
    static int8_t x[MAX_VALUES], b[MAX_VALUES], y[MAX_VALUES], got[MAX_VALUES];
    int32_t in_shape[4], out_shape[4], b_shape[4];
    const char *op = cJSON_GetObjectItemCaseSensitive(c, "op")->valuestring;
    const cJSON *fused = cJSON_GetObjectItemCaseSensitive(c, "fused");
    float in_scale = (float)num(c, "in_scale"), out_scale = (float)num(c, "out_scale");
    int32_t in_zp = (int32_t)num(c, "in_zp"), out_zp = (int32_t)num(c, "out_zp");
    int32_t act_min = fused != NULL && strcmp(fused->valuestring, "RELU") == 0 ? out_zp : -128, act_max = 127;
    uint32_t r_in = ints(c, "in_shape", in_shape, 4), r_out = ints(c, "out_shape", out_shape, 4);
    assert_int_equal(r_in, 3); /* (H, W, C) without the batch */
    uint32_t n_x = s8s(c, "x", x, MAX_VALUES), n_y = s8s(c, "y", y, MAX_VALUES), i, k;
    anne_error err;
    op_stats *st = NULL;
    (void)r_out;
    for (k = 0; k < sizeof stats / sizeof stats[0]; k++) {
        if (strcmp(stats[k].op, op) == 0) st = &stats[k];
    }
    assert_non_null(st);
    memset(got, 0x55, sizeof got);
    if (strcmp(op, "MAX_POOL_2D") == 0 || strcmp(op, "AVERAGE_POOL_2D") == 0) {
        int32_t filter[2], stride[2];
        int same = strcmp(cJSON_GetObjectItemCaseSensitive(c, "padding")->valuestring, "SAME") == 0;
        anne_window win;
        anne_window_params p;
        ints(c, "filter", filter, 2);
        ints(c, "stride", stride, 2);
        assert_true(in_scale == out_scale && in_zp == out_zp); /* TFLite's rule for int8 pooling */
        memset(&win, 0, sizeof win);
        win.kernel_h = (uint16_t)filter[0];
        win.kernel_w = (uint16_t)filter[1];
        win.stride_h = (uint16_t)stride[0];
        win.stride_w = (uint16_t)stride[1];
        win.dilation_h = win.dilation_w = 1;
        win.pad_top = pad_before(in_shape[0], out_shape[0], filter[0], stride[0], same);
        win.pad_left = pad_before(in_shape[1], out_shape[1], filter[1], stride[1], same);
        p.in = (anne_hwc){(uint16_t)in_shape[0], (uint16_t)in_shape[1], (uint16_t)in_shape[2]};
        p.out = (anne_hwc){(uint16_t)out_shape[0], (uint16_t)out_shape[1], (uint16_t)out_shape[2]};
        p.win = &win;
        if (op[0] == 'M') {
            anne_max_pool2d_forward_s8(got, x, &p, act_min, act_max);
        } else {
            anne_avg_pool2d_forward_s8(got, x, &p, act_min, act_max);
        }
    } else if (strcmp(op, "MEAN") == 0) {
        anne_s8_mean_params p;
        uint32_t n = (uint32_t)(in_shape[0] * in_shape[1]);
        assert_int_equal(anne_s8_mean_prepare(in_scale, in_zp, out_scale, out_zp, n, &p, &err), 0);
        anne_mean_forward_s8(got, x, n, (uint16_t)in_shape[2], &p);
    } else if (strcmp(op, "ADD") == 0 || strcmp(op, "SUB") == 0 || strcmp(op, "MUL") == 0) {
        float b_scale = (float)num(c, "b_scale");
        int32_t b_zp = (int32_t)num(c, "b_zp"), full[4] = {1, in_shape[0], in_shape[1], in_shape[2]};
        uint32_t r_b = ints(c, "b_shape", b_shape, 4);
        anne_broadcast_params s;
        anne_s8_add_params pa;
        anne_s8_mul_params pm;
        s8s(c, "b", b, MAX_VALUES);
        s.op = ANNE_MERGE_ADD;
        rank4(full, 4, s.out);
        rank4(full, 4, s.a);
        rank4(b_shape, r_b, s.b);
        if (op[0] == 'M') {
            assert_int_equal(anne_s8_mul_prepare(in_scale, in_zp, b_scale, b_zp, out_scale, out_zp, &pm, &err), 0);
            pm.act_min = act_min;
            anne_mul_broadcast_forward_s8(got, x, b, &s, &pm);
        } else {
            assert_int_equal(anne_s8_add_prepare(in_scale, in_zp, b_scale, b_zp, out_scale, out_zp, op[0] == 'S', &pa,
                                                 &err),
                             0);
            pa.act_min = act_min;
            if (memcmp(s.b, s.out, sizeof s.b) == 0) {
                anne_add_forward_s8(got, x, b, n_x, &pa);
            } else {
                anne_add_broadcast_forward_s8(got, x, b, &s, &pa);
            }
        }
    } else if (strcmp(op, "CONCATENATION") == 0) {
        const int8_t *in[2] = {x, b};
        uint32_t inner[2];
        uint32_t r_b = ints(c, "b_shape", b_shape, 4);
        s8s(c, "b", b, MAX_VALUES);
        /* TFLite's int8 concatenation requires the output's quantization on every input: a copy */
        assert_true((float)num(c, "b_scale") == out_scale && (int32_t)num(c, "b_zp") == out_zp);
        inner[0] = (uint32_t)in_shape[2];
        inner[1] = (uint32_t)b_shape[r_b - 1];
        anne_concat_forward_s8(got, in, inner, 2, (uint32_t)(in_shape[0] * in_shape[1]), NULL);
    } else if (strcmp(op, "LEAKY_RELU") == 0) {
        anne_s8_leaky_relu_params p;
        assert_int_equal(
            anne_s8_leaky_relu_prepare(in_scale, in_zp, out_scale, out_zp, (float)num(c, "alpha"), &p, &err), 0);
        anne_leaky_relu_forward_s8(got, x, n_x, &p);
    } else {
        anne_s8_hard_swish_params p;
        int8_t lut[256];
        assert_string_equal(op, "HARD_SWISH");
        assert_int_equal(anne_s8_hard_swish_prepare(in_scale, in_zp, out_scale, out_zp, &p, &err), 0);
        anne_hard_swish_forward_s8(got, x, n_x, &p);
        anne_hard_swish_s8_table(lut, &p);
        for (i = 0; i < n_x; i++) assert_int_equal(lut[x[i] + 128], got[i]);
    }
    assert_int_equal(got[n_y], 0x55); /* nothing written past the output */
    for (i = 0; i < n_y; i++) {
        int d = got[i] - y[i];
        if (d < -1 || d > 1) {
            print_message("case %u (%s) output %u: ANNE %d, TFLite %d\n", index, op, i, got[i], y[i]);
            fail();
        }
        st->equal += d == 0;
    }
    st->values += n_y;
    st->cases++;
}

static void test_against_tflite(void **state) {
    cJSON *doc = anne_test_read_json(anne_test_path("tests/data/tflite_int8_ops.json")), *c;
    uint32_t index = 0, k;
    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "cases")) run_case(c, index++);
    cJSON_Delete(doc);
    print_message("against LiteRT (%u cases), within one step everywhere; equal:\n", index);
    for (k = 0; k < sizeof stats / sizeof stats[0]; k++) {
        print_message("  %-16s %u of %u values (%u cases)\n", stats[k].op, stats[k].equal, stats[k].values,
                      stats[k].cases);
        assert_true(stats[k].cases > 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_tflite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
