/* What the float32 kernel checks (dense_f32_check.c, conv_f32_check.c) share: values from a generator
 * that gives the same sequence on every target, bit comparisons, and the hash of every output that
 * tests/cli/mcu_kernels_f32.sh compares between the host and the boards. */
#ifndef ANNE_F32_CHECK_H
#define ANNE_F32_CHECK_H

#include <string.h>

#include "anne.h"
#include "anne_port.h"

#define ANNE_CHK_GUARD 0x7F8A5A5Au /* a signalling NaN pattern no kernel writes */

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

/* Outputs whose bits differ from the reference. */
static uint32_t anne_chk_differences(const float *got, const float *want, uint32_t n) {
    uint32_t bad = 0, j;
    for (j = 0; j < n; j++) bad += anne_chk_bits(got[j]) != anne_chk_bits(want[j]);
    return bad;
}

/* FNV-1a over the bytes of n outputs. */
static uint32_t anne_chk_hash(uint32_t hash, const float *v, uint32_t n) {
    uint32_t j, s;
    for (j = 0; j < n; j++) {
        uint32_t u = anne_chk_bits(v[j]);
        for (s = 0; s < 32u; s += 8u) hash = (hash ^ ((u >> s) & 0xFFu)) * 16777619u;
    }
    return hash;
}

/* The last line, which the script reads: "TARGET: N shapes, B differences; hash H". Also checks that
 * a one-ulp change of an output would have been seen. Returns the exit code: 0 when all agree. */
static int anne_chk_report(uint32_t cases, uint32_t bad, uint32_t hash, const float *some_output) {
    float want = anne_chk_float(anne_chk_bits(*some_output) ^ 1u);
    if (anne_chk_differences(some_output, &want, 1) != 1u) {
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

#endif /* ANNE_F32_CHECK_H */
