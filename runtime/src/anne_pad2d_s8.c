/* Padding of an (H, W, C) int8 tensor, the reference kernel of anne_quant_ops.h: TFLite's PAD and PADV2
 * of the spatial axes, whose padding is the real value 0 (the tensor's zero point) or a constant. A copy:
 * the result is exact. */
#include "anne_quant_ops.h"

void anne_pad2d_forward_s8(int8_t *out, const int8_t *in, const anne_spatial_params *p, int8_t pad_value) {
    uint32_t y, x, c;
    for (y = 0; y < p->out.h; y++) {
        /* unsigned: a row of the top padding wraps past in.h, like one of the bottom padding */
        uint32_t iy = y - p->top;
        for (x = 0; x < p->out.w; x++) {
            uint32_t ix = x - p->left;
            int8_t *dst = out + ((size_t)y * p->out.w + x) * p->out.c; /* (c) */
            if (iy < p->in.h && ix < p->in.w) {
                const int8_t *src = in + ((size_t)iy * p->in.w + ix) * p->in.c; /* (c) */
                for (c = 0; c < p->out.c; c++) dst[c] = src[c];
            } else {
                for (c = 0; c < p->out.c; c++) dst[c] = pad_value;
            }
        }
    }
}
