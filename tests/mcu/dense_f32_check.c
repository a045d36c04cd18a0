/* anne_dense_forward_f32 at many shapes (n_in not a multiple of 4 or 8, n_out not a multiple of 4 or 8),
 * with and without bias, run on the host and on the boards by tests/cli/mcu_dense_f32.sh: every output
 * must have the bits of a plain scalar sum in the documented order (+0, then w0 x0, w1 x1, ... each
 * product rounded, bias last), nothing outside out[0 .. n_out) may be written, and the hash of all
 * outputs it prints must be the host's (the script compares). Exit 0: all agree; 1: a difference. */
#include <string.h>

#include "anne.h"
#include "anne_port.h"

#define ANNE_CHK_MAX_IN 67u
#define ANNE_CHK_MAX_OUT 64u
#define ANNE_CHK_GUARD 0x7F8A5A5Au /* a signalling NaN pattern no kernel writes */

static const uint16_t anne_chk_n_in[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 20, 31, 32, 33, 64, 67};
static const uint16_t anne_chk_n_out[] = {1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 25, 64};

static float anne_chk_w[ANNE_CHK_MAX_IN * ANNE_CHK_MAX_OUT];
static float anne_chk_x[ANNE_CHK_MAX_IN];
static float anne_chk_b[ANNE_CHK_MAX_OUT];
static float anne_chk_want[ANNE_CHK_MAX_OUT];
static float anne_chk_got[ANNE_CHK_MAX_OUT + 2u]; /* out[-1] and out[n_out] are guards */
static uint32_t anne_chk_state = 0x2025u;

static uint32_t anne_chk_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float anne_chk_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* xorshift32: the same sequence on every target */
static uint32_t anne_chk_next(void) {
    uint32_t s = anne_chk_state;
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    anne_chk_state = s;
    return s;
}

/* A value in [-2, 2) with a full 24-bit mantissa (so products and sums round), sometimes +0 or -0,
 * sometimes scaled by 2^50 or 2^-70 (large sums, cancellation, subnormal products; never infinite:
 * at most 67 products of 2^102 each). */
static float anne_chk_value(void) {
    uint32_t r = anne_chk_next(), kind = r % 16u;
    float v = (float)(int32_t)((anne_chk_next() >> 7) - (1u << 24)) * (1.0f / 8388608.0f);
    if (kind == 0u) return 0.0f;
    if (kind == 1u) return -0.0f;
    if (kind == 2u) return v * 1125899906842624.0f;            /* 2^50 */
    if (kind == 3u) return v * 8.470329472543003e-22f;         /* 2^-70 */
    return v;
}

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

/* Outputs whose bits differ from the reference. */
static uint32_t anne_chk_differences(const float *got, const float *want, uint16_t n) {
    uint32_t bad = 0;
    uint16_t j;
    for (j = 0; j < n; j++) bad += anne_chk_bits(got[j]) != anne_chk_bits(want[j]);
    return bad;
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
                for (j = 0; j < n_out; j++) {
                    uint32_t u = anne_chk_bits(anne_chk_got[1u + j]), s;
                    for (s = 0; s < 32u; s += 8u) hash = (hash ^ ((u >> s) & 0xFFu)) * 16777619u;
                }
                cases++;
            }
        }
    }
    /* the comparison must see one unit in the last place of one value */
    anne_chk_want[0] = anne_chk_float(anne_chk_bits(anne_chk_got[1]) ^ 1u);
    if (anne_chk_differences(anne_chk_got + 1, anne_chk_want, 1) != 1u) {
        anne_port_puts("FAIL: a one-ulp difference went unnoticed\n");
        bad++;
    }
    anne_port_puts(anne_port_target);
    anne_port_puts(": ");
    anne_port_put_u32(cases);
    anne_port_puts(" shapes, ");
    anne_port_put_u32(bad);
    anne_port_puts(" differences; hash ");
    anne_port_put_hex32(hash);
    anne_port_puts("\n");
    return bad == 0u ? 0 : 1;
}
