/* Spatial rearrangements of an (H, W, C) float32 tensor, the reference kernels of anne_ops.h:
 * ZeroPadding, Cropping and UpSampling (nearest), 1-D and 2-D. Copies only: the results are exact. */
#include "anne_ops.h"

void anne_zero_pad2d_forward_f32(float *out, anne_hwc out_shape, const float *in, anne_hwc in_shape,
                                 uint16_t pad_top, uint16_t pad_left) {
    uint32_t y, x, c;
    for (y = 0; y < out_shape.h; y++) {
        /* unsigned: a row of the top padding wraps past in.h, like one of the bottom padding */
        uint32_t iy = y - pad_top;
        for (x = 0; x < out_shape.w; x++) {
            uint32_t ix = x - pad_left;
            float *dst = out + ((size_t)y * out_shape.w + x) * out_shape.c; /* (c) */
            if (iy < in_shape.h && ix < in_shape.w) {
                const float *src = in + ((size_t)iy * in_shape.w + ix) * in_shape.c; /* (c) */
                for (c = 0; c < out_shape.c; c++) dst[c] = src[c];
            } else {
                for (c = 0; c < out_shape.c; c++) dst[c] = 0.0f;
            }
        }
    }
}

void anne_crop2d_forward_f32(float *out, anne_hwc out_shape, const float *in, anne_hwc in_shape,
                             uint16_t crop_top, uint16_t crop_left) {
    uint32_t y, x, c;
    for (y = 0; y < out_shape.h; y++) {
        for (x = 0; x < out_shape.w; x++) {
            const float *src = in + (((size_t)y + crop_top) * in_shape.w + x + crop_left) * in_shape.c; /* (c) */
            float *dst = out + ((size_t)y * out_shape.w + x) * out_shape.c;                           /* (c) */
            for (c = 0; c < out_shape.c; c++) dst[c] = src[c];
        }
    }
}

void anne_upsample2d_nearest_forward_f32(float *out, anne_hwc out_shape, const float *in, anne_hwc in_shape) {
    uint32_t fy = (uint32_t)out_shape.h / in_shape.h, fx = (uint32_t)out_shape.w / in_shape.w; /* the factors */
    uint32_t y, x, c;
    for (y = 0; y < out_shape.h; y++) {
        for (x = 0; x < out_shape.w; x++) {
            const float *src = in + ((size_t)(y / fy) * in_shape.w + x / fx) * in_shape.c; /* (c) */
            float *dst = out + ((size_t)y * out_shape.w + x) * out_shape.c;               /* (c) */
            for (c = 0; c < out_shape.c; c++) dst[c] = src[c];
        }
    }
}
