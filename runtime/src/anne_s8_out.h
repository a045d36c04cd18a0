/* Private: the last step of every requantizing int8 kernel of anne_quant_ops.h, in one place. */
#ifndef ANNE_S8_OUT_H
#define ANNE_S8_OUT_H

#include <stdint.h>

#include "anne_inline.h"

/* clamp(v + zp, lo, hi) for a requantized v, zp in -128..127 and [lo, hi] within [-128, 127], as
 * TFLite's kernels write it, without its int32 overflow: v beyond +-256 clamps to the same end either
 * way (v + zp is then beyond [-128, 127]), so v is bounded first and the sum always fits. */
ANNE__ALWAYS_INLINE int8_t anne__s8_out(int32_t v, int32_t zp, int32_t lo, int32_t hi) {
    v = v > 256 ? 256 : (v < -256 ? -256 : v);
    v += zp;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int8_t)v;
}

#endif /* ANNE_S8_OUT_H */
