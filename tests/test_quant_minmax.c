/* Min-max input scaling (docs/format.md: x' = (x - min) / (max - min) per feature) in every number
 * format: a model that carries the scaling, given raw inputs, gives bit for bit what the same layers
 * without scaling give on inputs scaled here by that formula, in float32, Q16.16 and int8 (both
 * quantized by anne_quantize from the same calibration rows, raw and scaled); the int8 input
 * quantization is that of [0, 1], the scaled calibration range; and the quantized models pick the
 * float32 model's class on the raw inputs. Feature ranges far from [0, 1] make a wrong formula show. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quantize.h"
#include "test_quant_ref.h"

#define N_IN 3
#define N_HID 8
#define N_OUT 3
#define N_ROWS 400

static const float lo[N_IN] = {10.0f, -50.0f, 1000.0f}, hi[N_IN] = {20.0f, 50.0f, 3000.0f};

/* The docs' formula, in float as the runtime computes (x - min is exact as x + (-min)). */
static float minmax(float x, int k) {
    return (x - lo[k]) / (hi[k] - lo[k]);
}

/* Raw rows uniform in each feature's [min, max], the first two at the corners (so the calibration
 * sees exactly 0 and 1 after scaling); scaled: the same rows through minmax(). */
static void make_rows(float *raw, float *scaled) {
    uint64_t st = 0x5eedULL;
    int r, k;
    for (r = 0; r < N_ROWS; r++) {
        for (k = 0; k < N_IN; k++) {
            float u = (float)(ref_rand(&st) >> 40) / 16777216.0f;
            raw[r * N_IN + k] = r == 0 ? lo[k] : r == 1 ? hi[k] : lo[k] + u * (hi[k] - lo[k]);
            scaled[r * N_IN + k] = minmax(raw[r * N_IN + k], k);
        }
    }
}

/* 3 -> 8 tanh -> 3 softmax with fixed weights in [-2, 2] (drawn from a seed whose float32 model
 * gives each class to a sixth of the rows or more); with_scaling: min-max as above. */
static void make_ir(anne_ir *ir, int with_scaling) {
    uint64_t st = 16u;
    anne_error err;
    int i, k;
    anne_ir_init(ir);
    ir->n_inputs = N_IN;
    if (with_scaling) {
        ir->scaling = ANNE_SCALING_MINMAX;
        ir->scale_a = malloc(N_IN * sizeof *ir->scale_a);
        ir->scale_b = malloc(N_IN * sizeof *ir->scale_b);
        assert_non_null(ir->scale_a);
        assert_non_null(ir->scale_b);
        memcpy(ir->scale_a, lo, sizeof lo);
        memcpy(ir->scale_b, hi, sizeof hi);
    }
    for (i = 0; i < 2; i++) {
        anne_ir_layer *l = anne_ir_add_layer(ir, &err);
        assert_non_null(l);
        l->n_in = i == 0 ? N_IN : N_HID;
        l->n_out = i == 0 ? N_HID : N_OUT;
        l->activation = i == 0 ? ANNE_ACT_TANH : ANNE_ACT_SOFTMAX;
        anne_ir_default_params(l->activation, l->param);
        l->kernel = malloc((size_t)l->n_in * l->n_out * sizeof *l->kernel);
        l->bias = malloc(l->n_out * sizeof *l->bias);
        assert_non_null(l->kernel);
        assert_non_null(l->bias);
        for (k = 0; k < l->n_in * l->n_out; k++) l->kernel[k] = (float)((int)(ref_rand(&st) >> 56) - 128) / 64.0f;
        for (k = 0; k < l->n_out; k++) l->bias[k] = (float)((int)(ref_rand(&st) >> 56) - 128) / 128.0f;
    }
}

typedef struct model {
    unsigned char *bytes;
    size_t size;
    anne_model m;
} model;

