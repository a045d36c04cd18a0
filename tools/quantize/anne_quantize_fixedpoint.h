/* TFLite's int8 LOGISTIC and TANH as TFLite Micro and TFLite's reference_integer_ops compute them
 * (integer_ops/logistic.h, tanh.h): the input rescaled to a 32-bit fixed-point number with 4 integer
 * bits, gemmlowp's fixed-point logistic or tanh (fixedpoint.h: exp by a Taylor polynomial and a barrel
 * of constants, 1 / (1 + x) by Newton-Raphson), the result rounded to the int8 output. Integer
 * arithmetic throughout, so that the table is the same on every host. The output quantization is the
 * one these kernels assume: 1/256 and -128 (logistic), 1/128 and 0 (tanh). */
#ifndef ANNE_QUANTIZE_FIXEDPOINT_H
#define ANNE_QUANTIZE_FIXEDPOINT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* lut[q + 128] = TFLite's int8 LOGISTIC (tanh: TANH) of q for an input quantized (in_scale, in_zp):
 * Prepare's input_multiplier and input_left_shift from frexp(in_scale * 2^27) (double), the input
 * radius beyond which the output saturates, then the kernel at each of the 256 inputs. in_scale must
 * be finite, > 0 and below 16 (a larger one leaves no input inside the radius, and TFLite's arithmetic
 * overflows); returns -1 otherwise, else 0. */
int anne_s8_logistic_table(float in_scale, int32_t in_zp, int8_t lut[256]);
int anne_s8_tanh_table(float in_scale, int32_t in_zp, int8_t lut[256]);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_QUANTIZE_FIXEDPOINT_H */
