/* Model test vectors across targets. On the host (`write`): generates inputs (PCG32, spread over the
 * model's input scaling, plus zeros and extremes), runs the model and writes inputs and outputs. On a
 * board (`check`): runs the same inputs and compares with the host's outputs bit for bit, in every
 * format: float32 too, since the runtime has its own expf (not the C library's) and is compiled as
 * ISO C, so every target rounds alike. It also prints the stack of one predict call, measured by
 * painting (tests/cli/mcu_qemu.sh holds it to the stack budget): the deepest over the rows through
 * the float API, and for q16/int8 models through the raw integer API too, whose outputs must then be
 * the float API's. int8 models run again on their weights widened to int16 where the build widens
 * (ANNE_CONFIG_S8_WIDE: the M33 among the boards), with the same outputs bit for bit. `libm`: a float32
 * model whose activations use the C library's tanhf, expm1f, log1pf or erfcf (tanh, gelu_tanh, elu,
 * selu, softplus, gelu), which differ between C libraries by an ulp or two: compared within
 * 1e-6 + 1e-6 |value| instead of bit for bit.
 *   anne_app_vectors write|check MODEL INPUTS OUTPUTS [libm] */
#include "anne_quant.h"
#include "anne_train.h"
#include "app_common.h"

#define ANNE_APP_ROWS 64u
#define ANNE_APP_MAX_IO 64u

