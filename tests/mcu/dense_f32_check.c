/* anne_dense_forward_f32 at many shapes (n_in not a multiple of 4 or 8, n_out not a multiple of 4 or 8),
 * with and without bias, run on the host and on the boards by tests/cli/mcu_kernels_f32.sh: every output
 * must have the bits of a plain scalar sum in the documented order (+0, then w0 x0, w1 x1, ... each
 * product rounded, bias last), nothing outside out[0 .. n_out) may be written, and the hash of all
 * outputs it prints must be the host's (the script compares). Exit 0: all agree; 1: a difference. */
#include "f32_check.h"

#define ANNE_CHK_MAX_IN 67u
#define ANNE_CHK_MAX_OUT 64u

static const uint16_t anne_chk_n_in[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 20, 31, 32, 33, 64, 67};
static const uint16_t anne_chk_n_out[] = {1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 25, 64};

static float anne_chk_w[ANNE_CHK_MAX_IN * ANNE_CHK_MAX_OUT];
static float anne_chk_x[ANNE_CHK_MAX_IN];
static float anne_chk_b[ANNE_CHK_MAX_OUT];
static float anne_chk_want[ANNE_CHK_MAX_OUT];
static float anne_chk_got[ANNE_CHK_MAX_OUT + 2u]; /* out[-1] and out[n_out] are guards */

/* The reference: one unit's sum, plainly, in the documented order. */
static float anne_chk_unit(const float *w, const float *x, uint16_t n_in, const float *bias, uint16_t j) {
    float acc = 0.0f;
    uint16_t i;
    for (i = 0; i < n_in; i++) {
        float p = w[i] * x[i];
        acc = acc + p;
    }
    return bias ? acc + bias[j] : acc;
}

int anne_app_main(int argc, char **argv) {
    uint32_t hash = 2166136261u, bad = 0, cases = 0, k;
    unsigned a, b, with_bias, zero_x;
    (void)argc;
    (void)argv;
    for (a = 0; a < sizeof anne_chk_n_in / sizeof anne_chk_n_in[0]; a++) {
        for (b = 0; b < sizeof anne_chk_n_out / sizeof anne_chk_n_out[0]; b++) {
            for (k = 0; k < 4u; k++) {
                uint16_t n_in = anne_chk_n_in[a], n_out = anne_chk_n_out[b], i, j;
                const float *bias;
                uint32_t diff;
                with_bias = k & 1u;
                zero_x = k >= 2u; /* zero inputs, negative weights: every product is -0, every sum +0 */
                for (i = 0; i < n_in; i++) anne_chk_x[i] = zero_x ? 0.0f : anne_chk_value();
                for (i = 0; i < (uint16_t)(n_in * n_out); i++) {
                    float v = anne_chk_value();
                    anne_chk_w[i] = zero_x ? -1.0f - (v < 0.0f ? -v : v) : v;
                }
                for (j = 0; j < n_out; j++) anne_chk_b[j] = zero_x ? 0.0f : anne_chk_value();
                bias = with_bias ? anne_chk_b : NULL;
                for (j = 0; j < n_out; j++) {
                    anne_chk_want[j] = anne_chk_unit(anne_chk_w + (uint32_t)j * n_in, anne_chk_x, n_in, bias, j);
                }
                for (j = 0; j < n_out + 2u; j++) anne_chk_got[j] = anne_chk_float(ANNE_CHK_GUARD);
                anne_dense_forward_f32(anne_chk_got + 1, anne_chk_x, anne_chk_w, bias, n_in, n_out);
                diff = anne_chk_differences(anne_chk_got + 1, anne_chk_want, n_out);
                if (anne_chk_bits(anne_chk_got[0]) != ANNE_CHK_GUARD ||
                    anne_chk_bits(anne_chk_got[n_out + 1u]) != ANNE_CHK_GUARD) {
                    diff++;
                    anne_port_puts("  written outside out: ");
                }
                if (diff != 0u) {
                    anne_port_puts("FAIL: n_in ");
                    anne_port_put_u32(n_in);
                    anne_port_puts(", n_out ");
                    anne_port_put_u32(n_out);
                    anne_port_puts(with_bias ? ", bias" : ", no bias");
                    anne_port_puts(zero_x ? ", zero inputs: " : ": ");
                    anne_port_put_u32(diff);
                    anne_port_puts(" outputs differ from the scalar sum\n");
                    bad += diff;
                }
                hash = anne_chk_hash(hash, anne_chk_got + 1, n_out);
                cases++;
            }
        }
    }
    return anne_chk_report(cases, bad, hash, anne_chk_got + 1);
}
