/* Model test vectors across targets. On the host (`write`): generates inputs (PCG32, spread over the
 * model's input scaling, plus zeros and extremes), runs the model and writes inputs and outputs. On a
 * board (`check`): runs the same inputs and compares with the host's outputs bit for bit, in every
 * format: float32 too, since the runtime has its own expf (not the C library's) and is compiled as
 * ISO C, so every target rounds alike.
 *   anne_app_vectors write|check MODEL INPUTS OUTPUTS */
#include "anne_train.h"
#include "app_common.h"

#define ANNE_APP_ROWS 64u
#define ANNE_APP_MAX_IO 64u

static uint32_t anne_app_model_buf[16384]; /* 64 KB, 4-aligned */
static float anne_app_inputs[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static float anne_app_want[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static float anne_app_got[ANNE_APP_ROWS * ANNE_APP_MAX_IO];
static uint32_t anne_app_arena[4096];

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

int anne_app_main(int argc, char **argv) {
    anne_model m;
    anne_layer layer;
    anne_status st;
    long size;
    uint32_t r, n_out, identical, at;
    float max_diff;
    int write, ok;
    if (argc != 5 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
        anne_port_puts("usage: anne_app_vectors write|check MODEL INPUTS OUTPUTS\n");
        return 2;
    }
    write = strcmp(argv[1], "write") == 0;
    size = anne_app_load(argv[2], anne_app_model_buf, sizeof anne_app_model_buf);
    if (size < 0) return 1;
    st = anne_model_load(&m, anne_app_model_buf, (size_t)size);
    if (st == ANNE_OK) st = anne_model_layer(&m, 0, &layer);
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
        st = anne_model_predict(&m, anne_app_got + r * m.n_outputs, anne_app_inputs + r * m.n_inputs,
                                anne_app_arena, sizeof anne_app_arena);
        if (st != ANNE_OK) {
            anne_port_puts("predict failed: ");
            anne_port_puts(anne_status_str(st));
            anne_port_puts("\n");
            return 1;
        }
    }
    if (write) {
        if (anne_app_store(argv[3], anne_app_inputs, ANNE_APP_ROWS * m.n_inputs * sizeof(float)) != 0 ||
            anne_app_store(argv[4], anne_app_got, n_out * sizeof(float)) != 0) {
            return 1;
        }
        return 0;
    }
    ok = anne_app_compare(anne_app_got, anne_app_want, n_out, 0.0f, 0.0f, &identical, &max_diff, &at);
    anne_port_puts(anne_port_target);
    anne_port_puts(" ");
    anne_port_puts(argv[2]);
    anne_port_puts(" (must be bit-identical)");
    anne_port_puts("\n  ");
    anne_app_report("outputs", n_out, identical, max_diff, at);
    if (!ok) anne_port_puts("  FAIL: outside the tolerance\n");
    return ok ? 0 : 1;
}