/* The float32 model, or the one quantized to `to` with calib (N_ROWS) as calibration rows. */
static void make_model(model *out, int with_scaling, anne_dtype to, const float *calib) {
    anne_ir ir;
    anne_error err;
    make_ir(&ir, with_scaling);
    if (to == ANNE_DTYPE_F32) {
        if (anne_ir_serialize(&ir, &out->bytes, &out->size, &err) != 0) fail_msg("%s", err.msg);
    } else {
        anne_quantize_opts opts;
        anne_quantize_info info;
        memset(&opts, 0, sizeof opts);
        opts.to = to;
        if (anne_quantize(&ir, calib, N_ROWS, &opts, &out->bytes, &out->size, &info, &err) != 0) {
            fail_msg("%s", err.msg);
        }
    }
    anne_ir_free(&ir);
    assert_int_equal(anne_model_load(&out->m, out->bytes, out->size), ANNE_OK);
    assert_int_equal(anne_model_dtype(&out->m), to);
    assert_int_equal(out->m.scaling.kind, with_scaling ? ANNE_SCALING_MINMAX : ANNE_SCALING_NONE);
}

static void predict(const model *m, float *out, const float *in) {
    uint32_t arena[256];
    assert_true(anne_model_arena_size(&m->m) <= sizeof arena);
    assert_int_equal(anne_model_predict(&m->m, out, in, arena, sizeof arena), ANNE_OK);
}

static int argmax(const float *y) {
    int k, best = 0;
    for (k = 1; k < N_OUT; k++) best = y[k] > y[best] ? k : best;
    return best;
}

/* Format `to`: with and without the scaling, against each other and against float32. */
static void check_format(anne_dtype to, const char *name) {
    static float raw[N_ROWS * N_IN], scaled[N_ROWS * N_IN];
    model f32, with, without;
    int r, k, same_class = 0, classes[N_OUT] = {0, 0, 0};
    double worst = 0.0;
    make_rows(raw, scaled);
    make_model(&f32, 1, ANNE_DTYPE_F32, NULL);
    make_model(&with, 1, to, raw);
    make_model(&without, 0, to, scaled);
    if (to == ANNE_DTYPE_S8) {
        /* calibrated on raw rows through the scaling: the scaled range [0, 1] exactly */
        float in_scale, out_scale;
        int32_t in_zp, out_zp;
        assert_int_equal(anne_model_s8_io(&with.m, &in_scale, &in_zp, &out_scale, &out_zp), ANNE_OK);
        assert_true(in_scale == (float)(1.0 / 255.0));
        assert_int_equal(in_zp, -128);
    }
    for (r = 0; r < N_ROWS; r++) {
        float a[N_OUT], b[N_OUT], f[N_OUT];
        predict(&with, a, raw + r * N_IN);
        predict(&without, b, scaled + r * N_IN);
        for (k = 0; k < N_OUT; k++) {
            if (a[k] != b[k]) {
                fail_msg("%s row %d output %d: %.9g on raw inputs with min-max scaling, %.9g on inputs scaled by "
                         "(x - min) / (max - min)", name, r, k, (double)a[k], (double)b[k]);
            }
        }
        predict(&f32, f, raw + r * N_IN);
        for (k = 0; k < N_OUT; k++) worst = fmax(worst, fabs((double)a[k] - (double)f[k]));
        same_class += argmax(a) == argmax(f);
        classes[argmax(f)]++;
    }
    print_message("%s: %d of %d rows the float32 class (float32 classes %d/%d/%d), largest output difference %.3g\n",
                  name, same_class, N_ROWS, classes[0], classes[1], classes[2], worst);
    /* the rows' classes are mixed (a wrong scaling would move them), and the formats agree */
    for (k = 0; k < N_OUT; k++) assert_true(classes[k] >= N_ROWS / 6);
    assert_true(same_class >= N_ROWS * 97 / 100);
    assert_true(worst < (to == ANNE_DTYPE_S8 ? 0.05 : 1e-3));
    free(f32.bytes);
    free(with.bytes);
    free(without.bytes);
}

static void test_minmax_f32(void **state) {
    (void)state;
    check_format(ANNE_DTYPE_F32, "float32");
}

static void test_minmax_q16(void **state) {
    (void)state;
    check_format(ANNE_DTYPE_Q16, "q16");
}

static void test_minmax_s8(void **state) {
    (void)state;
    check_format(ANNE_DTYPE_S8, "int8");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minmax_f32),
        cmocka_unit_test(test_minmax_q16),
        cmocka_unit_test(test_minmax_s8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
