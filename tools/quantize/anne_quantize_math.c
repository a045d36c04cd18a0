/* Host side of quantization: scales, zero points and multipliers, with TFLite's formulas. */
#include "anne_quantize_math.h"

#include <math.h>
#include <stddef.h>

void anne_quantize_multiplier(double real, int32_t *multiplier, int32_t *shift) {
    int e = 0;
    double q;
    int64_t q_fixed;
    if (real == 0.0) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    q = frexp(real, &e);                          /* real = q * 2^e, q in [0.5, 1) */
    q_fixed = (int64_t)round(q * 2147483648.0);   /* TfLiteRound: half away from zero */
    if (q_fixed == ((int64_t)1 << 31)) {          /* q rounded up to 1.0 */
        q_fixed /= 2;
        e++;
    }
    if (e < -31) {                                /* every bit would be shifted out: flush to 0 */
        e = 0;
        q_fixed = 0;
    }
    *multiplier = (int32_t)q_fixed;
    *shift = (int32_t)e;
}

void anne_choose_qparams(double min, double max, float *scale, int32_t *zero_point) {
    const double qmin = -128.0, qmax = 127.0;
    double s, zp_from_min, zp_from_max, zp;
    if (min > 0.0) min = 0.0;
    if (max < 0.0) max = 0.0;
    if (max == min) {
        *scale = 1.0f;
        *zero_point = 0;
        return;
    }
    s = (max - min) / (qmax - qmin);
    zp_from_min = qmin - min / s;
    zp_from_max = qmax - max / s;
    zp = fabs(qmin) + fabs(min / s) < fabs(qmax) + fabs(max / s) ? zp_from_min : zp_from_max;
    zp = zp < qmin ? qmin : (zp > qmax ? qmax : round(zp));
    *scale = (float)s;
    *zero_point = (int32_t)zp;
}

float anne_symmetric_scale(const float *w, uint32_t n) {
    return anne_symmetric_scale_strided(w, n, 1u);
}

float anne_symmetric_scale_strided(const float *w, uint32_t n, uint32_t stride) {
    float m = 0.0f;
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (fabsf(w[(size_t)i * stride]) > m) m = fabsf(w[(size_t)i * stride]);
    }
    return m > 0.0f ? m / 127.0f : 1.0f;
}

int8_t anne_quantize_weight(float w, float scale) {
    double q = round((double)w / (double)scale);
    return (int8_t)(q > 127.0 ? 127 : (q < -127.0 ? -127 : (int)q));
}

int32_t anne_q16_from_double(double x) {
    double q;
    if (isnan(x)) return 0;
    q = round(x * 65536.0);
    if (q >= 2147483647.0) return INT32_MAX;
    if (q <= -2147483648.0) return INT32_MIN;
    return (int32_t)q;
}
