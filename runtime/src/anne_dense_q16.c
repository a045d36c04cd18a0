/* Dense layer in Q16.16 and the float <-> Q16.16 conversions. The 64-bit accumulator holds every
 * product exactly (Q32.32) and is rounded once, at the end. */
#include <string.h>

#include "anne_q16_math.h"
#include "anne_quant.h"

int32_t anne_q16_mul(int32_t a, int32_t b) {
    return anne__q16_mul(a, b);
}

/* Works on the float's bits (sign, exponent, 24-bit significand m): x * 2^16 = m * 2^(e - 134). */
int32_t anne_q16_from_f32(float x) {
    uint32_t u, m, e, mag;
    int neg;
    memcpy(&u, &x, sizeof u);
    neg = (u >> 31) != 0;
    e = (u >> 23) & 0xFFu;
    m = u & 0x7FFFFFu;
    if (e == 0xFFu) {
        if (m != 0) return 0; /* NaN */
        return neg ? INT32_MIN : INT32_MAX;
    }
    if (e == 0) return 0;   /* zero and subnormals (< 2^-126) round to 0 */
    m |= 0x800000u;
    if (e >= 134u) {
        if (e - 134u >= 8u) return neg ? INT32_MIN : INT32_MAX; /* m * 2^8 >= 2^31 */
        {
            uint64_t v = (uint64_t)m << (e - 134u);
            if (neg) return v >= 0x80000000u ? INT32_MIN : -(int32_t)v;
            return v > 0x7FFFFFFFu ? INT32_MAX : (int32_t)v;
        }
    }
    if (134u - e > 25u) return 0; /* m / 2^26 < 0.25 */
    {
        uint32_t s = 134u - e;
        mag = (m + (1u << (s - 1u))) >> s; /* ties away from zero: on the magnitude */
    }
    return neg ? -(int32_t)mag : (int32_t)mag;   /* mag <= 2^24: no overflow */
}

void anne_dense_forward_q16(int32_t *out, const int32_t *in, const int32_t *kernel, const int32_t *bias,
                            uint16_t n_in, uint16_t n_out) {
    uint16_t j, i;
    for (j = 0; j < n_out; j++) {
        const int32_t *w = kernel + (uint32_t)j * n_in; /* (n_in): unit j's weights */
        /* |bias * 2^16| < 2^47 and sum |w_i x_i| <= 2^31 * 2^31 (row L1 bound): below 2^63 */
        int64_t acc = bias != NULL ? (int64_t)bias[j] * 65536 : 0;
        for (i = 0; i < n_in; i++) acc += (int64_t)w[i] * in[i];
        out[j] = anne__sat32(anne__round_shift64(acc, 16u));
    }
}