static uint32_t anne_app_model_buf[16384]; /* 64 KB, 4-aligned */
static float anne_app_inputs[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static float anne_app_want[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static float anne_app_got[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static uint32_t anne_app_arena[4096];
static int32_t anne_app_raw_in[ANNE_APP_MAX_IO], anne_app_raw_out[ANNE_APP_MAX_IO]; /* q16, or int8 bytes */
#if ANNE_CONFIG_S8_WIDE
static uint32_t anne_app_wide[18u * 1024u / 4u]; /* int8 weights widened to int16 (the suite's MLP: 17 408 B) */

/* int8 models where the build runs widened weights (anne_model_s8_widen; the M33's kernel): every row
 * again through the float API on a copy of the model widened to int16, into got. Returns 1 when it ran,
 * else 0 with a message. */
static int anne_app_wide_rows(const anne_model *m, float *got) {
    anne_model w = *m;
    anne_status st = anne_model_s8_widen(&w, anne_app_wide, sizeof anne_app_wide);
    uint32_t r;
    for (r = 0; st == ANNE_OK && r < ANNE_APP_ROWS; r++) {
        st = anne_model_predict(&w, got + r * m->n_outputs, anne_app_inputs + r * m->n_inputs, anne_app_arena,
                                sizeof anne_app_arena);
    }
    if (st != ANNE_OK) {
        anne_port_puts("widened int8 weights failed: ");
        anne_port_puts(anne_status_str(st));
        anne_port_puts("\n");
    }
    return st == ANNE_OK;
}
#endif

/* Row r of the inputs: a few fixed rows (zeros, large values of both signs), then random ones
 * spread over three standard deviations (or the min-max range, or [-3, 3]). */
static void anne_app_make_inputs(const anne_model *m, float *rows, uint32_t n_rows) {
    anne_rng rng;
    uint32_t r, i;
    anne_rng_seed(&rng, 2025u, 6u);
    for (r = 0; r < n_rows; r++) {
        for (i = 0; i < m->n_inputs; i++) {
            float u = 2.0f * anne_rng_uniform(&rng) - 1.0f, x;
            float a = m->scaling.a ? m->scaling.a[i] : 0.0f, b = m->scaling.b ? m->scaling.b[i] : 1.0f;
            if (r == 0) u = 0.0f;
            if (r == 1) u = 300.0f;
            if (r == 2) u = -300.0f;
            if (m->scaling.kind == ANNE_SCALING_MINMAX) {
                x = a + (b - a) * (0.75f * u + 0.5f);
            } else {
                x = a + b * 3.0f * u;
            }
            rows[r * m->n_inputs + i] = x;
        }
    }
}

/* q16/int8 models, one row: the raw integer API (anne_model_predict_q16/_s8, what the benchmark's raw
 * firmwares run) on `input` scaled and quantized as anne_model_predict does it. Its output, converted
 * back, must equal the float API's `want` bit for bit. *stack receives the bytes of stack the call took.
 * Returns 1 when it ran and agrees, else 0 (with a message). */
static int anne_app_raw_row(const anne_model *m, const float *input, const float *want, uint32_t *stack) {
    anne_dtype dt = anne_model_dtype(m);
    int8_t *in8 = (int8_t *)anne_app_raw_in, *out8 = (int8_t *)anne_app_raw_out;
    float scaled[ANNE_APP_MAX_IO], in_scale = 1.0f, out_scale = 1.0f;
    int32_t in_zp = 0, out_zp = 0;
    anne_status st;
    uint32_t i;
    *stack = 0;
    st = anne_model_scale_input(m, scaled, input);
    if (st == ANNE_OK && dt == ANNE_DTYPE_S8) st = anne_model_s8_io(m, &in_scale, &in_zp, &out_scale, &out_zp);
    for (i = 0; st == ANNE_OK && i < m->n_inputs; i++) {
        if (dt == ANNE_DTYPE_S8) {
            in8[i] = anne_s8_quantize(scaled[i], in_scale, in_zp);
        } else {
            anne_app_raw_in[i] = anne_q16_from_f32(scaled[i]);
        }
    }
    if (st == ANNE_OK) {
        anne_port_stack_mark();
        st = dt == ANNE_DTYPE_S8
                 ? anne_model_predict_s8(m, out8, in8, anne_app_arena, sizeof anne_app_arena)
                 : anne_model_predict_q16(m, anne_app_raw_out, anne_app_raw_in, anne_app_arena, sizeof anne_app_arena);
        *stack = anne_port_stack_since_mark();
    }
    if (st != ANNE_OK) {
        anne_port_puts("raw predict failed: ");
        anne_port_puts(anne_status_str(st));
        anne_port_puts("\n");
        return 0;
    }
    for (i = 0; i < m->n_outputs; i++) {
        float y = dt == ANNE_DTYPE_S8 ? anne_s8_dequantize(out8[i], out_scale, out_zp)
                                      : anne_q16_to_f32(anne_app_raw_out[i]);
        if (anne_app_bits(y) != anne_app_bits(want[i])) {
            anne_port_puts("  FAIL: the raw API's output ");
            anne_port_put_u32(i);
            anne_port_puts(" differs from the float API's\n");
            return 0;
        }
    }
    return 1;
}

/* "  float|raw API predict stack N bytes (...)": the line tests/cli/mcu_qemu.sh reads. */
static void anne_app_report_stack(const char *api, uint32_t bytes, const char *what) {
    anne_port_puts("  ");
    anne_port_puts(api);
    anne_port_puts(" API predict stack ");
    anne_port_put_u32(bytes);
    anne_port_puts(" bytes (");
    anne_port_puts(what);
    anne_port_puts(")\n");
}

int anne_app_main(int argc, char **argv) {
    anne_model m;
    anne_layer layer;
    anne_status st;
    long size;
    uint32_t r, n_out, identical, at, stack = 0, used, raw_stack = 0;
    float max_diff;
    int write, ok, raw_ok, libm = argc == 6 && strcmp(argv[5], "libm") == 0;
    float tol = libm ? 1e-6f : 0.0f;
    if ((argc != 5 && !libm) || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
        anne_port_puts("usage: anne_app_vectors write|check MODEL INPUTS OUTPUTS [libm]\n");
        return 2;
    }
    write = strcmp(argv[1], "write") == 0;
    size = anne_app_load(argv[2], anne_app_model_buf, sizeof anne_app_model_buf);
    if (size < 0) return 1;
    st = anne_model_load(&m, anne_app_model_buf, (size_t)size);
    if (st == ANNE_OK && m.op_table == NULL) st = anne_model_layer(&m, 0, &layer); /* graphs: ops, no layers */
    if (st != ANNE_OK) {
        anne_port_puts("cannot load the model: ");
        anne_port_puts(anne_status_str(st));
        anne_port_puts("\n");
        return 1;
    }
    if (m.n_inputs > ANNE_APP_MAX_IO || m.n_outputs > ANNE_APP_MAX_IO || m.arena_bytes > sizeof anne_app_arena) {
        anne_port_puts("the model is too large for this test program\n");
        return 1;
    }
    n_out = (uint32_t)ANNE_APP_ROWS * m.n_outputs;
    if (write) {
        anne_app_make_inputs(&m, anne_app_inputs, ANNE_APP_ROWS);
    } else {
        if (anne_app_load(argv[3], anne_app_inputs, sizeof anne_app_inputs) !=
                (long)(ANNE_APP_ROWS * m.n_inputs * sizeof(float)) ||
            anne_app_load(argv[4], anne_app_want, sizeof anne_app_want) != (long)(n_out * sizeof(float))) {
            anne_port_puts("the host's inputs or outputs are missing or of the wrong size\n");
            return 1;
        }
    }
    for (r = 0; r < ANNE_APP_ROWS; r++) {
        anne_port_stack_mark();
        st = anne_model_predict(&m, anne_app_got + r * m.n_outputs, anne_app_inputs + r * m.n_inputs,
                                anne_app_arena, sizeof anne_app_arena);
        used = anne_port_stack_since_mark();
        if (used > stack) stack = used;
        if (st != ANNE_OK) {
            anne_port_puts("predict failed: ");
            anne_port_puts(anne_status_str(st));
            anne_port_puts("\n");
            return 1;
        }
    }
    /* q16/int8: the raw integer API on every row (the deepest call kept), against the float API's outputs */
    raw_ok = 1;
    for (r = 0; anne_model_dtype(&m) != ANNE_DTYPE_F32 && r < ANNE_APP_ROWS && raw_ok; r++) {
        raw_ok = anne_app_raw_row(&m, anne_app_inputs + r * m.n_inputs, anne_app_got + r * m.n_outputs, &used);
        if (used > raw_stack) raw_stack = used;
    }
    if (write) {
        if (!raw_ok) return 1;
        if (anne_app_store(argv[3], anne_app_inputs, ANNE_APP_ROWS * m.n_inputs * sizeof(float)) != 0 ||
            anne_app_store(argv[4], anne_app_got, n_out * sizeof(float)) != 0) {
            return 1;
        }
        return 0;
    }
    ok = anne_app_compare(anne_app_got, anne_app_want, n_out, tol, tol, &identical, &max_diff, &at);
    anne_port_puts(anne_port_target);
    anne_port_puts(" ");
    anne_port_puts(argv[2]);
    anne_port_puts(libm ? " (within 1e-6 + 1e-6 |value|: the C library's functions)" : " (must be bit-identical)");
    anne_port_puts("\n  ");
    anne_app_report("outputs", n_out, identical, max_diff, at);
    if (!ok) anne_port_puts("  FAIL: outside the tolerance\n");
    anne_app_report_stack("float", stack, "anne_model_predict, the deepest of the rows");
    if (anne_model_dtype(&m) == ANNE_DTYPE_Q16) {
        anne_app_report_stack("raw", raw_stack, "anne_model_predict_q16, the deepest of the rows");
    } else if (anne_model_dtype(&m) == ANNE_DTYPE_S8) {
        anne_app_report_stack("raw", raw_stack, "anne_model_predict_s8, the deepest of the rows");
    }
#if ANNE_CONFIG_S8_WIDE
    if (anne_model_s8_wide_size(&m) > 0) { /* the same host outputs, bit for bit */
        int wide_ok = anne_app_wide_rows(&m, anne_app_got) &&
                      anne_app_compare(anne_app_got, anne_app_want, n_out, 0.0f, 0.0f, &identical, &max_diff, &at);
        anne_port_puts("  ");
        anne_app_report("on widened int8 weights", n_out, identical, max_diff, at);
        if (!wide_ok) anne_port_puts("  FAIL: widened int8 weights differ\n");
        ok = ok && wide_ok;
    }
#endif
    return ok && raw_ok ? 0 : 1;
}
