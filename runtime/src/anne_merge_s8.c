/* Elementwise merges of int8 tensors (ADD, SUB, MUL, of one shape or broadcast) and CONCATENATION: the
 * reference kernels of anne_quant_ops.h, TFLite's reference_integer_ops AddFunc and MulElementwise and
 * its concatenation (a copy, or a table per input quantized otherwise than the output). */
#include "anne_broadcast.h"
#include "anne_inline.h"
#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_s8_out.h"

/* One value of ADD (or SUB, input 2's multiplier negated): both inputs to the common scale
 * 2 max(s1, s2) / 2^left_shift, their sum to the output scale. |(in - zp) 2^left_shift| <= 255 * 2^22. */
ANNE__ALWAYS_INLINE int8_t anne__add_s8(int32_t a, int32_t b, const anne_s8_add_params *p) {
    int32_t scale = (int32_t)1 << p->left_shift;
    int32_t ra = anne_requantize((a - p->in1_zp) * scale, p->in1_multiplier, p->in1_shift);
    int32_t rb = anne_requantize((b - p->in2_zp) * scale, p->in2_multiplier, p->in2_shift);
    return anne__s8_out(anne_requantize(ra + rb, p->out_multiplier, p->out_shift), p->out_zp, p->act_min,
                        p->act_max);
}

/* One value of MUL: the product of the offset inputs (|.| <= 255^2), requantized once. */
ANNE__ALWAYS_INLINE int8_t anne__mul_s8(int32_t a, int32_t b, const anne_s8_mul_params *p) {
    return anne__s8_out(anne_requantize((a - p->in1_zp) * (b - p->in2_zp), p->multiplier, p->shift), p->out_zp,
                        p->act_min, p->act_max);
}

void anne_add_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2, uint32_t n,
                         const anne_s8_add_params *p) {
    uint32_t i;
    for (i = 0; i < n; i++) out[i] = anne__add_s8(in1[i], in2[i], p);
}

void anne_mul_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2, uint32_t n,
                         const anne_s8_mul_params *p) {
    uint32_t i;
    for (i = 0; i < n; i++) out[i] = anne__mul_s8(in1[i], in2[i], p);
}

/* out in its own row-major order; q is an anne_s8_mul_params with mul, else an anne_s8_add_params. When
 * out is in1, in1's index is out's: each value is read before it is written. */
static void anne__s8_broadcast(int8_t *out, const int8_t *in1, const int8_t *in2, const anne_broadcast_params *s,
                               const void *q, int mul) {
    uint32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < s->out[0]; i0++) {
        for (i1 = 0; i1 < s->out[1]; i1++) {
            for (i2 = 0; i2 < s->out[2]; i2++) {
                for (i3 = 0; i3 < s->out[3]; i3++) {
                    int32_t a = in1[anne__broadcast_at(s->a, i0, i1, i2, i3)];
                    int32_t b = in2[anne__broadcast_at(s->b, i0, i1, i2, i3)];
                    *out++ = mul ? anne__mul_s8(a, b, (const anne_s8_mul_params *)q)
                                 : anne__add_s8(a, b, (const anne_s8_add_params *)q);
                }
            }
        }
    }
}

void anne_add_broadcast_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2,
                                   const anne_broadcast_params *s, const anne_s8_add_params *p) {
    anne__s8_broadcast(out, in1, in2, s, p, 0);
}

void anne_mul_broadcast_forward_s8(int8_t *out, const int8_t *in1, const int8_t *in2,
                                   const anne_broadcast_params *s, const anne_s8_mul_params *p) {
    anne__s8_broadcast(out, in1, in2, s, p, 1);
}

void anne_concat_forward_s8(int8_t *out, const int8_t *const *in, const uint32_t *inner, uint16_t n_in,
                            uint32_t outer, const int8_t *const *requant) {
    uint32_t o, k, i;
    for (o = 0; o < outer; o++) {
        for (k = 0; k < n_in; k++) {
            const int8_t *src = in[k] + (size_t)o * inner[k]; /* (inner[k]): input k's part of row o */
            const int8_t *lut = requant != NULL ? requant[k] : NULL;
            if (lut == NULL) {
                for (i = 0; i < inner[k]; i++) *out++ = src[i];
            } else {
                for (i = 0; i < inner[k]; i++) *out++ = lut[src[i] + 128];
            }
        }
    }
}
