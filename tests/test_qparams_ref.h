/* TFLite's choice of an int8 tensor's scale and zero point and its QuantizeMultiplier, written again
 * for the quantizer's tests from quantization_util.h (in double, with frexp), independent of
 * tools/quantize/anne_quantize_math.c. */
#ifndef TEST_QPARAMS_REF_H
#define TEST_QPARAMS_REF_H

#include <math.h>
#include <stdint.h>

/* TFLite's ChooseQuantizationParams<int8> (quantization_util.h), in double as written there. */
static inline void ref_qparams(double rmin, double rmax, float *scale, int32_t *zp) {
    const double qmin = -128.0, qmax = 127.0;
    double s, from_min, from_max, z;
    rmin = rmin < 0.0 ? rmin : 0.0;
    rmax = rmax > 0.0 ? rmax : 0.0;
    s = (rmax - rmin) / (qmax - qmin);
    from_min = qmin - rmin / s;
    from_max = qmax - rmax / s;
    z = fabs(qmin) + fabs(rmin / s) < fabs(qmax) + fabs(rmax / s) ? from_min : from_max;
    *scale = (float)s;
    *zp = z < qmin ? -128 : z > qmax ? 127 : (int32_t)round(z);
}

/* TFLite's QuantizeMultiplier: real = m 2^(shift - 31), m in [2^30, 2^31). */
static inline void ref_multiplier(double real, int32_t *m, int32_t *shift) {
    int e;
    double q = frexp(real, &e);
    long long f = llround(q * 2147483648.0);
    if (f == 2147483648LL) {
        f /= 2;
        e++;
    }
    *m = (int32_t)f;
    *shift = e;
}

#endif /* TEST_QPARAMS_REF_H */
