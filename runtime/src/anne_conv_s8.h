/* Private: the int8 convolution kernels' two forms. The reference ones (anne_conv2d_s8.c) are the
 * readable statement of the arithmetic; the optimized ones (anne_conv2d_s8_fast.c) are the public
 * anne_conv2d_forward_s8 / anne_depthwise_conv2d_forward_s8 unless ANNE_CONFIG_S8_FAST_CONV is 0, and
 * give the same bits (tests/test_conv_s8_fast.c, and on the boards ports/apps/app_conv_s8.c). */
#ifndef ANNE_CONV_S8_H
#define ANNE_CONV_S8_H

#include "anne_quant.h"

/* The reference kernels, with the contracts of anne_conv2d_forward_s8 and
 * anne_depthwise_conv2d_forward_s8 (anne_quant.h). */
void anne__conv2d_ref_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                         const anne_window_params *win, const anne_s8_dense_params *p);
void anne__depthwise_ref_s8(int8_t *out, const int8_t *in, const int8_t *kernel, const int32_t *bias,
                            const anne_window_params *win, const anne_s8_dense_params *p);

#endif /* ANNE_CONV_S8_H */
