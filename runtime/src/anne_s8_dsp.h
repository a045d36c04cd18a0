/* Private: word-wise pieces of the int8 kernels on cores with the DSP extension (Cortex-M33, M4, M7):
 * four int8 values loaded as a word, and one weight word's four products added with two SMLAD
 * (anne_dense_s8.c, anne_conv2d_s8_fast.c). */
#ifndef ANNE_S8_DSP_H
#define ANNE_S8_DSP_H

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#include "anne_inline.h"

/* Four int8 values from any address (these cores load unaligned words). */
ANNE__ALWAYS_INLINE int32_t anne__ld4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Bytes 1 and 3 of v into the positions of bytes 0 and 2 (SXTB16's rotated operand). */
ANNE__ALWAYS_INLINE int32_t anne__ror8(int32_t v) {
    return (int32_t)(((uint32_t)v >> 8) | ((uint32_t)v << 24));
}

/* a + the four products of the weight word wv with the inputs widened by SXTB16: xa = (x0, x2),
 * xb = (x1, x3). */
ANNE__ALWAYS_INLINE int32_t anne__smlad4(int32_t a, int32_t wv, int32_t xa, int32_t xb) {
    a = __smlad(__sxtb16(wv), xa, a);
    return __smlad(__sxtb16(anne__ror8(wv)), xb, a);
}

#endif /* ANNE_S8_DSP_H */
