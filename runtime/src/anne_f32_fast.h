/* Private: ANNE__F32_FAST is 1 on cores with a single-precision FPU (Cortex-M33, M4, M7), where the
 * float32 convolution kernels keep eight sums in FPU registers (their fast paths, each sum still in the
 * reference order, so the bits are the same), and 0 elsewhere and in the smallest runtime
 * (ANNE_CONFIG_DENSE_ROWS=1, anne_config.h), which keeps the reference loops alone. */
#ifndef ANNE_F32_FAST_H
#define ANNE_F32_FAST_H

#include "anne.h"

#if ANNE_CONFIG_DENSE_ROWS != 1 && defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4)
#define ANNE__F32_FAST 1
#else
#define ANNE__F32_FAST 0
#endif

#endif /* ANNE_F32_FAST_H */
