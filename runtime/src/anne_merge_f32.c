/* Elementwise merges of float32 tensors (Keras Add, Subtract, Multiply, Maximum, Minimum, and Average
 * as a sum then anne_div_scalar_f32), of one shape or broadcast, and Concatenate: the reference kernels
 * of anne_ops.h. */
#include "anne_broadcast.h"
#include "anne_inline.h"
#include "anne_math_f32.h"
#include "anne_ops.h"

/* One value of a merge; inlined into each kernel's loop (no call and frame per value, the boards' stack). */
ANNE__ALWAYS_INLINE float anne__merge(float a, float b, anne_merge op) {
    switch (op) {
    case ANNE_MERGE_ADD: return a + b;
    case ANNE_MERGE_SUBTRACT: return a + anne__f32_neg(b); /* a - b to the bit, without __aeabi_fsub */
    case ANNE_MERGE_MULTIPLY: return a * b;
    case ANNE_MERGE_MAXIMUM: return anne__f32_lt(a, b) ? b : a; /* b > a ? b : a */
    case ANNE_MERGE_MINIMUM: return anne__f32_lt(b, a) ? b : a; /* b < a ? b : a */
    case ANNE_MERGE_COUNT: break;
    }
    return a;
}

void anne_merge_forward_f32(float *out, const float *a, const float *b, uint32_t n, anne_merge op) {
    uint32_t i;
    /* a[i] and b[i] are read before out[i] is written: out may be a (or b) */
    for (i = 0; i < n; i++) out[i] = anne__merge(a[i], b[i], op);
}

void anne_merge_broadcast_forward_f32(float *out, const float *a, const float *b, const anne_broadcast_params *p) {
    uint32_t i0, i1, i2, i3;
    /* out in its own order, row-major; when out is a, a's index is out's: read before written */
    for (i0 = 0; i0 < p->out[0]; i0++) {
        for (i1 = 0; i1 < p->out[1]; i1++) {
            for (i2 = 0; i2 < p->out[2]; i2++) {
                for (i3 = 0; i3 < p->out[3]; i3++) {
                    *out++ = anne__merge(a[anne__broadcast_at(p->a, i0, i1, i2, i3)],
                                         b[anne__broadcast_at(p->b, i0, i1, i2, i3)], p->op);
                }
            }
        }
    }
}

void anne_div_scalar_f32(float *x, uint32_t n, float d) {
    uint32_t i;
    /* a division per value, not a product with 1 / d: Keras divides, and 1 / k is inexact for k = 3 */
    for (i = 0; i < n; i++) x[i] = x[i] / d;
}

void anne_concat_forward_f32(float *out, const float *const *in, const uint32_t *inner, uint16_t n_in,
                             uint32_t outer) {
    uint32_t o, k, i;
    for (o = 0; o < outer; o++) {
        for (k = 0; k < n_in; k++) {
            const float *src = in[k] + (size_t)o * inner[k]; /* (inner[k]): input k's part of row o */
            for (i = 0; i < inner[k]; i++) *out++ = src[i];
        }
    }
}
