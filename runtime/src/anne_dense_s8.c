/* int8 kernels, TFLite's scheme: requantization (MultiplyByQuantizedMultiplier with TFLite's default
 * double rounding, as CMSIS-NN's arm_nn_requantize), the dense layer with int32 accumulation, and
 * the lookup-table and softmax activations. Written without shifts of negative numbers or signed
 * overflow, so every C99 compiler and core gives the same bits. */
#include "anne_q16_math.h"
#include "anne_quant.h"

/* TFLite's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties toward +inf, the one
 * overflowing case (INT32_MIN * INT32_MIN) saturated. TFLite writes it with a sign-dependent nudge
 * and a truncating division; that equals floor((a b + 2^30) / 2^31), computed here with a shift (no
 * 64-bit division call on a Cortex-M0+) that never shifts a negative number. */
static int32_t anne__srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    return (int32_t)anne__floor_shift64((int64_t)a * b + ((int64_t)1 << 30), 31u); /* |a b| <= 2^62 */
}

/* TFLite's RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero; e in 0..31. The
 * arithmetic shift of a negative x is written ~(~x >> e), which only shifts non-negative numbers. */
static int32_t anne__rdbpot(int32_t x, int32_t e) {
    uint32_t mask;
    int32_t rem, threshold, q;
    if (e <= 0) return x;
    mask = ((uint32_t)1 << e) - 1u;
    rem = (int32_t)((uint32_t)x & mask);
    threshold = (int32_t)(mask >> 1) + (x < 0 ? 1 : 0);
    q = x >= 0 ? (int32_t)((uint32_t)x >> e) : ~(int32_t)((uint32_t)~x >> e);
    return q + (rem > threshold ? 1 : 0);
}

int32_t anne_requantize(int32_t x, int32_t multiplier, int32_t shift) {
    int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    int64_t scaled = (int64_t)x * ((int64_t)1 << left);
    if (scaled > INT32_MAX) scaled = INT32_MAX; /* TFLite: undefined (int32 overflow); here saturated */
    if (scaled < INT32_MIN) scaled = INT32_MIN;
    return anne__rdbpot(anne__srdhm((int32_t)scaled, multiplier), right);
}

void anne_dense_forward_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                           uint16_t n_in, uint16_t n_out, const anne_s8_dense_params *p) {
    uint16_t j, i;
    for (j = 0; j < n_out; j++) {
        const int8_t *w = kernel + (uint32_t)j * n_in; /* (n_in): unit j's weights */
        int32_t acc = bias != NULL ? bias[j] : 0;
        for (i = 0; i < n_in; i++) acc += (int32_t)w[i] * ((int32_t)in[i] - p->in_zp);
        acc = anne_requantize(acc, p->multiplier[j], p->shift[j]);
        /* clamp before adding the zero point, so that the sum cannot overflow; same result */
        acc = acc > 256 ? 256 : (acc < -256 ? -256 : acc);
        acc += p->out_zp;
        acc = acc > p->act_max ? p->act_max : (acc < p->act_min ? p->act_min : acc);
        out[j] = (int8_t)acc;
    }
}

void anne_activation_forward_s8_lut(int8_t *x, size_t n, const int8_t lut[256]) {
    size_t i;
    for (i = 0; i < n; i++) x[i] = lut[(int32_t)x[i] + 128];
}

void anne_softmax_forward_s8(int8_t *x, size_t n, const uint16_t exp_table[256]) {
    size_t i;
    int32_t max;
    uint32_t sum = 0; /* <= 65535 * 32768 < 2^32; >= 32768: exp_table[0] is 1.0 (checked at load) */
    if (n == 0) return;
    max = x[0];
    for (i = 1; i < n; i++) {
        if (x[i] > max) max = x[i];
    }
    for (i = 0; i < n; i++) sum += exp_table[max - x[i]];
    for (i = 0; i < n; i++) {
        uint32_t e = exp_table[max - x[i]];
        uint32_t q = (uint32_t)(((uint64_t)e * 256u + sum / 2u) / sum); /* 0..256 */
        x[i] = (int8_t)(q >= 255u ? 127 : (int32_t)q - 128);
    }
}
