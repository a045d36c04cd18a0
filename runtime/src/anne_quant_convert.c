/* The float ends of the quantized formats: Q16.16 and int8 values to and from float. Kept apart from
 * the kernels so that an integer-only build (a core without FPU) links no soft-float code unless it
 * uses the float-in/float-out API. (anne_q16_from_f32 works on bits and stays with the kernels.) */
#include "anne_quant.h"

float anne_q16_to_f32(int32_t x) {
    return (float)x * (1.0f / 65536.0f);
}

int8_t anne_s8_quantize(float x, float scale, int32_t zp) {
    float v = x / scale;
    int32_t t, q;
    if (!(v > -1000.0f)) return v < 0.0f ? (int8_t)-128 : (int8_t)(zp < -128 ? -128 : (zp > 127 ? 127 : zp));
    if (v > 1000.0f) return 127;
    t = (int32_t)v; /* toward zero; then round half away from zero on the exact remainder */
    if (v - (float)t >= 0.5f) t++;
    else if (v - (float)t <= -0.5f) t--;
    q = t + zp;
    return (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
}

float anne_s8_dequantize(int8_t q, float scale, int32_t zp) {
    return (float)((int32_t)q - zp) * scale;
}
